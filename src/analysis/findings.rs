//! Key findings: the few statements the report opens with, chosen from the figures by fixed
//! rules (language-free; the templates word them), and the low-score comments grouped under
//! the dimension each respondent rated lowest.

use super::survey::{LowComment, Source, SurveyModel, SurveyResult, VerdictStatus};
use crate::config::RateBasis;
use crate::period::Period;
use serde::Serialize;

/// One key finding; `kind` names it in `summary.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// The index, with its change against the previous period when there is one.
    Index {
        index: f64,
        band: Option<String>,
        previous_period: Option<Period>,
        previous: Option<f64>,
        change: Option<f64>,
        /// The 95% margin of the change; `null` against a published (history) figure.
        margin: Option<f64>,
        /// `null` when the change could not be tested (a published previous figure).
        significant: Option<bool>,
        previous_source: Option<Source>,
    },
    /// The lowest-scoring item (the first in config order of equals).
    LowestItem {
        dimension: String,
        item: String,
        score: f64,
    },
    LowestDimension {
        dimension: String,
        score: f64,
    },
    /// The item with the largest significant rise (none when no rise is significant).
    LargestRise {
        dimension: String,
        item: String,
        score: f64,
        change: f64,
        margin: f64,
    },
    LargestFall {
        dimension: String,
        item: String,
        score: f64,
        change: f64,
        margin: f64,
    },
    /// Against the previous period's data, no item changed significantly.
    NoSignificantItemChange {
        previous_period: Period,
    },
    /// The items of the improve-first quadrant (重点改进区), most important first.
    ImproveFirst {
        items: Vec<String>,
    },
    Verdict {
        status: VerdictStatus,
        basis: RateBasis,
        rate: Option<f64>,
        required: f64,
    },
    /// Dimensions whose Cronbach's α is below 0.6.
    LowReliability {
        dimensions: Vec<String>,
    },
}

/// The largest significant change in direction `sign` (+1 rise, −1 fall): (dimension, item,
/// score, change, margin), the first in config order of equals.
fn largest_significant(s: &SurveyResult, sign: f64) -> Option<(String, String, f64, f64, f64)> {
    let mut best: Option<(String, String, f64, f64, f64)> = None;
    for d in &s.dimensions {
        for i in &d.items {
            let (Some(c), Some(score)) = (i.comparison, i.score) else { continue };
            if !c.significant || c.change * sign <= 0.0 {
                continue;
            }
            if best.as_ref().is_none_or(|b| c.change * sign > b.3 * sign) {
                best = Some((d.name.clone(), i.name.clone(), score, c.change, c.margin));
            }
        }
    }
    best
}

/// The key findings of a survey period, in the order the report shows them.
pub fn survey_findings(s: &SurveyResult) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(index) = s.index {
        let prev = s.previous.as_ref();
        out.push(Finding::Index {
            index,
            band: s.index_band.clone(),
            previous_period: prev.map(|p| p.period),
            previous: prev.and_then(|p| p.index),
            change: s.index_change,
            margin: s.index_comparison.map(|c| c.margin),
            significant: s.index_comparison.map(|c| c.significant),
            previous_source: prev.map(|p| p.source),
        });
    }
    if let Some(low) = s.lowest_items.first() {
        out.push(Finding::LowestItem { dimension: low.dimension.clone(), item: low.item.clone(), score: low.score });
    }
    let lowest_dim = s.dimensions.iter().filter_map(|d| Some((d, d.score?))).fold(
        None::<(&super::survey::DimensionResult, f64)>,
        |best, (d, x)| match best {
            Some((_, b)) if b <= x => best,
            _ => Some((d, x)),
        },
    );
    if let Some((d, score)) = lowest_dim.filter(|_| s.dimensions.len() > 1) {
        out.push(Finding::LowestDimension { dimension: d.name.clone(), score });
    }
    let rise = largest_significant(s, 1.0);
    let fall = largest_significant(s, -1.0);
    if let Some((dimension, item, score, change, margin)) = rise.clone() {
        out.push(Finding::LargestRise { dimension, item, score, change, margin });
    }
    if let Some((dimension, item, score, change, margin)) = fall.clone() {
        out.push(Finding::LargestFall { dimension, item, score, change, margin });
    }
    let tested = s.previous.as_ref().filter(|p| p.source == Source::Data);
    if let (None, None, Some(p)) = (&rise, &fall, tested) {
        out.push(Finding::NoSignificantItemChange { previous_period: p.period });
    }
    if let Some(imp) = s.importance.as_ref().filter(|i| !i.improve_first.is_empty()) {
        out.push(Finding::ImproveFirst { items: imp.improve_first.iter().map(|i| i.item.clone()).collect() });
    }
    let v = &s.verdict;
    out.push(Finding::Verdict { status: v.status, basis: v.basis, rate: v.rate, required: v.required });
    if !s.low_reliability.is_empty() {
        out.push(Finding::LowReliability { dimensions: s.low_reliability.clone() });
    }
    out
}

