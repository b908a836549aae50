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

/// `"mean"`, `"median"` or `{ importance = r, performance = score }` (r in −1..1, score in 0..100).
pub(super) fn ipa_crosshair<'de, D: Deserializer<'de>>(d: D) -> Result<super::IpaCrosshair, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Rule(String),
        Fixed(BTreeMap<String, toml::Value>),
    }
    const HINT: &str = "write ipa_crosshair = \"mean\", \"median\" or { importance = 0.5, performance = 80 } \
                        (importance a correlation from -1 to 1, performance a score from 0 to 100)";
    let raw = Raw::deserialize(d)
        .map_err(|_| invalid("[survey] ipa_crosshair must be \"mean\", \"median\" or a table".to_string(), HINT))?;
    match raw {
        Raw::Rule(r) if r == "mean" => Ok(super::IpaCrosshair::Mean),
        Raw::Rule(r) if r == "median" => Ok(super::IpaCrosshair::Median),
        Raw::Rule(r) => Err(invalid(format!("[survey] ipa_crosshair = \"{r}\" is not a crosshair rule"), HINT)),
        Raw::Fixed(t) => {
            if let Some(k) = t.keys().find(|k| *k != "importance" && *k != "performance") {
                return Err(invalid(format!("[survey] ipa_crosshair has an unknown key \"{k}\""), HINT));
            }
            let num = |k: &str, lo: f64, hi: f64| -> Result<f64, D::Error> {
                let v = match t.get(k) {
                    Some(toml::Value::Float(f)) => *f,
                    Some(toml::Value::Integer(i)) => *i as f64,
                    Some(_) => return Err(invalid(format!("[survey] ipa_crosshair.{k} must be a number"), HINT)),
                    None => return Err(invalid(format!("[survey] ipa_crosshair has no {k}"), HINT)),
                };
                if !(lo..=hi).contains(&v) {
                    let shown = crate::number::shortest(v);
                    return Err(invalid(format!("[survey] ipa_crosshair.{k} = {shown} is outside {lo} to {hi}"), HINT));
                }
                Ok(v)
            };
            Ok(super::IpaCrosshair::Fixed {
                importance: num("importance", -1.0, 1.0)?,
                performance: num("performance", 0.0, 100.0)?,
            })
        }
    }
}
