//! Chart specs in, SVG strings out (plotters' SVG backend).
//!
//! Never reads files. Text stays `<text>` in the SVG so CJK labels render with the
//! reader's fonts; label areas are sized here because plotters without `ttf` guesses
//! text widths from byte length (a CJK character would count three times).

use crate::number;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Font stack for every chart: CJK-capable faces first.
const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";
/// plotters writes `font-size = requested / 1.24`; request sizes through this.
fn px(size: f64) -> f64 {
    size * 1.24
}

/// The finished SVG with the characters XML 1.0 forbids (control characters from labels:
/// plotters escapes `<&` but writes the rest as it is) shown as `\u{1b}`; the markup itself
/// has none.
fn xml_chars(svg: String) -> String {
    match crate::diag::visible_controls(&svg) {
        std::borrow::Cow::Borrowed(_) => svg,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

/// Series colours, one per group (dimension); colour-blind-safe palette.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 102, 163),
    RGBColor(230, 145, 56),
    RGBColor(76, 154, 110),
    RGBColor(196, 78, 82),
    RGBColor(129, 114, 179),
    RGBColor(140, 140, 140),
    RGBColor(204, 185, 116),
    RGBColor(100, 181, 205),
];
const INK: RGBColor = RGBColor(51, 51, 51);
const GRID: RGBColor = RGBColor(225, 225, 225);

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
fn on_axis(v: f64, lo: f64, hi: f64) -> f64 {
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

/// Approximate rendered width of text in em: CJK and full-width characters are 1 em.
pub fn text_em(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if (c as u32) < 0x2E80 {
                if c.is_ascii_uppercase() {
                    0.68
                } else {
                    0.56
                }
            } else {
                1.0
            }
        })
        .sum()
}

pub fn render_bar_chart(spec: &BarChart) -> Result<String, String> {
    let n = spec.bars.len().max(1);
    let max = value_axis(0.0, spec.max).end;
    let font = 13.0;
    let row = 26u32;
    let label_w = spec.bars.iter().map(|b| text_em(&b.label)).fold(4.0, f64::max) * font + 14.0;
    let (width, height) = (760u32, n as u32 * row + 76);
    // With whiskers the value text follows the interval's end, up to the axis end: room for
    // the longest text on the right.
    let right = if spec.bars.iter().any(|b| b.whisker.is_some()) {
        let longest = spec.bars.iter().map(|b| text_em(&b.text) + 0.5).fold(0.0, f64::max);
        (longest * 12.0 + 8.0).clamp(56.0, 300.0) as u32
    } else {
        56
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin_top(8)
            .margin_right(right)
            .margin_left(8)
            .margin_bottom(4)
            .caption(&spec.title, (FONT, px(15.0)).into_font().color(&INK))
            .x_label_area_size(26)
            .y_label_area_size(label_w as u32)
            .build_cartesian_2d(value_axis(0.0, spec.max), (0..n - 1).into_segmented())
            .map_err(|e| e.to_string())?;
        let labels: Vec<&str> = spec.bars.iter().map(|b| b.label.as_str()).collect();
        let label_of = |v: &SegmentValue<usize>| match v {
            SegmentValue::CenterOf(i) if *i < n => labels.get(n - 1 - i).copied().unwrap_or("").to_string(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK.mix(0.6))
            .y_labels(n)
            .y_label_formatter(&label_of)
            .x_labels(6)
            .x_label_formatter(&|v| number::fixed(*v, 0))
            .label_style((FONT, px(font)).into_font().color(&INK))
            .draw()
            .map_err(|e| e.to_string())?;
        let bars = spec.bars.iter().enumerate().filter_map(|(i, b)| {
            let y = n - 1 - i;
            let v = b.value?;
            let colour = if b.muted { MUTED } else { PALETTE[b.group % PALETTE.len()] };
            let mut r = Rectangle::new(
                [(0.0, SegmentValue::Exact(y)), (on_axis(v, 0.0, max), SegmentValue::Exact(y + 1))],
                colour.filled(),
            );
            r.set_margin(5, 5, 0, 0);
            Some(r)
        });
        chart.draw_series(bars).map_err(|e| e.to_string())?;
        // Whiskers: the interval as a line through the bar's middle with end ticks.
        let whisker_style = ShapeStyle::from(&INK).stroke_width(1);
        for (i, b) in spec.bars.iter().enumerate() {
            let Some((lo, hi)) = b.whisker else { continue };
            let y = n - 1 - i;
            let (lo, hi) = (on_axis(lo, 0.0, max), on_axis(hi, 0.0, max));
            let mid = SegmentValue::CenterOf(y);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(lo, mid.clone()), (hi, mid)], whisker_style)))
                .map_err(|e| e.to_string())?;
            let ticks = [lo, hi].map(|x| {
                PathElement::new(vec![(x, SegmentValue::Exact(y)), (x, SegmentValue::Exact(y + 1))], whisker_style)
            });
            chart.draw_series(ticks).map_err(|e| e.to_string())?;
        }
        let value_style =
            TextStyle::from((FONT, px(12.0)).into_font()).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        let texts = spec.bars.iter().enumerate().map(|(i, b)| {
            let y = n - 1 - i;
            let end = b.whisker.map_or(b.value, |(_, hi)| b.value.map(|v| v.max(hi)));
            let x = end.map_or(0.0, |v| on_axis(v, 0.0, max));
            Text::new(format!(" {}", b.text), (x, SegmentValue::CenterOf(y)), value_style.clone())
        });
        chart.draw_series(texts).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(xml_chars(svg))
}

