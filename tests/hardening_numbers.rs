//! Issue 15, numbers: extreme volumes, amounts and `per` are rejected where they are written
//! and every build and check ends (items 10, 16); `issued = 0` is a config error (item 12);
//! a latest survey year that looks like a date typo is warned about, naming its rows (item 13).
//!
//! Every run of the binary is guarded by a time limit: a build that hangs fails the test
//! instead of hanging the suite.

mod common;

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A build of these small projects takes well under a second; a hang is forever.
const LIMIT: Duration = Duration::from_secs(30);

/// What one run of the binary gave.
struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs `manyi` with `args`, killing it (and failing) when it has not ended within `LIMIT`.
/// Output goes to files, not pipes, so a chatty run cannot block on a full pipe.
fn run(args: &[&str], scratch: &Path) -> Run {
    run_with(args, &[], scratch)
}

fn run_with(args: &[&str], env: &[(&str, &str)], scratch: &Path) -> Run {
    std::fs::create_dir_all(scratch).unwrap();
    let (out, err) = (scratch.join("stdout.txt"), scratch.join("stderr.txt"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_manyi"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("run manyi");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`manyi {}` did not end within {} s", args.join(" "), LIMIT.as_secs());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run { code: status.code(), stderr: std::fs::read_to_string(&err).unwrap_or_default() }
}

fn build(project: &Path) -> Run {
    run(&["build", project.to_str().unwrap()], &project.join("run-build"))
}

fn check(project: &Path) -> Run {
    run(&["check", project.to_str().unwrap()], &project.join("run-check"))
}

const CONFIG: &str = r#"[site]
language = "en"

[survey]
files = ["data/survey.csv"]
id = "id"
date = "date"

[[survey.plans]]
period = "2026"
issued = 30

[[survey.dimensions]]
name = "Overall"
items = ["q1"]

[complaints]
files = ["data/complaints.csv"]
id = "编号"
received = "受理日期"
closed = "办结日期"
category = "类别"
pareto = ["类别"]
weight = "金额"

[complaints.volume]
files = ["data/orders.csv"]
month = "月份"
count = "订单数"
per = 1000
"#;

/// 12 responses a year in 2025 and 2026 (lines 2–13 and 14–25).
fn survey_rows() -> String {
    let mut s = String::from("id,date,q1\n");
    for (k, year) in [2025, 2026].iter().enumerate() {
        for i in 0..12 {
            s.push_str(&format!("S{}{i:02},{year}-{:02}-10,{}\n", k, i + 1, 1 + (i + k) % 5));
        }
    }
    s
}

/// Complaints C1–C6 on lines 2–7, amounts 100 … 600, categories A and B.
fn complaint_rows() -> String {
    let mut s = String::from("编号,受理日期,办结日期,类别,金额\n");
    for i in 1..=6 {
        let cat = if i % 2 == 0 { "B" } else { "A" };
        s.push_str(&format!("C{i},2026-{i:02}-03,2026-{i:02}-09,{cat},{}\n", i * 100));
    }
    s
}

/// Orders 2026-01 … 2026-06 on lines 2–7.
fn order_rows() -> String {
    let mut s = String::from("月份,订单数\n");
    for m in 1..=6 {
        s.push_str(&format!("2026-{m:02},{}\n", 1000 * m));
    }
    s
}

/// Writes a project into the test's own temp folder.
fn project(case: &str, config: &str, survey: &str, complaints: &str, orders: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("numbers-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("manyi.toml"), config).unwrap();
    std::fs::write(dir.join("data/survey.csv"), survey).unwrap();
    std::fs::write(dir.join("data/complaints.csv"), complaints).unwrap();
    std::fs::write(dir.join("data/orders.csv"), orders).unwrap();
    dir
}

/// The base project with one line of a register replaced.
fn with_line(case: &str, file: &str, line: usize, text: &str) -> PathBuf {
    let replace = |all: String| -> String {
        let mut lines: Vec<String> = all.lines().map(String::from).collect();
        lines[line - 1] = text.to_string();
        lines.join("\n") + "\n"
    };
    let (mut s, mut c, mut o) = (survey_rows(), complaint_rows(), order_rows());
    match file {
        "survey" => s = replace(s),
        "complaints" => c = replace(c),
        "orders" => o = replace(o),
        _ => unreachable!(),
    }
    project(case, CONFIG, &s, &c, &o)
}

fn assert_has(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "expected\n  {wanted}\nin\n{text}");
}

/// The build ends, succeeds, and rejects exactly the row at `at` with `reason`; `check`
/// ends and reports the same.
fn rejected_and_ends(project: &Path, at: &str, reason: &str) {
    let b = build(project);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert_has(&b.stderr, &format!("{at}: warning: row rejected: {reason}"));
    let c = check(project);
    assert_eq!(c.code, Some(0), "{}", c.stderr);
    assert_has(&c.stderr, &format!("{at}: warning: row rejected: {reason}"));
    assert_has(&c.stderr, "1 rejected");
}

// ---------------------------------------------------------------------------------------------
// Item 10: extreme magnitudes are rejected at ingest; every build ends.

#[test]
fn a_subnormal_volume_is_rejected_and_the_build_ends() {
    let p = with_line("subnormal-volume", "orders", 3, "2026-02,1e-320");
    rejected_and_ends(
        &p,
        "data/orders.csv:3:2",
        "column 订单数: \"1e-320\" is too small: expected 0 or a volume from 0.000001 to 1000000000000",
    );
}

#[test]
fn a_huge_amount_is_rejected_and_the_build_ends() {
    let p = with_line("huge-amount", "complaints", 3, "C2,2026-02-03,2026-02-09,B,1.7e308");
    rejected_and_ends(
        &p,
        "data/complaints.csv:3:5",
        "column 金额: \"1.7e308\" is too large: expected an amount from 0 to 1000000000000",
    );
}

#[test]
fn two_amounts_of_1e308_in_one_category_are_both_rejected() {
    let mut c = complaint_rows();
    c = c.replace("C1,2026-01-03,2026-01-09,A,100", "C1,2026-01-03,2026-01-09,A,1e308");
    c = c.replace("C3,2026-03-03,2026-03-09,A,300", "C3,2026-03-03,2026-03-09,A,1e308");
    // 2 of 6 complaints rejected: above the default max_rejected_share of 0.2.
    let config = CONFIG.replace("[complaints]\n", "[complaints]\nmax_rejected_share = 0.5\n");
    let p = project("two-1e308", &config, &survey_rows(), &c, &order_rows());
    let b = build(&p);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    // Both rows, one message (issue 10: identical reasons are grouped; rejected.csv lists each row).
    assert_has(&b.stderr, "data/complaints.csv:2:5: warning: 2 rows rejected — column 金额: \"1e308\" is too large: expected an amount from 0 to 1000000000000; at lines 2, 4");
}

#[test]
fn non_numbers_and_overflowing_numbers_say_what_is_wrong() {
    for (case, cell, reason) in [
        ("overflow", "1e400", "\"1e400\" is too large: expected an amount from 0 to 1000000000000"),
        ("inf", "inf", "\"inf\" is not a number: expected an amount from 0 to 1000000000000"),
        ("nan", "NaN", "\"NaN\" is not a number: expected an amount from 0 to 1000000000000"),
        ("above", "1000000000001", "\"1000000000001\" is too large: expected an amount from 0 to 1000000000000"),
    ] {
        let p = with_line(&format!("amount-{case}"), "complaints", 4, &format!("C3,2026-03-03,2026-03-09,A,{cell}"));
        rejected_and_ends(&p, "data/complaints.csv:4:5", &format!("column 金额: {reason}"));
    }
    // The bounds themselves are accepted, and -0 is 0.
    let mut c = complaint_rows();
    c = c.replace(",A,100\n", ",A,1000000000000\n").replace(",B,200\n", ",B,-0\n").replace(",A,300\n", ",A,0.000001\n");
    let p = project("amount-bounds", CONFIG, &survey_rows(), &c, &order_rows());
    let b = build(&p);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(!b.stderr.contains("rejected"), "{}", b.stderr);
}

#[test]
fn per_must_be_positive_and_at_most_a_billion() {
    for value in ["1e200", "inf", "nan", "0.0", "-5.0", "1000000001"] {
        let config = CONFIG.replace("per = 1000", &format!("per = {value}"));
        let p = project(&format!("per-{value}"), &config, &survey_rows(), &complaint_rows(), &order_rows());
        let line = config.lines().position(|l| l.starts_with("per = ")).unwrap() + 1;
        for r in [build(&p), check(&p)] {
            assert_eq!(r.code, Some(2), "{}", r.stderr);
            assert_has(
                &r.stderr,
                &format!(
                    "manyi.toml:{line}:7: error: [complaints.volume] per = {value} must be above 0 and at most 1000000000"
                ),
            );
        }
    }
    let config = CONFIG.replace("per = 1000", "per = 1e9");
    let p = project("per-billion", &config, &survey_rows(), &complaint_rows(), &order_rows());
    assert_eq!(build(&p).code, Some(0));
}

// ---------------------------------------------------------------------------------------------
// Item 16: negative amounts are rejected.

#[test]
fn a_negative_complaint_amount_is_rejected() {
    let p = with_line("negative-amount", "complaints", 3, "C2,2026-02-03,2026-02-09,B,-200");
    rejected_and_ends(
        &p,
        "data/complaints.csv:3:5",
        "column 金额: \"-200\" is negative: expected an amount from 0 to 1000000000000",
    );
    let p = with_line("negative-volume", "orders", 3, "2026-02,-5");
    rejected_and_ends(
        &p,
        "data/orders.csv:3:2",
        "column 订单数: \"-5\" is negative: expected 0 or a volume from 0.000001 to 1000000000000",
    );
}

// ---------------------------------------------------------------------------------------------
// Item 12: a plan of 0 issued questionnaires is a config error at the value.

#[test]
fn issued_zero_is_a_config_error_at_its_value() {
    let config = CONFIG.replace("issued = 30", "issued = 0");
    let p = project("issued-zero", &config, &survey_rows(), &complaint_rows(), &order_rows());
    let line = config.lines().position(|l| l.starts_with("issued = ")).unwrap() + 1;
    for r in [build(&p), check(&p)] {
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert_has(
            &r.stderr,
            &format!("manyi.toml:{line}:10: error: [[survey.plans]] issued = 0 for 2026 must be at least 1"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Item 13: a latest year that looks like a typo is warned about, naming its rows.

#[test]
fn a_lone_row_dated_far_ahead_is_warned_about_with_its_line() {
    for year in ["2099", "9999"] {
        let mut s = survey_rows();
        s.push_str(&format!("S999,{year}-05-01,4\n")); // line 26
        let p = project(&format!("far-{year}"), CONFIG, &s, &complaint_rows(), &order_rows());
        let b = build(&p);
        assert_eq!(b.code, Some(0), "{}", b.stderr);
        let wanted = format!("data/survey.csv:26: warning: the latest survey year, {year}, is doubtful: it has 1 response, under a tenth of the median of the other years (12), and it lies more than a year after the rest of the data, which ends in 2026; a build without --period reports {year}");
        assert_has(&b.stderr, &wanted);
        assert_has(&b.stderr, "hint: check the dates of these rows: data/survey.csv:26; if they are right, build another year with --period 2026");
        assert_has(&b.stderr, &format!("built {year} into"));
        let c = check(&p);
        assert_eq!(c.code, Some(0), "a warning, not an error: {}", c.stderr);
        assert_has(&c.stderr, &wanted);
        let strict = run(&["check", p.to_str().unwrap(), "--strict"], &p.join("run-strict"));
        assert_eq!(strict.code, Some(1), "--strict makes the warning fail CI: {}", strict.stderr);
    }
}

#[test]
fn a_sparse_latest_year_names_a_few_rows_and_counts_them() {
    // 40 rows in each of 2025 and 2026 (lines 2–81), 3 in 2027 (lines 82–84): 3 < 40 / 10.
    let mut s = String::from("id,date,q1\n");
    for year in [2025, 2026] {
        for i in 0..40 {
            s.push_str(&format!("S{year}{i:02},{year}-{:02}-10,4\n", i % 12 + 1));
        }
    }
    for i in 0..3 {
        s.push_str(&format!("N{i},2027-01-0{},5\n", i + 1));
    }
    let p = project("sparse-2027", CONFIG, &s, &complaint_rows(), &order_rows());
    let b = build(&p);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert_has(&b.stderr, "data/survey.csv:82: warning: the latest survey year, 2027, is doubtful: it has 3 responses, under a tenth of the median of the other years (40); a build without --period reports 2027");
    let hint = "hint: check the dates of these rows: data/survey.csv:82, data/survey.csv:83, data/survey.csv:84; if they are right, build another year with --period 2026";
    assert_has(&b.stderr, hint);
    // Read on two threads in 97-byte ranges, the rows are named the same.
    let env = [("MANYI_THREADS", "2"), ("MANYI_RANGE_BYTES", "97")];
    let c = run_with(&["check", p.to_str().unwrap()], &env, &p.join("run-ranges"));
    assert_has(&c.stderr, "data/survey.csv:82: warning: the latest survey year, 2027, is doubtful");
    assert_has(&c.stderr, hint);
}

#[test]
fn many_doubtful_rows_are_named_up_to_five() {
    // The only survey year lies far beyond the complaint register: 7 rows, five named.
    let mut s = String::from("id,date,q1\n");
    for i in 0..7 {
        s.push_str(&format!("S{i},2099-01-0{},4\n", i + 1));
    }
    let p = project("beyond-complaints", CONFIG, &s, &complaint_rows(), &order_rows());
    let b = build(&p);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert_has(&b.stderr, "data/survey.csv:2: warning: the latest survey year, 2099, is doubtful: it lies more than a year after the rest of the data, which ends in 2026");
    assert_has(&b.stderr, "hint: check the dates of these rows: data/survey.csv:2, data/survey.csv:3, data/survey.csv:4, data/survey.csv:5, data/survey.csv:6 and 2 more; if they are right, ignore this warning");
}

#[test]
fn ordinary_data_gives_no_period_warning() {
    let mut s = survey_rows();
    // A new year just begun: 2 rows after 12 a year (2 ≥ 12 / 10), the year after the last.
    s.push_str("S998,2027-01-05,4\nS999,2027-01-06,5\n");
    let p = project("ordinary", CONFIG, &s, &complaint_rows(), &order_rows());
    for r in [build(&p), check(&p)] {
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(!r.stderr.contains("warning:"), "{}", r.stderr);
    }
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let c = run(&["check", sample.to_str().unwrap()], &p.join("run-sample"));
    assert!(!c.stderr.contains("doubtful"), "{}", c.stderr);
}

// ---------------------------------------------------------------------------------------------
// Done when: a property test that runs `build` with extreme numbers always ends.

fn extreme() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "0",
            "-0",
            "1e-320",
            "4.9e-324",
            "2.2250738585072014e-308",
            "1e-7",
            "0.000001",
            "1",
            "1e12",
            "1000000000001",
            "1e200",
            "1e308",
            "1.7e308",
            "1.7976931348623157e308",
            "1e309",
            "-1",
            "-1e308",
            "inf",
            "NaN",
            "",
        ])
        .prop_map(String::from),
        "[0-9]{1,400}",
        "0\\.[0-9]{1,400}",
        "-?[0-9]{1,3}(\\.[0-9]{1,3})?(e-?[0-9]{1,3})?",
    ]
}

fn toml_float() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "1e200",
            "1e308",
            "1.7976931348623157e308",
            "1e-320",
            "5e-324",
            "inf",
            "-inf",
            "nan",
            "0.0",
            "-1.0",
            "1e9",
            "1000000001.0",
            "1e-9",
            "1000",
        ])
        .prop_map(String::from),
        "[1-9][0-9]{0,2}(\\.[0-9]{1,3})?e-?[0-9]{1,3}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, max_shrink_iters: 4, ..ProptestConfig::default() })]
    #[test]
    fn builds_with_extreme_numbers_always_end(
        volumes in prop::collection::vec(extreme(), 1..8),
        amounts in prop::collection::vec((extreme(), 0usize..3), 1..8),
        per in toml_float(),
        deadline_days in prop::sample::select(vec![0u64, 1, 7, 2_147_483_647, 4_294_967_295]),
        comments in prop::sample::select(vec![0u64, 10, 18_446_744_073_709_551_615]),
        chart in prop::sample::select(vec!["u", "p"]),
        case in 0u32..1_000_000,
    ) {
        let mut config = CONFIG
            .replace("per = 1000", &format!("per = {per}\nchart = \"{chart}\""))
            .replace("weight = \"金额\"", &format!("weight = \"金额\"\ndeadline_days = {deadline_days}"));
        config.push_str(&format!("\n[report]\ncomments = {comments}\n"));
        let mut orders = String::from("月份,订单数\n");
        for (m, v) in volumes.iter().enumerate() {
            orders.push_str(&format!("2026-{:02},{v}\n", m % 12 + 1));
        }
        let mut complaints = String::from("编号,受理日期,办结日期,类别,金额\n");
        for (i, (a, cat)) in amounts.iter().enumerate() {
            complaints.push_str(&format!("C{i},2026-{:02}-03,,{},{a}\n", i % 12 + 1, ["A", "B", "C"][*cat]));
        }
        let p = project(&format!("prop-{case}"), &config, &survey_rows(), &complaints, &orders);
        for r in [build(&p), check(&p)] {
            prop_assert!(matches!(r.code, Some(0..=2)), "exit {:?}: {}", r.code, r.stderr);
            prop_assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        }
        let _ = std::fs::remove_dir_all(&p);
    }
}

#[test]
fn fixture_helpers_write_what_they_say() {
    // The base project builds clean, so every warning above comes from the changed line.
    let p = project("base", CONFIG, &survey_rows(), &complaint_rows(), &order_rows());
    let b = build(&p);
    assert_eq!(b.code, Some(0), "{}", b.stderr);
    assert!(!b.stderr.contains("warning:"), "{}", b.stderr);
    let files = common::folder_files(&p.join("public"));
    assert!(files.iter().any(|(f, _)| f.ends_with("control-u.svg")), "the u chart is drawn");
}
