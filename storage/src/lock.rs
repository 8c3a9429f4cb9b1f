//! The lock manager: relation locks and transaction locks, held to the
//! end of the transaction, with PostgreSQL's eight modes and conflict
//! table, fair queueing and deadlock detection (lock.c, deadlock.c).
//!
//! A transaction holds an Exclusive lock on its own xid while it runs; to
//! wait for another transaction to finish (a row it wants is being
//! updated), a backend takes a Share lock on that xid and releases it at
//! once (XactLockTableWait).
//!
//! Rules:
//! 1. A request is granted when it conflicts with no lock held by others
//!    and with no earlier waiter (no starvation).
//! 2. A waiter that has waited `deadlock_timeout` looks for a cycle in the
//!    wait-for graph through itself; if there is one it gives up with
//!    40P01, and the others go on.
//! 3. Waits check the backend's interrupts: cancel, statement_timeout and
//!    terminate end a wait as they end any statement.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use actorgres_memory::{Interrupt, Interrupts};
use parking_lot::{Condvar, Mutex};

/// What is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LockTag {
    /// A relation of a database.
    Relation {
        /// Database OID.
        db: u32,
        /// Relation OID.
        rel: u32,
    },
    /// A transaction (waiting for it to finish).
    Transaction(u32),
    /// A database (CREATE/DROP DATABASE against connections).
    Database(u32),
}

/// PostgreSQL's lock modes, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LockMode {
    /// SELECT.
    AccessShare = 1,
    /// SELECT FOR UPDATE/SHARE.
    RowShare = 2,
    /// INSERT, UPDATE, DELETE.
    RowExclusive = 3,
    /// VACUUM.
    ShareUpdateExclusive = 4,
    /// CREATE INDEX; waiting for a transaction.
    Share = 5,
    /// CREATE TRIGGER.
    ShareRowExclusive = 6,
    /// A transaction's own xid lock.
    Exclusive = 7,
    /// DROP, TRUNCATE, ALTER TABLE.
    AccessExclusive = 8,
}

impl LockMode {
    /// True if the two modes conflict (PostgreSQL's conflict table).
    pub fn conflicts(self, other: LockMode) -> bool {
        use LockMode::*;
        let (a, b) = if self <= other {
            (self, other)
        } else {
            (other, self)
        };
        match a {
            AccessShare => b == AccessExclusive,
            RowShare => b >= Exclusive,
            RowExclusive => b >= Share,
            ShareUpdateExclusive => b >= ShareUpdateExclusive,
            Share => b == RowExclusive || b == ShareUpdateExclusive || b >= ShareRowExclusive,
            ShareRowExclusive => b >= RowExclusive,
            Exclusive => b >= RowShare,
            AccessExclusive => true,
        }
    }

    /// The name PostgreSQL uses in messages ("ShareLock").
    pub fn name(self) -> &'static str {
        use LockMode::*;
        match self {
            AccessShare => "AccessShareLock",
            RowShare => "RowShareLock",
            RowExclusive => "RowExclusiveLock",
            ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            Share => "ShareLock",
            ShareRowExclusive => "ShareRowExclusiveLock",
            Exclusive => "ExclusiveLock",
            AccessExclusive => "AccessExclusiveLock",
        }
    }
}

/// Why a lock was not granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// A deadlock; the text is PostgreSQL's DETAIL.
    Deadlock(String),
    /// An interrupt ended the wait.
    Interrupted(Interrupt),
    /// lock_timeout passed (55P03).
    Timeout,
}

/// One lock's holders and queue.
#[derive(Debug, Default)]
struct Entry {
    /// Granted: owner → modes (with counts).
    holders: HashMap<i32, Vec<LockMode>>,
    /// Waiting, in arrival order.
    waiters: VecDeque<(i32, LockMode)>,
}

impl Entry {
    fn grantable(&self, owner: i32, mode: LockMode, ahead_of: Option<usize>) -> bool {
        let held = self
            .holders
            .iter()
            .filter(|(o, _)| **o != owner)
            .flat_map(|(_, m)| m.iter())
            .any(|m| m.conflicts(mode));
        if held {
            return false;
        }
        let limit = ahead_of.unwrap_or(self.waiters.len());
        !self
            .waiters
            .iter()
            .take(limit)
            .any(|(o, m)| *o != owner && m.conflicts(mode))
    }
}

