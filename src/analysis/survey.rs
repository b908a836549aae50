//! Survey scores: items, dimensions, the comprehensive index, respondent bands.
//!
//! Rows are folded into `SurveyAcc`, one `MonthAcc` per calendar month. Answers are summed
//! as integers (micro-units of the scale), so merging is exact and order-independent.

use super::importance::{self, ImportanceSums};
use super::moments::Moments;
use super::months::MonthTable;
use super::precision::{
    compare, estimates, nps_result, reliability, top2, Comparison, Estimates, NpsResult, Reliability,
};
pub use super::segments::Segments;
use super::stats::{band_of_tenths, required_answers, rescale, round_half_away, tenths, weighted_mean};
use crate::config::{Config, RateBasis};
use crate::ingest::registers::Symbols;
use crate::ingest::survey::SurveyRow;
use crate::ingest::value::{whole_points, Ans};
use crate::ingest::{RowPos, RowSink};
use crate::period::{Date, Period, YearMonth};
use serde::Serialize;

const MICRO: f64 = 1e6;
const HIST_BINS: usize = 1001;
/// Rows a month keeps the position of (the first in input order), to name them in messages.
pub const ROWS_KEPT: usize = 5;

/// What the analysis needs from the config, resolved once.
#[derive(Debug, Clone)]
pub struct SurveyModel {
    /// The items' names as shown (`name`, else the column), in dimension order.
    pub items: Vec<String>,
    /// Each item's weight inside its dimension (1 unless set).
    pub item_weights: Vec<f64>,
    pub dims: Vec<DimModel>,
    /// `[survey] scale`.
    pub min: f64,
    pub max: f64,
    /// Per answer slot (the items, then `overall`): its scale (an item's own, else
    /// `[survey] scale`), the minimum in micro-units, and its whole points (0 when the scale
    /// has no whole-number bounds).
    pub slot_min: Vec<f64>,
    pub slot_max: Vec<f64>,
    pub slot_min_micro: Vec<i64>,
    pub slot_points: Vec<usize>,
    /// Per slot: the lowest answer in the top two scale points (top-2-box), on the slot's
    /// scale after reverse scoring: with labels, the second-highest label value (reversed:
    /// min + max − the second-lowest); without, max − 1.
    pub slot_top2_from: Vec<f64>,
    /// Items a questionnaire must answer to be valid.
    pub required: usize,
    pub band_labels: Vec<String>,
    pub band_mins: Vec<f64>,
    /// `band_at[t]`: the band of the score t tenths (`stats::band_of_tenths`), looked up once.
    pub band_at: Vec<u16>,
    pub comments_kept: usize,
    pub lowest_items: usize,
    pub rate_basis: RateBasis,
    pub required_rate: f64,
    /// The stride of the per-slot point counts: the most whole points of any slot's scale
    /// (max − min + 1 for a scale with whole-number bounds and at most 101 points); 0 when no
    /// slot has whole points (answers are then summed).
    pub span: usize,
    /// `point_scores[slot * span + k]`: `rescale(min + k)` on the slot's scale, the 0–100
    /// value of `Ans::Point(k)`.
    pub point_scores: Vec<f64>,
    /// When every point score is a whole number (1–5, 0–10 ... scales), the mean of `n`
    /// whole-point answers whose offsets sum to `s` is `point_means[n * point_sums + s]`:
    /// the same value as summing their point scores (exact, being whole) and dividing by `n`.
    pub point_means: Vec<f64>,
    pub point_sums: usize,
    /// Whether the rows carry an `overall` answer (after the items) and a `recommend` answer
    /// (after that).
    pub overall: Option<String>,
    pub recommend: Option<String>,
    /// `[survey] segments`: the columns broken down, and the smallest valid count of a
    /// segment compared with others.
    pub segments: Vec<String>,
    pub min_segment_n: u64,
}

#[derive(Debug, Clone)]
pub struct DimModel {
    pub name: String,
    pub weight: f64,
    /// Range of this dimension's items in `SurveyModel::items`.
    pub start: usize,
    pub end: usize,
}

impl SurveyModel {
    /// Answer slots per row: the items, then `overall` when configured (scored like an item).
    pub fn slots(&self) -> usize {
        self.items.len() + usize::from(self.overall.is_some())
    }

    /// The dimensions as item ranges.
    fn dim_ranges(&self) -> Vec<(usize, usize)> {
        self.dims.iter().map(|d| (d.start, d.end)).collect()
    }

    /// The answer's 0–100 score on slot `i`'s scale.
    #[inline]
    pub fn score_of(&self, i: usize, a: Ans) -> Option<f64> {
        match a {
            Ans::Blank => None,
            Ans::Point(k) => Some(self.point_scores[i * self.span + usize::from(k)]),
            Ans::Value(v) => Some(rescale(v, self.slot_min[i], self.slot_max[i])),
        }
    }

    /// 100 / (max − min) of slot `i`: raw scale units to score units.
    pub fn unit(&self, i: usize) -> f64 {
        100.0 / (self.slot_max[i] - self.slot_min[i])
    }

    pub fn from_config(c: &Config) -> Self {
        // Without a survey the model has no items: the accumulator stays empty.
        let none;
        let s = match &c.survey {
            Some(s) => s,
            None => {
                none = crate::config::SurveyConfig::none();
                &none
            }
        };
        let mut dims = Vec::new();
        let mut start = 0;
        for (d, w) in s.dimensions.iter().zip(s.weights()) {
            dims.push(DimModel { name: d.name.clone(), weight: w, start, end: start + d.items.len() });
            start += d.items.len();
        }
        // Per slot: the items' scales, then `overall` on `[survey] scale`.
        let scales: Vec<(f64, f64)> = s
            .item_entries()
            .map(|i| s.scale_of(i))
            .chain(s.overall.iter().map(|_| &s.scale))
            .map(|sc| (sc.min, sc.max))
            .collect();
        let slot_points: Vec<usize> = scales.iter().map(|(a, b)| whole_points(*a, *b)).collect();
        let slot_top2_from: Vec<f64> = s
            .item_entries()
            .map(|i| top2_from(&s.labels_of(i), s.scale_of(i), i.reverse))
            .chain(s.overall.iter().map(|_| {
                let labels: Vec<(String, f64)> = s.scale.labels.iter().map(|(k, v)| (k.clone(), *v)).collect();
                top2_from(&labels, &s.scale, false)
            }))
            .collect();
        let span = slot_points.iter().copied().max().unwrap_or(0);
        let point_scores =
            scales.iter().flat_map(|(a, b)| (0..span).map(move |k| rescale(a + k as f64, *a, *b))).collect();
        SurveyModel {
            items: s.item_entries().map(|i| i.shown().to_string()).collect(),
            item_weights: s.item_entries().map(|i| i.weight.unwrap_or(1.0)).collect(),
            dims,
            min: s.scale.min,
            max: s.scale.max,
            slot_min: scales.iter().map(|x| x.0).collect(),
            slot_max: scales.iter().map(|x| x.1).collect(),
            slot_min_micro: scales.iter().map(|x| (x.0 * MICRO).round() as i64).collect(),
            slot_points,
            slot_top2_from,
            required: required_answers(s.min_answered, s.item_count()),
            band_labels: c.bands.levels.iter().map(|b| b.label.clone()).collect(),
            // The lowest band takes every score below the next one up: it starts at 0.
            band_mins: c
                .bands
                .levels
                .iter()
                .enumerate()
                .map(|(i, b)| if i + 1 == c.bands.levels.len() { 0.0 } else { b.min })
                .collect(),
            band_at: Vec::new(),
            comments_kept: c.report.comments,
            lowest_items: c.report.lowest_items,
            rate_basis: s.required_rate_basis,
            required_rate: s.required_rate,
            span,
            point_scores,
            point_means: Vec::new(),
            point_sums: 0,
            overall: s.overall.clone(),
            recommend: s.recommend.clone(),
            segments: s.segments.clone(),
            min_segment_n: s.min_segment_n,
        }
        .with_point_means()
        .with_band_table()
    }

