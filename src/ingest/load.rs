//! Reading a whole project: survey files split into byte ranges read in parallel (with the
//! registers as one more task), merged in input order, lines shifted, repeated ids resolved by
//! a second pass; then the row accounting (`Quality`) of every file.
//!
//! What the survey rows feed is the caller's business: anything implementing `RowSink`
//! (the analysis stage's accumulator). Ingest never depends on analysis.

use super::ids::IdCollector;
use super::records::Mark;
use super::registers::{Action, ComplaintData};
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
    /// Bytes of a survey file read as one task; `None`: about eight tasks per thread.
    pub range_bytes: Option<u64>,
}

/// Row accounting of the whole build: every row read is used or rejected, per file.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Quality {
    pub files: Vec<FileAccount>,
    pub rejections: Vec<Rejection>,
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

    /// Empty files and rejected rows as warnings, in input order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let empty = self.files.iter().filter(|f| f.read == 0).map(|f| {
            Diagnostic::warning(Location::file(f.file.clone()), "the file has a header but no data rows")
                .with_hint("check that the export contains the data, or remove the file from `files`")
        });
        empty
            .chain(self.rejections.iter().map(|r| {
                let (msg, hint) = match &r.column {
                    Some(c) => (
                        format!("row rejected: column {c}: {}", r.reason),
                        "fix the cell, or leave it blank if it was not answered",
                    ),
                    None => (format!("row rejected: {}", r.reason), "delete the row or fill it in"),
                };
                Diagnostic::warning(r.location(), msg).with_hint(hint)
            }))
            .collect()
    }
}

/// Everything read from the project's inputs.
pub struct Inputs<S> {
    pub survey: S,
    pub complaints: Option<ComplaintData>,
    pub volumes: Option<BTreeMap<YearMonth, f64>>,
    pub actions: Option<Vec<Action>>,
    pub quality: Quality,
    /// The conclusions Markdown, if configured.
    pub conclusions: Option<String>,
    /// Every input file read, as shown in messages (relative to the project folder).
    pub files: Vec<String>,
}

/// Reads every input of the project: survey files in parallel ranges, the registers
/// alongside as task 0. Results are merged in a fixed order, so the outcome equals a
/// sequential read.
pub fn load_inputs<S: RowSink>(
    scope: &Scope,
    cfg: &Config,
    plan: ReadPlan,
    new_sink: impl Fn() -> S + Sync,
) -> Result<Inputs<S>> {
    let (files, (sink, mut accounts, mut rejections), registers) = match &cfg.survey {
        Some(survey_cfg) => {
            let files = super::resolve_files_in(scope, &survey_cfg.files, "[survey] files")?;
            let reader = SurveyReader::new(survey_cfg);
            let survey = SurveyLoad { reader: &reader, files: &files, plan, new_sink: &new_sink };
            let (survey, registers) = survey.load(survey_cfg.check_duplicate_ids, || load_registers(scope, cfg));
            (files, survey?, registers?)
        }
        // No survey: an empty sink, and the registers alone.
        None => (Vec::new(), (new_sink(), Vec::new(), Vec::new()), load_registers(scope, cfg)?),
    };
    accounts.extend(registers.accounts);
    rejections.extend(registers.rejections);
    let mut shown: Vec<String> = files.iter().map(|f| f.shown.clone()).collect();
    shown.extend(registers.shown);
    let conclusions = match &cfg.report.conclusions {
        Some(rel) => Some(super::read_text(scope, rel, "[report] conclusions")?),
        None => None,
    };
    Ok(Inputs {
        survey: sink,
        complaints: registers.complaints,
        volumes: registers.volumes,
        actions: registers.actions,
        quality: Quality { files: accounts, rejections },
        conclusions,
        files: shown,
    })
}

