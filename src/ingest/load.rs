//! Reading a whole project: survey files split into byte ranges read in parallel (with the
//! registers as one more task), merged in input order, lines shifted, repeated ids resolved by
//! a second pass; then the row accounting (`Quality`) of every file.
//!
//! What the survey rows feed is the caller's business: anything implementing `RowSink`
//! (the analysis stage's accumulator). Ingest never depends on analysis.

use super::complaints::ComplaintSink;
use super::ids::IdCollector;
use super::records::Mark;
use super::registers::Action;
use super::survey::{HeldRow, IdCheck, SurveyReader, SurveyRow};
use super::table::{Layout, Table};
use super::{FileAccount, Rejection, Scope, SourceFile};
use crate::config::Config;
use crate::diag::{Diagnostic, Location, Result};
use crate::parallel::parallel_map;
use crate::period::YearMonth;
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

/// What survey rows are folded into. Parts of the input are read into separate sinks and
/// merged in input order, so a sink must merge exactly (the result may not depend on how the
/// input was split).
pub trait RowSink: Send {
    fn add(&mut self, row: &SurveyRow);
    /// Moves every row position the sink kept `by` lines down: a range of a file counts its
    /// lines from its own start until the lines before it are known.
    fn shift_lines(&mut self, by: u64);
    /// Folds in a sink that read later input.
    fn merge(&mut self, later: &Self);
}

/// How the reading stage runs.
#[derive(Debug, Clone, Copy)]
pub struct ReadPlan {
    pub threads: usize,
    /// Bytes of a survey file read as one task; `None`: about four tasks per thread.
    pub range_bytes: Option<u64>,
}

/// Row accounting of the whole build: every row read is used or rejected, per file.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Quality {
    pub files: Vec<FileAccount>,
    pub rejections: Vec<Rejection>,
    /// The file sets read, with their files and rejection limits.
    #[serde(skip)]
    pub sets: Vec<FileSet>,
}

/// One configured file set (`[survey]`, `[complaints]`, …): its files as shown, and the share of
/// rejected rows above which the build stops.
#[derive(Debug, Clone, Default)]
pub struct FileSet {
    /// The config section, e.g. `[complaints.volume]`.
    pub section: String,
    pub files: Vec<String>,
    pub max_rejected_share: f64,
}

