//! What to improve first: the derived importance of each item (Pearson r between the item and
//! the overall-satisfaction item, or the respondent's own score without one) and the
//! importance–performance matrix (GB/T 19038 附录D) with its four quadrants.
//!
//! The sums behind r are kept per month like every survey sum: integers (micro-units of the
//! scale, the respondent score in millionths of a point), so months and the parts of a
//! parallel read merge exactly. A row costs three integer multiply-adds per item: a blank
//! item is counted apart (with the target's sums over such rows, taken back out per item).

use super::survey::{MonthAcc, SurveyModel, SurveyResult};
use crate::config::IpaCrosshair;
use crate::ingest::value::Ans;
use serde::Serialize;

const MICRO: i128 = 1_000_000;

/// Σk, Σk², Σk·y of one item's whole-point answers (one struct per item: a row walks them in
/// step with its answers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PointSums {
    k: u64,
    kk: u64,
    ky: i128,
}

/// Sums of the answer x of every item against the target y (the overall item, or the
/// respondent score), over the valid questionnaires that have a target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportanceSums {
    /// Rows with a target, and Σy, Σy² over them (y in micro-units).
    rows: u64,
    sy: i128,
    syy: i128,
    /// Per item: rows leaving it blank, and Σy, Σy² over those rows.
    blank: Vec<u64>,
    miss_y: Vec<i128>,
    miss_yy: Vec<i128>,
    /// Per item, whole-point answers as offsets k from the scale minimum: Σk, Σk², Σk·y.
    points: Vec<PointSums>,
    /// Per item, other answers in micro-units: [Σx, Σx², Σx·y]; empty until the first.
    micro: Vec<[i128; 3]>,
}

impl ImportanceSums {
    pub fn new(n_items: usize) -> Self {
        ImportanceSums {
            blank: vec![0; n_items],
            miss_y: vec![0; n_items],
            miss_yy: vec![0; n_items],
            points: vec![PointSums::default(); n_items],
            ..Default::default()
        }
    }

    /// Adds a valid questionnaire's item answers against its target `y` (micro-units;
    /// nothing without a target). `min_micro` holds each item's scale minimum in micro-units.
    #[inline]
    pub fn add(&mut self, items: &[Ans], y: Option<i64>, min_micro: &[i64]) {
        let Some(y) = y else { return };
        let y128 = i128::from(y);
        self.rows += 1;
        self.sy += y128;
        self.syy += y128 * y128;
        for (i, (a, s)) in items.iter().zip(self.points.iter_mut()).enumerate() {
            match *a {
                Ans::Point(p) => {
                    let k = u64::from(p);
                    s.k += k;
                    s.kk += k * k;
                    s.ky += i128::from(k as i64 * y);
                }
                Ans::Blank => {
                    self.blank[i] += 1;
                    self.miss_y[i] += y128;
                    self.miss_yy[i] += y128 * y128;
                }
                Ans::Value(v) => {
                    if self.micro.is_empty() {
                        self.micro = vec![[0; 3]; items.len()];
                    }
                    let x = i128::from((v * 1e6).round() as i64 - min_micro[i]);
                    let s = &mut self.micro[i];
                    s[0] += x;
                    s[1] += x * x;
                    s[2] += x * y128;
                }
            }
        }
    }

    pub fn merge(&mut self, o: &ImportanceSums) {
        self.rows += o.rows;
        self.sy += o.sy;
        self.syy += o.syy;
        for (a, b) in self.blank.iter_mut().zip(&o.blank) {
            *a += b;
        }
        for (a, b) in self.points.iter_mut().zip(&o.points) {
            a.k += b.k;
            a.kk += b.kk;
            a.ky += b.ky;
        }
        for (a, b) in self.miss_y.iter_mut().zip(&o.miss_y).chain(self.miss_yy.iter_mut().zip(&o.miss_yy)) {
            *a += b;
        }
        if self.micro.is_empty() {
            self.micro = o.micro.clone();
        } else {
            for (a, b) in self.micro.iter_mut().zip(&o.micro) {
                for (u, v) in a.iter_mut().zip(b) {
                    *u += v;
                }
            }
        }
    }

    /// Item `i` against the target over the rows answering both: [n, Σx, Σy, Σxy, Σx², Σy²]
    /// (x and y in micro-units).
    pub fn pair(&self, i: usize) -> [i128; 6] {
        let mut s = [
            i128::from(self.rows - self.blank[i]),
            i128::from(self.points[i].k) * MICRO,
            self.sy - self.miss_y[i],
            self.points[i].ky * MICRO,
            i128::from(self.points[i].kk) * MICRO * MICRO,
            self.syy - self.miss_yy[i],
        ];
        if let Some(m) = self.micro.get(i) {
            s[1] += m[0];
            s[4] += m[1];
            s[3] += m[2];
        }
        s
    }
}