/// A line over periods (e.g. the index per year), on a fixed 0..max axis.
#[derive(Debug, Clone)]
pub struct LineChart {
    pub title: String,
    /// (x label, value, value as displayed)
    pub points: Vec<(String, Option<f64>, String)>,
    pub min: f64,
    pub max: f64,
}

/// The mesh of the charts with one category per x position: horizontal grid lines only,
/// soft axes, a label slot per category, labels of `label_px`.
fn category_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
    n: usize,
    label_px: f64,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB> {
    mesh.disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels(n)
        .label_style((FONT, px(label_px)).into_font().color(&INK))
}

pub fn render_line_chart(spec: &LineChart) -> Result<String, String> {
    let n = spec.points.len().max(1);
    let axis = value_axis(spec.min, spec.max);
    let (lo, hi) = (axis.start, axis.end);
    let (width, height) = (760u32, 300u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(&spec.title, (FONT, px(15.0)).into_font().color(&INK))
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d((0..n - 1).into_segmented(), axis)
            .map_err(|e| e.to_string())?;
        let names: Vec<&str> = spec.points.iter().map(|p| p.0.as_str()).collect();
        category_mesh(&mut chart.configure_mesh(), n, 13.0)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => names.get(*i).copied().unwrap_or("").to_string(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| number::fixed(*v, 0))
            .draw()
            .map_err(|e| e.to_string())?;
        let pts: Vec<(SegmentValue<usize>, f64)> = spec
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((SegmentValue::CenterOf(i), on_axis(p.1?, lo, hi))))
            .collect();
        let texts: Vec<&str> = spec.points.iter().filter(|p| p.1.is_some()).map(|p| p.2.as_str()).collect();
        chart.draw_series(LineSeries::new(pts.clone(), PALETTE[0].stroke_width(2))).map_err(|e| e.to_string())?;
        chart
            .draw_series(pts.iter().map(|(x, y)| Circle::new((x.clone(), *y), 4, PALETTE[0].filled())))
            .map_err(|e| e.to_string())?;
        let style = TextStyle::from((FONT, px(12.0)).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(
                pts.iter()
                    .zip(&texts)
                    .map(|((x, y), t)| Text::new(t.to_string(), (x.clone(), *y + (hi - lo) * 0.03), style.clone())),
            )
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(xml_chars(svg))
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

    #[test]
    fn cjk_counts_one_em() {
        assert_eq!(text_em("满意度"), 3.0);
        assert!(text_em("abc") < 2.0);
    }
}

/// A Pareto chart (排列图): bars in the given (descending) order on the left axis, the
/// cumulative percentage as a line on the right axis, the vital-few threshold as a line.
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

const VITAL: RGBColor = RGBColor(196, 78, 82);
const TRIVIAL: RGBColor = RGBColor(31, 102, 163);
const OTHER: RGBColor = RGBColor(170, 170, 170);

/// Shortens a label to about `em` ems, ending with "…" when cut.
fn fit_label(s: &str, em: f64) -> String {
    if text_em(s) <= em {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_em(&out) + text_em(&c.to_string()) > em - 1.0 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

pub fn render_pareto_chart(spec: &ParetoChart) -> Result<String, String> {
    let n = spec.bars.len().max(1);
    let slot = 64u32;
    let width = (n as u32 * slot + 150).clamp(560, 1400);
    let height = 380u32;
    let top = value_axis(0.0, spec.bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0) * 1.12).end;
    let label_em = f64::from(width - 150) / n as f64 / 12.0;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(&spec.title, (FONT, px(15.0)).into_font().color(&INK))
            .x_label_area_size(34)
            .y_label_area_size(72)
            .right_y_label_area_size(48)
            .build_cartesian_2d((0..n - 1).into_segmented(), value_axis(0.0, top))
            .map_err(|e| e.to_string())?
            .set_secondary_coord((0..n - 1).into_segmented(), value_axis(0.0, 100.0));
        let names: Vec<String> = spec.bars.iter().map(|b| fit_label(&b.0, label_em)).collect();
        category_mesh(&mut chart.configure_mesh(), n, 12.0)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc(spec.y_desc.as_str())
            .y_label_formatter(&|v| number::trimmed(*v, 2))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&|v| format!("{}%", number::fixed(*v, 0)))
            .label_style((FONT, px(12.0)).into_font().color(&INK))
            .axis_style(INK.mix(0.6))
            .draw()
            .map_err(|e| e.to_string())?;
        let bars = spec.bars.iter().enumerate().map(|(i, (_, v, vital, other))| {
            let color = if *other {
                OTHER
            } else if *vital {
                VITAL
            } else {
                TRIVIAL
            };
            let v = on_axis(*v, 0.0, top);
            let mut r =
                Rectangle::new([(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), v)], color.filled());
            r.set_margin(0, 0, 6, 6);
            r
        });
        chart.draw_series(bars).map_err(|e| e.to_string())?;
        let amount_style =
            TextStyle::from((FONT, px(11.0)).into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(spec.bars.iter().enumerate().map(|(i, (_, v, _, _))| {
                Text::new(
                    number::trimmed(*v, 2),
                    (SegmentValue::CenterOf(i), on_axis(*v, 0.0, top)),
                    amount_style.clone(),
                )
            }))
            .map_err(|e| e.to_string())?;
        let line: Vec<(SegmentValue<usize>, f64)> = spec
            .cumulative
            .iter()
            .enumerate()
            .map(|(i, c)| (SegmentValue::CenterOf(i), on_axis(*c, 0.0, 100.0)))
            .collect();
        chart.draw_secondary_series(LineSeries::new(line.clone(), INK.stroke_width(2))).map_err(|e| e.to_string())?;
        chart
            .draw_secondary_series(line.iter().map(|(x, y)| Circle::new((x.clone(), *y), 3, INK.filled())))
            .map_err(|e| e.to_string())?;
        let th = [(SegmentValue::Exact(0), spec.threshold), (SegmentValue::Exact(n), spec.threshold)];
        chart
            .draw_secondary_series(DashedLineSeries::new(th, 6, 4, VITAL.stroke_width(1)))
            .map_err(|e| e.to_string())?;
        let th_style =
            TextStyle::from((FONT, px(11.0)).into_font()).color(&VITAL).pos(Pos::new(HPos::Right, VPos::Bottom));
        chart
            .draw_secondary_series(std::iter::once(Text::new(
                spec.threshold_label.clone(),
                (SegmentValue::Exact(n), spec.threshold + 1.0),
                th_style,
            )))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(xml_chars(svg))
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
}

/// A line that holds each point's value over its slot, stepping between slots of one stage:
/// one path per stage (so lines break at a stage start).
fn step_paths(spec: &ControlSpec, value: impl Fn(&ControlPointSpec) -> f64) -> Vec<Vec<(SegmentValue<usize>, f64)>> {
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
                    [(SegmentValue::Exact(i), v), (SegmentValue::Exact(i + 1), v)]
                })
                .collect()
        })
        .collect()
}

