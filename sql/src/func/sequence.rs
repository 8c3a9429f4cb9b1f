//! The sequence functions: nextval, currval, setval, lastval,
//! pg_get_serial_sequence, pg_sequence_last_value.

use super::operators::arg;
use super::{f, non_strict, stable, volatile, FuncDef};
use crate::catalog::session_relations as relations;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::sequence;
use crate::types::DataType::*;
use crate::value::Value;

pub(super) static FUNCTIONS: &[FuncDef] = &[
    volatile(f("nextval", &[Regclass], Int8, |a, ctx| {
        sequence::nextval(ctx, &a[0]).map(Value::Int8)
    })),
    volatile(f("currval", &[Regclass], Int8, |a, ctx| {
        sequence::currval(ctx, &a[0]).map(Value::Int8)
    })),
    volatile(f("lastval", &[], Int8, |_, ctx| {
        sequence::lastval(ctx).map(Value::Int8)
    })),
    volatile(f("setval", &[Regclass, Int8], Int8, |a, ctx| {
        sequence::setval(ctx, &a[0], arg!(a, 1, Int8), true).map(Value::Int8)
    })),
    volatile(f("setval", &[Regclass, Int8, Bool], Int8, |a, ctx| {
        sequence::setval(ctx, &a[0], arg!(a, 1, Int8), arg!(a, 2, Bool)).map(Value::Int8)
    })),
    volatile(f("pg_sequence_last_value", &[Regclass], Int8, |a, ctx| {
        sequence::last_value(ctx, &a[0])
    })),
    stable(non_strict(f(
        "pg_get_serial_sequence",
        &[Text, Text],
        Text,
        serial_sequence,
    ))),
];

/// pg_get_serial_sequence(table, column): the qualified name of the
/// sequence the column owns (serial or identity), NULL if none.
fn serial_sequence(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (Value::Text(table), Value::Text(column)) = (&a[0], &a[1]) else {
        return Ok(Value::Null);
    };
    let parts = crate::binder::qualified_name(table).ok_or_else(|| {
        SqlError::new(
            SqlState::INVALID_NAME,
            format!("invalid name syntax: \"{table}\""),
        )
    })?;
    let Some(name) = parts.last() else {
        return Ok(Value::Null);
    };
    let all = relations(ctx)?;
    let schemas = crate::catalog::session_namespaces(ctx)?;
    let wanted = crate::catalog::session_lookup_namespaces(ctx, &parts)?;
    let Some(t) = wanted.iter().find_map(|ns| {
        all.iter().find(|t| {
            &t.name == name && t.namespace == *ns && t.sequence.is_none() && t.view.is_none()
        })
    }) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!("relation \"{}\" does not exist", parts.join(".")),
        ));
    };
    let Some(attnum) = t.find(column).map(|i| i as i16 + 1) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!(
                "column \"{column}\" of relation \"{}\" does not exist",
                t.name
            ),
        ));
    };
    Ok(all
        .iter()
        .find(|s| {
            s.sequence
                .as_ref()
                .is_some_and(|d| d.owner == Some((t.oid, attnum)))
        })
        .map_or(Value::Null, |s| {
            Value::Text(format!(
                "{}.{}",
                crate::catalog::schema_name(&schemas, s.namespace)
                    .map(crate::func::quote_ident)
                    .unwrap_or_default(),
                super::quote_ident(&s.name)
            ))
        }))
}
