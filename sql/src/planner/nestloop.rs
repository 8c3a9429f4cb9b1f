//! Parameterized nested loops: a join whose inner side is a table with an
//! index on its join key reads, for each outer row, only the inner rows
//! of that key through the index (PostgreSQL's Nested Loop over an inner
//! Index Scan with `Index Cond: (id = o.ref)`), when the outer side is
//! small enough that this beats hashing the whole inner table. An inner
//! join may swap its sides for it.

use super::estimate::Estimator;
use crate::expr::{Expr, ExprKind};
use crate::plan::{remap_columns, JoinKind, Plan};

impl Plan {
    /// Turns hash joins into parameterized nested loops where the
    /// estimates favour them.
    pub(crate) fn choose_nested_loops(
        &mut self,
        est: &Estimator<'_>,
        blocks: &dyn Fn(&crate::catalog::TableDef) -> u32,
    ) {
        for c in self.children_mut() {
            c.choose_nested_loops(est, blocks);
        }
        let Plan::Join {
            left,
            right,
            kind,
            keys,
            on,
            left_width,
            right_width,
            merge: false,
        } = self
        else {
            return;
        };
        if keys.is_empty() || !matches!(kind, JoinKind::Inner | JoinKind::Left) {
            return;
        }
        if fits(left, right, keys.iter().map(|k| &k.1), est, blocks) {
            self.nest();
            return;
        }
        let swap =
            *kind == JoinKind::Inner && fits(right, left, keys.iter().map(|k| &k.0), est, blocks);
        if !swap {
            return;
        }
        // The other side inside: its columns come first in the join's
        // row, a Permute above gives the rows above their order back.
        let (lw, rw) = (*left_width, *right_width);
        let on = on
            .take()
            .map(|e| remap_columns(e, &|i| if i < lw { i + rw } else { i - lw }));
        let keys = std::mem::take(keys)
            .into_iter()
            .map(|(l, r, eq)| (r, l, eq))
            .collect();
        let mut swapped = Plan::Join {
            left: Box::new(std::mem::replace(&mut **right, Plan::OneRow)),
            right: Box::new(std::mem::replace(&mut **left, Plan::OneRow)),
            kind: JoinKind::Inner,
            keys,
            on,
            left_width: rw,
            right_width: lw,
            merge: false,
        };
        swapped.nest();
        *self = Plan::Permute {
            input: Box::new(swapped),
            columns: (0..lw).map(|i| rw + i).chain(0..rw).collect(),
        };
    }

    /// This join (its inner side a table scan, checked by [`fits`]) as a
    /// nested loop whose inner scan has the keys as conditions on the
    /// outer row, which the index pass then reads through the index.
    fn nest(&mut self) {
        let Plan::Join {
            left,
            right,
            kind,
            keys,
            on,
            right_width,
            ..
        } = self
        else {
            return;
        };
        let (scan, predicate) = match std::mem::replace(&mut **right, Plan::OneRow) {
            Plan::Filter { input, predicate } => (*input, Some(predicate)),
            other => (other, None),
        };
        let mut conds: Vec<Expr> = predicate.into_iter().collect();
        for (l, r, eq) in std::mem::take(keys) {
            conds.push(super::joinorder::equality(r, outer_of(l), eq));
        }
        let inner = match Expr::and_all(conds) {
            Some(predicate) => Plan::Filter {
                input: Box::new(scan),
                predicate,
            },
            None => scan,
        };
        *self = Plan::Lateral {
            left: Box::new(std::mem::replace(&mut **left, Plan::OneRow)),
            right: Box::new(inner),
            left_join: *kind == JoinKind::Left,
            on: on.take(),
            right_width: *right_width,
        };
    }
}

/// Whether `inner` is a table scan (perhaps filtered by conditions on its
/// own row) with an index led by one of its key columns `inner_keys`, and
/// `outer` is estimated small enough for a descent of that index per
/// outer row to cost less than hashing the table.
fn fits<'k>(
    outer: &Plan,
    inner: &Plan,
    mut inner_keys: impl Iterator<Item = &'k Expr>,
    est: &Estimator<'_>,
    blocks: &dyn Fn(&crate::catalog::TableDef) -> u32,
) -> bool {
    let (table, predicate) = match inner {
        Plan::SeqScan {
            table,
            with_tid: false,
            ..
        } => (table, None),
        Plan::Filter { input, predicate } => match &**input {
            Plan::SeqScan {
                table,
                with_tid: false,
                ..
            } => (table, Some(predicate)),
            _ => return false,
        },
        _ => return false,
    };
    if predicate.is_some_and(|p| !self_contained(p)) || blocks(table) < 2 {
        return false;
    }
    let live: Vec<usize> = table.live().map(|(i, _)| i).collect();
    let indexed = inner_keys.any(|k| match k.kind {
        ExprKind::Column(c) => live.get(c).is_some_and(|&attr| {
            super::index::index_scannable(k.ty)
                && table.indexes.iter().any(|ix| {
                    ix.has_entries() && ix.plain_columns().and_then(|c| c.first()) == Some(&attr)
                })
        }),
        _ => false,
    });
    if !indexed {
        return false;
    }
    // Each outer row costs a descent of the index and a few fetches; a
    // hash join reads and hashes every inner row once.
    let outer_rows = est.rows(outer);
    let inner_rows = est.table_rows(table);
    let per_probe = 4.0 + inner_rows.log2().max(1.0);
    outer_rows * per_probe < inner_rows * 1.5 + outer_rows
}

/// Reads nothing but the row itself: no outer references, no subqueries.
fn self_contained(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| {
        if matches!(x.kind, ExprKind::Outer { .. } | ExprKind::SubLink(_)) {
            ok = false;
        }
    });
    ok
}

/// An expression over the outer row, as read from inside the inner scan.
fn outer_of(e: Expr) -> Expr {
    let kind = match e.kind {
        ExprKind::Column(index) => ExprKind::Outer { depth: 1, index },
        k => crate::plan::map_or_null(k, &outer_of),
    };
    Expr { kind, ..e }
}
