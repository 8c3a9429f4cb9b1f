//! Window functions: `f(args) OVER (PARTITION BY ... ORDER BY ... frame)`.
//!
//! Bound like aggregates: the call becomes an [`ExprKind::Window`] node in
//! the select list or ORDER BY, and the query binder moves it into a
//! Window plan node that runs after grouping, replacing it by a column.

use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::{Binder, Scope};
use crate::cast::CoercionContext;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::parser::{take_exclusion, Exclusion};
use crate::plan::{Frame, FrameBound, FrameUnits, RangeOffset, WindowCall, WindowFunc};
use crate::types::DataType;

impl Binder<'_> {
    /// Binds a call with OVER.
    pub(super) fn window_function(
        &mut self,
        name: &str,
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if !self.windows_ok {
            let place = if self.in_window_definition {
                "window definitions"
            } else {
                self.no_aggs
                    .and_then(|m| m.strip_prefix("aggregate functions are not allowed in "))
                    .unwrap_or("this context")
            };
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                format!("window functions are not allowed in {place}"),
            )
            .at(pos));
        }
        let spec = match &f.over {
            Some(ast::WindowType::WindowSpec(spec)) => self.resolve_window(spec, pos)?,
            Some(ast::WindowType::NamedWindow(name)) => self.resolve_window(
                &ast::WindowSpec {
                    window_name: Some(name.clone()),
                    partition_by: Vec::new(),
                    order_by: Vec::new(),
                    window_frame: None,
                },
                pos,
            )?,
            None => return Err(SqlError::internal("window call without OVER")),
        };
        let (spec, exclusion) = spec;
        let spec = &spec;
        // Nested window calls are an error; aggregates inside are fine.
        self.windows_ok = false;
        let outer = std::mem::replace(&mut self.in_window_definition, true);
        let bound = self.window_parts(name, f, spec, scope, pos);
        self.in_window_definition = outer;
        self.in_window_args = false;
        self.windows_ok = true;
        let (func, args, partition, order, mut frame, ty) = bound?;
        frame.exclude = exclusion;
        Ok(Expr {
            kind: ExprKind::Window(Box::new(WindowCall {
                func,
                args,
                partition,
                order,
                frame,
                clause: 0,
            })),
            ty,
            typmod: -1,
            pos,
        })
    }

    #[allow(clippy::type_complexity)]
    fn window_parts(
        &mut self,
        name: &str,
        f: &ast::Function,
        spec: &ast::WindowSpec,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<(
        WindowFunc,
        Vec<Expr>,
        Vec<Expr>,
        Vec<(Expr, bool, bool)>,
        Frame,
        DataType,
    )> {
        let mut partition = Vec::with_capacity(spec.partition_by.len());
        for e in &spec.partition_by {
            partition.push(self.expr(e, scope)?);
        }
        let mut order = Vec::with_capacity(spec.order_by.len());
        for o in &spec.order_by {
            let e = self.expr(&o.expr, scope)?;
            let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            // A key repeating an earlier one orders nothing (PostgreSQL
            // drops it too, so `ORDER BY x, x` is one column for RANGE).
            if order
                .iter()
                .any(|(k, _, _): &(Expr, bool, bool)| k.fingerprint() == e.fingerprint())
            {
                continue;
            }
            order.push((e, desc, o.options.nulls_first.unwrap_or(desc)));
        }
        let key_ty = match order.as_slice() {
            [(e, _, _)] => Some(e.ty),
            _ => None,
        };
        let frame = self.frame(spec.window_frame.as_ref(), order.len(), key_ty, scope)?;
        self.in_window_args = true;
        let list = match &f.args {
            FunctionArguments::List(l) => Some(l),
            FunctionArguments::None => None,
            FunctionArguments::Subquery(_) => {
                return Err(
                    SqlError::unsupported("a subquery as a window function argument").at(pos),
                )
            }
        };
        if !super::group::is_aggregate(name) {
            // A user aggregate over the window's frame.
            let mut plain = f.clone();
            plain.over = None;
            if list.is_some_and(|l| l.duplicate_treatment.is_some()) {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "DISTINCT is not implemented for window functions",
                )
                .at(pos));
            }
            let parts = super::names::object_name(&f.name);
            if let Some(e) = self.user_aggregate_call(&parts, &plain, scope, pos)? {
                if let ExprKind::Aggregate(mut call) = e.kind {
                    // A window function belongs to its own query.
                    call.levels_up = 0;
                    return Ok((
                        WindowFunc::Agg(*call),
                        Vec::new(),
                        partition,
                        order,
                        frame,
                        e.ty,
                    ));
                }
            }
        }
        if super::group::is_aggregate(name) {
            let Some(list) = list else {
                return Err(if name == "count" {
                    SqlError::new(
                        SqlState::WRONG_OBJECT_TYPE,
                        "count(*) must be used to call a parameterless aggregate function",
                    )
                } else {
                    SqlError::new(
                        SqlState::UNDEFINED_FUNCTION,
                        format!("function {name}() does not exist"),
                    )
                }
                .at(pos));
            };
            if list.duplicate_treatment.is_some() {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "DISTINCT is not implemented for window functions",
                )
                .at(pos));
            }
            let (args, filter, star) =
                self.aggregate_args(name, &list.args, f.filter.as_deref(), scope, pos, false)?;
            let (call, ty) = self.agg_call(name, args, false, filter, star, pos)?;
            return Ok((
                WindowFunc::Agg(call),
                Vec::new(),
                partition,
                order,
                frame,
                ty,
            ));
        }
        let mut args = Vec::new();
        for a in list.map(|l| l.args.as_slice()).unwrap_or_default() {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.expr(e, scope)?),
                _ => return Err(SqlError::unsupported(format!("the argument {a}")).at(pos)),
            }
        }
        let undefined = |args: &[Expr]| {
            let sig: Vec<String> = args.iter().map(|a| a.ty.sql_name()).collect();
            SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {name}({}) does not exist", sig.join(", ")),
            )
            .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
            .at(pos)
        };
        // An integer argument (ntile's count, the offset of lag, lead and
        // nth_value); a type with no implicit cast names no function.
        let int4_argument = |binder: &mut Self, args: &mut Vec<Expr>, i: usize| {
            args[i] = binder
                .coerce(
                    args[i].clone(),
                    DataType::Int4,
                    -1,
                    CoercionContext::Implicit,
                )
                .map_err(|_| undefined(args))?;
            Ok::<(), SqlError>(())
        };
        let (func, ty) = match (name, args.len()) {
            ("row_number", 0) => (WindowFunc::RowNumber, DataType::Int8),
            ("rank", 0) => (WindowFunc::Rank, DataType::Int8),
            ("dense_rank", 0) => (WindowFunc::DenseRank, DataType::Int8),
            ("percent_rank", 0) => (WindowFunc::PercentRank, DataType::Float8),
            ("cume_dist", 0) => (WindowFunc::CumeDist, DataType::Float8),
            ("ntile", 1) => {
                int4_argument(self, &mut args, 0)?;
                (WindowFunc::Ntile, DataType::Int4)
            }
            ("lag" | "lead", 1..=3) => {
                let mut ty = args[0].ty;
                if args.len() == 3 {
                    let refs = [&args[0], &args[2]];
                    ty = self.common_type(&refs, name)?;
                    args[2] = self.coerce(args[2].clone(), ty, -1, CoercionContext::Implicit)?;
                }
                if ty == DataType::Unknown {
                    ty = DataType::Text;
                }
                args[0] = self.coerce(args[0].clone(), ty, -1, CoercionContext::Implicit)?;
                if args.len() >= 2 {
                    int4_argument(self, &mut args, 1)?;
                }
                (
                    if name == "lag" {
                        WindowFunc::Lag
                    } else {
                        WindowFunc::Lead
                    },
                    ty,
                )
            }
            ("first_value" | "last_value", 1) | ("nth_value", 2) => {
                // The value's own type (an unknown literal is text).
                let ty = if args[0].ty == DataType::Unknown {
                    DataType::Text
                } else {
                    args[0].ty
                };
                args[0] = self.coerce(args[0].clone(), ty, -1, CoercionContext::Implicit)?;
                if name == "nth_value" {
                    int4_argument(self, &mut args, 1)?;
                }
                let func = match name {
                    "first_value" => WindowFunc::FirstValue,
                    "last_value" => WindowFunc::LastValue,
                    _ => WindowFunc::NthValue,
                };
                (func, ty)
            }
            (
                "row_number" | "rank" | "dense_rank" | "percent_rank" | "cume_dist" | "ntile"
                | "lag" | "lead" | "first_value" | "last_value" | "nth_value",
                _,
            ) => return Err(undefined(&args)),
            _ if !crate::func::lookup(name, args.len()).is_empty() || super::srf::is_srf(name) => {
                return Err(super::select::not_a_window_function(name).at(pos))
            }
            // A user function that is not an aggregate.
            _ if self
                .tables
                .functions(&super::names::object_name(&f.name))?
                .iter()
                .any(|u| u.aggregate.is_none() && u.params.len() >= args.len()) =>
            {
                return Err(super::select::not_a_window_function(name).at(pos))
            }
            _ => return Err(undefined(&args)),
        };
        Ok((func, args, partition, order, frame, ty))
    }

    /// A window specification with its base named window (`OVER w`,
    /// `OVER (w ORDER BY ...)`) merged in, as PostgreSQL: the base's
    /// PARTITION BY, its ORDER BY unless the copy has one, and the frame.
    fn resolve_window(
        &self,
        spec: &ast::WindowSpec,
        pos: Option<u32>,
    ) -> Result<(ast::WindowSpec, Exclusion)> {
        let mut spec = spec.clone();
        let exclusion = take_exclusion(&mut spec.order_by);
        let Some(base_name) = &spec.window_name else {
            return Ok((spec, exclusion));
        };
        let name = super::ident(base_name);
        let Some((_, base)) = self.named_windows.iter().find(|(n, _)| *n == name) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("window \"{name}\" does not exist"),
            )
            .at(pos));
        };
        let (base, base_exclusion) =
            if base.window_name.is_some() && base.window_name != spec.window_name {
                self.resolve_window(base, pos)?
            } else {
                let mut base = base.clone();
                let e = take_exclusion(&mut base.order_by);
                (base, e)
            };
        if !spec.partition_by.is_empty() {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                format!("cannot override PARTITION BY clause of window \"{name}\""),
            )
            .at(pos));
        }
        if !spec.order_by.is_empty() && !base.order_by.is_empty() {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                format!("cannot override ORDER BY clause of window \"{name}\""),
            )
            .at(pos));
        }
        let exclusion = if spec.window_frame.is_some() {
            exclusion
        } else {
            base_exclusion
        };
        Ok((
            ast::WindowSpec {
                window_name: None,
                partition_by: base.partition_by.clone(),
                order_by: if spec.order_by.is_empty() {
                    base.order_by.clone()
                } else {
                    spec.order_by.clone()
                },
                window_frame: spec.window_frame.clone().or(base.window_frame.clone()),
            },
            exclusion,
        ))
    }

    /// The frame clause; without one, RANGE UNBOUNDED PRECEDING to CURRENT
    /// ROW (the whole partition when there is no ORDER BY: every row is
    /// a peer). `ordered` counts the ORDER BY keys; `key_ty` is the type
    /// of the only one (RANGE offsets move it).
    fn frame(
        &mut self,
        f: Option<&ast::WindowFrame>,
        ordered: usize,
        key_ty: Option<DataType>,
        scope: &Scope,
    ) -> Result<Frame> {
        let Some(f) = f else {
            return Ok(Frame {
                units: FrameUnits::Range,
                start: FrameBound::UnboundedPreceding,
                end: if ordered > 0 {
                    FrameBound::CurrentRow
                } else {
                    FrameBound::UnboundedFollowing
                },
                exclude: Exclusion::NoOthers,
            });
        };
        let units = match f.units {
            ast::WindowFrameUnits::Rows => FrameUnits::Rows,
            ast::WindowFrameUnits::Range => FrameUnits::Range,
            ast::WindowFrameUnits::Groups => FrameUnits::Groups,
        };
        if units == FrameUnits::Groups && ordered == 0 {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                "GROUPS mode requires an ORDER BY clause",
            ));
        }
        let start = self.bound(&f.start_bound, units, ordered, key_ty, scope)?;
        let end = match &f.end_bound {
            Some(b) => self.bound(b, units, ordered, key_ty, scope)?,
            None => FrameBound::CurrentRow,
        };
        if matches!(start, FrameBound::UnboundedFollowing) {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                "frame start cannot be UNBOUNDED FOLLOWING",
            ));
        }
        if matches!(end, FrameBound::UnboundedPreceding) {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                "frame end cannot be UNBOUNDED PRECEDING",
            ));
        }
        Ok(Frame {
            units,
            start,
            end,
            exclude: Exclusion::NoOthers,
        })
    }

    /// One frame bound. Offsets are expressions without column
    /// references, computed when the window runs (so parameters and
    /// subqueries work), as PostgreSQL's transformFrameOffset.
    fn bound(
        &mut self,
        b: &ast::WindowFrameBound,
        units: FrameUnits,
        ordered: usize,
        key_ty: Option<DataType>,
        scope: &Scope,
    ) -> Result<FrameBound> {
        let (e, preceding) = match b {
            ast::WindowFrameBound::CurrentRow => return Ok(FrameBound::CurrentRow),
            ast::WindowFrameBound::Preceding(None) => return Ok(FrameBound::UnboundedPreceding),
            ast::WindowFrameBound::Following(None) => return Ok(FrameBound::UnboundedFollowing),
            ast::WindowFrameBound::Preceding(Some(e)) => (e, true),
            ast::WindowFrameBound::Following(Some(e)) => (e, false),
        };
        let construct = match units {
            FrameUnits::Rows => "ROWS",
            FrameUnits::Range => "RANGE",
            FrameUnits::Groups => "GROUPS",
        };
        let bound = self.expr(e, scope)?;
        // Columns of an enclosing query (a function's parameters) are
        // fixed while the window runs: only this query's own are refused
        // (contain_vars_of_level(0)).
        let mut variables = false;
        bound.visit(&mut |x| variables |= matches!(x.kind, ExprKind::Column(_)));
        if variables {
            return Err(SqlError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                format!("argument of {construct} must not contain variables"),
            )
            .at(bound.pos));
        }
        if units == FrameUnits::Range {
            let key = match (ordered, key_ty) {
                (1, Some(t)) => t,
                _ => return Err(SqlError::new(
                    SqlState::WINDOWING_ERROR,
                    "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
                )),
            };
            return self.range_offset(bound, key, preceding);
        }
        let offset = Box::new(self.coerce_to_specific(bound, DataType::Int8, construct)?);
        Ok(if preceding {
            FrameBound::Preceding(offset)
        } else {
            FrameBound::Following(offset)
        })
    }

    /// `e` as type `to` for the frame clause `construct`
    /// (coerce_to_specific_type): 42804 unless it converts implicitly.
    fn coerce_to_specific(&mut self, e: Expr, to: DataType, construct: &str) -> Result<Expr> {
        if e.ty != DataType::Unknown
            && e.ty != to
            && !crate::cast::can_coerce(e.ty, to, CoercionContext::Implicit)
        {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "argument of {construct} must be type {}, not type {}",
                    to.sql_name(),
                    e.ty.sql_name()
                ),
            )
            .at(e.pos));
        }
        self.coerce(e, to, -1, CoercionContext::Implicit)
    }

    /// A RANGE offset for an ORDER BY key of type `key`: numbers move
    /// numbers of the key's type, dates and times move by intervals (as
    /// PostgreSQL's in_range support functions).
    fn range_offset(&mut self, bound: Expr, key: DataType, preceding: bool) -> Result<FrameBound> {
        let offset_ty = match key {
            DataType::Int2 | DataType::Int4 | DataType::Int8 => DataType::Int8,
            DataType::Float4 | DataType::Float8 => DataType::Float8,
            DataType::Numeric => DataType::Numeric,
            DataType::Date
            | DataType::Timestamp
            | DataType::TimestampTz
            | DataType::Time
            | DataType::TimeTz
            | DataType::Interval => DataType::Interval,
            other => {
                // Named as the sort operator class's input type names it.
                let named = match other {
                    DataType::Varchar => DataType::Text,
                    t => t,
                };
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!(
                        "RANGE with offset PRECEDING/FOLLOWING is not supported for column type {}",
                        named.sql_name()
                    ),
                ));
            }
        };
        let key_ty = match key {
            DataType::Int2 | DataType::Int4 => DataType::Int8,
            DataType::Float4 => DataType::Float8,
            other => other,
        };
        let from = bound.ty;
        // The offset's type must convert implicitly (an interval for
        // dates and times, a number for numbers).
        if from != DataType::Unknown
            && !crate::cast::can_coerce(from, offset_ty, CoercionContext::Implicit)
        {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!(
                    "RANGE with offset PRECEDING/FOLLOWING is not supported for column type {} and offset type {}",
                    key.sql_name(),
                    from.sql_name()
                ),
            ));
        }
        let offset = self.coerce_to_specific(bound, offset_ty, "RANGE")?;
        let op = |o: &str| {
            crate::func::resolve(o, &[key_ty, offset_ty], crate::func::CallKind::Operator)
                .map(|r| r.def)
                .map_err(|_| {
                    SqlError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        format!(
                            "RANGE with offset PRECEDING/FOLLOWING is not supported for column type {}",
                            key.sql_name()
                        ),
                    )
                })
        };
        let r = Box::new(RangeOffset {
            offset,
            add: op("+")?,
            sub: op("-")?,
        });
        Ok(if preceding {
            FrameBound::ValuePreceding(r)
        } else {
            FrameBound::ValueFollowing(r)
        })
    }
}

