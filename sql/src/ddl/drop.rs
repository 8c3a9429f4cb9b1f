//! DROP TABLE, DROP VIEW, DROP SEQUENCE, DROP INDEX and DROP DATABASE.

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{ObjectName, ObjectType};

use super::{lock_names, outside_block, reject_system, split_name, undefined_table};
use crate::binder::object_name;
use crate::catalog::{system, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::{Dispatched, Stmt};

/// Deletes every catalog row of table `def` in this transaction and
/// schedules its file for removal at commit.
pub(super) fn remove_table(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef) -> Result<()> {
    // A partitioned table's partitions go with it.
    for part in super::partition::partitions(ctx, def)? {
        remove_table(ctx, xid, &part)?;
    }
    super::partition::detach(ctx, xid, def.oid)?;
    super::partition::forget_key(ctx, xid, def)?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    match cat.class_tid(def.oid)? {
        Some((tid, _)) => cat.delete(&system::PG_CLASS, tid, &who)?,
        // Dropped already (a partition of a table dropped before it).
        None => return Ok(()),
    }
    for (t, col) in [
        (&system::PG_ATTRIBUTE, 0),
        (&system::PG_ATTRDEF, 1),
        (&system::PG_CONSTRAINT, 4),
        (&system::PG_TRIGGER, 1),
    ] {
        for (tid, _) in cat.rows_where(t, col, def.oid)? {
            cat.delete(t, tid, &who)?;
        }
    }
    for (tid, _) in cat.rows_where(&system::PG_REWRITE, 2, def.oid)? {
        cat.delete(&system::PG_REWRITE, tid, &who)?;
    }
    for (tid, _) in cat.rows_where(&system::PG_SEQUENCE, 0, def.oid)? {
        cat.delete(&system::PG_SEQUENCE, tid, &who)?;
    }
    // The sequences its serial and identity columns own go with it.
    let owned: Vec<u32> = cat
        .rows_where(&system::PG_SEQUENCE, 9, def.oid)?
        .iter()
        .map(|(_, r)| crate::catalog::oid_of(&r[0]))
        .collect();
    if def.view.is_none() {
        ctx.txn.drops.push(def.rel);
    }
    super::index::remove_indexes(ctx, xid, def, None)?;
    super::comment::remove_descriptions(ctx, xid, def.oid)?;
    ctx.catalog().drop_privileges(def.oid, &ctx.actor(xid))?;
    for ix in &def.indexes {
        super::comment::remove_descriptions(ctx, xid, ix.oid)?;
    }
    for t in &def.triggers {
        super::comment::remove_descriptions(ctx, xid, t.oid)?;
    }
    ctx.catalog_changed();
    for seq in owned {
        if let Some(s) = ctx.catalog().table_by_oid(seq)? {
            remove_table(ctx, xid, &s)?;
        }
    }
    Ok(())
}

/// A DROP of `object` ("function f()", "column b of table t") that
/// `dependents` ("trigger x on table t") need: 2BP01 with PostgreSQL's
/// DETAIL and HINT, or with `cascade` the NOTICE of what goes with it
/// (the caller drops them).
pub(super) fn check_dependents(
    ctx: &mut Stmt<'_>,
    object: &str,
    dependents: &[String],
    cascade: bool,
) -> Result<()> {
    if dependents.is_empty() {
        return Ok(());
    }
    if !cascade {
        return Err(SqlError::new(
            SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
            format!("cannot drop {object} because other objects depend on it"),
        )
        .with_detail(
            dependents
                .iter()
                .map(|d| format!("{d} depends on {object}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    ctx.notices.push(cascade_notice(dependents));
    Ok(())
}

/// PostgreSQL's NOTICE for objects a DROP ... CASCADE takes with it
/// (`lines` as "table t", "constraint c on table t").
pub(super) fn cascade_notice(lines: &[String]) -> SqlError {
    match lines {
        [one] => SqlError::notice(
            SqlState::SUCCESSFUL_COMPLETION,
            format!("drop cascades to {one}"),
        ),
        many => SqlError::notice(
            SqlState::SUCCESSFUL_COMPLETION,
            format!("drop cascades to {} other objects", many.len()),
        )
        .with_detail(
            many.iter()
                .map(|l| format!("drop cascades to {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// DROP TABLE | DATABASE [IF EXISTS] names.
pub fn drop(
    ctx: &mut Stmt<'_>,
    kind: ObjectType,
    if_exists: bool,
    cascade: bool,
    names: &[ObjectName],
    sink: &mut dyn ResultSink,
) -> Result<Dispatched> {
    match kind {
        ObjectType::Table
        | ObjectType::View
        | ObjectType::MaterializedView
        | ObjectType::Sequence => {
            let kind = match kind {
                ObjectType::Table => 'r',
                ObjectType::View => 'v',
                ObjectType::MaterializedView => 'm',
                _ => 'S',
            };
            let verb = drop_relations(ctx, if_exists, cascade, names, kind)?;
            sink.command_complete(verb)?;
            Ok(Dispatched::Done)
        }
        ObjectType::Index => {
            super::index::drop_indexes(ctx, if_exists, names)?;
            sink.command_complete("DROP INDEX")?;
            Ok(Dispatched::Done)
        }
        ObjectType::Schema => {
            super::schema::drop_schemas(ctx, if_exists, cascade, names)?;
            sink.command_complete("DROP SCHEMA")?;
            Ok(Dispatched::Done)
        }
        ObjectType::Type => {
            super::types::drop_types(ctx, if_exists, cascade, names, false)?;
            sink.command_complete("DROP TYPE")?;
            Ok(Dispatched::Done)
        }
        ObjectType::Database => {
            let [name] = names else {
                return Err(SqlError::syntax("DROP DATABASE takes one name", None));
            };
            drop_database(ctx, if_exists, name, sink)
        }
        ObjectType::Role | ObjectType::User | ObjectType::Group => {
            super::role::drop_roles(ctx, if_exists, names)?;
            sink.command_complete("DROP ROLE")?;
            Ok(Dispatched::Done)
        }
        other => Err(SqlError::unsupported(format!("DROP {other}"))),
    }
}

/// The words for a relation kind: what it is called and its DROP.
fn kind_words(kind: char) -> (&'static str, &'static str) {
    match kind {
        'v' => ("view", "DROP VIEW"),
        'm' => ("materialized view", "DROP MATERIALIZED VIEW"),
        'S' => ("sequence", "DROP SEQUENCE"),
        _ => ("table", "DROP TABLE"),
    }
}

/// DROP TABLE, VIEW or SEQUENCE [IF EXISTS] names: each must be of that
/// kind (42809 with PostgreSQL's hint otherwise). The command tag.
fn drop_relations(
    ctx: &mut Stmt<'_>,
    if_exists: bool,
    cascade: bool,
    names: &[ObjectName],
    kind: char,
) -> Result<&'static str> {
    let (what, verb) = kind_words(kind);
    ctx.check_writable(verb)?;
    lock_names(ctx)?;
    let dropped: Vec<String> = names.iter().filter_map(|n| object_name(n).pop()).collect();
    for n in names {
        let parts = object_name(n);
        let (schema, name) = split_name(ctx, &parts)?;
        let Some(def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? else {
            if if_exists {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    format!("{what} \"{name}\" does not exist, skipping"),
                ));
                continue;
            }
            return Err(undefined_table(what, name));
        };
        if def.system {
            reject_system(&def)?;
        }
        let actual = match def.relkind() {
            'p' => 'r',
            k => k,
        };
        if actual != kind {
            let (other, other_verb) = kind_words(actual);
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{name}\" is not a {what}"),
            )
            .with_hint(format!("Use {other_verb} to remove a {other}.")));
        }
        // The owner of the relation or of its schema may drop it.
        if !ctx.owns_relation(&def)? && ctx.check_schema_owner(def.namespace).is_err() {
            ctx.check_relation_owner(&def)?;
        }
        let xid = ctx.write_xid(verb)?;
        drop_dependent_views(ctx, xid, &def, &dropped, cascade)?;
        drop_dependent_keys(ctx, xid, &def, &dropped, cascade)?;
        drop_inheritors(ctx, xid, &def, &dropped, cascade)?;
        drop_dependent_routines(ctx, xid, &def, cascade)?;
        remove_table(ctx, xid, &def)?;
    }
    Ok(verb)
}

/// Routines whose arguments or result are `def`'s row type: 2BP01
/// ("function f(t) depends on type t"), or with CASCADE dropped.
fn drop_dependent_routines(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    cascade: bool,
) -> Result<()> {
    let users = super::function::routines_using(ctx, Some(def.oid), &[])?;
    if users.is_empty() {
        return Ok(());
    }
    let path = ctx.search_path()?;
    let mut lines = Vec::with_capacity(users.len());
    for f in &users {
        lines.push(super::function::describe_function(ctx, &path, f)?);
    }
    if !cascade {
        let detail: Vec<String> = lines
            .iter()
            .map(|l| format!("{l} depends on type {}", def.name))
            .collect();
        return Err(dependents_error(
            &format!("{} {}", relation_word(def), def.name),
            &detail,
        ));
    }
    ctx.notices.push(cascade_notice(&lines));
    super::function::remove_functions(ctx, xid, &users)
}

/// 2BP01 for dropping `object` ("table t", "view v") that the objects
/// of `detail` (one line each) depend on.
fn dependents_error(object: &str, detail: &[String]) -> SqlError {
    SqlError::new(
        SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
        format!("cannot drop {object} because other objects depend on it"),
    )
    .with_detail(detail.join("\n"))
    .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
}

/// Tables inheriting from `def` (not themselves dropped by the
/// statement): 2BP01 listing them, or with CASCADE dropped (with
/// PostgreSQL's notice).
fn drop_inheritors(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    dropped: &[String],
    cascade: bool,
) -> Result<()> {
    let children: Vec<_> = super::inherit::descendants(ctx, def, false, LockMode::AccessExclusive)?
        .into_iter()
        .filter(|(c, _)| !dropped.contains(&c.name))
        .collect();
    if children.is_empty() {
        return Ok(());
    }
    let found = children
        .iter()
        .map(|(c, parent)| (&**c, format!("table {parent}")))
        .collect();
    report_or_drop(ctx, xid, &format!("table {}", def.name), found, cascade)
}

/// The views and materialized views that read relation `def` (by name,
/// as their stored queries name it), and those that read them, not
/// themselves dropped by the statement: 2BP01 listing them, or with
/// CASCADE dropped (with PostgreSQL's notice).
fn drop_dependent_views(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    dropped: &[String],
    cascade: bool,
) -> Result<()> {
    let relations = ctx.catalog().relations()?;
    let reads = view_reads(&relations);
    let mut found: Vec<(&TableDef, String)> = Vec::new();
    let skip = |v: &TableDef| v.oid == def.oid || dropped.contains(&v.name);
    let shown = format!("{} {}", relation_word(def), def.name);
    readers(&def.name, &shown, &reads, &skip, &mut found);
    if found.is_empty() {
        return Ok(());
    }
    report_or_drop(ctx, xid, &shown, found, cascade)
}

/// What a relation is called in dependency messages (table, view ...).
fn relation_word(d: &TableDef) -> &'static str {
    crate::session::privilege::relation_kind(d).1
}

/// The views and materialized views that read relation `name` (`reads`:
/// each with the relations its query names), then those that read them,
/// depth first in creation order, each with what it depends on (`shown`
/// for the first level), less those `skip` keeps out.
fn readers<'d>(
    name: &str,
    shown: &str,
    reads: &[(&'d TableDef, Vec<String>)],
    skip: &dyn Fn(&TableDef) -> bool,
    found: &mut Vec<(&'d TableDef, String)>,
) {
    let mut direct: Vec<&TableDef> = reads
        .iter()
        .filter(|(v, read)| read.iter().any(|r| r == name) && !skip(v))
        .map(|(v, _)| *v)
        .collect();
    direct.sort_by_key(|v| v.oid);
    for v in direct {
        if found.iter().any(|(f, _)| f.oid == v.oid) {
            continue;
        }
        found.push((v, shown.to_owned()));
        let me = format!("{} {}", relation_word(v), v.name);
        readers(&v.name, &me, reads, skip, found);
    }
}

/// The views and materialized views of `reads` that name `def`, in
/// creation order.
fn views_reading<'d>(reads: &[(&'d TableDef, Vec<String>)], def: &TableDef) -> Vec<&'d TableDef> {
    let mut direct: Vec<&TableDef> = reads
        .iter()
        .filter(|(v, read)| v.oid != def.oid && read.contains(&def.name))
        .map(|(v, _)| *v)
        .collect();
    direct.sort_by_key(|v| v.oid);
    direct
}

/// Every view and materialized view with the relations its query names.
fn view_reads(relations: &[TableDef]) -> Vec<(&TableDef, Vec<String>)> {
    relations
        .iter()
        .filter_map(|v| {
            let text = v.view.as_deref().or(v.matview.as_deref())?;
            Some((v, crate::parser::relations_read(text)))
        })
        .collect()
}

/// The views and materialized views that use column `column` of `def`,
/// which the statement has just dropped: those whose query no longer
/// binds, or no longer yields the columns the view has (`SELECT *`), and
/// the views that read them. 2BP01 listing them, or with CASCADE dropped
/// (with PostgreSQL's notice).
pub(super) fn drop_column_users(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    column: &str,
    cascade: bool,
) -> Result<()> {
    // The views bind against the catalog as the drop left it.
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    let relations = ctx.catalog().relations()?;
    let reads = view_reads(&relations);
    let direct = views_reading(&reads, def);
    let on = format!("column {column} of table {}", def.name);
    let mut found: Vec<(&TableDef, String)> = Vec::new();
    for v in direct {
        if found.iter().any(|(f, _)| f.oid == v.oid) || still_binds(ctx, v) {
            continue;
        }
        found.push((v, on.clone()));
        let me = format!("{} {}", relation_word(v), v.name);
        readers(
            &v.name,
            &me,
            &reads,
            &|x: &TableDef| x.oid == def.oid,
            &mut found,
        );
    }
    if found.is_empty() {
        return Ok(());
    }
    report_or_drop(ctx, xid, &on, found, cascade)
}

/// Whether view `v`'s query still binds to the columns the view has.
fn still_binds(ctx: &mut Stmt<'_>, v: &TableDef) -> bool {
    rebind(ctx, v).is_some_and(|types| types.len() == v.columns.len())
}

/// The column types view `v`'s query yields now; None if it no longer
/// binds.
fn rebind(ctx: &mut Stmt<'_>, v: &TableDef) -> Option<Vec<crate::types::DataType>> {
    let text = v.view.as_deref().or(v.matview.as_deref())?;
    let parsed = crate::parser::parse(text).ok()?;
    let [crate::parser::Parsed::Sql(ast)] = parsed.as_slice() else {
        return None;
    };
    let sqlparser::ast::Statement::Query(q) = ast.as_ref() else {
        return None;
    };
    let style = ctx.style.clone();
    let bound = crate::binder::Binder::new(text, style, Vec::new(), ctx)
        .unchecked()
        .query(q)
        .ok()?;
    Some(bound.columns.iter().map(|c| c.ty).collect())
}

/// ALTER COLUMN ... TYPE of column `column` of `def`, just done: 0A000
/// when a view or materialized view reading the table no longer yields
/// the columns it has (PostgreSQL refuses any view using the column; a
/// view here keeps its query as text, so one that only filters on the
/// column follows the new type).
pub(super) fn check_type_users(ctx: &mut Stmt<'_>, def: &TableDef, column: &str) -> Result<()> {
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    let relations = ctx.catalog().relations()?;
    let reads = view_reads(&relations);
    let direct = views_reading(&reads, def);
    for v in direct {
        let same = rebind(ctx, v).is_some_and(|types| {
            types.len() == v.columns.len() && types.iter().zip(&v.columns).all(|(t, c)| *t == c.ty)
        });
        if !same {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot alter type of a column used by a view or rule",
            )
            .with_detail(format!(
                "rule _RETURN on {} {} depends on column \"{column}\"",
                relation_word(v),
                v.name
            )));
        }
    }
    Ok(())
}

/// 2BP01 "cannot drop `shown`" listing the relations `found` (each with
/// what it depends on), or with CASCADE those dropped, last first.
fn report_or_drop(
    ctx: &mut Stmt<'_>,
    xid: u32,
    shown: &str,
    found: Vec<(&TableDef, String)>,
    cascade: bool,
) -> Result<()> {
    let word = relation_word;
    let lines: Vec<String> = found
        .iter()
        .map(|(v, _)| format!("{} {}", word(v), v.name))
        .collect();
    if !cascade {
        let detail: Vec<String> = found
            .iter()
            .zip(&lines)
            .map(|((_, on), l)| format!("{l} depends on {on}"))
            .collect();
        return Err(dependents_error(shown, &detail));
    }
    ctx.notices.push(cascade_notice(&lines));
    for (v, _) in found.into_iter().rev() {
        remove_table(ctx, xid, v)?;
    }
    Ok(())
}

/// Foreign keys of other tables referencing `def`: 2BP01 listing them,
/// or with CASCADE dropped (with PostgreSQL's notice).
pub(super) fn drop_dependent_keys(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    dropped: &[String],
    cascade: bool,
) -> Result<()> {
    let mut deps: Vec<&crate::catalog::ForeignKeyDef> = def
        .referenced_by
        .iter()
        .filter(|fk| fk.table.0 != def.oid && !dropped.contains(&fk.table.1))
        .collect();
    if deps.is_empty() {
        return Ok(());
    }
    deps.sort_by_key(|fk| fk.oid);
    let lines: Vec<String> = deps
        .iter()
        .map(|fk| format!("constraint {} on table {}", fk.name, fk.table.1))
        .collect();
    if !cascade {
        let detail: Vec<String> = lines
            .iter()
            .map(|l| format!("{l} depends on table {}", def.name))
            .collect();
        return Err(dependents_error(&format!("table {}", def.name), &detail));
    }
    let notice = cascade_notice(&lines);
    ctx.notices.push(notice);
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for fk in deps {
        for (tid, r) in cat.rows_where(&system::PG_CONSTRAINT, 0, fk.oid)? {
            if crate::catalog::oid_of(&r[0]) == fk.oid {
                cat.delete(&system::PG_CONSTRAINT, tid, &who)?;
            }
        }
    }
    ctx.catalog_changed();
    Ok(())
}

fn drop_database(
    ctx: &mut Stmt<'_>,
    if_exists: bool,
    name: &ObjectName,
    sink: &mut dyn ResultSink,
) -> Result<Dispatched> {
    outside_block(ctx, "DROP DATABASE")?;
    let name = object_name(name).join(".");
    super::database::lock_databases(ctx)?;
    let no_txn = actorgres_storage::xact::NoTxn;
    let cat = crate::catalog::Catalog::new(ctx.engine(), 0, &no_txn);
    let Some((tid, db)) = cat.database(&name)? else {
        if if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("database \"{name}\" does not exist, skipping"),
            ));
            sink.command_complete("DROP DATABASE")?;
            return Ok(Dispatched::Done);
        }
        return Err(SqlError::new(
            SqlState::INVALID_CATALOG_NAME,
            format!("database \"{name}\" does not exist"),
        ));
    };
    if db.oid == ctx.db {
        return Err(SqlError::new(
            SqlState::OBJECT_IN_USE,
            "cannot drop the currently open database",
        ));
    }
    if db.is_template {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            "cannot drop a template database",
        ));
    }
    let others = ctx
        .host
        .activity()
        .iter()
        .filter(|a| a.database == name && a.pid != ctx.info.pid)
        .count();
    if others > 0 {
        let s = if others == 1 { "" } else { "s" };
        return Err(SqlError::new(
            SqlState::OBJECT_IN_USE,
            format!("database \"{name}\" is being accessed by other users"),
        )
        .with_detail(format!(
            "There is {others} other session{s} using the database."
        )));
    }
    let xid = ctx.write_xid("DROP DATABASE")?;
    let own = &*ctx.txn;
    let cat = crate::catalog::Catalog::new(ctx.engine(), 0, own);
    let who = ctx.actor(xid);
    cat.delete(&system::PG_DATABASE, tid, &who)?;
    sink.command_complete("DROP DATABASE")?;
    Ok(Dispatched::CommitThenDropDatabase(db.oid))
}
