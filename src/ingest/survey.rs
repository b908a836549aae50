//! Survey responses: one row per returned questionnaire, turned into typed answers.

use super::ids::IdCollector;
use super::table::{read_table, CellError, Row, Table};
use super::value::{Ans, AnswerReader};
use super::{duplicate_reason, hash_id, Code, FileAccount, Reason, Rejection, RowPos, SourceFile};
use crate::config::SurveyConfig;
use crate::diag::Result;
use crate::period::{Date, Period};
use std::collections::{BTreeSet, HashSet};
use std::sync::Mutex;

/// One usable response. `answers` follows the configured item order (dimension by
/// dimension), then the `overall` item and the `recommend` answer when configured.
#[derive(Debug)]
pub struct SurveyRow<'a> {
    pub pos: RowPos,
    pub id: &'a str,
    /// The file has no id column (Google Forms): the row's line number stands for its id.
    pub id_is_line: bool,
    pub date: Date,
    pub answers: &'a [Ans],
    pub comment: Option<&'a str>,
    /// The trimmed values of the `[survey] segments` columns, in config order (`""` = blank).
    pub segments: &'a [&'a str],
}

struct Columns {
    /// The id column; `None` for a platform without one (Google Forms): the data line number is
    /// the id and ids are not checked for repeats.
    id: Option<usize>,
    /// Dates may be written month first (`8/31/2023`), as Google Sheets' US locale does.
    month_first: bool,
    /// The date column, when the rows are dated by it.
    date: Option<usize>,
    /// The file's period (its `files` entry's): rows are placed on its first day when there is
    /// no date column, and must be dated inside it when there is.
    period: Option<Period>,
    comment: Option<usize>,
    /// The items, then the `overall` column when configured.
    items: Vec<usize>,
    /// The `recommend` column (0–10), read after the items.
    recommend: Option<usize>,
    /// The `[survey] segments` columns, in config order.
    segments: Vec<usize>,
    /// Where the response time is read and the minimum seconds, with `min_seconds`.
    duration: Option<(Duration, f64)>,
}

/// Where a row's response time is read (see `platform::Duration`).
#[derive(Debug, Clone, Copy)]
enum Duration {
    /// A column of seconds.
    Column(usize),
    /// End minus start, two date-time columns (SurveyMonkey).
    Between { start: usize, end: usize },
}

/// How repeated questionnaire ids are found.
pub enum IdCheck<'a> {
    /// Ids are not checked (`check_duplicate_ids = false`).
    Skip,
    /// First pass: collect the ids compactly (see `ids::IdCollector`); the caller asks it
    /// afterwards which ids may repeat, which is rare.
    Collect(&'a mut IdCollector),
    /// Second pass, only when some id may repeat: rows whose id hash is in `watch` are held
    /// back, not passed on; whoever merges the parts in input order then compares the ids
    /// themselves (see `HeldRow`): a later row with an id seen before is rejected.
    Hold { watch: &'a HashSet<u64>, held: &'a mut Vec<HeldRow> },
}

/// A usable row whose id may repeat, held back (counted as used) until the merge knows
/// whether an earlier row had the same id.
#[derive(Debug, Clone)]
pub struct HeldRow {
    pub pos: RowPos,
    pub id: String,
    pub date: Date,
    pub answers: Vec<Ans>,
    pub comment: Option<String>,
    pub segments: Vec<String>,
    /// The id column: index, header name, and the worksheet, for the rejection.
    pub col: usize,
    pub column: String,
    pub sheet: Option<String>,
}

impl HeldRow {
    /// Passes the held row on as a `SurveyRow`.
    pub fn with_row(&self, f: impl FnOnce(&SurveyRow)) {
        let segments: Vec<&str> = self.segments.iter().map(String::as_str).collect();
        f(&SurveyRow {
            pos: self.pos,
            id: &self.id,
            id_is_line: false,
            date: self.date,
            answers: &self.answers,
            comment: self.comment.as_deref(),
            segments: &segments,
        })
    }

