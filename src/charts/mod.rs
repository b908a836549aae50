//! Stage 4: charts. A period's figures in, named SVG charts out, drawn before the templates
//! run so that every output (page, Markdown, chart files) shows the same drawing. Never reads
//! files; titles and axis texts come from the labels of the report's language.

mod draw;
mod ipa;
mod panels;
pub mod style;

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
use panels::{render_histogram, render_panel_chart, HistogramChart, PanelChart};

/// One drawn chart. Templates reach it as `charts["<name>"]`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Chart {
    /// Key in `charts`: `dimensions`, `items`, `bands`, `segments-<column>`, `trend`, `ipa`,
    /// `pareto-<column>`, `pareto-<column>-weighted`, `pareto-groups`, `pareto-change`,
    /// `close-days`, `control-c`, `control-u`, `control-p`, `control-laney-u` or
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
    let svg = style::accessible(&svg, &title, "");
    Ok(Chart { name: name.into(), file: format!("charts/{file}.svg"), title, svg })
}

impl Chart {
    /// The chart with `<desc>` (its data in words) after its `<title>`.
    fn described(mut self, desc: &str) -> Chart {
        style::describe(&mut self.svg, desc);
        self
    }
}

/// A chart's data in words: `label: value` pairs in the report's punctuation.
fn data_words<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>, t: &Labels) -> String {
    let (colon, sep) = (t.get("colon"), t.get("clause_sep"));
    pairs.into_iter().map(|(k, v)| format!("{k}{colon}{v}")).collect::<Vec<_>>().join(&sep)
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
            text: format!(
                "{}{}{}{}",
                b.share.map_or_else(|| DASH.to_string(), |v| number::pct(v, 1)),
                t.get("lparen"),
                b.count,
                t.get("rparen")
            ),
            group: 0,
            ..Default::default()
        })
        .collect();
    let (dt, it, bt) = (t.get("dimension_chart"), t.get("item_chart"), t.get("band_chart"));
    let bars_chart = |name: &str, title: String, bars: Vec<Bar>| -> Result<Chart> {
        let desc = data_words(bars.iter().map(|b| (b.label.as_str(), b.text.clone())), t);
        Ok(chart(name, name, title.clone(), bar_chart(title, bars))?.described(&desc))
    };
    let mut charts = vec![
        bars_chart("dimensions", dt, dim_bars)?,
        bars_chart("items", it, item_bars)?,
        bars_chart("bands", bt, band_bars)?,
    ];
    if s.valid > 0 {
        // Respondent scores in ten-point bins, drawn as a histogram over 0–100.
        let title = t.get("score_chart");
        let spec = HistogramChart {
            title: title.clone(),
            bins: s
                .score_histogram
                .iter()
                .map(|b| (i64::from(b.from), if b.from >= 90 { 100 } else { i64::from(b.from) + 9 }, b.count))
                .collect(),
            mark: None,
            x_desc: t.get("score_axis"),
            y_desc: t.get("respondents_axis"),
        };
        let ranges: Vec<String> = s
            .score_histogram
            .iter()
            .map(|b| format!("{}–{}", b.from, if b.from >= 90 { 100 } else { u16::from(b.from) + 10 }))
            .collect();
        let desc = data_words(ranges.iter().zip(&s.score_histogram).map(|(r, b)| (r.as_str(), b.count.to_string())), t);
        charts.push(chart("scores", "scores", title, render_histogram(&spec))?.described(&desc));
    }
    charts.extend(segment_charts(s, t)?);
    if s.trend.len() >= 2 {
        let lo = s.trend.iter().filter_map(|p| p.index).fold(100.0, f64::min);
        let line = LineChart {
            title: t.get("trend"),
            points: s.trend.iter().map(|p| (p.period.to_string(), p.index, score_text(p.index, DASH))).collect(),
            min: ((lo - 10.0) / 10.0).floor().max(0.0) * 10.0,
            max: 100.0,
        };
        let desc = data_words(line.points.iter().map(|p| (p.0.as_str(), p.2.clone())), t);
        charts.push(chart("trend", "trend", line.title.clone(), render_line_chart(&line))?.described(&desc));
    }
    if let Some(c) = ipa_chart(s, t)? {
        charts.push(c);
    }
    Ok(charts)
}

