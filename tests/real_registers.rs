//! Complaint registers as users really have them (issue 10): a register alone, without a
//! survey; closure from a status column where there is no closed date; on-time closure from
//! a yes/no column where there is no deadline; and registers that cannot say whether a
//! complaint is closed, whose closure figures are "not available", never 0%.
//! Built through the real binary; figures worked out by hand in the comments.

mod common;
use common::{manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A fresh copy of a fixture project in the test's own temp folder, its manyi.toml edited.
fn fixture(name: &str, case: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let dst = common::fixture(name, case);
    common::edit_config(&dst, edit);
    dst
}

fn build_ok(project: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build", project.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = manyi(&args);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    common::built_dir(&o, &project.join("public"))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&read(dir, "summary.json")).unwrap()
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < 1e-9, "got {got}, expected {expected}");
}

/// The page's text: tags, styles and charts removed, whitespace collapsed.
fn page_text(html: &str) -> String {
    let html = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b + "</style>".len()..]),
        _ => html.to_string(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    let mut in_svg = 0usize;
    let bytes: Vec<char> = html.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '<' {
            let tag: String = bytes[i..bytes.len().min(i + 5)].iter().collect();
            if tag.starts_with("<svg") {
                in_svg += 1;
            } else if tag.starts_with("</svg") {
                in_svg = in_svg.saturating_sub(1);
            }
            in_tag = true;
            text.push(' ');
        } else if c == '>' {
            in_tag = false;
        } else if !in_tag && in_svg == 0 {
            text.push(c);
        }
        i += 1;
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.replace("&quot;", "\"").replace("&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The complaint-only fixture (no [survey]), no cut-off: status as of 2026-12-31. No deadline.
/// A closed date decides; without one, the status column (default closed_statuses: 已办结, 办结,
/// 已关闭, Closed*, Resolved, …) does; on-time comes from the 按时办结 column (blank: unknown).
///
/// | id  | received   | closed     | status                      | on time | closed?          |
/// |-----|------------|------------|-----------------------------|---------|------------------|
/// | C01 | 2026-01-05 | 2026-01-08 | 已办结                       | 是      | date, 3 d, yes   |
/// | C02 | 2026-01-20 | 2026-02-10 | Closed with explanation     | no      | date, 21 d, no   |
/// | C03 | 2026-02-03 |            | 已办结                       | 是      | status, yes      |
/// | C04 | 2026-02-14 |            | 处理中                       |         | open             |
/// | C05 | 2026-03-01 |            | Closed with monetary relief | yes     | status (Closed*), yes |
/// | C06 | 2026-03-09 |            | In progress                 |         | open             |
/// | C07 | 2026-04-11 | 2026-04-15 | In progress                 | 是      | date wins, 4 d, yes |
/// | C08 | 2026-05-02 |            | Resolved                    | no      | status, no       |
/// | C09 | 2026-06-18 |            | 已关闭                       |         | status, unknown  |
/// | C10 | 2026-07-07 |            | 待处理                       |         | open             |
/// | C11 | 2026-08-21 | 2026-09-01 | closed                      | yes     | date, 11 d, yes  |
/// | C12 | 2026-10-30 |            | In progress                 | no      | open (on time ignored) |
/// | C13 | 2026-11-15 |            | 办结                         | 否      | status, no       |
///
///   received 13; closed 9 (C01 C02 C03 C05 C07 C08 C09 C11 C13); open 4 (C04 C06 C10 C12)
///   closure rate 9/13 = 0.6923…, below the 0.8 target
///   on time: known for 8 closed (all but C09), yes for C01 C03 C05 C07 C11 → 5/8 = 0.625
///   days to close (closed dates only): 3, 21, 4, 11 → mean 39/4 = 9.75, median (4 + 11)/2 = 7.5
///   open ages at 12-31 (day 365): C04 (day 45) 320, C06 (68) 297, C10 (188) 177, C12 (303) 62
///     → buckets ≤7 0, ≤30 0, ≤90 1, >90 3; mean 856/4 = 214; max 320
///   reopened / follow-up: no column → null, "not recorded"
/// 2025: P01 closed 2025-06-20 (on time yes), P02 处理中 → closure 1/2, on time 1/1.
#[test]
fn complaint_only_register_closes_by_status_and_on_time_column() {
    let project = fixture("real-complaints-only", "status", |t| t);
    let out = build_ok(&project, &[]);
    let s = summary(&out);
    assert_eq!(s["period"], "2026", "the latest year of the complaints' received dates");
    assert!(s.get("survey").is_none(), "no survey figures: {s}");
    let c = &s["complaints"];
    assert_eq!(c["received"], 13);
    assert_eq!(c["closed"], 9);
    assert_eq!(c["open"], 4);
    close(&c["closure_rate"], 9.0 / 13.0);
    assert_eq!(c["closure_met"], false);
    assert_eq!(c["closed_with_deadline"], 8);
    assert_eq!(c["on_time"], 5);
    close(&c["on_time_rate"], 0.625);
    close(&c["days_to_close_mean"], 9.75);
    close(&c["days_to_close_median"], 7.5);
    close(&c["open_age_mean"], 214.0);
    assert_eq!(c["open_age_max"], 320);
    let ages: Vec<u64> = c["open_ages"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).collect();
    assert_eq!(ages, [0, 0, 1, 3]);
    let oldest: Vec<&str> = c["oldest_open"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(oldest, ["C04", "C06", "C10", "C12"]);
    for k in ["reopened", "reopen_rate", "followed_up", "followup_coverage", "followup_satisfied"] {
        assert!(c[k].is_null(), "{k} is not recorded: {}", c[k]);
    }

    // The page: complaint KPIs on top, no survey section, no empty index card.
    let html = page_text(&read(&out, "index.html"));
    assert!(html.contains("顾客投诉分析报告"), "complaint title: {html}");
    assert!(html.contains("办结率 69.2% 受理投诉 13 未办结 4 按期办结率 62.5%"), "KPI cards: {html}");
    assert!(html.contains("重开率 未记录"), "{html}");
    for survey_text in ["满意度指数", "基本情况", "有效问卷", "回收率", "满意程度", "顾客意见", "无数据"]
    {
        assert!(!html.contains(survey_text), "survey text {survey_text:?} on a complaint-only page: {html}");
    }
    let md = read(&out, "report.md");
    assert!(md.contains("报告期：2026\n\n## 顾客投诉分析"), "{md}");
    assert!(!md.contains("满意度指数"), "{md}");
    let charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Complaint charts only: Pareto, control, and the days-to-close histogram.
    let complaint_chart = |c: &String| c.starts_with("pareto-") || c.starts_with("control-") || c == "close-days.svg";
    assert!(charts.iter().all(complaint_chart), "{charts:?}");
    assert!(charts.contains(&"close-days.svg".to_string()), "{charts:?}");

    // The method notes state the rules the computation used: the status list, the on-time
    // column, and what is not recorded.
    assert!(html.contains("办结也可由“处理状态”列判断"), "{html}");
    assert!(html.contains("\"已办结\", \"办结\", \"已关闭\""), "{html}");
    assert!(html.contains("\"Closed*\", \"Resolved\""), "{html}");
    assert!(html.contains("不计入办结天数，按期与否只由按时办结列判断"), "{html}");
    assert!(html.contains("由“按时办结”列（是/否）判断"), "{html}");
    assert!(html.contains("未记录：重开率、回访覆盖率、回访满意度"), "{html}");
    assert!(!html.contains("综合满意度指数"), "{html}");
}

/// `--period all` lists the years with complaints (2025, 2026), and the archive shows
/// complaint figures. 2025: P01 closed by date, P02 处理中 → 1/2 = 50.0%.
#[test]
fn complaint_only_period_all_lists_the_complaint_years() {
    let project = fixture("real-complaints-only", "all", |t| t);
    let out = build_ok(&project, &["--period", "all"]);
    let s25 = summary(&out.join("2025"));
    assert_eq!(s25["complaints"]["received"], 2);
    assert_eq!(s25["complaints"]["closed"], 1);
    close(&s25["complaints"]["closure_rate"], 0.5);
    close(&s25["complaints"]["on_time_rate"], 1.0);
    let archive = page_text(&read(&out, "index.html"));
    assert!(archive.contains("2026 13 69.2% 2025 2 50.0%"), "{archive}");
    assert!(!archive.contains("满意度指数"), "{archive}");
}

/// Closed statuses given in the config replace the defaults: with only 已办结, C05 (Closed with
/// …), C08 (Resolved), C09 (已关闭), C13 (办结) and no longer close; C01 C02 C07 C11 close by date
/// and C03 by status → 5/13. On time: C01 yes, C02 no, C03 yes, C07 yes, C11 yes → 4/5.
#[test]
fn configured_closed_statuses_replace_the_defaults() {
    let project = fixture("real-complaints-only", "statuses", |t| t + "closed_statuses = [\"已办结\"]\n");
    let out = build_ok(&project, &[]);
    let c = &summary(&out)["complaints"];
    assert_eq!(c["closed"], 5);
    close(&c["closure_rate"], 5.0 / 13.0);
    close(&c["on_time_rate"], 0.8);
    let html = page_text(&read(&out, "index.html"));
    assert!(html.contains("状态为 \"已办结\" 之一"), "{html}");
}

/// Without a closed date and a status column nothing says whether a complaint is closed:
/// closure, on-time, days to close and open ages are null and shown as "not available", with
/// no red closure alarm; received counts and the Pareto stay.
#[test]
fn register_without_closed_date_or_status_shows_closure_as_not_available() {
    let project = fixture("real-complaints-only", "unknown", |t| {
        t.lines()
            .filter(|l| !l.starts_with("closed =") && !l.starts_with("status ="))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            + "[site]\nlanguage = \"en\"\n"
    });
    let out = build_ok(&project, &[]);
    let c = &summary(&out)["complaints"];
    assert_eq!(c["received"], 13);
    for k in [
        "closed",
        "open",
        "closure_rate",
        "closure_met",
        "closed_with_deadline",
        "on_time",
        "on_time_rate",
        "days_to_close_mean",
        "days_to_close_median",
        "open_age_mean",
        "open_age_max",
        "open_ages",
        "oldest_open",
        "reopened",
        "reopen_rate",
    ] {
        assert!(c[k].is_null(), "{k} must be null (not available): {}", c[k]);
    }
    let html = read(&out, "index.html");
    assert!(!html.contains("class=\"verdict verdict-invalid\""), "no red alarm");
    assert!(html.contains("class=\"verdict verdict-no_plan\""), "a neutral verdict");
    let text = page_text(&html);
    assert!(text.contains("Closure rate not available Complaints received 13"), "KPI cards: {text}");
    assert!(text.contains("Closure is not available: the register has neither"), "{text}");
    assert!(text.contains("Closure rate not available Closed on time not available"), "{text}");
    assert!(!text.contains("Ages of open complaints"), "{text}");
    assert!(text.contains("open-case ages are not available (not 0%)"), "method note: {text}");
    let md = read(&out, "report.md");
    assert!(md.contains("| Closure rate | not available |"), "{md}");
    assert!(!md.contains("| Closure rate | 0.0% |"), "{md}");
}

/// A config with neither [survey] nor [complaints] is a config error at the file, with a hint.
#[test]
fn config_without_survey_or_complaints_is_a_config_error() {
    let project = fixture("real-complaints-only", "neither", |_| "[site]\nlanguage = \"en\"\n".into());
    let o = manyi(&["check", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("manyi.toml:1:1: error: the config has neither [survey] nor [complaints]"), "{err}");
    assert!(err.contains("add a [survey] section"), "{err}");
}

/// `--period` naming a year without complaints in a complaint-only project says what the
/// register covers.
#[test]
fn complaint_only_period_outside_the_register_is_refused() {
    let project = fixture("real-complaints-only", "outside", |t| t);
    let o = manyi(&["build", project.to_str().unwrap(), "--period", "2024"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no complaints are received in 2024; the register covers 2025-06 to 2026-11"));
}

/// In a complaint-only project the report year is the latest complaint year, so one
/// mistyped received date (2099) is warned about like a doubtful survey year. 2099 has 1
/// complaint; the median of the other years is (2 + 13)/2 = 7.5, a tenth of it 0.75 < 1, so it
/// is not sparse; but it lies more than a year after 2026. The row is line 17 (header line 1,
/// 15 rows, then the new one).
#[test]
fn complaint_only_doubtful_latest_year_is_warned() {
    let project = fixture("real-complaints-only", "doubtful", |t| t);
    let csv = project.join("data/complaints.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("X99,2099-01-05,,处理中,Service,\n");
    std::fs::write(&csv, text).unwrap();
    let o = manyi(&["check", project.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "data/complaints.csv:17: warning: the latest complaint year, 2099, is doubtful: it lies more than a \
             year after the rest of the data, which ends in 2026; a build without --period reports 2099"
        ),
        "{err}"
    );
    assert!(err.contains("check the dates of these rows: data/complaints.csv:17; if they are right, build another year with --period 2026"), "{err}");
}

/// With a deadline (deadline_days = 10) the deadline decides where there is a closed date, and
/// the on-time column only where there is none. Closed by date: C01 3 d yes, C02 21 d no, C07
/// 4 d yes, C11 11 d no (the column says yes: the deadline wins). Closed by status: C03 yes,
/// C05 yes, C08 no, C09 blank (unknown), C13 no. → on time 4 of 8 = 0.5.
#[test]
fn deadline_decides_where_there_is_a_closed_date_and_the_column_elsewhere() {
    let project = fixture("real-complaints-only", "deadline", |t| t + "deadline_days = 10\n");
    let out = build_ok(&project, &[]);
    let c = &summary(&out)["complaints"];
    assert_eq!(c["closed_with_deadline"], 8);
    assert_eq!(c["on_time"], 4);
    close(&c["on_time_rate"], 0.5);
    let html = page_text(&read(&out, "index.html"));
    assert!(html.contains("期限为受理日期后 10 天"), "{html}");
    assert!(
        html.contains("按期办结无法由期限判断时（没有期限，或没有办结日期可比较），由“按时办结”列（是/否）判断"),
        "{html}"
    );
}
