//! The one number formatter: every number a page, chart, template filter or message shows
//! is written here, rounded half away from zero, so tables, charts and Markdown agree digit
//! for digit. `summary.json` holds the unrounded values.

/// Shown where a figure is undefined (no answers, no plan, division by zero).
pub const DASH: &str = "—";

/// Tolerance for binary floating point when rounding: a value that is mathematically
/// x.x5 may be stored as x.x4999999999; it still rounds up.
pub const ROUND_EPS: f64 = 1e-9;

/// `x` rounded half away from zero to `decimals` places (the displayed precision).
pub fn round_half_away(x: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    let scaled = x * f;
    let r = if scaled >= 0.0 { (scaled + 0.5 + ROUND_EPS).floor() } else { -((-scaled) + 0.5 + ROUND_EPS).floor() };
    r / f
}

/// `decimals` places, rounded half away from zero; never "-0.0".
pub fn fixed(v: f64, decimals: u32) -> String {
    let r = round_half_away(v, decimals);
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{:.*}", decimals as usize, r)
}

/// Shortest decimal form of a number (5 not 5.0, 4.5 as 4.5): configured values, counts.
pub fn shortest(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Rounded half away from zero to at most `decimals` places, then in its shortest form
/// (chart value labels: 12.5 not 12.50).
pub fn trimmed(v: f64, decimals: u32) -> String {
    shortest(round_half_away(v, decimals))
}

/// An amount (count or summed weight): a whole number as an integer, else `decimals` places.
pub fn amount(v: f64, decimals: u32) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        fixed(v, decimals)
    }
}

/// A count with thousands separators, for messages: `1284` → `1,284`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fraction as a percentage: `0.8` → `80.0%`.
pub fn pct(v: f64, decimals: u32) -> String {
    format!("{}%", fixed(v * 100.0, decimals))
}

/// A signed change: `+1.2`, `-0.8`, `0.0` (a change that rounds to zero has no sign).
pub fn signed(v: f64, decimals: u32) -> String {
    let r = round_half_away(v, decimals);
    if r > 0.0 {
        format!("+{}", fixed(r, decimals))
    } else {
        fixed(r, decimals)
    }
}

/// Direction of a change as displayed: `up`, `down` or `flat` (flat when it rounds to 0).
pub fn direction(v: Option<f64>, decimals: u32) -> &'static str {
    match v.map(|v| round_half_away(v, decimals)) {
        Some(r) if r > 0.0 => "up",
        Some(r) if r < 0.0 => "down",
        _ => "flat",
    }
}

/// Serialises a whole `f64` as an integer (`12`, not `12.0`) and anything else as a float:
/// counts that may also be summed weights.
pub fn serialize_whole_as_integer<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_agree_with_half_away_rounding() {
        assert_eq!(fixed(94.95, 1), "95.0");
        assert_eq!(fixed(83.18, 1), "83.2");
        assert_eq!(fixed(-0.0001, 1), "0.0");
        assert_eq!(fixed(2.5, 0), "3", "half away from zero, not half to even");
        assert_eq!(pct(0.8, 1), "80.0%");
        assert_eq!(
            (count(0), count(999), count(1284), count(1234567)),
            ("0".into(), "999".into(), "1,284".into(), "1,234,567".into())
        );
        assert_eq!(pct(0.12345, 1), "12.3%");
        assert_eq!(signed(1.25, 1), "+1.3");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(-0.05, 1), "-0.1");
        assert_eq!(direction(Some(-0.04), 1), "flat");
        assert_eq!(direction(Some(0.05), 1), "up");
        assert_eq!(direction(None, 1), "flat");
        assert_eq!(shortest(5.0), "5");
        assert_eq!(shortest(4.5), "4.5");
        assert_eq!(trimmed(12.345, 2), "12.35");
        assert_eq!(trimmed(12.0, 2), "12");
        assert_eq!(amount(12.0, 2), "12");
        assert_eq!(amount(12.5, 2), "12.50");
    }

    #[test]
    fn whole_numbers_serialise_as_integers() {
        #[derive(serde::Serialize)]
        struct T(#[serde(serialize_with = "serialize_whole_as_integer")] f64);
        assert_eq!(serde_json::to_string(&T(3.0)).unwrap(), "3");
        assert_eq!(serde_json::to_string(&T(2.5)).unwrap(), "2.5");
    }
}
