//! String functions (PostgreSQL's varlena.c, oracle_compat.c). Lengths
//! and positions count characters, as in a UTF8 database.

use super::operators::arg;
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::Value;

fn text(s: String) -> Result<Value> {
    Ok(Value::Text(s))
}

/// substr(s, start[, count]) with SQL's 1-based, clamped semantics.
fn substr(s: &str, start: i64, count: Option<i64>) -> Result<String> {
    if let Some(c) = count {
        if c < 0 {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "negative substring length not allowed",
            ));
        }
    }
    let first = start.max(1);
    let end = match count {
        Some(c) => start.saturating_add(c),
        None => i64::MAX,
    };
    if end <= first {
        return Ok(String::new());
    }
    Ok(s.chars()
        .skip((first - 1) as usize)
        .take((end - first).min(s.len() as i64 + 1) as usize)
        .collect())
}

/// lpad/rpad: `s` filled to `len` characters with `fill` (truncated when
/// longer).
fn pad(s: &str, len: i32, fill: &str, left: bool) -> Result<String> {
    let len = len.max(0) as usize;
    if len >= (1 << 28) {
        return Err(SqlError::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "requested length too large",
        ));
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= len || fill.is_empty() {
        return Ok(chars.into_iter().take(len).collect());
    }
    let padding: String = fill.chars().cycle().take(len - chars.len()).collect();
    Ok(if left {
        padding + s
    } else {
        s.to_owned() + &padding
    })
}

/// SQL LIKE (PostgreSQL's like_match.c): `%` matches any run of
/// characters, `_` one character, and `\` escapes the next one.
fn like(s: &str, pattern: &str, case_insensitive: bool) -> Result<bool> {
    let fold = |t: &str| -> Vec<char> {
        if case_insensitive {
            t.to_lowercase().chars().collect()
        } else {
            t.chars().collect()
        }
    };
    let (s, p) = (fold(s), fold(pattern));
    // Tokens: Some(c) a literal, None for `_`; `%` splits segments.
    #[derive(Clone, Copy, PartialEq)]
    enum Tok {
        Lit(char),
        One,
        Any,
    }
    let mut toks = Vec::with_capacity(p.len());
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                let Some(&c) = p.get(i + 1) else {
                    return Err(SqlError::new(
                        SqlState::INVALID_ESCAPE_SEQUENCE,
                        "LIKE pattern must not end with escape character",
                    ));
                };
                toks.push(Tok::Lit(c));
                i += 2;
                continue;
            }
            '%' => toks.push(Tok::Any),
            '_' => toks.push(Tok::One),
            c => toks.push(Tok::Lit(c)),
        }
        i += 1;
    }
    // Greedy match with backtracking to the last `%` (linear in practice).
    let (mut si, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match toks.get(ti) {
            Some(Tok::Any) => {
                star = Some((ti, si));
                ti += 1;
            }
            Some(Tok::One) => {
                si += 1;
                ti += 1;
            }
            Some(Tok::Lit(c)) if *c == s[si] => {
                si += 1;
                ti += 1;
            }
            _ => match star {
                Some((st, ss)) => {
                    ti = st + 1;
                    si = ss + 1;
                    star = Some((st, ss + 1));
                }
                None => return Ok(false),
            },
        }
    }
    Ok(toks[ti..].iter().all(|t| *t == Tok::Any))
}

/// like_escape(pattern, escape): rewrites `pattern` to use backslash as
/// its escape character; an empty escape means none.
fn like_escape(p: &str, e: &str) -> Result<String> {
    let mut esc = e.chars();
    let escape = match (esc.next(), esc.next()) {
        (None, _) => None,
        (Some(c), None) => Some(c),
        _ => {
            return Err(
                SqlError::new(SqlState::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                    .with_hint("Escape string must be empty or one character."),
            )
        }
    };
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match escape {
            Some(x) if c == x => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ if c == '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// The LIKE operators: `~~`, `!~~`, and `~~*`, `!~~*` for ILIKE.
pub(super) static LIKE_OPS: &[FuncDef] = &[
    f("~~", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            false,
        )?))
    }),
    f("!~~", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(!like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            false,
        )?))
    }),
    f("~~*", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            true,
        )?))
    }),
    f("!~~*", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(!like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            true,
        )?))
    }),
];

/// concat(any, ...): the binder casts every argument to text; NULLs are
/// skipped.
pub(crate) static CONCAT: FuncDef = FuncDef {
    strict: false,
    volatility: super::Volatility::Stable,
    ..f("concat", &[], Text, |a, ctx| {
        let mut out = String::new();
        for v in a {
            v.write_text(ctx.style(), &mut out);
        }
        text(out)
    })
};

