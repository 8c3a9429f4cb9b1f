//! Join methods as the enable_* settings ask.

use crate::expr::Expr;
use crate::plan::{shift_columns, JoinKind, Plan, SortKey};

impl Plan {
    /// Picks join methods as the enable_hashjoin / enable_mergejoin
    /// settings ask: with hash joins off, joins on equalities of columns
    /// become merge joins over two sorts (others, or all with merge joins
    /// off too, nested loops; a FULL join stays a hash join, as PostgreSQL
    /// cannot run it as a nested loop).
    pub fn choose_joins(&mut self, hash: bool, merge: bool) {
        if hash {
            return;
        }
        match self {
            Plan::Join {
                left,
                right,
                kind,
                keys,
                on,
                left_width,
                merge: use_merge,
                ..
            } if !keys.is_empty() => {
                left.choose_joins(hash, merge);
                right.choose_joins(hash, merge);
                // A merge join reads both sides sorted on their key
                // columns, by Sort nodes (which spill past work_mem).
                let columns = |side: usize| -> Option<Vec<SortKey>> {
                    keys.iter()
                        .map(|k| match (if side == 0 { &k.0 } else { &k.1 }).kind {
                            crate::expr::ExprKind::Column(column) => Some(SortKey {
                                column,
                                desc: false,
                                nulls_first: false,
                            }),
                            _ => None,
                        })
                        .collect()
                };
                let sortable = match (columns(0), columns(1)) {
                    (Some(l), Some(r)) => Some((l, r)),
                    _ => None,
                };
                let semi = matches!(kind, JoinKind::Semi | JoinKind::Anti);
                if let (true, Some((lk, rk)), false) = (merge, sortable, semi) {
                    *use_merge = true;
                    let l = std::mem::replace(&mut **left, Plan::OneRow);
                    **left = Plan::Sort {
                        input: Box::new(l),
                        keys: lk,
                    };
                    let r = std::mem::replace(&mut **right, Plan::OneRow);
                    **right = Plan::Sort {
                        input: Box::new(r),
                        keys: rk,
                    };
                } else if *kind != JoinKind::Full {
                    // The keys become ordinary conditions over the joined row.
                    let mut conds: Vec<Expr> = std::mem::take(keys)
                        .into_iter()
                        .map(|(l, r, eq)| {
                            super::joinorder::equality(
                                l,
                                shift_columns(r, *left_width as isize),
                                eq,
                            )
                        })
                        .collect();
                    conds.extend(on.take());
                    *on = Expr::and_all(conds);
                }
            }
            other => {
                for c in other.children_mut() {
                    c.choose_joins(hash, merge);
                }
            }
        }
    }
}
