//! The one look of every chart: canvas size, fonts, colours, the caption, text measurement
//! and wrapping, category labels under an axis, and the finished SVG's accessible name.
//!
//! plotters without `ttf` guesses text widths from byte length, so nothing here asks it to
//! measure: label areas are sized from `text_em` (a CJK character is 1 em) and category labels
//! are drawn by `CategoryLabels` at pixel positions, wrapped onto lines or turned 90°, never
//! shortened.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Canvas width of every chart: the report's content width (960 px page − 2 × 40 px padding),
/// so a chart is drawn at 1:1 on screen and scaled down as a whole in print.
pub const WIDTH: u32 = 880;
/// Font stack for every chart: CJK-capable faces first.
pub const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";
/// Text sizes in px as they appear in the SVG.
pub const TITLE_PX: f64 = 16.0;
pub const LABEL_PX: f64 = 14.0;
pub const VALUE_PX: f64 = 13.0;
/// Distance between the baselines of a wrapped label's lines.
pub const LINE_PX: f64 = LABEL_PX * 1.25;

/// Series colours, one per group (dimension); colour-blind-safe palette.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 102, 163),
    RGBColor(230, 145, 56),
    RGBColor(76, 154, 110),
    RGBColor(196, 78, 82),
    RGBColor(129, 114, 179),
    RGBColor(140, 140, 140),
    RGBColor(204, 185, 116),
    RGBColor(100, 181, 205),
];
pub const INK: RGBColor = RGBColor(51, 51, 51);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const VITAL: RGBColor = RGBColor(196, 78, 82);
pub const TRIVIAL: RGBColor = RGBColor(31, 102, 163);
pub const OTHER: RGBColor = RGBColor(170, 170, 170);
pub const CENTER: RGBColor = RGBColor(76, 154, 110);

/// The drawing area every chart draws on.
pub type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// plotters writes `font-size = requested / 1.24`; request sizes through this.
pub fn px(size: f64) -> f64 {
    size * 1.24
}

/// Text of `size` px in `color`, anchored at `pos`.
pub fn text_style(size: f64, color: &RGBColor, pos: Pos) -> TextStyle<'static> {
    TextStyle { font: (FONT, px(size)).into_font(), color: color.to_backend_color(), pos }
}

/// Axis tick labels.
pub fn label_font() -> TextStyle<'static> {
    text_style(LABEL_PX, &INK, Pos::new(HPos::Center, VPos::Top))
}

/// plotters' errors as the text `charts::chart` reports.
pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Approximate rendered width of text in em: CJK and full-width characters are 1 em.
pub fn text_em(s: &str) -> f64 {
    s.chars().map(char_em).sum()
}

fn char_em(c: char) -> f64 {
    if (c as u32) < 0x2E80 {
        if c.is_ascii_uppercase() {
            0.68
        } else {
            0.56
        }
    } else {
        1.0
    }
}

/// Approximate width in px of `s` at `size` px.
pub fn text_px(s: &str, size: f64) -> f64 {
    text_em(s) * size
}

fn is_wide(c: char) -> bool {
    (c as u32) >= 0x2E80
}

/// Closing punctuation that must not begin a line (kept with the character before it).
fn no_break_before(c: char) -> bool {
    matches!(c, '，' | '。' | '、' | '；' | '：' | '）' | '」' | '》' | '！' | '？' | ')' | ',' | '.' | ';' | ':')
}

