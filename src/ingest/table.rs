//! Reading one table file into header + rows, with the file's own line numbers.

use super::value::{normalize_header, parse_number, parse_yes_no, suggest};
use super::{FileAccount, Rejection, RowPos, SourceFile};
use crate::diag::{Error, Location, Result};
use crate::period::{parse_date, Date};

/// An open table: its header and a reader positioned on the first data row.
pub struct Table {
    pub file: SourceFile,
    pub header: Vec<String>,
    normalized: Vec<String>,
    reader: csv::Reader<Box<dyn std::io::Read + Send>>,
    record: csv::ByteRecord,
}

/// A data row borrowed from the reader.
pub struct Row<'a> {
    pub line: u64,
    pub record: &'a csv::ByteRecord,
}

/// Why a row cannot be used: the column index at fault (if one) and the reason.
pub type CellError = (Option<usize>, String);

impl<'a> Row<'a> {
    /// The cell at `idx` as text; a missing cell (short row) reads as empty.
    pub fn cell(&self, idx: usize) -> std::result::Result<&'a str, std::str::Utf8Error> {
        std::str::from_utf8(self.record.get(idx).unwrap_or(b""))
    }
    pub fn is_blank(&self) -> bool {
        self.record.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
    }
    /// The trimmed text of a cell.
    pub fn text(&self, idx: usize) -> std::result::Result<&'a str, CellError> {
        self.cell(idx).map(str::trim).map_err(|_| {
            (Some(idx), "the cell is not valid UTF-8 text (is the file saved in another encoding?)".to_string())
        })
    }
    /// A date cell; blank is `None`.
    pub fn date(&self, idx: usize) -> std::result::Result<Option<Date>, CellError> {
        let t = self.text(idx)?;
        if t.is_empty() {
            return Ok(None);
        }
        parse_date(t).map(Some).ok_or_else(|| {
            (Some(idx), format!("\"{t}\" is not a date; expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日"))
        })
    }
    /// A date cell that must not be blank.
    pub fn required_date(&self, idx: usize) -> std::result::Result<Date, CellError> {
        self.date(idx)?.ok_or_else(|| {
            (Some(idx), "is empty; expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日".to_string())
        })
    }
    pub fn yes_no(&self, idx: usize) -> std::result::Result<Option<bool>, CellError> {
        parse_yes_no(self.text(idx)?).map_err(|e| (Some(idx), e))
    }
    /// A number cell; blank is `None`.
    pub fn number(&self, idx: usize) -> std::result::Result<Option<f64>, CellError> {
        let t = self.text(idx)?;
        if t.is_empty() {
            return Ok(None);
        }
        parse_number(t).map(Some).ok_or_else(|| (Some(idx), format!("\"{t}\" is not a number")))
    }
}

/// Reads every row of `files`: `columns` maps the configured columns once per file, `handle`
/// parses and consumes a row or says why it cannot be used; rejections go to `on_reject`.
/// Blank rows are rejected as such. Returns the per-file accounts.
pub fn read_rows<C>(
    files: &[SourceFile],
    mut columns: impl FnMut(&Table) -> Result<C>,
    mut handle: impl FnMut(&Row, &C, RowPos) -> std::result::Result<(), CellError>,
    mut on_reject: impl FnMut(Rejection),
) -> Result<Vec<FileAccount>> {
    let mut accounts = Vec::with_capacity(files.len());
    for (file_idx, file) in files.iter().enumerate() {
        let mut table = Table::open(file)?;
        let cols = columns(&table)?;
        let header = table.header.clone();
        let mut account = FileAccount { file: file.shown.clone(), ..Default::default() };
        while let Some(row) = table.next_row()? {
            account.read += 1;
            let pos = RowPos { file: file_idx as u32, line: row.line };
            let outcome = if row.is_blank() { Err((None, "blank row".to_string())) } else { handle(&row, &cols, pos) };
            match outcome {
                Ok(()) => account.used += 1,
                Err((col, reason)) => {
                    account.rejected += 1;
                    on_reject(Rejection {
                        file: file.shown.clone(),
                        line: row.line,
                        col: col.map(|c| c as u64 + 1),
                        column: col.map(|c| header.get(c).cloned().unwrap_or_default()),
                        reason,
                    });
                }
            }
        }
        accounts.push(account);
    }
    Ok(accounts)
}

impl Table {
    pub fn open(file: &SourceFile) -> Result<Table> {
        let handle = std::fs::File::open(&file.path).map_err(|e| Error::io(&file.path, "open the file", e))?;
        let delimiter = if file.shown.to_ascii_lowercase().ends_with(".tsv") { b'\t' } else { b',' };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Box::new(std::io::BufReader::with_capacity(1 << 16, handle)) as Box<dyn std::io::Read + Send>);
        let mut record = csv::ByteRecord::new();
        let has_header = reader.read_byte_record(&mut record).map_err(|e| csv_error(file, e))?;
        if !has_header {
            return Err(Error::data(Location::file(file.shown.clone()), "the file is empty: no header row")
                .with_hint("export the sheet again with its header row (column names) on the first line"));
        }
        let mut header = Vec::with_capacity(record.len());
        for (i, f) in record.iter().enumerate() {
            let name = std::str::from_utf8(f).map_err(|_| {
                Error::data(Location::at(file.shown.clone(), 1, Some(i as u64 + 1)), "the header is not valid UTF-8")
                    .with_hint("save the file as CSV UTF-8 (Excel: Save As → CSV UTF-8)")
            })?;
            header.push(name.trim_start_matches('\u{FEFF}').trim().to_string());
        }
        let normalized = header.iter().map(|h| normalize_header(h)).collect();
        Ok(Table { file: file.clone(), header, normalized, reader, record })
    }

    /// Index of a configured column; `key` names the config key in the message.
    pub fn column(&self, wanted: &str, key: &str) -> Result<usize> {
        let norm = normalize_header(wanted);
        if let Some(i) = self.normalized.iter().position(|h| *h == norm) {
            return Ok(i);
        }
        let listed: Vec<String> = self.header.iter().map(|h| format!("\"{h}\"")).collect();
        let mut err = Error::data(
            Location::at(self.file.shown.clone(), 1, None),
            format!("column \"{wanted}\" (from {key}) is not in the header; the columns are: {}", listed.join(", ")),
        );
        err = match suggest(wanted, self.header.iter().map(String::as_str)) {
            Some(near) => {
                err.with_hint(format!("did you mean \"{near}\"? Fix {key} in manyi.toml or the file's header"))
            }
            None => err.with_hint(format!("fix {key} in manyi.toml or the file's header so the names agree")),
        };
        Err(err)
    }

    /// The next data row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        let more = self.reader.read_byte_record(&mut self.record).map_err(|e| csv_error(&self.file, e))?;
        if !more {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line());
        Ok(Some(Row { line, record: &self.record }))
    }
}

fn csv_error(file: &SourceFile, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let loc = match line {
        Some(l) => Location::at(file.shown.clone(), l, None),
        None => Location::file(file.shown.clone()),
    };
    match e.kind() {
        csv::ErrorKind::Io(io) => Error::data(loc, format!("cannot read the file: {io}")),
        _ => Error::data(loc, format!("cannot parse the CSV: {e}")).with_hint("check the quoting around this line"),
    }
}
