//! The ALTER TABLE / INDEX / VIEW / SEQUENCE actions parsed in
//! parser/alter_rel.rs: renaming an index, view or sequence, moving a
//! relation to another schema, a column's statistics target, storage and
//! options, storage parameters, CLUSTER ON, REPLICA IDENTITY.
//!
//! Rules:
//! 1. ALTER VIEW / SEQUENCE / INDEX name the kind they expect (42809
//!    otherwise), except that ALTER INDEX may rename any relation, as in
//!    PostgreSQL.
//! 2. A relation moved to another schema takes its indexes, constraints
//!    and owned sequences along; a sequence's `nextval('schema.name')`
//!    defaults follow it (they name it as text here, where PostgreSQL
//!    keeps its OID).
//! 3. Statistics targets, storage and options change no stored value:
//!    they are kept in pg_attribute for the catalog and ANALYZE.

use std::sync::Arc;

use actorgres_storage::lock::LockMode;

use super::reloptions::{self, Target};
use super::{lock_names, split_name, undefined_table};
use crate::binder::object_name;
use crate::catalog::{system, IndexDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::alter_rel::{AlterRelation, ColumnRef, RelAction, RelKind};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// Runs an ALTER of a relation.
pub fn alter_relation(
    ctx: &mut Stmt<'_>,
    a: &AlterRelation,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let tag = a.kind.tag();
    ctx.check_writable(tag)?;
    if let (RelKind::Type | RelKind::Domain, RelAction::SetSchema(to)) = (a.kind, &a.action) {
        super::types::set_type_schema(ctx, &object_name(&a.name), to)?;
        return sink.command_complete(tag);
    }
    let parts = object_name(&a.name);
    let (schema, name) = split_name(ctx, &parts)?;
    lock_names(ctx)?;
    if a.kind == RelKind::Index {
        if let Some((index, table_oid)) = ctx.catalog().index_named(schema, name)? {
            let table = ctx
                .catalog()
                .table_by_oid(table_oid)?
                .ok_or_else(|| SqlError::internal("an index without its table"))?;
            let Some(def) =
                ctx.open_table_in(table.namespace, &table.name, lock_level(&a.action))?
            else {
                return Err(undefined_table("relation", name));
            };
            let xid = ctx.write_xid(tag)?;
            alter_index(ctx, xid, &def, &index, &a.action)?;
            ctx.catalog_changed();
            return sink.command_complete(tag);
        }
    }
    let Some(def) = ctx.open_table(schema, name, lock_level(&a.action))? else {
        if a.if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("relation \"{name}\" does not exist, skipping"),
            ));
            return sink.command_complete(tag);
        }
        return Err(undefined_table("relation", name));
    };
    check_kind(a, &def)?;
    if !def.system {
        ctx.check_relation_owner(&def)?;
    }
    if def.system {
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied: \"{}\" is a system catalog", def.name),
        ));
    }
    let xid = ctx.write_xid(tag)?;
    match &a.action {
        RelAction::Rename(to) => rename_relation(ctx, xid, &def, to)?,
        RelAction::RenameColumn(from, to) => rename_view_column(ctx, xid, &def, from, to)?,
        RelAction::SetSchema(to) => set_schema(ctx, xid, &def, to)?,
        RelAction::OwnerTo(role) => {
            let word = crate::session::privilege::relation_kind(&def).1;
            super::grant::change_owner(
                ctx,
                crate::catalog::privs::CLASS,
                def.oid,
                role,
                word,
                &def.name,
            )?
        }
        RelAction::SetTablespace(t) => check_tablespace(t)?,
        RelAction::ColumnDefault(column, default) => {
            view_default(ctx, xid, &def, column, default.as_deref())?
        }
        RelAction::ColumnStatistics(ColumnRef::Name(c), n) => {
            let n = stattarget(ctx, *n)?;
            update_attribute(ctx, xid, &def, c, |r| r[11] = Value::Int2(n))?
        }
        RelAction::ColumnStatistics(ColumnRef::Number(_), _) => {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot refer to a table column by number",
            ))
        }
        RelAction::ColumnStorage(c, kind) => {
            let storage = storage_of(&def, c, kind)?;
            update_attribute(ctx, xid, &def, c, |r| r[12] = Value::Text(storage.into()))?
        }
        RelAction::ColumnOptions {
            column,
            reset,
            options,
        } => {
            let current = def
                .find(column)
                .map(|i| def.columns[i].tuning.options.clone())
                .unwrap_or_default();
            let new = if *reset {
                attribute_options(&current, options, true)?
            } else {
                attribute_options(&current, options, false)?
            };
            update_attribute(ctx, xid, &def, column, |r| {
                r[13] = if new.is_empty() {
                    Value::Null
                } else {
                    Value::Text(new.join(","))
                }
            })?
        }
        RelAction::Options { reset, options } => {
            let target = if def.view.is_some() {
                Target::View
            } else {
                Target::Table
            };
            let new = if *reset {
                reloptions::reset(target, &def.options, options)?
            } else {
                reloptions::set(target, &def.options, options)?
            };
            update_class(ctx, xid, def.oid, |r| r[6] = reloptions::stored(&new))?
        }
        RelAction::ClusterOn(index) => {
            let Some(ix) = def.indexes.iter().find(|i| i.name == *index) else {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!(
                        "index \"{index}\" for table \"{}\" does not exist",
                        def.name
                    ),
                ));
            };
            let oid = ix.oid;
            mark_indexes(ctx, xid, &def, 10, |i| i.oid == oid)?
        }
        RelAction::SetWithoutCluster => mark_indexes(ctx, xid, &def, 10, |_| false)?,
        RelAction::SetWithoutOids => {}
        RelAction::ReplicaIdentity(how, index) => replica_identity(ctx, xid, &def, how, index)?,
        RelAction::AttachPartition(_) => {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not an index", def.name),
            ))
        }
        RelAction::OfType(ty) => {
            let parts = object_name(ty);
            let oid = check_of_type(ctx, &def, &parts)?;
            set_of_type(ctx, &def, Some(oid))?
        }
        RelAction::NotOf => set_of_type(ctx, &def, None)?,
    }
    ctx.catalog_changed();
    sink.command_complete(tag)
}

