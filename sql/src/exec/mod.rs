//! The executor: runs a [`Plan`] as a tree of pull-based nodes
//! (PostgreSQL's Volcano model): each `next` returns one row or `None`.
//!
//! Long loops check the backend's interrupt flag ([`EvalCtx::check_interrupts`]),
//! so cancel, statement_timeout and shutdown stop a statement between rows.

pub(crate) mod agg;
pub mod explain;
pub mod explain_expr;
pub mod explain_format;
mod join;
pub mod key;
pub mod qsort;
pub(crate) mod sort;
pub mod spill;
mod srf;
mod window;

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr, SubLink, SubLinkKind};
use crate::plan::{Plan, SetOpKind, SortKey};
use crate::value::Value;

/// A row of values.
pub type Row = Vec<Value>;

/// A running plan node.
pub trait Node {
    /// The next row, or None when done.
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>>;

    /// How a sort ran, for EXPLAIN ANALYZE (sorts only).
    fn sort_method(&self) -> Option<sort::SortMethod> {
        None
    }

    /// How many parallel workers it started, for EXPLAIN ANALYZE (Gather
    /// only, once started).
    fn workers_launched(&self) -> Option<usize> {
        None
    }

    /// Rows its own condition turned away so far, for EXPLAIN ANALYZE
    /// (a scan with a filter of its own).
    fn rows_removed(&self) -> Option<u64> {
        None
    }
}

/// Builds the node tree for `plan`.
pub fn build(plan: &Plan) -> Box<dyn Node + '_> {
    build_in(plan, None)
}

/// Builds the node tree for `plan`, each node measured into `instr` when
/// given (EXPLAIN ANALYZE).
pub fn build_in<'p>(plan: &'p Plan, instr: Option<&explain::Instr>) -> Box<dyn Node + 'p> {
    let node = build_node(plan, instr);
    match instr {
        Some(i) => Box::new(explain::Measured::new(node, plan, i)),
        None => node,
    }
}

/// The Gather node for a Gather plan over a (filtered) SeqScan.
fn build_gather(plan: &Plan) -> Option<crate::table::Gather<'_>> {
    let Plan::Gather { input, workers } = plan else {
        return None;
    };
    let (scan, qual) = match &**input {
        Plan::Filter { input, predicate } => (&**input, Some(predicate)),
        other => (other, None),
    };
    match scan {
        Plan::SeqScan { table, needed, .. } => Some(crate::table::Gather::new(
            std::sync::Arc::clone(table),
            *needed,
            qual,
            *workers,
        )),
        _ => None,
    }
}

