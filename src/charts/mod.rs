//! Stage 4: charts. A period's figures in, named SVG charts out, drawn before the templates
//! run so that every output (page, Markdown, chart files) shows the same drawing. Never reads
//! files; titles and axis texts come from the labels of the report's language.

mod draw;

pub use draw::text_em;
use draw::{
    render_bar_chart, render_control_chart, render_line_chart, render_pareto_chart, Bar, BarChart, ControlPointSpec,
    ControlSpec, LineChart, ParetoChart,
};

use crate::analysis::complaints::ComplaintResult;
use crate::analysis::control::ControlChart;
use crate::analysis::survey::SurveyResult;
use crate::analysis::Figures;
use crate::diag::{Error, Location, Result};
use crate::labels::Labels;
use crate::number::{self, DASH};

/// One drawn chart. Templates reach it as `charts["<name>"]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    /// Key in `charts`: `dimensions`, `items`, `bands`, `segments-<column>`, `trend`, `pareto-<column>`,
    /// `pareto-<column>-weighted`, `control-c`, `control-u`, `control-p`, `control-laney-u` or
    /// `control-laney-p`.
    pub name: String,
    /// Path of the chart file in the period's folder, e.g. `charts/pareto-1.svg`.
    pub file: String,
    pub title: String,
    pub svg: String,
}

fn chart(
    name: impl Into<String>,
    file: &str,
    title: String,
    svg: std::result::Result<String, String>,
) -> Result<Chart> {
    let svg = svg.map_err(|e| {
        Error::data(Location::file(format!("charts/{file}.svg")), format!("cannot draw the chart: {e}"))
    })?;
    Ok(Chart { name: name.into(), file: format!("charts/{file}.svg"), title, svg })
}

/// Every chart of a period, in the order the default report shows them. `pareto_columns`
/// are the configured Pareto columns, in config order (chart files are numbered by it).
pub fn draw_charts(f: &Figures, pareto_columns: &[String], t: &Labels) -> Result<Vec<Chart>> {
    let mut charts = match &f.survey {
        Some(s) => survey_charts(s, t)?,
        None => Vec::new(),
    };
    if let Some(c) = &f.complaints {
        charts.extend(complaint_charts(c, pareto_columns, t)?);
    }
    Ok(charts)
}

fn score_text(v: Option<f64>, missing: &str) -> String {
    v.map_or_else(|| missing.to_string(), |v| number::fixed(v, 1))
}

fn survey_charts(s: &SurveyResult, t: &Labels) -> Result<Vec<Chart>> {
    let no_data = t.get("no_data");
    let bar_chart = |title: String, bars: Vec<Bar>| render_bar_chart(&BarChart { title, bars, max: 100.0 });
    let dims = s.dimensions.iter().enumerate();
    let dim_bars = dims
        .clone()
        .map(|(j, d)| Bar {
            label: d.name.clone(),
            value: d.score,
            text: score_text(d.score, &no_data),
            group: j,
            ..Default::default()
        })
        .collect();
    let item_bars = dims
        .flat_map(|(j, d)| d.items.iter().map(move |i| (j, i)))
        .map(|(j, i)| Bar {
            label: i.name.clone(),
            value: i.score,
            text: score_text(i.score, &no_data),
            group: j,
            ..Default::default()
        })
        .collect();
    let band_bars = s
        .bands
        .iter()
        .map(|b| Bar {
            label: b.label.clone(),
            value: b.share.map(|x| x * 100.0),
            text: format!("{} ({})", b.share.map_or_else(|| DASH.to_string(), |v| number::pct(v, 1)), b.count),
            group: 0,
            ..Default::default()
        })
        .collect();
    let (dt, it, bt) = (t.get("dimension_chart"), t.get("item_chart"), t.get("band_chart"));
    let mut charts = vec![
        chart("dimensions", "dimensions", dt.clone(), bar_chart(dt, dim_bars))?,
        chart("items", "items", it.clone(), bar_chart(it, item_bars))?,
        chart("bands", "bands", bt.clone(), bar_chart(bt, band_bars))?,
    ];
    charts.extend(segment_charts(s, t)?);
    if s.trend.len() >= 2 {
        let lo = s.trend.iter().filter_map(|p| p.index).fold(100.0, f64::min);
        let line = LineChart {
            title: t.get("trend"),
            points: s.trend.iter().map(|p| (p.period.to_string(), p.index, score_text(p.index, DASH))).collect(),
            min: ((lo - 10.0) / 10.0).floor().max(0.0) * 10.0,
            max: 100.0,
        };
        charts.push(chart("trend", "trend", line.title.clone(), render_line_chart(&line))?);
    }
    Ok(charts)
}