impl Quality {
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.read).sum()
    }
    pub fn rows_used(&self) -> u64 {
        self.files.iter().map(|f| f.used).sum()
    }
    pub fn rows_rejected(&self) -> u64 {
        self.files.iter().map(|f| f.rejected).sum()
    }
    pub fn rows_excluded(&self) -> u64 {
        self.files.iter().map(|f| f.excluded).sum()
    }
    pub fn rows_too_fast(&self) -> u64 {
        self.files.iter().map(|f| f.too_fast).sum()
    }

    /// Empty files, then rejected rows as warnings: rows of a file rejected for the same kind of
    /// problem in the same column are one warning (see `grouped`), in input order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let empty = self.files.iter().filter(|f| f.read == 0).map(|f| {
            Diagnostic::warning(Location::file(f.file.clone()), "the file has a header but no data rows")
                .with_hint("check that the export contains the data, or remove the file from `files`")
        });
        empty.chain(super::grouped::warnings(&self.rejections)).collect()
    }

    /// The file sets with more than their `max_rejected_share` of rows rejected: one error each,
    /// and the rejections of their files.
    fn over_limit(&self) -> Vec<(Diagnostic, Vec<Rejection>)> {
        let mut out = Vec::new();
        for set in &self.sets {
            let mine = |file: &String| set.files.contains(file);
            let (read, rejected) = self
                .files
                .iter()
                .filter(|f| mine(&f.file))
                // Rows left out by `filters` are not this data: the share is of the rows kept.
                .fold((0u64, 0u64), |(r, x), f| (r + f.read - f.excluded, x + f.rejected));
            // A share equal to the limit passes (with room for the rounding of `0.6 * 10`).
            if read == 0 || rejected as f64 / read as f64 <= set.max_rejected_share + 1e-12 {
                continue;
            }
            let share = rejected as f64 / read as f64;
            let at = set.files.join(", ");
            let needed = crate::number::shortest((share * 100.0).ceil() / 100.0);
            let message = format!(
                "{}: {} of {} rows rejected ({}), more than max_rejected_share = {} allows: a report \
                 on the remaining {} would mislead",
                set.section,
                crate::number::count(rejected),
                crate::number::count(read),
                crate::number::pct(share, 1),
                crate::number::shortest(set.max_rejected_share),
                crate::number::count(read - rejected),
            );
            let hint = format!(
                "fix the rows as the reasons say (`manyi check` lists them all); to build anyway, set \
                 max_rejected_share = {needed} or more in {}",
                set.section
            );
            let rows = self.rejections.iter().filter(|r| mine(&r.file)).cloned().collect();
            out.push((Diagnostic::error(Location::file(at), message).with_hint(hint), rows));
        }
        out
    }

    /// Errors for `check`: one per file set with too many rejected rows (the rows themselves
    /// are among the warnings).
    pub fn limit_errors(&self) -> Vec<Diagnostic> {
        self.over_limit().into_iter().map(|(d, _)| d).collect()
    }

    /// For `build`: `Err` (exit 1) when a file set has more than its `max_rejected_share` of rows
    /// rejected, carrying the grouped reasons of its rows.
    pub fn check_rejected_share(&self) -> Result<()> {
        let mut all = Vec::new();
        for (error, rows) in self.over_limit() {
            all.push(error);
            all.extend(super::grouped::warnings(&rows));
        }
        match crate::diag::Error::from_diagnostics(crate::diag::ErrorKind::Data, all) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Everything read from the project's inputs.
pub struct Inputs<S, C> {
    pub survey: S,
    pub complaints: Option<C>,
    pub volumes: Option<BTreeMap<YearMonth, f64>>,
    pub actions: Option<Vec<Action>>,
    pub quality: Quality,
    /// The conclusions Markdown, if configured.
    pub conclusions: Option<String>,
    /// The content pages (`content/*.md`), in path order.
    pub content: Vec<super::TextFile>,
    /// Every input file read, as shown in messages (relative to the project folder).
    pub files: Vec<String>,
    /// Survey files dated by their `files` entry's period alone (no date column), with it:
    /// their rows sit in the period's first month.
    pub undated: Vec<(String, crate::period::Period)>,
    /// Earlier periods' published figures (`[history] file`).
    pub history: Option<super::history::History>,
}

/// Reads every input of the project: survey files in parallel ranges, the registers
/// alongside as task 0. Results are merged in a fixed order, so the outcome equals a
/// sequential read. Survey rows go to sinks made by `new_sink`, complaint rows to sinks made
/// by `new_register`.
pub fn load_inputs<S: RowSink, C: ComplaintSink>(
    scope: &Scope,
    cfg: &Config,
    plan: ReadPlan,
    new_sink: impl Fn() -> S + Sync,
    new_register: impl Fn() -> C + Sync,
) -> Result<Inputs<S, C>> {
    let (files, (sink, mut accounts, mut rejections), registers, undated) = match &cfg.survey {
        Some(survey_cfg) => {
            let files = super::resolve_files_in(scope, &survey_cfg.files, "[survey] files")?;
            let reader = SurveyReader::new(survey_cfg);
            let survey = SurveyLoad { reader: &reader, files: &files, plan, new_sink: &new_sink };
            let (survey, registers) =
                survey.load(survey_cfg.check_duplicate_ids, || load_registers(scope, cfg, plan, &new_register));
            let (survey, registers) = (survey?, registers?);
            (files, survey, registers, reader.undated())
        }
        // No survey: an empty sink, and the registers alone.
        None => (
            Vec::new(),
            (new_sink(), Vec::new(), Vec::new()),
            load_registers(scope, cfg, plan, &new_register)?,
            Vec::new(),
        ),
    };
    accounts.extend(registers.accounts);
    rejections.extend(registers.rejections);
    let mut shown: Vec<String> = files.iter().map(|f| f.shown.clone()).collect();
    let mut sets: Vec<FileSet> = cfg
        .survey
        .iter()
        .map(|s| FileSet { section: "[survey]".into(), files: shown.clone(), max_rejected_share: s.max_rejected_share })
        .collect();
    sets.extend(registers.sets);
    shown.extend(registers.shown);
    let conclusions = match &cfg.report.conclusions {
        Some(rel) => Some(super::read_text(scope, rel, "[report] conclusions")?),
        None => None,
    };
    let content = super::read_content(scope)?;
    let history = super::history::read_history(scope, cfg)?;
    Ok(Inputs {
        survey: sink,
        complaints: registers.complaints,
        volumes: registers.volumes,
        actions: registers.actions,
        quality: Quality { files: accounts, rejections, sets },
        conclusions,
        content,
        files: shown,
        undated,
        history,
    })
}

/// A piece of input (survey or register) read as one task: a whole file, or a byte range of one.
pub(super) struct Piece {
    pub file: usize,
    /// The range: from `start` (a line start) to before the first record starting at or
    /// after `stop`.
    pub start: u64,
    pub stop: u64,
    /// The file's first piece, already open; the others are opened by the thread reading
    /// them (so a huge input never holds a file handle per range).
    pub table: Mutex<Option<Table>>,
}

/// Opens every file with `open` (in order, so the first bad file is the one reported) and,
/// when reading in parallel, splits large ones into byte ranges of about `plan.range_bytes`.
pub(super) fn plan_pieces(
    files: &[SourceFile],
    plan: ReadPlan,
    open: impl Fn(&SourceFile) -> Result<Table>,
) -> Result<(Vec<Piece>, Vec<Layout>)> {
    let (mut pieces, mut layouts) = (Vec::new(), Vec::new());
    let target = plan.range_bytes.unwrap_or_else(|| range_bytes(files, plan.threads));
    for (i, f) in files.iter().enumerate() {
        let mut table = open(f)?;
        let ranges = if plan.threads > 1 { table.ranges(target)? } else { vec![(0, u64::MAX)] };
        layouts.push(table.layout());
        table.set_stop(ranges[0].1);
        let mut first = Some(table);
        for &(start, stop) in &ranges {
            pieces.push(Piece { file: i, start, stop, table: Mutex::new(first.take()) });
        }
    }
    Ok((pieces, layouts))
}

/// What one piece contributes. A range's lines count from its own start until the merge
/// knows the lines before it.
struct Part<S> {
    sink: S,
    account: FileAccount,
    rejections: Vec<Rejection>,
    ids: IdCollector,
    /// Second pass: rows whose id may repeat, for the merge to decide.
    held: Vec<HeldRow>,
    /// Where the first record of the piece starts, and where the first record after it starts
    /// (`None`: the end of the file).
    first: Option<Mark>,
    end: Option<Mark>,
}

/// What a read pass does with ids (see `IdCheck`).
#[derive(Clone, Copy)]
enum Pass<'a> {
    Skip,
    Collect,
    Hold(&'a HashSet<u64>),
}

type Loaded<S> = (S, Vec<FileAccount>, Vec<Rejection>);

struct SurveyLoad<'a, S, F: Fn() -> S> {
    reader: &'a SurveyReader<'a>,
    files: &'a [SourceFile],
    plan: ReadPlan,
    new_sink: &'a F,
}

