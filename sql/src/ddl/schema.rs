//! CREATE SCHEMA, ALTER SCHEMA and DROP SCHEMA: rows of pg_namespace.

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{self, ObjectName, SchemaName};

use super::{lock_names, undefined_schema};
use crate::binder::{ident, object_name};
use crate::catalog::{oid_of, system, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::value::Value;

/// 42939 for the reserved `pg_` prefix.
fn check_schema_name(name: &str) -> Result<()> {
    if name.starts_with("pg_") {
        return Err(SqlError::new(
            SqlState::RESERVED_NAME,
            format!("unacceptable schema name \"{name}\""),
        )
        .with_detail("The prefix \"pg_\" is reserved for system schemas."));
    }
    Ok(())
}

/// The single name of a schema (42601 for a qualified one).
fn schema_name(name: &ObjectName) -> Result<String> {
    match object_name(name).as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(SqlError::syntax(
            format!("improper qualified name (too many dotted names): {name}"),
            None,
        )),
    }
}

/// The pg_namespace row id and OID of schema `name`, if it exists.
fn find_schema(ctx: &Stmt<'_>, name: &str) -> Result<Option<(actorgres_storage::page::Tid, u32)>> {
    Ok(ctx
        .catalog()
        .rows(&system::PG_NAMESPACE)?
        .into_iter()
        .find(|(_, r)| crate::catalog::text_of(&r[1]) == name)
        .map(|(tid, r)| (tid, oid_of(&r[0]))))
}

/// CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role], or CREATE
/// SCHEMA AUTHORIZATION role (named after the role).
pub fn create_schema(ctx: &mut Stmt<'_>, name: &SchemaName, if_not_exists: bool) -> Result<()> {
    ctx.check_writable("CREATE SCHEMA")?;
    // CREATE on the database: every role has it here (database
    // privileges are kept but CREATE is not checked).
    let owner = match name {
        SchemaName::UnnamedAuthorization(role) | SchemaName::NamedAuthorization(_, role) => {
            Some(ident(role))
        }
        SchemaName::Simple(_) => None,
    };
    let name = match name {
        SchemaName::Simple(n) => schema_name(n)?,
        SchemaName::UnnamedAuthorization(role) => {
            let role = ident(role);
            ctx.check_role_exists(&role)?;
            role
        }
        SchemaName::NamedAuthorization(n, role) => {
            ctx.check_role_exists(&ident(role))?;
            schema_name(n)?
        }
    };
    check_schema_name(&name)?;
    lock_names(ctx)?;
    if crate::catalog::schema_oid(&ctx.namespaces()?, &name).is_some() {
        let msg = format!("schema \"{name}\" already exists");
        if if_not_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_SCHEMA,
                format!("{msg}, skipping"),
            ));
            return Ok(());
        }
        return Err(SqlError::new(SqlState::DUPLICATE_SCHEMA, msg));
    }
    let xid = ctx.write_xid("CREATE SCHEMA")?;
    let oid = ctx.engine().new_oid()?;
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_NAMESPACE,
        &[Value::Oid(oid), Value::Text(name)],
        &who,
    )?;
    ctx.catalog_changed();
    match owner {
        Some(role) => {
            let role_oid = ctx.catalog().role(&role)?.map_or(0, |(_, r)| r.oid);
            if let Some(roles) = ctx.acting_roles()? {
                if !roles.contains(&role_oid) {
                    return Err(SqlError::new(
                        SqlState::INSUFFICIENT_PRIVILEGE,
                        format!("must be member of role \"{role}\""),
                    ));
                }
            }
            let entry = crate::catalog::privs::Entry {
                owner: Some(role_oid),
                acl: None,
            };
            ctx.catalog().put_privileges(
                crate::catalog::privs::NAMESPACE,
                oid,
                0,
                &entry,
                &ctx.actor(xid),
            )?;
        }
        None => ctx.record_owner(crate::catalog::privs::NAMESPACE, oid, None, 'n', xid)?,
    }
    Ok(())
}