    /// The rejection of this row as a repeat of an earlier one.
    pub fn repeat(&self, file: &str) -> Rejection {
        Rejection {
            file: file.to_string(),
            line: self.pos.line,
            col: Some(self.col as u64 + 1),
            column: Some(self.column.clone()),
            sheet: self.sheet.clone(),
            reason: duplicate_reason(&self.id),
        }
    }
}

/// Reads survey tables: the answer reader and item columns, resolved once from the config.
pub struct SurveyReader<'c> {
    cfg: &'c SurveyConfig,
    /// One answer reader per answer slot (the items, then `overall`): each item's own scale,
    /// labels and reverse scoring.
    answers: Vec<AnswerReader>,
    /// When `format` is not configured: the slot readers of files detected as each format
    /// (with its skip codes), in `platform::FORMATS` order.
    detected: Vec<Vec<AnswerReader>>,
    /// The readers of the 0–10 `recommend` column: with the configured format's skip codes,
    /// then per detected format (as `detected`).
    recommend: AnswerReader,
    detected_recommend: Vec<AnswerReader>,
    items: Vec<&'c str>,
    /// The first file opened and its format: every file of the set must have the same.
    first_format: Mutex<Option<(String, Option<&'static str>)>>,
    /// Files whose rows are dated by their period alone (no date column used), with it.
    undated: Mutex<BTreeSet<(String, Period)>>,
}

impl<'c> SurveyReader<'c> {
    pub fn new(cfg: &'c SurveyConfig) -> Self {
        SurveyReader {
            cfg,
            answers: slot_readers(cfg, cfg.platform_skip_codes()),
            detected: crate::platform::FORMATS.iter().map(|f| slot_readers(cfg, f.skip_codes)).collect(),
            recommend: AnswerReader::new(&cfg.not_answered_codes(cfg.platform_skip_codes()), &[], 0.0, 10.0),
            detected_recommend: crate::platform::FORMATS
                .iter()
                .map(|f| AnswerReader::new(&cfg.not_answered_codes(f.skip_codes), &[], 0.0, 10.0))
                .collect(),
            items: cfg.items().collect(),
            first_format: Mutex::new(None),
            undated: Mutex::new(BTreeSet::new()),
        }
    }

    /// The files read so far whose rows are dated by their `files` entry's period alone.
    pub fn undated(&self) -> Vec<(String, Period)> {
        self.undated.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }

    /// Opens a survey file and checks that it has every configured column.
    pub fn open(&self, file: &SourceFile) -> Result<Table> {
        let mut table = Table::open(file, &self.cfg.read_options())?;
        table.set_format(self.cfg.format)?;
        self.check_format(&table)?;
        self.columns(&mut table)?;
        Ok(table)
    }

    /// A file set is read in one format: a file whose detected format differs from the first
    /// file's is an error naming both; a detected 问卷星 file needs a scale without its skip
    /// codes -2/-3.
    fn check_format(&self, table: &Table) -> Result<()> {
        use crate::diag::{Error, Location};
        let name = |f: Option<&str>| f.map_or("a plain table".to_string(), |f| format!("a {f} export"));
        let mut first = self.first_format.lock().unwrap_or_else(|e| e.into_inner());
        match &*first {
            None => *first = Some((table.file.shown.clone(), table.format)),
            Some((file, format)) if *format != table.format => {
                return Err(Error::data(
                    Location::file(table.file.shown.clone()),
                    format!("this file is {} but {file} is {}", name(table.format), name(*format)),
                )
                .with_hint("read files of one kind in one [survey] file set: convert or remove the odd one"));
            }
            Some(_) => {}
        }
        let scale = &self.cfg.scale;
        if self.cfg.format.is_none() && crate::platform::skip_codes_in_scale(table.format, scale.min, scale.max) {
            let f = crate::platform::get(table.format.unwrap_or_default());
            return Err(Error::config(
                Location::file(table.file.shown.clone()),
                format!(
                    "this file is a {} export, whose skip codes {} lie inside the scale (min = {})",
                    f.title,
                    f.skip_codes.join(", "),
                    crate::number::shortest(scale.min)
                ),
            )
            .with_hint(
                "use a scale that leaves out the skip codes under [survey], so that they can only mean skipped",
            ));
        }
        Ok(())
    }

