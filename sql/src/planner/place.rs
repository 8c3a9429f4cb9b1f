//! Where conditions are applied: each WHERE / ON condition moves to the
//! lowest node that has every column it reads — through projections
//! (views and subqueries in FROM), sorts and the left side of LATERAL,
//! into the preserved side of an outer join (WHERE terms) and its
//! nullable side (ON terms); each tree of inner joins is handed to the
//! join order search (joinorder.rs). EXISTS, NOT EXISTS and IN over a
//! subquery correlated by conditions on its own WHERE clause become semi
//! and anti joins.
//!
//! A condition with a correlated subquery moves like any other, by the
//! columns its subquery reads (`plan::columns_read`); moving it renumbers
//! the subquery's references to the row (`plan::remap_columns`).

use super::estimate::Estimator;
use super::joinorder::{flattenable, hashable};
use crate::error::Result;
use crate::expr::{Expr, ExprKind, SubLinkKind};
use crate::plan::{remap_columns, JoinKind, Plan};
use crate::types::DataType;

/// Places conditions and orders joins.
pub(crate) struct Placer<'a> {
    /// Row estimates.
    pub est: &'a Estimator<'a>,
}

impl Placer<'_> {
    /// `plan` with `conds` (conditions over its output row) applied, each
    /// as deep as it can go, and every join tree inside reordered.
    pub fn push(&self, plan: Plan, conds: Vec<Expr>) -> Result<Plan> {
        crate::stack::check()?;
        let plan = match plan {
            Plan::Filter { input, predicate } => {
                let mut all = conds;
                all.extend(split_and(predicate));
                self.push(*input, all)?
            }
            Plan::Lateral {
                left,
                right,
                left_join,
                on,
                right_width,
            } => {
                // WHERE terms on the left side alone filter it first.
                let lw = left.width();
                let (to_left, stay): (Vec<Expr>, Vec<Expr>) = conds
                    .into_iter()
                    .partition(|c| lw.is_some_and(|lw| side(c, lw) == Some(Side::Left)));
                let lateral = Plan::Lateral {
                    left: Box::new(self.push(*left, to_left)?),
                    right: Box::new(self.push(*right, Vec::new())?),
                    left_join,
                    on,
                    right_width,
                };
                self.unnest(lateral, stay)?
            }
            Plan::Project { input, exprs } => {
                let (through, stay): (Vec<Expr>, Vec<Expr>) =
                    conds.into_iter().partition(|c| substitutable(c, &exprs));
                let through = through
                    .into_iter()
                    .map(|c| substitute(c, &exprs))
                    .collect::<Result<Vec<_>>>()?;
                let input = Box::new(self.push(*input, through)?);
                self.unnest(Plan::Project { input, exprs }, stay)?
            }
            Plan::Permute { input, columns } => {
                let conds = conds
                    .into_iter()
                    .map(|c| Ok(remap_columns(c, &|i| columns.get(i).copied().unwrap_or(i))))
                    .collect::<Result<Vec<_>>>()?;
                let input = Box::new(self.push(*input, conds)?);
                Plan::Permute { input, columns }
            }
            Plan::Sort { input, keys } => Plan::Sort {
                input: Box::new(self.push(*input, conds)?),
                keys,
            },
            join if flattenable(&join) => self.region(join, conds)?,
            Plan::Join {
                left,
                right,
                kind,
                keys,
                on,
                right_width,
                left_width,
                merge,
            } => {
                let lw = left_width;
                let sides = |c: &Expr| side(c, lw);
                // WHERE terms on the preserved side alone filter it before
                // the join; ON terms on the nullable side alone filter
                // that side (they decide only which rows match).
                let (mut to_left, mut to_right, mut stay) = (Vec::new(), Vec::new(), Vec::new());
                for c in conds {
                    match (kind, sides(&c)) {
                        (JoinKind::Left | JoinKind::Semi | JoinKind::Anti, Some(Side::Left)) => {
                            to_left.push(c)
                        }
                        (JoinKind::Right, Some(Side::Right)) => to_right.push(c),
                        _ => stay.push(c),
                    }
                }
                let mut on_rest = Vec::new();
                for c in on.map(split_and).unwrap_or_default() {
                    match (kind, sides(&c)) {
                        (JoinKind::Left | JoinKind::Semi | JoinKind::Anti, Some(Side::Right)) => {
                            to_right.push(c)
                        }
                        (JoinKind::Right, Some(Side::Left)) => to_left.push(c),
                        _ => on_rest.push(c),
                    }
                }
                let shift = -(lw as isize);
                let to_right = to_right
                    .into_iter()
                    .map(|c| crate::plan::shift_columns(c, shift))
                    .collect();
                let join = Plan::Join {
                    left: Box::new(self.push(*left, to_left)?),
                    right: Box::new(self.push(*right, to_right)?),
                    kind,
                    keys,
                    on: Expr::and_all(on_rest),
                    right_width,
                    left_width,
                    merge,
                };
                self.unnest(join, stay)?
            }
            Plan::Append {
                inputs,
                parts: Some(info),
            } if info.bounds.len() == inputs.len() => {
                // A partitioned table: the partitions the conditions
                // leave, each filtered by them.
                let keep = super::partprune::survivors(&conds, &info);
                let mut first = None;
                let mut kept = Vec::new();
                for (p, k) in inputs.into_iter().zip(keep) {
                    if k {
                        kept.push(self.push(p, conds.clone())?);
                    } else if first.is_none() {
                        first = Some(p);
                    }
                }
                let many = kept.len() > 1;
                for (i, p) in kept.iter_mut().enumerate() {
                    let alias = if many {
                        format!("{}_{}", info.alias, i + 1)
                    } else {
                        info.alias.clone()
                    };
                    super::partprune::name_scan(p, &alias);
                }
                match (kept.len(), first) {
                    // No partition left: no rows (PostgreSQL's Result
                    // with a false One-Time Filter).
                    (0, Some(p)) => Plan::Filter {
                        input: Box::new(match p {
                            Plan::Project { exprs, .. } => Plan::Project {
                                input: Box::new(Plan::OneRow),
                                exprs: exprs
                                    .iter()
                                    .map(|e| Expr::constant(crate::value::Value::Null, e.ty))
                                    .collect(),
                            },
                            other => other,
                        }),
                        predicate: Expr::constant(crate::value::Value::Bool(false), DataType::Bool),
                    },
                    (1, _) => kept.pop().unwrap_or(Plan::OneRow),
                    // Pruned once: the bounds no longer match the inputs
                    // (the alias stays, for EXPLAIN).
                    _ => Plan::Append {
                        inputs: kept,
                        parts: Some(std::sync::Arc::new(crate::plan::PartitionPruning {
                            bounds: Vec::new(),
                            ..(*info).clone()
                        })),
                    },
                }
            }
            mut other => {
                for child in other.children_mut() {
                    let c = std::mem::replace(child, Plan::OneRow);
                    *child = self.push(c, Vec::new())?;
                }
                self.unnest(other, conds)?
            }
        };
        Ok(plan)
    }

    /// `plan` filtered by `conds` that read its whole row: each EXISTS,
    /// NOT EXISTS or IN over a subquery correlated by equalities becomes
    /// a semi or anti join (the subquery runs once, not per row); the
    /// rest stay a filter.
    pub(super) fn unnest(&self, plan: Plan, conds: Vec<Expr>) -> Result<Plan> {
        if conds.is_empty() {
            return Ok(plan);
        }
        let Some(width) = plan.width() else {
            return Ok(filter(plan, conds));
        };
        let mut plan = plan;
        let mut rest = Vec::new();
        for c in conds {
            match self.semi_join(&c, width)? {
                Some(j) => {
                    plan = Plan::Join {
                        left: Box::new(plan),
                        right: Box::new(j.right),
                        kind: j.kind,
                        keys: j.keys,
                        on: Expr::and_all(j.on),
                        right_width: j.right_width,
                        left_width: width,
                        merge: false,
                    }
                }
                None => rest.push(c),
            }
        }
        Ok(filter(plan, rest))
    }

    /// The semi or anti join `c` amounts to, over a left row of `lw`
    /// columns, if it is one.
    fn semi_join(&self, c: &Expr, lw: usize) -> Result<Option<SemiJoin>> {
        let (kind, sub) = match &c.kind {
            ExprKind::SubLink(s) => (JoinKind::Semi, s),
            ExprKind::Not(e) => match &e.kind {
                ExprKind::SubLink(s) if matches!(s.kind, SubLinkKind::Exists) => {
                    (JoinKind::Anti, s)
                }
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        if !sub.correlated {
            return Ok(None);
        }
        let mut compared = match &sub.kind {
            SubLinkKind::Exists => None,
            SubLinkKind::Any { arg, op } if op.name == "=" && self_free(arg) => {
                Some(((**arg).clone(), *op, None))
            }
            _ => return Ok(None),
        };
        // Down through the select list to the WHERE clause.
        let mut plan = sub.plan.clone();
        let (input, predicate) = loop {
            match plan {
                Plan::Project { input, exprs } => {
                    if let Some((_, _, y)) = &mut compared {
                        let e = match y.take() {
                            None => exprs.first().cloned(),
                            Some(e) if substitutable(&e, &exprs) => Some(substitute(e, &exprs)?),
                            Some(_) => None,
                        };
                        let Some(e) = e else { return Ok(None) };
                        *y = Some(e);
                    }
                    plan = *input;
                }
                Plan::Filter { input, predicate } => break (*input, predicate),
                _ => return Ok(None),
            }
        };
        let mut input = input;
        let Some(right_width) = input.width() else {
            return Ok(None);
        };
        if !uncorrelated(&mut input) {
            return Ok(None);
        }
        let mut keys = Vec::new();
        let mut on = Vec::new();
        let mut right_conds = Vec::new();
        if let Some((arg, op, Some(y))) = compared {
            if !self_free(&y) || has_outer(&y) {
                return Ok(None);
            }
            if arg.ty == y.ty && op.args.first() == op.args.get(1) && hashable(&arg) && hashable(&y)
            {
                keys.push((arg, y, op));
            } else {
                on.push(Expr {
                    kind: ExprKind::Call {
                        def: op,
                        args: vec![arg, crate::plan::shift_columns(y, lw as isize)],
                    },
                    ty: DataType::Bool,
                    typmod: -1,
                    pos: None,
                });
            }
        }
        for term in split_and(predicate) {
            if !self_free(&term) {
                return Ok(None);
            }
            if !has_outer(&term) {
                right_conds.push(term);
                continue;
            }
            if !outer_depth_one(&term) {
                return Ok(None);
            }
            if let ExprKind::Call { def, args } = &term.kind {
                if def.name == "=" && args.len() == 2 && args[0].ty == args[1].ty {
                    let outer_only = |e: &Expr| !reads_columns(e) && hashable(e);
                    let inner_only = |e: &Expr| !has_outer(e) && hashable(e);
                    let pair = if outer_only(&args[0]) && inner_only(&args[1]) {
                        Some((&args[0], &args[1]))
                    } else if outer_only(&args[1]) && inner_only(&args[0]) {
                        Some((&args[1], &args[0]))
                    } else {
                        None
                    };
                    if let Some((o, i)) = pair {
                        keys.push((outer_to_left(o.clone(), 0)?, i.clone(), *def));
                        continue;
                    }
                }
            }
            on.push(outer_to_left(term, lw)?);
        }
        let right = self.push(input, right_conds)?;
        Ok(Some(SemiJoin {
            kind,
            right,
            keys,
            on,
            right_width,
        }))
    }
}

/// A subquery condition as a join.
struct SemiJoin {
    kind: JoinKind,
    right: Plan,
    keys: Vec<(Expr, Expr, &'static crate::func::FuncDef)>,
    on: Vec<Expr>,
    right_width: usize,
}

/// Reads no enclosing query: no outer references, no correlated
/// subqueries anywhere in the plan.
fn uncorrelated(plan: &mut Plan) -> bool {
    let own = plan
        .exprs_mut()
        .into_iter()
        .all(|e| !has_outer(e) && self_free(e));
    own && plan.children_mut().into_iter().all(uncorrelated)
}

/// Has no correlated subquery.
fn self_free(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| {
        if let ExprKind::SubLink(s) = &x.kind {
            ok &= !s.correlated;
        }
    });
    ok
}

/// Reads an enclosing query's row.
fn has_outer(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| found |= matches!(x.kind, ExprKind::Outer { .. }));
    found
}

