//! A view's query printed back as PostgreSQL's ruleutils prints it
//! (pg_get_viewdef, psql's `\d+`, pg_dump, information_schema.views):
//! every column qualified by its FROM item's name, `*` expanded, result
//! columns labelled `AS` where their name is not the column's own, the
//! casts the parser added shown, one clause per line.
//!
//! The query is read from its stored text: FROM items, clauses and
//! their order come from the syntax tree, each expression from binding
//! it against its FROM items' columns (types, implicit casts, resolved
//! operators), printed by [`crate::deparse::Deparser`]. Layout follows
//! ruleutils' get_query_def with PRETTYFLAG_INDENT and a wrap column of
//! 0 (the defaults of both pg_get_viewdef forms): `indent` is its
//! indentLevel, [`Printer::keyword`] its appendContextKeyword.
//!
//! Anything this printer does not know (ROLLUP, named windows, LATERAL,
//! functions in FROM with several columns ...) makes it give up: the
//! caller keeps the stored text.

use std::cell::RefCell;
use std::collections::VecDeque;

use sqlparser::ast;

use super::names::{ident, object_name};
use super::{Binder, Scope};
use crate::deparse::{is_operator, Deparser, Special, TypeNames};
use crate::expr::{Expr, ExprKind, SubLinkKind};
use crate::func::quote_ident;

/// ruleutils' PRETTYINDENT_STD.
const STD: i32 = 8;
/// PRETTYINDENT_JOIN.
const JOIN: i32 = 4;
/// PRETTYINDENT_VAR.
const VAR: i32 = 4;

/// The definition of the view whose stored query is `text`, as
/// pg_get_viewdef(view, pretty) prints it, its result columns named
/// `columns`; None where the printer cannot (the caller keeps `text`).
pub fn view_definition(
    text: &str,
    tables: &mut dyn super::TableSource,
    style: &crate::value::OutputStyle,
    pretty: bool,
    types: &TypeNames,
    columns: &[String],
) -> Option<String> {
    let q = crate::parser::view_query(text).ok()?;
    let mut binder = Binder::new(text, style.clone(), Vec::new(), tables).unchecked();
    let mut p = Printer {
        b: &mut binder,
        pretty,
        types,
        buf: String::new(),
        indent: 0,
        // A PostgreSQL 15 view's rule names its OLD and NEW entries.
        levels: vec![Level {
            names: vec![("old".into(), "old".into()), ("new".into(), "new".into())],
            merged: Vec::new(),
        }],
        outer: Vec::new(),
        from_scope: None,
    };
    p.query(&q, Some(columns), true)?;
    let mut out = std::mem::take(&mut p.buf);
    out.push(';');
    Some(out)
}

impl Binder<'_> {
    /// A view's query as it is stored: each table in every SELECT named
    /// by an alias of its own name (its column references stay right when
    /// the table is renamed: the stored text names relations, PostgreSQL's
    /// rules OIDs), and `*` written out ([`Binder::expand_stars`]).
    pub(crate) fn freeze_view_query(&mut self, q: &mut ast::Query) -> crate::error::Result<()> {
        let _ = ast::VisitMut::visit(q, &mut AliasTables);
        self.expand_stars(q)
    }

    /// `q`'s select lists (its own SELECTs, its set operations' and WITH
    /// queries') with `*` and `t.*` written out as the columns they stand
    /// for now: PostgreSQL fixes a view's columns when it is made.
    fn expand_stars(&mut self, q: &mut ast::Query) -> crate::error::Result<()> {
        crate::stack::check()?;
        let ctes = self.ctes.len();
        let r = self.expand_query(q);
        self.ctes.truncate(ctes);
        r
    }

    fn expand_query(&mut self, q: &mut ast::Query) -> crate::error::Result<()> {
        if let Some(with) = &mut q.with {
            for cte in &mut with.cte_tables {
                if !with.recursive {
                    self.expand_stars(&mut cte.query)?;
                }
            }
            let with = with.clone();
            self.with_clause(&with)?;
        }
        self.expand_body(&mut q.body)
    }

    fn expand_body(&mut self, body: &mut ast::SetExpr) -> crate::error::Result<()> {
        match body {
            ast::SetExpr::Select(s) => self.expand_select(s),
            ast::SetExpr::SetOperation { left, right, .. } => {
                self.expand_body(left)?;
                self.expand_body(right)
            }
            ast::SetExpr::Query(q) => self.expand_stars(q),
            _ => Ok(()),
        }
    }

    fn expand_select(&mut self, s: &mut ast::Select) -> crate::error::Result<()> {
        let plain = |o: &ast::WildcardAdditionalOptions| {
            o.opt_ilike.is_none()
                && o.opt_exclude.is_none()
                && o.opt_except.is_none()
                && o.opt_replace.is_none()
                && o.opt_rename.is_none()
        };
        let stars = s.projection.iter().any(|i| match i {
            ast::SelectItem::Wildcard(o) => plain(o),
            ast::SelectItem::QualifiedWildcard(
                ast::SelectItemQualifiedWildcardKind::ObjectName(_),
                o,
            ) => plain(o),
            _ => false,
        });
        if !stars || s.from.is_empty() {
            return Ok(());
        }
        let (_, scope) = self.from(&s.from)?;
        // A name twice in one FROM item cannot be written out.
        let visible: Vec<&super::ScopeColumn> =
            scope.columns.iter().filter(|c| !c.hidden).collect();
        for (i, c) in visible.iter().enumerate() {
            if visible[..i]
                .iter()
                .any(|d| d.table == c.table && d.name == c.name)
            {
                return Ok(());
            }
        }
        let column = |c: &super::ScopeColumn| {
            let name = ast::Ident::with_quote('"', c.name.clone());
            ast::SelectItem::UnnamedExpr(match &c.table {
                Some(t) => ast::Expr::CompoundIdentifier(vec![
                    ast::Ident::with_quote('"', t.clone()),
                    name,
                ]),
                None => ast::Expr::Identifier(name),
            })
        };
        let mut out = Vec::with_capacity(s.projection.len());
        for item in std::mem::take(&mut s.projection) {
            match &item {
                ast::SelectItem::Wildcard(o) if plain(o) => {
                    out.extend(scope.columns.iter().filter(|c| !c.hidden).map(column));
                }
                ast::SelectItem::QualifiedWildcard(
                    ast::SelectItemQualifiedWildcardKind::ObjectName(n),
                    o,
                ) if plain(o) => {
                    let table = object_name(n).pop().unwrap_or_default();
                    let cols: Vec<ast::SelectItem> = scope
                        .columns
                        .iter()
                        .filter(|c| !c.hidden && c.table.as_deref() == Some(table.as_str()))
                        .map(column)
                        .collect();
                    if cols.is_empty() {
                        // Left for the binder to refuse (or a composite's
                        // fields).
                        out.push(item);
                    } else {
                        out.extend(cols);
                    }
                }
                _ => out.push(item),
            }
        }
        s.projection = out;
        Ok(())
    }
}

