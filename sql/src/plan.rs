//! Plans: what the binder produces and the executor runs.
//!
//! A plan is a tree of relational nodes over rows (`Vec<Value>`); every
//! expression in it is bound ([`Expr`]) so execution never resolves names.

use crate::catalog::SystemView;
use crate::error::Result;
use crate::expr::{EvalCtx, Expr};
use crate::types::DataType;

/// A relational plan node.
#[derive(Debug, Clone)]
pub enum Plan {
    /// One empty row: the input of a SELECT without FROM.
    OneRow,
    /// The rows of a system view (pg_stat_activity ...).
    SystemView(SystemView),
    /// The visible rows of a stored table (live columns in order, then
    /// the tuple id when `with_tid`).
    SeqScan {
        /// The table.
        table: std::sync::Arc<crate::catalog::TableDef>,
        /// Append the tuple id (UPDATE and DELETE need it).
        with_tid: bool,
    },
    /// Rows of `input` for which `predicate` is true.
    Filter {
        /// Input rows.
        input: Box<Plan>,
        /// Must evaluate to true to keep the row.
        predicate: Expr,
    },
    /// Computes `exprs` over each input row.
    Project {
        /// Input rows.
        input: Box<Plan>,
        /// One expression per output column.
        exprs: Vec<Expr>,
    },
}

impl Plan {
    /// Folds constant subexpressions everywhere in the plan (see
    /// [`Expr::fold`]).
    pub fn fold_constants(self, ctx: &mut EvalCtx<'_>) -> Result<Plan> {
        Ok(match self {
            p @ (Plan::OneRow | Plan::SystemView(_) | Plan::SeqScan { .. }) => p,
            Plan::Filter { input, predicate } => Plan::Filter {
                input: Box::new(input.fold_constants(ctx)?),
                predicate: predicate.fold(ctx)?,
            },
            Plan::Project { input, exprs } => Plan::Project {
                input: Box::new(input.fold_constants(ctx)?),
                exprs: exprs
                    .into_iter()
                    .map(|e| e.fold(ctx))
                    .collect::<Result<Vec<_>>>()?,
            },
        })
    }
}

/// One column of a query's result, as RowDescription describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputColumn {
    /// Column name (`?column?` when nothing better is known).
    pub name: String,
    /// Type.
    pub ty: DataType,
    /// Type modifier, -1 if none.
    pub typmod: i32,
    /// OID of the table the column comes straight from, else 0.
    pub table_oid: u32,
    /// Attribute number in that table, else 0.
    pub attnum: i16,
}

/// A bound query: its plan and its result columns.
#[derive(Debug, Clone)]
pub struct BoundQuery {
    /// The plan.
    pub plan: Plan,
    /// The result columns, in order.
    pub columns: Vec<OutputColumn>,
}
