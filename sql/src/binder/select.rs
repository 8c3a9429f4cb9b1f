//! Binding queries: SELECT (FROM, WHERE, GROUP BY, HAVING, the select
//! list, DISTINCT), ORDER BY, LIMIT/OFFSET, VALUES and set operations.
//!
//! A SELECT becomes, bottom up: the FROM plan (scans and joins), Filter
//! (WHERE), Aggregate (GROUP BY and aggregates), Filter (HAVING), Project
//! (the select list plus hidden "resjunk" columns that ORDER BY needs),
//! Distinct, Sort, Limit, and a last Project that drops the resjunk
//! columns — the shape of PostgreSQL's plans.

use sqlparser::ast::{self, SelectItem, SetExpr, TableFactor};

use super::names::{figure_colname, ident, object_name};
use super::tsrf;
use super::{table_scope, Binder, Scope, ScopeColumn, SYSTEM_TABLEOID};
use crate::cast::CoercionContext;
use crate::catalog::SystemView;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::plan::{AggCall, BoundQuery, JoinKind, OutputColumn, Plan, SetOpKind, SortKey};
use crate::types::DataType;

impl Binder<'_> {
    /// Binds a query (SELECT ..., VALUES ..., set operations).
    pub fn query(&mut self, q: &ast::Query) -> Result<BoundQuery> {
        let visible = self.ctes.len();
        // A subquery's set-returning calls are its own.
        let srf_width = self.srf_width.take();
        let in_aggregate = std::mem::take(&mut self.in_aggregate);
        let in_window_args = std::mem::take(&mut self.in_window_args);
        let locking = self.hide_locking();
        let from_names = self.from_names.len();
        let out = match &q.with {
            Some(with) => self.with_clause(with).and_then(|()| self.query_body(q)),
            None => self.query_body(q),
        };
        self.unhide_locking(locking);
        self.from_names.truncate(from_names);
        self.srf_width = srf_width;
        self.in_aggregate = in_aggregate;
        self.in_window_args = in_window_args;
        self.ctes.truncate(visible);
        out
    }

    /// A set operation or VALUES as a query of its own (recursive CTE terms).
    pub(super) fn set_expr_public(&mut self, body: &SetExpr) -> Result<BoundQuery> {
        self.set_expr(body)
    }

    fn query_body(&mut self, q: &ast::Query) -> Result<BoundQuery> {
        let cursor = std::mem::take(&mut self.cursor_positions);
        let lock = match self.lock_spec(&q.locks) {
            None if cursor => Some(Binder::position_spec()),
            other => other,
        };
        let mut kept_tids = Vec::new();
        let with_ties = q.fetch.as_ref().is_some_and(|f| f.with_ties);
        if with_ties && q.order_by.is_none() {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                "WITH TIES cannot be specified without ORDER BY clause",
            ));
        }
        if with_ties
            && q.locks
                .iter()
                .any(|l| matches!(l.nonblock, Some(ast::NonBlock::SkipLocked)))
        {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                "SKIP LOCKED and WITH TIES options cannot be used together",
            ));
        }
        if with_ties
            && q.fetch.as_ref().is_some_and(|f| {
                matches!(&f.quantity, Some(ast::Expr::Value(v)) if matches!(v.value, ast::Value::Null))
            })
        {
            return Err(SqlError::new(
                SqlState::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE,
                "row count cannot be null in FETCH FIRST ... WITH TIES clause",
            ));
        }
        if q.fetch.as_ref().is_some_and(|f| f.percent) {
            return Err(SqlError::syntax(
                "syntax error at or near \"PERCENT\"",
                None,
            ));
        }
        let order: &[ast::OrderByExpr] = match &q.order_by {
            None => &[],
            Some(ob) => match &ob.kind {
                ast::OrderByKind::Expressions(v) => v,
                ast::OrderByKind::All(_) => return Err(SqlError::unsupported("ORDER BY ALL")),
            },
        };
        let (mut plan, columns) = match q.body.as_ref() {
            SetExpr::Select(s) => {
                let outer = self.set_locking(lock);
                let selected = self.select(s, order);
                let marks = self.restore_locking(outer);
                let (plan, columns) = selected?;
                if cursor {
                    if let Some(m) = &marks {
                        kept_tids = m.targets.iter().map(|(_, c)| *c).collect();
                        self.cursor_tables =
                            Some((m.targets.iter().map(|(t, _)| t.oid).collect(), m.lock));
                    }
                }
                match marks {
                    Some(marks) if marks.lock => (
                        Plan::LockRows {
                            input: Box::new(plan),
                            marks: Box::new(marks),
                        },
                        columns,
                    ),
                    _ => (plan, columns),
                }
            }
            body => {
                if let Some(lock) = lock.as_ref().filter(|l| l.lock) {
                    return Err(SqlError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        format!(
                            "{} is not allowed with UNION/INTERSECT/EXCEPT",
                            lock.strength
                        ),
                    ));
                }
                let bound = self.set_expr(body)?;
                let keys = self.output_order(order, &bound.columns)?;
                let plan = if keys.is_empty() {
                    bound.plan
                } else {
                    Plan::Sort {
                        input: Box::new(bound.plan),
                        keys,
                    }
                };
                (plan, bound.columns)
            }
        };
        // FETCH FIRST n ROWS ONLY is LIMIT n (one row without a count).
        let fetch_limit = q.fetch.as_ref().map(|f| {
            f.quantity
                .clone()
                .unwrap_or_else(|| ast::Expr::value(ast::Value::Number("1".into(), false)))
        });
        let fetch_clause;
        let limit_clause = match (&q.limit_clause, &fetch_limit) {
            (None, Some(n)) => {
                fetch_clause = ast::LimitClause::LimitOffset {
                    limit: Some(n.clone()),
                    offset: None,
                    limit_by: Vec::new(),
                };
                Some(&fetch_clause)
            }
            (
                Some(ast::LimitClause::LimitOffset {
                    limit: None,
                    offset,
                    limit_by,
                }),
                Some(n),
            ) => {
                fetch_clause = ast::LimitClause::LimitOffset {
                    limit: Some(n.clone()),
                    offset: offset.clone(),
                    limit_by: limit_by.clone(),
                };
                Some(&fetch_clause)
            }
            (Some(_), Some(_)) => {
                return Err(SqlError::syntax("multiple LIMIT clauses not allowed", None))
            }
            (lc, None) => lc.as_ref(),
        };
        if let Some(lc) = limit_clause {
            let (limit, offset) = match lc {
                ast::LimitClause::LimitOffset {
                    limit,
                    offset,
                    limit_by,
                } => {
                    if !limit_by.is_empty() {
                        return Err(SqlError::unsupported("LIMIT BY"));
                    }
                    (limit.as_ref(), offset.as_ref().map(|o| &o.value))
                }
                ast::LimitClause::OffsetCommaLimit { .. } => {
                    return Err(SqlError::syntax("LIMIT #,# syntax is not supported", None)
                        .with_hint("Use separate LIMIT and OFFSET clauses."))
                }
            };
            let limit = match limit {
                Some(e) => self.limit_expr(e, "LIMIT")?,
                None => None,
            };
            let offset = match offset {
                Some(e) => self.limit_expr(e, "OFFSET")?,
                None => None,
            };
            let ties = with_ties.then(|| order_columns(&plan));
            plan = Plan::Limit {
                input: Box::new(plan),
                limit,
                offset,
                ties,
            };
        }
        if !kept_tids.is_empty() {
            // A cursor's rows: the visible columns, then the tuple ids.
            let plan = project_columns(plan, (0..columns.len()).chain(kept_tids));
            return Ok(BoundQuery { plan, columns });
        }
        Ok(BoundQuery {
            plan: trim(plan, columns.len()),
            columns,
        })
    }

    /// A LIMIT or OFFSET expression as bigint; None for `LIMIT ALL`.
    fn limit_expr(&mut self, e: &ast::Expr, what: &str) -> Result<Option<Expr>> {
        if matches!(e, ast::Expr::Value(v) if matches!(v.value, ast::Value::Null)) {
            return Ok(None);
        }
        let saved = self.no_aggs.replace(if what == "LIMIT" {
            "aggregate functions are not allowed in LIMIT"
        } else {
            "aggregate functions are not allowed in OFFSET"
        });
        let bound = self.expr(e, &Scope::default());
        self.no_aggs = saved;
        let bound = bound?;
        let pos = bound.pos;
        if bound.ty != DataType::Int8
            && bound.ty != DataType::Unknown
            && !matches!(bound.ty, DataType::Int2 | DataType::Int4)
        {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "argument of {what} must be type bigint, not type {}",
                    bound.ty.sql_name()
                ),
            )
            .at(pos));
        }
        if bound.max_column().is_some() {
            return Err(SqlError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                format!("argument of {what} must not contain variables"),
            )
            .at(pos));
        }
        Ok(Some(self.coerce(
            bound,
            DataType::Int8,
            -1,
            CoercionContext::Implicit,
        )?))
    }

    /// A query body that is not a plain SELECT with ORDER BY: its plan
    /// and visible columns.
    fn set_expr(&mut self, body: &SetExpr) -> Result<BoundQuery> {
        self.enter()?;
        match body {
            SetExpr::Select(s) => {
                let (plan, columns) = self.select(s, &[])?;
                Ok(BoundQuery {
                    plan: trim(plan, columns.len()),
                    columns,
                })
            }
            SetExpr::Query(q) => self.query(q),
            SetExpr::Values(v) => self.values(v),
            SetExpr::SetOperation { .. } => {
                // The left edge of the chain, walked in a loop: a chain of
                // any length binds with its operands' nesting only.
                let mut edge = Vec::new();
                let mut first = body;
                while let SetExpr::SetOperation {
                    op,
                    set_quantifier,
                    left,
                    right,
                } = first
                {
                    let (kind, name) = match op {
                        ast::SetOperator::Union => (SetOpKind::Union, "UNION"),
                        ast::SetOperator::Intersect => (SetOpKind::Intersect, "INTERSECT"),
                        ast::SetOperator::Except | ast::SetOperator::Minus => {
                            (SetOpKind::Except, "EXCEPT")
                        }
                    };
                    let all = match set_quantifier {
                        ast::SetQuantifier::All => true,
                        ast::SetQuantifier::Distinct | ast::SetQuantifier::None => false,
                        other => {
                            return Err(SqlError::unsupported(format!("{name} {other}")));
                        }
                    };
                    edge.push((kind, name, all, right.as_ref()));
                    first = left;
                }
                self.set_operand = operand_select(first);
                let mut acc = self.set_expr(first)?;
                for (kind, name, all, right) in edge.into_iter().rev() {
                    self.set_operand = operand_select(right);
                    let r = self.set_expr(right)?;
                    acc = self.set_operation(acc, r, kind, name, all, right)?;
                }
                Ok(acc)
            }
            // `TABLE name` where the statement's own rewriting does not
            // reach (a subquery): SELECT * FROM name.
            SetExpr::Table(_) => {
                let mut select = body.clone();
                crate::parser::table_to_select(&mut select);
                if matches!(select, SetExpr::Table(_)) {
                    return Err(SqlError::unsupported(format!("the query form {body}")));
                }
                self.set_expr(&select)
            }
            other => Err(SqlError::unsupported(format!("the query form {other}"))),
        }
    }

    /// `l op r`: the columns' common types, and the plan. UNION [ALL]
    /// joins an Append the left side already is (PostgreSQL flattens
    /// such chains), under one Distinct for UNION.
    fn set_operation(
        &mut self,
        l: BoundQuery,
        r: BoundQuery,
        kind: SetOpKind,
        name: &str,
        all: bool,
        right: &SetExpr,
    ) -> Result<BoundQuery> {
        if l.columns.len() != r.columns.len() {
            return Err(SqlError::syntax(
                format!("each {name} query must have the same number of columns"),
                self.pos_of(right),
            ));
        }
        let mut lexprs = Vec::new();
        let mut rexprs = Vec::new();
        let mut columns = Vec::new();
        for (i, (lc, rc)) in l.columns.iter().zip(&r.columns).enumerate() {
            let le = column_ref(i, lc);
            let re = column_ref(i, rc);
            let ty = self.common_type(&[&le, &re], name)?;
            let typmod = if lc.ty == rc.ty && lc.typmod == rc.typmod {
                lc.typmod
            } else {
                -1
            };
            if !all && !ty.has_equality() {
                return Err(crate::error::errors::no_equality(ty));
            }
            lexprs.push(self.coerce(le, ty, -1, CoercionContext::Implicit)?);
            rexprs.push(self.coerce(re, ty, -1, CoercionContext::Implicit)?);
            columns.push(OutputColumn {
                name: lc.name.clone(),
                ty,
                typmod,
                table_oid: 0,
                attnum: 0,
            });
        }
        let width = columns.len();
        let left = project_if_needed(l.plan, lexprs);
        let right = project_if_needed(r.plan, rexprs);
        let plan = if kind == SetOpKind::Union {
            union(left, right, all)
        } else {
            set_op(left, right, kind, all, width)
        };
        Ok(BoundQuery { plan, columns })
    }

    /// 42883 for ORDER BY a value of a type without an ordering operator
    /// (unless USING names one).
    fn check_ordering(&self, ty: DataType, o: &ast::OrderByExpr) -> Result<()> {
        if ty.has_ordering() || matches!(o.options.sort, Some(ast::OrderBySort::Using(_))) {
            return Ok(());
        }
        Err(crate::error::errors::no_ordering(ty).at(self.pos_of(&o.expr)))
    }

    /// VALUES (...), (...): one type per column from all rows.
    fn values(&mut self, v: &ast::Values) -> Result<BoundQuery> {
        let width = v.rows.first().map_or(0, |r| r.content.len());
        let mut rows = Vec::with_capacity(v.rows.len());
        for r in &v.rows {
            if r.content.len() != width {
                return Err(SqlError::syntax(
                    "VALUES lists must all be the same length",
                    r.content.first().and_then(|e| self.pos_of(e)),
                ));
            }
            let mut row = Vec::with_capacity(width);
            let refused = self
                .srf_refused
                .replace("set-returning functions are not allowed in VALUES");
            let aggs = self.refuse_aggregates("aggregate functions are not allowed in VALUES");
            for e in &r.content {
                match self.expr(e, &Scope::default()) {
                    Ok(b) => row.push(b),
                    Err(err) => {
                        self.srf_refused = refused;
                        self.allow_aggregates(aggs);
                        return Err(err);
                    }
                }
            }
            self.srf_refused = refused;
            self.allow_aggregates(aggs);
            rows.push(row);
        }
        let mut columns = Vec::with_capacity(width);
        for c in 0..width {
            let refs: Vec<&Expr> = rows.iter().map(|r| &r[c]).collect();
            let ty = self.common_type(&refs, "VALUES")?;
            for row in &mut rows {
                let e =
                    std::mem::replace(&mut row[c], Expr::constant(crate::value::Value::Null, ty));
                row[c] = self.coerce(e, ty, -1, CoercionContext::Implicit)?;
            }
            let typmod = rows
                .first()
                .map(|r| r[c].typmod)
                .filter(|&t| rows.iter().all(|r| r[c].typmod == t))
                .unwrap_or(-1);
            columns.push(OutputColumn {
                name: format!("column{}", c + 1),
                ty,
                typmod,
                table_oid: 0,
                attnum: 0,
            });
        }
        Ok(BoundQuery {
            plan: Plan::Values(rows),
            columns,
        })
    }

    /// ORDER BY over a set operation's output: names and positions of
    /// output columns, or expressions over them.
    fn output_order(
        &mut self,
        order: &[ast::OrderByExpr],
        columns: &[OutputColumn],
    ) -> Result<Vec<SortKey>> {
        let mut keys = Vec::new();
        for o in order {
            let column = match self.output_ref(&o.expr, columns, None, "ORDER BY")? {
                Some(i) => i,
                None => {
                    return Err(SqlError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "invalid UNION/INTERSECT/EXCEPT ORDER BY clause",
                    )
                    .with_detail(
                        "Only result column names can be used, not expressions or functions.",
                    )
                    .at(self.pos_of(&o.expr)))
                }
            };
            self.check_ordering(columns[column].ty, o)?;
            keys.push(sort_key(column, o)?);
        }
        Ok(keys)
    }

    /// An ORDER BY item that names an output column by position or by
    /// name (PostgreSQL looks at output names before input columns). A
    /// name several output columns carry is 42702 unless they are the
    /// same expression (`exprs`, None for a set operation's columns).
    fn output_ref(
        &mut self,
        e: &ast::Expr,
        columns: &[OutputColumn],
        exprs: Option<&[Expr]>,
        clause: &str,
    ) -> Result<Option<usize>> {
        match e {
            ast::Expr::Value(v) => {
                if let ast::Value::Number(n, _) = &v.value {
                    let pos = n
                        .parse::<i64>()
                        .ok()
                        .filter(|&p| p >= 1 && p as usize <= columns.len());
                    return match pos {
                        Some(p) => Ok(Some(p as usize - 1)),
                        None => Err(SqlError::new(
                            SqlState::INVALID_COLUMN_REFERENCE,
                            format!("ORDER BY position {n} is not in select list"),
                        )
                        .at(self.pos_of(e))),
                    };
                }
                Ok(None)
            }
            ast::Expr::Identifier(id) => {
                let name = ident(id);
                let mut found = columns.iter().enumerate().filter(|(_, c)| c.name == name);
                let Some((first, _)) = found.next() else {
                    return Ok(None);
                };
                let same = |i: usize| {
                    exprs.is_some_and(|x| {
                        x.get(i).map(Expr::fingerprint) == x.get(first).map(Expr::fingerprint)
                    })
                };
                if found.any(|(i, _)| !same(i)) {
                    return Err(SqlError::new(
                        SqlState::AMBIGUOUS_COLUMN,
                        format!("{clause} \"{name}\" is ambiguous"),
                    )
                    .at(self.pos_of(e)));
                }
                Ok(Some(first))
            }
            ast::Expr::Nested(inner) => self.output_ref(inner, columns, exprs, clause),
            _ => Ok(None),
        }
    }

    /// Binds a SELECT with the query's ORDER BY: the plan (Sort and
    /// DISTINCT applied; its rows may carry resjunk columns after the
    /// visible ones) and the visible columns.
    fn select(
        &mut self,
        s: &ast::Select,
        order: &[ast::OrderByExpr],
    ) -> Result<(Plan, Vec<OutputColumn>)> {
        let set_operand = std::mem::take(&mut self.set_operand);
        if s.into.is_some() {
            // Only a statement of its own may be SELECT INTO (dispatch
            // makes it CREATE TABLE AS).
            // The error points at INTO: the first word `into` after
            // SELECT.
            let start = self.pos(s.select_token.0.span.start).unwrap_or(1) as usize;
            let mut at = None;
            let mut p = start;
            while self.text.char_at(p).is_some() {
                let word = (0..4)
                    .filter_map(|k| self.text.char_at(p + k))
                    .collect::<String>();
                let before = p.checked_sub(1).and_then(|b| self.text.char_at(b));
                let after = self.text.char_at(p + 4);
                let boundary =
                    |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                if word.eq_ignore_ascii_case("into") && boundary(before) && boundary(after) {
                    at = u32::try_from(p).ok();
                    break;
                }
                p += 1;
            }
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                "SELECT ... INTO is not allowed here",
            )
            .at(at));
        }
        if s.qualify.is_some() {
            return Err(SqlError::unsupported("QUALIFY"));
        }
        let mut named = Vec::with_capacity(s.named_window.len());
        for ast::NamedWindowDefinition(name, def) in &s.named_window {
            let spec = match def {
                ast::NamedWindowExpr::WindowSpec(spec) => spec.clone(),
                ast::NamedWindowExpr::NamedWindow(other) => ast::WindowSpec {
                    window_name: Some(other.clone()),
                    partition_by: Vec::new(),
                    order_by: Vec::new(),
                    window_frame: None,
                },
            };
            let name = ident(name);
            if named.iter().any(|(n, _)| *n == name) {
                return Err(SqlError::new(
                    SqlState::WINDOWING_ERROR,
                    format!("window \"{name}\" is already defined"),
                ));
            }
            named.push((name, spec));
        }
        let outer_windows = std::mem::replace(&mut self.named_windows, named);
        let out = self.select_body(s, order, set_operand);
        self.named_windows = outer_windows;
        out
    }

    fn select_body(
        &mut self,
        s: &ast::Select,
        order: &[ast::OrderByExpr],
        set_operand: bool,
    ) -> Result<(Plan, Vec<OutputColumn>)> {
        self.begin_lock_scan();
        let from = self.from(&s.from);
        self.end_lock_scan();
        let (mut plan, scope) = from?;
        let mut predicate = None;
        if let Some(w) = &s.selection {
            let saved = self
                .no_aggs
                .replace("aggregate functions are not allowed in WHERE");
            let bound = self.expr(w, &scope);
            self.no_aggs = saved;
            let p = self.boolean(bound?, "WHERE")?;
            predicate = Some(p.clone());
            plan = Plan::Filter {
                input: Box::new(plan),
                predicate: p,
            };
        }
        self.windows_ok = true;
        if s.from.is_empty()
            && s.projection
                .iter()
                .any(|i| matches!(i, SelectItem::Wildcard(_)))
        {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                "SELECT * with no tables specified is not valid",
            ));
        }
        self.set_operand = set_operand;
        // Set-returning calls may stand in the select list, GROUP BY,
        // DISTINCT ON and ORDER BY (not in HAVING).
        self.srf_width = Some(scope.columns.len());
        let projected = self.projection(&s.projection, &scope);
        self.set_operand = false;
        self.windows_ok = false;
        let (mut exprs, mut columns) = projected?;
        let visible = columns.len();
        let (mut group, sets) = self.group_by(&s.group_by, &scope, &columns, &exprs)?;
        self.srf_width = None;
        let having = match &s.having {
            Some(h) => {
                let refused = self
                    .srf_refused
                    .replace("set-returning functions are not allowed in HAVING");
                let e = self.expr(h, &scope);
                self.srf_refused = refused;
                Some(self.boolean(e?, "HAVING")?)
            }
            None => None,
        };
        self.srf_width = Some(scope.columns.len());
        let distinct = match &s.distinct {
            None | Some(ast::Distinct::All) => None,
            Some(ast::Distinct::Distinct) => Some(None),
            Some(ast::Distinct::On(on)) => {
                let mut cols = Vec::new();
                for e in on {
                    let c = match self.output_ref(e, &columns, Some(&exprs), "DISTINCT ON")? {
                        Some(i) => i,
                        None => {
                            self.windows_ok = true;
                            let bound = self.expr(e, &scope);
                            self.windows_ok = false;
                            add_resjunk(bound?, &mut exprs, &mut columns)
                        }
                    };
                    if !columns[c].ty.has_equality() {
                        return Err(
                            crate::error::errors::no_equality(columns[c].ty).at(self.pos_of(e))
                        );
                    }
                    cols.push(c);
                }
                Some(Some(cols))
            }
        };
        let mut keys = Vec::new();
        for o in order {
            let column = match self.output_ref(
                &o.expr,
                &columns[..visible],
                Some(&exprs[..visible]),
                "ORDER BY",
            )? {
                Some(i) => i,
                None => {
                    self.windows_ok = true;
                    let bound = self.expr(&o.expr, &scope);
                    self.windows_ok = false;
                    let bound = bound?;
                    let fp = bound.fingerprint();
                    match exprs.iter().position(|x| x.fingerprint() == fp) {
                        Some(i) => i,
                        None if distinct == Some(None) => {
                            return Err(SqlError::new(
                                SqlState::INVALID_COLUMN_REFERENCE,
                                "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                            )
                            .at(self.pos_of(&o.expr)));
                        }
                        None => add_resjunk(bound, &mut exprs, &mut columns),
                    }
                }
            };
            self.check_ordering(columns[column].ty, o)?;
            keys.push(sort_key(column, o)?);
        }
        if distinct == Some(None) {
            for (i, c) in columns[..visible].iter().enumerate() {
                if !c.ty.has_equality() {
                    let pos = match s.projection.get(i) {
                        Some(
                            ast::SelectItem::UnnamedExpr(e)
                            | ast::SelectItem::ExprWithAlias { expr: e, .. },
                        ) => self.pos_of(e),
                        _ => None,
                    };
                    return Err(crate::error::errors::no_equality(c.ty).at(pos));
                }
            }
        }
        self.srf_width = None;
        let grouped = !group.is_empty()
            || sets.is_some()
            || having.is_some()
            || exprs.iter().any(has_aggregate)
            || matches!(&s.group_by, ast::GroupByExpr::Expressions(g, _) if !g.is_empty());
        let restrictions = [
            (distinct.is_some(), "DISTINCT clause"),
            (!group.is_empty() || sets.is_some(), "GROUP BY clause"),
            (having.is_some(), "HAVING clause"),
            (exprs.iter().any(has_aggregate), "aggregate functions"),
            (exprs.iter().any(has_window), "window functions"),
            (
                exprs.iter().any(tsrf::has_srf),
                "set-returning functions in the target list",
            ),
        ];
        self.mark_rows(
            &scope,
            (&mut exprs, &mut columns),
            &restrictions,
            predicate.as_ref(),
        )?;
        let mut input_width = scope.columns.len();
        let mut grouped_in_order = false;
        if grouped {
            let group_fps: Vec<String> = group.iter().map(Expr::fingerprint).collect();
            // GROUP BY's set-returning calls run under the Aggregate.
            if group.iter().any(tsrf::has_srf) {
                let (below, _) = tsrf::split(plan, scope.columns.len(), &mut group, &|_| true)?;
                plan = below;
            }
            let mut aggs = Vec::new();
            let mut regrouped = Vec::with_capacity(exprs.len());
            self.group_consts = sets.is_some();
            let bound = (|| {
                for e in exprs {
                    regrouped.push(self.regroup(e, &group_fps, &mut aggs, &scope)?);
                }
                match having {
                    Some(h) => self.regroup(h, &group_fps, &mut aggs, &scope).map(Some),
                    None => Ok(None),
                }
            })();
            self.group_consts = false;
            let having = bound?;
            exprs = regrouped;
            input_width = group.len() + aggs.len();
            if sorted_aggregation(&aggs, sets.is_some())
                && !group.iter().any(tsrf::has_srf)
                && group.iter().any(|g| !matches!(g.kind, ExprKind::Column(_)))
            {
                // Group expressions are computed below the sort, as
                // PostgreSQL sorts on them.
                plan = project_group_keys(plan, &scope, &mut group);
            }
            if let Some(sorted) = group_sort(&group, &aggs, sets.is_some(), (&keys, &exprs)) {
                // ORDER BY then needs no sort of its own when it is a
                // prefix of the groups' order.
                let group_col = |c: usize| match group.get(c).map(|g| &g.kind) {
                    Some(ExprKind::Column(i)) => Some(*i),
                    _ => None,
                };
                grouped_in_order = keys.len() <= sorted.len()
                    && keys.iter().zip(&sorted).all(|(k, s)| {
                        matches!(exprs.get(k.column).map(|e| &e.kind),
                            Some(ExprKind::Column(g)) if group_col(*g) == Some(s.column))
                            && k.desc == s.desc
                            && k.nulls_first == s.nulls_first
                    });
                plan = Plan::Sort {
                    input: Box::new(plan),
                    keys: sorted,
                };
            }
            plan = Plan::Aggregate {
                input: Box::new(plan),
                group,
                aggs,
                sets,
            };
            if let Some(predicate) = having {
                plan = Plan::Filter {
                    input: Box::new(plan),
                    predicate,
                };
            }
        }
        // Calls in a window's PARTITION BY / ORDER BY run under the
        // Window node (with any equal call of the select list).
        let in_windows = tsrf::window_srfs(&exprs);
        if !in_windows.is_empty() {
            let (below, width) = tsrf::split(plan, input_width, &mut exprs, &|e| {
                in_windows.contains(&e.fingerprint())
            })?;
            plan = below;
            input_width = width;
        }
        let mut calls = Vec::new();
        let mut windowed = Vec::with_capacity(exprs.len());
        for e in exprs {
            windowed.push(extract_windows(e, input_width, &mut calls)?);
        }
        exprs = windowed;
        let calls_empty = calls.is_empty();
        super::window::order_windows(&mut calls);
        if !calls.is_empty() {
            input_width += calls.len();
            plan = Plan::Window {
                input: Box::new(plan),
                calls,
            };
        }
        // The select list's set-returning calls and volatile items, when
        // no ORDER BY or DISTINCT ON key needs them, run after the sort
        // and DISTINCT ON (PostgreSQL's make_sort_input_target): each
        // input row's series stays in order, and `nextval(...) ... ORDER
        // BY x LIMIT 10` numbers the rows in x's order and takes ten
        // values, not one per row read.
        let mut postponed = None;
        let in_order = grouped_in_order && calls_empty && distinct.is_none();
        let any_srf = exprs.iter().any(tsrf::has_srf);
        let late = |e: &Expr| tsrf::has_srf(e) || e.calls_volatile();
        let postpone = distinct != Some(None)
            && (any_srf || exprs.iter().any(Expr::calls_volatile))
            && tsrf::postponable(&exprs, &keys, distinct.as_ref(), &late);
        if postpone {
            let (before, after, width) = tsrf::before_sort(plan, input_width, exprs, &late)?;
            plan = before;
            postponed = Some((after, width, any_srf));
        } else if !any_srf {
            plan = Plan::Project {
                input: Box::new(plan),
                exprs,
            };
        } else {
            plan = tsrf::project(plan, input_width, exprs)?;
        }
        match distinct {
            None => {}
            Some(None) => {
                plan = Plan::Distinct {
                    input: Box::new(plan),
                    on: None,
                }
            }
            Some(Some(on)) => {
                // DISTINCT ON keeps the first row of each group in ORDER
                // BY order, so the ON columns must lead the ORDER BY.
                for (i, c) in on.iter().enumerate() {
                    match keys.get(i) {
                        Some(k) if k.column == *c => {}
                        Some(_) => {
                            return Err(SqlError::new(
                                SqlState::INVALID_COLUMN_REFERENCE,
                                "SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
                            ))
                        }
                        None => keys.push(SortKey {
                            column: *c,
                            desc: false,
                            nulls_first: false,
                        }),
                    }
                }
                plan = Plan::Sort {
                    input: Box::new(plan),
                    keys: std::mem::take(&mut keys),
                };
                plan = Plan::Distinct {
                    input: Box::new(plan),
                    on: Some(on),
                };
            }
        }
        if !keys.is_empty() && !in_order {
            plan = Plan::Sort {
                input: Box::new(plan),
                keys,
            };
        }
        if let Some((after, width, srf)) = postponed {
            plan = if srf {
                tsrf::project(plan, width, after)?
            } else {
                Plan::Project {
                    input: Box::new(plan),
                    exprs: after,
                }
            };
        }
        columns.truncate(visible);
        Ok((plan, columns))
    }

    /// `(expr).*`: one column per field of a composite value (PostgreSQL
    /// evaluates the expression once per field too).
    #[inline(never)]
    fn field_star(
        &mut self,
        inner: &ast::Expr,
        scope: &Scope,
        exprs: &mut Vec<crate::expr::Expr>,
        columns: &mut Vec<OutputColumn>,
    ) -> Result<()> {
        let pos = self.pos_of(inner);
        let value = self.expr(inner, scope)?;
        let DataType::Composite(oid) = value.ty else {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("type {} is not composite", value.ty.sql_name()),
            ));
        };
        let (names, types) = crate::usertype::fields(oid).unwrap_or_default();
        for (i, (name, &(ty, typmod))) in names.iter().zip(&types).enumerate() {
            exprs.push(self.record_field(value.clone(), i, (ty, typmod), pos)?);
            columns.push(OutputColumn {
                name: name.clone(),
                ty,
                typmod,
                table_oid: 0,
                attnum: 0,
            });
        }
        Ok(())
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
        let set_operand = std::mem::take(&mut self.set_operand);
        for item in items {
            if let SelectItem::UnnamedExpr(e) = item {
                if let Some(inner) = fields_of(e) {
                    self.field_star(inner, scope, &mut exprs, &mut columns)?;
                    continue;
                }
            }
            match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let name = match item {
                        SelectItem::ExprWithAlias { alias, .. } => Some(ident(alias)),
                        _ => figure_colname(e),
                    };
                    let mut bound = self.expr(e, scope)?;
                    if bound.ty == DataType::Unknown && !set_operand {
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
                    let mut any = false;
                    for (i, c) in scope.columns.iter().enumerate() {
                        let wanted = match &table {
                            // The system column tableoid and the tuple ids
                            // of FOR UPDATE are not part of `t.*`.
                            Some(t) => {
                                c.table.as_ref() == Some(t)
                                    && !(c.hidden
                                        && (c.name == SYSTEM_TABLEOID || c.name.starts_with('\0')))
                            }
                            None => !c.hidden,
                        };
                        if !wanted {
                            continue;
                        }
                        self.check_column_readable(c.table_oid, c.attnum)?;
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
                        // `t.*` of a query around (a LATERAL subquery's
                        // `SELECT ss1.*`): its columns as outer references.
                        if !self.outer_star(&t, &mut exprs, &mut columns) {
                            return Err(self.missing_from_entry(&t));
                        }
                    }
                }
            }
        }
        if columns.len() > MAX_TARGET_ENTRIES {
            return Err(SqlError::new(
                SqlState::TOO_MANY_COLUMNS,
                format!("target lists can have at most {MAX_TARGET_ENTRIES} entries"),
            ));
        }
        Ok((exprs, columns))
    }

    /// `t.*` where `t` belongs to an enclosing query: its visible columns
    /// as outer references (the innermost level that has `t`); false if
    /// none has it.
    fn outer_star(
        &mut self,
        t: &str,
        exprs: &mut Vec<Expr>,
        columns: &mut Vec<OutputColumn>,
    ) -> bool {
        let levels = self.outer.len();
        for k in (0..levels).rev() {
            let found: Vec<(usize, ScopeColumn)> = self.outer[k]
                .0
                .columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.table.as_deref() == Some(t) && !c.hidden)
                .map(|(i, c)| (i, c.clone()))
                .collect();
            if found.is_empty() {
                continue;
            }
            for level in &mut self.outer[k..] {
                level.1 = true;
            }
            for (i, c) in found {
                exprs.push(Expr {
                    kind: ExprKind::Outer {
                        depth: levels - k,
                        index: i,
                    },
                    ty: c.ty,
                    typmod: c.typmod,
                    pos: None,
                });
                columns.push(OutputColumn {
                    name: c.name,
                    ty: c.ty,
                    typmod: c.typmod,
                    table_oid: c.table_oid,
                    attnum: c.attnum,
                });
            }
            return true;
        }
        false
    }

    /// The FROM clause: its plan and the columns it makes visible. Several
    /// items are cross-joined left to right.
    pub(crate) fn from(&mut self, from: &[ast::TableWithJoins]) -> Result<(Plan, Scope)> {
        // The names bound so far, kept until the query ends (query()).
        self.from_names.push(Vec::new());
        self.bind_from_items(from)
    }

    /// Records the names of a FROM item just bound.
    fn bound_item(&mut self, tf: &TableFactor) {
        let mut names = Vec::new();
        item_names(tf, &mut names);
        if let Some(level) = self.from_names.last_mut() {
            level.extend(names);
        }
    }

    /// Whether `table` names a FROM item of a FROM clause being bound
    /// (though not in scope where it is referenced).
    /// Binds `f` with `name` known as a FROM item it cannot reference
    /// (MERGE's target in a WHEN NOT MATCHED clause): a reference to it is
    /// PostgreSQL's "invalid reference to FROM-clause entry".
    pub(crate) fn with_unreachable<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        self.from_names.push(vec![name.to_owned()]);
        let r = f(self);
        self.from_names.pop();
        r
    }

    pub(super) fn in_some_from(&self, table: &str) -> bool {
        self.from_names.iter().flatten().any(|n| n == table)
    }

    fn bind_from_items(&mut self, from: &[ast::TableWithJoins]) -> Result<(Plan, Scope)> {
        let mut acc: Option<(Plan, Scope, bool)> = None;
        let cross = ast::JoinOperator::CrossJoin(ast::JoinConstraint::None);
        for item in from {
            // A LATERAL item, or a function (implicitly LATERAL), sees the
            // items before it.
            if let Some(left) = acc.as_ref().filter(|_| {
                lateral_subquery(&item.relation).is_some() || is_function(&item.relation)
            }) {
                let right = self.factor_after(&item.relation, &left.1)?;
                self.bound_item(&item.relation);
                let left = acc.take().ok_or_else(|| SqlError::internal("lateral"))?;
                let mut cur = self.join_with(left, right, &cross)?;
                for j in &item.joins {
                    let right = self.factor_after(&j.relation, &cur.1)?;
                    self.bound_item(&j.relation);
                    cur = self.join_with(cur, right, &j.join_operator)?;
                }
                acc = Some(cur);
                continue;
            }
            // `a, b JOIN LATERAL (... a.x ...)`: a LATERAL item inside a
            // join sees the comma items before it too; the whole join is
            // then rerun per row of them.
            let sees_before = acc.is_some()
                && item
                    .joins
                    .iter()
                    .any(|j| lateral_subquery(&j.relation).is_some() || is_function(&j.relation));
            if sees_before {
                let left = acc.as_ref().map(|l| l.1.clone()).unwrap_or_default();
                self.outer.push((left, false));
            }
            let built = (|| {
                let (plan, scope) = self.table_factor(&item.relation)?;
                self.bound_item(&item.relation);
                let mut cur = (plan, scope, false);
                for j in &item.joins {
                    let right = self.factor_after(&j.relation, &cur.1)?;
                    self.bound_item(&j.relation);
                    cur = self.join_with(cur, right, &j.join_operator)?;
                }
                Ok::<_, SqlError>(cur)
            })();
            let correlated = sees_before && self.outer.pop().is_some_and(|(_, c)| c);
            let mut cur = built?;
            cur.2 = correlated;
            acc = Some(match acc {
                None => cur,
                Some(left) => self.join_with(left, cur, &cross)?,
            });
        }
        Ok(acc.map_or((Plan::OneRow, Scope::default()), |(p, s, _)| (p, s)))
    }

    /// A FROM item joined after items whose columns are `left`: LATERAL
    /// subqueries may read them.
    fn factor_after(&mut self, tf: &TableFactor, left: &Scope) -> Result<(Plan, Scope, bool)> {
        match lateral_subquery(tf) {
            Some(l) => self.lateral_factor(l, left),
            None if is_function(tf) => {
                // Functions in FROM are LATERAL: their arguments may read
                // the items before them.
                self.outer.push((left.clone(), false));
                let bound = self.table_factor(tf);
                let correlated = self.outer.pop().is_some_and(|(_, c)| c);
                let (p, s) = bound?;
                Ok((p, s, correlated))
            }
            None => {
                let (p, s) = self.table_factor(tf)?;
                Ok((p, s, false))
            }
        }
    }

    /// `LATERAL (subquery) alias`, bound with the columns before it in
    /// scope: (plan, scope, whether it reads them).
    fn lateral_factor(
        &mut self,
        (subquery, alias): (&ast::Query, &ast::TableAlias),
        left: &Scope,
    ) -> Result<(Plan, Scope, bool)> {
        self.outer.push((left.clone(), false));
        let saved = self.no_aggs.take();
        let bound = self.query(subquery);
        self.no_aggs = saved;
        let correlated = self.outer.pop().is_some_and(|(_, c)| c);
        let bound = bound?;
        let scope = output_scope(&bound.columns, ident(&alias.name), &alias.columns)?;
        Ok((bound.plan, scope, correlated))
    }

    /// Joins two FROM items; a right side that reads the left one's
    /// columns (LATERAL) becomes a nested loop that reruns it per left row.
    fn join_with(
        &mut self,
        left: (Plan, Scope, bool),
        right: (Plan, Scope, bool),
        op: &ast::JoinOperator,
    ) -> Result<(Plan, Scope, bool)> {
        let lateral = right.2;
        let (plan, scope) = self.join((left.0, left.1), (right.0, right.1), op, lateral)?;
        Ok((plan, scope, false))
    }

    /// One FROM item: a table, a system view, a subquery or a join in
    /// parentheses.
    fn table_factor(&mut self, tf: &TableFactor) -> Result<(Plan, Scope)> {
        match tf {
            TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_ordinality,
                ..
            } => {
                let derived = json_to_record(name, &args.args, alias.as_ref())
                    .map_err(|e| e.at(self.pos_of(name)))?;
                if let Some(derived) = derived {
                    return self.table_factor(&derived);
                }
                self.function_scan(name, &args.args, alias.as_ref(), *with_ordinality)
            }
            TableFactor::Table {
                name,
                alias,
                args: None,
                inheritance,
                ..
            } => {
                let only = matches!(inheritance, Some(ast::TableInheritance::Only { .. }));
                let parts = object_name(name);
                if let Some((plan, columns)) = self.cte_ref(&parts) {
                    let table = alias
                        .as_ref()
                        .map_or_else(|| parts.join("."), |a| ident(&a.name));
                    let names = alias.as_ref().map_or(&[][..], |a| &a.columns[..]);
                    return Ok((plan, output_scope(&columns, table, names)?));
                }
                let pos = name
                    .0
                    .first()
                    .and_then(|p| p.as_ident())
                    .and_then(|i| self.pos(i.span.start));
                let alias_name = alias.as_ref().map(|a| ident(&a.name));
                let (plan, mut scope) = if let Some(view) = SystemView::lookup(&parts) {
                    if let Some(text) = view.sql() {
                        let names = view.columns().iter().map(|(n, _)| (*n).to_owned());
                        return self.view(
                            view.name(),
                            view.oid(),
                            names.collect(),
                            text,
                            alias.as_ref(),
                        );
                    }
                    let table = alias_name.unwrap_or_else(|| view.name().to_owned());
                    let mut columns: Vec<ScopeColumn> = view
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
                            hidden: false,
                            scalar: false,
                        })
                        .collect();
                    // The system column tableoid, which `*` leaves out.
                    columns.push(ScopeColumn {
                        table: Some(table.clone()),
                        name: SYSTEM_TABLEOID.into(),
                        ty: DataType::Oid,
                        typmod: -1,
                        table_oid: view.oid(),
                        attnum: -6,
                        hidden: true,
                        scalar: false,
                    });
                    (Plan::SystemView(view), Scope { columns })
                } else {
                    let def = self.lookup_table(&parts, pos)?;
                    if !self.unchecked {
                        if let Some(allowed) = self.tables.readable_columns(&def, self.check_as)? {
                            self.restricted.push((def.oid, def.name.clone(), allowed));
                        }
                    }
                    if def.matview.is_some() && !def.populated {
                        return Err(SqlError::new(
                            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                            format!("materialized view \"{}\" has not been populated", def.name),
                        )
                        .with_hint("Use the REFRESH MATERIALIZED VIEW command."));
                    }
                    if let Some(text) = &def.view {
                        let names = def.live().map(|(_, c)| c.name.clone()).collect();
                        return self.view(&def.name, def.oid, names, text, alias.as_ref());
                    }
                    let mut scope = table_scope(&def, alias_name.as_deref());
                    let name = alias_name.clone().unwrap_or_else(|| def.name.clone());
                    if (def.partition_key.is_some() || !def.inheritors.is_empty()) && !only {
                        let plan = self.partitioned_scan(&def, &name, &mut scope)?;
                        if let Some(a) = alias {
                            rename_columns(&mut scope, &a.columns)?;
                        }
                        return Ok((plan, scope));
                    }
                    let with_tid = self.lock_scan(&def, &name, &mut scope);
                    if with_tid && !self.unchecked {
                        // Locking rows takes UPDATE on the table.
                        self.tables
                            .check_privileges(&def, crate::acl::UPDATE, self.check_as)?;
                    }
                    (
                        Plan::SeqScan {
                            table: def,
                            with_tid,
                            needed: None,
                            alias: alias_name.as_deref().map(std::sync::Arc::from),
                        },
                        scope,
                    )
                };
                if let Some(a) = alias {
                    rename_columns(&mut scope, &a.columns)?;
                }
                Ok((plan, scope))
            }
            // LATERAL first in FROM has nothing before it to read: an
            // ordinary subquery.
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let Some(alias) = alias else {
                    return Err(
                        SqlError::syntax("subquery in FROM must have an alias", None)
                            .with_hint("For example, FROM (SELECT ...) [AS] foo."),
                    );
                };
                let saved = self.no_aggs.take();
                let bound = self.query(subquery);
                self.no_aggs = saved;
                let bound = bound?;
                let scope = output_scope(&bound.columns, ident(&alias.name), &alias.columns)?;
                Ok((bound.plan, scope))
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => self.from(std::slice::from_ref(table_with_joins.as_ref())),
            // `(a JOIN b ...) AS x (c1, ...)`: the join's columns under the
            // alias (and the new column names), the inner names hidden.
            TableFactor::NestedJoin {
                table_with_joins,
                alias: Some(alias),
            } => {
                let (plan, scope) = self.from(std::slice::from_ref(table_with_joins.as_ref()))?;
                Ok((plan, alias_join(scope, alias)?))
            }
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset: false,
                with_ordinality,
                ..
            } => {
                let name = ast::ObjectName::from(vec![ast::Ident::new("unnest")]);
                let args: Vec<ast::FunctionArg> = array_exprs
                    .iter()
                    .map(|e| ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e.clone())))
                    .collect();
                self.function_scan(&name, &args, alias.as_ref(), *with_ordinality)
            }
            TableFactor::Function {
                name,
                args,
                with_ordinality,
                alias,
                ..
            } => self.function_scan(name, args, alias.as_ref(), *with_ordinality),
            other => Err(SqlError::unsupported(format!("the FROM item {other}"))),
        }
    }

    /// A view in FROM: its stored query bound as a subquery that sees
    /// nothing of the query around it.
    fn view(
        &mut self,
        name: &str,
        oid: u32,
        names: Vec<String>,
        text: &str,
        alias: Option<&ast::TableAlias>,
    ) -> Result<(Plan, Scope)> {
        let q = crate::parser::view_query(text)?;
        self.enter()?;
        if self.expanding_views.contains(&oid) {
            return Err(infinite_view_recursion(name));
        }
        let outer = std::mem::take(&mut self.outer);
        let ctes = std::mem::take(&mut self.ctes);
        let no_aggs = self.no_aggs.take();
        let windows = std::mem::take(&mut self.windows_ok);
        // Positions found in the view's text mean nothing in this query's.
        self.expanding_views.push(oid);
        let check_as = self.check_as;
        if oid >= crate::catalog::FIRST_USER_OID {
            self.check_as = Some(self.tables.relation_owner(oid));
        }
        let bound = self.query(&q).map_err(SqlError::without_position);
        self.check_as = check_as;
        self.expanding_views.pop();
        self.outer = outer;
        self.ctes = ctes;
        self.no_aggs = no_aggs;
        self.windows_ok = windows;
        let bound = bound?;
        let table = alias.map_or_else(|| name.to_owned(), |a| ident(&a.name));
        let mut scope = Scope {
            columns: names
                .into_iter()
                .zip(&bound.columns)
                .enumerate()
                .map(|(i, (name, out))| ScopeColumn {
                    table: Some(table.clone()),
                    name,
                    ty: out.ty,
                    typmod: out.typmod,
                    table_oid: oid,
                    attnum: (i + 1) as i16,
                    hidden: false,
                    scalar: false,
                })
                .collect(),
        };
        if let Some(a) = alias {
            rename_columns(&mut scope, &a.columns)?;
        }
        Ok((bound.plan, scope))
    }

    /// Joins two FROM items.
    fn join(
        &mut self,
        (lplan, lscope): (Plan, Scope),
        (rplan, rscope): (Plan, Scope),
        op: &ast::JoinOperator,
        lateral: bool,
    ) -> Result<(Plan, Scope)> {
        use ast::JoinOperator as J;
        let (kind, constraint) = match op {
            J::Join(c) | J::Inner(c) => (JoinKind::Inner, c),
            J::CrossJoin(c) => (JoinKind::Inner, c),
            J::Left(c) | J::LeftOuter(c) => (JoinKind::Left, c),
            J::Right(c) | J::RightOuter(c) => (JoinKind::Right, c),
            J::FullOuter(c) => (JoinKind::Full, c),
            other => return Err(SqlError::unsupported(format!("the join {other:?}"))),
        };
        if let Some(dup) = rscope
            .columns
            .iter()
            .filter_map(|c| c.table.as_ref())
            .find(|t| lscope.columns.iter().any(|c| c.table.as_ref() == Some(*t)))
        {
            return Err(SqlError::new(
                SqlState::DUPLICATE_ALIAS,
                format!("table name \"{dup}\" specified more than once"),
            ));
        }
        let (left_width, right_width) = (lscope.columns.len(), rscope.columns.len());
        let mut scope = Scope {
            columns: lscope
                .columns
                .iter()
                .chain(&rscope.columns)
                .cloned()
                .collect(),
        };
        // `USING (cols) AS alias`: the merged columns under that name.
        let using_alias = match constraint {
            ast::JoinConstraint::UsingAlias(_, alias) => {
                let alias = ident(alias);
                if scope
                    .columns
                    .iter()
                    .any(|c| c.table.as_deref() == Some(alias.as_str()))
                {
                    return Err(SqlError::new(
                        SqlState::DUPLICATE_ALIAS,
                        format!("table name \"{alias}\" specified more than once"),
                    ));
                }
                Some(alias)
            }
            _ => None,
        };
        let using: Vec<String> = match constraint {
            ast::JoinConstraint::Using(names) | ast::JoinConstraint::UsingAlias(names, _) => names
                .iter()
                .map(|n| object_name(n).pop().unwrap_or_default())
                .collect(),
            ast::JoinConstraint::Natural => lscope
                .columns
                .iter()
                .filter(|c| {
                    !c.hidden && rscope.columns.iter().any(|r| !r.hidden && r.name == c.name)
                })
                .map(|c| c.name.clone())
                .collect(),
            _ => Vec::new(),
        };
        let mut conds = Vec::new();
        if let ast::JoinConstraint::On(e) = constraint {
            let saved = self
                .no_aggs
                .replace("aggregate functions are not allowed in JOIN conditions");
            let bound = self.expr(e, &scope);
            self.no_aggs = saved;
            conds.push(self.boolean(bound?, "JOIN/ON")?);
        }
        // USING columns: one equality each; the merged column comes first
        // in `*`, the two originals stay reachable only when qualified.
        let mut merged = Vec::new();
        for name in &using {
            let find = |s: &Scope, side: &str| {
                let mut it = s
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.hidden && &c.name == name);
                match (it.next(), it.next()) {
                    (Some((i, _)), None) => Ok(i),
                    (None, _) => Err(SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!("column \"{name}\" specified in USING clause does not exist in {side} table"),
                    )),
                    (Some(_), Some(_)) => Err(SqlError::new(
                        SqlState::AMBIGUOUS_COLUMN,
                        format!("common column name \"{name}\" appears more than once in {side} table"),
                    )),
                }
            };
            let li = find(&lscope, "left")?;
            let ri = find(&rscope, "right")?;
            for c in [&lscope.columns[li], &rscope.columns[ri]] {
                self.check_column_readable(c.table_oid, c.attnum)?;
            }
            let l = column_of(li, &scope.columns[li]);
            let r = column_of(left_width + ri, &scope.columns[left_width + ri]);
            conds.push(self.operator("=", vec![l.clone(), r.clone()], None)?);
            let ty = self.common_type(&[&l, &r], "JOIN/USING")?;
            let l = self.coerce(l, ty, -1, CoercionContext::Implicit)?;
            let r = self.coerce(r, ty, -1, CoercionContext::Implicit)?;
            let value = match kind {
                JoinKind::Inner | JoinKind::Left | JoinKind::Semi | JoinKind::Anti => l,
                JoinKind::Right => r,
                JoinKind::Full => Expr {
                    kind: ExprKind::Coalesce(vec![l, r]),
                    ty,
                    typmod: -1,
                    pos: None,
                },
            };
            merged.push((name.clone(), value, li, left_width + ri));
        }
        let mut plan = if lateral {
            if matches!(kind, JoinKind::Right | JoinKind::Full) {
                return Err(SqlError::syntax(
                    "invalid reference to FROM-clause entry for table",
                    None,
                )
                .with_detail(
                    "The combining JOIN type must be INNER or LEFT for a LATERAL reference.",
                ));
            }
            Plan::Lateral {
                left: Box::new(lplan),
                right: Box::new(rplan),
                left_join: kind == JoinKind::Left,
                on: Expr::and_all(conds),
                right_width,
            }
        } else {
            let (keys, on) = split_equi_keys(conds, left_width);
            Plan::Join {
                left: Box::new(lplan),
                right: Box::new(rplan),
                kind,
                keys,
                on,
                right_width,
                left_width,
                merge: false,
            }
        };
        if !merged.is_empty() {
            let mut exprs = Vec::new();
            let mut columns = Vec::new();
            for (name, value, li, ri) in &merged {
                columns.push(ScopeColumn {
                    table: None,
                    name: name.clone(),
                    ty: value.ty,
                    typmod: value.typmod,
                    table_oid: 0,
                    attnum: 0,
                    hidden: false,
                    scalar: false,
                });
                exprs.push(value.clone());
                scope.columns[*li].hidden = true;
                scope.columns[*ri].hidden = true;
            }
            // Visible originals first, then the hidden USING originals.
            let order: Vec<usize> = (0..scope.columns.len())
                .filter(|&i| !scope.columns[i].hidden)
                .chain((0..scope.columns.len()).filter(|&i| scope.columns[i].hidden))
                .collect();
            for i in order {
                exprs.push(column_of(i, &scope.columns[i]));
                columns.push(scope.columns[i].clone());
            }
            if let Some(alias) = &using_alias {
                for k in 0..merged.len() {
                    let mut c = columns[k].clone();
                    exprs.push(column_of(k, &c));
                    c.table = Some(alias.clone());
                    c.hidden = true;
                    columns.push(c);
                }
            }
            plan = Plan::Project {
                input: Box::new(plan),
                exprs,
            };
            scope = Scope { columns };
        }
        Ok((plan, scope))
    }
}

