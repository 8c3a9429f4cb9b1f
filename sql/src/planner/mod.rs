//! The planner: the passes, in order, that turn the plan the binder
//! built (the query as written) into the plan the executor runs.
//!
//! ```text
//! bound plan ─fold─► constants computed ─place─► conditions pushed down,
//!   joins reordered ─prune─► scans decode only what is read ─methods─►
//!   join methods ─nestloop─► inner index scans per outer row ─index─►
//!   index scans ─subqueries─► the same for each subquery ─qualorder─►
//!   each node's conditions cheapest first ─parallel─► Gather over big
//!   scans
//! ```
//!
//! Every statement's plan goes through [`optimize`]: SELECT, the source
//! query of INSERT ... SELECT and the scans of UPDATE and DELETE.

mod equivalence;
mod estimate;
mod fold;
mod index;
mod joinorder;
mod methods;
mod nestloop;
mod parallel;
mod partprune;
mod place;
mod prune;
mod qualorder;

use crate::catalog::TableDef;
use crate::error::Result;
use crate::expr::{EvalCtx, Expr, ExprKind};
use crate::plan::Plan;

/// Plans `plan` with the session's settings; `blocks` tells a table's
/// size. `parallel`: whether parallel workers may read its scans (not for
/// a statement that writes).
pub(crate) fn optimize(
    plan: Plan,
    ctx: &mut EvalCtx<'_>,
    blocks: &dyn Fn(&TableDef) -> u32,
    parallel: bool,
) -> Result<Plan> {
    // A table never counted (no VACUUM, ANALYZE or CREATE INDEX since
    // it was made) is taken to have at least 10 blocks, as PostgreSQL's
    // estimate_rel_size assumes: a small new table is not known to be
    // small, so its indexes are used.
    let blocks = &|t: &TableDef| {
        let b = blocks(t);
        if t.stats.tuples < 0.0 {
            b.max(10)
        } else {
            b
        }
    };
    // enable_seqscan = off: an index that applies is used even on a small
    // table (PostgreSQL's disable_cost on sequential scans).
    let seqscan = ctx.settings.bool("enable_seqscan");
    let index_blocks = &|t: &TableDef| {
        if seqscan {
            blocks(t)
        } else {
            blocks(t).max(10)
        }
    };
    // Outputs nobody reads go first, so that folding never evaluates
    // (and fails on) a subquery column the query does not use.
    let mut plan = plan;
    plan.prune_columns(Some(usize::MAX));
    let plan = plan.fold_constants(ctx)?;
    let est = estimate::Estimator { blocks };
    let placer = place::Placer { est: &est };
    let mut plan = placer.push(plan, Vec::new())?;
    plan.prune_columns(Some(usize::MAX));
    plan.choose_joins(
        ctx.settings.bool("enable_hashjoin"),
        ctx.settings.bool("enable_mergejoin"),
    );
    if ctx.settings.bool("enable_indexscan") {
        if ctx.settings.bool("enable_nestloop") {
            plan.choose_nested_loops(&est, index_blocks);
        }
        plan.choose_index_scans(index_blocks);
    }
    subqueries(&mut plan, ctx, blocks)?;
    plan.order_quals();
    if parallel {
        plan.choose_parallel(
            blocks,
            usize::try_from(ctx.settings.int("max_parallel_workers_per_gather")).unwrap_or(0),
            u32::try_from(ctx.settings.int("min_parallel_table_scan_size")).unwrap_or(u32::MAX),
        );
    }
    Ok(plan)
}

/// Plans the subqueries in the plan's expressions (EXISTS, IN, scalar
/// subqueries), each as a plan of its own; serial, as they may run once
/// per outer row.
fn subqueries(
    plan: &mut Plan,
    ctx: &mut EvalCtx<'_>,
    blocks: &dyn Fn(&TableDef) -> u32,
) -> Result<()> {
    crate::stack::check()?;
    for e in plan.exprs_mut() {
        *e = in_expr(std::mem::replace(e, Expr::null_bool()), ctx, blocks)?;
    }
    for c in plan.children_mut() {
        subqueries(c, ctx, blocks)?;
    }
    Ok(())
}

fn in_expr(e: Expr, ctx: &mut EvalCtx<'_>, blocks: &dyn Fn(&TableDef) -> u32) -> Result<Expr> {
    crate::stack::check()?;
    let mut kind = e.kind.map_children(|c| in_expr(c, ctx, blocks))?;
    if let ExprKind::UserCall(c) = &mut kind {
        let plans = match &mut c.body {
            crate::expr::CallBody::Sql(plan) => vec![plan],
            crate::expr::CallBody::PlPgSql(compiled) => compiled.plans_mut(),
            crate::expr::CallBody::SqlStatements(_) => Vec::new(),
        };
        for plan in plans {
            // An error found while planning a body (a constant 1/0 folded)
            // is left for the call to raise, in its context.
            if let Ok(p) = optimize(plan.clone(), ctx, blocks, false) {
                *plan = p;
            }
        }
    }
    if let ExprKind::SubLink(s) = &mut kind {
        let p = std::mem::replace(&mut s.plan, Plan::OneRow);
        s.plan = optimize(p, ctx, blocks, false)?;
        if let Some(hashed) = exists_as_hashed_in(s) {
            return Ok(Expr { kind: hashed, ..e });
        }
    }
    Ok(Expr { kind, ..e })
}

