//! bit(n) and bit varying(n) values: a bit string as PostgreSQL's
//! varbit.c keeps it (bits from the left, the last byte padded with
//! zeros), read from `B'…'`, `X'…'` and plain 0/1 text, ordered as
//! bit_cmp (the bytes, then the length).

use std::cmp::Ordering;

use crate::error::{errors, Result, SqlError, SqlState};

/// A bit string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bits {
    /// Number of bits.
    len: usize,
    /// The bits, eight to a byte from the most significant; unused bits
    /// of the last byte are zero.
    bytes: Vec<u8>,
}

/// PostgreSQL's VARBITMAXLEN.
const MAX_BITS: usize = 0x7FFF_FFF8;

fn length_mismatch(len: usize, typmod: usize) -> SqlError {
    SqlError::new(
        SqlState::STRING_DATA_LENGTH_MISMATCH,
        format!("bit string length {len} does not match type bit({typmod})"),
    )
}

impl Bits {
    /// `len` zero bits.
    pub fn zeros(len: usize) -> Bits {
        Bits {
            len,
            bytes: vec![0; len.div_ceil(8)],
        }
    }

    /// The bits of `bits` (each 0 or 1, leftmost first).
    fn from_bools(bits: impl Iterator<Item = bool>) -> Bits {
        let mut bytes: Vec<u8> = Vec::with_capacity(bits.size_hint().0.div_ceil(8));
        let mut len = 0;
        for b in bits {
            if len % 8 == 0 {
                bytes.push(0);
            }
            if let (true, Some(last)) = (b, bytes.last_mut()) {
                *last |= 0x80 >> (len % 8);
            }
            len += 1;
        }
        Bits { len, bytes }
    }

    /// Stored bytes as they are kept (length then bytes).
    pub fn from_stored(len: usize, bytes: Vec<u8>) -> Option<Bits> {
        (bytes.len() == len.div_ceil(8)).then_some(Bits { len, bytes })
    }

    /// The number of bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No bits at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes (last one zero-padded).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bit `i`, from the left.
    pub fn get(&self, i: usize) -> bool {
        self.bytes[i / 8] & (0x80 >> (i % 8)) != 0
    }

