//! Transactions: ids, the set of running transactions, snapshots and the
//! visibility rules (PostgreSQL's procarray.c and heapam_visibility.c).
//!
//! ```text
//! snapshot = { xmin, xmax, xip[] }: every xid < xmin finished before it,
//! every xid >= xmax started after it, xip lists those running at it.
//!
//!   xmin ≤ xid < xmax, xid ∉ xip  → finished: look it up in the clog
//!   xid ∈ xip or xid ≥ xmax        → invisible as if still running
//! ```
//!
//! Rules:
//! 1. Commit: WAL commit record flushed → clog committed → removed from
//!    the running set → locks released. A reader never sees a transaction
//!    as finished before its commit is durable.
//! 2. A transaction's own changes are visible to its later commands
//!    (command ids), never to earlier ones; rolled-back subtransactions'
//!    changes are invisible to everybody.
//! 3. A tuple deleted by a transaction that committed before every live
//!    snapshot ([`TxnManager::oldest_xmin`]) is dead to all: pruning and
//!    VACUUM may reclaim it.

use std::collections::{BTreeSet, HashMap};

use parking_lot::Mutex;

use crate::clog::{Clog, XidStatus, FIRST_NORMAL_XID};
use crate::page::TupleHeader;

/// A snapshot of which transactions had finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Every xid below it had finished.
    pub xmin: u32,
    /// Every xid at or above it had not started.
    pub xmax: u32,
    /// Running at snapshot time, sorted.
    pub xip: Vec<u32>,
}

impl Snapshot {
    /// True if `xid` counts as still running for this snapshot.
    pub fn in_progress(&self, xid: u32) -> bool {
        xid >= self.xmax || (xid >= self.xmin && self.xip.binary_search(&xid).is_ok())
    }
}

/// What the current transaction knows about itself: its xids (top and
/// live subtransactions) and its current command id.
pub trait OwnTxn {
    /// True if `xid` is this transaction's (and not rolled back).
    fn is_own(&self, xid: u32) -> bool;
    /// The command id of the statement running now.
    fn command_id(&self) -> u32;
    /// The same answers, owned: what a parallel worker reads with.
    fn to_owned_txn(&self) -> OwnXids;
}

/// A transaction's xids and command id, copied out of it: parallel
/// workers and tests read with this.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnXids {
    /// The top transaction's and live subtransactions' xids.
    pub xids: Vec<u32>,
    /// The command id of the statement running now.
    pub cid: u32,
}

impl OwnTxn for OwnXids {
    fn is_own(&self, xid: u32) -> bool {
        self.xids.contains(&xid)
    }
    fn command_id(&self) -> u32 {
        self.cid
    }
    fn to_owned_txn(&self) -> OwnXids {
        self.clone()
    }
}

/// No transaction: for readers outside any (tests, catalog bootstrap).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTxn;

impl OwnTxn for NoTxn {
    fn is_own(&self, _: u32) -> bool {
        false
    }
    fn command_id(&self) -> u32 {
        0
    }
    fn to_owned_txn(&self) -> OwnXids {
        OwnXids::default()
    }
}

/// HeapTupleSatisfiesMVCC: is this tuple version visible?
pub fn visible(t: &TupleHeader, snap: &Snapshot, own: &dyn OwnTxn, clog: &Clog) -> bool {
    let cid = own.command_id();
    // Was the insert visible?
    if own.is_own(t.xmin) {
        if t.cmin >= cid {
            return false; // inserted by this or a later command
        }
    } else if snap.in_progress(t.xmin) || clog.get(t.xmin) != XidStatus::Committed {
        return false;
    }
    // Is the delete visible?
    if t.xmax == 0 || t.lock_only() {
        return true;
    }
    if own.is_own(t.xmax) {
        return t.cmax >= cid; // deleted by this or a later command: still visible
    }
    if snap.in_progress(t.xmax) {
        return true;
    }
    clog.get(t.xmax) != XidStatus::Committed
}

/// What an UPDATE or DELETE finds when it reaches a tuple version
/// (HeapTupleSatisfiesUpdate's TM_Result).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateCheck {
    /// Free to update, delete or lock.
    Ok,
    /// Not visible to this command at all.
    Invisible,
    /// Already updated or deleted by this transaction.
    SelfModified,
    /// Another running transaction holds it: wait for this xid.
    BeingModified(u32),
    /// A committed transaction updated or deleted it.
    Updated,
}

