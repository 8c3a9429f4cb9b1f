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
        /// Only the first `n` output columns are read above (the rest are
        /// NULL, never decoded); None: all. Set by [`Plan::prune_columns`].
        needed: Option<usize>,
    },
    /// The visible rows of a stored table whose index keys meet `cond`
    /// (a Filter above rechecks the whole WHERE); same output as SeqScan.
    IndexScan {
        /// The table.
        table: std::sync::Arc<crate::catalog::TableDef>,
        /// Append the tuple id.
        with_tid: bool,
        /// As SeqScan's.
        needed: Option<usize>,
        /// The index read.
        index: Box<crate::catalog::IndexDef>,
        /// The key range.
        cond: Box<IndexCond>,
    },
    /// A table scan (a SeqScan, or a Filter right over one) read by
    /// parallel workers and this backend together, a chunk of blocks at a
    /// time, its rows returned in the order a serial scan returns them
    /// (PostgreSQL's Gather over a Parallel Seq Scan).
    Gather {
        /// The scan.
        input: Box<Plan>,
        /// Workers planned (max_parallel_workers_per_gather and the
        /// table's size).
        workers: usize,
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
    /// Rows given in the query (VALUES).
    Values(Vec<Vec<Expr>>),
    /// Joins two inputs: output rows are left columns then right columns.
    Join {
        /// Outer side.
        left: Box<Plan>,
        /// Inner side.
        right: Box<Plan>,
        /// Inner, left, right or full.
        kind: JoinKind,
        /// Equality keys (left expression, right expression, `=`): run as
        /// a hash join when there are any.
        keys: Vec<(Expr, Expr, &'static crate::func::FuncDef)>,
        /// The rest of the join condition, over the joined row.
        on: Option<Expr>,
        /// Columns of the right input (for NULL padding).
        right_width: usize,
        /// Columns of the left input.
        left_width: usize,
        /// With keys: sort both sides on them and merge, instead of
        /// hashing (chosen when hash joins are disabled).
        merge: bool,
    },
    /// A join whose right side reads the left row (LATERAL): the right
    /// plan runs again for each left row, with that row as the outer row.
    Lateral {
        /// Outer side.
        left: Box<Plan>,
        /// Inner side, correlated to the left row.
        right: Box<Plan>,
        /// LEFT JOIN (else inner).
        left_join: bool,
        /// Join condition over the joined row.
        on: Option<Expr>,
        /// Columns of the right side (for NULL padding).
        right_width: usize,
    },
    /// Groups the input by `group` and computes `aggs` per group: output
    /// rows are the group values then the aggregate values. Without
    /// group expressions there is exactly one output row.
    Aggregate {
        /// Input rows.
        input: Box<Plan>,
        /// GROUP BY expressions.
        group: Vec<Expr>,
        /// Aggregate calls.
        aggs: Vec<AggCall>,
        /// GROUPING SETS / ROLLUP / CUBE: the sets, as indexes into
        /// `group` (a group column outside a row's set is NULL); None for
        /// a plain GROUP BY.
        sets: Option<Vec<Vec<usize>>>,
    },
    /// Sorts by the given output columns.
    Sort {
        /// Input rows.
        input: Box<Plan>,
        /// Sort keys, most significant first.
        keys: Vec<SortKey>,
    },
    /// LIMIT / OFFSET (constant or parameter expressions).
    Limit {
        /// Input rows.
        input: Box<Plan>,
        /// Rows to return, None for all.
        limit: Option<Expr>,
        /// Rows to skip first.
        offset: Option<Expr>,
    },
    /// Removes duplicate rows (NULLs equal), or with `on`, keeps the first
    /// row of each run of equal `on` columns (DISTINCT ON after a sort).
    Distinct {
        /// Input rows.
        input: Box<Plan>,
        /// DISTINCT ON columns; None: the whole row.
        on: Option<Vec<usize>>,
    },
    /// WITH RECURSIVE: `base` rows, then `step` run again and again over
    /// the rows the previous round produced (the work table `id`) until
    /// a round produces none.
    RecursiveUnion {
        /// Work table id.
        id: usize,
        /// The non-recursive term.
        base: Box<Plan>,
        /// The recursive term (reads WorkTable(id)).
        step: Box<Plan>,
        /// UNION ALL (else duplicates are dropped).
        all: bool,
    },
    /// The rows of the current round of a recursive CTE.
    WorkTable(usize),
    /// A set-returning function in FROM (generate_series).
    FunctionScan {
        /// The function.
        func: Srf,
        /// Its arguments (constant for the statement, or outer references).
        args: Vec<Expr>,
    },
    /// Like Project, but the `srfs` items return sets: each input row
    /// gives as many rows as the longest set, others padded with NULL
    /// (PostgreSQL's ProjectSet).
    ProjectSet {
        /// Input rows.
        input: Box<Plan>,
        /// One item per output column.
        items: Vec<ProjectItem>,
    },
    /// Window functions: output rows are the input row then one value
    /// per call.
    Window {
        /// Input rows.
        input: Box<Plan>,
        /// The calls.
        calls: Vec<WindowCall>,
    },
    /// The rows of every input in turn (UNION ALL; a UNION is a Distinct
    /// above one). A chain `a UNION ALL b UNION ALL c ...` is one Append
    /// with many inputs, as PostgreSQL flattens it.
    Append {
        /// The inputs, in order.
        inputs: Vec<Plan>,
    },
    /// INTERSECT / EXCEPT.
    SetOp {
        /// Left input.
        left: Box<Plan>,
        /// Right input.
        right: Box<Plan>,
        /// Which operation.
        op: SetOpKind,
        /// ALL (keep duplicates).
        all: bool,
    },
}

/// A window function call.
#[derive(Debug, Clone)]
pub struct WindowCall {
    /// Which function.
    pub func: WindowFunc,
    /// Arguments over the input row.
    pub args: Vec<Expr>,
    /// PARTITION BY expressions.
    pub partition: Vec<Expr>,
    /// ORDER BY expressions with (DESC, NULLS FIRST).
    pub order: Vec<(Expr, bool, bool)>,
    /// The frame.
    pub frame: Frame,
}

/// The window functions.
#[derive(Debug, Clone)]
pub enum WindowFunc {
    /// row_number().
    RowNumber,
    /// rank().
    Rank,
    /// dense_rank().
    DenseRank,
    /// percent_rank().
    PercentRank,
    /// cume_dist().
    CumeDist,
    /// ntile(n).
    Ntile,
    /// lag(value [, offset [, default]]).
    Lag,
    /// lead(value [, offset [, default]]).
    Lead,
    /// first_value(value).
    FirstValue,
    /// last_value(value).
    LastValue,
    /// An aggregate over the frame.
    Agg(AggCall),
}

/// A window frame: ROWS, RANGE or GROUPS between two bounds.
#[derive(Debug, Clone)]
pub struct Frame {
    /// What the bounds count.
    pub units: FrameUnits,
    /// Start.
    pub start: FrameBound,
    /// End.
    pub end: FrameBound,
}

/// The units of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameUnits {
    /// Rows.
    Rows,
    /// Values of the one ORDER BY key (CURRENT ROW: the peers).
    Range,
    /// Peer groups.
    Groups,
}

