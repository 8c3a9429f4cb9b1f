//! Column pruning: scans decode only the columns read above them.

use crate::expr::Expr;
use crate::plan::Plan;

impl Plan {
    /// Tells each table scan how many leading columns the nodes above it
    /// read, so it decodes no more (`count(*)` decodes none). `needed` is
    /// the highest output column read from this node (None: none,
    /// `usize::MAX`: all).
    pub fn prune_columns(&mut self, needed: Option<usize>) {
        const ALL: Option<usize> = Some(usize::MAX);
        let max = |a: Option<usize>, b: Option<usize>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, None) => x,
            (None, y) => y,
        };
        let of = |exprs: &mut dyn Iterator<Item = &Expr>| {
            exprs.fold(None, |m, e| max(m, e.max_column()))
        };
        match self {
            Plan::SeqScan {
                needed: n,
                with_tid,
                ..
            }
            | Plan::IndexScan {
                needed: n,
                with_tid,
                ..
            } => {
                *n = match needed {
                    _ if *with_tid => None,
                    Some(usize::MAX) => None,
                    Some(k) => Some(k + 1),
                    None => Some(0),
                }
            }
            Plan::Filter { input, predicate } => {
                let n = max(needed, predicate.max_column());
                input.prune_columns(n);
            }
            Plan::Permute { input, columns } => {
                let n = match needed {
                    None => None,
                    Some(k) => columns.iter().take(k.saturating_add(1)).copied().max(),
                };
                input.prune_columns(n);
            }
            Plan::Project { input, exprs } => {
                // Only the outputs read above need their inputs decoded
                // (a partition's scan under count(*) decodes nothing).
                let used = match needed {
                    None => 0,
                    Some(k) => k.saturating_add(1).min(exprs.len()),
                };
                let n = of(&mut exprs[..used].iter());
                // Outputs nobody reads are not computed (PostgreSQL's
                // remove_unused_subquery_outputs): a subquery's unused
                // column cannot fail the query, unless it is volatile.
                for e in &mut exprs[used..] {
                    if !keeps_effects(e) {
                        *e = Expr {
                            kind: crate::expr::ExprKind::Const(crate::value::Value::Null),
                            ty: e.ty,
                            typmod: e.typmod,
                            pos: e.pos,
                        };
                    }
                }
                input.prune_columns(n);
            }
            Plan::Aggregate {
                input, group, aggs, ..
            } => {
                let mut n = of(&mut group.iter());
                for a in aggs.iter() {
                    n = max(n, of(&mut a.args.iter()));
                    n = max(n, a.filter.as_ref().and_then(Expr::max_column));
                }
                input.prune_columns(n);
            }
            Plan::Sort { input, keys } => {
                let n = keys.iter().fold(needed, |m, k| max(m, Some(k.column)));
                input.prune_columns(n);
            }
            Plan::Limit { input, .. } | Plan::Gather { input, .. } => input.prune_columns(needed),
            Plan::LockRows { input, marks } => {
                let n = marks
                    .targets
                    .iter()
                    .fold(needed, |m, (_, c)| max(m, Some(*c)));
                input.prune_columns(n);
            }
            Plan::Join {
                left,
                right,
                keys,
                on,
                left_width,
                ..
            } => {
                let lw = *left_width;
                let on_max = on.as_ref().and_then(Expr::max_column);
                let all = needed == ALL || on_max == ALL;
                let (mut l, mut r) = if all {
                    (ALL, ALL)
                } else {
                    let top = max(needed, on_max);
                    match top {
                        None => (None, None),
                        Some(t) if t < lw => (Some(t), None),
                        Some(t) => (Some(lw.saturating_sub(1)), Some(t - lw)),
                    }
                };
                if lw == 0 {
                    l = None;
                }
                for (lk, rk, _) in keys.iter() {
                    l = max(l, lk.max_column());
                    r = max(r, rk.max_column());
                }
                left.prune_columns(l);
                right.prune_columns(r);
            }
            Plan::OneRow | Plan::SystemView(_) | Plan::Values(_) => {}
            Plan::Distinct { input, .. } => input.prune_columns(ALL),
            Plan::Window { input, .. } | Plan::ProjectSet { input, .. } => input.prune_columns(ALL),
            Plan::SetOp { left, right, .. } | Plan::Lateral { left, right, .. } => {
                left.prune_columns(ALL);
                right.prune_columns(ALL);
            }
            // Every input gives the same columns, by position.
            Plan::Append { inputs, .. } => {
                for input in inputs {
                    input.prune_columns(needed);
                }
            }
            Plan::RecursiveUnion { base, step, .. } => {
                base.prune_columns(ALL);
                step.prune_columns(ALL);
            }
            // Every reference reads the rows the first one kept.
            Plan::CteScan { input, .. } => input.prune_columns(ALL),
            Plan::WorkTable(_) | Plan::FunctionScan { .. } => {}
        }
    }
}

/// Whether computing `e` does more than give its value: a volatile call
/// or a set-returning one, here or inside its subqueries.
fn keeps_effects(e: &Expr) -> bool {
    use crate::expr::ExprKind;
    let mut found = e.calls_volatile();
    e.visit(&mut |x| match &x.kind {
        ExprKind::SetCall { .. } => found = true,
        ExprKind::SubLink(s) => {
            let mut plan = s.plan.clone();
            crate::plan::exprs_at_levels(&mut plan, 0, &mut |inner, _| {
                found |= keeps_effects(inner);
            });
        }
        _ => {}
    });
    found
}
