//! Fixture projects built through the real `manyi` binary; figures checked against values
//! worked out by hand, error texts and exit codes checked word for word where they matter.

mod common;
use common::{copy_dir, manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn build_ok(project: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build", project.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = manyi(&args);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    common::built_dir(&o, &project.join("public"))
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < 1e-9, "got {got}, expected {expected}");
}

/// The hand fixture, scale 1–5 (S = (x−1)/4·100), weights 甲 0.6 / 乙 0.4, valid = ≥ 2 of 3 items.
/// 2026 usable rows: R1 (5,4,3), R2 (4,–,5), R3 (3,3,N/A), R4 (1,–,–: one item, incomplete).
/// R5 (answer 6) and R6 (date 2026-13-01) are rejected.
///   项目甲 = mean(100, 75, 50) = 75, n 3;  项目乙 = mean(75, 50) = 62.5, n 2;  项目丙 = mean(50, 100) = 75, n 2
///   甲维度 = (75 + 62.5)/2 = 68.75;  乙维度 = 75;  index = 0.6·68.75 + 0.4·75 = 71.25
///   respondents: R1 0.6·87.5 + 0.4·50 = 72.5 (中), R2 0.6·75 + 0.4·100 = 85 (好), R3 50 (差, 乙 unanswered)
///   returned 4 of 6 issued = 0.6667 < 0.8: invalid.
/// 2025: P1 (4,4,4), P2 (2,3,4): 甲 50, 乙 62.5, 丙 75; 甲维度 56.25; index 0.6·56.25 + 0.4·75 = 63.75.
#[test]
fn hand_fixture_figures_match_hand_computation() {
    let project = common::fixture("hand", "figures");
    let out = build_ok(&project, &[]);
    let s = summary(&out);
    assert_eq!(s["period"], "2026", "defaults to the latest year");
    let v = &s["survey"];
    close(&v["index"], 71.25);
    assert_eq!(v["issued"], 6);
    assert_eq!(v["returned"], 4);
    assert_eq!(v["valid"], 3);
    assert_eq!(v["incomplete"], 1);
    close(&v["return_rate"], 4.0 / 6.0);
    assert_eq!(v["verdict"]["status"], "invalid");
    let dims = v["dimensions"].as_array().unwrap();
    assert_eq!(dims[0]["name"], "甲维度");
    close(&dims[0]["score"], 68.75);
    close(&dims[1]["score"], 75.0);
    let items = dims[0]["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "项目甲");
    close(&items[0]["score"], 75.0);
    assert_eq!(items[0]["n"], 3);
    close(&items[1]["score"], 62.5);
    assert_eq!(items[1]["n"], 2);
    close(&dims[1]["items"][0]["score"], 75.0);
    assert_eq!(dims[1]["items"][0]["n"], 2);
    let bands: Vec<(String, u64)> = v["bands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["label"].as_str().unwrap().to_string(), b["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(bands, vec![("好".to_string(), 1), ("中".to_string(), 1), ("差".to_string(), 1)]);
    close(&v["bands"][0]["share"], 1.0 / 3.0);
    // Previous year and changes
    close(&v["previous"]["index"], 63.75);
    close(&dims[0]["previous"], 56.25);
    close(&items[0]["change"], 25.0);
    assert_eq!(v["largest_rise"]["item"], "项目甲");
    assert!(v["largest_fall"].is_null());
    // Lowest items: 项目乙 62.5, then the 75.0 tie in config order
    let lowest: Vec<&str> = v["lowest_items"].as_array().unwrap().iter().map(|i| i["item"].as_str().unwrap()).collect();
    assert_eq!(lowest, ["项目乙", "项目甲", "项目丙"]);
    // Comments of the least satisfied, lowest first
    assert_eq!(v["comments"][0]["id"], "R3");
    close(&v["comments"][0]["score"], 50.0);
    assert_eq!(v["comments"][1]["id"], "R1");
    // Row accounting: every row used or rejected
    let q = &s["data_quality"];
    assert_eq!(q["rows_read"], 8);
    assert_eq!(q["rows_used"], 6);
    assert_eq!(q["rows_rejected"], 2);
    // Reasons in the report's language (zh-CN) with their stable code.
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(rejected.starts_with("\u{FEFF}file,line,column,reason,code\n"), "{rejected}");
    assert!(rejected.contains("data/2026.csv,6,项目甲,6 超出量表范围 1–5,outside_scale\n"), "{rejected}");
    assert!(rejected.contains("data/2026.csv,7,日期,“2026-13-01”不是日期（"), "{rejected}");
    assert!(rejected.contains("等格式）,not_a_date\n"), "{rejected}");
    for page in ["index.html", "report.md"] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains("6 超出量表范围 1–5") && text.contains("不是日期"), "{page}");
        assert!(!text.contains("lies outside the scale") && !text.contains("is not a date"), "{page}");
    }
}

