//! Reading `manyi.toml` from its spanned tree: each top-level section on its own, collecting
//! every problem with its span.

use super::validate::*;
use super::*;
// ---------------------------------------------------------------------------------------------
// Reading: each top-level section on its own, from the spanned tree.

/// The top-level sections, in the order serde names them in "unknown field" messages.
pub(super) const SECTIONS: &[&str] =
    &["site", "survey", "bands", "report", "complaints", "actions", "build", "history", "labels"];

/// At most this many attempts per section while collecting its type errors.
pub(super) const MAX_ATTEMPTS: usize = 32;

/// One step of a key path into the spanned tree: a key or an array index.
#[derive(Debug, Clone, Copy)]
pub(super) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for Seg<'a> {
    fn from(k: &'a str) -> Self {
        Seg::Key(k)
    }
}

impl<'a> From<&'a String> for Seg<'a> {
    fn from(k: &'a String) -> Self {
        Seg::Key(k)
    }
}

impl From<usize> for Seg<'_> {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// A key path such as `path!["survey", "dimensions", 1, "weight"]`.
macro_rules! path {
    ($($seg:expr),* $(,)?) => { &[$($crate::config::read::Seg::from($seg)),*] };
}

/// Every problem found so far, each with the byte offset it sorts by.
pub(super) struct Problems<'t> {
    pub(super) text: &'t str,
    pub(super) file: &'t str,
    pub(super) root: &'t Spanned<DeValue<'t>>,
    pub(super) found: Vec<(usize, Diagnostic)>,
}

impl<'t> Problems<'t> {
    pub(super) fn push(&mut self, at: usize, message: impl Into<String>, hint: impl Into<String>) {
        let (line, col) = line_col(self.text, at);
        let location = Location::at(self.file, line, Some(col));
        self.found.push((at, Diagnostic::error(location, message).with_hint(hint)));
    }

