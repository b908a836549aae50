//! CSV records over `csv_core`, each with its exact byte offset and line.
//!
//! The csv crate's reader dates a record to where the previous one ended, so a record after a
//! blank line or a CRLF line end got the line before its own. This reader skips line ends
//! between records itself, so a record's position is the first byte of its text. Knowing that
//! byte is also what lets a large file be read in byte ranges by several threads: a range
//! ends at the first record that starts at or after its stop offset, and the next range must
//! begin exactly there (see `Table::ranges`).

use super::decode::{decode_cell, LineDecoder};
use std::io::{self, Read};

/// One record: field bytes stored back to back, with each field's end offset. A record
/// copied as a plain line keeps its delimiters: fields are then `gap` = 1 byte apart.
#[derive(Debug, Clone, Default)]
pub struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Bytes of `bytes` in use.
    used: usize,
    gap: usize,
    /// The record's quoting is not valid CSV, though the parser took it (see `QuoteCheck`).
    bad_quotes: bool,
    /// Fields left in undecoded GB18030 (not read as text, see `RecordReader::cells`): a
    /// debug build checks that no one reads them.
    #[cfg(debug_assertions)]
    undecoded: Vec<usize>,
}

impl Record {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    pub fn clear(&mut self) {
        self.ends.clear();
        self.used = 0;
        self.gap = 0;
        self.bad_quotes = false;
        #[cfg(debug_assertions)]
        self.undecoded.clear();
    }
    /// Whether field `i` was left undecoded (debug builds; always false in release builds).
    pub fn undecoded(&self, i: usize) -> bool {
        #[cfg(debug_assertions)]
        return self.undecoded.contains(&i);
        #[cfg(not(debug_assertions))]
        {
            let _ = i;
            false
        }
    }
    /// Whether the parser had to be lenient about this record's quotes: a quote left open at
    /// the end of the input, or a closing quote followed by more text (`"a"b`). Valid CSV never
    /// does either; an unbalanced quote always does one or the other.
    pub fn bad_quotes(&self) -> bool {
        self.bad_quotes
    }
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + self.gap };
        Some(&self.bytes[start..end])
    }
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i).unwrap_or_default())
    }
    /// Every field's bytes, back to back (or with their delimiters between them).
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.used]
    }
    pub fn push_field(&mut self, field: &[u8]) {
        let end = self.used + field.len();
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
        self.bytes[self.used..end].copy_from_slice(field);
        self.used = end;
        self.ends.push(end);
    }
}

/// Where a record starts: byte offset in the input and line number (counting `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub byte: u64,
    pub line: u64,
}

/// Reads records from a byte stream, optionally up to a stop offset.
pub struct RecordReader<R> {
    core: csv_core::Reader,
    src: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    /// Input offset of `buf[0]`.
    base: u64,
    /// Line number at `buf[pos]`.
    line: u64,
    /// No record starting at or after this offset is read.
    stop: u64,
    ends_scratch: Vec<usize>,
    delimiter: u8,
    /// Plain lines may skip the parser: not before the parser has seen the input's first
    /// bytes (it strips a byte-order mark there).
    plain_ok: bool,
    /// GB18030 input decoded here, by lines, so marks stay file offsets (see `decoding`).
    decoder: Option<LineDecoder>,
    /// GB18030 input split undecoded, the cells read as text decoded (see `cells`).
    cells: Option<Box<Cells>>,
}

/// Reading GB18030 records undecoded: the parser splits the file's own bytes (see
/// `decode::splits_undecoded`), and only a field read as text that holds a byte of 0x80 or
/// more is decoded (`decode::decode_cell`). Answers, ids, dates and numbers are mostly ASCII,
/// and a column no one reads is never decoded.
struct Cells {
    encoding: &'static encoding_rs::Encoding,
    /// The fields read as text, as runs of neighbours (first, last); at first every field
    /// (the header rows).
    runs: Vec<(usize, usize)>,
    /// The input bytes of a record read by the parser (for `decode_whole`).
    raw: Vec<u8>,
    /// The fields to decode (scratch).
    todo: Vec<usize>,
    /// The record being rebuilt with decoded fields, and its field ends (scratch).
    bytes: Vec<u8>,
    ends: Vec<usize>,
}
const BUF: usize = 1 << 18;

