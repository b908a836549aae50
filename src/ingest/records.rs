//! CSV records over `csv_core`, each with its exact byte offset and line.
//!
//! The csv crate's reader dates a record to where the previous one ended, so a record after a
//! blank line or a CRLF line end got the line before its own. This reader skips line ends
//! between records itself, so a record's position is the first byte of its text. Knowing that
//! byte is also what lets a large file be read in byte ranges by several threads: a range
//! ends at the first record that starts at or after its stop offset, and the next range must
//! begin exactly there (see `Table::ranges`).

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
}

const BUF: usize = 1 << 18;

impl<R: Read> RecordReader<R> {
    /// A reader whose first byte sits at input offset `start` on line `line`.
    pub fn new(src: R, delimiter: u8, start: u64, line: u64) -> Self {
        RecordReader {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
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
        }
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
            match self.src.read(&mut self.buf) {
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
                    _ => return Ok(Some(Mark { byte: self.base + self.pos as u64, line: self.line })),
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
        loop {
            let input: &[u8] = if self.fill()? { &self.buf[self.pos..self.end] } else { &[] };
            let (res, nin, nout, nend) =
                self.core.read_record(input, &mut rec.bytes[rec.used..], &mut self.ends_scratch[nends..]);
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
        Ok(Some(mark))
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

    #[test]
    fn a_bom_is_not_part_of_the_first_field() {
        let got = all(b"\xef\xbb\xbfid,x\n1,2\n", u64::MAX);
        assert_eq!(got[0].2[0], "id");
    }
}
