//! Relation files: one file per relation, 8 KB blocks (PostgreSQL's smgr
//! and md.c, without 1 GB segmentation).
//!
//! ```text
//! DATA/global/<relfilenode>        shared relations (database 0)
//! DATA/base/<db>/<relfilenode>     everything else
//! ```
//!
//! Rules:
//! 1. Every page written carries a checksum; every page read is verified,
//!    and a damaged page is an error naming the file and block, never
//!    silently used.
//! 2. Extension is serialised per relation, so two backends never get the
//!    same new block; the new block is written (as zeros) at once, so a
//!    full disk is an error at that moment.
//! 3. Files written since the last checkpoint are remembered and fsynced
//!    by [`Smgr::sync_pending`] before the checkpoint is recorded.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actorgres_memory::{Page, PAGE_SIZE};
use parking_lot::Mutex;

use crate::page;

/// The key of `r`'s open file: an unlogged relation's file is the one
/// its pages are read and written through (shared buffers know no
/// persistence), so it is keyed as a permanent one.
fn file_key(r: RelId) -> RelId {
    if r.is_unlogged() {
        RelId::new(r.db, r.rel)
    } else {
        r
    }
}

/// A relation file: database and relfilenode, and for a temporary
/// relation the backend that owns it (PostgreSQL's RelFileNodeBackend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RelId {
    /// Database OID, 0 for shared relations.
    pub db: u32,
    /// Relation file number.
    pub rel: u32,
    /// The owning backend's pid for a temporary relation (its pages live
    /// in that backend's local buffers and are never WAL-logged);
    /// [`RelId::UNLOGGED`] for an unlogged relation (shared buffers, no
    /// WAL, emptied after a crash); 0 for every other relation.
    pub backend: i32,
}

impl RelId {
    /// The `backend` of an unlogged relation.
    pub const UNLOGGED: i32 = -1;

    /// A permanent relation's file.
    pub fn new(db: u32, rel: u32) -> RelId {
        RelId {
            db,
            rel,
            backend: 0,
        }
    }

    /// Backend `backend`'s temporary relation file.
    pub fn temp(db: u32, rel: u32, backend: i32) -> RelId {
        RelId { db, rel, backend }
    }

    /// An unlogged relation's file.
    pub fn unlogged(db: u32, rel: u32) -> RelId {
        RelId {
            db,
            rel,
            backend: Self::UNLOGGED,
        }
    }

    /// Whether the relation is temporary (local buffers, no WAL).
    pub fn is_temp(&self) -> bool {
        self.backend > 0
    }

    /// Whether the relation is unlogged (no WAL, reset after a crash).
    pub fn is_unlogged(&self) -> bool {
        self.backend == Self::UNLOGGED
    }

    /// Whether changes to the relation are WAL-logged.
    pub fn is_logged(&self) -> bool {
        self.backend == 0
    }
}

/// An open relation file and its length in blocks.
struct RelFile {
    /// The file.
    file: File,
    /// Blocks, guarded for extension.
    nblocks: Mutex<u32>,
}

/// The relation file manager.
pub struct Smgr {
    /// The data directory.
    root: PathBuf,
    /// Open files.
    files: Mutex<HashMap<RelId, Arc<RelFile>, actorgres_memory::FastHash>>,
    /// Files written since the last checkpoint.
    pending: Mutex<HashSet<RelId>>,
    /// fsync setting.
    fsync: AtomicBool,
    /// Tests: make data-file writes fail as on a full disk.
    #[cfg(test)]
    pub(crate) fail_writes: AtomicBool,
}

/// PostgreSQL's message for a page that fails its checks.
fn damaged(relpath: &str, block: u32) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("invalid page in block {block} of relation {relpath}"),
    )
}

/// The OS's text for an error, without Rust's " (os error N)" suffix, as
/// PostgreSQL prints strerror.
pub fn os_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

