//! Control charts (控制图) for complaint counts and rates, and the signal tests 1–4.

use serde::Serialize;

/// One point of a control chart with its own limits (p and u limits vary with n).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlPoint {
    pub label: String,
    pub value: f64,
    pub lcl: f64,
    pub ucl: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChart {
    /// "c", "p" or "u".
    pub kind: &'static str,
    pub center: f64,
    pub points: Vec<ControlPoint>,
    pub signals: Vec<Signal>,
}

/// A signal: which test fired, at which point (0-based, the point completing the run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub test: u8,
    pub index: usize,
    pub label: String,
}

/// c chart: counts per period; centre c̄, limits c̄ ± 3√c̄, lower limit floored at 0.
pub fn c_chart(labels: &[String], counts: &[f64]) -> ControlChart {
    let c = if counts.is_empty() { 0.0 } else { counts.iter().sum::<f64>() / counts.len() as f64 };
    let half = 3.0 * c.sqrt();
    let points = labels
        .iter()
        .zip(counts)
        .map(|(l, v)| ControlPoint { label: l.clone(), value: *v, lcl: (c - half).max(0.0), ucl: c + half })
        .collect();
    finish("c", c, points)
}

/// p chart: proportion x/n per period; p̄ = Σx/Σn, limits p̄ ± 3√(p̄(1−p̄)/nᵢ) clipped to [0, 1].
/// Periods with n = 0 are left out by the caller.
pub fn p_chart(labels: &[String], x: &[f64], n: &[f64]) -> ControlChart {
    let (sx, sn): (f64, f64) = (x.iter().sum(), n.iter().sum());
    let p = if sn > 0.0 { sx / sn } else { 0.0 };
    let points = labels
        .iter()
        .zip(x.iter().zip(n))
        .map(|(l, (xi, ni))| {
            let half = 3.0 * (p * (1.0 - p) / ni).sqrt();
            ControlPoint { label: l.clone(), value: xi / ni, lcl: (p - half).max(0.0), ucl: (p + half).min(1.0) }
        })
        .collect();
    finish("p", p, points)
}

/// u chart: rate c/n per period (n in units, e.g. thousands of orders); ū = Σc/Σn,
/// limits ū ± 3√(ū/nᵢ), floored at 0.
pub fn u_chart(labels: &[String], c: &[f64], n: &[f64]) -> ControlChart {
    let (sc, sn): (f64, f64) = (c.iter().sum(), n.iter().sum());
    let u = if sn > 0.0 { sc / sn } else { 0.0 };
    let points = labels
        .iter()
        .zip(c.iter().zip(n))
        .map(|(l, (ci, ni))| {
            let half = 3.0 * (u / ni).sqrt();
            ControlPoint { label: l.clone(), value: ci / ni, lcl: (u - half).max(0.0), ucl: u + half }
        })
        .collect();
    finish("u", u, points)
}

fn finish(kind: &'static str, center: f64, points: Vec<ControlPoint>) -> ControlChart {
    let signals = signals(center, &points);
    ControlChart { kind, center, points, signals }
}

