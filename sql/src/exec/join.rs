//! Joins: a hash join when the condition has equality keys, a nested
//! loop otherwise. The inner (right) side is read once into memory.

use super::key::{push_key, KeyMap};
use super::sort::compare_rows;
use super::spill::{self, TempReader, TempWriter};
use super::{Node, Row};
use crate::error::Result;
use crate::expr::{EvalCtx, Expr};
use crate::func::FuncDef;
use crate::plan::JoinKind;
use crate::plan::SortKey;
use crate::value::Value;

/// No inner row.
const NONE: usize = usize::MAX;

/// How many partitions a hash join spills each side into.
const PARTITIONS: usize = 16;

/// Where the outer rows being probed come from.
enum Outer<'p> {
    /// The left child.
    Node(Box<dyn Node + 'p>),
    /// A spilled partition of it.
    File(TempReader),
}

impl Outer<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        match self {
            Outer::Node(n) => n.next(ctx),
            Outer::File(f) => f.next_row(),
        }
    }
}

/// A running join. A hash join whose inner side outgrows the hash memory
/// budget (work_mem × hash_mem_multiplier) becomes a Grace hash join: both
/// sides are written to 16 partition files by key hash, then joined one
/// partition pair at a time (a partition is then held in memory whatever
/// its size).
pub struct Join<'p> {
    /// Outer input (the child, then spilled partitions).
    left: Outer<'p>,
    /// Inner input, read at the first `next`.
    right: Option<Box<dyn Node + 'p>>,
    /// Join kind.
    kind: JoinKind,
    /// Equality keys.
    keys: &'p [(Expr, Expr, &'static FuncDef)],
    /// Remaining condition over the joined row.
    on: Option<&'p Expr>,
    /// Left width.
    left_width: usize,
    /// Right width.
    right_width: usize,
    /// Inner rows (of the current partition), flat: row i is
    /// `rows[i * right_width..(i + 1) * right_width]` (no allocation per
    /// row).
    rows: Vec<Value>,
    /// How many inner rows `rows` holds.
    nrows: usize,
    /// Inner rows matched so far (right and full joins).
    matched: Vec<bool>,
    /// The probe key being built (reused).
    probe: Vec<u8>,
    /// First inner row of each key (hash join).
    table: KeyMap<usize>,
    /// The next inner row with the same key as row i (`NONE` at the end).
    chain: Vec<usize>,
    /// The outer row being joined, its next candidate inner row (`NONE`
    /// when there are no more) and whether it matched any.
    current: Option<(Row, usize, bool)>,
    /// After the outer side ends: next inner row to check for NULL padding.
    tail: Option<usize>,
    /// Spilled partition pairs still to join: (inner, outer).
    partitions: Vec<(TempReader, TempReader)>,
    /// The joined row being tested.
    scratch: Row,
}

