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

pub(super) static FUNCTIONS: &[FuncDef] = &[
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
