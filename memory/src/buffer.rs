//! The shared buffer pool: PostgreSQL's shared_buffers, in small.
//!
//! ```text
//! BufferPool
//!   frames[0..n]   8 KB page + descriptor (tag, pins, usage, dirty, valid)
//!   map[partition] BufferTag → frame, 64 partitions, each its own mutex
//!   clock          the clock-sweep hand
//! ```
//!
//! Rules (as storage/buffer/README in PostgreSQL):
//! 1. Pin before lock: a page's contents may be read or written only
//!    through a [`Buffer`] (a pin), and only under its content lock
//!    ([`Buffer::read`] shared, [`Buffer::write`] exclusive). Pins and
//!    locks are RAII guards, so a panic or an error releases them.
//! 2. A frame is replaced only when unpinned; clock sweep decrements usage
//!    counts (at most 5) and takes the first unpinned frame at zero.
//! 3. WAL before data: before a dirty page is written, [`PageIo::flush_wal`]
//!    is called with the page's LSN (its first 8 bytes).
//! 4. Lock order: mapping partition before descriptor; never the reverse.
//!    Content locks are never taken while a descriptor or partition lock is
//!    held.
//! 5. Pages are modified only under the exclusive content lock, and the
//!    modifier marks the buffer dirty before releasing it.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::{Condvar, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Bytes in a page.
pub const PAGE_SIZE: usize = 8192;

/// A page's bytes.
pub type Page = [u8; PAGE_SIZE];

/// Which page: database, relation file, block number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BufferTag {
    /// Database OID (0 for shared relations).
    pub db: u32,
    /// Relation file number.
    pub rel: u32,
    /// Block number within the relation.
    pub block: u32,
}

/// Reads and writes pages and flushes WAL; implemented by storage.
pub trait PageIo: Send + Sync {
    /// Reads the page at `tag` into `page`.
    fn read_page(&self, tag: BufferTag, page: &mut Page) -> io::Result<()>;
    /// Writes `page` at `tag`.
    fn write_page(&self, tag: BufferTag, page: &Page) -> io::Result<()>;
    /// Makes WAL durable up to `lsn` (rule 3).
    fn flush_wal(&self, lsn: u64) -> io::Result<()>;
}

/// How to fill a frame for a page not in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// Read it from disk.
    Normal,
    /// The page is new (relation extension, or redo that restores a full
    /// page image): start from zeros, do not read.
    Zeroed,
}

/// Errors of the pool.
#[derive(Debug, thiserror::Error)]
pub enum BufferError {
    /// Every frame is pinned.
    #[error("no unpinned buffers available")]
    NoFreeBuffers,
    /// Reading or writing a page failed.
    #[error("could not {op} block {block} of relation {db}/{rel}: {source}")]
    Io {
        /// "read" or "write".
        op: &'static str,
        /// Database.
        db: u32,
        /// Relation.
        rel: u32,
        /// Block.
        block: u32,
        /// The cause.
        source: io::Error,
    },
}

/// The descriptor of a frame.
#[derive(Debug, Default)]
struct Desc {
    /// The page held, if any.
    tag: Option<BufferTag>,
    /// Pins held.
    pins: u32,
    /// Clock-sweep usage count, 0..=5.
    usage: u8,
    /// Modified since last written.
    dirty: bool,
    /// Contents are the page's (read or initialised).
    valid: bool,
    /// Someone is reading the page in; others wait on `io_done`.
    io_in_progress: bool,
}

/// One frame: descriptor and page.
struct Frame {
    /// Descriptor.
    desc: Mutex<Desc>,
    /// Contents, under the content lock.
    page: RwLock<Box<Page>>,
}

/// The most a usage count grows (BM_MAX_USAGE_COUNT).
const MAX_USAGE: u8 = 5;
/// Mapping partitions (NUM_BUFFER_PARTITIONS is 128 in PostgreSQL).
const PARTITIONS: usize = 64;

/// Counters, for the SharedBuffers actor and the tree.
#[derive(Debug, Default)]
struct Counters {
    hits: AtomicU64,
    reads: AtomicU64,
    writes: AtomicU64,
    evictions: AtomicU64,
}