    fn with_band_table(mut self) -> Self {
        self.band_at = (0..HIST_BINS).map(|t| band_of_tenths(t as u16, &self.band_mins) as u16).collect();
        self
    }

    /// The table of whole-point dimension means, when every item is on `[survey] scale` with
    /// the same weight and the points score as whole numbers.
    fn with_point_means(mut self) -> Self {
        let n = self.items.len();
        let uniform = self.item_weights.iter().all(|w| *w == 1.0)
            && self.slot_min[..n].iter().all(|m| *m == self.min)
            && self.slot_max[..n].iter().all(|m| *m == self.max);
        let first = &self.point_scores[..self.span.min(self.point_scores.len())];
        let step = first.get(1).copied().unwrap_or(0.0);
        let whole = first.iter().enumerate().all(|(k, p)| p.fract() == 0.0 && *p == k as f64 * step);
        let most = self.dims.iter().map(|d| d.end - d.start).max().unwrap_or(0);
        if !uniform || !whole || self.span < 2 || most > 64 || whole_points(self.min, self.max) != self.span {
            return self;
        }
        self.point_sums = most * (self.span - 1) + 1;
        self.point_means = (0..=most)
            .flat_map(|n| (0..self.point_sums).map(move |s| (n, s)))
            .map(|(n, s)| if n == 0 { 0.0 } else { (s as f64 * step) / n as f64 })
            .collect();
        self
    }
}

/// Answers that are not whole scale points (label values such as 4.5, decimal scales).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemAcc {
    pub n: u64,
    /// Sum of raw answers in millionths of a scale point (exact).
    pub sum_micro: i64,
    /// Sum of their squares, in micro² (exact).
    pub sq_micro: i128,
    /// Those in the top two points of the scale (at least max − 1).
    pub top2: u64,
}

/// A comment of a low-scoring respondent, kept for the key-problems section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LowComment {
    pub score: f64,
    pub id: String,
    pub date: Date,
    pub text: String,
    /// The dimension the respondent rated lowest (the first in config order of equals).
    pub dimension: Option<String>,
    #[serde(skip)]
    pub pos: RowPos,
    /// The id is the line number (a file without id column), moved with it by `shift_lines`.
    #[serde(skip)]
    pub id_is_line: bool,
}

/// Everything a month contributes to the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthAcc {
    /// Usable questionnaires dated in the month.
    pub returned: u64,
    /// Those answering at least the required share of items.
    pub valid: u64,
    /// Per answer slot: the items, then the overall item when configured.
    pub items: Vec<ItemAcc>,
    /// Whole-point answers counted per slot and scale point: `counts[item * span + (x − min)]`.
    pub counts: Vec<u64>,
    /// Pair and Cronbach's α sums of the items (intervals, reliability).
    pub moments: Moments,
    /// Each item against the overall item or the respondent score (derived importance).
    pub importance: ImportanceSums,
    /// `recommend` answers of valid questionnaires: promoters (9–10), passives (7–8),
    /// detractors (0–6).
    pub nps: [u64; 3],
    /// Valid respondents per score rounded to tenths (0..=1000); for a segment group's
    /// aggregate (`banded`), per band (the band of the score in tenths), which is all its
    /// report needs, in a fraction of the memory.
    pub score_hist: Vec<u64>,
    pub banded: bool,
    pub low_comments: Vec<LowComment>,
    /// Once `low_comments` is full: a comment at or beyond this (score, position) cannot enter.
    comment_cut: Option<(f64, RowPos)>,
    /// Where the first `ROWS_KEPT` usable rows of the month are (in input order), so a
    /// doubtful period can name its rows.
    pub first_rows: Vec<RowPos>,
    /// Per `[survey] segments` column: each value's own aggregate (blank = `""`).
    pub segments: Vec<SegmentColumn>,
}

/// One value of a segment column: the value, where it first appears (its place among ties
/// in the report's order) and the aggregate of its questionnaires, merged like the month's.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentAcc {
    pub value: String,
    pub first: RowPos,
    pub acc: MonthAcc,
}

/// One segment column's values in a month, each at its number in the accumulator's table of
/// the column's values (`SurveyAcc::values`), so a row finds its aggregate by index.
#[derive(Debug, Clone, Default)]
pub struct SegmentColumn(Vec<Option<SegmentAcc>>);

impl SegmentColumn {
    /// The aggregate of `value`, if any row of the month had it.
    pub fn get(&self, value: &str) -> Option<&SegmentAcc> {
        self.iter().find(|s| s.value == value)
    }

    /// The values present (in no particular order: readers order them).
    pub fn iter(&self) -> impl Iterator<Item = &SegmentAcc> {
        self.0.iter().flatten()
    }

    /// The aggregate of value number `id`, created on its first row.
    #[inline]
    fn at(&mut self, id: usize, value: &str, pos: RowPos, new: impl FnOnce() -> MonthAcc) -> &mut SegmentAcc {
        if id >= self.0.len() {
            self.0.resize_with(id + 1, || None);
        }
        let seg = self.0[id].get_or_insert_with(|| SegmentAcc { value: value.to_string(), first: pos, acc: new() });
        seg.first = seg.first.min(pos);
        seg
    }

    /// Folds in `other`'s values, value number i of `other` being number `ids[i]` here
    /// (`None`: the same numbering).
    fn merge(&mut self, other: &SegmentColumn, ids: Option<&[u32]>, keep: usize) {
        for (i, seg) in other.0.iter().enumerate() {
            let Some(seg) = seg else { continue };
            let id = ids.map_or(i, |ids| ids[i] as usize);
            if id >= self.0.len() {
                self.0.resize_with(id + 1, || None);
            }
            match &mut self.0[id] {
                Some(mine) => {
                    mine.first = mine.first.min(seg.first);
                    mine.acc.merge(&seg.acc, keep);
                }
                slot @ None => *slot = Some(seg.clone()),
            }
        }
    }
}

impl PartialEq for SegmentColumn {
    /// The same values with the same aggregates, however they are numbered.
    fn eq(&self, o: &Self) -> bool {
        fn sorted(c: &SegmentColumn) -> Vec<&SegmentAcc> {
            let mut v: Vec<&SegmentAcc> = c.iter().collect();
            v.sort_by(|a, b| a.value.cmp(&b.value));
            v
        }
        sorted(self) == sorted(o)
    }
}

impl MonthAcc {
    /// `bands`: `Some(number of bands)` for a segment group's aggregate (see `score_hist`).
    fn new(
        n_items: usize,
        slots: usize,
        span: usize,
        dims: &[(usize, usize)],
        segments: usize,
        bands: Option<usize>,
    ) -> Self {
        MonthAcc {
            returned: 0,
            valid: 0,
            items: vec![ItemAcc::default(); slots],
            counts: vec![0; slots * span],
            // A segment group's aggregate keeps no α sums: α is reported for the whole period.
            moments: Moments::new(n_items, if bands.is_some() { &[] } else { dims }),
            importance: ImportanceSums::new(n_items),
            nps: [0; 3],
            score_hist: vec![0; bands.unwrap_or(HIST_BINS)],
            banded: bands.is_some(),
            low_comments: Vec::new(),
            comment_cut: None,
            first_rows: Vec::new(),
            segments: vec![SegmentColumn::default(); segments],
        }
    }

