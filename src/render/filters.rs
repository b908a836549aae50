//! The formatting filters every template can use. Numbers go through `crate::number`, the
//! one formatter, so a template shows exactly what the charts and messages show.
//! Documented in docs/templates.md.

use crate::labels::Labels;
use crate::number::{self, DASH};
use std::sync::Arc;
use tera::{Kwargs, State, Tera, TeraResult, Value};

fn digits(kwargs: &Kwargs, default: Option<u32>) -> TeraResult<Option<u32>> {
    Ok(kwargs.get::<i64>("digits")?.map(|d| d.clamp(0, 12) as u32).or(default))
}

/// A number, `null` or an absent figure: `None` for the dash.
fn number_of(v: &Value, filter: &str) -> TeraResult<Option<f64>> {
    defined(v, filter)?;
    if v.is_none() {
        return Ok(None);
    }
    v.as_f64()
        .map(Some)
        .ok_or_else(|| tera::Error::message(format!("`{filter}` expects a number, got {} `{v}`", v.name())))
}

/// A misspelt figure reaches a filter as an undefined value: an error, never a silent dash.
fn defined(v: &Value, filter: &str) -> TeraResult<()> {
    if v.is_undefined() {
        return Err(tera::Error::message(format!(
            "`{filter}` was given a value that does not exist: check the figure's name against summary.json"
        )));
    }
    Ok(())
}

/// `num`: a number with `digits` places (rounded half away from zero), or in its shortest
/// form without `digits`; `whole=true` writes whole numbers without decimals. `null` → —.
fn num(v: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = number_of(v, "num")? else { return Ok(DASH.into()) };
    let whole = kwargs.get::<bool>("whole")?.unwrap_or(false);
    Ok(match digits(&kwargs, None)? {
        None => number::shortest(x),
        Some(d) if whole => number::amount(x, d),
        Some(d) => number::fixed(x, d),
    })
}

/// `pct`: a fraction as a percentage, `digits` places (default 1): 0.8 → 80.0%.
fn pct(v: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = number_of(v, "pct")? else { return Ok(DASH.into()) };
    Ok(number::pct(x, digits(&kwargs, Some(1))?.unwrap_or(1)))
}

/// `change`: a signed change, `digits` places (default 1): +1.2, -0.8, 0.0.
fn change(v: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = number_of(v, "change")? else { return Ok(DASH.into()) };
    Ok(number::signed(x, digits(&kwargs, Some(1))?.unwrap_or(1)))
}

/// `direction`: `up`, `down` or `flat` for a change as displayed with `digits` (default 1).
fn direction(v: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let x = number_of(v, "direction")?;
    Ok(number::direction(x, digits(&kwargs, Some(1))?.unwrap_or(1)).to_string())
}

/// `pm`: a margin as `±1.4`, `digits` places (default 1); `null` → nothing, so that
/// `score {{ margin | pm }}` reads `83.2` when there is no interval.
fn pm(v: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let Some(x) = number_of(v, "pm")? else { return Ok(String::new()) };
    Ok(format!("±{}", number::fixed(x, digits(&kwargs, Some(1))?.unwrap_or(1))))
}

/// The `significant` and `change` of a comparison (`{change, margin, significant}`), `None`
/// for `null`.
fn comparison_of(v: &Value) -> TeraResult<Option<(bool, f64)>> {
    defined(v, "significance")?;
    if v.is_none() {
        return Ok(None);
    }
    let field = |k: &str| v.as_map().and_then(|m| m.get(&tera::value::Key::Str(k)).cloned());
    match (field("significant").and_then(|b| b.as_bool()), field("change").and_then(|c| c.as_f64())) {
        (Some(sig), Some(change)) => Ok(Some((sig, change))),
        _ => Err(tera::Error::message(format!(
            "`significance` expects a comparison such as figures.survey.index_comparison, got {}",
            v.name()
        ))),
    }
}

