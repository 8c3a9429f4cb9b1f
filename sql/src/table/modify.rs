//! INSERT, UPDATE and DELETE on stored tables.
//!
//! Rules:
//! 1. Values are coerced to column types in the assignment context, and a
//!    column's typmod is enforced when the row is built (22001 carries no
//!    position, as in PostgreSQL).
//! 2. NOT NULL is checked before CHECK constraints; CHECK constraints in
//!    name order; NULL passes a CHECK. Errors carry PostgreSQL's DETAIL
//!    "Failing row contains (...)" and the table, column or constraint.
//! 3. A row changed by a transaction that committed after the statement's
//!    snapshot: READ COMMITTED follows the update chain to the newest
//!    version, re-checks WHERE on it and changes that one (EvalPlanQual);
//!    REPEATABLE READ fails with 40001.

use std::sync::Arc;

use sqlparser::ast;

use super::row;
use super::trigger::RowTriggers;
use super::{record_text, tid_of};
use crate::binder::{ident, object_name, table_scope, Binder, Scope};
use crate::cast::{can_coerce, CoercionContext};
use crate::catalog::{TableDef, TriggerDef};
use crate::error::{Result, SqlError, SqlState};
use crate::exec;
use crate::expr::{EvalCtx, Expr, ExprKind};
use crate::plan::{OutputColumn, Plan};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::{OutputStyle, Value};
use actorgres_storage::lock::LockMode;
use actorgres_storage::page::TUPLE_HEADER;
use actorgres_storage::{Actor, Modify};
use std::collections::HashMap;

/// Opens the table a DML statement writes to (RowExclusiveLock).
pub(crate) fn target(ctx: &mut Stmt<'_>, name: &ast::ObjectName) -> Result<Arc<TableDef>> {
    let def = open_target(ctx, name)?;
    writable(&def)?;
    Ok(def)
}

/// Opens the relation a DML statement names (RowExclusiveLock), whatever
/// its kind.
pub(super) fn open_target(ctx: &mut Stmt<'_>, name: &ast::ObjectName) -> Result<Arc<TableDef>> {
    let parts = object_name(name);
    let pos = name
        .0
        .first()
        .and_then(|p| p.as_ident())
        .and_then(|i| crate::parser::char_position(ctx.sql, i.span.start));
    let (schema, rel) = match parts.as_slice() {
        [n] => (None, n.as_str()),
        [s, n] | [_, s, n] => (Some(s.as_str()), n.as_str()),
        _ => return Err(SqlError::internal("empty table name")),
    };
    let def = ctx
        .open_table(schema, rel, LockMode::RowExclusive)?
        .ok_or_else(|| {
            SqlError::new(
                SqlState::UNDEFINED_TABLE,
                format!("relation \"{}\" does not exist", parts.join(".")),
            )
            .at(pos)
        })?;
    ctx.check_own_temp(&def)?;
    if let Some(s) = schema {
        crate::binder::TableSource::check_schema_usage(ctx, s).map_err(|e| e.at(pos))?;
    }
    if def.system && ctx.acting_roles()?.is_some() {
        return Err(crate::session::privilege::denied("table", &def.name));
    }
    Ok(def)
}

/// The column names assignments set.
pub(super) fn assigned_columns(assignments: &[ast::Assignment]) -> Vec<String> {
    assignments
        .iter()
        .flat_map(|a| match &a.target {
            ast::AssignmentTarget::ColumnName(n) => vec![n],
            ast::AssignmentTarget::Tuple(ns) => ns.iter().collect(),
        })
        .filter_map(|n| n.0.first().and_then(|p| p.as_ident()).map(ident))
        .collect()
}

/// 42501 unless the current user holds `privs` on `def`, or on each of
/// the named columns (all of them when none are named).
pub(super) fn check_columns(
    ctx: &Stmt<'_>,
    def: &TableDef,
    privs: u32,
    names: &[String],
) -> Result<()> {
    if ctx.txn.filling == Some(def.oid) {
        return Ok(());
    }
    let attnums: Vec<i32> = if names.is_empty() {
        def.live().map(|(i, _)| i as i32 + 1).collect()
    } else {
        names
            .iter()
            .filter_map(|n| def.find(n))
            .map(|i| i as i32 + 1)
            .collect()
    };
    ctx.check_relation_columns(def, privs, Some(&attnums))
}

/// 42809 / 0A000 / 42501 for a relation a DML statement cannot change:
/// a system catalog, a view, a sequence or a materialized view.
pub(super) fn writable(def: &TableDef) -> Result<()> {
    if def.system {
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied: \"{}\" is a system catalog", def.name),
        ));
    }
    if def.view.is_some() {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("cannot change view \"{}\"", def.name),
        )
        .with_detail("actorgres does not update tables through views yet."));
    }
    if def.sequence.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("cannot change sequence \"{}\"", def.name),
        ));
    }
    if def.matview.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("cannot change materialized view \"{}\"", def.name),
        ));
    }
    Ok(())
}

/// 428C9 for a value given to a GENERATED ALWAYS identity column without
/// OVERRIDING SYSTEM VALUE.
pub(super) fn check_identity_insert(
    def: &TableDef,
    i: usize,
    overriding: Option<&ast::InsertOverriding>,
) -> Result<()> {
    let c = &def.columns[i];
    if c.generated {
        return Err(SqlError::new(
            SqlState::GENERATED_ALWAYS,
            format!(
                "cannot insert a non-DEFAULT value into column \"{}\"",
                c.name
            ),
        )
        .with_detail(format!("Column \"{}\" is a generated column.", c.name)));
    }
    if c.identity == Some('a') && overriding.is_none() {
        return Err(SqlError::new(
            SqlState::GENERATED_ALWAYS,
            format!(
                "cannot insert a non-DEFAULT value into column \"{}\"",
                c.name
            ),
        )
        .with_detail(format!(
            "Column \"{}\" is an identity column defined as GENERATED ALWAYS.",
            c.name
        ))
        .with_hint("Use OVERRIDING SYSTEM VALUE to override."));
    }
    Ok(())
}

/// For each select-list item of `q` when it is a plain SELECT: whether
/// it is a bare string literal (of unknown type until assigned).
fn unknown_literals(q: &ast::Query) -> Vec<bool> {
    let ast::SetExpr::Select(s) = q.body.as_ref() else {
        return Vec::new();
    };
    s.projection
        .iter()
        .map(|item| match item {
            ast::SelectItem::UnnamedExpr(e) | ast::SelectItem::ExprWithAlias { expr: e, .. } => {
                matches!(
                    e,
                    ast::Expr::Value(v) if matches!(
                        v.value,
                        ast::Value::SingleQuotedString(_)
                            | ast::Value::EscapedStringLiteral(_)
                            | ast::Value::DollarQuotedString(_)
                    )
                )
            }
            _ => false,
        })
        .collect()
}

/// 42804 unless a value of type `ty` can be stored in `col`.
fn check_assignable(col: &crate::catalog::ColumnDef, ty: crate::types::DataType) -> Result<()> {
    if ty != crate::types::DataType::Unknown && !can_coerce(ty, col.ty, CoercionContext::Assignment)
    {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!(
                "column \"{}\" is of type {} but expression is of type {}",
                col.name, col.ty, ty
            ),
        )
        .with_hint("You will need to rewrite or cast the expression."));
    }
    Ok(())
}

/// Coerces `e` for storing into column `i` of `def` (rule 1).
pub(crate) fn assign(b: &mut Binder<'_>, e: Expr, def: &TableDef, i: usize) -> Result<Expr> {
    let col = &def.columns[i];
    check_assignable(col, e.ty).map_err(|err| err.at(e.pos))?;
    let e = b.coerce(e, col.ty, -1, CoercionContext::Assignment)?;
    Ok(if col.typmod >= 0 {
        Expr {
            pos: e.pos,
            kind: ExprKind::Cast {
                arg: Box::new(e),
                explicit: false,
            },
            ty: col.ty,
            typmod: col.typmod,
        }
    } else {
        e
    })
}

/// Binds a stored expression (default, CHECK) against `scope`, then
/// `finish` types it.
pub(crate) fn bind_stored(
    db: u32,
    text: &str,
    style: &OutputStyle,
    scope: &Scope,
    finish: impl FnOnce(&mut Binder<'_>, Expr) -> Result<Expr>,
) -> Result<Expr> {
    bind_stored_with(text, style, scope, &mut StoredNames(db), finish)
}

/// Names in stored expressions of database `.0`: no relations, user
/// types from the registry (usertype.rs).
pub(crate) struct StoredNames(pub u32);

impl crate::binder::TableSource for StoredNames {
    fn table(&mut self, _: Option<&str>, _: &str) -> Result<Option<Arc<TableDef>>> {
        Ok(None)
    }

    fn user_type(&mut self, parts: &[String]) -> Result<Option<DataType>> {
        Ok(crate::usertype::find(self.0, parts))
    }

    fn functions(&mut self, parts: &[String]) -> Result<Vec<Arc<crate::routine::UserFunction>>> {
        Ok(parts
            .last()
            .map(|n| crate::routine::registered(self.0, n))
            .unwrap_or_default())
    }
}

/// [`bind_stored`] with relation names (a serial default's
/// `'seq'::regclass`) read from `tables`.
pub(crate) fn bind_stored_with(
    text: &str,
    style: &OutputStyle,
    scope: &Scope,
    tables: &mut dyn crate::binder::TableSource,
    finish: impl FnOnce(&mut Binder<'_>, Expr) -> Result<Expr>,
) -> Result<Expr> {
    let ast = crate::parser::parse_expr(text)?;
    let mut b = Binder::new(text, style.clone(), Vec::new(), tables);
    let e = b.expr(&ast, scope)?;
    finish(&mut b, e)
}

/// Relation lookups for stored expressions: the catalog as the
/// statement's transaction sees it.
pub(crate) struct CatalogTables<'a>(pub crate::catalog::Catalog<'a>);

impl crate::binder::TableSource for CatalogTables<'_> {
    fn table(&mut self, schema: Option<&str>, name: &str) -> Result<Option<Arc<TableDef>>> {
        Ok(self.0.table(schema, name)?.map(Arc::new))
    }

    fn table_by_oid(&mut self, oid: u32) -> Result<Option<Arc<TableDef>>> {
        Ok(self.0.table_by_oid(oid)?.map(Arc::new))
    }

    fn user_type(&mut self, parts: &[String]) -> Result<Option<DataType>> {
        self.0.user_types()?;
        Ok(crate::usertype::find(self.0.db(), parts))
    }

    fn functions(&mut self, parts: &[String]) -> Result<Vec<Arc<crate::routine::UserFunction>>> {
        let Some(name) = parts.last() else {
            return Ok(Vec::new());
        };
        Ok(self
            .0
            .functions()?
            .into_iter()
            .filter(|f| f.name == *name)
            .collect())
    }
}

/// A stored default or CHECK of `def` as PostgreSQL prints it
/// (ruleutils): `column` names the attribute whose default it is, so an
/// untyped literal takes that column's type. The text as written when it
/// does not bind or has forms the printer does not know.
pub(crate) fn stored_sql(
    def: &TableDef,
    text: &str,
    column: Option<usize>,
    pretty: bool,
    types: Option<&crate::deparse::TypeNames>,
) -> String {
    let scope = table_scope(def, None);
    let bound = bind_stored(
        def.rel.db,
        text,
        &OutputStyle::default(),
        &scope,
        |b, e| match column.and_then(|i| def.columns.get(i)) {
            Some(c) if e.ty == DataType::Unknown => {
                b.coerce(e, c.ty, -1, CoercionContext::Assignment)
            }
            _ => Ok(e),
        },
    );
    let names: Vec<String> = scope.columns.iter().map(|c| c.name.clone()).collect();
    bound
        .ok()
        .and_then(|e| {
            crate::deparse::Deparser {
                columns: &names,
                pretty,
                types,
                qualifiers: None,
                special: None,
                indent: 0,
            }
            .expr(&e)
        })
        .unwrap_or_else(|| text.to_owned())
}

/// The attribute numbers (1-based, in order) a stored CHECK of `def`
/// reads: pg_constraint.conkey.
pub(crate) fn stored_columns(def: &TableDef, text: &str) -> Vec<i16> {
    let scope = table_scope(def, None);
    let Ok(e) = bind_stored(def.rel.db, text, &OutputStyle::default(), &scope, |_, e| {
        Ok(e)
    }) else {
        return Vec::new();
    };
    let mut attnums = Vec::new();
    e.visit(&mut |x| {
        if let ExprKind::Column(i) = x.kind {
            if let Some(c) = scope.columns.get(i) {
                if !attnums.contains(&c.attnum) {
                    attnums.push(c.attnum);
                }
            }
        }
    });
    attnums.sort_unstable();
    attnums
}

/// Defaults of every attribute (None: NULL), coerced to the column;
/// relation names in them are read from `tables`.
pub(super) fn defaults(
    def: &TableDef,
    style: &OutputStyle,
    tables: &mut dyn crate::binder::TableSource,
) -> Result<Vec<Option<Expr>>> {
    let mut out = Vec::with_capacity(def.columns.len());
    for (i, c) in def.columns.iter().enumerate() {
        // A column without a default of its own takes its domain's.
        let domain_default = match (&c.default, c.domain) {
            (None, Some(d)) => crate::usertype::get(d)
                .and_then(|t| t.domain.as_ref().and_then(|d| d.default.clone())),
            _ => None,
        };
        match c.default.as_ref().or(domain_default.as_ref()) {
            Some(text) if !c.dropped && !c.generated => {
                let e = bind_stored_with(text, style, &Scope::default(), tables, |b, e| {
                    assign(b, e, def, i)
                })?;
                out.push(Some(e));
            }
            _ => out.push(None),
        }
    }
    Ok(out)
}

/// What a new row version goes through before it is written: a
/// generated column's value computed, or a CHECK constraint.
#[derive(Clone)]
pub(crate) enum RowCheck {
    /// GENERATED ALWAYS AS (expr) STORED: the value of the live column
    /// at this position.
    Generated(usize, Expr),
    /// CHECK (expr), by name.
    Check(String, Expr),
    /// The live column at this position is of a domain (its OID), whose
    /// constraints its value must meet.
    Domain(usize, u32),
    /// WITH CHECK OPTION of a view a row is written through: the view's
    /// name and condition over the base row (not true is 44000).
    ViewOption(String, Expr),
}

