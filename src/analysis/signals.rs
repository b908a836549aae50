//! The signal tests (run rules) of a control chart, 1–8 as METHODS.md defines them. Each point
//! is judged against its own centre and sigma, so zones follow varying limits; runs are counted
//! within a stage and never across a stage start.

use super::control::ControlPoint;
use serde::Serialize;

/// A signal: which test fired, at which point (0-based, the point completing the run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub test: u8,
    pub index: usize,
    pub label: String,
}

/// The tests in `tests` over `points`, stage by stage (`starts` = each stage's first index;
/// 0 is implied). Sorted by point, then test.
///
/// 1. a point strictly beyond a limit (every such point);
/// 2. 9 in a row on one side of the centre;
/// 3. 6 in a row rising or falling (a tie breaks the run);
/// 4. 14 in a row alternating up and down;
/// 5. 2 of 3 in a row beyond 2σ on one side: a point beyond 2σ with another of the two
///    before it beyond 2σ on the same side;
/// 6. 4 of 5 in a row beyond 1σ on one side: a point beyond 1σ with at least three of the
///    four before it beyond 1σ on the same side;
/// 7. 15 in a row within 1σ (either side, strictly inside);
/// 8. 8 in a row beyond 1σ (either side, strictly beyond).
///
/// A run is reported once, at the point where it first reaches the required length; for
/// tests 5 and 6, a point that fires is not reported again when the same test fired on the
/// same side within its window before it (2 points for test 5, 4 for test 6).
pub fn signals(points: &[ControlPoint], starts: &[usize], tests: &[u8]) -> Vec<Signal> {
    let mut bounds: Vec<usize> = starts.iter().copied().filter(|i| *i < points.len()).collect();
    bounds.push(0);
    bounds.push(points.len());
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        for (test, i) in stage_signals(&points[w[0]..w[1]], tests) {
            let index = w[0] + i;
            out.push(Signal { test, index, label: points[index].label.clone() });
        }
    }
    out.sort_by_key(|s| (s.index, s.test));
    out
}

/// The side of a point beyond `k` sigma from its centre: 1 above, −1 below, 0 within.
fn zone(p: &ControlPoint, k: f64) -> i8 {
    let d = p.value - p.center;
    if d > k * p.sigma {
        1
    } else if d < -k * p.sigma {
        -1
    } else {
        0
    }
}

fn sign(d: f64) -> i8 {
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}

