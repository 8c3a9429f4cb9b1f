//! macaddr (EUI-48) and macaddr8 (EUI-64) input as PostgreSQL's mac.c
//! and mac8.c read them; both print as colon-separated lowercase hex.

use std::fmt::Write as _;

use crate::error::{errors, Result, SqlError, SqlState};

/// One piece of a macaddr_in sscanf pattern.
#[derive(Clone, Copy)]
enum Tok {
    /// `%x` (no width) or `%2x`.
    Hex(Option<usize>),
    /// A literal separator.
    Lit(u8),
}

use Tok::{Hex, Lit};

const H: Tok = Hex(None);
const H2: Tok = Hex(Some(2));

/// macaddr_in's patterns, tried in order.
static PATTERNS: &[&[Tok]] = &[
    &[
        H,
        Lit(b':'),
        H,
        Lit(b':'),
        H,
        Lit(b':'),
        H,
        Lit(b':'),
        H,
        Lit(b':'),
        H,
    ],
    &[
        H,
        Lit(b'-'),
        H,
        Lit(b'-'),
        H,
        Lit(b'-'),
        H,
        Lit(b'-'),
        H,
        Lit(b'-'),
        H,
    ],
    &[H2, H2, H2, Lit(b':'), H2, H2, H2],
    &[H2, H2, H2, Lit(b'-'), H2, H2, H2],
    &[H2, H2, Lit(b'.'), H2, H2, Lit(b'.'), H2, H2],
    &[H2, H2, Lit(b'-'), H2, H2, Lit(b'-'), H2, H2],
    &[H2, H2, H2, H2, H2, H2],
];

/// sscanf's `%x` / `%Nx` at `s[*i]`: blanks skipped, an optional sign
/// and 0x prefix, then hex digits (the width counting all but the
/// blanks). None when no digit is read.
fn scan_hex(s: &[u8], i: &mut usize, width: Option<usize>) -> Option<i64> {
    while s.get(*i).is_some_and(u8::is_ascii_whitespace) {
        *i += 1;
    }
    let limit = width.map_or(usize::MAX, |w| *i + w);
    let mut j = *i;
    let mut negative = false;
    if j < limit && matches!(s.get(j), Some(b'+' | b'-')) {
        negative = s[j] == b'-';
        j += 1;
    }
    if j + 1 < limit
        && s.get(j) == Some(&b'0')
        && matches!(s.get(j + 1), Some(b'x' | b'X'))
        && s.get(j + 2).is_some_and(u8::is_ascii_hexdigit)
        && j + 2 < limit
    {
        j += 2;
    }
    let start = j;
    let mut v: i64 = 0;
    while j < limit {
        let Some(d) = s.get(j).and_then(|c| (*c as char).to_digit(16)) else {
            break;
        };
        v = v.saturating_mul(16).saturating_add(i64::from(d));
        j += 1;
    }
    if j == start {
        return None;
    }
    *i = j;
    Some(if negative { -v } else { v })
}

/// The six values of one pattern, when it matches with nothing but
/// blanks after it.
fn scan(s: &[u8], pattern: &[Tok]) -> Option<[i64; 6]> {
    let mut out = [0i64; 6];
    let mut n = 0;
    let mut i = 0;
    for tok in pattern {
        match tok {
            Hex(w) => {
                out[n] = scan_hex(s, &mut i, *w)?;
                n += 1;
            }
            Lit(c) => {
                if s.get(i) != Some(c) {
                    return None;
                }
                i += 1;
            }
        }
    }
    s[i..].iter().all(u8::is_ascii_whitespace).then_some(out)
}

/// macaddr_in: the first of PostgreSQL's seven notations that reads the
/// whole text; 22003 for an octet past 255.
pub fn parse_macaddr(text: &str) -> Result<[u8; 6]> {
    let s = text.as_bytes();
    let v = PATTERNS
        .iter()
        .find_map(|p| scan(s, p))
        .ok_or_else(|| errors::invalid_input("macaddr", text))?;
    let mut out = [0u8; 6];
    for (o, x) in out.iter_mut().zip(v) {
        *o = u8::try_from(x).map_err(|_| {
            SqlError::new(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                format!("invalid octet value in \"macaddr\" value: \"{text}\""),
            )
        })?;
    }
    Ok(out)
}

