//! Diagnostics and errors shared by every stage: where, what, and how to fix.
//!
//! Warnings are data (`Diagnostic`), collected and printed in one place by the
//! binary, and shown again in the report's data-quality section.

use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where a problem is: a file, optionally a 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// Path as the user wrote it or relative to the project folder.
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
    /// For workbooks: the sheet, so the location reads `file:Sheet!C7`.
    pub sheet: Option<String>,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Location { file: file.into(), line: None, column: None, sheet: None }
    }
    pub fn at(file: impl Into<String>, line: u64, column: Option<u64>) -> Self {
        Location { file: file.into(), line: Some(line), column, sheet: None }
    }
    pub fn in_sheet(mut self, sheet: Option<String>) -> Self {
        self.sheet = sheet;
        self
    }
}

/// Spreadsheet column letters of a 1-based column number: 1 → A, 27 → AA.
pub fn column_letters(mut n: u64) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_only_marks_the_severity_and_hint() {
        let d = super::Diagnostic::error(super::Location::at("a.csv".to_string(), 2, Some(3)), "bad \u{1b}[2J")
            .with_hint("fix it");
        assert_eq!(d.painted(false), d.to_string());
        assert_eq!(
            d.painted(true),
            "a.csv:2:3: \u{1b}[1;31merror\u{1b}[0m: bad \\u{1b}[2J\n  \u{1b}[36mhint\u{1b}[0m: fix it"
        );
    }

    use super::*;

    #[test]
    fn locations_read_like_the_source() {
        assert_eq!(Location::at("a.csv", 14, Some(3)).to_string(), "a.csv:14:3");
        assert_eq!(Location::at("a.xlsx", 7, Some(3)).in_sheet(Some("问卷".into())).to_string(), "a.xlsx:问卷!C7");
        assert_eq!(Location::at("a.xlsx", 7, None).in_sheet(Some("问卷".into())).to_string(), "a.xlsx:问卷!7:7");
        assert_eq!(column_letters(28), "AB");
    }

    #[test]
    fn an_error_shows_every_diagnostic_it_carries() {
        let d = |line, msg: &str| Diagnostic::error(Location::at("manyi.toml", line, Some(3)), msg);
        let one = Error::config(Location::at("manyi.toml", 2, Some(1)), "bad").with_hint("fix it");
        assert_eq!(one.to_string(), "manyi.toml:2:1: error: bad\n  hint: fix it");
        assert!(one.related.is_empty());
        let many = Error::from_diagnostics(ErrorKind::Config, [d(4, "first").with_hint("h"), d(9, "second")]).unwrap();
        assert_eq!(many.to_string(), "manyi.toml:4:3: error: first\n  hint: h\nmanyi.toml:9:3: error: second");
        assert_eq!(many.diagnostic.message, "first");
        assert_eq!(many.diagnostics().count(), 2);
        assert_eq!(many.exit_code(), 2);
        let more = Error::data(Location::file("a.csv"), "x").with_related([d(1, "y")]);
        assert_eq!(more.exit_code(), 1);
        assert_eq!(more.to_string(), "a.csv: error: x\nmanyi.toml:1:3: error: y");
        assert!(Error::from_diagnostics(ErrorKind::Data, []).is_none());
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let d = Diagnostic::warning(
            Location::at("a\u{7}.csv", 2, Some(3)),
            "\"\u{1b}[2J\" is not an answer\r\nfake: error",
        )
        .with_hint("x\u{202E}y");
        assert_eq!(
            d.to_string(),
            "a\\u{7}.csv:2:3: warning: \"\\u{1b}[2J\" is not an answer\\u{d}\\u{a}fake: error\n  hint: x\\u{202e}y"
        );
        assert_eq!(visible_controls("a\tb\nc\u{0}d\u{9b}e\u{ffff}"), "a\tb\nc\\u{0}d\\u{9b}e\\u{ffff}");
        assert!(matches!(visible_controls("满意 <ok>"), Cow::Borrowed(_)));
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let (Some(sheet), Some(line)) = (&self.sheet, self.line) {
            return match self.column {
                Some(col) => write!(f, ":{sheet}!{}{line}", column_letters(col)),
                None => write!(f, ":{sheet}!{line}:{line}"), // a whole row, as Excel writes it
            };
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, location, message: message.into(), hint: None }
    }
    pub fn warning(location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, location, message: message.into(), hint: None }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// `file:line:col: severity: message` and its `  hint:` line, for a terminal: control
