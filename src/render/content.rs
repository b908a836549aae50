//! Content pages: the project's `content/*.md` files as sections of the report (a foreword,
//! an improvement plan, conclusions), each titled by its first `# heading` and sanitised like
//! the conclusions file. Shortcodes quote the period's figures and charts:
//! `{{ figure(path="survey.index") }}`, `{{ figure(path="complaints.closure_rate", format="pct") }}`,
//! `{{ chart(name="pareto-1") }}`. Numbers are written by `crate::number`, as the templates'
//! filters write them; a name that does not exist is an error at the file, line and column.

use super::markdown;
use crate::charts::Chart;
use crate::config::Config;
use crate::diag::{Diagnostic, Error, ErrorKind, Location, Result};
use crate::ingest::TextFile;
use crate::labels::Labels;
use crate::number::{self, DASH};
use serde::Serialize;
use serde_json::Value;
use std::ops::Range;

/// A file whose name starts with this goes before the report's figures (a foreword); the
/// others after the conclusions, before the method notes and the data-quality appendix.
pub const FRONT_PREFIX: &str = "00-";

/// The content pages of one period, as templates see them (`content.front`, `content.main`).
#[derive(Debug, Serialize, Default)]
pub struct Content {
    pub front: Vec<Section>,
    pub main: Vec<Section>,
}

/// One content page.
#[derive(Debug, Serialize)]
pub struct Section {
    /// The file, relative to the project (`content/10-plan.md`).
    pub file: String,
    /// The anchor of the section in the page: `content-1`, `content-2`… in file order.
    pub id: String,
    /// The first level-1 heading, as plain text.
    pub title: String,
    /// The rest as sanitised HTML (headings one level down, charts inline).
    pub html: String,
    /// The rest as Markdown for report.md (raw HTML escaped, charts as image links).
    pub md: String,
}

/// Every content page of a period, with its shortcodes filled from `figures` (the period's
/// figures as JSON) and `charts`. All problems of all pages are reported together.
pub fn render_content(
    files: &[TextFile],
    figures: &Value,
    charts: &[Chart],
    config: &Config,
    t: &Labels,
) -> Result<Content> {
    let mut content = Content::default();
    let mut problems = Vec::new();
    for (i, file) in files.iter().enumerate() {
        match render_section(file, i + 1, figures, charts, config, t) {
            Ok(section) => {
                let name = file.shown.rsplit('/').next().unwrap_or_default();
                if name.starts_with(FRONT_PREFIX) { &mut content.front } else { &mut content.main }.push(section)
            }
            Err(e) => problems.extend(e.diagnostics().cloned()),
        }
    }
    match Error::from_diagnostics(ErrorKind::Config, problems) {
        Some(e) => Err(e),
        None => Ok(content),
    }
}

fn render_section(
    file: &TextFile,
    n: usize,
    figures: &Value,
    charts: &[Chart],
    config: &Config,
    t: &Labels,
) -> Result<Section> {
    let md = file.text.strip_prefix('\u{FEFF}').unwrap_or(&file.text);
    let mut problems = Vec::new();
    let code = markdown::code_ranges(md);
    let (mut for_html, mut for_md) = (String::with_capacity(md.len()), String::with_capacity(md.len()));
    let mut drawn: Vec<&Chart> = Vec::new();
    let mut at = 0;
    for (start, _) in md.match_indices("{{") {
        if start < at || code.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let here = |offset: usize| {
            let (line, col) = crate::config::line_col(md, offset);
            Location::at(file.shown.clone(), line, Some(col))
        };
        let code = match parse_shortcode(md, start) {
            Ok(code) => code,
            Err((offset, message)) => {
                problems.push(Diagnostic::error(here(offset), message).with_hint(SYNTAX_HINT));
                at = start + 2;
                continue;
            }
        };
        for_html.push_str(&md[at..start]);
        for_md.push_str(&md[at..start]);
        at = code.range.end;
        match fill(&code, figures, charts, config, t) {
            Ok(Filled::Text(text)) => {
                let text = escaped(&text);
                for_html.push_str(&text);
                for_md.push_str(&text);
            }
            Ok(Filled::Chart(chart)) => {
                for_html.push_str(&markdown::chart_token(drawn.len()));
                for_md.push_str(&format!("![{}]({})", escaped(&chart.title), chart.file));
                drawn.push(chart);
            }
            Err((offset, message, hint)) => {
                let d = Diagnostic::error(here(offset), message);
                problems.push(if hint.is_empty() { d } else { d.with_hint(hint) });
            }
        }
    }
    for_html.push_str(&md[at..]);
    for_md.push_str(&md[at..]);
    if let Some(e) = Error::from_diagnostics(ErrorKind::Config, problems) {
        return Err(e);
    }
    let (title, html) =
        markdown::section_to_safe_html(&for_html, &|i| drawn.get(i).map_or(String::new(), |c| c.svg.clone()));
    let Some(title) = title.filter(|t| !t.is_empty()) else {
        return Err(Error::config(Location::at(file.shown.clone(), 1, Some(1)), "this content page has no title")
            .with_hint("start the page with its title as a level-1 heading, e.g. `# Improvement plan`"));
    };
    Ok(Section {
        file: file.shown.clone(),
        id: format!("content-{n}"),
        title,
        html,
        md: markdown::section_to_safe_markdown(&for_md),
    })
}

