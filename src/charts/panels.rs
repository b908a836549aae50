//! The comparative Pareto (one panel per group on a shared category order, one scale) and
//! the days-to-close histogram with the promised time marked.

use super::draw::{category_mesh, fit_label, on_axis, px, value_axis, xml_chars, FONT, GRID, INK, PALETTE, VITAL};
use crate::number;
use plotters::coord::ranged1d::SegmentValue;
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
    let panel_w = (n as u32 * 56 + 80).clamp(260, 460);
    let (width, row_h) = (panel_w * cols as u32 + 16, 280u32);
    let height = row_h * rows as u32 + 40;
    let max = spec.panels.iter().flat_map(|p| p.1.iter().copied()).fold(0.0, f64::max).max(1.0);
    let top = value_axis(0.0, max * 1.15).end;
    // A label gets its slot's width: 12 px a CJK character (font 12).
    let label_em = f64::from(panel_w - 70) / n as f64 / 12.0;
    let names: Vec<String> = spec.categories.iter().map(|c| fit_label(c, label_em)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let body = root.titled(&spec.title, (FONT, px(15.0)).into_font().color(&INK)).map_err(|e| e.to_string())?;
        let areas = body.split_evenly((rows, cols));
        for (area, (caption, counts)) in areas.iter().zip(&spec.panels) {
            let mut chart = ChartBuilder::on(area)
                .margin(8)
                .caption(caption, (FONT, px(13.0)).into_font().color(&INK))
                .x_label_area_size(30)
                .y_label_area_size(44)
                .build_cartesian_2d((0..n - 1).into_segmented(), value_axis(0.0, top))
                .map_err(|e| e.to_string())?;
            category_mesh(&mut chart.configure_mesh(), n, 12.0)
                .x_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
                    _ => String::new(),
                })
                .y_desc(spec.y_desc.as_str())
                .y_label_formatter(&|v| number::trimmed(*v, 2))
                .draw()
                .map_err(|e| e.to_string())?;
            let bars = counts.iter().enumerate().map(|(i, v)| {
                let mut r = Rectangle::new(
                    [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), on_axis(*v, 0.0, top))],
                    PALETTE[i % PALETTE.len()].filled(),
                );
                r.set_margin(0, 0, 5, 5);
                r
            });
            chart.draw_series(bars).map_err(|e| e.to_string())?;
            let style =
                TextStyle::from((FONT, px(11.0)).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(counts.iter().enumerate().map(|(i, v)| {
                    Text::new(number::trimmed(*v, 2), (SegmentValue::CenterOf(i), on_axis(*v, 0.0, top)), style.clone())
                }))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(xml_chars(svg))
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
    let (width, height) = (760u32, 320u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(&spec.title, (FONT, px(15.0)).into_font().color(&INK))
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(value_axis(-0.5, right), value_axis(0.0, top))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK.mix(0.6))
            .x_labels(12)
            .x_label_formatter(&|v| if v.fract() == 0.0 && *v >= 0.0 { number::fixed(*v, 0) } else { String::new() })
            .y_label_formatter(&|v| number::trimmed(*v, 2))
            .x_desc(spec.x_desc.as_str())
            .y_desc(spec.y_desc.as_str())
            .label_style((FONT, px(12.0)).into_font().color(&INK))
            .draw()
            .map_err(|e| e.to_string())?;
        let bars = spec.bins.iter().map(|(from, to, count)| {
            let mut r = Rectangle::new(
                [(*from as f64 - 0.5, 0.0), (*to as f64 + 0.5, on_axis(*count as f64, 0.0, top))],
                PALETTE[0].filled(),
            );
            r.set_margin(0, 0, 1, 1);
            r
        });
        chart.draw_series(bars).map_err(|e| e.to_string())?;
        if let Some((at, label)) = &spec.mark {
            let x = at + 0.5;
            chart
                .draw_series(DashedLineSeries::new([(x, 0.0), (x, top)], 6, 4, VITAL.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            // Past the middle the label goes on the line's left, so it is not cut at the edge.
            let (h, text) =
                if x > right / 2.0 { (HPos::Right, format!("{label} ")) } else { (HPos::Left, format!(" {label}")) };
            let style = TextStyle::from((FONT, px(12.0)).into_font()).color(&VITAL).pos(Pos::new(h, VPos::Top));
            chart.draw_series(std::iter::once(Text::new(text, (x, top * 0.97), style))).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(xml_chars(svg))
}
