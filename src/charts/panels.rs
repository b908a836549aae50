//! The comparative Pareto (one panel per group on a shared category order, one scale) and
//! the days-to-close histogram with the promised time marked.

use super::draw::{on_axis, value_axis};
use super::style::{
    draw_svg, err, soft_mesh, text_style, Area, CategoryLabels, FONT, INK, LABEL_PX, MARGIN, PALETTE, TITLE_PX,
    VALUE_PX, VITAL, WIDTH,
};
use crate::number;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Side-by-side Pareto panels: every panel has the same categories in the same order and
/// the same value axis, so bars compare across panels; each category keeps its colour.
#[derive(Debug, Clone)]
pub struct PanelChart {
    pub title: String,
    /// Category names, in the shared order.
    pub categories: Vec<String>,
    /// (panel title, count per category).
    pub panels: Vec<(String, Vec<f64>)>,
    pub y_desc: String,
}

/// Panels per row.
const PER_ROW: usize = 3;

pub fn render_panel_chart(spec: &PanelChart) -> Result<String, String> {
    let n = spec.categories.len().max(1);
    let cols = spec.panels.len().clamp(1, PER_ROW);
    let rows = spec.panels.len().div_ceil(PER_ROW).max(1);
    // Panels share the content width; category labels wrap (or turn) inside their slots.
    let panel_w = (WIDTH - 2 * MARGIN) / cols as u32;
    let y_area = 52u32;
    let slot = f64::from(panel_w.saturating_sub(y_area + 2 * MARGIN).max(1)) / n as f64;
    let labels = CategoryLabels::layout(&spec.categories, slot);
    let row_h = 220 + labels.area + 40;
    let title_h = (TITLE_PX * 1.24 + 16.0).ceil() as u32;
    let height = row_h * rows as u32 + title_h + MARGIN;
    let max = spec.panels.iter().flat_map(|p| p.1.iter().copied()).fold(0.0, f64::max).max(1.0);
    let top = value_axis(0.0, max * 1.15).end;
    let svg = draw_svg((WIDTH, height), |root: &Area| {
        let body = root.titled(&spec.title, (FONT, super::style::px(TITLE_PX)).into_font().color(&INK)).map_err(err)?;
        let body = body.margin(0, MARGIN, MARGIN, MARGIN);
        let areas = body.split_evenly((rows, cols));
        for (area, (caption, counts)) in areas.iter().zip(&spec.panels) {
            let mut chart = ChartBuilder::on(area)
                .margin(MARGIN)
                .caption(caption, (FONT, super::style::px(LABEL_PX)).into_font().color(&INK))
                .x_label_area_size(labels.area)
                .y_label_area_size(y_area)
                .build_cartesian_2d(0.0..n as f64, value_axis(0.0, top))
                .map_err(err)?;
            soft_mesh(&mut chart.configure_mesh())
                .disable_x_mesh()
                .x_labels(0)
                .y_desc(spec.y_desc.as_str())
                .y_label_formatter(&|v| number::trimmed(*v, 2))
                .draw()
                .map_err(err)?;
            let gap = (slot * 0.14).round() as u32;
            let bars = counts.iter().enumerate().map(|(i, v)| {
                let mut r = Rectangle::new(
                    [(i as f64, 0.0), (i as f64 + 1.0, on_axis(*v, 0.0, top))],
                    PALETTE[i % PALETTE.len()].filled(),
                );
                r.set_margin(0, 0, gap, gap);
                r
            });
            chart.draw_series(bars).map_err(err)?;
            let style = text_style(VALUE_PX, &INK, Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(counts.iter().enumerate().map(|(i, v)| {
                    EmptyElement::at((i as f64 + 0.5, on_axis(*v, 0.0, top)))
                        + Text::new(number::trimmed(*v, 2), (0, -3), style.clone())
                }))
                .map_err(err)?;
            // backend_coord gives canvas coordinates: draw the labels on the whole canvas.
            labels.draw(root, |i| chart.backend_coord(&(i as f64 + 0.5, 0.0)))?;
        }
        Ok(())
    })?;
    Ok(svg)
}

impl PanelChart {
    /// The chart's data in words, for its `<desc>`: each panel's caption and counts.
    pub fn words(&self) -> String {
        let panels: Vec<String> = self
            .panels
            .iter()
            .map(|(caption, counts)| {
                let cells: Vec<String> = self
                    .categories
                    .iter()
                    .zip(counts)
                    .map(|(c, v)| format!("{c}: {}", number::trimmed(*v, 2)))
                    .collect();
                format!("{caption} — {}", cells.join("; "))
            })
            .collect();
        panels.join(" | ")
    }
}

/// A histogram of whole days: bins `[from, to]`, a day `d` drawn over `d − ½ .. d + ½`,
/// and an optional mark just after day `mark` (the promised time: on its left, closed within it).
#[derive(Debug, Clone)]
pub struct HistogramChart {
    pub title: String,
    /// (from, to, count)
    pub bins: Vec<(i64, i64, u64)>,
    pub mark: Option<(f64, String)>,
    pub x_desc: String,
    pub y_desc: String,
}

pub fn render_histogram(spec: &HistogramChart) -> Result<String, String> {
    let last = spec.bins.last().map_or(1, |b| b.1) as f64;
    let right = spec.mark.as_ref().map_or(last, |m| last.max(m.0 + 1.0)) + 0.5;
    let max = spec.bins.iter().map(|b| b.2).max().unwrap_or(0).max(1) as f64;
    let top = value_axis(0.0, max * 1.2).end;
    let svg = draw_svg((WIDTH, 340), |root: &Area| {
        let mut chart = super::style::builder(root, &spec.title)
            .x_label_area_size(48)
            .y_label_area_size(60)
            .build_cartesian_2d(value_axis(-0.5, right), value_axis(0.0, top))
            .map_err(err)?;
        soft_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_labels(12)
            .x_label_formatter(&|v| if v.fract() == 0.0 && *v >= 0.0 { number::fixed(*v, 0) } else { String::new() })
            // Counts: whole ticks only (a small sample would otherwise show 0.5, 1.5).
            .y_label_formatter(&|v| if v.fract() == 0.0 { number::fixed(*v, 0) } else { String::new() })
            .x_desc(spec.x_desc.as_str())
            .y_desc(spec.y_desc.as_str())
            .draw()
            .map_err(err)?;
        let bars = spec.bins.iter().map(|(from, to, count)| {
            let mut r = Rectangle::new(
                [(*from as f64 - 0.5, 0.0), (*to as f64 + 0.5, on_axis(*count as f64, 0.0, top))],
                PALETTE[0].filled(),
            );
            r.set_margin(0, 0, 1, 1);
            r
        });
        chart.draw_series(bars).map_err(err)?;
        if let Some((at, label)) = &spec.mark {
            let x = at + 0.5;
            chart.draw_series(DashedLineSeries::new([(x, 0.0), (x, top)], 6, 4, VITAL.stroke_width(2))).map_err(err)?;
            // Past the middle the label goes on the line's left, so it is not cut at the edge.
            let (h, text) =
                if x > right / 2.0 { (HPos::Right, format!("{label} ")) } else { (HPos::Left, format!(" {label}")) };
            let style = text_style(VALUE_PX, &VITAL, Pos::new(h, VPos::Top));
            chart.draw_series(std::iter::once(Text::new(text, (x, top * 0.97), style))).map_err(err)?;
        }
        Ok(())
    })?;
    Ok(svg)
}

impl HistogramChart {
    /// The chart's data in words, for its `<desc>`: each bin's days and count.
    pub fn words(&self) -> String {
        let bins: Vec<String> = self
            .bins
            .iter()
            .map(|(from, to, n)| if from == to { format!("{from}: {n}") } else { format!("{from}–{to}: {n}") })
            .collect();
        bins.join("; ")
    }
}
