//! EXPLAIN and EXPLAIN ANALYZE: the plan tree in PostgreSQL's text shape.
//!
//! Node names follow PostgreSQL's (Seq Scan on t x, Hash Join,
//! HashAggregate, Sort, Limit, ...), indented as PostgreSQL indents them,
//! with the conditions PostgreSQL prints under each node (Index Cond,
//! Filter, Hash Cond, Merge Cond, Join Filter, Sort Key, Group Key;
//! explain_expr.rs prints the expressions) and the plans of subqueries
//! as InitPlan / SubPlan blocks. There is no cost model yet,
//! so plain EXPLAIN prints what `EXPLAIN (COSTS OFF)` prints; ANALYZE adds
//! each node's actual time, rows and loops and a sort's method
//! ("quicksort  Memory: ..kB" or "external merge  Disk: ..kB").

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::sort::SortMethod;
use super::{Node, Row};
use crate::error::Result;
use crate::expr::{EvalCtx, Expr};
use crate::plan::{JoinKind, Plan, SetOpKind};

/// Measurements of one plan node.
#[derive(Debug, Default, Clone)]
pub struct NodeStats {
    /// Times the node was started.
    pub loops: u64,
    /// Rows returned in all loops.
    pub rows: u64,
    /// Time to the first row, summed over loops.
    pub startup: Duration,
    /// Time in the node (children included), summed over loops.
    pub total: Duration,
    /// How a sort ran.
    pub sort: Option<SortMethod>,
    /// Parallel workers a Gather started.
    pub workers: Option<usize>,
    /// Rows its own filter turned away, summed over loops (a scan that
    /// filters as it reads).
    pub removed: Option<u64>,
}

/// Measurements by plan node address.
pub type Instr = Rc<RefCell<HashMap<usize, NodeStats>>>;

/// What EXPLAIN ANALYZE of a data-changing statement collects while it
/// runs: the measurements, and the source plans they are keyed by (boxed,
/// so the keys stay their addresses).
#[derive(Default)]
pub struct Measuring {
    /// The nodes' figures.
    pub instr: Instr,
    /// Each source plan the statement ran, in order. Boxed on purpose:
    /// the figures are keyed by node address, the root's included, and a
    /// plan moved into the vector must keep the address it ran at.
    #[allow(clippy::vec_box)]
    pub plans: Vec<Box<Plan>>,
    /// An INSERT's VALUES rows: the time to the first and to the last
    /// one evaluated, and how many.
    pub values: Option<(Duration, Duration, u64)>,
}

fn addr(plan: &Plan) -> usize {
    std::ptr::from_ref(plan) as usize
}

/// A node wrapped to measure it.
pub struct Measured<'p> {
    /// The node.
    inner: Box<dyn Node + 'p>,
    /// Where its numbers go.
    instr: Instr,
    /// Its plan node's address.
    key: usize,
    /// A row (or the end) was returned.
    started: bool,
    /// Time spent so far in this loop.
    elapsed: Duration,
    /// The inner node's removed rows already counted.
    removed: u64,
}

impl<'p> Measured<'p> {
    /// Wraps `inner`, the node built for `plan`.
    pub fn new(inner: Box<dyn Node + 'p>, plan: &Plan, instr: &Instr) -> Self {
        let key = addr(plan);
        instr.borrow_mut().entry(key).or_default().loops += 1;
        Measured {
            inner,
            instr: Rc::clone(instr),
            key,
            started: false,
            elapsed: Duration::ZERO,
            removed: 0,
        }
    }
}

impl Node for Measured<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let t0 = Instant::now();
        let row = self.inner.next(ctx);
        let dt = t0.elapsed();
        self.elapsed += dt;
        let mut all = self.instr.borrow_mut();
        let s = all.entry(self.key).or_default();
        s.total += dt;
        if !self.started {
            self.started = true;
            s.startup += self.elapsed;
        }
        if let Ok(Some(_)) = &row {
            s.rows += 1;
        }
        if s.sort.is_none() {
            s.sort = self.inner.sort_method();
        }
        if s.workers.is_none() {
            s.workers = self.inner.workers_launched();
        }
        if let Some(now) = self.inner.rows_removed() {
            *s.removed.get_or_insert(0) += now - self.removed.min(now);
            self.removed = now;
        }
        row
    }

    fn sort_method(&self) -> Option<SortMethod> {
        self.inner.sort_method()
    }

    fn workers_launched(&self) -> Option<usize> {
        self.inner.workers_launched()
    }

    fn rows_removed(&self) -> Option<u64> {
        self.inner.rows_removed()
    }
}

