//! Issue 12's complaint depth through the binary: the comparative Pareto by group, the
//! previous-period Pareto, repeat complaints, time to close against the promise, and the
//! effect of actions on their complaint category, in summary.json, both reports, the charts
//! and the method notes (zh-CN and en).
//!
//! The fixture (tests/fixtures/depth) by hand. Complaints per month, 2025-01..2026-12
//! (volume 2,000 orders every month, `per` 1000: each month is 2 units of exposure):
//!   产品质量 5 a month in 2025 and 2026-01..05, 4 in 2026-06, 2 a month in 2026-07..12;
//!   服务态度 4 a month in 2025 and 2026-01..02, 5 in 2026-03..08, 4 in 2026-09, 3 in 2026-10..12;
//!   交付 2 a month throughout.
//! 2026: 产品质量 25 + 4 + 12 = 41, 服务态度 8 + 30 + 4 + 9 = 51, 交付 24; 116 received.
//! 2025: 产品质量 60, 服务态度 48, 交付 24; 132.

mod common;
use common::{manyi, stderr};

use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn build(project: &Path) -> (PathBuf, Value) {
    let o = manyi(&["build", project.to_str().unwrap()]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let out = common::built_dir(&o, &project.join("public"));
    let s = serde_json::from_str(&read(out.join("summary.json"))).unwrap();
    (out, s)
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn close(v: &Value, expected: f64, tol: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < tol, "got {got}, expected {expected}");
}

/// Channels in 2026: 产品质量 by 电话 (37) except June's 4 (blank: "not given"); 服务态度 by
/// 网络 in Jan–Feb (8), else 电话 (43); 交付 by 网络 (24). Groups: 电话 80, 网络 32, not given
/// 4. The shared order is the overall one (服务态度 51, 产品质量 41, 交付 24) although 网络's
/// own largest is 交付: 电话 (43, 37, 0) → 43/80 = 53.75%; 网络 (8, 0, 24) → 25%, 0, 75%.
/// Against 2025: 服务态度 48 → 51 (+3), 产品质量 60 → 41 (−19), 交付 24 → 24 (0); moved most:
/// 产品质量, 服务态度 (交付 did not move).
#[test]
fn comparative_and_previous_period_pareto_match_hand_counts() {
    let (out, s) = build(&common::fixture("depth", "pareto"));
    let g = &s["complaints"]["grouped_pareto"];
    assert_eq!((g["column"].as_str(), g["category_column"].as_str()), (Some("渠道"), Some("投诉类别")));
    let cats: Vec<(&str, u64)> = g["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["category"].as_str().unwrap(), c["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(cats, [("服务态度", 51), ("产品质量", 41), ("交付", 24)]);
    let groups = g["groups"].as_array().unwrap();
    assert_eq!(
        groups.iter().map(|x| x["group"].clone()).collect::<Vec<_>>(),
        [json!("电话"), json!("网络"), Value::Null]
    );
    assert_eq!(groups.iter().map(|x| x["total"].as_u64().unwrap()).collect::<Vec<_>>(), [80, 32, 4]);
    assert_eq!(groups[0]["counts"], json!([43, 37, 0]));
    assert_eq!(groups[1]["counts"], json!([8, 0, 24]));
    assert_eq!(groups[2]["counts"], json!([0, 4, 0]));
    close(&groups[0]["shares"][0], 0.5375, 1e-12);
    close(&groups[1]["shares"][2], 0.75, 1e-12);

    let ch = &s["complaints"]["pareto_change"];
    assert_eq!(
        (ch["previous_period"].as_str(), ch["previous_received"].as_u64(), ch["received"].as_u64()),
        (Some("2025"), Some(132), Some(116))
    );
    let rows: Vec<(&str, u64, u64, i64)> = ch["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["category"].as_str().unwrap(),
                r["previous"].as_u64().unwrap(),
                r["count"].as_u64().unwrap(),
                r["change"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("服务态度", 48, 51, 3), ("产品质量", 60, 41, -19), ("交付", 24, 24, 0)]);
    close(&ch["rows"][1]["previous_share"], 60.0 / 132.0, 1e-12);
    assert_eq!(ch["moved_most"], json!(["产品质量", "服务态度"]));

    let html = read(out.join("index.html"));
    assert!(html.contains("<h3>排列图对比：投诉类别，按渠道分组</h3>"), "grouped title");
    assert!(html.contains("<td>服务态度</td><td class=\"num\">51</td><td class=\"num\">44.0%</td><td class=\"num\">43</td><td class=\"num\">53.8%</td><td class=\"num\">8</td><td class=\"num\">25.0%</td><td class=\"num\">0</td><td class=\"num\">0.0%</td>"), "grouped row");
    assert!(html.contains("<th class=\"num\">未填写</th>"), "the blank group is named");
    assert!(html.contains("<h3>与上期对比：2025 与 2026</h3>"));
    assert!(html.contains("变化最大的类别：产品质量、服务态度。"));
    let md = read(out.join("report.md"));
    assert!(md.contains("| 产品质量 | 60 | 45.5% | 41 | 35.3% | -19 |"), "{md}");
    assert!(md.contains("| 交付 | 24 | 20.7% | 0 | 0.0% | 24 | 75.0% | 0 | 0.0% |"), "{md}");
    // One panel per group, on one category order: 电话's panel lists 服务态度 before 产品质量.
    let svg = read(out.join("charts/pareto-groups.svg"));
    assert!(
        svg.contains("排列图对比：投诉类别，按渠道分组") && svg.contains("电话（80）") && svg.contains("未填写（4）")
    );
    assert!(read(out.join("charts/pareto-change.svg")).contains("2025（132）"));
}

/// Customers: 2026 交付 complaints have no customer (24), every other complaint a customer of
/// its own (C…), except K<&>1 (2025-12-20, 2026-02-10, 2026-03-01, 2026-09-01), K2 (twice on
/// 2026-05-05), K3 (2026-01-10, 2026-04-20), K4 (2025-11-15, 2026-01-05).
/// In 2026: with a customer 116 − 24 = 92; K<&>1 3, K2 2, K3 2, K4 1 → 8 complaints of 4
/// customers, the other 84 one each → 88 customers; repeat customers 3, listed K<&>1 (3), then
/// K3 and K2 (2 each) in order of first appearance (Jan 10 before May 5).
/// Repeats within 90 days: K<&>1 Feb 10 (52 days after 2025-12-20: before the period) and
/// Mar 1 (19 days), not Sep 1 (184); K2's second on the same day; K3 no (100 days); K4 Jan 5
/// (51 days after 2025-11-15) → 4 repeat complaints, rate 4 / 116 = 3.448%.
/// With repeat_days = 50 only K<&>1 Mar 1 and K2's second remain (52 and 51 days are over 50).
#[test]
fn repeat_complaints_look_back_past_the_period_start() {
    let (out, s) = build(&common::fixture("depth", "repeat"));
    let r = &s["complaints"]["repeat"];
    assert_eq!(r["column"], "客户");
    assert_eq!(r["repeat_days"], 90);
    let n = |k: &str| r[k].as_u64().unwrap();
    assert_eq!((n("with_customer"), n("customers"), n("repeat_customers"), n("repeat_complaints")), (92, 88, 3, 4));
    assert_eq!(
        r["top"],
        json!([{"customer": "K<&>1", "count": 3}, {"customer": "K3", "count": 2}, {"customer": "K2", "count": 2}])
    );
    close(&r["repeat_rate"], 4.0 / 116.0, 1e-12);
    let html = read(out.join("index.html"));
    assert!(html.contains("<td class=\"mono\">K&lt;&amp;&gt;1</td><td class=\"num\">3</td>"), "the id escaped");
    assert!(!html.contains("K<&>1"));
    assert!(html.contains("重复投诉（90 天内再次投诉）</th><td class=\"num\">4</td>"));
    assert!(html.contains("<th scope=\"row\">重复投诉率</th><td class=\"num\">3.4%</td>"));
    assert!(read(out.join("report.md")).contains("| K&lt;&amp;\\>1 | 3 |"), "escaped in Markdown too");

    let project = common::fixture("depth", "repeat-50");
    common::edit_config(&project, |t| t.replace("customer = \"客户\"", "customer = \"客户\"\nrepeat_days = 50"));
    let (out, s) = build(&project);
    assert_eq!(s["complaints"]["repeat"]["repeat_complaints"], 2);
    assert!(read(out.join("index.html")).contains("此前 50 天内"), "the notes say the window used");
}

/// Promise: 服务态度 of 2026 have a deadline 5 days after receipt (column); every other
/// complaint the deadline_days 10. Days to close in 2026: 交付 3 (24), 服务态度 4 (Jan–Feb,
/// Sep–Dec: 21) or 6 (Mar–Aug: 30), 产品质量 25 (Jan–May: 25) or 8 (Jul–Nov: 10); open: June's
/// 4 产品质量 (ages 203–212 at 2026-12-31), Dec 15 (age 16) and Dec 28 (age 3).
/// Closed 110: within 1× 24 + 21 + 10 = 55 (50.0%); within 2× 55 + 30 = 85 (77.3%).
/// Open 6 (promise 10): past 1× the four June ones and Dec 15 = 5 (83.3%); past 2× 4 (66.7%).
/// Promises: 51 × 5 and 65 × 10 → median 10, 5–10. Histogram: largest 25 → width 2 (13
/// bins): 2–3: 24, 4–5: 21, 6–7: 30, 8–9: 10, 24–25: 25.
#[test]
fn time_to_close_against_the_promise() {
    let (out, s) = build(&common::fixture("depth", "promise"));
    let p = &s["complaints"]["promise"];
    let n = |k: &str| p[k].as_u64().unwrap();
    assert_eq!((n("closed"), n("within"), n("within_twice")), (110, 55, 85));
    assert_eq!((n("open"), n("open_past"), n("open_past_twice")), (6, 5, 4));
    assert_eq!((p["promise_min"].as_i64(), p["promise_max"].as_i64()), (Some(5), Some(10)));
    close(&p["promise_median"], 10.0, 1e-12);
    close(&p["within_twice_rate"], 85.0 / 110.0, 1e-12);
    // within the promise = on time by the deadline (the existing figure agrees)
    assert_eq!(
        (s["complaints"]["on_time"].as_u64(), s["complaints"]["closed_with_deadline"].as_u64()),
        (Some(55), Some(110))
    );
    let bins = s["complaints"]["close_days"].as_array().unwrap();
    assert_eq!(bins.len(), 13);
    let filled: Vec<(i64, i64, u64)> = bins
        .iter()
        .filter(|b| b["count"].as_u64().unwrap() > 0)
        .map(|b| (b["from"].as_i64().unwrap(), b["to"].as_i64().unwrap(), b["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(filled, [(2, 3, 24), (4, 5, 21), (6, 7, 30), (8, 9, 10), (24, 25, 25)]);
    let html = read(out.join("index.html"));
    assert!(html.contains("在两倍承诺时限内办结</th><td class=\"num\">85 / 110（77.3%）</td>"));
    assert!(html.contains("超过承诺时限的未办结投诉</th><td class=\"num\">5 / 6（83.3%）</td>"));
    assert!(html.contains("5–10 天（中位数 10 天）"));
    assert!(html.contains("每组 2 天"), "the bin width in the notes");
    let svg = read(out.join("charts/close-days.svg"));
    assert!(svg.contains("办结天数直方图") && svg.contains("承诺时限中位数 10 天"), "title and the promise mark");

    // deadline_days alone: one promise of 10 days for all.
    let project = common::fixture("depth", "promise-days");
    common::edit_config(&project, |t| t.replace("deadline = \"处理期限\"\n", ""));
    let (out, s) = build(&project);
    let p = &s["complaints"]["promise"];
    assert_eq!(
        (p["promise_min"].as_i64(), p["promise_max"].as_i64(), p["within"].as_u64()),
        (Some(10), Some(10), Some(85))
    );
    assert!(read(out.join("charts/close-days.svg")).contains("承诺时限 10 天"));
}

/// Effects, exposure = volume / 1000 = 2 a month, window 6 months:
/// A1 产品质量 completed 2026-06-15: before 2025-12..2026-05 5 a month → c1 30, t1 12; after
/// 2026-07..12 2 a month → c2 12, t2 12: p = P(X ≤ 12 | 42, ½) = 0.00396 → effect shown
/// (METHODS' first vector; rates 2.5 and 1.0 per 1000, ratio 0.4).
/// A2 服务态度 completed 2026-09-10: before 2026-03..08 5 a month → 30 / 12; after Oct–Dec 3 a
/// month → 9 / 6: p = P(X ≤ 9 | 39, ⅓) = 0.1153 → no effect shown yet (the second vector).
/// A3 交付 completed 2026-11-05: one complete month after → too early. A4 names 产品质两,
/// which no complaint has. A5 has no completion date: not listed.
#[test]
fn action_effects_by_the_conditional_binomial_test() {
    let (out, s) = build(&common::fixture("depth", "effect"));
    let e = s["actions"]["effects"].as_array().unwrap();
    let brief: Vec<(&str, &str)> =
        e.iter().map(|x| (x["id"].as_str().unwrap(), x["verdict"].as_str().unwrap())).collect();
    assert_eq!(brief, [("A1", "effect"), ("A2", "no_effect"), ("A3", "too_early"), ("A4", "unknown_category")]);
    let nums = |x: &Value| {
        (x["c1"].as_u64().unwrap(), x["t1"].as_f64().unwrap(), x["c2"].as_u64().unwrap(), x["t2"].as_f64().unwrap())
    };
    assert_eq!(nums(&e[0]), (30, 12.0, 12, 12.0));
    assert_eq!(nums(&e[1]), (30, 12.0, 9, 6.0));
    close(&e[0]["p_value"], 0.00396, 5e-6);
    close(&e[1]["p_value"], 0.1153, 5e-5);
    close(&e[0]["rate_before"], 2.5, 1e-12);
    close(&e[0]["rate_ratio"], 0.4, 1e-12);
    assert_eq!((e[0]["before_months"].as_u64(), e[0]["after_months"].as_u64()), (Some(6), Some(6)));
    assert_eq!(e[0]["months"][0], json!({"month": "2025-12", "side": "before", "count": 5, "exposure": 2.0}));
    assert_eq!((e[2]["after_months"].as_u64(), &e[2]["p_value"]), (Some(1), &Value::Null));
    assert_eq!(e[0]["basis"], "volume");
    let html = read(out.join("index.html"));
    assert!(html.contains("<td class=\"num\">30 / 12</td><td class=\"num\">12 / 12</td><td class=\"num\">2.50</td><td class=\"num\">1.00</td><td class=\"num\">0.40</td><td class=\"num\">0.0040</td><td class=\"effect-verdict effect-effect\">效果已显现</td>"));
    assert!(
        html.contains("<td class=\"num\">0.1153</td><td class=\"effect-verdict effect-no_effect\">尚未显现效果</td>")
    );
    assert!(html.contains("为时尚早（完成后不足 3 个完整月）"));
    assert!(
        html.contains(
            "来料检验加严 · 各月投诉数（之前 | 之后）：<span class=\"mono\">5 5 5 5 5 5 | 2 2 2 2 2 2</span>"
        ),
        "the monthly counts"
    );
    assert!(html.contains("比较完成月份之前至多 6 个月"), "the window in the notes");

    // Without volumes, months are the exposure: t1 = 6, t2 = 6 (the same p-values: only t2 /
    // (t1 + t2) matters) and rates per month (5 and 2).
    let project = common::fixture("depth", "effect-months");
    common::edit_config(&project, |t| {
        let start = t.find("[complaints.volume]").unwrap();
        let end = t.find("[actions]").unwrap();
        format!("{}{}", &t[..start], &t[end..])
    });
    let (_, s) = build(&project);
    let e = &s["actions"]["effects"][0];
    assert_eq!((e["basis"].as_str(), e["t1"].as_f64(), e["t2"].as_f64()), (Some("months"), Some(6.0), Some(6.0)));
    close(&e["rate_before"], 5.0, 1e-12);
    close(&e["p_value"], 0.003957948667448363, 1e-12);

    // effect_months = 3: A1 compares 2026-03..05 (15 / 6) with 2026-07..09 (6 / 6):
    // p = P(X ≤ 6 | 21, ½) = 82160 / 2097152 = 0.03918 → effect shown, on a shorter window.
    let project = common::fixture("depth", "effect-window");
    common::edit_config(&project, |t| {
        t.replace("category = \"针对类别\"", "category = \"针对类别\"\neffect_months = 3")
    });
    let (out, s) = build(&project);
    let e = &s["actions"]["effects"][0];
    assert_eq!((e["c1"].as_u64(), e["c2"].as_u64(), e["verdict"].as_str()), (Some(15), Some(6), Some("effect")));
    close(&e["p_value"], 82160.0 / 2097152.0, 1e-12);
    assert!(read(out.join("index.html")).contains("比较完成月份之前至多 3 个月"));
}

/// The English report: every new label filled in, the notes in English.
#[test]
fn depth_sections_in_english() {
    let project = common::fixture("depth", "english");
    common::edit_config(&project, |t| t.replace("language = \"zh-CN\"", "language = \"en\""));
    let (out, _) = build(&project);
    let md = read(out.join("report.md"));
    for expected in [
        "### Comparative Pareto: 投诉类别 by 渠道",
        "| 服务态度 | 51 | 44.0% | 43 | 53.8% | 8 | 25.0% | 0 | 0.0% |",
        "### Against the previous period: 2025 and 2026",
        "Categories that moved most: 产品质量, 服务态度.",
        "| Repeat complaints (again within 90 days) | 4 |",
        "| Closed within twice the promise | 85 / 110 (77.3%) |",
        "| Open past twice the promise | 4 / 6 (66.7%) |",
        "| 0.0040 | effect shown |",
        "| 0.1153 | no effect shown yet |",
        "too early (fewer than 3 complete months after)",
        "t in units of 1000; rates are complaints per 1000 units.",
        "a repeat complaint = a complaint received in the period whose customer had another complaint received up to 90 days before it",
        "Histogram of days to close: complaints received in the period, closed by 2026-12-31, with a closed date, in bins of 2 days",
        "one-sided p = P(X ≤ c2)",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
    let html = read(out.join("index.html"));
    assert!(html.contains("<th class=\"num\">not given</th>"));
    assert!(read(out.join("charts/close-days.svg")).contains("median promise 10 days"));
    assert!(!md.contains("c_") && !md.contains("a_verdict") && !md.contains("m_"), "a label key shows unfilled");
}

/// A promised date before the complaint was received is rejected like a closed date before
/// it (the row named with both dates), not counted as a negative promised time.
#[test]
fn a_deadline_before_the_received_date_is_rejected() {
    let project = common::fixture("depth", "deadline-before");
    let path = project.join("data/complaints.csv");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("T9999,2026-05-10,产品质量,C0001,电话,2026-05-01,2026-05-12\n");
    std::fs::write(&path, text).unwrap();
    let (out, s) = build(&project);
    let rejected = read(out.join("rejected.csv"));
    let line = rejected
        .lines()
        .find(|l| l.ends_with(",deadline_before_received"))
        .unwrap_or_else(|| panic!("the row is rejected: {rejected}"));
    assert!(line.contains("2026-05-01") && line.contains("2026-05-10"), "{line}");
    assert!(
        s["complaints"]["promise"]["promise_min"].as_f64().is_none_or(|m| m >= 0.0),
        "{}",
        s["complaints"]["promise"]
    );
}
