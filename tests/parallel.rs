//! The parallel read must give exactly the sequential result: same bytes in every output
//! file, on generated data with several files, comments, rejections and duplicate ids.
//! Files are also split into byte ranges; tiny ranges (`MANYI_RANGE_BYTES`) put range starts
//! inside quoted comments that span lines, after blank lines and within CRLF files, also in
//! GB18030 files (decoded per range) beside a workbook.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small deterministic project: 5 survey files with bad rows and, if `repeats`, a few
/// duplicate ids. (A repeated id makes the build read everything again in order, so only the
/// project without repeats keeps the results of the parallel ranges.) Returns every row as
/// written: file, the line it starts on, its id, and whether a cell is out of the scale.
fn generate(dir: &Path, repeats: bool) -> Vec<(String, u64, String, bool)> {
    let mut rows = Vec::new();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut state = 7u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for f in 0..5 {
        let mut text = String::from("id,date,a1,a2,b1,b2,ov,rec,region,comment\n");
        let mut line = 2u64;
        for r in 0..4000u64 {
            // A repeat within the file, and (in files 1..) a repeat of a row of file 0.
            let id = if !repeats {
                format!("F{f}R{r}")
            } else if r % 997 == 5 {
                format!("F{f}R{}", r - 1)
            } else if f > 0 && r % 1999 == 7 {
                format!("F0R{r}")
            } else {
                format!("F{f}R{r}")
            };
            let (y, m, d) = (2024 + next() % 3, 1 + next() % 12, 1 + next() % 28);
            let mut cells: Vec<String> = (0..4).map(|_| ((next() % 5) + 1).to_string()).collect();
            if next() % 50 == 0 {
                cells[0] = String::new();
                cells[1] = String::new();
            }
            let repeat = repeats && (r % 997 == 5 || (f > 0 && r % 1999 == 7));
            if next() % 400 == 0 && !repeat {
                cells[2] = "7".into(); // (not on a repeated id, which must be rejected as one)
            }
            let comment = match next() % 60 {
                0..=8 => format!("意见{}", next() % 30),
                // A quoted comment over lines, with delimiters and quotes: a range may start inside.
                9..=11 => format!("\"意见{}\n第二行,有逗号\n\"\"引号\"\",\"", next() % 30),
                _ => String::new(),
            };
            if next() % 40 == 0 {
                cells[1] = "4.5".into(); // a value between points: the exact micro-unit sums
            }
            // The overall item (1–5) and the 0–10 recommend answer, sometimes blank.
            cells.push(if next() % 20 == 0 { String::new() } else { ((next() % 5) + 1).to_string() });
            cells.push(if next() % 15 == 0 { String::new() } else { (next() % 11).to_string() });
            // The segment column (not from `next`, so the answers stay as they were): values
            // with spaces around them, a blank group and a rare value.
            let region = ["北", " 南 ", "", "西", "北", "南"][((r * 7 + f as u64 * 3) % 6) as usize];
            cells.push(if r % 211 == 17 { "东".into() } else { region.into() });
            let bad = cells[2] == "7";
            let _ = writeln!(text, "{id},{y}-{m:02}-{d:02},{},{comment}", cells.join(","));
            rows.push((format!("data/s{f}.csv"), line, id, bad));
            line += 1 + comment.matches('\n').count() as u64;
            if next() % 300 == 0 {
                text.push('\n'); // a blank line: the next row keeps its own line number
                line += 1;
            }
        }
        if f == 3 {
            text = text.replace('\n', "\r\n");
        }
        std::fs::write(dir.join(format!("data/s{f}.csv")), text).unwrap();
    }
    std::fs::write(
        dir.join("manyi.toml"),
        "[survey]\nfiles = [\"data\"]\nid = \"id\"\ndate = \"date\"\ncomment = \"comment\"\noverall = \"ov\"\nrecommend = \"rec\"\n\
         segments = [\"region\"]\nmin_segment_n = 100\n\
         [[survey.dimensions]]\nname = \"A\"\nweight = 0.6\nitems = [\"a1\", \"a2\"]\n\
         [[survey.dimensions]]\nname = \"B\"\nweight = 0.4\n\
         items = [\"b1\", { column = \"b2\", name = \"B two\", weight = 2, reverse = true, scale = { min = 1, max = 5 } }]\n",
    )
    .unwrap();
    rows
}

