//! The formulas of the method notes, one function each, tested with METHODS.md's vectors.

/// Rescales an answer on a `min..max` scale to 0–100: `(x − min) / (max − min) · 100`.
pub fn rescale(x: f64, min: f64, max: f64) -> f64 {
    (x - min) / (max - min) * 100.0
}

/// Weighted mean `Σ wᵢxᵢ / Σ wᵢ` over the pairs whose value is present;
/// `None` when no value is present (weights renormalise over what is there).
pub fn weighted_mean(pairs: impl IntoIterator<Item = (f64, Option<f64>)>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (w, x) in pairs {
        if let Some(x) = x {
            num += w * x;
            den += w;
        }
    }
    (den > 0.0).then(|| num / den)
}

pub use crate::number::round_half_away;
use crate::number::ROUND_EPS;

/// A score in tenths, rounded half away from zero: 94.95 → 950. Scores are 0–100.
pub fn tenths(score: f64) -> u16 {
    // Same rule as round_half_away(score, 1) for scores in 0..=100, without the division.
    // For the non-negative values here truncation is the floor (and needs no libm call).
    ((score * 10.0 + 0.5 + ROUND_EPS) as i64).clamp(0, 1000) as u16
}

/// Index of the band a score falls in. Bands are given highest first by inclusive lower
/// bound; the score is first rounded to one decimal, as displayed.
pub fn band_of(score: f64, mins: &[f64]) -> usize {
    band_of_tenths(tenths(score), mins)
}

pub fn band_of_tenths(t: u16, mins: &[f64]) -> usize {
    let shown = f64::from(t) / 10.0;
    mins.iter().position(|m| shown >= *m - ROUND_EPS).unwrap_or(mins.len().saturating_sub(1))
}

/// Smallest count of answered items that reaches `share` of `total` items.
pub fn required_answers(share: f64, total: usize) -> usize {
    ((share * total as f64) - ROUND_EPS).ceil().max(0.0) as usize
}

/// Median: the middle value, or the mean of the two middle values. Reorders `v` (a
/// selection, not a full sort).
pub fn median(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (below, mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *mid;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(upper);
    Some((lower + upper) / 2.0)
}

/// `P(X ≤ k)` for `X ~ Binomial(n, p)`, summed exactly term by term in log space: the terms
/// follow `ln f(j+1) = ln f(j) + ln((n−j)/(j+1)) + ln(p/(1−p))` from `ln f(0) = n·ln(1−p)`,
/// and are added relative to the largest (no underflow for large `n`, no factorials).
pub fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    if k >= n || p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0; // k < n: X = n surely
    }
    let odds = p.ln() - (-p).ln_1p();
    let mut log_terms = Vec::with_capacity(k as usize + 1);
    let mut l = n as f64 * (-p).ln_1p();
    for j in 0..=k {
        log_terms.push(l);
        l += ((n - j) as f64).ln() - ((j + 1) as f64).ln() + odds;
    }
    let top = log_terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = log_terms.iter().map(|t| (t - top).exp()).sum();
    (top + sum.ln()).exp().min(1.0)
}