/// A node of the printed tree.
enum Shown<'p> {
    /// A plan node, shown with the stats of `stats` (its own address, or
    /// that of a node folded into it such as a Filter).
    Plan(&'p Plan, usize),
    /// A node PostgreSQL shows that this plan has no node for (the Hash
    /// under a hash join, the Append under a UNION).
    /// The last field: the plan node whose conditions it prints.
    Synthetic(String, Vec<Shown<'p>>, Option<usize>, Option<&'p Plan>),
    /// The Gather under a Finalize [Hash]Aggregate (a partial aggregate
    /// over a parallel scan, grouped or not), with the figures of the
    /// aggregate's node.
    /// The aggregate node is the last field.
    PartialGather(&'p Plan, usize, bool, &'p Plan),
    /// The Sort under a WindowAgg (the window node sorts its input by
    /// its partition and order keys itself): the window node.
    WindowSort(&'p Plan),
}

/// The lines of EXPLAIN's output for `plan`.
pub fn lines(plan: &Plan, stats: Option<&HashMap<usize, NodeStats>>) -> Vec<String> {
    let mut out = Vec::new();
    let numbering = Numbering::default();
    let ctx = Ctx {
        prefix: super::explain_expr::several_relations(plan),
        outer: Vec::new(),
        numbering: &numbering,
    };
    show(&Shown::Plan(plan, addr(plan)), "", 2, stats, &ctx, &mut out);
    out
}

/// How names print below a node: qualified or not, and the columns of
/// the outer rows of enclosing nested loops.
struct Ctx<'n> {
    prefix: bool,
    outer: Vec<Vec<String>>,
    numbering: &'n Numbering,
}

/// A subquery's plan with the label it is shown under.
type Labeled = (String, Plan);

/// Subqueries numbered as they are shown: `InitPlan 1 (returns $0)` for
/// one run once (referred to as `$0`), `SubPlan 2` for one run per row
/// (`(SubPlan 2)`, or `(hashed SubPlan 2)` for an IN list probed by hash).
#[derive(Default)]
struct Numbering {
    refs: std::cell::RefCell<HashMap<usize, String>>,
    plans: std::cell::Cell<usize>,
    params: std::cell::Cell<usize>,
}

impl Numbering {
    /// Numbers the subqueries of `exprs` (in order): each one's label and
    /// plan, InitPlans first.
    fn number(&self, exprs: &[&Expr]) -> (Vec<Labeled>, Vec<Labeled>) {
        let mut found = Vec::new();
        for e in exprs {
            e.visit(&mut |x| {
                if let crate::expr::ExprKind::SubLink(s) = &x.kind {
                    found.push((
                        std::ptr::from_ref::<crate::expr::SubLink>(s) as usize,
                        (**s).clone(),
                    ));
                }
            });
        }
        let (mut init, mut per_row) = (Vec::new(), Vec::new());
        for (at, s) in found {
            if self.refs.borrow().contains_key(&at) {
                continue;
            }
            let n = self.plans.get() + 1;
            self.plans.set(n);
            use crate::expr::SubLinkKind as K;
            let (label, reference, once) = match (&s.kind, s.correlated) {
                (K::Any { op, .. }, false) if op.name == "=" => (
                    format!("SubPlan {n}"),
                    format!("(hashed SubPlan {n})"),
                    false,
                ),
                (K::Exists | K::Scalar | K::Array, false) => {
                    let p = self.params.get();
                    self.params.set(p + 1);
                    (
                        format!("InitPlan {n} (returns ${p})"),
                        format!("${p}"),
                        true,
                    )
                }
                _ => (format!("SubPlan {n}"), format!("(SubPlan {n})"), false),
            };
            self.refs.borrow_mut().insert(at, reference);
            if once {
                init.push((label, s.plan));
            } else {
                per_row.push((label, s.plan));
            }
        }
        (init, per_row)
    }
}

