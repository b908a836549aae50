use super::*;

const MINIMAL: &str = r#"
[survey]
files = ["data/s.csv"]
id = "编号"
date = "日期"
[[survey.dimensions]]
name = "产品质量"
items = ["性能", "外观"]
"#;

#[test]
fn minimal_config_gets_documented_defaults() {
    let c = parse_config(MINIMAL, "manyi.toml").unwrap();
    assert_eq!(c.site.language, Language::ZhCn);
    assert_eq!(c.survey.as_ref().unwrap().min_answered, 0.8);
    assert_eq!(c.survey.as_ref().unwrap().scale.max, 5.0);
    assert_eq!(c.bands.levels.len(), 5);
    assert_eq!(c.survey.as_ref().unwrap().weights(), vec![1.0]);
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let text = MINIMAL.replace("id = \"编号\"", "id = \"编号\"\nmin_answerd = 0.5");
    let err = parse_config(&text, "manyi.toml").unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("manyi.toml:5:1: error: unknown field `min_answerd`"), "{shown}");
    assert!(shown.contains("hint: did you mean `min_answered`?"), "{shown}");
    assert_eq!(err.exit_code(), 2);
    // A key like none of the known ones keeps the general hint.
    let text = MINIMAL.replace("id = \"编号\"", "id = \"编号\"\nzzzzzzzzzz = 1");
    let shown = parse_config(&text, "manyi.toml").unwrap_err().to_string();
    assert!(shown.contains("hint: remove the key or fix its spelling"), "{shown}");
}

#[test]
fn wrong_type_is_reported_with_line() {
    let text = MINIMAL.replace("id = \"编号\"", "id = 3");
    let err = parse_config(&text, "manyi.toml").unwrap_err();
    assert!(err.to_string().starts_with("manyi.toml:4:"), "{err}");
    assert!(err.to_string().contains("string"), "{err}");
}

#[test]
fn bands_must_descend() {
    let text =
        format!("{MINIMAL}\n[bands]\nlevels = [{{ label = \"好\", min = 80 }}, {{ label = \"差\", min = 90 }}]\n");
    let err = parse_config(&text, "manyi.toml").unwrap_err();
    assert!(err.to_string().contains("\"差\" (min 90) must have a lower min than \"好\" (min 80)"), "{err}");
}

#[test]
fn partial_weights_are_refused() {
    let text = format!("{MINIMAL}weight = 0.5\n[[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\"]\n");
    let err = parse_config(&text, "manyi.toml").unwrap_err();
    assert!(err.to_string().contains("some dimensions have a weight"), "{err}");
}

/// The `file:line:col` prefix of every diagnostic of a failed parse, in order.
fn locations(text: &str) -> Vec<String> {
    let err = parse_config(text, "manyi.toml").unwrap_err();
    assert_eq!(err.exit_code(), 2);
    err.diagnostics().map(|d| d.location.to_string()).collect()
}

fn messages(text: &str) -> Vec<String> {
    let err = parse_config(text, "manyi.toml").unwrap_err();
    err.diagnostics().map(|d| format!("{}: {}", d.location, d.message)).collect()
}

#[test]
fn three_bad_values_in_three_sections_are_all_reported_at_their_values() {
    let text = r#"[survey]
files = ["data/s.csv"]
encoding = "utf-8"
id = "编号"
date = "日期"
min_answered = 1.5
[[survey.dimensions]]
name = "产品质量"
items = ["性能"]
[report]
cutoff = "2026-13-01"
[complaints]
files = ["c.csv"]
id = "编号"
received = "受理日期"
category = "类别"
encoding = "nope"
"#;
    let err = parse_config(text, "manyi.toml").unwrap_err();
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().filter(|l| !l.starts_with("  hint:")).collect();
    assert_eq!(
        lines,
        [
            "manyi.toml:6:16: error: [survey] min_answered = 1.5 must be a share in (0, 1]",
            "manyi.toml:11:10: error: [report] cutoff \"2026-13-01\" is not a date",
            "manyi.toml:17:12: error: [complaints] encoding \"nope\" is not a known encoding",
        ],
        "{shown}"
    );
    assert!(shown.contains("\n  hint: write it as 2026-11-30\n"), "{shown}");
    assert!(shown.ends_with("\n  hint: use auto, utf-8, gbk, gb18030 or utf-16le"), "{shown}");
    assert_eq!(err.diagnostic.message, "[survey] min_answered = 1.5 must be a share in (0, 1]");
    assert_eq!(err.related.len(), 2);
}

