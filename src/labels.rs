//! Output labels per language, embedded from the default theme: every fixed text a page,
//! chart or template shows. Analysis never sees them; charts and render name things with them.

use crate::config::Language;
use std::collections::BTreeMap;

pub(crate) const ZH_CN: &str = include_str!("../themes/default/labels/zh-CN.toml");
pub(crate) const EN: &str = include_str!("../themes/default/labels/en.toml");

/// The label file of a language, as named in a theme's `labels/` folder.
pub fn file_name(lang: Language) -> &'static str {
    match lang {
        Language::ZhCn => "zh-CN.toml",
        Language::En => "en.toml",
    }
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(transparent)]
pub struct Labels(BTreeMap<String, String>);

impl Labels {
    pub fn for_language(lang: Language) -> Labels {
        let text = match lang {
            Language::ZhCn => ZH_CN,
            Language::En => EN,
        };
        Labels(toml::from_str(text).expect("embedded label files are valid TOML (checked by a test)"))
    }

    /// Whether `key` is a label of the default theme.
    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Every label key, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Why `text` cannot replace label `key` (message, hint), if it cannot: the key must be a
    /// label of the default theme, and the text must hold the same `{name}` placeholders as
    /// the text it replaces (manyi fills exactly those).
    pub fn check_override(&self, key: &str, text: &str) -> Option<(OverrideProblem, String, String)> {
        let Some(original) = self.0.get(key) else {
            let hint = match crate::suggest::closest(key, self.keys()) {
                Some(near) => {
                    format!("did you mean \"{near}\"? The keys are those of themes/default/labels/zh-CN.toml")
                }
                None => "the keys are those of themes/default/labels/zh-CN.toml (docs/templates.md)".to_string(),
            };
            return Some((OverrideProblem::Key, format!("\"{key}\" is not a label of the default theme"), hint));
        };
        let (want, got) = (placeholders(original), placeholders(text));
        if want == got {
            return None;
        }
        let list = |p: &[&str]| {
            if p.is_empty() {
                "none".to_string()
            } else {
                p.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
            }
        };
        Some((
            OverrideProblem::Value,
            format!("label \"{key}\" has the placeholders {}, but the default text has {}", list(&got), list(&want)),
            format!("keep exactly the placeholders of the default text \"{original}\" (manyi fills them in)"),
        ))
    }

    /// These labels with `overrides` (key, text) put in place of the defaults; each was
    /// checked with `check_override`.
    pub fn with_overrides<'a>(mut self, overrides: impl IntoIterator<Item = (&'a str, &'a str)>) -> Labels {
        for (k, v) in overrides {
            self.0.insert(k.to_string(), v.to_string());
        }
        self
    }

    /// A theme's label file (`shown` in messages) over these labels: every key must be a
    /// label of the default theme with the same placeholders, every value a string. A file may
    /// hold only the labels it changes.
    pub fn with_theme_file(self, text: &str, shown: &str) -> crate::diag::Result<Labels> {
        use crate::diag::{Diagnostic, Error, ErrorKind, Location};
        let at = |offset: usize| {
            let (line, col) = crate::config::line_col(text, offset);
            Location::at(shown, line, Some(col))
        };
        let table = toml::de::DeTable::parse(text).map_err(|e| {
            Error::config(at(e.span().map_or(0, |s| s.start)), e.message().trim())
                .with_hint("a label file holds lines such as index_label = \"Index\"")
        })?;
        let mut problems = Vec::new();
        let mut found = Vec::new();
        for (key, value) in table.get_ref() {
            let toml::de::DeValue::String(text) = value.get_ref() else {
                problems.push(
                    Diagnostic::error(at(value.span().start), format!("label \"{}\" must be text", key.get_ref()))
                        .with_hint("write the label in quotes, e.g. index_label = \"Index\""),
                );
                continue;
            };
            match self.check_override(key.get_ref(), text) {
                Some((which, message, hint)) => {
                    let span = if which == OverrideProblem::Key { key.span() } else { value.span() };
                    problems.push(Diagnostic::error(at(span.start), message).with_hint(hint));
                }
                None => found.push((key.get_ref().to_string(), text.to_string())),
            }
        }
        if let Some(e) = Error::from_diagnostics(ErrorKind::Config, problems) {
            return Err(e);
        }
        Ok(self.with_overrides(found.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    }

    /// The label for `key`; a missing key shows as itself so it is visible, not blank.
    pub fn get(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    /// How a category of the data is shown: the merged "Other" bar (`None`) and blank cells
    /// (`""`) are named in the report's language; any other value as written.
    pub fn category(&self, c: Option<&str>) -> String {
        match c {
            None => self.get("c_other"),
            Some("") => self.get("c_blank"),
            Some(v) => v.to_string(),
        }
    }

    /// A rejected row's reason in this language: label `reason_<code>` with its parameters.
    pub fn reason<'a>(&self, code: &str, params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
        fill_placeholders(self.get(&format!("reason_{code}")), params)
    }

    /// The label with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill_placeholders(self.get(key), args.iter().copied())
    }
}