impl Ctx<'_> {
    fn names(&self, plan: &Plan) -> Vec<String> {
        super::explain_expr::names(plan, self.prefix, &self.outer)
    }

    /// `e` over a row whose columns are `cols`.
    fn print(&self, e: &Expr, cols: &[String]) -> String {
        super::explain_expr::expr(e, &self.over(cols, &self.numbering.refs.borrow()))
    }

    fn over<'c>(
        &'c self,
        cols: &'c [String],
        refs: &'c HashMap<usize, String>,
    ) -> super::explain_expr::Names<'c> {
        super::explain_expr::Names {
            cols,
            outer: &self.outer,
            subplans: Some(refs),
        }
    }

    /// `e` over a scan's own row: its columns unqualified, as PostgreSQL
    /// prints scan conditions (outer rows' columns stay qualified).
    fn scan_expr(&self, e: &Expr, scan: &Plan) -> String {
        self.print(e, &super::explain_expr::names(scan, false, &self.outer))
    }

    /// Values as an array over a scan's own row (an index's `= ANY` list).
    fn scan_array(&self, values: &[&Expr], scan: &Plan) -> String {
        let cols = super::explain_expr::names(scan, false, &self.outer);
        super::explain_expr::array_of(values, &self.over(&cols, &self.numbering.refs.borrow()))
    }

    /// `e` over the rows of `plan`.
    fn expr(&self, e: &Expr, plan: &Plan) -> String {
        self.print(e, &self.names(plan))
    }

    /// `e` over the joined row of `left` and `right`.
    fn joined(&self, e: &Expr, left: &Plan, right: &Plan) -> String {
        let mut cols = self.names(left);
        cols.extend(self.names(right));
        self.print(e, &cols)
    }
}

/// The conditions PostgreSQL prints under a node: index, hash, merge and
/// join conditions, filters, sort and group keys.
fn details(plan: &Plan, filters: &[(&Expr, &Plan)], ctx: &Ctx<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let terms = |e: &Expr| -> Vec<Expr> {
        match &e.kind {
            crate::expr::ExprKind::And(v) => v.clone(),
            _ => vec![e.clone()],
        }
    };
    let and = |v: Vec<String>| -> Option<String> {
        match v.len() {
            0 => None,
            1 => v.into_iter().next(),
            _ => Some(format!("({})", v.join(" AND "))),
        }
    };
    match plan {
        Plan::Filter { input, predicate } => match &**input {
            Plan::IndexScan {
                table, index, cond, ..
            } => {
                let keys = crate::table::index::key_texts(table, index, true);
                let col = |i: usize| keys.get(i).map_or("?", String::as_str).to_owned();
                let value = |e: &Expr| ctx.scan_expr(e, input);
                let mut conds: Vec<String> = cond
                    .eq
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("({} = {})", col(i), value(v)))
                    .collect();
                let next = cond.eq.len();
                if let Some((v, inclusive)) = &cond.lower {
                    let op = if *inclusive { ">=" } else { ">" };
                    conds.push(format!("({} {op} {})", col(next), value(v)));
                }
                if let Some((v, inclusive)) = &cond.upper {
                    let op = if *inclusive { "<=" } else { "<" };
                    conds.push(format!("({} {op} {})", col(next), value(v)));
                }
                if !cond.any.is_empty() {
                    let list: Vec<&Expr> = cond.any.iter().collect();
                    conds.push(format!(
                        "({} = ANY ({}))",
                        col(next),
                        ctx.scan_array(&list, input)
                    ));
                }
                // The Filter rechecks every term; those the index applies
                // are not shown again.
                let rest: Vec<String> = terms(predicate)
                    .iter()
                    .map(|t| ctx.scan_expr(t, input))
                    .filter(|t| !conds.contains(t))
                    .collect();
                if let Some(c) = and(conds) {
                    out.push(format!("Index Cond: {c}"));
                }
                if let Some(f) = and(rest) {
                    out.push(format!("Filter: {f}"));
                }
            }
            // Over no input: PostgreSQL's One-Time Filter of a Result.
            one @ Plan::OneRow => out.push(format!(
                "One-Time Filter: {}",
                ctx.scan_expr(predicate, one)
            )),
            one @ Plan::Project { input: below, .. } if matches!(**below, Plan::OneRow) => out
                .push(format!(
                    "One-Time Filter: {}",
                    ctx.scan_expr(predicate, one)
                )),
            scan => out.push(format!("Filter: {}", ctx.scan_expr(predicate, scan))),
        },
        Plan::Join {
            left,
            right,
            keys,
            on,
            merge,
            ..
        } => {
            let conds: Vec<String> = keys
                .iter()
                .map(|(l, r, eq)| {
                    format!("({} {} {})", ctx.expr(l, left), eq.name, ctx.expr(r, right))
                })
                .collect();
            if let Some(c) = and(conds) {
                let what = if *merge { "Merge Cond" } else { "Hash Cond" };
                out.push(format!("{what}: {c}"));
            }
            if let Some(on) = on {
                out.push(format!("Join Filter: {}", ctx.joined(on, left, right)));
            }
        }
        Plan::Lateral {
            left,
            right,
            on: Some(on),
            ..
        } => out.push(format!("Join Filter: {}", ctx.joined(on, left, right))),
        Plan::Sort { input, keys } => {
            let cols = ctx.names(input);
            let keys: Vec<String> = keys
                .iter()
                .map(|k| {
                    let mut s = cols.get(k.column).cloned().unwrap_or_default();
                    // An expression (not a column) is parenthesized.
                    if !super::explain_expr::is_column(input, k.column) {
                        s = format!("({s})");
                    }
                    s + crate::plan::order_words(k.desc, k.nulls_first)
                })
                .collect();
            out.push(format!("Sort Key: {}", keys.join(", ")));
        }
        Plan::Aggregate {
            input, group, sets, ..
        } if !group.is_empty() && sets.is_none() => {
            // GroupAggregate: in its sort's order.
            let order: Vec<&Expr> = match &**input {
                Plan::Sort { keys, .. } if crate::plan::sorted_groups(input, group) => keys
                    .iter()
                    .filter_map(|k| {
                        group.iter().find(
                            |g| matches!(g.kind, crate::expr::ExprKind::Column(c) if c == k.column),
                        )
                    })
                    .collect(),
                _ => group.iter().collect(),
            };
            // A key computed below (a sorted group expression) reads as
            // a reference to that expression: in parentheses.
            let keys: Vec<String> = order
                .into_iter()
                .map(|g| match g.kind {
                    crate::expr::ExprKind::Column(c)
                        if !super::explain_expr::is_column(input, c) =>
                    {
                        format!("({})", ctx.expr(g, input))
                    }
                    _ => ctx.expr(g, input),
                })
                .collect();
            out.push(format!("Group Key: {}", keys.join(", ")));
        }
        // DISTINCT and UNION hash every column of the row; UNION's are
        // references to its branches' columns, an expression among them
        // in parentheses.
        Plan::Distinct { input, on: None } => {
            let union = matches!(**input, Plan::Append { .. } | Plan::SetOp { .. });
            let keys: Vec<String> = ctx
                .names(input)
                .into_iter()
                .enumerate()
                .map(|(i, n)| {
                    if union && !super::explain_expr::is_column(input, i) {
                        format!("({n})")
                    } else {
                        n
                    }
                })
                .collect();
            out.push(format!("Group Key: {}", keys.join(", ")));
        }
        _ => {}
    }
    for (predicate, below) in filters {
        out.push(format!("Filter: {}", ctx.expr(predicate, below)));
    }
    out
}

