//! Complaint figures for a period: closure, timeliness, follow-up, breakdowns, Pareto,
//! control charts; and the action register's status.

use super::compare::{grouped_pareto, pareto_change, GroupedPareto, ParetoChange};
use super::control::{c_chart, rate_chart, ControlChart, Laney, Rate, RateSpec};
use super::pareto::{compute_pareto, OtherRule, ParetoRow};
use super::promise::{close_days_histogram, DayBin, PromiseResult};
use super::register::{horizon, ComplaintAcc, DayCounts, Status, NONE};
use super::repeat::{summarize_repeats, RepeatResult};
use crate::config::{ComplaintsConfig, RateChart, VolumeConfig};
use crate::ingest::registers::Action;
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
    /// A quarter's or month's complaints received in the same period a year earlier (`null`
    /// for a year: its previous period is that, in the charts and the archive).
    pub year_ago: Option<ReceivedIn>,
    /// Closure figures are `null` ("not available") when the register has neither a closed
    /// date nor a status column.
    pub closed: Option<u64>,
    pub open: Option<u64>,
    pub closure_rate: Option<f64>,
    pub closure_target: f64,
    pub closure_met: Option<bool>,
    /// Closed cases whose timeliness is known (a deadline and a closed date, else the on-time
    /// column), and those closed on time; `null` when closure is not available or nothing
    /// (deadline, `deadline_days`, `on_time`) is configured to judge timeliness.
    pub closed_with_deadline: Option<u64>,
    pub on_time: Option<u64>,
    pub on_time_rate: Option<f64>,
    pub days_to_close_mean: Option<f64>,
    pub days_to_close_median: Option<f64>,
    pub open_age_mean: Option<f64>,
    pub open_age_max: Option<i64>,
    pub open_ages: Option<Vec<AgeBucket>>,
    pub oldest_open: Option<Vec<OpenCase>>,
    /// `null` ("not recorded") without a `reopened` column (or without closure).
    pub reopened: Option<u64>,
    pub reopen_rate: Option<f64>,
    /// `null` ("not recorded") without a `followup_satisfied` column (or without closure).
    pub followed_up: Option<u64>,
    pub followup_coverage: Option<f64>,
    pub followup_satisfied: Option<u64>,
    pub followup_satisfaction: Option<f64>,
    pub breakdowns: Vec<Breakdown>,
    pub months: Vec<MonthCount>,
    /// Pareto by count per configured column, in config order:
    /// `{"<column>": [{category, count, share, cumulative, vital, other}]}`.
    pub pareto: ColumnMap<Vec<ParetoRow>>,
    /// Pareto by the weight column, when one is configured.
    pub pareto_weighted: ColumnMap<Vec<ParetoRow>>,
    pub weight_column: Option<String>,
    pub vital_share: f64,
    pub control: Option<ControlChart>,
    pub rate_chart: Option<ControlChart>,
    /// Complaints per `rate_per` units over the months with a volume.
    pub complaint_rate: Option<f64>,
    pub rate_per: Option<f64>,
    /// The comparative Pareto by `[complaints] pareto_by` (`null` without it).
    pub grouped_pareto: Option<GroupedPareto>,
    /// The category Pareto against the previous period of the same length (`null` when the
    /// register holds no complaint before the period).
    pub pareto_change: Option<ParetoChange>,
    /// Repeat complaints, with `[complaints] customer` (`null` without it).
    pub repeat: Option<RepeatResult>,
    /// Days to close of the period's closed complaints with a closed date, in bins (`null`
    /// when closure is not available).
    pub close_days: Option<Vec<DayBin>>,
    /// Time to close and open ages against the promised time (`null` when closure is not
    /// available or neither `deadline` nor `deadline_days` is configured).
    pub promise: Option<PromiseResult>,
}

/// Values by column name, kept in config order and serialised as a JSON object in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMap<T>(Vec<(String, T)>);

