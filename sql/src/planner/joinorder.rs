//! The order in which a tree of inner joins is joined: flattened into its
//! inputs and conditions, joined again in the order the row estimates
//! make cheapest — every order by dynamic programming up to [`DP_LIMIT`]
//! inputs, a greedy search beyond; a cross product only where no
//! condition connects the inputs — with a [`Plan::Permute`] over the new
//! tree so the rows above keep the FROM clause's column order.

use std::collections::HashMap;
use std::rc::Rc;

use super::equivalence::equivalences;
use super::place::{filter, split_and, Placer};
use crate::error::Result;
use crate::expr::{Expr, ExprKind};
use crate::plan::{remap_columns, JoinKind, Plan};
use crate::types::DataType;

/// Inputs joined by dynamic programming over every subset; more are
/// joined greedily (PostgreSQL's geqo_threshold is 12; subsets grow as
/// 3^n, so this stays below it).
pub(crate) const DP_LIMIT: usize = 10;

/// Inputs a join tree may have for reordering (a bit each in a mask).
const MAX_INPUTS: usize = 128;

type Mask = u128;

impl Placer<'_> {
    /// A tree of inner joins, with `conds` over its row: its inputs
    /// joined again in the cheapest order found.
    pub(super) fn region(&self, plan: Plan, conds: Vec<Expr>) -> Result<Plan> {
        let mut inputs = Vec::new();
        let mut all = conds;
        let width = flatten(plan, 0, &mut inputs, &mut all);
        if inputs.len() > MAX_INPUTS {
            return self.left_deep(inputs, all);
        }
        // Which inputs each column belongs to.
        let owner: Vec<usize> = inputs
            .iter()
            .enumerate()
            .flat_map(|(i, input)| std::iter::repeat_n(i, input.width))
            .collect();
        let mut top = Vec::new();
        let mut per_input: Vec<Vec<Expr>> = vec![Vec::new(); inputs.len()];
        let mut joins = Vec::new();
        let (all, classes) = equivalences(all);
        for (c, class) in all.into_iter().zip(classes) {
            let mask = mask_of(&c, &owner);
            match mask.count_ones() {
                0 => top.push(c),
                1 => per_input[mask.trailing_zeros() as usize].push(c),
                _ => {
                    let mut j = JoinCond::new(c, mask, &owner);
                    j.class = class;
                    joins.push(j);
                }
            }
        }
        let mut leaves = Vec::with_capacity(inputs.len());
        for (input, conds) in inputs.into_iter().zip(per_input) {
            let shift = -(input.offset as isize);
            let conds = conds
                .into_iter()
                .map(|c| crate::plan::shift_columns(c, shift))
                .collect();
            let plan = self.push(input.plan, conds)?;
            let rows = self.est.rows(&plan);
            leaves.push(Leaf {
                plan: Some(plan),
                width: input.width,
                offset: input.offset,
                rows,
            });
        }
        let distinct = |col: usize| -> f64 {
            let leaf = &leaves[owner[col]];
            leaf.plan
                .as_ref()
                .map_or(200.0, |p| self.est.distinct(p, col - leaf.offset))
        };
        for j in &mut joins {
            j.sel = self.est.selectivity(&j.expr, &distinct);
        }
        let search = Search {
            rows: leaves.iter().map(|l| l.rows).collect(),
            joins: &joins,
        };
        let tree = if leaves.len() <= DP_LIMIT {
            search.dynamic()
        } else {
            search.greedy()
        };
        // Every search ends with all inputs joined; should one not, the
        // FROM clause's order.
        let tree = tree.unwrap_or_else(|| {
            (1..leaves.len()).fold(Rc::new(Tree::Leaf(0)), |t, i| {
                Rc::new(Tree::Join(t, Rc::new(Tree::Leaf(i))))
            })
        });
        let mut used = vec![false; joins.len()];
        let (plan, order) = build(&tree, &mut leaves, &joins, &mut used)?;
        if order.len() != leaves.len() || used.iter().any(|u| !u) {
            return Err(crate::error::SqlError::internal(
                "join order lost an input or a condition",
            ));
        }
        // Back to the FROM clause's column order.
        let mut position = vec![0; width];
        let mut at = 0;
        for &i in &order {
            let leaf = &leaves[i];
            for k in 0..leaf.width {
                position[leaf.offset + k] = at + k;
            }
            at += leaf.width;
        }
        let plan = if position.iter().enumerate().all(|(i, &p)| i == p) {
            plan
        } else {
            Plan::Permute {
                input: Box::new(plan),
                columns: position,
            }
        };
        self.unnest(plan, top)
    }

    /// Too many inputs to order: joined as written, each input's own
    /// conditions pushed into it, the rest above.
    fn left_deep(&self, inputs: Vec<Input>, conds: Vec<Expr>) -> Result<Plan> {
        let mut acc: Option<(Plan, usize)> = None;
        for input in inputs {
            let plan = self.push(input.plan, Vec::new())?;
            acc = Some(match acc {
                None => (plan, input.width),
                Some((left, lw)) => (
                    Plan::Join {
                        left: Box::new(left),
                        right: Box::new(plan),
                        kind: JoinKind::Inner,
                        keys: Vec::new(),
                        on: None,
                        right_width: input.width,
                        left_width: lw,
                        merge: false,
                    },
                    lw + input.width,
                ),
            });
        }
        let plan = acc.map_or(Plan::OneRow, |(p, _)| p);
        Ok(filter(plan, conds))
    }
}

