//! Issue 15, cells and headers: encoding detection from the whole file (item 5), huge header
//! cells (item 11), duplicated header columns (item 15), quoted values that look like rows
//! (item 18). Projects are generated into the test's own temp folder and built through the
//! real binary.

mod common;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A project whose survey file is `data`, with columns `id_col, date_col, q1, q2, comment_col`.
fn project(case: &str, data: &[u8], id: &str, date: &str, comment: &str, extra: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hardening-cells-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/s.csv"), data).unwrap();
    let cfg = format!(
        "[survey]\nfiles = [\"data/s.csv\"]\nid = \"{id}\"\ndate = \"{date}\"\ncomment = \"{comment}\"\nmax_rejected_share = 1\n{extra}\n[[survey.dimensions]]\nname = \"D\"\nitems = [\"q1\", \"q2\"]\n"
    );
    std::fs::write(dir.join("manyi.toml"), cfg).unwrap();
    dir
}

fn simple(case: &str, data: &[u8]) -> PathBuf {
    project(case, data, "id", "date", "comment", "")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manyi")).args(args).output().expect("run manyi")
}

fn build(dir: &Path) -> Output {
    run(&["build", dir.to_str().unwrap()])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn summary(dir: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(common::report_dir(&dir.join("public")).join("summary.json")).unwrap(),
    )
    .unwrap()
}

fn comments(s: &Value) -> Vec<String> {
    let mut c: Vec<String> =
        s["survey"]["comments"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_string()).collect();
    c.sort();
    c
}

const NOT_UTF8: &str =
    "the cell is not valid UTF-8 text; if the file is saved as GBK, set encoding = \"gbk\" for this file set";

// ---- item 5: one bad byte must not turn a UTF-8 file into GB18030 ----