    /// The configured columns in the table's header; every missing one is reported at once.
    fn columns(&self, table: &mut Table) -> Result<Columns> {
        table.all_columns(|table| self.find_columns(table))
    }

    fn find_columns(&self, table: &Table) -> Result<Columns> {
        let cfg = self.cfg;
        let period = table.file.period;
        // A platform format supplies the id, date and duration columns not configured.
        let format = table.format.map(crate::platform::get);
        let id = match (&cfg.id, format) {
            (Some(id), _) => Some(id.as_str()),
            (None, Some(f)) => f.id,
            (None, None) => {
                let known: Vec<String> = crate::platform::FORMATS
                    .iter()
                    .map(|f| format!("{}: {}", f.title, f.signature.join(", ")))
                    .collect();
                return Err(crate::diag::Error::config(
                    crate::diag::Location::file(table.file.shown.clone()),
                    format!(
                        "[survey] has no id column, and this file is not an export of a survey platform manyi \
                         recognises ({})",
                        known.join("; ")
                    ),
                )
                .with_hint(format!(
                    "name the questionnaire id column with id = \"<column>\" (and the date column with \
                     date = \"<column>\") under [survey] in manyi.toml, or set format = {} for a platform's download",
                    crate::platform::names_text()
                )));
            }
        };
        let cfg_date = cfg.date.as_deref().or(format.map(|f| f.date));
        if let (None, None) = (cfg_date, period) {
            return Err(crate::diag::Error::config(
                crate::diag::Location::file(table.file.shown.clone()),
                "[survey] has no date column, and this file has no period",
            )
            .with_hint(
                "name the date column with date = \"<column>\" under [survey], or give the files entry its period",
            ));
        }
        // A file with a period is dated by its date column only when it has one and the entry
        // does not say `use_date = false`; a file without a period needs the column.
        let date = match (cfg_date, period) {
            (Some(d), None) => Some(table.column(d, "[survey] date")?),
            (Some(d), Some(_)) if table.file.use_date && table.has_column(d) => Some(table.column(d, "[survey] date")?),
            _ => None,
        };
        if let (None, Some(p)) = (date, period) {
            self.undated.lock().unwrap_or_else(|e| e.into_inner()).insert((table.file.shown.clone(), p));
        }
        let duration = match cfg.min_seconds {
            None => None,
            Some(min) => Some((duration_source(table, cfg.duration.as_deref(), format)?, min)),
        };
        Ok(Columns {
            id: id.map(|id| table.column(id, "[survey] id")).transpose()?,
            month_first: format.is_some_and(|f| f.month_first),
            date,
            period,
            duration,
            comment: cfg.comment.as_deref().map(|c| table.column(c, "[survey] comment")).transpose()?,
            items: self
                .items
                .iter()
                .map(|item| table.column(item, "an item of [[survey.dimensions]]"))
                .chain(cfg.overall.as_deref().map(|c| table.column(c, "[survey] overall")))
                .collect::<Result<_>>()?,
            recommend: cfg.recommend.as_deref().map(|c| table.column(c, "[survey] recommend")).transpose()?,
            segments: cfg.segments.iter().map(|c| table.column(c, "[survey] segments")).collect::<Result<_>>()?,
        })
    }

