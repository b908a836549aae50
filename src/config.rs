//! Stage 1: the project configuration (`manyi.toml`), parsed and validated once.
//!
//! Every key is documented in the README's config reference. Unknown keys are
//! rejected with the key and its line, so a typo never silently does nothing.
//!
//! Values that stand for something typed (the cut-off date, plan periods, encodings,
//! delimiters) are parsed while deserializing, once. The text is parsed into a spanned tree
//! and each top-level section read from it on its own, so every problem of the file (wrong
//! types, unknown keys, values out of range, cross-field conflicts) is reported in one run,
//! each at the `line:column` of the value it is about.

use crate::diag::{Diagnostic, Error, ErrorKind, Location, Result};
use crate::period::{Date, Period};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeArray, DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

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
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`. `auto` is kept as `None`.
    #[serde(default, deserialize_with = "complaints_io::encoding")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV delimiter (one ASCII character, or `\t` / `tab` for tabs); detected from the header
    /// line when absent.
    #[serde(default, deserialize_with = "complaints_io::delimiter")]
    pub delimiter: Option<u8>,
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
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`. `auto` is kept as `None`.
    #[serde(default, deserialize_with = "volume_io::encoding")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV delimiter (one ASCII character, or `\t` / `tab` for tabs); detected from the header
    /// line when absent.
    #[serde(default, deserialize_with = "volume_io::delimiter")]
    pub delimiter: Option<u8>,
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
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`. `auto` is kept as `None`.
    #[serde(default, deserialize_with = "actions_io::encoding")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV delimiter (one ASCII character, or `\t` / `tab` for tabs); detected from the header
    /// line when absent.
    #[serde(default, deserialize_with = "actions_io::delimiter")]
    pub delimiter: Option<u8>,
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
    /// or a label such as `utf-8`, `gbk`, `gb18030`, `utf-16le`. `auto` is kept as `None`.
    #[serde(default, deserialize_with = "survey_io::encoding")]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV delimiter (one ASCII character, or `\t` / `tab` for tabs); detected from the header
    /// line when absent.
    #[serde(default, deserialize_with = "survey_io::delimiter")]
    pub delimiter: Option<u8>,
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
    #[serde(deserialize_with = "period_value")]
    pub period: Period,
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
    #[serde(default, deserialize_with = "cutoff_value")]
    pub cutoff: Option<Date>,
}

impl ReportConfig {
    /// The cut-off date, parsed and validated when the config was read.
    pub fn cutoff_date(&self) -> Option<Date> {
        self.cutoff
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
        self.plans.iter().find(|p| p.period == period).map(|p| p.issued)
    }
}

/// How to read the files of one file set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Canonical name of the configured encoding (`None` for `auto`).
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    pub sheet: Option<String>,
}

macro_rules! read_options {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn read_options(&self) -> ReadOptions {
                ReadOptions {
                    encoding: self.encoding.map(|e| e.name().to_string()),
                    delimiter: self.delimiter,
                    sheet: self.sheet.clone(),
                }
            }
        }
    )*};
}
read_options!(SurveyConfig, ComplaintsConfig, VolumeConfig, ActionsConfig);

// ---------------------------------------------------------------------------------------------
// Typed values, parsed once while deserializing. Their errors carry the value's span (the
// deserializer adds it), and a hint after `HINT_SEP` that `Problems` splits off again.

/// Separates a message from its hint inside a serde error message.
const HINT_SEP: char = '\u{1f}';

fn invalid<E: serde::de::Error>(message: String, hint: &str) -> E {
    E::custom(format!("{message}{HINT_SEP}{hint}"))
}

fn delimiter_byte(d: &str) -> Option<u8> {
    match d {
        "\\t" | "tab" | "TAB" => Some(b'\t'),
        _ if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
        _ => None,
    }
}

fn encoding_value<'de, D: Deserializer<'de>>(
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

fn delimiter_value<'de, D: Deserializer<'de>>(d: D, section: &str) -> Result<Option<u8>, D::Error> {
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
        mod $module {
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

fn period_value<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
    let text = String::deserialize(d)?;
    Period::parse(&text)
        .ok_or_else(|| invalid(format!("plan period \"{text}\" is not a period"), "write 2026, 2026-Q1 or 2026-03"))
}

fn cutoff_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let text = String::deserialize(d)?;
    match crate::period::parse_date(&text) {
        Some(date) => Ok(Some(date)),
        None => Err(invalid(format!("[report] cutoff \"{text}\" is not a date"), "write it as 2026-11-30")),
    }
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
///
/// Every problem is reported in one error, in document order, each at the span of the value
/// (or key) it is about. A TOML syntax error stops at the first one.
pub fn parse_config(text: &str, file: &str) -> Result<Config> {
    let root = DeTable::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let (line, col) = line_col(text, at);
        Error::config(Location::at(file, line, Some(col)), e.message().trim())
            .with_hint("see the README's config reference for the expected form")
    })?;
    let root = Spanned::new(root.span(), DeValue::Table(root.into_inner()));
    let mut problems = Problems { text, file, root: &root, found: Vec::new() };
    let config = read_config(&mut problems);
    let mut found = problems.found;
    found.sort_by_key(|(at, _)| *at);
    match (config, Error::from_diagnostics(ErrorKind::Config, found.into_iter().map(|(_, d)| d))) {
        (_, Some(err)) => Err(err),
        (Some(config), None) => Ok(config),
        (None, None) => Err(Error::config(Location::file(file), "the configuration could not be read")),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, col)
}

// ---------------------------------------------------------------------------------------------
// Reading: each top-level section on its own, from the spanned tree.

/// The top-level sections, in the order serde names them in "unknown field" messages.
const SECTIONS: &[&str] = &["site", "survey", "bands", "report", "complaints", "actions"];

/// At most this many attempts per section while collecting its type errors.
const MAX_ATTEMPTS: usize = 32;

/// One step of a key path into the spanned tree: a key or an array index.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for Seg<'a> {
    fn from(k: &'a str) -> Self {
        Seg::Key(k)
    }
}

impl<'a> From<&'a String> for Seg<'a> {
    fn from(k: &'a String) -> Self {
        Seg::Key(k)
    }
}

impl From<usize> for Seg<'_> {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

/// A key path such as `path!["survey", "dimensions", 1, "weight"]`.
macro_rules! path {
    ($($seg:expr),* $(,)?) => { &[$(Seg::from($seg)),*] };
}

/// Every problem found so far, each with the byte offset it sorts by.
struct Problems<'t> {
    text: &'t str,
    file: &'t str,
    root: &'t Spanned<DeValue<'t>>,
    found: Vec<(usize, Diagnostic)>,
}

impl<'t> Problems<'t> {
    fn push(&mut self, at: usize, message: impl Into<String>, hint: impl Into<String>) {
        let (line, col) = line_col(self.text, at);
        let location = Location::at(self.file, line, Some(col));
        self.found.push((at, Diagnostic::error(location, message).with_hint(hint)));
    }

    /// A problem with the value at `path`, reported at its span (or at the nearest part of the
    /// path that is written in the file).
    fn at(&mut self, path: &[Seg<'_>], message: impl Into<String>, hint: &str) {
        let at = self.span_of(path).start;
        self.push(at, message, hint);
    }

    fn span_of(&self, path: &[Seg<'_>]) -> Range<usize> {
        let mut node = self.root;
        for seg in path {
            let next = match (seg, node.get_ref()) {
                (Seg::Key(k), DeValue::Table(t)) => t.get(*k),
                (Seg::Index(i), DeValue::Array(a)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node.span()
    }

    /// A problem serde found, with its message and hint.
    fn serde(&mut self, e: &toml::de::Error) {
        self.serde_message(e.span().map_or(0, |s| s.start), e.message());
    }

    /// A serde message: the hint after `HINT_SEP` if it has one, else one by its kind.
    fn serde_message(&mut self, at: usize, message: &str) {
        let message = message.trim();
        let (message, hint) = match message.split_once(HINT_SEP) {
            Some((m, h)) => (m, h),
            None if message.starts_with("unknown field") => {
                (message, "remove the key or fix its spelling; every key is listed in the README's config reference")
            }
            None if message.starts_with("missing field") => {
                (message, "add the key; see the README's config reference or sample-data/manyi.toml")
            }
            None => (message, "see the README's config reference for the expected form"),
        };
        self.push(at, message, hint);
    }

    /// Deserializes the top-level section `name`: `Ok(None)` when it is absent, `Err(())` when
    /// it has problems (all of them recorded, as far as serde lets us find them).
    ///
    /// Serde stops at the first problem, so after each one the offending key or array item is
    /// removed from a copy of the section (a table missing a key is removed as a whole) and the
    /// section read again, until it reads. A "missing field" for a key removed that way is not
    /// reported: the key's own problem already is. It stops at a key missing from the section
    /// itself, at a problem it cannot place, and after `MAX_ATTEMPTS` attempts.
    fn section<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<T>, ()> {
        let DeValue::Table(top) = self.root.get_ref() else { return Err(()) };
        let Some(value) = top.get(name) else { return Ok(None) };
        let mut value = value.clone();
        let root_span = value.span();
        let mut removed: Vec<(String, Range<usize>)> = Vec::new();
        let mut failed = false;
        for _ in 0..MAX_ATTEMPTS {
            let e = match T::deserialize(ValueDeserializer::from(value.clone())) {
                Ok(section) if !failed => return Ok(Some(section)),
                Ok(_) => return Err(()),
                Err(e) => e,
            };
            let Some(span) = e.span() else {
                self.serde(&e);
                return Err(());
            };
            let missing = missing_field(e.message());
            if !missing.is_some_and(|k| removed.iter().any(|(r, table)| r == k && *table == span)) {
                self.serde(&e);
            }
            failed = true;
            if missing.is_some() && span == root_span {
                return Err(()); // a key of the section itself is missing: nothing left to remove
            }
            match remove_at(&mut value, span.start) {
                Some(Some(key)) => removed.push(key),
                Some(None) => {}
                None => return Err(()),
            }
        }
        Err(())
    }
}

/// The key of a "missing field `key`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// Removes the innermost table entry or array item at byte offset `at` (an entry holds it in
/// its key or its value): `scale = { min = 1, max = "x" }` loses `max`, not `scale`, and
/// `items = ["a", 3]` loses `3`. Returns `Some(Some((key, span of its table)))` for a removed
/// entry, `Some(None)` for a removed array item, `None` when nothing holds `at`.
fn remove_at(node: &mut Spanned<DeValue<'_>>, at: usize) -> Option<Option<(String, Range<usize>)>> {
    let span = node.span();
    match node.get_mut() {
        DeValue::Table(table) => {
            let mut hit = None;
            for (key, value) in table.iter_mut() {
                if key.span().contains(&at) {
                    hit = Some(key.get_ref().to_string());
                    break;
                }
                if let Some(removed) = remove_at(value, at) {
                    return Some(removed);
                }
                if value.span().contains(&at) {
                    hit = Some(key.get_ref().to_string());
                    break;
                }
            }
            let key = hit?;
            table.remove(key.as_str());
            Some(Some((key, span)))
        }
        DeValue::Array(items) => {
            for item in items.iter_mut() {
                if let Some(removed) = remove_at(item, at) {
                    return Some(removed);
                }
            }
            // An item of an array of tables spans only its own `[[header]]`.
            let i = items.iter().position(|item| item.span().contains(&at))?;
            let all = std::mem::replace(items, DeArray::new());
            *items = all.into_iter().enumerate().filter(|(j, _)| *j != i).map(|(_, item)| item).collect();
            Some(None)
        }
        _ => None,
    }
}

/// Reads every section and validates those that read; `None` when any has a problem.
fn read_config(p: &mut Problems<'_>) -> Option<Config> {
    use serde::de::Error as _;
    let root = p.root;
    if let DeValue::Table(top) = root.get_ref() {
        for key in top.keys().filter(|k| !SECTIONS.contains(&k.get_ref().as_ref())) {
            p.serde_message(key.span().start, toml::de::Error::unknown_field(key.get_ref(), SECTIONS).message());
        }
    }
    let site = p.section::<SiteConfig>("site").map(Option::unwrap_or_default);
    let survey = match p.section::<SurveyConfig>("survey") {
        Ok(Some(s)) => Ok(s),
        Ok(None) => {
            p.serde_message(0, toml::de::Error::missing_field("survey").message());
            Err(())
        }
        Err(()) => Err(()),
    };
    let bands = p.section::<BandsConfig>("bands").map(Option::unwrap_or_default);
    let report = p.section::<ReportConfig>("report").map(Option::unwrap_or_default);
    let complaints = p.section::<ComplaintsConfig>("complaints");
    let actions = p.section::<ActionsConfig>("actions");

    if let Ok(s) = &survey {
        validate_survey(s, p);
    }
    if let Ok(Some(k)) = &complaints {
        validate_complaints(k, p);
    }
    if let Ok(b) = &bands {
        validate_bands(b, p);
    }
    Some(Config {
        site: site.ok()?,
        survey: survey.ok()?,
        bands: bands.ok()?,
        report: report.ok()?,
        complaints: complaints.ok()?,
        actions: actions.ok()?,
    })
}

// ---------------------------------------------------------------------------------------------
// Validation: what serde cannot check, each problem at the span of the value it is about.

fn share_open(v: f64) -> bool {
    v > 0.0 && v <= 1.0
}

fn validate_survey(s: &SurveyConfig, p: &mut Problems<'_>) {
    if s.files.is_empty() {
        p.at(
            path!["survey", "files"],
            "[survey] files is empty",
            "list the response files, e.g. files = [\"data/survey-*.csv\"]",
        );
    }
    let (min, max) = (s.scale.min, s.scale.max);
    let scale_ok = min.is_finite() && max.is_finite() && max > min;
    if !scale_ok {
        let key = if min.is_finite() { "max" } else { "min" };
        p.at(
            path!["survey", "scale", key],
            format!("[survey] scale: max ({max}) must be greater than min ({min})"),
            "e.g. scale = { min = 1, max = 5 }",
        );
    } else {
        for (label, v) in &s.scale.labels {
            if !(min..=max).contains(v) {
                p.at(
                    path!["survey", "scale", "labels", label],
                    format!("[survey] scale label \"{label}\" = {v} lies outside the scale {min}–{max}"),
                    "label values are answer values on the scale, not 0–100 scores",
                );
            }
        }
    }
    if !share_open(s.min_answered) {
        p.at(
            path!["survey", "min_answered"],
            format!("[survey] min_answered = {} must be a share in (0, 1]", s.min_answered),
            "e.g. min_answered = 0.8 for 80% of the items",
        );
    }
    if !(0.0..=1.0).contains(&s.required_rate) {
        p.at(
            path!["survey", "required_rate"],
            format!("[survey] required_rate = {} must be a share in [0, 1]", s.required_rate),
            "e.g. required_rate = 0.8",
        );
    }
    validate_dimensions(&s.dimensions, p);
    let mut seen_periods = BTreeSet::new();
    for (i, plan) in s.plans.iter().enumerate() {
        if !seen_periods.insert(plan.period) {
            p.at(
                path!["survey", "plans", i, "period"],
                format!("two plans for period {}", plan.period),
                "keep one [[survey.plans]] per period",
            );
        }
    }
}

fn validate_dimensions(dims: &[Dimension], p: &mut Problems<'_>) {
    if dims.is_empty() {
        p.at(
            path!["survey", "dimensions"],
            "[survey] has no [[survey.dimensions]]",
            "add at least one dimension with its items",
        );
        return;
    }
    let weighted = dims.iter().filter(|d| d.weight.is_some()).count();
    if weighted != 0 && weighted != dims.len() {
        // Point at the odd one out: the first dimension without a weight when most have one,
        // else the first weight given.
        let at = if 2 * weighted >= dims.len() {
            let i = dims.iter().position(|d| d.weight.is_none()).unwrap_or(0);
            p.span_of(path!["survey", "dimensions", i])
        } else {
            let i = dims.iter().position(|d| d.weight.is_some()).unwrap_or(0);
            p.span_of(path!["survey", "dimensions", i, "weight"])
        };
        p.push(
            at.start,
            "some dimensions have a weight and others do not",
            "give every dimension a weight, or none for equal weights",
        );
    }
    let mut seen_items = BTreeSet::new();
    let mut seen_dims = BTreeSet::new();
    for (i, d) in dims.iter().enumerate() {
        if !seen_dims.insert(d.name.as_str()) {
            p.at(
                path!["survey", "dimensions", i, "name"],
                format!("dimension \"{}\" is defined twice", d.name),
                "give each dimension a distinct name",
            );
        }
        if let Some(w) = d.weight {
            if !(w > 0.0 && w.is_finite()) {
                p.at(
                    path!["survey", "dimensions", i, "weight"],
                    format!("dimension \"{}\": weight {w} must be positive", d.name),
                    "weights are relative; they need not sum to 1",
                );
            }
        }
        if d.items.is_empty() {
            p.at(
                path!["survey", "dimensions", i, "items"],
                format!("dimension \"{}\" has no items", d.name),
                "list its item columns, e.g. items = [\"产品性能\"]",
            );
        }
        for (j, item) in d.items.iter().enumerate() {
            if !seen_items.insert(item.as_str()) {
                p.at(
                    path!["survey", "dimensions", i, "items", j],
                    format!("item \"{item}\" appears in more than one dimension"),
                    "each item column belongs to one dimension",
                );
            }
        }
    }
}

fn validate_complaints(k: &ComplaintsConfig, p: &mut Problems<'_>) {
    for (key, v) in [("closure_target", k.closure_target), ("vital_share", k.vital_share)] {
        if !share_open(v) {
            p.at(
                path!["complaints", key],
                format!("[complaints] {key} = {v} must be a share in (0, 1]"),
                "e.g. 0.8 for 80%",
            );
        }
    }
    if let Some(v) = k.other_after_share {
        if !share_open(v) {
            p.at(
                path!["complaints", "other_after_share"],
                format!("[complaints] other_after_share = {v} must be a share in (0, 1]"),
                "e.g. 0.95",
            );
        }
    }
    if k.other_max_categories == Some(0) {
        p.at(
            path!["complaints", "other_max_categories"],
            "[complaints] other_max_categories must be at least 1",
            "e.g. 8",
        );
    }
    if k.files.is_empty() {
        p.at(
            path!["complaints", "files"],
            "[complaints] files is empty",
            "list the register files, e.g. files = [\"data/complaints.csv\"]",
        );
    }
    if let Some(v) = &k.volume {
        let positive = v.per > 0.0;
        if !positive {
            p.at(
                path!["complaints", "volume", "per"],
                format!("[complaints.volume] per = {} must be positive", v.per),
                "e.g. per = 1000",
            );
        }
    }
}

fn validate_bands(b: &BandsConfig, p: &mut Problems<'_>) {
    let hint = "bands are listed highest first with inclusive lower bounds, the last one at 0, e.g. levels = [{ label = \"满意\", min = 80 }, { label = \"不满意\", min = 0 }]";
    if b.levels.is_empty() {
        p.at(path!["bands", "levels"], "[bands] levels is empty", hint);
        return;
    }
    for (i, pair) in b.levels.windows(2).enumerate() {
        if pair[1].min >= pair[0].min {
            p.at(
                path!["bands", "levels", i + 1, "min"],
                format!(
                    "[bands] \"{}\" (min {}) must have a lower min than \"{}\" (min {})",
                    pair[1].label, pair[1].min, pair[0].label, pair[0].min
                ),
                hint,
            );
        }
    }
    let out_of_range = if b.levels[0].min > 100.0 { Some(0) } else { b.levels.iter().position(|l| !l.min.is_finite()) };
    if let Some(i) = out_of_range {
        p.at(path!["bands", "levels", i, "min"], "[bands] lower bounds must lie within 0–100", hint);
    }
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

    /// The `file:line:col` prefix of every diagnostic of a failed parse, in order.
    fn locations(text: &str) -> Vec<String> {
        let err = parse_config(text, "manyi.toml").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        err.diagnostics().map(|d| d.location.to_string()).collect()
    }

    fn messages(text: &str) -> Vec<String> {
        let err = parse_config(text, "manyi.toml").unwrap_err();
        err.diagnostics().map(|d| format!("{}: {}", d.location, d.message)).collect()
    }

    #[test]
    fn three_bad_values_in_three_sections_are_all_reported_at_their_values() {
        let text = r#"[survey]
files = ["data/s.csv"]
encoding = "utf-8"
id = "编号"
date = "日期"
min_answered = 1.5
[[survey.dimensions]]
name = "产品质量"
items = ["性能"]
[report]
cutoff = "2026-13-01"
[complaints]
files = ["c.csv"]
id = "编号"
received = "受理日期"
category = "类别"
encoding = "nope"
"#;
        let err = parse_config(text, "manyi.toml").unwrap_err();
        let shown = err.to_string();
        let lines: Vec<&str> = shown.lines().filter(|l| !l.starts_with("  hint:")).collect();
        assert_eq!(
            lines,
            [
                "manyi.toml:6:16: error: [survey] min_answered = 1.5 must be a share in (0, 1]",
                "manyi.toml:11:10: error: [report] cutoff \"2026-13-01\" is not a date",
                "manyi.toml:17:12: error: [complaints] encoding \"nope\" is not a known encoding",
            ],
            "{shown}"
        );
        assert!(shown.contains("\n  hint: write it as 2026-11-30\n"), "{shown}");
        assert!(shown.ends_with("\n  hint: use auto, utf-8, gbk, gb18030 or utf-16le"), "{shown}");
        assert_eq!(err.diagnostic.message, "[survey] min_answered = 1.5 must be a share in (0, 1]");
        assert_eq!(err.related.len(), 2);
    }

    #[test]
    fn wrong_types_in_two_sections_are_both_reported() {
        let text = format!("[site]\ntitle = 3\n{MINIMAL}[report]\ncomments = \"x\"\n");
        let found = messages(&text);
        assert_eq!(
            found,
            [
                "manyi.toml:2:9: invalid type: integer `3`, expected a string",
                "manyi.toml:12:12: invalid type: string \"x\", expected usize",
            ]
        );
    }

    #[test]
    fn every_type_error_of_one_section_is_reported() {
        // An unknown key, a wrong type inside an inline table, a bad array item and a bad plan
        // period: serde stops at each, the key is removed and the section read again.
        let text = MINIMAL
            .replace("date = \"日期\"", "date = \"日期\"\nscale = { min = 1, max = \"5\" }\nminimum = 3")
            .replace("items = [\"性能\", \"外观\"]", "items = [\"性能\", 4]")
            + "[[survey.plans]]\nperiod = \"2026-Q5\"\nissued = 10\n[[survey.plans]]\nperiod = \"2026\"\nissued = \"ten\"\n";
        assert_eq!(
            messages(&text),
            [
                "manyi.toml:6:26: invalid type: string \"5\", expected f64",
                "manyi.toml:7:1: unknown field `minimum`, expected one of `files`, `encoding`, `delimiter`, `sheet`, `id`, `date`, `comment`, `scale`, `min_answered`, `check_duplicate_ids`, `not_answered`, `required_rate`, `required_rate_basis`, `plans`, `dimensions`",
                "manyi.toml:10:16: invalid type: integer `4`, expected a string",
                "manyi.toml:12:10: plan period \"2026-Q5\" is not a period",
                "manyi.toml:16:10: invalid type: string \"ten\", expected u64",
            ]
        );
    }

    #[test]
    fn a_key_removed_for_its_own_error_is_not_also_missing() {
        // `name = 7` is reported once, not again as "missing field `name`"; the other
        // dimension's missing `items` is a problem of its own.
        let text = MINIMAL.replace("name = \"产品质量\"", "name = 7") + "[[survey.dimensions]]\nname = \"服务\"\n";
        assert_eq!(
            messages(&text),
            ["manyi.toml:7:8: invalid type: integer `7`, expected a string", "manyi.toml:9:1: missing field `items`"]
        );
    }

    #[test]
    fn partial_weights_duplicate_items_and_rising_bands_are_located_exactly() {
        let text = format!(
            "{MINIMAL}weight = 0.5\n[[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\", \"外观\"]\n\
             [bands]\nlevels = [{{ label = \"好\", min = 80 }}, {{ label = \"差\", min = 90 }}]\n"
        );
        assert_eq!(
            messages(&text),
            [
                "manyi.toml:10:1: some dimensions have a weight and others do not",
                "manyi.toml:12:16: item \"外观\" appears in more than one dimension",
                "manyi.toml:14:59: [bands] \"差\" (min 90) must have a lower min than \"好\" (min 80)",
            ]
        );
        // With most dimensions unweighted, the one weight given is the odd one out.
        let text = format!(
            "{MINIMAL}weight = 0.5\n[[survey.dimensions]]\nname = \"服务\"\nitems = [\"态度\"]\n\
             [[survey.dimensions]]\nname = \"价格\"\nitems = [\"价格\"]\n"
        );
        assert_eq!(locations(&text), ["manyi.toml:9:10"]);
    }

    #[test]
    fn range_and_cross_field_problems_are_all_reported_in_document_order() {
        let text = r#"[survey]
files = []
id = "编号"
date = "日期"
scale = { min = 1, max = 5, labels = { "好" = 9 } }
required_rate = 2
[[survey.plans]]
period = "2026"
issued = 10
[[survey.plans]]
period = "2026"
issued = 12
[[survey.dimensions]]
name = "甲"
weight = 0
items = []
[[survey.dimensions]]
name = "甲"
weight = 1
items = ["性能"]
[complaints]
files = []
id = "编号"
received = "受理日期"
category = "类别"
vital_share = 1.5
other_max_categories = 0
[bands]
levels = []
"#;
        assert_eq!(
            locations(text),
            [
                "manyi.toml:2:9",   // [survey] files is empty
                "manyi.toml:5:46",  // label outside the scale
                "manyi.toml:6:17",  // required_rate
                "manyi.toml:11:10", // two plans for 2026
                "manyi.toml:15:10", // weight 0
                "manyi.toml:16:9",  // no items
                "manyi.toml:18:8",  // dimension defined twice
                "manyi.toml:22:9",  // [complaints] files is empty
                "manyi.toml:26:15", // vital_share
                "manyi.toml:27:24", // other_max_categories
                "manyi.toml:29:10", // [bands] levels is empty
            ]
        );
    }

    #[test]
    fn bad_delimiter_is_an_error_and_good_ones_are_bytes() {
        let with = |d: &str| MINIMAL.replace("id = \"编号\"", &format!("id = \"编号\"\ndelimiter = {d}"));
        let err = parse_config(&with("\"||\""), "manyi.toml").unwrap_err();
        assert_eq!(
            err.to_string(),
            "manyi.toml:5:13: error: [survey] delimiter \"||\" must be one ASCII character\n  \
             hint: e.g. delimiter = \";\" or delimiter = \"\\t\" for tabs"
        );
        for (d, byte) in [("\";\"", b';'), ("'\\t'", b'\t'), ("\"tab\"", b'\t'), ("\"TAB\"", b'\t'), ("\"\\t\"", b'\t')]
        {
            let c = parse_config(&with(d), "manyi.toml").unwrap();
            assert_eq!(c.survey.delimiter, Some(byte), "{d}");
            assert_eq!(c.survey.read_options().delimiter, Some(byte), "{d}");
        }
        assert_eq!(parse_config(MINIMAL, "manyi.toml").unwrap().survey.read_options(), ReadOptions::default());
    }

    #[test]
    fn typed_values_are_parsed_once() {
        let text = MINIMAL.replace("id = \"编号\"", "id = \"编号\"\nencoding = \"GBK\"")
            + "[[survey.plans]]\nperiod = \"2026-q1\"\nissued = 40\n[report]\ncutoff = \"2026/11/30\"\n\
               [actions]\nfiles = [\"a.csv\"]\nencoding = \"auto\"\nsheet = \"措施\"\n";
        let c = parse_config(&text, "manyi.toml").unwrap();
        assert_eq!(c.survey.encoding, Some(encoding_rs::GBK));
        assert_eq!(c.survey.read_options().encoding.as_deref(), Some("GBK"));
        assert_eq!(c.survey.plans[0].period, Period::Quarter(2026, 1));
        assert_eq!(c.survey.issued_for(Period::Quarter(2026, 1)), Some(40));
        assert_eq!(c.survey.issued_for(Period::Year(2026)), None);
        assert_eq!(c.report.cutoff_date(), crate::period::Date::new(2026, 11, 30));
        let actions = c.actions.unwrap();
        assert_eq!(actions.encoding, None);
        assert_eq!(actions.read_options(), ReadOptions { encoding: None, delimiter: None, sheet: Some("措施".into()) });
    }

    #[test]
    fn syntax_errors_stop_at_the_first() {
        let err = parse_config("[survey]\nfiles = [\"a\"\nid = 3\n[site\n", "manyi.toml").unwrap_err();
        assert!(err.related.is_empty());
        assert!(err.to_string().starts_with("manyi.toml:3:1: error: "), "{err}");
    }

    #[test]
    fn missing_and_unknown_sections_are_reported() {
        assert_eq!(
            messages("[sitee]\ntitle = \"x\"\n"),
            [
                "manyi.toml:1:1: missing field `survey`",
                "manyi.toml:1:2: unknown field `sitee`, expected one of `site`, `survey`, `bands`, `report`, `complaints`, `actions`",
            ]
        );
    }
}
