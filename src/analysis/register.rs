//! The complaint register folded into per-month accumulators as it is read: every figure of a
//! period is the merge of its months, so no complaint is kept in memory (issue 16).
//!
//! Counts are integers and weights integer micro-units, so a merge is exact in any order.
//! "First appearance" orders are the least row position (`RowPos`: file, line), which merges
//! by `min`: parts read in parallel, and rows held back by the id check and added after them,
//! give the bytes of a sequential read. Status (closed, open, on time, ages) is judged as of a
//! date that depends on the period: a period's last day, or the cut-off when earlier. The
//! periods containing a month end with it, its quarter or its year, so each month keeps three
//! status tallies, one per kind of period (`Horizon`).
//!
//! What still needs one entry per complaint: with `[complaints] customer`, the repeat rule
//! compares each customer's received days across the whole register (`RepeatRow`, 32 bytes).

use super::months::MonthTable;
use super::promise::PromiseTally;
use crate::ingest::complaints::ComplaintSink;
pub use crate::ingest::complaints::{ComplaintRow, NONE};
use crate::ingest::registers::Symbols;
use crate::ingest::RowPos;
use crate::period::{Date, Period, YearMonth};
use std::collections::BTreeMap;

/// How many oldest open cases the report names.
pub const OLDEST_SHOWN: usize = 10;
/// Weights are summed in millionths.
const MICRO: f64 = 1e6;
/// The kind of period a status is judged for: its months end with the period (a month, its
/// quarter, its year).
pub fn horizon(p: Period) -> usize {
    match p {
        Period::Month(..) => 0,
        Period::Quarter(..) => 1,
        Period::Year(_) => 2,
    }
}

/// Whole-day values (days to close, ages, promises) and how often each occurs: exact, and as
/// small as the number of distinct values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayCounts {
    /// Counts of the values 0 ..= `DENSE - 1`.
    dense: Vec<u64>,
    /// Counts of the other values.
    sparse: BTreeMap<i64, u64>,
    n: u64,
    sum: i128,
}

const DENSE: usize = 1024;

impl DayCounts {
    pub fn add(&mut self, d: i64) {
        self.add_n(d, 1);
    }

    fn add_n(&mut self, d: i64, k: u64) {
        match usize::try_from(d).ok().filter(|i| *i < DENSE) {
            Some(i) => {
                if self.dense.len() <= i {
                    self.dense.resize(i + 1, 0);
                }
                self.dense[i] += k;
            }
            None => *self.sparse.entry(d).or_insert(0) += k,
        }
        self.n += k;
        self.sum += i128::from(d) * i128::from(k);
    }

    pub fn merge(&mut self, o: &DayCounts) {
        for (d, k) in o.iter() {
            self.add_n(d, k);
        }
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// (value, count) ascending, counts above 0.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        let neg = self.sparse.range(..0).map(|(d, k)| (*d, *k));
        let dense = self.dense.iter().enumerate().filter(|(_, k)| **k > 0).map(|(d, k)| (d as i64, *k));
        let high = self.sparse.range(0..).map(|(d, k)| (*d, *k));
        neg.chain(dense).chain(high)
    }

    pub fn min(&self) -> Option<i64> {
        self.iter().next().map(|(d, _)| d)
    }

    pub fn max(&self) -> Option<i64> {
        let high = self.sparse.range(0..).next_back().map(|(d, _)| *d);
        high.or_else(|| self.dense.iter().rposition(|k| *k > 0).map(|d| d as i64))
            .or_else(|| self.sparse.range(..0).next_back().map(|(d, _)| *d))
    }

    /// The mean (the sum is exact).
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64)
    }

    /// How many values satisfy `f`.
    pub fn count(&self, f: impl Fn(i64) -> bool) -> u64 {
        self.iter().filter(|(d, _)| f(*d)).map(|(_, k)| k).sum()
    }

    /// The median as `stats::median` computes it on the values: the middle one, or the mean
    /// of the two middle ones.
    pub fn median(&self) -> Option<f64> {
        let n = self.n;
        if n == 0 {
            return None;
        }
        let at = |i: u64| {
            let mut seen = 0;
            for (d, k) in self.iter() {
                seen += k;
                if i < seen {
                    return d as f64;
                }
            }
            unreachable!("index below the count")
        };
        let upper = at(n / 2);
        if n % 2 == 1 {
            return Some(upper);
        }
        Some((at(n / 2 - 1) + upper) / 2.0)
    }
}