/// The lock an action takes on its table, as PostgreSQL's
/// AlterTableGetLockLevel: settings that change no row and no plan's
/// correctness let reads and writes go on.
fn lock_level(action: &RelAction) -> LockMode {
    match action {
        RelAction::ColumnStatistics(..)
        | RelAction::ColumnOptions { .. }
        | RelAction::Options { .. }
        | RelAction::ClusterOn(_)
        | RelAction::SetWithoutCluster => LockMode::ShareUpdateExclusive,
        _ => LockMode::AccessExclusive,
    }
}

/// Rule 1: the relation is of the kind the statement names.
fn check_kind(a: &AlterRelation, def: &TableDef) -> Result<()> {
    let wrong = |what: &str| {
        Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not {what}", def.name),
        ))
    };
    match a.kind {
        RelKind::View if def.view.is_none() => wrong("a view"),
        RelKind::MaterializedView if def.matview.is_none() => wrong("a materialized view"),
        RelKind::ForeignTable => wrong("a foreign table"),
        RelKind::Sequence if def.sequence.is_none() => wrong("a sequence"),
        RelKind::Index if !matches!(a.action, RelAction::Rename(_)) => wrong("an index"),
        _ => Ok(()),
    }
}

/// ALTER INDEX actions on an index of `def`.
fn alter_index(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    index: &IndexDef,
    action: &RelAction,
) -> Result<()> {
    match action {
        RelAction::Rename(to) => rename_index(ctx, xid, def, index, to),
        RelAction::SetSchema(_) => {
            // An index lives in its table's schema; PostgreSQL ignores
            // the request with a warning-free no-op as well.
            Ok(())
        }
        RelAction::OwnerTo(_) => Ok(()),
        RelAction::SetTablespace(t) => check_tablespace(t),
        RelAction::ColumnStatistics(column, n) => {
            index_statistics(ctx, xid, def, index, column, *n)
        }
        RelAction::Options { reset, options } => {
            let new = if *reset {
                reloptions::reset(Target::Index, &index.reloptions, options)?
            } else {
                reloptions::set(Target::Index, &index.reloptions, options)?
            };
            update_class(ctx, xid, index.oid, |r| r[6] = reloptions::stored(&new))
        }
        RelAction::AttachPartition(_) => Err(SqlError::unsupported(
            "ALTER INDEX ... ATTACH PARTITION (an index on a partitioned table is made on each partition)",
        )),
        _ => Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is an index", index.name),
        )),
    }
}

