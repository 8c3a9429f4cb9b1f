//! Engine tests: recovery after simulated crashes (dropping the engine
//! without a checkpoint loses every unwritten buffer, as kill -9 does),
//! torn pages, damaged WAL, concurrency, eviction, vacuum.

use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::{Interrupts, PAGE_SIZE};

use crate::lock::WaitPolicy;
use crate::page::{Tid, TUPLE_HEADER};
use crate::smgr::RelId;
use crate::xact::Snapshot;
use crate::{Actor, CheckpointKind, Engine, EngineConfig, Modify, StorageError};

use crate::xact::OwnXids as Me;

fn config(frames: usize) -> EngineConfig {
    EngineConfig {
        shared_buffers: frames,
        fsync: false,
        full_page_writes: true,
    }
}

fn fresh(frames: usize) -> (tempfile::TempDir, Arc<Engine>) {
    let tmp = tempfile::tempdir().unwrap();
    Engine::create(tmp.path(), false).unwrap();
    let e = Engine::open(tmp.path(), &config(frames)).unwrap();
    (tmp, e)
}

fn reopen(tmp: &tempfile::TempDir, frames: usize) -> Arc<Engine> {
    Engine::open(tmp.path(), &config(frames)).unwrap()
}

fn policy(i: &Interrupts) -> WaitPolicy<'_> {
    WaitPolicy {
        interrupts: i,
        deadlock_timeout: Duration::from_millis(100),
        lock_timeout: None,
    }
}

/// All rows of `rel` visible to a fresh snapshot (outside any transaction).
fn rows(e: &Engine, rel: RelId) -> Vec<Vec<u8>> {
    let snap = e.txns.snapshot(999);
    e.txns.release_snapshots(999);
    let me = Me {
        xids: vec![],
        cid: 0,
    };
    let mut scan = e.scan(rel).unwrap();
    let mut out = Vec::new();
    while scan.next_page(&snap, &me, &mut out).unwrap() {}
    let mut v: Vec<Vec<u8>> = out.into_iter().map(|t| t.data).collect();
    v.sort();
    v
}

fn new_table(e: &Engine) -> RelId {
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    let oid = e.new_oid().unwrap();
    let rel = e.create_relation(xid, 5, oid).unwrap();
    e.commit(1, &[xid], &[], true).unwrap();
    rel
}

fn insert_committed(e: &Engine, rel: RelId, values: &[&[u8]]) {
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    for v in values {
        e.heap_insert(rel, xid, 0, v, 100).unwrap();
    }
    e.commit(1, &[xid], &[], true).unwrap();
}

/// Deletes, in one committed transaction, the rows whose data `pick`
/// accepts (each delete must succeed at once).
fn delete_committed(e: &Engine, rel: RelId, pick: impl Fn(&[u8]) -> bool) {
    let i = Interrupts::new();
    let x = e.assign_xid(1, &policy(&i)).unwrap();
    let me = Me {
        xids: vec![x],
        cid: 0,
    };
    let who = Actor {
        xid: x,
        backend: 1,
        own: &me,
        wait: policy(&i),
    };
    let snap = e.txns.snapshot(1);
    let mut out = Vec::new();
    let mut scan = e.scan(rel).unwrap();
    while scan.next_page(&snap, &me, &mut out).unwrap() {}
    e.txns.release_snapshots(1);
    for t in out.iter().filter(|t| pick(&t.data)) {
        assert_eq!(
            e.heap_delete(rel, t.tid, &who).unwrap(),
            Modify::Done(t.tid)
        );
    }
    e.commit(1, &[x], &[], true).unwrap();
}

#[test]
fn clean_restart_keeps_rows() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"a", b"b"]);
    e.checkpoint(CheckpointKind::Shutdown).unwrap();
    drop(e);
    let e = reopen(&tmp, 64);
    assert!(e.recovery.clean);
    assert_eq!(rows(&e, rel), vec![b"a".to_vec(), b"b".to_vec()]);
}