const SYNTAX_HINT: &str =
    "write {{ figure(path=\"survey.index\") }}, {{ figure(path=\"complaints.closure_rate\", format=\"pct\") }} \
                           or {{ chart(name=\"dimensions\") }}; to show {{ as text, put it in a code span: `{{`";

/// A shortcode as written: its function, arguments (name, value, offset of the value) and
/// the text it spans.
#[derive(Debug)]
struct Shortcode {
    range: Range<usize>,
    function: String,
    function_at: usize,
    args: Vec<(String, String, usize)>,
}

/// Reads the shortcode starting at `start` (at `{{`): `{{ name(key="value", key=1) }}`.
/// `Err((offset, message))` when it is not one.
fn parse_shortcode(md: &str, start: usize) -> std::result::Result<Shortcode, (usize, String)> {
    let bytes = md.as_bytes();
    let mut i = start + 2;
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && matches!(bytes[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    let word = |i: &mut usize| {
        let from = *i;
        while *i < bytes.len() && (bytes[*i].is_ascii_alphanumeric() || matches!(bytes[*i], b'_' | b'.' | b'-')) {
            *i += 1;
        }
        md[from..*i].to_string()
    };
    let expect = |i: &mut usize, c: u8, what: &str| -> std::result::Result<(), (usize, String)> {
        if bytes.get(*i) == Some(&c) {
            *i += 1;
            Ok(())
        } else {
            Err((*i, format!("cannot read this shortcode: expected {what}")))
        }
    };
    skip_ws(&mut i);
    let function_at = i;
    let function = word(&mut i);
    if function.is_empty() {
        return Err((start, "`{{` starts a shortcode, but no figure() or chart() follows".into()));
    }
    skip_ws(&mut i);
    expect(&mut i, b'(', "`(` after the shortcode's name")?;
    let mut args = Vec::new();
    loop {
        skip_ws(&mut i);
        if bytes.get(i) == Some(&b')') {
            i += 1;
            break;
        }
        let key = word(&mut i);
        if key.is_empty() {
            return Err((i, "cannot read this shortcode: expected an argument such as path=\"survey.index\"".into()));
        }
        skip_ws(&mut i);
        expect(&mut i, b'=', "`=` after the argument's name")?;
        skip_ws(&mut i);
        let (value, value_at) = if bytes.get(i) == Some(&b'"') {
            let from = i + 1;
            let len = md[from..].find(['"', '\n']).filter(|e| md.as_bytes()[from + e] == b'"');
            let Some(len) = len else {
                return Err((i, "cannot read this shortcode: the quoted value is not closed".into()));
            };
            i = from + len + 1;
            (md[from..from + len].to_string(), from)
        } else {
            let from = i;
            (word(&mut i), from)
        };
        if value.is_empty() && md.as_bytes()[value_at.saturating_sub(1)] != b'"' {
            return Err((i, "cannot read this shortcode: expected a value after `=`".into()));
        }
        args.push((key, value, value_at));
        skip_ws(&mut i);
        match bytes.get(i) {
            Some(b',') => i += 1,
            Some(b')') => {
                i += 1;
                break;
            }
            _ => return Err((i, "cannot read this shortcode: expected `,` or `)` after an argument".into())),
        }
    }
    skip_ws(&mut i);
    if !md[i..].starts_with("}}") {
        return Err((i, "cannot read this shortcode: expected `}}` to close it".into()));
    }
    Ok(Shortcode { range: start..i + 2, function, function_at, args })
}

enum Filled<'c> {
    Text(String),
    Chart(&'c Chart),
}

/// (offset, message, hint) of a shortcode that cannot be filled.
type Problem = (usize, String, String);

fn fill<'c>(
    code: &Shortcode,
    figures: &Value,
    charts: &'c [Chart],
    config: &Config,
    t: &Labels,
) -> std::result::Result<Filled<'c>, Problem> {
    let allowed: &[&str] = match code.function.as_str() {
        "figure" => &["path", "format", "digits"],
        "chart" => &["name"],
        other => {
            let hint = match crate::suggest::closest(other, ["figure", "chart"]) {
                Some(near) => format!("did you mean `{near}`? {SYNTAX_HINT}"),
                None => SYNTAX_HINT.to_string(),
            };
            return Err((code.function_at, format!("`{other}` is not a shortcode: use figure() or chart()"), hint));
        }
    };
    for (key, _, at) in &code.args {
        if !allowed.contains(&key.as_str()) {
            let near = crate::suggest::closest(key, allowed.iter().copied()).map(|n| format!("did you mean `{n}`? "));
            let hint = format!("{}{}() takes {}", near.unwrap_or_default(), code.function, allowed.join(", "));
            return Err((
                at.saturating_sub(key.len() + 2),
                format!("{}() has no argument `{key}`", code.function),
                hint,
            ));
        }
    }
    let arg = |k: &str| code.args.iter().find(|(key, _, _)| key == k).map(|(_, v, at)| (v.as_str(), *at));
    let required = |k: &str| {
        arg(k).ok_or_else(|| (code.function_at, format!("{}() needs `{k}`", code.function), SYNTAX_HINT.to_string()))
    };
    if code.function == "chart" {
        let (name, at) = required("name")?;
        return chart(name, at, charts, config, t);
    }
    let (path, at) = required("path")?;
    let value = lookup(figures, path, at)?;
    let digits = match arg("digits") {
        None => None,
        Some((d, d_at)) => Some(d.parse::<u32>().ok().filter(|d| *d <= 12).ok_or_else(|| {
            (
                d_at,
                format!("digits=\"{d}\" is not a number of decimal places"),
                "write digits=0 to digits=12".to_string(),
            )
        })?),
    };
    let format = arg("format");
    if let Some((f, f_at)) = format.filter(|(f, _)| !["num", "pct", "change"].contains(f)) {
        let near = crate::suggest::closest(f, ["num", "pct", "change"]).map(|n| format!("did you mean \"{n}\"? "));
        return Err((
            f_at,
            format!("format \"{f}\" is not a figure format"),
            format!(
                "{}use format=\"num\" (default), \"pct\" (a fraction as a percentage) or \"change\" (signed)",
                near.unwrap_or_default()
            ),
        ));
    }
    let text = match value {
        Value::Null => DASH.to_string(),
        Value::Bool(b) => t.get(if *b { "c_yes" } else { "c_no" }),
        Value::Number(x) => {
            let v = x.as_f64().unwrap_or_default();
            match format.map_or("num", |(f, _)| f) {
                "pct" => number::pct(v, digits.unwrap_or(1)),
                "change" => number::signed(v, digits.unwrap_or(1)),
                _ if digits.is_none() && (x.is_u64() || x.is_i64()) => number::shortest(v),
                _ => number::fixed(v, digits.unwrap_or(1)),
            }
        }
        Value::String(s) if format.is_none() => s.clone(),
        Value::String(_) => {
            return Err((
                at,
                format!("`{path}` is text, not a number: it takes no format"),
                "remove format=".to_string(),
            ))
        }
        Value::Array(items) => {
            return Err((
                at,
                format!("`{path}` is a list of {} entries, not one figure", items.len()),
                format!("name one entry by its position and a field, e.g. `{path}.0`; see summary.json"),
            ))
        }
        Value::Object(fields) => {
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            return Err((
                at,
                format!("`{path}` is a group of figures, not one figure"),
                format!("name one of its fields: {}", names.join(", ")),
            ));
        }
    };
    Ok(Filled::Text(text))
}

