//! Chart specs in, SVG strings out (plotters' SVG backend).
//!
//! Never reads files. Text stays `<text>` in the SVG so CJK labels render with the
//! reader's fonts; the shared look, label sizing and wrapping are in `style`.

pub use super::style::text_em;
use super::style::{
    builder, caption_px, draw_legend, draw_side_labels, draw_svg, err, soft_mesh, text_px, text_style, widest,
    wrap_text, Area, CategoryLabels, Mark, CENTER, INK, LABEL_PX, LEGEND_PX, MARGIN, OTHER, PALETTE, TRIVIAL, VALUE_PX,
    VITAL, WIDTH,
};
use crate::number;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The largest magnitude an axis end may have: beyond it plotters' arithmetic on the span
/// overflows. Values past the ends are drawn at the edge.
const AXIS_LIMIT: f64 = 1e300;
/// The smallest span an axis may have: below it plotters' key-point search underflows.
const MIN_SPAN: f64 = 1e-200;

/// A value axis plotters can lay out. Its key-point search never ends on an infinite or NaN
/// end (an amount of 1.7e308 times 1.12 is infinite), nor on a span that vanishes or is lost
/// in the magnitude of its ends; so the ends are made finite, ordered and at most
/// `AXIS_LIMIT`, and a degenerate range is widened around its value (by a tenth, at least 1),
/// not below 0 when it started at or above 0. A sound range is returned as it is.
pub fn value_axis(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let fix = |v: f64| if v.is_nan() { 0.0 } else { v.clamp(-AXIS_LIMIT, AXIS_LIMIT) };
    let (a, b) = (fix(lo), fix(hi));
    let (lo, hi) = (a.min(b), a.max(b));
    let magnitude = lo.abs().max(hi.abs());
    if hi - lo >= (magnitude * 1e-9).max(MIN_SPAN) {
        return lo..hi;
    }
    let mid = lo / 2.0 + hi / 2.0;
    let half = (mid.abs() * 0.1).max(1.0);
    let start = if lo >= 0.0 { (mid - half).max(0.0) } else { mid - half };
    start..mid + half
}

/// A value as drawn on the axis `lo..hi`: clamped to it, NaN at `lo`.
pub(super) fn on_axis(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() {
        lo
    } else {
        v.clamp(lo, hi)
    }
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone, Default)]
pub struct Bar {
    pub label: String,
    /// `None` draws no bar.
    pub value: Option<f64>,
    /// The value as displayed beside the bar (formatted by the caller, like the tables).
    pub text: String,
    /// Colour group (e.g. the dimension an item belongs to).
    pub group: usize,
    /// An interval drawn as a whisker over the bar (low, high).
    pub whisker: Option<(f64, f64)>,
    /// Drawn grey and pale (e.g. a segment too small to compare).
    pub muted: bool,
}

/// The grey of muted bars.
const MUTED: RGBColor = RGBColor(200, 200, 200);

/// A horizontal bar chart on a fixed 0..max axis, bars top to bottom in the given order.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub max: f64,
}

/// Category slot `i` of `n` on an axis `0..n` (bars top to bottom: slot 0 is at the top
/// when `flip`): its start and end.
fn slot(i: usize, n: usize, flip: bool) -> (f64, f64) {
    let k = if flip { n - 1 - i } else { i } as f64;
    (k, k + 1.0)
}

/// The widest a bar chart's category labels may be, in px: a third of the canvas.
const SIDE_LABELS_MAX: f64 = WIDTH as f64 / 3.0;