impl<S: RowSink, F: Fn() -> S + Sync> SurveyLoad<'_, S, F> {
    /// Reads all survey files into one sink, with `other` (the registers) as task 0. If some
    /// id may repeat, a second parallel pass holds back the rows with those ids and the merge
    /// keeps the first.
    fn load<T: Send>(&self, check_ids: bool, other: impl Fn() -> T + Sync) -> (Result<Loaded<S>>, T) {
        let pass = if check_ids { Pass::Collect } else { Pass::Skip };
        let (first, other) = self.read_pass(pass, other);
        let result = first.and_then(|(load, ids)| {
            let repeated = ids.finish();
            if repeated.is_empty() {
                return Ok(load);
            }
            let (again, ()) = self.read_pass(Pass::Hold(&repeated), || ());
            again.map(|(load, _)| load)
        });
        (result, other)
    }

    /// One parallel pass over the survey files (and `other` as task 0).
    fn read_pass<T: Send>(&self, pass: Pass, other: impl Fn() -> T + Sync) -> (Result<(Loaded<S>, IdCollector)>, T) {
        let (pieces, layouts) = match plan_pieces(self.files, self.plan, |f| self.reader.open(f)) {
            Ok(p) => p,
            Err(e) => return (Err(e), other()),
        };
        enum Done<T, P> {
            Other(T),
            Part(Result<P>),
        }
        let mut results = parallel_map(pieces.len() + 1, self.plan.threads, |i| {
            if i == 0 {
                return Done::Other(other());
            }
            let piece = &pieces[i - 1];
            let taken = piece.table.lock().unwrap_or_else(|e| e.into_inner()).take();
            let table = match taken {
                Some(t) => Ok(t),
                None => layouts[piece.file].open_range(piece.start, piece.stop),
            };
            Done::Part(table.and_then(|mut t| self.read_part(&mut t, piece.file, pass)))
        })
        .into_iter();
        let Some(Done::Other(other)) = results.next() else { unreachable!("task 0 is the other work") };
        let parts = results.map(|d| match d {
            Done::Part(p) => p,
            Done::Other(_) => unreachable!("only task 0 is the other work"),
        });
        (self.merge_parts(&pieces, &layouts, parts, pass), other)
    }

    fn read_part(&self, table: &mut Table, file: usize, pass: Pass) -> Result<Part<S>> {
        let mut sink = (self.new_sink)();
        let (mut rejections, mut ids, mut held) = (Vec::new(), IdCollector::default(), Vec::new());
        let first = table.next_start()?;
        let check = match pass {
            Pass::Skip => IdCheck::Skip,
            Pass::Collect => IdCheck::Collect(&mut ids),
            Pass::Hold(watch) => IdCheck::Hold { watch, held: &mut held },
        };
        let account = self.reader.read(table, file as u32, check, |row| sink.add(row), |r| rejections.push(r))?;
        let end = table.next_start()?;
        Ok(Part { sink, account, rejections, ids, held, first, end })
    }

    /// Joins the parts in input order into one sink. A range's lines are shifted once the
    /// lines before it are known. A range whose first record is not where the range before it
    /// ended (its start fell inside a quoted value that spans lines) is discarded and read
    /// again from where the range before ended, which is a true record start.
    fn merge_parts(
        &self,
        pieces: &[Piece],
        layouts: &[Layout],
        parts: impl Iterator<Item = Result<Part<S>>>,
        pass: Pass,
    ) -> Result<(Loaded<S>, IdCollector)> {
        let mut sink = (self.new_sink)();
        let (mut accounts, mut rejections): (Vec<FileAccount>, Vec<Rejection>) = (Vec::new(), Vec::new());
        let mut ids = IdCollector::default();
        // Second pass: the possibly repeated ids met so far, in input order.
        let mut seen: HashSet<String> = HashSet::new();
        let mut stitch = Stitch::default();
        for (piece, part) in pieces.iter().zip(parts) {
            let part = part?; // the first failing piece, as a sequential read would report it
            let first = part.first;
            let reread = |e: Mark| {
                layouts[piece.file]
                    .open_range(e.byte, piece.stop)
                    .and_then(|mut t| self.read_part(&mut t, piece.file, pass))
            };
            let Some((mut part, shift, opens)) = stitch.place(piece.file, part, first, reread)? else { continue };
            if opens {
                accounts.push(FileAccount {
                    file: part.account.file.clone(),
                    encoding: part.account.encoding,
                    format: part.account.format,
                    ..Default::default()
                });
            }
            if shift > 0 {
                part.sink.shift_lines(shift);
                for r in &mut part.rejections {
                    r.line += shift;
                }
                for h in &mut part.held {
                    h.pos.line += shift;
                }
            }
            settle_held(&mut part, &mut seen);
            let account = accounts.last_mut().expect("a file's first part opens its account");
            account.add_counts(&part.account);
            sink.merge(&part.sink);
            rejections.extend(part.rejections);
            ids.merge(part.ids);
            stitch.ended(part.end, shift);
        }
        Ok(((sink, accounts, rejections), ids))
    }
}

