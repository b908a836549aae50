//! Validation of what serde cannot check, each problem at the span of the value it is about.

use super::read::{self, Problems};
use super::*;
// ---------------------------------------------------------------------------------------------
// Validation: what serde cannot check, each problem at the span of the value it is about.

/// The largest `[complaints.volume] per`: a rate per a billion units is already beyond any
/// report, and a huge `per` overflows the u chart's limits (per = 1e200 made them infinite).
pub(super) const MAX_PER: f64 = 1e9;

pub(super) fn share_open(v: f64) -> bool {
    v > 0.0 && v <= 1.0
}

/// `max_rejected_share` of the file set `section` (e.g. ["complaints", "volume"]) is a share in [0, 1].
pub(super) fn validate_max_rejected_share(section: &[&str], v: f64, p: &mut Problems<'_>) {
    if !(0.0..=1.0).contains(&v) {
        let mut at: Vec<super::read::Seg<'_>> = section.iter().map(|k| super::read::Seg::Key(k)).collect();
        at.push(super::read::Seg::Key("max_rejected_share"));
        p.at(
            &at,
            format!("[{}] max_rejected_share = {v} must be a share in [0, 1]", section.join(".")),
            "e.g. max_rejected_share = 0.2 to stop when more than 20% of the rows are rejected; 1 never stops",
        );
    }
}

pub(super) fn validate_survey(s: &SurveyConfig, p: &mut Problems<'_>) {
    validate_max_rejected_share(&["survey"], s.max_rejected_share, p);
    if s.files.is_empty() {
        p.at(
            path!["survey", "files"],
            "[survey] files is empty",
            "list the response files, e.g. files = [\"data/survey-*.csv\"]",
        );
    }
    // Without `format` and without `id`, the columns come from the format detected in each
    // file's header (checked when the file is opened); a format supplies the date column.
    if s.date.is_none() && s.format.is_none() && s.id.is_some() {
        for (i, entry) in s.files.iter().enumerate() {
            if entry.period.is_none() {
                p.at(
                    path!["survey", "files", i],
                    format!("[survey] files entry \"{}\" has no period, and [survey] has no date column", entry.path),
                    "name the date column with date = \"<column>\", or give the entry its period: \
                     { path = \"data/2025.csv\", period = \"2025\" }",
                );
            }
        }
    }
    if crate::platform::skip_codes_in_scale(s.format, s.scale.min, s.scale.max) {
        p.at(
            path!["survey", "scale", "min"],
            format!("[survey] scale.min = {} includes 问卷星's skip codes -2/-3 (format = \"wjx\")", s.scale.min),
            "问卷星 writes -2/-3 for skipped questions: use a scale above -2, or remove format and name the columns",
        );
    }
    if let Some(m) = s.min_seconds {
        if !(m > 0.0 && m.is_finite()) {
            p.at(
                path!["survey", "min_seconds"],
                format!("[survey] min_seconds = {m} must be a number of seconds above 0"),
                "e.g. min_seconds = 30 rejects questionnaires completed in under 30 seconds",
            );
        }
    }
    if s.duration.is_some() && s.min_seconds.is_none() {
        p.at(
            path!["survey", "duration"],
            "[survey] duration is set but min_seconds is not",
            "add min_seconds = 30 (or the minimum you need), or remove duration",
        );
    }
    validate_filters("survey", &s.filters, p);
    let (min, max) = (s.scale.min, s.scale.max);
    let scale_ok = min.is_finite() && max.is_finite() && max > min;
    if !scale_ok {
        let key = if min.is_finite() { "max" } else { "min" };
        p.at(
            path!["survey", "scale", key],
            format!("[survey] scale: max ({max}) must be greater than min ({min})"),
            "e.g. scale = { min = 1, max = 5 }",
        );
    } else {
        for (label, v) in &s.scale.labels {
            if !(min..=max).contains(v) {
                p.at(
                    path!["survey", "scale", "labels", label],
                    format!("[survey] scale label \"{label}\" = {v} lies outside the scale {min}–{max}"),
                    "label values are answer values on the scale, not 0–100 scores",
                );
            }
        }
    }
    if !share_open(s.min_answered) {
        p.at(
            path!["survey", "min_answered"],
            format!("[survey] min_answered = {} must be a share in (0, 1]", s.min_answered),
            "e.g. min_answered = 0.8 for 80% of the items",
        );
    }
    if !(0.0..=1.0).contains(&s.required_rate) {
        p.at(
            path!["survey", "required_rate"],
            format!("[survey] required_rate = {} must be a share in [0, 1]", s.required_rate),
            "e.g. required_rate = 0.8",
        );
    }
    validate_dimensions(&s.dimensions, p);
    validate_extra_items(s, p);
    validate_segments(s, p);
    let mut seen_periods = BTreeSet::new();
    for (i, plan) in s.plans.iter().enumerate() {
        if plan.issued == 0 {
            p.at(
                path!["survey", "plans", i, "issued"],
                format!("[[survey.plans]] issued = 0 for {} must be at least 1", plan.period),
                "issued is how many questionnaires were handed out; the return rate divides by it. \
                 Remove the plan if the number is not known",
            );
        }
        if let Some(n) = plan.population.filter(|n| *n < plan.issued.max(2)) {
            p.at(
                path!["survey", "plans", i, "population"],
                format!(
                    "[[survey.plans]] population = {n} for {} is smaller than {}",
                    plan.period,
                    if plan.issued >= 2 { format!("issued = {}", plan.issued) } else { "2".into() }
                ),
                "population is how many customers the sample was drawn from (at least the questionnaires issued); \
                 leave it out when it is not known",
            );
        }
        if !seen_periods.insert(plan.period) {
            p.at(
                path!["survey", "plans", i, "period"],
                format!("two plans for period {}", plan.period),
                "keep one [[survey.plans]] per period",
            );
        }
    }
}

