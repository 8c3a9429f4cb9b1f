//! CREATE DOMAIN, ALTER DOMAIN and DROP DOMAIN: a pg_type row (typtype
//! 'd', its base type, NOT NULL and default) and a pg_constraint row per
//! CHECK, stored with contype [`DOMAIN_CHECK`] and the domain as conrelid.

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{Expr as AstExpr, ObjectName};

use super::{creation_schema, lock_names, split_name};
use crate::binder::object_name;
use crate::cast::CoercionContext;
use crate::catalog::{system, text_of, DOMAIN_CHECK};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::domain::{AlterDomain, DomainConstraint, DomainStatement};
use crate::session::Stmt;
use crate::types::DataType;
use crate::usertype::UserType;
use crate::value::Value;

/// Runs a domain statement; its command tag.
pub fn domain_statement(ctx: &mut Stmt<'_>, s: &DomainStatement) -> Result<&'static str> {
    match s {
        DomainStatement::Create {
            name,
            data_type,
            default,
            constraints,
        } => {
            create_domain(ctx, name, data_type, default.as_deref(), constraints)?;
            Ok("CREATE DOMAIN")
        }
        DomainStatement::Alter { name, action } => {
            alter_domain(ctx, name, action)?;
            Ok("ALTER DOMAIN")
        }
        DomainStatement::Drop {
            if_exists,
            names,
            cascade,
        } => {
            super::types::drop_types(ctx, *if_exists, *cascade, names, true)?;
            Ok("DROP DOMAIN")
        }
    }
}

/// A domain's default as PostgreSQL keeps it in typdefault: the
/// expression coerced to the base type and printed (`'x'::text`).
fn default_text(ctx: &Stmt<'_>, text: &str, base: DataType) -> Result<String> {
    stored_default(ctx, text, base, |e| {
        if e.ty != DataType::Unknown
            && !crate::cast::can_coerce(e.ty, base, CoercionContext::Assignment)
        {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "column \"{}\" is of type {base} but default expression is of type {}",
                    "value", e.ty
                ),
            ));
        }
        Ok(())
    })
}

/// A default expression as PostgreSQL stores it: bound, checked by
/// `check`, assigned to `ty` (without a modifier) and printed.
pub(super) fn stored_default(
    ctx: &Stmt<'_>,
    text: &str,
    ty: DataType,
    check: impl FnOnce(&crate::expr::Expr) -> Result<()>,
) -> Result<String> {
    let mut tables = crate::table::CatalogTables(ctx.catalog());
    let bound = crate::table::bind_stored_with(
        text,
        ctx.style,
        &Default::default(),
        &mut tables,
        |b, e| {
            check(&e)?;
            b.coerce(e, ty, -1, CoercionContext::Assignment)
        },
    );
    // Positions would point into the default's own text.
    let e = bound.map_err(SqlError::without_position)?;
    Ok(crate::deparse::Deparser {
        columns: &[],
        pretty: false,
        types: None,
        qualifiers: None,
        special: None,
        indent: 0,
    }
    .expr(&e)
    .unwrap_or_else(|| text.to_owned()))
}

/// Binds a CHECK over VALUE (42804 unless boolean); the text to store.
fn check_text(ctx: &Stmt<'_>, e: &AstExpr, base: DataType, typmod: i32) -> Result<String> {
    super::create::check_text(ctx, e, &crate::usertype::value_scope(base, typmod))
}

/// The name of a new CHECK of domain `domain`: given, or
/// `<domain>_check`, `<domain>_check1`, ... (PostgreSQL's
/// ChooseConstraintName) avoiding `taken`.
fn check_name(domain: &str, given: Option<&String>, taken: &[String]) -> Result<String> {
    if let Some(n) = given {
        if taken.contains(n) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_OBJECT,
                format!("constraint \"{n}\" for domain \"{domain}\" already exists"),
            ));
        }
        return Ok(n.clone());
    }
    let mut base = format!("{domain}_check");
    crate::binder::truncate_identifier(&mut base);
    let mut name = base.clone();
    let mut i = 0;
    while taken.contains(&name) {
        i += 1;
        name = format!("{base}{i}");
    }
    Ok(name)
}