/// A frame bound.
#[derive(Debug, Clone)]
pub enum FrameBound {
    /// UNBOUNDED PRECEDING.
    UnboundedPreceding,
    /// n PRECEDING (ROWS, GROUPS).
    Preceding(u64),
    /// CURRENT ROW.
    CurrentRow,
    /// n FOLLOWING (ROWS, GROUPS).
    Following(u64),
    /// UNBOUNDED FOLLOWING.
    UnboundedFollowing,
    /// offset PRECEDING (RANGE): keys from the current key minus it.
    ValuePreceding(Box<RangeOffset>),
    /// offset FOLLOWING (RANGE): keys up to the current key plus it.
    ValueFollowing(Box<RangeOffset>),
}

/// A RANGE frame's offset and how it moves the ORDER BY key.
#[derive(Debug, Clone)]
pub struct RangeOffset {
    /// The offset (non-negative).
    pub offset: crate::value::Value,
    /// key + offset.
    pub add: &'static crate::func::FuncDef,
    /// key - offset.
    pub sub: &'static crate::func::FuncDef,
}

/// Set-returning functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Srf {
    /// generate_series(start, stop[, step]) over int4, int8 or numeric
    /// (all arguments of the node's type).
    GenerateSeries(DataType),
    /// generate_series(timestamp[tz], timestamp[tz], interval).
    GenerateTimestamps(DataType),
    /// unnest(array): its elements in order (also regexp_split_to_table,
    /// which unnests regexp_split_to_array).
    Unnest(&'static str),
    /// pg_options_to_table(text[]): `name=value` options as
    /// (option_name, option_value) rows.
    OptionsToTable,
}