fn build(dir: &Path, out: &Path, threads: &str, range_bytes: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let o = Command::new(env!("CARGO_BIN_EXE_manyi"))
        .args(["build", dir.to_str().unwrap(), "--period", "all", "--output", out.to_str().unwrap()])
        .env("MANYI_THREADS", threads)
        .env("MANYI_RANGE_BYTES", range_bytes)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files = Vec::new();
    for e in walk(out) {
        files.push((e.strip_prefix(out).unwrap().to_path_buf(), std::fs::read(&e).unwrap()));
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Builds `dir` on one thread, then with several threads and ranges of several sizes, and
/// checks every output file is the same; returns the sequential build's rejected.csv.
fn assert_parallel_equals_sequential(dir: &Path, name: &str) -> String {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let seq = build(dir, &tmp.join(format!("{name}-out-1")), "1", "1000000000");
    for (threads, range) in [("4", "1000000000"), ("2", "4000"), ("3", "700"), ("2", "97")] {
        let par = build(dir, &tmp.join(format!("{name}-out-{threads}-{range}")), threads, range);
        assert_eq!(seq.len(), par.len());
        for ((file, a), (_, b)) in seq.iter().zip(&par) {
            assert!(
                a == b,
                "{name}: {} differs between 1 thread and {threads} with ranges of {range} bytes",
                file.display()
            );
        }
    }
    std::fs::read_to_string(tmp.join(format!("{name}-out-1/2026/rejected.csv"))).unwrap()
}

#[test]
fn parallel_build_equals_sequential_build() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("parallel-project");
    let rows = generate(&dir, true);
    let rejected = assert_parallel_equals_sequential(&dir, "parallel");
    // rejected.csv lists every rejection of the build: 5 repeats per file (r = 5, 1002, 1999,
    // 2996, 3993) and the cross-file repeats r = 7, 2006 in files 1..4.
    let dups = rejected.lines().filter(|l| l.ends_with(",duplicate_id")).count();
    assert_eq!(dups, 5 * 5 + 4 * 2, "{rejected}");
    // Exactly the later rows of each repeated id, in input order over the files, are rejected
    // as repeats (rows rejected for a bad cell are not counted as seen). The lines are the
    // generator's own count, independent of any CSV reader.
    let mut seen = std::collections::HashSet::new();
    let mut expected = Vec::new();
    for (name, line, id, bad) in &rows {
        if !bad && !seen.insert(id) {
            expected.push(format!("{name},{line}"));
        }
    }
    let got: Vec<String> = rejected
        .lines()
        .filter(|l| l.ends_with(",duplicate_id"))
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn parallel_ranges_equal_sequential_build() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("ranges-project");
    generate(&dir, false);
    let rejected = assert_parallel_equals_sequential(&dir, "ranges");
    // The segment groups are there: values trimmed, the blank group, every questionnaire in
    // one group; the rare value is too small to compare.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let summary = std::fs::read_to_string(tmp.join("ranges-out-1/2026/summary.json")).unwrap();
    let j: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let groups = j["survey"]["segments"]["region"].as_array().unwrap();
    let values: Vec<String> = groups.iter().map(|g| g["value"].to_string()).collect();
    assert_eq!(values.len(), 5, "{values:?}");
    for v in ["\"北\"", "\"南\"", "\"西\"", "\"东\"", "null"] {
        assert!(values.contains(&v.to_string()), "{values:?}");
    }
    let returned: u64 = groups.iter().map(|g| g["returned"].as_u64().unwrap()).sum();
    assert_eq!(returned, j["survey"]["returned"].as_u64().unwrap());
    let east = groups.iter().find(|g| g["value"] == "东").unwrap();
    assert_eq!(east["small"], true);
    // The rejections carry the files' own line numbers: each names a row whose cell is 7.
    let mut checked = 0;
    for line in rejected.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let text = std::fs::read_to_string(dir.join(f[0])).unwrap();
        let row = text.split('\n').nth(f[1].parse::<usize>().unwrap() - 1).unwrap();
        assert!(row.split(',').nth(4) == Some("7"), "{line} names row {row:?}");
        checked += 1;
    }
    assert!(checked > 40, "{rejected}");
}