fn build_node<'p>(plan: &'p Plan, instr: Option<&explain::Instr>) -> Box<dyn Node + 'p> {
    let build = |p: &'p Plan| build_in(p, instr);
    match plan {
        Plan::OneRow => Box::new(OneRow { done: false }),
        Plan::SystemView(view) => Box::new(Rows {
            rows: None,
            view: *view,
        }),
        Plan::SeqScan {
            table,
            with_tid,
            needed,
            ..
        } => Box::new(crate::table::SeqScan::new(
            std::sync::Arc::clone(table),
            *with_tid,
            None,
            *needed,
        )),
        Plan::IndexScan {
            table,
            with_tid,
            needed,
            index,
            cond,
            ..
        } => Box::new(crate::table::IndexScan::new(
            std::sync::Arc::clone(table),
            *with_tid,
            *needed,
            index,
            cond,
        )),
        Plan::Gather { input, .. } => match build_gather(plan) {
            Some(gather) => Box::new(gather),
            None => build(input),
        },
        // A filter right over a table scan runs inside it, on partly
        // decoded rows.
        Plan::Filter { input, predicate } => match &**input {
            Plan::SeqScan {
                table,
                with_tid,
                needed,
                ..
            } => Box::new(crate::table::SeqScan::new(
                std::sync::Arc::clone(table),
                *with_tid,
                Some(predicate),
                *needed,
            )),
            other => Box::new(Filter {
                input: build(other),
                predicate,
            }),
        },
        Plan::Project { input, exprs } => Box::new(Project::new(build(input), exprs)),
        Plan::Permute { input, columns } => Box::new(Permute {
            input: build(input),
            columns,
        }),
        Plan::Values(rows) => Box::new(Values { rows, next: 0 }),
        Plan::Join {
            left,
            right,
            kind,
            keys,
            on,
            right_width,
            left_width,
            merge: true,
        } if !keys.is_empty() => Box::new(join::MergeJoin::new(
            build(left),
            build(right),
            *kind,
            keys,
            on.as_ref(),
            *left_width,
            *right_width,
        )),
        Plan::Join {
            left,
            right,
            kind,
            keys,
            on,
            right_width,
            left_width,
            ..
        } => Box::new(join::Join::new(
            build(left),
            build(right),
            *kind,
            keys,
            on.as_ref(),
            *left_width,
            *right_width,
        )),
        Plan::Lateral {
            left,
            right,
            left_join,
            on,
            right_width,
        } => Box::new(join::Lateral {
            left: build(left),
            right,
            left_join: *left_join,
            on: on.as_ref(),
            right_width: *right_width,
            pending: Vec::new(),
        }),
        Plan::Aggregate {
            input, group, aggs, ..
        } if crate::table::partial_aggregate(plan) => match build_gather(input) {
            Some(scan) => Box::new(crate::table::ParallelAgg::new(scan, group, aggs)),
            None => Box::new(agg::HashAgg {
                input: build(input),
                group,
                aggs,
                sets: None,
                sorted: false,
                out: None,
            }),
        },
        Plan::Aggregate {
            input,
            group,
            aggs,
            sets,
        } => Box::new(agg::HashAgg {
            sorted: crate::plan::sorted_groups(input, group),
            input: build(input),
            group,
            aggs,
            sets: sets.as_deref(),
            out: None,
        }),
        Plan::Sort { input, keys } => Box::new(sort::Sort::new(build(input), keys)),
        Plan::Limit {
            input,
            limit,
            offset,
            ties,
        } => Box::new(sort::Limit {
            input: match (&**input, limit) {
                // A sort under LIMIT keeps only the rows the limit needs
                // (not with ties, whose number is unknown).
                (Plan::Sort { input: below, keys }, Some(l)) if ties.is_none() => {
                    let mut s = sort::Sort::new(build(below), keys);
                    s.bound = Some((l, offset.as_ref()));
                    match instr {
                        Some(i) => Box::new(explain::Measured::new(Box::new(s), input, i)),
                        None => Box::new(s),
                    }
                }
                _ => build(input),
            },
            limit: limit.as_ref(),
            offset: offset.as_ref(),
            ties: ties.as_deref(),
            last: None,
            state: None,
        }),
        Plan::Distinct { input, on } => Box::new(sort::Distinct::new(build(input), on.as_deref())),
        Plan::LockRows { input, marks } => Box::new(crate::table::LockRows {
            input: build(input),
            marks,
            waits: None,
        }),
        Plan::RecursiveUnion {
            id,
            base,
            step,
            all,
        } => Box::new(srf::RecursiveUnion {
            id: *id,
            base: Some(build(base)),
            step,
            all: *all,
            seen: HashSet::new(),
            pending: Vec::new(),
            round: Vec::new(),
            seen_memory: None,
            round_memory: None,
            kept_now: 0,
            kept_last: None,
        }),
        Plan::Window { input, calls } => Box::new(window::Window {
            input: build(input),
            calls,
            out: None,
        }),
        Plan::WorkTable(id) => Box::new(srf::WorkTable {
            id: *id,
            rows: None,
        }),
        Plan::CteScan { id, input, .. } => Box::new(srf::CteScan {
            id: *id,
            input,
            rows: None,
        }),
        Plan::FunctionScan {
            func,
            args,
            ordinality,
            ..
        } => Box::new(srf::FunctionScan {
            func: *func,
            args,
            ordinality: *ordinality,
            series: None,
            count: 0,
        }),
        Plan::ProjectSet { input, items } => Box::new(srf::ProjectSet {
            input: build(input),
            items,
            current: None,
        }),
        Plan::Append { inputs, .. } => Box::new(Append {
            inputs: inputs.iter().map(build).collect(),
            current: 0,
        }),
        Plan::SetOp {
            left,
            right,
            op,
            all,
        } => Box::new(SetOp {
            left: build(left),
            right: build(right),
            op: *op,
            all: *all,
            left_done: false,
            heads: None,
            repeat: None,
            keys: Vec::new(),
        }),
    }
}

