//! Display formatting: every number the report shows goes through here, so the tables,
//! charts and Markdown agree digit for digit (rounded half away from zero).

use crate::analysis::stats::round_half_away;

pub const DASH: &str = "—";

/// A 0–100 score with one decimal: `83.2`.
pub fn score(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.to_string(), |v| fixed(v, 1))
}

/// A fraction as a percentage with one decimal: `0.8` → `80.0%`.
pub fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.to_string(), |v| format!("{}%", fixed(v * 100.0, 1)))
}

/// A signed change with one decimal: `+1.2`, `-0.8`, `0.0`.
pub fn change(v: Option<f64>) -> String {
    match v {
        None => DASH.to_string(),
        Some(v) => {
            let r = round_half_away(v, 1);
            if r > 0.0 {
                format!("+{}", fixed(r, 1))
            } else if r < 0.0 {
                fixed(r, 1)
            } else {
                fixed(0.0, 1)
            }
        }
    }
}

/// CSS class of a change: `up`, `down` or `flat`.
pub fn change_class(v: Option<f64>) -> &'static str {
    match v.map(|v| round_half_away(v, 1)) {
        Some(r) if r > 0.0 => "up",
        Some(r) if r < 0.0 => "down",
        _ => "flat",
    }
}

/// `decimals` places, rounded half away from zero.
pub fn fixed(v: f64, decimals: u32) -> String {
    let r = round_half_away(v, decimals);
    let r = if r == 0.0 { 0.0 } else { r }; // no "-0.0"
    format!("{:.*}", decimals as usize, r)
}

/// Shortest form of a configured number: `0.35`, `5`.
pub fn plain(v: f64) -> String {
    crate::number::fmt_num(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_agree_with_half_away_rounding() {
        assert_eq!(score(Some(94.95)), "95.0");
        assert_eq!(score(Some(83.18)), "83.2");
        assert_eq!(score(None), "—");
        assert_eq!(pct(Some(0.8)), "80.0%");
        assert_eq!(pct(Some(0.12345)), "12.3%");
        assert_eq!(change(Some(1.25)), "+1.3");
        assert_eq!(change(Some(-0.04)), "0.0");
        assert_eq!(change(Some(-0.05)), "-0.1");
        assert_eq!(change_class(Some(-0.04)), "flat");
        assert_eq!(fixed(-0.0001, 1), "0.0");
    }
}
