//! TRUNCATE, VACUUM and CHECKPOINT.

use actorgres_storage::lock::LockMode;
use actorgres_storage::CheckpointKind;
use sqlparser::ast::{self, ObjectName};

use super::{outside_block, reject_system, split_name, undefined_table};
use crate::binder::object_name;
use crate::catalog::system;
use crate::catalog::TriggerDef;
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// LOCK [TABLE] a [, ...] [IN mode MODE]: takes the table lock until the
/// transaction ends (ACCESS EXCLUSIVE unless a mode is named).
pub fn lock_table(ctx: &mut Stmt<'_>, l: &ast::Lock, sink: &mut dyn ResultSink) -> Result<()> {
    if !ctx.txn.explicit {
        return Err(SqlError::new(
            SqlState::NO_ACTIVE_SQL_TRANSACTION,
            "LOCK TABLE can only be used in transaction blocks",
        ));
    }
    use ast::LockTableMode as M;
    let mode = match l.lock_mode {
        Some(M::AccessShare) => LockMode::AccessShare,
        Some(M::RowShare) => LockMode::RowShare,
        Some(M::RowExclusive) => LockMode::RowExclusive,
        Some(M::ShareUpdateExclusive) => LockMode::ShareUpdateExclusive,
        Some(M::Share) => LockMode::Share,
        Some(M::ShareRowExclusive) => LockMode::ShareRowExclusive,
        Some(M::Exclusive) => LockMode::Exclusive,
        Some(M::AccessExclusive) | None => LockMode::AccessExclusive,
    };
    for target in &l.tables {
        let parts = object_name(&target.name);
        let (schema, name) = split_name(ctx, &parts)?;
        let Some(def) = ctx.open_table(schema, name, mode)? else {
            return Err(undefined_table("relation", name));
        };
        // Any one of the privileges the mode asks for will do.
        use crate::acl::{DELETE, INSERT, SELECT, TRUNCATE, UPDATE};
        let any = match mode {
            LockMode::AccessShare => SELECT | INSERT | UPDATE | DELETE | TRUNCATE,
            LockMode::RowExclusive => INSERT | UPDATE | DELETE | TRUNCATE,
            _ => UPDATE | DELETE | TRUNCATE,
        };
        if !ctx.holds_any(&def, any)? {
            return Err(crate::session::privilege::denied(
                crate::session::privilege::relation_kind(&def).1,
                &def.name,
            ));
        }
    }
    sink.command_complete("LOCK TABLE")
}

/// Gives table `def` a new, empty relation file and new empty indexes
/// (the old files go at commit, the new ones at rollback), recorded in
/// pg_class; `unlogged` chooses the new file's persistence (None: the
/// table's).
pub(super) fn new_relation_file(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &crate::catalog::TableDef,
    unlogged: Option<bool>,
) -> Result<()> {
    let engine = ctx.engine();
    let filenode = engine.new_oid()?;
    let new = match unlogged {
        None => engine.create_relation_like(xid, def.rel, filenode)?,
        Some(true) => engine.create_unlogged_relation(ctx.db, filenode)?,
        Some(false) => engine.create_relation(xid, ctx.db, filenode)?,
    };
    ctx.txn.creates.push(new);
    ctx.txn.drops.push(def.rel);
    super::index::renew_indexes(ctx, xid, def, new)?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, mut row)) = cat.class_tid(def.oid)? {
        // A new file: no pages, and rows unknown until counted again.
        row.resize(system::PG_CLASS.columns.len(), Value::Null);
        row[4] = Value::Oid(filenode);
        row[12] = Value::Int4(0);
        row[13] = Value::Float4(-1.0);
        cat.update(&system::PG_CLASS, tid, &row, &who)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// TRUNCATE [TABLE] a [, ...]: each table gets a new, empty file (a new
/// relfilenode, as PostgreSQL); the old file goes at commit.
pub fn truncate(ctx: &mut Stmt<'_>, t: &ast::Truncate, sink: &mut dyn ResultSink) -> Result<()> {
    ctx.check_writable("TRUNCATE TABLE")?;
    let cascade = matches!(t.cascade, Some(ast::CascadeOption::Cascade));
    let mut defs = Vec::new();
    for target in &t.table_names {
        let parts = object_name(&target.name);
        let (schema, name) = split_name(ctx, &parts)?;
        let Some(def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? else {
            return Err(undefined_table("relation", name));
        };
        reject_system(&def)?;
        if def.matview.is_some() || def.sequence.is_some() {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not a table", def.name),
            ));
        }
        ctx.check_own_temp_for(&def, "truncate")?;
        ctx.check_relation(&def, crate::acl::TRUNCATE)?;
        defs.push(def);
    }
    // A partitioned table's partitions are truncated with it (unless ONLY).
    let mut i = 0;
    while i < defs.len() {
        let only = t.table_names.get(i).is_some_and(|n| n.only);
        if !only {
            for part in super::partition::partitions(ctx, &defs[i])? {
                if !defs.iter().any(|d| d.oid == part.oid) {
                    if let Some(d) = ctx.open_table(
                        Some(&ctx.namespace_name(part.namespace)?),
                        &part.name,
                        LockMode::AccessExclusive,
                    )? {
                        defs.push(d);
                    }
                }
            }
        }
        i += 1;
    }
    // Tables referencing a truncated one go too (CASCADE), or must be in
    // the list.
    let mut i = 0;
    while i < defs.len() {
        let referencing: Vec<(String, String)> = defs[i]
            .referenced_by
            .iter()
            .filter(|fk| !defs.iter().any(|d| d.oid == fk.table.0))
            .map(|fk| (fk.table.1.clone(), fk.ref_table.1.clone()))
            .collect();
        for (child, parent) in referencing {
            if defs.iter().any(|d| d.name == child) {
                continue;
            }
            if !cascade {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "cannot truncate a table referenced in a foreign key constraint",
                )
                .with_detail(format!("Table \"{child}\" references \"{parent}\"."))
                .with_hint(format!(
                    "Truncate table \"{child}\" at the same time, or use TRUNCATE ... CASCADE."
                )));
            }
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("truncate cascades to table \"{child}\""),
            ));
            if let Some(d) = ctx.open_table(None, &child, LockMode::AccessExclusive)? {
                defs.push(d);
            }
        }
        i += 1;
    }
    // BEFORE TRUNCATE triggers of every table, the tables emptied, then
    // the AFTER ones (ExecuteTruncateGuts' order).
    for def in &defs {
        crate::table::fire_statement(ctx, def, TriggerDef::TRUNCATE, true, None)?;
    }
    for def in &defs {
        let xid = ctx.write_xid("TRUNCATE TABLE")?;
        new_relation_file(ctx, xid, def, None)?;
    }
    for def in &defs {
        crate::table::fire_statement(ctx, def, TriggerDef::TRUNCATE, false, None)?;
    }
    sink.command_complete("TRUNCATE TABLE")
}

