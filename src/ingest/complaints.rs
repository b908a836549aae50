//! Reading the complaint register: each row typed (`ComplaintRows`), and fast: its files are cut into byte ranges read in parallel
//! (as the survey's, see `load`), each range into its own `ComplaintAcc`, merged in input
//! order (symbol tables in order of first appearance, lines shifted). Each complaint is folded
//! into the per-month accumulators of `analysis::register` as it is read; none is kept.
//! Repeated ids are found in flat memory: the read only collects the ids (`ids::IdCollector`:
//! a bitmap for numbered ids, else 64-bit hashes); only if some id may repeat is the register
//! read again, holding back the complaints whose id may repeat (`Held`): in input order the
//! first of each id is added, every later one rejected.

use super::ids::IdCollector;
use super::load::{plan_pieces, ReadPlan};
use super::records::Mark;
use super::registers::{optional, StatusMatcher};
use super::table::{read_table, CellError, Table};
use super::value::{normalize_header, parse_quantity, Quantity};
use super::{duplicate_reason, hash_id, FileAccount, Rejection, RowPos, SourceFile};
use crate::config::ComplaintsConfig;
use crate::diag::Result;
use crate::parallel::parallel_map;
use std::collections::HashSet;

/// No value (a blank or unconfigured key).
pub const NONE: u32 = u32::MAX;

/// A complaint as read; symbols are ids of the reader's tables.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintRow<'a> {
    pub pos: RowPos,
    pub id: &'a str,
    pub received_day: i32,
    /// The received month's number (`YearMonth::ordinal`).
    pub received_month: i32,
    pub closed_day: Option<i32>,
    /// From the deadline column, else received + `deadline_days`.
    pub deadline_day: Option<i32>,
    /// Category, nature, department, channel (`NONE` when absent).
    pub keys: [u32; 4],
    /// The values of the `pareto` columns, in config order.
    pub pareto: &'a [u32],
    pub weight: Option<f64>,
    pub followup: Option<bool>,
    pub reopened: bool,
    pub status_closed: bool,
    pub on_time: Option<bool>,
    pub customer: Option<u32>,
    pub group: Option<u32>,
}

/// What the complaint rows feed (the analysis' per-month tallies), as `RowSink` is what the
/// survey rows feed: each range of the register is read into its own sink, and the sinks are
/// joined in input order.
pub trait ComplaintSink: Send + Sized {
    /// The number of a category-like value (category, nature, department, channel, Pareto and
    /// group columns), in one table; a row carries numbers.
    fn symbol(&mut self, value: &str) -> u32;
    /// The number of a customer.
    fn customer(&mut self, value: &str) -> u32;
    fn add(&mut self, row: &ComplaintRow);
    /// Appends the sink of a later part of the input, whose lines are `shift` lines down.
    /// Returns how `later`'s symbols and customers are numbered here.
    fn append(&mut self, later: Self, shift: u64) -> (Vec<u32>, Vec<u32>);
    /// Called once every row is in (rows held back by the id check came in late).
    fn finish(&mut self);
}

/// A category cell: never blank, and one of `[complaints] categories` when those are given.
fn check_category<'r>(
    category: &'r str,
    col: usize,
    cfg: &ComplaintsConfig,
    allowed: &[String],
) -> std::result::Result<&'r str, CellError> {
    if category.is_empty() {
        let reason = if cfg.categories.is_empty() {
            super::Reason::new(super::Code::CategoryEmpty)
        } else {
            super::Reason::new(super::Code::CategoryEmptyListed).with(cfg.categories.join(" / "))
        };
        return Err((Some(col), reason));
    }
    if !allowed.is_empty() && !allowed.contains(&normalize_header(category)) {
        return Err((
            Some(col),
            super::Reason::new(super::Code::CategoryUnknown).with(category).with(cfg.categories.join(" / ")),
        ));
    }
    Ok(category)
}

pub(super) struct ComplaintCols {
    pub id: usize,
    received: usize,
    closed: Option<usize>,
    category: usize,
    nature: Option<usize>,
    department: Option<usize>,
    channel: Option<usize>,
    deadline: Option<usize>,
    followup: Option<usize>,
    reopened: Option<usize>,
    weight: Option<usize>,
    status: Option<usize>,
    on_time: Option<usize>,
    pareto: Vec<usize>,
    customer: Option<usize>,
    group: Option<usize>,
}

