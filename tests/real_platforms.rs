//! Survey-platform exports as users really download them (issue 10): 问卷星 (wjx) by number
//! and by text, read with `[survey] format = "wjx"` or detected from the header, the id, date
//! and duration columns taken from the platform's own, items named by their question text or
//! number, and the platform's skip codes counted as not answered. Built through the real
//! binary from the fixtures in tests/fixtures/platforms/wjx-*; figures worked out by hand in
//! their EXPECTED.md and repeated in the comments here.

mod common;
use common::{copy_dir, manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A copy of a platform fixture in the test's own temp folder, with `toml` as its manyi.toml.
fn project(fixture: &str, case: &str, toml: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/platforms").join(fixture);
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("platforms-{fixture}-{case}"));
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

const ITEMS: &str = r#"
[[survey.dimensions]]
name = "满意度"
items = ["产品质量", "交货准时", "服务态度", "响应速度", "价格合理"]
"#;

const LABELS: &str = r#"scale = { min = 1, max = 5, labels = { "非常满意" = 5, "满意" = 4, "一般" = 3, "不满意" = 2, "非常不满意" = 1 } }"#;

fn close(a: &Value, b: f64) {
    let a = a.as_f64().unwrap_or_else(|| panic!("not a number: {a}"));
    assert!((a - b).abs() < 1e-4, "{a} != {b}");
}

/// The hand figures of EXPECTED.md with `min_seconds = 30`: 10 rows read, row 6 (12 s)
/// rejected as too fast, 9 returned, 8 valid (row 7 answers 3 of 5 < 80 %: incomplete).
/// Item scores over the valid questionnaires:
///   产品质量 (29 − 8) / 32 × 100 = 65.625, 交货准时 (28 − 8) / 32 = 62.5,
///   服务态度 62.5, 响应速度 (24 − 7) / 28 = 60.7143 (row 4 skipped: n = 7), 价格合理 75.0;
///   index = mean = 65.2679.
fn check_min_seconds_figures(s: &Value) {
    let survey = &s["survey"];
    close(&survey["index"], 65.267_857);
    assert_eq!(survey["returned"], 9);
    assert_eq!(survey["valid"], 8);
    assert_eq!(survey["incomplete"], 1);
    let items = survey["dimensions"][0]["items"].as_array().unwrap();
    let want = [(65.625, 8), (62.5, 8), (62.5, 8), (60.714_286, 7), (75.0, 8)];
    assert_eq!(items.len(), 5);
    for (item, (score, n)) in items.iter().zip(want) {
        close(&item["score"], score);
        assert_eq!(item["n"], n, "{item}");
    }
    let q = &s["data_quality"];
    assert_eq!(q["rows_read"], 10);
    assert_eq!(q["rows_used"], 9);
    assert_eq!(q["rows_rejected"], 1);
    assert_eq!(q["rows_excluded"], 0);
    assert_eq!(q["rows_too_fast"], 1);
    assert_eq!(q["files"][0]["format"], "wjx");
}

/// Without `min_seconds`: row 6 counts, 10 returned, 9 valid; item scores
///   产品质量 (33 − 9) / 36 × 100 = 66.6667, 交货准时 66.6667, 服务态度 66.6667,
///   响应速度 (29 − 8) / 32 = 65.625, 价格合理 (36 − 9) / 36 = 75.0; index = 68.125.
fn check_all_rows_figures(s: &Value) {
    let survey = &s["survey"];
    close(&survey["index"], 68.125);
    assert_eq!(survey["returned"], 10);
    assert_eq!(survey["valid"], 9);
    let items = survey["dimensions"][0]["items"].as_array().unwrap();
    let want = [(66.666_667, 9), (66.666_667, 9), (66.666_667, 9), (65.625, 8), (75.0, 9)];
    for (item, (score, n)) in items.iter().zip(want) {
        close(&item["score"], score);
        assert_eq!(item["n"], n, "{item}");
    }
    assert_eq!(s["data_quality"]["rows_rejected"], 0);
    assert_eq!(s["data_quality"]["rows_too_fast"], 0);
}

#[test]
fn wjx_by_number_with_format_gives_the_hand_figures() {
    // No id, date or duration configured: 序号, 提交答卷时间 (2026/4/18 08:03:32), 所用时间 (212秒).
    // Skip codes -3 (row 4) and -2 (row 7, twice) are not answered.
    let toml = format!(
        "[survey]\nformat = \"wjx\"\nfiles = [\"data/wjx-number.csv\"]\nscale = {{ min = 1, max = 5 }}\nmin_seconds = 30\n{ITEMS}"
    );
    let p = project("wjx-number", "format", &toml);
    let s = build(&p);
    check_min_seconds_figures(&s);
    assert_eq!(s["survey"]["period"], "2026");
    // The method notes list the skip codes applied.
    let md = std::fs::read_to_string(common::report_dir(&p.join("public")).join("report.md")).unwrap();
    assert!(md.contains("\"-3\"") && md.contains("\"(跳过)\""), "{md}");
    assert!(md.contains("问卷星"), "detected format shown in the data-quality section");
}

#[test]
fn wjx_by_number_detected_without_min_seconds() {
    let toml = format!("[survey]\nfiles = [\"data/wjx-number.csv\"]\nscale = {{ min = 1, max = 5 }}\n{ITEMS}");
    let s = build(&project("wjx-number", "detected", &toml));
    check_all_rows_figures(&s);
    assert_eq!(s["data_quality"]["files"][0]["format"], "wjx");
}

#[test]
fn wjx_by_text_detected_gives_the_same_figures() {
    // Answer texts through scale.labels; (跳过) (row 4 once, row 7 twice) not answered.
    let toml = format!("[survey]\nfiles = [\"data/wjx-text.csv\"]\n{LABELS}\nmin_seconds = 30\n{ITEMS}");
    let p = project("wjx-text", "detected", &toml);
    let s = build(&p);
    check_min_seconds_figures(&s);
    let md = std::fs::read_to_string(common::report_dir(&p.join("public")).join("report.md")).unwrap();
    assert!(md.contains("\"(跳过)\""), "the notes name the detected format's skip codes: {md}");
}

#[test]
fn wjx_by_text_with_format_without_min_seconds() {
    let toml = format!("[survey]\nformat = \"wjx\"\nfiles = [\"data/wjx-text.csv\"]\n{LABELS}\n{ITEMS}");
    check_all_rows_figures(&build(&project("wjx-text", "format", &toml)));
}

#[test]
fn wjx_items_by_question_number_and_full_header() {
    // Q2_1 … Q2_5 are the five columns of question 2; a full header still works.
    let toml = "[survey]\nformat = \"wjx\"\nfiles = [\"data/wjx-number.csv\"]\nmin_seconds = 30\n\
                [[survey.dimensions]]\nname = \"满意度\"\n\
                items = [\"Q2_1\", \"第2题(交货准时)\", \"Q2_3\", \"Q2_4\", \"价格合理\"]\n";
    let s = build(&project("wjx-number", "numbers", toml));
    close(&s["survey"]["index"], 65.267_857);
    let names: Vec<&str> =
        s["survey"]["dimensions"][0]["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Q2_1", "第2题(交货准时)", "Q2_3", "Q2_4", "价格合理"]);
}

