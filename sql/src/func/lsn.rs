//! pg_lsn (PostgreSQL's pg_lsn.c) and the WAL position functions:
//! comparisons, pg_lsn - pg_lsn and ± numeric bytes (22003 outside the
//! 64-bit range, 0A000 for NaN), pg_lsn(numeric), pg_wal_lsn_diff,
//! pg_walfile_name, and pg_current_wal_lsn / _insert_lsn / _flush_lsn
//! from the server's WAL.

use super::operators::{cmp_ops, order};
use super::{f, volatile, FuncDef};
use crate::error::{errors, Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{Bool, Numeric, PgLsn, Text};
use crate::value::{Numeric as Num, Value};

cmp_ops!(LSN_CMP, PgLsn, order);

fn lsn(v: &Value) -> Result<u64> {
    match v {
        Value::Lsn(l) => Ok(*l),
        _ => Err(SqlError::internal("a pg_lsn function got another value")),
    }
}

fn num(v: &Value) -> Result<&Num> {
    match v {
        Value::Numeric(n) => Ok(n),
        _ => Err(SqlError::internal("a pg_lsn function got another value")),
    }
}

/// pg_lsn_mi: the difference in bytes.
fn diff(a: &[Value]) -> Result<Value> {
    let (x, y) = (lsn(&a[0])?, lsn(&a[1])?);
    let text = if x < y {
        format!("-{}", y - x)
    } else {
        (x - y).to_string()
    };
    Ok(Value::Numeric(Num::parse(&text)?))
}

/// numeric_pg_lsn: rounded to an integer; 22003 outside 0..2^64.
fn from_numeric(n: &Num) -> Result<Value> {
    if n.is_nan() {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot convert NaN to pg_lsn",
        ));
    }
    if !n.is_finite() {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot convert infinity to pg_lsn",
        ));
    }
    n.round(0)
        .to_string()
        .parse::<u64>()
        .map(Value::Lsn)
        .map_err(|_| errors::out_of_range("pg_lsn out of range"))
}

/// pg_lsn ± numeric bytes.
fn plus(l: u64, n: &Num, negate: bool) -> Result<Value> {
    if n.is_nan() {
        let verb = if negate {
            "subtract NaN from"
        } else {
            "add NaN to"
        };
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("cannot {verb} pg_lsn"),
        ));
    }
    let base = Num::parse(&l.to_string())?;
    from_numeric(&if negate { base.sub(n)? } else { base.add(n)? })
}

/// The server's WAL position `which` (insert or flush), in a statement
/// that reaches storage.
fn wal_position(ctx: &EvalCtx<'_>, flushed: bool) -> Result<Value> {
    let engine = ctx
        .storage
        .as_ref()
        .ok_or_else(|| SqlError::internal("no storage for the WAL position"))?
        .engine;
    Ok(Value::Lsn(if flushed {
        engine.wal_flush_lsn()
    } else {
        engine.wal_insert_lsn()
    }))
}

/// The operators and functions.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("-", &[PgLsn, PgLsn], Numeric, |a, _| diff(a)),
    f("pg_wal_lsn_diff", &[PgLsn, PgLsn], Numeric, |a, _| diff(a)),
    f("+", &[PgLsn, Numeric], PgLsn, |a, _| {
        plus(lsn(&a[0])?, num(&a[1])?, false)
    }),
    f("+", &[Numeric, PgLsn], PgLsn, |a, _| {
        plus(lsn(&a[1])?, num(&a[0])?, false)
    }),
    f("-", &[PgLsn, Numeric], PgLsn, |a, _| {
        plus(lsn(&a[0])?, num(&a[1])?, true)
    }),
    f("pg_lsn", &[Numeric], PgLsn, |a, _| {
        from_numeric(num(&a[0])?)
    }),
    f("pg_lsn_larger", &[PgLsn, PgLsn], PgLsn, |a, _| {
        Ok(Value::Lsn(lsn(&a[0])?.max(lsn(&a[1])?)))
    }),
    f("pg_lsn_smaller", &[PgLsn, PgLsn], PgLsn, |a, _| {
        Ok(Value::Lsn(lsn(&a[0])?.min(lsn(&a[1])?)))
    }),
    // The segment holding the byte before the position (XLByteToPrevSeg),
    // on timeline 1 with 16 MB segments, as XLogFileName.
    f("pg_walfile_name", &[PgLsn], Text, |a, _| {
        let segment = lsn(&a[0])?.wrapping_sub(1) / (16 << 20);
        Ok(Value::Text(format!(
            "{:08X}{:08X}{:08X}",
            1,
            segment / 256,
            segment % 256
        )))
    }),
    volatile(f("pg_current_wal_lsn", &[], PgLsn, |_, ctx| {
        wal_position(ctx, false)
    })),
    volatile(f("pg_current_wal_insert_lsn", &[], PgLsn, |_, ctx| {
        wal_position(ctx, false)
    })),
    volatile(f("pg_current_wal_flush_lsn", &[], PgLsn, |_, ctx| {
        wal_position(ctx, true)
    })),
    // A primary receives nothing.
    volatile(f("pg_last_wal_receive_lsn", &[], PgLsn, |_, _| {
        Ok(Value::Null)
    })),
];
