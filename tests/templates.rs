//! The figures model through the binary: project templates that read figures by name,
//! template errors with file, line and column, and a summary.json that does not depend on
//! the report's language.

mod common;
use common::{copy_dir, folder_files, manyi, stderr};

use std::path::{Path, PathBuf};
use std::process::Output;

/// A fresh copy of a project (a fixture or the sample) in the test's own temp folder.
fn project(src: &str, case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("templates-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&src, &dst);
    dst
}

fn build(dir: &Path) -> Output {
    manyi(&["build", dir.to_str().unwrap()])
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The register fixture's figures (worked out in tests/build.rs), printed by name through
/// the project's own templates/report.md and formatted by the filters.
#[test]
fn project_template_prints_figures_by_name() {
    let dir = project("tests/fixtures/custom-template", "figures");
    let o = build(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = read(common::report_dir(&dir.join("public")).join("report.md"));
    let expected = "\
# Customer Satisfaction Survey Report: our own summary for 2026

- Index: 87.5 (Satisfied), 2 valid questionnaires
- Top category: A, 2 complaints, 25.0% (cumulative 25%)
- Merged bar: Other (merged), 2 complaints
- Closure: 62.5% against 80%; closed on time 4 of 5
- Open cases: mean age 112.3 days, oldest 135 days (C4)
- Actions: 2 of 5 overdue, 0 open without a due date
- Status as of 30 June 2026
- Index change: —

![Pareto chart: 类别](charts/pareto-1.svg)

- 类别: 4 bars
- 部门: 3 bars

";
    assert_eq!(md, expected);
    // The project's style.css replaces the default one in the page; report.html is the default.
    let html = read(common::report_dir(&dir.join("public")).join("index.html"));
    assert!(html.contains("body { font-family: serif; }"), "the project's stylesheet is inlined");
    assert!(!html.contains(".kpi-main"), "the default stylesheet is replaced, not appended");
    assert!(html.contains("<h2>Complaint analysis</h2>"), "templates without an override stay the default");
}

fn with_template(case: &str, edit: impl Fn(&str) -> String) -> (PathBuf, Output) {
    let dir = project("tests/fixtures/custom-template", case);
    let first = build(&dir);
    assert!(first.status.success(), "{}", stderr(&first));
    let path = dir.join("templates/report.md");
    std::fs::write(&path, edit(&read(path.clone()))).unwrap();
    let o = build(&dir);
    (dir, o)
}

#[test]
fn template_syntax_error_names_file_line_column_and_keeps_the_site() {
    let dir = project("tests/fixtures/custom-template", "syntax-before");
    assert!(build(&dir).status.success());
    let before = folder_files(&dir.join("public"));
    let path = dir.join("templates/report.md");
    let text = read(path.clone()).replace("{% for col, rows in c.pareto %}", "{% for col, rows in c.pareto %");
    std::fs::write(&path, text).unwrap();
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.starts_with("templates/report.md:15:34: error: template error: "), "{err}");
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(folder_files(&dir.join("public")), before, "a failed build leaves the previous site as it was");
}

#[test]
fn misspelt_figure_fails_with_its_place_and_the_nearest_name() {
    let (_, o) =
        with_template("unknown-field", |t| t.replace("figures.survey.index | num", "figures.survey.indx | num"));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("templates/report.md:4:35: error: template error: `num` was given a value that does not exist"),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `figures.survey.index`?"), "{err}");

    let (_, o) =
        with_template("unknown-print", |t| t.replace("{{ figures.survey.valid }}", "{{ figures.survey.vald }}"));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("templates/report.md:4:"), "{err}");
    assert!(err.contains("Field `vald` is not defined"), "{err}");
    assert!(err.contains("hint: did you mean `valid`?"), "{err}");
}

#[test]
fn a_file_in_templates_that_replaces_nothing_is_refused() {
    let dir = project("tests/fixtures/custom-template", "stray");
    std::fs::write(dir.join("templates/report.htm"), "<p>typo</p>").unwrap();
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("templates/report.htm: error: this file does not replace any template"), "{err}");
    assert!(err.contains("did you mean \"report.html\"?"), "{err}");
}

