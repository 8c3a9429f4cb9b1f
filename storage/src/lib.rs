//! Storage for actorgres. So far: the data directory (its layout, the
//! initdb step and the `postmaster.pid` lock that keeps two servers off
//! one directory). Pages, heap, WAL, catalog and recovery grow here.
//!
//! Depends on memory/ only; knows nothing of SQL or actors.

pub mod clog;
pub mod control;
mod datadir;
pub mod lock;
pub mod page;
pub mod smgr;
pub mod wal;
pub mod xact;

pub use datadir::{DataDir, DataDirError, PidLock, CONFIG_FILE, PG_VERSION};
