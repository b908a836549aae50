//! The method notes: every rule behind the figures, worded in the report's language with
//! this project's parameters (the same settings the analysis used).

use crate::analysis::control::ControlChart;
use crate::analysis::survey::SurveyResult;
use crate::analysis::Figures;
use crate::config::{Config, RateBasis, SurveyConfig, VolumeConfig};
use crate::labels::Labels;
use crate::number;

fn pct(v: f64) -> String {
    number::pct(v, 1)
}

/// The label key of a rate basis (the same text as its `summary.json` value).
pub fn basis_key(b: RateBasis) -> &'static str {
    match b {
        RateBasis::ReturnRate => "return_rate",
        RateBasis::ValidReturnRate => "valid_return_rate",
        RateBasis::ValidRate => "valid_rate",
    }
}

fn band_range(min: f64, below: Option<f64>) -> String {
    match below {
        None => format!("[{}, 100]", number::shortest(min)),
        Some(hi) => format!("[{}, {})", number::shortest(min), number::shortest(hi)),
    }
}

/// Every note of the report, survey first, then complaints and actions.
pub fn method_notes(cfg: &Config, f: &Figures, t: &Labels) -> Vec<String> {
    // The configured format, else one detected in the survey files.
    let format =
        cfg.survey.as_ref().and_then(|c| c.format).or_else(|| f.data_quality.files.iter().find_map(|a| a.format));
    let mut notes = match (&cfg.survey, &f.survey) {
        (Some(c), Some(s)) => survey_notes(c, s, crate::platform::skip_codes(format), t),
        // Without a survey: only the rounding rule, without the survey's score changes.
        _ => vec![t.get("m_rounding_rates")],
    };
    notes.extend(complaint_notes(cfg, f, t));
    notes.extend(input_notes(cfg, format, t));
    notes
}

/// The rules of reading: file periods, the minimum response time, row filters.
fn input_notes(cfg: &Config, format: Option<&str>, t: &Labels) -> Vec<String> {
    let mut notes = Vec::new();
    let mut sets: Vec<(&str, &[crate::config::RowFilter])> = Vec::new();
    if let Some(s) = &cfg.survey {
        let periods: Vec<String> = s.files.iter().filter_map(|e| Some(format!("{} → {}", e.path, e.period?))).collect();
        if !periods.is_empty() {
            notes.push(t.fill("m_file_periods", &[("files", &periods.join("; "))]));
        }
        if let Some(min) = s.min_seconds {
            let column = s
                .duration
                .clone()
                .or_else(|| crate::platform::duration_text(format))
                .unwrap_or_else(|| crate::platform::duration_columns().join(" / "));
            notes.push(t.fill("m_min_seconds", &[("min", &number::shortest(min)), ("column", &column)]));
        }
        if let Some(f) = format.map(crate::platform::get) {
            if f.month_first {
                notes.push(t.fill("m_month_first", &[("format", f.title), ("column", f.date)]));
            }
            if !f.exclusions.is_empty() {
                let rules: Vec<String> =
                    f.exclusions.iter().map(|e| format!("{} = {}", e.column, e.values.join(" / "))).collect();
                notes.push(t.fill("m_format_exclusions", &[("format", f.title), ("rules", &rules.join("; "))]));
            }
        }
        sets.push(("[survey]", &s.filters));
    }
    if let Some(k) = &cfg.complaints {
        sets.push(("[complaints]", &k.filters));
        if let Some(v) = &k.volume {
            sets.push(("[complaints.volume]", &v.filters));
        }
    }
    if let Some(a) = &cfg.actions {
        sets.push(("[actions]", &a.filters));
    }
    let filters: Vec<String> = sets
        .iter()
        .flat_map(|(set, fs)| fs.iter().map(move |f| format!("{set} {} = {}", f.column, f.equals.join(" / "))))
        .collect();
    if !filters.is_empty() {
        notes.push(t.fill("m_filters", &[("filters", &filters.join("; "))]));
    }
    notes
}

