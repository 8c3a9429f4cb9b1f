//! The executor: runs a [`Plan`] as a tree of pull-based nodes
//! (PostgreSQL's Volcano model): each `next` returns one row or `None`.
//!
//! Long loops check the backend's interrupt flag ([`EvalCtx::check_interrupts`]),
//! so cancel, statement_timeout and shutdown stop a statement between rows.

use crate::error::Result;
use crate::expr::{EvalCtx, Expr};
use crate::plan::Plan;
use crate::value::Value;

/// A row of values.
pub type Row = Vec<Value>;

/// A running plan node.
pub trait Node {
    /// The next row, or None when done.
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>>;
}

/// Builds the node tree for `plan`.
pub fn build(plan: &Plan) -> Box<dyn Node + '_> {
    match plan {
        Plan::OneRow => Box::new(OneRow { done: false }),
        Plan::SystemView(view) => Box::new(Rows {
            rows: None,
            view: *view,
        }),
        Plan::SeqScan { table, with_tid } => Box::new(crate::table::SeqScan::new(
            std::sync::Arc::clone(table),
            *with_tid,
            None,
        )),
        // A filter right over a table scan runs inside it, on partly
        // decoded rows.
        Plan::Filter { input, predicate } => match &**input {
            Plan::SeqScan { table, with_tid } => Box::new(crate::table::SeqScan::new(
                std::sync::Arc::clone(table),
                *with_tid,
                Some(predicate),
            )),
            other => Box::new(Filter {
                input: build(other),
                predicate,
            }),
        },
        Plan::Project { input, exprs } => Box::new(Project {
            input: build(input),
            exprs,
        }),
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

/// The rows of a system view, read at the first `next`.
struct Rows {
    /// Rows not returned yet (reversed, popped from the end).
    rows: Option<Vec<Row>>,
    /// The view.
    view: crate::catalog::SystemView,
}

impl Node for Rows {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let rows = self.rows.get_or_insert_with(|| {
            let mut r = self.view.rows(ctx);
            r.reverse();
            r
        });
        Ok(rows.pop())
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
}

impl Node for Project<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let Some(row) = self.input.next(ctx)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(self.exprs.len());
        for e in self.exprs {
            out.push(e.eval(&row, ctx)?);
        }
        Ok(Some(out))
    }
}
