//! CREATE [OR REPLACE] TRIGGER, DROP TRIGGER, ALTER TRIGGER ... RENAME
//! and ALTER TABLE ... ENABLE / DISABLE TRIGGER: pg_trigger rows, checked
//! as PostgreSQL's CreateTrigger checks them. Firing is table/trigger.rs.

use std::sync::Arc;

use actorgres_storage::lock::LockMode;

use super::{lock_names, split_name, undefined_table};
use crate::binder::{object_name, Binder};
use crate::catalog::{system, TableDef, TriggerDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::parser::trigger::{CreateTrigger, Timing, TriggerStatement};
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::{ArrayRef, Value};

/// Runs a trigger statement; its command tag.
pub fn trigger_statement(ctx: &mut Stmt<'_>, s: &TriggerStatement) -> Result<&'static str> {
    match s {
        TriggerStatement::Create(c) => {
            create_trigger(ctx, c)?;
            Ok("CREATE TRIGGER")
        }
        TriggerStatement::Drop {
            if_exists,
            name,
            table,
        } => {
            drop_trigger(ctx, *if_exists, name, table)?;
            Ok("DROP TRIGGER")
        }
        TriggerStatement::Rename { name, table, new } => {
            rename_trigger(ctx, name, table, new)?;
            Ok("ALTER TRIGGER")
        }
    }
}

fn unsupported(msg: &str) -> SqlError {
    SqlError::new(SqlState::FEATURE_NOT_SUPPORTED, msg)
}

/// The table a trigger statement names, locked as CREATE TRIGGER locks
/// it; None when it is missing and `if_exists`.
fn trigger_table(
    ctx: &mut Stmt<'_>,
    table: &sqlparser::ast::ObjectName,
    if_exists: bool,
) -> Result<Option<Arc<TableDef>>> {
    ctx.check_writable("TRIGGER")?;
    lock_names(ctx)?;
    let parts = object_name(table);
    let (schema, name) = split_name(ctx, &parts)?;
    match ctx.open_table(schema, name, LockMode::ShareRowExclusive)? {
        Some(def) => {
            if def.system {
                return Err(SqlError::new(
                    SqlState::INSUFFICIENT_PRIVILEGE,
                    format!("permission denied: \"{}\" is a system catalog", def.name),
                ));
            }
            Ok(Some(def))
        }
        None if if_exists => {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("relation \"{name}\" does not exist, skipping"),
            ));
            Ok(None)
        }
        None => Err(undefined_table("relation", name)),
    }
}

/// 42704 for a trigger `name` that `def` does not have.
fn no_trigger(name: &str, def: &TableDef) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!(
            "trigger \"{name}\" for table \"{}\" does not exist",
            def.name
        ),
    )
}