/// An open case, one of the oldest of its month.
#[derive(Debug, Clone)]
pub struct OldCase {
    pub age: i64,
    pub pos: RowPos,
    pub id: String,
    pub received_day: i32,
    pub category: u32,
    pub department: u32,
    pub deadline_day: Option<i32>,
}

/// Closure, timeliness, follow-up and open-case tallies of complaints as of one date.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub closed: u64,
    pub open: u64,
    pub closed_with_deadline: u64,
    pub on_time: u64,
    pub followed_up: u64,
    pub satisfied: u64,
    pub reopened: u64,
    /// Days to close of the closed complaints with a closed date.
    pub days: DayCounts,
    /// Ages of the open complaints received by the as-of date.
    pub ages: DayCounts,
    /// Time to close and open ages against the promise.
    pub promise: PromiseTally,
    /// The oldest open cases: age descending, then row position; at most `OLDEST_SHOWN`.
    pub oldest: Vec<OldCase>,
}

impl Status {
    fn add(&mut self, r: &ComplaintRow, as_of: i32) {
        // A closed date decides; without one, a status that says closed does (it has no date,
        // so it counts whatever the as-of date, and not in days to close).
        let closed = match r.closed_day {
            Some(d) => (d <= as_of).then_some(Some(d)),
            None => r.status_closed.then_some(None),
        };
        match closed {
            Some(closed_day) => {
                self.closed += 1;
                // Reopen rate = reopened / closed: the numerator counts among the closed.
                self.reopened += u64::from(r.reopened);
                if let Some(d) = closed_day {
                    let took = i64::from(d) - i64::from(r.received_day);
                    self.days.add(took);
                    if let Some(dl) = r.deadline_day {
                        self.promise.add_closed(took, i64::from(dl) - i64::from(r.received_day));
                    }
                }
                // On time by the deadline where there is one and a closed date to compare,
                // else by the on-time column.
                let on_time = match (closed_day, r.deadline_day) {
                    (Some(d), Some(dl)) => Some(d <= dl),
                    _ => r.on_time,
                };
                if let Some(ok) = on_time {
                    self.closed_with_deadline += 1;
                    self.on_time += u64::from(ok);
                }
                if let Some(f) = r.followup {
                    self.followed_up += 1;
                    self.satisfied += u64::from(f);
                }
            }
            None => {
                self.open += 1;
                // A case received after the as-of date is not yet open.
                if r.received_day <= as_of {
                    let age = i64::from(as_of) - i64::from(r.received_day);
                    self.ages.add(age);
                    if let Some(dl) = r.deadline_day {
                        self.promise.add_open(age, i64::from(dl) - i64::from(r.received_day));
                    }
                    self.offer_oldest(age, r);
                }
            }
        }
    }

    fn offer_oldest(&mut self, age: i64, r: &ComplaintRow) {
        let key = (std::cmp::Reverse(age), r.pos);
        let at = self.oldest.partition_point(|c| (std::cmp::Reverse(c.age), c.pos) < key);
        if at >= OLDEST_SHOWN {
            return;
        }
        self.oldest.insert(
            at,
            OldCase {
                age,
                pos: r.pos,
                id: r.id.to_string(),
                received_day: r.received_day,
                category: r.keys[0],
                department: r.keys[2],
                deadline_day: r.deadline_day,
            },
        );
        self.oldest.truncate(OLDEST_SHOWN);
    }

    /// Adds the tallies of other complaints judged as of the same date.
    pub fn merge(&mut self, o: &Status) {
        self.closed += o.closed;
        self.open += o.open;
        self.closed_with_deadline += o.closed_with_deadline;
        self.on_time += o.on_time;
        self.followed_up += o.followed_up;
        self.satisfied += o.satisfied;
        self.reopened += o.reopened;
        self.days.merge(&o.days);
        self.ages.merge(&o.ages);
        self.promise.merge(&o.promise);
        self.oldest.extend(o.oldest.iter().cloned());
        self.oldest.sort_by_key(|c| (std::cmp::Reverse(c.age), c.pos));
        self.oldest.truncate(OLDEST_SHOWN);
    }
}

