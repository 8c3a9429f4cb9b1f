//! Parallel sequential scans: PostgreSQL's Gather over a Parallel Seq Scan.
//!
//! The table's blocks are cut into chunks of [`CHUNK_BLOCKS`]. Worker
//! threads and the leader (the statement's own executor thread, unless
//! parallel_leader_participation is off) claim chunks in block order,
//! read their visible rows with the statement's snapshot and apply the
//! scan's filter; the rows that pass go to the leader in one buffer per
//! chunk (see [`Batch`]). The leader returns the chunks' rows in chunk
//! order, so the output is the serial scan's, row for row. Workers claim at most [`WINDOW`] chunks past the one the leader
//! returns next, which bounds the rows held at once.
//!
//! Workers are threads started when the Gather starts and joined when it
//! ends; at most max_parallel_workers run in the whole server, and one
//! scan starts at most one fewer than the machine's cores (fewer start
//! when slots are taken, as PostgreSQL launches fewer; with none the
//! leader scans alone). A worker reads with copies of what the statement
//! reads with: the snapshot, the transaction's xids and command id, the
//! session's settings and parameters. It evaluates only parallel-safe
//! filters (no subqueries, outer references or volatile functions, see
//! [`Expr::parallel_safe`]); an error in a worker ends the statement when
//! the leader reaches that chunk, as it would have in a serial scan.

use std::collections::HashMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use actorgres_memory::Interrupts;
use actorgres_storage::xact::{OwnXids, Snapshot};
use actorgres_storage::{Engine, PageRows};
use parking_lot::{Condvar, Mutex};

use super::scan::{Layout, Qual, SeqScan};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError};
use crate::exec::agg::{self, AggState};
use crate::exec::key::{push_key, KeyMap};
use crate::exec::{Node, Row};
use crate::expr::{EvalCtx, Expr, StorageCtx};
use crate::guc::Settings;
use crate::host::{NoHost, SessionInfo};
use crate::plan::{AggCall, Plan};
use crate::value::{OutputStyle, Value};

/// Blocks per chunk: small enough to share the work evenly, large enough
/// that claiming and passing a chunk costs little next to reading it.
pub const CHUNK_BLOCKS: u32 = 16;

/// How many chunks workers may read past the one the leader needs next.
pub const WINDOW: u32 = 16;

/// How often a waiting leader checks for cancellation.
const POLL: Duration = Duration::from_millis(20);

/// Stack size of worker threads (as executor threads: deep filters
/// recurse in the evaluator).
const STACK_SIZE: usize = 256 << 20;

/// Workers running in the server, against max_parallel_workers.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// The most workers one scan starts: one fewer than the machine's cores
/// (at least one), since the leader works too and more threads than
/// cores only take turns (on two cores one worker and the leader scan a
/// tenth faster than two workers and the leader).
fn worker_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// Reserves up to `want` worker slots within `max` running in all; how
/// many it got.
fn reserve(want: usize, max: usize) -> usize {
    let mut now = RUNNING.load(Ordering::Acquire);
    loop {
        let n = want.min(max.saturating_sub(now));
        if n == 0 {
            return 0;
        }
        match RUNNING.compare_exchange_weak(now, now + n, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return n,
            Err(actual) => now = actual,
        }
    }
}

/// One reserved worker slot, given back when dropped.
struct Slot;