/// Splits join conditions into hash keys (`left expr = right expr` of one
/// type, each side reading only its own input) and the rest.
pub(crate) fn split_equi_keys(
    conds: Vec<Expr>,
    left_width: usize,
) -> (
    Vec<(Expr, Expr, &'static crate::func::FuncDef)>,
    Option<Expr>,
) {
    let mut keys = Vec::new();
    let mut rest = Vec::new();
    let mut flat = Vec::new();
    for c in conds {
        match c.kind {
            ExprKind::And(items) => flat.extend(items),
            _ => flat.push(c),
        }
    }
    for c in flat {
        if let ExprKind::Call { def, args } = &c.kind {
            if def.name == "=" && args.len() == 2 && args[0].ty == args[1].ty {
                let side = |e: &Expr| -> Option<bool> {
                    let mut min = usize::MAX;
                    let mut other = false;
                    e.visit(&mut |x| match &x.kind {
                        ExprKind::Column(i) => min = min.min(*i),
                        ExprKind::Outer { .. } | ExprKind::SubLink(_) | ExprKind::Param(_) => {
                            other = true
                        }
                        k if k
                            .volatility()
                            .is_some_and(|v| v != crate::func::Volatility::Immutable) =>
                        {
                            other = true
                        }
                        _ => {}
                    });
                    let max = e.max_column()?;
                    if other {
                        return None;
                    }
                    if max < left_width {
                        Some(true)
                    } else if min >= left_width {
                        Some(false)
                    } else {
                        None
                    }
                };
                match (side(&args[0]), side(&args[1])) {
                    (Some(true), Some(false)) => {
                        keys.push((
                            args[0].clone(),
                            crate::plan::shift_columns(args[1].clone(), -(left_width as isize)),
                            *def,
                        ));
                        continue;
                    }
                    (Some(false), Some(true)) => {
                        keys.push((
                            args[1].clone(),
                            crate::plan::shift_columns(args[0].clone(), -(left_width as isize)),
                            *def,
                        ));
                        continue;
                    }
                    _ => {}
                }
            }
        }
        rest.push(c);
    }
    (keys, Expr::and_all(rest))
}

/// `json(b)_to_record(j) AS x(a int, b text)` and `..._to_recordset`: the
/// derived table they mean, each declared column read from the object
/// by name (`->>` cast to its type; json and jsonb columns take the JSON
/// value, arrays a JSON array), one row per array element for the
/// recordset forms.
#[inline(never)]
fn json_to_record(
    name: &ast::ObjectName,
    args: &[ast::FunctionArg],
    alias: Option<&ast::TableAlias>,
) -> Result<Option<TableFactor>> {
    let parts = object_name(name);
    let fname = parts.last().map(String::as_str).unwrap_or_default();
    if fname == "pg_partition_tree" {
        return Ok(super::inherit::partition_tree(args, alias));
    }
    let (jsonb, set) = match fname {
        "json_to_record" => (false, false),
        "json_to_recordset" => (false, true),
        "jsonb_to_record" => (true, false),
        "jsonb_to_recordset" => (true, true),
        _ => return Ok(None),
    };
    let [arg] = args else {
        return Ok(None);
    };
    let Some(alias) = alias.filter(|a| !a.columns.is_empty()) else {
        return Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            "a column definition list is required for functions returning \"record\"",
        ));
    };
    let mut cols = Vec::with_capacity(alias.columns.len());
    for c in &alias.columns {
        let Some(ty) = &c.data_type else {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                "a column definition list is required for functions returning \"record\"",
            ));
        };
        let key = c.name.value.replace('\'', "''");
        let ty_text = ty.to_string();
        let lower = ty_text.to_ascii_lowercase();
        let value = if lower == "json" || lower == "jsonb" {
            format!("(_r.v -> '{key}')::{ty_text}")
        } else if lower.ends_with("[]") || lower.starts_with("_") {
            format!("translate(_r.v ->> '{key}', '[]', '{{}}')::{ty_text}")
        } else {
            format!("(_r.v ->> '{key}')::{ty_text}")
        };
        cols.push(format!(
            "{value} AS {}",
            ast::Ident::with_quote('"', &c.name.value)
        ));
    }
    let kind = if jsonb { "jsonb" } else { "json" };
    let source = if set {
        format!("{kind}_array_elements({arg}) AS _r(v)")
    } else {
        format!("(SELECT ({arg})::{kind} AS v) AS _r")
    };
    let text = format!("SELECT {} FROM {source}", cols.join(", "));
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let mut stmts = sqlparser::parser::Parser::parse_sql(&dialect, &text)
        .map_err(|e| SqlError::syntax(e.to_string(), None))?;
    let Some(ast::Statement::Query(q)) = stmts.pop() else {
        return Ok(None);
    };
    let mut alias = alias.clone();
    for c in &mut alias.columns {
        c.data_type = None;
    }
    Ok(Some(TableFactor::Derived {
        lateral: false,
        subquery: q,
        alias: Some(alias),
        sample: None,
    }))
}