/// Skips nodes PostgreSQL folds into others (projection, filters), with
/// the filters skipped (each with the node it filters).
fn resolve_filters(plan: &Plan) -> (&Plan, Vec<(&Expr, &Plan)>, Vec<&Expr>) {
    let mut filters = Vec::new();
    let mut projected = Vec::new();
    let mut p = plan;
    loop {
        match p {
            Plan::Project { input, exprs } if !matches!(**input, Plan::OneRow) => {
                projected.extend(exprs);
                p = input;
            }
            Plan::Permute { input, .. } => p = input,
            Plan::Filter { input, predicate }
                if !matches!(
                    **input,
                    Plan::OneRow | Plan::SeqScan { .. } | Plan::IndexScan { .. }
                ) && !matches!(&**input, Plan::Project { input: below, .. } if matches!(**below, Plan::OneRow)) =>
            {
                filters.push((predicate, &**input));
                p = input;
            }
            other => return (other, filters, projected),
        }
    }
}

/// A child as shown (resolved when shown), with the stats of the node
/// built for it.
fn p(x: &Plan) -> Shown<'_> {
    Shown::Plan(x, addr(x))
}

/// `t`, or `t alias` when the query named it otherwise.
fn relation(name: &str, alias: Option<&str>) -> String {
    match alias {
        Some(a) if a != name => format!("{name} {a}"),
        _ => name.to_owned(),
    }
}

