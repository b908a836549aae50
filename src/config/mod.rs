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
use crate::period::{Date, Period, YearMonth};
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
    /// The satisfaction survey: files, columns, scale, plans and dimensions. Optional: a
    /// project has a survey, a complaint register, or both.
    pub survey: Option<SurveyConfig>,
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
    /// Build defaults (the periods built when `--period` is not given).
    #[serde(default)]
    pub build: BuildConfig,
    /// Published figures of earlier periods (`[history] file`), for the trend and comparisons
    /// where those periods' raw data is absent.
    pub history: Option<HistoryConfig>,
    /// Labels replaced one by one (`[labels] toc = "Overview"`): each key a label of the
    /// default theme, each text with the placeholders of the text it replaces (checked when
    /// read). Applied over the theme's labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// `[history]`: earlier periods' published figures.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryConfig {
    /// A UTF-8 CSV file (relative to the project) with the header `period,metric,value` and
    /// one published figure per row.
    pub file: String,
}

/// Where the crosshairs of the importance–performance matrix go.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum IpaCrosshair {
    /// At the mean importance and the mean performance of the items (default).
    #[default]
    Mean,
    /// At the medians.
    Median,
    /// At fixed values: importance (Pearson r, −1 to 1) and performance (score, 0–100).
    Fixed { importance: f64, performance: f64 },
}

/// `[build]`: what a plain `manyi build` builds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// Periods built when `--period` is not given, e.g. `["2026-Q3", "2026"]` or `["all"]`;
    /// empty (default): the latest year in the data.
    #[serde(default, deserialize_with = "values::build_periods")]
    pub periods: Vec<PeriodSpec>,
}

/// One entry of a period list: a period, or `all` (every year in the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodSpec {
    All,
    One(Period),
}