#[test]
fn wrong_types_in_two_sections_are_both_reported() {
    let text = format!("[site]\ntitle = 3\n{MINIMAL}[report]\ncomments = \"x\"\n");
    let found = messages(&text);
    assert_eq!(
        found,
        [
            "manyi.toml:2:9: invalid type: integer `3`, expected a string",
            "manyi.toml:12:12: invalid type: string \"x\", expected usize",
        ]
    );
}

#[test]
fn every_type_error_of_one_section_is_reported() {
    // An unknown key, a wrong type inside an inline table, a bad array item and a bad plan
    // period: serde stops at each, the key is removed and the section read again.
    let text = MINIMAL
        .replace("date = \"日期\"", "date = \"日期\"\nscale = { min = 1, max = \"5\" }\nminimum = 3")
        .replace("items = [\"性能\", \"外观\"]", "items = [\"性能\", 4]")
        + "[[survey.plans]]\nperiod = \"2026-Q5\"\nissued = 10\n[[survey.plans]]\nperiod = \"2026\"\nissued = \"ten\"\n";
    assert_eq!(
        messages(&text),
        [
            "manyi.toml:6:26: invalid type: string \"5\", expected f64",
            "manyi.toml:7:1: unknown field `minimum`, expected one of `files`, `encoding`, `delimiter`, `sheet`, `filters`, `max_rejected_share`, `format`, `id`, `date`, `comment`, `overall`, `recommend`, `scale`, `min_answered`, `check_duplicate_ids`, `not_answered`, `not_answered_builtin`, `required_rate`, `required_rate_basis`, `plans`, `min_seconds`, `duration`, `dimensions`, `ipa_crosshair`, `segments`, `min_segment_n`",
            "manyi.toml:10:16: invalid type: integer `4`, expected an item column name, or a table { column, name, scale, weight, reverse }",
            "manyi.toml:12:10: plan period \"2026-Q5\" is not a period",
            "manyi.toml:16:10: invalid type: string \"ten\", expected u64",
        ]
    );
}

#[test]
fn a_key_removed_for_its_own_error_is_not_also_missing() {
    // `name = 7` is reported once, not again as "missing field `name`"; the other
    // dimension's missing `items` is a problem of its own.
    let text = MINIMAL.replace("name = \"产品质量\"", "name = 7") + "[[survey.dimensions]]\nname = \"服务\"\n";
    assert_eq!(
        messages(&text),
        ["manyi.toml:7:8: invalid type: integer `7`, expected a string", "manyi.toml:9:1: missing field `items`"]
    );
}

#[test]
fn partial_weights_duplicate_items_and_rising_bands_are_located_exactly() {
    let text = format!(
        "{MINIMAL}weight = 0.5\n[[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\", \"外观\"]\n\
         [bands]\nlevels = [{{ label = \"好\", min = 80 }}, {{ label = \"差\", min = 90 }}]\n"
    );
    assert_eq!(
        messages(&text),
        [
            "manyi.toml:10:1: some dimensions have a weight and others do not",
            "manyi.toml:12:16: item \"外观\" appears in more than one dimension",
            "manyi.toml:14:59: [bands] \"差\" (min 90) must have a lower min than \"好\" (min 80)",
        ]
    );
    // With most dimensions unweighted, the one weight given is the odd one out.
    let text = format!(
        "{MINIMAL}weight = 0.5\n[[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\"]\n\
         [[survey.dimensions]]\nname = \"价格\"\nitems = [\"价格\"]\n"
    );
    assert_eq!(locations(&text), ["manyi.toml:9:10"]);
}

