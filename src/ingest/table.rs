//! Reading one table file into header + rows, with the file's own line numbers.

use super::value::{normalize_header, suggest};
use super::SourceFile;
use crate::diag::{Error, Location, Result};

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

impl Row<'_> {
    /// The cell at `idx` as text; a missing cell (short row) reads as empty.
    pub fn cell(&self, idx: usize) -> std::result::Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(self.record.get(idx).unwrap_or(b""))
    }
    pub fn is_blank(&self) -> bool {
        self.record.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
    }
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
