//! Segment breakdowns (`[survey] segments`): every segment column's values with their own
//! index, interval, dimension and item scores, bands and change against the previous period.
//!
//! A value's aggregate is one more keyed `MonthAcc` of each month (`MonthAcc::segments`), so
//! it merges exactly like the month's own and the parallel read stays byte-identical.

use super::precision::{compare, estimates, Comparison};
use super::stats::round_half_away;
use super::survey::{band_results, bounds, diff, dimension_results, scores, BandResult, MonthAcc, SurveyModel};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// The segment columns in config order, each with its values' results: serialised as a map
/// `{ "<column>": [values...] }` in that order.
#[derive(Debug, Clone, Default)]
pub struct Segments(pub Vec<(String, Vec<SegmentResult>)>);

impl Serialize for Segments {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (column, values) in &self.0 {
            map.serialize_entry(column, values)?;
        }
        map.end()
    }
}

/// One value of a segment column.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SegmentResult {
    /// The value as written (trimmed); `null` for the questionnaires leaving the column blank.
    pub value: Option<String>,
    /// The blank group ("not given").
    pub not_given: bool,
    /// Usable questionnaires with this value, and the valid ones among them.
    pub returned: u64,
    pub n: u64,
    /// n < `min_segment_n`: shown greyed, "too small to compare", never marked lowest.
    pub small: bool,
    pub index: Option<f64>,
    /// Half-width of the index's 95% interval (no finite population correction), and the interval.
    pub margin: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The same value's index in the previous period, its valid count there, and the change.
    pub previous: Option<f64>,
    pub previous_n: Option<u64>,
    pub change: Option<f64>,
    pub comparison: Option<Comparison>,
    /// The lowest index among the comparable values of the column.
    pub lowest: bool,
    pub dimensions: Vec<SegmentDimension>,
    pub bands: Vec<BandResult>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SegmentDimension {
    pub name: String,
    pub score: Option<f64>,
    pub margin: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The lowest score of this dimension among the comparable values of the column.
    pub lowest: bool,
    pub items: Vec<SegmentItem>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SegmentItem {
    pub name: String,
    /// Valid questionnaires of the segment that answered the item.
    pub n: u64,
    pub score: Option<f64>,
    pub margin: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub lowest: bool,
}

/// Every segment column's results for a period's merged aggregate `m`, each value compared
/// with the same value in `prev` (the previous period's aggregate).
pub fn segment_results(model: &SurveyModel, m: &MonthAcc, prev: Option<&MonthAcc>) -> Segments {
    let columns = model.segments.iter().enumerate().map(|(f, column)| {
        let before: std::collections::HashMap<&str, &MonthAcc> =
            prev.iter().flat_map(|p| p.segments[f].iter()).map(|s| (s.value.as_str(), &s.acc)).collect();
        let mut values: Vec<(crate::ingest::RowPos, SegmentResult)> = m.segments[f]
            .iter()
            .map(|seg| {
                let before = before.get(seg.value.as_str()).copied();
                (seg.first, segment_result(model, &seg.value, &seg.acc, before))
            })
            .collect();
        // Largest first; ties in order of first appearance in the input.
        values.sort_by(|(pa, a), (pb, b)| b.n.cmp(&a.n).then(pa.cmp(pb)));
        let mut values: Vec<SegmentResult> = values.into_iter().map(|(_, r)| r).collect();
        mark_lowest(&mut values);
        (column.clone(), values)
    });
    Segments(columns.collect())
}

fn segment_result(model: &SurveyModel, value: &str, acc: &MonthAcc, prev: Option<&MonthAcc>) -> SegmentResult {
    let cur = scores(model, acc);
    let est = estimates(model, acc, &cur.items_and_overall, None);
    let before = prev.map(|p| {
        let s = scores(model, p);
        let e = estimates(model, p, &s.items_and_overall, None);
        (s, e, p.valid)
    });
    // Dimension and item changes are not reported per group: no previous period here.
    let dims = dimension_results(model, acc, (&cur, &est), None);
    let margin = est.index.and_then(|e| e.margin());
    let (low, high) = bounds(cur.index, margin);
    let previous = before.as_ref().and_then(|(s, ..)| s.index);
    SegmentResult {
        value: (!value.is_empty()).then(|| value.to_string()),
        not_given: value.is_empty(),
        returned: acc.returned,
        n: acc.valid,
        small: acc.valid < model.min_segment_n,
        index: cur.index,
        margin,
        low,
        high,
        previous,
        previous_n: before.as_ref().map(|(.., n)| *n),
        change: diff(cur.index, previous),
        comparison: compare(est.index.as_ref(), before.as_ref().and_then(|(_, e, _)| e.index.as_ref())),
        lowest: false,
        dimensions: dims
            .into_iter()
            .map(|d| SegmentDimension {
                name: d.name,
                score: d.score,
                margin: d.margin,
                low: d.low,
                high: d.high,
                lowest: false,
                items: d
                    .items
                    .into_iter()
                    .map(|i| SegmentItem {
                        name: i.name,
                        n: i.n,
                        score: i.score,
                        margin: i.margin,
                        low: i.low,
                        high: i.high,
                        lowest: false,
                    })
                    .collect(),
            })
            .collect(),
        bands: band_results(model, acc),
    }
}

/// Marks the lowest cell of each row (the index, each dimension, each item) among the
/// comparable values: not too small, not the blank group, with a score. A row is marked only
/// when at least two values compare; every value at the minimum (rounded to the one decimal
/// shown) is marked.
fn mark_lowest(values: &mut [SegmentResult]) {
    fn mark(values: &mut [SegmentResult], get: impl Fn(&mut SegmentResult) -> (Option<f64>, &mut bool)) {
        // Compared as displayed (one decimal), so equal cells are marked alike.
        let scores: Vec<Option<f64>> = values
            .iter_mut()
            .map(|v| if v.small || v.not_given { None } else { get(v).0.map(|x| round_half_away(x, 1)) })
            .collect();
        if scores.iter().flatten().count() < 2 {
            return;
        }
        let min = scores.iter().flatten().copied().fold(f64::INFINITY, f64::min);
        for (v, s) in values.iter_mut().zip(&scores) {
            if *s == Some(min) {
                *get(v).1 = true;
            }
        }
    }
    mark(values, |v| (v.index, &mut v.lowest));
    let dims = values.first().map_or(0, |v| v.dimensions.len());
    for j in 0..dims {
        mark(values, |v| {
            let d = &mut v.dimensions[j];
            (d.score, &mut d.lowest)
        });
        let items = values.first().map_or(0, |v| v.dimensions[j].items.len());
        for i in 0..items {
            mark(values, |v| {
                let it = &mut v.dimensions[j].items[i];
                (it.score, &mut it.lowest)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::survey::{summarize, SurveyAcc};
    use crate::ingest::survey::SurveyRow;
    use crate::ingest::value::Ans;
    use crate::ingest::RowPos;
    use crate::period::{Date, Period};

    fn model() -> SurveyModel {
        let cfg = crate::config::parse_config(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\nsegments = [\"g\"]\nmin_segment_n = 2\n\
             [[survey.dimensions]]\nname = \"A\"\nitems = [\"a\", { column = \"b\", weight = 3 }]\n",
            "manyi.toml",
        )
        .unwrap();
        SurveyModel::from_config(&cfg)
    }

    /// (line, month, group, answers as points 1–5)
    const ROWS: [(u64, u8, &str, [u8; 2]); 8] = [
        (2, 5, "p", [5, 5]),
        (3, 1, "q", [1, 2]),
        (4, 2, "q", [2, 2]),
        (5, 3, "", [3, 3]),
        (6, 4, "p", [4, 5]),
        (7, 6, "r", [1, 1]),
        (8, 1, "q", [2, 3]),
        (9, 7, "p", [4, 4]),
    ];

    fn add(m: &SurveyModel, acc: &mut SurveyAcc, (line, month, group, x): (u64, u8, &str, [u8; 2])) {
        let answers = x.map(|v| Ans::Point(v - 1));
        let row = SurveyRow {
            pos: RowPos { file: 0, line },
            id: "",
            id_is_line: false,
            date: Date::new(2026, month, 1).unwrap(),
            answers: &answers,
            comment: None,
            segments: &[group],
        };
        acc.add(m, &row);
    }

    #[test]
    fn segment_sums_merge_exactly_in_any_order() {
        let m = model();
        let mut whole = SurveyAcc::new(&m);
        ROWS.iter().for_each(|r| add(&m, &mut whole, *r));
        let (mut a, mut b) = (SurveyAcc::new(&m), SurveyAcc::new(&m));
        for (k, r) in ROWS.iter().enumerate() {
            add(&m, if k % 3 == 1 { &mut a } else { &mut b }, *r);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        b.merge(&a);
        assert_eq!(ab, whole);
        assert_eq!(b, whole);
    }

    #[test]
    fn groups_are_ordered_by_n_then_first_row_and_the_lowest_comparable_is_marked() {
        let m = model();
        let mut acc = SurveyAcc::new(&m);
        // Rows in reverse input order: the first appearance is still the lowest line.
        ROWS.iter().rev().for_each(|r| add(&m, &mut acc, *r));
        let s = summarize(&m, &acc, Period::Year(2026), None, &|_| None).unwrap();
        let (column, groups) = &s.segments.0[0];
        assert_eq!(column, "g");
        let order: Vec<(Option<&str>, u64)> = groups.iter().map(|g| (g.value.as_deref(), g.n)).collect();
        // p and q have 3 each: p first (line 2 before line 3); then r (line 7) and the blank
        // group (line 5) with 1 each: the blank group first.
        assert_eq!(order, [(Some("p"), 3), (Some("q"), 3), (None, 1), (Some("r"), 1)]);
        // Scores (b weighs 3): q = (1·mean(0, 25, 25) + 3·mean(25, 25, 50))/4 = (16.667 + 100)/4.
        let q = &groups[1];
        assert!((q.index.unwrap() - (50.0 / 3.0 + 100.0) / 4.0).abs() < 1e-9);
        assert!(q.lowest && !groups[0].lowest, "q is the lowest of the comparable p and q");
        assert!(!groups[3].lowest, "r (n 1 < 2) is lower but too small");
        assert!(groups[2].not_given && groups[3].small && !groups[0].small);
        assert!(q.dimensions[0].items[0].lowest);
    }
}

#[cfg(test)]
mod shared_terms {
    use crate::analysis::survey::{SurveyAcc, SurveyModel};
    use crate::ingest::survey::SurveyRow;
    use crate::ingest::value::Ans;
    use crate::ingest::RowPos;
    use crate::period::Date;

    fn model(segments: &str, plain_items: bool) -> SurveyModel {
        let mut toml = format!(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\ncomment = \"c\"\noverall = \"o\"\nrecommend = \"r\"\n\
             min_answered = 0.3\n{segments}\n\
             [[survey.dimensions]]\nname = \"A\"\nweight = 0.7\nitems = [\"a\", {{ column = \"b\", weight = 2, reverse = true }}, \"c2\"]\n\
             [[survey.dimensions]]\nname = \"B\"\nweight = 0.3\nitems = [\"d\", {{ column = \"e\", scale = {{ min = 0, max = 10 }} }}]\n"
        );
        if plain_items {
            toml = toml
                .replace("{ column = \"b\", weight = 2, reverse = true }", "\"b\"")
                .replace("{ column = \"e\", scale = { min = 0, max = 10 } }", "\"e\"");
        }
        SurveyModel::from_config(&crate::config::parse_config(&toml, "manyi.toml").unwrap())
    }

    /// The month and segment sums built from one row's card equal those of a month without
    /// segments: a segment holding every row has the month's figures, and the month itself
    /// is the month of a project without segments.
    #[test]
    fn shared_terms_give_the_sums_tally_gives() {
        // With item settings (the slow path of the respondent score), and without (the table).
        for plain_items in [false, true] {
            check(plain_items);
        }
    }

    fn check(plain_items: bool) {
        let (plain, seg) = (model("", plain_items), model("segments = [\"g\"]", plain_items));
        assert_eq!(plain.point_means.is_empty(), !plain_items, "the slow path with item settings, else the table");
        let (mut a, mut b) = (SurveyAcc::new(&plain), SurveyAcc::new(&seg));
        let mut state = 3u64;
        for line in 2..2000u64 {
            let mut answers: Vec<Ans> = (0..7)
                .map(|i| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let top = if i == 4 && !plain_items { 11 } else { 5 };
                    match (state >> 33) % 13 {
                        0 | 1 => Ans::Blank,
                        2 => Ans::Value(if i == 4 && !plain_items { 7.5 } else { 3.5 }),
                        k => Ans::Point((k % top) as u8),
                    }
                })
                .collect();
            if answers[6] == Ans::Value(3.5) {
                answers[6] = Ans::Value(6.0); // recommend on 0–10
            }
            let row = SurveyRow {
                pos: RowPos { file: 0, line },
                id: "",
                id_is_line: false,
                date: Date::new(2026, (line % 12) as u8 + 1, 1).unwrap(),
                answers: &answers,
                comment: Some("c"),
                segments: &["x"],
            };
            a.add(&plain, &row);
            b.add(&seg, &row);
        }
        for (k, month) in &a.months {
            let mut with = b.months[k].clone();
            let part = with.segments[0].get("x").unwrap().acc.clone();
            assert_eq!(
                (part.returned, part.valid, &part.items, &part.counts, part.nps),
                (month.returned, month.valid, &month.items, &month.counts, month.nps),
                "{k}"
            );
            // The same pair sums (a group keeps no α sums: its report shows no α).
            let n = plain.items.len();
            let pairs = |m: &crate::analysis::survey::MonthAcc| -> Vec<[i128; 4]> {
                (0..n)
                    .flat_map(|i| (0..n).filter(move |j| *j != i).map(move |j| (i, j)))
                    .map(|(i, j)| m.moments.pair(i, j))
                    .collect()
            };
            assert_eq!(pairs(&part), pairs(month), "{k}");
            // The group counts bands where the month keeps tenths: the same respondents per band.
            let bands = |m: &SurveyModel, acc| -> Vec<u64> {
                crate::analysis::survey::band_results(m, acc).iter().map(|b| b.count).collect()
            };
            assert_eq!(bands(&seg, &part), bands(&plain, month), "{k}");
            assert!(part.banded && part.score_hist.len() == 5);
            with.segments.clear();
            assert_eq!(&with, month, "{k}");
        }
    }
}
