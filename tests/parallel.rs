//! The parallel read must give exactly the sequential result: same bytes in every output
//! file, on generated data with several files, comments, rejections and duplicate ids.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small deterministic project: 5 survey files, each with a few duplicates and bad rows.
fn generate(dir: &Path) {
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
        let mut text = String::from("id,date,a1,a2,b1,b2,comment\n");
        for r in 0..4000u64 {
            // A repeat within the file, and (in files 1..) a repeat of a row of file 0.
            let id = if r % 997 == 5 {
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
            if next() % 400 == 0 {
                cells[2] = "7".into();
            }
            let comment = if next() % 7 == 0 { format!("意见{}", next() % 30) } else { String::new() };
            let _ = writeln!(text, "{id},{y}-{m:02}-{d:02},{},{comment}", cells.join(","));
        }
        std::fs::write(dir.join(format!("data/s{f}.csv")), text).unwrap();
    }
    std::fs::write(
        dir.join("manyi.toml"),
        "[survey]\nfiles = [\"data\"]\nid = \"id\"\ndate = \"date\"\ncomment = \"comment\"\n\
         [[survey.dimensions]]\nname = \"A\"\nweight = 0.6\nitems = [\"a1\", \"a2\"]\n\
         [[survey.dimensions]]\nname = \"B\"\nweight = 0.4\nitems = [\"b1\", \"b2\"]\n",
    )
    .unwrap();
}

fn build(dir: &Path, out: &Path, threads: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let o = Command::new(env!("CARGO_BIN_EXE_manyi"))
        .args(["build", dir.to_str().unwrap(), "--period", "all", "--output", out.to_str().unwrap()])
        .env("MANYI_THREADS", threads)
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

#[test]
fn parallel_build_equals_sequential_build() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("parallel-project");
    generate(&dir);
    let seq = build(&dir, &tmp.join("parallel-out-1"), "1");
    let par = build(&dir, &tmp.join("parallel-out-4"), "4");
    assert_eq!(seq.len(), par.len());
    for ((name, a), (_, b)) in seq.iter().zip(&par) {
        assert!(a == b, "{} differs between 1 and 4 threads", name.display());
    }
    // rejected.csv lists every rejection of the build: 5 repeats per file (r = 5, 1002, 1999,
    // 2996, 3993) and the cross-file repeats r = 7, 2006 in files 1..4.
    let rejected = std::fs::read_to_string(tmp.join("parallel-out-1/2026/rejected.csv")).unwrap();
    let dups = rejected.lines().filter(|l| l.contains("duplicate id")).count();
    assert_eq!(dups, 5 * 5 + 4 * 2, "{rejected}");
}
