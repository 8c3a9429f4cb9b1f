//! Heap access: insert, delete, update, fetch, scan, prune and vacuum
//! (PostgreSQL's heapam.c and pruneheap.c, without indexes).
//!
//! Rules:
//! 1. Every page change happens under the page's exclusive content lock
//!    and is WAL-logged before the lock is released; the page's LSN is the
//!    end of its last record. The first change after a checkpoint logs the
//!    whole page ([`Engine::log_change`]).
//! 2. UPDATE and DELETE follow heap_update: a version being changed by a
//!    running transaction is waited for (its xid lock); one changed by a
//!    committed transaction is reported ([`Modify::Updated`] with the
//!    newer version), and the caller decides (READ COMMITTED follows it,
//!    REPEATABLE READ fails with 40001).
//! 3. When an update's new version does not fit on the old page, the old
//!    version is first locked (xmax with the lock-only bit), the new one
//!    placed elsewhere, then the old one pointed at it: no two page locks
//!    are ever held at once, so page locks cannot deadlock.
//! 4. Pruning removes versions dead to every snapshot and compacts the
//!    page; it runs when an update finds its page full and in VACUUM.
//! 5. A row too large for a page (PostgreSQL would TOAST it) is stored out
//!    of line: its data in chunk tuples of about 2 kB (four to a page)
//!    chained by tid and marked [`infomask::CHUNK`], and on the row's own
//!    tuple, marked [`infomask::HAS_OVERFLOW`], the data's length and the
//!    first chunk's tid. Chunks carry the row's xmin, and get its xmax
//!    when the row is deleted or updated, so pruning removes them with it
//!    (and those of an aborted insert at once). Scans skip chunks and hand
//!    out the row's whole data; chunks are read, and stamped, only after
//!    the row's page is released (rule 3 holds).

use actorgres_memory::{Page, ReadMode, PAGE_SIZE};

use crate::engine::{Engine, Result, StorageError};
use crate::lock::WaitPolicy;
use crate::page::{self, infomask, Tid, TupleHeader, MAX_TUPLE, TUPLE_HEADER};
use crate::smgr::RelId;
use crate::wal::WalRecord;
use crate::xact::{check_update, dead_to_all, visible, OwnTxn, Snapshot, UpdateCheck};

/// A tuple version read from a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeapTuple {
    /// Where it is.
    pub tid: Tid,
    /// Its MVCC header.
    pub header: TupleHeader,
    /// Its data.
    pub data: Vec<u8>,
}

/// Who is changing a row: the (sub)transaction and how to wait.
pub struct Actor<'a> {
    /// The xid to stamp (the current subtransaction's).
    pub xid: u32,
    /// The backend (lock owner).
    pub backend: i32,
    /// The transaction's own xids and command id.
    pub own: &'a dyn OwnTxn,
    /// How to wait for other transactions.
    pub wait: WaitPolicy<'a>,
}

/// The outcome of DELETE or UPDATE on one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modify {
    /// Done; for an update the new version's tid, for a delete the row's.
    Done(Tid),
    /// The version is not visible to this command any more.
    Invisible,
    /// This transaction already changed it (later command): skip.
    SelfModified,
    /// A committed transaction deleted it.
    Deleted,
    /// A committed transaction updated it; `next` is the newer version,
    /// whose xmin must equal `xmax`.
    Updated {
        /// The newer version.
        next: Tid,
        /// The updater.
        xmax: u32,
    },
}

fn align8(n: usize) -> usize {
    (n + 7) & !7
}

impl Engine {
    /// Logs a change just made to a locked page (rule 1): the delta, or a
    /// full image when the page was last changed before the checkpoint's
    /// redo point (or when `force_image`).
    pub(crate) fn log_change(
        &self,
        xid: u32,
        rel: RelId,
        block: u32,
        p: &mut Page,
        delta: &WalRecord,
        force_image: bool,
    ) -> Result<()> {
        self.check_alive()?;
        if !rel.is_logged() {
            // Temporary and unlogged relations are never WAL-logged
            // (local.rs rule 2).
            return Ok(());
        }
        loop {
            let redo = self.wal.redo();
            // A record that initializes the page redoes onto a zeroed
            // page whatever is on disk, so it needs no image (PostgreSQL's
            // XLOG_HEAP_INIT_PAGE): a bulk load logged 8 kB per new page.
            let image = force_image
                || (self.full_page_writes() && page::lsn(p) <= redo && !delta.initializes_page());
            let full;
            let rec = if image {
                full = WalRecord::PageImage {
                    rel,
                    block,
                    image: Box::new(*p),
                };
                &full
            } else {
                delta
            };
            let inserted = self.wal.insert_if_redo(xid, rec, redo).map_err(|e| {
                self.broken(StorageError::Panic(format!("could not write WAL: {e}")))
            })?;
            if let Some((_, end)) = inserted {
                page::set_lsn(p, end);
                return Ok(());
            }
        }
    }