    /// A problem with the value at `path`, reported at its span (or at the nearest part of the
    /// path that is written in the file).
    pub(super) fn at(&mut self, path: &[Seg<'_>], message: impl Into<String>, hint: &str) {
        let at = self.span_of(path).start;
        self.push(at, message, hint);
    }

    pub(super) fn span_of(&self, path: &[Seg<'_>]) -> Range<usize> {
        let mut node = self.root;
        for seg in path {
            let next = match (seg, node.get_ref()) {
                (Seg::Key(k), DeValue::Table(t)) => t.get(*k),
                (Seg::Index(i), DeValue::Array(a)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.span()
    }

    /// A problem serde found, with its message and hint.
    pub(super) fn serde(&mut self, e: &toml::de::Error) {
        self.serde_message(e.span().map_or(0, |s| s.start), e.message());
    }

    /// A serde message: the hint after `HINT_SEP` if it has one, else one by its kind.
    pub(super) fn serde_message(&mut self, at: usize, message: &str) {
        let message = message.trim();
        let (message, hint) = match message.split_once(HINT_SEP) {
            Some((m, h)) => (m, h),
            None if message.starts_with("unknown field") => {
                // serde's text: unknown field `x`, expected one of `a`, `b` (or: expected `a`).
                let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
                if let Some((wanted, known)) = quoted.split_first() {
                    if let Some(near) = crate::suggest::closest(wanted, known.iter().copied()) {
                        let hint =
                            format!("did you mean `{near}`? Every key is listed in the README's config reference");
                        self.push(at, message, hint);
                        return;
                    }
                }
                (message, "remove the key or fix its spelling; every key is listed in the README's config reference")
            }
            None if message.starts_with("missing field") => {
                (message, "add the key; see the README's config reference or sample-data/manyi.toml")
            }
            None => (message, "see the README's config reference for the expected form"),
        };
        self.push(at, message, hint);
    }

    /// Deserializes the top-level section `name`: `Ok(None)` when it is absent, `Err(())` when
    /// it has problems (all of them recorded, as far as serde lets us find them).
    ///
    /// Serde stops at the first problem, so after each one the offending key or array item is
    /// removed from a copy of the section (a table missing a key is removed as a whole) and the
    /// section read again, until it reads. A "missing field" for a key removed that way is not
    /// reported: the key's own problem already is. It stops at a key missing from the section
    /// itself, at a problem it cannot place, and after `MAX_ATTEMPTS` attempts.
    pub(super) fn section<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, ()> {
        let DeValue::Table(top) = self.root.get_ref() else { return Err(()) };
        let Some(value) = top.get(name) else { return Ok(None) };
        let mut value = value.clone();
        let root_span = value.span();
        let mut removed: Vec<(String, Range<usize>)> = Vec::new();
        let mut failed = false;
        for _ in 0..MAX_ATTEMPTS {
            let e = match T::deserialize(ValueDeserializer::from(value.clone())) {
                Ok(section) if !failed => return Ok(Some(section)),
                Ok(_) => return Err(()),
                Err(e) => e,
            };
            let Some(span) = e.span() else {
                self.serde(&e);
                return Err(());
            };
            let missing = missing_field(e.message());
            if !missing.is_some_and(|k| removed.iter().any(|(r, table)| r == k && *table == span)) {
                self.serde(&e);
            }
            failed = true;
            if missing.is_some() && span == root_span {
                return Err(()); // a key of the section itself is missing: nothing left to remove
            }
            match remove_at(&mut value, span.start) {
                Some(Some(key)) => removed.push(key),
                Some(None) => {}
                None => return Err(()),
            }
        }
        Err(())
    }
}

/// The key of a "missing field `key`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Removes the innermost table entry or array item at byte offset `at` (an entry holds it in
/// its key or its value): `scale = { min = 1, max = "x" }` loses `max`, not `scale`, and
/// `items = ["a", 3]` loses `3`. Returns `Some(Some((key, span of its table)))` for a removed
/// entry, `Some(None)` for a removed array item, `None` when nothing holds `at`.
fn remove_at(node: &mut Spanned<DeValue<'_>>, at: usize) -> Option<Option<(String, Range<usize>)>> {
    let span = node.span();
    match node.get_mut() {
        DeValue::Table(table) => {
            let mut hit = None;
            for (key, value) in table.iter_mut() {
                if key.span().contains(&at) {
                    hit = Some(key.get_ref().to_string());
                    break;
                }
                if let Some(removed) = remove_at(value, at) {
                    return Some(removed);
                }
                if value.span().contains(&at) {
                    hit = Some(key.get_ref().to_string());
                    break;
                }
            }
            let key = hit?;
            table.remove(key.as_str());
            Some(Some((key, span)))
        }
        DeValue::Array(items) => {
            for item in items.iter_mut() {
                if let Some(removed) = remove_at(item, at) {
                    return Some(removed);
                }
            }
            // An item of an array of tables spans only its own `[[header]]`.
            let i = items.iter().position(|item| item.span().contains(&at))?;
            let all = std::mem::replace(items, DeArray::new());
            *items = all.into_iter().enumerate().filter(|(j, _)| *j != i).map(|(_, item)| item).collect();
            Some(None)
        }
        _ => None,
    }
}

/// Reads every section and validates those that read; `None` when any has a problem.
pub(super) fn read_config(p: &mut Problems<'_>) -> Option<Config> {
    use serde::de::Error as _;
    let root = p.root;
    if let DeValue::Table(top) = root.get_ref() {
        for key in top.keys().filter(|k| !SECTIONS.contains(&k.get_ref().as_ref())) {
            p.serde_message(key.span().start, toml::de::Error::unknown_field(key.get_ref(), SECTIONS).message());
        }
    }
    let site = p.section::<SiteConfig>("site").map(Option::unwrap_or_default);
    let survey = p.section::<SurveyConfig>("survey");
    // Without [bands], the default bands are named in the report's language.
    let language = site.as_ref().map_or(Language::default(), |s| s.language);
    let bands = p.section::<BandsConfig>("bands").map(|b| b.unwrap_or_else(|| BandsConfig::default_for(language)));
    let report = p.section::<ReportConfig>("report").map(Option::unwrap_or_default);
    let complaints = p.section::<ComplaintsConfig>("complaints");
    let actions = p.section::<ActionsConfig>("actions");
    let build = p.section::<BuildConfig>("build").map(Option::unwrap_or_default);
    let history = p.section::<HistoryConfig>("history");
    if matches!((&survey, &complaints), (Ok(None), Ok(None))) {
        p.push(
            0,
            "the config has neither [survey] nor [complaints]: there is nothing to report",
            "add a [survey] section (questionnaire responses), a [complaints] section (a complaint register), \
             or both; see the README's config reference or sample-data/manyi.toml",
        );
    }

    if let Ok(Some(s)) = &survey {
        validate_survey(s, p);
    }
    if let (Ok(Some(_)), Ok(None)) = (&history, &survey) {
        p.at(
            path!["history"],
            "[history] gives earlier survey figures, but there is no [survey]",
            "add the [survey] section, or remove [history]",
        );
    }
    if let Ok(Some(k)) = &complaints {
        validate_complaints(k, p);
        validate_repeat(k, p);
    }
    if let Ok(Some(v)) = complaints.as_ref().map(|k| k.as_ref().and_then(|k| k.volume.as_ref())) {
        // An [actions] section with problems of its own is not judged for its completed column.
        validate_control(v, actions.as_ref().map(Option::as_ref).map_err(|_| ()), p);
    }
    if let Ok(b) = &bands {
        validate_bands(b, p);
    }
    if let Ok(s) = &site {
        validate_theme(s, p);
    }
    let labels = read_labels(p, language);
    if let Ok(Some(a)) = &actions {
        validate_register_files(&["actions"], &a.files, p);
        validate_filters("actions", &a.filters, p);
        validate_max_rejected_share(&["actions"], a.max_rejected_share, p);
        // A [complaints] section with problems of its own still counts as present.
        validate_effect(a, !matches!(complaints, Ok(None)), p);
    }
    Some(Config {
        site: site.ok()?,
        survey: survey.ok()?,
        bands: bands.ok()?,
        report: report.ok()?,
        complaints: complaints.ok()?,
        actions: actions.ok()?,
        build: build.ok()?,
        history: history.ok()?,
        labels: labels.ok()?,
    })
}

/// `[labels]`: each key a label of the default theme, each value text with the placeholders
/// of the label it replaces in the report's language; every problem at its key or value.
fn read_labels(p: &mut Problems<'_>, language: Language) -> Result<BTreeMap<String, String>, ()> {
    let DeValue::Table(top) = p.root.get_ref() else { return Err(()) };
    let Some(section) = top.get("labels") else { return Ok(BTreeMap::new()) };
    let DeValue::Table(table) = section.get_ref() else {
        p.push(
            section.span().start,
            "[labels] must be a table of label texts",
            "write [labels] then lines such as toc = \"Overview\"",
        );
        return Err(());
    };
    let defaults = crate::labels::Labels::for_language(language);
    let mut out = BTreeMap::new();
    let mut failed = false;
    for (key, value) in table {
        let DeValue::String(text) = value.get_ref() else {
            p.push(
                value.span().start,
                format!("[labels] {} must be text", key.get_ref()),
                "write the label in quotes, e.g. toc = \"Overview\"",
            );
            failed = true;
            continue;
        };
        match defaults.check_override(key.get_ref(), text) {
            Some((which, message, hint)) => {
                let at = if which == crate::labels::OverrideProblem::Key { key.span() } else { value.span() };
                p.push(at.start, format!("[labels] {message}"), hint);
                failed = true;
            }
            None => {
                out.insert(key.get_ref().to_string(), text.to_string());
            }
        }
    }
    if failed {
        Err(())
    } else {
        Ok(out)
    }
}
