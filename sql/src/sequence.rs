//! Sequences: their options (pg_sequence), the state tuple their one-page
//! relation holds, and nextval / currval / setval / lastval.
//!
//! Rules, as PostgreSQL's sequence.c:
//! 1. The state tuple (last_value, log_cnt, is_called) is changed in
//!    place, outside transactions: a value once handed out is never
//!    handed out again, whatever rolls back.
//! 2. nextval logs a state 32 values ahead (SEQ_LOG_VALS) and then hands
//!    out those values without logging; the logged state is flushed
//!    before the first of them is returned, so after a crash the sequence
//!    resumes past every value it gave. A checkpoint since the last log
//!    forces a new one (the page on disk may be newer than the WAL that
//!    redo replays).
//! 3. currval and lastval are the session's memory of its own nextval
//!    and setval calls.

use std::collections::HashMap;

use actorgres_storage::page::Tid;
use actorgres_storage::InplaceChange;

use crate::acl;
use crate::catalog::{Catalog, SequenceDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::parser::SeqOption;
use crate::table::row::{self, StoredAttr};
use crate::types::DataType;
use crate::value::Value;

/// Values logged ahead by nextval (PostgreSQL's SEQ_LOG_VALS).
const LOG_VALS: i64 = 32;

/// Where the state tuple lives in a sequence's relation.
pub(crate) const STATE_TID: Tid = Tid {
    block: 0,
    offset: 1,
};

/// The columns of a sequence relation, as PostgreSQL's.
pub(crate) const COLUMNS: [(&str, DataType); 3] = [
    ("last_value", DataType::Int8),
    ("log_cnt", DataType::Int8),
    ("is_called", DataType::Bool),
];

/// A sequence's state: its relation's one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SeqState {
    /// The last value handed out (or, before is_called, the next one).
    pub last_value: i64,
    /// Values that may still be handed out before the next log.
    pub log_cnt: i64,
    /// Whether last_value was handed out.
    pub is_called: bool,
}

fn attrs() -> Vec<StoredAttr> {
    COLUMNS
        .iter()
        .map(|(_, ty)| StoredAttr {
            ty: *ty,
            missing: Value::Null,
        })
        .collect()
}

impl SeqState {
    /// The state of a new (or restarted) sequence.
    pub fn fresh(value: i64) -> SeqState {
        SeqState {
            last_value: value,
            log_cnt: 0,
            is_called: false,
        }
    }

    /// The tuple data.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24);
        row::encode(
            &attrs(),
            &[
                Value::Int8(self.last_value),
                Value::Int8(self.log_cnt),
                Value::Bool(self.is_called),
            ],
            &mut out,
        );
        out
    }

    /// Reads tuple data (XX001 when damaged).
    pub fn decode(data: &[u8]) -> Result<SeqState> {
        let mut v = Vec::with_capacity(3);
        row::decode(&attrs(), data, &mut v)?;
        match v.as_slice() {
            [Value::Int8(last_value), Value::Int8(log_cnt), Value::Bool(is_called)] => {
                Ok(SeqState {
                    last_value: *last_value,
                    log_cnt: *log_cnt,
                    is_called: *is_called,
                })
            }
            _ => Err(SqlError::new(
                SqlState::DATA_CORRUPTED,
                "invalid sequence data: row is damaged",
            )),
        }
    }
}

/// What this session's nextval and setval calls returned: currval per
/// sequence, and the sequence lastval reads.
#[derive(Debug, Default)]
pub struct SessionSequences {
    seen: parking_lot::Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    last: HashMap<u32, i64>,
    latest: Option<u32>,
}

impl SessionSequences {
    fn remember(&self, seq: u32, value: i64) {
        let mut s = self.seen.lock();
        s.last.insert(seq, value);
        s.latest = Some(seq);
    }

    /// Forgets everything (DISCARD SEQUENCES, DISCARD ALL).
    pub fn discard(&self) {
        *self.seen.lock() = Seen::default();
    }
}

/// The smallest and largest values of a sequence type.
pub(crate) fn type_range(ty: DataType) -> (i64, i64) {
    match ty {
        DataType::Int2 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        DataType::Int4 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    }
}

/// The storage a sequence function works on.
fn storage<'c>(ctx: &'c EvalCtx<'_>) -> Result<&'c crate::expr::StorageCtx<'c>> {
    ctx.storage
        .as_ref()
        .ok_or_else(|| SqlError::internal("sequence functions need storage"))
}

