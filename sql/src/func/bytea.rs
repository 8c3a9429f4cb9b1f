//! bytea functions: encode and decode in PostgreSQL's hex, base64 and
//! escape formats.

use super::operators::arg;
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::Value;

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn unknown_format(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("unrecognized encoding: \"{name}\""),
    )
}

/// encode(bytes, format).
fn encode(bytes: &[u8], format: &str) -> Result<String> {
    Ok(match format.to_ascii_lowercase().as_str() {
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        "base64" => {
            // 76 characters a line, as PostgreSQL (and MIME) writes it.
            let mut out = String::new();
            let mut line = 0;
            for chunk in bytes.chunks(3) {
                if line == 76 {
                    out.push('\n');
                    line = 0;
                }
                let n = chunk.len();
                let v = (u32::from(chunk[0]) << 16)
                    | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
                    | u32::from(*chunk.get(2).unwrap_or(&0));
                for i in 0..4 {
                    if i <= n {
                        out.push(char::from(BASE64[((v >> (18 - 6 * i)) & 63) as usize]));
                    } else {
                        out.push('=');
                    }
                }
                line += 4;
            }
            out
        }
        "escape" => {
            let mut out = String::new();
            for &b in bytes {
                match b {
                    b'\\' => out.push_str("\\\\"),
                    0 | 0x80..=0xff => out.push_str(&format!("\\{b:03o}")),
                    _ => out.push(char::from(b)),
                }
            }
            out
        }
        other => return Err(unknown_format(other)),
    })
}

/// decode(text, format).
fn decode(text: &str, format: &str) -> Result<Vec<u8>> {
    let s = text.as_bytes();
    Ok(match format.to_ascii_lowercase().as_str() {
        "hex" => {
            let digits: Vec<u8> = s
                .iter()
                .copied()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            let mut out = Vec::with_capacity(digits.len() / 2);
            let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
            let mut i = 0;
            while i < digits.len() {
                let hi = hex(digits[i]).ok_or_else(|| invalid_hex(digits[i]))?;
                let Some(&lo) = digits.get(i + 1) else {
                    return Err(SqlError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "invalid hexadecimal data: odd number of digits",
                    ));
                };
                let lo = hex(lo).ok_or_else(|| invalid_hex(lo))?;
                out.push(hi << 4 | lo);
                i += 2;
            }
            out
        }
        "base64" => {
            let mut out = Vec::new();
            let mut acc = 0u32;
            let mut bits = 0;
            let mut pad = 0;
            for &c in s {
                if c.is_ascii_whitespace() {
                    continue;
                }
                if c == b'=' {
                    pad += 1;
                    continue;
                }
                let Some(v) = BASE64.iter().position(|&b| b == c) else {
                    return Err(SqlError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!(
                            "invalid symbol \"{}\" found while decoding base64 sequence",
                            c as char
                        ),
                    ));
                };
                if pad > 0 {
                    return Err(SqlError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "unexpected \"=\" while decoding base64 sequence",
                    ));
                }
                acc = (acc << 6) | v as u32;
                bits += 6;
                if bits >= 8 {
                    bits -= 8;
                    out.push((acc >> bits) as u8);
                    acc &= (1 << bits) - 1;
                }
            }
            out
        }
        "escape" => {
            let mut out = Vec::new();
            let mut i = 0;
            while i < s.len() {
                if s[i] != b'\\' {
                    out.push(s[i]);
                    i += 1;
                } else if s.get(i + 1) == Some(&b'\\') {
                    out.push(b'\\');
                    i += 2;
                } else if i + 3 < s.len()
                    && s[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
                {
                    let v = u32::from(s[i + 1] - b'0') * 64
                        + u32::from(s[i + 2] - b'0') * 8
                        + u32::from(s[i + 3] - b'0');
                    out.push(v as u8);
                    i += 4;
                } else {
                    return Err(SqlError::new(
                        SqlState::INVALID_TEXT_REPRESENTATION,
                        "invalid input syntax for type bytea",
                    ));
                }
            }
            out
        }
        other => return Err(unknown_format(other)),
    })
}

fn invalid_hex(c: u8) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("invalid hexadecimal digit: \"{}\"", c as char),
    )
}

/// 2202E for an index past a bytea's end.
fn out_of_range(n: i64, len: usize) -> SqlError {
    SqlError::new(
        SqlState::ARRAY_SUBSCRIPT_ERROR,
        format!("index {n} out of valid range, 0..{}", len as i64 - 1),
    )
}

/// The byte at `n` (0-based).
fn byte_at(b: &[u8], n: i64) -> Result<usize> {
    usize::try_from(n)
        .ok()
        .filter(|&i| i < b.len())
        .ok_or_else(|| out_of_range(n, b.len()))
}

