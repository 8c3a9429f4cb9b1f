//! CREATE [OR REPLACE] VIEW (DROP VIEW is in drop.rs).
//!
//! A view is a pg_class row of relkind 'v' without a relation file, its
//! columns in pg_attribute, and its query in pg_rewrite (as SQL text).
//! Queries bind the stored text again at each use, like a subquery in
//! FROM.

use actorgres_storage::lock::LockMode;
use sqlparser::ast;

use super::create::{insert_column, output_columns};
use super::drop::remove_table;
use super::{lock_names, split_name};
use crate::binder::{ident, object_name, Binder};
use crate::catalog::system;
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// CREATE [OR REPLACE] VIEW name [(columns)] AS query.
/// A view's query as it is kept: `*` written out as the columns it
/// stands for now (a view's columns are fixed when it is made, as in
/// PostgreSQL: a column added to a table later is not the view's), and
/// names found outside public qualified, so the view means the same
/// relations whatever the search path when it is used.
pub(super) fn stored_query(ctx: &mut Stmt<'_>, q: &ast::Query) -> Result<String> {
    let mut expanded = q.clone();
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let ok = Binder::new(sql, style, Vec::new(), ctx)
        .unchecked()
        .freeze_view_query(&mut expanded)
        .is_ok();
    // The query was bound already: a select list the expansion cannot
    // write out keeps its `*`.
    let text = if ok { expanded } else { q.clone() }.to_string();
    let cat = ctx.catalog();
    let mut schema_of = |name: &str| {
        let t = cat.table(None, name).ok().flatten()?;
        if t.namespace == system::PUBLIC_NS {
            return None;
        }
        ctx.namespace_name(t.namespace).ok()
    };
    Ok(crate::parser::qualify_relations_with(&text, &mut schema_of).unwrap_or(text.clone()))
}

pub fn create_view(
    ctx: &mut Stmt<'_>,
    v: &ast::CreateView,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    if v.materialized {
        return super::matview::create_matview(ctx, v, sink);
    }
    ctx.check_writable("CREATE VIEW")?;
    let parts = object_name(&v.name);
    let (schema, name) = split_name(ctx, &parts)?;
    // A view over one of the session's temporary relations is
    // temporary too (PostgreSQL's isQueryUsingTempRelation).
    let temporary = v.temporary || {
        let uses = uses_temp_relation(ctx, &v.query)?;
        if uses {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("view \"{name}\" will be a temporary view"),
            ));
        }
        uses
    };
    let ns = super::new_relation_schema(ctx, schema, name, temporary)?;
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let bound = Binder::new(sql, style, Vec::new(), ctx)
        .unchecked()
        .query(&v.query)?;
    if v.columns.len() > bound.columns.len() {
        return Err(SqlError::syntax(
            "CREATE VIEW specifies more column names than columns",
            None,
        ));
    }
    let names: Vec<String> = v.columns.iter().map(|n| ident(&n.name)).collect();
    let columns = output_columns(&bound.columns, &names)?;
    let options = view_options(&v.options)?;
    if options.iter().any(|o| o.starts_with("check_option=")) {
        if let Err(why) = crate::table::view_updatable(&v.query) {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "WITH CHECK OPTION is supported only on automatically updatable views",
            )
            .with_hint(why));
        }
    }
    lock_names(ctx)?;
    let xid = ctx.write_xid("CREATE VIEW")?;
    if let Some(old) = ctx.open_table_in(ns, name, LockMode::AccessExclusive)? {
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
        check_replacement(&old, &columns)?;
        remove_table(ctx, xid, &old)?;
    } else {
        super::types::check_relation_name(ctx, ns, name)?;
    }
    let query_text = stored_query(ctx, &v.query)?;
    let oid = ctx.engine().new_oid()?;
    let rule = ctx.engine().new_oid()?;
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        cat.insert(
            &system::PG_CLASS,
            &super::class_row(
                oid,
                ns,
                name,
                "v",
                0,
                columns.len(),
                if options.is_empty() {
                    Value::Null
                } else {
                    Value::Text(options.join(","))
                },
            ),
            &who,
        )?;
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
    sink.command_complete("CREATE VIEW")
}

