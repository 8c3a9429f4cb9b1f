//! The write-ahead log: records, the writer with group commit, the reader
//! recovery uses.
//!
//! ```text
//! LSN = byte position in one endless stream, cut into 16 MB segment
//! files DATA/pg_wal/TTTTTTTTXXXXXXXXYYYYYYYY (timeline 1, as PostgreSQL
//! names them).
//!
//! record: total_len u32 | crc32c u32 | prev_lsn u64 | xid u32 | kind u8 | pad[3] | payload
//!          crc covers total_len and everything after the crc field
//! ```
//!
//! Rules:
//! 1. A record is valid only if its length is sane, its CRC matches and
//!    its prev_lsn is the start of the record before it. The first record
//!    that fails any check ends the log: a torn or corrupt tail ends
//!    replay cleanly at the last valid record.
//! 2. [`Wal::flush`] returns once the log is durable up to the LSN asked
//!    for. Committers that arrive while a flush is running wait for it,
//!    then one of them flushes everything inserted meanwhile: concurrent
//!    commits share one fsync (group commit).
//! 3. After recovery the rest of the last segment is zeroed and later
//!    segments are removed, so stale records can never be read as new.
//! 4. A failure to write or fsync WAL is returned as an error; the caller
//!    must not acknowledge anything after it (the server stops, as
//!    PostgreSQL PANICs).

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use actorgres_memory::{Page, PAGE_SIZE};
use parking_lot::{Condvar, Mutex};

use crate::page::Tid;
use crate::smgr::RelId;

/// Bytes per segment file (wal_segment_size).
pub const SEGMENT_SIZE: u64 = 16 << 20;
/// Bytes of a record header.
const HEADER: usize = 24;
/// A record larger than this is garbage (a full page image is ~8 KB).
const MAX_RECORD: usize = 64 << 20;
/// Pending bytes above this are written out without waiting for a commit.
const WRITE_OUT_AT: usize = 8 << 20;

/// A log sequence number: a byte position in the WAL.
pub type Lsn = u64;

/// One WAL record. Heap records are physical: they name a page and what
/// changed on it, and redo applies them only to pages older than them.
#[derive(Debug, Clone, PartialEq)]
pub enum WalRecord {
    /// A tuple (header and data) placed at `tid`; `init_page` when the
    /// page was empty before (redo starts from a fresh page).
    HeapInsert {
        /// Relation.
        rel: RelId,
        /// Where.
        tid: Tid,
        /// Tuple bytes.
        tuple: Vec<u8>,
        /// The page was initialised for this tuple.
        init_page: bool,
    },
    /// Several tuples placed on one page (a bulk load: PostgreSQL's
    /// XLOG_HEAP2_MULTI_INSERT); `init_page` when the page was empty
    /// before.
    HeapMultiInsert {
        /// Relation.
        rel: RelId,
        /// The page.
        block: u32,
        /// (offset, tuple bytes), in the order placed.
        tuples: Vec<(u16, Vec<u8>)>,
        /// The page was initialised for these tuples.
        init_page: bool,
    },
    /// A tuple's xmax, cmax, infomask and ctid set (delete, update of the
    /// old version, row lock).
    HeapSetXmax {
        /// Relation.
        rel: RelId,
        /// Which tuple.
        tid: Tid,
        /// Deleting/locking transaction.
        xmax: u32,
        /// Its command id.
        cmax: u32,
        /// New infomask.
        infomask: u16,
        /// New ctid (the newer version after an update, else itself).
        ctid: Tid,
    },
    /// A whole page after a change: the first change to a page after a
    /// checkpoint (full_page_writes), pruning and vacuum.
    PageImage {
        /// Relation.
        rel: RelId,
        /// Block.
        block: u32,
        /// Contents.
        image: Box<Page>,
    },
    /// An index entry put at position `pos` of a leaf's item array.
    IndexInsert {
        /// The index.
        rel: RelId,
        /// The leaf.
        block: u32,
        /// Position in the item array.
        pos: u16,
        /// The item's bytes.
        item: Vec<u8>,
    },
    /// Several pages of one relation whole, changed together (an index
    /// page split): redo restores all or none.
    PageImages {
        /// Relation.
        rel: RelId,
        /// (block, contents).
        pages: Vec<(u32, Box<Page>)>,
    },
    /// A transaction committed; `drops` are relation files to remove.
    Commit {
        /// Subtransactions committed with it.
        subxids: Vec<u32>,
        /// Files dropped by the transaction.
        drops: Vec<RelId>,
        /// Commit time, microseconds since 2000-01-01.
        time: i64,
    },
    /// A transaction (or subtransaction) aborted; `drops` are files it
    /// created.
    Abort {
        /// Subtransactions aborted with it.
        subxids: Vec<u32>,
        /// Files created by the transaction.
        drops: Vec<RelId>,
    },
    /// A relation file was created.
    RelCreate {
        /// The file.
        rel: RelId,
    },
    /// A database directory was copied from a template (CREATE DATABASE).
    DbCreate {
        /// New database.
        db: u32,
        /// Template it was copied from.
        template: u32,
    },
    /// A database directory was removed.
    DbDrop {
        /// The database.
        db: u32,
    },
    /// OIDs below `next` may have been handed out.
    NextOid {
        /// Next OID to use after recovery.
        next: u32,
    },
    /// A checkpoint: everything before `redo` is on disk.
    Checkpoint {
        /// Where redo starts.
        redo: Lsn,
        /// Next transaction id.
        next_xid: u32,
        /// Next OID.
        next_oid: u32,
        /// Written at shutdown (nothing runs after it).
        shutdown: bool,
    },
}