    fn fsm_find(&self, rel: RelId, need: usize, avoid: Option<u32>) -> Option<u32> {
        self.fsm.lock().get(&rel).and_then(|m| m.find(need, avoid))
    }

    fn fsm_record(&self, rel: RelId, block: u32, free: usize) {
        self.fsm.lock().entry(rel).or_default().record(block, free);
    }

    /// Places tuple bytes (header included) on some page with room,
    /// extending the relation if needed; returns its tid.
    fn place(
        &self,
        xid: u32,
        rel: RelId,
        mut tuple: Vec<u8>,
        fillfactor: u8,
        avoid: Option<u32>,
    ) -> Result<Tid> {
        let len = tuple.len();
        if len > MAX_TUPLE {
            return Err(StorageError::RowTooBig {
                size: len,
                max: MAX_TUPLE,
            });
        }
        let reserve = PAGE_SIZE * usize::from(100 - fillfactor.clamp(10, 100)) / 100;
        let need = align8(len);
        let mut tried_last = false;
        loop {
            let (block, fresh) = if let Some(b) = self.fsm_find(rel, need + reserve, avoid) {
                (b, false)
            } else if !tried_last {
                tried_last = true;
                match self.smgr.nblocks(rel)?.checked_sub(1) {
                    Some(b) if Some(b) != avoid => (b, false),
                    _ => continue,
                }
            } else {
                (self.smgr.extend(rel)?, true)
            };
            let mode = if fresh {
                ReadMode::Zeroed
            } else {
                ReadMode::Normal
            };
            let buf = self.buffer(rel, block, mode)?;
            let mut p = buf.write();
            let was_new = page::is_new(&p);
            if was_new {
                page::init(&mut p);
            }
            let free = page::free_space(&p);
            // An empty page takes any tuple that fits, whatever the fillfactor.
            let room = if page::item_count(&p) == 0 {
                need
            } else {
                need + reserve
            };
            if free < room {
                self.fsm_record(rel, block, free);
                continue;
            }
            let Some(offset) = page::add_tuple(&mut p, &tuple) else {
                self.fsm_record(rel, block, 0);
                continue;
            };
            let tid = Tid { block, offset };
            stamp_ctid(&mut p, tid, &mut tuple);
            self.log_change(
                xid,
                rel,
                block,
                &mut p,
                &WalRecord::HeapInsert {
                    rel,
                    tid,
                    tuple: std::mem::take(&mut tuple),
                    init_page: was_new,
                },
                false,
            )?;
            buf.mark_dirty();
            self.fsm_record(rel, block, page::free_space(&p));
            return Ok(tid);
        }
    }

    /// A tuple too large for a page written out of line (rule 5): its
    /// chunks placed last first, each pointing at the next; returns the
    /// row's own small tuple. Smaller tuples come back unchanged.
    fn spill(&self, rel: RelId, tuple: Vec<u8>) -> Result<Vec<u8>> {
        if tuple.len() <= MAX_TUPLE {
            return Ok(tuple);
        }
        let mut header = TupleHeader::read(&tuple);
        let data = &tuple[TUPLE_HEADER..];
        let total = u32::try_from(data.len()).map_err(|_| StorageError::RowTooBig {
            size: tuple.len(),
            max: u32::MAX as usize,
        })?;
        let mut next = NO_TID;
        for chunk in data.chunks(CHUNK_DATA).rev() {
            let mut t = vec![0u8; TUPLE_HEADER];
            TupleHeader {
                xmin: header.xmin,
                cmin: header.cmin,
                infomask: infomask::CHUNK,
                ..Default::default()
            }
            .write(&mut t);
            put_tid(&mut t, next);
            t.extend_from_slice(chunk);
            next = self.place(header.xmin, rel, t, 100, None)?;
        }
        header.infomask |= infomask::HAS_OVERFLOW;
        let mut head = vec![0u8; TUPLE_HEADER];
        header.write(&mut head);
        head.extend_from_slice(&total.to_le_bytes());
        put_tid(&mut head, next);
        Ok(head)
    }