impl Drop for Slot {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A chunk's rows and the notices raised while reading them.
type Chunk = Result<Batch>;

/// What a worker sends the leader.
enum Msg {
    /// Chunk `n`'s rows (a scan for rows).
    Chunk(u32, Chunk),
    /// The worker's groups over every row it read, and the notices raised
    /// (a partial aggregate; once, when it is done); None when it found
    /// more groups than [`MAX_PARTIAL_GROUPS`].
    States(Result<Option<(Groups, Vec<SqlError>)>>),
}

/// The rows of a chunk that passed the filter, in one buffer per chunk.
/// When every value the plan reads lives inline (numbers, dates), the
/// worker decodes them and hands over the values back to back; otherwise
/// it hands over the rows as stored (the page's bytes) and the leader
/// decodes them, so that every text value is allocated and freed by the
/// same thread (values allocated by one thread and freed by another make
/// the allocator take locks: handing over decoded text values made
/// `ORDER BY c LIMIT 10` twice as slow). Rows without values (`count(*)`)
/// are only counted.
#[derive(Default)]
struct Batch {
    /// Decoded values, row after row (inline values only).
    values: std::vec::IntoIter<Value>,
    /// Stored rows (otherwise).
    stored: PageRows,
    /// Rows left.
    rows: usize,
    /// Notices raised while reading them.
    notices: Vec<SqlError>,
}

impl Batch {
    /// The next row, decoded by `layout` if the worker did not.
    fn next_row(&mut self, layout: &Layout, scratch: &mut Vec<Value>) -> Result<Option<Row>> {
        let Some(left) = self.rows.checked_sub(1) else {
            return Ok(None);
        };
        self.rows = left;
        if !self.stored.items.is_empty() {
            let pos = self.stored.items.len() - 1 - left;
            return match self.stored.get(pos) {
                Some((tid, data)) => layout.row(data, tid, scratch).map(Some),
                None => Ok(None),
            };
        }
        let width = layout.width();
        let mut row = Vec::with_capacity(width);
        if self.values.len() == 0 {
            row.resize(width, Value::Null);
        } else {
            row.extend(self.values.by_ref().take(width));
        }
        Ok(Some(row))
    }
}

/// Who reads which chunk.
struct Claims {
    /// The next chunk nobody has claimed.
    next: u32,
    /// The chunk the leader returns next.
    want: u32,
    /// The scan is over (ended early, failed, or done).
    stop: bool,
}

/// What the leader and its workers share.
struct Shared {
    /// Claims, under a lock taken once per chunk.
    claims: Mutex<Claims>,
    /// Signalled when the leader moves on or the scan stops.
    moved: Condvar,
    /// Blocks in the table when the scan started.
    blocks: u32,
}

impl Shared {
    /// Chunks in the scan.
    fn chunks(&self) -> u32 {
        self.blocks.div_ceil(CHUNK_BLOCKS)
    }

    /// The blocks of chunk `n`.
    fn range(&self, n: u32) -> Range<u32> {
        let start = n.saturating_mul(CHUNK_BLOCKS);
        start..start.saturating_add(CHUNK_BLOCKS).min(self.blocks)
    }

    /// The next chunk to read, None when all are taken or the scan has
    /// stopped. A worker (`wait`) waits while it would read more than
    /// [`WINDOW`] chunks ahead of the leader.
    fn claim(&self, wait: bool) -> Option<u32> {
        let mut c = self.claims.lock();
        loop {
            if c.stop || c.next >= self.chunks() {
                return None;
            }
            if !wait || c.next < c.want.saturating_add(WINDOW) {
                c.next += 1;
                return Some(c.next - 1);
            }
            self.moved.wait(&mut c);
        }
    }

    /// The leader now needs chunk `want`.
    fn advance(&self, want: u32) {
        self.claims.lock().want = want;
        self.moved.notify_all();
    }

    /// Ends the scan: workers finish the chunk in hand and exit.
    fn stop(&self) {
        self.claims.lock().stop = true;
        self.moved.notify_all();
    }
}

/// How a [`Reader`] hands over the rows that pass (see [`Batch`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum HandOver {
    /// Only how many: no column is read (`count(*)`).
    Count,
    /// Decoded values: every column read lives inline.
    Values,
    /// The stored rows, for the receiver to decode.
    Stored,
}

/// Reads chunks of a table: a block's visible rows, filtered, decoded.
struct Reader {
    /// Stored → output.
    layout: Layout,
    /// How rows are handed over, decided once from `layout`.
    hand_over: HandOver,
    /// The current block's visible versions.
    page: PageRows,
    /// Decoding scratch.
    scratch: Vec<Value>,
    /// Scratch row for the filter.
    qual_row: Row,
}

impl Reader {
    fn new(table: &TableDef, needed: Option<usize>) -> Reader {
        let layout = Layout::new(table, false, needed);
        let hand_over = match (layout.reads_nothing(), layout.values_inline()) {
            (true, _) => HandOver::Count,
            (false, true) => HandOver::Values,
            (false, false) => HandOver::Stored,
        };
        Reader {
            layout,
            hand_over,
            page: PageRows::default(),
            scratch: Vec::new(),
            qual_row: Vec::new(),
        }
    }