pub fn render_bar_chart(spec: &BarChart) -> Result<String, String> {
    let n = spec.bars.len().max(1);
    let max = value_axis(0.0, spec.max).end;
    let lines: Vec<Vec<String>> = spec.bars.iter().map(|b| wrap_text(&b.label, SIDE_LABELS_MAX, LABEL_PX)).collect();
    let label_w = lines.iter().map(|l| widest(l, LABEL_PX)).fold(4.0 * LABEL_PX, f64::max) + 14.0;
    let most_lines = lines.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let row = (most_lines * super::style::LINE_PX + 12.0).max(28.0);
    // Room right of the plot for the value printed beside a full-length bar.
    let value_w = spec.bars.iter().map(|b| text_px(&b.text, VALUE_PX)).fold(0.0, f64::max) + 10.0;
    let x_area = 28u32;
    let height = (n as f64 * row).ceil() as u32 + caption_px() + x_area + 2 * MARGIN;
    draw_svg((WIDTH, height), |root| {
        let mut chart = builder(root, &spec.title)
            .margin_right(value_w.max(f64::from(MARGIN)).ceil() as u32)
            .x_label_area_size(x_area)
            .y_label_area_size(label_w.ceil() as u32)
            .build_cartesian_2d(value_axis(0.0, spec.max), 0.0..n as f64)
            .map_err(err)?;
        soft_mesh(&mut chart.configure_mesh())
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&|v| number::fixed(*v, 0))
            .draw()
            .map_err(err)?;
        let bar_px = (row * 0.62).min(26.0);
        let bars = spec.bars.iter().enumerate().filter_map(|(i, b)| {
            let (y0, y1) = slot(i, n, true);
            let v = b.value?;
            let colour = if b.muted { MUTED } else { PALETTE[b.group % PALETTE.len()] };
            let mut r = Rectangle::new([(0.0, y0), (on_axis(v, 0.0, max), y1)], colour.filled());
            let pad = ((row - bar_px) / 2.0).floor() as u32;
            r.set_margin(pad, pad, 0, 0);
            Some(r)
        });
        chart.draw_series(bars).map_err(err)?;
        // Whiskers: the interval as a line through the bar's middle with end ticks.
        let whisker_style = ShapeStyle::from(&INK).stroke_width(1);
        for (i, b) in spec.bars.iter().enumerate() {
            let Some((lo, hi)) = b.whisker else { continue };
            let (y0, y1) = slot(i, n, true);
            let (lo, hi) = (on_axis(lo, 0.0, max), on_axis(hi, 0.0, max));
            let (mid, pad) = ((y0 + y1) / 2.0, (y1 - y0) * 0.25);
            let lines = [
                vec![(lo, mid), (hi, mid)],
                vec![(lo, mid - pad), (lo, mid + pad)],
                vec![(hi, mid - pad), (hi, mid + pad)],
            ];
            chart.draw_series(lines.into_iter().map(|l| PathElement::new(l, whisker_style))).map_err(err)?;
        }
        let value_style = text_style(VALUE_PX, &INK, Pos::new(HPos::Left, VPos::Center));
        let texts = spec.bars.iter().enumerate().map(|(i, b)| {
            let (y0, y1) = slot(i, n, true);
            // With a whisker the value follows the interval's end.
            let end = b.whisker.map_or(b.value, |(_, hi)| b.value.map(|v| v.max(hi)));
            let x = end.map_or(0.0, |v| on_axis(v, 0.0, max));
            EmptyElement::at((x, (y0 + y1) / 2.0)) + Text::new(b.text.clone(), (5, 0), value_style.clone())
        });
        chart.draw_series(texts).map_err(err)?;
        draw_side_labels(root, &lines, |i| {
            let (y0, y1) = slot(i, n, true);
            chart.backend_coord(&(0.0, (y0 + y1) / 2.0))
        })
    })
}

/// A line over periods (e.g. the index per year), on a fixed min..max axis.
#[derive(Debug, Clone)]
pub struct LineChart {
    pub title: String,
    /// (x label, value, value as displayed)
    pub points: Vec<(String, Option<f64>, String)>,
    pub min: f64,
    pub max: f64,
}

/// Height of the plot of the charts over a category axis (line, Pareto, control).
const PLOT_PX: f64 = 250.0;

/// The centre of category slot `i` on an axis `0..n`.
fn mid(i: usize) -> f64 {
    i as f64 + 0.5
}

