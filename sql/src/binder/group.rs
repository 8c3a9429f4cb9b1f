//! Aggregates and grouping: binding aggregate calls, GROUP BY items, and
//! rewriting a grouped query's expressions over the Aggregate node's
//! output (group values, then aggregate results).

use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::names::{ident, object_name};
use super::{Binder, Scope};
use crate::cast::CoercionContext;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::func::{self, CallKind};
use crate::plan::{AggCall, AggFunc, OutputColumn};
use crate::types::DataType;
use std::ops::ControlFlow;

/// Why an aggregate call inside another one's arguments is refused.
pub(super) const NESTED: &str = "aggregate function calls cannot be nested";

/// The aggregate functions.
pub fn is_aggregate(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "avg"
            | "min"
            | "max"
            | "bool_and"
            | "bool_or"
            | "bit_and"
            | "bit_or"
            | "bit_xor"
            | "variance"
            | "var_samp"
            | "var_pop"
            | "stddev"
            | "stddev_samp"
            | "stddev_pop"
            | "every"
            | "string_agg"
            | "array_agg"
            | "json_agg"
            | "jsonb_agg"
            | "json_object_agg"
            | "jsonb_object_agg"
            | "grouping"
            | "range_agg"
            | "range_intersect_agg"
    ) || regression_aggregate(name).is_some()
        || is_ordered_set(name)
}

/// The ordered-set aggregates (`... WITHIN GROUP (ORDER BY x)`).
pub fn is_ordered_set(name: &str) -> bool {
    matches!(name, "percentile_cont" | "percentile_disc" | "mode")
}

/// The two-argument statistics of double precision pairs (Y, X), by name.
pub fn regression_aggregate(name: &str) -> Option<&'static str> {
    const NAMES: [&str; 12] = [
        "corr",
        "covar_pop",
        "covar_samp",
        "regr_avgx",
        "regr_avgy",
        "regr_count",
        "regr_intercept",
        "regr_r2",
        "regr_slope",
        "regr_sxx",
        "regr_sxy",
        "regr_syy",
    ];
    NAMES.iter().find(|n| **n == name).copied()
}