/// Whether a FROM item is a function call (`generate_series(...)`,
/// `unnest(...)`, `LATERAL f(...)`).
fn is_function(tf: &TableFactor) -> bool {
    matches!(
        tf,
        TableFactor::Table { args: Some(_), .. }
            | TableFactor::UNNEST { .. }
            | TableFactor::Function { .. }
    )
}

/// The subquery and alias of `LATERAL (subquery) alias`.
fn lateral_subquery(tf: &TableFactor) -> Option<(&ast::Query, &ast::TableAlias)> {
    match tf {
        TableFactor::Derived {
            lateral: true,
            subquery,
            alias: Some(alias),
            ..
        } => Some((subquery, alias)),
        _ => None,
    }
}

/// A set operation's plan. UNION is UNION ALL under a DISTINCT (whose
/// hash set spills), so the SetOp node itself never deduplicates a union.
/// OVER after a function that is neither a window function nor an
/// aggregate (42809).
pub(super) fn not_a_window_function(name: &str) -> SqlError {
    SqlError::new(
        SqlState::WRONG_OBJECT_TYPE,
        format!("OVER specified, but {name} is not a window function nor an aggregate function"),
    )
}

/// Whether a set operation's operand is a SELECT whose select list is
/// the next one bound (its unknown literals then stay unknown).
fn operand_select(e: &SetExpr) -> bool {
    match e {
        SetExpr::Select(_) => true,
        SetExpr::Query(q) => q.with.is_none() && matches!(*q.body, SetExpr::Select(_)),
        _ => false,
    }
}

