//! Cell-level parsing: header names, numbers, answers. Strings become typed values here, once.

/// Folds full-width ASCII forms (ＡＢＣ１２３，ideographic space) to their half-width
/// equivalents, as Chinese Excel and input methods produce them.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The form header names are compared in: BOM removed, widths folded, outer and
/// repeated inner whitespace dropped.
pub fn normalize_header(s: &str) -> String {
    let folded = fold_width(s.trim_start_matches('\u{FEFF}'));
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The header closest to `wanted` (compared as normalised headers), if it is close enough
/// to be a likely typo.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = normalize_header(wanted);
    let normalized: Vec<(String, &'a str)> = candidates.into_iter().map(|c| (normalize_header(c), c)).collect();
    let near = crate::suggest::closest(&wanted, normalized.iter().map(|(n, _)| n.as_str()))?;
    normalized.iter().find(|(n, _)| n == near).map(|(_, c)| *c)
}

/// Parses a number written with ASCII or full-width digits (`４.５`), surrounding spaces allowed.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let v: f64 = if t.is_ascii() { t.parse().ok()? } else { fold_width(t).trim().parse().ok()? };
    v.is_finite().then_some(v)
}

/// The largest volume (units in a month) or amount (money of one complaint) accepted: 10¹².
/// A trillion orders in a month or a trillion in money for one complaint is beyond any real
/// register; such a cell is a typo or a unit mistake, and sums of values near the top of
/// `f64` overflow to infinity, which no chart can draw.
pub const MAX_QUANTITY: f64 = 1e12;
/// The smallest volume other than 0 accepted: 10⁻⁶. The complaint rate divides by the
/// volume, so a tiny one (such as the subnormal `1e-320`) would make the rate infinite.
pub const MIN_VOLUME: f64 = 1e-6;

/// What a quantity cell holds, for its bounds and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Units per month (`[complaints.volume] count`): 0, or from `MIN_VOLUME` to `MAX_QUANTITY`.
    Volume,
    /// An amount per complaint (`[complaints] weight`): from 0 to `MAX_QUANTITY`.
    Amount,
}

impl Quantity {
    /// The reason codes of a cell that is not a number, negative, too large, too small.
    fn codes(self) -> [Code; 4] {
        match self {
            Quantity::Volume => {
                [Code::VolumeNotANumber, Code::VolumeNegative, Code::VolumeTooLarge, Code::VolumeTooSmall]
            }
            Quantity::Amount => {
                // An amount has no lower bound above 0: the fourth code is never used.
                [Code::AmountNotANumber, Code::AmountNegative, Code::AmountTooLarge, Code::AmountTooLarge]
            }
        }
    }
}

/// Reads a volume or amount cell: `Ok(None)` when blank, else a finite number within the
/// bounds of `kind` (`-0` reads as 0), or the reason it is not one.
pub fn parse_quantity(cell: &str, kind: Quantity) -> Result<Option<f64>, Reason> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let folded;
    let text = if t.is_ascii() {
        t
    } else {
        folded = fold_width(t);
        folded.trim()
    };
    let [not_number, negative, too_large, too_small] = kind.codes();
    let reason = |code| Reason::new(code).with_value(t);
    // `f64::from_str` also takes "inf", "infinity" and "NaN": not numbers in a register.
    let parsed = text.bytes().any(|b| b.is_ascii_digit()).then(|| text.parse::<f64>().ok()).flatten();
    let v = match parsed {
        Some(v) if !v.is_nan() => v,
        _ => return Err(reason(not_number)),
    };
    if v < 0.0 {
        return Err(reason(negative));
    }
    if v > MAX_QUANTITY {
        return Err(reason(too_large));
    }
    if kind == Quantity::Volume && v > 0.0 && v < MIN_VOLUME {
        return Err(reason(too_small));
    }
    Ok(Some(v + 0.0)) // -0 + 0 = +0
}

