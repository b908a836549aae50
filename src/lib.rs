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

/// What one survey file contributes; merged in file order so the result never depends on
/// which thread read which file.
struct SurveyPart {
    acc: SurveyAcc,
    accounts: Vec<ingest::FileAccount>,
    rejections: Vec<ingest::Rejection>,
    hashes: Vec<u64>,
}

fn read_survey_file(
    files: &[ingest::SourceFile],
    i: usize,
    cfg: &config::SurveyConfig,
    model: &SurveyModel,
) -> Result<SurveyPart> {
    let mut part =
        SurveyPart { acc: SurveyAcc::new(model), accounts: Vec::new(), rejections: Vec::new(), hashes: Vec::new() };
    let (acc, rejections) = (&mut part.acc, &mut part.rejections);
    let ids = if cfg.check_duplicate_ids { IdCheck::Collect(&mut part.hashes) } else { IdCheck::Skip };
    part.accounts = ingest::survey::read_survey(
        &files[i..=i],
        i as u32,
        cfg,
        ids,
        |row| acc.add(model, row),
        |r| rejections.push(r),
    )?;
    Ok(part)
}

type SurveyLoad = (SurveyAcc, Vec<ingest::FileAccount>, Vec<ingest::Rejection>);

/// Reads all survey files, in parallel when there are several, into one accumulator.
fn load_survey(
    files: &[ingest::SourceFile],
    cfg: &config::SurveyConfig,
    model: &SurveyModel,
    threads: usize,
) -> Result<SurveyLoad> {
    use std::sync::{atomic::AtomicUsize, atomic::Ordering, Mutex};
    let n = files.len();
    let parts: Vec<Result<SurveyPart>> = if threads <= 1 || n <= 1 {
        (0..n).map(|i| read_survey_file(files, i, cfg, model)).collect()
    } else {
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<Result<SurveyPart>>>> = (0..n).map(|_| Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..threads.min(n) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let part = read_survey_file(files, i, cfg, model);
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(part);
                });
            }
        });
        slots
            .into_iter()
            .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every file was read"))
            .collect()
    };
    let mut acc = SurveyAcc::new(model);
    let (mut accounts, mut rejections) = (Vec::new(), Vec::new());
    // Reserve exactly, so gathering the parts' hashes never holds a doubled buffer.
    let total: usize = parts.iter().map(|p| p.as_ref().map_or(0, |p| p.hashes.len())).sum();
    let mut hashes = Vec::with_capacity(total);
    for part in parts {
        let part = part?; // the first failing file, as a sequential read would report it
        acc.merge(&part.acc);
        accounts.extend(part.accounts);
        rejections.extend(part.rejections);
        hashes.extend(part.hashes);
    }
    hashes.sort_unstable();
    let repeated: HashSet<u64> = hashes.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
    drop(hashes);
    if repeated.is_empty() {
        return Ok((acc, accounts, rejections));
    }
    // Some id hash repeats: read again in order, comparing those ids exactly.
    let mut acc = SurveyAcc::new(model);
    let mut rejections = Vec::new();
    let mut seen = HashSet::new();
    let accounts = ingest::survey::read_survey(
        files,
        0,
        cfg,
        IdCheck::Exact { watch: &repeated, seen: &mut seen },
        |row| acc.add(model, row),
        |r| rejections.push(r),
    )?;
    Ok((acc, accounts, rejections))
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
    let (survey, registers) = std::thread::scope(|scope| {
        let registers = (threads > 1).then(|| scope.spawn(|| load_registers(root, cfg)));
        let survey = load_survey(&files, &cfg.survey, &model, threads);
        let registers = match registers {
            Some(handle) => handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            None => load_registers(root, cfg),
        };
        (survey, registers)
    });
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
    let rendered: Vec<Result<(Vec<OutputFile>, ArchiveEntry)>> = if threads == 1 {
        periods.iter().map(|p| render_one(&loaded, *p)).collect()
    } else {
        std::thread::scope(|scope| {
            let chunks: Vec<_> = periods
                .chunks(periods.len().div_ceil(threads))
                .map(|chunk| scope.spawn(|| chunk.iter().map(|p| render_one(&loaded, *p)).collect::<Vec<_>>()))
                .collect();
            chunks.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        })
    };
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
