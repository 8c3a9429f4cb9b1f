//! Sort, Limit and Distinct.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

use super::key::row_key;
use super::qsort::{pg_qsort, BoundedHeap};
use super::spill::{self, TempReader, TempWriter};
use super::{Node, Row};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::plan::SortKey;
use crate::value::Value;

/// Compares two rows by `keys`: NULLs sort as larger than every value
/// unless the key says NULLS FIRST, as in PostgreSQL.
pub fn compare_rows(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for k in keys {
        let (x, y) = (&a[k.column], &b[k.column]);
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) if k.nulls_first => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, true) if k.nulls_first => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                let o = x.compare(y).unwrap_or(Ordering::Equal);
                if k.desc {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// The first key of a row reduced to a number that orders as the key does
/// (PostgreSQL's abbreviated keys): (NULL class, bits). `exact` when equal
/// numbers mean equal keys.
fn abbreviate(v: &Value, key: &SortKey) -> Option<(u8, u64, bool)> {
    if v.is_null() {
        return Some((if key.nulls_first { 0 } else { 2 }, 0, true));
    }
    let flip = |i: i64| (i as u64) ^ (1 << 63);
    let (bits, exact) = match v {
        Value::Int2(i) => (flip(i64::from(*i)), true),
        Value::Int4(i) => (flip(i64::from(*i)), true),
        Value::Int8(i) => (flip(*i), true),
        Value::Date(d) => (flip(i64::from(*d)), true),
        Value::Timestamp(t) | Value::TimestampTz(t) => (flip(*t), true),
        Value::Float8(_) | Value::Float4(_) => {
            let f = match v {
                Value::Float4(f) => f64::from(*f),
                Value::Float8(f) => *f,
                _ => 0.0,
            };
            // NaN after every number, -0 equal to 0 (float8 ordering).
            let f = crate::value::canonical_float(f);
            let b = f.to_bits();
            let b = if f.is_nan() {
                u64::MAX
            } else if b >> 63 == 0 {
                b ^ (1 << 63)
            } else {
                !b
            };
            (b, true)
        }
        Value::Text(t) => {
            // Byte order: the first eight bytes, ties decided by the rest.
            let mut b = [0u8; 8];
            let n = t.len().min(8);
            b[..n].copy_from_slice(&t.as_bytes()[..n]);
            (u64::from_be_bytes(b), false)
        }
        _ => return None,
    };
    Some((1, if key.desc { !bits } else { bits }, exact))
}

/// Sorts `rows` by `keys` with PostgreSQL's quicksort. When the first
/// key abbreviates, the sort runs over (abbreviation, row) pairs and
/// compares whole rows only on ties; the comparisons come out the same,
/// so the rows land in the same order.
pub fn sort_rows(rows: &mut Vec<Row>, keys: &[SortKey]) {
    let Some(first) = keys.first() else {
        return;
    };
    let mut abbreviated = Vec::with_capacity(rows.len());
    let mut all_exact = true;
    for (i, r) in rows.iter().enumerate() {
        match abbreviate(&r[first.column], first) {
            Some((class, bits, exact)) => {
                all_exact &= exact;
                abbreviated.push((class, bits, i as u32));
            }
            None => {
                pg_qsort(rows, &mut |a, b| compare_rows(a, b, keys));
                return;
            }
        }
    }
    let only_key = keys.len() == 1 && all_exact;
    let rows_ref: &[Row] = rows;
    pg_qsort(&mut abbreviated, &mut |a, b| {
        let o = (a.0, a.1).cmp(&(b.0, b.1));
        if o != Ordering::Equal || only_key {
            return o;
        }
        compare_rows(&rows_ref[a.2 as usize], &rows_ref[b.2 as usize], keys)
    });
    let mut taken: Vec<Option<Row>> = std::mem::take(rows).into_iter().map(Some).collect();
    rows.extend(
        abbreviated
            .iter()
            .filter_map(|&(_, _, i)| taken[i as usize].take()),
    );
}

/// How many sorted runs one merge pass reads at once.
const MERGE_WIDTH: usize = 64;

/// How a sort ran (EXPLAIN ANALYZE's "Sort Method").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMethod {
    /// In memory; peak kB.
    Quicksort(u64),
    /// Only the first rows kept, in a bounded heap (under LIMIT); kB.
    TopN(u64),
    /// Runs written to temp files; kB written.
    ExternalMerge(u64),
}

