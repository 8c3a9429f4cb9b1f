//! INSERT, UPDATE and DELETE on a view with INSTEAD OF triggers: the
//! statement becomes a query for the rows it would touch, and each row
//! goes to the view's INSTEAD OF triggers (run at statement level, where
//! their bodies change the base tables), as PostgreSQL's rewriter and
//! ExecIRInsertTriggers do.
//!
//! Rules:
//! 1. The query: INSERT's rows as the view's columns (the columns not
//!    given take the view column's default, or NULL); UPDATE's old
//!    columns then the new ones (SET's expressions, others unchanged),
//!    with FROM and WHERE; DELETE's rows, with USING and WHERE.
//! 2. Each row goes to the triggers in name order; one returning NULL
//!    skips the row (not counted, no RETURNING row). The row RETURNING
//!    reads is NEW as the last trigger returned it (OLD for DELETE).
//! 3. The view's statement triggers fire before and after.

use std::sync::Arc;

use sqlparser::ast;

use super::modify::{BoundInsert, BoundModify, Source};
use super::trigger::{event_name, fields_of, function_of, nested, tg_values, TG_VARS};
use crate::binder::{ident, object_name, table_scope, TriggerShape};
use crate::catalog::{TableDef, TriggerDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::Expr;
use crate::plan::OutputColumn;
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::Value;

/// A DML statement on a view, for its INSTEAD OF triggers.
#[derive(Clone)]
pub(crate) struct Instead {
    view: Arc<TableDef>,
    event: i16,
    /// The rows (rule 1), as SQL over the statement's parameters.
    query: String,
}

/// The statement's target (opened) when it is a view whose INSTEAD OF
/// triggers take `event`.
fn instead_view(target: &Arc<TableDef>, event: i16) -> Option<Arc<TableDef>> {
    let takes = target.view.is_some()
        && target
            .triggers
            .iter()
            .any(|t| t.enabled() && t.timing() == "INSTEAD OF" && t.on(event));
    takes.then(|| Arc::clone(target))
}

/// `CAST((e) AS type)` to the column's type.
fn cast_to(e: &str, ty: DataType, typmod: i32) -> String {
    format!("CAST(({e}) AS {})", crate::func::format_type(ty, typmod))
}

/// 42703 for a column the view does not have.
fn no_column(col: &str, view: &TableDef) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_COLUMN,
        format!(
            "column \"{col}\" of relation \"{}\" does not exist",
            view.name
        ),
    )
}

/// Binds RETURNING over the view's columns.
fn returning(
    ctx: &mut Stmt<'_>,
    view: &TableDef,
    alias: Option<&str>,
    items: Option<&Vec<ast::SelectItem>>,
) -> Result<Option<(Vec<Expr>, Vec<OutputColumn>)>> {
    returning_with(ctx, view, alias, None, items).map(|(r, _)| r)
}

/// A bound RETURNING list and its columns.
type Returning = (Vec<Expr>, Vec<OutputColumn>);

/// [`returning`] where RETURNING may also read UPDATE's FROM / DELETE's
/// USING items: their columns follow the view's in the rows it reads,
/// and the query must select them (the second value: their SQL).
fn returning_with(
    ctx: &mut Stmt<'_>,
    view: &TableDef,
    alias: Option<&str>,
    others: Option<&[ast::TableWithJoins]>,
    items: Option<&Vec<ast::SelectItem>>,
) -> Result<(Option<Returning>, Vec<String>)> {
    let mut scope = table_scope(view, alias);
    let mut b = ctx.binder();
    let mut extra = Vec::new();
    if let (Some(from), Some(_)) = (others.filter(|o| !o.is_empty()), items) {
        let (_, other) = b.from(from)?;
        for c in &other.columns {
            match &c.table {
                Some(t) => extra.push(format!(
                    "{}.{}",
                    crate::func::quote_ident(t),
                    crate::func::quote_ident(&c.name)
                )),
                None => extra.push("NULL".into()),
            }
        }
        scope.columns.extend(other.columns);
    }
    Ok((super::modify::bind_returning(&mut b, items, &scope)?, extra))
}