impl Srf {
    /// The function's name, as EXPLAIN prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Srf::GenerateSeries(_) | Srf::GenerateTimestamps(_) => "generate_series",
            Srf::Unnest(name) => name,
            Srf::OptionsToTable => "pg_options_to_table",
        }
    }

    /// Column names and types of its rows, for a call whose single
    /// column has type `ty`.
    pub fn columns(&self, ty: DataType) -> Vec<(&'static str, DataType)> {
        match self {
            Srf::OptionsToTable => vec![
                ("option_name", DataType::Text),
                ("option_value", DataType::Text),
            ],
            _ => vec![("", ty)],
        }
    }
}

/// One select-list item of a ProjectSet.
#[derive(Debug, Clone)]
pub enum ProjectItem {
    /// An ordinary expression, repeated on every row of the set.
    Scalar(Expr),
    /// A set-returning call.
    Set(Srf, Vec<Expr>),
}

/// The join kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// Inner (and cross) join.
    Inner,
    /// Left outer join.
    Left,
    /// Right outer join.
    Right,
    /// Full outer join.
    Full,
}

/// Set operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOpKind {
    /// UNION.
    Union,
    /// INTERSECT.
    Intersect,
    /// EXCEPT.
    Except,
}

/// One ORDER BY key over a plan's output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    /// Output column.
    pub column: usize,
    /// DESC.
    pub desc: bool,
    /// NULLS FIRST (default: only for DESC).
    pub nulls_first: bool,
}

/// An aggregate call in an Aggregate node.
#[derive(Debug, Clone)]
pub struct AggCall {
    /// Which aggregate.
    pub func: AggFunc,
    /// Arguments, over the Aggregate node's input row, already coerced
    /// to the transition type.
    pub args: Vec<Expr>,
    /// agg(DISTINCT ...).
    pub distinct: bool,
    /// FILTER (WHERE ...).
    pub filter: Option<Expr>,
    /// agg(... ORDER BY ...): the sort keys, whose expressions are the
    /// last `order.len()` of `args` (key columns count from there).
    pub order: Vec<SortKey>,
}

impl AggCall {
    /// The aggregate's own arguments (without ORDER BY expressions).
    pub fn real_args(&self) -> &[Expr] {
        &self.args[..self.args.len() - self.order.len()]
    }
}