impl ComplaintCols {
    /// The configured columns in a table's header.
    fn find(t: &Table, cfg: &ComplaintsConfig) -> Result<ComplaintCols> {
        Ok(ComplaintCols {
            id: t.column(&cfg.id, "[complaints] id")?,
            received: t.column(&cfg.received, "[complaints] received")?,
            closed: optional(t, &cfg.closed, "[complaints] closed")?,
            category: t.column(&cfg.category, "[complaints] category")?,
            nature: optional(t, &cfg.nature, "[complaints] nature")?,
            department: optional(t, &cfg.department, "[complaints] department")?,
            channel: optional(t, &cfg.channel, "[complaints] channel")?,
            deadline: optional(t, &cfg.deadline, "[complaints] deadline")?,
            followup: optional(t, &cfg.followup_satisfied, "[complaints] followup_satisfied")?,
            reopened: optional(t, &cfg.reopened, "[complaints] reopened")?,
            weight: optional(t, &cfg.weight, "[complaints] weight")?,
            status: optional(t, &cfg.status, "[complaints] status")?,
            on_time: optional(t, &cfg.on_time, "[complaints] on_time")?,
            pareto: cfg.pareto.iter().map(|c| t.column(c, "[complaints] pareto")).collect::<Result<_>>()?,
            customer: optional(t, &cfg.customer, "[complaints] customer")?,
            group: optional(t, &cfg.pareto_by, "[complaints] pareto_by")?,
        })
    }
}

/// A complaint held back by the id check (its id may repeat), with its own id and Pareto values.
struct Held {
    row: ComplaintRow<'static>,
    id: String,
    pareto: Vec<u32>,
}

impl Held {
    fn of(r: &ComplaintRow) -> Held {
        Held { row: ComplaintRow { id: "", pareto: &[], ..*r }, id: r.id.to_string(), pareto: r.pareto.to_vec() }
    }
    fn row(&self) -> ComplaintRow<'_> {
        ComplaintRow { id: &self.id, pareto: &self.pareto, ..self.row }
    }
}

/// The ids of a read: the first read collects them (`IdCollector` only tells which ids may
/// repeat); the second, given the hashes of those, holds back the rows with such an id
/// instead of adding them, for `keep_first_ids`.
enum IdPass<'a> {
    Collect(&'a mut IdCollector),
    Hold(&'a HashSet<u64>, &'a mut Vec<Held>),
}

/// Parses complaint rows into a `ComplaintAcc`: one per byte range of the register when it is
/// read in parallel (see `complaints::read_complaints`), merged in input order.
pub(super) struct ComplaintRows<'a> {
    pub cfg: &'a ComplaintsConfig,
    allowed: Vec<String>,
    closed_statuses: StatusMatcher,
}

impl<'a> ComplaintRows<'a> {
    pub fn new(cfg: &'a ComplaintsConfig) -> Self {
        ComplaintRows {
            cfg,
            allowed: cfg.categories.iter().map(|c| normalize_header(c)).collect(),
            closed_statuses: StatusMatcher::new(&cfg.closed_statuses),
        }
    }

    /// The configured columns of an opened table (whole file or range).
    pub fn columns(&self, table: &mut Table) -> Result<ComplaintCols> {
        table.all_columns(|t| ComplaintCols::find(t, self.cfg))
    }

