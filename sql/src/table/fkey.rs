//! FOREIGN KEY enforcement: what PostgreSQL's RI triggers do.
//!
//! Rules:
//! 1. Row changes queue their work ([`RiQueue`]); it runs when the
//!    statement's rows are done (PostgreSQL's AFTER ROW triggers fire at
//!    the end of the statement), or at COMMIT for a deferred constraint.
//! 2. A referencing key is found in the referenced table's unique index
//!    through a dirty snapshot (a concurrent inserter or deleter is
//!    waited for), and the referenced row is locked, so that a concurrent
//!    DELETE of it waits for this transaction.
//! 3. Referential actions (CASCADE, SET NULL, SET DEFAULT) run as
//!    internal DELETE and UPDATE statements on the referencing table,
//!    which queue and run their own foreign key work in turn; NO ACTION
//!    and RESTRICT look for a referencing row with an internal SELECT.
//! 4. A key with a NULL is not checked (MATCH SIMPLE); MATCH FULL refuses
//!    a key mixing NULL and non-NULL values.

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use actorgres_storage::Modify;

use crate::catalog::{ForeignKeyDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::value::{OutputStyle, Value};

/// Foreign key work left by a statement's row changes.
#[derive(Debug, Default)]
pub(crate) struct RiQueue {
    /// Keys of new or changed referencing rows, by foreign key (its index
    /// in the table's `foreign_keys`).
    checks: Vec<(usize, Vec<Value>)>,
    /// Old keys of deleted or changed referenced rows (with the new key
    /// for an update), by foreign key (index in `referenced_by`).
    parents: Vec<(usize, Vec<Value>, Option<Vec<Value>>)>,
}

/// A check left for COMMIT by a deferred constraint.
#[derive(Debug, Clone)]
pub(crate) enum Deferred {
    /// A referencing key that must be present.
    Present(ForeignKeyDef, Vec<Value>),
    /// A referenced key that must no longer be referenced (NO ACTION).
    Unreferenced(ForeignKeyDef, Vec<Value>),
}

/// The values of attributes `cols` in a row of the table's live columns.
fn key(def: &TableDef, live: &[Value], cols: &[(usize, String)]) -> Vec<Value> {
    cols.iter()
        .map(|(i, _)| {
            def.live()
                .position(|(a, _)| a == *i)
                .and_then(|p| live.get(p))
                .cloned()
                .unwrap_or(Value::Null)
        })
        .collect()
}

fn violation(fk: &ForeignKeyDef) -> SqlError {
    SqlError::new(
        SqlState::FOREIGN_KEY_VIOLATION,
        format!(
            "insert or update on table \"{}\" violates foreign key constraint \"{}\"",
            fk.table.1, fk.name
        ),
    )
    .with_object(Some(&fk.table.1), None, Some(&fk.name))
}

/// `Key (a, b)=(1, 2)`.
fn key_text(cols: &[(usize, String)], key: &[Value], style: &OutputStyle) -> String {
    let names: Vec<&str> = cols.iter().map(|(_, n)| n.as_str()).collect();
    let values: Vec<String> = key
        .iter()
        .map(|v| v.to_text(style).unwrap_or_else(|| "null".into()))
        .collect();
    format!("Key ({})=({})", names.join(", "), values.join(", "))
}

impl RiQueue {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.checks.is_empty() && self.parents.is_empty()
    }

    /// A row inserted into `def` (its live columns).
    pub fn inserted(&mut self, def: &TableDef, new: &[Value]) -> Result<()> {
        for (n, fk) in def.foreign_keys.iter().enumerate() {
            let k = key(def, new, &fk.columns);
            if let Some(k) = checked_key(fk, k)? {
                self.checks.push((n, k));
            }
        }
        Ok(())
    }

    /// A row of `def` changed from `old` to `new`.
    pub fn updated(&mut self, def: &TableDef, old: &[Value], new: &[Value]) -> Result<()> {
        for (n, fk) in def.foreign_keys.iter().enumerate() {
            let k = key(def, new, &fk.columns);
            if k != key(def, old, &fk.columns) {
                if let Some(k) = checked_key(fk, k)? {
                    self.checks.push((n, k));
                }
            }
        }
        for (n, fk) in def.referenced_by.iter().enumerate() {
            let before = key(def, old, &fk.ref_columns);
            let after = key(def, new, &fk.ref_columns);
            if before != after && !before.iter().any(Value::is_null) {
                self.parents.push((n, before, Some(after)));
            }
        }
        Ok(())
    }

    /// A row of `def` deleted.
    pub fn deleted(&mut self, def: &TableDef, old: &[Value]) {
        for (n, fk) in def.referenced_by.iter().enumerate() {
            let before = key(def, old, &fk.ref_columns);
            if !before.iter().any(Value::is_null) {
                self.parents.push((n, before, None));
            }
        }
    }
}