impl<R: Read> RecordReader<R> {
    /// A reader whose first byte sits at input offset `start` on line `line`.
    pub fn new(src: R, delimiter: u8, start: u64, line: u64) -> Self {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        if start > 0 {
            // The parser drops a byte-order mark at the start of its input; in the middle of a
            // file (files joined with their marks) it is text, as a read from the start keeps
            // it. A parser that has read a record keeps it.
            let (mut out, mut ends) = ([0u8; 4], [0usize; 4]);
            let r = core.read_record(b"x\n", &mut out, &mut ends);
            debug_assert!(r.0 == csv_core::ReadRecordResult::Record);
        }
        RecordReader {
            core,
            src,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            eof: false,
            base: start,
            line,
            stop: u64::MAX,
            ends_scratch: vec![0; 64],
            delimiter,
            plain_ok: start > 0,
            decoder: None,
            cells: None,
        }
    }

    /// Reads input in `encoding` (GB18030 or GBK) undecoded, splitting it on a delimiter that
    /// is never part of a character (`decode::splits_undecoded`): fields read as text (all of
    /// them until `set_text_fields`) hold decoded text, the others the file's bytes.
    pub fn cells(mut self, encoding: &'static encoding_rs::Encoding) -> Self {
        debug_assert!(super::decode::splits_undecoded(self.delimiter));
        self.cells = Some(Box::new(Cells {
            encoding,
            runs: vec![(0, usize::MAX)],
            raw: Vec::new(),
            todo: Vec::new(),
            bytes: Vec::new(),
            ends: Vec::new(),
        }));
        self
    }

    /// Which fields are read as text (`true`), for a reader of undecoded input (`cells`);
    /// `None` for every field. Fields beyond `text` are not read.
    pub fn set_text_fields(&mut self, text: Option<Vec<bool>>) {
        if let Some(c) = &mut self.cells {
            c.runs = match text {
                None => vec![(0, usize::MAX)],
                Some(text) => {
                    let mut runs: Vec<(usize, usize)> = Vec::new();
                    for i in (0..text.len()).filter(|&i| text[i]) {
                        match runs.last_mut() {
                            Some(r) if r.1 + 1 == i => r.1 = i,
                            _ => runs.push((i, i)),
                        }
                    }
                    runs
                }
            };
        }
    }

    /// Reads input in `encoding` (GB18030 or GBK, see `decode::decodes_by_lines`): records
    /// hold the decoded text, marks and the stop offset stay offsets in the undecoded input.
    pub fn decoding(mut self, encoding: &'static encoding_rs::Encoding) -> Self {
        self.decoder = Some(LineDecoder::new(encoding, self.base));
        self
    }

    /// Records starting at or after `stop` are left unread.
    pub fn set_stop(&mut self, stop: u64) {
        self.stop = stop;
    }

    /// The common record, one buffered line with no quote and no CR, split on the delimiter
    /// without the parser: exactly what the parser would make of it. `false` (nothing read)
    /// for any other record.
    fn read_plain_line(&mut self, rec: &mut Record) -> bool {
        let avail = &self.buf[self.pos..self.end];
        let Some(nl) = memchr::memchr(b'\n', avail) else { return false };
        let line = &avail[..nl];
        let scratch = &mut self.ends_scratch;
        if scratch.len() < nl + 1 {
            scratch.resize(nl + 1, 0);
        }
        let Some(n) = delimiters(line, self.delimiter, scratch) else { return false };
        scratch[n] = nl;
        rec.clear();
        rec.gap = 1;
        if rec.bytes.len() < nl {
            rec.bytes.resize(nl.next_power_of_two(), 0);
        }
        rec.bytes[..nl].copy_from_slice(line);
        rec.used = nl;
        rec.ends.extend_from_slice(&scratch[..=n]);
        self.pos += nl + 1;
        self.line += 1;
        true
    }