/// `left UNION [ALL] right` as an Append (under a Distinct for UNION),
/// extending the Append `left` already is where the result is the same:
/// UNION ALL onto UNION ALL, and UNION onto UNION or UNION ALL.
fn union(left: Plan, right: Plan, all: bool) -> Plan {
    match (left, all) {
        (
            Plan::Append {
                mut inputs,
                parts: None,
            },
            true,
        ) => {
            inputs.push(right);
            Plan::Append {
                inputs,
                parts: None,
            }
        }
        (
            Plan::Append {
                mut inputs,
                parts: None,
            },
            false,
        ) => {
            inputs.push(right);
            Plan::Distinct {
                input: Box::new(Plan::Append {
                    inputs,
                    parts: None,
                }),
                on: None,
            }
        }
        (Plan::Distinct { input, on: None }, false) => match *input {
            Plan::Append {
                mut inputs,
                parts: None,
            } => {
                inputs.push(right);
                Plan::Distinct {
                    input: Box::new(Plan::Append {
                        inputs,
                        parts: None,
                    }),
                    on: None,
                }
            }
            other => Plan::Distinct {
                input: Box::new(Plan::Append {
                    inputs: vec![
                        Plan::Distinct {
                            input: Box::new(other),
                            on: None,
                        },
                        right,
                    ],
                    parts: None,
                }),
                on: None,
            },
        },
        (left, all) => {
            let append = Plan::Append {
                inputs: vec![left, right],
                parts: None,
            };
            if all {
                append
            } else {
                Plan::Distinct {
                    input: Box::new(append),
                    on: None,
                }
            }
        }
    }
}

