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
    // The last argument used, counted from 1 (PostgreSQL's `arg`).
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
        // text_format_parse_format: [n$][-][width | * | *n$]type.
        let digits_of =
            |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Result<Option<usize>> {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    return Ok(None);
                }
                digits
                    .parse::<i32>()
                    .map(|n| Some(n as usize))
                    .map_err(|_| bad_format("number is out of range"))
            };
        let zero = || bad_format("format specifies argument 0, but arguments are numbered from 1");
        let (mut argpos, mut widthpos, mut left, mut width) = (0usize, None, false, 0usize);
        let first = digits_of(&mut chars)?;
        let mut direct = false;
        if let Some(n) = first {
            if chars.peek() == Some(&'$') {
                if n == 0 {
                    return Err(zero());
                }
                argpos = n;
                chars.next();
            } else {
                width = n;
                direct = true;
            }
        }
        if !direct {
            while chars.peek() == Some(&'-') {
                chars.next();
                left = true;
            }
            if chars.peek() == Some(&'*') {
                chars.next();
                match digits_of(&mut chars)? {
                    Some(n) => {
                        if chars.peek() != Some(&'$') {
                            return Err(bad_format(
                                "width argument position must be ended by \"$\"",
                            ));
                        }
                        if n == 0 {
                            return Err(zero());
                        }
                        chars.next();
                        widthpos = Some(n);
                    }
                    None => widthpos = Some(0),
                }
            } else if let Some(n) = digits_of(&mut chars)? {
                width = n;
            }
        }
        let Some(kind) = chars.next() else {
            return Err(bad_format("unterminated format() type specifier")
                .with_hint("For a single \"%\" use \"%%\"."));
        };
        // The width from an argument: NULL is 0, a negative one
        // left-justifies.
        if let Some(wp) = widthpos {
            next_arg = if wp > 0 { wp } else { next_arg + 1 };
            let Some(v) = args.get(next_arg - 1) else {
                return Err(bad_format("too few arguments for format()"));
            };
            let w: i64 = match v {
                Value::Null => 0,
                Value::Int2(i) => i64::from(*i),
                Value::Int4(i) => i64::from(*i),
                Value::Int8(i) => *i,
                other => other
                    .to_text(ctx.style)
                    .unwrap_or_default()
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| {
                        SqlError::new(
                            SqlState::INVALID_TEXT_REPRESENTATION,
                            format!(
                                "invalid input syntax for type integer: \"{}\"",
                                other.to_text(ctx.style).unwrap_or_default()
                            ),
                        )
                    })?,
            };
            if w < 0 {
                left = true;
            }
            width = usize::try_from(w.unsigned_abs()).unwrap_or(usize::MAX);
        }
        next_arg = if argpos > 0 { argpos } else { next_arg + 1 };
        if !matches!(kind, 's' | 'I' | 'L') {
            return Err(
                bad_format(&format!("unrecognized format() type specifier \"{kind}\""))
                    .with_hint("For a single \"%\" use \"%%\"."),
            );
        }
        let Some(v) = args.get(next_arg - 1) else {
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

pub(super) static FORMAT: FuncDef =
    super::stable(non_strict(f("format", &[], DataType::Text, format)));

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