impl<T> Default for ColumnMap<T> {
    fn default() -> Self {
        ColumnMap(Vec::new())
    }
}

impl<T> ColumnMap<T> {
    pub fn push(&mut self, column: String, value: T) {
        self.0.push((column, value));
    }
    pub fn get(&self, column: &str) -> Option<&T> {
        self.0.iter().find(|(c, _)| c == column).map(|(_, v)| v)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(c, v)| (c.as_str(), v))
    }
}

impl<T: Serialize> Serialize for ColumnMap<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

const AGE_BUCKETS: [Option<i64>; 4] = [Some(7), Some(30), Some(90), None];

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// Months shown on the control charts: a year's own months; for a quarter or month, the
/// twelve months ending with it. Months after `last` (the cut-off's month, or the register's
/// latest month when there is no cut-off) are left out.
fn charted_months(period: Period, last: YearMonth) -> Vec<YearMonth> {
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

/// Complaints received in a period.
#[derive(Debug, Clone, Serialize)]
pub struct ReceivedIn {
    pub period: Period,
    pub received: u64,
}

/// Every complaint figure of `period`: status as of the cut-off (or the period's last day),
/// from the accumulators of its months.
pub fn summarize_complaints(
    cfg: &ComplaintsConfig,
    data: &ComplaintAcc,
    volumes: Option<&BTreeMap<YearMonth, f64>>,
    period: Period,
    cutoff: Option<Date>,
    stage_months: &[StageStart],
) -> ComplaintResult {
    let as_of = cutoff.unwrap_or_else(|| period.last_day());
    let (lo, hi) = (period.first_day().month_key().ordinal(), period.last_day().month_key().ordinal());
    // Every month of the period judged its status as of the same date, this one.
    let mut status = Status::default();
    for (_, m) in data.range(lo, hi) {
        status.merge(&m.status[horizon(period)]);
    }
    let open = open_cases(data, &status, as_of.days() as i32);
    let tables = tally_categories(cfg, data, lo, hi);
    let charts = chart_months(cfg, data, volumes, period, cutoff, stage_months);
    let close_days = known_days(cfg, &status.days);
    let promised = cfg.deadline.is_some() || cfg.deadline_days.is_some();
    let promise: Option<PromiseResult> = (cfg.closure_known() && promised).then(|| status.promise.figures());
    let received = data.received(lo, hi);
    // Without a closed date or a status, nothing says whether a complaint is closed: every
    // closure figure is "not available", never 0%.
    let known = cfg.closure_known();
    let timed = known && (cfg.deadline.is_some() || cfg.deadline_days.is_some() || cfg.on_time.is_some());
    let known_if = |cond: bool, v: u64| cond.then_some(v);
    let closed = known_if(known, status.closed);
    let closed_with_deadline = known_if(timed, status.closed_with_deadline);
    let on_time = known_if(timed, status.on_time);
    let reopened = known_if(known && cfg.reopened.is_some(), status.reopened);
    let followed_up = known_if(known && cfg.followup_satisfied.is_some(), status.followed_up);
    let satisfied = known_if(known && cfg.followup_satisfied.is_some(), status.satisfied);
    let rate = |a: Option<u64>, b: Option<u64>| a.zip(b).and_then(|(a, b)| ratio(a, b));
    let closure_rate = rate(closed, Some(received));
    // Only when the register reaches back to the start of the year-ago period: a register
    // that begins later would count 0 (or a part) for a period it does not cover.
    let year_ago = (!matches!(period, Period::Year(_))).then_some(period.year_ago()).and_then(|ya| {
        let (lo, hi) = (ya.first_day().month_key().ordinal(), ya.last_day().month_key().ordinal());
        (data.first_month()? <= lo).then(|| ReceivedIn { period: ya, received: data.received(lo, hi) })
    });
    ComplaintResult {
        period,
        as_of,
        received,
        year_ago,
        closed,
        open: known_if(known, status.open),
        closure_rate,
        closure_target: cfg.closure_target,
        closure_met: closure_rate.map(|r| r >= cfg.closure_target - 1e-12),
        closed_with_deadline,
        on_time,
        on_time_rate: rate(on_time, closed_with_deadline),
        // Whole days: the sum is exact.
        days_to_close_mean: status.days.mean(),
        days_to_close_median: status.days.median(),
        open_age_mean: open.mean.filter(|_| known),
        open_age_max: open.max.filter(|_| known),
        open_ages: known.then_some(open.buckets),
        oldest_open: known.then_some(open.oldest),
        reopened,
        reopen_rate: rate(reopened, closed),
        followed_up,
        followup_coverage: rate(followed_up, closed),
        followup_satisfied: satisfied,
        followup_satisfaction: rate(satisfied, followed_up),
        breakdowns: tables.breakdowns,
        months: charts.months,
        pareto: tables.pareto,
        pareto_weighted: tables.pareto_weighted,
        weight_column: cfg.weight.clone(),
        vital_share: cfg.vital_share,
        control: charts.control,
        rate_chart: charts.rate_chart,
        complaint_rate: charts.complaint_rate,
        rate_per: charts.rate_per,
        grouped_pareto: cfg.pareto_by.as_deref().map(|col| grouped_pareto(col, &cfg.category, data, lo, hi)),
        pareto_change: pareto_change(data, period),
        repeat: cfg.customer.as_deref().map(|col| summarize_repeats(col, cfg.repeat_days, data, lo, hi)),
        close_days,
        promise,
    }
}

/// The days-to-close histogram, when closure can be known.
fn known_days(cfg: &ComplaintsConfig, days: &DayCounts) -> Option<Vec<DayBin>> {
    cfg.closure_known().then(|| close_days_histogram(days))
}

/// Ages of the open complaints: buckets, mean, max and the oldest ones.
struct OpenFigures {
    buckets: Vec<AgeBucket>,
    mean: Option<f64>,
    max: Option<i64>,
    oldest: Vec<OpenCase>,
}

fn open_cases(data: &ComplaintAcc, status: &Status, as_of_day: i32) -> OpenFigures {
    let ages = &status.ages;
    let buckets = AGE_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, max)| {
            let min = if i == 0 { 0 } else { AGE_BUCKETS[i - 1].unwrap() + 1 };
            let count = ages.count(|age| age >= min && max.is_none_or(|m| age <= m));
            AgeBucket { max_days: *max, count }
        })
        .collect();
    // Age descending, ties in input order (`Status::oldest` keeps that order).
    let oldest = status
        .oldest
        .iter()
        .map(|c| OpenCase {
            id: c.id.clone(),
            received: Date::from_days(i64::from(c.received_day)).expect("a received date read from the register"),
            category: data.name(c.category),
            department: (c.department != NONE).then(|| data.name(c.department)),
            age_days: c.age,
            overdue: c.deadline_day.map(|dl| as_of_day > dl),
        })
        .collect();
    OpenFigures { buckets, mean: ages.mean(), max: ages.max(), oldest }
}

