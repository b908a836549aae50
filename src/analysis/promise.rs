//! Time to close against the promised time: the days-to-close histogram, the share closed
//! within one and two times the promise, open cases past them.

use super::stats::median;
use serde::Serialize;

/// One bar of the days-to-close histogram: closed complaints with `from ≤ days ≤ to`.
#[derive(Debug, Clone, Serialize)]
pub struct DayBin {
    pub from: i64,
    pub to: i64,
    pub count: u64,
}

/// Bin widths in days, the narrowest giving at most `MAX_BINS` bins is used.
const WIDTHS: [i64; 13] = [1, 2, 3, 5, 7, 10, 14, 15, 20, 30, 60, 90, 180];
pub const MAX_BINS: i64 = 20;

/// The histogram of whole days to close: bins of equal width from 0 to the largest value,
/// the width the narrowest of `WIDTHS` (then multiples of 365) giving at most `MAX_BINS` bins.
pub fn close_days_histogram(days: &[f64]) -> Vec<DayBin> {
    let Some(max) = days.iter().map(|d| *d as i64).max() else { return Vec::new() };
    let max = max.max(0);
    let fits = |w: i64| (max / w) < MAX_BINS;
    let width = WIDTHS.iter().copied().find(|w| fits(*w)).unwrap_or_else(|| {
        let years = (max / 365) / MAX_BINS + 1;
        365 * years
    });
    let mut bins: Vec<DayBin> =
        (0..=max / width).map(|k| DayBin { from: k * width, to: k * width + width - 1, count: 0 }).collect();
    for d in days {
        // Days are whole and not negative (a closed date is never before the received date).
        let k = ((*d as i64).max(0) / width) as usize;
        bins[k].count += 1;
    }
    bins
}

/// Closed and open complaints against each one's promised time (deadline − received date).
#[derive(Debug, Clone, Serialize)]
pub struct PromiseResult {
    /// Median, least and largest promised days over the complaints counted below (`null`
    /// when none has a promise); one value when the promise is `deadline_days` alone.
    pub promise_median: Option<f64>,
    pub promise_min: Option<i64>,
    pub promise_max: Option<i64>,
    /// Closed complaints with a closed date and a promise.
    pub closed: u64,
    /// Of them, closed within the promise (days to close ≤ promise), and within twice it.
    pub within: u64,
    pub within_rate: Option<f64>,
    pub within_twice: u64,
    pub within_twice_rate: Option<f64>,
    /// Open complaints (received by the as-of date) with a promise.
    pub open: u64,
    /// Of them, older than the promise (age > promise: overdue), and older than twice it.
    pub open_past: u64,
    pub open_past_rate: Option<f64>,
    pub open_past_twice: u64,
    pub open_past_twice_rate: Option<f64>,
}

/// `closed`: (days to close, promise) of each closed complaint with a closed date and a
/// deadline; `open`: (age at the as-of date, promise) of each open one with a deadline.
pub fn promise_figures(closed: &[(i64, i64)], open: &[(i64, i64)]) -> PromiseResult {
    let rate = |a: u64, b: usize| (b > 0).then(|| a as f64 / b as f64);
    let count = |v: &[(i64, i64)], f: &dyn Fn(i64, i64) -> bool| v.iter().filter(|(d, p)| f(*d, *p)).count() as u64;
    let within = count(closed, &|d, p| d <= p);
    let within_twice = count(closed, &|d, p| d <= 2 * p);
    let open_past = count(open, &|a, p| a > p);
    let open_past_twice = count(open, &|a, p| a > 2 * p);
    let mut promises: Vec<f64> = closed.iter().chain(open).map(|(_, p)| *p as f64).collect();
    let all = closed.iter().chain(open).map(|(_, p)| *p);
    PromiseResult {
        promise_min: all.clone().min(),
        promise_max: all.max(),
        promise_median: median(&mut promises),
        closed: closed.len() as u64,
        within,
        within_rate: rate(within, closed.len()),
        within_twice,
        within_twice_rate: rate(within_twice, closed.len()),
        open: open.len() as u64,
        open_past,
        open_past_rate: rate(open_past, open.len()),
        open_past_twice,
        open_past_twice_rate: rate(open_past_twice, open.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_uses_the_narrowest_width_with_at_most_twenty_bins() {
        let bins = close_days_histogram(&[0.0, 3.0, 3.0, 19.0]);
        assert_eq!(bins.len(), 20);
        assert_eq!((bins[3].from, bins[3].to, bins[3].count), (3, 3, 2));
        let bins = close_days_histogram(&[0.0, 20.0, 41.0]);
        // 41 / 2 = 20 bins would be 21: width 3 → 14 bins
        assert_eq!((bins.len(), bins[0].to, bins[13].from, bins[13].count), (14, 2, 39, 1));
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 3);
        assert!(close_days_histogram(&[]).is_empty());
        let bins = close_days_histogram(&[10000.0]);
        assert_eq!(bins[0].to - bins[0].from + 1, 365 * 2);
    }

    #[test]
    fn shares_within_one_and_two_promises() {
        // promise 5: 5 is within, 6 within twice, 11 beyond twice; open ages 6 (past) and 11
        let r = promise_figures(&[(5, 5), (6, 5), (11, 5), (2, 10)], &[(6, 5), (11, 5), (1, 5)]);
        assert_eq!((r.closed, r.within, r.within_twice), (4, 2, 3));
        assert_eq!((r.open, r.open_past, r.open_past_twice), (3, 2, 1));
        assert_eq!((r.promise_min, r.promise_max, r.promise_median), (Some(5), Some(10), Some(5.0)));
        assert_eq!(r.within_rate, Some(0.5));
    }
}