    /// Refills the buffer once everything in it has been consumed; false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        if self.buf.is_empty() {
            self.buf = vec![0; BUF];
        }
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        loop {
            let read = match &mut self.decoder {
                Some(d) => d.read(&mut self.src, &mut self.buf),
                None => self.src.read(&mut self.buf),
            };
            match read {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Skips the line ends between records; the mark of the next record, `None` at the end of
    /// input. The mark is returned even when it lies at or beyond the stop offset.
    pub fn next_start(&mut self) -> io::Result<Option<Mark>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            while self.pos < self.end {
                match self.buf[self.pos] {
                    b'\n' => self.line += 1,
                    b'\r' => {}
                    _ => {
                        let at = self.base + self.pos as u64;
                        let byte = self.decoder.as_mut().map_or(at, |d| d.file_offset(at));
                        return Ok(Some(Mark { byte, line: self.line }));
                    }
                }
                self.pos += 1;
            }
        }
    }

    /// Reads the next record into `rec`; its start, or `None` at the end of input or of the range.
    pub fn read(&mut self, rec: &mut Record) -> io::Result<Option<Mark>> {
        let Some(mark) = self.next_start()? else { return Ok(None) };
        if mark.byte >= self.stop {
            return Ok(None);
        }
        if self.plain_ok && self.read_plain_line(rec) {
            if self.cells.is_some() {
                // A plain line: every field is followed by a delimiter or the LF.
                self.decode_fields(rec, mark, false);
            }
            return Ok(Some(mark));
        }
        self.plain_ok = true;
        use csv_core::ReadRecordResult as R;
        rec.clear();
        if rec.bytes.len() < 256 {
            rec.bytes.resize(256, 0);
        }
        self.core.set_line(self.line);
        let mut nends = 0;
        let mut quotes = QuoteCheck::new(self.delimiter);
        if let Some(c) = &mut self.cells {
            c.raw.clear();
        }
        // The record ran to the end of the input, its last byte not a quote (see `decode_fields`).
        let mut at_end = false;
        loop {
            let input: &[u8] = if self.fill()? { &self.buf[self.pos..self.end] } else { &[] };
            let (res, nin, nout, nend) =
                self.core.read_record(input, &mut rec.bytes[rec.used..], &mut self.ends_scratch[nends..]);
            quotes.scan(&input[..nin]);
            if let Some(c) = &mut self.cells {
                c.raw.extend_from_slice(&input[..nin]);
                at_end = input.is_empty() && c.raw.last().is_some_and(|&b| b != b'"');
            }
            self.pos += nin;
            rec.used += nout;
            nends += nend;
            match res {
                R::InputEmpty => {}
                R::OutputFull => {
                    let n = rec.bytes.len() * 2;
                    rec.bytes.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends_scratch.len() * 2;
                    self.ends_scratch.resize(n, 0);
                }
                R::Record => break,
                R::End => {
                    // Only reachable with no data left, which next_start ruled out.
                    return Ok(None);
                }
            }
        }
        self.line = self.core.line();
        rec.ends.extend_from_slice(&self.ends_scratch[..nends]);
        rec.bad_quotes = quotes.bad();
        if self.cells.is_some() {
            self.decode_fields(rec, mark, at_end);
        }
        Ok(Some(mark))
    }

    /// Decodes the fields of `rec` (read undecoded, see `cells`) that are read as text and hold
    /// a byte of 0x80 or more; `at_end`: the last field runs to the end of the input. Each
    /// decodes on its own as it does in its decoded line (`decode_cell`), except where the
    /// parser dropped a quote inside a field (a record whose quotes are not valid CSV, `"a"b`)
    /// or where it drops a byte-order mark (the file's first record): such records are
    /// decoded whole and parsed again (`decode_whole`).
    fn decode_fields(&mut self, rec: &mut Record, mark: Mark, at_end: bool) {
        let c = self.cells.as_mut().expect("a reader of undecoded input");
        c.todo.clear();
        let n = rec.len();
        // Each run of text fields is one stretch of the record's bytes (delimiters between
        // them are ASCII): searched for a byte of 0x80 or more, field by field only where found.
        for &(first, last) in &c.runs {
            if first >= n {
                break;
            }
            let last = last.min(n - 1);
            let end = rec.ends[last];
            let mut from = if first == 0 { 0 } else { rec.ends[first - 1] + rec.gap };
            let mut k = first;
            while let Some(p) = first_high_byte(&rec.bytes[from..end]).map(|p| from + p) {
                // The field holding byte p.
                while rec.ends[k] <= p {
                    k += 1;
                }
                c.todo.push(k);
                from = rec.ends[k];
                k += 1;
            }
        }
        #[cfg(debug_assertions)]
        {
            let left: Vec<usize> = (0..n).filter(|&i| !rec.get(i).unwrap_or_default().is_ascii()).collect();
            rec.undecoded.extend(left.into_iter().filter(|i| !c.todo.contains(i)));
        }
        if c.todo.is_empty() {
            return;
        }
        if rec.bad_quotes || mark.byte == 0 {
            return self.decode_whole(rec, mark);
        }
        // The record again, each field to decode replaced by its text: the bytes between them
        // copied at once, then the field ends from each one on shifted by its change in length.
        c.bytes.clear();
        c.ends.clear();
        let mut copied = 0;
        for &k in &c.todo {
            let start = if k == 0 { 0 } else { rec.ends[k - 1] + rec.gap };
            c.bytes.extend_from_slice(&rec.bytes[copied..start]);
            decode_cell(c.encoding, &rec.bytes[start..rec.ends[k]], at_end && k == n - 1, &mut c.bytes);
            c.ends.push(c.bytes.len());
            copied = rec.ends[k];
        }
        c.bytes.extend_from_slice(&rec.bytes[copied..rec.used]);
        let (mut shift, mut next) = (0isize, 0);
        for (&k, &end) in c.todo.iter().zip(&c.ends) {
            for e in &mut rec.ends[next..k] {
                *e = e.wrapping_add_signed(shift);
            }
            shift = end as isize - rec.ends[k] as isize;
            rec.ends[k] = end;
            next = k + 1;
        }
        for e in &mut rec.ends[next..] {
            *e = e.wrapping_add_signed(shift);
        }
        std::mem::swap(&mut rec.bytes, &mut c.bytes);
        rec.used = rec.bytes.len();
    }

    /// Decodes the record's input bytes (`Cells::raw`) whole and parses the text into `rec`, as
    /// a reader of the decoded file would have: a parser that has read nothing yet drops a
    /// UTF-8 byte-order mark (a GB18030 one decodes to it) from the file's first record only.
    fn decode_whole(&mut self, rec: &mut Record, mark: Mark) {
        let c = self.cells.as_mut().expect("a reader of undecoded input");
        debug_assert!(!c.raw.is_empty(), "only records read by the parser are decoded whole");
        let text = c.encoding.decode_without_bom_handling(&c.raw).0;
        let mut core = csv_core::ReaderBuilder::new().delimiter(self.delimiter).build();
        let mut scratch = [0u8; 4];
        let mut ends = [0usize; 4];
        if mark.byte > 0 {
            // A parser that has read a record: it keeps a byte-order mark as text.
            let r = core.read_record(b"x\n", &mut scratch, &mut ends);
            debug_assert!(r.0 == csv_core::ReadRecordResult::Record);
        }
        rec.clear();
        if rec.bytes.len() < 256 {
            rec.bytes.resize(256, 0);
        }
        let mut input = text.as_bytes();
        let mut quotes = QuoteCheck::new(self.delimiter);
        let mut nends = 0;
        loop {
            let (res, nin, nout, nend) =
                core.read_record(input, &mut rec.bytes[rec.used..], &mut self.ends_scratch[nends..]);
            quotes.scan(&input[..nin]);
            input = &input[nin..];
            rec.used += nout;
            nends += nend;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull => {
                    let n = rec.bytes.len() * 2;
                    rec.bytes.resize(n, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let n = self.ends_scratch.len() * 2;
                    self.ends_scratch.resize(n, 0);
                }
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
            }
        }
        debug_assert!(input.is_empty(), "one record");
        rec.ends.extend_from_slice(&self.ends_scratch[..nends]);
        rec.gap = 0;
        rec.bad_quotes = quotes.bad();
    }
}

