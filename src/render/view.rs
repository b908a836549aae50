//! The view: analysis results turned into display-ready plain data (formatted numbers,
//! labels in the site's language, chart SVGs). Both templates render from it.

use super::complaints_view::{ActionView, ComplaintView};
use super::format::{change, change_class, pct, plain, score};
use super::{chart_err, Labels, Pair, PeriodReport};
use crate::analysis::survey::{ItemRef, SurveyResult, VerdictStatus};
use crate::charts::{render_bar_chart, render_line_chart, Bar, BarChart, LineChart};
use crate::config::RateBasis;
use crate::diag::Result;
use serde::Serialize;

/// How many rejected rows the report lists (all are in rejected.csv).
const REJECTIONS_SHOWN: usize = 20;

pub struct View {
    pub data: ViewData,
    /// Chart files: name (without `.svg`) and content.
    pub charts: Vec<(String, String)>,
}

#[derive(Serialize)]
pub struct ViewData {
    lang: &'static str,
    title: String,
    period: String,
    subtitle: String,
    t: Labels,
    css: &'static str,
    verdict: VerdictView,
    basics: Vec<Pair>,
    index: IndexView,
    dimensions: Vec<DimView>,
    has_previous: bool,
    bands: Vec<BandView>,
    valid: u64,
    lowest: Vec<ItemRefView>,
    rise: Option<ItemRefView>,
    fall: Option<ItemRefView>,
    comments: Vec<CommentView>,
    trend: Vec<TrendView>,
    charts: ChartsView,
    method: Vec<String>,
    quality: QualityView,
    complaints: Option<ComplaintView>,
    actions: Option<ActionView>,
    /// The user's conclusions: sanitised HTML for the page, Markdown (with `<` escaped) for report.md.
    conclusions_html: Option<String>,
    conclusions_md: Option<String>,
}

#[derive(Serialize)]
struct VerdictView {
    status: &'static str,
    text: String,
}

#[derive(Serialize)]
struct IndexView {
    value: String,
    band: String,
    previous_label: String,
    previous: Option<String>,
    change: Option<String>,
    change_class: &'static str,
}

#[derive(Serialize)]
struct DimView {
    name: String,
    weight: String,
    score: String,
    previous: String,
    change: String,
    change_class: &'static str,
    items: Vec<ItemView>,
}

#[derive(Serialize)]
struct ItemView {
    name: String,
    score: String,
    n: u64,
    previous: String,
    change: String,
    change_class: &'static str,
}

#[derive(Serialize)]
struct BandView {
    label: String,
    range: String,
    count: u64,
    share: String,
}

#[derive(Serialize)]
struct ItemRefView {
    dimension: String,
    item: String,
    score: String,
    change: String,
}

#[derive(Serialize)]
struct CommentView {
    score: String,
    id: String,
    date: String,
    text: String,
}

#[derive(Serialize)]
struct TrendView {
    period: String,
    index: String,
    valid: u64,
}

#[derive(Serialize)]
struct ChartsView {
    dimensions: String,
    items: String,
    bands: String,
    trend: Option<String>,
}

#[derive(Serialize)]
struct QualityView {
    files: Vec<FileRowView>,
    total: FileRowView,
    rejections: Vec<RejectionView>,
    rejections_note: String,
}

#[derive(Serialize)]
struct FileRowView {
    file: String,
    read: u64,
    used: u64,
    rejected: u64,
}

#[derive(Serialize)]
struct RejectionView {
    location: String,
    column: String,
    reason: String,
}

fn basis_label(t: &Labels, b: RateBasis) -> String {
    t.get(match b {
        RateBasis::ReturnRate => "return_rate",
        RateBasis::ValidReturnRate => "valid_return_rate",
        RateBasis::ValidRate => "valid_rate",
    })
}

fn item_ref(r: &ItemRef) -> ItemRefView {
    ItemRefView {
        dimension: r.dimension.clone(),
        item: r.item.clone(),
        score: score(Some(r.score)),
        change: change(r.change),
    }
}

