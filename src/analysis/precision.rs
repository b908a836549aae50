//! How precise the survey scores are: 95% intervals of items, dimensions and the index, the
//! significance of changes, Cronbach's α, top-2-box shares and the Net Promoter Score.
//!
//! Everything is computed from a period's merged `MonthAcc` (exact integer sums), so it is
//! the same however the months and the parallel read were merged.

use super::moments::covariance;
use super::stats::{combination_variance, cronbach_alpha, fpc, mean_covariance, nps, t_975, SMALL_N};
use super::survey::{MonthAcc, SurveyModel};
use serde::Serialize;

/// Below this α a dimension's items are warned about (terminal and report).
pub const ALPHA_WARN: f64 = 0.6;

/// A score with the variance of its estimate (score units², after the finite population
/// correction) and the degrees of freedom of its t multiplier.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub score: f64,
    /// `None` when some mean has fewer than two answers.
    pub var: Option<f64>,
    pub df: u64,
}

impl Estimate {
    /// The 95% margin: t(df, .975)·√var.
    pub fn margin(&self) -> Option<f64> {
        self.var.filter(|_| self.df >= 1).map(|v| t_975(self.df) * v.sqrt())
    }
}

/// A change against the previous period with its 95% margin: significant when the interval
/// change ± margin excludes 0.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Comparison {
    pub change: f64,
    /// t(smaller df, .975)·√(Var now + Var before).
    pub margin: f64,
    pub significant: bool,
}

/// Compares two estimates of the same score; `None` unless both have a variance.
pub fn compare(now: Option<&Estimate>, before: Option<&Estimate>) -> Option<Comparison> {
    let (now, before) = (now?, before?);
    let var = now.var? + before.var?;
    let df = now.df.min(before.df);
    if df == 0 {
        return None;
    }
    let change = now.score - before.score;
    let margin = t_975(df) * var.sqrt();
    Some(Comparison { change, margin, significant: change.abs() > margin })
}

/// The conventional reading of Cronbach's α.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlphaReading {
    /// ≥ 0.8
    Good,
    /// ≥ 0.7
    Acceptable,
    /// ≥ 0.6
    Questionable,
    /// < 0.6: warned.
    Low,
}

pub fn alpha_reading(alpha: f64) -> AlphaReading {
    match alpha {
        a if a >= 0.8 => AlphaReading::Good,
        a if a >= 0.7 => AlphaReading::Acceptable,
        a if a >= ALPHA_WARN => AlphaReading::Questionable,
        _ => AlphaReading::Low,
    }
}

/// Cronbach's α of one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct Reliability {
    /// `null` with one item, fewer than two complete respondents, or no variance of totals.
    pub alpha: Option<f64>,
    /// Respondents who answered every item of the dimension (those α is computed over).
    pub n: u64,
    pub reading: Option<AlphaReading>,
    /// n < 30.
    pub small_sample: bool,
}

impl Reliability {
    /// For an aggregate that keeps no α sums (a segment group's: its report shows no α).
    pub fn not_kept() -> Self {
        Reliability { alpha: None, n: 0, reading: None, small_sample: true }
    }
}

/// The Net Promoter Score of the `recommend` item.
#[derive(Debug, Clone, Serialize)]
pub struct NpsResult {
    pub column: String,
    /// Valid questionnaires that answered it.
    pub n: u64,
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// 100·(P − D), −100 to 100; `null` without answers.
    pub score: Option<f64>,
    /// 1.96·100·√(((P + D) − (P − D)²)/n).
    pub margin: Option<f64>,
    /// n < 30: the reports say the sample is small.
    pub small_sample: bool,
}

/// Every estimate of one period.
pub struct Estimates {
    /// Per answer slot (items, then the overall item).
    pub items: Vec<Option<Estimate>>,
    pub dims: Vec<Option<Estimate>>,
    pub index: Option<Estimate>,
}

/// (n, mean, sample variance) of a slot on the 0–100 score scale.
fn item_stats(model: &SurveyModel, m: &MonthAcc, i: usize) -> (u64, Option<f64>) {
    let (n, sum, sq) = m.item_sums(i, model);
    let c = model.unit(i);
    (n, covariance(n, sum, sum, sq).map(|v| v * c * c))
}

