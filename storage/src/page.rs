//! Slotted heap pages and tuple headers, laid out as PostgreSQL's
//! bufpage.h and htup_details.h describe them (little-endian).
//!
//! ```text
//!  0        8        10      12      14      16       18      20        24
//!  | pd_lsn | chksum | flags | lower | upper | special| version| prune_xid|
//!  24: line pointers (4 bytes each) ──►        ◄── tuples (8-byte aligned)
//!      lower                                  upper               8192
//! ```
//!
//! A line pointer packs offset (15 bits), flags (2 bits: unused, normal,
//! redirect, dead) and length (15 bits). A tuple is a 24-byte header
//! ([`TupleHeader`]: xmin, xmax, cmin, cmax, ctid, infomask) followed by
//! the row's data, whose format belongs to the SQL layer.
//!
//! Rules:
//! 1. Every function here checks offsets against the page, so a damaged
//!    page yields `None` or an error, never a panic or a wild read.
//! 2. Line pointers are never moved (tuple ids stay valid); compaction
//!    moves tuple bytes only.

use actorgres_memory::{Page, PAGE_SIZE};

/// Size of the page header.
pub const PAGE_HEADER: usize = 24;
/// Size of a line pointer.
const LP_SIZE: usize = 4;
/// Size of a tuple header.
pub const TUPLE_HEADER: usize = 24;
/// The largest tuple a page can hold: PostgreSQL's MaxHeapTupleSize,
/// 8192 - MAXALIGN(24 + 4) = 8160.
pub const MAX_TUPLE: usize = PAGE_SIZE - (PAGE_HEADER + LP_SIZE).div_ceil(8) * 8;
/// pd_flags bit: some line pointer may be unused (a hint: set when one is
/// freed, cleared when a search finds none).
const HAS_FREE_LINES: u16 = 0x0001;
/// Page layout version stored in pd_pagesize_version.
const LAYOUT_VERSION: u16 = 4;

/// A line pointer's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Free for reuse.
    Unused = 0,
    /// Points at a tuple.
    Normal = 1,
    /// Points at another line pointer (not used yet).
    Redirect = 2,
    /// The tuple is dead and its space reclaimed; the pointer awaits
    /// vacuum (indexes may still point here).
    Dead = 3,
}

/// A tuple's location: block and line pointer (1-based, as PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Tid {
    /// Block number.
    pub block: u32,
    /// Line pointer number, from 1.
    pub offset: u16,
}

pub(crate) fn get_u16(p: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([p[at], p[at + 1]])
}

pub(crate) fn put_u16(p: &mut [u8], at: usize, v: u16) {
    p[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

pub(crate) fn get_u32(p: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]])
}

