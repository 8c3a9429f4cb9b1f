//! B-tree indexes: PostgreSQL's nbtree reduced to what one lock per
//! index allows.
//!
//! Keys are byte strings compared bytewise; the SQL layer encodes typed
//! values so that byte order is value order. A leaf entry is (key, heap
//! tid, xmin of the heap version it points at); the tid breaks ties, so
//! every entry is unique (PostgreSQL 12's heap-TID tiebreaker) and an
//! internal separator is a whole (key, tid).
//!
//! ```text
//! block 0: metapage (root block, heap relation)     24  level u16 | flags u16
//! other blocks: leaves (level 0) and internal pages 28  right sibling (meta: root)
//!   40: item offsets (u16 each, in key order) ──► lower          32  meta: heap rel
//!   upper ◄── items: klen u16 | key | block u32 BE | offset u16 BE | payload u32
//! ```
//! A leaf's payload is the xmin, an internal item's is its child block;
//! an internal page's first item is the "minus infinity" downlink.
//!
//! Rules:
//! 1. One reader-writer lock per index: scans read under it shared (one
//!    leaf at a time, then re-descend), inserts and cleanup change under it
//!    exclusively. No page is ever seen half split, so no high keys or
//!    Lehman-Yao moves right are needed.
//! 2. An entry is live only while the heap slot at its tid holds a version
//!    with the same xmin: heap pruning frees slots without touching
//!    indexes, so readers check ([`Engine::index_fetch`]) and stale or dead
//!    entries are removed when a leaf fills up (before it is split,
//!    PostgreSQL's simple deletion) and by [`Engine::index_vacuum`].
//!    A freed slot can take a new version with the same key: its entry
//!    then replaces the stale one of equal (key, tid) in place, so
//!    entries stay unique and a scan's position (key, tid) is exact.
//! 3. WAL: an insert into a leaf with room logs the item ([`WalRecord::IndexInsert`]);
//!    splits, new roots and cleanup log every page they change as one
//!    record of images ([`WalRecord::PageImages`]), so redo never sees half
//!    a split.
//! 4. Uniqueness is checked under the exclusive lock, so two inserters of
//!    one key are serialised; a conflicting version of a running
//!    transaction is waited for (lock released) and the check repeated.
//! 5. Every read of a page is bounds-checked: a damaged page is an error
//!    naming the index, never a panic.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use actorgres_memory::{Page, ReadMode, PAGE_SIZE};
use parking_lot::RwLock;

use crate::clog::XidStatus;
use crate::engine::{Engine, Result, StorageError};
use crate::heap::{Actor, HeapTuple};
use crate::page::{self, get_u16, get_u32, put_u16, put_u32, Tid};
use crate::smgr::RelId;
use crate::wal::WalRecord;
use crate::xact::{dead_to_all, visible, OwnTxn, Snapshot};

/// Start of the item offset array.
const ITEMS: usize = 40;
/// Bytes of an item besides its key.
const ITEM_FIXED: usize = 12;
/// Flag of the metapage.
const META: u16 = 1;
/// The largest entry (PostgreSQL's btree version 4 limit, 1/3 page).
pub const MAX_ENTRY: usize = 2704;

/// What an insert into a unique index found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueCheck {
    /// Inserted.
    Inserted,
    /// A live version with the same key exists at this tid; nothing was
    /// inserted.
    Duplicate(Tid),
}

/// One item, parsed.
#[derive(Debug, Clone, Copy)]
struct Item<'a> {
    key: &'a [u8],
    tid: Tid,
    payload: u32,
}

impl Item<'_> {
    fn cmp_to(&self, key: &[u8], tid: Tid) -> Ordering {
        self.key.cmp(key).then(self.tid.cmp(&tid))
    }
}

fn item_bytes(key: &[u8], tid: Tid, payload: u32) -> Vec<u8> {
    let mut b = Vec::with_capacity(ITEM_FIXED + key.len());
    b.extend_from_slice(&(key.len() as u16).to_le_bytes());
    b.extend_from_slice(key);
    b.extend_from_slice(&tid.block.to_be_bytes());
    b.extend_from_slice(&tid.offset.to_be_bytes());
    b.extend_from_slice(&payload.to_le_bytes());
    b
}

fn lower(p: &Page) -> usize {
    usize::from(get_u16(p, 12))
}

fn upper(p: &Page) -> usize {
    usize::from(get_u16(p, 14))
}

fn nitems(p: &Page) -> usize {
    lower(p).saturating_sub(ITEMS) / 2
}

fn level(p: &Page) -> u16 {
    get_u16(p, 24)
}

fn flags(p: &Page) -> u16 {
    get_u16(p, 26)
}

fn right(p: &Page) -> u32 {
    get_u32(p, 28)
}

/// Whether a page's header can be trusted at all.
fn sane(p: &Page) -> bool {
    let (lo, up) = (lower(p), upper(p));
    lo >= ITEMS && lo <= up && up <= PAGE_SIZE
}

fn item(p: &Page, i: usize) -> Option<Item<'_>> {
    if i >= nitems(p) {
        return None;
    }
    let off = usize::from(get_u16(p, ITEMS + 2 * i));
    if off < ITEMS || off + ITEM_FIXED > PAGE_SIZE {
        return None;
    }
    let klen = usize::from(get_u16(p, off));
    let end = off + ITEM_FIXED + klen;
    if end > PAGE_SIZE {
        return None;
    }
    let key = &p[off + 2..off + 2 + klen];
    let t = off + 2 + klen;
    Some(Item {
        key,
        tid: Tid {
            block: u32::from_be_bytes([p[t], p[t + 1], p[t + 2], p[t + 3]]),
            offset: u16::from_be_bytes([p[t + 4], p[t + 5]]),
        },
        payload: get_u32(p, t + 6),
    })
}

