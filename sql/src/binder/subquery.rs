//! Subqueries in expressions: scalar, EXISTS, IN and `op ANY/ALL`.
//!
//! The subquery is bound with the enclosing query's scope pushed on the
//! outer stack; a column found there becomes [`ExprKind::Outer`] and makes
//! the subquery correlated (run again per row). An uncorrelated one runs
//! once per statement.

use sqlparser::ast::{self, Expr as AstExpr};

use super::{Binder, Scope};
use crate::error::{Result, SqlError};
use crate::expr::{Expr, ExprKind, SubLink, SubLinkKind};
use crate::plan::{BoundQuery, Plan};
use crate::types::DataType;

impl Binder<'_> {
    /// Binds `q` as a subquery of the query whose columns are `scope`.
    fn subquery(&mut self, q: &ast::Query, scope: &Scope) -> Result<(BoundQuery, bool)> {
        self.outer.push((scope.clone(), false));
        let saved = self.no_aggs.take();
        self.agg_levels.push((self.outer.len(), saved));
        let bound = self.query(q);
        self.agg_levels.pop();
        self.no_aggs = saved;
        let correlated = self.outer.pop().is_some_and(|(_, c)| c);
        Ok((bound?, correlated))
    }

    /// `(SELECT ...)` as a value.
    pub(super) fn scalar_subquery(&mut self, q: &ast::Query, scope: &Scope) -> Result<Expr> {
        let (bound, correlated) = self.subquery(q, scope)?;
        let [col] = bound.columns.as_slice() else {
            return Err(SqlError::syntax(
                "subquery must return only one column",
                self.pos_of(q),
            ));
        };
        let (ty, typmod) = (col.ty, col.typmod);
        Ok(Expr {
            kind: ExprKind::SubLink(Box::new(SubLink {
                kind: SubLinkKind::Scalar,
                plan: bound.plan,
                correlated,
            })),
            ty,
            typmod,
            pos: None,
        })
    }

    /// ARRAY(SELECT ...): the subquery's one column as an array.
    pub(super) fn array_subquery(&mut self, q: &ast::Query, scope: &Scope) -> Result<Expr> {
        let (bound, correlated) = self.subquery(q, scope)?;
        let [col] = bound.columns.as_slice() else {
            return Err(SqlError::syntax(
                "subquery must return only one column",
                self.pos_of(q),
            ));
        };
        let ty = col.ty.array_type().ok_or_else(|| {
            SqlError::new(
                crate::error::SqlState::UNDEFINED_OBJECT,
                format!("could not find array type for data type {}", col.ty),
            )
        })?;
        Ok(Expr {
            kind: ExprKind::SubLink(Box::new(SubLink {
                kind: SubLinkKind::Array,
                plan: bound.plan,
                correlated,
            })),
            ty,
            typmod: -1,
            pos: None,
        })
    }

    /// EXISTS (SELECT ...).
    pub(super) fn exists(&mut self, q: &ast::Query, scope: &Scope) -> Result<Expr> {
        let (bound, correlated) = self.subquery(q, scope)?;
        Ok(Expr {
            kind: ExprKind::SubLink(Box::new(SubLink {
                kind: SubLinkKind::Exists,
                plan: bound.plan,
                correlated,
            })),
            ty: DataType::Bool,
            typmod: -1,
            pos: None,
        })
    }

    /// `left op ANY (SELECT ...)` (IN is `= ANY`) or `op ALL`.
    pub(super) fn quantified(
        &mut self,
        left: &AstExpr,
        op: &str,
        q: &ast::Query,
        any: bool,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        if let AstExpr::Tuple(items) = left {
            if items.len() > 1 {
                return self.row_quantified(items, op, q, any, scope, pos);
            }
        }
        let arg = self.expr(left, scope)?;
        let (bound, correlated) = self.subquery(q, scope)?;
        let [col] = bound.columns.as_slice() else {
            let msg = if bound.columns.len() > 1 {
                "subquery has too many columns"
            } else {
                "subquery has too few columns"
            };
            return Err(SqlError::syntax(msg, pos));
        };
        // The subquery's column, coerced inside the subquery if the
        // operator needs another type.
        let inner = Expr {
            kind: ExprKind::Column(0),
            ty: col.ty,
            typmod: col.typmod,
            pos: None,
        };
        let (def, arg, inner) = self.comparison(op, arg, inner, pos)?;
        if def.ret != DataType::Bool {
            return Err(SqlError::new(
                crate::error::SqlState::DATATYPE_MISMATCH,
                "op ANY/ALL (array) requires operator to yield boolean",
            )
            .at(pos));
        }
        let plan = match inner.kind {
            ExprKind::Column(0) => bound.plan,
            _ => Plan::Project {
                input: Box::new(bound.plan),
                exprs: vec![inner],
            },
        };
        Ok(quantified_sublink(arg, def, plan, any, correlated))
    }

    /// `(a, b) = ANY (SELECT x, y ...)` (IN) and `(a, b) <> ALL (...)`
    /// (NOT IN): field by field, each pair coerced as `=` would, compared
    /// as rows (NULL when no row matches and some field was NULL).
    fn row_quantified(
        &mut self,
        items: &[AstExpr],
        op: &str,
        q: &ast::Query,
        any: bool,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let def = match op {
            "=" => &crate::func::RECORD_EQ,
            "<>" => &crate::func::RECORD_NE,
            other => {
                return Err(SqlError::unsupported(format!(
                    "row comparison {other} with ANY/ALL"
                )))
            }
        };
        let mut left = Vec::with_capacity(items.len());
        for item in items {
            left.push(self.expr(item, scope)?);
        }
        let (bound, correlated) = self.subquery(q, scope)?;
        if bound.columns.len() != left.len() {
            let msg = if bound.columns.len() > left.len() {
                "subquery has too many columns"
            } else {
                "subquery has too few columns"
            };
            return Err(SqlError::syntax(msg, pos));
        }
        let mut args = Vec::with_capacity(left.len());
        let mut inner = Vec::with_capacity(left.len());
        for (i, (l, col)) in left.into_iter().zip(&bound.columns).enumerate() {
            let c = Expr {
                kind: ExprKind::Column(i),
                ty: col.ty,
                typmod: col.typmod,
                pos: None,
            };
            let (_, l, c) = self.comparison("=", l, c, pos)?;
            args.push(l);
            inner.push(c);
        }
        let names: Vec<String> = (1..=args.len()).map(|i| format!("f{i}")).collect();
        let arg = crate::func::row_constructor(names.clone(), args);
        let plan = Plan::Project {
            input: Box::new(bound.plan),
            exprs: vec![crate::func::row_constructor(names, inner)],
        };
        Ok(quantified_sublink(arg, def, plan, any, correlated))
    }
}

/// `arg op ANY (plan)` (or ALL) as a boolean subquery expression.
fn quantified_sublink(
    arg: Expr,
    op: &'static crate::func::FuncDef,
    plan: Plan,
    any: bool,
    correlated: bool,
) -> Expr {
    let arg = Box::new(arg);
    let kind = if any {
        SubLinkKind::Any { arg, op }
    } else {
        SubLinkKind::All { arg, op }
    };
    Expr {
        kind: ExprKind::SubLink(Box::new(SubLink {
            kind,
            plan,
            correlated,
        })),
        ty: DataType::Bool,
        typmod: -1,
        pos: None,
    }
}
