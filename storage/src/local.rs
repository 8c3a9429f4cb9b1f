//! Local buffers: where a backend's temporary relations keep their pages
//! (PostgreSQL's localbuf.c, sized by temp_buffers).
//!
//! Rules:
//! 1. A temporary relation's [`RelId`] names its owning backend. Its pages
//!    are read into, changed in and evicted from that backend's own pool,
//!    never the shared one; the checkpointer never sees them.
//! 2. Nothing about them is WAL-logged: not the file's creation, not a
//!    page change, not their drop in a commit or abort record. A crash
//!    loses them, as it loses the sessions that owned them, and start-up
//!    removes their files (`t<backend>_<relfilenode>`, smgr.rs).
//! 3. A backend opens its pool before its first temporary relation and
//!    closes it when the session ends; only the owner reaches its pages
//!    (the SQL layer refuses other sessions' temporary tables with 0A000;
//!    here a relation whose owner has no pool is an error, not a panic).
//! 4. Dirty local pages reach the relation file only when evicted (no WAL
//!    to flush first, no fsync).
//! 5. Unlogged relations share rule 2 but live in shared buffers and
//!    survive a clean shutdown (checkpoints write them); each has an init
//!    fork (`<relfilenode>_init`: empty for a heap, an empty metapage and
//!    root for an index) that replaces it at start-up after a crash.

use std::collections::HashMap;
use std::io;
use std::ops::Deref;
use std::sync::Arc;

use actorgres_memory::{Buffer, BufferPool, BufferTag, Page, PageIo, ReadMode};
use parking_lot::RwLock;

use crate::engine::{Engine, Result, StorageError};
use crate::smgr::{RelId, Smgr};

/// Every backend's local pool, by backend pid, and the temporary
/// relations' owners.
#[derive(Default)]
pub(crate) struct LocalPools {
    pools: RwLock<HashMap<i32, Arc<BufferPool>, actorgres_memory::FastHash>>,
    /// (database, relfilenode) → owning backend, for every temporary
    /// relation file that exists.
    owners: RwLock<HashMap<(u32, u32), i32>>,
    /// The unlogged relations' (database, relfilenode) (rule 5).
    pub(crate) unlogged: RwLock<std::collections::HashSet<(u32, u32)>>,
}

impl LocalPools {
    /// No pools yet, and the unlogged relations found on disk.
    pub(crate) fn with_unlogged(unlogged: Vec<(u32, u32)>) -> LocalPools {
        LocalPools {
            unlogged: RwLock::new(unlogged.into_iter().collect()),
            ..Default::default()
        }
    }
}

/// Page I/O of one backend's local pool: its temporary relation files.
struct LocalIo {
    smgr: Arc<Smgr>,
    backend: i32,
}

impl PageIo for LocalIo {
    fn read_page(&self, tag: BufferTag, out: &mut Page) -> io::Result<()> {
        self.smgr
            .read(RelId::temp(tag.db, tag.rel, self.backend), tag.block, out)
    }

    fn write_page(&self, tag: BufferTag, data: &Page) -> io::Result<()> {
        self.smgr
            .write(RelId::temp(tag.db, tag.rel, self.backend), tag.block, data)
    }

    fn flush_wal(&self, _lsn: u64) -> io::Result<()> {
        Ok(())
    }
}

/// The pool holding a relation's pages (rule 1).
pub(crate) enum Buffers<'a> {
    /// Shared buffers.
    Shared(&'a BufferPool),
    /// The owning backend's local buffers.
    Local(Arc<BufferPool>),
}

impl Deref for Buffers<'_> {
    type Target = BufferPool;

    fn deref(&self) -> &BufferPool {
        match self {
            Buffers::Shared(p) => p,
            Buffers::Local(p) => p,
        }
    }
}

