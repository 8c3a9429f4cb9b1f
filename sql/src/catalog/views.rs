//! System views: relations whose rows come from the running server
//! (pg_stat_activity, pg_stat_database) or are computed from the catalog
//! (pg_indexes).

use crate::expr::EvalCtx;
use crate::types::DataType;
use crate::value::Value;

/// A view computed from the server's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemView {
    /// pg_stat_activity: one row per backend.
    PgStatActivity,
    /// pg_stat_database: one row per database (the columns actorgres
    /// counts: backends and temp files).
    PgStatDatabase,
    /// pg_indexes: one row per index of the current database, with its
    /// definition as CREATE INDEX text.
    PgIndexes,
    /// pg_prepared_statements: the session's named prepared statements.
    PgPreparedStatements,
    /// pg_inherits: table inheritance and partitions (actorgres has
    /// neither, so it is empty, as in a PostgreSQL database without them).
    PgInherits,
    /// pg_partitioned_table: partitioned tables (none).
    PgPartitionedTable,
}

/// pg_prepared_statements' columns as in PostgreSQL 15.
const PG_PREPARED_STATEMENTS: &[(&str, DataType)] = &[
    ("name", DataType::Text),
    ("statement", DataType::Text),
    ("prepare_time", DataType::TimestampTz),
    ("parameter_types", DataType::Array(&DataType::Regtype)),
    ("from_sql", DataType::Bool),
    ("generic_plans", DataType::Int8),
    ("custom_plans", DataType::Int8),
];

/// pg_inherits' columns as in PostgreSQL 15.
const PG_INHERITS: &[(&str, DataType)] = &[
    ("inhrelid", DataType::Oid),
    ("inhparent", DataType::Oid),
    ("inhseqno", DataType::Int4),
    ("inhdetachpending", DataType::Bool),
];

/// pg_partitioned_table's columns of scalar types (the vector columns
/// partattrs, partclass, partcollation and partexprs come with the
/// catalog types that hold them).
const PG_PARTITIONED_TABLE: &[(&str, DataType)] = &[
    ("partrelid", DataType::Oid),
    ("partstrat", DataType::Char),
    ("partnatts", DataType::Int2),
    ("partdefid", DataType::Oid),
];

/// pg_indexes' columns as in PostgreSQL 15.
const PG_INDEXES: &[(&str, DataType)] = &[
    ("schemaname", DataType::Name),
    ("tablename", DataType::Name),
    ("indexname", DataType::Name),
    ("tablespace", DataType::Name),
    ("indexdef", DataType::Text),
];