/// Runs `plan` to the end (or to `limit` rows).
pub fn collect(plan: &Plan, limit: usize, ctx: &mut EvalCtx<'_>) -> Result<Vec<Row>> {
    let mut node = build(plan);
    let mut rows = Vec::new();
    while rows.len() < limit {
        match node.next(ctx)? {
            Some(r) => rows.push(r),
            None => break,
        }
    }
    Ok(rows)
}

/// Evaluates a subquery expression for the outer row `row`.
pub fn sublink(s: &SubLink, row: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let arg = match &s.kind {
        SubLinkKind::Any { arg, .. } | SubLinkKind::All { arg, .. } => arg.eval(row, ctx)?,
        SubLinkKind::Exists | SubLinkKind::Scalar | SubLinkKind::Array => Value::Null,
    };
    if let (false, SubLinkKind::Any { op, .. }) = (s.correlated, &s.kind) {
        // Rows compare field by field (NULL fields), not by key bytes.
        if op.name == "="
            && op.args.len() == 2
            && op.args[0] == op.args[1]
            && op.args[0] != crate::types::DataType::Record
        {
            if let Some(v) = hashed_any(s, &arg, ctx)? {
                return Ok(v);
            }
        }
    }
    let limit = match s.kind {
        SubLinkKind::Exists => 1,
        SubLinkKind::Scalar => 2,
        _ => usize::MAX,
    };
    let rows = if s.correlated {
        ctx.outer.push(row.to_vec());
        let rows = collect(&s.plan, limit, ctx);
        ctx.outer.pop();
        Arc::new(rows?)
    } else {
        let id = std::ptr::from_ref(&s.plan) as usize;
        match ctx.initplans.get(&id) {
            Some(rows) => Arc::clone(rows),
            None => {
                let rows = Arc::new(collect(&s.plan, limit, ctx)?);
                ctx.initplans.insert(id, Arc::clone(&rows));
                rows
            }
        }
    };
    let first = |r: &Row| r.first().cloned().unwrap_or(Value::Null);
    match &s.kind {
        SubLinkKind::Exists => Ok(Value::Bool(!rows.is_empty())),
        SubLinkKind::Array => Ok(Value::Array(crate::value::ArrayRef::new(
            rows.iter().map(first).collect(),
        ))),
        SubLinkKind::Scalar => {
            if rows.len() > 1 {
                return Err(SqlError::new(
                    SqlState::CARDINALITY_VIOLATION,
                    "more than one row returned by a subquery used as an expression",
                ));
            }
            Ok(rows.first().map(first).unwrap_or(Value::Null))
        }
        SubLinkKind::Any { op, .. } | SubLinkKind::All { op, .. } => {
            let any = matches!(s.kind, SubLinkKind::Any { .. });
            crate::expr::quantified(op, &arg, rows.iter().map(first), any, ctx)
        }
    }
}

/// Evaluates a call of a user-defined SQL function for the row `row`:
/// the arguments become the row its body reads one level out; the value
/// is the first row's (NULL without one), or for a set-returning function
/// every row's, as an array. A strict function of a NULL argument is
/// NULL (no rows) without running. A SECURITY DEFINER function's body
/// runs as its owner (the role setting swapped for the call).
pub fn user_call(c: &crate::expr::UserCall, row: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let Some(role) = &c.run_as else {
        return user_call_body(c, row, ctx);
    };
    let prev = ctx.settings.swap("role", role);
    let result = user_call_body(c, row, ctx);
    ctx.settings.swap("role", &prev);
    result
}