fn insert_check(
    ctx: &mut Stmt<'_>,
    xid: u32,
    domain: u32,
    ns: u32,
    name: &str,
    text: &str,
) -> Result<()> {
    let oid = ctx.engine().new_oid()?;
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_CONSTRAINT,
        &[
            Value::Oid(oid),
            Value::Text(name.to_owned()),
            Value::Oid(ns),
            Value::Text(DOMAIN_CHECK.into()),
            Value::Oid(domain),
            Value::Text(text.to_owned()),
        ],
        &who,
    )?;
    Ok(())
}

fn create_domain(
    ctx: &mut Stmt<'_>,
    name: &ObjectName,
    data_type: &sqlparser::ast::DataType,
    default: Option<&AstExpr>,
    constraints: &[DomainConstraint],
) -> Result<()> {
    ctx.check_writable("CREATE DOMAIN")?;
    let parts = object_name(name);
    let (schema, name) = split_name(ctx, &parts)?;
    let ns = creation_schema(ctx, schema, name)?;
    let (declared, typmod) = ctx.ddl_type(data_type)?;
    // A domain over a domain: values are of the inner one's base type
    // and meet both domains' constraints.
    let (base, typmod, _) = super::types::domain_parts(declared, typmod);
    if base.is_polymorphic()
        || matches!(base, DataType::Void | DataType::Record | DataType::Unknown)
    {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!("\"{}\" is not a valid base type for a domain", base.name()),
        ));
    }
    lock_names(ctx)?;
    super::types::check_new_type_name(ctx, ns, name)?;
    let mut not_null = None;
    for c in constraints {
        let this = match c {
            DomainConstraint::NotNull(_) => true,
            DomainConstraint::Null => false,
            DomainConstraint::Check(..) => continue,
        };
        if not_null.is_some_and(|n| n != this) {
            return Err(SqlError::syntax(
                "conflicting NULL/NOT NULL constraints",
                None,
            ));
        }
        not_null = Some(this);
    }
    let default = default
        .map(|e| default_text(ctx, &e.to_string(), base))
        .transpose()?;
    let mut checks: Vec<(String, String)> = Vec::new();
    for c in constraints {
        if let DomainConstraint::Check(given, e, _) = c {
            let taken: Vec<String> = checks.iter().map(|c| c.0.clone()).collect();
            let cname = check_name(name, given.as_ref(), &taken)?;
            checks.push((cname, check_text(ctx, e, base, typmod)?));
        }
    }
    let xid = ctx.write_xid("CREATE DOMAIN")?;
    let oid = ctx.engine().new_oid()?;
    let mut row = super::types::type_row(
        oid,
        name,
        ns,
        base.typlen(),
        'd',
        base.category().code(),
        0,
        0,
    );
    row[4] = Value::Bool(base.by_value());
    row[10] = Value::Oid(declared.oid().0);
    row[11] = Value::Int4(typmod);
    row.push(Value::Bool(not_null.unwrap_or(false)));
    row.push(default.map_or(Value::Null, Value::Text));
    let who = ctx.actor(xid);
    ctx.catalog().insert(&system::PG_TYPE, &row, &who)?;
    for (cname, text) in &checks {
        insert_check(ctx, xid, oid, ns, cname, text)?;
    }
    ctx.record_owner(crate::catalog::privs::TYPE, oid, Some(ns), 'T', xid)?;
    republish(ctx)
}

/// The catalog changed: the registry learns the domain as it is now.
fn republish(ctx: &mut Stmt<'_>) -> Result<()> {
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    ctx.catalog().user_types()?;
    Ok(())
}