    /// Reads the rows of `table` into `data`; what becomes of the ids, see `IdPass`.
    fn read(
        &self,
        table: &mut Table,
        file_index: u32,
        c: &ComplaintCols,
        data: &mut impl ComplaintSink,
        mut ids: IdPass,
        on_reject: impl FnMut(Rejection),
    ) -> Result<FileAccount> {
        let cfg = self.cfg;
        let mut pareto: Vec<u32> = Vec::with_capacity(cfg.pareto.len());
        read_table(
            table,
            file_index,
            c,
            |row, c, pos| {
                let received = row.required_date(c.received)?;
                let closed = match c.closed {
                    Some(i) => row.date(i)?,
                    None => None,
                };
                if let Some(cl) = closed {
                    if cl < received {
                        return Err((
                            c.closed,
                            super::Reason::new(super::Code::ClosedBeforeReceived).with(cl).with(received),
                        ));
                    }
                }
                let category = check_category(row.text(c.category)?, c.category, cfg, &self.allowed)?;
                let deadline = match c.deadline {
                    Some(i) => row.date(i)?,
                    None => None,
                };
                // A promise before the complaint arrived is a slip in one of the two dates (as
                // a closed date before it): rejected, not a negative promised time.
                if let Some(dl) = deadline.filter(|dl| *dl < received) {
                    return Err((
                        c.deadline,
                        super::Reason::new(super::Code::DeadlineBeforeReceived).with(dl).with(received),
                    ));
                }
                let weight = match c.weight {
                    Some(i) => parse_quantity(row.text(i)?, Quantity::Amount).map_err(|e| (Some(i), e))?,
                    None => None,
                };
                let flag = |i: Option<usize>| -> std::result::Result<Option<bool>, CellError> {
                    i.map(|i| row.yes_no(i)).transpose().map(Option::flatten)
                };
                let followup = flag(c.followup)?;
                let reopened = flag(c.reopened)?.unwrap_or(false);
                let on_time = flag(c.on_time)?;
                let status_closed = match c.status {
                    Some(i) => self.closed_statuses.is_closed(row.text(i)?),
                    None => false,
                };
                // Pareto columns are usually also the category or department column: each column
                // is interned once per row.
                let category_id = data.symbol(category);
                let mut done = [(c.category, category_id); 8];
                let mut n_done = 1;
                let mut sym_at = |i: usize| -> std::result::Result<u32, CellError> {
                    if let Some(&(_, id)) = done[..n_done].iter().find(|(col, _)| *col == i) {
                        return Ok(id);
                    }
                    let id = data.symbol(row.text(i)?);
                    if n_done < done.len() {
                        done[n_done] = (i, id);
                        n_done += 1;
                    }
                    Ok(id)
                };
                let nature = c.nature.map(&mut sym_at).transpose()?;
                let department = c.department.map(&mut sym_at).transpose()?;
                let channel = c.channel.map(&mut sym_at).transpose()?;
                pareto.clear();
                for &i in &c.pareto {
                    pareto.push(sym_at(i)?);
                }
                let group = match c.group {
                    Some(i) if !row.text(i)?.trim().is_empty() => Some(sym_at(i)?),
                    _ => None,
                };
                let customer = match c.customer {
                    Some(i) => Some(row.text(i)?.trim()).filter(|v| !v.is_empty()).map(|v| data.customer(v)),
                    None => None,
                };
                let id = row.text(c.id)?;
                let key = |k: Option<u32>| k.unwrap_or(NONE);
                let complaint = ComplaintRow {
                    pos,
                    id,
                    received_day: received.days() as i32,
                    received_month: received.month_key().ordinal(),
                    closed_day: closed.map(|d| d.days() as i32),
                    deadline_day: deadline.map(|d| d.days() as i32).or_else(|| {
                        // Saturating: a deadline of billions of days lies after every date there is.
                        cfg.deadline_days
                            .map(|n| (received.days() as i32).saturating_add(n.min(i32::MAX as u32) as i32))
                    }),
                    keys: [category_id, key(nature), key(department), key(channel)],
                    pareto: &pareto,
                    weight,
                    followup,
                    reopened,
                    status_closed,
                    on_time,
                    customer,
                    group,
                };
                // Blank ids are not checked.
                if !id.is_empty() {
                    match &mut ids {
                        IdPass::Collect(ids) => ids.add(id.as_bytes()),
                        IdPass::Hold(repeated, held) => {
                            if repeated.contains(&hash_id(id.as_bytes())) {
                                held.push(Held::of(&complaint));
                                return Ok(());
                            }
                        }
                    }
                }
                data.add(&complaint);
                Ok(())
            },
            on_reject,
        )
    }
}

/// What one range contributes; its lines count from its own start until merged.
struct Part<C> {
    data: C,
    /// Rows held back by the id check, in input order.
    held: Vec<Held>,
    account: FileAccount,
    rejections: Vec<Rejection>,
    ids: IdCollector,
    /// The id column: index, header name, worksheet (for the repeat rejections).
    id_column: (usize, String, Option<String>),
    first: Option<Mark>,
    end: Option<Mark>,
}

/// Reads every complaint file, in ranges on `plan.threads` threads; the result equals a
/// sequential read, rejected rows (and repeated ids) included, in input order. Rows go to
/// sinks made by `new_sink`, one per range, joined in input order.
pub fn read_complaints<C: ComplaintSink>(
    files: &[SourceFile],
    cfg: &ComplaintsConfig,
    new_sink: &(impl Fn() -> C + Sync),
    plan: ReadPlan,
    mut on_reject: impl FnMut(Rejection),
) -> Result<(C, Vec<FileAccount>)> {
    let mut read = read_pass(files, cfg, new_sink, plan, None)?;
    let repeated = std::mem::take(&mut read.ids).finish();
    if !repeated.is_empty() {
        read = read_pass(files, cfg, new_sink, plan, Some(&repeated))?;
        keep_first_ids(&mut read);
    }
    read.data.finish();
    for (_, r) in read.rejections {
        on_reject(r);
    }
    Ok((read.data, read.accounts))
}

/// One read of the register, parts merged in input order.
struct Pass<C> {
    data: C,
    held: Vec<Held>,
    accounts: Vec<FileAccount>,
    rejections: Vec<(u32, Rejection)>,
    ids: IdCollector,
    /// Per file, the id column: index, header name, worksheet (for the repeat rejections).
    id_columns: Vec<(usize, String, Option<String>)>,
}