impl Binder<'_> {
    /// Binds an aggregate call to an [`ExprKind::Aggregate`] node.
    pub(super) fn aggregate(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let refused = self.no_aggs;
        if is_ordered_set(name) || !f.within_group.is_empty() || refused == Some(NESTED) {
            if let Some(msg) = refused {
                return Err(SqlError::new(SqlState::GROUPING_ERROR, msg).at(pos));
            }
            return self.ordered_set(name, f, scope, pos);
        }
        let FunctionArguments::List(list) = &f.args else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {name}() does not exist"),
            )
            .at(pos));
        };
        let mut order_by: &[ast::OrderByExpr] = &[];
        for c in &list.clauses {
            match c {
                ast::FunctionArgumentClause::OrderBy(o) => order_by = o,
                other => return Err(SqlError::unsupported(format!("{name} with {other}")).at(pos)),
            }
        }
        let distinct = matches!(
            list.duplicate_treatment,
            Some(ast::DuplicateTreatment::Distinct)
        );
        self.no_aggs = Some(NESTED);
        let bound =
            self.aggregate_args(name, &list.args, f.filter.as_deref(), scope, pos, distinct);
        self.no_aggs = refused;
        let (args, filter, star) = bound?;
        let (mut call, ty) = self.agg_call(name, args, distinct, filter, star, pos)?;
        self.aggregate_order(&mut call, order_by, scope, pos)?;
        call.levels_up = self.aggregate_level(&call, refused, pos)?;
        Ok(Expr {
            kind: ExprKind::Aggregate(Box::new(call)),
            ty,
            typmod: -1,
            pos,
        })
    }

    /// The query level `call` belongs to (PostgreSQL's agglevelsup): the
    /// innermost one whose columns its arguments read, 0 when they read
    /// none. An aggregate of an enclosing query is refused where that
    /// query refuses aggregates around the subquery, `refused` (the
    /// refusal where the call stands) for one of this query.
    pub(super) fn aggregate_level(
        &self,
        call: &AggCall,
        refused: Option<&'static str>,
        pos: Option<u32>,
    ) -> Result<usize> {
        let mut level = None::<usize>;
        // A SQL function's arguments are parameters, of no query level.
        let params = self.function_params.map(|k| self.outer.len() - k);
        let mut note = |e: Expr, at: usize| {
            match e.kind {
                ExprKind::Column(_) if at == 0 => level = Some(0),
                ExprKind::Outer { depth, .. } if depth >= at && Some(depth - at) != params => {
                    level = Some(level.map_or(depth - at, |l| l.min(depth - at)));
                }
                _ => {}
            }
            ControlFlow::Continue(e)
        };
        for e in call.args.iter().chain(&call.filter) {
            crate::plan::rewrite_levels(e.clone(), 0, &mut note);
        }
        let level = level.unwrap_or(0);
        let refusal = if level == 0 {
            refused
        } else {
            let at = self.outer.len() + 1 - level;
            match self.agg_levels.iter().rev().find(|(l, _)| *l == at) {
                Some((_, why)) => *why,
                None => Some(
                    "aggregate functions are not allowed in FROM clause of their own query level",
                ),
            }
        };
        match refusal {
            Some(msg) => Err(SqlError::new(SqlState::GROUPING_ERROR, msg).at(pos)),
            None => Ok(level),
        }
    }

    /// An ordered-set aggregate: percentile_cont / percentile_disc
    /// (fraction or array of fractions) and mode() WITHIN GROUP (ORDER BY
    /// x). The sorted value is the first argument, the fraction the
    /// second, and the value again the ORDER BY key.
    #[inline(never)]
    fn ordered_set(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let wrong_type = |msg: String| SqlError::new(SqlState::WRONG_OBJECT_TYPE, msg).at(pos);
        if !is_ordered_set(name) {
            return Err(wrong_type(format!(
                "{name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP"
            )));
        }
        let (direct, filter, keys) = self.within_group_args(name, f, scope, pos)?;
        let value = keys.into_iter().next();
        let types: Vec<String> = direct
            .iter()
            .chain(value.iter())
            .map(|e| e.ty.sql_name())
            .collect();
        let undefined = || {
            SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {name}({}) does not exist", types.join(", ")),
            )
            .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
            .at(pos)
        };
        // Without WITHIN GROUP no ordered-set signature matches.
        let Some(value) = value else {
            return Err(undefined());
        };
        let kind = match name {
            "percentile_cont" => crate::plan::OrderedSet::Cont,
            "percentile_disc" => crate::plan::OrderedSet::Disc,
            _ => crate::plan::OrderedSet::Mode,
        };
        let expected_direct = usize::from(kind != crate::plan::OrderedSet::Mode);
        if direct.len() != expected_direct || f.within_group.len() != 1 {
            return Err(undefined());
        }
        // The fraction: double precision, or an array of them.
        let mut array = false;
        let mut args = Vec::new();
        let value_ty = match kind {
            crate::plan::OrderedSet::Cont => DataType::Float8,
            _ if value.ty == DataType::Unknown => DataType::Text,
            _ => value.ty,
        };
        let value = self
            .coerce(value, value_ty, -1, CoercionContext::Implicit)
            .map_err(|_| undefined())?;
        args.push(value.clone());
        if let Some(fraction) = direct.into_iter().next() {
            array = matches!(fraction.ty, DataType::Array(_));
            let want = if array {
                DataType::Array(&DataType::Float8)
            } else {
                DataType::Float8
            };
            args.push(
                self.coerce(fraction, want, -1, CoercionContext::Implicit)
                    .map_err(|_| undefined())?,
            );
        }
        let desc = matches!(f.within_group[0].options.sort, Some(ast::OrderBySort::Desc));
        let nulls_first = f.within_group[0].options.nulls_first.unwrap_or(desc);
        args.push(value);
        let ty = match (kind, array) {
            (crate::plan::OrderedSet::Cont, false) => DataType::Float8,
            (crate::plan::OrderedSet::Cont, true) => DataType::Array(&DataType::Float8),
            (_, true) => value_ty.array_type().ok_or_else(undefined)?,
            (_, false) => value_ty,
        };
        let call = AggCall {
            func: AggFunc::OrderedSet { kind, array },
            args,
            distinct: false,
            filter,
            order: vec![crate::plan::SortKey {
                column: 0,
                desc,
                nulls_first,
            }],
            levels_up: 0,
        };
        Ok(Expr {
            kind: ExprKind::Aggregate(Box::new(call)),
            ty,
            typmod: -1,
            pos,
        })
    }

    /// The direct arguments, FILTER and WITHIN GROUP expressions of an
    /// ordered-set or hypothetical-set call (no aggregate inside them).
    #[allow(clippy::type_complexity)]
    fn within_group_args(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<(Vec<Expr>, Option<Expr>, Vec<Expr>)> {
        let empty = Vec::new();
        let direct = match &f.args {
            FunctionArguments::List(list) => &list.args,
            _ => &empty,
        };
        self.no_aggs = Some(NESTED);
        let bound = self.aggregate_args(name, direct, f.filter.as_deref(), scope, pos, false);
        let keys: Result<Vec<Expr>> = f
            .within_group
            .iter()
            .map(|o| self.expr(&o.expr, scope))
            .collect();
        self.no_aggs = None;
        let (direct, filter, _) = bound?;
        Ok((direct, filter, keys?))
    }

    /// A hypothetical-set aggregate: `rank(args) WITHIN GROUP (ORDER BY
    /// keys)` and dense_rank, percent_rank, cume_dist; each argument and
    /// its key are brought to their common type.
    #[inline(never)]
    pub(super) fn hypothetical(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let (direct, filter, keys) = self.within_group_args(name, f, scope, pos)?;
        if direct.len() != keys.len() {
            let types: Vec<String> = direct
                .iter()
                .chain(&keys)
                .map(|e| e.ty.sql_name())
                .collect();
            return Err(SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {name}({}) does not exist", types.join(", ")),
            )
            .with_hint(format!(
                "To use the hypothetical-set aggregate {name}, the number of hypothetical direct arguments (here {}) must match the number of ordering columns (here {}).",
                direct.len(),
                keys.len()
            ))
            .at(pos));
        }
        let mut args = Vec::with_capacity(direct.len() * 2);
        let mut sorted = Vec::with_capacity(keys.len());
        let mut sort_keys = Vec::with_capacity(keys.len());
        for (i, ((d, k), o)) in direct
            .into_iter()
            .zip(keys)
            .zip(&f.within_group)
            .enumerate()
        {
            let ty = self.common_type(&[&d, &k], "WITHIN GROUP")?;
            let ty = if ty == DataType::Unknown {
                DataType::Text
            } else {
                ty
            };
            args.push(self.coerce(d, ty, -1, CoercionContext::Implicit)?);
            sorted.push(self.coerce(k, ty, -1, CoercionContext::Implicit)?);
            let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            sort_keys.push(crate::plan::SortKey {
                column: i,
                desc,
                nulls_first: o.options.nulls_first.unwrap_or(desc),
            });
        }
        args.extend(sorted);
        let (kind, ty) = match name {
            "rank" => (crate::plan::Hypothetical::Rank, DataType::Int8),
            "dense_rank" => (crate::plan::Hypothetical::DenseRank, DataType::Int8),
            "percent_rank" => (crate::plan::Hypothetical::PercentRank, DataType::Float8),
            _ => (crate::plan::Hypothetical::CumeDist, DataType::Float8),
        };
        Ok(Expr {
            kind: ExprKind::Aggregate(Box::new(AggCall {
                func: AggFunc::Hypothetical {
                    kind,
                    keys: sort_keys,
                },
                args,
                distinct: false,
                filter,
                order: Vec::new(),
                levels_up: 0,
            })),
            ty,
            typmod: -1,
            pos,
        })
    }

    /// The aggregate `name` over bound arguments, and its result type.
    pub(super) fn agg_call(
        &mut self,
        name: &str,
        args: Vec<Expr>,
        distinct: bool,
        filter: Option<Expr>,
        star: bool,
        pos: Option<u32>,
    ) -> Result<(AggCall, DataType)> {
        let types: Vec<DataType> = args.iter().map(|a| a.ty).collect();
        let undefined = || {
            let sig: Vec<String> = types.iter().map(|t| t.sql_name()).collect();
            SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {name}({}) does not exist", sig.join(", ")),
            )
            .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
            .at(pos)
        };
        let op =
            |o: &str, t: DataType| func::resolve(o, &[t, t], CallKind::Operator).map(|r| r.def);
        let (func, arg_ty, ty) = match (name, types.as_slice()) {
            ("count", []) if star => (AggFunc::CountStar, None, DataType::Int8),
            ("count", []) => {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    "count(*) must be used to call a parameterless aggregate function",
                )
                .at(pos))
            }
            ("count", [_]) => (AggFunc::Count, None, DataType::Int8),
            ("sum", [t]) => {
                let state = match t {
                    DataType::Int2 | DataType::Int4 => DataType::Int8,
                    DataType::Int8 | DataType::Numeric => DataType::Numeric,
                    DataType::Float4 | DataType::Float8 | DataType::Interval | DataType::Money => *t,
                    _ => return Err(undefined()),
                };
                let add = op("+", state).map_err(|_| undefined())?;
                (AggFunc::Sum { add }, Some(state), state)
            }
            ("avg", [t]) => {
                let (state, count_ty) = match t {
                    DataType::Int2 | DataType::Int4 | DataType::Int8 | DataType::Numeric => {
                        (DataType::Numeric, DataType::Numeric)
                    }
                    DataType::Float4 | DataType::Float8 => (DataType::Float8, DataType::Float8),
                    DataType::Interval => (DataType::Interval, DataType::Float8),
                    _ => return Err(undefined()),
                };
                let add = op("+", state).map_err(|_| undefined())?;
                let div = func::resolve("/", &[state, count_ty], CallKind::Operator)
                    .map_err(|_| undefined())?
                    .def;
                (AggFunc::Avg { add, div, count_ty }, Some(state), state)
            }
            ("min" | "max", [t]) => {
                let t = if *t == DataType::Unknown {
                    DataType::Text
                } else {
                    *t
                };
                // PostgreSQL has no min / max for these, though they compare.
                if matches!(
                    t,
                    DataType::Bool
                        | DataType::Bytea
                        | DataType::Uuid
                        | DataType::Json
                        | DataType::Jsonb
                        | DataType::Record
                        | DataType::Composite(_)
                ) {
                    return Err(undefined());
                }
                let better =
                    op(if name == "min" { "<" } else { ">" }, t).map_err(|_| undefined())?;
                (AggFunc::MinMax { better }, Some(t), t)
            }
            ("bool_and" | "every", [_]) => (AggFunc::BoolAnd, Some(DataType::Bool), DataType::Bool),
            (
                "bit_and" | "bit_or" | "bit_xor",
                [t @ (DataType::Int2 | DataType::Int4 | DataType::Int8 | DataType::Bit | DataType::VarBit)],
            ) => {
                let op = match name {
                    "bit_and" => '&',
                    "bit_or" => '|',
                    _ => '#',
                };
                let t = if *t == DataType::VarBit {
                    DataType::Bit
                } else {
                    *t
                };
                (AggFunc::Bits { op }, Some(t), t)
            }
            (
                "variance" | "var_samp" | "var_pop" | "stddev" | "stddev_samp" | "stddev_pop",
                [t],
            ) => {
                let float = match t {
                    DataType::Float4 | DataType::Float8 => true,
                    DataType::Int2 | DataType::Int4 | DataType::Int8 | DataType::Numeric => false,
                    _ => return Err(undefined()),
                };
                let state = if float {
                    DataType::Float8
                } else {
                    DataType::Numeric
                };
                let func = AggFunc::Stat {
                    population: name.ends_with("_pop"),
                    root: name.starts_with("stddev"),
                    float,
                };
                (func, Some(state), state)
            }
            ("bool_or", [_]) => (AggFunc::BoolOr, Some(DataType::Bool), DataType::Bool),
            (_, [y, x])
                if regression_aggregate(name).is_some()
                    && [y, x].iter().all(|t| {
                        **t == DataType::Unknown
                            || crate::cast::can_coerce(**t, DataType::Float8, CoercionContext::Implicit)
                    }) =>
            {
                let name = regression_aggregate(name).unwrap_or("corr");
                let ty = if name == "regr_count" {
                    DataType::Int8
                } else {
                    DataType::Float8
                };
                (AggFunc::Regr { name }, Some(DataType::Float8), ty)
            }
            ("string_agg", [_, _]) => (AggFunc::StringAgg, Some(DataType::Text), DataType::Text),
            ("grouping", [_, ..]) if !distinct => {
                (AggFunc::Grouping { cols: Vec::new() }, None, DataType::Int4)
            }
            ("array_agg", [DataType::Unknown]) => {
                return Err(SqlError::new(
                    SqlState::AMBIGUOUS_FUNCTION,
                    "function array_agg(unknown) is not unique",
                )
                .with_hint("Could not choose a best candidate function. You might need to add explicit type casts.")
                .at(pos))
            }
            ("json_agg" | "jsonb_agg" | "json_object_agg" | "jsonb_object_agg", [.., v])
                if args.len() == if name.ends_with("object_agg") { 2 } else { 1 } =>
            {
                // The value's type (an unknown literal is text).
                let ty = if *v == DataType::Unknown {
                    DataType::Text
                } else {
                    *v
                };
                let jsonb = name.starts_with("jsonb");
                let out = if jsonb {
                    DataType::Jsonb
                } else {
                    DataType::Json
                };
                let func = if name.ends_with("object_agg") {
                    AggFunc::JsonObjectAgg { jsonb, ty }
                } else {
                    AggFunc::JsonAgg { jsonb, ty }
                };
                (func, None, out)
            }
            ("range_agg", [t @ (DataType::Range(_) | DataType::UserRange(_))]) => (
                AggFunc::RangeAgg { intersect: false },
                Some(*t),
                DataType::multirange_of(*t).ok_or_else(undefined)?,
            ),
            (
                "range_agg" | "range_intersect_agg",
                [t @ (DataType::Range(_) | DataType::UserRange(_) | DataType::Multirange(_))],
            ) => (
                AggFunc::RangeAgg {
                    intersect: name == "range_intersect_agg",
                },
                Some(*t),
                *t,
            ),
            ("array_agg", [t @ DataType::Array(_)]) => (AggFunc::ArrayAgg, Some(*t), *t),
            ("array_agg", [t]) => {
                let array = t.array_type().ok_or_else(undefined)?;
                (AggFunc::ArrayAgg, Some(*t), array)
            }
            _ => return Err(undefined()),
        };
        let mut coerced = Vec::with_capacity(args.len());
        for a in args {
            coerced.push(match arg_ty {
                Some(t) if a.ty != t => self
                    .coerce(a, t, -1, CoercionContext::Implicit)
                    .map_err(|_| undefined())?,
                _ if a.ty == DataType::Unknown => {
                    self.coerce(a, DataType::Text, -1, CoercionContext::Implicit)?
                }
                _ => a,
            });
        }
        Ok((
            AggCall {
                func,
                args: coerced,
                distinct,
                filter,
                order: Vec::new(),
                levels_up: 0,
            },
            ty,
        ))
    }

    /// The ORDER BY inside an aggregate call, bound over its input (no
    /// aggregate may nest there) and added to `call`: its expressions
    /// follow the arguments. With DISTINCT each key must be an argument
    /// (42P10, as PostgreSQL).
    pub(super) fn aggregate_order(
        &mut self,
        call: &mut AggCall,
        order_by: &[ast::OrderByExpr],
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<()> {
        self.no_aggs = Some(NESTED);
        let keys = self.order_keys(call, order_by, scope, pos);
        self.no_aggs = None;
        for (i, (e, key)) in keys?.into_iter().enumerate() {
            call.args.push(e);
            call.order.push(crate::plan::SortKey { column: i, ..key });
        }
        Ok(())
    }

    /// The keys of [`Binder::aggregate_order`].
    fn order_keys(
        &mut self,
        call: &AggCall,
        order_by: &[ast::OrderByExpr],
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Vec<(Expr, crate::plan::SortKey)>> {
        let mut out = Vec::with_capacity(order_by.len());
        for o in order_by {
            let e = self.expr(&o.expr, scope)?;
            let e = if e.ty == DataType::Unknown {
                self.coerce(e, DataType::Text, -1, CoercionContext::Implicit)?
            } else {
                e
            };
            if call.distinct && !call.args.iter().any(|a| a.fingerprint() == e.fingerprint()) {
                return Err(SqlError::new(
                    SqlState::INVALID_COLUMN_REFERENCE,
                    "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
                )
                .at(pos));
            }
            out.push((e, super::select::sort_key(0, o)?));
        }
        Ok(out)
    }

    /// The arguments and FILTER of an aggregate; `*` only for count.
    #[allow(clippy::type_complexity)]
    pub(super) fn aggregate_args(
        &mut self,
        name: &str,
        args: &[FunctionArg],
        filter: Option<&ast::Expr>,
        scope: &Scope,
        pos: Option<u32>,
        distinct: bool,
    ) -> Result<(Vec<Expr>, Option<Expr>, bool)> {
        let mut out = Vec::with_capacity(args.len());
        let mut star = false;
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    let bound = self.expr(e, scope)?;
                    if distinct && !bound.ty.has_equality() {
                        return Err(crate::error::errors::no_equality(bound.ty).at(self.pos_of(e)));
                    }
                    if distinct && !bound.ty.has_ordering() {
                        return Err(crate::error::errors::no_ordering(bound.ty)
                            .with_detail(
                                "Aggregates with DISTINCT must be able to sort their inputs.",
                            )
                            .at(self.pos_of(e)));
                    }
                    out.push(bound)
                }
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard)
                    if name == "count" && args.len() == 1 && !distinct =>
                {
                    star = true;
                }
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => {
                    return Err(SqlError::syntax("syntax error at or near \"*\"", pos))
                }
                // count(t.*): the row of FROM item t, NULL where an outer
                // join null-extended it (here: every field NULL).
                FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(t)) => {
                    let table = object_name(t).join(".");
                    match self.whole_row(&table, scope)? {
                        Some(row) => out.push(func::row_or_null(row)),
                        None => {
                            return Err(SqlError::new(
                                SqlState::UNDEFINED_TABLE,
                                format!("missing FROM-clause entry for table \"{table}\""),
                            )
                            .at(pos))
                        }
                    }
                }
                _ => {
                    return Err(SqlError::unsupported(format!("the argument {a} of {name}")).at(pos))
                }
            }
        }
        let filter = match filter {
            Some(f) => {
                let e = self.expr(f, scope)?;
                Some(self.boolean(e, "FILTER")?)
            }
            None => None,
        };
        Ok((out, filter, star))
    }

    /// GROUP BY: the distinct group expressions, and with GROUPING SETS,
    /// ROLLUP or CUBE the sets (indexes into them; the items of a GROUP BY
    /// list multiply, as in PostgreSQL: `a, ROLLUP(b)` is (a, b), (a)).
    /// Positions and output-column names work as in a plain GROUP BY.
    #[allow(clippy::type_complexity)]
    pub(super) fn group_by(
        &mut self,
        g: &ast::GroupByExpr,
        scope: &Scope,
        columns: &[OutputColumn],
        exprs: &[Expr],
    ) -> Result<(Vec<Expr>, Option<Vec<Vec<usize>>>)> {
        let items = match g {
            ast::GroupByExpr::Expressions(items, mods) if mods.is_empty() => items,
            _ => return Err(SqlError::unsupported("GROUP BY ALL and GROUP BY ... WITH")),
        };
        let mut out: Vec<Expr> = Vec::with_capacity(items.len());
        let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
        let mut has_sets = false;
        for item in items {
            has_sets |= matches!(
                item,
                ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_)
            );
            let item_sets = self.item_sets(item, scope, columns, exprs, &mut out)?;
            let mut product = Vec::with_capacity(sets.len() * item_sets.len());
            for a in &sets {
                for b in &item_sets {
                    let mut set = a.clone();
                    for x in b {
                        if !set.contains(x) {
                            set.push(*x);
                        }
                    }
                    product.push(set);
                }
            }
            sets = product;
            if sets.len() > 4096 {
                return Err(SqlError::new(
                    SqlState::STATEMENT_TOO_COMPLEX,
                    "too many grouping sets present (maximum 4096)",
                ));
            }
        }
        if !has_sets {
            self.functionally_dependent(scope, &mut out);
        } else {
            // A primary key in every grouping set makes its table's other
            // columns dependent too: they join every set, so they are
            // never nulled (check_ungrouped_columns' gset_common).
            let common: Vec<Expr> = (0..out.len())
                .filter(|i| sets.iter().all(|s| s.contains(i)))
                .map(|i| out[i].clone())
                .collect();
            let mut extended = common.clone();
            self.functionally_dependent(scope, &mut extended);
            for e in extended.into_iter().skip(common.len()) {
                // A column some sets group by stays theirs (nulled in
                // the others).
                if out.iter().any(|o| o.fingerprint() == e.fingerprint()) {
                    continue;
                }
                out.push(e);
                let idx = out.len() - 1;
                for s in &mut sets {
                    s.push(idx);
                }
            }
        }
        Ok((out, has_sets.then_some(sets)))
    }

    /// Grouping by a table's primary key groups by all its columns
    /// (PostgreSQL's functional dependency): they are added as group keys
    /// so the select list may name them.
    fn functionally_dependent(&mut self, scope: &Scope, out: &mut Vec<Expr>) {
        let grouped: Vec<usize> = out
            .iter()
            .filter_map(|e| match e.kind {
                ExprKind::Column(i) => Some(i),
                _ => None,
            })
            .collect();
        let mut done: Vec<(Option<String>, u32)> = Vec::new();
        for &g in &grouped {
            let Some(c) = scope.columns.get(g) else {
                continue;
            };
            let instance = (c.table.clone(), c.table_oid);
            if c.table_oid == 0 || c.attnum <= 0 || done.contains(&instance) {
                continue;
            }
            done.push(instance.clone());
            let pk = self.tables.primary_key(c.table_oid);
            let of_instance =
                |x: &crate::binder::ScopeColumn| x.table == instance.0 && x.table_oid == instance.1;
            let covered = !pk.is_empty()
                && pk.iter().all(|a| {
                    grouped.iter().any(|&i| {
                        scope
                            .columns
                            .get(i)
                            .is_some_and(|x| of_instance(x) && x.attnum == *a)
                    })
                });
            if !covered {
                continue;
            }
            for (j, x) in scope.columns.iter().enumerate() {
                if of_instance(x) && x.attnum > 0 && !grouped.contains(&j) {
                    let e = Expr {
                        kind: ExprKind::Column(j),
                        ty: x.ty,
                        typmod: x.typmod,
                        pos: None,
                    };
                    if !out.iter().any(|o| o.fingerprint() == e.fingerprint()) {
                        out.push(e);
                    }
                }
            }
        }
    }

    /// The grouping sets one GROUP BY item stands for (a plain item: one
    /// set of itself).
    fn item_sets(
        &mut self,
        item: &ast::Expr,
        scope: &Scope,
        columns: &[OutputColumn],
        exprs: &[Expr],
        out: &mut Vec<Expr>,
    ) -> Result<Vec<Vec<usize>>> {
        Ok(match item {
            ast::Expr::Rollup(list) => {
                let groups = self.column_groups(list, scope, columns, exprs, out)?;
                (0..=groups.len())
                    .rev()
                    .map(|n| groups[..n].concat())
                    .collect()
            }
            ast::Expr::Cube(list) => {
                if list.len() > 12 {
                    return Err(SqlError::new(
                        SqlState::PROGRAM_LIMIT_EXCEEDED,
                        "CUBE is limited to 12 elements",
                    )
                    .at(self.pos_of(item)));
                }
                let groups = self.column_groups(list, scope, columns, exprs, out)?;
                let n = groups.len();
                (0..1usize << n)
                    .rev()
                    .map(|m| {
                        (0..n)
                            .filter(|i| m & (1 << (n - 1 - i)) != 0)
                            .flat_map(|i| groups[i].iter().copied())
                            .collect()
                    })
                    .collect()
            }
            ast::Expr::GroupingSets(list) => {
                self.grouping_sets(list, scope, columns, exprs, out)?
            }
            other => vec![vec![self.group_item(other, scope, columns, exprs, out)?]],
        })
    }

    /// GROUPING SETS (...): its sets, where an element that is itself a
    /// ROLLUP, CUBE or GROUPING SETS contributes all of its sets
    /// (`GROUPING SETS (a, ROLLUP(b, c))` is (a), (b, c), (b), ()).
    fn grouping_sets(
        &mut self,
        list: &[Vec<ast::Expr>],
        scope: &Scope,
        columns: &[OutputColumn],
        exprs: &[Expr],
        out: &mut Vec<Expr>,
    ) -> Result<Vec<Vec<usize>>> {
        crate::stack::check()?;
        let mut sets = Vec::new();
        for group in list {
            let nested = match group.as_slice() {
                [e @ (ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_))] => {
                    Some(e.clone())
                }
                // sqlparser reads ROLLUP / CUBE inside GROUPING SETS as
                // calls.
                [ast::Expr::Function(f)] => rollup_call(f),
                _ => None,
            };
            match nested {
                Some(e) => sets.extend(self.item_sets(&e, scope, columns, exprs, out)?),
                None => {
                    let mut set = Vec::with_capacity(group.len());
                    for e in group {
                        set.push(self.group_item(e, scope, columns, exprs, out)?);
                    }
                    sets.push(set);
                }
            }
        }
        Ok(sets)
    }

    /// The parenthesized lists of ROLLUP, CUBE or GROUPING SETS, each as
    /// indexes of group expressions.
    fn column_groups(
        &mut self,
        list: &[Vec<ast::Expr>],
        scope: &Scope,
        columns: &[OutputColumn],
        exprs: &[Expr],
        out: &mut Vec<Expr>,
    ) -> Result<Vec<Vec<usize>>> {
        list.iter()
            .map(|group| {
                group
                    .iter()
                    .map(|e| self.group_item(e, scope, columns, exprs, out))
                    .collect()
            })
            .collect()
    }

    /// One group expression (a select-list position, an output name, or
    /// an expression), added to `out` unless already there; its index.
    fn group_item(
        &mut self,
        item: &ast::Expr,
        scope: &Scope,
        columns: &[OutputColumn],
        exprs: &[Expr],
        out: &mut Vec<Expr>,
    ) -> Result<usize> {
        let e = self.group_expr(item, scope, columns, exprs)?;
        if !e.ty.has_equality() {
            return Err(crate::error::errors::no_equality(e.ty).at(self.pos_of(item)));
        }
        let fp = e.fingerprint();
        Ok(match out.iter().position(|x| x.fingerprint() == fp) {
            Some(i) => i,
            None => {
                out.push(e);
                out.len() - 1
            }
        })
    }

    fn group_expr(
        &mut self,
        item: &ast::Expr,
        scope: &Scope,
        columns: &[OutputColumn],
        exprs: &[Expr],
    ) -> Result<Expr> {
        if let ast::Expr::Value(v) = item {
            if let ast::Value::Number(n, _) = &v.value {
                let p = n
                    .parse::<usize>()
                    .ok()
                    .filter(|&p| p >= 1 && p <= columns.len());
                let Some(p) = p else {
                    return Err(SqlError::new(
                        SqlState::INVALID_COLUMN_REFERENCE,
                        format!("GROUP BY position {n} is not in select list"),
                    )
                    .at(self.pos_of(item)));
                };
                let e = &exprs[p - 1];
                let mut windowed = false;
                e.visit(&mut |x| windowed |= matches!(x.kind, ExprKind::Window(_)));
                if windowed {
                    return Err(SqlError::new(
                        SqlState::WINDOWING_ERROR,
                        "window functions are not allowed in GROUP BY",
                    )
                    .at(e.pos));
                }
                return Ok(e.clone());
            }
        }
        let saved = self
            .no_aggs
            .replace("aggregate functions are not allowed in GROUP BY");
        let bound = self.expr(item, scope);
        self.no_aggs = saved;
        match bound {
            Ok(e) => Ok(e),
            Err(err) if err.code() == SqlState::UNDEFINED_COLUMN => {
                let alias = match item {
                    ast::Expr::Identifier(id) => Some(ident(id)),
                    _ => None,
                };
                match alias.and_then(|a| columns.iter().position(|c| c.name == a)) {
                    Some(i) => Ok(exprs[i].clone()),
                    None => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// Rewrites `e` over the Aggregate node's output: group expressions
    /// become their group column, aggregates their result column; any
    /// other input column is 42803.
    pub(super) fn regroup(
        &mut self,
        e: Expr,
        group: &[String],
        aggs: &mut Vec<AggCall>,
        scope: &Scope,
    ) -> Result<Expr> {
        if !group.is_empty() && (self.group_consts || !matches!(e.kind, ExprKind::Const(_))) {
            let fp = e.fingerprint();
            if let Some(k) = group.iter().position(|g| *g == fp) {
                return Ok(Expr {
                    kind: ExprKind::Column(k),
                    ..e
                });
            }
        }
        let Expr {
            kind,
            ty,
            typmod,
            pos,
        } = e;
        let kind = match kind {
            // An aggregate of an enclosing query: its arguments read none
            // of this query's columns.
            ExprKind::Aggregate(call) if call.levels_up > 0 => ExprKind::Aggregate(call),
            ExprKind::Aggregate(mut call) => {
                if let AggFunc::Grouping { cols } = &mut call.func {
                    if call.args.len() > 31 {
                        return Err(SqlError::new(
                            SqlState::TOO_MANY_ARGUMENTS,
                            "GROUPING must have fewer than 32 arguments",
                        )
                        .at(pos));
                    }
                    for a in std::mem::take(&mut call.args) {
                        let fp = a.fingerprint();
                        let Some(k) = group.iter().position(|g| *g == fp) else {
                            return Err(SqlError::new(
                                SqlState::GROUPING_ERROR,
                                "arguments to GROUPING must be grouping expressions of the associated query level",
                            )
                            .at(a.pos.or(pos)));
                        };
                        cols.push(k);
                    }
                }
                aggs.push(*call);
                ExprKind::Column(group.len() + aggs.len() - 1)
            }
            ExprKind::Column(i) => {
                let c = &scope.columns[i];
                let name = match &c.table {
                    Some(t) => format!("{t}.{}", c.name),
                    None => c.name.clone(),
                };
                return Err(SqlError::new(
                    SqlState::GROUPING_ERROR,
                    format!("column \"{name}\" must appear in the GROUP BY clause or be used in an aggregate function"),
                )
                .at(pos));
            }
            ExprKind::SubLink(mut s) if s.correlated => {
                regroup_subquery(&mut s.plan, group, aggs, scope)?;
                ExprKind::SubLink(s).map_children(|c| self.regroup(c, group, aggs, scope))?
            }
            k => k.map_children(|c| self.regroup(c, group, aggs, scope))?,
        };
        Ok(Expr {
            kind,
            ty,
            typmod,
            pos,
        })
    }
}

/// A correlated subquery of a grouped query, over the Aggregate node's
/// output: its references to the query's columns become group columns
/// (42803 for any other), and the aggregates of the query written
/// inside it (`levels_up` reaching the query) move to `aggs`, read as
/// their result columns.
fn regroup_subquery(
    plan: &mut crate::plan::Plan,
    group: &[String],
    aggs: &mut Vec<AggCall>,
    scope: &Scope,
) -> Result<()> {
    let mut err = None;
    crate::plan::exprs_at_levels(plan, 1, &mut |x, at| {
        let taken = std::mem::replace(x, Expr::null_bool());
        *x = crate::plan::rewrite_levels(taken, at, &mut |e, at| match e.kind {
            ExprKind::Aggregate(mut call) if call.levels_up == at => {
                call.levels_up = 0;
                for a in call.args.iter_mut().chain(&mut call.filter) {
                    let taken = std::mem::replace(a, Expr::null_bool());
                    *a = lower_levels(taken, at);
                }
                aggs.push(*call);
                ControlFlow::Break(Expr {
                    kind: ExprKind::Outer {
                        depth: at,
                        index: group.len() + aggs.len() - 1,
                    },
                    ..e
                })
            }
            ExprKind::Outer { depth, index } if depth == at => {
                let fp = format!("{:?}", ExprKind::Column(index));
                let Some(k) = group.iter().position(|g| *g == fp) else {
                    if err.is_none() {
                        let c = &scope.columns[index];
                        let name = match &c.table {
                            Some(t) => format!("{t}.{}", c.name),
                            None => c.name.clone(),
                        };
                        err = Some(
                            SqlError::new(
                                SqlState::GROUPING_ERROR,
                                format!(
                                    "subquery uses ungrouped column \"{name}\" from outer query"
                                ),
                            )
                            .at(e.pos),
                        );
                    }
                    return ControlFlow::Break(e);
                };
                ControlFlow::Break(Expr {
                    kind: ExprKind::Outer { depth, index: k },
                    ..e
                })
            }
            kind => ControlFlow::Continue(Expr { kind, ..e }),
        });
    });
    err.map_or(Ok(()), Err)
}

/// An argument of an aggregate bound `by` query levels below its own
/// query, moved there: that query's columns are read as its own, those
/// of queries further out `by` levels nearer.
fn lower_levels(e: Expr, by: usize) -> Expr {
    crate::plan::rewrite_levels(e, 0, &mut |e, at| match e.kind {
        ExprKind::Outer { depth, index } if depth >= at + by => {
            let kind = match depth - by {
                0 => ExprKind::Column(index),
                depth => ExprKind::Outer { depth, index },
            };
            ControlFlow::Break(Expr { kind, ..e })
        }
        kind => ControlFlow::Continue(Expr { kind, ..e }),
    })
}

/// `rollup(a, (b, c))` / `cube(...)` as sqlparser reads them inside
/// GROUPING SETS: the ROLLUP / CUBE they are.
fn rollup_call(f: &ast::Function) -> Option<ast::Expr> {
    let name = super::names::object_name(&f.name);
    let [name] = name.as_slice() else {
        return None;
    };
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    if f.over.is_some() || list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
        return None;
    }
    let mut groups = Vec::with_capacity(list.args.len());
    for a in &list.args {
        let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = a else {
            return None;
        };
        groups.push(match e {
            ast::Expr::Tuple(items) => items.clone(),
            ast::Expr::Nested(inner) => vec![(**inner).clone()],
            other => vec![other.clone()],
        });
    }
    match name.as_str() {
        "rollup" => Some(ast::Expr::Rollup(groups)),
        "cube" => Some(ast::Expr::Cube(groups)),
        _ => None,
    }
}
