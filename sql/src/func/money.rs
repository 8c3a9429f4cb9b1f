//! The money operators and functions (PostgreSQL's cash.c): money ±
//! money, money × and ÷ integers (division truncates) and floats
//! (rounded with rint), money ÷ money as float8, the comparisons,
//! cashlarger / cashsmaller and cash_words.

use super::operators::{cmp_ops, order};
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::{self, *};
use crate::value::money::{overflow, words};
use crate::value::Value;

fn cents(v: &Value) -> Result<i64> {
    match v {
        Value::Money(c) => Ok(*c),
        _ => Err(SqlError::internal("a money operator got another value")),
    }
}

/// An integer or float operand as f64 / i64.
fn int(v: &Value) -> Result<i64> {
    match v {
        Value::Int2(i) => Ok(i64::from(*i)),
        Value::Int4(i) => Ok(i64::from(*i)),
        Value::Int8(i) => Ok(*i),
        _ => Err(SqlError::internal("a money operator got another value")),
    }
}

fn float(v: &Value) -> Result<f64> {
    match v {
        Value::Float4(x) => Ok(f64::from(*x)),
        Value::Float8(x) => Ok(*x),
        _ => Err(SqlError::internal("a money operator got another value")),
    }
}

fn division_by_zero() -> SqlError {
    SqlError::new(SqlState::DIVISION_BY_ZERO, "division by zero")
}

/// A float result in cents, rounded as rint (half to even); 22003 when it
/// does not fit (NaN and infinities too).
fn from_float(x: f64) -> Result<Value> {
    let r = x.round_ties_even();
    if !r.is_finite() || r < i64::MIN as f64 || r >= i64::MAX as f64 {
        return Err(overflow());
    }
    Ok(Value::Money(r as i64))
}

fn mul_int(m: i64, i: i64) -> Result<Value> {
    m.checked_mul(i).map(Value::Money).ok_or_else(overflow)
}

fn div_int(m: i64, i: i64) -> Result<Value> {
    if i == 0 {
        return Err(division_by_zero());
    }
    m.checked_div(i).map(Value::Money).ok_or_else(overflow)
}

macro_rules! scaled {
    ($($t:expr),*) => {
        &[$(
            f("*", &[Money, $t], Money, |a, _| mul_int(cents(&a[0])?, int(&a[1])?)),
            f("*", &[$t, Money], Money, |a, _| mul_int(cents(&a[1])?, int(&a[0])?)),
            f("/", &[Money, $t], Money, |a, _| div_int(cents(&a[0])?, int(&a[1])?)),
        )*]
    };
}

macro_rules! scaled_float {
    ($($t:expr),*) => {
        &[$(
            f("*", &[Money, $t], Money, |a, _| {
                from_float(cents(&a[0])? as f64 * float(&a[1])?)
            }),
            f("*", &[$t, Money], Money, |a, _| {
                from_float(cents(&a[1])? as f64 * float(&a[0])?)
            }),
            f("/", &[Money, $t], Money, |a, _| {
                let d = float(&a[1])?;
                if d == 0.0 {
                    return Err(division_by_zero());
                }
                from_float(cents(&a[0])? as f64 / d)
            }),
        )*]
    };
}

/// money × / ÷ int2, int4, int8.
pub(super) static BY_INTEGERS: &[FuncDef] = scaled!(Int2, Int4, Int8);

/// money × / ÷ float4, float8.
pub(super) static BY_FLOATS: &[FuncDef] = scaled_float!(Float4, Float8);

cmp_ops!(MONEY_CMP, Money, order);

fn pick(a: &[Value], larger: bool) -> Result<Value> {
    let (x, y) = (cents(&a[0])?, cents(&a[1])?);
    Ok(Value::Money(if (x > y) == larger { x } else { y }))
}

/// The rest: ±, money ÷ money, cashlarger, cashsmaller, cash_words.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("+", &[Money, Money], Money, |a, _| {
        cents(&a[0])?
            .checked_add(cents(&a[1])?)
            .map(Value::Money)
            .ok_or_else(overflow)
    }),
    f("-", &[Money, Money], Money, |a, _| {
        cents(&a[0])?
            .checked_sub(cents(&a[1])?)
            .map(Value::Money)
            .ok_or_else(overflow)
    }),
    f("/", &[Money, Money], Float8, |a, _| {
        let d = cents(&a[1])?;
        if d == 0 {
            return Err(division_by_zero());
        }
        Ok(Value::Float8(cents(&a[0])? as f64 / d as f64))
    }),
    f("cashlarger", &[Money, Money], Money, |a, _| pick(a, true)),
    f("cashsmaller", &[Money, Money], Money, |a, _| pick(a, false)),
    f("cash_words", &[Money], DataType::Text, |a, _| {
        Ok(Value::Text(words(cents(&a[0])?)))
    }),
];
