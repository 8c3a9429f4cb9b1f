//! INSERT, UPDATE and DELETE through automatically updatable views
//! (PostgreSQL's view_query_is_auto_updatable and rewriteTargetView).
//!
//! A view is updatable when its query reads one table (or one updatable
//! view) without WITH, DISTINCT, GROUP BY, HAVING, LIMIT / OFFSET, set
//! operations, aggregates, window functions or set-returning functions.
//! A statement on it is bound against the view's columns and then
//! rewritten onto the base table: each view column stands for its
//! expression over the base row, the view's WHERE joins the statement's,
//! and only view columns that are plain base columns can be assigned.

use std::sync::Arc;

use sqlparser::ast;

use crate::binder::{table_scope, Scope};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::session::Stmt;

/// An updatable view resolved down to its base table.
pub(super) struct ViewTarget {
    /// The view itself (its columns name the statement's scope).
    pub(super) view: Arc<TableDef>,
    /// The base table.
    pub(super) base: Arc<TableDef>,
    /// Each view column's expression over the base table's live row.
    pub(super) exprs: Vec<Expr>,
    /// The views' WHERE over the base row.
    pub(super) predicate: Option<Expr>,
    /// Each view's own WHERE over the base row, outermost first.
    quals: Vec<(String, Expr)>,
    /// The conditions a new row must meet: WITH CHECK OPTION's, by view.
    pub(super) checks: Vec<(String, Expr)>,
}

impl ViewTarget {
    /// The base table's live position of view column `i`, when it is a
    /// plain base column.
    pub(super) fn base_column(&self, i: usize) -> Option<usize> {
        match self.exprs.get(i).map(|e| &e.kind) {
            Some(ExprKind::Column(j)) => Some(*j),
            _ => None,
        }
    }

    /// 0A000 for assigning view column `i` that is not a base column.
    pub(super) fn not_updatable(&self, i: usize, verb: &str) -> SqlError {
        let name = self
            .view
            .live()
            .nth(i)
            .map(|(_, c)| c.name.clone())
            .unwrap_or_default();
        let what = if verb == "INSERT" {
            "insert into"
        } else {
            "update"
        };
        SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!(
                "cannot {what} column \"{name}\" of view \"{}\"",
                self.view.name
            ),
        )
        .with_detail("View columns that are not columns of their base relation are not updatable.")
    }

    /// `e`, bound over the view's columns then (from `extra` on) a tuple
    /// id and other FROM items' columns, rewritten over the base row with
    /// those after it.
    pub(super) fn rewrite(&self, e: Expr) -> Result<Expr> {
        let n = self.exprs.len();
        let width = self.base.live().count();
        let mut correlated = false;
        e.visit(&mut |x| correlated |= matches!(&x.kind, ExprKind::SubLink(s) if s.correlated));
        if correlated {
            return Err(SqlError::unsupported(
                "correlated subqueries in a statement on a view",
            ));
        }
        self.substitute(e, n, width)
    }

    fn substitute(&self, e: Expr, n: usize, width: usize) -> Result<Expr> {
        e.replace_columns(&mut |i, col| {
            if i < n {
                Expr {
                    pos: col.pos,
                    ..self.exprs[i].clone()
                }
            } else {
                Expr {
                    kind: ExprKind::Column(i - n + width),
                    ..col
                }
            }
        })
    }

    /// The statement's WHERE (rewritten) and the views'.
    pub(super) fn predicate(&self, own: Option<Expr>) -> Result<Option<Expr>> {
        let own = own.map(|p| self.rewrite(p)).transpose()?;
        Ok(self.predicate_with(own))
    }

    /// The views' WHERE and `own` (over the base row).
    fn predicate_with(&self, own: Option<Expr>) -> Option<Expr> {
        match (self.predicate.clone(), own) {
            (Some(v), Some(p)) => Some(Expr {
                kind: ExprKind::And(vec![v, p]),
                ty: crate::types::DataType::Bool,
                typmod: -1,
                pos: None,
            }),
            (v, p) => v.or(p),
        }
    }

    /// The WITH CHECK OPTION conditions as row checks of the base table.
    pub(super) fn row_checks(&self) -> Vec<super::RowCheck> {
        self.checks
            .iter()
            .map(|(name, e)| super::RowCheck::ViewOption(name.clone(), e.clone()))
            .collect()
    }

    /// The scope a statement on the view binds against.
    pub(super) fn scope(&self, alias: Option<&str>) -> Scope {
        table_scope(&self.view, alias)
    }
}

