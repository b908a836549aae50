//! A reader that turns CRLF line ends into LF.
//!
//! The csv crate reports, for a record that follows a CRLF, the line number of the previous
//! line; reading CRLF files through this adapter keeps every diagnostic on the file's own line.
//! A CR not followed by LF is kept.

use std::io::{self, Read};

pub struct CrlfToLf<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> CrlfToLf<R> {
    pub fn new(inner: R) -> Self {
        CrlfToLf { inner, buf: vec![0; 1 << 16].into_boxed_slice(), start: 0, end: 0, eof: false }
    }

    fn refill(&mut self) -> io::Result<()> {
        let rem = self.end - self.start;
        self.buf.copy_within(self.start..self.end, 0);
        self.start = 0;
        self.end = rem;
        while !self.eof && self.end < self.buf.len() {
            let n = self.inner.read(&mut self.buf[self.end..])?;
            if n == 0 {
                self.eof = true;
            }
            self.end += n;
            if n > 0 {
                break;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let lone_cr = self.end - self.start == 1 && self.buf[self.start] == b'\r' && !self.eof;
            if self.start == self.end || lone_cr {
                if self.eof && self.start == self.end {
                    return Ok(0);
                }
                self.refill()?;
                if self.start == self.end {
                    return Ok(0);
                }
            }
            let mut written = 0;
            while self.start < self.end && written < out.len() {
                let avail = &self.buf[self.start..self.end];
                let room = out.len() - written;
                match memchr::memchr(b'\r', &avail[..avail.len().min(room)]) {
                    None => {
                        let n = avail.len().min(room);
                        out[written..written + n].copy_from_slice(&avail[..n]);
                        written += n;
                        self.start += n;
                    }
                    Some(i) => {
                        out[written..written + i].copy_from_slice(&avail[..i]);
                        written += i;
                        self.start += i;
                        if self.start + 1 < self.end {
                            if self.buf[self.start + 1] == b'\n' {
                                self.start += 1; // drop the CR, the LF follows
                            } else if written < out.len() {
                                out[written] = b'\r';
                                written += 1;
                                self.start += 1;
                            }
                        } else if self.eof {
                            if written < out.len() {
                                out[written] = b'\r';
                                written += 1;
                                self.start += 1;
                            }
                        } else {
                            break; // a CR at the end of the buffer: look at the next byte first
                        }
                    }
                }
            }
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads through the adapter with tiny reads from a source that also returns tiny reads.
    fn convert(input: &[u8], chunk: usize) -> Vec<u8> {
        struct Dribble<'a>(&'a [u8], usize);
        impl Read for Dribble<'_> {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(b.len());
                b[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut r = CrlfToLf::new(Dribble(input, chunk));
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn crlf_becomes_lf_and_lone_cr_stays() {
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(convert(b"a,b\r\n1,2\r\n", chunk), b"a,b\n1,2\n", "chunk {chunk}");
            assert_eq!(convert(b"x\ry\r", chunk), b"x\ry\r", "chunk {chunk}");
            assert_eq!(convert(b"\r\n\r\r\n", chunk), b"\n\r\n", "chunk {chunk}");
        }
    }

    proptest::proptest! {
        #[test]
        fn matches_a_plain_replace(data in proptest::collection::vec(proptest::sample::select(vec![b'\r', b'\n', b'a']), 0..200), chunk in 1usize..9) {
            let expected: Vec<u8> = String::from_utf8(data.clone()).unwrap().replace("\r\n", "\n").into_bytes();
            proptest::prop_assert_eq!(convert(&data, chunk), expected);
        }
    }
}
