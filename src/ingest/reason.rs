//! Why a row was rejected, as data: a stable code and its parameters (the cell value, the
//! scale, the header's field count…). The terminal wording (English, the CLI's language) is
//! made here; the report words the same reason with the labels `reason_<code>` of its
//! language (render: the data-quality table, `rejected.csv`). Templates see a rejected row's
//! `code`, `params` and `reason` (the English text).

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Cell values longer than this (in characters) are shortened in reasons, so a huge cell
/// cannot flood the output.
const VALUE_SHOWN: usize = 40;

macro_rules! codes {
    ($($variant:ident = $code:literal [$($param:literal),*];)*) => {
        /// The kind of a rejection. Each code has fixed parameters, in this order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable name of the code (`not_a_date`): `reason_<name>` is its label.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// The names of the code's parameters, in order.
            pub fn params(self) -> &'static [&'static str] {
                match self {
                    $(Code::$variant => &[$($param),*],)*
                }
            }
        }
    };
}

codes! {
    BlankRow = "blank_row" [];
    FieldsMissing = "fields_missing" ["fields", "header"];
    FieldsExtra = "fields_extra" ["fields", "header"];
    QuoteUnbalanced = "quote_unbalanced" ["lines"];
    NotUtf8 = "not_utf8" [];
    DateEmpty = "date_empty" [];
    NotADate = "not_a_date" ["value"];
    DateOutsidePeriod = "date_outside_period" ["date", "period"];
    NotANumber = "not_a_number" ["value"];
    NotYesNo = "not_yes_no" ["value"];
    OutsideScale = "outside_scale" ["value", "min", "max"];
    NotAnAnswer = "not_an_answer" ["value", "min", "max"];
    NotAnAnswerOrBlank = "not_an_answer_or_blank" ["value", "min", "max"];
    NotAnAnswerLabels = "not_an_answer_labels" ["value", "min", "max", "labels"];
    NotAnAnswerLabelsOrBlank = "not_an_answer_labels_or_blank" ["value", "min", "max", "labels"];
    DuplicateId = "duplicate_id" ["value"];
    NotADuration = "not_a_duration" ["value"];
    NotADateTime = "not_a_date_time" ["value"];
    EndBeforeStart = "end_before_start" ["seconds"];
    TooFast = "too_fast" ["seconds", "min"];
    CategoryEmpty = "category_empty" [];
    CategoryEmptyListed = "category_empty_listed" ["categories"];
    CategoryUnknown = "category_unknown" ["value", "categories"];
    ClosedBeforeReceived = "closed_before_received" ["closed", "received"];
    DeadlineBeforeReceived = "deadline_before_received" ["deadline", "received"];
    NotAMonth = "not_a_month" ["value"];
    VolumeEmpty = "volume_empty" [];
    VolumeNotANumber = "volume_not_a_number" ["value"];
    VolumeNegative = "volume_negative" ["value"];
    VolumeTooLarge = "volume_too_large" ["value"];
    VolumeTooSmall = "volume_too_small" ["value"];
    AmountNotANumber = "amount_not_a_number" ["value"];
    AmountNegative = "amount_negative" ["value"];
    AmountTooLarge = "amount_too_large" ["value"];
}

/// Why a row was rejected: a code and the values of its parameters (`Code::params`).
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub code: Code,
    values: Vec<String>,
    /// The character count of a `value` parameter that was shortened (the English text
    /// says it), 0 when it was not.
    cut: usize,
}

impl Reason {
    /// A reason without parameters, or to be given them with `with` / `with_value`.
    pub fn new(code: Code) -> Reason {
        Reason { code, values: Vec::new(), cut: 0 }
    }

    /// The next parameter, as written.
    pub fn with(mut self, value: impl ToString) -> Reason {
        self.values.push(value.to_string());
        debug_assert!(self.values.len() <= self.code.params().len(), "{:?} has too many parameters", self.code);
        self
    }

    /// The next parameter, a cell value: shortened to its first 40 characters and `…` when
    /// longer.
    pub fn with_value(mut self, value: &str) -> Reason {
        let n = value.chars().count();
        if n > VALUE_SHOWN {
            let head: String = value.chars().take(VALUE_SHOWN).collect();
            self.cut = n;
            self.values.push(format!("{head}…"));
        } else {
            self.values.push(value.to_string());
        }
        self
    }

