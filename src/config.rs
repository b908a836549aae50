//! Stage 1: the project configuration (`manyi.toml`), parsed and validated once.
//!
//! Every key is documented in the README's config reference. Unknown keys are
//! rejected with the key and its line, so a typo never silently does nothing.

use crate::diag::{Error, Location, Result};
use crate::period::Period;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "manyi.toml";

/// The whole `manyi.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Title and language of the generated site.
    #[serde(default)]
    pub site: SiteConfig,
    /// The satisfaction survey: files, columns, scale, plans and dimensions.
    pub survey: SurveyConfig,
    /// Satisfaction bands (满意程度划分) respondents and scores are classified into.
    #[serde(default)]
    pub bands: BandsConfig,
    /// Options of the report's content.
    #[serde(default)]
    pub report: ReportConfig,
    /// The complaint register (顾客意见登记簿 / 客户投诉处理表), optional.
    pub complaints: Option<ComplaintsConfig>,
    /// The corrective/preventive action register (纠正预防措施), optional.
    pub actions: Option<ActionsConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintsConfig {
    /// Register files: paths, globs or folders.
    pub files: Vec<String>,
    /// Text encoding of CSV files: `auto` (default: UTF-8 with or without BOM, else GB18030),
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`.
    pub encoding: Option<String>,
    /// CSV delimiter (one character); detected from the header line when absent.
    pub delimiter: Option<String>,
    /// Worksheet of .xlsx/.xls/.ods files; the first sheet when absent.
    pub sheet: Option<String>,
    /// Complaint id column.
    pub id: String,
    /// Received date column (required): it decides the period of each complaint.
    pub received: String,
    /// Closed date column; blank means still open.
    pub closed: Option<String>,
    /// Category-by-content column (产品质量 / 服务质量 / 服务态度 / 突发事件 ...).
    pub category: String,
    /// Allowed categories; when given, any other value rejects the row.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Columns to draw a Pareto table and chart for, e.g. ["投诉类别", "责任部门"].
    #[serde(default)]
    pub pareto: Vec<String>,
    /// Nature column (有效投诉 / 求助型 / 咨询型 / 发泄型).
    pub nature: Option<String>,
    /// Responsible department column (责任部门).
    pub department: Option<String>,
    /// Channel column (电话 / 来信 / 来访 / 网络 ...).
    pub channel: Option<String>,
    /// Deadline date column (处理期限).
    pub deadline: Option<String>,
    /// Deadline as days after receipt, used where the deadline column is absent or blank.
    pub deadline_days: Option<u32>,
    /// Follow-up result column: was the customer satisfied with the handling (满意/不满意, 是/否, Y/N).
    pub followup_satisfied: Option<String>,
    /// Re-opened flag column (是/否, Y/N, true/false).
    pub reopened: Option<String>,
    /// Numeric column (cost, days open ...) for a weighted Pareto beside the count Pareto.
    pub weight: Option<String>,
    /// Target closure rate (办结率), default 0.8.
    #[serde(default = "default_required_rate")]
    pub closure_target: f64,
    /// Cumulative share the vital few reach, default 0.8.
    #[serde(default = "default_required_rate")]
    pub vital_share: f64,
    /// Merge categories after this cumulative share into one "Other" bar.
    pub other_after_share: Option<f64>,
    /// Keep at most this many Pareto bars before "Other".
    pub other_max_categories: Option<usize>,
    /// Orders or deliveries per month, for a complaint-rate (u or p) chart.
    pub volume: Option<VolumeConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeConfig {
    pub files: Vec<String>,
    /// Text encoding of CSV files: `auto` (default: UTF-8 with or without BOM, else GB18030),
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`.
    pub encoding: Option<String>,
    /// CSV delimiter (one character); detected from the header line when absent.
    pub delimiter: Option<String>,
    /// Worksheet of .xlsx/.xls/.ods files; the first sheet when absent.
    pub sheet: Option<String>,
    /// Month column: 2026-03, 2026/3, 2026年3月 or any date in the month.
    pub month: String,
    /// Volume column: orders, deliveries or customers served in the month.
    pub count: String,
    /// `u` (complaints per `per` units, default) or `p` (share of units with a complaint).
    #[serde(default)]
    pub chart: RateChart,
    /// Unit of the u chart and the complaint rate, default 1000 (complaints per 1,000 orders).
    #[serde(default = "default_per")]
    pub per: f64,
}