/// How a cell of an item column reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    NotAnswered,
    Value(f64),
    Invalid(Reason),
}

/// One item's answer as the aggregation takes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ans {
    /// Not answered.
    Blank,
    /// A whole scale point, as its offset from the scale minimum (0 = the minimum).
    Point(u8),
    /// Any other value within the scale (a label worth 4.5, a point of a decimal scale).
    Value(f64),
}

/// Whole scale points (max − min + 1) when the scale has whole-number bounds and at most
/// 101 points, so answers can be counted per point; 0 otherwise (answers are then summed).
pub fn whole_points(min: f64, max: f64) -> usize {
    let points = max - min + 1.0;
    if min.fract() == 0.0 && max.fract() == 0.0 && (1.0..=101.0).contains(&points) {
        points as usize
    } else {
        0
    }
}

/// Reads item cells: not-answered markers, answer labels, numbers within the scale.
///
/// Not-answered values are matched on the cell text before any number is read, so a code
/// such as `0` (not applicable on a 1–5 scale) or `-3` (a platform's "skipped") counts as not
/// answered rather than as a value outside the scale.
#[derive(Debug, Clone)]
pub struct AnswerReader {
    not_answered: Vec<String>,
    /// Whether a blank cell is in `not_answered`.
    blank: bool,
    labels: Vec<(String, f64)>,
    min: f64,
    max: f64,
    /// `whole_points(min, max)`.
    points: usize,
    /// For each ASCII digit, how it reads when it is the whole cell: `Ans::Blank` when it is a
    /// not-answered code, the `Ans::Point` it is on this scale, or `None` (read the slow way).
    digit: [Option<Ans>; 10],
    /// Reverse scoring: an answer x is returned as min + max − x (see `reversed`).
    reverse: bool,
}

impl AnswerReader {
    /// `not_answered` is the whole list applied (see `SurveyConfig::not_answered_codes`).
    pub fn new(not_answered: &[String], labels: &[(String, f64)], min: f64, max: f64) -> Self {
        let not_answered: Vec<String> = not_answered.iter().map(|s| normalize_header(s).to_lowercase()).collect();
        let points = whole_points(min, max);
        AnswerReader {
            blank: not_answered.iter().any(String::is_empty),
            digit: std::array::from_fn(|d| {
                let k = d as f64 - min;
                if not_answered.iter().any(|n| n.as_bytes() == [b'0' + d as u8]) {
                    Some(Ans::Blank)
                } else {
                    (points > 0 && k >= 0.0 && k < points as f64).then_some(Ans::Point(k as u8))
                }
            }),
            not_answered,
            labels: labels.iter().map(|(l, v)| (normalize_header(l), *v)).collect(),
            min,
            max,
            points,
            reverse: false,
        }
    }

    /// The reader of a reverse-scored item (when `on`): every answer x is returned as
    /// min + max − x, a whole point k as point (points − 1 − k); not-answered codes stay blank.
    pub fn reversed(mut self, on: bool) -> Self {
        if on && !self.reverse {
            self.reverse = true;
            let last = self.points.saturating_sub(1) as u8;
            for d in self.digit.iter_mut() {
                if let Some(Ans::Point(k)) = *d {
                    *d = Some(Ans::Point(last - k));
                }
            }
        }
        self
    }

    /// The common cells, a blank or one digit on the scale, read without decoding.
    #[inline(always)]
    pub fn quick(&self, cell: &[u8]) -> Option<Ans> {
        match cell {
            [] if self.blank => Some(Ans::Blank),
            [d @ b'0'..=b'9'] => self.digit[usize::from(d - b'0')],
            _ => None,
        }
    }

