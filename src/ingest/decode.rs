//! GB18030 (and GBK) text decoded in pieces that end at line ends, keeping the file offset of
//! every line start until the reader asks for it: records of a decoded file then carry file
//! offsets, so the file is read in byte ranges like a UTF-8 one (see `Table::ranges`).
//!
//! Why a range may start with a fresh decoder: in GB18030 a CR or LF byte is never part of a
//! character (lead bytes are 81–FE, trail bytes 30–39 and 40–FE), and a CR or LF met where a
//! trail byte was due is read again as itself after the error. So the decoder has nothing
//! pending once it has written a line end, and the text after any CR or LF byte decodes the
//! same whether decoding starts there or at the top of the file.
//!
//! Most files are not decoded here but split undecoded (`splits_undecoded`: a `,`, `;` or tab
//! delimiter is never part of a character either), and only the cells read as text that hold
//! a byte of 0x80 or more are decoded, each on its own (`decode_cell`, see
//! `RecordReader::cells`); `LineDecoder` reads the files whose delimiter may be a trail byte.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Whether files in `encoding` can be decoded by `LineDecoder` (and so read in ranges).
pub fn decodes_by_lines(encoding: &'static encoding_rs::Encoding) -> bool {
    encoding == encoding_rs::GB18030 || encoding == encoding_rs::GBK
}

/// Whether records of GB18030 text can be split on `delimiter` before decoding (see
/// `decode_cell`): in GB18030 the trail bytes of a character are 0x30–0x39 and 0x40–0xFE, and
/// any other ASCII byte met where a trail byte was due is read again as itself. So a delimiter
/// outside those ranges (`,` `;` tab), the quote, CR and LF are never part of a character; `|`
/// may be (it is a trail byte), and such files are decoded line by line instead (`LineDecoder`).
pub fn splits_undecoded(delimiter: u8) -> bool {
    delimiter < 0x30 || (0x3a..0x40).contains(&delimiter) || delimiter == 0x7f
}

/// Appends the UTF-8 text of `cell`, GB18030 bytes split from a record of undecoded text, to
/// `out`: exactly the text the cell has when its whole line is decoded. The cell starts after
/// a delimiter, quote or line end (the decoder has nothing pending there) and is followed by
/// one (an ASCII byte that ends a character cut short: the decoder writes U+FFFD and then
/// reads the bytes it held again, so `\x81\x30,` is U+FFFD, `0`, `,`), unless it runs to the
/// end of the input (`at_end`: then U+FFFD alone).
pub fn decode_cell(encoding: &'static encoding_rs::Encoding, cell: &[u8], at_end: bool, out: &mut Vec<u8>) {
    let mut d = encoding.new_decoder_without_bom_handling();
    let start = out.len();
    out.resize(start + d.max_utf8_buffer_length(cell.len()).unwrap_or(usize::MAX), 0);
    let (result, read, mut written, _) = d.decode_to_utf8(cell, &mut out[start..], at_end);
    debug_assert!(result == encoding_rs::CoderResult::InputEmpty && read == cell.len());
    if !at_end {
        let at = start + written;
        out.resize(at + d.max_utf8_buffer_length(1).unwrap_or(usize::MAX), 0);
        let (result, _, tail, _) = d.decode_to_utf8(b"\n", &mut out[at..], true);
        debug_assert!(result == encoding_rs::CoderResult::InputEmpty && out[at + tail - 1] == b'\n');
        written += tail - 1; // without the line end
    }
    out.truncate(start + written);
}

/// Source bytes read at a time.
const RAW: usize = 1 << 16;

pub struct LineDecoder {
    decoder: encoding_rs::Decoder,
    /// Source bytes read and not yet decoded: `raw[pos..len]`.
    raw: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    finished: bool,
    /// Decoded text that did not fit the caller's buffer (only with tiny buffers).
    spill: Vec<u8>,
    spill_pos: usize,
    /// Decoded offset and file offset of `raw[pos]` (the next byte to decode); both count
    /// from the same start.
    decoded: u64,
    file: u64,
    /// Just after each CR or LF decoded and not yet asked about: (decoded offset, file offset).
    ends: VecDeque<(u64, u64)>,
}

impl LineDecoder {
    /// A decoder of text whose first byte sits at file offset `start` (a line start, or 0).
    pub fn new(encoding: &'static encoding_rs::Encoding, start: u64) -> LineDecoder {
        debug_assert!(decodes_by_lines(encoding));
        LineDecoder {
            // GB18030 has no byte-order mark of its own for encoding_rs to remove: with or
            // without BOM removal the decoder is the same (a UTF-8 or UTF-16 BOM at the top
            // of the file is the caller's business).
            decoder: encoding.new_decoder_without_bom_handling(),
            raw: vec![0; RAW],
            pos: 0,
            len: 0,
            eof: false,
            finished: false,
            spill: Vec::new(),
            spill_pos: 0,
            decoded: start,
            file: start,
            ends: VecDeque::from([(start, start)]),
        }
    }