/// Writes `data/s{f}.csv` of `generate` as GB18030, with four-byte characters in the comments
/// and, before some line ends, characters cut short (a lead byte, or a four-byte character cut
/// after its second byte), which decode to U+FFFD whether the file is read whole or in ranges.
fn to_gb18030(dir: &Path, f: usize) {
    let path = dir.join(format!("data/s{f}.csv"));
    let text = std::fs::read_to_string(&path).unwrap().replace("意见1", "意见𠀀1");
    let mut out = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let (body, end) = line.split_at(line.trim_end_matches(['\r', '\n']).len());
        out.extend_from_slice(&encoding_rs::GB18030.encode(body).0);
        if body.contains("意见") && !body.ends_with('"') {
            out.extend_from_slice(if i % 2 == 0 { b"\x81" } else { b"\x81\x30" });
        }
        out.extend_from_slice(end.as_bytes());
    }
    assert!(std::str::from_utf8(&out).is_err());
    std::fs::write(path, out).unwrap();
}

/// Writes `data/s{f}.csv` as `data/s{f}.xlsx`: numbers as numbers, the rest as text.
fn to_xlsx(dir: &Path, f: usize) {
    let path = dir.join(format!("data/s{f}.csv"));
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(&path).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, rec) in rdr.records().enumerate() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n).unwrap(),
                _ if cell.is_empty() => continue,
                _ => sheet.write_string(r, c, cell).unwrap(),
            };
        }
    }
    book.save(path.with_extension("xlsx")).unwrap();
    std::fs::remove_file(path).unwrap();
}

#[test]
fn parallel_ranges_of_gb18030_files_equal_sequential_build() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("gb18030-project");
    generate(&dir, false);
    for f in [0, 1, 3] {
        to_gb18030(&dir, f); // file 3 has CRLF line ends
    }
    to_xlsx(&dir, 2);
    let rejected = assert_parallel_equals_sequential(&dir, "gb18030");
    // The rejections carry the files' own line numbers: each names a row whose cell is 7.
    let (mut gb, mut sheet) = (0, 0);
    for line in rejected.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[0].ends_with(".xlsx") {
            sheet += 1; // (sheet rows are records, not lines of the CSV it was made from)
            continue;
        }
        gb += usize::from(["data/s0.csv", "data/s1.csv", "data/s3.csv"].contains(&f[0]));
        let bytes = std::fs::read(dir.join(f[0])).unwrap();
        let raw = bytes.split(|b| *b == b'\n').nth(f[1].parse::<usize>().unwrap() - 1).unwrap();
        let row = encoding_rs::GB18030.decode_without_bom_handling(raw).0;
        assert!(row.split(',').nth(4) == Some("7"), "{line} names row {row:?}");
    }
    assert!(gb > 20 && sheet > 5, "{rejected}");
}

/// A survey fixture's config and survey file (its other files left out), built on one thread
/// and in ranges.
fn survey_fixture_builds_the_same_in_parallel(name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-parallel"));
    let _ = std::fs::remove_dir_all(&dir);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(src.join("manyi.toml"), dir.join("manyi.toml")).unwrap();
    std::fs::copy(src.join("data/survey.csv"), dir.join("data/survey.csv")).unwrap();
    assert_parallel_equals_sequential(&dir, name);
}

#[test]
fn segments_fixture_builds_the_same_in_parallel() {
    survey_fixture_builds_the_same_in_parallel("segments");
}

#[test]
fn precision_fixture_builds_the_same_in_parallel() {
    survey_fixture_builds_the_same_in_parallel("precision");
}