/// The domain `parts` names (42704 if none; 42809 for another type).
pub(super) fn find_domain(ctx: &Stmt<'_>, parts: &[String]) -> Result<Option<Arc<UserType>>> {
    match super::types::find_type(ctx, parts)? {
        Some(t) if t.domain.is_none() => Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a domain", parts.join(".")),
        )),
        found => Ok(found),
    }
}

/// Every value stored in a column of domain `oid`: (table, column, value).
fn stored_values(ctx: &mut Stmt<'_>, oid: u32) -> Result<Vec<(String, String, Value)>> {
    let mut out = Vec::new();
    for def in ctx.catalog().tables()? {
        let columns: Vec<(usize, String)> = def
            .live()
            .enumerate()
            .filter(|(_, (_, c))| c.domain == Some(oid))
            .map(|(pos, (_, c))| (pos, c.name.clone()))
            .collect();
        if columns.is_empty() {
            continue;
        }
        let Some(def) = ctx.open_table_in(def.namespace, &def.name, LockMode::Share)? else {
            continue;
        };
        super::alter::each_row(ctx, &def, |row, _| {
            for (pos, column) in &columns {
                let v = row.get(*pos).cloned().unwrap_or(Value::Null);
                out.push((def.name.clone(), column.clone(), v));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Checks the stored values of domain `ty` against a new CHECK (23514).
fn validate_check(ctx: &mut Stmt<'_>, ty: &UserType, text: &str) -> Result<()> {
    let Some(d) = &ty.domain else {
        return Ok(());
    };
    let scope = crate::usertype::value_scope(d.base, d.typmod);
    let e = crate::table::bind_stored(ctx.db, text, ctx.style, &scope, |b, e| {
        b.boolean(e, "CHECK constraint")
    })?;
    let values = stored_values(ctx, ty.oid)?;
    let mut eval = ctx.eval_ctx();
    for (table, column, v) in values {
        if !v.is_null() && e.eval(&[v], &mut eval)? == Value::Bool(false) {
            return Err(SqlError::new(
                SqlState::CHECK_VIOLATION,
                format!(
                    "column \"{column}\" of table \"{table}\" contains values that violate the new constraint"
                ),
            ));
        }
    }
    Ok(())
}

fn alter_domain(ctx: &mut Stmt<'_>, name: &ObjectName, action: &AlterDomain) -> Result<()> {
    ctx.check_writable("ALTER DOMAIN")?;
    let parts = object_name(name);
    lock_names(ctx)?;
    let Some(ty) = find_domain(ctx, &parts)? else {
        return Err(super::types::undefined_type(&parts.join(".")));
    };
    let Some(d) = &ty.domain else {
        return Ok(());
    };
    let shown = ty.name.clone();
    let xid = ctx.write_xid("ALTER DOMAIN")?;
    let set_type_column = |ctx: &mut Stmt<'_>, i: usize, v: Value| -> Result<()> {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        for (tid, mut row) in cat.rows_where(&system::PG_TYPE, 0, ty.oid)? {
            if row.len() <= i {
                row.resize(i + 1, Value::Null);
            }
            row[i] = v.clone();
            cat.update(&system::PG_TYPE, tid, &row, &who)?;
        }
        Ok(())
    };
    let constraint_named =
        |ctx: &Stmt<'_>, n: &str| -> Result<Option<(actorgres_storage::page::Tid, Vec<Value>)>> {
            Ok(ctx
                .catalog()
                .rows_where(&system::PG_CONSTRAINT, 4, ty.oid)?
                .into_iter()
                .find(|(_, r)| text_of(&r[3]) == DOMAIN_CHECK && text_of(&r[1]) == n))
        };
    let missing = |n: &str| {
        SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("constraint \"{n}\" of domain \"{shown}\" does not exist"),
        )
    };
    match action {
        AlterDomain::Default(e) => {
            let text = e
                .as_ref()
                .map(|e| default_text(ctx, &e.to_string(), d.base))
                .transpose()?;
            set_type_column(ctx, 13, text.map_or(Value::Null, Value::Text))?;
        }
        AlterDomain::NotNull(on) => {
            if *on {
                for (table, column, v) in stored_values(ctx, ty.oid)? {
                    if v.is_null() {
                        return Err(SqlError::new(
                            SqlState::NOT_NULL_VIOLATION,
                            format!(
                                "column \"{column}\" of table \"{table}\" contains null values"
                            ),
                        ));
                    }
                }
            }
            set_type_column(ctx, 12, Value::Bool(*on))?;
        }
        AlterDomain::Add(DomainConstraint::NotNull(_)) => {
            return alter_domain(ctx, name, &AlterDomain::NotNull(true));
        }
        AlterDomain::Add(DomainConstraint::Null) => {}
        AlterDomain::Add(DomainConstraint::Check(given, e, not_valid)) => {
            let taken: Vec<String> = d.checks.iter().map(|c| c.1.clone()).collect();
            let cname = check_name(&shown, given.as_ref(), &taken)?;
            let text = check_text(ctx, e, d.base, d.typmod)?;
            if !not_valid {
                validate_check(ctx, &ty, &text)?;
            }
            insert_check(ctx, xid, ty.oid, ty.namespace, &cname, &text)?;
        }
        AlterDomain::DropConstraint { name: n, if_exists } => match constraint_named(ctx, n)? {
            Some((tid, _)) => {
                let who = ctx.actor(xid);
                ctx.catalog().delete(&system::PG_CONSTRAINT, tid, &who)?;
            }
            None if *if_exists => ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("constraint \"{n}\" of domain \"{shown}\" does not exist, skipping"),
            )),
            None => return Err(missing(n)),
        },
        AlterDomain::RenameConstraint(from, to) => {
            let Some((tid, mut row)) = constraint_named(ctx, from)? else {
                return Err(missing(from));
            };
            if constraint_named(ctx, to)?.is_some() {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!("constraint \"{to}\" for domain \"{shown}\" already exists"),
                ));
            }
            row[1] = Value::Text(to.clone());
            let who = ctx.actor(xid);
            ctx.catalog()
                .update(&system::PG_CONSTRAINT, tid, &row, &who)?;
        }
        AlterDomain::Validate(n) => {
            let Some((_, row)) = constraint_named(ctx, n)? else {
                return Err(missing(n));
            };
            validate_check(ctx, &ty, &text_of(&row[5]))?;
        }
        AlterDomain::Rename(to) => {
            super::types::check_new_type_name(ctx, ty.namespace, to)?;
            set_type_column(ctx, 1, Value::Text(to.clone()))?;
        }
        AlterDomain::Owner(role) => {
            super::grant::change_owner(
                ctx,
                crate::catalog::privs::TYPE,
                ty.oid,
                role,
                "type",
                &ty.name,
            )?;
        }
    }
    republish(ctx)
}

/// A domain CHECK's text as pg_get_constraintdef prints it:
/// `CHECK (VALUE > 0)` (pretty) or `CHECK ((VALUE > 0))`.
pub(crate) fn check_def(
    ty: &UserType,
    text: &str,
    pretty: bool,
    types: Option<&crate::deparse::TypeNames>,
) -> String {
    let Some(d) = &ty.domain else {
        return format!("CHECK ({text})");
    };
    let scope = crate::usertype::value_scope(d.base, d.typmod);
    let printed = crate::table::bind_stored(ty.db, text, &Default::default(), &scope, |b, e| {
        b.boolean(e, "CHECK constraint")
    })
    .ok()
    .and_then(|e| {
        crate::deparse::Deparser {
            columns: &["VALUE".to_owned()],
            pretty,
            types,
            qualifiers: None,
            special: None,
            indent: 0,
        }
        .expr(&e)
    })
    .map(|s| s.replace("\"VALUE\"", "VALUE"))
    .unwrap_or_else(|| text.to_owned());
    format!("CHECK ({printed})")
}
