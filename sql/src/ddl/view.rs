//! CREATE [OR REPLACE] VIEW and DROP VIEW.
//!
//! A view is a pg_class row of relkind 'v' without a relation file, its
//! columns in pg_attribute, and its query in pg_rewrite (as SQL text).
//! Queries bind the stored text again at each use, like a subquery in
//! FROM.

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{self, ObjectName};

use super::create::insert_column;
use super::drop::remove_table;
use super::{lock_names, split_name, undefined_table};
use crate::binder::{ident, object_name, Binder};
use crate::catalog::{system, ColumnDef};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// CREATE [OR REPLACE] VIEW name [(columns)] AS query.
pub fn create_view(
    ctx: &mut Stmt<'_>,
    v: &ast::CreateView,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    if v.materialized || v.temporary {
        return Err(SqlError::unsupported("materialized and temporary views"));
    }
    ctx.check_writable("CREATE VIEW")?;
    let parts = object_name(&v.name);
    let (schema, name) = split_name(&parts)?;
    if schema == Some("pg_catalog") {
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied to create \"pg_catalog.{name}\""),
        ));
    }
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let bound = Binder::new(sql, style, Vec::new(), ctx).query(&v.query)?;
    if v.columns.len() > bound.columns.len() {
        return Err(SqlError::syntax(
            "CREATE VIEW specifies more column names than columns",
            None,
        ));
    }
    let mut columns: Vec<ColumnDef> = Vec::with_capacity(bound.columns.len());
    for (i, c) in bound.columns.iter().enumerate() {
        let name = v
            .columns
            .get(i)
            .map_or_else(|| c.name.clone(), |n| ident(&n.name));
        if columns.iter().any(|x| x.name == name) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{name}\" specified more than once"),
            ));
        }
        columns.push(ColumnDef {
            name,
            ty: c.ty,
            typmod: c.typmod,
            not_null: false,
            dropped: false,
            default: None,
            missing: Value::Null,
        });
    }
    lock_names(ctx)?;
    let xid = ctx.write_xid("CREATE VIEW")?;
    if let Some(old) = ctx.open_table(Some("public"), name, LockMode::AccessExclusive)? {
        if old.view.is_none() {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{name}\" is not a view"),
            ));
        }
        if !v.or_replace {
            return Err(SqlError::new(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{name}\" already exists"),
            ));
        }
        remove_table(ctx, xid, &old)?;
    }
    let oid = ctx.engine().new_oid()?;
    let rule = ctx.engine().new_oid()?;
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        cat.insert(
            &system::PG_CLASS,
            &[
                Value::Oid(oid),
                Value::Text(name.to_owned()),
                Value::Oid(system::PUBLIC_NS),
                Value::Text("v".into()),
                Value::Oid(0),
                Value::Int2(columns.len() as i16),
                Value::Null,
            ],
            &who,
        )?;
        cat.insert(
            &system::PG_REWRITE,
            &[
                Value::Oid(rule),
                Value::Text("_RETURN".into()),
                Value::Oid(oid),
                Value::Text(v.query.to_string()),
            ],
            &who,
        )?;
    }
    for (i, c) in columns.iter().enumerate() {
        insert_column(ctx, xid, oid, i + 1, c, None)?;
    }
    ctx.catalog_changed();
    sink.command_complete("CREATE VIEW")
}

/// DROP VIEW [IF EXISTS] names.
pub(super) fn drop_views(ctx: &mut Stmt<'_>, if_exists: bool, names: &[ObjectName]) -> Result<()> {
    ctx.check_writable("DROP VIEW")?;
    lock_names(ctx)?;
    for n in names {
        let parts = object_name(n);
        let (schema, name) = split_name(&parts)?;
        let Some(def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? else {
            if if_exists {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    format!("view \"{name}\" does not exist, skipping"),
                ));
                continue;
            }
            return Err(undefined_table("view", name));
        };
        if def.view.is_none() {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{name}\" is not a view"),
            )
            .with_hint("Use DROP TABLE to remove a table."));
        }
        let xid = ctx.write_xid("DROP VIEW")?;
        remove_table(ctx, xid, &def)?;
    }
    Ok(())
}
