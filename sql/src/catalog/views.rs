//! System views: relations whose rows come from the running server rather
//! than from storage (pg_stat_activity). The stored catalog arrives with
//! storage.

use crate::expr::EvalCtx;
use crate::types::DataType;
use crate::value::Value;

/// A view computed from the server's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemView {
    /// pg_stat_activity: one row per backend.
    PgStatActivity,
}

/// pg_stat_activity's columns as in PostgreSQL 15.
const PG_STAT_ACTIVITY: &[(&str, DataType)] = &[
    ("datid", DataType::Oid),
    ("datname", DataType::Name),
    ("pid", DataType::Int4),
    ("leader_pid", DataType::Int4),
    ("usesysid", DataType::Oid),
    ("usename", DataType::Name),
    ("application_name", DataType::Text),
    ("client_addr", DataType::Inet),
    ("client_hostname", DataType::Text),
    ("client_port", DataType::Int4),
    ("backend_start", DataType::TimestampTz),
    ("xact_start", DataType::TimestampTz),
    ("query_start", DataType::TimestampTz),
    ("state_change", DataType::TimestampTz),
    ("wait_event_type", DataType::Text),
    ("wait_event", DataType::Text),
    ("state", DataType::Text),
    ("backend_xid", DataType::Xid),
    ("backend_xmin", DataType::Xid),
    ("query_id", DataType::Int8),
    ("query", DataType::Text),
    ("backend_type", DataType::Text),
];

/// The OID PostgreSQL gives pg_stat_activity (a view in pg_catalog).
const PG_STAT_ACTIVITY_OID: u32 = 12222;

impl SystemView {
    /// Finds a view by (optionally pg_catalog-qualified) name.
    pub fn lookup(parts: &[String]) -> Option<SystemView> {
        let name = match parts {
            [name] => name,
            [schema, name] if schema == "pg_catalog" => name,
            _ => return None,
        };
        match name.as_str() {
            "pg_stat_activity" => Some(SystemView::PgStatActivity),
            _ => None,
        }
    }

    /// The view's name.
    pub fn name(&self) -> &'static str {
        match self {
            SystemView::PgStatActivity => "pg_stat_activity",
        }
    }

    /// The view's OID.
    pub fn oid(&self) -> u32 {
        match self {
            SystemView::PgStatActivity => PG_STAT_ACTIVITY_OID,
        }
    }

    /// Column names and types.
    pub fn columns(&self) -> &'static [(&'static str, DataType)] {
        match self {
            SystemView::PgStatActivity => PG_STAT_ACTIVITY,
        }
    }

    /// The current rows.
    pub fn rows(&self, ctx: &EvalCtx<'_>) -> Vec<Vec<Value>> {
        match self {
            SystemView::PgStatActivity => ctx
                .host
                .activity()
                .into_iter()
                .map(|a| {
                    let ts = |t: Option<i64>| t.map_or(Value::Null, Value::TimestampTz);
                    let text = |s: Option<String>| s.map_or(Value::Null, Value::Text);
                    let client = a.backend_type == "client backend";
                    vec![
                        Value::Null,
                        Value::Text(a.database),
                        Value::Int4(a.pid),
                        Value::Null,
                        Value::Null,
                        Value::Text(a.user),
                        Value::Text(a.application_name),
                        a.client_addr.map_or(Value::Null, Value::Inet),
                        Value::Null,
                        a.client_port.map_or(Value::Null, Value::Int4),
                        Value::TimestampTz(a.backend_start),
                        ts(a.xact_start),
                        ts(a.query_start),
                        ts(a.state_change),
                        if client && a.state.as_deref() == Some("idle") {
                            Value::Text("Client".into())
                        } else {
                            Value::Null
                        },
                        if client && a.state.as_deref() == Some("idle") {
                            Value::Text("ClientRead".into())
                        } else {
                            Value::Null
                        },
                        text(a.state),
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        Value::Text(a.query),
                        Value::Text(a.backend_type),
                    ]
                })
                .collect(),
        }
    }
}
