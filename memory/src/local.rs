//! A backend's local memory: budgets for sorts, hashes and aggregates.
//!
//! ```text
//! LocalMemory (one per backend, limits from work_mem etc.)
//!   ├── Budget for Sort #1      reserve(n) → Ok | Exhausted → spill
//!   └── Budget for HashAgg #2   dropped at operator end: bytes given back
//! ```
//!
//! Rules:
//! 1. Each operator takes its own budget of work_mem bytes, as in
//!    PostgreSQL (a query with two sorts may use 2 × work_mem).
//! 2. A refused reservation changes nothing; the operator spills and
//!    retries with less.
//! 3. Dropping a Budget returns all it holds, so a panic or error cannot
//!    leak accounting.
//! 4. Memory that cannot spill (a recursive query's rows, what a hash of
//!    seen rows holds) is taken with [`Budget::reserve_hard`]: refused
//!    only past the backend's limit or the server's, which every
//!    backend's budgets count against, so one session cannot grow the
//!    process until the kernel's OOM killer ends every session.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// Bytes all backends' budgets hold.
static SERVER_IN_USE: AtomicU64 = AtomicU64::new(0);
/// The server's limit (0: the default, half of the machine's memory).
static SERVER_LIMIT: AtomicU64 = AtomicU64::new(0);

/// Sets the server-wide limit on what budgets hold (0: the default).
pub fn set_server_limit(bytes: u64) {
    SERVER_LIMIT.store(bytes, Ordering::Relaxed);
}

/// The server-wide limit in force: the one set, or half of MemTotal.
pub fn server_limit() -> u64 {
    match SERVER_LIMIT.load(Ordering::Relaxed) {
        0 => *DEFAULT_SERVER_LIMIT.get_or_init(|| {
            let total_kb = std::fs::read_to_string("/proc/meminfo")
                .ok()
                .and_then(|m| {
                    m.lines()
                        .find_map(|l| l.strip_prefix("MemTotal:"))
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                })
                .unwrap_or(8 << 20);
            total_kb * 1024 / 2
        }),
        n => n,
    }
}

static DEFAULT_SERVER_LIMIT: OnceLock<u64> = OnceLock::new();

/// Bytes all backends' budgets hold now.
pub fn server_in_use() -> u64 {
    SERVER_IN_USE.load(Ordering::Relaxed)
}

/// A refused [`Budget::reserve_hard`]: PostgreSQL's 53200.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    /// The request refused.
    pub requested: u64,
    /// Whether the server's limit refused it (else the backend's).
    pub server: bool,
}

/// Limits in bytes, from the session's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalMemoryLimits {
    /// work_mem: per sort/hash operator.
    pub work_mem: u64,
    /// work_mem × hash_mem_multiplier: per hash table (hash join, hash
    /// aggregate), as in PostgreSQL 13+.
    pub hash_mem: u64,
    /// maintenance_work_mem: per VACUUM / CREATE INDEX.
    pub maintenance_work_mem: u64,
    /// temp_buffers: for temporary tables.
    pub temp_buffers: u64,
    /// The most all of one backend's budgets may hold (memory that cannot
    /// spill stops there with 53200); 0: only the server's limit.
    pub backend_limit: u64,
}

impl Default for LocalMemoryLimits {
    /// PostgreSQL's defaults: 4MB, 64MB, 8MB.
    fn default() -> Self {
        LocalMemoryLimits {
            work_mem: 4 << 20,
            hash_mem: 8 << 20,
            maintenance_work_mem: 64 << 20,
            temp_buffers: 8 << 20,
            backend_limit: 0,
        }
    }
}

/// Live counters, readable from other threads.
#[derive(Debug, Default)]
struct Counters {
    /// Bytes reserved by live budgets.
    in_use: AtomicU64,
    /// Highest `in_use` seen.
    peak: AtomicU64,
    /// Temp files written by spilling operators.
    temp_files: AtomicU64,
    /// Bytes written to temp files.
    temp_bytes: AtomicU64,
    /// Prepared statements the session holds.
    statements: AtomicU64,
    /// Their approximate bytes.
    statement_bytes: AtomicU64,
    /// Portals the session holds.
    portals: AtomicU64,
    /// Their approximate bytes (rows kept by suspended portals included).
    portal_bytes: AtomicU64,
    /// Bytes of local buffers for temporary tables (0 until the first).
    temp_buffers: AtomicU64,
}