#[test]
fn batch_inserts_fill_pages_and_survive_a_crash() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    // 3,000 rows of ~100 bytes: dozens of pages, one WAL record each.
    let want: Vec<Vec<u8>> = (0..3000u32)
        .map(|n| format!("{n:05}{}", "x".repeat(95)).into_bytes())
        .collect();
    let tuples = want
        .iter()
        .map(|d| {
            let mut t = vec![0u8; TUPLE_HEADER];
            t.extend_from_slice(d);
            t
        })
        .collect();
    let before = e.wal_insert_lsn();
    let tids = e.heap_insert_batch(rel, xid, 0, tuples, 100).unwrap();
    assert_eq!(tids.len(), want.len());
    let pages: std::collections::BTreeSet<u32> = tids.iter().map(|t| t.block).collect();
    assert!(
        pages.len() > 30 && pages.len() < 60,
        "{} pages",
        pages.len()
    );
    // Far less WAL than a page image per page.
    let wal = e.wal_insert_lsn() - before;
    assert!(wal < 400_000, "{wal} bytes of WAL");
    e.commit(1, &[xid], &[], true).unwrap();
    assert_eq!(e.heap_fetch(rel, tids[42]).unwrap().unwrap().data, want[42]);
    // Crash: the pages are rebuilt from the records alone.
    drop(e);
    let e = reopen(&tmp, 64);
    assert!(!e.recovery.clean);
    let mut sorted = want.clone();
    sorted.sort();
    assert_eq!(rows(&e, rel), sorted);
}

#[test]
fn crash_recovery_replays_committed_and_drops_uncommitted() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"committed-1", b"committed-2"]);
    // A transaction that wrote but never committed.
    let i = Interrupts::new();
    let xid = e.assign_xid(2, &policy(&i)).unwrap();
    e.heap_insert(rel, xid, 0, b"uncommitted", 100).unwrap();
    e.flush_wal(e.wal_insert_lsn()).unwrap();
    // Crash: no checkpoint, buffers never written.
    drop(e);
    let e = reopen(&tmp, 64);
    assert!(!e.recovery.clean);
    assert!(e.recovery.records > 0);
    assert_eq!(e.recovery.aborted, 1);
    assert_eq!(
        rows(&e, rel),
        vec![b"committed-1".to_vec(), b"committed-2".to_vec()]
    );
    // New transactions get fresh xids.
    assert!(e.txns.next_xid() > xid);
}

#[test]
fn unflushed_async_commits_may_vanish_but_never_half() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    e.heap_insert(rel, xid, 0, b"x", 100).unwrap();
    e.heap_insert(rel, xid, 0, b"y", 100).unwrap();
    e.commit(1, &[xid], &[], false).unwrap(); // synchronous_commit = off
    drop(e);
    let e = reopen(&tmp, 64);
    let r = rows(&e, rel);
    assert!(
        r.is_empty() || r == vec![b"x".to_vec(), b"y".to_vec()],
        "{r:?}"
    );
}

/// A page damaged after its last WAL record was checkpointed cannot be
/// repaired from the log: it must be reported, naming the block, never
/// used as if it were fine.
#[test]
fn a_damaged_page_with_no_later_wal_is_reported() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"first"]);
    e.checkpoint(CheckpointKind::Shutdown).unwrap();
    drop(e);
    let path = tmp.path().join("base/5").join(rel.rel.to_string());
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[PAGE_SIZE / 2..PAGE_SIZE] {
        *b = 0xAB;
    }
    std::fs::write(&path, &bytes).unwrap();
    let e = reopen(&tmp, 64);
    let snap = e.txns.snapshot(9);
    let me = Me {
        xids: vec![],
        cid: 0,
    };
    let mut scan = e.scan(rel).unwrap();
    let mut out = Vec::new();
    let err = scan.next_page(&snap, &me, &mut out).unwrap_err();
    assert!(
        matches!(err, StorageError::Corrupted(ref m) if m.contains("invalid page in block 0")),
        "{err:?}"
    );
}

#[test]
fn a_torn_page_after_the_redo_point_is_restored_by_replay() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"first"]);
    e.checkpoint(CheckpointKind::Immediate).unwrap();
    // After the checkpoint: the first change logs the whole page.
    insert_committed(&e, rel, &[b"second"]);
    insert_committed(&e, rel, &[b"third"]);
    // The buffer is written (e.g. evicted) and the write is torn, then
    // the server crashes before any checkpoint.
    e.pool.flush_buffer(e.pool.dirty_buffers()[0]).unwrap();
    drop(e);
    let path = tmp.path().join("base/5").join(rel.rel.to_string());
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[PAGE_SIZE / 2..PAGE_SIZE] {
        *b = 0xAB;
    }
    std::fs::write(&path, &bytes).unwrap();
    let e = reopen(&tmp, 64);
    assert_eq!(
        rows(&e, rel),
        vec![b"first".to_vec(), b"second".to_vec(), b"third".to_vec()]
    );
}

