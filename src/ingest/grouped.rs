//! Rejected rows as messages a user can act on: rows of one file rejected for the same kind of
//! problem in the same column are one message (count, first lines, the values met), with a
//! hint worded for that kind of cell. Every row is still listed in `rejected.csv`.

use super::Rejection;
use crate::diag::Diagnostic;
use std::collections::HashMap;

/// Lines listed in a group's message.
const LINES_SHOWN: usize = 5;
/// Distinct values listed in a group's message besides the first.
const VALUES_SHOWN: usize = 5;

/// Rows of one file rejected for the same kind of problem in the same column.
#[derive(Debug, Clone)]
pub struct RejectionGroup<'a> {
    /// The first row of the group (input order).
    pub first: &'a Rejection,
    pub count: u64,
    /// The first `LINES_SHOWN` lines.
    pub lines: Vec<u64>,
    /// The distinct values met after the first row's, up to `VALUES_SHOWN`, and how many
    /// distinct values there are beyond the first.
    others: Vec<String>,
    other_count: usize,
}

/// The reason with its cell values abstracted (quoted text → `"…"`, numbers → `#`), and the
/// value of the cell it is about: the first quoted text, or a number the reason starts with.
pub fn reason_kind(reason: &str) -> (String, Option<String>) {
    let mut kind = String::with_capacity(reason.len());
    let mut value: Option<String> = None;
    let mut chars = reason.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let rest = &reason[i + 1..];
            if let Some(end) = rest.find('"') {
                if value.is_none() {
                    value = Some(reason[i..i + end + 2].to_string());
                }
                kind.push_str("\"…\"");
                while chars.peek().is_some_and(|(j, _)| *j <= i + end + 1) {
                    chars.next();
                }
                continue;
            }
        }
        if c.is_ascii_digit() || (c == '-' && i == 0) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '.' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if i == 0 && value.is_none() {
                value = Some(reason[..end].to_string());
            }
            kind.push('#');
            continue;
        }
        kind.push(c);
    }
    (kind, value)
}

/// File, sheet, column and kind of reason (see `reason_kind`).
type GroupKey<'a> = (&'a str, Option<&'a str>, Option<&'a str>, String);

/// Groups rejections by (file, sheet, column, kind of reason), in the order of their first row.
pub fn group(rejections: &[Rejection]) -> Vec<RejectionGroup<'_>> {
    let mut groups: Vec<RejectionGroup> = Vec::new();
    let mut values: Vec<Vec<String>> = Vec::new();
    let mut index: HashMap<GroupKey, usize> = HashMap::new();
    for r in rejections {
        let (kind, value) = reason_kind(&r.reason.english());
        let key = (r.file.as_str(), r.sheet.as_deref(), r.column.as_deref(), kind);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(RejectionGroup { first: r, count: 0, lines: Vec::new(), others: Vec::new(), other_count: 0 });
            values.push(value.clone().into_iter().collect());
            groups.len() - 1
        });
        let g = &mut groups[i];
        g.count += 1;
        if g.lines.len() < LINES_SHOWN {
            g.lines.push(r.line);
        }
        if let Some(v) = value {
            let seen = &mut values[i];
            if !seen.contains(&v) {
                if g.others.len() < VALUES_SHOWN {
                    g.others.push(v.clone());
                }
                g.other_count += 1;
                if seen.len() < 64 {
                    seen.push(v); // enough to count the usual few values exactly
                }
            }
        }
    }
    groups
}

impl RejectionGroup<'_> {
    /// The group as one warning at its first row. A single row reads as before:
    /// `row rejected: column X: reason`.
    pub fn warning(&self) -> Diagnostic {
        let r = self.first;
        let what = match &r.column {
            Some(c) => format!("column {c}: {}", r.reason),
            None => r.reason.english(),
        };
        let message = if self.count == 1 {
            format!("row rejected: {what}")
        } else {
            let word = if r.sheet.is_some() { "rows" } else { "lines" };
            let lines: Vec<String> = self.lines.iter().map(u64::to_string).collect();
            let at = if self.count as usize > self.lines.len() {
                format!("first at {word} {}", lines.join(", "))
            } else {
                format!("at {word} {}", lines.join(", "))
            };
            let also = if self.others.is_empty() {
                String::new()
            } else {
                let more = self.other_count - self.others.len();
                let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                format!("; other values: {}{more}", self.others.join(", "))
            };
            format!("{} rows rejected — {what}{also}; {at}", crate::number::count(self.count))
        };
        Diagnostic::warning(r.location(), message).with_hint(hint(r))
    }
}

