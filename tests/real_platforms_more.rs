//! Survey-platform exports beyond 问卷星 (issue 10): 腾讯问卷 (tencent), Google Forms,
//! Qualtrics and SurveyMonkey, read with
//! `[survey] format = "…"` or detected from the header, the id, date and duration columns
//! taken from the platform's own and items named by their question text. Built through the
//! real binary from the fixtures in tests/fixtures/platforms/<platform>; figures worked out by
//! hand in their EXPECTED.md and repeated in the comments here.

mod common;
use common::{copy_dir, manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A copy of a platform fixture in the test's own temp folder, with `toml` as its manyi.toml.
fn project(fixture: &str, case: &str, toml: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/platforms").join(fixture);
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("platforms-more-{fixture}-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&src, &dst);
    std::fs::write(dst.join("manyi.toml"), toml).unwrap();
    dst
}

fn build(project: &Path) -> Value {
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let text = std::fs::read_to_string(common::report_dir(&project.join("public")).join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("not a number: {a}"));
    assert!((a - b).abs() < 1e-4, "{a} != {b}");
}

const ZH_ITEMS: &str = r#"
[[survey.dimensions]]
name = "满意度"
items = ["产品质量", "交货准时", "服务态度", "响应速度", "价格合理"]
"#;

const ZH_LABELS: &str = r#"scale = { min = 1, max = 5, labels = { "非常满意" = 5, "满意" = 4, "一般" = 3, "不满意" = 2, "非常不满意" = 1 } }"#;

/// Item scores and counts, the index and the row accounting of one build.
fn check(s: &Value, index: f64, returned: u64, valid: u64, rejected: u64, excluded: u64, items: &[(f64, u64)]) {
    let survey = &s["survey"];
    close(&survey["index"], index);
    assert_eq!(survey["returned"], returned);
    assert_eq!(survey["valid"], valid);
    let got = survey["dimensions"][0]["items"].as_array().unwrap();
    assert_eq!(got.len(), items.len());
    for (item, (score, n)) in got.iter().zip(items) {
        close(&item["score"], *score);
        assert_eq!(item["n"], *n, "{item}");
    }
    let q = &s["data_quality"];
    assert_eq!(q["rows_used"], returned);
    assert_eq!(q["rows_rejected"], rejected);
    assert_eq!(q["rows_excluded"], excluded);
}

// ---- 腾讯问卷 -----------------------------------------------------------------------------

const TENCENT_FILE: &str = "data/12345678_202604280930001234.csv";

/// tests/fixtures/platforms/tencent/EXPECTED.md with `min_seconds = 30`: 10 rows read, row 6
/// (答题时长 9 s) rejected as too fast, 9 returned, 8 valid (row 7 answers 3 of 5 < 80 %).
///   产品质量 (29 − 8) / 32 × 100 = 65.625, 交货准时 (28 − 8) / 32 = 62.5, 服务态度 62.5,
///   响应速度 (24 − 7) / 28 = 60.7143 (row 4 empty: n = 7), 价格合理 (32 − 8) / 32 = 75.0;
///   index = mean = 65.2679.
#[test]
fn tencent_with_format_gives_the_hand_figures() {
    let toml = format!(
        "[survey]\nformat = \"tencent\"\nfiles = [\"{TENCENT_FILE}\"]\n{ZH_LABELS}\nmin_seconds = 30\n{ZH_ITEMS}"
    );
    let p = project("tencent", "format", &toml);
    let s = build(&p);
    check(&s, 65.267_857, 9, 8, 1, 0, &[(65.625, 8), (62.5, 8), (62.5, 8), (60.714_286, 7), (75.0, 8)]);
    assert_eq!(s["survey"]["incomplete"], 1);
    assert_eq!(s["data_quality"]["rows_read"], 10);
    assert_eq!(s["data_quality"]["rows_too_fast"], 1);
    assert_eq!(s["data_quality"]["files"][0]["format"], "tencent");
    // 结束答题时间 18-Apr-2026 … 22-Apr-2026: all in 2026.
    assert_eq!(s["survey"]["period"], "2026");
    let md = std::fs::read_to_string(common::report_dir(&p.join("public")).join("report.md")).unwrap();
    assert!(md.contains("腾讯问卷"), "format shown in the data-quality section");
}

/// Detected from 编号, 开始答题时间, 结束答题时间, 答题时长; without `min_seconds` row 6 counts:
/// 10 returned, 9 valid; 产品质量 (33 − 9) / 36 × 100 = 66.6667, 交货准时 66.6667,
/// 服务态度 66.6667, 响应速度 (29 − 8) / 32 = 65.625, 价格合理 (36 − 9) / 36 = 75.0;
/// index = 68.125. Items named `Q2_1` … `Q2_5` (position within question 2) and by the
/// full `题目:子项` text give the same figures.
#[test]
fn tencent_detected_without_min_seconds() {
    let want = [(66.666_667, 9), (66.666_667, 9), (66.666_667, 9), (65.625, 8), (75.0, 9)];
    let toml = format!("[survey]\nfiles = [\"{TENCENT_FILE}\"]\n{ZH_LABELS}\n{ZH_ITEMS}");
    let s = build(&project("tencent", "detected", &toml));
    check(&s, 68.125, 10, 9, 0, 0, &want);
    assert_eq!(s["data_quality"]["files"][0]["format"], "tencent");

    let items = r#"
[[survey.dimensions]]
name = "满意度"
items = ["Q2_1", "请您对以下方面进行评价:交货准时", "Q2_3", "Q2_4", "2.请您对以下方面进行评价:价格合理"]
"#;
    let toml =
        format!("[survey]\nformat = \"tencent\"\nfiles = [\"{TENCENT_FILE}\"]\n{ZH_LABELS}\ncomment = \"Q3\"\n{items}");
    let s = build(&project("tencent", "numbered", &toml));
    check(&s, 68.125, 10, 9, 0, 0, &want);
}

/// `format = "tencent"` on a 问卷星 file is an error naming the missing columns.
#[test]
fn tencent_format_on_another_export_names_the_missing_columns() {
    let toml = format!(
        "[survey]\nformat = \"tencent\"\nfiles = [\"data/wjx-number.csv\"]\nscale = {{ min = 1, max = 5 }}\n{ZH_ITEMS}"
    );
    let p = project("wjx-number", "as-tencent", &toml);
    let o = manyi(&["build", p.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("format = \"tencent\"") && err.contains("\"编号\""), "{err}");
}

// ---- Google Forms -------------------------------------------------------------------------

const GOOGLE_FILE: &str = "data/Customer satisfaction 2026 (Responses) - Form Responses 1.csv";

const EN_ITEMS: &str = r#"
[[survey.dimensions]]
name = "Satisfaction"
items = ["Product quality", "On-time delivery", "Staff courtesy", "Response time", "Value for money"]
"#;

const EN_LABELS: &str = r#"scale = { min = 1, max = 5, labels = { "Very satisfied" = 5, "Satisfied" = 4, "Neutral" = 3, "Dissatisfied" = 2, "Very dissatisfied" = 1 } }"#;

/// tests/fixtures/platforms/google-forms/EXPECTED.md: 10 rows read, none rejected, 10 returned,
/// 9 valid (row 7 answers 3 of 5 < 80 %); Product quality (33 − 9) / 36 × 100 = 66.6667,
/// On-time delivery 66.6667, Staff courtesy 66.6667, Response time (29 − 8) / 32 = 65.625,
/// Value for money (36 − 9) / 36 = 75.0; index = 68.125. Items are the grid rows in
/// `… [Row]`; the date is `Timestamp` (`2026/04/18 8:03:32 AM GMT+8`); no id column: the
/// line number is the id.
fn check_google(s: &Value) {
    let want = [(66.666_667, 9), (66.666_667, 9), (66.666_667, 9), (65.625, 8), (75.0, 9)];
    check(s, 68.125, 10, 9, 0, 0, &want);
    assert_eq!(s["data_quality"]["rows_read"], 10);
    assert_eq!(s["data_quality"]["files"][0]["format"], "google-forms");
    assert_eq!(s["survey"]["period"], "2026");
}

#[test]
fn google_forms_with_format_gives_the_hand_figures() {
    let toml = format!(
        "[survey]\nformat = \"google-forms\"\nfiles = [\"{GOOGLE_FILE}\"]\n{EN_LABELS}\n\
         comment = \"Is there anything else you would like to tell us?\"\n{EN_ITEMS}"
    );
    let p = project("google-forms", "format", &toml);
    let s = build(&p);
    check_google(&s);
    // The lowest-scoring comment: row 9 (line 10, score 15.0), then row 5 (line 6, 40.0) — each
    // with its line number as id.
    let comments = s["survey"]["comments"].as_array().unwrap();
    assert!(!comments.is_empty());
    assert_eq!(comments[0]["id"], "10", "{comments:?}");
    assert_eq!(comments[1]["id"], "6", "{comments:?}");
    let md = std::fs::read_to_string(common::report_dir(&p.join("public")).join("report.md")).unwrap();
    assert!(md.contains("Google"), "format shown in the data-quality section");
}

#[test]
fn google_forms_detected_from_the_first_column() {
    let toml = format!("[survey]\nfiles = [\"{GOOGLE_FILE}\"]\n{EN_LABELS}\n{EN_ITEMS}");
    check_google(&build(&project("google-forms", "detected", &toml)));
}

/// The Sheets copy writes `Timestamp` month first (`4/18/2026 8:03:32`): read month first for
/// this format only; the figures are the same.
#[test]
fn google_forms_sheet_dates_are_month_first() {
    let p = project("google-forms", "sheet", "");
    let file = p.join(GOOGLE_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str(line);
            continue;
        }
        // 2026/04/18 8:03:32 AM GMT+8 → 4/18/2026 8:03:32
        let (ts, rest) = line.split_once(',').unwrap();
        let (date, _) = ts.split_once(' ').unwrap();
        let [y, m, d] = date.split('/').collect::<Vec<_>>()[..] else { panic!("{ts}") };
        let m: u32 = m.parse().unwrap();
        out.push_str(&format!("{m}/{d}/{y} 8:03:32,{rest}"));
    }
    std::fs::write(&file, out).unwrap();
    let toml = format!("[survey]\nformat = \"google-forms\"\nfiles = [\"{GOOGLE_FILE}\"]\n{EN_LABELS}\n{EN_ITEMS}");
    std::fs::write(p.join("manyi.toml"), toml).unwrap();
    check_google(&build(&p));
}

// ---- Qualtrics ----------------------------------------------------------------------------

const QUALTRICS_FILE: &str = "data/Customer+satisfaction+2026_April+28,+2026_09.30.csv";

const QUALTRICS_LABELS: &str = r#"scale = { min = 1, max = 5, labels = { "Extremely satisfied" = 5, "Somewhat satisfied" = 4, "Neither satisfied nor dissatisfied" = 3, "Somewhat dissatisfied" = 2, "Extremely dissatisfied" = 1 } }"#;

const QUALTRICS_IDS: &str = r#"
[[survey.dimensions]]
name = "Satisfaction"
items = ["Q2_1", "Q2_2", "Q2_3", "Q2_4", "Q2_5"]
"#;

/// Excluded rows of a file as `(column, value, rows)`.
fn excluded_by(s: &Value) -> Vec<(String, Value, u64)> {
    s["data_quality"]["files"][0]["excluded_by"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| (e["column"].as_str().unwrap().to_string(), e["value"].clone(), e["rows"].as_u64().unwrap()))
                .collect()
        })
        .unwrap_or_default()
}