/// macaddr8_in: pairs of hex digits, optionally separated by one of
/// `: - .` used throughout, 6 bytes (FF:FE inserted in the middle) or
/// 8, then only blanks.
pub fn parse_macaddr8(text: &str) -> Result<[u8; 8]> {
    let bad = || errors::invalid_input("macaddr8", text);
    let s = text.as_bytes();
    let mut i = 0;
    while s.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let mut bytes = [0u8; 8];
    let mut count = 0;
    let mut spacer = None;
    while i + 1 < s.len() {
        if count == 8 {
            return Err(bad());
        }
        let hi = (s[i] as char).to_digit(16).ok_or_else(bad)?;
        let lo = (s[i + 1] as char).to_digit(16).ok_or_else(bad)?;
        bytes[count] = (hi << 4 | lo) as u8;
        count += 1;
        i += 2;
        if let Some(c @ (b':' | b'-' | b'.')) = s.get(i) {
            if spacer.is_some_and(|p| p != *c) {
                return Err(bad());
            }
            spacer = Some(*c);
            i += 1;
        }
        if (count == 6 || count == 8) && s.get(i).is_some_and(u8::is_ascii_whitespace) {
            if !s[i..].iter().all(u8::is_ascii_whitespace) {
                return Err(bad());
            }
            i = s.len();
        }
    }
    match count {
        6 => Ok(from_macaddr(bytes[..6].try_into().map_err(|_| bad())?)),
        8 => Ok(bytes),
        _ => Err(bad()),
    }
}

/// macaddr to macaddr8: FF:FE in the middle.
pub fn from_macaddr(m: [u8; 6]) -> [u8; 8] {
    [m[0], m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]
}

/// macaddr8 to macaddr: 22003 unless the middle bytes are FF:FE.
pub fn to_macaddr(m: [u8; 8]) -> Result<[u8; 6]> {
    if m[3] != 0xff || m[4] != 0xfe {
        return Err(SqlError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "macaddr8 data out of range to convert to macaddr",
        )
        .with_hint(
            "Only addresses that have FF and FE as values in the 4th and 5th bytes from the left, \
             for example xx:xx:xx:ff:fe:xx:xx:xx, are eligible to be converted from macaddr8 to macaddr.",
        ));
    }
    Ok([m[0], m[1], m[2], m[5], m[6], m[7]])
}

/// macaddr_out / macaddr8_out.
pub fn write(bytes: &[u8], out: &mut String) {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(s: &str) -> String {
        let mut out = String::new();
        write(&parse_macaddr(s).unwrap(), &mut out);
        out
    }

    #[test]
    fn reads_every_notation() {
        for s in [
            "08:00:2b:01:02:03",
            "08-00-2b-01-02-03",
            "08002b:010203",
            "08002b-010203",
            "0800.2b01.0203",
            "0800-2b01-0203",
            "08002b010203",
            " 08:00:2B:01:02:03 ",
            "8:0:2b:1:2:3",
        ] {
            assert_eq!(mac(s), "08:00:2b:01:02:03", "{s}");
        }
        assert!(parse_macaddr("08:00:2b:01:02:03:04").is_err());
        assert!(parse_macaddr("0800:2b01:0203").is_err());
        let e = parse_macaddr("08:00:2b:01:02:100").unwrap_err();
        assert_eq!(e.code(), SqlState::NUMERIC_VALUE_OUT_OF_RANGE);
        assert_eq!(
            parse_macaddr8("08:00:2b:01:02:03").unwrap(),
            [8, 0, 0x2b, 0xff, 0xfe, 1, 2, 3]
        );
        assert_eq!(
            parse_macaddr8("0800.2b01.0203.0405").unwrap(),
            [8, 0, 0x2b, 1, 2, 3, 4, 5]
        );
        assert!(parse_macaddr8("08:00-2b:01:02:03").is_err());
        assert!(parse_macaddr8("08:00:2b:01:02:03:04").is_err());
        assert!(parse_macaddr8("08:00:2b:01:02:03:04:05:06").is_err());
        assert!(to_macaddr([8, 0, 0x2b, 1, 2, 3, 4, 5]).is_err());
    }
}