#[test]
fn unknown_format_is_a_config_error_naming_the_known_ones() {
    let toml = format!("[survey]\nformat = \"typeform\"\nfiles = [\"data/wjx-number.csv\"]\n{ITEMS}");
    let o = manyi(&["check", project("wjx-number", "typeform", &toml).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("manyi.toml:2:"), "{err}");
    assert!(err.contains("\"typeform\" is not a known survey-platform format"), "{err}");
    for f in ["wjx", "tencent", "qualtrics", "surveymonkey", "google-forms"] {
        assert!(err.contains(&format!("\"{f}\"")), "{f}: {err}");
    }
}

#[test]
fn format_that_does_not_match_the_header_quotes_the_missing_columns() {
    let dir = project("wjx-number", "mismatch", "");
    std::fs::write(dir.join("data/plain.csv"), "编号,日期,产品质量\n1,2026-04-18,5\n").unwrap();
    let toml = "[survey]\nformat = \"wjx\"\nfiles = [\"data/plain.csv\"]\n\
                [[survey.dimensions]]\nname = \"满意度\"\nitems = [\"产品质量\"]\n";
    std::fs::write(dir.join("manyi.toml"), toml).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("data/plain.csv"), "{err}");
    assert!(err.contains("\"序号\"") && err.contains("\"提交答卷时间\"") && err.contains("\"所用时间\""), "{err}");
}