#[test]
fn range_and_cross_field_problems_are_all_reported_in_document_order() {
    let text = r#"[survey]
files = []
id = "编号"
date = "日期"
scale = { min = 1, max = 5, labels = { "好" = 9 } }
required_rate = 2
[[survey.plans]]
period = "2026"
issued = 10
[[survey.plans]]
period = "2026"
issued = 12
[[survey.dimensions]]
name = "甲"
weight = 0
items = []
[[survey.dimensions]]
name = "甲"
weight = 1
items = ["性能"]
[complaints]
files = []
id = "编号"
received = "受理日期"
category = "类别"
vital_share = 1.5
other_max_categories = 0
[bands]
levels = []
"#;
    assert_eq!(
        locations(text),
        [
            "manyi.toml:2:9",   // [survey] files is empty
            "manyi.toml:5:46",  // label outside the scale
            "manyi.toml:6:17",  // required_rate
            "manyi.toml:11:10", // two plans for 2026
            "manyi.toml:15:10", // weight 0
            "manyi.toml:16:9",  // no items
            "manyi.toml:18:8",  // dimension defined twice
            "manyi.toml:22:9",  // [complaints] files is empty
            "manyi.toml:26:15", // vital_share
            "manyi.toml:27:24", // other_max_categories
            "manyi.toml:29:10", // [bands] levels is empty
        ]
    );
}

#[test]
fn bad_delimiter_is_an_error_and_good_ones_are_bytes() {
    let with = |d: &str| MINIMAL.replace("id = \"编号\"", &format!("id = \"编号\"\ndelimiter = {d}"));
    let err = parse_config(&with("\"||\""), "manyi.toml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "manyi.toml:5:13: error: [survey] delimiter \"||\" must be one ASCII character\n  \
         hint: e.g. delimiter = \";\" or delimiter = \"\\t\" for tabs"
    );
    for (d, byte) in [("\";\"", b';'), ("'\\t'", b'\t'), ("\"tab\"", b'\t'), ("\"TAB\"", b'\t'), ("\"\\t\"", b'\t')] {
        let c = parse_config(&with(d), "manyi.toml").unwrap();
        assert_eq!(c.survey.as_ref().unwrap().delimiter, Some(byte), "{d}");
        assert_eq!(c.survey.as_ref().unwrap().read_options().delimiter, Some(byte), "{d}");
    }
    assert_eq!(parse_config(MINIMAL, "manyi.toml").unwrap().survey.unwrap().read_options(), ReadOptions::default());
}

#[test]
fn typed_values_are_parsed_once() {
    let text = MINIMAL.replace("id = \"编号\"", "id = \"编号\"\nencoding = \"GBK\"")
        + "[[survey.plans]]\nperiod = \"2026-q1\"\nissued = 40\n[report]\ncutoff = \"2026/11/30\"\n\
           [actions]\nfiles = [\"a.csv\"]\nencoding = \"auto\"\nsheet = \"措施\"\n";
    let c = parse_config(&text, "manyi.toml").unwrap();
    assert_eq!(c.survey.as_ref().unwrap().encoding, Some(encoding_rs::GBK));
    assert_eq!(c.survey.as_ref().unwrap().read_options().encoding.as_deref(), Some("GBK"));
    assert_eq!(c.survey.as_ref().unwrap().plans[0].period, Period::Quarter(2026, 1));
    assert_eq!(c.survey.as_ref().unwrap().issued_for(Period::Quarter(2026, 1)), Some(40));
    assert_eq!(c.survey.as_ref().unwrap().issued_for(Period::Year(2026)), None);
    assert_eq!(c.report.cutoff_date(), crate::period::Date::new(2026, 11, 30));
    let actions = c.actions.unwrap();
    assert_eq!(actions.encoding, None);
    assert_eq!(
        actions.read_options(),
        ReadOptions { encoding: None, delimiter: None, sheet: Some("措施".into()), filters: vec![] }
    );
}