/// Per segment column: the index of each value with its 95% interval as a whisker, in the
/// table's order; values too small to compare are grey.
fn segment_charts(s: &SurveyResult, t: &Labels) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    for (k, (column, values)) in s.segments.0.iter().enumerate() {
        let bars: Vec<Bar> = values
            .iter()
            .map(|v| {
                let mut text = score_text(v.index, &t.get("no_data"));
                if let Some(m) = v.margin {
                    text.push_str(&format!(" ±{}", number::fixed(m, 1)));
                }
                text.push_str(&format!("{}n = {}{}", t.get("lparen"), v.n, t.get("rparen")));
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
        let desc = data_words(bars.iter().map(|b: &Bar| (b.label.as_str(), b.text.clone())), t);
        let svg = render_bar_chart(&BarChart { title: title.clone(), bars, max: 100.0 });
        charts.push(chart(format!("segments-{column}"), &format!("segments-{}", k + 1), title, svg)?.described(&desc));
    }
    Ok(charts)
}

/// The crosshairs' rule and values in words (chart, notes).
pub fn crosshair_text(c: &crate::analysis::importance::Crosshair, t: &Labels) -> String {
    let key = match c.rule {
        crate::config::IpaCrosshair::Mean => "ipa_cross_mean",
        crate::config::IpaCrosshair::Median => "ipa_cross_median",
        crate::config::IpaCrosshair::Fixed { .. } => "ipa_cross_fixed",
    };
    t.fill(
        key,
        &[("importance", &number::fixed(c.at_importance, 2)), ("performance", &number::fixed(c.at_performance, 1))],
    )
}

/// The importance–performance matrix, when at least two items have both coordinates.
fn ipa_chart(s: &SurveyResult, t: &Labels) -> Result<Option<Chart>> {
    let Some(imp) = &s.importance else { return Ok(None) };
    let Some(cross) = &imp.crosshair else { return Ok(None) };
    let points: Vec<(String, f64, f64, crate::analysis::importance::Quadrant)> =
        imp.items.iter().filter_map(|i| Some((i.item.clone(), i.importance?, i.performance?, i.quadrant?))).collect();
    let spec = ipa::IpaChart {
        title: t.get("ipa_chart"),
        points,
        cross: (cross.at_importance, cross.at_performance),
        cross_text: crosshair_text(cross, t),
        quadrants: ["q_improve_first", "q_keep_up", "q_low_priority", "q_possible_overkill"].map(|k| t.get(k)),
        x_desc: t.get(if imp.basis == crate::analysis::importance::ImportanceBasis::Overall {
            "ipa_x_overall"
        } else {
            "ipa_x_score"
        }),
        y_desc: t.get("ipa_y"),
    };
    let desc = data_words(
        spec.points.iter().map(|(name, x, y, q)| {
            let quadrant = t.get(&format!("q_{}", quadrant_key(*q)));
            let sep = t.get("clause_sep");
            (name.as_str(), format!("r = {}{sep}{}{sep}{quadrant}", number::fixed(*x, 2), number::fixed(*y, 1)))
        }),
        t,
    );
    let title = spec.title.clone();
    Ok(Some(chart("ipa", "ipa", title, ipa::render_ipa_chart(&spec))?.described(&desc)))
}

/// The `summary.json` name of a quadrant (its label is `q_<name>`).
pub fn quadrant_key(q: crate::analysis::importance::Quadrant) -> &'static str {
    use crate::analysis::importance::Quadrant;
    match q {
        Quadrant::ImproveFirst => "improve_first",
        Quadrant::KeepUp => "keep_up",
        Quadrant::LowPriority => "low_priority",
        Quadrant::PossibleOverkill => "possible_overkill",
    }
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
            let desc = data_words(
                spec.bars.iter().zip(&spec.cumulative).map(|(b, c)| {
                    let cum = number::pct(c / 100.0, 1);
                    (b.0.as_str(), format!("{}{}{}{}", number::trimmed(b.1, 2), t.get("lparen"), cum, t.get("rparen")))
                }),
                t,
            );
            charts.push(chart(name, &file, title, render_pareto_chart(&spec))?.described(&desc));
        }
    }
    charts.extend(comparison_charts(c, t)?);
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
        legend: vec![t.get("c_center"), t.get("c_limits_legend"), t.get("c_signals")],
    };
    let name = format!("control-{}", ch.kind);
    let desc = data_words(spec.points.iter().map(|p| (p.label.as_str(), number::trimmed(p.value, 4))), t);
    Ok(chart(name.clone(), &name, title, render_control_chart(&spec))?.described(&desc))
}