/// Little-endian field writer.
struct Enc(Vec<u8>);

impl Enc {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn rel(&mut self, r: RelId) {
        self.u32(r.db);
        self.u32(r.rel);
    }
    fn tid(&mut self, t: Tid) {
        self.u32(t.block);
        self.u16(t.offset);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u32(v.len() as u32);
        for x in v {
            self.u32(*x);
        }
    }
    fn rels(&mut self, v: &[RelId]) {
        self.u32(v.len() as u32);
        for r in v {
            self.rel(*r);
        }
    }
}

/// Bounds-checked field reader; None means a malformed record.
struct Dec<'a>(&'a [u8]);

impl Dec<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8).map(|b| {
            let mut x = [0u8; 8];
            x.copy_from_slice(b);
            u64::from_le_bytes(x)
        })
    }
    fn rel(&mut self) -> Option<RelId> {
        Some(RelId::new(self.u32()?, self.u32()?))
    }
    fn tid(&mut self) -> Option<Tid> {
        Some(Tid {
            block: self.u32()?,
            offset: self.u16()?,
        })
    }
    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.u32()? as usize;
        self.take(n).map(<[u8]>::to_vec)
    }
    fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.u32()? as usize;
        if n > self.0.len() / 4 {
            return None;
        }
        (0..n).map(|_| self.u32()).collect()
    }
    fn rels(&mut self) -> Option<Vec<RelId>> {
        let n = self.u32()? as usize;
        if n > self.0.len() / 8 {
            return None;
        }
        (0..n).map(|_| self.rel()).collect()
    }
}

impl WalRecord {
    fn kind(&self) -> u8 {
        match self {
            WalRecord::HeapInsert { .. } => 1,
            WalRecord::HeapSetXmax { .. } => 2,
            WalRecord::HeapMultiInsert { .. } => 6,
            WalRecord::PageImage { .. } => 3,
            WalRecord::IndexInsert { .. } => 4,
            WalRecord::PageImages { .. } => 5,
            WalRecord::Commit { .. } => 10,
            WalRecord::Abort { .. } => 11,
            WalRecord::RelCreate { .. } => 20,
            WalRecord::DbCreate { .. } => 21,
            WalRecord::DbDrop { .. } => 22,
            WalRecord::NextOid { .. } => 30,
            WalRecord::Checkpoint { .. } => 31,
        }
    }

    /// Whether redo rebuilds the page from nothing (and so never reads
    /// it from disk).
    pub fn initializes_page(&self) -> bool {
        matches!(
            self,
            WalRecord::HeapInsert {
                init_page: true,
                ..
            } | WalRecord::HeapMultiInsert {
                init_page: true,
                ..
            }
        )
    }

    fn encode_payload(&self, e: &mut Enc) {
        match self {
            WalRecord::HeapInsert {
                rel,
                tid,
                tuple,
                init_page,
            } => {
                e.rel(*rel);
                e.tid(*tid);
                e.u8(u8::from(*init_page));
                e.bytes(tuple);
            }
            WalRecord::HeapMultiInsert {
                rel,
                block,
                tuples,
                init_page,
            } => {
                e.rel(*rel);
                e.u32(*block);
                e.u8(u8::from(*init_page));
                e.u32(tuples.len() as u32);
                for (offset, t) in tuples {
                    e.u16(*offset);
                    e.bytes(t);
                }
            }
            WalRecord::HeapSetXmax {
                rel,
                tid,
                xmax,
                cmax,
                infomask,
                ctid,
            } => {
                e.rel(*rel);
                e.tid(*tid);
                e.u32(*xmax);
                e.u32(*cmax);
                e.u16(*infomask);
                e.tid(*ctid);
            }
            WalRecord::PageImage { rel, block, image } => {
                e.rel(*rel);
                e.u32(*block);
                e.0.extend_from_slice(&image[..]);
            }
            WalRecord::IndexInsert {
                rel,
                block,
                pos,
                item,
            } => {
                e.rel(*rel);
                e.u32(*block);
                e.u16(*pos);
                e.bytes(item);
            }
            WalRecord::PageImages { rel, pages } => {
                e.rel(*rel);
                e.u32(pages.len() as u32);
                for (block, image) in pages {
                    e.u32(*block);
                    e.0.extend_from_slice(&image[..]);
                }
            }
            WalRecord::Commit {
                subxids,
                drops,
                time,
            } => {
                e.u32s(subxids);
                e.rels(drops);
                e.u64(*time as u64);
            }
            WalRecord::Abort { subxids, drops } => {
                e.u32s(subxids);
                e.rels(drops);
            }
            WalRecord::RelCreate { rel } => e.rel(*rel),
            WalRecord::DbCreate { db, template } => {
                e.u32(*db);
                e.u32(*template);
            }
            WalRecord::DbDrop { db } => e.u32(*db),
            WalRecord::NextOid { next } => e.u32(*next),
            WalRecord::Checkpoint {
                redo,
                next_xid,
                next_oid,
                shutdown,
            } => {
                e.u64(*redo);
                e.u32(*next_xid);
                e.u32(*next_oid);
                e.u8(u8::from(*shutdown));
            }
        }
    }