/// Its outer references are all to the query directly around.
fn outer_depth_one(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| {
        if let ExprKind::Outer { depth, .. } = x.kind {
            ok &= depth == 1;
        }
    });
    ok
}

/// Reads a column of its own row.
fn reads_columns(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| found |= matches!(x.kind, ExprKind::Column(_)));
    found
}

/// A subquery's condition over the joined row: its references to the
/// outer row become the left columns, its own columns move right by `lw`.
fn outer_to_left(e: Expr, lw: usize) -> Result<Expr> {
    let kind = match e.kind {
        ExprKind::Outer { depth: 1, index } => ExprKind::Column(index),
        ExprKind::Column(i) => ExprKind::Column(i + lw),
        k => k.map_children(|c| outer_to_left(c, lw))?,
    };
    Ok(Expr { kind, ..e })
}

/// Which side of a join (left columns below `left_width`) a condition
/// reads, if only one.
#[derive(PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

fn side(c: &Expr, left_width: usize) -> Option<Side> {
    let (mut left, mut right) = (false, false);
    for i in crate::plan::columns_read(c) {
        if i < left_width {
            left = true;
        } else {
            right = true;
        }
    }
    match (left, right) {
        (true, false) => Some(Side::Left),
        (false, true) => Some(Side::Right),
        _ => None,
    }
}

