//! Plans: what the binder produces and the executor runs.
//!
//! A plan is a tree of relational nodes over rows (`Vec<Value>`); every
//! expression in it is bound ([`Expr`]) so execution never resolves names.

use crate::catalog::SystemView;
use crate::expr::Expr;
use crate::types::DataType;
use std::ops::ControlFlow;

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
        /// The name the query gave it (`FROM t AS x`), for EXPLAIN.
        alias: Option<std::sync::Arc<str>>,
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
        /// As SeqScan's.
        alias: Option<std::sync::Arc<str>>,
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
    /// The input's columns rearranged: output column `i` is input column
    /// `columns[i]` (the planner's join order restores the FROM clause's
    /// column order with it).
    Permute {
        /// Input rows.
        input: Box<Plan>,
        /// The input column of each output column.
        columns: Vec<usize>,
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
    /// SELECT ... FOR UPDATE / SHARE: locks, for every input row, the
    /// row version of each target table it came from (PostgreSQL's
    /// LockRows), below LIMIT so that skipped rows do not count.
    LockRows {
        /// Input rows (carrying each target's tuple id).
        input: Box<Plan>,
        /// What to lock.
        marks: Box<RowMarks>,
    },
    /// LIMIT / OFFSET (constant or parameter expressions).
    Limit {
        /// Input rows.
        input: Box<Plan>,
        /// Rows to return, None for all.
        limit: Option<Expr>,
        /// Rows to skip first.
        offset: Option<Expr>,
        /// FETCH ... WITH TIES: the ORDER BY columns; rows equal on them
        /// to the last row within the limit are returned too.
        ties: Option<Vec<usize>>,
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
    /// A materialized WITH query (MATERIALIZED, or volatile): `input`
    /// runs once per statement, at the first reference to run, and every
    /// reference with the same `id` reads the rows it kept.
    CteScan {
        /// Which WITH query (unique in the server: see
        /// `binder::srf::next_cte_id`).
        id: u64,
        /// Its name, for EXPLAIN.
        name: String,
        /// Its query (each reference holds a copy; the first to run
        /// fills the rows).
        input: Box<Plan>,
    },
    /// A set-returning function in FROM (generate_series).
    FunctionScan {
        /// The function.
        func: Srf,
        /// Its arguments (constant for the statement, or outer references).
        args: Vec<Expr>,
        /// WITH ORDINALITY: a row number (int8) follows its columns.
        ordinality: bool,
        /// How EXPLAIN names it: the reference name (alias or function
        /// name) and its columns' names.
        names: Box<(String, Vec<String>)>,
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
        /// When the inputs are the partitions of a partitioned table:
        /// their bounds, to skip those a condition rules out.
        parts: Option<std::sync::Arc<PartitionPruning>>,
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

/// What partition pruning knows of an Append over a partitioned table's
/// partitions.
#[derive(Debug, Clone)]
pub struct PartitionPruning {
    /// 'r', 'l' or 'h'.
    pub strategy: char,
    /// Positions of the key columns in the Append's rows.
    pub key: Vec<usize>,
    /// Each input's bound.
    pub bounds: Vec<crate::table::partition::Bound>,
    /// The key columns' types.
    pub types: Vec<(DataType, i32)>,
    /// The name the query gives the table (EXPLAIN names each partition's
    /// scan after it).
    pub alias: String,
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
    /// Where the call's window comes in the order PostgreSQL runs the
    /// query's windows (calls with the same PARTITION BY and ORDER BY
    /// share one sort); set by the binder's order_windows.
    pub clause: usize,
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
    /// nth_value(value, n): the frame's n-th row's value.
    NthValue,
    /// An aggregate over the frame.
    Agg(AggCall),
}

impl WindowFunc {
    /// The function's SQL name (an aggregate's its own).
    pub fn name(&self) -> &str {
        match self {
            WindowFunc::RowNumber => "row_number",
            WindowFunc::Rank => "rank",
            WindowFunc::DenseRank => "dense_rank",
            WindowFunc::PercentRank => "percent_rank",
            WindowFunc::CumeDist => "cume_dist",
            WindowFunc::Ntile => "ntile",
            WindowFunc::Lag => "lag",
            WindowFunc::Lead => "lead",
            WindowFunc::FirstValue => "first_value",
            WindowFunc::LastValue => "last_value",
            WindowFunc::NthValue => "nth_value",
            WindowFunc::Agg(a) => a.func.name(),
        }
    }
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
    /// The EXCLUDE clause.
    pub exclude: crate::parser::Exclusion,
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
    /// n PRECEDING (ROWS, GROUPS): a bigint without column references,
    /// computed when the window runs.
    Preceding(Box<Expr>),
    /// CURRENT ROW.
    CurrentRow,
    /// n FOLLOWING (ROWS, GROUPS), as Preceding.
    Following(Box<Expr>),
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
    /// The offset, of the in_range function's offset type, computed when
    /// the window runs (PostgreSQL checks then that it is not negative).
    pub offset: Expr,
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
    /// unnest(array, array, ...) in FROM: the arrays side by side, the
    /// shorter ones padded with NULL.
    UnnestZip,
}

impl Srf {
    /// The function's name, as EXPLAIN prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Srf::GenerateSeries(_) | Srf::GenerateTimestamps(_) => "generate_series",
            Srf::Unnest(name) => name,
            Srf::OptionsToTable => "pg_options_to_table",
            Srf::UnnestZip => "unnest",
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
            Srf::Unnest(n) if n.contains("array_elements") => vec![("value", ty)],
            Srf::Unnest("pg_partition_ancestors") => vec![("relid", ty)],
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
    /// Semi join: each left row with at least one match, once, left
    /// columns only (EXISTS and IN turned into joins).
    Semi,
    /// Anti join: each left row without a match, left columns only (NOT
    /// EXISTS turned into a join).
    Anti,
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

/// get_rule_orderby's words after a sort key (ORDER BY, EXPLAIN's Sort
/// Key): ASC is the default, NULLS LAST ASC's and NULLS FIRST DESC's.
pub(crate) fn order_words(desc: bool, nulls_first: bool) -> &'static str {
    match (desc, nulls_first) {
        (false, false) => "",
        (false, true) => " NULLS FIRST",
        (true, true) => " DESC",
        (true, false) => " DESC NULLS LAST",
    }
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
    /// 0 for an aggregate of the query it is written in; n for one of
    /// the query n levels out, because its arguments read only that
    /// query's columns (and ones further out): `(SELECT count(t.a) FROM
    /// u)` counts rows of `t`. The binder moves it to that query's
    /// Aggregate node while binding that query.
    pub levels_up: usize,
}

/// A user aggregate's parts, bound for one call: the state function
/// over (state, arguments...) as columns 0, 1, ..., the final function
/// over (state) as column 0.
#[derive(Debug, Clone)]
pub struct UserAgg {
    /// Its name.
    pub name: String,
    /// The state function's call.
    pub step: crate::expr::Expr,
    /// The final function's call.
    pub finalize: Option<crate::expr::Expr>,
    /// The initial state (INITCOND), None for NULL.
    pub init: Option<crate::value::Value>,
    /// The state function is strict: rows with a NULL argument are
    /// skipped, and the first row's value starts a NULL state.
    pub strict: bool,
    /// The final function is strict.
    pub final_strict: bool,
}

impl AggFunc {
    /// The SQL name (min and max by their comparison).
    pub fn name(&self) -> &str {
        match self {
            AggFunc::User(u) => &u.name,
            AggFunc::CountStar | AggFunc::Count => "count",
            AggFunc::Sum { .. } => "sum",
            AggFunc::Avg { .. } => "avg",
            AggFunc::MinMax { better } if better.name == "<" => "min",
            AggFunc::MinMax { .. } => "max",
            AggFunc::BoolAnd => "bool_and",
            AggFunc::BoolOr => "bool_or",
            AggFunc::StringAgg => "string_agg",
            AggFunc::ArrayAgg => "array_agg",
            AggFunc::RangeAgg { intersect: false } => "range_agg",
            AggFunc::RangeAgg { .. } => "range_intersect_agg",
            AggFunc::Bits { op: '&' } => "bit_and",
            AggFunc::Bits { op: '|' } => "bit_or",
            AggFunc::Bits { .. } => "bit_xor",
            AggFunc::Stat {
                population, root, ..
            } => match (population, root) {
                (false, false) => "var_samp",
                (true, false) => "var_pop",
                (false, true) => "stddev_samp",
                (true, true) => "stddev_pop",
            },
            AggFunc::JsonAgg { jsonb: false, .. } => "json_agg",
            AggFunc::JsonAgg { .. } => "jsonb_agg",
            AggFunc::JsonObjectAgg { jsonb: false, .. } => "json_object_agg",
            AggFunc::JsonObjectAgg { .. } => "jsonb_object_agg",
            AggFunc::Grouping { .. } => "grouping",
            AggFunc::Regr { name } => name,
            AggFunc::Hypothetical { kind, .. } => match kind {
                Hypothetical::Rank => "rank",
                Hypothetical::DenseRank => "dense_rank",
                Hypothetical::PercentRank => "percent_rank",
                Hypothetical::CumeDist => "cume_dist",
            },
            AggFunc::OrderedSet { kind, .. } => match kind {
                OrderedSet::Cont => "percentile_cont",
                OrderedSet::Disc => "percentile_disc",
                OrderedSet::Mode => "mode",
            },
        }
    }
}

impl AggCall {
    /// The aggregate's own arguments (without ORDER BY expressions).
    pub fn real_args(&self) -> &[Expr] {
        &self.args[..self.args.len() - self.order.len()]
    }
}

/// Which hypothetical-set aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hypothetical {
    /// rank: 1 + rows before.
    Rank,
    /// dense_rank: 1 + distinct rows before.
    DenseRank,
    /// percent_rank: rows before / rows.
    PercentRank,
    /// cume_dist: (rows before or peers + 1) / (rows + 1).
    CumeDist,
}

/// Which ordered-set aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderedSet {
    /// percentile_cont: interpolated.
    Cont,
    /// percentile_disc: the first value at or past the fraction.
    Disc,
    /// mode(): the most frequent value.
    Mode,
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
    /// bit_and / bit_or / bit_xor of integers and bit strings.
    Bits {
        /// '&', '|' or '#'.
        op: char,
    },
    /// var_samp / variance, var_pop, stddev_samp / stddev, stddev_pop:
    /// from the inputs' count, sum and sum of squares (numeric for
    /// integers and numeric, double precision for floats).
    Stat {
        /// Population (not sample) statistics.
        population: bool,
        /// The square root (standard deviation).
        root: bool,
        /// Computed in double precision (float inputs).
        float: bool,
    },
    /// corr, covar_pop / covar_samp and the regr_* aggregates of
    /// (Y, X) pairs of double precision, from PostgreSQL's
    /// float8_regr_accum state (N, Sx, Sxx, Sy, Syy, Sxy).
    Regr {
        /// The aggregate's name.
        name: &'static str,
    },
    /// The ordered-set aggregates: the values in the WITHIN GROUP order,
    /// then the answer picked from them.
    OrderedSet {
        /// Which.
        kind: OrderedSet,
        /// Fractions given as an array (an array of answers).
        array: bool,
    },
    /// The hypothetical-set aggregates rank / dense_rank / percent_rank
    /// / cume_dist (args) WITHIN GROUP (ORDER BY keys): where a row of
    /// the direct arguments would rank among the group's rows. Arguments:
    /// the direct ones, then as many sort keys.
    Hypothetical {
        /// Which (named as the window function).
        kind: Hypothetical,
        /// The WITHIN GROUP order over (argument, key) pairs: column i is
        /// the i-th pair.
        keys: Vec<SortKey>,
    },
    /// bool_and / every.
    BoolAnd,
    /// bool_or.
    BoolOr,
    /// string_agg(text, delimiter).
    StringAgg,
    /// array_agg(value): NULLs included.
    ArrayAgg,
    /// A user aggregate (CREATE AGGREGATE).
    User(Box<UserAgg>),
    /// range_agg (the union of ranges or multiranges, a multirange) and
    /// range_intersect_agg (their intersection, of the input's type).
    RangeAgg {
        /// range_intersect_agg.
        intersect: bool,
    },
    /// json_agg / jsonb_agg(value): a JSON array, NULLs included.
    JsonAgg {
        /// jsonb_agg.
        jsonb: bool,
        /// The argument's type.
        ty: DataType,
    },
    /// json_object_agg / jsonb_object_agg(key, value): a JSON object.
    JsonObjectAgg {
        /// jsonb_object_agg.
        jsonb: bool,
        /// The value's type.
        ty: DataType,
    },
    /// GROUPING(args): a bit per argument (the group columns `cols`), set
    /// when the row's grouping set leaves that column out.
    Grouping {
        /// The group column of each argument.
        cols: Vec<usize>,
    },
}

impl Plan {
    /// The columns of a plan's rows, where the plan tells.
    pub(crate) fn width(&self) -> Option<usize> {
        Some(match self {
            Plan::OneRow => 0,
            // Its columns, then the system column tableoid.
            Plan::SystemView(v) => v.columns().len() + 1,
            Plan::SeqScan {
                table, with_tid, ..
            }
            | Plan::IndexScan {
                table, with_tid, ..
            } => table.live().count() + usize::from(*with_tid),
            Plan::Filter { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::LockRows { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Gather { input, .. } => input.width()?,
            Plan::Project { exprs, .. } => exprs.len(),
            Plan::Permute { columns, .. } => columns.len(),
            Plan::ProjectSet { items, .. } => items.len(),
            Plan::Values(rows) => rows.first()?.len(),
            Plan::Join {
                kind,
                left_width,
                right_width,
                ..
            } => match kind {
                JoinKind::Semi | JoinKind::Anti => *left_width,
                _ => left_width + right_width,
            },
            Plan::Lateral {
                left, right_width, ..
            } => left.width()? + right_width,
            Plan::Aggregate { group, aggs, .. } => group.len() + aggs.len(),
            Plan::Window { input, calls } => input.width()? + calls.len(),
            Plan::Append { inputs, .. } => inputs.first()?.width()?,
            Plan::SetOp { left, .. } => left.width()?,
            Plan::RecursiveUnion { base, .. } => base.width()?,
            Plan::CteScan { input, .. } => input.width()?,
            Plan::WorkTable(_) | Plan::FunctionScan { .. } => return None,
        })
    }

    /// The expressions this node itself evaluates (not its inputs').
    pub(crate) fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        fn agg(a: &mut AggCall) -> impl Iterator<Item = &mut Expr> {
            a.args.iter_mut().chain(a.filter.as_mut())
        }
        match self {
            Plan::IndexScan { cond, .. } => {
                let IndexCond {
                    eq,
                    lower,
                    upper,
                    any,
                    ..
                } = &mut **cond;
                eq.iter_mut()
                    .chain(lower.as_mut().map(|(e, _)| e))
                    .chain(upper.as_mut().map(|(e, _)| e))
                    .chain(any.iter_mut())
                    .collect()
            }
            Plan::Filter { predicate, .. } => vec![predicate],
            Plan::Project { exprs, .. } => exprs.iter_mut().collect(),
            Plan::Values(rows) => rows.iter_mut().flatten().collect(),
            Plan::Join { keys, on, .. } => keys
                .iter_mut()
                .flat_map(|(l, r, _)| [l, r])
                .chain(on.as_mut())
                .collect(),
            Plan::Lateral { on, .. } => on.as_mut().into_iter().collect(),
            Plan::Aggregate { group, aggs, .. } => group
                .iter_mut()
                .chain(aggs.iter_mut().flat_map(agg))
                .collect(),
            Plan::Limit { limit, offset, .. } => {
                limit.as_mut().into_iter().chain(offset.as_mut()).collect()
            }
            Plan::FunctionScan { args, .. } => args.iter_mut().collect(),
            Plan::ProjectSet { items, .. } => items
                .iter_mut()
                .flat_map(|i| match i {
                    ProjectItem::Scalar(e) => vec![e],
                    ProjectItem::Set(_, args) => args.iter_mut().collect(),
                })
                .collect(),
            Plan::Window { calls, .. } => calls
                .iter_mut()
                .flat_map(|c| {
                    let own: Vec<&mut Expr> = c
                        .args
                        .iter_mut()
                        .chain(c.partition.iter_mut())
                        .chain(c.order.iter_mut().map(|(e, _, _)| e))
                        .collect();
                    let inner: Vec<&mut Expr> = match &mut c.func {
                        WindowFunc::Agg(a) => agg(a).collect(),
                        _ => Vec::new(),
                    };
                    own.into_iter().chain(inner)
                })
                .collect(),
            Plan::OneRow
            | Plan::SystemView(_)
            | Plan::SeqScan { .. }
            | Plan::Gather { .. }
            | Plan::Permute { .. }
            | Plan::Sort { .. }
            | Plan::LockRows { .. }
            | Plan::Distinct { .. }
            | Plan::RecursiveUnion { .. }
            | Plan::WorkTable(_)
            | Plan::CteScan { .. }
            | Plan::Append { .. }
            | Plan::SetOp { .. } => Vec::new(),
        }
    }

    /// The locking clause of the first LockRows node in the plan ("FOR
    /// UPDATE"), if there is one: the statement needs a transaction id.
    pub(crate) fn lock_strength(&self) -> Option<&'static str> {
        match self {
            Plan::LockRows { marks, .. } => Some(marks.strength),
            Plan::Join { left, right, .. }
            | Plan::Lateral { left, right, .. }
            | Plan::SetOp { left, right, .. }
            | Plan::RecursiveUnion {
                base: left,
                step: right,
                ..
            } => left.lock_strength().or_else(|| right.lock_strength()),
            Plan::Append { inputs, .. } => inputs.iter().find_map(Plan::lock_strength),
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Permute { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Window { input, .. }
            | Plan::ProjectSet { input, .. }
            | Plan::CteScan { input, .. }
            | Plan::Gather { input, .. } => input.lock_strength(),
            Plan::OneRow
            | Plan::SystemView(_)
            | Plan::SeqScan { .. }
            | Plan::IndexScan { .. }
            | Plan::Values(_)
            | Plan::WorkTable(_)
            | Plan::FunctionScan { .. } => None,
        }
    }

    /// The plan's direct inputs.
    pub(crate) fn children_mut(&mut self) -> Vec<&mut Plan> {
        match self {
            Plan::Join { left, right, .. }
            | Plan::Lateral { left, right, .. }
            | Plan::SetOp { left, right, .. } => vec![&mut **left, &mut **right],
            Plan::RecursiveUnion { base, step, .. } => vec![&mut **base, &mut **step],
            Plan::Append { inputs, .. } => inputs.iter_mut().collect(),
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Permute { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::LockRows { input, .. }
            | Plan::Distinct { input, .. }
            | Plan::Window { input, .. }
            | Plan::ProjectSet { input, .. }
            | Plan::CteScan { input, .. }
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

/// The row locks of SELECT ... FOR UPDATE / SHARE.
#[derive(Debug, Clone)]
pub struct RowMarks {
    /// Rows are locked (false: a cursor keeps the tuple ids only).
    pub lock: bool,
    /// Each locked table and the input column holding its tuple id.
    pub targets: Vec<(std::sync::Arc<crate::catalog::TableDef>, usize)>,
    /// For each target read through its partitions or inheritance
    /// children: those tables, in the order a marked tuple id names them
    /// (`table::partition::member_tid`); empty for a plain table.
    pub members: Vec<Vec<std::sync::Arc<crate::catalog::TableDef>>>,
    /// The clause as written, for errors and EXPLAIN ("FOR UPDATE").
    pub strength: &'static str,
    /// NOWAIT / SKIP LOCKED / wait.
    pub wait: LockWait,
    /// A single-table query's WHERE and output expressions over the
    /// table's row (live columns, then the tuple id): how a row that a
    /// concurrent transaction updated is rechecked and recomputed from
    /// its newest version in READ COMMITTED (PostgreSQL's EvalPlanQual).
    pub recheck: Option<(Option<Expr>, Vec<Expr>)>,
}

/// What a row lock does when another transaction holds the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    /// Wait for it.
    Block,
    /// 55P03 at once.
    NoWait,
    /// Leave the row out.
    SkipLocked,
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

/// `e` with every column index moved by `by` (a join's right-side
/// expression between the right row alone and the joined row).
pub(crate) fn shift_columns(e: Expr, by: isize) -> Expr {
    remap_columns(e, &|i| i.saturating_add_signed(by))
}

/// `e` reading column `to(i)` where it read column `i`, inside its
/// correlated subqueries too (their references to this row).
pub(crate) fn remap_columns(e: Expr, to: &dyn Fn(usize) -> usize) -> Expr {
    remap_level(e, 0, to)
}

/// `e`, evaluated `level` queries below the row being remapped (0: over
/// that row itself), reading `to(i)` where it read column `i` of it.
fn remap_level(e: Expr, level: usize, to: &dyn Fn(usize) -> usize) -> Expr {
    use crate::expr::ExprKind;
    rewrite_levels(e, level, &mut |e, at| {
        let kind = match e.kind {
            ExprKind::Column(i) if at == 0 => ExprKind::Column(to(i)),
            ExprKind::Outer { depth, index } if depth == at => ExprKind::Outer {
                depth,
                index: to(index),
            },
            k => return ControlFlow::Continue(Expr { kind: k, ..e }),
        };
        ControlFlow::Break(Expr { kind, ..e })
    })
}

/// Calls `f` on every expression of `plan`, which runs `level` queries
/// below some row, with the level each expression runs at (a LATERAL
/// join's right side is one further).
pub(crate) fn exprs_at_levels(plan: &mut Plan, level: usize, f: &mut dyn FnMut(&mut Expr, usize)) {
    for e in plan.exprs_mut() {
        f(e, level);
    }
    if let Plan::Lateral { left, right, .. } = plan {
        exprs_at_levels(left, level, f);
        exprs_at_levels(right, level + 1, f);
        return;
    }
    for c in plan.children_mut() {
        exprs_at_levels(c, level, f);
    }
}

/// `e`, evaluated `level` queries below some row, rewritten top-down by
/// `f` (given each node and the level it runs at) through its correlated
/// subqueries: `f` breaks with a node's replacement, or continues into
/// the node's children.
pub(crate) fn rewrite_levels(
    e: Expr,
    level: usize,
    f: &mut dyn FnMut(Expr, usize) -> ControlFlow<Expr, Expr>,
) -> Expr {
    use crate::expr::ExprKind;
    let e = match f(e, level) {
        ControlFlow::Break(done) => return done,
        ControlFlow::Continue(e) => e,
    };
    let mut kind = e.kind;
    if let ExprKind::SubLink(s) = &mut kind {
        if s.correlated {
            exprs_at_levels(&mut s.plan, level + 1, &mut |x, at| {
                let taken = std::mem::replace(x, Expr::null_bool());
                *x = rewrite_levels(taken, at, f);
            });
        }
    }
    let kind = kind
        .map_children(|c| Ok(rewrite_levels(c, level, f)))
        .unwrap_or(crate::expr::ExprKind::Const(crate::value::Value::Null));
    Expr { kind, ..e }
}

/// The node rebuilt with `f` over its children (`f` cannot fail).
pub(crate) fn map_or_null(
    k: crate::expr::ExprKind,
    f: &dyn Fn(Expr) -> Expr,
) -> crate::expr::ExprKind {
    match k.map_children(|c| Ok(f(c))) {
        Ok(k) => k,
        Err(_) => crate::expr::ExprKind::Const(crate::value::Value::Null),
    }
}

/// The columns of the row `e` reads, through its correlated subqueries
/// too, in no order (with repeats).
pub(crate) fn columns_read(e: &Expr) -> Vec<usize> {
    let mut out = Vec::new();
    let mut correlated = false;
    e.visit(&mut |x| match &x.kind {
        crate::expr::ExprKind::Column(i) => out.push(*i),
        crate::expr::ExprKind::SubLink(s) if s.correlated => correlated = true,
        _ => {}
    });
    if correlated {
        // A read-only walk over a copy: the walkers here rewrite.
        let seen = std::cell::RefCell::new(Vec::new());
        let _ = remap_level(e.clone(), 0, &|i| {
            seen.borrow_mut().push(i);
            i
        });
        out = seen.into_inner();
    }
    out
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

/// Whether an Aggregate's input is sorted on its group columns (the sort
/// the binder puts under aggregates with DISTINCT or ORDER BY): it runs
/// as PostgreSQL's GroupAggregate.
pub(crate) fn sorted_groups(input: &Plan, group: &[Expr]) -> bool {
    let Plan::Sort { keys, .. } = input else {
        return false;
    };
    keys.len() == group.len()
        && keys.iter().all(|k| {
            group
                .iter()
                .any(|g| matches!(g.kind, crate::expr::ExprKind::Column(c) if c == k.column))
        })
}