/// The figure at `path` (`survey.index`, `survey.dimensions.0.score`; a leading `figures.` is
/// allowed). A figure under a part that is null in this period (no survey this period) is
/// null; a name that does not exist is an error with the nearest existing path.
fn lookup<'v>(figures: &'v Value, path: &str, at: usize) -> std::result::Result<&'v Value, Problem> {
    let parts: Vec<&str> = path.strip_prefix("figures.").unwrap_or(path).split('.').collect();
    let mut node = figures;
    for (i, part) in parts.iter().enumerate() {
        let next = match node {
            Value::Null => return Ok(node),
            Value::Object(fields) => fields.get(*part).ok_or_else(|| {
                let near = crate::suggest::closest(part, fields.keys().map(String::as_str)).map(|near| {
                    let mut fixed = parts.clone();
                    fixed[i] = near;
                    format!("did you mean `{}`? ", fixed.join("."))
                });
                let shown = parts[..=i].join(".");
                (
                    at,
                    format!("no figure `{shown}`"),
                    format!(
                        "{}Every figure is listed in docs/templates.md and in summary.json",
                        near.unwrap_or_default()
                    ),
                )
            })?,
            Value::Array(items) => part.parse::<usize>().ok().and_then(|k| items.get(k)).ok_or_else(|| {
                (
                    at,
                    format!("`{}` has no entry `{part}`", parts[..i].join(".")),
                    format!("entries are numbered from 0; this list has {} in this period", items.len()),
                )
            })?,
            _ => {
                return Err((
                    at,
                    format!("`{}` is a single figure: it has no field `{part}`", parts[..i].join(".")),
                    String::new(),
                ))
            }
        };
        node = next;
    }
    Ok(node)
}