/// The key to look for, or None when a NULL exempts it (rule 4).
fn checked_key(fk: &ForeignKeyDef, k: Vec<Value>) -> Result<Option<Vec<Value>>> {
    let nulls = k.iter().filter(|v| v.is_null()).count();
    if nulls == 0 {
        return Ok(Some(k));
    }
    if fk.match_type == 'f' && nulls < k.len() {
        return Err(violation(fk)
            .with_detail("MATCH FULL does not allow mixing of null and nonnull key values."));
    }
    Ok(None)
}

/// Whether constraint `fk` is deferred in this transaction.
fn is_deferred(ctx: &Stmt<'_>, fk: &ForeignKeyDef) -> bool {
    fk.deferrable && ctx.txn.constraint_deferred(&fk.name, fk.deferred)
}

/// Runs the work `queue` holds for changes to `def` (rule 1).
pub(crate) fn fire(ctx: &mut Stmt<'_>, def: &TableDef, queue: RiQueue) -> Result<()> {
    let RiQueue {
        mut checks,
        parents,
    } = queue;
    checks.dedup();
    let mut parents_of = Parents::default();
    for (n, k) in checks {
        let fk = &def.foreign_keys[n];
        if is_deferred(ctx, fk) {
            ctx.txn
                .deferred_checks
                .push(Deferred::Present(fk.clone(), k));
            continue;
        }
        check_present(ctx, &mut parents_of, fk, &k)?;
    }
    for (n, old, new) in parents {
        let fk = &def.referenced_by[n];
        let action = if new.is_some() {
            fk.on_update
        } else {
            fk.on_delete
        };
        match action {
            'c' | 'n' => act(ctx, fk, action, &old, new.as_deref())?,
            'd' => {
                act(ctx, fk, action, &old, new.as_deref())?;
                // A referencing row whose default is the key just
                // removed kept it: the NO ACTION check catches it.
                if !key_present(ctx, &mut parents_of, fk, &old)? {
                    check_unreferenced(ctx, fk, &old)?;
                }
            }
            'r' => check_unreferenced(ctx, fk, &old)?,
            _ if is_deferred(ctx, fk) => ctx
                .txn
                .deferred_checks
                .push(Deferred::Unreferenced(fk.clone(), old)),
            _ => {
                // NO ACTION: another row may hold the key again.
                if !key_present(ctx, &mut parents_of, fk, &old)? {
                    check_unreferenced(ctx, fk, &old)?;
                }
            }
        }
    }
    Ok(())
}

/// Runs the checks deferred to COMMIT (and SET CONSTRAINTS ... IMMEDIATE).
pub(crate) fn fire_deferred(ctx: &mut Stmt<'_>, only: Option<&[String]>) -> Result<()> {
    let all = std::mem::take(&mut ctx.txn.deferred_checks);
    let (now, keep): (Vec<Deferred>, Vec<Deferred>) = all.into_iter().partition(|d| {
        let name = match d {
            Deferred::Present(fk, _) | Deferred::Unreferenced(fk, _) => &fk.name,
        };
        only.is_none_or(|names| names.contains(name))
    });
    ctx.txn.deferred_checks = keep;
    let mut parents_of = Parents::default();
    for d in now {
        match d {
            Deferred::Present(fk, k) => check_present(ctx, &mut parents_of, &fk, &k)?,
            Deferred::Unreferenced(fk, k) => {
                if !key_present(ctx, &mut parents_of, &fk, &k)? {
                    check_unreferenced(ctx, &fk, &k)?;
                }
            }
        }
    }
    Ok(())
}

/// Referenced tables by OID, opened (and locked ROW SHARE, as
/// PostgreSQL's checks lock them) once per batch of checks rather than
/// per key.
type Parents = std::collections::HashMap<u32, Option<Arc<TableDef>>>;

/// A referenced table, its unique index on the key, and a key's bytes.
type KeyLookup = (Arc<TableDef>, actorgres_storage::smgr::RelId, Vec<u8>);