/// characters from the data (ESC, BEL, CR, a line break…) are shown as `\u{1b}`, so a value
/// can neither drive the terminal nor start a line of its own.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl Diagnostic {
    /// Writes the diagnostic for a terminal; with `color`, the severity and `hint` are set in
    /// ANSI colours (bold red error, bold yellow warning, cyan hint). The text itself never
    /// carries control characters (`terminal_text`), so only these codes reach the terminal.
    fn write(&self, f: &mut fmt::Formatter<'_>, color: bool) -> fmt::Result {
        let (sev, paint) = match self.severity {
            Severity::Warning => ("warning", "\u{1b}[1;33m"),
            Severity::Error => ("error", "\u{1b}[1;31m"),
        };
        let location = self.location.to_string();
        let (on, hint_on, off) = if color { (paint, "\u{1b}[36m", "\u{1b}[0m") } else { ("", "", "") };
        write!(f, "{}: {on}{sev}{off}: {}", terminal_text(&location), terminal_text(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  {hint_on}hint{off}: {}", terminal_text(hint))?;
        }
        Ok(())
    }

    /// The diagnostic as `Display` writes it, in colour when `color` (see `write`).
    pub fn painted(&self, color: bool) -> String {
        struct Painted<'a>(&'a Diagnostic, bool);
        impl fmt::Display for Painted<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, self.1)
            }
        }
        Painted(self, color).to_string()
    }
}

/// Text for documents (HTML, SVG, Markdown) with the characters XML 1.0 forbids and the other
/// control characters shown as `\u{1b}`: C0 controls except tab and line breaks, DEL, C1
/// controls, U+FFFE and U+FFFF. Borrowed when there are none.
pub fn visible_controls(s: &str) -> Cow<'_, str> {
    show_as_escapes(s, |c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Text for a terminal: every control character but tab shown as `\u{1b}` (line breaks too),
/// and the bidirectional overrides and isolates that would reorder what is shown.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    show_as_escapes(s, |c| {
        (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

fn show_as_escapes(s: &str, shown: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&shown) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if shown(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// What kind of failure stopped a command; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad configuration or command-line usage: exit 2.
    Config,
    /// Bad input data or an I/O failure while reading or writing: exit 1.
    Data,
}

/// A failure that stops the build: one or more diagnostics (where, what, how to fix).
///
/// `diagnostic` is the first (primary) one; `related` holds any further problems found in
/// the same run (e.g. every problem of a config file), in the order they are shown.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub diagnostic: Diagnostic,
    pub related: Vec<Diagnostic>,
}

impl Error {
    pub fn config(location: Location, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, Diagnostic::error(location, message))
    }
    pub fn data(location: Location, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Data, Diagnostic::error(location, message))
    }
    pub fn io(path: &std::path::Path, action: &str, err: std::io::Error) -> Self {
        Error::data(Location::file(path.display().to_string()), format!("cannot {action}: {err}"))
    }
    fn new(kind: ErrorKind, diagnostic: Diagnostic) -> Self {
        Error { kind, diagnostic, related: Vec::new() }
    }
    /// One error carrying every diagnostic given, the first as the primary one; `None` when
    /// there are none.
    pub fn from_diagnostics(kind: ErrorKind, diagnostics: impl IntoIterator<Item = Diagnostic>) -> Option<Self> {
        let mut all = diagnostics.into_iter();
        let first = all.next()?;
        Some(Error { kind, diagnostic: first, related: all.collect() })
    }
    /// Adds further diagnostics after the ones already carried.
    pub fn with_related(mut self, more: impl IntoIterator<Item = Diagnostic>) -> Self {
        self.related.extend(more);
        self
    }
    /// Sets the hint of the primary diagnostic.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.diagnostic.hint = Some(hint.into());
        self
    }
    /// Every diagnostic carried, the primary one first.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        std::iter::once(&self.diagnostic).chain(&self.related)
    }
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Config => 2,
            ErrorKind::Data => 1,
        }
    }
}

/// Each diagnostic as `file:line:col: error: message` (and its `  hint: ...` line), one
/// after the other on their own lines.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            d.fmt(f)?;
        }
        Ok(())
    }
}

impl Error {
    /// Every diagnostic, one after another, in colour when `color` (see `Diagnostic::painted`).
    pub fn painted(&self, color: bool) -> String {
        self.diagnostics().map(|d| d.painted(color)).collect::<Vec<_>>().join("\n")
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
