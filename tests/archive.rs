//! The archive (issue 14): every period in its own folder under a root index; building one
//! period replaces that folder and the root only; quarters compare with the previous quarter
//! and the same quarter a year earlier. Fixture tests/fixtures/archive: one item on a 1–5 scale
//! (score = (x − 1) × 25), two responses a quarter:
//!   2026-Q3: 5, 4 → 87.5; 2026-Q2: 4, 3 → 62.5; 2025-Q3: 3, 2 → 37.5; every other quarter
//!   3, 3 → 50 (2026-Q4 has none).
//!   Years: 2024 all 3 → 50; 2025 sum 23 of 8 answers → (23/8 − 1) × 25 = 46.875;
//!   2026 sum 22 of 6 → (22/6 − 1) × 25 = 66.6667.

mod common;
use common::{copy_dir, folder_files, manyi, stderr};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn project(case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/archive");
    let dst = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("archive-{case}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&src, &dst);
    dst
}

fn build(p: &Path, period: &str) {
    let o = manyi(&["build", p.to_str().unwrap(), "--period", period]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn json(path: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "got {got}, expected {want}");
}

/// The files of one period folder.
fn period_files(out: &Path, period: &str) -> Vec<(PathBuf, Vec<u8>)> {
    folder_files(&out.join(period))
}

#[test]
fn quarters_compare_with_the_previous_quarter_and_the_same_quarter_a_year_earlier() {
    let p = project("compare");
    build(&p, "2026-Q3");
    let s = json(p.join("public/2026-Q3/summary.json"));
    let survey = &s["survey"];
    close(&survey["index"], 87.5);
    assert_eq!(survey["previous"]["period"], "2026-Q2");
    close(&survey["previous"]["index"], 62.5);
    close(&survey["index_change"], 25.0);
    assert_eq!(survey["year_ago"]["period"], "2025-Q3");
    close(&survey["year_ago"]["index"], 37.5);
    assert_eq!(survey["year_ago"]["valid"], 2);
    close(&survey["year_ago"]["change"], 50.0);
    assert!(survey["year_ago"]["comparison"].is_object());
    let html = std::fs::read_to_string(p.join("public/2026-Q3/index.html")).unwrap();
    assert!(
        html.contains("Compared with the same period a year earlier (2025-Q3, index 37.5): +50.0"),
        "year-ago line"
    );
    // A year's previous period is the year before: no separate year-ago comparison.
    build(&p, "2026");
    let y = json(p.join("public/2026/summary.json"));
    assert!(y["survey"]["year_ago"].is_null());
    assert_eq!(y["survey"]["previous"]["period"], "2025");
    close(&y["survey"]["previous"]["index"], 46.875);
    close(&y["survey"]["index"], 200.0 / 3.0);
}

/// `all` builds every year; a later quarter build adds its folder and the root lists all four
/// newest first, while the year folders stay byte-identical — even when the data changed in
/// between (a published report is not rewritten by another period's build).
#[test]
fn building_one_period_keeps_every_other_period_byte_identical() {
    let p = project("keep");
    build(&p, "all");
    let out = p.join("public");
    let years: Vec<_> = ["2024", "2025", "2026"].iter().map(|y| period_files(&out, y)).collect();
    assert!(years.iter().all(|f| !f.is_empty()));
    // New data for 2026-Q3 (one more response), then build only the quarter.
    let data = p.join("data/survey.csv");
    let mut text = std::fs::read_to_string(&data).unwrap();
    text.push_str("R999,2026-08-20,1\n");
    std::fs::write(&data, text).unwrap();
    build(&p, "2026-Q3");
    for (y, before) in ["2024", "2025", "2026"].iter().zip(&years) {
        assert!(period_files(&out, y) == *before, "{y}/ changed when only 2026-Q3 was built");
    }
    let q3 = json(out.join("2026-Q3/summary.json"));
    assert_eq!(q3["survey"]["returned"], 3, "the quarter has the new response");
    let archive = json(out.join("archive.json"));
    let listed: Vec<&str> =
        archive["periods"].as_array().unwrap().iter().map(|e| e["period"].as_str().unwrap()).collect();
    assert_eq!(listed, ["2026", "2026-Q3", "2025", "2024"]);
    close(&archive["periods"][0]["survey"]["index"], 200.0 / 3.0);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for period in listed {
        assert!(index.contains(&format!("href=\"{period}/index.html\"")), "root index links {period}");
    }
    // Building the quarter again changes nothing outside it, and the root stays the same.
    let root_before = std::fs::read(out.join("index.html")).unwrap();
    build(&p, "2026-Q3");
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), root_before);
}