pub fn render_control_chart(spec: &ControlSpec) -> Result<String, String> {
    let n = spec.points.len().max(1);
    let (width, height) = (760u32, 320u32);
    let hi = spec.points.iter().map(|p| p.value.max(p.ucl).max(p.center)).fold(0.0, f64::max);
    let staged = spec.stages.len() > 1;
    // Room above the highest line for the stage labels.
    let top = value_axis(0.0, if hi > 0.0 { hi * if staged { 1.3 } else { 1.15 } } else { 1.0 }).end;
    let y = |v: f64| on_axis(v, 0.0, top);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .caption(&spec.title, (FONT, px(15.0)).into_font().color(&INK))
            .x_label_area_size(30)
            .y_label_area_size(52)
            .build_cartesian_2d((0..n - 1).into_segmented(), value_axis(0.0, top))
            .map_err(|e| e.to_string())?;
        let names: Vec<&str> = spec.points.iter().map(|p| p.label.as_str()).collect();
        let step = n.div_ceil(12).max(1);
        category_mesh(&mut chart.configure_mesh(), n, 11.0)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if i % step == 0 => names.get(*i).map(|s| s.to_string()).unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc(spec.y_desc.as_str())
            .y_label_formatter(&|v| number::trimmed(*v, 3))
            .draw()
            .map_err(|e| e.to_string())?;
        if staged {
            let label_style =
                TextStyle::from((FONT, px(11.0)).into_font()).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
            for (first, label) in &spec.stages {
                if *first > 0 {
                    let sep = [(SegmentValue::Exact(*first), 0.0), (SegmentValue::Exact(*first), top)];
                    chart
                        .draw_series(DashedLineSeries::new(sep, 3, 3, INK.mix(0.5).stroke_width(1)))
                        .map_err(|e| e.to_string())?;
                }
                let at = EmptyElement::at((SegmentValue::Exact(*first), top))
                    + Text::new(label.clone(), (4, 4), label_style.clone());
                chart.draw_series(std::iter::once(at)).map_err(|e| e.to_string())?;
            }
        }
        for path in step_paths(spec, |p| y(p.center)) {
            chart.draw_series(LineSeries::new(path, PALETTE[2].stroke_width(1))).map_err(|e| e.to_string())?;
        }
        // Solid steps: a dashed line would hide the short risers between months.
        for limit in [|p: &ControlPointSpec| p.lcl, |p: &ControlPointSpec| p.ucl] {
            for path in step_paths(spec, |p| y(limit(p))) {
                chart.draw_series(LineSeries::new(path, VITAL.stroke_width(1))).map_err(|e| e.to_string())?;
            }
        }
        let at = |i: usize| SegmentValue::CenterOf(i);
        let values: Vec<(SegmentValue<usize>, f64)> =
            spec.points.iter().enumerate().map(|(i, p)| (at(i), y(p.value))).collect();
        chart.draw_series(LineSeries::new(values.clone(), TRIVIAL.stroke_width(2))).map_err(|e| e.to_string())?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, (x, y))| {
                if spec.signals.contains(&i) {
                    Circle::new((x.clone(), *y), 6, VITAL.filled())
                } else {
                    Circle::new((x.clone(), *y), 3, TRIVIAL.filled())
                }
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(xml_chars(svg))
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