fn user_call_body(
    c: &crate::expr::UserCall,
    row: &[Value],
    ctx: &mut EvalCtx<'_>,
) -> Result<Value> {
    let mut args = Vec::with_capacity(c.args.len());
    for a in &c.args {
        let v = a.eval(row, ctx)?;
        if c.func.strict && v.is_null() {
            return Ok(if c.func.retset {
                Value::Array(crate::value::ArrayRef::new(Vec::new()))
            } else {
                Value::Null
            });
        }
        args.push(v);
    }
    ctx.check_interrupts()?;
    crate::stack::check()?;
    // The body's uncorrelated subqueries and WITH queries run again for
    // each call.
    let initplans = std::mem::take(&mut ctx.initplans);
    let hashed = std::mem::take(&mut ctx.hashed_initplans);
    let ctescans = std::mem::take(&mut ctx.ctescans);
    let plan = match &c.body {
        crate::expr::CallBody::Sql(plan) => plan,
        crate::expr::CallBody::SqlStatements(_) => {
            ctx.initplans = initplans;
            ctx.hashed_initplans = hashed;
            ctx.ctescans = ctescans;
            return Err(SqlError::unsupported(format!(
                "calling the SQL function {}, which changes data, within a query",
                c.func.name
            )));
        }
        crate::expr::CallBody::PlPgSql(compiled) => {
            // A call's rows never leak into its caller's outer levels.
            let depth = ctx.outer.len();
            let r = crate::plpgsql::run(compiled, args, ctx);
            ctx.outer.truncate(depth);
            ctx.initplans = initplans;
            ctx.hashed_initplans = hashed;
            ctx.ctescans = ctescans;
            return r;
        }
    };
    ctx.outer.push(args);
    let rows = collect(plan, if c.func.retset { usize::MAX } else { 1 }, ctx);
    ctx.outer.pop();
    ctx.initplans = initplans;
    ctx.hashed_initplans = hashed;
    ctx.ctescans = ctescans;
    let mut rows = rows?;
    if c.func.retset {
        return Ok(Value::Array(crate::value::ArrayRef::new(
            rows.iter_mut()
                .map(|r| r.drain(..).next().unwrap_or(Value::Null))
                .collect(),
        )));
    }
    Ok(rows
        .pop()
        .and_then(|mut r| r.drain(..).next())
        .unwrap_or(Value::Null))
}

/// The first column of an uncorrelated subquery's rows as a hash set:
/// `x IN (subquery)` probes it instead of comparing with every row.
pub struct HashedValues {
    /// Key bytes of each non-NULL value.
    keys: HashSet<Vec<u8>, std::hash::BuildHasherDefault<key::KeyHasher>>,
    /// Some value was NULL (a miss is then NULL, not false).
    has_null: bool,
    /// The variant of the values: a probe of another variant (which the
    /// key bytes would not compare) compares row by row instead.
    variant: Option<std::mem::Discriminant<Value>>,
    /// Values of more than one variant were seen.
    mixed: bool,
}

/// `arg = ANY (subquery)` through the subquery's hashed values: None when
/// the values cannot be compared by their keys.
fn hashed_any(s: &SubLink, arg: &Value, ctx: &mut EvalCtx<'_>) -> Result<Option<Value>> {
    let id = std::ptr::from_ref(&s.plan) as usize;
    let set = match ctx.hashed_initplans.get(&id) {
        Some(set) => Arc::clone(set),
        None => {
            let rows = collect(&s.plan, usize::MAX, ctx)?;
            let mut set = HashedValues {
                keys: HashSet::default(),
                has_null: false,
                variant: None,
                mixed: false,
            };
            for r in &rows {
                match r.first() {
                    None | Some(Value::Null) => set.has_null = true,
                    Some(v) => {
                        let d = std::mem::discriminant(v);
                        set.mixed |= set.variant.is_some_and(|x| x != d);
                        set.variant = Some(d);
                        let mut k = Vec::new();
                        key::push_key(v, &mut k);
                        set.keys.insert(k);
                    }
                }
            }
            let set = Arc::new(set);
            ctx.hashed_initplans.insert(id, Arc::clone(&set));
            set
        }
    };
    if set.keys.is_empty() && !set.has_null {
        return Ok(Some(Value::Bool(false)));
    }
    if *arg == Value::Null {
        return Ok(Some(Value::Null));
    }
    if set.mixed
        || set
            .variant
            .is_some_and(|d| d != std::mem::discriminant(arg))
    {
        return Ok(None);
    }
    let mut k = Vec::new();
    key::push_key(arg, &mut k);
    Ok(Some(if set.keys.contains(&k) {
        Value::Bool(true)
    } else if set.has_null {
        Value::Null
    } else {
        Value::Bool(false)
    }))
}