/// `overall` and `recommend` are read beside the index, never in it: neither may be an item
/// of a dimension, nor both the same column.
fn validate_extra_items(s: &SurveyConfig, p: &mut Problems<'_>) {
    for (key, column) in [("overall", &s.overall), ("recommend", &s.recommend)] {
        let Some(column) = column else { continue };
        if let Some(d) = s.dimensions.iter().find(|d| d.items.iter().any(|i| &i.column == column)) {
            p.at(
                path!["survey", key],
                format!("[survey] {key} = \"{column}\" is also an item of dimension \"{}\"", d.name),
                &format!(
                    "{key} is reported beside the index, not in it: remove \"{column}\" from the dimension's items"
                ),
            );
        }
    }
    if let (Some(o), Some(r)) = (&s.overall, &s.recommend) {
        if o == r {
            p.at(
                path!["survey", "recommend"],
                format!("[survey] recommend = \"{r}\" is the same column as overall"),
                "recommend is the 0–10 \"would you recommend\" question; overall the overall-satisfaction item",
            );
        }
    }
}

/// The `files` entries of a register: a period belongs to survey files only.
pub(super) fn validate_register_files(section: &[&str], files: &[FileEntry], p: &mut Problems<'_>) {
    let name = section.join(".");
    for (i, entry) in files.iter().enumerate() {
        if entry.period.is_some() || !entry.use_date {
            let mut at: Vec<read::Seg> = section.iter().map(|s| read::Seg::Key(s)).collect();
            at.extend([read::Seg::Key("files"), read::Seg::Index(i)]);
            p.at(
                &at,
                format!("[{name}] files entry \"{}\": period and use_date apply to [survey] files only", entry.path),
                "register rows are dated by their own date columns; write the entry as a plain path",
            );
        }
    }
}