/// Breakdowns and Pareto tables of the period's complaints.
struct CategoryTables {
    breakdowns: Vec<Breakdown>,
    pareto: ColumnMap<Vec<ParetoRow>>,
    pareto_weighted: ColumnMap<Vec<ParetoRow>>,
}

/// Totals by symbol over the months `lo ..= hi`, in order of first appearance within them.
fn tally_categories(cfg: &ComplaintsConfig, data: &ComplaintAcc, lo: i32, hi: i32) -> CategoryTables {
    let weighted = cfg.weight.is_some();
    let other = OtherRule { after_share: cfg.other_after_share, max_categories: cfg.other_max_categories };
    let named = |t: &super::register::Tallies, amount: &dyn Fn(&super::register::KeyTally) -> f64| {
        t.order().into_iter().map(|k| (data.name(k), amount(&t.get(k)))).collect::<Vec<(String, f64)>>()
    };
    let count = |t: &super::register::KeyTally| t.count as f64;
    let columns = [Some(&cfg.category), cfg.nature.as_ref(), cfg.department.as_ref(), cfg.channel.as_ref()];
    let breakdowns = ["category", "nature", "department", "channel"]
        .into_iter()
        .enumerate()
        .filter_map(|(j, field)| {
            let col = columns[j]?;
            let rows =
                compute_pareto(&named(&data.keys_over(j, lo, hi), &count), cfg.vital_share, OtherRule::default());
            Some(Breakdown { field, column: col.clone(), rows })
        })
        .collect();
    let (mut pareto, mut pareto_weighted) = (ColumnMap::default(), ColumnMap::default());
    for (i, col) in cfg.pareto.iter().enumerate() {
        let mut t = super::register::Tallies::default();
        for (_, m) in data.range(lo, hi) {
            t.merge(&m.pareto[i]);
        }
        pareto.push(col.clone(), compute_pareto(&named(&t, &count), cfg.vital_share, other));
        if weighted {
            let weight = |t: &super::register::KeyTally| t.weight();
            pareto_weighted.push(col.clone(), compute_pareto(&named(&t, &weight), cfg.vital_share, other));
        }
    }
    CategoryTables { breakdowns, pareto, pareto_weighted }
}

