//! The free space map: how much room each page of a relation has, kept
//! in memory (rebuilt as pages are touched after a restart).
//!
//! Rules:
//! 1. Pages with less than [`MIN_FREE`] bytes are not listed: no tuple
//!    would fit.
//! 2. A lookup takes the page with the least room that still fits the
//!    tuple (lowest block among equals), in O(log pages): a bulk load of
//!    many pages must not scan them all for every page it fills.

use std::collections::{BTreeMap, BTreeSet};

/// Pages with less room are not listed (rule 1).
pub const MIN_FREE: usize = 64;

/// One relation's pages with room.
#[derive(Debug, Default)]
pub struct FreeSpace {
    /// Room by block.
    by_block: BTreeMap<u32, u16>,
    /// (room, block), for lookups by room.
    by_room: BTreeSet<(u16, u32)>,
}

impl FreeSpace {
    /// Records that `block` has `free` bytes of room.
    pub fn record(&mut self, block: u32, free: usize) {
        if let Some(old) = self.by_block.remove(&block) {
            self.by_room.remove(&(old, block));
        }
        if free >= MIN_FREE {
            let free = free.min(usize::from(u16::MAX)) as u16;
            self.by_block.insert(block, free);
            self.by_room.insert((free, block));
        }
    }

    /// A page with at least `need` bytes of room other than `avoid`
    /// (rule 2).
    pub fn find(&self, need: usize, avoid: Option<u32>) -> Option<u32> {
        let need = u16::try_from(need).ok()?;
        self.by_room
            .range((need, 0)..)
            .map(|&(_, b)| b)
            .find(|&b| Some(b) != avoid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_tightest_fit_and_forgets_full_pages() {
        let mut f = FreeSpace::default();
        f.record(1, 500);
        f.record(2, 200);
        f.record(3, 200);
        f.record(4, 10);
        assert_eq!(f.find(150, None), Some(2));
        assert_eq!(f.find(150, Some(2)), Some(3));
        assert_eq!(f.find(300, None), Some(1));
        assert_eq!(f.find(600, None), None);
        assert_eq!(f.find(5, None), Some(2), "page 4 is too full to list");
        f.record(2, 0);
        assert_eq!(f.find(150, None), Some(3));
        f.record(3, 1000);
        assert_eq!(f.find(600, None), Some(3));
    }
}
