//! System information and administration functions (pg_sleep, version,
//! current_setting, pg_cancel_backend ...).

use std::time::Duration;

use actorgres_memory::Interrupt;

use super::operators::arg;
use super::{f, non_strict, stable, volatile, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{interrupt_error, EvalCtx};
use crate::guc::{Source, SERVER_VERSION};
use crate::host::SignalOutcome;
use crate::types::DataType::*;
use crate::value::{now_micros, ArrayRef, Value};

/// version(): the text PostgreSQL prints, naming actorgres.
pub fn version_string() -> String {
    format!(
        "PostgreSQL {SERVER_VERSION} on {}-unknown-linux-gnu, compiled by rustc, 64-bit",
        std::env::consts::ARCH
    )
}

fn pg_sleep(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let secs = arg!(a, 0, Float8);
    if secs.is_nan() || secs <= 0.0 {
        return ctx
            .interrupts
            .check()
            .map(|_| Value::Void)
            .map_err(interrupt_error);
    }
    // Very long sleeps are capped well past any realistic statement.
    let d =
        Duration::try_from_secs_f64(secs.min(1e9)).unwrap_or(Duration::from_secs(1_000_000_000));
    ctx.interrupts.sleep(d).map_err(interrupt_error)?;
    Ok(Value::Void)
}

fn signal(a: &[Value], ctx: &mut EvalCtx<'_>, reason: Interrupt) -> Result<Value> {
    let pid = arg!(a, 0, Int4);
    check_signal(ctx, pid, reason)?;
    match ctx.host.signal_backend(pid, reason) {
        SignalOutcome::Sent => Ok(Value::Bool(true)),
        SignalOutcome::NoSuchBackend => {
            ctx.warn(SqlError::warning(
                SqlState::WARNING,
                format!("PID {pid} is not a PostgreSQL backend process"),
            ));
            Ok(Value::Bool(false))
        }
    }
}

/// 42501 unless the current user may signal backend `pid` (PostgreSQL's
/// pg_signal_backend checks): a superuser may signal any; others only
/// a backend of a role they are a member of, or any but a superuser's
/// as members of pg_signal_backend.
fn check_signal(ctx: &mut EvalCtx<'_>, pid: i32, reason: Interrupt) -> Result<()> {
    let Some(mine) = super::privilege::acting_cached(ctx)? else {
        return Ok(());
    };
    let Some(target) = ctx.host.activity().into_iter().find(|a| a.pid == pid) else {
        return Ok(());
    };
    let roles: Vec<crate::catalog::roles::Role> = match &ctx.storage {
        Some(st) => crate::catalog::Catalog::new(st.engine, 0, st.own)
            .roles()?
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
        None => crate::catalog::roles::Role::builtin(),
    };
    let role = roles.iter().find(|r| r.name == target.user);
    let (what, whose) = match reason {
        Interrupt::Terminate => ("terminate", "process is being terminated"),
        _ => ("cancel", "query is being canceled"),
    };
    // An unknown login acts as the bootstrap superuser.
    if role.is_none_or(|r| r.superuser) {
        let object = if matches!(reason, Interrupt::Terminate) {
            "superuser process"
        } else {
            "superuser query"
        };
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("must be a superuser to {what} {object}"),
        ));
    }
    const SIGNAL_BACKEND: u32 = 4200;
    if role.is_some_and(|r| mine.contains(&r.oid)) || mine.contains(&SIGNAL_BACKEND) {
        return Ok(());
    }
    Err(SqlError::new(
        SqlState::INSUFFICIENT_PRIVILEGE,
        format!("must be a member of the role whose {whose} or member of pg_signal_backend"),
    ))
}

fn current_setting(name: &str, missing_ok: bool, ctx: &EvalCtx<'_>) -> Result<Value> {
    match ctx.settings.show(name) {
        Ok(v) => Ok(Value::Text(v)),
        Err(_) if missing_ok => Ok(Value::Null),
        Err(e) => Err(e),
    }
}

/// current_schemas(include_implicit): the schemas of search_path that
/// exist, in order; with `true`, pg_catalog first unless the path names
/// it.
fn current_schemas(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let implicit = arg!(a, 0, Bool);
    Ok(Value::Array(ArrayRef::new(
        path_schemas(ctx, implicit)?
            .into_iter()
            .map(Value::Text)
            .collect(),
    )))
}