/// A snapshot of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BufferStats {
    /// Frames.
    pub size: usize,
    /// Frames holding a page.
    pub in_use: usize,
    /// Frames holding a modified page.
    pub dirty: usize,
    /// Frames pinned now.
    pub pinned: usize,
    /// Lookups found in the pool.
    pub hits: u64,
    /// Pages read from disk.
    pub reads: u64,
    /// Pages written to disk.
    pub writes: u64,
    /// Pages replaced.
    pub evictions: u64,
}

/// The pool.
pub struct BufferPool {
    /// Frames.
    frames: Box<[Frame]>,
    /// Tag → frame, partitioned.
    map: Box<[Mutex<HashMap<BufferTag, usize, FastHash>>]>,
    /// Clock hand.
    clock: AtomicUsize,
    /// Wakes readers waiting for another's I/O.
    io_done: Condvar,
    /// Paired with `io_done`.
    io_lock: Mutex<()>,
    /// Disk and WAL.
    io: Box<dyn PageIo>,
    /// Counters.
    counters: Counters,
}

/// A pinned buffer; unpinned when dropped.
pub struct Buffer<'a> {
    /// The pool.
    pool: PoolRef<'a>,
    /// Frame index.
    id: usize,
    /// The page held.
    tag: BufferTag,
}

/// How a buffer reaches its pool: borrowed (a pool that outlives its
/// users, like shared buffers) or counted (a backend's local pool, which
/// may close while others look it up).
enum PoolRef<'a> {
    Borrowed(&'a BufferPool),
    Counted(Arc<BufferPool>),
}

impl std::ops::Deref for PoolRef<'_> {
    type Target = BufferPool;

    fn deref(&self) -> &BufferPool {
        match self {
            PoolRef::Borrowed(p) => p,
            PoolRef::Counted(p) => p,
        }
    }
}

fn partition(tag: &BufferTag) -> usize {
    let mut h = FastHasher::default();
    tag.hash(&mut h);
    (h.finish() as usize) % PARTITIONS
}

/// A multiply-rotate hasher for small keys on hot paths: buffer tags and
/// relation ids on the page-access path, setting names, a session's
/// statement and portal names. SipHash's DoS resistance buys nothing
/// there (the keys are not chosen by clients, or only by the client
/// whose own session's tables they are) and its cost shows in profiles.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // Mix the high bits down: partitions and buckets use low bits.
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            // The length keeps "a" and "a\0" apart.
            self.write_u64(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// [`FastHasher`] for hash maps.
pub type FastHash = std::hash::BuildHasherDefault<FastHasher>;

/// The LSN stored in a page's first 8 bytes.
pub fn page_lsn(page: &Page) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&page[..8]);
    u64::from_le_bytes(b)
}

impl BufferPool {
    /// A pool of `frames` pages (at least 16) over `io`.
    pub fn new(frames: usize, io: Box<dyn PageIo>) -> BufferPool {
        let frames = frames.max(16);
        BufferPool {
            frames: (0..frames)
                .map(|_| Frame {
                    desc: Mutex::new(Desc::default()),
                    page: RwLock::new(Box::new([0u8; PAGE_SIZE])),
                })
                .collect(),
            map: (0..PARTITIONS)
                .map(|_| Mutex::new(HashMap::default()))
                .collect(),
            clock: AtomicUsize::new(0),
            io_done: Condvar::new(),
            io_lock: Mutex::new(()),
            io,
            counters: Counters::default(),
        }
    }

    /// Number of frames.
    pub fn size(&self) -> usize {
        self.frames.len()
    }