/// PostgreSQL's MaxTupleAttributeNumber: the most columns a result row
/// may have.
pub(crate) const MAX_TARGET_ENTRIES: usize = 1664;

pub(super) fn set_op(left: Plan, right: Plan, op: SetOpKind, all: bool, width: usize) -> Plan {
    let union_distinct = op == SetOpKind::Union && !all;
    // INTERSECT and EXCEPT read both sides sorted on every column (sorts
    // spill past work_mem) and count each run of equal rows.
    let (left, right) = if op == SetOpKind::Union {
        (left, right)
    } else {
        let keys: Vec<SortKey> = (0..width)
            .map(|column| SortKey {
                column,
                desc: false,
                nulls_first: false,
            })
            .collect();
        (
            Plan::Sort {
                input: Box::new(left),
                keys: keys.clone(),
            },
            Plan::Sort {
                input: Box::new(right),
                keys,
            },
        )
    };
    let plan = Plan::SetOp {
        left: Box::new(left),
        right: Box::new(right),
        op,
        all: all || union_distinct,
    };
    if union_distinct {
        Plan::Distinct {
            input: Box::new(plan),
            on: None,
        }
    } else {
        plan
    }
}

/// The scope of a query's output seen as table `table` (a subquery in
/// FROM or a WITH query), renamed by `AS table(a, b, ...)`.
fn output_scope(
    columns: &[OutputColumn],
    table: String,
    names: &[ast::TableAliasColumnDef],
) -> Result<Scope> {
    let mut scope = Scope {
        columns: columns
            .iter()
            .map(|c| ScopeColumn {
                table: Some(table.clone()),
                name: c.name.clone(),
                ty: c.ty,
                typmod: c.typmod,
                table_oid: 0,
                attnum: 0,
                hidden: false,
                scalar: false,
            })
            .collect(),
    };
    rename_columns(&mut scope, names)?;
    Ok(scope)
}

