//! Comparative Pareto tables of the category column: one per `[complaints] pareto_by` group on
//! a shared category order (a comparative Pareto chart), and the period against the previous
//! period of the same length.

use crate::ingest::registers::ComplaintData;
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

/// Counts per category symbol, remembering the order of first appearance.
struct Counts {
    by_symbol: Vec<u64>,
    order: Vec<u32>,
}

impl Counts {
    fn new(n: usize) -> Self {
        Counts { by_symbol: vec![0; n], order: Vec::new() }
    }
    fn add(&mut self, k: u32) {
        let c = &mut self.by_symbol[k as usize];
        if *c == 0 {
            self.order.push(k);
        }
        *c += 1;
    }
    fn get(&self, k: u32) -> u64 {
        self.by_symbol[k as usize]
    }
    /// Symbols by count descending, ties in order of first appearance (a stable sort).
    fn descending(&self) -> Vec<u32> {
        let mut v = self.order.clone();
        v.sort_by_key(|k| std::cmp::Reverse(self.get(*k)));
        v
    }
}

fn share(a: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        a as f64 / total as f64
    }
}

/// The comparative Pareto of the period's complaints (`in_period`, in input order).
pub fn grouped_pareto(column: &str, category_column: &str, data: &ComplaintData, in_period: &[usize]) -> GroupedPareto {
    let n = data.symbols.len();
    let mut overall = Counts::new(n);
    // Group slots in order of first appearance; the blank group has its own slot.
    let mut slot_of: Vec<Option<usize>> = vec![None; n];
    let mut blank: Option<usize> = None;
    let mut groups: Vec<(Option<u32>, Counts, u64)> = Vec::new();
    for &i in in_period {
        let cat = data.keys[i][0];
        overall.add(cat);
        let g = data.complaints[i].group();
        let slot = match g {
            Some(k) => &mut slot_of[k as usize],
            None => &mut blank,
        };
        let s = *slot.get_or_insert_with(|| {
            groups.push((g, Counts::new(n), 0));
            groups.len() - 1
        });
        groups[s].1.add(cat);
        groups[s].2 += 1;
    }
    let order = overall.descending();
    let total = in_period.len() as u64;
    let categories = order
        .iter()
        .map(|&k| CategoryTotal {
            category: data.symbols.name(k).to_string(),
            count: overall.get(k),
            share: share(overall.get(k), total),
        })
        .collect();
    // Stable: ties keep first appearance; the blank group sorts after every named one.
    groups.sort_by_key(|(g, _, t)| (g.is_none(), std::cmp::Reverse(*t)));
    let groups = groups
        .into_iter()
        .map(|(g, counts, t)| GroupColumn {
            group: g.map(|k| data.symbols.name(k).to_string()),
            total: t,
            counts: order.iter().map(|&k| counts.get(k)).collect(),
            shares: order.iter().map(|&k| share(counts.get(k), t)).collect(),
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
pub fn pareto_change(data: &ComplaintData, period: Period, in_period: &[usize]) -> Option<ParetoChange> {
    let start = period.first_day().month_key().ordinal();
    if !data.months.iter().any(|m| *m < start) {
        return None;
    }
    let previous_period = period.previous();
    let (lo, hi) =
        (previous_period.first_day().month_key().ordinal(), previous_period.last_day().month_key().ordinal());
    let n = data.symbols.len();
    let (mut before, mut now, mut seen) = (Counts::new(n), Counts::new(n), Counts::new(n));
    for (i, m) in data.months.iter().enumerate() {
        if (lo..=hi).contains(m) {
            before.add(data.keys[i][0]);
            seen.add(data.keys[i][0]);
        }
    }
    for &i in in_period {
        now.add(data.keys[i][0]);
        seen.add(data.keys[i][0]);
    }
    let mut order = seen.order.clone();
    order.sort_by_key(|k| (std::cmp::Reverse(now.get(*k)), std::cmp::Reverse(before.get(*k))));
    let (pt, nt) = (before.order.iter().map(|k| before.get(*k)).sum::<u64>(), in_period.len() as u64);
    let frac = |a: u64, t: u64| (t > 0).then(|| a as f64 / t as f64);
    let rows: Vec<ChangeRow> = order
        .iter()
        .map(|&k| ChangeRow {
            category: data.symbols.name(k).to_string(),
            previous: before.get(k),
            previous_share: frac(before.get(k), pt),
            count: now.get(k),
            share: frac(now.get(k), nt),
            change: now.get(k) as i64 - before.get(k) as i64,
        })
        .collect();
    let mut by_move: Vec<&ChangeRow> = rows.iter().filter(|r| r.change != 0).collect();
    by_move.sort_by_key(|r| std::cmp::Reverse(r.change.unsigned_abs()));
    let moved_most = by_move.iter().take(MOVED_SHOWN).map(|r| r.category.clone()).collect();
    Some(ParetoChange { previous_period, previous_received: pt, received: nt, rows, moved_most })
}
