//! manyi (满意): a static-site generator for customer-satisfaction measurement.
//!
//! The pipeline runs one way, each stage a module of plain data:
//! `config` → `ingest` → `analysis` → `charts` → `render` → `site`.
//! Only `ingest` reads input and only `site` writes output.

pub mod analysis;
pub mod charts;
pub mod config;
pub mod diag;
pub mod ingest;
pub mod number;
pub mod period;
pub mod render;
pub mod site;

use analysis::complaints::{summarize_actions, summarize_complaints, Names};
use analysis::survey::{summarize, SurveyAcc, SurveyModel, VerdictStatus};
use config::Project;
use diag::{Diagnostic, Error, Location, Result};
use ingest::registers::{Action, ComplaintData};
use ingest::survey::IdCheck;
use period::Period;
use period::YearMonth;
use render::{ArchiveEntry, OutputFile, PeriodReport, Quality};
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Which periods to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    /// The latest year present in the data.
    Latest,
    /// Every year present, each in its own folder, plus an archive page.
    All,
    One(Period),
}

impl PeriodChoice {
    pub fn parse(text: Option<&str>) -> Result<PeriodChoice> {
        match text {
            None => Ok(PeriodChoice::Latest),
            Some(t) if t.eq_ignore_ascii_case("all") => Ok(PeriodChoice::All),
            Some(t) => Period::parse(t).map(PeriodChoice::One).ok_or_else(|| {
                Error::config(Location::file("--period"), format!("\"{t}\" is not a period"))
                    .with_hint("write a year (2026), a quarter (2026-Q1), a month (2026-03) or all")
            }),
        }
    }
}

/// The project's data, read and aggregated: what `check` validates and `build` renders.
pub struct Loaded {
    pub project: Project,
    pub model: SurveyModel,
    pub survey: SurveyAcc,
    pub complaints: Option<ComplaintData>,
    pub volumes: Option<BTreeMap<YearMonth, f64>>,
    pub actions: Option<Vec<Action>>,
    pub quality: Quality,
    /// The conclusions Markdown, if configured.
    pub conclusions: Option<String>,
    /// Every input file read, as shown in messages.
    pub files: Vec<String>,
}