    fn bools(&self) -> impl ExactSizeIterator<Item = bool> + '_ {
        (0..self.len).map(|i| self.get(i))
    }

    /// bit_in / varbit_in without a length: `B`/`b` then binary digits,
    /// `X`/`x` then hex digits, else binary digits.
    pub fn parse(text: &str) -> Result<Bits> {
        let (hex, digits) = match text.as_bytes().first() {
            Some(b'x' | b'X') => (true, &text[1..]),
            Some(b'b' | b'B') => (false, &text[1..]),
            _ => (false, text),
        };
        if hex {
            let mut out = Bits::zeros(digits.len() * 4);
            for (i, c) in digits.chars().enumerate() {
                let d = c.to_digit(16).ok_or_else(|| {
                    SqlError::new(
                        SqlState::INVALID_TEXT_REPRESENTATION,
                        format!("\"{c}\" is not a valid hexadecimal digit"),
                    )
                })? as u8;
                out.bytes[i / 2] |= if i % 2 == 0 { d << 4 } else { d };
            }
            return Ok(out);
        }
        let mut bits = Vec::with_capacity(digits.len());
        for c in digits.chars() {
            bits.push(match c {
                '0' => false,
                '1' => true,
                _ => {
                    return Err(SqlError::new(
                        SqlState::INVALID_TEXT_REPRESENTATION,
                        format!("\"{c}\" is not a valid binary digit"),
                    ))
                }
            });
        }
        Ok(Bits::from_bools(bits.into_iter()))
    }

    /// bit_out: one 0 or 1 per bit.
    pub fn write(&self, out: &mut String) {
        out.extend(self.bools().map(|b| if b { '1' } else { '0' }));
    }

    /// The length coercion to bit(n) (`bit()`): exact, or padded with
    /// zeros / cut on the right when explicit; 22026 otherwise.
    pub fn to_bit(self, n: usize, explicit: bool) -> Result<Bits> {
        if n == 0 || n > MAX_BITS || n == self.len {
            return Ok(self);
        }
        if !explicit {
            return Err(length_mismatch(self.len, n));
        }
        Ok(self.resized(n))
    }

    /// The length coercion to bit varying(n) (`varbit()`): cut when
    /// explicit, 22001 otherwise.
    pub fn to_varbit(self, n: usize, explicit: bool) -> Result<Bits> {
        if n == 0 || n >= self.len {
            return Ok(self);
        }
        if !explicit {
            return Err(SqlError::new(
                SqlState::STRING_DATA_RIGHT_TRUNCATION,
                format!("bit string too long for type bit varying({n})"),
            ));
        }
        Ok(self.resized(n))
    }

    fn resized(&self, n: usize) -> Bits {
        Bits::from_bools((0..n).map(|i| i < self.len && self.get(i)))
    }

    /// `||`.
    pub fn concat(&self, other: &Bits) -> Bits {
        Bits::from_bools(self.bools().chain(other.bools()))
    }

    /// `&`, `|` and `#` (`op` is the SQL word for the message).
    pub fn bitwise(&self, other: &Bits, op: &str) -> Result<Bits> {
        if self.len != other.len {
            return Err(SqlError::new(
                SqlState::STRING_DATA_LENGTH_MISMATCH,
                format!("cannot {op} bit strings of different sizes"),
            ));
        }
        let bytes = self
            .bytes
            .iter()
            .zip(&other.bytes)
            .map(|(a, b)| match op {
                "AND" => a & b,
                "OR" => a | b,
                _ => a ^ b,
            })
            .collect();
        Ok(Bits {
            len: self.len,
            bytes,
        })
    }

    /// `~`.
    pub fn not(&self) -> Bits {
        Bits::from_bools(self.bools().map(|b| !b))
    }

    /// `<<` (negative counts shift right), keeping the length.
    pub fn shift_left(&self, n: i32) -> Bits {
        let n = i64::from(n);
        let len = self.len as i64;
        Bits::from_bools((0..len).map(|i| {
            let from = i + n;
            (0..len).contains(&from) && self.get(from as usize)
        }))
    }

    /// substring(b FROM s [FOR l]); 22011 for a negative length.
    pub fn substring(&self, start: i32, count: Option<i32>) -> Result<Bits> {
        let len = self.len as i64;
        let s1 = i64::from(start).max(1);
        let e1 = match count {
            None => len + 1,
            Some(l) if l < 0 => {
                return Err(SqlError::new(
                    SqlState::SUBSTRING_ERROR,
                    "negative substring length not allowed",
                ))
            }
            Some(l) => match start.checked_add(l) {
                None => len + 1,
                Some(e) => i64::from(e).min(len + 1),
            },
        };
        if s1 > len || e1 <= s1 {
            return Ok(Bits::zeros(0));
        }
        Ok(Bits::from_bools(
            (s1..e1).map(|i| self.get((i - 1) as usize)),
        ))
    }

    /// overlay(b PLACING p FROM s [FOR l]).
    pub fn overlay(&self, placing: &Bits, start: i32, count: Option<i32>) -> Result<Bits> {
        let count = count.unwrap_or(placing.len as i32);
        if start <= 0 {
            return Err(SqlError::new(
                SqlState::SUBSTRING_ERROR,
                "negative substring length not allowed",
            ));
        }
        let end = start
            .checked_add(count)
            .ok_or_else(|| errors::out_of_range("integer out of range"))?;
        let head = self.substring(1, Some(start - 1))?;
        let tail = self.substring(end, None)?;
        Ok(head.concat(placing).concat(&tail))
    }

    /// position(sub IN b): 1-based, 0 when absent.
    pub fn position(&self, sub: &Bits) -> i32 {
        if self.len == 0 || sub.len > self.len {
            return 0;
        }
        if sub.len == 0 {
            return 1;
        }
        (0..=self.len - sub.len)
            .find(|&i| (0..sub.len).all(|j| self.get(i + j) == sub.get(j)))
            .map_or(0, |i| i as i32 + 1)
    }

    /// get_bit / set_bit's index check (2202E).
    pub fn check_index(&self, n: i32) -> Result<usize> {
        usize::try_from(n)
            .ok()
            .filter(|&i| i < self.len)
            .ok_or_else(|| {
                SqlError::new(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    format!(
                        "bit index {n} out of valid range (0..{})",
                        self.len as i64 - 1
                    ),
                )
            })
    }

    /// set_bit.
    pub fn with_bit(&self, i: usize, on: bool) -> Bits {
        let mut out = self.clone();
        if on {
            out.bytes[i / 8] |= 0x80 >> (i % 8);
        } else {
            out.bytes[i / 8] &= !(0x80 >> (i % 8));
        }
        out
    }

    /// bit_count.
    pub fn count_ones(&self) -> i64 {
        self.bytes.iter().map(|b| i64::from(b.count_ones())).sum()
    }

    /// An integer's low `n` bits (n 0 means 1), sign-extended past its
    /// width, as bitfromint4 / bitfromint8.
    pub fn from_int(v: i64, n: i32) -> Bits {
        let n = if n <= 0 || n as usize > MAX_BITS {
            1
        } else {
            n as usize
        };
        Bits::from_bools((0..n).map(|i| {
            let pos = n - 1 - i;
            if pos >= 64 {
                v < 0
            } else {
                (v >> pos) & 1 == 1
            }
        }))
    }

    /// The bits as an unsigned number of at most `width` bits (bittoint4
    /// and bittoint8), 22003 `name out of range` past it.
    pub fn to_int(&self, width: usize, name: &str) -> Result<u64> {
        if self.len > width {
            return Err(errors::out_of_range(format!("{name} out of range")));
        }
        Ok(self.bools().fold(0u64, |n, b| n << 1 | u64::from(b)))
    }

    /// A byte string that sorts as the values do (bit_cmp).
    pub fn sort_key(&self) -> (&[u8], u32) {
        (&self.bytes, self.len as u32)
    }
}

