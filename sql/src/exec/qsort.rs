//! PostgreSQL's in-memory sorting, step for step.
//!
//! Rows that compare equal under a sort's keys come out in whatever order
//! the algorithm leaves them; clients (and PostgreSQL's own regression
//! files) see that order whenever ORDER BY does not decide every row, a
//! window's peers, or which row DISTINCT ON keeps. Rust's stable sort
//! keeps ties in input order, PostgreSQL's quicksort does not, so the
//! two answer the same query with rows in different orders. These are
//! PostgreSQL's algorithms (src/include/lib/sort_template.h, Bentley and
//! McIlroy's quicksort with a presorted check, and tuplesort.c's bounded
//! heap for ORDER BY ... LIMIT), making the same comparisons and swaps,
//! so equal rows land where PostgreSQL puts them.

use std::cmp::Ordering;

/// Sorts `v` as PostgreSQL's `qsort` / tuplesort quicksort does.
pub fn pg_qsort<T>(v: &mut [T], cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    let mut a = 0usize;
    let mut n = v.len();
    loop {
        if n < 7 {
            for pm in a + 1..a + n {
                let mut pl = pm;
                while pl > a && cmp(&v[pl - 1], &v[pl]) == Ordering::Greater {
                    v.swap(pl, pl - 1);
                    pl -= 1;
                }
            }
            return;
        }
        if (a + 1..a + n).all(|pm| cmp(&v[pm - 1], &v[pm]) != Ordering::Greater) {
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = med3(v, pm - d, pm, pm + d, cmp);
                pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = med3(v, pl, pm, pn, cmp);
        }
        v.swap(a, pm);
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let r = cmp(&v[pb], &v[a]);
                if r == Ordering::Greater {
                    break;
                }
                if r == Ordering::Equal {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let r = cmp(&v[pc], &v[a]);
                if r == Ordering::Less {
                    break;
                }
                if r == Ordering::Equal {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let d1 = (pa - a).min(pb - pa);
        swap_n(v, a, pb - d1, d1);
        let d1 = (pd - pc).min(pn - pd - 1);
        swap_n(v, pb, pn - d1, d1);
        let d1 = pb - pa;
        let d2 = pd - pc;
        if d1 <= d2 {
            // The smaller side by recursion, the larger by iteration.
            if d1 > 1 {
                pg_qsort(&mut v[a..a + d1], cmp);
            }
            if d2 <= 1 {
                return;
            }
            a = pn - d2;
            n = d2;
        } else {
            if d2 > 1 {
                pg_qsort(&mut v[pn - d2..pn], cmp);
            }
            if d1 <= 1 {
                return;
            }
            n = d1;
        }
    }
}

fn med3<T>(
    v: &[T],
    a: usize,
    b: usize,
    c: usize,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) -> usize {
    if cmp(&v[a], &v[b]) == Ordering::Less {
        if cmp(&v[b], &v[c]) == Ordering::Less {
            b
        } else if cmp(&v[a], &v[c]) == Ordering::Less {
            c
        } else {
            a
        }
    } else if cmp(&v[b], &v[c]) == Ordering::Greater {
        b
    } else if cmp(&v[a], &v[c]) == Ordering::Less {
        a
    } else {
        c
    }
}

fn swap_n<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        v.swap(a + i, b + i);
    }
}

/// tuplesort.c's bounded heap: the first `bound` items of a sort whose
/// input goes past twice the bound, kept in a heap whose root is the
/// item that sorts last.
pub struct BoundedHeap<T> {
    /// The heap (at most `bound` items).
    items: Vec<T>,
    /// How many items are kept.
    bound: usize,
}

impl<T> BoundedHeap<T> {
    /// Builds the heap from the items gathered so far (more than the
    /// bound), as make_bounded_heap.
    pub fn new(
        gathered: Vec<T>,
        bound: usize,
        cmp: &mut impl FnMut(&T, &T) -> Ordering,
    ) -> BoundedHeap<T> {
        let mut heap = BoundedHeap {
            items: Vec::with_capacity(bound),
            bound,
        };
        for item in gathered {
            heap.offer(item, cmp);
        }
        heap
    }

    /// One more input item: kept if it sorts before the heap's last.
    pub fn offer(&mut self, item: T, cmp: &mut impl FnMut(&T, &T) -> Ordering) {
        // The heap orders by the reversed comparison, so its root is the
        // item that sorts last.
        let mut rev = |x: &T, y: &T| cmp(y, x);
        if self.items.len() < self.bound {
            self.insert(item, &mut rev);
        } else if self.bound > 0 && rev(&item, &self.items[0]) == Ordering::Greater {
            self.replace_top(item, &mut rev);
        }
    }

    fn insert(&mut self, item: T, rev: &mut impl FnMut(&T, &T) -> Ordering) {
        self.items.push(item);
        let mut j = self.items.len() - 1;
        while j > 0 {
            let i = (j - 1) >> 1;
            if rev(&self.items[j], &self.items[i]) != Ordering::Less {
                break;
            }
            self.items.swap(i, j);
            j = i;
        }
    }

