//! A session's transaction: its xids, savepoints, command counter,
//! snapshot, isolation, and what to undo.
//!
//! ```text
//! BEGIN ─► top (xid assigned at the first write)
//!   SAVEPOINT a ─► sub a (own xid at its first write)
//!     SAVEPOINT b ─► sub b
//!     RELEASE b   ─► b's xids join a's (they commit or abort with a)
//!   ROLLBACK TO a ─► a's xids (and everything above) abort; a stays, fresh
//! COMMIT ─► top + every live sub xid commit together
//! ```

use actorgres_storage::lock::{LockMode, LockTag};
use actorgres_storage::smgr::RelId;
use actorgres_storage::xact::{OwnTxn, OwnXids, Snapshot};

use crate::error::{Result, SqlError, SqlState};
use crate::guc::Settings;

/// Isolation levels, as declared. READ UNCOMMITTED runs as READ
/// COMMITTED and SERIALIZABLE as REPEATABLE READ (as PostgreSQL runs READ
/// UNCOMMITTED; there is no SSI yet), but SHOW reports what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Runs as READ COMMITTED.
    ReadUncommitted,
    /// A new snapshot per statement.
    ReadCommitted,
    /// One snapshot per transaction; a row changed by a concurrent
    /// commit cannot be changed (40001).
    RepeatableRead,
    /// Runs as REPEATABLE READ.
    Serializable,
}

impl Isolation {
    /// From a setting's text.
    pub fn parse(s: &str) -> Isolation {
        match s {
            "read uncommitted" => Isolation::ReadUncommitted,
            "repeatable read" => Isolation::RepeatableRead,
            "serializable" => Isolation::Serializable,
            _ => Isolation::ReadCommitted,
        }
    }

    /// The name SHOW transaction_isolation gives.
    pub fn name(self) -> &'static str {
        match self {
            Isolation::ReadUncommitted => "read uncommitted",
            Isolation::ReadCommitted => "read committed",
            Isolation::RepeatableRead => "repeatable read",
            Isolation::Serializable => "serializable",
        }
    }

    /// True when each statement takes its own snapshot.
    pub fn snapshot_per_statement(self) -> bool {
        matches!(self, Isolation::ReadUncommitted | Isolation::ReadCommitted)
    }
}

/// One savepoint.
#[derive(Debug, Clone)]
pub struct Subxact {
    /// Its name.
    pub name: String,
    /// Its own xid, once it wrote.
    pub xid: Option<u32>,
    /// Xids of savepoints released into it.
    pub released: Vec<u32>,
    /// `creates` length when it started.
    pub creates_mark: usize,
    /// `locks` length when it started.
    pub locks_mark: usize,
    /// `drops` length when it started.
    pub drops_mark: usize,
    /// Settings when it started (ROLLBACK TO restores them).
    pub settings: Settings,
    /// Session-level settings when it started.
    pub session_settings: Settings,
}