/// Reads all input rows, then returns them in order: in memory while the
/// rows fit in work_mem, else as sorted runs in temp files merged at the
/// end (PostgreSQL's external merge sort).
pub struct Sort<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// Keys.
    pub keys: &'p [SortKey],
    /// The output, once the input is read.
    pub out: Option<SortOutput<'p>>,
    /// How it ran, once done.
    pub method: Option<SortMethod>,
    /// Under LIMIT: (limit, offset) expressions bounding the rows needed.
    pub bound: Option<(&'p Expr, Option<&'p Expr>)>,
    /// Sorts within maintenance_work_mem instead of work_mem (CREATE INDEX).
    pub maintenance: bool,
}

/// Where a finished sort's rows come from.
pub enum SortOutput<'p> {
    /// In memory, reversed (popped from the end).
    Memory(Vec<Row>),
    /// Merging runs.
    Merge(Merger<'p>),
}

impl<'p> Sort<'p> {
    /// A sort of `input` by `keys`.
    pub fn new(input: Box<dyn Node + 'p>, keys: &'p [SortKey]) -> Self {
        Sort {
            input,
            keys,
            out: None,
            method: None,
            bound: None,
            maintenance: false,
        }
    }

    /// The number of rows a LIMIT above needs, if known and small.
    fn needed(&self, ctx: &mut EvalCtx<'_>) -> Result<Option<usize>> {
        let Some((limit, offset)) = self.bound else {
            return Ok(None);
        };
        let n = match limit.eval(&[], ctx)? {
            Value::Int8(n) if n >= 0 => n,
            _ => return Ok(None),
        };
        let off = match offset.map(|o| o.eval(&[], ctx)).transpose()? {
            None | Some(Value::Null) => 0,
            Some(Value::Int8(o)) if o >= 0 => o,
            _ => return Ok(None),
        };
        // PostgreSQL bounds no sort past INT_MAX / 2 rows.
        Ok(usize::try_from(n.saturating_add(off))
            .ok()
            .filter(|&k| k <= (i32::MAX / 2) as usize))
    }

    fn sort_run(&self, rows: &mut Vec<Row>) {
        sort_rows(rows, self.keys);
    }

