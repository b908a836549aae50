//! Issue 10, the data users really have: not-answered codes matched before numbers (and the
//! method notes stating exactly the list applied), too many rejected rows stopping the build,
//! rejections grouped on the terminal with hints worded per cell kind, every missing column of
//! a file reported in one run. Projects are generated into the test's temp folder.

mod common;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manyi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manyi")).args(args).output().expect("run manyi")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh project folder `name` holding `manyi.toml` and `data/survey.csv`.
fn project(name: &str, toml: &str, csv: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("real-messages-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("manyi.toml"), toml).unwrap();
    std::fs::write(dir.join("data/survey.csv"), csv).unwrap();
    dir
}

fn build(dir: &Path) -> Output {
    manyi(&["build", dir.to_str().unwrap()])
}

fn build_ok(dir: &Path) -> PathBuf {
    let o = build(dir);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    common::built_dir(&o, &dir.join("public"))
}

fn summary(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

fn close(v: &Value, expected: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - expected).abs() < 1e-9, "got {got}, expected {expected}");
}

/// An airline-style survey, scale 1–5, three items of one dimension; `extra` goes into [survey].
fn airline_toml(extra: &str) -> String {
    format!(
        r#"[site]
language = "en"

[survey]
files = ["data"]
id = "id"
date = "date"
scale = {{ min = 1, max = 5 }}
min_answered = 0.6
{extra}

[[survey.dimensions]]
name = "Flight"
items = ["Seat_Comfort", "Food", "Wifi"]
"#
    )
}

/// The same four passengers, "not applicable" written as `na` (blank, or the code 0).
fn airline_csv(na: &str) -> String {
    format!(
        "id,date,Seat_Comfort,Food,Wifi\n\
         R1,2026-03-01,5,4,{na}\n\
         R2,2026-03-02,3,{na},{na}\n\
         R3,2026-03-03,4,4,4\n\
         R4,2026-03-04,1,N/A,5\n"
    )
}

/// The numbered method note in report.md that lists the not-answered values.
fn not_answered_note(out: &Path) -> String {
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    md.lines().find(|l| l.contains("Counted as not answered")).unwrap_or_else(|| panic!("no note in {md}")).to_string()
}

/// A 0 = not-applicable code gives the same figures as blanks.
/// Valid = at least 2 of 3 items (min_answered 0.6). S = (x − 1)/4 · 100.
///   R1 (5, 4, –) valid; R2 (3, –, –) one item: incomplete; R3 (4, 4, 4) valid; R4 (1, N/A, 5) valid.
///   Seat_Comfort = mean(100, 75, 0) = 58.333…, n 3;  Food = mean(75, 75) = 75, n 2;
///   Wifi = mean(75, 100) = 87.5, n 2;  Flight = (58.333… + 75 + 87.5)/3 = 73.6111…;  index = Flight.
/// "N/A" still counts as not answered with `not_answered = ["0"]`: the list adds to the built-ins.
#[test]
fn a_zero_code_gives_the_same_figures_as_blanks_and_the_notes_say_so() {
    let blanks = build_ok(&project("na-blank", &airline_toml(""), &airline_csv("")));
    let zeros = build_ok(&project("na-zero", &airline_toml("not_answered = [\"0\"]"), &airline_csv("0")));
    let (b, z) = (summary(&blanks), summary(&zeros));
    assert_eq!(b, z, "summary.json is the same whether not applicable is blank or 0");
    let s = &z["survey"];
    assert_eq!(s["returned"], 4);
    assert_eq!(s["valid"], 3);
    assert_eq!(s["incomplete"], 1);
    assert_eq!(z["data_quality"]["rows_rejected"], 0);
    let items = &s["dimensions"][0]["items"];
    close(&items[0]["score"], 175.0 / 3.0);
    assert_eq!(items[0]["n"], 3);
    close(&items[1]["score"], 75.0);
    assert_eq!(items[1]["n"], 2);
    close(&items[2]["score"], 87.5);
    assert_eq!(items[2]["n"], 2);
    close(&s["index"], (175.0 / 3.0 + 75.0 + 87.5) / 3.0);
    assert!(
        not_answered_note(&zeros).ends_with(
            "Counted as not answered (matched on the cell text before any number is read): \
             blank cells, \"N/A\", \"NA\", \"-\", \"不适用\", \"0\"; not answered items do not enter the item score."
        ),
        "{}",
        not_answered_note(&zeros)
    );
}

