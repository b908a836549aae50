//! manyi (满意): a static-site generator for customer-satisfaction measurement.
//!
//! The pipeline runs one way, each stage a module of plain data:
//! `settings` → `ingest` → `analysis` → `charts` → `render` → `site`.
//! Only `ingest` reads input and only `site` writes output.

pub mod analysis;
pub mod charts;
pub mod config;
pub mod diag;
pub mod ingest;
pub mod init;
pub mod labels;
pub mod number;
pub mod parallel;
pub mod pdf;
pub mod period;
pub mod platform;
pub mod render;
pub mod serve;
pub mod settings;
pub mod site;
pub mod suggest;

use analysis::survey::{SurveyModel, Tally};
use analysis::Figures;
use charts::Chart;
use diag::{Diagnostic, Result};
use ingest::ReadPlan;
use labels::Labels;
use render::{OutputFile, Page, Site, Templates};
use settings::Settings;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use settings::{Env, Options, PeriodChoice};

/// What `check` reports: the row accounting of every input file.
pub struct Checked {
    pub quality: ingest::Quality,
    /// Every input file read, as shown in messages.
    pub files: Vec<String>,
    /// Every warning: empty files and rejected rows, then doubtful periods; then an error for
    /// each file set with more than its `max_rejected_share` of rows rejected.
    pub diagnostics: Vec<Diagnostic>,
}

/// Stages settings → ingest: reads every input and accounts for every row.
pub fn check(settings: &Settings) -> Result<Checked> {
    let model = SurveyModel::from_config(&settings.config);
    let inputs = load(settings, &model)?;
    let mut diagnostics = diagnostics(&settings.config, &inputs);
    diagnostics.extend(inputs.quality.limit_errors());
    Ok(Checked { quality: inputs.quality, files: inputs.files, diagnostics })
}

/// The warnings of a load: empty files and rejected rows, then doubtful periods.
fn diagnostics(cfg: &config::Config, inputs: &analysis::Loaded) -> Vec<Diagnostic> {
    let mut all = inputs.quality.diagnostics();
    all.extend(analysis::period_warnings(cfg, inputs));
    all
}

/// Reads every input into the survey accumulator of `model` and the registers.
pub fn load<'m>(settings: &Settings, model: &'m SurveyModel) -> Result<analysis::Loaded<'m>> {
    let plan = ReadPlan { threads: settings.threads, range_bytes: settings.range_bytes };
    let cfg = &settings.config;
    let (pareto, cutoff) = (cfg.complaints.as_ref().map_or(0, |k| k.pareto.len()), cfg.report.cutoff_date());
    ingest::load_inputs(
        &scope(settings),
        cfg,
        plan,
        || Tally::new(model),
        || analysis::register::ComplaintAcc::new(pareto, cutoff),
    )
}

/// What a build produced.
pub struct BuildOutcome {
    pub output: PathBuf,
    pub periods: Vec<String>,
    /// Every warning: empty files and rejected rows, then doubtful periods.
    pub diagnostics: Vec<Diagnostic>,
    /// Input rows rejected.
    pub rows_rejected: u64,
    /// Wall time of each stage, for `--timings`.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Times the steps of a build.
struct Steps<'p> {
    last: Instant,
    timings: Vec<(&'static str, Duration)>,
    /// Told what the build does next (`manyi build` shows it on a terminal).
    progress: &'p dyn Fn(&str),
}

impl Steps<'_> {
    fn done(&mut self, step: &'static str) {
        let now = Instant::now();
        self.timings.push((step, now - self.last));
        self.last = now;
    }

    fn next(&self, what: &str) {
        (self.progress)(what);
    }
}

/// Runs the whole pipeline and writes the site: a flat list of timed steps.
pub fn build(settings: &Settings) -> Result<BuildOutcome> {
    build_with_progress(settings, &|_| {})
}

