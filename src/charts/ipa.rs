//! The importance–performance matrix (GB/T 19038 附录D): items as points (derived importance
//! across, score up), crosshairs splitting the four quadrants, each quadrant named in its
//! corner and the crosshairs' rule printed under the plot.

use super::draw::on_axis;
use super::style::{
    builder, caption_px, draw_svg, err, soft_mesh, text_px, text_style, Area, CENTER, INK, LABEL_PX, LEGEND_PX, OTHER,
    TRIVIAL, VALUE_PX, VITAL, WIDTH,
};
use crate::analysis::importance::Quadrant;
use crate::number;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

#[derive(Debug, Clone)]
pub struct IpaChart {
    pub title: String,
    /// (item, importance, performance, quadrant)
    pub points: Vec<(String, f64, f64, Quadrant)>,
    /// Where the crosshairs cross: (importance, performance).
    pub cross: (f64, f64),
    /// The crosshairs' rule and values, printed under the plot.
    pub cross_text: String,
    /// Names of the quadrants: improve first, keep up, low priority, possible overkill.
    pub quadrants: [String; 4],
    pub x_desc: String,
    pub y_desc: String,
}

/// Height of the plot area in px.
const PLOT_PX: u32 = 420;

fn colour(q: Quadrant) -> RGBColor {
    match q {
        Quadrant::ImproveFirst => VITAL,
        Quadrant::KeepUp => CENTER,
        Quadrant::LowPriority => OTHER,
        Quadrant::PossibleOverkill => TRIVIAL,
    }
}

/// An axis around `values` (and the crosshair), padded by a tenth of the span, inside `lo..hi`.
fn axis(values: impl Iterator<Item = f64>, lo: f64, hi: f64, min_span: f64) -> (f64, f64) {
    let (a, b) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let span = (b - a).max(min_span);
    let mid = (a + b) / 2.0;
    let (a, b) = (mid - span / 2.0 - span * 0.1, mid + span / 2.0 + span * 0.1);
    (a.max(lo), b.min(hi))
}

/// Label boxes placed so far: (x0, y0, x1, y1) in px.
type Boxes = Vec<(f64, f64, f64, f64)>;

/// Where a label of `w` px goes beside the point at (x, y): right of it, else left, moved
/// down or up a line at a time until it overlaps no label placed before.
fn place(boxes: &mut Boxes, x: f64, y: f64, w: f64, right_edge: f64) -> (f64, f64) {
    let h = LABEL_PX + 2.0;
    let overlaps = |b: &Boxes, x0: f64, y0: f64| {
        b.iter().any(|(a0, b0, a1, b1)| x0 < *a1 && x0 + w > *a0 && y0 < *b1 && y0 + h > *b0)
    };
    let left = x + 8.0 + w > right_edge;
    for step in [0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0] {
        let x0 = if left { x - 8.0 - w } else { x + 8.0 };
        let y0 = y - h / 2.0 + step * h;
        if !overlaps(boxes, x0, y0) || step == -3.0 {
            boxes.push((x0, y0, x0 + w, y0 + h));
            return (x0, y0 + h / 2.0);
        }
    }
    unreachable!("the last step always places the label")
}

