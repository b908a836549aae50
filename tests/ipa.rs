//! Derived importance, the importance–performance matrix, key findings, comments grouped by
//! the lowest dimension and published history, built through the binary from
//! tests/fixtures/ipa and checked against values worked out by hand (below).

mod common;
use common::{manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(project: &Path, periods: &str) -> PathBuf {
    let out = project.join("public");
    let o = manyi(&["build", project.to_str().unwrap(), "--output", out.to_str().unwrap(), "--period", periods]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

fn near(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < 1e-9, "got {got}, expected {expected}");
}

fn set_config(project: &Path, from: &str, to: &str) {
    let path = project.join("manyi.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(path, text.replace(from, to)).unwrap();
}

// Scale 1–5 (S = (x − 1)·25). 2026, five valid rows (性能, 外观, 态度, 价格, 总体满意 = o):
//   R1 5 4 5 3 5 · R2 4 4 4 3 4 · R3 3 2 4 5 3 · R4 2 3 3 4 2 · R5 1 2 3 5 1
// Importance = Pearson r with o = (5,4,3,2,1), deviations (2,1,0,−1,−2), Σd² = 10:
//   性能 = o exactly → r = 1; score 50
//   外观 (4,4,2,3,2), mean 3, dev (1,1,−1,0,−1), Σdev·d = 5, Σdev² = 4 → 5/√40 = 0.790569; score 50
//   态度 (5,4,4,3,3), mean 3.8, dev (1.2,.2,.2,−.8,−.8), Σdev·d = 5, Σdev² = 2.8 → 5/√28 = 0.944911; 70
//   价格 (3,3,5,4,5), mean 4, dev (−1,−1,1,0,1), Σdev·d = −5, Σdev² = 4 → −0.790569; score 75
// Fixed crosshairs (0.9, 60): 性能 (1, 50) improve first; 外观 (0.79, 50) low priority;
//   态度 (0.94, 70) keep up; 价格 (−0.79, 75) possible overkill.
// Mean crosshairs: importance (1 + 0.790569 + 0.944911 − 0.790569)/4 = 0.486228, score
//   (50 + 50 + 70 + 75)/4 = 61.25 → 性能 and 外观 improve first (r ≥ 0.486, score < 61.25),
//   most important first: 性能, 外观; 态度 keep up; 价格 possible overkill.
// Dimensions 产品质量 = 50, 服务 = 72.5, index 61.25. 2025 (P1–P5 all 5 3 4 1 3): 性能 100,
//   外观 50, 态度 75, 价格 0, index (75 + 37.5)/2 = 56.25; no variance, so no importance.
// Changes 2026 − 2025 (2025 has no variance, df = 4, t = 2.776445):
//   性能 −50, margin 2.776445·√(1562.5/5) = 49.081 → significant fall (the largest)
//   价格 +75, margin 2.776445·√(625/5) = 31.042 → significant rise (the largest)
//   态度 −5 and 外观 0 are not significant.
// Lowest item: 性能 and 外观 both 50 → the first in config order, 性能; lowest dimension 产品质量.
// Verdict: 5 returned of 5 issued → valid. α(服务): s²(态度) 0.7, s²(价格) 1, s²(total) 0.7 →
//   2·(1 − 1.7/0.7) = −2.857 → low reliability.
// Respondent scores (dimension means, equal weights): R2 产品质量 75, 服务 62.5 → 68.75;
//   R4 37.5 / 62.5 → 50; R5 12.5 / 75 → 43.75. Comments grouped by the lowest dimension:
//   产品质量: R5 (43.75), R4 (50); 服务: R2 (68.75).
// History: 2023 and 2024 come from the file; its 2025 index (99) is replaced by the data.
#[test]
fn importance_quadrants_findings_comments_and_history_match_hand_computation() {
    let project = common::fixture("ipa", "hand");
    let out = build(&project, "2025,2026");
    let s26 = summary(&out.join("2026"));
    let imp = &s26["survey"]["importance"];
    assert_eq!(imp["basis"], "overall");
    assert_eq!(imp["column"], "总体满意");
    let want = [
        ("性能", 1.0, 50.0, "improve_first"),
        ("外观", 5.0 / 40f64.sqrt(), 50.0, "low_priority"),
        ("态度", 5.0 / 28f64.sqrt(), 70.0, "keep_up"),
        ("价格", -5.0 / 40f64.sqrt(), 75.0, "possible_overkill"),
    ];
    for (item, (name, r, score, quadrant)) in imp["items"].as_array().unwrap().iter().zip(want) {
        assert_eq!(item["item"], name);
        near(&item["importance"], r);
        near(&item["performance"], score);
        assert_eq!(item["quadrant"], quadrant, "{name}");
        assert_eq!(item["n"], 5);
    }
    assert_eq!(imp["crosshair"]["rule"], "fixed");
    near(&imp["crosshair"]["at_importance"], 0.9);
    assert_eq!(imp["improve_first"].as_array().unwrap().len(), 1);

    let kinds: Vec<&str> = s26["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "index",
            "lowest_item",
            "lowest_dimension",
            "largest_rise",
            "largest_fall",
            "improve_first",
            "verdict",
            "low_reliability"
        ]
    );
    let f = &s26["findings"];
    near(&f[0]["index"], 61.25);
    near(&f[0]["change"], 5.0);
    assert_eq!(f[0]["significant"], false);
    assert_eq!((&f[1]["item"], &f[2]["dimension"]), (&Value::from("性能"), &Value::from("产品质量")));
    assert_eq!(f[3]["item"], "价格");
    near(&f[3]["change"], 75.0);
    assert!((f[3]["margin"].as_f64().unwrap() - 31.042).abs() < 1e-3);
    assert_eq!(f[4]["item"], "性能");
    assert!((f[4]["margin"].as_f64().unwrap() - 49.081).abs() < 1e-3);
    assert_eq!(f[5]["items"], serde_json::json!(["性能"]));
    assert_eq!(f[6]["status"], "valid");
    assert_eq!(f[7]["dimensions"], serde_json::json!(["服务"]));

    let groups = &s26["survey"]["comment_groups"];
    let ids = |g: &Value| {
        g["comments"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!((groups[0]["dimension"].as_str(), ids(&groups[0])), (Some("产品质量"), vec!["R5".into(), "R4".into()]));
    assert_eq!((groups[1]["dimension"].as_str(), ids(&groups[1])), (Some("服务"), vec!["R2".into()]));
    near(&groups[1]["comments"][0]["score"], 68.75);

    let trend: Vec<(String, f64, String)> = s26["survey"]["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["period"].as_str().unwrap().into(), p["index"].as_f64().unwrap(), p["source"].as_str().unwrap().into())
        })
        .collect();
    let expect =
        [("2023", 58.5, "history"), ("2024", 60.0, "history"), ("2025", 56.25, "data"), ("2026", 61.25, "data")];
    assert_eq!(trend, expect.map(|(p, i, s)| (p.to_string(), i, s.to_string())));
    let h = &s26["survey"]["history"];
    assert_eq!(
        (&h["periods"], &h["replaced"], &h["segment_rows"]),
        (&serde_json::json!(["2023", "2024"]), &serde_json::json!(["2025"]), &Value::from(1))
    );

    // The English page: findings worded, the matrix with its quadrants and crosshair rule, the
    // improve-first item heading the key problems, comments under their dimension, the notes.
    let page = std::fs::read_to_string(out.join("2026/index.html")).unwrap();
    for text in [
        "The satisfaction index is 61.3 (Dissatisfied). Against 2025 (56.3) it changed by +5.0 ±18.5: no significant change.",
        "The lowest-scoring item is 性能 (产品质量) at 50.0.",
        "The largest significant rise: 价格 (服务), +75.0 ±31.0, now 75.0.",
        "The largest significant fall: 性能 (产品质量), -50.0 ±49.1, now 50.0.",
        "Improve first (high importance, low score): 性能.",
        "Crosshairs at the configured values: importance 0.90, score 60.0",
        "Rated lowest: 产品质量 (2)",
        "Figures of 2023, 2024 are published figures from data/history.csv.",
        "the index, dimension and item scores of 2023, 2024 come from the file",
        "The history file also gives 2025; the responses read for those periods are used instead.",
        "The history file holds 1 segment rows; 0 of them gave a segment value its previous-period index",
        "Pearson r between each item and the overall item 总体满意",
    ] {
        assert!(page.contains(text), "missing: {text}");
    }
    let svg = std::fs::read_to_string(out.join("2026/charts/ipa.svg")).unwrap();
    for text in
        ["Improve first", "Keep up", "Low priority", "Possible overkill", "性能", "价格", "importance 0.90, score 60.0"]
    {
        assert!(svg.contains(text), "chart lacks {text}");
    }
    let improve = page.find("Improve first: high importance, low score").expect("improve-first heading");
    assert!(improve < page.find("Lowest-scoring items").unwrap(), "improve-first items head the key problems");
    let md = std::fs::read_to_string(out.join("2026/report.md")).unwrap();
    assert!(md.contains("- The largest significant fall: 性能 (产品质量), -50.0 ±49.1, now 50.0."), "{md}");
    assert!(md.contains("| 2024 | 60.0 | — | published (history) |"), "{md}");

    // 2025: the previous period (2024) is published: index, 产品质量 and 性能 changes from the
    // file (56.25 − 60 = −3.75; 75 − 62 = 13; 100 − 70 = 30), none tested; no importance (no variance).
    let s25 = summary(&out.join("2025"));
    let s = &s25["survey"];
    assert_eq!(s["previous"]["source"], "history");
    near(&s["index_change"], -3.75);
    assert!(s["index_comparison"].is_null());
    near(&s["dimensions"][0]["change"], 13.0);
    near(&s["dimensions"][0]["items"][0]["change"], 30.0);
    assert!(s["dimensions"][1]["previous"].is_null());
    near(&s["overall"]["change"], 50.0 - 66.0);
    assert!(s["importance"]["crosshair"].is_null());
    assert_eq!(s25["findings"][0]["previous_source"], "history");
    assert!(s25["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] != "largest_rise" && f["kind"] != "no_significant_item_change"));
    let page = std::fs::read_to_string(out.join("2025/index.html")).unwrap();
    assert!(
        page.contains(
            "Against the published index of 2024 (60.0) it changed by -3.8; a published figure has no interval"
        ),
        "{page}"
    );
    assert!(page.contains("Fewer than two items have both an importance and a score: the matrix is not drawn."));
}

#[test]
fn mean_crosshairs_by_default_and_chinese_labels() {
    let project = common::fixture("ipa", "mean");
    set_config(&project, "ipa_crosshair = { importance = 0.9, performance = 60 }\n", "");
    set_config(&project, "language = \"en\"", "language = \"zh-CN\"");
    let out = build(&project, "2026");
    let s = summary(&out.join("2026"));
    let imp = &s["survey"]["importance"];
    assert_eq!(imp["crosshair"]["rule"], "mean");
    assert!((imp["crosshair"]["at_importance"].as_f64().unwrap() - 0.486228).abs() < 1e-6);
    near(&imp["crosshair"]["at_performance"], 61.25);
    let quadrants: Vec<&str> =
        imp["items"].as_array().unwrap().iter().map(|i| i["quadrant"].as_str().unwrap()).collect();
    assert_eq!(quadrants, ["improve_first", "improve_first", "keep_up", "possible_overkill"]);
    let first: Vec<&str> =
        imp["improve_first"].as_array().unwrap().iter().map(|i| i["item"].as_str().unwrap()).collect();
    assert_eq!(first, ["性能", "外观"], "most important first");
    let page = std::fs::read_to_string(out.join("2026/index.html")).unwrap();
    for text in [
        "重点改进区（重要性高、得分低）：性能、外观。",
        "十字线位于各项目的均值：重要性 0.49，得分 61.3",
        "评分最低的维度：产品质量（2 条）",
        "维持区",
    ] {
        assert!(page.contains(text), "missing: {text}");
    }
}

#[test]
fn history_errors_name_file_line_column_and_a_near_miss() {
    let project = common::fixture("ipa", "errors");
    std::fs::write(
        project.join("data/history.csv"),
        "period,metric,value\n2024,index,60\n2024,item:性 能,70\n2024,dimensoin:服务,70\n",
    )
    .unwrap();
    let out = project.join("public");
    let o = manyi(&["build", project.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("data/history.csv:3:6: error: metric \"item:性 能\": no item named \"性 能\" in manyi.toml"),
        "{err}"
    );
    assert!(err.contains("did you mean \"item:性能\"?"), "{err}");
    assert!(err.contains("data/history.csv:4:6: error: unknown metric \"dimensoin:服务\""), "{err}");
    assert!(err.contains("did you mean \"dimension:服务\"?"), "{err}");
    let check = manyi(&["check", project.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
}
