//! Survey-platform export formats: everything manyi knows about each platform's download in
//! one table (`FORMATS`), read by the config check, the table reader and the method notes.
//! Layouts and their sources: docs/platforms.md.

/// Where a format's response time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duration {
    /// The export has no response time.
    None,
    /// A column of seconds (`80`, `80秒`, `1分20秒`, `00:01:20`).
    Column(&'static str),
    /// The difference of two date-time columns (start, end), as SurveyMonkey's export has.
    Between(&'static str, &'static str),
}

/// How a format's question columns may also be named (see `ingest::table`'s alias builders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aliases {
    /// 问卷星: `1、产品性能` → `产品性能`, `Q1`; `第2题(产品质量)` → `产品质量`, `Q2_1`.
    Wjx,
    /// 腾讯问卷: `2.请您对以下方面进行评价:产品质量` → `产品质量`, `…:产品质量`, `Q2_1`.
    Tencent,
    /// Google Forms: `How satisfied…? [Product quality]` → `Product quality`.
    Brackets,
    /// Qualtrics: the column id of row 1 (`Q2_1`) is the name; row 2's question text and its
    /// part after the last ` - ` (`Product quality`) are aliases.
    QuestionText,
    /// SurveyMonkey: row 1's question text carried over the blank cells of a multi-column
    /// question, row 2's sub-label; the sub-label alone is an alias.
    SubLabels,
}

/// Rows a format's export holds that are not responses: `column` holding one of `values`
/// (compared case-insensitively after trimming) is excluded, counted per column and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exclusion {
    pub column: &'static str,
    pub values: &'static [&'static str],
}

/// One survey platform's export.
#[derive(Debug, PartialEq)]
pub struct Format {
    /// The `format` value in manyi.toml.
    pub name: &'static str,
    /// The name users know it by, for messages.
    pub title: &'static str,
    /// Header columns that identify the export (all present in the first header row).
    pub signature: &'static [&'static str],
    /// Detected only when this is the first column (Google Forms' lone `Timestamp`).
    pub first_column: Option<&'static str>,
    /// Header rows in the file (the first holds the column names).
    pub header_rows: u8,
    /// What a cell of the extra header rows starts with, to confirm them (Qualtrics' row 3).
    pub last_header_cells: Option<&'static str>,
    /// The id column; `None` when the export has none (the data line number is the id).
    pub id: Option<&'static str>,
    pub date: &'static str,
    /// Dates written month first (`04/18/2026`).
    pub month_first: bool,
    pub duration: Duration,
    /// Cell values meaning "not answered" besides blank.
    pub skip_codes: &'static [&'static str],
    pub exclusions: &'static [Exclusion],
    pub aliases: Aliases,
}

/// Every format, in the order they are detected from a header.
pub const FORMATS: &[Format] = &[
    // Qualtrics support, "Understanding Your Dataset": three header rows (ids, question text,
    // import ids); Status and Finished as choice text or numeric values (docs/platforms.md §3).
    Format {
        name: "qualtrics",
        title: "Qualtrics",
        signature: &["StartDate", "EndDate", "ResponseId"],
        first_column: None,
        header_rows: 3,
        last_header_cells: Some("{\"ImportId\""),
        id: Some("ResponseId"),
        date: "RecordedDate",
        month_first: false,
        duration: Duration::Column("Duration (in seconds)"),
        skip_codes: &[],
        exclusions: &[
            Exclusion {
                column: "Status",
                values: &[
                    "Survey Preview",
                    "Survey Test",
                    "Spam",
                    "Preview Spam",
                    "Offline Preview",
                    "1",
                    "2",
                    "8",
                    "9",
                    "17",
                ],
            },
            Exclusion { column: "Finished", values: &["False", "0"] },
        ],
        aliases: Aliases::QuestionText,
    },
    // SurveyMonkey "All responses data": two header rows, no duration column (§4).
    Format {
        name: "surveymonkey",
        title: "SurveyMonkey",
        signature: &["Respondent ID", "Collector ID", "Start Date", "End Date"],
        first_column: None,
        header_rows: 2,
        last_header_cells: None,
        id: Some("Respondent ID"),
        date: "End Date",
        month_first: true,
        duration: Duration::Between("Start Date", "End Date"),
        skip_codes: &[],
        exclusions: &[],
        aliases: Aliases::SubLabels,
    },
    // 问卷星: skip codes -3 (skipped by jump logic), -2 (not shown), (跳过), (空) (§1).
    Format {
        name: "wjx",
        title: "问卷星",
        signature: &["序号", "提交答卷时间", "所用时间"],
        first_column: None,
        header_rows: 1,
        last_header_cells: None,
        id: Some("序号"),
        date: "提交答卷时间",
        month_first: false,
        duration: Duration::Column("所用时间"),
        skip_codes: &["-3", "-2", "(跳过)", "(空)"],
        exclusions: &[],
        aliases: Aliases::Wjx,
    },
    Format {
        name: "tencent",
        title: "腾讯问卷",
        signature: &["编号", "开始答题时间", "结束答题时间", "答题时长"],
        first_column: None,
        header_rows: 1,
        last_header_cells: None,
        id: Some("编号"),
        date: "结束答题时间",
        month_first: false,
        duration: Duration::Column("答题时长"),
        skip_codes: &[],
        exclusions: &[],
        aliases: Aliases::Tencent,
    },
    Format {
        name: "google-forms",
        title: "Google Forms",
        signature: &["Timestamp"],
        first_column: Some("Timestamp"),
        header_rows: 1,
        last_header_cells: None,
        id: None,
        date: "Timestamp",
        month_first: true,
        duration: Duration::None,
        skip_codes: &[],
        exclusions: &[],
        aliases: Aliases::Brackets,
    },
];