/// The name of relation `oid`, for messages (looked up only for one).
fn relname(ctx: &EvalCtx<'_>, oid: u32) -> String {
    storage(ctx)
        .ok()
        .and_then(|st| {
            Catalog::new(st.engine, st.db, st.own)
                .class_tid(oid)
                .ok()
                .flatten()
        })
        .map_or_else(|| oid.to_string(), |(_, r)| crate::catalog::text_of(&r[1]))
}

/// The sequence a regclass value names, with its relation file; 42809
/// for another relation.
fn open(
    ctx: &EvalCtx<'_>,
    seq: &Value,
) -> Result<(u32, SequenceDef, actorgres_storage::smgr::RelId)> {
    let oid = crate::catalog::oid_of(seq);
    let st = storage(ctx)?;
    let cat = Catalog::new(st.engine, st.db, st.own);
    match cat.sequence(oid)? {
        Some((def, rel)) => Ok((oid, def, rel)),
        None if cat.class_tid(oid)?.is_some() => Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a sequence", relname(ctx, oid)),
        )),
        None => Err(SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!("could not open relation with OID {oid}"),
        )),
    }
}

/// Whether `def` is the sequence of an identity column.
fn is_identity(ctx: &EvalCtx<'_>, def: &SequenceDef) -> Result<bool> {
    let Some((table, attnum)) = def.owner else {
        return Ok(false);
    };
    let st = storage(ctx)?;
    Ok(Catalog::new(st.engine, st.db, st.own)
        .table_by_oid(table)?
        .and_then(|t| {
            t.columns
                .get((attnum as usize).wrapping_sub(1))
                .map(|c| c.identity.is_some())
        })
        .unwrap_or(false))
}

/// 42501 unless the current user holds one of `any` on sequence `oid`.
fn check_privilege(ctx: &mut EvalCtx<'_>, oid: u32, any: u32) -> Result<()> {
    if crate::func::privilege::sequence_allowed(ctx, oid, any)? {
        return Ok(());
    }
    Err(SqlError::new(
        SqlState::INSUFFICIENT_PRIVILEGE,
        format!("permission denied for sequence {}", relname(ctx, oid)),
    ))
}

/// nextval(regclass).
/// 25006 in a read-only transaction (nextval and setval write).
fn check_writable(ctx: &EvalCtx<'_>, func: &str) -> Result<()> {
    if ctx.settings.bool("transaction_read_only") {
        return Err(SqlError::new(
            SqlState::READ_ONLY_SQL_TRANSACTION,
            format!("cannot execute {func}() in a read-only transaction"),
        ));
    }
    Ok(())
}

pub(crate) fn nextval(ctx: &mut EvalCtx<'_>, seq: &Value) -> Result<i64> {
    check_writable(ctx, "nextval")?;
    let (oid, def, rel) = open(ctx, seq)?;
    // An identity column's sequence is the column's own: filling the
    // column needs no privilege on it (a serial column's default does).
    if let Err(e) = check_privilege(ctx, oid, acl::USAGE | acl::UPDATE) {
        if !is_identity(ctx, &def)? {
            return Err(e);
        }
    }
    let reading: &EvalCtx<'_> = ctx;
    let mut result = 0;
    storage(reading)?
        .engine
        .heap_inplace(rel, STATE_TID, |data, stale| -> Result<_> {
            let state = SeqState::decode(data)?;
            let (logged, now, value) = advance(&def, state, stale, &|| relname(reading, oid))?;
            result = value;
            Ok(Some(InplaceChange {
                logged: logged.map(|s| s.encode()),
                page: now.encode(),
            }))
        })?;
    if let Some(s) = ctx.sequences {
        s.remember(oid, result);
    }
    Ok(result)
}