/// Complaints of one value (a symbol) in a month: how many, their summed weight, and the
/// first one's row.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyTally {
    pub count: u64,
    /// Summed weight in millionths (a blank weight counts 0).
    pub micro: i128,
    pub first: RowPos,
}

impl KeyTally {
    fn merge(&mut self, o: &KeyTally) {
        if o.count == 0 {
            return;
        }
        self.first = if self.count == 0 { o.first } else { self.first.min(o.first) };
        self.count += o.count;
        self.micro += o.micro;
    }

    /// The summed weight: whole units exact, the millionths added.
    pub fn weight(&self) -> f64 {
        let (whole, rest) = (self.micro / 1_000_000, self.micro % 1_000_000);
        whole as f64 + rest as f64 / MICRO
    }
}

/// Tallies by symbol (index = symbol id; `count == 0` for a value not seen).
#[derive(Debug, Clone, Default)]
pub struct Tallies(pub Vec<KeyTally>);

impl Tallies {
    fn add(&mut self, k: u32, micro: i128, pos: RowPos) {
        let i = k as usize;
        if self.0.len() <= i {
            self.0.resize(i + 1, KeyTally::default());
        }
        let t = &mut self.0[i];
        if t.count == 0 || pos < t.first {
            t.first = pos;
        }
        t.count += 1;
        t.micro += micro;
    }

    pub fn merge(&mut self, o: &Tallies) {
        if self.0.len() < o.0.len() {
            self.0.resize(o.0.len(), KeyTally::default());
        }
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            a.merge(b);
        }
    }

    pub fn get(&self, k: u32) -> KeyTally {
        self.0.get(k as usize).copied().unwrap_or_default()
    }

    /// The symbols seen, in order of first appearance.
    pub fn order(&self) -> Vec<u32> {
        let mut v: Vec<u32> = (0..self.0.len() as u32).filter(|k| self.0[*k as usize].count > 0).collect();
        v.sort_by_key(|k| self.0[*k as usize].first);
        v
    }

    /// The same tallies under the symbol ids `map` gives, first rows `shift` lines down.
    fn remapped(&self, map: &[u32], shift: u64) -> Tallies {
        let mut out = Tallies::default();
        for (k, t) in self.0.iter().enumerate().filter(|(_, t)| t.count > 0) {
            let i = map[k] as usize;
            if out.0.len() <= i {
                out.0.resize(i + 1, KeyTally::default());
            }
            let mut t = *t;
            t.first.line += shift;
            out.0[i].merge(&t);
        }
        out
    }
}

/// One `[complaints] pareto_by` group in a month: its complaints by category.
#[derive(Debug, Clone)]
pub struct GroupTally {
    /// The group value (a symbol), `None` for a blank cell.
    pub group: Option<u32>,
    pub first: RowPos,
    pub total: u64,
    /// Counts by category symbol.
    pub counts: Vec<u64>,
}

impl GroupTally {
    pub fn count(&self, k: u32) -> u64 {
        self.counts.get(k as usize).copied().unwrap_or(0)
    }
    fn add_n(&mut self, k: u32, n: u64) {
        let i = k as usize;
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += n;
    }
}

/// Adds `g` to `groups` (matched by group value).
pub fn merge_group(groups: &mut Vec<GroupTally>, g: &GroupTally) {
    match groups.iter_mut().find(|x| x.group == g.group) {
        Some(x) => {
            x.first = x.first.min(g.first);
            x.total += g.total;
            for (k, n) in g.counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                x.add_n(k as u32, *n);
            }
        }
        None => groups.push(g.clone()),
    }
}

/// The complaints received in one month.
#[derive(Debug, Clone)]
pub struct MonthAcc {
    pub received: u64,
    /// The first rows (at most `ROWS_KEPT`), by position.
    pub first_rows: Vec<RowPos>,
    /// Category, nature, department, channel.
    pub keys: [Tallies; 4],
    /// Per `pareto` column, in config order (counts and weights).
    pub pareto: Vec<Tallies>,
    pub groups: Vec<GroupTally>,
    /// Status as of the month's end, its quarter's end, its year's end (each the cut-off when
    /// that is earlier), see `horizon`.
    pub status: [Status; 3],
    as_of: [i32; 3],
}