    /// Keeps `pos` if it is among the first `ROWS_KEPT` positions seen (rows mostly come in
    /// input order: once the month has its five, a later row costs one comparison).
    #[inline]
    fn note_row(&mut self, pos: RowPos) {
        let rows = &mut self.first_rows;
        if rows.len() == ROWS_KEPT && rows.last().is_some_and(|last| pos >= *last) {
            return;
        }
        let at = rows.partition_point(|p| *p < pos);
        rows.insert(at, pos);
        rows.truncate(ROWS_KEPT);
    }

    /// Adds a questionnaire read into `card` (`answers`: its answers, for a row that is not
    /// all whole points).
    #[inline]
    fn add_card(&mut self, model: &SurveyModel, card: &Card, answers: &[Ans]) {
        self.returned += 1;
        if !card.valid {
            return;
        }
        self.valid += 1;
        if card.shared {
            self.moments.add_terms(&card.terms);
        } else if card.whole {
            self.moments.add_row(&card.terms);
        } else {
            self.moments.add(&answers[..model.items.len()], &model.slot_min_micro);
        }
        for c in &card.counts {
            self.counts[*c as usize] += 1;
        }
        for (slot, v) in &card.values {
            let slot = *slot as usize;
            add_value(&mut self.items[slot], *v, model.slot_top2_from[slot]);
        }
        if let Some(k) = card.nps {
            self.nps[usize::from(k)] += 1;
        }
        if card.score.is_some() {
            self.score_hist[if self.banded { card.band } else { card.tenths }] += 1;
        }
    }

    /// Answers to slot `i`: how many, their sum in micro-units and the sum of their squares
    /// in micro² (raw values, exact).
    pub fn item_sums(&self, i: usize, model: &SurveyModel) -> (u64, i128, i128) {
        let span = model.span;
        let acc = &self.items[i];
        let (mut n, mut sum, mut sq) = (acc.n, i128::from(acc.sum_micro), acc.sq_micro);
        for (k, c) in self.counts[i * span..(i + 1) * span].iter().enumerate() {
            let x = i128::from(model.slot_min_micro[i]) + k as i128 * MICRO as i128;
            n += c;
            sum += i128::from(*c) * x;
            sq += i128::from(*c) * x * x;
        }
        (n, sum, sq)
    }

    /// Answers to slot `i` in the top two scale points (at least `slot_top2_from`).
    pub fn item_top2(&self, i: usize, model: &SurveyModel) -> u64 {
        let (span, points) = (model.span, model.slot_points[i]);
        let first = (model.slot_top2_from[i] - model.slot_min[i]).ceil().max(0.0) as usize;
        self.items[i].top2 + self.counts[i * span..i * span + points].iter().skip(first).sum::<u64>()
    }

    /// Answers to item `i`: how many, and their mean on the raw scale.
    pub fn item_mean(&self, i: usize, model: &SurveyModel) -> (u64, Option<f64>) {
        let span = model.span;
        let mut n = self.items[i].n;
        let mut sum = i128::from(self.items[i].sum_micro);
        for (k, c) in self.counts[i * span..(i + 1) * span].iter().enumerate() {
            n += c;
            sum += i128::from(*c) * (i128::from(model.slot_min_micro[i]) + k as i128 * MICRO as i128);
        }
        (n, (n > 0).then(|| sum as f64 / MICRO / n as f64))
    }

    fn merge(&mut self, other: &MonthAcc, keep: usize) {
        self.merge_with(other, keep, None);
    }

    /// `merge`, with `other`'s segment values numbered as `ids[column]` says (`None`: as here).
    fn merge_with(&mut self, other: &MonthAcc, keep: usize, ids: Option<&[Vec<u32>]>) {
        self.returned += other.returned;
        self.valid += other.valid;
        for (a, b) in self.items.iter_mut().zip(&other.items) {
            a.n += b.n;
            a.sum_micro += b.sum_micro;
            a.sq_micro += b.sq_micro;
            a.top2 += b.top2;
        }
        self.moments.merge(&other.moments);
        self.importance.merge(&other.importance);
        for (a, b) in self.nps.iter_mut().zip(&other.nps) {
            *a += b;
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.score_hist.iter_mut().zip(&other.score_hist) {
            *a += b;
        }
        self.low_comments.extend(other.low_comments.iter().cloned());
        trim_comments(&mut self.low_comments, keep);
        self.comment_cut = None;
        for pos in &other.first_rows {
            self.note_row(*pos);
        }
        for (f, (mine, theirs)) in self.segments.iter_mut().zip(&other.segments).enumerate() {
            mine.merge(theirs, ids.map(|ids| ids[f].as_slice()), keep);
        }
    }
}

/// An answer that is not a whole point, summed in micro-units.
fn add_value(acc: &mut ItemAcc, v: f64, top2_from: f64) {
    let x = (v * MICRO).round() as i64;
    acc.n += 1;
    acc.sum_micro += x;
    acc.sq_micro += i128::from(x) * i128::from(x);
    acc.top2 += u64::from(v >= top2_from - 1e-9);
}

/// The lowest answer counted in the top two scale points: the second-highest distinct label
/// value when the scale maps labels (a reversed item: its two lowest, reversed), else max − 1.
fn top2_from(labels: &[(String, f64)], scale: &crate::config::Scale, reverse: bool) -> f64 {
    let mut values: Vec<f64> = labels.iter().map(|(_, v)| *v).collect();
    values.sort_by(|a, b| a.total_cmp(b));
    values.dedup();
    match (values.len() >= 2, reverse) {
        (true, false) => values[values.len() - 2],
        (true, true) => scale.min + scale.max - values[1],
        (false, _) => scale.max - 1.0,
    }
}

/// Lowest scores first; ties by position in the input, so the choice is deterministic.
fn trim_comments(v: &mut Vec<LowComment>, keep: usize) {
    v.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.pos.cmp(&b.pos)));
    v.truncate(keep);
}

/// The months of a survey accumulator (see `MonthTable`).
pub type Months = MonthTable<YearMonth, MonthAcc>;

/// Survey aggregates per month.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyAcc {
    pub months: Months,
    n_items: usize,
    slots: usize,
    dims: Vec<(usize, usize)>,
    span: usize,
    keep: usize,
    segments: usize,
    /// How many bands a segment group counts its respondents in.
    bands: usize,
    /// The current row as its aggregates add it.
    card: Scratch,
    /// Per segment column: its values in order of first appearance, numbered (the months'
    /// `SegmentColumn`s are indexed by these numbers).
    values: Numbering,
}

/// The numbering of segment values: how an accumulator finds a value's aggregate, not part of
/// the aggregate (two accumulators may number the same values differently).
#[derive(Debug, Clone, Default)]
struct Numbering(Vec<Symbols>);