    /// Reads the rows of an opened table (a file or a range of one, see `Table::ranges`),
    /// calling `on_row` for each usable response and `on_reject` for each row that cannot be
    /// used. `file_index` is the file's index among all survey files (it orders rows in ties).
    pub fn read(
        &self,
        table: &mut Table,
        file_index: u32,
        mut ids: IdCheck,
        mut on_row: impl FnMut(&SurveyRow),
        on_reject: impl FnMut(Rejection),
    ) -> Result<FileAccount> {
        let cols = self.columns(table)?;
        let id_column = cols.id.and_then(|i| table.header.get(i).cloned()).unwrap_or_default();
        let sheet = table.sheet.clone();
        let extra = usize::from(self.cfg.overall.is_some()) + usize::from(self.cfg.recommend.is_some());
        let mut answers = vec![Ans::Blank; self.items.len() + extra];
        let mut too_fast = 0u64;
        let (reader, recommend) = match (self.cfg.format, table.format) {
            (None, Some(f)) => {
                let i = crate::platform::FORMATS.iter().position(|g| g.name == f).expect("a known format");
                (&self.detected[i], &self.detected_recommend[i])
            }
            _ => (&self.answers, &self.recommend),
        };
        let mut account = read_table(
            table,
            file_index,
            &cols,
            |row, cols, pos| {
                if let Some(fast) = check_duration(row, cols)? {
                    too_fast += 1;
                    return Err(fast);
                }
                let mut segments = [""; crate::config::MAX_SEGMENTS];
                let segments = &mut segments[..cols.segments.len()];
                for (value, &idx) in segments.iter_mut().zip(&cols.segments) {
                    *value = row.text(idx)?;
                }
                let (id, date, comment) = parse_row(row, cols, (reader.as_slice(), recommend), &mut answers)?;
                if !id.is_empty() {
                    match &mut ids {
                        IdCheck::Skip => {}
                        IdCheck::Collect(collector) => collector.add(id.as_bytes()),
                        IdCheck::Hold { watch, held } => {
                            if watch.contains(&hash_id(id.as_bytes())) {
                                held.push(HeldRow {
                                    pos,
                                    id: id.to_string(),
                                    date,
                                    answers: answers.clone(),
                                    comment: comment.map(str::to_string),
                                    segments: segments.iter().map(|s| s.to_string()).collect(),
                                    col: cols.id.unwrap_or(0),
                                    column: id_column.clone(),
                                    sheet: sheet.clone(),
                                });
                                return Ok(());
                            }
                        }
                    }
                }
                let id_is_line = cols.id.is_none();
                on_row(&SurveyRow { pos, id, id_is_line, date, answers: &answers, comment, segments });
                Ok(())
            },
            on_reject,
        )?;
        account.too_fast = too_fast;
        Ok(account)
    }
}

/// The answer readers of the slots (the items, then `overall`) with a platform's skip codes:
/// each item on its own scale with its labels (see `SurveyConfig::labels_of`), reversed when
/// set; `overall` on `[survey] scale`.
fn slot_readers(cfg: &SurveyConfig, skip_codes: &[&str]) -> Vec<AnswerReader> {
    let codes = cfg.not_answered_codes(skip_codes);
    let global: Vec<(String, f64)> = cfg.scale.labels.iter().map(|(k, v)| (k.clone(), *v)).collect();
    cfg.item_entries()
        .map(|item| {
            let scale = cfg.scale_of(item);
            AnswerReader::new(&codes, &cfg.labels_of(item), scale.min, scale.max).reversed(item.reverse)
        })
        .chain(cfg.overall.iter().map(|_| AnswerReader::new(&codes, &global, cfg.scale.min, cfg.scale.max)))
        .collect()
}