#[test]
fn syntax_errors_stop_at_the_first() {
    let err = parse_config("[survey]\nfiles = [\"a\"\nid = 3\n[site\n", "manyi.toml").unwrap_err();
    assert!(err.related.is_empty());
    assert!(err.to_string().starts_with("manyi.toml:3:1: error: "), "{err}");
}

#[test]
fn missing_and_unknown_sections_are_reported() {
    assert_eq!(
        messages("[sitee]\ntitle = \"x\"\n"),
        [
            "manyi.toml:1:1: the config has neither [survey] nor [complaints]: there is nothing to report",
            "manyi.toml:1:2: unknown field `sitee`, expected one of `site`, `survey`, `bands`, `report`, `complaints`, `actions`, `build`, `history`, `labels`",
        ]
    );
}

const COMPLAINTS_ONLY: &str = r#"
[complaints]
files = ["data/c.csv"]
id = "编号"
received = "受理日期"
category = "类别"
status = "处理状态"
"#;

#[test]
fn a_complaint_register_alone_is_a_project_with_default_closed_statuses() {
    let c = parse_config(COMPLAINTS_ONLY, "manyi.toml").unwrap();
    assert!(c.survey.is_none());
    let k = c.complaints.unwrap();
    assert!(k.closure_known());
    assert!(k.closed_statuses.iter().any(|s| s == "已办结") && k.closed_statuses.iter().any(|s| s == "Closed*"));
    assert_eq!(k.on_time, None);
}

#[test]
fn closed_statuses_need_a_status_column_and_a_value() {
    let empty = COMPLAINTS_ONLY.to_string() + "closed_statuses = [\"\", \"*\"]\n";
    assert_eq!(
        messages(&empty),
        ["manyi.toml:8:19: [complaints] closed_statuses is empty: no status would mean closed"]
    );
    let orphan = COMPLAINTS_ONLY.replace("status = \"处理状态\"", "closed_statuses = [\"已办结\"]");
    assert_eq!(
        messages(&orphan),
        ["manyi.toml:7:19: [complaints] closed_statuses is set but status is not: no column is compared with it"]
    );
}

const VOLUME: &str = "\n[complaints.volume]\nfiles = [\"data/orders.csv\"]\nmonth = \"月份\"\ncount = \"订单数\"\n";

#[test]
fn control_chart_keys_have_documented_defaults_and_accept_every_chart() {
    let c = parse_config(&format!("{COMPLAINTS_ONLY}{VOLUME}"), "manyi.toml").unwrap();
    let v = c.complaints.unwrap().volume.unwrap();
    assert_eq!((v.chart, v.sigma_z_threshold, v.test_numbers()), (RateChart::U, 1.5, vec![1, 2, 3, 4]));
    assert!(v.stages.is_empty() && !v.stages_from_actions);
    for (text, chart) in [
        ("u", RateChart::U),
        ("p", RateChart::P),
        ("laney-u", RateChart::LaneyU),
        ("laney-p", RateChart::LaneyP),
        ("auto", RateChart::Auto),
    ] {
        let cfg = format!("{COMPLAINTS_ONLY}{VOLUME}chart = \"{text}\"\nstages = [\"2026-07\", \"2026年9月\"]\n");
        let v = parse_config(&cfg, "manyi.toml").unwrap().complaints.unwrap().volume.unwrap();
        assert_eq!(v.chart, chart);
        let months: Vec<String> = v.stages.iter().map(|s| s.month.unwrap().to_string()).collect();
        assert_eq!(months, ["2026-07", "2026-09"]);
    }
}