/// The estimates of a period: items with s²/n·FPC(n) and df n − 1; a dimension or the index
/// as the linear combination of its item means that its score is (the item weights' shares
/// over the dimension's answered items, times the dimension's weight share over the answered
/// dimensions) with Var = Σᵢ Σⱼ aᵢ aⱼ Cov(mᵢ, mⱼ)·FPC(min nᵢ) and df min nᵢ − 1. Covariances
/// of items on different scales are converted to score units with each item's own factor.
pub fn estimates(model: &SurveyModel, m: &MonthAcc, scores: &[Option<f64>], population: Option<u64>) -> Estimates {
    let stats: Vec<(u64, Option<f64>)> = (0..model.slots()).map(|i| item_stats(model, m, i)).collect();
    let items: Vec<Option<Estimate>> = (0..model.slots())
        .map(|i| {
            let (n, var) = stats[i];
            let score = item_score(model, m, i)?;
            Some(Estimate { score, var: var.map(|v| v / n as f64 * fpc(n, population)), df: n.saturating_sub(1) })
        })
        .collect();
    let cov = |i: usize, j: usize| -> f64 {
        let (ni, nj) = (stats[i].0, stats[j].0);
        if i == j {
            return stats[i].1.map_or(0.0, |v| v / ni as f64);
        }
        let [n, si, sj, sij] = m.moments.pair(i, j);
        // Pairs answered together by fewer than two respondents have no covariance: 0.
        let s = covariance(n as u64, si, sj, sij).unwrap_or(0.0) * model.unit(i) * model.unit(j);
        mean_covariance(s, n as u64, ni, nj)
    };
    let combine = |weights: Vec<(usize, f64)>, score: f64| -> Estimate {
        let min_n = weights.iter().map(|(i, _)| stats[*i].0).min().unwrap_or(0);
        let defined = weights.iter().all(|(i, _)| stats[*i].1.is_some());
        let a: Vec<f64> = weights.iter().map(|(_, w)| *w).collect();
        let var =
            defined.then(|| combination_variance(&a, |x, y| cov(weights[x].0, weights[y].0)) * fpc(min_n, population));
        Estimate { score, var, df: min_n.saturating_sub(1) }
    };
    let dim_weights = |d: &super::survey::DimModel| -> Vec<(usize, f64)> {
        let present: Vec<usize> = (d.start..d.end).filter(|i| scores[*i].is_some()).collect();
        let total: f64 = present.iter().map(|i| model.item_weights[*i]).sum();
        present.iter().map(|i| (*i, model.item_weights[*i] / total)).collect()
    };
    let dims: Vec<Option<Estimate>> = model
        .dims
        .iter()
        .map(|d| {
            let w = dim_weights(d);
            let weights = &model.item_weights[d.start..d.end];
            let score =
                super::stats::weighted_mean(weights.iter().zip(&scores[d.start..d.end]).map(|(w, s)| (*w, *s)))?;
            Some(combine(w, score))
        })
        .collect();
    let present: Vec<usize> = (0..model.dims.len()).filter(|j| dims[*j].is_some()).collect();
    let total: f64 = present.iter().map(|j| model.dims[*j].weight).sum();
    let index_weights: Vec<(usize, f64)> = present
        .iter()
        .flat_map(|j| {
            let share = model.dims[*j].weight / total;
            dim_weights(&model.dims[*j]).into_iter().map(move |(i, a)| (i, a * share))
        })
        .collect();
    let index = super::stats::weighted_mean(model.dims.iter().zip(&dims).map(|(d, e)| (d.weight, e.map(|e| e.score))))
        .map(|score| combine(index_weights, score));
    Estimates { items, dims, index }
}

/// The mean 0–100 score of a slot, as the item scores are computed.
fn item_score(model: &SurveyModel, m: &MonthAcc, i: usize) -> Option<f64> {
    m.item_mean(i, model).1.map(|x| super::stats::rescale(x, model.slot_min[i], model.slot_max[i]))
}

/// Share of a slot's answers in the top two scale points.
pub fn top2(model: &SurveyModel, m: &MonthAcc, slots: std::ops::Range<usize>) -> Option<f64> {
    let (mut top, mut n) = (0, 0);
    for i in slots {
        top += m.item_top2(i, model);
        n += m.item_sums(i, model).0;
    }
    (n > 0).then(|| top as f64 / n as f64)
}

/// Cronbach's α of dimension `d` over the respondents who answered all of its items.
pub fn reliability(model: &SurveyModel, m: &MonthAcc, d: usize) -> Reliability {
    let a = m.moments.alpha(d);
    let k = model.dims[d].end - model.dims[d].start;
    let items: Option<Vec<f64>> = (0..k).map(|i| covariance(a.n, a.sum[i], a.sum[i], a.sq[i])).collect();
    let total = covariance(a.n, a.t, a.t, a.t2);
    let alpha = items.zip(total).and_then(|(items, total)| cronbach_alpha(&items, total));
    Reliability { alpha, n: a.n, reading: alpha.map(alpha_reading), small_sample: a.n < SMALL_N }
}

/// The NPS of the period, when `recommend` is configured.
pub fn nps_result(model: &SurveyModel, m: &MonthAcc) -> Option<NpsResult> {
    let column = model.recommend.clone()?;
    let [promoters, passives, detractors] = m.nps;
    let n = promoters + passives + detractors;
    let score = nps(promoters, passives, detractors);
    Some(NpsResult {
        column,
        n,
        promoters,
        passives,
        detractors,
        score: score.map(|s| s.0),
        margin: score.map(|s| s.1),
        small_sample: n < SMALL_N,
    })
}