/// `span`: a list of numbers as `a` when they are all equal, else `min–max`.
fn span(v: &[Value], kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let d = digits(&kwargs, Some(1))?.unwrap_or(1);
    let xs: Vec<f64> =
        v.iter().map(|x| number_of(x, "span")).collect::<TeraResult<Vec<_>>>()?.into_iter().flatten().collect();
    let (lo, hi) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
    Ok(if xs.is_empty() {
        DASH.into()
    } else if hi - lo < 1e-12 {
        number::fixed(lo, d)
    } else {
        format!("{}–{}", number::fixed(lo, d), number::fixed(hi, d))
    })
}

/// `map(attribute="x")`: the `x` of every map in a list.
fn map(v: &[Value], kwargs: Kwargs, _: &State) -> TeraResult<Vec<Value>> {
    let attr: &str = kwargs.must_get("attribute")?;
    Ok(v.iter()
        .map(|item| item.as_map().and_then(|m| m.get(&tera::value::Key::Str(attr)).cloned()).unwrap_or(Value::none()))
        .collect())
}

/// `where(attribute="x")`: the maps of a list whose `x` is true (or any other truthy value);
/// with `value=v`, those whose `x` equals `v` (numbers compared as numbers).
fn where_(v: &[Value], kwargs: Kwargs, _: &State) -> TeraResult<Vec<Value>> {
    let attr: &str = kwargs.must_get("attribute")?;
    let wanted: Option<Value> = kwargs.get("value")?;
    let key = tera::value::Key::Str(attr);
    let keep = |x: &Value| match &wanted {
        None => x.is_truthy(),
        Some(w) => match (x.as_f64(), w.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => x == w,
        },
    };
    Ok(v.iter().filter(|item| item.as_map().and_then(|m| m.get(&key)).is_some_and(keep)).cloned().collect())
}

/// `sum`: the sum of a list of numbers (`null` entries count as 0).
fn sum(v: &[Value], _: Kwargs, _: &State) -> TeraResult<f64> {
    v.iter().map(|x| number_of(x, "sum")).try_fold(0.0, |acc, x| Ok(acc + x?.unwrap_or(0.0)))
}

/// `some`: whether any entry of a list is not `null`.
fn some(v: &[Value], _: Kwargs, _: &State) -> bool {
    v.iter().any(|x| !x.is_none())
}

/// `date`: a date as `2026-11-20` (`style="long"`: 2026年11月20日 / 20 November 2026).
fn date(v: &Value, kwargs: Kwargs, _: &State, lang: &str) -> TeraResult<String> {
    defined(v, "date")?;
    if v.is_none() {
        return Ok(DASH.into());
    }
    let text = v.as_str().ok_or_else(|| tera::Error::message(format!("`date` expects a date, got {}", v.name())))?;
    let d = crate::period::parse_date(text)
        .ok_or_else(|| tera::Error::message(format!("`date` expects a date such as 2026-11-20, got \"{text}\"")))?;
    Ok(match kwargs.get::<&str>("style")?.unwrap_or("iso") {
        "long" if lang == "en" => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!("{} {} {}", d.day, MONTHS[usize::from(d.month) - 1], d.year)
        }
        "long" => format!("{}年{}月{}日", d.year, d.month, d.day),
        "iso" => d.to_string(),
        other => return Err(tera::Error::message(format!("`date`: style \"{other}\" is not iso or long"))),
    })
}

/// `fill(name=value, ...)`: a label with its `{name}` placeholders filled.
fn fill(v: &str, kwargs: Kwargs, _: &State) -> String {
    let args: Vec<(String, String)> = kwargs
        .iter()
        .map(|(k, val)| {
            let text = match val.as_str() {
                Some(t) => t.to_string(),
                None if val.is_none() => DASH.to_string(),
                None => match val.as_f64() {
                    Some(x) => number::shortest(x),
                    None => val.to_string(),
                },
            };
            (k.as_str().unwrap_or_default().to_string(), text)
        })
        .collect();
    crate::labels::fill_placeholders(v.to_string(), args.iter().map(|(k, t)| (k.as_str(), t.as_str())))
}

