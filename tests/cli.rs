//! The command line (issue 14): `init` → `build` for a new user, `--as-of`, `--quiet`,
//! `--help` examples, exit codes.

mod common;
use common::{manyi, stderr};
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&p);
    p
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(common::report_dir(&dir.join("public")).join("summary.json")).unwrap(),
    )
    .unwrap()
}

/// `manyi init DIR` then `manyi build DIR` works at once, in both languages, and the report is
/// in the language asked for; the example has a survey and a complaint register.
#[test]
fn init_then_build_works_in_both_languages() {
    for (language, title) in [("zh-CN", "顾客满意度调查分析报告"), ("en", "Customer Satisfaction Report")] {
        let dir = tmp(&format!("init-{language}"));
        let o = manyi(&["init", "--language", language, dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("manyi build"), "tells the next step: {}", stderr(&o));
        for f in ["manyi.toml", "conclusions.md", "data/survey.csv", "data/complaints.csv"] {
            assert!(dir.join(f).is_file(), "{f}");
        }
        let o = manyi(&["build", dir.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("warning"), "the example builds without a warning: {}", stderr(&o));
        let s = summary(&dir);
        assert_eq!(s["period"], "2026");
        assert!(s["survey"]["index"].as_f64().is_some_and(|i| i > 0.0 && i < 100.0), "{}", s["survey"]["index"]);
        assert!(s["complaints"]["received"].as_u64().is_some_and(|n| n > 0));
        assert_eq!(s["data_quality"]["rows_rejected"], 0, "the example has no broken rows");
        let html = std::fs::read_to_string(common::report_dir(&dir.join("public")).join("index.html")).unwrap();
        assert!(html.contains(title));
        assert!(html.contains(&format!("<html lang=\"{language}\"")), "html lang");
    }
}

/// A folder that holds anything is refused with exit 2, and nothing in it is touched.
#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tmp("init-not-empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("manyi.toml"), "mine").unwrap();
    let o = manyi(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not empty") && stderr(&o).contains("manyi.toml"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("manyi.toml")).unwrap(), "mine");
    assert!(!dir.join("data").exists());
    let o = manyi(&["init", "--language", "fr", tmp("init-fr").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "an unknown language is a usage error");
}

/// `--as-of` replaces `[report] cutoff`: the status date in summary.json follows it; a bad
/// date is a usage error naming the option.
#[test]
fn as_of_sets_the_status_date() {
    let dir = tmp("as-of");
    assert!(manyi(&["init", dir.to_str().unwrap()]).status.success());
    let o = manyi(&["build", dir.to_str().unwrap(), "--as-of", "2026-09-30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["complaints"]["as_of"], "2026-09-30");
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(summary(&dir)["complaints"]["as_of"], "2026-12-31", "default: the period's last day");
    let o = manyi(&["build", dir.to_str().unwrap(), "--as-of", "30.9.2026"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--as-of") && stderr(&o).contains("not a date"), "{}", stderr(&o));
}

/// `--quiet` prints nothing on success; errors still reach stderr. Output is never coloured
/// when stderr is not a terminal (here a pipe), whatever NO_COLOR says.
#[test]
fn quiet_builds_print_nothing_and_pipes_get_no_colour() {
    let dir = tmp("quiet");
    assert!(manyi(&["init", dir.to_str().unwrap()]).status.success());
    let o = manyi(&["build", "--quiet", dir.to_str().unwrap()]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
    assert!(o.stdout.is_empty());
    let o = manyi(&["build", "--quiet", dir.to_str().unwrap(), "--period", "1999"]);
    assert_eq!(o.status.code(), Some(2), "a period outside the data is a usage error");
    let err = stderr(&o);
    assert!(err.contains("error") && !err.contains('\u{1b}'), "{err}");
}

/// `--help` shows examples and the exit codes for every command; `--version` the version.
#[test]
fn help_has_examples_and_exit_codes() {
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"], &["init", "--help"]] {
        let o = manyi(args);
        assert!(o.status.success());
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Examples:") && out.contains("Exit status: 0 ok"), "{args:?}: {out}");
    }
    let o = manyi(&["--version"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("manyi {}", env!("CARGO_PKG_VERSION")));
}

/// An English build of a project without `[bands]` shows no Chinese text: default band names,
/// list separators and punctuation follow the language. (The one exception is 不适用, a cell
/// value the method notes list as read as "not answered": data, not a label.) Stylesheets are
/// left out: they hold the Chinese section numbering for zh-CN pages.
#[test]
fn english_report_of_the_example_has_no_chinese_labels() {
    let dir = tmp("english");
    assert!(manyi(&["init", "--language", "en", dir.to_str().unwrap()]).status.success());
    assert!(manyi(&["build", dir.to_str().unwrap()]).status.success());
    for page in ["index.html", "report.md"] {
        let text = std::fs::read_to_string(common::report_dir(&dir.join("public")).join(page)).unwrap();
        let text = match (text.find("<style"), text.find("</style>")) {
            (Some(a), Some(b)) => format!("{}{}", &text[..a], &text[b..]),
            _ => text,
        };
        let text = text.replace("不适用", "");
        let cjk: Vec<(usize, char)> = text
            .char_indices()
            .filter(|(_, c)| matches!(*c as u32, 0x3000..=0x303f | 0x4e00..=0x9fff | 0xff00..=0xffef))
            .collect();
        let shown: Vec<String> = cjk
            .iter()
            .take(5)
            .map(|(i, _)| text.get(i.saturating_sub(40)..*i + 4).unwrap_or("?").to_string())
            .collect();
        assert!(cjk.is_empty(), "{page}: {shown:#?}");
    }
}

/// The mirror of the English check: a zh-CN build of the example shows no English label word.
/// Markup, entities, the stylesheet and file paths (data/survey.csv, charts/items.svg) are left
/// out; the ASCII words that remain must be data, units or codes listed here: formula symbols of
/// the method notes (Var, Cov, t(min …), s_T, S_j), config keys the notes name (min_answered),
/// the encoding (UTF-8), the not-answered value NA, the term top-2-box, the acronym CSI, the
/// formats Markdown and PDF, and manyi. Dates in prose are written the Chinese way (2026年12月31日).
#[test]
fn chinese_report_of_the_example_has_no_english_labels() {
    let dir = tmp("chinese");
    assert!(manyi(&["init", "--language", "zh-CN", dir.to_str().unwrap()]).status.success());
    assert!(manyi(&["build", dir.to_str().unwrap()]).status.success());
    const ALLOWED: [&str; 17] = [
        "Var",
        "Cov",
        "min",
        "s_T",
        "Sj",
        "min_answered",
        "UTF",
        "NA",
        "top",
        "box",
        "CSI",
        "Markdown",
        "PDF",
        "manyi",
        "nbsp",
        "quot",
        "gt",
    ];
    for page in ["index.html", "report.md"] {
        let text = std::fs::read_to_string(common::report_dir(&dir.join("public")).join(page)).unwrap();
        assert!(text.contains("办结状态截至 2026年12月31日"), "{page}: the status date in the Chinese long form");
        let mut rest = text.as_str();
        let mut visible = String::new();
        // Drop the stylesheet, then every tag with its attributes.
        if let (Some(a), Some(b)) = (rest.find("<style"), rest.find("</style>")) {
            visible.push_str(&rest[..a]);
            rest = &rest[b..];
        }
        visible.push_str(rest);
        let mut words = String::new();
        let mut in_tag = false;
        for c in visible.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    words.push(' ');
                }
                _ if !in_tag => words.push(c),
                _ => {}
            }
        }
        let words = words.replace('\\', ""); // Markdown escapes (min\_answered)
        let found: Vec<&str> = words
            .split(|c: char| c.is_whitespace() || ('\u{3000}'..='\u{ffef}').contains(&c) || "()（）|,;:=".contains(c))
            .filter(|w| !w.contains('/') && !w.contains(".csv") && !w.contains(".json") && !w.contains(".svg"))
            .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphabetic() || c == '_')))
            .filter(|w| w.len() >= 2)
            .filter(|w| !ALLOWED.contains(w))
            .collect();
        assert!(found.is_empty(), "{page}: English words on a Chinese page: {found:?}");
    }
}

/// A GET on loopback with a bare HTTP/1.0 request: (status code, body).
fn get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let code = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    (code, body)
}

/// `manyi serve` on loopback: the page is served with the reload script, a data file edited
/// on disk is rebuilt into the page, a broken config keeps the last good site and reports the
/// error on the status endpoint, and paths outside the output are refused.
#[test]
fn serve_rebuilds_when_a_data_file_changes() {
    use std::io::BufRead;
    let dir = tmp("serve");
    assert!(manyi(&["init", "--language", "en", dir.to_str().unwrap()]).status.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_manyi"))
        .args(["serve", dir.to_str().unwrap(), "--port", "0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = child.stderr.take().unwrap();
    let _guard = Kill(child);
    let mut lines = std::io::BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines.next().expect("serve ended before listening").unwrap();
        if let Some(rest) = line.strip_prefix("serving http://") {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep reading stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let (code, page) = get(&addr, "/");
    assert_eq!(code, 200);
    assert!(page.contains("Customer Satisfaction Report") && page.contains("/__manyi/status"), "{page}");
    let status = |addr: &str| -> serde_json::Value { serde_json::from_str(&get(addr, "/__manyi/status").1).unwrap() };
    assert_eq!(status(&addr)["build"], 1);
    assert_eq!(get(&addr, "/../manyi.toml").0, 404);
    // A request naming another host (DNS rebinding) is refused.
    {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(s, "GET / HTTP/1.0\r\nHost: evil.example:80\r\n\r\n").unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        assert!(raw.starts_with("HTTP/1.0 403") || raw.starts_with("HTTP/1.1 403"), "{raw}");
    }
    assert_eq!(get(&addr, "/%2e%2e/manyi.toml").0, 404);

    // Wait until the server has run a build after `after` whose status satisfies `ok` (an
    // editor's save may cause more than one rebuild, so counts are not exact).
    let wait_for = |after: u64, ok: &dyn Fn(&serde_json::Value) -> bool| {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let s = status(&addr);
            if s["build"].as_u64().unwrap() > after && ok(&s) {
                return s["build"].as_u64().unwrap();
            }
            assert!(std::time::Instant::now() < until, "no such rebuild within 30 s: {s}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    // Change the title in the config: the page is rebuilt with it.
    let toml = std::fs::read_to_string(dir.join("manyi.toml")).unwrap();
    std::fs::write(dir.join("manyi.toml"), toml.replace("Customer Satisfaction Report", "Edited Report")).unwrap();
    let n = wait_for(1, &|s| s["error"].is_null() && get(&addr, "/").1.contains("Edited Report"));
    // Quiet afterwards: a build reads its inputs, and reading must not trigger the next build.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let n2 = status(&addr)["build"].as_u64().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(status(&addr)["build"].as_u64().unwrap(), n2, "rebuilds without changes");
    let n = n.max(n2);

    // Edit a data file: one more response in 2026 changes the count of returned questionnaires.
    let returned = |addr: &str| -> u64 {
        let s: serde_json::Value = serde_json::from_str(&get(addr, "/2026/summary.json").1).unwrap();
        s["survey"]["returned"].as_u64().unwrap()
    };
    let before = returned(&addr);
    let mut data = std::fs::read_to_string(dir.join("data/survey.csv")).unwrap();
    data.push_str("Q2026-999,2026-06-01,Dealer,5,5,5,5,5,\n");
    std::fs::write(dir.join("data/survey.csv"), data).unwrap();
    let n = wait_for(n, &|s| s["error"].is_null() && returned(&addr) == before + 1);

    // A broken config: the error is reported, the last good site still served.
    std::fs::write(dir.join("manyi.toml"), "[site\n").unwrap();
    wait_for(n, &|s| s["error"].as_str().is_some_and(|e| e.contains("manyi.toml")));
    let (code, page) = get(&addr, "/");
    assert_eq!(code, 200);
    assert!(page.contains("Edited Report"));
    assert_eq!(returned(&addr), before + 1);
}

/// On a terminal a status line shows each step of a build (erased at the end); with
/// `--quiet`, or when stderr is a pipe, nothing but the outcome. Run under `script`, which
/// gives the build a pseudo-terminal.
#[test]
fn a_terminal_sees_the_steps_a_pipe_does_not() {
    let dir = tmp("progress");
    assert!(manyi(&["init", dir.to_str().unwrap()]).status.success());
    let run = |extra: &str| {
        let cmd = format!("{} build {} {extra}", env!("CARGO_BIN_EXE_manyi"), dir.display());
        let o = std::process::Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().expect("script(1)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = run("");
    assert!(shown.contains("reading the input files…") && shown.contains("rendering 1 period(s)…"), "{shown:?}");
    assert!(shown.contains("built 2026 into"), "{shown:?}");
    assert_eq!(run("--quiet"), "", "quiet on a terminal too");
    let piped = manyi(&["build", dir.to_str().unwrap()]);
    assert!(!stderr(&piped).contains("reading the input files"), "{}", stderr(&piped));
}

/// Two ways to ask for meaningless figures are warned about: a status date before the period
/// starts, and a p chart whose volume is smaller than the complaints (a share over 100%).
#[test]
fn meaningless_status_dates_and_p_charts_are_warned_about() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let dir = tmp("warnings");
    common::copy_dir(&src, &dir);
    let o = manyi(&["build", dir.to_str().unwrap(), "--as-of", "2025-06-15", "--period", "2026"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2026: the status date 2025-06-15 is before the period starts (2026-01-01)"),
        "{}",
        stderr(&o)
    );
    let cfg = dir.join("manyi.toml");
    std::fs::write(&cfg, std::fs::read_to_string(&cfg).unwrap().replace("chart = \"u\"", "chart = \"p\"")).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert!(!stderr(&o).contains("share over 100%"), "orders outnumber complaints: {}", stderr(&o));
    let orders = dir.join("data/orders.csv");
    let text = std::fs::read_to_string(&orders).unwrap();
    let tiny: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 0 { format!("{l}\n") } else { format!("{},3\n", l.split(',').next().unwrap()) })
        .collect();
    std::fs::write(&orders, tiny).unwrap();
    let o = manyi(&["build", dir.to_str().unwrap()]);
    assert!(stderr(&o).contains("the p chart has") && stderr(&o).contains("share over 100%"), "{}", stderr(&o));
}