#[test]
fn report_pages_show_the_figures_and_escape_user_text() {
    let project = common::fixture("hand", "pages");
    let out = build_ok(&project, &[]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("71.3"), "index rounded half away from zero: 71.25 → 71.3");
    assert!(html.contains("调查无效"), "invalid survey stated loudly");
    assert!(!html.contains("<script>alert"), "user comment must be escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(!html.contains("<b>报告</b>"), "title is user text too");
    assert!(html.contains("<svg"), "charts are inline SVG");
    // The user's Markdown: formatting kept, raw HTML shown as text, script links dropped.
    assert!(html.contains("<strong>交货</strong>"), "Markdown rendered");
    assert!(!html.contains("<img src=x"), "raw HTML from Markdown must not reach the page");
    assert!(!html.contains("javascript:"), "script links are removed");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| 甲维度") || md.contains("**甲维度**"));
    assert!(md.contains("价格\\|太贵"), "a pipe in user text must not break the table");
    assert!(!md.contains("<script>"));
    assert!(md.contains("![各维度满意度得分](charts/dimensions.svg)"));
    assert!(out.join("charts/dimensions.svg").is_file());
}

#[test]
fn two_builds_give_identical_bytes() {
    let a = common::fixture("hand", "det-a");
    let b = common::fixture("hand", "det-b");
    let (oa, ob) = (build_ok(&a, &[]), build_ok(&b, &[]));
    for f in ["index.html", "report.md", "summary.json", "rejected.csv", "charts/items.svg", "charts/trend.svg"] {
        assert_eq!(std::fs::read(oa.join(f)).unwrap(), std::fs::read(ob.join(f)).unwrap(), "{f} differs");
    }
}

#[test]
fn explicit_period_and_previous_year_without_data() {
    let project = common::fixture("hand", "period");
    let out = build_ok(&project, &["--period", "2025"]);
    let s = summary(&out);
    assert_eq!(s["period"], "2025");
    close(&s["survey"]["index"], 63.75);
    assert!(s["survey"]["previous"].is_null());
    close(&s["survey"]["return_rate"], 0.4);
}

#[test]
fn period_all_writes_one_folder_per_year_and_an_archive() {
    let project = common::fixture("hand", "all");
    let out = build_ok(&project, &["--period", "all"]);
    close(&summary(&out.join("2025"))["survey"]["index"], 63.75);
    close(&summary(&out.join("2026"))["survey"]["index"], 71.25);
    let root = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(root.contains("href=\"2026/index.html\"") && root.contains("href=\"2025/index.html\""));
}

#[test]
fn missing_config_is_a_usage_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-config");
    std::fs::create_dir_all(&dir).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("manyi.toml: error: config file not found"), "{}", stderr(&o));
}

#[test]
fn unknown_config_key_names_key_and_line() {
    let project = common::fixture("hand", "unknown-key");
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("min_answered = 0.6", "min_answered = 0.6\nminimum = 3");
    std::fs::write(&cfg, text).unwrap();
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("manyi.toml:13:1: error: unknown field `minimum`"), "{err}");
}

#[test]
fn wrong_type_names_the_line() {
    let project = common::fixture("hand", "wrong-type");
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("issued = 6", "issued = \"six\"");
    std::fs::write(&cfg, text).unwrap();
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("manyi.toml:21:10: error: invalid type: string \"six\", expected u64"), "{err}");
}