/// Which part of a label override is wrong: its key or its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideProblem {
    Key,
    Value,
}

/// The `{name}` placeholders of a label, sorted, each once.
fn placeholders(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
            rest = &rest[close + 1..];
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `text` with each `{name}` replaced by its value (labels, and the templates' `fill` filter).
pub fn fill_placeholders<'a>(mut text: String, args: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    for (k, v) in args {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh = Labels::for_language(Language::ZhCn);
        let en = Labels::for_language(Language::En);
        assert_eq!(zh.0.keys().collect::<Vec<_>>(), en.0.keys().collect::<Vec<_>>());
        assert_eq!(zh.fill("report_period", &[("period", "2026")]), "报告期：2026");
    }

    /// Every reason a row can be rejected for has a label in both languages, with exactly the
    /// code's parameters as placeholders; no `reason_` label is left without a code.
    #[test]
    fn every_rejection_code_has_labels_with_its_parameters() {
        use crate::ingest::Code;
        for lang in [Language::ZhCn, Language::En] {
            let t = Labels::for_language(lang);
            for code in Code::ALL {
                let key = format!("reason_{}", code.as_str());
                let text = t.0.get(&key).unwrap_or_else(|| panic!("{lang:?}: no label {key}"));
                let mut want: Vec<&str> = code.params().to_vec();
                want.sort_unstable();
                assert_eq!(placeholders(text), want, "{lang:?}: {key} = {text:?}");
            }
            let codes: Vec<String> = Code::ALL.iter().map(|c| format!("reason_{}", c.as_str())).collect();
            for key in t.keys().filter(|k| k.starts_with("reason_")) {
                assert!(codes.iter().any(|c| c == key), "{lang:?}: {key} names no rejection code");
            }
        }
        let zh = Labels::for_language(Language::ZhCn);
        assert_eq!(
            zh.reason("not_a_date", [("value", "2026-13-01")]),
            "“2026-13-01”不是日期（应为 2026-03-01、2026/3/1 或 2026年3月1日 等格式）"
        );
        let en = Labels::for_language(Language::En);
        assert_eq!(en.reason("blank_row", []), "blank row");
    }

    #[test]
    fn an_override_must_name_a_label_and_keep_its_placeholders() {
        let en = Labels::for_language(Language::En);
        assert!(en.check_override("report_period", "Reporting period {period}").is_none());
        let (which, message, hint) = en.check_override("report_perod", "x").unwrap();
        assert_eq!(which, OverrideProblem::Key);
        assert_eq!(message, "\"report_perod\" is not a label of the default theme");
        assert!(hint.starts_with("did you mean \"report_period\"?"), "{hint}");
        let (which, message, _) = en.check_override("report_period", "Period {periode}").unwrap();
        assert_eq!(which, OverrideProblem::Value);
        assert_eq!(
            message,
            "label \"report_period\" has the placeholders {periode}, but the default text has {period}"
        );
        assert!(en.check_override("toc", "Inhalt {x}").is_some(), "a placeholder the default lacks");
        assert_eq!(placeholders("{b} and {a}, {b} {not a name} {"), vec!["a", "b"]);
        let themed = en.with_theme_file("toc = \"Overview\"\n", "themes/x/labels/en.toml").unwrap();
        assert_eq!(themed.get("toc"), "Overview");
        let err = Labels::for_language(Language::En)
            .with_theme_file("toc = \"a\"\ntoc_x = \"b\"\nindex = 3\n", "themes/x/labels/en.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("themes/x/labels/en.toml:2:1: error: \"toc_x\" is not a label"), "{err}");
        assert!(err.contains("themes/x/labels/en.toml:3:9: error: label \"index\" must be text"), "{err}");
    }
}