/// Row filters: each names a column and at least one value.
pub(super) fn validate_filters(section: &str, filters: &[RowFilter], p: &mut Problems<'_>) {
    let keys: Vec<&str> = section.split('.').collect();
    for (i, f) in filters.iter().enumerate() {
        if f.equals.is_empty() {
            let mut at: Vec<read::Seg> = keys.iter().map(|s| read::Seg::Key(s)).collect();
            at.extend([read::Seg::Key("filters"), read::Seg::Index(i), read::Seg::Key("equals")]);
            p.at(
                &at,
                format!("[{section}] filter on \"{}\" has no values: it would exclude every row", f.column),
                "list the values of the rows to keep, e.g. equals = [\"是\", \"Yes\"]",
            );
        }
    }
}

pub(super) fn validate_dimensions(dims: &[Dimension], p: &mut Problems<'_>) {
    if dims.is_empty() {
        p.at(
            path!["survey", "dimensions"],
            "[survey] has no [[survey.dimensions]]",
            "add at least one dimension with its items",
        );
        return;
    }
    let weighted = dims.iter().filter(|d| d.weight.is_some()).count();
    if weighted != 0 && weighted != dims.len() {
        // Point at the odd one out: the first dimension without a weight when most have one,
        // else the first weight given.
        let at = if 2 * weighted >= dims.len() {
            let i = dims.iter().position(|d| d.weight.is_none()).unwrap_or(0);
            p.span_of(path!["survey", "dimensions", i])
        } else {
            let i = dims.iter().position(|d| d.weight.is_some()).unwrap_or(0);
            p.span_of(path!["survey", "dimensions", i, "weight"])
        };
        p.push(
            at.start,
            "some dimensions have a weight and others do not",
            "give every dimension a weight, or none for equal weights",
        );
    }
    let mut seen_items = BTreeSet::new();
    let mut seen_names = BTreeSet::new();
    let mut seen_dims = BTreeSet::new();
    for (i, d) in dims.iter().enumerate() {
        if !seen_dims.insert(d.name.as_str()) {
            p.at(
                path!["survey", "dimensions", i, "name"],
                format!("dimension \"{}\" is defined twice", d.name),
                "give each dimension a distinct name",
            );
        }
        if let Some(w) = d.weight {
            if !(w > 0.0 && w.is_finite()) {
                p.at(
                    path!["survey", "dimensions", i, "weight"],
                    format!("dimension \"{}\": weight {w} must be positive", d.name),
                    "weights are relative; they need not sum to 1",
                );
            }
        }
        if d.items.is_empty() {
            p.at(
                path!["survey", "dimensions", i, "items"],
                format!("dimension \"{}\" has no items", d.name),
                "list its item columns, e.g. items = [\"产品性能\"]",
            );
        }
        for (j, item) in d.items.iter().enumerate() {
            let column = &item.column;
            if !seen_items.insert(column.as_str()) {
                p.at(
                    path!["survey", "dimensions", i, "items", j],
                    format!("item \"{column}\" appears in more than one dimension"),
                    "each item column belongs to one dimension",
                );
            } else if !seen_names.insert(item.shown()) {
                p.at(
                    path!["survey", "dimensions", i, "items", j],
                    format!("two items are shown as \"{}\"", item.shown()),
                    "give each item a distinct name = \"...\"",
                );
            }
            validate_item(i, j, item, p);
        }
    }
}

/// An item's own settings: a positive weight, a scale with max above min and labels on it.
fn validate_item(i: usize, j: usize, item: &ItemEntry, p: &mut Problems<'_>) {
    let column = &item.column;
    if let Some(w) = item.weight {
        if !(w > 0.0 && w.is_finite()) {
            p.at(
                path!["survey", "dimensions", i, "items", j, "weight"],
                format!("item \"{column}\": weight {w} must be positive"),
                "item weights are relative within their dimension (default 1), e.g. weight = 2",
            );
        }
    }
    let Some(scale) = &item.scale else { return };
    let (min, max) = (scale.min, scale.max);
    if !(min.is_finite() && max.is_finite() && max > min) {
        let key = if min.is_finite() { "max" } else { "min" };
        p.at(
            path!["survey", "dimensions", i, "items", j, "scale", key],
            format!("item \"{column}\": scale max ({max}) must be greater than min ({min})"),
            "e.g. scale = { min = 0, max = 5 }",
        );
        return;
    }
    for (label, v) in &scale.labels {
        if !(min..=max).contains(v) {
            p.at(
                path!["survey", "dimensions", i, "items", j, "scale", "labels", label],
                format!("item \"{column}\": scale label \"{label}\" = {v} lies outside its scale {min}–{max}"),
                "label values are answer values on the item's scale, not 0–100 scores",
            );
        }
    }
}

