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

/// Below this many answers the reports say the sample is small (NPS, Cronbach's α).
pub const SMALL_N: u64 = 30;

/// z for a two-sided 95% interval, the limit of `t_975` for infinite degrees of freedom.
pub const Z_975: f64 = 1.959963984540054;

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-14).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = C[1..].iter().enumerate().fold(C[0], |acc, (i, c)| acc + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        for aa in [m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))] {
            d = 1.0 + aa * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + aa / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b).
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// P(T > t) for Student's t with `df` degrees of freedom, t ≥ 0: ½·I_{df/(df+t²)}(df/2, ½).
fn t_upper_tail(t: f64, df: f64) -> f64 {
    0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
}

/// The 97.5% quantile of Student's t with `df` ≥ 1 degrees of freedom, the multiplier of a
/// two-sided 95% interval: the t where P(T > t) = 0.025 on the exact tail (the regularized
/// incomplete beta function), by Newton's method from the Cornish–Fisher expansion (Abramowitz
/// & Stegun 26.7.5; from 1000 degrees of freedom on, that expansion alone), kept inside a bracket that bisection narrows whenever a step would leave
/// it. A report asks for hundreds of these (every item, dimension and segment of every
/// period), so it takes a few tail evaluations, not the fifty of a bisection.
/// t(1) = 12.706, t(4) = 2.7764, t(39) = 2.0227, and it tends to 1.96 as `df` grows.
pub fn t_975(df: u64) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    let v = df as f64;
    let z = Z_975;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    let g1 = (z3 + z) / 4.0;
    let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
    let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
    let g4 = (79.0 * z.powi(9) + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0;
    let start = z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
    // From 1000 on the expansion's error (order v⁻⁵, below 1e-14) is smaller than that of the
    // tail evaluated in floating point: it is the answer.
    if df >= 1000 {
        return start;
    }
    // The density's constant: Γ((v+1)/2) / (√(vπ) Γ(v/2)).
    let c = (ln_gamma((v + 1.0) / 2.0) - ln_gamma(v / 2.0)).exp() / (v * std::f64::consts::PI).sqrt();
    let (mut lo, mut hi) = (Z_975, f64::INFINITY);
    let mut t = start.max(Z_975);
    for _ in 0..200 {
        let f = t_upper_tail(t, v) - 0.025;
        if f > 0.0 {
            lo = t;
        } else {
            hi = t;
        }
        let density = c * (1.0 + t * t / v).powf(-(v + 1.0) / 2.0);
        let next = t + f / density;
        let next = if next > lo && next < hi {
            next
        } else if hi.is_finite() {
            0.5 * (lo + hi)
        } else {
            2.0 * t
        };
        if (next - t).abs() <= 1e-13 * t {
            return next;
        }
        t = next;
    }
    t
}

/// The finite population correction of a variance, (N − n)/(N − 1): 1 without a population,
/// 0 when the sample is the whole population (or, by a wrong plan, larger).
pub fn fpc(n: u64, population: Option<u64>) -> f64 {
    match population {
        Some(big) if big > 1 => (big.saturating_sub(n)) as f64 / (big - 1) as f64,
        Some(_) => 0.0,
        None => 1.0,
    }
}

/// Variance of a linear combination Σ aᵢ·mᵢ of means: Σᵢ Σⱼ aᵢ aⱼ Cov(mᵢ, mⱼ), `cov(i, j)`
/// giving Cov(mᵢ, mⱼ) (symmetric, `cov(i, i)` the variance of mᵢ).
pub fn combination_variance(a: &[f64], cov: impl Fn(usize, usize) -> f64) -> f64 {
    let mut var = 0.0;
    for (i, ai) in a.iter().enumerate() {
        if *ai == 0.0 {
            continue;
        }
        var += ai * ai * cov(i, i);
        for (j, aj) in a.iter().enumerate().skip(i + 1) {
            if *aj != 0.0 {
                var += 2.0 * ai * aj * cov(i, j);
            }
        }
    }
    var
}

/// Cov(mᵢ, mⱼ) of two item means from the covariance `s_ij` of the nᵢⱼ respondents who
/// answered both: sᵢⱼ·nᵢⱼ / (nᵢ·nⱼ).
pub fn mean_covariance(s_ij: f64, n_ij: u64, n_i: u64, n_j: u64) -> f64 {
    if n_i == 0 || n_j == 0 {
        return 0.0;
    }
    s_ij * n_ij as f64 / (n_i as f64 * n_j as f64)
}

/// Cronbach's α of k items: k/(k−1)·(1 − Σ sᵢ² / s_T²); `None` for k < 2 or no total variance.
pub fn cronbach_alpha(item_variances: &[f64], total_variance: f64) -> Option<f64> {
    let k = item_variances.len() as f64;
    if item_variances.len() < 2 || total_variance <= 0.0 || !total_variance.is_finite() {
        return None;
    }
    Some(k / (k - 1.0) * (1.0 - item_variances.iter().sum::<f64>() / total_variance))
}

