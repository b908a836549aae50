//! Calendar values parsed once at the edge: dates, months and report periods.
//!
//! A report period is a year (`2026`), a quarter (`2026-Q1`) or a month (`2026-03`).
//! Aggregates are kept per month, so any period is the merge of its months.

use std::fmt;

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1900..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let y = yoe + era * 400 + i64::from(m <= 2);
        Date::new(i32::try_from(y).ok()?, m, d)
    }

    pub fn month_key(self) -> YearMonth {
        YearMonth { year: self.year, month: self.month }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Parses the date forms found in Excel and CRM exports: `2026-03-01`, `2026/3/1`,
/// `2026.3.1`, `2026年3月1日`, `20260301`, each optionally followed by a time
/// (`2026-03-01 14:30`, `2026-03-01T14:30:00`), which is ignored.
/// A cell written exactly `YYYY-MM-DD` (ten ASCII bytes, nothing around them): `Some` of its
/// date if that date exists; `None` for anything else (`parse_date` then says what it is). Read
/// from the bytes, without a UTF-8 check or trimming: the common date cell.
#[inline]
pub fn parse_iso_bytes(b: &[u8]) -> Option<Option<Date>> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *b else { return None };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |a: u8| i32::from(a - b'0');
    Some(Date::new(
        n(y0) * 1000 + n(y1) * 100 + n(y2) * 10 + n(y3),
        (n(m0) * 10 + n(m1)) as u8,
        (n(d0) * 10 + n(d1)) as u8,
    ))
}

pub fn parse_date(text: &str) -> Option<Date> {
    // Fast path: exactly YYYY-MM-DD.
    if let Some(date) = parse_iso_bytes(text.as_bytes()) {
        return date;
    }
    let s = text.trim();
    // Drop a time part: everything after the first space or 'T' that follows the date.
    let date_part = s.split([' ', 'T']).next().unwrap_or("");
    let rest = &s[date_part.len()..];
    if !rest.is_empty() && !looks_like_time(rest.trim_start_matches([' ', 'T'])) {
        return None;
    }
    let d = date_part;
    if let Some(date) = excel_serial(d) {
        return Some(date);
    }
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        let y = d[0..4].parse().ok()?;
        let m = d[4..6].parse().ok()?;
        let day = d[6..8].parse().ok()?;
        return Date::new(y, m, day);
    }
    let parts: Vec<&str> = if let Some(stripped) = d.strip_suffix('日') {
        stripped.split(['年', '月']).collect()
    } else {
        d.split(['-', '/', '.']).collect()
    };
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    // 腾讯问卷's `02-Feb-2021`: day, English month abbreviation, year.
    if let Some(m) = month_abbreviation(parts[1]) {
        let day_ok = parts[0].len() <= 2 && parts[0].bytes().all(|b| b.is_ascii_digit());
        if !day_ok || parts[2].len() != 4 || !parts[2].bytes().all(|b| b.is_ascii_digit()) || d.contains(['/', '.']) {
            return None;
        }
        return Date::new(parts[2].parse().ok()?, m, parts[0].parse().ok()?);
    }
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) || parts[0].len() != 4 {
        return None;
    }
    Date::new(parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?)
}

/// An Excel serial date as CSV exports of unformatted date cells hold it: five digits
/// (1927–2173), optionally with a fraction for the time. Day 25569 is 1970-01-01.
fn excel_serial(s: &str) -> Option<Date> {
    let whole = s.split_once('.').map_or(s, |(w, f)| if f.bytes().all(|b| b.is_ascii_digit()) { w } else { "" });
    if whole.len() != 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: i64 = whole.parse().ok()?;
    Date::from_days(serial - 25569)
}