/// One input of a join tree, as flattened.
struct Input {
    plan: Plan,
    /// Its first column in the tree's row.
    offset: usize,
    width: usize,
}

/// An input being joined.
struct Leaf {
    /// Taken when placed in the new tree.
    plan: Option<Plan>,
    width: usize,
    offset: usize,
    rows: f64,
}

/// A condition over two or more inputs.
struct JoinCond {
    /// Over the original row.
    expr: Expr,
    /// The inputs it reads.
    mask: Mask,
    /// For `a = b` with each side reading its own inputs: those inputs
    /// (a hash join can use it between them).
    eq: Option<(Mask, Mask)>,
    /// Fraction of row pairs it keeps.
    sel: f64,
    /// The equivalence class of columns it equates, if it is one of
    /// those equalities: one of a class joining two parts is enough.
    class: Option<usize>,
}

impl JoinCond {
    fn new(expr: Expr, mask: Mask, owner: &[usize]) -> JoinCond {
        let eq = match &expr.kind {
            ExprKind::Call { def, args }
                if def.name == "=" && args.len() == 2 && args[0].ty == args[1].ty =>
            {
                let (a, b) = (mask_of(&args[0], owner), mask_of(&args[1], owner));
                (a != 0 && b != 0 && a & b == 0 && hashable(&args[0]) && hashable(&args[1]))
                    .then_some((a, b))
            }
            _ => None,
        };
        JoinCond {
            expr,
            mask,
            eq,
            sel: 1.0,
            class: None,
        }
    }

    /// Whether it joins `l` and `r` by a hashable equality.
    fn hashes(&self, l: Mask, r: Mask) -> bool {
        self.eq
            .is_some_and(|(a, b)| (a & !l == 0 && b & !r == 0) || (a & !r == 0 && b & !l == 0))
    }
}

/// A join order: inputs and the pairs joined.
#[derive(Debug, Clone)]
enum Tree {
    Leaf(usize),
    /// Shared: every candidate join of the search points at the best
    /// trees of its halves instead of copying them.
    Join(Rc<Tree>, Rc<Tree>),
}

/// Which pairs of parts a join step may take: first those a condition
/// joins (each part itself joined so), then cross products of parts no
/// condition links, then (when a condition spans three parts) any.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tier {
    Joined,
    Cross,
    Any,
}

