//! Multirange functions and operators (PostgreSQL's multirangetypes.c):
//! the constructors, the bound accessors, containment, overlap and
//! position between multiranges, ranges and elements, union,
//! intersection, difference and the multirange order.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{f, FuncDef};
use crate::error::{Result, SqlError};
use crate::types::DataType::{self, *};
use crate::value::multirange::{Multirange, Position, Side};
use crate::value::range::RangeValue;
use crate::value::Value;

fn multi(v: &Value) -> Result<&Multirange> {
    match v {
        Value::Multirange(m) => Ok(m),
        _ => Err(SqlError::internal(
            "a multirange operator got another value",
        )),
    }
}

fn range(v: &Value) -> Result<&RangeValue> {
    match v {
        Value::Range(r) => Ok(r),
        _ => Err(SqlError::internal(
            "a multirange operator got another value",
        )),
    }
}

fn side(v: &Value) -> Result<Side<'_>> {
    Ok(match v {
        Value::Multirange(m) => Side::Multi(m),
        _ => Side::Range(range(v)?),
    })
}

fn wrap(m: Multirange) -> Value {
    Value::Multirange(Arc::new(m))
}

/// A multirange of the ranges in `vals` (ranges, NULLs refused).
pub(super) fn from_ranges(vals: &[Value]) -> Result<Value> {
    let mut ranges = Vec::with_capacity(vals.len());
    for v in vals {
        if v.is_null() {
            return Err(SqlError::new(
                crate::error::SqlState::NULL_VALUE_NOT_ALLOWED,
                "multirange values cannot contain null members",
            ));
        }
        ranges.push(range(v)?.clone());
    }
    Ok(wrap(Multirange::new(ranges)?))
}

/// `type(VARIADIC ranges)` given as an array.
fn from_array(a: &[Value]) -> Result<Value> {
    match &a[0] {
        Value::Array(items) => from_ranges(items.items()),
        _ => from_ranges(&[]),
    }
}

macro_rules! constructors {
    ($($name:literal => $elem:expr),*) => {
        &[$(
            f($name, &[], Multirange(&Range(&$elem)), |_, _| Ok(wrap(Multirange::empty()))),
            f($name, &[Range(&$elem)], Multirange(&Range(&$elem)), |a, _| from_ranges(a)),
            f($name, &[Array(&Range(&$elem))], Multirange(&Range(&$elem)), |a, _| from_array(a)),
        )*]
    };
}

/// The constructors, three per multirange type.
pub(super) static CONSTRUCTORS: &[FuncDef] = constructors!(
    "int4multirange" => Int4,
    "int8multirange" => Int8,
    "nummultirange" => Numeric,
    "datemultirange" => Date,
    "tsmultirange" => Timestamp,
    "tstzmultirange" => TimestampTz
);

fn bool_of(b: bool) -> Result<Value> {
    Ok(Value::Bool(b))
}

fn position(a: &[Value], p: Position) -> Result<Value> {
    bool_of(Multirange::position(side(&a[0])?, side(&a[1])?, p))
}

fn cmp(a: &[Value]) -> Result<Ordering> {
    Ok(multi(&a[0])?.multirange_cmp(multi(&a[1])?))
}

/// The first range's lower bound or the last one's upper.
fn end(a: &[Value], upper: bool) -> Result<Option<RangeValue>> {
    let m = multi(&a[0])?;
    Ok(if upper {
        m.ranges().last()
    } else {
        m.ranges().first()
    }
    .cloned())
}

/// The constructors of user multirange types: `name()`, `name(range)`
/// and `name(VARIADIC ranges)`, for the binder to call with the type as
/// the result.
pub static USER_CONSTRUCTORS: [FuncDef; 3] = [
    f("multirange", &[], M, |_, _| Ok(wrap(Multirange::empty()))),
    f("multirange", &[R], M, |a, _| from_ranges(a)),
    f("multirange", &[Array(&R)], M, |a, _| from_array(a)),
];

const M: DataType = AnyMultirange;
const R: DataType = AnyRange;
const E: DataType = AnyElement;