/// Two builds of different periods into one output at the same time: the second waits for the
/// lock and then sees the first one's folder, so both periods end up in the archive and in its
/// root index.
#[test]
fn concurrent_builds_of_different_periods_both_land_in_the_archive() {
    let p = project("concurrent");
    build(&p, "2026");
    let bin = env!("CARGO_BIN_EXE_manyi");
    let slow = std::process::Command::new(bin)
        .args(["build", p.to_str().unwrap(), "--period", "2026-Q2"])
        .env("MANYI_TEST_PAUSE_BEFORE_SWAP_MS", "1500")
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let fast = manyi(&["build", p.to_str().unwrap(), "--period", "2026-Q3"]);
    let slow = slow.wait_with_output().unwrap();
    assert!(slow.status.success() && fast.status.success(), "{}", stderr(&fast));
    let archive = json(p.join("public/archive.json"));
    let listed: Vec<&str> =
        archive["periods"].as_array().unwrap().iter().map(|e| e["period"].as_str().unwrap()).collect();
    assert_eq!(listed, ["2026", "2026-Q3", "2026-Q2"]);
}

/// `--period` takes several periods, and `[build] periods` is the default; a bad entry is a
/// config error at its value.
#[test]
fn several_periods_from_the_command_line_or_the_config() {
    let p = project("several");
    build(&p, "2026-Q3,2026,2026-Q3");
    assert!(p.join("public/2026-Q3/index.html").is_file() && p.join("public/2026/index.html").is_file());
    let cfg = p.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}\n[build]\nperiods = [\"2025-Q3\", \"2024\"]\n")).unwrap();
    let o = manyi(&["build", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("built 2024, 2025-Q3 into"), "{}", stderr(&o));
    std::fs::write(&cfg, format!("{text}\n[build]\nperiods = [\"2025-Q5\"]\n")).unwrap();
    let o = manyi(&["build", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"2025-Q5\" is not a period"), "{}", stderr(&o));
}

/// Navigation (issue 13): the root index links each period; each period page has a bar with a
/// link back to the archive, to each of its sections and to report.md, all relative, so the
/// site works from file:// and under any intranet sub-path. Every href of the root index and
/// of each period page resolves to an existing file and anchor; report.pdf is linked only when
/// built (`--pdf`, tests/browser.rs).
#[test]
fn every_link_of_the_archive_and_its_pages_resolves() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("archive-links");
    let _ = std::fs::remove_dir_all(&dir);
    // The example of `manyi init` has a survey, complaints, actions and conclusions.
    assert!(manyi(&["init", dir.to_str().unwrap()]).status.success());
    for period in ["2026", "2025", "2026-Q2"] {
        build(&dir, period);
    }
    let out = dir.join("public");
    // The check itself finds a missing anchor, a missing file and absolute links.
    let bad = dir.join("bad.html");
    std::fs::write(&bad, "<a href=\"#nope\"></a><a href=\"gone.md\"></a><a href=\"/2026/index.html\"></a><a href=\"http://x/\"></a><p id=\"here\"><a href=\"#here\"></a>").unwrap();
    assert_eq!(common::broken_links(&bad).0.len(), 4, "{:?}", common::broken_links(&bad));
    let (broken, hrefs) = common::broken_links(&out.join("index.html"));
    assert!(broken.is_empty(), "root index.html: {broken:#?}");
    for period in ["2026", "2025", "2026-Q2"] {
        assert!(hrefs.contains(&format!("{period}/index.html")), "the root links {period}: {hrefs:?}");
        for page in ["index.html", "report.html"] {
            let path = out.join(period).join(page);
            let (broken, hrefs) = common::broken_links(&path);
            assert!(broken.is_empty(), "{period}/{page}: {broken:#?}");
            for want in ["../index.html", "report.md", "#basics", "#complaints", "#conclusions", "#method", "#quality"]
            {
                assert!(hrefs.iter().any(|h| h == want), "{period}/{page} links {want}: {hrefs:?}");
            }
            assert!(!hrefs.iter().any(|h| h.contains("report.pdf")), "no report.pdf without --pdf");
            // Every section can be reached from the bar.
            let html = std::fs::read_to_string(&path).unwrap();
            let nav = html.split("<nav class=\"page-nav\"").nth(1).and_then(|r| r.split("</nav>").next()).unwrap();
            let sections: Vec<&str> = html
                .split("<section ")
                .skip(1)
                .filter_map(|s| s.split('>').next()?.split("id=\"").nth(1)?.split('"').next())
                .collect();
            assert_eq!(sections.len(), html.matches("<section ").count(), "{period}: every section has an id");
            assert!(sections.len() >= 9, "{period}: {sections:?}");
            for id in sections {
                assert!(
                    id == "kpis" || nav.contains(&format!("href=\"#{id}\"")),
                    "{period}: section {id} not in the bar"
                );
            }
        }
    }
}