/// The charted months: counts, volumes, the c chart and the rate (u or p) chart.
struct MonthFigures {
    months: Vec<MonthCount>,
    control: Option<ControlChart>,
    rate_chart: Option<ControlChart>,
    complaint_rate: Option<f64>,
    rate_per: Option<f64>,
}

fn chart_months(
    cfg: &ComplaintsConfig,
    data: &ComplaintAcc,
    volumes: Option<&BTreeMap<YearMonth, f64>>,
    period: Period,
    cutoff: Option<Date>,
    stage_months: &[StageStart],
) -> MonthFigures {
    // With a cut-off the register is complete up to it; otherwise up to its latest complaint.
    let data_end = data.last_month().map(YearMonth::from_ordinal);
    let last = match (cutoff, data_end) {
        (Some(cut), _) => cut.month_key(),
        (None, Some(d)) => d,
        (None, None) => period.last_day().month_key(),
    };
    let span = charted_months(period, last);
    let months: Vec<MonthCount> = span
        .iter()
        .map(|m| MonthCount {
            month: *m,
            count: data.months.get(&m.ordinal()).map_or(0, |a| a.received),
            volume: volumes.and_then(|v| v.get(m).copied()),
        })
        .collect();
    let labels: Vec<String> = months.iter().map(|m| m.month.to_string()).collect();
    let counts: Vec<f64> = months.iter().map(|m| m.count as f64).collect();
    let control = (months.len() >= 2).then(|| c_chart(&labels, &counts));
    let mut out = MonthFigures { months: Vec::new(), control, rate_chart: None, complaint_rate: None, rate_per: None };
    if let (Some(_), Some(vcfg)) = (volumes, cfg.volume.as_ref()) {
        let with_volume: Vec<&MonthCount> = months.iter().filter(|m| m.volume.is_some_and(|v| v > 0.0)).collect();
        if !with_volume.is_empty() {
            let l: Vec<String> = with_volume.iter().map(|m| m.month.to_string()).collect();
            let x: Vec<f64> = with_volume.iter().map(|m| m.count as f64).collect();
            let n: Vec<f64> = with_volume.iter().map(|m| m.volume.unwrap_or(0.0)).collect();
            let (sx, sn): (f64, f64) = (x.iter().sum(), n.iter().sum());
            out.complaint_rate = Some(sx / sn * vcfg.per);
            out.rate_per = Some(vcfg.per);
            if with_volume.len() >= 2 {
                let months: Vec<YearMonth> = with_volume.iter().map(|m| m.month).collect();
                let mut chart = draw_rate_chart(vcfg, &l, &x, &n, &stage_indexes(&months, stage_months));
                mark_stage_causes(&mut chart, &months, stage_months);
                out.rate_chart = Some(chart);
            }
        }
    }
    out.months = months;
    out
}

