//! The command line (issue 14): `init` → `build` for a new user, `--as-of`, `--quiet`,
//! `--help` examples, exit codes.

mod common;
use common::{manyi, stderr};
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&p);
    p
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("public/summary.json")).unwrap()).unwrap()
}

/// `manyi init DIR` then `manyi build DIR` works at once, in both languages, and the report is
/// in the language asked for; the example has a survey and a complaint register.
#[test]
fn init_then_build_works_in_both_languages() {
    for (language, title) in [("zh-CN", "顾客满意度调查分析报告"), ("en", "Customer Satisfaction Report")] {
        let dir = tmp(&format!("init-{language}"));
        let o = manyi(&["init", "--language", language, dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("manyi build"), "tells the next step: {}", stderr(&o));
        for f in ["manyi.toml", "conclusions.md", "data/survey.csv", "data/complaints.csv"] {
            assert!(dir.join(f).is_file(), "{f}");
        }
        let o = manyi(&["build", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        let s = summary(&dir);
        assert_eq!(s["period"], "2026");
        assert!(s["survey"]["index"].as_f64().is_some_and(|i| i > 0.0 && i < 100.0), "{}", s["survey"]["index"]);
        assert!(s["complaints"]["received"].as_u64().is_some_and(|n| n > 0));
        assert_eq!(s["data_quality"]["rows_rejected"], 0, "the example has no broken rows");
        let html = std::fs::read_to_string(dir.join("public/index.html")).unwrap();
        assert!(html.contains(title));
        assert!(html.contains(&format!("<html lang=\"{language}\"")), "html lang");
    }
}

/// A folder that holds anything is refused with exit 2, and nothing in it is touched.
#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tmp("init-not-empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("manyi.toml"), "mine").unwrap();
    let o = manyi(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not empty") && stderr(&o).contains("manyi.toml"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("manyi.toml")).unwrap(), "mine");
    assert!(!dir.join("data").exists());
    let o = manyi(&["init", "--language", "fr", tmp("init-fr").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "an unknown language is a usage error");
}

/// `--as-of` replaces `[report] cutoff`: the status date in summary.json follows it; a bad
/// date is a usage error naming the option.
#[test]
fn as_of_sets_the_status_date() {
    let dir = tmp("as-of");
    assert!(manyi(&["init", dir.to_str().unwrap()]).status.success());
    let o = manyi(&["build", dir.to_str().unwrap(), "--as-of", "2026-09-30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["complaints"]["as_of"], "2026-09-30");
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["complaints"]["as_of"], "2026-12-31", "default: the period's last day");
    let o = manyi(&["build", dir.to_str().unwrap(), "--as-of", "30.9.2026"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--as-of") && stderr(&o).contains("not a date"), "{}", stderr(&o));
}

/// `--quiet` prints nothing on success; errors still reach stderr. Output is never coloured
/// when stderr is not a terminal (here a pipe), whatever NO_COLOR says.
#[test]
fn quiet_builds_print_nothing_and_pipes_get_no_colour() {
    let dir = tmp("quiet");
    assert!(manyi(&["init", dir.to_str().unwrap()]).status.success());
    let o = manyi(&["build", "--quiet", dir.to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
    assert!(o.stdout.is_empty());
    let o = manyi(&["build", "--quiet", dir.to_str().unwrap(), "--period", "1999"]);
    assert_eq!(o.status.code(), Some(2), "a period outside the data is a usage error");
    let err = stderr(&o);
    assert!(err.contains("error") && !err.contains('\u{1b}'), "{err}");
}

/// `--help` shows examples and the exit codes for every command; `--version` the version.
#[test]
fn help_has_examples_and_exit_codes() {
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"], &["init", "--help"]] {
        let o = manyi(args);
        assert!(o.status.success());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Examples:") && out.contains("Exit status: 0 ok"), "{args:?}: {out}");
    }
    let o = manyi(&["--version"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("manyi {}", env!("CARGO_PKG_VERSION")));
}

/// An English build of a project without `[bands]` shows no Chinese text: default band names,
/// list separators and punctuation follow the language. (The one exception is 不适用, a cell
/// value the method notes list as read as "not answered": data, not a label.) Stylesheets are
/// left out: they hold the Chinese section numbering for zh-CN pages.
#[test]
fn english_report_of_the_example_has_no_chinese_labels() {
    let dir = tmp("english");
    assert!(manyi(&["init", "--language", "en", dir.to_str().unwrap()]).status.success());
    assert!(manyi(&["build", dir.to_str().unwrap()]).status.success());
    for page in ["index.html", "report.md"] {
        let text = std::fs::read_to_string(dir.join("public").join(page)).unwrap();
        let text = match (text.find("<style"), text.find("</style>")) {
            (Some(a), Some(b)) => format!("{}{}", &text[..a], &text[b..]),
            _ => text,
        };
        let text = text.replace("不适用", "");
        let cjk: Vec<(usize, char)> = text
            .char_indices()
            .filter(|(_, c)| matches!(*c as u32, 0x3000..=0x303f | 0x4e00..=0x9fff | 0xff00..=0xffef))
            .collect();
        let shown: Vec<String> = cjk
            .iter()
            .take(5)
            .map(|(i, _)| text.get(i.saturating_sub(40)..*i + 4).unwrap_or("?").to_string())
            .collect();
        assert!(cjk.is_empty(), "{page}: {shown:#?}");
    }
}
