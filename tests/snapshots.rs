//! Snapshot tests of the middle ring: fragments of the rendered pages (one snapshot per
//! section, so a change to one section fails only its snapshot), the complaint and action
//! figures as JSON, and the registers as read. Built through the library API, one thread.
//!
//! Fixtures: `register` (en; hand-computed in tests/build.rs), `hand` (zh-CN, two years),
//! and `snap-edges` (zh-CN by default), worked out here:
//!
//! snap-edges, status as of the cut-off 2026-06-30, period 2026. Complaints K1..K6 are
//! received in 2026 (K9 in 2025; K7 blank category, the second K3 and K8 closed before
//! received are rejected). All six are closed by the cut-off (K5 on the cut-off day): no open
//! complaint, closure 6/6 = 100 % ≥ 80 %.
//!   deadlines K1 01-10, K2 01-30, K4 03-12, K5 05-01, K6 05-09 (K3 none): closed with a
//!   deadline 5, on time K1, K4, K6 (on the day) → 3/5 = 60 %
//!   days to close K1 2, K2 14, K3 1, K4 0, K5 73, K6 7 → mean 97/6 = 16.17, median (2+7)/2 = 4.5
//!   no reopened / follow-up columns: reopen rate 0/6 = 0, coverage 0/6 = 0, satisfaction —
//!   类别: 安装|调试 3, <b>噪声</b> 2, 包装 1;  部门 (Pareto): blank 3 (K2 K4 K6), 售后部 2,
//!   质量部 1 → shares 50 %, 83.3 %, 100 %; vital few: blank, 售后部
//!   months Jan–Jun 2 1 1 1 1 0 → c̄ = 1, UCL 4, LCL 0
//!   orders 40 25 50 20 40 25 (2026-13 and −5 rejected) = 200 → p̄ = 6/200 = 0.03,
//!   rate 30 per 1000; p chart LCL all 0, UCL for n = 40: 0.03 + 3·√(0.03·0.97/40) = 0.1109
//! Actions as of 2026-06-30: B5 (due 2026-02-30) rejected; B3 已完成 and B6 Closed are closed;
//!   open B1 (no due date), B2 (due 06-01, 29 days overdue), B4 (due 06-30: not overdue),
//!   B7 (due 03-31, 91 days overdue) → overdue 2, listed 张三 B7 then 李四 B2 (owner order);
//!   by owner 张三 open 2 overdue 1, 李四 open 2 overdue 1; no verified column → 0 verified.

mod common;

