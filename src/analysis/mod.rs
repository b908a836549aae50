//! Stage 3: analysis. Pure functions of typed rows: no files, no templates, no charts.
//!
//! Survey rows are folded into per-month accumulators that merge exactly (integer sums),
//! so any period is the merge of its months and parallel runs equal sequential ones.

pub mod compare;
pub mod complaints;
pub mod control;
pub mod effect;
pub mod findings;
pub mod history;
pub mod importance;
pub mod moments;
pub mod months;
pub mod pareto;
pub mod periods;
pub mod precision;
pub mod promise;
pub mod register;
pub mod repeat;
pub mod segments;
pub mod signals;
pub mod stats;
pub mod survey;

use crate::config::Config;
use crate::diag::{Error, Location, Result};
/// Row accounting types, part of the figures.
pub use crate::ingest::{FileAccount, Rejection};
use crate::ingest::{Inputs, Quality};

/// The project's inputs as the analysis reads them: survey rows folded by `Tally`, the
/// complaint register by `ComplaintAcc`.
pub type Loaded<'m> = Inputs<Tally<'m>, register::ComplaintAcc>;
use crate::period::{Period, YearMonth};
use complaints::{summarize_actions, summarize_complaints, ActionResult, ComplaintResult};
use serde::Serialize;
use std::sync::Arc;
use survey::{summarize, SurveyModel, SurveyResult, Tally};

/// Every figure of one period's report, language-free and unrounded. `summary.json` is its
/// serialisation, and templates read the same value as `figures`.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub period: Period,
    pub manyi_version: &'static str,
    /// `None` (absent from summary.json) without `[survey]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaints: Option<ComplaintResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<ActionResult>,
    /// The key findings the report opens with (`kind` names each); empty without a survey.
    pub findings: Vec<findings::Finding>,
    pub data_quality: DataQuality,
}

/// Row accounting of the inputs. The rejected rows themselves go to `rejected.csv` and the
/// report's data-quality section, not to `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    pub files: Vec<FileAccount>,
    pub rows_read: u64,
    pub rows_used: u64,
    pub rows_rejected: u64,
    pub rows_excluded: u64,
    pub rows_too_fast: u64,
    #[serde(skip)]
    pub rejections: Arc<[Rejection]>,
}

impl DataQuality {
    pub fn of(q: &Quality) -> Self {
        DataQuality {
            files: q.files.clone(),
            rows_read: q.rows_read(),
            rows_used: q.rows_used(),
            rows_rejected: q.rows_rejected(),
            rows_excluded: q.rows_excluded(),
            rows_too_fast: q.rows_too_fast(),
            rejections: q.rejections.clone().into(),
        }
    }
}

/// Computes every figure of `period` from the inputs.
pub fn summarize_period(
    cfg: &Config,
    model: &SurveyModel,
    inputs: &Loaded,
    quality: &DataQuality,
    period: Period,
) -> Result<Figures> {
    let survey = match &cfg.survey {
        Some(s) => {
            let acc = &inputs.survey.acc;
            let mut r = summarize(model, acc, period, s.issued_for(period), &|p| s.population_for(p))
                .ok_or_else(|| no_data(inputs, period))?;
            if let Some(h) = &inputs.history {
                history::apply(&mut r, h, model.lowest_items);
            }
            if let Some(m) = acc.period(period) {
                r.importance = importance::analyse(model, &m, &r, s.ipa_crosshair);
            }
            Some(r)
        }
        None => None,
    };
    if survey.is_none() && !complaint_months(inputs).any(|m| period.contains(m)) {
        return Err(no_complaints(inputs, period));
    }
    // Status is judged as of the cut-off, but never after the period's end: an older period
    // built again (an archive, `--period all`) shows the status its report had at its end.
    let cutoff = cfg.report.cutoff_date().map(|c| c.min(period.last_day()));
    let stages = cfg
        .complaints
        .as_ref()
        .and_then(|k| k.volume.as_ref())
        .map(|v| complaints::stage_months(v, inputs.actions.as_deref()))
        .unwrap_or_default();
    let complaints = cfg
        .complaints
        .as_ref()
        .zip(inputs.complaints.as_ref())
        .map(|(k, data)| summarize_complaints(k, data, inputs.volumes.as_ref(), period, cutoff, &stages));
    let as_of = cutoff.unwrap_or_else(|| period.last_day());
    let actions = inputs.actions.as_ref().map(|a| {
        let mut r = summarize_actions(a, as_of);
        let effect_cfg = cfg.actions.as_ref().filter(|c| c.category.is_some());
        if let (Some(ac), Some(data)) = (effect_cfg, inputs.complaints.as_ref()) {
            let per = cfg.complaints.as_ref().and_then(|k| k.volume.as_ref()).map(|v| v.per);
            let input =
                effect::EffectInputs { window: ac.effect_months, volumes: inputs.volumes.as_ref().zip(per), as_of };
            r.effects = Some(effect::action_effects(a, data, &input));
        }
        r
    });
    Ok(Figures {
        period,
        manyi_version: env!("CARGO_PKG_VERSION"),
        findings: survey.as_ref().map(findings::survey_findings).unwrap_or_default(),
        survey,
        complaints,
        actions,
        data_quality: quality.clone(),
    })
}

