//! The commit log (pg_xact): two bits of status per transaction id.
//!
//! The whole log lives in memory as 8 KB pages of atomics (32768 xids a
//! page), so a visibility check costs one atomic load. Pages changed since
//! the last checkpoint are written to DATA/pg_xact/<segment> (32 pages a
//! file, as PostgreSQL's SLRU segments) and fsynced by the checkpoint
//! before its record; status set after the checkpoint's redo point is
//! rebuilt from commit and abort records by recovery.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use parking_lot::{Mutex, RwLock};

/// Bytes in a clog page.
const PAGE: usize = 8192;
/// Transactions per page.
const XIDS_PER_PAGE: u32 = (PAGE * 4) as u32;
/// Pages per segment file.
const PAGES_PER_SEGMENT: u32 = 32;

/// The first transaction id handed to a user transaction (0 invalid,
/// 1 bootstrap, 2 frozen: all three count as committed except 0).
pub const FIRST_NORMAL_XID: u32 = 3;

/// A transaction's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XidStatus {
    /// Running, or crashed before recovery marked it.
    InProgress,
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

type ClogPage = Box<[AtomicU8]>;

/// The commit log.
pub struct Clog {
    /// DATA/pg_xact.
    dir: PathBuf,
    /// Pages, grown on demand.
    pages: RwLock<Vec<ClogPage>>,
    /// Pages changed since the last [`Clog::flush`].
    dirty: Mutex<BTreeSet<u32>>,
    /// Tells this commit log from others in the process (tests open many)
    /// for the per-thread cache of the last final status read.
    id: u64,
}

/// Source of [`Clog::id`].
static NEXT_CLOG_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

thread_local! {
    /// (clog id, xid, status) of the last committed or aborted xid this
    /// thread looked up: a scan meets the same few xids row after row
    /// (PostgreSQL keeps the same one-entry cache, cachedFetchXid). Final
    /// statuses never change, so the cache is never stale.
    static LAST_FINAL: std::cell::Cell<(u64, u32, u8)> = const { std::cell::Cell::new((0, 0, 0)) };
}

fn status_of(bits: u8) -> XidStatus {
    match bits {
        1 => XidStatus::Committed,
        2 => XidStatus::Aborted,
        _ => XidStatus::InProgress,
    }
}

fn new_page() -> ClogPage {
    (0..PAGE).map(|_| AtomicU8::new(0)).collect()
}

impl Clog {
    /// Loads every page found in `dir`.
    pub fn load(dir: &Path) -> io::Result<Clog> {
        fs::create_dir_all(dir)?;
        let mut pages: Vec<ClogPage> = Vec::new();
        let mut segments: Vec<u32> = fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .filter_map(|e| u32::from_str_radix(e.file_name().to_str()?, 16).ok())
            .collect();
        segments.sort_unstable();
        for seg in segments {
            let bytes = fs::read(dir.join(format!("{seg:04X}")))?;
            for (i, chunk) in bytes.chunks(PAGE).enumerate() {
                let pageno = (seg * PAGES_PER_SEGMENT) as usize + i;
                while pages.len() <= pageno {
                    pages.push(new_page());
                }
                for (j, b) in chunk.iter().enumerate() {
                    pages[pageno][j].store(*b, Ordering::Relaxed);
                }
            }
        }
        Ok(Clog {
            id: NEXT_CLOG_ID.fetch_add(1, Ordering::Relaxed),
            dir: dir.to_path_buf(),
            pages: RwLock::new(pages),
            dirty: Mutex::new(BTreeSet::new()),
        })
    }

    /// The status of `xid`.
    pub fn get(&self, xid: u32) -> XidStatus {
        if xid < FIRST_NORMAL_XID {
            return if xid == 0 {
                XidStatus::Aborted
            } else {
                XidStatus::Committed
            };
        }
        let (id, last, bits) = LAST_FINAL.with(std::cell::Cell::get);
        if id == self.id && last == xid {
            return status_of(bits);
        }
        let pageno = (xid / XIDS_PER_PAGE) as usize;
        let idx = (xid % XIDS_PER_PAGE) as usize;
        let pages = self.pages.read();
        let Some(page) = pages.get(pageno) else {
            return XidStatus::InProgress;
        };
        let bits = (page[idx / 4].load(Ordering::Acquire) >> ((idx % 4) * 2)) & 3;
        if bits == 1 || bits == 2 {
            LAST_FINAL.with(|c| c.set((self.id, xid, bits)));
        }
        status_of(bits)
    }