pub fn build(r: &PeriodReport, t: &Labels, css: &'static str) -> Result<View> {
    let s: &SurveyResult = r.survey;
    let cfg = r.config;
    let title = cfg.site.title.clone().unwrap_or_else(|| t.get("title_default"));
    let basis = basis_label(t, s.verdict.basis);
    let required = pct(Some(s.verdict.required));
    let rate = pct(s.verdict.rate);
    let (status, key) = match s.verdict.status {
        VerdictStatus::Valid => ("valid", "verdict_valid"),
        VerdictStatus::Invalid => ("invalid", "verdict_invalid"),
        VerdictStatus::NoPlan => ("no_plan", "verdict_no_plan"),
    };
    let verdict = VerdictView {
        status,
        text: t.fill(key, &[("basis", &basis), ("rate", &rate), ("required", &required), ("period", &s.period)]),
    };
    let basics = vec![
        Pair { label: t.get("survey_period"), value: s.period.clone() },
        Pair { label: t.get("issued"), value: s.issued.map_or_else(|| t.get("not_planned"), |n| n.to_string()) },
        Pair { label: t.get("returned"), value: s.returned.to_string() },
        Pair { label: t.get("valid"), value: s.valid.to_string() },
        Pair { label: t.get("incomplete"), value: s.incomplete.to_string() },
        Pair { label: t.get("return_rate"), value: pct(s.return_rate) },
        Pair { label: t.get("valid_rate"), value: pct(s.valid_rate) },
        Pair { label: t.get("valid_return_rate"), value: pct(s.valid_return_rate) },
    ];
    let prev_index = s.previous.as_ref().and_then(|p| p.index);
    let index_change = s.index.zip(prev_index).map(|(a, b)| a - b);
    let index = IndexView {
        value: score(s.index),
        band: s.index_band.clone().unwrap_or_else(|| t.get("no_data")),
        previous_label: t.fill(
            "previous_period",
            &[(
                "period",
                &crate::period::Period::parse(&s.period).map_or_else(String::new, |p| p.previous().to_string()),
            )],
        ),
        previous: s.previous.as_ref().map(|p| score(p.index)),
        change: s.previous.as_ref().map(|_| change(index_change)),
        change_class: change_class(index_change),
    };
    let dimensions: Vec<DimView> = s
        .dimensions
        .iter()
        .map(|d| DimView {
            name: d.name.clone(),
            weight: pct(Some(d.weight_share)),
            score: score(d.score),
            previous: score(d.previous),
            change: change(d.change),
            change_class: change_class(d.change),
            items: d
                .items
                .iter()
                .map(|i| ItemView {
                    name: i.name.clone(),
                    score: score(i.score),
                    n: i.n,
                    previous: score(i.previous),
                    change: change(i.change),
                    change_class: change_class(i.change),
                })
                .collect(),
        })
        .collect();
    let bands: Vec<BandView> = s
        .bands
        .iter()
        .map(|b| BandView {
            label: b.label.clone(),
            range: match b.below {
                None => format!("[{}, 100]", plain(b.min)),
                Some(hi) => format!("[{}, {})", plain(b.min), plain(hi)),
            },
            count: b.count,
            share: pct(b.share),
        })
        .collect();

    // Charts
    let no_data = t.get("no_data");
    let dim_chart = BarChart {
        title: t.get("dimension_chart"),
        bars: s
            .dimensions
            .iter()
            .enumerate()
            .map(|(j, d)| Bar { label: d.name.clone(), value: d.score, text: score_or(d.score, &no_data), group: j })
            .collect(),
        max: 100.0,
    };
    let item_chart = BarChart {
        title: t.get("item_chart"),
        bars: s
            .dimensions
            .iter()
            .enumerate()
            .flat_map(|(j, d)| d.items.iter().map(move |i| (j, i)))
            .map(|(j, i)| Bar { label: i.name.clone(), value: i.score, text: score_or(i.score, &no_data), group: j })
            .collect(),
        max: 100.0,
    };
    let band_chart = BarChart {
        title: t.get("band_chart"),
        bars: s
            .bands
            .iter()
            .map(|b| Bar {
                label: b.label.clone(),
                value: b.share.map(|x| x * 100.0),
                text: format!("{} ({})", pct(b.share), b.count),
                group: 0,
            })
            .collect(),
        max: 100.0,
    };
    let mut charts = vec![
        ("dimensions".to_string(), render_bar_chart(&dim_chart).map_err(|e| chart_err("dimensions", e))?),
        ("items".to_string(), render_bar_chart(&item_chart).map_err(|e| chart_err("items", e))?),
        ("bands".to_string(), render_bar_chart(&band_chart).map_err(|e| chart_err("bands", e))?),
    ];
    if s.trend.len() >= 2 {
        let lo = s.trend.iter().filter_map(|p| p.index).fold(100.0, f64::min);
        let line = LineChart {
            title: t.get("trend"),
            points: s.trend.iter().map(|p| (p.period.clone(), p.index, score(p.index))).collect(),
            min: ((lo - 10.0) / 10.0).floor().max(0.0) * 10.0,
            max: 100.0,
        };
        charts.push(("trend".to_string(), render_line_chart(&line).map_err(|e| chart_err("trend", e))?));
    }
    let svg = |name: &str| charts.iter().find(|(n, _)| *n == name).map(|(_, s)| s.clone());
    let charts_view = ChartsView {
        dimensions: svg("dimensions").unwrap_or_default(),
        items: svg("items").unwrap_or_default(),
        bands: svg("bands").unwrap_or_default(),
        trend: svg("trend"),
    };

    let q = r.quality;
    let files: Vec<FileRowView> = q
        .files
        .iter()
        .map(|f| FileRowView { file: f.file.clone(), read: f.read, used: f.used, rejected: f.rejected })
        .collect();
    let total = FileRowView {
        file: t.get("total"),
        read: files.iter().map(|f| f.read).sum(),
        used: files.iter().map(|f| f.used).sum(),
        rejected: files.iter().map(|f| f.rejected).sum(),
    };
    let shown = q.rejections.len().min(REJECTIONS_SHOWN);
    let quality = QualityView {
        files,
        total,
        rejections: q
            .rejections
            .iter()
            .take(shown)
            .map(|x| RejectionView {
                location: format!("{}:{}", x.file, x.line),
                column: x.column.clone().unwrap_or_default(),
                reason: x.reason.clone(),
            })
            .collect(),
        rejections_note: if q.rejections.is_empty() {
            t.get("no_rejections")
        } else {
            t.fill("rejections_first", &[("shown", &shown.to_string()), ("total", &q.rejections.len().to_string())])
        },
    };

    let complaints = match (cfg.complaints.as_ref(), r.complaints) {
        (Some(k), Some(c)) => {
            let (view, files) = super::complaints_view::complaints(k, c, t)?;
            charts.extend(files);
            Some(view)
        }
        _ => None,
    };
    let actions = r.actions.map(|a| super::complaints_view::actions(a, t));
    let mut method = method_notes(r, t, &basis, &required);
    let closed = cfg.actions.as_ref().map(|a| a.closed_statuses.clone()).unwrap_or_default();
    method.extend(super::complaints_view::method_notes(cfg.complaints.as_ref(), r.complaints, r.actions, &closed, t));
    let data = ViewData {
        lang: cfg.site.language.code(),
        subtitle: t.fill("report_period", &[("period", &s.period)]),
        title,
        period: s.period.clone(),
        css,
        verdict,
        basics,
        index,
        has_previous: s.previous.is_some(),
        dimensions,
        bands,
        valid: s.valid,
        lowest: s.lowest_items.iter().map(item_ref).collect(),
        rise: s.largest_rise.as_ref().map(item_ref),
        fall: s.largest_fall.as_ref().map(item_ref),
        comments: s
            .comments
            .iter()
            .map(|c| CommentView {
                score: score(Some(c.score)),
                id: c.id.clone(),
                date: c.date.clone(),
                text: c.text.clone(),
            })
            .collect(),
        trend: s
            .trend
            .iter()
            .map(|p| TrendView { period: p.period.clone(), index: score(p.index), valid: p.valid })
            .collect(),
        charts: charts_view,
        method,
        quality,
        complaints,
        actions,
        conclusions_html: r.conclusions.map(super::markdown::to_safe_html),
        conclusions_md: r.conclusions.map(|m| m.replace('<', "&lt;")),
        t: t.clone(),
    };
    Ok(View { data, charts })
}