    fn run(&mut self, ctx: &mut EvalCtx<'_>) -> Result<SortOutput<'p>> {
        let keys = self.keys;
        let mut cmp = |a: &Row, b: &Row| compare_rows(a, b, keys);
        let bound = self.needed(ctx)?;
        // Under a LIMIT, past twice the rows needed (or past work_mem
        // with more than them), only the first rows are kept, in a
        // bounded heap, as PostgreSQL's tuplesort switches to top-N
        // heapsort.
        let mut heap: Option<BoundedHeap<Row>> = None;
        let mut budget = if self.maintenance {
            spill::maintenance_budget(ctx.spill.as_ref())
        } else {
            spill::budget(ctx.spill.as_ref())
        };
        let mut rows = Vec::new();
        let mut runs: Vec<TempReader> = Vec::new();
        let mut peak = 0u64;
        let mut seen = 0u64;
        while let Some(r) = self.input.next(ctx)? {
            seen += 1;
            if let Some(h) = heap.as_mut() {
                h.offer(r, &mut cmp);
                if seen.is_multiple_of(1024) {
                    ctx.check_interrupts()?;
                }
                continue;
            }
            let size = spill::row_size(&r);
            let fits = spill::reserve(&mut budget, size);
            if let Some(k) = bound.filter(|&k| rows.len() + 1 > 2 * k || (!fits && rows.len() >= k))
            {
                rows.push(r);
                heap = Some(BoundedHeap::new(std::mem::take(&mut rows), k, &mut cmp));
                if let Some(b) = budget.as_mut() {
                    peak = peak.max(b.held());
                    b.release_all();
                }
                continue;
            }
            if !fits && !rows.is_empty() {
                if let Some(sp) = ctx.spill.as_ref() {
                    self.sort_run(&mut rows);
                    let mut w = TempWriter::create(sp)?;
                    for row in rows.drain(..) {
                        w.write_row(&row)?;
                    }
                    runs.push(w.finish(sp)?);
                    if let Some(b) = budget.as_mut() {
                        peak = peak.max(b.held());
                        b.release_all();
                        b.try_reserve(size);
                    }
                    ctx.check_interrupts()?;
                }
            }
            rows.push(r);
            if rows.len().is_multiple_of(1024) {
                ctx.check_interrupts()?;
            }
        }
        if let Some(h) = heap {
            let mut rows = h.into_sorted(&mut cmp);
            let bytes: u64 = rows.iter().map(|r| spill::row_size(r)).sum();
            rows.reverse();
            self.method = Some(SortMethod::TopN(bytes.div_ceil(1024)));
            return Ok(SortOutput::Memory(rows));
        }
        if let Some(b) = budget.as_ref() {
            peak = peak.max(b.held());
        }
        if runs.is_empty() {
            sort_rows(&mut rows, keys);
            // Reversed so that popping yields the rows in order.
            rows.reverse();
            self.method = Some(SortMethod::Quicksort(peak.div_ceil(1024)));
            return Ok(SortOutput::Memory(rows));
        }
        let Some(sp) = ctx.spill.as_ref() else {
            return Err(crate::error::SqlError::internal(
                "sort runs without a temp directory",
            ));
        };
        if !rows.is_empty() {
            self.sort_run(&mut rows);
            let mut w = TempWriter::create(sp)?;
            for row in rows.drain(..) {
                w.write_row(&row)?;
            }
            runs.push(w.finish(sp)?);
        }
        drop(budget);
        let mut written: u64 = runs.iter().map(|r| r.bytes).sum();
        // Merge passes until one pass can read every run.
        while runs.len() > MERGE_WIDTH {
            let mut next = Vec::new();
            let mut rest = runs.into_iter();
            loop {
                let group: Vec<TempReader> = rest.by_ref().take(MERGE_WIDTH).collect();
                if group.is_empty() {
                    break;
                }
                let mut m = Merger::new(group, self.keys)?;
                let mut w = TempWriter::create(sp)?;
                let mut n = 0u32;
                while let Some(row) = m.next_row()? {
                    w.write_row(&row)?;
                    n = n.wrapping_add(1);
                    if n.is_multiple_of(4096) {
                        ctx.check_interrupts()?;
                    }
                }
                let r = w.finish(sp)?;
                written += r.bytes;
                next.push(r);
            }
            runs = next;
        }
        self.method = Some(SortMethod::ExternalMerge(written.div_ceil(1024)));
        Ok(SortOutput::Merge(Merger::new(runs, self.keys)?))
    }
}

impl Node for Sort<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.out.is_none() {
            self.out = Some(self.run(ctx)?);
        }
        match self.out.as_mut() {
            Some(SortOutput::Memory(rows)) => Ok(rows.pop()),
            Some(SortOutput::Merge(m)) => m.next_row(),
            None => Ok(None),
        }
    }

    fn sort_method(&self) -> Option<SortMethod> {
        self.method
    }
}

/// One run's current row in the merge heap.
struct Head<'p> {
    /// The row.
    row: Row,
    /// Which run it came from.
    run: usize,
    /// Sort keys.
    keys: &'p [SortKey],
}

impl PartialEq for Head<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head<'_> {}

impl PartialOrd for Head<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Head<'_> {
    /// Reversed, so the max-heap pops the smallest row (ties by run, so
    /// equal rows keep run order).
    fn cmp(&self, other: &Self) -> Ordering {
        compare_rows(&other.row, &self.row, self.keys).then(other.run.cmp(&self.run))
    }
}

/// Merges sorted runs.
pub struct Merger<'p> {
    /// The runs.
    runs: Vec<TempReader>,
    /// Each run's current row.
    heap: BinaryHeap<Head<'p>>,
}

impl<'p> Merger<'p> {
    fn new(mut runs: Vec<TempReader>, keys: &'p [SortKey]) -> Result<Self> {
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (run, r) in runs.iter_mut().enumerate() {
            if let Some(row) = r.next_row()? {
                heap.push(Head { row, run, keys });
            }
        }
        Ok(Merger { runs, heap })
    }