impl PartialEq for Numbering {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A reused buffer: not part of the aggregate (always equal).
#[derive(Debug, Clone, Default)]
struct Scratch(Card);

impl PartialEq for Scratch {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// What one questionnaire adds to an aggregate, worked out once per row and then added to
/// the month and to each of its segment values (`MonthAcc::add_card`): every aggregate adds
/// the same integers, so it does not matter which of them a row reaches first.
#[derive(Debug, Clone, Default)]
struct Card {
    /// Answers at least the required share of items; nothing below is set otherwise.
    valid: bool,
    /// The respondent's own score (`None` when no dimension is answered) and its bins: the
    /// score in tenths, and the band of that.
    score: Option<f64>,
    tenths: usize,
    band: usize,
    /// Indices into `MonthAcc::counts` of the whole-point answers (items, then `overall`).
    counts: Vec<u32>,
    /// Answers that are not whole points: (slot, value).
    values: Vec<(u32, f64)>,
    /// Promoter, passive or detractor (`nps` index) of a `recommend` answer.
    nps: Option<u8>,
    /// The moment terms of a row of whole points (`whole`: its points and blanks; with `shared`
    /// also its products, computed once when the row goes to segment values as well as to its
    /// month).
    terms: super::moments::RowTerms,
    whole: bool,
    shared: bool,
}

impl Card {
    /// Reads one questionnaire. `terms_of`: the moments whose layout the shared terms take,
    /// when the row goes to segments as well as to its month.
    fn read(&mut self, model: &SurveyModel, answers: &[Ans], terms_of: Option<&Moments>) {
        let n_items = model.items.len();
        let items = &answers[..n_items];
        let answered = items.iter().filter(|a| **a != Ans::Blank).count();
        self.valid = answered >= model.required;
        self.counts.clear();
        self.values.clear();
        self.nps = None;
        self.score = None;
        self.whole = false;
        if !self.valid {
            return;
        }
        let span = model.span;
        // One pass notes each answer and computes the respondent's own score: per dimension
        // the weighted mean of the rescaled items answered (item weights), then the weighted
        // mean over the dimensions answered at all (weights renormalise over those, as
        // `stats::weighted_mean`).
        // The same pass reads the row's points into its moment terms (the dimensions cover the
        // items in order).
        let (mut num, mut den) = (0.0, 0.0);
        self.terms.begin(n_items);
        let mut whole = true;
        for d in &model.dims {
            let (mut points, mut n, mut mixed) = (0usize, 0u32, false);
            for (i, a) in answers.iter().enumerate().take(d.end).skip(d.start) {
                match *a {
                    Ans::Blank => {
                        self.terms.blank(i);
                        continue;
                    }
                    Ans::Point(k) => {
                        self.counts.push((i * span + usize::from(k)) as u32);
                        points += usize::from(k);
                        self.terms.point(i, k);
                    }
                    Ans::Value(v) => {
                        self.values.push((i as u32, v));
                        mixed = true;
                        whole = false;
                    }
                }
                n += 1;
            }
            if n == 0 {
                continue;
            }
            let mean = dimension_mean(model, d, answers, points, n, mixed);
            num += d.weight * mean;
            den += d.weight;
        }
        self.score = (den > 0.0).then(|| num / den);
        if let Some(score) = self.score {
            let t = tenths(score);
            self.tenths = usize::from(t);
            self.band = usize::from(model.band_at[usize::from(t)]);
        }
        // The answers after the items: `overall` (counted as an item in its own slot) and
        // `recommend` (promoter 9–10, passive 7–8, detractor 0–6).
        let mut slot = n_items;
        if model.overall.is_some() {
            match answers[slot] {
                Ans::Blank => {}
                Ans::Point(k) => self.counts.push((slot * span + usize::from(k)) as u32),
                Ans::Value(v) => self.values.push((slot as u32, v)),
            }
            slot += 1;
        }
        if model.recommend.is_some() {
            let v = match answers[slot] {
                Ans::Blank => None,
                Ans::Point(k) => Some(f64::from(k)),
                Ans::Value(v) => Some(v),
            };
            self.nps = v.map(|v| {
                if v >= 9.0 {
                    0
                } else if v > 6.0 {
                    1
                } else {
                    2
                }
            });
        }
        debug_assert_eq!(model.dims.last().map_or(0, |d| d.end), n_items, "dimensions cover the items");
        self.whole = whole;
        self.shared = false;
        if whole {
            self.terms.finish();
            if let Some(moments) = terms_of {
                moments.fill_products(&mut self.terms);
                self.shared = true;
            }
        }
    }
}

/// The dimension a respondent rated lowest (the first of equals): per dimension the weighted
/// mean of its rescaled items answered, as in the respondent's score.
fn lowest_dimension(model: &SurveyModel, answers: &[Ans]) -> Option<usize> {
    let mut lowest: Option<(f64, usize)> = None;
    for (j, d) in model.dims.iter().enumerate() {
        let Some(mean) = answered_mean(model, d, answers) else { continue };
        if lowest.is_none_or(|(low, _)| mean < low) {
            lowest = Some((mean, j));
        }
    }
    lowest.map(|(_, j)| j)
}

/// The mean score of dimension `d` over the items a respondent answered (`None` with none),
/// as `tally` computes it while counting (the same operations, so the same bits).
fn answered_mean(model: &SurveyModel, d: &DimModel, answers: &[Ans]) -> Option<f64> {
    let (mut points, mut n, mut mixed) = (0usize, 0u32, false);
    for a in &answers[d.start..d.end] {
        match *a {
            Ans::Blank => continue,
            Ans::Point(k) => points += usize::from(k),
            Ans::Value(_) => mixed = true,
        }
        n += 1;
    }
    (n > 0).then(|| dimension_mean(model, d, answers, points, n, mixed))
}

/// The weighted mean score of dimension `d`'s `n` answered items: looked up by the sum of
/// their points when all are whole points (`point_means`), else summed item by item.
fn dimension_mean(model: &SurveyModel, d: &DimModel, answers: &[Ans], points: usize, n: u32, mixed: bool) -> f64 {
    let table = (!mixed).then(|| model.point_means.get(n as usize * model.point_sums + points)).flatten();
    match table {
        Some(mean) => *mean,
        None => {
            let (mut sum, mut weights) = (0.0, 0.0);
            for (i, a) in answers.iter().enumerate().take(d.end).skip(d.start) {
                if let Some(x) = model.score_of(i, *a) {
                    let w = model.item_weights[i];
                    sum += w * x;
                    weights += w;
                }
            }
            sum / weights
        }
    }
}

impl SurveyAcc {
    pub fn new(model: &SurveyModel) -> Self {
        SurveyAcc {
            months: Months::default(),
            n_items: model.items.len(),
            slots: model.slots(),
            dims: model.dim_ranges(),
            span: model.span,
            keep: model.comments_kept,
            segments: model.segments.len(),
            bands: model.band_mins.len(),
            card: Scratch::default(),
            values: Numbering(vec![Symbols::default(); model.segments.len()]),
        }
    }

    pub fn add(&mut self, model: &SurveyModel, row: &SurveyRow) {
        let (n_items, slots, span, dims) = (self.n_items, self.slots, self.span, &self.dims);
        let (segments, bands) = (self.segments, self.bands);
        let m = self
            .months
            .get_or_insert(row.date.month_key(), || MonthAcc::new(n_items, slots, span, dims, segments, None));
        m.note_row(row.pos);
        // The row is read once; its month and each of its segment values add the same card.
        let card = &mut self.card.0;
        card.read(model, row.answers, (segments > 0).then_some(&m.moments));
        m.add_card(model, card, row.answers);
        for ((column, value), values) in m.segments.iter_mut().zip(row.segments).zip(&mut self.values.0) {
            let id = values.intern(value) as usize;
            let seg = column.at(id, value, row.pos, || MonthAcc::new(n_items, slots, span, dims, 0, Some(bands)));
            seg.acc.add_card(model, card, row.answers);
        }
        let score = card.score;
        let Some(score) = score else { return };
        // Derived importance: each item against the overall item (or the respondent's score).
        m.importance.add(&row.answers[..n_items], importance::target(model, row.answers, score), &model.slot_min_micro);
        let Some(text) = row.comment else { return };
        // Kept are the lowest (score, position): a row beyond the last kept cannot enter. (Rows
        // mostly come in input order; held rows with a possibly repeated id come later.)
        if self.keep == 0 || m.comment_cut.is_some_and(|(s, p)| score.total_cmp(&s).then(row.pos.cmp(&p)).is_gt()) {
            return;
        }
        m.low_comments.push(LowComment {
            score,
            id: if row.id_is_line { row.pos.line.to_string() } else { row.id.to_string() },
            date: row.date,
            text: text.to_string(),
            dimension: lowest_dimension(model, row.answers).map(|j| model.dims[j].name.clone()),
            pos: row.pos,
            id_is_line: row.id_is_line,
        });
        if m.low_comments.len() >= self.keep.saturating_mul(2) {
            trim_comments(&mut m.low_comments, self.keep);
            m.comment_cut = m.low_comments.last().map(|c| (c.score, c.pos));
        }
    }

