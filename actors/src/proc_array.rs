//! The backend table: one entry per connection, shared like PostgreSQL's
//! ProcArray and backend status array in shared memory.
//!
//! Rules:
//! 1. Only the Postmaster adds ([`ProcArray::register`]) and removes
//!    ([`ProcArray::remove`]) entries; the slot index is the child's id.
//! 2. A backend updates its own entry's status directly (state, query,
//!    memory) — no message per query — as PostgreSQL backends write
//!    their own PgBackendStatus.
//! 3. Admission to the max_connections budget happens under the table's
//!    lock ([`ProcArray::admit`]), so two connections cannot both take the
//!    last slot.
//! 4. Anyone may read: pg_stat_activity and the introspection tree take
//!    snapshots; cancel and terminate raise the entry's interrupt flag.

use std::net::SocketAddr;
use std::sync::Arc;

use actix::Addr;
use actorgres_memory::{Interrupt, Interrupts, LocalMemory};
use actorgres_sql::value::now_micros;
use actorgres_sql::{Activity, Host, SignalOutcome};
use parking_lot::Mutex;
use slab::Slab;

use crate::backend::{Backend, NotifyWake, Terminate};

/// What a backend is doing, as pg_stat_activity's `state` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendState {
    /// Reading the startup packet.
    Startup,
    /// Waiting for a query.
    Idle,
    /// Running a query.
    Active,
    /// In a transaction block, waiting.
    IdleInTransaction,
    /// In a failed transaction block.
    IdleInTransactionAborted,
    /// Refusing the connection (too many clients, shutting down).
    Rejecting,
}

impl BackendState {
    /// The text pg_stat_activity shows.
    pub fn as_str(&self) -> &'static str {
        match self {
            BackendState::Startup => "starting",
            BackendState::Idle => "idle",
            BackendState::Active => "active",
            BackendState::IdleInTransaction => "idle in transaction",
            BackendState::IdleInTransactionAborted => "idle in transaction (aborted)",
            BackendState::Rejecting => "rejecting",
        }
    }
}

/// The mutable part of an entry, written by its backend.
#[derive(Debug, Clone)]
pub struct ProcStatus {
    /// State.
    pub state: BackendState,
    /// User name (after startup).
    pub user: String,
    /// Database name (after startup).
    pub database: String,
    /// application_name.
    pub application_name: String,
    /// Current or last query text.
    pub query: String,
    /// When the current or last query started.
    pub query_start: Option<i64>,
    /// When `state` last changed.
    pub state_change: i64,
    /// When the open transaction started (pg_stat_activity.xact_start).
    pub xact_start: Option<i64>,
    /// The backend's local memory, once the session exists.
    pub memory: Option<LocalMemory>,
}

/// One connection's entry.
#[derive(Debug)]
pub struct Proc {
    /// Slot in the table.
    pub slot: usize,
    /// Process id reported to the client (BackendKeyData).
    pub pid: i32,
    /// Secret key a CancelRequest must quote.
    pub key: i32,
    /// Client address.
    pub peer: SocketAddr,
    /// The server's end of the connection, once known.
    pub local: std::sync::OnceLock<SocketAddr>,
    /// backend_start, microseconds since 2000-01-01 UTC.
    pub started_at: i64,
    /// The backend's interrupt flag.
    pub interrupts: Interrupts,
    /// Status, written by the backend.
    pub status: Mutex<ProcStatus>,
    /// The backend actor, once started (for terminate).
    addr: Mutex<Option<Addr<Backend>>>,
    /// Counted against max_connections.
    admitted: Mutex<bool>,
}

impl Proc {
    /// Records the backend actor's address.
    pub fn set_addr(&self, addr: Addr<Backend>) {
        *self.addr.lock() = Some(addr);
    }

    /// Updates state (and the query, when one starts).
    pub fn set_state(&self, state: BackendState, query: Option<&str>) {
        let mut st = self.status.lock();
        let now = now_micros();
        if let Some(q) = query {
            if st.query != q {
                st.query.clear();
                st.query.push_str(q);
            }
            st.query_start = Some(now);
            // A query outside a block opens its own transaction.
            st.xact_start.get_or_insert(now);
        }
        if st.state != state {
            st.state = state;
            st.state_change = now;
        }
    }

    /// A copy of the status.
    pub fn status(&self) -> ProcStatus {
        self.status.lock().clone()
    }

