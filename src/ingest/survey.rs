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
    /// Second pass, only when a hash repeated: for rows whose hash is in `watch`, compare the
    /// ids themselves; a later row with an id seen before is rejected. Exact, never a false match.
    Exact { watch: &'a HashSet<u64>, seen: &'a mut HashSet<String> },
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
            answers: AnswerReader::new(&cfg.not_answered, &labels, cfg.scale.min, cfg.scale.max),
            items: cfg.items().collect(),
        }
    }

    /// Opens a survey file and checks that it has every configured column.
    pub fn open(&self, file: &SourceFile) -> Result<Table> {
        let table = Table::open(file, &self.cfg.read_options())?;
        self.columns(&table)?;
        Ok(table)
    }

    fn columns(&self, table: &Table) -> Result<Columns> {
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
                        IdCheck::Exact { watch, seen } => {
                            if watch.contains(&hash_id(id.as_bytes())) && !seen.insert(id.to_string()) {
                                return Err((Some(cols.id), duplicate_reason(id)));
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

/// Reads whole survey files in order, one after the other; see `SurveyReader::read`.
/// `first_index` is the index of `files[0]` among all survey files.
pub fn read_survey(
    files: &[SourceFile],
    first_index: u32,
    cfg: &SurveyConfig,
    mut ids: IdCheck,
    mut on_row: impl FnMut(&SurveyRow),
    mut on_reject: impl FnMut(Rejection),
) -> Result<Vec<FileAccount>> {
    let reader = SurveyReader::new(cfg);
    let mut accounts = Vec::with_capacity(files.len());
    for (i, file) in files.iter().enumerate() {
        let mut table = reader.open(file)?;
        let ids = match &mut ids {
            IdCheck::Skip => IdCheck::Skip,
            IdCheck::Collect(h) => IdCheck::Collect(h),
            IdCheck::Exact { watch, seen } => IdCheck::Exact { watch, seen },
        };
        accounts.push(reader.read(&mut table, first_index + i as u32, ids, &mut on_row, &mut on_reject)?);
    }
    Ok(accounts)
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