/// The pg_stat_database columns actorgres keeps, as in PostgreSQL 15.
const PG_STAT_DATABASE: &[(&str, DataType)] = &[
    ("datid", DataType::Oid),
    ("datname", DataType::Name),
    ("numbackends", DataType::Int4),
    ("temp_files", DataType::Int8),
    ("temp_bytes", DataType::Int8),
];

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
            "pg_stat_database" => Some(SystemView::PgStatDatabase),
            "pg_indexes" => Some(SystemView::PgIndexes),
            "pg_prepared_statements" => Some(SystemView::PgPreparedStatements),
            "pg_inherits" => Some(SystemView::PgInherits),
            "pg_partitioned_table" => Some(SystemView::PgPartitionedTable),
            _ => None,
        }
    }

    /// The view's name.
    pub fn name(&self) -> &'static str {
        match self {
            SystemView::PgStatActivity => "pg_stat_activity",
            SystemView::PgStatDatabase => "pg_stat_database",
            SystemView::PgIndexes => "pg_indexes",
            SystemView::PgPreparedStatements => "pg_prepared_statements",
            SystemView::PgInherits => "pg_inherits",
            SystemView::PgPartitionedTable => "pg_partitioned_table",
        }
    }

    /// The view's OID.
    pub fn oid(&self) -> u32 {
        match self {
            SystemView::PgStatActivity => PG_STAT_ACTIVITY_OID,
            SystemView::PgStatDatabase => 12259,
            SystemView::PgIndexes => 12043,
            SystemView::PgPreparedStatements => 12095,
            SystemView::PgInherits => 2611,
            SystemView::PgPartitionedTable => 3350,
        }
    }

    /// Column names and types.
    pub fn columns(&self) -> &'static [(&'static str, DataType)] {
        match self {
            SystemView::PgStatActivity => PG_STAT_ACTIVITY,
            SystemView::PgStatDatabase => PG_STAT_DATABASE,
            SystemView::PgIndexes => PG_INDEXES,
            SystemView::PgPreparedStatements => PG_PREPARED_STATEMENTS,
            SystemView::PgInherits => PG_INHERITS,
            SystemView::PgPartitionedTable => PG_PARTITIONED_TABLE,
        }
    }

    /// The current rows.
    pub fn rows(&self, ctx: &EvalCtx<'_>) -> crate::error::Result<Vec<Vec<Value>>> {
        Ok(match self {
            SystemView::PgInherits | SystemView::PgPartitionedTable => Vec::new(),
            SystemView::PgPreparedStatements => {
                let mut all: Vec<_> = ctx
                    .prepared
                    .into_iter()
                    .flat_map(|t| t.values())
                    .filter(|s| !s.name.is_empty())
                    .collect();
                all.sort_by(|a, b| a.name.cmp(&b.name));
                all.into_iter()
                    .map(|s| {
                        let types = s
                            .param_types()
                            .iter()
                            .map(|t| Value::Regtype(t.oid().0))
                            .collect();
                        vec![
                            Value::Text(s.name.clone()),
                            Value::Text(s.sql.clone()),
                            Value::TimestampTz(s.prepare_time),
                            Value::Array(crate::value::ArrayRef::new(types)),
                            Value::Bool(s.from_sql),
                            Value::Int8(s.generic_plans() as i64),
                            Value::Int8(0),
                        ]
                    })
                    .collect()
            }
            SystemView::PgIndexes => {
                let Some(st) = &ctx.storage else {
                    return Ok(Vec::new());
                };
                let Some((_, db)) =
                    super::Catalog::new(st.engine, 0, st.own).database(&ctx.info.database)?
                else {
                    return Ok(Vec::new());
                };
                let mut rows = Vec::new();
                for t in super::Catalog::new(st.engine, db.oid, st.own).tables()? {
                    for ix in &t.indexes {
                        let cols: Vec<&str> = ix
                            .columns
                            .iter()
                            .map(|&c| t.columns.get(c).map_or("?", |c| c.name.as_str()))
                            .collect();
                        rows.push(vec![
                            Value::Text("public".into()),
                            Value::Text(t.name.clone()),
                            Value::Text(ix.name.clone()),
                            Value::Null,
                            Value::Text(format!(
                                "CREATE {}INDEX {} ON public.{} USING btree ({})",
                                if ix.unique { "UNIQUE " } else { "" },
                                ix.name,
                                t.name,
                                cols.join(", ")
                            )),
                        ]);
                    }
                }
                rows
            }
            SystemView::PgStatDatabase => {
                let Some(st) = &ctx.storage else {
                    return Ok(Vec::new());
                };
                let dbs = super::Catalog::new(st.engine, 0, st.own).databases()?;
                let activity = ctx.host.activity();
                let stats = ctx
                    .spill
                    .as_ref()
                    .map(|s| s.all_stats.lock().clone())
                    .unwrap_or_default();
                dbs.into_iter()
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
                        vec![
                            Value::Oid(d.oid),
                            Value::Text(d.name),
                            Value::Int4(backends as i32),
                            Value::Int8(files as i64),
                            Value::Int8(bytes as i64),
                        ]
                    })
                    .collect()
            }
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
        })
    }
}
