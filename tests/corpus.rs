//! The broken-input corpus (tests/corpus/README.md): every file gives its documented
//! diagnostic, the documented exit status, and never a panic.

mod common;
use common::{copy_dir, folder_files};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project(case: &str, data: &[u8], extra: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("corpus-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/s.csv"), data).unwrap();
    // The corpus files are mostly broken rows on purpose: no share of rejected rows stops them
    // (the limit has its own tests in tests/real_messages.rs).
    let cfg = format!(
        "[survey]\nfiles = [\"data/s.csv\"]\nid = \"id\"\ndate = \"date\"\ncomment = \"comment\"\nmax_rejected_share = 1\n{extra}\n[[survey.dimensions]]\nname = \"D\"\nitems = [\"q1\", \"q2\"]\n"
    );
    std::fs::write(dir.join("manyi.toml"), cfg).unwrap();
    dir
}

fn check(dir: &Path, strict: bool) -> Output {
    let mut args = vec!["check", dir.to_str().unwrap()];
    if strict {
        args.push("--strict");
    }
    Command::new(env!("CARGO_BIN_EXE_manyi")).args(args).output().unwrap()
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(name)).unwrap()
}

fn expect(name: &str, extra: &str, diagnostic: &str, exit: i32) {
    let dir = project(name, &corpus(name), extra);
    let o = check(&dir, false);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(err.lines().any(|l| l == diagnostic), "{name}: expected line\n  {diagnostic}\ngot\n{err}");
    assert_eq!(o.status.code(), Some(exit), "{name}: {err}");
}

#[test]
fn truncated_file() {
    expect("truncated.csv", "", "data/s.csv:4: warning: row rejected: the row has 2 fields but the header has 5; is the file truncated or a quote unbalanced?", 0);
}

#[test]
fn unbalanced_quote() {
    expect("unbalanced-quote.csv", "", "data/s.csv:2: warning: row rejected: a quoted value runs over 1 line(s) that look like rows; is a quote unbalanced (a \" opened and never closed)?", 0);
}

#[test]
fn ragged_rows() {
    expect("ragged.csv", "", "data/s.csv:3: warning: row rejected: the row has 6 fields but the header has 5; is a delimiter inside an unquoted value?", 0);
    expect("ragged.csv", "", "data/s.csv:4: warning: row rejected: the row has 3 fields but the header has 5; is the file truncated or a quote unbalanced?", 0);
}

#[test]
fn binary_junk() {
    expect("binary.csv", "", "data/s.csv: error: the file is not text: it contains NUL bytes", 1);
}

#[test]
fn wrong_encoding() {
    expect("gbk.csv", "encoding = \"utf-8\"", "data/s.csv:2:5: warning: row rejected: column comment: the cell is not valid UTF-8 text; if the file is saved as GBK, set encoding = \"gbk\" for this file set", 0);
    // Detected without the wrong setting:
    let dir = project("gbk-auto", &corpus("gbk.csv"), "");
    let o = check(&dir, true);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn empty_file() {
    expect("empty.csv", "", "data/s.csv: error: the file is empty: no header row", 1);
}

#[test]
fn header_only_file() {
    expect("header-only.csv", "", "data/s.csv: warning: the file has a header but no data rows", 0);
}

#[test]
fn duplicate_ids_and_bad_dates() {
    expect("duplicates.csv", "", "data/s.csv:3:1: warning: row rejected: column id: duplicate id \"E1\": an earlier row has the same id; this row is not counted", 0);
    expect("duplicates.csv", "", "data/s.csv:4:2: warning: row rejected: column date: \"2026/13/01\" is not a date; expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日", 0);
}

#[test]
fn rows_after_blank_lines_keep_their_own_line_numbers() {
    // Lines 2, 4, 5 and 8 are blank; row F2 spans lines 6-7; F3 is on line 9.
    expect("blank-lines.csv", "", "data/s.csv:6:3: warning: row rejected: column q1: 9 lies outside the scale 1–5", 0);
    expect(
        "blank-lines.csv",
        "",
        "data/s.csv:9:4: warning: row rejected: column q2: \"x\" is not an answer; expected a number from 1 to 5, or blank when not answered",
        0,
    );
}

#[test]
fn crlf_line_numbers_are_the_files_own() {
    expect("crlf.csv", "", "data/s.csv:3:3: warning: row rejected: column q1: 9 lies outside the scale 1–5", 0);
}

#[test]
fn strict_turns_warnings_into_failure() {
    let dir = project("strict", &corpus("truncated.csv"), "");
    assert_eq!(check(&dir, true).status.code(), Some(1));
}

#[test]
fn fifty_megabyte_field() {
    let mut data = b"id,date,q1,q2,comment\nG1,".to_vec();
    data.extend(std::iter::repeat_n(b'x', 50_000_000));
    data.extend_from_slice(b",4,5,\nG2,2026-01-05,4,5,ok\n");
    let dir = project("huge-field", &data, "");
    let o = check(&dir, false);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.len() < 2000, "the message quotes a shortened value, not 50 MB");
    let first = format!("data/s.csv:2:2: warning: row rejected: column date: \"{}…\" (50000000 characters) is not a date; expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日", "x".repeat(40));
    assert!(err.lines().any(|l| l == first), "{err}");
    assert!(err.contains("2 rows read, 1 used, 1 rejected"), "{err}");
}

/// Kills a build after it wrote the new site into its temporary folder but before the swap:
/// the published site must be exactly the previous one, and the next build must clean up.
#[test]
fn killed_build_leaves_previous_site_untouched() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-kill");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&src, &dir);
    let bin = env!("CARGO_BIN_EXE_manyi");
    assert!(Command::new(bin).args(["build", dir.to_str().unwrap()]).status().unwrap().success());
    let out = dir.join("public");
    let before = folder_files(&out);
    // Change the data so a new build would produce different pages.
    let cfg = dir.join("manyi.toml");
    std::fs::write(&cfg, std::fs::read_to_string(&cfg).unwrap().replace("Fixture", "Changed")).unwrap();
    let mut child = Command::new(bin)
        .args(["build", dir.to_str().unwrap()])
        .env("MANYI_TEST_PAUSE_BEFORE_SWAP_MS", "20000")
        .spawn()
        .unwrap();
    // Each build writes into its own `.public.manyi-tmp-<pid>`.
    let tmp = dir.join(format!(".public.manyi-tmp-{}", child.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !tmp.join("index.html").exists() {
        assert!(std::time::Instant::now() < deadline, "the build never wrote its temporary folder");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup code runs
    child.wait().unwrap();
    assert_eq!(folder_files(&out), before, "the published site changed");
    assert!(tmp.exists(), "the killed build's temporary folder is still there, untouched by the kill");
    assert!(Command::new(bin).args(["build", dir.to_str().unwrap()]).status().unwrap().success());
    assert!(!tmp.exists(), "the next build clears the leftover");
    assert!(std::fs::read_to_string(out.join("index.html")).unwrap().contains("Changed"));
}