/// The aggregates.
#[derive(Debug, Clone)]
pub enum AggFunc {
    /// count(*).
    CountStar,
    /// count(x): non-NULL inputs.
    Count,
    /// sum: inputs added with `add` (of the result type).
    Sum {
        /// `+` of the result type.
        add: &'static crate::func::FuncDef,
    },
    /// avg: sum with `add`, then `div`(sum, count as `div`'s right type).
    Avg {
        /// `+` of the sum type.
        add: &'static crate::func::FuncDef,
        /// `/` giving the result.
        div: &'static crate::func::FuncDef,
        /// Type the count is cast to for `div`.
        count_ty: DataType,
    },
    /// min / max: keeps the value for which `better`(new, kept) is true.
    MinMax {
        /// `<` for min, `>` for max.
        better: &'static crate::func::FuncDef,
    },
    /// bool_and / every.
    BoolAnd,
    /// bool_or.
    BoolOr,
    /// string_agg(text, delimiter).
    StringAgg,
    /// array_agg(value): NULLs included.
    ArrayAgg,
    /// GROUPING(args): a bit per argument (the group columns `cols`), set
    /// when the row's grouping set leaves that column out.
    Grouping {
        /// The group column of each argument.
        cols: Vec<usize>,
    },
}

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
            } => Plan::Limit {
                input: Box::new(input.fold_constants(ctx)?),
                limit,
                offset,
            },
            Plan::Distinct { input, on } => Plan::Distinct {
                input: Box::new(input.fold_constants(ctx)?),
                on,
            },
            Plan::Append { inputs } => Plan::Append {
                inputs: inputs
                    .into_iter()
                    .map(|p| p.fold_constants(ctx))
                    .collect::<Result<_>>()?,
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

impl Plan {
    /// Tells each table scan how many leading columns the nodes above it
    /// read, so it decodes no more (`count(*)` decodes none). `needed` is
    /// the highest output column read from this node (None: none,
    /// `usize::MAX`: all).
    pub fn prune_columns(&mut self, needed: Option<usize>) {
        const ALL: Option<usize> = Some(usize::MAX);
        let max = |a: Option<usize>, b: Option<usize>| match (a, b) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, None) => x,
            (None, y) => y,
        };
        let of = |exprs: &mut dyn Iterator<Item = &Expr>| {
            exprs.fold(None, |m, e| max(m, e.max_column()))
        };
        match self {
            Plan::SeqScan {
                needed: n,
                with_tid,
                ..
            }
            | Plan::IndexScan {
                needed: n,
                with_tid,
                ..
            } => {
                *n = match needed {
                    _ if *with_tid => None,
                    Some(usize::MAX) => None,
                    Some(k) => Some(k + 1),
                    None => Some(0),
                }
            }
            Plan::Filter { input, predicate } => {
                let n = max(needed, predicate.max_column());
                input.prune_columns(n);
            }
            Plan::Project { input, exprs } => {
                let n = of(&mut exprs.iter());
                input.prune_columns(n);
            }
            Plan::Aggregate {
                input, group, aggs, ..
            } => {
                let mut n = of(&mut group.iter());
                for a in aggs.iter() {
                    n = max(n, of(&mut a.args.iter()));
                    n = max(n, a.filter.as_ref().and_then(Expr::max_column));
                }
                input.prune_columns(n);
            }
            Plan::Sort { input, keys } => {
                let n = keys.iter().fold(needed, |m, k| max(m, Some(k.column)));
                input.prune_columns(n);
            }
            Plan::Limit { input, .. } | Plan::Gather { input, .. } => input.prune_columns(needed),
            Plan::Join {
                left,
                right,
                keys,
                on,
                left_width,
                ..
            } => {
                let lw = *left_width;
                let on_max = on.as_ref().and_then(Expr::max_column);
                let all = needed == ALL || on_max == ALL;
                let (mut l, mut r) = if all {
                    (ALL, ALL)
                } else {
                    let top = max(needed, on_max);
                    match top {
                        None => (None, None),
                        Some(t) if t < lw => (Some(t), None),
                        Some(t) => (Some(lw.saturating_sub(1)), Some(t - lw)),
                    }
                };
                if lw == 0 {
                    l = None;
                }
                for (lk, rk, _) in keys.iter() {
                    l = max(l, lk.max_column());
                    r = max(r, rk.max_column());
                }
                left.prune_columns(l);
                right.prune_columns(r);
            }
            Plan::OneRow | Plan::SystemView(_) | Plan::Values(_) => {}
            Plan::Distinct { input, .. } => input.prune_columns(ALL),
            Plan::Window { input, .. } | Plan::ProjectSet { input, .. } => input.prune_columns(ALL),
            Plan::SetOp { left, right, .. } | Plan::Lateral { left, right, .. } => {
                left.prune_columns(ALL);
                right.prune_columns(ALL);
            }
            Plan::Append { inputs } => {
                for input in inputs {
                    input.prune_columns(ALL);
                }
            }
            Plan::RecursiveUnion { base, step, .. } => {
                base.prune_columns(ALL);
                step.prune_columns(ALL);
            }
            Plan::WorkTable(_) | Plan::FunctionScan { .. } => {}
        }
    }
}

impl Plan {
    /// Picks join methods as the enable_hashjoin / enable_mergejoin
    /// settings ask: with hash joins off, joins on equalities of columns
    /// become merge joins over two sorts (others, or all with merge joins
    /// off too, nested loops; a FULL join stays a hash join, as PostgreSQL
    /// cannot run it as a nested loop).
    pub fn choose_joins(&mut self, hash: bool, merge: bool) {
        if hash {
            return;
        }
        match self {
            Plan::Join {
                left,
                right,
                kind,
                keys,
                on,
                left_width,
                merge: use_merge,
                ..
            } if !keys.is_empty() => {
                left.choose_joins(hash, merge);
                right.choose_joins(hash, merge);
                // A merge join reads both sides sorted on their key
                // columns, by Sort nodes (which spill past work_mem).
                let columns = |side: usize| -> Option<Vec<SortKey>> {
                    keys.iter()
                        .map(|k| match (if side == 0 { &k.0 } else { &k.1 }).kind {
                            crate::expr::ExprKind::Column(column) => Some(SortKey {
                                column,
                                desc: false,
                                nulls_first: false,
                            }),
                            _ => None,
                        })
                        .collect()
                };
                let sortable = match (columns(0), columns(1)) {
                    (Some(l), Some(r)) => Some((l, r)),
                    _ => None,
                };
                if let (true, Some((lk, rk))) = (merge, sortable) {
                    *use_merge = true;
                    let l = std::mem::replace(&mut **left, Plan::OneRow);
                    **left = Plan::Sort {
                        input: Box::new(l),
                        keys: lk,
                    };
                    let r = std::mem::replace(&mut **right, Plan::OneRow);
                    **right = Plan::Sort {
                        input: Box::new(r),
                        keys: rk,
                    };
                } else if *kind != JoinKind::Full {
                    // The keys become ordinary conditions over the joined row.
                    let mut conds: Vec<Expr> = std::mem::take(keys)
                        .into_iter()
                        .map(|(l, r, eq)| Expr {
                            kind: crate::expr::ExprKind::Call {
                                def: eq,
                                args: vec![l, shift_columns(r, *left_width as isize)],
                            },
                            ty: DataType::Bool,
                            typmod: -1,
                            pos: None,
                        })
                        .collect();
                    conds.extend(on.take());
                    *on = Some(Expr {
                        kind: crate::expr::ExprKind::And(conds),
                        ty: DataType::Bool,
                        typmod: -1,
                        pos: None,
                    });
                }
            }
            other => {
                for c in other.children_mut() {
                    c.choose_joins(hash, merge);
                }
            }
        }
    }