    /// The data of a row stored out of line, from its own tuple's data
    /// (rule 5); XX001 when a chunk is missing or the lengths disagree.
    fn load_overflow(&self, rel: RelId, head: &[u8]) -> Result<Vec<u8>> {
        let damaged = || {
            StorageError::Corrupted(format!(
                "out-of-line data of a row of relation base/{}/{} is damaged",
                rel.db, rel.rel
            ))
        };
        let (Some(total), Some(mut next)) = (
            head.get(..4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
            head.get(4..10).map(read_tid),
        ) else {
            return Err(damaged());
        };
        let nblocks = self.smgr.nblocks(rel)?;
        let mut out = Vec::with_capacity(total);
        while next != NO_TID {
            if out.len() >= total || next.block >= nblocks {
                return Err(damaged());
            }
            let buf = self.buffer(rel, next.block, ReadMode::Normal)?;
            let p = buf.read();
            let t = page::tuple(&p, next.offset).ok_or_else(damaged)?;
            let body = &t[TUPLE_HEADER..];
            if TupleHeader::read(t).infomask & infomask::CHUNK == 0 || body.len() < 6 {
                return Err(damaged());
            }
            next = read_tid(&body[..6]);
            out.extend_from_slice(&body[6..]);
        }
        if out.len() != total {
            return Err(damaged());
        }
        Ok(out)
    }

    /// Gives the chunks of a row stored out of line (its own tuple's
    /// `head` data) the row's new xmax (rule 5), one page at a time.
    fn stamp_chunks(&self, rel: RelId, head: &[u8], xmax: u32, cmax: u32) -> Result<()> {
        let Some(mut next) = head.get(4..10).map(read_tid) else {
            return Ok(());
        };
        let nblocks = self.smgr.nblocks(rel)?;
        while next != NO_TID && next.block < nblocks {
            let buf = self.buffer(rel, next.block, ReadMode::Normal)?;
            let mut p = buf.write();
            let Some(t) = page::tuple(&p, next.offset) else {
                break;
            };
            let mut h = TupleHeader::read(t);
            if h.infomask & infomask::CHUNK == 0 || t.len() < TUPLE_HEADER + 6 {
                break;
            }
            let following = read_tid(&t[TUPLE_HEADER..TUPLE_HEADER + 6]);
            h.xmax = xmax;
            h.cmax = cmax;
            h.infomask &= !infomask::XMAX_LOCK_ONLY;
            self.set_xmax(xmax, rel, next, &mut p, h)?;
            buf.mark_dirty();
            next = following;
        }
        Ok(())
    }

    /// Inserts a row version stamped with `xid` and command `cid`.
    pub fn heap_insert(
        &self,
        rel: RelId,
        xid: u32,
        cid: u32,
        data: &[u8],
        fillfactor: u8,
    ) -> Result<Tid> {
        let mut tuple = vec![0u8; TUPLE_HEADER + data.len()];
        tuple[TUPLE_HEADER..].copy_from_slice(data);
        self.heap_insert_tuple(rel, xid, cid, tuple, fillfactor)
    }

    /// Like [`Engine::heap_insert`], for a caller that wrote the row's data
    /// after [`TUPLE_HEADER`] bytes of room for its header (no copy).
    pub fn heap_insert_tuple(
        &self,
        rel: RelId,
        xid: u32,
        cid: u32,
        mut tuple: Vec<u8>,
        fillfactor: u8,
    ) -> Result<Tid> {
        if tuple.len() < TUPLE_HEADER {
            return Err(StorageError::Io(std::io::Error::other(format!(
                "a tuple of {} bytes has no room for its header",
                tuple.len()
            ))));
        }
        TupleHeader {
            xmin: xid,
            cmin: cid,
            ..Default::default()
        }
        .write(&mut tuple);
        let tuple = self.spill(rel, tuple)?;
        let tid = self.place(xid, rel, tuple, fillfactor, None)?;
        self.count(rel, 1, 0);
        Ok(tid)
    }

    /// Inserts many row versions stamped with `xid` and `cid`, as
    /// [`Engine::heap_insert_tuple`] each, but a page at a time: the page
    /// is locked once for all the tuples that fit on it and one WAL record
    /// logs them (PostgreSQL's heap_multi_insert). Returns their tids, in
    /// order.
    pub fn heap_insert_batch(
        &self,
        rel: RelId,
        xid: u32,
        cid: u32,
        tuples: Vec<Vec<u8>>,
        fillfactor: u8,
    ) -> Result<Vec<Tid>> {
        let mut tids = Vec::with_capacity(tuples.len());
        let reserve = PAGE_SIZE * usize::from(100 - fillfactor.clamp(10, 100)) / 100;
        let mut rest = tuples.into_iter().peekable();
        while let Some(first) = rest.peek() {
            if first.len() < TUPLE_HEADER || first.len() > MAX_TUPLE {
                // One at a time: place() reports it.
                let Some(t) = rest.next() else { break };
                tids.push(self.heap_insert_tuple(rel, xid, cid, t, fillfactor)?);
                continue;
            }
            let need = align8(first.len());
            // A page with room for the first tuple at least: one the free
            // space map knows, else a new one.
            let (block, fresh) = match self.fsm_find(rel, need + reserve, None) {
                Some(b) => (b, false),
                None => (self.smgr.extend(rel)?, true),
            };
            let mode = if fresh {
                ReadMode::Zeroed
            } else {
                ReadMode::Normal
            };
            let buf = self.buffer(rel, block, mode)?;
            let mut p = buf.write();
            let was_new = page::is_new(&p);
            if was_new {
                page::init(&mut p);
            }
            let mut placed: Vec<(u16, Vec<u8>)> = Vec::new();
            while let Some(t) = rest.peek() {
                let need = align8(t.len());
                let room = if page::item_count(&p) == 0 {
                    need
                } else {
                    need + reserve
                };
                if t.len() < TUPLE_HEADER || page::free_space(&p) < room {
                    break;
                }
                let Some(mut tuple) = rest.next() else { break };
                TupleHeader {
                    xmin: xid,
                    cmin: cid,
                    ..Default::default()
                }
                .write(&mut tuple);
                let Some(offset) = page::add_tuple(&mut p, &tuple) else {
                    // Counted as free but not usable: try this tuple on
                    // another page.
                    self.fsm_record(rel, block, 0);
                    tids.push(self.heap_insert_tuple(rel, xid, cid, tuple, fillfactor)?);
                    break;
                };
                let tid = Tid { block, offset };
                stamp_ctid(&mut p, tid, &mut tuple);
                tids.push(tid);
                placed.push((offset, tuple));
            }
            if placed.is_empty() {
                self.fsm_record(rel, block, page::free_space(&p));
                continue;
            }
            let n = placed.len() as i64;
            self.log_change(
                xid,
                rel,
                block,
                &mut p,
                &WalRecord::HeapMultiInsert {
                    rel,
                    block,
                    tuples: placed,
                    init_page: was_new,
                },
                false,
            )?;
            buf.mark_dirty();
            self.fsm_record(rel, block, page::free_space(&p));
            self.count(rel, n, 0);
        }
        Ok(tids)
    }

    /// The version at `tid`, whatever its visibility.
    pub fn heap_fetch(&self, rel: RelId, tid: Tid) -> Result<Option<HeapTuple>> {
        if tid.block >= self.smgr.nblocks(rel)? {
            return Ok(None);
        }
        let buf = self.buffer(rel, tid.block, ReadMode::Normal)?;
        let p = buf.read();
        let Some(t) = page::tuple(&p, tid.offset) else {
            return Ok(None);
        };
        let header = TupleHeader::read(t);
        if header.infomask & infomask::CHUNK != 0 {
            return Ok(None);
        }
        let mut data = t[TUPLE_HEADER..].to_vec();
        drop(p);
        drop(buf);
        if header.infomask & infomask::HAS_OVERFLOW != 0 {
            data = self.load_overflow(rel, &data)?;
        }
        Ok(Some(HeapTuple { tid, header, data }))
    }

    /// Rewrites the data of the tuple at `tid` in place, outside any
    /// transaction: a sequence's state, as PostgreSQL keeps it
    /// (nextval is not rolled back). Under the page's lock, `change` gets
    /// the current data and whether a checkpoint began since the page was
    /// last logged, and answers None (no change) or (data to log, data to
    /// leave on the page), both as long as the current data. Logged data
    /// goes to WAL as the whole page holding it and WAL is flushed before
    /// the page is released, so what it promises survives a crash; data
    /// only left on the page reaches disk with the page (never behind what
    /// was logged, which redo restores after a crash).
    pub fn heap_inplace<E: From<StorageError>>(
        &self,
        rel: RelId,
        tid: Tid,
        change: impl FnOnce(&[u8], bool) -> std::result::Result<Option<InplaceChange>, E>,
    ) -> std::result::Result<(), E> {
        self.check_alive()?;
        let missing = || {
            StorageError::Corrupted(format!(
                "tuple ({},{}) of relation base/{}/{} is missing",
                tid.block, tid.offset, rel.db, rel.rel
            ))
        };
        if tid.block >= self.smgr.nblocks(rel).map_err(StorageError::from)? {
            return Err(missing().into());
        }
        let buf = self.buffer(rel, tid.block, ReadMode::Normal)?;
        let mut p = buf.write();
        let stale = page::lsn(&p) <= self.wal.redo();
        let current = match page::tuple(&p, tid.offset) {
            Some(t) => t[TUPLE_HEADER..].to_vec(),
            None => return Err(missing().into()),
        };
        let Some(InplaceChange { logged, page: now }) = change(&current, stale)? else {
            return Ok(());
        };
        let put = |p: &mut Page, data: &[u8]| -> Result<()> {
            match page::tuple_mut(p, tid.offset) {
                Some(t) if t.len() == TUPLE_HEADER + data.len() => {
                    t[TUPLE_HEADER..].copy_from_slice(data);
                    Ok(())
                }
                _ => Err(missing()),
            }
        };
        if let Some(logged) = logged {
            put(&mut p, &logged)?;
            let image = WalRecord::PageImage {
                rel,
                block: tid.block,
                image: Box::new(**p),
            };
            self.log_change(0, rel, tid.block, &mut p, &image, true)?;
            self.flush_wal(page::lsn(&p))?;
        }
        put(&mut p, &now)?;
        buf.mark_dirty();
        Ok(())
    }

    /// Sets xmax, cmax, infomask and ctid of the tuple at `tid` on a
    /// locked page, and logs it.
    fn set_xmax(&self, xid: u32, rel: RelId, tid: Tid, p: &mut Page, h: TupleHeader) -> Result<()> {
        if let Some(t) = page::tuple_mut(p, tid.offset) {
            h.write(t);
        }
        if h.xmax != 0 && !h.lock_only() {
            page::note_prunable(p, h.xmax);
        }
        self.log_change(
            xid,
            rel,
            tid.block,
            p,
            &WalRecord::HeapSetXmax {
                rel,
                tid,
                xmax: h.xmax,
                cmax: h.cmax,
                infomask: h.infomask,
                ctid: h.ctid,
            },
            false,
        )
    }

    /// Checks the version at `tid` for a change by `who`, waiting for a
    /// running changer (rule 2). When it may be changed, runs `change` on
    /// the buffer, its page still exclusively locked (the check and the
    /// change must be one atomic step, or two updaters could both pass the
    /// check), and the header; otherwise says why not.
    fn lock_version<R>(
        &self,
        rel: RelId,
        tid: Tid,
        who: &Actor<'_>,
        change: impl FnOnce(&actorgres_memory::Buffer<'_>, &mut Page, TupleHeader) -> Result<R>,
    ) -> Result<std::result::Result<R, Modify>> {
        loop {
            if tid.block >= self.smgr.nblocks(rel)? {
                return Ok(Err(Modify::Invisible));
            }
            let buf = self.buffer(rel, tid.block, ReadMode::Normal)?;
            let wait_for = {
                let p = buf.read();
                let Some(t) = page::tuple(&p, tid.offset) else {
                    return Ok(Err(Modify::Invisible));
                };
                let h = TupleHeader::read(t);
                match check_update(&h, who.own, &self.txns.clog, &|x| self.txns.is_running(x)) {
                    UpdateCheck::Ok => None,
                    UpdateCheck::Invisible => return Ok(Err(Modify::Invisible)),
                    UpdateCheck::SelfModified => return Ok(Err(Modify::SelfModified)),
                    UpdateCheck::Updated if h.ctid == tid => return Ok(Err(Modify::Deleted)),
                    UpdateCheck::Updated => {
                        return Ok(Err(Modify::Updated {
                            next: h.ctid,
                            xmax: h.xmax,
                        }))
                    }
                    UpdateCheck::BeingModified(x) => Some(x),
                }
            };
            match wait_for {
                Some(x) => {
                    drop(buf);
                    self.wait_for_xid(who.backend, x, &who.wait)?;
                }
                None => {
                    // Re-check under the exclusive lock, and keep it: the
                    // state may have changed between the two locks.
                    let mut p = buf.write();
                    let h = match page::tuple(&p, tid.offset) {
                        Some(t) => TupleHeader::read(t),
                        None => return Ok(Err(Modify::Invisible)),
                    };
                    if check_update(&h, who.own, &self.txns.clog, &|x| self.txns.is_running(x))
                        == UpdateCheck::Ok
                    {
                        return change(&buf, &mut p, h).map(Ok);
                    }
                }
            }
        }
    }

    /// Deletes the version at `tid`.
    pub fn heap_delete(&self, rel: RelId, tid: Tid, who: &Actor<'_>) -> Result<Modify> {
        self.stamp_xmax(rel, tid, who, false)
    }

    /// Locks the version at `tid` for this transaction (a row lock: its
    /// xmax, marked lock-only), waiting for a transaction changing it; a
    /// later delete or update by another transaction waits for this one.
    /// A version this transaction already locked is left as it is.
    pub fn heap_lock(&self, rel: RelId, tid: Tid, who: &Actor<'_>) -> Result<Modify> {
        self.stamp_xmax(rel, tid, who, true)
    }

    /// Sets the xmax of the version at `tid` to this transaction: a delete,
    /// or with `lock_only` a row lock.
    fn stamp_xmax(&self, rel: RelId, tid: Tid, who: &Actor<'_>, lock_only: bool) -> Result<Modify> {
        self.check_alive()?;
        let stamped = self.lock_version(rel, tid, who, |buf, p, mut h| {
            if lock_only && who.own.is_own(h.xmax) && h.lock_only() {
                return Ok(None);
            }
            h.xmax = who.xid;
            h.cmax = who.own.command_id();
            if lock_only {
                h.infomask |= infomask::XMAX_LOCK_ONLY;
            } else {
                h.infomask &= !infomask::XMAX_LOCK_ONLY;
            }
            h.ctid = tid;
            self.set_xmax(who.xid, rel, tid, p, h)?;
            buf.mark_dirty();
            let overflow = (!lock_only && h.infomask & infomask::HAS_OVERFLOW != 0)
                .then(|| page::tuple(p, tid.offset).map(|t| t[TUPLE_HEADER..].to_vec()))
                .flatten();
            Ok(Some((h, overflow)))
        })?;
        let (h, overflow) = match stamped {
            Err(m) => return Ok(m),
            Ok(None) => return Ok(Modify::Done(tid)),
            Ok(Some(x)) => x,
        };
        if let Some(head) = overflow {
            self.stamp_chunks(rel, &head, h.xmax, h.cmax)?;
        }
        if !lock_only {
            self.count(rel, -1, 1);
        }
        Ok(Modify::Done(tid))
    }

    /// Replaces the version at `tid` with `data`; returns the new tid.
    pub fn heap_update(
        &self,
        rel: RelId,
        tid: Tid,
        data: &[u8],
        who: &Actor<'_>,
    ) -> Result<Modify> {
        self.check_alive()?;
        let new_header = TupleHeader {
            xmin: who.xid,
            cmin: who.own.command_id(),
            infomask: infomask::UPDATED,
            ..Default::default()
        };
        let tuple = new_header.with_data(data);
        // Chunks of a new version too large for a page are written before
        // the old version is locked (they belong to no row until then).
        let mut tuple = self.spill(rel, tuple)?;
        let locked = self.lock_version(rel, tid, who, |buf, p, mut old| {
            // The old version's chunks, stamped once its page is released.
            let old_overflow = (old.infomask & infomask::HAS_OVERFLOW != 0)
                .then(|| page::tuple(p, tid.offset).map(|t| t[TUPLE_HEADER..].to_vec()))
                .flatten();
            let need = align8(tuple.len());
            if page::free_space(p) < need && self.may_prune(p) {
                self.prune(who.xid, rel, tid.block, p)?;
            }
            if page::free_space(p) >= need {
                // The new version on the same page.
                if let Some(offset) = page::add_tuple(p, &tuple) {
                    let new_tid = Tid {
                        block: tid.block,
                        offset,
                    };
                    stamp_ctid(p, new_tid, &mut tuple);
                    self.log_change(
                        who.xid,
                        rel,
                        tid.block,
                        p,
                        &WalRecord::HeapInsert {
                            rel,
                            tid: new_tid,
                            tuple: std::mem::take(&mut tuple),
                            init_page: false,
                        },
                        false,
                    )?;
                    old.xmax = who.xid;
                    old.cmax = who.own.command_id();
                    old.infomask &= !infomask::XMAX_LOCK_ONLY;
                    old.ctid = new_tid;
                    self.set_xmax(who.xid, rel, tid, p, old)?;
                    buf.mark_dirty();
                    self.fsm_record(rel, tid.block, page::free_space(p));
                    return Ok((old, old_overflow, Some(new_tid)));
                }
            }
            // Rule 3: lock the old version, place the new one elsewhere, link.
            old.xmax = who.xid;
            old.cmax = who.own.command_id();
            old.infomask |= infomask::XMAX_LOCK_ONLY;
            old.ctid = tid;
            self.set_xmax(who.xid, rel, tid, p, old)?;
            buf.mark_dirty();
            Ok((old, old_overflow, None))
        })?;
        let (mut old, old_overflow, same_page) = match locked {
            Ok(x) => x,
            Err(m) => return Ok(m),
        };
        if let Some(new_tid) = same_page {
            if let Some(head) = old_overflow {
                self.stamp_chunks(rel, &head, old.xmax, old.cmax)?;
            }
            self.count(rel, 0, 1);
            return Ok(Modify::Done(new_tid));
        }
        let new_tid = self.place(who.xid, rel, tuple, 100, Some(tid.block))?;
        let buf = self.buffer(rel, tid.block, ReadMode::Normal)?;
        let mut p = buf.write();
        old.infomask &= !infomask::XMAX_LOCK_ONLY;
        old.ctid = new_tid;
        self.set_xmax(who.xid, rel, tid, &mut p, old)?;
        buf.mark_dirty();
        drop(p);
        drop(buf);
        if let Some(head) = old_overflow {
            self.stamp_chunks(rel, &head, old.xmax, old.cmax)?;
        }
        self.count(rel, 0, 1);
        Ok(Modify::Done(new_tid))
    }

    /// Whether an update that finds page `p` full should prune it first
    /// (PostgreSQL's PageIsPrunable): a version deleted or updated before
    /// every running snapshot may be dead. Otherwise a page full of this
    /// statement's own updates would be scanned again for every row.
    fn may_prune(&self, p: &Page) -> bool {
        let hint = page::prune_xid(p);
        hint != 0 && hint < self.txns.oldest_xmin()
    }

    /// Removes versions dead to every snapshot from a locked page and
    /// compacts it; logs the page whole. Returns how many it removed.
    /// pd_prune_xid becomes the oldest xmax left that may die later.
    fn prune(&self, xid: u32, rel: RelId, block: u32, p: &mut Page) -> Result<usize> {
        let oldest = self.txns.oldest_xmin();
        let mut removed = 0;
        let mut next_hint = 0u32;
        for o in 1..=page::item_count(p) {
            let Some(h) = page::tuple(p, o).map(TupleHeader::read) else {
                continue;
            };
            if dead_to_all(&h, oldest, &self.txns.clog) {
                page::set_item_state(p, o, page::ItemState::Unused);
                removed += 1;
            } else if h.xmax != 0
                && !h.lock_only()
                && (next_hint == 0 || h.xmax < next_hint)
                && self.txns.clog.get(h.xmax) != crate::clog::XidStatus::Aborted
            {
                next_hint = h.xmax;
            }
        }
        page::set_prune_xid(p, next_hint);
        if removed > 0 {
            page::compact(p);
            self.log_change(xid, rel, block, p, &unreachable_delta(), true)?;
        }
        Ok(removed)
    }

    /// VACUUM: prunes every page of `rel` and records their free space.
    pub fn vacuum(&self, rel: RelId) -> Result<VacuumStats> {
        self.check_alive()?;
        let nblocks = self.smgr.nblocks(rel)?;
        let mut stats = VacuumStats {
            pages: nblocks,
            ..Default::default()
        };
        for block in 0..nblocks {
            let buf = self.buffer(rel, block, ReadMode::Normal)?;
            let mut p = buf.write();
            if page::is_new(&p) {
                page::init(&mut p);
            }
            let removed = self.prune(0, rel, block, &mut p)?;
            if removed > 0 {
                buf.mark_dirty();
            }
            stats.removed += removed;
            stats.remaining += (1..=page::item_count(&p))
                .filter(|o| page::tuple(&p, *o).is_some())
                .count();
            self.fsm_record(rel, block, page::free_space(&p));
        }
        if let Some(s) = self.stats.lock().get_mut(&rel) {
            s.dead = 0;
        }
        Ok(stats)
    }

    /// Appends the versions of block `block` visible to `snap` to `out`.
    pub fn scan_block(
        &self,
        rel: RelId,
        block: u32,
        snap: &Snapshot,
        own: &dyn OwnTxn,
        out: &mut Vec<HeapTuple>,
    ) -> Result<()> {
        let buf = self.buffer(rel, block, ReadMode::Normal)?;
        let p = buf.read();
        let clog = &self.txns.clog;
        let first = out.len();
        let mut overflow = false;
        for o in 1..=page::item_count(&p) {
            let Some(t) = page::tuple(&p, o) else {
                continue;
            };
            let header = TupleHeader::read(t);
            if header.infomask & infomask::CHUNK != 0 {
                continue;
            }
            if visible(&header, snap, own, clog) {
                overflow |= header.infomask & infomask::HAS_OVERFLOW != 0;
                out.push(HeapTuple {
                    tid: Tid { block, offset: o },
                    header,
                    data: t[TUPLE_HEADER..].to_vec(),
                });
            }
        }
        drop(p);
        drop(buf);
        if overflow {
            for t in &mut out[first..] {
                if t.header.infomask & infomask::HAS_OVERFLOW != 0 {
                    t.data = self.load_overflow(rel, &t.data)?;
                }
            }
        }
        Ok(())
    }

    /// Like [`Engine::scan_block`], but copies the visible versions' data
    /// back to back into `out` (cleared first), without an allocation per
    /// row: what sequential scans use.
    pub fn scan_block_rows(
        &self,
        rel: RelId,
        block: u32,
        snap: &Snapshot,
        own: &dyn OwnTxn,
        out: &mut PageRows,
    ) -> Result<()> {
        out.data.clear();
        out.items.clear();
        let buf = self.buffer(rel, block, ReadMode::Normal)?;
        let p = buf.read();
        let clog = &self.txns.clog;
        let mut overflow = Vec::new();
        for o in 1..=page::item_count(&p) {
            let Some(t) = page::tuple(&p, o) else {
                continue;
            };
            let header = TupleHeader::read(t);
            if header.infomask & infomask::CHUNK != 0 {
                continue;
            }
            if visible(&header, snap, own, clog) {
                if header.infomask & infomask::HAS_OVERFLOW != 0 {
                    overflow.push((out.items.len(), t[TUPLE_HEADER..].to_vec()));
                }
                let start = out.data.len();
                out.data.extend_from_slice(&t[TUPLE_HEADER..]);
                out.items
                    .push((Tid { block, offset: o }, start, out.data.len()));
            }
        }
        drop(p);
        drop(buf);
        // Rows stored out of line: their whole data appended, the item
        // pointed at it.
        for (i, head) in overflow {
            let data = self.load_overflow(rel, &head)?;
            let start = out.data.len();
            out.data.extend_from_slice(&data);
            out.items[i].1 = start;
            out.items[i].2 = out.data.len();
        }
        Ok(())
    }

    /// The versions of block `block` an index must hold (CREATE INDEX):
    /// every one not dead to all, each with whether it is live for a
    /// unique check (inserted by a committed transaction or `own`, and not
    /// deleted by one).
    pub fn index_build_block(
        &self,
        rel: RelId,
        block: u32,
        own: &dyn OwnTxn,
    ) -> Result<Vec<(HeapTuple, bool)>> {
        let buf = self.buffer(rel, block, ReadMode::Normal)?;
        let p = buf.read();
        let clog = &self.txns.clog;
        let oldest = self.txns.oldest_xmin();
        let done = |x: u32| own.is_own(x) || clog.get(x) == crate::clog::XidStatus::Committed;
        let mut out = Vec::new();
        for o in 1..=page::item_count(&p) {
            let Some(t) = page::tuple(&p, o) else {
                continue;
            };
            let header = TupleHeader::read(t);
            if header.infomask & infomask::CHUNK != 0 || dead_to_all(&header, oldest, clog) {
                continue;
            }
            let deleted = header.xmax != 0 && !header.lock_only() && done(header.xmax);
            let live = done(header.xmin) && !deleted;
            out.push((
                HeapTuple {
                    tid: Tid { block, offset: o },
                    header,
                    data: t[TUPLE_HEADER..].to_vec(),
                },
                live,
            ));
        }
        drop(p);
        drop(buf);
        for (t, _) in &mut out {
            if t.header.infomask & infomask::HAS_OVERFLOW != 0 {
                t.data = self.load_overflow(rel, &t.data)?;
            }
        }
        Ok(out)
    }

    /// A sequential scan of `rel`, page by page.
    pub fn scan(&self, rel: RelId) -> Result<HeapScan<'_>> {
        Ok(HeapScan {
            engine: self,
            rel,
            next: 0,
            end: self.smgr.nblocks(rel)?,
        })
    }
}

/// Bytes of row data in each chunk of a row stored out of line: a chunk
/// tuple (header, next tid, data) of 2026 bytes, four to a page.
const CHUNK_DATA: usize = 1996;

/// The end of a chunk chain.
const NO_TID: Tid = Tid {
    block: u32::MAX,
    offset: 0,
};

/// A tid as 6 bytes (block, offset; little-endian).
fn put_tid(out: &mut Vec<u8>, tid: Tid) {
    out.extend_from_slice(&tid.block.to_le_bytes());
    out.extend_from_slice(&tid.offset.to_le_bytes());
}

/// The tid of 6 bytes written by [`put_tid`].
fn read_tid(b: &[u8]) -> Tid {
    Tid {
        block: u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        offset: u16::from_le_bytes([b[4], b[5]]),
    }
}

/// A page-image record needs no delta; this is never called because the
/// image is forced.
fn unreachable_delta() -> WalRecord {
    WalRecord::NextOid { next: 0 }
}

/// What VACUUM did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VacuumStats {
    /// Pages scanned.
    pub pages: u32,
    /// Dead versions removed.
    pub removed: usize,
    /// Versions left.
    pub remaining: usize,
}

