//! The actor tree of actorgres, on actix. This is the one crate that
//! knows actix.
//!
//! ```text
//! Postmaster                 listener, backend table, cancel routing, shutdown
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
mod executor;
mod guard;
mod introspection;
mod postmaster;
mod proc_array;
mod server;
mod shared;
mod tree;

#[cfg(test)]
mod tests;

pub use backend::{Backend, Terminate};
pub use executor::{ExecutorPool, PoolStats};
pub use postmaster::{CancelBackend, CountBackends, GetTree, Postmaster, RequestShutdown};
pub use proc_array::{BackendState, ProcArray};
pub use server::{run, start, start_on, Handle, StartError};
pub use shared::ShutdownMode;
pub use tree::TreeNode;

/// Re-exported for the binary: settings, the data directory, versions.
pub use actorgres_sql::guc;
pub use actorgres_sql::version_string;
pub use actorgres_storage::{DataDir, DataDirError};