    /// Reads a table through an index where its WHERE clause bounds the
    /// index's leading columns by values known when the scan starts
    /// (constants, parameters, outer references): equalities on a prefix
    /// of the key columns, then at most a range on the next one. The
    /// Filter stays above to recheck. Without a cost model the index is
    /// used whenever it applies, the one bounding the most columns first,
    /// except on a table of one page, which PostgreSQL's costs always
    /// read sequentially (`blocks` tells a table's size).
    pub fn choose_index_scans(&mut self, blocks: &dyn Fn(&crate::catalog::TableDef) -> u32) {
        if let Plan::Limit { input, .. } = self {
            // ORDER BY ... LIMIT: an index in the sort's order replaces
            // the sort (the rows needed are read first).
            let sort = match &mut **input {
                Plan::Project { input: inner, .. } if matches!(**inner, Plan::Sort { .. }) => inner,
                other => other,
            };
            sort.sort_by_index(blocks);
        }
        if let Plan::Filter { input, predicate } = self {
            if let Plan::SeqScan {
                table,
                with_tid,
                needed,
            } = &**input
            {
                if blocks(table) < 2 {
                    return;
                }
                let conjuncts = conjuncts(predicate);
                let best = table
                    .indexes
                    .iter()
                    .filter_map(|ix| IndexCond::find(table, ix, &conjuncts).map(|c| (ix, c)))
                    .max_by_key(|(_, c)| {
                        (
                            c.eq.len(),
                            c.lower.is_some() || c.upper.is_some() || !c.any.is_empty(),
                        )
                    });
                if let Some((ix, cond)) = best {
                    **input = Plan::IndexScan {
                        table: std::sync::Arc::clone(table),
                        with_tid: *with_tid,
                        needed: *needed,
                        index: Box::new(ix.clone()),
                        cond: Box::new(cond),
                    };
                }
                return;
            }
        }
        for c in self.children_mut() {
            c.choose_index_scans(blocks);
        }
    }

    /// A Sort over a projection of one table's scan, on keys that are the
    /// leading columns of one of its indexes, all ascending NULLS LAST or
    /// all descending NULLS FIRST, becomes that projection over an index
    /// scan in key order, forward or backward (within the WHERE clause's
    /// key range, if it gives one).
    fn sort_by_index(&mut self, blocks: &dyn Fn(&crate::catalog::TableDef) -> u32) {
        let Plan::Sort { input, keys } = self else {
            return;
        };
        // All ascending NULLS LAST is the index order; all descending
        // NULLS FIRST is the same order read backward.
        let backward = if keys.iter().all(|k| !k.desc && !k.nulls_first) {
            false
        } else if keys.iter().all(|k| k.desc && k.nulls_first) {
            true
        } else {
            return;
        };
        let Plan::Project {
            input: below,
            exprs,
        } = &mut **input
        else {
            return;
        };
        let (scan, predicate) = match &mut **below {
            Plan::Filter { input, predicate } => (&mut **input, Some(&*predicate)),
            other => (other, None),
        };
        let Plan::SeqScan {
            table,
            with_tid,
            needed,
        } = scan
        else {
            return;
        };
        if blocks(table) < 2 {
            return;
        }
        let live: Vec<usize> = table.live().map(|(i, _)| i).collect();
        let attrs: Option<Vec<usize>> = keys
            .iter()
            .map(|k| match exprs.get(k.column)?.kind {
                crate::expr::ExprKind::Column(c) => live.get(c).copied(),
                _ => None,
            })
            .collect();
        let Some(attrs) = attrs else { return };
        let ordered = |a: &usize| table.columns.get(*a).is_some_and(|c| index_scannable(c.ty));
        let Some(ix) = table
            .indexes
            .iter()
            .find(|ix| ix.columns.starts_with(&attrs) && attrs.iter().all(ordered))
        else {
            return;
        };
        let conjuncts = predicate.map(conjuncts).unwrap_or_default();
        let mut cond = IndexCond::find(table, ix, &conjuncts).unwrap_or_default();
        cond.backward = backward;
        *scan = Plan::IndexScan {
            table: std::sync::Arc::clone(table),
            with_tid: *with_tid,
            needed: *needed,
            index: Box::new(ix.clone()),
            cond: Box::new(cond),
        };
        let unsorted = std::mem::replace(&mut **input, Plan::OneRow);
        *self = unsorted;
    }