    fn decode_payload(kind: u8, p: &[u8]) -> Option<WalRecord> {
        let mut d = Dec(p);
        let r = match kind {
            1 => {
                let rel = d.rel()?;
                let tid = d.tid()?;
                let init_page = d.u8()? != 0;
                WalRecord::HeapInsert {
                    rel,
                    tid,
                    init_page,
                    tuple: d.bytes()?,
                }
            }
            6 => {
                let rel = d.rel()?;
                let block = d.u32()?;
                let init_page = d.u8()? != 0;
                let n = d.u32()? as usize;
                if n > d.0.len() / 6 {
                    return None;
                }
                let tuples = (0..n)
                    .map(|_| Some((d.u16()?, d.bytes()?)))
                    .collect::<Option<Vec<_>>>()?;
                WalRecord::HeapMultiInsert {
                    rel,
                    block,
                    tuples,
                    init_page,
                }
            }
            2 => WalRecord::HeapSetXmax {
                rel: d.rel()?,
                tid: d.tid()?,
                xmax: d.u32()?,
                cmax: d.u32()?,
                infomask: d.u16()?,
                ctid: d.tid()?,
            },
            3 => {
                let rel = d.rel()?;
                let block = d.u32()?;
                let bytes = d.take(PAGE_SIZE)?;
                let mut image = Box::new([0u8; PAGE_SIZE]);
                image.copy_from_slice(bytes);
                WalRecord::PageImage { rel, block, image }
            }
            4 => WalRecord::IndexInsert {
                rel: d.rel()?,
                block: d.u32()?,
                pos: d.u16()?,
                item: d.bytes()?,
            },
            5 => {
                let rel = d.rel()?;
                let n = d.u32()? as usize;
                if n > d.0.len() / PAGE_SIZE {
                    return None;
                }
                let mut pages = Vec::with_capacity(n);
                for _ in 0..n {
                    let block = d.u32()?;
                    let mut image = Box::new([0u8; PAGE_SIZE]);
                    image.copy_from_slice(d.take(PAGE_SIZE)?);
                    pages.push((block, image));
                }
                WalRecord::PageImages { rel, pages }
            }
            10 => WalRecord::Commit {
                subxids: d.u32s()?,
                drops: d.rels()?,
                time: d.u64()? as i64,
            },
            11 => WalRecord::Abort {
                subxids: d.u32s()?,
                drops: d.rels()?,
            },
            20 => WalRecord::RelCreate { rel: d.rel()? },
            21 => WalRecord::DbCreate {
                db: d.u32()?,
                template: d.u32()?,
            },
            22 => WalRecord::DbDrop { db: d.u32()? },
            30 => WalRecord::NextOid { next: d.u32()? },
            31 => WalRecord::Checkpoint {
                redo: d.u64()?,
                next_xid: d.u32()?,
                next_oid: d.u32()?,
                shutdown: d.u8()? != 0,
            },
            _ => return None,
        };
        d.0.is_empty().then_some(r)
    }

    /// The full record bytes with header, given its prev_lsn and xid.
    #[cfg(test)]
    fn encode(&self, prev: Lsn, xid: u32) -> Vec<u8> {
        let mut b = self.prepare(xid);
        b.seal(prev);
        b.0
    }

    /// The record's bytes with every header field but the previous
    /// record's LSN and the CRC: the encoding happens before the insert
    /// lock is taken.
    fn prepare(&self, xid: u32) -> Prepared {
        let mut e = Enc(Vec::with_capacity(64));
        e.0.resize(HEADER, 0);
        self.encode_payload(&mut e);
        let mut b = e.0;
        let total = b.len() as u32;
        b[0..4].copy_from_slice(&total.to_le_bytes());
        b[16..20].copy_from_slice(&xid.to_le_bytes());
        b[20] = self.kind();
        Prepared(b)
    }
}

/// A record ready but for its prev link (see [`WalRecord::prepare`]).
struct Prepared(Vec<u8>);

impl Prepared {
    /// Fills in the previous record's LSN and the CRC (length, then
    /// everything from the prev link on; hardware CRC-32C, a few
    /// nanoseconds for a row's record).
    fn seal(&mut self, prev: Lsn) {
        let b = &mut self.0;
        b[8..16].copy_from_slice(&prev.to_le_bytes());
        let crc = crc32c::crc32c_append(crc32c::crc32c(&b[0..4]), &b[8..]);
        b[4..8].copy_from_slice(&crc.to_le_bytes());
    }
}

/// The file name of segment `seg`.
pub fn segment_name(seg: u64) -> String {
    format!("{:08X}{:08X}{:08X}", 1, seg >> 8, seg & 0xff)
}

fn segment_of(name: &str) -> Option<u64> {
    if name.len() != 24 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hi = u64::from_str_radix(&name[8..16], 16).ok()?;
    let lo = u64::from_str_radix(&name[16..24], 16).ok()?;
    Some((hi << 8) | lo)
}