/// The periods a build reports, oldest first: the latest year in the data, or the periods
/// given, `all` adding every year present. The survey's dates decide; without `[survey]`,
/// the complaints' received dates.
pub fn choose_periods(cfg: &Config, inputs: &Loaded, choice: &crate::settings::PeriodChoice) -> Result<Vec<Period>> {
    if cfg.survey.is_some() {
        return survey_periods(inputs, choice);
    }
    // A complaint-only project: the periods come from the complaints' received dates.
    let years: std::collections::BTreeSet<i32> = complaint_months(inputs).map(|m| m.year).collect();
    let latest = *years.last().ok_or_else(|| {
        Error::data(
            Location::file(inputs.files.join(", ")),
            "no usable complaints: every row was rejected or the files are empty",
        )
        .with_hint("run `manyi check` to see why each row was rejected")
    })?;
    Ok(chosen(choice, latest, || years.iter().copied().map(Period::Year).collect()))
}

/// The periods of `choice`, sorted and each once; `every_year` lists the years in the data.
fn chosen(
    choice: &crate::settings::PeriodChoice,
    latest: i32,
    every_year: impl FnOnce() -> Vec<Period>,
) -> Vec<Period> {
    use crate::settings::PeriodChoice;
    match choice {
        PeriodChoice::Latest => vec![Period::Year(latest)],
        PeriodChoice::List { all_years, periods } => {
            let mut out = periods.clone();
            if *all_years {
                out.extend(every_year());
            }
            out.sort();
            out.dedup();
            out
        }
    }
}

/// The received months of the complaint register (none without one).
fn complaint_months<'a>(inputs: &'a Loaded) -> impl Iterator<Item = crate::period::YearMonth> + 'a {
    inputs.complaints.iter().flat_map(|c| c.months.keys().map(|m| crate::period::YearMonth::from_ordinal(*m)))
}

fn no_complaints(inputs: &Loaded, period: Period) -> Error {
    let span = (complaint_months(inputs).min(), complaint_months(inputs).max());
    outside_data(format!("no complaints are received in {period}; the register covers"), span)
}

/// A `--period` outside the data: the message ends with the months the data covers.
fn outside_data(message: String, (first, last): (Option<YearMonth>, Option<YearMonth>)) -> Error {
    let span = match (first, last) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "nothing".into(),
    };
    Error::config(Location::file("--period"), format!("{message} {span}"))
        .with_hint("choose a period inside the data, or leave out --period for the latest year")
}

/// The periods of a project with a survey: from the survey's dates, as before.
fn survey_periods(inputs: &Loaded, choice: &crate::settings::PeriodChoice) -> Result<Vec<Period>> {
    let acc = &inputs.survey.acc;
    let latest = acc.latest_year().ok_or_else(|| {
        Error::data(
            Location::file(inputs.files.join(", ")),
            "no usable survey responses: every row was rejected or the files are empty",
        )
        .with_hint("run `manyi check` to see why each row was rejected")
    })?;
    let periods = chosen(choice, latest, || acc.periods_like(Period::Year(latest)));
    // Rows of a file dated by its period alone sit in the period's first month: a report of
    // a shorter kind of period (a quarter for a year's file) would split them wrongly, in the
    // period itself or in its trend and comparison (every earlier period of its kind).
    for p in &periods {
        let wrong = |fp: &Period| rank(*p) > rank(*fp) && fp.first_day() <= p.last_day();
        if let Some((file, fp)) = inputs.undated.iter().find(|(_, fp)| wrong(fp)) {
            return Err(Error::config(
                Location::file("--period"),
                format!("--period {p} is shorter than the period {fp} of {file}, whose rows have no dates"),
            )
            .with_hint(format!(
                "report a period at least as long as the files' periods (e.g. --period {fp}), or add a date column to {file}"
            )));
        }
    }
    Ok(periods)
}

/// 0 for a year, 1 for a quarter, 2 for a month.
fn rank(p: Period) -> u8 {
    match p {
        Period::Year(_) => 0,
        Period::Quarter(..) => 1,
        Period::Month(..) => 2,
    }
}

/// Warnings about the data's periods (a doubtful latest year), for `check` and `build` to
/// show with the rejected rows.
pub fn period_warnings(cfg: &Config, inputs: &Loaded) -> Vec<crate::diag::Diagnostic> {
    if cfg.survey.is_none() {
        // The complaint files come first in `files` when there is no survey.
        return inputs
            .complaints
            .as_ref()
            .map_or_else(Vec::new, |c| periods::complaint_period_warnings(c, &inputs.files));
    }
    // The survey files come first in `files`, in the order a survey row's `RowPos::file` counts.
    periods::period_warnings(&inputs.survey.acc, inputs.complaints.as_ref(), &inputs.files)
}

fn no_data(inputs: &Loaded, period: Period) -> Error {
    let months = &inputs.survey.acc.months;
    let span = (months.keys().next().copied(), months.keys().next_back().copied());
    outside_data(format!("no survey responses are dated in {period}; the data covers"), span)
}