/// One nextval step on `state` (PostgreSQL's nextval_internal with a
/// cache of one): the state to log first (if any), the state to leave on
/// the page, and the value.
fn advance(
    def: &SequenceDef,
    state: SeqState,
    stale: bool,
    name: &dyn Fn() -> String,
) -> Result<(Option<SeqState>, SeqState, i64)> {
    let (incby, maxv, minv) = (def.increment, def.max, def.min);
    let mut next = state.last_value;
    let mut result = next;
    let mut last = next;
    let mut fetch: i64 = 1;
    let mut log = state.log_cnt;
    let mut rescnt: i64 = 0;
    if !state.is_called {
        rescnt += 1;
        fetch -= 1;
    }
    let mut logit = false;
    if log < fetch || !state.is_called || stale {
        fetch += LOG_VALS;
        log = fetch;
        logit = true;
    }
    while fetch > 0 {
        // Past the bound in the direction of the increment?
        let past = if incby > 0 {
            (maxv >= 0 && next > maxv - incby) || (maxv < 0 && next + incby > maxv)
        } else {
            (minv < 0 && next < minv - incby) || (minv >= 0 && next + incby < minv)
        };
        if past {
            if rescnt > 0 {
                break;
            }
            if !def.cycle {
                let (which, bound) = if incby > 0 {
                    ("maximum", maxv)
                } else {
                    ("minimum", minv)
                };
                return Err(SqlError::new(
                    SqlState::SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
                    format!(
                        "nextval: reached {which} value of sequence \"{}\" ({bound})",
                        name()
                    ),
                ));
            }
            next = if incby > 0 { minv } else { maxv };
        } else {
            next += incby;
        }
        fetch -= 1;
        if rescnt < 1 {
            log -= 1;
            rescnt += 1;
            last = next;
            result = next;
        }
    }
    log -= fetch;
    let logged = logit.then_some(SeqState {
        last_value: next,
        log_cnt: 0,
        is_called: true,
    });
    let now = SeqState {
        last_value: last,
        log_cnt: log,
        is_called: true,
    };
    Ok((logged, now, result))
}

/// currval(regclass): 55000 before this session's first nextval of it.
pub(crate) fn currval(ctx: &mut EvalCtx<'_>, seq: &Value) -> Result<i64> {
    let (oid, _, _) = open(ctx, seq)?;
    check_privilege(ctx, oid, acl::SELECT | acl::USAGE)?;
    ctx.sequences
        .and_then(|s| s.seen.lock().last.get(&oid).copied())
        .ok_or_else(|| {
            SqlError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!(
                    "currval of sequence \"{}\" is not yet defined in this session",
                    relname(ctx, oid)
                ),
            )
        })
}

/// lastval(): the value of the session's latest nextval or setval.
pub(crate) fn lastval(ctx: &mut EvalCtx<'_>) -> Result<i64> {
    let not_yet = || {
        SqlError::new(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "lastval is not yet defined in this session",
        )
    };
    let latest = ctx
        .sequences
        .and_then(|s| s.seen.lock().latest)
        .ok_or_else(not_yet)?;
    // The sequence may have been dropped since.
    let still = match &ctx.storage {
        Some(st) => Catalog::new(st.engine, st.db, st.own)
            .sequence(latest)?
            .is_some(),
        None => false,
    };
    if !still {
        return Err(not_yet());
    }
    check_privilege(ctx, latest, acl::SELECT | acl::USAGE)?;
    ctx.sequences
        .and_then(|s| s.seen.lock().last.get(&latest).copied())
        .ok_or_else(not_yet)
}

/// setval(regclass, value [, is_called]): 22003 outside the sequence's
/// bounds; logged at once.
pub(crate) fn setval(
    ctx: &mut EvalCtx<'_>,
    seq: &Value,
    value: i64,
    is_called: bool,
) -> Result<i64> {
    check_writable(ctx, "setval")?;
    let (oid, def, rel) = open(ctx, seq)?;
    check_privilege(ctx, oid, acl::UPDATE)?;
    if value < def.min || value > def.max {
        return Err(SqlError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!(
                "setval: value {value} is out of bounds for sequence \"{}\" ({}..{})",
                relname(ctx, oid),
                def.min,
                def.max
            ),
        ));
    }
    let state = SeqState {
        last_value: value,
        log_cnt: 0,
        is_called,
    };
    write(ctx, rel, state)?;
    if is_called {
        if let Some(s) = ctx.sequences {
            s.remember(oid, value);
        }
    }
    Ok(value)
}

/// pg_sequence_last_value(regclass): the last value handed out by any
/// session, NULL before the first.
pub(crate) fn last_value(ctx: &mut EvalCtx<'_>, seq: &Value) -> Result<Value> {
    let (_, _, rel) = open(ctx, seq)?;
    let state = read_state(storage(ctx)?.engine, rel)?;
    Ok(if state.is_called {
        Value::Int8(state.last_value)
    } else {
        Value::Null
    })
}

/// Sets a sequence's state, logged (setval, ALTER SEQUENCE RESTART).
pub(crate) fn write(
    ctx: &EvalCtx<'_>,
    rel: actorgres_storage::smgr::RelId,
    state: SeqState,
) -> Result<()> {
    storage(ctx)?
        .engine
        .heap_inplace(rel, STATE_TID, |_, _| -> Result<_> {
            Ok(Some(InplaceChange {
                logged: Some(state.encode()),
                page: state.encode(),
            }))
        })
}