/// `build`, telling `progress` before each step what it does ("reading 3 files (12.4 MB)").
pub fn build_with_progress(settings: &Settings, progress: &dyn Fn(&str)) -> Result<BuildOutcome> {
    let mut steps = Steps { last: Instant::now(), timings: Vec::new(), progress };
    site::check_output(&settings.output, &[&settings.root])?;
    let (labels, templates) = load_theme(settings)?;
    steps.done("settings and templates");
    steps.next("reading the input files");

    let model = SurveyModel::from_config(&settings.config);
    let inputs = load(settings, &model)?;
    inputs.quality.check_rejected_share()?;
    steps.done("load (ingest, aggregate)");
    let rows = inputs.quality.rows_read();
    steps.next(&format!("summarizing {rows} rows"));

    let periods = analysis::choose_periods(&settings.config, &inputs, &settings.periods)?;
    let figures = summarize(settings, &model, &inputs, &periods)?;
    steps.done("summarize");
    steps.next(&format!("drawing the charts of {} period(s)", figures.len()));

    let charts = draw(settings, &labels, &figures)?;
    steps.done("chart");
    steps.next(&format!("rendering {} period(s)", figures.len()));

    let files = render(settings, &labels, &templates, &inputs, &figures, &charts)?;
    steps.done("render");
    let pdf = if settings.pdf_browser.is_some() { " and printing report.pdf" } else { "" };
    steps.next(&format!("writing {}{pdf}", settings.output.display()));

    let mut protected: Vec<PathBuf> = vec![settings.root.clone()];
    protected.extend(inputs.files.iter().map(|f| settings.root.join(f)));
    let options = site::WriteOptions {
        lock_wait: settings.lock_wait,
        pause_before_swap: settings.pause_before_swap,
        pdf_browser: settings.pdf_browser.clone(),
    };
    let site_info = Site::of(&settings.config, &labels);
    let root = |all: &[(String, Vec<u8>)]| render::render_archive(&templates, &site_info, &labels, all);
    site::write_archive(&settings.output, &protected, &files, &options, &root)?;
    steps.done("write site");

    let mut diagnostics = diagnostics(&settings.config, &inputs);
    diagnostics.extend(figures.iter().filter_map(over_returned));
    diagnostics.extend(figures.iter().flat_map(low_alpha));
    diagnostics.extend(figures.iter().filter_map(p_chart_over_one));
    diagnostics.extend(figures.iter().filter_map(as_of_before_period));
    Ok(BuildOutcome {
        output: settings.output.clone(),
        periods: periods.iter().map(|p| p.to_string()).collect(),
        diagnostics,
        rows_rejected: inputs.quality.rows_rejected(),
        timings: steps.timings,
    })
}

/// A warning when a p chart (complaints as a share of the volume) has a month with more
/// complaints than units: the volume is not a count of the things complained about, and the
/// chart is meaningless (a share over 100%); a u chart (rate per unit) fits such a volume.
fn p_chart_over_one(f: &Figures) -> Option<Diagnostic> {
    let ch = f.complaints.as_ref()?.rate_chart.as_ref()?;
    if !matches!(ch.kind, "p" | "laney-p") {
        return None;
    }
    let months: Vec<&str> = ch.points.iter().filter(|p| p.value > 1.0).map(|p| p.label.as_str()).collect();
    let first = months.first()?;
    let message = format!(
        "{}: the {} chart has {} month(s) with more complaints than volume units (first {first}): a share over 100%",
        f.period,
        ch.kind,
        months.len()
    );
    Some(Diagnostic::warning(diag::Location::file(config::CONFIG_FILE), message).with_hint(
        "use chart = \"u\" (or \"laney-u\") under [complaints.volume] when the volume is not the number of units complaints are counted among",
    ))
}

/// A warning when the status date lies before the period starts: every complaint of the
/// period would count as received after it.
fn as_of_before_period(f: &Figures) -> Option<Diagnostic> {
    let as_of = f.complaints.as_ref().map(|c| c.as_of).or(f.actions.as_ref().map(|a| a.as_of))?;
    (as_of < f.period.first_day()).then(|| {
        Diagnostic::warning(
            diag::Location::file("--as-of"),
            format!("{}: the status date {as_of} is before the period starts ({})", f.period, f.period.first_day()),
        )
        .with_hint("choose a status date inside or after the period (--as-of or [report] cutoff)")
    })
}

/// A warning when a period has more questionnaires returned than issued: a return rate over
/// 100% means a wrong plan, or survey rows counted twice or dated in the wrong period.
fn over_returned(f: &Figures) -> Option<Diagnostic> {
    let s = f.survey.as_ref()?;
    let issued = s.issued.filter(|issued| s.returned > *issued)?;
    let rate = s.return_rate.map(|r| format!(" (return rate {})", number::pct(r, 0))).unwrap_or_default();
    let message = format!("{}: {} questionnaires returned but {issued} issued{rate}", f.period, s.returned);
    Some(Diagnostic::warning(diag::Location::file(config::CONFIG_FILE), message).with_hint(format!(
        "check issued in the [[survey.plans]] entry for {}, and that no survey file is listed twice or holds rows of another period",
        f.period
    )))
}