/// The too-fast check of `min_seconds`: `Ok(Some(reason))` for a row completed faster than
/// the minimum, `Err` for a cell that is not a duration. A blank duration is unknown: the row
/// is not checked.
fn check_duration(row: &Row, cols: &Columns) -> std::result::Result<Option<CellError>, CellError> {
    if let Some((source, min)) = cols.duration {
        let (seconds, idx) = match source {
            Duration::Column(idx) => {
                let text = row.text(idx)?;
                if text.is_empty() {
                    return Ok(None);
                }
                let seconds = super::value::parse_duration(text)
                    .ok_or_else(|| (Some(idx), Reason::new(Code::NotADuration).with_value(text)))?;
                (seconds, idx)
            }
            Duration::Between { start, end } => {
                let moment = |idx: usize| -> std::result::Result<Option<i64>, CellError> {
                    let text = row.text(idx)?;
                    if text.is_empty() {
                        return Ok(None);
                    }
                    crate::period::parse_moment(text, cols.month_first)
                        .map(Some)
                        .ok_or_else(|| (Some(idx), Reason::new(Code::NotADateTime).with_value(text)))
                };
                let (Some(a), Some(b)) = (moment(start)?, moment(end)?) else { return Ok(None) };
                if b < a {
                    return Err((Some(end), Reason::new(Code::EndBeforeStart).with(a - b)));
                }
                ((b - a) as f64, end)
            }
        };
        if seconds < min {
            return Ok(Some((
                Some(idx),
                Reason::new(Code::TooFast).with(crate::number::shortest(seconds)).with(crate::number::shortest(min)),
            )));
        }
    }
    Ok(None)
}

fn parse_row<'r>(
    row: &Row<'r>,
    cols: &Columns,
    (readers, recommend): (&[AnswerReader], &AnswerReader),
    answers: &mut [Ans],
) -> std::result::Result<(&'r str, Date, Option<&'r str>), CellError> {
    let id = match cols.id {
        Some(idx) => row.text(idx)?,
        None => "",
    };
    let date = match (cols.date, cols.period) {
        (Some(idx), period) => {
            let date = match row.required_date(idx) {
                Err(e) if cols.month_first => crate::period::parse_date_month_first(row.text(idx)?).ok_or(e)?,
                other => other?,
            };
            if let Some(p) = period.filter(|p| !p.contains(date.month_key())) {
                return Err((Some(idx), Reason::new(Code::DateOutsidePeriod).with(date).with(p)));
            }
            date
        }
        (None, Some(p)) => p.first_day(),
        (None, None) => unreachable!("a file without a period has a date column"),
    };
    for ((slot, &idx), reader) in answers.iter_mut().zip(&cols.items).zip(readers) {
        let cell = row.bytes(idx);
        *slot = match reader.quick(cell) {
            Some(a) => a,
            None => reader.answer(cell).map_err(|reason| (Some(idx), reason))?,
        };
    }
    if let Some(idx) = cols.recommend {
        answers[cols.items.len()] = recommend.answer(row.bytes(idx)).map_err(|reason| (Some(idx), reason))?;
    }
    let comment = match cols.comment {
        Some(idx) => Some(row.text(idx)?).filter(|c| !c.is_empty()),
        None => None,
    };
    Ok((id, date, comment))
}

/// Where the response time is read: `duration` when configured, else the file's format's
/// (a column, or End − Start), else the one platform duration column the file has.
fn duration_source(
    table: &Table,
    configured: Option<&str>,
    format: Option<&crate::platform::Format>,
) -> Result<Duration> {
    use crate::platform::Duration as Rule;
    let key = "[survey] duration";
    match (configured, format.map(|f| f.duration)) {
        (Some(c), _) | (None, Some(Rule::Column(c))) => return Ok(Duration::Column(table.column(c, key)?)),
        (None, Some(Rule::Between(start, end))) => {
            return Ok(Duration::Between { start: table.column(start, key)?, end: table.column(end, key)? })
        }
        _ => {}
    }
    let columns = crate::platform::duration_columns();
    let found: Vec<&str> = columns.iter().copied().filter(|c| table.has_column(c)).collect();
    match found[..] {
        [c] => Ok(Duration::Column(table.column(c, key)?)),
        _ => Err(crate::diag::Error::data(
            crate::diag::Location::file(table.file.shown.clone()),
            format!("[survey] min_seconds is set but the file has no duration column ({})", columns.join(", ")),
        )
        .with_hint("name the column with duration = \"<column>\" under [survey], or remove min_seconds")),
    }
}
