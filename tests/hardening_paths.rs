//! Issue 15, paths: a file matched twice is read once, config paths stay inside the project
//! unless the user opts in, only regular files of bounded size are read as text, manyi's own
//! output is never read back as data, and UTF-16 without a BOM gets a hint.
//!
//! Every case runs the real binary on a copy of the hand fixture (tests/build.rs works out
//! its figures: 2026 has 4 usable questionnaires of 6 issued, 2025 has 2 of 5).

mod common;
use common::{copy_dir, stderr};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs manyi with a memory cap and a deadline, so code that reads a device or a FIFO
/// fails the test instead of exhausting the machine or hanging it.
fn manyi(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_manyi"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                let cap = libc::rlimit { rlim_cur: 2 << 30, rlim_max: 2 << 30 };
                libc::setrlimit(libc::RLIMIT_AS, &cap);
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().expect("run manyi");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!("manyi {args:?} did not finish within a minute; stderr: {}", String::from_utf8_lossy(&o.stderr));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A fresh copy of the hand fixture, its manyi.toml edited by `(from, to)` replacements.
fn project(case: &str, edits: &[(&str, &str)]) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand");
    let dst = tmp().join(format!("paths-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&src, &dst);
    let toml = dst.join("manyi.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "the fixture's manyi.toml has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(&toml, text).unwrap();
    dst
}

const ALLOW: (&str, &str) = ("language = \"zh-CN\"\n", "language = \"zh-CN\"\nallow_outside_project = true\n");
const NO_ID_CHECK: (&str, &str) = ("min_answered = 0.6\n", "min_answered = 0.6\ncheck_duplicate_ids = false\n");

fn build(project: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", project.to_str().unwrap()];
    args.extend_from_slice(extra);
    manyi(&args)
}

fn build_ok(project: &Path, extra: &[&str]) -> (Value, String) {
    let o = build(project, extra);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    let out =
        extra.iter().position(|a| *a == "--output").map_or(project.join("public"), |i| PathBuf::from(extra[i + 1]));
    let out = common::built_dir(&o, &out);
    let summary = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    (summary, stderr(&o))
}

/// Files of the data-quality accounting, as shown.
fn files_read(summary: &Value) -> Vec<String> {
    summary["data_quality"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

fn assert_refused(o: &Output, code: i32, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "expected exit {code}; stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}: {err}");
    }
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// --- item 4: the same file counted twice ---------------------------------------------------

#[test]
fn a_file_named_by_several_paths_is_read_once() {
    let p = project(
        "twice",
        &[
            NO_ID_CHECK,
            ("files = [\"data\"]", "files = [\"data/*.csv\", \"./data/2026.csv\", \"data/../data/2026.csv\"]"),
        ],
    );
    let (s, _) = build_ok(&p, &[]);
    assert_eq!(s["survey"]["returned"], 4, "2026.csv counted once");
    assert_eq!(files_read(&s), ["data/2025.csv", "data/2026.csv"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed_and_a_linked_file_is_read_once() {
    for (case, files) in [("loop-glob", "data/**/*.csv"), ("loop-walk", "data")] {
        let p = project(case, &[NO_ID_CHECK, ("files = [\"data\"]", &format!("files = [\"{files}\"]"))]);
        symlink(".", p.join("data/loop"));
        symlink("..", p.join("data/up"));
        symlink("2026.csv", p.join("data/latest.csv"));
        let (s, _) = build_ok(&p, &[]);
        assert_eq!(s["survey"]["returned"], 4, "{files}: 2026.csv counted once");
        assert_eq!(files_read(&s), ["data/2025.csv", "data/2026.csv"], "{files}");
    }
}

#[test]
fn a_return_rate_over_100_percent_is_a_warning() {
    let p = project("over-issued", &[("period = \"2026\"\nissued = 6", "period = \"2026\"\nissued = 2")]);
    let (s, err) = build_ok(&p, &[]);
    assert_eq!(s["survey"]["returned"], 4);
    let line = err.lines().find(|l| l.contains("warning") && l.contains("2026") && l.contains("issued"));
    let line = line.unwrap_or_else(|| panic!("no return-rate warning: {err}"));
    assert!(line.contains("4") && line.contains("2") && line.contains("200%"), "{line}");
}

// --- item 9: config paths can point anywhere ------------------------------------------------

/// A folder beside the projects, outside every one of them.
fn outside(case: &str) -> PathBuf {
    let dir = tmp().join(format!("paths-outside-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("extra.csv"), "编号,日期,项目甲,项目乙,项目丙,意见\nX1,2026-07-01,5,5,5,\n").unwrap();
    std::fs::write(dir.join("secret.md"), "SECRET-OUTSIDE-TEXT\n").unwrap();
    dir
}

#[test]
fn input_paths_outside_the_project_are_refused_unless_allowed() {
    let out = outside("files");
    let rel = "../paths-outside-files/extra.csv";
    let abs = out.join("extra.csv").to_str().unwrap().to_string();
    let glob = "../paths-outside-files/*.csv";
    for (case, entry) in [("rel", rel), ("abs", abs.as_str()), ("glob", glob)] {
        let files = format!("files = [\"data\", \"{entry}\"]");
        let p = project(&format!("outside-{case}"), &[("files = [\"data\"]", &files)]);
        let o = build(&p, &[]);
        assert_refused(&o, 2, &["[survey] files", entry, "outside the project", "allow_outside_project"]);
        assert!(!p.join("public").exists(), "nothing written");

        let p = project(&format!("outside-{case}-allowed"), &[ALLOW, ("files = [\"data\"]", &files)]);
        let (s, _) = build_ok(&p, &[]);
        assert_eq!(s["survey"]["returned"], 5, "{entry}: the outside row is read when allowed");
    }
}

#[test]
fn conclusions_outside_the_project_are_refused() {
    let out = outside("conclusions");
    let abs = out.join("secret.md").to_str().unwrap().to_string();
    for (case, entry) in
        [("abs", abs.as_str()), ("proc", "/proc/self/environ"), ("rel", "../paths-outside-conclusions/secret.md")]
    {
        let p = project(&format!("conclusions-{case}"), &[("conclusions.md", entry)]);
        let o = build(&p, &[]);
        assert_refused(&o, 2, &["[report] conclusions", entry, "allow_outside_project"]);
        assert!(!p.join("public").exists(), "nothing written");
    }
    let p = project("conclusions-allowed", &[ALLOW, ("conclusions.md", &abs)]);
    build_ok(&p, &[]);
    let html = std::fs::read_to_string(common::report_dir(&p.join("public")).join("index.html")).unwrap();
    assert!(html.contains("SECRET-OUTSIDE-TEXT"), "read when allowed");
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_out_of_the_project_is_refused() {
    let out = outside("link");
    let p = project("link-out", &[]);
    symlink(out.join("extra.csv"), p.join("data/extra.csv"));
    let o = build(&p, &[]);
    assert_refused(&o, 2, &["[survey] files", "data/extra.csv", "allow_outside_project"]);

    let p = project("link-out-conclusions", &[]);
    std::fs::remove_file(p.join("conclusions.md")).unwrap();
    symlink(out.join("secret.md"), p.join("conclusions.md"));
    let o = build(&p, &[]);
    assert_refused(&o, 2, &["[report] conclusions", "conclusions.md", "allow_outside_project"]);
}

#[cfg(unix)]
#[test]
fn only_regular_files_are_read() {
    // A device, even when outside paths are allowed: /dev/zero would never end.
    let p = project("dev-zero", &[ALLOW, ("conclusions.md", "/dev/zero")]);
    assert_refused(&build(&p, &[]), 2, &["[report] conclusions", "/dev/zero", "not a regular file"]);
    let p = project("dev-zero-files", &[ALLOW, ("files = [\"data\"]", "files = [\"data\", \"/dev/zero\"]")]);
    assert_refused(&build(&p, &[]), 2, &["[survey] files", "/dev/zero", "not a regular file"]);
    // A FIFO inside the project: opening it would wait for a writer forever.
    let p = project("fifo", &[]);
    std::fs::remove_file(p.join("conclusions.md")).unwrap();
    let fifo = std::ffi::CString::new(p.join("conclusions.md").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    assert_refused(&build(&p, &[]), 2, &["[report] conclusions", "conclusions.md", "not a regular file"]);
}

#[test]
fn a_text_input_over_the_size_limit_is_an_error() {
    let p = project("big-conclusions", &[]);
    let line = "需要改进交货及时性。\n".repeat(1000);
    let big = line.repeat(10 * 1024 * 1024 / line.len() + 1);
    std::fs::write(p.join("conclusions.md"), big).unwrap();
    let o = build(&p, &[]);
    assert_refused(&o, 1, &["conclusions.md", "[report] conclusions", "10 MB"]);
    // Just under the limit is fine.
    std::fs::write(p.join("conclusions.md"), "x".repeat(10 * 1024 * 1024 - 1)).unwrap();
    build_ok(&p, &[]);
}

// --- item 14: output inside a walked data folder --------------------------------------------

#[test]
fn the_output_folder_is_never_read_back_as_data() {
    for (case, files) in [("walk", "data"), ("glob", "data/**/*.csv"), ("all", ".")] {
        let p =
            project(&format!("output-in-data-{case}"), &[("files = [\"data\"]", &format!("files = [\"{files}\"]"))]);
        let out = p.join("data/site");
        let out = out.to_str().unwrap();
        let (first, _) = build_ok(&p, &["--output", out]);
        assert!(p.join("data/site/2026/rejected.csv").exists(), "the fixture has rejected rows");
        let (second, _) = build_ok(&p, &["--output", out]);
        assert_eq!(first, second, "{files}: the second build reads the same inputs");
        assert_eq!(files_read(&second), ["data/2025.csv", "data/2026.csv"], "{files}");
        // The default output folder too, with `files = ["."]`.
        if case == "all" {
            build_ok(&p, &[]);
            let (again, _) = build_ok(&p, &[]);
            assert_eq!(files_read(&again), ["data/2025.csv", "data/2026.csv"]);
        }
    }
}

#[test]
fn any_folder_marked_as_manyi_output_is_skipped() {
    let p = project("marked-folder", &[]);
    // An old copy of a site (or a build's temporary folder) inside the data folder.
    std::fs::create_dir_all(p.join("data/old-site")).unwrap();
    std::fs::write(p.join("data/old-site/.manyi-output"), "generated\n").unwrap();
    std::fs::write(p.join("data/old-site/rejected.csv"), "file,line,column,reason\n").unwrap();
    let (s, _) = build_ok(&p, &[]);
    assert_eq!(files_read(&s), ["data/2025.csv", "data/2026.csv"]);
}

// --- item 17: UTF-16 without a BOM ----------------------------------------------------------

#[test]
fn utf16_without_a_bom_suggests_the_encoding() {
    let p = project("utf16", &[]);
    let text = std::fs::read_to_string(p.join("data/2026.csv")).unwrap();
    let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    std::fs::write(p.join("data/2026.csv"), &le).unwrap();
    let o = build(&p, &[]);
    assert_refused(&o, 1, &["data/2026.csv", "NUL", "encoding = \"utf-16le\""]);

    let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    std::fs::write(p.join("data/2026.csv"), &be).unwrap();
    let o = build(&p, &[]);
    assert_refused(&o, 1, &["data/2026.csv", "NUL", "encoding = \"utf-16be\""]);

    // And the suggested setting works.
    let p = project("utf16-set", &[("min_answered = 0.6\n", "min_answered = 0.6\nencoding = \"utf-16le\"\n")]);
    for name in ["data/2025.csv", "data/2026.csv"] {
        let text = std::fs::read_to_string(p.join(name)).unwrap();
        std::fs::write(p.join(name), text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
    }
    let (s, _) = build_ok(&p, &[]);
    assert_eq!(s["survey"]["returned"], 4);
}