/// The chart named `name` (its name in `charts`, or its file's name: `pareto-1` for
/// `charts/pareto-1.svg`). A chart this project can draw but did not draw this period (the
/// trend needs two periods) is a note; a name no chart can have is an error.
fn chart<'c>(
    name: &str,
    at: usize,
    charts: &'c [Chart],
    config: &Config,
    t: &Labels,
) -> std::result::Result<Filled<'c>, Problem> {
    let stem = |c: &Chart| c.file.trim_start_matches("charts/").trim_end_matches(".svg").to_string();
    if let Some(c) = charts.iter().find(|c| c.name == name || stem(c) == name) {
        return Ok(Filled::Chart(c));
    }
    let possible = possible_charts(config);
    if possible.iter().any(|p| p == name) {
        return Ok(Filled::Text(t.fill("content_no_chart", &[("name", name)])));
    }
    let near =
        crate::suggest::closest(name, possible.iter().map(String::as_str)).map(|n| format!("did you mean \"{n}\"? "));
    Err((
        at,
        format!("no chart \"{name}\""),
        format!("{}this project's charts are {}", near.unwrap_or_default(), possible.join(", ")),
    ))
}

/// Every chart name this project's config can draw, with the file names of the Pareto charts.
fn possible_charts(config: &Config) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if config.survey.is_some() {
        names.extend(["dimensions", "items", "bands", "trend"].map(String::from));
    }
    if let Some(k) = &config.complaints {
        for (i, col) in k.pareto.iter().enumerate() {
            names.extend([format!("pareto-{col}"), format!("pareto-{}", i + 1)]);
            if k.weight.is_some() {
                names.extend([format!("pareto-{col}-weighted"), format!("pareto-{}-weighted", i + 1)]);
            }
        }
        names.push("control-c".into());
        if k.volume.is_some() {
            names.extend(["control-u", "control-p", "control-laney-u", "control-laney-p"].map(String::from));
        }
    }
    names
}

/// Text for Markdown: what could start markup escaped (`crate::render::escape_markdown`).
fn escaped(text: &str) -> String {
    let mut out = Vec::new();
    let _ = super::escape_markdown(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcodes_are_read_with_their_arguments() {
        let md = "x {{ figure(path=\"survey.index\", digits=2) }} y";
        let code = parse_shortcode(md, 2).unwrap();
        assert_eq!(code.function, "figure");
        assert_eq!(&md[code.range.clone()], "{{ figure(path=\"survey.index\", digits=2) }}");
        assert_eq!(code.args[0].0, "path");
        assert_eq!(code.args[0].1, "survey.index");
        assert_eq!(&md[code.args[0].2..code.args[0].2 + 6], "survey");
        assert_eq!(code.args[1].1, "2");
        assert!(parse_shortcode("{{ figure(path=\"a) }}", 0).unwrap_err().1.contains("not closed"));
        assert!(parse_shortcode("{{ figure(path=\"a\" }}", 0).unwrap_err().1.contains("`,` or `)`"));
        assert!(parse_shortcode("{{ x }}", 0).unwrap_err().1.contains("`(`"));
    }

    #[test]
    fn paths_find_figures_and_suggest_the_nearest() {
        let figures =
            serde_json::json!({"survey": {"index": 71.25, "dimensions": [{"score": 68.75}]}, "complaints": null});
        assert_eq!(lookup(&figures, "survey.index", 0).unwrap(), &serde_json::json!(71.25));
        assert_eq!(lookup(&figures, "figures.survey.dimensions.0.score", 0).unwrap(), &serde_json::json!(68.75));
        assert!(lookup(&figures, "complaints.closure_rate", 0).unwrap().is_null(), "absent this period");
        let (_, message, hint) = lookup(&figures, "survey.indx", 0).unwrap_err();
        assert_eq!(message, "no figure `survey.indx`");
        assert!(hint.starts_with("did you mean `survey.index`?"), "{hint}");
        assert!(lookup(&figures, "survey.dimensions.3.score", 0).unwrap_err().1.contains("no entry `3`"));
    }
}