/// The index of the first byte of 0x80 or more in `s`, eight bytes at a time.
/// (The last, partial word is read as the last eight bytes, overlapping ones found ASCII.)
fn first_high_byte(s: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes")) & HIGH;
    if s.len() < 8 {
        return s.iter().position(|&b| b >= 0x80);
    }
    let mut i = 0;
    loop {
        let at = i.min(s.len() - 8);
        let w = word(at);
        if w != 0 {
            return Some(at + (w.trailing_zeros() / 8) as usize);
        }
        if at + 8 == s.len() {
            return None;
        }
        i += 8;
    }
}

/// Follows the quotes of one record as the parser reads it, to tell valid CSV from what the
/// parser only accepts leniently: a closing quote followed by anything but a delimiter, a line
/// end or the end of input (the parser then keeps reading the field as unquoted text), or a
/// quote still open at the end of input. Jumps from quote to quote, so a record without quotes
/// costs one `memchr` pass.
struct QuoteCheck {
    delimiter: u8,
    /// Inside a quoted field.
    quoted: bool,
    /// Inside a quoted field, the last byte seen was a quote: the next byte decides whether it
    /// closed the field or began an escaped quote.
    pending: bool,
    /// The last byte seen (a line end before the record's first byte).
    prev: u8,
    /// Nothing seen yet: a byte-order mark there is not part of the field (the parser drops it).
    start: bool,
    bad: bool,
}

impl QuoteCheck {
    fn new(delimiter: u8) -> Self {
        QuoteCheck { delimiter, quoted: false, pending: false, prev: b'\n', start: true, bad: false }
    }

    /// Whether a closing quote is followed by `b` in valid CSV.
    fn closes(&self, b: u8) -> bool {
        b == self.delimiter || b == b'\n' || b == b'\r'
    }