/// `e` with its references to the row one level out made references to
/// the row it is evaluated on.
fn outer_to_columns(e: Expr) -> Result<Expr> {
    let kind = match e.kind {
        ExprKind::Outer { depth: 1, index } => ExprKind::Column(index),
        k => k.map_children(outer_to_columns)?,
    };
    Ok(Expr { kind, ..e })
}

/// Whether an expression reads a row of an enclosing query (or holds a
/// subquery that may).
fn reads_outer(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| {
        found |= match &x.kind {
            ExprKind::Outer { .. } => true,
            ExprKind::SubLink(s) => s.correlated,
            _ => false,
        }
    });
    found
}

/// Whether any expression of a plan reads an enclosing query's row.
fn plan_reads_outer(plan: &mut Plan) -> bool {
    plan.exprs_mut().into_iter().any(|e| reads_outer(e))
        || plan.children_mut().into_iter().any(plan_reads_outer)
}

/// A correlated `EXISTS (SELECT ... FROM ... WHERE inner = outer AND
/// rest)` whose only tie to the outer row is that equality, as
/// `(outer = ANY (SELECT inner FROM ... WHERE rest)) IS TRUE`: the
/// subquery runs once and is probed through a hash set, where it ran
/// again for every outer row (PostgreSQL's hashed alternative SubPlan).
/// None if the subquery has another shape.
fn exists_as_hashed_in(s: &mut crate::expr::SubLink) -> Option<ExprKind> {
    use crate::expr::{SubLink, SubLinkKind};
    if !matches!(s.kind, SubLinkKind::Exists) || !s.correlated {
        return None;
    }
    // Project (its values do not matter to EXISTS) over Filter over a
    // plan that does not read the outer row.
    let Plan::Project { input, exprs } = &mut s.plan else {
        return None;
    };
    if exprs.iter().any(reads_outer) {
        return None;
    }
    let Plan::Filter { input, predicate } = &mut **input else {
        return None;
    };
    if plan_reads_outer(input) {
        return None;
    }
    let conjuncts: Vec<Expr> = match &predicate.kind {
        ExprKind::And(items) => items.clone(),
        _ => vec![predicate.clone()],
    };
    let mut tie: Option<(Expr, Expr, &'static crate::func::FuncDef)> = None;
    let mut rest = Vec::new();
    for c in conjuncts {
        // Volatile conditions must run per row, as PostgreSQL's
        // convert_EXISTS_to_ANY declines them.
        if c.calls_volatile() {
            return None;
        }
        if !reads_outer(&c) {
            rest.push(c);
            continue;
        }
        if tie.is_some() {
            return None;
        }
        let ExprKind::Call { def, args } = &c.kind else {
            return None;
        };
        if def.name != "=" || args.len() != 2 {
            return None;
        }
        // One side reads only the outer row (one level out), the other
        // only the subquery's.
        let outer_only = |e: &Expr| {
            let mut ok = true;
            e.visit(&mut |x| match &x.kind {
                ExprKind::Outer { depth, .. } => ok &= *depth == 1,
                ExprKind::Column(_) | ExprKind::SubLink(_) | ExprKind::Aggregate(_) => ok = false,
                _ => {}
            });
            ok && reads_outer(e)
        };
        let (inner, outer) = if outer_only(&args[1]) && !reads_outer(&args[0]) {
            (args[0].clone(), args[1].clone())
        } else if outer_only(&args[0]) && !reads_outer(&args[1]) {
            (args[1].clone(), args[0].clone())
        } else {
            return None;
        };
        if def.args.len() != 2 || def.args[0] != def.args[1] {
            return None;
        }
        tie = Some((inner, outer, *def));
    }
    let (inner, outer, op) = tie?;
    // The outer side now reads the row the expression is evaluated on.
    let arg = outer_to_columns(outer).ok()?;
    let source = std::mem::replace(&mut **input, Plan::OneRow);
    let filtered = match rest.len() {
        0 => source,
        1 => Plan::Filter {
            input: Box::new(source),
            predicate: rest.pop()?,
        },
        _ => Plan::Filter {
            input: Box::new(source),
            predicate: Expr {
                kind: ExprKind::And(rest),
                ty: crate::types::DataType::Bool,
                typmod: -1,
                pos: None,
            },
        },
    };
    let plan = Plan::Project {
        input: Box::new(filtered),
        exprs: vec![inner],
    };
    let any = Expr {
        kind: ExprKind::SubLink(Box::new(SubLink {
            kind: SubLinkKind::Any {
                arg: Box::new(arg),
                op,
            },
            plan,
            correlated: false,
        })),
        ty: crate::types::DataType::Bool,
        typmod: -1,
        pos: None,
    };
    Some(ExprKind::IsBool {
        arg: Box::new(any),
        value: Some(true),
        negated: false,
    })
}
