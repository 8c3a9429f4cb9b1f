//! Relations whose rows come from the running server: pg_stat_activity,
//! pg_stat_database, pg_prepared_statements, pg_settings.

use super::columns::{
    PG_CURSORS, PG_PREPARED_STATEMENTS, PG_SETTINGS, PG_STAT_ACTIVITY, PG_STAT_DATABASE,
};
use super::rows::{catalog, Row};
use crate::error::Result;
use crate::expr::EvalCtx;
use crate::guc::{Context, Kind, Unit, DEFS};
use crate::value::{ArrayRef, Inet, Value};

/// pg_prepared_statements: the session's named prepared statements.
pub(super) fn pg_prepared_statements(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut all: Vec<_> = ctx
        .prepared
        .into_iter()
        .flat_map(|t| t.values())
        .filter(|s| !s.name.is_empty())
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all
        .into_iter()
        .map(|s| {
            let types = s
                .param_types()
                .iter()
                .map(|t| Value::Regtype(t.oid().0))
                .collect();
            Row::new(PG_PREPARED_STATEMENTS)
                .text("name", &s.name)
                .text("statement", &s.sql)
                .set("prepare_time", Value::TimestampTz(s.prepare_time))
                .set("parameter_types", Value::Array(ArrayRef::new(types)))
                .bool("from_sql", s.from_sql)
                .set("generic_plans", Value::Int8(s.generic_plans() as i64))
                .set("custom_plans", Value::Int8(0))
                .done()
        })
        .collect())
}

/// pg_cursors: the session's SQL cursors.
pub(super) fn pg_cursors(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut all: Vec<_> = ctx.cursors.into_iter().flat_map(|c| c.iter()).collect();
    all.sort_by(|a, b| a.0.cmp(b.0));
    Ok(all
        .into_iter()
        .map(|(name, c)| {
            let (statement, hold, scroll, created) = c.describe();
            Row::new(PG_CURSORS)
                .text("name", name)
                .text("statement", statement)
                .bool("is_holdable", hold)
                .bool("is_binary", c.is_binary())
                .bool("is_scrollable", scroll)
                .set("creation_time", Value::TimestampTz(created))
                .done()
        })
        .collect())
}

/// pg_stat_database: one row per database, with the counters actorgres
/// keeps (backends, temporary files); the others read zero.
pub(super) fn pg_stat_database(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let activity = ctx.host.activity();
    let stats = ctx
        .spill
        .as_ref()
        .map(|s| s.all_stats.lock().clone())
        .unwrap_or_default();
    Ok(cat
        .databases()?
        .into_iter()
        .map(|d| {
            let backends = activity
                .iter()
                .filter(|a| a.backend_type == "client backend" && a.database == d.name)
                .count();
            let (files, bytes) = stats.get(&d.oid).map_or((0, 0), |s| {
                (
                    s.files.load(std::sync::atomic::Ordering::Relaxed),
                    s.bytes.load(std::sync::atomic::Ordering::Relaxed),
                )
            });
            let mut row = Row::new(PG_STAT_DATABASE)
                .oid("datid", d.oid)
                .text("datname", &d.name)
                .set("numbackends", Value::Int4(backends as i32));
            for (name, ty) in PG_STAT_DATABASE {
                if *ty == crate::types::DataType::Int8 {
                    row = row.set(name, Value::Int8(0));
                } else if *ty == crate::types::DataType::Float8 {
                    row = row.set(name, Value::Float8(0.0));
                }
            }
            row.set("temp_files", Value::Int8(files as i64))
                .set("temp_bytes", Value::Int8(bytes as i64))
                .done()
        })
        .collect())
}