#[test]
fn plain_file_without_id_is_a_config_error() {
    let dir = project("wjx-number", "noid", "");
    std::fs::write(dir.join("data/plain.csv"), "编号,日期,产品质量\n1,2026-04-18,5\n").unwrap();
    let toml =
        "[survey]\nfiles = [\"data/plain.csv\"]\n[[survey.dimensions]]\nname = \"满意度\"\nitems = [\"产品质量\"]\n";
    std::fs::write(dir.join("manyi.toml"), toml).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("[survey] has no id column"), "{err}");
    assert!(err.contains("id = \\\"<column>\\\"") || err.contains("id = \"<column>\""), "{err}");
}

#[test]
fn an_alias_matching_two_columns_names_both() {
    // 1、产品质量 and 第2题(产品质量) both shorten to 产品质量.
    let dir = project("wjx-number", "ambiguous", "");
    std::fs::write(
        dir.join("data/two.csv"),
        "序号,提交答卷时间,所用时间,1、产品质量,第2题(产品质量)\n1,2026/4/18 08:03:32,212秒,5,4\n",
    )
    .unwrap();
    let toml =
        "[survey]\nfiles = [\"data/two.csv\"]\n[[survey.dimensions]]\nname = \"满意度\"\nitems = [\"产品质量\"]\n";
    std::fs::write(dir.join("manyi.toml"), toml).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("\"1、产品质量\"") && err.contains("\"第2题(产品质量)\""), "{err}");
}

#[test]
fn a_file_set_mixing_wjx_and_plain_files_is_an_error_naming_both() {
    let dir = project("wjx-number", "mixed", "");
    std::fs::write(dir.join("data/z-plain.csv"), "序号,提交答卷时间,产品质量\n11,2026/4/23 08:00:00,5\n").unwrap();
    let toml = format!(
        "[survey]\nfiles = [\"data/wjx-number.csv\", \"data/z-plain.csv\"]\nscale = {{ min = 1, max = 5 }}\n{ITEMS}"
    );
    std::fs::write(dir.join("manyi.toml"), toml).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("data/z-plain.csv") && err.contains("data/wjx-number.csv is a wjx export"), "{err}");
}

#[test]
fn wjx_skip_codes_inside_the_scale_are_a_config_error() {
    let toml = format!(
        "[survey]\nformat = \"wjx\"\nfiles = [\"data/wjx-number.csv\"]\nscale = {{ min = -3, max = 3 }}\n{ITEMS}"
    );
    let o = manyi(&["check", project("wjx-number", "scale", &toml).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("skip codes -2/-3"), "{}", stderr(&o));
}

/// Filters are resolved with the other columns, after the format: a filter may name a
/// column by its 问卷星 alias (`Q1` = `1、您所在的行业`), and a missing filter column is reported
/// in the same run as a missing item. Rows of the fixture with 行业 = 1 are kept.
#[test]
fn a_filter_may_name_a_column_by_its_alias_and_is_checked_with_the_others() {
    let toml = format!(
        "[survey]\nfiles = [\"data/wjx-number.csv\"]\nscale = {{ min = 1, max = 5 }}\n\
         filters = [{{ column = \"Q1\", equals = [\"1\"] }}]\nmax_rejected_share = 1\n{ITEMS}"
    );
    let s = build(&project("wjx-number", "filter-alias", &toml));
    let f = &s["data_quality"]["files"][0];
    assert_eq!(
        f["read"].as_u64(),
        Some(f["used"].as_u64().unwrap() + f["rejected"].as_u64().unwrap() + f["excluded"].as_u64().unwrap())
    );
    assert!(f["excluded"].as_u64().unwrap() > 0, "{f}");

    let toml = format!(
        "[survey]\nfiles = [\"data/wjx-number.csv\"]\nscale = {{ min = 1, max = 5 }}\n\
         filters = [{{ column = \"渠道\", equals = [\"1\"] }}]\n{}",
        ITEMS.replace("价格合理", "价格合里")
    );
    let dir = project("wjx-number", "filter-missing", &toml);
    let o = manyi(&["build", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("\"渠道\"") && err.contains("\"价格合里\""), "both missing columns in one run: {err}");
}