/// Applies `AS alias(a, b, ...)` column names.
fn rename_columns(scope: &mut Scope, names: &[ast::TableAliasColumnDef]) -> Result<()> {
    let visible: Vec<usize> = (0..scope.columns.len())
        .filter(|&i| !scope.columns[i].hidden)
        .collect();
    if names.len() > visible.len() {
        return Err(SqlError::syntax(
            format!(
                "table \"{}\" has {} columns available but {} columns specified",
                scope
                    .columns
                    .first()
                    .and_then(|c| c.table.clone())
                    .unwrap_or_default(),
                visible.len(),
                names.len()
            ),
            None,
        ));
    }
    for (n, &i) in names.iter().zip(&visible) {
        scope.columns[i].name = ident(&n.name);
    }
    Ok(())
}

/// A reference to column `i` described by a scope column.
fn column_of(i: usize, c: &ScopeColumn) -> Expr {
    Expr {
        kind: ExprKind::Column(i),
        ty: c.ty,
        typmod: c.typmod,
        pos: None,
    }
}

/// A reference to output column `i`.
fn column_ref(i: usize, c: &OutputColumn) -> Expr {
    Expr {
        kind: ExprKind::Column(i),
        ty: c.ty,
        typmod: c.typmod,
        pos: None,
    }
}