/// A transaction in progress.
#[derive(Debug)]
pub struct Transaction {
    /// Started by BEGIN (else the implicit transaction of a query string).
    pub explicit: bool,
    /// A statement failed: only ROLLBACK (TO) may follow.
    pub failed: bool,
    /// The top-level xid, once the transaction wrote.
    pub top: Option<u32>,
    /// Xids of savepoints released into the top level.
    pub released: Vec<u32>,
    /// Open savepoints, innermost last.
    pub subs: Vec<Subxact>,
    /// The command counter.
    pub cid: u32,
    /// Isolation level.
    pub isolation: Isolation,
    /// READ ONLY.
    pub read_only: bool,
    /// The snapshot of the running statement (READ COMMITTED) or of the
    /// whole transaction (REPEATABLE READ).
    pub snapshot: Option<Snapshot>,
    /// Relation files created (removed on abort).
    pub creates: Vec<RelId>,
    /// Relation files dropped (removed on commit).
    pub drops: Vec<RelId>,
    /// Table locks taken, in order (ROLLBACK TO releases those taken
    /// since the savepoint, as PostgreSQL does).
    pub locks: Vec<(LockTag, LockMode)>,
    /// The catalog changed: read it directly and invalidate caches at the end.
    pub catalog_changed: bool,
    /// A temporary relation was used (PREPARE TRANSACTION refuses it).
    pub accessed_temp: bool,
    /// The table CREATE TABLE AS is filling: its rows go in without an
    /// INSERT privilege check (its owner may have none).
    pub filling: Option<u32>,
    /// Enum labels ALTER TYPE ... ADD VALUE added (unusable until commit).
    pub new_enum_labels: crate::usertype::PendingLabels,
    /// transaction_timestamp(), microseconds since 2000-01-01 UTC.
    pub started: i64,
    /// Settings at BEGIN (ROLLBACK restores them).
    pub settings_at_start: Settings,
    /// Settings without SET LOCAL changes (COMMIT keeps these).
    pub session_settings: Settings,
    /// A statement other than transaction control ran.
    pub did_query: bool,
    /// Foreign key checks deferred to COMMIT.
    pub deferred_checks: Vec<crate::table::Deferred>,
    /// SET CONSTRAINTS: (ALL: None | a name, deferred), latest last.
    pub constraint_modes: Vec<(Option<String>, bool)>,
    /// NOTIFY and pg_notify: (channel, payload), sent at commit.
    pub notifies: parking_lot::Mutex<Vec<(String, String)>>,
    /// LISTEN (Some(true)), UNLISTEN (Some(false)) of a channel, or
    /// UNLISTEN * (None), applied at commit in order.
    pub listens: Vec<(Option<bool>, String)>,
}

impl Transaction {
    /// Whether constraint `name` (DEFERRABLE, INITIALLY DEFERRED when
    /// `initially`) is deferred now, after SET CONSTRAINTS.
    pub fn constraint_deferred(&self, name: &str, initially: bool) -> bool {
        self.constraint_modes
            .iter()
            .rev()
            .find(|(n, _)| n.as_deref().is_none_or(|n| n == name))
            .map_or(initially, |(_, deferred)| *deferred)
    }

    /// A new transaction.
    pub fn new(
        explicit: bool,
        isolation: Isolation,
        read_only: bool,
        settings: &Settings,
        started: i64,
    ) -> Self {
        Transaction {
            explicit,
            failed: false,
            top: None,
            released: Vec::new(),
            subs: Vec::new(),
            cid: 0,
            isolation,
            read_only,
            snapshot: None,
            creates: Vec::new(),
            drops: Vec::new(),
            locks: Vec::new(),
            catalog_changed: false,
            accessed_temp: false,
            filling: None,
            new_enum_labels: Default::default(),
            started,
            settings_at_start: settings.clone(),
            session_settings: settings.clone(),
            did_query: false,
            deferred_checks: Vec::new(),
            constraint_modes: Vec::new(),
            notifies: Default::default(),
            listens: Vec::new(),
        }
    }

    /// The xid new rows must be stamped with, if one is assigned: the
    /// innermost savepoint's, else the top's.
    pub fn current_xid(&self) -> Option<u32> {
        match self.subs.last() {
            Some(s) => s.xid,
            None => self.top,
        }
    }

    /// Which xids still need assigning before a write: (top missing,
    /// innermost savepoint missing).
    pub fn needs_xids(&self) -> (bool, bool) {
        (
            self.top.is_none(),
            self.subs.last().is_some_and(|s| s.xid.is_none()),
        )
    }

    /// Records newly assigned xids.
    pub fn set_xids(&mut self, top: Option<u32>, sub: Option<u32>) {
        if let Some(t) = top {
            self.top = Some(t);
        }
        if let (Some(x), Some(s)) = (sub, self.subs.last_mut()) {
            s.xid = Some(x);
        }
    }

    /// Every live xid, top first: what COMMIT commits.
    pub fn all_xids(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self.top.into_iter().collect();
        v.extend(self.released.iter().copied());
        for s in &self.subs {
            v.extend(s.xid);
            v.extend(s.released.iter().copied());
        }
        v
    }