/// A UTF-8 file with Chinese column names and one invalid byte in a comment: the file stays
/// UTF-8 (today the whole file was decoded as GB18030 and the header blamed); the row with the
/// bad cell is rejected at its line and column.
#[test]
fn one_bad_byte_does_not_garble_the_header() {
    let mut data = "编号,日期,q1,q2,意见\nA1,2026-01-05,4,5,很好\nA2,2026-01-06,2,3,价格".as_bytes().to_vec();
    data.push(0xff);
    data.extend_from_slice("太贵\nA3,2026-01-07,1,2,服务差\n".as_bytes());
    let dir = project("bad-byte-header", &data, "编号", "日期", "意见", "");
    let o = build(&dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let line = format!("data/s.csv:3:5: warning: row rejected: column 意见: {NOT_UTF8}");
    assert!(err.lines().any(|l| l == line), "{err}");
    let s = summary(&dir);
    let f = &s["data_quality"]["files"][0];
    assert_eq!((f["read"].as_u64(), f["used"].as_u64(), f["rejected"].as_u64()), (Some(3), Some(2), Some(1)));
    assert_eq!(f["encoding"], "UTF-8");
    assert_eq!(comments(&s), ["很好", "服务差"]);
}

/// ASCII header, Chinese comments, one invalid byte: the comments come out as written
/// (today: decoded as GB18030, garbled, exit 0).
#[test]
fn one_bad_byte_does_not_garble_the_comments() {
    let mut data = b"id,date,q1,q2,comment\n".to_vec();
    for i in 0..50 {
        data.extend_from_slice(
            format!("C{i},2026-02-{:02},{},3,第{i}条意见：服务很好\n", i % 28 + 1, i % 5 + 1).as_bytes(),
        );
    }
    data.extend_from_slice(b"X1,2026-02-03,1,1,caf\xe9 ok\n"); // Latin-1, not UTF-8
    let dir = simple("bad-byte-comments", &data);
    let o = build(&dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let line = format!("data/s.csv:52:5: warning: row rejected: column comment: {NOT_UTF8}");
    assert!(err.lines().any(|l| l == line), "{err}");
    let s = summary(&dir);
    assert_eq!(s["data_quality"]["files"][0]["encoding"], "UTF-8");
    for c in comments(&s) {
        assert!(c.starts_with('第') && c.ends_with("条意见：服务很好"), "garbled comment {c:?}");
    }
}

/// The evidence is the whole file, not its first megabyte: the only non-ASCII text of the
/// first megabyte is a stray byte that happens to be valid GB18030, while the rest of the file
/// is Chinese UTF-8. Read as UTF-8; only the stray row is rejected.
#[test]
fn the_evidence_is_sampled_across_the_file() {
    let mut data = b"id,date,q1,q2,comment\n".to_vec();
    data.extend_from_slice(b"S0,2026-03-01,4,4,caf\xe9s\n"); // \xe9 + letter: valid GB18030, not UTF-8
    let mut i = 1;
    while data.len() < 1_500_000 {
        data.extend_from_slice(format!("S{i},2026-03-02,4,4,plain text comment number {i}\n").as_bytes());
        i += 1;
    }
    let ascii_rows = i;
    while data.len() < 3_000_000 {
        data.extend_from_slice(format!("S{i},2026-03-03,2,2,产品质量很好，但是价格偏高{i}\n").as_bytes());
        i += 1;
    }
    let dir = simple("sampled", &data);
    let o = build(&dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let line = format!("data/s.csv:2:5: warning: row rejected: column comment: {NOT_UTF8}");
    assert!(err.lines().any(|l| l == line), "{err}");
    let s = summary(&dir);
    let f = &s["data_quality"]["files"][0];
    assert_eq!(f["encoding"], "UTF-8");
    assert_eq!(f["rejected"].as_u64(), Some(1));
    assert_eq!(f["read"].as_u64(), Some(i as u64));
    let c = comments(&s);
    assert!(
        !c.is_empty() && c.iter().all(|c| c.starts_with("产品质量很好，但是价格偏高")),
        "{:?}",
        &c[..3.min(c.len())]
    );
    assert!(ascii_rows > 1000);
}

/// A GBK export whose first megabyte is ASCII: the Chinese text further on decides.
#[test]
fn gbk_after_the_first_megabyte_is_detected() {
    let mut data = b"id,date,q1,q2,comment\n".to_vec();
    let mut i = 0;
    while data.len() < 1_200_000 {
        data.extend_from_slice(format!("G{i},2026-04-01,4,4,fine\n").as_bytes());
        i += 1;
    }
    let (gbk, _, _) = encoding_rs::GBK.encode("价格太高");
    for _ in 0..200 {
        data.extend_from_slice(format!("G{i},2026-04-02,1,1,").as_bytes());
        data.extend_from_slice(&gbk);
        data.push(b'\n');
        i += 1;
    }
    let dir = simple("gbk-late", &data);
    let o = build(&dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let s = summary(&dir);
    let f = &s["data_quality"]["files"][0];
    assert_eq!(f["encoding"], "gb18030");
    assert_eq!(f["rejected"].as_u64(), Some(0), "{err}");
    assert!(comments(&s).iter().all(|c| c == "价格太高"));
}

/// The encoding is reported per file: configured, detected GB18030, a workbook has none.
#[test]
fn the_data_quality_section_names_each_files_encoding() {
    let (gbk, _, _) = encoding_rs::GBK.encode("id,date,q1,q2,comment\nK1,2026-01-05,4,5,价格太高\n");
    let dir = simple("encoding-gbk", &gbk);
    let o = build(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["data_quality"]["files"][0]["encoding"], "gb18030");
    let html = std::fs::read_to_string(common::report_dir(&dir.join("public")).join("index.html")).unwrap();
    assert!(html.contains("<td>gb18030</td>"), "the data-quality table shows the encoding");
    let md = std::fs::read_to_string(common::report_dir(&dir.join("public")).join("report.md")).unwrap();
    assert!(md.contains("| data/s.csv | gb18030 | 1 | 1 | 0 |"), "{md}");

    let dir = project("encoding-configured", &gbk, "id", "date", "comment", "encoding = \"gbk\"");
    let o = build(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["data_quality"]["files"][0]["encoding"], "GBK");

    // A workbook has no text encoding: null, and the report says it is a workbook.
    let dir = simple("encoding-workbook", b"");
    std::fs::remove_file(dir.join("data/s.csv")).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, v) in ["id", "date", "q1", "q2", "comment"].iter().enumerate() {
        sheet.write_string(0, c as u16, *v).unwrap();
    }
    for (c, v) in ["W1", "2026-01-05", "4", "5", "好"].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save(dir.join("data/s.xlsx")).unwrap();
    let cfg = std::fs::read_to_string(dir.join("manyi.toml")).unwrap().replace("s.csv", "s.xlsx");
    std::fs::write(dir.join("manyi.toml"), cfg).unwrap();
    let o = build(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["data_quality"]["files"][0]["encoding"], Value::Null);
    let md = std::fs::read_to_string(common::report_dir(&dir.join("public")).join("report.md")).unwrap();
    assert!(md.contains("| data/s.xlsx | 工作簿 | 1 | 1 | 0 |"), "{md}");
}

// ---- item 11: a huge header cell ----

/// Peak memory (KB) of the largest child process this test binary has waited for.
fn children_max_rss_kb() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    usage.ru_maxrss
}

#[test]
fn a_huge_header_cell_is_shortened_in_messages() {
    const N: usize = 20_000_000;
    let mut data = b"id,date,q1,".to_vec(); // no q2: the message lists the columns
    data.extend(std::iter::repeat_n(b'h', N));
    data.extend_from_slice(b",comment\nH1,2026-01-05,4,x,ok\n");
    let dir = simple("huge-header", &data);
    let o = run(&["check", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", &err[..err.len().min(500)]);
    assert!(err.len() < 2000, "the message is {} bytes", err.len());
    let listed = format!("\"{}…\" ({N} characters)", "h".repeat(40));
    assert!(err.contains(&listed), "{err}");
    assert!(err.contains("column \"q2\" (from an item of [[survey.dimensions]]) is not in the header"), "{err}");
    // 20 MB of header must not cost hundreds of MB (it cost 25 times its size).
    let rss = children_max_rss_kb();
    assert!(rss < 200_000, "peak memory {rss} KB");
}

// ---- item 15: a duplicated header column ----

#[test]
fn a_configured_column_twice_in_the_header_is_an_error_naming_both() {
    let data = "id,date,q1,q2,ｑ１,comment\nD1,2026-01-05,4,5,1,ok\n";
    let dir = simple("dup-column", data.as_bytes());
    let o = run(&["check", dir.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let line = "data/s.csv:1: error: column \"q1\" (from an item of [[survey.dimensions]]) is in the header twice: column 3 (C) \"q1\" and column 5 (E) \"ｑ１\"";
    assert!(err.lines().any(|l| l == line), "{err}");
    assert!(err.contains("hint: rename or delete one of the two columns in the file's header"), "{err}");
}

#[test]
fn an_unused_column_twice_in_the_header_is_fine() {
    let data = "id,date,q1,q2,note,note,comment\nD1,2026-01-05,4,5,a,b,ok\n";
    let dir = simple("dup-unused", data.as_bytes());
    let o = build(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["data_quality"]["rows_used"].as_u64(), Some(1));
}

// ---- item 18: a valid quoted value with a line that looks like a row ----

#[test]
fn a_correctly_quoted_comment_that_looks_like_a_row_is_kept() {
    let data = "id,date,q1,q2,comment\nQ1,2026-01-05,2,2,\"first line\nQ9,2026-01-06,3,4,looks like a row\"\nQ2,2026-01-07,4,5,ok\n";
    let dir = simple("quoted-row", data.as_bytes());
    let o = build(&dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("rejected"), "{err}");
    let s = summary(&dir);
    assert_eq!(s["data_quality"]["rows_used"].as_u64(), Some(2));
    assert!(comments(&s).contains(&"first line\nQ9,2026-01-06,3,4,looks like a row".to_string()));
}

/// A quote never closed is still caught when the next quote in the file closes it: the
/// closing quote is then followed by text, which valid CSV never has.
#[test]
fn an_unbalanced_quote_closed_by_a_later_one_is_still_rejected() {
    let data =
        "id,date,q1,q2,comment\nB1,2026-01-05,4,5,\"never closed\nB2,2026-01-06,3,4,\"fine\"\nB3,2026-01-07,3,4,ok\n";
    let dir = simple("quote-closed-later", data.as_bytes());
    let o = build(&dir);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let line = "data/s.csv:2: warning: row rejected: a quoted value runs over 1 line(s) that look like rows; is a quote unbalanced (a \" opened and never closed)?";
    assert!(err.lines().any(|l| l == line), "{err}");
}