/// Segment columns: at most `MAX_SEGMENTS`, each once.
fn validate_segments(s: &SurveyConfig, p: &mut Problems<'_>) {
    if s.segments.len() > MAX_SEGMENTS {
        p.at(
            path!["survey", "segments", MAX_SEGMENTS],
            format!("[survey] segments lists {} columns; at most {MAX_SEGMENTS} are broken down", s.segments.len()),
            "keep the segment columns the report needs, e.g. segments = [\"产品类型\", \"客户类型\", \"地区\"]",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, column) in s.segments.iter().enumerate() {
        if column.trim().is_empty() {
            p.at(
                path!["survey", "segments", i],
                "[survey] segments: a column name is empty",
                "name a column of the survey files",
            );
        } else if !seen.insert(column.as_str()) {
            p.at(
                path!["survey", "segments", i],
                format!("[survey] segments lists \"{column}\" twice"),
                "list each segment column once",
            );
        }
    }
}

pub(super) fn validate_complaints(k: &ComplaintsConfig, p: &mut Problems<'_>) {
    validate_max_rejected_share(&["complaints"], k.max_rejected_share, p);
    if let Some(v) = &k.volume {
        validate_max_rejected_share(&["complaints", "volume"], v.max_rejected_share, p);
    }
    for (key, v) in [("closure_target", k.closure_target), ("vital_share", k.vital_share)] {
        if !share_open(v) {
            p.at(
                path!["complaints", key],
                format!("[complaints] {key} = {v} must be a share in (0, 1]"),
                "e.g. 0.8 for 80%",
            );
        }
    }
    if let Some(v) = k.other_after_share {
        if !share_open(v) {
            p.at(
                path!["complaints", "other_after_share"],
                format!("[complaints] other_after_share = {v} must be a share in (0, 1]"),
                "e.g. 0.95",
            );
        }
    }
    if k.other_max_categories == Some(0) {
        p.at(
            path!["complaints", "other_max_categories"],
            "[complaints] other_max_categories must be at least 1",
            "e.g. 8",
        );
    }
    validate_register_files(&["complaints"], &k.files, p);
    validate_filters("complaints", &k.filters, p);
    if let Some(v) = &k.volume {
        validate_register_files(&["complaints", "volume"], &v.files, p);
        validate_filters("complaints.volume", &v.filters, p);
    }
    if k.status.is_some() && k.closed_statuses.iter().all(|v| v.trim().trim_end_matches('*').is_empty()) {
        p.at(
            path!["complaints", "closed_statuses"],
            "[complaints] closed_statuses is empty: no status would mean closed",
            "list the status values that mean closed, e.g. closed_statuses = [\"已办结\", \"Closed*\"], or leave the key \
             out for the defaults",
        );
    }
    if k.status.is_none() && written(p, "complaints", "closed_statuses") {
        p.at(
            path!["complaints", "closed_statuses"],
            "[complaints] closed_statuses is set but status is not: no column is compared with it",
            "name the status column, e.g. status = \"处理状态\", or remove closed_statuses",
        );
    }
    if k.files.is_empty() {
        p.at(
            path!["complaints", "files"],
            "[complaints] files is empty",
            "list the register files, e.g. files = [\"data/complaints.csv\"]",
        );
    }
    if let Some(v) = &k.volume {
        // `!(a && b)` so that NaN fails too.
        if !(v.per > 0.0 && v.per <= MAX_PER) {
            let at = path!["complaints", "volume", "per"];
            // As written (`1e200`), not as Rust prints it (a 1 and 200 zeros).
            let written = p.text.get(p.span_of(at)).filter(|w| !w.contains('=')).map(str::trim);
            let written = written.map_or_else(|| v.per.to_string(), str::to_string);
            p.at(
                at,
                format!("[complaints.volume] per = {written} must be above 0 and at most 1000000000"),
                "per is how many units the complaint rate is given per, e.g. per = 1000 for complaints per \
                 1,000 orders; more than a billion is beyond any real report",
            );
        }
    }
}

/// `[complaints] repeat_days`: at least a day, at most ten years, and only with a customer column.
pub(super) fn validate_repeat(k: &ComplaintsConfig, p: &mut Problems<'_>) {
    if !(1..=MAX_DAYS).contains(&k.repeat_days) {
        p.at(
            path!["complaints", "repeat_days"],
            format!("[complaints] repeat_days = {} must be from 1 to {MAX_DAYS}", k.repeat_days),
            "a complaint is a repeat when its customer complained within this many days before it, e.g. \
             repeat_days = 90",
        );
    }
    if k.customer.is_none() && written(p, "complaints", "repeat_days") {
        p.at(
            path!["complaints", "repeat_days"],
            "[complaints] repeat_days is set but customer is not: no column says who complained",
            "name the customer column, e.g. customer = \"客户编号\", or remove repeat_days",
        );
    }
}

/// The longest `repeat_days`: ten years.
pub(super) const MAX_DAYS: u32 = 3660;
/// The longest `effect_months` window.
pub(super) const MAX_EFFECT_MONTHS: u32 = 60;

/// `[actions] category` and `effect_months`: the effect test needs a completion date and a
/// complaint register.
pub(super) fn validate_effect(a: &ActionsConfig, has_complaints: bool, p: &mut Problems<'_>) {
    if !(EFFECT_MIN_MONTHS..=MAX_EFFECT_MONTHS).contains(&a.effect_months) {
        p.at(
            path!["actions", "effect_months"],
            format!(
                "[actions] effect_months = {} must be from {EFFECT_MIN_MONTHS} to {MAX_EFFECT_MONTHS}",
                a.effect_months
            ),
            "the months compared on each side of an action's completion month, e.g. effect_months = 6; fewer than 3 \
             months after completion are always too early to judge",
        );
    }
    if a.category.is_none() {
        if written(p, "actions", "effect_months") {
            p.at(
                path!["actions", "effect_months"],
                "[actions] effect_months is set but category is not: no action names a complaint category",
                "name the column holding the complaint category each action addresses, e.g. category = \"投诉类别\"",
            );
        }
        return;
    }
    let message = if !has_complaints {
        "[actions] category is set, but there is no [complaints] register to test the actions' effect on"
    } else if a.completed.is_none() {
        "[actions] category is set, but [actions] has no completed column: an effect is measured from the completion date"
    } else {
        return;
    };
    p.at(
        path!["actions", "category"],
        message,
        "add the [complaints] register and name the completion date column, e.g. completed = \"完成日期\", or \
         remove category",
    );
}

/// `[complaints.volume]`'s chart options: the threshold, the tests, stages from actions.
pub(super) fn validate_control(
    v: &VolumeConfig,
    actions: std::result::Result<Option<&ActionsConfig>, ()>,
    p: &mut Problems<'_>,
) {
    let t = v.sigma_z_threshold;
    if !(t > 0.0 && t.is_finite()) {
        p.at(
            path!["complaints", "volume", "sigma_z_threshold"],
            format!("[complaints.volume] sigma_z_threshold = {t} must be a number above 0"),
            "σz = 1 means the months spread as the plain chart assumes; the default 1.5 draws the Laney chart \
             (with chart = \"auto\") when they spread half as much again",
        );
    }
    if v.tests.is_empty() {
        p.at(
            path!["complaints", "volume", "tests"],
            "[complaints.volume] tests is empty: no signal would ever be reported",
            "list the tests to apply, e.g. tests = [1, 2, 3, 4] (the default), or up to [1, 2, 3, 4, 5, 6, 7, 8]",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, test) in v.tests.iter().enumerate() {
        let at = path!["complaints", "volume", "tests", i];
        if !(1..=8).contains(test) {
            p.at(at, format!("[complaints.volume] tests: {test} is not a test; tests are numbered 1 to 8"), TESTS_HINT);
        } else if !seen.insert(*test) {
            p.at(at, format!("[complaints.volume] tests: test {test} is listed twice"), TESTS_HINT);
        }
    }
    for (i, stage) in v.stages.iter().enumerate() {
        if stage.month.is_none() {
            p.at(
                path!["complaints", "volume", "stages", i],
                format!("[complaints.volume] stages: \"{}\" is not a month", stage.text),
                "write the month a stage starts as 2026-07",
            );
        }
    }
    let message = match actions {
        Ok(None) => "[complaints.volume] stages_from_actions = true, but there is no [actions] register",
        Ok(Some(a)) if a.completed.is_none() => {
            "[complaints.volume] stages_from_actions = true, but [actions] has no completed column"
        }
        _ => "",
    };
    if v.stages_from_actions && !message.is_empty() {
        p.at(
            path!["complaints", "volume", "stages_from_actions"],
            message,
            "name the actions' completion date column in [actions], e.g. completed = \"完成日期\", or list the \
             months yourself with stages = [\"2026-07\"]",
        );
    }
}

const TESTS_HINT: &str = "1 beyond a limit, 2 nine on one side, 3 six rising or falling, 4 fourteen alternating, \
                          5 two of three beyond 2σ, 6 four of five beyond 1σ, 7 fifteen within 1σ, 8 eight beyond 1σ; \
                          e.g. tests = [1, 2, 3, 4, 5, 6]";

pub(super) fn validate_bands(b: &BandsConfig, p: &mut Problems<'_>) {
    let hint = "bands are listed highest first with inclusive lower bounds, the last one at 0, e.g. levels = [{ label = \"满意\", min = 80 }, { label = \"不满意\", min = 0 }]";
    if b.levels.is_empty() {
        p.at(path!["bands", "levels"], "[bands] levels is empty", hint);
        return;
    }
    for (i, pair) in b.levels.windows(2).enumerate() {
        if pair[1].min >= pair[0].min {
            p.at(
                path!["bands", "levels", i + 1, "min"],
                format!(
                    "[bands] \"{}\" (min {}) must have a lower min than \"{}\" (min {})",
                    pair[1].label, pair[1].min, pair[0].label, pair[0].min
                ),
                hint,
            );
        }
    }
    let out_of_range = if b.levels[0].min > 100.0 { Some(0) } else { b.levels.iter().position(|l| !l.min.is_finite()) };
    if let Some(i) = out_of_range {
        p.at(path!["bands", "levels", i, "min"], "[bands] lower bounds must lie within 0–100", hint);
    }
}

/// Whether `key` is written in the top-level table `section` (not just defaulted).
fn written(p: &Problems<'_>, section: &str, key: &str) -> bool {
    let DeValue::Table(top) = p.root.get_ref() else { return false };
    match top.get(section).map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => t.get(key).is_some(),
        _ => false,
    }
}

/// `[site] theme` names a folder of `themes/`: one plain name, no path.
pub(super) fn validate_theme(s: &SiteConfig, p: &mut Problems<'_>) {
    let Some(name) = &s.theme else { return };
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        p.at(
            path!["site", "theme"],
            format!("[site] theme \"{name}\" is not a theme name"),
            "name a folder of the project's themes/ folder, e.g. theme = \"custom\" for themes/custom/",
        );
    }
}