/// The format named `name` in manyi.toml.
pub fn find(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The format of a name known to be one (`FileAccount::format`, `[survey] format`).
pub fn get(name: &str) -> &'static Format {
    find(name).unwrap_or_else(|| panic!("\"{name}\" is not a survey-platform format"))
}

/// The formats as `"wjx" (问卷星), "tencent" (腾讯问卷) or …`, for hints.
pub fn names_text() -> String {
    let names: Vec<String> = FORMATS.iter().map(|f| format!("\"{}\" ({})", f.name, f.title)).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The skip codes of a format (none for a plain file).
pub fn skip_codes(format: Option<&str>) -> &'static [&'static str] {
    format.map_or(&[], |f| get(f).skip_codes)
}

/// Whether a format's numeric skip codes (问卷星's -2/-3) lie inside the answer scale, where
/// they could not be told from answers.
pub fn skip_codes_in_scale(format: Option<&str>, min: f64, max: f64) -> bool {
    skip_codes(format).iter().filter_map(|c| c.parse::<f64>().ok()).any(|v| v >= min && v <= max)
}

/// The duration columns of the formats that have one, used when `min_seconds` is set for a
/// plain file without `duration` (问卷星's 所用时间, 腾讯问卷's 答题时长, Qualtrics').
pub fn duration_columns() -> Vec<&'static str> {
    FORMATS
        .iter()
        .filter_map(|f| match f.duration {
            Duration::Column(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The duration rule of a format as the method notes print it.
pub fn duration_text(format: Option<&str>) -> Option<String> {
    match format.map(|f| get(f).duration) {
        Some(Duration::Column(c)) => Some(c.to_string()),
        Some(Duration::Between(start, end)) => Some(format!("{end} − {start}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_format_names_its_date_in_its_signature_or_header() {
        for (i, f) in FORMATS.iter().enumerate() {
            assert!(FORMATS[..i].iter().all(|g| g.name != f.name), "{}", f.name);
            assert!(f.header_rows >= 1);
            assert_eq!(find(f.name), Some(f));
        }
        assert_eq!(find("typeform"), None);
    }

    #[test]
    fn skip_codes_inside_a_scale_are_found() {
        assert!(skip_codes_in_scale(Some("wjx"), -3.0, 5.0));
        assert!(!skip_codes_in_scale(Some("wjx"), 1.0, 5.0));
        assert!(!skip_codes_in_scale(None, -3.0, 5.0));
    }

    #[test]
    fn the_hint_lists_every_format() {
        let text = names_text();
        for f in FORMATS {
            assert!(text.contains(&format!("\"{}\" ({})", f.name, f.title)), "{text}");
        }
        assert!(text.contains(" or \"google-forms\" (Google Forms)"), "{text}");
    }
}
