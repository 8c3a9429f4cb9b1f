//! Loading rows into a table in bulk (COPY FROM): defaults for the
//! columns not given, NOT NULL and CHECK constraints, then the rows go
//! to the heap a page at a time and their index entries follow.
//!
//! Rules:
//! 1. Each row is checked as it is added, so a constraint error names
//!    its own row; rows then wait in a batch and are written together
//!    ([`Engine::heap_insert_batch`]: one page lock and one WAL record per
//!    page, as PostgreSQL's heap_multi_insert).
//! 2. A batch is written when it holds [`BATCH_ROWS`] rows or
//!    [`BATCH_BYTES`] bytes, and at the end; index entries are made
//!    after its rows are placed, in row order, so a unique violation
//!    names the row (by the tag the caller gave it) that caused it.

use std::sync::Arc;

use actorgres_storage::{Actor, Engine};

use super::modify::{check_row, checks, defaults, new_tuple, RowCheck};
use super::row::StoredAttr;
use crate::catalog::TableDef;
use crate::error::{Result, SqlError};
use crate::expr::{EvalCtx, Expr};
use crate::value::{OutputStyle, Value};

/// Rows written to the heap together.
pub const BATCH_ROWS: usize = 1000;
/// Bytes of rows written to the heap together.
pub const BATCH_BYTES: usize = 256 * 1024;

/// A row waiting in the batch.
struct Pending<T> {
    /// Its live-column values (for index keys).
    row: Vec<Value>,
    /// The caller's tag (a line number), for errors.
    tag: T,
}

/// Inserts rows into one table.
pub struct Loader<T> {
    /// The table.
    def: Arc<TableDef>,
    /// Its stored attributes.
    attrs: Vec<StoredAttr>,
    /// For each live column, the position of its value in a given row,
    /// or None to take its default.
    sources: Vec<Option<usize>>,
    /// Defaults per attribute.
    defaults: Vec<Option<Expr>>,
    /// CHECK constraints.
    checks: Vec<RowCheck>,
    /// The inserting transaction's xid and command id.
    xid: u32,
    /// See `xid`.
    cid: u32,
    /// Rows checked, not yet written.
    pending: Vec<Pending<T>>,
    /// Their tuples (header room, then the row).
    tuples: Vec<Vec<u8>>,
    /// Their bytes.
    bytes: usize,
    /// Foreign key checks of the rows, run when the load ends.
    pub queue: super::RiQueue,
    /// For a partitioned table: where rows go, and a loader per leaf.
    partitions: Option<Box<Partitions<T>>>,
    /// For a partition: the bound its rows must keep.
    bound: Option<super::partition::PartitionCheck>,
    /// Row triggers a load through COPY fires (none for table rewrites).
    triggers: Option<super::trigger::RowTriggers>,
}

/// The leaves a load into a partitioned table fills.
struct Partitions<T> {
    /// The router.
    router: super::partition::Router,
    /// A loader per leaf, by OID, each given whole rows of the leaf.
    leaves: std::collections::HashMap<u32, Loader<T>>,
}

impl<T: Clone> Loader<T> {
    /// A loader into `def`, whose given rows hold the attributes
    /// `targets` in that order; rows are stamped `xid`, `cid`.
    pub fn new(
        def: Arc<TableDef>,
        targets: &[usize],
        style: &OutputStyle,
        xid: u32,
        cid: u32,
        tables: &mut dyn crate::binder::TableSource,
    ) -> Result<Loader<T>> {
        let sources = def
            .live()
            .map(|(i, _)| targets.iter().position(|&t| t == i))
            .collect();
        let partitions = match def.partition_key {
            Some(_) => {
                let router = super::partition::Router::new(
                    Arc::clone(&def),
                    &mut |oid| tables.table_by_oid(oid),
                    style,
                )?;
                let mut leaves = std::collections::HashMap::new();
                for (leaf, _) in router.leaves() {
                    let all: Vec<usize> = leaf.live().map(|(i, _)| i).collect();
                    let loader = Loader::new(Arc::clone(&leaf), &all, style, xid, cid, tables)?;
                    leaves.insert(leaf.oid, loader);
                }
                Some(Box::new(Partitions { router, leaves }))
            }
            None => None,
        };
        let bound = if def.partition_of.is_some() {
            super::partition::PartitionCheck::new(&def, &mut |oid| tables.table_by_oid(oid), style)?
        } else {
            None
        };
        Ok(Loader {
            partitions,
            bound,
            attrs: def.stored(),
            defaults: defaults(&def, style, tables)?,
            checks: checks(&def, style)?,
            def,
            sources,
            xid,
            cid,
            pending: Vec::new(),
            tuples: Vec::new(),
            bytes: 0,
            queue: super::RiQueue::default(),
            triggers: None,
        })
    }