/// Inserted but not yet written bytes.
struct Insert {
    /// Bytes from `start` on.
    pending: Vec<u8>,
    /// LSN of `pending[0]`.
    start: Lsn,
    /// End of the last record inserted.
    end: Lsn,
    /// Start of the last record inserted.
    prev: Lsn,
}

/// The open segment file.
struct Output {
    /// Segment number and file.
    seg: Option<(u64, File)>,
    /// The last written buffer, kept (empty) to become the next insert
    /// buffer, so inserts do not regrow a buffer from nothing each time.
    spare: Vec<u8>,
}

/// The WAL writer, shared by every backend.
pub struct Wal {
    /// DATA/pg_wal.
    dir: PathBuf,
    /// Insert position and pending bytes.
    insert: Mutex<Insert>,
    /// Writing and fsyncing: one at a time.
    output: Mutex<Output>,
    /// Durable up to here.
    flushed: AtomicU64,
    /// Written (maybe not durable) up to here.
    written: AtomicU64,
    /// Wakes waiters when `flushed` moves.
    flushed_cv: Condvar,
    /// Paired with `flushed_cv`.
    flushed_lock: Mutex<()>,
    /// fsync setting.
    fsync: AtomicBool,
    /// Redo pointer of the latest checkpoint: a page last changed at or
    /// before it needs a full image on its next change.
    redo: AtomicU64,
    /// Tests: make the next flushes fail as a failed fsync would.
    #[cfg(test)]
    pub(crate) fail_sync: AtomicBool,
}

impl Wal {
    /// A writer whose next record starts at `end`, after record `prev`.
    pub fn open(dir: &Path, end: Lsn, prev: Lsn, fsync: bool) -> io::Result<Wal> {
        fs::create_dir_all(dir)?;
        Ok(Wal {
            dir: dir.to_path_buf(),
            insert: Mutex::new(Insert {
                pending: Vec::new(),
                start: end,
                end,
                prev,
            }),
            output: Mutex::new(Output {
                seg: None,
                spare: Vec::new(),
            }),
            flushed: AtomicU64::new(end),
            written: AtomicU64::new(end),
            flushed_cv: Condvar::new(),
            flushed_lock: Mutex::new(()),
            fsync: AtomicBool::new(fsync),
            #[cfg(test)]
            fail_sync: AtomicBool::new(false),
            redo: AtomicU64::new(0),
        })
    }

    /// Changes the fsync setting.
    pub fn set_fsync(&self, on: bool) {
        self.fsync.store(on, Ordering::Relaxed);
    }

    /// Appends a record; returns (start, end) LSNs. Nothing is durable
    /// until [`Wal::flush`].
    pub fn insert(&self, xid: u32, rec: &WalRecord) -> io::Result<(Lsn, Lsn)> {
        self.insert_checked(xid, rec, None)
            .map(|r| r.unwrap_or_default())
    }

    /// Inserts `rec` only if the checkpoint redo pointer is still
    /// `redo_seen`, the value its full-page-write decision was made
    /// against; None means a checkpoint began meanwhile and the caller
    /// must decide again (as PostgreSQL's XLogInsertRecord re-checks
    /// RedoRecPtr).
    pub fn insert_if_redo(
        &self,
        xid: u32,
        rec: &WalRecord,
        redo_seen: Lsn,
    ) -> io::Result<Option<(Lsn, Lsn)>> {
        self.insert_checked(xid, rec, Some(redo_seen))
    }

    /// Appends `rec`, unless `redo_seen` is given and the redo pointer
    /// moved; writes the buffer out when it grows past WRITE_OUT_AT.
    fn insert_checked(
        &self,
        xid: u32,
        rec: &WalRecord,
        redo_seen: Option<Lsn>,
    ) -> io::Result<Option<(Lsn, Lsn)>> {
        // Encoding happens before the lock, so concurrent inserters only
        // queue for the link, the CRC and the copy.
        let mut prepared = rec.prepare(xid);
        let (start, end, big) = {
            let mut ins = self.insert.lock();
            if redo_seen.is_some_and(|r| r != self.redo.load(Ordering::Acquire)) {
                return Ok(None);
            }
            prepared.seal(ins.prev);
            let bytes = &prepared.0;
            let start = ins.end;
            ins.end += bytes.len() as u64;
            ins.prev = start;
            ins.pending.extend_from_slice(bytes);
            (start, ins.end, ins.pending.len() > WRITE_OUT_AT)
        };
        if big {
            self.write_out(false, 0)?;
        }
        Ok(Some((start, end)))
    }

    /// Starts a checkpoint: its redo point is the current insert position,
    /// and from now on a page last changed before it gets a full image on
    /// its next change.
    pub fn begin_checkpoint(&self) -> Lsn {
        let ins = self.insert.lock();
        self.redo.store(ins.end, Ordering::Release);
        ins.end
    }

    /// The end of the last inserted record.
    pub fn insert_lsn(&self) -> Lsn {
        self.insert.lock().end
    }

    /// Durable up to here.
    pub fn flushed_lsn(&self) -> Lsn {
        self.flushed.load(Ordering::Acquire)
    }

    /// Sets the checkpoint redo pointer (full-page-write horizon).
    pub fn set_redo(&self, lsn: Lsn) {
        self.redo.store(lsn, Ordering::Release);
    }