#[test]
fn new_pages_are_logged_by_their_first_insert_not_as_images() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    e.checkpoint(CheckpointKind::Immediate).unwrap();
    // 21 rows of 1,000 bytes: three new pages after the checkpoint.
    let row = vec![5u8; 1000];
    let before = e.wal_insert_lsn();
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    for _ in 0..21 {
        e.heap_insert(rel, xid, 0, &row, 100).unwrap();
    }
    e.commit(1, &[xid], &[], true).unwrap();
    assert_eq!(e.nblocks(rel).unwrap(), 3);
    let logged = e.wal_insert_lsn() - before;
    assert!(
        logged < 21 * 1100,
        "{logged} bytes of WAL: a new page needs no image (redo rebuilds it)"
    );
    // Every new page written torn, then a crash: replay rebuilds them
    // from their first insert on.
    for id in e.pool.dirty_buffers() {
        e.pool.flush_buffer(id).unwrap();
    }
    drop(e);
    let path = tmp.path().join("base/5").join(rel.rel.to_string());
    let mut bytes = std::fs::read(&path).unwrap();
    for page in bytes.chunks_mut(PAGE_SIZE) {
        for b in &mut page[PAGE_SIZE / 2..] {
            *b = 0xAB;
        }
    }
    std::fs::write(&path, &bytes).unwrap();
    let e = reopen(&tmp, 64);
    assert_eq!(rows(&e, rel), vec![row; 21]);
}

#[test]
fn a_corrupt_wal_tail_ends_replay_at_the_last_valid_record() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"kept"]);
    let before_last = e.wal_insert_lsn();
    insert_committed(&e, rel, &[b"torn"]);
    drop(e);
    // Damage the bytes of the last transaction's records.
    let seg = tmp.path().join("pg_wal").join(crate::wal::segment_name(
        before_last / crate::wal::SEGMENT_SIZE,
    ));
    let mut b = std::fs::read(&seg).unwrap();
    let off = (before_last % crate::wal::SEGMENT_SIZE) as usize + 30;
    b[off] ^= 0xff;
    std::fs::write(&seg, b).unwrap();
    let e = reopen(&tmp, 64);
    assert_eq!(rows(&e, rel), vec![b"kept".to_vec()]);
    // And the server goes on writing after the cut.
    insert_committed(&e, rel, &[b"after"]);
    drop(e);
    let e = reopen(&tmp, 64);
    assert_eq!(rows(&e, rel), vec![b"after".to_vec(), b"kept".to_vec()]);
}

#[test]
fn data_far_larger_than_the_pool() {
    let (tmp, e) = fresh(16);
    let rel = new_table(&e);
    let row = vec![7u8; 1000];
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    for _ in 0..2000 {
        e.heap_insert(rel, xid, 0, &row, 100).unwrap();
    }
    e.commit(1, &[xid], &[], true).unwrap();
    assert!(e.nblocks(rel).unwrap() > 200, "about 7 rows a page");
    assert_eq!(rows(&e, rel).len(), 2000);
    assert!(e.buffer_stats().evictions > 0);
    drop(e);
    let e = reopen(&tmp, 16);
    assert_eq!(rows(&e, rel).len(), 2000);
}