/// A newly added version points at itself (its ctid is its own tid), on
/// the page and in `tuple`, the copy that is logged.
fn stamp_ctid(p: &mut Page, tid: Tid, tuple: &mut [u8]) {
    if let Some(t) = page::tuple_mut(p, tid.offset) {
        let mut h = TupleHeader::read(t);
        h.ctid = tid;
        h.write(t);
        h.write(tuple);
    }
}

/// The visible row versions of one page, copied out (see
/// [`Engine::scan_block_rows`]).
#[derive(Debug, Default)]
pub struct PageRows {
    /// The versions' data (without tuple headers), back to back.
    pub data: Vec<u8>,
    /// Each version's tid and its range in `data`.
    pub items: Vec<(Tid, usize, usize)>,
}

impl PageRows {
    /// Version `i`: its tid and data.
    pub fn get(&self, i: usize) -> Option<(Tid, &[u8])> {
        self.items
            .get(i)
            .map(|&(tid, start, end)| (tid, &self.data[start..end]))
    }
}

/// A scan in progress.
pub struct HeapScan<'e> {
    /// The engine.
    engine: &'e Engine,
    /// The relation.
    rel: RelId,
    /// Next block.
    next: u32,
    /// Blocks at scan start.
    end: u32,
}

impl HeapScan<'_> {
    /// Appends the next page's versions visible to `snap` to `out`; false
    /// when there are no more pages.
    pub fn next_page(
        &mut self,
        snap: &Snapshot,
        own: &dyn OwnTxn,
        out: &mut Vec<HeapTuple>,
    ) -> Result<bool> {
        if self.next >= self.end {
            return Ok(false);
        }
        let block = self.next;
        self.next += 1;
        self.engine.scan_block(self.rel, block, snap, own, out)?;
        Ok(true)
    }

    /// Blocks the scan covers.
    pub fn blocks(&self) -> u32 {
        self.end
    }
}

/// What [`Engine::heap_inplace`] writes: data to log (None: nothing to
/// log) and data to leave on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InplaceChange {
    /// Written to WAL (and the page) first.
    pub logged: Option<Vec<u8>>,
    /// Left on the page after.
    pub page: Vec<u8>,
}