fn score_or(v: Option<f64>, missing: &str) -> String {
    v.map_or_else(|| missing.to_string(), |v| score(Some(v)))
}

/// The method notes: every rule behind the figures, with this project's parameters.
fn method_notes(r: &PeriodReport, t: &Labels, basis: &str, required: &str) -> Vec<String> {
    let c = &r.config.survey;
    let s = r.survey;
    let (min, max) = (plain(c.scale.min), plain(c.scale.max));
    let mut notes = vec![t.fill("m_scale", &[("min", &min), ("max", &max)])];
    if !c.scale.labels.is_empty() {
        let mut labels: Vec<(&String, &f64)> = c.scale.labels.iter().collect();
        labels.sort_by(|a, b| b.1.total_cmp(a.1));
        let list: Vec<String> = labels.iter().map(|(l, v)| format!("{l} = {}", plain(**v))).collect();
        notes.push(t.fill("m_labels", &[("labels", &list.join("，"))]));
    }
    let na: Vec<String> = c.not_answered.iter().filter(|v| !v.is_empty()).map(|v| format!("\"{v}\"")).collect();
    notes.push(t.fill("m_not_answered", &[("values", &na.join(", "))]));
    notes.push(t.fill(
        "m_valid",
        &[
            ("required", &s.required_answers.to_string()),
            ("total", &s.item_count.to_string()),
            ("share", &plain(c.min_answered)),
        ],
    ));
    notes.push(t.get("m_item"));
    notes.push(t.get("m_dimension"));
    let weights: Vec<String> = s
        .dimensions
        .iter()
        .map(|d| format!("{} {} ({})", d.name, plain(d.weight), pct(Some(d.weight_share))))
        .collect();
    notes.push(t.fill("m_index", &[("weights", &weights.join("; "))]));
    notes.push(t.get("m_respondent"));
    let bands: Vec<String> = s
        .bands
        .iter()
        .map(|b| match b.below {
            None => format!("{} [{}, 100]", b.label, plain(b.min)),
            Some(hi) => format!("{} [{}, {})", b.label, plain(b.min), plain(hi)),
        })
        .collect();
    notes.push(t.fill("m_bands", &[("bands", &bands.join("; "))]));
    notes.push(t.fill("m_rates", &[("basis", basis), ("required", required)]));
    if let Some(p) = &s.previous {
        notes.push(t.fill("m_change", &[("previous", &p.period)]));
    }
    notes.push(t.get("m_rounding"));
    notes
}
