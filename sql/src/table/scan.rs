//! The scan nodes: a table's visible rows page by page (SeqScan), or
//! those an index range points at (IndexScan).

use std::ops::Bound;
use std::sync::Arc;

use actorgres_storage::btree::IndexCursor;
use actorgres_storage::page::Tid;
use actorgres_storage::PageRows;

use super::index::encode_value;
use super::row::{self, StoredAttr};
use super::tid_value;
use crate::catalog::{IndexDef, TableDef};
use crate::error::{Result, SqlError};
use crate::exec::{Node, Row};
use crate::expr::{EvalCtx, Expr};
use crate::plan::IndexCond;
use crate::value::Value;

/// How stored rows become output rows.
pub(super) struct Layout {
    /// The table's stored attributes.
    attrs: Vec<StoredAttr>,
    /// Attribute indexes of the live columns, in order.
    live: Vec<usize>,
    /// Append the tuple id as a last, hidden value.
    with_tid: bool,
    /// Stored attributes decoded for an output row.
    decode: usize,
}

impl Layout {
    /// The layout of `table`'s scan; only the first `needed` output
    /// columns are decoded (None: all).
    pub(super) fn new(table: &TableDef, with_tid: bool, needed: Option<usize>) -> Layout {
        let attrs = table.stored();
        let live: Vec<usize> = table.live().map(|(i, _)| i).collect();
        // Output column n is stored attribute live[n].
        let decode = match needed {
            None => attrs.len(),
            Some(0) => 0,
            Some(n) => live.get(n - 1).map_or(attrs.len(), |a| a + 1),
        };
        Layout {
            attrs,
            live,
            with_tid,
            decode,
        }
    }

    /// `qual` made ready for this layout's scans.
    pub(super) fn qual<'q>(&self, qual: &'q Expr) -> Qual<'q> {
        Qual {
            expr: qual,
            upto: self.attrs_read_by(qual),
            int: IntCompare::of(qual, &self.live),
        }
    }

    /// How many stored attributes must be decoded to evaluate `qual`
    /// over output rows.
    fn attrs_read_by(&self, qual: &Expr) -> usize {
        // Live attributes are in stored order, so reading output columns
        // up to n needs attributes up to live[n].
        let live = &self.live;
        qual.max_column().map_or(0, |n| {
            live.get(n.min(live.len().saturating_sub(1)))
                .map_or(0, |a| a + 1)
        })
    }

    /// The output row of the stored row `data` at `tid`.
    #[inline]
    pub(super) fn row(&self, data: &[u8], tid: Tid, scratch: &mut Vec<Value>) -> Result<Row> {
        let mut out: Row = Vec::with_capacity(self.width());
        self.append(data, tid, scratch, &mut out)?;
        Ok(out)
    }

    /// Appends the output values of the stored row `data` at `tid` to
    /// `out` (rows back to back, [`Layout::width`] values each).
    #[inline]
    pub(super) fn append(
        &self,
        data: &[u8],
        tid: Tid,
        scratch: &mut Vec<Value>,
        out: &mut Vec<Value>,
    ) -> Result<()> {
        if self.decode >= self.attrs.len() {
            row::decode(&self.attrs, data, scratch)?;
        } else {
            row::decode_prefix(&self.attrs, data, self.decode, scratch)?;
        }
        self.fill(scratch, tid, out);
        Ok(())
    }

    /// Values per output row.
    pub(super) fn width(&self) -> usize {
        self.live.len() + usize::from(self.with_tid)
    }

    /// True when output rows carry no stored value (all NULL, no tid):
    /// only how many there are matters.
    pub(super) fn reads_nothing(&self) -> bool {
        self.decode == 0 && !self.with_tid
    }

    /// True when every value an output row holds lives inline (numbers,
    /// booleans, dates and times: no heap memory of its own).
    pub(super) fn values_inline(&self) -> bool {
        use crate::types::DataType as T;
        self.attrs.iter().take(self.decode).all(|a| {
            matches!(
                a.ty,
                T::Bool
                    | T::Int2
                    | T::Int4
                    | T::Int8
                    | T::Oid
                    | T::Float4
                    | T::Float8
                    | T::Date
                    | T::Time
                    | T::Timestamp
                    | T::TimestampTz
            )
        })
    }

    /// Moves the live columns decoded into `scratch` into `row` (NULL for
    /// those not decoded), plus the tid if asked.
    #[inline]
    fn fill(&self, scratch: &mut [Value], tid: Tid, row: &mut Row) {
        if scratch.is_empty() {
            // Nothing decoded (count(*) and the like): all NULL.
            row.resize(row.len() + self.live.len(), Value::Null);
        } else {
            row.extend(
                self.live
                    .iter()
                    .map(|&i| scratch.get_mut(i).map(std::mem::take).unwrap_or_default()),
            );
        }
        if self.with_tid {
            row.push(tid_value(tid));
        }
    }

    /// Whether the row in `data` passes `qual`, decoding only the
    /// attributes it reads (into `scratch`; its input row is built in `row`).
    pub(super) fn passes(
        &self,
        qual: Qual<'_>,
        (tid, data): (Tid, &[u8]),
        scratch: &mut Vec<Value>,
        row: &mut Row,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<bool> {
        row::decode_prefix(&self.attrs, data, qual.upto, scratch)?;
        if let Some(int) = &qual.int {
            if let Some(keep) = scratch.get(int.attr).and_then(|v| int.test(v)) {
                return Ok(keep);
            }
        }
        row.clear();
        self.fill(scratch, tid, row);
        Ok(qual.expr.eval(row, ctx)? == Value::Bool(true))
    }
}