    /// The rows of `blocks` of `table` that pass `qual` (with the number
    /// of stored attributes it reads).
    fn read(
        &mut self,
        table: &TableDef,
        blocks: Range<u32>,
        qual: Option<Qual<'_>>,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<Batch> {
        let mut batch = Batch::default();
        let mut values = Vec::new();
        for block in blocks {
            let storage = ctx
                .storage
                .as_ref()
                .ok_or_else(|| SqlError::internal("a parallel scan without a snapshot"))?;
            storage.engine.scan_block_rows(
                table.rel,
                block,
                storage.snapshot,
                storage.own,
                &mut self.page,
            )?;
            for i in 0..self.page.items.len() {
                let Some((tid, data)) = self.page.get(i) else {
                    break;
                };
                if let Some(q) = qual {
                    let keep = self.layout.passes(
                        q,
                        (tid, data),
                        &mut self.scratch,
                        &mut self.qual_row,
                        ctx,
                    )?;
                    if !keep {
                        continue;
                    }
                }
                batch.rows += 1;
                match self.hand_over {
                    HandOver::Count => {}
                    HandOver::Values => {
                        self.layout
                            .append(data, tid, &mut self.scratch, &mut values)?;
                    }
                    HandOver::Stored => {
                        let out = &mut batch.stored;
                        let start = out.data.len();
                        out.data.extend_from_slice(data);
                        out.items.push((tid, start, out.data.len()));
                    }
                }
            }
        }
        batch.values = values.into_iter();
        Ok(batch)
    }
}

/// What a worker evaluates with: copies of the statement's context.
#[derive(Clone)]
struct WorkerEnv {
    engine: Arc<Engine>,
    snapshot: Snapshot,
    own: OwnXids,
    settings: Settings,
    style: OutputStyle,
    info: SessionInfo,
    interrupts: Interrupts,
    params: Vec<Value>,
    statement_start: i64,
    transaction_start: i64,
}

/// A worker's assignment.
struct Job {
    shared: Arc<Shared>,
    done: mpsc::Sender<Msg>,
    table: Arc<TableDef>,
    needed: Option<usize>,
    qual: Option<Expr>,
    /// Aggregate the rows instead of sending them (a partial aggregate):
    /// group expressions and aggregates.
    aggs: Option<(Vec<Expr>, Vec<AggCall>)>,
    env: WorkerEnv,
    /// Held while the worker runs.
    _slot: Slot,
}