/// `plan` projected through `exprs` unless they are just its columns.
fn project_if_needed(plan: Plan, exprs: Vec<Expr>) -> Plan {
    let identity = exprs
        .iter()
        .enumerate()
        .all(|(i, e)| matches!(e.kind, ExprKind::Column(c) if c == i));
    if identity {
        plan
    } else {
        Plan::Project {
            input: Box::new(plan),
            exprs,
        }
    }
}

/// Drops resjunk columns beyond `width` when the plan has any.
fn trim(plan: Plan, width: usize) -> Plan {
    if plan.width().is_some_and(|w| w > width) {
        return project_columns(plan, 0..width);
    }
    plan
}

/// `plan`'s columns `cols`, in that order.
fn project_columns(plan: Plan, cols: impl Iterator<Item = usize>) -> Plan {
    let exprs = cols
        .map(|i| Expr {
            kind: ExprKind::Column(i),
            ty: DataType::Unknown,
            typmod: -1,
            pos: None,
        })
        .collect();
    Plan::Project {
        input: Box::new(plan),
        exprs,
    }
}

/// Adds a resjunk select-list column for ORDER BY / DISTINCT ON.
fn add_resjunk(e: Expr, exprs: &mut Vec<Expr>, columns: &mut Vec<OutputColumn>) -> usize {
    columns.push(OutputColumn {
        name: "?resjunk?".into(),
        ty: e.ty,
        typmod: e.typmod,
        table_oid: 0,
        attnum: 0,
    });
    exprs.push(e);
    exprs.len() - 1
}

