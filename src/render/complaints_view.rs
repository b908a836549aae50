//! View data of the complaint and action sections: formatted figures, tables and charts.

use super::format::{fixed, pct, plain};
use super::{chart_err, Labels, Pair};
use crate::analysis::complaints::{ActionResult, ComplaintResult};
use crate::analysis::control::ControlChart;
use crate::analysis::pareto::ParetoRow;
use crate::charts::{render_control_chart, render_pareto_chart, ControlSpec, ParetoChart};
use crate::config::{ComplaintsConfig, RateChart};
use crate::diag::Result;
use serde::Serialize;

#[derive(Serialize)]
pub struct ComplaintView {
    kpis: Vec<Pair>,
    closure_status: &'static str,
    closure_text: String,
    as_of: String,
    breakdowns: Vec<TableView>,
    paretos: Vec<ParetoView>,
    months: Vec<MonthView>,
    has_volume: bool,
    control: Option<ControlView>,
    rate: Option<ControlView>,
    open_ages: Vec<Pair>,
    oldest: Vec<OpenView>,
}

#[derive(Serialize)]
struct TableView {
    title: String,
    /// Header of the amount column (count, or the weight column).
    amount: String,
    rows: Vec<RowView>,
    total: String,
}

#[derive(Serialize)]
struct RowView {
    category: String,
    count: String,
    share: String,
    cumulative: String,
    vital: bool,
}

#[derive(Serialize)]
struct ParetoView {
    title: String,
    chart: String,
    file: String,
    table: TableView,
    vital_text: String,
}

#[derive(Serialize)]
struct MonthView {
    month: String,
    count: u64,
    volume: String,
}

#[derive(Serialize)]
struct ControlView {
    title: String,
    chart: String,
    file: String,
    limits: String,
    signals: Vec<String>,
}

#[derive(Serialize)]
struct OpenView {
    id: String,
    received: String,
    category: String,
    department: String,
    age: i64,
    overdue: String,
}

#[derive(Serialize)]
pub struct ActionView {
    kpis: Vec<Pair>,
    as_of: String,
    overdue: Vec<ActionRowView>,
    by_owner: Vec<OwnerView>,
}

#[derive(Serialize)]
struct ActionRowView {
    id: String,
    problem: String,
    owner: String,
    due: String,
    status: String,
    days: String,
}

#[derive(Serialize)]
struct OwnerView {
    owner: String,
    open: u64,
    overdue: u64,
}

fn amount(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        fixed(v, 2)
    }
}

fn table(title: String, amount_label: String, rows: &[ParetoRow]) -> TableView {
    TableView {
        title,
        amount: amount_label,
        total: amount(rows.iter().map(|r| r.count).sum()),
        rows: rows
            .iter()
            .map(|r| RowView {
                category: r.category.clone(),
                count: amount(r.count),
                share: pct(Some(r.share)),
                cumulative: pct(Some(r.cumulative)),
                vital: r.vital,
            })
            .collect(),
    }
}

/// A file-name-safe slug for chart files: index-based, so any column name works.
fn pareto_file(i: usize, weighted: bool) -> String {
    if weighted {
        format!("pareto-{}-weighted", i + 1)
    } else {
        format!("pareto-{}", i + 1)
    }
}

fn control_view(
    t: &Labels,
    ch: &ControlChart,
    title: String,
    file: &str,
    y_desc: String,
    decimals: u32,
) -> Result<(ControlView, String)> {
    let spec = ControlSpec {
        title: title.clone(),
        points: ch.points.iter().map(|p| (p.label.clone(), p.value, p.lcl, p.ucl)).collect(),
        center: ch.center,
        signals: ch.signals.iter().map(|s| s.index).collect(),
        y_desc,
    };
    let svg = render_control_chart(&spec).map_err(|e| chart_err(file, e))?;
    let (lo, hi) = ch.points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.lcl), hi.max(p.ucl)));
    let same =
        ch.points.iter().all(|p| (p.ucl - ch.points[0].ucl).abs() < 1e-12 && (p.lcl - ch.points[0].lcl).abs() < 1e-12);
    let range = |a: f64, b: f64| {
        if same {
            fixed(a, decimals)
        } else {
            format!("{}–{}", fixed(a, decimals), fixed(b, decimals))
        }
    };
    let lcl_hi = ch.points.iter().map(|p| p.lcl).fold(f64::MIN, f64::max);
    let ucl_lo = ch.points.iter().map(|p| p.ucl).fold(f64::MAX, f64::min);
    let limits = t.fill(
        "c_limits",
        &[("center", &fixed(ch.center, decimals)), ("ucl", &range(ucl_lo, hi)), ("lcl", &range(lo, lcl_hi))],
    );
    let signals = ch.signals.iter().map(|s| t.fill(&format!("c_signal_{}", s.test), &[("month", &s.label)])).collect();
    Ok((ControlView { title, chart: svg.clone(), file: format!("charts/{file}.svg"), limits, signals }, svg))
}