/// The current state of sequence relation `rel` (pg_sequences).
pub(crate) fn read_state(
    engine: &actorgres_storage::Engine,
    rel: actorgres_storage::smgr::RelId,
) -> Result<SeqState> {
    let tuple = engine.heap_fetch(rel, STATE_TID)?.ok_or_else(|| {
        SqlError::new(
            SqlState::DATA_CORRUPTED,
            "invalid sequence data: row is missing",
        )
    })?;
    SeqState::decode(&tuple.data)
}

fn invalid(message: String) -> SqlError {
    SqlError::new(SqlState::INVALID_PARAMETER_VALUE, message)
}

fn conflicting() -> SqlError {
    SqlError::syntax("conflicting or redundant options", None)
}

/// The outcome of applying options: the definition, and the value to
/// restart at (RESTART, or START on creation).
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The new options.
    pub def: SequenceDef,
    /// RESTART's value, if any.
    pub restart: Option<i64>,
    /// OWNED BY, when given (None inside: NONE).
    pub owned_by: Option<Option<sqlparser::ast::ObjectName>>,
}

/// Applies `options` to `base` (ALTER) or to the defaults of a new
/// sequence of type `default_type` (PostgreSQL's init_params), with its
/// checks and messages.
pub(crate) fn apply(
    base: Option<&SequenceDef>,
    default_type: DataType,
    options: &[SeqOption],
) -> Result<Applied> {
    let mut as_type = None;
    let mut increment = None;
    let mut min = None;
    let mut max = None;
    let mut start = None;
    let mut restart = None;
    let mut cache = None;
    let mut cycle = None;
    let mut owned_by = None;
    for o in options {
        match o {
            SeqOption::As(t) if as_type.is_none() => {
                as_type = Some(crate::binder::sql_type(t)?.0);
            }
            SeqOption::Increment(n) if increment.is_none() => increment = Some(*n),
            SeqOption::MinValue(n) if min.is_none() => min = Some(*n),
            SeqOption::MaxValue(n) if max.is_none() => max = Some(*n),
            SeqOption::Start(n) if start.is_none() => start = Some(*n),
            SeqOption::Restart(n) if restart.is_none() => restart = Some(*n),
            SeqOption::Cache(n) if cache.is_none() => cache = Some(*n),
            SeqOption::Cycle(c) if cycle.is_none() => cycle = Some(*c),
            SeqOption::OwnedBy(t) if owned_by.is_none() => owned_by = Some(t.clone()),
            _ => return Err(conflicting()),
        }
    }
    let old_type = base.map_or(default_type, |b| b.ty);
    let ty = as_type.unwrap_or(old_type);
    if !matches!(ty, DataType::Int2 | DataType::Int4 | DataType::Int8) {
        return Err(invalid(
            "sequence type must be smallint, integer, or bigint".into(),
        ));
    }
    let increment = increment.unwrap_or(base.map_or(1, |b| b.increment));
    if increment == 0 {
        return Err(invalid("INCREMENT must not be zero".into()));
    }
    let (type_min, type_max) = type_range(ty);
    let (old_min, old_max) = type_range(old_type);
    // A bound at its old type's limit follows a change of type to the
    // new type's (PostgreSQL's init_params).
    let changed = as_type.is_some() && ty != old_type;
    let reset_max = changed && base.is_some_and(|b| b.max == old_max);
    let reset_min = changed && base.is_some_and(|b| b.min == old_min);
    let max = match (max, base) {
        (Some(Some(v)), _) => v,
        (None, Some(b)) if !reset_max => b.max,
        _ if increment > 0 || reset_max => type_max,
        _ => -1,
    };
    let min = match (min, base) {
        (Some(Some(v)), _) => v,
        (None, Some(b)) if !reset_min => b.min,
        _ if increment < 0 || reset_min => type_min,
        _ => 1,
    };
    let tname = crate::func::format_type(ty, -1);
    if max < type_min || max > type_max {
        return Err(invalid(format!(
            "MAXVALUE ({max}) is out of range for sequence data type {tname}"
        )));
    }
    if min < type_min || min > type_max {
        return Err(invalid(format!(
            "MINVALUE ({min}) is out of range for sequence data type {tname}"
        )));
    }
    if min >= max {
        return Err(invalid(format!(
            "MINVALUE ({min}) must be less than MAXVALUE ({max})"
        )));
    }
    let start = match (start, base) {
        (Some(v), _) => v,
        (None, Some(b)) => b.start,
        _ if increment > 0 => min,
        _ => max,
    };
    if start < min {
        return Err(invalid(format!(
            "START value ({start}) cannot be less than MINVALUE ({min})"
        )));
    }
    if start > max {
        return Err(invalid(format!(
            "START value ({start}) cannot be greater than MAXVALUE ({max})"
        )));
    }
    let restart = match restart {
        Some(v) => Some(v.unwrap_or(start)),
        None if base.is_none() => Some(start),
        None => None,
    };
    if let Some(r) = restart {
        if r < min {
            return Err(invalid(format!(
                "RESTART value ({r}) cannot be less than MINVALUE ({min})"
            )));
        }
        if r > max {
            return Err(invalid(format!(
                "RESTART value ({r}) cannot be greater than MAXVALUE ({max})"
            )));
        }
    }
    let cache = cache.unwrap_or(base.map_or(1, |b| b.cache));
    if cache <= 0 {
        return Err(invalid(format!(
            "CACHE ({cache}) must be greater than zero"
        )));
    }
    Ok(Applied {
        def: SequenceDef {
            ty,
            start,
            increment,
            min,
            max,
            cache,
            cycle: cycle.unwrap_or(base.is_some_and(|b| b.cycle)),
            owner: base.and_then(|b| b.owner),
        },
        restart,
        owned_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(increment: i64, min: i64, max: i64, cycle: bool) -> SequenceDef {
        SequenceDef {
            ty: DataType::Int8,
            start: if increment > 0 { min } else { max },
            increment,
            min,
            max,
            cache: 1,
            cycle,
            owner: None,
        }
    }

    #[test]
    fn first_nextval_logs_ahead_and_returns_start() {
        let d = def(1, 1, 100, false);
        let (logged, now, v) = advance(&d, SeqState::fresh(1), false, &|| "s".into()).unwrap();
        assert_eq!(v, 1);
        assert_eq!(logged.unwrap().last_value, 33);
        assert_eq!(
            now,
            SeqState {
                last_value: 1,
                log_cnt: 32,
                is_called: true
            }
        );
        let (logged, now, v) = advance(&d, now, false, &|| "s".into()).unwrap();
        assert_eq!((logged, v, now.log_cnt), (None, 2, 31));
        // A checkpoint since the last log forces a new one.
        let (logged, _, v) = advance(&d, now, true, &|| "s".into()).unwrap();
        assert_eq!((logged.map(|l| l.last_value), v), (Some(35), 3));
    }

    #[test]
    fn limits_error_or_cycle() {
        let d = def(1, 1, 2, false);
        let s = SeqState {
            last_value: 2,
            log_cnt: 5,
            is_called: true,
        };
        let e = advance(&d, s, false, &|| "s".into()).unwrap_err();
        assert_eq!(e.report().code, SqlState::SEQUENCE_GENERATOR_LIMIT_EXCEEDED);
        let d = def(1, 1, 2, true);
        assert_eq!(advance(&d, s, false, &|| "s".into()).unwrap().2, 1);
        let d = def(-1, -3, -1, false);
        let (_, _, v) = advance(&d, SeqState::fresh(-1), false, &|| "s".into()).unwrap();
        assert_eq!(v, -1);
    }

    #[test]
    fn options_follow_postgres_defaults_and_checks() {
        let a = apply(None, DataType::Int8, &[]).unwrap();
        assert_eq!((a.def.min, a.def.max, a.restart), (1, i64::MAX, Some(1)));
        let a = apply(None, DataType::Int8, &[SeqOption::Increment(-1)]).unwrap();
        assert_eq!((a.def.min, a.def.max, a.def.start), (i64::MIN, -1, -1));
        let a = apply(None, DataType::Int4, &[]).unwrap();
        assert_eq!(a.def.max, i64::from(i32::MAX));
        let e = apply(None, DataType::Int8, &[SeqOption::Increment(0)]).unwrap_err();
        assert_eq!(e.report().message, "INCREMENT must not be zero");
        let e = apply(None, DataType::Int2, &[SeqOption::MaxValue(Some(40000))]).unwrap_err();
        assert_eq!(
            e.report().message,
            "MAXVALUE (40000) is out of range for sequence data type smallint"
        );
        let e = apply(None, DataType::Int8, &[SeqOption::Start(0)]).unwrap_err();
        assert_eq!(
            e.report().message,
            "START value (0) cannot be less than MINVALUE (1)"
        );
        // A type change moves a default bound with it.
        let a = apply(None, DataType::Int8, &[]).unwrap();
        let b = apply(
            Some(&a.def),
            DataType::Int8,
            &[SeqOption::As(sqlparser::ast::DataType::SmallInt(None))],
        )
        .unwrap();
        assert_eq!(b.def.max, 32767);
    }
}