/// Rows written in the query.
struct Values<'p> {
    /// The rows' expressions.
    rows: &'p [Vec<Expr>],
    /// Next row.
    next: usize,
}

impl Node for Values<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let Some(exprs) = self.rows.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let mut row = Vec::with_capacity(exprs.len());
        for e in exprs {
            row.push(e.eval(&[], ctx)?);
        }
        Ok(Some(row))
    }
}

/// UNION ALL: every row of each input, the inputs in order.
struct Append<'p> {
    /// The inputs.
    inputs: Vec<Box<dyn Node + 'p>>,
    /// The input being read.
    current: usize,
}

impl Node for Append<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        while let Some(input) = self.inputs.get_mut(self.current) {
            if let Some(row) = input.next(ctx)? {
                return Ok(Some(row));
            }
            self.current += 1;
            ctx.check_interrupts()?;
        }
        Ok(None)
    }
}

/// UNION ALL of two inputs (left rows, then right), or INTERSECT /
/// EXCEPT [ALL] over two inputs sorted on every column: each run of equal
/// rows is counted on both sides and returned as often as the operation
/// says (once, or min / difference of the counts for ALL); only one row
/// per run is held.
struct SetOp<'p> {
    /// Left input.
    left: Box<dyn Node + 'p>,
    /// Right input.
    right: Box<dyn Node + 'p>,
    /// The operation.
    op: SetOpKind,
    /// ALL.
    all: bool,
    /// UNION: the left side is exhausted.
    left_done: bool,
    /// The next row of each side, read ahead (None at the end).
    heads: Option<(Option<Row>, Option<Row>)>,
    /// The current run's row and how many more copies to return.
    repeat: Option<(Row, i64)>,
    /// Every column ascending, NULLs last (the inputs' order); made at the
    /// first row, when the width is known.
    keys: Vec<SortKey>,
}

impl SetOp<'_> {
    /// Counts the run of rows equal to `row` on one side, reading ahead.
    fn run_length(
        side: &mut (dyn Node + '_),
        head: &mut Option<Row>,
        row: &[Value],
        keys: &[SortKey],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<i64> {
        let mut n = 0;
        while let Some(h) = head.as_ref() {
            if sort::compare_rows(h, row, keys) != std::cmp::Ordering::Equal {
                break;
            }
            n += 1;
            *head = side.next(ctx)?;
            if n % 1024 == 0 {
                ctx.check_interrupts()?;
            }
        }
        Ok(n)
    }
}

impl Node for SetOp<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        // UNION is always ALL here (the binder puts a Distinct above a
        // UNION): the left rows, then the right ones.
        if self.op == SetOpKind::Union {
            if !self.left_done {
                if let Some(r) = self.left.next(ctx)? {
                    return Ok(Some(r));
                }
                self.left_done = true;
            }
            return self.right.next(ctx);
        }
        loop {
            if let Some((row, n)) = self.repeat.as_mut() {
                if *n > 0 {
                    *n -= 1;
                    return Ok(Some(row.clone()));
                }
                self.repeat = None;
            }
            if self.heads.is_none() {
                let l = self.left.next(ctx)?;
                let r = self.right.next(ctx)?;
                self.heads = Some((l, r));
            }
            let Some((lh, rh)) = self.heads.as_mut() else {
                return Ok(None);
            };
            let Some(row) = lh.clone() else {
                // Left exhausted: nothing more can be returned.
                return Ok(None);
            };
            if self.keys.len() != row.len() {
                self.keys = (0..row.len())
                    .map(|column| SortKey {
                        column,
                        desc: false,
                        nulls_first: false,
                    })
                    .collect();
            }
            let keys = &self.keys;
            // Skip right rows that sort before this run.
            while let Some(r) = rh.as_ref() {
                if sort::compare_rows(r, &row, keys) != std::cmp::Ordering::Less {
                    break;
                }
                *rh = self.right.next(ctx)?;
            }
            let nl = Self::run_length(&mut *self.left, lh, &row, keys, ctx)?;
            let nr = Self::run_length(&mut *self.right, rh, &row, keys, ctx)?;
            let copies = match (self.op, self.all) {
                (SetOpKind::Intersect, false) => i64::from(nr > 0),
                (SetOpKind::Intersect, true) => nl.min(nr),
                (SetOpKind::Except, false) => i64::from(nr == 0),
                (SetOpKind::Except, true) => (nl - nr).max(0),
                (SetOpKind::Union, _) => nl,
            };
            self.repeat = Some((row, copies));
        }
    }
}