    /// Raises `reason`; Terminate also wakes an idle backend.
    pub fn signal(&self, reason: Interrupt) {
        self.interrupts.raise(reason);
        if reason == Interrupt::Terminate {
            if let Some(addr) = self.addr.lock().as_ref() {
                addr.do_send(Terminate);
            }
        }
    }
}

struct Procs {
    /// The entries.
    slots: Slab<Arc<Proc>>,
    /// Entries counted against max_connections.
    admitted: usize,
    /// Next pid to hand out.
    next_pid: i32,
}

/// The shared table; clones share it.
#[derive(Clone)]
pub struct ProcArray {
    /// Entries.
    inner: Arc<Mutex<Procs>>,
    /// When the server made it (its start), microseconds since
    /// 2000-01-01 UTC.
    started_at: i64,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmitError {
    /// max_connections reached (53300).
    TooMany,
}

impl Default for ProcArray {
    fn default() -> Self {
        Self::new()
    }
}

impl ProcArray {
    /// An empty table. Pids start above the server's own process id range
    /// so they never look like small numbers clients may special-case.
    pub fn new() -> Self {
        ProcArray {
            inner: Arc::new(Mutex::new(Procs {
                slots: Slab::new(),
                admitted: 0,
                next_pid: 10_000,
            })),
            started_at: now_micros(),
        }
    }

    /// Adds an entry for a new connection, unless `limit` entries exist.
    pub fn register(&self, peer: SocketAddr, limit: usize) -> Option<Arc<Proc>> {
        let mut t = self.inner.lock();
        if t.slots.len() >= limit {
            return None;
        }
        let pid = loop {
            let pid = t.next_pid;
            t.next_pid = if pid >= i32::MAX - 1 { 10_000 } else { pid + 1 };
            if !t.slots.iter().any(|(_, p)| p.pid == pid) {
                break pid;
            }
        };
        let entry = t.slots.vacant_entry();
        let proc_ = Arc::new(Proc {
            slot: entry.key(),
            pid,
            key: rand::random(),
            peer,
            local: std::sync::OnceLock::new(),
            started_at: now_micros(),
            interrupts: Interrupts::new(),
            status: Mutex::new(ProcStatus {
                state: BackendState::Startup,
                user: String::new(),
                database: String::new(),
                application_name: String::new(),
                query: String::new(),
                query_start: None,
                state_change: now_micros(),
                xact_start: None,
                memory: None,
            }),
            addr: Mutex::new(None),
            admitted: Mutex::new(false),
        });
        entry.insert(Arc::clone(&proc_));
        Some(proc_)
    }

    /// Counts `proc_` against `max_connections`, or refuses.
    pub fn admit(&self, proc_: &Proc, max_connections: usize) -> Result<(), AdmitError> {
        let mut t = self.inner.lock();
        let mut admitted = proc_.admitted.lock();
        if *admitted {
            return Ok(());
        }
        if t.admitted >= max_connections {
            return Err(AdmitError::TooMany);
        }
        t.admitted += 1;
        *admitted = true;
        Ok(())
    }

    /// Removes slot `slot` (the child ended); returns its entry.
    pub fn remove(&self, slot: usize) -> Option<Arc<Proc>> {
        let mut t = self.inner.lock();
        let p = t.slots.try_remove(slot)?;
        if *p.admitted.lock() {
            t.admitted -= 1;
        }
        Some(p)
    }

    /// The entry with process id `pid`.
    pub fn find_pid(&self, pid: i32) -> Option<Arc<Proc>> {
        let t = self.inner.lock();
        t.slots
            .iter()
            .find(|(_, p)| p.pid == pid)
            .map(|(_, p)| Arc::clone(p))
    }

    /// All entries, in slot order.
    pub fn snapshot(&self) -> Vec<Arc<Proc>> {
        let t = self.inner.lock();
        t.slots.iter().map(|(_, p)| Arc::clone(p)).collect()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.inner.lock().slots.len()
    }

