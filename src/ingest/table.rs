//! Reading one table file into header + rows, with the file's own line numbers.

use super::records::{Mark, Record, RecordReader};
use super::value::{normalize_header, parse_number, parse_yes_no, quote, suggest};
use super::{FileAccount, Rejection, RowPos, SourceFile};
use crate::config::ReadOptions;
use crate::diag::{Error, Location, Result};
use crate::period::{parse_date, Date};
use std::io::{BufRead, Read};

/// An open table: its header and a reader positioned on the first data row.
pub struct Table {
    pub file: SourceFile,
    pub header: Vec<String>,
    /// Worksheet name for workbooks (locations read `file:Sheet!C7`).
    pub sheet: Option<String>,
    /// Number of header fields; rows with more non-empty fields are suspect.
    normalized: Vec<String>,
    source: Source,
    record: Record,
    pub delimiter: u8,
    /// The file's bytes are read as they are (UTF-8), so byte offsets are file offsets and
    /// the file can be read in ranges.
    raw: bool,
}

enum Source {
    Csv(RecordReader<Box<dyn Read + Send>>),
    Sheet { range: calamine::Range<calamine::Data>, next: usize, first_row: u32 },
}

/// A data row borrowed from the reader.
pub struct Row<'a> {
    /// The file's own line number, or the sheet's row number (within a range read from the
    /// middle of a file: counted from the range's first line, see `Table::open_range`).
    pub line: u64,
    pub record: &'a Record,
}

