//! Stage 5: render. One period's figures and charts in, output files out. Each output is a
//! renderer over the same data (mdBook's HTML and Markdown renderers side by side): the HTML
//! page and the Markdown report from tera templates that read `figures`, `t` and `charts`;
//! `summary.json` as the serialisation of the figures; `rejected.csv`; the chart files.
//!
//! Nothing here reads input or writes files; `site` does the writing.

pub mod content;
mod filters;
pub mod markdown;
pub mod method;
pub mod templates;

use crate::analysis::Figures;
use crate::analysis::Rejection;
use crate::charts::Chart;
use crate::config::Config;
use crate::diag::{Error, Location, Result};
use crate::labels::Labels;
pub use crate::site::OutputFile;
use serde::Serialize;
pub use templates::Templates;

/// How many rejected rows the report lists (all are in rejected.csv).
const REJECTIONS_SHOWN: usize = 20;

/// Everything one period's outputs are made from.
pub struct Page<'a> {
    pub config: &'a Config,
    pub figures: &'a Figures,
    pub charts: &'a [Chart],
    /// The user's conclusions and suggestions (Markdown), if any.
    pub conclusions: Option<&'a str>,
    /// The content pages (`content/*.md`), read by ingest, in file order.
    pub content: &'a [crate::ingest::TextFile],
    pub labels: &'a Labels,
    pub templates: &'a Templates,
    /// Whether report.pdf is printed beside the page (`--pdf`): the navigation links it.
    pub pdf: bool,
}

/// The variables every template sees (documented in docs/templates.md).
#[derive(Serialize)]
struct TemplateData<'a> {
    site: Site,
    figures: &'a Figures,
    t: &'a Labels,
    /// Charts by name, in the order the default report shows them.
    charts: indexmap_like::Ordered<'a>,
    method: Vec<String>,
    rejections: Rejections<'a>,
    conclusions: Option<Conclusions>,
    /// The content pages: `front` (files named `00-…`) and `main`.
    content: content::Content,
    /// Whether report.pdf is built beside the page (`--pdf`).
    pdf: bool,
    css: &'a str,
}

/// Site-wide values: the title and the page language.
#[derive(Serialize, Clone)]
pub struct Site {
    pub title: String,
    pub lang: &'static str,
    /// The cover's organisation, report date and sign-off names (`[report]`).
    pub organisation: Option<String>,
    pub date: Option<crate::period::Date>,
    pub prepared_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
}

impl Site {
    pub fn of(config: &Config, t: &Labels) -> Site {
        Site {
            title: config.site.title.clone().unwrap_or_else(|| {
                // A project without a survey reports complaints only.
                t.get(if config.survey.is_some() { "title_default" } else { "title_default_complaints" })
            }),
            lang: config.site.language.code(),
            organisation: config.report.organisation.clone(),
            date: config.report.date,
            prepared_by: config.report.prepared_by.clone(),
            reviewed_by: config.report.reviewed_by.clone(),
            approved_by: config.report.approved_by.clone(),
        }
    }
}

#[derive(Serialize)]
struct Rejections<'a> {
    total: usize,
    /// The first rows, in input order.
    shown: &'a [Rejection],
}

#[derive(Serialize)]
struct Conclusions {
    /// Sanitised HTML for the page.
    html: String,
    /// The Markdown with raw HTML escaped and unsafe links rewritten, for report.md.
    md: String,
}

mod indexmap_like {
    use crate::charts::Chart;
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// Charts serialised as a map in their own order.
    pub struct Ordered<'a>(pub &'a [Chart]);

    impl Serialize for Ordered<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for c in self.0 {
                m.serialize_entry(&c.name, c)?;
            }
            m.end()
        }
    }
}

impl Page<'_> {
    /// The template variables of this page, as JSON (templates and error hints read it).
    fn template_data(&self) -> Result<serde_json::Value> {
        let rejections = &self.figures.data_quality.rejections;
        let content = if self.content.is_empty() {
            content::Content::default()
        } else {
            let figures = serde_json::to_value(self.figures)
                .map_err(|e| Error::data(Location::file("summary.json"), e.to_string()))?;
            content::render_content(self.content, &figures, self.charts, self.config, self.labels)?
        };
        let data = TemplateData {
            site: Site::of(self.config, self.labels),
            figures: self.figures,
            t: self.labels,
            charts: indexmap_like::Ordered(self.charts),
            method: method::method_notes(self.config, self.figures, self.labels),
            rejections: Rejections {
                total: rejections.len(),
                shown: &rejections[..rejections.len().min(REJECTIONS_SHOWN)],
            },
            conclusions: self
                .conclusions
                .map(|m| Conclusions { html: markdown::to_safe_html(m), md: markdown::to_safe_markdown(m) }),
            content,
            pdf: self.pdf,
            css: &self.templates.css,
        };
        serde_json::to_value(&data).map_err(|e| Error::data(Location::file("report"), e.to_string()))
    }
}