/// Width of the y-axis label area holding tick labels like `widest` and, when `desc` is not
/// empty, the axis description turned 90° beside them.
fn y_area(widest: &str, desc: &str) -> u32 {
    let desc_px = if desc.is_empty() { 0.0 } else { super::style::LINE_PX + 8.0 };
    (text_px(widest, LABEL_PX).min(Y_AREA_MAX) + 14.0 + desc_px).ceil() as u32
}

/// The widest tick labels a y axis gets room for (a value of 300 digits would take the canvas).
const Y_AREA_MAX: f64 = WIDTH as f64 / 5.0;

/// Category labels under a plot of `n` slots spanning the canvas less `sides` px of label
/// areas; `every` > 1 labels only every so many slots (the others stay blank).
fn x_labels(labels: &[String], sides: u32, every: usize) -> CategoryLabels {
    let plot = f64::from(WIDTH.saturating_sub(2 * MARGIN + sides).max(1));
    let slot = plot / labels.len().max(1) as f64 * every.max(1) as f64;
    let shown: Vec<String> =
        labels.iter().enumerate().map(|(i, l)| if i % every.max(1) == 0 { l.clone() } else { String::new() }).collect();
    CategoryLabels::layout(&shown, slot)
}

/// Canvas height of a chart over a category axis whose labels need `x_area` px.
fn category_height(x_area: u32) -> u32 {
    PLOT_PX as u32 + caption_px() + x_area + 2 * MARGIN + 8
}

/// Draws the category labels under the axis of `chart` (slots `0..n` on the x axis).
fn draw_x_labels<Y: Ranged<ValueType = f64>>(
    root: &Area,
    chart: &ChartContext<SVGBackend, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    labels: &CategoryLabels,
    y0: f64,
) -> Result<(), String> {
    labels.draw(root, |i| chart.backend_coord(&(mid(i), y0)))
}

pub fn render_line_chart(spec: &LineChart) -> Result<String, String> {
    let n = spec.points.len().max(1);
    let axis = value_axis(spec.min, spec.max);
    let (lo, hi) = (axis.start, axis.end);
    let left = y_area(&number::fixed(hi, 0), "");
    let names: Vec<String> = spec.points.iter().map(|p| p.0.clone()).collect();
    let labels = x_labels(&names, left + MARGIN, 1);
    draw_svg((WIDTH, category_height(labels.area)), |root| {
        let mut chart = builder(root, &spec.title)
            .x_label_area_size(labels.area)
            .y_label_area_size(left)
            .build_cartesian_2d(0.0..n as f64, axis)
            .map_err(err)?;
        soft_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| number::fixed(*v, 0))
            .draw()
            .map_err(err)?;
        let pts: Vec<(f64, f64)> =
            spec.points.iter().enumerate().filter_map(|(i, p)| Some((mid(i), on_axis(p.1?, lo, hi)))).collect();
        let texts: Vec<&str> = spec.points.iter().filter(|p| p.1.is_some()).map(|p| p.2.as_str()).collect();
        chart.draw_series(LineSeries::new(pts.clone(), PALETTE[0].stroke_width(2))).map_err(err)?;
        chart.draw_series(pts.iter().map(|p| Circle::new(*p, 4, PALETTE[0].filled()))).map_err(err)?;
        let style = text_style(VALUE_PX, &INK, Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(
                pts.iter()
                    .zip(&texts)
                    .map(|(p, t)| EmptyElement::at(*p) + Text::new(t.to_string(), (0, -8), style.clone())),
            )
            .map_err(err)?;
        draw_x_labels(root, &chart, &labels, lo)
    })
}

/// A Pareto chart (排列图): bars in the given (descending) order on the left axis, the
/// cumulative percentage as a line on the right axis, the vital-few threshold as a line.
/// The axes are aligned as the standard form has it: the left axis's total is the right
/// axis's 100%, so each bar's height reads as its share.
#[derive(Debug, Clone)]
pub struct ParetoChart {
    pub title: String,
    /// (label, amount, vital, is "Other")
    pub bars: Vec<(String, f64, bool, bool)>,
    /// Cumulative share per bar, in percent.
    pub cumulative: Vec<f64>,
    /// Threshold in percent (80).
    pub threshold: f64,
    pub threshold_label: String,
    pub y_desc: String,
}