/// Builds the complaint section; returns it with the chart files it drew.
pub fn complaints(
    cfg: &ComplaintsConfig,
    c: &ComplaintResult,
    t: &Labels,
) -> Result<(ComplaintView, Vec<(String, String)>)> {
    let mut charts = Vec::new();
    let days = |v: Option<f64>| v.map_or_else(|| super::format::DASH.to_string(), |d| fixed(d, 1));
    let mut kpis = vec![
        Pair { label: t.get("c_received"), value: c.received.to_string() },
        Pair { label: t.get("c_closed"), value: c.closed.to_string() },
        Pair { label: t.get("c_open"), value: c.open.to_string() },
        Pair { label: t.get("c_closure_rate"), value: pct(c.closure_rate) },
        Pair { label: t.get("c_on_time"), value: pct(c.on_time_rate) },
        Pair { label: t.get("c_days_mean"), value: days(c.days_to_close_mean) },
        Pair { label: t.get("c_days_median"), value: days(c.days_to_close_median) },
        Pair { label: t.get("c_reopen_rate"), value: pct(c.reopen_rate) },
        Pair { label: t.get("c_followup_coverage"), value: pct(c.followup_coverage) },
        Pair { label: t.get("c_followup_satisfaction"), value: pct(c.followup_satisfaction) },
    ];
    if let (Some(rate), Some(per)) = (c.complaint_rate, c.rate_per) {
        kpis.push(Pair { label: t.fill("c_complaint_rate", &[("per", &plain(per))]), value: fixed(rate, 2) });
    }
    let target = pct(Some(c.closure_target));
    let (closure_status, closure_text) = match c.closure_met {
        Some(true) => ("valid", t.fill("c_closure_met", &[("rate", &pct(c.closure_rate)), ("target", &target)])),
        Some(false) => ("invalid", t.fill("c_closure_missed", &[("rate", &pct(c.closure_rate)), ("target", &target)])),
        None => ("no_plan", t.fill("c_closure_missed", &[("rate", &pct(None)), ("target", &target)])),
    };
    // A breakdown that is also a Pareto column would only repeat the Pareto table.
    let breakdowns = c
        .breakdowns
        .iter()
        .filter(|b| !cfg.pareto.contains(&b.column))
        .map(|b| table(t.fill("c_by", &[("column", &b.column)]), t.get("c_amount"), &b.rows))
        .collect();
    let share = pct(Some(c.vital_share));
    let mut paretos = Vec::new();
    for (i, col) in cfg.pareto.iter().enumerate() {
        let variants = [(false, c.pareto.get(col)), (true, c.pareto_weighted.get(col))];
        for (weighted, rows) in variants {
            let Some(rows) = rows else { continue };
            let title = match (&c.weight_column, weighted) {
                (Some(w), true) => t.fill("c_pareto_weighted", &[("column", col), ("weight", w)]),
                _ => t.fill("c_pareto", &[("column", col)]),
            };
            let spec = ParetoChart {
                title: title.clone(),
                bars: rows.iter().map(|r| (r.category.clone(), r.count, r.vital, r.other)).collect(),
                cumulative: rows.iter().map(|r| r.cumulative * 100.0).collect(),
                threshold: c.vital_share * 100.0,
                threshold_label: t.fill("c_threshold", &[("share", &share)]),
                y_desc: if weighted { c.weight_column.clone().unwrap_or_default() } else { t.get("c_amount") },
            };
            let file = pareto_file(i, weighted);
            let svg = render_pareto_chart(&spec).map_err(|e| chart_err(&file, e))?;
            let names: Vec<&str> = rows.iter().filter(|r| r.vital).map(|r| r.category.as_str()).collect();
            paretos.push(ParetoView {
                title: title.clone(),
                chart: svg.clone(),
                file: format!("charts/{file}.svg"),
                table: table(title, spec.y_desc.clone(), rows),
                vital_text: t.fill("c_vital_few", &[("share", &share), ("names", &names.join("、"))]),
            });
            charts.push((file, svg));
        }
    }
    let has_volume = c.months.iter().any(|m| m.volume.is_some());
    let months = c
        .months
        .iter()
        .map(|m| MonthView {
            month: m.month.clone(),
            count: m.count,
            volume: m.volume.map_or_else(String::new, amount),
        })
        .collect();
    let mut control = None;
    if let Some(ch) = &c.control {
        let (v, svg) = control_view(t, ch, t.get("c_control"), "control-c", t.get("c_amount"), 2)?;
        charts.push(("control-c".into(), svg));
        control = Some(v);
    }
    let mut rate = None;
    if let (Some(ch), Some(vcfg)) = (&c.rate_chart, cfg.volume.as_ref()) {
        let (title, file, decimals) = match vcfg.chart {
            RateChart::U => (t.fill("c_rate_control_u", &[("per", &plain(vcfg.per))]), "control-u", 3),
            RateChart::P => (t.get("c_rate_control_p"), "control-p", 4),
        };
        let (v, svg) = control_view(t, ch, title, file, String::new(), decimals)?;
        charts.push((file.to_string(), svg));
        rate = Some(v);
    }
    let mut prev = -1i64;
    let open_ages = c
        .open_ages
        .iter()
        .map(|b| {
            let label = match b.max_days {
                Some(d) => t.fill("c_days_upto", &[("days", &d.to_string())]),
                None => t.fill("c_days_over", &[("days", &prev.to_string())]),
            };
            prev = b.max_days.unwrap_or(prev);
            Pair { label, value: b.count.to_string() }
        })
        .collect();
    let oldest = c
        .oldest_open
        .iter()
        .map(|o| OpenView {
            id: o.id.clone(),
            received: o.received.clone(),
            category: o.category.clone(),
            department: o.department.clone().unwrap_or_default(),
            age: o.age_days,
            overdue: match o.overdue {
                Some(true) => t.get("c_yes"),
                Some(false) => t.get("c_no"),
                None => String::new(),
            },
        })
        .collect();
    let view = ComplaintView {
        kpis,
        closure_status,
        closure_text,
        as_of: t.fill("c_as_of", &[("date", &c.as_of)]),
        breakdowns,
        paretos,
        months,
        has_volume,
        control,
        rate,
        open_ages,
        oldest,
    };
    Ok((view, charts))
}

