//! A bounds-checked cursor over one message body.

use bytes::Bytes;

use crate::ProtocolError;

/// Reads the fields of one framed message; every read checks the bounds.
pub(crate) struct Reader<'a> {
    /// The message body (type byte and length already removed).
    buf: &'a [u8],
    /// Offset of the next unread byte.
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtocolError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.buf.len())
            .ok_or(ProtocolError::InvalidFormat)?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, ProtocolError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn i16(&mut self) -> Result<i16, ProtocolError> {
        let b = self.take(2)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn i32(&mut self) -> Result<i32, ProtocolError> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, ProtocolError> {
        Ok(self.i32()? as u32)
    }

    /// A count of following items (int16); negative counts are malformed.
    pub(crate) fn count16(&mut self) -> Result<usize, ProtocolError> {
        usize::try_from(self.i16()?).map_err(|_| ProtocolError::InvalidFormat)
    }

    /// The bytes of a NUL-terminated string, without the NUL.
    pub(crate) fn cstr_bytes(&mut self) -> Result<&'a [u8], ProtocolError> {
        let rest = &self.buf[self.pos..];
        let nul = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(ProtocolError::InvalidString)?;
        self.pos += nul + 1;
        Ok(&rest[..nul])
    }

    /// A NUL-terminated string that must be valid UTF-8.
    pub(crate) fn cstr(&mut self) -> Result<String, ProtocolError> {
        utf8(self.cstr_bytes()?)
    }

    /// A length-prefixed (int32) value; -1 is NULL.
    pub(crate) fn value(&mut self) -> Result<Option<Bytes>, ProtocolError> {
        let len = self.i32()?;
        if len == -1 {
            return Ok(None);
        }
        let len = usize::try_from(len).map_err(|_| ProtocolError::InvalidFormat)?;
        Ok(Some(Bytes::copy_from_slice(self.take(len)?)))
    }

    /// Everything not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.buf[self.pos..];
        self.pos = self.buf.len();
        out
    }

    /// Fails unless the whole body was read (PostgreSQL's pq_getmsgend).
    pub(crate) fn finish(&self) -> Result<(), ProtocolError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(ProtocolError::InvalidFormat)
        }
    }
}

/// Checks UTF-8 and reports bad bytes the way PostgreSQL's
/// report_invalid_encoding does: `0xe2 0x28 0xa1`.
pub fn utf8(bytes: &[u8]) -> Result<String, ProtocolError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let bad = &bytes[e.valid_up_to()..];
            let want = match bad[0] {
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xf7 => 4,
                _ => 1,
            };
            let shown: Vec<String> = bad
                .iter()
                .take(want)
                .map(|b| format!("0x{b:02x}"))
                .collect();
            Err(ProtocolError::InvalidUtf8(shown.join(" ")))
        }
    }
}
