use super::*;

fn labels(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("m{i}")).collect()
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

fn rounded(vs: impl Iterator<Item = f64>, places: i32) -> Vec<f64> {
    vs.map(|v| round(v, places)).collect()
}

fn spec<'a>(rate: Rate, laney: Laney, stage_starts: &'a [usize]) -> RateSpec<'a> {
    RateSpec { rate, laney, stage_starts, tests: &DEFAULT_TESTS, threshold: 1.5 }
}

#[test]
fn c_chart_limits_floor_at_zero() {
    let ch = c_chart(&labels(4), &[2.0, 4.0, 6.0, 4.0]);
    assert_eq!(ch.center, 4.0);
    assert_eq!(ch.points[0].lcl, 0.0);
    assert_eq!(ch.points[0].ucl, 10.0);
    assert_eq!(ch.points[0].sigma, 2.0);
    assert_eq!((ch.kind, ch.sigma_z, ch.tests.clone()), ("c", None, vec![1, 2, 3, 4]));
}

#[test]
fn p_chart_methods_vector() {
    let ch = p_chart(&labels(3), &[2.0, 5.0, 9.0], &[20.0, 50.0, 80.0]);
    assert_eq!(round(ch.center, 4), 0.1067);
    assert_eq!(rounded(ch.points.iter().map(|p| p.lcl), 4), vec![0.0, 0.0, 0.0031]);
    assert_eq!(rounded(ch.points.iter().map(|p| p.ucl), 3), vec![0.314, 0.238, 0.210]);
}

#[test]
fn u_chart_methods_vector() {
    let ch = u_chart(&labels(3), &[12.0, 30.0, 9.0], &[8.0, 15.0, 6.0]);
    assert_eq!(round(ch.center, 3), 1.759);
    assert_eq!(rounded(ch.points.iter().map(|p| p.lcl), 3), vec![0.352, 0.731, 0.134]);
    assert_eq!(rounded(ch.points.iter().map(|p| p.ucl), 3), vec![3.165, 2.786, 3.383]);
}

/// METHODS.md: c = (12, 30, 9, 20), n = (8, 15, 6, 10) → ū = 1.8205,
/// z = (−0.6719, 0.5152, −0.5819, 0.4207), σz = 0.97125, UCL (3.2105, 2.8356, 3.4255, 3.0637),
/// LCL (0.4306, 0.8054, 0.2155, 0.5773).
#[test]
fn laney_u_methods_vector() {
    let (c, n) = ([12.0, 30.0, 9.0, 20.0], [8.0, 15.0, 6.0, 10.0]);
    let ch = rate_chart(&labels(4), &c, &n, &spec(Rate::U, Laney::On, &[0]));
    assert_eq!(ch.kind, "laney-u");
    assert_eq!(round(ch.center, 4), 1.8205);
    let z: Vec<f64> = ch.points.iter().zip(&n).map(|(p, ni)| (p.value - ch.center) / (ch.center / ni).sqrt()).collect();
    assert_eq!(rounded(z.into_iter(), 4), vec![-0.6719, 0.5152, -0.5819, 0.4207]);
    assert_eq!(round(ch.sigma_z.unwrap(), 5), 0.97125);
    assert_eq!(ch.stages[0].sigma_z, ch.sigma_z);
    assert_eq!(rounded(ch.points.iter().map(|p| p.ucl), 4), vec![3.2105, 2.8356, 3.4255, 3.0637]);
    assert_eq!(rounded(ch.points.iter().map(|p| p.lcl), 4), vec![0.4306, 0.8054, 0.2155, 0.5773]);
}

