//! The actor tree of actorgres, on actix. This is the one crate that
//! knows actix.
//!
//! ```text
//! Postmaster                 listener, backend table, cancel routing, shutdown
//! ├── SharedBuffers          the buffer pool: background writer, statistics
//! ├── Checkpointer           timed, WAL-requested and shutdown checkpoints
//! ├── BackgroundWorker × M   jobs: WAL writer, autovacuum, user workers
//! ├── Backend × N            one per connection, on one Arbiter per core
//! └── Introspection (HTTP)   GET /tree, GET /healthz
//! ```
//!
//! Each actor wraps logic that is plain and testable without a System
//! (startup decisions, the backend table, the SQL session); handlers are
//! thin. Statements run on the executor pool, never on an arbiter.
//! Supervision: every child carries a guard that reports its end (and a
//! panic) to the Postmaster; a panicking backend ends its session only.

mod backend;
mod checkpointer;
mod executor;
mod guard;
mod introspection;
mod jobs;
mod postmaster;
mod proc_array;
mod server;
mod shared;
mod shared_buffers;
mod tree;
mod worker;

#[cfg(test)]
mod tests;

pub use backend::{Backend, Terminate};
pub use executor::{ExecutorPool, PoolStats};
pub use postmaster::{CancelBackend, CountBackends, GetTree, Postmaster, RequestShutdown};
pub use proc_array::{BackendState, ProcArray};
pub use server::{
    open_cluster, run, start, start_on, start_with_workers, Handle, StartError, EXIT_CRASHED,
};
pub use shared::ShutdownMode;
pub use tree::TreeNode;
pub use worker::{Job, WorkerSpec};

/// Re-exported for the binary: settings, the data directory, versions.
pub use actorgres_memory::set_server_limit as set_server_memory_limit;
pub use actorgres_sql::guc;
pub use actorgres_sql::populate;
pub use actorgres_sql::version_string;
pub use actorgres_storage::{DataDir, DataDirError};