impl PeriodSpec {
    /// `2026`, `2026-Q3`, `2026-07` or `all`.
    pub fn parse(text: &str) -> Option<PeriodSpec> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("all") {
            Some(PeriodSpec::All)
        } else {
            Period::parse(t).map(PeriodSpec::One)
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintsConfig {
    /// Register files: paths, globs or folders.
    pub files: Vec<FileEntry>,
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
    /// Rows kept: those matching every filter; the others are excluded (counted, not rejected).
    #[serde(default)]
    pub filters: Vec<RowFilter>,
    /// The build stops (exit 1) and `check` reports an error when more than this share of the
    /// rows read from this file set is rejected (default 0.2).
    #[serde(default = "default_max_rejected_share")]
    pub max_rejected_share: f64,
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
    /// Status column (处理状态): a complaint without a closed date is closed when its status is
    /// one of `closed_statuses`.
    pub status: Option<String>,
    /// Status values meaning closed (trimmed, case-insensitive; an entry ending in `*` matches
    /// every status starting with the rest). Replaces the defaults when given.
    #[serde(default = "complaint_closed")]
    pub closed_statuses: Vec<String>,
    /// On-time column (yes/no): whether a closed complaint was closed on time, used where the
    /// deadline rule cannot decide (no deadline, or no closed date).
    pub on_time: Option<String>,
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
    /// Group column for the comparative Pareto: one Pareto of the category column per value
    /// of this column, side by side on the overall category order.
    pub pareto_by: Option<String>,
    /// Customer column: repeat complainants and repeat complaints.
    pub customer: Option<String>,
    /// A complaint is a repeat when its customer complained within this many days before it
    /// (default 90).
    #[serde(default = "default_repeat_days")]
    pub repeat_days: u32,
    /// Orders or deliveries per month, for a complaint-rate (u or p) chart.
    pub volume: Option<VolumeConfig>,
}

/// The default `[complaints] repeat_days`.
pub const DEFAULT_REPEAT_DAYS: u32 = 90;

fn default_repeat_days() -> u32 {
    DEFAULT_REPEAT_DAYS
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeConfig {
    pub files: Vec<FileEntry>,
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
    /// Rows kept: those matching every filter; the others are excluded (counted, not rejected).
    #[serde(default)]
    pub filters: Vec<RowFilter>,
    /// The build stops (exit 1) and `check` reports an error when more than this share of the
    /// rows read from this file set is rejected (default 0.2).
    #[serde(default = "default_max_rejected_share")]
    pub max_rejected_share: f64,
    /// Month column: 2026-03, 2026/3, 2026年3月 or any date in the month.
    pub month: String,
    /// Volume column: orders, deliveries or customers served in the month.
    pub count: String,
    /// `u` (complaints per `per` units, default), `p` (share of units with a complaint),
    /// `laney-u` / `laney-p` (Laney u′ / p′: limits scaled by σz), or `auto` (the u chart, or
    /// Laney u′ when σz exceeds `sigma_z_threshold`).
    #[serde(default)]
    pub chart: RateChart,
    /// Unit of the u chart and the complaint rate, default 1000 (complaints per 1,000 orders).
    #[serde(default = "default_per")]
    pub per: f64,
    /// σz above this means overdispersion: `chart = "auto"` then draws the Laney chart
    /// (default 1.5); the report shows σz against it for every rate chart.
    #[serde(default = "default_sigma_z_threshold")]
    pub sigma_z_threshold: f64,
    /// The signal tests applied to the rate chart, each 1–8 (default 1–4).
    #[serde(default = "default_tests")]
    pub tests: Vec<i64>,
    /// Months in which a new stage of the rate chart starts (`2026-07`).
    #[serde(default)]
    pub stages: Vec<StageMonth>,
    /// A new stage also starts in the completion month of every closed action with a
    /// completion date (`[actions] completed`).
    #[serde(default)]
    pub stages_from_actions: bool,
}

fn default_per() -> f64 {
    1000.0
}

/// The default `sigma_z_threshold`.
pub const DEFAULT_SIGMA_Z_THRESHOLD: f64 = 1.5;

fn default_sigma_z_threshold() -> f64 {
    DEFAULT_SIGMA_Z_THRESHOLD
}

fn default_tests() -> Vec<i64> {
    vec![1, 2, 3, 4]
}

impl VolumeConfig {
    /// The configured tests; validation has held each to 1–8.
    pub fn test_numbers(&self) -> Vec<u8> {
        self.tests.iter().filter_map(|t| u8::try_from(*t).ok()).collect()
    }
}

/// A month in which a stage starts: `2026-07` (or any form `parse_year_month` reads). Read
/// as written and parsed once; a text that is not a month (`month` = `None`) is reported by
/// validation at the list item itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMonth {
    pub text: String,
    pub month: Option<YearMonth>,
}

impl<'de> Deserialize<'de> for StageMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let month = crate::period::parse_year_month(&text);
        Ok(StageMonth { text, month })
    }
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, Default, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RateChart {
    #[default]
    U,
    P,
    LaneyU,
    LaneyP,
    Auto,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsConfig {
    pub files: Vec<FileEntry>,
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
    /// Rows kept: those matching every filter; the others are excluded (counted, not rejected).
    #[serde(default)]
    pub filters: Vec<RowFilter>,
    /// The build stops (exit 1) and `check` reports an error when more than this share of the
    /// rows read from this file set is rejected (default 0.2).
    #[serde(default = "default_max_rejected_share")]
    pub max_rejected_share: f64,
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
    /// Optional completion date column (完成日期): when a closed action was completed.
    pub completed: Option<String>,
    /// Optional column naming the complaint category an action addresses (a value of the
    /// complaints' `category` column): the action's effect is tested on that category.
    pub category: Option<String>,
    /// Months compared on each side of an action's completion month (default 6).
    #[serde(default = "default_effect_months")]
    pub effect_months: u32,
    /// Status values that mean the action is closed.
    #[serde(default = "ac_closed")]
    pub closed_statuses: Vec<String>,
}

/// Default `[complaints] closed_statuses`.
pub fn complaint_closed() -> Vec<String> {
    [
        "已办结",
        "办结",
        "已关闭",
        "关闭",
        "已结案",
        "结案",
        "已解决",
        "已完成",
        "Closed*",
        "Resolved",
        "Done",
        "Completed",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

impl ComplaintsConfig {
    /// Whether closure can be known at all: from a closed date or a status.
    pub fn closure_known(&self) -> bool {
        self.closed.is_some() || self.status.is_some()
    }
}

/// Fewer complete months after an action's completion than this are too early to judge its
/// effect; the least `effect_months`.
pub const EFFECT_MIN_MONTHS: u32 = 3;

/// The default `[actions] effect_months`.
pub const DEFAULT_EFFECT_MONTHS: u32 = 6;

fn default_effect_months() -> u32 {
    DEFAULT_EFFECT_MONTHS
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
    /// Whether input paths (`files`, `conclusions`) may resolve, after symlinks, outside the
    /// project folder; default false, so a config cannot publish an arbitrary file.
    #[serde(default)]
    pub allow_outside_project: bool,
    /// A theme of the project: `themes/<name>/` (templates/, style.css, labels/) replaces
    /// single files of the built-in default theme; the project's `templates/` still comes last.
    pub theme: Option<String>,
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
    /// Response files: paths, globs or folders, relative to the project folder; an entry may
    /// be a table `{ path, period, use_date }` giving its files' period.
    pub files: Vec<FileEntry>,
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
    /// Rows kept: those matching every filter; the others are excluded (counted, not rejected).
    #[serde(default)]
    pub filters: Vec<RowFilter>,
    /// The build stops (exit 1) and `check` reports an error when more than this share of the
    /// rows read from this file set is rejected (default 0.2).
    #[serde(default = "default_max_rejected_share")]
    pub max_rejected_share: f64,
    /// The survey platform the files were exported from (`wjx` = 问卷星); detected from the
    /// header when absent. It supplies the default id/date/duration columns, the question
    /// aliases of `items` and the platform's skip codes.
    #[serde(default, deserialize_with = "survey_format")]
    pub format: Option<FormatName>,
    /// Column holding the questionnaire id; optional for a platform format (its id column).
    #[serde(default)]
    pub id: Option<String>,
    /// Column holding the survey date; it decides the period of each response. Optional when
    /// every `files` entry has a `period`.
    pub date: Option<String>,
    /// Optional column of free-text comments (意见建议).
    pub comment: Option<String>,
    /// Optional overall-satisfaction item column (on the item scale): reported beside the
    /// index with its interval, not part of it.
    pub overall: Option<String>,
    /// Optional "would you recommend" column (0–10), for the Net Promoter Score; not part of
    /// the index.
    pub recommend: Option<String>,
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
    /// Cell values that mean "not answered" (compared after trimming, case-insensitive, before
    /// any number is read), besides the built-in ones (see `not_answered_codes`).
    #[serde(default)]
    pub not_answered: Vec<String>,
    /// Whether the built-in not-answered values (blank, N/A, NA, -, 不适用, and the platform
    /// format's skip codes) apply besides `not_answered` (default true).
    #[serde(default = "default_true")]
    pub not_answered_builtin: bool,
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
    /// Reject questionnaires completed in fewer seconds than this (from the duration column).
    pub min_seconds: Option<f64>,
    /// The duration column (seconds, `80秒`, `1分20秒`, `00:01:20`); default: a platform's
    /// own duration column (`platform::FORMATS`) when `min_seconds` is set.
    pub duration: Option<String>,
    /// Dimensions (综合评价法), each with a weight and its items.
    pub dimensions: Vec<Dimension>,
    /// Crosshairs of the importance–performance matrix: `"mean"` (default), `"median"`, or
    /// `{ importance = 0.5, performance = 80 }`.
    #[serde(default, deserialize_with = "values::ipa_crosshair")]
    pub ipa_crosshair: IpaCrosshair,
    /// Segment columns (产品类型, 客户类型, 地区 ...): every figure is also broken down by each
    /// column's values, in this order; at most `MAX_SEGMENTS`.
    #[serde(default)]
    pub segments: Vec<String>,
    /// Segments with fewer valid questionnaires are shown greyed, flagged too small to compare
    /// and left out of the lowest-cell marking (default 30).
    #[serde(default = "default_min_segment_n")]
    pub min_segment_n: u64,
}

/// At most this many `[survey] segments` columns.
pub const MAX_SEGMENTS: usize = 8;

fn default_min_segment_n() -> u64 {
    30
}

fn default_max_rejected_share() -> f64 {
    0.2
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
/// The built-in not-answered values: blank, N/A, NA, -, 不适用.
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

#[derive(Debug, Clone, PartialEq, Deserialize)]
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
    /// Size of the surveyed population (调查对象总数), for the finite population correction
    /// of the intervals; without it the population is taken as large.
    pub population: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    /// Weight λ in the index; equal weights when no dimension has one.
    pub weight: Option<f64>,
    /// Item columns, as named in the header, or tables with the item's own settings.
    pub items: Vec<ItemEntry>,
}

/// One item of a dimension: a column name, or a table
/// `{ column, name, scale = { min, max, labels }, weight, reverse }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemEntry {
    /// The column, as named in the header (resolved like a plain item, platform aliases too).
    pub column: String,
    /// The name shown wherever the item is; the column name when absent.
    pub name: Option<String>,
    /// The item's own answer scale; `[survey] scale` when absent.
    pub scale: Option<Scale>,
    /// Its weight inside its dimension (dimension score = weighted mean of item scores);
    /// 1 when absent.
    pub weight: Option<f64>,
    /// Reverse scoring: an answer x counts as min + max − x.
    pub reverse: bool,
}

impl ItemEntry {
    /// The name shown in the report.
    pub fn shown(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.column)
    }

    /// Whether the entry sets anything beyond its column.
    pub fn has_settings(&self) -> bool {
        self.name.is_some() || self.scale.is_some() || self.weight.is_some() || self.reverse
    }
}

impl<'de> Deserialize<'de> for ItemEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            column: String,
            name: Option<String>,
            scale: Option<Scale>,
            weight: Option<f64>,
            #[serde(default)]
            reverse: bool,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ItemEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an item column name, or a table { column, name, scale, weight, reverse }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<ItemEntry, E> {
                Ok(ItemEntry::from(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<ItemEntry, A::Error> {
                let t = Table::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(ItemEntry { column: t.column, name: t.name, scale: t.scale, weight: t.weight, reverse: t.reverse })
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl From<&str> for ItemEntry {
    fn from(column: &str) -> Self {
        ItemEntry { column: column.to_string(), name: None, scale: None, weight: None, reverse: false }
    }
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
        Self::default_for(Language::ZhCn)
    }
}

impl BandsConfig {
    /// The default bands (95 / 80 / 70 / 60 / 0) named in the report's language.
    pub fn default_for(language: Language) -> Self {
        let names = match language {
            Language::ZhCn => ["非常满意", "满意", "一般", "不满意", "很不满意"],
            Language::En => ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"],
        };
        let levels = names.iter().zip([95.0, 80.0, 70.0, 60.0, 0.0]);
        BandsConfig { levels: levels.map(|(l, m)| Band { label: l.to_string(), min: m }).collect() }
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
    /// The report's date on its cover (YYYY-MM-DD); default: `SOURCE_DATE_EPOCH`'s date, else
    /// none. Never the clock, so builds stay reproducible.
    #[serde(default, deserialize_with = "report_date_value")]
    pub date: Option<Date>,
    /// The organisation named on the cover.
    pub organisation: Option<String>,
    /// Sign-off lines of the cover (编制 / 审核 / 批准): who prepared, reviewed and approved it.
    pub prepared_by: Option<String>,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
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
            date: None,
            organisation: None,
            prepared_by: None,
            reviewed_by: None,
            approved_by: None,
        }
    }
}

impl SurveyConfig {
    /// An empty survey (no files, no items): the survey model of a project without `[survey]`.
    pub fn none() -> SurveyConfig {
        toml::from_str("files = []\nid = \"\"\ndate = \"\"\ndimensions = []").expect("the empty survey reads")
    }

    /// All item columns in dimension order.
    pub fn items(&self) -> impl Iterator<Item = &str> {
        self.item_entries().map(|i| i.column.as_str())
    }

    /// All items with their settings, in dimension order.
    pub fn item_entries(&self) -> impl Iterator<Item = &ItemEntry> {
        self.dimensions.iter().flat_map(|d| d.items.iter())
    }

    /// The answer scale of an item: its own, else `[survey] scale`.
    pub fn scale_of<'a>(&'a self, item: &'a ItemEntry) -> &'a Scale {
        item.scale.as_ref().unwrap_or(&self.scale)
    }

    /// The labels an item reads, as (label, value on the item's scale): its own scale's
    /// labels; for an item with its own scale but no labels, `[survey] scale`'s labels mapped
    /// linearly onto it (min to min, max to max); else `[survey] scale`'s.
    pub fn labels_of(&self, item: &ItemEntry) -> Vec<(String, f64)> {
        match &item.scale {
            Some(own) if !own.labels.is_empty() => own.labels.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            Some(own) => {
                let (a, b) = (self.scale.min, self.scale.max);
                self.scale
                    .labels
                    .iter()
                    .map(|(k, v)| (k.clone(), own.min + (v - a) / (b - a) * (own.max - own.min)))
                    .collect()
            }
            None => self.scale.labels.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        }
    }

    pub fn item_count(&self) -> usize {
        self.dimensions.iter().map(|d| d.items.len()).sum()
    }

    /// Dimension weights as used in the index (equal when none is given).
    pub fn weights(&self) -> Vec<f64> {
        self.dimensions.iter().map(|d| d.weight.unwrap_or(1.0)).collect()
    }

    /// Every cell value read as "not answered", in the order the method notes list them: the
    /// built-ins (`default_not_answered`, then `platform` codes, the skip codes of the file's
    /// survey-platform format) unless `not_answered_builtin = false`, then the configured
    /// `not_answered`. Each value once (trimmed, case-insensitive).
    /// The answer reader and the method notes both take this list, so the notes state exactly
    /// what the computation applied.
    pub fn not_answered_codes(&self, platform: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let builtin = if self.not_answered_builtin {
            default_not_answered().into_iter().chain(platform.iter().map(|s| s.to_string())).collect()
        } else {
            Vec::new()
        };
        for v in builtin.into_iter().chain(self.not_answered.iter().cloned()) {
            let key = v.trim().to_lowercase();
            if !out.iter().any(|o| o.trim().to_lowercase() == key) {
                out.push(v);
            }
        }
        out
    }

    /// The skip codes of the survey-platform format that count as not answered (built-ins):
    /// those of the configured `format` (see `platform::skip_codes`).
    pub fn platform_skip_codes(&self) -> &'static [&'static str] {
        crate::platform::skip_codes(self.format)
    }

    pub fn issued_for(&self, period: Period) -> Option<u64> {
        self.plans.iter().find(|p| p.period == period).map(|p| p.issued)
    }

    /// The population of the plan for `period`, when it gives one.
    pub fn population_for(&self, period: Period) -> Option<u64> {
        self.plans.iter().find(|p| p.period == period).and_then(|p| p.population)
    }
}

/// How to read the files of one file set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// Canonical name of the configured encoding (`None` for `auto`).
    pub encoding: Option<String>,
    pub delimiter: Option<u8>,
    pub sheet: Option<String>,
    pub filters: Vec<RowFilter>,
}

macro_rules! read_options {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn read_options(&self) -> ReadOptions {
                ReadOptions {
                    encoding: self.encoding.map(|e| e.name().to_string()),
                    delimiter: self.delimiter,
                    sheet: self.sheet.clone(),
                    filters: self.filters.clone(),
                }
            }
        }
    )*};
}
read_options!(SurveyConfig, ComplaintsConfig, VolumeConfig, ActionsConfig);