fn survey_notes(c: &SurveyConfig, s: &SurveyResult, platform: &[&str], t: &Labels) -> Vec<String> {
    let (min, max) = (number::shortest(c.scale.min), number::shortest(c.scale.max));
    let mut notes = vec![t.fill("m_scale", &[("min", &min), ("max", &max)])];
    if !c.scale.labels.is_empty() {
        let mut labels: Vec<(&String, &f64)> = c.scale.labels.iter().collect();
        labels.sort_by(|a, b| b.1.total_cmp(a.1));
        let list: Vec<String> = labels.iter().map(|(l, v)| format!("{l} = {}", number::shortest(**v))).collect();
        notes.push(t.fill("m_labels", &[("labels", &list.join("，"))]));
    }
    notes.push(not_answered_note(&c.not_answered_codes(platform), t));
    notes.push(t.fill(
        "m_valid",
        &[
            ("required", &s.required_answers.to_string()),
            ("total", &s.item_count.to_string()),
            ("share", &number::shortest(c.min_answered)),
        ],
    ));
    notes.push(t.get("m_item"));
    // With item weights the rule is the weighted mean (`m_item_weights`, after the settings).
    if c.item_entries().all(|i| i.weight.is_none()) {
        notes.push(t.get("m_dimension"));
    }
    notes.extend(item_setting_notes(c, t));
    let weights: Vec<String> = s
        .dimensions
        .iter()
        .map(|d| format!("{} {} ({})", d.name, number::shortest(d.weight), pct(d.weight_share)))
        .collect();
    notes.push(t.fill("m_index", &[("weights", &weights.join("; "))]));
    notes.push(interval_note(s, t));
    notes.push(t.get("m_alpha"));
    notes.push(t.get("m_score_histogram"));
    // The same rule as the computation (analysis::survey::top2_from), for [survey] scale.
    let mut label_values: Vec<f64> = c.scale.labels.values().copied().collect();
    label_values.sort_by(|a, b| a.total_cmp(b));
    label_values.dedup();
    let top2_key = if label_values.len() >= 2 { "m_top2_labels" } else { "m_top2" };
    let from = if label_values.len() >= 2 { label_values[label_values.len() - 2] } else { c.scale.max - 1.0 };
    notes.push(t.fill(top2_key, &[("from", &number::shortest(from))]));
    if let Some(column) = &c.overall {
        notes.push(t.fill("m_overall", &[("column", column)]));
    }
    if let Some(column) = &c.recommend {
        notes.push(t.fill("m_nps", &[("column", column)]));
    }
    notes.push(t.get("m_respondent"));
    let bands: Vec<String> = s.bands.iter().map(|b| format!("{} {}", b.label, band_range(b.min, b.below))).collect();
    notes.push(t.fill("m_bands", &[("bands", &bands.join("; "))]));
    let basis = t.get(basis_key(s.verdict.basis));
    notes.push(t.fill("m_rates", &[("basis", &basis), ("required", &pct(s.verdict.required))]));
    if let Some(p) = &s.previous {
        notes.push(t.fill("m_change", &[("previous", &p.period.to_string())]));
        notes.push(t.get("m_significance"));
    }
    if !c.segments.is_empty() {
        let columns = c.segments.join(&t.get("m_list_sep"));
        notes.push(t.fill("m_segments", &[("columns", &columns), ("min", &c.min_segment_n.to_string())]));
        if let Some(p) = &s.previous {
            notes.push(t.fill("m_segments_change", &[("previous", &p.period.to_string())]));
        }
    }
    notes.extend(importance_notes(c, s, t));
    notes.push(t.get("m_rounding"));
    notes
}