/// The best plan found for a set of inputs.
#[derive(Clone)]
struct Best {
    tree: Rc<Tree>,
    rows: f64,
    cost: f64,
}

/// The search for a join order over estimated rows.
struct Search<'j> {
    rows: Vec<f64>,
    joins: &'j [JoinCond],
}

impl Search<'_> {
    /// Joining `l` and `r` (already planned): the result, or None when
    /// the pair is not of the `tier` wanted.
    fn join(&self, l: &Best, r: &Best, lm: Mask, rm: Mask, tier: Tier) -> Option<Best> {
        let set = lm | rm;
        let spanning = self
            .joins
            .iter()
            .filter(|j| j.mask & !set == 0 && j.mask & lm != 0 && j.mask & rm != 0);
        let mut connected = false;
        let mut hashed = false;
        let mut rows = l.rows * r.rows;
        let mut classes = Vec::new();
        for j in spanning {
            connected = true;
            hashed |= j.hashes(lm, rm);
            if let Some(c) = j.class {
                if classes.contains(&c) {
                    continue;
                }
                classes.push(c);
            }
            rows *= j.sel;
        }
        let rows = rows.max(1.0);
        match tier {
            Tier::Joined if !connected => return None,
            Tier::Cross if connected => return None,
            _ => {}
        }
        // A hash join reads the left rows once and builds on the right
        // ones (dearer per row); a nested loop meets every pair.
        let work = if hashed {
            l.rows + 1.5 * r.rows
        } else {
            l.rows * r.rows
        };
        Some(Best {
            tree: Rc::new(Tree::Join(Rc::clone(&l.tree), Rc::clone(&r.tree))),
            rows,
            cost: l.cost + r.cost + work + 0.1 * rows,
        })
    }

    /// Every split of every subset, smallest subsets first: the cheapest
    /// tree for the whole set. Sets whose inputs the conditions connect
    /// are built only from connected halves joined by a condition.
    fn dynamic(&self) -> Option<Rc<Tree>> {
        let n = self.rows.len();
        let full: Mask = (1 << n) - 1;
        let mut best: HashMap<Mask, Best> = HashMap::new();
        for i in 0..n {
            best.insert(
                1 << i,
                Best {
                    tree: Rc::new(Tree::Leaf(i)),
                    rows: self.rows[i],
                    cost: 0.0,
                },
            );
        }
        // Which sets are connected (planned without a cross product).
        let mut connected: HashMap<Mask, bool> = (0..n).map(|i| (1 << i, true)).collect();
        for set in 1..=full {
            if set.count_ones() < 2 {
                continue;
            }
            let mut found: Option<Best> = None;
            let mut is_connected = false;
            for tier in [Tier::Joined, Tier::Cross, Tier::Any] {
                // Submasks in increasing order, so that of equally cheap
                // trees the one keeping the FROM clause's order (earlier
                // inputs outer) wins, as PostgreSQL's first-added path.
                let mut left: Mask = set.wrapping_neg() & set;
                while left != set {
                    let right = set & !left;
                    let halves_connected = connected.get(&left).copied().unwrap_or(false)
                        && connected.get(&right).copied().unwrap_or(false);
                    if let (Some(l), Some(r)) = (best.get(&left), best.get(&right)) {
                        if tier != Tier::Joined || halves_connected {
                            if let Some(b) = self.join(l, r, left, right, tier) {
                                if found.as_ref().is_none_or(|f| b.cost < f.cost) {
                                    found = Some(b);
                                }
                            }
                        }
                    }
                    left = left.wrapping_sub(set) & set;
                }
                if found.is_some() {
                    is_connected = tier == Tier::Joined;
                    break;
                }
            }
            connected.insert(set, is_connected);
            if let Some(b) = found {
                best.insert(set, b);
            }
        }
        best.remove(&full).map(|b| b.tree)
    }

    /// Repeatedly joins the two parts whose join is cheapest, connected
    /// parts first: bounded time for any number of inputs.
    fn greedy(&self) -> Option<Rc<Tree>> {
        let mut parts: Vec<(Mask, Best)> = (0..self.rows.len())
            .map(|i| {
                (
                    1 << i,
                    Best {
                        tree: Rc::new(Tree::Leaf(i)),
                        rows: self.rows[i],
                        cost: 0.0,
                    },
                )
            })
            .collect();
        while parts.len() > 1 {
            // The pairs of parts a condition connects (a condition over
            // more parts waits until they are fewer).
            let mut pairs = std::collections::BTreeSet::new();
            for j in self.joins {
                let touched: Vec<usize> = (0..parts.len())
                    .filter(|&p| parts[p].0 & j.mask != 0)
                    .collect();
                if let [a, b] = touched[..] {
                    pairs.insert((a, b));
                    pairs.insert((b, a));
                }
            }
            let tier = if pairs.is_empty() {
                Tier::Any
            } else {
                Tier::Joined
            };
            if pairs.is_empty() {
                // Nothing connects the parts: a cross product of the two
                // smallest.
                let mut by_rows: Vec<usize> = (0..parts.len()).collect();
                by_rows.sort_by(|&a, &b| parts[a].1.rows.total_cmp(&parts[b].1.rows));
                if let [a, b, ..] = by_rows[..] {
                    pairs.insert((b, a));
                }
            }
            let mut pick: Option<(usize, usize, Best)> = None;
            for (a, b) in pairs {
                let (am, ab) = (&parts[a].0, &parts[a].1);
                let (bm, bb) = (&parts[b].0, &parts[b].1);
                if let Some(j) = self.join(ab, bb, *am, *bm, tier) {
                    let better = pick
                        .as_ref()
                        .is_none_or(|(_, _, p)| (j.rows, j.cost) < (p.rows, p.cost));
                    if better {
                        pick = Some((a, b, j));
                    }
                }
            }
            let Some((a, b, joined)) = pick else { break };
            let mask = parts[a].0 | parts[b].0;
            let (hi, lo) = if a > b { (a, b) } else { (b, a) };
            parts.swap_remove(hi);
            parts.swap_remove(lo);
            parts.push((mask, joined));
        }
        match &parts[..] {
            [(_, b)] => Some(Rc::clone(&b.tree)),
            _ => None,
        }
    }
}