/// A worker thread's body: claims and reads chunks until none is left.
fn work(job: Job) {
    let Job {
        shared,
        done,
        table,
        needed,
        qual,
        aggs,
        env,
        _slot,
    } = job;
    let WorkerEnv {
        engine,
        snapshot,
        own,
        mut settings,
        style,
        info,
        interrupts,
        params,
        statement_start,
        transaction_start,
    } = env;
    let mut notices = Vec::new();
    let mut ctx = EvalCtx {
        settings: &mut settings,
        style: &style,
        host: &NoHost,
        interrupts: &interrupts,
        info: &info,
        statement_start,
        transaction_start,
        params: &params,
        notices: &mut notices,
        storage: Some(StorageCtx {
            engine: &engine,
            snapshot: &snapshot,
            own: &own,
            db: table.rel.db,
            xid: None,
        }),
        outer: Vec::new(),
        initplans: HashMap::new(),
        hashed_initplans: HashMap::new(),
        catalog_rows: HashMap::new(),
        spill: None,
        worktables: HashMap::new(),
        ctescans: HashMap::new(),
        prepared: None,
        sequences: None,
        cursors: None,
        temp_namespace: None,
        notify: None,
    };
    let mut reader = Reader::new(&table, needed);
    let qual = qual.as_ref().map(|q| reader.layout.qual(q));
    if let Some((group, aggs)) = aggs {
        let mut groups = Groups::new(&group, &aggs);
        let read = catch_unwind(AssertUnwindSafe(|| {
            while let Some(n) = shared.claim(true) {
                ctx.check_interrupts()?;
                let batch = reader.read(&table, shared.range(n), qual, &mut ctx)?;
                let layout = &reader.layout;
                if !groups.add_batch(batch, layout, &mut reader.scratch, &group, &aggs, &mut ctx)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }));
        let result = match read {
            Ok(Ok(true)) => Ok(Some((groups, std::mem::take(ctx.notices)))),
            Ok(Ok(false)) => Ok(None),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(SqlError::internal("a parallel worker panicked")),
        };
        let _ = done.send(Msg::States(result));
        return;
    }
    while let Some(n) = shared.claim(true) {
        let read = catch_unwind(AssertUnwindSafe(|| {
            reader.read(&table, shared.range(n), qual, &mut ctx)
        }));
        let (chunk, go_on) = match read {
            Ok(batch) => (
                batch.map(|b| Batch {
                    notices: std::mem::take(ctx.notices),
                    ..b
                }),
                true,
            ),
            Err(_) => (Err(SqlError::internal("a parallel worker panicked")), false),
        };
        if done.send(Msg::Chunk(n, chunk)).is_err() || !go_on {
            return;
        }
    }
}

/// The leader's side of a running parallel scan.
struct Leader {
    shared: Arc<Shared>,
    /// Chunks (or aggregate states) from workers.
    done: mpsc::Receiver<Msg>,
    workers: Vec<JoinHandle<()>>,
    /// Chunks read but not yet returned, by number.
    pending: HashMap<u32, Chunk>,
    /// The rows of the chunk being returned.
    current: Batch,
    /// The chunk to return next.
    want: u32,
    /// The leader's own reader.
    reader: Reader,
    /// parallel_leader_participation.
    participate: bool,
}

impl Leader {
    /// Chunk `want`, read by whoever claimed it; the leader reads chunks
    /// itself while it waits, within the window.
    fn take(&mut self, table: &TableDef, qual: Option<Qual<'_>>, ctx: &mut EvalCtx<'_>) -> Chunk {
        let want = self.want;
        loop {
            if let Some(c) = self.pending.remove(&want) {
                return c;
            }
            while let Ok(msg) = self.done.try_recv() {
                if let Msg::Chunk(n, c) = msg {
                    self.pending.insert(n, c);
                }
            }
            if self.pending.contains_key(&want) {
                continue;
            }
            if self.participate && self.pending.len() < WINDOW as usize {
                if let Some(n) = self.shared.claim(false) {
                    let batch = self.reader.read(table, self.shared.range(n), qual, ctx);
                    self.pending.insert(n, batch);
                    continue;
                }
            }
            match self.done.recv_timeout(POLL) {
                Ok(Msg::Chunk(n, c)) => {
                    self.pending.insert(n, c);
                }
                Ok(Msg::States(_)) => {}
                Err(RecvTimeoutError::Timeout) => ctx.check_interrupts()?,
                Err(RecvTimeoutError::Disconnected) => {
                    // Every worker has exited and `want` never came (a
                    // worker could not send it): read it here.
                    return self.reader.read(table, self.shared.range(want), qual, ctx);
                }
            }
        }
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        self.shared.stop();
        for w in self.workers.drain(..) {
            // A worker ends after the chunk in hand; its panics were caught.
            let _ = w.join();
        }
    }
}

enum Run<'p> {
    NotStarted,
    /// No worker could start: an ordinary scan.
    Serial(Box<SeqScan<'p>>),
    Parallel(Box<Leader>),
}

/// The Gather node over a parallel sequential scan.
pub struct Gather<'p> {
    table: Arc<TableDef>,
    needed: Option<usize>,
    /// The filter, and how many stored attributes it reads.
    qual: Option<Qual<'p>>,
    /// Workers planned.
    planned: usize,
    /// Workers started.
    launched: Option<usize>,
    run: Run<'p>,
}