/// VACUUM [options] [table [(columns)], ...]: prunes dead row versions
/// and records the free space; with ANALYZE, then analyzes the tables
/// (analyze.rs).
pub fn vacuum(
    ctx: &mut Stmt<'_>,
    options: &[String],
    tables: &[(ObjectName, Vec<String>)],
    sink: &mut dyn ResultSink,
) -> Result<()> {
    outside_block(ctx, "VACUUM")?;
    for o in options {
        if !matches!(
            o.as_str(),
            "full" | "freeze" | "verbose" | "analyze" | "analyse" | "parallel" | "skip_locked"
        ) {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                format!("unrecognized VACUUM option \"{o}\""),
            ));
        }
    }
    let analyze = options.iter().any(|o| o == "analyze" || o == "analyse");
    if !analyze && tables.iter().any(|(_, c)| !c.is_empty()) {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "ANALYZE option must be specified when a column list is provided",
        ));
    }
    let mut defs = Vec::new();
    if tables.is_empty() {
        let mut all = ctx.catalog().tables()?;
        // The catalogs too, as PostgreSQL's database-wide VACUUM.
        for t in system::PER_DATABASE {
            if let Some(d) = ctx.catalog().table(Some("pg_catalog"), t.name)? {
                all.push(d);
            }
        }
        for d in all {
            if let Some(d) =
                ctx.open_table_in(d.namespace, &d.name, LockMode::ShareUpdateExclusive)?
            {
                defs.push(d);
            }
        }
    } else {
        for (n, _) in tables {
            let parts = object_name(n);
            let (schema, name) = split_name(ctx, &parts)?;
            let def = ctx
                .open_table(schema, name, LockMode::ShareUpdateExclusive)?
                .ok_or_else(|| undefined_table("relation", name))?;
            defs.push(def);
        }
    }
    for d in defs {
        ctx.interrupts
            .check()
            .map_err(crate::expr::interrupt_error)?;
        // Other sessions' temporary tables are silently skipped, as in
        // PostgreSQL (their pages are in those sessions' local buffers).
        if ctx.check_own_temp(&d).is_err() {
            continue;
        }
        let done = ctx.engine().vacuum(d.rel)?;
        ctx.engine()
            .maintained(d.rel, actorgres_storage::Maintenance::Vacuum);
        for index in &d.indexes {
            ctx.engine().index_vacuum(index.rel)?;
        }
        // A table's size in pg_class, as PostgreSQL's VACUUM records it
        // (catalogs keep theirs: their rows are computed).
        if !d.system && d.partition_key.is_none() && d.view.is_none() {
            let xid = ctx.write_xid("VACUUM")?;
            let pages = ctx.engine().nblocks(d.rel)? as i32;
            super::analyze::record_size(ctx, xid, d.oid, pages, done.remaining as f32)?;
            ctx.txn.cid += 1;
        }
    }
    if analyze {
        let targets = super::analyze::resolve(ctx, tables, "VACUUM")?;
        let verbose = options.iter().any(|o| o == "verbose");
        super::analyze::analyze_targets(ctx, &targets, verbose)?;
    }
    sink.command_complete("VACUUM")
}

/// CHECKPOINT: an immediate checkpoint, waited for.
pub fn checkpoint(ctx: &mut Stmt<'_>) -> Result<()> {
    ctx.engine().checkpoint(CheckpointKind::Immediate)?;
    Ok(())
}
