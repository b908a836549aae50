//! Action effect (METHODS.md): did an action's complaint category fall after its completion?
//! Complaints of the category over the months before the completion month against the months
//! after it, by the exact conditional binomial test of equal rates.

use super::register::ComplaintAcc;
use super::stats::rate_drop_p_value;
use crate::ingest::registers::Action;
use crate::period::{Date, YearMonth};
use serde::Serialize;
use std::collections::BTreeMap;

/// An effect is shown when the one-sided p-value is below this.
pub const ALPHA: f64 = 0.05;
/// Fewer complete months after the completion month than this: too early to judge.
pub const MIN_AFTER_MONTHS: u32 = crate::config::EFFECT_MIN_MONTHS;

#[derive(Debug, Clone, Serialize)]
pub struct EffectMonth {
    pub month: YearMonth,
    /// `before` or `after` the completion month.
    pub side: &'static str,
    /// Complaints of the category received in the month.
    pub count: u64,
    /// The month's exposure: 1 (a month), or its volume in units of `[complaints.volume] per`.
    pub exposure: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionEffect {
    pub id: String,
    pub problem: String,
    /// The complaint category the action addresses, as written in the action register.
    pub category: String,
    pub completed: Date,
    /// `months` (exposure = months) or `volume` (exposure = volume / `per`).
    pub basis: &'static str,
    pub per: Option<f64>,
    pub months: Vec<EffectMonth>,
    pub before_months: u32,
    pub after_months: u32,
    /// c1 / t1: complaints and exposure before; c2 / t2 after.
    pub c1: u64,
    pub t1: f64,
    pub c2: u64,
    pub t2: f64,
    /// c / t (complaints per month, or per `per` units); `null` without exposure.
    pub rate_before: Option<f64>,
    pub rate_after: Option<f64>,
    /// rate after / rate before (`null` when the rate before is 0 or unknown).
    pub rate_ratio: Option<f64>,
    /// P(X ≤ c2), X ~ Binomial(c1 + c2, t2 / (t1 + t2)); `null` when not tested.
    pub p_value: Option<f64>,
    /// `effect` (p < 0.05), `no_effect` (not yet shown), `too_early` (fewer than 3 complete
    /// months after), `no_baseline` (no month before), `unknown_category` (no complaint of the
    /// register has the category).
    pub verdict: &'static str,
}

/// What the effect test reads besides the registers.
pub struct EffectInputs<'a> {
    /// `[actions] effect_months`.
    pub window: u32,
    /// Monthly volumes and their unit, with `[complaints.volume]`.
    pub volumes: Option<(&'a BTreeMap<YearMonth, f64>, f64)>,
    pub as_of: Date,
}

/// The effect of each action with a completion date on or before the as-of date and a
/// category, in register order.
pub fn action_effects(actions: &[Action], data: &ComplaintAcc, input: &EffectInputs) -> Vec<ActionEffect> {
    let first = data.first_month();
    // The last complete month: the as-of date's month when it is that month's last day.
    let next_day = Date::from_days(input.as_of.days() + 1).map_or(input.as_of.month_key(), |d| d.month_key());
    let last_complete = next_day.ordinal() - 1;
    actions
        .iter()
        .filter_map(|a| {
            let (cat, done) = (a.category.as_deref()?, a.completed?);
            (done <= input.as_of).then(|| effect_of(a, cat, done, data, first, last_complete, input))
        })
        .collect()
}

fn effect_of(
    a: &Action,
    category: &str,
    done: Date,
    data: &ComplaintAcc,
    first: Option<i32>,
    last_complete: i32,
    input: &EffectInputs,
) -> ActionEffect {
    let m = done.month_key().ordinal();
    let w = input.window as i32;
    let exposure = |month: i32| -> Option<f64> {
        match input.volumes {
            None => Some(1.0),
            Some((v, per)) => v.get(&YearMonth::from_ordinal(month)).filter(|x| **x > 0.0).map(|x| x / per),
        }
    };
    let symbol = (0..data.symbols.len() as u32).find(|k| data.symbols.name(*k) == category);
    // Months before: from the register's first month; after: up to the last complete month.
    let lo = (m - w).max(first.unwrap_or(m));
    let hi = (m + w).min(last_complete);
    let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
    if let Some(k) = symbol {
        for (month, acc) in data.range(lo, hi).filter(|(month, _)| **month != m) {
            let n = acc.keys[0].get(k).count;
            if n > 0 {
                *counts.entry(*month).or_default() += n;
            }
        }
    }
    let months: Vec<EffectMonth> = (lo..=hi)
        .filter(|x| *x != m)
        .filter_map(|x| {
            let t = exposure(x)?;
            let side = if x < m { "before" } else { "after" };
            Some(EffectMonth {
                month: YearMonth::from_ordinal(x),
                side,
                count: counts.get(&x).copied().unwrap_or(0),
                exposure: t,
            })
        })
        .collect();
    let sum = |side: &str| {
        let on: Vec<&EffectMonth> = months.iter().filter(|x| x.side == side).collect();
        (on.len() as u32, on.iter().map(|x| x.count).sum::<u64>(), on.iter().map(|x| x.exposure).sum::<f64>())
    };
    let ((nb, c1, t1), (na, c2, t2)) = (sum("before"), sum("after"));
    let rate = |c: u64, t: f64| (t > 0.0).then(|| c as f64 / t);
    let (rate_before, rate_after) = (rate(c1, t1), rate(c2, t2));
    let verdict = if symbol.is_none() {
        "unknown_category"
    } else if nb == 0 {
        "no_baseline"
    } else if na < MIN_AFTER_MONTHS {
        "too_early"
    } else {
        ""
    };
    let p_value = verdict.is_empty().then(|| rate_drop_p_value(c1, t1, c2, t2));
    ActionEffect {
        id: a.id.clone(),
        problem: a.problem.clone(),
        category: category.to_string(),
        completed: done,
        basis: if input.volumes.is_some() { "volume" } else { "months" },
        per: input.volumes.map(|(_, per)| per),
        months,
        before_months: nb,
        after_months: na,
        c1,
        t1,
        c2,
        t2,
        rate_before,
        rate_after,
        rate_ratio: rate_before.zip(rate_after).filter(|(b, _)| *b > 0.0).map(|(b, a)| a / b),
        p_value,
        verdict: match p_value {
            Some(p) if p < ALPHA => "effect",
            Some(_) => "no_effect",
            None => verdict,
        },
    }
}