fn describe(plan: &Plan) -> (String, Vec<Shown<'_>>) {
    match plan {
        Plan::OneRow | Plan::Project { .. } | Plan::Permute { .. } => ("Result".into(), Vec::new()),
        Plan::Filter { input, .. } => match &**input {
            scan @ (Plan::SeqScan { .. } | Plan::IndexScan { .. }) => describe(scan),
            _ => ("Result".into(), Vec::new()),
        },
        Plan::SeqScan { table, alias, .. } => (
            format!("Seq Scan on {}", relation(&table.name, alias.as_deref())),
            Vec::new(),
        ),
        Plan::Gather { input, .. } => ("Gather".into(), vec![parallel_scan(input, addr(plan))]),
        Plan::IndexScan {
            table,
            index,
            cond,
            alias,
            ..
        } => (
            format!(
                "Index Scan{} using {} on {}",
                if cond.backward { " Backward" } else { "" },
                index.name,
                relation(&table.name, alias.as_deref())
            ),
            Vec::new(),
        ),
        Plan::SystemView(v) => (format!("Function Scan on {}", v.name()), Vec::new()),
        Plan::Values(_) => ("Values Scan on \"*VALUES*\"".into(), Vec::new()),
        Plan::FunctionScan { func, names, .. } => (
            format!(
                "Function Scan on {}",
                relation(func.name(), Some(names.0.as_str()))
            ),
            Vec::new(),
        ),
        Plan::WorkTable(_) => ("WorkTable Scan".into(), Vec::new()),
        Plan::CteScan { name, input, .. } => (format!("CTE Scan on {name}"), vec![p(input)]),
        Plan::ProjectSet { input, .. } => ("ProjectSet".into(), vec![p(input)]),
        Plan::Join {
            left,
            right,
            kind,
            merge: true,
            keys,
            ..
        } if !keys.is_empty() => (
            format!(
                "Merge {}Join",
                match kind {
                    JoinKind::Inner => "",
                    JoinKind::Left => "Left ",
                    JoinKind::Right => "Right ",
                    JoinKind::Full => "Full ",
                    JoinKind::Semi => "Semi ",
                    JoinKind::Anti => "Anti ",
                }
            ),
            vec![p(left), p(right)],
        ),
        Plan::Join {
            left,
            right,
            kind,
            keys,
            ..
        } => {
            let suffix = match kind {
                JoinKind::Inner => "",
                JoinKind::Left => " Left",
                JoinKind::Right => " Right",
                JoinKind::Full => " Full",
                JoinKind::Semi => " Semi",
                JoinKind::Anti => " Anti",
            };
            if keys.is_empty() {
                let name = if suffix.is_empty() {
                    "Nested Loop".to_owned()
                } else {
                    format!("Nested Loop{suffix} Join")
                };
                (name, vec![p(left), p(right)])
            } else {
                (
                    format!("Hash{suffix} Join"),
                    vec![
                        p(left),
                        Shown::Synthetic("Hash".into(), vec![p(right)], Some(addr(right)), None),
                    ],
                )
            }
        }
        Plan::Aggregate { input, group, .. } if crate::table::partial_aggregate(plan) => (
            if group.is_empty() {
                "Finalize Aggregate"
            } else {
                "Finalize HashAggregate"
            }
            .into(),
            vec![Shown::PartialGather(
                input,
                addr(plan),
                !group.is_empty(),
                plan,
            )],
        ),
        Plan::Aggregate {
            input, group, sets, ..
        } => (
            if sets.as_ref().is_some_and(|s| s.iter().any(Vec::is_empty)) {
                "MixedAggregate"
            } else if group.is_empty() {
                "Aggregate"
            } else if crate::plan::sorted_groups(input, group) {
                "GroupAggregate"
            } else {
                "HashAggregate"
            }
            .into(),
            vec![p(input)],
        ),
        Plan::Sort { input, .. } => ("Sort".into(), vec![p(input)]),
        Plan::Lateral {
            left,
            right,
            left_join,
            ..
        } => (
            if *left_join {
                "Nested Loop Left Join"
            } else {
                "Nested Loop"
            }
            .into(),
            vec![p(left), p(right)],
        ),
        Plan::Window { input, calls } => {
            let sorts = calls
                .first()
                .is_some_and(|c| !c.partition.is_empty() || !c.order.is_empty());
            let child = if sorts {
                Shown::WindowSort(plan)
            } else {
                p(input)
            };
            ("WindowAgg".into(), vec![child])
        }
        Plan::Limit { input, .. } => ("Limit".into(), vec![p(input)]),
        Plan::LockRows { input, .. } => ("LockRows".into(), vec![p(input)]),
        Plan::Distinct { input, on } => (
            if on.is_some() {
                "Unique"
            } else {
                "HashAggregate"
            }
            .into(),
            vec![p(input)],
        ),
        Plan::Append { inputs, .. } => ("Append".into(), inputs.iter().map(p).collect()),
        Plan::SetOp {
            left,
            right,
            op,
            all,
        } => match (op, all) {
            (SetOpKind::Union, _) => ("Append".into(), vec![p(left), p(right)]),
            (op, all) => (
                format!(
                    "SetOp {}{}",
                    if *op == SetOpKind::Intersect {
                        "Intersect"
                    } else {
                        "Except"
                    },
                    if *all { " All" } else { "" }
                ),
                vec![p(left), p(right)],
            ),
        },
        Plan::RecursiveUnion { base, step, .. } => {
            ("Recursive Union".into(), vec![p(base), p(step)])
        }
    }
}

