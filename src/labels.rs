//! Output labels per language, embedded from the default theme: every fixed text a page,
//! chart or template shows. Analysis never sees them; charts and render name things with them.

use crate::config::Language;
use std::collections::BTreeMap;

const ZH_CN: &str = include_str!("../themes/default/labels/zh-CN.toml");
const EN: &str = include_str!("../themes/default/labels/en.toml");

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

    /// The label with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill_placeholders(self.get(key), args.iter().copied())
    }
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
}
