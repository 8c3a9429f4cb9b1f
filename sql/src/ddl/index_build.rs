//! Building a new B-tree index from its table: every row version not
//! dead to all becomes an entry (key, tid, xmin), the entries are sorted
//! by key then tid, a unique index checks that no two live versions share
//! a key, and the sorted entries are packed into pages bottom up
//! (`Engine::index_load`).
//!
//! Rules:
//! 1. Within maintenance_work_mem the entries are held compactly: the
//!    keys back to back in one arena and a small fixed record per entry
//!    (about 24 bytes plus the key; PostgreSQL's tuplesort holds an index
//!    tuple and a SortTuple, much the same), and sorted in memory.
//! 2. Past maintenance_work_mem the build starts over through the
//!    executor's sort, which spills to temp files.
//! 3. Writers hold RowExclusiveLock, which the build's lock excludes, so
//!    no version is still being inserted while the build reads.

use actorgres_storage::page::Tid;

use crate::catalog::{IndexDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::table::index::{attr_entry_into, key_text};
use crate::table::row;
use crate::table::tid_of;
use crate::value::Value;

/// One entry held in memory (rule 1).
struct Item {
    /// Where its key starts in the arena.
    start: usize,
    /// Its key's length.
    len: u32,
    /// The row version.
    tid: Tid,
    /// The version's inserter.
    xmin: u32,
    /// Counts for the unique check (a live version, unique index, key
    /// without NULLs).
    live: bool,
}

/// Fills a new index from every row version not dead to all (rules 1
/// and 2). For a unique index, two live versions with one key fail with
/// 23505.
/// Returns the table's live rows when it counted them (entries held in
/// memory; not when they spilled or the index holds no entries).
pub(super) fn build(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &IndexDef,
) -> Result<Option<u64>> {
    if !index.has_entries() {
        return Ok(None);
    }
    match collect(ctx, def, index)? {
        // The budget stays held while the entries are.
        Some((keys, items, live, _budget)) => {
            load_sorted(ctx, xid, def, index, &keys, items)?;
            Ok(Some(live))
        }
        None => build_sorted(ctx, xid, def, index).map(|()| None),
    }
}

/// The entries held in memory: the key arena, the entries, the live
/// rows seen, and the budget they are charged to.
type Held = (Vec<u8>, Vec<Item>, u64, actorgres_memory::Budget);

/// Reads every entry into memory; None when they would pass
/// maintenance_work_mem (rule 2).
fn collect(ctx: &mut Stmt<'_>, def: &TableDef, index: &IndexDef) -> Result<Option<Held>> {
    let engine = ctx.engine();
    let mut budget = ctx.memory.maintenance_budget();
    let (eval, own) = ctx.eval_and_txn();
    let stored = def.stored();
    let mut values = Vec::new();
    let mut keys: Vec<u8> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut live_rows = 0u64;
    // Only the attributes up to the last key column are decoded (all of
    // them for expressions).
    let upto = match index.exprs {
        Some(_) => def.columns.len(),
        None => index.columns.iter().max().map_or(0, |&c| c + 1),
    };
    let style = eval.style;
    let nblocks = engine.nblocks(def.rel)?;
    for block in 0..nblocks {
        let versions = engine.index_build_block(def.rel, block, own)?;
        for (t, live) in versions {
            live_rows += u64::from(live);
            row::decode_prefix(&stored, &t.data, upto, &mut values)?;
            let start = keys.len();
            let Some(null) = attr_entry_into(def, index, &values, &mut keys, style)? else {
                continue;
            };
            let len = keys.len() - start;
            if !budget.try_reserve((len + std::mem::size_of::<Item>()) as u64) {
                return Ok(None);
            }
            items.push(Item {
                start,
                len: len as u32,
                tid: t.tid,
                xmin: t.header.xmin,
                live: index.unique && live && !null,
            });
        }
        if block % 64 == 0 {
            eval.check_interrupts()?;
        }
    }
    Ok(Some((keys, items, live_rows, budget)))
}

/// Sorts the entries held in memory, checks uniqueness and loads them.
fn load_sorted(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &IndexDef,
    keys: &[u8],
    mut items: Vec<Item>,
) -> Result<()> {
    let key = |i: &Item| &keys[i.start..i.start + i.len as usize];
    items.sort_unstable_by(|a, b| key(a).cmp(key(b)).then(a.tid.cmp(&b.tid)));
    let engine = ctx.engine();
    let style = ctx.style;
    let mut last_live: Option<&[u8]> = None;
    let mut at = 0;
    let mut next = || -> Result<Option<(Vec<u8>, Tid, u32)>> {
        let Some(item) = items.get(at) else {
            return Ok(None);
        };
        at += 1;
        let k = key(item);
        if item.live {
            if last_live == Some(k) {
                return Err(duplicated(engine, def, index, item.tid, style));
            }
            last_live = Some(k);
        }
        Ok(Some((k.to_vec(), item.tid, item.xmin)))
    };
    engine
        .index_load(xid, index.rel, &mut next)
        .map_err(|e| name_index(e, index))
}

/// Fills a new index from every row version not dead to all, bottom up:
/// the entries are sorted within maintenance_work_mem (spilling past it)
/// and packed into pages in order. For a unique index, two live versions
/// with one key fail with 23505. Writers hold RowExclusiveLock, which the
/// build's lock excludes, so no version is still being inserted.
/// The spilling path of [`build`]: every entry through the sort, which
/// goes to temp files past maintenance_work_mem.
fn build_sorted(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, index: &IndexDef) -> Result<()> {
    let engine = ctx.engine();
    let style = ctx.style;
    let (mut eval, own) = ctx.eval_and_txn();
    let input = BuildInput {
        engine,
        def,
        index,
        own,
        stored: def.stored(),
        block: 0,
        pending: Vec::new(),
        values: Vec::new(),
    };
    let keys = [
        crate::plan::SortKey {
            column: 0,
            desc: false,
            nulls_first: false,
        },
        crate::plan::SortKey {
            column: 1,
            desc: false,
            nulls_first: false,
        },
    ];
    let mut sorted = crate::exec::sort::Sort::new(Box::new(input), &keys);
    sorted.maintenance = true;
    let mut last_live: Option<Vec<u8>> = None;
    let mut next = || -> Result<Option<(Vec<u8>, Tid, u32)>> {
        let Some(row) = crate::exec::Node::next(&mut sorted, &mut eval)? else {
            return Ok(None);
        };
        let (Some(Value::Bytea(key)), Some(tid), Some(Value::Int8(xmin)), Some(Value::Bool(live))) = (
            row.first(),
            row.get(1).and_then(tid_of),
            row.get(2),
            row.get(3),
        ) else {
            return Err(SqlError::internal("CREATE INDEX: a malformed sorted entry"));
        };
        if *live {
            if last_live.as_deref() == Some(key.as_slice()) {
                return Err(duplicated(engine, def, index, tid, style));
            }
            last_live = Some(key.clone());
        }
        Ok(Some((key.clone(), tid, *xmin as u32)))
    };
    engine
        .index_load(xid, index.rel, &mut next)
        .map_err(|e| name_index(e, index))
}

/// The storage's "index row size ... exceeds" error names the index, as
/// PostgreSQL's does.
fn name_index(e: SqlError, index: &IndexDef) -> SqlError {
    if e.code() == SqlState::PROGRAM_LIMIT_EXCEEDED && e.message().ends_with("for index \"\"") {
        let named = e
            .message()
            .replace("for index \"\"", &format!("for index \"{}\"", index.name));
        return SqlError::new(SqlState::PROGRAM_LIMIT_EXCEEDED, named)
            .with_hint("Values larger than 1/3 of a buffer page cannot be indexed.");
    }
    e
}

/// 23505 for a key two live versions share, with the key's values.
fn duplicated(
    engine: &actorgres_storage::Engine,
    def: &TableDef,
    index: &IndexDef,
    tid: Tid,
    style: &crate::value::OutputStyle,
) -> SqlError {
    let mut values = Vec::new();
    let key = match engine.heap_fetch(def.rel, tid) {
        Ok(Some(t)) if row::decode(&def.stored(), &t.data, &mut values).is_ok() => {
            let live: Vec<Value> = def.live().map(|(i, _)| values[i].clone()).collect();
            key_text(def, index, &live, style)
        }
        _ => "Key".into(),
    };
    SqlError::new(
        SqlState::UNIQUE_VIOLATION,
        format!("could not create unique index \"{}\"", index.name),
    )
    .with_detail(format!("{key} is duplicated."))
    .with_object(Some(&def.name), None, Some(&index.name))
}

/// The entries of a table's row versions, block by block, as rows of
/// (key, tid, xmin, live for the unique check).
struct BuildInput<'a> {
    engine: &'a actorgres_storage::Engine,
    def: &'a TableDef,
    index: &'a IndexDef,
    own: &'a dyn actorgres_storage::xact::OwnTxn,
    stored: Vec<row::StoredAttr>,
    /// Next block to read.
    block: u32,
    /// The current block's entries, reversed.
    pending: Vec<crate::exec::Row>,
    /// Decoding scratch.
    values: Vec<Value>,
}

impl crate::exec::Node for BuildInput<'_> {
    fn next(&mut self, ctx: &mut crate::expr::EvalCtx<'_>) -> Result<Option<crate::exec::Row>> {
        loop {
            if let Some(r) = self.pending.pop() {
                return Ok(Some(r));
            }
            if self.block >= self.engine.nblocks(self.def.rel)? {
                return Ok(None);
            }
            let versions = self
                .engine
                .index_build_block(self.def.rel, self.block, self.own)?;
            self.block += 1;
            for (t, live) in versions.into_iter().rev() {
                row::decode(&self.stored, &t.data, &mut self.values)?;
                let mut key = Vec::new();
                let Some(null) =
                    attr_entry_into(self.def, self.index, &self.values, &mut key, ctx.style)?
                else {
                    continue;
                };
                self.pending.push(vec![
                    Value::Bytea(key),
                    crate::table::tid_value(t.tid),
                    Value::Int8(i64::from(t.header.xmin)),
                    Value::Bool(self.index.unique && live && !null),
                ]);
            }
            ctx.check_interrupts()?;
        }
    }
}