pub fn actions(a: &ActionResult, t: &Labels) -> ActionView {
    ActionView {
        kpis: vec![
            Pair { label: t.get("a_total"), value: a.total.to_string() },
            Pair { label: t.get("a_closed"), value: a.closed.to_string() },
            Pair { label: t.get("a_open"), value: a.open.to_string() },
            Pair { label: t.get("a_overdue"), value: a.overdue.to_string() },
            Pair { label: t.get("a_verified"), value: a.verified.to_string() },
            Pair { label: t.get("a_unverified"), value: a.closed_unverified.to_string() },
        ],
        as_of: t.fill("a_as_of", &[("date", &a.as_of)]),
        overdue: a
            .overdue_actions
            .iter()
            .map(|r| ActionRowView {
                id: r.id.clone(),
                problem: r.problem.clone(),
                owner: r.owner.clone(),
                due: r.due.clone().unwrap_or_default(),
                status: r.status.clone(),
                days: r.days_overdue.map_or_else(String::new, |d| d.to_string()),
            })
            .collect(),
        by_owner: a
            .by_owner
            .iter()
            .map(|o| OwnerView { owner: o.owner.clone(), open: o.open, overdue: o.overdue })
            .collect(),
    }
}

/// Method notes of the complaint and action sections.
pub fn method_notes(
    cfg: Option<&ComplaintsConfig>,
    c: Option<&ComplaintResult>,
    a: Option<&ActionResult>,
    closed: &[String],
    t: &Labels,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let (Some(cfg), Some(c)) = (cfg, c) {
        let days = cfg.deadline_days.map_or_else(|| super::format::DASH.to_string(), |d| d.to_string());
        notes.push(
            t.fill("m_closure", &[("as_of", &c.as_of), ("target", &pct(Some(c.closure_target))), ("days", &days)]),
        );
        let other = if cfg.other_after_share.is_some() || cfg.other_max_categories.is_some() {
            let after = cfg.other_after_share.map_or_else(|| super::format::DASH.to_string(), |s| pct(Some(s)));
            let max = cfg.other_max_categories.map_or_else(|| super::format::DASH.to_string(), |m| m.to_string());
            t.fill("m_other", &[("after", &after), ("max", &max)])
        } else {
            String::new()
        };
        notes.push(
            t.fill("m_pareto", &[("share", &pct(Some(c.vital_share))), ("other", &other)]).trim_end().to_string(),
        );
        notes.push(t.get("m_control"));
    }
    if let Some(a) = a {
        notes.push(t.fill("m_actions", &[("as_of", &a.as_of), ("closed", &closed.join(" / "))]));
    }
    notes
}
