//! REINDEX: indexes built again from their tables' rows (indexcmds.c's
//! ExecReindex). Each index gets a new, empty file filled from the table,
//! the old one going at commit, so a failed REINDEX leaves the old index.
//!
//! CONCURRENTLY is accepted with PostgreSQL's restrictions (outside a
//! transaction block, not on system catalogs) and builds as the plain
//! form does, holding the table's SHARE lock while it builds. System
//! catalogs keep their lookups in memory: there is nothing of theirs to
//! rebuild, and REINDEX of one succeeds doing nothing.

use std::sync::Arc;
use std::time::Instant;

use sqlparser::ast::ObjectName;

use super::{outside_block, split_name, undefined_table};
use crate::binder::object_name;
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::parser::ReindexKind;
use crate::result::ResultSink;
use crate::session::Stmt;
use actorgres_storage::lock::LockMode;

/// The options REINDEX takes.
struct Options {
    /// VERBOSE: an INFO line per index.
    verbose: bool,
    /// CONCURRENTLY.
    concurrently: bool,
}

/// A Boolean option's value (defGetBoolean): none is true.
fn boolean(name: &str, v: Option<&str>) -> Result<bool> {
    match v.map(str::to_ascii_lowercase).as_deref() {
        None | Some("true" | "on" | "1" | "yes") => Ok(true),
        Some("false" | "off" | "0" | "no") => Ok(false),
        Some(_) => Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            format!("{name} requires a Boolean value"),
        )),
    }
}

fn options(list: &[(String, Option<String>)]) -> Result<Options> {
    let mut o = Options {
        verbose: false,
        concurrently: false,
    };
    for (name, value) in list {
        match name.as_str() {
            "verbose" => o.verbose = boolean(name, value.as_deref())?,
            "concurrently" => o.concurrently = boolean(name, value.as_deref())?,
            "tablespace" => match value.as_deref() {
                // Every relation lives in the default tablespace.
                Some("pg_default") => {}
                Some(t) => {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("tablespace \"{t}\" does not exist"),
                    ))
                }
                None => {
                    return Err(SqlError::new(
                        SqlState::SYNTAX_ERROR,
                        "tablespace requires a parameter",
                    ))
                }
            },
            other => {
                return Err(SqlError::new(
                    SqlState::SYNTAX_ERROR,
                    format!("unrecognized REINDEX option \"{other}\""),
                ))
            }
        }
    }
    Ok(o)
}

/// REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM}
/// [CONCURRENTLY] name.
pub fn reindex(
    ctx: &mut Stmt<'_>,
    kind: ReindexKind,
    name: &ObjectName,
    opts: &[(String, Option<String>)],
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let o = options(opts)?;
    if o.concurrently {
        outside_block(ctx, "REINDEX CONCURRENTLY")?;
    }
    let parts = object_name(name);
    match kind {
        ReindexKind::Index => reindex_index(ctx, &parts, &o)?,
        ReindexKind::Table => {
            let (schema, table) = split_name(ctx, &parts)?;
            let Some(def) = ctx.open_table(schema, table, LockMode::Share)? else {
                return Err(undefined_table("relation", table));
            };
            if def.view.is_some() || def.sequence.is_some() {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("\"{}\" is not a table or materialized view", def.name),
                ));
            }
            if o.concurrently && def.system {
                return Err(concurrent_catalogs());
            }
            if def.partition_key.is_some() {
                outside_block(ctx, "REINDEX TABLE")?;
            }
            if !reindex_table(ctx, &def, &o)? && def.partition_key.is_none() {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    if o.concurrently {
                        format!(
                            "table \"{}\" has no indexes that can be reindexed concurrently",
                            def.name
                        )
                    } else {
                        format!("table \"{}\" has no indexes to reindex", def.name)
                    },
                ));
            }
        }
        ReindexKind::Schema | ReindexKind::Database | ReindexKind::System => {
            outside_block(ctx, &format!("REINDEX {}", kind.keyword()))?;
            let tables: Vec<(u32, String)> = match kind {
                ReindexKind::Schema => {
                    let schema = parts.last().cloned().unwrap_or_default();
                    let Some(ns) = ctx.catalog().namespace_named(&schema)? else {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_SCHEMA,
                            format!("schema \"{schema}\" does not exist"),
                        ));
                    };
                    if o.concurrently && ns == crate::catalog::system::PG_CATALOG_NS {
                        return Err(concurrent_catalogs());
                    }
                    ctx.catalog()
                        .tables()?
                        .into_iter()
                        .filter(|t| t.namespace == ns)
                        .map(|t| (t.namespace, t.name))
                        .collect()
                }
                _ => {
                    let db = parts.last().cloned().unwrap_or_default();
                    if db != ctx.info.database {
                        return Err(SqlError::new(
                            SqlState::FEATURE_NOT_SUPPORTED,
                            "can only reindex the currently open database",
                        ));
                    }
                    if kind == ReindexKind::System && o.concurrently {
                        return Err(concurrent_catalogs());
                    }
                    if kind == ReindexKind::Database && o.concurrently {
                        ctx.notices.push(SqlError::warning(
                            SqlState::FEATURE_NOT_SUPPORTED,
                            "cannot reindex system catalogs concurrently, skipping all",
                        ));
                    }
                    // DATABASE: the user's tables (system catalogs have
                    // nothing to rebuild); SYSTEM: nothing.
                    if kind == ReindexKind::System {
                        Vec::new()
                    } else {
                        ctx.catalog()
                            .tables()?
                            .into_iter()
                            .filter(|t| !t.system)
                            .map(|t| (t.namespace, t.name))
                            .collect()
                    }
                }
            };
            for (ns, name) in tables {
                let Some(def) = ctx.open_table_in(ns, &name, LockMode::Share)? else {
                    continue;
                };
                if def.view.is_some() || def.sequence.is_some() || !own_or_shared(ctx, &def) {
                    continue;
                }
                if reindex_table(ctx, &def, &o)? && o.verbose {
                    ctx.notices.push(SqlError::info(format!(
                        "table \"{}.{}\" was reindexed",
                        ctx.namespace_name(def.namespace)?,
                        def.name
                    )));
                }
            }
        }
    }
    sink.command_complete("REINDEX")
}