fn default_per() -> f64 {
    1000.0
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RateChart {
    #[default]
    U,
    P,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsConfig {
    pub files: Vec<String>,
    /// Text encoding of CSV files: `auto` (default: UTF-8 with or without BOM, else GB18030),
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`.
    pub encoding: Option<String>,
    /// CSV delimiter (one character); detected from the header line when absent.
    pub delimiter: Option<String>,
    /// Worksheet of .xlsx/.xls/.ods files; the first sheet when absent.
    pub sheet: Option<String>,
    #[serde(default = "ac_id")]
    pub id: String,
    #[serde(default = "ac_problem")]
    pub problem: String,
    #[serde(default = "ac_owner")]
    pub owner: String,
    /// Optional responsible department column.
    pub department: Option<String>,
    #[serde(default = "ac_due")]
    pub due: String,
    #[serde(default = "ac_status")]
    pub status: String,
    /// Optional effectiveness-verified column (是/否).
    pub verified: Option<String>,
    /// Status values that mean the action is closed.
    #[serde(default = "ac_closed")]
    pub closed_statuses: Vec<String>,
}

fn ac_id() -> String {
    "编号".into()
}
fn ac_problem() -> String {
    "问题".into()
}
fn ac_owner() -> String {
    "责任人".into()
}
fn ac_due() -> String {
    "完成期限".into()
}
fn ac_status() -> String {
    "状态".into()
}
fn ac_closed() -> Vec<String> {
    ["已完成", "完成", "已关闭", "关闭", "已验证", "closed", "done", "completed"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Report title; defaults to a title in the site's language.
    pub title: Option<String>,
    /// Language of every label in the output: `zh-CN` (default) or `en`.
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyConfig {
    /// Response files: paths, globs or folders, relative to the project folder.
    pub files: Vec<String>,
    /// Text encoding of CSV files: `auto` (default: UTF-8 with or without BOM, else GB18030),
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`.
    pub encoding: Option<String>,
    /// CSV delimiter (one character); detected from the header line when absent.
    pub delimiter: Option<String>,
    /// Worksheet of .xlsx/.xls/.ods files; the first sheet when absent.
    pub sheet: Option<String>,
    /// Column holding the questionnaire id.
    pub id: String,
    /// Column holding the survey date; it decides the period of each response.
    pub date: String,
    /// Optional column of free-text comments (意见建议).
    pub comment: Option<String>,
    /// The answer scale of the items.
    #[serde(default)]
    pub scale: Scale,
    /// A questionnaire is valid when it answers at least this share of the items.
    #[serde(default = "default_min_answered")]
    pub min_answered: f64,
    /// Reject a questionnaire whose id appeared in an earlier row (default true). Costs
    /// 8 bytes of memory per response; set false for flat memory on huge surveys.
    #[serde(default = "default_true")]
    pub check_duplicate_ids: bool,
    /// Cell values that mean "not answered" (compared after trimming, case-insensitive).
    #[serde(default = "default_not_answered")]
    pub not_answered: Vec<String>,
    /// The survey is valid only if this rate reaches `required_rate` (the 80% rule).
    #[serde(default = "default_required_rate")]
    pub required_rate: f64,
    /// Which rate the rule applies to: `return_rate` (returned / issued, default),
    /// `valid_return_rate` (valid / issued) or `valid_rate` (valid / returned).
    #[serde(default)]
    pub required_rate_basis: RateBasis,
    /// One plan per period: how many questionnaires were issued.
    #[serde(default)]
    pub plans: Vec<Plan>,
    /// Dimensions (综合评价法), each with a weight and its items.
    pub dimensions: Vec<Dimension>,
}

fn default_true() -> bool {
    true
}
fn default_min_answered() -> f64 {
    0.8
}
fn default_required_rate() -> f64 {
    0.8
}
pub fn default_not_answered() -> Vec<String> {
    ["", "N/A", "NA", "-", "不适用"].iter().map(|s| s.to_string()).collect()
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    #[default]
    ReturnRate,
    ValidReturnRate,
    ValidRate,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Lowest answer value (rescaled to 0).
    pub min: f64,
    /// Highest answer value (rescaled to 100).
    pub max: f64,
    /// Optional answer labels and the value each stands for, e.g. { "很满意" = 5 }.
    #[serde(default)]
    pub labels: BTreeMap<String, f64>,
}

impl Default for Scale {
    fn default() -> Self {
        Scale { min: 1.0, max: 5.0, labels: BTreeMap::new() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The period the plan covers: `2026`, `2026-Q1` or `2026-03`.
    pub period: String,
    /// Questionnaires issued (发放数量).
    pub issued: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    /// Weight λ in the index; equal weights when no dimension has one.
    pub weight: Option<f64>,
    /// Item columns, as named in the header.
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandsConfig {
    /// Bands, highest first; each lower bound is inclusive. The lowest band also takes
    /// every score below it (it is treated as starting at 0).
    pub levels: Vec<Band>,
}

impl Default for BandsConfig {
    fn default() -> Self {
        let levels = [("非常满意", 95.0), ("满意", 80.0), ("一般", 70.0), ("不满意", 60.0), ("很不满意", 0.0)];
        BandsConfig { levels: levels.iter().map(|(l, m)| Band { label: l.to_string(), min: *m }).collect() }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub label: String,
    pub min: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// How many of the lowest-scoring items the report lists.
    #[serde(default = "default_lowest_items")]
    pub lowest_items: usize,
    /// How many comments of the least satisfied respondents the report quotes.
    #[serde(default = "default_comments")]
    pub comments: usize,
    /// A Markdown file (relative to the project) with the conclusions and improvement
    /// suggestions (分析与结论, 改进建议), shown as its own section.
    pub conclusions: Option<String>,
    /// Cut-off date (YYYY-MM-DD): complaint status and overdue actions are judged as of this
    /// date instead of the period's last day.
    pub cutoff: Option<String>,
}

impl ReportConfig {
    /// The validated cut-off date.
    pub fn cutoff_date(&self) -> Option<crate::period::Date> {
        self.cutoff.as_deref().and_then(crate::period::parse_date)
    }
}

fn default_lowest_items() -> usize {
    3
}
fn default_comments() -> usize {
    10
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            lowest_items: default_lowest_items(),
            comments: default_comments(),
            cutoff: None,
            conclusions: None,
        }
    }
}

impl SurveyConfig {
    /// All items in dimension order.
    pub fn items(&self) -> impl Iterator<Item = &str> {
        self.dimensions.iter().flat_map(|d| d.items.iter().map(String::as_str))
    }

    pub fn item_count(&self) -> usize {
        self.dimensions.iter().map(|d| d.items.len()).sum()
    }

    /// Dimension weights as used in the index (equal when none is given).
    pub fn weights(&self) -> Vec<f64> {
        self.dimensions.iter().map(|d| d.weight.unwrap_or(1.0)).collect()
    }

    pub fn issued_for(&self, period: Period) -> Option<u64> {
        self.plans.iter().find(|p| Period::parse(&p.period) == Some(period)).map(|p| p.issued)
    }
}

/// How to read the files of one file set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    pub sheet: Option<String>,
}

macro_rules! read_options {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn read_options(&self) -> ReadOptions {
                ReadOptions {
                    encoding: self.encoding.clone().filter(|e| !e.eq_ignore_ascii_case("auto")),
                    delimiter: self.delimiter.as_deref().and_then(delimiter_byte),
                    sheet: self.sheet.clone(),
                }
            }
        }
    )*};
}
read_options!(SurveyConfig, ComplaintsConfig, VolumeConfig, ActionsConfig);