/// Sets the payload of item `i`; false when the page is damaged.
fn set_payload(p: &mut Page, i: usize, payload: u32) -> bool {
    let Some(it) = item(p, i) else {
        return false;
    };
    let off = usize::from(get_u16(p, ITEMS + 2 * i));
    let at = off + 2 + it.key.len() + 6;
    put_u32(&mut p[..], at, payload);
    true
}

/// An empty btree page (PageInit with the btree header).
fn init(p: &mut Page, lvl: u16, flag: u16, right_link: u32) {
    page::init(p);
    put_u16(p, 12, ITEMS as u16);
    put_u16(p, 24, lvl);
    put_u16(p, 26, flag);
    put_u32(p, 28, right_link);
}

/// Inserts item bytes at position `pos` of the offset array; false when
/// the page has no room (or is damaged).
pub(crate) fn insert_at(p: &mut Page, pos: usize, bytes: &[u8]) -> bool {
    if !sane(p) {
        return false;
    }
    let (lo, up) = (lower(p), upper(p));
    let n = nitems(p);
    if pos > n || up - lo < bytes.len() + 2 {
        return false;
    }
    let start = up - bytes.len();
    p[start..up].copy_from_slice(bytes);
    let at = ITEMS + 2 * pos;
    p.copy_within(at..lo, at + 2);
    put_u16(p, at, start as u16);
    put_u16(p, 12, (lo + 2) as u16);
    put_u16(p, 14, start as u16);
    true
}

/// The items of a page as owned bytes, or None if it is damaged.
fn items_of(p: &Page) -> Option<Vec<Vec<u8>>> {
    (0..nitems(p))
        .map(|i| item(p, i).map(|it| item_bytes(it.key, it.tid, it.payload)))
        .collect()
}

/// Rewrites a page to hold exactly `items`, keeping level, flags and
/// right link (or the given ones).
fn rebuild(p: &mut Page, items: &[Vec<u8>], lvl: u16, right_link: u32) -> bool {
    init(p, lvl, 0, right_link);
    items.iter().enumerate().all(|(i, b)| insert_at(p, i, b))
}