/// The items with their own settings, each as applied (its column, scale, labels, weight and
/// share of its dimension's item weights, reverse scoring), then the weighting rule when an
/// item has a weight and the α rule when a dimension mixes scales.
fn item_setting_notes(c: &SurveyConfig, t: &Labels) -> Vec<String> {
    let mut items = Vec::new();
    let mut weighted = false;
    let mut mixed = false;
    for d in &c.dimensions {
        let total: f64 = d.items.iter().map(|i| i.weight.unwrap_or(1.0)).sum();
        let scales: Vec<(f64, f64)> = d.items.iter().map(|i| (c.scale_of(i).min, c.scale_of(i).max)).collect();
        mixed |= scales.windows(2).any(|w| w[0] != w[1]);
        for item in d.items.iter().filter(|i| i.has_settings()) {
            let scale = c.scale_of(item);
            let (min, max) = (number::shortest(scale.min), number::shortest(scale.max));
            let mut parts = Vec::new();
            if item.name.is_some() {
                parts.push(t.fill("m_item_column", &[("column", &item.column)]));
            }
            if item.scale.is_some() {
                let top = number::shortest(scale.max - 1.0);
                parts.push(t.fill("m_item_scale", &[("min", &min), ("max", &max), ("top", &top)]));
                let mut labels = c.labels_of(item);
                if !labels.is_empty() {
                    labels.sort_by(|a, b| b.1.total_cmp(&a.1));
                    let list: Vec<String> =
                        labels.iter().map(|(l, v)| format!("{l} = {}", number::shortest(*v))).collect();
                    parts.push(t.fill("m_item_labels", &[("labels", &list.join(&t.get("m_list_sep")))]));
                }
            }
            if let Some(w) = item.weight {
                weighted = true;
                let share = pct(w / total);
                let weight = number::shortest(w);
                parts.push(t.fill("m_item_weight", &[("weight", &weight), ("dimension", &d.name), ("share", &share)]));
            }
            if item.reverse {
                parts.push(t.fill("m_item_reverse", &[("min", &min), ("max", &max)]));
            }
            let lp = t.get("lparen");
            items.push(format!("{}{lp}{}{}", item.shown(), parts.join(&t.get("m_test_sep")), t.get("rparen")));
        }
    }
    if items.is_empty() {
        return Vec::new();
    }
    let mut notes = vec![t.fill("m_item_settings", &[("items", &items.join(&t.get("m_test_sep")))])];
    if weighted {
        notes.push(t.get("m_item_weights"));
    }
    if mixed {
        notes.push(t.get("m_item_alpha"));
    }
    notes
}

/// The rules of the importance–performance matrix, the findings, the comments and the history.
fn importance_notes(c: &SurveyConfig, s: &SurveyResult, t: &Labels) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(imp) = &s.importance {
        notes.push(match &c.overall {
            Some(column) => t.fill("m_importance_overall", &[("column", column)]),
            None => t.get("m_importance_score"),
        });
        notes.push(match &imp.crosshair {
            Some(cross) => t.fill("m_ipa", &[("crosshair", &crate::charts::crosshair_text(cross, t))]),
            None => t.get("m_ipa_none"),
        });
    }
    notes.push(t.get("m_findings"));
    if !s.comments.is_empty() {
        notes.push(t.fill("m_comments", &[("n", &s.comments.len().to_string())]));
    }
    if let Some(h) = &s.history {
        let list = |ps: &[crate::period::Period]| {
            ps.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(&t.get("m_list_sep"))
        };
        if !h.periods.is_empty() {
            notes.push(t.fill("m_history", &[("file", &h.file), ("periods", &list(&h.periods))]));
        }
        if !h.replaced.is_empty() {
            notes.push(t.fill("m_history_replaced", &[("periods", &list(&h.replaced))]));
        }
        if h.segment_rows > 0 {
            notes.push(t.fill(
                "m_history_segments",
                &[("n", &h.segment_rows.to_string()), ("used", &h.segment_rows_used.to_string())],
            ));
        }
    }
    notes
}

/// The interval rule, with the finite population correction when the period's plan gives a
/// population.
fn interval_note(s: &SurveyResult, t: &Labels) -> String {
    let (fpc, combination) = match s.population {
        Some(n) => (t.fill("m_fpc", &[("population", &n.to_string())]), t.get("m_fpc_combination")),
        None => (t.get("m_no_fpc"), String::new()),
    };
    t.fill("m_interval", &[("fpc", &fpc), ("fpc_combination", &combination)])
}

/// The not-answered values as applied (the same list the answer reader takes): a blank cell
/// is named in words, every other value quoted as written.
pub fn not_answered_note(codes: &[String], t: &Labels) -> String {
    if codes.is_empty() {
        return t.get("m_not_answered_none");
    }
    let values: Vec<String> =
        codes.iter().map(|v| if v.trim().is_empty() { t.get("m_blank") } else { format!("\"{v}\"") }).collect();
    t.fill("m_not_answered", &[("values", &values.join(", "))])
}

