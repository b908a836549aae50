//! Complaint figures for a period: closure, timeliness, follow-up, breakdowns, Pareto,
//! control charts; and the action register's status.

use super::control::{c_chart, p_chart, u_chart, ControlChart};
use super::pareto::{compute_pareto, OtherRule, ParetoRow};
use super::stats::median;
use crate::config::{ComplaintsConfig, RateChart};
use crate::ingest::registers::{Action, Complaint, ComplaintData};
use crate::period::{Date, Period, YearMonth};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    /// Which field: category, nature, department, channel.
    pub field: &'static str,
    /// The column name in the register.
    pub column: String,
    pub rows: Vec<ParetoRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenCase {
    pub id: String,
    pub received: Date,
    /// The category as written; `""` when the cell was blank.
    pub category: String,
    pub department: Option<String>,
    pub age_days: i64,
    pub overdue: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgeBucket {
    /// Upper bound in days (inclusive); `null` for the last, open-ended bucket.
    pub max_days: Option<i64>,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    pub month: YearMonth,
    pub count: u64,
    pub volume: Option<f64>,
}

/// Every complaint figure of one period; rates are fractions, `null` when undefined.
#[derive(Debug, Clone, Serialize)]
pub struct ComplaintResult {
    pub period: Period,
    /// Status is judged as of this date (the cut-off, or the period's last day).
    pub as_of: Date,
    pub received: u64,
    pub closed: u64,
    pub open: u64,
    pub closure_rate: Option<f64>,
    pub closure_target: f64,
    pub closure_met: Option<bool>,
    /// Closed cases that had a deadline, and those closed by it.
    pub closed_with_deadline: u64,
    pub on_time: u64,
    pub on_time_rate: Option<f64>,
    pub days_to_close_mean: Option<f64>,
    pub days_to_close_median: Option<f64>,
    pub open_age_mean: Option<f64>,
    pub open_age_max: Option<i64>,
    pub open_ages: Vec<AgeBucket>,
    pub oldest_open: Vec<OpenCase>,
    pub reopened: u64,
    pub reopen_rate: Option<f64>,
    pub followed_up: u64,
    pub followup_coverage: Option<f64>,
    pub followup_satisfied: u64,
    pub followup_satisfaction: Option<f64>,
    pub breakdowns: Vec<Breakdown>,
    pub months: Vec<MonthCount>,
    /// Pareto by count per configured column: `{"<column>": [{category, count, share, cumulative, vital}]}`.
    pub pareto: BTreeMap<String, Vec<ParetoRow>>,
    /// Pareto by the weight column, when one is configured.
    pub pareto_weighted: BTreeMap<String, Vec<ParetoRow>>,
    pub weight_column: Option<String>,
    pub vital_share: f64,
    pub control: Option<ControlChart>,
    pub rate_chart: Option<ControlChart>,
    /// Complaints per `rate_per` units over the months with a volume.
    pub complaint_rate: Option<f64>,
    pub rate_per: Option<f64>,
}

const OLDEST_SHOWN: usize = 10;

/// Totals per symbol, remembering the order in which symbols first appeared.
struct Tally {
    sums: Vec<f64>,
    seen: Vec<bool>,
    order: Vec<u32>,
}

impl Tally {
    fn new(n: usize) -> Self {
        Tally { sums: vec![0.0; n], seen: vec![false; n], order: Vec::new() }
    }
    fn add(&mut self, k: u32, amount: f64) {
        let i = k as usize;
        if !self.seen[i] {
            self.seen[i] = true;
            self.order.push(k);
        }
        self.sums[i] += amount;
    }
}
const AGE_BUCKETS: [Option<i64>; 4] = [Some(7), Some(30), Some(90), None];

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Months shown on the control charts: a year's own months; for a quarter or month, the
/// twelve months ending with it. Months after `last` (the cut-off's month, or the register's
/// latest month when there is no cut-off) are left out.
fn chart_months(period: Period, last: YearMonth) -> Vec<YearMonth> {
    let end = period.last_day().month_key().min(last);
    let start = match period {
        Period::Year(y) => YearMonth { year: y, month: 1 },
        _ => period.last_day().month_key().back(11),
    };
    let mut out = Vec::new();
    let mut m = start;
    while m <= end {
        out.push(m);
        m = m.next();
    }
    out
}

pub fn summarize_complaints(
    cfg: &ComplaintsConfig,
    data: &ComplaintData,
    volumes: Option<&BTreeMap<YearMonth, f64>>,
    period: Period,
    cutoff: Option<Date>,
) -> ComplaintResult {
    let as_of = cutoff.unwrap_or_else(|| period.last_day());
    let sym = |id: u32| -> String { data.symbols.name(id).to_string() };
    let as_of_day = as_of.days() as i32;
    let (lo, hi) = (period.first_day().month_key().ordinal(), period.last_day().month_key().ordinal());
    let in_period_idx: Vec<usize> =
        data.months.iter().enumerate().filter(|(_, m)| (lo..=hi).contains(*m)).map(|(i, _)| i).collect();
    let deadline_of = |c: &Complaint| -> Option<i32> { c.deadline_day };

    // One pass over the period's complaints for the counts; days to close (for the median)
    // and open cases' ages (for the oldest) are kept as numbers.
    let received = in_period_idx.len() as u64;
    let (mut n_closed, mut closed_with_deadline, mut on_time, mut followed_up, mut satisfied, mut reopened) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    let mut open_count = 0u64;
    let mut days: Vec<f64> = Vec::new();
    // Open cases and their ages at the as-of date (a case received after it is not yet open).
    let mut open: Vec<(i64, &Complaint)> = Vec::new();
    for &i in &in_period_idx {
        let c = &data.complaints[i];
        reopened += u64::from(c.reopened);
        match c.closed_day.filter(|d| *d <= as_of_day) {
            Some(closed_day) => {
                n_closed += 1;
                days.push(f64::from(closed_day - c.received_day));
                if let Some(dl) = deadline_of(c) {
                    closed_with_deadline += 1;
                    on_time += u64::from(closed_day <= dl);
                }
                if let Some(f) = c.followup {
                    followed_up += 1;
                    satisfied += u64::from(f);
                }
            }
            None => {
                open_count += 1;
                if c.received_day <= as_of_day {
                    open.push((i64::from(as_of_day - c.received_day), c));
                }
            }
        }
    }
    let open_ages = AGE_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, max)| {
            let min = if i == 0 { 0 } else { AGE_BUCKETS[i - 1].unwrap() + 1 };
            let count = open.iter().filter(|(age, _)| *age >= min && max.is_none_or(|m| *age <= m)).count() as u64;
            AgeBucket { max_days: *max, count }
        })
        .collect();
    let open_age_mean =
        (!open.is_empty()).then(|| open.iter().map(|(age, _)| *age as f64).sum::<f64>() / open.len() as f64);
    let open_age_max = open.iter().map(|(age, _)| *age).max();
    open.sort_by(|a, b| b.0.cmp(&a.0)); // stable: ties keep input order
    let open: Vec<OpenCase> = open
        .iter()
        .take(OLDEST_SHOWN)
        .map(|&(age_days, c)| OpenCase {
            id: data.id(c).to_string(),
            received: c.received,
            category: sym(c.category),
            department: c.department.map(sym),
            age_days,
            overdue: deadline_of(c).map(|dl| as_of_day > dl),
        })
        .collect();

    // Breakdowns and Pareto tables: one pass, totals indexed by symbol, kept in order of
    // first appearance within the period.
    let n_sym = data.symbols.len();
    let shown = [true, cfg.nature.is_some(), cfg.department.is_some(), cfg.channel.is_some()];
    let weighted = cfg.weight.is_some();
    // Tallies: 4 breakdown fields, then per Pareto column a count tally and a weight tally.
    let n_tallies = 4 + 2 * cfg.pareto.len();
    let mut tallies: Vec<Tally> = (0..n_tallies).map(|_| Tally::new(n_sym)).collect();
    for &idx in &in_period_idx {
        for (j, &k) in data.keys[idx].iter().enumerate() {
            if shown[j] && k != crate::ingest::registers::NONE {
                tallies[j].add(k, 1.0);
            }
        }
        for (i, &k) in data.pareto_of(idx).iter().enumerate() {
            tallies[4 + 2 * i].add(k, 1.0);
            if weighted {
                tallies[5 + 2 * i].add(k, data.weights[idx]);
            }
        }
    }
    let other = OtherRule { after_share: cfg.other_after_share, max_categories: cfg.other_max_categories };
    let plain = OtherRule::default();
    let named = |t: &Tally| -> Vec<(String, f64)> { t.order.iter().map(|k| (sym(*k), t.sums[*k as usize])).collect() };
    let columns = [Some(&cfg.category), cfg.nature.as_ref(), cfg.department.as_ref(), cfg.channel.as_ref()];
    let mut breakdowns = Vec::new();
    for (j, field) in ["category", "nature", "department", "channel"].into_iter().enumerate() {
        if let Some(col) = columns[j] {
            let rows = compute_pareto(&named(&tallies[j]), cfg.vital_share, plain);
            breakdowns.push(Breakdown { field, column: col.clone(), rows });
        }
    }
    let mut pareto = BTreeMap::new();
    let mut pareto_weighted = BTreeMap::new();
    for (i, col) in cfg.pareto.iter().enumerate() {
        pareto.insert(col.clone(), compute_pareto(&named(&tallies[4 + 2 * i]), cfg.vital_share, other));
        if weighted {
            pareto_weighted.insert(col.clone(), compute_pareto(&named(&tallies[5 + 2 * i]), cfg.vital_share, other));
        }
    }

    // Months and control charts.
    // With a cut-off the register is complete up to it; otherwise up to its latest complaint.
    let data_end = data.months.iter().max().map(|m| YearMonth::from_ordinal(*m));
    let last = match (cutoff, data_end) {
        (Some(cut), _) => cut.month_key(),
        (None, Some(d)) => d,
        (None, None) => period.last_day().month_key(),
    };
    let chart_span = chart_months(period, last);
    // Months are consecutive, so a month's slot is its distance from the first one.
    let first = chart_span.first().map_or(0, |m| m.ordinal());
    let mut per_month = vec![0u64; chart_span.len()];
    for m in &data.months {
        if let Some(n) = usize::try_from(m - first).ok().and_then(|slot| per_month.get_mut(slot)) {
            *n += 1;
        }
    }
    let months: Vec<MonthCount> = chart_span
        .iter()
        .zip(&per_month)
        .map(|(m, n)| MonthCount { month: *m, count: *n, volume: volumes.and_then(|v| v.get(m).copied()) })
        .collect();
    let labels: Vec<String> = months.iter().map(|m| m.month.to_string()).collect();
    let counts: Vec<f64> = months.iter().map(|m| m.count as f64).collect();
    let control = (months.len() >= 2).then(|| c_chart(&labels, &counts));
    let (mut rate_chart, mut complaint_rate, mut rate_per) = (None, None, None);
    if let (Some(_), Some(vcfg)) = (volumes, cfg.volume.as_ref()) {
        let with_volume: Vec<&MonthCount> = months.iter().filter(|m| m.volume.is_some_and(|v| v > 0.0)).collect();
        if !with_volume.is_empty() {
            let l: Vec<String> = with_volume.iter().map(|m| m.month.to_string()).collect();
            let x: Vec<f64> = with_volume.iter().map(|m| m.count as f64).collect();
            let n: Vec<f64> = with_volume.iter().map(|m| m.volume.unwrap()).collect();
            let (sx, sn): (f64, f64) = (x.iter().sum(), n.iter().sum());
            complaint_rate = Some(sx / sn * vcfg.per);
            rate_per = Some(vcfg.per);
            if with_volume.len() >= 2 {
                rate_chart = Some(match vcfg.chart {
                    RateChart::U => u_chart(&l, &x, &n.iter().map(|v| v / vcfg.per).collect::<Vec<_>>()),
                    RateChart::P => p_chart(&l, &x, &n),
                });
            }
        }
    }

    let closure_rate = ratio(n_closed, received);
    ComplaintResult {
        period,
        as_of,
        received,
        closed: n_closed,
        open: open_count,
        closure_rate,
        closure_target: cfg.closure_target,
        closure_met: closure_rate.map(|r| r >= cfg.closure_target - 1e-12),
        closed_with_deadline,
        on_time,
        on_time_rate: ratio(on_time, closed_with_deadline),
        // Whole days: the sum is exact in any order.
        days_to_close_mean: (!days.is_empty()).then(|| days.iter().sum::<f64>() / days.len() as f64),
        days_to_close_median: median(&mut days),
        open_age_mean,
        open_age_max,
        open_ages,
        oldest_open: open,
        reopened,
        reopen_rate: ratio(reopened, n_closed),
        followed_up,
        followup_coverage: ratio(followed_up, n_closed),
        followup_satisfied: satisfied,
        followup_satisfaction: ratio(satisfied, followed_up),
        breakdowns,
        months,
        pareto,
        pareto_weighted,
        weight_column: cfg.weight.clone(),
        vital_share: cfg.vital_share,
        control,
        rate_chart,
        complaint_rate,
        rate_per,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub id: String,
    pub problem: String,
    pub owner: String,
    pub department: String,
    pub due: Option<Date>,
    pub status: String,
    pub days_overdue: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerCount {
    pub owner: String,
    pub open: u64,
    pub overdue: u64,
}

/// The action register as of a date.
#[derive(Debug, Clone, Serialize)]
pub struct ActionResult {
    pub as_of: Date,
    pub total: u64,
    pub closed: u64,
    pub open: u64,
    /// Open with a due date before the as-of date.
    pub overdue: u64,
    /// Closed and verified effective (效果验证).
    pub verified: u64,
    pub closed_unverified: u64,
    pub open_without_due: u64,
    pub overdue_actions: Vec<ActionRow>,
    pub by_owner: Vec<OwnerCount>,
}

pub fn summarize_actions(actions: &[Action], as_of: Date) -> ActionResult {
    let open: Vec<&Action> = actions.iter().filter(|a| !a.closed).collect();
    let is_overdue = |a: &Action| a.due.is_some_and(|d| d < as_of);
    let mut overdue: Vec<&Action> = open.iter().copied().filter(|a| is_overdue(a)).collect();
    overdue.sort_by(|a, b| a.owner.cmp(&b.owner).then(a.due.cmp(&b.due)).then(a.pos.cmp(&b.pos)));
    let mut owners: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for a in &open {
        let e = owners.entry(a.owner.as_str()).or_default();
        e.0 += 1;
        e.1 += u64::from(is_overdue(a));
    }
    let closed = actions.iter().filter(|a| a.closed).count() as u64;
    let verified = actions.iter().filter(|a| a.closed && a.verified == Some(true)).count() as u64;
    ActionResult {
        as_of,
        total: actions.len() as u64,
        closed,
        open: open.len() as u64,
        overdue: overdue.len() as u64,
        verified,
        closed_unverified: closed - verified,
        open_without_due: open.iter().filter(|a| a.due.is_none()).count() as u64,
        overdue_actions: overdue
            .iter()
            .map(|a| ActionRow {
                id: a.id.clone(),
                problem: a.problem.clone(),
                owner: a.owner.clone(),
                department: a.department.clone(),
                due: a.due,
                status: a.status.clone(),
                days_overdue: a.due.map(|d| as_of.days() - d.days()),
            })
            .collect(),
        by_owner: owners
            .into_iter()
            .map(|(o, (open, overdue))| OwnerCount { owner: o.to_string(), open, overdue })
            .collect(),
    }
}