/// Whether `c` can be computed below a projection by putting the
/// projected expressions in place of its columns: each one it reads is
/// free of subqueries, aggregates and volatile functions (and, for a
/// condition with a correlated subquery, which reads columns by position,
/// a bare column).
fn substitutable(c: &Expr, exprs: &[Expr]) -> bool {
    if !self_free(c) {
        return crate::plan::columns_read(c).iter().all(|&i| {
            exprs
                .get(i)
                .is_some_and(|e| matches!(e.kind, ExprKind::Column(_)))
        });
    }
    let mut ok = true;
    c.visit(&mut |x| {
        if let ExprKind::Column(i) = x.kind {
            ok &= exprs.get(i).is_some_and(|e| {
                let mut pure = true;
                e.visit(&mut |y| match &y.kind {
                    ExprKind::SubLink(_)
                    | ExprKind::Aggregate(_)
                    | ExprKind::Window(_)
                    | ExprKind::SetCall { .. } => pure = false,
                    k if k.volatility() == Some(crate::func::Volatility::Volatile) => pure = false,
                    _ => {}
                });
                pure
            });
        }
    });
    ok
}

/// `c` with each column replaced by the expression projected there.
fn substitute(c: Expr, exprs: &[Expr]) -> Result<Expr> {
    if !self_free(&c) {
        // Bare columns only (substitutable): renumbered, subqueries too.
        return Ok(remap_columns(c, &|i| match exprs.get(i).map(|e| &e.kind) {
            Some(ExprKind::Column(j)) => *j,
            _ => i,
        }));
    }
    substitute_exprs(c, exprs)
}

