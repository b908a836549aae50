//! `manyi serve`: builds the project, serves the output folder on 127.0.0.1 and rebuilds when
//! a file of the project changes. HTML pages are served with a small script that polls the
//! build status and reloads the page after a good rebuild, or shows the error of a failed
//! one over the last good site (which a failed build leaves in place, see `site`).
//!
//! tiny_http gives the loopback HTTP server (6 small crates, ~5 s to build); notify watches the
//! project folder (inotify on Linux). Its events are debounced here: read events (every build
//! opens its inputs) are ignored, and a burst of changes is one rebuild. (notify's mini
//! debouncer hides the event kind, so the build's own reads made it rebuild forever.)

use crate::diag::{Error, Location, Result};
use crate::settings::{Env, Options, Settings};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long the project must be quiet after a change before it is rebuilt.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// What the status endpoint reports: how many builds ran, and the last one's error.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Status {
    build: u64,
    error: Option<String>,
}

/// The page script: polls `/__manyi/status` every second; reloads when a new build succeeded,
/// shows the error (as text) when it failed.
const RELOAD_SCRIPT: &str = r#"<script>
(function () {
  var seen = null;
  function show(error) {
    var box = document.getElementById("manyi-serve-error");
    if (!error) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "manyi-serve-error";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#fff0f0;color:#900;border-top:3px solid #c00;white-space:pre-wrap;font:13px/1.4 monospace;z-index:99999";
      document.body.appendChild(box);
    }
    box.textContent = "manyi serve: the last rebuild failed; this is the last good site.\n\n" + error;
  }
  function poll() {
    fetch("/__manyi/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen !== null && s.build !== seen && !s.error) { location.reload(); return; }
        seen = s.build;
        show(s.error);
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>"#;

/// Builds once, then serves `settings.output` on `127.0.0.1:port` (0: any free port) until the
/// process is stopped, rebuilding on every change under the project folder outside the output.
/// `ready` is called with the bound address once the server listens.
pub fn serve(
    project_dir: &Path,
    options: &Options,
    env: &Env,
    port: u16,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<()> {
    let status = Arc::new(Mutex::new(Status::default()));
    // The first build must succeed too: there is no good site to fall back on yet.
    let settings = Settings::resolve(project_dir, options, env)?;
    let output = settings.output.clone();
    crate::build(&settings)?;
    status.lock().unwrap_or_else(|e| e.into_inner()).build = 1;

    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
        Error::config(Location::file(format!("127.0.0.1:{port}")), format!("cannot listen: {e}"))
            .with_hint("choose another port with --port, or --port 0 for any free one")
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::config(Location::file(format!("127.0.0.1:{port}")), "the server has no IP address"))?;

    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Error::config(Location::file(project_dir.display().to_string()), format!("cannot watch: {e}")))?;
    let root = settings.root.canonicalize().unwrap_or_else(|_| settings.root.clone());
    notify::Watcher::watch(&mut watcher, &root, notify::RecursiveMode::Recursive)
        .map_err(|e| Error::config(Location::file(root.display().to_string()), format!("cannot watch: {e}")))?;
    let watched_output = output.canonicalize().unwrap_or_else(|_| output.clone());
    {
        let status = Arc::clone(&status);
        let (project_dir, options, env) = (project_dir.to_path_buf(), options.clone(), env.clone());
        std::thread::spawn(move || {
            let _keep = watcher;
            let changed = |event: notify::Result<notify::Event>| -> Option<PathBuf> {
                let event = event.ok()?;
                // A build opens and reads every input: reads must not trigger a rebuild.
                if matches!(event.kind, notify::EventKind::Access(_)) {
                    return None;
                }
                event.paths.into_iter().find(|p| is_input_change(p, &watched_output))
            };
            while let Ok(event) = rx.recv() {
                let Some(first) = changed(event) else { continue };
                // Debounce: an editor's save or a copied folder is a burst of events; wait
                // until the project has been quiet for DEBOUNCE, then build once.
                while let Ok(more) = rx.recv_timeout(DEBOUNCE) {
                    let _ = changed(more);
                }
                eprintln!("changed: {} — rebuilding", first.display());
                rebuild(&status, || {
                    // Settings again: the config itself may have changed.
                    Settings::resolve(&project_dir, &options, &env).and_then(|s| crate::build(&s)).map(|_| ())
                });
            }
        });
    }

    ready(addr);
    for request in server.incoming_requests() {
        let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_string());
        let response = if host.as_deref().is_some_and(|h| local_host(h, addr.port())) {
            respond(&output, request.url(), &status)
        } else {
            // A page of another site that got its name resolved to 127.0.0.1 (DNS rebinding)
            // must not read the reports: only requests naming this server are answered.
            with_type(tiny_http::Response::from_data(b"forbidden host".to_vec()).with_status_code(403), "text/plain")
        };
        let _ = request.respond(response);
    }
    Ok(())
}

/// Whether a `Host` header names this loopback server (`127.0.0.1`, `localhost` or `[::1]`,
/// with its port or none).
fn local_host(host: &str, port: u16) -> bool {
    let name = host.strip_suffix(&format!(":{port}")).unwrap_or(host);
    matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Runs a build and records its outcome; prints one line either way.
fn rebuild(status: &Mutex<Status>, build: impl FnOnce() -> Result<()>) {
    let outcome = build();
    let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
    s.build += 1;
    match outcome {
        Ok(()) => {
            s.error = None;
            eprintln!("build {} done", s.build);
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("build {} failed; still serving the last good site", s.build);
            s.error = Some(e.to_string());
        }
    }
}

/// Whether a changed path is an input: anything under the project folder but the output
/// folder, manyi's own lock and temporary folders beside it, and editors' swap files.
fn is_input_change(path: &Path, output: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    !path.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.contains(".manyi-") || name.ends_with('~') || name.ends_with(".swp") || name.starts_with(".#")
    })
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// The response to a GET of `url`: the status endpoint, or a file of the output folder
/// (`/` and folders give their `index.html`; HTML pages get the reload script).
fn respond(output: &Path, url: &str, status: &Mutex<Status>) -> Response {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == "/__manyi/status" {
        let s = status.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let body = serde_json::to_vec(&s).unwrap_or_default();
        return with_type(tiny_http::Response::from_data(body), "application/json");
    }
    let Some(file) = resolve(output, path) else {
        return with_type(tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404), "text/plain");
    };
    match std::fs::read(&file) {
        Ok(mut bytes) => {
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                bytes = inject(bytes);
            }
            with_type(tiny_http::Response::from_data(bytes), kind)
        }
        Err(_) => with_type(tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404), "text/plain"),
    }
}