    /// The parameters as (name, value), in order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.code.params().iter().map(|k| *k as &str).zip(self.values.iter().map(String::as_str))
    }

    fn v(&self, i: usize) -> &str {
        self.values.get(i).map_or("", String::as_str)
    }

    /// Parameter `i` quoted as a cell value (`"…" (n characters)` when shortened).
    fn q(&self, i: usize) -> String {
        if self.cut > 0 && self.code.params()[i] == "value" {
            format!("\"{}\" ({} characters)", self.v(i), self.cut)
        } else {
            format!("\"{}\"", self.v(i))
        }
    }

    /// The English text of the reason, as the terminal shows it.
    pub fn english(&self) -> String {
        use Code::*;
        const DATE: &str = "expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日";
        const VOLUME: &str = "expected 0 or a volume from 0.000001 to 1000000000000";
        const AMOUNT: &str = "expected an amount from 0 to 1000000000000";
        let v = |i| self.v(i);
        let q = |i| self.q(i);
        let answer = |labels: bool, blank: bool| {
            let mut s = format!("{} is not an answer; expected a number from {} to {}", q(0), v(1), v(2));
            if labels {
                s.push_str(&format!(", one of the labels {}", v(3)));
            }
            if blank {
                s.push_str(", or blank when not answered");
            }
            s
        };
        match self.code {
            BlankRow => "blank row".to_string(),
            FieldsMissing => format!(
                "the row has {} fields but the header has {}; is the file truncated or a quote unbalanced?",
                v(0),
                v(1)
            ),
            FieldsExtra => format!(
                "the row has {} fields but the header has {}; is a delimiter inside an unquoted value?",
                v(0),
                v(1)
            ),
            QuoteUnbalanced => format!(
                "a quoted value runs over {} line(s) that look like rows; is a quote unbalanced (a \" opened and never closed)?",
                v(0)
            ),
            NotUtf8 => super::value::NOT_UTF8.to_string(),
            DateEmpty => format!("is empty; {DATE}"),
            NotADate => format!("{} is not a date; {DATE}", q(0)),
            DateOutsidePeriod => format!("date {} lies outside the file's period {}", v(0), v(1)),
            NotANumber => format!("{} is not a number", q(0)),
            NotYesNo => format!(
                "{} is not a yes/no value; expected 是/否, 满意/不满意, Y/N, yes/no or true/false (blank when unknown)",
                q(0)
            ),
            OutsideScale => format!("{} lies outside the scale {}–{}", v(0), v(1), v(2)),
            NotAnAnswer => answer(false, false),
            NotAnAnswerOrBlank => answer(false, true),
            NotAnAnswerLabels => answer(true, false),
            NotAnAnswerLabelsOrBlank => answer(true, true),
            DuplicateId => {
                format!("duplicate id {}: an earlier row has the same id; this row is not counted", q(0))
            }
            NotADuration => {
                format!("{} is not a duration; expected seconds such as 80, 80秒, 1分20秒 or 00:01:20", q(0))
            }
            NotADateTime => format!(
                "{} is not a date and time; expected one such as 04/18/2026 08:03:32 AM or 2026-04-18 08:03:32",
                q(0)
            ),
            EndBeforeStart => format!("the end time is {} s before the start time", v(0)),
            TooFast => format!("answered in {} s, below the {} s minimum", v(0), v(1)),
            CategoryEmpty => "is empty; expected a category".to_string(),
            CategoryEmptyListed => format!("is empty; expected one of [complaints] categories: {}", v(0)),
            CategoryUnknown => format!("{} is not a configured category; expected one of {}", q(0), v(1)),
            DeadlineBeforeReceived => format!(
                "deadline {} is before the received date {}; expected a date on or after it",
                v(0),
                v(1)
            ),
            ClosedBeforeReceived => format!(
                "closed date {} is before the received date {}; expected a date on or after it",
                v(0),
                v(1)
            ),
            NotAMonth => format!("{} is not a month; expected 2026-03, 2026/3 or 2026年3月", q(0)),
            VolumeEmpty => "is empty; expected the volume of the month".to_string(),
            VolumeNotANumber => format!("{} is not a number: {VOLUME}", q(0)),
            VolumeNegative => format!("{} is negative: {VOLUME}", q(0)),
            VolumeTooLarge => format!("{} is too large: {VOLUME}", q(0)),
            VolumeTooSmall => format!("{} is too small: {VOLUME}", q(0)),
            AmountNotANumber => format!("{} is not a number: {AMOUNT}", q(0)),
            AmountNegative => format!("{} is negative: {AMOUNT}", q(0)),
            AmountTooLarge => format!("{} is too large: {AMOUNT}", q(0)),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// For templates (flattened into a rejected row): `reason` (the English text), `code` and
/// `params` (name → value).
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Params<'a>(&'a Reason);
        impl Serialize for Params<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.values.len()))?;
                for (k, v) in self.0.params() {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("reason", &self.english())?;
        m.serialize_entry("code", self.code.as_str())?;
        m.serialize_entry("params", &Params(self))?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_names() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn long_values_are_shortened_and_counted_in_english() {
        let long = "x".repeat(50);
        let r = Reason::new(Code::NotADate).with_value(&long);
        assert_eq!(r.params().next(), Some(("value", format!("{}…", "x".repeat(40)).as_str())));
        assert!(r.english().starts_with(&format!("\"{}…\" (50 characters) is not a date;", "x".repeat(40))));
        let json = serde_json::to_value(Reason::new(Code::OutsideScale).with("9").with("1").with("5")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"reason": "9 lies outside the scale 1–5", "code": "outside_scale",
                "params": {"value": "9", "min": "1", "max": "5"}})
        );
    }
}