impl MonthAcc {
    fn new(month: i32, pareto_columns: usize, cutoff: Option<Date>) -> Self {
        let ym = YearMonth::from_ordinal(month);
        let ends =
            [Period::Month(ym.year, ym.month), Period::Quarter(ym.year, (ym.month - 1) / 3 + 1), Period::Year(ym.year)]
                .map(|p| {
                    let end = p.last_day();
                    cutoff.map_or(end, |c| c.min(end)).days() as i32
                });
        MonthAcc {
            received: 0,
            first_rows: Vec::new(),
            keys: Default::default(),
            pareto: vec![Tallies::default(); pareto_columns],
            groups: Vec::new(),
            status: Default::default(),
            as_of: ends,
        }
    }

    fn add(&mut self, r: &ComplaintRow) {
        self.received += 1;
        keep_first(&mut self.first_rows, r.pos);
        for (j, &k) in r.keys.iter().enumerate() {
            if k != NONE {
                self.keys[j].add(k, 0, r.pos);
            }
        }
        let micro = r.weight.map_or(0, |w| (w * MICRO).round() as i128);
        for (t, &k) in self.pareto.iter_mut().zip(r.pareto) {
            t.add(k, micro, r.pos);
        }
        let g = match self.groups.iter_mut().position(|g| g.group == r.group) {
            Some(i) => &mut self.groups[i],
            None => {
                self.groups.push(GroupTally { group: r.group, first: r.pos, total: 0, counts: Vec::new() });
                self.groups.last_mut().expect("just pushed")
            }
        };
        g.first = g.first.min(r.pos);
        g.total += 1;
        g.add_n(r.keys[0], 1);
        for (s, as_of) in self.status.iter_mut().zip(self.as_of) {
            s.add(r, as_of);
        }
    }

    /// Adds a later part's month, its symbols mapped by `map` and its lines `shift` down.
    fn merge_from(&mut self, o: MonthAcc, map: &[u32], shift: u64) {
        let sym = |k: u32| if k == NONE { NONE } else { map[k as usize] };
        let at = |mut p: RowPos| {
            p.line += shift;
            p
        };
        self.received += o.received;
        for p in o.first_rows {
            keep_first(&mut self.first_rows, at(p));
        }
        for (a, b) in self.keys.iter_mut().zip(&o.keys) {
            a.merge(&b.remapped(map, shift));
        }
        for (a, b) in self.pareto.iter_mut().zip(&o.pareto) {
            a.merge(&b.remapped(map, shift));
        }
        for g in &o.groups {
            let mut m = GroupTally { group: g.group.map(sym), first: at(g.first), total: g.total, counts: Vec::new() };
            for (k, n) in g.counts.iter().enumerate().filter(|(_, n)| **n > 0) {
                m.add_n(map[k], *n);
            }
            merge_group(&mut self.groups, &m);
        }
        for (a, mut b) in self.status.iter_mut().zip(o.status) {
            for c in &mut b.oldest {
                c.pos = at(c.pos);
                c.category = sym(c.category);
                c.department = sym(c.department);
            }
            a.merge(&b);
        }
    }
}

/// Keeps the `ROWS_KEPT` least positions.
fn keep_first(rows: &mut Vec<RowPos>, pos: RowPos) {
    let kept = super::survey::ROWS_KEPT;
    if rows.len() >= kept && rows.last().is_some_and(|l| *l < pos) {
        return;
    }
    let at = rows.partition_point(|p| *p < pos);
    rows.insert(at, pos);
    rows.truncate(kept);
}

/// A complaint with a customer, for the repeat rule.
#[derive(Debug, Clone, Copy)]
pub struct RepeatRow {
    pub pos: RowPos,
    pub customer: u32,
    pub received_day: i32,
    /// The received month, as `YearMonth::ordinal`.
    pub month: i32,
}

/// The complaint register as per-month accumulators.
#[derive(Debug, Clone)]
pub struct ComplaintAcc {
    pub symbols: Symbols,
    /// Customers as written (trimmed), apart from the other symbols.
    pub customers: Symbols,
    /// By received month (`YearMonth::ordinal`).
    pub months: MonthTable<i32, MonthAcc>,
    /// The complaints with a customer, by position (only with `[complaints] customer`).
    pub repeat_rows: Vec<RepeatRow>,
    pareto_columns: usize,
    cutoff: Option<Date>,
}