/// btrim / ltrim / rtrim of bytes: `set`'s bytes removed from the ends.
fn trim_bytes(b: &[u8], set: &[u8], left: bool, right: bool) -> Vec<u8> {
    let mut start = 0;
    let mut end = b.len();
    if left {
        while start < end && set.contains(&b[start]) {
            start += 1;
        }
    }
    if right {
        while end > start && set.contains(&b[end - 1]) {
            end -= 1;
        }
    }
    b[start..end].to_vec()
}

/// The encodings convert_to / convert_from know: UTF8 (the server's),
/// SQL_ASCII, and LATIN1.
fn encoding(name: &str) -> Result<&'static str> {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_uppercase();
    match n.as_str() {
        "UTF8" | "UNICODE" => Ok("UTF8"),
        "SQLASCII" => Ok("SQL_ASCII"),
        "LATIN1" | "ISO88591" => Ok("LATIN1"),
        _ => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid destination encoding name \"{name}\""),
        )),
    }
}

/// substring of bytes, counted from 1 (as substr of text).
fn byte_substr(b: &[u8], start: i64, count: Option<i64>) -> Result<Vec<u8>> {
    if count.is_some_and(|c| c < 0) {
        return Err(SqlError::new(
            SqlState::SUBSTRING_ERROR,
            "negative substring length not allowed",
        ));
    }
    let first = start.max(1);
    let end = count.map_or(i64::MAX, |c| start.saturating_add(c));
    if end <= first || first > b.len() as i64 {
        return Ok(Vec::new());
    }
    let from = (first - 1) as usize;
    let to = (end - 1).min(b.len() as i64) as usize;
    Ok(b[from..to].to_vec())
}