/// The plan for `tree`: its inputs joined, each join with the conditions
/// that first have all their columns there. Returns the plan and its
/// inputs in column order.
fn build(
    tree: &Tree,
    leaves: &mut [Leaf],
    joins: &[JoinCond],
    used: &mut [bool],
) -> Result<(Plan, Vec<usize>)> {
    crate::stack::check()?;
    match tree {
        Tree::Leaf(i) => {
            let plan = leaves
                .get_mut(*i)
                .and_then(|l| l.plan.take())
                .ok_or_else(|| crate::error::SqlError::internal("join input planned twice"))?;
            Ok((plan, vec![*i]))
        }
        Tree::Join(l, r) => {
            let (lp, lo) = build(l, leaves, joins, used)?;
            let (rp, ro) = build(r, leaves, joins, used)?;
            let mask: Mask = lo.iter().chain(&ro).fold(0, |m, &i| m | (1 << i));
            // Where each original column is in the joined row.
            let mut at = HashMap::new();
            let mut pos = 0;
            for &i in lo.iter().chain(&ro) {
                at.insert(i, pos);
                pos += leaves[i].width;
            }
            let left_width: usize = lo.iter().map(|&i| leaves[i].width).sum();
            let right_width: usize = ro.iter().map(|&i| leaves[i].width).sum();
            let mut conds = Vec::new();
            let mut classes = Vec::new();
            for (k, j) in joins.iter().enumerate() {
                if !used[k] && j.mask & !mask == 0 {
                    used[k] = true;
                    // Both sides' members of a class are equal already:
                    // one equality of it joins them.
                    if let Some(c) = j.class {
                        if classes.contains(&c) {
                            continue;
                        }
                        classes.push(c);
                    }
                    let expr = remap_columns(j.expr.clone(), &|c| {
                        let leaf = leaves
                            .iter()
                            .position(|x| c >= x.offset && c < x.offset + x.width);
                        match leaf.and_then(|i| Some((at.get(&i)?, &leaves[i]))) {
                            Some((start, x)) => start + (c - x.offset),
                            None => c,
                        }
                    });
                    conds.push(expr);
                }
            }
            let (keys, on) = crate::binder::split_equi_keys(conds, left_width);
            let plan = Plan::Join {
                left: Box::new(lp),
                right: Box::new(rp),
                kind: JoinKind::Inner,
                keys,
                on,
                right_width,
                left_width,
                merge: false,
            };
            let mut order = lo;
            order.extend(ro);
            Ok((plan, order))
        }
    }
}