fn delimiter_byte(d: &str) -> Option<u8> {
    match d {
        "\\t" | "tab" | "TAB" => Some(b'\t'),
        _ if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
        _ => None,
    }
}

fn validate_read(opts: (&Option<String>, &Option<String>), section: &str, text: &str, file: &str) -> Result<()> {
    if let Some(e) = opts.0 {
        if !e.eq_ignore_ascii_case("auto") && encoding_rs::Encoding::for_label(e.as_bytes()).is_none() {
            return Err(Error::config(
                locate(text, file, "encoding"),
                format!("{section} encoding \"{e}\" is not a known encoding"),
            )
            .with_hint("use auto, utf-8, gbk, gb18030 or utf-16le"));
        }
    }
    if let Some(d) = opts.1 {
        if delimiter_byte(d).is_none() {
            return Err(Error::config(
                locate(text, file, "delimiter"),
                format!("{section} delimiter \"{d}\" must be one ASCII character"),
            )
            .with_hint("e.g. delimiter = \";\" or delimiter = \"\\t\" for tabs"));
        }
    }
    Ok(())
}

/// A loaded project: its folder and its validated configuration.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
}

/// Reads and validates `PROJECT_DIR/manyi.toml`.
pub fn load_project(root: &Path) -> Result<Project> {
    let path = root.join(CONFIG_FILE);
    let shown = path.display().to_string();
    if !root.is_dir() {
        return Err(Error::config(Location::file(root.display().to_string()), "project folder not found")
            .with_hint("pass the folder that holds manyi.toml, e.g. `manyi build sample-data`"));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let err = if e.kind() == std::io::ErrorKind::NotFound {
            Error::config(Location::file(&shown), "config file not found")
        } else {
            Error::config(Location::file(&shown), format!("cannot read the config file: {e}"))
        };
        err.with_hint("every project needs a manyi.toml; see the README's config reference or sample-data/manyi.toml")
    })?;
    let config = parse_config(&text, &shown)?;
    Ok(Project { root: root.to_path_buf(), config })
}