impl Engine {
    /// Pins block `block` of `rel` in the pool that holds its pages
    /// (rule 1).
    pub(crate) fn buffer(&self, rel: RelId, block: u32, mode: ReadMode) -> Result<Buffer<'_>> {
        let tag = BufferTag {
            db: rel.db,
            rel: rel.rel,
            block,
        };
        Ok(match self.buffers(rel)? {
            Buffers::Shared(p) => p.read_buffer(tag, mode)?,
            Buffers::Local(p) => p.read_buffer_counted(tag, mode)?,
        })
    }

    /// The file of relation `relfilenode` in database `db`: a temporary
    /// relation's names its owner (rule 1).
    pub fn relation(&self, db: u32, relfilenode: u32) -> RelId {
        if let Some(&backend) = self.local.owners.read().get(&(db, relfilenode)) {
            return RelId::temp(db, relfilenode, backend);
        }
        if self.local.unlogged.read().contains(&(db, relfilenode)) {
            return RelId::unlogged(db, relfilenode);
        }
        RelId::new(db, relfilenode)
    }

    /// Creates the file of an unlogged relation and its (empty) init fork
    /// (rule 5); an index's init fork is written by `index_create`.
    pub fn create_unlogged_relation(&self, db: u32, relfilenode: u32) -> Result<RelId> {
        let rel = RelId::unlogged(db, relfilenode);
        self.smgr.create(rel)?;
        self.smgr.write_init_fork(rel, &[])?;
        self.local.unlogged.write().insert((db, relfilenode));
        Ok(rel)
    }

    /// Creates the file of backend `backend`'s temporary relation: not
    /// WAL-logged (rule 2).
    pub fn create_temp_relation(&self, db: u32, relfilenode: u32, backend: i32) -> Result<RelId> {
        let rel = RelId::temp(db, relfilenode, backend);
        self.smgr.create(rel)?;
        self.local.owners.write().insert((db, relfilenode), backend);
        Ok(rel)
    }

    /// Creates a file for a new version of relation `old` (a rewrite):
    /// temporary if `old` is.
    pub fn create_relation_like(&self, xid: u32, old: RelId, relfilenode: u32) -> Result<RelId> {
        if old.is_temp() {
            self.create_temp_relation(old.db, relfilenode, old.backend)
        } else if old.is_unlogged() {
            self.create_unlogged_relation(old.db, relfilenode)
        } else {
            self.create_relation(xid, old.db, relfilenode)
        }
    }

    /// Forgets a temporary relation's owner (its file is gone).
    pub(crate) fn forget_temp_owner(&self, rel: RelId) {
        if rel.is_temp() {
            self.local.owners.write().remove(&(rel.db, rel.rel));
        }
    }

    /// The pool that holds `rel`'s pages (rule 1).
    pub(crate) fn buffers(&self, rel: RelId) -> Result<Buffers<'_>> {
        if !rel.is_temp() {
            return Ok(Buffers::Shared(&self.pool));
        }
        match self.local.pools.read().get(&rel.backend) {
            Some(p) => Ok(Buffers::Local(Arc::clone(p))),
            None => Err(StorageError::OtherSessionTemp),
        }
    }

    /// Opens backend `backend`'s local buffers with `frames` pages, unless
    /// they are open (rule 3); returns the pool's size in pages.
    pub fn open_local_buffers(&self, backend: i32, frames: usize) -> usize {
        let mut pools = self.local.pools.write();
        let pool = pools.entry(backend).or_insert_with(|| {
            Arc::new(BufferPool::new(
                frames,
                Box::new(LocalIo {
                    smgr: Arc::clone(&self.smgr),
                    backend,
                }),
            ))
        });
        pool.size()
    }

    /// The size in pages of backend `backend`'s local buffers, if open.
    pub fn local_buffers(&self, backend: i32) -> Option<usize> {
        self.local.pools.read().get(&backend).map(|p| p.size())
    }

    /// Closes backend `backend`'s local buffers (its session ended; its
    /// temporary relations are dropped already). Dirty pages are dropped
    /// with them (rule 4).
    pub fn close_local_buffers(&self, backend: i32) {
        self.local.pools.write().remove(&backend);
        self.local.owners.write().retain(|_, b| *b != backend);
    }
}