/// A complaint-only project: 3 register files (one with CRLF ends) with every figure's
/// columns, multi-line quoted descriptions, bad rows, blank ids and repeated ids (within a
/// file and across files, some on rows rejected for another reason first). Returns every
/// row as written: file, the line it starts on, its id, and whether it is rejected for a cell.
fn generate_register(dir: &Path) -> Vec<(String, u64, String, bool)> {
    let mut rows = Vec::new();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let mut state = 11u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let cats = ["产品质量", "服务态度", "交货延误", "包装破损", "其他"];
    let depts = ["生产部", "客服部", "物流部"];
    let channels = ["电话", "网络", "门店", ""];
    for f in 0..3 {
        let mut text = String::from("编号,受理日期,类别,部门,渠道,客户,描述,处理期限,办结日期,回访,重开,金额\n");
        let mut line = 2u64;
        for r in 0..3000u64 {
            let id = match next() % 400 {
                0 => format!("K{f}-{}", r.saturating_sub(1 + next() % 50)), // a repeat in the file
                1 if f > 0 => format!("K0-{}", next() % 3000),              // a repeat of file 0
                2 => String::new(),                                         // a blank id (not checked)
                _ => format!("K{f}-{r}"),
            };
            let (y, m, d) = (2024 + next() % 3, 1 + next() % 12, 1 + next() % 28);
            let closed = match next() % 10 {
                0 => String::new(),
                1 if next() % 30 == 0 => format!("{}-{m:02}-{d:02}", y - 1), // closed before received: rejected
                _ => format!("{y}-{m:02}-{:02}", (d + next() % 3).min(28)),
            };
            let bad = closed.starts_with(&(y - 1).to_string());
            let desc = match next() % 40 {
                0..=2 => format!("\"描述{}\n第二行,有逗号\n\"\"引号\"\",\"", next() % 9),
                _ => format!("描述{}", next() % 9),
            };
            let _ = writeln!(
                text,
                "{id},{y}-{m:02}-{d:02},{},{},{},客户{},{desc},{y}-{m:02}-{:02},{closed},{},{},{}",
                cats[(next() % 5) as usize],
                depts[(next() % 3) as usize],
                channels[(next() % 4) as usize],
                next() % 700,
                (d + 5).min(28),
                ["满意", "不满意", ""][(next() % 3) as usize],
                ["是", "否"][(next() % 2) as usize],
                next() % 50 * 100,
            );
            rows.push((format!("data/k{f}.csv"), line, id, bad));
            line += 1 + desc.matches('\n').count() as u64;
            if next() % 300 == 0 {
                text.push('\n');
                line += 1;
            }
        }
        if f == 2 {
            text = text.replace('\n', "\r\n");
        }
        std::fs::write(dir.join(format!("data/k{f}.csv")), text).unwrap();
    }
    let mut orders = String::from("月份,订单数\n");
    for y in 2024..=2026 {
        for m in 1..=12 {
            let _ = writeln!(orders, "{y}-{m:02},{}", 5000 + next() % 500);
        }
    }
    std::fs::write(dir.join("data/orders.csv"), orders).unwrap();
    std::fs::write(
        dir.join("data/actions.csv"),
        "编号,问题,责任人,完成期限,状态,完成日期,针对类别\nA1,检验加严,张工,2025-06-30,已完成,2025-06-15,产品质量\n\
         A2,礼仪培训,李经理,2026-03-31,已完成,2026-03-10,服务态度\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("manyi.toml"),
        "[report]\ncutoff = \"2026-11-20\"\n\n[complaints]\nfiles = [\"data/k*.csv\"]\nid = \"编号\"\nreceived = \"受理日期\"\n\
         closed = \"办结日期\"\ncategory = \"类别\"\npareto = [\"类别\", \"部门\"]\ndepartment = \"部门\"\nchannel = \"渠道\"\n\
         pareto_by = \"渠道\"\ncustomer = \"客户\"\ndeadline = \"处理期限\"\nfollowup_satisfied = \"回访\"\nreopened = \"重开\"\n\
         weight = \"金额\"\nmax_rejected_share = 0.5\n\n[complaints.volume]\nfiles = [\"data/orders.csv\"]\nmonth = \"月份\"\n\
         count = \"订单数\"\n\n[actions]\nfiles = [\"data/actions.csv\"]\ncompleted = \"完成日期\"\ncategory = \"针对类别\"\n",
    )
    .unwrap();
    rows
}

