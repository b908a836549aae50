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
    about = "Customer-satisfaction reports from survey data and complaint registers: scores, bands, \
             Pareto and control charts, HTML and Markdown",
    after_help = concat!(
        "Examples:\n",
        "  manyi init my-report                 write a ready-to-edit project (add --language en)\n",
        "  manyi build my-report                build the latest year into my-report/public\n",
        "  manyi check --strict my-report       validate config and data, fail on warnings (CI)\n",
        "  manyi serve my-report                preview on http://127.0.0.1:1111/, rebuilt on changes\n",
        "\n",
        "Colour is used on terminals only; set NO_COLOR to turn it off.\n",
        "Exit status: 0 ok; 1 a data or build error; 2 a usage or config error."
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the report site into PROJECT_DIR/public (or --output).
    #[command(after_help = concat!(
        "Examples:\n",
        "  manyi build                          the project in this folder, latest year\n",
        "  manyi build my-report --period 2026-Q3\n",
        "  manyi build my-report --period all   every year, one folder each, with an archive page\n",
        "  manyi build my-report --as-of 2026-09-30 --output site\n",
        "  manyi build my-report --pdf          also report.pdf, printed by Chromium (MANYI_CHROME)\n",
        "\n",
        "Exit status: 0 ok; 1 a data or build error; 2 a usage or config error."
    ))]
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
        /// Judge complaint and action status as of this date (YYYY-MM-DD) instead of
        /// `[report] cutoff` or the period's last day.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Print errors only: no warnings, no summary line.
        #[arg(long, short)]
        quiet: bool,
        /// Also print each report to report.pdf (A4) with a local Chromium or Chrome, found on
        /// PATH or named by MANYI_CHROME.
        #[arg(long)]
        pdf: bool,
    },
    /// Validate the config and data without writing anything.
    #[command(after_help = concat!(
        "Examples:\n",
        "  manyi check my-report\n",
        "  manyi check --strict my-report       exit 1 on warnings too (rejected rows), for CI\n",
        "\n",
        "Exit status: 0 ok; 1 data errors (or warnings with --strict); 2 a usage or config error."
    ))]
    Check {
        /// Folder holding manyi.toml.
        #[arg(default_value = ".")]
        project_dir: PathBuf,
        /// Treat warnings (rejected rows) as errors, for CI.
        #[arg(long)]
        strict: bool,
    },
    /// Build, serve the site on 127.0.0.1 and rebuild when a file of the project changes;
    /// open pages reload after a rebuild, or show its error over the last good site.
    #[command(after_help = concat!(
        "Examples:\n",
        "  manyi serve my-report                http://127.0.0.1:1111/\n",
        "  manyi serve my-report --port 8080 --period 2026-Q3\n",
        "\n",
        "Stop it with Ctrl-C. Exit status: 1 a build error at start; 2 a usage or config error."
    ))]
    Serve {
        /// Folder holding manyi.toml.
        #[arg(default_value = ".")]
        project_dir: PathBuf,
        /// Port on 127.0.0.1 (0: any free port, printed at start).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Period to report, as for build.
        #[arg(long)]
        period: Option<String>,
        /// Status date, as for build.
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Write a ready-to-edit example project (config, survey data, complaint register,
    /// conclusions) into DIR, which must be empty or not exist yet; with --theme, write the
    /// default theme into DIR/themes/custom/ for editing instead.
    #[command(after_help = concat!(
        "Examples:\n",
        "  manyi init my-report && manyi build my-report\n",
        "  manyi init --language en my-report\n",
        "  manyi init --theme my-report         the default theme in my-report/themes/custom/;\n",
        "                                       use it with theme = \"custom\" under [site]\n",
        "\n",
        "Exit status: 0 ok; 1 the files could not be written; 2 DIR is not empty or a bad option."
    ))]
    Init {
        /// Folder to create (or an empty one).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Language of the config comments, column names and report: zh-CN or en.
        #[arg(long, default_value = "zh-CN", value_parser = ["zh-CN", "en"])]
        language: String,
        /// Write the default theme (templates, style.css, labels of both languages) into
        /// DIR/themes/custom/ for editing; DIR is a project folder, nothing else is changed.
        /// Refused when DIR/themes/custom exists.
        #[arg(long, conflicts_with = "language")]
        theme: bool,
    },
}

/// Colour on a terminal only, and never when `NO_COLOR` is set to anything but empty
/// (https://no-color.org).
fn use_color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
    let color = use_color();
    match cli.command {
        Command::Build { project_dir, period, output, as_of, timings, quiet, pdf } => {
            let options = manyi::Options { period, output, as_of, pdf };
            // On a terminal (and without --quiet), one status line shows the step under way.
            let live = !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
            let progress = |what: &str| {
                if live {
                    eprint!("\r\u{1b}[2K{what}…");
                }
            };
            let result = manyi::settings::Settings::resolve(&project_dir, &options, &env)
                .and_then(|settings| manyi::build_with_progress(&settings, &progress));
            if live {
                eprint!("\r\u{1b}[2K");
            }
            match result {
                Ok(_) if quiet => ExitCode::SUCCESS,
                Ok(outcome) => {
                    for d in &outcome.diagnostics {
                        eprintln!("{}", d.painted(color));
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
                Err(e) => fail(&e, color),
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
                        eprintln!("{}", d.painted(color));
                    }
                    let warnings = diags.iter().filter(|d| d.severity == Severity::Warning).count();
                    let errors = diags.len() - warnings;
                    let (read, used, rejected) = (q.rows_read(), q.rows_used(), q.rows_rejected());
                    let excluded = match q.rows_excluded() {
                        0 => String::new(),
                        n => format!(", {n} excluded (filters, platform exclusions)"),
                    };
                    eprintln!("checked {} file(s): {read} rows read, {used} used, {rejected} rejected{excluded}; {errors} error(s), {warnings} warning(s)", checked.files.len());
                    if errors > 0 || (strict && warnings > 0) {
                        ExitCode::from(1)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(e) => fail(&e, color),
            }
        }
        Command::Serve { project_dir, port, period, as_of } => {
            let options = manyi::Options { period, output: None, as_of, pdf: false };
            let served = manyi::serve::serve(&project_dir, &options, &env, port, |addr| {
                eprintln!("serving http://{addr}/ — rebuilding on changes; stop with Ctrl-C");
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e, color),
            }
        }
        Command::Init { dir, theme: true, .. } => match manyi::init::init_theme(&dir) {
            Ok(written) => {
                eprintln!(
                    "wrote {} files into {}; use the theme with theme = \"custom\" under [site] in manyi.toml",
                    written.len(),
                    dir.join(manyi::init::THEME_FOLDER).display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, color),
        },
        Command::Init { dir, language, theme: false } => match manyi::init::init(&dir, &language) {
            Ok(written) => {
                eprintln!(
                    "wrote {} files into {}; build the example with: manyi build {}",
                    written.len(),
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e, color),
        },
    }
}

fn fail(e: &manyi::diag::Error, color: bool) -> ExitCode {
    eprintln!("{}", e.painted(color));
    ExitCode::from(e.exit_code() as u8)
}