    /// Moves every kept comment `by` lines down: a part read from a range of a file counts
    /// lines from the range's start until the lines before the range are known.
    pub fn shift_lines(&mut self, by: u64) {
        for m in self.months.values_mut() {
            for c in &mut m.low_comments {
                c.pos.line += by;
                if c.id_is_line {
                    c.id = c.pos.line.to_string();
                }
            }
            for p in &mut m.first_rows {
                p.line += by;
            }
            for seg in m.segments.iter_mut().flat_map(|c| c.0.iter_mut().flatten()) {
                seg.first.line += by;
            }
        }
    }

    /// Merges another accumulator (e.g. from another file or thread) into this one.
    pub fn merge(&mut self, other: &SurveyAcc) {
        // Other's segment values as numbered here (new ones numbered after those seen here).
        let ids: Vec<Vec<u32>> = self
            .values
            .0
            .iter_mut()
            .zip(&other.values.0)
            .map(|(mine, theirs)| theirs.names().iter().map(|v| mine.intern(v)).collect())
            .collect();
        for (k, m) in &other.months {
            let (n_items, slots, span, segments) = (self.n_items, self.slots, self.span, self.segments);
            let dims = &self.dims;
            self.months.get_or_insert(*k, || MonthAcc::new(n_items, slots, span, dims, segments, None)).merge_with(
                m,
                self.keep,
                Some(&ids),
            );
        }
    }

    /// The merged aggregate of a period's months, or `None` if it has no responses.
    pub fn period(&self, period: Period) -> Option<MonthAcc> {
        let mut total: Option<MonthAcc> = None;
        for (_, m) in self.months.iter().filter(|(k, _)| period.contains(**k)) {
            match total.as_mut() {
                Some(t) => t.merge(m, self.keep),
                None => {
                    let mut m = m.clone();
                    trim_comments(&mut m.low_comments, self.keep);
                    total = Some(m);
                }
            }
        }
        total
    }

    /// The latest year with responses.
    pub fn latest_year(&self) -> Option<i32> {
        self.months.keys().next_back().map(|m| m.year)
    }