/// The archive page's trend of the yearly index, `(year, index)` oldest first; `None` with
/// fewer than two years.
pub fn archive_trend(points: &[(String, Option<f64>)], t: &Labels) -> std::result::Result<Option<String>, String> {
    if points.len() < 2 {
        return Ok(None);
    }
    let lo = points.iter().filter_map(|p| p.1).fold(100.0, f64::min);
    let line = LineChart {
        title: t.get("trend"),
        points: points.iter().map(|(p, v)| (p.clone(), *v, score_text(*v, DASH))).collect(),
        min: ((lo - 10.0) / 10.0).floor().max(0.0) * 10.0,
        max: 100.0,
    };
    render_line_chart(&line).map(Some)
}

/// The comparative Pareto by group, the period against the previous one, and the
/// days-to-close histogram with the promised time.
fn comparison_charts(c: &ComplaintResult, t: &Labels) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    if let Some(g) = c.grouped_pareto.as_ref().filter(|g| !g.groups.is_empty()) {
        let title = t.fill("c_grouped_pareto", &[("category", &g.category_column), ("column", &g.column)]);
        let spec = PanelChart {
            title: title.clone(),
            categories: g.categories.iter().map(|x| t.category(Some(&x.category))).collect(),
            panels: g
                .groups
                .iter()
                .map(|p| {
                    let name = p.group.clone().unwrap_or_else(|| t.get("c_not_given"));
                    let caption = t.fill("c_group_total", &[("group", &name), ("n", &p.total.to_string())]);
                    (caption, p.counts.iter().map(|n| *n as f64).collect())
                })
                .collect(),
            y_desc: t.get("c_amount"),
        };
        charts
            .push(chart("pareto-groups", "pareto-groups", title, render_panel_chart(&spec))?.described(&spec.words()));
    }
    if let Some(ch) = c.pareto_change.as_ref().filter(|ch| !ch.rows.is_empty()) {
        let (previous, period) = (ch.previous_period.to_string(), c.period.to_string());
        let title = t.fill("c_change_chart", &[("previous", &previous), ("period", &period)]);
        let caption = |p: &str, n: u64| t.fill("c_group_total", &[("group", p), ("n", &n.to_string())]);
        let spec = PanelChart {
            title: title.clone(),
            categories: ch.rows.iter().map(|r| t.category(Some(&r.category))).collect(),
            panels: vec![
                (caption(&previous, ch.previous_received), ch.rows.iter().map(|r| r.previous as f64).collect()),
                (caption(&period, ch.received), ch.rows.iter().map(|r| r.count as f64).collect()),
            ],
            y_desc: t.get("c_amount"),
        };
        charts
            .push(chart("pareto-change", "pareto-change", title, render_panel_chart(&spec))?.described(&spec.words()));
    }
    if let Some(bins) = c.close_days.as_ref().filter(|b| !b.is_empty()) {
        let title = t.get("c_close_days_chart");
        let mark = c.promise.as_ref().and_then(|p| {
            let median = p.promise_median?;
            let days = number::trimmed(median, 1);
            let key = if p.promise_min == p.promise_max { "c_promise_mark" } else { "c_promise_mark_median" };
            Some((median, t.fill(key, &[("days", &days)])))
        });
        let spec = HistogramChart {
            title: title.clone(),
            bins: bins.iter().map(|b| (b.from, b.to, b.count)).collect(),
            mark,
            x_desc: t.get("c_days"),
            y_desc: t.get("c_amount"),
        };
        charts.push(chart("close-days", "close-days", title, render_histogram(&spec))?.described(&spec.words()));
    }
    Ok(charts)
}
