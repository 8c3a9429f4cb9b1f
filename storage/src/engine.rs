//! The storage engine: one per server, shared by every backend through an
//! `Arc`. It owns the shared buffer pool, the WAL, the commit log and the
//! running transactions, the lock manager and the relation files, and it
//! carries out recovery at start and checkpoints.
//!
//! Lifecycle:
//! 1. [`Engine::create`] (initdb) writes an empty cluster: directories, a
//!    first checkpoint record, the control file.
//! 2. [`Engine::open`] reads the control file, replays the WAL from the last
//!    checkpoint's redo point (pages older than a record get it applied;
//!    commit and abort records rebuild the commit log), marks transactions
//!    that never finished as aborted, cuts the log at the last valid
//!    record and writes an end-of-recovery checkpoint. Only then do
//!    backends start.
//! 3. [`Engine::checkpoint`] writes dirty buffers (spread over a time
//!    budget, unless hurried), the commit log, fsyncs the files, then
//!    writes the checkpoint record and the control file and removes WAL
//!    segments behind the redo point.
//! 4. A failure to write or fsync WAL or data at a checkpoint marks the
//!    engine broken: every later operation fails, and the server must stop
//!    and recover at restart (PostgreSQL PANICs).

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use actorgres_memory::{BufferPool, BufferStats, BufferTag, Page, PageIo, ReadMode};
use parking_lot::{Condvar, Mutex};

use crate::clog::{Clog, XidStatus, FIRST_NORMAL_XID};
use crate::control::{ClusterState, ControlFile};
use crate::lock::{LockError, LockManager, LockMode, LockTag, WaitPolicy};
use crate::page::{self, TupleHeader};
use crate::smgr::{RelId, Smgr};
use crate::wal::{self, Lsn, Wal, WalReader, WalRecord, SEGMENT_SIZE};
use crate::xact::TxnManager;

/// The first OID for user objects (FirstNormalObjectId).
pub const FIRST_NORMAL_OID: u32 = 16384;
/// OIDs reserved per NextOid record.
const OID_BATCH: u32 = 8192;

/// What went wrong in storage, grouped by how the caller must react.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// An I/O failure that fails the statement (a full disk on extension,
    /// a missing file).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A damaged page or WAL: the statement fails with XX001 and the
    /// message names the file.
    #[error("{0}")]
    Corrupted(String),
    /// WAL or checkpoint I/O failed: the server must stop (PANIC).
    #[error("{0}")]
    Panic(String),
    /// The wait for a lock closed a cycle (40P01); DETAIL text.
    #[error("deadlock detected")]
    Deadlock(String),
    /// An interrupt ended a wait.
    #[error("interrupted")]
    Interrupted(actorgres_memory::Interrupt),
    /// lock_timeout passed (55P03).
    #[error("canceling statement due to lock timeout")]
    LockTimeout,
    /// A row larger than a page (54000).
    #[error("row is too big: size {size}, maximum size {max}")]
    RowTooBig {
        /// The row's size.
        size: usize,
        /// The most a page holds.
        max: usize,
    },
    /// An index entry larger than a third of a page (54000).
    #[error("index row size {size} exceeds btree version 4 maximum {max}")]
    IndexRowTooBig {
        /// The entry's size.
        size: usize,
        /// The most an entry may take.
        max: usize,
    },
    /// No unpinned buffer (53000).
    #[error("no unpinned buffers available")]
    NoBuffers,
    /// A temporary relation whose owner's local buffers are not open here
    /// (0A000).
    #[error("cannot access temporary tables of other sessions")]
    OtherSessionTemp,
}

/// Results of storage operations.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl From<actorgres_memory::BufferError> for StorageError {
    fn from(e: actorgres_memory::BufferError) -> Self {
        match e {
            actorgres_memory::BufferError::NoFreeBuffers => StorageError::NoBuffers,
            actorgres_memory::BufferError::Io { source, .. }
                if source.kind() == io::ErrorKind::InvalidData =>
            {
                StorageError::Corrupted(source.to_string())
            }
            actorgres_memory::BufferError::Io { source, .. } => StorageError::Io(source),
        }
    }
}

impl From<LockError> for StorageError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Deadlock(d) => StorageError::Deadlock(d),
            LockError::Interrupted(i) => StorageError::Interrupted(i),
            LockError::Timeout => StorageError::LockTimeout,
        }
    }
}

/// Page I/O for the buffer pool: relation files, and WAL before data.
struct EngineIo {
    /// Relation files.
    smgr: Arc<Smgr>,
    /// The WAL, once recovery has opened it (during redo the WAL read is
    /// already durable).
    wal: Arc<OnceLock<Arc<Wal>>>,
}

