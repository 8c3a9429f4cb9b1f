//! The sequential scan node: a table's visible rows, page by page.

use std::sync::Arc;

use actorgres_storage::HeapTuple;

use super::row::{self, StoredAttr};
use super::tid_value;
use crate::catalog::TableDef;
use crate::error::{Result, SqlError};
use crate::exec::{Node, Row};
use crate::expr::EvalCtx;
use crate::value::Value;

/// Scans a stored table with the statement's snapshot.
pub struct SeqScan {
    /// The table.
    table: Arc<TableDef>,
    /// Its stored attributes.
    attrs: Vec<StoredAttr>,
    /// Attribute indexes of the live columns, in order.
    live: Vec<usize>,
    /// Append the tuple id as a last, hidden value.
    with_tid: bool,
    /// Next block.
    next_block: u32,
    /// Blocks at scan start.
    end: Option<u32>,
    /// The current page's visible versions.
    page: Vec<HeapTuple>,
    /// Position in `page`.
    pos: usize,
    /// Decoding scratch.
    scratch: Vec<Value>,
}

impl SeqScan {
    /// A scan of `table`.
    pub fn new(table: Arc<TableDef>, with_tid: bool) -> SeqScan {
        let attrs = table.stored();
        let live = table.live().map(|(i, _)| i).collect();
        SeqScan {
            table,
            attrs,
            live,
            with_tid,
            next_block: 0,
            end: None,
            page: Vec::new(),
            pos: 0,
            scratch: Vec::new(),
        }
    }
}

impl Node for SeqScan {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(t) = self.page.get(self.pos) {
                self.pos += 1;
                row::decode(&self.attrs, &t.data, &mut self.scratch)?;
                let mut out: Row = Vec::with_capacity(self.live.len() + 1);
                for &i in &self.live {
                    out.push(std::mem::replace(&mut self.scratch[i], Value::Null));
                }
                if self.with_tid {
                    out.push(tid_value(t.tid));
                }
                return Ok(Some(out));
            }
            let storage = ctx
                .storage
                .as_ref()
                .ok_or_else(|| SqlError::internal("a table scan without a snapshot"))?;
            let end = match self.end {
                Some(e) => e,
                None => {
                    let e = storage.engine.nblocks(self.table.rel)?;
                    self.end = Some(e);
                    e
                }
            };
            if self.next_block >= end {
                return Ok(None);
            }
            self.page.clear();
            self.pos = 0;
            storage.engine.scan_block(
                self.table.rel,
                self.next_block,
                storage.snapshot,
                storage.own,
                &mut self.page,
            )?;
            self.next_block += 1;
            ctx.check_interrupts()?;
        }
    }
}
