//! Survey responses: one row per returned questionnaire, turned into typed answers.

use super::table::{Row, Table};
use super::value::{Answer, AnswerReader};
use super::{FileAccount, Rejection, RowPos, SourceFile};
use crate::config::SurveyConfig;
use crate::diag::Result;
use crate::period::{parse_date, Date};

/// One usable response. `answers` follows the configured item order
/// (dimension by dimension); `None` means not answered.
#[derive(Debug)]
pub struct SurveyRow<'a> {
    pub pos: RowPos,
    pub id: &'a str,
    pub date: Date,
    pub answers: &'a [Option<f64>],
    pub comment: Option<&'a str>,
}

struct Columns {
    id: usize,
    date: usize,
    comment: Option<usize>,
    items: Vec<usize>,
}

/// Reads every survey file, calling `on_row` for each usable response and `on_reject`
/// for each row that cannot be used. Returns the per-file accounts.
pub fn read_survey(
    files: &[SourceFile],
    cfg: &SurveyConfig,
    mut on_row: impl FnMut(&SurveyRow),
    mut on_reject: impl FnMut(Rejection),
) -> Result<Vec<FileAccount>> {
    let labels: Vec<(String, f64)> = cfg.scale.labels.iter().map(|(k, v)| (k.clone(), *v)).collect();
    let reader = AnswerReader::new(&cfg.not_answered, &labels, cfg.scale.min, cfg.scale.max);
    let item_names: Vec<&str> = cfg.items().collect();
    let mut answers = vec![None; item_names.len()];
    let mut accounts = Vec::with_capacity(files.len());
    for (file_idx, file) in files.iter().enumerate() {
        let mut table = Table::open(file)?;
        let cols = Columns {
            id: table.column(&cfg.id, "[survey] id")?,
            date: table.column(&cfg.date, "[survey] date")?,
            comment: cfg.comment.as_deref().map(|c| table.column(c, "[survey] comment")).transpose()?,
            items: item_names
                .iter()
                .map(|item| table.column(item, "an item of [[survey.dimensions]]"))
                .collect::<Result<_>>()?,
        };
        let header = table.header.clone();
        let mut account = FileAccount { file: file.shown.clone(), ..Default::default() };
        while let Some(row) = table.next_row()? {
            account.read += 1;
            let reject = |col: Option<usize>, reason: String| Rejection {
                file: file.shown.clone(),
                line: row.line,
                col: col.map(|c| c as u64 + 1),
                column: col.map(|c| header[c].clone()),
                reason,
            };
            match parse_row(&row, &cols, &reader, &mut answers) {
                Ok((id, date, comment)) => {
                    account.used += 1;
                    let pos = RowPos { file: file_idx as u32, line: row.line };
                    on_row(&SurveyRow { pos, id, date, answers: &answers, comment });
                }
                Err((col, reason)) => {
                    account.rejected += 1;
                    on_reject(reject(col, reason));
                }
            }
        }
        accounts.push(account);
    }
    Ok(accounts)
}

type RowError = (Option<usize>, String);

fn parse_row<'r>(
    row: &'r Row,
    cols: &Columns,
    reader: &AnswerReader,
    answers: &mut [Option<f64>],
) -> std::result::Result<(&'r str, Date, Option<&'r str>), RowError> {
    if row.is_blank() {
        return Err((None, "blank row".into()));
    }
    let text = |idx: usize| {
        row.cell(idx).map_err(|_| {
            (Some(idx), "the cell is not valid UTF-8 text (is the file saved in another encoding?)".to_string())
        })
    };
    let id = text(cols.id)?.trim();
    let raw_date = text(cols.date)?;
    let date = parse_date(raw_date).ok_or_else(|| {
        let shown = raw_date.trim();
        let what = if shown.is_empty() { "is empty".to_string() } else { format!("\"{shown}\" is not a date") };
        (Some(cols.date), format!("{what}; expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日"))
    })?;
    for (slot, &idx) in answers.iter_mut().zip(&cols.items) {
        *slot = match reader.read(text(idx)?) {
            Answer::Value(v) => Some(v),
            Answer::NotAnswered => None,
            Answer::Invalid(reason) => return Err((Some(idx), reason)),
        };
    }
    let comment = match cols.comment {
        Some(idx) => Some(text(idx)?.trim()).filter(|c| !c.is_empty()),
        None => None,
    };
    Ok((id, date, comment))
}