impl PageIo for EngineIo {
    fn read_page(&self, tag: BufferTag, out: &mut Page) -> io::Result<()> {
        self.smgr.read(RelId::new(tag.db, tag.rel), tag.block, out)
    }

    fn write_page(&self, tag: BufferTag, data: &Page) -> io::Result<()> {
        self.smgr
            .write(RelId::new(tag.db, tag.rel), tag.block, data)
    }

    fn flush_wal(&self, lsn: u64) -> io::Result<()> {
        match self.wal.get() {
            Some(w) => w.flush(lsn.min(w.insert_lsn())),
            None => Ok(()),
        }
    }
}

/// Settings the engine starts with.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Buffer pool frames (shared_buffers / 8 kB).
    pub shared_buffers: usize,
    /// fsync.
    pub fsync: bool,
    /// full_page_writes.
    pub full_page_writes: bool,
}

/// Why a checkpoint runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckpointKind {
    /// checkpoint_timeout or max_wal_size: spread over the budget.
    Timed(Duration),
    /// CHECKPOINT, CREATE DATABASE: as fast as possible.
    Immediate,
    /// End of recovery.
    EndOfRecovery,
    /// Fast or smart shutdown: nothing runs after it.
    Shutdown,
}

/// What the last checkpoint did, for the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckpointInfo {
    /// Start, microseconds since 2000-01-01 UTC.
    pub started: i64,
    /// How long it took.
    pub duration_ms: u64,
    /// Buffers written.
    pub buffers_written: usize,
    /// Its redo LSN.
    pub redo: Lsn,
    /// Its record's LSN.
    pub lsn: Lsn,
}

/// What recovery did at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecoveryInfo {
    /// Records replayed.
    pub records: u64,
    /// Where replay started.
    pub redo: Lsn,
    /// Where the valid log ended.
    pub end: Lsn,
    /// Transactions found unfinished and marked aborted.
    pub aborted: usize,
    /// Whether the last shutdown was clean.
    pub clean: bool,
}

/// Per-relation counters for autovacuum (approximate, in memory).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelStats {
    /// Rows inserted minus rows deleted since start.
    pub live: i64,
    /// Row versions made dead since the last vacuum.
    pub dead: u64,
    /// Rows inserted, updated or deleted since the last ANALYZE
    /// (pg_stat_user_tables.n_mod_since_analyze; auto-analyze's trigger).
    pub changed: u64,
    /// When a VACUUM statement, autovacuum, an ANALYZE statement and
    /// auto-analyze last ran on it (microseconds since 2000-01-01), and
    /// how many times each did.
    pub maintenance: [(Option<i64>, u64); 4],
}

impl RelStats {
    /// When `what` last ran (microseconds since 2000-01-01) and how many
    /// times it did.
    pub fn last(&self, what: Maintenance) -> (Option<i64>, u64) {
        self.maintenance[what as usize]
    }
}

/// Which maintenance [`RelStats::maintenance`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Maintenance {
    /// VACUUM.
    Vacuum,
    /// Autovacuum.
    Autovacuum,
    /// ANALYZE.
    Analyze,
    /// Auto-analyze.
    Autoanalyze,
}

/// The engine.
pub struct Engine {
    /// The data directory.
    root: PathBuf,
    /// Relation files.
    pub(crate) smgr: Arc<Smgr>,
    /// The WAL.
    pub(crate) wal: Arc<Wal>,
    /// Shared buffers.
    pub(crate) pool: BufferPool,
    /// Each backend's local buffers for its temporary relations (local.rs).
    pub(crate) local: crate::local::LocalPools,
    /// Transactions and the commit log.
    pub txns: TxnManager,
    /// Locks.
    pub locks: LockManager,
    /// Next OID and how far NextOid records cover.
    oids: Mutex<(u32, u32)>,
    /// One checkpoint at a time.
    checkpoint_lock: Mutex<()>,
    /// Held shared by a commit from writing its record until its status is
    /// in the commit log; a checkpoint takes it exclusively to choose its
    /// redo point (PostgreSQL's DELAY_CHKPT_START). Otherwise a commit
    /// record just before the redo point could miss both the checkpoint's
    /// commit-log flush and replay, and an acknowledged commit would read
    /// as aborted after a crash.
    delay_checkpoint: parking_lot::RwLock<()>,
    /// Set to make a spread checkpoint finish at once.
    hurry: AtomicBool,
    /// Wakes a spreading checkpoint when hurried.
    hurry_cv: Condvar,
    /// Paired with `hurry_cv`.
    hurry_lock: Mutex<()>,
    /// The last checkpoint.
    last_checkpoint: Mutex<CheckpointInfo>,
    /// What recovery did.
    pub recovery: RecoveryInfo,
    /// full_page_writes.
    full_page_writes: AtomicBool,
    /// fsync.
    fsync: AtomicBool,
    /// Free space per relation and block (in memory; VACUUM fills it).
    pub(crate) fsm: Mutex<HashMap<RelId, crate::fsm::FreeSpace>>,
    /// The tree lock of each index (btree.rs rule 1).
    pub(crate) index_locks: Mutex<HashMap<RelId, Arc<parking_lot::RwLock<()>>>>,
    /// Autovacuum counters.
    pub(crate) stats: Mutex<HashMap<RelId, RelStats>>,
    /// Set after a PANIC-class failure.
    broken: AtomicBool,
    /// Called when WAL grows past max_wal_size (set by the server).
    checkpoint_request: OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// WAL bytes since the last checkpoint that request the next one.
    wal_limit: std::sync::atomic::AtomicU64,
}