/// `not_answered = ["", "0"]` as the issue's user wrote it: the blank is no repeat, 0 is read
/// as a code and not as a value outside the scale 1–5.
#[test]
fn a_listed_zero_is_never_outside_the_scale() {
    let dir = project("na-blank-zero", &airline_toml("not_answered = [\"\", \"0\"]"), &airline_csv("0"));
    let out = build_ok(&dir);
    assert_eq!(summary(&out)["data_quality"]["rows_rejected"], 0);
    let note = not_answered_note(&out);
    assert!(note.contains(": blank cells, \"N/A\", \"NA\", \"-\", \"不适用\", \"0\";"), "{note}");
}

/// The notes and the computation agree: every value the note lists, written into an item cell,
/// is read as not answered; a built-in left out by `not_answered_builtin = false` is rejected.
#[test]
fn every_value_the_notes_list_is_read_as_not_answered() {
    for (case, extra) in [
        ("default", ""),
        ("added", "not_answered = [\"0\", \"跳过\", \"Not Shown\"]"),
        ("own", "not_answered_builtin = false\nnot_answered = [\"\", \"-3\", \"(跳过)\"]\nmax_rejected_share = 1"),
    ] {
        // First build: the notes of this config (any data will do).
        let out = build_ok(&project(&format!("notes-{case}"), &airline_toml(extra), &airline_csv("")));
        let note = not_answered_note(&out);
        let listed: Vec<String> = note.split('"').skip(1).step_by(2).map(str::to_string).collect();
        let mut cells: Vec<String> = listed.clone();
        if note.contains("blank cells") {
            cells.push(String::new());
        }
        assert!(!cells.is_empty(), "{case}: {note}");
        // Second build: every listed value as the Wifi answer of a valid row (two items answered).
        let mut csv = String::from("id,date,Seat_Comfort,Food,Wifi\n");
        for (i, c) in cells.iter().enumerate() {
            csv.push_str(&format!("R{i},2026-03-01,4,4,\"{c}\"\n"));
        }
        let out = build_ok(&project(&format!("notes-{case}-check"), &airline_toml(extra), &csv));
        let s = summary(&out);
        assert_eq!(s["data_quality"]["rows_rejected"], 0, "{case}: {note}");
        assert_eq!(s["survey"]["valid"], cells.len(), "{case}");
        assert_eq!(s["survey"]["dimensions"][0]["items"][2]["n"], 0, "{case}: Wifi never answered");
        if case == "own" {
            assert!(!note.contains("N/A"), "{note}");
            let dir = project(
                "notes-own-na",
                &airline_toml(extra),
                "id,date,Seat_Comfort,Food,Wifi\nR1,2026-03-01,4,4,N/A\nR2,2026-03-01,4,4,4\n",
            );
            let o = build(&dir);
            assert!(o.status.success(), "{}", stderr(&o));
            assert!(stderr(&o).contains("column Wifi: \"N/A\" is not an answer"), "{}", stderr(&o));
        }
    }
}

/// Ten passengers; lines 2, 3, 5, 6 and 8 answer Seat_Comfort in words, line 10 has a
/// thirteenth month: 6 of 10 rows (60%) rejected.
fn broken_csv() -> String {
    let mut csv = String::from("id,date,Seat_Comfort,Food,Wifi\n");
    for line in 2..=11 {
        let seat = match line {
            2 | 3 | 5 => "Poor",
            6 | 8 => "Good",
            _ => "4",
        };
        let date = if line == 10 { "2026-13-01" } else { "2026-03-01" };
        csv.push_str(&format!("R{line},{date},{seat},4,5\n"));
    }
    csv
}