#[test]
fn concurrent_update_waits_then_sees_the_committed_change() {
    let (_tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"v0"]);
    let tid = Tid {
        block: 0,
        offset: 1,
    };
    let i = Interrupts::new();
    // Transaction A updates and holds its lock.
    let xa = e.assign_xid(10, &policy(&i)).unwrap();
    let me_a = Me {
        xids: vec![xa],
        cid: 0,
    };
    let who_a = Actor {
        xid: xa,
        backend: 10,
        own: &me_a,
        wait: policy(&i),
    };
    let Modify::Done(new_tid) = e.heap_update(rel, tid, b"v1", &who_a).unwrap() else {
        panic!()
    };
    // B tries to update the same version: it waits for A.
    let e2 = Arc::clone(&e);
    let b = std::thread::spawn(move || {
        let i = Interrupts::new();
        let xb = e2.assign_xid(11, &policy(&i)).unwrap();
        let me_b = Me {
            xids: vec![xb],
            cid: 0,
        };
        let who_b = Actor {
            xid: xb,
            backend: 11,
            own: &me_b,
            wait: policy(&i),
        };
        let r = e2.heap_update(rel, tid, b"v2", &who_b).unwrap();
        e2.abort(11, &[xb], &[], true).unwrap();
        r
    });
    e.commit(10, &[xa], &[], true).unwrap();
    assert_eq!(
        b.join().unwrap(),
        Modify::Updated {
            next: new_tid,
            xmax: xa
        }
    );
    assert_eq!(rows(&e, rel), vec![b"v1".to_vec()]);
}

#[test]
fn own_changes_and_self_modified() {
    let (_tmp, e) = fresh(64);
    let rel = new_table(&e);
    let i = Interrupts::new();
    let x = e.assign_xid(1, &policy(&i)).unwrap();
    let tid = e.heap_insert(rel, x, 0, b"a", 100).unwrap();
    let me = Me {
        xids: vec![x],
        cid: 1,
    };
    let who = Actor {
        xid: x,
        backend: 1,
        own: &me,
        wait: policy(&i),
    };
    let Modify::Done(t2) = e.heap_update(rel, tid, b"b", &who).unwrap() else {
        panic!()
    };
    // The same command cannot touch the old version again.
    assert_eq!(e.heap_delete(rel, tid, &who).unwrap(), Modify::SelfModified);
    // A later command sees only the new one and may delete it.
    let me2 = Me {
        xids: vec![x],
        cid: 2,
    };
    let snap = Snapshot {
        xmin: x,
        xmax: x + 1,
        xip: vec![x],
    };
    let mut out = Vec::new();
    e.scan(rel)
        .unwrap()
        .next_page(&snap, &me2, &mut out)
        .unwrap();
    assert_eq!(
        out.iter().map(|t| t.data.clone()).collect::<Vec<_>>(),
        vec![b"b".to_vec()]
    );
    let who2 = Actor {
        xid: x,
        backend: 1,
        own: &me2,
        wait: policy(&i),
    };
    assert_eq!(e.heap_delete(rel, t2, &who2).unwrap(), Modify::Done(t2));
    e.commit(1, &[x], &[], true).unwrap();
    assert!(rows(&e, rel).is_empty());
}

#[test]
fn updates_in_a_loop_do_not_grow_the_table() {
    let (_tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[&[0u8; 200]]);
    let i = Interrupts::new();
    let mut tid = Tid {
        block: 0,
        offset: 1,
    };
    for n in 0..2000u32 {
        let x = e.assign_xid(1, &policy(&i)).unwrap();
        let me = Me {
            xids: vec![x],
            cid: 0,
        };
        let who = Actor {
            xid: x,
            backend: 1,
            own: &me,
            wait: policy(&i),
        };
        let mut row = vec![0u8; 200];
        row[..4].copy_from_slice(&n.to_le_bytes());
        match e.heap_update(rel, tid, &row, &who).unwrap() {
            Modify::Done(t) => tid = t,
            other => panic!("{other:?}"),
        }
        e.commit(1, &[x], &[], true).unwrap();
    }
    assert_eq!(e.nblocks(rel).unwrap(), 1, "pruning kept it on one page");
    assert_eq!(rows(&e, rel).len(), 1);
}

#[test]
fn vacuum_reclaims_deleted_rows_for_new_inserts() {
    let (_tmp, e) = fresh(64);
    let rel = new_table(&e);
    let row = vec![1u8; 500];
    let vals: Vec<&[u8]> = (0..100).map(|_| &row[..]).collect();
    insert_committed(&e, rel, &vals);
    let size = e.nblocks(rel).unwrap();
    // Delete everything, vacuum, insert again: no growth.
    delete_committed(&e, rel, |_| true);
    let v = e.vacuum(rel).unwrap();
    assert_eq!((v.removed, v.remaining), (100, 0));
    insert_committed(&e, rel, &vals);
    assert_eq!(e.nblocks(rel).unwrap(), size);
}

