//! The planner: the passes, in order, that turn the plan the binder
//! built (the query as written) into the plan the executor runs.
//!
//! ```text
//! bound plan ─fold─► constants computed ─place─► conditions pushed down,
//!   joins reordered ─prune─► scans decode only what is read ─methods─►
//!   join methods ─nestloop─► inner index scans per outer row ─index─►
//!   index scans ─subqueries─► the same for each subquery ─parallel─►
//!   Gather over big scans
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
mod place;
mod prune;

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
            plan.choose_nested_loops(&est, blocks);
        }
        plan.choose_index_scans(blocks);
    }
    subqueries(&mut plan, ctx, blocks)?;
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
    if let ExprKind::SubLink(s) = &mut kind {
        let p = std::mem::replace(&mut s.plan, Plan::OneRow);
        s.plan = optimize(p, ctx, blocks, false)?;
    }
    Ok(Expr { kind, ..e })
}
