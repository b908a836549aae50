//! Reading one table file into header + rows, with the file's own line numbers.

use super::reason::{Code, Reason};
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
    /// The header names normalised for matching configured names (`value::normalize_header`);
    /// `None` for an over-long name, which no configured name matches (see `header_name`).
    normalized: Vec<Option<String>>,
    /// The survey-platform format of the file (configured or detected, see `set_format`).
    pub format: Option<&'static str>,
    /// Per column, the other names an item may use (normalised): a platform's question text
    /// without its numbering, and `Q<n>` / `Q<n>_<k>` (see `platform_aliases`).
    aliases: Vec<Vec<String>>,
    source: Source,
    record: Record,
    pub delimiter: u8,
    /// The file's bytes are read as they are (UTF-8), so byte offsets are file offsets and
    /// the file can be read in ranges.
    raw: bool,
    /// GB18030 (or GBK) split undecoded, its text cells decoded, or decoded line by line
    /// (see `gb18030_reader`): offsets are file offsets too, and each range is read on its own.
    by_lines: Option<&'static encoding_rs::Encoding>,
    /// The text encoding the file is read in (`None` for workbooks).
    encoding: Option<&'static str>,
    /// While `all_columns` runs: the problems of the columns that could not be resolved.
    unresolved: std::cell::RefCell<Option<Vec<crate::diag::Diagnostic>>>,
    /// While `all_columns` runs: the columns looked up, the only ones a GB18030 file read
    /// undecoded decodes (`RecordReader::cells`).
    asked: std::cell::RefCell<Option<Vec<usize>>>,
    /// Row filters (`filters`): a column and the values kept, in both their written and
    /// their folded form (see `filter_form`).
    filters: Vec<(usize, Vec<(String, String)>)>,
    /// The configured `filters`, resolved into `filters` by `all_columns` (after the format,
    /// so a filter may name a column by a format's alias).
    filter_specs: Vec<crate::config::RowFilter>,
    /// The format's exclusions (`platform::Exclusion`) with their columns in this file; an
    /// exclusion whose column the file lacks (deselected in the download) does not apply.
    exclusions: Vec<(usize, &'static crate::platform::Exclusion)>,
}

/// How filter values and cells are compared: widths folded, whitespace trimmed, lower case.
fn filter_form(s: &str) -> String {
    normalize_header(s).to_lowercase()
}

/// The column of the first filter a row fails, `None` when it passes every filter (a cell
/// that is not text passes none).
fn fails_filter(filters: &[(usize, Vec<(String, String)>)], row: &Row) -> Option<usize> {
    filters.iter().find_map(|(col, values)| {
        let Ok(cell) = row.cell(*col).map(trim_cell) else { return Some(*col) };
        let kept = values.iter().any(|(v, _)| v == cell) || {
            let folded = filter_form(cell);
            values.iter().any(|(_, f)| *f == folded)
        };
        (!kept).then_some(*col)
    })
}