/// A date written month first, `8/31/2023` or `04/18/2026 08:03:32 AM` (Google Sheets' and
/// SurveyMonkey's US form), for the formats that write it; year-first dates are tried first.
pub fn parse_date_month_first(text: &str) -> Option<Date> {
    let s = text.trim();
    let (d, rest) = s.split_once(' ').unwrap_or((s, ""));
    if !rest.is_empty() && !looks_like_time(rest.trim()) {
        return None;
    }
    let parts: Vec<&str> = d.split('/').collect();
    let [m, day, y] = parts[..] else { return None };
    let digits = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(m, 2) && digits(day, 2) && y.len() == 4 && digits(y, 4)) {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, day.parse().ok()?)
}

/// A date and time as seconds since 1970-01-01 00:00 (of the export's own clock; the zone is
/// dropped), for a response time taken as end minus start: the date forms of `parse_date`
/// (then month first when `month_first`), followed by an optional `H:MM[:SS]` time with an
/// optional AM/PM. A date alone is its midnight.
pub fn parse_moment(text: &str, month_first: bool) -> Option<i64> {
    let s = text.trim();
    let date = parse_date(s).or_else(|| if month_first { parse_date_month_first(s) } else { None })?;
    let time = s.split_once([' ', 'T']).map_or("", |(_, t)| t.trim());
    Some(date.days() * 86_400 + i64::from(time_of_day(time)?))
}

