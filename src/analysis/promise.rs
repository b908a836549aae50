//! Time to close against the promised time: the days-to-close histogram, the share closed
//! within one and two times the promise, open cases past them.

use super::register::DayCounts;
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
pub fn close_days_histogram(days: &DayCounts) -> Vec<DayBin> {
    let Some(max) = days.max() else { return Vec::new() };
    let max = max.max(0);
    let fits = |w: i64| (max / w) < MAX_BINS;
    let width = WIDTHS.iter().copied().find(|w| fits(*w)).unwrap_or_else(|| {
        let years = (max / 365) / MAX_BINS + 1;
        365 * years
    });
    let mut bins: Vec<DayBin> =
        (0..=max / width).map(|k| DayBin { from: k * width, to: k * width + width - 1, count: 0 }).collect();
    for (d, n) in days.iter() {
        // Days are whole and not negative (a closed date is never before the received date).
        let k = (d.max(0) / width) as usize;
        bins[k].count += n;
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

/// Closed complaints' days to close and open ones' ages against their promise (deadline −
/// received), as counts: exact, and merged in any order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromiseTally {
    closed: u64,
    within: u64,
    within_twice: u64,
    open: u64,
    open_past: u64,
    open_past_twice: u64,
    /// The promises of every complaint counted.
    promises: DayCounts,
}

impl PromiseTally {
    /// A closed complaint with a closed date: `days` to close, promised `promise` days.
    pub fn add_closed(&mut self, days: i64, promise: i64) {
        self.closed += 1;
        self.within += u64::from(days <= promise);
        self.within_twice += u64::from(days <= 2 * promise);
        self.promises.add(promise);
    }

    /// An open complaint `age` days old at the as-of date.
    pub fn add_open(&mut self, age: i64, promise: i64) {
        self.open += 1;
        self.open_past += u64::from(age > promise);
        self.open_past_twice += u64::from(age > 2 * promise);
        self.promises.add(promise);
    }

    pub fn merge(&mut self, o: &PromiseTally) {
        self.closed += o.closed;
        self.within += o.within;
        self.within_twice += o.within_twice;
        self.open += o.open;
        self.open_past += o.open_past;
        self.open_past_twice += o.open_past_twice;
        self.promises.merge(&o.promises);
    }

    pub fn figures(&self) -> PromiseResult {
        let rate = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        PromiseResult {
            promise_min: self.promises.min(),
            promise_max: self.promises.max(),
            promise_median: self.promises.median(),
            closed: self.closed,
            within: self.within,
            within_rate: rate(self.within, self.closed),
            within_twice: self.within_twice,
            within_twice_rate: rate(self.within_twice, self.closed),
            open: self.open,
            open_past: self.open_past,
            open_past_rate: rate(self.open_past, self.open),
            open_past_twice: self.open_past_twice,
            open_past_twice_rate: rate(self.open_past_twice, self.open),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(days: &[i64]) -> DayCounts {
        let mut c = DayCounts::default();
        days.iter().for_each(|d| c.add(*d));
        c
    }

    #[test]
    fn histogram_uses_the_narrowest_width_with_at_most_twenty_bins() {
        let bins = close_days_histogram(&counts(&[0, 3, 3, 19]));
        assert_eq!(bins.len(), 20);
        assert_eq!((bins[3].from, bins[3].to, bins[3].count), (3, 3, 2));
        let bins = close_days_histogram(&counts(&[0, 20, 41]));
        // 41 / 2 = 20 bins would be 21: width 3 → 14 bins
        assert_eq!((bins.len(), bins[0].to, bins[13].from, bins[13].count), (14, 2, 39, 1));
        assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 3);
        assert!(close_days_histogram(&counts(&[])).is_empty());
        let bins = close_days_histogram(&counts(&[10000]));
        assert_eq!(bins[0].to - bins[0].from + 1, 365 * 2);
    }

    #[test]
    fn shares_within_one_and_two_promises() {
        // promise 5: 5 is within, 6 within twice, 11 beyond twice; open ages 6 (past) and 11
        let mut t = PromiseTally::default();
        [(5, 5), (6, 5), (11, 5), (2, 10)].iter().for_each(|(d, p)| t.add_closed(*d, *p));
        [(6, 5), (11, 5), (1, 5)].iter().for_each(|(a, p)| t.add_open(*a, *p));
        let r = t.figures();
        assert_eq!((r.closed, r.within, r.within_twice), (4, 2, 3));
        assert_eq!((r.open, r.open_past, r.open_past_twice), (3, 2, 1));
        assert_eq!((r.promise_min, r.promise_max, r.promise_median), (Some(5), Some(10), Some(5.0)));
        assert_eq!(r.within_rate, Some(0.5));
    }
}
