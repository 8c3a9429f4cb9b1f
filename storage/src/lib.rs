//! Storage for actorgres: the data directory, slotted heap pages in 8 KB
//! blocks cached in the shared buffer pool, the write-ahead log, the
//! commit log, MVCC transactions and snapshots, the lock manager,
//! checkpoints and crash recovery. One [`Engine`] per server holds them.
//!
//! ```text
//! Engine ── BufferPool (memory/) ── EngineIo ── Smgr (relation files)
//!        ├─ LocalPools: a BufferPool per backend for temporary relations
//!        ├─ Wal (pg_wal)            └─ flush_wal before every page write
//!        ├─ TxnManager ── Clog (pg_xact)
//!        ├─ LockManager
//!        └─ ControlFile (global/pg_control)
//! ```
//!
//! Rows are opaque bytes here; their format belongs to the SQL layer. WAL
//! is physical (pages and tuples), so recovery needs no catalog.
//!
//! Depends on memory/ only; knows nothing of SQL or actors.

pub mod btree;
pub mod clog;
pub mod control;
mod datadir;
mod engine;
mod fsm;
mod heap;
mod local;
pub mod lock;
pub mod page;
pub mod smgr;
pub mod wal;
pub mod xact;

#[cfg(test)]
mod tests;

pub use datadir::{DataDir, DataDirError, PidLock, Populate, CONFIG_FILE, PG_VERSION};
pub use engine::{
    CheckpointInfo, CheckpointKind, Engine, EngineConfig, Maintenance, RecoveryInfo, RelStats,
    Result, StorageError, FIRST_NORMAL_OID,
};
pub use heap::{Actor, HeapScan, HeapTuple, InplaceChange, Modify, PageRows, VacuumStats};