/// Net Promoter Score from counts: 100·(P − D) with P, D the shares of promoters (9–10) and
/// detractors (0–6), and its 95% margin 1.96·100·√(((P + D) − (P − D)²)/n).
/// `None` without answers.
pub fn nps(promoters: u64, passives: u64, detractors: u64) -> Option<(f64, f64)> {
    let n = promoters + passives + detractors;
    if n == 0 {
        return None;
    }
    let (p, d) = (promoters as f64 / n as f64, detractors as f64 / n as f64);
    let score = 100.0 * (promoters as f64 - detractors as f64) / n as f64;
    let var = ((p + d) - (p - d) * (p - d)).max(0.0) / n as f64;
    Some((score, 1.96 * 100.0 * var.sqrt()))
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
    fn t_quantiles_match_published_tables() {
        for (df, table) in
            [(1, 12.706), (2, 4.3027), (4, 2.7764), (10, 2.2281), (30, 2.0423), (39, 2.0227), (120, 1.9799)]
        {
            let t = t_975(df);
            assert!((t - table).abs() < 1e-4 * table.max(1.0), "t({df}) = {t}, table {table}");
        }
        assert!((t_975(1) - 12.7062047).abs() < 1e-5);
        assert!((t_975(10_000_000) - 1.959964).abs() < 1e-4);
        assert!(t_975(1000) > t_975(10_000) && t_975(10_000) > Z_975);
    }

    /// The tail at the quantile is 0.025 to the precision of the tail itself, for small and
    /// large degrees of freedom, and t falls as df grows.
    #[test]
    fn t_quantile_solves_the_exact_tail() {
        let mut last = f64::INFINITY;
        for df in (1..=1200).chain([4_321, 99_999, 1_000_000, 123_456_789]) {
            let t = t_975(df);
            let tail = t_upper_tail(t, df as f64);
            // The tail itself loses digits as df grows (1e-12 at 10⁵, 1e-10 at 10⁸).
            let tol = if df > 1200 { 1e-9 } else { 1e-12 };
            if df <= 1_000_000 {
                assert!((tail - 0.025).abs() < tol, "df {df}: t {t}, tail {tail}");
            } else {
                // Beyond, the first term of the expansion alone is within 1e-15.
                let g1 = (Z_975.powi(3) + Z_975) / 4.0;
                assert!((t - (Z_975 + g1 / df as f64)).abs() < 1e-14, "df {df}: t {t}");
            }
            if df > 1200 {
                continue;
            }
            // The same quantile as bisecting the tail to 1e-12.
            let (mut lo, mut hi) = (Z_975, 20.0);
            while t_upper_tail(hi, df as f64) > 0.025 {
                hi *= 2.0;
            }
            while hi - lo > 1e-12 {
                let mid = 0.5 * (lo + hi);
                if t_upper_tail(mid, df as f64) > 0.025 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            assert!((t - 0.5 * (lo + hi)).abs() < 1e-9, "df {df}: t {t}, bisection {}", 0.5 * (lo + hi));
            assert!(t < last, "df {df}");
            last = t;
        }
    }

    #[test]
    fn mean_interval_with_finite_population_correction() {
        // METHODS: mean 24.5, s = 3.65, n = 40, N = 300 → SE 0.53816, CI [23.411, 25.589].
        let se = 3.65 / 40f64.sqrt() * fpc(40, Some(300)).sqrt();
        assert!((se - 0.53816).abs() < 1e-5, "{se}");
        let m = t_975(39) * se;
        assert_eq!(round_half_away(24.5 - m, 3), 23.411);
        assert_eq!(round_half_away(24.5 + m, 3), 25.589);
        assert_eq!(fpc(40, None), 1.0);
        assert_eq!(fpc(300, Some(300)), 0.0);
    }

    #[test]
    fn nps_from_counts() {
        // METHODS: n = 12, 5 promoters, 6 passives, 1 detractor → 33.3 (not 34), ±35.
        let (score, margin) = nps(5, 6, 1).unwrap();
        assert_eq!(round_half_away(score, 1), 33.3);
        assert_eq!(round_half_away(margin, 0), 35.0);
        assert!((margin - 1.96 * 100.0 * ((0.5 - 1.0 / 9.0) / 12.0f64).sqrt()).abs() < 1e-3);
        assert_eq!(nps(0, 0, 0), None);
    }

    #[test]
    fn cronbach_alpha_vector() {
        // METHODS: rows (4,5,4), (3,3,2), (5,5,5), (2,3,3) → 0.947.
        let rows = [[4.0, 5.0, 4.0], [3.0, 3.0, 2.0], [5.0, 5.0, 5.0], [2.0, 3.0, 3.0]];
        let var = |xs: &[f64]| {
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64
        };
        let items: Vec<f64> = (0..3).map(|i| var(&rows.iter().map(|r| r[i]).collect::<Vec<_>>())).collect();
        let total = var(&rows.iter().map(|r| r.iter().sum()).collect::<Vec<_>>());
        assert_eq!(round_half_away(cronbach_alpha(&items, total).unwrap(), 3), 0.947);
        assert_eq!(cronbach_alpha(&items[..1], total), None);
    }

    #[test]
    fn linear_combination_vector() {
        // METHODS: mA = 72 (n 5), mB = 68 (n 5), s²A = s²B = 520, sAB = 133.33 over nAB = 4
        // → Var = 62.667, SE 7.9162, 70.0 ± 2.7764·7.9162 = [48.02, 91.98].
        let s = [[520.0, 400.0 / 3.0], [400.0 / 3.0, 520.0]];
        let n = [[5, 4], [4, 5]];
        let var = combination_variance(&[0.5, 0.5], |i, j| mean_covariance(s[i][j], n[i][j], n[i][i], n[j][j]));
        assert!((var - 62.6667).abs() < 1e-3, "{var}");
        let m = t_975(4) * var.sqrt();
        assert_eq!(round_half_away(70.0 - m, 2), 48.02);
        assert_eq!(round_half_away(70.0 + m, 2), 91.98);
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