/// 42704 for a tablespace other than pg_default (actorgres has only the
/// data directory).
fn check_tablespace(name: &str) -> Result<()> {
    if name == "pg_default" {
        return Ok(());
    }
    Err(SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("tablespace \"{name}\" does not exist"),
    ))
}

/// Rewrites the pg_class row of `oid` with `change`.
fn update_class(
    ctx: &mut Stmt<'_>,
    xid: u32,
    oid: u32,
    change: impl FnOnce(&mut Vec<Value>),
) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, mut row)) = cat.class_tid(oid)? {
        change(&mut row);
        cat.update(&system::PG_CLASS, tid, &row, &who)?;
    }
    Ok(())
}

/// 42P07 when schema `ns` already has a relation called `name`.
fn name_free(ctx: &Stmt<'_>, ns: u32, name: &str) -> Result<()> {
    if ctx.catalog().relation_exists(ns, name)? {
        return Err(SqlError::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{name}\" already exists"),
        ));
    }
    Ok(())
}

/// ALTER VIEW / SEQUENCE / INDEX ... RENAME TO: the pg_class row; a
/// sequence's defaults follow it (rule 2).
fn rename_relation(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, to: &str) -> Result<()> {
    name_free(ctx, def.namespace, to)?;
    update_class(ctx, xid, def.oid, |r| r[1] = Value::Text(to.to_owned()))?;
    super::view::retarget_views(ctx, xid, (def.namespace, &def.name), (def.namespace, to))?;
    if def.sequence.is_some() {
        let schema = ctx.namespace_name(def.namespace)?;
        retarget_defaults(ctx, xid, (&schema, &def.name), (&schema, to))?;
    }
    Ok(())
}

/// ALTER INDEX ... RENAME TO: the index, and the constraint it backs.
fn rename_index(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &IndexDef,
    to: &str,
) -> Result<()> {
    name_free(ctx, def.namespace, to)?;
    update_class(ctx, xid, index.oid, |r| r[1] = Value::Text(to.to_owned()))?;
    // The constraint an index stands for carries its name.
    let who = ctx.actor(xid);
    ctx.catalog()
        .update_where(&system::PG_CONSTRAINT, 4, def.oid, &who, |r| {
            let hit = r[1] == Value::Text(index.name.clone())
                && matches!(&r[3], Value::Text(k) if k == "p" || k == "u");
            if hit {
                r[1] = Value::Text(to.to_owned());
            }
            hit
        })
}

/// ALTER VIEW ... RENAME COLUMN: the view's column name (its query's
/// own names are not used once the view has its columns).
fn rename_view_column(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    from: &str,
    to: &str,
) -> Result<()> {
    if def.view.is_none() && def.matview.is_none() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a view", def.name),
        ));
    }
    if def.find(to).is_some() {
        return Err(SqlError::new(
            SqlState::DUPLICATE_COLUMN,
            format!(
                "column \"{to}\" of relation \"{}\" already exists",
                def.name
            ),
        ));
    }
    update_attribute(ctx, xid, def, from, |r| r[1] = Value::Text(to.to_owned()))
}

/// ALTER VIEW ... ALTER COLUMN ... SET / DROP DEFAULT: the view column's
/// pg_attrdef row.
fn view_default(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    column: &str,
    default: Option<&sqlparser::ast::Expr>,
) -> Result<()> {
    let Some(i) = def.find(column) else {
        return Err(no_column(def, column));
    };
    let attnum = i as i16 + 1;
    let new_oid = match default {
        Some(_) => Some(ctx.engine().new_oid()?),
        None => None,
    };
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, r) in cat.rows_where(&system::PG_ATTRDEF, 1, def.oid)? {
        if r[2] == Value::Int2(attnum) {
            cat.delete(&system::PG_ATTRDEF, tid, &who)?;
        }
    }
    if let (Some(e), Some(oid)) = (default, new_oid) {
        cat.insert(
            &system::PG_ATTRDEF,
            &[
                Value::Oid(oid),
                Value::Oid(def.oid),
                Value::Int2(attnum),
                Value::Text(e.to_string()),
            ],
            &who,
        )?;
    }
    update_attribute(ctx, xid, def, column, |r| {
        r[7] = Value::Bool(default.is_some())
    })
}