/// Flattens a tree of inner joins into its inputs (each with its offset
/// in the tree's row) and its conditions (over that row); returns the
/// row's width.
fn flatten(plan: Plan, offset: usize, inputs: &mut Vec<Input>, conds: &mut Vec<Expr>) -> usize {
    match plan {
        Plan::Join {
            left,
            right,
            kind: JoinKind::Inner,
            keys,
            on,
            right_width,
            left_width,
            merge: false,
        } => {
            flatten_input(*left, offset, left_width, inputs, conds);
            flatten_input(*right, offset + left_width, right_width, inputs, conds);
            let shift = offset as isize;
            for (l, r, eq) in keys {
                let r = crate::plan::shift_columns(r, left_width as isize);
                conds.push(crate::plan::shift_columns(equality(l, r, eq), shift));
            }
            for c in on.map(split_and).unwrap_or_default() {
                conds.push(crate::plan::shift_columns(c, shift));
            }
            left_width + right_width
        }
        other => {
            inputs.push(Input {
                plan: other,
                offset,
                width: 0,
            });
            0
        }
    }
}

/// One side of an inner join: flattened further when it is an inner join
/// itself (a Filter right above one joins in its conditions).
fn flatten_input(
    plan: Plan,
    offset: usize,
    width: usize,
    inputs: &mut Vec<Input>,
    conds: &mut Vec<Expr>,
) {
    match plan {
        p if flattenable(&p) => {
            flatten(p, offset, inputs, conds);
        }
        Plan::Filter { input, predicate } if flattenable(&input) => {
            let shift = offset as isize;
            conds.extend(
                split_and(predicate)
                    .into_iter()
                    .map(|c| crate::plan::shift_columns(c, shift)),
            );
            flatten(*input, offset, inputs, conds);
        }
        other => inputs.push(Input {
            plan: other,
            offset,
            width,
        }),
    }
}

/// An inner join whose inputs can be reordered (every inner join before
/// the join method pass).
pub(super) fn flattenable(p: &Plan) -> bool {
    matches!(
        p,
        Plan::Join {
            kind: JoinKind::Inner,
            merge: false,
            ..
        }
    )
}

/// `l = r` as a call of the equality operator.
pub(super) fn equality(l: Expr, r: Expr, eq: &'static crate::func::FuncDef) -> Expr {
    Expr {
        kind: ExprKind::Call {
            def: eq,
            args: vec![l, r],
        },
        ty: DataType::Bool,
        typmod: -1,
        pos: None,
    }
}

/// The inputs (bits) whose columns `e` reads.
fn mask_of(e: &Expr, owner: &[usize]) -> Mask {
    crate::plan::columns_read(e)
        .into_iter()
        .filter_map(|i| owner.get(i))
        .fold(0, |m, &o| m | (1 << o))
}

/// Usable as a hash key: no subquery, nothing volatile.
pub(super) fn hashable(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| match &x.kind {
        ExprKind::SubLink(_) => ok = false,
        k if k
            .volatility()
            .is_some_and(|v| v != crate::func::Volatility::Immutable) =>
        {
            ok = false
        }
        _ => {}
    });
    ok
}