/// Aliases the tables of every SELECT it visits (see `expand_stars`).
struct AliasTables;

impl ast::VisitorMut for AliasTables {
    type Break = ();

    fn pre_visit_select(&mut self, s: &mut ast::Select) -> std::ops::ControlFlow<()> {
        // Not where a column is named through its schema (`s.t.c`),
        // which an alias would hide.
        let mut through_schema = false;
        let _ = ast::visit_expressions(&*s, |e| {
            through_schema |= matches!(e, ast::Expr::CompoundIdentifier(p) if p.len() > 2);
            std::ops::ControlFlow::<()>::Continue(())
        });
        if !through_schema {
            for twj in &mut s.from {
                alias_tables(twj);
            }
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// Gives each table of `twj` without an alias its own name as one.
fn alias_tables(twj: &mut ast::TableWithJoins) {
    fn factor(tf: &mut ast::TableFactor) {
        match tf {
            ast::TableFactor::Table {
                name,
                alias: alias @ None,
                args: None,
                ..
            } => {
                if let Some(last) = name.0.last().and_then(|p| p.as_ident()) {
                    *alias = Some(ast::TableAlias {
                        explicit: false,
                        name: last.clone(),
                        columns: Vec::new(),
                        at: None,
                    });
                }
            }
            ast::TableFactor::NestedJoin {
                table_with_joins, ..
            } => alias_tables(table_with_joins),
            _ => {}
        }
    }
    factor(&mut twj.relation);
    for j in &mut twj.joins {
        factor(&mut j.relation);
    }
}

/// The names of one query level's FROM items: (as written, as printed).
type Names = Vec<(String, String)>;

/// One query level being printed.
struct Level {
    /// Its FROM items' names.
    names: Names,
    /// The JOIN USING columns of its RIGHT and FULL joins: a merged
    /// column prints as its left input's column, its right input's
    /// (RIGHT JOIN) or bare (FULL JOIN, a COALESCE).
    merged: Vec<(String, Side)>,
}

/// An enclosing query's columns as a correlated subquery sees them:
/// (qualifier, name) per column.
type OuterLevel = Vec<(String, String)>;

struct Printer<'p, 'a> {
    b: &'p mut Binder<'a>,
    /// PRETTYFLAG_PAREN: only the parentheses precedence needs.
    pretty: bool,
    types: &'p TypeNames,
    buf: String,
    indent: i32,
    /// The query levels being printed, outermost first (a nested level's
    /// names avoid all of theirs).
    levels: Vec<Level>,
    /// The scopes pushed on the binder's outer stack, as printed.
    outer: Vec<OuterLevel>,
    /// The columns of the FROM clause being printed (what a function's
    /// arguments and a LATERAL subquery in it may read).
    from_scope: Option<Scope>,
}

/// Which input a merged JOIN USING column is read from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Right,
    Both,
}

/// What the deparser asks of the query around an expression.
struct Extras<'e> {
    outer: &'e [OuterLevel],
    /// The subqueries of the expression, printed, in the order they
    /// appear.
    sublinks: RefCell<VecDeque<String>>,
}

impl Special for Extras<'_> {
    fn node(&self, d: &Deparser<'_>, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Outer { depth, index } => {
                let level = self.outer.get(self.outer.len().checked_sub(*depth)?)?;
                let (q, name) = level.get(*index)?;
                Some(if q.is_empty() {
                    quote_ident(name)
                } else {
                    format!("{}.{}", quote_ident(q), quote_ident(name))
                })
            }
            ExprKind::SubLink(s) => {
                let q = self.sublinks.borrow_mut().pop_front()?;
                Some(match &s.kind {
                    SubLinkKind::Scalar => format!("({q})"),
                    SubLinkKind::Array => format!("ARRAY({q})"),
                    SubLinkKind::Exists => format!("(EXISTS ({q}))"),
                    SubLinkKind::Any { arg, op } | SubLinkKind::All { arg, op } => {
                        let a = d.expr(arg)?;
                        let any = matches!(s.kind, SubLinkKind::Any { .. });
                        let word = match (any, op.name) {
                            (true, "=") => "IN".to_owned(),
                            (true, o) => format!("{o} ANY"),
                            (false, o) => format!("{o} ALL"),
                        };
                        format!("({a} {word} ({q}))")
                    }
                })
            }
            ExprKind::UserCall(c) => {
                let args: Option<Vec<String>> = c.args.iter().map(|a| d.expr(uncast(a))).collect();
                let name = match d.types.filter(|t| !t.path.contains(&c.func.namespace)) {
                    Some(t) => format!(
                        "{}.{}",
                        quote_ident(crate::catalog::schema_name(&t.schemas, c.func.namespace)?),
                        quote_ident(&c.func.name)
                    ),
                    None => quote_ident(&c.func.name),
                };
                Some(format!("{name}({})", args?.join(", ")))
            }
            ExprKind::Aggregate(call) => aggregate(d, call),
            ExprKind::Window(call) => window(d, call),
            _ => None,
        }
    }
}

/// An expression without the implicit cast the binder put on top (an
/// aggregate's argument coerced to its transition type).
fn uncast(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Cast {
            arg,
            explicit: false,
        } => arg,
        _ => e,
    }
}

/// get_agg_expr.
fn aggregate(d: &Deparser<'_>, call: &crate::plan::AggCall) -> Option<String> {
    let name = call.func.name().to_owned();
    if matches!(call.func, crate::plan::AggFunc::CountStar) {
        return Some("count(*)".into());
    }
    let n = call.args.len().checked_sub(call.order.len())?;
    let args: Option<Vec<String>> = call.args[..n].iter().map(|a| d.expr(uncast(a))).collect();
    let mut s = format!(
        "{name}({}{}",
        if call.distinct { "DISTINCT " } else { "" },
        args?.join(", ")
    );
    if !call.order.is_empty() {
        let mut keys = Vec::new();
        for k in &call.order {
            let e = d.expr(uncast(call.args.get(n + k.column)?))?;
            keys.push(format!(
                "{e}{}",
                crate::plan::order_words(k.desc, k.nulls_first)
            ));
        }
        s.push_str(&format!(" ORDER BY {}", keys.join(", ")));
    }
    s.push(')');
    if let Some(f) = &call.filter {
        s.push_str(&format!(" FILTER (WHERE {})", d.expr(f)?));
    }
    Some(s)
}