/// Trims whitespace, with a fast path for the common cell that has none at either end.
/// A cell needs `str::trim` only when its first byte may begin whitespace (ASCII control or
/// space, or the lead byte of U+0085/U+00A0, U+1680, U+2000–U+205F, U+3000) or its last
/// character is whitespace; Chinese text and numbers skip it.
fn trim_cell(s: &str) -> &str {
    match (s.as_bytes().first(), s.chars().next_back()) {
        (None, _) => s,
        (Some(&a), Some(z)) if !(a <= b' ' || matches!(a, 0x7f | 0xc2 | 0xe1 | 0xe2 | 0xe3)) && !z.is_whitespace() => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod trim_tests {
    #[test]
    fn trim_cell_equals_str_trim() {
        let cases = [
            "",
            " ",
            "a",
            " a ",
            "满意",
            " 满意",
            "满意\u{3000}",
            "\u{3000}满意",
            "\u{a0}x",
            "x\u{85}",
            "\u{2003}4\u{2003}",
            "\u{1680}q",
            "\u{b}v",
            "v\t",
            "√",
            "\u{feff}x",
            "x\u{205f}",
            "产品\u{2028}",
        ];
        for c in cases {
            assert_eq!(super::trim_cell(c), c.trim(), "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn trim_cell_equals_str_trim_on_any_text(s in "[ \\t\u{b}\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{205f}\u{3000}a满√]{0,6}") {
            proptest::prop_assert_eq!(super::trim_cell(&s), s.trim());
        }
    }
}

const SNIFF: usize = 1 << 20;

fn is_workbook(file: &SourceFile) -> bool {
    let lower = file.shown.to_ascii_lowercase();
    [".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"].iter().any(|e| lower.ends_with(e))
}

/// Chooses the encoding: the configured one, a BOM, UTF-8 if the start of the file is valid
/// UTF-8, else GB18030 (a superset of GBK, what Chinese Excel saves as "CSV").
fn sniff_encoding(prefix: &[u8], configured: Option<&str>) -> Option<&'static encoding_rs::Encoding> {
    if let Some(label) = configured {
        return encoding_rs::Encoding::for_label(label.as_bytes());
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(prefix) {
        return Some(enc);
    }
    match std::str::from_utf8(prefix) {
        Ok(_) => None,
        Err(e) if e.error_len().is_none() => None, // a character cut by the end of the sniffed prefix
        Err(_) => Some(encoding_rs::GB18030),
    }
}

/// The delimiter used most in the first line, outside quotes (`,` when none is found).
fn sniff_delimiter(prefix: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b'\t', b';', b'|'];
    let mut quoted = false;
    for &b in prefix {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4).max_by_key(|i| (counts[*i], std::cmp::Reverse(*i))).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

impl Table {
    pub fn open(file: &SourceFile, opts: &ReadOptions) -> Result<Table> {
        if is_workbook(file) {
            return Self::open_sheet(file, opts);
        }
        let mut handle = std::fs::File::open(&file.path).map_err(|e| Error::io(&file.path, "open the file", e))?;
        let mut prefix = Vec::with_capacity(8192);
        (&mut handle)
            .take(SNIFF as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| Error::io(&file.path, "read the file", e))?;
        let loc = || Location::file(file.shown.clone());
        let encoding = sniff_encoding(&prefix, opts.encoding.as_deref());
        let is_utf16 = encoding.is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE);
        if !is_utf16 && prefix.contains(&0) {
            return Err(
                Error::data(loc(), "the file is not text: it contains NUL bytes").with_hint(super::nul_hint(&prefix))
            );
        }
        let raw = encoding.is_none_or(|e| e == encoding_rs::UTF_8);
        let chained = std::io::Cursor::new(prefix).chain(handle);
        let decoded: Box<dyn Read + Send> = if raw {
            // UTF-8 is read as bytes, so an invalid sequence is reported per cell, not replaced.
            Box::new(chained)
        } else {
            Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(encoding).bom_override(true).build(chained),
            )
        };
        let mut reader = std::io::BufReader::with_capacity(1 << 16, decoded);
        let delimiter = match opts.delimiter {
            Some(d) => d,
            None => {
                let buf = reader.fill_buf().map_err(|e| Error::io(&file.path, "read the file", e))?;
                if file.shown.to_ascii_lowercase().ends_with(".tsv") {
                    b'\t'
                } else {
                    sniff_delimiter(buf)
                }
            }
        };
        let mut csv = RecordReader::new(Box::new(reader) as Box<dyn Read + Send>, delimiter, 0, 1);
        let mut record = Record::default();
        let has_header = csv.read(&mut record).map_err(|e| Error::io(&file.path, "read the file", e))?.is_some();
        if !has_header || record.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace())) {
            return Err(Error::data(loc(), "the file is empty: no header row")
                .with_hint("export the sheet again with its header row (column names) on the first line"));
        }
        let mut header = Vec::with_capacity(record.len());
        for (i, f) in record.iter().enumerate() {
            let name = std::str::from_utf8(f).map_err(|_| {
                Error::data(Location::at(file.shown.clone(), 1, Some(i as u64 + 1)), "the header is not valid UTF-8")
                    .with_hint("set encoding = \"gbk\" (or the file's encoding) for this file set in manyi.toml")
            })?;
            header.push(name.trim_start_matches('\u{FEFF}').trim().to_string());
        }
        let mut table = Self::with_header(file, header, None, Source::Csv(csv));
        table.delimiter = delimiter;
        table.raw = raw;
        Ok(table)
    }

    fn open_sheet(file: &SourceFile, opts: &ReadOptions) -> Result<Table> {
        use calamine::Reader;
        let loc = || Location::file(file.shown.clone());
        let mut book = calamine::open_workbook_auto(&file.path).map_err(|e| {
            Error::data(loc(), format!("cannot read the workbook: {e}")).with_hint("save it again from Excel as .xlsx")
        })?;
        let names = book.sheet_names();
        let sheet = match &opts.sheet {
            Some(s) => names.iter().find(|n| n.trim() == s.trim()).cloned().ok_or_else(|| {
                Error::config(loc(), format!("the workbook has no sheet \"{s}\"; its sheets are: {}", names.join(", ")))
                    .with_hint("fix `sheet` for this file set in manyi.toml")
            })?,
            None => names.first().cloned().ok_or_else(|| Error::data(loc(), "the workbook has no sheets"))?,
        };
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| Error::data(loc(), format!("cannot read sheet \"{sheet}\": {e}")))?;
        let Some((first_row, first_col)) = range.start() else {
            return Err(Error::data(loc(), format!("sheet \"{sheet}\" is empty: no header row"))
                .with_hint("put the column names in the first row of the sheet"));
        };
        let lead = first_col as usize; // keep column letters true to the sheet
        let mut header = vec![String::new(); lead];
        if let Some(row) = range.rows().next() {
            header.extend(row.iter().map(|c| cell_text(c).trim().to_string()));
        }
        let source = Source::Sheet { range, next: 1, first_row };
        Ok(Self::with_header(file, header, Some(sheet), source))
    }

    fn with_header(file: &SourceFile, header: Vec<String>, sheet: Option<String>, source: Source) -> Table {
        let normalized = header.iter().map(|h| normalize_header(h)).collect();
        Table {
            file: file.clone(),
            header,
            sheet,
            normalized,
            source,
            record: Record::default(),
            delimiter: b',',
            raw: false,
        }
    }

    /// Index of a configured column; `key` names the config key in the message.
    pub fn column(&self, wanted: &str, key: &str) -> Result<usize> {
        let norm = normalize_header(wanted);
        if let Some(i) = self.normalized.iter().position(|h| *h == norm) {
            return Ok(i);
        }
        let listed: Vec<String> = self.header.iter().filter(|h| !h.is_empty()).map(|h| format!("\"{h}\"")).collect();
        let header_line = match &self.source {
            Source::Sheet { first_row, .. } => u64::from(*first_row) + 1,
            Source::Csv(_) => 1,
        };
        let mut err = Error::data(
            Location::at(self.file.shown.clone(), header_line, None).in_sheet(self.sheet.clone()),
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

    /// The next data row, or `None` at the end of the file (or of the range).
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.source {
            Source::Csv(reader) => match reader.read(&mut self.record) {
                Ok(Some(mark)) => Ok(Some(Row { line: mark.line, record: &self.record })),
                Ok(None) => Ok(None),
                Err(e) => Err(Error::io(&self.file.path, "read the file", e)),
            },
            Source::Sheet { range, next, first_row } => {
                let Some(cells) = range.rows().nth(*next) else { return Ok(None) };
                let line = u64::from(*first_row) + *next as u64 + 1;
                *next += 1;
                let lead = range.start().map_or(0, |s| s.1 as usize);
                self.record.clear();
                for _ in 0..lead {
                    self.record.push_field(b"");
                }
                for c in cells {
                    self.record.push_field(cell_text(c).as_bytes());
                }
                Ok(Some(Row { line, record: &self.record }))
            }
        }
    }

    /// Where the next record starts (after the last one read); `None` at the end of input.
    pub fn next_start(&mut self) -> Result<Option<Mark>> {
        match &mut self.source {
            Source::Csv(reader) => reader.next_start().map_err(|e| Error::io(&self.file.path, "read the file", e)),
            Source::Sheet { .. } => Ok(None),
        }
    }

    /// Byte ranges `(start, stop)` for reading this file's data rows in parallel, about
    /// `target` bytes each. Each start is the first byte of a line; whether it is also the
    /// start of a record (not a line inside a quoted value) only the reader of the range
    /// before can tell, so callers check it (see `next_start`). A single range when the file
    /// is small, a workbook, or decoded from another encoding (offsets would not be file offsets).
    pub fn ranges(&mut self, target: u64) -> Result<Vec<(u64, u64)>> {
        let Some(first) = self.next_start()? else { return Ok(vec![(0, u64::MAX)]) };
        let len = std::fs::metadata(&self.file.path).map_err(|e| Error::io(&self.file.path, "read the file", e))?.len();
        let body = len.saturating_sub(first.byte);
        if !self.raw || body < 2 * target.max(1) {
            return Ok(vec![(0, u64::MAX)]);
        }
        let n = body.div_ceil(target);
        let mut f = std::fs::File::open(&self.file.path).map_err(|e| Error::io(&self.file.path, "open the file", e))?;
        let mut cuts = vec![0];
        for i in 1..n {
            let nominal = first.byte + body * i / n;
            match line_start_from(&mut f, nominal).map_err(|e| Error::io(&self.file.path, "read the file", e))? {
                Some(cut) if cut > *cuts.last().unwrap_or(&0) && cut > first.byte => cuts.push(cut),
                _ => {}
            }
        }
        cuts.push(u64::MAX);
        Ok(cuts.windows(2).map(|w| (w[0], w[1])).collect())
    }

    /// Limits this table to records starting before `stop`.
    pub fn set_stop(&mut self, stop: u64) {
        if let Source::Csv(reader) = &mut self.source {
            reader.set_stop(stop);
        }
    }

    /// What reading a range of this file needs: the file, its header and delimiter.
    pub fn layout(&self) -> Layout {
        Layout { file: self.file.clone(), header: self.header.clone(), delimiter: self.delimiter }
    }
}