impl ComplaintAcc {
    /// An empty register; `cutoff` is `[report] cutoff`.
    pub fn new(pareto_columns: usize, cutoff: Option<Date>) -> Self {
        ComplaintAcc {
            symbols: Symbols::default(),
            customers: Symbols::default(),
            months: MonthTable::default(),
            repeat_rows: Vec::new(),
            pareto_columns,
            cutoff,
        }
    }

    /// Folds one complaint in; rows may come in any order (see the module notes).
    pub fn add(&mut self, r: &ComplaintRow) {
        let month = r.received_month;
        let (pc, cutoff) = (self.pareto_columns, self.cutoff);
        self.months.get_or_insert(month, || MonthAcc::new(month, pc, cutoff)).add(r);
        if let Some(customer) = r.customer {
            // Rows added out of order (held back by the id check) are put in place by
            // `sort_repeat_rows`.
            self.repeat_rows.push(RepeatRow { pos: r.pos, customer, received_day: r.received_day, month });
        }
    }

    /// Puts `repeat_rows` back in input order after rows were added out of order.
    pub fn sort_repeat_rows(&mut self) {
        self.repeat_rows.sort_by_key(|r| r.pos);
    }

    /// Appends a later part of the input, whose lines are `shift` lines down. Its symbols and
    /// customers join these tables in their own order of first appearance, so the merged
    /// tables are those a sequential read builds.
    /// Returns how `later`'s symbols and customers are numbered here.
    pub fn append(&mut self, later: ComplaintAcc, shift: u64) -> (Vec<u32>, Vec<u32>) {
        let map = self.symbol_map(&later.symbols);
        let customers: Vec<u32> = later.customers.names().iter().map(|n| self.customers.intern(n)).collect();
        for (m, month) in later.months {
            let (pc, cutoff) = (self.pareto_columns, self.cutoff);
            self.months.get_or_insert(m, || MonthAcc::new(m, pc, cutoff)).merge_from(month, &map, shift);
        }
        self.repeat_rows.extend(later.repeat_rows.into_iter().map(|mut r| {
            r.pos.line += shift;
            r.customer = customers[r.customer as usize];
            r
        }));
        (map, customers)
    }

    /// Interns `later`'s symbols here: the id each gets.
    pub fn symbol_map(&mut self, later: &Symbols) -> Vec<u32> {
        later.names().iter().map(|n| self.symbols.intern(n)).collect()
    }

    /// The months of `lo ..= hi` (ordinals).
    pub fn range(&self, lo: i32, hi: i32) -> impl Iterator<Item = (&i32, &MonthAcc)> {
        self.months.range(lo, hi)
    }

    /// Complaints received in the months `lo ..= hi`.
    pub fn received(&self, lo: i32, hi: i32) -> u64 {
        self.range(lo, hi).map(|(_, m)| m.received).sum()
    }

    /// The first and last months with a complaint.
    pub fn first_month(&self) -> Option<i32> {
        self.months.keys().next().copied()
    }
    pub fn last_month(&self) -> Option<i32> {
        self.months.keys().next_back().copied()
    }

    /// Tallies of key `j` (0 = category) over the months `lo ..= hi`.
    pub fn keys_over(&self, j: usize, lo: i32, hi: i32) -> Tallies {
        let mut t = Tallies::default();
        for (_, m) in self.range(lo, hi) {
            t.merge(&m.keys[j]);
        }
        t
    }

    /// A symbol's name.
    pub fn name(&self, k: u32) -> String {
        self.symbols.name(k).to_string()
    }
}