#[derive(Default)]
struct Table {
    /// Locks with holders or waiters.
    entries: HashMap<LockTag, Entry>,
    /// What each owner waits for.
    waiting: HashMap<i32, (LockTag, LockMode)>,
}

/// One held or awaited lock (a row of pg_locks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockInfo {
    /// What is locked.
    pub tag: LockTag,
    /// The backend holding or waiting.
    pub owner: i32,
    /// The mode.
    pub mode: LockMode,
    /// Held (true) or awaited.
    pub granted: bool,
}

/// The lock manager.
pub struct LockManager {
    /// All locks.
    table: Mutex<Table>,
    /// Signalled when locks are released.
    released: Condvar,
}

impl Default for LockManager {
    fn default() -> Self {
        Self::new()
    }
}

/// How a wait behaves.
pub struct WaitPolicy<'a> {
    /// The waiting backend's interrupts.
    pub interrupts: &'a Interrupts,
    /// deadlock_timeout.
    pub deadlock_timeout: Duration,
    /// lock_timeout (None: wait forever).
    pub lock_timeout: Option<Duration>,
}

impl LockManager {
    /// An empty lock table.
    pub fn new() -> LockManager {
        LockManager {
            table: Mutex::new(Table::default()),
            released: Condvar::new(),
        }
    }

    /// Takes `mode` on `tag` for `owner` (a backend pid), waiting as
    /// needed.
    pub fn acquire(
        &self,
        owner: i32,
        tag: LockTag,
        mode: LockMode,
        policy: &WaitPolicy<'_>,
    ) -> Result<(), LockError> {
        let mut t = self.table.lock();
        let entry = t.entries.entry(tag).or_default();
        if entry.holders.get(&owner).is_some_and(|m| m.contains(&mode))
            || entry.grantable(owner, mode, None)
        {
            entry.holders.entry(owner).or_default().push(mode);
            return Ok(());
        }
        entry.waiters.push_back((owner, mode));
        t.waiting.insert(owner, (tag, mode));
        let start = Instant::now();
        let mut checked = false;
        loop {
            let pos = {
                let e = t.entries.entry(tag).or_default();
                e.waiters.iter().position(|(o, _)| *o == owner)
            };
            let e = t.entries.entry(tag).or_default();
            if let Some(p) = pos {
                if e.grantable(owner, mode, Some(p)) {
                    e.waiters.remove(p);
                    e.holders.entry(owner).or_default().push(mode);
                    t.waiting.remove(&owner);
                    return Ok(());
                }
            }
            let fail = |t: &mut Table, err: LockError| {
                if let Some(e) = t.entries.get_mut(&tag) {
                    e.waiters.retain(|(o, _)| *o != owner);
                }
                t.waiting.remove(&owner);
                Err(err)
            };
            if let Some(reason) = policy.interrupts.pending() {
                let r = fail(&mut t, LockError::Interrupted(reason));
                self.released.notify_all();
                return r;
            }
            let waited = start.elapsed();
            if policy.lock_timeout.is_some_and(|lt| waited >= lt) {
                let r = fail(&mut t, LockError::Timeout);
                self.released.notify_all();
                return r;
            }
            if !checked && waited >= policy.deadlock_timeout {
                checked = true;
                if let Some(cycle) = find_cycle(&t, owner) {
                    let detail = describe(&t, &cycle);
                    let r = fail(&mut t, LockError::Deadlock(detail));
                    self.released.notify_all();
                    return r;
                }
            }
            self.released.wait_for(&mut t, Duration::from_millis(20));
        }
    }

    /// Whether `owner` is waiting for a lock now.
    pub fn is_waiting(&self, owner: i32) -> bool {
        self.table.lock().waiting.contains_key(&owner)
    }

    /// Releases everything `owner` holds (end of transaction).
    pub fn release_all(&self, owner: i32) {
        let mut t = self.table.lock();
        t.entries.retain(|_, e| {
            e.holders.remove(&owner);
            !(e.holders.is_empty() && e.waiters.is_empty())
        });
        drop(t);
        self.released.notify_all();
    }