/// ALTER SCHEMA name RENAME TO new | OWNER TO role.
pub fn alter_schema(ctx: &mut Stmt<'_>, a: &ast::AlterSchema) -> Result<()> {
    ctx.check_writable("ALTER SCHEMA")?;
    let name = schema_name(&a.name)?;
    lock_names(ctx)?;
    let Some((tid, oid)) = find_schema(ctx, &name)? else {
        return Err(undefined_schema(&name));
    };
    for op in &a.operations {
        match op {
            ast::AlterSchemaOperation::Rename { name: to } => {
                let to = schema_name(to)?;
                check_schema_name(&to)?;
                if crate::catalog::schema_oid(&ctx.namespaces()?, &to).is_some() {
                    return Err(SqlError::new(
                        SqlState::DUPLICATE_SCHEMA,
                        format!("schema \"{to}\" already exists"),
                    ));
                }
                if oid == system::PG_CATALOG_NS {
                    check_schema_name(&name)?;
                }
                let xid = ctx.write_xid("ALTER SCHEMA")?;
                let who = ctx.actor(xid);
                ctx.catalog().update(
                    &system::PG_NAMESPACE,
                    tid,
                    &[Value::Oid(oid), Value::Text(to)],
                    &who,
                )?;
                ctx.catalog_changed();
            }
            ast::AlterSchemaOperation::OwnerTo { owner } => {
                let role = match owner {
                    ast::Owner::Ident(role) => ident(role),
                    _ => ctx.current_user(),
                };
                super::grant::change_owner(
                    ctx,
                    crate::catalog::privs::NAMESPACE,
                    oid,
                    &role,
                    "schema",
                    &name,
                )?;
            }
            other => return Err(SqlError::unsupported(format!("ALTER SCHEMA {other}"))),
        }
    }
    Ok(())
}