impl Smgr {
    /// A manager over data directory `root`.
    pub fn new(root: &Path, fsync: bool) -> Smgr {
        Smgr {
            root: root.to_path_buf(),
            files: Mutex::new(HashMap::default()),
            pending: Mutex::new(HashSet::new()),
            fsync: AtomicBool::new(fsync),
            #[cfg(test)]
            fail_writes: AtomicBool::new(false),
        }
    }

    /// Changes the fsync setting.
    pub fn set_fsync(&self, on: bool) {
        self.fsync.store(on, Ordering::Relaxed);
    }

    /// The directory of database `db`.
    pub fn db_dir(&self, db: u32) -> PathBuf {
        if db == 0 {
            self.root.join("global")
        } else {
            self.root.join("base").join(db.to_string())
        }
    }

    /// The file of relation `r` (relative to the data directory in messages).
    /// The file's path relative to the data directory, as PostgreSQL's
    /// messages show it (`base/5/16384`).
    pub fn relpath(&self, r: RelId) -> String {
        let p = self.path(r);
        p.strip_prefix(&self.root)
            .unwrap_or(&p)
            .display()
            .to_string()
    }

    /// The file's path.
    /// A temporary relation's is `t<backend>_<relfilenode>`, as in
    /// PostgreSQL, so that start-up can remove every one of them.
    pub fn path(&self, r: RelId) -> PathBuf {
        if r.is_temp() {
            self.db_dir(r.db).join(format!("t{}_{}", r.backend, r.rel))
        } else {
            self.db_dir(r.db).join(r.rel.to_string())
        }
    }