/// The relations of `rels` that the WAL knows (not the temporary or
/// unlogged ones).
fn logged(rels: &[RelId]) -> Vec<RelId> {
    rels.iter().filter(|r| r.is_logged()).copied().collect()
}

fn panic_err(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError::Panic(format!("{what}: {e}"))
}

impl Engine {
    /// initdb: an empty cluster in `root` (which holds PG_VERSION).
    pub fn create(root: &Path, fsync: bool) -> Result<()> {
        for d in ["base", "global", "pg_wal", "pg_xact"] {
            std::fs::create_dir_all(root.join(d))?;
        }
        let start = SEGMENT_SIZE;
        let wal = Wal::open(&root.join("pg_wal"), start, 0, fsync)?;
        let (ckpt, end) = wal.insert(
            0,
            &WalRecord::Checkpoint {
                redo: start,
                next_xid: FIRST_NORMAL_XID,
                next_oid: FIRST_NORMAL_OID,
                shutdown: true,
            },
        )?;
        wal.flush(end)?;
        ControlFile {
            state: ClusterState::ShutDown,
            checkpoint: ckpt,
            redo: start,
            next_xid: FIRST_NORMAL_XID,
            next_oid: FIRST_NORMAL_OID,
            time: now(),
        }
        .write(root, fsync)?;
        Ok(())
    }