/// A warning per dimension whose items agree poorly (Cronbach's α below 0.6): its score
/// may mix things that do not belong together.
fn low_alpha(f: &Figures) -> Vec<Diagnostic> {
    let Some(s) = f.survey.as_ref() else { return Vec::new() };
    s.dimensions
        .iter()
        .filter_map(|d| {
            let alpha = d.reliability.alpha.filter(|a| *a < analysis::precision::ALPHA_WARN)?;
            let message = format!(
                "{}: dimension \"{}\" has Cronbach's alpha {} (below {}, over {} complete answers): its items agree poorly",
                f.period,
                d.name,
                number::fixed(alpha, 3),
                number::shortest(analysis::precision::ALPHA_WARN),
                d.reliability.n
            );
            Some(Diagnostic::warning(diag::Location::file(config::CONFIG_FILE), message).with_hint(
                "check that every item of the dimension is scored in the same direction and measures the same thing",
            ))
        })
        .collect()
}

/// The labels and templates of the build, in layers, later ones replacing earlier ones file by
/// file (labels key by key): the embedded default theme, the project's theme
/// (`[site] theme`: `themes/<name>/`), then the project's `templates/` and `[labels]`.
/// Every file is read by ingest.
pub fn load_theme(settings: &Settings) -> Result<(Labels, Templates)> {
    let scope = scope(settings);
    let language = settings.config.site.language;
    let mut labels = Labels::for_language(language);
    let mut overrides = Vec::new();
    if let Some(name) = &settings.config.site.theme {
        let label_files = [config::Language::ZhCn, config::Language::En].map(labels::file_name);
        let theme = ingest::read_theme(&scope, name, &render::templates::template_names(), &label_files)?;
        overrides.extend(theme.templates);
        for (file_name, file) in &theme.labels {
            // Both languages' files are checked; the report's language's is used.
            let lang = if file_name == labels::file_name(config::Language::En) {
                config::Language::En
            } else {
                config::Language::ZhCn
            };
            let themed = Labels::for_language(lang).with_theme_file(&file.text, &file.shown)?;
            if lang == language {
                labels = themed;
            }
        }
    }
    let project = ingest::read_overrides(&scope, "templates", &render::templates::names())?;
    overrides.extend(
        project.into_iter().map(|(n, text)| (n.clone(), ingest::TextFile { shown: format!("templates/{n}"), text })),
    );
    let labels = labels.with_overrides(settings.config.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let templates = Templates::load(&overrides, labels.clone(), language.code())?;
    Ok((labels, templates))
}

/// Where inputs may be read from: the project folder (or anywhere, when allowed), never the output.
fn scope(settings: &Settings) -> ingest::Scope {
    ingest::Scope::new(&settings.root, settings.config.site.allow_outside_project).skipping(&settings.output)
}

/// Every figure of every period, computed in parallel and collected in order.
fn summarize(
    settings: &Settings,
    model: &SurveyModel,
    inputs: &analysis::Loaded,
    periods: &[period::Period],
) -> Result<Vec<Figures>> {
    let threads = settings.threads.min(periods.len()).max(1);
    let quality = analysis::DataQuality::of(&inputs.quality);
    parallel::parallel_map(periods.len(), threads, |i| {
        analysis::summarize_period(&settings.config, model, inputs, &quality, periods[i])
    })
    .into_iter()
    .collect()
}

/// Every chart of every period, drawn from its figures.
fn draw(settings: &Settings, labels: &Labels, figures: &[Figures]) -> Result<Vec<Vec<Chart>>> {
    let columns: &[String] = settings.config.complaints.as_ref().map_or(&[], |k| &k.pareto);
    let threads = settings.threads.min(figures.len()).max(1);
    parallel::parallel_map(figures.len(), threads, |i| charts::draw_charts(&figures[i], columns, labels))
        .into_iter()
        .collect()
}

/// Every output file of the periods built: each period's report in its own `{period}/`
/// folder (the archive's root files are rendered when the site is written, from every period
/// the output then holds).
fn render(
    settings: &Settings,
    labels: &Labels,
    templates: &Templates,
    inputs: &analysis::Loaded,
    figures: &[Figures],
    charts: &[Vec<Chart>],
) -> Result<Vec<OutputFile>> {
    let threads = settings.threads.min(figures.len()).max(1);
    let rendered = parallel::parallel_map(figures.len(), threads, |i| {
        render::render_period(&Page {
            config: &settings.config,
            figures: &figures[i],
            charts: &charts[i],
            conclusions: inputs.conclusions.as_deref(),
            content: &inputs.content,
            labels,
            templates,
            pdf: settings.pdf_browser.is_some(),
        })
    });
    let mut files = Vec::new();
    for (f, pages) in figures.iter().zip(rendered) {
        let folder = f.period.to_string();
        files.extend(pages?.into_iter().map(|p| OutputFile { path: format!("{folder}/{}", p.path), bytes: p.bytes }));
    }
    Ok(files)
}