/// The sort key of one ORDER BY item for `column`.
pub(super) fn sort_key(column: usize, o: &ast::OrderByExpr) -> Result<SortKey> {
    let desc = match &o.options.sort {
        None | Some(ast::OrderBySort::Asc) => false,
        Some(ast::OrderBySort::Desc) => true,
        // USING < is ASC, USING > is DESC (the btree ordering operators).
        Some(ast::OrderBySort::Using(op)) => {
            match op
                .0
                .last()
                .and_then(|p| p.as_ident())
                .map(|i| i.value.as_str())
            {
                Some("<") => false,
                Some(">") => true,
                _ => return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("operator {op} is not a valid ordering operator"),
                )
                .with_hint(
                    "Ordering operators must be \"<\" or \">\" members of btree operator families.",
                )),
            }
        }
    };
    Ok(SortKey {
        column,
        desc,
        nulls_first: o.options.nulls_first.unwrap_or(desc),
    })
}

/// Moves the window calls of `e` into `calls`, replacing each by the
/// Window node's output column for it (after the `base` input columns).
fn extract_windows(e: Expr, base: usize, calls: &mut Vec<crate::plan::WindowCall>) -> Result<Expr> {
    let Expr {
        kind,
        ty,
        typmod,
        pos,
    } = e;
    let kind = match kind {
        ExprKind::Window(call) => {
            calls.push(*call);
            ExprKind::Column(base + calls.len() - 1)
        }
        k => k.map_children(|c| extract_windows(c, base, calls))?,
    };
    Ok(Expr {
        kind,
        ty,
        typmod,
        pos,
    })
}

/// The sort PostgreSQL puts under a grouped query's aggregation when an
/// aggregate has DISTINCT or ORDER BY (it cannot hash those): the group
/// columns ascending, except that a group item also in ORDER BY takes
/// that key's direction, and the items follow ORDER BY's order when all
/// of ORDER BY's keys are group items (PostgreSQL's
/// transformGroupClauseExpr and preprocess_groupclause). Each group's
/// rows then reach the aggregates in that sort's order, which decides an
/// unordered string_agg's result and a float sum's last digits; the
/// groups come out in it too. `order` is the query's ORDER BY over its
/// select list (`exprs`, over the aggregation's output). None for
/// grouping sets and group expressions other than input columns.
fn group_sort(
    group: &[Expr],
    aggs: &[AggCall],
    sets: bool,
    order: (&[SortKey], &[Expr]),
) -> Option<Vec<SortKey>> {
    if group.is_empty() || !sorted_aggregation(aggs, sets) {
        return None;
    }
    let mut keys: Vec<SortKey> = group
        .iter()
        .map(|g| match g.kind {
            ExprKind::Column(column) => Some(SortKey {
                column,
                desc: false,
                nulls_first: false,
            }),
            _ => None,
        })
        .collect::<Option<_>>()?;
    // The group item each ORDER BY key is, while they are group items.
    let (order, exprs) = order;
    let items: Vec<Option<usize>> = order
        .iter()
        .map(|k| match exprs.get(k.column).map(|e| &e.kind) {
            Some(ExprKind::Column(g)) if *g < group.len() => Some(*g),
            _ => None,
        })
        .collect();
    let mut directed = vec![false; group.len()];
    for (k, g) in order.iter().zip(&items) {
        if let Some(g) = *g {
            if !std::mem::replace(&mut directed[g], true) {
                keys[g].desc = k.desc;
                keys[g].nulls_first = k.nulls_first;
            }
        }
    }
    let leading: Vec<usize> = items.iter().map_while(|g| *g).collect();
    if !leading.is_empty() && leading.len() == order.len() {
        let mut sorted: Vec<SortKey> = Vec::with_capacity(keys.len());
        for &g in &leading {
            if !sorted.iter().any(|k| k.column == keys[g].column) {
                sorted.push(keys[g]);
            }
        }
        for k in &keys {
            if !sorted.iter().any(|s| s.column == k.column) {
                sorted.push(*k);
            }
        }
        keys = sorted;
    }
    Some(keys)
}

/// Whether PostgreSQL aggregates these calls by sorting: one has
/// DISTINCT or ORDER BY (grouping sets aside).
fn sorted_aggregation(aggs: &[AggCall], sets: bool) -> bool {
    !sets && aggs.iter().any(|a| a.distinct || !a.order.is_empty())
}

/// `plan` (whose rows are `scope`) with each group expression that is
/// not one of its columns computed after them, and `group` reading
/// those columns instead.
fn project_group_keys(plan: Plan, scope: &Scope, group: &mut [Expr]) -> Plan {
    let mut exprs: Vec<Expr> = scope
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| Expr {
            kind: ExprKind::Column(i),
            ty: c.ty,
            typmod: c.typmod,
            pos: None,
        })
        .collect();
    for g in group.iter_mut() {
        if !matches!(g.kind, ExprKind::Column(_)) {
            let column = Expr {
                kind: ExprKind::Column(exprs.len()),
                ty: g.ty,
                typmod: g.typmod,
                pos: g.pos,
            };
            exprs.push(std::mem::replace(g, column));
        }
    }
    Plan::Project {
        input: Box::new(plan),
        exprs,
    }
}

/// Whether an expression contains an aggregate call of this query
/// (inside its correlated subqueries too).
fn has_aggregate(e: &Expr) -> bool {
    let mut found = false;
    crate::plan::rewrite_levels(e.clone(), 0, &mut |x, at| match &x.kind {
        ExprKind::Aggregate(c) if c.levels_up == at => {
            found = true;
            std::ops::ControlFlow::Break(x)
        }
        _ => std::ops::ControlFlow::Continue(x),
    });
    found
}

/// The name a FROM item is referenced by (its alias, or a table's or
/// function's own name), and those of the items of a parenthesized join.
fn item_names(tf: &TableFactor, out: &mut Vec<String>) {
    match tf {
        TableFactor::Table { alias: Some(a), .. }
        | TableFactor::Derived { alias: Some(a), .. }
        | TableFactor::Function { alias: Some(a), .. }
        | TableFactor::UNNEST { alias: Some(a), .. } => out.push(ident(&a.name)),
        TableFactor::Table { name, .. } | TableFactor::Function { name, .. } => {
            if let Some(last) = object_name(name).pop() {
                out.push(last);
            }
        }
        TableFactor::NestedJoin {
            table_with_joins,
            alias,
        } => {
            if let Some(a) = alias {
                out.push(ident(&a.name));
            }
            item_names(&table_with_joins.relation, out);
            for j in &table_with_joins.joins {
                item_names(&j.relation, out);
            }
        }
        _ => {}
    }
}

/// The ORDER BY columns of a query's plan (its top Sort's keys).
fn order_columns(plan: &Plan) -> Vec<usize> {
    match plan {
        Plan::Sort { keys, .. } => keys.iter().map(|k| k.column).collect(),
        Plan::LockRows { input, .. } => order_columns(input),
        _ => Vec::new(),
    }
}

/// Whether an expression contains a window function call.
fn has_window(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| found |= matches!(x.kind, ExprKind::Window(_)));
    found
}

/// The scope of a parenthesized join with an alias: its visible columns
/// belong to the alias, renamed by the alias's column list; the columns
/// a USING merged away are no longer reachable.
fn alias_join(scope: Scope, alias: &ast::TableAlias) -> Result<Scope> {
    let table = ident(&alias.name);
    let visible = scope.columns.iter().filter(|c| !c.hidden).count();
    if alias.columns.len() > visible {
        return Err(SqlError::new(
            SqlState::INVALID_COLUMN_REFERENCE,
            format!(
                "join expression \"{table}\" has {visible} columns available but {} columns specified",
                alias.columns.len()
            ),
        ));
    }
    let mut names = alias.columns.iter().map(|c| ident(&c.name));
    let columns = scope
        .columns
        .into_iter()
        .map(|mut c| {
            if c.hidden {
                // Unreachable by name under the alias.
                c.table = Some(format!("{table}\0hidden"));
            } else {
                c.table = Some(table.clone());
                if let Some(n) = names.next() {
                    c.name = n;
                }
            }
            c
        })
        .collect();
    Ok(Scope { columns })
}

/// The expression of a `(expr).*` select-list item (the parser's
/// [`crate::parser::FIELDS_MARK`] call).
fn fields_of(e: &ast::Expr) -> Option<&ast::Expr> {
    let ast::Expr::Function(f) = e else {
        return None;
    };
    if object_name(&f.name).as_slice() != [crate::parser::FIELDS_MARK] {
        return None;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(inner))] => Some(inner),
        _ => None,
    }
}

/// 42P17 for a view that reads itself through other views (PostgreSQL's
/// rewriter message).
pub(crate) fn infinite_view_recursion(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_OBJECT_DEFINITION,
        format!("infinite recursion detected in rules for relation \"{name}\""),
    )
}