    /// Pins the page `tag`, reading it in (or zeroing it) if needed.
    pub fn read_buffer(&self, tag: BufferTag, mode: ReadMode) -> Result<Buffer<'_>, BufferError> {
        loop {
            let part = &self.map[partition(&tag)];
            let found = part.lock().get(&tag).copied();
            if let Some(id) = found {
                if let Some(b) = self.pin_existing(id, tag, mode)? {
                    self.counters.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(b);
                }
                continue;
            }
            if let Some(b) = self.load(tag, mode)? {
                return Ok(b);
            }
        }
    }

    /// [`BufferPool::read_buffer`] for a pool held by `Arc`: the buffer
    /// keeps the pool alive.
    pub fn read_buffer_counted(
        self: &Arc<Self>,
        tag: BufferTag,
        mode: ReadMode,
    ) -> Result<Buffer<'static>, BufferError> {
        let b = self.read_buffer(tag, mode)?;
        let (id, tag) = (b.id, b.tag);
        // The pin passes to the counted buffer; the borrowed one must not
        // unpin it.
        std::mem::forget(b);
        Ok(Buffer {
            pool: PoolRef::Counted(Arc::clone(self)),
            id,
            tag,
        })
    }

    /// Pins frame `id` if it still holds `tag`; waits for a read in
    /// progress; retries a failed read. None: the frame was reused, look
    /// again.
    fn pin_existing(
        &self,
        id: usize,
        tag: BufferTag,
        mode: ReadMode,
    ) -> Result<Option<Buffer<'_>>, BufferError> {
        let frame = &self.frames[id];
        let mut d = frame.desc.lock();
        if d.tag != Some(tag) {
            return Ok(None);
        }
        d.pins += 1;
        d.usage = (d.usage + 1).min(MAX_USAGE);
        let buffer = Buffer {
            pool: PoolRef::Borrowed(self),
            id,
            tag,
        };
        loop {
            if d.valid {
                return Ok(Some(buffer));
            }
            if !d.io_in_progress {
                // An earlier read failed: do it ourselves.
                d.io_in_progress = true;
                drop(d);
                self.fill(id, tag, mode)?;
                return Ok(Some(buffer));
            }
            drop(d);
            let mut g = self.io_lock.lock();
            if frame.desc.lock().io_in_progress {
                self.io_done
                    .wait_for(&mut g, std::time::Duration::from_millis(10));
            }
            drop(g);
            d = frame.desc.lock();
        }
    }

    /// Brings `tag` into a victim frame. None if someone else loaded it
    /// meanwhile (look again).
    fn load(&self, tag: BufferTag, mode: ReadMode) -> Result<Option<Buffer<'_>>, BufferError> {
        let victim = self.find_victim()?;
        // Write back a dirty victim first, holding only our pin.
        if let Err(e) = self.write_if_dirty(victim) {
            self.unpin(victim);
            return Err(e);
        }
        let old = self.frames[victim].desc.lock().tag;
        let new_part = partition(&tag);
        let old_part = old.map(|t| partition(&t));
        // Both partitions, in index order (rule 4).
        let (first, second) = match old_part {
            Some(o) if o != new_part => (o.min(new_part), Some(o.max(new_part))),
            _ => (new_part, None),
        };
        let mut g1 = self.map[first].lock();
        let mut g2 = second.map(|s| self.map[s].lock());
        let new_map = if first == new_part {
            &mut *g1
        } else {
            g2.as_deref_mut().unwrap_or(&mut *g1)
        };
        if new_map.contains_key(&tag) {
            drop((g1, g2));
            self.unpin(victim);
            return Ok(None);
        }
        let mut d = self.frames[victim].desc.lock();
        if d.pins != 1 || d.dirty || d.tag != old {
            // Someone pinned or dirtied it after we chose it: choose again.
            drop(d);
            drop((g1, g2));
            self.unpin(victim);
            return Ok(None);
        }
        new_map.insert(tag, victim);
        if let Some(o) = old {
            let old_map = if old_part == Some(first) {
                &mut *g1
            } else {
                g2.as_deref_mut().unwrap_or(&mut *g1)
            };
            old_map.remove(&o);
            self.counters.evictions.fetch_add(1, Ordering::Relaxed);
        }
        d.tag = Some(tag);
        d.valid = false;
        d.io_in_progress = true;
        d.usage = 1;
        drop(d);
        drop((g1, g2));
        let buffer = Buffer {
            pool: PoolRef::Borrowed(self),
            id: victim,
            tag,
        };
        self.fill(victim, tag, mode)?;
        Ok(Some(buffer))
    }

    /// Reads (or zeroes) the page of a frame whose io_in_progress we set.
    fn fill(&self, id: usize, tag: BufferTag, mode: ReadMode) -> Result<(), BufferError> {
        let frame = &self.frames[id];
        let result = {
            let mut page = frame.page.write();
            match mode {
                ReadMode::Zeroed => {
                    page.fill(0);
                    Ok(())
                }
                ReadMode::Normal => {
                    self.counters.reads.fetch_add(1, Ordering::Relaxed);
                    self.io.read_page(tag, &mut page)
                }
            }
        };
        {
            let mut d = frame.desc.lock();
            d.io_in_progress = false;
            d.valid = result.is_ok();
        }
        let _g = self.io_lock.lock();
        self.io_done.notify_all();
        result.map_err(|source| BufferError::Io {
            op: "read",
            db: tag.db,
            rel: tag.rel,
            block: tag.block,
            source,
        })
    }

    /// Clock sweep: returns an unpinned frame, now pinned by us.
    fn find_victim(&self) -> Result<usize, BufferError> {
        let n = self.frames.len();
        for _ in 0..n * (usize::from(MAX_USAGE) + 2) {
            let id = self.clock.fetch_add(1, Ordering::Relaxed) % n;
            let mut d = self.frames[id].desc.lock();
            if d.pins > 0 || d.io_in_progress {
                continue;
            }
            if d.usage > 0 && d.tag.is_some() {
                d.usage -= 1;
                continue;
            }
            d.pins = 1;
            return Ok(id);
        }
        Err(BufferError::NoFreeBuffers)
    }

    /// Writes frame `id` if dirty (WAL first). The caller holds a pin.
    fn write_if_dirty(&self, id: usize) -> Result<(), BufferError> {
        let frame = &self.frames[id];
        let (tag, dirty) = {
            let d = frame.desc.lock();
            (d.tag, d.dirty && d.valid)
        };
        let (Some(tag), true) = (tag, dirty) else {
            return Ok(());
        };
        let page = frame.page.read();
        let io_err = |source| BufferError::Io {
            op: "write",
            db: tag.db,
            rel: tag.rel,
            block: tag.block,
            source,
        };
        self.io.flush_wal(page_lsn(&page)).map_err(io_err)?;
        self.io.write_page(tag, &page).map_err(io_err)?;
        // Still under the shared content lock: nobody modified it since.
        frame.desc.lock().dirty = false;
        self.counters.writes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn unpin(&self, id: usize) {
        let mut d = self.frames[id].desc.lock();
        d.pins = d.pins.saturating_sub(1);
    }

    /// Frames holding dirty pages now (for a checkpoint).
    pub fn dirty_buffers(&self) -> Vec<usize> {
        (0..self.frames.len())
            .filter(|&i| {
                let d = self.frames[i].desc.lock();
                d.dirty && d.valid
            })
            .collect()
    }

    /// Writes frame `id` if it is still dirty; true if it wrote.
    pub fn flush_buffer(&self, id: usize) -> Result<bool, BufferError> {
        {
            let mut d = self.frames[id].desc.lock();
            if !(d.dirty && d.valid) {
                return Ok(false);
            }
            d.pins += 1;
        }
        let r = self.write_if_dirty(id);
        self.unpin(id);
        r.map(|()| true)
    }

    /// Background writer: looks at up to `scan` frames ahead of the clock
    /// hand and writes the dirty ones the sweep would evict next (unpinned,
    /// usage count 0), at most `max_writes`, so backends find clean
    /// victims. Returns how many it wrote.
    pub fn write_back(&self, scan: usize, max_writes: usize) -> Result<usize, BufferError> {
        let n = self.frames.len();
        let start = self.clock.load(Ordering::Relaxed);
        let mut written = 0;
        for i in 0..scan.min(n) {
            if written >= max_writes {
                break;
            }
            let id = (start + i) % n;
            let candidate = {
                let d = self.frames[id].desc.lock();
                d.dirty && d.valid && d.pins == 0 && d.usage == 0
            };
            if candidate && self.flush_buffer(id)? {
                written += 1;
            }
        }
        Ok(written)
    }

    /// Forgets every page of relation `db/rel` at or past block `from`
    /// without writing them (DROP, TRUNCATE). The caller holds the
    /// relation exclusively; a page still pinned by someone is left alone
    /// (its file is gone and its number is never reused, so it is only
    /// wasted space until evicted).
    pub fn drop_relation(&self, db: u32, rel: u32, from: u32) {
        self.forget(|t| t.db == db && t.rel == rel && t.block >= from);
    }

    /// Forgets every page of database `db` (DROP DATABASE).
    pub fn drop_database(&self, db: u32) {
        self.forget(|t| t.db == db);
    }

    fn forget(&self, which: impl Fn(&BufferTag) -> bool) {
        for frame in self.frames.iter() {
            let tag = frame.desc.lock().tag;
            let Some(t) = tag.filter(&which) else {
                continue;
            };
            let mut part = self.map[partition(&t)].lock();
            let mut d = frame.desc.lock();
            if d.tag == Some(t) && d.pins == 0 {
                part.remove(&t);
                *d = Desc::default();
            }
        }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> BufferStats {
        let mut s = BufferStats {
            size: self.frames.len(),
            hits: self.counters.hits.load(Ordering::Relaxed),
            reads: self.counters.reads.load(Ordering::Relaxed),
            writes: self.counters.writes.load(Ordering::Relaxed),
            evictions: self.counters.evictions.load(Ordering::Relaxed),
            ..Default::default()
        };
        for f in self.frames.iter() {
            let d = f.desc.lock();
            s.in_use += usize::from(d.tag.is_some());
            s.dirty += usize::from(d.dirty);
            s.pinned += usize::from(d.pins > 0);
        }
        s
    }
}

impl<'a> Buffer<'a> {
    /// The page held.
    pub fn tag(&self) -> BufferTag {
        self.tag
    }

    /// The shared content lock.
    pub fn read(&self) -> RwLockReadGuard<'_, Box<Page>> {
        self.pool.frames[self.id].page.read()
    }

    /// The exclusive content lock.
    pub fn write(&self) -> RwLockWriteGuard<'_, Box<Page>> {
        self.pool.frames[self.id].page.write()
    }

    /// Marks the page modified (call while holding the exclusive lock).
    pub fn mark_dirty(&self) {
        self.pool.frames[self.id].desc.lock().dirty = true;
    }
}