/// The referenced table of `fk` and its unique index on the referenced
/// columns, with `k` as that index's key.
fn referenced_key(
    ctx: &mut Stmt<'_>,
    parents: &mut Parents,
    fk: &ForeignKeyDef,
    k: &[Value],
) -> Result<Option<KeyLookup>> {
    let parent = match parents.get(&fk.ref_table.0) {
        Some(p) => p.clone(),
        None => {
            let p = ctx.open_table(Some(&fk.ref_schema), &fk.ref_table.1, LockMode::RowShare)?;
            parents.insert(fk.ref_table.0, p.clone());
            p
        }
    };
    let Some(parent) = parent else {
        return Ok(None);
    };
    let wanted: Vec<usize> = fk.ref_columns.iter().map(|(i, _)| *i).collect();
    let Some(index) = parent.indexes.iter().find(|ix| {
        ix.unique
            && ix.exprs.is_none()
            && ix.columns.len() == wanted.len()
            && wanted.iter().all(|c| ix.columns.contains(c))
    }) else {
        return Err(SqlError::new(
            SqlState::INVALID_FOREIGN_KEY,
            format!(
                "there is no unique constraint matching given keys for referenced table \"{}\"",
                parent.name
            ),
        ));
    };
    let mut by_attr = vec![Value::Null; parent.columns.len()];
    for (((i, _), v), from) in fk.ref_columns.iter().zip(k).zip(&fk.types) {
        let col = &parent.columns[*i];
        by_attr[*i] =
            crate::cast::cast_value(v.clone(), *from, col.ty, col.typmod, false, ctx.style)?;
    }
    if parent.partition_key.is_some() {
        return partition_key_lookup(ctx, &parent, index, &by_attr);
    }
    let (bytes, _) = super::index::attr_key(index, &by_attr)?;
    let rel = index.rel;
    Ok(Some((parent, rel, bytes)))
}

/// The lookup of a key in a partitioned referenced table: in the unique
/// index of the partition the key routes to (its columns hold the
/// partition key, as PostgreSQL requires); None when no partition would
/// hold it.
fn partition_key_lookup(
    ctx: &mut Stmt<'_>,
    parent: &Arc<TableDef>,
    index: &crate::catalog::IndexDef,
    by_attr: &[Value],
) -> Result<Option<KeyLookup>> {
    let style = ctx.style.clone();
    let router = super::partition::Router::new(
        Arc::clone(parent),
        &mut |oid| ctx.open_table_by_oid(oid, actorgres_storage::lock::LockMode::AccessShare),
        &style,
    )?;
    let row: Vec<Value> = parent.live().map(|(i, _)| by_attr[i].clone()).collect();
    let Ok((leaf, _)) = router.route(row, &style) else {
        return Ok(None);
    };
    let leaf = Arc::clone(leaf);
    let names: Vec<&str> = index
        .columns
        .iter()
        .filter_map(|&c| parent.columns.get(c).map(|c| c.name.as_str()))
        .collect();
    let Some(leaf_index) = leaf.indexes.iter().find(|ix| {
        ix.unique
            && ix.exprs.is_none()
            && ix.columns.len() == names.len()
            && ix
                .columns
                .iter()
                .zip(&names)
                .all(|(&c, n)| leaf.columns.get(c).is_some_and(|c| c.name == *n))
    }) else {
        return Ok(None);
    };
    let leaf_attr: Vec<Value> = leaf
        .columns
        .iter()
        .map(|c| {
            parent
                .find(&c.name)
                .and_then(|i| by_attr.get(i).cloned())
                .unwrap_or(Value::Null)
        })
        .collect();
    let (bytes, _) = super::index::attr_key(leaf_index, &leaf_attr)?;
    let rel = leaf_index.rel;
    Ok(Some((leaf, rel, bytes)))
}

/// 23503 unless key `k` of `fk` is in the referenced table; the row
/// holding it is locked (rule 2).
fn check_present(
    ctx: &mut Stmt<'_>,
    parents: &mut Parents,
    fk: &ForeignKeyDef,
    k: &[Value],
) -> Result<()> {
    if !lock_referenced(ctx, parents, fk, k)? {
        return Err(violation(fk).with_detail(format!(
            "{} is not present in table \"{}\".",
            key_text(&fk.columns, k, ctx.style),
            fk.ref_table.1
        )));
    }
    Ok(())
}