/// tests/fixtures/platforms/qualtrics/EXPECTED.md with `min_seconds = 30`: three header rows
/// (data from line 4), 10 rows read; row 2 (Status = Survey Preview) and row 9 (Finished =
/// False) excluded; row 6 (Duration 12 s) rejected as too fast; 7 returned, 6 valid (row 7
/// answers 3 of 5). Q2_1 (24 − 6) / 24 × 100 = 75.0, Q2_2 (22 − 6) / 24 = 66.6667,
/// Q2_3 (23 − 6) / 24 = 70.8333, Q2_4 (19 − 5) / 20 = 70.0, Q2_5 (25 − 6) / 24 = 79.1667;
/// index = 72.3333.
#[test]
fn qualtrics_with_format_gives_the_hand_figures() {
    let toml = format!(
        "[survey]\nformat = \"qualtrics\"\nfiles = [\"{QUALTRICS_FILE}\"]\n{QUALTRICS_LABELS}\nmin_seconds = 30\n{QUALTRICS_IDS}"
    );
    let p = project("qualtrics", "format", &toml);
    let s = build(&p);
    check(&s, 72.333_333, 7, 6, 1, 2, &[(75.0, 6), (66.666_667, 6), (70.833_333, 6), (70.0, 5), (79.166_667, 6)]);
    assert_eq!(s["data_quality"]["rows_read"], 10);
    assert_eq!(s["data_quality"]["rows_too_fast"], 1);
    assert_eq!(s["data_quality"]["files"][0]["format"], "qualtrics");
    assert_eq!(
        excluded_by(&s),
        vec![
            ("Status".to_string(), Value::from("Survey Preview"), 1),
            ("Finished".to_string(), Value::from("False"), 1)
        ]
    );
    // The too-fast row is the file's line 9 (three header rows): rejected.csv says so.
    let rejected = std::fs::read_to_string(common::report_dir(&p.join("public")).join("rejected.csv")).unwrap();
    assert!(
        rejected.contains(",9,Duration (in seconds),答题用时 12 秒，短于最短答题时间 30 秒,too_fast\n"),
        "{rejected}"
    );
    let md = std::fs::read_to_string(common::report_dir(&p.join("public")).join("report.md")).unwrap();
    assert!(md.contains("Qualtrics"), "format shown in the data-quality section");
    assert!(md.contains("Survey Preview"), "exclusion reasons shown:\n{md}");
}