fn no_column(def: &TableDef, column: &str) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_COLUMN,
        format!(
            "column \"{column}\" of relation \"{}\" does not exist",
            def.name
        ),
    )
}

/// Rewrites the pg_attribute row of `def`'s column `column` (42703 if it
/// has none; system columns are 0A000).
fn update_attribute(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    column: &str,
    change: impl FnOnce(&mut Vec<Value>),
) -> Result<()> {
    let Some(i) = def.find(column) else {
        if matches!(
            column,
            "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid"
        ) {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("cannot alter system column \"{column}\""),
            ));
        }
        return Err(no_column(def, column));
    };
    let attnum = Value::Int2(i as i16 + 1);
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    let mut change = Some(change);
    for (tid, mut r) in cat.rows_where(&system::PG_ATTRIBUTE, 0, def.oid)? {
        if r[4] == attnum {
            r.resize(system::PG_ATTRIBUTE.columns.len(), Value::Null);
            if let Some(f) = change.take() {
                f(&mut r);
            }
            cat.update(&system::PG_ATTRIBUTE, tid, &r, &who)?;
        }
    }
    Ok(())
}

/// A SET STATISTICS target as PostgreSQL takes it: below -1 is 22023,
/// above 10000 is lowered with a warning.
fn stattarget(ctx: &mut Stmt<'_>, n: i64) -> Result<i16> {
    if n < -1 {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("statistics target {n} is too low"),
        ));
    }
    if n > 10000 {
        ctx.notices.push(SqlError::warning(
            SqlState::INVALID_PARAMETER_VALUE,
            "lowering statistics target to 10000",
        ));
        return Ok(10000);
    }
    Ok(n as i16)
}

/// ALTER INDEX ... ALTER COLUMN n SET STATISTICS: only an expression
/// column of an index takes one.
fn index_statistics(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &IndexDef,
    column: &ColumnRef,
    n: i64,
) -> Result<()> {
    let ColumnRef::Number(k) = *column else {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot refer to an index column by name",
        ));
    };
    if !(1..=32767).contains(&k) {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "column number must be in range from 1 to 32767",
        ));
    }
    let natts = index.natts() + index.include.len();
    if k as usize > natts {
        return Err(SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!(
                "column number {k} of relation \"{}\" does not exist",
                index.name
            ),
        ));
    }
    let pos = k as usize - 1;
    let expression = index
        .exprs
        .as_ref()
        .is_some_and(|x| x.keys.get(pos).is_some_and(Option::is_none));
    if !expression {
        let names = crate::table::index::key_columns(def, index);
        let name = names
            .get(pos)
            .map(|(n, _, _)| n.clone())
            .or_else(|| {
                index
                    .include
                    .get(pos.saturating_sub(names.len()))
                    .and_then(|&a| def.columns.get(a))
                    .map(|c| c.name.clone())
            })
            .unwrap_or_default();
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!(
                "cannot alter statistics on non-expression column \"{name}\" of index \"{}\"",
                index.name
            ),
        )
        .with_hint("Alter statistics on table column instead."));
    }
    let n = stattarget(ctx, n)?;
    let mut targets = index.stattargets.clone();
    targets.resize(index.natts(), -1);
    targets[pos] = n;
    let text: Vec<String> = targets.iter().map(i16::to_string).collect();
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    cat.update_where(&system::PG_INDEX, 0, index.oid, &who, |r| {
        r.resize(system::PG_INDEX.columns.len(), Value::Null);
        r[12] = Value::Text(text.join(" "));
        true
    })?;
    Ok(())
}