#[test]
fn rows_larger_than_a_page_go_out_of_line_and_come_back_whole() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    // 50 kB of varied bytes: some 26 chunks of a row stored out of line.
    let big: Vec<u8> = (0..50_000u32).map(|n| (n * 7 % 251) as u8).collect();
    insert_committed(&e, rel, &[&big, b"small"]);
    let mut want = vec![big.clone(), b"small".to_vec()];
    want.sort();
    // Scans hand out whole rows and skip the chunks.
    assert_eq!(rows(&e, rel), want);
    assert!(e.nblocks(rel).unwrap() > 5);
    // Fetch by tid, as index scans do (chunks fetch as nothing).
    let fetched = (0..e.nblocks(rel).unwrap())
        .flat_map(|b| {
            (1..8).map(move |o| Tid {
                block: b,
                offset: o,
            })
        })
        .filter_map(|t| e.heap_fetch(rel, t).unwrap())
        .map(|t| t.data)
        .collect::<Vec<_>>();
    assert!(fetched.contains(&big));
    assert_eq!(fetched.len(), 2, "only the rows, not their chunks");
    // Crash: replay rebuilds the chunks and the row.
    drop(e);
    let e = reopen(&tmp, 64);
    assert_eq!(rows(&e, rel), want);
    // Deleted and vacuumed: the chunks go with the row.
    delete_committed(&e, rel, |data| data == big);
    let stats = e.vacuum(rel).unwrap();
    assert!(stats.removed > 20, "{stats:?}");
    assert_eq!(rows(&e, rel), vec![b"small".to_vec()]);
}

#[test]
fn dropped_relations_are_removed_at_commit_and_after_replay() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"x"]);
    let i = Interrupts::new();
    let x = e.assign_xid(1, &policy(&i)).unwrap();
    e.commit(1, &[x], &[rel], true).unwrap();
    let path = tmp.path().join("base/5").join(rel.rel.to_string());
    assert!(!path.exists());
    drop(e);
    let _e = reopen(&tmp, 64);
    assert!(!path.exists(), "replay does not resurrect it");
}

#[test]
fn a_failed_wal_fsync_stops_the_engine_and_loses_no_acknowledged_commit() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"acknowledged"]);
    e.wal
        .fail_sync
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    e.heap_insert(rel, xid, 0, b"never acknowledged", 100)
        .unwrap();
    // The commit cannot be made durable: an error, never an acknowledgement.
    let err = e.commit(1, &[xid], &[], true).unwrap_err();
    assert!(
        matches!(err, StorageError::Panic(ref m) if m.contains("injected")),
        "{err:?}"
    );
    assert!(e.is_broken());
    // Nothing goes on as if nothing happened.
    let again = e
        .assign_xid(2, &policy(&i))
        .and_then(|x| e.heap_insert(rel, x, 0, b"later", 100));
    assert!(
        matches!(again, Err(StorageError::Panic(ref m)) if m.contains("restart to recover")),
        "{again:?}"
    );
    drop(e);
    let e = reopen(&tmp, 64);
    let got = rows(&e, rel);
    assert!(got.contains(&b"acknowledged".to_vec()), "{got:?}");
    assert!(!got.contains(&b"later".to_vec()));
}

#[test]
fn a_full_disk_during_a_checkpoint_stops_the_engine_and_recovery_repairs_it() {
    let (tmp, e) = fresh(64);
    let rel = new_table(&e);
    insert_committed(&e, rel, &[b"one", b"two"]);
    e.smgr
        .fail_writes
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let err = e.checkpoint(CheckpointKind::Immediate).unwrap_err();
    assert!(
        matches!(err, StorageError::Panic(ref m) if m.contains("No space left on device") && m.contains("base/5/")),
        "the message names the file: {err:?}"
    );
    assert!(e.is_broken());
    drop(e);
    // The WAL still has both rows; replay writes them.
    let e = reopen(&tmp, 64);
    assert_eq!(rows(&e, rel), vec![b"one".to_vec(), b"two".to_vec()]);
}

fn index_for(e: &Engine, heap: RelId) -> RelId {
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    let oid = e.new_oid().unwrap();
    let index = e.create_relation(xid, 5, oid).unwrap();
    e.index_create(xid, index, heap).unwrap();
    e.commit(1, &[xid], &[], true).unwrap();
    index
}