/// The generated columns and CHECK constraints bound against the
/// table's live columns: generated columns first (checks see them).
pub(crate) fn checks(def: &TableDef, style: &OutputStyle) -> Result<Vec<RowCheck>> {
    let scope = table_scope(def, None);
    let mut out = Vec::with_capacity(def.checks.len());
    for (pos, (i, c)) in def.live().enumerate() {
        if let (true, Some(text)) = (c.generated, &c.default) {
            let e = bind_stored(def.rel.db, text, style, &scope, |b, e| assign(b, e, def, i))?;
            out.push(RowCheck::Generated(pos, e));
        }
    }
    for (pos, (_, c)) in def.live().enumerate() {
        if let Some(d) = c.domain {
            out.push(RowCheck::Domain(pos, d));
        }
    }
    for c in &def.checks {
        let e = bind_stored(def.rel.db, &c.expr, style, &scope, |b, e| {
            b.boolean(e, "CHECK constraint")
        })?;
        out.push(RowCheck::Check(c.name.clone(), e));
    }
    Ok(out)
}

/// NOT NULL, then CHECK (rule 2), on a row of live-column values.
pub(super) fn check_row(
    def: &TableDef,
    live: &mut [Value],
    checks: &[RowCheck],
    eval: &mut EvalCtx<'_>,
) -> Result<()> {
    for check in checks {
        if let RowCheck::Generated(pos, e) = check {
            let v = e.eval(live, eval)?;
            if let Some(slot) = live.get_mut(*pos) {
                *slot = v;
            }
        }
    }
    let live = &*live;
    // A value assigned to a domain column is coerced to the domain first.
    for check in checks {
        if let RowCheck::Domain(pos, d) = check {
            let v = live.get(*pos).unwrap_or(&Value::Null);
            crate::usertype::check_domain(*d, v, eval)?;
        }
    }
    for ((_, c), v) in def.live().zip(live) {
        if c.not_null && v.is_null() {
            return Err(SqlError::new(
                SqlState::NOT_NULL_VIOLATION,
                format!(
                    "null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                    c.name, def.name
                ),
            )
            .with_detail(format!(
                "Failing row contains {}.",
                record_text(live, eval.style())
            ))
            .with_object(Some(&def.name), Some(&c.name), None));
        }
    }
    for check in checks {
        let RowCheck::Check(name, e) = check else {
            continue;
        };
        if e.eval(live, eval)? == Value::Bool(false) {
            return Err(SqlError::new(
                SqlState::CHECK_VIOLATION,
                format!(
                    "new row for relation \"{}\" violates check constraint \"{name}\"",
                    def.name
                ),
            )
            .with_detail(format!(
                "Failing row contains {}.",
                record_text(live, eval.style())
            ))
            .with_object(Some(&def.name), None, Some(name)));
        }
    }
    for check in checks {
        let RowCheck::ViewOption(view, e) = check else {
            continue;
        };
        if e.eval(live, eval)? != Value::Bool(true) {
            return Err(SqlError::new(
                SqlState::WITH_CHECK_OPTION_VIOLATION,
                format!("new row violates check option for view \"{view}\""),
            )
            .with_detail(format!(
                "Failing row contains {}.",
                record_text(live, eval.style())
            )));
        }
    }
    Ok(())
}

/// Live-column values spread to every attribute (dropped ones NULL),
/// then encoded.
fn encode(def: &TableDef, live: &[Value], attrs: &[row::StoredAttr]) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_into(def, live, attrs, &mut bytes);
    bytes
}

/// Appends the stored form of the live-column values `live` to `out`.
fn encode_into(def: &TableDef, live: &[Value], attrs: &[row::StoredAttr], out: &mut Vec<u8>) {
    if live.len() == def.columns.len() {
        // No dropped column: live values are the stored ones.
        return row::encode(attrs, live, out);
    }
    let mut physical = vec![Value::Null; def.columns.len()];
    for ((i, _), v) in def.live().zip(live) {
        physical[i] = v.clone();
    }
    row::encode(attrs, &physical, out);
}

/// A new row version of `live`: room for the tuple header, then the
/// stored row (what [`actorgres_storage::Engine::heap_insert_tuple`] takes).
pub(super) fn new_tuple(def: &TableDef, live: &[Value], attrs: &[row::StoredAttr]) -> Vec<u8> {
    let mut t = Vec::with_capacity(TUPLE_HEADER + 16 + 8 * live.len());
    t.resize(TUPLE_HEADER, 0);
    encode_into(def, live, attrs, &mut t);
    t
}

/// Sends one RETURNING row.
pub(super) fn returning(
    exprs: &[Expr],
    live: &[Value],
    eval: &mut EvalCtx<'_>,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let mut out = Vec::with_capacity(exprs.len());
    for e in exprs {
        out.push(e.eval(live, eval)?);
    }
    sink.data_row(&out, eval.style())
}

/// Binds a RETURNING list against the table.
pub(super) fn bind_returning(
    b: &mut Binder<'_>,
    items: Option<&Vec<ast::SelectItem>>,
    scope: &Scope,
) -> Result<Option<(Vec<Expr>, Vec<OutputColumn>)>> {
    let Some(items) = items else {
        return Ok(None);
    };
    let before = b.refuse_aggregates("aggregate functions are not allowed in RETURNING");
    let bound = b.projection(items, scope);
    b.allow_aggregates(before);
    Ok(Some(bound?))
}

pub(super) fn is_default(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default"))
}

/// Where an INSERT's rows come from.
#[derive(Clone)]
pub(super) enum Source {
    /// VALUES rows, one expression (or DEFAULT as None) per target.
    Values(Vec<Vec<Option<Expr>>>),
    /// A query's plan and its output column types (converted to the
    /// target columns' types by assignment casts).
    Query(Plan, Vec<crate::types::DataType>),
    /// A view's rows for its INSTEAD OF triggers (instead.rs).
    Instead(Box<super::instead::Instead>),
}

/// An INSERT bound to its table: what [`run_insert`] needs, and what a
/// prepared statement keeps between executions.
#[derive(Clone)]
pub struct BoundInsert {
    /// The target table.
    pub(super) def: Arc<TableDef>,
    /// Attribute indexes of the live columns.
    pub(super) live: Vec<usize>,
    /// Attribute indexes of the target columns, in the order given.
    pub(super) targets: Vec<usize>,
    /// Defaults per attribute.
    pub(super) defaults: Vec<Option<Expr>>,
    /// CHECK constraints.
    pub(super) checks: Vec<RowCheck>,
    /// The rows.
    pub(super) source: Source,
    /// RETURNING expressions and their columns.
    pub(super) ret: Option<(Vec<Expr>, Vec<OutputColumn>)>,
    /// ON CONFLICT.
    pub(super) conflict: Option<Conflict>,
}

impl BoundInsert {
    /// The RETURNING columns, if any.
    pub fn columns(&self) -> Option<&[OutputColumn]> {
        self.ret.as_ref().map(|(_, c)| c.as_slice())
    }
}

/// INSERT INTO t [(cols)] VALUES ... | query [RETURNING ...].
pub fn insert(ctx: &mut Stmt<'_>, ins: &ast::Insert, sink: &mut dyn ResultSink) -> Result<()> {
    let bound = bind_insert(ctx, ins)?;
    run_insert(ctx, bound, sink)
}

/// Binds an INSERT: its table (locked), target columns, rows, RETURNING
/// and ON CONFLICT.
pub fn bind_insert(ctx: &mut Stmt<'_>, ins: &ast::Insert) -> Result<BoundInsert> {
    let ast::TableObject::TableName(name) = &ins.table else {
        return Err(SqlError::unsupported("INSERT into a table function"));
    };
    if matches!(ins.on, Some(ast::OnInsert::DuplicateKeyUpdate(_))) {
        return Err(SqlError::syntax(
            "syntax error at or near \"DUPLICATE\"",
            None,
        ));
    }
    let target = open_target(ctx, name)?;
    {
        let cols: Vec<String> = ins
            .columns
            .iter()
            .filter_map(|c| c.0.last().and_then(|p| p.as_ident()).map(ident))
            .collect();
        check_columns(ctx, &target, crate::acl::INSERT, &cols)?;
        if let Some(ast::OnInsert::OnConflict(ast::OnConflict {
            action: ast::OnConflictAction::DoUpdate(u),
            conflict_target,
        })) = &ins.on
        {
            check_columns(
                ctx,
                &target,
                crate::acl::UPDATE,
                &assigned_columns(&u.assignments),
            )?;
            // The arbiter's columns are read: SELECT on them.
            if let Some(allowed) = ctx.target_readable(&target)? {
                let cols: Vec<usize> = match conflict_target {
                    Some(ast::ConflictTarget::Columns { columns, .. }) => columns
                        .iter()
                        .filter_map(|i| target.find(&ident(i)))
                        .collect(),
                    Some(ast::ConflictTarget::OnConstraint(n)) => {
                        let name = object_name(n).pop().unwrap_or_default();
                        target
                            .indexes
                            .iter()
                            .find(|ix| ix.name == name)
                            .map(|ix| ix.columns.clone())
                            .unwrap_or_default()
                    }
                    None => Vec::new(),
                };
                if cols.iter().any(|&i| !allowed.contains(&(i as i16 + 1))) {
                    return Err(crate::session::privilege::denied("table", &target.name));
                }
            }
        }
    }
    if let Some(bound) = super::instead::bind_insert(ctx, ins, &target)? {
        return Ok(bound);
    }
    let (def, view) = super::view_dml::dml_target(ctx, target, "INSERT")?;
    let alias = ins.table_alias.as_ref().map(|a| a.alias.value.as_str());
    let scope = match &view {
        Some(v) => v.scope(alias),
        None => table_scope(&def, alias),
    };
    // The columns the statement names: the view's, when through one.
    let named = view.as_ref().map_or(&def, |v| &v.view);
    let live: Vec<usize> = def.live().map(|(i, _)| i).collect();
    // Target columns, as attribute indexes.
    let targets: Vec<usize> = if ins.columns.is_empty() {
        // Through a view, only the columns VALUES gives (the others take
        // the base table's defaults).
        let given = match ins.source.as_deref().map(|q| q.body.as_ref()) {
            Some(ast::SetExpr::Values(v)) if view.is_some() => {
                v.rows.iter().map(|r| r.content.len()).max().unwrap_or(0)
            }
            _ => usize::MAX,
        };
        named.live().map(|(i, _)| i).take(given).collect()
    } else if let Some(fields) = field_targets(named, &ins.columns, ctx.sql)? {
        if view.is_some() {
            return Err(SqlError::unsupported("assigning fields through a view"));
        }
        return bind_field_insert(ctx, ins, def, live, scope, fields);
    } else {
        target_columns(named, &ins.columns, ctx.sql)?
    };
    let targets = match &view {
        Some(v) => super::view_dml::base_targets(v, &targets, "INSERT")?,
        None => targets,
    };
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let defaults = defaults(&def, &style, &mut CatalogTables(ctx.catalog()))?;
    let mut checks = checks(&def, &style)?;
    if let Some(v) = &view {
        checks.extend(v.row_checks());
    }
    // The target's columns that RETURNING and ON CONFLICT may read.
    let readable = match &view {
        None => ctx.target_readable(&def)?,
        Some(_) => None,
    };
    let mut b = ctx.binder();
    if let Some(cols) = readable {
        b.restrict(def.oid, &def.name, cols);
    }
    let source = match ins.source.as_deref() {
        None => Source::Values(vec![vec![None; targets.len()]]),
        Some(q) => match q.body.as_ref() {
            ast::SetExpr::Values(v)
                if q.order_by.is_none()
                    && q.limit_clause.is_none()
                    && !single_row_srf(&v.rows, &def, &targets) =>
            {
                // The binder is dropped on an error: only success restores.
                let before = b.refuse_aggregates("aggregate functions are not allowed in VALUES");
                let mut rows = Vec::with_capacity(v.rows.len());
                for r in &v.rows {
                    if r.len() > targets.len() {
                        return Err(SqlError::syntax(
                            "INSERT has more expressions than target columns",
                            b.pos_of(&r[targets.len()]),
                        ));
                    }
                    if r.len() < targets.len() && !ins.columns.is_empty() {
                        return Err(SqlError::syntax(
                            "INSERT has more target columns than expressions",
                            ins.columns.get(r.len()).and_then(|c| b.pos_of(c)),
                        ));
                    }
                    let mut row = Vec::with_capacity(r.len());
                    for (k, (e, &i)) in r.iter().zip(&targets).enumerate() {
                        if let Some((target, value)) = crate::parser::assign::marked(e) {
                            // INSERT INTO t (a[1:2]): assigned into NULL.
                            let base = Expr::constant(Value::Null, def.columns[i].ty);
                            let pos = ins.columns.get(k).and_then(|c| b.pos_of(c));
                            let to = (&*def, i, pos);
                            let e = subscript_assign(
                                &mut b,
                                target,
                                value,
                                base,
                                to,
                                &Scope::default(),
                            )?;
                            row.push(Some(e));
                        } else if is_default(e) {
                            row.push(None);
                        } else {
                            check_identity_insert(&def, i, ins.overriding.as_ref())?;
                            let bound = b.expr(e, &Scope::default())?;
                            row.push(Some(assign(&mut b, bound, &def, i)?));
                        }
                    }
                    rows.push(row);
                }
                b.allow_aggregates(before);
                Source::Values(rows)
            }
            body => {
                let bound = match body {
                    ast::SetExpr::Values(v) if single_row_srf(&v.rows, &def, &targets) => {
                        // DEFAULT stands for the column's default there.
                        let row = &v.rows[0].content;
                        let at_default: Vec<Option<Expr>> = row
                            .iter()
                            .zip(&targets)
                            .map(|(e, &i)| {
                                is_default(e).then(|| {
                                    defaults[i].clone().unwrap_or_else(|| {
                                        Expr::constant(Value::Null, def.columns[i].ty)
                                    })
                                })
                            })
                            .collect();
                        b.values_select(row, &at_default)?
                    }
                    _ => b.query(q)?,
                };
                if bound.columns.len() > targets.len() {
                    return Err(SqlError::syntax(
                        "INSERT has more expressions than target columns",
                        None,
                    ));
                }
                if bound.columns.len() < targets.len() && !ins.columns.is_empty() {
                    return Err(SqlError::syntax(
                        "INSERT has more target columns than expressions",
                        None,
                    ));
                }
                // A plain SELECT's string literals stay of unknown type
                // and are read as the target column's type (PostgreSQL's
                // transformInsertStatement); through a set operation or
                // a subquery they are text.
                let literal = unknown_literals(q);
                let mut types = Vec::with_capacity(bound.columns.len());
                for (k, (c, &i)) in bound.columns.iter().zip(&targets).enumerate() {
                    check_identity_insert(&def, i, ins.overriding.as_ref())?;
                    let ty = if literal.get(k) == Some(&true) {
                        DataType::Unknown
                    } else {
                        c.ty
                    };
                    check_assignable(&def.columns[i], ty)?;
                    types.push(ty);
                }
                Source::Query(bound.plan, types)
            }
        },
    };
    let ret = if routed_tableoid(&def, &scope) {
        // Through a partitioned table, RETURNING's tableoid is the leaf
        // each row went to: a hidden column after the row's own.
        let mut scope = scope.clone();
        let table = scope.columns.first().and_then(|c| c.table.clone());
        scope
            .columns
            .push(crate::binder::ScopeColumn::tableoid(table, def.oid));
        bind_returning(&mut b, ins.returning.as_ref(), &scope)?
    } else {
        bind_returning(&mut b, ins.returning.as_ref(), &scope)?
    };
    let ret = match (&view, ret) {
        (Some(v), Some((exprs, cols))) => Some((
            exprs
                .into_iter()
                .map(|e| v.rewrite(e))
                .collect::<Result<Vec<_>>>()?,
            cols,
        )),
        (_, ret) => ret,
    };
    if view.is_some() && ins.on.is_some() {
        return Err(SqlError::unsupported("ON CONFLICT through a view"));
    }
    let conflict = match &ins.on {
        Some(ast::OnInsert::OnConflict(oc)) => {
            Some(bind_conflict(&mut b, oc, &def, &scope, &defaults, sql)?)
        }
        _ => None,
    };
    ctx.param_types = b.into_params();
    // OVERRIDING USER VALUE: identity columns take their default
    // whatever is given (the value goes nowhere).
    let targets = if matches!(ins.overriding, Some(ast::InsertOverriding::User)) {
        targets
            .into_iter()
            .map(|i| {
                if def.columns[i].identity.is_some() {
                    usize::MAX
                } else {
                    i
                }
            })
            .collect()
    } else {
        targets
    };
    Ok(BoundInsert {
        def,
        live,
        targets,
        defaults,
        checks,
        source,
        ret,
        conflict,
    })
}

