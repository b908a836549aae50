//! Warnings about the periods in the data. A build without `--period` reports the latest
//! survey year (the latest complaint year in a project without a survey), so one row dated 2099 (or 9999) would silently become the report; the latest
//! year is called doubtful, with its rows named, when
//!
//! - it has fewer than a tenth of the median responses of the other survey years, or
//! - it lies more than a year after the rest of the data: after the previous survey year and
//!   the last complaint received, with at least one whole calendar year between.

use super::register::ComplaintAcc;
use super::stats::median;
use super::survey::{SurveyAcc, ROWS_KEPT};
use crate::diag::{Diagnostic, Location};
use crate::ingest::RowPos;
use crate::number;
use crate::period::YearMonth;
use std::collections::BTreeMap;

/// The latest year is sparse below this share of the other years' median responses.
const SPARSE_SHARE: f64 = 0.1;

/// Responses of one year and where the first of them are.
#[derive(Default)]
struct Year {
    rows: u64,
    first_rows: Vec<RowPos>,
}

/// Warnings about the periods of the data: at most one, about the latest survey year.
/// `files` are the input files as shown in messages, the survey files first in reading order
/// (a survey row's `RowPos::file` indexes them).
pub fn period_warnings(acc: &SurveyAcc, complaints: Option<&ComplaintAcc>, files: &[String]) -> Vec<Diagnostic> {
    let mut years: BTreeMap<i32, Year> = BTreeMap::new();
    for (month, m) in &acc.months {
        let y = years.entry(month.year).or_default();
        y.rows += m.returned;
        y.first_rows.extend_from_slice(&m.first_rows);
        y.first_rows.sort();
        y.first_rows.truncate(ROWS_KEPT);
    }
    let last_complaint = complaints.and_then(|c| c.last_month()).map(|m| YearMonth::from_ordinal(m).year);
    doubtful_latest(&years, last_complaint, files, Kind::Survey)
}

/// Warnings of a project without a survey: at most one, about the latest complaint year
/// (received dates). `files` are the input files as shown, the complaint files first.
pub fn complaint_period_warnings(complaints: &ComplaintAcc, files: &[String]) -> Vec<Diagnostic> {
    let mut years: BTreeMap<i32, Year> = BTreeMap::new();
    for (m, acc) in &complaints.months {
        let y = years.entry(YearMonth::from_ordinal(*m).year).or_default();
        y.rows += acc.received;
        y.first_rows.extend_from_slice(&acc.first_rows);
        y.first_rows.sort();
        y.first_rows.truncate(ROWS_KEPT);
    }
    doubtful_latest(&years, None, files, Kind::Complaints)
}

/// Whose years are judged: the survey's responses or the complaints.
#[derive(Clone, Copy)]
enum Kind {
    Survey,
    Complaints,
}

/// The warning about the latest of `years`, if it is doubtful; `other_end` is the last year of
/// the rest of the data (the complaints, for a survey).
fn doubtful_latest(
    years: &BTreeMap<i32, Year>,
    other_end: Option<i32>,
    files: &[String],
    kind: Kind,
) -> Vec<Diagnostic> {
    let (what, row) = match kind {
        Kind::Survey => ("survey", "response"),
        Kind::Complaints => ("complaint", "complaint"),
    };
    let Some((&latest, last)) = years.iter().next_back() else { return Vec::new() };
    let previous = years.range(..latest).next_back().map(|(y, _)| *y);
    let last_complaint = other_end;

    let mut reasons = Vec::new();
    let mut others: Vec<f64> = years.range(..latest).map(|(_, y)| y.rows as f64).collect();
    if let Some(typical) = median(&mut others) {
        if (last.rows as f64) < typical * SPARSE_SHARE {
            let s = if last.rows == 1 { "" } else { "s" };
            reasons.push(format!(
                "it has {} {row}{s}, under a tenth of the median of the other years ({})",
                last.rows,
                number::trimmed(typical, 1)
            ));
        }
    }
    if let Some(before) = previous.into_iter().chain(last_complaint).max() {
        if latest > before.saturating_add(1) {
            reasons.push(format!("it lies more than a year after the rest of the data, which ends in {before}"));
        }
    }
    if reasons.is_empty() {
        return Vec::new();
    }

    let file_of = |p: &RowPos| files.get(p.file as usize).map_or("?", String::as_str).to_string();
    let name = |p: &RowPos| format!("{}:{}", file_of(p), p.line);
    let mut rows: Vec<String> = last.first_rows.iter().map(name).collect();
    let more = last.rows.saturating_sub(rows.len() as u64);
    if more > 0 {
        let end = rows.pop().unwrap_or_default();
        rows.push(format!("{end} and {more} more"));
    }
    let advice = match previous {
        Some(y) => format!("build another year with --period {y}"),
        None => "ignore this warning".to_string(),
    };
    let location = match last.first_rows.first() {
        Some(p) => Location::at(file_of(p), p.line, None),
        None => Location::file(files.join(", ")),
    };
    let warning = Diagnostic::warning(
        location,
        format!(
            "the latest {what} year, {latest}, is doubtful: {}; a build without --period reports {latest}",
            reasons.join(", and ")
        ),
    )
    .with_hint(format!("check the dates of these rows: {}; if they are right, {advice}", rows.join(", ")));
    vec![warning]
}