impl<'p> Gather<'p> {
    /// A parallel scan of `table` with `planned` workers, returning the
    /// rows for which `qual` is true (all without one), decoding only the
    /// first `needed` output columns (None: all).
    pub fn new(
        table: Arc<TableDef>,
        needed: Option<usize>,
        qual: Option<&'p Expr>,
        planned: usize,
    ) -> Gather<'p> {
        let layout = Layout::new(&table, false, needed);
        let qual = qual.map(|q| layout.qual(q));
        Gather {
            table,
            needed,
            qual,
            planned,
            launched: None,
            run: Run::NotStarted,
        }
    }

    /// Starts the workers (as many as there are slots for); with `aggs`
    /// (group expressions and aggregates), each aggregates the rows it
    /// reads instead of sending them.
    fn start(
        &mut self,
        ctx: &mut EvalCtx<'_>,
        aggs: Option<(&[Expr], &[AggCall])>,
    ) -> Result<Run<'p>> {
        let serial = |g: &Self| {
            Run::Serial(Box::new(SeqScan::new(
                Arc::clone(&g.table),
                false,
                g.qual.map(|q| q.expr),
                g.needed,
            )))
        };
        let Some(storage) = ctx.storage.as_ref() else {
            return Ok(serial(self));
        };
        let max = usize::try_from(ctx.settings.int("max_parallel_workers")).unwrap_or(0);
        let slots = reserve(self.planned.min(worker_cores()), max);
        if slots == 0 {
            return Ok(serial(self));
        }
        let shared = Arc::new(Shared {
            claims: Mutex::new(Claims {
                next: 0,
                // Aggregating workers keep no rows: no window.
                want: if aggs.is_some() { u32::MAX } else { 0 },
                stop: false,
            }),
            moved: Condvar::new(),
            blocks: storage.engine.nblocks(self.table.rel)?,
        });
        let env = WorkerEnv {
            engine: Arc::clone(storage.engine),
            snapshot: storage.snapshot.clone(),
            own: storage.own.to_owned_txn(),
            settings: ctx.settings.clone(),
            style: ctx.style.clone(),
            info: ctx.info.clone(),
            interrupts: ctx.interrupts.clone(),
            params: ctx.params.to_vec(),
            statement_start: ctx.statement_start,
            transaction_start: ctx.transaction_start,
        };
        let (tx, rx) = mpsc::channel();
        let mut workers = Vec::with_capacity(slots);
        for _ in 0..slots {
            let job = Job {
                shared: Arc::clone(&shared),
                done: tx.clone(),
                table: Arc::clone(&self.table),
                needed: self.needed,
                qual: self.qual.map(|q| q.expr.clone()),
                aggs: aggs.map(|(g, a)| (g.to_vec(), a.to_vec())),
                env: env.clone(),
                _slot: Slot,
            };
            let started = std::thread::Builder::new()
                .name("actorgres-parallel".into())
                .stack_size(STACK_SIZE)
                .spawn(move || work(job));
            match started {
                Ok(h) => workers.push(h),
                Err(e) => {
                    // The job (and its slot) went with the error.
                    tracing::warn!(error = %e, "could not start a parallel worker");
                    break;
                }
            }
        }
        self.launched = Some(workers.len());
        if workers.is_empty() {
            return Ok(serial(self));
        }
        Ok(Run::Parallel(Box::new(Leader {
            shared,
            done: rx,
            workers,
            pending: HashMap::new(),
            current: Batch::default(),
            want: 0,
            reader: Reader::new(&self.table, self.needed),
            participate: ctx.settings.bool("parallel_leader_participation"),
        })))
    }
}

impl Node for Gather<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if let Run::NotStarted = self.run {
            self.launched = Some(0);
            self.run = self.start(ctx, None)?;
        }
        let leader = match &mut self.run {
            Run::Parallel(l) => l,
            Run::Serial(scan) => return scan.next(ctx),
            Run::NotStarted => return Ok(None),
        };
        loop {
            let reader = &mut leader.reader;
            if let Some(row) = leader
                .current
                .next_row(&reader.layout, &mut reader.scratch)?
            {
                return Ok(Some(row));
            }
            if leader.want >= leader.shared.chunks() {
                return Ok(None);
            }
            let mut batch = leader.take(&self.table, self.qual, ctx)?;
            leader.want += 1;
            leader.shared.advance(leader.want);
            ctx.notices.append(&mut batch.notices);
            leader.current = batch;
            ctx.check_interrupts()?;
        }
    }

    fn workers_launched(&self) -> Option<usize> {
        self.launched
    }
}

/// More groups than this in one worker (or the leader) end the partial
/// aggregation: the statement aggregates the gathered rows in the leader
/// instead, where a hash aggregate can spill past work_mem.
pub const MAX_PARTIAL_GROUPS: usize = 10_000;