#[test]
fn control_chart_values_are_errors_at_the_value() {
    let base = format!("{COMPLAINTS_ONLY}{VOLUME}");
    let line = base.lines().count() + 1;
    let bad = format!("{base}tests = [1, 9, 1]\nstages = [\"2026-06\", \"2026-13\"]\nsigma_z_threshold = 0\n");
    assert_eq!(
        messages(&bad),
        [
            format!("manyi.toml:{line}:13: [complaints.volume] tests: 9 is not a test; tests are numbered 1 to 8"),
            format!("manyi.toml:{line}:16: [complaints.volume] tests: test 1 is listed twice"),
            format!("manyi.toml:{}:22: [complaints.volume] stages: \"2026-13\" is not a month", line + 1),
            format!("manyi.toml:{}:21: [complaints.volume] sigma_z_threshold = 0 must be a number above 0", line + 2),
        ]
    );
    let wrong_chart = format!("{base}chart = \"laney\"\n");
    let found = messages(&wrong_chart);
    assert!(found[0].starts_with(&format!("manyi.toml:{line}:9: unknown variant `laney`")), "{found:?}");
    let empty = format!("{base}tests = []\n");
    assert_eq!(
        messages(&empty),
        [format!("manyi.toml:{line}:9: [complaints.volume] tests is empty: no signal would ever be reported")]
    );
}

#[test]
fn stages_from_actions_needs_an_action_register_with_a_completed_column() {
    let base = format!("{COMPLAINTS_ONLY}{VOLUME}stages_from_actions = true\n");
    let line = base.lines().count();
    assert_eq!(
        messages(&base),
        [format!(
            "manyi.toml:{line}:23: [complaints.volume] stages_from_actions = true, but there is no [actions] register"
        )]
    );
    let actions = format!("{base}[actions]\nfiles = [\"data/actions.csv\"]\n");
    assert_eq!(
        messages(&actions),
        [format!("manyi.toml:{line}:23: [complaints.volume] stages_from_actions = true, but [actions] has no completed column")]
    );
    let ok = format!("{actions}completed = \"完成日期\"\n");
    assert!(parse_config(&ok, "manyi.toml").unwrap().complaints.unwrap().volume.unwrap().stages_from_actions);
}

#[test]
fn population_overall_and_recommend_are_checked_at_their_values() {
    let text = r#"[survey]
files = ["x.csv"]
id = "编号"
date = "日期"
overall = "性能"
recommend = "性能"
[[survey.plans]]
period = "2026"
issued = 100
population = 80
[[survey.plans]]
period = "2025"
issued = 100
population = 100
[[survey.dimensions]]
name = "甲"
items = ["性能"]
"#;
    let err = parse_config(text, "manyi.toml").unwrap_err().to_string();
    assert!(
        err.contains("manyi.toml:5:11: error: [survey] overall = \"性能\" is also an item of dimension \"甲\""),
        "{err}"
    );
    assert!(err.contains("manyi.toml:6:13: error: [survey] recommend = \"性能\" is also an item"), "{err}");
    assert!(
        err.contains("manyi.toml:6:13: error: [survey] recommend = \"性能\" is the same column as overall"),
        "{err}"
    );
    assert!(
        err.contains("manyi.toml:10:14: error: [[survey.plans]] population = 80 for 2026 is smaller than issued = 100"),
        "{err}"
    );
    assert!(!err.contains("population = 100"), "{err}");
    let ok = parse_config(
        &text
            .replace("population = 80", "population = 300")
            .replace("overall = \"性能\"\nrecommend = \"性能\"\n", "overall = \"总体\"\nrecommend = \"推荐\"\n"),
        "manyi.toml",
    )
    .unwrap();
    let s = ok.survey.unwrap();
    assert_eq!(s.population_for(crate::period::Period::Year(2026)), Some(300));
    assert_eq!(s.overall.as_deref(), Some("总体"));
}

const REGISTER: &str = r#"
[complaints]
files = ["data/c.csv"]
id = "编号"
received = "受理日期"
category = "类别"
"#;

#[test]
fn depth_keys_have_documented_defaults() {
    let text = format!("{REGISTER}customer = \"客户\"\npareto_by = \"渠道\"\n[actions]\nfiles = [\"a.csv\"]\n");
    let c = parse_config(&text, "manyi.toml").unwrap();
    let k = c.complaints.unwrap();
    assert_eq!((k.repeat_days, k.customer.as_deref(), k.pareto_by.as_deref()), (90, Some("客户"), Some("渠道")));
    let a = c.actions.unwrap();
    assert_eq!((a.effect_months, a.category), (6, None));
}