/// The format exclusion a row meets: its column and the listed value the cell holds.
fn excluded_by(
    exclusions: &[(usize, &'static crate::platform::Exclusion)],
    row: &Row,
) -> Option<(usize, &'static str)> {
    exclusions.iter().find_map(|(col, e)| {
        let cell = trim_cell(row.cell(*col).ok()?);
        e.values.iter().find(|v| v.eq_ignore_ascii_case(cell)).map(|v| (*col, *v))
    })
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

/// Bytes of each window sampled beyond the first `SNIFF` bytes (see `sample_windows`).
const WINDOW: u64 = 256 << 10;

/// Chooses the encoding: the configured one, a BOM, else what the text of the file's first
/// bytes and of `windows` further on says (see `detect_encoding`). `None` stands for UTF-8 read
/// as bytes.
fn sniff_encoding(
    prefix: &[u8],
    windows: &[Vec<u8>],
    configured: Option<&str>,
) -> Option<&'static encoding_rs::Encoding> {
    if let Some(label) = configured {
        return encoding_rs::Encoding::for_label(label.as_bytes());
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(prefix) {
        return Some(enc);
    }
    let samples: Vec<&[u8]> = std::iter::once(prefix).chain(windows.iter().map(Vec::as_slice)).collect();
    detect_encoding(&samples)
}

/// UTF-8 or GB18030 (a superset of GBK, what Chinese Excel saves as "CSV"), from samples of
/// the file. Text in one encoding read as the other is broken almost everywhere: GBK read as
/// UTF-8 has more invalid sequences than valid non-ASCII characters, UTF-8 read as GB18030 breaks
/// at most odd-length runs. So a file is GB18030 only when its invalid UTF-8 outnumbers its
/// valid non-ASCII characters and GB18030 fits it better; a UTF-8 file with a few bad bytes
/// stays UTF-8, and the cells holding them are rejected with their line and column.
fn detect_encoding(samples: &[&[u8]]) -> Option<&'static encoding_rs::Encoding> {
    let clean = |s: &[u8]| match std::str::from_utf8(s) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(), // a character cut by the end of the sample
    };
    if samples.iter().all(|s| clean(s)) {
        return None;
    }
    let (mut invalid, mut multibyte, mut gb_invalid) = (0u64, 0u64, 0u64);
    for s in samples {
        let (i, m) = utf8_evidence(s);
        invalid += i;
        multibyte += m;
        gb_invalid += gb18030_invalid(s);
    }
    (multibyte < invalid && gb_invalid < invalid).then_some(encoding_rs::GB18030)
}

/// Invalid sequences and valid multi-byte characters of `s` read as UTF-8 (a character cut by
/// the end of `s` is neither).
fn utf8_evidence(mut s: &[u8]) -> (u64, u64) {
    let leads = |b: &[u8]| b.iter().filter(|&&c| c >= 0xc0).count() as u64;
    let (mut invalid, mut multibyte) = (0, 0);
    loop {
        match std::str::from_utf8(s) {
            Ok(v) => return (invalid, multibyte + leads(v.as_bytes())),
            Err(e) => {
                let (ok, rest) = s.split_at(e.valid_up_to());
                multibyte += leads(ok);
                let Some(n) = e.error_len() else { return (invalid, multibyte) };
                invalid += 1;
                s = &rest[n..];
            }
        }
    }
}

/// Invalid sequences of `s` read as GB18030, by the byte structure: ASCII, a lead byte
/// 81–FE with a trail 40–7E or 80–FE, or four bytes lead, 30–39, lead, 30–39.
fn gb18030_invalid(s: &[u8]) -> u64 {
    let lead = |b: u8| (0x81..=0xfe).contains(&b);
    let digit = |b: u8| b.is_ascii_digit();
    let (mut i, mut invalid) = (0, 0);
    while i < s.len() {
        let b = s[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if lead(b) {
            match (s.get(i + 1), s.get(i + 2), s.get(i + 3)) {
                (None, ..) => break, // cut by the end of the sample
                (Some(&t), ..) if (0x40..=0xfe).contains(&t) && t != 0x7f => {
                    i += 2;
                    continue;
                }
                (Some(&t), None, _) | (Some(&t), _, None) if digit(t) => break,
                (Some(&t), Some(&u), Some(&v)) if digit(t) && lead(u) && digit(v) => {
                    i += 4;
                    continue;
                }
                _ => {}
            }
        }
        invalid += 1;
        i += 1;
    }
    invalid
}

/// Windows of `WINDOW` bytes at a quarter, half and three quarters of the file and at its end,
/// beyond the first `from` bytes (already read), each from its first line start; the file is
/// left at offset `from`. Empty for a file no longer than `from`.
fn sample_windows(f: &mut std::fs::File, from: u64) -> std::io::Result<Vec<Vec<u8>>> {
    use std::io::Seek;
    let len = f.metadata()?.len();
    let mut out = Vec::new();
    if len <= from {
        return Ok(out);
    }
    let mut starts: Vec<u64> =
        [len / 4, len / 2, len / 4 * 3, len.saturating_sub(WINDOW)].iter().map(|&s| s.max(from)).collect();
    starts.dedup();
    for start in starts {
        f.seek(std::io::SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity(WINDOW as usize);
        f.take(WINDOW).read_to_end(&mut buf)?;
        let skip = memchr::memchr(b'\n', &buf).map_or(0, |i| i + 1);
        buf.drain(..skip);
        out.push(buf);
    }
    f.seek(std::io::SeekFrom::Start(from))?;
    Ok(out)
}

/// A reader of GB18030 (or GBK) text from file offset `start` (a line start): split undecoded,
/// its cells decoded as they are read as text, when the delimiter is never part of a character
/// (`decode::splits_undecoded`), else decoded line by line.
fn gb18030_reader(
    src: Box<dyn Read + Send>,
    delimiter: u8,
    start: u64,
    enc: &'static encoding_rs::Encoding,
) -> RecordReader<Box<dyn Read + Send>> {
    let reader = RecordReader::new(src, delimiter, start, 1);
    if super::decode::splits_undecoded(delimiter) {
        reader.cells(enc)
    } else {
        reader.decoding(enc)
    }
}

/// Header names longer than this (in characters) cannot be a configured column: they are kept
/// only as their shortened quotation, so a huge header cell costs neither memory nor message.
const HEADER_MAX: usize = 1000;

/// A header cell as the table keeps it, and its normalised form for matching: trimmed, without
/// a byte-order mark; an over-long one only as it is quoted in messages (`"…" (n characters)`,
/// see `value::quote`), with no normalised form.
fn header_name(cell: &str) -> (String, Option<String>) {
    let name = cell.trim_start_matches('\u{FEFF}').trim();
    if name.len() <= HEADER_MAX || name.chars().count() <= HEADER_MAX {
        (name.to_string(), Some(normalize_header(name)))
    } else {
        (quote(name), None)
    }
}

/// The header names of `cells`, with their normalised forms (see `header_name`).
fn header_names<'s>(cells: impl IntoIterator<Item = &'s str>) -> (Vec<String>, Vec<Option<String>>) {
    cells.into_iter().map(header_name).unzip()
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
        let mut table = if is_workbook(file) { Self::open_sheet(file, opts)? } else { Self::open_csv(file, opts)? };
        table.filter_specs = opts.filters.clone();
        Ok(table)
    }

    fn open_csv(file: &SourceFile, opts: &ReadOptions) -> Result<Table> {
        let mut handle = std::fs::File::open(&file.path).map_err(|e| Error::io(&file.path, "open the file", e))?;
        let mut prefix = Vec::with_capacity(8192);
        (&mut handle)
            .take(SNIFF as u64)
            .read_to_end(&mut prefix)
            .map_err(|e| Error::io(&file.path, "read the file", e))?;
        let loc = || Location::file(file.shown.clone());
        let windows = if opts.encoding.is_none() && prefix.len() == SNIFF {
            sample_windows(&mut handle, SNIFF as u64).map_err(|e| Error::io(&file.path, "read the file", e))?
        } else {
            Vec::new()
        };
        let encoding = sniff_encoding(&prefix, &windows, opts.encoding.as_deref());
        let is_utf16 = encoding.is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE);
        if !is_utf16 && prefix.contains(&0) {
            return Err(
                Error::data(loc(), "the file is not text: it contains NUL bytes").with_hint(super::nul_hint(&prefix))
            );
        }
        let raw = encoding.is_none_or(|e| e == encoding_rs::UTF_8);
        // GB18030 is decoded by lines (so the file can be read in ranges), unless a UTF-8 or
        // UTF-16 byte-order mark overrides a configured `gbk` (the general decoder follows it).
        let by_lines = encoding
            .filter(|&e| super::decode::decodes_by_lines(e) && encoding_rs::Encoding::for_bom(&prefix).is_none());
        let sniffed = match (opts.delimiter, by_lines) {
            (Some(_), _) | (None, None) => None,
            (None, Some(enc)) => {
                Some(enc.decode_without_bom_handling(&prefix[..prefix.len().min(1 << 16)]).0.into_owned())
            }
        };
        let chained = std::io::Cursor::new(prefix).chain(handle);
        let decoded: Box<dyn Read + Send> = if raw || by_lines.is_some() {
            // UTF-8 is read as bytes, so an invalid sequence is reported per cell, not replaced;
            // GB18030 is decoded by the record reader.
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
                let buf = match &sniffed {
                    Some(text) => text.as_bytes(),
                    None => reader.fill_buf().map_err(|e| Error::io(&file.path, "read the file", e))?,
                };
                if file.shown.to_ascii_lowercase().ends_with(".tsv") {
                    b'\t'
                } else {
                    sniff_delimiter(buf)
                }
            }
        };
        let mut csv = match by_lines {
            // (Nothing was buffered: the delimiter was sniffed from the decoded prefix.)
            Some(enc) => gb18030_reader(Box::new(reader.into_inner()), delimiter, 0, enc),
            None => RecordReader::new(Box::new(reader) as Box<dyn Read + Send>, delimiter, 0, 1),
        };
        let mut record = Record::default();
        let has_header = csv.read(&mut record).map_err(|e| Error::io(&file.path, "read the file", e))?.is_some();
        if !has_header || record.iter().all(|f| f.iter().all(|b| b.is_ascii_whitespace())) {
            return Err(Error::data(loc(), "the file is empty: no header row")
                .with_hint("export the sheet again with its header row (column names) on the first line"));
        }
        let mut cells = Vec::with_capacity(record.len());
        for (i, f) in record.iter().enumerate() {
            cells.push(std::str::from_utf8(f).map_err(|_| {
                Error::data(Location::at(file.shown.clone(), 1, Some(i as u64 + 1)), "the header is not valid UTF-8")
                    .with_hint("set encoding = \"gbk\" (or the file's encoding) for this file set in manyi.toml")
            })?);
        }
        let (header, normalized) = header_names(cells);
        let mut table = Self::with_header(file, header, normalized, None, Source::Csv(csv));
        table.delimiter = delimiter;
        table.raw = raw;
        table.by_lines = by_lines;
        table.encoding = Some(encoding.map_or("UTF-8", |e| e.name()));
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
        let texts: Vec<String> = range.rows().next().map(|row| row.iter().map(cell_text).collect()).unwrap_or_default();
        let (header, normalized) = header_names(std::iter::repeat_n("", lead).chain(texts.iter().map(String::as_str)));
        let source = Source::Sheet { range, next: 1, first_row };
        Ok(Self::with_header(file, header, normalized, Some(sheet), source))
    }

    fn with_header(
        file: &SourceFile,
        header: Vec<String>,
        normalized: Vec<Option<String>>,
        sheet: Option<String>,
        source: Source,
    ) -> Table {
        Table {
            file: file.clone(),
            header,
            sheet,
            normalized,
            format: None,
            aliases: Vec::new(),
            source,
            record: Record::default(),
            delimiter: b',',
            raw: false,
            by_lines: None,
            encoding: None,
            filters: Vec::new(),
            filter_specs: Vec::new(),
            exclusions: Vec::new(),
            unresolved: Default::default(),
            asked: Default::default(),
        }
    }

    /// Runs `find`, which looks up the configured columns with `column`, so that every missing
    /// or ambiguous column of the file is reported in one error, not only the first: while it
    /// runs, a column that cannot be resolved is recorded and stands in as column 0.
    /// The row filters' columns are resolved here too, with the others.
    /// Only the columns looked up (and the format's exclusions) are read as text: a GB18030
    /// file read undecoded decodes no other (see `RecordReader::set_text_fields`).
    pub fn all_columns<C>(&mut self, find: impl FnOnce(&Table) -> Result<C>) -> Result<C> {
        *self.unresolved.borrow_mut() = Some(Vec::new());
        *self.asked.borrow_mut() = Some(Vec::new());
        let found = find(self);
        let filters: Vec<(usize, Vec<(String, String)>)> = self
            .filter_specs
            .iter()
            .filter_map(|f| {
                let col = self.column(&f.column, "a `filters` column").ok()?;
                Some((col, f.equals.iter().map(|v| (v.trim().to_string(), filter_form(v))).collect()))
            })
            .collect();
        self.filters = filters;
        let asked = self.asked.borrow_mut().take().unwrap_or_default();
        let mut text = vec![false; self.header.len()];
        for col in asked.into_iter().chain(self.exclusions.iter().map(|e| e.0)) {
            if let Some(t) = text.get_mut(col) {
                *t = true;
            }
        }
        if let Source::Csv(reader) = &mut self.source {
            reader.set_text_fields(Some(text));
        }
        let unresolved = self.unresolved.borrow_mut().take().unwrap_or_default();
        match Error::from_diagnostics(crate::diag::ErrorKind::Data, unresolved) {
            Some(e) => Err(e),
            None => found,
        }
    }

    /// Whether the header has a column named `wanted` (compared as normalised names).
    pub fn has_column(&self, wanted: &str) -> bool {
        let norm = normalize_header(wanted);
        self.normalized.iter().any(|n| n.as_ref() == Some(&norm))
    }

    /// Sets the file's survey-platform format: `configured` (`[survey] format`), which the
    /// header must match, or the one detected from the header by `platform::FORMATS`.
    /// A format's extra header rows (Qualtrics, SurveyMonkey) are read here, so the table is
    /// left on its first response; the format adds its aliases to the column names and its
    /// exclusions (Qualtrics' previews and unfinished responses) to the row checks.
    pub fn set_format(&mut self, configured: Option<&'static str>) -> Result<()> {
        use crate::platform::{Aliases, FORMATS};
        let missing_of = |cols: &[&'static str]| -> Vec<&'static str> {
            cols.iter().copied().filter(|c| !self.has_column(c)).collect()
        };
        let format = match configured {
            Some(name) => {
                let f = crate::platform::get(name);
                let missing = missing_of(f.signature);
                if !missing.is_empty() {
                    return Err(Error::data(
                        Location::at(self.file.shown.clone(), 1, None).in_sheet(self.sheet.clone()),
                        format!(
                            "[survey] format = \"{name}\" but the header has no {} column",
                            missing.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .with_hint(format!(
                        "check that the file is a {} download (with the columns {}), or remove format",
                        f.title,
                        f.signature.join(", ")
                    )));
                }
                Some(f)
            }
            None => {
                let first = self.normalized.first().and_then(|n| n.as_deref());
                FORMATS
                    .iter()
                    .find(|f| missing_of(f.signature).is_empty() && f.first_column.is_none_or(|c| first == Some(c)))
            }
        };
        let Some(format) = format else { return Ok(()) };
        self.format = Some(format.name);
        let extra = self.extra_header_rows(format)?;
        match format.aliases {
            Aliases::Wjx => self.aliases = wjx_aliases(&self.normalized),
            Aliases::Tencent => self.aliases = tencent_aliases(&self.normalized),
            Aliases::Brackets => self.aliases = bracket_aliases(&self.normalized),
            Aliases::QuestionText => self.aliases = question_text_aliases(&extra[0]),
            Aliases::SubLabels => {
                let (names, aliases) = sub_label_names(&self.header, &extra[0]);
                (self.header, self.normalized) = header_names(names.iter().map(String::as_str));
                self.aliases = aliases;
            }
        }
        self.exclusions = format
            .exclusions
            .iter()
            .filter_map(|e| {
                let norm = normalize_header(e.column);
                let col = self.normalized.iter().position(|n| n.as_ref() == Some(&norm))?;
                Some((col, e))
            })
            .collect();
        Ok(())
    }

    /// Reads a format's header rows after the first (as text, one `String` per column), and
    /// checks the last one when the format says what it holds.
    fn extra_header_rows(&mut self, format: &'static crate::platform::Format) -> Result<Vec<Vec<String>>> {
        let shown = self.file.shown.clone();
        let sheet = self.sheet.clone();
        let mut rows = Vec::new();
        for n in 2..=u64::from(format.header_rows) {
            let short = || {
                Error::data(
                    Location::file(shown.clone()).in_sheet(sheet.clone()),
                    format!(
                        "a {} export has {} header rows, but this file ends after {}",
                        format.title,
                        format.header_rows,
                        n - 1
                    ),
                )
                .with_hint(format!("download the responses again from {} with its default settings", format.title))
            };
            let Some(row) = self.next_row()? else { return Err(short()) };
            let line = row.line;
            let mut cells = Vec::with_capacity(row.record.len());
            for (i, f) in row.record.iter().enumerate() {
                cells.push(
                    std::str::from_utf8(f)
                        .map_err(|_| {
                            Error::data(
                                Location::at(shown.clone(), line, Some(i as u64 + 1)).in_sheet(sheet.clone()),
                                format!("header row {n} is not valid UTF-8"),
                            )
                            .with_hint(
                                "set encoding = \"gbk\" (or the file's encoding) for this file set in manyi.toml",
                            )
                        })?
                        .trim()
                        .to_string(),
                );
            }
            cells.resize(self.header.len(), String::new());
            // Without a marker, the extra rows are known by their blank metadata cells (a
            // response would have an id and dates there): a file without them is not read
            // with its first response taken for a header.
            if format.last_header_cells.is_none() {
                let filled: Vec<&str> = format
                    .signature
                    .iter()
                    .copied()
                    .filter(|c| {
                        let norm = normalize_header(c);
                        self.normalized
                            .iter()
                            .position(|h| h.as_ref() == Some(&norm))
                            .is_some_and(|i| !cells[i].is_empty())
                    })
                    .collect();
                if !filled.is_empty() {
                    return Err(Error::data(
                        Location::at(shown.clone(), line, None).in_sheet(sheet.clone()),
                        format!(
                            "line {line} should be header row {n} of a {} export, with blank cells under {}, but it has values there: is it a response?",
                            format.title,
                            filled.join(", ")
                        ),
                    )
                    .with_hint(format!(
                        "download the responses again from {} with both header rows (question and sub-label), \
                         or remove format and name the columns yourself",
                        format.title
                    )));
                }
            }
            if n == u64::from(format.header_rows) {
                if let Some(start) = format.last_header_cells {
                    let first = cells.iter().find(|c| !c.is_empty());
                    if !first.is_some_and(|c| c.starts_with(start)) {
                        return Err(Error::data(
                            Location::at(shown.clone(), line, None).in_sheet(sheet.clone()),
                            format!(
                                "line {line} should be the last of a {} export's {} header rows (cells such as {start}…}}), but it holds {}",
                                format.title,
                                format.header_rows,
                                first.map_or("nothing".to_string(), |c| quote(c))
                            ),
                        )
                        .with_hint(format!(
                            "download the responses again from {} as CSV with its default settings (three header rows), \
                             or remove format and name the columns yourself",
                            format.title
                        )));
                    }
                }
            }
            rows.push(cells);
        }
        Ok(rows)
    }

    /// Index of a configured column; `key` names the config key in the message. The name must
    /// be in the header exactly once (compared as normalised names). Within `all_columns`, a
    /// problem is recorded and column 0 returned.
    pub fn column(&self, wanted: &str, key: &str) -> Result<usize> {
        let found = self.resolve_column(wanted, key);
        if let (Ok(col), Some(asked)) = (&found, self.asked.borrow_mut().as_mut()) {
            asked.push(*col);
        }
        match (found, self.unresolved.borrow_mut().as_mut()) {
            (Err(e), Some(problems)) => {
                problems.extend(e.diagnostics().cloned());
                Ok(0)
            }
            (found, _) => found,
        }
    }

    fn resolve_column(&self, wanted: &str, key: &str) -> Result<usize> {
        let norm = normalize_header(wanted);
        let mut found: Vec<usize> =
            (0..self.normalized.len()).filter(|&i| self.normalized[i].as_ref() == Some(&norm)).collect();
        let by_alias = found.is_empty() && !self.aliases.is_empty();
        if by_alias {
            found = (0..self.aliases.len()).filter(|&i| self.aliases[i].contains(&norm)).collect();
        }
        let header_line = match &self.source {
            Source::Sheet { first_row, .. } => u64::from(*first_row) + 1,
            Source::Csv(_) => 1,
        };
        let loc = Location::at(self.file.shown.clone(), header_line, None).in_sheet(self.sheet.clone());
        match found[..] {
            [i] => return Ok(i),
            [] => {}
            _ => {
                let each = |&i: &usize| {
                    format!("column {} ({}) {}", i + 1, crate::diag::column_letters(i as u64 + 1), self.shown_name(i))
                };
                let listed: Vec<String> = found.iter().map(each).collect();
                let (times, which) = match found.len() {
                    2 => ("twice".to_string(), "one of the two columns"),
                    n => (format!("{n} times"), "all but one of these columns"),
                };
                let (last, rest) = listed.split_last().expect("two or more");
                if by_alias {
                    return Err(Error::data(
                        loc,
                        format!(
                            "\"{wanted}\" (from {key}) names {} columns of this {} export: {} and {last}",
                            found.len(),
                            self.format.unwrap_or_default(),
                            rest.join(", ")
                        ),
                    )
                    .with_hint(format!("name the column in {key} by its full header, e.g. {last}")));
                }
                return Err(Error::data(
                    loc,
                    format!(
                        "column \"{wanted}\" (from {key}) is in the header {times}: {} and {last}",
                        rest.join(", ")
                    ),
                )
                .with_hint(format!("rename or delete {which} in the file's header, so that {key} names one column")));
            }
        }
        let listed: Vec<String> =
            (0..self.header.len()).filter(|&i| !self.header[i].is_empty()).map(|i| self.shown_name(i)).collect();
        let mut err = Error::data(
            loc,
            format!("column \"{wanted}\" (from {key}) is not in the header; the columns are: {}", listed.join(", ")),
        );
        let candidates =
            (0..self.header.len()).filter(|&i| self.normalized[i].is_some()).map(|i| self.header[i].as_str());
        err = match suggest(wanted, candidates) {
            Some(near) => {
                err.with_hint(format!("did you mean \"{near}\"? Fix {key} in manyi.toml or the file's header"))
            }
            None => err.with_hint(format!("fix {key} in manyi.toml or the file's header so the names agree")),
        };
        Err(err)
    }

    /// A header name quoted for a message, shortened as cell values are (see `header_name`).
    fn shown_name(&self, i: usize) -> String {
        let name = &self.header[i];
        if self.normalized[i].is_some() {
            quote(name)
        } else {
            name.clone()
        }
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
                // Rows by index: `range.rows().nth(n)` walks from the first row every time
                // (calamine's `Rows` has no `nth` of its own), which made reading quadratic.
                if *next >= range.height() {
                    return Ok(None);
                }
                let cells = &range[*next];
                let line = u64::from(*first_row) + *next as u64 + 1;
                *next += 1;
                let lead = range.start().map_or(0, |s| s.1 as usize);
                self.record.clear();
                for _ in 0..lead {
                    self.record.push_field(b"");
                }
                for c in cells {
                    match c {
                        calamine::Data::String(s) => self.record.push_field(s.as_bytes()),
                        c => self.record.push_field(cell_text(c).as_bytes()),
                    }
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
    /// is small, a workbook, or decoded from an encoding other than GB18030 (offsets would not
    /// be file offsets; GB18030 is decoded per range, see `decode`).
    pub fn ranges(&mut self, target: u64) -> Result<Vec<(u64, u64)>> {
        let Some(first) = self.next_start()? else { return Ok(vec![(0, u64::MAX)]) };
        let len = std::fs::metadata(&self.file.path).map_err(|e| Error::io(&self.file.path, "read the file", e))?.len();
        let body = len.saturating_sub(first.byte);
        if !(self.raw || self.by_lines.is_some()) || body < 2 * target.max(1) {
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
        Layout {
            file: self.file.clone(),
            header: self.header.clone(),
            normalized: self.normalized.clone(),
            format: self.format,
            aliases: self.aliases.clone(),
            delimiter: self.delimiter,
            encoding: self.encoding,
            by_lines: self.by_lines,
            filter_specs: self.filter_specs.clone(),
            exclusions: self.exclusions.clone(),
        }
    }
}

/// A CSV file's header and delimiter, to open ranges of it (see `Table::ranges`).
#[derive(Debug, Clone)]
pub struct Layout {
    file: SourceFile,
    header: Vec<String>,
    normalized: Vec<Option<String>>,
    format: Option<&'static str>,
    aliases: Vec<Vec<String>>,
    delimiter: u8,
    encoding: Option<&'static str>,
    by_lines: Option<&'static encoding_rs::Encoding>,
    filter_specs: Vec<crate::config::RowFilter>,
    exclusions: Vec<(usize, &'static crate::platform::Exclusion)>,
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
        let mut reader = match self.by_lines {
            Some(enc) => gb18030_reader(Box::new(f), self.delimiter, start, enc),
            None => RecordReader::new(Box::new(f) as Box<dyn Read + Send>, self.delimiter, start, 1),
        };
        reader.set_stop(stop);
        let mut t =
            Table::with_header(&self.file, self.header.clone(), self.normalized.clone(), None, Source::Csv(reader));
        t.delimiter = self.delimiter;
        t.raw = self.by_lines.is_none();
        t.by_lines = self.by_lines;
        t.encoding = self.encoding;
        t.filter_specs = self.filter_specs.clone();
        t.format = self.format;
        t.aliases = self.aliases.clone();
        t.exclusions = self.exclusions.clone();
        Ok(t)
    }
}

/// 问卷星 aliases of each (normalised) header: `1、产品性能` → `产品性能`, `Q1`;
/// `第2题(产品质量)` → `产品质量`, `Q2_1` (the first column of question 2).
fn wjx_aliases(normalized: &[Option<String>]) -> Vec<Vec<String>> {
    numbered_aliases(normalized, |n, column_of| {
        let mut out = Vec::new();
        let digits = n.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let rest = &n[digits..];
            if let Some(text) = ['、', '.', ':'].iter().find_map(|sep| rest.strip_prefix(*sep)) {
                let text = text.trim();
                if !text.is_empty() {
                    out.push(normalize_header(text));
                }
                out.push(format!("Q{}", &n[..digits]));
            }
        } else if let Some(rest) = n.strip_prefix('第') {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let inner = rest[digits..].strip_prefix("题(").and_then(|r| r.strip_suffix(')'));
            if let (true, Some(text)) = (digits > 0, inner) {
                let q = &rest[..digits];
                let k = column_of(q);
                if !text.trim().is_empty() {
                    out.push(normalize_header(text));
                }
                out.push(format!("Q{q}_{k}"));
            }
        }
        out
    })
}

/// Aliases of each (normalised) header by `alias(header, column_of)`, where `column_of(q)`
/// numbers the sub-columns of question `q` in header order (1 for its first): the numbering
/// 问卷星 and 腾讯问卷 share (`Q2_1`, `Q2_2`, …).
fn numbered_aliases(
    normalized: &[Option<String>],
    mut alias: impl FnMut(&str, &mut dyn FnMut(&str) -> usize) -> Vec<String>,
) -> Vec<Vec<String>> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut column_of = |q: &str| {
        let k = seen.entry(q.to_string()).or_insert(0);
        *k += 1;
        *k
    };
    normalized.iter().map(|n| n.as_deref().map_or_else(Vec::new, |n| alias(n, &mut column_of))).collect()
}

/// 腾讯问卷 aliases of each (normalised) header: `1.您所在的行业` → `您所在的行业`, `Q1`;
/// `2.请您对以下方面进行评价:产品质量` → `产品质量`, `请您对以下方面进行评价:产品质量`, `Q2_1`
/// (the first sub-column of question 2).
fn tencent_aliases(normalized: &[Option<String>]) -> Vec<Vec<String>> {
    numbered_aliases(normalized, |n, column_of| {
        let mut out = Vec::new();
        let digits = n.bytes().take_while(u8::is_ascii_digit).count();
        let Some(text) = n[digits..].strip_prefix('.').filter(|_| digits > 0) else { return out };
        let q = &n[..digits];
        let text = text.trim();
        match text.split_once(':') {
            Some((title, sub)) if !sub.trim().is_empty() => {
                let k = column_of(q);
                out.push(normalize_header(sub.trim()));
                if !title.trim().is_empty() {
                    out.push(normalize_header(text));
                }
                out.push(format!("Q{q}_{k}"));
            }
            _ => {
                if !text.is_empty() {
                    out.push(normalize_header(text));
                }
                out.push(format!("Q{q}"));
            }
        }
        out
    })
}

/// Google Forms aliases: a grid question's column `How satisfied…? [Product quality]` is also
/// named by its row, `Product quality` (the text in the last brackets).
fn bracket_aliases(normalized: &[Option<String>]) -> Vec<Vec<String>> {
    normalized
        .iter()
        .map(|n| {
            let row =
                n.as_deref().and_then(|n| n.strip_suffix(']')).and_then(|n| n.rsplit_once('[')).map(|(_, r)| r.trim());
            row.filter(|r| !r.is_empty()).map(|r| vec![normalize_header(r)]).unwrap_or_default()
        })
        .collect()
}

/// Qualtrics aliases: row 2's question text in full (`How satisfied…? - Product quality`) and,
/// for a matrix row, its part after the last ` - ` (`Product quality`).
fn question_text_aliases(texts: &[String]) -> Vec<Vec<String>> {
    texts
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            if !t.is_empty() {
                out.push(normalize_header(t));
                if let Some((_, row)) = t.rsplit_once(" - ") {
                    if !row.trim().is_empty() {
                        out.push(normalize_header(row.trim()));
                    }
                }
            }
            out
        })
        .collect()
}

/// SurveyMonkey's column names from its two header rows: row 1's question text is written
/// over the first column of a question only, so it is carried over the blank cells after it;
/// row 2 gives `Response` / `Open-Ended Response` (the question's one column: named by the
/// question) or a sub-label (`How satisfied…? - Product quality`, alias `Product quality`).
/// Metadata columns have a blank row 2 and keep their row-1 name.
fn sub_label_names(row1: &[String], row2: &[String]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut question = String::new();
    let mut names = Vec::with_capacity(row1.len());
    let mut aliases = Vec::with_capacity(row1.len());
    for (i, top) in row1.iter().enumerate() {
        if !top.trim().is_empty() {
            question = top.trim().to_string();
        }
        let sub = row2.get(i).map_or("", |s| s.trim());
        match sub {
            "" | "Response" | "Open-Ended Response" => {
                names.push(question.clone());
                aliases.push(Vec::new());
            }
            sub => {
                names.push(if question.is_empty() { sub.to_string() } else { format!("{question} - {sub}") });
                aliases.push(vec![normalize_header(sub)]);
            }
        }
    }
    (names, aliases)
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
pub type CellError = (Option<usize>, Reason);

impl<'a> Row<'a> {
    /// The cell at `idx` as bytes; a missing cell (short row) reads as empty.
    pub fn bytes(&self, idx: usize) -> &'a [u8] {
        debug_assert!(!self.record.undecoded(idx), "column {idx} is read but was not looked up with `Table::column`");
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
        self.cell(idx).map(trim_cell).map_err(|_| (Some(idx), Reason::new(Code::NotUtf8)))
    }
    /// A date cell; blank is `None`.
    pub fn date(&self, idx: usize) -> std::result::Result<Option<Date>, CellError> {
        // The common cell, straight from its bytes; anything else (or a date that does not
        // exist, for its message) through the text.
        if let Some(Some(date)) = crate::period::parse_iso_bytes(self.bytes(idx)) {
            return Ok(Some(date));
        }
        let t = self.text(idx)?;
        if t.is_empty() {
            return Ok(None);
        }
        parse_date(t).map(Some).ok_or_else(|| (Some(idx), Reason::new(Code::NotADate).with_value(t)))
    }
    /// A date cell that must not be blank.
    pub fn required_date(&self, idx: usize) -> std::result::Result<Date, CellError> {
        self.date(idx)?.ok_or_else(|| (Some(idx), Reason::new(Code::DateEmpty)))
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
        parse_number(t).map(Some).ok_or_else(|| (Some(idx), Reason::new(Code::NotANumber).with_value(t)))
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
        let cols = table.all_columns(&mut columns)?;
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
    let mut account =
        FileAccount { file: file.clone(), encoding: table.encoding, format: table.format, ..Default::default() };
    let filters = std::mem::take(&mut table.filters);
    let exclusions = table.exclusions.clone();
    let header = table.header.clone();
    while let Some(row) = table.next_row()? {
        account.read += 1;
        let pos = RowPos { file: file_index, line: row.line };
        let outcome = if row.is_blank() {
            Err((None, Reason::new(Code::BlankRow)))
        } else if let Some(problem) = ragged(&row, header_len).or_else(|| swallowed_rows(&row, delimiter, header_len)) {
            Err((None, problem))
        } else if let Some((col, value)) = excluded_by(&exclusions, &row) {
            account.exclude(&header[col], Some(value), 1);
            continue;
        } else if let Some(col) = fails_filter(&filters, &row) {
            account.exclude(&header[col], None, 1);
            continue;
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
    table.filters = filters;
    Ok(account)
}

/// A row whose field count disagrees with the header: short rows (a truncated file or an
/// unbalanced quote) and rows with extra non-empty fields (a stray delimiter).
fn ragged(row: &Row, header_len: usize) -> Option<Reason> {
    let n = row.record.len();
    if n < header_len {
        Some(Reason::new(Code::FieldsMissing).with(n).with(header_len))
    } else if n > header_len && row.record.iter().skip(header_len).any(|f| f.iter().any(|b| !b.is_ascii_whitespace())) {
        Some(Reason::new(Code::FieldsExtra).with(n).with(header_len))
    } else {
        None
    }
}

/// A quoted value that runs over lines looking like whole rows, in a record whose quotes are
/// not valid CSV: a quote opened and never closed swallows the following rows into one cell,
/// up to the next quote in the file or its end. A correctly quoted value is never flagged,
/// whatever its lines look like.
fn swallowed_rows(row: &Row, delimiter: u8, header_len: usize) -> Option<Reason> {
    if header_len < 2 || !row.record.bad_quotes() {
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
            return Some(Reason::new(Code::QuoteUnbalanced).with(rows));
        }
    }
    None
}

#[cfg(test)]
mod encoding_tests {
    use super::detect_encoding;
    use encoding_rs::{GB18030, GBK};

    #[test]
    fn wjx_aliases_drop_the_numbering_and_number_the_columns() {
        let headers =
            ["序号", "1、您所在的行业 ", "第2题(产品质量)", "第2题（交货准时）", "3：性别", "第3题(官网)", "12.备注"];
        let normalized: Vec<Option<String>> = headers.iter().map(|h| Some(super::normalize_header(h))).collect();
        let aliases = super::wjx_aliases(&normalized);
        let want: [&[&str]; 7] = [
            &[],
            &["您所在的行业", "Q1"],
            &["产品质量", "Q2_1"],
            &["交货准时", "Q2_2"],
            &["性别", "Q3"],
            &["官网", "Q3_1"],
            &["备注", "Q12"],
        ];
        for (got, want) in aliases.iter().zip(want) {
            assert_eq!(got, want);
        }
    }

    fn gbk(s: &str) -> Vec<u8> {
        GBK.encode(s).0.into_owned()
    }

    #[test]
    fn gbk_text_is_gb18030_and_utf8_with_a_few_bad_bytes_is_utf8() {
        let text =
            "id,date,q1,q2,comment\nA1,2026-01-05,4,5,价格太高\nA2,2026-01-06,3,4,送货及时，包装完好，客服态度很好\n";
        assert_eq!(detect_encoding(&[text.as_bytes()]), None);
        assert_eq!(detect_encoding(&[&gbk(text)]), Some(GB18030));
        assert_eq!(detect_encoding(&[&gbk("价格太高\n")]), Some(GB18030), "four characters are enough");
        let mut bad = text.as_bytes().to_vec();
        bad.insert(40, 0xff);
        bad.insert(60, 0xe9);
        assert_eq!(detect_encoding(&[&bad]), None);
        // The samples are weighed together: GBK further on outweighs a clean start.
        let (start, later) = (b"id,date\n".repeat(1000), gbk(&"价格太高，服务一般\n".repeat(20)));
        assert_eq!(detect_encoding(&[&start, &later]), Some(GB18030));
        // A character cut by the end of a sample is no evidence.
        let cut = "价格太高".as_bytes();
        assert_eq!(detect_encoding(&[&cut[..cut.len() - 1]]), None);
    }

    #[test]
    fn byte_structure_of_gb18030() {
        let four = GB18030.encode("价格，𠀀。").0.into_owned();
        assert_eq!(four.len(), 12);
        assert_eq!(super::gb18030_invalid(&four), 0, "two- and four-byte characters");
        assert_eq!(super::gb18030_invalid(b"\x80a\xffb\x81,c"), 3);
        assert_eq!(super::gb18030_invalid(b"ab\x81"), 0, "cut at the end");
        assert_eq!(super::utf8_evidence("价格a\u{e9}".as_bytes()), (0, 3));
        assert_eq!(super::utf8_evidence(b"\xe9a\xe4\xbb"), (1, 0));
    }
}
