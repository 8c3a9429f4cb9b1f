//! What the Postmaster shares with every child: server settings, the
//! database cluster, the backend table, the executor pool and the
//! shutdown state.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actorgres_sql::guc::Settings;
use actorgres_sql::Cluster;

use crate::executor::ExecutorPool;
use crate::proc_array::ProcArray;

/// PostgreSQL's three shutdown modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShutdownMode {
    /// SIGTERM: no new sessions; exit when the last one ends.
    Smart = 1,
    /// SIGINT: end every session with 57P01, then exit.
    Fast = 2,
    /// SIGQUIT: exit now.
    Immediate = 3,
}

/// Server-wide state, read by every actor.
pub struct Shared {
    /// Settings after the config file and command line.
    pub settings: Settings,
    /// Storage (buffer pool, WAL, transactions) and the catalog cache,
    /// opened and recovered before the first connection.
    pub cluster: Arc<Cluster>,
    /// The backend table.
    pub procs: ProcArray,
    /// Where statements run.
    pub pool: ExecutorPool,
    /// max_connections.
    pub max_connections: usize,
    /// authentication_timeout.
    pub auth_timeout: Duration,
    /// 0 running, else a ShutdownMode.
    shutdown: AtomicU8,
}

impl Shared {
    /// Shared state for a server with these settings on `cluster`.
    pub fn new(settings: Settings, cluster: Arc<Cluster>) -> Shared {
        let max_connections = usize::try_from(settings.int("max_connections")).unwrap_or(100);
        let auth_timeout = settings.duration("authentication_timeout");
        Shared {
            settings,
            cluster,
            procs: ProcArray::new(),
            // One thread per admitted connection, plus background work.
            pool: ExecutorPool::new(max_connections + 8),
            max_connections,
            auth_timeout,
            shutdown: AtomicU8::new(0),
        }
    }

    /// The most connections that may exist at once, counting those still
    /// in startup or being refused (PostgreSQL allows 2 × MaxBackends).
    pub fn connection_limit(&self) -> usize {
        self.max_connections * 2 + 10
    }

    /// The shutdown in progress, if any.
    pub fn shutdown(&self) -> Option<ShutdownMode> {
        match self.shutdown.load(Ordering::Acquire) {
            1 => Some(ShutdownMode::Smart),
            2 => Some(ShutdownMode::Fast),
            3 => Some(ShutdownMode::Immediate),
            _ => None,
        }
    }

    /// Records a shutdown request; a weaker one never replaces a stronger.
    pub fn request_shutdown(&self, mode: ShutdownMode) {
        self.shutdown.fetch_max(mode as u8, Ordering::AcqRel);
    }
}