impl Loaded {
    /// Row-level problems as warnings, in input order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let empty = self.quality.files.iter().filter(|f| f.read == 0).map(|f| {
            Diagnostic::warning(Location::file(f.file.clone()), "the file has a header but no data rows")
                .with_hint("check that the export contains the data, or remove the file from `files`")
        });
        empty
            .chain(self.quality.rejections.iter().map(|r| {
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

/// Worker threads for reading: `MANYI_THREADS` if set (1 = sequential), else the CPU count.
fn worker_count() -> usize {
    std::env::var("MANYI_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n: &usize| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Runs `task(0..n)` on up to `threads` threads, each taking the next index when it is free;
/// the results come back in index order, so they never depend on which thread ran what.
fn parallel_map<T: Send>(n: usize, threads: usize, task: impl Fn(usize) -> T + Sync) -> Vec<T> {
    use std::sync::{atomic::AtomicUsize, atomic::Ordering, Mutex};
    if threads <= 1 || n <= 1 {
        return (0..n).map(task).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = (0..n).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(n) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let out = task(i);
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(out);
            });
        }
    });
    slots.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every task ran")).collect()
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
    table: std::sync::Mutex<Option<ingest::table::Table>>,
}

/// What one piece contributes. A range's lines count from its own start until `merge_parts`
/// knows the lines before it.
struct SurveyPart {
    acc: SurveyAcc,
    account: ingest::FileAccount,
    rejections: Vec<ingest::Rejection>,
    ids: ingest::ids::IdCollector,
    /// Second pass: rows whose id may repeat, for the merge to decide.
    held: Vec<ingest::survey::HeldRow>,
    /// Where the first record of the piece starts, and where the first record after it starts
    /// (`None`: the end of the file).
    first: Option<ingest::records::Mark>,
    end: Option<ingest::records::Mark>,
}

/// What a read pass does with ids (see `ingest::survey::IdCheck`).
#[derive(Clone, Copy)]
enum Pass<'a> {
    Skip,
    Collect,
    Hold(&'a HashSet<u64>),
}

fn read_part(
    reader: &ingest::survey::SurveyReader,
    table: &mut ingest::table::Table,
    file: usize,
    pass: Pass,
    model: &SurveyModel,
) -> Result<SurveyPart> {
    let mut acc = SurveyAcc::new(model);
    let (mut rejections, mut ids, mut held) = (Vec::new(), ingest::ids::IdCollector::default(), Vec::new());
    let first = table.next_start()?;
    let check = match pass {
        Pass::Skip => IdCheck::Skip,
        Pass::Collect => IdCheck::Collect(&mut ids),
        Pass::Hold(watch) => IdCheck::Hold { watch, held: &mut held },
    };
    let account = reader.read(table, file as u32, check, |row| acc.add(model, row), |r| rejections.push(r))?;
    let end = table.next_start()?;
    Ok(SurveyPart { acc, account, rejections, ids, held, first, end })
}

type SurveyLoad = (SurveyAcc, Vec<ingest::FileAccount>, Vec<ingest::Rejection>);

/// Opens every survey file (in order, so the first bad file is the one reported) and, when
/// reading in parallel, splits large ones into byte ranges.
fn plan_survey(
    reader: &ingest::survey::SurveyReader,
    files: &[ingest::SourceFile],
    threads: usize,
) -> Result<(Vec<Piece>, Vec<ingest::table::Layout>)> {
    let (mut pieces, mut layouts) = (Vec::new(), Vec::new());
    let target = ingest::range_bytes(files, threads);
    for (i, f) in files.iter().enumerate() {
        let mut table = reader.open(f)?;
        let ranges = if threads > 1 { table.ranges(target)? } else { vec![(0, u64::MAX)] };
        layouts.push(table.layout());
        table.set_stop(ranges[0].1);
        let mut first = Some(table);
        for &(start, stop) in &ranges {
            pieces.push(Piece { file: i, start, stop, table: std::sync::Mutex::new(first.take()) });
        }
    }
    Ok((pieces, layouts))
}

/// Joins the parts in input order into one accumulator. A range's lines are shifted once the
/// lines before it are known. A range whose first record is not where the range before it
/// ended (its start fell inside a quoted value that spans lines) is discarded and read again
/// from where the range before ended, which is a true record start.
fn merge_parts(
    reader: &ingest::survey::SurveyReader,
    pieces: &[Piece],
    layouts: &[ingest::table::Layout],
    parts: Vec<Result<SurveyPart>>,
    pass: Pass,
    model: &SurveyModel,
) -> Result<(SurveyLoad, ingest::ids::IdCollector)> {
    use ingest::records::Mark;
    let mut acc = SurveyAcc::new(model);
    let (mut accounts, mut rejections): (Vec<ingest::FileAccount>, Vec<ingest::Rejection>) = (Vec::new(), Vec::new());
    let mut ids = ingest::ids::IdCollector::default();
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
            accounts.push(ingest::FileAccount { file: part.account.file.clone(), ..Default::default() });
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
                    part = read_part(reader, &mut table, file, pass, model)?;
                    e.line - 1
                }
            }
        };
        if shift > 0 {
            part.acc.shift_lines(shift);
            for r in &mut part.rejections {
                r.line += shift;
            }
            for h in &mut part.held {
                h.pos.line += shift;
            }
        }
        if !part.held.is_empty() {
            // In input order: the first row with an id counts, a later one is rejected.
            for h in std::mem::take(&mut part.held) {
                if seen.insert(h.id.clone()) {
                    part.acc.add(model, &h.row());
                } else {
                    part.account.used -= 1;
                    part.account.rejected += 1;
                    part.rejections.push(h.repeat(&part.account.file));
                }
            }
            part.rejections.sort_by_key(|r| r.line); // stable: one row has one rejection
        }
        let account = accounts.last_mut().expect("a file's first part opens its account");
        account.read += part.account.read;
        account.used += part.account.used;
        account.rejected += part.account.rejected;
        acc.merge(&part.acc);
        rejections.extend(part.rejections);
        ids.merge(part.ids);
        end = part.end.map(|m| Mark { byte: m.byte, line: m.line + shift });
    }
    Ok(((acc, accounts, rejections), ids))
}

/// Reads all survey files into one accumulator: files split into ranges read in parallel,
/// alongside `other` (the registers), which runs as the first task. If some id may repeat,
/// a second parallel pass holds back the rows with those ids and the merge keeps the first.
fn load_survey<T: Send>(
    files: &[ingest::SourceFile],
    cfg: &config::SurveyConfig,
    model: &SurveyModel,
    threads: usize,
    other: impl Fn() -> T + Sync,
) -> (Result<SurveyLoad>, T) {
    let reader = ingest::survey::SurveyReader::new(cfg);
    let pass = if cfg.check_duplicate_ids { Pass::Collect } else { Pass::Skip };
    let (first, other) = read_pass(&reader, files, model, threads, pass, other);
    let result = first.and_then(|(load, ids)| {
        let repeated = ids.finish();
        if repeated.is_empty() {
            return Ok(load);
        }
        let (again, ()) = read_pass(&reader, files, model, threads, Pass::Hold(&repeated), || ());
        again.map(|(load, _)| load)
    });
    (result, other)
}