/// Tests 1–4: beyond a limit; 9 in a row on one side of the centre; 6 in a row rising or
/// falling; 14 in a row alternating up and down. Each run is reported once, at the point
/// where it first reaches the required length.
pub fn signals(center: f64, points: &[ControlPoint]) -> Vec<Signal> {
    let mut out = Vec::new();
    let mut push = |test: u8, i: usize| out.push(Signal { test, index: i, label: points[i].label.clone() });
    let (mut side_run, mut side) = (0usize, 0i8);
    let (mut trend_run, mut trend) = (1usize, 0i8);
    let mut alt_run = 1usize;
    let mut last_dir = 0i8;
    for (i, p) in points.iter().enumerate() {
        if p.value > p.ucl || p.value < p.lcl {
            push(1, i);
        }
        let s = if p.value > center {
            1
        } else if p.value < center {
            -1
        } else {
            0
        };
        if s != 0 && s == side {
            side_run += 1;
        } else {
            side = s;
            side_run = usize::from(s != 0);
        }
        if side_run == 9 {
            push(2, i);
        }
        if i > 0 {
            let prev = points[i - 1].value;
            let dir = if p.value > prev {
                1
            } else if p.value < prev {
                -1
            } else {
                0
            };
            if dir != 0 && dir == trend {
                trend_run += 1;
            } else {
                trend = dir;
                trend_run = if dir != 0 { 2 } else { 1 };
            }
            if trend_run == 6 {
                push(3, i);
            }
            if dir != 0 && last_dir != 0 && dir == -last_dir {
                alt_run += 1;
            } else {
                alt_run = if dir != 0 { 2 } else { 1 };
            }
            if alt_run == 14 {
                push(4, i);
            }
            last_dir = dir;
        }
    }
    out.sort_by_key(|s| (s.index, s.test));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("m{i}")).collect()
    }

    fn r4(v: f64) -> f64 {
        (v * 10000.0).round() / 10000.0
    }

    #[test]
    fn c_chart_limits_floor_at_zero() {
        let ch = c_chart(&labels(4), &[2.0, 4.0, 6.0, 4.0]);
        assert_eq!(ch.center, 4.0);
        assert_eq!(ch.points[0].lcl, 0.0);
        assert_eq!(ch.points[0].ucl, 10.0);
    }

    #[test]
    fn p_chart_methods_vector() {
        let ch = p_chart(&labels(3), &[2.0, 5.0, 9.0], &[20.0, 50.0, 80.0]);
        assert_eq!(r4(ch.center), 0.1067);
        let lcl: Vec<f64> = ch.points.iter().map(|p| r4(p.lcl)).collect();
        let ucl: Vec<f64> = ch.points.iter().map(|p| (p.ucl * 1000.0).round() / 1000.0).collect();
        assert_eq!(lcl, vec![0.0, 0.0, 0.0031]);
        assert_eq!(ucl, vec![0.314, 0.238, 0.210]);
    }

    #[test]
    fn u_chart_methods_vector() {
        let ch = u_chart(&labels(3), &[12.0, 30.0, 9.0], &[8.0, 15.0, 6.0]);
        assert_eq!((ch.center * 1000.0).round() / 1000.0, 1.759);
        let lim: Vec<(f64, f64)> =
            ch.points.iter().map(|p| ((p.lcl * 1000.0).round() / 1000.0, (p.ucl * 1000.0).round() / 1000.0)).collect();
        assert_eq!(lim, vec![(0.352, 3.165), (0.731, 2.786), (0.134, 3.383)]);
    }

    fn pts(values: &[f64], lcl: f64, ucl: f64) -> Vec<ControlPoint> {
        values.iter().enumerate().map(|(i, v)| ControlPoint { label: format!("{i}"), value: *v, lcl, ucl }).collect()
    }

    fn fired(center: f64, values: &[f64]) -> Vec<(u8, usize)> {
        signals(center, &pts(values, 0.0, 100.0)).into_iter().map(|s| (s.test, s.index)).collect()
    }

    #[test]
    fn test1_strictly_beyond_a_limit() {
        let s = signals(5.0, &pts(&[5.0, 10.0, 10.1, -0.1], 0.0, 10.0));
        assert_eq!(s.iter().map(|s| (s.test, s.index)).collect::<Vec<_>>(), vec![(1, 2), (1, 3)]);
    }

    #[test]
    fn test2_nine_on_one_side() {
        let eight = [6.0, 7.0, 6.0, 7.0, 6.0, 7.0, 6.0, 7.0];
        assert!(fired(5.0, &eight).iter().all(|(t, _)| *t != 2));
        let mut nine = eight.to_vec();
        nine.push(6.0);
        assert!(fired(5.0, &nine).contains(&(2, 8)));
        // a point on the centre breaks the run
        let broken = [6.0, 7.0, 6.0, 7.0, 5.0, 7.0, 6.0, 7.0, 6.0];
        assert!(fired(5.0, &broken).iter().all(|(t, _)| *t != 2));
    }

    #[test]
    fn test3_six_rising() {
        assert!(fired(50.0, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).contains(&(3, 5)));
        assert!(fired(50.0, &[1.0, 2.0, 3.0, 4.0, 5.0]).iter().all(|(t, _)| *t != 3));
        assert!(fired(50.0, &[6.0, 5.0, 4.0, 3.0, 2.0, 1.0]).contains(&(3, 5)));
        assert!(fired(50.0, &[1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0]).iter().all(|(t, _)| *t != 3), "a tie breaks the run");
    }

    #[test]
    fn test4_fourteen_alternating() {
        let alt: Vec<f64> = (0..14).map(|i| if i % 2 == 0 { 40.0 } else { 60.0 }).collect();
        assert!(fired(50.0, &alt).contains(&(4, 13)));
        assert!(fired(50.0, &alt[..13]).iter().all(|(t, _)| *t != 4));
    }
}