fn substitute_exprs(c: Expr, exprs: &[Expr]) -> Result<Expr> {
    let kind = match c.kind {
        ExprKind::Column(i) => match exprs.get(i) {
            Some(e) => return Ok(e.clone()),
            None => ExprKind::Column(i),
        },
        k => k.map_children(|x| substitute_exprs(x, exprs))?,
    };
    Ok(Expr { kind, ..c })
}

/// The terms of a condition joined by AND.
pub(super) fn split_and(e: Expr) -> Vec<Expr> {
    match e.kind {
        ExprKind::And(items) => items.into_iter().flat_map(split_and).collect(),
        _ => vec![e],
    }
}

/// `plan` filtered by `conds` (merged into a Filter right below).
pub(super) fn filter(plan: Plan, conds: Vec<Expr>) -> Plan {
    if conds.is_empty() {
        return plan;
    }
    match plan {
        Plan::Filter { input, predicate } => {
            let mut all = split_and(predicate);
            all.extend(conds);
            Plan::Filter {
                input,
                predicate: Expr::and_all(all).unwrap_or_else(true_const),
            }
        }
        other => Plan::Filter {
            input: Box::new(other),
            predicate: Expr::and_all(conds).unwrap_or_else(true_const),
        },
    }
}

fn true_const() -> Expr {
    Expr {
        kind: ExprKind::Const(crate::value::Value::Bool(true)),
        ty: DataType::Bool,
        typmod: -1,
        pos: None,
    }
}
