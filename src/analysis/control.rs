//! Control charts (控制图) for complaint counts and rates: c, u and p charts, Laney u′ and p′
//! charts (limits widened or narrowed by σz), stages (centre, σz and limits per stage), and the
//! signal tests of `signals.rs`.

use super::signals::{signals, Signal};
use serde::Serialize;

/// Tests applied when none are configured (and always on the c chart).
pub const DEFAULT_TESTS: [u8; 4] = [1, 2, 3, 4];

/// d₂ for moving ranges of two: σ estimated as mean(MR) / 1.128.
const D2: f64 = 1.128;

/// One point of a control chart with its own limits (p and u limits vary with n, and every
/// figure of a staged chart with its stage).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlPoint {
    pub label: String,
    pub value: f64,
    pub lcl: f64,
    pub ucl: f64,
    /// The centre line at this point: its stage's.
    pub center: f64,
    /// The point's own sigma, the limits being centre ± 3σ before the floor at 0 (and the
    /// clip at 1 for p): √c̄ (c), σᵢ (u, p), σᵢ·σz (Laney). The zones of tests 5–8 use it.
    pub sigma: f64,
    /// Index of the point's stage in `ControlChart::stages`.
    pub stage: usize,
}

/// A stretch of consecutive points whose centre, σz and limits are computed from its own
/// points only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    /// The label (month) of the stage's first point.
    pub start: String,
    /// Index of the stage's first point, and how many points it has.
    pub first: usize,
    pub points: usize,
    pub center: f64,
    /// mean(|zᵢ − zᵢ₋₁|) / 1.128 with zᵢ = (valueᵢ − centre) / σᵢ; `null` for the c chart, for a
    /// stage of one point, and where σᵢ is 0 (a centre of 0, or of 1 for p).
    pub sigma_z: Option<f64>,
    /// Why the stage starts here: a month listed in `stages`, and the ids of the closed
    /// actions completed in a month that starts it (`stages_from_actions`).
    pub listed: bool,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChart {
    /// The chart drawn: "c", "u", "p", "laney-u" or "laney-p".
    pub kind: &'static str,
    /// The centre line of the last stage (of the whole chart when it has one stage).
    pub center: f64,
    pub stages: Vec<Stage>,
    pub points: Vec<ControlPoint>,
    /// The largest σz of the stages (the overdispersion check `auto` compares with the
    /// threshold); `null` for the c chart and when no stage has one.
    pub sigma_z: Option<f64>,
    /// The threshold σz is compared with (rate charts); `null` for the c chart.
    pub sigma_z_threshold: Option<f64>,
    /// Whether the kind was chosen by `chart = "auto"`.
    pub auto: bool,
    /// The signal tests applied, ascending.
    pub tests: Vec<u8>,
    pub signals: Vec<Signal>,
}

/// The rate a chart plots: complaints per unit (u) or the share of units with one (p).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    U,
    P,
}

/// Whether the limits are widened by σz (Laney), and when `Auto`, above which σz.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Laney {
    Off,
    On,
    Auto(f64),
}

/// The rate chart of a series: which rate, Laney or not, where stages start (point indexes,
/// the first point always starting one), which tests, and the threshold for the report.
#[derive(Debug, Clone)]
pub struct RateSpec<'a> {
    pub rate: Rate,
    pub laney: Laney,
    pub stage_starts: &'a [usize],
    pub tests: &'a [u8],
    pub threshold: f64,
}

/// c chart: counts per period; centre c̄, limits c̄ ± 3√c̄, lower limit floored at 0; one stage,
/// tests 1–4.
pub fn c_chart(labels: &[String], counts: &[f64]) -> ControlChart {
    let c = if counts.is_empty() { 0.0 } else { counts.iter().sum::<f64>() / counts.len() as f64 };
    let sigma = c.sqrt();
    let points: Vec<ControlPoint> = labels.iter().zip(counts).map(|(l, v)| point(l, *v, c, sigma, 0, false)).collect();
    let stages = vec![Stage {
        start: first_label(labels, 0),
        first: 0,
        points: points.len(),
        center: c,
        sigma_z: None,
        listed: false,
        actions: Vec::new(),
    }];
    let signals = signals(&points, &[0], &DEFAULT_TESTS);
    ControlChart {
        kind: "c",
        center: c,
        stages,
        points,
        sigma_z: None,
        sigma_z_threshold: None,
        auto: false,
        tests: DEFAULT_TESTS.to_vec(),
        signals,
    }
}

/// p chart, one stage, tests 1–4: p̄ = Σx/Σn, limits p̄ ± 3√(p̄(1−p̄)/nᵢ) clipped to [0, 1].
/// Periods with n = 0 are left out by the caller.
pub fn p_chart(labels: &[String], x: &[f64], n: &[f64]) -> ControlChart {
    rate_chart(labels, x, n, &plain(Rate::P, Laney::Off))
}

/// u chart, one stage, tests 1–4 (n in units, e.g. thousands of orders): ū = Σc/Σn,
/// limits ū ± 3√(ū/nᵢ), floored at 0.
pub fn u_chart(labels: &[String], c: &[f64], n: &[f64]) -> ControlChart {
    rate_chart(labels, c, n, &plain(Rate::U, Laney::Off))
}

