//! Issue 10, the data users really have: files without dates (a `period` per `files` entry),
//! the minimum response time (`min_seconds`), and row filters (`filters`), built through the
//! real binary on projects written into the test's temp folder.

mod common;
use common::{copy_dir, manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project(case: &str) -> PathBuf {
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("real-files-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(dst.join("data")).unwrap();
    dst
}

fn hand(case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand");
    let dst = project(case);
    copy_dir(&src, &dst);
    dst
}

fn write(dir: &Path, rel: &str, text: &str) {
    std::fs::write(dir.join(rel), text).unwrap();
}

fn build(project: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", project.to_str().unwrap()];
    args.extend_from_slice(extra);
    manyi(&args)
}

fn build_ok(project: &Path, extra: &[&str]) -> PathBuf {
    let o = build(project, extra);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    common::built_dir(&o, &project.join("public"))
}

fn summary(file: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// The hand fixture's config with `files` and `date` replaced.
fn hand_config(project: &Path, files: &str, date: Option<&str>) {
    let text = std::fs::read_to_string(project.join("manyi.toml")).unwrap();
    let date_line = date.map(|d| format!("date = \"{d}\"\n")).unwrap_or_default();
    let text =
        text.replace("files = [\"data\"]\n", &format!("files = {files}\n")).replace("date = \"日期\"\n", &date_line);
    write(project, "manyi.toml", &text);
}

/// The hand fixture's survey files without their date column: each file is one survey round.
/// R6 (date 2026-13-01) is rejected in the dated original, so it is left out here.
fn strip_dates(project: &Path) {
    write(project, "data/2025.csv", "编号,项目甲,项目乙,项目丙,意见\nP1,4,4,4,\nP2,2,3,4,还行\n");
    write(
        project,
        "data/2026.csv",
        "编号,项目甲,项目乙,项目丙,意见\nR1,5,4,3,<script>alert(1)</script> 价格|太贵\nR2,4,,5,\nR3,3,3,N/A,交货慢\nR4,1,,,\nR5,6,4,4,\n",
    );
}

/// The survey figures without the comments' dates (an undated row has its period's first day).
fn survey_figures(s: &Value) -> Value {
    let mut v = s["survey"].clone();
    for c in v["comments"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("date");
    }
    for g in v["comment_groups"].as_array_mut().unwrap() {
        for c in g["comments"].as_array_mut().unwrap() {
            c.as_object_mut().unwrap().remove("date");
        }
    }
    v
}

/// Done-when of issue 10: the hand fixture (tests/build.rs works out its figures: 2026 index
/// 71.25 from R1–R4, 2025 index 63.75 from P1–P2) split into one file per year with no date
/// column and `period` per file gives the same survey figures as the dated original, for the
/// latest year (with its previous-year comparison and trend) and for `--period all`.
#[test]
fn files_with_a_period_and_no_dates_give_the_dated_figures() {
    let dated = hand("dated");
    let undated = hand("undated");
    strip_dates(&undated);
    hand_config(
        &undated,
        r#"[{ path = "data/2025.csv", period = "2025" }, { path = "data/2026.csv", period = "2026" }]"#,
        None,
    );
    let a = summary(&build_ok(&dated, &[]).join("summary.json"));
    let b = summary(&build_ok(&undated, &[]).join("summary.json"));
    assert_eq!(b["survey"]["index"].as_f64(), Some(71.25));
    assert_eq!(b["survey"]["previous"]["index"].as_f64(), Some(63.75));
    assert_eq!(survey_figures(&a), survey_figures(&b));
    assert_eq!(b["survey"]["comments"][0]["date"], "2026-01-01", "an undated row sits on its period's first day");
    // Rows: dated 2025 2 + 2026 6 read, R5 and R6 rejected; undated 2 + 5 read, R5 rejected.
    assert_eq!(
        (b["data_quality"]["rows_read"].as_u64(), b["data_quality"]["rows_rejected"].as_u64()),
        (Some(7), Some(1))
    );

    let all_a = build_ok(&dated, &["--period", "all"]);
    let all_b = build_ok(&undated, &["--period", "all"]);
    for year in ["2025", "2026"] {
        let (a, b) = (summary(&all_a.join(year).join("summary.json")), summary(&all_b.join(year).join("summary.json")));
        assert_eq!(survey_figures(&a), survey_figures(&b), "{year}");
    }
    // With `date` configured but absent from the files, the periods date the rows just the same.
    let with_key = hand("undated-date-key");
    strip_dates(&with_key);
    hand_config(
        &with_key,
        r#"[{ path = "data/2025.csv", period = "2025" }, { path = "data/2026.csv", period = "2026" }]"#,
        Some("日期"),
    );
    let c = summary(&build_ok(&with_key, &[]).join("summary.json"));
    assert_eq!(survey_figures(&a), survey_figures(&c));
    let html = std::fs::read_to_string(all_b.join("2026/index.html")).unwrap();
    assert!(html.contains("data/2025.csv → 2025; data/2026.csv → 2026"), "the method notes name the file periods");
}

/// Quarterly files add up to their year: 2026-Q1 holds R1–R2, 2026-Q2 R3–R5, and the year's
/// figures are the hand fixture's (index 71.25, returned 4), the quarters' their own share.
#[test]
fn quarter_files_add_up_to_their_year() {
    let p = hand("quarters");
    strip_dates(&p);
    write(
        &p,
        "data/q1.csv",
        "编号,项目甲,项目乙,项目丙,意见
R1,5,4,3,<script>alert(1)</script> 价格|太贵
R2,4,,5,
",
    );
    write(
        &p,
        "data/q2.csv",
        "编号,项目甲,项目乙,项目丙,意见
R3,3,3,N/A,交货慢
R4,1,,,
R5,6,4,4,
",
    );
    std::fs::remove_file(p.join("data/2026.csv")).unwrap();
    hand_config(
        &p,
        r#"[{ path = "data/2025.csv", period = "2025" }, { path = "data/q1.csv", period = "2026-Q1" }, { path = "data/q2.csv", period = "2026-Q2" }]"#,
        None,
    );
    let s = summary(&build_ok(&p, &[]).join("summary.json"));
    assert_eq!((s["survey"]["index"].as_f64(), s["survey"]["returned"].as_u64()), (Some(71.25), Some(4)));
    // 2026-Q1: R1 (5,4,3), R2 (4,–,5): 甲 mean(100, 75) = 87.5, 乙 75, 丙 mean(50, 100) = 75;
    // 甲维度 81.25; index 0.6·81.25 + 0.4·75 = 78.75.
    // A quarter's report is refused while a year's undated file lies before it (its trend would
    // hold 2025's rows as 2025-Q1); without the 2025 file it is exact.
    let o = build(&p, &["--period", "2026-Q1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = std::fs::read_to_string(p.join("manyi.toml")).unwrap();
    write(&p, "manyi.toml", &text.replace(r#"{ path = "data/2025.csv", period = "2025" }, "#, ""));
    let q1 = summary(&build_ok(&p, &["--period", "2026-Q1"]).join("summary.json"));
    assert_eq!((q1["survey"]["index"].as_f64(), q1["survey"]["returned"].as_u64()), (Some(78.75), Some(2)));
}

/// A quarter of a year's undated file cannot be reported: its rows have no month. A later
/// year's file does not matter (the report, its trend and comparison lie before it).
#[test]
fn a_period_shorter_than_an_undated_files_period_is_refused() {
    let p = hand("shorter");
    strip_dates(&p);
    hand_config(
        &p,
        r#"[{ path = "data/2025.csv", period = "2025" }, { path = "data/2026.csv", period = "2026" }]"#,
        None,
    );
    let o = build(&p, &["--period", "2026-Q1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("--period 2026-Q1 is shorter than the period 2025 of data/2025.csv, whose rows have no dates"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(p.join("manyi.toml")).unwrap();
    write(
        &p,
        "manyi.toml",
        &text
            .replace(r#"{ path = "data/2026.csv", period = "2026" }"#, r#""data/2026-dated.csv""#)
            .replace("comment =", "date = \"日期\"\ncomment ="),
    );
    write(&p, "data/2026-dated.csv", "编号,日期,项目甲,项目乙,项目丙,意见\nR1,2026-03-01,5,4,3,\n");
    std::fs::remove_file(p.join("data/2026.csv")).unwrap();
    let o = build(&p, &["--period", "2024-Q4"]);
    assert!(stderr(&o).contains("no survey responses are dated in 2024-Q4"), "{}", stderr(&o));
}

/// Without `date`, every entry needs a period: the entry without one is named at its line.
#[test]
fn without_a_date_column_every_entry_needs_a_period() {
    let p = hand("no-period");
    strip_dates(&p);
    hand_config(&p, r#"[{ path = "data/2025.csv", period = "2025" }, "data/2026.csv"]"#, None);
    let o = manyi(&["check", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "manyi.toml:7:55: error: [survey] files entry \"data/2026.csv\" has no period, and [survey] has no date column"
        ),
        "{}",
        stderr(&o)
    );
    // A period on a register entry is a config error too.
    let q = hand("register-period");
    let text = std::fs::read_to_string(q.join("manyi.toml")).unwrap()
        + "\n[actions]\nfiles = [{ path = \"data/a.csv\", period = \"2026\" }]\n";
    write(&q, "manyi.toml", &text);
    let o = manyi(&["check", q.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("period and use_date apply to [survey] files only"), "{}", stderr(&o));
}

/// A date column, when the file has one, still dates the rows: a row dated outside the file's
/// period is rejected; `use_date = false` lets the period alone decide.
#[test]
fn a_date_column_wins_unless_the_entry_says_use_date_false() {
    let p = hand("date-wins");
    // R1 moves to 2025-12-31, outside the file's period 2026.
    let text = std::fs::read_to_string(p.join("data/2026.csv")).unwrap().replace("R1,2026-03-01", "R1,2025-12-31");
    write(&p, "data/2026.csv", &text);
    hand_config(&p, r#"["data/2025.csv", { path = "data/2026.csv", period = "2026" }]"#, Some("日期"));
    let out = build_ok(&p, &[]);
    let s = summary(&out.join("summary.json"));
    // 2026 keeps R2–R4: 项目甲 mean(75, 50, 0) = 41.67 … only the counts are checked here.
    assert_eq!(s["survey"]["returned"], 3);
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(rejected.contains("日期 2025-12-31 不在该文件的期间 2026 内,date_outside_period"), "{rejected}");
    assert!(rejected.contains("2026-13-01"), "R6 is still rejected for its date: {rejected}");

    // use_date = false: the period decides, R1 and R6 count in 2026, the date column is not read.
    let fresh = hand("date-wins-2");
    std::fs::copy(p.join("data/2026.csv"), fresh.join("data/2026.csv")).unwrap();
    hand_config(
        &fresh,
        r#"["data/2025.csv", { path = "data/2026.csv", period = "2026", use_date = false }]"#,
        Some("日期"),
    );
    let s = summary(&build_ok(&fresh, &[]).join("summary.json"));
    assert_eq!(s["survey"]["returned"], 5, "R1–R4 and R6 (4,4,4) are returned; R5 is rejected for its answer 6");
}

/// A one-file survey config; these small fixtures reject rows on purpose, so no rejection limit.
fn survey_config(extra: &str) -> String {
    format!(
        "[survey]\nfiles = [\"data/s.csv\"]\nid = \"编号\"\ndate = \"日期\"\n{extra}\n\
         max_rejected_share = 1\n\
         [[survey.dimensions]]\nname = \"D\"\nitems = [\"q1\", \"q2\"]\n"
    )
}

/// `min_seconds = 30` with 问卷星's 所用时间 column. Rows:
///   A 80秒 (80 s) used; B 8 → "answered in 8 s" rejected; C 1分20秒 (80 s) used;
///   D 00:00:29 (29 s) rejected; E blank: not checked, used; F "fast" is not a duration.
/// read 6, used 3, rejected 3 of which too fast 2. Index over A, C, E: q1 (5, 4, 3) → 100, 75,
/// 50; q2 (5, 5, 5) → 100: D = (75 + 100) / 2 = 87.5.
#[test]
fn questionnaires_answered_too_fast_are_rejected_and_counted() {
    let p = project("too-fast");
    write(&p, "manyi.toml", &survey_config("min_seconds = 30"));
    write(
        &p,
        "data/s.csv",
        "编号,日期,所用时间,q1,q2\nA,2026-03-01,80秒,5,5\nB,2026-03-01,8,1,1\nC,2026-03-02,1分20秒,4,5\n\
         D,2026-03-02,00:00:29,1,1\nE,2026-03-03, ,3,5\nF,2026-03-03,fast,1,1\n",
    );
    let out = build_ok(&p, &[]);
    let s = summary(&out.join("summary.json"));
    assert_eq!(s["survey"]["index"].as_f64(), Some(87.5));
    let q = &s["data_quality"];
    assert_eq!(
        (q["rows_read"].as_u64(), q["rows_used"].as_u64(), q["rows_rejected"].as_u64()),
        (Some(6), Some(3), Some(3))
    );
    assert_eq!((q["rows_too_fast"].as_u64(), q["files"][0]["too_fast"].as_u64()), (Some(2), Some(2)));
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(rejected.contains(",3,所用时间,答题用时 8 秒，短于最短答题时间 30 秒,too_fast\n"), "{rejected}");
    assert!(rejected.contains(",5,所用时间,答题用时 29 秒，短于最短答题时间 30 秒,too_fast\n"), "{rejected}");
    assert!(rejected.contains("data/s.csv,7,所用时间,“fast”不是以秒计的答题时长,not_a_duration\n"), "{rejected}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // The method notes state the rule the computation applied, with its minimum and column.
    assert!(
        html.contains("答题时间短于 30 秒的问卷拒收（答题时间列：Duration (in seconds) / 所用时间 / 答题时长）"),
        "method note"
    );
    assert!(html.contains("拒收问卷中有 2 份的答题时间短于最短答题时间"), "data-quality count");

    // A configured duration column; missing, it is named.
    write(&p, "manyi.toml", &survey_config("min_seconds = 30\nduration = \"用时\""));
    let o = build(&p, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("column \"用时\" (from [survey] duration) is not in the header"), "{}", stderr(&o));
}

/// `filters` on the survey and the complaint register: rows that do not match are excluded,
/// read = used + rejected + excluded per file. Survey: 4 rows, 2 线上 (one rejected for its
/// answer 9) and 2 线下 → used 1, rejected 1, excluded 2. Register: 3 rows, 是 / Yes kept,
/// 否 excluded → received 2.
#[test]
fn rows_outside_the_filters_are_excluded_and_counted() {
    let p = project("filters");
    let config = survey_config("filters = [{ column = \"渠道\", equals = [\"线上\"] }]")
        + "[complaints]\nfiles = [\"data/c.csv\"]\nid = \"编号\"\nreceived = \"受理日期\"\ncategory = \"类别\"\n\
           filters = [{ column = \"是否投诉\", equals = [\"是\", \"Yes\"] }]\n";
    write(&p, "manyi.toml", &config);
    write(
        &p,
        "data/s.csv",
        "编号,日期,渠道,q1,q2\nA,2026-03-01,线上,5,4\nB,2026-03-01,线下,1,1\nC,2026-03-02, 线上 ,9,1\nD,2026-03-02,线下,1,1\n",
    );
    write(
        &p,
        "data/c.csv",
        "编号,受理日期,类别,是否投诉\nK1,2026-03-01,产品,是\nK2,2026-03-02,服务,否\nK3,2026-03-03,产品,yes\n",
    );
    let out = build_ok(&p, &[]);
    let s = summary(&out.join("summary.json"));
    let q = &s["data_quality"];
    let f = &q["files"];
    assert_eq!(f[0]["file"], "data/s.csv");
    assert_eq!(
        (f[0]["read"].as_u64(), f[0]["used"].as_u64(), f[0]["rejected"].as_u64(), f[0]["excluded"].as_u64()),
        (Some(4), Some(1), Some(1), Some(2))
    );
    assert_eq!((f[1]["read"].as_u64(), f[1]["used"].as_u64(), f[1]["excluded"].as_u64()), (Some(3), Some(2), Some(1)));
    assert_eq!(q["rows_excluded"], 3);
    assert_eq!(s["survey"]["returned"], 1);
    assert_eq!(s["complaints"]["received"], 2);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<th class=\"num\">排除行数</th>"), "the excluded column is shown");
    assert!(html.contains("[survey] 渠道 = 线上; [complaints] 是否投诉 = 是 / Yes"), "method note");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| data/s.csv | UTF-8 | 4 | 1 | 1 | 2 |"), "{md}");

    let o = manyi(&["check", p.to_str().unwrap()]);
    assert!(
        stderr(&o)
            .contains("checked 2 file(s): 7 rows read, 3 used, 1 rejected, 3 excluded (filters, platform exclusions);"),
        "{}",
        stderr(&o)
    );

    // Read in ranges of 40 bytes on two threads, the filters apply to every range alike.
    let split = p.join("split");
    let o = Command::new(env!("CARGO_BIN_EXE_manyi"))
        .args(["build", p.to_str().unwrap(), "--output", split.to_str().unwrap()])
        .env("MANYI_THREADS", "2")
        .env("MANYI_RANGE_BYTES", "40")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&common::built_dir(&o, &split).join("summary.json")), s);

    // A filter column missing from a file is an error naming it.
    write(&p, "manyi.toml", &config.replace("\"渠道\"", "\"来源\""));
    let o = build(&p, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("column \"来源\" (from a `filters` column) is not in the header"), "{}", stderr(&o));
}