#[test]
fn missing_column_lists_columns_and_suggests_near_miss() {
    let project = common::fixture("hand", "missing-column");
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("\"项目丙\"]", "\"项目丙丙\"]");
    std::fs::write(&cfg, text).unwrap();
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("data/2025.csv:1: error: column \"项目丙丙\" (from an item of [[survey.dimensions]]) is not in the header; the columns are: \"编号\", \"日期\", \"项目甲\", \"项目乙\", \"项目丙\", \"意见\""),
        "{err}"
    );
    assert!(err.contains("hint: did you mean \"项目丙\"?"), "{err}");
}

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let project = common::fixture("hand", "atomic");
    let out = build_ok(&project, &[]);
    let before = std::fs::read(out.join("index.html")).unwrap();
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("date = \"日期\"", "date = \"调查日期\"");
    std::fs::write(&cfg, text).unwrap();
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(&project)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("manyi-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary folders left behind");
}

#[test]
fn refuses_output_that_contains_the_project() {
    let project = common::fixture("hand", "bad-output");
    let parent = project.parent().unwrap();
    let o = manyi(&["build", project.to_str().unwrap(), "--output", parent.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the output folder contains"), "{}", stderr(&o));
    assert!(project.join("manyi.toml").is_file());
}

#[test]
fn refuses_to_replace_a_folder_manyi_did_not_make() {
    let project = common::fixture("hand", "foreign-output");
    let foreign = project.join("docs");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    let o = manyi(&["build", project.to_str().unwrap(), "--output", foreign.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(foreign.join("notes.txt")).unwrap(), "keep me");
}

#[test]
fn check_reports_rejections_and_strict_fails_on_them() {
    let project = common::fixture("hand", "check");
    let o = manyi(&["check", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("data/2026.csv:6:3: warning: row rejected: column 项目甲: 6 lies outside the scale 1–5"),
        "{err}"
    );
    assert!(err.contains("8 rows read, 6 used, 2 rejected"), "{err}");
    let o = manyi(&["check", project.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!project.join("public").exists(), "check writes nothing");
}

#[test]
fn sample_project_builds() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sample-out");
    let o = manyi(&["build", src.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&common::built_dir(&o, &out));
    assert_eq!(s["period"], "2026");
    assert!(s["survey"]["valid"].as_u64().unwrap() > 200);
}

fn fixture_out(name: &str, case: &str, extra: &[&str]) -> (PathBuf, Value) {
    let project = common::fixture(name, case);
    let out = build_ok(&project, extra);
    let s = summary(&out);
    (out, s)
}

/// The register fixture, status as of the cut-off 2026-06-30, deadline = received + 5 days.
/// 2026 complaints C1..C8 (C0 is 2025; C9 closes before it was received, C10 has 也许 as a
/// follow-up: both rejected). Closed by the cut-off: C1 (3 d), C2 (10 d, late), C3 (2 d),
/// C5 (5 d, on the deadline), C8 (1 d); C6 closes 2026-07-01, after the cut-off: open.
///   closure 5/8 = 0.625 < 0.8; on time 4/5; days mean 21/5 = 4.2, median of 1,2,3,5,10 = 3
///   follow-up: C1 满意, C2 不满意, C3 满意, C8 满意 → coverage 4/5, satisfaction 3/4; reopened C2 → 1/5
///   open ages at 06-30: C4 (02-15) 135 d, C6 (03-10) 112 d, C7 (04-01) 90 d → mean 337/3, max 135
///   类别 counts A2 B2 C2 D1 E1; ties keep first appearance (A, B, C); at most 3 bars, so D+E → Other 2
///   金额 weights: C 200, A 100, B 60, D 30, E 0 → C, A, B, Other 30; total 390
///   months Jan–Jun (to the cut-off): 2 2 2 1 1 0 → c̄ = 4/3, UCL = 4/3 + 3·√(4/3)
///   orders 1000 2000 1000 500 500 1000 → ū = 8 / 6 = 4/3 per 1000; Feb UCL = 4/3 + 3·√((4/3)/2)
#[test]
fn register_fixture_figures_match_hand_computation() {
    let (out, s) = fixture_out("register", "figures", &[]);
    let c = &s["complaints"];
    assert_eq!(c["as_of"], "2026-06-30");
    // The method notes state the rules this config set, and nothing it did not set.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains(
            "On-time rate = closed by the deadline / closed with a deadline; the deadline is 5 days after receipt."
        ),
        "{md}"
    );
    assert!(md.contains("Categories beyond the first 3 are merged into one bar, \"Other (merged)\""), "{md}");
    let notes = &md[md.find("Method notes\n").unwrap()..md.find("Data quality\n").unwrap()];
    assert!(!notes.contains('—'), "no placeholder for an unset rule: {notes}");
    assert_eq!((c["received"].as_u64(), c["closed"].as_u64(), c["open"].as_u64()), (Some(8), Some(5), Some(3)));
    close(&c["closure_rate"], 0.625);
    assert_eq!(c["closure_met"], false);
    close(&c["on_time_rate"], 0.8);
    close(&c["days_to_close_mean"], 4.2);
    close(&c["days_to_close_median"], 3.0);
    close(&c["followup_coverage"], 0.8);
    close(&c["followup_satisfaction"], 0.75);
    close(&c["reopen_rate"], 0.2);
    close(&c["open_age_mean"], 337.0 / 3.0);
    assert_eq!(c["open_age_max"], 135);
    let ages: Vec<u64> = c["open_ages"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).collect();
    assert_eq!(ages, vec![0, 0, 1, 2]);
    assert_eq!(c["oldest_open"][0]["id"], "C4");

    let p = c["pareto"]["类别"].as_array().unwrap();
    let rows: Vec<(&str, u64, bool)> = p
        .iter()
        .map(|r| {
            (r["category"].as_str().unwrap_or("(merged)"), r["count"].as_u64().unwrap(), r["vital"].as_bool().unwrap())
        })
        .collect();
    // The merged bar carries no label in summary.json (null): the report names it.
    assert_eq!(rows, vec![("A", 2, true), ("B", 2, true), ("C", 2, true), ("(merged)", 2, false)]);
    assert!(p[3]["category"].is_null());
    close(&p[2]["cumulative"], 0.75);
    close(&p[3]["share"], 0.25);
    assert_eq!(p[3]["other"], true);
    let w = c["pareto_weighted"]["类别"].as_array().unwrap();
    let names: Vec<&str> = w.iter().map(|r| r["category"].as_str().unwrap_or("(merged)")).collect();
    assert_eq!(names, ["C", "A", "B", "(merged)"]);
    close(&w[0]["share"], 200.0 / 390.0);
    assert_eq!(w[3]["count"], 30);
    let d: Vec<&str> =
        c["pareto"]["部门"].as_array().unwrap().iter().map(|r| r["category"].as_str().unwrap()).collect();
    assert_eq!(d, ["X", "Y", "Z"]);

    let ctl = &c["control"];
    assert_eq!(ctl["kind"], "c");
    close(&ctl["center"], 4.0 / 3.0);
    assert_eq!(ctl["points"].as_array().unwrap().len(), 6);
    close(&ctl["points"][0]["ucl"], 4.0 / 3.0 + 3.0 * (4.0f64 / 3.0).sqrt());
    assert_eq!(ctl["points"][5]["value"], 0.0);
    let u = &c["rate_chart"];
    assert_eq!(u["kind"], "u");
    close(&u["center"], 4.0 / 3.0);
    close(&u["points"][1]["ucl"], 4.0 / 3.0 + 3.0 * (4.0f64 / 3.0 / 2.0).sqrt());
    close(&c["complaint_rate"], 4.0 / 3.0);

    let a = &s["actions"];
    assert_eq!((a["total"].as_u64(), a["closed"].as_u64(), a["open"].as_u64()), (Some(5), Some(2), Some(3)));
    assert_eq!((a["overdue"].as_u64(), a["verified"].as_u64()), (Some(2), Some(1)));
    let overdue: Vec<(&str, i64)> = a["overdue_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["days_overdue"].as_i64().unwrap()))
        .collect();
    assert_eq!(overdue, vec![("A1", 60), ("A5", 15)]);

    assert_eq!(s["data_quality"]["rows_rejected"], 2);
    let rejected = std::fs::read_to_string(out.join("rejected.csv")).unwrap();
    assert!(
        rejected
            .contains("data/complaints.csv,11,办结日期,closed date 2026-02-01 is before the received date 2026-03-01"),
        "{rejected}"
    );
    assert!(rejected.contains("data/complaints.csv,12,回访,\"\"\"也许\"\" is not a yes/no value"), "{rejected}");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Closure rate 62.5% is below the target of 80.0%"));
    assert!(out.join("charts/pareto-1.svg").is_file() && out.join("charts/control-u.svg").is_file());
}

#[test]
fn complaint_missing_required_column_is_named() {
    let project = common::fixture("register", "missing");
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("category = \"类别\"", "category = \"投诉类别\"");
    std::fs::write(&cfg, text).unwrap();
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "data/complaints.csv:1: error: column \"投诉类别\" (from [complaints] category) is not in the header"
        ),
        "{err}"
    );
}

/// Reopen rate = reopened / closed (METHODS): a complaint flagged as reopened that is still
/// open at the as-of date is not among the closed, so it does not enter the numerator.
/// The register fixture has C2 reopened and closed (1 of 5 closed); C11 is added, reopened
/// and open: still 1 reopened, rate 1/5.
#[test]
fn reopened_complaints_still_open_are_not_counted_in_the_reopen_rate() {
    let project = common::fixture("register", "reopened-open");
    let path = project.join("data/complaints.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("C11,2026-06-01,,A,X,,是,10\n");
    std::fs::write(&path, text).unwrap();
    let s = summary(&build_ok(&project, &[]));
    let c = &s["complaints"];
    assert_eq!(c["closed"], 5);
    assert_eq!(c["reopened"], 1);
    close(&c["reopen_rate"], 0.2);
}

/// The `<rect>`s of an SVG filled with `fill`: (width, height).
fn rects_filled(svg: &str, fill: &str) -> Vec<(f64, f64)> {
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!(" {name}=\"");
        tag.find(&key).and_then(|at| tag[at + key.len()..].split('"').next()?.parse().ok()).unwrap_or(f64::NAN)
    };
    svg.split("<rect")
        .skip(1)
        .map(|t| t.split('>').next().unwrap())
        .filter(|tag| tag.contains(&format!("fill=\"{fill}\"")))
        .map(|tag| (attr(tag, "width"), attr(tag, "height")))
        .collect()
}

/// The register fixture's survey has one dimension: its dimension chart has one bar, drawn
/// (it had a negative height, so no bar at all).
#[test]
fn one_dimension_survey_draws_its_dimension_bar() {
    let (out, s) = fixture_out("register", "one-dimension", &[]);
    assert_eq!(s["survey"]["dimensions"].as_array().unwrap().len(), 1);
    let svg = std::fs::read_to_string(out.join("charts/dimensions.svg")).unwrap();
    let bars = rects_filled(&svg, "#1F66A3");
    assert_eq!(bars.len(), 1, "{svg}");
    assert!(bars[0].0 > 0.0 && bars[0].1 >= 10.0, "bar {:?}", bars[0]);
    assert!(svg.contains("<title>") && svg.contains("role=\"img\""), "accessible name");
}

/// A category of the data named Other / 其他 and the merged tail bar are told apart in the
/// chart, the page and report.md.
#[test]
fn merged_other_bar_is_told_apart_from_a_category_named_other() {
    for (lang, other, merged) in [("en", "Other", "Other (merged)"), ("zh-CN", "其他", "其他（合并）")] {
        let project = common::fixture("register", &format!("other-{lang}"));
        let csv = project.join("data/complaints.csv");
        let data = std::fs::read_to_string(&csv).unwrap().replace(",C,", &format!(",{other},"));
        std::fs::write(&csv, data).unwrap();
        let toml = project.join("manyi.toml");
        let cfg =
            std::fs::read_to_string(&toml).unwrap().replace("language = \"en\"", &format!("language = \"{lang}\""));
        std::fs::write(&toml, cfg).unwrap();
        let out = build_ok(&project, &[]);
        let s = summary(&out);
        let rows = s["complaints"]["pareto"]["类别"].as_array().unwrap();
        assert!(rows.iter().any(|r| r["category"] == other) && rows.iter().any(|r| r["other"] == true), "{rows:?}");
        let svg = std::fs::read_to_string(out.join("charts/pareto-1.svg")).unwrap();
        assert!(svg.contains(&format!(">\n{other}\n</text>")), "{lang}: the data's category keeps its name");
        let merged_words = merged.split(' ').collect::<Vec<_>>();
        assert!(
            merged_words.iter().all(|w| svg.contains(&format!("{w}\n</text>")) || svg.contains(&format!(">\n{w}"))),
            "{lang}: {svg}"
        );
        let html = std::fs::read_to_string(out.join("index.html")).unwrap();
        assert!(html.contains(&format!("<td>{other}</td>")) && html.contains(&format!("<td>{merged}</td>")), "{lang}");
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(md.contains(&format!("| {other} |")) && md.contains(&format!("| {merged} |")), "{lang}");
    }
}

/// Every chart of the sample is an image with an accessible name and its data in words, and
/// each Pareto and control chart of the page has its data table right after it.
#[test]
fn sample_charts_have_title_desc_and_a_data_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sample-charts");
    let o = manyi(&["build", src.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::built_dir(&o, &out);
    let mut files: Vec<_> = std::fs::read_dir(out.join("charts")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for f in &files {
        let svg = std::fs::read_to_string(f).unwrap();
        let head = &svg[..svg.find("</desc>").unwrap_or_else(|| panic!("{f:?} has no <desc>"))];
        assert!(
            head.contains(" role=\"img\" aria-label=\"") && head.contains("<title>") && head.contains("<desc>"),
            "{f:?}"
        );
        assert!(!svg.contains('…'), "{f:?}: a label was shortened");
    }
    let dims = std::fs::read_to_string(out.join("charts/dimensions.svg")).unwrap();
    assert!(dims.contains("<desc>产品质量：83.0，交货及时性：76.4，"), "the dimension scores in words");
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let figures: Vec<&str> = html.split("<figure class=\"chart\">").skip(1).collect();
    let complaint_figures: Vec<&&str> = figures.iter().filter(|f| f[..f.find('>').unwrap()].contains("图：")).collect();
    assert_eq!(complaint_figures.len(), 6, "4 Pareto and 2 control charts");
    for f in complaint_figures {
        let after = &f[f.find("</figure>").unwrap()..];
        let next = after.find("<h3>").unwrap_or(after.len());
        assert!(
            after[..next].contains("<details class=\"chart-data\" open><summary>图表数据（"),
            "{}",
            &after[..next.min(400)]
        );
    }
}

/// The respondent-score histogram counts every valid questionnaire once, in ten-point bins
/// that agree with the bands (the sample's bands are 95/80/70/60: the [80, 90) and [90, 100]
/// bins together hold exactly the 非常满意 and 满意 respondents).
#[test]
fn score_histogram_counts_every_valid_questionnaire() {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sample-scores");
    let _ = std::fs::remove_dir_all(&project);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data"), &project);
    let s = summary(&build_ok(&project, &[]));
    let bins = s["survey"]["score_histogram"].as_array().unwrap();
    let from: Vec<u64> = bins.iter().map(|b| b["from"].as_u64().unwrap()).collect();
    assert_eq!(from, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    let count = |i: usize| bins[i]["count"].as_u64().unwrap();
    assert_eq!((0..10).map(count).sum::<u64>(), s["survey"]["valid"].as_u64().unwrap());
    let band = |i: usize| s["survey"]["bands"][i]["count"].as_u64().unwrap();
    assert_eq!(count(8) + count(9), band(0) + band(1), "scores from 80 up = the two top bands");
    assert_eq!(count(7), band(2), "[70, 80) = the third band");
}
