//! What the SQL layer needs from the server around it.
//!
//! The SQL layer knows nothing of actors. Facts that live in the process
//! (the table of backends for pg_stat_activity, signalling another backend
//! for pg_cancel_backend) come through the [`Host`] trait, which the
//! actors crate implements over the Postmaster's shared backend table.

use std::net::IpAddr;

use actorgres_memory::Interrupt;

/// Who this session is.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The backend's process id (as reported in BackendKeyData).
    pub pid: i32,
    /// The user name from the startup packet.
    pub user: String,
    /// The database name from the startup packet.
    pub database: String,
}

/// One row of pg_stat_activity.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// pid.
    pub pid: i32,
    /// datname.
    pub database: String,
    /// usename.
    pub user: String,
    /// application_name.
    pub application_name: String,
    /// client_addr.
    pub client_addr: Option<IpAddr>,
    /// client_port.
    pub client_port: Option<i32>,
    /// The server's end of the connection (inet_server_addr / port).
    pub server: Option<std::net::SocketAddr>,
    /// backend_start, microseconds since 2000-01-01 UTC.
    pub backend_start: i64,
    /// xact_start.
    pub xact_start: Option<i64>,
    /// query_start.
    pub query_start: Option<i64>,
    /// state_change.
    pub state_change: Option<i64>,
    /// state: "active", "idle", "idle in transaction", ...; None while
    /// the connection is still starting.
    pub state: Option<String>,
    /// query: the current or last query text.
    pub query: String,
    /// backend_type: "client backend", "autovacuum launcher", ...
    pub backend_type: String,
}

/// What happened to a signal sent to another backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalOutcome {
    /// Delivered.
    Sent,
    /// No backend with that pid (PostgreSQL warns "PID %d is not a
    /// PostgreSQL backend process" and returns false).
    NoSuchBackend,
}

/// Services of the server, implemented by the actors crate.
pub trait Host: Send + Sync {
    /// Every backend's current activity.
    fn activity(&self) -> Vec<Activity>;

    /// Raises `reason` in backend `pid` (pg_cancel_backend,
    /// pg_terminate_backend).
    fn signal_backend(&self, pid: i32, reason: Interrupt) -> SignalOutcome;

    /// Backend `pid` has notifications waiting (LISTEN / NOTIFY): if its
    /// session waits for a query, they go to its client now.
    fn wake(&self, _pid: i32) {}

    /// When the server started, microseconds since 2000-01-01 UTC
    /// (pg_postmaster_start_time); None where there is no server.
    fn server_start(&self) -> Option<i64> {
        None
    }
}

/// A host with no other backends, for tests and tools.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHost;

impl Host for NoHost {
    fn activity(&self) -> Vec<Activity> {
        Vec::new()
    }

    fn signal_backend(&self, _pid: i32, _reason: Interrupt) -> SignalOutcome {
        SignalOutcome::NoSuchBackend
    }
}
