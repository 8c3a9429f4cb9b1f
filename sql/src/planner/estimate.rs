//! Row estimates: how many rows a plan returns and how selective a
//! condition is, by PostgreSQL's rules for relations without statistics
//! (clausesel.c and selfuncs.c's defaults): a table's size from its
//! blocks, 1/n for an equality on a unique column, 1/200 for one on any
//! other, a third for a range, 1/200 for a pattern match.

use crate::catalog::TableDef;
use crate::expr::{Expr, ExprKind};
use crate::plan::{JoinKind, Plan};
use crate::value::Value;

/// PostgreSQL's DEFAULT_EQ_SEL.
const EQ_SEL: f64 = 0.005;
/// DEFAULT_INEQ_SEL.
const INEQ_SEL: f64 = 1.0 / 3.0;
/// DEFAULT_MATCH_SEL (LIKE, regular expressions).
const MATCH_SEL: f64 = 0.005;
/// DEFAULT_NUM_DISTINCT.
const NUM_DISTINCT: f64 = 200.0;
/// A set-returning function's rows (prorows).
const FUNCTION_ROWS: f64 = 1000.0;

/// Estimates rows from the sizes of tables.
pub(crate) struct Estimator<'a> {
    /// A table's size in blocks.
    pub blocks: &'a dyn Fn(&TableDef) -> u32,
}