/// Both axes of a Pareto chart run to this percentage of the total, leaving room for the
/// amount printed above a bar and for the cumulative line's last point.
const PARETO_TOP: f64 = 110.0;

pub fn render_pareto_chart(spec: &ParetoChart) -> Result<String, String> {
    let n = spec.bars.len().max(1);
    let total: f64 = spec.bars.iter().map(|b| b.1).filter(|v| v.is_finite() && *v > 0.0).sum();
    let top = value_axis(0.0, total.max(1.0) * PARETO_TOP / 100.0).end;
    let left = y_area(&number::trimmed(top, 2), &spec.y_desc);
    let right = y_area("100%", "");
    let names: Vec<String> = spec.bars.iter().map(|b| b.0.clone()).collect();
    let labels = x_labels(&names, left + right, 1);
    draw_svg((WIDTH, category_height(labels.area)), |root| {
        let mut chart = builder(root, &spec.title)
            .x_label_area_size(labels.area)
            .y_label_area_size(left)
            .right_y_label_area_size(right)
            .build_cartesian_2d(0.0..n as f64, value_axis(0.0, top))
            .map_err(err)?
            .set_secondary_coord(0.0..n as f64, value_axis(0.0, PARETO_TOP));
        soft_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(11)
            .y_desc(spec.y_desc.as_str())
            .y_label_formatter(&|v| number::trimmed(*v, 2))
            .draw()
            .map_err(err)?;
        chart
            .configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&|v| {
                if *v <= 100.0 + 1e-9 {
                    format!("{}%", number::fixed(*v, 0))
                } else {
                    String::new()
                }
            })
            .label_style((super::style::FONT, super::style::px(LABEL_PX)).into_font().color(&INK))
            .axis_style(INK.mix(0.6))
            .draw()
            .map_err(err)?;
        let slot_px = f64::from(WIDTH.saturating_sub(2 * MARGIN + left + right)) / n as f64;
        let gap = (slot_px * 0.14).round() as u32;
        let bars = spec.bars.iter().enumerate().map(|(i, (_, v, vital, other))| {
            let color = if *other {
                OTHER
            } else if *vital {
                VITAL
            } else {
                TRIVIAL
            };
            let mut r = Rectangle::new([(i as f64, 0.0), (i as f64 + 1.0, on_axis(*v, 0.0, top))], color.filled());
            r.set_margin(0, 0, gap, gap);
            r
        });
        chart.draw_series(bars).map_err(err)?;
        // Amounts above the bars, turned to read upwards when one is wider than its slot.
        let amounts: Vec<String> = spec.bars.iter().map(|b| number::trimmed(b.1, 2)).collect();
        let amount_style = if amounts.iter().any(|a| text_px(a, VALUE_PX) > slot_px - 2.0) {
            let mut s = text_style(VALUE_PX, &INK, Pos::new(HPos::Left, VPos::Center));
            s.font = s.font.transform(FontTransform::Rotate270);
            s
        } else {
            text_style(VALUE_PX, &INK, Pos::new(HPos::Center, VPos::Bottom))
        };
        chart
            .draw_series(spec.bars.iter().zip(amounts).enumerate().map(|(i, ((_, v, _, _), a))| {
                EmptyElement::at((mid(i), on_axis(*v, 0.0, top))) + Text::new(a, (0, -3), amount_style.clone())
            }))
            .map_err(err)?;
        let line: Vec<(f64, f64)> =
            spec.cumulative.iter().enumerate().map(|(i, c)| (mid(i), on_axis(*c, 0.0, PARETO_TOP))).collect();
        chart.draw_secondary_series(LineSeries::new(line.clone(), INK.stroke_width(2))).map_err(err)?;
        chart.draw_secondary_series(line.iter().map(|p| Circle::new(*p, 3, INK.filled()))).map_err(err)?;
        let th = on_axis(spec.threshold, 0.0, PARETO_TOP);
        chart
            .draw_secondary_series(DashedLineSeries::new([(0.0, th), (n as f64, th)], 6, 4, VITAL.stroke_width(1)))
            .map_err(err)?;
        let th_style = text_style(VALUE_PX, &VITAL, Pos::new(HPos::Right, VPos::Bottom));
        chart
            .draw_secondary_series(std::iter::once(
                EmptyElement::at((n as f64, th)) + Text::new(spec.threshold_label.clone(), (-4, -3), th_style),
            ))
            .map_err(err)?;
        draw_x_labels(root, &chart, &labels, 0.0)
    })
}