/// Detected from StartDate, EndDate, ResponseId; without `min_seconds` row 6 counts: 8
/// returned, 7 valid; Q2_1 (28 − 7) / 28 × 100 = 75.0, Q2_2 (27 − 7) / 28 = 71.4286,
/// Q2_3 75.0, Q2_4 (24 − 6) / 24 = 75.0, Q2_5 (29 − 7) / 28 = 78.5714; index = 75.0.
/// Items named by row 2's matrix-row text and by its full text give the same figures.
#[test]
fn qualtrics_detected_and_named_by_question_text() {
    let want = [(75.0, 7), (71.428_571, 7), (75.0, 7), (75.0, 6), (78.571_429, 7)];
    let toml = format!("[survey]\nfiles = [\"{QUALTRICS_FILE}\"]\n{QUALTRICS_LABELS}\n{QUALTRICS_IDS}");
    let s = build(&project("qualtrics", "detected", &toml));
    check(&s, 75.0, 8, 7, 0, 2, &want);
    assert_eq!(s["data_quality"]["files"][0]["format"], "qualtrics");

    let items = r#"
[[survey.dimensions]]
name = "Satisfaction"
items = ["Product quality", "On-time delivery", "How satisfied are you with each of the following aspects of our service? - Staff courtesy", "Response time", "Value for money"]
"#;
    let toml = format!(
        "[survey]\nformat = \"qualtrics\"\nfiles = [\"{QUALTRICS_FILE}\"]\n{QUALTRICS_LABELS}\ncomment = \"Q3\"\n{items}"
    );
    let s = build(&project("qualtrics", "by-text", &toml));
    check(&s, 75.0, 8, 7, 0, 2, &want);
}