fn index_all(
    e: &Engine,
    index: RelId,
    lo: std::ops::Bound<Vec<u8>>,
    hi: std::ops::Bound<Vec<u8>>,
) -> Vec<(Tid, u32)> {
    let mut cur = crate::btree::IndexCursor::new(lo, hi);
    let mut out = Vec::new();
    while e.index_next_batch(index, &mut cur, &mut out).unwrap() {}
    out
}

#[test]
fn btree_splits_scans_in_order_and_survives_a_crash() {
    use std::ops::Bound::*;
    let (tmp, e) = fresh(32);
    let heap = new_table(&e);
    let index = index_for(&e, heap);
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    // 20,000 keys in a scrambled order, 40 bytes each: hundreds of leaves,
    // a three-level tree, far more pages than the 32 buffers.
    let n = 20_000u32;
    let mut keys = Vec::new();
    for k in 0..n {
        let k = (k * 7919) % n;
        let mut key = k.to_be_bytes().to_vec();
        key.resize(40, b'x');
        let tid = e.heap_insert(heap, xid, 0, &key, 100).unwrap();
        let r = e.index_insert(index, &key, tid, xid, None).unwrap();
        assert_eq!(r, crate::btree::UniqueCheck::Inserted);
        keys.push((key, tid));
    }
    e.commit(1, &[xid], &[], true).unwrap();
    keys.sort();
    let expect: Vec<Tid> = keys.iter().map(|(_, t)| *t).collect();
    let all = index_all(&e, index, Unbounded, Unbounded);
    assert_eq!(all.iter().map(|(t, _)| *t).collect::<Vec<_>>(), expect);
    // Ranges read as prefixes.
    let k100 = 100u32.to_be_bytes().to_vec();
    let k200 = 200u32.to_be_bytes().to_vec();
    assert_eq!(
        index_all(&e, index, Included(k100.clone()), Included(k100.clone())).len(),
        1
    );
    assert_eq!(
        index_all(&e, index, Included(k100.clone()), Excluded(k200.clone())).len(),
        100
    );
    assert_eq!(
        index_all(&e, index, Excluded(k100.clone()), Included(k200.clone())).len(),
        100
    );
    // Backward scans give the same entries in reverse, bounds included.
    let back = |lo: std::ops::Bound<Vec<u8>>, hi: std::ops::Bound<Vec<u8>>| {
        let mut cur = crate::btree::IndexCursor::backward(lo, hi);
        let mut out = Vec::new();
        while e.index_next_batch(index, &mut cur, &mut out).unwrap() {}
        out
    };
    let mut rev = all.clone();
    rev.reverse();
    assert_eq!(back(Unbounded, Unbounded), rev);
    let mut part = index_all(&e, index, Excluded(k100.clone()), Included(k200.clone()));
    part.reverse();
    assert_eq!(back(Excluded(k100.clone()), Included(k200.clone())), part);
    let mut part = index_all(&e, index, Included(k100.clone()), Excluded(k200.clone()));
    part.reverse();
    assert_eq!(back(Included(k100.clone()), Excluded(k200.clone())), part);
    // Crash without a checkpoint: redo rebuilds the same tree.
    drop(e);
    let e = reopen(&tmp, 32);
    let after = index_all(&e, index, Unbounded, Unbounded);
    assert_eq!(after.iter().map(|(t, _)| *t).collect::<Vec<_>>(), expect);
}