/// The rate chart `[complaints.volume]` asks for over the months with a volume.
fn draw_rate_chart(vcfg: &VolumeConfig, labels: &[String], x: &[f64], n: &[f64], starts: &[usize]) -> ControlChart {
    let threshold = vcfg.sigma_z_threshold;
    let (rate, laney) = match vcfg.chart {
        RateChart::U => (Rate::U, Laney::Off),
        RateChart::P => (Rate::P, Laney::Off),
        RateChart::LaneyU => (Rate::U, Laney::On),
        RateChart::LaneyP => (Rate::P, Laney::On),
        RateChart::Auto => (Rate::U, Laney::Auto(threshold)),
    };
    // The u chart counts units of `per` (complaints per 1,000 orders); the p chart single units.
    let n: Vec<f64> = match rate {
        Rate::U => n.iter().map(|v| v / vcfg.per).collect(),
        Rate::P => n.to_vec(),
    };
    let tests = vcfg.test_numbers();
    rate_chart(labels, x, &n, &RateSpec { rate, laney, stage_starts: starts, tests: &tests, threshold })
}

/// A month in which a stage of the rate chart starts, and why: listed in `stages`, and the
/// closed actions completed in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageStart {
    pub month: YearMonth,
    pub listed: bool,
    pub actions: Vec<String>,
}

/// The points (indexes into `months`, ascending) where a stage starts: the first charted month
/// on or after each stage month, the first point excepted (it always starts a stage).
pub fn stage_indexes(months: &[YearMonth], starts: &[StageStart]) -> Vec<usize> {
    let mut out: Vec<usize> = starts.iter().filter_map(|s| stage_index(months, s.month)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn stage_index(months: &[YearMonth], month: YearMonth) -> Option<usize> {
    months.iter().position(|m| *m >= month).filter(|i| *i > 0)
}

/// Marks each stage of `chart` with the stage months that start it.
fn mark_stage_causes(chart: &mut ControlChart, months: &[YearMonth], starts: &[StageStart]) {
    for s in starts {
        let Some(i) = stage_index(months, s.month) else { continue };
        if let Some(stage) = chart.stages.iter_mut().find(|st| st.first == i) {
            stage.listed |= s.listed;
            stage.actions.extend(s.actions.iter().cloned());
        }
    }
}

/// The months a stage of the rate chart starts in: `stages`, and with `stages_from_actions`
/// the completion months of closed actions with a completion date (in register order);
/// ascending, each month once.
pub fn stage_months(vcfg: &VolumeConfig, actions: Option<&[Action]>) -> Vec<StageStart> {
    fn entry(out: &mut BTreeMap<YearMonth, StageStart>, month: YearMonth) -> &mut StageStart {
        out.entry(month).or_insert_with(|| StageStart { month, listed: false, actions: Vec::new() })
    }
    let mut out: BTreeMap<YearMonth, StageStart> = BTreeMap::new();
    for month in vcfg.stages.iter().filter_map(|s| s.month) {
        entry(&mut out, month).listed = true;
    }
    if vcfg.stages_from_actions {
        for a in actions.unwrap_or_default().iter().filter(|a| a.closed) {
            if let Some(done) = a.completed {
                entry(&mut out, done.month_key()).actions.push(a.id.clone());
            }
        }
    }
    out.into_values().collect()
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
    /// The effect of each completed action on its complaint category, with `[actions]
    /// category` (`null` without it).
    pub effects: Option<Vec<super::effect::ActionEffect>>,
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
        effects: None,
    }
}