impl<'p> Join<'p> {
    /// A join of `left` and `right`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        left: Box<dyn Node + 'p>,
        right: Box<dyn Node + 'p>,
        kind: JoinKind,
        keys: &'p [(Expr, Expr, &'static FuncDef)],
        on: Option<&'p Expr>,
        left_width: usize,
        right_width: usize,
    ) -> Self {
        Join {
            left: Outer::Node(left),
            right: Some(right),
            kind,
            keys,
            on,
            left_width,
            right_width,
            rows: Vec::new(),
            nrows: 0,
            matched: Vec::new(),
            table: KeyMap::default(),
            probe: Vec::new(),
            chain: Vec::new(),
            current: None,
            tail: None,
            partitions: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Adds one inner row to the hash table.
    fn insert(&mut self, r: Row, last: &mut KeyMap<usize>, ctx: &mut EvalCtx<'_>) -> Result<()> {
        let i = self.nrows;
        if r.len() != self.right_width {
            return Err(crate::error::SqlError::internal(
                "join inner row of the wrong width",
            ));
        }
        self.chain.push(NONE);
        if !self.keys.is_empty() {
            if let Some(key) = Self::key(self.keys.iter().map(|k| &k.1), &r, ctx)? {
                // Chains keep inner rows in input order.
                match last.get_mut(key.as_slice()) {
                    Some(tail) => {
                        self.chain[*tail] = i;
                        *tail = i;
                    }
                    None => {
                        last.insert(key.clone(), i);
                        self.table.insert(key, i);
                    }
                }
            }
        }
        self.rows.extend(r);
        self.nrows += 1;
        Ok(())
    }

    fn build(&mut self, mut right: Box<dyn Node + 'p>, ctx: &mut EvalCtx<'_>) -> Result<()> {
        let mut last: KeyMap<usize> = KeyMap::default();
        // Only hash joins can be partitioned.
        let mut budget = if self.keys.is_empty() {
            None
        } else {
            spill::hash_budget(ctx.spill.as_ref())
        };
        while let Some(r) = right.next(ctx)? {
            // A flat row, its chain link and (at most) one key entry.
            let size = spill::row_size(&r) - 48 + 40;
            if !spill::reserve(&mut budget, size) && ctx.spill.is_some() {
                drop(budget);
                return self.spill(r, right, ctx);
            }
            self.insert(r, &mut last, ctx)?;
            if self.nrows.is_multiple_of(1024) {
                ctx.check_interrupts()?;
            }
        }
        self.matched = vec![false; self.nrows];
        Ok(())
    }

    /// The partition of a row whose key columns are `exprs` (NULL keys,
    /// which match nothing, go to partition 0).
    fn partition_of<'e>(
        exprs: impl Iterator<Item = &'e Expr>,
        row: &[Value],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<usize> {
        Ok(match Self::key(exprs, row, ctx)? {
            Some(key) => super::key::partition(&key, 0, PARTITIONS),
            None => 0,
        })
    }

    /// Turns into a Grace hash join: the inner rows read so far, `first`
    /// and the rest of the inner side, then the whole outer side, go to
    /// partition files; the first partition is loaded.
    fn spill(
        &mut self,
        first: Row,
        mut right: Box<dyn Node + 'p>,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<()> {
        let sp = spill_dir(ctx)?;
        let mut inner: Vec<TempWriter> = (0..PARTITIONS)
            .map(|_| TempWriter::create(sp))
            .collect::<Result<_>>()?;
        let w = self.right_width.max(1);
        let held: Vec<Row> = if self.right_width == 0 {
            vec![Vec::new(); self.nrows]
        } else {
            std::mem::take(&mut self.rows)
                .chunks(w)
                .map(<[Value]>::to_vec)
                .collect()
        };
        self.rows.clear();
        self.nrows = 0;
        self.table.clear();
        self.chain.clear();
        let put =
            |this: &Self, r: Row, ctx: &mut EvalCtx<'_>, files: &mut [TempWriter]| -> Result<()> {
                let p = Self::partition_of(this.keys.iter().map(|k| &k.1), &r, ctx)?;
                files[p].write_row(&r)
            };
        for r in held {
            put(self, r, ctx, &mut inner)?;
        }
        put(self, first, ctx, &mut inner)?;
        let mut n = 0u32;
        while let Some(r) = right.next(ctx)? {
            put(self, r, ctx, &mut inner)?;
            n = n.wrapping_add(1);
            if n.is_multiple_of(4096) {
                ctx.check_interrupts()?;
            }
        }
        let sp = spill_dir(ctx)?;
        let mut outer: Vec<TempWriter> = (0..PARTITIONS)
            .map(|_| TempWriter::create(sp))
            .collect::<Result<_>>()?;
        let mut left = std::mem::replace(&mut self.left, Outer::Node(Box::new(Empty)));
        while let Some(l) = left.next(ctx)? {
            let p = Self::partition_of(self.keys.iter().map(|k| &k.0), &l, ctx)?;
            outer[p].write_row(&l)?;
            n = n.wrapping_add(1);
            if n.is_multiple_of(4096) {
                ctx.check_interrupts()?;
            }
        }
        let sp = spill_dir(ctx)?;
        let mut pairs = Vec::with_capacity(PARTITIONS);
        for (i, o) in inner.into_iter().zip(outer) {
            pairs.push((i.finish(sp)?, o.finish(sp)?));
        }
        pairs.reverse();
        self.partitions = pairs;
        self.next_partition(ctx).map(|_| ())
    }

    /// Loads the next spilled partition; false when none is left.
    fn next_partition(&mut self, ctx: &mut EvalCtx<'_>) -> Result<bool> {
        let Some((mut inner, outer)) = self.partitions.pop() else {
            return Ok(false);
        };
        self.rows.clear();
        self.nrows = 0;
        self.table.clear();
        self.chain.clear();
        self.current = None;
        self.tail = None;
        let mut last: KeyMap<usize> = KeyMap::default();
        while let Some(r) = inner.next_row()? {
            self.insert(r, &mut last, ctx)?;
        }
        self.matched = vec![false; self.nrows];
        self.left = Outer::File(outer);
        Ok(true)
    }

    /// The hash key of `row` under `exprs`; None when a key is NULL
    /// (NULL never equals anything).
    fn key<'e>(
        exprs: impl Iterator<Item = &'e Expr>,
        row: &[Value],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<Option<Vec<u8>>> {
        let mut key = Vec::new();
        for e in exprs {
            let v = e.eval(row, ctx)?;
            if v.is_null() {
                return Ok(None);
            }
            push_key(&v, &mut key);
        }
        Ok(Some(key))
    }

    /// Inner row `i`.
    fn inner_row(&self, i: usize) -> &[Value] {
        let w = self.right_width;
        &self.rows[i * w..(i + 1) * w]
    }

    /// The first candidate inner row for outer row `left`.
    fn first(&mut self, left: &[Value], ctx: &mut EvalCtx<'_>) -> Result<usize> {
        if self.keys.is_empty() {
            return Ok(if self.nrows == 0 { NONE } else { 0 });
        }
        self.probe.clear();
        for (e, _, _) in self.keys {
            let v = e.eval(left, ctx)?;
            if v.is_null() {
                return Ok(NONE);
            }
            push_key(&v, &mut self.probe);
        }
        Ok(self
            .table
            .get(self.probe.as_slice())
            .copied()
            .unwrap_or(NONE))
    }
}