#[test]
fn complaint_register_builds_the_same_in_parallel() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("register-parallel");
    let rows = generate_register(&dir);
    let rejected = assert_parallel_equals_sequential(&dir, "register");
    // Exactly the later rows of each repeated id (blank ids aside), in input order over the
    // files, are rejected as repeats; rows rejected for a bad cell are not counted as seen.
    let mut seen = std::collections::HashSet::new();
    let mut expected = Vec::new();
    for (name, line, id, bad) in &rows {
        if !bad && !id.is_empty() && !seen.insert(id) {
            expected.push(format!("{name},{line}"));
        }
    }
    let got: Vec<String> = rejected
        .lines()
        .filter(|l| l.ends_with(",duplicate_id"))
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert!(expected.len() > 20, "{expected:?}");
    assert_eq!(got, expected);
    // The other rejections (closed before received) are listed too, in input order with them.
    let bad: Vec<String> = rows.iter().filter(|r| r.3).map(|r| format!("{},{}", r.0, r.1)).collect();
    let got_bad: Vec<String> = rejected
        .lines()
        .filter(|l| l.ends_with(",closed_before_received"))
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert!(!bad.is_empty());
    assert_eq!(got_bad, bad);
}

/// A Chinese survey file `f` with `delim` between cells, in GB18030 (or UTF-8): answers as
/// digits and labels, an unused column, a segment column and comments with four-byte
/// characters, quoted comments over lines with delimiters and doubled quotes, a dropped quote
/// (`"好"差`), and no line end after the last row; file 1 has CRLF line ends. With `noise`,
/// characters cut short in the unused column, in an answer (rejected as no answer), before a
/// dropped quote, before line ends and at the end of the file (in the segment column, whose
/// values the summary lists).
fn chinese_survey(f: usize, delim: u8, gb: bool, noise: bool) -> Vec<u8> {
    let enc = |s: &str| if gb { encoding_rs::GB18030.encode(s).0.into_owned() } else { s.as_bytes().to_vec() };
    let nl: &[u8] = if f == 1 { b"\r\n" } else { b"\n" };
    let mut out = Vec::new();
    let header = ["编号", "日期", "备注", "产品质量", "交货准时", "意见", "地区"];
    out.extend_from_slice(&enc(&header.join(&(delim as char).to_string())));
    out.extend_from_slice(nl);
    let rows = 1500u64;
    for r in 0..rows {
        let x = r * 7919 + f as u64 * 104_729;
        let mut cells: Vec<Vec<u8>> = vec![
            enc(&format!("Q{f}{r:05}")),
            enc(&format!("2026-{:02}-{:02}", 1 + x % 12, 1 + x % 28)),
            enc(["", "备注𠀀", "无"][(x % 3) as usize]),
            enc(["5", "很满意", "满意", "3", "不满意", " 4 "][(x % 6) as usize]),
            enc(&(1 + x % 5).to_string()),
            match x % 13 {
                0 => enc("意见𠀀，价格偏高"),
                1 => enc("\"第一行,有逗号\n第二行\"\"引号\"\"\""),
                2 => enc("\"好\"差"),
                _ => Vec::new(),
            },
            enc(["华东", "华南", "西北𠀀", ""][(x % 4) as usize]),
        ];
        if noise {
            match r % 17 {
                // (Not a lone lead byte before a delimiter: `\x81|` is a character.)
                3 => cells[2].extend_from_slice(b"\x81\x30"), // unused: never read
                5 => cells[3].extend_from_slice(b"\x81\x30"), // an answer cut short: rejected
                // Cut before a dropped quote: `\x81"c` is U+FFFD, c (`\x81c` is a character).
                7 => cells[6] = [&enc("\"华东")[..], b"\x81\"c"].concat(),
                9 => cells[6].extend_from_slice(b"\x81"), // cut before the line end
                11 => cells[5] = [&enc("\"意见")[..], b"\x81\"0"].concat(),
                _ => {}
            }
        }
        out.extend_from_slice(&cells.join(&delim));
        if r + 1 < rows {
            out.extend_from_slice(nl);
        } else if noise {
            out.extend_from_slice(b"\x81\x30"); // cut at the end of the file
        }
    }
    out
}