fn complaint_notes(cfg: &Config, f: &Figures, t: &Labels) -> Vec<String> {
    let mut notes = Vec::new();
    // Where the status date comes from, for complaints and actions alike.
    let as_of = f.complaints.as_ref().map(|c| c.as_of).or(f.actions.as_ref().map(|a| a.as_of));
    if let Some(as_of) = as_of {
        let key = if cfg.report.cutoff_date().is_some() { "m_as_of_cutoff" } else { "m_as_of_period_end" };
        notes.push(t.fill(key, &[("as_of", &as_of.to_string())]));
    }
    if let (Some(k), Some(c)) = (&cfg.complaints, &f.complaints) {
        let days = k.deadline_days.map(|d| d.to_string()).unwrap_or_default();
        let column = k.deadline.clone().unwrap_or_default();
        let deadline = match (k.deadline.is_some(), k.deadline_days.is_some()) {
            (true, true) => t.fill("m_deadline_column_days", &[("days", &days), ("column", &column)]),
            (true, false) => t.fill("m_deadline_column", &[("column", &column)]),
            (false, true) => t.fill("m_deadline_days", &[("days", &days)]),
            (false, false) if k.on_time.is_some() => t.get("m_deadline_none_on_time"),
            (false, false) => t.get("m_deadline_none"),
        };
        let as_of = c.as_of.to_string();
        if k.closure_known() {
            notes.push(
                t.fill("m_closure", &[("as_of", &as_of), ("target", &pct(c.closure_target)), ("deadline", &deadline)]),
            );
            if let Some(column) = &k.status {
                let statuses: Vec<String> = k.closed_statuses.iter().map(|v| format!("\"{v}\"")).collect();
                notes.push(t.fill("m_closure_status", &[("column", column), ("statuses", &statuses.join(", "))]));
            }
            if let Some(column) = &k.on_time {
                notes.push(t.fill("m_on_time_column", &[("column", column)]));
            }
            let missing: Vec<String> = [
                (k.reopened.is_none(), "c_reopen_rate"),
                (k.followup_satisfied.is_none(), "c_followup_coverage"),
                (k.followup_satisfied.is_none(), "c_followup_satisfaction"),
            ]
            .iter()
            .filter(|(m, _)| *m)
            .map(|(_, key)| t.get(key))
            .collect();
            if !missing.is_empty() {
                notes.push(t.fill("m_not_recorded", &[("figures", &missing.join(&t.get("m_list_sep")))]));
            }
        } else {
            notes.push(t.get("m_closure_unknown"));
        }
        let after = k.other_after_share.map(pct).unwrap_or_default();
        let max = k.other_max_categories.map(|m| m.to_string()).unwrap_or_default();
        let other = match (k.other_after_share.is_some(), k.other_max_categories.is_some()) {
            (true, true) => t.fill("m_other", &[("after", &after), ("max", &max)]),
            (true, false) => t.fill("m_other_share", &[("after", &after)]),
            (false, true) => t.fill("m_other_max", &[("max", &max)]),
            (false, false) => String::new(),
        };
        notes.push(t.fill("m_pareto", &[("share", &pct(c.vital_share)), ("other", &other)]).trim_end().to_string());
        if let Some(w) = &k.weight {
            notes.push(t.fill("m_pareto_weighted", &[("column", w)]));
        }
        notes.extend(depth_notes(k, c, &deadline, t));
        notes.push(t.get("m_control"));
        if let (Some(v), Some(ch)) = (&k.volume, &c.rate_chart) {
            notes.extend(rate_chart_notes(v, ch, t));
        }
    }
    if let Some(a) = &f.actions {
        let closed = cfg.actions.as_ref().map(|a| a.closed_statuses.join(" / ")).unwrap_or_default();
        notes.push(t.fill("m_actions", &[("as_of", &a.as_of.to_string()), ("closed", &closed)]));
        if let (Some(ac), Some(_)) = (&cfg.actions, &a.effects) {
            notes.push(effect_note(cfg, ac, &a.as_of.to_string(), t));
        }
    }
    notes
}

