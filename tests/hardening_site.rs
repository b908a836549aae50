//! Issue 15, the output folder: concurrent builds into one folder, `--output` naming a file,
//! an output folder that is a symbolic link, the output lock and recovery after a kill.
//! Every build runs through the real binary.

mod common;
use common::{copy_dir, folder_files, stderr};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_manyi");

/// A fresh copy of the `hand` fixture in this test's own temp folder.
fn project(case: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("site-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&src, &dir);
    dir
}

fn build(dir: &Path, extra: &[&str]) -> Output {
    Command::new(BIN).arg("build").arg(dir).args(extra).output().unwrap()
}

/// The folder a clean, lone build of `dir` produces (built into a folder of its own).
fn reference(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let out = dir.with_file_name(format!("{}-reference", dir.file_name().unwrap().to_string_lossy()));
    let _ = std::fs::remove_dir_all(&out);
    let o = build(dir, &["--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = folder_files(&out);
    assert!(files.iter().any(|(p, _)| p == Path::new(".manyi-output")));
    files
}

/// Names in `dir` that look like manyi's temporaries, locks or moved-aside sites.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".manyi-"))
        .collect()
}

/// A build paused just before its swap, returned once it has written its temporary folder
/// (so from then on it holds the output). The caller waits for it.
#[allow(clippy::zombie_processes)]
fn paused_build(dir: &Path, out: &Path, pause_ms: u64) -> Child {
    let mut child = Command::new(BIN)
        .arg("build")
        .arg(dir)
        .arg("--output")
        .arg(out)
        .env("MANYI_TEST_PAUSE_BEFORE_SWAP_MS", pause_ms.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let parent = out.parent().unwrap();
    let tmp_prefix = format!(".{}.manyi-tmp", out.file_name().unwrap().to_string_lossy());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let written = std::fs::read_dir(parent).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().starts_with(&tmp_prefix) && e.path().join("index.html").exists()
        });
        if written {
            return child;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the paused build never wrote its temporary folder");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Item 1 and the "done when": builds started together into one folder leave a
/// complete site (exactly a lone build's), marked as manyi's, and the next build works.
/// The first build is held before its swap while three more start, so every one of them
/// reaches the output while another is about to swap.
#[test]
fn concurrent_builds_leave_one_complete_site() {
    let dir = project("concurrent");
    let expected = reference(&dir);
    let out = dir.join("public");
    assert!(build(&dir, &[]).status.success(), "a first site exists before the race");

    let first = paused_build(&dir, &out, 400);
    let others: Vec<Child> = (0..3)
        .map(|_| {
            Command::new(BIN)
                .arg("build")
                .arg(&dir)
                .env("MANYI_TEST_PAUSE_BEFORE_SWAP_MS", "100")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = std::iter::once(first).chain(others).map(|c| c.wait_with_output().unwrap()).collect();
    assert!(out.join(".manyi-output").is_file(), "the folder is still marked as manyi's");
    assert_eq!(folder_files(&out), expected, "the site is one build's complete output");
    for o in &outputs {
        assert!(o.status.success(), "every build waits for the one before it: {}", stderr(o));
    }
    assert_eq!(leftovers(&dir), Vec::<String>::new(), "no temporary folder or lock left behind");

    let o = build(&dir, &[]);
    assert!(o.status.success(), "a later build accepts the folder: {}", stderr(&o));
    assert_eq!(folder_files(&out), expected);
}

/// Many builds at once, none paused for long: the same guarantees.
#[test]
fn many_simultaneous_builds_leave_one_complete_site() {
    let dir = project("simultaneous");
    let expected = reference(&dir);
    let out = dir.join("public");
    let children: Vec<Child> = (0..6)
        .map(|_| {
            Command::new(BIN)
                .arg("build")
                .arg(&dir)
                .env("MANYI_TEST_PAUSE_BEFORE_SWAP_MS", "50")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    assert!(out.join(".manyi-output").is_file(), "the folder is still marked as manyi's");
    assert_eq!(folder_files(&out), expected, "the site is one build's complete output");
    for o in &outputs {
        assert!(o.status.success(), "{}", stderr(o));
    }
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    assert!(build(&dir, &[]).status.success());
}

/// A build told not to wait for the output lock fails at once with a message naming the
/// build that holds it, and touches nothing.
#[test]
fn busy_output_fails_clearly_when_not_waiting() {
    let dir = project("busy");
    let expected = reference(&dir);
    let out = dir.join("public");
    let holder = paused_build(&dir, &out, 1500);
    let holder_pid = holder.id();
    let o = Command::new(BIN).arg("build").arg(&dir).env("MANYI_OUTPUT_LOCK_WAIT_SECS", "0").output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("another manyi build (process {holder_pid}) is writing this output folder")),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    let o = holder.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(folder_files(&out), expected, "the holder's site, untouched by the refused build");
    assert_eq!(leftovers(&dir), Vec::<String>::new());
}

/// A lock file left by a build that died (its pid written, no lock held) blocks nothing.
#[test]
fn stale_lock_file_does_not_block() {
    let dir = project("stale-lock");
    std::fs::write(dir.join(".public.manyi-lock"), "999999999\n").unwrap();
    let o = Command::new(BIN).arg("build").arg(&dir).env("MANYI_OUTPUT_LOCK_WAIT_SECS", "0").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("public/.manyi-output").is_file());
}

/// A build killed (SIGKILL) while holding the output: its lock dies with it, the site is the
/// previous one, and the next build (not waiting at all) clears the leftovers.
#[test]
fn killed_build_releases_the_output() {
    let dir = project("killed");
    let out = dir.join("public");
    assert!(build(&dir, &[]).status.success());
    let before = folder_files(&out);
    let cfg = dir.join("manyi.toml");
    std::fs::write(&cfg, std::fs::read_to_string(&cfg).unwrap().replace("Fixture", "Changed")).unwrap();
    let mut child = paused_build(&dir, &out, 20000);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(folder_files(&out), before, "the published site changed");
    assert!(!leftovers(&dir).is_empty(), "the kill left its temporary folder");
    let o = Command::new(BIN).arg("build").arg(&dir).env("MANYI_OUTPUT_LOCK_WAIT_SECS", "0").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(leftovers(&dir), Vec::<String>::new(), "the next build clears the leftovers");
    assert!(std::fs::read_to_string(out.join("index.html")).unwrap().contains("Changed"));
}

/// Item 2: `--output` naming an existing file is refused; the file stays where and what it was.
#[test]
fn output_naming_a_file_is_refused() {
    let dir = project("output-file");
    let file = dir.join("report.txt");
    std::fs::write(&file, "my notes").unwrap();
    let o = build(&dir, &["--output", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("the output path is a file, not a folder"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(file.is_file());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my notes");
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    // A link to a file is a file too.
    #[cfg(unix)]
    {
        let link = dir.join("report-link");
        std::os::unix::fs::symlink("report.txt", &link).unwrap();
        let o = build(&dir, &["--output", link.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "my notes");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }
    // And later builds into the default folder are unaffected.
    assert!(build(&dir, &[]).status.success());
}

/// Item 3: an output folder that is a symbolic link (`public -> webroot`): the build goes
/// through the link into its target, and the link stays.
#[cfg(unix)]
#[test]
fn symlinked_output_is_followed_and_kept() {
    let dir = project("symlink");
    let expected = reference(&dir);
    let webroot = dir.with_file_name("site-symlink-webroot");
    let _ = std::fs::remove_dir_all(&webroot);
    std::fs::create_dir_all(&webroot).unwrap();
    let link = dir.join("public");
    std::os::unix::fs::symlink(&webroot, &link).unwrap();

    for round in ["first", "second"] {
        let o = build(&dir, &[]);
        assert!(o.status.success(), "{round}: {}", stderr(&o));
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "{round}: the link stays");
        assert_eq!(std::fs::read_link(&link).unwrap(), webroot, "{round}: pointing where it did");
        assert_eq!(folder_files(&webroot), expected, "{round}: the web root holds the site");
        assert_eq!(leftovers(&dir), Vec::<String>::new(), "{round}");
        assert_eq!(leftovers(webroot.parent().unwrap()), Vec::<String>::new(), "{round}");
    }

    // A relative link, a chain of links, and a link to a folder not made yet.
    let cfg = dir.join("manyi.toml");
    std::fs::write(&cfg, std::fs::read_to_string(&cfg).unwrap().replace("Fixture", "Changed")).unwrap();
    std::fs::remove_file(&link).unwrap();
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::os::unix::fs::symlink("www/current", dir.join("hop")).unwrap();
    std::os::unix::fs::symlink("hop", &link).unwrap();
    let o = build(&dir, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("hop"));
    assert_eq!(std::fs::read_link(dir.join("hop")).unwrap(), Path::new("www/current"));
    assert!(std::fs::read_to_string(dir.join("www/current/index.html")).unwrap().contains("Changed"));
    assert_eq!(leftovers(&dir.join("www")), Vec::<String>::new());
}

/// A link to a folder manyi did not make is refused like the folder itself.
#[cfg(unix)]
#[test]
fn symlink_to_a_foreign_folder_is_refused() {
    let dir = project("symlink-foreign");
    let foreign = dir.join("docs");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    std::os::unix::fs::symlink("docs", dir.join("public")).unwrap();
    let o = build(&dir, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(foreign.join("notes.txt")).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(dir.join("public")).unwrap().file_type().is_symlink());
}
