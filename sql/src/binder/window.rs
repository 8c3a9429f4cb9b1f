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
use crate::plan::{Frame, FrameBound, WindowCall, WindowFunc};
use crate::types::DataType;
use crate::value::Value;

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
            let place = self
                .no_aggs
                .and_then(|m| m.strip_prefix("aggregate functions are not allowed in "))
                .unwrap_or("this context");
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
        let spec = &spec;
        // Nested window calls are an error; aggregates inside are fine.
        self.windows_ok = false;
        let bound = self.window_parts(name, f, spec, scope, pos);
        self.windows_ok = true;
        let (func, args, partition, order, frame, ty) = bound?;
        Ok(Expr {
            kind: ExprKind::Window(Box::new(WindowCall {
                func,
                args,
                partition,
                order,
                frame,
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
            order.push((e, desc, o.options.nulls_first.unwrap_or(desc)));
        }
        let frame = self.frame(spec.window_frame.as_ref(), !order.is_empty())?;
        let list = match &f.args {
            FunctionArguments::List(l) => Some(l),
            FunctionArguments::None => None,
            FunctionArguments::Subquery(_) => {
                return Err(
                    SqlError::unsupported("a subquery as a window function argument").at(pos),
                )
            }
        };
        if super::group::is_aggregate(name) {
            let Some(list) = list else {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    format!("function {name}() does not exist"),
                )
                .at(pos));
            };
            if list.duplicate_treatment.is_some() {
                return Err(SqlError::unsupported(
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
        let (func, ty) = match (name, args.len()) {
            ("row_number", 0) => (WindowFunc::RowNumber, DataType::Int8),
            ("rank", 0) => (WindowFunc::Rank, DataType::Int8),
            ("dense_rank", 0) => (WindowFunc::DenseRank, DataType::Int8),
            ("percent_rank", 0) => (WindowFunc::PercentRank, DataType::Float8),
            ("cume_dist", 0) => (WindowFunc::CumeDist, DataType::Float8),
            ("ntile", 1) => {
                args[0] = self
                    .coerce(
                        args[0].clone(),
                        DataType::Int4,
                        -1,
                        CoercionContext::Implicit,
                    )
                    .map_err(|_| undefined(&args))?;
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
                    args[1] = self
                        .coerce(
                            args[1].clone(),
                            DataType::Int4,
                            -1,
                            CoercionContext::Implicit,
                        )
                        .map_err(|_| undefined(&args))?;
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
            ("first_value" | "last_value", 1) => {
                let ty = if args[0].ty == DataType::Unknown {
                    DataType::Text
                } else {
                    args[0].ty
                };
                args[0] = self.coerce(args[0].clone(), ty, -1, CoercionContext::Implicit)?;
                (
                    if name == "first_value" {
                        WindowFunc::FirstValue
                    } else {
                        WindowFunc::LastValue
                    },
                    ty,
                )
            }
            _ => return Err(undefined(&args)),
        };
        Ok((func, args, partition, order, frame, ty))
    }

    /// A window specification with its base named window (`OVER w`,
    /// `OVER (w ORDER BY ...)`) merged in, as PostgreSQL: the base's
    /// PARTITION BY, its ORDER BY unless the copy has one, and the frame.
    fn resolve_window(&self, spec: &ast::WindowSpec, pos: Option<u32>) -> Result<ast::WindowSpec> {
        let Some(base_name) = &spec.window_name else {
            return Ok(spec.clone());
        };
        let name = super::ident(base_name);
        let Some((_, base)) = self.named_windows.iter().find(|(n, _)| *n == name) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("window \"{name}\" does not exist"),
            )
            .at(pos));
        };
        let base = if base.window_name.is_some() && base.window_name != spec.window_name {
            self.resolve_window(base, pos)?
        } else {
            base.clone()
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
        Ok(ast::WindowSpec {
            window_name: None,
            partition_by: base.partition_by.clone(),
            order_by: if spec.order_by.is_empty() {
                base.order_by.clone()
            } else {
                spec.order_by.clone()
            },
            window_frame: spec.window_frame.clone().or(base.window_frame.clone()),
        })
    }

    /// The frame clause; without one, RANGE UNBOUNDED PRECEDING to CURRENT
    /// ROW (the whole partition when there is no ORDER BY: every row is
    /// a peer).
    fn frame(&mut self, f: Option<&ast::WindowFrame>, ordered: bool) -> Result<Frame> {
        let Some(f) = f else {
            return Ok(Frame {
                rows: false,
                start: FrameBound::UnboundedPreceding,
                end: if ordered {
                    FrameBound::CurrentRow
                } else {
                    FrameBound::UnboundedFollowing
                },
            });
        };
        let rows = match f.units {
            ast::WindowFrameUnits::Rows => true,
            ast::WindowFrameUnits::Range => false,
            ast::WindowFrameUnits::Groups => return Err(SqlError::unsupported("GROUPS frames")),
        };
        let start = self.bound(&f.start_bound, rows)?;
        let end = match &f.end_bound {
            Some(b) => self.bound(b, rows)?,
            None => FrameBound::CurrentRow,
        };
        if start == FrameBound::UnboundedFollowing {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                "frame start cannot be UNBOUNDED FOLLOWING",
            ));
        }
        if end == FrameBound::UnboundedPreceding {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                "frame end cannot be UNBOUNDED PRECEDING",
            ));
        }
        Ok(Frame { rows, start, end })
    }

    fn bound(&mut self, b: &ast::WindowFrameBound, rows: bool) -> Result<FrameBound> {
        let offset = |this: &mut Self, e: &ast::Expr| -> Result<u64> {
            if !rows {
                return Err(SqlError::unsupported("RANGE with an offset"));
            }
            let bound = this.expr(e, &Scope::default())?;
            match bound.as_const() {
                Some(Value::Int4(n)) if *n >= 0 => Ok(*n as u64),
                Some(Value::Int8(n)) if *n >= 0 => Ok(*n as u64),
                Some(Value::Int4(_) | Value::Int8(_)) => Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "frame starting offset must not be negative",
                )),
                _ => Err(SqlError::unsupported(
                    "a frame offset that is not an integer constant",
                )),
            }
        };
        Ok(match b {
            ast::WindowFrameBound::CurrentRow => FrameBound::CurrentRow,
            ast::WindowFrameBound::Preceding(None) => FrameBound::UnboundedPreceding,
            ast::WindowFrameBound::Following(None) => FrameBound::UnboundedFollowing,
            ast::WindowFrameBound::Preceding(Some(e)) => FrameBound::Preceding(offset(self, e)?),
            ast::WindowFrameBound::Following(Some(e)) => FrameBound::Following(offset(self, e)?),
        })
    }
}