/// How to fix a rejected row, worded for the kind of cell (or row) at fault. A required cell
/// (a date, an id, a category, a volume) is never told to be left blank.
pub fn hint(r: &Rejection) -> String {
    use super::Code::*;
    let hint = match r.reason.code {
        NotAnAnswer | NotAnAnswerOrBlank | NotAnAnswerLabels | NotAnAnswerLabelsOrBlank => {
            "map the text with `scale.labels` or add it to `not_answered`"
        }
        OutsideScale => {
            "fix the answer; if the value is a code for \"not applicable\" or \"not answered\", add it to `not_answered`"
        }
        NotUtf8 => "set `encoding` for this file set in manyi.toml (e.g. \"gbk\"), or save the file as UTF-8",
        DateEmpty => "fill in the date: a row without one cannot be placed in a period",
        NotADate | NotADateTime => {
            "write the date as 2026-03-01, 2026/3/1 or 2026年3月1日 (in a workbook, format the column as dates)"
        }
        ClosedBeforeReceived | DeadlineBeforeReceived => "fix one of the two dates",
        DuplicateId => "give each row its own id, or delete the repeated row (the first row with the id is counted)",
        NotYesNo => "write 是/否, Y/N or yes/no; leave the cell blank when it is not known",
        NotAMonth => "write the month as 2026-03, 2026/3 or 2026年3月",
        VolumeEmpty => "fill in the month's volume, or delete the row",
        CategoryUnknown => "fix the category, or add it to [complaints] categories",
        CategoryEmpty | CategoryEmptyListed => "fill in the category: every complaint needs one",
        NotANumber | VolumeNotANumber | VolumeNegative | VolumeTooLarge | VolumeTooSmall | AmountNotANumber
        | AmountNegative | AmountTooLarge => {
            "write a plain number (digits and a decimal point, no units or thousands separators)"
        }
        BlankRow => "delete the blank row; it is counted as read but holds nothing",
        FieldsMissing | FieldsExtra => {
            "give the row one value per column: quote a value that holds the delimiter, or complete the row"
        }
        QuoteUnbalanced => "close the quote that opens the value, or remove it",
        _ if r.column.is_some() => "fix the cell",
        _ => "fix the row, or delete it",
    };
    hint.to_string()
}

/// Every rejection grouped, each group one warning, in the order of their first rows.
pub fn warnings(rejections: &[Rejection]) -> impl Iterator<Item = Diagnostic> + '_ {
    group(rejections).into_iter().map(|g| g.warning())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Code, Reason};

    fn rej(line: u64, column: Option<&str>, reason: Reason) -> Rejection {
        Rejection {
            file: "data/s.csv".into(),
            line,
            col: column.map(|_| 3),
            column: column.map(String::from),
            sheet: None,
            reason,
        }
    }

    fn not(v: &str) -> Reason {
        Reason::new(Code::NotAnAnswerOrBlank).with_value(v).with(1).with(5)
    }

    #[test]
    fn kinds_abstract_the_values() {
        assert_eq!(
            reason_kind("\"Poor\" is not an answer; expected a number from 1 to 5"),
            ("\"…\" is not an answer; expected a number from # to #".into(), Some("\"Poor\"".into()))
        );
        assert_eq!(
            reason_kind("9 lies outside the scale 1–5"),
            ("# lies outside the scale #–#".into(), Some("9".into()))
        );
        assert_eq!(reason_kind("-3 lies outside the scale 1–5").1, Some("-3".into()));
        assert_eq!(reason_kind("blank row"), ("blank row".into(), None));
        assert_eq!(
            reason_kind("the row has 6 fields but the header has 5; x").0,
            "the row has # fields but the header has #; x"
        );
    }

    /// Three "Poor"/"Good" answers and a 9 in one column, a blank row: three messages.
    #[test]
    fn same_column_same_kind_is_one_message() {
        let rs = vec![
            rej(2, Some("Seat"), not("Poor")),
            rej(3, Some("Seat"), not("Good")),
            rej(4, Some("Seat"), Reason::new(Code::OutsideScale).with(9).with(1).with(5)),
            rej(5, Some("Seat"), not("Poor")),
            rej(6, None, Reason::new(Code::BlankRow)),
        ];
        let w: Vec<Diagnostic> = warnings(&rs).collect();
        assert_eq!(w.len(), 3);
        assert_eq!(
            w[0].to_string(),
            "data/s.csv:2:3: warning: 3 rows rejected — column Seat: \"Poor\" is not an answer; expected a number \
             from 1 to 5, or blank when not answered; other values: \"Good\"; at lines 2, 3, 5\n  \
             hint: map the text with `scale.labels` or add it to `not_answered`"
        );
        assert_eq!(w[1].message, "row rejected: column Seat: 9 lies outside the scale 1–5");
        assert!(w[1].hint.as_deref().unwrap().contains("add it to `not_answered`"));
        assert_eq!(w[2].message, "row rejected: blank row");
    }

    #[test]
    fn many_rows_show_the_first_lines_and_a_count() {
        let rs: Vec<Rejection> = (0..1284).map(|i| rej(i + 2, Some("Seat"), not(&format!("v{}", i % 9)))).collect();
        let w: Vec<Diagnostic> = warnings(&rs).collect();
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].message,
            "1,284 rows rejected — column Seat: \"v0\" is not an answer; expected a number from 1 to 5, or blank \
             when not answered; other values: \"v1\", \"v2\", \"v3\", \"v4\", \"v5\" and 3 more; first at lines 2, 3, 4, 5, 6"
        );
    }

    #[test]
    fn required_cells_are_never_told_to_stay_blank() {
        for reason in [
            Reason::new(Code::DateEmpty),
            Reason::new(Code::NotADate).with_value("2026/13/01"),
            Reason::new(Code::DuplicateId).with_value("E1"),
            Reason::new(Code::CategoryEmpty),
            Reason::new(Code::CategoryEmptyListed).with("A / B"),
            Reason::new(Code::VolumeEmpty),
        ] {
            let h = hint(&rej(2, Some("c"), reason.clone()));
            assert!(!h.contains("blank"), "{reason}: {h}");
        }
    }
}