    /// Reads tables of at least `min_blocks` blocks with parallel workers:
    /// each SeqScan, with the Filter right above it when that filter is
    /// parallel safe, goes under a Gather planning one worker, one more
    /// each time the table is three times larger, at most `max_workers`
    /// (PostgreSQL's compute_parallel_worker). Scans that run again for
    /// each outer row (the right side of a LATERAL join, a recursive
    /// step) and scans for UPDATE or DELETE (`with_tid`) stay serial. A
    /// scan without a filter is parallel only right under an aggregate
    /// (which the workers then compute in part): otherwise every row
    /// would cross from a worker to the leader for nothing, and
    /// PostgreSQL's costs (parallel_tuple_cost) keep such a scan serial
    /// too.
    pub fn choose_parallel(
        &mut self,
        blocks: &dyn Fn(&crate::catalog::TableDef) -> u32,
        max_workers: usize,
        min_blocks: u32,
    ) {
        if max_workers > 0 {
            self.parallelize(blocks, max_workers, min_blocks, false);
        }
    }

    fn parallelize(
        &mut self,
        blocks: &dyn Fn(&crate::catalog::TableDef) -> u32,
        max_workers: usize,
        min_blocks: u32,
        under_aggregate: bool,
    ) {
        let scan = match &*self {
            Plan::SeqScan {
                table, with_tid, ..
            } if under_aggregate => Some((table, *with_tid, None)),
            Plan::SeqScan { .. } => return,
            Plan::Filter { input, predicate } => match &**input {
                Plan::SeqScan {
                    table, with_tid, ..
                } => Some((table, *with_tid, Some(predicate))),
                _ => None,
            },
            _ => None,
        };
        if let Some((table, with_tid, predicate)) = scan {
            if with_tid || !predicate.is_none_or(Expr::parallel_safe) {
                return;
            }
            let workers = parallel_workers(blocks(table), min_blocks, max_workers);
            if workers > 0 {
                let scan = std::mem::replace(self, Plan::OneRow);
                *self = Plan::Gather {
                    input: Box::new(scan),
                    workers,
                };
            }
            return;
        }
        match self {
            Plan::Lateral { left, .. } => left.parallelize(blocks, max_workers, min_blocks, false),
            Plan::RecursiveUnion { base, .. } => {
                base.parallelize(blocks, max_workers, min_blocks, false)
            }
            Plan::Aggregate { input, .. } => {
                input.parallelize(blocks, max_workers, min_blocks, true)
            }
            other => {
                for c in other.children_mut() {
                    c.parallelize(blocks, max_workers, min_blocks, false);
                }
            }
        }
    }

    /// The plan's direct inputs.
    fn children_mut(&mut self) -> Vec<&mut Plan> {
        match self {
            Plan::Join { left, right, .. }
            | Plan::Lateral { left, right, .. }
            | Plan::SetOp { left, right, .. } => vec![&mut **left, &mut **right],
            Plan::RecursiveUnion { base, step, .. } => vec![&mut **base, &mut **step],
            Plan::Append { inputs } => inputs.iter_mut().collect(),
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Window { input, .. }
            | Plan::ProjectSet { input, .. }
            | Plan::Gather { input, .. } => vec![&mut **input],
            Plan::OneRow
            | Plan::SystemView(_)
            | Plan::SeqScan { .. }
            | Plan::IndexScan { .. }
            | Plan::Values(_)
            | Plan::WorkTable(_)
            | Plan::FunctionScan { .. } => Vec::new(),
        }
    }
}