/// One parallel pass over the survey files (and `other` as task 0).
fn read_pass<T: Send>(
    reader: &ingest::survey::SurveyReader,
    files: &[ingest::SourceFile],
    model: &SurveyModel,
    threads: usize,
    pass: Pass,
    other: impl Fn() -> T + Sync,
) -> (Result<(SurveyLoad, ingest::ids::IdCollector)>, T) {
    let (pieces, layouts) = match plan_survey(reader, files, threads) {
        Ok(p) => p,
        Err(e) => return (Err(e), other()),
    };
    enum Done<T> {
        Other(T),
        Part(Result<SurveyPart>),
    }
    let mut results = parallel_map(pieces.len() + 1, threads, |i| {
        if i == 0 {
            return Done::Other(other());
        }
        let piece = &pieces[i - 1];
        let taken = piece.table.lock().unwrap_or_else(|e| e.into_inner()).take();
        let table = match taken {
            Some(t) => Ok(t),
            None => layouts[piece.file].open_range(piece.start, piece.stop),
        };
        Done::Part(table.and_then(|mut t| read_part(reader, &mut t, piece.file, pass, model)))
    })
    .into_iter();
    let Some(Done::Other(other)) = results.next() else { unreachable!("task 0 is the other work") };
    let parts: Vec<Result<SurveyPart>> = results
        .map(|d| match d {
            Done::Part(p) => p,
            Done::Other(_) => unreachable!("only task 0 is the other work"),
        })
        .collect();
    (merge_parts(reader, &pieces, &layouts, parts, pass, model), other)
}

/// The registers: complaints, monthly volumes, actions.
#[derive(Default)]
struct Registers {
    complaints: Option<ComplaintData>,
    volumes: Option<BTreeMap<YearMonth, f64>>,
    actions: Option<Vec<Action>>,
    accounts: Vec<ingest::FileAccount>,
    rejections: Vec<ingest::Rejection>,
    shown: Vec<String>,
}

fn load_registers(root: &Path, cfg: &config::Config) -> Result<Registers> {
    let mut r = Registers::default();
    // Resolves a file set, reads it, and books its files and rows.
    fn read_set<T>(
        r: &mut Registers,
        root: &Path,
        patterns: &[String],
        key: &str,
        read: impl FnOnce(&[ingest::SourceFile], &mut Vec<ingest::Rejection>) -> Result<(T, Vec<ingest::FileAccount>)>,
    ) -> Result<T> {
        let files = ingest::resolve_files(root, patterns, key)?;
        let (data, accounts) = read(&files, &mut r.rejections)?;
        r.accounts.extend(accounts);
        r.shown.extend(files.iter().map(|f| f.shown.clone()));
        Ok(data)
    }
    if let Some(k) = &cfg.complaints {
        let data = read_set(&mut r, root, &k.files, "[complaints] files", |f, rej| {
            ingest::registers::read_complaints(f, k, |x| rej.push(x))
        })?;
        r.complaints = Some(data);
        if let Some(v) = &k.volume {
            let data = read_set(&mut r, root, &v.files, "[complaints.volume] files", |f, rej| {
                ingest::registers::read_volumes(f, v, |x| rej.push(x))
            })?;
            r.volumes = Some(data);
        }
    }
    if let Some(a) = &cfg.actions {
        let data = read_set(&mut r, root, &a.files, "[actions] files", |f, rej| {
            ingest::registers::read_actions(f, a, |x| rej.push(x))
        })?;
        r.actions = Some(data);
    }
    Ok(r)
}

/// Stages config → ingest → analysis. Survey files are read in parallel and the registers
/// alongside; results are merged in a fixed order, so the outcome equals a sequential read.
pub fn load(root: &Path) -> Result<Loaded> {
    let project = config::load_project(root)?;
    let cfg = &project.config;
    let model = SurveyModel::from_config(cfg);
    let files = ingest::resolve_files(root, &cfg.survey.files, "[survey] files")?;
    let threads = worker_count();
    let (survey, registers) = load_survey(&files, &cfg.survey, &model, threads, || load_registers(root, cfg));
    let (survey, mut accounts, mut rejections) = survey?;
    let registers = registers?;
    accounts.extend(registers.accounts);
    rejections.extend(registers.rejections);
    let mut shown: Vec<String> = files.iter().map(|f| f.shown.clone()).collect();
    shown.extend(registers.shown);
    let conclusions = match &cfg.report.conclusions {
        Some(rel) => Some(ingest::read_text(root, rel, "[report] conclusions")?),
        None => None,
    };
    Ok(Loaded {
        conclusions,
        files: shown,
        quality: Quality { files: accounts, rejections },
        project,
        model,
        survey,
        complaints: registers.complaints,
        volumes: registers.volumes,
        actions: registers.actions,
    })
}