/// A snapshot of a backend's local memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalMemoryStats {
    /// Bytes reserved now.
    pub in_use: u64,
    /// Highest reservation seen.
    pub peak: u64,
    /// Temp files written.
    pub temp_files: u64,
    /// Bytes spilled to temp files.
    pub temp_bytes: u64,
    /// Prepared statements held.
    pub statements: u64,
    /// Their approximate bytes.
    pub statement_bytes: u64,
    /// Portals held.
    pub portals: u64,
    /// Their approximate bytes.
    pub portal_bytes: u64,
    /// Bytes of local buffers for temporary tables.
    pub temp_buffers: u64,
}

/// One backend's local memory. Cloning shares the counters.
#[derive(Debug, Clone, Default)]
pub struct LocalMemory {
    /// The limits, changed by SET.
    limits: LocalMemoryLimits,
    /// The counters shared with budgets and observers.
    counters: Arc<Counters>,
}

impl LocalMemory {
    /// Local memory with these limits.
    pub fn new(limits: LocalMemoryLimits) -> Self {
        LocalMemory {
            limits,
            counters: Arc::default(),
        }
    }

    /// The current limits.
    pub fn limits(&self) -> LocalMemoryLimits {
        self.limits
    }

    /// Replaces the limits (SET work_mem ...); live budgets keep theirs.
    pub fn set_limits(&mut self, limits: LocalMemoryLimits) {
        self.limits = limits;
    }

    /// A work_mem budget for one operator.
    pub fn work_budget(&self) -> Budget {
        self.budget(self.limits.work_mem)
    }

    /// A hash table's budget (work_mem × hash_mem_multiplier).
    pub fn hash_budget(&self) -> Budget {
        self.budget(self.limits.hash_mem)
    }

    /// A budget for memory that cannot spill, bounded by the backend's
    /// and the server's limits only ([`Budget::reserve_hard`]).
    pub fn hard_budget(&self) -> Budget {
        self.budget(match self.limits.backend_limit {
            0 => u64::MAX,
            n => n,
        })
    }

    /// A maintenance_work_mem budget (VACUUM, CREATE INDEX).
    pub fn maintenance_budget(&self) -> Budget {
        self.budget(self.limits.maintenance_work_mem)
    }

    fn budget(&self, limit: u64) -> Budget {
        Budget {
            limit,
            held: 0,
            counters: Arc::clone(&self.counters),
        }
    }