    /// The checkpoint redo pointer.
    pub fn redo(&self) -> Lsn {
        self.redo.load(Ordering::Acquire)
    }

    /// Makes the log durable up to `upto` (group commit, rule 2).
    ///
    /// One flusher at a time writes and fsyncs everything inserted so far;
    /// the others wait on a condition variable and all wake when it is
    /// done, so every commit whose record made it into that write returns
    /// at once and the next flush gathers the ones that came after.
    pub fn flush(&self, upto: Lsn) -> io::Result<()> {
        if upto > self.insert_lsn() {
            return Err(io::Error::other(format!(
                "request to flush past end of generated WAL; request {upto:X}, current position {:X}",
                self.insert_lsn()
            )));
        }
        loop {
            if self.flushed_lsn() >= upto {
                return Ok(());
            }
            if let Some(out) = self.output.try_lock() {
                let result = self.write_locked(out, true, upto);
                // The output lock is free again before anyone wakes.
                let _g = self.flushed_lock.lock();
                self.flushed_cv.notify_all();
                result?;
                continue;
            }
            let mut g = self.flushed_lock.lock();
            if self.flushed_lsn() >= upto || !self.output.is_locked() {
                continue;
            }
            // Bounded, in case the flusher ended between our check and wait.
            self.flushed_cv
                .wait_for(&mut g, std::time::Duration::from_millis(5));
        }
    }

    /// Writes pending bytes (a buffer filled up).
    fn write_out(&self, sync: bool, upto: Lsn) -> io::Result<()> {
        let out = self.output.lock();
        let result = self.write_locked(out, sync, upto);
        // Flushers waiting for the output lock may take it now.
        let _g = self.flushed_lock.lock();
        self.flushed_cv.notify_all();
        result
    }