    /// The file offset of decoded offset `at`, which must be the start, or just after a CR or
    /// LF, and not before an offset asked about earlier (offsets before it are forgotten).
    pub fn file_offset(&mut self, at: u64) -> u64 {
        while self.ends.front().is_some_and(|e| e.0 < at) && self.ends.len() > 1 {
            self.ends.pop_front();
        }
        match self.ends.front() {
            Some(&(d, f)) if d == at => f,
            // Not a line start: by the reader's construction unreachable. The nearest
            // earlier line start keeps offsets monotonic.
            other => {
                debug_assert!(false, "decoded offset {at} is not a line start ({other:?})");
                other.map_or(at, |e| e.1)
            }
        }
    }

    /// Decodes into `out` from `src`; 0 only at the end of the input.
    pub fn read(&mut self, src: &mut impl Read, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.spill_pos < self.spill.len() {
                let n = out.len().min(self.spill.len() - self.spill_pos);
                out[..n].copy_from_slice(&self.spill[self.spill_pos..self.spill_pos + n]);
                self.spill_pos += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            // Input whose decoded text surely fits `out` (or at least 64 bytes, spilled).
            let room = self.input_room(out.len()).max(64);
            if self.len - self.pos < room && !self.eof {
                self.refill(src, room)?;
                continue;
            }
            let take = room.min(self.len - self.pos);
            let last = self.eof && take == self.len - self.pos;
            let n = self.decode(take, last, out);
            if last {
                self.finished = true;
            }
            if n > 0 || last {
                return Ok(n);
            }
        }
    }