    /// An item cell as bytes, the common one-digit and blank cells without decoding; the
    /// error says why the cell is not an answer.
    pub fn answer(&self, cell: &[u8]) -> Result<Ans, Reason> {
        if let Some(a) = self.quick(cell) {
            return Ok(a);
        }
        let text = std::str::from_utf8(cell).map_err(|_| Reason::new(Code::NotUtf8))?;
        match self.read(text) {
            Answer::NotAnswered => Ok(Ans::Blank),
            Answer::Value(v) => {
                let v = if self.reverse { self.min + self.max - v } else { v };
                let k = v - self.min;
                Ok(if k >= 0.0 && k.fract() == 0.0 && (k as usize) < self.points {
                    Ans::Point(k as u8)
                } else {
                    Ans::Value(v)
                })
            }
            Answer::Invalid(reason) => Err(reason),
        }
    }

    /// Whether the (trimmed) cell text is a not-answered value: compared as header names are
    /// (widths folded, spaces collapsed), case-insensitive.
    fn is_not_answered(&self, t: &str) -> bool {
        if self.not_answered.iter().any(|n| n.eq_ignore_ascii_case(t)) {
            return true;
        }
        if t.is_ascii() && !t.contains(|c: char| c.is_ascii_whitespace()) {
            return false; // nothing to fold: the comparison above was exact
        }
        let lower = normalize_header(t).to_lowercase();
        self.not_answered.contains(&lower)
    }

    pub fn read(&self, cell: &str) -> Answer {
        let t = cell.trim();
        if self.is_not_answered(t) {
            return Answer::NotAnswered;
        }
        // Fast path for the common cell: one ASCII digit.
        if let [d @ b'0'..=b'9'] = t.as_bytes() {
            let v = f64::from(d - b'0');
            if v >= self.min && v <= self.max {
                return Answer::Value(v);
            }
        }
        if let Some(v) = parse_number(t) {
            return if v >= self.min && v <= self.max {
                Answer::Value(v)
            } else {
                Answer::Invalid(
                    Reason::new(Code::OutsideScale).with(t).with(shortest(self.min)).with(shortest(self.max)),
                )
            };
        }
        let norm = normalize_header(t);
        if let Some((_, v)) = self.labels.iter().find(|(l, _)| *l == norm) {
            return Answer::Value(*v);
        }
        let code = match (self.labels.is_empty(), self.blank) {
            (true, false) => Code::NotAnAnswer,
            (true, true) => Code::NotAnAnswerOrBlank,
            (false, false) => Code::NotAnAnswerLabels,
            (false, true) => Code::NotAnAnswerLabelsOrBlank,
        };
        let mut reason = Reason::new(code).with_value(t).with(shortest(self.min)).with(shortest(self.max));
        if !self.labels.is_empty() {
            let names: Vec<&str> = self.labels.iter().map(|(l, _)| l.as_str()).collect();
            reason = reason.with(names.join(" / "));
        }
        Answer::Invalid(reason)
    }
}

/// Why a cell that is not UTF-8 cannot be read.
pub const NOT_UTF8: &str =
    "the cell is not valid UTF-8 text; if the file is saved as GBK, set encoding = \"gbk\" for this file set";

/// A cell value quoted for a message, shortened so a huge cell cannot flood the output.
pub fn quote(t: &str) -> String {
    const MAX: usize = 40;
    if t.chars().count() <= MAX {
        format!("\"{t}\"")
    } else {
        let head: String = t.chars().take(MAX).collect();
        format!("\"{head}…\" ({} characters)", t.chars().count())
    }
}

