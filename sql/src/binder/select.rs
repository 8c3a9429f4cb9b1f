//! Binding SELECT: FROM, WHERE and the select list.

use sqlparser::ast::{self, SelectItem, SetExpr, TableFactor};

use super::names::{figure_colname, ident, object_name};
use super::{table_scope, Binder, Scope, ScopeColumn};
use crate::cast::CoercionContext;
use crate::catalog::SystemView;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::ExprKind;
use crate::plan::{BoundQuery, OutputColumn, Plan};
use crate::types::DataType;

impl Binder<'_> {
    /// Binds a query (SELECT ...).
    pub fn query(&mut self, q: &ast::Query) -> Result<BoundQuery> {
        if q.with.is_some() {
            return Err(SqlError::unsupported("WITH"));
        }
        if q.order_by.is_some() {
            return Err(SqlError::unsupported("ORDER BY"));
        }
        if q.limit_clause.is_some() || q.fetch.is_some() {
            return Err(SqlError::unsupported("LIMIT and OFFSET"));
        }
        if !q.locks.is_empty() {
            return Err(SqlError::unsupported("FOR UPDATE/SHARE"));
        }
        match q.body.as_ref() {
            SetExpr::Select(s) => self.select(s),
            SetExpr::Query(inner) => self.query(inner),
            SetExpr::Values(_) => Err(SqlError::unsupported("VALUES lists")),
            SetExpr::SetOperation { .. } => {
                Err(SqlError::unsupported("UNION, INTERSECT and EXCEPT"))
            }
            other => Err(SqlError::unsupported(format!("the query form {other}"))),
        }
    }

    fn select(&mut self, s: &ast::Select) -> Result<BoundQuery> {
        if s.distinct.is_some() {
            return Err(SqlError::unsupported("SELECT DISTINCT"));
        }
        let grouped = match &s.group_by {
            ast::GroupByExpr::Expressions(exprs, mods) => !exprs.is_empty() || !mods.is_empty(),
            ast::GroupByExpr::All(_) => true,
        };
        if grouped || s.having.is_some() {
            return Err(SqlError::unsupported("GROUP BY and HAVING"));
        }
        if s.into.is_some() {
            return Err(SqlError::unsupported("SELECT INTO"));
        }
        let (mut plan, scope) = self.from(&s.from)?;
        if let Some(w) = &s.selection {
            let predicate = self.expr(w, &scope)?;
            let predicate = self.boolean(predicate, "WHERE")?;
            plan = Plan::Filter {
                input: Box::new(plan),
                predicate,
            };
        }
        let (exprs, columns) = self.projection(&s.projection, &scope)?;
        Ok(BoundQuery {
            plan: Plan::Project {
                input: Box::new(plan),
                exprs,
            },
            columns,
        })
    }

    /// Binds a select list (or RETURNING list) against `scope`: one
    /// expression and one result column per item, `*` expanded.
    pub(crate) fn projection(
        &mut self,
        items: &[SelectItem],
        scope: &Scope,
    ) -> Result<(Vec<crate::expr::Expr>, Vec<OutputColumn>)> {
        let mut exprs = Vec::new();
        let mut columns = Vec::new();
        for item in items {
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let name = match item {
                        SelectItem::ExprWithAlias { alias, .. } => Some(ident(alias)),
                        _ => figure_colname(e),
                    };
                    let mut bound = self.expr(e, scope)?;
                    if bound.ty == DataType::Unknown {
                        bound =
                            self.coerce(bound, DataType::Text, -1, CoercionContext::Implicit)?;
                    }
                    let (table_oid, attnum) = match bound.kind {
                        ExprKind::Column(i) => {
                            (scope.columns[i].table_oid, scope.columns[i].attnum)
                        }
                        _ => (0, 0),
                    };
                    columns.push(OutputColumn {
                        name: name.unwrap_or_else(|| "?column?".into()),
                        ty: bound.ty,
                        typmod: bound.typmod,
                        table_oid,
                        attnum,
                    });
                    exprs.push(bound);
                }
                SelectItem::ExprWithAliases { .. } => {
                    return Err(SqlError::unsupported(
                        "several aliases for one select-list item",
                    ));
                }
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    let table = match item {
                        SelectItem::QualifiedWildcard(
                            ast::SelectItemQualifiedWildcardKind::ObjectName(n),
                            _,
                        ) => object_name(n).pop(),
                        _ => None,
                    };
                    if scope.columns.is_empty() && table.is_none() {
                        return Err(SqlError::new(
                            SqlState::SYNTAX_ERROR,
                            "SELECT * with no tables specified is not valid",
                        ));
                    }
                    let mut any = false;
                    for (i, c) in scope.columns.iter().enumerate() {
                        if table.as_ref().is_some_and(|t| c.table.as_ref() != Some(t)) {
                            continue;
                        }
                        any = true;
                        exprs.push(crate::expr::Expr {
                            kind: ExprKind::Column(i),
                            ty: c.ty,
                            typmod: c.typmod,
                            pos: None,
                        });
                        columns.push(OutputColumn {
                            name: c.name.clone(),
                            ty: c.ty,
                            typmod: c.typmod,
                            table_oid: c.table_oid,
                            attnum: c.attnum,
                        });
                    }
                    if let (false, Some(t)) = (any, table) {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_TABLE,
                            format!("missing FROM-clause entry for table \"{t}\""),
                        ));
                    }
                }
            }
        }
        Ok((exprs, columns))
    }

    /// The FROM clause: its plan and the columns it makes visible.
    fn from(&mut self, from: &[ast::TableWithJoins]) -> Result<(Plan, Scope)> {
        let [item] = from else {
            if from.is_empty() {
                return Ok((Plan::OneRow, Scope::default()));
            }
            return Err(SqlError::unsupported("joins"));
        };
        if !item.joins.is_empty() {
            return Err(SqlError::unsupported("joins"));
        }
        match &item.relation {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let parts = object_name(name);
                let pos = name
                    .0
                    .first()
                    .and_then(|p| p.as_ident())
                    .and_then(|i| self.pos(i.span.start));
                let alias = alias.as_ref().map(|a| ident(&a.name));
                if let Some(view) = SystemView::lookup(&parts) {
                    let table = alias.unwrap_or_else(|| view.name().to_owned());
                    let columns = view
                        .columns()
                        .iter()
                        .enumerate()
                        .map(|(i, (name, ty))| ScopeColumn {
                            table: Some(table.clone()),
                            name: (*name).to_owned(),
                            ty: *ty,
                            typmod: -1,
                            table_oid: view.oid(),
                            attnum: (i + 1) as i16,
                        })
                        .collect();
                    return Ok((Plan::SystemView(view), Scope { columns }));
                }
                let def = self.lookup_table(&parts, pos)?;
                let scope = table_scope(&def, alias.as_deref());
                Ok((
                    Plan::SeqScan {
                        table: def,
                        with_tid: false,
                    },
                    scope,
                ))
            }
            other => Err(SqlError::unsupported(format!("the FROM item {other}"))),
        }
    }
}