/// SET STORAGE: the letter PostgreSQL keeps; a fixed-length type can
/// only be PLAIN (0A000).
fn storage_of(def: &TableDef, column: &str, kind: &str) -> Result<&'static str> {
    let storage = match kind {
        "plain" => "p",
        "external" => "e",
        "extended" => "x",
        "main" => "m",
        other => {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("invalid storage type \"{other}\""),
            ))
        }
    };
    if let Some(c) = def.find(column).map(|i| &def.columns[i]) {
        if c.ty.typlen() > 0 && storage != "p" {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("column data type {} can only have storage PLAIN", c.ty),
            ));
        }
    }
    Ok(storage)
}

/// ALTER COLUMN SET (n_distinct = ...) / RESET (...): the attribute
/// options PostgreSQL knows.
fn attribute_options(
    current: &[String],
    options: &[(String, Option<String>)],
    reset: bool,
) -> Result<Vec<String>> {
    for (name, value) in options {
        if name != "n_distinct" && name != "n_distinct_inherited" {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("unrecognized parameter \"{name}\""),
            ));
        }
        if reset && value.is_some() {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                "RESET must not include values for parameters",
            ));
        }
        if let Some(v) = value {
            let n: f64 = v.parse().map_err(|_| {
                SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("invalid value for floating point option \"{name}\": {v}"),
                )
            })?;
            if n < -1.0 {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("value {v} out of bounds for option \"{name}\""),
                )
                .with_detail(
                    "Valid values are between \"-1.000000\" and \"179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000\".",
                ));
            }
        }
    }
    let mut out: Vec<String> = current
        .iter()
        .filter(|o| {
            !options
                .iter()
                .any(|(n, _)| o.split_once('=').is_some_and(|(k, _)| k == n))
        })
        .cloned()
        .collect();
    if !reset {
        out.extend(
            options
                .iter()
                .map(|(n, v)| format!("{n}={}", v.as_deref().unwrap_or(""))),
        );
    }
    Ok(out)
}

/// Sets column `col` of the pg_index rows of `def`'s indexes: true where
/// `on` holds, false elsewhere.
fn mark_indexes(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    col: usize,
    on: impl Fn(&IndexDef) -> bool,
) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for ix in &def.indexes {
        let value = Value::Bool(on(ix));
        cat.update_where(&system::PG_INDEX, 0, ix.oid, &who, |r| {
            r.resize(system::PG_INDEX.columns.len(), Value::Null);
            let changed = r[col] != value;
            r[col] = value.clone();
            changed
        })?;
    }
    Ok(())
}

/// REPLICA IDENTITY DEFAULT | FULL | NOTHING | USING INDEX: the index
/// must be unique, immediate, without expressions or predicate, on NOT
/// NULL columns.
fn replica_identity(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    how: &str,
    index: &Option<String>,
) -> Result<()> {
    let letter = match how {
        "default" => "d",
        "full" => "f",
        "nothing" => "n",
        "using" => "i",
        other => {
            return Err(SqlError::syntax(
                format!("syntax error at or near \"{other}\""),
                None,
            ))
        }
    };
    let chosen = match index {
        Some(name) => {
            let Some(ix) = def.indexes.iter().find(|i| i.name == *name) else {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("index \"{name}\" for table \"{}\" does not exist", def.name),
                ));
            };
            if !ix.unique {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("cannot use non-unique index \"{name}\" as replica identity"),
                ));
            }
            if ix.exprs.as_ref().is_some_and(|x| x.predicate.is_some()) {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("cannot use partial index \"{name}\" as replica identity"),
                ));
            }
            if ix.exprs.is_some() {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!("index \"{name}\" cannot be used as replica identity because column 0 is a system column"),
                ));
            }
            if let Some(&a) = ix.columns.iter().find(|&&a| !def.columns[a].not_null) {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!(
                        "index \"{name}\" cannot be used as replica identity because column \"{}\" is nullable",
                        def.columns[a].name
                    ),
                ));
            }
            Some(ix.oid)
        }
        None => None,
    };
    update_class(ctx, xid, def.oid, |r| {
        r.resize(system::PG_CLASS.columns.len(), Value::Null);
        r[9] = Value::Text(letter.into());
    })?;
    mark_indexes(ctx, xid, def, 11, |i| Some(i.oid) == chosen)
}