    /// Takes the next bytes of the record, as the parser consumed them.
    fn scan(&mut self, bytes: &[u8]) {
        let Some(&last) = bytes.last() else { return };
        let bom = std::mem::take(&mut self.start) && bytes.starts_with(b"\xef\xbb\xbf");
        let first = if bom { 3 } else { 0 };
        let mut i = first;
        if self.pending {
            self.pending = false;
            if bytes[0] == b'"' {
                i = 1; // an escaped quote: still inside
            } else {
                self.quoted = false;
                self.bad |= !self.closes(bytes[0]);
            }
        }
        while i < bytes.len() {
            let Some(q) = memchr::memchr(b'"', &bytes[i..]).map(|q| i + q) else { break };
            if self.quoted {
                match bytes.get(q + 1) {
                    None => self.pending = true,
                    Some(b'"') => {}
                    Some(&b) => {
                        self.quoted = false;
                        self.bad |= !self.closes(b);
                    }
                }
                i = q + 2;
            } else {
                // A quote opens a field only as its first byte; elsewhere the parser keeps it.
                let before = if q == first { self.prev } else { bytes[q - 1] };
                self.quoted = before == self.delimiter || before == b'\n' || before == b'\r';
                i = q + 1;
            }
        }
        self.prev = last;
    }

    /// The verdict once the record is read: a quote open at its end ran to the end of input.
    fn bad(&self) -> bool {
        self.bad || (self.quoted && !self.pending)
    }
}