/// For each target of an INSERT's column list: the column and, when the
/// target names one of its fields, the field.
type FieldSlots = Vec<(usize, Option<String>)>;

/// The target list of an INSERT naming fields of composite columns
/// (`INSERT INTO t (c.f, c.g, d)`): for each target position, the column
/// and the field; None when no target names a field.
fn field_targets(
    def: &TableDef,
    columns: &[ast::ObjectName],
    sql: &str,
) -> Result<Option<FieldSlots>> {
    if !columns
        .iter()
        .any(|c| c.0.len() == 2 && field_target(def, c).is_some())
    {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(columns.len());
    for c in columns {
        match field_target(def, c) {
            Some((i, f)) => out.push((i, Some(f))),
            None => {
                let (i, n, pos) = target_column(def, c, sql)?;
                if out.iter().any(|(j, _)| *j == i) {
                    return Err(SqlError::new(
                        SqlState::DUPLICATE_COLUMN,
                        format!("column \"{n}\" specified more than once"),
                    )
                    .at(pos));
                }
                out.push((i, None));
            }
        }
    }
    Ok(Some(out))
}

/// Binds `INSERT INTO t (c.f, ...) VALUES ...`: each composite column
/// named by fields gets a row built from NULL with those fields set.
fn bind_field_insert(
    ctx: &mut Stmt<'_>,
    ins: &ast::Insert,
    def: Arc<TableDef>,
    live: Vec<usize>,
    scope: Scope,
    slots: FieldSlots,
) -> Result<BoundInsert> {
    let mut targets: Vec<usize> = Vec::new();
    for (i, _) in &slots {
        if !targets.contains(i) {
            targets.push(*i);
        }
    }
    let style = ctx.style.clone();
    let defaults = defaults(&def, &style, &mut CatalogTables(ctx.catalog()))?;
    let checks = checks(&def, &style)?;
    let Some(ast::SetExpr::Values(v)) = ins.source.as_deref().map(|q| q.body.as_ref()) else {
        return Err(SqlError::unsupported(
            "INSERT of composite fields from a query",
        ));
    };
    let mut b = ctx.binder();
    b.refuse_aggregates("aggregate functions are not allowed in VALUES");
    let mut rows = Vec::with_capacity(v.rows.len());
    for r in &v.rows {
        if r.len() != slots.len() {
            return Err(SqlError::syntax(
                if r.len() > slots.len() {
                    "INSERT has more expressions than target columns"
                } else {
                    "INSERT has more target columns than expressions"
                },
                None,
            ));
        }
        let mut row: Vec<Option<Expr>> = Vec::with_capacity(targets.len());
        for &i in &targets {
            let c = &def.columns[i];
            let declared = c.domain.map_or(c.ty, DataType::Domain);
            let mut value: Option<Expr> = None;
            for (k, ((j, field), e)) in slots.iter().zip(r.iter()).enumerate() {
                if *j != i {
                    continue;
                }
                let bound = b.expr(e, &Scope::default())?;
                value = Some(match field {
                    None => assign(&mut b, bound, &def, i)?,
                    Some(f) => {
                        let base = value
                            .take()
                            .unwrap_or_else(|| Expr::constant(Value::Null, c.ty));
                        let pos = ins.columns.get(k).and_then(|c| b.pos_of(c));
                        field_store(&mut b, base, (c.ty, declared), (&c.name, f), bound)
                            .map_err(|e| e.at(pos))?
                    }
                });
            }
            row.push(value);
        }
        rows.push(row);
    }
    let ret = bind_returning(&mut b, ins.returning.as_ref(), &scope)?;
    if ins.on.is_some() {
        return Err(SqlError::unsupported(
            "ON CONFLICT with composite field targets",
        ));
    }
    ctx.param_types = b.into_params();
    Ok(BoundInsert {
        def,
        live,
        targets,
        defaults,
        checks,
        source: Source::Values(rows),
        ret,
        conflict: None,
    })
}

/// Runs a bound INSERT.
pub fn run_insert(ctx: &mut Stmt<'_>, bound: BoundInsert, sink: &mut dyn ResultSink) -> Result<()> {
    let BoundInsert {
        def,
        live,
        mut targets,
        defaults,
        checks,
        mut source,
        ret,
        conflict,
    } = bound;
    if let Source::Instead(i) = &source {
        return super::instead::run(ctx, i, ret.as_ref(), sink);
    }
    // ON CONFLICT DO UPDATE fires UPDATE triggers too (PostgreSQL's
    // fireBSTriggers / fireASTriggers order).
    let upsert_sets: Option<Vec<usize>> = conflict.as_ref().and_then(|c| {
        c.sets.as_ref().map(|sets| {
            def.live()
                .zip(sets)
                .filter(|(_, s)| s.is_some())
                .map(|((i, _), _)| i)
                .collect()
        })
    });
    super::trigger::fire_statement(ctx, &def, TriggerDef::INSERT, true, None)?;
    if let Some(cols) = &upsert_sets {
        super::trigger::fire_statement(ctx, &def, TriggerDef::UPDATE, true, Some(cols))?;
    }
    let xid = ctx.write_xid("INSERT")?;
    let routing = super::routing::Routing::new(ctx, &def)?;
    // Row triggers: the table's, or each leaf's when rows are routed.
    let mut row_triggers = match routing.router {
        None => RowTriggers::bind(ctx, &def, TriggerDef::INSERT, None)?,
        Some(_) => None,
    };
    let mut update_triggers = match (&routing.router, &upsert_sets) {
        (None, Some(cols)) => RowTriggers::bind(ctx, &def, TriggerDef::UPDATE, Some(cols))?,
        _ => None,
    };
    // BEFORE ROW triggers whose bodies change data run at statement
    // level, each row through them all before the rows are inserted as
    // they came out (a trigger does not see the statement's earlier rows,
    // as it would in PostgreSQL, where rows and triggers interleave).
    if let Some(t) = row_triggers.as_mut().filter(|t| t.before_needs_session()) {
        let rows = source_rows(ctx, &def, &live, &targets, &defaults, source)?;
        let mut kept = Vec::with_capacity(rows.len());
        for mut r in rows {
            if t.before_in_session(ctx, Some(&mut r), None)? {
                kept.push(r);
            }
        }
        t.skip_before();
        // The rows as VALUES of every column but the generated ones.
        targets = live
            .iter()
            .copied()
            .filter(|&i| !def.columns[i].generated)
            .collect();
        source = Source::Values(
            kept.into_iter()
                .map(|r| {
                    r.into_iter()
                        .zip(&live)
                        .filter(|(_, &i)| !def.columns[i].generated)
                        .map(|(v, &i)| Some(Expr::constant(v, def.columns[i].ty)))
                        .collect()
                })
                .collect(),
        );
    }
    let mut leaf_triggers: HashMap<u32, RowTriggers> = HashMap::new();
    if routing.router.is_some() {
        for (&oid, leaf) in &routing.leaves {
            if let Some(t) = RowTriggers::bind(ctx, &leaf.def, TriggerDef::INSERT, None)? {
                leaf_triggers.insert(oid, t);
            }
        }
    }
    // Schema names for a BEFORE trigger's partition error (read only when
    // a leaf has triggers).
    let ctx_names = if leaf_triggers.is_empty() {
        Default::default()
    } else {
        ctx.namespaces()?
    };
    // ON CONFLICT through a partitioned table: each leaf's own copies of
    // the arbiter indexes decide (the key includes the partition key, so
    // a conflicting row is in the leaf the new row routes to).
    // RETURNING reads the leaf as tableoid after the row's columns.
    let tableoid_column = routing.router.is_some();
    let leaf_conflicts: HashMap<u32, Conflict> = match (&routing.router, &conflict) {
        (Some(_), Some(c)) => routing
            .leaves
            .iter()
            .map(|(&oid, leaf)| Ok((oid, leaf_conflict(c, leaf)?)))
            .collect::<Result<_>>()?,
        _ => HashMap::new(),
    };
    let mut leaf_queues: HashMap<u32, super::RiQueue> = HashMap::new();
    let engine = ctx.engine();
    let attrs = def.stored();
    let cid = ctx.txn.cid;
    if let Some((_, cols)) = &ret {
        sink.row_description(cols)?;
    }
    let policy = ctx.policy();
    let backend = ctx.info.pid;
    let style = ctx.style;
    let instr = ctx.measured.as_ref().map(|m| m.instr.clone());
    let mut ran: Option<Box<Plan>> = None;
    let mut values_spent = None;
    let (mut eval, own) = ctx.eval_and_txn();
    let read_committed = own.isolation.snapshot_per_statement();
    let who = Actor {
        xid,
        backend,
        own,
        wait: policy,
    };
    let mut count: u64 = 0;
    let mut queue = super::RiQueue::default();
    // One row buffer for all rows.
    let mut row: Vec<Value> = Vec::with_capacity(live.len());
    let mut put = |given: &mut Vec<Option<Value>>, eval: &mut EvalCtx<'_>| -> Result<()> {
        row.clear();
        live_row(&live, &targets, given, &defaults, eval, &mut row)?;
        if let Some(router) = &routing.router {
            let (leaf, mut leaf_row) = router.route(row.clone(), style)?;
            let target = &routing.leaves[&leaf.oid];
            let leaf_trigger = leaf_triggers.get_mut(&leaf.oid);
            if let Some(t) = &leaf_trigger {
                if !t.before(Some(&mut leaf_row), None, eval)? {
                    return Ok(());
                }
                // The row must stay in the partition it was routed to.
                let back = if target.identity {
                    leaf_row.clone()
                } else {
                    super::partition::unmap_row(&target.map, &leaf_row, row.len())
                };
                if router.route(back, style)?.0.oid != leaf.oid {
                    let schema = ctx_names
                        .iter()
                        .find(|(o, _)| *o == leaf.namespace)
                        .map_or("", |(_, n)| n.as_str());
                    return Err(SqlError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "moving row to another partition during a BEFORE FOR EACH ROW trigger is not supported",
                    )
                    .with_detail(format!(
                        "Before executing trigger \"{}\", the row was to be in partition \"{}\".",
                        t.last_before(),
                        super::qualified(schema, &leaf.name)
                    )));
                }
            }
            if let Some(c) = leaf_conflicts.get(&leaf.oid) {
                match upsert(
                    engine,
                    &target.def,
                    c,
                    &leaf_row,
                    &who,
                    &target.attrs,
                    &target.checks,
                    eval,
                    style,
                    read_committed,
                    None,
                )? {
                    Upsert::Insert => {}
                    Upsert::Skip => return Ok(()),
                    Upsert::Updated(new_row, _) => {
                        if router.route(new_row.clone(), style)?.0.oid != leaf.oid {
                            return Err(SqlError::new(
                                SqlState::FEATURE_NOT_SUPPORTED,
                                "invalid ON UPDATE specification",
                            )
                            .with_detail("The result tuple would appear in a different partition than the original tuple."));
                        }
                        leaf_queues
                            .entry(target.def.oid)
                            .or_default()
                            .inserted(&target.def, &new_row)?;
                        count += 1;
                        if let Some((exprs, _)) = &ret {
                            let mut out = new_row;
                            out.push(Value::Oid(target.def.oid));
                            returning(exprs, &out, eval, sink)?;
                        }
                        return Ok(());
                    }
                }
            }
            target.insert(engine, &mut leaf_row, (xid, cid), &who, eval)?;
            leaf_queues
                .entry(target.def.oid)
                .or_default()
                .inserted(&target.def, &leaf_row)?;
            if let Some(t) = leaf_trigger {
                t.after(Some(&leaf_row), None, eval)?;
            }
            count += 1;
            if let Some((exprs, _)) = &ret {
                let mut out = if target.identity {
                    leaf_row
                } else {
                    super::partition::unmap_row(&target.map, &leaf_row, row.len())
                };
                if tableoid_column {
                    out.truncate(row.len());
                    out.push(Value::Oid(target.def.oid));
                }
                returning(exprs, &out, eval, sink)?;
            }
            return Ok(());
        }
        if let Some(t) = &row_triggers {
            if !t.before(Some(&mut row), None, eval)? {
                return Ok(());
            }
        }
        check_row(&def, &mut row, &checks, eval)?;
        if let Some(pc) = &routing.check {
            pc.check(&row, style)?;
        }
        if let Some(c) = &conflict {
            match upsert(
                engine,
                &def,
                c,
                &row,
                &who,
                &attrs,
                &checks,
                eval,
                style,
                read_committed,
                update_triggers.as_ref(),
            )? {
                Upsert::Insert => {}
                Upsert::Skip => return Ok(()),
                Upsert::Updated(new_row, old_row) => {
                    queue.inserted(&def, &new_row[..live.len()])?;
                    if let Some(t) = &mut update_triggers {
                        t.after(Some(&new_row), Some(&old_row), eval)?;
                    }
                    count += 1;
                    if let Some((exprs, _)) = &ret {
                        returning(exprs, &new_row, eval, sink)?;
                    }
                    return Ok(());
                }
            }
        }
        let tid = engine.heap_insert_tuple(
            def.rel,
            xid,
            cid,
            new_tuple(&def, &row, &attrs),
            def.fillfactor,
        )?;
        super::index::insert_entries(engine, &def, &row, tid, &who, style)?;
        queue.inserted(&def, &row)?;
        if let Some(t) = &mut row_triggers {
            t.after(Some(&row), None, eval)?;
        }
        count += 1;
        if let Some((exprs, _)) = &ret {
            returning(exprs, &row, eval, sink)?;
        }
        if count.is_multiple_of(1024) {
            eval.check_interrupts()?;
        }
        Ok(())
    };
    match source {
        // Handled before the row loop.
        Source::Instead(_) => {}
        Source::Values(rows) => {
            let mut given = Vec::with_capacity(targets.len());
            let mut spent = (std::time::Duration::ZERO, std::time::Duration::ZERO, 0u64);
            for r in rows {
                let started = std::time::Instant::now();
                given.clear();
                for e in r {
                    given.push(match e {
                        // A constant (the usual VALUES row) moves out.
                        Some(e) => Some(match e.kind {
                            crate::expr::ExprKind::Const(v) => v,
                            kind => Expr { kind, ..e }.eval(&[], &mut eval)?,
                        }),
                        // DEFAULT: the column default, or NULL.
                        None => None,
                    });
                }
                spent.1 += started.elapsed();
                if spent.2 == 0 {
                    spent.0 = spent.1;
                }
                spent.2 += 1;
                // An explicit DEFAULT for a column without one is NULL.
                put(&mut given, &mut eval)?;
            }
            values_spent = Some(spent);
        }
        Source::Query(plan, types) => {
            let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
            let plan = Box::new(crate::planner::optimize(plan, &mut eval, &blocks, false)?);
            let mut node = exec::build_in(&plan, instr.as_ref());
            let mut given = Vec::with_capacity(targets.len());
            while let Some(r) = node.next(&mut eval)? {
                given.clear();
                for ((v, &i), from) in r.into_iter().zip(&targets).zip(&types) {
                    // An overridden identity column's value goes nowhere.
                    let Some(col) = def.columns.get(i) else {
                        given.push(None);
                        continue;
                    };
                    given.push(Some(crate::cast::cast_value(
                        v,
                        *from,
                        col.ty,
                        col.typmod,
                        false,
                        eval.style(),
                    )?));
                }
                put(&mut given, &mut eval)?;
            }
            drop(node);
            ran = Some(plan);
        }
    }
    if let Some(plan) = ran {
        keep_measured(ctx, plan);
    }
    if let Some(m) = ctx.measured.as_mut() {
        m.values = values_spent;
    }
    if !queue.is_empty() {
        super::fire_foreign_keys(ctx, &def, queue)?;
    }
    for (oid, q) in leaf_queues {
        if !q.is_empty() {
            let leaf = Arc::clone(&routing.leaves[&oid].def);
            super::fire_foreign_keys(ctx, &leaf, q)?;
        }
    }
    let mut fired: Vec<RowTriggers> = row_triggers.into_iter().chain(update_triggers).collect();
    fired.extend(leaf_triggers.into_values());
    super::trigger::fire_after_all(ctx, fired)?;
    if let Some(cols) = &upsert_sets {
        super::trigger::fire_statement(ctx, &def, TriggerDef::UPDATE, false, Some(cols))?;
    }
    super::trigger::fire_statement(ctx, &def, TriggerDef::INSERT, false, None)?;
    sink.command_complete(&format!("INSERT 0 {count}"))
}