/// Numeric-values exports write Status 1 for a preview and Finished 0: excluded the same way.
#[test]
fn qualtrics_numeric_status_and_finished_are_excluded_too() {
    let p = project("qualtrics", "numeric", "");
    let file = p.join(QUALTRICS_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replace(",Survey Preview,", ",1,")
        .replace(",IP Address,", ",0,")
        .replace(",True,", ",1,")
        .replace(",False,", ",0,");
    std::fs::write(&file, text).unwrap();
    let toml = format!("[survey]\nfiles = [\"{QUALTRICS_FILE}\"]\n{QUALTRICS_LABELS}\n{QUALTRICS_IDS}");
    std::fs::write(p.join("manyi.toml"), toml).unwrap();
    let s = build(&p);
    check(&s, 75.0, 8, 7, 0, 2, &[(75.0, 7), (71.428_571, 7), (75.0, 7), (75.0, 6), (78.571_429, 7)]);
    assert_eq!(
        excluded_by(&s),
        vec![("Status".to_string(), Value::from("1"), 1), ("Finished".to_string(), Value::from("0"), 1)]
    );
}

/// A Qualtrics file whose third header row is gone (a response on line 3) is refused, naming
/// the line, instead of reading a response as a header.
#[test]
fn qualtrics_without_its_third_header_row_is_refused() {
    let p = project("qualtrics", "two-rows", "");
    let file = p.join(QUALTRICS_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let without: String = lines.iter().enumerate().filter(|(i, _)| *i != 2).map(|(_, l)| *l).collect();
    std::fs::write(&file, without).unwrap();
    let toml = format!("[survey]\nfiles = [\"{QUALTRICS_FILE}\"]\n{QUALTRICS_LABELS}\n{QUALTRICS_IDS}");
    std::fs::write(p.join("manyi.toml"), toml).unwrap();
    let o = manyi(&["build", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(":3:") && err.contains("header rows") && err.contains("holds \"2026-04-18 08:00:00\""),
        "{err}"
    );
}

// ---- SurveyMonkey -------------------------------------------------------------------------

const MONKEY_FILE: &str = "data/Sheet_1.csv";

/// tests/fixtures/platforms/surveymonkey/EXPECTED.md with `min_seconds = 30`: two header
/// rows (data from line 3), 10 rows read; row 6 answered in 20 s (End Date − Start Date)
/// rejected; 9 returned, 8 valid. Product quality (29 − 8) / 32 × 100 = 65.625, On-time
/// delivery (28 − 8) / 32 = 62.5, Staff courtesy 62.5, Response time (24 − 7) / 28 = 60.7143,
/// Value for money (32 − 8) / 32 = 75.0; index = 65.2679. Items are the matrix rows' sub-labels
/// of row 2; the question text of row 1 is written over the first of them only.
#[test]
fn surveymonkey_with_format_gives_the_hand_figures() {
    let toml = format!(
        "[survey]\nformat = \"surveymonkey\"\nfiles = [\"{MONKEY_FILE}\"]\n{EN_LABELS}\nmin_seconds = 30\n{EN_ITEMS}"
    );
    let p = project("surveymonkey", "format", &toml);
    let s = build(&p);
    check(&s, 65.267_857, 9, 8, 1, 0, &[(65.625, 8), (62.5, 8), (62.5, 8), (60.714_286, 7), (75.0, 8)]);
    assert_eq!(s["data_quality"]["rows_too_fast"], 1);
    assert_eq!(s["data_quality"]["files"][0]["format"], "surveymonkey");
    let rejected = std::fs::read_to_string(common::report_dir(&p.join("public")).join("rejected.csv")).unwrap();
    assert!(rejected.contains(",8,End Date,答题用时 20 秒，短于最短答题时间 30 秒,too_fast\n"), "{rejected}");
    let md = std::fs::read_to_string(common::report_dir(&p.join("public")).join("report.md")).unwrap();
    assert!(md.contains("SurveyMonkey"), "format shown in the data-quality section");
    assert!(md.contains("End Date − Start Date"), "the duration rule is in the method notes:\n{md}");
}

/// Detected from Respondent ID, Collector ID, Start Date, End Date; without `min_seconds`:
/// 10 returned, 9 valid, index 68.125 (EXPECTED.md). The comment is the open-ended question,
/// named by its row-1 text (its row 2 says `Open-Ended Response`); an item may also be named
/// `question - sub-label`.
#[test]
fn surveymonkey_detected_without_min_seconds() {
    let items = r#"
[[survey.dimensions]]
name = "Satisfaction"
items = ["Product quality", "How satisfied are you with each of the following? - On-time delivery", "Staff courtesy", "Response time", "Value for money"]
"#;
    let toml = format!(
        "[survey]\nfiles = [\"{MONKEY_FILE}\"]\n{EN_LABELS}\ncomment = \"Is there anything else you would like to tell us?\"\n{items}"
    );
    let s = build(&project("surveymonkey", "detected", &toml));
    check(&s, 68.125, 10, 9, 0, 0, &[(66.666_667, 9), (66.666_667, 9), (66.666_667, 9), (65.625, 8), (75.0, 9)]);
    assert_eq!(s["data_quality"]["files"][0]["format"], "surveymonkey");
    // Row 9 (line 11, score 15.0) is the lowest-scoring respondent with a comment or not:
    // comments, when present, carry the Respondent ID.
    let comments = s["survey"]["comments"].as_array().unwrap();
    assert!(comments.iter().all(|c| c["id"].as_str().unwrap().starts_with("1180522")), "{comments:?}");
}

/// A SurveyMonkey file saved without its sub-label row (a response on line 2) is refused
/// instead of taking the first response for a header.
#[test]
fn surveymonkey_without_its_second_header_row_is_refused() {
    let p = project("surveymonkey", "one-row", "");
    let file = p.join(MONKEY_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let without: String = lines.iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, l)| *l).collect();
    std::fs::write(&file, without).unwrap();
    let toml = format!("[survey]\nfiles = [\"{MONKEY_FILE}\"]\n{EN_LABELS}\n{EN_ITEMS}");
    std::fs::write(p.join("manyi.toml"), toml).unwrap();
    let o = manyi(&["build", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(":2:") && err.contains("Respondent ID") && err.contains("is it a response?"), "{err}");
}

// ---- read in parallel byte ranges ---------------------------------------------------------

/// Builds `project` on one thread and on two threads with ranges of 97 bytes (so every
/// fixture, 2–3 KB, is cut into many ranges, some starting inside the extra header rows'
/// neighbourhood), and checks every output byte is the same: the header rows, exclusions
/// (Qualtrics), End − Start durations (SurveyMonkey) and line-number ids (Google Forms)
/// survive range reading.
fn assert_ranges_equal_one_thread(project: &Path) {
    let run = |threads: &str, out: &str| {
        let out = project.join(out);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_manyi"))
            .args(["build", project.to_str().unwrap(), "--output", out.to_str().unwrap()])
            .env("MANYI_THREADS", threads)
            .env("MANYI_RANGE_BYTES", "97")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        common::folder_files(&out)
    };
    let one = run("1", "out-1");
    let two = run("2", "out-2");
    assert_eq!(one.len(), two.len());
    for ((file, a), (_, b)) in one.iter().zip(&two) {
        assert!(a == b, "{}: {} differs between 1 and 2 threads", project.display(), file.display());
    }
}

#[test]
fn platform_exports_read_in_ranges_give_the_same_bytes() {
    let qualtrics = format!(
        "[survey]\nfiles = [\"{QUALTRICS_FILE}\"]\n{QUALTRICS_LABELS}\nmin_seconds = 30\ncomment = \"Q3\"\n{QUALTRICS_IDS}"
    );
    let monkey = format!(
        "[survey]\nfiles = [\"{MONKEY_FILE}\"]\n{EN_LABELS}\nmin_seconds = 30\n\
         comment = \"Is there anything else you would like to tell us?\"\n{EN_ITEMS}"
    );
    let google = format!(
        "[survey]\nfiles = [\"{GOOGLE_FILE}\"]\n{EN_LABELS}\n\
         comment = \"Is there anything else you would like to tell us?\"\n{EN_ITEMS}"
    );
    for (fixture, toml) in [("qualtrics", qualtrics), ("surveymonkey", monkey), ("google-forms", google)] {
        let p = project(fixture, "ranges", &toml);
        assert_ranges_equal_one_thread(&p);
    }
}
