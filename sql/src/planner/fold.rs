//! Constant folding over a whole plan.

use crate::error::Result;
use crate::expr::{EvalCtx, Expr};
use crate::plan::Plan;

impl Plan {
    /// Folds constant subexpressions everywhere in the plan (see
    /// [`Expr::fold`]).
    pub fn fold_constants(self, ctx: &mut EvalCtx<'_>) -> Result<Plan> {
        crate::stack::check()?;
        Ok(match self {
            p @ (Plan::OneRow
            | Plan::SystemView(_)
            | Plan::SeqScan { .. }
            | Plan::IndexScan { .. }
            | Plan::WorkTable(_)
            | Plan::FunctionScan { .. }
            | Plan::ProjectSet { .. }) => p,
            Plan::Lateral {
                left,
                right,
                left_join,
                on,
                right_width,
            } => Plan::Lateral {
                left: Box::new(left.fold_constants(ctx)?),
                right: Box::new(right.fold_constants(ctx)?),
                left_join,
                on: on.map(|e| e.fold(ctx)).transpose()?,
                right_width,
            },
            Plan::Window { input, calls } => Plan::Window {
                input: Box::new(input.fold_constants(ctx)?),
                calls,
            },
            Plan::RecursiveUnion {
                id,
                base,
                step,
                all,
            } => Plan::RecursiveUnion {
                id,
                base: Box::new(base.fold_constants(ctx)?),
                step: Box::new(step.fold_constants(ctx)?),
                all,
            },
            Plan::CteScan { id, name, input } => Plan::CteScan {
                id,
                name,
                input: Box::new(input.fold_constants(ctx)?),
            },
            Plan::Values(rows) => Plan::Values(
                rows.into_iter()
                    .map(|r| fold_all(r, ctx))
                    .collect::<Result<Vec<_>>>()?,
            ),
            Plan::Join {
                left,
                right,
                kind,
                keys,
                on,
                right_width,
                left_width,
                merge,
            } => Plan::Join {
                left: Box::new(left.fold_constants(ctx)?),
                right: Box::new(right.fold_constants(ctx)?),
                kind,
                keys: keys
                    .into_iter()
                    .map(|(l, r, eq)| Ok((l.fold(ctx)?, r.fold(ctx)?, eq)))
                    .collect::<Result<Vec<_>>>()?,
                on: on.map(|e| e.fold(ctx)).transpose()?,
                right_width,
                left_width,
                merge,
            },
            Plan::Gather { input, workers } => Plan::Gather {
                input: Box::new(input.fold_constants(ctx)?),
                workers,
            },
            Plan::Aggregate {
                input,
                group,
                aggs,
                sets,
            } => Plan::Aggregate {
                sets,
                input: Box::new(input.fold_constants(ctx)?),
                group: fold_all(group, ctx)?,
                aggs: aggs
                    .into_iter()
                    .map(|mut a| {
                        a.args = fold_all(a.args, ctx)?;
                        a.filter = a.filter.map(|e| e.fold(ctx)).transpose()?;
                        Ok(a)
                    })
                    .collect::<Result<Vec<_>>>()?,
            },
            Plan::Sort { input, keys } => Plan::Sort {
                input: Box::new(input.fold_constants(ctx)?),
                keys,
            },
            Plan::Limit {
                input,
                limit,
                offset,
                ties,
            } => Plan::Limit {
                input: Box::new(input.fold_constants(ctx)?),
                limit,
                offset,
                ties,
            },
            Plan::Distinct { input, on } => Plan::Distinct {
                input: Box::new(input.fold_constants(ctx)?),
                on,
            },
            Plan::LockRows { input, marks } => Plan::LockRows {
                input: Box::new(input.fold_constants(ctx)?),
                marks,
            },
            Plan::Append { inputs, parts } => Plan::Append {
                inputs: inputs
                    .into_iter()
                    .map(|p| p.fold_constants(ctx))
                    .collect::<Result<_>>()?,
                parts,
            },
            Plan::SetOp {
                left,
                right,
                op,
                all,
            } => Plan::SetOp {
                left: Box::new(left.fold_constants(ctx)?),
                right: Box::new(right.fold_constants(ctx)?),
                op,
                all,
            },
            Plan::Filter { input, predicate } => Plan::Filter {
                input: Box::new(input.fold_constants(ctx)?),
                predicate: predicate.fold(ctx)?,
            },
            Plan::Permute { input, columns } => Plan::Permute {
                input: Box::new(input.fold_constants(ctx)?),
                columns,
            },
            Plan::Project { input, exprs } => Plan::Project {
                input: Box::new(input.fold_constants(ctx)?),
                exprs: fold_all(exprs, ctx)?,
            },
        })
    }
}

fn fold_all(exprs: Vec<Expr>, ctx: &mut EvalCtx<'_>) -> Result<Vec<Expr>> {
    exprs.into_iter().map(|e| e.fold(ctx)).collect()
}