/// The rate chart's rules as applied: its formula, σz against the threshold, the tests, the stages.
fn rate_chart_notes(v: &VolumeConfig, ch: &ControlChart, t: &Labels) -> Vec<String> {
    let per = number::shortest(v.per);
    let formula = match ch.kind {
        "p" => "m_rate_p",
        "laney-u" => "m_laney_u",
        "laney-p" => "m_laney_p",
        _ => "m_rate_u",
    };
    let mut notes = vec![t.fill(formula, &[("per", &per)])];
    let threshold = number::shortest(ch.sigma_z_threshold.unwrap_or(crate::config::DEFAULT_SIGMA_Z_THRESHOLD));
    let sigma_z = ch.sigma_z.map_or_else(|| number::DASH.to_string(), |z| number::fixed(z, 2));
    let check = if ch.auto { "m_sigma_z_auto" } else { "m_sigma_z_check" };
    notes.push(t.fill(check, &[("threshold", &threshold), ("sigma_z", &sigma_z)]));
    let tests: Vec<String> = ch.tests.iter().map(|n| t.get(&format!("m_test_{n}"))).collect();
    notes.push(t.fill("m_tests", &[("tests", &tests.join(&t.get("m_test_sep")))]));
    if ch.stages.len() > 1 {
        let stages: Vec<String> = ch
            .stages
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let mut why = String::new();
                if s.listed {
                    why.push_str(&t.get("m_stage_listed"));
                }
                if !s.actions.is_empty() {
                    why.push_str(&t.fill("m_stage_actions", &[("ids", &s.actions.join(&t.get("m_list_sep")))]));
                }
                let (n, months) = ((k + 1).to_string(), s.points.to_string());
                t.fill("m_stage", &[("n", &n), ("month", &s.start), ("months", &months), ("why", &why)])
            })
            .collect();
        notes.push(t.fill("m_stages", &[("stages", &stages.join(&t.get("m_test_sep")))]));
    } else if !v.stages.is_empty() || v.stages_from_actions {
        notes.push(t.get("m_stages_none"));
    }
    notes
}

/// The rules of the comparative Pareto, the previous-period comparison, repeat complaints,
/// the days-to-close histogram and the promise, as applied to this period.
fn depth_notes(
    k: &crate::config::ComplaintsConfig,
    c: &crate::analysis::complaints::ComplaintResult,
    deadline: &str,
    t: &Labels,
) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(g) = &c.grouped_pareto {
        notes.push(t.fill("m_grouped_pareto", &[("column", &g.column), ("category", &g.category_column)]));
    }
    match &c.pareto_change {
        Some(ch) => notes.push(t.fill("m_pareto_change", &[("previous", &ch.previous_period.to_string())])),
        None => notes.push(t.get("m_pareto_change_none")),
    }
    if let Some(r) = &c.repeat {
        notes.push(t.fill("m_repeat", &[("column", &r.column), ("days", &r.repeat_days.to_string())]));
    }
    let as_of = c.as_of.to_string();
    if let Some(bin) = c.close_days.as_ref().and_then(|b| b.first()) {
        let width = (bin.to - bin.from + 1).to_string();
        notes.push(t.fill("m_close_days", &[("as_of", &as_of), ("width", &width)]));
    }
    if c.promise.is_some() && (k.deadline.is_some() || k.deadline_days.is_some()) {
        notes.push(t.fill("m_promise", &[("deadline", deadline), ("as_of", &as_of)]));
    }
    notes
}

/// The action-effect rule: window, exposure, test and verdicts.
fn effect_note(cfg: &Config, ac: &crate::config::ActionsConfig, as_of: &str, t: &Labels) -> String {
    let volume = cfg.complaints.as_ref().and_then(|k| k.volume.as_ref());
    let exposure = match volume {
        Some(v) => t.fill("m_effect_volume", &[("per", &number::shortest(v.per))]),
        None => t.get("m_effect_months"),
    };
    let column = ac.category.clone().unwrap_or_default();
    let months = ac.effect_months.to_string();
    t.fill("m_effect", &[("as_of", as_of), ("column", &column), ("months", &months), ("exposure", &exposure)])
}