/// Where a spilling hash join writes.
fn spill_dir<'c>(ctx: &'c EvalCtx<'_>) -> Result<&'c spill::SpillCtx<'c>> {
    ctx.spill
        .as_ref()
        .ok_or_else(|| crate::error::SqlError::internal("hash join spill without a temp directory"))
}

/// No rows (the outer side's place while it is being partitioned).
struct Empty;

impl Node for Empty {
    fn next(&mut self, _ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        Ok(None)
    }
}

impl Node for Join<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if let Some(right) = self.right.take() {
            self.build(right, ctx)?;
        }
        let mut steps = 0u32;
        loop {
            if let Some(j) = self.tail.as_mut() {
                while *j < self.nrows {
                    let i = *j;
                    *j += 1;
                    if !self.matched[i] {
                        let mut row = vec![Value::Null; self.left_width];
                        row.extend(self.inner_row(i).iter().cloned());
                        return Ok(Some(row));
                    }
                }
                if self.next_partition(ctx)? {
                    continue;
                }
                return Ok(None);
            }
            let Some((left, next, any)) = self.current.as_mut() else {
                match self.left.next(ctx)? {
                    Some(l) => {
                        if l.len() != self.left_width {
                            return Err(crate::error::SqlError::internal(
                                "join outer row of the wrong width",
                            ));
                        }
                        let first = self.first(&l, ctx)?;
                        self.current = Some((l, first, false));
                    }
                    None => {
                        if matches!(self.kind, JoinKind::Right | JoinKind::Full) {
                            self.tail = Some(0);
                            continue;
                        }
                        if self.next_partition(ctx)? {
                            continue;
                        }
                        return Ok(None);
                    }
                }
                continue;
            };
            if *next != NONE {
                let i = *next;
                *next = if self.keys.is_empty() {
                    if i + 1 < self.nrows {
                        i + 1
                    } else {
                        NONE
                    }
                } else {
                    self.chain[i]
                };
                // Built in a reused buffer: most pairs of a nested loop
                // fail the condition and need no row of their own.
                let row = &mut self.scratch;
                row.clear();
                row.extend(left.iter().cloned());
                let w = self.right_width;
                row.extend(self.rows[i * w..(i + 1) * w].iter().cloned());
                steps += 1;
                if steps.is_multiple_of(1024) {
                    ctx.check_interrupts()?;
                }
                let ok = match self.on {
                    Some(on) => on.eval(row, ctx)? == Value::Bool(true),
                    None => true,
                };
                if ok {
                    match self.kind {
                        // The first match decides: the left row alone, or
                        // nothing.
                        JoinKind::Semi => {
                            let left = std::mem::take(left);
                            self.current = None;
                            return Ok(Some(left));
                        }
                        JoinKind::Anti => {
                            self.current = None;
                            continue;
                        }
                        _ => {}
                    }
                    *any = true;
                    self.matched[i] = true;
                    return Ok(Some(row.clone()));
                }
                continue;
            }
            let unmatched = !*any && matches!(self.kind, JoinKind::Left | JoinKind::Full);
            let left = std::mem::take(left);
            self.current = None;
            if self.kind == JoinKind::Anti {
                return Ok(Some(left));
            }
            if unmatched {
                let mut row = left;
                row.resize(self.left_width + self.right_width, Value::Null);
                return Ok(Some(row));
            }
        }
    }
}