/// 55000 for a view that is not automatically updatable.
fn not_auto(view: &TableDef, verb: &str, why: &str) -> SqlError {
    let (what, hint) = match verb {
        "INSERT" => (
            "insert into",
            "To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.",
        ),
        "UPDATE" => (
            "update",
            "To enable updating the view, provide an INSTEAD OF UPDATE trigger or an unconditional ON UPDATE DO INSTEAD rule.",
        ),
        _ => (
            "delete from",
            "To enable deleting from the view, provide an INSTEAD OF DELETE trigger or an unconditional ON DELETE DO INSTEAD rule.",
        ),
    };
    SqlError::new(
        SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
        format!("cannot {what} view \"{}\"", view.name),
    )
    .with_detail(why.to_owned())
    .with_hint(hint)
}

/// Resolves updatable view `view` to its base table for `verb`.
pub(super) fn resolve(ctx: &mut Stmt<'_>, view: &Arc<TableDef>, verb: &str) -> Result<ViewTarget> {
    resolve_within(ctx, view, verb, &mut Vec::new())
}

/// [`resolve`], `seen` holding the views above this one.
fn resolve_within(
    ctx: &mut Stmt<'_>,
    view: &Arc<TableDef>,
    verb: &str,
    seen: &mut Vec<u32>,
) -> Result<ViewTarget> {
    crate::stack::check()?;
    if seen.contains(&view.oid) {
        return Err(crate::binder::infinite_view_recursion(&view.name));
    }
    seen.push(view.oid);
    let text = view.view.as_deref().unwrap_or_default();
    let q = crate::parser::view_query(text)?;
    let why = simple_select(&q);
    let select = match why {
        Ok(s) => s,
        Err(why) => return Err(not_auto(view, verb, why)),
    };
    let (name, alias) = match select.from.first().map(|f| &f.relation) {
        Some(ast::TableFactor::Table { name, alias, .. }) => (name, alias),
        _ => return Err(not_auto(
            view,
            verb,
            "Views that do not select from a single table or view are not automatically updatable.",
        )),
    };
    let under = super::modify::open_target(ctx, name)?;
    let inner = if under.view.is_some() {
        Some(resolve_within(ctx, &under, verb, seen)?)
    } else {
        super::modify::writable(&under)?;
        None
    };
    let alias = alias.as_ref().map(|a| crate::binder::ident(&a.name));
    let scope = table_scope(&under, alias.as_deref());
    let mut b = ctx.binder();
    let (exprs, _) = b
        .projection(&select.projection, &scope)
        .map_err(SqlError::without_position)?;
    let predicate = match &select.selection {
        Some(w) => Some(b.expr(w, &scope).map_err(SqlError::without_position)?),
        None => None,
    };
    drop(b);
    let mut reasons = exprs.iter().chain(predicate.iter()).filter_map(|e| {
        let mut why = None;
        e.visit(&mut |x| match x.kind {
            ExprKind::Aggregate(_) => {
                why = Some("Views that return aggregate functions are not automatically updatable.")
            }
            ExprKind::Window(_) => {
                why = Some("Views that return window functions are not automatically updatable.")
            }
            ExprKind::SetCall { .. } => {
                why = Some(
                    "Views that return set-returning functions are not automatically updatable.",
                )
            }
            _ => {}
        });
        why
    });
    if let Some(why) = reasons.next() {
        return Err(not_auto(view, verb, why));
    }
    let option = view
        .options
        .iter()
        .find_map(|o| o.strip_prefix("check_option="))
        .map(str::to_owned);
    let target = match inner {
        None => {
            let quals: Vec<(String, Expr)> = predicate
                .iter()
                .map(|p| (view.name.clone(), p.clone()))
                .collect();
            ViewTarget {
                view: Arc::clone(view),
                base: under,
                exprs,
                checks: if option.is_some() {
                    quals.clone()
                } else {
                    Vec::new()
                },
                quals,
                predicate,
            }
        }
        Some(inner) => {
            let exprs = exprs
                .into_iter()
                .map(|e| inner.rewrite(e))
                .collect::<Result<Vec<_>>>()?;
            let own = predicate.map(|p| inner.rewrite(p)).transpose()?;
            let predicate = inner.predicate_with(own.clone());
            let mut quals: Vec<(String, Expr)> =
                own.iter().map(|p| (view.name.clone(), p.clone())).collect();
            quals.extend(inner.quals.iter().cloned());
            // LOCAL checks this view's condition (and those the views
            // below check themselves); CASCADED every view's below too.
            let mut checks = match option.as_deref() {
                Some("cascaded") => quals.clone(),
                Some(_) => own.iter().map(|p| (view.name.clone(), p.clone())).collect(),
                None => Vec::new(),
            };
            for c in &inner.checks {
                if !checks.iter().any(|(n, _)| *n == c.0) {
                    checks.push(c.clone());
                }
            }
            ViewTarget {
                view: Arc::clone(view),
                base: inner.base,
                exprs,
                predicate,
                quals,
                checks,
            }
        }
    };
    // Only the base table's own columns are in the row a DML statement
    // reads here (not a system column, nor one the view's text no longer
    // has).
    let width = target.base.live().count();
    let mut outside = target.exprs.len() != view.live().count();
    for e in target.exprs.iter().chain(target.predicate.iter()) {
        e.visit(&mut |x| outside |= matches!(x.kind, ExprKind::Column(j) if j >= width));
    }
    if outside {
        return Err(SqlError::unsupported(format!(
            "changing view \"{}\", which reads a system column,",
            view.name
        )));
    }
    Ok(target)
}