/// A quarter's complaints received a year earlier are the year-ago quarter's own `received`;
/// a year-ago quarter before the register begins (the sample's starts in January 2024) has
/// none: null, not 0.
#[test]
fn complaints_a_year_earlier_only_where_the_register_reaches() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join("archive-sample-year-ago");
    let _ = std::fs::remove_dir_all(&p);
    copy_dir(&src, &p);
    build(&p, "2024-Q2,2025-Q2");
    let q24 = json(p.join("public/2024-Q2/summary.json"));
    let q25 = json(p.join("public/2025-Q2/summary.json"));
    assert!(q24["complaints"]["year_ago"].is_null(), "{}", q24["complaints"]["year_ago"]);
    assert_eq!(q25["complaints"]["year_ago"]["period"], "2024-Q2");
    assert_eq!(q25["complaints"]["year_ago"]["received"], q24["complaints"]["received"]);
    assert!(q24["complaints"]["received"].as_u64().unwrap() > 0);
}

/// What the web server needs beside the reports (a CNAME, a period folder someone emptied)
/// stays through a build of another period; files of the earlier single-report layout at the
/// root are replaced by the archive's.
#[test]
fn other_files_in_the_output_are_kept() {
    let p = project("foreign");
    build(&p, "2025");
    let out = p.join("public");
    std::fs::write(out.join("CNAME"), "reports.example.com\n").unwrap();
    std::fs::create_dir_all(out.join("2024")).unwrap();
    std::fs::write(out.join("2024/notes.txt"), "kept").unwrap();
    std::fs::write(out.join("report.md"), "old single-report layout").unwrap();
    build(&p, "2026");
    assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "reports.example.com\n");
    assert_eq!(std::fs::read_to_string(out.join("2024/notes.txt")).unwrap(), "kept");
    assert!(!out.join("report.md").exists(), "the old layout's root report is not carried along");
    let archive = json(out.join("archive.json"));
    let listed: Vec<&str> =
        archive["periods"].as_array().unwrap().iter().map(|e| e["period"].as_str().unwrap()).collect();
    assert_eq!(listed, ["2026", "2025"], "a folder without a summary is kept but not listed");
}

/// A period folder written by an older version (its summary without the newer fields) still
/// lists in the root index; building another period does not fail on it.
#[test]
fn an_older_period_summary_still_lists() {
    let p = project("older");
    build(&p, "2025");
    let path = p.join("public/2025/summary.json");
    let mut s = json(path.clone());
    let survey = s["survey"].as_object_mut().unwrap();
    for k in ["index_margin", "verdict", "valid", "year_ago"] {
        survey.remove(k);
    }
    std::fs::write(&path, serde_json::to_string(&s).unwrap()).unwrap();
    build(&p, "2026");
    let index = std::fs::read_to_string(p.join("public/index.html")).unwrap();
    assert!(index.contains("href=\"2025/index.html\"") && index.contains("46.9"), "{index}");
}