/// The names of the schemas search_path finds, in order; `implicit`
/// includes pg_catalog where it is searched without being named.
fn path_schemas(ctx: &EvalCtx<'_>, implicit: bool) -> Result<Vec<String>> {
    let setting = ctx.settings.str("search_path");
    let named = setting
        .split(',')
        .any(|p| matches!(p.trim(), "pg_catalog" | "\"pg_catalog\""));
    let schemas = crate::catalog::session_namespaces(ctx)?;
    Ok(crate::catalog::session_search_path(ctx)?
        .into_iter()
        .filter(|ns| implicit || named || *ns != crate::catalog::system::PG_CATALOG_NS)
        .filter_map(|ns| crate::catalog::schema_name(&schemas, ns).map(str::to_owned))
        .collect())
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(f("current_schemas", &[Bool], Array(&Name), current_schemas)),
    non_strict(f(
        "array_position",
        &[Array(&Name), Name],
        Int4,
        super::arrays::position,
    )),
    non_strict(f(
        "array_position",
        &[Array(&Text), Text],
        Int4,
        super::arrays::position,
    )),
    non_strict(f(
        "array_position",
        &[Array(&Int2), Int2],
        Int4,
        super::arrays::position,
    )),
    non_strict(f(
        "array_position",
        &[Array(&Int4), Int4],
        Int4,
        super::arrays::position,
    )),
    non_strict(f(
        "array_position",
        &[Array(&Int8), Int8],
        Int4,
        super::arrays::position,
    )),
    volatile(f("pg_sleep", &[Float8], Void, pg_sleep)),
    volatile(non_strict(f("pg_notify", &[Text, Text], Void, |a, ctx| {
        let text = |v: &Value| match v {
            Value::Text(s) => s.clone(),
            _ => String::new(),
        };
        let Some(n) = ctx.notify else {
            return Err(crate::error::SqlError::unsupported("pg_notify here"));
        };
        crate::session::listen::queue(n.pending, text(&a[0]), text(&a[1]))?;
        Ok(Value::Void)
    }))),
    stable(f(
        "pg_listening_channels_array",
        &[],
        Array(&Text),
        |_, ctx| {
            let channels = ctx
                .notify
                .map(|n| n.hub.channels(ctx.info.pid))
                .unwrap_or_default();
            Ok(Value::Array(ArrayRef::new(
                channels.into_iter().map(Value::Text).collect(),
            )))
        },
    )),
    stable(f("version", &[], Text, |_, _| {
        Ok(Value::Text(version_string()))
    })),
    stable(f("current_setting", &[Text], Text, |a, ctx| {
        current_setting(&arg!(a, 0, Text), false, ctx)
    })),
    stable(f("current_setting", &[Text, Bool], Text, |a, ctx| {
        current_setting(&arg!(a, 0, Text), arg!(a, 1, Bool), ctx)
    })),
    volatile(f("set_config", &[Text, Text, Bool], Text, |a, ctx| {
        let name = arg!(a, 0, Text);
        let value = arg!(a, 1, Text);
        if arg!(a, 2, Bool) {
            ctx.settings.set(&name, Some(&value), Source::Session)?;
        } else {
            ctx.settings.set_for_session(&name, &value)?;
        }
        current_setting(&name, false, ctx)
    })),
    stable(f("pg_backend_pid", &[], Int4, |_, ctx| {
        Ok(Value::Int4(ctx.info.pid))
    })),
    // The server's start.
    stable(f("pg_postmaster_start_time", &[], TimestampTz, |_, ctx| {
        Ok(server_start(ctx).map_or(Value::Null, Value::TimestampTz))
    })),
    // Settings are read once, at start.
    stable(f("pg_conf_load_time", &[], TimestampTz, |_, ctx| {
        Ok(server_start(ctx).map_or(Value::Null, Value::TimestampTz))
    })),
    // The text of the statement running now.
    volatile(f("current_query", &[], Text, |_, ctx| {
        Ok(own_activity(ctx).map_or(Value::Null, |a| Value::Text(a.query)))
    })),
    // No standby, no replay, no JIT; the notification queue is not
    // bounded by a file.
    volatile(f("pg_is_wal_replay_paused", &[], Bool, |_, _| {
        Err(recovery_only())
    })),
    volatile(non_strict(f(
        "pg_last_xact_replay_timestamp",
        &[],
        TimestampTz,
        |_, _| Ok(Value::Null),
    ))),
    volatile(f("pg_jit_available", &[], Bool, |_, _| {
        Ok(Value::Bool(false))
    })),
    volatile(f("pg_blocking_pids", &[Int4], Array(&Int4), |a, ctx| {
        Ok(blocking_pids(arg!(a, 0, Int4), ctx))
    })),
    volatile(f(
        "pg_safe_snapshot_blocking_pids",
        &[Int4],
        Array(&Int4),
        |_, _| {
            // No SERIALIZABLE READ ONLY DEFERRABLE wait exists here.
            Ok(Value::Array(ArrayRef::new(Vec::new())))
        },
    )),
    volatile(f("pg_notification_queue_usage", &[], Float8, |_, _| {
        Ok(Value::Float8(0.0))
    })),
    // The client's address and port (NULL over a Unix socket).
    stable(f("inet_client_addr", &[], Inet, |_, ctx| {
        Ok(own_activity(ctx)
            .and_then(|a| a.client_addr)
            .map_or(Value::Null, |ip| Value::Inet(crate::value::Inet::host(ip))))
    })),
    // The server's end of the connection.
    stable(f("inet_server_addr", &[], Inet, |_, ctx| {
        Ok(own_activity(ctx)
            .and_then(|a| a.server)
            .map_or(Value::Null, |s| {
                Value::Inet(crate::value::Inet::host(s.ip()))
            }))
    })),
    stable(f("inet_server_port", &[], Int4, |_, ctx| {
        Ok(own_activity(ctx)
            .and_then(|a| a.server)
            .map_or(Value::Null, |s| Value::Int4(i32::from(s.port()))))
    })),
    stable(f("inet_client_port", &[], Int4, |_, ctx| {
        Ok(own_activity(ctx)
            .and_then(|a| a.client_port)
            .map_or(Value::Null, Value::Int4))
    })),
    // The binder gives the transaction its xid first (TableSource::
    // assign_xid); xid8 is the xid with epoch 0.
    stable(f("txid_current", &[], Int8, |_, ctx| {
        current_xid(ctx, true)
    })),
    stable(f("pg_current_xact_id", &[], Xid8, |_, ctx| {
        current_xid(ctx, true)
    })),
    stable(f("txid_current_if_assigned", &[], Int8, |_, ctx| {
        current_xid(ctx, false)
    })),
    stable(f("pg_current_xact_id_if_assigned", &[], Xid8, |_, ctx| {
        current_xid(ctx, false)
    })),
    stable(f("now", &[], TimestampTz, |_, ctx| {
        Ok(Value::TimestampTz(ctx.transaction_start))
    })),
    stable(f("transaction_timestamp", &[], TimestampTz, |_, ctx| {
        Ok(Value::TimestampTz(ctx.transaction_start))
    })),
    stable(f("statement_timestamp", &[], TimestampTz, |_, ctx| {
        Ok(Value::TimestampTz(ctx.statement_start))
    })),
    volatile(f("clock_timestamp", &[], TimestampTz, |_, _| {
        Ok(Value::TimestampTz(now_micros()))
    })),
    // The clock as text, in the Postgres date style with microseconds
    // (`Mon Dec 07 12:20:11.795659 2026 UTC`).
    volatile(f("timeofday", &[], Text, |_, ctx| {
        let style = crate::value::datetime::DateStyle {
            out: crate::value::datetime::DateOut::Postgres,
            order: crate::value::datetime::DateOrder::Mdy,
        };
        let mut out = String::new();
        crate::value::datetime::format_timestamptz(
            now_micros(),
            &ctx.style().zone,
            style,
            &mut out,
        );
        Ok(Value::Text(out))
    })),
    // How deeply triggers are nested here (0 outside any).
    volatile(f("pg_trigger_depth", &[], Int4, |_, _| {
        Ok(Value::Int4(crate::table::trigger::depth()))
    })),
    stable(f("current_database", &[], Name, |_, ctx| {
        Ok(Value::Text(ctx.info.database.clone()))
    })),
    // Every database is UTF8.
    stable(f("getdatabaseencoding", &[], Name, |_, _| {
        Ok(Value::Text("UTF8".into()))
    })),
    // The client_encoding setting, as PostgreSQL names it.
    stable(f("pg_client_encoding", &[], Name, |_, ctx| {
        Ok(Value::Text(ctx.settings.str("client_encoding").to_string()))
    })),
    stable(non_strict(f("current_schema", &[], Name, |_, ctx| {
        Ok(path_schemas(ctx, false)?
            .into_iter()
            .next()
            .map_or(Value::Null, Value::Text))
    }))),
    stable(f("current_user", &[], Name, |_, ctx| {
        Ok(Value::Text(current_user(ctx)))
    })),
    stable(f("session_user", &[], Name, |_, ctx| {
        Ok(Value::Text(ctx.settings.str("session_authorization")))
    })),
    stable(f("user", &[], Name, |_, ctx| {
        Ok(Value::Text(current_user(ctx)))
    })),
    volatile(f("pg_cancel_backend", &[Int4], Bool, |a, ctx| {
        signal(a, ctx, Interrupt::Cancel)
    })),
    volatile(f("pg_terminate_backend", &[Int4], Bool, |a, ctx| {
        signal(a, ctx, Interrupt::Terminate)
    })),
    volatile(f("pg_terminate_backend", &[Int4, Int8], Bool, |a, ctx| {
        signal(a, ctx, Interrupt::Terminate)
    })),
    stable(non_strict(f("pg_typeof", &[Any], Regtype, |_, _| {
        Err(SqlError::internal("pg_typeof is bound by the binder"))
    }))),
];

