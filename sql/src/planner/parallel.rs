//! Parallel scans: Gather over the scans of large tables.

use crate::expr::Expr;
use crate::plan::Plan;

impl Plan {
    /// Reads tables of at least `min_blocks` blocks with parallel workers:
    /// each SeqScan, with the Filter right above it when that filter is
    /// parallel safe, goes under a Gather planning one worker, one more
    /// each time the table is three times larger, at most `max_workers`
    /// (PostgreSQL's compute_parallel_worker). Scans that run again for
    /// each outer row (the right side of a LATERAL join, a recursive
    /// step) and scans for UPDATE or DELETE (`with_tid`) stay serial. A
    /// scan without a filter is parallel only right under an aggregate
    /// (which the workers then compute in part): otherwise every row
    /// would cross from a worker to the leader for nothing, and
    /// PostgreSQL's costs (parallel_tuple_cost) keep such a scan serial
    /// too.
    pub fn choose_parallel(
        &mut self,
        blocks: &dyn Fn(&crate::catalog::TableDef) -> u32,
        max_workers: usize,
        min_blocks: u32,
    ) {
        if max_workers > 0 {
            self.parallelize(blocks, max_workers, min_blocks, false);
        }
    }

    fn parallelize(
        &mut self,
        blocks: &dyn Fn(&crate::catalog::TableDef) -> u32,
        max_workers: usize,
        min_blocks: u32,
        under_aggregate: bool,
    ) {
        let scan = match &*self {
            Plan::SeqScan {
                table, with_tid, ..
            } if under_aggregate => Some((table, *with_tid, None)),
            Plan::SeqScan { .. } => return,
            Plan::Filter { input, predicate } => match &**input {
                Plan::SeqScan {
                    table, with_tid, ..
                } => Some((table, *with_tid, Some(predicate))),
                _ => None,
            },
            _ => None,
        };
        if let Some((table, with_tid, predicate)) = scan {
            if with_tid || !predicate.is_none_or(Expr::parallel_safe) {
                return;
            }
            let workers = parallel_workers(blocks(table), min_blocks, max_workers);
            if workers > 0 {
                let scan = std::mem::replace(self, Plan::OneRow);
                *self = Plan::Gather {
                    input: Box::new(scan),
                    workers,
                };
            }
            return;
        }
        match self {
            Plan::Lateral { left, .. } => left.parallelize(blocks, max_workers, min_blocks, false),
            Plan::RecursiveUnion { base, .. } => {
                base.parallelize(blocks, max_workers, min_blocks, false)
            }
            Plan::Aggregate { input, .. } => {
                input.parallelize(blocks, max_workers, min_blocks, true)
            }
            other => {
                for c in other.children_mut() {
                    c.parallelize(blocks, max_workers, min_blocks, false);
                }
            }
        }
    }
}

/// Workers for a parallel scan of `blocks` blocks: none below
/// `min_blocks`, then one, and one more each time the table is three
/// times larger, at most `max` (PostgreSQL's compute_parallel_worker).
pub fn parallel_workers(blocks: u32, min_blocks: u32, max: usize) -> usize {
    let min_blocks = min_blocks.max(1);
    if blocks < min_blocks {
        return 0;
    }
    let (mut workers, mut threshold) = (1usize, u64::from(min_blocks));
    while u64::from(blocks) >= threshold * 3 && workers < max {
        workers += 1;
        threshold *= 3;
    }
    workers.min(max)
}

#[cfg(test)]
mod tests {
    use super::parallel_workers;

    #[test]
    fn parallel_workers_follow_postgres_compute_parallel_worker() {
        // (blocks, min_parallel_table_scan_size, max per gather) → workers
        let cases = [
            (1023, 1024, 8, 0),
            (1024, 1024, 8, 1),
            (3071, 1024, 8, 1),
            (3072, 1024, 8, 2),
            (9215, 1024, 8, 2),
            (9216, 1024, 8, 3),
            (1_000_000, 1024, 2, 2),
            (1_000_000, 1024, 0, 0),
            (0, 0, 2, 0),
            (1, 0, 2, 1),
            (3, 0, 2, 2),
            (u32::MAX, 1, 1024, 21),
        ];
        for (blocks, min, max, want) in cases {
            assert_eq!(
                parallel_workers(blocks, min, max),
                want,
                "{blocks} blocks, min {min}, max {max}"
            );
        }
    }
}
