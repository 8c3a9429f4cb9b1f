//! Range functions and operators (PostgreSQL's rangetypes.c): the
//! constructors, lower / upper and the bound tests, containment,
//! overlap, position, adjacency, union, intersection, difference and
//! the range order.

use std::sync::Arc;

use super::{f, non_strict, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{self, *};
use crate::value::range::RangeValue;
use crate::value::Value;

fn range(v: &Value) -> Result<&RangeValue> {
    match v {
        Value::Range(r) => Ok(r),
        _ => Err(SqlError::internal("a range operator got another value")),
    }
}

fn wrap(r: RangeValue) -> Value {
    Value::Range(Arc::new(r))
}

/// `type(lower, upper [, bounds])`: NULL bounds are unbounded.
fn construct(a: &[Value], elem: DataType) -> Result<Value> {
    let flags = match a.get(2) {
        None => "[)".to_owned(),
        Some(Value::Text(t)) => t.clone(),
        Some(_) => {
            return Err(SqlError::new(
                SqlState::DATA_EXCEPTION,
                "range constructor flags argument must not be null",
            ))
        }
    };
    let (lower_inc, upper_inc) = match flags.as_str() {
        "[)" => (true, false),
        "[]" => (true, true),
        "(]" => (false, true),
        "()" => (false, false),
        _ => {
            return Err(
                SqlError::new(SqlState::SYNTAX_ERROR, "invalid range bound flags")
                    .with_hint("Valid values are \"[]\", \"[)\", \"(]\", and \"()\"."),
            )
        }
    };
    let bound = |v: &Value| (!v.is_null()).then(|| v.clone());
    Ok(wrap(RangeValue::make(
        elem,
        bound(&a[0]),
        bound(&a[1]),
        lower_inc,
        upper_inc,
    )?))
}

macro_rules! constructors {
    ($($name:literal => $elem:expr),*) => {
        &[$(
            non_strict(f($name, &[$elem, $elem], Range(&$elem), |a, _| construct(a, $elem))),
            non_strict(f($name, &[$elem, $elem, Text], Range(&$elem), |a, _| construct(a, $elem))),
        )*]
    };
}

/// The constructors of user range types, `name(lower, upper [,
/// bounds])`, for the binder to call with the type as the result (no
/// canonical function: the bounds stay as given).
pub static USER_CONSTRUCTORS: [FuncDef; 2] = [
    non_strict(f("range", &[AnyElement, AnyElement], AnyRange, |a, _| {
        construct(a, Text)
    })),
    non_strict(f(
        "range",
        &[AnyElement, AnyElement, Text],
        AnyRange,
        |a, _| construct(a, Text),
    )),
];

/// The constructors, one pair per range type.
pub(super) static CONSTRUCTORS: &[FuncDef] = constructors!(
    "int4range" => Int4,
    "int8range" => Int8,
    "numrange" => Numeric,
    "daterange" => Date,
    "tsrange" => Timestamp,
    "tstzrange" => TimestampTz
);

fn cmp(a: &[Value]) -> Result<std::cmp::Ordering> {
    Ok(range(&a[0])?.range_cmp(range(&a[1])?))
}

fn test(a: &[Value], t: impl Fn(&RangeValue, &RangeValue) -> bool) -> Result<Value> {
    Ok(Value::Bool(t(range(&a[0])?, range(&a[1])?)))
}

fn bound_value(v: &Option<Value>, empty: bool) -> Value {
    if empty {
        return Value::Null;
    }
    v.clone().unwrap_or(Value::Null)
}

type Imp = fn(&[Value], &mut EvalCtx<'_>) -> Result<Value>;

const fn op(name: &'static str, ret: DataType, imp: Imp) -> FuncDef {
    f(name, &[AnyRange, AnyRange], ret, imp)
}

/// Functions and operators over any range type.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("lower", &[AnyRange], AnyElement, |a, _| {
        let r = range(&a[0])?;
        Ok(bound_value(&r.lower, r.empty))
    }),
    f("upper", &[AnyRange], AnyElement, |a, _| {
        let r = range(&a[0])?;
        Ok(bound_value(&r.upper, r.empty))
    }),
    f("isempty", &[AnyRange], Bool, |a, _| {
        Ok(Value::Bool(range(&a[0])?.empty))
    }),
    f("lower_inc", &[AnyRange], Bool, |a, _| {
        Ok(Value::Bool(range(&a[0])?.lower_inc))
    }),
    f("upper_inc", &[AnyRange], Bool, |a, _| {
        Ok(Value::Bool(range(&a[0])?.upper_inc))
    }),
    f("lower_inf", &[AnyRange], Bool, |a, _| {
        let r = range(&a[0])?;
        Ok(Value::Bool(!r.empty && r.lower.is_none()))
    }),
    f("upper_inf", &[AnyRange], Bool, |a, _| {
        let r = range(&a[0])?;
        Ok(Value::Bool(!r.empty && r.upper.is_none()))
    }),
    op("range_merge", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.union(y, false)?))
    }),
    op("@>", Bool, |a, _| test(a, |x, y| x.contains(y))),
    f("@>", &[AnyRange, AnyElement], Bool, |a, _| {
        Ok(Value::Bool(range(&a[0])?.contains_elem(&a[1])))
    }),
    op("<@", Bool, |a, _| test(a, |x, y| y.contains(x))),
    f("<@", &[AnyElement, AnyRange], Bool, |a, _| {
        Ok(Value::Bool(range(&a[1])?.contains_elem(&a[0])))
    }),
    op("&&", Bool, |a, _| test(a, RangeValue::overlaps)),
    op("<<", Bool, |a, _| test(a, RangeValue::before)),
    op(">>", Bool, |a, _| test(a, RangeValue::after)),
    op("&<", Bool, |a, _| test(a, RangeValue::overleft)),
    op("&>", Bool, |a, _| test(a, RangeValue::overright)),
    op("-|-", Bool, |a, _| test(a, RangeValue::adjacent)),
    op("+", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.union(y, true)?))
    }),
    op("*", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.intersect(y)?))
    }),
    op("-", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.minus(y)?))
    }),
    op("=", Bool, |a, _| Ok(Value::Bool(cmp(a)?.is_eq()))),
    op("<>", Bool, |a, _| Ok(Value::Bool(cmp(a)?.is_ne()))),
    op("<", Bool, |a, _| Ok(Value::Bool(cmp(a)?.is_lt()))),
    op("<=", Bool, |a, _| Ok(Value::Bool(cmp(a)?.is_le()))),
    op(">", Bool, |a, _| Ok(Value::Bool(cmp(a)?.is_gt()))),
    op(">=", Bool, |a, _| Ok(Value::Bool(cmp(a)?.is_ge()))),
    op("range_contains", Bool, |a, _| test(a, |x, y| x.contains(y))),
    op("range_contained_by", Bool, |a, _| {
        test(a, |x, y| y.contains(x))
    }),
    f(
        "range_contains_elem",
        &[AnyRange, AnyElement],
        Bool,
        |a, _| Ok(Value::Bool(range(&a[0])?.contains_elem(&a[1]))),
    ),
    f(
        "elem_contained_by_range",
        &[AnyElement, AnyRange],
        Bool,
        |a, _| Ok(Value::Bool(range(&a[1])?.contains_elem(&a[0]))),
    ),
    op("range_overlaps", Bool, |a, _| test(a, RangeValue::overlaps)),
    op("range_before", Bool, |a, _| test(a, RangeValue::before)),
    op("range_after", Bool, |a, _| test(a, RangeValue::after)),
    op("range_overleft", Bool, |a, _| test(a, RangeValue::overleft)),
    op("range_overright", Bool, |a, _| {
        test(a, RangeValue::overright)
    }),
    op("range_adjacent", Bool, |a, _| test(a, RangeValue::adjacent)),
    op("range_union", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.union(y, true)?))
    }),
    op("range_intersect", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.intersect(y)?))
    }),
    op("range_minus", AnyRange, |a, _| {
        let (x, y) = (range(&a[0])?, range(&a[1])?);
        Ok(wrap(x.minus(y)?))
    }),
    op("range_cmp", Int4, |a, _| {
        Ok(Value::Int4(match cmp(a)? {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        }))
    }),
];