/// Seconds since midnight of `14:30`, `08:03:32`, `8:03:32 PM`, `08:03:32.5 GMT+8` (the zone
/// and fractions of a second dropped); 0 for an empty text.
fn time_of_day(text: &str) -> Option<u32> {
    let t = text.split_once(" GMT").or_else(|| text.split_once(" UTC")).map_or(text, |(t, _)| t).trim();
    if t.is_empty() {
        return Some(0);
    }
    let (clock, half) = match ["AM", "PM", "am", "pm"].iter().find_map(|m| t.strip_suffix(m).map(|c| (c.trim_end(), m)))
    {
        Some((c, m)) => (c, Some(m.eq_ignore_ascii_case("pm"))),
        None => (t.trim_end_matches('Z'), None),
    };
    let mut parts = clock.split(':');
    let num = |p: Option<&str>, max: u32| -> Option<u32> {
        let p = p?;
        let whole = p.split_once('.').map_or(p, |(w, _)| w);
        if whole.is_empty() || whole.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        whole.parse().ok().filter(|v| *v <= max)
    };
    let mut h = num(parts.next(), 23)?;
    let m = num(parts.next(), 59)?;
    let sec = match parts.next() {
        Some(p) => num(Some(p), 59)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    if let Some(pm) = half {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    Some(h * 3600 + m * 60 + sec)
}

/// The month of an English three-letter abbreviation (`Jan` … `Dec`, any case).
fn month_abbreviation(s: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    MONTHS.iter().position(|m| m.eq_ignore_ascii_case(s)).map(|i| i as u8 + 1)
}

fn looks_like_time(s: &str) -> bool {
    // A 12-hour clock and a zone may follow (`8:03:32 AM GMT+8`, Google Forms): the zone is
    // dropped, since the survey's local date is wanted.
    let s = s.split_once(" GMT").or_else(|| s.split_once(" UTC")).map_or(s, |(t, zone)| {
        if zone.bytes().all(|b| b.is_ascii_digit() || b == b'+' || b == b'-' || b == b':') {
            t
        } else {
            s
        }
    });
    let s = ["AM", "PM", "am", "pm"]
        .iter()
        .find_map(|m| s.strip_suffix(m).map(str::trim_end))
        .filter(|t| t.contains(':'))
        .unwrap_or(s);
    !s.is_empty()
        && s.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b':' || b == b'.' || b == b'Z' || b == b'+')
}

/// A calendar month: the unit aggregates are kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The span a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

impl Period {
    /// Parses `2026`, `2026-Q1` (also `2026Q1`, `2026-q1`) or `2026-03` (also `2026-3`).
    pub fn parse(text: &str) -> Option<Period> {
        let s = text.trim();
        let year_of = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())).then(|| y.parse().ok())?
        };
        if let Some(y) = year_of(s) {
            return Some(Period::Year(y));
        }
        let upper = s.to_ascii_uppercase();
        if let Some((y, q)) = upper.split_once('Q') {
            let y = year_of(y.trim_end_matches('-'))?;
            let q: u8 = q.parse().ok()?;
            return (1..=4).contains(&q).then_some(Period::Quarter(y, q));
        }
        let (y, m) = s.split_once('-')?;
        let m: u8 = if m.bytes().all(|b| b.is_ascii_digit()) && m.len() <= 2 {
            m.parse().ok()?
        } else {
            return None;
        };
        let y = year_of(y)?;
        (1..=12).contains(&m).then_some(Period::Month(y, m))
    }

    pub fn contains(self, m: YearMonth) -> bool {
        match self {
            Period::Year(y) => m.year == y,
            Period::Quarter(y, q) => m.year == y && (m.month - 1) / 3 + 1 == q,
            Period::Month(y, mo) => m.year == y && m.month == mo,
        }
    }

    /// The period of the same kind immediately before this one.
    pub fn previous(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, 1) => Period::Quarter(y - 1, 4),
            Period::Quarter(y, q) => Period::Quarter(y, q - 1),
            Period::Month(y, 1) => Period::Month(y - 1, 12),
            Period::Month(y, m) => Period::Month(y, m - 1),
        }
    }

    /// The same period a year earlier (for a year: the previous year).
    pub fn year_ago(self) -> Period {
        match self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, q) => Period::Quarter(y - 1, q),
            Period::Month(y, m) => Period::Month(y - 1, m),
        }
    }

    /// Archive order: newest first — by last day descending, a longer period before the
    /// shorter ones ending the same day (2026 before 2026-Q4 before 2026-12).
    pub fn newest_first(a: &Period, b: &Period) -> std::cmp::Ordering {
        b.last_day().cmp(&a.last_day()).then_with(|| a.first_day().cmp(&b.first_day()))
    }

    pub fn first_day(self) -> Date {
        match self {
            Period::Year(y) => Date { year: y, month: 1, day: 1 },
            Period::Quarter(y, q) => Date { year: y, month: (q - 1) * 3 + 1, day: 1 },
            Period::Month(y, m) => Date { year: y, month: m, day: 1 },
        }
    }

    pub fn last_day(self) -> Date {
        let (y, m) = match self {
            Period::Year(y) => (y, 12),
            Period::Quarter(y, q) => (y, q * 3),
            Period::Month(y, m) => (y, m),
        };
        Date { year: y, month: m, day: days_in_month(y, m) }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y:04}"),
            Period::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y:04}-{m:02}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ago_and_archive_order() {
        assert_eq!(Period::Quarter(2026, 3).year_ago(), Period::Quarter(2025, 3));
        assert_eq!(Period::Month(2026, 1).year_ago(), Period::Month(2025, 1));
        assert_eq!(Period::Year(2026).year_ago(), Period::Year(2025));
        let mut ps: Vec<Period> = ["2025", "2026-12", "2026-Q3", "2026", "2026-Q4", "2026-07", "2025-Q4"]
            .iter()
            .map(|t| Period::parse(t).unwrap())
            .collect();
        ps.sort_by(Period::newest_first);
        let shown: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown, ["2026", "2026-Q4", "2026-12", "2026-Q3", "2026-07", "2025", "2025-Q4"]);
    }

    #[test]
    fn month_ordinals_are_consecutive_and_round_trip() {
        let m = YearMonth { year: 2025, month: 12 };
        assert_eq!(m.next().ordinal(), m.ordinal() + 1);
        assert_eq!(YearMonth::from_ordinal(m.ordinal()), m);
        assert_eq!(YearMonth::from_ordinal(m.next().ordinal()), YearMonth { year: 2026, month: 1 });
    }

    #[test]
    fn parses_common_export_date_forms() {
        let d = Date::new(2026, 3, 1).unwrap();
        for s in [
            "2026-03-01",
            "2026/3/1",
            "2026.03.01",
            "2026年3月1日",
            "20260301",
            " 2026-03-01 14:30 ",
            "2026-03-01T14:30:00",
            "2026/3/1 9:05:00",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
    }

    #[test]
    fn day_month_name_year_dates_of_tencent_exports() {
        assert_eq!(parse_date("02-Feb-2021 20:26:58"), Date::new(2021, 2, 2));
        assert_eq!(parse_date("18-apr-2026"), Date::new(2026, 4, 18));
        for s in ["31-Feb-2026", "18-Apx-2026", "18-Apr-26", "123-Apr-2026", "18/Apr/2026"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn google_forms_and_month_first_dates() {
        assert_eq!(parse_date("2026/04/18 8:03:32 AM GMT+8"), Date::new(2026, 4, 18));
        assert_eq!(parse_date("2026/09/27 3:00:00 PM GMT+3"), Date::new(2026, 9, 27));
        assert_eq!(parse_date("2026/09/27 3:00:00 PM GMT+x"), None);
        assert_eq!(parse_date("8/31/2023 19:08:16"), None, "month first only where the format says so");
        assert_eq!(parse_date_month_first("8/31/2023 19:08:16"), Date::new(2023, 8, 31));
        assert_eq!(parse_date_month_first("04/18/2026 08:03:32 AM"), Date::new(2026, 4, 18));
        for s in ["31/8/2023", "2023/8/31", "8/31/23", "8-31-2023"] {
            assert_eq!(parse_date_month_first(s), None, "{s}");
        }
    }

    #[test]
    fn moments_are_seconds_with_12_hour_clocks_and_dropped_zones() {
        let at = |t: &str, mf: bool| parse_moment(t, mf);
        let base = Date::new(2026, 4, 18).unwrap().days() * 86_400;
        assert_eq!(at("04/18/2026 08:03:32 AM", true), Some(base + 8 * 3600 + 3 * 60 + 32));
        assert_eq!(at("04/18/2026 08:03:32 PM", true), Some(base + 20 * 3600 + 3 * 60 + 32));
        assert_eq!(at("04/18/2026 12:00:05 AM", true), Some(base + 5));
        assert_eq!(at("04/18/2026 12:00:05 PM", true), Some(base + 12 * 3600 + 5));
        assert_eq!(at("2026-04-18 08:03:32", false), Some(base + 8 * 3600 + 3 * 60 + 32));
        assert_eq!(at("2026-04-18T08:03", false), Some(base + 8 * 3600 + 3 * 60));
        assert_eq!(at("2026/4/18 8:03:32 AM GMT+8", false), Some(base + 8 * 3600 + 3 * 60 + 32));
        assert_eq!(at("2026-04-18", false), Some(base));
        assert_eq!(at("04/18/2026 08:03:32 AM", false), None, "month first only when asked");
        assert_eq!(at("2026-04-18 13:00 PM", false), None);
        assert_eq!(at("2026-04-18 24:00", false), None);
        assert_eq!(at("2026-04-18 8:61", false), None);
        assert_eq!(at("2026-04-18 soon", false), None);
    }

    #[test]
    fn excel_serial_numbers_are_dates() {
        assert_eq!(parse_date("46082"), Date::new(2026, 3, 1));
        assert_eq!(parse_date("46082.5"), Date::new(2026, 3, 1));
        assert_eq!(parse_date("2026"), None, "a bare year is not a serial");
        for days in [-25567i64, 0, 11016, 20513, 2_932_800] {
            let d = Date::from_days(days).unwrap();
            assert_eq!(d.days(), days);
        }
    }

    #[test]
    fn rejects_impossible_or_ambiguous_dates() {
        for s in ["2026-02-29", "2026-13-01", "03/01/2026", "2026-03", "", "2026-03-01 noon", "26-3-1"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert!(parse_date("2024-02-29").is_some());
    }

    #[test]
    fn day_numbers_match_the_unix_epoch() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days(), 0);
        assert_eq!(Date::new(2026, 3, 1).unwrap().days() - Date::new(2026, 2, 1).unwrap().days(), 28);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days(), 11017);
    }

    #[test]
    fn periods_parse_contain_and_step_back() {
        assert_eq!(Period::parse("2026"), Some(Period::Year(2026)));
        assert_eq!(Period::parse("2026-q2"), Some(Period::Quarter(2026, 2)));
        assert_eq!(Period::parse("2026Q4"), Some(Period::Quarter(2026, 4)));
        assert_eq!(Period::parse("2026-3"), Some(Period::Month(2026, 3)));
        assert_eq!(Period::parse("2026-Q5"), None);
        assert_eq!(Period::parse("2026-13"), None);
        assert!(Period::Quarter(2026, 2).contains(YearMonth { year: 2026, month: 6 }));
        assert!(!Period::Quarter(2026, 2).contains(YearMonth { year: 2026, month: 7 }));
        assert_eq!(Period::Quarter(2026, 1).previous(), Period::Quarter(2025, 4));
        assert_eq!(Period::Month(2026, 1).previous().to_string(), "2025-12");
        assert_eq!(Period::Quarter(2024, 1).last_day(), Date::new(2024, 3, 31).unwrap());
        assert_eq!(Period::Month(2024, 2).last_day().day, 29);
    }
}

