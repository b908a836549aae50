//! Registers: complaints (顾客意见登记簿), monthly volumes, corrective actions (纠正预防措施).
//! Each row becomes a typed record or a rejection with its reason.

use super::table::{read_rows, CellError, Table};
use super::value::{normalize_header, parse_quantity, Quantity};
use super::{FileAccount, Rejection, RowPos, SourceFile, TextHasher};
use crate::config::{ActionsConfig, VolumeConfig};
use crate::diag::Result;
use crate::period::{parse_year_month, Date, YearMonth};
use std::collections::HashMap;

/// Interned text values (categories, departments ...): records hold small ids.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    names: Vec<String>,
    index: HashMap<String, u32, std::hash::BuildHasherDefault<TextHasher>>,
}

impl Symbols {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// One complaint, typed and packed (about 48 bytes: a register may hold millions). Dates are
/// day numbers (days since 1970-01-01), computed once here, because every period's figures
/// compare them. The category, nature, department, channel and weight are in the compact
/// columns of `ComplaintData` (`keys`, `weights`), not here.
#[derive(Debug, Clone)]
pub struct Complaint {
    pub pos: RowPos,
    /// Where the id sits in `ComplaintData::ids` (see `ComplaintData::id`).
    pub id: (u32, u32),
    pub received_day: i32,
    /// `NO_DAY` when blank.
    closed_day: i32,
    /// Deadline from the deadline column, else received + `deadline_days`; `NO_DAY` when none.
    deadline_day: i32,
    /// Index into `ComplaintData::customers`, `NONE` without a customer.
    customer: u32,
    /// The `[complaints] pareto_by` value (a symbol), `NONE` when blank or not configured.
    group: u32,
    /// The yes/no columns, see the `F_*` bits.
    flags: u8,
}

const NO_DAY: i32 = i32::MIN;
const F_FOLLOWUP_KNOWN: u8 = 1;
const F_FOLLOWUP_YES: u8 = 2;
const F_REOPENED: u8 = 4;
const F_STATUS_CLOSED: u8 = 8;
const F_ON_TIME_KNOWN: u8 = 16;
const F_ON_TIME_YES: u8 = 32;
const F_WEIGHT: u8 = 64;

fn some_day(d: i32) -> Option<i32> {
    (d != NO_DAY).then_some(d)
}

fn some_key(k: u32) -> Option<u32> {
    (k != NONE).then_some(k)
}

impl Complaint {
    pub fn received(&self) -> Date {
        Date::from_days(i64::from(self.received_day)).expect("a received date read from the register")
    }
    pub fn closed_day(&self) -> Option<i32> {
        some_day(self.closed_day)
    }
    pub fn deadline_day(&self) -> Option<i32> {
        some_day(self.deadline_day)
    }
    /// The customer (`[complaints] customer`) as an index into `ComplaintData::customers`;
    /// `None` when the cell is blank or there is no such column.
    pub fn customer(&self) -> Option<u32> {
        some_key(self.customer)
    }
    pub fn group(&self) -> Option<u32> {
        some_key(self.group)
    }
    fn flag(&self, known: u8, yes: u8) -> Option<bool> {
        (self.flags & known != 0).then_some(self.flags & yes != 0)
    }
    pub fn followup(&self) -> Option<bool> {
        self.flag(F_FOLLOWUP_KNOWN, F_FOLLOWUP_YES)
    }
    pub fn reopened(&self) -> bool {
        self.flags & F_REOPENED != 0
    }
    /// The status column says closed (`[complaints] status` and `closed_statuses`).
    pub fn status_closed(&self) -> bool {
        self.flags & F_STATUS_CLOSED != 0
    }
    /// The on-time column's answer (`[complaints] on_time`).
    pub fn on_time(&self) -> Option<bool> {
        self.flag(F_ON_TIME_KNOWN, F_ON_TIME_YES)
    }
}

/// A complaint's fields as parsed, before packing.
pub(super) struct Parsed {
    pub pos: RowPos,
    pub id: (u32, u32),
    pub received: Date,
    pub closed: Option<i32>,
    pub deadline: Option<i32>,
    pub keys: [u32; 4],
    pub weight: Option<f64>,
    pub followup: Option<bool>,
    pub reopened: bool,
    pub status_closed: bool,
    pub on_time: Option<bool>,
    pub customer: Option<u32>,
    pub group: Option<u32>,
}

/// The register as read: records in input order plus the symbol table.
#[derive(Debug, Clone, Default)]
pub struct ComplaintData {
    pub complaints: Vec<Complaint>,
    pub symbols: Symbols,
    /// Values of the `pareto` columns, `pareto_columns` per complaint in input order
    /// (kept flat: one array is faster to scan than one small allocation per complaint).
    pub pareto: Vec<u32>,
    pub pareto_columns: usize,
    /// Every complaint's id, back to back (one string instead of one allocation each).
    pub ids: String,
    /// Each complaint's received month as `YearMonth::ordinal`: a compact column that period
    /// filters scan instead of the records.
    pub months: Vec<i32>,
    /// Each complaint's breakdown keys: category, nature, department, channel (`NONE` when
    /// absent), and weight (0 when absent, see `weight`): the columns the per-period tallies
    /// read, kept compact so a period's pass does not stream whole records.
    pub keys: Vec<[u32; 4]>,
    pub weights: Vec<f64>,
    /// Customers as written (trimmed), apart from the other symbols: there may be one per
    /// complaint, and the per-period tallies size their tables by `symbols`.
    pub customers: Symbols,
}

/// No value, in `ComplaintData::keys`.
pub const NONE: u32 = u32::MAX;

impl ComplaintData {
    pub fn id(&self, c: &Complaint) -> &str {
        &self.ids[c.id.0 as usize..c.id.1 as usize]
    }