#[test]
fn repeat_and_effect_problems_are_reported_at_their_values() {
    // Line 7: repeat_days = 0 without customer (two problems at one value); line 10: effect
    // months out of range; line 11: category without a completed column.
    let text =
        format!("{REGISTER}repeat_days = 0\n[actions]\nfiles = [\"a.csv\"]\neffect_months = 61\ncategory = \"类别\"\n");
    assert_eq!(locations(&text), ["manyi.toml:7:15", "manyi.toml:7:15", "manyi.toml:10:17", "manyi.toml:11:12"]);
    let m = messages(&text);
    assert!(
        m[0].contains("repeat_days = 0 must be from 1 to 3660") || m[1].contains("must be from 1 to 3660"),
        "{m:?}"
    );
    assert!(m.iter().any(|x| x.contains("repeat_days is set but customer is not")), "{m:?}");
    assert!(m[2].contains("effect_months = 61 must be from 3 to 60"), "{m:?}");
    assert!(m[3].contains("[actions] has no completed column"), "{m:?}");
    // effect_months alone, and a category without any complaint register.
    let text = "[survey]\nfiles = [\"s.csv\"]\nid = \"编号\"\ndate = \"日期\"\n[[survey.dimensions]]\nname = \"a\"\nitems = [\"b\"]\n[actions]\nfiles = [\"a.csv\"]\ncompleted = \"完成日期\"\ncategory = \"类别\"\n";
    assert_eq!(locations(text), ["manyi.toml:11:12"]);
    assert!(messages(text)[0].contains("there is no [complaints] register"));
    let text =
        format!("{REGISTER}[actions]\nfiles = [\"a.csv\"]\ncompleted = \"d\"\ncategory = \"c\"\neffect_months = 2\n");
    assert_eq!(locations(&text), ["manyi.toml:11:17"]);
    assert!(messages(&text)[0].contains("effect_months = 2 must be from 3 to 60"));
    let text = format!("{REGISTER}[actions]\nfiles = [\"a.csv\"]\neffect_months = 3\n");
    assert_eq!(locations(&text), ["manyi.toml:9:17"]);
    assert!(messages(&text)[0].contains("effect_months is set but category is not"));
}

#[test]
fn an_item_table_gives_its_own_scale_weight_reverse_and_name() {
    let text = MINIMAL
        .replace("date = \"日期\"", "date = \"日期\"\nscale = { min = 1, max = 5, labels = { \"很满意\" = 5, \"很不满意\" = 1 } }")
        .replace(
            "items = [\"性能\", \"外观\"]",
            "items = [\"性能\", { column = \"WiFi_Service\", name = \"机上WiFi\", scale = { min = 0, max = 5 }, weight = 2, reverse = true }]",
        );
    let c = parse_config(&text, "manyi.toml").unwrap();
    let s = c.survey.unwrap();
    let items: Vec<&ItemEntry> = s.item_entries().collect();
    assert_eq!(items[0], &ItemEntry::from("性能"));
    assert_eq!(items[1].column, "WiFi_Service");
    assert_eq!(items[1].shown(), "机上WiFi");
    assert_eq!(items[1].weight, Some(2.0));
    assert!(items[1].reverse);
    assert_eq!((s.scale_of(items[1]).min, s.scale_of(items[1]).max), (0.0, 5.0));
    assert_eq!(s.scale_of(items[0]).min, 1.0);
    // [survey] scale's labels map onto the item's own 0–5 scale: 5 → 5, 1 → 0.
    assert_eq!(s.labels_of(items[1]), vec![("很不满意".to_string(), 0.0), ("很满意".to_string(), 5.0)]);
    assert_eq!(s.labels_of(items[0]), vec![("很不满意".to_string(), 1.0), ("很满意".to_string(), 5.0)]);
    assert_eq!(s.segments, Vec::<String>::new());
    assert_eq!(s.min_segment_n, 30);
}