    /// Opens the cluster in `root`, running recovery first.
    pub fn open(root: &Path, config: &EngineConfig) -> Result<Arc<Engine>> {
        let control =
            ControlFile::read(root).map_err(|e| StorageError::Corrupted(e.to_string()))?;
        let wal_dir = root.join("pg_wal");
        let mut reader = WalReader::new(&wal_dir, control.checkpoint, None);
        let ckpt = reader.next_record().ok_or_else(|| {
            StorageError::Corrupted(format!(
                "could not locate a valid checkpoint record at {:X}/{:X}",
                control.checkpoint >> 32,
                control.checkpoint as u32
            ))
        })?;
        let WalRecord::Checkpoint {
            redo,
            next_xid,
            next_oid,
            ..
        } = ckpt.record
        else {
            return Err(StorageError::Corrupted(
                "the control file does not point at a checkpoint record".into(),
            ));
        };
        let smgr = Arc::new(Smgr::new(root, config.fsync));
        // Temporary relations died with their sessions.
        smgr.remove_temp_files()?;
        // Unlogged relations survive a clean shutdown; after a crash they
        // are reset to their init forks (local.rs rule 5).
        let unlogged = smgr.unlogged_relations();
        if control.state != ClusterState::ShutDown {
            for &(db, rel) in &unlogged {
                smgr.reset_to_init_fork(RelId::unlogged(db, rel))?;
            }
        }
        let wal_cell = Arc::new(OnceLock::new());
        let pool = BufferPool::new(
            config.shared_buffers,
            Box::new(EngineIo {
                smgr: Arc::clone(&smgr),
                wal: Arc::clone(&wal_cell),
            }),
        );
        let clog = Clog::load(&root.join("pg_xact"))?;
        let txns = TxnManager::new(clog, next_xid);
        let mut redo_state = Redo {
            smgr: &smgr,
            pool: &pool,
            txns: &txns,
            next_xid,
            next_oid,
            seen: HashSet::new(),
            finished: HashSet::new(),
        };
        // Replay from the redo point to the end of the valid log.
        let mut reader = WalReader::new(&wal_dir, redo, None);
        let mut records = 0u64;
        while let Some(r) = reader.next_record() {
            redo_state.apply(&r)?;
            records += 1;
        }
        let end = reader.position();
        let last_start = reader.last_start().unwrap_or(ckpt.start);
        // Transactions that never finished crashed: they aborted.
        let unfinished: Vec<u32> = redo_state
            .seen
            .difference(&redo_state.finished)
            .copied()
            .filter(|x| txns.clog.get(*x) == XidStatus::InProgress)
            .collect();
        for x in &unfinished {
            txns.clog.set(*x, XidStatus::Aborted);
        }
        txns.advance_next_xid(redo_state.next_xid);
        let next_oid = redo_state.next_oid;
        wal::truncate_after(&wal_dir, end)?;
        let wal = Arc::new(Wal::open(&wal_dir, end, last_start, config.fsync)?);
        wal.set_redo(redo);
        let _ = wal_cell.set(Arc::clone(&wal));
        let engine = Arc::new(Engine {
            root: root.to_path_buf(),
            smgr,
            wal,
            pool,
            local: crate::local::LocalPools::with_unlogged(unlogged),
            txns,
            locks: LockManager::new(),
            oids: Mutex::new((next_oid, next_oid)),
            checkpoint_lock: Mutex::new(()),
            delay_checkpoint: parking_lot::RwLock::new(()),
            hurry: AtomicBool::new(false),
            hurry_cv: Condvar::new(),
            hurry_lock: Mutex::new(()),
            last_checkpoint: Mutex::new(CheckpointInfo::default()),
            recovery: RecoveryInfo {
                records,
                redo,
                end,
                aborted: unfinished.len(),
                clean: control.state == ClusterState::ShutDown,
            },
            full_page_writes: AtomicBool::new(config.full_page_writes),
            fsync: AtomicBool::new(config.fsync),
            fsm: Mutex::new(HashMap::new()),
            index_locks: Mutex::new(HashMap::new()),
            stats: Mutex::new(HashMap::new()),
            broken: AtomicBool::new(false),
            checkpoint_request: OnceLock::new(),
            wal_limit: std::sync::atomic::AtomicU64::new(0),
        });
        // Nothing replayed needs replaying again.
        engine.checkpoint(CheckpointKind::EndOfRecovery)?;
        Ok(engine)
    }

    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Registers what to call when WAL passes max_wal_size.
    pub fn on_checkpoint_needed(&self, f: Box<dyn Fn() + Send + Sync>) {
        let _ = self.checkpoint_request.set(f);
    }

    /// Fails every operation after a PANIC-class error.
    pub(crate) fn check_alive(&self) -> Result<()> {
        if self.broken.load(Ordering::Acquire) {
            return Err(StorageError::Panic(
                "the storage engine stopped after an earlier failure; restart to recover".into(),
            ));
        }
        Ok(())
    }

    /// Marks the engine broken and returns the error.
    pub(crate) fn broken(&self, e: StorageError) -> StorageError {
        if matches!(e, StorageError::Panic(_)) {
            self.broken.store(true, Ordering::Release);
        }
        e
    }

    /// True after a PANIC-class failure.
    pub fn is_broken(&self) -> bool {
        self.broken.load(Ordering::Acquire)
    }

    /// Changes fsync and full_page_writes (SIGHUP settings).
    pub fn set_durability(&self, fsync: bool, full_page_writes: bool) {
        self.fsync.store(fsync, Ordering::Relaxed);
        self.full_page_writes
            .store(full_page_writes, Ordering::Relaxed);
        self.smgr.set_fsync(fsync);
        self.wal.set_fsync(fsync);
    }

    pub(crate) fn full_page_writes(&self) -> bool {
        self.full_page_writes.load(Ordering::Relaxed)
    }

    /// Inserts a WAL record not tied to a page.
    pub(crate) fn log(&self, xid: u32, rec: &WalRecord) -> Result<(Lsn, Lsn)> {
        self.check_alive()?;
        self.wal
            .insert(xid, rec)
            .map_err(|e| self.broken(panic_err("could not write WAL", e)))
    }

    /// Makes WAL durable up to `lsn`.
    pub fn flush_wal(&self, lsn: Lsn) -> Result<()> {
        self.check_alive()?;
        self.wal
            .flush(lsn)
            .map_err(|e| self.broken(panic_err("could not flush WAL", e)))
    }

    /// Keeps `ahead` WAL segments ready past the current one (see
    /// [`crate::wal::Wal::preallocate`]); how many it created. A failure
    /// here is not fatal: the writer creates what it needs itself.
    pub fn preallocate_wal(&self, ahead: u64) -> std::io::Result<usize> {
        self.wal.preallocate(ahead)
    }