    /// The weight of complaint `i`; `None` when the cell was blank or there is no column.
    pub fn weight(&self, i: usize) -> Option<f64> {
        (self.complaints[i].flags & F_WEIGHT != 0).then_some(self.weights[i])
    }

    /// The Pareto column values of complaint `i`.
    pub fn pareto_of(&self, i: usize) -> &[u32] {
        &self.pareto[i * self.pareto_columns..(i + 1) * self.pareto_columns]
    }
}

impl ComplaintData {
    /// Appends a complaint: packed, and its compact columns (month, keys, weight, Pareto values).
    pub(super) fn push(&mut self, p: Parsed, pareto: &[u32]) {
        self.pareto.extend_from_slice(pareto);
        self.months.push(p.received.month_key().ordinal());
        self.keys.push(p.keys);
        self.weights.push(p.weight.unwrap_or(0.0));
        let bit = |on: bool, b: u8| if on { b } else { 0 };
        let flag = |v: Option<bool>, known: u8, yes: u8| bit(v.is_some(), known) | bit(v == Some(true), yes);
        self.complaints.push(Complaint {
            pos: p.pos,
            id: p.id,
            received_day: p.received.days() as i32,
            closed_day: p.closed.unwrap_or(NO_DAY),
            deadline_day: p.deadline.unwrap_or(NO_DAY),
            customer: p.customer.unwrap_or(NONE),
            group: p.group.unwrap_or(NONE),
            flags: flag(p.followup, F_FOLLOWUP_KNOWN, F_FOLLOWUP_YES)
                | flag(p.on_time, F_ON_TIME_KNOWN, F_ON_TIME_YES)
                | bit(p.reopened, F_REOPENED)
                | bit(p.status_closed, F_STATUS_CLOSED)
                | bit(p.weight.is_some(), F_WEIGHT),
        });
    }

    /// Appends the complaints of a later part of the input, whose lines are `shift` lines
    /// down. Its symbols and customers join these tables in their own order of first
    /// appearance, so the merged tables are those a sequential read builds.
    pub(super) fn append(&mut self, later: ComplaintData, shift: u64) {
        let map: Vec<u32> = later.symbols.names.iter().map(|n| self.symbols.intern(n)).collect();
        let customers: Vec<u32> = later.customers.names.iter().map(|n| self.customers.intern(n)).collect();
        let sym = |k: u32| map[k as usize];
        let offset = self.ids.len() as u32;
        self.ids.push_str(&later.ids);
        self.complaints.extend(later.complaints.into_iter().map(|mut c| {
            c.pos.line += shift;
            c.id = (c.id.0 + offset, c.id.1 + offset);
            c.group = if c.group == NONE { NONE } else { sym(c.group) };
            c.customer = if c.customer == NONE { NONE } else { customers[c.customer as usize] };
            c
        }));
        self.pareto.extend(later.pareto.iter().map(|&k| sym(k)));
        self.months.extend_from_slice(&later.months);
        self.keys.extend(later.keys.iter().map(|ks| ks.map(|k| if k == NONE { NONE } else { sym(k) })));
        self.weights.extend_from_slice(&later.weights);
    }

    /// Keeps the complaints whose `keep` is true, in order (their ids stay in `ids`).
    pub(super) fn retain(&mut self, keep: &[bool]) {
        let pc = self.pareto_columns;
        let mut j = 0;
        for (i, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            if i != j {
                self.complaints.swap(i, j);
                self.months[j] = self.months[i];
                self.keys[j] = self.keys[i];
                self.weights[j] = self.weights[i];
                self.pareto.copy_within(i * pc..(i + 1) * pc, j * pc);
            }
            j += 1;
        }
        self.complaints.truncate(j);
        self.months.truncate(j);
        self.keys.truncate(j);
        self.weights.truncate(j);
        self.pareto.truncate(j * pc);
    }
}

/// The `closed_statuses` of a register, matched on trimmed, width-folded, lower-cased text:
/// an entry ending in `*` matches every status starting with the rest.
#[derive(Debug, Clone)]
pub struct StatusMatcher {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

impl StatusMatcher {
    pub fn new(statuses: &[String]) -> Self {
        let fold = |s: &str| normalize_header(s).to_lowercase();
        let (mut exact, mut prefixes) = (Vec::new(), Vec::new());
        for s in statuses {
            match s.trim().strip_suffix('*') {
                Some(p) => prefixes.push(fold(p)),
                None => exact.push(fold(s)),
            }
        }
        StatusMatcher { exact, prefixes }
    }