/// LATERAL: the right plan rerun for each left row, with the left row as
/// the outer row its references read.
pub struct Lateral<'p> {
    /// Outer input.
    pub left: Box<dyn Node + 'p>,
    /// The correlated right side.
    pub right: &'p crate::plan::Plan,
    /// LEFT JOIN.
    pub left_join: bool,
    /// Join condition.
    pub on: Option<&'p Expr>,
    /// Right width, for NULL padding.
    pub right_width: usize,
    /// Joined rows of the current left row, reversed.
    pub pending: Vec<Row>,
}

impl Node for Lateral<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(r) = self.pending.pop() {
                return Ok(Some(r));
            }
            let Some(left) = self.left.next(ctx)? else {
                return Ok(None);
            };
            ctx.check_interrupts()?;
            ctx.outer.push(left.clone());
            let rights = super::collect(self.right, usize::MAX, ctx);
            ctx.outer.pop();
            let mut out = Vec::new();
            for r in rights? {
                let mut row = left.clone();
                row.extend(r);
                let ok = match self.on {
                    Some(on) => on.eval(&row, ctx)? == Value::Bool(true),
                    None => true,
                };
                if ok {
                    out.push(row);
                }
            }
            if out.is_empty() && self.left_join {
                let mut row = left;
                row.extend(std::iter::repeat_n(Value::Null, self.right_width));
                out.push(row);
            }
            out.reverse();
            self.pending = out;
        }
    }
}

/// A merge join over inputs sorted on their key columns (ascending,
/// NULLs last): rows stream through; only the inner rows of the current
/// key are held, to pair with every outer row of that key.
pub struct MergeJoin<'p> {
    /// Outer input, sorted on the left keys.
    pub left: Box<dyn Node + 'p>,
    /// Inner input, sorted on the right keys.
    pub right: Box<dyn Node + 'p>,
    /// Join kind.
    pub kind: JoinKind,
    /// Equality keys.
    pub keys: &'p [(Expr, Expr, &'static FuncDef)],
    /// Remaining condition over the joined row.
    pub on: Option<&'p Expr>,
    /// Left width.
    pub left_width: usize,
    /// Right width.
    pub right_width: usize,
    /// The inner rows of the current key, their key, and which matched.
    pub group: Vec<Row>,
    /// Key of `group`.
    pub group_key: Vec<Value>,
    /// Which rows of `group` some outer row matched.
    pub matched: Vec<bool>,
    /// The next inner row, read ahead, with its key.
    pub ahead: Option<(Vec<Value>, Row)>,
    /// The inner input has been read to the end.
    pub right_done: bool,
    /// Everything has been emitted.
    pub done: bool,
    /// Rows ready to return, in order.
    pub pending: std::collections::VecDeque<Row>,
    /// How key values compare: ascending, NULLs last (the inputs' order).
    key_order: Vec<SortKey>,
}