fn with_type(r: Response, kind: &str) -> Response {
    let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()).expect("a valid header");
    let no_cache = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]).expect("a valid header");
    r.with_header(header).with_header(no_cache)
}

/// The file a URL path names inside `output`: percent-decoded, every segment a plain name (no
/// `..`, no absolute paths), a folder giving its `index.html`.
fn resolve(output: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let mut file = output.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\\') || segment.contains('\0') {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("md") => "text/markdown; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script before `</body>` (or at the end).
fn inject(page: Vec<u8>) -> Vec<u8> {
    let at = memchr::memmem::rfind(&page, b"</body>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + RELOAD_SCRIPT.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_stay_inside_the_output() {
        let dir = std::env::temp_dir().join(format!("manyi-serve-resolve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("2026")).unwrap();
        std::fs::write(dir.join("index.html"), "root").unwrap();
        std::fs::write(dir.join("2026/index.html"), "year").unwrap();
        std::fs::write(dir.join("a b.csv"), "x").unwrap();
        assert_eq!(resolve(&dir, "/"), Some(dir.join("index.html")));
        assert_eq!(resolve(&dir, "/2026/"), Some(dir.join("2026/index.html")));
        assert_eq!(resolve(&dir, "/2026"), Some(dir.join("2026/index.html")));
        assert_eq!(resolve(&dir, "/a%20b.csv"), Some(dir.join("a b.csv")));
        for bad in ["/../etc/passwd", "/2026/../../x", "/%2e%2e/x", "/..%2fx", "/missing.html", "/%zz"] {
            assert_eq!(resolve(&dir, bad), None, "{bad}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_requests_naming_the_loopback_server_are_answered() {
        assert!(local_host("127.0.0.1:1111", 1111));
        assert!(local_host("localhost:1111", 1111));
        assert!(local_host("LOCALHOST", 1111));
        assert!(!local_host("evil.example:1111", 1111));
        assert!(!local_host("127.0.0.1:2222", 1111));
        assert!(!local_host("127.0.0.1.evil.example", 1111));
    }

    #[test]
    fn the_script_goes_before_the_closing_body() {
        let page = inject(b"<html><body><p>x</p></body></html>".to_vec());
        let text = String::from_utf8(page).unwrap();
        assert!(text.starts_with("<html><body><p>x</p><script>"));
        assert!(text.ends_with("</script></body></html>"));
    }

    #[test]
    fn only_input_files_trigger_a_rebuild() {
        let out = Path::new("/p/public");
        assert!(is_input_change(Path::new("/p/data/s.csv"), out));
        assert!(is_input_change(Path::new("/p/manyi.toml"), out));
        assert!(!is_input_change(Path::new("/p/public/index.html"), out));
        assert!(!is_input_change(Path::new("/p/.public.manyi-tmp-12/index.html"), out));
        assert!(!is_input_change(Path::new("/p/.public.manyi-lock"), out));
        assert!(!is_input_change(Path::new("/p/data/.s.csv.swp"), out));
    }
}