/// One output of a period's report.
trait Renderer: Sync {
    fn render(&self, page: &Page, data: &serde_json::Value) -> Result<Vec<OutputFile>>;
}

struct HtmlPage;
struct MarkdownReport;
struct SummaryJson;
struct RejectedCsv;
struct ChartFiles;

/// Every output of a period, in the order they are listed in the folder.
const OUTPUTS: [&dyn Renderer; 5] = [&HtmlPage, &MarkdownReport, &SummaryJson, &RejectedCsv, &ChartFiles];

impl Renderer for HtmlPage {
    fn render(&self, page: &Page, data: &serde_json::Value) -> Result<Vec<OutputFile>> {
        // The page is one file (styles and charts inline): index.html for the site, the same
        // bytes as report.html to mail or print (`--pdf` prints it).
        let html = page.templates.render("report.html", data)?.into_bytes();
        Ok(vec![
            OutputFile { path: "index.html".into(), bytes: html.clone() },
            OutputFile { path: "report.html".into(), bytes: html },
        ])
    }
}

impl Renderer for MarkdownReport {
    fn render(&self, page: &Page, data: &serde_json::Value) -> Result<Vec<OutputFile>> {
        let md = page.templates.render("report.md", data)?;
        Ok(vec![OutputFile { path: "report.md".into(), bytes: md.into_bytes() }])
    }
}

impl Renderer for SummaryJson {
    /// The figures at full precision: the same value templates read as `figures`.
    fn render(&self, page: &Page, _: &serde_json::Value) -> Result<Vec<OutputFile>> {
        let mut json = serde_json::to_vec_pretty(page.figures)
            .map_err(|e| Error::data(Location::file("summary.json"), e.to_string()))?;
        json.push(b'\n');
        Ok(vec![OutputFile { path: "summary.json".into(), bytes: json }])
    }
}

impl Renderer for RejectedCsv {
    /// Every rejected row: file, line, column, reason (in the report's language), code (the
    /// stable name of the reason, `reason_<code>` its label), UTF-8 with BOM so Excel shows
    /// Chinese. A cell a spreadsheet would run as a formula is written as text (see `csv_cell`).
    fn render(&self, page: &Page, _: &serde_json::Value) -> Result<Vec<OutputFile>> {
        let mut out = String::from("\u{FEFF}file,line,column,reason,code\n");
        for r in page.figures.data_quality.rejections.iter() {
            let cells = [
                csv_cell(&r.file),
                r.line.to_string(),
                csv_cell(r.column.as_deref().unwrap_or("")),
                csv_cell(&page.labels.reason(r.reason.code.as_str(), r.reason.params())),
                r.reason.code.as_str().to_string(),
            ];
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        Ok(vec![OutputFile { path: "rejected.csv".into(), bytes: out.into_bytes() }])
    }
}

/// One CSV cell of user text. A cell starting with `=`, `+`, `-`, `@`, tab or carriage return
/// would run as a formula when the file is opened in a spreadsheet (CSV injection): it gets a
/// leading `'` and quotes, the OWASP rule, and reads as text. Other cells are quoted only when
/// they hold a comma, a quote or a line break; quotes are doubled.
fn csv_cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !formula && !text.contains([',', '"', '\n', '\r']) {
        return text.to_string();
    }
    let mut cell = String::with_capacity(text.len() + 4);
    cell.push('"');
    if formula {
        cell.push('\'');
    }
    cell.push_str(&text.replace('"', "\"\""));
    cell.push('"');
    cell
}

impl Renderer for ChartFiles {
    fn render(&self, page: &Page, _: &serde_json::Value) -> Result<Vec<OutputFile>> {
        Ok(page.charts.iter().map(|c| OutputFile { path: c.file.clone(), bytes: c.svg.clone().into_bytes() }).collect())
    }
}

/// Renders one period's report: every output, with paths relative to the period's folder.
pub fn render_period(page: &Page) -> Result<Vec<OutputFile>> {
    let data = page.template_data()?;
    let mut files = Vec::new();
    for output in OUTPUTS {
        files.extend(output.render(page, &data)?);
    }
    Ok(files)
}