    /// Input bytes whose decoded text cannot overflow `space` bytes.
    fn input_room(&self, space: usize) -> usize {
        let (mut lo, mut hi) = (0usize, space);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.decoder.max_utf8_buffer_length(mid).is_some_and(|m| m <= space) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    /// Moves the undecoded bytes to the front and reads until `want` bytes are held or the
    /// input ends.
    fn refill(&mut self, src: &mut impl Read, want: usize) -> io::Result<()> {
        self.raw.copy_within(self.pos..self.len, 0);
        self.len -= self.pos;
        self.pos = 0;
        if self.raw.len() < want {
            self.raw.resize(want, 0);
        }
        while self.len < want {
            match src.read(&mut self.raw[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.len += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Decodes `raw[pos..pos + cut]` whole into `out` (or the spill when `out` is too small),
    /// noting where each line end leads in both texts; the bytes written to `out`. The decoder
    /// writes every CR and LF in the call that reads it (a character it cuts short is replaced
    /// first; only lead and trail bytes wait for the next call), so the k-th line end read is
    /// the k-th one written.
    fn decode(&mut self, cut: usize, last: bool, out: &mut [u8]) -> usize {
        let input = &self.raw[self.pos..self.pos + cut];
        let need = self.decoder.max_utf8_buffer_length(cut).unwrap_or(usize::MAX);
        let direct = need <= out.len();
        if !direct {
            self.spill.resize(need, 0);
            self.spill_pos = 0;
        }
        let dst: &mut [u8] = if direct { out } else { &mut self.spill };
        let (result, read, written, _) = self.decoder.decode_to_utf8(input, dst, last);
        debug_assert!(result == encoding_rs::CoderResult::InputEmpty && read == cut);
        let text = &dst[..written];
        let mut outs = memchr::memchr2_iter(b'\n', b'\r', text);
        for i in memchr::memchr2_iter(b'\n', b'\r', input) {
            let j = outs.next().expect("each CR and LF decodes to itself");
            self.ends.push_back((self.decoded + j as u64 + 1, self.file + i as u64 + 1));
        }
        debug_assert!(outs.next().is_none());
        self.pos += read;
        self.file += read as u64;
        self.decoded += written as u64;
        if direct {
            written
        } else {
            self.spill.truncate(written);
            let n = out.len().min(written);
            out[..n].copy_from_slice(&self.spill[..n]);
            self.spill_pos = n;
            n
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::GB18030;

    /// Decodes `data` from byte `start` (a line start) in reads of `buf` bytes: the text, and
    /// the file offset the decoder gives for every decoded line start.
    fn decode(data: &[u8], start: usize, buf: usize) -> (Vec<u8>, Vec<(u64, u64)>) {
        let mut d = LineDecoder::new(GB18030, start as u64);
        let mut src = &data[start..];
        let (mut text, mut out) = (Vec::new(), vec![0u8; buf]);
        loop {
            let n = d.read(&mut src, &mut out).unwrap();
            if n == 0 {
                break;
            }
            text.extend_from_slice(&out[..n]);
        }
        let mut offsets = vec![(start as u64, d.file_offset(start as u64))];
        for (j, &b) in text.iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                let at = (start + j + 1) as u64;
                offsets.push((at, d.file_offset(at)));
            }
        }
        (text, offsets)
    }

    /// The file offset just after each CR or LF of `data` from `start`.
    fn line_ends(data: &[u8], start: usize) -> Vec<u64> {
        let mut v = vec![start as u64];
        v.extend(
            data[start..]
                .iter()
                .enumerate()
                .filter(|b| matches!(b.1, b'\n' | b'\r'))
                .map(|(i, _)| (start + i + 1) as u64),
        );
        v
    }

    fn check(data: &[u8], buf: usize) {
        let mut dec = GB18030.new_decoder_without_bom_handling();
        let mut whole = vec![0u8; dec.max_utf8_buffer_length(data.len()).unwrap()];
        let (_, _, n, _) = dec.decode_to_utf8(data, &mut whole, true);
        whole.truncate(n);
        let whole_ends = line_ends(&whole, 0);
        for (k, &s) in line_ends(data, 0).iter().enumerate().filter(|(_, s)| (**s as usize) < data.len()) {
            let (text, offsets) = decode(data, s as usize, buf);
            // From any line start, the text is the whole file's text after as many line ends ...
            assert_eq!(text, &whole[whole_ends[k] as usize..], "from byte {s}, reads of {buf}");
            // ... and every decoded line start maps to its file offset.
            let files: Vec<u64> = offsets.iter().map(|o| o.1).collect();
            assert_eq!(files, line_ends(data, s as usize), "from byte {s}, reads of {buf}");
        }
    }

    #[test]
    fn broken_characters_before_line_ends_decode_as_in_one_piece() {
        let mut data = GB18030.encode("问卷编号,意见\nA1,价格太高\r\n").0.into_owned();
        // A lead byte cut by a line end, a four-byte sequence cut after its second and
        // third byte, a lone trail, an invalid byte, and a valid four-byte character.
        data.extend_from_slice(b"A2,\x81\nA3,\x81\x30\nA4,\x81\x30\x81\r\nA5,\x80\xff\n");
        data.extend_from_slice(&GB18030.encode("A6,𠀀。\n").0);
        for buf in [64, 65, 100, 1 << 12] {
            check(&data, buf);
        }
    }

    #[test]
    fn every_two_bytes_decode_as_in_one_piece() {
        // Each lead byte with every second byte (the pair table's domain and its edges), then
        // cut by a line end, by another lead, and by the end of the input.
        for lead in [0x80u8, 0x81, 0xA1, 0xB0, 0xD6, 0xF8, 0xFE, 0xFF] {
            let mut data = Vec::new();
            for trail in 0..=0xFFu8 {
                if trail != b'\n' && trail != b'\r' {
                    data.extend_from_slice(&[b'a', lead, trail, lead, b'\n']);
                }
            }
            data.push(lead);
            for buf in [64, 1 << 12] {
                check(&data, buf);
            }
        }
    }

    #[test]
    fn survey_text_decodes_as_in_one_piece() {
        let text = "问卷编号,调查日期,客户类型,意见建议\r\nR00000002,2024-01-05,工程项目客户,产品质量稳定。\n\
                    R00000008,2024-12-17,OEM客户,\"价格“偏高”，交货慢\"\n";
        let data = GB18030.encode(&text.repeat(40)).0.into_owned();
        for buf in [64, 100, 1 << 12, 1 << 16] {
            check(&data, buf);
        }
    }

    proptest::proptest! {
        #[test]
        fn gbk_text_with_noise_decodes_from_any_line_start_as_in_one_piece(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "中".as_bytes(), "价格,".as_bytes(), "a,".as_bytes(), "\n".as_bytes(), "\r\n".as_bytes(),
                    b"\x81", b"\x81\x30", b"\x81\x30\x81\x30", b"\x80", b"\xff", b"\xd6\xd0", b"\xa1\xa1",
                    b"\xfe\xfe", b"\x81\x40", b"\xa2\xa0", b"\xd6\x7f",
                ]), 0..200),
            buf in 64usize..300,
        ) {
            let mut data = Vec::new();
            for p in parts {
                // Chinese as GB18030, the byte strings as they are.
                match std::str::from_utf8(p) {
                    Ok(s) if !s.is_ascii() => data.extend_from_slice(&GB18030.encode(s).0),
                    _ => data.extend_from_slice(p),
                }
            }
            check(&data, buf);
        }

        #[test]
        fn any_bytes_decode_from_any_line_start_as_in_one_piece(
            data in proptest::collection::vec(
                proptest::sample::select(b"a,\n\r\x81\x30\x39\x40\x7f\x80\xa1\xfe\xff\xd6\xd0".to_vec()), 0..400),
            buf in 64usize..200,
        ) {
            check(&data, buf);
        }
    }
}