/// HeapTupleSatisfiesUpdate, against the current state (not a snapshot).
pub fn check_update(
    t: &TupleHeader,
    own: &dyn OwnTxn,
    clog: &Clog,
    running: &dyn Fn(u32) -> bool,
) -> UpdateCheck {
    let cid = own.command_id();
    if own.is_own(t.xmin) {
        if t.cmin >= cid {
            return UpdateCheck::Invisible;
        }
    } else {
        match clog.get(t.xmin) {
            XidStatus::Committed => {}
            // Aborted, running elsewhere, or crashed: not ours to touch.
            XidStatus::Aborted | XidStatus::InProgress => return UpdateCheck::Invisible,
        }
    }
    if t.xmax == 0 {
        return UpdateCheck::Ok;
    }
    if own.is_own(t.xmax) {
        if t.lock_only() {
            return UpdateCheck::Ok;
        }
        return UpdateCheck::SelfModified;
    }
    match clog.get(t.xmax) {
        XidStatus::Aborted => UpdateCheck::Ok,
        XidStatus::Committed if t.lock_only() => UpdateCheck::Ok,
        XidStatus::Committed => UpdateCheck::Updated,
        XidStatus::InProgress if running(t.xmax) => UpdateCheck::BeingModified(t.xmax),
        // Crashed before recovery marked it: treat as aborted.
        XidStatus::InProgress => UpdateCheck::Ok,
    }
}

/// Whether a tuple can be reclaimed: dead to every snapshot that exists
/// or will exist (HeapTupleSatisfiesVacuum's DEAD).
pub fn dead_to_all(t: &TupleHeader, oldest_xmin: u32, clog: &Clog) -> bool {
    match clog.get(t.xmin) {
        XidStatus::Aborted => return t.xmin >= FIRST_NORMAL_XID,
        XidStatus::InProgress => return false,
        XidStatus::Committed => {}
    }
    t.xmax != 0
        && !t.lock_only()
        && t.xmax < oldest_xmin
        && clog.get(t.xmax) == XidStatus::Committed
}

struct State {
    /// Next xid to hand out.
    next_xid: u32,
    /// Running xids (top and sub).
    running: BTreeSet<u32>,
    /// Per backend: the xmin of the oldest snapshot it still uses.
    xmins: HashMap<i32, u32>,
}

/// The running transactions and the commit log.
pub struct TxnManager {
    /// Statuses.
    pub clog: Clog,
    /// Running set and counters.
    state: Mutex<State>,
}

impl TxnManager {
    /// A manager whose next xid is `next_xid`.
    pub fn new(clog: Clog, next_xid: u32) -> TxnManager {
        TxnManager {
            clog,
            state: Mutex::new(State {
                next_xid: next_xid.max(FIRST_NORMAL_XID),
                running: BTreeSet::new(),
                xmins: HashMap::new(),
            }),
        }
    }

    /// Hands out a new xid and marks it running.
    pub fn assign_xid(&self) -> u32 {
        let mut s = self.state.lock();
        let xid = s.next_xid;
        s.next_xid += 1;
        s.running.insert(xid);
        xid
    }

    /// The next xid that would be handed out.
    pub fn next_xid(&self) -> u32 {
        self.state.lock().next_xid
    }

    /// A new snapshot; also records it as `backend`'s oldest if it has
    /// none yet.
    pub fn snapshot(&self, backend: i32) -> Snapshot {
        let mut s = self.state.lock();
        let xmax = s.next_xid;
        let xip: Vec<u32> = s.running.iter().copied().collect();
        let xmin = xip.first().copied().unwrap_or(xmax);
        s.xmins.entry(backend).or_insert(xmin);
        Snapshot { xmin, xmax, xip }
    }

    /// A snapshot that is not recorded for any backend: for catalog
    /// lookups, which finish before anything they read could be pruned
    /// (the relation lock or the caller's own snapshot protects it).
    pub fn peek_snapshot(&self) -> Snapshot {
        let s = self.state.lock();
        let xmax = s.next_xid;
        let xip: Vec<u32> = s.running.iter().copied().collect();
        let xmin = xip.first().copied().unwrap_or(xmax);
        Snapshot { xmin, xmax, xip }
    }

    /// Forgets `backend`'s snapshots (end of transaction, or end of a READ
    /// COMMITTED statement).
    pub fn release_snapshots(&self, backend: i32) {
        self.state.lock().xmins.remove(&backend);
    }

    /// True if `xid` is running.
    pub fn is_running(&self, xid: u32) -> bool {
        self.state.lock().running.contains(&xid)
    }

    /// Commits `xids` (top and subtransactions) after their commit record
    /// is durable (rule 1).
    pub fn commit(&self, xids: &[u32]) {
        for x in xids {
            self.clog.set(*x, XidStatus::Committed);
        }
        let mut s = self.state.lock();
        for x in xids {
            s.running.remove(x);
        }
    }

    /// Aborts `xids`.
    pub fn abort(&self, xids: &[u32]) {
        for x in xids {
            self.clog.set(*x, XidStatus::Aborted);
        }
        let mut s = self.state.lock();
        for x in xids {
            s.running.remove(x);
        }
    }

    /// The oldest xmin any snapshot may still use (rule 3).
    pub fn oldest_xmin(&self) -> u32 {
        let s = self.state.lock();
        let mut m = s.next_xid;
        if let Some(r) = s.running.first() {
            m = m.min(*r);
        }
        for x in s.xmins.values() {
            m = m.min(*x);
        }
        m
    }