/// Parses a month: `2026-03`, `2026/3`, `2026.3`, `2026年3月`, `202603`, or any date in it.
pub fn parse_year_month(text: &str) -> Option<YearMonth> {
    let s = text.trim();
    if let Some(d) = parse_date(s) {
        return Some(d.month_key());
    }
    let (y, m) = if let Some(stripped) = s.strip_suffix('月') {
        stripped.split_once('年')?
    } else if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.split_at(4)
    } else {
        s.split_once(['-', '/', '.'])?
    };
    if y.len() != 4
        || !y.bytes().all(|b| b.is_ascii_digit())
        || m.is_empty()
        || m.len() > 2
        || !m.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (year, month): (i32, u8) = (y.parse().ok()?, m.parse().ok()?);
    Date::new(year, month, 1).map(Date::month_key)
}

impl YearMonth {
    /// Months since year 0: consecutive months are consecutive numbers.
    pub fn ordinal(self) -> i32 {
        self.year * 12 + i32::from(self.month) - 1
    }

    pub fn from_ordinal(n: i32) -> YearMonth {
        YearMonth { year: n.div_euclid(12), month: (n.rem_euclid(12) + 1) as u8 }
    }

    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth { year: self.year + 1, month: 1 }
        } else {
            YearMonth { year: self.year, month: self.month + 1 }
        }
    }
    /// The month `n` months before this one.
    pub fn back(self, n: u32) -> YearMonth {
        let idx = self.year as i64 * 12 + i64::from(self.month - 1) - i64::from(n);
        YearMonth { year: idx.div_euclid(12) as i32, month: (idx.rem_euclid(12) + 1) as u8 }
    }
}

#[cfg(test)]
mod month_tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m = YearMonth { year: 2026, month: 3 };
        for s in ["2026-03", "2026/3", "2026年3月", "202603", "2026-03-17"] {
            assert_eq!(parse_year_month(s), Some(m), "{s}");
        }
        assert_eq!(parse_year_month("2026-13"), None);
        assert_eq!(m.back(3), YearMonth { year: 2025, month: 12 });
        assert_eq!(YearMonth { year: 2025, month: 12 }.next(), YearMonth { year: 2026, month: 1 });
    }
}

/// Dates, months and periods serialise as the text they display (`2026-03-01`, `2026-03`,
/// `2026-Q1`), so `summary.json` and templates read them as written.
macro_rules! serialize_as_text {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
serialize_as_text!(Date, YearMonth, Period);