/// INSERT into a view with INSTEAD OF INSERT triggers, bound; None for
/// any other target.
pub(super) fn bind_insert(
    ctx: &mut Stmt<'_>,
    ins: &ast::Insert,
    target: &Arc<TableDef>,
) -> Result<Option<BoundInsert>> {
    let Some(view) = instead_view(target, TriggerDef::INSERT) else {
        return Ok(None);
    };
    if ins.on.is_some() {
        return Err(SqlError::unsupported(
            "ON CONFLICT on a view with INSTEAD OF triggers",
        ));
    }
    let live: Vec<(usize, &crate::catalog::ColumnDef)> = view.live().collect();
    let width = match ins.source.as_deref().map(|q| q.body.as_ref()) {
        Some(ast::SetExpr::Values(v)) => v.rows.iter().map(|r| r.content.len()).max().unwrap_or(0),
        Some(_) => usize::MAX,
        None => 0,
    };
    // The view columns given, in the order given.
    let targets: Vec<usize> = if ins.columns.is_empty() {
        (0..live.len().min(width)).collect()
    } else {
        ins.columns
            .iter()
            .map(|c| {
                let c = object_name(c).pop().unwrap_or_default();
                live.iter()
                    .position(|(_, d)| d.name == c)
                    .ok_or_else(|| no_column(&c, &view))
            })
            .collect::<Result<_>>()?
    };
    let list: Vec<String> = live
        .iter()
        .enumerate()
        .map(|(j, (_, c))| match targets.iter().position(|&t| t == j) {
            Some(k) => cast_to(&format!("s.c{}", k + 1), c.ty, c.typmod),
            None => cast_to(c.default.as_deref().unwrap_or("NULL"), c.ty, c.typmod),
        })
        .collect();
    let query = match ins.source.as_deref() {
        Some(src) if !targets.is_empty() => format!(
            "SELECT {} FROM ({src}) AS s({})",
            list.join(", "),
            (1..=targets.len())
                .map(|k| format!("c{k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!("SELECT {}", list.join(", ")),
    };
    let alias = ins.table_alias.as_ref().map(|a| ident(&a.alias));
    let ret = returning(ctx, &view, alias.as_deref(), ins.returning.as_ref())?;
    Ok(Some(BoundInsert {
        def: Arc::clone(&view),
        live: Vec::new(),
        targets: Vec::new(),
        defaults: Vec::new(),
        checks: Vec::new(),
        source: Source::Instead(Box::new(Instead {
            view,
            event: TriggerDef::INSERT,
            query,
        })),
        ret,
        conflict: None,
    }))
}

/// The FROM text of an UPDATE or DELETE on view `name` (aliased), with
/// the other FROM items and WHERE.
fn from_where(
    name: &ast::ObjectName,
    alias: Option<&str>,
    others: Option<&[ast::TableWithJoins]>,
    selection: Option<&ast::Expr>,
) -> String {
    let mut out = format!(" FROM {name}");
    if let Some(a) = alias {
        out.push_str(&format!(" AS {}", crate::func::quote_ident(a)));
    }
    for t in others.unwrap_or_default() {
        out.push_str(&format!(", {t}"));
    }
    if let Some(w) = selection {
        out.push_str(&format!(" WHERE {w}"));
    }
    out
}

/// The view's columns read through `qual`.
fn old_columns(view: &TableDef, qual: &str) -> Vec<String> {
    view.live()
        .map(|(_, c)| {
            format!(
                "{}.{}",
                crate::func::quote_ident(qual),
                crate::func::quote_ident(&c.name)
            )
        })
        .collect()
}

/// A modification whose rows go to INSTEAD OF triggers.
fn instead_modify(
    view: Arc<TableDef>,
    event: i16,
    query: String,
    ret: Option<(Vec<Expr>, Vec<OutputColumn>)>,
) -> BoundModify {
    BoundModify {
        def: Arc::clone(&view),
        from: None,
        predicate: None,
        change: super::modify::Change::Delete,
        ret,
        only: false,
        instead: Some(Box::new(Instead { view, event, query })),
    }
}

/// UPDATE of a view with INSTEAD OF UPDATE triggers, bound; None for
/// any other target.
pub(super) fn bind_update(
    ctx: &mut Stmt<'_>,
    upd: &ast::Update,
    (name, target): (&ast::ObjectName, &Arc<TableDef>),
    alias: Option<&str>,
) -> Result<Option<BoundModify>> {
    let Some(view) = instead_view(target, TriggerDef::UPDATE) else {
        return Ok(None);
    };
    let qual = alias.unwrap_or(&view.name).to_owned();
    let live: Vec<&crate::catalog::ColumnDef> = view.live().map(|(_, c)| c).collect();
    let mut new: Vec<String> = old_columns(&view, &qual);
    for a in &upd.assignments {
        let ast::AssignmentTarget::ColumnName(col) = &a.target else {
            return Err(SqlError::unsupported(
                "assigning a column tuple through INSTEAD OF triggers",
            ));
        };
        let parts = object_name(col);
        let c = parts.last().cloned().unwrap_or_default();
        let Some(j) = live.iter().position(|d| d.name == c) else {
            return Err(no_column(&c, &view));
        };
        let value = if super::modify::is_default(&a.value) {
            live[j].default.clone().unwrap_or_else(|| "NULL".into())
        } else {
            a.value.to_string()
        };
        new[j] = cast_to(&value, live[j].ty, live[j].typmod);
    }
    let from = match &upd.from {
        Some(ast::UpdateTableFromKind::AfterSet(t) | ast::UpdateTableFromKind::BeforeSet(t)) => {
            Some(t.as_slice())
        }
        None => None,
    };
    let (ret, extra) = returning_with(ctx, &view, alias, from, upd.returning.as_ref())?;
    let mut list = old_columns(&view, &qual);
    list.extend(new);
    list.extend(extra);
    let query = format!(
        "SELECT {}{}",
        list.join(", "),
        from_where(name, alias, from, upd.selection.as_ref())
    );
    Ok(Some(instead_modify(view, TriggerDef::UPDATE, query, ret)))
}

/// DELETE from a view with INSTEAD OF DELETE triggers, bound; None for
/// any other target.
pub(super) fn bind_delete(
    ctx: &mut Stmt<'_>,
    del: &ast::Delete,
    (name, target): (&ast::ObjectName, &Arc<TableDef>),
    alias: Option<&str>,
) -> Result<Option<BoundModify>> {
    let Some(view) = instead_view(target, TriggerDef::DELETE) else {
        return Ok(None);
    };
    let qual = alias.unwrap_or(&view.name).to_owned();
    let (ret, extra) = returning_with(
        ctx,
        &view,
        alias,
        del.using.as_deref(),
        del.returning.as_ref(),
    )?;
    let mut list = old_columns(&view, &qual);
    list.extend(extra);
    let query = format!(
        "SELECT {}{}",
        list.join(", "),
        from_where(name, alias, del.using.as_deref(), del.selection.as_ref())
    );
    Ok(Some(instead_modify(view, TriggerDef::DELETE, query, ret)))
}

/// Runs a statement bound for INSTEAD OF triggers (rules 2 and 3).
pub(super) fn run(
    ctx: &mut Stmt<'_>,
    i: &Instead,
    ret: Option<&(Vec<Expr>, Vec<OutputColumn>)>,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let Instead { view, event, query } = i;
    let event = *event;
    super::trigger::fire_statement(ctx, view, event, true, None)?;
    let params = ctx.params.to_vec();
    let types = ctx.param_types.clone();
    let rows = ctx.run_internal(query, &params, &types)?.rows;
    if let Some((_, cols)) = ret {
        sink.row_description(cols)?;
    }
    // Each trigger's function and tg_* values, once for all rows.
    let mut triggers = Vec::new();
    for t in view
        .triggers
        .iter()
        .filter(|t| t.enabled() && t.timing() == "INSTEAD OF" && t.on(event))
    {
        triggers.push((function_of(ctx, t)?, tg_values(ctx, t, view, event)?));
    }
    let fields = fields_of(view);
    let n = fields.len();
    let shape = TriggerShape {
        fields: &fields,
        new: event != TriggerDef::DELETE,
        old: event != TriggerDef::INSERT,
        vars: &TG_VARS,
    };
    let mut count = 0u64;
    'rows: for mut row in rows {
        // The FROM / USING items' columns RETURNING reads, after the
        // view's (UPDATE: after its old and new columns).
        let taken = match event {
            TriggerDef::UPDATE => 2 * n,
            _ => n,
        };
        let others = row.split_off(taken.min(row.len()));
        let (mut new, old) = match event {
            TriggerDef::INSERT => (Some(row), None),
            TriggerDef::DELETE => (None, Some(row)),
            _ => {
                let new = row.split_off(n.min(row.len()));
                (Some(new), Some(row))
            }
        };
        for (func, vars) in &triggers {
            let rows = [new.clone(), old.clone()];
            let vars = vars.clone();
            match nested(|| crate::session::run_trigger(ctx, func, &shape, rows, vars))? {
                Value::Null => continue 'rows,
                Value::Record(r) if new.is_some() => {
                    if r.items().len() != n {
                        return Err(super::trigger::mismatch(func));
                    }
                    new = Some(r.items().to_vec());
                }
                _ => {}
            }
        }
        count += 1;
        if let Some((exprs, _)) = ret {
            let mut shown = new.or(old).unwrap_or_default();
            shown.extend(others);
            let mut eval = ctx.eval_ctx();
            super::modify::returning(exprs, &shown, &mut eval, sink)?;
        }
    }
    super::trigger::fire_statement(ctx, view, event, false, None)?;
    let tag = match event {
        TriggerDef::INSERT => format!("INSERT 0 {count}"),
        e => format!("{} {count}", event_name(e)),
    };
    sink.command_complete(&tag)
}