    /// Makes the load fire the INSERT row triggers of its table (each
    /// leaf's, for a partitioned table), as COPY FROM does.
    pub fn fire_triggers(&mut self, ctx: &mut crate::session::Stmt<'_>) -> Result<()> {
        if let Some(parts) = &mut self.partitions {
            for leaf in parts.leaves.values_mut() {
                leaf.fire_triggers(ctx)?;
            }
            return Ok(());
        }
        self.triggers = super::trigger::RowTriggers::bind(
            ctx,
            &self.def,
            crate::catalog::TriggerDef::INSERT,
            None,
        )?;
        Ok(())
    }

    /// The AFTER ROW triggers the rows queued: this table's, or each
    /// leaf's.
    pub fn take_triggers(&mut self) -> Vec<super::trigger::RowTriggers> {
        match &mut self.partitions {
            Some(parts) => parts
                .leaves
                .values_mut()
                .filter_map(|l| l.triggers.take())
                .collect(),
            None => self.triggers.take().into_iter().collect(),
        }
    }

    /// Adds a row of values for the target columns (rule 1); writes the
    /// batch when it is full. Errors carry no context: the caller adds
    /// which row.
    pub fn add(
        &mut self,
        given: &mut [Value],
        tag: T,
        engine: &Engine,
        eval: &mut EvalCtx<'_>,
        who: &Actor<'_>,
    ) -> Result<bool, (SqlError, T)> {
        let mut row = Vec::with_capacity(self.sources.len());
        for ((i, _), source) in self.def.live().zip(&self.sources) {
            let v = match source {
                Some(p) => std::mem::take(&mut given[*p]),
                None => match &self.defaults[i] {
                    Some(d) => d.eval(&[], eval).map_err(|e| (e, tag.clone()))?,
                    None => Value::Null,
                },
            };
            row.push(v);
        }
        if let Some(parts) = &mut self.partitions {
            let (leaf, mut leaf_row) = parts
                .router
                .route(row, eval.style())
                .map_err(|e| (e, tag.clone()))?;
            let oid = leaf.oid;
            let Some(loader) = parts.leaves.get_mut(&oid) else {
                return Err((
                    SqlError::internal("a routed row's partition is unknown"),
                    tag,
                ));
            };
            return loader.add(&mut leaf_row, tag, engine, eval, who);
        }
        if let Some(t) = &self.triggers {
            if !t
                .before(Some(&mut row), None, eval)
                .map_err(|e| (e, tag.clone()))?
            {
                return Ok(false);
            }
        }
        check_row(&self.def, &mut row, &self.checks, eval).map_err(|e| (e, tag.clone()))?;
        if let Some(b) = &self.bound {
            b.check(&row, eval.style()).map_err(|e| (e, tag.clone()))?;
        }
        self.queue
            .inserted(&self.def, &row)
            .map_err(|e| (e, tag.clone()))?;
        if let Some(t) = &mut self.triggers {
            t.after(Some(&row), None, eval)
                .map_err(|e| (e, tag.clone()))?;
        }
        let tuple = new_tuple(&self.def, &row, &self.attrs);
        self.bytes += tuple.len();
        self.tuples.push(tuple);
        // The values are kept only for index keys.
        let row = if self.def.indexes.is_empty() {
            Vec::new()
        } else {
            row
        };
        self.pending.push(Pending { row, tag });
        if self.pending.len() >= BATCH_ROWS || self.bytes >= BATCH_BYTES {
            self.flush(engine, eval.style(), who)?;
        }
        Ok(true)
    }

    /// Writes the waiting rows (rule 2).
    pub fn flush(
        &mut self,
        engine: &Engine,
        style: &OutputStyle,
        who: &Actor<'_>,
    ) -> Result<(), (SqlError, T)> {
        if let Some(parts) = &mut self.partitions {
            for loader in parts.leaves.values_mut() {
                loader.flush(engine, style, who)?;
            }
            return Ok(());
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let tuples = std::mem::take(&mut self.tuples);
        self.bytes = 0;
        let first_tag = self.pending[0].tag.clone();
        let tids = engine
            .heap_insert_batch(
                self.def.rel,
                self.xid,
                self.cid,
                tuples,
                self.def.fillfactor,
            )
            .map_err(|e| (SqlError::from(e), first_tag))?;
        if !self.def.indexes.is_empty() {
            for (p, tid) in self.pending.iter().zip(tids) {
                super::index::insert_entries(engine, &self.def, &p.row, tid, who, style)
                    .map_err(|e| (e, p.tag.clone()))?;
            }
        }
        self.pending.clear();
        Ok(())
    }
}

impl<T> Loader<T> {
    /// The foreign key checks of every table the load wrote, with the
    /// table: this one's, or each leaf's of a partitioned table.
    pub fn take_queues(&mut self) -> Vec<(Arc<TableDef>, super::RiQueue)> {
        match &mut self.partitions {
            Some(parts) => parts
                .leaves
                .values_mut()
                .map(|l| (Arc::clone(&l.def), std::mem::take(&mut l.queue)))
                .collect(),
            None => vec![(Arc::clone(&self.def), std::mem::take(&mut self.queue))],
        }
    }
}