/// get_windowfunc_expr with the window written in place.
fn window(d: &Deparser<'_>, call: &crate::plan::WindowCall) -> Option<String> {
    use crate::plan::{FrameBound, FrameUnits, WindowFunc};
    let head = match &call.func {
        WindowFunc::Agg(a) => aggregate(d, a)?,
        f => {
            let args: Option<Vec<String>> = call.args.iter().map(|a| d.expr(uncast(a))).collect();
            format!("{}({})", f.name(), args?.join(", "))
        }
    };
    let mut spec = Vec::new();
    if !call.partition.is_empty() {
        let parts: Option<Vec<String>> = call.partition.iter().map(|e| d.expr(e)).collect();
        spec.push(format!("PARTITION BY {}", parts?.join(", ")));
    }
    if !call.order.is_empty() {
        let mut keys = Vec::new();
        for (e, desc, nulls_first) in &call.order {
            keys.push(format!(
                "{}{}",
                d.expr(e)?,
                crate::plan::order_words(*desc, *nulls_first)
            ));
        }
        spec.push(format!("ORDER BY {}", keys.join(", ")));
    }
    let f = &call.frame;
    // Without ORDER BY the binder makes the default frame the whole
    // partition.
    let default = f.units == FrameUnits::Range
        && matches!(f.start, FrameBound::UnboundedPreceding)
        && (matches!(f.end, FrameBound::CurrentRow)
            || (call.order.is_empty() && matches!(f.end, FrameBound::UnboundedFollowing)))
        && f.exclude == crate::parser::Exclusion::NoOthers;
    if !default {
        let bound = |b: &FrameBound| -> Option<String> {
            Some(match b {
                FrameBound::UnboundedPreceding => "UNBOUNDED PRECEDING".into(),
                FrameBound::UnboundedFollowing => "UNBOUNDED FOLLOWING".into(),
                FrameBound::CurrentRow => "CURRENT ROW".into(),
                FrameBound::Preceding(e) => format!("{} PRECEDING", d.expr(uncast(e))?),
                FrameBound::Following(e) => format!("{} FOLLOWING", d.expr(uncast(e))?),
                FrameBound::ValuePreceding(o) => format!("{} PRECEDING", d.expr(&o.offset)?),
                FrameBound::ValueFollowing(o) => format!("{} FOLLOWING", d.expr(&o.offset)?),
            })
        };
        let units = match f.units {
            FrameUnits::Rows => "ROWS",
            FrameUnits::Range => "RANGE",
            FrameUnits::Groups => "GROUPS",
        };
        // Whether BETWEEN was written is not kept: the form with it.
        let mut s = format!(
            "{units} BETWEEN {} AND {}",
            bound(&f.start)?,
            bound(&f.end)?
        );
        match f.exclude {
            crate::parser::Exclusion::NoOthers => {}
            crate::parser::Exclusion::CurrentRow => s.push_str(" EXCLUDE CURRENT ROW"),
            crate::parser::Exclusion::Group => s.push_str(" EXCLUDE GROUP"),
            crate::parser::Exclusion::Ties => s.push_str(" EXCLUDE TIES"),
        }
        spec.push(s);
    }
    Some(format!("{head} OVER ({})", spec.join(" ")))
}