/// pg_stat_activity: one row per backend.
pub(super) fn pg_stat_activity(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(ctx
        .host
        .activity()
        .into_iter()
        .map(|a| {
            let ts = |t: Option<i64>| t.map_or(Value::Null, Value::TimestampTz);
            let idle_client =
                a.backend_type == "client backend" && a.state.as_deref() == Some("idle");
            let mut row = Row::new(PG_STAT_ACTIVITY)
                .text("datname", &a.database)
                .set("pid", Value::Int4(a.pid))
                .text("usename", &a.user)
                .text("application_name", &a.application_name)
                .set(
                    "client_addr",
                    a.client_addr
                        .map_or(Value::Null, |ip| Value::Inet(Inet::host(ip))),
                )
                .set(
                    "client_port",
                    a.client_port.map_or(Value::Null, Value::Int4),
                )
                .set("backend_start", Value::TimestampTz(a.backend_start))
                .set("xact_start", ts(a.xact_start))
                .set("query_start", ts(a.query_start))
                .set("state_change", ts(a.state_change))
                .set("state", a.state.map_or(Value::Null, Value::Text))
                .text("query", &a.query)
                .text("backend_type", &a.backend_type);
            if idle_client {
                row = row
                    .text("wait_event_type", "Client")
                    .text("wait_event", "ClientRead");
            }
            row.done()
        })
        .collect())
}

/// pg_settings: every setting with its current value and definition.
pub(super) fn pg_settings(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut rows: Vec<Vec<Value>> = DEFS
        .iter()
        .filter(|d| !crate::guc::NO_SHOW_ALL.contains(&d.name))
        .map(|d| {
            let shown = ctx.settings.show(d.name).unwrap_or_default();
            // pg_settings.setting is the value in the setting's unit.
            let (setting, unit) = match d.kind {
                Kind::Int { unit, .. } if unit != Unit::None => {
                    (ctx.settings.int(d.name).to_string(), Some(unit.label()))
                }
                Kind::Real { unit, .. } if unit != Unit::None => {
                    (ctx.settings.real(d.name).to_string(), Some(unit.label()))
                }
                Kind::Int { .. } => (ctx.settings.int(d.name).to_string(), None),
                _ => (shown.clone(), None),
            };
            let (vartype, min, max, enumvals) = match d.kind {
                Kind::Bool => ("bool", Value::Null, Value::Null, Value::Null),
                Kind::Int { min, max, .. } => (
                    "integer",
                    Value::Text(min.to_string()),
                    Value::Text(max.to_string()),
                    Value::Null,
                ),
                Kind::Real { min, max, .. } => (
                    "real",
                    Value::Text(min.to_string()),
                    Value::Text(max.to_string()),
                    Value::Null,
                ),
                Kind::Str => ("string", Value::Null, Value::Null, Value::Null),
                Kind::Enum(words) => (
                    "enum",
                    Value::Null,
                    Value::Null,
                    Value::Array(ArrayRef::new(
                        words.iter().map(|w| Value::Text((*w).to_owned())).collect(),
                    )),
                ),
            };
            let source = if setting == d.boot {
                "default"
            } else {
                "session"
            };
            Row::new(PG_SETTINGS)
                .text("name", d.name)
                .text("setting", &setting)
                .set(
                    "unit",
                    unit.map_or(Value::Null, |u| Value::Text(u.to_owned())),
                )
                .text("short_desc", d.description)
                .text("context", context_name(d.context))
                .text("vartype", vartype)
                .text("source", source)
                .set("min_val", min)
                .set("max_val", max)
                .set("enumvals", enumvals)
                .text("boot_val", d.boot)
                .text("reset_val", d.boot)
                .bool("pending_restart", false)
                .done()
        })
        .collect();
    rows.sort_by(|a, b| a[0].compare(&b[0]).unwrap_or(std::cmp::Ordering::Equal));
    Ok(rows)
}

/// pg_settings.context as PostgreSQL names it.
fn context_name(c: Context) -> &'static str {
    match c {
        Context::Internal => "internal",
        Context::Postmaster => "postmaster",
        Context::Sighup => "sighup",
        Context::Backend => "backend",
        Context::Superuser => "superuser",
        Context::User => "user",
    }
}
