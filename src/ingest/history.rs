//! `[history] file`: earlier periods' published figures (`period,metric,value`), for the
//! trend and the comparisons where those periods' raw data is absent.
//!
//! Read whole (a small UTF-8 CSV); every problem is reported at its file:line:column with a
//! reason and a hint, all in one run.

use crate::config::Config;
use crate::diag::{Diagnostic, Error, ErrorKind, Location, Result};
use crate::period::Period;
use std::collections::BTreeMap;

/// What a history row gives the figure of.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    /// The satisfaction index.
    Index,
    Dimension(String),
    /// An item (or the overall item).
    Item(String),
    /// A segment's index: `segment:<field>=<value>`.
    Segment {
        field: String,
        value: String,
    },
}

/// The published figures, by period and metric.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The file as named in messages.
    pub file: String,
    pub points: BTreeMap<Period, BTreeMap<Metric, f64>>,
}

impl History {
    pub fn get(&self, period: Period, metric: &Metric) -> Option<f64> {
        self.points.get(&period)?.get(metric).copied()
    }
}

/// At most this many problems are reported from one history file.
const MAX_PROBLEMS: usize = 20;

/// Reads and checks `[history] file` against the config's dimensions, items and segment fields.
pub fn read_history(scope: &super::Scope, cfg: &Config) -> Result<Option<History>> {
    let Some(h) = &cfg.history else { return Ok(None) };
    let text = super::read_text(scope, &h.file, "[history] file")?;
    parse_history(&text, &h.file, cfg).map(Some)
}

/// The fields of a CSV line with the 1-based character column each starts at; `Err(column)`
/// for a quote left open.
fn split_line(line: &str) -> std::result::Result<Vec<(String, u64)>, u64> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let start = i as u64 + 1;
        let mut field = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(start),
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        field.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(c) => {
                        field.push(*c);
                        i += 1;
                    }
                }
            }
        }
        while let Some(c) = chars.get(i).filter(|c| **c != ',') {
            field.push(*c);
            i += 1;
        }
        out.push((field.trim().to_string(), start));
        if i >= chars.len() {
            return Ok(out);
        }
        i += 1; // the comma
    }
}

/// The names a metric may use, from the config.
struct Names<'c> {
    dims: Vec<&'c str>,
    items: Vec<&'c str>,
}

impl Names<'_> {
    /// Every metric spelling a near miss may be suggested from.
    fn all(&self) -> Vec<String> {
        let mut v = vec!["index".to_string()];
        v.extend(self.dims.iter().map(|d| format!("dimension:{d}")));
        v.extend(self.items.iter().map(|i| format!("item:{i}")));
        v
    }
}

/// The metric a cell names, or (message, hint).
fn read_metric(text: &str, names: &Names<'_>) -> std::result::Result<Metric, (String, String)> {
    let suggest = || match crate::suggest::closest(text, names.all().iter().map(String::as_str)) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => "write index, dimension:<name>, item:<name> or segment:<field>=<value>, with the names of manyi.toml"
            .to_string(),
    };
    if text == "index" {
        return Ok(Metric::Index);
    }
    let Some((kind, name)) = text.split_once(':') else {
        return Err((format!("unknown metric \"{text}\""), suggest()));
    };
    match kind.trim() {
        "dimension" if names.dims.contains(&name) => Ok(Metric::Dimension(name.to_string())),
        "dimension" => Err((format!("metric \"{text}\": no dimension named \"{name}\" in manyi.toml"), suggest())),
        "item" if names.items.contains(&name) => Ok(Metric::Item(name.to_string())),
        "item" => Err((format!("metric \"{text}\": no item named \"{name}\" in manyi.toml"), suggest())),
        "segment" => match name.split_once('=') {
            Some((f, v)) if !f.trim().is_empty() && !v.trim().is_empty() => {
                Ok(Metric::Segment { field: f.trim().to_string(), value: v.trim().to_string() })
            }
            _ => Err((
                format!("metric \"{text}\" names no segment"),
                "write segment:<field>=<value>, e.g. segment:客户类型=经销商".to_string(),
            )),
        },
        _ => Err((format!("unknown metric \"{text}\""), suggest())),
    }
}