impl Ord for Bits {
    fn cmp(&self, other: &Bits) -> Ordering {
        let n = self.bytes.len().min(other.bytes.len());
        self.bytes[..n]
            .cmp(&other.bytes[..n])
            .then(self.len.cmp(&other.len))
    }
}

impl PartialOrd for Bits {
    fn partial_cmp(&self, other: &Bits) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bits {
        Bits::parse(s).unwrap()
    }

    fn text(b: &Bits) -> String {
        let mut out = String::new();
        b.write(&mut out);
        out
    }

    #[test]
    fn reads_writes_and_operates_as_postgresql() {
        assert_eq!(text(&b("X1F")), "00011111");
        assert_eq!(text(&b("b101")), "101");
        assert!(Bits::parse("102").is_err());
        assert!(Bits::parse("x1g").is_err());
        assert_eq!(text(&b("101").to_bit(5, true).unwrap()), "10100");
        assert!(b("101").to_bit(5, false).is_err());
        assert_eq!(text(&b("10101").to_varbit(2, true).unwrap()), "10");
        assert_eq!(text(&b("10").concat(&b("011"))), "10011");
        assert_eq!(text(&b("1100").shift_left(1)), "1000");
        assert_eq!(text(&b("1100").shift_left(-1)), "0110");
        assert_eq!(
            text(&b("01010101").substring(2, Some(2147483646)).unwrap()),
            "1010101"
        );
        assert_eq!(
            text(&b("01010101").substring(-10, Some(2147483646)).unwrap()),
            "01010101"
        );
        assert!(b("0101").substring(1, Some(-1)).is_err());
        assert_eq!(b("0101101").position(&b("11")), 4);
        assert_eq!(text(&Bits::from_int(-1, 40)), "1".repeat(40));
        assert_eq!(text(&Bits::from_int(5, 3)), "101");
        assert_eq!(b("1111").to_int(32, "integer").unwrap(), 15);
        assert!(b("1").cmp(&b("10")).is_lt() && b("01").cmp(&b("1")).is_lt());
        assert_eq!(
            text(&b("01010").overlay(&b("11"), 2, None).unwrap()),
            "01110"
        );
    }
}