/// Comments under one dimension: those of the respondents who rated it lowest.
#[derive(Debug, Clone, Serialize)]
pub struct CommentGroup {
    /// `null` for comments whose respondent has no dimension score (none in practice).
    pub dimension: Option<String>,
    pub comments: Vec<LowComment>,
}

/// The kept comments grouped by their respondent's lowest dimension, groups in config order,
/// comments in the order kept (lowest score first, then input position).
pub fn comment_groups(model: &SurveyModel, comments: &[LowComment]) -> Vec<CommentGroup> {
    let names = model.dims.iter().map(|d| Some(d.name.as_str())).chain(std::iter::once(None));
    names
        .filter_map(|name| {
            let comments: Vec<LowComment> =
                comments.iter().filter(|c| c.dimension.as_deref() == name).cloned().collect();
            (!comments.is_empty()).then(|| CommentGroup { dimension: name.map(String::from), comments })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::survey::{summarize, SurveyAcc};
    use crate::ingest::survey::SurveyRow;
    use crate::ingest::value::Ans;
    use crate::ingest::RowPos;
    use crate::period::Date;

    fn kinds(f: &[Finding]) -> Vec<String> {
        f.iter().map(|x| serde_json::to_value(x).unwrap()["kind"].as_str().unwrap().to_string()).collect()
    }

    #[test]
    fn findings_pick_the_largest_significant_change_not_the_largest() {
        // Items x (dimension D1) and y (D2) on 1–5. 2025: five respondents answer 1 and 1.
        // 2026: x = 1,5,1,5,5 → 60, s² = 3000, margin t(4)·√(3000/5) = 68.0: +60 not significant;
        // y = 3,3,3,3,4 → 55, s² = 125, margin t(4)·√(125/5) = 13.9: +55 significant.
        // 2027 repeats 2026: no item changes significantly.
        let cfg = crate::config::parse_config(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\n\
             [[survey.dimensions]]\nname = \"D1\"\nitems = [\"x\"]\n[[survey.dimensions]]\nname = \"D2\"\nitems = [\"y\"]\n",
            "manyi.toml",
        )
        .unwrap();
        let model = SurveyModel::from_config(&cfg);
        let mut acc = SurveyAcc::new(&model);
        let mut line = 1;
        let mut add = |year: i32, x: u8, y: u8| {
            line += 1;
            let answers = [Ans::Point(x - 1), Ans::Point(y - 1)];
            let date = Date::new(year, 3, 1).unwrap();
            let pos = RowPos { file: 0, line };
            acc.add(
                &model,
                &SurveyRow { pos, id: "", id_is_line: false, date, answers: &answers, comment: None, segments: &[] },
            );
        };
        for _ in 0..5 {
            add(2025, 1, 1);
        }
        for year in [2026, 2027] {
            for (x, y) in [(1, 3), (5, 3), (1, 3), (5, 3), (5, 4)] {
                add(year, x, y);
            }
        }
        let s = summarize(&model, &acc, Period::Year(2026), None, &|_| None).unwrap();
        assert_eq!(s.largest_rise.as_ref().unwrap().item, "x", "the survey's largest rise ignores significance");
        let f = survey_findings(&s);
        assert_eq!(kinds(&f), ["index", "lowest_item", "lowest_dimension", "largest_rise", "verdict"]);
        let Finding::LargestRise { item, change, .. } = &f[3] else { panic!("{f:?}") };
        assert_eq!(item, "y");
        assert!((change - 55.0).abs() < 1e-9, "{change}");
        let Finding::LowestItem { item, score, .. } = &f[1] else { panic!("{f:?}") };
        assert_eq!(item, "y");
        assert!((score - 55.0).abs() < 1e-9, "{score}");
        let s = summarize(&model, &acc, Period::Year(2027), None, &|_| None).unwrap();
        let f = survey_findings(&s);
        assert_eq!(kinds(&f), ["index", "lowest_item", "lowest_dimension", "no_significant_item_change", "verdict"]);
    }

    #[test]
    fn comments_group_under_their_lowest_dimension_in_config_order() {
        let cfg = crate::config::parse_config(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\n\
             [[survey.dimensions]]\nname = \"A\"\nitems = [\"a\"]\n[[survey.dimensions]]\nname = \"B\"\nitems = [\"b\"]\n",
            "manyi.toml",
        )
        .unwrap();
        let model = SurveyModel::from_config(&cfg);
        let c = |score: f64, id: &str, dim: Option<&str>| LowComment {
            score,
            id: id.into(),
            date: Date::new(2026, 1, 1).unwrap(),
            text: String::new(),
            dimension: dim.map(String::from),
            pos: RowPos { file: 0, line: 2 },
            id_is_line: false,
        };
        let groups =
            comment_groups(&model, &[c(10.0, "1", Some("B")), c(20.0, "2", Some("A")), c(30.0, "3", Some("B"))]);
        let shown: Vec<(Option<&str>, Vec<&str>)> = groups
            .iter()
            .map(|g| (g.dimension.as_deref(), g.comments.iter().map(|c| c.id.as_str()).collect()))
            .collect();
        assert_eq!(shown, [(Some("A"), vec!["2"]), (Some("B"), vec!["1", "3"])]);
    }
}