    /// WAL written since the last checkpoint's redo point, in bytes.
    pub fn wal_since_checkpoint(&self) -> u64 {
        self.wal.since(self.wal.redo())
    }

    /// Sets how much WAL since the last checkpoint triggers the next one
    /// (max_wal_size / (1 + checkpoint_completion_target), as PostgreSQL).
    pub fn set_checkpoint_wal_limit(&self, bytes: u64) {
        self.wal_limit.store(bytes, Ordering::Relaxed);
    }

    /// Asks for a checkpoint if WAL passed the limit since the last one.
    fn maybe_request_checkpoint(&self) {
        let limit = self.wal_limit.load(Ordering::Relaxed);
        if limit > 0 && self.wal_since_checkpoint() > limit {
            if let Some(req) = self.checkpoint_request.get() {
                req();
            }
        }
    }

    /// The current WAL insert position.
    pub fn wal_insert_lsn(&self) -> Lsn {
        self.wal.insert_lsn()
    }

    /// The WAL position known durable.
    pub fn wal_flush_lsn(&self) -> Lsn {
        self.wal.flushed_lsn()
    }

    /// A new OID (WAL-logged in batches, so none is reused after a crash).
    pub fn new_oid(&self) -> Result<u32> {
        let mut o = self.oids.lock();
        if o.0 >= o.1 {
            let upto = o.0.saturating_add(OID_BATCH);
            self.log(0, &WalRecord::NextOid { next: upto })?;
            o.1 = upto;
        }
        let oid = o.0;
        o.0 += 1;
        Ok(oid)
    }

    /// Creates a relation file in database `db` for transaction `xid`;
    /// returns its id. The caller drops it if the transaction aborts.
    pub fn create_relation(&self, xid: u32, db: u32, relfilenode: u32) -> Result<RelId> {
        let rel = RelId::new(db, relfilenode);
        self.log(xid, &WalRecord::RelCreate { rel })?;
        self.smgr.create(rel)?;
        Ok(rel)
    }

    /// Whether relation `rel` has a file.
    pub fn relation_exists(&self, rel: RelId) -> bool {
        self.smgr.exists(rel)
    }

    /// Blocks in `rel`.
    pub fn nblocks(&self, rel: RelId) -> Result<u32> {
        Ok(self.smgr.nblocks(rel)?)
    }

    /// Hands out a transaction id and takes its lock for `backend`.
    pub fn assign_xid(&self, backend: i32, policy: &WaitPolicy<'_>) -> Result<u32> {
        self.check_alive()?;
        let xid = self.txns.assign_xid();
        self.locks.acquire(
            backend,
            LockTag::Transaction(xid),
            LockMode::Exclusive,
            policy,
        )?;
        Ok(xid)
    }

    /// Waits until transaction `xid` has finished.
    pub fn wait_for_xid(&self, backend: i32, xid: u32, policy: &WaitPolicy<'_>) -> Result<()> {
        self.locks
            .acquire(backend, LockTag::Transaction(xid), LockMode::Share, policy)?;
        self.locks
            .release(backend, LockTag::Transaction(xid), LockMode::Share);
        Ok(())
    }

    /// Commits: the commit record (flushed when `sync`), then the commit
    /// log, then the running set, then the locks; then the files the
    /// transaction dropped are removed. `xids` is empty for a transaction
    /// that wrote nothing.
    pub fn commit(&self, backend: i32, xids: &[u32], drops: &[RelId], sync: bool) -> Result<()> {
        let Some((&top, subs)) = xids.split_first() else {
            self.txns.release_snapshots(backend);
            self.locks.release_all(backend);
            return Ok(());
        };
        let delay = self.delay_checkpoint.read();
        let (_, end) = self.log(
            top,
            &WalRecord::Commit {
                subxids: subs.to_vec(),
                drops: logged(drops),
                time: now(),
            },
        )?;
        if sync {
            self.flush_wal(end)?;
        }
        self.txns.commit(xids);
        drop(delay);
        self.txns.release_snapshots(backend);
        self.locks.release_all(backend);
        for r in drops {
            self.forget_relation(*r)?;
            self.stats.lock().remove(r);
        }
        self.maybe_request_checkpoint();
        Ok(())
    }