/// `css_string`: text as the inside of a CSS string (`content: "…"`) in a `<style>` element,
/// output with `| safe`: quotes, backslashes and the characters that could close the element or
/// be read as markup (`<`, `>`, `&`) as CSS escapes; line breaks and controls as spaces.
fn css_string(v: &str, _: Kwargs, _: &State) -> String {
    css_string_text(v)
}

fn css_string_text(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' | '\'' => out.push_str(&format!("\\{:x} ", c as u32)),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `reason`: a rejected row (`rejections.shown[]`, with its `code` and `params`) as its
/// reason in the report's language: label `reason_<code>` with the parameters filled.
fn reason(v: &Value, t: &Labels) -> TeraResult<String> {
    defined(v, "reason")?;
    let map = v.as_map();
    let field = |k: &str| map.and_then(|m| m.get(&tera::value::Key::Str(k)).cloned());
    let Some(code) = field("code").and_then(|c| c.as_str().map(str::to_string)) else {
        return Err(tera::Error::message(format!(
            "`reason` expects a rejected row such as rejections.shown[0], got {}",
            v.name()
        )));
    };
    let params: Vec<(String, String)> = field("params")
        .and_then(|p| {
            p.as_map().map(|m| {
                m.iter()
                    .map(|(k, val)| {
                        (k.as_str().unwrap_or_default().to_string(), val.as_str().unwrap_or_default().to_string())
                    })
                    .collect()
            })
        })
        .unwrap_or_default();
    Ok(t.reason(&code, params.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
}

/// Registers every filter; `category`, `significance` and `yes_no` name values in the report's language.
pub fn register(tera: &mut Tera, labels: &Arc<Labels>, lang: &'static str) {
    tera.register_filter("num", num);
    tera.register_filter("pct", pct);
    tera.register_filter("change", change);
    tera.register_filter("direction", direction);
    tera.register_filter("span", span);
    tera.register_filter("map", map);
    tera.register_filter("where", where_);
    tera.register_filter("sum", sum);
    tera.register_filter("some", some);
    tera.register_filter("fill", fill);
    tera.register_filter("css_string", css_string);
    tera.register_filter("date", move |v: &Value, k: Kwargs, s: &State| date(v, k, s, lang));
    let t = Arc::clone(labels);
    tera.register_filter("category", move |v: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
        defined(v, "category")?;
        let name = |v: &Value| t.category(if v.is_none() { None } else { Some(v.as_str().unwrap_or_default()) });
        Ok(match v.as_array() {
            Some(list) => Value::from(list.iter().map(name).collect::<Vec<String>>()),
            None => Value::from(name(v)),
        })
    });
    tera.register_filter("pm", pm);
    let t = Arc::clone(labels);
    tera.register_filter("significance", move |v: &Value, k: Kwargs, _: &State| -> TeraResult<String> {
        let class = k.get::<bool>("class")?.unwrap_or(false);
        Ok(match (comparison_of(v)?, class) {
            (Some((true, c)), true) => if c > 0.0 { "up" } else { "down" }.to_string(),
            (_, true) => "flat".to_string(),
            (Some((true, c)), false) => t.get(if c > 0.0 { "sig_rise" } else { "sig_fall" }),
            (Some((false, _)), false) => t.get("no_sig_change"),
            (None, false) => DASH.to_string(),
        })
    });
    let t = Arc::clone(labels);
    tera.register_filter("reason", move |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> { reason(v, &t) });
    let t = Arc::clone(labels);
    tera.register_filter("yes_no", move |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        defined(v, "yes_no")?;
        Ok(match v.as_bool() {
            Some(true) => t.get("c_yes"),
            Some(false) => t.get("c_no"),
            None => String::new(),
        })
    });
}

#[cfg(test)]
mod css_tests {
    #[test]
    fn css_strings_cannot_close_the_string_or_the_style_element() {
        let out = super::css_string_text("a\"b\\c</style><script>&\n'");
        assert_eq!(out, "a\\22 b\\5c c\\3c /style\\3e \\3c script\\3e \\26  \\27 ");
    }
}
