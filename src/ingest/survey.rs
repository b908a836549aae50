//! Survey responses: one row per returned questionnaire, turned into typed answers.

use super::ids::IdCollector;
use super::table::{read_table, CellError, Row, Table};
use super::value::{Ans, AnswerReader};
use super::{duplicate_reason, hash_id, FileAccount, Rejection, RowPos, SourceFile};
use crate::config::SurveyConfig;
use crate::diag::Result;
use crate::period::Date;
use std::collections::HashSet;

/// One usable response. `answers` follows the configured item order
/// (dimension by dimension).
#[derive(Debug)]
pub struct SurveyRow<'a> {
    pub pos: RowPos,
    pub id: &'a str,
    pub date: Date,
    pub answers: &'a [Ans],
    pub comment: Option<&'a str>,
}

struct Columns {
    id: usize,
    date: usize,
    comment: Option<usize>,
    items: Vec<usize>,
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
    /// The id column: index, header name, and the worksheet, for the rejection.
    pub col: usize,
    pub column: String,
    pub sheet: Option<String>,
}

impl HeldRow {
    pub fn row(&self) -> SurveyRow<'_> {
        SurveyRow {
            pos: self.pos,
            id: &self.id,
            date: self.date,
            answers: &self.answers,
            comment: self.comment.as_deref(),
        }
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
    answers: AnswerReader,
    items: Vec<&'c str>,
}

impl<'c> SurveyReader<'c> {
    pub fn new(cfg: &'c SurveyConfig) -> Self {
        let labels: Vec<(String, f64)> = cfg.scale.labels.iter().map(|(k, v)| (k.clone(), *v)).collect();
        SurveyReader {
            cfg,
            answers: AnswerReader::new(
                &cfg.not_answered_codes(cfg.platform_skip_codes()),
                &labels,
                cfg.scale.min,
                cfg.scale.max,
            ),
            items: cfg.items().collect(),
        }
    }

    /// Opens a survey file and checks that it has every configured column.
    pub fn open(&self, file: &SourceFile) -> Result<Table> {
        let table = Table::open(file, &self.cfg.read_options())?;
        self.columns(&table)?;
        Ok(table)
    }

    /// The configured columns in the table's header; every missing one is reported at once.
    fn columns(&self, table: &Table) -> Result<Columns> {
        table.all_columns(|table| self.find_columns(table))
    }

    fn find_columns(&self, table: &Table) -> Result<Columns> {
        let cfg = self.cfg;
        Ok(Columns {
            id: table.column(&cfg.id, "[survey] id")?,
            date: table.column(&cfg.date, "[survey] date")?,
            comment: cfg.comment.as_deref().map(|c| table.column(c, "[survey] comment")).transpose()?,
            items: self
                .items
                .iter()
                .map(|item| table.column(item, "an item of [[survey.dimensions]]"))
                .collect::<Result<_>>()?,
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
        let id_column = table.header.get(cols.id).cloned().unwrap_or_default();
        let sheet = table.sheet.clone();
        let mut answers = vec![Ans::Blank; self.items.len()];
        read_table(
            table,
            file_index,
            &cols,
            |row, cols, pos| {
                let (id, date, comment) = parse_row(row, cols, &self.answers, &mut answers)?;
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
                                    col: cols.id,
                                    column: id_column.clone(),
                                    sheet: sheet.clone(),
                                });
                                return Ok(());
                            }
                        }
                    }
                }
                on_row(&SurveyRow { pos, id, date, answers: &answers, comment });
                Ok(())
            },
            on_reject,
        )
    }
}

fn parse_row<'r>(
    row: &Row<'r>,
    cols: &Columns,
    reader: &AnswerReader,
    answers: &mut [Ans],
) -> std::result::Result<(&'r str, Date, Option<&'r str>), CellError> {
    let id = row.text(cols.id)?;
    let date = row.required_date(cols.date)?;
    for (slot, &idx) in answers.iter_mut().zip(&cols.items) {
        let cell = row.bytes(idx);
        *slot = match reader.quick(cell) {
            Some(a) => a,
            None => reader.answer(cell).map_err(|reason| (Some(idx), reason))?,
        };
    }
    let comment = match cols.comment {
        Some(idx) => Some(row.text(idx)?).filter(|c| !c.is_empty()),
        None => None,
    };
    Ok((id, date, comment))
}