/// METHODS.md: x = (20, 45, 18, 30), n = (400, 600, 350, 500) → p̄ = 0.061081, σz = 1.53073,
/// UCL (0.11607, 0.10598, 0.11986, 0.11026), LCL (0.00609, 0.01618, 0.00230, 0.01190).
#[test]
fn laney_p_methods_vector() {
    let (x, n) = ([20.0, 45.0, 18.0, 30.0], [400.0, 600.0, 350.0, 500.0]);
    let ch = rate_chart(&labels(4), &x, &n, &spec(Rate::P, Laney::On, &[0]));
    assert_eq!(ch.kind, "laney-p");
    assert_eq!(round(ch.center, 6), 0.061081);
    assert_eq!(round(ch.sigma_z.unwrap(), 5), 1.53073);
    assert_eq!(rounded(ch.points.iter().map(|p| p.ucl), 5), vec![0.11607, 0.10598, 0.11986, 0.11026]);
    assert_eq!(rounded(ch.points.iter().map(|p| p.lcl), 5), vec![0.00609, 0.01618, 0.00230, 0.01190]);
    // σ of a point is σᵢ·σz: the limits are 3σ away from the centre.
    let p = &ch.points[1];
    assert!((p.ucl - p.center - 3.0 * p.sigma).abs() < 1e-12);
}

/// By hand: c = (10, 40, 10), n = (10, 10, 10) → ū = 60/30 = 2, σᵢ = √(2/10) = √0.2,
/// u = (1, 4, 1), z = (−1/√0.2, 2/√0.2, −1/√0.2), MR = (3/√0.2, 3/√0.2), so
/// σz = 3/(1.128·√0.2) = 5.94699 and 3·σᵢ·σz = 9/1.128 = 7.97872:
/// Laney limits [max(0, 2 − 7.97872) = 0, 9.97872]; the plain u chart's are
/// 2 ± 3√0.2 = [0.65836, 3.34164], which month 2 (u = 4) exceeds (months 1 and 3, u = 1, lie inside).
#[test]
fn laney_u_hand_vector_widens_the_plain_limits() {
    let (c, n) = ([10.0, 40.0, 10.0], [10.0, 10.0, 10.0]);
    let laney = rate_chart(&labels(3), &c, &n, &spec(Rate::U, Laney::On, &[0]));
    assert_eq!(round(laney.sigma_z.unwrap(), 5), 5.94699);
    assert_eq!(round(laney.points[0].ucl, 5), round(2.0 + 9.0 / 1.128, 5));
    assert_eq!(round(laney.points[0].ucl, 5), 9.97872);
    assert_eq!(laney.points[0].lcl, 0.0);
    assert!(laney.signals.is_empty());
    let plain = rate_chart(&labels(3), &c, &n, &spec(Rate::U, Laney::Off, &[0]));
    assert_eq!(plain.kind, "u");
    assert_eq!((round(plain.points[0].lcl, 5), round(plain.points[0].ucl, 5)), (0.65836, 3.34164));
    assert_eq!(plain.sigma_z, laney.sigma_z, "the plain chart reports σz as a check");
    let fired: Vec<(u8, usize)> = plain.signals.iter().map(|s| (s.test, s.index)).collect();
    assert_eq!(fired, vec![(1, 1)]);
}

/// `auto` draws Laney only when σz exceeds the threshold (1.5 here): the hand vector above
/// (σz 5.947) gets Laney u′, the METHODS u′ vector (σz 0.971) the plain u chart.
#[test]
fn auto_chooses_laney_above_the_threshold() {
    let a = rate_chart(&labels(3), &[10.0, 40.0, 10.0], &[10.0; 3], &spec(Rate::U, Laney::Auto(1.5), &[0]));
    assert_eq!((a.kind, a.auto, a.sigma_z_threshold), ("laney-u", true, Some(1.5)));
    let b = rate_chart(
        &labels(4),
        &[12.0, 30.0, 9.0, 20.0],
        &[8.0, 15.0, 6.0, 10.0],
        &spec(Rate::U, Laney::Auto(1.5), &[0]),
    );
    assert_eq!((b.kind, b.auto), ("u", true));
    assert_eq!(round(b.points[0].ucl, 3), round(b.center + 3.0 * (b.center / 8.0).sqrt(), 3));
    // Just above and just below: the threshold itself is not "above".
    let z = b.sigma_z.unwrap();
    let at =
        rate_chart(&labels(4), &[12.0, 30.0, 9.0, 20.0], &[8.0, 15.0, 6.0, 10.0], &spec(Rate::U, Laney::Auto(z), &[0]));
    assert_eq!(at.kind, "u");
    let below = rate_chart(
        &labels(4),
        &[12.0, 30.0, 9.0, 20.0],
        &[8.0, 15.0, 6.0, 10.0],
        &spec(Rate::U, Laney::Auto(z - 1e-9), &[0]),
    );
    assert_eq!(below.kind, "laney-u");
}