/// One empty row.
struct OneRow {
    /// Whether the row was returned.
    done: bool,
}

impl Node for OneRow {
    fn next(&mut self, _ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        Ok(Some(Vec::new()))
    }
}

/// The rows of a system relation, computed at the first `next` of the
/// statement and shared by every later scan of it.
struct Rows {
    /// The rows and the position of the next one.
    rows: Option<(Arc<Vec<Row>>, usize)>,
    /// The view.
    view: crate::catalog::SystemView,
}

impl Node for Rows {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.rows.is_none() {
            self.rows = Some((self.view.cached_rows(ctx)?, 0));
        }
        let Some((all, pos)) = self.rows.as_mut() else {
            return Ok(None);
        };
        let row = all.get(*pos).cloned();
        *pos += 1;
        Ok(row)
    }
}

/// Keeps rows whose predicate is true.
struct Filter<'p> {
    /// Input.
    input: Box<dyn Node + 'p>,
    /// Predicate.
    predicate: &'p Expr,
}

impl Node for Filter<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let mut seen = 0u32;
        while let Some(row) = self.input.next(ctx)? {
            if self.predicate.eval(&row, ctx)? == Value::Bool(true) {
                return Ok(Some(row));
            }
            seen += 1;
            if seen.is_multiple_of(1024) {
                ctx.check_interrupts()?;
            }
        }
        Ok(None)
    }
}

/// Computes the select list.
struct Project<'p> {
    /// Input.
    input: Box<dyn Node + 'p>,
    /// One expression per output column.
    exprs: &'p [Expr],
    /// For each output column, the input column it can take without a
    /// copy (a bare column reference read by nothing else).
    moves: Vec<Option<usize>>,
    /// Every output column moves the input column in its place: an input
    /// row of the output's width is the output row (`SELECT *`).
    identity: bool,
}

impl<'p> Project<'p> {
    fn new(input: Box<dyn Node + 'p>, exprs: &'p [Expr]) -> Self {
        let mut uses: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for e in exprs {
            e.visit(&mut |x| match &x.kind {
                crate::expr::ExprKind::Column(i) => *uses.entry(*i).or_default() += 1,
                crate::expr::ExprKind::SubLink(s) if s.correlated => {
                    *uses.entry(usize::MAX).or_default() += 1
                }
                _ => {}
            });
        }
        let whole_row = uses.contains_key(&usize::MAX);
        let moves = exprs
            .iter()
            .map(|e| match e.kind {
                crate::expr::ExprKind::Column(i) if !whole_row && uses.get(&i) == Some(&1) => {
                    Some(i)
                }
                _ => None,
            })
            .collect::<Vec<_>>();
        let identity = moves.iter().enumerate().all(|(j, m)| *m == Some(j));
        Project {
            input,
            exprs,
            moves,
            identity,
        }
    }
}

/// Rows with their columns rearranged (each input column moves once).
struct Permute<'p> {
    input: Box<dyn Node + 'p>,
    /// The input column of each output column.
    columns: &'p [usize],
}

impl Node for Permute<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let Some(mut row) = self.input.next(ctx)? else {
            return Ok(None);
        };
        Ok(Some(
            self.columns
                .iter()
                .map(|&i| row.get_mut(i).map(std::mem::take).unwrap_or(Value::Null))
                .collect(),
        ))
    }
}

impl Node for Project<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let Some(mut row) = self.input.next(ctx)? else {
            return Ok(None);
        };
        if self.identity && row.len() == self.exprs.len() {
            return Ok(Some(row));
        }
        let mut out = Vec::with_capacity(self.exprs.len());
        for (e, m) in self.exprs.iter().zip(&self.moves) {
            out.push(match m {
                Some(_) => Value::Null,
                None => e.eval(&row, ctx)?,
            });
        }
        for (slot, m) in out.iter_mut().zip(&self.moves) {
            if let Some(i) = m {
                if let Some(v) = row.get_mut(*i) {
                    *slot = std::mem::take(v);
                }
            }
        }
        Ok(Some(out))
    }
}