/// The subqueries directly in `e` (not those inside them), in the order
/// they are written.
fn subqueries(e: &ast::Expr) -> Vec<ast::Query> {
    fn own(e: &ast::Expr) -> Option<&ast::Query> {
        match e {
            ast::Expr::Subquery(q)
            | ast::Expr::Exists { subquery: q, .. }
            | ast::Expr::In {
                target: ast::InTarget::Subquery(q),
                ..
            } => Some(q),
            ast::Expr::Function(f) => match &f.args {
                ast::FunctionArguments::Subquery(q) => Some(q),
                _ => None,
            },
            _ => None,
        }
    }
    let mut all = Vec::new();
    let _ = ast::visit_expressions(e, |x| {
        if let Some(q) = own(x) {
            all.push(q.clone());
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    // A subquery's own subqueries follow it (pre-order): skip them.
    let mut out = Vec::new();
    let mut skip = 0;
    for q in all {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let mut inner = 0;
        let _ = ast::visit_expressions(&q, |x| {
            inner += usize::from(own(x).is_some());
            std::ops::ControlFlow::<()>::Continue(())
        });
        skip = inner;
        out.push(q);
    }
    out
}

impl Printer<'_, '_> {
    /// appendContextKeyword.
    fn keyword(&mut self, s: &str, before: i32, after: i32, plus: i32) {
        self.indent += before;
        self.trim();
        self.buf.push('\n');
        self.buf
            .push_str(&" ".repeat((self.indent.max(0) + plus) as usize));
        self.buf.push_str(s);
        self.indent = (self.indent + after).max(0);
    }

    /// removeStringInfoSpaces.
    fn trim(&mut self) {
        let n = self.buf.trim_end_matches(' ').len();
        self.buf.truncate(n);
    }

    /// Prints `f`'s output into a buffer of its own and returns it.
    fn apart(&mut self, f: impl FnOnce(&mut Self) -> Option<()>) -> Option<String> {
        let saved = std::mem::take(&mut self.buf);
        let r = f(self);
        let text = std::mem::replace(&mut self.buf, saved);
        r.map(|()| text)
    }

    /// get_query_def: a query level, starting at the current indent.
    fn query(
        &mut self,
        q: &ast::Query,
        result: Option<&[String]>,
        names_visible: bool,
    ) -> Option<()> {
        crate::stack::check().ok()?;
        if !q.locks.is_empty() || q.fetch.as_ref().is_some_and(|f| f.percent) {
            return None;
        }
        let start = self.indent;
        let ctes = self.b.ctes.len();
        let (names, merged) = match q.body.as_ref() {
            ast::SetExpr::Select(s) => (self.level_names(&s.from)?, merged_columns(&s.from)),
            _ => (Vec::new(), Vec::new()),
        };
        self.levels.push(Level { names, merged });
        let r = self.query_levels(q, result, names_visible);
        self.levels.pop();
        self.b.ctes.truncate(ctes);
        self.indent = start;
        r
    }

    fn query_levels(
        &mut self,
        q: &ast::Query,
        result: Option<&[String]>,
        names_visible: bool,
    ) -> Option<()> {
        if let Some(with) = &q.with {
            self.with_clause(with)?;
        }
        let order: &[ast::OrderByExpr] = match &q.order_by {
            None => &[],
            Some(o) => match &o.kind {
                ast::OrderByKind::Expressions(e) => e,
                ast::OrderByKind::All(_) => return None,
            },
        };
        match q.body.as_ref() {
            ast::SetExpr::Select(s) => self.basic_select(s, order, result, names_visible)?,
            ast::SetExpr::Values(v) if order.is_empty() => self.values(q.body.as_ref(), v)?,
            body => {
                self.setop(body, result, names_visible)?;
                if !order.is_empty() {
                    self.keyword(" ORDER BY ", -STD, STD, 1);
                    let names = self.output_names(body)?;
                    let mut sep = "";
                    for o in order {
                        let col = match &o.expr {
                            ast::Expr::Value(v) => match &v.value {
                                ast::Value::Number(n, _) => n.parse::<usize>().ok()?,
                                _ => return None,
                            },
                            ast::Expr::Identifier(i) => {
                                1 + names.iter().position(|n| *n == ident(i))?
                            }
                            _ => return None,
                        };
                        let (desc, nulls_first) = sort_options(o)?;
                        self.buf.push_str(&format!(
                            "{sep}{col}{}",
                            crate::plan::order_words(desc, nulls_first)
                        ));
                        sep = ", ";
                    }
                }
            }
        }
        self.limit(q)
    }

    /// The result column names of a set operation (its first leaf's).
    fn output_names(&mut self, body: &ast::SetExpr) -> Option<Vec<String>> {
        let bound = self.b.set_expr_public(body).ok()?;
        Some(bound.columns.into_iter().map(|c| c.name).collect())
    }

    /// get_values_def of a query that is a VALUES list: each item of the
    /// type its column resolved to.
    fn values(&mut self, body: &ast::SetExpr, v: &ast::Values) -> Option<()> {
        self.indent += STD;
        self.buf.push(' ');
        let columns = self.b.set_expr_public(body).ok()?.columns;
        let scope = Scope::default();
        let mut rows = Vec::new();
        for row in &v.rows {
            let mut items = Vec::new();
            for (e, c) in row.iter().zip(&columns) {
                let mut bound = self.b.expr(e, &scope).ok()?;
                // Literals take their column's type; other items keep
                // theirs (the parser's implicit cast does not show).
                if bound.ty == crate::types::DataType::Unknown {
                    bound = self
                        .b
                        .coerce(bound, c.ty, -1, crate::cast::CoercionContext::Implicit)
                        .ok()?;
                }
                items.push(self.print(e, &bound, &scope)?);
            }
            rows.push(format!("({})", items.join(",")));
        }
        self.buf.push_str(&format!("VALUES {}", rows.join(", ")));
        Some(())
    }

    /// OFFSET / LIMIT / FETCH FIRST ... WITH TIES.
    fn limit(&mut self, q: &ast::Query) -> Option<()> {
        let (limit, offset) = match &q.limit_clause {
            None => (None, None),
            Some(ast::LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) if limit_by.is_empty() => (limit.as_ref(), offset.as_ref().map(|o| &o.value)),
            Some(_) => return None,
        };
        if let Some(o) = offset {
            self.keyword(" OFFSET ", -STD, STD, 0);
            let t = self.constant_expr(o)?;
            self.buf.push_str(&t);
        }
        if let Some(f) = &q.fetch {
            let t = match &f.quantity {
                Some(e) => self.constant_expr(e)?,
                None => "1".into(),
            };
            if f.with_ties {
                self.keyword(" FETCH FIRST ", -STD, STD, 0);
                self.buf.push_str(&format!("({t}) ROWS WITH TIES"));
            } else {
                self.keyword(" LIMIT ", -STD, STD, 0);
                self.buf.push_str(&t);
            }
        } else if let Some(l) = limit {
            self.keyword(" LIMIT ", -STD, STD, 0);
            if matches!(l, ast::Expr::Value(v) if matches!(v.value, ast::Value::Null)) {
                self.buf.push_str("ALL");
            } else {
                let t = self.constant_expr(l)?;
                self.buf.push_str(&t);
            }
        }
        Some(())
    }

    /// An expression over no columns (LIMIT, OFFSET, a VALUES item).
    fn constant_expr(&mut self, e: &ast::Expr) -> Option<String> {
        let scope = Scope::default();
        let bound = self.b.expr(e, &scope).ok()?;
        self.print(e, &bound, &scope)
    }

    /// get_with_clause.
    fn with_clause(&mut self, with: &ast::With) -> Option<()> {
        self.indent += STD;
        self.buf.push(' ');
        let mut sep = if with.recursive {
            "WITH RECURSIVE "
        } else {
            "WITH "
        };
        for cte in &with.cte_tables {
            if cte.from.is_some()
                || super::search_cycle::expand(cte, with.recursive)
                    .ok()?
                    .is_some()
            {
                return None;
            }
            let name = ident(&cte.alias.name);
            self.buf.push_str(sep);
            self.buf.push_str(&quote_ident(&name));
            if !cte.alias.columns.is_empty() {
                let cols: Vec<String> = cte
                    .alias
                    .columns
                    .iter()
                    .map(|c| quote_ident(&ident(&c.name)))
                    .collect();
                self.buf.push_str(&format!("({})", cols.join(", ")));
            }
            self.buf.push_str(" AS ");
            match cte.materialized {
                Some(ast::CteAsMaterialized::Materialized) => self.buf.push_str("MATERIALIZED "),
                Some(ast::CteAsMaterialized::NotMaterialized) => {
                    self.buf.push_str("NOT MATERIALIZED ")
                }
                None => {}
            }
            self.buf.push('(');
            self.keyword("", 0, 0, 0);
            // A recursive query reads itself: it is known before its
            // body is printed; any other only after.
            let one = ast::With {
                with_token: with.with_token.clone(),
                recursive: with.recursive,
                cte_tables: vec![cte.clone()],
            };
            if with.recursive {
                self.b.with_clause(&one).ok()?;
            }
            self.query(&cte.query, None, true)?;
            if !with.recursive {
                self.b.with_clause(&one).ok()?;
            }
            self.keyword("", 0, 0, 0);
            self.buf.push(')');
            sep = ", ";
        }
        self.indent -= STD;
        self.keyword("", 0, 0, 0);
        Some(())
    }

    /// get_setop_query.
    fn setop(
        &mut self,
        body: &ast::SetExpr,
        result: Option<&[String]>,
        names_visible: bool,
    ) -> Option<()> {
        crate::stack::check().ok()?;
        match body {
            ast::SetExpr::SetOperation {
                op,
                set_quantifier,
                left,
                right,
            } => {
                let all = match set_quantifier {
                    ast::SetQuantifier::All => true,
                    ast::SetQuantifier::None | ast::SetQuantifier::Distinct => false,
                    _ => return None,
                };
                let need_paren = match left.as_ref() {
                    ast::SetExpr::SetOperation {
                        op: lop,
                        set_quantifier: lq,
                        ..
                    } => lop != op || matches!(lq, ast::SetQuantifier::All) != all,
                    _ => false,
                };
                let sub = if need_paren {
                    self.buf.push('(');
                    self.keyword("", STD, 0, 0);
                    STD
                } else {
                    0
                };
                self.setop(left, result, names_visible)?;
                if need_paren {
                    self.keyword(") ", -sub, 0, 0);
                } else {
                    self.keyword("", -sub, 0, 0);
                }
                self.buf.push_str(match op {
                    ast::SetOperator::Union => "UNION ",
                    ast::SetOperator::Intersect => "INTERSECT ",
                    ast::SetOperator::Except => "EXCEPT ",
                    _ => return None,
                });
                if all {
                    self.buf.push_str("ALL ");
                }
                let need_paren = matches!(right.as_ref(), ast::SetExpr::SetOperation { .. });
                let sub = if need_paren {
                    self.buf.push('(');
                    STD
                } else {
                    0
                };
                self.keyword("", sub, 0, 0);
                self.setop(right, result, false)?;
                self.indent -= sub;
                if need_paren {
                    self.keyword(")", 0, 0, 0);
                }
                Some(())
            }
            ast::SetExpr::Query(q) => {
                let need_paren = q.with.is_some()
                    || q.order_by.is_some()
                    || q.limit_clause.is_some()
                    || q.fetch.is_some()
                    || !q.locks.is_empty()
                    || matches!(q.body.as_ref(), ast::SetExpr::SetOperation { .. });
                if need_paren {
                    self.buf.push('(');
                }
                self.query(q, result, names_visible)?;
                if need_paren {
                    self.buf.push(')');
                }
                Some(())
            }
            ast::SetExpr::Select(_) | ast::SetExpr::Values(_) => {
                let q = ast::Query {
                    with: None,
                    body: Box::new(body.clone()),
                    order_by: None,
                    limit_clause: None,
                    fetch: None,
                    locks: Vec::new(),
                    for_clause: None,
                    settings: None,
                    format_clause: None,
                    pipe_operators: Vec::new(),
                };
                self.query(&q, result, names_visible)
            }
            _ => None,
        }
    }

    /// The printed names of the FROM items of a query level: each its
    /// alias or relation name, made unique against the levels around it
    /// with `_1`, `_2` ... as set_rtable_names does.
    fn level_names(&mut self, from: &[ast::TableWithJoins]) -> Option<Names> {
        let mut written = Vec::new();
        for twj in from {
            factor_names(&twj.relation, &mut written)?;
            for j in &twj.joins {
                factor_names(&j.relation, &mut written)?;
            }
        }
        let mut out: Names = Vec::new();
        for w in written {
            let taken = |n: &str, out: &Names| {
                self.levels
                    .iter()
                    .flat_map(|l| &l.names)
                    .any(|(_, p)| p == n)
                    || out.iter().any(|(_, p)| p == n)
            };
            let mut name = w.clone();
            let mut counter = 0;
            while taken(&name, &out) {
                counter += 1;
                name = format!("{w}_{counter}");
            }
            out.push((w, name));
        }
        Some(out)
    }

    /// The name a FROM item written `written` prints with at this level
    /// (made unique by level_names), or `written` itself.
    fn printed_name(&self, written: &str) -> String {
        self.levels
            .last()
            .and_then(|l| l.names.iter().find(|(w, _)| w == written))
            .map_or_else(|| written.to_owned(), |(_, p)| p.clone())
    }

    /// The printed qualifier of each column of `scope` at this level.
    fn qualifiers(&self, scope: &Scope) -> Vec<String> {
        let printed = |t: &String| self.printed_name(t);
        let merged = self.levels.last().map(|l| &l.merged);
        scope
            .columns
            .iter()
            .map(|c| match &c.table {
                Some(t) => printed(t),
                None => {
                    // A merged JOIN USING column: the originals are hidden.
                    let side = merged
                        .and_then(|m| m.iter().find(|(n, _)| *n == c.name))
                        .map(|(_, s)| *s);
                    let mut originals = scope
                        .columns
                        .iter()
                        .filter(|o| o.hidden && o.name == c.name && o.table.is_some());
                    let pick = match side {
                        Some(Side::Both) => None,
                        Some(Side::Right) => originals.next_back(),
                        None => originals.next(),
                    };
                    pick.and_then(|o| o.table.as_ref())
                        .map_or_else(String::new, printed)
                }
            })
            .collect()
    }

    /// The text of `bound`, written `e`, over `scope`.
    fn print(&mut self, e: &ast::Expr, bound: &Expr, scope: &Scope) -> Option<String> {
        // Subqueries print first, at the indent the expression stands at,
        // with this level's columns as their outer ones.
        let quals = self.qualifiers(scope);
        let mut sublinks = VecDeque::new();
        let subs = subqueries(e);
        if !subs.is_empty() {
            let level: OuterLevel = quals
                .iter()
                .zip(&scope.columns)
                .map(|(q, c)| (q.clone(), c.name.clone()))
                .collect();
            self.b.outer.push((scope.clone(), false));
            self.outer.push(level);
            let mut r = Some(());
            for q in &subs {
                match self.apart(|p| p.query(q, None, false)) {
                    Some(t) => sublinks.push_back(t),
                    None => {
                        r = None;
                        break;
                    }
                }
            }
            self.outer.pop();
            self.b.outer.pop();
            r?;
        }
        let names: Vec<String> = scope.columns.iter().map(|c| c.name.clone()).collect();
        let extras = Extras {
            outer: &self.outer,
            sublinks: RefCell::new(sublinks),
        };
        let d = Deparser {
            columns: &names,
            pretty: self.pretty,
            types: Some(self.types),
            qualifiers: Some(&quals),
            special: Some(&extras),
            indent: self.indent.max(0) as usize,
        };
        let text = d.expr(bound)?;
        // Every subquery written must have been printed.
        let all = extras.sublinks.borrow().is_empty();
        all.then_some(text)
    }

    /// get_basic_select_query, and the ORDER BY of its query.
    fn basic_select(
        &mut self,
        s: &ast::Select,
        order: &[ast::OrderByExpr],
        result: Option<&[String]>,
        names_visible: bool,
    ) -> Option<()> {
        if s.top.is_some()
            || s.into.is_some()
            || !s.named_window.is_empty()
            || s.qualify.is_some()
            || !s.lateral_views.is_empty()
            || !s.sort_by.is_empty()
        {
            return None;
        }
        self.indent += STD;
        self.buf.push(' ');
        let (_, scope) = self.b.from(&s.from).ok()?;
        self.buf.push_str("SELECT");
        // Each item bound as the select list binds it.
        self.b.windows_ok = true;
        self.b.srf_width = Some(scope.columns.len());
        let mut targets: Vec<(Option<&ast::Expr>, Expr, String)> = Vec::new();
        let mut failed = false;
        for item in &s.projection {
            let Ok((exprs, cols)) = self.b.projection(std::slice::from_ref(item), &scope) else {
                failed = true;
                break;
            };
            let written = match item {
                ast::SelectItem::UnnamedExpr(e)
                | ast::SelectItem::ExprWithAlias { expr: e, .. }
                    if exprs.len() == 1 =>
                {
                    Some(e)
                }
                _ => None,
            };
            for (e, c) in exprs.into_iter().zip(cols) {
                targets.push((written, e, c.name));
            }
        }
        self.b.windows_ok = false;
        self.b.srf_width = None;
        if failed {
            return None;
        }
        match &s.distinct {
            None | Some(ast::Distinct::All) => {}
            Some(ast::Distinct::Distinct) => self.buf.push_str(" DISTINCT"),
            Some(ast::Distinct::On(on)) => {
                let mut parts = Vec::new();
                for e in on {
                    parts.push(self.group_item(e, &scope, &targets)?);
                }
                self.buf
                    .push_str(&format!(" DISTINCT ON ({})", parts.join(", ")));
            }
        }
        // get_target_list.
        let quals = self.qualifiers(&scope);
        let mut sep = " ";
        for (colno, (written, e, name)) in targets.iter().enumerate() {
            self.buf.push_str(sep);
            sep = ", ";
            let (text, attname) = match e.kind {
                ExprKind::Column(i) => {
                    let c = scope.columns.get(i)?;
                    let q = quals.get(i)?;
                    let t = if q.is_empty() {
                        quote_ident(&c.name)
                    } else {
                        format!("{}.{}", quote_ident(q), quote_ident(&c.name))
                    };
                    (t, Some(c.name.as_str()))
                }
                _ => {
                    let t = match written {
                        Some(w) => self.print(w, e, &scope)?,
                        None => return None,
                    };
                    (
                        t,
                        if names_visible {
                            None
                        } else {
                            Some("?column?")
                        },
                    )
                }
            };
            let colname = result
                .and_then(|r| r.get(colno))
                .map_or(name.as_str(), String::as_str);
            let mut field = text;
            if attname != Some(colname) {
                field.push_str(&format!(" AS {}", quote_ident(colname)));
            }
            if field.starts_with('\n') {
                self.trim();
            } else if colno > 0 {
                self.keyword("", -STD, STD, VAR);
            }
            self.buf.push_str(&field);
        }
        if !s.from.is_empty() {
            let saved = self.from_scope.replace(scope.clone());
            let r = self.print_from(&s.from);
            self.from_scope = saved;
            r?;
        }
        if let Some(w) = &s.selection {
            self.keyword(" WHERE ", -STD, STD, 1);
            let bound = self.b.expr(w, &scope).ok()?;
            let t = self.print(w, &bound, &scope)?;
            self.buf.push_str(&t);
        }
        match &s.group_by {
            ast::GroupByExpr::Expressions(items, modifiers) if modifiers.is_empty() => {
                if !items.is_empty() {
                    self.keyword(" GROUP BY ", -STD, STD, 1);
                    let mut parts = Vec::new();
                    for e in items {
                        parts.push(self.grouping_item(e, &scope, &targets, true)?);
                    }
                    self.buf.push_str(&parts.join(", "));
                }
            }
            _ => return None,
        }
        if let Some(h) = &s.having {
            self.keyword(" HAVING ", -STD, STD, 0);
            let bound = self.b.expr(h, &scope).ok()?;
            let t = self.print(h, &bound, &scope)?;
            self.buf.push_str(&t);
        }
        if !order.is_empty() {
            self.keyword(" ORDER BY ", -STD, STD, 1);
            let mut parts = Vec::new();
            for o in order {
                let (desc, nulls_first) = sort_options(o)?;
                let t = self.group_item(&o.expr, &scope, &targets)?;
                parts.push(format!(
                    "{t}{}",
                    crate::plan::order_words(desc, nulls_first)
                ));
            }
            self.buf.push_str(&parts.join(", "));
        }
        Some(())
    }

    /// get_rule_groupingset: a GROUP BY item that may be ROLLUP, CUBE or
    /// GROUPING SETS (whose sets are each in parentheses, as a ROLLUP's
    /// or CUBE's of more than one item are).
    fn grouping_item(
        &mut self,
        e: &ast::Expr,
        scope: &Scope,
        targets: &[(Option<&ast::Expr>, Expr, String)],
        omit_parens: bool,
    ) -> Option<String> {
        let (word, sets, child_omit) = match e {
            ast::Expr::Rollup(s) => ("ROLLUP(", s, true),
            ast::Expr::Cube(s) => ("CUBE(", s, true),
            ast::Expr::GroupingSets(s) => ("GROUPING SETS (", s, false),
            ast::Expr::Tuple(items) if items.is_empty() => return Some("()".into()),
            _ if omit_parens => return self.group_item(e, scope, targets),
            _ => return Some(format!("({})", self.group_item(e, scope, targets)?)),
        };
        let mut parts = Vec::with_capacity(sets.len());
        for set in sets {
            let text = match set.as_slice() {
                [] => "()".to_owned(),
                [one]
                    if matches!(
                        one,
                        ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_)
                    ) =>
                {
                    self.grouping_item(one, scope, targets, child_omit)?
                }
                many => {
                    // An expression twice in one set is one grouping
                    // reference.
                    let mut inner: Vec<String> = Vec::with_capacity(many.len());
                    for x in many {
                        let t = self.group_item(x, scope, targets)?;
                        if !inner.contains(&t) {
                            inner.push(t);
                        }
                    }
                    match inner.as_slice() {
                        [one] if child_omit => one.clone(),
                        _ => format!("({})", inner.join(", ")),
                    }
                }
            };
            parts.push(text);
        }
        Some(format!("{word}{})", parts.join(", ")))
    }

    /// get_rule_sortgroupclause: a GROUP BY, ORDER BY or DISTINCT ON
    /// item, which may name a result column by number or name.
    fn group_item(
        &mut self,
        e: &ast::Expr,
        scope: &Scope,
        targets: &[(Option<&ast::Expr>, Expr, String)],
    ) -> Option<String> {
        let target = match e {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => {
                    Some(targets.get(n.parse::<usize>().ok()?.checked_sub(1)?)?)
                }
                _ => None,
            },
            ast::Expr::Identifier(i) => {
                let name = ident(i);
                if scope.columns.iter().any(|c| c.name == name && !c.hidden) {
                    None
                } else {
                    targets.iter().find(|t| t.2 == name)
                }
            }
            _ => None,
        };
        let (written, bound) = match target {
            Some((w, b, _)) => (w.cloned(), b.clone()),
            None => {
                self.b.windows_ok = true;
                let b = self.b.expr(e, scope);
                self.b.windows_ok = false;
                (Some(e.clone()), b.ok()?)
            }
        };
        let text = match &written {
            Some(w) => self.print(w, &bound, scope)?,
            None => {
                // A column of `*`.
                let quals = self.qualifiers(scope);
                let ExprKind::Column(i) = bound.kind else {
                    return None;
                };
                let q = quals.get(i)?;
                let name = &scope.columns.get(i)?.name;
                if q.is_empty() {
                    quote_ident(name)
                } else {
                    format!("{}.{}", quote_ident(q), quote_ident(name))
                }
            }
        };
        Some(match &bound.kind {
            ExprKind::Column(_) | ExprKind::Const(_) => text,
            ExprKind::Call { def, .. } if !is_operator(def.name) => format!("({text})"),
            ExprKind::Aggregate(_) | ExprKind::Window(_) => format!("({text})"),
            _ if self.pretty => format!("({text})"),
            _ => text,
        })
    }

    /// get_from_clause.
    fn print_from(&mut self, from: &[ast::TableWithJoins]) -> Option<()> {
        for (i, twj) in from.iter().enumerate() {
            if i == 0 {
                self.keyword(" FROM ", -STD, STD, 2);
                self.join_tree(twj, twj.joins.len())?;
            } else {
                self.buf.push_str(", ");
                let item = self.apart(|p| p.join_tree(twj, twj.joins.len()))?;
                if item.starts_with('\n') {
                    self.trim();
                } else {
                    self.keyword("", -STD, STD, VAR);
                }
                self.buf.push_str(&item);
            }
        }
        Some(())
    }

    /// `twj`'s relation with its first `k` joins (get_from_clause_item
    /// of a left-deep JoinExpr).
    fn join_tree(&mut self, twj: &ast::TableWithJoins, k: usize) -> Option<()> {
        if k == 0 {
            return self.factor(&twj.relation);
        }
        let j = &twj.joins[k - 1];
        use ast::JoinOperator as J;
        let (word, constraint) = match &j.join_operator {
            J::Join(c) | J::Inner(c) => (
                if matches!(c, ast::JoinConstraint::None) {
                    " CROSS JOIN "
                } else {
                    " JOIN "
                },
                c,
            ),
            J::CrossJoin(c) => (" CROSS JOIN ", c),
            J::Left(c) | J::LeftOuter(c) => (" LEFT JOIN ", c),
            J::Right(c) | J::RightOuter(c) => (" RIGHT JOIN ", c),
            J::FullOuter(c) => (" FULL JOIN ", c),
            _ => return None,
        };
        if !self.pretty {
            self.buf.push('(');
        }
        self.join_tree(twj, k - 1)?;
        self.keyword(word, -STD, STD, JOIN);
        let paren_right = self.pretty
            && matches!(
                &j.relation,
                ast::TableFactor::NestedJoin { alias: None, .. }
            );
        if paren_right {
            self.buf.push('(');
        }
        self.factor(&j.relation)?;
        if paren_right {
            self.buf.push(')');
        }
        match constraint {
            ast::JoinConstraint::On(e) => {
                // Bound over the items joined so far.
                let partial = ast::TableWithJoins {
                    relation: twj.relation.clone(),
                    joins: twj.joins[..k].to_vec(),
                };
                let (_, scope) = self.b.from(std::slice::from_ref(&partial)).ok()?;
                let bound = self.b.expr(e, &scope).ok()?;
                let t = self.print(e, &bound, &scope)?;
                self.buf.push_str(" ON ");
                if self.pretty {
                    self.buf.push_str(&t);
                } else {
                    self.buf.push_str(&format!("({t})"));
                }
            }
            ast::JoinConstraint::Using(cols) | ast::JoinConstraint::UsingAlias(cols, _) => {
                let names: Option<Vec<String>> = cols
                    .iter()
                    .map(|c| object_name(c).pop().map(|n| quote_ident(&n)))
                    .collect();
                self.buf
                    .push_str(&format!(" USING ({})", names?.join(", ")));
                if let ast::JoinConstraint::UsingAlias(_, a) = constraint {
                    self.buf
                        .push_str(&format!(" AS {}", quote_ident(&ident(a))));
                }
            }
            ast::JoinConstraint::Natural => {
                // Printed as the USING list NATURAL stands for: the
                // column names both sides have, in the left side's order.
                let left = ast::TableWithJoins {
                    relation: twj.relation.clone(),
                    joins: twj.joins[..k - 1].to_vec(),
                };
                let right = ast::TableWithJoins {
                    relation: j.relation.clone(),
                    joins: Vec::new(),
                };
                let (_, ls) = self.b.from(std::slice::from_ref(&left)).ok()?;
                let (_, rs) = self.b.from(std::slice::from_ref(&right)).ok()?;
                let common: Vec<String> = ls
                    .columns
                    .iter()
                    .filter(|c| {
                        !c.hidden && rs.columns.iter().any(|r| !r.hidden && r.name == c.name)
                    })
                    .map(|c| quote_ident(&c.name))
                    .collect();
                if common.is_empty() {
                    return None;
                }
                self.buf
                    .push_str(&format!(" USING ({})", common.join(", ")));
            }
            ast::JoinConstraint::None if word != " CROSS JOIN " => self.buf.push_str(" ON TRUE"),
            ast::JoinConstraint::None => {}
        }
        if !self.pretty {
            self.buf.push(')');
        }
        Some(())
    }

    /// One FROM item.
    fn factor(&mut self, tf: &ast::TableFactor) -> Option<()> {
        match tf {
            ast::TableFactor::Table {
                name,
                alias,
                args: None,
                with_hints,
                version: None,
                with_ordinality: false,
                partitions,
                json_path: None,
                sample: None,
                index_directives,
                inheritance,
            } if with_hints.is_empty() && partitions.is_empty() && index_directives.is_empty() => {
                let parts = object_name(name);
                let written = parts.last()?.clone();
                let cte = parts.len() == 1 && self.b.ctes.iter().any(|c| c.name == written);
                if matches!(inheritance, Some(ast::TableInheritance::Only { .. })) {
                    self.buf.push_str("ONLY ");
                }
                let shown = if cte {
                    quote_ident(&written)
                } else {
                    self.relation_name(&parts)?
                };
                self.buf.push_str(&shown);
                self.alias(alias.as_ref(), &written)
            }
            ast::TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_hints,
                version: None,
                with_ordinality,
                partitions,
                json_path: None,
                sample: None,
                index_directives,
                inheritance: None,
            } if with_hints.is_empty()
                && partitions.is_empty()
                && index_directives.is_empty()
                && args.settings.is_none() =>
            {
                let parts = object_name(name);
                self.function_item(parts.last()?, &args.args, alias.as_ref(), *with_ordinality)
            }
            ast::TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset: false,
                with_offset_alias: None,
                with_ordinality,
            } => {
                let args: Vec<ast::FunctionArg> = array_exprs
                    .iter()
                    .map(|e| ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e.clone())))
                    .collect();
                self.function_item("unnest", &args, alias.as_ref(), *with_ordinality)
            }
            ast::TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample: None,
            } => {
                if *lateral {
                    // Its query reads the FROM items before it.
                    let scope = self.from_scope.clone()?;
                    let quals = self.qualifiers(&scope);
                    let level: OuterLevel = quals
                        .into_iter()
                        .zip(scope.columns.iter().map(|c| c.name.clone()))
                        .collect();
                    self.buf.push_str("LATERAL (");
                    self.b.outer.push((scope, false));
                    self.outer.push(level);
                    let r = self.query(subquery, None, true);
                    self.outer.pop();
                    self.b.outer.pop();
                    r?;
                } else {
                    self.buf.push('(');
                    self.query(subquery, None, true)?;
                }
                self.buf.push(')');
                let a = alias.as_ref()?;
                // An alias is required here: always printed.
                self.alias(Some(a), "")
            }
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => self.join_tree(table_with_joins, table_with_joins.joins.len()),
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias: Some(a),
            } => {
                // One pair of parentheses: the join's own unless pretty.
                let own = !self.pretty && !table_with_joins.joins.is_empty();
                if !own {
                    self.buf.push('(');
                }
                self.join_tree(table_with_joins, table_with_joins.joins.len())?;
                if !own {
                    self.buf.push(')');
                }
                self.alias(Some(a), "")?;
                if a.columns.is_empty() {
                    // set_join_column_names: the join's columns made
                    // unique, listed when one had to change.
                    let (_, scope) = self
                        .b
                        .from(std::slice::from_ref(table_with_joins.as_ref()))
                        .ok()?;
                    let mut names: Vec<String> = Vec::new();
                    let mut changed = false;
                    for c in scope.columns.iter().filter(|c| !c.hidden) {
                        let mut name = c.name.clone();
                        let mut n = 0;
                        while names.contains(&name) {
                            n += 1;
                            name = format!("{}_{n}", c.name);
                            changed = true;
                        }
                        names.push(name);
                    }
                    if changed {
                        let cols: Vec<String> = names.iter().map(|n| quote_ident(n)).collect();
                        self.buf.push_str(&format!("({})", cols.join(", ")));
                    }
                }
                Some(())
            }
            _ => None,
        }
    }

    /// A function in FROM: `LATERAL` when its arguments read the items
    /// before it, its alias always and its columns' names (as
    /// get_rte_alias and get_column_alias_list print a function's).
    fn function_item(
        &mut self,
        fname: &str,
        args: &[ast::FunctionArg],
        alias: Option<&ast::TableAlias>,
        ordinality: bool,
    ) -> Option<()> {
        let scope = self.from_scope.clone()?;
        let mut texts = Vec::with_capacity(args.len());
        let mut lateral = false;
        for a in args {
            let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = a else {
                return None;
            };
            let bound = self.b.expr(e, &scope).ok()?;
            bound.visit(&mut |x| lateral |= matches!(x.kind, ExprKind::Column(_)));
            texts.push(self.print(e, &bound, &scope)?);
        }
        let written = alias.map_or_else(|| fname.to_owned(), |a| ident(&a.name));
        let printed = self.printed_name(&written);
        let columns: Vec<String> = scope
            .columns
            .iter()
            .filter(|c| !c.hidden && c.table.as_deref() == Some(written.as_str()))
            .map(|c| quote_ident(&c.name))
            .collect();
        if columns.is_empty() {
            return None;
        }
        if lateral {
            self.buf.push_str("LATERAL ");
        }
        self.buf.push_str(&format!(
            "{}({}){} {}({})",
            quote_ident(fname),
            texts.join(", "),
            if ordinality { " WITH ORDINALITY" } else { "" },
            quote_ident(&printed),
            columns.join(", ")
        ));
        Some(())
    }

    /// A FROM item's alias and column aliases, when printed: as written
    /// (an alias that is the relation's own name, as a stored view gives
    /// each table, is none), or when its name had to change to be unique.
    fn alias(&mut self, alias: Option<&ast::TableAlias>, written_name: &str) -> Option<()> {
        let written = alias.map_or_else(|| written_name.to_owned(), |a| ident(&a.name));
        let printed = self.printed_name(&written);
        let named = alias.is_some_and(|a| ident(&a.name) != written_name || !a.columns.is_empty());
        if named || printed != written_name {
            self.buf.push(' ');
            self.buf.push_str(&quote_ident(&printed));
        }
        if let Some(a) = alias {
            if !a.columns.is_empty() {
                let cols: Vec<String> = a
                    .columns
                    .iter()
                    .map(|c| quote_ident(&ident(&c.name)))
                    .collect();
                self.buf.push_str(&format!("({})", cols.join(", ")));
            }
        }
        Some(())
    }

    /// generate_relation_name: the relation's name, qualified with its
    /// schema where the search path would not find it.
    fn relation_name(&mut self, parts: &[String]) -> Option<String> {
        let (schema, name) = match parts {
            [name] => (None, name.as_str()),
            [schema, name] | [_, schema, name] => (Some(schema.as_str()), name.as_str()),
            _ => return None,
        };
        let def = self.b.tables.table(schema, name).ok()??;
        if self.types.path.contains(&def.namespace) {
            return Some(quote_ident(&def.name));
        }
        let schema = crate::catalog::schema_name(&self.types.schemas, def.namespace)?;
        Some(format!(
            "{}.{}",
            quote_ident(schema),
            quote_ident(&def.name)
        ))
    }
}