    /// SAVEPOINT name.
    pub fn savepoint(&mut self, name: &str, settings: &Settings) {
        self.subs.push(Subxact {
            name: name.to_owned(),
            xid: None,
            released: Vec::new(),
            creates_mark: self.creates.len(),
            locks_mark: self.locks.len(),
            drops_mark: self.drops.len(),
            settings: settings.clone(),
            session_settings: self.session_settings.clone(),
        });
    }

    fn find(&self, name: &str) -> Result<usize> {
        self.subs
            .iter()
            .rposition(|s| s.name == name)
            .ok_or_else(|| {
                SqlError::new(
                    SqlState::INVALID_SAVEPOINT_SPECIFICATION,
                    format!("savepoint \"{name}\" does not exist"),
                )
            })
    }

    /// ROLLBACK TO name: returns what to undo. The savepoint stays, empty.
    pub fn rollback_to(&mut self, name: &str) -> Result<RolledBack> {
        let i = self.find(name)?;
        let mut xids = Vec::new();
        for s in &self.subs[i..] {
            xids.extend(s.xid);
            xids.extend(s.released.iter().copied());
        }
        self.subs.truncate(i + 1);
        let sp = &mut self.subs[i];
        sp.xid = None;
        sp.released.clear();
        let creates = self.creates.split_off(sp.creates_mark);
        self.drops.truncate(sp.drops_mark);
        let locks = self.locks.split_off(sp.locks_mark);
        self.session_settings = sp.session_settings.clone();
        self.failed = false;
        Ok(RolledBack {
            xids,
            creates,
            locks,
            settings: sp.settings.clone(),
        })
    }

    /// RELEASE name: the savepoint and those above it merge into the one
    /// below (or the top).
    pub fn release(&mut self, name: &str) -> Result<()> {
        let i = self.find(name)?;
        let mut xids = Vec::new();
        for s in self.subs.drain(i..) {
            xids.extend(s.xid);
            xids.extend(s.released);
        }
        match self.subs.last_mut() {
            Some(parent) => parent.released.extend(xids),
            None => self.released.extend(xids),
        }
        Ok(())
    }
}

/// What a ROLLBACK TO undoes.
#[derive(Debug)]
pub struct RolledBack {
    /// Xids of the savepoint and those above it: they abort.
    pub xids: Vec<u32>,
    /// Relation files they created: removed.
    pub creates: Vec<RelId>,
    /// Table locks they took: released.
    pub locks: Vec<(LockTag, LockMode)>,
    /// Settings as the savepoint began.
    pub settings: Settings,
}

impl OwnTxn for Transaction {
    fn is_own(&self, xid: u32) -> bool {
        self.top == Some(xid)
            || self.released.contains(&xid)
            || self
                .subs
                .iter()
                .any(|s| s.xid == Some(xid) || s.released.contains(&xid))
    }

    fn command_id(&self) -> u32 {
        self.cid
    }

    fn to_owned_txn(&self) -> OwnXids {
        OwnXids {
            xids: self.all_xids(),
            cid: self.cid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn() -> Transaction {
        Transaction::new(true, Isolation::ReadCommitted, false, &Settings::new(), 0)
    }

    #[test]
    fn savepoints_nest_release_and_roll_back() {
        let mut t = txn();
        t.set_xids(Some(10), None);
        t.savepoint("a", &Settings::new());
        t.set_xids(None, Some(11));
        t.savepoint("b", &Settings::new());
        t.set_xids(None, Some(12));
        assert_eq!(t.current_xid(), Some(12));
        t.release("b").unwrap();
        assert!(t.is_own(12), "released xids stay own");
        assert_eq!(t.all_xids(), vec![10, 11, 12]);
        let aborted = t.rollback_to("a").unwrap().xids;
        assert_eq!(aborted, vec![11, 12]);
        assert!(!t.is_own(11) && !t.is_own(12));
        assert_eq!(t.subs.len(), 1, "a stays after ROLLBACK TO");
        assert_eq!(t.needs_xids(), (false, true));
        assert!(t.rollback_to("nosuch").is_err());
        t.release("a").unwrap();
        assert_eq!(t.all_xids(), vec![10]);
    }
}