/// ALTER ... SET SCHEMA (rule 2).
fn set_schema(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, to: &str) -> Result<()> {
    let Some(ns) = ctx.catalog().namespace_named(to)? else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_SCHEMA,
            format!("schema \"{to}\" does not exist"),
        ));
    };
    if ns == def.namespace {
        return Ok(());
    }
    let from = ctx.namespace_name(def.namespace)?;
    let temp = |s: &str| crate::catalog::temp_schema_owner(s).is_some() || s == "pg_temp";
    if temp(&from) || temp(to) {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot move objects into or out of temporary schemas",
        ));
    }
    if to == "pg_toast" {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot move objects into or out of TOAST schema",
        ));
    }
    if ctx.catalog().relation_exists(ns, &def.name)? {
        return Err(SqlError::new(
            SqlState::DUPLICATE_TABLE,
            format!(
                "relation \"{}\" already exists in schema \"{to}\"",
                def.name
            ),
        ));
    }
    let mut moved: Vec<(u32, String, bool)> =
        vec![(def.oid, def.name.clone(), def.sequence.is_some())];
    moved.extend(def.indexes.iter().map(|i| (i.oid, i.name.clone(), false)));
    // Sequences the table's columns own go with it.
    let cat = ctx.catalog();
    for (_, r) in cat.rows(&system::PG_SEQUENCE)? {
        if r[9] == Value::Oid(def.oid) {
            if let Value::Oid(seq) = r[0] {
                if let Some((_, class)) = cat.class_tid(seq)? {
                    moved.push((seq, crate::catalog::text_of(&class[1]), true));
                }
            }
        }
    }
    for (oid, name, sequence) in &moved {
        if *oid != def.oid && ctx.catalog().relation_exists(ns, name)? {
            return Err(SqlError::new(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{name}\" already exists in schema \"{to}\""),
            ));
        }
        update_class(ctx, xid, *oid, |r| r[2] = Value::Oid(ns))?;
        super::view::retarget_views(ctx, xid, (def.namespace, name), (ns, name))?;
        if *sequence {
            retarget_defaults(ctx, xid, (&from, name), (to, name))?;
        }
    }
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    cat.update_where(&system::PG_CONSTRAINT, 4, def.oid, &who, |r| {
        r[2] = Value::Oid(ns);
        true
    })?;
    Ok(())
}

/// Rule 2: column defaults `nextval('from'::regclass)` name the sequence
/// `to` instead.
fn retarget_defaults(
    ctx: &mut Stmt<'_>,
    xid: u32,
    from: (&str, &str),
    to: (&str, &str),
) -> Result<()> {
    let old = super::create::nextval_default(from.0, from.1);
    let new = super::create::nextval_default(to.0, to.1);
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut r) in cat.rows(&system::PG_ATTRDEF)? {
        if let Value::Text(t) = &r[3] {
            if t.contains(&old) {
                r[3] = Value::Text(t.replace(&old, &new));
                cat.update(&system::PG_ATTRDEF, tid, &r, &who)?;
            }
        }
    }
    Ok(())
}

/// ALTER TABLE t OF type: the table's columns must be the composite
/// type's attributes, in order, of the same types (42804 with
/// PostgreSQL's messages), and it may not inherit (42809).
fn check_of_type(ctx: &Stmt<'_>, def: &TableDef, parts: &[String]) -> Result<u32> {
    let t = super::types::find_type(ctx, parts)?
        .ok_or_else(|| super::types::undefined_type(&parts.join(".")))?;
    let Some(composite) = &t.composite else {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("type {} is not a composite type", t.name),
        ));
    };
    if !def.parents.is_empty() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            "typed tables cannot inherit",
        ));
    }
    let mismatch = |m: String| Err(SqlError::new(SqlState::DATATYPE_MISMATCH, m));
    let live: Vec<&crate::catalog::ColumnDef> = def.live().map(|(_, c)| c).collect();
    for (i, (name, &(ty, typmod))) in composite.names.iter().zip(&composite.types).enumerate() {
        let Some(c) = live.get(i) else {
            return mismatch(format!("table is missing column \"{name}\""));
        };
        if c.name != *name {
            return mismatch(format!(
                "table has column \"{}\" where type requires \"{name}\"",
                c.name
            ));
        }
        if c.ty != ty || c.typmod != typmod {
            return mismatch(format!(
                "table \"{}\" has different type for column \"{name}\"",
                def.name
            ));
        }
    }
    if let Some(extra) = live.get(composite.names.len()) {
        return mismatch(format!("table has extra column \"{}\"", extra.name));
    }
    Ok(t.oid)
}