/// The current user: the role SET ROLE chose, else the session user.
pub(crate) fn current_user(ctx: &EvalCtx<'_>) -> String {
    let role = ctx.settings.str("role");
    if role == "none" {
        ctx.settings.str("session_authorization")
    } else {
        role
    }
}

/// The transaction's xid as a 64-bit id (epoch 0): NULL when it has none
/// and `required` is false; 25001-like 55000 when one was required but
/// none could be taken (a read-only context).
fn current_xid(ctx: &mut EvalCtx<'_>, required: bool) -> Result<Value> {
    match ctx.storage.as_ref().and_then(|s| s.xid) {
        Some(x) => Ok(Value::Int8(i64::from(x))),
        None if !required => Ok(Value::Null),
        None => Err(SqlError::new(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "cannot assign a transaction id here",
        )),
    }
}

/// When the server started.
fn server_start(ctx: &EvalCtx<'_>) -> Option<i64> {
    ctx.host.server_start()
}

/// 55000 for a recovery control function outside recovery, as
/// PostgreSQL's.
fn recovery_only() -> SqlError {
    SqlError::new(
        SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
        "recovery is not in progress",
    )
    .with_hint("Recovery control functions can only be executed during recovery.")
}

/// This session's pg_stat_activity row.
fn own_activity(ctx: &EvalCtx<'_>) -> Option<crate::host::Activity> {
    ctx.host
        .activity()
        .into_iter()
        .find(|a| a.pid == ctx.info.pid)
}

/// pg_blocking_pids(pid): the sessions holding a lock that conflicts
/// with one `pid` waits for, or queued ahead of it for one (relation,
/// transaction and database locks; a row lock waits on its holder's
/// transaction), each once. Empty for a session that waits for nothing.
fn blocking_pids(pid: i32, ctx: &EvalCtx<'_>) -> Value {
    let Some(storage) = &ctx.storage else {
        return Value::Array(ArrayRef::new(Vec::new()));
    };
    let locks = storage.engine.locks.snapshot();
    let mut out: Vec<i32> = Vec::new();
    for (at, wait) in locks.iter().enumerate() {
        if wait.owner != pid || wait.granted {
            continue;
        }
        // Holders of a conflicting mode, and (as PostgreSQL's soft
        // edges) waiters queued ahead for a conflicting mode.
        for (k, other) in locks.iter().enumerate() {
            if other.owner != pid
                && other.tag == wait.tag
                && (other.granted || k < at)
                && other.mode.conflicts(wait.mode)
                && !out.contains(&other.owner)
            {
                out.push(other.owner);
            }
        }
    }
    Value::Array(ArrayRef::new(out.into_iter().map(Value::Int4).collect()))
}