/// One `files` entry: a path, glob or folder, written as a string or as a table
/// `{ path = "data/2025.xlsx", period = "2025" }`.
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    pub path: String,
    /// Every row of the entry's files belongs to this period (survey files only).
    pub period: Option<Period>,
    /// Whether a date column, when the file has one, dates the rows (default true); false:
    /// the period alone does.
    pub use_date: bool,
}

impl From<&str> for FileEntry {
    fn from(path: &str) -> Self {
        FileEntry { path: path.to_string(), period: None, use_date: true }
    }
}

impl<'de> Deserialize<'de> for FileEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            path: String,
            #[serde(default, deserialize_with = "file_period_value")]
            period: Option<Period>,
            #[serde(default = "default_true")]
            use_date: bool,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FileEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path such as \"data/*.csv\" or a table { path = \"data/2025.csv\", period = \"2025\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<FileEntry, E> {
                Ok(FileEntry::from(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<FileEntry, A::Error> {
                let t = Table::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(FileEntry { path: t.path, period: t.period, use_date: t.use_date })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A row filter: rows whose `column` holds none of `equals` (compared after trimming, with
/// full-width forms folded) are excluded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowFilter {
    pub column: String,
    pub equals: Vec<String>,
}

/// A survey-platform format's name (one of `platform::FORMATS`; an alias so that serde does
/// not borrow it from the config text).
pub type FormatName = &'static str;

fn survey_format<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<&'static str>, D::Error> {
    let name = String::deserialize(d)?;
    match crate::platform::find(name.trim()) {
        Some(f) => Ok(Some(f.name)),
        None => Err(values::invalid(
            format!("[survey] format \"{name}\" is not a known survey-platform format"),
            &format!("use format = {}, or remove format and name the columns yourself", crate::platform::names_text()),
        )),
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
pub(crate) fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, col)
}

#[macro_use]
mod read;
mod validate;
mod values;

use read::{read_config, Problems};
use values::*;

#[cfg(test)]
mod tests;