/// The groups one participant found, with their aggregate states, in the
/// order it found them.
pub(crate) struct Groups {
    /// Group key bytes → index in `groups`.
    index: KeyMap<usize>,
    /// Group values and aggregate states.
    groups: Vec<(Row, Vec<AggState>)>,
    /// Key scratch.
    key: Vec<u8>,
}

impl Groups {
    /// No group yet; without group expressions the one group exists even
    /// for no rows.
    fn new(group: &[Expr], aggs: &[AggCall]) -> Groups {
        let mut g = Groups {
            index: KeyMap::default(),
            groups: Vec::new(),
            key: Vec::new(),
        };
        if group.is_empty() {
            g.index.insert(Vec::new(), 0);
            g.groups.push((Vec::new(), fresh_states(aggs.len())));
        }
        g
    }

    /// The index of the group of `values` (key `self.key`), made if new.
    fn slot(&mut self, values: Row, n_aggs: usize) -> usize {
        if let Some(&i) = self.index.get(self.key.as_slice()) {
            return i;
        }
        self.groups.push((values, fresh_states(n_aggs)));
        self.index.insert(self.key.clone(), self.groups.len() - 1);
        self.groups.len() - 1
    }

    /// Advances the groups over every row of `batch`; false once there
    /// are more than [`MAX_PARTIAL_GROUPS`].
    fn add_batch(
        &mut self,
        mut batch: Batch,
        layout: &Layout,
        scratch: &mut Vec<Value>,
        group: &[Expr],
        aggs: &[AggCall],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<bool> {
        ctx.notices.append(&mut batch.notices);
        while let Some(row) = batch.next_row(layout, scratch)? {
            // Without GROUP BY there is one group, made at the start.
            let g = if group.is_empty() {
                0
            } else {
                self.key.clear();
                let mut values = Vec::with_capacity(group.len());
                for e in group {
                    let v = e.eval(&row, ctx)?;
                    push_key(&v, &mut self.key);
                    values.push(v);
                }
                self.slot(values, aggs.len())
            };
            if let Some((_, states)) = self.groups.get_mut(g) {
                for (state, call) in states.iter_mut().zip(aggs) {
                    state.advance(call, &row, ctx)?;
                }
            }
        }
        Ok(self.groups.len() <= MAX_PARTIAL_GROUPS)
    }

    /// Adds `other`'s groups: states of groups both have are combined.
    fn merge(&mut self, other: Groups, aggs: &[AggCall], ctx: &mut EvalCtx<'_>) -> Result<()> {
        let Groups { index, groups, .. } = other;
        let mut keys: Vec<(usize, Vec<u8>)> = index.into_iter().map(|(k, i)| (i, k)).collect();
        keys.sort_unstable_by_key(|(i, _)| *i);
        for ((_, key), (values, states)) in keys.into_iter().zip(groups) {
            self.key = key;
            let g = self.slot(values, aggs.len());
            if let Some((_, mine)) = self.groups.get_mut(g) {
                for ((state, theirs), call) in mine.iter_mut().zip(states).zip(aggs) {
                    state.combine(theirs, call, ctx)?;
                }
            }
        }
        Ok(())
    }

    /// The output rows: group values, then each aggregate's result.
    fn finish(self, aggs: &[AggCall], ctx: &mut EvalCtx<'_>) -> Result<Vec<Row>> {
        let mut out = Vec::with_capacity(self.groups.len());
        for (mut values, states) in self.groups {
            for (state, call) in states.into_iter().zip(aggs) {
                values.push(state.finish(call, ctx)?);
            }
            out.push(values);
        }
        Ok(out)
    }
}

/// Fresh states for `n` aggregates.
fn fresh_states(n: usize) -> Vec<AggState> {
    (0..n).map(|_| AggState::default()).collect()
}

/// Whether `plan` is an aggregate over a parallel scan whose group
/// expressions a worker may evaluate and whose aggregates can be computed
/// in parts ([`agg::combinable`]): then the workers aggregate
/// (PostgreSQL's Partial Aggregate) and the leader combines their states
/// (Finalize Aggregate).
pub fn partial_aggregate(plan: &Plan) -> bool {
    matches!(
        plan,
        Plan::Aggregate { input, group, aggs, sets: None }
            if matches!(**input, Plan::Gather { .. })
                && group.iter().all(Expr::parallel_safe)
                && aggs.iter().all(agg::combinable)
    )
}

/// An aggregate over a parallel scan: each worker, and the leader,
/// aggregate the chunks they read; the leader then combines the workers'
/// groups into its own. With more than [`MAX_PARTIAL_GROUPS`] groups in
/// one participant (or no worker) it runs as a hash aggregate over the
/// gathered rows instead.
pub struct ParallelAgg<'p> {
    /// The scan (its configuration and workers).
    scan: Gather<'p>,
    /// Group expressions.
    group: &'p [Expr],
    /// The aggregates.
    aggs: &'p [AggCall],
    /// Output rows, reversed; None before the first call.
    out: Option<Vec<Row>>,
    /// The hash aggregate used instead.
    fallback: Option<Box<agg::HashAgg<'p>>>,
}