/// Per segment column: the index of each value with its 95% interval as a whisker, in the
/// table's order; values too small to compare are grey.
fn segment_charts(s: &SurveyResult, t: &Labels) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    for (k, (column, values)) in s.segments.0.iter().enumerate() {
        let bars = values
            .iter()
            .map(|v| {
                let mut text = score_text(v.index, &t.get("no_data"));
                if let Some(m) = v.margin {
                    text.push_str(&format!(" ±{}", number::fixed(m, 1)));
                }
                text.push_str(&format!(" (n = {})", v.n));
                if v.small {
                    text.push_str(&t.get("seg_small_short"));
                }
                Bar {
                    label: v.value.clone().unwrap_or_else(|| t.get("seg_not_given")),
                    value: v.index,
                    text,
                    group: 0,
                    whisker: v.low.zip(v.high),
                    muted: v.small,
                }
            })
            .collect();
        let title = t.fill("seg_chart", &[("column", column)]);
        let svg = render_bar_chart(&BarChart { title: title.clone(), bars, max: 100.0 });
        charts.push(chart(format!("segments-{column}"), &format!("segments-{}", k + 1), title, svg)?);
    }
    Ok(charts)
}

fn complaint_charts(c: &ComplaintResult, pareto_columns: &[String], t: &Labels) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    let share = number::pct(c.vital_share, 1);
    for (i, col) in pareto_columns.iter().enumerate() {
        for (weighted, rows) in [(false, c.pareto.get(col)), (true, c.pareto_weighted.get(col))] {
            let Some(rows) = rows else { continue };
            let (title, name, file) = match (&c.weight_column, weighted) {
                (Some(w), true) => (
                    t.fill("c_pareto_weighted", &[("column", col), ("weight", w)]),
                    format!("pareto-{col}-weighted"),
                    format!("pareto-{}-weighted", i + 1),
                ),
                _ => (t.fill("c_pareto", &[("column", col)]), format!("pareto-{col}"), format!("pareto-{}", i + 1)),
            };
            let spec = ParetoChart {
                title: title.clone(),
                bars: rows.iter().map(|r| (t.category(r.category.as_deref()), r.count, r.vital, r.other)).collect(),
                cumulative: rows.iter().map(|r| r.cumulative * 100.0).collect(),
                threshold: c.vital_share * 100.0,
                threshold_label: t.fill("c_threshold", &[("share", &share)]),
                y_desc: if weighted { c.weight_column.clone().unwrap_or_default() } else { t.get("c_amount") },
            };
            charts.push(chart(name, &file, title, render_pareto_chart(&spec))?);
        }
    }
    if let Some(ch) = &c.control {
        charts.push(control_chart(ch, t.get("c_control"), t.get("c_amount"), t)?);
    }
    if let Some(ch) = &c.rate_chart {
        let per = number::shortest(c.rate_per.unwrap_or(1.0));
        let title = match ch.kind {
            "p" => t.get("c_rate_control_p"),
            "laney-p" => t.get("c_rate_control_laney_p"),
            "laney-u" => t.fill("c_rate_control_laney_u", &[("per", &per)]),
            _ => t.fill("c_rate_control_u", &[("per", &per)]),
        };
        charts.push(control_chart(ch, title, String::new(), t)?);
    }
    Ok(charts)
}

fn control_chart(ch: &ControlChart, title: String, y_desc: String, t: &Labels) -> Result<Chart> {
    let stages = ch
        .stages
        .iter()
        .enumerate()
        .map(|(k, s)| (s.first, t.fill("c_stage_label", &[("n", &(k + 1).to_string()), ("month", &s.start)])))
        .collect();
    let spec = ControlSpec {
        title: title.clone(),
        points: ch
            .points
            .iter()
            .map(|p| ControlPointSpec {
                label: p.label.clone(),
                value: p.value,
                lcl: p.lcl,
                ucl: p.ucl,
                center: p.center,
            })
            .collect(),
        signals: ch.signals.iter().map(|s| s.index).collect(),
        stages,
        y_desc,
    };
    let name = format!("control-{}", ch.kind);
    chart(name.clone(), &name, title, render_control_chart(&spec))
}