/// pg_typeof of an argument that holds a set-returning call: the type
/// (its second argument, fixed when bound) once per row of the set.
pub(crate) static TYPEOF_OF_SET: FuncDef = FuncDef {
    strict: false,
    ..f("pg_typeof", &[], Regtype, |a, _| Ok(a[1].clone()))
};

/// concat_ws(separator, any, ...): NULL separator gives NULL.
pub(crate) static CONCAT_WS: FuncDef = FuncDef {
    strict: false,
    volatility: super::Volatility::Stable,
    ..f("concat_ws", &[], Text, |a, ctx| {
        let Some(sep) = a.first().and_then(|s| s.to_text(ctx.style())) else {
            return Ok(Value::Null);
        };
        let parts: Vec<String> = a[1..]
            .iter()
            .filter_map(|v| v.to_text(ctx.style()))
            .collect();
        text(parts.join(&sep))
    })
};

/// unistr: `\\`, `\XXXX`, `\+XXXXXX`, `\uXXXX`, `\UXXXXXXXX` decoded,
/// UTF-16 surrogate pairs combined (PostgreSQL's varlena.c unistr).
fn unistr(text: &str) -> Result<String> {
    let bad_escape = || {
        SqlError::new(SqlState::SYNTAX_ERROR, "invalid Unicode escape")
            .with_hint("Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.")
    };
    let bad_pair = || SqlError::new(SqlState::SYNTAX_ERROR, "invalid Unicode surrogate pair");
    let c: Vec<char> = text.chars().collect();
    let hex = |at: usize, n: usize| -> Option<u32> {
        let s: String = c.get(at..at + n)?.iter().collect();
        s.chars()
            .all(|d| d.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(&s, 16).ok())
            .flatten()
    };
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<u32> = None;
    let mut i = 0;
    while i < c.len() {
        if c[i] != '\\' {
            if pending.is_some() {
                return Err(bad_pair());
            }
            out.push(c[i]);
            i += 1;
            continue;
        }
        let (code, len) = match c.get(i + 1) {
            Some('\\') => {
                if pending.is_some() {
                    return Err(bad_pair());
                }
                out.push('\\');
                i += 2;
                continue;
            }
            Some('u') => (hex(i + 2, 4), 6),
            Some('+') => (hex(i + 2, 6), 8),
            Some('U') => (hex(i + 2, 8), 10),
            _ => (hex(i + 1, 4), 5),
        };
        let Some(code) = code else {
            return Err(bad_escape());
        };
        if code == 0 || code > 0x10FFFF {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("invalid Unicode code point: {code:04X}"),
            ));
        }
        let low = (0xDC00..=0xDFFF).contains(&code);
        let code = match pending.take() {
            Some(high) if low => 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00),
            Some(_) => return Err(bad_pair()),
            None if low => return Err(bad_pair()),
            None if (0xD800..=0xDBFF).contains(&code) => {
                pending = Some(code);
                i += len;
                continue;
            }
            None => code,
        };
        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
        i += len;
    }
    if pending.is_some() {
        return Err(bad_pair());
    }
    Ok(out)
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("textlike", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            false,
        )?))
    }),
    f("textnlike", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(!like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            false,
        )?))
    }),
    f("texticlike", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            true,
        )?))
    }),
    f("texticnlike", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(!like(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
            true,
        )?))
    }),
    f("like_escape", &[Text, Text], Text, |a, _| {
        text(like_escape(&arg!(a, 0, Text), &arg!(a, 1, Text))?)
    }),
    f("length", &[Text], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Text).chars().count() as i32))
    }),
    f("char_length", &[Text], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Text).chars().count() as i32))
    }),
    f("character_length", &[Text], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Text).chars().count() as i32))
    }),
    f("octet_length", &[Text], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Text).len() as i32))
    }),
    // bpcharoctetlen: the padding counts (length() ignores it).
    f("octet_length", &[Bpchar], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Text).len() as i32))
    }),
    f("length", &[Bytea], Int4, |a, _| {
        Ok(Value::Int4(arg!(a, 0, Bytea).len() as i32))
    }),
    f("lower", &[Text], Text, |a, _| {
        text(arg!(a, 0, Text).to_lowercase())
    }),
    f("upper", &[Text], Text, |a, _| {
        text(arg!(a, 0, Text).to_uppercase())
    }),
    f("substr", &[Text, Int4], Text, |a, _| {
        text(substr(&arg!(a, 0, Text), arg!(a, 1, Int4).into(), None)?)
    }),
    f("substr", &[Text, Int4, Int4], Text, |a, _| {
        text(substr(
            &arg!(a, 0, Text),
            arg!(a, 1, Int4).into(),
            Some(arg!(a, 2, Int4).into()),
        )?)
    }),
    f("overlay", &[Text, Text, Int4], Text, |a, _| {
        let (s, r) = (arg!(a, 0, Text), arg!(a, 1, Text));
        let from = i64::from(arg!(a, 2, Int4));
        let count = r.chars().count() as i64;
        let mut out = substr(&s, 1, Some(from - 1))?;
        out.push_str(&r);
        out.push_str(&substr(&s, from.saturating_add(count), None)?);
        text(out)
    }),
    f("overlay", &[Text, Text, Int4, Int4], Text, |a, _| {
        let (s, r) = (arg!(a, 0, Text), arg!(a, 1, Text));
        let from = i64::from(arg!(a, 2, Int4));
        let count = i64::from(arg!(a, 3, Int4));
        let mut out = substr(&s, 1, Some(from - 1))?;
        out.push_str(&r);
        out.push_str(&substr(&s, from.saturating_add(count), None)?);
        text(out)
    }),
    f("substring", &[Text, Int4], Text, |a, _| {
        text(substr(&arg!(a, 0, Text), arg!(a, 1, Int4).into(), None)?)
    }),
    f("substring", &[Text, Int4, Int4], Text, |a, _| {
        text(substr(
            &arg!(a, 0, Text),
            arg!(a, 1, Int4).into(),
            Some(arg!(a, 2, Int4).into()),
        )?)
    }),
    f("unistr", &[Text], Text, |a, _| {
        unistr(&arg!(a, 0, Text)).map(Value::Text)
    }),
    f("reverse", &[Text], Text, |a, _| {
        text(arg!(a, 0, Text).chars().rev().collect())
    }),
    f("repeat", &[Text, Int4], Text, |a, _| {
        let n = arg!(a, 1, Int4).max(0) as usize;
        let s = arg!(a, 0, Text);
        if s.len().saturating_mul(n) >= (1 << 30) {
            return Err(SqlError::new(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "requested length too large",
            ));
        }
        text(s.repeat(n))
    }),
    f("btrim", &[Text], Text, |a, _| {
        text(arg!(a, 0, Text).trim_matches(' ').to_owned())
    }),
    f("ltrim", &[Text], Text, |a, _| {
        text(arg!(a, 0, Text).trim_start_matches(' ').to_owned())
    }),
    f("rtrim", &[Text], Text, |a, _| {
        text(arg!(a, 0, Text).trim_end_matches(' ').to_owned())
    }),
    f("replace", &[Text, Text, Text], Text, |a, _| {
        let (s, from, to) = (arg!(a, 0, Text), arg!(a, 1, Text), arg!(a, 2, Text));
        text(if from.is_empty() {
            s
        } else {
            s.replace(&from, &to)
        })
    }),
    f("left", &[Text, Int4], Text, |a, _| {
        let (s, n) = (arg!(a, 0, Text), arg!(a, 1, Int4));
        let len = s.chars().count() as i64;
        let take = if n >= 0 {
            i64::from(n)
        } else {
            (len + i64::from(n)).max(0)
        };
        text(s.chars().take(take as usize).collect())
    }),
    f("right", &[Text, Int4], Text, |a, _| {
        let (s, n) = (arg!(a, 0, Text), arg!(a, 1, Int4));
        let len = s.chars().count() as i64;
        let skip = if n >= 0 {
            (len - i64::from(n)).max(0)
        } else if n == i32::MIN {
            // PostgreSQL 15 negates n in 32 bits: INT_MIN stays negative
            // and clips to nothing, so the whole string is kept.
            0
        } else {
            (-i64::from(n)).min(len)
        };
        text(s.chars().skip(skip as usize).collect())
    }),
    f("lpad", &[Text, Int4], Text, |a, _| {
        text(pad(&arg!(a, 0, Text), arg!(a, 1, Int4), " ", true)?)
    }),
    f("lpad", &[Text, Int4, Text], Text, |a, _| {
        text(pad(
            &arg!(a, 0, Text),
            arg!(a, 1, Int4),
            &arg!(a, 2, Text),
            true,
        )?)
    }),
    f("rpad", &[Text, Int4], Text, |a, _| {
        text(pad(&arg!(a, 0, Text), arg!(a, 1, Int4), " ", false)?)
    }),
    f("rpad", &[Text, Int4, Text], Text, |a, _| {
        text(pad(
            &arg!(a, 0, Text),
            arg!(a, 1, Int4),
            &arg!(a, 2, Text),
            false,
        )?)
    }),
    f("split_part", &[Text, Text, Int4], Text, |a, _| {
        let (s, sep, n) = (arg!(a, 0, Text), arg!(a, 1, Text), arg!(a, 2, Int4));
        if n == 0 {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "field position must not be zero",
            ));
        }
        let parts: Vec<&str> = if sep.is_empty() {
            vec![s.as_str()]
        } else {
            s.split(sep.as_str()).collect()
        };
        let idx = if n > 0 {
            Some(n as usize - 1)
        } else {
            parts.len().checked_sub(n.unsigned_abs() as usize)
        };
        text(
            idx.and_then(|i| parts.get(i))
                .map_or_else(String::new, |p| (*p).to_owned()),
        )
    }),
    f("btrim", &[Text, Text], Text, |a, _| {
        let set: Vec<char> = arg!(a, 1, Text).chars().collect();
        text(
            arg!(a, 0, Text)
                .trim_matches(|c| set.contains(&c))
                .to_owned(),
        )
    }),
    f("ltrim", &[Text, Text], Text, |a, _| {
        let set: Vec<char> = arg!(a, 1, Text).chars().collect();
        text(
            arg!(a, 0, Text)
                .trim_start_matches(|c| set.contains(&c))
                .to_owned(),
        )
    }),
    f("rtrim", &[Text, Text], Text, |a, _| {
        let set: Vec<char> = arg!(a, 1, Text).chars().collect();
        text(
            arg!(a, 0, Text)
                .trim_end_matches(|c| set.contains(&c))
                .to_owned(),
        )
    }),
    f("initcap", &[Text], Text, |a, _| {
        let mut out = String::new();
        let mut word = false;
        for c in arg!(a, 0, Text).chars() {
            if c.is_alphanumeric() {
                if word {
                    out.extend(c.to_lowercase());
                } else {
                    out.extend(c.to_uppercase());
                }
                word = true;
            } else {
                out.push(c);
                word = false;
            }
        }
        text(out)
    }),
    f("ascii", &[Text], Int4, |a, _| {
        Ok(Value::Int4(
            arg!(a, 0, Text).chars().next().map_or(0, |c| c as i32),
        ))
    }),
    f("chr", &[Int4], Text, |a, _| {
        let n = arg!(a, 0, Int4);
        let limit = |msg: String| Err(SqlError::new(SqlState::PROGRAM_LIMIT_EXCEEDED, msg));
        match n {
            ..=-1 => Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "character number must be positive",
            )),
            0 => limit("null character not permitted".into()),
            0x11_0000.. => limit(format!("requested character too large for encoding: {n}")),
            _ => match char::from_u32(n as u32) {
                Some(c) => text(c.to_string()),
                None => limit(format!("requested character not valid for encoding: {n}")),
            },
        }
    }),
    f("^@", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(
            arg!(a, 0, Text).starts_with(arg!(a, 1, Text).as_str()),
        ))
    }),
    f("starts_with", &[Text, Text], Bool, |a, _| {
        Ok(Value::Bool(
            arg!(a, 0, Text).starts_with(arg!(a, 1, Text).as_str()),
        ))
    }),
    f("translate", &[Text, Text, Text], Text, |a, _| {
        let from: Vec<char> = arg!(a, 1, Text).chars().collect();
        let to: Vec<char> = arg!(a, 2, Text).chars().collect();
        text(
            arg!(a, 0, Text)
                .chars()
                .filter_map(|c| match from.iter().position(|&f| f == c) {
                    Some(i) => to.get(i).copied(),
                    None => Some(c),
                })
                .collect(),
        )
    }),
    f("to_hex", &[Int4], Text, |a, _| {
        text(format!("{:x}", arg!(a, 0, Int4)))
    }),
    f("to_hex", &[Int8], Text, |a, _| {
        text(format!("{:x}", arg!(a, 0, Int8)))
    }),
    f("strpos", &[Text, Text], Int4, |a, _| {
        let (s, sub) = (arg!(a, 0, Text), arg!(a, 1, Text));
        Ok(Value::Int4(match s.find(&sub) {
            Some(i) => s[..i].chars().count() as i32 + 1,
            None => 0,
        }))
    }),
];