/// The pieces a line may break between: words with their trailing spaces (a word also ends
/// after `-` or `/`), and single CJK characters (with any closing punctuation after them).
fn break_units(s: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_spaces = false;
    for c in s.chars() {
        if no_break_before(c) && !cur.is_empty() && !cur_spaces {
            cur.push(c);
            continue;
        }
        if c.is_whitespace() {
            cur.push(c);
            cur_spaces = true;
            continue;
        }
        if cur_spaces || is_wide(c) || cur.chars().last().is_some_and(|p| is_wide(p) || no_break_before(p)) {
            if !cur.is_empty() {
                units.push(std::mem::take(&mut cur));
            }
            cur_spaces = false;
        }
        cur.push(c);
        if c == '-' || c == '/' {
            units.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        units.push(cur);
    }
    units
}

/// `s` on as many lines as it needs, each at most `max_px` wide at `size` px where it can be:
/// lines break between words and between CJK characters; a word wider than a line is split
/// between its characters. Every character of `s` is kept (spaces at line ends aside).
pub fn wrap_text(s: &str, max_px: f64, size: f64) -> Vec<String> {
    let max_em = (max_px / size).max(1.0);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let fits = |line: &str, more: &str| text_em(line) + text_em(more.trim_end()) <= max_em + 1e-9;
    for unit in break_units(s) {
        if fits(&line, &unit) {
            line.push_str(&unit);
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
            line = String::new();
        }
        if fits("", &unit) {
            line.push_str(unit.trim_start());
            continue;
        }
        for c in unit.chars() {
            if !fits(&line, &c.to_string()) && !line.is_empty() {
                lines.push(line.trim_end().to_string());
                line = String::new();
            }
            if !(line.is_empty() && c.is_whitespace()) {
                line.push(c);
            }
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Widest line of `lines` in px at `size`.
pub fn widest(lines: &[String], size: f64) -> f64 {
    lines.iter().map(|l| text_px(l, size)).fold(0.0, f64::max)
}

/// The SVG of a chart `size` px large: white canvas, `draw` on it, finished. Control
/// characters plotters left in labels (not allowed in XML 1.0) are shown as `\u{..}`.
pub fn draw_svg(size: (u32, u32), draw: impl FnOnce(&Area) -> Result<(), String>) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(match crate::diag::visible_controls(&svg) {
        std::borrow::Cow::Borrowed(_) => svg,
        std::borrow::Cow::Owned(shown) => shown,
    })
}

/// Margins around the plot: room for the caption above, and for a value printed beside the
/// last bar or point.
pub const MARGIN: u32 = 12;

/// A chart builder on `root` with the shared margins and the caption `title`.
pub fn builder<'a, 'b>(root: &'a Area<'b>, title: &str) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut b = ChartBuilder::on(root);
    b.margin(MARGIN).caption(title, (FONT, px(TITLE_PX)).into_font().color(&INK));
    b
}

/// Height the caption takes (plotters: font size + margin).
pub fn caption_px() -> u32 {
    (TITLE_PX * 1.24 + 10.0).ceil() as u32
}

/// The soft mesh of every chart: grid lines of the value axis only, light axes, labels of
/// `LABEL_PX`; the category axis carries no plotters labels (`CategoryLabels` draws them).
pub fn soft_mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB> {
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .label_style((FONT, px(LABEL_PX)).into_font().color(&INK))
        .axis_desc_style((FONT, px(LABEL_PX)).into_font().color(&INK))
}

/// Labels of the categories of a horizontal axis, one slot each: wrapped onto lines inside
/// the slot, or, when slots are too narrow for that, turned 90° and wrapped into columns.
#[derive(Debug, Clone)]
pub struct CategoryLabels {
    pub lines: Vec<Vec<String>>,
    pub rotated: bool,
    /// Height the labels need below the axis, in px.
    pub area: u32,
}

/// At most this many lines per label before labels are turned.
const MAX_LINES: usize = 3;

impl CategoryLabels {
    /// Lays out `labels` under slots `slot_px` wide (an empty label leaves its slot blank).
    pub fn layout(labels: &[String], slot_px: f64) -> CategoryLabels {
        let room = (slot_px - 6.0).max(LABEL_PX);
        let flat: Vec<Vec<String>> = labels.iter().map(|l| wrap_text(l, room, LABEL_PX)).collect();
        let fits = flat.iter().all(|ls| ls.len() <= MAX_LINES && widest(ls, LABEL_PX) <= room + 1e-9);
        if fits {
            let lines = flat.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let area = (8.0 + lines as f64 * LINE_PX + 4.0).ceil() as u32;
            return CategoryLabels { lines: flat, rotated: false, area };
        }
        // Turned: each line is a column LINE_PX wide; a label gets as many columns as its
        // slot holds, and its lines are as long as they must be to hold it.
        let columns = ((slot_px / LINE_PX).floor() as usize).max(1);
        let lines: Vec<Vec<String>> = labels
            .iter()
            .map(|l| {
                let width = (text_px(l, LABEL_PX) / columns as f64).max(8.0 * LABEL_PX);
                wrap_text(l, width + LABEL_PX, LABEL_PX)
            })
            .collect();
        let area = (10.0 + lines.iter().map(|ls| widest(ls, LABEL_PX)).fold(0.0, f64::max)).ceil() as u32;
        CategoryLabels { lines, rotated: true, area }
    }

    /// Draws label `i` under the axis point `at(i)` (backend px of the slot's centre on the
    /// axis line).
    pub fn draw(&self, root: &Area, at: impl Fn(usize) -> (i32, i32)) -> Result<(), String> {
        for (i, lines) in self.lines.iter().enumerate() {
            let (x, y) = at(i);
            let k = lines.len() as f64;
            for (j, line) in lines.iter().enumerate() {
                if line.is_empty() {
                    continue;
                }
                let text = if self.rotated {
                    // Columns centred on the slot, read top to bottom, left to right after
                    // turning the page: the first line is the rightmost column.
                    let dx = ((k - 1.0) / 2.0 - j as f64) * LINE_PX;
                    let style = TextStyle {
                        font: (FONT, px(LABEL_PX)).into_font().transform(FontTransform::Rotate90),
                        color: INK.to_backend_color(),
                        pos: Pos::new(HPos::Left, VPos::Center),
                    };
                    Text::new(line.clone(), (x + dx.round() as i32, y + 8), style)
                } else {
                    let style = text_style(LABEL_PX, &INK, Pos::new(HPos::Center, VPos::Top));
                    Text::new(line.clone(), (x, y + 8 + (j as f64 * LINE_PX).round() as i32), style)
                };
                root.draw(&text).map_err(err)?;
            }
        }
        Ok(())
    }
}

/// Labels beside a vertical category axis (bar charts), right-aligned against it, wrapped
/// to `max_px`; the lines of a label are centred on its slot.
pub fn draw_side_labels(root: &Area, lines: &[Vec<String>], at: impl Fn(usize) -> (i32, i32)) -> Result<(), String> {
    for (i, lines) in lines.iter().enumerate() {
        let (x, y) = at(i);
        let k = lines.len() as f64;
        for (j, line) in lines.iter().enumerate() {
            let dy = (j as f64 - (k - 1.0) / 2.0) * LINE_PX;
            let style = text_style(LABEL_PX, &INK, Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(line.clone(), (x - 8, y + dy.round() as i32), style)).map_err(err)?;
        }
    }
    Ok(())
}

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    Line(RGBColor),
    Dot(RGBColor),
}

/// Height of a legend row under a chart.
pub const LEGEND_PX: u32 = 26;

/// One row of legend entries centred on the canvas, their middle at `y` px.
pub fn draw_legend(root: &Area, items: &[(Mark, String)], y: i32) -> Result<(), String> {
    let widths: Vec<f64> = items.iter().map(|(_, t)| 22.0 + text_px(t, VALUE_PX) + 20.0).collect();
    let mut x = (f64::from(WIDTH) - widths.iter().sum::<f64>()) / 2.0;
    for ((mark, text), w) in items.iter().zip(&widths) {
        let x0 = x.round() as i32;
        match mark {
            Mark::Line(c) => root.draw(&PathElement::new(vec![(x0, y), (x0 + 16, y)], c.stroke_width(2))),
            Mark::Dot(c) => root.draw(&Circle::new((x0 + 8, y), 5, c.filled())),
        }
        .map_err(err)?;
        let style = text_style(VALUE_PX, &INK, Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(text.clone(), (x0 + 22, y), style)).map_err(err)?;
        x += w;
    }
    Ok(())
}

/// `s` escaped for XML text and attribute values.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The SVG made an image with an accessible name: `role="img"` and `aria-label` on the root,
/// `<title>` (and `<desc>` when `desc` is not empty) as its first children.
pub fn accessible(svg: &str, title: &str, desc: &str) -> String {
    let Some(start) = svg.find("<svg") else { return svg.to_string() };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else { return svg.to_string() };
    let (head, rest) = svg.split_at(end);
    let title = xml_escape(title);
    let mut out = String::with_capacity(svg.len() + 2 * title.len() + desc.len() + 64);
    out.push_str(head.trim_end_matches('/'));
    out.push_str(&format!(" role=\"img\" aria-label=\"{title}\">\n<title>{title}</title>\n"));
    if !desc.is_empty() {
        out.push_str(&format!("<desc>{}</desc>\n", xml_escape(desc)));
    }
    out.push_str(rest[1..].strip_prefix('\n').unwrap_or(&rest[1..]));
    out
}

/// Adds `<desc>desc</desc>` after the `<title>` that `accessible` wrote (nothing when `desc`
/// is empty or the SVG has no title).
pub fn describe(svg: &mut String, desc: &str) {
    const END: &str = "</title>\n";
    if let (false, Some(at)) = (desc.is_empty(), svg.find(END)) {
        svg.insert_str(at + END.len(), &format!("<desc>{}</desc>\n", xml_escape(desc)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_one_em() {
        assert_eq!(text_em("满意度"), 3.0);
        assert!(text_em("abc") < 2.0);
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits_the_width() {
        let s = "Bad Experience with Delivery Staff";
        let lines = wrap_text(s, 100.0, 13.0);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), s, "breaks at spaces only");
        assert!(lines.iter().all(|l| text_px(l, 13.0) <= 100.0), "{lines:?}");
        let zh = "安装调试及售后技术支持不到位";
        let lines = wrap_text(zh, 60.0, 13.0);
        assert_eq!(lines.concat(), zh);
        assert!(lines.iter().all(|l| text_px(l, 13.0) <= 60.0), "{lines:?}");
        assert_eq!(wrap_text("质量（外观）、包装", 30.0, 13.0).concat(), "质量（外观）、包装");
        assert!(wrap_text("质量、包装", 30.0, 13.0).iter().all(|l| !l.starts_with('、')));
        let long = "Supercalifragilisticexpialidocious";
        assert_eq!(wrap_text(long, 50.0, 13.0).concat(), long, "a long word is split, not cut");
        assert_eq!(wrap_text("", 50.0, 13.0), vec![String::new()]);
    }

    #[test]
    fn category_labels_wrap_in_wide_slots_and_turn_in_narrow_ones() {
        let labels = vec!["Bad Experience".to_string(), "Late delivery of spare parts".to_string()];
        let l = CategoryLabels::layout(&labels, 110.0);
        assert!(!l.rotated && l.lines[0] == ["Bad", "Experience"], "{l:?}");
        assert_eq!(l.lines[1].join(" "), labels[1]);
        let narrow = CategoryLabels::layout(&labels, 20.0);
        assert!(narrow.rotated, "{narrow:?}");
        assert_eq!(narrow.lines[1].join(" "), labels[1]);
        assert!(f64::from(narrow.area) >= widest(&narrow.lines[1], LABEL_PX));
    }

    #[test]
    fn accessible_svg_has_role_title_and_escaped_desc() {
        let svg = "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/>\n</svg>\n";
        let out = accessible(svg, "A & \"B\"", "x < y");
        assert!(out.starts_with("<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"A &amp; &quot;B&quot;\">\n<title>A &amp; &quot;B&quot;</title>\n<desc>x &lt; y</desc>\n<rect/>"), "{out}");
    }
}