/// Numbers the windows of `calls` in the order PostgreSQL's planner runs
/// them (select_active_windows): sort-clause references are handed out
/// window by window, ORDER BY keys before PARTITION BY keys; windows are
/// then sorted by their keys' references, later references first, then
/// by direction, longer key lists first among equals, so a window whose
/// keys are a prefix of another's needs no sort of its own.
pub(super) fn order_windows(calls: &mut [WindowCall]) {
    /// A sort key: (reference, descending, nulls first).
    type Key = (usize, bool, bool);
    // Each distinct window's identity and keys.
    let mut refs: Vec<String> = Vec::new();
    let mut windows: Vec<(String, Vec<Key>)> = Vec::new();
    let mut of_call = Vec::with_capacity(calls.len());
    for call in calls.iter() {
        let fps: Vec<String> = call.partition.iter().map(Expr::fingerprint).collect();
        let ofps: Vec<String> = call.order.iter().map(|(e, _, _)| e.fingerprint()).collect();
        let id = format!(
            "{fps:?}{ofps:?}{:?}",
            call.order.iter().map(|o| (o.1, o.2)).collect::<Vec<_>>()
        );
        if let Some(w) = windows.iter().position(|w| w.0 == id) {
            of_call.push(w);
            continue;
        }
        let mut reference = |fp: &String| match refs.iter().position(|r| r == fp) {
            Some(r) => r,
            None => {
                refs.push(fp.clone());
                refs.len() - 1
            }
        };
        let order_refs: Vec<usize> = ofps.iter().map(&mut reference).collect();
        let mut keys: Vec<Key> = fps.iter().map(|fp| (reference(fp), false, false)).collect();
        // ORDER BY keys that repeat a PARTITION BY key sort nothing more.
        for (j, (_, desc, nulls_first)) in call.order.iter().enumerate() {
            if !fps.contains(&ofps[j]) {
                keys.push((order_refs[j], *desc, *nulls_first));
            }
        }
        of_call.push(windows.len());
        windows.push((id, keys));
    }
    let mut sorted: Vec<usize> = (0..windows.len()).collect();
    crate::exec::qsort::pg_qsort(&mut sorted, &mut |&a, &b| {
        let (x, y) = (&windows[a].1, &windows[b].1);
        for (p, q) in x.iter().zip(y) {
            // Later references, descending sorts (the greater operator
            // OID) and NULLS FIRST sort first.
            let o = q.0.cmp(&p.0).then(q.1.cmp(&p.1)).then(q.2.cmp(&p.2));
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        y.len().cmp(&x.len())
    });
    for (call, w) in calls.iter_mut().zip(of_call) {
        call.clause = sorted.iter().position(|&s| s == w).unwrap_or(0);
    }
}