/// An INSERT's rows as whole rows of the table's live columns (the
/// columns not given take their defaults), evaluated before any is
/// inserted: what BEFORE triggers that run in the session see.
fn source_rows(
    ctx: &mut Stmt<'_>,
    def: &TableDef,
    live: &[usize],
    targets: &[usize],
    defaults: &[Option<Expr>],
    source: Source,
) -> Result<Vec<Vec<Value>>> {
    let engine = ctx.engine();
    let mut eval = ctx.eval_ctx();
    let mut given_rows: Vec<Vec<Option<Value>>> = Vec::new();
    match source {
        Source::Values(rows) => {
            for r in rows {
                let mut given = Vec::with_capacity(r.len());
                for e in r {
                    given.push(match e {
                        Some(e) => Some(e.eval(&[], &mut eval)?),
                        None => None,
                    });
                }
                given_rows.push(given);
            }
        }
        Source::Query(plan, types) => {
            let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
            let plan = crate::planner::optimize(plan, &mut eval, &blocks, false)?;
            let mut node = exec::build(&plan);
            while let Some(r) = node.next(&mut eval)? {
                let mut given = Vec::with_capacity(targets.len());
                for ((v, &i), from) in r.into_iter().zip(targets).zip(&types) {
                    given.push(match def.columns.get(i) {
                        Some(col) => Some(crate::cast::cast_value(
                            v,
                            *from,
                            col.ty,
                            col.typmod,
                            false,
                            eval.style(),
                        )?),
                        None => None,
                    });
                }
                given_rows.push(given);
            }
        }
        Source::Instead(_) => return Err(SqlError::internal("INSTEAD OF rows in a table insert")),
    }
    let mut out = Vec::with_capacity(given_rows.len());
    for mut given in given_rows {
        let mut row = Vec::with_capacity(live.len());
        live_row(live, targets, &mut given, defaults, &mut eval, &mut row)?;
        out.push(row);
    }
    Ok(out)
}

/// An INSERT row's live-column values into `row`: given (moved, not
/// copied), else the default, else NULL.
fn live_row(
    live: &[usize],
    targets: &[usize],
    given: &mut [Option<Value>],
    defaults: &[Option<Expr>],
    eval: &mut EvalCtx<'_>,
    row: &mut Vec<Value>,
) -> Result<()> {
    for &i in live {
        let v = match targets
            .iter()
            .position(|&t| t == i)
            .and_then(|p| given.get_mut(p).and_then(Option::take))
        {
            Some(v) => v,
            None => match &defaults[i] {
                Some(d) => d.eval(&[], eval)?,
                None => Value::Null,
            },
        };
        row.push(v);
    }
    Ok(())
}

/// A bound ON CONFLICT clause.
#[derive(Clone)]
pub(super) struct Conflict {
    /// The unique indexes whose keys decide a conflict.
    arbiters: Vec<crate::catalog::IndexDef>,
    /// The arbiters were named (a conflict target or constraint), not
    /// every unique index of the table.
    named: bool,
    /// DO UPDATE: new-value expressions per live column, over the
    /// existing row then the proposed one (EXCLUDED); None: DO NOTHING.
    sets: Option<Vec<Option<Expr>>>,
    /// DO UPDATE ... WHERE.
    predicate: Option<Expr>,
}

/// Whether an INSERT's RETURNING reads each row's leaf as tableoid (the
/// target is partitioned; its scope is its live columns).
fn routed_tableoid(def: &TableDef, scope: &crate::binder::Scope) -> bool {
    def.partition_key.is_some() && scope.columns.len() == def.live().count()
}

/// A partitioned table's ON CONFLICT as one leaf runs it: its indexes on
/// the arbiters' keys. The leaf's columns must be in the table's order
/// (partitions made with PARTITION OF are).
fn leaf_conflict(c: &Conflict, leaf: &super::routing::Leaf) -> Result<Conflict> {
    if !leaf.identity {
        return Err(SqlError::unsupported(
            "INSERT ... ON CONFLICT into a partition whose columns are in another order than its parent's",
        ));
    }
    let key = |i: &crate::catalog::IndexDef| {
        (
            i.columns.clone(),
            i.exprs
                .as_ref()
                .map(|e| (e.keys.clone(), e.exprs.clone(), e.predicate.clone())),
        )
    };
    let mut arbiters = Vec::with_capacity(c.arbiters.len());
    for a in &c.arbiters {
        let Some(ix) = leaf
            .def
            .indexes
            .iter()
            .find(|i| i.unique && key(i) == key(a))
        else {
            return Err(SqlError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                "there is no unique or exclusion constraint matching the ON CONFLICT specification",
            ));
        };
        arbiters.push(ix.clone());
    }
    Ok(Conflict {
        arbiters,
        named: c.named,
        sets: c.sets.clone(),
        predicate: c.predicate.clone(),
    })
}

/// What an INSERT does with a proposed row under ON CONFLICT.
enum Upsert {
    /// No conflict: insert it.
    Insert,
    /// DO NOTHING, or DO UPDATE whose WHERE is not true.
    Skip,
    /// DO UPDATE changed the existing row to this (the second: as it
    /// was).
    Updated(Vec<Value>, Vec<Value>),
}

/// Binds `ON CONFLICT [(columns) | ON CONSTRAINT name] DO NOTHING | DO
/// UPDATE SET ... [WHERE ...]`: the arbiter indexes (the unique index on
/// exactly those columns, the named one, or every unique index for DO
/// NOTHING without a target), and SET/WHERE over the table's row and
/// EXCLUDED.
fn bind_conflict(
    b: &mut Binder<'_>,
    oc: &ast::OnConflict,
    def: &TableDef,
    scope: &crate::binder::Scope,
    defaults: &[Option<Expr>],
    sql: &str,
) -> Result<Conflict> {
    let unique: Vec<&crate::catalog::IndexDef> = def.indexes.iter().filter(|i| i.unique).collect();
    let no_match = || {
        SqlError::new(
            SqlState::INVALID_COLUMN_REFERENCE,
            "there is no unique or exclusion constraint matching the ON CONFLICT specification",
        )
    };
    let arbiters: Vec<crate::catalog::IndexDef> = match &oc.conflict_target {
        Some(ast::ConflictTarget::Columns { columns, predicate }) => {
            // A partial index is an arbiter when the target's WHERE is its
            // predicate (PostgreSQL proves implication; equality is the
            // case applications write).
            let wanted = match predicate {
                Some(p) => {
                    let e = b.expr(p, scope)?;
                    let e = b.boolean(e, "WHERE")?;
                    let names: Vec<String> = scope.columns.iter().map(|c| c.name.clone()).collect();
                    crate::deparse::Deparser {
                        columns: &names,
                        pretty: false,
                        types: None,
                        qualifiers: None,
                        special: None,
                        indent: 0,
                    }
                    .expr(&e)
                }
                None => None,
            };
            let mut attrs = Vec::with_capacity(columns.len());
            for c in columns {
                let n = crate::binder::ident(c);
                let i = def.find(&n).ok_or_else(|| {
                    SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!("column \"{n}\" does not exist"),
                    )
                })?;
                attrs.push(i);
            }
            attrs.sort_unstable();
            attrs.dedup();
            let found: Vec<crate::catalog::IndexDef> = unique
                .iter()
                .filter(|ix| {
                    let mut cols = ix.columns.clone();
                    cols.sort_unstable();
                    cols == attrs
                        && ix.exprs.as_ref().is_none_or(|x| {
                            x.keys.iter().all(Option::is_some)
                                && x.predicate.is_some()
                                && x.predicate == wanted
                        })
                })
                .map(|ix| (*ix).clone())
                .collect();
            if found.is_empty() {
                return Err(no_match());
            }
            found
        }
        Some(ast::ConflictTarget::OnConstraint(name)) => {
            let n = object_name(name).pop().unwrap_or_default();
            let ix = unique.iter().find(|ix| ix.name == n).ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!(
                        "constraint \"{n}\" for table \"{}\" does not exist",
                        def.name
                    ),
                )
            })?;
            vec![(*ix).clone()]
        }
        None => {
            if matches!(oc.action, ast::OnConflictAction::DoUpdate(_)) {
                return Err(SqlError::syntax(
                    "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                    None,
                )
                .with_hint("For example, ON CONFLICT (column_name)."));
            }
            unique.iter().map(|ix| (*ix).clone()).collect()
        }
    };
    let ast::OnConflictAction::DoUpdate(du) = &oc.action else {
        return Ok(Conflict {
            named: oc.conflict_target.is_some(),
            arbiters,
            sets: None,
            predicate: None,
        });
    };
    // The row under update, then EXCLUDED (the row proposed for insertion).
    let mut both = scope.clone();
    let excluded = table_scope(def, Some("excluded"));
    both.columns.extend(excluded.columns);
    let before = b.refuse_aggregates("aggregate functions are not allowed in UPDATE");
    let sets = bind_sets(b, &du.assignments, def, &both, defaults, sql);
    b.allow_aggregates(before);
    let sets = sets?;
    let predicate = bind_where(b, du.selection.as_ref(), &both)?;
    Ok(Conflict {
        named: oc.conflict_target.is_some(),
        arbiters,
        sets: Some(sets),
        predicate,
    })
}

/// ON CONFLICT for one proposed row (live values `row`): looks up each
/// arbiter's key (waiting for a running inserter or deleter of it); with
/// a conflict, DO NOTHING skips the row and DO UPDATE updates the
/// existing one, following it if a concurrent transaction updated it first
/// (READ COMMITTED; 40001 under REPEATABLE READ). A conflict that appears
/// between this check and the insert itself is still a 23505 (PostgreSQL's
/// speculative insertion would retry).
#[allow(clippy::too_many_arguments)]
fn upsert(
    engine: &actorgres_storage::Engine,
    def: &TableDef,
    c: &Conflict,
    row: &[Value],
    who: &Actor<'_>,
    attrs: &[row::StoredAttr],
    checks: &[RowCheck],
    eval: &mut EvalCtx<'_>,
    style: &crate::value::OutputStyle,
    read_committed: bool,
    triggers: Option<&RowTriggers>,
) -> Result<Upsert> {
    for _ in 0..1000 {
        let mut found = None;
        for ix in &c.arbiters {
            let Some((key, null)) = super::index::entry_key(def, ix, row, style)? else {
                continue;
            };
            if null {
                continue;
            }
            if let Some(tid) = engine.index_conflict(ix.rel, &key, who)? {
                found = Some(tid);
                break;
            }
        }
        let Some(tid) = found else {
            return Ok(Upsert::Insert);
        };
        let Some(sets) = &c.sets else {
            return Ok(Upsert::Skip);
        };
        let Some(existing) = engine.heap_fetch(def.rel, tid)? else {
            continue;
        };
        let twice = || {
            SqlError::new(
                SqlState::CARDINALITY_VIOLATION,
                "ON CONFLICT DO UPDATE command cannot affect row a second time",
            )
            .with_hint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
        };
        // A row this very command inserted or updated.
        let h = existing.header;
        if who.own.is_own(h.xmin) && h.cmin >= who.own.command_id() {
            return Err(twice());
        }
        let mut scratch = Vec::new();
        row::decode(attrs, &existing.data, &mut scratch)?;
        let old: Vec<Value> = def.live().map(|(i, _)| scratch[i].clone()).collect();
        let mut input = old.clone();
        input.extend(row.iter().cloned());
        if let Some(p) = &c.predicate {
            if p.eval(&input, eval)? != Value::Bool(true) {
                return Ok(Upsert::Skip);
            }
        }
        let mut new_row = old.clone();
        for (slot, e) in new_row.iter_mut().zip(sets) {
            if let Some(e) = e {
                *slot = e.eval(&input, eval)?;
            }
        }
        // BEFORE UPDATE triggers see the existing row and the update.
        if let Some(t) = triggers {
            if !t.before(Some(&mut new_row), Some(&old), eval)? {
                return Ok(Upsert::Skip);
            }
        }
        check_row(def, &mut new_row, checks, eval)?;
        let bytes = encode(def, &new_row, attrs);
        match engine.heap_update(def.rel, tid, &bytes, who)? {
            Modify::Done(new_tid) => {
                super::index::insert_entries(engine, def, &new_row, new_tid, who, style)?;
                return Ok(Upsert::Updated(new_row, old));
            }
            Modify::SelfModified => return Err(twice()),
            Modify::Updated { .. } | Modify::Deleted if !read_committed => {
                return Err(SqlError::new(
                    SqlState::SERIALIZATION_FAILURE,
                    "could not serialize access due to concurrent update",
                ))
            }
            // Changed or removed meanwhile: look for the conflict again.
            _ => continue,
        }
    }
    Err(SqlError::internal(
        "ON CONFLICT kept meeting concurrent changes",
    ))
}

