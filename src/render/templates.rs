//! The template set: the default theme's files embedded in the binary, each replaceable by a
//! file of the same name from the project's theme (`themes/<name>/`), and that by one in the
//! project's `templates/` (the way Zola layers built-in, theme and site templates, one file
//! at a time). Filters are registered here.

use super::filters;
use crate::diag::{Error, Location, Result};
use crate::ingest::TextFile;
use crate::labels::Labels;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The default theme: every file a project may replace, by name.
const DEFAULTS: [(&str, &str); 4] = [
    ("report.html", include_str!("../../themes/default/templates/report.html")),
    ("report.md", include_str!("../../themes/default/templates/report.md")),
    ("archive.html", include_str!("../../themes/default/templates/archive.html")),
    ("style.css", include_str!("../../themes/default/style.css")),
];

/// The templates of one build, with the language's filters registered.
pub struct Templates {
    html: tera::Tera,
    md: tera::Tera,
    /// Where each file came from, as shown in messages.
    origin: BTreeMap<&'static str, String>,
    /// Each file's text, for the near-miss hints of render errors.
    text: BTreeMap<&'static str, String>,
    /// The stylesheet (`style.css`), inlined into the pages.
    pub css: String,
}

/// Where each file of the default theme sits in it (and in a theme `manyi init --theme`
/// writes), with its text: the templates, the stylesheet and the label files.
pub fn theme_files() -> Vec<(String, &'static str)> {
    let mut files: Vec<(String, &'static str)> = DEFAULTS
        .iter()
        .map(|(name, text)| (if *name == "style.css" { name.to_string() } else { format!("templates/{name}") }, *text))
        .collect();
    files.push(("labels/zh-CN.toml".into(), crate::labels::ZH_CN));
    files.push(("labels/en.toml".into(), crate::labels::EN));
    files
}

impl Templates {
    /// The embedded defaults, each replaced by the last file of the same name in `overrides`
    /// (name, file as read by ingest): the theme's files first, then the project's `templates/`.
    pub fn load(overrides: &[(String, TextFile)], labels: Labels, lang: &'static str) -> Result<Templates> {
        let (mut origin, mut text) = (BTreeMap::new(), BTreeMap::new());
        for (name, embedded) in DEFAULTS {
            let (shown, content) = match overrides.iter().rev().find(|(n, _)| n == name) {
                Some((_, file)) => (file.shown.clone(), file.text.clone()),
                None if name == "style.css" => ("themes/default/style.css".to_string(), embedded.to_string()),
                None => (format!("themes/default/templates/{name}"), embedded.to_string()),
            };
            origin.insert(name, shown);
            text.insert(name, content);
        }
        let labels = Arc::new(labels);
        let engine = |names: &[&'static str], markdown: bool| -> Result<tera::Tera> {
            let mut tera = tera::Tera::new();
            if markdown {
                tera.autoescape_on(vec![".md"]);
                tera.set_escape_fn(super::escape_markdown);
            } else {
                tera.set_escape_fn(super::escape_html);
            }
            filters::register(&mut tera, &labels, lang);
            for name in names {
                tera.add_raw_template(name, &text[name]).map_err(|e| template_error(&origin[name], &e))?;
            }
            Ok(tera)
        };
        let html = engine(&["report.html", "archive.html"], false)?;
        let md = engine(&["report.md"], true)?;
        let css = text.remove("style.css").unwrap_or_default();
        Ok(Templates { html, md, origin, text, css })
    }

    /// Renders template `name` (`report.html`, `report.md` or `archive.html`) with the
    /// variables of `data` (a JSON object).
    pub fn render(&self, name: &str, data: &serde_json::Value) -> Result<String> {
        let engine = if name.ends_with(".md") { &self.md } else { &self.html };
        let origin = self.origin.iter().find(|(n, _)| **n == name).map_or(name, |(_, o)| o.as_str());
        let ctx = tera::Context::from_serialize(data).map_err(|e| {
            Error::data(Location::file(origin), format!("cannot pass the figures to the template: {e}"))
        })?;
        engine.render(name, &ctx).map_err(|e| {
            let err = template_error(origin, &e);
            match near_miss(&e, data, self.source(name).unwrap_or_default()) {
                Some(hint) => err.with_hint(hint),
                None => err,
            }
        })
    }

    /// The text of a template (the override when the project has one).
    pub fn source(&self, name: &str) -> Option<&str> {
        self.text.iter().find(|(n, _)| **n == name).map(|(_, t)| t.as_str())
    }
}

/// The names of the default theme's files, which a project's `templates/` may replace.
pub fn names() -> Vec<&'static str> {
    DEFAULTS.iter().map(|(n, _)| *n).collect()
}

/// The names of the default theme's templates (a theme's `templates/` folder; its stylesheet
/// sits beside that folder, as in themes/default/).
pub fn template_names() -> Vec<&'static str> {
    names().into_iter().filter(|n| *n != "style.css").collect()
}

/// A tera error as a config error (exit 2) at the template's file, line and column.
fn template_error(origin: &str, e: &tera::Error) -> Error {
    let (location, message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            (Location::at(origin, span.start_line as u64, Some(span.start_col as u64 + 1)), r.message().to_string())
        }
        other => (Location::file(origin), other.to_string()),
    };
    let mut message = format!("template error: {message}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Error::config(location, message)
        .with_hint("templates read `figures`, `t`, `charts` and the filters listed in docs/templates.md")
}

/// For an unknown field or variable (tera lists the names that exist), or a filter given a
/// value that does not exist (the path is read from the template line): the nearest name.
fn near_miss(e: &tera::Error, value: &serde_json::Value, source: &str) -> Option<String> {
    let tera::ErrorKind::RenderingError(r) = e.kind() else { return None };
    let msg = r.message();
    let near = if let Some((head, list)) =
        msg.split_once(". Available fields: ").or(msg.split_once(". Available variables: "))
    {
        let start = head.find('`')? + 1;
        let wanted = &head[start..start + head[start..].find('`')?];
        crate::suggest::closest(wanted, list.split(", ").map(str::trim))?.to_string()
    } else if msg.contains("was given a value that does not exist") {
        let line = source.lines().nth(r.span().start_line.checked_sub(1)?)?;
        let before: String = line.chars().take(r.span().start_col).collect();
        let expr = before.rsplit_once('|')?.0.trim_end();
        let path: String = expr.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').collect();
        let path: String = path.chars().rev().collect();
        nearest_path(value, &path)?
    } else {
        return None;
    };
    Some(format!("did you mean `{near}`? Every figure is listed in docs/templates.md and in summary.json"))
}

/// The path with its first missing segment replaced by the nearest existing key.
fn nearest_path(value: &serde_json::Value, path: &str) -> Option<String> {
    let mut node = value;
    let parts: Vec<&str> = path.split('.').collect();
    for (i, p) in parts.iter().enumerate() {
        match node.get(p) {
            Some(next) => node = next,
            None => {
                let keys: Vec<&str> = node.as_object()?.keys().map(String::as_str).collect();
                let near = crate::suggest::closest(p, keys)?;
                let mut fixed: Vec<&str> = parts.clone();
                fixed[i] = near;
                return Some(fixed.join("."));
            }
        }
    }
    None
}