impl<'p> MergeJoin<'p> {
    /// A merge join of two sorted inputs.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        left: Box<dyn Node + 'p>,
        right: Box<dyn Node + 'p>,
        kind: JoinKind,
        keys: &'p [(Expr, Expr, &'static FuncDef)],
        on: Option<&'p Expr>,
        left_width: usize,
        right_width: usize,
    ) -> Self {
        MergeJoin {
            left,
            right,
            kind,
            keys,
            on,
            left_width,
            right_width,
            group: Vec::new(),
            group_key: Vec::new(),
            matched: Vec::new(),
            ahead: None,
            right_done: false,
            done: false,
            pending: std::collections::VecDeque::new(),
            key_order: (0..keys.len())
                .map(|column| SortKey {
                    column,
                    desc: false,
                    nulls_first: false,
                })
                .collect(),
        }
    }

    fn cmp(&self, a: &[Value], b: &[Value]) -> std::cmp::Ordering {
        compare_rows(a, b, &self.key_order)
    }

    /// The next inner row and its key.
    fn next_right(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<(Vec<Value>, Row)>> {
        if let Some(x) = self.ahead.take() {
            return Ok(Some(x));
        }
        if self.right_done {
            return Ok(None);
        }
        match self.right.next(ctx)? {
            None => {
                self.right_done = true;
                Ok(None)
            }
            Some(r) => {
                let mut key = Vec::with_capacity(self.keys.len());
                for (_, e, _) in self.keys {
                    key.push(e.eval(&r, ctx)?);
                }
                Ok(Some((key, r)))
            }
        }
    }

    /// Emits the current group's unmatched inner rows (RIGHT/FULL) and
    /// drops the group.
    fn flush_group(&mut self) {
        let pad_right = matches!(self.kind, JoinKind::Right | JoinKind::Full);
        let group = std::mem::take(&mut self.group);
        for (r, m) in group.into_iter().zip(std::mem::take(&mut self.matched)) {
            if pad_right && !m {
                let mut row = vec![Value::Null; self.left_width];
                row.extend(r);
                self.pending.push_back(row);
            }
        }
    }

    /// Makes the group the inner rows of the smallest key not below
    /// `key`; inner rows passed on the way (and NULL keys) match nothing.
    fn advance_group(&mut self, key: &[Value], ctx: &mut EvalCtx<'_>) -> Result<()> {
        let pad_right = matches!(self.kind, JoinKind::Right | JoinKind::Full);
        loop {
            if !self.group.is_empty() && self.cmp(&self.group_key, key) != std::cmp::Ordering::Less
            {
                return Ok(());
            }
            self.flush_group();
            let Some((k, r)) = self.next_right(ctx)? else {
                return Ok(());
            };
            if k.iter().any(Value::is_null) {
                if pad_right {
                    let mut row = vec![Value::Null; self.left_width];
                    row.extend(r);
                    self.pending.push_back(row);
                }
                continue;
            }
            // The whole run of this key.
            self.group.push(r);
            self.matched.push(false);
            while let Some((k2, r2)) = self.next_right(ctx)? {
                if self.cmp(&k2, &k) == std::cmp::Ordering::Equal {
                    self.group.push(r2);
                    self.matched.push(false);
                } else {
                    self.ahead = Some((k2, r2));
                    break;
                }
            }
            self.group_key = k;
            ctx.check_interrupts()?;
        }
    }

    /// Joins one outer row, or ends the join when the outer side is done.
    fn step(&mut self, ctx: &mut EvalCtx<'_>) -> Result<()> {
        let pad_left = matches!(self.kind, JoinKind::Left | JoinKind::Full);
        let Some(l) = self.left.next(ctx)? else {
            // The rest of the inner side matches nothing.
            self.flush_group();
            if matches!(self.kind, JoinKind::Right | JoinKind::Full) {
                while let Some((_, r)) = self.next_right(ctx)? {
                    let mut row = vec![Value::Null; self.left_width];
                    row.extend(r);
                    self.pending.push_back(row);
                }
            }
            self.done = true;
            return Ok(());
        };
        let mut key = Vec::with_capacity(self.keys.len());
        for (e, _, _) in self.keys {
            key.push(e.eval(&l, ctx)?);
        }
        let mut any = false;
        if !key.iter().any(Value::is_null) {
            self.advance_group(&key, ctx)?;
            if !self.group.is_empty()
                && self.cmp(&self.group_key, &key) == std::cmp::Ordering::Equal
            {
                for (m, r) in self.group.iter().enumerate() {
                    let mut row = Vec::with_capacity(self.left_width + self.right_width);
                    row.extend(l.iter().cloned());
                    row.extend(r.iter().cloned());
                    let ok = match self.on {
                        Some(on) => on.eval(&row, ctx)? == Value::Bool(true),
                        None => true,
                    };
                    if ok {
                        any = true;
                        self.matched[m] = true;
                        self.pending.push_back(row);
                    }
                }
            }
        }
        if !any && pad_left {
            let mut row = l;
            row.resize(self.left_width + self.right_width, Value::Null);
            self.pending.push_back(row);
        }
        Ok(())
    }
}

impl Node for MergeJoin<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                return Ok(Some(r));
            }
            if self.done {
                return Ok(None);
            }
            self.step(ctx)?;
        }
    }
}