/// A piece of survey input read as one task: a whole file, or a byte range of one.
struct Piece {
    file: usize,
    /// The range: from `start` (a line start) to before the first record starting at or
    /// after `stop`.
    start: u64,
    stop: u64,
    /// The file's first piece, already open; the others are opened by the thread reading
    /// them (so a huge input never holds a file handle per range).
    table: Mutex<Option<Table>>,
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
        let (pieces, layouts) = match self.plan_pieces() {
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

    /// Opens every survey file (in order, so the first bad file is the one reported) and, when
    /// reading in parallel, splits large ones into byte ranges.
    fn plan_pieces(&self) -> Result<(Vec<Piece>, Vec<Layout>)> {
        let (mut pieces, mut layouts) = (Vec::new(), Vec::new());
        let threads = self.plan.threads;
        let target = self.plan.range_bytes.unwrap_or_else(|| range_bytes(self.files, threads));
        for (i, f) in self.files.iter().enumerate() {
            let mut table = self.reader.open(f)?;
            let ranges = if threads > 1 { table.ranges(target)? } else { vec![(0, u64::MAX)] };
            layouts.push(table.layout());
            table.set_stop(ranges[0].1);
            let mut first = Some(table);
            for &(start, stop) in &ranges {
                pieces.push(Piece { file: i, start, stop, table: Mutex::new(first.take()) });
            }
        }
        Ok((pieces, layouts))
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
        let mut file = usize::MAX;
        // Where the parts of `file` merged so far end (file lines); `done`: they reach its end.
        let (mut end, mut done): (Option<Mark>, bool) = (None, false);
        for (piece, part) in pieces.iter().zip(parts) {
            let mut part = part?; // the first failing piece, as a sequential read would report it
            let shift = if piece.file != file {
                file = piece.file;
                done = false;
                accounts.push(FileAccount {
                    file: part.account.file.clone(),
                    encoding: part.account.encoding,
                    ..Default::default()
                });
                0 // a file's first part counts the file's own lines
            } else if done {
                continue;
            } else {
                match (end, part.first) {
                    (None, _) => {
                        done = true; // the part before read to the end of the file
                        continue;
                    }
                    (Some(e), Some(f)) if e.byte == f.byte => e.line - f.line,
                    (Some(e), _) => {
                        let mut table = layouts[file].open_range(e.byte, piece.stop)?;
                        part = self.read_part(&mut table, file, pass)?;
                        e.line - 1
                    }
                }
            };
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
            account.read += part.account.read;
            account.used += part.account.used;
            account.rejected += part.account.rejected;
            sink.merge(&part.sink);
            rejections.extend(part.rejections);
            ids.merge(part.ids);
            end = part.end.map(|m| Mark { byte: m.byte, line: m.line + shift });
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
            part.sink.add(&h.row());
        } else {
            part.account.used -= 1;
            part.account.rejected += 1;
            part.rejections.push(h.repeat(&part.account.file));
        }
    }
    part.rejections.sort_by_key(|r| r.line); // stable: one row has one rejection
}

/// Bytes of a survey file read as one task when files are split into ranges: about eight
/// tasks per thread over all files (enough for both cores to finish together, few enough
/// that the parts' sinks held until the merge stay small however large the input), and at
/// least 4 MB.
fn range_bytes(files: &[SourceFile], threads: usize) -> u64 {
    let total: u64 = files.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum();
    (total / (threads as u64 * 8)).max(4 << 20)
}

/// The registers: complaints, monthly volumes, actions.
#[derive(Default)]
struct Registers {
    complaints: Option<ComplaintData>,
    volumes: Option<BTreeMap<YearMonth, f64>>,
    actions: Option<Vec<Action>>,
    accounts: Vec<FileAccount>,
    rejections: Vec<Rejection>,
    shown: Vec<String>,
}

impl Registers {
    /// Resolves a file set, reads it, and books its files and rows.
    fn read_set<T>(
        &mut self,
        scope: &Scope,
        patterns: &[String],
        key: &str,
        read: impl FnOnce(&[SourceFile], &mut Vec<Rejection>) -> Result<(T, Vec<FileAccount>)>,
    ) -> Result<T> {
        let files = super::resolve_files_in(scope, patterns, key)?;
        let (data, accounts) = read(&files, &mut self.rejections)?;
        self.accounts.extend(accounts);
        self.shown.extend(files.iter().map(|f| f.shown.clone()));
        Ok(data)
    }
}

fn load_registers(scope: &Scope, cfg: &Config) -> Result<Registers> {
    use super::registers::{read_actions, read_complaints, read_volumes};
    let mut r = Registers::default();
    if let Some(k) = &cfg.complaints {
        let data =
            r.read_set(scope, &k.files, "[complaints] files", |f, rej| read_complaints(f, k, |x| rej.push(x)))?;
        r.complaints = Some(data);
        if let Some(v) = &k.volume {
            let data =
                r.read_set(scope, &v.files, "[complaints.volume] files", |f, rej| read_volumes(f, v, |x| rej.push(x)))?;
            r.volumes = Some(data);
        }
    }
    if let Some(a) = &cfg.actions {
        let data = r.read_set(scope, &a.files, "[actions] files", |f, rej| read_actions(f, a, |x| rej.push(x)))?;
        r.actions = Some(data);
    }
    Ok(r)
}