fn concurrent_catalogs() -> SqlError {
    SqlError::new(
        SqlState::FEATURE_NOT_SUPPORTED,
        "cannot reindex system catalogs concurrently",
    )
}

/// Not another session's temporary table (those are skipped).
fn own_or_shared(ctx: &mut Stmt<'_>, def: &TableDef) -> bool {
    ctx.check_own_temp_for(def, "reindex").is_ok()
}

/// REINDEX INDEX: the index, or for a partitioned table's index the
/// indexes of its partitions.
fn reindex_index(ctx: &mut Stmt<'_>, parts: &[String], o: &Options) -> Result<()> {
    let (schema, name) = split_name(ctx, parts)?;
    let Some((index, table_oid)) = ctx.catalog().index_named(schema, name)? else {
        // A relation of that name that is not an index, or none.
        if let Some(def) = ctx.open_table(schema, name, LockMode::AccessShare)? {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not an index", def.name),
            ));
        }
        return Err(undefined_table("relation", name));
    };
    let Some(def) = ctx.open_table_by_oid(table_oid, LockMode::Share)? else {
        return Err(undefined_table("relation", name));
    };
    if def.system {
        return if o.concurrently {
            Err(concurrent_catalogs())
        } else {
            Ok(())
        };
    }
    ctx.check_own_temp_for(&def, "reindex")?;
    if def.partition_key.is_some() {
        outside_block(ctx, "REINDEX INDEX")?;
        return reindex_partitions(ctx, &def, o).map(|_| ());
    }
    let xid = ctx.write_xid("REINDEX")?;
    rebuild(ctx, xid, &def, &index, o)
}

/// Rebuilds every index of `def` (of its partitions, for a partitioned
/// table); false if it has none.
fn reindex_table(ctx: &mut Stmt<'_>, def: &Arc<TableDef>, o: &Options) -> Result<bool> {
    if def.system {
        return Ok(true);
    }
    if def.partition_key.is_some() {
        return reindex_partitions(ctx, def, o);
    }
    if def.indexes.is_empty() {
        return Ok(false);
    }
    let xid = ctx.write_xid("REINDEX")?;
    for index in &def.indexes {
        rebuild(ctx, xid, def, index, o)?;
    }
    Ok(true)
}

/// The indexes of every partition below `def`.
fn reindex_partitions(ctx: &mut Stmt<'_>, def: &TableDef, o: &Options) -> Result<bool> {
    let mut any = false;
    for &oid in &def.partitions {
        if let Some(part) = ctx.open_table_by_oid(oid, LockMode::Share)? {
            any |= reindex_table(ctx, &part, o)?;
        }
    }
    Ok(any)
}

fn rebuild(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &crate::catalog::IndexDef,
    o: &Options,
) -> Result<()> {
    let started = Instant::now();
    super::index::rebuild_index(ctx, xid, def, index)?;
    ctx.interrupts
        .check()
        .map_err(crate::expr::interrupt_error)?;
    if o.verbose {
        ctx.notices.push(
            SqlError::info(format!("index \"{}\" was reindexed", index.name)).with_detail(format!(
                "CPU: user: 0.00 s, system: 0.00 s, elapsed: {:.2} s",
                started.elapsed().as_secs_f64()
            )),
        );
    }
    Ok(())
}
