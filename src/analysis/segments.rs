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
    pub index_band: Option<String>,
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
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub comparison: Option<Comparison>,
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
    pub previous: Option<f64>,
    pub change: Option<f64>,
    pub comparison: Option<Comparison>,
    pub lowest: bool,
}

/// Every segment column's results for a period's merged aggregate `m`, each value compared
/// with the same value in `prev` (the previous period's aggregate).
pub fn segment_results(model: &SurveyModel, m: &MonthAcc, prev: Option<&MonthAcc>) -> Segments {
    let columns = model.segments.iter().enumerate().map(|(f, column)| {
        let mut values: Vec<(crate::ingest::RowPos, SegmentResult)> = m.segments[f]
            .iter()
            .map(|(value, seg)| {
                let before = prev.and_then(|p| p.segments[f].get(value)).map(|s| &s.acc);
                (seg.first, segment_result(model, value, &seg.acc, before))
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
    let dims = dimension_results(model, acc, (&cur, &est), before.as_ref().map(|(s, e, _)| (s, e)));
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
        index_band: cur.index.map(|i| model.band_labels[super::stats::band_of(i, &model.band_mins)].clone()),
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
                previous: d.previous,
                change: d.change,
                comparison: d.comparison,
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
                        previous: i.previous,
                        change: i.change,
                        comparison: i.comparison,
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