/// The archive's root files from every period folder the output holds, `(folder,
/// summary.json)` in any order: `index.html` (the periods newest first with their headline
/// figures, and the yearly index trend) and `archive.json` (the same list as data). Each
/// period's own summary.json is what the root is built from, so the root stays right when
/// periods are built one at a time.
pub fn render_archive(
    templates: &Templates,
    site: &Site,
    t: &Labels,
    periods: &[(String, Vec<u8>)],
) -> Result<Vec<OutputFile>> {
    #[derive(Serialize)]
    struct Entry {
        period: String,
        href: String,
        figures: serde_json::Value,
    }
    #[derive(Serialize)]
    struct Archive<'a> {
        site: &'a Site,
        t: &'a Labels,
        periods: &'a [Entry],
        trend: Option<String>,
        css: &'a str,
    }
    let mut entries: Vec<(crate::period::Period, Entry)> = Vec::with_capacity(periods.len());
    for (folder, bytes) in periods {
        let figures: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            Error::data(
                Location::file(format!("{folder}/summary.json")),
                format!("cannot read the period's summary: {e}"),
            )
            .with_hint("build that period again (manyi build --period …), or delete its folder from the output")
        })?;
        let Some(period) = crate::period::Period::parse(folder) else { continue };
        let figures = headline(folder, &figures);
        entries.push((period, Entry { period: folder.clone(), href: format!("{folder}/index.html"), figures }));
    }
    entries.sort_by(|a, b| crate::period::Period::newest_first(&a.0, &b.0));
    // The trend across the years present (oldest first), when there are two or more.
    let years: Vec<(String, Option<f64>)> = entries
        .iter()
        .rev()
        .filter(|(p, _)| matches!(p, crate::period::Period::Year(_)))
        .filter_map(|(_, e)| {
            let survey = e.figures.get("survey").filter(|s| !s.is_null())?;
            Some((e.period.clone(), survey.get("index").and_then(serde_json::Value::as_f64)))
        })
        .collect();
    let trend = crate::charts::archive_trend(&years, t).map_err(|e| Error::data(Location::file("index.html"), e))?;
    let list: Vec<Entry> = entries.into_iter().map(|(_, e)| e).collect();
    let data = serde_json::to_value(Archive { site, t, periods: &list, trend, css: &templates.css })
        .map_err(|e| Error::data(Location::file("index.html"), e.to_string()))?;
    let html = templates.render("archive.html", &data)?;
    // archive.json: the periods newest first with their headline figures.
    let summary: Vec<serde_json::Value> = list
        .iter()
        .map(|e| {
            serde_json::json!({
                "period": e.period,
                "href": e.href,
                "survey": e.figures["survey"],
                "complaints": e.figures["complaints"],
            })
        })
        .collect();
    let json = serde_json::to_string_pretty(&serde_json::json!({ "periods": summary }))
        .map_err(|e| Error::data(Location::file("archive.json"), e.to_string()))?;
    Ok(vec![
        OutputFile { path: "index.html".into(), bytes: html.into_bytes() },
        OutputFile { path: "archive.json".into(), bytes: json.into_bytes() },
    ])
}

/// The headline figures the archive shows of one period, taken from its summary.json with
/// every field present (`null` when the summary lacks it): a period folder written by an
/// older version, or edited by hand, still lists.
fn headline(folder: &str, f: &serde_json::Value) -> serde_json::Value {
    use serde_json::{json, Value};
    let get = |section: &str, key: &str| f.get(section).and_then(|s| s.get(key)).cloned().unwrap_or(Value::Null);
    let present = |section: &str| f.get(section).is_some_and(|s| s.is_object());
    let survey = present("survey").then(|| {
        json!({
            "index": get("survey", "index"),
            "index_margin": get("survey", "index_margin"),
            "index_band": get("survey", "index_band"),
            "valid": get("survey", "valid"),
            "returned": get("survey", "returned"),
            "verdict": { "status": f.pointer("/survey/verdict/status").cloned().unwrap_or(Value::Null) },
        })
    });
    let complaints = present("complaints").then(|| {
        json!({
            "received": get("complaints", "received"),
            "closed": get("complaints", "closed"),
            "closure_rate": get("complaints", "closure_rate"),
            "as_of": get("complaints", "as_of"),
        })
    });
    json!({ "period": folder, "survey": survey, "complaints": complaints })
}

/// Escapes user text for Markdown: ASCII punctuation that could start markup is
/// backslash-escaped, `<` and `&` become entities, line breaks become spaces, control
/// characters are shown as `\u{1b}`.
pub fn escape_markdown(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let input = crate::diag::visible_controls(input);
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

/// Escapes user text for HTML as tera does, with control characters shown as `\u{1b}` (a
/// page must not carry them: they are invalid in XML and mean nothing to a reader).
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    tera::escape_html(&crate::diag::visible_controls(input), out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_are_text() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1", "\"'+1\""),
            ("-3 lies outside the scale 1–5", "\"'-3 lies outside the scale 1–5\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("data/a.csv", "data/a.csv"),
            ("a,b", "\"a,b\""),
            ("\"2026-13-01\" is not a date", "\"\"\"2026-13-01\"\" is not a date\""),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn escapes_show_control_characters() {
        let mut html = Vec::new();
        escape_html("<b>\u{1b}[31m</b>\n", &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(html.starts_with("&lt;b&gt;\\u{1b}[31m&lt;") && html.ends_with("b&gt;\n"), "{html}");
        let mut md = Vec::new();
        escape_markdown("a\u{7}|b", &mut md).unwrap();
        assert_eq!(String::from_utf8(md).unwrap(), "a\\\\u\\{7\\}\\|b");
    }
}