/// Parses and validates config text; `file` is only used in messages.
pub fn parse_config(text: &str, file: &str) -> Result<Config> {
    let config: Config = toml::from_str(text).map_err(|e| {
        let (line, col) = match e.span() {
            Some(span) => line_col(text, span.start),
            None => (1, 1),
        };
        let msg = e.message().trim().to_string();
        let hint = if msg.starts_with("unknown field") {
            "remove the key or fix its spelling; every key is listed in the README's config reference"
        } else if msg.starts_with("missing field") {
            "add the key; see the README's config reference or sample-data/manyi.toml"
        } else {
            "see the README's config reference for the expected form"
        };
        Error::config(Location::at(file, line, Some(col)), msg).with_hint(hint)
    })?;
    validate(&config, text, file)?;
    Ok(config)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, col)
}

/// Location of the first line mentioning `needle`, or the file alone.
fn locate(text: &str, file: &str, needle: &str) -> Location {
    match text.find(needle) {
        Some(off) => {
            let (line, _) = line_col(text, off);
            Location::at(file, line, None)
        }
        None => Location::file(file),
    }
}

fn validate(c: &Config, text: &str, file: &str) -> Result<()> {
    let fail =
        |needle: &str, msg: String, hint: &str| Err(Error::config(locate(text, file, needle), msg).with_hint(hint));
    let s = &c.survey;
    if s.files.is_empty() {
        return fail(
            "files",
            "[survey] files is empty".into(),
            "list the response files, e.g. files = [\"data/survey-*.csv\"]",
        );
    }
    if !(s.scale.max > s.scale.min) || !s.scale.min.is_finite() || !s.scale.max.is_finite() {
        return fail(
            "scale",
            format!("[survey] scale: max ({}) must be greater than min ({})", s.scale.max, s.scale.min),
            "e.g. scale = { min = 1, max = 5 }",
        );
    }
    for (label, v) in &s.scale.labels {
        if *v < s.scale.min || *v > s.scale.max {
            return fail(
                label,
                format!(
                    "[survey] scale label \"{label}\" = {v} lies outside the scale {}–{}",
                    s.scale.min, s.scale.max
                ),
                "label values are answer values on the scale, not 0–100 scores",
            );
        }
    }
    if !(s.min_answered > 0.0 && s.min_answered <= 1.0) {
        return fail(
            "min_answered",
            format!("[survey] min_answered = {} must be a share in (0, 1]", s.min_answered),
            "e.g. min_answered = 0.8 for 80% of the items",
        );
    }
    if !(s.required_rate >= 0.0 && s.required_rate <= 1.0) {
        return fail(
            "required_rate",
            format!("[survey] required_rate = {} must be a share in [0, 1]", s.required_rate),
            "e.g. required_rate = 0.8",
        );
    }
    if s.dimensions.is_empty() {
        return fail(
            "[survey]",
            "[survey] has no [[survey.dimensions]]".into(),
            "add at least one dimension with its items",
        );
    }
    let weighted = s.dimensions.iter().filter(|d| d.weight.is_some()).count();
    if weighted != 0 && weighted != s.dimensions.len() {
        return fail(
            "[[survey.dimensions]]",
            "some dimensions have a weight and others do not".into(),
            "give every dimension a weight, or none for equal weights",
        );
    }
    let mut seen_items = BTreeSet::new();
    let mut seen_dims = BTreeSet::new();
    for d in &s.dimensions {
        let needle = format!("\"{}\"", d.name);
        if !seen_dims.insert(d.name.as_str()) {
            return fail(
                &needle,
                format!("dimension \"{}\" is defined twice", d.name),
                "give each dimension a distinct name",
            );
        }
        if let Some(w) = d.weight {
            if !(w > 0.0 && w.is_finite()) {
                return fail(
                    &needle,
                    format!("dimension \"{}\": weight {w} must be positive", d.name),
                    "weights are relative; they need not sum to 1",
                );
            }
        }
        if d.items.is_empty() {
            return fail(
                &needle,
                format!("dimension \"{}\" has no items", d.name),
                "list its item columns, e.g. items = [\"产品性能\"]",
            );
        }
        for item in &d.items {
            if !seen_items.insert(item.as_str()) {
                return fail(
                    &format!("\"{item}\""),
                    format!("item \"{item}\" appears in more than one dimension"),
                    "each item column belongs to one dimension",
                );
            }
        }
    }
    let mut seen_periods = BTreeSet::new();
    for p in &s.plans {
        let needle = format!("\"{}\"", p.period);
        match Period::parse(&p.period) {
            None => {
                return fail(
                    &needle,
                    format!("plan period \"{}\" is not a period", p.period),
                    "write 2026, 2026-Q1 or 2026-03",
                )
            }
            Some(period) if !seen_periods.insert(period) => {
                return fail(&needle, format!("two plans for period {period}"), "keep one [[survey.plans]] per period")
            }
            Some(_) => {}
        }
    }
    validate_read((&s.encoding, &s.delimiter), "[survey]", text, file)?;
    if let Some(k) = &c.complaints {
        validate_read((&k.encoding, &k.delimiter), "[complaints]", text, file)?;
        if let Some(v) = &k.volume {
            validate_read((&v.encoding, &v.delimiter), "[complaints.volume]", text, file)?;
        }
    }
    if let Some(a) = &c.actions {
        validate_read((&a.encoding, &a.delimiter), "[actions]", text, file)?;
    }
    if let Some(cut) = &c.report.cutoff {
        if crate::period::parse_date(cut).is_none() {
            return fail("cutoff", format!("[report] cutoff \"{cut}\" is not a date"), "write it as 2026-11-30");
        }
    }
    if let Some(k) = &c.complaints {
        for (key, v) in [("closure_target", k.closure_target), ("vital_share", k.vital_share)] {
            if !(v > 0.0 && v <= 1.0) {
                return fail(key, format!("[complaints] {key} = {v} must be a share in (0, 1]"), "e.g. 0.8 for 80%");
            }
        }
        if let Some(v) = k.other_after_share {
            if !(v > 0.0 && v <= 1.0) {
                return fail(
                    "other_after_share",
                    format!("[complaints] other_after_share = {v} must be a share in (0, 1]"),
                    "e.g. 0.95",
                );
            }
        }
        if k.other_max_categories == Some(0) {
            return fail(
                "other_max_categories",
                "[complaints] other_max_categories must be at least 1".into(),
                "e.g. 8",
            );
        }
        if k.files.is_empty() {
            return fail(
                "[complaints]",
                "[complaints] files is empty".into(),
                "list the register files, e.g. files = [\"data/complaints.csv\"]",
            );
        }
        if let Some(v) = &k.volume {
            if !(v.per > 0.0) {
                return fail("per", format!("[complaints.volume] per = {} must be positive", v.per), "e.g. per = 1000");
            }
        }
    }
    validate_bands(&c.bands, text, file)
}