/// The first table of an UPDATE/DELETE and its alias./// The first table of an UPDATE/DELETE and its alias.
fn single_table(
    t: &ast::TableWithJoins,
    what: &str,
) -> Result<(ast::ObjectName, Option<String>, bool)> {
    if !t.joins.is_empty() {
        return Err(SqlError::unsupported(format!("joins in {what}")));
    }
    match &t.relation {
        ast::TableFactor::Table {
            name,
            alias,
            inheritance,
            ..
        } => Ok((
            name.clone(),
            alias.as_ref().map(|a| ident(&a.name)),
            matches!(inheritance, Some(ast::TableInheritance::Only { .. })),
        )),
        other => Err(SqlError::unsupported(format!("{what} of {other}"))),
    }
}

/// Binds UPDATE's FROM or DELETE's USING: their plan and width, with
/// `scope` (the target's columns) extended by a hidden tuple-id column
/// and their columns, as the joined rows carry them.
pub(super) fn join_scope(
    b: &mut Binder<'_>,
    items: Option<&[ast::TableWithJoins]>,
    scope: &mut crate::binder::Scope,
) -> Result<Option<(Plan, usize)>> {
    let Some(items) = items.filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    let (plan, other) = b.from(items)?;
    scope.columns.push(crate::binder::ScopeColumn {
        table: None,
        name: "?tid?".into(),
        ty: crate::types::DataType::Int8,
        typmod: -1,
        table_oid: 0,
        attnum: 0,
        hidden: true,
        scalar: false,
    });
    let width = other.columns.len();
    scope.columns.extend(other.columns);
    Ok(Some((plan, width)))
}

/// What UPDATE/DELETE do to each row they find.
#[derive(Clone)]
pub(super) enum Change {
    /// UPDATE: new value expressions per live column (None: unchanged)
    /// and the CHECK constraints the new row must pass.
    Update(Vec<Option<Expr>>, Vec<RowCheck>),
    /// DELETE.
    Delete,
}

/// What [`modify_rows`] does to the rows it finds.
pub(super) enum Actions<'a> {
    /// The same change to every row (UPDATE, DELETE).
    Each(&'a Change),
    /// MERGE: each matched row's first WHEN MATCHED clause that holds;
    /// source rows without a target row go to its WHEN NOT MATCHED
    /// clauses.
    Merge(&'a mut super::merge::MergeRun),
}

/// The shared row loop of UPDATE, DELETE and MERGE: scan, filter, change each
/// row, following concurrent updates per rule 3; RETURNING rows go to
/// `sink` after their RowDescription.
///
/// `part` is set when the rows are a partition's read through its
/// partitioned parent: the map from the partition's columns to the
/// parent's (None: the same), and the partition constraint a changed row
/// must keep.
#[allow(clippy::too_many_arguments)]
pub(super) fn modify_rows(
    ctx: &mut Stmt<'_>,
    def: &Arc<TableDef>,
    from: Option<(Plan, usize)>,
    predicate: Option<Expr>,
    mut actions: Actions<'_>,
    ret_list: Option<&(Vec<Expr>, Vec<OutputColumn>)>,
    verb: &str,
    part: (
        Option<&[usize]>,
        Option<&super::partition::PartitionCheck>,
        Option<&super::routing::Routing>,
        usize,
    ),
    sink: &mut dyn ResultSink,
) -> Result<Modified> {
    let ret = ret_list
        .map(|(exprs, cols)| sink.row_description(cols).map(|()| exprs))
        .transpose()?;
    let xid = ctx.write_xid(verb)?;
    let (map, pcheck, mover, member) = part;
    // Row triggers (MERGE fires none yet); a member table whose columns
    // are laid out differently from the scan's has its rows mapped,
    // which the triggers do not follow yet.
    let mut triggers = match &actions {
        Actions::Each(change) => {
            let (event, updated) = change.event(def);
            RowTriggers::bind(ctx, def, event, updated.as_deref())?
        }
        Actions::Merge(_) => None,
    };
    let engine = ctx.engine();
    let policy = ctx.policy();
    let pid = ctx.info.pid;
    let isolation = ctx.txn.isolation;
    let attrs = def.stored();
    let width = def.live().count();
    let cid = ctx.txn.cid;
    // A child table's own columns are not in the scan: its stored row
    // gives them.
    let partial = map.is_some_and(|m| m.contains(&usize::MAX));
    let identity: Vec<usize> = (0..width).collect();
    let merge_plan = match &mut actions {
        Actions::Merge(run) => run.plan.take(),
        Actions::Each(_) => None,
    };
    let mut plan = match (map, member) {
        _ if merge_plan.is_some() => merge_plan.unwrap_or(Plan::Values(Vec::new())),
        (None, 0) => source_plan(def, from, predicate.as_ref()),
        (m, k) => {
            let scan = partition_scan(def, m.unwrap_or(&identity), width, k);
            source_plan_over(scan, width, from, predicate.as_ref())
        }
    };
    // BEFORE ROW triggers whose bodies change data run at statement
    // level: the rows are found first, each goes through the triggers in
    // the session, and the rows they keep are changed as they left them.
    let mut decided: Option<Change> = None;
    if let (Some(t), Actions::Each(change), None) = (&mut triggers, &actions, map) {
        if t.before_needs_session() {
            let (rows, sets) = before_in_session(ctx, t, change, plan, width)?;
            t.skip_before();
            plan = Plan::Values(
                rows.into_iter()
                    .map(|r| {
                        r.into_iter()
                            .map(|v| Expr::constant(v, DataType::Unknown))
                            .collect()
                    })
                    .collect(),
            );
            decided = sets.map(|s| match change {
                Change::Update(_, checks) => Change::Update(s, checks.clone()),
                Change::Delete => Change::Delete,
            });
        }
    }
    let style = ctx.style;
    let instr = ctx.measured.as_ref().map(|m| m.instr.clone());
    let (mut eval, own) = ctx.eval_and_txn();
    let actor = Actor {
        xid,
        backend: pid,
        own,
        wait: policy,
    };
    let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
    let plan = Box::new(crate::planner::optimize(plan, &mut eval, &blocks, false)?);
    let mut node = exec::build_in(&plan, instr.as_ref());
    let mut count = 0u64;
    let mut queue = super::RiQueue::default();
    let mut scratch = Vec::new();
    let stored_row = |tid: actorgres_storage::page::Tid,
                      scratch: &mut Vec<Value>|
     -> Result<Option<Vec<Value>>> {
        if !partial {
            return Ok(None);
        }
        let Some(t) = engine.heap_fetch(def.rel, tid)? else {
            return Ok(None);
        };
        row::decode(&attrs, &t.data, scratch)?;
        Ok(Some(def.live().map(|(i, _)| scratch[i].clone()).collect()))
    };
    while let Some(mut row) = node.next(&mut eval)? {
        let tid_v = row.get(width).cloned().unwrap_or(Value::Null);
        if let (Actions::Merge(run), Value::Null) = (&mut actions, &tid_v) {
            run.not_matched(&row, &mut eval)?;
            continue;
        }
        let mut tid = tid_of(&tid_v).ok_or_else(|| SqlError::internal("scan without tid"))?;
        let mut chosen = match &actions {
            Actions::Each(_) => None,
            Actions::Merge(run) => match run.choose(&row, &mut eval)? {
                Some(k) => Some(k),
                None => continue,
            },
        };
        loop {
            let change: &Change = match (&actions, chosen) {
                (Actions::Each(c), _) => decided.as_ref().unwrap_or(c),
                (Actions::Merge(run), Some(k)) => match &run.matched[k].1 {
                    Some(c) => c,
                    None => break,
                },
                (Actions::Merge(_), None) => break,
            };
            let old_full = stored_row(tid, &mut scratch)?;
            // An UPDATE through a partitioned table whose new row leaves
            // its partition moves it: deleted here, inserted where the
            // partitioned table routes it.
            let mut moving = false;
            // The new row in the member table's layout, when it differs
            // from the scan's.
            let mut member_new: Option<Vec<Value>> = None;
            let (result, mut new_row) = match change {
                Change::Delete => {
                    if let Some(t) = &triggers {
                        // The member table's row, as its triggers see it.
                        let old = member_row(&row[..width], map, old_full.as_deref());
                        if !t.before(None, Some(&old), &mut eval)? {
                            break;
                        }
                    }
                    (engine.heap_delete(def.rel, tid, &actor)?, row.clone())
                }
                Change::Update(sets, checks) => {
                    let mut new_row = row.clone();
                    for (slot, e) in new_row.iter_mut().zip(sets) {
                        if let Some(e) = e {
                            *slot = e.eval(&row, &mut eval)?;
                        }
                    }
                    if let Some(m) = map {
                        let mut leaf_row =
                            member_row(&new_row[..width], map, old_full.as_deref()).into_owned();
                        if let Some(t) = &triggers {
                            let old = member_row(&row[..width], map, old_full.as_deref());
                            if !t.before(Some(&mut leaf_row), Some(&old), &mut eval)? {
                                break;
                            }
                        }
                        check_row(def, &mut leaf_row, checks, &mut eval)?;
                        let back = super::partition::unmap_row(m, &leaf_row, width);
                        new_row[..width].clone_from_slice(&back);
                        member_new = Some(leaf_row);
                    } else {
                        if let Some(t) = &triggers {
                            let (new, old) = (&mut new_row[..width], &row[..width]);
                            if !t.before(Some(new), Some(old), &mut eval)? {
                                break;
                            }
                        }
                        check_row(def, &mut new_row[..width], checks, &mut eval)?;
                    }
                    let leaf_new: &[Value] = member_new.as_deref().unwrap_or(&new_row[..width]);
                    // Through the partitioned table: the row moves when
                    // it now routes to another partition (23514 when to
                    // none); a partition changed directly keeps its bound.
                    match (mover.and_then(|m| m.router.as_ref()), pcheck) {
                        (Some(router), own) => {
                            // The partitioned table's own bound, when it is
                            // a partition itself.
                            if let Some(pc) = own {
                                pc.check(&new_row[..width], style)?;
                            }
                            let (to, _) = router.route(new_row[..width].to_vec(), style)?;
                            moving = to.oid != def.oid;
                        }
                        (None, Some(pc)) => pc.check(leaf_new, style)?,
                        (None, None) => {}
                    }
                    if moving {
                        (engine.heap_delete(def.rel, tid, &actor)?, new_row)
                    } else {
                        let bytes = encode(def, leaf_new, &attrs);
                        (engine.heap_update(def.rel, tid, &bytes, &actor)?, new_row)
                    }
                }
            };
            match result {
                Modify::Done(_) if moving => {
                    queue.deleted(def, &member_row(&row[..width], map, old_full.as_deref()));
                    if let Some(routing) = mover {
                        move_row(
                            engine,
                            routing,
                            &mut new_row,
                            width,
                            xid,
                            cid,
                            &actor,
                            &mut eval,
                        )?;
                    }
                    count += 1;
                    if let Some(exprs) = ret {
                        returning(exprs, &new_row, &mut eval, sink)?;
                    }
                    break;
                }
                Modify::Done(new_tid) => {
                    let old_leaf = member_row(&row[..width], map, old_full.as_deref());
                    if matches!(change, Change::Update(..)) {
                        let leaf_new: &[Value] = member_new.as_deref().unwrap_or(&new_row[..width]);
                        super::index::insert_entries(
                            engine, def, leaf_new, new_tid, &actor, style,
                        )?;
                        queue.updated(def, &old_leaf, leaf_new)?;
                        if let Some(t) = &mut triggers {
                            t.after(Some(leaf_new), Some(&old_leaf), &mut eval)?;
                        }
                    } else {
                        queue.deleted(def, &old_leaf);
                        if let Some(t) = &mut triggers {
                            t.after(None, Some(&old_leaf), &mut eval)?;
                        }
                    }
                    count += 1;
                    if let Some(exprs) = ret {
                        returning(exprs, &new_row, &mut eval, sink)?;
                    }
                    break;
                }
                Modify::SelfModified if matches!(actions, Actions::Merge(_)) => {
                    return Err(super::merge::twice());
                }
                Modify::Invisible | Modify::SelfModified => break,
                Modify::Deleted => {
                    if !isolation.snapshot_per_statement() {
                        return Err(SqlError::new(
                            SqlState::SERIALIZATION_FAILURE,
                            "could not serialize access due to concurrent delete",
                        ));
                    }
                    break;
                }
                Modify::Updated { next, xmax } => {
                    if !isolation.snapshot_per_statement() {
                        return Err(SqlError::new(
                            SqlState::SERIALIZATION_FAILURE,
                            "could not serialize access due to concurrent update",
                        ));
                    }
                    // EvalPlanQual: the newest version, if WHERE still holds.
                    let Some(newer) = engine.heap_fetch(def.rel, next)? else {
                        break;
                    };
                    if newer.header.xmin != xmax {
                        break;
                    }
                    row::decode(&attrs, &newer.data, &mut scratch)?;
                    let mut live: Vec<Value> =
                        def.live().map(|(i, _)| scratch[i].clone()).collect();
                    if let Some(m) = map {
                        live = super::partition::unmap_row(m, &live, width);
                    }
                    live.push(crate::table::tid_value(next));
                    live.extend(row.drain(width + 1..));
                    let still = match &predicate {
                        Some(p) => p.eval(&live, &mut eval)? == Value::Bool(true),
                        None => true,
                    };
                    if !still {
                        break;
                    }
                    // MERGE: the clause is chosen again for the newest
                    // version.
                    if let Actions::Merge(run) = &actions {
                        chosen = run.choose(&live, &mut eval)?;
                    }
                    row = live;
                    tid = next;
                }
            }
        }
        if count.is_multiple_of(1024) {
            eval.check_interrupts()?;
        }
    }
    drop(node);
    drop(eval);
    keep_measured(ctx, plan);
    Ok(Modified {
        count,
        queue,
        triggers,
    })
}

/// The rows BEFORE triggers kept, and the SET that reads their new values.
type KeptRows = (Vec<Vec<Value>>, Option<Vec<Option<Expr>>>);

/// The rows an UPDATE or DELETE finds (`plan`'s, the table's `width`
/// columns first), each through the BEFORE ROW triggers at statement
/// level: the rows they keep, an UPDATE's with the new values appended,
/// and for an UPDATE the SET that reads those values.
fn before_in_session(
    ctx: &mut Stmt<'_>,
    triggers: &RowTriggers,
    change: &Change,
    plan: Plan,
    width: usize,
) -> Result<KeptRows> {
    let engine = ctx.engine();
    let found = {
        let mut eval = ctx.eval_ctx();
        let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
        let plan = crate::planner::optimize(plan, &mut eval, &blocks, false)?;
        let mut node = exec::build(&plan);
        let mut rows = Vec::new();
        while let Some(r) = node.next(&mut eval)? {
            rows.push(r);
        }
        rows
    };
    let mut kept = Vec::with_capacity(found.len());
    let mut types: Vec<(DataType, i32)> = Vec::new();
    for mut row in found {
        match change {
            Change::Delete => {
                if triggers.before_in_session(ctx, None, Some(&row[..width]))? {
                    kept.push(row);
                }
            }
            Change::Update(sets, _) => {
                let mut new_row = row[..width].to_vec();
                {
                    let mut eval = ctx.eval_ctx();
                    for (slot, e) in new_row.iter_mut().zip(sets) {
                        if let Some(e) = e {
                            *slot = e.eval(&row, &mut eval)?;
                        }
                    }
                }
                if types.is_empty() {
                    types = sets
                        .iter()
                        .map(|e| {
                            e.as_ref()
                                .map_or((DataType::Unknown, -1), |e| (e.ty, e.typmod))
                        })
                        .collect();
                }
                let old = row[..width].to_vec();
                if triggers.before_in_session(ctx, Some(&mut new_row), Some(&old))? {
                    row.extend(new_row);
                    kept.push(row);
                }
            }
        }
    }
    let sets = match change {
        Change::Delete => None,
        Change::Update(..) => {
            let at = kept.first().map_or(0, |r| r.len() - width);
            Some(
                (0..width)
                    .map(|k| {
                        let (ty, typmod) = types.get(k).copied().unwrap_or((DataType::Unknown, -1));
                        Some(Expr {
                            kind: ExprKind::Column(at + k),
                            ty,
                            typmod,
                            pos: None,
                        })
                    })
                    .collect(),
            )
        }
    };
    Ok((kept, sets))
}

/// What [`modify_rows`] did: the rows it changed, the foreign-key checks
/// and the AFTER ROW triggers they queued.
pub(super) struct Modified {
    pub(super) count: u64,
    pub(super) queue: super::RiQueue,
    pub(super) triggers: Option<RowTriggers>,
}

impl Modified {
    /// Runs the queued foreign-key checks, then the AFTER ROW triggers;
    /// the row count.
    pub(super) fn finish(self, ctx: &mut Stmt<'_>, def: &Arc<TableDef>) -> Result<u64> {
        if !self.queue.is_empty() {
            super::fire_foreign_keys(ctx, def, self.queue)?;
        }
        if let Some(t) = self.triggers {
            t.fire_after(ctx)?;
        }
        Ok(self.count)
    }
}

impl Change {
    /// The trigger event of the change, with the attribute indexes an
    /// UPDATE sets.
    fn event(&self, def: &TableDef) -> (i16, Option<Vec<usize>>) {
        match self {
            Change::Delete => (TriggerDef::DELETE, None),
            Change::Update(sets, _) => (
                TriggerDef::UPDATE,
                Some(
                    def.live()
                        .zip(sets)
                        .filter(|(_, s)| s.is_some())
                        .map(|((i, _), _)| i)
                        .collect(),
                ),
            ),
        }
    }
}

/// Keeps a source plan that ran measured (EXPLAIN ANALYZE) to be printed.
fn keep_measured(ctx: &mut Stmt<'_>, plan: Box<Plan>) {
    if let Some(m) = ctx.measured.as_mut() {
        m.plans.push(plan);
    }
}

/// A row of the scan's layout (its first `width` values) in the member
/// table's layout: the same slice when `map` is None (the layouts agree),
/// else mapped, the member's own columns (those the scan lacks) taken
/// from its stored row `old`.
fn member_row<'r>(
    row: &'r [Value],
    map: Option<&[usize]>,
    old: Option<&[Value]>,
) -> std::borrow::Cow<'r, [Value]> {
    let Some(m) = map else {
        return std::borrow::Cow::Borrowed(row);
    };
    std::borrow::Cow::Owned(
        m.iter()
            .enumerate()
            .map(|(j, &p)| match row.get(p) {
                Some(v) if p != usize::MAX => v.clone(),
                _ => old.and_then(|o| o.get(j)).cloned().unwrap_or(Value::Null),
            })
            .collect(),
    )
}