/// Only `[site] language` differs: summary.json is byte-identical (analysis carries no
/// labels), while the pages change language. The one exception is a project without `[bands]`:
/// its default band names are config defaults in the report's language, so they are mapped
/// back before comparing.
#[test]
fn summary_json_does_not_depend_on_the_language() {
    for (src, lang_line) in [("sample-data", "language = \"zh-CN\""), ("tests/fixtures/register", "language = \"en\"")]
    {
        let name = src.rsplit('/').next().unwrap();
        let mut outputs = Vec::new();
        for lang in ["zh-CN", "en"] {
            let dir = project(src, &format!("lang-{name}-{lang}"));
            let config = read(dir.join("manyi.toml"));
            assert!(config.contains(lang_line), "{src}: the fixture sets the language on one line");
            std::fs::write(dir.join("manyi.toml"), config.replace(lang_line, &format!("language = \"{lang}\"")))
                .unwrap();
            let o = manyi(&["build", dir.to_str().unwrap(), "--period", "all"]);
            assert!(o.status.success(), "{}", stderr(&o));
            outputs.push(dir.join("public"));
        }
        let (zh, en) = (&outputs[0], &outputs[1]);
        for period in std::fs::read_dir(zh).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
            let rel = period.file_name().unwrap();
            let a = std::fs::read(period.join("summary.json")).unwrap();
            let mut b = read(en.join(rel).join("summary.json"));
            if !read(zh.parent().unwrap().join("manyi.toml")).contains("[bands]") {
                b = common::zh_default_band_names(&b);
            }
            let b = b.into_bytes();
            assert!(a == b, "{src} {}: summary.json differs between languages", rel.to_string_lossy());
            let page = read(en.join(rel).join("index.html"));
            assert!(page.contains("<html lang=\"en\">"));
            assert_ne!(read(period.join("index.html")), page, "the pages do change language");
        }
    }
}

/// Every key path of a value's figures (its scalar and null fields), with `[]` for list elements and `<column>` for the columns of
/// the Pareto tables and the segment breakdowns.
fn key_paths(v: &serde_json::Value, path: &str, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                let p =
                    if path.ends_with(".pareto") || path.ends_with(".pareto_weighted") || path.ends_with(".segments") {
                        format!("{path}.<column>")
                    } else {
                        let p = format!("{path}.{k}");
                        if !x.is_object() && !x.is_array() {
                            out.insert(p.clone()); // a figure; lists and objects are documented by their fields
                        }
                        p
                    };
                key_paths(x, &p, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| key_paths(x, &format!("{path}[]"), out)),
        _ => {}
    }
}

/// docs/templates.md names every figure a template can reach: each key path of summary.json
/// of the sample, the register fixture and the depth fixture (which between them fill every
/// optional figure).
#[test]
fn every_figure_is_documented() {
    let docs = read(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"));
    let mut paths = std::collections::BTreeSet::new();
    for src in ["sample-data", "tests/fixtures/register", "tests/fixtures/depth", "tests/fixtures/ipa"] {
        let dir = project(src, &format!("documented-{}", src.replace('/', "-")));
        let o = build(&dir);
        assert!(o.status.success(), "{}", stderr(&o));
        let summary: serde_json::Value =
            serde_json::from_str(&read(common::report_dir(&dir.join("public")).join("summary.json"))).unwrap();
        key_paths(&summary, "figures", &mut paths);
    }
    assert!(paths.len() > 150, "{paths:?}");
    let missing: Vec<&String> = paths.iter().filter(|p| !docs.contains(&format!("`{p}`"))).collect();
    assert!(missing.is_empty(), "not in docs/templates.md: {missing:#?}");
}

/// Templates are inputs like any other: a project template that leads out of the project
/// (here a symlink to a file outside it) is refused, not read into the page.
#[test]
fn a_template_outside_the_project_is_refused() {
    let dir = project("tests/fixtures/custom-template", "outside");
    let outside = dir.with_file_name("templates-outside-secret.md");
    std::fs::write(&outside, "secret {{ figures.period }}").unwrap();
    std::fs::remove_file(dir.join("templates/report.md")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("templates/report.md")).unwrap();
    let o = build(&dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("templates/report.md"), "{err}");
    assert!(err.contains("outside the project folder"), "{err}");
    assert!(!dir.join("public").exists(), "nothing written");
}