fn validate_bands(b: &BandsConfig, text: &str, file: &str) -> Result<()> {
    let loc = || locate(text, file, "[bands]");
    let hint = "bands are listed highest first with inclusive lower bounds, the last one at 0, e.g. levels = [{ label = \"满意\", min = 80 }, { label = \"不满意\", min = 0 }]";
    if b.levels.is_empty() {
        return Err(Error::config(loc(), "[bands] levels is empty").with_hint(hint));
    }
    for pair in b.levels.windows(2) {
        if pair[1].min >= pair[0].min {
            return Err(Error::config(
                loc(),
                format!(
                    "[bands] \"{}\" (min {}) must have a lower min than \"{}\" (min {})",
                    pair[1].label, pair[1].min, pair[0].label, pair[0].min
                ),
            )
            .with_hint(hint));
        }
    }
    if b.levels[0].min > 100.0 || b.levels.iter().any(|l| !l.min.is_finite()) {
        return Err(Error::config(loc(), "[bands] lower bounds must lie within 0–100").with_hint(hint));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[survey]
files = ["data/s.csv"]
id = "编号"
date = "日期"
[[survey.dimensions]]
name = "产品质量"
items = ["性能", "外观"]
"#;

    #[test]
    fn minimal_config_gets_documented_defaults() {
        let c = parse_config(MINIMAL, "manyi.toml").unwrap();
        assert_eq!(c.site.language, Language::ZhCn);
        assert_eq!(c.survey.min_answered, 0.8);
        assert_eq!(c.survey.scale.max, 5.0);
        assert_eq!(c.bands.levels.len(), 5);
        assert_eq!(c.survey.weights(), vec![1.0]);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = MINIMAL.replace("id = \"编号\"", "id = \"编号\"\nmin_answerd = 0.5");
        let err = parse_config(&text, "manyi.toml").unwrap_err();
        let shown = err.to_string();
        assert!(shown.starts_with("manyi.toml:5:1: error: unknown field `min_answerd`"), "{shown}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn wrong_type_is_reported_with_line() {
        let text = MINIMAL.replace("id = \"编号\"", "id = 3");
        let err = parse_config(&text, "manyi.toml").unwrap_err();
        assert!(err.to_string().starts_with("manyi.toml:4:"), "{err}");
        assert!(err.to_string().contains("string"), "{err}");
    }

    #[test]
    fn bands_must_descend() {
        let text =
            format!("{MINIMAL}\n[bands]\nlevels = [{{ label = \"好\", min = 80 }}, {{ label = \"差\", min = 90 }}]\n");
        let err = parse_config(&text, "manyi.toml").unwrap_err();
        assert!(err.to_string().contains("\"差\" (min 90) must have a lower min than \"好\" (min 80)"), "{err}");
    }

    #[test]
    fn partial_weights_are_refused() {
        let text = format!("{MINIMAL}weight = 0.5\n[[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\"]\n");
        let err = parse_config(&text, "manyi.toml").unwrap_err();
        assert!(err.to_string().contains("some dimensions have a weight"), "{err}");
    }
}