impl<'p> ParallelAgg<'p> {
    /// `aggs` (all [`agg::combinable`]) grouped by `group` over `scan`.
    pub fn new(scan: Gather<'p>, group: &'p [Expr], aggs: &'p [AggCall]) -> ParallelAgg<'p> {
        ParallelAgg {
            scan,
            group,
            aggs,
            out: None,
            fallback: None,
        }
    }

    /// The groups over every row of the scan; None after too many, or
    /// when no worker could start.
    fn groups(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Groups>> {
        let (group, aggs) = (self.group, self.aggs);
        let mut groups = Groups::new(group, aggs);
        self.scan.launched = Some(0);
        let mut leader = match self.scan.start(ctx, Some((group, aggs)))? {
            Run::Parallel(l) => l,
            Run::Serial(_) | Run::NotStarted => return Ok(None),
        };
        // The Leader's drop stops and joins the workers on every path.
        while leader.participate {
            let Some(n) = leader.shared.claim(false) else {
                break;
            };
            let reader = &mut leader.reader;
            let batch = reader.read(
                &self.scan.table,
                leader.shared.range(n),
                self.scan.qual,
                ctx,
            )?;
            if !groups.add_batch(batch, &reader.layout, &mut reader.scratch, group, aggs, ctx)? {
                return Ok(None);
            }
            ctx.check_interrupts()?;
        }
        let mut reported = 0;
        while reported < leader.workers.len() {
            match leader.done.recv_timeout(POLL) {
                Ok(Msg::States(result)) => {
                    reported += 1;
                    let Some((theirs, mut notices)) = result? else {
                        return Ok(None);
                    };
                    ctx.notices.append(&mut notices);
                    groups.merge(theirs, aggs, ctx)?;
                }
                Ok(Msg::Chunk(..)) => {}
                Err(RecvTimeoutError::Timeout) => ctx.check_interrupts()?,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(SqlError::internal(
                        "a parallel worker ended without its result",
                    ))
                }
            }
        }
        Ok(Some(groups))
    }
}

impl Node for ParallelAgg<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if let Some(f) = &mut self.fallback {
            return f.next(ctx);
        }
        if self.out.is_none() {
            match self.groups(ctx)? {
                Some(groups) => {
                    let mut rows = groups.finish(self.aggs, ctx)?;
                    rows.reverse();
                    self.out = Some(rows);
                }
                None => {
                    // Too many groups, or no worker: the leader aggregates
                    // the gathered rows, spilling if it must.
                    let scan = Gather::new(
                        Arc::clone(&self.scan.table),
                        self.scan.needed,
                        self.scan.qual.map(|q| q.expr),
                        self.scan.planned,
                    );
                    let mut f = Box::new(agg::HashAgg {
                        input: Box::new(scan),
                        group: self.group,
                        aggs: self.aggs,
                        sets: None,
                        sorted: false,
                        out: None,
                    });
                    let row = f.next(ctx);
                    self.scan.launched = f.input.workers_launched();
                    self.fallback = Some(f);
                    return row;
                }
            }
        }
        Ok(self.out.as_mut().and_then(Vec::pop))
    }

    fn workers_launched(&self) -> Option<usize> {
        self.scan.launched
    }
}
