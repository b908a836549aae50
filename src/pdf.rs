//! `--pdf`: prints each period's single-file `report.html` to `report.pdf` with a locally
//! installed Chromium or Chrome (`--headless --print-to-pdf`), so no typesetting dependency is
//! built into manyi. Page size, margins, running header and page numbers come from the
//! report's print CSS (`@page` with margin boxes).

use crate::diag::{Error, Location, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Browser executables looked for on `PATH`, in this order.
const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/// How long one page may take to print before the browser is stopped.
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

/// The browser to print with: `MANYI_CHROME` when set, else the first of `CANDIDATES` on `PATH`.
pub fn find_browser(configured: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = configured {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(Error::data(Location::file("MANYI_CHROME"), format!("{} is not a file", p.display()))
                .with_hint("set MANYI_CHROME to the Chromium or Chrome executable, or unset it to search PATH"))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in CANDIDATES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Error::data(
        Location::file("--pdf"),
        format!("no Chromium or Chrome found on PATH (looked for {})", CANDIDATES.join(", ")),
    )
    .with_hint(
        "install one (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk) or set MANYI_CHROME to its executable; \
         without --pdf the build needs no browser",
    ))
}

/// Prints `html` (a file) to `pdf` with `browser`, in a throw-away profile folder beside the
/// output (`profile`), removed afterwards.
pub fn print(browser: &Path, html: &Path, pdf: &Path, profile: &Path) -> Result<()> {
    let url = file_url(html)?;
    let mut cmd = std::process::Command::new(browser);
    cmd.arg("--headless")
        .arg("--disable-gpu")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-sync")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()));
    // Chromium refuses to run as root with its sandbox on.
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        cmd.arg("--no-sandbox");
    }
    cmd.arg(url).stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null());
    cmd.stderr(std::process::Stdio::piped());
    let shown = html.display().to_string();
    let mut child = cmd.spawn().map_err(|e| {
        Error::data(Location::file(browser.display().to_string()), format!("cannot start the browser: {e}"))
            .with_hint("set MANYI_CHROME to a working Chromium or Chrome executable")
    })?;
    let stderr = child.stderr.take();
    let log = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut s) = stderr {
            let _ = std::io::Read::read_to_string(&mut s, &mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(Error::io(browser, "wait for the browser", e)),
        }
    };
    let log = log.join().unwrap_or_default();
    let _ = std::fs::remove_dir_all(profile);
    let last_lines = || log.lines().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(" | ");
    match status {
        None => Err(Error::data(
            Location::file(shown),
            format!("the browser did not finish printing within {} s", PRINT_TIMEOUT.as_secs()),
        )
        .with_hint("check that the browser starts headless on this machine (try it by hand with --headless)")),
        Some(s) if !s.success() || !pdf.is_file() => Err(Error::data(
            Location::file(shown),
            format!("the browser could not print the page ({s}): {}", last_lines()),
        )
        .with_hint("check that the browser starts headless on this machine, or build without --pdf")),
        Some(_) => Ok(()),
    }
}

/// A `file://` URL for an absolute path, with the bytes a URL may not hold percent-encoded.
fn file_url(path: &Path) -> Result<String> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| Error::io(path, "find the current folder", e))?.join(path)
    };
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_urls_escape_what_urls_cannot_hold() {
        let url = super::file_url(std::path::Path::new("/tmp/a b/报告#1.html")).unwrap();
        assert_eq!(url, "file:///tmp/a%20b/%E6%8A%A5%E5%91%8A%231.html");
    }

    #[test]
    fn a_configured_browser_that_is_not_a_file_is_an_error() {
        let e = super::find_browser(Some(std::path::Path::new("/nonexistent/chrome"))).unwrap_err();
        assert!(e.to_string().contains("MANYI_CHROME"), "{e}");
    }
}