/// One point of a control chart as drawn.
#[derive(Debug, Clone)]
pub struct ControlPointSpec {
    pub label: String,
    pub value: f64,
    pub lcl: f64,
    pub ucl: f64,
    pub center: f64,
}

/// A control chart: values per period, centre line and limits as steps (each point's own
/// over its slot, breaking at stage starts), signals marked, stages labelled.
#[derive(Debug, Clone)]
pub struct ControlSpec {
    pub title: String,
    pub points: Vec<ControlPointSpec>,
    /// Indexes of points with a signal.
    pub signals: Vec<usize>,
    /// (first point, label) of each stage; no stage labels or separators when it has one.
    pub stages: Vec<(usize, String)>,
    pub y_desc: String,
    /// Legend texts of the centre line, the control limits and a signal (no legend when empty).
    pub legend: Vec<String>,
}

/// A line that holds each point's value over its slot, stepping between slots of one stage:
/// one path per stage (so lines break at a stage start).
fn step_paths(spec: &ControlSpec, value: impl Fn(&ControlPointSpec) -> f64) -> Vec<Vec<(f64, f64)>> {
    let n = spec.points.len();
    let mut firsts: Vec<usize> = spec.stages.iter().map(|s| s.0).filter(|i| *i < n).collect();
    firsts.push(0);
    firsts.push(n);
    firsts.sort_unstable();
    firsts.dedup();
    firsts
        .windows(2)
        .map(|w| {
            (w[0]..w[1])
                .flat_map(|i| {
                    let v = value(&spec.points[i]);
                    [(i as f64, v), (i as f64 + 1.0, v)]
                })
                .collect()
        })
        .collect()
}

/// At most this many month labels under a control chart; the others are left blank.
const CONTROL_LABELS: usize = 12;