/// overlay(b placing r from f [for c]) of bytes.
fn byte_overlay(b: &[u8], r: &[u8], from: i64, count: Option<i64>) -> Result<Vec<u8>> {
    let count = count.unwrap_or(r.len() as i64);
    let mut out = byte_substr(b, 1, Some(from - 1))?;
    out.extend_from_slice(r);
    out.extend(byte_substr(b, from.saturating_add(count), None)?);
    Ok(out)
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("substring", &[Bytea, Int4], Bytea, |a, _| {
        Ok(Value::Bytea(byte_substr(
            &arg!(a, 0, Bytea),
            arg!(a, 1, Int4).into(),
            None,
        )?))
    }),
    f("substring", &[Bytea, Int4, Int4], Bytea, |a, _| {
        Ok(Value::Bytea(byte_substr(
            &arg!(a, 0, Bytea),
            arg!(a, 1, Int4).into(),
            Some(arg!(a, 2, Int4).into()),
        )?))
    }),
    f("substr", &[Bytea, Int4], Bytea, |a, _| {
        Ok(Value::Bytea(byte_substr(
            &arg!(a, 0, Bytea),
            arg!(a, 1, Int4).into(),
            None,
        )?))
    }),
    f("substr", &[Bytea, Int4, Int4], Bytea, |a, _| {
        Ok(Value::Bytea(byte_substr(
            &arg!(a, 0, Bytea),
            arg!(a, 1, Int4).into(),
            Some(arg!(a, 2, Int4).into()),
        )?))
    }),
    f("strpos", &[Bytea, Bytea], Int4, |a, _| {
        let (h, n) = (arg!(a, 0, Bytea), arg!(a, 1, Bytea));
        let found = if n.is_empty() {
            Some(0)
        } else {
            h.windows(n.len()).position(|w| w == n.as_slice())
        };
        Ok(Value::Int4(found.map_or(0, |i| i as i32 + 1)))
    }),
    f("overlay", &[Bytea, Bytea, Int4], Bytea, |a, _| {
        Ok(Value::Bytea(byte_overlay(
            &arg!(a, 0, Bytea),
            &arg!(a, 1, Bytea),
            arg!(a, 2, Int4).into(),
            None,
        )?))
    }),
    f("overlay", &[Bytea, Bytea, Int4, Int4], Bytea, |a, _| {
        Ok(Value::Bytea(byte_overlay(
            &arg!(a, 0, Bytea),
            &arg!(a, 1, Bytea),
            arg!(a, 2, Int4).into(),
            Some(arg!(a, 3, Int4).into()),
        )?))
    }),
    f("octet_length", &[Bytea], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Bytea).len() as i32))
    }),
    f("get_byte", &[Bytea, Int4], Int4, |a, _| {
        let b = arg!(a, 0, Bytea);
        let i = byte_at(&b, i64::from(arg!(a, 1, Int4)))?;
        Ok(Value::Int4(i32::from(b[i])))
    }),
    f("set_byte", &[Bytea, Int4, Int4], Bytea, |a, _| {
        let mut b = arg!(a, 0, Bytea);
        let i = byte_at(&b, i64::from(arg!(a, 1, Int4)))?;
        b[i] = arg!(a, 2, Int4) as u8;
        Ok(Value::Bytea(b))
    }),
    f("get_bit", &[Bytea, Int8], Int4, |a, _| {
        let b = arg!(a, 0, Bytea);
        let n = arg!(a, 1, Int8);
        let i = usize::try_from(n / 8)
            .ok()
            .filter(|&i| n >= 0 && i < b.len())
            .ok_or_else(|| out_of_range(n, b.len() * 8))?;
        Ok(Value::Int4(i32::from((b[i] >> (n % 8)) & 1)))
    }),
    f("set_bit", &[Bytea, Int8, Int4], Bytea, |a, _| {
        let mut b = arg!(a, 0, Bytea);
        let n = arg!(a, 1, Int8);
        let i = usize::try_from(n / 8)
            .ok()
            .filter(|&i| n >= 0 && i < b.len())
            .ok_or_else(|| out_of_range(n, b.len() * 8))?;
        let bit = arg!(a, 2, Int4);
        if bit != 0 && bit != 1 {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "new bit must be 0 or 1",
            ));
        }
        let mask = 1u8 << (n % 8);
        b[i] = if bit == 1 { b[i] | mask } else { b[i] & !mask };
        Ok(Value::Bytea(b))
    }),
    f("btrim", &[Bytea, Bytea], Bytea, |a, _| {
        Ok(Value::Bytea(trim_bytes(
            &arg!(a, 0, Bytea),
            &arg!(a, 1, Bytea),
            true,
            true,
        )))
    }),
    f("ltrim", &[Bytea, Bytea], Bytea, |a, _| {
        Ok(Value::Bytea(trim_bytes(
            &arg!(a, 0, Bytea),
            &arg!(a, 1, Bytea),
            true,
            false,
        )))
    }),
    f("rtrim", &[Bytea, Bytea], Bytea, |a, _| {
        Ok(Value::Bytea(trim_bytes(
            &arg!(a, 0, Bytea),
            &arg!(a, 1, Bytea),
            false,
            true,
        )))
    }),
    f("convert_to", &[Text, Name], Bytea, |a, _| {
        let s = arg!(a, 0, Text);
        Ok(Value::Bytea(match encoding(&arg!(a, 1, Text))? {
            "LATIN1" => {
                let mut out = Vec::with_capacity(s.len());
                for c in s.chars() {
                    let b = u8::try_from(u32::from(c)).map_err(|_| {
                        SqlError::new(
                            SqlState::UNTRANSLATABLE_CHARACTER,
                            format!(
                                "character with byte sequence {} in encoding \"UTF8\" has no equivalent in encoding \"LATIN1\"",
                                c.to_string()
                                    .bytes()
                                    .map(|b| format!("0x{b:02x}"))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ),
                        )
                    })?;
                    out.push(b);
                }
                out
            }
            _ => s.into_bytes(),
        }))
    }),
    f("convert_from", &[Bytea, Name], Text, |a, _| {
        let b = arg!(a, 0, Bytea);
        Ok(Value::Text(match encoding(&arg!(a, 1, Text))? {
            "LATIN1" => b.iter().map(|&x| char::from(x)).collect(),
            _ => crate::error::errors::utf8(&b)?,
        }))
    }),
    f("encode", &[Bytea, Text], Text, |a, _| {
        Ok(Value::Text(encode(&arg!(a, 0, Bytea), &arg!(a, 1, Text))?))
    }),
    f("decode", &[Text, Text], Bytea, |a, _| {
        Ok(Value::Bytea(decode(&arg!(a, 0, Text), &arg!(a, 1, Text))?))
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_as_postgres_writes_them() {
        let bytes = b"\x00\xffhi\\there";
        assert_eq!(encode(bytes, "hex").unwrap(), "00ff68695c7468657265");
        assert_eq!(encode(bytes, "escape").unwrap(), "\\000\\377hi\\\\there");
        assert_eq!(encode(bytes, "base64").unwrap(), "AP9oaVx0aGVyZQ==");
        for f in ["hex", "escape", "base64"] {
            assert_eq!(decode(&encode(bytes, f).unwrap(), f).unwrap(), bytes, "{f}");
        }
        let long = vec![7u8; 100];
        let b64 = encode(&long, "base64").unwrap();
        assert_eq!(b64.lines().next().unwrap().len(), 76);
        assert_eq!(decode(&b64, "base64").unwrap(), long);
        assert_eq!(
            encode(b"x", "rot13").unwrap_err().message(),
            "unrecognized encoding: \"rot13\""
        );
        assert_eq!(
            decode("abc", "hex").unwrap_err().message(),
            "invalid hexadecimal data: odd number of digits"
        );
    }
}