/// Decides a part's held rows in input order: the first row with an id counts, a later one
/// is rejected as a repeat.
fn settle_held<S: RowSink>(part: &mut Part<S>, seen: &mut HashSet<String>) {
    if part.held.is_empty() {
        return;
    }
    for h in std::mem::take(&mut part.held) {
        if seen.insert(h.id.clone()) {
            h.with_row(|r| part.sink.add(r));
        } else {
            part.account.used -= 1;
            part.account.rejected += 1;
            part.rejections.push(h.repeat(&part.account.file));
        }
    }
    part.rejections.sort_by_key(|r| r.line); // stable: one row has one rejection
}

/// Bytes of a survey file read as one task when files are split into ranges: about four
/// tasks per thread over all files (enough for both cores to finish together, few enough
/// that the parts' sinks held until the merge stay small however large the input: each part
/// has every month's aggregates, and with segment columns every value's; eight per thread
/// measured 4–10% more CPU on the 1M bench), and at least 4 MB.
pub(super) fn range_bytes(files: &[SourceFile], threads: usize) -> u64 {
    let total: u64 = files.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum();
    (total / (threads as u64 * 4)).max(4 << 20)
}

/// The registers: complaints, monthly volumes, actions.
struct Registers<C> {
    complaints: Option<C>,
    volumes: Option<BTreeMap<YearMonth, f64>>,
    actions: Option<Vec<Action>>,
    accounts: Vec<FileAccount>,
    rejections: Vec<Rejection>,
    shown: Vec<String>,
    sets: Vec<FileSet>,
}