/// The target of a valid questionnaire in micro-units: its overall answer (offset from the
/// scale minimum) when `[survey] overall` is set, else its respondent score (0–100) to the
/// millionth.
#[inline]
pub fn target(model: &SurveyModel, answers: &[Ans], score: f64) -> Option<i64> {
    if model.overall.is_none() {
        return Some((score * 1e6).round() as i64);
    }
    match answers[model.items.len()] {
        Ans::Blank => None,
        Ans::Point(k) => Some(i64::from(k) * 1_000_000),
        Ans::Value(v) => Some((v * 1e6).round() as i64 - model.slot_min_micro[model.items.len()]),
    }
}

/// Pearson's r from n, Σx, Σy, Σxy, Σx², Σy² (exact integer sums): `None` below three
/// observations or when either variable does not vary.
pub fn pearson([n, sx, sy, sxy, sxx, syy]: [i128; 6]) -> Option<f64> {
    if n < 3 {
        return None;
    }
    let cov = n * sxy - sx * sy;
    let vx = n * sxx - sx * sx;
    let vy = n * syy - sy * sy;
    if vx <= 0 || vy <= 0 {
        return None;
    }
    Some((cov as f64 / ((vx as f64).sqrt() * (vy as f64).sqrt())).clamp(-1.0, 1.0))
}

/// What the importance of an item is correlated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportanceBasis {
    /// The overall-satisfaction item (`[survey] overall`).
    Overall,
    /// Each respondent's own weighted score (no overall item configured).
    RespondentScore,
}

/// The quadrants of the importance–performance matrix (GB/T 19038 附录D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High importance, low performance: 重点改进区.
    ImproveFirst,
    /// High importance, high performance: 重点保持区.
    KeepUp,
    /// Low importance, low performance: 机会区.
    LowPriority,
    /// Low importance, high performance: 维持区.
    PossibleOverkill,
}

/// The quadrant of a point: importance and performance at or above the crosshair count as high.
pub fn quadrant(importance: f64, performance: f64, cross: (f64, f64)) -> Quadrant {
    match (importance >= cross.0, performance >= cross.1) {
        (true, false) => Quadrant::ImproveFirst,
        (true, true) => Quadrant::KeepUp,
        (false, false) => Quadrant::LowPriority,
        (false, true) => Quadrant::PossibleOverkill,
    }
}

/// Where the crosshairs went: the configured rule and its values.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Crosshair {
    #[serde(flatten)]
    pub rule: IpaCrosshair,
    /// The importance (r) and performance (score) the crosshairs cross at.
    pub at_importance: f64,
    pub at_performance: f64,
}

/// One item in the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct ImportanceItem {
    pub dimension: String,
    pub item: String,
    /// Pearson r with the target; `null` below three answers or without variance (then the
    /// item is left out of the matrix).
    pub importance: Option<f64>,
    /// Respondents answering both the item and the target.
    pub n: u64,
    /// The item's score (0–100).
    pub performance: Option<f64>,
    pub quadrant: Option<Quadrant>,
}

/// Derived importance and the importance–performance matrix of a period.
#[derive(Debug, Clone, Serialize)]
pub struct ImportanceResult {
    pub basis: ImportanceBasis,
    /// The overall item's column with `basis = "overall"`.
    pub column: Option<String>,
    /// `null` when fewer than two items have both an importance and a score.
    pub crosshair: Option<Crosshair>,
    /// Every item in config order.
    pub items: Vec<ImportanceItem>,
    /// The items of the improve-first quadrant, most important first (ties in config order).
    pub improve_first: Vec<ImportanceItem>,
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The crosshairs for points `(importance, performance)` by `rule`; `None` for fewer than two points.
pub fn crosshair(rule: IpaCrosshair, points: &[(f64, f64)]) -> Option<Crosshair> {
    if points.len() < 2 {
        return None;
    }
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
    let (x, y) = match rule {
        IpaCrosshair::Mean => {
            let n = points.len() as f64;
            (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n)
        }
        IpaCrosshair::Median => (median(&mut xs), median(&mut ys)),
        IpaCrosshair::Fixed { importance, performance } => (importance, performance),
    };
    Some(Crosshair { rule, at_importance: x, at_performance: y })
}

/// The importance of every item of a period and its place in the matrix.
pub fn analyse(model: &SurveyModel, m: &MonthAcc, s: &SurveyResult, rule: IpaCrosshair) -> Option<ImportanceResult> {
    if model.items.is_empty() {
        return None;
    }
    let mut items: Vec<ImportanceItem> = s
        .dimensions
        .iter()
        .flat_map(|d| d.items.iter().map(move |it| (d, it)))
        .enumerate()
        .map(|(i, (d, it))| {
            let pair = m.importance.pair(i);
            ImportanceItem {
                dimension: d.name.clone(),
                item: it.name.clone(),
                importance: pearson(pair),
                n: pair[0] as u64,
                performance: it.score,
                quadrant: None,
            }
        })
        .collect();
    let points: Vec<(f64, f64)> = items.iter().filter_map(|i| Some((i.importance?, i.performance?))).collect();
    let cross = crosshair(rule, &points);
    if let Some(c) = &cross {
        for it in &mut items {
            if let (Some(x), Some(y)) = (it.importance, it.performance) {
                it.quadrant = Some(quadrant(x, y, (c.at_importance, c.at_performance)));
            }
        }
    }
    let mut improve_first: Vec<ImportanceItem> =
        items.iter().filter(|i| i.quadrant == Some(Quadrant::ImproveFirst)).cloned().collect();
    improve_first.sort_by(|a, b| b.importance.unwrap_or(0.0).total_cmp(&a.importance.unwrap_or(0.0)));
    let basis = if model.overall.is_some() { ImportanceBasis::Overall } else { ImportanceBasis::RespondentScore };
    Some(ImportanceResult { basis, column: model.overall.clone(), crosshair: cross, items, improve_first })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(x: &[f64], y: &[f64]) -> [i128; 6] {
        let m = |v: f64| (v * 1e6).round() as i128;
        let mut s = [0i128; 6];
        for (a, b) in x.iter().zip(y) {
            let (a, b) = (m(*a), m(*b));
            s[0] += 1;
            s[1] += a;
            s[2] += b;
            s[3] += a * b;
            s[4] += a * a;
            s[5] += b * b;
        }
        s
    }

    #[test]
    fn pearson_r_of_a_hand_vector() {
        // x = (1, 2, 3, 4, 5), y = (2, 4, 5, 4, 5): x̄ = 3, ȳ = 4, Σ(x−x̄)(y−ȳ) = 6,
        // Σ(x−x̄)² = 10, Σ(y−ȳ)² = 6 → r = 6/√60 = 0.774597.
        let r = pearson(sums(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 4.0, 5.0, 4.0, 5.0])).unwrap();
        assert!((r - 6.0 / 60f64.sqrt()).abs() < 1e-12, "{r}");
        assert_eq!(crate::number::round_half_away(r, 4), 0.7746);
        // A perfect inverse line, a constant and two points.
        assert_eq!(pearson(sums(&[1.0, 2.0, 3.0], &[30.0, 20.0, 10.0])), Some(-1.0));
        assert_eq!(pearson(sums(&[1.0, 2.0, 3.0], &[7.0, 7.0, 7.0])), None);
        assert_eq!(pearson(sums(&[1.0, 2.0], &[1.0, 2.0])), None);
    }

