//! Settings resolved once: the validated `manyi.toml` plus everything a run decides from its
//! command line and environment (periods, output folder, threads). Later stages read typed
//! values from here and never look at the environment or raw strings again.

use crate::config::{self, Config};
use crate::diag::{Error, Location, Result};
use crate::period::Period;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Which periods to report; each goes into its own `{period}/` folder of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodChoice {
    /// The latest year present in the data.
    Latest,
    /// Periods given (`--period 2026-Q3,2026` or `[build] periods`); `all` stands for every
    /// year present in the data.
    List { all_years: bool, periods: Vec<Period> },
}

impl PeriodChoice {
    /// `--period` (a comma-separated list), else `[build] periods`, else the latest year.
    pub fn parse(text: Option<&str>, configured: &[crate::config::PeriodSpec]) -> Result<PeriodChoice> {
        use crate::config::PeriodSpec;
        let specs: Vec<PeriodSpec> = match text {
            None => configured.to_vec(),
            Some(t) => t
                .split(',')
                .map(|part| {
                    PeriodSpec::parse(part).ok_or_else(|| {
                        Error::config(Location::file("--period"), format!("\"{}\" is not a period", part.trim()))
                            .with_hint(
                                "write a year (2026), a quarter (2026-Q1), a month (2026-03) or all, \
                                 several separated by commas (2026-Q3,2026)",
                            )
                    })
                })
                .collect::<Result<_>>()?,
        };
        if specs.is_empty() {
            return Ok(PeriodChoice::Latest);
        }
        let all_years = specs.contains(&PeriodSpec::All);
        let mut periods: Vec<Period> = specs
            .iter()
            .filter_map(|s| match s {
                PeriodSpec::One(p) => Some(*p),
                PeriodSpec::All => None,
            })
            .collect();
        periods.sort();
        periods.dedup();
        Ok(PeriodChoice::List { all_years, periods })
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--period`, unparsed.
    pub period: Option<String>,
    /// `--output`; `PROJECT/public` when absent.
    pub output: Option<PathBuf>,
    /// `--as-of`, unparsed: replaces `[report] cutoff`.
    pub as_of: Option<String>,
    /// `--pdf`: print each report.html to report.pdf with a local Chromium or Chrome.
    pub pdf: bool,
}

/// The environment variables manyi honours, read in this one place.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `MANYI_THREADS`: worker threads (1 = sequential).
    pub threads: Option<usize>,
    /// `MANYI_RANGE_BYTES`: bytes of a survey file read as one task (tests use tiny ranges).
    pub range_bytes: Option<u64>,
    /// `MANYI_TEST_PAUSE_BEFORE_SWAP_MS`: a test hook that pauses before the output swap.
    pub pause_before_swap: Option<Duration>,
    /// `MANYI_OUTPUT_LOCK_WAIT_SECS`: how long a build waits for another build writing the same
    /// output folder (0: fail at once); [`DEFAULT_LOCK_WAIT`] when unset.
    pub output_lock_wait: Option<Duration>,
    /// `MANYI_CHROME`: the browser `--pdf` prints with (default: Chromium or Chrome on PATH).
    pub chrome: Option<PathBuf>,
    /// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC): the report date when `[report] date` is
    /// not set (reproducible-builds.org).
    pub source_date_epoch: Option<i64>,
}

/// How long a build waits for the output lock unless `MANYI_OUTPUT_LOCK_WAIT_SECS` says otherwise.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(120);

impl Env {
    pub fn from_process() -> Env {
        fn var<T: std::str::FromStr>(name: &str) -> Option<T> {
            std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
        }
        Env {
            threads: var::<usize>("MANYI_THREADS").filter(|n| *n > 0),
            range_bytes: var::<u64>("MANYI_RANGE_BYTES").filter(|n| *n > 0),
            pause_before_swap: var::<u64>("MANYI_TEST_PAUSE_BEFORE_SWAP_MS").map(Duration::from_millis),
            output_lock_wait: var::<u64>("MANYI_OUTPUT_LOCK_WAIT_SECS").map(Duration::from_secs),
            source_date_epoch: var::<i64>("SOURCE_DATE_EPOCH"),
            chrome: std::env::var_os("MANYI_CHROME").filter(|v| !v.is_empty()).map(PathBuf::from),
        }
    }
}

/// Everything a run needs to know, checked before any data is read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The project folder (holds `manyi.toml`).
    pub root: PathBuf,
    pub config: Config,
    pub periods: PeriodChoice,
    pub output: PathBuf,
    /// Worker threads for reading and rendering.
    pub threads: usize,
    /// Bytes of a survey file read as one task; `None`: derived from the input size.
    pub range_bytes: Option<u64>,
    pub pause_before_swap: Option<Duration>,
    /// How long the write step waits for another build holding the output folder.
    pub lock_wait: Duration,
    /// With `--pdf`: the browser that prints report.pdf (found before any data is read).
    pub pdf_browser: Option<PathBuf>,
}

impl Settings {
    /// Reads and validates the project's config and resolves the run's options.
    pub fn resolve(root: &Path, options: &Options, env: &Env) -> Result<Settings> {
        let period_text = options.period.as_deref();
        let as_of = options
            .as_of
            .as_deref()
            .map(|t| {
                crate::period::parse_date(t).ok_or_else(|| {
                    Error::config(Location::file("--as-of"), format!("\"{t}\" is not a date"))
                        .with_hint("write the cut-off date as 2026-09-30")
                })
            })
            .transpose()?;
        let mut project = config::load_project(root)?;
        let periods = PeriodChoice::parse(period_text, &project.config.build.periods)?;
        if as_of.is_some() {
            project.config.report.cutoff = as_of;
        }
        if project.config.report.date.is_none() {
            project.config.report.date =
                env.source_date_epoch.and_then(|s| crate::period::Date::from_days(s.div_euclid(86_400)));
        }
        let output = options.output.clone().unwrap_or_else(|| root.join("public"));
        Ok(Settings {
            root: project.root,
            config: project.config,
            periods,
            output,
            threads: env.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            range_bytes: env.range_bytes,
            pause_before_swap: env.pause_before_swap,
            lock_wait: env.output_lock_wait.unwrap_or(DEFAULT_LOCK_WAIT),
            pdf_browser: if options.pdf { Some(crate::pdf::find_browser(env.chrome.as_deref())?) } else { None },
        })
    }
}
