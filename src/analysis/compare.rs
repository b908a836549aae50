//! Comparative Pareto tables of the category column: one per `[complaints] pareto_by` group on
//! a shared category order (a comparative Pareto chart), and the period against the previous
//! period of the same length.

use super::register::{merge_group, ComplaintAcc, GroupTally, Tallies};
use crate::period::Period;
use serde::Serialize;

/// One category in the shared order, with its count over the whole period.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryTotal {
    /// The category as written (`""` for a blank cell).
    pub category: String,
    pub count: u64,
    pub share: f64,
}

/// One group's column of the comparative Pareto.
#[derive(Debug, Clone, Serialize)]
pub struct GroupColumn {
    /// The group value as written; `null` for complaints whose group cell is blank ("not given").
    pub group: Option<String>,
    pub total: u64,
    /// Counts per category, in the shared order.
    pub counts: Vec<u64>,
    /// Shares of the group's total, in the shared order.
    pub shares: Vec<f64>,
}

/// The comparative Pareto by `[complaints] pareto_by`.
#[derive(Debug, Clone, Serialize)]
pub struct GroupedPareto {
    /// The group column.
    pub column: String,
    /// The category column (`[complaints] category`) the Pareto counts.
    pub category_column: String,
    /// Categories by their count over all groups, descending; ties in order of first
    /// appearance in the period. Every group uses this order.
    pub categories: Vec<CategoryTotal>,
    /// Groups by their total, descending, ties in order of first appearance; the "not given"
    /// group last.
    pub groups: Vec<GroupColumn>,
}

/// Symbols by count descending, ties in order of first appearance (a stable sort).
fn descending(t: &Tallies) -> Vec<u32> {
    let mut v = t.order();
    v.sort_by_key(|k| std::cmp::Reverse(t.get(*k).count));
    v
}

fn share(a: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        a as f64 / total as f64
    }
}

/// The comparative Pareto of the complaints received in the months `lo ..= hi`.
pub fn grouped_pareto(column: &str, category_column: &str, data: &ComplaintAcc, lo: i32, hi: i32) -> GroupedPareto {
    let overall = data.keys_over(0, lo, hi);
    let mut groups: Vec<GroupTally> = Vec::new();
    for (_, m) in data.range(lo, hi) {
        for g in &m.groups {
            merge_group(&mut groups, g);
        }
    }
    let order = descending(&overall);
    let total = data.received(lo, hi);
    let categories = order
        .iter()
        .map(|&k| {
            let n = overall.get(k).count;
            CategoryTotal { category: data.name(k), count: n, share: share(n, total) }
        })
        .collect();
    // Groups in order of first appearance, then by total (stable: ties keep that order); the
    // blank group sorts after every named one.
    groups.sort_by_key(|g| g.first);
    groups.sort_by_key(|g| (g.group.is_none(), std::cmp::Reverse(g.total)));
    let groups = groups
        .into_iter()
        .map(|g| GroupColumn {
            group: g.group.map(|k| data.name(k)),
            total: g.total,
            counts: order.iter().map(|&k| g.count(k)).collect(),
            shares: order.iter().map(|&k| share(g.count(k), g.total)).collect(),
        })
        .collect();
    GroupedPareto { column: column.to_string(), category_column: category_column.to_string(), categories, groups }
}

/// One category of the period-on-period comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub category: String,
    pub previous: u64,
    /// Share of the previous period's complaints (`null` when it had none).
    pub previous_share: Option<f64>,
    pub count: u64,
    pub share: Option<f64>,
    /// `count − previous`.
    pub change: i64,
}

/// The period's Pareto against the previous period of the same length.
#[derive(Debug, Clone, Serialize)]
pub struct ParetoChange {
    pub previous_period: Period,
    pub previous_received: u64,
    pub received: u64,
    /// Categories by this period's count, descending, then the previous period's count,
    /// descending; ties in order of first appearance (the previous period's complaints first).
    pub rows: Vec<ChangeRow>,
    /// The categories that moved most: the largest absolute changes in count (not 0), at most
    /// `MOVED_SHOWN`, ties in row order.
    pub moved_most: Vec<String>,
}

/// How many categories `moved_most` names.
pub const MOVED_SHOWN: usize = 3;

/// The comparison with the previous period; `None` when the register holds no complaint
/// received before the period (the previous period is not covered).
pub fn pareto_change(data: &ComplaintAcc, period: Period) -> Option<ParetoChange> {
    let (lo, hi) = (period.first_day().month_key().ordinal(), period.last_day().month_key().ordinal());
    if data.first_month()? >= lo {
        return None;
    }
    let previous_period = period.previous();
    let (plo, phi) =
        (previous_period.first_day().month_key().ordinal(), previous_period.last_day().month_key().ordinal());
    let (before, now) = (data.keys_over(0, plo, phi), data.keys_over(0, lo, hi));
    // First appearance: the previous period's complaints first.
    let mut order = before.order();
    order.extend(now.order().into_iter().filter(|k| before.get(*k).count == 0));
    let (b, n) = (|k: u32| before.get(k).count, |k: u32| now.get(k).count);
    order.sort_by_key(|k| (std::cmp::Reverse(n(*k)), std::cmp::Reverse(b(*k))));
    let (pt, nt) = (data.received(plo, phi), data.received(lo, hi));
    let frac = |a: u64, t: u64| (t > 0).then(|| a as f64 / t as f64);
    let rows: Vec<ChangeRow> = order
        .iter()
        .map(|&k| ChangeRow {
            category: data.name(k),
            previous: b(k),
            previous_share: frac(b(k), pt),
            count: n(k),
            share: frac(n(k), nt),
            change: n(k) as i64 - b(k) as i64,
        })
        .collect();
    let mut by_move: Vec<&ChangeRow> = rows.iter().filter(|r| r.change != 0).collect();
    by_move.sort_by_key(|r| std::cmp::Reverse(r.change.unsigned_abs()));
    let moved_most = by_move.iter().take(MOVED_SHOWN).map(|r| r.category.clone()).collect();
    Some(ParetoChange { previous_period, previous_received: pt, received: nt, rows, moved_most })
}