    /// Aborts (a whole transaction or, with `release_backend` false, the
    /// subtransactions `xids` of a ROLLBACK TO). Files it created are
    /// removed.
    pub fn abort(&self, backend: i32, xids: &[u32], creates: &[RelId], whole: bool) -> Result<()> {
        if let Some((&first, rest)) = xids.split_first() {
            self.log(
                first,
                &WalRecord::Abort {
                    subxids: rest.to_vec(),
                    drops: logged(creates),
                },
            )?;
            self.txns.abort(xids);
        }
        if whole {
            self.txns.release_snapshots(backend);
            self.locks.release_all(backend);
        } else {
            for x in xids {
                self.locks
                    .release(backend, LockTag::Transaction(*x), LockMode::Exclusive);
            }
        }
        for r in creates {
            self.forget_relation(*r)?;
        }
        Ok(())
    }

    /// Removes relation `r`: its buffers, its file, its free space.
    fn forget_relation(&self, r: RelId) -> Result<()> {
        if let Ok(pool) = self.buffers(r) {
            pool.drop_relation(r.db, r.rel, 0);
        }
        self.smgr.unlink(r)?;
        self.forget_temp_owner(r);
        if r.is_unlogged() {
            self.local.unlogged.write().remove(&(r.db, r.rel));
        }
        self.fsm.lock().remove(&r);
        Ok(())
    }

    /// CREATE DATABASE by copying `template`'s directory (PostgreSQL's
    /// FILE_COPY strategy: checkpoint, copy, log, checkpoint).
    pub fn create_database(&self, template: u32, db: u32) -> Result<()> {
        self.checkpoint(CheckpointKind::Immediate)?;
        self.smgr.copy_db(template, db)?;
        let (_, end) = self.log(0, &WalRecord::DbCreate { db, template })?;
        self.flush_wal(end)?;
        self.checkpoint(CheckpointKind::Immediate)?;
        Ok(())
    }

    /// DROP DATABASE: log, forget its buffers, remove its directory.
    pub fn drop_database(&self, db: u32) -> Result<()> {
        let (_, end) = self.log(0, &WalRecord::DbDrop { db })?;
        self.flush_wal(end)?;
        self.pool.drop_database(db);
        self.smgr.drop_db(db)?;
        self.fsm.lock().retain(|r, _| r.db != db);
        Ok(())
    }

    /// Makes a running spread checkpoint finish as fast as it can.
    pub fn hurry_checkpoint(&self) {
        self.hurry.store(true, Ordering::Release);
        let _g = self.hurry_lock.lock();
        self.hurry_cv.notify_all();
    }

    /// Runs a checkpoint (see the module lifecycle, step 3).
    pub fn checkpoint(&self, kind: CheckpointKind) -> Result<CheckpointInfo> {
        self.check_alive()?;
        if kind != CheckpointKind::EndOfRecovery && !matches!(kind, CheckpointKind::Timed(_)) {
            self.hurry_checkpoint();
        }
        let _one = self.checkpoint_lock.lock();
        if !matches!(kind, CheckpointKind::Timed(_)) {
            self.hurry.store(true, Ordering::Release);
        }
        let started = now();
        let clock = Instant::now();
        let redo = {
            let _no_commit_in_flight = self.delay_checkpoint.write();
            self.wal.begin_checkpoint()
        };
        let dirty = self.pool.dirty_buffers();
        let pace = match kind {
            CheckpointKind::Timed(budget) if !dirty.is_empty() => budget / dirty.len() as u32,
            _ => Duration::ZERO,
        };
        let mut written = 0;
        for (i, id) in dirty.iter().enumerate() {
            if self.pool.flush_buffer(*id).map_err(|e| {
                self.broken(panic_err("could not write a buffer during checkpoint", e))
            })? {
                written += 1;
            }
            if !pace.is_zero() && !self.hurry.load(Ordering::Acquire) {
                // Spread writes: wait our share of the budget, or until hurried.
                let target = clock + pace * (i as u32 + 1);
                let now_i = Instant::now();
                if target > now_i {
                    let mut g = self.hurry_lock.lock();
                    if !self.hurry.load(Ordering::Acquire) {
                        self.hurry_cv.wait_for(&mut g, target - now_i);
                    }
                }
            }
        }
        self.hurry.store(false, Ordering::Release);
        let fsync = self.fsync.load(Ordering::Relaxed);
        self.txns
            .clog
            .flush(fsync)
            .map_err(|e| self.broken(panic_err("could not write the commit log", e)))?;
        self.smgr
            .sync_pending()
            .map_err(|e| self.broken(panic_err("could not fsync data files", e)))?;
        let next_xid = self.txns.next_xid();
        let next_oid = self.oids.lock().0;
        let shutdown = kind == CheckpointKind::Shutdown;
        let (lsn, end) = self.log(
            0,
            &WalRecord::Checkpoint {
                redo,
                next_xid,
                next_oid,
                shutdown,
            },
        )?;
        self.flush_wal(end)?;
        ControlFile {
            state: if shutdown {
                ClusterState::ShutDown
            } else {
                ClusterState::InProduction
            },
            checkpoint: lsn,
            redo,
            next_xid,
            next_oid,
            time: started,
        }
        .write(&self.root, fsync)
        .map_err(|e| self.broken(panic_err("could not write the control file", e)))?;
        if let Err(e) = self.wal.remove_before(redo) {
            tracing::warn!(error = %e, "could not remove old WAL segments");
        }
        let info = CheckpointInfo {
            started,
            duration_ms: clock.elapsed().as_millis() as u64,
            buffers_written: written,
            redo,
            lsn,
        };
        *self.last_checkpoint.lock() = info;
        tracing::debug!(buffers = written, redo = %format!("{:X}/{:X}", redo >> 32, redo as u32), "checkpoint complete");
        Ok(info)
    }