#[test]
fn unique_insert_waits_for_the_other_inserter() {
    let (_tmp, e) = fresh(64);
    let heap = new_table(&e);
    let index = index_for(&e, heap);
    let i = Interrupts::new();
    let key = b"k".to_vec();
    // Session 1 inserts the key and keeps its transaction open.
    let x1 = e.assign_xid(1, &policy(&i)).unwrap();
    let me1 = Me {
        xids: vec![x1],
        cid: 1,
    };
    let who1 = Actor {
        xid: x1,
        backend: 1,
        own: &me1,
        wait: policy(&i),
    };
    let t1 = e.heap_insert(heap, x1, 0, &key, 100).unwrap();
    e.index_insert(index, &key, t1, x1, Some(&who1)).unwrap();
    // Session 2 inserts the same key: it waits until session 1 ends.
    let e2 = Arc::clone(&e);
    let k2 = key.clone();
    let second = std::thread::spawn(move || {
        let i = Interrupts::new();
        let x2 = e2.assign_xid(2, &policy(&i)).unwrap();
        let me2 = Me {
            xids: vec![x2],
            cid: 1,
        };
        let who2 = Actor {
            xid: x2,
            backend: 2,
            own: &me2,
            wait: policy(&i),
        };
        let t2 = e2.heap_insert(heap, x2, 0, &k2, 100).unwrap();
        let r = e2.index_insert(index, &k2, t2, x2, Some(&who2));
        e2.commit(2, &[x2], &[], true).unwrap();
        (r.unwrap(), std::time::Instant::now())
    });
    // Session 2 is blocked on session 1's transaction lock.
    while !e.locks.is_waiting(2) {
        std::thread::yield_now();
    }
    let aborted_at = std::time::Instant::now();
    e.abort(1, &[x1], &[], true).unwrap();
    let (r, finished) = second.join().unwrap();
    // Session 1 rolled back, so session 2's insert went in after it.
    assert_eq!(r, crate::btree::UniqueCheck::Inserted);
    assert!(finished >= aborted_at);
    // A third insert of the key now meets session 2's committed row.
    let x3 = e.assign_xid(3, &policy(&i)).unwrap();
    let me3 = Me {
        xids: vec![x3],
        cid: 1,
    };
    let who3 = Actor {
        xid: x3,
        backend: 3,
        own: &me3,
        wait: policy(&i),
    };
    let t3 = e.heap_insert(heap, x3, 0, &key, 100).unwrap();
    assert!(matches!(
        e.index_insert(index, &key, t3, x3, Some(&who3)).unwrap(),
        crate::btree::UniqueCheck::Duplicate(_)
    ));
    e.abort(3, &[x3], &[], true).unwrap();
}

#[test]
fn stale_entries_are_skipped_and_vacuumed() {
    use std::ops::Bound::*;
    let (_tmp, e) = fresh(64);
    let heap = new_table(&e);
    let index = index_for(&e, heap);
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    let mut tids = Vec::new();
    for k in 0..100u8 {
        let tid = e.heap_insert(heap, xid, 0, &[k], 100).unwrap();
        e.index_insert(index, &[k], tid, xid, None).unwrap();
        tids.push(tid);
    }
    e.commit(1, &[xid], &[], true).unwrap();
    // Delete half and vacuum the heap: their slots are freed.
    let x2 = e.assign_xid(1, &policy(&i)).unwrap();
    let me = Me {
        xids: vec![x2],
        cid: 0,
    };
    let who = Actor {
        xid: x2,
        backend: 1,
        own: &me,
        wait: policy(&i),
    };
    for t in tids.iter().step_by(2) {
        assert_eq!(e.heap_delete(heap, *t, &who).unwrap(), Modify::Done(*t));
    }
    e.commit(1, &[x2], &[], true).unwrap();
    e.vacuum(heap).unwrap();
    let snap = e.txns.snapshot(9);
    e.txns.release_snapshots(9);
    let none = Me {
        xids: vec![],
        cid: 0,
    };
    let seen = index_all(&e, index, Unbounded, Unbounded)
        .into_iter()
        .filter(|(t, x)| e.index_fetch(heap, *t, *x, &snap, &none).unwrap().is_some())
        .count();
    assert_eq!(seen, 50);
    assert_eq!(e.index_vacuum(index).unwrap(), 50);
    assert_eq!(index_all(&e, index, Unbounded, Unbounded).len(), 50);
}