    /// Whether `status` means closed; a blank status never does.
    pub fn is_closed(&self, status: &str) -> bool {
        let s = normalize_header(status).to_lowercase();
        !s.is_empty() && (self.exact.contains(&s) || self.prefixes.iter().any(|p| s.starts_with(p.as_str())))
    }
}

pub(super) fn optional(table: &Table, col: &Option<String>, key: &str) -> Result<Option<usize>> {
    col.as_deref().map(|c| table.column(c, key)).transpose()
}

/// Units (orders, deliveries) per month; a month given twice is summed.
pub fn read_volumes(
    files: &[SourceFile],
    cfg: &VolumeConfig,
    on_reject: impl FnMut(Rejection),
) -> Result<(std::collections::BTreeMap<YearMonth, f64>, Vec<FileAccount>)> {
    let mut out = std::collections::BTreeMap::new();
    let accounts = read_rows(
        files,
        0,
        &cfg.read_options(),
        |t| {
            Ok((t.column(&cfg.month, "[complaints.volume] month")?, t.column(&cfg.count, "[complaints.volume] count")?))
        },
        |row, &(m, n), _| {
            let text = row.text(m)?;
            let month = parse_year_month(text)
                .ok_or_else(|| (Some(m), super::Reason::new(super::Code::NotAMonth).with(text)))?;
            let count = parse_quantity(row.text(n)?, Quantity::Volume)
                .map_err(|e| (Some(n), e))?
                .ok_or_else(|| (Some(n), super::Reason::new(super::Code::VolumeEmpty)))?;
            *out.entry(month).or_insert(0.0) += count;
            Ok(())
        },
        on_reject,
    )?;
    Ok((out, accounts))
}

/// One corrective/preventive action.
#[derive(Debug, Clone)]
pub struct Action {
    pub pos: RowPos,
    pub id: String,
    pub problem: String,
    pub owner: String,
    pub department: String,
    pub due: Option<Date>,
    pub status: String,
    pub closed: bool,
    pub verified: Option<bool>,
    /// The completion date, when `[actions] completed` names a column and the cell is not blank.
    pub completed: Option<Date>,
    /// The complaint category the action addresses (`[actions] category`), trimmed; `None`
    /// when blank or not configured.
    pub category: Option<String>,
}

pub fn read_actions(
    files: &[SourceFile],
    cfg: &ActionsConfig,
    on_reject: impl FnMut(Rejection),
) -> Result<(Vec<Action>, Vec<FileAccount>)> {
    let closed: Vec<String> = cfg.closed_statuses.iter().map(|s| normalize_header(s).to_lowercase()).collect();
    let mut out = Vec::new();
    let accounts = read_rows(
        files,
        0,
        &cfg.read_options(),
        |t| {
            Ok([
                Some(t.column(&cfg.id, "[actions] id")?),
                Some(t.column(&cfg.problem, "[actions] problem")?),
                Some(t.column(&cfg.owner, "[actions] owner")?),
                optional(t, &cfg.department, "[actions] department")?,
                Some(t.column(&cfg.due, "[actions] due")?),
                Some(t.column(&cfg.status, "[actions] status")?),
                optional(t, &cfg.verified, "[actions] verified")?,
                optional(t, &cfg.completed, "[actions] completed")?,
                optional(t, &cfg.category, "[actions] category")?,
            ])
        },
        |row, c, pos| {
            let text = |i: Option<usize>| -> std::result::Result<String, CellError> {
                Ok(match i {
                    Some(i) => row.text(i)?.to_string(),
                    None => String::new(),
                })
            };
            let status = text(c[5])?;
            out.push(Action {
                pos,
                id: text(c[0])?,
                problem: text(c[1])?,
                owner: text(c[2])?,
                department: text(c[3])?,
                due: row.date(c[4].expect("due is required"))?,
                closed: closed.contains(&normalize_header(&status).to_lowercase()),
                status,
                verified: c[6].map(|i| row.yes_no(i)).transpose()?.flatten(),
                completed: c[7].map(|i| row.date(i)).transpose()?.flatten(),
                category: Some(text(c[8])?.trim().to_string()).filter(|v| !v.is_empty()),
            });
            Ok(())
        },
        on_reject,
    )?;
    Ok((out, accounts))
}

#[cfg(test)]
mod status_tests {
    use super::StatusMatcher;

    #[test]
    fn closed_statuses_match_trimmed_folded_case_insensitive_and_by_prefix() {
        let m = StatusMatcher::new(&crate::config::complaint_closed());
        for closed in [
            "已办结",
            " 办结 ",
            "Closed with explanation",
            "closed",
            "CLOSED WITHOUT RELIEF",
            "Resolved",
            "ｃｌｏｓｅｄ",
        ] {
            assert!(m.is_closed(closed), "{closed:?}");
        }
        for open in ["", "处理中", "In progress", "待处理", "Not closed", "Reopened", "Resolved later?"] {
            assert!(!m.is_closed(open), "{open:?}");
        }
    }
}
