//! Benchmark: on the same generated project, time (1) the floor, a single-threaded csv-crate
//! pass over every CSV file, and (2) `manyi build --period all`; print both (wall time, and CPU
//! time = user + system of the child), their ratio, rows per second and peak memory. Runs are
//! interleaved so machine noise hits both alike.
//!
//!     bench/run.sh                      # sizes 100k, 1M, 5M responses (complaints = responses / 5, at most 200k)
//!     bench/run.sh 1000000              # one size
//!     bench/run.sh 200000:2000000       # responses:complaints (a complaint-heavy shape)
//!     BENCH_COMPLAINTS=1 bench/run.sh   # 200k responses with 1M, 2M and 5M complaints
//!
//! Each size is also built with `check_duplicate_ids = false`, and with `segments` (its three
//! segment columns), on the same files.
//!
//! Needs `target/release/manyi` and the `gen` and `floor` examples built in release mode
//! (bench/run.sh does that).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Run {
    wall: Duration,
    /// User + system CPU time of the child.
    cpu: Duration,
    max_rss_kb: i64,
}

/// Runs a command to completion; wall time, and the child's CPU time and peak resident memory
/// (wait4).
fn run(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let child = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage point to live locals.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "command failed: {cmd:?}");
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run { wall, cpu: time(usage.ru_utime) + time(usage.ru_stime), max_rss_kb: usage.ru_maxrss }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Data rows of every file (lines minus the header), streamed in small blocks so this
/// process stays small: a child's peak RSS as wait4 reports it can include the parent's.
fn count_rows(dir: &Path) -> u64 {
    use std::io::Read;
    let mut rows = 0;
    let mut buf = vec![0u8; 1 << 16];
    for e in std::fs::read_dir(dir.join("data")).unwrap() {
        let mut f = std::fs::File::open(e.unwrap().path()).unwrap();
        let mut lines = 0u64;
        loop {
            let n = f.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            lines += buf[..n].iter().filter(|c| **c == b'\n').count() as u64;
        }
        rows += lines.saturating_sub(1);
    }
    rows
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // (responses, complaints): complaints = responses / 5, at most 200k, unless given as N:M.
    let default_complaints = |n: u64| (n / 5).min(200_000);
    let sizes: Vec<(u64, u64)> = if !args.is_empty() {
        args.iter()
            .map(|a| match a.split_once(':') {
                Some((n, m)) => (n.parse().expect("N:M are counts"), m.parse().expect("N:M are counts")),
                None => {
                    let n = a.parse().expect("sizes are response counts (or responses:complaints)");
                    (n, default_complaints(n))
                }
            })
            .collect()
    } else if std::env::var("BENCH_COMPLAINTS").is_ok_and(|v| !v.is_empty() && v != "0") {
        vec![(200_000, 1_000_000), (200_000, 2_000_000), (200_000, 5_000_000)]
    } else {
        [100_000, 1_000_000, 5_000_000].into_iter().map(|n| (n, default_complaints(n))).collect()
    };
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/release/manyi");
    let gen = root.join("target/release/examples/gen");
    let floor = root.join("target/release/examples/floor");
    let work = root.join("target/bench-data");
    // BENCH_BASELINE=path/to/an/older/manyi: that binary is timed too, interleaved, on the same files.
    let baseline = std::env::var_os("BENCH_BASELINE").filter(|v| !v.is_empty()).map(PathBuf::from);
    println!(
        "{:>18} {:>10} {:>10} {:>10} {:>10} {:>10} {:>7} {:>12} {:>10} {:>10}",
        "responses+compl.",
        "rows",
        "floor ms",
        "floor cpu",
        "build ms",
        "build cpu",
        "ratio",
        "rows/s",
        "floor MB",
        "build MB"
    );
    for (n, c) in sizes {
        // The default shapes keep their folder names (r1000000), others name both counts.
        let name = if c == default_complaints(n) { format!("r{n}") } else { format!("r{n}-c{c}") };
        let dir = work.join(&name);
        if !dir.join("manyi.toml").exists() {
            run(Command::new(&gen).args(["--responses", &n.to_string(), "--complaints", &c.to_string()]).arg(&dir));
        }
        let rows = count_rows(&dir);
        let out = work.join(format!("out-{name}"));
        // The same project with check_duplicate_ids = false, reading the same files through a
        // symlink (which leads outside the project folder, so it is allowed explicitly).
        let noids = work.join(format!("{name}-noids"));
        let cfg_noids = noids.join("manyi.toml");
        if !std::fs::read_to_string(&cfg_noids).is_ok_and(|c| c.contains("allow_outside_project")) {
            let _ = std::fs::remove_dir_all(&noids);
            std::fs::create_dir_all(&noids).unwrap();
            std::os::unix::fs::symlink(dir.join("data"), noids.join("data")).unwrap();
            let cfg = std::fs::read_to_string(dir.join("manyi.toml")).unwrap();
            std::fs::write(
                noids.join("manyi.toml"),
                cfg.replacen("[survey]\n", "[survey]\ncheck_duplicate_ids = false\n", 1).replacen(
                    "[site]\n",
                    "[site]\nallow_outside_project = true\n",
                    1,
                ),
            )
            .unwrap();
        }
        // The same project broken down by its three segment columns (`[survey] segments`).
        let seg = work.join(format!("r{n}-segments"));
        let cfg_seg = seg.join("manyi.toml");
        if !std::fs::read_to_string(&cfg_seg).is_ok_and(|c| c.contains("segments =")) {
            let _ = std::fs::remove_dir_all(&seg);
            std::fs::create_dir_all(&seg).unwrap();
            std::os::unix::fs::symlink(dir.join("data"), seg.join("data")).unwrap();
            let cfg = std::fs::read_to_string(dir.join("manyi.toml")).unwrap();
            std::fs::write(
                &cfg_seg,
                cfg.replacen("[survey]\n", "[survey]\nsegments = [\"产品类型\", \"客户类型\", \"地区\"]\n", 1)
                    .replacen("[site]\n", "[site]\nallow_outside_project = true\n", 1),
            )
            .unwrap();
        }
        let (mut tf, mut tb, mut mf, mut mb) = (Vec::new(), Vec::new(), 0, 0);
        let (mut tn, mut mn) = (Vec::new(), 0);
        let (mut ts, mut mseg) = (Vec::new(), 0);
        let (mut cf, mut cb, mut cn, mut cs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let build_with = |bin: &Path, project: &Path| {
            let mut cmd = Command::new(bin);
            cmd.args(["build", project.to_str().unwrap(), "--period", "all", "--output", out.to_str().unwrap()]);
            run(&mut cmd)
        };
        let build = |project: &Path| build_with(&bin, project);
        let (mut tz, mut cz, mut mz) = (Vec::new(), Vec::new(), 0);
        // One untimed warm-up of each, so both read the files from the page cache.
        run(Command::new(&floor).arg(&dir));
        build(&dir);
        for _ in 0..runs {
            let f = run(Command::new(&floor).arg(&dir));
            let b = build(&dir);
            let x = build(&noids);
            let g = build(&seg);
            ts.push(g.wall);
            cs.push(g.cpu);
            mseg = mseg.max(g.max_rss_kb);
            if let Some(base) = &baseline {
                let z = build_with(base, &dir);
                tz.push(z.wall);
                cz.push(z.cpu);
                mz = mz.max(z.max_rss_kb);
            }
            tf.push(f.wall);
            tb.push(b.wall);
            tn.push(x.wall);
            cf.push(f.cpu);
            cb.push(b.cpu);
            cn.push(x.cpu);
            mf = mf.max(f.max_rss_kb);
            mb = mb.max(b.max_rss_kb);
            mn = mn.max(x.max_rss_kb);
        }
        let (f, b, x) = (median(tf), median(tb), median(tn));
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:>18} {:>10} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>7.2} {:>12.0} {:>10.1} {:>10.1}",
            format!("{n}+{c}"),
            rows,
            ms(f),
            ms(median(cf)),
            ms(b),
            ms(median(cb)),
            b.as_secs_f64() / f.as_secs_f64(),
            rows as f64 / b.as_secs_f64(),
            mf as f64 / 1024.0,
            mb as f64 / 1024.0
        );
        // A variant of the build, on a line of its own under the build's columns.
        let variant = |wall: Duration, cpu: Duration, max_rss_kb: i64, label: &str| {
            println!(
                "{:>18} {:>10} {:>10} {:>10} {:>10.0} {:>10.0} {:>7.2} {:>12.0} {:>10} {:>10.1}   ({label})",
                "",
                "",
                "",
                "",
                ms(wall),
                ms(cpu),
                wall.as_secs_f64() / f.as_secs_f64(),
                rows as f64 / wall.as_secs_f64(),
                "",
                max_rss_kb as f64 / 1024.0
            );
        };
        variant(x, median(cn), mn, "check_duplicate_ids = false");
        variant(median(ts), median(cs), mseg, "segments: 3 columns");
        if !tz.is_empty() {
            variant(median(tz), median(cz), mz, "BENCH_BASELINE");
        }
    }
    println!(
        "(medians of {runs} interleaved runs after one warm-up; ms = wall time, cpu = user + system ms; \
         memory = peak RSS; ratio = build / floor, wall)"
    );
}