/// The JOIN USING columns of the RIGHT and FULL joins in `from`.
fn merged_columns(from: &[ast::TableWithJoins]) -> Vec<(String, Side)> {
    fn walk(twj: &ast::TableWithJoins, out: &mut Vec<(String, Side)>) {
        if let ast::TableFactor::NestedJoin {
            table_with_joins, ..
        } = &twj.relation
        {
            walk(table_with_joins, out);
        }
        for j in &twj.joins {
            if let ast::TableFactor::NestedJoin {
                table_with_joins, ..
            } = &j.relation
            {
                walk(table_with_joins, out);
            }
            use ast::JoinOperator as J;
            let (side, c) = match &j.join_operator {
                J::Right(c) | J::RightOuter(c) => (Side::Right, c),
                J::FullOuter(c) => (Side::Both, c),
                _ => continue,
            };
            if let ast::JoinConstraint::Using(cols) | ast::JoinConstraint::UsingAlias(cols, _) = c {
                for col in cols {
                    if let Some(n) = object_name(col).pop() {
                        out.push((n, side));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for twj in from {
        walk(twj, &mut out);
    }
    out
}

/// The names FROM item `tf` gives its columns (and its joins' items).
fn factor_names(tf: &ast::TableFactor, out: &mut Vec<String>) -> Option<()> {
    match tf {
        ast::TableFactor::Table { name, alias, .. } => out.push(match alias {
            Some(a) => ident(&a.name),
            None => object_name(name).pop()?,
        }),
        ast::TableFactor::Derived { alias, .. } => out.push(ident(&alias.as_ref()?.name)),
        ast::TableFactor::UNNEST { alias, .. } => out.push(
            alias
                .as_ref()
                .map_or_else(|| "unnest".to_owned(), |a| ident(&a.name)),
        ),
        ast::TableFactor::NestedJoin {
            table_with_joins,
            alias,
        } => {
            factor_names(&table_with_joins.relation, out)?;
            for j in &table_with_joins.joins {
                factor_names(&j.relation, out)?;
            }
            if let Some(a) = alias {
                out.push(ident(&a.name));
            }
        }
        _ => return None,
    }
    Some(())
}

/// (DESC, NULLS FIRST) of an ORDER BY item; None for USING.
fn sort_options(o: &ast::OrderByExpr) -> Option<(bool, bool)> {
    let desc = match &o.options.sort {
        None | Some(ast::OrderBySort::Asc) => false,
        Some(ast::OrderBySort::Desc) => true,
        Some(ast::OrderBySort::Using(_)) => return None,
    };
    Some((desc, o.options.nulls_first.unwrap_or(desc)))
}