    /// Releases one `mode` lock on `tag` held by `owner`.
    pub fn release(&self, owner: i32, tag: LockTag, mode: LockMode) {
        let mut t = self.table.lock();
        if let Some(e) = t.entries.get_mut(&tag) {
            if let Some(modes) = e.holders.get_mut(&owner) {
                if let Some(i) = modes.iter().position(|m| *m == mode) {
                    modes.remove(i);
                }
                if modes.is_empty() {
                    e.holders.remove(&owner);
                }
            }
            if e.holders.is_empty() && e.waiters.is_empty() {
                t.entries.remove(&tag);
            }
        }
        drop(t);
        self.released.notify_all();
    }

    /// Every lock held or awaited now, as pg_locks lists them: granted
    /// ones by tag, then the waiters in arrival order.
    pub fn snapshot(&self) -> Vec<LockInfo> {
        let t = self.table.lock();
        let mut out = Vec::new();
        for (tag, e) in &t.entries {
            for (owner, modes) in &e.holders {
                let mut modes = modes.clone();
                modes.sort_unstable();
                modes.dedup();
                out.extend(modes.into_iter().map(|mode| LockInfo {
                    tag: *tag,
                    owner: *owner,
                    mode,
                    granted: true,
                }));
            }
            out.extend(e.waiters.iter().map(|(owner, mode)| LockInfo {
                tag: *tag,
                owner: *owner,
                mode: *mode,
                granted: false,
            }));
        }
        out
    }

    /// Owners holding a lock on `tag` (DROP DATABASE with sessions).
    pub fn holders(&self, tag: LockTag) -> Vec<i32> {
        let t = self.table.lock();
        t.entries
            .get(&tag)
            .map(|e| e.holders.keys().copied().collect())
            .unwrap_or_default()
    }
}

/// Owners that `owner`'s wait is blocked by.
fn blockers(t: &Table, owner: i32) -> Vec<i32> {
    let Some((tag, mode)) = t.waiting.get(&owner) else {
        return Vec::new();
    };
    let Some(e) = t.entries.get(tag) else {
        return Vec::new();
    };
    let mut out: Vec<i32> = e
        .holders
        .iter()
        .filter(|(o, modes)| **o != owner && modes.iter().any(|m| m.conflicts(*mode)))
        .map(|(o, _)| *o)
        .collect();
    out.sort_unstable();
    out
}