fn create_trigger(ctx: &mut Stmt<'_>, c: &CreateTrigger) -> Result<()> {
    let def = trigger_table(ctx, &c.table, false)?.ok_or_else(|| SqlError::internal("table"))?;
    let is_view = def.view.is_some();
    let row_level = c.row;
    if c.events.contains(&TriggerDef::TRUNCATE) && row_level {
        return Err(unsupported(
            "TRUNCATE FOR EACH ROW triggers are not supported",
        ));
    }
    match c.timing {
        Timing::InsteadOf if !is_view => {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is a table", def.name),
            )
            .with_detail("Tables cannot have INSTEAD OF triggers."))
        }
        Timing::InsteadOf => {
            if !row_level {
                return Err(unsupported("INSTEAD OF triggers must be FOR EACH ROW"));
            }
            if c.when.is_some() {
                return Err(unsupported(
                    "INSTEAD OF triggers cannot have WHEN conditions",
                ));
            }
            if !c.columns.is_empty() {
                return Err(unsupported("INSTEAD OF triggers cannot have column lists"));
            }
        }
        _ if is_view && (row_level || c.events.contains(&TriggerDef::TRUNCATE)) => {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is a view", def.name),
            )
            .with_detail(if row_level {
                "Views cannot have row-level BEFORE or AFTER triggers."
            } else {
                "Views cannot have TRUNCATE triggers."
            }))
        }
        _ if def.matview.is_some() || def.sequence.is_some() => {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("relation \"{}\" cannot have triggers", def.name),
            )
            .with_detail(if def.sequence.is_some() {
                "This operation is not supported for sequences."
            } else {
                "This operation is not supported for materialized views."
            }))
        }
        _ => {}
    }
    if c.old_table.is_some() || c.new_table.is_some() {
        if is_view {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is a view", def.name),
            )
            .with_detail("Triggers on views cannot have transition tables."));
        }
        check_transition_tables(c, &def)?;
    }
    if c.constraint {
        if c.timing != Timing::After || !row_level {
            return Err(unsupported(
                "constraint triggers must be AFTER ROW triggers",
            ));
        }
        if c.initially_deferred {
            return Err(SqlError::unsupported(
                "INITIALLY DEFERRED constraint triggers",
            ));
        }
    }
    let func = trigger_function(ctx, &c.func)?;
    let mut columns = Vec::new();
    for col in &c.columns {
        let Some((i, _)) = def.live().find(|(_, d)| d.name == *col) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_COLUMN,
                format!(
                    "column \"{col}\" of relation \"{}\" does not exist",
                    def.name
                ),
            ));
        };
        let attnum = (i + 1) as i16;
        if columns.contains(&attnum) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{col}\" specified more than once"),
            ));
        }
        columns.push(attnum);
    }
    let when = match &c.when {
        Some(e) => Some(check_when(ctx, &def, c, e)?),
        None => None,
    };
    let mut tgtype = c.events.iter().fold(0, |a, e| a | e);
    if row_level {
        tgtype |= TriggerDef::ROW;
    }
    match c.timing {
        Timing::Before => tgtype |= TriggerDef::BEFORE,
        Timing::InsteadOf => tgtype |= TriggerDef::INSTEAD,
        Timing::After => {}
    }
    let existing = def.triggers.iter().find(|t| t.name == c.name);
    if existing.is_some() && !c.or_replace {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!(
                "trigger \"{}\" for relation \"{}\" already exists",
                c.name, def.name
            ),
        ));
    }
    let trigger = TriggerDef {
        oid: match existing {
            Some(t) => t.oid,
            None => ctx.engine().new_oid()?,
        },
        name: c.name.clone(),
        func: func.oid,
        tgtype,
        enabled: existing.map_or('O', |t| t.enabled),
        args: c.args.clone(),
        columns,
        when,
        old_table: c.old_table.clone(),
        new_table: c.new_table.clone(),
        constraint: c.constraint.then_some((c.deferrable, c.initially_deferred)),
    };
    let xid = ctx.write_xid("CREATE TRIGGER")?;
    let who = ctx.actor(xid);
    let row = trigger_row(def.oid, &trigger);
    let cat = ctx.catalog();
    match cat.rows_where(&system::PG_TRIGGER, 0, trigger.oid)?.first() {
        Some((tid, _)) => cat.update(&system::PG_TRIGGER, *tid, &row, &who)?,
        None => {
            cat.insert(&system::PG_TRIGGER, &row, &who)?;
        }
    }
    ctx.catalog_changed();
    Ok(())
}

/// REFERENCING OLD / NEW TABLE: where PostgreSQL allows it.
fn check_transition_tables(c: &CreateTrigger, def: &TableDef) -> Result<()> {
    let invalid = |msg: &str| SqlError::new(SqlState::INVALID_OBJECT_DEFINITION, msg);
    if c.timing != Timing::After {
        return Err(unsupported(
            "transition table name can only be specified for an AFTER trigger",
        ));
    }
    if c.events.contains(&TriggerDef::TRUNCATE) {
        return Err(unsupported(
            "TRUNCATE triggers with transition tables are not supported",
        ));
    }
    if c.events.len() > 1 {
        return Err(unsupported(
            "transition tables cannot be specified for triggers with more than one event",
        ));
    }
    if !c.columns.is_empty() {
        return Err(unsupported(
            "transition tables cannot be specified for triggers with column lists",
        ));
    }
    let event = c.events[0];
    if c.old_table.is_some() && event == TriggerDef::INSERT {
        return Err(invalid(
            "OLD TABLE can only be specified for a DELETE or UPDATE trigger",
        ));
    }
    if c.new_table.is_some() && event == TriggerDef::DELETE {
        return Err(invalid(
            "NEW TABLE can only be specified for an INSERT or UPDATE trigger",
        ));
    }
    if c.old_table.is_some() && c.old_table == c.new_table {
        return Err(invalid(
            "OLD TABLE name and NEW TABLE name cannot be the same",
        ));
    }
    if c.row && def.partition_of.is_some() {
        return Err(unsupported(
            "ROW triggers with transition tables are not supported on partitions",
        ));
    }
    if c.row && !def.parents.is_empty() {
        return Err(unsupported(
            "ROW triggers with transition tables are not supported on inheritance children",
        ));
    }
    Ok(())
}

