//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

/// Copies a folder tree (fixture projects into the test's own temp folder).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
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