/// DROP SCHEMA [IF EXISTS] names [CASCADE | RESTRICT]: 2BP01 listing
/// what the schemas hold unless CASCADE, which drops it (with
/// PostgreSQL's notice).
pub fn drop_schemas(
    ctx: &mut Stmt<'_>,
    if_exists: bool,
    cascade: bool,
    names: &[ObjectName],
) -> Result<()> {
    ctx.check_writable("DROP SCHEMA")?;
    lock_names(ctx)?;
    let mut targets: Vec<(actorgres_storage::page::Tid, u32, String)> = Vec::new();
    for n in names {
        let name = schema_name(n)?;
        if matches!(
            name.as_str(),
            "pg_catalog" | "information_schema" | "pg_toast"
        ) {
            return Err(SqlError::new(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop schema {name} because it is required by the database system"),
            ));
        }
        match find_schema(ctx, &name)? {
            Some((tid, oid)) => targets.push((tid, oid, name)),
            None if if_exists => ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("schema \"{name}\" does not exist, skipping"),
            )),
            None => return Err(undefined_schema(&name)),
        }
    }
    if targets.is_empty() {
        return Ok(());
    }
    let oids: Vec<u32> = targets.iter().map(|t| t.1).collect();
    let path = ctx.search_path()?;
    // What the schemas hold, in creation order: relations not owned by
    // another (a serial column's sequence goes with its table), and
    // foreign keys of other schemas' tables referencing them.
    let mut members: Vec<TableDef> = ctx
        .catalog()
        .relations()?
        .into_iter()
        .filter(|t| oids.contains(&t.namespace))
        .collect();
    members.sort_by_key(|t| t.oid);
    let owned_elsewhere = |t: &TableDef| {
        t.sequence
            .as_ref()
            .and_then(|s| s.owner)
            .is_some_and(|(owner, _)| members.iter().any(|m| m.oid == owner))
    };
    let visible: Vec<String> = path
        .iter()
        .filter_map(|ns| ctx.namespace_name(*ns).ok())
        .collect();
    // Relations and types, in creation (OID) order.
    let mut types = Vec::new();
    for ns in &oids {
        types.extend(super::types::types_in(ctx, *ns)?);
    }
    // (OID, object, what depends on it in turn: columns of a type in
    // tables of other schemas).
    let mut owned: Vec<(u32, String, Vec<String>)> = Vec::new();
    for t in members.iter().filter(|t| !owned_elsewhere(t)) {
        let what = match t.relkind() {
            'v' => "view",
            'S' => "sequence",
            _ => "table",
        };
        let line = format!("{what} {}", describe_name(ctx, &path, t)?);
        owned.push((t.oid, line, Vec::new()));
    }
    for t in &types {
        let name = if path.contains(&t.namespace) {
            t.name.clone()
        } else {
            format!("{}.{}", ctx.namespace_name(t.namespace)?, t.name)
        };
        let users = super::types::type_users(ctx, t.oid)?
            .into_iter()
            .filter(|(table, _, _, _)| !members.iter().any(|m| m.oid == *table))
            .map(|(_, table, column, _)| format!("column {column} of table {table}"))
            .collect();
        owned.push((t.oid, format!("type {name}"), users));
    }
    // Routines in the schemas, and those elsewhere taking or returning a
    // row type of their tables (listed after the table).
    let mut routines = super::function::routines_using(ctx, None, &oids)?;
    for f in &routines {
        owned.push((
            f.oid,
            super::function::describe_function(ctx, &path, f)?,
            Vec::new(),
        ));
    }
    for o in owned.iter_mut() {
        let Some(t) = members.iter().find(|t| t.oid == o.0) else {
            continue;
        };
        for f in super::function::routines_using(ctx, Some(t.oid), &[])? {
            if routines.iter().any(|r| r.oid == f.oid) {
                continue;
            }
            o.2.push(super::function::describe_function(ctx, &path, &f)?);
            routines.push(f);
        }
    }
    owned.sort_by_key(|o| o.0);
    let first = &targets[0].2;
    // The objects, and the DETAIL line saying why each goes.
    let mut lines: Vec<String> = Vec::new();
    let mut why: Vec<String> = Vec::new();
    for (_, object, users) in owned {
        why.push(format!("{object} depends on schema {first}"));
        lines.push(object.clone());
        for u in users {
            why.push(format!("{u} depends on {object}"));
            lines.push(u);
        }
    }
    for t in &members {
        for fk in &t.referenced_by {
            if !members.iter().any(|m| m.oid == fk.table.0) {
                let table = if visible.contains(&fk.schema) {
                    fk.table.1.clone()
                } else {
                    format!("{}.{}", fk.schema, fk.table.1)
                };
                let line = format!("constraint {} on table {table}", fk.name);
                why.push(format!("{line} depends on schema {first}"));
                lines.push(line);
            }
        }
    }
    if !lines.is_empty() && !cascade {
        return Err(SqlError::new(
            SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
            format!("cannot drop schema {first} because other objects depend on it"),
        )
        .with_detail(why.join("\n"))
        .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    if !lines.is_empty() {
        ctx.notices.push(super::drop::cascade_notice(&lines));
    }
    let xid = ctx.write_xid("DROP SCHEMA")?;
    let dropped: Vec<String> = members.iter().map(|t| t.name.clone()).collect();
    for t in members.iter().filter(|t| !owned_elsewhere(t)) {
        let Some(def) = ctx.open_table_in(t.namespace, &t.name, LockMode::AccessExclusive)? else {
            continue;
        };
        // Keys of other schemas' tables go silently (listed above).
        let notices = ctx.notices.len();
        super::drop::drop_dependent_keys(ctx, xid, &def, &dropped, true)?;
        ctx.notices.truncate(notices);
        super::drop::remove_table(ctx, xid, &def)?;
    }
    for t in &types {
        // Its columns were listed above.
        let notices = ctx.notices.len();
        super::types::drop_type(ctx, xid, t, true)?;
        ctx.notices.truncate(notices);
    }
    super::function::remove_functions(ctx, xid, &routines)?;
    for (tid, oid, _) in &targets {
        let who = ctx.actor(xid);
        ctx.catalog().delete(&system::PG_NAMESPACE, *tid, &who)?;
        super::comment::remove_descriptions(ctx, xid, *oid)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// A relation's name as PostgreSQL's object descriptions print it:
/// qualified unless its schema is on the search path.
fn describe_name(ctx: &Stmt<'_>, path: &[u32], t: &TableDef) -> Result<String> {
    if path.contains(&t.namespace) {
        return Ok(t.name.clone());
    }
    Ok(format!("{}.{}", ctx.namespace_name(t.namespace)?, t.name))
}