/// The stored row of `t` on table `rel`.
fn trigger_row(rel: u32, t: &TriggerDef) -> Vec<Value> {
    let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    vec![
        Value::Oid(t.oid),
        Value::Oid(rel),
        Value::Text(t.name.clone()),
        Value::Oid(t.func),
        Value::Int2(t.tgtype),
        Value::Text(t.enabled.to_string()),
        Value::Array(ArrayRef::new(
            t.args.iter().cloned().map(Value::Text).collect(),
        )),
        Value::Text(
            t.columns
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        opt(&t.when),
        opt(&t.old_table),
        opt(&t.new_table),
        match t.constraint {
            None => Value::Null,
            Some((false, _)) => Value::Text("n".into()),
            Some((true, true)) => Value::Text("d".into()),
            Some((true, false)) => Value::Text("i".into()),
        },
    ]
}

/// The function EXECUTE FUNCTION names: one taking no arguments that
/// returns trigger.
fn trigger_function(
    ctx: &mut Stmt<'_>,
    name: &sqlparser::ast::ObjectName,
) -> Result<Arc<crate::routine::UserFunction>> {
    let parts = object_name(name);
    let found = ctx
        .find_functions(&parts)?
        .into_iter()
        .find(|f| f.input_types().is_empty())
        .or_else(|| match parts.as_slice() {
            [n] => crate::table::trigger::builtin_trigger_named(n),
            [s, n] if s == "pg_catalog" => crate::table::trigger::builtin_trigger_named(n),
            _ => None,
        });
    let Some(f) = found else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("function {}() does not exist", parts.join(".")),
        ));
    };
    if f.ret != DataType::Trigger {
        return Err(SqlError::new(
            SqlState::INVALID_OBJECT_DEFINITION,
            format!("function {} must return type trigger", parts.join(".")),
        ));
    }
    if f.language != "plpgsql" && f.language != "internal" {
        return Err(SqlError::unsupported(format!(
            "trigger functions in language \"{}\"",
            f.language
        )));
    }
    Ok(f)
}

/// Binds a WHEN condition in the statement (errors placed in it) and
/// checks what it may reference; the text to store.
fn check_when(
    ctx: &mut Stmt<'_>,
    def: &TableDef,
    c: &CreateTrigger,
    e: &sqlparser::ast::Expr,
) -> Result<String> {
    let scope = crate::table::trigger::when_scope(def);
    let n = def.live().count();
    let sql = ctx.sql;
    let style = ctx.style.clone();
    let mut names = crate::table::StoredNames(ctx.db);
    let mut b = Binder::new(sql, style, Vec::new(), &mut names);
    let bound = b.expr(e, &scope)?;
    if bound.ty != DataType::Bool && bound.ty != DataType::Unknown {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!(
                "argument of WHEN must be type boolean, not type {}",
                bound.ty
            ),
        )
        .at(bound.pos));
    }
    // The first column reference, and the first of NEW's and OLD's.
    let mut refs: Option<Option<u32>> = None;
    let mut new_at = None;
    let mut old_at = None;
    let mut sublink = None;
    bound.visit(&mut |x: &Expr| match &x.kind {
        ExprKind::Column(i) => {
            let slot = if *i < n { &mut new_at } else { &mut old_at };
            if slot.is_none() {
                *slot = Some(x.pos);
            }
            if refs.is_none() {
                refs = Some(x.pos);
            }
        }
        ExprKind::SubLink(_) if sublink.is_none() => sublink = Some(x.pos),
        _ => {}
    });
    if let Some(at) = sublink {
        return Err(unsupported("cannot use subquery in trigger WHEN condition").at(at));
    }
    let invalid =
        |msg: &str, at: Option<u32>| SqlError::new(SqlState::INVALID_OBJECT_DEFINITION, msg).at(at);
    if !c.row {
        if let Some(at) = refs {
            return Err(invalid(
                "statement trigger's WHEN condition cannot reference column values",
                at,
            ));
        }
    }
    if c.events.contains(&TriggerDef::INSERT) {
        if let Some(at) = old_at {
            return Err(invalid(
                "INSERT trigger's WHEN condition cannot reference OLD values",
                at,
            ));
        }
    }
    if c.events.contains(&TriggerDef::DELETE) {
        if let Some(at) = new_at {
            return Err(invalid(
                "DELETE trigger's WHEN condition cannot reference NEW values",
                at,
            ));
        }
    }
    Ok(e.to_string())
}

fn drop_trigger(
    ctx: &mut Stmt<'_>,
    if_exists: bool,
    name: &str,
    table: &sqlparser::ast::ObjectName,
) -> Result<()> {
    let Some(def) = trigger_table(ctx, table, if_exists)? else {
        return Ok(());
    };
    let Some(t) = def.triggers.iter().find(|t| t.name == name) else {
        if if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!(
                    "trigger \"{name}\" for relation \"{}\" does not exist, skipping",
                    def.name
                ),
            ));
            return Ok(());
        }
        return Err(no_trigger(name, &def));
    };
    let xid = ctx.write_xid("DROP TRIGGER")?;
    remove(ctx, xid, t.oid)?;
    ctx.catalog_changed();
    Ok(())
}