    /// Puts `item` at the root and sifts it down (tuplesort_heap_replace_top
    /// over the first `n` items).
    fn sift(&mut self, n: usize, rev: &mut impl FnMut(&T, &T) -> Ordering) {
        let mut i = 0usize;
        loop {
            let mut j = 2 * i + 1;
            if j >= n {
                break;
            }
            if j + 1 < n && rev(&self.items[j], &self.items[j + 1]) == Ordering::Greater {
                j += 1;
            }
            if rev(&self.items[i], &self.items[j]) != Ordering::Greater {
                break;
            }
            self.items.swap(i, j);
            i = j;
        }
    }

    fn replace_top(&mut self, item: T, rev: &mut impl FnMut(&T, &T) -> Ordering) {
        self.items[0] = item;
        let n = self.items.len();
        self.sift(n, rev);
    }

    /// The kept items in sort order, as sort_bounded_heap leaves them.
    pub fn into_sorted(mut self, cmp: &mut impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
        let mut rev = |x: &T, y: &T| cmp(y, x);
        let mut count = self.items.len();
        while count > 1 {
            // The root (the last of the rest) goes to the freed slot at
            // the end; the former last item sifts down from the root.
            count -= 1;
            self.items.swap(0, count);
            self.sift(count, &mut rev);
        }
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic shuffle.
    fn scrambled(n: usize, modulo: u64) -> Vec<(u64, usize)> {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % modulo, i)
            })
            .collect()
    }

    #[test]
    fn sorts_like_any_sort_on_the_keys() {
        for n in [0, 1, 2, 6, 7, 8, 40, 41, 1000] {
            for modulo in [1, 3, 1000] {
                let mut v = scrambled(n, modulo);
                pg_qsort(&mut v, &mut |a, b| a.0.cmp(&b.0));
                assert!(v.windows(2).all(|w| w[0].0 <= w[1].0), "n={n} m={modulo}");
                let mut ids: Vec<usize> = v.iter().map(|p| p.1).collect();
                ids.sort_unstable();
                assert_eq!(ids, (0..n).collect::<Vec<_>>());
            }
        }
    }

    /// The i's of `SELECT i FROM (SELECT i % m AS k, i FROM
    /// generate_series(0, n - 1) i) s ORDER BY k [LIMIT l]`.
    fn order_by_remainder(n: u32, m: u32, limit: Option<usize>) -> Vec<u32> {
        let v: Vec<(u32, u32)> = (0..n).map(|i| (i % m, i)).collect();
        let mut cmp = |a: &(u32, u32), b: &(u32, u32)| a.0.cmp(&b.0);
        let sorted = match limit {
            Some(l) => {
                let mut heap = BoundedHeap::new(v[..2 * l + 1].to_vec(), l, &mut cmp);
                for &item in &v[2 * l + 1..] {
                    heap.offer(item, &mut cmp);
                }
                heap.into_sorted(&mut cmp)
            }
            None => {
                let mut v = v;
                pg_qsort(&mut v, &mut cmp);
                v
            }
        };
        sorted.iter().map(|p| p.1).collect()
    }

    #[test]
    fn ties_land_where_postgresql_puts_them() {
        // Recorded from PostgreSQL 15 (string_agg of the query above).
        assert_eq!(
            order_by_remainder(10, 3, None),
            [0, 3, 6, 9, 4, 1, 7, 5, 8, 2]
        );
        let want = "49,98,42,28,63,84,21,7,77,35,70,56,91,0,14,71,57,50,8,92,15,1,85,22,99,\
                    78,29,36,64,43,30,16,72,44,2,9,51,37,93,79,65,23,86,58,87,3,10,17,24,31,\
                    38,45,52,59,66,73,80,94,32,88,74,60,18,81,39,25,95,67,46,4,11,53,47,61,\
                    40,96,68,33,75,26,5,82,19,89,12,54,76,13,97,55,90,48,34,6,69,27,41,83,\
                    20,62";
        let want: Vec<u32> = want.split(',').map(|s| s.trim().parse().unwrap()).collect();
        assert_eq!(order_by_remainder(100, 7, None), want);
        assert_eq!(
            order_by_remainder(100, 7, Some(10)),
            [49, 56, 35, 42, 28, 14, 7, 0, 21, 63]
        );
    }

    #[test]
    fn the_bounded_heap_keeps_the_first_items_in_order() {
        let v = scrambled(500, 50);
        let mut cmp = |a: &(u64, usize), b: &(u64, usize)| a.0.cmp(&b.0);
        let mut heap = BoundedHeap::new(v[..21].to_vec(), 10, &mut cmp);
        for &item in &v[21..] {
            heap.offer(item, &mut cmp);
        }
        let got = heap.into_sorted(&mut cmp);
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        let keys: Vec<u64> = got.iter().map(|p| p.0).collect();
        let want: Vec<u64> = want[..10].iter().map(|p| p.0).collect();
        assert_eq!(keys, want);
    }
}
