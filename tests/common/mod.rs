//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

/// Copies a folder tree (fixture projects into the test's own temp folder), leaving out
/// manyi's own output folders (marked `.manyi-output`): a local build of a fixture must not
/// reach the tests' copies.
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() && e.path().join(".manyi-output").exists() {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// A fresh copy of the fixture project `tests/fixtures/<name>` for one test case, in the test
/// binary's own temp folder (`<name>-<case>`).
pub fn fixture(name: &str, case: &str) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&src, &dst);
    dst
}

/// Rewrites a project's manyi.toml with `edit`.
pub fn edit_config(project: &Path, edit: impl FnOnce(String) -> String) {
    let path = project.join("manyi.toml");
    std::fs::write(&path, edit(std::fs::read_to_string(&path).unwrap())).unwrap();
}

/// Every file below a folder with its bytes, by path relative to it, sorted.
pub fn folder_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs the built `manyi` binary with `args`.
pub fn manyi(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_manyi")).args(args).output().expect("run manyi")
}

/// A command's standard error as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// JSON text with the English default band names written as the Chinese ones: a project
/// without `[bands]` names its default bands in the report's language, the one part of the
/// figures that follows the language.
pub fn zh_default_band_names(json: &str) -> String {
    let names = [
        ("\"Very satisfied\"", "\"非常满意\""),
        ("\"Very dissatisfied\"", "\"很不满意\""),
        ("\"Dissatisfied\"", "\"不满意\""),
        ("\"Satisfied\"", "\"满意\""),
        ("\"Neutral\"", "\"一般\""),
    ];
    names.iter().fold(json.to_string(), |text, (en, zh)| text.replace(en, zh))
}

/// The report folder of a build's output: an output is an archive of period folders
/// (`2026/`, `2026-Q3/`) beside its root `index.html`; this is the one period folder a
/// single-period build wrote (panics when there is not exactly one).
pub fn report_dir(out: &Path) -> std::path::PathBuf {
    let periods: Vec<std::path::PathBuf> = std::fs::read_dir(out)
        .unwrap_or_else(|e| panic!("{}: {e}", out.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && p.join("summary.json").is_file())
        .collect();
    match &periods[..] {
        [one] => one.clone(),
        _ => panic!("{} holds {} period folders, not one: {periods:?}", out.display(), periods.len()),
    }
}

/// Where a build's report is: `out/<period>` when the build (its `built … into` line on
/// stderr) wrote one period, else `out` itself, whose period folders the caller names.
pub fn built_dir(o: &std::process::Output, out: &Path) -> std::path::PathBuf {
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err.lines().rev().find(|l| l.starts_with("built ")).unwrap_or_else(|| panic!("no `built` line: {err}"));
    let periods = line["built ".len()..].split(" into ").next().unwrap_or_default();
    if periods.contains(',') {
        out.to_path_buf()
    } else {
        out.join(periods)
    }
}

/// Every `href` of an HTML file that does not resolve: each must be relative (no scheme, no
/// leading `/`, so the site works from file:// and under any sub-path), name a file that exists
/// beside or below the page's folder (`../` allowed), and its `#anchor`, if any, an `id` in the
/// target page. Returns the broken ones with why; also the hrefs found, for further checks.
pub fn broken_links(page: &Path) -> (Vec<String>, Vec<String>) {
    let html = std::fs::read_to_string(page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    let hrefs: Vec<String> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&amp;", "&"))
        .collect();
    let ids = |text: &str| -> Vec<String> {
        text.split(" id=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(String::from).collect()
    };
    let mut broken = Vec::new();
    for href in &hrefs {
        if href.contains("://") || href.starts_with('/') || href.starts_with("mailto:") {
            broken.push(format!("{href}: not a relative link"));
            continue;
        }
        let (file, anchor) = href.split_once('#').map_or((href.as_str(), None), |(f, a)| (f, Some(a)));
        let target = if file.is_empty() { page.to_path_buf() } else { page.parent().unwrap().join(file) };
        if !target.is_file() {
            broken.push(format!("{href}: no file {}", target.display()));
            continue;
        }
        if let Some(a) = anchor {
            let text = std::fs::read_to_string(&target).unwrap_or_default();
            if !ids(&text).iter().any(|id| id == a) {
                broken.push(format!("{href}: no id \"{a}\" in {}", target.display()));
            }
        }
    }
    (broken, hrefs)
}