pub fn render_control_chart(spec: &ControlSpec) -> Result<String, String> {
    let n = spec.points.len().max(1);
    let hi = spec.points.iter().map(|p| p.value.max(p.ucl).max(p.center)).fold(0.0, f64::max);
    let staged = spec.stages.len() > 1;
    // Room above the highest line for the stage labels.
    let top = value_axis(0.0, if hi > 0.0 { hi * if staged { 1.3 } else { 1.15 } } else { 1.0 }).end;
    let y = |v: f64| on_axis(v, 0.0, top);
    let left = y_area(&number::trimmed(top, 3), &spec.y_desc);
    let names: Vec<String> = spec.points.iter().map(|p| p.label.clone()).collect();
    let labels = x_labels(&names, left + MARGIN, n.div_ceil(CONTROL_LABELS).max(1));
    let plot_height = category_height(labels.area);
    let legend_px = if spec.legend.is_empty() { 0 } else { LEGEND_PX };
    draw_svg((WIDTH, plot_height + legend_px), |root| {
        let (upper, _) = root.split_vertically(plot_height);
        let mut chart = builder(&upper, &spec.title)
            .x_label_area_size(labels.area)
            .y_label_area_size(left)
            .build_cartesian_2d(0.0..n as f64, value_axis(0.0, top))
            .map_err(err)?;
        soft_mesh(&mut chart.configure_mesh())
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(6)
            .y_desc(spec.y_desc.as_str())
            .y_label_formatter(&|v| number::trimmed(*v, 3))
            .draw()
            .map_err(err)?;
        if staged {
            let label_style = text_style(VALUE_PX, &INK, Pos::new(HPos::Left, VPos::Top));
            for (first, label) in &spec.stages {
                let x = *first as f64;
                if *first > 0 {
                    chart
                        .draw_series(DashedLineSeries::new([(x, 0.0), (x, top)], 3, 3, INK.mix(0.5).stroke_width(1)))
                        .map_err(err)?;
                }
                let at = EmptyElement::at((x, top)) + Text::new(label.clone(), (4, 4), label_style.clone());
                chart.draw_series(std::iter::once(at)).map_err(err)?;
            }
        }
        for path in step_paths(spec, |p| y(p.center)) {
            chart.draw_series(LineSeries::new(path, CENTER.stroke_width(1))).map_err(err)?;
        }
        // Solid steps: a dashed line would hide the short risers between months.
        for limit in [|p: &ControlPointSpec| p.lcl, |p: &ControlPointSpec| p.ucl] {
            for path in step_paths(spec, |p| y(limit(p))) {
                chart.draw_series(LineSeries::new(path, VITAL.stroke_width(1))).map_err(err)?;
            }
        }
        let values: Vec<(f64, f64)> = spec.points.iter().enumerate().map(|(i, p)| (mid(i), y(p.value))).collect();
        chart.draw_series(LineSeries::new(values.clone(), TRIVIAL.stroke_width(2))).map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, p)| {
                if spec.signals.contains(&i) {
                    Circle::new(*p, 6, VITAL.filled())
                } else {
                    Circle::new(*p, 3, TRIVIAL.filled())
                }
            }))
            .map_err(err)?;
        draw_x_labels(root, &chart, &labels, 0.0)?;
        let marks = [Mark::Line(CENTER), Mark::Line(VITAL), Mark::Dot(VITAL)];
        let items: Vec<(Mark, String)> = marks.into_iter().zip(spec.legend.iter().cloned()).collect();
        draw_legend(root, &items, (plot_height + legend_px / 2) as i32 - 4)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_chart_escapes_labels_and_prints_values() {
        let spec = BarChart {
            title: "维度得分".into(),
            bars: vec![
                Bar {
                    label: "<script>".into(),
                    value: Some(83.25),
                    text: "83.3".into(),
                    group: 0,
                    ..Default::default()
                },
                Bar {
                    label: "服务质量".into(), value: None, text: "无数据".into(), group: 1, ..Default::default()
                },
            ],
            max: 100.0,
        };
        let svg = render_bar_chart(&spec).unwrap();
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("83.3"));
        assert!(svg.contains("服务质量") && svg.contains("无数据"));
        assert_eq!(svg, render_bar_chart(&spec).unwrap(), "deterministic");
    }
}

#[cfg(test)]
mod axis_tests {
    use super::*;
    use plotters::coord::ranged1d::Ranged;
    use plotters::coord::types::RangedCoordf64;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Runs `f` on its own thread; fails when it has not returned within a few seconds (the
    /// loops these tests guard against never end).
    fn ends<T: Send + 'static>(what: String, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10)).unwrap_or_else(|_| panic!("{what} did not end"))
    }

    const EXTREMES: [f64; 16] = [
        0.0,
        -0.0,
        1e-320,
        f64::MIN_POSITIVE,
        1e-9,
        1.0,
        100.0,
        1e12,
        1e200,
        1e308,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -1.0,
        -1e308,
    ];

    #[test]
    fn axes_are_finite_ordered_and_their_key_points_end() {
        for lo in EXTREMES {
            for hi in EXTREMES {
                let r = value_axis(lo, hi);
                assert!(r.start.is_finite() && r.end.is_finite() && r.start < r.end, "{lo}..{hi} → {r:?}");
                for points in [2usize, 6, 12, 110, 1000] {
                    let axis = r.clone();
                    let n = ends(format!("key points of {lo}..{hi} → {r:?}"), move || {
                        RangedCoordf64::from(axis).key_points(points).len()
                    });
                    assert!(n <= points.max(2) + 1, "{lo}..{hi}: {n} key points");
                }
            }
        }
        assert_eq!(value_axis(0.0, 100.0), 0.0..100.0, "sound ranges are kept");
        assert_eq!(value_axis(40.0, 100.0), 40.0..100.0);
        assert_eq!(value_axis(0.0, 0.0), 0.0..1.0);
        assert_eq!(value_axis(5.0, 5.0), 4.0..6.0);
    }