/// A WHERE clause made ready for a scan.
#[derive(Clone, Copy)]
pub(super) struct Qual<'q> {
    /// The clause, over the scan's output columns.
    pub(super) expr: &'q Expr,
    /// How many stored attributes it reads.
    upto: usize,
    /// Its integer-comparison form, if it has one.
    int: Option<IntCompare>,
}

/// A WHERE clause `column op constant` (or `constant op column`) over
/// integer types, tested on the decoded integer without building a row
/// or evaluating an expression: the filter of a scan that most rows fail
/// spent most of its time there. NULL fails, as a comparison with NULL
/// is never true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IntCompare {
    /// The stored attribute compared.
    attr: usize,
    /// The comparison, column on the left.
    op: std::cmp::Ordering,
    /// `op` holds when the column compares to the constant as `op`
    /// (true), or when it does not (false: <=, <>, >=).
    holds: bool,
    /// The constant.
    value: i64,
}

impl IntCompare {
    /// The form of `qual` over output columns stored at `live`, if it has
    /// one.
    fn of(qual: &Expr, live: &[usize]) -> Option<IntCompare> {
        use crate::expr::ExprKind;
        use crate::types::DataType as T;
        use std::cmp::Ordering::{Equal, Greater, Less};
        let ExprKind::Call { def, args } = &qual.kind else {
            return None;
        };
        let int = |t: &T| matches!(t, T::Int2 | T::Int4 | T::Int8);
        if !(def.strict && def.ret == T::Bool && def.args.len() == 2 && def.args.iter().all(int)) {
            return None;
        }
        let (op, holds) = match def.name {
            "<" => (Less, true),
            ">=" => (Less, false),
            ">" => (Greater, true),
            "<=" => (Greater, false),
            "=" => (Equal, true),
            "<>" | "!=" => (Equal, false),
            _ => return None,
        };
        let [a, b] = args.as_slice() else {
            return None;
        };
        let (column, constant, op) = match (&a.kind, &b.kind) {
            (ExprKind::Column(i), ExprKind::Const(v)) => (*i, v, op),
            (ExprKind::Const(v), ExprKind::Column(i)) => (*i, v, op.reverse()),
            _ => return None,
        };
        Some(IntCompare {
            attr: *live.get(column)?,
            op,
            holds,
            value: int_of(constant)?,
        })
    }