/// (test, index within the stage) of every signal of one stage.
fn stage_signals(points: &[ControlPoint], tests: &[u8]) -> Vec<(u8, usize)> {
    let on = |t: u8| tests.contains(&t);
    let mut out = Vec::new();
    let (mut side_run, mut side) = (0usize, 0i8);
    let (mut trend_run, mut trend) = (1usize, 0i8);
    let mut alt_run = 1usize;
    let mut last_dir = 0i8;
    let (mut within_run, mut beyond_run) = (0usize, 0usize);
    // The side each point fired test 5 / 6 on (0: did not fire).
    let (mut fired5, mut fired6) = (vec![0i8; points.len()], vec![0i8; points.len()]);
    for (i, p) in points.iter().enumerate() {
        if on(1) && (p.value > p.ucl || p.value < p.lcl) {
            out.push((1, i));
        }
        let s = sign(p.value - p.center);
        if s != 0 && s == side {
            side_run += 1;
        } else {
            side = s;
            side_run = usize::from(s != 0);
        }
        if on(2) && side_run == 9 {
            out.push((2, i));
        }
        if i > 0 {
            let dir = sign(p.value - points[i - 1].value);
            if dir != 0 && dir == trend {
                trend_run += 1;
            } else {
                trend = dir;
                trend_run = if dir != 0 { 2 } else { 1 };
            }
            if on(3) && trend_run == 6 {
                out.push((3, i));
            }
            if dir != 0 && last_dir != 0 && dir == -last_dir {
                alt_run += 1;
            } else {
                alt_run = if dir != 0 { 2 } else { 1 };
            }
            if on(4) && alt_run == 14 {
                out.push((4, i));
            }
            last_dir = dir;
        }
        for (test, k, window, need, fired) in [(5u8, 2.0, 2usize, 2usize, &mut fired5), (6, 1.0, 4, 4, &mut fired6)] {
            let z = zone(p, k);
            let before = i.saturating_sub(window)..i;
            if z == 0 || 1 + before.clone().filter(|j| zone(&points[*j], k) == z).count() < need {
                continue;
            }
            fired[i] = z;
            if on(test) && !before.clone().any(|j| fired[j] == z) {
                out.push((test, i));
            }
        }
        let d = (p.value - p.center).abs();
        within_run = if d < p.sigma { within_run + 1 } else { 0 };
        if on(7) && within_run == 15 {
            out.push((7, i));
        }
        beyond_run = if d > p.sigma { beyond_run + 1 } else { 0 };
        if on(8) && beyond_run == 8 {
            out.push((8, i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points around centre 0 with σ = 1 (limits ±3), or with their own σ.
    fn pts(values: &[f64]) -> Vec<ControlPoint> {
        pts_sigma(&values.iter().map(|v| (*v, 1.0)).collect::<Vec<_>>())
    }

    fn pts_sigma(values: &[(f64, f64)]) -> Vec<ControlPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, (v, s))| ControlPoint {
                label: format!("m{i}"),
                value: *v,
                lcl: -3.0 * s,
                ucl: 3.0 * s,
                center: 0.0,
                sigma: *s,
                stage: 0,
            })
            .collect()
    }

    fn fired(values: &[f64], test: u8) -> Vec<usize> {
        signals(&pts(values), &[0], &[test]).into_iter().map(|s| s.index).collect()
    }

    fn all(values: &[f64]) -> Vec<(u8, usize)> {
        signals(&pts(values), &[0], &[1, 2, 3, 4, 5, 6, 7, 8]).into_iter().map(|s| (s.test, s.index)).collect()
    }

    #[test]
    fn test1_strictly_beyond_a_limit() {
        assert_eq!(fired(&[0.0, 3.0, 3.1, -3.1], 1), vec![2, 3]);
    }

    #[test]
    fn test2_nine_on_one_side() {
        let eight = [0.5, 1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 1.0];
        assert!(fired(&eight, 2).is_empty());
        let mut nine = eight.to_vec();
        nine.push(0.5);
        assert_eq!(fired(&nine, 2), vec![8]);
        // a point on the centre breaks the run
        let broken = [0.5, 1.0, 0.5, 1.0, 0.0, 1.0, 0.5, 1.0, 0.5];
        assert!(fired(&broken, 2).is_empty());
    }

    #[test]
    fn test3_six_rising() {
        let up = [-2.5, -2.0, -1.5, -1.0, -0.5, 0.0];
        assert_eq!(fired(&up, 3), vec![5]);
        assert!(fired(&up[..5], 3).is_empty());
        let down: Vec<f64> = up.iter().rev().copied().collect();
        assert_eq!(fired(&down, 3), vec![5]);
        assert!(fired(&[-2.5, -2.0, -1.5, -1.5, -1.0, -0.5, 0.0], 3).is_empty(), "a tie breaks the run");
    }

    #[test]
    fn test4_fourteen_alternating() {
        let alt: Vec<f64> = (0..14).map(|i| if i % 2 == 0 { -0.5 } else { 0.5 }).collect();
        assert_eq!(fired(&alt, 4), vec![13]);
        assert!(fired(&alt[..13], 4).is_empty());
    }

    /// Test 5 by hand (σ = 1, so 2σ = 2): 2.1, 0.5, 2.2 → points 0 and 2 beyond +2σ within
    /// three in a row: fires at 2. 2.1, 0.5, 0.5, 2.2 → the beyond points are four apart: no.
    /// 2.1, 0.5, −2.2: opposite sides: no. Exactly 2.0 is not beyond.
    #[test]
    fn test5_two_of_three_beyond_two_sigma() {
        assert_eq!(fired(&[2.1, 0.5, 2.2], 5), vec![2]);
        assert!(fired(&[2.1, 0.5, 0.5, 2.2], 5).is_empty());
        assert!(fired(&[2.1, 0.5, -2.2], 5).is_empty());
        assert!(fired(&[2.0, 2.1, 0.5], 5).is_empty());
        assert_eq!(fired(&[-2.5, -2.1], 5), vec![1], "two in a row at the start");
        // One run, reported once: 2.1, 2.2, 2.3 fire at 1 and 2, reported at 1.
        assert_eq!(fired(&[2.1, 2.2, 2.3], 5), vec![1]);
    }

    /// Test 6 by hand (1σ = 1): 1.1, 1.2, 0.5, 1.3, 1.4 → four of five beyond +1σ, the fifth
    /// completing them: fires at 4. 1.1, 1.2, 0.5, 1.3, 0.5 → only three: no. With the last
    /// below −1σ: not on one side: no.
    #[test]
    fn test6_four_of_five_beyond_one_sigma() {
        assert_eq!(fired(&[1.1, 1.2, 0.5, 1.3, 1.4], 6), vec![4]);
        assert!(fired(&[1.1, 1.2, 0.5, 1.3, 0.5], 6).is_empty());
        assert!(fired(&[1.1, 1.2, 0.5, 1.3, -1.4], 6).is_empty());
        assert!(fired(&[1.1, 0.5, 0.5, 1.3, 1.4, 1.2], 6).is_empty(), "1.1 has left the window of five");
    }

    /// Test 7 by hand: fifteen points at ±0.5 (inside ±1σ) fire at the 15th; fourteen do not,
    /// nor fifteen with one exactly at 1σ.
    #[test]
    fn test7_fifteen_within_one_sigma() {
        let v: Vec<f64> = (0..15).map(|i| if i % 3 == 0 { -0.5 } else { 0.5 }).collect();
        assert_eq!(fired(&v, 7), vec![14]);
        assert!(fired(&v[..14], 7).is_empty());
        let mut edge = v.clone();
        edge[7] = 1.0;
        assert!(fired(&edge, 7).is_empty());
    }

    /// Test 8 by hand: eight points alternating ±1.5 (beyond 1σ, both sides) fire at the 8th;
    /// seven do not, nor eight with one at 0.9.
    #[test]
    fn test8_eight_beyond_one_sigma_either_side() {
        let v: Vec<f64> = (0..8).map(|i| if i % 2 == 0 { -1.5 } else { 1.5 }).collect();
        assert_eq!(fired(&v, 8), vec![7]);
        assert!(fired(&v[..7], 8).is_empty());
        let mut near = v.clone();
        near[3] = 0.9;
        assert!(fired(&near, 8).is_empty());
    }

    /// Zones follow each point's own σ: 1.5 is beyond 2σ where σ = 0.7 (2σ = 1.4) but not where
    /// σ = 1; the same values fire test 5 only with the narrower sigmas.
    #[test]
    fn zones_follow_each_points_sigma() {
        let narrow = pts_sigma(&[(1.5, 0.7), (0.0, 0.7), (1.5, 0.7)]);
        let wide = pts_sigma(&[(1.5, 1.0), (0.0, 1.0), (1.5, 1.0)]);
        assert_eq!(signals(&narrow, &[0], &[5]).len(), 1);
        assert!(signals(&wide, &[0], &[5]).is_empty());
    }

    #[test]
    fn only_the_selected_tests_run_and_runs_stop_at_a_stage_start() {
        let nine = [0.5; 9];
        assert_eq!(all(&nine).iter().filter(|(t, _)| *t == 2).count(), 1);
        assert!(signals(&pts(&nine), &[0], &[1, 3]).is_empty());
        // A stage starting at point 4 splits the nine into runs of four and five.
        assert!(signals(&pts(&nine), &[4], &[2]).is_empty());
    }
}