use manyi::analysis::survey::SurveyModel;
use manyi::analysis::{choose_periods, summarize_period, Figures};
use manyi::charts::{draw_charts, Chart};
use manyi::ingest::complaints::read_complaints;
use manyi::ingest::registers::{read_actions, read_volumes};
use manyi::ingest::{resolve_files, FileAccount, Rejection};
use manyi::labels::Labels;
use manyi::period::{Date, YearMonth};
use manyi::render::{render_archive, render_period, Page, Site, Templates};
use manyi::settings::{Env, Options, Settings};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A fresh copy of a fixture project in this test binary's temp folder, with `edit` applied
/// to its manyi.toml.
fn fixture(name: &str, case: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dst = common::fixture(name, &format!("snap-{case}"));
    let cfg = dst.join("manyi.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let edited = edit(text.clone());
    if edited != text {
        std::fs::write(&cfg, edited).unwrap();
    }
    dst
}

fn unchanged(s: String) -> String {
    s
}

fn to_english(s: String) -> String {
    let out = if s.contains("language = \"zh-CN\"") {
        s.replace("language = \"zh-CN\"", "language = \"en\"")
    } else if s.contains("[site]\n") {
        s.replace("[site]\n", "[site]\nlanguage = \"en\"\n")
    } else {
        format!("[site]\nlanguage = \"en\"\n\n{s}")
    };
    assert!(out.contains("language = \"en\""));
    out
}

fn to_chinese(s: String) -> String {
    let out = s.replace("language = \"en\"", "language = \"zh-CN\"");
    assert!(out.contains("language = \"zh-CN\""));
    out
}

/// One period's outputs, as text.
struct Report {
    figures: Figures,
    charts: Vec<Chart>,
    html: String,
    md: String,
}

/// Everything a build would write, made in memory through the library's stages.
struct Built {
    labels: Labels,
    /// The inlined stylesheet (left out of snapshots).
    css: String,
    reports: Vec<Report>,
    archive: Option<String>,
}

fn build(project: &Path, period: Option<&str>, threads: usize) -> Built {
    let options = Options { period: period.map(str::to_string), ..Default::default() };
    let env = Env { threads: Some(threads), ..Default::default() };
    let settings = Settings::resolve(project, &options, &env).unwrap_or_else(|e| panic!("{e}"));
    let lang = settings.config.site.language;
    let labels = Labels::for_language(lang);
    let templates = Templates::load(&[], labels.clone(), lang.code()).unwrap_or_else(|e| panic!("{e}"));
    let model = SurveyModel::from_config(&settings.config);
    let inputs = manyi::load(&settings, &model).unwrap_or_else(|e| panic!("{e}"));
    let periods = choose_periods(&settings.config, &inputs, &settings.periods).unwrap_or_else(|e| panic!("{e}"));
    let columns: &[String] = settings.config.complaints.as_ref().map_or(&[], |k| &k.pareto);
    let quality = manyi::analysis::DataQuality::of(&inputs.quality);
    let mut reports = Vec::new();
    for p in periods {
        let figures =
            summarize_period(&settings.config, &model, &inputs, &quality, p).unwrap_or_else(|e| panic!("{e}"));
        let charts = draw_charts(&figures, columns, &labels).unwrap_or_else(|e| panic!("{e}"));
        let files = render_period(&Page {
            config: &settings.config,
            figures: &figures,
            charts: &charts,
            conclusions: inputs.conclusions.as_deref(),
            content: &inputs.content,
            labels: &labels,
            templates: &templates,
            pdf: false,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let text = |name: &str| {
            let f = files.iter().find(|f| f.path == name).unwrap_or_else(|| panic!("no {name}"));
            String::from_utf8(f.bytes.clone()).unwrap()
        };
        let (html, md) = (text("index.html"), text("report.md"));
        reports.push(Report { figures, charts, html, md });
    }
    // The archive's root page, from the periods' summaries as the site writer passes them.
    let archive = (reports.len() > 1).then(|| {
        let summaries: Vec<(String, Vec<u8>)> = reports
            .iter()
            .map(|r| (r.figures.period.to_string(), serde_json::to_vec_pretty(&r.figures).unwrap()))
            .collect();
        let site = Site::of(&settings.config, &labels);
        let files = render_archive(&templates, &site, &labels, &summaries).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(files[0].bytes.clone()).unwrap()
    });
    let css = templates.css.clone();
    let built = Built { labels, css, reports, archive };
    // No snapshot may hold the temp folder.
    let root = project.to_string_lossy();
    for r in &built.reports {
        assert!(!r.html.contains(&*root) && !r.md.contains(&*root), "output names the temp folder");
    }
    built
}

impl Built {
    fn only(&self) -> &Report {
        assert_eq!(self.reports.len(), 1);
        &self.reports[0]
    }
}

/// The `## {heading}` section of report.md (an appendix's heading may carry its letter before
/// the title: `## 附录 A　方法说明`), up to the next `## ` heading.
fn md_section(md: &str, heading: &str) -> String {
    let start = md
        .match_indices("\n## ")
        .map(|(i, _)| i + 1)
        .find(|&i| md[i..].split('\n').next().is_some_and(|line| line.ends_with(heading)))
        .unwrap_or_else(|| panic!("no section {heading:?} in report.md"));
    let rest = &md[start..];
    let first_line = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let end = rest[first_line - 1..].find("\n## ").map_or(rest.len(), |i| i + first_line);
    format!("{}\n", rest[..end].trim_end())
}

/// Inline SVG charts replaced by a placeholder: the drawings are not this test's business.
fn without_svg(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<svg") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find("</svg>").expect("closed svg") + i + "</svg>".len();
        out.push_str("[svg]");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The `<section>` of index.html that holds `marker` (a heading or a class attribute).
fn html_section(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker:?} in index.html"));
    let start =
        if marker.starts_with("<section") { at } else { html[..at].rfind("<section").expect("inside a section") };
    let end = html[at..].find("</section>").expect("section closed") + at + "</section>".len();
    format!("{}\n", without_svg(&html[start..end]))
}

/// From `<h3>{title}</h3>` to the end of the next table.
fn html_h3_table(html: &str, title: &str) -> String {
    let head = format!("<h3>{title}</h3>");
    let start = html.find(&head).unwrap_or_else(|| panic!("no {head:?} in index.html"));
    let end = html[start..].find("</table>").expect("a table follows") + start + "</table>".len();
    format!("{}\n", without_svg(&html[start..end]))
}

fn pretty<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

fn date_of(day: i32) -> Date {
    Date::from_days(i64::from(day)).expect("a valid day number")
}

fn rejection_line(r: &Rejection) -> String {
    let col = r.col.map_or_else(|| "-".to_string(), |c| c.to_string());
    let column = r.column.as_deref().unwrap_or("-");
    format!("{}:{}:{} [{}] {}", r.file, r.line, col, column, r.reason)
}

fn accounts_lines(out: &mut String, accounts: &[FileAccount]) {
    for a in accounts {
        writeln!(out, "  {}: read {}, used {}, rejected {}", a.file, a.read, a.used, a.rejected).unwrap();
    }
}

/// The three registers of a project as `read_complaints`, `read_volumes` and `read_actions`
/// return them: one line per record, then the rejections and the file accounts.
fn dump_registers(project: &Path) -> String {
    let settings = Settings::resolve(project, &Options::default(), &Env { threads: Some(1), ..Default::default() })
        .unwrap_or_else(|e| panic!("{e}"));
    let (root, cfg) = (&settings.root, &settings.config);
    let mut out = String::new();
    if let Some(k) = &cfg.complaints {
        let files = resolve_files(root, &k.files, "[complaints] files").unwrap();
        let mut rejected = Vec::new();
        let plan = manyi::ingest::ReadPlan { threads: 1, range_bytes: None };
        let cutoff = cfg.report.cutoff_date();
        let new = || manyi::analysis::register::ComplaintAcc::new(k.pareto.len(), cutoff);
        let (data, accounts) =
            read_complaints(&files, k, &new, plan, |r| rejected.push(r)).unwrap_or_else(|e| panic!("{e}"));
        // No complaint is kept: the per-month accumulators, every tally of each month.
        let received: u64 = data.months.values().map(|m| m.received).sum();
        writeln!(out, "complaints ({received} read, {} symbols):", data.symbols.len()).unwrap();
        let name = |k: u32| format!("{:?}", data.symbols.name(k));
        let tallies = |t: &manyi::analysis::register::Tallies, weights: bool| -> String {
            let each = t.order().into_iter().map(|k| {
                let x = t.get(k);
                let w = if weights { format!(" (weight {})", x.weight()) } else { String::new() };
                format!("{} {}{w} from line {}", name(k), x.count, x.first.line)
            });
            each.collect::<Vec<_>>().join(", ")
        };
        let days = |d: &manyi::analysis::register::DayCounts| {
            d.iter().map(|(v, n)| format!("{v}:{n}")).collect::<Vec<_>>().join(" ")
        };
        for (m, acc) in &data.months {
            let rows: Vec<String> = acc.first_rows.iter().map(|p| format!("{}:{}", p.file, p.line)).collect();
            writeln!(
                out,
                "  {} received {}, first rows [{}]",
                YearMonth::from_ordinal(*m),
                acc.received,
                rows.join(" ")
            )
            .unwrap();
            for (field, t) in ["category", "nature", "department", "channel"].iter().zip(&acc.keys) {
                writeln!(out, "    {field}: {}", tallies(t, false)).unwrap();
            }
            for (col, t) in k.pareto.iter().zip(&acc.pareto) {
                writeln!(out, "    pareto {col}: {}", tallies(t, true)).unwrap();
            }
            for g in &acc.groups {
                let counts: Vec<String> = (0..g.counts.len() as u32)
                    .filter(|c| g.count(*c) > 0)
                    .map(|c| format!("{} {}", name(c), g.count(c)))
                    .collect();
                writeln!(out, "    group {}: {} [{}]", g.group.map_or("-".into(), name), g.total, counts.join(", "))
                    .unwrap();
            }
            for (h, s) in ["month", "quarter", "year"].iter().zip(&acc.status) {
                let oldest: Vec<String> = s.oldest.iter().map(|c| format!("{} {}d", c.id, c.age)).collect();
                writeln!(
                    out,
                    "    as of the {h}'s end: closed {}, open {}, timed {}, on time {}, followed up {}, satisfied {}, \
                     reopened {}, days [{}], ages [{}], oldest [{}], promise {:?}",
                    s.closed,
                    s.open,
                    s.closed_with_deadline,
                    s.on_time,
                    s.followed_up,
                    s.satisfied,
                    s.reopened,
                    days(&s.days),
                    days(&s.ages),
                    oldest.join(", "),
                    s.promise.figures(),
                )
                .unwrap();
            }
        }
        for r in &data.repeat_rows {
            let c = data.customers.name(r.customer);
            writeln!(
                out,
                "  customer {c:?} (file {} line {}): received {}",
                r.pos.file,
                r.pos.line,
                date_of(r.received_day)
            )
            .unwrap();
        }
        writeln!(out, "  rejected:").unwrap();
        for r in &rejected {
            writeln!(out, "    {}", rejection_line(r)).unwrap();
        }
        accounts_lines(&mut out, &accounts);
        if let Some(v) = &k.volume {
            let files = resolve_files(root, &v.files, "[complaints.volume] files").unwrap();
            let mut rejected = Vec::new();
            let (months, accounts) = read_volumes(&files, v, |r| rejected.push(r)).unwrap_or_else(|e| panic!("{e}"));
            writeln!(out, "volumes:").unwrap();
            for (m, n) in &months {
                writeln!(out, "  {m}: {n}").unwrap();
            }
            writeln!(out, "  rejected:").unwrap();
            for r in &rejected {
                writeln!(out, "    {}", rejection_line(r)).unwrap();
            }
            accounts_lines(&mut out, &accounts);
        }
    }
    if let Some(a) = &cfg.actions {
        let files = resolve_files(root, &a.files, "[actions] files").unwrap();
        let mut rejected = Vec::new();
        let (actions, accounts) = read_actions(&files, a, |r| rejected.push(r)).unwrap_or_else(|e| panic!("{e}"));
        writeln!(out, "actions:").unwrap();
        for x in &actions {
            writeln!(
                out,
                "  {} (file {} line {}): problem {:?}, owner {:?}, department {:?}, due {}, status {:?}, closed {}, \
                 verified {}",
                x.id,
                x.pos.file,
                x.pos.line,
                x.problem,
                x.owner,
                x.department,
                x.due.map_or_else(|| "-".to_string(), |d| d.to_string()),
                x.status,
                x.closed,
                x.verified.map_or("-", |b| if b { "yes" } else { "no" }),
            )
            .unwrap();
        }
        writeln!(out, "  rejected:").unwrap();
        for r in &rejected {
            writeln!(out, "    {}", rejection_line(r)).unwrap();
        }
        accounts_lines(&mut out, &accounts);
    }
    out
}

/// The title of chart `name` (`pareto-1`, ...) as drawn; the pages head its block with it.
fn chart_title(r: &Report, name: &str) -> String {
    r.charts.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no chart {name}")).title.clone()
}

// ---- register fixture (en; figures worked out in tests/build.rs) ----

#[test]
fn register_complaint_section_en_and_zh() {
    let en = build(&fixture("register", "en", unchanged), None, 1);
    insta::assert_snapshot!("register_en_md_complaints", md_section(&en.only().md, &en.labels.get("complaints")));
    let zh = build(&fixture("register", "zh", to_chinese), None, 1);
    insta::assert_snapshot!("register_zh_md_complaints", md_section(&zh.only().md, &zh.labels.get("complaints")));
    // The figures do not depend on the language (but for the default band names: no [bands]).
    assert_eq!(common::zh_default_band_names(&pretty(&en.only().figures)), pretty(&zh.only().figures));
}

#[test]
fn register_method_notes_en_and_zh() {
    let en = build(&fixture("register", "method-en", unchanged), None, 1);
    insta::assert_snapshot!("register_en_md_method", md_section(&en.only().md, &en.labels.get("method")));
    insta::assert_snapshot!(
        "register_en_html_method",
        html_section(&en.only().html, "<section class=\"method\" id=\"method\">")
    );
    let zh = build(&fixture("register", "method-zh", to_chinese), None, 1);
    insta::assert_snapshot!("register_zh_md_method", md_section(&zh.only().md, &zh.labels.get("method")));
}

#[test]
fn register_pareto_tables_of_the_page() {
    for (case, edit) in [("en", unchanged as fn(String) -> String), ("zh", to_chinese)] {
        let b = build(&fixture("register", &format!("pareto-{case}"), edit), None, 1);
        let html = &b.only().html;
        let mut out = String::new();
        for chart in ["pareto-类别", "pareto-类别-weighted", "pareto-部门"] {
            out.push_str(&html_h3_table(html, &chart_title(b.only(), chart)));
        }
        insta::assert_snapshot!(format!("register_{case}_html_pareto"), out);
    }
}

#[test]
fn register_figures_as_json() {
    let b = build(&fixture("register", "json", unchanged), None, 1);
    let f = &b.only().figures;
    insta::assert_snapshot!("register_complaints_json", pretty(&f.complaints));
    insta::assert_snapshot!("register_actions_json", pretty(&f.actions));
}

#[test]
fn register_actions_and_quality_sections() {
    let b = build(&fixture("register", "sections", unchanged), None, 1);
    let r = b.only();
    insta::assert_snapshot!("register_en_md_actions", md_section(&r.md, &b.labels.get("actions")));
    insta::assert_snapshot!("register_en_md_quality", md_section(&r.md, &b.labels.get("quality")));
    insta::assert_snapshot!(
        "register_en_html_quality",
        html_section(&r.html, "<section class=\"quality\" id=\"quality\">")
    );
}

#[test]
fn register_verdict_and_basics_en() {
    let b = build(&fixture("register", "basics", unchanged), None, 1);
    let md = &b.only().md;
    let verdict = md.lines().find(|l| l.starts_with("> **")).expect("a verdict line");
    let out = format!("{verdict}\n\n{}", md_section(md, &b.labels.get("basics")));
    insta::assert_snapshot!("register_en_md_verdict_basics", out);
}

#[test]
fn register_registers_as_read() {
    let project = fixture("register", "read", unchanged);
    insta::assert_snapshot!("register_registers", dump_registers(&project));
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let one = build(&fixture("register", "threads-1", unchanged), None, 1);
    let two = build(&fixture("register", "threads-2", unchanged), None, 2);
    assert_eq!(one.only().md, two.only().md);
    assert_eq!(one.only().html, two.only().html);
    let one = build(&fixture("hand", "threads-1", unchanged), Some("all"), 1);
    let two = build(&fixture("hand", "threads-2", unchanged), Some("all"), 2);
    assert_eq!(one.archive, two.archive);
    for (a, b) in one.reports.iter().zip(&two.reports) {
        assert_eq!((&a.md, &a.html), (&b.md, &b.html));
    }
}

// ---- hand fixture (zh-CN, 2025 and 2026; figures worked out in tests/build.rs) ----

#[test]
fn hand_kpis_comments_method_and_quality() {
    let b = build(&fixture("hand", "sections", unchanged), None, 1);
    let r = b.only();
    insta::assert_snapshot!("hand_html_kpis", html_section(&r.html, "<section class=\"kpis\" id=\"kpis\">"));
    insta::assert_snapshot!("hand_md_comments", md_section(&r.md, &b.labels.get("comments")));
    insta::assert_snapshot!(
        "hand_html_comments",
        html_section(&r.html, &format!("<h2>{}</h2>", b.labels.get("comments")))
    );
    insta::assert_snapshot!("hand_md_method", md_section(&r.md, &b.labels.get("method")));
    insta::assert_snapshot!("hand_md_quality", md_section(&r.md, &b.labels.get("quality")));
    insta::assert_snapshot!("hand_html_quality", html_section(&r.html, "<section class=\"quality\" id=\"quality\">"));
}

#[test]
fn hand_archive_page() {
    let b = build(&fixture("hand", "archive", unchanged), Some("all"), 1);
    assert_eq!(b.reports.len(), 2);
    let archive = b.archive.as_deref().expect("an archive page");
    assert!(archive.contains(&b.css));
    insta::assert_snapshot!("hand_archive", archive.replace(&b.css, "[style.css]\n"));
}

// ---- snap-edges fixture (zh-CN by default; figures worked out at the top of this file) ----

#[test]
fn edges_complaint_section_zh_and_en() {
    let zh = build(&fixture("snap-edges", "zh", unchanged), None, 1);
    insta::assert_snapshot!("edges_zh_md_complaints", md_section(&zh.only().md, &zh.labels.get("complaints")));
    insta::assert_snapshot!(
        "edges_zh_html_complaints",
        html_section(&zh.only().html, "<section class=\"complaints\" id=\"complaints\">")
    );
    let en = build(&fixture("snap-edges", "en", to_english), None, 1);
    insta::assert_snapshot!("edges_en_md_complaints", md_section(&en.only().md, &en.labels.get("complaints")));
    insta::assert_snapshot!("edges_zh_md_method", md_section(&zh.only().md, &zh.labels.get("method")));
    insta::assert_snapshot!("edges_en_md_method", md_section(&en.only().md, &en.labels.get("method")));
}

#[test]
fn edges_actions_section() {
    let b = build(&fixture("snap-edges", "actions", unchanged), None, 1);
    let r = b.only();
    insta::assert_snapshot!("edges_zh_md_actions", md_section(&r.md, &b.labels.get("actions")));
    insta::assert_snapshot!(
        "edges_zh_html_actions",
        html_section(&r.html, "<section class=\"actions\" id=\"actions\">")
    );
    insta::assert_snapshot!("edges_zh_md_quality", md_section(&r.md, &b.labels.get("quality")));
}

#[test]
fn edges_figures_as_json() {
    let b = build(&fixture("snap-edges", "json", unchanged), None, 1);
    let f = &b.only().figures;
    insta::assert_snapshot!("edges_complaints_json", pretty(&f.complaints));
    insta::assert_snapshot!("edges_actions_json", pretty(&f.actions));
}

#[test]
fn edges_registers_as_read() {
    let project = fixture("snap-edges", "read", unchanged);
    insta::assert_snapshot!("edges_registers", dump_registers(&project));
}