/// A CSV file's header and delimiter, to open ranges of it (see `Table::ranges`).
#[derive(Debug, Clone)]
pub struct Layout {
    file: SourceFile,
    header: Vec<String>,
    delimiter: u8,
}

impl Layout {
    /// The file read from byte `start` (a line start from `Table::ranges`) up to the first
    /// record starting at or after `stop`. Lines count from 1 at `start`; the caller shifts
    /// them once the lines before are known.
    pub fn open_range(&self, start: u64, stop: u64) -> Result<Table> {
        use std::io::Seek;
        let path = &self.file.path;
        let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, "open the file", e))?;
        f.seek(std::io::SeekFrom::Start(start)).map_err(|e| Error::io(path, "read the file", e))?;
        let mut reader = RecordReader::new(Box::new(f) as Box<dyn Read + Send>, self.delimiter, start, 1);
        reader.set_stop(stop);
        let mut t = Table::with_header(&self.file, self.header.clone(), None, Source::Csv(reader));
        t.delimiter = self.delimiter;
        t.raw = true;
        Ok(t)
    }
}

/// The offset just after the first `\n` at or after `at - 1` (so `at` itself if a line starts
/// there); `None` when no line starts at or after `at`.
fn line_start_from(f: &mut std::fs::File, at: u64) -> std::io::Result<Option<u64>> {
    use std::io::Seek;
    let mut pos = at.saturating_sub(1);
    f.seek(std::io::SeekFrom::Start(pos))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(Some(pos + i as u64 + 1));
        }
        pos += n as u64;
    }
}

