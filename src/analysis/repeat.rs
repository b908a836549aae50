//! Repeat complaints (METHODS.md): customers with two or more complaints received in the
//! period, and complaints whose customer complained within the previous `repeat_days` days.

use crate::ingest::registers::ComplaintData;
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

/// Which complaints of the register are repeats: sorted by (customer, received day, register
/// position), a complaint is a repeat when the one before it has the same customer and was
/// received at most `days` days earlier (the latest earlier complaint decides).
fn repeats(data: &ComplaintData, days: u32) -> Vec<bool> {
    let n = data.complaints.len();
    let mut order: Vec<usize> = (0..n).filter(|&i| data.complaints[i].customer().is_some()).collect();
    order.sort_by_key(|&i| (data.complaints[i].customer(), data.complaints[i].received_day, i));
    let mut out = vec![false; n];
    for w in order.windows(2) {
        let (a, b) = (&data.complaints[w[0]], &data.complaints[w[1]]);
        if a.customer() == b.customer() && i64::from(b.received_day) - i64::from(a.received_day) <= i64::from(days) {
            out[w[1]] = true;
        }
    }
    out
}

/// The repeat figures of the period's complaints (`in_period`, in input order).
pub fn summarize_repeats(column: &str, days: u32, data: &ComplaintData, in_period: &[usize]) -> RepeatResult {
    let is_repeat = repeats(data, days);
    let mut counts = vec![0u64; data.customers.len()];
    let mut first_seen: Vec<u32> = Vec::new();
    let mut with_customer = 0;
    for &i in in_period {
        if let Some(c) = data.complaints[i].customer() {
            with_customer += 1;
            if counts[c as usize] == 0 {
                first_seen.push(c);
            }
            counts[c as usize] += 1;
        }
    }
    let mut repeaters: Vec<u32> = first_seen.iter().copied().filter(|c| counts[*c as usize] >= 2).collect();
    repeaters.sort_by_key(|c| std::cmp::Reverse(counts[*c as usize])); // stable
    let repeat_complaints = in_period.iter().filter(|&&i| is_repeat[i]).count() as u64;
    let received = in_period.len() as u64;
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
