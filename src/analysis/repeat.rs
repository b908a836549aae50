//! Repeat complaints (METHODS.md): customers with two or more complaints received in the
//! period, and complaints whose customer complained within the previous `repeat_days` days.

use super::register::{ComplaintAcc, RepeatRow};
use serde::Serialize;

/// How many repeat complainants the report lists.
pub const REPEATERS_SHOWN: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct Repeater {
    /// The customer as written (trimmed).
    pub customer: String,
    /// Complaints received in the period.
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RepeatResult {
    /// The customer column.
    pub column: String,
    pub repeat_days: u32,
    /// The period's complaints with a customer (a blank customer cell counts in none of the
    /// figures below, except as received in the rate's denominator).
    pub with_customer: u64,
    /// Distinct customers among them.
    pub customers: u64,
    /// Customers with two or more complaints received in the period.
    pub repeat_customers: u64,
    /// The repeat customers with most complaints (at most `REPEATERS_SHOWN`), by count
    /// descending, ties in order of first appearance in the period.
    pub top: Vec<Repeater>,
    /// Complaints received in the period whose customer had another complaint received on
    /// the same day (earlier in the register) or up to `repeat_days` days before, the period's
    /// start notwithstanding.
    pub repeat_complaints: u64,
    /// `repeat_complaints / received` (`null` when nothing was received).
    pub repeat_rate: Option<f64>,
}

/// Which complaints with a customer are repeats (`rows` in input order): sorted by (customer,
/// received day, register position), a complaint is a repeat when the one before it has the
/// same customer and was received at most `days` days earlier (the latest earlier complaint
/// decides).
fn repeats(rows: &[RepeatRow], days: u32) -> Vec<bool> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (rows[i].customer, rows[i].received_day, i));
    let mut out = vec![false; rows.len()];
    for w in order.windows(2) {
        let (a, b) = (&rows[w[0]], &rows[w[1]]);
        if a.customer == b.customer && i64::from(b.received_day) - i64::from(a.received_day) <= i64::from(days) {
            out[w[1]] = true;
        }
    }
    out
}

/// The repeat figures of the complaints received in the months `lo ..= hi`.
pub fn summarize_repeats(column: &str, days: u32, data: &ComplaintAcc, lo: i32, hi: i32) -> RepeatResult {
    let rows = &data.repeat_rows;
    let is_repeat = repeats(rows, days);
    let mut counts = vec![0u64; data.customers.len()];
    let mut first_seen: Vec<u32> = Vec::new();
    let mut with_customer = 0;
    let mut repeat_complaints = 0;
    for (r, repeat) in rows.iter().zip(&is_repeat).filter(|(r, _)| (lo..=hi).contains(&r.month)) {
        let c = r.customer;
        with_customer += 1;
        repeat_complaints += u64::from(*repeat);
        if counts[c as usize] == 0 {
            first_seen.push(c);
        }
        counts[c as usize] += 1;
    }
    let mut repeaters: Vec<u32> = first_seen.iter().copied().filter(|c| counts[*c as usize] >= 2).collect();
    repeaters.sort_by_key(|c| std::cmp::Reverse(counts[*c as usize])); // stable
    let received = data.received(lo, hi);
    RepeatResult {
        column: column.to_string(),
        repeat_days: days,
        with_customer,
        customers: first_seen.len() as u64,
        repeat_customers: repeaters.len() as u64,
        top: repeaters
            .iter()
            .take(REPEATERS_SHOWN)
            .map(|&c| Repeater { customer: data.customers.name(c).to_string(), count: counts[c as usize] })
            .collect(),
        repeat_complaints,
        repeat_rate: (received > 0).then(|| repeat_complaints as f64 / received as f64),
    }
}