/// Deletes pg_trigger row `oid` (and its comment); DROP TRIGGER, and
/// DROP FUNCTION / DROP COLUMN ... CASCADE.
pub(super) fn remove(ctx: &mut Stmt<'_>, xid: u32, oid: u32) -> Result<()> {
    let who = ctx.actor(xid);
    let cat = ctx.catalog();
    for (tid, _) in cat.rows_where(&system::PG_TRIGGER, 0, oid)? {
        cat.delete(&system::PG_TRIGGER, tid, &who)?;
    }
    super::comment::remove_descriptions(ctx, xid, oid)
}

fn rename_trigger(
    ctx: &mut Stmt<'_>,
    name: &str,
    table: &sqlparser::ast::ObjectName,
    new: &str,
) -> Result<()> {
    let def = trigger_table(ctx, table, false)?.ok_or_else(|| SqlError::internal("table"))?;
    let Some(t) = def.triggers.iter().find(|t| t.name == name) else {
        return Err(no_trigger(name, &def));
    };
    if def.triggers.iter().any(|t| t.name == new) {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!(
                "trigger \"{new}\" for relation \"{}\" already exists",
                def.name
            ),
        ));
    }
    let t = TriggerDef {
        name: new.to_owned(),
        ..t.clone()
    };
    rewrite(ctx, &def, &t, "ALTER TRIGGER")
}

/// Writes `t`'s row again.
fn rewrite(ctx: &mut Stmt<'_>, def: &TableDef, t: &TriggerDef, what: &str) -> Result<()> {
    let xid = ctx.write_xid(what)?;
    let who = ctx.actor(xid);
    let row = trigger_row(def.oid, t);
    let cat = ctx.catalog();
    for (tid, _) in cat.rows_where(&system::PG_TRIGGER, 0, t.oid)? {
        cat.update(&system::PG_TRIGGER, tid, &row, &who)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// ALTER TABLE ... ENABLE [REPLICA | ALWAYS] / DISABLE TRIGGER name |
/// ALL | USER: tgenabled `state` ('O', 'R', 'A', 'D').
pub(super) fn set_enabled(
    ctx: &mut Stmt<'_>,
    def: &TableDef,
    name: &str,
    state: char,
) -> Result<()> {
    let all = matches!(name, "all" | "user");
    let chosen: Vec<&TriggerDef> = def
        .triggers
        .iter()
        .filter(|t| all || t.name == name)
        .collect();
    if chosen.is_empty() && !all {
        return Err(no_trigger(name, def));
    }
    for t in chosen {
        let t = TriggerDef {
            enabled: state,
            ..t.clone()
        };
        rewrite(ctx, def, &t, "ALTER TABLE")?;
    }
    Ok(())
}

/// The triggers that use function `oid`, as (trigger, table) names.
pub(super) fn users_of_function(ctx: &Stmt<'_>, oid: u32) -> Result<Vec<(u32, String, String)>> {
    let cat = ctx.catalog();
    let mut out = Vec::new();
    for (_, r) in cat.rows_where(&system::PG_TRIGGER, 3, oid)? {
        let t = crate::catalog::trigger_def(&r);
        let table = match cat.table_by_oid(crate::catalog::oid_of(&r[1]))? {
            Some(d) => d.name.clone(),
            None => continue,
        };
        out.push((t.oid, t.name, table));
    }
    Ok(out)
}

/// ALTER TABLE ... DROP COLUMN `name` of `def`: the triggers that use
/// the column (UPDATE OF, WHEN) are 2BP01 unless `cascade`, which drops
/// them (with PostgreSQL's NOTICE).
pub(super) fn column_dropped(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    name: &str,
    cascade: bool,
) -> Result<()> {
    let Some(i) = def.find(name) else {
        return Ok(());
    };
    let attnum = (i + 1) as i16;
    let live: Vec<String> = def.live().map(|(_, c)| c.name.clone()).collect();
    let mut users = Vec::new();
    for t in &def.triggers {
        // A whole-row `new.*` depends on no one column, as in PostgreSQL.
        let in_when = t.when.as_deref().is_some_and(|w| {
            crate::parser::parse_expr(w)
                .map(|e| {
                    super::create::columns_used(&e, &live)
                        .iter()
                        .any(|c| c == name)
                })
                .unwrap_or(false)
        });
        if t.columns.contains(&attnum) || in_when {
            users.push(t.clone());
        }
    }
    let what: Vec<String> = users
        .iter()
        .map(|t| format!("trigger {} on table {}", t.name, def.name))
        .collect();
    super::drop::check_dependents(
        ctx,
        &format!("column {name} of table {}", def.name),
        &what,
        cascade,
    )?;
    for t in users {
        remove(ctx, xid, t.oid)?;
    }
    Ok(())
}
