//! Stage 5: render. Analysis results in, page bytes out: HTML and Markdown from the same
//! view data through tera templates, and `summary.json` at full precision.
//!
//! Nothing here reads input or writes files; `site` does the writing.

mod complaints_view;
pub mod format;
pub mod labels;
pub mod markdown;
mod view;

use crate::analysis::complaints::{ActionResult, ComplaintResult};
use crate::analysis::survey::SurveyResult;
use crate::config::Config;
use crate::diag::{Error, Location, Result};
use crate::ingest::{FileAccount, Rejection};
pub use labels::Labels;

const REPORT_HTML: &str = include_str!("../../themes/default/templates/report.html");
const REPORT_MD: &str = include_str!("../../themes/default/templates/report.md");
const ARCHIVE_HTML: &str = include_str!("../../themes/default/templates/archive.html");
const STYLE_CSS: &str = include_str!("../../themes/default/style.css");

/// A labelled value, as shown in key-figure tables.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Pair {
    pub label: String,
    pub value: String,
}

fn chart_err(name: &str, e: String) -> Error {
    Error::data(Location::file(format!("charts/{name}.svg")), format!("cannot draw the chart: {e}"))
}

/// A file of the output folder: path relative to it (with `/`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Row accounting of the whole build, shown in every report's data-quality section.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Quality {
    pub files: Vec<FileAccount>,
    pub rejections: Vec<Rejection>,
}

/// Everything one period's report is made from.
pub struct PeriodReport<'a> {
    pub config: &'a Config,
    pub survey: &'a SurveyResult,
    pub complaints: Option<&'a ComplaintResult>,
    pub actions: Option<&'a ActionResult>,
    /// The user's conclusions and suggestions (Markdown), if any.
    pub conclusions: Option<&'a str>,
    pub quality: &'a Quality,
}

/// The machine-readable summary: every figure at full precision.
#[derive(serde::Serialize)]
struct Summary<'a> {
    period: &'a str,
    manyi_version: &'static str,
    survey: &'a SurveyResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    complaints: Option<&'a ComplaintResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actions: Option<&'a ActionResult>,
    data_quality: QualitySummary<'a>,
}

#[derive(serde::Serialize)]
struct QualitySummary<'a> {
    files: &'a [FileAccount],
    rows_read: u64,
    rows_used: u64,
    rows_rejected: u64,
}

struct Engines {
    html: tera::Tera,
    md: tera::Tera,
}

fn template_error(name: &str, e: tera::Error) -> Error {
    Error::data(Location::file(format!("themes/default/templates/{name}")), format!("template error: {e}"))
}

fn engines() -> Result<Engines> {
    let mut html = tera::Tera::new();
    html.add_raw_templates([("report.html", REPORT_HTML), ("archive.html", ARCHIVE_HTML)])
        .map_err(|e| template_error("report.html", e))?;
    let mut md = tera::Tera::new();
    md.autoescape_on([".md"]);
    md.set_escape_fn(escape_markdown);
    md.add_raw_template("report.md", REPORT_MD).map_err(|e| template_error("report.md", e))?;
    Ok(Engines { html, md })
}

/// Escapes user text for Markdown: ASCII punctuation that could start markup is
/// backslash-escaped, `<` and `&` become entities, line breaks become spaces.
pub fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut s = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '<' => s.push_str("&lt;"),
            '&' => s.push_str("&amp;"),
            '\n' | '\r' => s.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '>' | '!' | '~' | '{' | '}' => {
                s.push('\\');
                s.push(c);
            }
            _ => s.push(c),
        }
    }
    out.write_all(s.as_bytes())
}

/// Renders one period's report: `index.html`, `report.md`, `summary.json`, `charts/*.svg`
/// and `rejected.csv`, with paths relative to the period's folder.
pub fn render_period(r: &PeriodReport) -> Result<Vec<OutputFile>> {
    let engines = engines()?;
    let labels = Labels::for_language(r.config.site.language);
    let view = view::build(r, &labels, STYLE_CSS)?;
    let ctx = tera::Context::from_serialize(&view.data).map_err(|e| template_error("report.html", e))?;
    let html = engines.html.render("report.html", &ctx).map_err(|e| template_error("report.html", e))?;
    let md = engines.md.render("report.md", &ctx).map_err(|e| template_error("report.md", e))?;

    let q = &r.quality;
    let summary = Summary {
        period: &r.survey.period,
        manyi_version: env!("CARGO_PKG_VERSION"),
        survey: r.survey,
        complaints: r.complaints,
        actions: r.actions,
        data_quality: QualitySummary {
            files: &q.files,
            rows_read: q.files.iter().map(|f| f.read).sum(),
            rows_used: q.files.iter().map(|f| f.used).sum(),
            rows_rejected: q.files.iter().map(|f| f.rejected).sum(),
        },
    };
    let mut json =
        serde_json::to_vec_pretty(&summary).map_err(|e| Error::data(Location::file("summary.json"), e.to_string()))?;
    json.push(b'\n');

    let mut files = vec![
        OutputFile { path: "index.html".into(), bytes: html.into_bytes() },
        OutputFile { path: "report.md".into(), bytes: md.into_bytes() },
        OutputFile { path: "summary.json".into(), bytes: json },
        OutputFile { path: "rejected.csv".into(), bytes: rejected_csv(&q.rejections)? },
    ];
    for (name, svg) in view.charts {
        files.push(OutputFile { path: format!("charts/{name}.svg"), bytes: svg.into_bytes() });
    }
    Ok(files)
}

/// Every rejected row: file, line, column, reason (UTF-8 with BOM so Excel shows Chinese).
fn rejected_csv(rows: &[Rejection]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| Error::data(Location::file("rejected.csv"), e.to_string());
    w.write_record(["file", "line", "column", "reason"]).map_err(fail)?;
    for r in rows {
        w.write_record([r.file.as_str(), &r.line.to_string(), r.column.as_deref().unwrap_or(""), &r.reason])
            .map_err(fail)?;
    }
    w.into_inner().map_err(|e| Error::data(Location::file("rejected.csv"), e.to_string()))
}

/// One entry of the archive page that links the reports of several periods.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArchiveEntry {
    pub period: String,
    pub href: String,
    pub index: String,
    pub band: String,
    pub valid: u64,
    pub verdict: String,
}

/// The root page of a multi-period build, linking each period's report.
pub fn render_archive(config: &Config, entries: &[ArchiveEntry]) -> Result<OutputFile> {
    let engines = engines()?;
    let labels = Labels::for_language(config.site.language);
    let mut ctx = tera::Context::new();
    ctx.insert("lang", config.site.language.code());
    ctx.insert("title", &config.site.title.clone().unwrap_or_else(|| labels.get("title_default")));
    ctx.insert("t", &labels);
    ctx.insert("entries", entries);
    ctx.insert("css", STYLE_CSS);
    let html = engines.html.render("archive.html", &ctx).map_err(|e| template_error("archive.html", e))?;
    Ok(OutputFile { path: "index.html".into(), bytes: html.into_bytes() })
}
