//! Survey responses: one row per returned questionnaire, turned into typed answers.

use super::table::{read_rows, CellError, Row, Table};
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
    /// First pass: collect each id's 64-bit hash (8 bytes a row); the caller looks for a
    /// repeated hash afterwards, which is rare.
    Collect(&'a mut Vec<u64>),
    /// Second pass, only when a hash repeated: for rows whose hash is in `watch`, compare the
    /// ids themselves; a later row with an id seen before is rejected. Exact, never a false match.
    Exact { watch: &'a HashSet<u64>, seen: &'a mut HashSet<String> },
}

/// Reads survey files, calling `on_row` for each usable response and `on_reject` for each
/// row that cannot be used. `first_index` is the index of `files[0]` among all survey files
/// (it orders rows in ties). Returns the per-file accounts.
pub fn read_survey(
    files: &[SourceFile],
    first_index: u32,
    cfg: &SurveyConfig,
    mut ids: IdCheck,
    mut on_row: impl FnMut(&SurveyRow),
    on_reject: impl FnMut(Rejection),
) -> Result<Vec<FileAccount>> {
    let labels: Vec<(String, f64)> = cfg.scale.labels.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let reader = AnswerReader::new(&cfg.not_answered, &labels, cfg.scale.min, cfg.scale.max);
    let item_names: Vec<&str> = cfg.items().collect();
    let mut answers = vec![Ans::Blank; item_names.len()];
    let columns = |table: &Table| -> Result<Columns> {
        Ok(Columns {
            id: table.column(&cfg.id, "[survey] id")?,
            date: table.column(&cfg.date, "[survey] date")?,
            comment: cfg.comment.as_deref().map(|c| table.column(c, "[survey] comment")).transpose()?,
            items: item_names
                .iter()
                .map(|item| table.column(item, "an item of [[survey.dimensions]]"))
                .collect::<Result<_>>()?,
        })
    };
    read_rows(
        files,
        first_index,
        &cfg.read_options(),
        columns,
        |row, cols, pos| {
            let (id, date, comment) = parse_row(row, cols, &reader, &mut answers)?;
            if !id.is_empty() && !matches!(ids, IdCheck::Skip) {
                let h = hash_id(id.as_bytes());
                match &mut ids {
                    IdCheck::Skip => {}
                    IdCheck::Collect(hashes) => hashes.push(h),
                    IdCheck::Exact { watch, seen } => {
                        if watch.contains(&h) && !seen.insert(id.to_string()) {
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