#[test]
fn an_entry_for_a_reused_slot_replaces_the_stale_one() {
    use std::ops::Bound::*;
    let (tmp, e) = fresh(64);
    let heap = new_table(&e);
    let index = index_for(&e, heap);
    // One key over many leaves, then every (key, tid) again with a new
    // xmin, as when freed slots take new versions of the same key.
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    let tids: Vec<Tid> = (0..3000u32)
        .map(|n| e.heap_insert(heap, xid, 0, &n.to_le_bytes(), 100).unwrap())
        .collect();
    for t in &tids {
        e.index_insert(index, b"same key", *t, xid, None).unwrap();
    }
    e.commit(1, &[xid], &[], true).unwrap();
    let x2 = e.assign_xid(1, &policy(&i)).unwrap();
    for t in &tids {
        e.index_insert(index, b"same key", *t, x2, None).unwrap();
    }
    e.commit(1, &[x2], &[], true).unwrap();
    let scan = |e: &Engine| {
        let key = b"same key".to_vec();
        let mut cur = crate::btree::IndexCursor::new(Included(key.clone()), Included(key));
        let mut out = Vec::new();
        let mut batches = 0;
        while e.index_next_batch(index, &mut cur, &mut out).unwrap() {
            batches += 1;
            assert!(batches < 1000, "the scan does not advance");
        }
        out
    };
    let want: Vec<(Tid, u32)> = tids.iter().map(|t| (*t, x2)).collect();
    let same = |got: Vec<(Tid, u32)>| {
        assert_eq!(got.len(), want.len());
        assert!(
            got == want,
            "{:?}",
            got.iter().zip(&want).find(|(a, b)| a != b)
        );
    };
    same(scan(&e));
    drop(e);
    same(scan(&reopen(&tmp, 64)));
}

#[test]
fn bulk_loaded_btree_matches_its_input_takes_inserts_and_survives_a_crash() {
    use std::ops::Bound::*;
    let (tmp, e) = fresh(32);
    let heap = new_table(&e);
    let index = index_for(&e, heap);
    let i = Interrupts::new();
    let xid = e.assign_xid(1, &policy(&i)).unwrap();
    // 50,000 sorted entries with 60-byte keys: ~420 leaves, three levels.
    let n = 50_000u32;
    let mut entries = Vec::new();
    for k in 0..n {
        let mut key = k.to_be_bytes().to_vec();
        key.resize(60, b'k');
        let tid = e.heap_insert(heap, xid, 0, &key, 100).unwrap();
        entries.push((key, tid, xid));
    }
    let mut it = entries.clone().into_iter();
    e.index_load::<StorageError>(xid, index, &mut || Ok(it.next()))
        .unwrap();
    e.commit(1, &[xid], &[], true).unwrap();
    let tids: Vec<Tid> = entries.iter().map(|(_, t, _)| *t).collect();
    let all = index_all(&e, index, Unbounded, Unbounded);
    assert_eq!(all.iter().map(|(t, _)| *t).collect::<Vec<_>>(), tids);
    let k = 31_337u32.to_be_bytes().to_vec();
    let hit = index_all(&e, index, Included(k.clone()), Included(k));
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].0, tids[31_337]);
    // Emptied leaves (half the keys deleted and vacuumed away) are
    // stepped over both ways.
    let xd = e.assign_xid(1, &policy(&i)).unwrap();
    let med = Me {
        xids: vec![xd],
        cid: 0,
    };
    let whod = Actor {
        xid: xd,
        backend: 1,
        own: &med,
        wait: policy(&i),
    };
    for t in &tids[10_000..35_000] {
        e.heap_delete(heap, *t, &whod).unwrap();
    }
    e.commit(1, &[xd], &[], true).unwrap();
    e.vacuum(heap).unwrap();
    assert_eq!(e.index_vacuum(index).unwrap(), 25_000);
    let fwd = index_all(&e, index, Unbounded, Unbounded);
    assert_eq!(fwd.len(), 25_000);
    let mut cur = crate::btree::IndexCursor::backward(Unbounded, Unbounded);
    let mut bwd = Vec::new();
    while e.index_next_batch(index, &mut cur, &mut bwd).unwrap() {}
    bwd.reverse();
    assert_eq!(bwd, fwd);
    // Inserts after the load split the packed pages as usual.
    let x2 = e.assign_xid(1, &policy(&i)).unwrap();
    for k in (0..n).step_by(7) {
        let mut key = k.to_be_bytes().to_vec();
        key.resize(60, b'j');
        let tid = e.heap_insert(heap, x2, 0, &key, 100).unwrap();
        e.index_insert(index, &key, tid, x2, None).unwrap();
    }
    e.commit(1, &[x2], &[], true).unwrap();
    let before = index_all(&e, index, Unbounded, Unbounded);
    assert_eq!(before.len(), 25_000 + (n as usize).div_ceil(7));
    drop(e);
    let e = reopen(&tmp, 32);
    assert_eq!(index_all(&e, index, Unbounded, Unbounded), before);
}