    /// Background writer round: writes up to `max` dirty pages that the
    /// clock sweep reaches next, so backends seldom write on eviction.
    pub fn write_back(&self, scan: usize, max: usize) -> Result<usize> {
        self.check_alive()?;
        self.pool
            .write_back(scan, max)
            .map_err(|e| self.broken(panic_err("could not write a buffer", e)))
    }

    /// The last checkpoint.
    pub fn last_checkpoint(&self) -> CheckpointInfo {
        *self.last_checkpoint.lock()
    }

    /// Buffer pool counters.
    pub fn buffer_stats(&self) -> BufferStats {
        self.pool.stats()
    }

    /// Autovacuum counters of every relation.
    pub fn rel_stats(&self) -> Vec<(RelId, RelStats)> {
        self.stats.lock().iter().map(|(r, s)| (*r, *s)).collect()
    }

    pub(crate) fn count(&self, rel: RelId, live: i64, dead: u64) {
        let mut s = self.stats.lock();
        let e = s.entry(rel).or_default();
        e.live += live;
        e.dead += dead;
        // An insert adds a live row, a delete turns one dead, an update
        // does both to one row: one change each.
        e.changed += live.unsigned_abs().max(dead);
    }

    /// ANALYZE has just counted `rel`: its changes start again from 0.
    pub fn analyzed(&self, rel: RelId) {
        if let Some(s) = self.stats.lock().get_mut(&rel) {
            s.changed = 0;
        }
    }

    /// Records that `what` ran on `rel` now.
    pub fn maintained(&self, rel: RelId, what: Maintenance) {
        let mut s = self.stats.lock();
        let slot = &mut s.entry(rel).or_default().maintenance[what as usize];
        slot.0 = Some(now());
        slot.1 += 1;
    }
}

/// Microseconds since 2000-01-01 UTC.
fn now() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_micros() as i64) - 946_684_800_000_000
}

/// Replay state.
struct Redo<'a> {
    smgr: &'a Smgr,
    pool: &'a BufferPool,
    txns: &'a TxnManager,
    next_xid: u32,
    next_oid: u32,
    /// Xids that wrote records.
    seen: HashSet<u32>,
    /// Xids whose commit or abort was replayed.
    finished: HashSet<u32>,
}