    #[test]
    fn charts_of_extreme_values_are_drawn_and_end() {
        for v in EXTREMES {
            let point =
                |value: f64, lcl: f64, ucl: f64| ControlPointSpec { label: "1".into(), value, lcl, ucl, center: v };
            let control = ControlSpec {
                title: "c".into(),
                points: vec![point(v, 0.0, v), point(1.0, v, f64::INFINITY)],
                signals: vec![0],
                stages: vec![(0, "a".into()), (1, "b".into())],
                y_desc: String::new(),
                legend: vec!["centre".into(), "limits".into(), "signal".into()],
            };
            let svg = ends(format!("control chart of {v}"), move || render_control_chart(&control));
            assert!(svg.unwrap().contains("<svg"));
            let pareto = ParetoChart {
                title: "p".into(),
                bars: vec![("A".into(), v, true, false), ("B".into(), v, false, false)],
                cumulative: vec![v, f64::NAN],
                threshold: 80.0,
                threshold_label: "80%".into(),
                y_desc: String::new(),
            };
            ends(format!("Pareto chart of {v}"), move || render_pareto_chart(&pareto)).unwrap();
            let line = LineChart {
                title: "t".into(),
                points: vec![("2025".into(), Some(v), "x".into()), ("2026".into(), Some(50.0), "y".into())],
                min: v,
                max: v,
            };
            ends(format!("line chart of {v}"), move || render_line_chart(&line)).unwrap();
            let bars = BarChart {
                title: "b".into(),
                bars: vec![Bar { label: "a".into(), value: Some(v), text: "v".into(), group: 0, ..Default::default() }],
                max: v,
            };
            ends(format!("bar chart of {v}"), move || render_bar_chart(&bars)).unwrap();
        }
    }
}

/// Geometry of the drawn SVG, read back: bars and texts do not clip, vanish or overlap.
#[cfg(test)]
mod layout_tests {
    use super::*;