/// A workbook cell as the text a CSV export would hold; dates as YYYY-MM-DD.
fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => crate::number::shortest(*f),
        Data::Bool(b) => {
            if *b {
                "TRUE".into()
            } else {
                "FALSE".into()
            }
        }
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            if d.is_datetime() {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                crate::number::shortest(d.as_f64())
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Why a row cannot be used: the column index at fault (if one) and the reason.
pub type CellError = (Option<usize>, String);

impl<'a> Row<'a> {
    /// The cell at `idx` as bytes; a missing cell (short row) reads as empty.
    pub fn bytes(&self, idx: usize) -> &'a [u8] {
        self.record.get(idx).unwrap_or_default()
    }
    /// The cell at `idx` as text; a missing cell (short row) reads as empty.
    pub fn cell(&self, idx: usize) -> std::result::Result<&'a str, std::str::Utf8Error> {
        std::str::from_utf8(self.bytes(idx))
    }
    pub fn is_blank(&self) -> bool {
        self.record.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
    }
    /// The trimmed text of a cell.
    pub fn text(&self, idx: usize) -> std::result::Result<&'a str, CellError> {
        self.cell(idx).map(trim_cell).map_err(|_| (Some(idx), super::value::NOT_UTF8.to_string()))
    }
    /// A date cell; blank is `None`.
    pub fn date(&self, idx: usize) -> std::result::Result<Option<Date>, CellError> {
        let t = self.text(idx)?;
        if t.is_empty() {
            return Ok(None);
        }
        parse_date(t).map(Some).ok_or_else(|| {
            (
                Some(idx),
                format!("{} is not a date; expected a date such as 2026-03-01, 2026/3/1 or 2026年3月1日", quote(t)),
            )
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
        parse_number(t).map(Some).ok_or_else(|| (Some(idx), format!("{} is not a number", quote(t))))
    }
}

/// Reads every row of `files`: `columns` maps the configured columns once per file, `handle`
/// parses and consumes a row or says why it cannot be used; rejections go to `on_reject`.
/// Blank rows are rejected as such. Returns the per-file accounts.
pub fn read_rows<C>(
    files: &[SourceFile],
    first_index: u32,
    opts: &ReadOptions,
    mut columns: impl FnMut(&Table) -> Result<C>,
    mut handle: impl FnMut(&Row, &C, RowPos) -> std::result::Result<(), CellError>,
    mut on_reject: impl FnMut(Rejection),
) -> Result<Vec<FileAccount>> {
    let mut accounts = Vec::with_capacity(files.len());
    for (file_idx, file) in files.iter().enumerate() {
        let mut table = Table::open(file, opts)?;
        let cols = columns(&table)?;
        accounts.push(read_table(&mut table, first_index + file_idx as u32, &cols, &mut handle, &mut on_reject)?);
    }
    Ok(accounts)
}

/// Reads the rows of one opened table (a whole file or a range of one); see `read_rows`.
pub fn read_table<C>(
    table: &mut Table,
    file_index: u32,
    cols: &C,
    mut handle: impl FnMut(&Row, &C, RowPos) -> std::result::Result<(), CellError>,
    mut on_reject: impl FnMut(Rejection),
) -> Result<FileAccount> {
    let header_len = table.header.len();
    let (delimiter, file) = (table.delimiter, table.file.shown.clone());
    let mut account = FileAccount { file: file.clone(), ..Default::default() };
    while let Some(row) = table.next_row()? {
        account.read += 1;
        let pos = RowPos { file: file_index, line: row.line };
        let outcome = if row.is_blank() {
            Err((None, "blank row".to_string()))
        } else if let Some(problem) = ragged(&row, header_len).or_else(|| swallowed_rows(&row, delimiter, header_len)) {
            Err((None, problem))
        } else {
            handle(&row, cols, pos)
        };
        match outcome {
            Ok(()) => account.used += 1,
            Err((col, reason)) => {
                account.rejected += 1;
                on_reject(Rejection {
                    file: file.clone(),
                    line: pos.line,
                    col: col.map(|c| c as u64 + 1),
                    column: col.map(|c| table.header.get(c).cloned().unwrap_or_default()),
                    sheet: table.sheet.clone(),
                    reason,
                });
            }
        }
    }
    Ok(account)
}

/// A row whose field count disagrees with the header: short rows (a truncated file or an
/// unbalanced quote) and rows with extra non-empty fields (a stray delimiter).
fn ragged(row: &Row, header_len: usize) -> Option<String> {
    let n = row.record.len();
    if n < header_len {
        Some(format!(
            "the row has {n} fields but the header has {header_len}; is the file truncated or a quote unbalanced?"
        ))
    } else if n > header_len && row.record.iter().skip(header_len).any(|f| f.iter().any(|b| !b.is_ascii_whitespace())) {
        Some(format!(
            "the row has {n} fields but the header has {header_len}; is a delimiter inside an unquoted value?"
        ))
    } else {
        None
    }
}

/// A quoted value that runs over lines looking like whole rows: a quote opened and never
/// closed swallows the rest of the file into one cell.
fn swallowed_rows(row: &Row, delimiter: u8, header_len: usize) -> Option<String> {
    if header_len < 2 {
        return None;
    }
    if memchr::memchr(b'\n', row.record.as_slice()).is_none() {
        return None;
    }
    for field in row.record.iter().filter(|f| f.contains(&b'\n')) {
        let rows = field
            .split(|b| *b == b'\n')
            .skip(1)
            .filter(|l| l.iter().filter(|b| **b == delimiter).count() + 1 >= header_len)
            .count();
        if rows > 0 {
            return Some(format!(
                "a quoted value runs over {rows} line(s) that look like rows; is a quote unbalanced (a \" opened and never closed)?"
            ));
        }
    }
    None
}
