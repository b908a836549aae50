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
    LowestItem { dimension: String, item: String, score: f64 },
    LowestDimension { dimension: String, score: f64 },
    /// The item with the largest significant rise (none when no rise is significant).
    LargestRise { dimension: String, item: String, score: f64, change: f64, margin: f64 },
    LargestFall { dimension: String, item: String, score: f64, change: f64, margin: f64 },
    /// Against the previous period's data, no item changed significantly.
    NoSignificantItemChange { previous_period: Period },
    /// The items of the improve-first quadrant (重点改进区), most important first.
    ImproveFirst { items: Vec<String> },
    Verdict { status: VerdictStatus, basis: RateBasis, rate: Option<f64>, required: f64 },
    /// Dimensions whose Cronbach's α is below 0.6.
    LowReliability { dimensions: Vec<String> },
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
    let lowest_dim = s
        .dimensions
        .iter()
        .filter_map(|d| Some((d, d.score?)))
        .fold(None::<(&super::survey::DimensionResult, f64)>, |best, (d, x)| match best {
            Some((_, b)) if b <= x => best,
            _ => Some((d, x)),
        });
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
