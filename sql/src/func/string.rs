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
    f("strpos", &[Text, Text], Int4, |a, _| {
        let (s, sub) = (arg!(a, 0, Text), arg!(a, 1, Text));
        Ok(Value::Int4(match s.find(&sub) {
            Some(i) => s[..i].chars().count() as i32 + 1,
            None => 0,
        }))
    }),
];