    /// True when no connection exists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries counted against max_connections.
    pub fn admitted(&self) -> usize {
        self.inner.lock().admitted
    }
}

impl Host for ProcArray {
    fn activity(&self) -> Vec<Activity> {
        self.snapshot()
            .into_iter()
            .filter(|p| *p.admitted.lock())
            .map(|p| {
                let st = p.status();
                Activity {
                    pid: p.pid,
                    database: st.database,
                    user: st.user,
                    application_name: st.application_name,
                    client_addr: Some(p.peer.ip()),
                    client_port: Some(i32::from(p.peer.port())),
                    server: p.local.get().copied(),
                    backend_start: p.started_at,
                    xact_start: st.xact_start,
                    query_start: st.query_start,
                    state_change: Some(st.state_change),
                    state: Some(st.state.as_str().to_owned()),
                    query: st.query,
                    backend_type: "client backend".into(),
                }
            })
            .collect()
    }

    fn server_start(&self) -> Option<i64> {
        Some(self.started_at)
    }

    fn signal_backend(&self, pid: i32, reason: Interrupt) -> SignalOutcome {
        match self.find_pid(pid) {
            Some(p) => {
                p.signal(reason);
                SignalOutcome::Sent
            }
            None => SignalOutcome::NoSuchBackend,
        }
    }

    fn wake(&self, pid: i32) {
        if let Some(p) = self.find_pid(pid) {
            if let Some(addr) = p.addr.lock().as_ref() {
                addr.do_send(NotifyWake);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:5000".parse().unwrap()
    }

    #[test]
    fn the_server_start_is_when_the_array_was_made_not_a_backends() {
        let before = now_micros();
        let t = ProcArray::new();
        let start = t.server_start().unwrap();
        assert!(start >= before && start <= now_micros());
        let a = t.register(peer(), 10).unwrap();
        assert!(a.started_at >= start);
        t.remove(a.slot);
        assert_eq!(t.server_start(), Some(start), "backends do not move it");
    }

    #[test]
    fn slots_are_reused_and_pids_are_not() {
        let t = ProcArray::new();
        let a = t.register(peer(), 10).unwrap();
        let b = t.register(peer(), 10).unwrap();
        assert_ne!(a.pid, b.pid);
        assert_eq!((a.slot, b.slot), (0, 1));
        t.remove(a.slot);
        let c = t.register(peer(), 10).unwrap();
        assert_eq!(c.slot, 0, "the freed slot is reused");
        assert_ne!(c.pid, a.pid, "pids are not reused at once");
        assert_eq!(t.find_pid(b.pid).unwrap().slot, 1);
        assert!(t.find_pid(a.pid).is_none());
    }

    #[test]
    fn register_stops_at_the_limit() {
        let t = ProcArray::new();
        assert!(t.register(peer(), 1).is_some());
        assert!(t.register(peer(), 1).is_none());
    }

    #[test]
    fn admission_counts_against_max_connections() {
        let t = ProcArray::new();
        let a = t.register(peer(), 10).unwrap();
        let b = t.register(peer(), 10).unwrap();
        assert_eq!(t.admit(&a, 1), Ok(()));
        assert_eq!(t.admit(&a, 1), Ok(()), "admitting twice is idempotent");
        assert_eq!(t.admit(&b, 1), Err(AdmitError::TooMany));
        t.remove(a.slot);
        assert_eq!(t.admitted(), 0);
        assert_eq!(t.admit(&b, 1), Ok(()));
    }

    #[test]
    fn state_transitions_are_visible_in_activity() {
        let t = ProcArray::new();
        let a = t.register(peer(), 10).unwrap();
        assert!(t.activity().is_empty(), "not admitted yet");
        t.admit(&a, 10).unwrap();
        a.set_state(BackendState::Idle, None);
        assert_eq!(t.activity()[0].state.as_deref(), Some("idle"));
        a.set_state(BackendState::Active, Some("SELECT 1"));
        let act = &t.activity()[0];
        assert_eq!(
            (act.state.as_deref(), act.query.as_str()),
            (Some("active"), "SELECT 1")
        );
        a.set_state(BackendState::Idle, None);
        assert_eq!(t.activity()[0].query, "SELECT 1", "the last query stays");
    }

    #[test]
    fn signal_reaches_only_the_named_pid() {
        let t = ProcArray::new();
        let a = t.register(peer(), 10).unwrap();
        let b = t.register(peer(), 10).unwrap();
        assert_eq!(
            t.signal_backend(a.pid, Interrupt::Cancel),
            SignalOutcome::Sent
        );
        assert_eq!(a.interrupts.pending(), Some(Interrupt::Cancel));
        assert_eq!(b.interrupts.pending(), None);
        assert_eq!(
            t.signal_backend(1, Interrupt::Cancel),
            SignalOutcome::NoSuchBackend
        );
    }
}
