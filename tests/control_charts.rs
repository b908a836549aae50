//! The rate chart's depth through the binary: Laney u′ chosen by `auto`, stages (listed and
//! from completed actions), the tests applied, in summary.json, the report and the method notes.

mod common;
use common::{manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(project: &Path) -> (PathBuf, Value) {
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let out = common::built_dir(&o, &project.join("public"));
    let s = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    (out, s)
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(v: &Value, expected: f64) {
    assert!((f(v) - expected).abs() < 1e-9, "got {v}, expected {expected}");
}

fn close5(v: &Value, expected: f64) {
    assert!((f(v) - expected).abs() < 5e-6, "got {v}, expected {expected}");
}

/// Complaints per month and orders per month (units of 1,000) of the fixture.
const COUNTS: [f64; 12] = [60.0, 76.0, 27.0, 17.0, 15.0, 45.0, 6.0, 2.0, 31.0, 32.0, 38.0, 11.0];
const UNITS: [f64; 12] = [10.0, 12.0, 9.0, 11.0, 10.0, 8.0, 10.0, 10.0, 12.0, 8.0, 10.0, 10.0];

/// The fixture by hand. Stage 1 (2026-01..06): ū = 240 / 60 = 4, σᵢ = √(4/nᵢ);
///   u = (6, 6.3333, 3, 1.5455, 1.5, 5.625), z = (u − 4)/σᵢ = (3.162, 4.041, −1.500, −4.070, −3.953, 2.298),
///   |Δz| = (0.879, 5.541, 2.570, 0.117, 6.251), mean 3.0719, σz = 3.0719/1.128 = 2.72332.
/// Stage 2 (2026-07..12, from the stage month and action A1 completed 2026-07-15; A2 is not
/// closed, A3 has no completion date): ū = 120 / 60 = 2, σᵢ = √(2/nᵢ);
///   u = (0.6, 0.2, 2.5833, 4, 3.8, 1.1), z = (−3.130, −4.025, 1.429, 4.000, 4.025, −2.012),
///   |Δz| = (0.894, 5.454, 2.571, 0.025, 6.037), mean 2.9964, σz = 2.65632.
/// Largest σz 2.72332 > 1.5: `auto` draws Laney u′, limits ū ± 3·σᵢ·σz: Jan 4 ± 3·0.63246·2.72332
/// = [0 (floored), 9.16714], Jul 2 ± 3·0.44721·2.65632 = [0, 5.56383]; every |u − ū| < 3·σᵢ·σz
/// (the largest, Aug/Nov, is 1.515 σ), so no test 1–8 fires. The plain u chart's limits (Jan
/// [2.10263, 5.89737]) exclude 8 of the 12 months (test below).
#[test]
fn laney_chart_with_stages_matches_hand_computation() {
    let (out, s) = build(&common::fixture("control", "laney"));
    let ch = &s["complaints"]["rate_chart"];
    assert_eq!(ch["kind"], "laney-u");
    assert_eq!(ch["auto"], true);
    close(&ch["sigma_z_threshold"], 1.5);
    assert_eq!(ch["tests"], serde_json::json!([1, 2, 3, 4, 5, 6, 7, 8]));
    let stages = ch["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    let brief: Vec<(&str, u64, u64, bool)> = stages
        .iter()
        .map(|st| {
            let t = (st["start"].as_str().unwrap(), st["first"].as_u64().unwrap(), st["points"].as_u64().unwrap());
            (t.0, t.1, t.2, st["listed"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(brief, vec![("2026-01", 0, 6, false), ("2026-07", 6, 6, true)]);
    assert_eq!(stages[0]["actions"], serde_json::json!([]));
    assert_eq!(stages[1]["actions"], serde_json::json!(["A1"]));
    close(&stages[0]["center"], 4.0);
    close(&stages[1]["center"], 2.0);
    close(&ch["center"], 2.0);
    close5(&stages[0]["sigma_z"], 2.72332);
    close5(&stages[1]["sigma_z"], 2.65632);
    close(&ch["sigma_z"], f(&stages[0]["sigma_z"]));
    let points = ch["points"].as_array().unwrap();
    assert_eq!(points.len(), 12);
    for (i, p) in points.iter().enumerate() {
        let (k, center) = if i < 6 { (0, 4.0) } else { (1, 2.0) };
        let sigma = (center / UNITS[i]).sqrt() * f(&stages[k]["sigma_z"]);
        close(&p["value"], COUNTS[i] / UNITS[i]);
        close(&p["center"], center);
        close(&p["sigma"], sigma);
        close(&p["ucl"], center + 3.0 * sigma);
        close(&p["lcl"], 0.0);
        assert_eq!(p["stage"], k);
    }
    close5(&points[0]["ucl"], 9.16714);
    close5(&points[6]["ucl"], 5.56383);
    assert_eq!(ch["signals"], serde_json::json!([]));
    // The c chart keeps its one stage and tests 1–4.
    let c = &s["complaints"]["control"];
    assert_eq!((c["kind"].as_str(), c["tests"].as_array().map(Vec::len)), (Some("c"), Some(4)));
    assert!(c["sigma_z"].is_null() && c["sigma_z_threshold"].is_null());

    // zh-CN (the default): the stage table, σz against the threshold, the tests, the notes.
    let html = read(out.join("index.html"));
    assert!(html.contains("<h3>Laney u′ 控制图：每 1000 单投诉数</h3>"), "title");
    assert!(html.contains("过度离散检验：σz = 2.72，高于阈值 1.5"), "σz line");
    assert!(html.contains("采用的判异准则：1, 2, 3, 4, 5, 6, 7, 8。"));
    assert!(
        html.contains("<td>2</td><td class=\"mono\">2026-07</td><td class=\"num\">6</td><td class=\"num\">2.000</td><td class=\"num\">2.66</td><td class=\"num\">5.253–5.984</td><td class=\"num\">0.000</td>"),
        "stage 2 row"
    );
    assert!(html.contains("最大的 σz 高于 1.5 时采用 Laney u′ 控制图"), "the threshold in the notes");
    assert!(html.contains("阶段 2 自 2026-07 起（6 个月；配置 stages 所列；措施 A1 完成）"), "the stages in the notes");
    let svg = read(out.join("charts/control-laney-u.svg"));
    assert!(svg.contains("阶段 2：2026-07 起") && svg.contains("阶段 1：2026-01 起"), "stage labels on the chart");
    let md = read(out.join("report.md"));
    assert!(md.contains("| 2 | 2026-07 | 6 | 2.000 | 2.66 | 5.253–5.984 | 0.000 |"), "{md}");
}

/// The same data in English: the labels of the report, the chart and the notes.
#[test]
fn laney_chart_report_in_english() {
    let project = common::fixture("control", "english");
    common::edit_config(&project, |t| t.replace("[report]", "[site]\nlanguage = \"en\"\n\n[report]"));
    let (out, _) = build(&project);
    let md = read(out.join("report.md"));
    for expected in [
        "### Laney u′ chart: complaints per 1000 units",
        "Overdispersion check: σz = 2.72, above the threshold 1.5: the months vary more than a plain chart assumes, so the Laney chart is drawn",
        "Tests applied: 1, 2, 3, 4, 5, 6, 7, 8.",
        "| 1 | 2026-01 | 6 | 4.000 | 2.72 | 8.717–9.777 | 0.000 |",
        "the Laney u′ chart is drawn when the largest σz is above 1.5, the u chart otherwise. Here σz = 2.72.",
        "test 5 two of three in a row beyond 2σ on one side",
        "stage 1 from 2026-01 (6 months); stage 2 from 2026-07 (6 months; listed in stages; completion of action A1)",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
    assert!(read(out.join("charts/control-laney-u.svg")).contains("Stage 2 from 2026-07"));
}

/// With `chart = "u"` and test 1 only: limits ū ± 3σᵢ per stage (Jan 4 ± 3·√0.4 = [2.10263,
/// 5.89737], Oct 2 ± 3·√0.25 = [0.5, 3.5]); beyond them: Jan 6, Feb 6.333 (> 5.73205), Apr 1.545
/// (< 2.19093), May 1.5, Jul 0.6 (< 0.65836), Aug 0.2, Oct 4 (> 3.5), Nov 3.8 (> 3.34164).
/// σz stays in the report as the check, above its threshold.
#[test]
fn the_plain_u_chart_flags_eight_months_the_laney_chart_does_not() {
    let project = common::fixture("control", "plain");
    common::edit_config(&project, |t| {
        t.replace("chart = \"auto\"", "chart = \"u\"").replace("tests = [1, 2, 3, 4, 5, 6, 7, 8]", "tests = [1]")
    });
    let (out, s) = build(&project);
    let ch = &s["complaints"]["rate_chart"];
    assert_eq!((ch["kind"].as_str(), ch["auto"].as_bool()), (Some("u"), Some(false)));
    close5(&ch["points"][0]["lcl"], 2.10263);
    close5(&ch["points"][0]["ucl"], 5.89737);
    close(&ch["points"][9]["ucl"], 3.5);
    close5(&ch["sigma_z"], 2.72332);
    let fired: Vec<(u64, &str)> = ch["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["test"].as_u64().unwrap(), x["label"].as_str().unwrap()))
        .collect();
    let months = ["2026-01", "2026-02", "2026-04", "2026-05", "2026-07", "2026-08", "2026-10", "2026-11"];
    assert_eq!(fired, months.iter().map(|m| (1, *m)).collect::<Vec<_>>());
    let html = read(out.join("index.html"));
    assert!(html.contains("过度离散检验：σz = 2.72，高于阈值 1.5：各月波动大于本图控制限的假定"), "the check warns");
    assert!(html.contains("采用的判异准则：1。"));
}

/// Stages from completed actions alone: A1 (closed, completed 2026-07-15) starts stage 2 in
/// July; without any stage the chart has one: ū = 360 / 120 = 3.
#[test]
fn stages_from_actions_alone_and_no_stages() {
    let project = common::fixture("control", "actions-only");
    common::edit_config(&project, |t| t.replace("stages = [\"2026-07\"]\n", ""));
    let (_, s) = build(&project);
    let stages = &s["complaints"]["rate_chart"]["stages"];
    assert_eq!(stages[1]["start"], "2026-07");
    assert_eq!((stages[1]["listed"].as_bool(), &stages[1]["actions"]), (Some(false), &serde_json::json!(["A1"])));

    let project = common::fixture("control", "one-stage");
    common::edit_config(&project, |t| t.replace("stages = [\"2026-07\"]\nstages_from_actions = true\n", ""));
    let (out, s) = build(&project);
    let ch = &s["complaints"]["rate_chart"];
    assert_eq!(ch["stages"].as_array().unwrap().len(), 1);
    close(&ch["center"], 3.0);
    let html = read(out.join("index.html"));
    assert!(!html.contains("阶段 2"), "no stage table or label");
    assert!(html.contains("中心线 3.000，控制上限"), "one stage: the limits sentence");
}

/// `auto` keeps the u chart when σz is not above the threshold (3 here: 2.72 is below).
#[test]
fn auto_keeps_the_u_chart_below_the_threshold() {
    let project = common::fixture("control", "threshold");
    common::edit_config(&project, |t| t.replace("chart = \"auto\"", "chart = \"auto\"\nsigma_z_threshold = 3"));
    let (out, s) = build(&project);
    let ch = &s["complaints"]["rate_chart"];
    assert_eq!((ch["kind"].as_str(), ch["auto"].as_bool()), (Some("u"), Some(true)));
    close(&ch["sigma_z_threshold"], 3.0);
    assert!(read(out.join("index.html")).contains("过度离散检验：σz = 2.72，未高于阈值 3：采用常规控制图。"));
    assert!(out.join("charts/control-u.svg").is_file());
}