/// Parses the history text (`shown` names the file in messages).
pub fn parse_history(text: &str, shown: &str, cfg: &Config) -> Result<History> {
    let survey = cfg.survey.as_ref();
    let names = Names {
        dims: survey.map(|s| s.dimensions.iter().map(|d| d.name.as_str()).collect()).unwrap_or_default(),
        items: survey.map(|s| s.items().chain(s.overall.as_deref()).collect()).unwrap_or_default(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut problem = |line: u64, col: u64, message: String, hint: &str| {
        if problems.len() >= MAX_PROBLEMS {
            return;
        }
        problems.push(Diagnostic::error(Location::at(shown, line, Some(col)), message).with_hint(hint));
    };
    let mut history = History { file: shown.to_string(), points: BTreeMap::new() };
    let mut first_line: BTreeMap<(Period, Metric), u64> = BTreeMap::new();
    let mut header = false;
    for (n, raw) in text.split('\n').enumerate() {
        let line_no = n as u64 + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let fields = match split_line(line) {
            Ok(f) => f,
            Err(col) => {
                problem(line_no, col, "a quoted value is not closed".into(), "end the value with a double quote");
                continue;
            }
        };
        if !header {
            header = true;
            let names: Vec<String> = fields.iter().map(|(f, _)| f.to_lowercase()).collect();
            if names != ["period", "metric", "value"] {
                problem(
                    line_no,
                    1,
                    format!("the header is \"{line}\", not period,metric,value"),
                    "start the file with the line period,metric,value",
                );
                break;
            }
            continue;
        }
        if fields.len() != 3 {
            let col = fields.get(3).map_or(line.chars().count() as u64 + 1, |f| f.1);
            problem(
                line_no,
                col,
                format!("the row has {} values, not 3", fields.len()),
                "write period,metric,value, e.g. 2024,index,82.5 (quote a name holding a comma)",
            );
            continue;
        }
        let (p, m, v) = (&fields[0], &fields[1], &fields[2]);
        let period = Period::parse(&p.0);
        if period.is_none() {
            problem(line_no, p.1, format!("\"{}\" is not a period", p.0), "write 2024, 2024-Q3 or 2024-07");
        }
        let metric = match read_metric(&m.0, &names) {
            Ok(metric) => Some(metric),
            Err((message, hint)) => {
                problem(line_no, m.1, message, &hint);
                None
            }
        };
        let value = v.0.parse::<f64>().ok().filter(|x| x.is_finite());
        match value {
            None => {
                problem(line_no, v.1, format!("\"{}\" is not a number", v.0), "write the published score, e.g. 82.5")
            }
            Some(x) if !(0.0..=100.0).contains(&x) => problem(
                line_no,
                v.1,
                format!("{} is outside 0 to 100", v.0),
                "history values are scores on the report's 0–100 scale",
            ),
            _ => {}
        }
        let (Some(period), Some(metric), Some(value)) = (period, metric, value) else { continue };
        if let Some(first) = first_line.get(&(period, metric.clone())) {
            problem(
                line_no,
                1,
                format!("{period} {} is given twice (first on line {first})", m.0),
                "keep one row per period and metric",
            );
            continue;
        }
        first_line.insert((period, metric.clone()), line_no);
        history.points.entry(period).or_default().insert(metric, value);
    }
    if !header {
        problem(1, 1, "the history file is empty".into(), "start the file with the line period,metric,value");
    }
    match Error::from_diagnostics(ErrorKind::Data, problems) {
        Some(e) => Err(e),
        None => Ok(history),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        crate::config::parse_config(
            "[survey]\nfiles = [\"x.csv\"]\nid = \"id\"\ndate = \"d\"\noverall = \"总体\"\n\
             [[survey.dimensions]]\nname = \"产品质量\"\nitems = [\"性能\", \"外观\"]\n\
             [[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\"]\n",
            "manyi.toml",
        )
        .unwrap()
    }

    #[test]
    fn reads_every_metric_kind_with_quotes_and_a_bom() {
        let text = "\u{feff}period,metric,value\r\n2023,index,80.5\n2023-Q2,dimension:产品质量,79\n\n\
                    2024,\"item:外观\",81.25\n2024,item:总体,90\n2024,segment:地区=华东,77\n";
        let h = parse_history(text, "h.csv", &cfg()).unwrap();
        assert_eq!(h.get(Period::Year(2023), &Metric::Index), Some(80.5));
        assert_eq!(h.get(Period::Quarter(2023, 2), &Metric::Dimension("产品质量".into())), Some(79.0));
        assert_eq!(h.get(Period::Year(2024), &Metric::Item("外观".into())), Some(81.25));
        assert_eq!(h.get(Period::Year(2024), &Metric::Item("总体".into())), Some(90.0));
        let seg = Metric::Segment { field: "地区".into(), value: "华东".into() };
        assert_eq!(h.get(Period::Year(2024), &seg), Some(77.0));
    }

    #[test]
    fn every_problem_is_reported_at_its_line_and_column() {
        let text = "period,metric,value\n2023,indx,80\n2023,dimension:产品值量,7x\n20x3,index,101\n\
                    2024,index,80\n2024,index,81\n2025,index\n";
        let err = parse_history(text, "data/history.csv", &cfg()).unwrap_err();
        let shown: Vec<String> =
            err.diagnostics().map(|d| format!("{}: {} ({})", d.location, d.message, d.hint.clone().unwrap())).collect();
        assert_eq!(
            shown,
            [
                "data/history.csv:2:6: unknown metric \"indx\" (did you mean \"index\"?)",
                "data/history.csv:3:6: metric \"dimension:产品值量\": no dimension named \"产品值量\" in manyi.toml (did you mean \"dimension:产品质量\"?)",
                "data/history.csv:3:21: \"7x\" is not a number (write the published score, e.g. 82.5)",
                "data/history.csv:4:1: \"20x3\" is not a period (write 2024, 2024-Q3 or 2024-07)",
                "data/history.csv:4:12: 101 is outside 0 to 100 (history values are scores on the report's 0–100 scale)",
                "data/history.csv:6:1: 2024 index is given twice (first on line 5) (keep one row per period and metric)",
                "data/history.csv:7:11: the row has 2 values, not 3 (write period,metric,value, e.g. 2024,index,82.5 (quote a name holding a comma))",
            ]
        );
        assert_eq!(err.exit_code(), 1);
        let bad_header = parse_history("year,metric,value\n", "h.csv", &cfg()).unwrap_err();
        assert!(bad_header.to_string().starts_with("h.csv:1:1: error: the header is"), "{bad_header}");
    }

    #[test]
    fn split_line_keeps_empty_fields_and_columns() {
        let cols = |l: &str| split_line(l).unwrap();
        assert_eq!(cols("a,b,c"), [("a".into(), 1), ("b".into(), 3), ("c".into(), 5)]);
        assert_eq!(cols("a,,c"), [("a".into(), 1), ("".into(), 3), ("c".into(), 4)]);
        assert_eq!(cols("\"x,y\",b,"), [("x,y".into(), 1), ("b".into(), 7), ("".into(), 9)]);
        assert_eq!(split_line("\"open,b"), Err(1));
    }
}