impl Drop for Buffer<'_> {
    fn drop(&mut self) {
        self.pool.unpin(self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// An in-memory disk recording writes and the WAL flushed.
    #[derive(Default)]
    struct MemIo {
        pages: Mutex<HashMap<BufferTag, Box<Page>>>,
        flushed: AtomicU64,
        writes: Mutex<Vec<(BufferTag, u64)>>,
    }

    impl PageIo for Arc<MemIo> {
        fn read_page(&self, tag: BufferTag, page: &mut Page) -> io::Result<()> {
            match self.pages.lock().get(&tag) {
                Some(p) => {
                    page.copy_from_slice(&p[..]);
                    Ok(())
                }
                None => Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "no such block",
                )),
            }
        }
        fn write_page(&self, tag: BufferTag, page: &Page) -> io::Result<()> {
            // WAL before data: the page's LSN must already be flushed.
            let lsn = page_lsn(page);
            assert!(
                self.flushed.load(Ordering::SeqCst) >= lsn,
                "page written before its WAL"
            );
            self.writes.lock().push((tag, lsn));
            self.pages.lock().insert(tag, Box::new(*page));
            Ok(())
        }
        fn flush_wal(&self, lsn: u64) -> io::Result<()> {
            self.flushed.fetch_max(lsn, Ordering::SeqCst);
            Ok(())
        }
    }

    fn tag(block: u32) -> BufferTag {
        BufferTag {
            db: 1,
            rel: 100,
            block,
        }
    }

    fn pool(frames: usize) -> (BufferPool, Arc<MemIo>) {
        let io = Arc::new(MemIo::default());
        (BufferPool::new(frames, Box::new(Arc::clone(&io))), io)
    }

    fn write_block(pool: &BufferPool, block: u32, lsn: u64, byte: u8) {
        let b = pool.read_buffer(tag(block), ReadMode::Zeroed).unwrap();
        let mut p = b.write();
        p[..8].copy_from_slice(&lsn.to_le_bytes());
        p[100] = byte;
        b.mark_dirty();
    }

    #[test]
    fn pages_survive_eviction_through_the_disk() {
        let (pool, io) = pool(16);
        for block in 0..100 {
            write_block(&pool, block, u64::from(block) + 1, block as u8);
        }
        for block in 0..100 {
            let b = pool.read_buffer(tag(block), ReadMode::Normal).unwrap();
            assert_eq!(b.read()[100], block as u8);
        }
        let s = pool.stats();
        assert!(s.evictions > 0 && s.reads > 0 && s.writes > 0, "{s:?}");
        assert!(!io.writes.lock().is_empty());
    }

    #[test]
    fn pinned_pages_are_never_evicted() {
        let (pool, _) = pool(16);
        let pinned: Vec<Buffer<'_>> = (0..15)
            .map(|b| pool.read_buffer(tag(b), ReadMode::Zeroed).unwrap())
            .collect();
        // One frame left: it is recycled again and again.
        for block in 100..140 {
            write_block(&pool, block, 1, 1);
        }
        for (i, b) in pinned.iter().enumerate() {
            assert_eq!(b.tag(), tag(i as u32));
        }
        // All pinned: a new page cannot come in.
        let last = pool.read_buffer(tag(200), ReadMode::Zeroed).unwrap();
        assert!(matches!(
            pool.read_buffer(tag(201), ReadMode::Zeroed),
            Err(BufferError::NoFreeBuffers)
        ));
        drop(last);
        assert!(pool.read_buffer(tag(201), ReadMode::Zeroed).is_ok());
    }

    #[test]
    fn clock_sweep_prefers_cold_pages() {
        let (pool, _) = pool(16);
        for block in 0..16 {
            write_block(&pool, block, 1, 0);
        }
        // Make block 0 hot.
        for _ in 0..5 {
            drop(pool.read_buffer(tag(0), ReadMode::Normal).unwrap());
        }
        // Bring in 8 new pages: the hot page stays.
        for block in 16..24 {
            write_block(&pool, block, 1, 0);
        }
        let before = pool.stats().reads;
        drop(pool.read_buffer(tag(0), ReadMode::Normal).unwrap());
        assert_eq!(pool.stats().reads, before, "hot page was evicted");
    }

    #[test]
    fn write_back_cleans_only_cold_unpinned_pages() {
        let (pool, _) = pool(16);
        for block in 0..16 {
            write_block(&pool, block, 1, 0);
        }
        // Every usage count is 1: nothing is about to be evicted.
        assert_eq!(pool.write_back(16, 100).unwrap(), 0);
        // A full sweep decrements every count to 0 and evicts one frame.
        write_block(&pool, 100, 1, 0);
        let pinned = pool.read_buffer(tag(5), ReadMode::Normal).unwrap();
        let dirty_before = pool.stats().dirty;
        let written = pool.write_back(16, 3).unwrap();
        assert_eq!(written, 3, "bounded by max_writes");
        assert_eq!(pool.stats().dirty, dirty_before - 3);
        let rest = pool.write_back(16, 100).unwrap();
        assert!(rest > 0);
        // The pinned page (usage bumped by the pin) and the fresh one stay dirty.
        assert!(pool.stats().dirty >= 1);
        drop(pinned);
    }

    #[test]
    fn flush_and_drop_relation() {
        let (pool, io) = pool(32);
        for block in 0..10 {
            write_block(&pool, block, 7, 1);
        }
        assert_eq!(pool.dirty_buffers().len(), 10);
        for id in pool.dirty_buffers() {
            assert!(pool.flush_buffer(id).unwrap());
        }
        assert_eq!(pool.stats().dirty, 0);
        assert_eq!(io.flushed.load(Ordering::SeqCst), 7);
        pool.drop_relation(1, 100, 5);
        assert_eq!(pool.stats().in_use, 5);
    }

    #[test]
    fn concurrent_readers_and_writers_keep_pages_consistent() {
        let (pool, _) = pool(16);
        let pool = Arc::new(pool);
        for block in 0..64 {
            write_block(&pool, block, 1, 0);
        }
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let pool = Arc::clone(&pool);
                std::thread::spawn(move || {
                    for i in 0..2000u32 {
                        let block = (i * 7 + t) % 64;
                        let b = pool.read_buffer(tag(block), ReadMode::Normal).unwrap();
                        let mut p = b.write();
                        // Each page counts its own updates in bytes 200..204.
                        let n = u32::from_le_bytes([p[200], p[201], p[202], p[203]]) + 1;
                        p[200..204].copy_from_slice(&n.to_le_bytes());
                        b.mark_dirty();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let total: u32 = (0..64)
            .map(|block| {
                let b = pool.read_buffer(tag(block), ReadMode::Normal).unwrap();
                let p = b.read();
                u32::from_le_bytes([p[200], p[201], p[202], p[203]])
            })
            .sum();
        assert_eq!(total, 8000, "an update was lost across eviction");
    }
}