/// Workers for a parallel scan of `blocks` blocks: none below
/// `min_blocks`, then one, and one more each time the table is three
/// times larger, at most `max` (PostgreSQL's compute_parallel_worker).
pub fn parallel_workers(blocks: u32, min_blocks: u32, max: usize) -> usize {
    let min_blocks = min_blocks.max(1);
    if blocks < min_blocks {
        return 0;
    }
    let (mut workers, mut threshold) = (1usize, u64::from(min_blocks));
    while u64::from(blocks) >= threshold * 3 && workers < max {
        workers += 1;
        threshold *= 3;
    }
    workers.min(max)
}

/// The key range of an index scan: values for the leading key columns,
/// then bounds on the next one (the default: the whole index).
#[derive(Debug, Clone, Default)]
pub struct IndexCond {
    /// Values the first `eq.len()` key columns equal.
    pub eq: Vec<Expr>,
    /// Lower bound of the next key column (value, inclusive).
    pub lower: Option<(Expr, bool)>,
    /// Upper bound of the next key column (value, inclusive).
    pub upper: Option<(Expr, bool)>,
    /// Values the next key column may equal (`IN (...)`, or equalities
    /// joined by OR), instead of bounds: one point range each.
    pub any: Vec<Expr>,
    /// Read in descending key order (ORDER BY ... DESC).
    pub backward: bool,
}

/// The terms of a WHERE clause joined by AND.
fn conjuncts(predicate: &Expr) -> Vec<&Expr> {
    match &predicate.kind {
        crate::expr::ExprKind::And(v) => v.iter().collect(),
        _ => vec![predicate],
    }
}

/// Key columns of these types compare exactly as their key bytes
/// (bpchar ignores trailing blanks, so it is left out).
fn index_scannable(ty: DataType) -> bool {
    use DataType::*;
    matches!(
        ty,
        Bool | Int2
            | Int4
            | Int8
            | Float4
            | Float8
            | Numeric
            | Text
            | Varchar
            | Name
            | Bytea
            | Date
            | Time
            | Timestamp
            | TimestampTz
            | Uuid
            | Oid
    )
}

/// Whether `e` has one value for the whole scan: no column of the
/// scanned row, no subquery, nothing volatile.
fn scan_constant(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| match &x.kind {
        crate::expr::ExprKind::Column(_)
        | crate::expr::ExprKind::SubLink(_)
        | crate::expr::ExprKind::Aggregate(_)
        | crate::expr::ExprKind::Window(_) => ok = false,
        crate::expr::ExprKind::Call { def, .. }
            if def.volatility == crate::func::Volatility::Volatile =>
        {
            ok = false
        }
        _ => {}
    });
    ok
}

