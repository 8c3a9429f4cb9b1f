//! Enum support functions: comparison operators on any enum type,
//! enum_first, enum_last and enum_range; and the constraint check of a
//! cast to a domain.
//!
//! The functions need the enum's type even for a NULL argument
//! (`enum_range(NULL::mood)`), which a value cannot carry: the binder
//! appends the type's OID as a last argument ([`with_type_argument`]).

use super::operators::{cmp_ops, order};
use super::{f, non_strict, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::{self, *};
use crate::value::{ArrayRef, Value};

cmp_ops!(ENUM_CMP, AnyEnum, order);

/// The functions that take the enum's type OID as a hidden last argument.
const TYPED: [&str; 3] = ["enum_first", "enum_last", "enum_range"];

/// For a call of an enum function with an argument of an enum type,
/// the type's OID to append as its hidden last argument.
pub fn type_argument(name: &str, args: &[crate::expr::Expr]) -> Option<u32> {
    if !TYPED.contains(&name) {
        return None;
    }
    args.iter().find_map(|a| match &a.ty {
        DataType::Enum(oid) => Some(*oid),
        _ => None,
    })
}

/// The committed labels of the enum type whose OID is the last argument.
fn labels(a: &[Value]) -> Result<Vec<Value>> {
    let Some(Value::Oid(oid)) = a.last() else {
        return Err(SqlError::internal("enum function without its type"));
    };
    let t = crate::usertype::get(*oid).ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("cache lookup failed for type {oid}"),
        )
    })?;
    Ok(t.labels.iter().map(|l| Value::Enum(l.clone())).collect())
}

/// 55P04 if `v` is a label added by a transaction still open (as
/// PostgreSQL checks each value these functions return).
fn safe(v: Value) -> Result<Value> {
    if let Value::Enum(l) = &v {
        if crate::usertype::is_pending(l.oid) {
            if let Some(t) = crate::usertype::get(l.type_oid) {
                return Err(crate::usertype::unsafe_use(&t, &l.label));
            }
        }
    }
    Ok(v)
}

/// Every label checked with [`safe`], as an array.
fn safe_array(items: Vec<Value>) -> Result<Value> {
    let items = items.into_iter().map(safe).collect::<Result<Vec<_>>>()?;
    Ok(Value::Array(ArrayRef::new(items)))
}

/// enum_range(a, b): the labels from a to b (NULL: from the first / to
/// the last).
fn range(a: &[Value]) -> Result<Value> {
    let all = labels(a)?;
    let below_start = |x: &Value| !a[0].is_null() && x.compare(&a[0]).is_some_and(|o| o.is_lt());
    let above_end = |x: &Value| !a[1].is_null() && x.compare(&a[1]).is_some_and(|o| o.is_gt());
    safe_array(
        all.into_iter()
            .filter(|x| !below_start(x) && !above_end(x))
            .collect(),
    )
}

/// The enum functions, the check of a value cast to a domain, and the
/// field of a composite value (`(v).f`: the binder gives the call the
/// field's type).
pub(super) static FUNCTIONS: &[FuncDef] = &[
    non_strict(f(
        "pg_record_field",
        &[AnyElement, Int4],
        AnyElement,
        |a, _| {
            Ok(match (&a[0], &a[1]) {
                (Value::Record(r), Value::Int4(i)) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| r.items().get(i).cloned())
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            })
        },
    )),
    // `SET c.f = v`: the composite value (type OID last) with field i
    // replaced; a NULL value becomes a row of NULLs first, as PostgreSQL's
    // FieldStore.
    non_strict(f(
        "pg_record_set_field",
        &[AnyElement, Int4, Any, Oid],
        AnyElement,
        |a, _| {
            let (Value::Int4(i), Value::Oid(oid)) = (&a[1], &a[3]) else {
                return Ok(Value::Null);
            };
            let Some((names, types)) = crate::usertype::fields(*oid) else {
                return Ok(Value::Null);
            };
            let mut items = match &a[0] {
                Value::Record(r) => r.items().to_vec(),
                _ => vec![Value::Null; types.len()],
            };
            items.resize(types.len(), Value::Null);
            if let Some(slot) = usize::try_from(*i).ok().and_then(|i| items.get_mut(i)) {
                *slot = a[2].clone();
            }
            Ok(Value::Record(ArrayRef::record(names, items)))
        },
    )),
    stable(non_strict(f(
        "pg_domain_check",
        &[AnyElement, Oid],
        AnyElement,
        |a, ctx| {
            if let Value::Oid(d) = a[1] {
                crate::usertype::check_domain(d, &a[0], ctx)?;
            }
            Ok(a[0].clone())
        },
    ))),
    stable(non_strict(f(
        "enum_first",
        &[AnyEnum, Oid],
        AnyEnum,
        |a, _| safe(labels(a)?.into_iter().next().unwrap_or(Value::Null)),
    ))),
    stable(non_strict(f(
        "enum_last",
        &[AnyEnum, Oid],
        AnyEnum,
        |a, _| safe(labels(a)?.pop().unwrap_or(Value::Null)),
    ))),
    stable(non_strict(f(
        "enum_range",
        &[AnyEnum, Oid],
        AnyArray,
        |a, _| safe_array(labels(a)?),
    ))),
    stable(non_strict(f(
        "enum_range",
        &[AnyEnum, AnyEnum, Oid],
        AnyArray,
        |a, _| range(a),
    ))),
];
