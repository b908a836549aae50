//! The `manyi` command: parse arguments, call the library, print diagnostics once,
//! choose the exit status (0 ok, 1 data errors, 2 config or usage errors).

use clap::{Parser, Subcommand};
use manyi::diag::Severity;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "manyi",
    version,
    about = "Customer-satisfaction reports from survey data: scores, bands, charts, HTML and Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the report site into PROJECT_DIR/public (or --output).
    Build {
        /// Folder holding manyi.toml.
        #[arg(default_value = ".")]
        project_dir: PathBuf,
        /// Period to report: 2026, 2026-Q1, 2026-03, or `all` (every year, one folder each).
        /// Defaults to the latest year in the data.
        #[arg(long)]
        period: Option<String>,
        /// Output folder; replaced as a whole when the build succeeds.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
    },
    /// Validate the config and data without writing anything.
    Check {
        /// Folder holding manyi.toml.
        #[arg(default_value = ".")]
        project_dir: PathBuf,
        /// Treat warnings (rejected rows) as errors, for CI.
        #[arg(long)]
        strict: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let env = manyi::Env::from_process();
    match cli.command {
        Command::Build { project_dir, period, output, timings } => {
            let options = manyi::Options { period, output };
            let result = manyi::settings::Settings::resolve(&project_dir, &options, &env)
                .and_then(|settings| manyi::build(&settings));
            match result {
                Ok(outcome) => {
                    for d in &outcome.diagnostics {
                        eprintln!("{d}");
                    }
                    if outcome.rows_rejected > 0 {
                        eprintln!(
                            "{} row(s) rejected; they are listed in the report's data-quality section and rejected.csv",
                            outcome.rows_rejected
                        );
                    }
                    if timings {
                        for (stage, d) in &outcome.timings {
                            eprintln!("{:>8.1} ms  {stage}", d.as_secs_f64() * 1000.0);
                        }
                    }
                    eprintln!("built {} into {}", outcome.periods.join(", "), outcome.output.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Check { project_dir, strict } => {
            let checked = manyi::settings::Settings::resolve(&project_dir, &manyi::Options::default(), &env)
                .and_then(|settings| manyi::check(&settings));
            match checked {
                Ok(checked) => {
                    let q = &checked.quality;
                    let diags = &checked.diagnostics;
                    for d in diags {
                        eprintln!("{d}");
                    }
                    let warnings = diags.iter().filter(|d| d.severity == Severity::Warning).count();
                    let errors = diags.len() - warnings;
                    let (read, used, rejected) = (q.rows_read(), q.rows_used(), q.rows_rejected());
                    let excluded = match q.rows_excluded() {
                        0 => String::new(),
                        n => format!(", {n} excluded by filters"),
                    };
                    eprintln!("checked {} file(s): {read} rows read, {used} used, {rejected} rejected{excluded}; {errors} error(s), {warnings} warning(s)", checked.files.len());
                    if errors > 0 || (strict && warnings > 0) {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(e) => fail(&e),
            }
        }
    }
}

fn fail(e: &manyi::diag::Error) -> ExitCode {
    eprintln!("{e}");
    ExitCode::from(e.exit_code() as u8)
}