#[test]
fn bad_item_tables_are_reported_at_their_values() {
    let unknown = MINIMAL.replace("items = [\"性能\", \"外观\"]", "items = [\"性能\", { column = \"A\", wieght = 2 }]");
    assert_eq!(
        messages(&unknown),
        ["manyi.toml:8:32: unknown field `wieght`, expected one of `column`, `name`, `scale`, `weight`, `reverse`"]
    );
    let text = MINIMAL.replace(
        "items = [\"性能\", \"外观\"]",
        "items = [\"性能\",\n  { column = \"B\", weight = 0 },\n  { column = \"C\", scale = { min = 5, max = 5 } },\n  { column = \"D\", name = \"性能\" }]",
    );
    assert_eq!(
        messages(&text),
        [
            "manyi.toml:9:28: item \"B\": weight 0 must be positive",
            "manyi.toml:10:44: item \"C\": scale max (5) must be greater than min (5)",
            "manyi.toml:11:3: two items are shown as \"性能\"",
        ]
    );
}

#[test]
fn segments_are_listed_once_and_at_most_eight() {
    let text = MINIMAL.replace(
        "date = \"日期\"",
        "date = \"日期\"\nsegments = [\"地区\", \"产品类型\", \"地区\"]\nmin_segment_n = 20",
    );
    assert_eq!(messages(&text), ["manyi.toml:6:27: [survey] segments lists \"地区\" twice"]);
    let ok =
        MINIMAL.replace("date = \"日期\"", "date = \"日期\"\nsegments = [\"地区\", \"产品类型\"]\nmin_segment_n = 20");
    let s = parse_config(&ok, "manyi.toml").unwrap().survey.unwrap();
    assert_eq!(s.segments, ["地区", "产品类型"]);
    assert_eq!(s.min_segment_n, 20);
    let many: Vec<String> = (0..9).map(|i| format!("\"s{i}\"")).collect();
    let text = MINIMAL.replace("date = \"日期\"", &format!("date = \"日期\"\nsegments = [{}]", many.join(", ")));
    assert_eq!(messages(&text), ["manyi.toml:6:61: [survey] segments lists 9 columns; at most 8 are broken down"]);
}

#[test]
fn ipa_crosshair_reads_its_three_forms_and_reports_bad_values_at_the_value() {
    let with = |v: &str| MINIMAL.replace("date = \"日期\"", &format!("date = \"日期\"\nipa_crosshair = {v}"));
    let get = |v: &str| parse_config(&with(v), "manyi.toml").unwrap().survey.unwrap().ipa_crosshair;
    assert_eq!(parse_config(MINIMAL, "manyi.toml").unwrap().survey.unwrap().ipa_crosshair, IpaCrosshair::Mean);
    assert_eq!(get("\"median\""), IpaCrosshair::Median);
    assert_eq!(
        get("{ importance = 0.5, performance = 80 }"),
        IpaCrosshair::Fixed { importance: 0.5, performance: 80.0 }
    );
    for (bad, says) in [
        ("\"avg\"", "ipa_crosshair = \"avg\" is not a crosshair rule"),
        ("{ importance = 2, performance = 80 }", "ipa_crosshair.importance = 2 is outside -1 to 1"),
        ("{ importance = 0.5 }", "ipa_crosshair has no performance"),
        ("{ importance = 0.5, performance = 80, x = 1 }", "unknown key \"x\""),
        ("3", "must be \"mean\", \"median\" or a table"),
    ] {
        let err = parse_config(&with(bad), "manyi.toml").unwrap_err().to_string();
        assert!(err.starts_with("manyi.toml:6:17: error: "), "{bad}: {err}");
        assert!(err.contains(says), "{bad}: {err}");
    }
}

#[test]
fn history_section_names_its_file() {
    let text = format!("{MINIMAL}\n[history]\nfile = \"data/history.csv\"\n");
    assert_eq!(parse_config(&text, "manyi.toml").unwrap().history.unwrap().file, "data/history.csv");
    let err = parse_config(&format!("{MINIMAL}\n[history]\nfiles = \"x\"\n"), "manyi.toml").unwrap_err();
    assert!(err.to_string().contains("unknown field `files`"), "{err}");
}