    /// The value of attribute `name` in the tag `tag`.
    fn attr(tag: &str, name: &str) -> Option<String> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        Some(tag[at..].split('"').next()?.to_string())
    }

    fn num(tag: &str, name: &str) -> f64 {
        attr(tag, name).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
    }

    /// Every `<rect>` with its fill: (x, y, width, height, fill).
    fn rects(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
        svg.split("<rect")
            .skip(1)
            .map(|t| {
                let tag = t.split('>').next().unwrap();
                (
                    num(tag, "x"),
                    num(tag, "y"),
                    num(tag, "width"),
                    num(tag, "height"),
                    attr(tag, "fill").unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Every `<text>`: (x, y, anchor, turned, content).
    fn texts(svg: &str) -> Vec<(f64, f64, String, bool, String)> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                let (tag, rest) = t.split_once('>').unwrap();
                let content = rest.split("</text>").next().unwrap().trim().to_string();
                let turned = attr(tag, "transform").is_some_and(|v| v.starts_with("rotate(90"));
                (num(tag, "x"), num(tag, "y"), attr(tag, "text-anchor").unwrap_or_default(), turned, content)
            })
            .collect()
    }

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
    }

    #[test]
    fn one_bar_chart_draws_its_bar() {
        // A survey of one dimension: the dimension chart has one bar (it was drawn with a
        // negative height, so not at all).
        let spec = BarChart {
            title: "各维度满意度得分".into(),
            bars: vec![Bar {
                label: "总体".into(),
                value: Some(80.0),
                text: "80.0".into(),
                group: 0,
                ..Default::default()
            }],
            max: 100.0,
        };
        let svg = render_bar_chart(&spec).unwrap();
        let bars: Vec<_> = rects(&svg).into_iter().filter(|r| r.4 == "#1F66A3").collect();
        assert_eq!(bars.len(), 1, "{svg}");
        let (_, _, w, h, _) = bars[0];
        assert!(h >= 10.0 && w > 100.0, "bar {w}×{h}");
        let label = texts(&svg).into_iter().find(|t| t.4 == "总体").expect("label drawn");
        let (_, y, _, h0, _) = rects(&svg).into_iter().find(|r| r.4 == "#1F66A3").unwrap();
        assert!(label.1 >= y && label.1 <= y + h0, "label beside its bar: {label:?} vs {y}+{h0}");
    }

    /// Category labels under the axis: no text shortened, and no two texts on one line overlap
    /// (widths estimated as `text_em` × size).
    fn assert_labels_whole_and_apart(svg: &str, labels: &[&str]) {
        let all = texts(svg);
        assert!(!all.iter().any(|t| t.4.contains('…')), "a label was shortened");
        let words: Vec<String> =
            all.iter().flat_map(|t| unescape(&t.4).split(' ').map(String::from).collect::<Vec<_>>()).collect();
        for l in labels {
            for w in l.split(' ') {
                assert!(words.iter().any(|x| x == w), "word {w:?} of {l:?} not drawn whole");
            }
        }
        let mut flat: Vec<(f64, f64, f64)> = all
            .iter()
            .filter(|t| !t.3 && t.2 == "middle")
            .map(|t| (t.1, t.0 - text_em(&unescape(&t.4)) * 6.5, t.0 + text_em(&unescape(&t.4)) * 6.5))
            .collect();
        flat.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in flat.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[0].2 <= w[1].1, "labels overlap on y {}: {:?} {:?}", w[0].0, w[0], w[1]);
            }
        }
        let width = num(svg.split('>').next().unwrap(), "width");
        let height = num(svg.split('>').next().unwrap(), "height");
        for t in &all {
            assert!(t.0 >= 0.0 && t.0 <= width && t.1 >= 0.0 && t.1 <= height, "text outside the canvas: {t:?}");
        }
    }

    fn pareto_of(labels: &[&str]) -> ParetoChart {
        let n = labels.len();
        let counts: Vec<f64> = (0..n).map(|i| (n - i) as f64 * 3.0).collect();
        let total: f64 = counts.iter().sum();
        let mut cum = 0.0;
        ParetoChart {
            title: "Pareto: Category".into(),
            bars: labels.iter().zip(&counts).enumerate().map(|(i, (l, c))| (l.to_string(), *c, i < 3, false)).collect(),
            cumulative: counts
                .iter()
                .map(|c| {
                    cum += c / total * 100.0;
                    cum
                })
                .collect(),
            threshold: 80.0,
            threshold_label: "80.0% line".into(),
            y_desc: "Complaints".into(),
        }
    }

    #[test]
    fn pareto_labels_wrap_and_are_never_cut() {
        let labels = [
            "Bad Experience",
            "Late delivery of spare parts",
            "Installation and commissioning",
            "Billing errors",
            "Rude staff",
            "Packaging damage",
            "Other",
        ];
        let svg = render_pareto_chart(&pareto_of(&labels)).unwrap();
        assert_labels_whole_and_apart(&svg, &labels);
    }

    #[test]
    fn pareto_labels_of_many_categories_turn_and_stay_whole() {
        let labels: Vec<String> = (1..=24).map(|i| format!("Customer complaint type {i}")).collect();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let svg = render_pareto_chart(&pareto_of(&refs)).unwrap();
        assert_labels_whole_and_apart(&svg, &refs);
        let zh: Vec<String> = (1..=24).map(|i| format!("安装调试及售后技术支持问题{i}")).collect();
        let refs: Vec<&str> = zh.iter().map(String::as_str).collect();
        let svg = render_pareto_chart(&pareto_of(&refs)).unwrap();
        let all: String = texts(&svg).iter().map(|t| t.4.clone()).collect();
        for l in &zh {
            assert!(
                !all.contains('…') && all.contains(l.as_str()) || texts(&svg).iter().any(|t| l.starts_with(&t.4)),
                "{l} cut"
            );
        }
    }
}