/// CREATE OR REPLACE VIEW keeps the view's columns: it may add columns
/// at the end, not drop, rename or retype one (PostgreSQL's
/// checkViewTupleDesc, 42P16).
fn check_replacement(
    old: &crate::catalog::TableDef,
    new: &[crate::catalog::ColumnDef],
) -> Result<()> {
    let invalid = |m: String| SqlError::new(SqlState::INVALID_TABLE_DEFINITION, m);
    let old: Vec<&crate::catalog::ColumnDef> = old.live().map(|(_, c)| c).collect();
    if new.len() < old.len() {
        return Err(invalid("cannot drop columns from view".into()));
    }
    for (o, n) in old.iter().zip(new) {
        if o.name != n.name {
            return Err(invalid(format!(
                "cannot change name of view column \"{}\" to \"{}\"",
                o.name, n.name
            ))
            .with_hint(
                "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.",
            ));
        }
        let ty = |c: &crate::catalog::ColumnDef| {
            (
                c.domain.map_or(c.ty, crate::types::DataType::Domain),
                c.typmod,
            )
        };
        if ty(o) != ty(n) {
            let (ot, om) = ty(o);
            let (nt, nm) = ty(n);
            return Err(invalid(format!(
                "cannot change data type of view column \"{}\" from {} to {}",
                o.name,
                crate::func::format_type(ot, om),
                crate::func::format_type(nt, nm)
            )));
        }
    }
    Ok(())
}

/// Whether `q` names a relation of the session's temporary schema: an
/// unqualified name found there first, or one qualified with it.
fn uses_temp_relation(ctx: &Stmt<'_>, q: &ast::Query) -> Result<bool> {
    let Some(temp) = ctx.temp.namespace() else {
        return Ok(false);
    };
    let mut names: Vec<Vec<String>> = Vec::new();
    let _ = ast::visit_relations(q, |r| {
        names.push(object_name(r));
        std::ops::ControlFlow::<()>::Continue(())
    });
    let temp_name = crate::session::temp_schema_name(ctx.info.pid);
    for parts in names {
        let hit = match parts.as_slice() {
            [name] => ctx.catalog().relation_exists(temp, name)?,
            [schema, _] => *schema == "pg_temp" || *schema == temp_name,
            _ => false,
        };
        if hit {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Views (and materialized views) that name relation `from` (schema,
/// name) name `to` instead: their stored text names relations, where
/// PostgreSQL's rules hold OIDs, so a rename or SET SCHEMA rewrites it.
pub(super) fn retarget_views(
    ctx: &mut Stmt<'_>,
    xid: u32,
    from: (u32, &str),
    to: (u32, &str),
) -> Result<()> {
    let parts = |ctx: &Stmt<'_>, (ns, name): (u32, &str)| -> Result<Vec<String>> {
        Ok(if ns == system::PUBLIC_NS {
            vec![name.to_owned()]
        } else {
            vec![ctx.namespace_name(ns)?, name.to_owned()]
        })
    };
    let old = parts(ctx, from)?;
    let new = parts(ctx, to)?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut r) in cat.rows(&system::PG_REWRITE)? {
        let Value::Text(text) = &r[3] else { continue };
        if let Some(changed) = crate::parser::rename_relation_in(text, &old, &new) {
            r[3] = Value::Text(changed);
            cat.update(&system::PG_REWRITE, tid, &r, &who)?;
        }
    }
    Ok(())
}

/// A view's options as pg_class.reloptions holds them: check_option
/// (`local` / `cascaded`, 22023 for another value), security_barrier and
/// security_invoker (booleans).
fn view_options(options: &ast::CreateTableOptions) -> Result<Vec<String>> {
    let ast::CreateTableOptions::With(list) = options else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(list.len());
    for o in list {
        let (key, value) = match o {
            ast::SqlOption::KeyValue { key, value } => {
                let v = match value {
                    ast::Expr::Value(v) => match &v.value {
                        ast::Value::SingleQuotedString(s) => s.clone(),
                        other => other.to_string(),
                    },
                    ast::Expr::Identifier(i) => i.value.clone(),
                    other => other.to_string(),
                };
                (object_name(key).join("."), v.to_lowercase())
            }
            ast::SqlOption::Ident(key) => (object_name(key).join("."), "true".into()),
            other => return Err(SqlError::unsupported(format!("the view option {other}"))),
        };
        match key.as_str() {
            "check_option" if matches!(value.as_str(), "local" | "cascaded") => {}
            "check_option" => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("invalid value for enum option \"check_option\": {value}"),
                )
                .with_detail("Valid values are \"local\" and \"cascaded\"."))
            }
            "security_barrier" | "security_invoker" => {}
            _ => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("unrecognized parameter \"{key}\""),
                ))
            }
        }
        out.push(format!("{key}={value}"));
    }
    Ok(out)
}