impl IndexCond {
    /// The range `conjuncts` give index `ix` of `table`, if they bound its
    /// first column at least.
    fn find(
        table: &crate::catalog::TableDef,
        ix: &crate::catalog::IndexDef,
        conjuncts: &[&Expr],
    ) -> Option<IndexCond> {
        // Output column n of the scan is live column n.
        let live: Vec<usize> = table.live().map(|(i, _)| i).collect();
        // (operator, value) for each conjunct `column op value`.
        let terms: Vec<(usize, &str, &Expr)> = conjuncts
            .iter()
            .filter_map(|c| {
                let crate::expr::ExprKind::Call { def, args } = &c.kind else {
                    return None;
                };
                let [l, r] = args.as_slice() else { return None };
                if def.args.len() != 2 || def.args[0] != def.args[1] {
                    return None;
                }
                let flip = |op: &'static str| match op {
                    "<" => ">",
                    "<=" => ">=",
                    ">" => "<",
                    ">=" => "<=",
                    o => o,
                };
                let (col, op, val) = match (&l.kind, &r.kind) {
                    (crate::expr::ExprKind::Column(n), _) if scan_constant(r) => (*n, def.name, r),
                    (_, crate::expr::ExprKind::Column(n)) if scan_constant(l) => {
                        (*n, flip(def.name), l)
                    }
                    _ => return None,
                };
                let attr = *live.get(col)?;
                let ty = table.columns.get(attr)?.ty;
                let same = ty == def.args[0] && val.ty == ty;
                (same && index_scannable(ty) && matches!(op, "=" | "<" | "<=" | ">" | ">="))
                    .then_some((attr, op, val))
            })
            .collect();
        // `col IN (values)` and `col = v1 OR col = v2 ...`.
        let lists: Vec<(usize, Vec<&Expr>)> = conjuncts
            .iter()
            .filter_map(|c| Self::value_list(table, &live, c))
            .collect();
        let mut cond = IndexCond::default();
        for &attr in &ix.columns {
            if let Some((_, _, v)) = terms.iter().find(|(a, op, _)| *a == attr && *op == "=") {
                cond.eq.push((*v).clone());
                continue;
            }
            if let Some((_, values)) = lists.iter().find(|(a, _)| *a == attr) {
                cond.any = values.iter().map(|v| (*v).clone()).collect();
                break;
            }
            for (a, op, v) in &terms {
                if *a != attr {
                    continue;
                }
                match *op {
                    ">" | ">=" if cond.lower.is_none() => {
                        cond.lower = Some(((*v).clone(), *op == ">="))
                    }
                    "<" | "<=" if cond.upper.is_none() => {
                        cond.upper = Some(((*v).clone(), *op == "<="))
                    }
                    _ => {}
                }
            }
            break;
        }
        (!cond.eq.is_empty()
            || cond.lower.is_some()
            || cond.upper.is_some()
            || !cond.any.is_empty())
        .then_some(cond)
    }

    /// The column and values of `col IN (v, ...)` or `col = v OR col = w
    /// ...`, each value fixed for the scan and of the column's type.
    fn value_list<'e>(
        table: &crate::catalog::TableDef,
        live: &[usize],
        e: &'e Expr,
    ) -> Option<(usize, Vec<&'e Expr>)> {
        use crate::expr::ExprKind;
        let column_of = |e: &Expr| match e.kind {
            ExprKind::Column(n) => live.get(n).copied(),
            _ => None,
        };
        let fits = |attr: usize, v: &Expr, eq: &crate::func::FuncDef| {
            let ty = table.columns.get(attr).map(|c| c.ty);
            ty == Some(v.ty)
                && eq.args.len() == 2
                && Some(eq.args[0]) == ty
                && eq.args[1] == eq.args[0]
                && index_scannable(v.ty)
                && scan_constant(v)
        };
        match &e.kind {
            ExprKind::InList {
                arg,
                list,
                negated: false,
            } => {
                let attr = column_of(arg)?;
                list.iter()
                    .all(|(v, eq)| fits(attr, v, eq))
                    .then(|| (attr, list.iter().map(|(v, _)| v).collect()))
            }
            ExprKind::Or(alternatives) => {
                let mut attr = None;
                let mut values = Vec::with_capacity(alternatives.len());
                for a in alternatives {
                    let ExprKind::Call { def, args } = &a.kind else {
                        return None;
                    };
                    let [l, r] = args.as_slice() else { return None };
                    if def.name != "=" {
                        return None;
                    }
                    let (c, v) = match (column_of(l), column_of(r)) {
                        (Some(c), None) => (c, r),
                        (None, Some(c)) => (c, l),
                        _ => return None,
                    };
                    if attr.is_some_and(|x| x != c) || !fits(c, v, def) {
                        return None;
                    }
                    attr = Some(c);
                    values.push(v);
                }
                attr.map(|a| (a, values))
            }
            _ => None,
        }
    }
}

/// `e` with every column index moved by `by` (a join's right-side
/// expression between the right row alone and the joined row).
pub(crate) fn shift_columns(e: Expr, by: isize) -> Expr {
    fn walk(e: Expr, by: isize) -> Result<Expr> {
        let kind = match e.kind {
            crate::expr::ExprKind::Column(i) => {
                crate::expr::ExprKind::Column(i.saturating_add_signed(by))
            }
            k => k.map_children(|c| walk(c, by))?,
        };
        Ok(Expr { kind, ..e })
    }
    match walk(e.clone(), by) {
        Ok(x) => x,
        Err(_) => e,
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

#[cfg(test)]
mod tests {
    use super::parallel_workers;

    #[test]
    fn parallel_workers_follow_postgres_compute_parallel_worker() {
        // (blocks, min_parallel_table_scan_size, max per gather) → workers
        let cases = [
            (1023, 1024, 8, 0),
            (1024, 1024, 8, 1),
            (3071, 1024, 8, 1),
            (3072, 1024, 8, 2),
            (9215, 1024, 8, 2),
            (9216, 1024, 8, 3),
            (1_000_000, 1024, 2, 2),
            (1_000_000, 1024, 0, 0),
            (0, 0, 2, 0),
            (1, 0, 2, 1),
            (3, 0, 2, 2),
            (u32::MAX, 1, 1024, 21),
        ];
        for (blocks, min, max, want) in cases {
            assert_eq!(
                parallel_workers(blocks, min, max),
                want,
                "{blocks} blocks, min {min}, max {max}"
            );
        }
    }
}