/// Finds and locks the referenced row holding `k`; false if none.
fn lock_referenced(
    ctx: &mut Stmt<'_>,
    parents: &mut Parents,
    fk: &ForeignKeyDef,
    k: &[Value],
) -> Result<bool> {
    let Some((parent, index, bytes)) = referenced_key(ctx, parents, fk, k)? else {
        return Ok(false);
    };
    let xid = ctx.write_xid("a foreign key check")?;
    let engine = ctx.engine();
    let who = ctx.actor(xid);
    loop {
        let Some(tid) = engine.index_conflict(index, &bytes, &who)? else {
            return Ok(false);
        };
        match engine.heap_lock(parent.rel, tid, &who)? {
            Modify::Done(_) | Modify::SelfModified | Modify::Invisible => return Ok(true),
            // Deleted or moved meanwhile: look again.
            Modify::Deleted | Modify::Updated { .. } => {}
        }
    }
}

/// Whether the referenced table still holds key `k` (NO ACTION: a row
/// deleted and inserted again in one statement).
fn key_present(
    ctx: &mut Stmt<'_>,
    parents: &mut Parents,
    fk: &ForeignKeyDef,
    k: &[Value],
) -> Result<bool> {
    let Some((_, index, bytes)) = referenced_key(ctx, parents, fk, k)? else {
        return Ok(false);
    };
    let xid = ctx.write_xid("a foreign key check")?;
    let engine = ctx.engine();
    let who = ctx.actor(xid);
    Ok(engine.index_conflict(index, &bytes, &who)?.is_some())
}

/// A table name for internal statements, which must not depend on the
/// search_path (pg_dump's restore empties it).
pub(crate) fn qualified(schema: &str, table: &str) -> String {
    format!(
        "{}.{}",
        crate::func::quote_ident(schema),
        crate::func::quote_ident(table)
    )
}

/// `"c1" = $1 AND "c2" = $2`, numbering from `first`.
fn key_condition(cols: &[(usize, String)], first: usize) -> String {
    cols.iter()
        .enumerate()
        .map(|(n, (_, c))| format!("{} = ${}", crate::func::quote_ident(c), first + n))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// 23503 if a referencing row of `fk` still holds key `k`.
fn check_unreferenced(ctx: &mut Stmt<'_>, fk: &ForeignKeyDef, k: &[Value]) -> Result<()> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE {} LIMIT 1",
        qualified(&fk.schema, &fk.table.1),
        key_condition(&fk.columns, 1)
    );
    let found = ctx.run_internal(&sql, k, &fk.ref_types)?;
    if found.rows.is_empty() {
        return Ok(());
    }
    Err(SqlError::new(
        SqlState::FOREIGN_KEY_VIOLATION,
        format!(
            "update or delete on table \"{}\" violates foreign key constraint \"{}\" on table \"{}\"",
            fk.ref_table.1, fk.name, fk.table.1
        ),
    )
    .with_detail(format!(
        "{} is still referenced from table \"{}\".",
        key_text(&fk.ref_columns, k, ctx.style),
        fk.table.1
    ))
    .with_object(Some(&fk.table.1), None, Some(&fk.name)))
}

/// CASCADE, SET NULL or SET DEFAULT on the rows referencing key `old`
/// (rule 3).
fn act(
    ctx: &mut Stmt<'_>,
    fk: &ForeignKeyDef,
    action: char,
    old: &[Value],
    new: Option<&[Value]>,
) -> Result<()> {
    let table = qualified(&fk.schema, &fk.table.1);
    let n = fk.columns.len();
    let (sql, params) = match (action, new) {
        ('c', None) => (
            format!(
                "DELETE FROM {table} WHERE {}",
                key_condition(&fk.columns, 1)
            ),
            old.to_vec(),
        ),
        ('c', Some(new)) => {
            let sets: Vec<String> = fk
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, c))| format!("{} = ${}", crate::func::quote_ident(c), n + i + 1))
                .collect();
            let mut params = old.to_vec();
            params.extend_from_slice(new);
            (
                format!(
                    "UPDATE {table} SET {} WHERE {}",
                    sets.join(", "),
                    key_condition(&fk.columns, 1)
                ),
                params,
            )
        }
        (kind, _) => {
            let value = if kind == 'n' { "NULL" } else { "DEFAULT" };
            let sets: Vec<String> = fk
                .columns
                .iter()
                .map(|(_, c)| format!("{} = {value}", crate::func::quote_ident(c)))
                .collect();
            (
                format!(
                    "UPDATE {table} SET {} WHERE {}",
                    sets.join(", "),
                    key_condition(&fk.columns, 1)
                ),
                old.to_vec(),
            )
        }
    };
    // Old keys are the referenced table's values; a new key too.
    let mut types = fk.ref_types.clone();
    if new.is_some() && action == 'c' {
        types.extend_from_slice(&fk.ref_types);
    }
    ctx.run_internal(&sql, &params, &types)?;
    Ok(())
}