/// Inserts an updated row that left its partition where the partitioned
/// table routes it (`row`: the partitioned table's layout, first `width`
/// values; generated columns computed by the new partition are copied
/// back into it).
#[allow(clippy::too_many_arguments)]
fn move_row(
    engine: &actorgres_storage::Engine,
    routing: &super::routing::Routing,
    row: &mut [Value],
    width: usize,
    xid: u32,
    cid: u32,
    actor: &Actor<'_>,
    eval: &mut EvalCtx<'_>,
) -> Result<()> {
    let Some(router) = &routing.router else {
        return Ok(());
    };
    let (leaf, mut leaf_row) = router.route(row[..width].to_vec(), eval.style())?;
    let target = routing
        .leaves
        .get(&leaf.oid)
        .ok_or_else(|| SqlError::internal("a routed row's partition is unknown"))?;
    if !target.def.foreign_keys.is_empty() {
        return Err(SqlError::unsupported(
            "moving a row into a partition with foreign keys",
        ));
    }
    target.insert(engine, &mut leaf_row, (xid, cid), actor, eval)?;
    let back = super::partition::unmap_row(&target.map, &leaf_row, width);
    row[..width].clone_from_slice(&back);
    Ok(())
}

/// The rows an UPDATE or DELETE visits: the target's scan with tuple ids
/// (its live columns, then the tuple id), filtered by WHERE, or joined
/// on it with FROM / USING (whose columns follow).
fn source_plan(def: &Arc<TableDef>, from: Option<(Plan, usize)>, predicate: Option<&Expr>) -> Plan {
    let scan = Plan::SeqScan {
        table: Arc::clone(def),
        with_tid: true,
        needed: None,
        alias: None,
    };
    source_plan_over(scan, def.live().count(), from, predicate)
}

/// A partition's rows with tuple ids, its columns put in its parent's
/// order (`map` as [`super::partition::column_map`]).
pub(super) fn partition_scan(
    leaf: &Arc<TableDef>,
    map: &[usize],
    width: usize,
    member: usize,
) -> Plan {
    let leaf_cols: Vec<(crate::types::DataType, i32)> =
        leaf.live().map(|(_, c)| (c.ty, c.typmod)).collect();
    let mut exprs: Vec<Expr> = (0..width)
        .map(|p| match map.iter().position(|&m| m == p) {
            Some(j) => Expr {
                kind: crate::expr::ExprKind::Column(j),
                ty: leaf_cols[j].0,
                typmod: leaf_cols[j].1,
                pos: None,
            },
            None => Expr::constant(Value::Null, crate::types::DataType::Text),
        })
        .collect();
    exprs.push(super::partition::member_tid(leaf_cols.len(), member));
    Plan::Project {
        input: Box::new(Plan::SeqScan {
            table: Arc::clone(leaf),
            with_tid: true,
            needed: None,
            alias: None,
        }),
        exprs,
    }
}

/// [`source_plan`] over a given scan of `width` columns and a tuple id.
fn source_plan_over(
    scan: Plan,
    width: usize,
    from: Option<(Plan, usize)>,
    predicate: Option<&Expr>,
) -> Plan {
    match (from, predicate) {
        (Some((other, other_width)), p) => {
            let (keys, on) =
                crate::binder::split_equi_keys(p.iter().copied().cloned().collect(), width + 1);
            Plan::Join {
                left: Box::new(scan),
                right: Box::new(other),
                kind: crate::plan::JoinKind::Inner,
                keys,
                on,
                right_width: other_width,
                left_width: width + 1,
                merge: false,
            }
        }
        (None, Some(p)) => Plan::Filter {
            input: Box::new(scan),
            predicate: p.clone(),
        },
        (None, None) => scan,
    }
}

/// EXPLAIN of a bound UPDATE or DELETE: `Update on t` / `Delete on t`
/// over the plan of the rows it visits, as PostgreSQL prints it.
pub fn explain_modify(ctx: &mut Stmt<'_>, bound: BoundModify) -> Result<Vec<String>> {
    let verb = match bound.change {
        Change::Update(..) => "Update",
        Change::Delete => "Delete",
    };
    let plan = source_plan(&bound.def, bound.from, bound.predicate.as_ref());
    let engine = ctx.engine();
    let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
    let mut plan = crate::planner::optimize(plan, &mut ctx.eval_ctx(), &blocks, false)?;
    exec::explain::name_relations(&mut plan);
    Ok(nest_under(
        format!("{verb} on {}", bound.def.name),
        exec::explain::lines(&plan, None),
    ))
}

/// EXPLAIN of a bound INSERT: `Insert on t` over `Result` (one VALUES
/// row), `Values Scan on "*VALUES*"` (several) or the query's plan, with
/// ON CONFLICT's resolution and arbiter indexes, as PostgreSQL prints it.
pub fn explain_insert(ctx: &mut Stmt<'_>, bound: BoundInsert) -> Result<Vec<String>> {
    let child = match bound.source {
        Source::Values(rows) if rows.len() == 1 => vec!["Result".to_owned()],
        Source::Values(_) => vec!["Values Scan on \"*VALUES*\"".to_owned()],
        Source::Query(plan, _) => {
            let engine = ctx.engine();
            let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
            let mut plan = crate::planner::optimize(plan, &mut ctx.eval_ctx(), &blocks, false)?;
            exec::explain::name_relations(&mut plan);
            exec::explain::lines(&plan, None)
        }
        Source::Instead(_) => {
            return Err(SqlError::unsupported(
                "EXPLAIN of INSERT into a view with INSTEAD OF triggers",
            ))
        }
    };
    let mut lines = nest_under(format!("Insert on {}", bound.def.name), child);
    if let Some(c) = &bound.conflict {
        let resolution = if c.sets.is_some() {
            "UPDATE"
        } else {
            "NOTHING"
        };
        let mut extra = vec![format!("  Conflict Resolution: {resolution}")];
        if c.named && !c.arbiters.is_empty() {
            let names: Vec<&str> = c.arbiters.iter().map(|ix| ix.name.as_str()).collect();
            extra.push(format!("  Conflict Arbiter Indexes: {}", names.join(", ")));
        }
        lines.splice(1..1, extra);
    }
    Ok(lines)
}

/// EXPLAIN ANALYZE of INSERT, UPDATE or DELETE: the statement runs (its
/// changes stay, as in PostgreSQL; RETURNING rows are counted, not sent)
/// with the plans that feed it measured, and prints PostgreSQL's
/// `Update on t (actual ... rows=<returned> loops=1)` over them (an
/// INSERT's VALUES as `Result` or `Values Scan on "*VALUES*"` with the
/// time its rows took to evaluate).
/// Returns the lines, the time binding took and the time the run took.
pub fn explain_analyze_change(
    ctx: &mut Stmt<'_>,
    stmt: &ast::Statement,
) -> Result<(Vec<String>, std::time::Duration, std::time::Duration)> {
    let mut sink = crate::result::CollectSink::default();
    let binding = std::time::Instant::now();
    let mut started = binding;
    let mut measure = |ctx: &mut Stmt<'_>| {
        ctx.measured = Some(Default::default());
        started = std::time::Instant::now();
    };
    let (verb, name, ran) = match stmt {
        ast::Statement::Insert(i) => {
            let bound = bind_insert(ctx, i)?;
            let name = bound.def.name.clone();
            measure(ctx);
            ("Insert", name, run_insert(ctx, bound, &mut sink))
        }
        ast::Statement::Update(u) => {
            let bound = bind_update(ctx, u)?;
            let name = bound.def.name.clone();
            measure(ctx);
            ("Update", name, run_modify(ctx, bound, &mut sink))
        }
        ast::Statement::Delete(d) => {
            let bound = bind_delete(ctx, d)?;
            let name = bound.def.name.clone();
            measure(ctx);
            ("Delete", name, run_modify(ctx, bound, &mut sink))
        }
        _ => {
            return Err(SqlError::internal(
                "EXPLAIN ANALYZE of a statement that changes no rows",
            ))
        }
    };
    let elapsed = started.elapsed();
    let planning = started.duration_since(binding);
    let mut measured = ctx.measured.take().unwrap_or_default();
    ran?;
    let returned = sink
        .events
        .iter()
        .filter(|e| matches!(e, crate::result::Event::Row(_)))
        .count();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let header = format!(
        "{verb} on {name} (actual time={:.3}..{:.3} rows={returned} loops=1)",
        ms(elapsed),
        ms(elapsed)
    );
    let stats = measured.instr.borrow().clone();
    let mut children = Vec::new();
    for plan in &mut measured.plans {
        exec::explain::name_relations(plan);
        children.push(exec::explain::lines(plan, Some(&stats)));
    }
    if let Some((first, all, rows)) = measured.values {
        let label = if rows == 1 {
            "Result"
        } else {
            "Values Scan on \"*VALUES*\""
        };
        children.push(vec![format!(
            "{label} (actual time={:.3}..{:.3} rows={rows} loops=1)",
            ms(first),
            ms(all)
        )]);
    }
    let mut lines = vec![header];
    for child in children {
        lines.extend(nest_under(String::new(), child).into_iter().skip(1));
    }
    Ok((lines, planning, elapsed))
}

