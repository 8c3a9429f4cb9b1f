//! COPY's binary format: a signature and header, then per row an int16
//! field count and each field as an int32 length (-1: NULL) and its
//! binary value (typsend), then the trailer -1.

use bytes::{BufMut, BytesMut};

use super::text::bad_format;
use crate::error::Result;
use crate::types::DataType;
use crate::value::binary::write_binary;
use crate::value::Value;

/// The file signature.
const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// The header: signature, flags 0, no header extension.
pub fn header() -> Vec<u8> {
    let mut h = SIGNATURE.to_vec();
    h.extend_from_slice(&0u32.to_be_bytes());
    h.extend_from_slice(&0u32.to_be_bytes());
    h
}

/// The trailer.
pub const TRAILER: [u8; 2] = [0xff, 0xff];

/// Appends one row.
pub fn write_row(out: &mut BytesMut, row: &[Value], types: &[DataType]) -> Result<()> {
    out.put_i16(row.len() as i16);
    for (v, &ty) in row.iter().zip(types) {
        if v.is_null() {
            out.put_i32(-1);
            continue;
        }
        let at = out.len();
        out.put_i32(0);
        write_binary(v, ty, out)?;
        let len = (out.len() - at - 4) as i32;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// What the reader found next.
#[derive(Debug, PartialEq, Eq)]
pub enum Tuple {
    /// A row's fields (None: NULL).
    Row(Vec<Option<Vec<u8>>>),
    /// The trailer: the data ends.
    End,
}

/// Reads binary COPY data as it arrives.
#[derive(Debug, Default)]
pub struct Reader {
    /// Bytes not read yet.
    buf: Vec<u8>,
    /// Read position in `buf`.
    pos: usize,
    /// The header was read.
    header_done: bool,
}

impl Reader {
    /// Adds input.
    pub fn push(&mut self, data: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    fn need(&self, n: usize) -> bool {
        self.buf.len() - self.pos >= n
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        s
    }

    fn int(&mut self, n: usize) -> i64 {
        let b = self.take(n);
        let mut v: i64 = if b[0] & 0x80 != 0 { -1 } else { 0 };
        for &x in b {
            v = (v << 8) | i64::from(x);
        }
        v
    }

    /// Whether unread bytes are left.
    pub fn has_input(&self) -> bool {
        self.pos < self.buf.len()
    }

    /// The next tuple of `columns` fields; None when more input is
    /// needed (at the end of input, `last`, that is an error).
    pub fn next(&mut self, columns: usize, last: bool) -> Result<Option<Tuple>> {
        let eof = || bad_format("unexpected EOF in COPY data");
        if !self.header_done {
            if !self.need(SIGNATURE.len()) {
                return if last {
                    Err(bad_format("COPY file signature not recognized"))
                } else {
                    Ok(None)
                };
            }
            if self.buf[self.pos..self.pos + SIGNATURE.len()] != SIGNATURE[..] {
                return Err(bad_format("COPY file signature not recognized"));
            }
            if !self.need(SIGNATURE.len() + 8) {
                return if last {
                    Err(bad_format(if self.need(SIGNATURE.len() + 4) {
                        "invalid COPY file header (missing length)"
                    } else {
                        "invalid COPY file header (missing flags)"
                    }))
                } else {
                    Ok(None)
                };
            }
            let start = self.pos;
            self.pos += SIGNATURE.len();
            let flags = self.int(4) as u32;
            if flags & (1 << 16) != 0 {
                return Err(bad_format("invalid COPY file header (WITH OIDS)"));
            }
            if flags >> 16 != 0 {
                return Err(bad_format(
                    "unrecognized critical flags in COPY file header",
                ));
            }
            let ext = self.int(4);
            let Ok(ext) = usize::try_from(ext) else {
                return Err(bad_format("invalid COPY file header (wrong length)"));
            };
            if !self.need(ext) {
                if last {
                    return Err(bad_format("invalid COPY file header (wrong length)"));
                }
                self.pos = start;
                return Ok(None);
            }
            self.pos += ext;
            self.header_done = true;
        }
        let start = self.pos;
        if !self.need(2) {
            return if last && self.has_input() {
                Err(eof())
            } else if last {
                Ok(Some(Tuple::End))
            } else {
                Ok(None)
            };
        }
        let count = self.int(2);
        if count == -1 {
            return Ok(Some(Tuple::End));
        }
        if count != columns as i64 {
            return Err(bad_format(format!(
                "row field count is {count}, expected {columns}"
            )));
        }
        let mut fields = Vec::with_capacity(columns);
        for _ in 0..columns {
            if !self.need(4) {
                return self.incomplete(start, last);
            }
            let len = self.int(4);
            if len == -1 {
                fields.push(None);
                continue;
            }
            let Ok(len) = usize::try_from(len) else {
                return Err(bad_format("invalid field size"));
            };
            if !self.need(len) {
                return self.incomplete(start, last);
            }
            fields.push(Some(self.take(len).to_vec()));
        }
        Ok(Some(Tuple::Row(fields)))
    }

    /// A tuple cut short: wait for more input, or fail at its end.
    fn incomplete(&mut self, start: usize, last: bool) -> Result<Option<Tuple>> {
        if last {
            return Err(bad_format("unexpected EOF in COPY data"));
        }
        self.pos = start;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_in_pieces() {
        let types = [DataType::Int4, DataType::Text];
        let mut data = BytesMut::from(&header()[..]);
        write_row(
            &mut data,
            &[Value::Int4(7), Value::Text("x".into())],
            &types,
        )
        .unwrap();
        write_row(
            &mut data,
            &[Value::Null, Value::Text(String::new())],
            &types,
        )
        .unwrap();
        data.extend_from_slice(&TRAILER);
        // Fed a few bytes at a time, the reader waits and resumes.
        let mut r = Reader::default();
        let mut got = Vec::new();
        for chunk in data.chunks(3) {
            r.push(chunk);
            while let Some(t) = r.next(2, false).unwrap() {
                got.push(t);
            }
        }
        assert_eq!(
            got,
            [
                Tuple::Row(vec![Some(vec![0, 0, 0, 7]), Some(b"x".to_vec())]),
                Tuple::Row(vec![None, Some(Vec::new())]),
                Tuple::End
            ]
        );
    }

    #[test]
    fn bad_headers_and_counts() {
        let mut r = Reader::default();
        r.push(b"NOTCOPY\n\xff\r\n\0");
        assert_eq!(
            r.next(1, true).unwrap_err().message(),
            "COPY file signature not recognized"
        );
        let mut r = Reader::default();
        r.push(&header());
        r.push(&[0, 2, 0, 0, 0, 0]);
        assert_eq!(
            r.next(1, true).unwrap_err().message(),
            "row field count is 2, expected 1"
        );
        let mut r = Reader::default();
        r.push(&header());
        r.push(&[0, 1, 0, 0, 0, 9, 1]);
        assert_eq!(
            r.next(1, true).unwrap_err().message(),
            "unexpected EOF in COPY data"
        );
    }
}