    #[test]
    fn sums_equal_brute_force_with_blanks_and_values_and_merge_in_any_order() {
        let mut state = 7u64;
        let rows: Vec<(Vec<Ans>, Option<i64>)> = (0..400)
            .map(|_| {
                let mut next = || {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    state >> 33
                };
                let items = (0..3)
                    .map(|_| match next() % 8 {
                        0 => Ans::Blank,
                        7 => Ans::Value(3.5),
                        k => Ans::Point((k % 5) as u8),
                    })
                    .collect();
                let y = (next() % 10 != 0).then(|| (next() % 100_000_000) as i64);
                (items, y)
            })
            .collect();
        let mut whole = ImportanceSums::new(3);
        let (mut a, mut b) = (ImportanceSums::new(3), ImportanceSums::new(3));
        for (n, (items, y)) in rows.iter().enumerate() {
            whole.add(items, *y, &[1_000_000; 8]);
            if n % 3 == 0 { &mut a } else { &mut b }.add(items, *y, &[1_000_000; 8]);
        }
        b.merge(&a);
        assert_eq!(b, whole);
        for i in 0..3 {
            let mut s = [0i128; 6];
            for (items, y) in &rows {
                let x = match items[i] {
                    Ans::Blank => continue,
                    Ans::Point(k) => i128::from(k) * MICRO,
                    Ans::Value(v) => ((v - 1.0) * 1e6).round() as i128,
                };
                let Some(y) = y else { continue };
                let y = i128::from(*y);
                for (acc, v) in s.iter_mut().zip([1, x, y, x * y, x * x, y * y]) {
                    *acc += v;
                }
            }
            assert_eq!(whole.pair(i), s, "item {i}");
        }
    }

    #[test]
    fn quadrants_split_at_the_crosshair_with_ties_high() {
        let c = (0.5, 80.0);
        assert_eq!(quadrant(0.7, 70.0, c), Quadrant::ImproveFirst);
        assert_eq!(quadrant(0.7, 85.0, c), Quadrant::KeepUp);
        assert_eq!(quadrant(0.3, 70.0, c), Quadrant::LowPriority);
        assert_eq!(quadrant(0.3, 85.0, c), Quadrant::PossibleOverkill);
        assert_eq!(quadrant(0.5, 80.0, c), Quadrant::KeepUp, "on both lines: high, high");
        // Mean and median crosshairs of four points.
        let pts = [(0.2, 60.0), (0.4, 90.0), (0.6, 70.0), (1.0, 80.0)];
        let mean = crosshair(IpaCrosshair::Mean, &pts).unwrap();
        assert!((mean.at_importance - 0.55).abs() < 1e-12 && mean.at_performance == 75.0);
        let median = crosshair(IpaCrosshair::Median, &pts).unwrap();
        assert!((median.at_importance - 0.5).abs() < 1e-12 && median.at_performance == 75.0);
        assert!(crosshair(IpaCrosshair::Mean, &pts[..1]).is_none());
    }
}