    /// Counts a temp file of `bytes` written by a spilling operator.
    pub fn record_spill(&self, bytes: u64) {
        self.counters.temp_files.fetch_add(1, Ordering::Relaxed);
        self.counters.temp_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Records the size of the session's prepared statement and portal
    /// tables (shown in the supervision tree).
    pub fn set_prepared(
        &self,
        statements: u64,
        statement_bytes: u64,
        portals: u64,
        portal_bytes: u64,
    ) {
        let c = &self.counters;
        c.statements.store(statements, Ordering::Relaxed);
        c.statement_bytes.store(statement_bytes, Ordering::Relaxed);
        c.portals.store(portals, Ordering::Relaxed);
        c.portal_bytes.store(portal_bytes, Ordering::Relaxed);
    }

    /// Records the size of the local buffers for temporary tables (shown
    /// in the supervision tree; the bytes themselves are reserved by a
    /// hard budget the session holds while they are open).
    pub fn set_temp_buffers(&self, bytes: u64) {
        self.counters.temp_buffers.store(bytes, Ordering::Relaxed);
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> LocalMemoryStats {
        let c = &self.counters;
        LocalMemoryStats {
            in_use: c.in_use.load(Ordering::Relaxed),
            peak: c.peak.load(Ordering::Relaxed),
            temp_files: c.temp_files.load(Ordering::Relaxed),
            temp_bytes: c.temp_bytes.load(Ordering::Relaxed),
            statements: c.statements.load(Ordering::Relaxed),
            statement_bytes: c.statement_bytes.load(Ordering::Relaxed),
            portals: c.portals.load(Ordering::Relaxed),
            portal_bytes: c.portal_bytes.load(Ordering::Relaxed),
            temp_buffers: c.temp_buffers.load(Ordering::Relaxed),
        }
    }
}

/// Bytes one operator may hold; returned when dropped.
#[derive(Debug)]
pub struct Budget {
    /// The most this budget may hold.
    limit: u64,
    /// What it holds now.
    held: u64,
    /// The owning backend's counters.
    counters: Arc<Counters>,
}

impl Budget {
    /// Reserves `n` more bytes; false (and nothing reserved) when that
    /// would pass the limit.
    pub fn try_reserve(&mut self, n: u64) -> bool {
        match self.held.checked_add(n) {
            Some(total) if total <= self.limit => {
                self.take(n);
                true
            }
            _ => false,
        }
    }

    /// Reserves `n` bytes of memory that cannot spill: refused only when
    /// the backend's budgets together would pass this budget's limit (a
    /// [`LocalMemory::hard_budget`]'s is the backend's) or all backends'
    /// the server's.
    pub fn reserve_hard(&mut self, n: u64) -> Result<(), Exhausted> {
        let backend = self
            .counters
            .in_use
            .load(Ordering::Relaxed)
            .saturating_add(n);
        if backend > self.limit {
            return Err(Exhausted {
                requested: n,
                server: false,
            });
        }
        if SERVER_IN_USE.load(Ordering::Relaxed).saturating_add(n) > server_limit() {
            return Err(Exhausted {
                requested: n,
                server: true,
            });
        }
        self.take(n);
        Ok(())
    }

    fn take(&mut self, n: u64) {
        self.held += n;
        let now = self.counters.in_use.fetch_add(n, Ordering::Relaxed) + n;
        self.counters.peak.fetch_max(now, Ordering::Relaxed);
        SERVER_IN_USE.fetch_add(n, Ordering::Relaxed);
    }

    /// Gives back `n` bytes (at most what is held).
    pub fn release(&mut self, n: u64) {
        let n = n.min(self.held);
        self.held -= n;
        self.counters.in_use.fetch_sub(n, Ordering::Relaxed);
        SERVER_IN_USE.fetch_sub(n, Ordering::Relaxed);
    }

    /// Gives back everything (after a spill).
    pub fn release_all(&mut self) {
        self.release(self.held);
    }

    /// Bytes held now.
    pub fn held(&self) -> u64 {
        self.held
    }

    /// The limit.
    pub fn limit(&self) -> u64 {
        self.limit
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        self.release_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_reservations_stop_at_the_backends_total() {
        let mem = LocalMemory::new(LocalMemoryLimits {
            work_mem: 100,
            backend_limit: 1000,
            ..Default::default()
        });
        let mut sort = mem.work_budget();
        assert!(sort.try_reserve(100));
        let mut rows = mem.hard_budget();
        assert_eq!(rows.reserve_hard(800), Ok(()));
        // The sort's 100 count: 100 + 800 + 101 passes 1000.
        assert_eq!(
            rows.reserve_hard(101),
            Err(Exhausted {
                requested: 101,
                server: false
            })
        );
        drop(sort);
        assert_eq!(rows.reserve_hard(101), Ok(()));
        assert_eq!(mem.stats().in_use, 901);
        drop(rows);
        assert_eq!(mem.stats().in_use, 0);
    }

    #[test]
    fn reservations_stop_at_the_limit_and_return_on_drop() {
        let mem = LocalMemory::new(LocalMemoryLimits {
            work_mem: 100,
            ..Default::default()
        });
        let mut a = mem.work_budget();
        assert!(a.try_reserve(60));
        assert!(!a.try_reserve(41));
        assert_eq!(a.held(), 60);
        let mut b = mem.work_budget();
        assert!(b.try_reserve(100), "each operator has its own work_mem");
        assert_eq!(mem.stats().in_use, 160);
        drop(a);
        assert_eq!(mem.stats().in_use, 100);
        b.release(30);
        assert_eq!(mem.stats().in_use, 70);
        drop(b);
        assert_eq!(mem.stats().in_use, 0);
        assert_eq!(mem.stats().peak, 160);
    }

    #[test]
    fn overflowing_reservation_is_refused() {
        let mem = LocalMemory::default();
        let mut a = mem.work_budget();
        assert!(a.try_reserve(1));
        assert!(!a.try_reserve(u64::MAX));
        assert_eq!(a.held(), 1);
    }

    #[test]
    fn spills_are_counted() {
        let mem = LocalMemory::default();
        mem.record_spill(8192);
        mem.record_spill(100);
        let s = mem.stats();
        assert_eq!((s.temp_files, s.temp_bytes), (2, 8292));
    }

    #[test]
    fn prepared_tables_are_visible_through_clones() {
        let mem = LocalMemory::default();
        let observer = mem.clone();
        mem.set_prepared(3, 3000, 1, 200);
        let s = observer.stats();
        assert_eq!(
            (s.statements, s.statement_bytes, s.portals, s.portal_bytes),
            (3, 3000, 1, 200)
        );
    }
}