/// Reads the register in ranges; with `hold`, the rows whose id hash is in it are held back.
fn read_pass<C: ComplaintSink>(
    files: &[SourceFile],
    cfg: &ComplaintsConfig,
    new_sink: &(impl Fn() -> C + Sync),
    plan: ReadPlan,
    hold: Option<&HashSet<u64>>,
) -> Result<Pass<C>> {
    let rows = ComplaintRows::new(cfg);
    let (pieces, layouts) = plan_pieces(files, plan, |f| Table::open(f, &cfg.read_options()))?;
    let read = |table: &mut Table, file: usize| -> Result<Part<C>> {
        let mut data = new_sink();
        let (mut rejections, mut ids, mut held) = (Vec::new(), IdCollector::default(), Vec::new());
        let first = table.next_start()?;
        let cols = rows.columns(table)?;
        let id_column = (cols.id, table.header.get(cols.id).cloned().unwrap_or_default(), table.sheet.clone());
        let pass = match hold {
            Some(h) => IdPass::Hold(h, &mut held),
            None => IdPass::Collect(&mut ids),
        };
        let account = rows.read(table, file as u32, &cols, &mut data, pass, |r| rejections.push(r))?;
        let end = table.next_start()?;
        Ok(Part { data, held, account, rejections, ids, id_column, first, end })
    };
    let parts = parallel_map(pieces.len(), plan.threads, |i| {
        let piece = &pieces[i];
        let taken = piece.table.lock().unwrap_or_else(|e| e.into_inner()).take();
        let table = match taken {
            Some(t) => Ok(t),
            None => layouts[piece.file].open_range(piece.start, piece.stop),
        };
        table.and_then(|mut t| read(&mut t, piece.file))
    });
    // Merge in input order (as `load::SurveyLoad::merge_parts` does for the survey).
    let mut pass = Pass {
        data: new_sink(),
        held: Vec::new(),
        accounts: Vec::new(),
        rejections: Vec::new(),
        ids: IdCollector::default(),
        id_columns: Vec::new(),
    };
    let mut stitch = super::load::Stitch::default();
    for (piece, part) in pieces.iter().zip(parts) {
        let part = part?; // the first failing range, as a sequential read would report it
        let first = part.first;
        let file = piece.file;
        // A range that began inside a quoted value over lines is read again from the true
        // record start where the range before ended.
        let reread = |e: Mark| layouts[file].open_range(e.byte, piece.stop).and_then(|mut t| read(&mut t, file));
        let Some((part, shift, opens)) = stitch.place(file, part, first, reread)? else { continue };
        if opens {
            pass.accounts.push(FileAccount {
                file: part.account.file.clone(),
                encoding: part.account.encoding,
                format: part.account.format,
                ..Default::default()
            });
            pass.id_columns.push(part.id_column.clone());
        }
        let account = pass.accounts.last_mut().expect("a file's first range opens its account");
        account.add_counts(&part.account);
        pass.rejections.extend(part.rejections.into_iter().map(|mut r| {
            r.line += shift;
            (file as u32, r)
        }));
        let (symbols, customers) = pass.data.append(part.data, shift);
        let sym = |k: u32| if k == NONE { NONE } else { symbols[k as usize] };
        pass.held.extend(part.held.into_iter().map(|mut h| {
            h.row.pos.line += shift;
            h.row.keys = h.row.keys.map(sym);
            h.row.group = h.row.group.map(sym);
            h.row.customer = h.row.customer.map(|c| customers[c as usize]);
            h.pareto.iter_mut().for_each(|k| *k = sym(*k));
            h
        }));
        pass.ids.merge(part.ids);
        stitch.ended(part.end, shift);
    }
    Ok(pass)
}

/// Adds the held-back complaints, in input order, the first of each id: every later one is
/// rejected (ids that only share a hash with another are all kept).
fn keep_first_ids<C: ComplaintSink>(pass: &mut Pass<C>) {
    let held = std::mem::take(&mut pass.held);
    let (accounts, rejections) = (&mut pass.accounts, &mut pass.rejections);
    let mut seen: HashSet<&str> = HashSet::new();
    let mut found: Vec<(u32, Rejection)> = Vec::new();
    for h in &held {
        let c = h.row();
        if seen.insert(&h.id) {
            pass.data.add(&c);
            continue;
        }
        let (col, column, sheet) = &pass.id_columns[c.pos.file as usize];
        let account = &mut accounts[c.pos.file as usize];
        account.used -= 1;
        account.rejected += 1;
        found.push((
            c.pos.file,
            Rejection {
                file: account.file.clone(),
                line: c.pos.line,
                col: Some(*col as u64 + 1),
                column: Some(column.clone()),
                sheet: sheet.clone(),
                reason: duplicate_reason(&h.id),
            },
        ));
    }
    // Both lists are in input order: merge them by (file, line).
    let earlier = std::mem::take(rejections);
    let mut a = earlier.into_iter().peekable();
    let mut b = found.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => (x.0, x.1.line) <= (y.0, y.1.line),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        rejections.extend(if take_a { a.next() } else { b.next() });
    }
}