/// `header` with `child`'s EXPLAIN lines as its one input.
pub(crate) fn nest_under(header: String, child: Vec<String>) -> Vec<String> {
    let mut out = vec![header];
    for (i, l) in child.into_iter().enumerate() {
        out.push(if i == 0 {
            format!("  ->  {l}")
        } else {
            format!("      {l}")
        });
    }
    out
}

/// An UPDATE or DELETE bound to its table: what [`run_modify`] needs,
/// and what a prepared statement keeps between executions.
#[derive(Clone)]
pub struct BoundModify {
    /// The target table.
    pub(super) def: Arc<TableDef>,
    /// FROM (UPDATE) or USING (DELETE): its plan and width.
    pub(super) from: Option<(Plan, usize)>,
    /// WHERE.
    pub(super) predicate: Option<Expr>,
    /// What happens to each row.
    pub(super) change: Change,
    /// RETURNING expressions and their columns.
    pub(super) ret: Option<(Vec<Expr>, Vec<OutputColumn>)>,
    /// ONLY: not the tables inheriting from it.
    pub(super) only: bool,
    /// A view's rows for its INSTEAD OF triggers (instead.rs).
    pub(super) instead: Option<Box<super::instead::Instead>>,
}

impl BoundModify {
    /// The RETURNING columns, if any.
    pub fn columns(&self) -> Option<&[OutputColumn]> {
        self.ret.as_ref().map(|(_, c)| c.as_slice())
    }
}

/// UPDATE t SET ... [WHERE ...] [RETURNING ...].
pub fn update(ctx: &mut Stmt<'_>, upd: &ast::Update, sink: &mut dyn ResultSink) -> Result<()> {
    let bound = bind_update(ctx, upd)?;
    run_modify(ctx, bound, sink)
}

/// Binds an UPDATE: its table (locked), FROM, SET, WHERE and RETURNING.
pub fn bind_update(ctx: &mut Stmt<'_>, upd: &ast::Update) -> Result<BoundModify> {
    let (name, alias, only) = single_table(&upd.table, "UPDATE")?;
    let target = open_target(ctx, &name)?;
    check_columns(
        ctx,
        &target,
        crate::acl::UPDATE,
        &assigned_columns(&upd.assignments),
    )?;
    if let Some(bound) = super::instead::bind_update(ctx, upd, (&name, &target), alias.as_deref())?
    {
        return Ok(bound);
    }
    let (def, view) = super::view_dml::dml_target(ctx, target, "UPDATE")?;
    let mut scope = match &view {
        Some(v) => v.scope(alias.as_deref()),
        None => table_scope(&def, alias.as_deref()),
    };
    let from_items = match &upd.from {
        Some(ast::UpdateTableFromKind::AfterSet(t) | ast::UpdateTableFromKind::BeforeSet(t)) => {
            Some(t.as_slice())
        }
        None => None,
    };
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let mut checks = checks(&def, &style)?;
    if let Some(v) = &view {
        checks.extend(v.row_checks());
    }
    let defaults = defaults(&def, &style, &mut CatalogTables(ctx.catalog()))?;
    let current = current_of(ctx, &def, upd.selection.as_ref())?;
    // SET col = DEFAULT through a view is the view column's default:
    // NULL (views have none here), as PostgreSQL's rewriteTargetView.
    let view_defaults = view.as_ref().map(|v| vec![None; v.view.columns.len()]);
    let readable = match &view {
        None => ctx.target_readable(&def)?,
        Some(_) => None,
    };
    let mut b = ctx.binder();
    if let Some(cols) = readable {
        b.restrict(def.oid, &def.name, cols);
    }
    let from = join_scope(&mut b, from_items, &mut scope)?;
    let before = b.refuse_aggregates("aggregate functions are not allowed in UPDATE");
    let sets = match (&view, &view_defaults) {
        (Some(v), Some(d)) => bind_sets(&mut b, &upd.assignments, &v.view, &scope, d, sql),
        _ => bind_sets(&mut b, &upd.assignments, &def, &scope, &defaults, sql),
    };
    b.allow_aggregates(before);
    let mut sets = sets?;
    let mut predicate = match current {
        Some(_) if view.is_some() => {
            return Err(SqlError::unsupported("WHERE CURRENT OF through a view"))
        }
        Some(tid) => Some(tid_is(&mut b, &def, tid)?),
        None => bind_where(&mut b, upd.selection.as_ref(), &scope)?,
    };
    let mut ret = bind_returning(&mut b, upd.returning.as_ref(), &scope)?;
    ctx.param_types = b.into_params();
    if let Some(v) = &view {
        let mut base_sets = vec![None; def.live().count()];
        for (i, e) in sets.into_iter().enumerate() {
            if let Some(e) = e {
                let j = v
                    .base_column(i)
                    .ok_or_else(|| v.not_updatable(i, "UPDATE"))?;
                base_sets[j] = Some(v.rewrite(e)?);
            }
        }
        sets = base_sets;
        predicate = v.predicate(predicate)?;
        ret = rewrite_returning(v, ret)?;
    }
    Ok(BoundModify {
        def,
        from,
        predicate,
        change: Change::Update(sets, checks),
        ret,
        only,
        instead: None,
    })
}

/// Runs a bound UPDATE or DELETE.
pub fn run_modify(ctx: &mut Stmt<'_>, bound: BoundModify, sink: &mut dyn ResultSink) -> Result<()> {
    if let Some(i) = &bound.instead {
        return super::instead::run(ctx, i, bound.ret.as_ref(), sink);
    }
    let verb = match bound.change {
        Change::Update(..) => "UPDATE",
        Change::Delete => "DELETE",
    };
    let (event, updated) = bound.change.event(&bound.def);
    super::trigger::fire_statement(ctx, &bound.def, event, true, updated.as_deref())?;
    let routing = super::routing::Routing::new(ctx, &bound.def)?;
    if !bound.def.inheritors.is_empty() && !bound.only {
        return modify_inherited(ctx, bound, verb, sink);
    }
    if routing.router.is_none() {
        let done = modify_rows(
            ctx,
            &bound.def,
            bound.from,
            bound.predicate,
            Actions::Each(&bound.change),
            bound.ret.as_ref(),
            verb,
            (None, routing.check.as_ref(), None, 0),
            sink,
        )?;
        let count = done.finish(ctx, &bound.def)?;
        super::trigger::fire_statement(ctx, &bound.def, event, false, updated.as_deref())?;
        return sink.command_complete(&format!("{verb} {count}"));
    }
    // A partitioned table: each leaf in turn, its rows in the parent's
    // layout, each changed row kept within its partition or moved.
    let leaves: Vec<(Arc<TableDef>, Vec<usize>)> = routing
        .router
        .as_ref()
        .map(|r| r.leaves())
        .unwrap_or_default();
    let mut members = Vec::with_capacity(leaves.len());
    for (leaf, map) in leaves {
        let Some(target) = routing.leaves.get(&leaf.oid) else {
            continue;
        };
        let change = match &bound.change {
            Change::Update(sets, _) => Change::Update(sets.clone(), target.checks.clone()),
            Change::Delete => Change::Delete,
        };
        members.push((leaf, (!target.identity).then_some(map), change));
    }
    modify_members(ctx, &bound, verb, members, Some(&routing), sink)
}

/// SET assignments: a new-value expression per live column (None: kept),
/// bound over `scope`; DEFAULT is the column default.
pub(super) fn bind_sets(
    b: &mut Binder<'_>,
    assignments: &[ast::Assignment],
    def: &TableDef,
    scope: &crate::binder::Scope,
    defaults: &[Option<Expr>],
    sql: &str,
) -> Result<Vec<Option<Expr>>> {
    let live: Vec<usize> = def.live().map(|(i, _)| i).collect();
    let mut sets: Vec<Option<Expr>> = vec![None; live.len()];
    // Columns assigned by subscript so far: more may follow.
    let mut subscripted = vec![false; live.len()];
    let assignments = expand_tuples(b, assignments)?;
    for a in &assignments {
        let ast::AssignmentTarget::ColumnName(col) = &a.target else {
            return Err(SqlError::unsupported("assigning to a column tuple"));
        };
        if let Some((i, field)) = field_target(def, col) {
            // SET c.f = v: into the column's value, or into what an
            // earlier SET c.g made of it.
            let slot = live.iter().position(|&l| l == i).unwrap_or(0);
            let c = &def.columns[i];
            let base = partial_base(&mut sets, &subscripted, slot, c)?;
            let value = b.expr(&a.value, scope)?;
            let pos = col
                .0
                .first()
                .and_then(|p| p.as_ident())
                .and_then(|id| crate::parser::char_position(sql, id.span.start));
            let declared = c.domain.map_or(c.ty, DataType::Domain);
            let stored = field_store(b, base, (c.ty, declared), (&c.name, &field), value)
                .map_err(|e| e.at(pos))?;
            sets[slot] = Some(stored);
            subscripted[slot] = true;
            continue;
        }
        let (i, n, pos) = target_column(def, col, sql)?;
        let slot = live.iter().position(|&l| l == i).unwrap_or(0);
        if let Some((target, value)) = crate::parser::assign::marked(&a.value) {
            // SET a[i] = v: into the column's value, or into what an
            // earlier SET a[j] made of it.
            let base = partial_base(&mut sets, &subscripted, slot, &def.columns[i])?;
            sets[slot] = Some(subscript_assign(
                b,
                target,
                value,
                base,
                (def, i, pos),
                scope,
            )?);
            subscripted[slot] = true;
            continue;
        }
        if sets[slot].is_some() {
            return Err(SqlError::new(
                SqlState::SYNTAX_ERROR,
                format!("multiple assignments to same column \"{n}\""),
            ));
        }
        let e = if is_default(&a.value) {
            defaults[i]
                .clone()
                .unwrap_or_else(|| Expr::constant(Value::Null, def.columns[i].ty))
        } else {
            if def.columns[i].generated {
                return Err(SqlError::new(
                    SqlState::GENERATED_ALWAYS,
                    format!("column \"{n}\" can only be updated to DEFAULT"),
                )
                .with_detail(format!("Column \"{n}\" is a generated column.")));
            }
            if def.columns[i].identity == Some('a') {
                return Err(SqlError::new(
                    SqlState::GENERATED_ALWAYS,
                    format!("column \"{n}\" can only be updated to DEFAULT"),
                )
                .with_detail(format!(
                    "Column \"{n}\" is an identity column defined as GENERATED ALWAYS."
                )));
            }
            let bound = b.expr(&a.value, scope)?;
            assign(b, bound, def, i)?
        };
        sets[slot] = Some(e);
    }
    Ok(sets)
}

/// `SET (a, b) = (x, y)`, `= ROW(x, y)` or `= (SELECT x, y ...)` as one
/// assignment per column; a sub-SELECT is read once per column
/// (`(SELECT c2 FROM (sub-select) AS s (c1, c2))`), with its 21000 for
/// more than one row as PostgreSQL's.
fn expand_tuples(b: &Binder<'_>, assignments: &[ast::Assignment]) -> Result<Vec<ast::Assignment>> {
    let mut out = Vec::with_capacity(assignments.len());
    for a in assignments {
        let ast::AssignmentTarget::Tuple(cols) = &a.target else {
            out.push(a.clone());
            continue;
        };
        let values: Vec<ast::Expr> = match &a.value {
            ast::Expr::Tuple(items) => items.clone(),
            ast::Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("row") => {
                match &f.args {
                    ast::FunctionArguments::List(l) => l
                        .args
                        .iter()
                        .map(|arg| match arg {
                            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => {
                                Ok(e.clone())
                            }
                            _ => Err(SqlError::syntax("syntax error in ROW()", None)),
                        })
                        .collect::<Result<_>>()?,
                    _ => Vec::new(),
                }
            }
            ast::Expr::Subquery(q) => {
                let names: Vec<String> = (1..=cols.len()).map(|i| format!("\"?c{i}\"")).collect();
                (1..=cols.len())
                    .map(|i| {
                        crate::parser::parse_expr(&format!(
                            "(SELECT \"?c{i}\" FROM ({q}) AS \"?s\" ({}))",
                            names.join(", ")
                        ))
                    })
                    .collect::<Result<_>>()?
            }
            _ => return Err(SqlError::syntax(
                "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression",
                b.expr_pos(&a.value),
            )),
        };
        if values.len() != cols.len() {
            return Err(SqlError::syntax(
                "number of columns does not match number of values",
                b.expr_pos(&a.value),
            ));
        }
        for (c, v) in cols.iter().zip(values) {
            out.push(ast::Assignment {
                target: ast::AssignmentTarget::ColumnName(c.clone()),
                value: v,
            });
        }
    }
    Ok(out)
}

/// `col[...] = value` (INSERT's `(col[...])` target, UPDATE's SET): the
/// column's new value, `base` with the element or slice replaced.
fn subscript_assign(
    b: &mut Binder<'_>,
    target: &ast::Expr,
    value: &ast::Expr,
    base: Expr,
    (def, i, pos): (&TableDef, usize, Option<u32>),
    scope: &crate::binder::Scope,
) -> Result<Expr> {
    let col = &def.columns[i];
    let name = &col.name;
    let ast::Expr::CompoundFieldAccess { access_chain, .. } = target else {
        return Err(SqlError::internal("subscripted target without subscripts"));
    };
    let mut subs = Vec::with_capacity(access_chain.len());
    for a in access_chain {
        match a {
            ast::AccessExpr::Subscript(s) => subs.push(s),
            ast::AccessExpr::Dot(_) => {
                return Err(SqlError::unsupported(
                    "assigning to a field of a composite column",
                ))
            }
        }
    }
    if col.ty == DataType::Jsonb {
        let mut keys = Vec::with_capacity(subs.len());
        for s in &subs {
            let index = match s {
                ast::Subscript::Index { index } => index,
                ast::Subscript::Slice {
                    lower_bound,
                    upper_bound,
                    ..
                } => {
                    let at = (upper_bound.as_ref().or(lower_bound.as_ref()))
                        .and_then(|e| b.pos_of(e))
                        .or(pos);
                    return Err(SqlError::new(
                        SqlState::DATATYPE_MISMATCH,
                        "jsonb subscript does not support slices",
                    )
                    .at(at));
                }
            };
            keys.push(b.jsonb_key(index, scope).map_err(|e| e.at(pos))?);
        }
        let v = b.expr(value, scope)?;
        let v = b
            .coerce(v, DataType::Jsonb, -1, CoercionContext::Assignment)
            .map_err(|e| e.at(pos))?;
        let e = crate::func::subscript_assign(base, v, keys, false);
        return assign(b, e, def, i);
    }
    let DataType::Array(elem) = col.ty else {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!(
                "cannot subscript type {} because it does not support subscripting",
                col.ty
            ),
        )
        .at(pos));
    };
    let (bounds, is_slice) = b.subscripts(&subs, scope)?;
    let v = b.expr(value, scope)?;
    let want = if is_slice { col.ty } else { *elem };
    if v.ty != DataType::Unknown && !can_coerce(v.ty, want, CoercionContext::Assignment) {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!(
                "subscripted assignment to \"{name}\" requires type {want} but expression is of type {}",
                v.ty
            ),
        )
        .with_hint("You will need to rewrite or cast the expression.")
        .at(pos));
    }
    let v = b.coerce(v, want, -1, CoercionContext::Assignment)?;
    let e = crate::func::subscript_assign(base, v, bounds, is_slice);
    assign(b, e, def, i)
}