use super::reason::{Code, Reason};
use crate::number::shortest;

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> AnswerReader {
        let na: Vec<String> = crate::config::default_not_answered();
        AnswerReader::new(&na, &[("很满意".into(), 5.0)], 1.0, 5.0)
    }

    #[test]
    fn headers_match_across_widths_and_spaces() {
        assert_eq!(normalize_header("\u{FEFF} 投诉　类别 "), "投诉 类别");
        assert_eq!(normalize_header("ＡＢＣ１"), "ABC1");
    }

    #[test]
    fn suggests_near_misses_only() {
        let cols = ["投诉编号", "投诉类别", "受理日期"];
        assert_eq!(suggest("投诉类型", cols), Some("投诉类别"));
        assert_eq!(suggest("完全不同的列名", cols), None);
    }

    #[test]
    fn answers_read_numbers_labels_and_blanks() {
        let r = reader();
        assert_eq!(r.read(" 4 "), Answer::Value(4.0));
        assert_eq!(r.read("４"), Answer::Value(4.0));
        assert_eq!(r.read("很满意"), Answer::Value(5.0));
        for blank in ["", "  ", "N/A", "n/a", "NA", "-", "不适用"] {
            assert_eq!(r.read(blank), Answer::NotAnswered, "{blank:?}");
        }
        assert!(matches!(r.read("6"), Answer::Invalid(m) if m.english().contains("outside the scale 1–5")));
        assert!(matches!(r.read("good"), Answer::Invalid(m) if m.english().contains("not an answer")));
    }

    #[test]
    fn not_answered_codes_are_matched_before_numbers() {
        let codes = ["", "0", "-3", "(跳过)"].map(String::from);
        let r = AnswerReader::new(&codes, &[], 1.0, 5.0);
        for cell in ["", "0", " 0 ", "-3", "（跳过）", "(跳过)"] {
            assert_eq!(r.answer(cell.as_bytes()), Ok(Ans::Blank), "{cell:?}");
        }
        assert_eq!(r.quick(b"0"), Some(Ans::Blank));
        assert_eq!(r.answer(b"5"), Ok(Ans::Point(4)));
        assert!(r.answer(b"N/A").unwrap_err().english().contains("\"N/A\" is not an answer"), "no built-ins given");
        // Without a blank in the list, a blank cell is not an answer either.
        let strict = AnswerReader::new(&["0".to_string()], &[], 1.0, 5.0);
        assert_eq!(strict.quick(b""), None);
        let err = strict.answer(b"").unwrap_err().english();
        assert!(err.starts_with("\"\" is not an answer") && !err.contains("blank"), "{err}");
    }

    #[test]
    fn quantities_are_finite_and_bounded() {
        use Quantity::{Amount, Volume};
        assert_eq!(parse_quantity("  ", Amount), Ok(None));
        assert_eq!(parse_quantity("12.5", Amount), Ok(Some(12.5)));
        assert_eq!(parse_quantity("１２", Volume), Ok(Some(12.0)));
        assert_eq!(parse_quantity("1e12", Amount), Ok(Some(1e12)));
        assert_eq!(parse_quantity("0.000001", Volume), Ok(Some(1e-6)));
        assert_eq!(parse_quantity("1e-320", Amount), Ok(Some(1e-320)), "amounts are only summed");
        let zero = parse_quantity("-0", Volume).unwrap().unwrap();
        assert!(zero == 0.0 && zero.is_sign_positive());
        let err = |s: &str, k| parse_quantity(s, k).unwrap_err().english();
        assert_eq!(
            err("1e-320", Volume),
            "\"1e-320\" is too small: expected 0 or a volume from 0.000001 to 1000000000000"
        );
        assert_eq!(err("1.7e308", Amount), "\"1.7e308\" is too large: expected an amount from 0 to 1000000000000");
        assert!(err("1e400", Amount).contains("is too large"));
        assert!(err(&"9".repeat(400), Amount).contains("is too large"));
        assert!(err("-1", Amount).contains("\"-1\" is negative"));
        assert!(err("-inf", Amount).contains("is not a number"));
        for s in ["inf", "NaN", "infinity", "abc", "1,000", "e5"] {
            assert!(err(s, Volume).contains("is not a number"), "{s}");
        }
    }

    #[test]
    fn answers_from_bytes_are_points_values_or_reasons() {
        let r = reader();
        assert_eq!(r.answer(b"1"), Ok(Ans::Point(0)));
        assert_eq!(r.answer(b"5"), Ok(Ans::Point(4)));
        assert_eq!(r.answer(" 4 ".as_bytes()), Ok(Ans::Point(3)));
        assert_eq!(r.answer("很满意".as_bytes()), Ok(Ans::Point(4)));
        assert_eq!(r.answer(b""), Ok(Ans::Blank));
        assert_eq!(r.answer(b"N/A"), Ok(Ans::Blank));
        assert_eq!(r.answer(b"4.5"), Ok(Ans::Value(4.5)));
        assert!(r.answer(b"0").unwrap_err().english().contains("outside the scale 1\u{2013}5"));
        assert!(r.answer(b"6").unwrap_err().english().contains("outside the scale"));
        assert_eq!(r.answer(b"\xff").unwrap_err().english(), NOT_UTF8);
        // A 0–10 scale counts eleven points; a decimal scale none.
        let r10 = AnswerReader::new(&[], &[], 0.0, 10.0);
        assert_eq!(r10.answer(b"0"), Ok(Ans::Point(0)));
        assert_eq!(r10.answer(b"10"), Ok(Ans::Point(10)));
        let rd = AnswerReader::new(&[], &[], 0.5, 5.0);
        assert_eq!(rd.answer(b"3"), Ok(Ans::Value(3.0)));
    }

    #[test]
    fn a_reversed_reader_returns_min_plus_max_minus_the_answer() {
        // 1–5 reversed: 1 → 5 (point 4), 5 → 1, a label worth 5 → 1, 4.5 → 1.5; codes stay blank.
        let labels = [("很满意".to_string(), 5.0)];
        let r = AnswerReader::new(&["".into(), "0".into()], &labels, 1.0, 5.0).reversed(true);
        assert_eq!(r.answer(b"1"), Ok(Ans::Point(4)));
        assert_eq!(r.answer(b"5"), Ok(Ans::Point(0)));
        assert_eq!(r.answer(b" 2 "), Ok(Ans::Point(3)));
        assert_eq!(r.answer("很满意".as_bytes()), Ok(Ans::Point(0)));
        assert_eq!(r.answer(b"4.5"), Ok(Ans::Value(1.5)));
        assert_eq!(r.answer(b"0"), Ok(Ans::Blank));
        assert_eq!(r.answer(b""), Ok(Ans::Blank));
        assert!(r.answer(b"6").unwrap_err().to_string().contains("outside the scale"));
        // 0–5 (its own scale): 0 → 5, 3 → 2.
        let r = AnswerReader::new(&[], &[], 0.0, 5.0).reversed(true);
        assert_eq!(r.answer(b"0"), Ok(Ans::Point(5)));
        assert_eq!(r.answer(b"3"), Ok(Ans::Point(2)));
    }
}