/// A project with 60% broken rows exits 1 with grouped reasons, and writes nothing.
#[test]
fn sixty_percent_broken_rows_stop_the_build_with_grouped_reasons() {
    let dir = project("broken-60", &airline_toml(""), &broken_csv());
    let o = build(&dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!dir.join("public").exists(), "nothing is written");
    let expected =
        "data/survey.csv: error: [survey]: 6 of 10 rows rejected (60.0%), more than max_rejected_share = 0.2 \
         allows: a report on the remaining 4 would mislead\n  \
         hint: fix the rows as the reasons say (`manyi check` lists them all); to build anyway, set \
         max_rejected_share = 0.6 or more in [survey]\n\
         data/survey.csv:2:3: warning: 5 rows rejected — column Seat_Comfort: \"Poor\" is not an answer; expected a \
         number from 1 to 5, or blank when not answered; other values: \"Good\"; at lines 2, 3, 5, 6, 8\n  \
         hint: map the text with `scale.labels` or add it to `not_answered`\n\
         data/survey.csv:10:2: warning: row rejected: column date: \"2026-13-01\" is not a date; expected a date \
         such as 2026-03-01, 2026/3/1 or 2026年3月1日\n  \
         hint: write the date as 2026-03-01, 2026/3/1 or 2026年3月1日 (in a workbook, format the column as dates)\n";
    assert_eq!(err, expected);
    // `check` reports the same as an error (exit 1), after the grouped warnings.
    let c = manyi(&["check", dir.to_str().unwrap()]);
    let cerr = stderr(&c);
    assert_eq!(c.status.code(), Some(1), "{cerr}");
    assert!(cerr.contains("data/survey.csv: error: [survey]: 6 of 10 rows rejected (60.0%)"), "{cerr}");
    assert!(cerr.contains("warning: 5 rows rejected — column Seat_Comfort"), "{cerr}");
    assert!(cerr.contains("1 error(s), 2 warning(s)"), "{cerr}");
    // The limit the hint names lets the build through: a share equal to it passes.
    let dir = project("broken-60-allowed", &airline_toml("max_rejected_share = 0.6"), &broken_csv());
    let out = build_ok(&dir);
    assert_eq!(summary(&out)["data_quality"]["rows_rejected"], 6);
}

/// Below the limit, the top of the report says how many rows were rejected; with none, nothing.
#[test]
fn rejected_rows_below_the_limit_are_noted_at_the_top() {
    let csv = airline_csv("").replace("R4,2026-03-04,1,N/A,5", "R4,2026-03-04,1,Poor,5");
    let out = build_ok(&project("below-limit", &airline_toml("max_rejected_share = 0.25"), &csv));
    let note = "1 of the 4 input rows were rejected and are not in these figures; the data-quality section \
                and rejected.csv list each one with its reason.";
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let verdict = html.find("class=\"verdict ").unwrap();
    let at = html.find(note).unwrap_or_else(|| panic!("no note in the page"));
    assert!(at > verdict && at < html.find("class=\"kpis\"").unwrap(), "the note follows the verdict");
    let md_at = md.find(note).unwrap_or_else(|| panic!("no note in report.md:\n{md}"));
    assert!(md_at < md.find("\n## ").unwrap(), "the note is above the first section");
    // Over 0.25 (2 of 4) the same project stops.
    let csv2 = csv.replace("R3,2026-03-03,4,4,4", "R3,2026-03-03,4,Poor,4");
    let o = build(&project("over-limit", &airline_toml("max_rejected_share = 0.25"), &csv2));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Nothing rejected: no note.
    let out = build_ok(&project("no-rejects", &airline_toml(""), &airline_csv("")));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("input rows were rejected"));
    assert!(!std::fs::read_to_string(out.join("report.md")).unwrap().contains("input rows were rejected"));
}

/// Each file set has its own limit: the complaints' rows are not diluted by the survey's.
#[test]
fn each_file_set_has_its_own_limit() {
    let toml = airline_toml("")
        + "\n[complaints]\nfiles = [\"registers/complaints.csv\"]\nid = \"id\"\nreceived = \"received\"\ncategory = \"category\"\n";
    let dir = project("complaints-limit", &toml, &airline_csv(""));
    let complaints = "id,received,category\nC1,2026-03-01,Delay\nC2,2026-03-02,\nC3,2026-03-03,Food\n";
    std::fs::create_dir_all(dir.join("registers")).unwrap();
    std::fs::write(dir.join("registers/complaints.csv"), complaints).unwrap();
    let o = build(&dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.starts_with("registers/complaints.csv: error: [complaints]: 1 of 3 rows rejected (33.3%)"), "{err}");
    assert!(err.contains("set max_rejected_share = 0.34 or more in [complaints]"), "{err}");
    assert!(err.contains("hint: fill in the category: every complaint needs one"), "{err}");
    let fixed = std::fs::read_to_string(dir.join("manyi.toml"))
        .unwrap()
        .replace("category = \"category\"\n", "category = \"category\"\nmax_rejected_share = 0.34\n");
    std::fs::write(dir.join("manyi.toml"), fixed).unwrap();
    build_ok(&dir);
}