fn ms(d: Duration, loops: u64) -> f64 {
    d.as_secs_f64() * 1000.0 / loops.max(1) as f64
}

fn actual(stats: Option<&HashMap<usize, NodeStats>>, key: Option<usize>) -> String {
    let Some(all) = stats else {
        return String::new();
    };
    match key.and_then(|k| all.get(&k)) {
        Some(s) if s.total > Duration::ZERO || s.rows > 0 => {
            format!(
                " (actual time={:.3}..{:.3} rows={} loops={})",
                ms(s.startup, s.loops),
                ms(s.total, s.loops),
                s.rows / s.loops.max(1),
                s.loops
            )
        }
        _ => " (never executed)".into(),
    }
}

fn show(
    node: &Shown<'_>,
    // The node's line starts with `lead`; its detail lines are indented
    // by `indent` spaces (its children's arrows too).
    lead: &str,
    indent: usize,
    stats: Option<&HashMap<usize, NodeStats>>,
    ctx: &Ctx<'_>,
    out: &mut Vec<String>,
) {
    let prefix = lead;
    let detail = " ".repeat(indent);
    let child_lead = format!("{detail}->  ");
    match node {
        Shown::Plan(plan, key) => {
            let (plan, filters, projected) = resolve_filters(plan);
            let (name, children) = describe(plan);
            out.push(format!("{prefix}{name}{}", actual(stats, Some(*key))));
            // The subqueries this node evaluates: in its conditions, then
            // in the select list folded into it.
            let mut exprs: Vec<&Expr> = filters.iter().map(|(e, _)| *e).collect();
            match plan {
                Plan::Filter { predicate, .. } => exprs.push(predicate),
                Plan::Join { on: Some(on), .. } | Plan::Lateral { on: Some(on), .. } => {
                    exprs.push(on)
                }
                _ => {}
            }
            exprs.extend(projected);
            let (init, per_row) = ctx.numbering.number(&exprs);
            let shown = details(plan, &filters, ctx);
            let has_filter = shown.iter().any(|l| l.starts_with("Filter: "));
            for line in shown {
                out.push(format!("{detail}{line}"));
            }
            // Under ANALYZE, the rows the filters turned away, per loop
            // (the rows of the node below them less this node's).
            // The filter is this node's own (a scan that filters as it
            // reads, or a Filter over an index scan), or a Filter folded
            // into it from above.
            let filtered = match plan {
                Plan::Filter { input, .. } => Some((addr(plan), &**input)),
                _ => filters.last().map(|(_, below)| (*key, *below)),
            };
            if let (Some(all), Some((at, below)), true) = (stats, filtered, has_filter) {
                if let Some(own) = all.get(&at) {
                    let removed = match (own.removed, all.get(&addr(below))) {
                        (Some(r), _) => Some(r),
                        (None, Some(under)) => Some(under.rows.saturating_sub(own.rows)),
                        _ => None,
                    };
                    if let Some(r) = removed {
                        let per_loop = r / own.loops.max(1);
                        out.push(format!("{detail}Rows Removed by Filter: {per_loop}"));
                    }
                }
            }
            // A subquery's references to this row print qualified, as
            // columns of another query level; its own, as its query has
            // one or more relations.
            let outer_row = super::explain_expr::names(plan, true, &ctx.outer);
            let sub_ctx = |sub: &Plan| Ctx {
                prefix: super::explain_expr::several_relations(sub),
                outer: {
                    let mut o = ctx.outer.clone();
                    o.push(outer_row.clone());
                    o
                },
                numbering: ctx.numbering,
            };
            let sub_lead = format!("{detail}  ->  ");
            let subplan = |label: &str, sub: &Plan, out: &mut Vec<String>| {
                out.push(format!("{detail}{label}"));
                let c = sub_ctx(sub);
                show(
                    &Shown::Plan(sub, addr(sub)),
                    &sub_lead,
                    indent + 8,
                    stats,
                    &c,
                    out,
                );
            };
            for (label, sub) in &init {
                subplan(label, sub, out);
            }
            if let (Plan::Sort { .. }, Some(all)) = (plan, stats) {
                let method = all
                    .get(key)
                    .and_then(|s| s.sort)
                    .or_else(|| all.get(&addr(plan)).and_then(|s| s.sort));
                match method {
                    Some(SortMethod::TopN(kb)) => out.push(format!(
                        "{detail}Sort Method: top-N heapsort  Memory: {}kB",
                        kb.max(1)
                    )),
                    Some(SortMethod::Quicksort(kb)) => out.push(format!(
                        "{detail}Sort Method: quicksort  Memory: {}kB",
                        kb.max(1)
                    )),
                    Some(SortMethod::ExternalMerge(kb)) => {
                        out.push(format!("{detail}Sort Method: external merge  Disk: {kb}kB"))
                    }
                    None => {}
                }
            }
            if let Plan::Gather { workers, .. } = plan {
                // The key may be a node folded into the Gather (a
                // projection above it).
                workers_lines(*workers, stats, addr(plan), &detail, out);
            }
            // The inner side of a nested loop reads the outer row.
            let inner = match plan {
                Plan::Lateral { left, .. } => {
                    let mut outer = ctx.outer.clone();
                    outer.push(super::explain_expr::names(left, true, &ctx.outer));
                    Some(Ctx {
                        prefix: ctx.prefix,
                        outer,
                        numbering: ctx.numbering,
                    })
                }
                _ => None,
            };
            for (i, c) in children.iter().enumerate() {
                let c_ctx = match (&inner, i) {
                    (Some(inner), 1) => inner,
                    _ => ctx,
                };
                show(c, &child_lead, indent + 6, stats, c_ctx, out);
            }
            for (label, sub) in &per_row {
                subplan(label, sub, out);
            }
        }
        Shown::PartialGather(gather, key, grouped, aggregate) => {
            out.push(format!("{prefix}Gather{}", actual(stats, Some(*key))));
            let (scan, workers) = match gather {
                Plan::Gather { input, workers } => (&**input, *workers),
                other => (*other, 0),
            };
            workers_lines(workers, stats, *key, &detail, out);
            let partial = Shown::Synthetic(
                if *grouped {
                    "Partial HashAggregate"
                } else {
                    "Partial Aggregate"
                }
                .into(),
                vec![parallel_scan(scan, *key)],
                Some(*key),
                Some(aggregate),
            );
            show(&partial, &child_lead, indent + 6, stats, ctx, out);
        }
        Shown::WindowSort(window) => {
            // Part of the window node: its figures.
            out.push(format!("{prefix}Sort{}", actual(stats, Some(addr(window)))));
            if let Plan::Window { input, calls } = window {
                let key = |e: &Expr| {
                    let s = ctx.expr(e, input);
                    match e.kind {
                        crate::expr::ExprKind::Column(c)
                            if super::explain_expr::is_column(input, c) =>
                        {
                            s
                        }
                        _ => format!("({s})"),
                    }
                };
                if let Some(call) = calls.first() {
                    let mut keys: Vec<String> = call.partition.iter().map(key).collect();
                    for (e, desc, nulls_first) in &call.order {
                        keys.push(key(e) + crate::plan::order_words(*desc, *nulls_first));
                    }
                    out.push(format!("{detail}Sort Key: {}", keys.join(", ")));
                }
                show(&p(input), &child_lead, indent + 6, stats, ctx, out);
            }
        }
        Shown::Synthetic(name, children, key, shown) => {
            // A node with no plan node of its own has no figures.
            let a = key.map_or_else(String::new, |k| actual(stats, Some(k)));
            out.push(format!("{prefix}{name}{a}"));
            for line in shown.map(|p| details(p, &[], ctx)).unwrap_or_default() {
                out.push(format!("{detail}{line}"));
            }
            for c in children {
                show(c, &child_lead, indent + 6, stats, ctx, out);
            }
        }
    }
}