    /// Writes pending bytes holding the output lock; with `sync`, makes
    /// them durable.
    fn write_locked(
        &self,
        mut out: parking_lot::MutexGuard<'_, Output>,
        sync: bool,
        upto: Lsn,
    ) -> io::Result<()> {
        // Whoever held the lock before us may have flushed our record.
        if sync && self.flushed_lsn() >= upto {
            return Ok(());
        }
        let (mut bytes, start) = {
            let mut spare = std::mem::take(&mut out.spare);
            spare.clear();
            let mut ins = self.insert.lock();
            let start = ins.start;
            ins.start = ins.end;
            (std::mem::replace(&mut ins.pending, spare), start)
        };
        let end = start + bytes.len() as u64;
        let mut pos = start;
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let seg = pos / SEGMENT_SIZE;
            let off = pos % SEGMENT_SIZE;
            let n = rest.len().min((SEGMENT_SIZE - off) as usize);
            let file = self.segment(&mut out, seg)?;
            file.write_all_at(&rest[..n], off).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("could not write to WAL segment {}: {e}", segment_name(seg)),
                )
            })?;
            pos += n as u64;
            rest = &rest[n..];
        }
        self.written.fetch_max(end, Ordering::AcqRel);
        #[cfg(test)]
        if sync && self.fail_sync.load(Ordering::Relaxed) {
            return Err(io::Error::other(
                "could not fsync WAL segment: injected failure",
            ));
        }
        if sync && self.flushed_lsn() < self.written.load(Ordering::Acquire) {
            if self.fsync.load(Ordering::Relaxed) {
                if let Some((seg, f)) = &out.seg {
                    f.sync_data().map_err(|e| {
                        io::Error::new(
                            e.kind(),
                            format!("could not fsync WAL segment {}: {e}", segment_name(*seg)),
                        )
                    })?;
                }
            }
            self.flushed
                .fetch_max(self.written.load(Ordering::Acquire), Ordering::AcqRel);
        }
        bytes.clear();
        out.spare = bytes;
        Ok(())
    }

    /// The open file of segment `seg`, opening (and fsyncing the previous
    /// one) when the log moves to a new segment.
    fn segment<'a>(&self, out: &'a mut Output, seg: u64) -> io::Result<&'a File> {
        if out.seg.as_ref().map(|(s, _)| *s) != Some(seg) {
            if let Some((old, f)) = out.seg.take() {
                if self.fsync.load(Ordering::Relaxed) {
                    f.sync_data().map_err(|e| {
                        io::Error::new(
                            e.kind(),
                            format!("could not fsync WAL segment {}: {e}", segment_name(old)),
                        )
                    })?;
                }
            }
            let path = self.dir.join(segment_name(seg));
            let f = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            // Preallocate with zeros, as PostgreSQL does: writes then
            // never change the file's size, so a commit's fdatasync does
            // not also have to journal a new length.
            let len = f.metadata()?.len();
            if len < SEGMENT_SIZE {
                zero_fill(&f, len, SEGMENT_SIZE)?;
                if self.fsync.load(Ordering::Relaxed) {
                    f.sync_all()?;
                }
            }
            if self.fsync.load(Ordering::Relaxed) {
                File::open(&self.dir)?.sync_all()?;
            }
            out.seg = Some((seg, f));
        }
        match &out.seg {
            Some((_, f)) => Ok(f),
            None => Err(io::Error::other("no WAL segment open")),
        }
    }

    /// Creates the `ahead` segment files after the one being written, if
    /// missing, zero-filled and synced, so the writer moving on to a new
    /// segment finds it ready instead of zero-filling 16 MB and syncing it
    /// in the middle of a statement (PostgreSQL's PreallocXlogFiles). Each
    /// is built under a temporary name and linked into place only if the
    /// writer has not created it meanwhile. Returns how many it created.
    pub fn preallocate(&self, ahead: u64) -> io::Result<usize> {
        let current = self.insert_lsn() / SEGMENT_SIZE;
        let fsync = self.fsync.load(Ordering::Relaxed);
        let tmp = self.dir.join("xlogtemp.prealloc");
        let mut created = 0;
        for seg in current + 1..=current + ahead {
            let path = self.dir.join(segment_name(seg));
            if path.exists() {
                continue;
            }
            let f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)?;
            zero_fill(&f, 0, SEGMENT_SIZE)?;
            if fsync {
                f.sync_all()?;
            }
            drop(f);
            // A hard link fails if the name exists: a segment the writer
            // opened meanwhile is never replaced.
            match fs::hard_link(&tmp, &path) {
                Ok(()) => created += 1,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    let _ = fs::remove_file(&tmp);
                    return Err(e);
                }
            }
            fs::remove_file(&tmp)?;
        }
        if created > 0 && fsync {
            File::open(&self.dir)?.sync_all()?;
        }
        Ok(created)
    }

    /// Removes segment files wholly before `lsn` (after a checkpoint).
    pub fn remove_before(&self, lsn: Lsn) -> io::Result<usize> {
        let keep_from = lsn / SEGMENT_SIZE;
        let mut removed = 0;
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if let Some(seg) = name.to_str().and_then(segment_of) {
                if seg < keep_from {
                    fs::remove_file(entry.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Bytes of WAL generated since `lsn`.
    pub fn since(&self, lsn: Lsn) -> u64 {
        self.insert_lsn().saturating_sub(lsn)
    }
}

/// Reads records forward from an LSN, across segments.
pub struct WalReader {
    /// DATA/pg_wal.
    dir: PathBuf,
    /// Next record's start.
    pos: Lsn,
    /// The previous record's start, if known.
    prev: Option<Lsn>,
    /// The open segment.
    file: Option<(u64, File)>,
}

/// A record read back.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRecord {
    /// Start LSN.
    pub start: Lsn,
    /// End LSN (the next record's start).
    pub end: Lsn,
    /// Transaction that wrote it (0 if none).
    pub xid: u32,
    /// The record.
    pub record: WalRecord,
}

impl WalReader {
    /// A reader starting at `start`; `prev` is the start of the record
    /// before it, when known (checked against the first record's prev).
    pub fn new(dir: &Path, start: Lsn, prev: Option<Lsn>) -> WalReader {
        WalReader {
            dir: dir.to_path_buf(),
            pos: start,
            prev,
            file: None,
        }
    }

    /// Where the next record would start: after recovery, the end of the
    /// valid log.
    pub fn position(&self) -> Lsn {
        self.pos
    }

    /// The start of the last record read.
    pub fn last_start(&self) -> Option<Lsn> {
        self.prev
    }

    fn read_at(&mut self, mut pos: Lsn, mut out: &mut [u8]) -> bool {
        while !out.is_empty() {
            let seg = pos / SEGMENT_SIZE;
            let off = pos % SEGMENT_SIZE;
            if self.file.as_ref().map(|(s, _)| *s) != Some(seg) {
                match File::open(self.dir.join(segment_name(seg))) {
                    Ok(f) => self.file = Some((seg, f)),
                    Err(_) => return false,
                }
            }
            let Some((_, f)) = &self.file else {
                return false;
            };
            let n = out.len().min((SEGMENT_SIZE - off) as usize);
            if f.read_exact_at(&mut out[..n], off).is_err() {
                return false;
            }
            pos += n as u64;
            out = &mut out[n..];
        }
        true
    }

    /// The next valid record, or None at the end of the valid log.
    pub fn next_record(&mut self) -> Option<ReadRecord> {
        let mut head = [0u8; HEADER];
        if !self.read_at(self.pos, &mut head) {
            return None;
        }
        let total = u32::from_le_bytes([head[0], head[1], head[2], head[3]]) as usize;
        if !(HEADER..=MAX_RECORD).contains(&total) {
            return None;
        }
        let mut buf = vec![0u8; total];
        buf[..HEADER].copy_from_slice(&head);
        if !self.read_at(self.pos + HEADER as u64, &mut buf[HEADER..]) {
            return None;
        }
        let crc = u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]]);
        if crc != crc32c::crc32c_append(crc32c::crc32c(&buf[0..4]), &buf[8..]) {
            return None;
        }
        let mut p = [0u8; 8];
        p.copy_from_slice(&buf[8..16]);
        let prev = u64::from_le_bytes(p);
        if self.prev.is_some_and(|expected| expected != prev) {
            return None;
        }
        let xid = u32::from_le_bytes([buf[16], buf[17], buf[18], buf[19]]);
        let record = WalRecord::decode_payload(buf[20], &buf[HEADER..])?;
        let start = self.pos;
        self.pos += total as u64;
        self.prev = Some(start);
        Some(ReadRecord {
            start,
            end: self.pos,
            xid,
            record,
        })
    }
}

