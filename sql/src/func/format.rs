//! format(formatstr, VARIADIC "any") and md5.

use md5::{Digest, Md5};

use super::operators::arg;
use super::{f, non_strict, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType;
use crate::value::Value;

fn bad_format(msg: &str) -> SqlError {
    SqlError::new(SqlState::INVALID_PARAMETER_VALUE, msg.to_owned())
}

/// PostgreSQL's format(): `%[position$][flags][width]type` with types
/// s, I, L and `%%`.
fn format(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let Value::Text(fmt) = &a[0] else {
        return Ok(Value::Null);
    };
    let args = &a[1..];
    let mut out = String::with_capacity(fmt.len());
    let mut chars = fmt.chars().peekable();
    let mut next_arg = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        // [n$]
        let mut digits = String::new();
        while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
            digits.push(d);
            chars.next();
        }
        let mut position = None;
        if !digits.is_empty() && chars.peek() == Some(&'$') {
            chars.next();
            let n: usize = digits
                .parse()
                .map_err(|_| bad_format("number is out of range"))?;
            if n == 0 {
                return Err(bad_format(
                    "format specifies argument 0, but arguments are numbered from 1",
                ));
            }
            position = Some(n - 1);
            digits.clear();
        }
        let mut left = false;
        if digits.is_empty() && chars.peek() == Some(&'-') {
            chars.next();
            left = true;
        }
        if digits.is_empty() {
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                digits.push(d);
                chars.next();
            }
        }
        let width: usize = if digits.is_empty() {
            0
        } else {
            digits
                .parse()
                .map_err(|_| bad_format("number is out of range"))?
        };
        let Some(kind) = chars.next() else {
            return Err(bad_format("unterminated format() type specifier"));
        };
        let index = position.unwrap_or(next_arg);
        next_arg = index + 1;
        let Some(v) = args.get(index) else {
            return Err(bad_format("too few arguments for format()"));
        };
        let text = match kind {
            's' => v.to_text(ctx.style).unwrap_or_default(),
            'I' => match v.to_text(ctx.style) {
                Some(t) => super::quote_ident(&t),
                None => {
                    return Err(SqlError::new(
                        SqlState::NULL_VALUE_NOT_ALLOWED,
                        "null values cannot be formatted as an SQL identifier",
                    ))
                }
            },
            'L' => v
                .to_text(ctx.style)
                .map_or_else(|| "NULL".to_owned(), |t| super::quote_literal(&t)),
            other => {
                return Err(bad_format(&format!(
                    "unrecognized format() type specifier \"{other}\""
                ))
                .with_hint("For a single \"%\" use \"%%\"."))
            }
        };
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
    }
    Ok(Value::Text(out))
}

pub(super) static FORMAT: FuncDef = non_strict(f("format", &[], DataType::Text, format));

pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("md5", &[DataType::Text], DataType::Text, |a, _| {
        let digest = Md5::digest(arg!(a, 0, Text).as_bytes());
        Ok(Value::Text(
            digest.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    }),
    f("md5", &[DataType::Bytea], DataType::Text, |a, _| {
        let digest = Md5::digest(arg!(a, 0, Bytea));
        Ok(Value::Text(
            digest.iter().map(|b| format!("{b:02x}")).collect(),
        ))
    }),
    f("sha224", &[DataType::Bytea], DataType::Bytea, |a, _| {
        Ok(Value::Bytea(
            <sha2::Sha224 as sha2::Digest>::digest(arg!(a, 0, Bytea)).to_vec(),
        ))
    }),
    f("sha256", &[DataType::Bytea], DataType::Bytea, |a, _| {
        Ok(Value::Bytea(
            <sha2::Sha256 as sha2::Digest>::digest(arg!(a, 0, Bytea)).to_vec(),
        ))
    }),
    f("sha384", &[DataType::Bytea], DataType::Bytea, |a, _| {
        Ok(Value::Bytea(
            <sha2::Sha384 as sha2::Digest>::digest(arg!(a, 0, Bytea)).to_vec(),
        ))
    }),
    f("sha512", &[DataType::Bytea], DataType::Bytea, |a, _| {
        Ok(Value::Bytea(
            <sha2::Sha512 as sha2::Digest>::digest(arg!(a, 0, Bytea)).to_vec(),
        ))
    }),
];