    /// Sets the next xid after recovery.
    pub fn advance_next_xid(&self, next: u32) {
        let mut s = self.state.lock();
        s.next_xid = s.next_xid.max(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use OwnXids as Me;

    fn clog() -> (tempfile::TempDir, Clog) {
        let tmp = tempfile::tempdir().unwrap();
        let c = Clog::load(tmp.path()).unwrap();
        (tmp, c)
    }

    fn t(xmin: u32, xmax: u32) -> TupleHeader {
        TupleHeader {
            xmin,
            xmax,
            cmin: 0,
            cmax: 0,
            ..Default::default()
        }
    }

    /// The visibility table: (tuple, who's asking) → visible?
    #[test]
    fn visibility_table() {
        let (_d, clog) = clog();
        // 10 committed, 11 aborted, 12 running, 20 committed after the snapshot.
        clog.set(10, XidStatus::Committed);
        clog.set(11, XidStatus::Aborted);
        clog.set(20, XidStatus::Committed);
        let snap = Snapshot {
            xmin: 12,
            xmax: 15,
            xip: vec![12],
        };
        let other = Me {
            xids: vec![50],
            cid: 0,
        };
        let cases = [
            (t(10, 0), true, "committed insert"),
            (t(11, 0), false, "aborted insert"),
            (t(12, 0), false, "insert by a running transaction"),
            (
                t(20, 0),
                false,
                "insert committed after the snapshot (dirty read never)",
            ),
            (t(10, 11), true, "delete by an aborted transaction"),
            (t(10, 12), true, "delete by a running transaction"),
            (
                t(10, 20),
                true,
                "delete committed after the snapshot (repeatable)",
            ),
            (t(1, 10), false, "committed delete"),
        ];
        for (tuple, want, what) in cases {
            assert_eq!(visible(&tuple, &snap, &other, &clog), want, "{what}");
        }
        // Own changes: visible to later commands only.
        let me = Me {
            xids: vec![12],
            cid: 3,
        };
        let mut mine = t(12, 0);
        mine.cmin = 2;
        assert!(visible(&mine, &snap, &me, &clog), "own earlier insert");
        mine.cmin = 3;
        assert!(
            !visible(&mine, &snap, &me, &clog),
            "own insert by this command"
        );
        let mut deleted = t(10, 12);
        deleted.cmax = 2;
        assert!(!visible(&deleted, &snap, &me, &clog), "own earlier delete");
        deleted.cmax = 3;
        assert!(
            visible(&deleted, &snap, &me, &clog),
            "own delete by this command"
        );
        // A lock is not a delete.
        let mut locked = t(10, 12);
        locked.infomask = crate::page::infomask::XMAX_LOCK_ONLY;
        assert!(visible(&locked, &snap, &other, &clog));
    }

    #[test]
    fn update_checks() {
        let (_d, clog) = clog();
        clog.set(10, XidStatus::Committed);
        clog.set(11, XidStatus::Aborted);
        clog.set(13, XidStatus::Committed);
        let me = Me {
            xids: vec![30],
            cid: 1,
        };
        let running = |x: u32| x == 12;
        assert_eq!(
            check_update(&t(10, 0), &me, &clog, &running),
            UpdateCheck::Ok
        );
        assert_eq!(
            check_update(&t(10, 11), &me, &clog, &running),
            UpdateCheck::Ok
        );
        assert_eq!(
            check_update(&t(10, 12), &me, &clog, &running),
            UpdateCheck::BeingModified(12)
        );
        assert_eq!(
            check_update(&t(10, 13), &me, &clog, &running),
            UpdateCheck::Updated
        );
        assert_eq!(
            check_update(&t(10, 30), &me, &clog, &running),
            UpdateCheck::SelfModified
        );
        assert_eq!(
            check_update(&t(11, 0), &me, &clog, &running),
            UpdateCheck::Invisible
        );
        // A crashed xmax (in progress but not running) does not block.
        assert_eq!(
            check_update(&t(10, 14), &me, &clog, &running),
            UpdateCheck::Ok
        );
    }

    #[test]
    fn snapshots_and_oldest_xmin() {
        let (_d, clog) = clog();
        let m = TxnManager::new(clog, FIRST_NORMAL_XID);
        let a = m.assign_xid();
        let b = m.assign_xid();
        let s = m.snapshot(1);
        assert_eq!((s.xmin, s.xmax, s.xip.clone()), (a, b + 1, vec![a, b]));
        assert!(s.in_progress(a) && s.in_progress(b + 5));
        m.commit(&[a]);
        assert_eq!(m.clog.get(a), XidStatus::Committed);
        assert!(!m.is_running(a));
        assert_eq!(m.oldest_xmin(), a, "backend 1's snapshot still needs a");
        m.release_snapshots(1);
        assert_eq!(m.oldest_xmin(), b);
        m.abort(&[b]);
        assert_eq!(m.oldest_xmin(), b + 1);
        assert!(dead_to_all(&t(a, a), b + 1, &m.clog));
        assert!(
            dead_to_all(&t(b, 0), b + 1, &m.clog),
            "aborted inserts are dead"
        );
        assert!(!dead_to_all(&t(a, 0), b + 1, &m.clog));
    }
}