impl ComplaintSink for ComplaintAcc {
    fn symbol(&mut self, value: &str) -> u32 {
        self.symbols.intern(value)
    }
    fn customer(&mut self, value: &str) -> u32 {
        self.customers.intern(value)
    }
    fn add(&mut self, row: &ComplaintRow) {
        ComplaintAcc::add(self, row);
    }
    fn append(&mut self, later: Self, shift: u64) -> (Vec<u32>, Vec<u32>) {
        ComplaintAcc::append(self, later, shift)
    }
    fn finish(&mut self) {
        self.sort_repeat_rows();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::median;

    #[test]
    fn day_counts_median_mean_and_max_equal_the_values() {
        for values in [vec![10, 1, 3], vec![10, 1, 5, 3], vec![7, 7, 1, 9, 7, 2], vec![2, 1], vec![5000, 3, -2, 4000]] {
            let mut c = DayCounts::default();
            values.iter().for_each(|v| c.add(*v));
            let mut f: Vec<f64> = values.iter().map(|v| *v as f64).collect();
            assert_eq!(c.median(), median(&mut f), "{values:?}");
            assert_eq!(c.max(), values.iter().copied().max());
            assert_eq!(c.min(), values.iter().copied().min());
            assert_eq!(c.mean(), Some(f.iter().sum::<f64>() / f.len() as f64));
        }
        assert_eq!(DayCounts::default().median(), None);
    }

    fn pos(line: u64) -> RowPos {
        RowPos { file: 0, line }
    }

    fn row(line: u64, received: i32, closed: Option<i32>, category: u32) -> ComplaintRow<'static> {
        ComplaintRow {
            pos: pos(line),
            id: "x",
            received_day: received,
            received_month: Date::from_days(i64::from(received)).unwrap().month_key().ordinal(),
            closed_day: closed,
            deadline_day: None,
            keys: [category, NONE, NONE, NONE],
            pareto: &[],
            weight: Some(0.1),
            followup: None,
            reopened: false,
            status_closed: false,
            on_time: None,
            customer: None,
            group: (line % 3 != 0).then_some((line % 2) as u32),
        }
    }

    #[test]
    fn merged_parts_equal_one_pass_in_any_order() {
        // 2025-01-01 is day 20089; months Jan and Feb, closed dates inside and after them.
        let rows: Vec<ComplaintRow> = (0..40)
            .map(|i| {
                row(i + 2, 20089 + (i as i32 * 7) % 50, (i % 3 != 0).then(|| 20089 + i as i32 * 2), (i % 4) as u32)
            })
            .collect();
        let one = |rows: &[ComplaintRow]| {
            let mut a = ComplaintAcc::new(0, None);
            (0..4).for_each(|k| {
                a.symbols.intern(&k.to_string());
            });
            rows.iter().for_each(|r| a.add(r));
            a
        };
        let whole = one(&rows);
        let mut reversed: Vec<ComplaintRow> = rows.clone();
        reversed.reverse();
        let backwards = one(&reversed);
        for (a, b) in [(&whole, &backwards)] {
            for ((ma, x), (mb, y)) in a.months.iter().zip(&b.months) {
                assert_eq!((ma, x.received, &x.first_rows), (mb, y.received, &y.first_rows));
                assert_eq!(x.keys[0].order(), y.keys[0].order());
                let groups = |m: &MonthAcc| {
                    let mut v: Vec<_> =
                        m.groups.iter().map(|g| (g.group, g.first, g.total, g.counts.clone())).collect();
                    v.sort();
                    v
                };
                assert_eq!(groups(x), groups(y));
                for h in 0..3 {
                    let (s, t) = (&x.status[h], &y.status[h]);
                    assert_eq!((s.closed, s.open, &s.days, &s.ages), (t.closed, t.open, &t.days, &t.ages));
                    let ids = |s: &Status| s.oldest.iter().map(|c| (c.age, c.pos)).collect::<Vec<_>>();
                    assert_eq!(ids(s), ids(t));
                }
            }
        }
        // Two parts, the second's lines counted from its own start.
        let mut first = one(&rows[..25]);
        let later: Vec<ComplaintRow> =
            rows[25..].iter().map(|r| ComplaintRow { pos: pos(r.pos.line - 25), ..*r }).collect();
        first.append(one(&later), 25);
        for (x, y) in whole.months.values().zip(first.months.values()) {
            assert_eq!(x.first_rows, y.first_rows);
            assert_eq!(x.keys[0].order(), y.keys[0].order());
            let firsts = |t: &Tallies| t.0.iter().map(|k| (k.count, k.first, k.micro)).collect::<Vec<_>>();
            assert_eq!(firsts(&x.keys[0]), firsts(&y.keys[0]));
            assert_eq!(x.status[2].days, y.status[2].days);
        }
    }

    #[test]
    fn weights_sum_exactly_in_millionths() {
        // 0.1 + 0.2 in f64 is 0.30000000000000004; in millionths it is 0.3 whatever the order.
        let t = KeyTally { count: 2, micro: 300_000, first: pos(2) };
        assert_eq!(t.weight(), 0.3);
        let big = KeyTally { count: 1, micro: 12_345_678_901_234_000_000, first: pos(2) };
        assert_eq!(big.weight(), 12_345_678_901_234.0);
    }
}
