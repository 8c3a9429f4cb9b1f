//! Materialized views: CREATE MATERIALIZED VIEW, REFRESH MATERIALIZED
//! VIEW. A materialized view is a table (relkind 'm') whose rows its
//! query wrote, with the query kept in pg_rewrite as a view's is.
//!
//! Rules:
//! 1. Only CREATE and REFRESH write its rows (INSERT, UPDATE, DELETE,
//!    COPY FROM and TRUNCATE are 42809); it may have indexes.
//! 2. WITH NO DATA leaves it unpopulated (pg_class.relispopulated):
//!    reading it is 55000 until a REFRESH fills it.
//! 3. REFRESH gives it new relation files (its indexes too) and runs the
//!    query again; CONCURRENTLY needs it populated and a unique index on
//!    plain columns without WHERE, as PostgreSQL, and then works the same
//!    way under the same AccessExclusiveLock (readers wait; PostgreSQL's
//!    diff-and-merge that lets them go on is not done).

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use sqlparser::ast;

use super::create::{insert_column, output_columns};
use super::{lock_names, split_name, undefined_table};
use crate::binder::{ident, object_name};
use crate::catalog::{system, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [(columns)] AS query
/// [WITH [NO] DATA].
pub(super) fn create_matview(
    ctx: &mut Stmt<'_>,
    v: &ast::CreateView,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    ctx.check_writable("CREATE MATERIALIZED VIEW")?;
    let mut with_data = true;
    let parts = object_name(&v.name);
    let (schema, name) = split_name(ctx, &parts)?;
    let ns = super::new_relation_schema(ctx, schema, name, v.temporary)?;
    lock_names(ctx)?;
    if ctx.catalog().relation_exists(ns, name)? {
        let msg = format!("relation \"{name}\" already exists");
        if v.if_not_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_TABLE,
                format!("{msg}, skipping"),
            ));
            return sink.command_complete("CREATE MATERIALIZED VIEW");
        }
        return Err(SqlError::new(SqlState::DUPLICATE_TABLE, msg));
    }
    let (_, bound) = crate::session::Session::plan_query(ctx, &v.query)?;
    if v.columns.len() > bound.len() {
        return Err(SqlError::syntax(
            "too many column names were specified",
            None,
        ));
    }
    let names: Vec<String> = v.columns.iter().map(|n| ident(&n.name)).collect();
    let columns = output_columns(&bound, &names)?;
    let options = match &v.options {
        ast::CreateTableOptions::With(o) => {
            let mut given: Vec<(String, Option<String>)> = Vec::new();
            for o in o {
                match o {
                    ast::SqlOption::KeyValue { key, value } => {
                        given.push((object_name(key).join("."), Some(value.to_string())))
                    }
                    ast::SqlOption::Ident(i) => {
                        let name = object_name(i).join(".");
                        if name == crate::parser::NO_DATA_MARK {
                            with_data = false;
                        } else {
                            given.push((name, None));
                        }
                    }
                    other => return Err(SqlError::unsupported(format!("the option {other}"))),
                }
            }
            super::reloptions::set(super::reloptions::Target::Table, &[], &given)?
        }
        _ => Vec::new(),
    };
    let xid = ctx.write_xid("CREATE MATERIALIZED VIEW")?;
    let oid = ctx.engine().new_oid()?;
    let rel = ctx.create_relation_file(xid, ns, oid)?;
    ctx.txn.creates.push(rel);
    let rule = ctx.engine().new_oid()?;
    let query_text = super::view::stored_query(ctx, &v.query)?;
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        let mut class = super::class_row(
            oid,
            ns,
            name,
            "m",
            oid,
            columns.len(),
            super::reloptions::stored(&options),
        );
        class.resize(system::PG_CLASS.columns.len(), Value::Null);
        class[10] = Value::Bool(with_data);
        cat.insert(&system::PG_CLASS, &class, &who)?;
        cat.insert(
            &system::PG_REWRITE,
            &[
                Value::Oid(rule),
                Value::Text("_RETURN".into()),
                Value::Oid(oid),
                Value::Text(query_text),
            ],
            &who,
        )?;
    }
    for (i, c) in columns.iter().enumerate() {
        insert_column(ctx, xid, oid, i + 1, c, None)?;
    }
    ctx.catalog_changed();
    ctx.record_owner(crate::catalog::privs::CLASS, oid, Some(ns), 'r', xid)?;
    if !with_data {
        return sink.command_complete("CREATE MATERIALIZED VIEW");
    }
    ctx.txn.cid += 1;
    let def = ctx
        .catalog()
        .table_by_oid(oid)?
        .ok_or_else(|| SqlError::internal("a new materialized view is not in the catalog"))?;
    let count = fill(ctx, xid, &Arc::new(def), &v.query)?;
    sink.command_complete(&format!("SELECT {count}"))
}

/// REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA].
pub fn refresh_matview(
    ctx: &mut Stmt<'_>,
    r: &ast::RefreshMaterializedView,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    ctx.check_writable("REFRESH MATERIALIZED VIEW")?;
    let with_data = r.with_data != Some(false);
    if r.concurrently && !with_data {
        return Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            "CONCURRENTLY and WITH NO DATA options cannot be used together",
        ));
    }
    let parts = object_name(&r.name);
    let (schema, name) = split_name(ctx, &parts)?;
    // New files replace the old ones at commit, so readers must wait
    // (CONCURRENTLY too: PostgreSQL's diff-and-merge is not done here).
    let Some(def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? else {
        return Err(undefined_table("relation", name));
    };
    let Some(text) = def.matview.clone() else {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("\"{}\" is not a materialized view", def.name),
        ));
    };
    if r.concurrently {
        if !def.populated {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "CONCURRENTLY cannot be used when the materialized view is not populated",
            ));
        }
        let keyed = def
            .indexes
            .iter()
            .any(|i| i.unique && i.exprs.is_none() && i.method == 403);
        if !keyed {
            let schema = ctx.namespace_name(def.namespace)?;
            return Err(SqlError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!(
                    "cannot refresh materialized view \"{schema}.{}\" concurrently",
                    def.name
                ),
            )
            .with_hint("Create a unique index with no WHERE clause on one or more columns of the materialized view."));
        }
    }
    let xid = ctx.write_xid("REFRESH MATERIALIZED VIEW")?;
    super::maintenance::new_relation_file(ctx, xid, &def, None)?;
    ctx.txn.cid += 1;
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        if let Some((tid, mut row)) = cat.class_tid(def.oid)? {
            row.resize(system::PG_CLASS.columns.len(), Value::Null);
            row[10] = Value::Bool(with_data);
            cat.update(&system::PG_CLASS, tid, &row, &who)?;
        }
    }
    ctx.catalog_changed();
    if with_data {
        ctx.txn.cid += 1;
        let def = ctx
            .catalog()
            .table_by_oid(def.oid)?
            .ok_or_else(|| SqlError::internal("a materialized view left the catalog"))?;
        let q = query_of(&text)?;
        fill(ctx, xid, &Arc::new(def), &q)?;
    }
    sink.command_complete("REFRESH MATERIALIZED VIEW")
}

/// The stored query of a materialized view.
fn query_of(text: &str) -> Result<ast::Query> {
    match crate::parser::parse(text)?.as_slice() {
        [crate::parser::Parsed::Sql(s)] => match s.as_ref() {
            ast::Statement::Query(q) => Ok((**q).clone()),
            _ => Err(SqlError::internal(
                "a materialized view that is not a query",
            )),
        },
        _ => Err(SqlError::internal(
            "a materialized view that is not one query",
        )),
    }
}

/// Runs `q` and writes its rows into `def` (rule 1): the number of rows.
fn fill(ctx: &mut Stmt<'_>, xid: u32, def: &Arc<TableDef>, q: &ast::Query) -> Result<u64> {
    let (plan, _) = crate::session::Session::plan_query(ctx, q)?;
    let targets: Vec<usize> = def.live().map(|(a, _)| a).collect();
    super::alter::load_rows(
        ctx,
        xid,
        def,
        &targets,
        super::alter::RowSource::Query(&plan),
        |(e, _)| e,
    )
}