impl Redo<'_> {
    /// A page for redo: read, or fresh when the record restores it whole.
    fn page<'p>(
        &'p self,
        rel: RelId,
        block: u32,
        fresh: bool,
    ) -> Result<Option<actorgres_memory::Buffer<'p>>> {
        if !self.smgr.exists(rel) {
            // Dropped later in the log; nothing to do.
            return Ok(None);
        }
        let tag = BufferTag {
            db: rel.db,
            rel: rel.rel,
            block,
        };
        let mode = if fresh {
            ReadMode::Zeroed
        } else {
            ReadMode::Normal
        };
        match self.pool.read_buffer(tag, mode) {
            Ok(b) => Ok(Some(b)),
            // Past the end of a file whose extension was lost: start empty.
            Err(actorgres_memory::BufferError::Io { source, .. })
                if source.kind() == io::ErrorKind::UnexpectedEof =>
            {
                Ok(Some(self.pool.read_buffer(tag, ReadMode::Zeroed)?))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A commit or abort record: the status of the transaction and its
    /// subtransactions, and the files it removes.
    fn finish(
        &mut self,
        xid: u32,
        subxids: &[u32],
        drops: &[RelId],
        status: XidStatus,
    ) -> Result<()> {
        self.txns.clog.set(xid, status);
        for x in subxids {
            self.txns.clog.set(*x, status);
            self.finished.insert(*x);
            self.next_xid = self.next_xid.max(x + 1);
        }
        self.finished.insert(xid);
        for d in drops {
            self.pool.drop_relation(d.db, d.rel, 0);
            self.smgr.unlink(*d)?;
        }
        Ok(())
    }

    /// Puts a logged page image back, stamped with its record's end.
    fn restore(&self, rel: RelId, block: u32, image: &Page, end: Lsn) -> Result<()> {
        if let Some(b) = self.page(rel, block, true)? {
            let mut p = b.write();
            p.copy_from_slice(&image[..]);
            page::set_lsn(&mut p, end);
            b.mark_dirty();
        }
        Ok(())
    }

    fn apply(&mut self, r: &wal::ReadRecord) -> Result<()> {
        if r.xid >= FIRST_NORMAL_XID {
            self.seen.insert(r.xid);
            self.next_xid = self.next_xid.max(r.xid + 1);
        }
        match &r.record {
            WalRecord::HeapInsert {
                rel,
                tid,
                tuple,
                init_page,
            } => {
                let Some(b) = self.page(*rel, tid.block, *init_page)? else {
                    return Ok(());
                };
                let mut p = b.write();
                if *init_page || page::is_new(&p) {
                    page::init(&mut p);
                } else if page::lsn(&p) >= r.end {
                    return Ok(());
                }
                page::put_tuple_at(&mut p, tid.offset, tuple);
                page::set_lsn(&mut p, r.end);
                b.mark_dirty();
            }
            WalRecord::HeapMultiInsert {
                rel,
                block,
                tuples,
                init_page,
            } => {
                let Some(b) = self.page(*rel, *block, *init_page)? else {
                    return Ok(());
                };
                let mut p = b.write();
                if *init_page || page::is_new(&p) {
                    page::init(&mut p);
                } else if page::lsn(&p) >= r.end {
                    return Ok(());
                }
                for (offset, tuple) in tuples {
                    page::put_tuple_at(&mut p, *offset, tuple);
                }
                page::set_lsn(&mut p, r.end);
                b.mark_dirty();
            }
            WalRecord::HeapSetXmax {
                rel,
                tid,
                xmax,
                cmax,
                infomask,
                ctid,
            } => {
                let Some(b) = self.page(*rel, tid.block, false)? else {
                    return Ok(());
                };
                let mut p = b.write();
                if page::lsn(&p) >= r.end {
                    return Ok(());
                }
                if let Some(t) = page::tuple_mut(&mut p, tid.offset) {
                    let mut h = TupleHeader::read(t);
                    h.xmax = *xmax;
                    h.cmax = *cmax;
                    h.infomask = *infomask;
                    h.ctid = *ctid;
                    h.write(t);
                }
                page::set_lsn(&mut p, r.end);
                b.mark_dirty();
            }
            WalRecord::PageImage { rel, block, image } => {
                self.restore(*rel, *block, image, r.end)?;
            }
            WalRecord::IndexInsert {
                rel,
                block,
                pos,
                item,
            } => {
                let Some(b) = self.page(*rel, *block, false)? else {
                    return Ok(());
                };
                let mut p = b.write();
                if page::lsn(&p) >= r.end {
                    return Ok(());
                }
                if !crate::btree::insert_at(&mut p, usize::from(*pos), item) {
                    return Err(StorageError::Corrupted(format!(
                        "WAL record at {:X} does not fit index block {block} of base/{}/{}",
                        r.start, rel.db, rel.rel
                    )));
                }
                page::set_lsn(&mut p, r.end);
                b.mark_dirty();
            }
            WalRecord::PageImages { rel, pages } => {
                for (block, image) in pages {
                    self.restore(*rel, *block, image, r.end)?;
                }
            }
            WalRecord::Commit { subxids, drops, .. } => {
                self.finish(r.xid, subxids, drops, XidStatus::Committed)?;
            }
            WalRecord::Abort { subxids, drops } => {
                self.finish(r.xid, subxids, drops, XidStatus::Aborted)?;
            }
            WalRecord::RelCreate { rel } => self.smgr.create(*rel)?,
            WalRecord::DbCreate { db, template } => {
                if !self.smgr.db_dir(*db).exists() {
                    self.smgr.copy_db(*template, *db)?;
                }
            }
            WalRecord::DbDrop { db } => {
                self.pool.drop_database(*db);
                self.smgr.drop_db(*db)?;
            }
            WalRecord::NextOid { next } => self.next_oid = self.next_oid.max(*next),
            WalRecord::Checkpoint {
                next_xid, next_oid, ..
            } => {
                self.next_xid = self.next_xid.max(*next_xid);
                self.next_oid = self.next_oid.max(*next_oid);
            }
        }
        Ok(())
    }
}