/// Reads yes/no cells in Chinese and English. `Ok(None)` for a blank cell,
/// `Err` with the expected forms for anything else.
pub fn parse_yes_no(cell: &str) -> Result<Option<bool>, Reason> {
    const YES: [&str; 14] =
        ["是", "满意", "非常满意", "比较满意", "基本满意", "y", "yes", "true", "1", "有", "√", "✓", "已回访满意", "ok"];
    const NO: [&str; 12] = ["否", "不满意", "很不满意", "非常不满意", "n", "no", "false", "0", "无", "×", "✗", "x"];
    // The common cells match as they are, without folding widths or case.
    let quick = cell.trim();
    if quick.is_empty() {
        return Ok(None);
    } else if YES.contains(&quick) {
        return Ok(Some(true));
    } else if NO.contains(&quick) {
        return Ok(Some(false));
    }
    let t = fold_width(quick).to_lowercase();
    if t.is_empty() || t == "-" || t == "n/a" || t == "na" || t == "不适用" {
        Ok(None)
    } else if YES.contains(&t.as_str()) {
        Ok(Some(true))
    } else if NO.contains(&t.as_str()) {
        Ok(Some(false))
    } else {
        Err(Reason::new(Code::NotYesNo).with(cell.trim()))
    }
}

#[cfg(test)]
mod yes_no_tests {
    use super::parse_yes_no;

