//! The bit string operators and functions (PostgreSQL's varbit.c):
//! comparisons, `|| & | # ~ << >>`, length, bit_length, octet_length,
//! substring, overlay, position, get_bit, set_bit, bit_count. Functions
//! declared on bit take bit varying values by its implicit cast and keep
//! their length, as PostgreSQL's.

use std::sync::Arc;

use super::operators::{cmp_ops, order};
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::{Bit, Bool, Int4, Int8, VarBit};
use crate::value::{Bits, Value};

fn bits(v: &Value) -> Result<&Bits> {
    match v {
        Value::Bits(b) => Ok(b),
        _ => Err(SqlError::internal(
            "a bit string function got another value",
        )),
    }
}

fn int(v: &Value) -> Result<i32> {
    match v {
        Value::Int4(i) => Ok(*i),
        _ => Err(SqlError::internal(
            "a bit string function got another value",
        )),
    }
}

fn value(b: Bits) -> Result<Value> {
    Ok(Value::Bits(Arc::new(b)))
}

fn bitwise(a: &[Value], op: &str) -> Result<Value> {
    value(bits(&a[0])?.bitwise(bits(&a[1])?, op)?)
}

cmp_ops!(BIT_CMP, Bit, order);
cmp_ops!(VARBIT_CMP, VarBit, order);

/// The operators and functions.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("||", &[VarBit, VarBit], VarBit, |a, _| {
        value(bits(&a[0])?.concat(bits(&a[1])?))
    }),
    f("&", &[Bit, Bit], Bit, |a, _| bitwise(a, "AND")),
    f("|", &[Bit, Bit], Bit, |a, _| bitwise(a, "OR")),
    f("#", &[Bit, Bit], Bit, |a, _| bitwise(a, "XOR")),
    f("~", &[Bit], Bit, |a, _| value(bits(&a[0])?.not())),
    f("<<", &[Bit, Int4], Bit, |a, _| {
        value(bits(&a[0])?.shift_left(int(&a[1])?))
    }),
    f(">>", &[Bit, Int4], Bit, |a, _| {
        value(bits(&a[0])?.shift_left(int(&a[1])?.saturating_neg()))
    }),
    f("length", &[Bit], Int4, |a, _| {
        Ok(Value::Int4(bits(&a[0])?.len() as i32))
    }),
    f("bit_length", &[Bit], Int4, |a, _| {
        Ok(Value::Int4(bits(&a[0])?.len() as i32))
    }),
    f("octet_length", &[Bit], Int4, |a, _| {
        Ok(Value::Int4(bits(&a[0])?.bytes().len() as i32))
    }),
    f("bit_count", &[Bit], Int8, |a, _| {
        Ok(Value::Int8(bits(&a[0])?.count_ones()))
    }),
    f("substring", &[Bit, Int4], Bit, |a, _| {
        value(bits(&a[0])?.substring(int(&a[1])?, None)?)
    }),
    f("substring", &[Bit, Int4, Int4], Bit, |a, _| {
        value(bits(&a[0])?.substring(int(&a[1])?, Some(int(&a[2])?))?)
    }),
    f("overlay", &[Bit, Bit, Int4], Bit, |a, _| {
        value(bits(&a[0])?.overlay(bits(&a[1])?, int(&a[2])?, None)?)
    }),
    f("overlay", &[Bit, Bit, Int4, Int4], Bit, |a, _| {
        value(bits(&a[0])?.overlay(bits(&a[1])?, int(&a[2])?, Some(int(&a[3])?))?)
    }),
    // position(string, sub), as POSITION(sub IN string) reads; strpos
    // is the name POSITION is bound to.
    f("position", &[Bit, Bit], Int4, |a, _| {
        Ok(Value::Int4(bits(&a[0])?.position(bits(&a[1])?)))
    }),
    f("strpos", &[Bit, Bit], Int4, |a, _| {
        Ok(Value::Int4(bits(&a[0])?.position(bits(&a[1])?)))
    }),
    f("get_bit", &[Bit, Int4], Int4, |a, _| {
        let b = bits(&a[0])?;
        let i = b.check_index(int(&a[1])?)?;
        Ok(Value::Int4(i32::from(b.get(i))))
    }),
    f("set_bit", &[Bit, Int4, Int4], Bit, |a, _| {
        let b = bits(&a[0])?;
        let i = b.check_index(int(&a[1])?)?;
        let on = match int(&a[2])? {
            0 => false,
            1 => true,
            _ => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "new bit must be 0 or 1",
                ))
            }
        };
        value(b.with_bit(i, on))
    }),
];