impl Estimator<'_> {
    /// A table's rows: its blocks (at least 10, as PostgreSQL assumes of a
    /// table never vacuumed) times the tuples of its width a block holds.
    pub fn table_rows(&self, table: &TableDef) -> f64 {
        let width: usize = table.live().map(|(_, c)| type_width(c.ty)).sum();
        // Page header, and per tuple its header and line pointer.
        let per_block = (8192.0 - 24.0) / (width as f64 + 28.0);
        f64::from((self.blocks)(table).max(10)) * per_block.floor().max(1.0)
    }

    /// Rows `plan` returns.
    pub fn rows(&self, plan: &Plan) -> f64 {
        let rows = match plan {
            Plan::OneRow => 1.0,
            Plan::SystemView(v) => system_rows(v.name()),
            Plan::SeqScan { table, .. } | Plan::IndexScan { table, .. } => self.table_rows(table),
            Plan::Filter { input, predicate } => {
                self.rows(input) * self.selectivity(predicate, &|c| self.distinct(input, c))
            }
            Plan::Project { input, .. }
            | Plan::Permute { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Window { input, .. }
            | Plan::ProjectSet { input, .. }
            | Plan::Gather { input, .. } => self.rows(input),
            Plan::Values(rows) => rows.len() as f64,
            Plan::Join {
                left,
                right,
                kind,
                keys,
                on,
                left_width,
                ..
            } => {
                let (l, r) = (self.rows(left), self.rows(right));
                let lw = *left_width;
                let distinct = |c: usize| {
                    if c < lw {
                        self.distinct(left, c)
                    } else {
                        self.distinct(right, c - lw)
                    }
                };
                let mut sel: f64 = keys
                    .iter()
                    .map(|(a, b, _)| {
                        let da = column(a).map_or(NUM_DISTINCT.min(l), |c| self.distinct(left, c));
                        let db = column(b).map_or(NUM_DISTINCT.min(r), |c| self.distinct(right, c));
                        1.0 / da.max(db).max(1.0)
                    })
                    .product();
                if let Some(on) = on {
                    sel *= self.selectivity(on, &distinct);
                }
                let inner = l * r * sel;
                match kind {
                    JoinKind::Inner => inner,
                    JoinKind::Left => inner.max(l),
                    JoinKind::Right => inner.max(r),
                    JoinKind::Full => inner.max(l).max(r),
                    JoinKind::Semi => inner.min(l * 0.5),
                    JoinKind::Anti => l * 0.5,
                }
            }
            Plan::Lateral { left, right, .. } => self.rows(left) * self.rows(right),
            Plan::Aggregate { input, group, .. } => {
                if group.is_empty() {
                    1.0
                } else {
                    NUM_DISTINCT.min(self.rows(input))
                }
            }
            Plan::Distinct { input, .. } => NUM_DISTINCT.min(self.rows(input)),
            Plan::LockRows { input, .. } => self.rows(input),
            Plan::Limit { input, limit, .. } => {
                let all = self.rows(input);
                match limit.as_ref().and_then(Expr::as_const) {
                    Some(Value::Int8(n)) => all.min(*n as f64),
                    _ => all,
                }
            }
            Plan::RecursiveUnion { base, .. } => self.rows(base) * 10.0,
            Plan::WorkTable(_) => 100.0,
            Plan::FunctionScan { .. } => FUNCTION_ROWS,
            Plan::Append { inputs, .. } => inputs.iter().map(|p| self.rows(p)).sum(),
            Plan::SetOp { left, .. } => self.rows(left),
        };
        rows.max(1.0)
    }

    /// Distinct values of output column `col` of `plan`: the rows for a
    /// column no two rows share (a unique index's only column, a catalog's
    /// oid, a lone grouping column), else PostgreSQL's 200 (at most the
    /// rows).
    pub fn distinct(&self, plan: &Plan, col: usize) -> f64 {
        let rows = self.rows(plan);
        let unique = match plan {
            Plan::SeqScan { table, .. } | Plan::IndexScan { table, .. } => {
                let attr = table.live().nth(col).map(|(i, _)| i);
                return match attr {
                    Some(a)
                        if table
                            .indexes
                            .iter()
                            .any(|ix| ix.unique && ix.plain_columns() == Some(&[a][..])) =>
                    {
                        rows
                    }
                    _ => NUM_DISTINCT.min(rows),
                };
            }
            Plan::SystemView(v) => v.columns().get(col).is_some_and(|(n, _)| *n == "oid"),
            Plan::Filter { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::LockRows { input, .. }
            | Plan::Gather { input, .. } => return self.distinct(input, col).min(rows),
            Plan::Permute { input, columns } => {
                return match columns.get(col) {
                    Some(&c) => self.distinct(input, c).min(rows),
                    None => NUM_DISTINCT.min(rows),
                };
            }
            Plan::Project { input, exprs } => {
                return match exprs.get(col).and_then(column) {
                    Some(c) => self.distinct(input, c).min(rows),
                    None => NUM_DISTINCT.min(rows),
                };
            }
            Plan::Join {
                left,
                right,
                left_width,
                kind: JoinKind::Inner,
                ..
            } => {
                let d = if col < *left_width {
                    self.distinct(left, col)
                } else {
                    self.distinct(right, col - left_width)
                };
                return d.min(rows);
            }
            Plan::Aggregate { group, .. } => group.len() == 1 && col == 0,
            _ => false,
        };
        if unique {
            rows
        } else {
            NUM_DISTINCT.min(rows)
        }
    }

    /// The fraction of rows `cond` keeps, with `distinct` telling the
    /// distinct values of a column of the row it reads.
    pub fn selectivity(&self, cond: &Expr, distinct: &dyn Fn(usize) -> f64) -> f64 {
        let s = match &cond.kind {
            ExprKind::And(items) => items
                .iter()
                .map(|e| self.selectivity(e, distinct))
                .product(),
            ExprKind::Or(items) => {
                1.0 - items
                    .iter()
                    .map(|e| 1.0 - self.selectivity(e, distinct))
                    .product::<f64>()
            }
            ExprKind::Not(e) => 1.0 - self.selectivity(e, distinct),
            ExprKind::Const(Value::Bool(true)) => 1.0,
            ExprKind::Const(_) => 0.0,
            ExprKind::IsNull { negated, .. } => {
                if *negated {
                    1.0 - EQ_SEL
                } else {
                    EQ_SEL
                }
            }
            ExprKind::Call { def, args } if args.len() == 2 => {
                let eq = || {
                    let d = |e: &Expr| column(e).map_or(NUM_DISTINCT, distinct);
                    1.0 / d(&args[0]).max(d(&args[1])).max(1.0)
                };
                match def.name {
                    "=" => eq(),
                    "<>" => 1.0 - eq(),
                    "<" | "<=" | ">" | ">=" => INEQ_SEL,
                    name if name.contains('~') || name.contains("like") => MATCH_SEL,
                    _ => INEQ_SEL,
                }
            }
            ExprKind::InList { arg, list, negated } => {
                let one = 1.0 / column(arg).map_or(NUM_DISTINCT, distinct).max(1.0);
                let s = (one * list.len() as f64).min(1.0);
                if *negated {
                    1.0 - s
                } else {
                    s
                }
            }
            ExprKind::ArrayOp { .. } => (EQ_SEL * 10.0).min(1.0),
            ExprKind::Column(_) | ExprKind::SubLink(_) => 0.5,
            _ => INEQ_SEL,
        };
        s.clamp(0.0, 1.0)
    }
}

/// The input column a bare column reference reads.
pub(crate) fn column(e: &Expr) -> Option<usize> {
    match e.kind {
        ExprKind::Column(c) => Some(c),
        _ => None,
    }
}

/// A value's average stored width, as PostgreSQL's get_typavgwidth
/// guesses it for variable-length types (32).
fn type_width(ty: crate::types::DataType) -> usize {
    use crate::types::DataType::*;
    match ty {
        Bool => 1,
        Int2 => 2,
        Int4 | Float4 | Date | Oid => 4,
        Int8 | Float8 | Time | Timestamp | TimestampTz => 8,
        Uuid => 16,
        _ => 32,
    }
}

/// Rows of a catalog relation computed at scan time: a few for the
/// small ones, PostgreSQL's defaults otherwise.
fn system_rows(name: &str) -> f64 {
    match name {
        "pg_namespace" | "pg_am" | "pg_database" | "pg_tablespace" | "pg_authid" | "pg_roles"
        | "pg_user" | "pg_extension" | "pg_language" => 10.0,
        "pg_class" | "pg_type" | "pg_index" | "pg_constraint" | "pg_attrdef" | "pg_description" => {
            500.0
        }
        "pg_attribute" | "pg_proc" | "pg_depend" | "pg_operator" | "pg_settings" => 3000.0,
        _ => FUNCTION_ROWS,
    }
}
