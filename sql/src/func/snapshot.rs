//! pg_snapshot / txid_snapshot functions (PostgreSQL's xid8funcs.c):
//! the current snapshot, its xmin, xmax and in-progress ids (the `_array`
//! forms feed the set-returning pg_snapshot_xip / txid_snapshot_xip),
//! visibility of an id in a snapshot, and a transaction's status.

use std::sync::Arc;

use super::{f, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{self, Bool, Int8, PgSnapshot, Text, TxidSnapshot, Xid8};
use crate::value::{ArrayRef, Value, XidSnapshot};

fn snap(v: &Value) -> Result<&XidSnapshot> {
    match v {
        Value::Snapshot(s) => Ok(s),
        _ => Err(SqlError::internal("a snapshot function got another value")),
    }
}

/// An xid8 or bigint argument (both travel as int8 here).
fn id(v: &Value) -> Result<u64> {
    match v {
        Value::Int8(i) => Ok(*i as u64),
        _ => Err(SqlError::internal("a snapshot function got another value")),
    }
}

fn id_value(x: u64) -> Value {
    Value::Int8(x as i64)
}

/// The statement's snapshot (epoch 0).
fn current(ctx: &EvalCtx<'_>) -> Result<Value> {
    let s = ctx
        .storage
        .as_ref()
        .ok_or_else(|| SqlError::internal("no active snapshot set"))?
        .snapshot;
    Ok(Value::Snapshot(Arc::new(XidSnapshot {
        xmin: u64::from(s.xmin),
        xmax: u64::from(s.xmax),
        xip: s.xip.iter().map(|x| u64::from(*x)).collect(),
    })))
}

/// The ids in progress, as an array.
fn xip(a: &[Value]) -> Result<Value> {
    let items = snap(&a[0])?.xip.iter().map(|x| id_value(*x)).collect();
    Ok(Value::Array(ArrayRef::new(items)))
}

/// pg_xact_status: NULL for an id older than the commit log keeps,
/// 22023 for one not yet handed out.
fn status(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let x = id(&a[0])?;
    let engine = ctx
        .storage
        .as_ref()
        .ok_or_else(|| SqlError::internal("no storage for a transaction status"))?
        .engine;
    let next = u64::from(engine.txns.next_xid());
    if x >= next {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("transaction ID {x} is in the future"),
        ));
    }
    let xid = x as u32;
    let own = ctx.storage.as_ref().is_some_and(|s| s.own.is_own(xid));
    let text = if own {
        "in progress"
    } else {
        match engine.txns.clog.get(xid) {
            actorgres_storage::clog::XidStatus::Committed => "committed",
            _ if engine.txns.is_running(xid) => "in progress",
            _ => "aborted",
        }
    };
    Ok(Value::Text(text.to_owned()))
}

/// The functions.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(f("pg_current_snapshot", &[], PgSnapshot, |_, ctx| {
        current(ctx)
    })),
    stable(f("txid_current_snapshot", &[], TxidSnapshot, |_, ctx| {
        current(ctx)
    })),
    f("pg_snapshot_xmin", &[PgSnapshot], Xid8, |a, _| {
        Ok(id_value(snap(&a[0])?.xmin))
    }),
    f("pg_snapshot_xmax", &[PgSnapshot], Xid8, |a, _| {
        Ok(id_value(snap(&a[0])?.xmax))
    }),
    f("txid_snapshot_xmin", &[TxidSnapshot], Int8, |a, _| {
        Ok(id_value(snap(&a[0])?.xmin))
    }),
    f("txid_snapshot_xmax", &[TxidSnapshot], Int8, |a, _| {
        Ok(id_value(snap(&a[0])?.xmax))
    }),
    f(
        "pg_snapshot_xip_array",
        &[PgSnapshot],
        DataType::Array(&Xid8),
        |a, _| xip(a),
    ),
    f(
        "txid_snapshot_xip_array",
        &[TxidSnapshot],
        DataType::Array(&Int8),
        |a, _| xip(a),
    ),
    f(
        "pg_visible_in_snapshot",
        &[Xid8, PgSnapshot],
        Bool,
        |a, _| Ok(Value::Bool(snap(&a[1])?.visible(id(&a[0])?))),
    ),
    f(
        "txid_visible_in_snapshot",
        &[Int8, TxidSnapshot],
        Bool,
        |a, _| Ok(Value::Bool(snap(&a[1])?.visible(id(&a[0])?))),
    ),
    stable(f("pg_xact_status", &[Xid8], Text, status)),
    stable(f("txid_status", &[Int8], Text, status)),
];