    /// Records the status of `xid`.
    pub fn set(&self, xid: u32, status: XidStatus) {
        if xid < FIRST_NORMAL_XID {
            return;
        }
        let pageno = (xid / XIDS_PER_PAGE) as usize;
        let idx = (xid % XIDS_PER_PAGE) as usize;
        {
            let pages = self.pages.read();
            if pageno >= pages.len() {
                drop(pages);
                let mut w = self.pages.write();
                while w.len() <= pageno {
                    w.push(new_page());
                }
            }
        }
        let bits = match status {
            XidStatus::InProgress => 0,
            XidStatus::Committed => 1,
            XidStatus::Aborted => 2,
        };
        let pages = self.pages.read();
        let cell = &pages[pageno][idx / 4];
        let shift = (idx % 4) * 2;
        let mut cur = cell.load(Ordering::Acquire);
        loop {
            let new = (cur & !(3 << shift)) | (bits << shift);
            match cell.compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(actual) => cur = actual,
            }
        }
        self.dirty.lock().insert(pageno as u32);
    }

    /// Writes changed pages and fsyncs them (checkpoint).
    pub fn flush(&self, fsync: bool) -> io::Result<()> {
        let dirty: Vec<u32> = std::mem::take(&mut *self.dirty.lock())
            .into_iter()
            .collect();
        let mut touched = BTreeSet::new();
        let pages = self.pages.read();
        for pageno in dirty {
            let seg = pageno / PAGES_PER_SEGMENT;
            let path = self.dir.join(format!("{seg:04X}"));
            let f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            let bytes: Vec<u8> = pages[pageno as usize]
                .iter()
                .map(|b| b.load(Ordering::Acquire))
                .collect();
            f.write_all_at(&bytes, u64::from(pageno % PAGES_PER_SEGMENT) * PAGE as u64)
                .map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("could not write \"{}\": {e}", path.display()),
                    )
                })?;
            touched.insert(seg);
        }
        if fsync {
            for seg in touched {
                File::open(self.dir.join(format!("{seg:04X}")))?.sync_all()?;
            }
            File::open(&self.dir)?.sync_all()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_persist_across_load() {
        let tmp = tempfile::tempdir().unwrap();
        let c = Clog::load(tmp.path()).unwrap();
        assert_eq!(c.get(1), XidStatus::Committed);
        assert_eq!(c.get(0), XidStatus::Aborted);
        assert_eq!(c.get(5), XidStatus::InProgress);
        c.set(5, XidStatus::Committed);
        c.set(6, XidStatus::Aborted);
        c.set(7, XidStatus::Committed);
        c.set(XIDS_PER_PAGE * 40 + 3, XidStatus::Committed);
        c.flush(true).unwrap();
        let c = Clog::load(tmp.path()).unwrap();
        assert_eq!(c.get(5), XidStatus::Committed);
        assert_eq!(c.get(6), XidStatus::Aborted);
        assert_eq!(c.get(7), XidStatus::Committed);
        assert_eq!(c.get(8), XidStatus::InProgress);
        assert_eq!(c.get(XIDS_PER_PAGE * 40 + 3), XidStatus::Committed);
    }

    #[test]
    fn neighbours_in_one_byte_do_not_clobber_each_other() {
        let tmp = tempfile::tempdir().unwrap();
        let c = std::sync::Arc::new(Clog::load(tmp.path()).unwrap());
        let threads: Vec<_> = (0..4u32)
            .map(|t| {
                let c = std::sync::Arc::clone(&c);
                std::thread::spawn(move || {
                    for i in 0..1000u32 {
                        c.set(FIRST_NORMAL_XID + 1 + i * 4 + t, XidStatus::Committed);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        for x in FIRST_NORMAL_XID + 1..FIRST_NORMAL_XID + 4001 {
            assert_eq!(c.get(x), XidStatus::Committed, "{x}");
        }
    }
}