    /// Removes the files of temporary relations (start-up: their sessions
    /// are gone, and nothing of them was WAL-logged); returns how many.
    pub fn remove_temp_files(&self) -> io::Result<usize> {
        let mut removed = 0;
        let Ok(dbs) = fs::read_dir(self.root.join("base")) else {
            return Ok(0);
        };
        for db in dbs.flatten() {
            let Ok(files) = fs::read_dir(db.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name();
                let name = name.to_string_lossy();
                let temp = name.strip_prefix('t').is_some_and(|rest| {
                    rest.split_once('_')
                        .is_some_and(|(b, r)| b.parse::<i32>().is_ok() && r.parse::<u32>().is_ok())
                });
                if temp {
                    fs::remove_file(f.path())?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Creates the (empty) file of `r`; an existing file is kept (redo).
    pub fn create(&self, r: RelId) -> io::Result<()> {
        fs::create_dir_all(self.db_dir(r.db))?;
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.path(r))?;
        self.mark_pending(r);
        Ok(())
    }

    /// True if the file of `r` exists.
    pub fn exists(&self, r: RelId) -> bool {
        self.files.lock().contains_key(&file_key(r)) || self.path(r).exists()
    }

    fn open(&self, r: RelId) -> io::Result<Arc<RelFile>> {
        let r = file_key(r);
        let mut files = self.files.lock();
        if let Some(f) = files.get(&r) {
            return Ok(Arc::clone(f));
        }
        let path = self.path(r);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "could not open file \"{}\": {}",
                        self.relpath(r),
                        os_message(&e)
                    ),
                )
            })?;
        let len = file.metadata()?.len();
        let f = Arc::new(RelFile {
            file,
            nblocks: Mutex::new((len / PAGE_SIZE as u64) as u32),
        });
        files.insert(r, Arc::clone(&f));
        Ok(f)
    }

    /// Blocks in `r`.
    pub fn nblocks(&self, r: RelId) -> io::Result<u32> {
        // Every page access asks: an open file answers under the map's
        // lock, without taking a reference to it.
        if let Some(f) = self.files.lock().get(&file_key(r)) {
            return Ok(*f.nblocks.lock());
        }
        Ok(*self.open(r)?.nblocks.lock())
    }

    /// Adds a zeroed block at the end of `r`; returns its number.
    pub fn extend(&self, r: RelId) -> io::Result<u32> {
        let f = self.open(r)?;
        let mut n = f.nblocks.lock();
        let block = *n;
        f.file
            .write_all_at(&[0u8; PAGE_SIZE], u64::from(block) * PAGE_SIZE as u64)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "could not extend file \"{}\": {}",
                        self.relpath(r),
                        os_message(&e)
                    ),
                )
            })?;
        *n = block + 1;
        self.mark_pending(r);
        Ok(block)
    }

    /// Reads block `block` of `r`, verifying its checksum.
    pub fn read(&self, r: RelId, block: u32, out: &mut Page) -> io::Result<()> {
        let f = self.open(r)?;
        f.file
            .read_exact_at(out, u64::from(block) * PAGE_SIZE as u64)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "could not read block {block} in file \"{}\": {}",
                        self.relpath(r),
                        os_message(&e)
                    ),
                )
            })?;
        if !page::verify(out) {
            return Err(damaged(&self.relpath(r), block));
        }
        Ok(())
    }

    /// Writes block `block` of `r` with a fresh checksum.
    pub fn write(&self, r: RelId, block: u32, data: &Page) -> io::Result<()> {
        let f = self.open(r)?;
        #[cfg(test)]
        if self.fail_writes.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                format!(
                    "could not write block {block} in file \"{}\": No space left on device",
                    self.relpath(r)
                ),
            ));
        }
        let mut copy = Box::new(*data);
        page::set_checksum(&mut copy);
        f.file
            .write_all_at(&copy[..], u64::from(block) * PAGE_SIZE as u64)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "could not write block {block} in file \"{}\": {}",
                        self.relpath(r),
                        os_message(&e)
                    ),
                )
            })?;
        {
            let mut n = f.nblocks.lock();
            *n = (*n).max(block + 1);
        }
        self.mark_pending(r);
        Ok(())
    }

    /// The init fork of unlogged relation `r` (PostgreSQL's
    /// `<relfilenode>_init`): what the relation holds after a crash.
    fn init_path(&self, r: RelId) -> PathBuf {
        self.db_dir(r.db).join(format!("{}_init", r.rel))
    }

    /// Writes the init fork of unlogged relation `r`: `pages` (none for a
    /// heap, an index's empty metapage and root), checksummed and synced.
    pub fn write_init_fork(&self, r: RelId, pages: &[&Page]) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(pages.len() * PAGE_SIZE);
        for p in pages {
            let mut copy = Box::new(**p);
            page::set_checksum(&mut copy);
            bytes.extend_from_slice(&copy[..]);
        }
        let path = self.init_path(r);
        fs::write(&path, &bytes)?;
        if self.fsync.load(Ordering::Relaxed) {
            File::open(&path)?.sync_all()?;
        }
        Ok(())
    }

    /// The unlogged relations on disk: every `<relfilenode>_init` file's
    /// (database, relfilenode).
    pub fn unlogged_relations(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let Ok(dbs) = fs::read_dir(self.root.join("base")) else {
            return out;
        };
        for db in dbs.flatten() {
            let Some(db_oid) = db.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(files) = fs::read_dir(db.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name();
                if let Some(rel) = name
                    .to_str()
                    .and_then(|n| n.strip_suffix("_init"))
                    .and_then(|n| n.parse::<u32>().ok())
                {
                    out.push((db_oid, rel));
                }
            }
        }
        out
    }

    /// Resets unlogged relation `r` to its init fork (after a crash its
    /// pages cannot be trusted: nothing of them was WAL-logged).
    pub fn reset_to_init_fork(&self, r: RelId) -> io::Result<()> {
        let init = fs::read(self.init_path(r))?;
        self.files.lock().remove(&file_key(r));
        fs::write(self.path(r), &init)?;
        if self.fsync.load(Ordering::Relaxed) {
            File::open(self.path(r))?.sync_all()?;
        }
        Ok(())
    }

    /// Notes that `r` needs an fsync at the next checkpoint; temporary
    /// files never do (a crash removes them).
    fn mark_pending(&self, r: RelId) {
        if !r.is_temp() {
            self.pending.lock().insert(file_key(r));
        }
    }

    /// Removes the file of `r` (DROP at commit; redo of it).
    pub fn unlink(&self, r: RelId) -> io::Result<()> {
        self.files.lock().remove(&file_key(r));
        self.pending.lock().remove(&file_key(r));
        if r.is_unlogged() {
            match fs::remove_file(self.init_path(r)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        match fs::remove_file(self.path(r)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// fsyncs every file written since the last call (checkpoint). An
    /// fsync failure is returned; the caller must not go on as if the data
    /// were safe.
    pub fn sync_pending(&self) -> io::Result<usize> {
        let todo: Vec<RelId> = self.pending.lock().drain().collect();
        if !self.fsync.load(Ordering::Relaxed) {
            return Ok(todo.len());
        }
        let mut dirs = HashSet::new();
        for r in &todo {
            match self.open(r.to_owned()) {
                Ok(f) => f.file.sync_all().map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("could not fsync file \"{}\": {e}", self.path(*r).display()),
                    )
                })?,
                // Dropped since it was written.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            dirs.insert(r.db);
        }
        for db in dirs {
            if let Ok(d) = File::open(self.db_dir(db)) {
                d.sync_all()?;
            }
        }
        Ok(todo.len())
    }

    /// Copies database directory `src` to `dst` (CREATE DATABASE).
    pub fn copy_db(&self, src: u32, dst: u32) -> io::Result<()> {
        let (from, to) = (self.db_dir(src), self.db_dir(dst));
        fs::create_dir_all(&to)?;
        for entry in fs::read_dir(&from)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                fs::copy(entry.path(), to.join(entry.file_name()))?;
            }
        }
        if self.fsync.load(Ordering::Relaxed) {
            for entry in fs::read_dir(&to)? {
                File::open(entry?.path())?.sync_all()?;
            }
            File::open(&to)?.sync_all()?;
        }
        Ok(())
    }

    /// Removes database directory `db` (DROP DATABASE).
    pub fn drop_db(&self, db: u32) -> io::Result<()> {
        self.files.lock().retain(|r, _| r.db != db);
        self.pending.lock().retain(|r| r.db != db);
        match fs::remove_dir_all(self.db_dir(db)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_write_read_and_detect_damage() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Smgr::new(tmp.path(), true);
        let r = RelId::new(5, 16384);
        s.create(r).unwrap();
        assert_eq!(s.nblocks(r).unwrap(), 0);
        assert_eq!(s.extend(r).unwrap(), 0);
        assert_eq!(s.extend(r).unwrap(), 1);
        let mut p = Box::new([0u8; PAGE_SIZE]);
        page::init(&mut p);
        page::add_tuple(&mut p, &[7u8; 40]).unwrap();
        s.write(r, 1, &p).unwrap();
        let mut back = Box::new([0u8; PAGE_SIZE]);
        s.read(r, 1, &mut back).unwrap();
        assert_eq!(page::tuple(&back, 1), page::tuple(&p, 1));
        s.read(r, 0, &mut back).unwrap();
        assert!(back.iter().all(|&b| b == 0), "extension writes zeros");
        assert_eq!(s.sync_pending().unwrap(), 1);

        // Flip a byte on disk: the read fails and names the file.
        let path = s.path(r);
        let mut bytes = fs::read(&path).unwrap();
        bytes[PAGE_SIZE + 4000] ^= 0x40;
        fs::write(&path, bytes).unwrap();
        let s = Smgr::new(tmp.path(), true);
        let e = s.read(r, 1, &mut back).unwrap_err();
        assert!(e.to_string().contains("invalid page in block 1"), "{e}");
        assert!(e.to_string().contains("base/5/16384"), "{e}");
        assert!(s.read(r, 9, &mut back).is_err(), "past the end");
    }

    #[test]
    fn copy_and_drop_databases() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Smgr::new(tmp.path(), false);
        let r = RelId::new(1, 1259);
        s.create(r).unwrap();
        s.extend(r).unwrap();
        s.copy_db(1, 7).unwrap();
        assert_eq!(s.nblocks(RelId::new(7, 1259)).unwrap(), 1);
        s.drop_db(7).unwrap();
        assert!(!s.exists(RelId::new(7, 1259)));
        s.unlink(r).unwrap();
        assert!(!s.exists(r));
    }
}