    #[test]
    fn yes_no_in_chinese_and_english() {
        for y in ["是", "满意", "Y", "yes", "TRUE", "１"] {
            assert_eq!(parse_yes_no(y), Ok(Some(true)), "{y}");
        }
        for n in ["否", "不满意", "n", "No", "false", "0"] {
            assert_eq!(parse_yes_no(n), Ok(Some(false)), "{n}");
        }
        assert_eq!(parse_yes_no("  "), Ok(None));
        assert!(parse_yes_no("maybe").unwrap_err().english().contains("expected 是/否"));
    }
}

/// A questionnaire's completion time in seconds, as survey platforms write it: a number of
/// seconds (`80`, `80.5`), with units (`80秒`, `1分20秒`, `1分钟20秒`, `1小时2分`, `80s`,
/// `1m20s`, `1h2m3s`), or a clock (`00:01:20` hours:minutes:seconds, `01:20`
/// minutes:seconds). Full-width digits are folded. `None` for anything else, or a blank cell.
/// Shared by every reader of a duration column (`min_seconds`, the platform formats).
pub fn parse_duration(text: &str) -> Option<f64> {
    let folded = fold_width(text);
    let t: String = folded.split_whitespace().collect::<Vec<_>>().concat().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let seconds = if let Some(n) = parse_number(&t) {
        n
    } else if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.starts_with(['-', '+'])) {
            return None;
        }
        let mut total = 0.0;
        for (i, p) in parts.iter().enumerate() {
            let v = parse_number(p)?;
            let last = i + 1 == parts.len();
            if (!last && v.fract() != 0.0) || (i > 0 && v >= 60.0) {
                return None;
            }
            total = total * 60.0 + v;
        }
        total
    } else {
        // Number–unit pairs, largest unit first, each unit once.
        const UNITS: [(&str, f64, u8); 10] = [
            ("小时", 3600.0, 0),
            ("时", 3600.0, 0),
            ("h", 3600.0, 0),
            ("分钟", 60.0, 1),
            ("min", 60.0, 1),
            ("分", 60.0, 1),
            ("m", 60.0, 1),
            ("秒钟", 1.0, 2),
            ("秒", 1.0, 2),
            ("s", 1.0, 2),
        ];
        let (mut rest, mut total, mut next_rank) = (t.as_str(), 0.0, 0u8);
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            if digits == 0 {
                return None;
            }
            let v: f64 = rest[..digits].parse().ok()?;
            rest = &rest[digits..];
            let (unit, factor, rank) = UNITS.iter().find(|(u, ..)| rest.starts_with(u))?;
            if *rank < next_rank {
                return None;
            }
            next_rank = rank + 1;
            total += v * factor;
            rest = &rest[unit.len()..];
            if rest == "ec" || rest == "econds" {
                rest = "";
            }
        }
        total
    };
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

#[cfg(test)]
mod duration_tests {
    use super::parse_duration;

    #[test]
    fn platform_durations_in_seconds() {
        for (text, s) in [
            ("80", 80.0),
            ("８０", 80.0),
            ("80.5", 80.5),
            ("80秒", 80.0),
            ("1分20秒", 80.0),
            ("1分钟20秒", 80.0),
            ("2分", 120.0),
            ("1小时2分3秒", 3723.0),
            ("00:01:20", 80.0),
            ("01:20", 80.0),
            ("1:00:00", 3600.0),
            ("80s", 80.0),
            ("1m20s", 80.0),
            (" 8 秒 ", 8.0),
        ] {
            assert_eq!(parse_duration(text), Some(s), "{text}");
        }
        for bad in ["", "-3", "abc", "1:75", "20秒1分", "1:2:3:4", "秒", "-1分"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