/// Records (or clears) a table's composite type: pg_class.reloftype.
pub(super) fn set_of_type(ctx: &mut Stmt<'_>, def: &TableDef, ty: Option<u32>) -> Result<()> {
    let xid = ctx.write_xid("ALTER TABLE")?;
    update_class(ctx, xid, def.oid, |r| {
        r.resize(system::PG_CLASS.columns.len(), Value::Null);
        r[11] = Value::Oid(ty.unwrap_or(0));
    })?;
    ctx.catalog_changed();
    Ok(())
}

/// CLUSTER [table [USING index]]: the table's rows written again in the
/// order of the index, which becomes the table's clustered index; without
/// a table, every table of the database that has one (outside a
/// transaction block, as PostgreSQL).
pub fn cluster(
    ctx: &mut Stmt<'_>,
    table: Option<&sqlparser::ast::ObjectName>,
    index: Option<&str>,
) -> Result<()> {
    ctx.check_writable("CLUSTER")?;
    let Some(table) = table else {
        super::outside_block(ctx, "CLUSTER")?;
        let tables: Vec<(u32, String)> = ctx
            .catalog()
            .tables()?
            .into_iter()
            .filter(|t| t.indexes.iter().any(|i| i.clustered))
            .map(|t| (t.namespace, t.name.clone()))
            .collect();
        for (ns, name) in tables {
            if let Some(def) = ctx.open_table_in(ns, &name, LockMode::AccessExclusive)? {
                cluster_table(ctx, &def, None)?;
            }
        }
        return Ok(());
    };
    let parts = object_name(table);
    let (schema, name) = split_name(ctx, &parts)?;
    let Some(def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? else {
        return Err(undefined_table("relation", name));
    };
    if def.system {
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied: \"{}\" is a system catalog", def.name),
        ));
    }
    if def.view.is_some() || def.sequence.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a table", def.name),
        ));
    }
    ctx.check_own_temp_for(&def, "cluster")?;
    cluster_table(ctx, &def, index)
}

/// Clusters `def` on `index` (None: its clustered index).
fn cluster_table(ctx: &mut Stmt<'_>, def: &Arc<TableDef>, index: Option<&str>) -> Result<()> {
    let ix = match index {
        Some(n) => def.indexes.iter().find(|i| i.name == n).ok_or_else(|| {
            SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("index \"{n}\" for table \"{}\" does not exist", def.name),
            )
        })?,
        None => def.indexes.iter().find(|i| i.clustered).ok_or_else(|| {
            SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!(
                    "there is no previously clustered index for table \"{}\"",
                    def.name
                ),
            )
        })?,
    };
    if def.partition_key.is_some() {
        return Err(SqlError::unsupported("CLUSTER of a partitioned table"));
    }
    if ix.method != 403 {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!(
                "cannot cluster on index \"{}\" because access method does not support clustering",
                ix.name
            ),
        ));
    }
    if ix.exprs.as_ref().is_some_and(|x| x.predicate.is_some()) {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("cannot cluster on partial index \"{}\"", ix.name),
        ));
    }
    let xid = ctx.write_xid("CLUSTER")?;
    let style = ctx.style.clone();
    let mut keyed: Vec<(Vec<u8>, Vec<Value>)> = Vec::new();
    super::alter::each_row(ctx, def, |row, _| {
        let key = crate::table::index::entry_key(def, ix, row, &style)?
            .map(|(k, _)| k)
            .unwrap_or_default();
        keyed.push((key, row.to_vec()));
        Ok(())
    })?;
    // Equal keys keep their order (a stable sort), as the index's.
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let rows = keyed.into_iter().map(|(_, r)| r).collect();
    let oid = ix.oid;
    mark_indexes(ctx, xid, def, 10, |i| i.oid == oid)?;
    ctx.txn.cid += 1;
    super::alter::rewrite(ctx, xid, def, rows, None)?;
    ctx.catalog_changed();
    Ok(())
}