pub fn render_ipa_chart(spec: &IpaChart) -> Result<String, String> {
    let (x0, x1) = axis(spec.points.iter().map(|p| p.1).chain([spec.cross.0]), -1.0, 1.0, 0.2);
    let (y0, y1) = axis(spec.points.iter().map(|p| p.2).chain([spec.cross.1]), 0.0, 100.0, 10.0);
    let x_area = 48u32;
    let height = PLOT_PX + caption_px() + x_area + LEGEND_PX + 2 * super::style::MARGIN + 8;
    draw_svg((WIDTH, height), |canvas: &Area| {
        // The plot above, the crosshairs' rule in a row of its own below it.
        let (plot, below) = canvas.split_vertically(height - LEGEND_PX);
        let root = &plot;
        let mut chart = builder(root, &spec.title)
            .margin_right(24)
            .x_label_area_size(x_area)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        soft_mesh(&mut chart.configure_mesh())
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|v| number::fixed(*v, 2))
            .y_label_formatter(&|v| number::fixed(*v, 0))
            .x_desc(spec.x_desc.as_str())
            .y_desc(spec.y_desc.as_str())
            .draw()
            .map_err(err)?;
        let (cx, cy) = (on_axis(spec.cross.0, x0, x1), on_axis(spec.cross.1, y0, y1));
        // The improve-first quadrant tinted: right of the vertical line, below the horizontal one.
        chart
            .draw_series(std::iter::once(Rectangle::new([(cx, y0), (x1, cy)], VITAL.mix(0.07).filled())))
            .map_err(err)?;
        let dashed = INK.mix(0.7).stroke_width(1);
        chart.draw_series(DashedLineSeries::new([(cx, y0), (cx, y1)], 6, 4, dashed)).map_err(err)?;
        chart.draw_series(DashedLineSeries::new([(x0, cy), (x1, cy)], 6, 4, dashed)).map_err(err)?;
        // Quadrant names in the plot's corners.
        let corners = [
            (&spec.quadrants[0], x1, y0, HPos::Right, VPos::Bottom, VITAL),
            (&spec.quadrants[1], x1, y1, HPos::Right, VPos::Top, CENTER),
            (&spec.quadrants[2], x0, y0, HPos::Left, VPos::Bottom, OTHER),
            (&spec.quadrants[3], x0, y1, HPos::Left, VPos::Top, TRIVIAL),
        ];
        // Their boxes are taken first, so no item's label is written over them.
        let mut boxes: Boxes = Vec::new();
        for (name, x, y, h, v, c) in corners {
            let (px, py) = chart.backend_coord(&(x, y));
            let right = matches!(h, HPos::Right);
            let top = matches!(v, VPos::Top);
            let (dx, dy) = (if right { -6 } else { 6 }, if top { 6 } else { -6 });
            let style = text_style(LABEL_PX, &c, Pos::new(h, v));
            root.draw(&Text::new(name.clone(), (px + dx, py + dy), style)).map_err(err)?;
            let (w, x0, y0) = (text_px(name, LABEL_PX), f64::from(px + dx), f64::from(py + dy));
            let bx = if right { x0 - w } else { x0 };
            let by = if top { y0 } else { y0 - LABEL_PX - 2.0 };
            boxes.push((bx, by, bx + w, by + LABEL_PX + 2.0));
        }
        // Labels placed top to bottom, so a crowded cluster spreads downwards.
        let mut order: Vec<usize> = (0..spec.points.len()).collect();
        order.sort_by(|a, b| spec.points[*b].2.total_cmp(&spec.points[*a].2).then(a.cmp(b)));
        let right_edge = f64::from(chart.backend_coord(&(x1, y0)).0);
        for i in order {
            let (label, x, y, q) = &spec.points[i];
            let (px, py) = chart.backend_coord(&(on_axis(*x, x0, x1), on_axis(*y, y0, y1)));
            root.draw(&Circle::new((px, py), 5, colour(*q).filled())).map_err(err)?;
            let w = text_px(label, VALUE_PX);
            let (lx, ly) = place(&mut boxes, f64::from(px), f64::from(py), w, right_edge);
            let style = text_style(VALUE_PX, &INK, Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(label.clone(), (lx.round() as i32, ly.round() as i32), style)).map_err(err)?;
        }
        let style = text_style(VALUE_PX, &INK, Pos::new(HPos::Center, VPos::Center));
        below
            .draw(&Text::new(spec.cross_text.clone(), ((WIDTH / 2) as i32, (LEGEND_PX / 2) as i32), style))
            .map_err(err)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_close_points_do_not_overlap() {
        let mut boxes = Boxes::new();
        let a = place(&mut boxes, 100.0, 100.0, 60.0, 800.0);
        let b = place(&mut boxes, 102.0, 101.0, 60.0, 800.0);
        assert_ne!(a.1, b.1, "{a:?} {b:?}");
        assert!((a.1 - b.1).abs() >= LABEL_PX, "{a:?} {b:?}");
        // Near the right edge the label goes left of the point.
        let c = place(&mut boxes, 790.0, 300.0, 60.0, 800.0);
        assert!(c.0 < 790.0 - 60.0, "{c:?}");
    }

    #[test]
    fn the_chart_draws_every_point_label_and_quadrant_name() {
        let spec = IpaChart {
            title: "IPA".into(),
            points: vec![
                ("Delivery".into(), 0.7, 69.5, Quadrant::ImproveFirst),
                ("Price".into(), 0.6, 71.3, Quadrant::LowPriority),
            ],
            cross: (0.65, 70.0),
            cross_text: "Crosshairs at the mean".into(),
            quadrants: ["Improve first".into(), "Keep up".into(), "Low priority".into(), "Possible overkill".into()],
            x_desc: "Importance".into(),
            y_desc: "Performance".into(),
        };
        let svg = render_ipa_chart(&spec).unwrap();
        for text in [
            "Delivery",
            "Price",
            "Improve first",
            "Keep up",
            "Low priority",
            "Possible overkill",
            "Crosshairs at the mean",
        ] {
            assert!(svg.contains(text), "{text}");
        }
    }
}