/// First position whose item is >= (key, tid).
fn lower_bound(p: &Page, key: &[u8], tid: Tid) -> Option<usize> {
    let (mut lo, mut hi) = (0, nitems(p));
    while lo < hi {
        let mid = (lo + hi) / 2;
        if item(p, mid)?.cmp_to(key, tid) == Ordering::Less {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Some(lo)
}

/// The child of an internal page to follow, and its item's position: the
/// last item <= (key, tid), or with `below` the last item < it (the child
/// holding the largest entry below it); the first item counts as minus
/// infinity.
fn child_at(p: &Page, key: &[u8], tid: Tid, below: bool) -> Option<(u32, usize)> {
    let n = nitems(p);
    if n == 0 {
        return None;
    }
    let (mut lo, mut hi) = (1, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let o = item(p, mid)?.cmp_to(key, tid);
        if o == Ordering::Greater || (below && o == Ordering::Equal) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some((item(p, lo - 1)?.payload, lo - 1))
}

/// The smallest byte string greater than every string starting with
/// `prefix`, or None when there is none (all 0xFF).
fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut s = prefix.to_vec();
    while let Some(&last) = s.last() {
        if last == 0xff {
            s.pop();
        } else {
            let n = s.len();
            s[n - 1] = last + 1;
            return Some(s);
        }
    }
    None
}

/// Whether `key` is past an upper bound read as a prefix: Included(b)
/// keeps keys <= b and keys starting with b; Excluded(b) keeps keys < b.
fn past_upper(key: &[u8], hi: &Bound<Vec<u8>>) -> bool {
    match hi {
        Bound::Unbounded => false,
        Bound::Included(b) => key > b.as_slice() && !key.starts_with(b),
        Bound::Excluded(b) => key >= b.as_slice(),
    }
}

/// Where a range scan over an index stands between batches (rule 1: the
/// tree lock is held only while one leaf is read).
#[derive(Debug, Clone)]
pub struct IndexCursor {
    /// Where to descend to next: forward, the first entry >= this (key,
    /// tid); backward, the last entry < it.
    from: Option<(Vec<u8>, Tid)>,
    /// Forward: skip the entry equal to `from` (it was returned already).
    after: bool,
    /// The upper bound, read as a prefix (forward scans).
    hi: Bound<Vec<u8>>,
    /// The lower bound, read as a prefix (backward scans).
    lo: Bound<Vec<u8>>,
    /// Entries come in descending order.
    backward: bool,
}

impl IndexCursor {
    /// A scan of the entries whose keys lie between `lo` and `hi`, each
    /// read as a prefix: Included(b) takes every key starting with b.
    pub fn new(lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> IndexCursor {
        let from = match lo {
            Bound::Unbounded => Some(Vec::new()),
            Bound::Included(b) => Some(b),
            Bound::Excluded(b) => prefix_successor(&b),
        };
        IndexCursor {
            from: from.map(|k| (k, Tid::default())),
            after: false,
            hi,
            lo: Bound::Unbounded,
            backward: false,
        }
    }

    /// The same range, read from its end down (ORDER BY ... DESC).
    pub fn backward(lo: Bound<Vec<u8>>, hi: Bound<Vec<u8>>) -> IndexCursor {
        // Entries strictly below this (key, tid): past every key (keys
        // start with 0x01 or 0x02), below the prefix's successor, or below
        // the prefix itself.
        let top = || (vec![0xff], Tid::default());
        let from = match hi {
            Bound::Unbounded => top(),
            Bound::Included(b) => prefix_successor(&b).map_or_else(top, |k| (k, Tid::default())),
            Bound::Excluded(b) => (b, Tid::default()),
        };
        IndexCursor {
            from: Some(from),
            after: false,
            hi: Bound::Unbounded,
            lo,
            backward: true,
        }
    }
}

/// Whether `key` is below a lower bound read as a prefix: Included(b)
/// keeps keys >= b; Excluded(b) keeps keys > b not starting with b.
fn below_lower(key: &[u8], lo: &Bound<Vec<u8>>) -> bool {
    match lo {
        Bound::Unbounded => false,
        Bound::Included(b) => key < b.as_slice(),
        Bound::Excluded(b) => key < b.as_slice() || key.starts_with(b),
    }
}

impl Engine {
    /// The tree lock of an index (rule 1).
    pub(crate) fn index_lock(&self, index: RelId) -> Arc<RwLock<()>> {
        Arc::clone(self.index_locks.lock().entry(index).or_default())
    }

    fn damaged(&self, index: RelId, block: u32) -> StorageError {
        StorageError::Corrupted(format!(
            "index block {block} of relation base/{}/{} is damaged",
            index.db, index.rel
        ))
    }

    fn index_page(&self, index: RelId, block: u32) -> Result<actorgres_memory::Buffer<'_>> {
        if block >= self.smgr.nblocks(index)? {
            return Err(self.damaged(index, block));
        }
        self.buffer(index, block, ReadMode::Normal)
    }

    /// (root block, heap relation) from the metapage.
    fn meta(&self, index: RelId) -> Result<(u32, RelId)> {
        let buf = self.index_page(index, 0)?;
        let p = buf.read();
        if !sane(&p) || flags(&p) != META {
            return Err(self.damaged(index, 0));
        }
        Ok((
            right(&p),
            RelId {
                rel: get_u32(&p[..], 32),
                ..index
            },
        ))
    }

    /// The leaf where (key, tid) belongs; with `path`, the internal pages
    /// passed on the way down (root first).
    fn descend(
        &self,
        index: RelId,
        key: &[u8],
        tid: Tid,
        path: Option<&mut Vec<u32>>,
    ) -> Result<u32> {
        self.descend_with(index, key, tid, false, path)
            .map(|(leaf, _)| leaf)
    }

    /// The leaf holding the largest entry below (key, tid), and that
    /// leaf's low key (the separator its parent reaches it by; None for
    /// the leftmost leaf).
    #[allow(clippy::type_complexity)]
    fn descend_below(
        &self,
        index: RelId,
        key: &[u8],
        tid: Tid,
    ) -> Result<(u32, Option<(Vec<u8>, Tid)>)> {
        self.descend_with(index, key, tid, true, None)
    }

    /// Walks from the root to a leaf: towards (key, tid), or with `below`
    /// towards the largest entry under it (then also tracking the leaf's
    /// low key).
    #[allow(clippy::type_complexity)]
    fn descend_with(
        &self,
        index: RelId,
        key: &[u8],
        tid: Tid,
        below: bool,
        mut path: Option<&mut Vec<u32>>,
    ) -> Result<(u32, Option<(Vec<u8>, Tid)>)> {
        let (mut block, _) = self.meta(index)?;
        let mut low: Option<(Vec<u8>, Tid)> = None;
        for _ in 0..64 {
            let buf = self.index_page(index, block)?;
            let p = buf.read();
            if !sane(&p) || flags(&p) == META {
                return Err(self.damaged(index, block));
            }
            if level(&p) == 0 {
                return Ok((block, low));
            }
            if let Some(path) = path.as_deref_mut() {
                path.push(block);
            }
            let (child, at) =
                child_at(&p, key, tid, below).ok_or_else(|| self.damaged(index, block))?;
            if below && at > 0 {
                let it = item(&p, at).ok_or_else(|| self.damaged(index, block))?;
                low = Some((it.key.to_vec(), it.tid));
            }
            block = child;
        }
        Err(self.damaged(index, block))
    }

    /// Lays out a new, empty index in the (just created) file `index` for
    /// the heap relation `heap`: the metapage and an empty root leaf.
    pub fn index_create(&self, xid: u32, index: RelId, heap: RelId) -> Result<()> {
        let mut meta: Box<Page> = Box::new([0; PAGE_SIZE]);
        init(&mut meta, 0, META, 1);
        put_u32(&mut meta[..], 32, heap.rel);
        let mut root: Box<Page> = Box::new([0; PAGE_SIZE]);
        init(&mut root, 0, 0, 0);
        if index.is_unlogged() {
            // What the index holds after a crash: empty (local.rs rule 5).
            self.smgr.write_init_fork(index, &[&meta, &root])?;
        }
        let mut pages = BTreeMap::new();
        pages.insert(self.smgr.extend(index)?, meta);
        pages.insert(self.smgr.extend(index)?, root);
        self.write_pages(xid, index, pages, &[0, 1])
    }

    /// Writes changed pages under their content locks and logs them as
    /// one record of images (rule 3); `fresh` blocks were just added to
    /// the file.
    fn write_pages(
        &self,
        xid: u32,
        index: RelId,
        pages: BTreeMap<u32, Box<Page>>,
        fresh: &[u32],
    ) -> Result<()> {
        self.check_alive()?;
        let mut bufs = Vec::with_capacity(pages.len());
        for block in pages.keys() {
            let mode = if fresh.contains(block) {
                ReadMode::Zeroed
            } else {
                ReadMode::Normal
            };
            bufs.push(self.buffer(index, *block, mode)?);
        }
        // Every page stays locked until it carries the record's LSN, so
        // none reaches disk before its WAL (and none half split).
        let mut guards: Vec<_> = bufs.iter().map(|b| b.write()).collect();
        for (g, image) in guards.iter_mut().zip(pages.values()) {
            g.copy_from_slice(&image[..]);
        }
        // A temporary or unlogged index is never WAL-logged (local.rs
        // rule 2).
        let end = if !index.is_logged() {
            0
        } else {
            self.log(
                xid,
                &WalRecord::PageImages {
                    rel: index,
                    pages: pages.into_iter().collect(),
                },
            )?
            .1
        };
        for (g, b) in guards.iter_mut().zip(&bufs) {
            page::set_lsn(g, end);
            b.mark_dirty();
        }
        Ok(())
    }

    /// Whether an entry no longer points at a version anyone can see: its
    /// slot was freed or reused (xmin differs), or the version is dead to
    /// every snapshot.
    fn entry_dead(&self, heap: RelId, tid: Tid, xmin: u32, oldest: u32) -> Result<bool> {
        Ok(match self.heap_fetch(heap, tid)? {
            None => true,
            Some(t) => t.header.xmin != xmin || dead_to_all(&t.header, oldest, &self.txns.clog),
        })
    }

    /// The version an entry points at, if it is still that version
    /// (rule 2) and `snap` sees it.
    pub fn index_fetch(
        &self,
        heap: RelId,
        tid: Tid,
        xmin: u32,
        snap: &Snapshot,
        own: &dyn OwnTxn,
    ) -> Result<Option<HeapTuple>> {
        Ok(self
            .heap_fetch(heap, tid)?
            .filter(|t| t.header.xmin == xmin && visible(&t.header, snap, own, &self.txns.clog)))
    }

    /// Appends the next leaf's worth of entries of a range scan as (tid,
    /// xmin); false when the scan is over.
    pub fn index_next_batch(
        &self,
        index: RelId,
        cur: &mut IndexCursor,
        out: &mut Vec<(Tid, u32)>,
    ) -> Result<bool> {
        if cur.backward {
            return self.index_prev_batch(index, cur, out);
        }
        let Some((key, tid)) = cur.from.take() else {
            return Ok(false);
        };
        let lock = self.index_lock(index);
        let _shared = lock.read();
        let mut block = self.descend(index, &key, tid, None)?;
        let mut start = {
            let buf = self.index_page(index, block)?;
            let p = buf.read();
            lower_bound(&p, &key, tid).ok_or_else(|| self.damaged(index, block))?
        };
        let mut skip_equal = cur.after;
        loop {
            let buf = self.index_page(index, block)?;
            let p = buf.read();
            if !sane(&p) {
                return Err(self.damaged(index, block));
            }
            let before = out.len();
            for i in start..nitems(&p) {
                let it = item(&p, i).ok_or_else(|| self.damaged(index, block))?;
                if skip_equal && it.key == key.as_slice() && it.tid == tid {
                    continue;
                }
                skip_equal = false;
                if past_upper(it.key, &cur.hi) {
                    cur.from = None;
                    return Ok(out.len() > before);
                }
                out.push((it.tid, it.payload));
                cur.from = Some((it.key.to_vec(), it.tid));
                cur.after = true;
            }
            let next = right(&p);
            if next == 0 {
                cur.from = None;
                return Ok(out.len() > before);
            }
            if out.len() > before {
                // Resume after the last entry: the next call re-descends.
                return Ok(true);
            }
            block = next;
            start = 0;
        }
    }

    /// A backward scan's next leaf's worth of entries, descending.
    fn index_prev_batch(
        &self,
        index: RelId,
        cur: &mut IndexCursor,
        out: &mut Vec<(Tid, u32)>,
    ) -> Result<bool> {
        let Some(mut target) = cur.from.take() else {
            return Ok(false);
        };
        let lock = self.index_lock(index);
        let _shared = lock.read();
        for _ in 0..u32::MAX {
            let (block, low) = self.descend_below(index, &target.0, target.1)?;
            let buf = self.index_page(index, block)?;
            let p = buf.read();
            if !sane(&p) {
                return Err(self.damaged(index, block));
            }
            let end =
                lower_bound(&p, &target.0, target.1).ok_or_else(|| self.damaged(index, block))?;
            let before = out.len();
            for i in (0..end).rev() {
                let it = item(&p, i).ok_or_else(|| self.damaged(index, block))?;
                if below_lower(it.key, &cur.lo) {
                    return Ok(out.len() > before);
                }
                out.push((it.tid, it.payload));
                cur.from = Some((it.key.to_vec(), it.tid));
            }
            if out.len() > before {
                return Ok(true);
            }
            // Nothing below the target here: the leaf to the left holds
            // what is below this leaf's low key.
            match low {
                Some(l) => target = l,
                None => return Ok(false),
            }
        }
        Ok(false)
    }

    /// Adds the entry (key, tid, xmin). With `unique`, first looks for a
    /// live version with an equal key (rule 4): one that a running
    /// transaction may still change is waited for.
    pub fn index_insert(
        &self,
        index: RelId,
        key: &[u8],
        tid: Tid,
        xmin: u32,
        unique: Option<&Actor<'_>>,
    ) -> Result<UniqueCheck> {
        let size = key.len() + ITEM_FIXED;
        if size > MAX_ENTRY {
            return Err(StorageError::IndexRowTooBig {
                size,
                max: MAX_ENTRY,
            });
        }
        let lock = self.index_lock(index);
        loop {
            let guard = lock.write();
            if let Some(who) = unique {
                match self.find_duplicate(index, key, who)? {
                    Duplicate::None => {}
                    Duplicate::Live(t) => return Ok(UniqueCheck::Duplicate(t)),
                    Duplicate::Wait(x) => {
                        drop(guard);
                        self.wait_for_xid(who.backend, x, &who.wait)?;
                        continue;
                    }
                }
            }
            self.insert_entry(xmin, index, key, tid, xmin)?;
            return Ok(UniqueCheck::Inserted);
        }
    }

    /// The live version holding `key` in a unique index, if any (INSERT
    /// ... ON CONFLICT): a version a running transaction may still insert
    /// or delete is waited for first, as for a unique insert.
    pub fn index_conflict(&self, index: RelId, key: &[u8], who: &Actor<'_>) -> Result<Option<Tid>> {
        let lock = self.index_lock(index);
        loop {
            let guard = lock.read();
            match self.find_duplicate(index, key, who)? {
                Duplicate::None => return Ok(None),
                Duplicate::Live(t) => return Ok(Some(t)),
                Duplicate::Wait(x) => {
                    drop(guard);
                    self.wait_for_xid(who.backend, x, &who.wait)?;
                }
            }
        }
    }

    /// Entries with exactly `key`, and what their versions say.
    fn find_duplicate(&self, index: RelId, key: &[u8], who: &Actor<'_>) -> Result<Duplicate> {
        let (_, heap) = self.meta(index)?;
        let mut block = self.descend(index, key, Tid::default(), None)?;
        let mut start = None;
        loop {
            let buf = self.index_page(index, block)?;
            let p = buf.read();
            let from = match start {
                Some(s) => s,
                None => lower_bound(&p, key, Tid::default())
                    .ok_or_else(|| self.damaged(index, block))?,
            };
            for i in from..nitems(&p) {
                let it = item(&p, i).ok_or_else(|| self.damaged(index, block))?;
                if it.key != key {
                    return Ok(Duplicate::None);
                }
                match self.version_state(heap, it.tid, it.payload, who.own)? {
                    Duplicate::None => {}
                    other => return Ok(other),
                }
            }
            block = right(&p);
            if block == 0 {
                return Ok(Duplicate::None);
            }
            start = Some(0);
        }
    }

    /// Whether the version an entry points at blocks an equal key
    /// (_bt_check_unique with a dirty snapshot).
    fn version_state(
        &self,
        heap: RelId,
        tid: Tid,
        xmin: u32,
        own: &dyn OwnTxn,
    ) -> Result<Duplicate> {
        let Some(t) = self.heap_fetch(heap, tid)? else {
            return Ok(Duplicate::None);
        };
        let h = t.header;
        if h.xmin != xmin {
            return Ok(Duplicate::None);
        }
        let clog = &self.txns.clog;
        if !own.is_own(h.xmin) {
            match clog.get(h.xmin) {
                XidStatus::Aborted => return Ok(Duplicate::None),
                XidStatus::InProgress if self.txns.is_running(h.xmin) => {
                    return Ok(Duplicate::Wait(h.xmin))
                }
                // Crashed before recovery marked it: never committed.
                XidStatus::InProgress => return Ok(Duplicate::None),
                XidStatus::Committed => {}
            }
        }
        if h.xmax == 0 || h.lock_only() {
            return Ok(Duplicate::Live(tid));
        }
        if own.is_own(h.xmax) {
            return Ok(Duplicate::None);
        }
        Ok(match clog.get(h.xmax) {
            XidStatus::Committed => Duplicate::None,
            XidStatus::InProgress if self.txns.is_running(h.xmax) => Duplicate::Wait(h.xmax),
            XidStatus::Aborted | XidStatus::InProgress => Duplicate::Live(tid),
        })
    }

    /// Puts an entry into its leaf, splitting pages up the tree when full
    /// (caller holds the tree lock exclusively).
    fn insert_entry(&self, xid: u32, index: RelId, key: &[u8], tid: Tid, xmin: u32) -> Result<()> {
        let mut path = Vec::new();
        let leaf = self.descend(index, key, tid, Some(&mut path))?;
        let bytes = item_bytes(key, tid, xmin);
        {
            let buf = self.index_page(index, leaf)?;
            let mut p = buf.write();
            let pos = lower_bound(&p, key, tid).ok_or_else(|| self.damaged(index, leaf))?;
            if item(&p, pos).is_some_and(|it| it.cmp_to(key, tid) == Ordering::Equal) {
                // The stale entry of a freed slot now holding a version
                // with the same key (rule 2): it takes the new xmin.
                let mut image: Box<Page> = Box::new(**p);
                drop(p);
                if !set_payload(&mut image, pos, xmin) {
                    return Err(self.damaged(index, leaf));
                }
                return self.write_pages(xid, index, BTreeMap::from([(leaf, image)]), &[]);
            }
            if insert_at(&mut p, pos, &bytes) {
                self.log_change(
                    xid,
                    index,
                    leaf,
                    &mut p,
                    &WalRecord::IndexInsert {
                        rel: index,
                        block: leaf,
                        pos: pos as u16,
                        item: bytes,
                    },
                    false,
                )?;
                drop(p);
                buf.mark_dirty();
                return Ok(());
            }
        }
        // Full: drop dead entries first (rule 2), split only if that fails.
        let (root, heap) = self.meta(index)?;
        let mut image: Box<Page> = {
            let buf = self.index_page(index, leaf)?;
            let p = buf.read();
            Box::new(**p)
        };
        let mut items = items_of(&image).ok_or_else(|| self.damaged(index, leaf))?;
        let oldest = self.txns.oldest_xmin();
        let before = items.len();
        let mut kept = Vec::with_capacity(items.len());
        for b in items.drain(..) {
            let Some(it) = parse(&b) else { continue };
            if !self.entry_dead(heap, it.tid, it.payload, oldest)? {
                kept.push(b);
            }
        }
        let mut items = kept;
        let pos = items
            .partition_point(|b| parse(b).is_some_and(|it| it.cmp_to(key, tid) == Ordering::Less));
        items.insert(pos, bytes);
        let lvl = level(&image);
        let right_link = right(&image);
        if items.len() <= before && rebuild(&mut image, &items, lvl, right_link) {
            let mut pages = BTreeMap::new();
            pages.insert(leaf, image);
            return self.write_pages(xid, index, pages, &[]);
        }
        self.split(xid, index, root, leaf, items, path)
    }

    /// Splits page `block` whose would-be items are `items`, and inserts
    /// the new downlinks up `path`, growing a new root when the root
    /// splits; all in one WAL record.
    fn split(
        &self,
        xid: u32,
        index: RelId,
        root: u32,
        mut block: u32,
        mut items: Vec<Vec<u8>>,
        mut path: Vec<u32>,
    ) -> Result<()> {
        let mut pages: BTreeMap<u32, Box<Page>> = BTreeMap::new();
        let mut fresh = Vec::new();
        loop {
            let old = match pages.get(&block) {
                Some(p) => p.clone(),
                None => {
                    let buf = self.index_page(index, block)?;
                    let p = buf.read();
                    Box::new(**p)
                }
            };
            let lvl = level(&old);
            // Split by bytes, half each side.
            let total: usize = items.iter().map(|b| b.len() + 2).sum();
            let mut acc = 0;
            let mut cut = 0;
            for (i, b) in items.iter().enumerate() {
                if acc + b.len() + 2 > total / 2 && i > 0 {
                    cut = i;
                    break;
                }
                acc += b.len() + 2;
                cut = i + 1;
            }
            let cut = cut.clamp(1, items.len().saturating_sub(1).max(1));
            let mut right_items = items.split_off(cut);
            let sep_item = parse(&right_items[0]).ok_or_else(|| self.damaged(index, block))?;
            let (sep_key, sep_tid) = (sep_item.key.to_vec(), sep_item.tid);
            if lvl > 0 {
                // The right page's first downlink becomes its minus infinity.
                right_items[0] = item_bytes(&[], Tid::default(), sep_item.payload);
            }
            let new_block = self.smgr.extend(index)?;
            fresh.push(new_block);
            let mut left: Box<Page> = Box::new([0; PAGE_SIZE]);
            let mut rightp: Box<Page> = Box::new([0; PAGE_SIZE]);
            if !rebuild(&mut rightp, &right_items, lvl, right(&old))
                || !rebuild(&mut left, &items, lvl, new_block)
            {
                return Err(self.damaged(index, block));
            }
            pages.insert(block, left);
            pages.insert(new_block, rightp);
            let downlink = item_bytes(&sep_key, sep_tid, new_block);
            match path.pop() {
                Some(parent) => {
                    let mut pimg = match pages.get(&parent) {
                        Some(p) => p.clone(),
                        None => {
                            let buf = self.index_page(index, parent)?;
                            let p = buf.read();
                            Box::new(**p)
                        }
                    };
                    let pos = lower_bound(&pimg, &sep_key, sep_tid)
                        .ok_or_else(|| self.damaged(index, parent))?;
                    if insert_at(&mut pimg, pos, &downlink) {
                        pages.insert(parent, pimg);
                        break;
                    }
                    let mut pitems = items_of(&pimg).ok_or_else(|| self.damaged(index, parent))?;
                    pitems.insert(pos, downlink);
                    items = pitems;
                    block = parent;
                }
                None => {
                    // The root split: a new root above both halves.
                    let new_root = self.smgr.extend(index)?;
                    fresh.push(new_root);
                    let mut rp: Box<Page> = Box::new([0; PAGE_SIZE]);
                    let minus_inf = item_bytes(&[], Tid::default(), block);
                    if !rebuild(&mut rp, &[minus_inf, downlink], lvl + 1, 0) {
                        return Err(self.damaged(index, block));
                    }
                    pages.insert(new_root, rp);
                    let buf = self.index_page(index, 0)?;
                    let mut meta: Box<Page> = Box::new(**buf.read());
                    put_u32(&mut meta[..], 28, new_root);
                    pages.insert(0, meta);
                    debug_assert_eq!(root, block);
                    break;
                }
            }
        }
        self.write_pages(xid, index, pages, &fresh)
    }

    /// Fills a new, empty index from entries given in key order
    /// (PostgreSQL's nbtsort): leaves are packed to 90 %, internal pages
    /// to 70 %, each level built left to right as the one below fills,
    /// every page logged whole once written.
    pub fn index_load<E: From<StorageError>>(
        &self,
        xid: u32,
        index: RelId,
        next: &mut dyn FnMut() -> std::result::Result<Option<Entry>, E>,
    ) -> std::result::Result<(), E> {
        let lock = self.index_lock(index);
        let _exclusive = lock.write();
        let (root, _) = self.meta(index)?;
        let mut levels: Vec<Level> = vec![Level::new(root, 0, false)];
        while let Some((key, tid, xmin)) = next()? {
            let size = key.len() + ITEM_FIXED;
            if size > MAX_ENTRY {
                return Err(StorageError::IndexRowTooBig {
                    size,
                    max: MAX_ENTRY,
                }
                .into());
            }
            self.load_item(xid, index, &mut levels, 0, key, tid, xmin)?;
        }
        // Close the levels bottom up. A level of more than one page has
        // one above it (made when its first page closed), so the last
        // level has one page: the root.
        let mut lvl = 0;
        while lvl + 1 < levels.len() {
            let page = std::mem::replace(&mut levels[lvl].page, Box::new([0; PAGE_SIZE]));
            self.close_page(xid, index, &mut levels, lvl, page)?;
            lvl += 1;
        }
        let top = &mut levels[lvl];
        let (block, fresh) = (top.block, top.fresh);
        let page = std::mem::replace(&mut top.page, Box::new([0; PAGE_SIZE]));
        let mut meta: Box<Page> = {
            let buf = self.index_page(index, 0)?;
            let p = buf.read();
            Box::new(**p)
        };
        put_u32(&mut meta[..], 28, block);
        Ok(self.write_pages(
            xid,
            index,
            BTreeMap::from([(block, page), (0, meta)]),
            &fresh_list(fresh, block),
        )?)
    }

    /// Writes out the current page of level `lvl` and links it from the
    /// level above: the leftmost page by the minus-infinity downlink the
    /// level above starts with (made here), the others by their first key.
    fn close_page(
        &self,
        xid: u32,
        index: RelId,
        levels: &mut Vec<Level>,
        lvl: usize,
        page: Box<Page>,
    ) -> Result<()> {
        let (block, fresh) = (levels[lvl].block, levels[lvl].fresh);
        let first = levels[lvl].first.take();
        self.write_pages(
            xid,
            index,
            BTreeMap::from([(block, page)]),
            &fresh_list(fresh, block),
        )?;
        match first {
            Some((key, tid)) => self.load_item(xid, index, levels, lvl + 1, key, tid, block),
            None if levels.len() == lvl + 1 => {
                let up = self.smgr.extend(index)?;
                let mut level = Level::new(up, lvl as u16 + 1, true);
                let minus_inf = item_bytes(&[], Tid::default(), block);
                if !insert_at(&mut level.page, 0, &minus_inf) {
                    return Err(self.damaged(index, up));
                }
                level.used = minus_inf.len() + 2;
                levels.push(level);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Appends an item to the page being filled at level `lvl`; a full
    /// page is closed first and its right sibling started.
    #[allow(clippy::too_many_arguments)]
    fn load_item(
        &self,
        xid: u32,
        index: RelId,
        levels: &mut Vec<Level>,
        lvl: usize,
        key: Vec<u8>,
        tid: Tid,
        payload: u32,
    ) -> Result<()> {
        let fill = if lvl == 0 { 90 } else { 70 };
        let room = (PAGE_SIZE - ITEMS) * fill / 100;
        let mut bytes = item_bytes(&key, tid, payload);
        if levels[lvl].used > 0 && levels[lvl].used + bytes.len() + 2 > room {
            let next = self.smgr.extend(index)?;
            let level = &mut levels[lvl];
            put_u32(&mut level.page[..], 28, next);
            let mut fresh_page: Box<Page> = Box::new([0; PAGE_SIZE]);
            init(&mut fresh_page, lvl as u16, 0, 0);
            let full = std::mem::replace(&mut level.page, fresh_page);
            self.close_page(xid, index, levels, lvl, full)?;
            let level = &mut levels[lvl];
            level.block = next;
            level.fresh = true;
            level.used = 0;
            level.first = Some((key, tid));
            if lvl > 0 {
                // An internal page starts with minus infinity; its key goes
                // up as the page's downlink.
                bytes = item_bytes(&[], Tid::default(), payload);
            }
        }
        let level = &mut levels[lvl];
        let pos = nitems(&level.page);
        if !insert_at(&mut level.page, pos, &bytes) {
            return Err(self.damaged(index, level.block));
        }
        level.used += bytes.len() + 2;
        Ok(())
    }

    /// Removes the entries of dead or vanished versions from every leaf;
    /// returns how many. VACUUM runs it for each index of a table.
    pub fn index_vacuum(&self, index: RelId) -> Result<usize> {
        let lock = self.index_lock(index);
        let _exclusive = lock.write();
        let (_, heap) = self.meta(index)?;
        let mut block = self.descend(index, &[], Tid::default(), None)?;
        let oldest = self.txns.oldest_xmin();
        let mut removed = 0;
        loop {
            let mut image: Box<Page> = {
                let buf = self.index_page(index, block)?;
                let p = buf.read();
                Box::new(**p)
            };
            let items = items_of(&image).ok_or_else(|| self.damaged(index, block))?;
            let mut kept = Vec::with_capacity(items.len());
            for b in &items {
                let Some(it) = parse(b) else { continue };
                if !self.entry_dead(heap, it.tid, it.payload, oldest)? {
                    kept.push(b.clone());
                }
            }
            let next = right(&image);
            if kept.len() < items.len() {
                removed += items.len() - kept.len();
                let lvl = level(&image);
                if !rebuild(&mut image, &kept, lvl, next) {
                    return Err(self.damaged(index, block));
                }
                let mut pages = BTreeMap::new();
                pages.insert(block, image);
                self.write_pages(0, index, pages, &[])?;
            }
            if next == 0 {
                return Ok(removed);
            }
            block = next;
        }
    }
}

/// An entry for a bottom-up build: key, heap tid, xmin.
pub type Entry = (Vec<u8>, Tid, u32);

/// The page being filled at one level of a bottom-up build.
struct Level {
    /// Its block.
    block: u32,
    /// Its contents so far.
    page: Box<Page>,
    /// Bytes of items (with their offsets) on it.
    used: usize,
    /// The (key, tid) of its first item, for its downlink; None for the
    /// leftmost page of a level (minus infinity above).
    first: Option<(Vec<u8>, Tid)>,
    /// The block was added to the file for this build.
    fresh: bool,
}

impl Level {
    fn new(block: u32, lvl: u16, fresh: bool) -> Level {
        let mut page: Box<Page> = Box::new([0; PAGE_SIZE]);
        init(&mut page, lvl, 0, 0);
        Level {
            block,
            page,
            used: 0,
            first: None,
            fresh,
        }
    }
}

fn fresh_list(fresh: bool, block: u32) -> Vec<u32> {
    if fresh {
        vec![block]
    } else {
        Vec::new()
    }
}

/// What an equal key's version means for a unique insert.
enum Duplicate {
    /// No conflict.
    None,
    /// A live version holds the key.
    Live(Tid),
    /// A running transaction may still commit or remove it.
    Wait(u32),
}

/// Parses one item's bytes (as [`item_bytes`] made them).
fn parse(b: &[u8]) -> Option<Item<'_>> {
    let klen = usize::from(u16::from_le_bytes([*b.first()?, *b.get(1)?]));
    if b.len() != ITEM_FIXED + klen {
        return None;
    }
    let t = 2 + klen;
    Some(Item {
        key: &b[2..t],
        tid: Tid {
            block: u32::from_be_bytes([b[t], b[t + 1], b[t + 2], b[t + 3]]),
            offset: u16::from_be_bytes([b[t + 4], b[t + 5]]),
        },
        payload: u32::from_le_bytes([b[t + 6], b[t + 7], b[t + 8], b[t + 9]]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_stay_sorted_and_bounded() {
        let mut p: Box<Page> = Box::new([0; PAGE_SIZE]);
        init(&mut p, 0, 0, 0);
        let mut n = 0;
        for k in [5u32, 1, 9, 3, 7] {
            let key = k.to_be_bytes();
            let pos = lower_bound(&p, &key, Tid::default()).unwrap();
            assert!(insert_at(&mut p, pos, &item_bytes(&key, Tid::default(), k)));
            n += 1;
        }
        let keys: Vec<u32> = (0..n).map(|i| item(&p, i).unwrap().payload).collect();
        assert_eq!(keys, vec![1, 3, 5, 7, 9]);
        // A page fills up and then refuses, never overruns.
        let big = vec![7u8; 1000];
        let mut added = 0;
        while insert_at(&mut p, 0, &item_bytes(&big, Tid::default(), 0)) {
            added += 1;
        }
        assert_eq!(added, 7);
        assert!(sane(&p));
    }

    #[test]
    fn damaged_pages_read_as_none() {
        let mut p: Box<Page> = Box::new([0; PAGE_SIZE]);
        init(&mut p, 0, 0, 0);
        assert!(insert_at(&mut p, 0, &item_bytes(b"abc", Tid::default(), 1)));
        put_u16(&mut p[..], ITEMS, 8190);
        assert!(item(&p, 0).is_none());
        assert!(items_of(&p).is_none());
        put_u16(&mut p[..], 12, 9000);
        assert!(!sane(&p));
        assert!(!insert_at(&mut p, 0, b"x"));
    }

    #[test]
    fn prefix_bounds() {
        assert_eq!(prefix_successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_successor(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_successor(&[0xff]), None);
        let hi = Bound::Included(b"ab".to_vec());
        assert!(!past_upper(b"ab\x01", &hi));
        assert!(!past_upper(b"aa", &hi));
        assert!(past_upper(b"ac", &hi));
        let hi = Bound::Excluded(b"ab".to_vec());
        assert!(past_upper(b"ab\x01", &hi));
        assert!(!past_upper(b"aa\xff", &hi));
    }
}