    fn next_row(&mut self) -> Result<Option<Row>> {
        let Some(Head { row, run, keys }) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some(next) = self.runs[run].next_row()? {
            self.heap.push(Head {
                row: next,
                run,
                keys,
            });
        }
        Ok(Some(row))
    }
}

/// LIMIT / OFFSET.
pub struct Limit<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// LIMIT expression.
    pub limit: Option<&'p Expr>,
    /// OFFSET expression.
    pub offset: Option<&'p Expr>,
    /// (rows still to skip, rows still to return), once computed.
    pub state: Option<(i64, Option<i64>)>,
    /// WITH TIES: the ORDER BY columns.
    pub ties: Option<&'p [usize]>,
    /// WITH TIES: the last row within the limit, while ties may follow.
    pub last: Option<Row>,
}

impl Limit<'_> {
    fn bound(
        e: Option<&Expr>,
        what: &str,
        code: SqlState,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<Option<i64>> {
        let Some(e) = e else {
            return Ok(None);
        };
        match e.eval(&[], ctx)? {
            Value::Null => Ok(None),
            Value::Int8(n) if n < 0 => {
                Err(SqlError::new(code, format!("{what} must not be negative")))
            }
            Value::Int8(n) => Ok(Some(n)),
            other => Err(SqlError::internal(format!("{what} of {other:?}"))),
        }
    }
}

impl Node for Limit<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.state.is_none() {
            let offset = Self::bound(
                self.offset,
                "OFFSET",
                SqlState::INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE,
                ctx,
            )?;
            let limit = Self::bound(
                self.limit,
                "LIMIT",
                SqlState::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE,
                ctx,
            )?;
            if limit.is_none() && self.limit.is_some() && self.ties.is_some() {
                return Err(SqlError::new(
                    SqlState::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE,
                    "row count cannot be null in FETCH FIRST ... WITH TIES clause",
                ));
            }
            self.state = Some((offset.unwrap_or(0), limit));
        }
        let Some((skip, left)) = self.state.as_mut() else {
            return Ok(None);
        };
        if *left == Some(0) {
            // WITH TIES: rows equal on the ORDER BY columns to the last
            // one returned follow it.
            let (Some(cols), Some(last)) = (self.ties, self.last.as_ref()) else {
                return Ok(None);
            };
            let Some(row) = self.input.next(ctx)? else {
                self.last = None;
                return Ok(None);
            };
            let tied = cols.iter().all(|&c| {
                let (a, b) = (&row[c], &last[c]);
                (a.is_null() && b.is_null()) || a.compare(b) == Some(std::cmp::Ordering::Equal)
            });
            if tied {
                return Ok(Some(row));
            }
            self.last = None;
            return Ok(None);
        }
        while *skip > 0 {
            if self.input.next(ctx)?.is_none() {
                return Ok(None);
            }
            *skip -= 1;
        }
        let row = self.input.next(ctx)?;
        if let (Some(n), Some(r)) = (left.as_mut(), &row) {
            *n -= 1;
            if *n == 0 && self.ties.is_some() {
                self.last = Some(r.clone());
            }
        }
        Ok(row)
    }
}

/// Partitions a spilling DISTINCT writes new rows to.
const DISTINCT_PARTITIONS: usize = 16;

/// DISTINCT and DISTINCT ON. DISTINCT keeps the keys it has returned in a
/// hash set within work_mem × hash_mem_multiplier; past that, rows with
/// keys it has not seen go to partition files (by key hash) and each
/// partition is deduplicated on its own at the end.
pub struct Distinct<'p> {
    /// Input (sorted by the ON columns first, for DISTINCT ON).
    input: Box<dyn Node + 'p>,
    /// DISTINCT ON columns.
    on: Option<&'p [usize]>,
    /// Keys seen (DISTINCT).
    seen: HashSet<Vec<u8>>,
    /// The previous row's ON key (DISTINCT ON).
    last: Option<Vec<u8>>,
    /// The hash set's budget, once taken.
    budget: Option<Option<actorgres_memory::Budget>>,
    /// After the set filled up: partition files of unseen rows.
    parts: Vec<TempWriter>,
    /// Partitions to deduplicate after the input, and the one being read.
    pending: Vec<TempReader>,
    /// The partition being read.
    reading: Option<TempReader>,
    /// The input is exhausted.
    done: bool,
}