/// Positions of `delim` in `line`, written to `out` (which has room for `line.len()`); their
/// count, or `None` if the line holds a quote or a CR (then the parser must read it).
/// Eight bytes at a time: a byte's flag is the top bit of a word that is zero exactly there.
fn delimiters(line: &[u8], delim: u8, out: &mut [usize]) -> Option<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Top bit of each byte of `x` that is zero (exact: no carry crosses bytes).
    let zeros = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let (d, q, cr) = (ONES * u64::from(delim), ONES * u64::from(b'"'), ONES * u64::from(b'\r'));
    let mut n = 0;
    let mut chunks = line.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        if zeros(w ^ q) | zeros(w ^ cr) != 0 {
            return None;
        }
        let mut m = zeros(w ^ d);
        while m != 0 {
            out[n] = base + (m.trailing_zeros() / 8) as usize;
            n += 1;
            m &= m - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'"' || b == b'\r' {
            return None;
        }
        out[n] = base + i;
        n += usize::from(b == delim);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8], stop: u64) -> Vec<(u64, u64, Vec<String>)> {
        let mut r = RecordReader::new(data, b',', 0, 1);
        r.set_stop(stop);
        let mut rec = Record::default();
        let mut out = Vec::new();
        while let Some(m) = r.read(&mut rec).unwrap() {
            out.push((m.byte, m.line, rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect()));
        }
        out
    }

    #[test]
    fn records_carry_their_own_line_after_blank_lines_and_crlf() {
        let got = all(b"h1,h2\n\n\n1,2\r\n\"a\nb\",3\r\n\r\n4,5", u64::MAX);
        let lines: Vec<u64> = got.iter().map(|g| g.1).collect();
        assert_eq!(lines, [1, 4, 5, 8]);
        assert_eq!(got[2].2, ["a\nb", "3"]);
        assert_eq!(got[3].0, 24);
        assert_eq!(got[3].2, ["4", "5"]);
    }

    #[test]
    fn a_stop_offset_ends_before_the_record_starting_there() {
        let data = b"a,b\n1,2\n3,4\n";
        assert_eq!(all(data, 8).len(), 2);
        assert_eq!(all(data, 9).len(), 3);
        let mut r = RecordReader::new(&data[8..], b',', 8, 3);
        let mut rec = Record::default();
        assert_eq!(r.read(&mut rec).unwrap(), Some(Mark { byte: 8, line: 3 }));
        assert_eq!(rec.get(1), Some(&b"4"[..]));
    }

    #[test]
    fn gb18030_records_carry_file_offsets_and_stop_at_file_offsets() {
        let enc = encoding_rs::GB18030;
        let data = enc.encode("编号,意见\n1,价格太高\r\n2,\"多\n行,\"\n\n3,好\n").0.into_owned();
        let starts: Vec<u64> =
            [&b"1,"[..], b"2,", b"3,"].iter().map(|p| data.windows(2).position(|w| w == *p).unwrap() as u64).collect();
        let read = |start: u64, stop: u64| {
            let mut r = RecordReader::new(&data[start as usize..], b',', start, 1).decoding(enc);
            r.set_stop(stop);
            let mut rec = Record::default();
            let mut out = Vec::new();
            while let Some(m) = r.read(&mut rec).unwrap() {
                out.push((m.byte, m.line, String::from_utf8(rec.get(1).unwrap().to_vec()).unwrap()));
            }
            (out, r.next_start().unwrap())
        };
        let (all, end) = read(0, u64::MAX);
        assert_eq!(all.iter().map(|r| r.0).collect::<Vec<_>>(), [0, starts[0], starts[1], starts[2]]);
        assert_eq!(all.iter().map(|r| r.1).collect::<Vec<_>>(), [1, 2, 3, 6]);
        assert_eq!(all[2].2, "多\n行,");
        assert_eq!(end, None);
        // A range stops before the record starting at its stop offset, and says where that is.
        let (head, end) = read(0, starts[2]);
        assert_eq!(head.len(), 3);
        assert_eq!(end, Some(Mark { byte: starts[2], line: 6 }));
        let (tail, _) = read(starts[2], u64::MAX);
        assert_eq!(tail, [(starts[2], 1, "好".to_string())]);
    }

    #[test]
    fn long_fields_and_many_fields_grow_the_buffers() {
        let long = "x".repeat(100_000);
        let many = vec!["1"; 500].join(",");
        let data = format!("{long},y\n{many}\n");
        let got = all(data.as_bytes(), u64::MAX);
        assert_eq!(got[0].2[0].len(), 100_000);
        assert_eq!(got[1].2.len(), 500);
        assert_eq!(got[1].1, 2);
    }

    #[test]
    fn plain_lines_read_as_the_parser_reads_them() {
        // Every line through the parser alone (a reader that never takes the plain path)
        // against the normal reader, on lines with and without quotes, CR, empty fields.
        let data = "h,x,y\n1,,3\n,,\n\"q,1\",2,3\n a , b ,c\r\nlast,1,2\n\n\n4,5,6\n7,\"8\n9\",0\nend";
        let (fast, slow) = (read_all(data.as_bytes(), true, 1 << 12), read_all(data.as_bytes(), false, 1 << 12));
        assert_eq!(fast, slow);
        assert_eq!(fast.len(), 9);
        assert_eq!(fast[2].1, [b"".to_vec(), b"".to_vec(), b"".to_vec()]);
    }

    fn read_all(data: &[u8], plain: bool, buf: usize) -> Vec<(Mark, Vec<Vec<u8>>)> {
        let mut r = RecordReader::new(data, b',', 0, 1);
        r.buf = vec![0; buf]; // small buffers put records across refills
        let mut rec = Record::default();
        let mut out = Vec::new();
        loop {
            if !plain {
                r.plain_ok = false;
            }
            let Some(m) = r.read(&mut rec).unwrap() else { break };
            out.push((m, rec.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn plain_path_equals_parser_on_any_bytes(
            data in proptest::collection::vec(proptest::sample::select(b"ab,\"\r\n \xe4".to_vec()), 0..300),
            buf in 1usize..40,
        ) {
            proptest::prop_assert_eq!(read_all(&data, true, buf), read_all(&data, false, 1 << 12));
        }

        #[test]
        fn plain_path_splits_long_lines_like_the_parser(
            data in proptest::collection::vec(proptest::sample::select(b"aaab,,,,\xe4\xb8\x7f\x80\x2b\n".to_vec()), 0..400),
            buf in 8usize..300,
        ) {
            proptest::prop_assert_eq!(read_all(&data, true, buf), read_all(&data, false, 1 << 12));
        }
    }

    fn bad_quotes(data: &[u8], buf: usize) -> Vec<(u64, bool)> {
        let mut r = RecordReader::new(data, b',', 0, 1);
        r.buf = vec![0; buf];
        let mut rec = Record::default();
        let mut out = Vec::new();
        while let Some(m) = r.read(&mut rec).unwrap() {
            out.push((m.line, rec.bad_quotes()));
        }
        out
    }

    #[test]
    fn quotes_the_parser_only_takes_leniently_are_flagged() {
        let ok = |d: &str| assert!(bad_quotes(d.as_bytes(), 1 << 12).iter().all(|r| !r.1), "{d:?}");
        let bad = |d: &str| assert!(bad_quotes(d.as_bytes(), 1 << 12).iter().any(|r| r.1), "{d:?}");
        ok("a,\"b\nc,d\"\n1,2\n");
        ok("\"\",\"\"\"\",\"\"\n\"x\"\r\n");
        ok("a\"b,c\"\n"); // quotes inside unquoted text are text
        ok("\"a\"");
        ok("\u{feff}\"id\",\"x\"\n1,2\n");
        bad("a,\"never closed\n1,2\n");
        bad("a,\"closed\"later\n");
        bad("a,\"x\n1,\"y\"\n");
        assert_eq!(bad_quotes(b"a,b\n\"c\"d,e\n\"f\",g\n", 1 << 12), [(1, false), (2, true), (3, false)]);
    }

    /// The check by hand, byte by byte, as the parser's states go.
    fn bad_quotes_reference(data: &[u8]) -> Vec<bool> {
        let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
        let mut out = Vec::new();
        let (mut i, mut bad) = (0, false);
        #[derive(PartialEq)]
        enum S {
            Start,
            Field,
            Quoted,
            QuoteInQuoted,
            Lf,
        }
        let mut s = S::Lf;
        while i < data.len() {
            let b = data[i];
            s = match (s, b) {
                (S::Lf, b'\n' | b'\r') => S::Lf,
                (S::Lf | S::Start, b'"') => S::Quoted,
                (S::Lf | S::Start | S::Field | S::QuoteInQuoted, b',') => S::Start,
                (S::Start | S::Field | S::QuoteInQuoted, b'\n' | b'\r') => {
                    out.push(std::mem::take(&mut bad));
                    S::Lf
                }
                (S::Quoted, b'"') => S::QuoteInQuoted,
                (S::Quoted, _) => S::Quoted,
                (S::QuoteInQuoted, b'"') => S::Quoted,
                (S::QuoteInQuoted, _) => {
                    bad = true;
                    S::Field
                }
                _ => S::Field,
            };
            i += 1;
        }
        if s != S::Lf {
            out.push(bad || s == S::Quoted);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn quote_check_follows_the_parser_across_buffer_ends(
            data in proptest::collection::vec(proptest::sample::select(b"a,\"\"\r\n".to_vec()), 0..200),
            buf in 1usize..30,
        ) {
            let got: Vec<bool> = bad_quotes(&data, buf).into_iter().map(|r| r.1).collect();
            proptest::prop_assert_eq!(&got, &bad_quotes_reference(&data));
            let whole: Vec<bool> = bad_quotes(&data, 1 << 12).into_iter().map(|r| r.1).collect();
            proptest::prop_assert_eq!(got, whole);
        }
    }

    /// A record's mark, quote verdict, which fields are blank, and its text fields.
    type GbRecord = (Mark, bool, Vec<bool>, Vec<Option<Vec<u8>>>);

    /// Records of GB18030 `data` from `start` (0 or just after a line end), read in `buf`-byte
    /// reads: by the reader that decodes lines (`decoded`), or undecoded with the fields in
    /// `text` decoded: marks, quote verdicts, field counts, which fields are blank, and the
    /// text fields (`None` for the others).
    fn gb_records(
        data: &[u8],
        start: usize,
        delimiter: u8,
        text: Option<&[bool]>,
        decoded: bool,
        buf: usize,
    ) -> Vec<GbRecord> {
        let enc = encoding_rs::GB18030;
        let r = RecordReader::new(&data[start..], delimiter, start as u64, 1);
        let mut r = if decoded { r.decoding(enc) } else { r.cells(enc) };
        r.set_text_fields(text.map(<[bool]>::to_vec));
        r.buf = vec![0; buf];
        let mut rec = Record::default();
        let mut out = Vec::new();
        while let Some(m) = r.read(&mut rec).unwrap() {
            let blank = rec.iter().map(|f| f.iter().all(u8::is_ascii_whitespace)).collect();
            let fields = rec
                .iter()
                .enumerate()
                .map(|(i, f)| text.is_none_or(|t| t.get(i) == Some(&true)).then(|| f.to_vec()))
                .collect();
            out.push((m, rec.bad_quotes(), blank, fields));
        }
        out
    }

    fn line_starts(data: &[u8]) -> Vec<usize> {
        let mut v = vec![0];
        v.extend(data.iter().enumerate().filter(|b| *b.1 == b'\n' && b.0 + 1 < data.len()).map(|b| b.0 + 1));
        v
    }

    #[test]
    fn gb18030_cells_read_undecoded_equal_decoded_lines() {
        let enc = encoding_rs::GB18030;
        let mut data = b"\x84\x31\x95\x33".to_vec(); // GB18030's own byte-order mark, then a quoted header
        data.extend_from_slice(
            &enc.encode("\"编号\",意见,地区\n1,价格太高,华东\r\n2,\"多\n行,\"\"引号\"\"\",华南\n\n3,好,\n").0,
        );
        // Characters cut short before a delimiter, a closing quote, a line end and the end of
        // the input; a four-byte character; a quote dropped inside a field (`"…"x`).
        data.extend_from_slice(b"4,\x81\x30,\x81\n5,\"\x81\x30\",\x81\x30\x81\r\n6,\"a\x81\"c,\x95\x33\x82\x31\n");
        // A record (not the file's first) starting with the byte-order mark and with a
        // dropped quote: the mark is text there.
        data.extend_from_slice(b"\x84\x31\x95\x33,\"a\"b,c\n7,x,\x81\x30");
        let decoded = gb_records(&data, 0, b',', None, true, 1 << 12);
        assert_eq!(decoded.len(), 9);
        assert_eq!(decoded[7].3[0].as_deref(), Some("\u{feff}".as_bytes()));
        assert_eq!(decoded[0].3[0].as_deref(), Some("编号".as_bytes()), "the mark dropped, the quotes read");
        assert_eq!(decoded[5].3[1].as_deref(), Some("\u{fffd}0".as_bytes()), "a cut character before a closing quote");
        assert_eq!(decoded[8].3[2].as_deref(), Some("\u{fffd}".as_bytes()), "at the end of the input");
        for start in line_starts(&data) {
            for buf in [5, 64, 1 << 12] {
                for text in [None, Some(&[true, true, false][..])] {
                    let want = gb_expected(&data, start, b',', text);
                    assert_eq!(gb_records(&data, start, b',', text, false, buf), want, "from {start}, reads of {buf}");
                }
            }
        }
    }

    /// What a range of GB18030 `data` from `start` must read: the sequential read's records
    /// from there, with lines counted from the range's start, when a record starts there; else
    /// what the reader of decoded lines reads from there. (A range reader's parser has read
    /// nothing, so it would drop a byte-order mark at its first record, which the sequential
    /// read keeps.)
    fn gb_expected(data: &[u8], start: usize, delimiter: u8, text: Option<&[bool]>) -> Vec<GbRecord> {
        let seq = gb_records(data, 0, delimiter, text, true, 1 << 12);
        let Some(at) = seq.iter().position(|r| r.0.byte == start as u64) else {
            return gb_records(data, start, delimiter, text, true, 1 << 12);
        };
        let shift = data[..start].iter().filter(|&&b| b == b'\n').count() as u64;
        seq.into_iter()
            .skip(at)
            .map(|mut r| {
                r.0.line -= shift;
                r
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn gb18030_cells_read_undecoded_equal_decoded_lines_on_any_bytes(
            data in proptest::collection::vec(
                proptest::sample::select(b"a,;\t\"\r\n\x81\x30\x39\x40\x7f\x80\xa1\xfe\xff\xd6\xd0\x84\x31\x95\x33".to_vec()), 0..300),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
            text in proptest::collection::vec(proptest::bool::ANY, 0..6),
            all in proptest::bool::ANY,
            buf in 1usize..80,
        ) {
            let text = (!all).then_some(&text[..]);
            for start in line_starts(&data) {
                let want = gb_expected(&data, start, delimiter, text);
                proptest::prop_assert_eq!(&gb_records(&data, start, delimiter, text, false, buf), &want, "from {}", start);
            }
        }
    }

    #[test]
    fn first_high_byte_finds_the_first_byte_of_0x80_or_more() {
        for len in 0..40 {
            for at in (0..len).chain([usize::MAX]) {
                let mut s = vec![b'a'; len];
                if at < len {
                    s[at] = 0x80 + at as u8;
                    for b in &mut s[at + 1..] {
                        *b = 0xff; // later high bytes
                    }
                }
                assert_eq!(first_high_byte(&s), (at < len).then_some(at), "{len} bytes, high at {at}");
            }
        }
    }

    #[test]
    fn a_bom_is_not_part_of_the_first_field() {
        let got = all(b"\xef\xbb\xbfid,x\n1,2\n", u64::MAX);
        assert_eq!(got[0].2[0], "id");
    }

    /// A mark in the middle of a file (two exports joined with `cat`) is text of its line's
    /// first field, read from the start or from a range starting at that line, by the parser
    /// (a quoted field, CR line ends) or by the plain-line path.
    #[test]
    fn a_bom_inside_the_file_is_kept_by_a_range_starting_there() {
        for second in [&b"\xef\xbb\xbfid,\"x\"\r\n1,2\r\n"[..], b"\xef\xbb\xbfid,x\n1,2\n"] {
            let data = [&b"id,x\n0,1\n"[..], second].concat();
            let whole = all(&data, u64::MAX);
            let at = 9;
            let mut r = RecordReader::new(&data[at..], b',', at as u64, 3);
            let mut rec = Record::default();
            let mut from_range = Vec::new();
            while let Some(m) = r.read(&mut rec).unwrap() {
                from_range.push((
                    m.byte,
                    m.line,
                    rec.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
                ));
            }
            assert_eq!(whole[2..], from_range[..]);
            assert_eq!(from_range[0].2[0], "\u{feff}id");
        }
    }
}