    /// Periods of the same kind as `period` that have responses, up to and including it.
    pub fn periods_like(&self, period: Period) -> Vec<Period> {
        let mut out: Vec<Period> = self
            .months
            .keys()
            .map(|m| match period {
                Period::Year(_) => Period::Year(m.year),
                Period::Quarter(..) => Period::Quarter(m.year, (m.month - 1) / 3 + 1),
                Period::Month(..) => Period::Month(m.year, m.month),
            })
            .filter(|p| *p <= period)
            .collect();
        out.dedup();
        out
    }
}

/// The survey accumulator as the reading stage's row sink: rows are folded per month with
/// the model that says how to score them.
pub struct Tally<'m> {
    pub model: &'m SurveyModel,
    pub acc: SurveyAcc,
}

impl<'m> Tally<'m> {
    pub fn new(model: &'m SurveyModel) -> Self {
        Tally { model, acc: SurveyAcc::new(model) }
    }
}

impl RowSink for Tally<'_> {
    fn add(&mut self, row: &SurveyRow) {
        self.acc.add(self.model, row);
    }
    fn shift_lines(&mut self, by: u64) {
        self.acc.shift_lines(by);
    }
    fn merge(&mut self, later: &Self) {
        self.acc.merge(&later.acc);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub name: String,
    /// Mean rescaled score 0–100; `null` when nobody answered.
    pub score: Option<f64>,
    /// Valid questionnaires that answered the item.
    pub n: u64,
    /// Half-width of the 95% interval: t(n − 1, .975)·s/√n·FPC; `null` below two answers.
    pub margin: Option<f64>,
    /// score − margin, score + margin.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Share of its answers in the top two scale points (满意率).
    pub top2: Option<f64>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    /// The change with its 95% margin and whether it is significant.
    pub comparison: Option<Comparison>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DimensionResult {
    pub name: String,
    pub weight: f64,
    /// Weight as a share of all weights (λⱼ / Σλ).
    pub weight_share: f64,
    pub score: Option<f64>,
    /// Half-width of the 95% interval of the score (a linear combination of item means).
    pub margin: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Share of the answers to its items (pooled) in the top two scale points.
    pub top2: Option<f64>,
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub comparison: Option<Comparison>,
    /// Cronbach's α of its items.
    pub reliability: Reliability,
    pub items: Vec<ItemResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandResult {
    pub label: String,
    pub min: f64,
    /// Exclusive upper bound; `null` for the top band (closed at 100).
    pub below: Option<f64>,
    pub count: u64,
    /// Share of valid questionnaires (a fraction).
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictStatus {
    /// The rate reached the requirement.
    Valid,
    /// The rate fell short: the survey result is invalid (该次结果视为无效).
    Invalid,
    /// No plan gives the issued count, so the rule cannot be checked.
    NoPlan,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub status: VerdictStatus,
    pub basis: RateBasis,
    pub required: f64,
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRef {
    pub dimension: String,
    pub item: String,
    pub score: f64,
    pub change: Option<f64>,
    pub comparison: Option<Comparison>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodIndex {
    pub period: Period,
    pub index: Option<f64>,
    /// 0 for a published figure (`source = "history"`).
    pub valid: u64,
    /// Where the figure comes from: this build's data, or `[history] file`.
    pub source: Source,
}

/// Where a period's figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the responses read.
    Data,
    /// Published, from `[history] file` (no interval, so never tested for significance).
    History,
}

/// Every survey figure of one period.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyResult {
    pub period: Period,
    /// Comprehensive satisfaction index (综合评价法), 0–100.
    pub index: Option<f64>,
    /// Index − the previous period's index (unrounded); `null` without both.
    pub index_change: Option<f64>,
    /// Half-width of the index's 95% interval, and the interval.
    pub index_margin: Option<f64>,
    pub index_low: Option<f64>,
    pub index_high: Option<f64>,
    /// The index change with its 95% margin and whether it is significant.
    pub index_comparison: Option<Comparison>,
    pub index_band: Option<String>,
    /// The overall-satisfaction item (`[survey] overall`), beside the index; `null` without one.
    pub overall: Option<ItemResult>,
    /// The Net Promoter Score of `[survey] recommend`; `null` without one.
    pub nps: Option<NpsResult>,
    pub issued: Option<u64>,
    /// The surveyed population of the period's plan (finite population correction).
    pub population: Option<u64>,
    pub returned: u64,
    pub valid: u64,
    /// Returned but answering fewer than `required_answers` items.
    pub incomplete: u64,
    pub required_answers: usize,
    pub item_count: usize,
    /// returned / issued
    pub return_rate: Option<f64>,
    /// valid / returned
    pub valid_rate: Option<f64>,
    /// valid / issued
    pub valid_return_rate: Option<f64>,
    pub verdict: Verdict,
    pub dimensions: Vec<DimensionResult>,
    /// Dimensions whose Cronbach's α is below 0.6 (warned), in config order.
    pub low_reliability: Vec<String>,
    pub bands: Vec<BandResult>,
    /// Valid questionnaires by respondent score in ten-point bins `[from, from + 10)` (the
    /// last one `[90, 100]`), the score rounded to one decimal as for the bands.
    pub score_histogram: Vec<ScoreBin>,
    pub lowest_items: Vec<ItemRef>,
    pub largest_rise: Option<ItemRef>,
    pub largest_fall: Option<ItemRef>,
    pub previous: Option<PeriodIndex>,
    /// A quarter's or month's index against the same period a year earlier (`null` for a
    /// year, whose previous period is that, or when the year-ago period has no responses).
    pub year_ago: Option<YearAgo>,
    pub trend: Vec<PeriodIndex>,
    pub comments: Vec<LowComment>,
    /// Per `[survey] segments` column (config order): its values' figures, by valid
    /// questionnaires descending, ties in order of first appearance in the input.
    pub segments: Segments,
    /// The same comments under the dimension each respondent rated lowest, in config order.
    pub comment_groups: Vec<super::findings::CommentGroup>,
    /// Derived importance and the importance–performance matrix.
    pub importance: Option<super::importance::ImportanceResult>,
    /// What `[history] file` supplied to this report; `null` without one.
    pub history: Option<super::history::HistoryUse>,
}

/// The index of the same period a year earlier and the change against it.
#[derive(Debug, Clone, Serialize)]
pub struct YearAgo {
    pub period: Period,
    pub index: Option<f64>,
    pub valid: u64,
    /// Index − the year-ago index (unrounded).
    pub change: Option<f64>,
    /// The change with its 95% margin and whether it is significant.
    pub comparison: Option<Comparison>,
    pub source: Source,
}

fn ratio(a: u64, b: Option<u64>) -> Option<f64> {
    b.filter(|b| *b > 0).map(|b| a as f64 / b as f64)
}

pub(super) struct Scores {
    /// Per answer slot: the items, then the overall item.
    pub(super) items_and_overall: Vec<Option<f64>>,
    pub(super) dims: Vec<Option<f64>>,
    pub(super) index: Option<f64>,
}

pub(super) fn scores(model: &SurveyModel, m: &MonthAcc) -> Scores {
    let items: Vec<Option<f64>> = (0..model.slots())
        .map(|i| m.item_mean(i, model).1.map(|x| rescale(x, model.slot_min[i], model.slot_max[i])))
        .collect();
    let dims: Vec<Option<f64>> = model
        .dims
        .iter()
        .map(|d| {
            let weights = &model.item_weights[d.start..d.end];
            weighted_mean(weights.iter().zip(&items[d.start..d.end]).map(|(w, s)| (*w, *s)))
        })
        .collect();
    let index = weighted_mean(model.dims.iter().zip(&dims).map(|(d, s)| (d.weight, *s)));
    Scores { items_and_overall: items, dims, index }
}

/// score − margin and score + margin.
pub(super) fn bounds(score: Option<f64>, margin: Option<f64>) -> (Option<f64>, Option<f64>) {
    match score.zip(margin) {
        Some((s, e)) => (Some(s - e), Some(s + e)),
        None => (None, None),
    }
}

/// One item (or the overall item, slot `i`) with its interval, top-2-box and change.
#[allow(clippy::too_many_arguments)]
fn item_result(
    name: &str,
    m: &MonthAcc,
    model: &SurveyModel,
    i: usize,
    cur: &Scores,
    est: &Estimates,
    previous: Option<f64>,
    prev_est: Option<&Estimates>,
) -> ItemResult {
    let score = cur.items_and_overall[i];
    let margin = est.items[i].and_then(|e| e.margin());
    let (low, high) = bounds(score, margin);
    ItemResult {
        name: name.to_string(),
        score,
        n: m.item_mean(i, model).0,
        margin,
        low,
        high,
        top2: top2(model, m, i..i + 1),
        previous,
        change: diff(score, previous),
        comparison: compare(est.items[i].as_ref(), prev_est.and_then(|p| p.items[i].as_ref())),
    }
}

pub(super) fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// Computes every figure of `period`; `None` when it has no responses. `population` gives
/// a period's surveyed population, when its plan has one.
pub fn summarize(
    model: &SurveyModel,
    acc: &SurveyAcc,
    period: Period,
    issued: Option<u64>,
    population: &dyn Fn(Period) -> Option<u64>,
) -> Option<SurveyResult> {
    let m = acc.period(period)?;
    let cur = scores(model, &m);
    let cur_est = estimates(model, &m, &cur.items_and_overall, population(period));
    let prev_period = period.previous();
    let prev = acc.period(prev_period).map(|p| {
        let s = scores(model, &p);
        let e = estimates(model, &p, &s.items_and_overall, population(prev_period));
        (s, p.valid, e)
    });
    let prev_est = prev.as_ref().map(|(_, _, e)| e);
    let dimensions = dimension_results(model, &m, (&cur, &cur_est), prev.as_ref().map(|(s, _, e)| (s, e)));
    let overall = model.overall.as_ref().map(|name| {
        let i = model.items.len();
        let previous = prev.as_ref().and_then(|(s, ..)| s.items_and_overall[i]);
        item_result(name, &m, model, i, &cur, &cur_est, previous, prev_est)
    });
    let (lowest_items, largest_rise, largest_fall) = special_items(&dimensions, model.lowest_items);
    let return_rate = ratio(m.returned, issued);
    let valid_rate = ratio(m.valid, Some(m.returned));
    let valid_return_rate = ratio(m.valid, issued);
    let trend = acc
        .periods_like(period)
        .into_iter()
        .filter_map(|p| {
            let pm = acc.period(p)?;
            Some(PeriodIndex { period: p, index: scores(model, &pm).index, valid: pm.valid, source: Source::Data })
        })
        .collect();
    let year_ago = match period {
        Period::Year(_) => None,
        _ => {
            let ya = period.year_ago();
            acc.period(ya).map(|p| {
                let s = scores(model, &p);
                let e = estimates(model, &p, &s.items_and_overall, population(ya));
                YearAgo {
                    period: ya,
                    index: s.index,
                    valid: p.valid,
                    change: diff(cur.index, s.index),
                    comparison: compare(cur_est.index.as_ref(), e.index.as_ref()),
                    source: Source::Data,
                }
            })
        }
    };
    let index_change = diff(cur.index, prev.as_ref().and_then(|(s, ..)| s.index));
    let index_margin = cur_est.index.and_then(|e| e.margin());
    Some(SurveyResult {
        period,
        index: cur.index,
        index_change,
        index_margin,
        index_low: cur.index.zip(index_margin).map(|(s, e)| s - e),
        index_high: cur.index.zip(index_margin).map(|(s, e)| s + e),
        index_comparison: compare(cur_est.index.as_ref(), prev_est.and_then(|e| e.index.as_ref())),
        overall,
        nps: nps_result(model, &m),
        population: population(period),
        index_band: cur.index.map(|i| model.band_labels[super::stats::band_of(i, &model.band_mins)].clone()),
        issued,
        returned: m.returned,
        valid: m.valid,
        incomplete: m.returned - m.valid,
        required_answers: model.required,
        item_count: model.items.len(),
        return_rate,
        valid_rate,
        valid_return_rate,
        verdict: verdict(model, return_rate, valid_rate, valid_return_rate),
        low_reliability: dimensions
            .iter()
            .filter(|d| d.reliability.reading == Some(super::precision::AlphaReading::Low))
            .map(|d| d.name.clone())
            .collect(),
        dimensions,
        bands: band_results(model, &m),
        score_histogram: score_bins(&m),
        lowest_items,
        largest_rise,
        largest_fall,
        previous: prev.map(|(s, valid, _)| PeriodIndex {
            period: prev_period,
            index: s.index,
            valid,
            source: Source::Data,
        }),
        year_ago,
        trend,
        segments: super::segments::segment_results(model, &m, acc.period(prev_period).as_ref()),
        comment_groups: super::findings::comment_groups(model, &m.low_comments),
        comments: m.low_comments,
        importance: None,
        history: None,
    })
}

/// Dimension and item scores with their intervals and change against the previous period's.
pub(super) fn dimension_results(
    model: &SurveyModel,
    m: &MonthAcc,
    (cur, est): (&Scores, &Estimates),
    prev: Option<(&Scores, &Estimates)>,
) -> Vec<DimensionResult> {
    let total_weight: f64 = model.dims.iter().map(|d| d.weight).sum();
    let prev_est = prev.map(|(_, e)| e);
    model
        .dims
        .iter()
        .enumerate()
        .map(|(j, d)| {
            let items = (d.start..d.end)
                .map(|i| {
                    let previous = prev.and_then(|(p, _)| p.items_and_overall[i]);
                    item_result(&model.items[i], m, model, i, cur, est, previous, prev_est)
                })
                .collect();
            let previous = prev.and_then(|(p, _)| p.dims[j]);
            let margin = est.dims[j].and_then(|e| e.margin());
            let (low, high) = bounds(cur.dims[j], margin);
            DimensionResult {
                name: d.name.clone(),
                weight: d.weight,
                weight_share: d.weight / total_weight,
                score: cur.dims[j],
                margin,
                low,
                high,
                top2: top2(model, m, d.start..d.end),
                previous,
                change: diff(cur.dims[j], previous),
                comparison: compare(est.dims[j].as_ref(), prev_est.and_then(|p| p.dims[j].as_ref())),
                reliability: if m.banded { Reliability::not_kept() } else { reliability(model, m, j) },
                items,
            }
        })
        .collect()
}

/// Respondents per band, from the histogram of their scores in tenths.
/// Valid questionnaires with a respondent score in `[from, from + 10)` (`[90, 100]` last).
#[derive(Debug, Clone, Serialize)]
pub struct ScoreBin {
    pub from: u8,
    pub count: u64,
}

/// The ten-point bins of the respondent scores (tenths of a point, `score_hist`).
fn score_bins(m: &MonthAcc) -> Vec<ScoreBin> {
    let mut counts = [0u64; 10];
    for (t, c) in m.score_hist.iter().enumerate().filter(|(_, c)| **c > 0) {
        counts[(t / 100).min(9)] += c;
    }
    counts.iter().enumerate().map(|(i, c)| ScoreBin { from: (i * 10) as u8, count: *c }).collect()
}

pub(super) fn band_results(model: &SurveyModel, m: &MonthAcc) -> Vec<BandResult> {
    let mut band_counts = vec![0u64; model.band_mins.len()];
    if m.banded {
        band_counts.copy_from_slice(&m.score_hist);
    } else {
        for (t, count) in m.score_hist.iter().enumerate().filter(|(_, c)| **c > 0) {
            band_counts[band_of_tenths(t as u16, &model.band_mins)] += count;
        }
    }
    model
        .band_labels
        .iter()
        .enumerate()
        .map(|(i, label)| BandResult {
            label: label.clone(),
            min: model.band_mins[i],
            below: (i > 0).then(|| model.band_mins[i - 1]),
            count: band_counts[i],
            share: ratio(band_counts[i], Some(m.valid)),
        })
        .collect()
}

/// The lowest-scoring items (ties in config order), and the largest rise and fall.
pub(crate) fn special_items(
    dimensions: &[DimensionResult],
    lowest: usize,
) -> (Vec<ItemRef>, Option<ItemRef>, Option<ItemRef>) {
    let mut refs: Vec<ItemRef> = dimensions
        .iter()
        .flat_map(|d| d.items.iter().map(move |it| (d, it)))
        .filter_map(|(d, it)| {
            Some(ItemRef {
                dimension: d.name.clone(),
                item: it.name.clone(),
                score: it.score?,
                change: it.change,
                comparison: it.comparison,
            })
        })
        .collect();
    let largest_rise =
        refs.iter().filter(|r| r.change.is_some_and(|c| c > 0.0)).fold(None::<&ItemRef>, |best, r| match best {
            Some(b) if b.change >= r.change => Some(b),
            _ => Some(r),
        });
    let largest_fall =
        refs.iter().filter(|r| r.change.is_some_and(|c| c < 0.0)).fold(None::<&ItemRef>, |best, r| match best {
            Some(b) if b.change <= r.change => Some(b),
            _ => Some(r),
        });
    let (largest_rise, largest_fall) = (largest_rise.cloned(), largest_fall.cloned());
    refs.sort_by(|a, b| a.score.total_cmp(&b.score)); // stable: ties keep config order
    refs.truncate(lowest);
    (refs, largest_rise, largest_fall)
}

/// The validity rule: the configured rate against the required rate.
fn verdict(
    model: &SurveyModel,
    return_rate: Option<f64>,
    valid_rate: Option<f64>,
    valid_return: Option<f64>,
) -> Verdict {
    let rate = match model.rate_basis {
        RateBasis::ReturnRate => return_rate,
        RateBasis::ValidReturnRate => valid_return,
        RateBasis::ValidRate => valid_rate,
    };
    let needs_plan = model.rate_basis != RateBasis::ValidRate;
    let status = match rate {
        None if needs_plan => VerdictStatus::NoPlan,
        None => VerdictStatus::Invalid,
        Some(r) if round_half_away(r * 100.0, 6) >= round_half_away(model.required_rate * 100.0, 6) => {
            VerdictStatus::Valid
        }
        Some(_) => VerdictStatus::Invalid,
    };
    Verdict { status, basis: model.rate_basis, required: model.required_rate, rate }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::survey::SurveyRow;
    use crate::period::Date;

    fn model() -> SurveyModel {
        let cfg = crate::config::parse_config(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\n[[survey.dimensions]]\nname = \"A\"\nitems = [\"a\"]\n",
            "manyi.toml",
        )
        .unwrap();
        SurveyModel::from_config(&cfg)
    }

    fn model_of(toml: &str) -> SurveyModel {
        SurveyModel::from_config(&crate::config::parse_config(toml, "manyi.toml").unwrap())
    }

    fn add_rows(m: &SurveyModel, acc: &mut SurveyAcc, date: Date, rows: &[Vec<Ans>]) {
        for (line, answers) in rows.iter().enumerate() {
            let pos = RowPos { file: 0, line: line as u64 + 2 };
            acc.add(m, &SurveyRow { pos, id: "", id_is_line: false, date, answers, comment: None, segments: &[] });
        }
    }

    #[test]
    fn dimension_interval_is_the_methods_linear_combination() {
        // METHODS: A = (80, 60, 100, 40, 80, –), B = (60, 60, 80, –, 100, 40) on 0–100,
        // dimension (A + B)/2 = 70.0 ± 2.7764·7.9162 = [48.02, 91.98]; with one more
        // dimension the index interval is the same combination scaled by the weight shares.
        let m = model_of(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\nscale = { min = 0, max = 100 }\nmin_answered = 0.5\n\
             [[survey.dimensions]]\nname = \"D\"\nitems = [\"a\", \"b\"]\n",
        );
        let p = |x: Option<u8>| x.map_or(Ans::Blank, Ans::Point);
        let a = [Some(80), Some(60), Some(100), Some(40), Some(80), None];
        let b = [Some(60), Some(60), Some(80), None, Some(100), Some(40)];
        let rows: Vec<Vec<Ans>> = a.iter().zip(&b).map(|(x, y)| vec![p(*x), p(*y)]).collect();
        let mut acc = SurveyAcc::new(&m);
        add_rows(&m, &mut acc, Date::new(2026, 3, 1).unwrap(), &rows);
        let s = summarize(&m, &acc, Period::Year(2026), None, &|_| None).unwrap();
        let d = &s.dimensions[0];
        assert_eq!(d.score, Some(70.0));
        assert_eq!(round_half_away(d.low.unwrap(), 2), 48.02);
        assert_eq!(round_half_away(d.high.unwrap(), 2), 91.98);
        // One dimension: the index is the dimension.
        assert_eq!(s.index_margin, d.margin);
        // Item A: 72 ± t(4)·√(520/5).
        let ia = &d.items[0];
        assert!((ia.margin.unwrap() - 2.7764451 * (520.0f64 / 5.0).sqrt()).abs() < 1e-5);
        // A population of 20 shrinks the variance by (20 − 5)/(20 − 1).
        let f = summarize(&m, &acc, Period::Year(2026), None, &|_| Some(20)).unwrap();
        let ratio = f.dimensions[0].margin.unwrap() / d.margin.unwrap();
        assert!((ratio - (15.0f64 / 19.0).sqrt()).abs() < 1e-12, "{ratio}");
    }

    #[test]
    fn alpha_top2_and_significance_of_a_period() {
        // METHODS α rows (4,5,4), (3,3,2), (5,5,5), (2,3,3) → 0.947; top-2-box pooled over
        // the dimension: answers of 4 or 5 are 6 of 12.
        let m = model_of(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\n\
             [[survey.dimensions]]\nname = \"D\"\nitems = [\"a\", \"b\", \"c\"]\n",
        );
        let row = |r: [u8; 3]| r.iter().map(|x| Ans::Point(x - 1)).collect::<Vec<_>>();
        let mut acc = SurveyAcc::new(&m);
        let rows: Vec<Vec<Ans>> = [[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]].into_iter().map(row).collect();
        add_rows(&m, &mut acc, Date::new(2025, 3, 1).unwrap(), &rows);
        let s = summarize(&m, &acc, Period::Year(2025), None, &|_| None).unwrap();
        let d = &s.dimensions[0];
        assert_eq!(round_half_away(d.reliability.alpha.unwrap(), 3), 0.947);
        assert_eq!(d.reliability.reading, Some(crate::analysis::precision::AlphaReading::Good));
        assert_eq!(d.top2, Some(6.0 / 12.0));
        assert_eq!(d.items[0].top2, Some(0.5));
        assert_eq!(d.items[1].top2, Some(0.5));
        // The next year, the same answers twice and all 5s once more: a rise, not significant
        // with so few answers.
        let mut later: Vec<Vec<Ans>> = rows.iter().chain(&rows).cloned().collect();
        later.push(row([5, 5, 5]));
        add_rows(&m, &mut acc, Date::new(2026, 3, 1).unwrap(), &later);
        let s = summarize(&m, &acc, Period::Year(2026), None, &|_| None).unwrap();
        let c = s.index_comparison.unwrap();
        assert!(c.change > 0.0 && !c.significant && c.margin > c.change, "{c:?}");
        assert_eq!(Some(c.change), s.index_change);
    }

    #[test]
    fn point_mean_table_gives_the_same_scores_as_summing() {
        let cfg = crate::config::parse_config(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\ncomment = \"c\"\nmin_answered = 0.1\n\
             [[survey.dimensions]]\nname = \"A\"\nweight = 0.7\nitems = [\"a\", \"b\", \"c2\"]\n\
             [[survey.dimensions]]\nname = \"B\"\nweight = 0.3\nitems = [\"d\", \"e\"]\n\
             [report]\ncomments = 1000\n",
            "manyi.toml",
        )
        .unwrap();
        let with = SurveyModel::from_config(&cfg);
        assert!(!with.point_means.is_empty());
        let mut without = with.clone();
        without.point_means.clear();
        let (mut a, mut b) = (SurveyAcc::new(&with), SurveyAcc::new(&without));
        let date = Date::new(2026, 3, 1).unwrap();
        let mut state = 11u64;
        for line in 2..3000 {
            let answers: Vec<Ans> = (0..5)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    match (state >> 33) % 7 {
                        0 => Ans::Blank,
                        6 => Ans::Value(3.5),
                        k => Ans::Point(k as u8 - 1),
                    }
                })
                .collect();
            let row = SurveyRow {
                pos: RowPos { file: 0, line },
                id: "",
                id_is_line: false,
                date,
                answers: &answers,
                comment: Some("x"),
                segments: &[],
            };
            a.add(&with, &row);
            b.add(&without, &row);
        }
        assert_eq!(a, b);
        assert!(a.months.values().next().unwrap().low_comments.len() > 100);
    }

    #[test]
    fn a_month_keeps_its_first_rows_however_they_arrive() {
        let m = model();
        let date = Date::new(2026, 3, 1).unwrap();
        let add = |acc: &mut SurveyAcc, line: u64| {
            let pos = RowPos { file: 0, line };
            acc.add(
                &m,
                &SurveyRow {
                    pos,
                    id: "",
                    id_is_line: false,
                    date,
                    answers: &[Ans::Point(1)],
                    comment: None,
                    segments: &[],
                },
            );
        };
        let (mut whole, mut early, mut late) = (SurveyAcc::new(&m), SurveyAcc::new(&m), SurveyAcc::new(&m));
        for line in [9, 3, 12, 2, 8, 7, 30, 4] {
            add(&mut whole, line);
        }
        for line in [9, 3, 12] {
            add(&mut late, line);
        }
        for line in [2, 8, 7, 30, 4] {
            add(&mut early, line);
        }
        early.merge(&late);
        let lines =
            |acc: &SurveyAcc| acc.months.values().next().unwrap().first_rows.iter().map(|p| p.line).collect::<Vec<_>>();
        assert_eq!(lines(&whole), [2, 3, 4, 7, 8]);
        assert_eq!(lines(&early), lines(&whole));
    }

    #[test]
    fn fractional_answers_mix_exactly_with_whole_points() {
        let m = model();
        let mut acc = SurveyAcc::new(&m);
        let date = Date::new(2026, 3, 1).unwrap();
        // 4.5 (e.g. a label value) goes to the summed path, 5 and 2 to the histogram.
        for (line, v) in [(2, 4.5f64), (3, 5.0), (4, 2.0)] {
            let answers = [if v.fract() == 0.0 { Ans::Point((v - 1.0) as u8) } else { Ans::Value(v) }];
            let pos = RowPos { file: 0, line };
            acc.add(
                &m,
                &SurveyRow { pos, id: "", id_is_line: false, date, answers: &answers, comment: None, segments: &[] },
            );
        }
        let month = acc.period(crate::period::Period::Year(2026)).unwrap();
        let (n, mean) = month.item_mean(0, &m);
        assert_eq!(n, 3);
        assert!((mean.unwrap() - 11.5 / 3.0).abs() < 1e-12);
        // Merging two halves gives the same figures as adding everything to one accumulator.
        let mut a = SurveyAcc::new(&m);
        let mut b = SurveyAcc::new(&m);
        a.add(
            &m,
            &SurveyRow {
                pos: RowPos { file: 0, line: 2 },
                id: "",
                id_is_line: false,
                date,
                answers: &[Ans::Value(4.5)],
                comment: None,
                segments: &[],
            },
        );
        b.add(
            &m,
            &SurveyRow {
                pos: RowPos { file: 1, line: 2 },
                id: "",
                id_is_line: false,
                date,
                answers: &[Ans::Point(4)],
                comment: None,
                segments: &[],
            },
        );
        b.add(
            &m,
            &SurveyRow {
                pos: RowPos { file: 1, line: 3 },
                id: "",
                id_is_line: false,
                date,
                answers: &[Ans::Point(1)],
                comment: None,
                segments: &[],
            },
        );
        a.merge(&b);
        assert_eq!(a.period(crate::period::Period::Year(2026)).unwrap().item_mean(0, &m), (n, mean));
    }
}
