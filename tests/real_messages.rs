//! Issue 10, the data users really have: not-answered codes matched before numbers (and the
//! method notes stating exactly the list applied), too many rejected rows stopping the build,
//! rejections grouped on the terminal with hints worded per cell kind, every missing column of
//! a file reported in one run. Projects are generated into the test's temp folder.

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
    dir.join("public")
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
        ("own", "not_answered_builtin = false\nnot_answered = [\"\", \"-3\", \"(跳过)\"]"),
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