/// The scan under a Gather, `Parallel Seq Scan on t`: part of the
/// Gather's node, so it shows the figures under `key`.
fn parallel_scan(scan: &Plan, key: usize) -> Shown<'_> {
    Shown::Synthetic(
        format!("Parallel {}", describe(scan).0),
        Vec::new(),
        Some(key),
        Some(scan),
    )
}

/// A Gather's `Workers Planned` line, and with ANALYZE `Workers Launched`
/// from the figures under `key`.
fn workers_lines(
    planned: usize,
    stats: Option<&HashMap<usize, NodeStats>>,
    key: usize,
    detail: &str,
    out: &mut Vec<String>,
) {
    out.push(format!("{detail}Workers Planned: {planned}"));
    if let Some(all) = stats {
        let launched = all.get(&key).and_then(|s| s.workers).unwrap_or(0);
        out.push(format!("{detail}Workers Launched: {launched}"));
    }
}

/// Gives each scan of `plan` the reference name PostgreSQL's EXPLAIN
/// shows (ruleutils.c's set_rtable_names): its alias or its table's name,
/// with `_1`, `_2` ... appended to a name already taken. Names are taken
/// in the order of PostgreSQL's range table: the scans of the query
/// itself first, then those of its subqueries (InitPlans and SubPlans),
/// then theirs.
pub fn name_relations(plan: &mut Plan) {
    // The scans in pre-order, with how deep in subqueries each is.
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    let mut k = 0;
    each_scan(plan, 0, &mut |scan, level| {
        match scan {
            Plan::SeqScan { table, alias, .. } | Plan::IndexScan { table, alias, .. } => {
                let name = alias.as_deref().unwrap_or(&table.name).to_owned();
                found.push((k, level, name));
            }
            Plan::FunctionScan { names, .. } => found.push((k, level, names.0.clone())),
            _ => {}
        }
        k += 1;
    });
    found.sort_by_key(|&(k, level, _)| (level, k));
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut names: HashMap<usize, String> = HashMap::new();
    for (k, _, name) in found {
        let unique = if taken.contains_key(&name) {
            loop {
                let counter = taken.get_mut(&name).map_or(1, |c| {
                    *c += 1;
                    *c
                });
                let candidate = format!("{name}_{counter}");
                if !taken.contains_key(&candidate) {
                    break candidate;
                }
            }
        } else {
            name.clone()
        };
        taken.insert(unique.clone(), 0);
        taken.entry(name).or_insert(0);
        names.insert(k, unique);
    }
    let mut k = 0;
    each_scan(plan, 0, &mut |scan, _| {
        match (scan, names.get(&k)) {
            (
                Plan::SeqScan { table, alias, .. } | Plan::IndexScan { table, alias, .. },
                Some(n),
            ) if alias.as_deref() != Some(n.as_str()) && !(alias.is_none() && table.name == *n) => {
                *alias = Some(n.as_str().into());
            }
            (Plan::FunctionScan { names: own, .. }, Some(n)) => own.0 = n.clone(),
            _ => {}
        }
        k += 1;
    });
}

/// Calls `f` on every node of `plan` in pre-order — a node, the plans of
/// the subqueries in its expressions (one `level` deeper), its inputs.
fn each_scan(plan: &mut Plan, level: usize, f: &mut dyn FnMut(&mut Plan, usize)) {
    f(plan, level);
    for e in plan.exprs_mut() {
        each_sublink(e, &mut |sub| each_scan(sub, level + 1, f));
    }
    for c in plan.children_mut() {
        each_scan(c, level, f);
    }
}

/// Calls `f` on the plan of every subquery in `e`.
fn each_sublink(e: &mut Expr, f: &mut dyn FnMut(&mut Plan)) {
    let kind = std::mem::replace(&mut e.kind, crate::expr::ExprKind::Column(0));
    let mapped = kind.map_children(|mut c| {
        each_sublink(&mut c, f);
        Ok(c)
    });
    if let Ok(mut kind) = mapped {
        if let crate::expr::ExprKind::SubLink(s) = &mut kind {
            f(&mut s.plan);
        }
        e.kind = kind;
    }
}