fn plain(rate: Rate, laney: Laney) -> RateSpec<'static> {
    RateSpec { rate, laney, stage_starts: &[0], tests: &DEFAULT_TESTS, threshold: 1.0 }
}

/// A u, p, Laney u′ or Laney p′ chart. Within each stage: centre = Σx/Σn over its points,
/// σᵢ = √(ū/nᵢ) (u) or √(p̄(1−p̄)/nᵢ) (p), zᵢ = (xᵢ/nᵢ − centre)/σᵢ, σz = mean|zᵢ − zᵢ₋₁| / 1.128,
/// and limits centre ± 3σ with σ = σᵢ (plain) or σᵢ·σz (Laney; σᵢ where the stage has no σz),
/// floored at 0 (and clipped at 1 for p). With `Laney::Auto(t)` the Laney chart is drawn when
/// the largest stage σz exceeds t.
pub fn rate_chart(labels: &[String], x: &[f64], n: &[f64], spec: &RateSpec<'_>) -> ControlChart {
    let len = labels.len().min(x.len()).min(n.len());
    let bounds = stage_bounds(spec.stage_starts, len);
    let values: Vec<f64> = (0..len).map(|i| x[i] / n[i]).collect();
    let mut stages = Vec::with_capacity(bounds.len());
    let mut sigmas = vec![0.0; len];
    for (first, end) in &bounds {
        let (sx, sn): (f64, f64) = (x[*first..*end].iter().sum(), n[*first..*end].iter().sum());
        let center = if sn > 0.0 { sx / sn } else { 0.0 };
        for i in *first..*end {
            sigmas[i] = sigma_i(spec.rate, center, n[i]);
        }
        let sigma_z = sigma_z(&values[*first..*end], center, &sigmas[*first..*end]);
        let (start, points) = (first_label(labels, *first), end - first);
        stages.push(Stage { start, first: *first, points, center, sigma_z, listed: false, actions: Vec::new() });
    }
    let largest =
        stages.iter().filter_map(|s| s.sigma_z).fold(None, |m: Option<f64>, z| Some(m.map_or(z, |m| m.max(z))));
    let laney = match spec.laney {
        Laney::Off => false,
        Laney::On => true,
        Laney::Auto(t) => largest.is_some_and(|z| z > t),
    };
    let mut points = Vec::with_capacity(len);
    for (k, (stage, (first, end))) in stages.iter().zip(&bounds).enumerate() {
        let factor = if laney { stage.sigma_z.unwrap_or(1.0) } else { 1.0 };
        for i in *first..*end {
            points.push(point(&labels[i], values[i], stage.center, sigmas[i] * factor, k, spec.rate == Rate::P));
        }
    }
    let kind = match (spec.rate, laney) {
        (Rate::U, false) => "u",
        (Rate::P, false) => "p",
        (Rate::U, true) => "laney-u",
        (Rate::P, true) => "laney-p",
    };
    let mut tests = spec.tests.to_vec();
    tests.sort_unstable();
    tests.dedup();
    let starts: Vec<usize> = bounds.iter().map(|b| b.0).collect();
    let signals = signals(&points, &starts, &tests);
    ControlChart {
        kind,
        center: stages.last().map_or(0.0, |s| s.center),
        stages,
        points,
        sigma_z: largest,
        sigma_z_threshold: Some(spec.threshold),
        auto: matches!(spec.laney, Laney::Auto(_)),
        tests,
        signals,
    }
}

/// (first, end) of each stage: the first point always starts one; starts out of range or
/// repeated are ignored.
fn stage_bounds(starts: &[usize], len: usize) -> Vec<(usize, usize)> {
    let mut s: Vec<usize> = starts.iter().copied().filter(|i| *i > 0 && *i < len).collect();
    s.push(0);
    s.sort_unstable();
    s.dedup();
    s.iter().enumerate().map(|(k, first)| (*first, s.get(k + 1).copied().unwrap_or(len))).collect()
}

fn first_label(labels: &[String], i: usize) -> String {
    labels.get(i).cloned().unwrap_or_default()
}

fn sigma_i(rate: Rate, center: f64, n: f64) -> f64 {
    match rate {
        Rate::U => (center / n).sqrt(),
        Rate::P => (center * (1.0 - center) / n).sqrt(),
    }
}

/// σz of one stage: mean moving range of the z-scores / 1.128; `None` with fewer than two
/// points or where a σᵢ is 0 (z undefined).
pub fn sigma_z(values: &[f64], center: f64, sigmas: &[f64]) -> Option<f64> {
    if values.len() < 2 || sigmas.iter().any(|s| !(*s > 0.0 && s.is_finite())) {
        return None;
    }
    let z: Vec<f64> = values.iter().zip(sigmas).map(|(v, s)| (v - center) / s).collect();
    let mr: f64 = z.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (z.len() - 1) as f64;
    Some(mr / D2)
}

fn point(label: &str, value: f64, center: f64, sigma: f64, stage: usize, clip: bool) -> ControlPoint {
    let ucl = center + 3.0 * sigma;
    ControlPoint {
        label: label.to_string(),
        value,
        lcl: (center - 3.0 * sigma).max(0.0),
        ucl: if clip { ucl.min(1.0) } else { ucl },
        center,
        sigma,
        stage,
    }
}

#[cfg(test)]
mod tests;
