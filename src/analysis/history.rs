//! Earlier periods from published figures (`[history] file`): where a period's raw data is
//! absent, its published index, dimension and item scores fill the trend, the previous
//! period and the same period a year earlier. Raw data wins where both exist.
//!
//! A published figure has no interval, so a change against it is never tested for
//! significance (its `comparison` stays `null`).

use super::survey::{PeriodIndex, Source, SurveyResult, YearAgo};
use crate::ingest::history::{History, Metric};
use crate::period::Period;
use serde::Serialize;

/// What the history file gave one report.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryUse {
    /// The file, as named in messages.
    pub file: String,
    /// Periods whose figures in this report come from the file (trend, previous period,
    /// year-ago period), oldest first.
    pub periods: Vec<Period>,
    /// Periods of the report's kind the file also gives (this one included), whose responses
    /// were used instead.
    pub replaced: Vec<Period>,
    /// Rows of `segment:` metrics in the file for the previous period of this report's kind
    /// that gave a segment value its previous index (none from the raw data): how many were used,
    /// and how many others the file holds (other periods, or a value or column not in the report).
    pub segment_rows: u64,
    pub segment_rows_used: u64,
}

/// Whether two periods are of the same kind (years with years, quarters with quarters ...).
fn same_kind(a: Period, b: Period) -> bool {
    matches!(
        (a, b),
        (Period::Year(_), Period::Year(_))
            | (Period::Quarter(..), Period::Quarter(..))
            | (Period::Month(..), Period::Month(..))
    )
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// Fills `s` from the history where its raw data has no such period.
pub fn apply(s: &mut SurveyResult, h: &History, lowest_items: usize) {
    let period = s.period;
    let raw: Vec<Period> = s.trend.iter().map(|p| p.period).collect();
    let mut used = Vec::new();
    let mut replaced = Vec::new();
    for (p, metrics) in h.points.range(..=period).filter(|(p, _)| same_kind(**p, period)) {
        let Some(index) = metrics.get(&Metric::Index) else { continue };
        if raw.contains(p) {
            replaced.push(*p);
        } else {
            s.trend.push(PeriodIndex { period: *p, index: Some(*index), valid: 0, source: Source::History });
            used.push(*p);
        }
    }
    s.trend.sort_by_key(|p| p.period);
    let prev_period = period.previous();
    if s.previous.is_none() {
        if let Some(index) = h.get(prev_period, &Metric::Index) {
            s.previous =
                Some(PeriodIndex { period: prev_period, index: Some(index), valid: 0, source: Source::History });
            s.index_change = diff(s.index, Some(index));
            used.push(prev_period);
        }
        let previous = |m: Metric| h.get(prev_period, &m);
        let mut any = false;
        for d in &mut s.dimensions {
            d.previous = previous(Metric::Dimension(d.name.clone()));
            d.change = diff(d.score, d.previous);
            any |= d.previous.is_some();
            for i in &mut d.items {
                i.previous = previous(Metric::Item(i.name.clone()));
                i.change = diff(i.score, i.previous);
                any |= i.previous.is_some();
            }
        }
        if let Some(o) = &mut s.overall {
            o.previous = previous(Metric::Item(o.name.clone()));
            o.change = diff(o.score, o.previous);
        }
        if any && !used.contains(&prev_period) {
            used.push(prev_period);
        }
        let (lowest, rise, fall) = super::survey::special_items(&s.dimensions, lowest_items);
        (s.lowest_items, s.largest_rise, s.largest_fall) = (lowest, rise, fall);
    }
    // Segment values without a previous period in the raw data take the published one.
    let mut segment_rows_used = 0;
    for (field, values) in &mut s.segments.0 {
        for v in values.iter_mut().filter(|v| v.previous.is_none()) {
            let Some(value) = &v.value else { continue };
            let metric = Metric::Segment { field: field.clone(), value: value.clone() };
            if let Some(index) = h.get(prev_period, &metric) {
                v.previous = Some(index);
                v.change = diff(v.index, Some(index));
                segment_rows_used += 1;
                if !used.contains(&prev_period) {
                    used.push(prev_period);
                }
            }
        }
    }
    if !matches!(period, Period::Year(_)) && s.year_ago.is_none() {
        let ya = period.year_ago();
        if let Some(index) = h.get(ya, &Metric::Index) {
            s.year_ago = Some(YearAgo {
                period: ya,
                index: Some(index),
                valid: 0,
                change: diff(s.index, Some(index)),
                comparison: None,
                source: Source::History,
            });
            used.push(ya);
        }
    }
    used.sort();
    used.dedup();
    let segment_rows =
        h.points.values().flat_map(|m| m.keys()).filter(|m| matches!(m, Metric::Segment { .. })).count() as u64;
    s.history = Some(HistoryUse { file: h.file.clone(), periods: used, replaced, segment_rows, segment_rows_used });
}
