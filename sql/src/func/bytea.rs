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

pub(super) static FUNCTIONS: &[FuncDef] = &[
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