/// The limit is a share: anything else is a config error at its value (exit 2).
#[test]
fn a_limit_outside_zero_to_one_is_a_config_error() {
    let dir = project("limit-bad", &airline_toml("max_rejected_share = 1.5"), &airline_csv(""));
    let o = build(&dir);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("manyi.toml:10:22: error: [survey] max_rejected_share = 1.5 must be a share in [0, 1]"),
        "{err}"
    );
}

/// Every missing column of a file is reported in one run, each with its own hint.
#[test]
fn every_missing_column_of_a_file_is_reported_at_once() {
    let toml = airline_toml("")
        .replace("date = \"date\"", "date = \"Date\"")
        .replace("\"Wifi\"]", "\"WiFi Service\", \"Gate\"]");
    let o = build(&project("missing-columns", &toml, &airline_csv("")));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let columns = "the columns are: \"id\", \"date\", \"Seat_Comfort\", \"Food\", \"Wifi\"";
    for (line, hint) in [
        (format!("data/survey.csv:1: error: column \"Date\" (from [survey] date) is not in the header; {columns}"), "  hint: did you mean \"date\"? Fix [survey] date in manyi.toml or the file's header"),
        (format!("data/survey.csv:1: error: column \"WiFi Service\" (from an item of [[survey.dimensions]]) is not in the header; {columns}"), "  hint: fix an item of [[survey.dimensions]] in manyi.toml or the file's header so the names agree"),
        (format!("data/survey.csv:1: error: column \"Gate\" (from an item of [[survey.dimensions]]) is not in the header; {columns}"), "  hint: did you mean \"date\"? Fix an item of [[survey.dimensions]] in manyi.toml or the file's header"),
    ] {
        assert!(err.contains(&format!("{line}\n{hint}")), "expected\n{line}\n{hint}\nin\n{err}");
    }
    // A register: every missing column too.
    let toml = airline_toml("")
        + "\n[complaints]\nfiles = [\"registers/c.csv\"]\nid = \"编号\"\nreceived = \"受理日期\"\ncategory = \"类别\"\nclosed = \"办结\"\n";
    let dir = project("missing-register-columns", &toml, &airline_csv(""));
    std::fs::create_dir_all(dir.join("registers")).unwrap();
    std::fs::write(dir.join("registers/c.csv"), "编号,受理时间,类型\nC1,2026-03-01,A\n").unwrap();
    let err = stderr(&build(&dir));
    for key in ["[complaints] received", "[complaints] category", "[complaints] closed"] {
        assert!(err.contains(&format!("(from {key}) is not in the header")), "{key}: {err}");
    }
    assert_eq!(err.matches(": error: ").count(), 3, "{err}");
}

/// Exit codes as the README says: 2 for config and usage errors, 1 for data errors.
#[test]
fn exit_codes_match_the_readme() {
    let dir = project("exit-codes", &airline_toml(""), &airline_csv(""));
    let d = dir.to_str().unwrap();
    assert_eq!(manyi(&["build", d, "--bogus"]).status.code(), Some(2), "unknown option");
    assert_eq!(manyi(&["build", d, "--period", "2026-Q5"]).status.code(), Some(2), "bad period");
    assert_eq!(manyi(&["check", "/nonexistent-project-folder"]).status.code(), Some(2), "no project");
    let bad = project("exit-codes-config", &airline_toml("max_rejected_share = \"high\""), &airline_csv(""));
    assert_eq!(build(&bad).status.code(), Some(2), "config error");
    let data = project("exit-codes-data", &airline_toml(""), "id,date,Seat_Comfort\nR1,2026-03-01,5\n");
    assert_eq!(build(&data).status.code(), Some(1), "a missing column is a data error");
    assert_eq!(build(&dir).status.code(), Some(0));
}