impl<'p> Distinct<'p> {
    /// DISTINCT (on = None) or DISTINCT ON over `input`.
    pub fn new(input: Box<dyn Node + 'p>, on: Option<&'p [usize]>) -> Self {
        Distinct {
            input,
            on,
            seen: HashSet::new(),
            last: None,
            budget: None,
            parts: Vec::new(),
            pending: Vec::new(),
            reading: None,
            done: false,
        }
    }

    /// DISTINCT over the input: a row whose key is new, or None.
    fn admit(&mut self, row: Row, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let key = row_key(&row);
        if self.seen.contains(&key) {
            return Ok(None);
        }
        if self.parts.is_empty() {
            let budget = self
                .budget
                .get_or_insert_with(|| spill::hash_budget(ctx.spill.as_ref()));
            if spill::reserve(budget, key.len() as u64 + 48) || ctx.spill.is_none() {
                self.seen.insert(key);
                return Ok(Some(row));
            }
            let Some(sp) = ctx.spill.as_ref() else {
                return Err(SqlError::internal(
                    "DISTINCT spill without a temp directory",
                ));
            };
            self.parts = (0..DISTINCT_PARTITIONS)
                .map(|_| TempWriter::create(sp))
                .collect::<Result<_>>()?;
        }
        self.parts[super::key::partition(&key, 0, DISTINCT_PARTITIONS)].write_row(&row)?;
        Ok(None)
    }
}

impl Node for Distinct<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if let Some(cols) = self.on {
            while let Some(row) = self.input.next(ctx)? {
                let key = row_key(cols.iter().map(|&c| &row[c]));
                if self.last.as_ref() != Some(&key) {
                    self.last = Some(key);
                    return Ok(Some(row));
                }
            }
            return Ok(None);
        }
        if !self.done {
            while let Some(row) = self.input.next(ctx)? {
                if let Some(r) = self.admit(row, ctx)? {
                    return Ok(Some(r));
                }
            }
            self.done = true;
            let Some(sp) = ctx.spill.as_ref() else {
                return Ok(None);
            };
            for w in std::mem::take(&mut self.parts) {
                self.pending.push(w.finish(sp)?);
            }
        }
        // Each partition holds keys never returned; deduplicate it alone
        // (a partition is held in memory whatever its size).
        loop {
            if let Some(r) = self.reading.as_mut() {
                while let Some(row) = r.next_row()? {
                    if self.seen.insert(row_key(&row)) {
                        return Ok(Some(row));
                    }
                }
                self.reading = None;
            }
            let Some(next) = self.pending.pop() else {
                return Ok(None);
            };
            self.seen.clear();
            self.reading = Some(next);
            ctx.check_interrupts()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The abbreviated sort leaves rows exactly where the plain one does.
    #[test]
    fn abbreviated_keys_sort_as_the_plain_comparison() {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut rows: Vec<Row> = Vec::new();
        for i in 0..2000 {
            let k = next();
            let v = match k % 5 {
                0 => Value::Null,
                1 => Value::Float8(f64::NAN),
                2 => Value::Float8(-((k % 7) as f64)),
                3 => Value::Float8(0.0),
                _ => Value::Float8((k % 11) as f64 + 0.5),
            };
            let t = Value::Text(
                ["ab", "abcdefghij", "abcdefghik", "b", ""][(k % 5) as usize].to_string(),
            );
            rows.push(vec![v, t, Value::Int4(i)]);
        }
        for keys in [
            vec![SortKey {
                column: 0,
                desc: false,
                nulls_first: false,
            }],
            vec![SortKey {
                column: 0,
                desc: true,
                nulls_first: true,
            }],
            vec![
                SortKey {
                    column: 1,
                    desc: false,
                    nulls_first: false,
                },
                SortKey {
                    column: 0,
                    desc: true,
                    nulls_first: false,
                },
            ],
        ] {
            let mut plain = rows.clone();
            pg_qsort(&mut plain, &mut |a, b| compare_rows(a, b, &keys));
            let mut fast = rows.clone();
            sort_rows(&mut fast, &keys);
            let ids = |v: &[Row]| v.iter().map(|r| r[2].clone()).collect::<Vec<_>>();
            assert_eq!(ids(&plain), ids(&fast));
        }
    }
}