/// Why a view defined by `q` is not automatically updatable (the DETAIL
/// PostgreSQL gives), if it is not.
pub fn view_updatable(q: &ast::Query) -> std::result::Result<(), &'static str> {
    simple_select(q).map(|_| ())
}

/// The view's query as one plain SELECT, or why it is not updatable.
fn simple_select(q: &ast::Query) -> std::result::Result<&ast::Select, &'static str> {
    if q.with.is_some() {
        return Err("Views containing WITH are not automatically updatable.");
    }
    if q.limit_clause.is_some() || q.fetch.is_some() {
        return Err("Views containing LIMIT or OFFSET are not automatically updatable.");
    }
    let ast::SetExpr::Select(s) = q.body.as_ref() else {
        return Err(
            "Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.",
        );
    };
    if s.distinct.is_some() {
        return Err("Views containing DISTINCT are not automatically updatable.");
    }
    if !matches!(&s.group_by, ast::GroupByExpr::Expressions(g, _) if g.is_empty()) {
        return Err("Views containing GROUP BY are not automatically updatable.");
    }
    if s.having.is_some() {
        return Err("Views containing HAVING are not automatically updatable.");
    }
    match s.from.as_slice() {
        [one] if one.joins.is_empty() && matches!(one.relation, ast::TableFactor::Table { .. }) => {
            Ok(s)
        }
        _ => Err(
            "Views that do not select from a single table or view are not automatically updatable.",
        ),
    }
}

/// A DML statement's target (opened by [`super::modify::open_target`]):
/// a table, or an updatable view resolved to its base table (which the
/// statement then changes).
pub(super) fn dml_target(
    ctx: &mut Stmt<'_>,
    def: Arc<TableDef>,
    verb: &str,
) -> Result<(Arc<TableDef>, Option<ViewTarget>)> {
    if def.view.is_none() {
        super::modify::writable(&def)?;
        return Ok((def, None));
    }
    let v = resolve(ctx, &def, verb)?;
    Ok((Arc::clone(&v.base), Some(v)))
}

/// The base-table attribute index each view attribute index in
/// `targets` stands for (0A000 for a column that is not a base column).
pub(super) fn base_targets(v: &ViewTarget, targets: &[usize], verb: &str) -> Result<Vec<usize>> {
    let view_live: Vec<usize> = v.view.live().map(|(i, _)| i).collect();
    let base_live: Vec<usize> = v.base.live().map(|(i, _)| i).collect();
    targets
        .iter()
        .map(|t| {
            let p = view_live.iter().position(|x| x == t).unwrap_or(usize::MAX);
            v.base_column(p)
                .and_then(|j| base_live.get(j).copied())
                .ok_or_else(|| v.not_updatable(p, verb))
        })
        .collect()
}
