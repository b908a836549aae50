//! Intervals, change significance, Cronbach's α, top-2-box, the overall item and the NPS,
//! built through the binary from tests/fixtures/precision and checked against values worked
//! out by hand (below).

mod common;
use common::{manyi, stderr};

use serde_json::Value;
use std::path::Path;

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `got` within `tol` of `expected`.
fn near(v: &Value, expected: f64, tol: f64) {
    let got = num(v);
    assert!((got - expected).abs() < tol, "got {got}, expected {expected}");
}

// Scale 1–5 (S = (x − 1)·25), valid = at least 2 of the 3 items. 2026 (8 valid, population 50):
//   a1 = 5,4,5,4,5,3,4,5 → 84.375, s² = 296.65 (score units), n 8;
//     SE² = s²/n·(50 − 8)/49 = 37.0695, margin t(7) 2.3646·6.08847 = 14.397
//   a2 = 4,5,5,4,4,4,–,5 → 85.714, n 7, SE² 22.3865, margin t(6) 2.4469·4.73144 = 11.577
//   b1 = 3,3,2,–,4,3,2,3 → 46.429, n 7, SE² 37.3108, margin 2.4469·6.10826 = 14.946
//   A = (a1 + a2)/2 = 85.045: Var = ¼(Var a1 + Var a2 + 2 Cov) · FPC(min n = 7); s(a1,a2) over
//     the 7 rows with both; Var 19.1655, margin t(6)·4.37785 = 10.712
//   index = 0.3 a1 + 0.3 a2 + 0.4 b1 = 69.598: Var 10.8210, margin 2.4469·3.28952 = 8.049
//   overall 总体 = 5,4,5,4,5,4,4,– → 85.714 ± 11.577 (as a2), top-2-box 7/7
//   α(A) over the 7 rows answering a1 and a2: 2·(1 − (s²a1 + s²a2)/s²(a1 + a2)) = 0.41667 (low)
//   top-2-box: a1 7/8, A (7 + 7)/(8 + 7) = 14/15, b1 1/7
//   NPS: 推荐 10,9,9,8,10,6,9 (T8 blank): P 5, passive 1, D 1, n 7 → 100·4/7 = 57.143,
//     margin 1.96·100·√((6/7 − (4/7)²)/7) = 53.963; n < 30: small
// 2025 (6 valid, population 100): a1 45.833 SE² 56.0466 df 5; index 45.5 SE² 19.4318 df 4;
//   b1 45.0 SE² 23.9899 df 4; overall 45.833 SE² 56.0466 df 5; A 45.833 SE² 36.2654 df 5.
// Changes: margin t(smaller df)·√(SE²₂₀₂₆ + SE²₂₀₂₅):
//   index +24.098 ± 2.7764·√(10.8210 + 19.4318) = ±15.271: significant
//   B = b1 +1.429 ± 2.7764·√(37.3108 + 23.9899) = ±21.738: not significant
//   overall +39.881 ± 2.5706·√(22.3865 + 56.0466) = ±22.766: significant
#[test]
fn precision_fixture_matches_hand_computation() {
    let project = common::fixture("precision", "figures");
    let out = project.join("out");
    let o = manyi(&["build", project.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::built_dir(&o, &out);
    // Low α is warned in the terminal.
    assert!(
        stderr(&o)
            .contains("warning: 2026: dimension \"A\" has Cronbach's alpha 0.417 (below 0.6, over 7 complete answers)"),
        "{}",
        stderr(&o)
    );
    let j: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let s = &j["survey"];
    assert_eq!(s["population"], 50);
    near(&s["index"], 69.598214, 1e-5);
    near(&s["index_margin"], 8.0491, 1e-3);
    near(&s["index_low"], 69.598214 - 8.0491, 1e-3);
    let c = &s["index_comparison"];
    near(&c["change"], 24.098214, 1e-5);
    near(&c["margin"], 15.2709, 1e-3);
    assert_eq!(c["significant"], true);

    let a = &s["dimensions"][0];
    near(&a["score"], 85.044643, 1e-5);
    near(&a["margin"], 10.7121, 1e-3);
    near(&a["top2"], 14.0 / 15.0, 1e-12);
    near(&a["reliability"]["alpha"], 0.416667, 1e-5);
    assert_eq!(a["reliability"]["n"], 7);
    assert_eq!(a["reliability"]["reading"], "low");
    assert_eq!(s["low_reliability"], serde_json::json!(["A"]));
    let a1 = &a["items"][0];
    near(&a1["margin"], 14.3968, 1e-3);
    near(&a1["top2"], 7.0 / 8.0, 1e-12);
    near(&a1["comparison"]["margin"], 24.8054, 1e-3);
    near(&a["items"][1]["margin"], 11.5774, 1e-3);

    let b = &s["dimensions"][1];
    near(&b["margin"], 14.9463, 1e-3);
    assert_eq!(b["reliability"]["alpha"], Value::Null, "one item: no α");
    near(&b["comparison"]["change"], 1.428571, 1e-5);
    near(&b["comparison"]["margin"], 21.7378, 1e-3);
    assert_eq!(b["comparison"]["significant"], false);
    near(&b["items"][0]["top2"], 1.0 / 7.0, 1e-12);

    let ov = &s["overall"];
    assert_eq!(ov["name"], "总体");
    assert_eq!(ov["n"], 7);
    near(&ov["score"], 85.714286, 1e-5);
    near(&ov["margin"], 11.5774, 1e-3);
    near(&ov["top2"], 1.0, 1e-12);
    near(&ov["comparison"]["margin"], 22.7659, 1e-3);
    assert_eq!(ov["comparison"]["significant"], true);

    let n = &s["nps"];
    assert_eq!(
        (n["n"].clone(), n["promoters"].clone(), n["passives"].clone(), n["detractors"].clone()),
        (7.into(), 5.into(), 1.into(), 1.into())
    );
    near(&n["score"], 400.0 / 7.0, 1e-9);
    near(&n["margin"], 53.96295, 1e-4);
    assert_eq!(n["small_sample"], true);

    // The reports print the margins and say which changes are significant.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for line in [
        "| Satisfaction index | **69.6** ±8.0 | Dissatisfied | 45.5 | +24.1 ±15.3 | significant rise |",
        "| Overall satisfaction (总体) | 85.7 ±11.6 | | 45.8 | +39.9 ±22.8 | significant rise |",
        "| **B** | 40.0% | | **46.4** ±14.9 | 14.3% | — | 45.0 | +1.4 ±21.7 | no significant change |",
        "| **A** | 60.0% | | **85.0** ±10.7 | 93.3% | 0.417 low (n = 7) | 45.8 | +39.2 ±19.1 | significant rise |",
        "**57.1** ±54.0 — 推荐: 7 answers; promoters (9–10) 5, passives (7–8) 1, detractors (0–6) 1. n is small (7, below 30): read with care.",
        "Compared with 2025: +24.1 ±15.3, significant rise.",
        "The items of A agree poorly",
    ] {
        assert!(md.contains(line), "report.md lacks {line:?}");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("46.4 <span class=\"margin\">±14.9</span>"), "index.html lacks the B margin");
    assert!(html.contains("<td>no significant change</td>"));
    assert!(html.contains("The items of A agree poorly"));
}

#[test]
fn zh_report_says_no_significant_change_in_words() {
    let project = common::fixture("precision", "zh");
    let toml = project.join("manyi.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace("language = \"en\"", "language = \"zh-CN\"");
    std::fs::write(&toml, text).unwrap();
    let out = project.join("out");
    let o = manyi(&["build", project.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::built_dir(&o, &out);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| +1.4 ±21.7 | 无显著变化 |"), "{md}");
    assert!(md.contains("与 2025 比较：+24.1 ±15.3，显著上升。"), "{md}");
    assert!(md.contains("样本量小（n = 7，不足 30）"), "{md}");
    assert!(md.contains("有限总体校正"), "the method notes name the correction");
}

/// Top-2-box follows the scale's labels: with METHODS' non-linear map 很满意 100, 较满意 80,
/// 满意 60, 不满意 30, 很不满意 0 (scale 0–100) the top two points are 100 and 80. Answers
/// 很满意, 较满意, 满意, 不满意, 较满意 → 3 of 5 = 0.6 (counting answers ≥ 99 gave 0.2); the
/// method note names 80.
#[test]
fn top2_box_uses_the_two_highest_label_values() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("precision-top2-labels");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(
        dir.join("manyi.toml"),
        "[survey]\nfiles = [\"data/s.csv\"]\nid = \"编号\"\ndate = \"日期\"\n\
         scale = { min = 0, max = 100, labels = { \"很满意\" = 100, \"较满意\" = 80, \"满意\" = 60, \"不满意\" = 30, \"很不满意\" = 0 } }\n\
         [[survey.dimensions]]\nname = \"总体\"\nitems = [\"评价\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("data/s.csv"),
        "编号,日期,评价\n1,2026-03-01,很满意\n2,2026-03-01,较满意\n3,2026-03-01,满意\n4,2026-03-01,不满意\n5,2026-03-01,较满意\n",
    )
    .unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = common::built_dir(&o, &dir.join("public"));
    let j: Value = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    near(&j["survey"]["dimensions"][0]["items"][0]["top2"], 0.6, 1e-12);
    near(&j["survey"]["dimensions"][0]["top2"], 0.6, 1e-12);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("取值不低于 80"), "the note names the threshold");
}
