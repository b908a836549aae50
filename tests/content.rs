//! The report as a management-review packet (issue 13): content pages quoting figures and
//! charts, project themes over the default one, `[labels]` overrides, `manyi init --theme`.
//! Built through the binary from tests/fixtures/content-theme (the register fixture, whose
//! figures tests/build.rs works out by hand, plus content/, themes/house/ and [labels]).

mod common;
use common::{copy_dir, folder_files, manyi, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn project(case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content-theme");
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("content-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&src, &dst);
    dst
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn build(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    manyi(&args)
}

fn built(dir: &Path, extra: &[&str]) -> PathBuf {
    let o = build(dir, extra);
    assert!(o.status.success(), "{}", stderr(&o));
    common::built_dir(&o, &dir.join("public"))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{}: no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} in the output"));
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// content/10-plan.md quotes three figures and a chart: the page shows them as summary.json
/// has them (formatted here with Rust's own formatting, not manyi's), the chart inline as the
/// very SVG of charts/pareto-1.svg, and report.md the same figures with the chart linked.
/// Shortcodes in code are left as written; the foreword (00-) comes first, the plan after
/// the actions and before the method notes.
#[test]
fn a_content_page_quotes_figures_and_a_chart() {
    let dir = project("quotes");
    let out = built(&dir, &[]);
    let s: Value = serde_json::from_str(&read(out.join("summary.json"))).unwrap();
    let index = format!("{:.1}", s["survey"]["index"].as_f64().unwrap());
    let closure = format!("{:.1}%", s["complaints"]["closure_rate"].as_f64().unwrap() * 100.0);
    let received = s["complaints"]["received"].as_u64().unwrap().to_string();
    assert_eq!(
        (index.as_str(), closure.as_str(), received.as_str()),
        ("87.5", "62.5%", "8"),
        "tests/build.rs's values"
    );

    let html = read(out.join("index.html"));
    let plan = between(&html, "<section class=\"content-page\" id=\"content-2\">", "</section>");
    assert!(plan.contains("<h2>Improvement plan</h2>"), "{plan}");
    assert!(
        plan.contains(&format!("stands at <strong>{index}</strong>; the closure rate is\n{closure} of {received}\n")),
        "{plan}"
    );
    assert!(plan.contains("<h3>Where the complaints come from</h3>"), "subheadings move one level down: {plan}");
    let svg = read(out.join("charts/pareto-1.svg"));
    assert!(plan.contains(&format!("<figure class=\"chart\">{svg}</figure>")), "the chart inline: {plan}");
    assert!(plan.contains("<code>{{ figure(path=\"survey.index\") }}</code>"), "{plan}");
    assert!(plan.contains("<pre><code>{{ chart(name=\"nothing\") }}\n</code></pre>"), "{plan}");
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    assert!(at("<h2>Foreword</h2>") < at("class=\"verdict"), "00- pages open the report");
    assert!(at("<h2>Corrective and preventive actions</h2>") < at("<h2>Improvement plan</h2>"));
    assert!(at("<h2>Improvement plan</h2>") < at("class=\"method\""));
    assert!(html.contains("<p>This packet reports the period 2026 to the management review.</p>"));

    let md = read(out.join("report.md"));
    let plan = between(&md, "## Improvement plan\n", "\n## ");
    assert!(plan.contains(&format!("**{index}**; the closure rate is\n{closure} of {received}\n")), "{plan}");
    assert!(
        plan.contains("### Where the complaints come from\n\n![Pareto chart: 类别](charts/pareto-1.svg)\n"),
        "{plan}"
    );
    assert!(plan.contains("`{{ figure(path=\"survey.index\") }}`"), "{plan}");
    assert!(md.find("## Foreword").unwrap() < md.find("## Survey basics").unwrap());
}

/// A misspelt figure and an unknown chart stop the build (exit 2) at the Markdown file, line
/// and column of the name, each with the nearest name; nothing is written.
#[test]
fn a_misspelt_figure_or_chart_is_an_error_at_its_place() {
    let dir = project("misspelt");
    let plan = dir.join("content/10-plan.md");
    edit(&plan, "path=\"survey.index\") }}**", "path=\"survey.indx\") }}**");
    edit(&plan, "chart(name=\"pareto-1\")", "chart(name=\"pareto-9\")");
    let o = build(&dir, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "content/10-plan.md:3:52: error: no figure `survey.indx`\n  hint: did you mean `survey.index`? \
             Every figure is listed in docs/templates.md and in summary.json"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/10-plan.md:9:16: error: no chart \"pareto-9\"\n  hint: did you mean \"pareto-1\"?"),
        "{err}"
    );
    assert!(!dir.join("public").exists(), "nothing written");

    // A `{{` that is not a shortcode is an error too, pointing at it.
    let dir = project("not-a-shortcode");
    edit(&dir.join("content/00-foreword.md"), "management review.", "management {{ review.");
    let err = stderr(&build(&dir, &[]));
    assert!(err.contains("content/00-foreword.md:3:88: error: cannot read this shortcode: expected `(`"), "{err}");
}

/// The project's theme replaces single files of the default one: its style.css is the page's
/// stylesheet, its archive.html the archive page, its labels/en.toml one label; `[labels]`
/// in manyi.toml replaces another. The project's templates/ comes after the theme.
#[test]
fn a_theme_and_label_overrides_take_effect() {
    let dir = project("theme");
    built(&dir, &["--period", "all"]);
    let out = dir.join("public");
    let page = read(out.join("2026/index.html"));
    assert!(page.contains("body { font-family: \"House Sans\", sans-serif; color: #123456; }"), "theme CSS");
    assert!(!page.contains(".kpi-main"), "the default stylesheet is replaced");
    assert!(page.contains("Appendix B: Data quality (house style)</h2>"), "theme label");
    assert!(page.contains("Appendix A: How the figures were computed</h2>"), "[labels] override");
    assert!(read(out.join("2026/report.md")).contains("## Appendix A: How the figures were computed\n"));
    let archive = read(out.join("index.html"));
    assert!(archive.contains("<main class=\"house-archive\"><h1>Reports by year</h1>"), "theme template: {archive}");
    assert!(page.contains("<h2>Complaint analysis</h2>"), "report.html stays the default");

    // The project's templates/ wins over the theme.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/archive.html"), "<p>project {{ site.lang }}</p>").unwrap();
    built(&dir, &["--period", "all"]);
    let out = dir.join("public");
    assert_eq!(read(out.join("index.html")), "<p>project en</p>");

    // Without the theme, the default comes back (the theme was what made the difference).
    let dir = project("no-theme");
    edit(&dir.join("manyi.toml"), "theme = \"house\"\n", "");
    let page = read(built(&dir, &[]).join("index.html"));
    assert!(page.contains(".kpi-main") && page.contains("Appendix B: Data quality</h2>"));
}

/// `[labels]` keys are checked against the default theme's labels and their placeholders, at
/// the key's or value's line:col with the nearest key; so are a theme's label files; a stray
/// file in a theme is named.
#[test]
fn label_and_theme_mistakes_are_config_errors() {
    let dir = project("labels-unknown");
    edit(&dir.join("manyi.toml"), "method = \"How", "methd = \"How");
    edit(&dir.join("manyi.toml"), "[labels]\n", "[labels]\nreport_period = \"Period {perod}\"\n");
    let o = build(&dir, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let toml = read(dir.join("manyi.toml"));
    let line = toml.lines().position(|l| l.starts_with("methd")).unwrap() + 1;
    assert!(
        err.contains(&format!(
            "manyi.toml:{line}:1: error: [labels] \"methd\" is not a label of the default theme\n  hint: did you mean \"method\"?"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "manyi.toml:{}:17: error: [labels] label \"report_period\" has the placeholders {{perod}}, but the default text has {{period}}",
            line - 1
        )),
        "{err}"
    );

    let dir = project("theme-label");
    std::fs::write(dir.join("themes/house/labels/en.toml"), "quality = \"Q\"\nqualty = \"Q\"\n").unwrap();
    let err = stderr(&build(&dir, &[]));
    assert!(
        err.contains("themes/house/labels/en.toml:2:1: error: \"qualty\" is not a label of the default theme"),
        "{err}"
    );

    let dir = project("theme-stray");
    std::fs::write(dir.join("themes/house/styles.css"), "").unwrap();
    let o = build(&dir, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("themes/house/styles.css: error: this is not part of a theme"), "{}", stderr(&o));
    assert!(stderr(&o).contains("did you mean \"style.css\"?"), "{}", stderr(&o));

    let dir = project("theme-path");
    edit(&dir.join("manyi.toml"), "theme = \"house\"", "theme = \"../house\"");
    let err = stderr(&build(&dir, &[]));
    assert!(err.contains("manyi.toml:4:9: error: [site] theme \"../house\" is not a theme name"), "{err}");

    let dir = project("theme-missing");
    edit(&dir.join("manyi.toml"), "theme = \"house\"", "theme = \"hous\"");
    let err = stderr(&build(&dir, &[]));
    assert!(err.contains("[site] theme: the theme folder themes/hous/ does not exist"), "{err}");
}

/// `manyi init --theme DIR` writes every file of the default theme into DIR/themes/custom/
/// (the repository's themes/default/, byte for byte), changes nothing else, refuses to write
/// over an existing one; a project using it builds the same bytes as without it.
#[test]
fn init_theme_writes_the_default_theme_for_editing() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("content-init-theme");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(manyi(&["init", "--language", "en", dir.to_str().unwrap()]).status.success());
    let before = folder_files(&dir);
    let o = manyi(&["init", "--theme", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let theme = dir.join("themes/custom");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let written: Vec<(PathBuf, Vec<u8>)> = folder_files(&theme);
    assert_eq!(written, folder_files(&repo), "every default file, as in the repository");
    assert_eq!(written.len(), 6);
    let after: Vec<_> = folder_files(&dir).into_iter().filter(|(p, _)| !p.starts_with("themes")).collect();
    assert_eq!(after, before, "nothing else changed");

    let again = manyi(&["init", "--theme", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("themes/custom: error: this already exists"), "{}", stderr(&again));

    let plain = read(built(&dir, &[]).join("index.html"));
    edit(&dir.join("manyi.toml"), "[site]\n", "[site]\ntheme = \"custom\"\n");
    std::fs::write(theme.join("style.css"), read(theme.join("style.css")) + "\n/* edited */\n").unwrap();
    let themed = read(built(&dir, &[]).join("index.html"));
    assert_eq!(themed.replace("\n/* edited */\n", ""), plain, "the copy renders as the default does");
    assert!(themed.contains("/* edited */"), "and an edit takes effect");
}