operator_tables! {
    "@>" "multirange_contains_elem" [M, E] Bool => |a, _| {
        bool_of(multi(&a[0])?.contains_elem(&a[1]))
    };
    "<@" "elem_contained_by_multirange" [E, M] Bool => |a, _| {
        bool_of(multi(&a[1])?.contains_elem(&a[0]))
    };
    "@>" "multirange_contains_range" [M, R] Bool => |a, _| {
        bool_of(multi(&a[0])?.contains_range(range(&a[1])?))
    };
    "<@" "range_contained_by_multirange" [R, M] Bool => |a, _| {
        bool_of(multi(&a[1])?.contains_range(range(&a[0])?))
    };
    "@>" "range_contains_multirange" [R, M] Bool => |a, _| {
        bool_of(multi(&a[1])?.contained_by_range(range(&a[0])?))
    };
    "<@" "multirange_contained_by_range" [M, R] Bool => |a, _| {
        bool_of(multi(&a[0])?.contained_by_range(range(&a[1])?))
    };
    "@>" "multirange_contains_multirange" [M, M] Bool => |a, _| {
        bool_of(multi(&a[0])?.contains(multi(&a[1])?))
    };
    "<@" "multirange_contained_by_multirange" [M, M] Bool => |a, _| {
        bool_of(multi(&a[1])?.contains(multi(&a[0])?))
    };
    "&&" "multirange_overlaps_multirange" [M, M] Bool => |a, _| {
        bool_of(multi(&a[0])?.overlaps(multi(&a[1])?))
    };
    "&&" "multirange_overlaps_range" [M, R] Bool => |a, _| {
        bool_of(multi(&a[0])?.overlaps_range(range(&a[1])?))
    };
    "&&" "range_overlaps_multirange" [R, M] Bool => |a, _| {
        bool_of(multi(&a[1])?.overlaps_range(range(&a[0])?))
    };
    "<<" "multirange_before_multirange" [M, M] Bool => |a, _| position(a, Position::Before);
    "<<" "multirange_before_range" [M, R] Bool => |a, _| position(a, Position::Before);
    "<<" "range_before_multirange" [R, M] Bool => |a, _| position(a, Position::Before);
    ">>" "multirange_after_multirange" [M, M] Bool => |a, _| position(a, Position::After);
    ">>" "multirange_after_range" [M, R] Bool => |a, _| position(a, Position::After);
    ">>" "range_after_multirange" [R, M] Bool => |a, _| position(a, Position::After);
    "&<" "multirange_overleft_multirange" [M, M] Bool => |a, _| position(a, Position::OverLeft);
    "&<" "multirange_overleft_range" [M, R] Bool => |a, _| position(a, Position::OverLeft);
    "&<" "range_overleft_multirange" [R, M] Bool => |a, _| position(a, Position::OverLeft);
    "&>" "multirange_overright_multirange" [M, M] Bool => |a, _| position(a, Position::OverRight);
    "&>" "multirange_overright_range" [M, R] Bool => |a, _| position(a, Position::OverRight);
    "&>" "range_overright_multirange" [R, M] Bool => |a, _| position(a, Position::OverRight);
    "-|-" "multirange_adjacent_multirange" [M, M] Bool => |a, _| position(a, Position::Adjacent);
    "-|-" "multirange_adjacent_range" [M, R] Bool => |a, _| position(a, Position::Adjacent);
    "-|-" "range_adjacent_multirange" [R, M] Bool => |a, _| position(a, Position::Adjacent);
    "+" "multirange_union" [M, M] M => |a, _| {
        let (x, y) = (multi(&a[0])?, multi(&a[1])?);
        Ok(wrap(x.union(y)?))
    };
    "*" "multirange_intersect" [M, M] M => |a, _| {
        let (x, y) = (multi(&a[0])?, multi(&a[1])?);
        Ok(wrap(x.intersect(y)?))
    };
    "-" "multirange_minus" [M, M] M => |a, _| {
        let (x, y) = (multi(&a[0])?, multi(&a[1])?);
        Ok(wrap(x.minus(y)?))
    };
    "=" "multirange_eq" [M, M] Bool => |a, _| bool_of(cmp(a)?.is_eq());
    "<>" "multirange_ne" [M, M] Bool => |a, _| bool_of(cmp(a)?.is_ne());
    "<" "multirange_lt" [M, M] Bool => |a, _| bool_of(cmp(a)?.is_lt());
    "<=" "multirange_le" [M, M] Bool => |a, _| bool_of(cmp(a)?.is_le());
    ">" "multirange_gt" [M, M] Bool => |a, _| bool_of(cmp(a)?.is_gt());
    ">=" "multirange_ge" [M, M] Bool => |a, _| bool_of(cmp(a)?.is_ge());
}

/// Functions over any multirange type.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("lower", &[M], E, |a, _| {
        Ok(end(a, false)?.and_then(|r| r.lower).unwrap_or(Value::Null))
    }),
    f("upper", &[M], E, |a, _| {
        Ok(end(a, true)?.and_then(|r| r.upper).unwrap_or(Value::Null))
    }),
    f("isempty", &[M], Bool, |a, _| {
        bool_of(multi(&a[0])?.is_empty())
    }),
    f("lower_inc", &[M], Bool, |a, _| {
        bool_of(end(a, false)?.is_some_and(|r| r.lower_inc))
    }),
    f("upper_inc", &[M], Bool, |a, _| {
        bool_of(end(a, true)?.is_some_and(|r| r.upper_inc))
    }),
    f("lower_inf", &[M], Bool, |a, _| {
        bool_of(end(a, false)?.is_some_and(|r| r.lower.is_none()))
    }),
    f("upper_inf", &[M], Bool, |a, _| {
        bool_of(end(a, true)?.is_some_and(|r| r.upper.is_none()))
    }),
    f("range_merge", &[M], R, |a, _| {
        let m = multi(&a[0])?;
        Ok(Value::Range(Arc::new(m.span()?)))
    }),
    f("multirange", &[R], M, |a, _| from_ranges(a)),
    f("multirange_cmp", &[M, M], Int4, |a, _| {
        Ok(Value::Int4(match cmp(a)? {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        }))
    }),
];