/// A target column named in INSERT's column list or UPDATE's SET: its
/// attribute index, name and position; 42703 if the table has none.
/// What a partial assignment (`SET a[i] = v`, `SET c.f = v`) of column
/// `c` (at `slot`) changes: the column's value, or what an earlier
/// partial assignment made of it; 42601 after a whole-column one.
fn partial_base(
    sets: &mut [Option<Expr>],
    partial: &[bool],
    slot: usize,
    c: &crate::catalog::ColumnDef,
) -> Result<Expr> {
    match sets[slot].take() {
        Some(prev) if partial[slot] => Ok(prev),
        None => Ok(Expr {
            kind: ExprKind::Column(slot),
            ty: c.ty,
            typmod: c.typmod,
            pos: None,
        }),
        Some(_) => Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            format!("multiple assignments to same column \"{}\"", c.name),
        )),
    }
}

/// `SET c.f = ...`: column `c` (of a composite type) and field `f`; None
/// for a plain (or table-qualified) column name.
fn field_target(def: &TableDef, name: &ast::ObjectName) -> Option<(usize, String)> {
    let parts = object_name(name);
    let [column, field] = parts.as_slice() else {
        return None;
    };
    let i = def.find(column)?;
    matches!(def.columns[i].ty, DataType::Composite(_)).then(|| (i, field.clone()))
}

/// The value of composite `base` (of type `ty`, declared as `declared`,
/// a domain over it or itself) with field `field` of `column` set to
/// `value` (assigned as to a column of the field's type); 42703 for a
/// field the type lacks.
fn field_store(
    b: &mut Binder<'_>,
    base: Expr,
    (ty, declared): (DataType, DataType),
    (column, field): (&str, &str),
    value: Expr,
) -> Result<Expr> {
    let DataType::Composite(oid) = ty else {
        return Err(SqlError::internal("a field of a value that is not a row"));
    };
    let (names, types) = crate::usertype::fields(oid).unwrap_or_default();
    let Some(i) = names.iter().position(|n| n == field) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!(
                "cannot assign to field \"{field}\" of column \"{column}\" because there is no such column in data type {}",
                declared.sql_name()
            ),
        ));
    };
    let (fty, ftypmod) = types[i];
    let mut value = b.coerce(value, fty, -1, CoercionContext::Assignment)?;
    if ftypmod >= 0 {
        value = Expr {
            pos: value.pos,
            kind: ExprKind::Cast {
                arg: Box::new(value),
                explicit: false,
            },
            ty: fty,
            typmod: ftypmod,
        };
    }
    let index = Expr::constant(Value::Int4(i as i32), DataType::Int4);
    let oid = Expr::constant(Value::Oid(oid), DataType::Oid);
    let mut e = b.call("pg_record_set_field", vec![base, index, value, oid], None)?;
    e.ty = ty;
    Ok(e)
}

fn target_column(
    def: &TableDef,
    name: &ast::ObjectName,
    sql: &str,
) -> Result<(usize, String, Option<u32>)> {
    let n = object_name(name).pop().unwrap_or_default();
    let pos = name
        .0
        .first()
        .and_then(|p| p.as_ident())
        .and_then(|i| crate::parser::char_position(sql, i.span.start));
    let i = def.find(&n).ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!("column \"{n}\" of relation \"{}\" does not exist", def.name),
        )
        .at(pos)
    })?;
    Ok((i, n, pos))
}

/// An INSERT's column list as attribute indexes (42703 for a column
/// the table lacks, 42701 for one named twice).
pub(super) fn target_columns(
    def: &TableDef,
    names: &[ast::ObjectName],
    sql: &str,
) -> Result<Vec<usize>> {
    let mut t = Vec::with_capacity(names.len());
    for c in names {
        let (i, n, pos) = target_column(def, c, sql)?;
        if t.contains(&i) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{n}\" specified more than once"),
            )
            .at(pos));
        }
        t.push(i);
    }
    Ok(t)
}

/// `WHERE CURRENT OF cursor`: the tuple id of the cursor's current row
/// of `def`, followed through this transaction's own updates of it to
/// the newest version (PostgreSQL's TID scan for CURRENT OF does the
/// same); None for any other WHERE.
fn current_of(
    ctx: &mut Stmt<'_>,
    def: &Arc<TableDef>,
    selection: Option<&ast::Expr>,
) -> Result<Option<Value>> {
    use actorgres_storage::xact::OwnTxn;
    let Some(cursor) = selection.and_then(crate::parser::current_of_cursor) else {
        return Ok(None);
    };
    let (mut tid, member) = crate::session::current_row_tid(ctx.cursors, &cursor, def)?;
    // A row read through partitions or children is in the member table
    // its tuple id names.
    let member_def = if def.partition_key.is_some() || !def.inheritors.is_empty() {
        super::routing::members(ctx, def, LockMode::RowExclusive)?
            .into_iter()
            .nth(member)
            .map(|(t, _)| t)
            .unwrap_or_else(|| Arc::clone(def))
    } else {
        Arc::clone(def)
    };
    let def = &member_def;
    let engine = ctx.engine();
    let own: &dyn OwnTxn = &*ctx.txn;
    for _ in 0..10_000 {
        match engine.heap_fetch(def.rel, tid)? {
            Some(t)
                if t.header.xmax != 0
                    && own.is_own(t.header.xmax)
                    && !t.header.lock_only()
                    && t.header.ctid != tid =>
            {
                tid = t.header.ctid;
            }
            _ => break,
        }
    }
    Ok(Some(super::partition::marked_tid(tid, member)))
}

/// The predicate `the row's tuple id = tid` over the target's scan
/// (its live columns, then the tuple id).
fn tid_is(b: &mut Binder<'_>, def: &TableDef, tid: Value) -> Result<Expr> {
    let column = Expr {
        kind: ExprKind::Column(def.live().count()),
        ty: DataType::Int8,
        typmod: -1,
        pos: None,
    };
    b.operator("=", vec![column, Expr::constant(tid, DataType::Int8)], None)
}

/// Binds a WHERE clause as a boolean predicate.
fn bind_where(
    b: &mut Binder<'_>,
    selection: Option<&ast::Expr>,
    scope: &crate::binder::Scope,
) -> Result<Option<Expr>> {
    match selection {
        Some(w) => {
            let before = b.refuse_aggregates("aggregate functions are not allowed in WHERE");
            let p = b.expr(w, scope);
            b.allow_aggregates(before);
            Ok(Some(b.boolean(p?, "WHERE")?))
        }
        None => Ok(None),
    }
}

/// DELETE FROM t [WHERE ...] [RETURNING ...].
pub fn delete(ctx: &mut Stmt<'_>, del: &ast::Delete, sink: &mut dyn ResultSink) -> Result<()> {
    let bound = bind_delete(ctx, del)?;
    run_modify(ctx, bound, sink)
}

/// Binds a DELETE: its table (locked), USING, WHERE and RETURNING.
pub fn bind_delete(ctx: &mut Stmt<'_>, del: &ast::Delete) -> Result<BoundModify> {
    let tables = match &del.from {
        ast::FromTable::WithFromKeyword(t) | ast::FromTable::WithoutKeyword(t) => t,
    };
    let [t] = tables.as_slice() else {
        return Err(SqlError::unsupported("DELETE from several tables"));
    };
    let (name, alias, only) = single_table(t, "DELETE")?;
    let target = open_target(ctx, &name)?;
    ctx.check_relation(&target, crate::acl::DELETE)?;
    if let Some(bound) = super::instead::bind_delete(ctx, del, (&name, &target), alias.as_deref())?
    {
        return Ok(bound);
    }
    let (def, view) = super::view_dml::dml_target(ctx, target, "DELETE")?;
    let mut scope = match &view {
        Some(v) => v.scope(alias.as_deref()),
        None => table_scope(&def, alias.as_deref()),
    };
    let current = current_of(ctx, &def, del.selection.as_ref())?;
    let readable = match &view {
        None => ctx.target_readable(&def)?,
        Some(_) => None,
    };
    let mut b = ctx.binder();
    if let Some(cols) = readable {
        b.restrict(def.oid, &def.name, cols);
    }
    let using = join_scope(&mut b, del.using.as_deref(), &mut scope)?;
    let mut predicate = match current {
        Some(_) if view.is_some() => {
            return Err(SqlError::unsupported("WHERE CURRENT OF through a view"))
        }
        Some(tid) => Some(tid_is(&mut b, &def, tid)?),
        None => bind_where(&mut b, del.selection.as_ref(), &scope)?,
    };
    let mut ret = bind_returning(&mut b, del.returning.as_ref(), &scope)?;
    ctx.param_types = b.into_params();
    if let Some(v) = &view {
        predicate = v.predicate(predicate)?;
        ret = rewrite_returning(v, ret)?;
    }
    Ok(BoundModify {
        def,
        from: using,
        predicate,
        change: Change::Delete,
        ret,
        only,
        instead: None,
    })
}

/// UPDATE or DELETE of a table with inheritance children: the table's
/// own rows, then each descendant's (their columns of the parent's).
fn modify_inherited(
    ctx: &mut Stmt<'_>,
    bound: BoundModify,
    verb: &str,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let style = ctx.style.clone();
    let mut targets: Members = vec![(Arc::clone(&bound.def), None, bound.change.clone())];
    for (child, map) in super::routing::members(ctx, &bound.def, LockMode::RowExclusive)?
        .into_iter()
        .skip(1)
    {
        let change = match &bound.change {
            Change::Update(sets, _) => Change::Update(sets.clone(), checks(&child, &style)?),
            Change::Delete => Change::Delete,
        };
        targets.push((child, Some(map), change));
    }
    modify_members(ctx, &bound, verb, targets, None, sink)
}

/// The tables an UPDATE or DELETE through a parent reaches, in the order
/// reads expand them: each with its map to the parent's columns (None:
/// the same) and the change as it applies there.
type Members = Vec<(Arc<TableDef>, Option<Vec<usize>>, Change)>;

/// Runs an UPDATE or DELETE on each member table in turn (`routing`: a
/// partitioned table's, which moves rows between partitions), one
/// RowDescription for all their RETURNING rows and one command tag.
fn modify_members(
    ctx: &mut Stmt<'_>,
    bound: &BoundModify,
    verb: &str,
    members: Members,
    routing: Option<&super::routing::Routing>,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let mut total = 0;
    let mut described = false;
    for (k, (t, map, change)) in members.into_iter().enumerate() {
        let mut quiet = NoDescription {
            inner: &mut *sink,
            described,
        };
        let done = modify_rows(
            ctx,
            &t,
            bound.from.clone(),
            bound.predicate.clone(),
            Actions::Each(&change),
            bound.ret.as_ref(),
            verb,
            (
                map.as_deref(),
                routing.and_then(|r| r.check.as_ref()),
                routing,
                k,
            ),
            &mut quiet,
        )?;
        described = true;
        total += done.finish(ctx, &t)?;
    }
    if !described {
        if let Some((_, cols)) = &bound.ret {
            sink.row_description(cols)?;
        }
    }
    let (event, updated) = bound.change.event(&bound.def);
    super::trigger::fire_statement(ctx, &bound.def, event, false, updated.as_deref())?;
    sink.command_complete(&format!("{verb} {total}"))
}

/// A sink that passes everything on but a second RowDescription (the
/// RETURNING rows of one statement run leaf by leaf).
struct NoDescription<'a> {
    inner: &'a mut dyn ResultSink,
    described: bool,
}

impl ResultSink for NoDescription<'_> {
    fn row_description(&mut self, cols: &[OutputColumn]) -> Result<()> {
        if self.described {
            return Ok(());
        }
        self.described = true;
        self.inner.row_description(cols)
    }
    fn data_row(&mut self, row: &[Value], style: &OutputStyle) -> Result<()> {
        self.inner.data_row(row, style)
    }
    fn command_complete(&mut self, tag: &str) -> Result<()> {
        self.inner.command_complete(tag)
    }
    fn empty_query(&mut self) -> Result<()> {
        self.inner.empty_query()
    }
    fn notice(&mut self, n: &SqlError) -> Result<()> {
        self.inner.notice(n)
    }
    fn portal_suspended(&mut self) -> Result<()> {
        self.inner.portal_suspended()
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        self.inner.copy()
    }
}

/// Whether `INSERT ... VALUES` has one row that calls a set-returning
/// function: PostgreSQL reads it as a select list.
fn single_row_srf(rows: &[ast::Parens<Vec<ast::Expr>>], def: &TableDef, targets: &[usize]) -> bool {
    match rows {
        [ast::Parens { content: row, .. }] => {
            // DEFAULT only for plain columns: a generated or identity
            // column's DEFAULT is INSERT's own business.
            let plain_default = |(e, i): (&ast::Expr, &usize)| {
                !is_default(e)
                    || def
                        .columns
                        .get(*i)
                        .is_some_and(|c| !c.generated && c.identity.is_none())
            };
            row.iter().zip(targets).all(plain_default)
                && !row
                    .iter()
                    .any(|e| crate::parser::assign::marked(e).is_some())
                && crate::binder::mentions_srf(row)
        }
        _ => false,
    }
}

/// RETURNING bound over a view's columns, rewritten over the base row.
fn rewrite_returning(
    v: &super::view_dml::ViewTarget,
    ret: Option<(Vec<Expr>, Vec<OutputColumn>)>,
) -> Result<Option<(Vec<Expr>, Vec<OutputColumn>)>> {
    ret.map(|(exprs, cols)| {
        let exprs = exprs
            .into_iter()
            .map(|e| v.rewrite(e))
            .collect::<Result<Vec<_>>>()?;
        Ok((exprs, cols))
    })
    .transpose()
}
