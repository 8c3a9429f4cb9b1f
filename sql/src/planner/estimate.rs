//! Row estimates: how many rows a plan returns and how selective a
//! condition is, by PostgreSQL's rules (clausesel.c, selfuncs.c). A
//! table ANALYZE has seen is sized by the row density it found scaled to
//! its current blocks, and a condition comparing one of its columns with
//! a constant is estimated from the column's statistics: the frequency
//! of a most common value, the rest spread over the other distinct
//! values, ranges from the histogram, IS NULL from the NULL fraction.
//! Without statistics PostgreSQL's defaults hold: a size from the
//! blocks, 1/n for an equality on a unique column, 1/200 for one on any
//! other, a third for a range, 1/200 for a pattern match.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::catalog::TableDef;
use crate::expr::{Expr, ExprKind};
use crate::plan::{JoinKind, Plan};
use crate::statistics::ColumnStats;
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
        if let Some(rows) = table.stats.rows_at((self.blocks)(table)) {
            return rows;
        }
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
                self.rows(input)
                    * self.selectivity_with(predicate, &|c| self.distinct(input, c), &|c| {
                        self.column_stats(input, c)
                    })
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
                    let columns: Option<Vec<usize>> = group.iter().map(column).collect();
                    self.groups(input, columns.as_deref())
                }
            }
            Plan::Distinct { input, on } => {
                let columns = match on {
                    Some(on) => Some(on.clone()),
                    None => input.width().map(|w| (0..w).collect()),
                };
                self.groups(input, columns.as_deref())
            }
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
            Plan::CteScan { input, .. } => self.rows(input),
            Plan::FunctionScan { .. } => FUNCTION_ROWS,
            Plan::Append { inputs, .. } => inputs.iter().map(|p| self.rows(p)).sum(),
            Plan::SetOp { left, .. } => self.rows(left),
        };
        rows.max(1.0)
    }

    /// Groups of `input` by `columns` (None: not all plain columns):
    /// the product of their distinct values when ANALYZE has seen every
    /// one (PostgreSQL's estimate_num_groups), else 200; at most the rows.
    fn groups(&self, input: &Plan, columns: Option<&[usize]>) -> f64 {
        let rows = self.rows(input);
        match columns {
            Some(cols) if cols.iter().all(|&c| self.column_stats(input, c).is_some()) => cols
                .iter()
                .map(|&c| self.distinct(input, c))
                .product::<f64>()
                .min(rows),
            _ => NUM_DISTINCT.min(rows),
        }
    }

    /// The statistics ANALYZE keeps of the table column output column
    /// `col` of `plan` reads, when it reads one unchanged.
    pub fn column_stats(&self, plan: &Plan, col: usize) -> Option<Arc<ColumnStats>> {
        match plan {
            Plan::SeqScan { table, .. } | Plan::IndexScan { table, .. } => {
                let attr = table.live().nth(col)?.0;
                table.stats.column(attr).cloned()
            }
            Plan::Filter { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::LockRows { input, .. }
            | Plan::Gather { input, .. } => self.column_stats(input, col),
            Plan::Permute { input, columns } => self.column_stats(input, *columns.get(col)?),
            Plan::Project { input, exprs } => self.column_stats(input, column(exprs.get(col)?)?),
            Plan::Join {
                left,
                right,
                left_width,
                kind: JoinKind::Inner,
                ..
            } => {
                if col < *left_width {
                    self.column_stats(left, col)
                } else {
                    self.column_stats(right, col - left_width)
                }
            }
            _ => None,
        }
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
                if let Some(s) = attr.and_then(|a| table.stats.column(a)) {
                    let d = s.distinct_values(rows);
                    if d > 0.0 {
                        return d.min(rows);
                    }
                }
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
        self.selectivity_with(cond, distinct, &|_| None)
    }

    /// [`Estimator::selectivity`] with `stats` giving a column's
    /// statistics, when ANALYZE has gathered them.
    pub fn selectivity_with(
        &self,
        cond: &Expr,
        distinct: &dyn Fn(usize) -> f64,
        stats: &dyn Fn(usize) -> Option<Arc<ColumnStats>>,
    ) -> f64 {
        if let Some(s) = from_statistics(cond, distinct, stats) {
            return s.clamp(0.0, 1.0);
        }
        let s = match &cond.kind {
            ExprKind::And(items) => items
                .iter()
                .map(|e| self.selectivity_with(e, distinct, stats))
                .product(),
            ExprKind::Or(items) => {
                1.0 - items
                    .iter()
                    .map(|e| 1.0 - self.selectivity_with(e, distinct, stats))
                    .product::<f64>()
            }
            ExprKind::Not(e) => 1.0 - self.selectivity_with(e, distinct, stats),
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

/// The selectivity of `cond` from the statistics of the column it
/// tests, for the forms selfuncs.c estimates that way: `col op const`
/// (either side) with = <> < <= > >=, `col IN (consts)`, IS [NOT] NULL,
/// a boolean column; None for anything else or a column without
/// statistics.
fn from_statistics(
    cond: &Expr,
    distinct: &dyn Fn(usize) -> f64,
    stats: &dyn Fn(usize) -> Option<Arc<ColumnStats>>,
) -> Option<f64> {
    match &cond.kind {
        ExprKind::IsNull { negated, arg } => {
            let s = stats(column(arg)?)?;
            let nulls = f64::from(s.null_frac);
            Some(if *negated { 1.0 - nulls } else { nulls })
        }
        ExprKind::Column(c) => {
            let s = stats(*c)?;
            Some(equal_sel(&s, &Value::Bool(true), distinct(*c)))
        }
        ExprKind::InList { arg, list, negated } => {
            let c = column(arg)?;
            let s = stats(c)?;
            let mut sel = 0.0;
            for e in list {
                sel += equal_sel(&s, e.0.as_const()?, distinct(c));
            }
            let sel = sel.min(1.0);
            Some(if *negated {
                1.0 - sel - f64::from(s.null_frac)
            } else {
                sel
            })
        }
        ExprKind::Call { def, args } if args.len() == 2 => {
            let (c, value, op) = match (column(&args[0]), column(&args[1])) {
                (Some(c), None) => (c, args[1].as_const()?, def.name),
                (None, Some(c)) => (c, args[0].as_const()?, commute(def.name)?),
                _ => return None,
            };
            let s = stats(c)?;
            if value.is_null() {
                return Some(0.0);
            }
            match op {
                "=" => Some(equal_sel(&s, value, distinct(c))),
                "<>" => Some(1.0 - equal_sel(&s, value, distinct(c)) - f64::from(s.null_frac)),
                "<" | "<=" | ">" | ">=" => Some(range_sel(&s, value, op)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The operator with its operands swapped.
fn commute(op: &str) -> Option<&'static str> {
    Some(match op {
        "=" => "=",
        "<>" => "<>",
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        _ => return None,
    })
}

/// `col = value` (selfuncs.c's var_eq_const): a most common value's
/// frequency, else the rows outside the MCVs and NULLs spread evenly
/// over the other distinct values (never above the least common MCV).
fn equal_sel(s: &ColumnStats, value: &Value, distinct: f64) -> f64 {
    for (v, f) in s.mcv.iter().zip(&s.mcf) {
        if compare(v, value) == Some(Ordering::Equal) {
            return f64::from(*f);
        }
    }
    let common: f64 = s.mcf.iter().map(|&f| f64::from(f)).sum();
    let mut sel = (1.0 - common - f64::from(s.null_frac)).clamp(0.0, 1.0);
    let other = distinct - s.mcv.len() as f64;
    if other > 1.0 {
        sel /= other;
    }
    if let Some(least) = s.mcf.last() {
        sel = sel.min(f64::from(*least));
    }
    sel
}

/// `col op value` for a range operator (scalarineqsel): the MCVs that
/// satisfy it, plus the histogram's fraction below (or above) the value
/// of the rest — half of the rest without a histogram.
fn range_sel(s: &ColumnStats, value: &Value, op: &str) -> f64 {
    let holds = |v: &Value| match compare(v, value) {
        Some(o) => match op {
            "<" => o == Ordering::Less,
            "<=" => o != Ordering::Greater,
            ">" => o == Ordering::Greater,
            _ => o != Ordering::Less,
        },
        None => false,
    };
    let mut mcv_sel = 0.0;
    let mut common = 0.0;
    for (v, f) in s.mcv.iter().zip(&s.mcf) {
        common += f64::from(*f);
        if holds(v) {
            mcv_sel += f64::from(*f);
        }
    }
    let rest = (1.0 - f64::from(s.null_frac) - common).max(0.0);
    let below = histogram_fraction(&s.histogram, value);
    let hist_sel = match (below, op) {
        (Some(b), "<" | "<=") => b,
        (Some(b), _) => 1.0 - b,
        (None, _) => 0.5,
    };
    rest * hist_sel + mcv_sel
}

/// The fraction of the histogram's population below `value`: whole bins
/// below it, and within its bin the linear position for values that are
/// numbers or times (half a bin otherwise). None without a histogram.
fn histogram_fraction(hist: &[Value], value: &Value) -> Option<f64> {
    if hist.len() < 2 {
        return None;
    }
    let bins = (hist.len() - 1) as f64;
    let less = |v: &Value| compare(v, value) == Some(Ordering::Less);
    if !less(&hist[0]) {
        return Some(0.0);
    }
    if less(&hist[hist.len() - 1]) {
        return Some(1.0);
    }
    // The last bound below the value.
    let i = hist.partition_point(less) - 1;
    let within = match (number(&hist[i]), number(&hist[i + 1]), number(value)) {
        (Some(lo), Some(hi), Some(v)) if hi > lo => ((v - lo) / (hi - lo)).clamp(0.0, 1.0),
        _ => 0.5,
    };
    Some((i as f64 + within) / bins)
}

/// A column's value against a constant, which may be of another numeric
/// type (`int4_col = 1::int8`, `numeric_col < 5`).
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    a.compare(b).or_else(|| number(a)?.partial_cmp(&number(b)?))
}

/// A value as a number on its type's scale, for interpolation.
fn number(v: &Value) -> Option<f64> {
    Some(match v {
        Value::Int2(i) => f64::from(*i),
        Value::Int4(i) => f64::from(*i),
        Value::Int8(i) => *i as f64,
        Value::Float4(f) => f64::from(*f),
        Value::Float8(f) => *f,
        Value::Oid(o) => f64::from(*o),
        Value::Date(d) => f64::from(*d),
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => *t as f64,
        Value::Numeric(_) => v
            .to_text(&crate::value::OutputStyle::default())?
            .parse()
            .ok()?,
        _ => return None,
    })
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