    /// Whether `v` passes; None for a value of another type (the caller
    /// then evaluates the clause).
    fn test(&self, v: &Value) -> Option<bool> {
        if v.is_null() {
            return Some(false);
        }
        Some((int_of(v)?.cmp(&self.value) == self.op) == self.holds)
    }
}

/// An integer value as i64.
fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int2(x) => Some(i64::from(*x)),
        Value::Int4(x) => Some(i64::from(*x)),
        Value::Int8(x) => Some(*x),
        _ => None,
    }
}

/// Scans a stored table with the statement's snapshot.
pub struct SeqScan<'p> {
    /// The table.
    table: Arc<TableDef>,
    /// Stored → output.
    layout: Layout,
    /// Next block.
    next_block: u32,
    /// Blocks at scan start.
    end: Option<u32>,
    /// The current page's visible versions.
    page: PageRows,
    /// Position in `page`.
    pos: usize,
    /// Decoding scratch.
    scratch: Vec<Value>,
    /// A WHERE clause checked before the whole row is decoded, and how
    /// many stored attributes it needs.
    qual: Option<Qual<'p>>,
    /// Scratch row for `qual`.
    qual_row: Row,
    /// Rows the qual turned away (EXPLAIN ANALYZE).
    removed: u64,
}

impl<'p> SeqScan<'p> {
    /// A scan of `table` returning the rows for which `qual` (over the
    /// scan's output columns) is true; all rows without one.
    /// Only the first `needed` output columns are decoded (None: all).
    pub fn new(
        table: Arc<TableDef>,
        with_tid: bool,
        qual: Option<&'p Expr>,
        needed: Option<usize>,
    ) -> SeqScan<'p> {
        let layout = Layout::new(&table, with_tid, needed);
        let qual = qual.map(|q| layout.qual(q));
        SeqScan {
            table,
            layout,
            next_block: 0,
            end: None,
            page: PageRows::default(),
            pos: 0,
            scratch: Vec::new(),
            qual,
            qual_row: Vec::new(),
            removed: 0,
        }
    }
}