/// A cycle of waits that starts and ends at `start`, if any.
fn find_cycle(t: &Table, start: i32) -> Option<Vec<i32>> {
    let mut path = vec![start];
    let mut seen = HashSet::new();
    fn dfs(t: &Table, start: i32, path: &mut Vec<i32>, seen: &mut HashSet<i32>) -> bool {
        let Some(&me) = path.last() else { return false };
        for b in blockers(t, me) {
            if b == start {
                return true;
            }
            if seen.insert(b) {
                path.push(b);
                if dfs(t, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    dfs(t, start, &mut path, &mut seen).then_some(path)
}

fn describe_tag(tag: &LockTag) -> String {
    match tag {
        LockTag::Transaction(x) => format!("transaction {x}"),
        LockTag::Relation { db, rel } => format!("relation {rel} of database {db}"),
        LockTag::Database(db) => format!("database {db}"),
    }
}

/// PostgreSQL's deadlock DETAIL: one line per process in the cycle.
fn describe(t: &Table, cycle: &[i32]) -> String {
    let mut lines = Vec::new();
    for (i, p) in cycle.iter().enumerate() {
        let next = cycle[(i + 1) % cycle.len()];
        if let Some((tag, mode)) = t.waiting.get(p) {
            lines.push(format!(
                "Process {p} waits for {} on {}; blocked by process {next}.",
                mode.name(),
                describe_tag(tag)
            ));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use LockMode::*;

    fn policy(i: &Interrupts) -> WaitPolicy<'_> {
        WaitPolicy {
            interrupts: i,
            deadlock_timeout: Duration::from_millis(50),
            lock_timeout: None,
        }
    }

    #[test]
    fn conflict_table_matches_postgres() {
        // Rows and columns in PostgreSQL's order; X = conflict.
        let all = [
            AccessShare,
            RowShare,
            RowExclusive,
            ShareUpdateExclusive,
            Share,
            ShareRowExclusive,
            Exclusive,
            AccessExclusive,
        ];
        let table = [
            "       X", "      XX", "    XXXX", "   XXXXX", "  XX XXX", "  XXXXXX", " XXXXXXX",
            "XXXXXXXX",
        ];
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate() {
                let want = table[i].as_bytes()[j] == b'X';
                assert_eq!(a.conflicts(*b), want, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn compatible_locks_share_and_conflicting_ones_wait() {
        let lm = Arc::new(LockManager::new());
        let i = Interrupts::new();
        let rel = LockTag::Relation { db: 1, rel: 2 };
        lm.acquire(1, rel, AccessShare, &policy(&i)).unwrap();
        lm.acquire(2, rel, RowExclusive, &policy(&i)).unwrap();
        let lm2 = Arc::clone(&lm);
        let t = std::thread::spawn(move || {
            let i = Interrupts::new();
            lm2.acquire(3, rel, AccessExclusive, &policy(&i)).unwrap();
            "granted"
        });
        // The exclusive request waits until both release.
        lm.release_all(1);
        lm.release_all(2);
        assert_eq!(t.join().unwrap(), "granted");
        assert_eq!(lm.holders(rel), vec![3]);
    }

    #[test]
    fn two_waiting_on_each_other_is_a_deadlock_for_one() {
        let lm = Arc::new(LockManager::new());
        let (a, b) = (LockTag::Transaction(100), LockTag::Transaction(200));
        let i = Interrupts::new();
        lm.acquire(1, a, Exclusive, &policy(&i)).unwrap();
        lm.acquire(2, b, Exclusive, &policy(&i)).unwrap();
        let lm2 = Arc::clone(&lm);
        let t = std::thread::spawn(move || {
            let i = Interrupts::new();
            let r = lm2.acquire(2, a, Share, &policy(&i));
            if r.is_err() {
                lm2.release_all(2);
            }
            r
        });
        let r1 = lm.acquire(1, b, Share, &policy(&i));
        if r1.is_err() {
            lm.release_all(1);
        }
        let r2 = t.join().unwrap();
        // Exactly one of them is chosen as the victim.
        let deadlocks = [&r1, &r2]
            .iter()
            .filter(|r| matches!(r, Err(LockError::Deadlock(_))))
            .count();
        assert_eq!(deadlocks, 1, "{r1:?} {r2:?}");
        let detail = match (&r1, &r2) {
            (Err(LockError::Deadlock(d)), _) | (_, Err(LockError::Deadlock(d))) => d.clone(),
            _ => unreachable!(),
        };
        assert!(
            detail.contains("waits for ShareLock on transaction"),
            "{detail}"
        );
    }

    #[test]
    fn a_cancel_ends_a_wait() {
        let lm = Arc::new(LockManager::new());
        let tag = LockTag::Transaction(7);
        let i = Interrupts::new();
        lm.acquire(1, tag, Exclusive, &policy(&i)).unwrap();
        let waiter_i = Interrupts::new();
        let raise = waiter_i.clone();
        let lm2 = Arc::clone(&lm);
        let t = std::thread::spawn(move || lm2.acquire(2, tag, Share, &policy(&waiter_i)));
        raise.raise(Interrupt::Cancel);
        assert_eq!(
            t.join().unwrap(),
            Err(LockError::Interrupted(Interrupt::Cancel))
        );
    }

    #[test]
    fn lock_timeout() {
        let lm = LockManager::new();
        let tag = LockTag::Transaction(7);
        let i = Interrupts::new();
        lm.acquire(1, tag, Exclusive, &policy(&i)).unwrap();
        let p = WaitPolicy {
            interrupts: &i,
            deadlock_timeout: Duration::from_secs(1),
            lock_timeout: Some(Duration::from_millis(10)),
        };
        assert_eq!(lm.acquire(2, tag, Share, &p), Err(LockError::Timeout));
    }
}