/// Writes zeros over `[from, to)` of `f`.
fn zero_fill(f: &File, from: u64, to: u64) -> io::Result<()> {
    let zeros = vec![0u8; 1 << 20];
    let mut pos = from;
    while pos < to {
        let n = (to - pos).min(zeros.len() as u64) as usize;
        f.write_all_at(&zeros[..n], pos)?;
        pos += n as u64;
    }
    Ok(())
}

/// After recovery: zeroes the rest of the segment holding `end` and
/// removes later segments (rule 3).
pub fn truncate_after(dir: &Path, end: Lsn) -> io::Result<()> {
    let seg = end / SEGMENT_SIZE;
    let path = dir.join(segment_name(seg));
    if let Ok(f) = OpenOptions::new().write(true).open(&path) {
        let len = f.metadata()?.len();
        let off = end % SEGMENT_SIZE;
        if len > off {
            // Zeros, not a shorter file: segments stay preallocated.
            zero_fill(&f, off, len)?;
            f.sync_all()?;
        }
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(s) = entry.file_name().to_str().and_then(segment_of) {
            if s > seg {
                fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn rel() -> RelId {
        RelId::new(5, 16384)
    }

    fn samples() -> Vec<WalRecord> {
        let mut image = Box::new([0u8; PAGE_SIZE]);
        image[100] = 7;
        vec![
            WalRecord::HeapInsert {
                rel: rel(),
                tid: Tid {
                    block: 3,
                    offset: 9,
                },
                tuple: vec![1, 2, 3],
                init_page: true,
            },
            WalRecord::HeapMultiInsert {
                rel: rel(),
                block: 4,
                tuples: vec![(1, vec![1; 30]), (2, vec![2; 40])],
                init_page: false,
            },
            WalRecord::HeapSetXmax {
                rel: rel(),
                tid: Tid {
                    block: 1,
                    offset: 2,
                },
                xmax: 77,
                cmax: 3,
                infomask: 0x80,
                ctid: Tid {
                    block: 4,
                    offset: 1,
                },
            },
            WalRecord::PageImage {
                rel: rel(),
                block: 12,
                image,
            },
            WalRecord::Commit {
                subxids: vec![8, 9],
                drops: vec![rel()],
                time: 42,
            },
            WalRecord::Abort {
                subxids: vec![],
                drops: vec![],
            },
            WalRecord::RelCreate { rel: rel() },
            WalRecord::DbCreate {
                db: 16400,
                template: 1,
            },
            WalRecord::DbDrop { db: 16400 },
            WalRecord::NextOid { next: 24576 },
            WalRecord::Checkpoint {
                redo: 1 << 24,
                next_xid: 100,
                next_oid: 16384,
                shutdown: true,
            },
        ]
    }

    #[test]
    fn every_record_kind_round_trips() {
        for r in samples() {
            let b = r.encode(123, 45);
            let back = WalRecord::decode_payload(b[20], &b[HEADER..]).unwrap();
            assert_eq!(back, r);
        }
    }

    #[test]
    fn write_then_read_across_segments() {
        let tmp = tempfile::tempdir().unwrap();
        // Start near the end of a segment so records straddle two files.
        let start = 2 * SEGMENT_SIZE - 100;
        let wal = Wal::open(tmp.path(), start, 0, true).unwrap();
        let mut ends = Vec::new();
        for r in samples() {
            ends.push(wal.insert(7, &r).unwrap());
        }
        wal.flush(ends.last().unwrap().1).unwrap();
        let mut reader = WalReader::new(tmp.path(), start, Some(0));
        let mut got = Vec::new();
        while let Some(r) = reader.next_record() {
            got.push(r);
        }
        assert_eq!(got.len(), samples().len());
        for ((r, want), (s, e)) in got.iter().zip(samples()).zip(&ends) {
            assert_eq!(r.record, want);
            assert_eq!((r.start, r.end, r.xid), (*s, *e, 7));
        }
        assert_eq!(reader.position(), ends.last().unwrap().1);
        assert!(
            tmp.path().join(segment_name(1)).exists() && tmp.path().join(segment_name(2)).exists()
        );
    }

    #[test]
    fn a_torn_tail_ends_the_log_cleanly() {
        let tmp = tempfile::tempdir().unwrap();
        let start = SEGMENT_SIZE;
        let wal = Wal::open(tmp.path(), start, 0, false).unwrap();
        let mut last = 0;
        for i in 0..5u32 {
            last = wal.insert(i, &WalRecord::NextOid { next: i }).unwrap().1;
        }
        let third_end = start + 3 * (last - start) / 5;
        wal.flush(last).unwrap();
        // Damage the 4th record's payload.
        let path = tmp.path().join(segment_name(1));
        let mut b = fs::read(&path).unwrap();
        b[(third_end - start) as usize + HEADER] ^= 0xff;
        fs::write(&path, b).unwrap();
        let mut r = WalReader::new(tmp.path(), start, None);
        let mut n = 0;
        while r.next_record().is_some() {
            n += 1;
        }
        assert_eq!(n, 3);
        assert_eq!(r.position(), third_end);
        // After truncation, new records continue from there.
        truncate_after(tmp.path(), third_end).unwrap();
        let wal = Wal::open(tmp.path(), third_end, r.last_start().unwrap(), false).unwrap();
        let e = wal.insert(9, &WalRecord::NextOid { next: 99 }).unwrap().1;
        wal.flush(e).unwrap();
        let mut r = WalReader::new(tmp.path(), start, None);
        let mut all = Vec::new();
        while let Some(x) = r.next_record() {
            all.push(x.record);
        }
        assert_eq!(all.len(), 4);
        assert_eq!(all[3], WalRecord::NextOid { next: 99 });
    }

    #[test]
    fn a_stale_record_with_a_wrong_prev_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let wal = Wal::open(tmp.path(), SEGMENT_SIZE, 0, false).unwrap();
        let (_, e1) = wal.insert(1, &WalRecord::NextOid { next: 1 }).unwrap();
        wal.flush(e1).unwrap();
        // A second writer, unaware of the first record, writes at e1 with
        // a prev pointing elsewhere: the reader stops after record 1.
        let other = Wal::open(tmp.path(), e1, 12345, false).unwrap();
        let (_, e2) = other.insert(2, &WalRecord::NextOid { next: 2 }).unwrap();
        other.flush(e2).unwrap();
        let mut r = WalReader::new(tmp.path(), SEGMENT_SIZE, None);
        assert!(r.next_record().is_some());
        assert!(r.next_record().is_none());
    }

    #[test]
    fn concurrent_commits_share_flushes() {
        let tmp = tempfile::tempdir().unwrap();
        let wal = Arc::new(Wal::open(tmp.path(), SEGMENT_SIZE, 0, true).unwrap());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let wal = Arc::clone(&wal);
                std::thread::spawn(move || {
                    for i in 0..50u32 {
                        let (_, end) = wal.insert(t, &WalRecord::NextOid { next: i }).unwrap();
                        wal.flush(end).unwrap();
                        assert!(wal.flushed_lsn() >= end);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let mut r = WalReader::new(tmp.path(), SEGMENT_SIZE, None);
        let mut n = 0;
        while r.next_record().is_some() {
            n += 1;
        }
        assert_eq!(n, 400);
    }

    #[test]
    fn preallocated_segments_are_used_and_never_replace_one_in_use() {
        let tmp = tempfile::tempdir().unwrap();
        let start = 2 * SEGMENT_SIZE - 100;
        let wal = Wal::open(tmp.path(), start, 0, false).unwrap();
        // The writer is in segment 1: segments 2 and 3 are made ready.
        assert_eq!(wal.preallocate(2).unwrap(), 2);
        for seg in [2, 3] {
            let len = fs::metadata(tmp.path().join(segment_name(seg)))
                .unwrap()
                .len();
            assert_eq!(len, SEGMENT_SIZE);
        }
        assert_eq!(wal.preallocate(2).unwrap(), 0, "already there");
        assert!(!tmp.path().join("xlogtemp.prealloc").exists());
        // Records cross into the preallocated segment and read back.
        let mut ends = Vec::new();
        for r in samples() {
            ends.push(wal.insert(7, &r).unwrap());
        }
        wal.flush(ends.last().unwrap().1).unwrap();
        let mut reader = WalReader::new(tmp.path(), start, Some(0));
        let mut got = 0;
        while reader.next_record().is_some() {
            got += 1;
        }
        assert_eq!(got, samples().len());
        assert_eq!(reader.position(), ends.last().unwrap().1);
        // A segment that exists (the writer's own) is left alone.
        fs::write(tmp.path().join(segment_name(4)), b"in use").unwrap();
        wal.preallocate(3).unwrap();
        assert_eq!(
            fs::read(tmp.path().join(segment_name(4))).unwrap(),
            b"in use"
        );
    }

    #[test]
    fn old_segments_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        for seg in 1..5 {
            File::create(tmp.path().join(segment_name(seg))).unwrap();
        }
        let wal = Wal::open(tmp.path(), 4 * SEGMENT_SIZE, 0, false).unwrap();
        assert_eq!(wal.remove_before(3 * SEGMENT_SIZE + 5).unwrap(), 2);
        assert!(!tmp.path().join(segment_name(2)).exists());
        assert!(tmp.path().join(segment_name(3)).exists());
        assert_eq!(segment_of(&segment_name(0x1_23)), Some(0x1_23));
    }

    proptest! {
        /// Random bytes in a segment never panic the reader.
        #[test]
        fn random_wal_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
            let tmp = tempfile::tempdir().unwrap();
            fs::write(tmp.path().join(segment_name(1)), &bytes).unwrap();
            let mut r = WalReader::new(tmp.path(), SEGMENT_SIZE, None);
            let mut n = 0;
            while r.next_record().is_some() && n < 100 {
                n += 1;
            }
        }

        #[test]
        fn heap_records_round_trip(tuple in prop::collection::vec(any::<u8>(), 0..500), block in any::<u32>(), offset in any::<u16>(), init in any::<bool>()) {
            let r = WalRecord::HeapInsert { rel: rel(), tid: Tid { block, offset }, tuple, init_page: init };
            let b = r.encode(1, 2);
            prop_assert_eq!(WalRecord::decode_payload(b[20], &b[HEADER..]).unwrap(), r);
        }
    }
}