impl Node for SeqScan<'_> {
    fn rows_removed(&self) -> Option<u64> {
        self.qual.as_ref().map(|_| self.removed)
    }

    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let mut rejected = 0u32;
        loop {
            if let Some((tid, data)) = self.page.get(self.pos) {
                self.pos += 1;
                let keep = match self.qual {
                    Some(q) => self.layout.passes(
                        q,
                        (tid, data),
                        &mut self.scratch,
                        &mut self.qual_row,
                        ctx,
                    )?,
                    None => true,
                };
                if !keep {
                    self.removed += 1;
                    rejected += 1;
                    if rejected.is_multiple_of(1024) {
                        ctx.check_interrupts()?;
                    }
                    continue;
                }
                return Ok(Some(self.layout.row(data, tid, &mut self.scratch)?));
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
            self.pos = 0;
            storage.engine.scan_block_rows(
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

/// Reads a stored table through a B-tree index: the key range is computed
/// when the scan starts, entries are read a leaf at a time, and each
/// entry's version is fetched and checked against the snapshot.
pub struct IndexScan<'p> {
    /// The table.
    table: Arc<TableDef>,
    /// Stored → output.
    layout: Layout,
    /// The index.
    index: &'p IndexDef,
    /// The key range.
    cond: &'p IndexCond,
    /// The ranges still to read, the current one last; empty before the
    /// scan starts and once it is over.
    cursors: Vec<IndexCursor>,
    /// Started (the range is known).
    started: bool,
    /// Entries of the current batch, and the next one to fetch.
    batch: Vec<(Tid, u32)>,
    /// Position in `batch`.
    pos: usize,
    /// Decoding scratch.
    scratch: Vec<Value>,
}

impl<'p> IndexScan<'p> {
    /// A scan of `table` through `index` over `cond`'s range.
    pub fn new(
        table: Arc<TableDef>,
        with_tid: bool,
        needed: Option<usize>,
        index: &'p IndexDef,
        cond: &'p IndexCond,
    ) -> IndexScan<'p> {
        IndexScan {
            layout: Layout::new(&table, with_tid, needed),
            table,
            index,
            cond,
            cursors: Vec::new(),
            started: false,
            batch: Vec::new(),
            pos: 0,
            scratch: Vec::new(),
        }
    }

    /// The key ranges from the bound values, in key order: one, or one
    /// point per distinct `any` value; none when a value that must be
    /// equalled or passed is NULL (nothing compares to NULL).
    fn ranges(&self, ctx: &mut EvalCtx<'_>) -> Result<Vec<IndexCursor>> {
        let mut prefix = Vec::new();
        for e in &self.cond.eq {
            let v = e.eval(&[], ctx)?;
            if v.is_null() {
                return Ok(Vec::new());
            }
            encode_value(&v, &mut prefix)?;
        }
        if !self.cond.any.is_empty() {
            let mut points = Vec::with_capacity(self.cond.any.len());
            for e in &self.cond.any {
                let v = e.eval(&[], ctx)?;
                if v.is_null() {
                    continue;
                }
                let mut k = prefix.clone();
                encode_value(&v, &mut k)?;
                points.push(k);
            }
            points.sort();
            points.dedup();
            // The current range is the last: the first in scan order.
            if !self.cond.backward {
                points.reverse();
            }
            let point = |p: Vec<u8>| (Bound::Included(p.clone()), Bound::Included(p));
            return Ok(points
                .into_iter()
                .map(|p| {
                    let (lo, hi) = point(p);
                    self.cursor(lo, hi)
                })
                .collect());
        }
        let mut bound = |b: &Option<(Expr, bool)>| -> Result<Option<Bound<Vec<u8>>>> {
            Ok(Some(match b {
                None if prefix.is_empty() => Bound::Unbounded,
                None => Bound::Included(prefix.clone()),
                Some((e, inclusive)) => {
                    let v = e.eval(&[], ctx)?;
                    if v.is_null() {
                        return Ok(None);
                    }
                    let mut k = prefix.clone();
                    encode_value(&v, &mut k)?;
                    if *inclusive {
                        Bound::Included(k)
                    } else {
                        Bound::Excluded(k)
                    }
                }
            }))
        };
        let (Some(lo), Some(hi)) = (bound(&self.cond.lower)?, bound(&self.cond.upper)?) else {
            return Ok(Vec::new());
        };
        Ok(vec![self.cursor(lo, hi)])
    }

    fn cursor(&self, lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> IndexCursor {
        if self.cond.backward {
            IndexCursor::backward(lo, hi)
        } else {
            IndexCursor::new(lo, hi)
        }
    }
}

impl Node for IndexScan<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if !self.started {
            self.started = true;
            self.cursors = self.ranges(ctx)?;
        }
        loop {
            let storage = ctx
                .storage
                .as_ref()
                .ok_or_else(|| SqlError::internal("an index scan without a snapshot"))?;
            if let Some(&(tid, xmin)) = self.batch.get(self.pos) {
                self.pos += 1;
                let Some(t) = storage.engine.index_fetch(
                    self.table.rel,
                    tid,
                    xmin,
                    storage.snapshot,
                    storage.own,
                )?
                else {
                    continue;
                };
                return Ok(Some(self.layout.row(&t.data, tid, &mut self.scratch)?));
            }
            let Some(cursor) = self.cursors.last_mut() else {
                return Ok(None);
            };
            self.batch.clear();
            self.pos = 0;
            if !storage
                .engine
                .index_next_batch(self.index.rel, cursor, &mut self.batch)?
            {
                self.cursors.pop();
            }
            ctx.check_interrupts()?;
        }
    }
}