impl<C> Registers<C> {
    /// Resolves a file set, reads it, and books its files and rows.
    fn read_set<T>(
        &mut self,
        scope: &Scope,
        patterns: &[crate::config::FileEntry],
        key: &str,
        max_rejected_share: f64,
        read: impl FnOnce(&[SourceFile], &mut Vec<Rejection>) -> Result<(T, Vec<FileAccount>)>,
    ) -> Result<T> {
        let files = super::resolve_files_in(scope, patterns, key)?;
        let (data, accounts) = read(&files, &mut self.rejections)?;
        self.accounts.extend(accounts);
        self.sets.push(FileSet {
            section: key.trim_end_matches(" files").to_string(),
            files: files.iter().map(|f| f.shown.clone()).collect(),
            max_rejected_share,
        });
        self.shown.extend(files.iter().map(|f| f.shown.clone()));
        Ok(data)
    }
}

/// The registers, read while the survey is (as task 0 of its read): the complaint register
/// in ranges on `plan.threads` threads of its own, the small ones sequentially.
fn load_registers<C: ComplaintSink>(
    scope: &Scope,
    cfg: &Config,
    plan: ReadPlan,
    new_register: &(impl Fn() -> C + Sync),
) -> Result<Registers<C>> {
    use super::complaints::read_complaints;
    use super::registers::{read_actions, read_volumes};
    let mut r = Registers {
        complaints: None,
        volumes: None,
        actions: None,
        accounts: Vec::new(),
        rejections: Vec::new(),
        shown: Vec::new(),
        sets: Vec::new(),
    };
    if let Some(k) = &cfg.complaints {
        let data = r.read_set(scope, &k.files, "[complaints] files", k.max_rejected_share, |f, rej| {
            read_complaints(f, k, new_register, plan, |x| rej.push(x))
        })?;
        r.complaints = Some(data);
        if let Some(v) = &k.volume {
            let data = r.read_set(scope, &v.files, "[complaints.volume] files", v.max_rejected_share, |f, rej| {
                read_volumes(f, v, |x| rej.push(x))
            })?;
            r.volumes = Some(data);
        }
    }
    if let Some(a) = &cfg.actions {
        let data = r.read_set(scope, &a.files, "[actions] files", a.max_rejected_share, |f, rej| {
            read_actions(f, a, |x| rej.push(x))
        })?;
        r.actions = Some(data);
    }
    Ok(r)
}

/// Puts the parts of files read in byte ranges back in input order (the survey's and the
/// complaint register's parallel reads): a file's first part counts the file's own lines; a
/// later part is shifted by the lines before it once those are known; a part whose first
/// record is not where the part before ended (its range began inside a quoted value over
/// lines) is read again from there; parts after one that read to the file's end are dropped.
#[derive(Debug)]
pub(super) struct Stitch {
    file: usize,
    /// Where the parts of `file` placed so far end (file lines); `done`: they reach its end.
    end: Option<Mark>,
    done: bool,
}

impl Default for Stitch {
    fn default() -> Self {
        Stitch { file: usize::MAX, end: None, done: false }
    }
}

impl Stitch {
    /// Places the next part of `file` (`first`: where its first record starts): `None` to drop
    /// it, else the part (read again by `reread` from a true record start when needed), the lines
    /// to shift it by and whether it is its file's first.
    pub(super) fn place<P>(
        &mut self,
        file: usize,
        part: P,
        first: Option<Mark>,
        reread: impl FnOnce(Mark) -> Result<P>,
    ) -> Result<Option<(P, u64, bool)>> {
        if file != self.file {
            (self.file, self.done) = (file, false);
            return Ok(Some((part, 0, true)));
        }
        if self.done {
            return Ok(None);
        }
        match (self.end, first) {
            (None, _) => {
                self.done = true; // the part before read to the end of the file
                Ok(None)
            }
            (Some(e), Some(f)) if e.byte == f.byte => Ok(Some((part, e.line - f.line, false))),
            (Some(e), _) => Ok(Some((reread(e)?, e.line - 1, false))),
        }
    }

    /// Records where the part just placed ends (`end` in its own lines, shifted by `shift`).
    pub(super) fn ended(&mut self, end: Option<Mark>, shift: u64) {
        self.end = end.map(|m| Mark { byte: m.byte, line: m.line + shift });
    }
}