/// Stages by hand: c = (2, 4, 10, 14), n = 1 each, a stage starting at the third point.
///   stage 1: ū = 6/2 = 3, σᵢ = √3, u limits 3 ± 3√3 → [0, 8.19615]; z = (−1/√3, 1/√3),
///     σz = (2/√3)/1.128 = 1.02367, Laney 3 ± 3·√3·σz = 3 ± 6/1.128 → [0, 8.31915]
///   stage 2: ū = 24/2 = 12, σᵢ = √12, u limits 12 ± 3√12 → [1.60770, 22.39230]; z = (−2/√12, 2/√12),
///     σz = (4/√12)/1.128 = 1.02367, Laney 12 ± 12/1.128 → [1.36170, 22.63830]
///   one stage instead: ū = 30/4 = 7.5, limits [0, 7.5 + 3√7.5 = 15.71584].
#[test]
fn stages_compute_centre_sigma_z_and_limits_separately() {
    let (c, n) = ([2.0, 4.0, 10.0, 14.0], [1.0; 4]);
    let u = rate_chart(&labels(4), &c, &n, &spec(Rate::U, Laney::Off, &[0, 2]));
    assert_eq!(u.stages.len(), 2);
    assert_eq!((u.stages[1].start.as_str(), u.stages[1].first, u.stages[1].points), ("m3", 2, 2));
    assert_eq!((u.stages[0].center, u.stages[1].center, u.center), (3.0, 12.0, 12.0));
    assert_eq!(rounded(u.points.iter().map(|p| p.ucl), 5), vec![8.19615, 8.19615, 22.39230, 22.39230]);
    assert_eq!(rounded(u.points.iter().map(|p| p.lcl), 5), vec![0.0, 0.0, 1.60770, 1.60770]);
    assert_eq!(u.points.iter().map(|p| p.stage).collect::<Vec<_>>(), vec![0, 0, 1, 1]);
    let l = rate_chart(&labels(4), &c, &n, &spec(Rate::U, Laney::On, &[2]));
    assert_eq!(rounded(l.stages.iter().map(|s| s.sigma_z.unwrap()), 5), vec![1.02367, 1.02367]);
    assert_eq!(rounded(l.points.iter().map(|p| p.ucl), 5), vec![8.31915, 8.31915, 22.63830, 22.63830]);
    assert_eq!(rounded(l.points.iter().map(|p| p.lcl), 5), vec![0.0, 0.0, 1.36170, 1.36170]);
    let one = rate_chart(&labels(4), &c, &n, &spec(Rate::U, Laney::Off, &[]));
    assert_eq!(one.stages.len(), 1);
    assert_eq!(round(one.points[0].ucl, 5), 15.71584);
}

/// A stage of one point has no moving range: no σz, and its limits stay the plain chart's.
#[test]
fn a_one_point_stage_has_no_sigma_z() {
    let l = rate_chart(&labels(3), &[2.0, 4.0, 10.0], &[1.0; 3], &spec(Rate::U, Laney::On, &[2]));
    assert_eq!(l.stages[1].sigma_z, None);
    assert_eq!(round(l.points[2].ucl, 5), round(10.0 + 3.0 * 10f64.sqrt(), 5));
    assert_eq!(l.sigma_z, l.stages[0].sigma_z);
}
