//! Number text shared by every stage: messages, chart axes and pages.

/// Shortest decimal form of a number (5 not 5.0, 4.5 as 4.5).
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
