//! Segment breakdowns and item settings (own scale, weight, reverse scoring, display name),
//! built through the binary from tests/fixtures/segments and checked against values worked
//! out by hand (below).

mod common;
use common::{manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(project: &Path) -> (Value, PathBuf) {
    let out = project.join("out");
    let o = manyi(&["build", project.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::built_dir(&o, &out);
    let j = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    (j, out)
}

/// `got` within `tol` of `expected`.
fn near(v: &Value, expected: f64, tol: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < tol, "got {got}, expected {expected}");
}

// Items: a1 on 1–5, S = (x − 1)·25; 机上WiFi (column wifi) on its own 0–5 scale, S = 20x, weight 2
// in A; Waiting time (column b1) reversed: x′ = 1 + 5 − x, S = (5 − x)·25. A = (a1 + 2·wifi)/3,
// index = 0.6·A + 0.4·B. Every valid row answers all three items, so the index is also the mean
// of the respondents' own scores r = 0.6·(Sa1 + 2·Swifi)/3 + 0.4·Sb1, and its variance is s²(r)/n
// (the linear combination of the item means with the item weights).
//
// 2026 (R11 answers one item of three, min 2: returned, not valid):
//   区域 北: R1 (100, 100, 100) r 100; R2 (75, 80, 75) r 77; R3 (50, 60, 50) r 54; R4 (75, 100, 75)
//     r 85. a1 75, wifi 85, b1 75; A = (75 + 170)/3 = 81.667; index 0.6·81.667 + 0.4·75 = 79.0.
//     s²(r) = (21² + 2² + 25² + 6²)/3 = 368.667; SE² 92.1667; margin t(3) 3.18245·9.60035 = 30.553.
//   区域 南: R5 (25, 20, 25) r 23; R6 (50, 40, 25) r 36; R7 (25, 60, 50) r 49; index 36.0, n 3
//     (returned 4 with R11).
//   区域 西: R8 (0, 0, 0) r 0; R9 (25, 20, 0) r 13; index 6.5, n 2 < min_segment_n 3: small.
//   not given (R10's blank 区域): (100, 100, 100), index 100, n 1: small.
//   Order by n: 北 4, 南 3, 西 2, not given 1. Lowest index among the comparable (北, 南): 南.
//   类型 X: R2 77, R4 85, R6 36, R8 0, R10 100 → 59.6 (n 5); Y: R1 100, R3 54, R5 23, R7 49, R9 13
//     → 47.8 (n 5, returned 6). A tie on n: Y first, its first row (R1, line 8) comes before X's
//     (R2, line 9) although X's first month (January) is earlier. Lowest: Y.
// 2025:
//   北: S1 (50, 60, 50) r 54; S2 (75, 80, 75) r 77; S3 (50, 80, 50) r 62; index 64.333,
//     s²(r) = (10.333² + 12.667² + 2.333²)/2 = 136.333, SE² 45.444.
//   南: S4 r 54; S5 (50, 40, 50) r 46; S6 (25, 60, 25) r 39; index 46.333.
//   类型 X: S1 54, S3 62, S5 46 → 54; Y: S2 77, S4 54, S6 39 → 56.667.
// Changes: 北 79 − 64.333 = +14.667 ± t(2) 4.30265·√(92.1667 + 45.4444) = ±50.473, not significant;
//   南 36 − 46.333 = −10.333; 西 none (no 2025 rows); X +5.6; Y −8.867.
//   B of 北 (one item, reversed): 2026 b1 100, 75, 50, 75: 75, s² 416.667, SE² 104.167, margin
//   t(3) 3.18245·10.2062 = 32.480.
#[test]
fn segments_fixture_matches_hand_computation() {
    let (j, out) = build(&common::fixture("segments", "figures"));
    let s = &j["survey"];
    near(&s["index"], 53.7, 1e-9);
    assert_eq!(s["valid"], 10);
    let region = s["segments"]["区域"].as_array().unwrap();
    let values: Vec<&Value> = region.iter().map(|g| &g["value"]).collect();
    assert_eq!(values, [&Value::from("北"), &Value::from("南"), &Value::from("西"), &Value::Null]);
    let ns: Vec<u64> = region.iter().map(|g| g["n"].as_u64().unwrap()).collect();
    assert_eq!(ns, [4, 3, 2, 1]);
    assert_eq!(region[1]["returned"], 4);
    let small: Vec<bool> = region.iter().map(|g| g["small"].as_bool().unwrap()).collect();
    assert_eq!(small, [false, false, true, true]);
    assert_eq!(region[3]["not_given"], true);
    for (g, index) in region.iter().zip([79.0, 36.0, 6.5, 100.0]) {
        near(&g["index"], index, 1e-9);
    }
    let lowest: Vec<bool> = region.iter().map(|g| g["lowest"].as_bool().unwrap()).collect();
    assert_eq!(lowest, [false, true, false, false], "西 is lower but too small");

    let north = &region[0];
    near(&north["margin"], 30.5527, 1e-3);
    near(&north["previous"], 64.333333, 1e-5);
    assert_eq!(north["previous_n"], 3);
    near(&north["change"], 14.666667, 1e-5);
    near(&north["comparison"]["margin"], 50.473, 1e-2);
    assert_eq!(north["comparison"]["significant"], false);
    let a = &north["dimensions"][0];
    near(&a["score"], 245.0 / 3.0, 1e-9);
    assert_eq!(a["items"][1]["name"], "机上WiFi");
    near(&a["items"][1]["score"], 85.0, 1e-9);
    let b = &north["dimensions"][1];
    assert_eq!(b["items"][0]["name"], "Waiting time");
    near(&b["score"], 75.0, 1e-9);
    // B = Waiting time alone: 75 ± t(3)·√(416.667/4) = ±32.480.
    near(&b["margin"], 32.480, 1e-2);
    // Bands of 北: r 100 very satisfied, 85 satisfied, 77 neutral, 54 very dissatisfied.
    let counts: Vec<u64> = north["bands"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).collect();
    assert_eq!(counts, [1, 1, 1, 0, 1]);
    near(&region[1]["change"], -31.0 / 3.0, 1e-9);
    assert_eq!(region[2]["change"], Value::Null);
    assert_eq!(region[2]["previous"], Value::Null);
    // Every item row of 区域 has its lowest cell in 南.
    assert_eq!(region[1]["dimensions"][0]["items"][1]["lowest"], true);
    assert_eq!(region[0]["dimensions"][0]["items"][1]["lowest"], false);

    let kind = s["segments"]["类型"].as_array().unwrap();
    let values: Vec<&str> = kind.iter().map(|g| g["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["Y", "X"], "a tie on n: first appearance in the input decides");
    near(&kind[0]["index"], 47.8, 1e-9);
    near(&kind[1]["index"], 59.6, 1e-9);
    assert_eq!(kind[0]["returned"], 6);
    near(&kind[0]["change"], 47.8 - 170.0 / 3.0, 1e-9);
    near(&kind[1]["change"], 5.6, 1e-9);
    assert_eq!((kind[0]["lowest"].clone(), kind[1]["lowest"].clone()), (true.into(), false.into()));

    // The reports: the column name as heading, groups side by side, the small ones flagged.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for line in [
        "### 区域",
        "| Dimension / Item | 北 | 南 | 西 (too small) | not given (too small) |",
        "| **Satisfaction index** | **79.0** ±30.6 | ▼ **36.0** ",
        "| Change against 2025 | +14.7 ±50.5 | -10.3 ",
        "| Previous period (2025) | 64.3 (n = 3) | 46.3 (n = 3) | — | — |",
        "| Questionnaires returned | 4 | 4 | 2 | 1 |",
        "| &nbsp;&nbsp;机上WiFi | 85.0 ",
        "| &nbsp;&nbsp;Waiting time | 75.0 ",
        "![Satisfaction index by 区域 (95% interval)](charts/segments-1.svg)",
        "### 类型",
    ] {
        assert!(md.contains(line), "report.md lacks {line:?}");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<h3>区域</h3>") && html.contains("<h3>类型</h3>"));
    assert!(html.contains("<span class=\"flag\">too small to compare</span>"));
    assert!(html.contains("<td class=\"num lowest\">▼ 36.0"), "the lowest comparable index is marked");
    // The method notes state the rules as applied.
    for note in [
        "Segments (区域, 类型): every questionnaire also counts",
        "Dimension scores are the weighted mean of their item scores with the item weights above",
        "fewer than 3 valid questionnaires (min_segment_n)",
        "机上WiFi (column wifi; scale 0–5, S = (x − 0) / (5 − 0) × 100, top-2-box answers ≥ 4; weight 2 in A (66.7% of its item weights))",
        "Waiting time (column b1; reverse scored: x′ = 1 + 5 − x before scoring",
    ] {
        assert!(html.contains(note), "the method notes lack {note:?}");
    }
    assert!(
        !html.contains("Dimension score: mean of its item scores."),
        "with item weights the plain rule is not stated"
    );
    let svg = std::fs::read_to_string(out.join("charts/segments-1.svg")).unwrap();
    assert!(svg.contains("北") && svg.contains("not given"), "the chart names the groups");
}

#[test]
fn zh_report_names_the_blank_group_and_flags_small_groups() {
    let project = common::fixture("segments", "zh");
    let toml = project.join("manyi.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace("language = \"en\"", "language = \"zh-CN\"");
    std::fs::write(&toml, text).unwrap();
    let (j, out) = build(&project);
    // The figures do not depend on the language.
    near(&j["survey"]["segments"]["区域"][0]["index"], 79.0, 1e-9);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| 维度 / 项目 | 北 | 南 | 西（样本过少） | 未填写（样本过少） |"), "{md}");
    assert!(md.contains("## 分组满意度"));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("<span class=\"flag\">样本过少，不宜比较</span>"));
}

#[test]
fn a_segment_column_missing_from_the_header_is_named() {
    let project = common::fixture("segments", "missing");
    let toml = project.join("manyi.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace("\"类型\"]", "\"渠道\"]");
    std::fs::write(&toml, text).unwrap();
    let o = manyi(&["check", project.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("data/survey.csv:1: error: column \"渠道\" (from [survey] segments) is not in the header"),
        "{}",
        stderr(&o)
    );
}

/// A segment value whose previous period has no raw data takes the published index of the
/// history file (`segment:<column>=<value>`): its change is the difference, untested for
/// significance; values the file does not name keep no previous figure. Built for 2025, the
/// fixture's first year, with 2024 published: 区域=北 at 50.
#[test]
fn history_gives_segment_values_their_previous_index() {
    let project = common::fixture("segments", "history");
    std::fs::write(project.join("history.csv"), "period,metric,value\n2024,index,60\n2024,segment:区域=北,50\n")
        .unwrap();
    let cfg = project.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}\n[history]\nfile = \"history.csv\"\n")).unwrap();
    let out = project.join("out");
    let o = manyi(&["build", project.to_str().unwrap(), "--period", "2025", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::built_dir(&o, &out);
    let j: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let values = j["survey"]["segments"]["区域"].as_array().unwrap();
    let north = values.iter().find(|v| v["value"] == "北").unwrap();
    assert_eq!(north["previous"], 50.0);
    let change = north["change"].as_f64().unwrap();
    assert!((change - (north["index"].as_f64().unwrap() - 50.0)).abs() < 1e-9);
    assert!(north["comparison"].is_null(), "no significance against a published figure");
    for v in values.iter().filter(|v| v["value"] != "北") {
        assert!(v["previous"].is_null(), "{v}");
    }
    assert_eq!(j["survey"]["history"]["segment_rows_used"], 1);
}