/// The one-sided p-value of the conditional test of equal rates (METHODS.md, action effect):
/// `c1` events over exposure `t1` before, `c2` over `t2` after; under equal rates
/// `c2 | c1 + c2 ~ Binomial(c1 + c2, t2 / (t1 + t2))`, p = P(X ≤ c2).
pub fn rate_drop_p_value(c1: u64, t1: f64, c2: u64, t2: f64) -> f64 {
    binomial_cdf(c2, c1 + c2, t2 / (t1 + t2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescale_five_point_mean() {
        assert!((rescale(4.2, 1.0, 5.0) - 80.0).abs() < 1e-12);
        assert_eq!(rescale(1.0, 1.0, 5.0), 0.0);
        assert_eq!(rescale(10.0, 0.0, 10.0), 100.0);
    }

    #[test]
    fn comprehensive_index_vector_from_methods() {
        let w = [0.35, 0.20, 0.20, 0.15, 0.10];
        let s = [86.5, 78.0, 90.2, 72.4, 84.0];
        let csi = weighted_mean(w.iter().copied().zip(s.iter().map(|x| Some(*x)))).unwrap();
        // Exactly 83.175; METHODS.md prints it to two decimals as 83.18.
        assert!((csi - 83.175).abs() < 1e-9, "{csi}");
        assert_eq!(round_half_away(csi, 2), 83.18);
        assert_eq!(round_half_away(csi, 1), 83.2);
    }

    #[test]
    fn weighted_mean_renormalises_over_present_values() {
        let m = weighted_mean([(0.5, Some(80.0)), (0.3, None), (0.2, Some(60.0))]).unwrap();
        assert!((m - (0.5 * 80.0 + 0.2 * 60.0) / 0.7).abs() < 1e-12);
        assert_eq!(weighted_mean([(1.0, None)]), None);
    }

    #[test]
    fn rounding_is_half_away_from_zero_despite_binary_floats() {
        assert_eq!(round_half_away(94.95, 1), 95.0);
        assert_eq!(round_half_away(94.94999, 1), 94.9);
        assert_eq!(round_half_away(0.05, 1), 0.1);
        assert_eq!(round_half_away(-0.05, 1), -0.1);
        // (1/3 + 2/3 + 0.85)·100 style sums that land on .x5 after float error
        assert_eq!(round_half_away(84.35000000000001, 1), 84.4);
        assert_eq!(round_half_away(84.34999999999999, 1), 84.4);
    }

    #[test]
    fn tenths_agree_with_displayed_rounding() {
        for i in 0..=100_000u32 {
            let x = f64::from(i) / 1000.0;
            assert_eq!(f64::from(tenths(x)) / 10.0, round_half_away(x, 1), "{x}");
        }
    }

    #[test]
    fn bands_classify_the_displayed_value() {
        let mins = [95.0, 80.0, 70.0, 60.0, 0.0];
        assert_eq!(band_of(94.96, &mins), 0, "94.96 shows as 95.0");
        assert_eq!(band_of(94.94, &mins), 1);
        assert_eq!(band_of(100.0, &mins), 0);
        assert_eq!(band_of(80.0, &mins), 1, "lower bound inclusive");
        assert_eq!(band_of(79.9, &mins), 2);
        assert_eq!(band_of(59.9, &mins), 4);
        assert_eq!(band_of(0.0, &mins), 4);
    }

    #[test]
    fn required_answers_is_the_ceiling_share() {
        assert_eq!(required_answers(0.8, 20), 16);
        assert_eq!(required_answers(0.8, 7), 6);
        assert_eq!(required_answers(0.7, 10), 7);
        assert_eq!(required_answers(1.0, 3), 3);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [10.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [10.0, 1.0, 5.0, 3.0]), Some(4.0));
        assert_eq!(median(&mut [7.0, 7.0, 1.0, 9.0, 7.0, 2.0]), Some(7.0));
        assert_eq!(median(&mut [2.0, 1.0]), Some(1.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn methods_vectors_action_effect_p_values() {
        // c1 = 30, t1 = 6, c2 = 12, t2 = 6 → 0.00396 (effect shown)
        let p = rate_drop_p_value(30, 6.0, 12, 6.0);
        assert!((p - 0.00396).abs() < 5e-6, "{p}");
        // c1 = 30, t1 = 6, c2 = 9, t2 = 3 → 0.1153 (no effect shown yet)
        let p = rate_drop_p_value(30, 6.0, 9, 3.0);
        assert!((p - 0.1153).abs() < 5e-5, "{p}");
        // Exact sums (rational arithmetic): 0.003957948667448363, 0.11528736745669488.
        assert!((rate_drop_p_value(30, 6.0, 12, 6.0) - 0.003957948667448363).abs() < 1e-12);
        assert!((rate_drop_p_value(30, 6.0, 9, 3.0) - 0.11528736745669488).abs() < 1e-12);
    }

    #[test]
    fn binomial_cdf_is_exact_for_large_n_and_at_the_edges() {
        // Exact values from rational arithmetic; (1/2)^2000 alone underflows to 0 in f64.
        for (k, n, p, exact) in [
            (1000, 2000, 0.5, 0.5089195055729272),
            (950, 2000, 0.5, 0.013412073120140347),
            (450, 5000, 0.1, 0.009068610973223838),
        ] {
            let got = binomial_cdf(k, n, p);
            assert!((got - exact).abs() < 1e-10, "P(X ≤ {k} | {n}, {p}) = {got}, expected {exact}");
        }
        assert_eq!(binomial_cdf(0, 0, 0.5), 1.0);
        assert_eq!(binomial_cdf(3, 3, 0.9), 1.0);
        assert_eq!(binomial_cdf(2, 5, 0.0), 1.0);
        assert_eq!(binomial_cdf(2, 5, 1.0), 0.0);
        assert!((binomial_cdf(0, 3, 0.5) - 0.125).abs() < 1e-15);
    }
}
