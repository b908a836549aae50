//! Typed values, parsed once while deserializing: the cut-off date, plan periods, encodings,
//! delimiters. Their errors carry the value's span.

use super::*;
// ---------------------------------------------------------------------------------------------
// Typed values, parsed once while deserializing. Their errors carry the value's span (the
// deserializer adds it), and a hint after `HINT_SEP` that `Problems` splits off again.

/// Separates a message from its hint inside a serde error message.
pub(super) const HINT_SEP: char = '\u{1f}';

pub(super) fn invalid<E: serde::de::Error>(message: String, hint: &str) -> E {
    E::custom(format!("{message}{HINT_SEP}{hint}"))
}

pub(super) fn delimiter_byte(d: &str) -> Option<u8> {
    match d {
        "\\t" | "tab" | "TAB" => Some(b'\t'),
        _ if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
        _ => None,
    }
}

pub(super) fn encoding_value<'de, D: Deserializer<'de>>(
    d: D,
    section: &str,
) -> Result<Option<&'static encoding_rs::Encoding>, D::Error> {
    let label = String::deserialize(d)?;
    if label.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        // The replacement encoding decodes any input to one U+FFFD: never what is meant.
        Some(e) if e == encoding_rs::REPLACEMENT => Err(invalid(
            format!("{section} encoding \"{label}\" cannot be decoded (it is a replacement-only label)"),
            "use auto, utf-8, gbk, gb18030 or utf-16le",
        )),
        Some(e) => Ok(Some(e)),
        None => Err(invalid(
            format!("{section} encoding \"{label}\" is not a known encoding"),
            "use auto, utf-8, gbk, gb18030 or utf-16le",
        )),
    }
}

pub(super) fn delimiter_value<'de, D: Deserializer<'de>>(d: D, section: &str) -> Result<Option<u8>, D::Error> {
    let text = String::deserialize(d)?;
    match delimiter_byte(&text) {
        Some(b) => Ok(Some(b)),
        None => Err(invalid(
            format!("{section} delimiter \"{text}\" must be one ASCII character"),
            "e.g. delimiter = \";\" or delimiter = \"\\t\" for tabs",
        )),
    }
}

/// `encoding` and `delimiter` of one file set, with the section named in their messages.
macro_rules! file_set_values {
    ($($module:ident => $section:literal),*) => {$(
        pub(super) mod $module {
            pub fn encoding<'de, D: serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Option<&'static encoding_rs::Encoding>, D::Error> {
                super::encoding_value(d, $section)
            }
            pub fn delimiter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
                super::delimiter_value(d, $section)
            }
        }
    )*};
}
file_set_values!(
    survey_io => "[survey]",
    complaints_io => "[complaints]",
    volume_io => "[complaints.volume]",
    actions_io => "[actions]"
);

pub(super) fn period_value<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
    let text = String::deserialize(d)?;
    Period::parse(&text)
        .ok_or_else(|| invalid(format!("plan period \"{text}\" is not a period"), "write 2026, 2026-Q1 or 2026-03"))
}

pub(super) fn file_period_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Period>, D::Error> {
    let text = String::deserialize(d)?;
    Period::parse(&text)
        .map(Some)
        .ok_or_else(|| invalid(format!("file period \"{text}\" is not a period"), "write 2025, 2025-Q1 or 2025-03"))
}

pub(super) fn build_periods<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<super::PeriodSpec>, D::Error> {
    let texts = Vec::<String>::deserialize(d)?;
    texts
        .iter()
        .map(|t| {
            super::PeriodSpec::parse(t).ok_or_else(|| {
                invalid(
                    format!("[build] periods: \"{t}\" is not a period"),
                    "write years (2026), quarters (2026-Q3), months (2026-07) or \"all\"",
                )
            })
        })
        .collect()
}

pub(super) fn report_date_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let text = String::deserialize(d)?;
    match crate::period::parse_date(&text) {
        Some(date) => Ok(Some(date)),
        None => Err(invalid(format!("[report] date \"{text}\" is not a date"), "write it as 2026-12-15")),
    }
}

pub(super) fn cutoff_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let text = String::deserialize(d)?;
    match crate::period::parse_date(&text) {
        Some(date) => Ok(Some(date)),
        None => Err(invalid(format!("[report] cutoff \"{text}\" is not a date"), "write it as 2026-11-30")),
    }
}