pub(crate) fn put_u32(p: &mut [u8], at: usize, v: u32) {
    p[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The LSN of the last WAL record that changed the page.
pub fn lsn(p: &Page) -> u64 {
    actorgres_memory::page_lsn(p)
}

/// Sets the page LSN.
pub fn set_lsn(p: &mut Page, lsn: u64) {
    p[..8].copy_from_slice(&lsn.to_le_bytes());
}

/// pd_prune_xid: the oldest xmax of a deleted or updated version on the
/// page, 0 if none (a hint for opportunistic pruning, not WAL-logged).
pub fn prune_xid(p: &Page) -> u32 {
    u32::from_le_bytes([p[20], p[21], p[22], p[23]])
}

/// Sets pd_prune_xid.
pub fn set_prune_xid(p: &mut Page, xid: u32) {
    p[20..24].copy_from_slice(&xid.to_le_bytes());
}

/// Notes that a version deleted or updated by `xid` may become
/// prunable: pd_prune_xid keeps the oldest such xid.
pub fn note_prunable(p: &mut Page, xid: u32) {
    let old = prune_xid(p);
    if old == 0 || xid < old {
        set_prune_xid(p, xid);
    }
}

/// True for a page never initialised (all zeros, e.g. after a crash
/// between extension and first write).
pub fn is_new(p: &Page) -> bool {
    get_u16(p, 14) == 0
}

/// Initialises an empty heap page.
pub fn init(p: &mut Page) {
    p.fill(0);
    put_u16(p, 12, PAGE_HEADER as u16);
    put_u16(p, 14, PAGE_SIZE as u16);
    put_u16(p, 16, PAGE_SIZE as u16);
    put_u16(p, 18, (PAGE_SIZE as u16) | LAYOUT_VERSION);
}

fn lower(p: &Page) -> usize {
    usize::from(get_u16(p, 12))
}

fn upper(p: &Page) -> usize {
    usize::from(get_u16(p, 14))
}

/// Number of line pointers.
pub fn item_count(p: &Page) -> u16 {
    (lower(p).saturating_sub(PAGE_HEADER) / LP_SIZE) as u16
}

fn lp_at(p: &Page, offset: u16) -> Option<(usize, ItemState, usize)> {
    if offset == 0 || offset > item_count(p) {
        return None;
    }
    let raw = get_u32(p, PAGE_HEADER + (usize::from(offset) - 1) * LP_SIZE);
    let off = (raw & 0x7fff) as usize;
    let state = match (raw >> 15) & 3 {
        0 => ItemState::Unused,
        1 => ItemState::Normal,
        2 => ItemState::Redirect,
        _ => ItemState::Dead,
    };
    let len = (raw >> 17) as usize;
    Some((off, state, len))
}

fn set_lp(p: &mut Page, offset: u16, off: usize, state: ItemState, len: usize) {
    let raw = (off as u32 & 0x7fff) | ((state as u32) << 15) | ((len as u32) << 17);
    put_u32(p, PAGE_HEADER + (usize::from(offset) - 1) * LP_SIZE, raw);
}

/// The state of line pointer `offset`.
pub fn item_state(p: &Page, offset: u16) -> Option<ItemState> {
    lp_at(p, offset).map(|(_, s, _)| s)
}

/// Bytes available for one more tuple (header included), counting a new
/// line pointer.
pub fn free_space(p: &Page) -> usize {
    upper(p).saturating_sub(lower(p)).saturating_sub(LP_SIZE)
}

fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// Adds `tuple` (header and data); returns its line pointer number, or
/// None if it does not fit. An unused line pointer is reused.
pub fn add_tuple(p: &mut Page, tuple: &[u8]) -> Option<u16> {
    let len = tuple.len();
    if len > MAX_TUPLE || len == 0 {
        return None;
    }
    // Look for a free line pointer only when the page says it may have
    // one (PostgreSQL's PD_HAS_FREE_LINES), not on every insert.
    let reuse = if get_u16(p, 10) & HAS_FREE_LINES != 0 {
        let found = (1..=item_count(p)).find(|&o| item_state(p, o) == Some(ItemState::Unused));
        if found.is_none() {
            let flags = get_u16(p, 10) & !HAS_FREE_LINES;
            put_u16(p, 10, flags);
        }
        found
    } else {
        None
    };
    let need_lp = if reuse.is_some() { 0 } else { LP_SIZE };
    let (lo, up) = (lower(p), upper(p));
    if up < lo + need_lp || align8(len) > up - lo - need_lp {
        return None;
    }
    let start = up - align8(len);
    p[start..start + len].copy_from_slice(tuple);
    put_u16(p, 14, start as u16);
    let offset = match reuse {
        Some(o) => o,
        None => {
            put_u16(p, 12, (lo + LP_SIZE) as u16);
            item_count(p)
        }
    };
    set_lp(p, offset, start, ItemState::Normal, len);
    Some(offset)
}

/// Puts `tuple` at line pointer `offset` (redo of an insert: the same
/// slot as before the crash). False if the page cannot hold it there.
pub fn put_tuple_at(p: &mut Page, offset: u16, tuple: &[u8]) -> bool {
    let count = item_count(p);
    if offset == 0 || offset > count + 1 {
        return false;
    }
    if offset <= count && item_state(p, offset) != Some(ItemState::Unused) {
        return false;
    }
    let len = tuple.len();
    let need_lp = if offset == count + 1 { LP_SIZE } else { 0 };
    let (lo, up) = (lower(p), upper(p));
    if len == 0 || up < lo + need_lp || align8(len) > up - lo - need_lp {
        return false;
    }
    let start = up - align8(len);
    p[start..start + len].copy_from_slice(tuple);
    put_u16(p, 14, start as u16);
    if need_lp > 0 {
        put_u16(p, 12, (lo + LP_SIZE) as u16);
    }
    set_lp(p, offset, start, ItemState::Normal, len);
    true
}

/// The bytes of the normal tuple at `offset`.
pub fn tuple(p: &Page, offset: u16) -> Option<&[u8]> {
    tuple_range(p, offset).map(|r| &p[r])
}

/// The bytes of the normal tuple at `offset`, writable.
pub fn tuple_mut(p: &mut Page, offset: u16) -> Option<&mut [u8]> {
    tuple_range(p, offset).map(|r| &mut p[r])
}

/// Where the normal tuple at `offset` lies, if its line pointer is sane
/// (a damaged one never panics a reader).
fn tuple_range(p: &Page, offset: u16) -> Option<std::ops::Range<usize>> {
    let (off, state, len) = lp_at(p, offset)?;
    if state != ItemState::Normal
        || len < TUPLE_HEADER
        || off < PAGE_HEADER
        || off + len > PAGE_SIZE
    {
        return None;
    }
    Some(off..off + len)
}

/// Marks line pointer `offset` dead (pruned) or unused (vacuumed); the
/// tuple's bytes are reclaimed at the next [`compact`].
pub fn set_item_state(p: &mut Page, offset: u16, state: ItemState) {
    if let Some((_, _, _)) = lp_at(p, offset) {
        set_lp(p, offset, 0, state, 0);
        if state == ItemState::Unused {
            let flags = get_u16(p, 10) | HAS_FREE_LINES;
            put_u16(p, 10, flags);
        }
    }
}

/// Moves the remaining tuples together at the end of the page (PageRepairFragmentation)
/// and drops trailing unused line pointers.
pub fn compact(p: &mut Page) {
    let count = item_count(p);
    let mut live: Vec<(u16, Vec<u8>)> = Vec::new();
    for o in 1..=count {
        if let Some(t) = tuple(p, o) {
            live.push((o, t.to_vec()));
        }
    }
    let mut up = PAGE_SIZE;
    for (o, t) in &live {
        up -= align8(t.len());
        p[up..up + t.len()].copy_from_slice(t);
        set_lp(p, *o, up, ItemState::Normal, t.len());
    }
    // Zero the freed gap so old bytes never leak into images or dumps.
    let mut last = count;
    while last > 0 && item_state(p, last) == Some(ItemState::Unused) {
        last -= 1;
    }
    let lo = PAGE_HEADER + usize::from(last) * LP_SIZE;
    put_u16(p, 12, lo as u16);
    p[lo..up].fill(0);
    put_u16(p, 14, up as u16);
}

/// Infomask bits.
pub mod infomask {
    /// xmax only locks the row (no update or delete).
    pub const XMAX_LOCK_ONLY: u16 = 0x0080;
    /// This version was produced by an UPDATE.
    pub const UPDATED: u16 = 0x2000;
    /// The row's data is stored out of line, in chunk tuples; the tuple
    /// holds the data's length and the first chunk's tid.
    pub const HAS_OVERFLOW: u16 = 0x0800;
    /// A chunk of a row stored out of line: never a row itself.
    pub const CHUNK: u16 = 0x1000;
}

/// A tuple's MVCC header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TupleHeader {
    /// Inserting transaction.
    pub xmin: u32,
    /// Deleting, updating or locking transaction; 0 if none.
    pub xmax: u32,
    /// Command id of the insert within its transaction.
    pub cmin: u32,
    /// Command id of the delete within its transaction.
    pub cmax: u32,
    /// This tuple's own id, or the newer version's after an update.
    pub ctid: Tid,
    /// Flags ([`infomask`]).
    pub infomask: u16,
}

impl TupleHeader {
    /// Reads a header from the start of `t` (at least 24 bytes).
    pub fn read(t: &[u8]) -> TupleHeader {
        // One bounds check for the whole header (scans read it per row).
        let mut h = [0u8; TUPLE_HEADER];
        h.copy_from_slice(&t[..TUPLE_HEADER]);
        let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        let u16_at = |i: usize| u16::from_le_bytes([h[i], h[i + 1]]);
        TupleHeader {
            xmin: u32_at(0),
            xmax: u32_at(4),
            cmin: u32_at(8),
            cmax: u32_at(12),
            ctid: Tid {
                block: u32_at(16),
                offset: u16_at(20),
            },
            infomask: u16_at(22),
        }
    }

    /// Writes the header into the start of `t`.
    pub fn write(&self, t: &mut [u8]) {
        put_u32(t, 0, self.xmin);
        put_u32(t, 4, self.xmax);
        put_u32(t, 8, self.cmin);
        put_u32(t, 12, self.cmax);
        put_u32(t, 16, self.ctid.block);
        put_u16(t, 20, self.ctid.offset);
        put_u16(t, 22, self.infomask);
    }

    /// Header followed by `data`.
    pub fn with_data(&self, data: &[u8]) -> Vec<u8> {
        let mut t = vec![0u8; TUPLE_HEADER + data.len()];
        self.write(&mut t);
        t[TUPLE_HEADER..].copy_from_slice(data);
        t
    }

    /// True when xmax only locks the row.
    pub fn lock_only(&self) -> bool {
        self.infomask & infomask::XMAX_LOCK_ONLY != 0
    }
}

/// The page checksum: CRC-32C of the page with the checksum field zeroed,
/// folded to 16 bits (never 0, so a zero field means "not set").
pub fn checksum(p: &Page) -> u16 {
    let mut crc = crc32c::crc32c(&p[..8]);
    crc = crc32c::crc32c_append(crc, &[0, 0]);
    crc = crc32c::crc32c_append(crc, &p[10..]);
    let folded = ((crc >> 16) ^ (crc & 0xffff)) as u16;
    folded.max(1)
}

/// Stores the checksum (before writing the page).
pub fn set_checksum(p: &mut Page) {
    let c = checksum(p);
    put_u16(p, 8, c);
}

/// Verifies a page read from disk: all-zero pages are valid (never
/// written); otherwise the checksum and header bounds must hold.
pub fn verify(p: &Page) -> bool {
    if p.iter().all(|&b| b == 0) {
        return true;
    }
    let (lo, up, special) = (lower(p), upper(p), usize::from(get_u16(p, 16)));
    get_u16(p, 8) == checksum(p)
        && lo >= PAGE_HEADER
        && lo <= up
        && up <= special
        && special == PAGE_SIZE
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn page() -> Box<Page> {
        let mut p = Box::new([0u8; PAGE_SIZE]);
        init(&mut p);
        p
    }

    fn header(xmin: u32) -> TupleHeader {
        TupleHeader {
            xmin,
            ..Default::default()
        }
    }

    #[test]
    fn add_read_and_fill_a_page() {
        let mut p = page();
        assert!(!is_new(&p));
        let t = header(7).with_data(b"hello");
        let o = add_tuple(&mut p, &t).unwrap();
        assert_eq!(o, 1);
        assert_eq!(tuple(&p, 1).unwrap(), &t[..]);
        assert_eq!(TupleHeader::read(tuple(&p, 1).unwrap()).xmin, 7);
        let mut n = 1;
        while add_tuple(&mut p, &t).is_some() {
            n += 1;
        }
        // (8192 - 24) / (32 + 4) tuples of 29 bytes aligned to 32.
        assert_eq!(n, (PAGE_SIZE - PAGE_HEADER) / (32 + 4));
        assert!(free_space(&p) < 32);
    }

    #[test]
    fn too_large_tuples_do_not_fit() {
        let mut p = page();
        assert!(add_tuple(&mut p, &vec![1u8; MAX_TUPLE + 1]).is_none());
        assert!(add_tuple(&mut p, &vec![1u8; MAX_TUPLE]).is_some());
    }

    #[test]
    fn compaction_reclaims_space_and_keeps_tids() {
        let mut p = page();
        let t = header(1).with_data(&[9u8; 1000]);
        let mut n = 0;
        while add_tuple(&mut p, &t).is_some() {
            n += 1;
        }
        assert_eq!(n, 7, "1024-byte tuples: seven fit in 8168 bytes");
        for o in [2, 4, 6] {
            set_item_state(&mut p, o, ItemState::Unused);
        }
        compact(&mut p);
        assert_eq!(tuple(&p, 3).unwrap(), &t[..], "tids survive compaction");
        // Freed slots and space are reused.
        assert_eq!(add_tuple(&mut p, &t), Some(2));
        assert_eq!(add_tuple(&mut p, &t), Some(4));
        assert_eq!(add_tuple(&mut p, &t), Some(6));
        assert!(verify_shape(&p));
    }

    fn verify_shape(p: &Page) -> bool {
        let mut q = Box::new(*p);
        set_checksum(&mut q);
        verify(&q)
    }

    #[test]
    fn checksum_detects_damage() {
        let mut p = page();
        add_tuple(&mut p, &header(3).with_data(b"x")).unwrap();
        set_checksum(&mut p);
        assert!(verify(&p));
        p[5000] ^= 1;
        assert!(!verify(&p));
        assert!(verify(&[0u8; PAGE_SIZE]), "never-written pages are valid");
    }

    #[test]
    fn damaged_line_pointers_never_panic() {
        let mut p = page();
        add_tuple(&mut p, &header(1).with_data(b"abc")).unwrap();
        // Point the line pointer past the page end.
        put_u32(&mut p[..], PAGE_HEADER, 0x7fff | (1 << 15) | (100 << 17));
        assert!(tuple(&p, 1).is_none());
        assert!(tuple(&p, 0).is_none());
        assert!(tuple(&p, 500).is_none());
    }

    #[test]
    fn redo_puts_tuples_at_their_old_slot() {
        let mut p = page();
        let t = header(1).with_data(b"row");
        assert!(put_tuple_at(&mut p, 1, &t));
        assert!(!put_tuple_at(&mut p, 1, &t), "slot taken");
        assert!(!put_tuple_at(&mut p, 3, &t), "gap");
        assert!(put_tuple_at(&mut p, 2, &t));
        assert_eq!(item_count(&p), 2);
    }

    proptest! {
        #[test]
        fn headers_round_trip(xmin in any::<u32>(), xmax in any::<u32>(), cmin in any::<u32>(), cmax in any::<u32>(), block in any::<u32>(), offset in any::<u16>(), mask in any::<u16>()) {
            let h = TupleHeader { xmin, xmax, cmin, cmax, ctid: Tid { block, offset }, infomask: mask };
            let t = h.with_data(b"data");
            prop_assert_eq!(TupleHeader::read(&t), h);
        }

        #[test]
        fn pages_round_trip_their_tuples(rows in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..40)) {
            let mut p = page();
            let mut stored = Vec::new();
            for (i, r) in rows.iter().enumerate() {
                let t = header(i as u32).with_data(r);
                match add_tuple(&mut p, &t) {
                    Some(o) => stored.push((o, t)),
                    None => break,
                }
            }
            for (o, t) in &stored {
                prop_assert_eq!(tuple(&p, *o).unwrap(), &t[..]);
            }
            prop_assert!(verify_shape(&p));
        }

        #[test]
        fn random_pages_never_panic(bytes in prop::collection::vec(any::<u8>(), PAGE_SIZE..=PAGE_SIZE), probe in 0u16..600) {
            let mut p = Box::new([0u8; PAGE_SIZE]);
            p.copy_from_slice(&bytes);
            let _ = verify(&p);
            let _ = tuple(&p, probe);
            let _ = item_count(&p);
            let _ = free_space(&p);
        }
    }
}