/// What a build produced.
pub struct BuildOutcome {
    pub output: PathBuf,
    pub periods: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time of each stage, for `--timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Runs the whole pipeline and writes the site.
/// Summarizes and renders one period: its pages (paths relative to its folder) and its
/// entry on the archive page.
fn render_one(loaded: &Loaded, period: Period) -> Result<(Vec<OutputFile>, ArchiveEntry)> {
    let cfg = &loaded.project.config;
    let issued = cfg.survey.issued_for(period);
    let result = summarize(&loaded.model, &loaded.survey, period, issued).ok_or_else(|| no_data(loaded, period))?;
    let labels = render::Labels::for_language(cfg.site.language);
    let cutoff = cfg.report.cutoff_date();
    let (other, blank) = (labels.get("c_other"), labels.get("c_blank"));
    let names = Names { other: &other, blank: &blank };
    let complaints = cfg
        .complaints
        .as_ref()
        .zip(loaded.complaints.as_ref())
        .map(|(k, data)| summarize_complaints(k, data, loaded.volumes.as_ref(), period, cutoff, &names));
    let actions = loaded.actions.as_ref().map(|a| summarize_actions(a, cutoff.unwrap_or_else(|| period.last_day())));
    let pages = render::render_period(&PeriodReport {
        config: cfg,
        survey: &result,
        complaints: complaints.as_ref(),
        actions: actions.as_ref(),
        conclusions: loaded.conclusions.as_deref(),
        quality: &loaded.quality,
    })?;
    let entry = ArchiveEntry {
        period: period.to_string(),
        href: format!("{period}/index.html"),
        index: render::format::score(result.index),
        band: result.index_band.clone().unwrap_or_default(),
        valid: result.valid,
        verdict: labels.get(match result.verdict.status {
            VerdictStatus::Valid => "status_valid",
            VerdictStatus::Invalid => "status_invalid",
            VerdictStatus::NoPlan => "status_no_plan",
        }),
    };
    Ok((pages, entry))
}

/// Runs the whole pipeline and writes the site. Periods are rendered in parallel and
/// collected in order.
pub fn build(root: &Path, choice: PeriodChoice, output: Option<&Path>) -> Result<BuildOutcome> {
    let start = std::time::Instant::now();
    let loaded = load(root)?;
    let loaded_at = start.elapsed();
    let out = output.map(Path::to_path_buf).unwrap_or_else(|| root.join("public"));
    let periods = choose_periods(&loaded, choice)?;
    let cfg = &loaded.project.config;
    let threads = worker_count().min(periods.len()).max(1);
    let rendered = parallel_map(periods.len(), threads, |i| render_one(&loaded, periods[i]));
    let mut files: Vec<OutputFile> = Vec::new();
    let mut entries = Vec::new();
    let nested = choice == PeriodChoice::All;
    for (period, r) in periods.iter().zip(rendered) {
        let (pages, entry) = r?;
        let prefix = if nested { format!("{period}/") } else { String::new() };
        files.extend(pages.into_iter().map(|f| OutputFile { path: format!("{prefix}{}", f.path), bytes: f.bytes }));
        entries.push(entry);
    }
    if nested {
        entries.reverse(); // newest first
        files.push(render::render_archive(cfg, &entries)?);
    }
    let rendered_at = start.elapsed();
    let data_files: Vec<PathBuf> = loaded.files.iter().map(|f| root.join(f)).collect();
    let mut protected: Vec<&Path> = vec![root];
    protected.extend(data_files.iter().map(PathBuf::as_path));
    site::write_site(&out, &protected, &files)?;
    let timings = vec![
        ("load (config, ingest, aggregate)", loaded_at),
        ("summarize and render", rendered_at - loaded_at),
        ("write site", start.elapsed() - rendered_at),
    ];
    Ok(BuildOutcome {
        output: out,
        periods: periods.iter().map(|p| p.to_string()).collect(),
        timings,
        diagnostics: loaded.diagnostics(),
    })
}

fn choose_periods(loaded: &Loaded, choice: PeriodChoice) -> Result<Vec<Period>> {
    let latest = loaded.survey.latest_year().ok_or_else(|| {
        Error::data(
            Location::file(loaded.files.join(", ")),
            "no usable survey responses: every row was rejected or the files are empty",
        )
        .with_hint("run `manyi check` to see why each row was rejected")
    })?;
    Ok(match choice {
        PeriodChoice::Latest => vec![Period::Year(latest)],
        PeriodChoice::One(p) => vec![p],
        PeriodChoice::All => loaded.survey.periods_like(Period::Year(latest)),
    })
}

fn no_data(loaded: &Loaded, period: Period) -> Error {
    let months = &loaded.survey.months;
    let span = match (months.keys().next(), months.keys().next_back()) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "nothing".into(),
    };
    Error::config(
        Location::file("--period"),
        format!("no survey responses are dated in {period}; the data covers {span}"),
    )
    .with_hint("choose a period inside the data, or leave out --period for the latest year")
}