/// Writes a project of three `chinese_survey` files.
fn chinese_project(dir: &Path, delim: u8, gb: bool, noise: bool) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    for f in 0..3 {
        std::fs::write(dir.join(format!("data/s{f}.csv")), chinese_survey(f, delim, gb, noise)).unwrap();
    }
    std::fs::write(
        dir.join("manyi.toml"),
        "[survey]\nfiles = [\"data\"]\nid = \"编号\"\ndate = \"日期\"\ncomment = \"意见\"\nsegments = [\"地区\"]\n\
         min_segment_n = 10\n\
         scale = { min = 1, max = 5, labels = { \"很满意\" = 5, \"满意\" = 4, \"不满意\" = 2 } }\n\
         [[survey.dimensions]]\nname = \"产品\"\nweight = 1\nitems = [\"产品质量\", \"交货准时\"]\n",
    )
    .unwrap();
}

#[test]
fn gb18030_cells_read_undecoded_give_the_utf8_and_the_decoded_lines_build() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // The same survey in UTF-8 and in GB18030 (split undecoded on `,`): the same output, but
    // for the encoding the data-quality table names.
    let (utf8, gb) = (tmp.join("zh-utf8"), tmp.join("zh-gb18030"));
    chinese_project(&utf8, b',', false, false);
    chinese_project(&gb, b',', true, false);
    let a = build(&utf8, &tmp.join("zh-utf8-out"), "1", "1000000000");
    let b = build(&gb, &tmp.join("zh-gb18030-out"), "3", "97");
    assert_eq!(a.len(), b.len());
    for ((file, a), (_, b)) in a.iter().zip(&b) {
        let b = String::from_utf8_lossy(b).replace("gb18030", "UTF-8");
        assert!(String::from_utf8_lossy(a) == b, "{} differs between UTF-8 and GB18030", file.display());
    }
    // With characters cut short: split undecoded (`,`) or decoded by lines (`|`, a byte that
    // may be part of a character), the same output, on one thread and in ranges.
    let (cells, lines) = (tmp.join("zh-noise-cells"), tmp.join("zh-noise-lines"));
    chinese_project(&cells, b',', true, true);
    chinese_project(&lines, b'|', true, true);
    let rejected = assert_parallel_equals_sequential(&cells, "zh-noise-cells");
    let a = build(&lines, &tmp.join("zh-noise-lines-out"), "1", "1000000000");
    let b = build(&cells, &tmp.join("zh-noise-cells-out"), "1", "1000000000");
    assert_eq!(a.len(), b.len());
    for ((file, a), (_, b)) in a.iter().zip(&b) {
        assert!(a == b, "{} differs between cells split undecoded and lines decoded", file.display());
    }
    // The answers cut short are rejected on their own lines (r % 17 == 5; file 1 has CRLF,
    // the quoted comments take two lines each), quoting the decoded text.
    let cut: Vec<&str> = rejected.lines().filter(|l| l.contains('\u{fffd}')).collect();
    assert!(cut.len() > 200, "{rejected}");
    for line in &cut {
        let f: Vec<&str> = line.split(',').collect();
        let bytes = std::fs::read(cells.join(f[0])).unwrap();
        let raw = bytes.split(|b| *b == b'\n').nth(f[1].parse::<usize>().unwrap() - 1).unwrap();
        let row = encoding_rs::GB18030.decode_without_bom_handling(raw).0;
        let id: u64 = row.split(',').next().unwrap()[2..].parse().unwrap();
        assert_eq!(id % 17, 5, "{line} names row {row:?}");
        assert_eq!(f[2], "产品质量", "{line}");
    }
}
