//! CREATE / ALTER / DROP ROLE (USER, GROUP) and GRANT / REVOKE of role
//! membership: rows of the cluster-wide pg_authid and pg_auth_members.
//!
//! Rules, as PostgreSQL's user.c:
//! 1. Creating, altering or dropping a role takes CREATEROLE (superuser
//!    roles, and the SUPERUSER / REPLICATION / BYPASSRLS attributes, take
//!    a superuser); a role may change its own password.
//! 2. Names starting with `pg_`, and `public` / `none`, are reserved
//!    (42939); a taken name is 42710; a missing role is 42704.
//! 3. A role cannot be dropped while it is the session's or current user
//!    (55006), nor a built-in role (55006); its memberships go with it.
//! 4. A membership that would make a role a member of itself, directly or
//!    through others, is 0LP01.

use actorgres_storage::lock::{LockMode, LockTag};
use sqlparser::ast;

use crate::binder::{ident, object_name};
use crate::catalog::roles::{member_of, Membership, Role, PG_AUTHID};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::value::Value;

/// Serializes role changes across the cluster (PostgreSQL locks pg_authid).
fn lock_roles(ctx: &mut Stmt<'_>) -> Result<()> {
    // Roles and memberships decide privileges: what is cached of them
    // goes when this transaction ends.
    ctx.catalog_changed();
    ctx.lock(
        LockTag::Relation {
            db: 0,
            rel: PG_AUTHID.oid,
        },
        LockMode::ShareRowExclusive,
    )
}

fn undefined_role(name: &str) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("role \"{name}\" does not exist"),
    )
}

fn denied(message: impl Into<String>) -> SqlError {
    SqlError::new(SqlState::INSUFFICIENT_PRIVILEGE, message)
}

/// Rule 2: reserved names.
fn check_role_name(name: &str) -> Result<()> {
    if name.starts_with("pg_") {
        return Err(SqlError::new(
            SqlState::RESERVED_NAME,
            format!("role name \"{name}\" is reserved"),
        )
        .with_detail("Role names starting with \"pg_\" are reserved."));
    }
    if name == "public" || name == "none" {
        return Err(SqlError::new(
            SqlState::RESERVED_NAME,
            format!("role name \"{name}\" is reserved"),
        ));
    }
    Ok(())
}

/// The options of CREATE ROLE and ALTER ROLE, applied to `role`; whether
/// a superuser is needed for them.
fn apply_options(ctx: &mut Stmt<'_>, role: &mut Role, options: &[ast::RoleOption]) -> Result<bool> {
    let mut needs_superuser = false;
    let mut seen: Vec<std::mem::Discriminant<ast::RoleOption>> = Vec::new();
    for o in options {
        let d = std::mem::discriminant(o);
        if seen.contains(&d) {
            return Err(SqlError::syntax("conflicting or redundant options", None));
        }
        seen.push(d);
        match o {
            ast::RoleOption::SuperUser(b) => {
                role.superuser = *b;
                needs_superuser = true;
            }
            ast::RoleOption::Replication(b) => {
                role.replication = *b;
                needs_superuser = true;
            }
            ast::RoleOption::BypassRLS(b) => {
                role.bypassrls = *b;
                needs_superuser = true;
            }
            ast::RoleOption::CreateDB(b) => role.createdb = *b,
            ast::RoleOption::CreateRole(b) => role.createrole = *b,
            ast::RoleOption::Inherit(b) => role.inherit = *b,
            ast::RoleOption::Login(b) => role.login = *b,
            ast::RoleOption::Password(p) => {
                role.password = match p {
                    ast::Password::NullPassword => None,
                    ast::Password::Password(e) => Some(constant_text(ctx, e)?),
                }
            }
            ast::RoleOption::ConnectionLimit(e) => {
                let text = constant_text(ctx, e)?;
                let n: i32 = text
                    .trim()
                    .parse()
                    .map_err(|_| crate::error::errors::invalid_input("integer", &text))?;
                if n < -1 {
                    return Err(SqlError::new(
                        SqlState::INVALID_PARAMETER_VALUE,
                        format!("invalid connection limit: {n}"),
                    ));
                }
                role.connlimit = n;
            }
            ast::RoleOption::ValidUntil(e) => {
                let text = constant_text(ctx, e)?;
                match crate::cast::parse_text(
                    &text,
                    crate::types::DataType::TimestampTz,
                    ctx.style,
                )? {
                    Value::TimestampTz(t) => role.valid_until = Some(t),
                    _ => role.valid_until = None,
                }
            }
        }
    }
    Ok(needs_superuser)
}

/// A constant option value (a string or number literal) as text.
fn constant_text(ctx: &mut Stmt<'_>, e: &ast::Expr) -> Result<String> {
    let mut b = ctx.binder();
    let bound = b.expr(e, &crate::binder::Scope::default())?;
    match bound.as_const() {
        Some(Value::Null) | None => Err(SqlError::syntax(
            format!("syntax error at or near \"{e}\""),
            None,
        )),
        Some(v) => Ok(v.to_text(ctx.style).unwrap_or_default()),
    }
}

/// Rule 1 for creating or changing `target` (None: a new role).
fn check_can_manage(
    ctx: &Stmt<'_>,
    target: Option<&Role>,
    needs_superuser: bool,
    what: &str,
) -> Result<()> {
    let me = ctx.current_role()?;
    if me.superuser {
        return Ok(());
    }
    if needs_superuser || target.is_some_and(|t| t.superuser) {
        return Err(denied(format!("must be superuser to {what} superusers")));
    }
    if !me.createrole {
        return Err(denied(format!("permission denied to {what} role")));
    }
    Ok(())
}

/// CREATE ROLE | USER | GROUP name [[WITH] option ...].
pub fn create_role(ctx: &mut Stmt<'_>, c: &ast::CreateRole) -> Result<()> {
    ctx.check_writable("CREATE ROLE")?;
    lock_roles(ctx)?;
    for n in &c.names {
        // CREATE USER arrives as CREATE ROLE "\0user".name.
        let mut parts = object_name(n);
        let user = parts.first().is_some_and(|p| p == crate::parser::USER_MARK);
        if user {
            parts.remove(0);
        }
        let name = parts.join(".");
        check_role_name(&name)?;
        let mut role = Role::new(0, &name);
        role.login = user;
        let mut options = Vec::new();
        let flag = |v: Option<bool>, f: fn(bool) -> ast::RoleOption| v.map(f);
        options.extend(flag(c.superuser, ast::RoleOption::SuperUser));
        options.extend(flag(c.create_db, ast::RoleOption::CreateDB));
        options.extend(flag(c.create_role, ast::RoleOption::CreateRole));
        options.extend(flag(c.inherit, ast::RoleOption::Inherit));
        options.extend(flag(c.login, ast::RoleOption::Login));
        options.extend(flag(c.replication, ast::RoleOption::Replication));
        options.extend(flag(c.bypassrls, ast::RoleOption::BypassRLS));
        options.extend(c.password.clone().map(ast::RoleOption::Password));
        options.extend(
            c.connection_limit
                .clone()
                .map(ast::RoleOption::ConnectionLimit),
        );
        options.extend(c.valid_until.clone().map(ast::RoleOption::ValidUntil));
        let needs_superuser = apply_options(ctx, &mut role, &options)?;
        check_can_manage(ctx, None, needs_superuser, "create")?;
        if ctx.catalog().role(&name)?.is_some() {
            if c.if_not_exists {
                ctx.notices.push(SqlError::notice(
                    SqlState::DUPLICATE_OBJECT,
                    format!("role \"{name}\" already exists, skipping"),
                ));
                continue;
            }
            return Err(SqlError::new(
                SqlState::DUPLICATE_OBJECT,
                format!("role \"{name}\" already exists"),
            ));
        }
        let xid = ctx.write_xid("CREATE ROLE")?;
        role.oid = ctx.engine().new_oid()?;
        let who = ctx.actor(xid);
        ctx.catalog().put_role(None, &role, &who)?;
        // IN ROLE / IN GROUP: the new role joins them; ROLE / USER: they
        // join it; ADMIN: they join it WITH ADMIN OPTION.
        let me = ctx.current_role()?.oid;
        for r in c.in_role.iter().chain(&c.in_group) {
            add_member(ctx, &ident(r), role.oid, me, false)?;
        }
        for m in c.role.iter().chain(&c.user) {
            let member = role_oid(ctx, &ident(m))?;
            put_membership(ctx, role.oid, member, me, false)?;
        }
        for m in &c.admin {
            let member = role_oid(ctx, &ident(m))?;
            put_membership(ctx, role.oid, member, me, true)?;
        }
    }
    Ok(())
}

/// The OID of role `name` (42704 if none).
fn role_oid(ctx: &Stmt<'_>, name: &str) -> Result<u32> {
    ctx.catalog()
        .role(name)?
        .map(|(_, r)| r.oid)
        .ok_or_else(|| undefined_role(name))
}

/// Makes `member` a member of the role called `role`.
fn add_member(
    ctx: &mut Stmt<'_>,
    role: &str,
    member: u32,
    grantor: u32,
    admin: bool,
) -> Result<()> {
    let role = role_oid(ctx, role)?;
    put_membership(ctx, role, member, grantor, admin)
}

/// Stores (or updates) the membership of `member` in `role`, refusing
/// circles (rule 4).
fn put_membership(
    ctx: &mut Stmt<'_>,
    role: u32,
    member: u32,
    grantor: u32,
    admin: bool,
) -> Result<()> {
    let cat = ctx.catalog();
    let roles: Vec<Role> = cat.roles()?.into_iter().map(|(_, r)| r).collect();
    let members = cat.memberships()?;
    let list: Vec<Membership> = members.iter().map(|(_, m)| *m).collect();
    let name = |oid: u32| {
        roles
            .iter()
            .find(|r| r.oid == oid)
            .map_or_else(|| oid.to_string(), |r| r.name.clone())
    };
    if member_of(role, &roles, &list, false).contains(&member) {
        return Err(SqlError::new(
            SqlState::INVALID_GRANT_OPERATION_ROLE,
            if role == member {
                format!(
                    "role \"{}\" is a member of role \"{}\"",
                    name(member),
                    name(role)
                )
            } else {
                format!(
                    "role \"{}\" is a member of role \"{}\"",
                    name(role),
                    name(member)
                )
            },
        ));
    }
    let existing = members
        .iter()
        .find(|(_, m)| m.role == role && m.member == member)
        .map(|(tid, m)| (*tid, *m));
    let xid = ctx.write_xid("GRANT")?;
    let who = ctx.actor(xid);
    match existing {
        Some((_, m)) if m.admin || !admin => {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!(
                    "role \"{}\" is already a member of role \"{}\"",
                    name(member),
                    name(role)
                ),
            ));
            Ok(())
        }
        Some((tid, m)) => {
            ctx.catalog()
                .put_membership(Some(tid), &Membership { admin: true, ..m }, &who)
        }
        None => ctx.catalog().put_membership(
            None,
            &Membership {
                role,
                member,
                grantor,
                admin,
            },
            &who,
        ),
    }
}

/// ALTER ROLE name [WITH] option ... | RENAME TO new.
pub fn alter_role(
    ctx: &mut Stmt<'_>,
    name: &ast::Ident,
    op: &ast::AlterRoleOperation,
) -> Result<()> {
    ctx.check_writable("ALTER ROLE")?;
    lock_roles(ctx)?;
    let name = ident(name);
    let (tid, mut role) = ctx
        .catalog()
        .role(&name)?
        .ok_or_else(|| undefined_role(&name))?;
    match op {
        ast::AlterRoleOperation::WithOptions { options } => {
            let me = ctx.current_role()?;
            let needs_superuser = apply_options(ctx, &mut role, options)?;
            // A role may change its own password (rule 1).
            let own_password = me.oid == role.oid
                && options
                    .iter()
                    .all(|o| matches!(o, ast::RoleOption::Password(_)));
            if !own_password {
                check_can_manage(ctx, Some(&role), needs_superuser, "alter")?;
            }
        }
        ast::AlterRoleOperation::RenameRole { role_name } => {
            let new = ident(role_name);
            check_can_manage(ctx, Some(&role), false, "rename")?;
            check_role_name(&name)?;
            if name == ctx.settings.str("session_authorization") {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "session user cannot be renamed",
                ));
            }
            if name == ctx.current_user() {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "current user cannot be renamed",
                ));
            }
            check_role_name(&new)?;
            if ctx.catalog().role(&new)?.is_some() {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!("role \"{new}\" already exists"),
                ));
            }
            role.name = new;
            // An MD5 password is salted with the name, so it is cleared.
            if role
                .password
                .as_deref()
                .is_some_and(|p| p.starts_with("md5"))
            {
                role.password = None;
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    "MD5 password cleared because of role rename",
                ));
            }
        }
        other => return Err(SqlError::unsupported(format!("ALTER ROLE ... {other}"))),
    }
    let xid = ctx.write_xid("ALTER ROLE")?;
    let who = ctx.actor(xid);
    ctx.catalog().put_role(tid, &role, &who)
}

/// DROP ROLE | USER | GROUP [IF EXISTS] name, ...
pub fn drop_roles(ctx: &mut Stmt<'_>, if_exists: bool, names: &[ast::ObjectName]) -> Result<()> {
    ctx.check_writable("DROP ROLE")?;
    lock_roles(ctx)?;
    for n in names {
        let name = object_name(n).join(".");
        let Some((tid, role)) = ctx.catalog().role(&name)? else {
            if if_exists {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    format!("role \"{name}\" does not exist, skipping"),
                ));
                continue;
            }
            return Err(undefined_role(&name));
        };
        check_can_manage(ctx, Some(&role), false, "drop")?;
        if name == ctx.current_user() {
            return Err(SqlError::new(
                SqlState::OBJECT_IN_USE,
                "current user cannot be dropped",
            ));
        }
        if name == ctx.settings.str("session_authorization") {
            return Err(SqlError::new(
                SqlState::OBJECT_IN_USE,
                "session user cannot be dropped",
            ));
        }
        let Some(tid) = tid.filter(|_| !Role::builtin().iter().any(|b| b.oid == role.oid)) else {
            return Err(SqlError::new(
                SqlState::OBJECT_IN_USE,
                format!("cannot drop role {name} because it is required by the database system"),
            ));
        };
        let dependents = super::grant::role_dependents(ctx, role.oid)?;
        if !dependents.is_empty() {
            return Err(SqlError::new(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("role \"{name}\" cannot be dropped because some objects depend on it"),
            )
            .with_detail(dependents.join("\n")));
        }
        let xid = ctx.write_xid("DROP ROLE")?;
        let who = ctx.actor(xid);
        let cat = ctx.catalog();
        for (mtid, m) in cat.memberships()? {
            if m.role == role.oid || m.member == role.oid {
                cat.delete_membership(mtid, &who)?;
            }
        }
        cat.delete_role(tid, &who)?;
    }
    Ok(())
}

/// GRANT role, ... TO role, ... [WITH ADMIN OPTION | WITH ADMIN TRUE].
pub fn grant_role(ctx: &mut Stmt<'_>, g: &ast::GrantRole) -> Result<()> {
    ctx.check_writable("GRANT")?;
    lock_roles(ctx)?;
    let admin = g.options.iter().any(|o| {
        o.to_string().to_lowercase().starts_with("admin")
            && !o.to_string().to_lowercase().contains("false")
    });
    let me = ctx.current_role()?;
    for r in &g.roles {
        let name = ident(r);
        let role = role_oid(ctx, &name)?;
        check_can_grant(ctx, &me, role, &name)?;
        for grantee in &g.grantees {
            let member = grantee_oid(ctx, grantee)?;
            put_membership(ctx, role, member, me.oid, admin)?;
        }
    }
    Ok(())
}

/// REVOKE [ADMIN OPTION FOR] role, ... FROM role, ...
pub fn revoke_role(ctx: &mut Stmt<'_>, r: &ast::RevokeRole) -> Result<()> {
    ctx.check_writable("REVOKE")?;
    lock_roles(ctx)?;
    let me = ctx.current_role()?;
    for role_name in &r.roles {
        let name = ident(role_name);
        let role = role_oid(ctx, &name)?;
        check_can_grant(ctx, &me, role, &name)?;
        for grantee in &r.grantees {
            let member = grantee_oid(ctx, grantee)?;
            let found = ctx
                .catalog()
                .memberships()?
                .into_iter()
                .find(|(_, m)| m.role == role && m.member == member);
            let Some((tid, m)) = found else {
                let member_name = grantee.to_string();
                ctx.notices.push(SqlError::warning(
                    SqlState::WARNING,
                    format!("role \"{member_name}\" has not been granted membership in role \"{name}\" by role \"{}\"", me.name),
                ));
                continue;
            };
            let xid = ctx.write_xid("REVOKE")?;
            let who = ctx.actor(xid);
            if r.option_for.is_some() {
                ctx.catalog()
                    .put_membership(Some(tid), &Membership { admin: false, ..m }, &who)?;
            } else {
                ctx.catalog().delete_membership(tid, &who)?;
            }
        }
    }
    Ok(())
}

/// Granting membership in `role` takes a superuser for a superuser role,
/// else CREATEROLE or the admin option on it.
fn check_can_grant(ctx: &Stmt<'_>, me: &Role, role: u32, name: &str) -> Result<()> {
    if me.superuser {
        return Ok(());
    }
    let cat = ctx.catalog();
    let target = cat.roles()?.into_iter().find(|(_, r)| r.oid == role);
    if target.is_some_and(|(_, r)| r.superuser) {
        return Err(denied("must be superuser to alter superusers"));
    }
    let admin = cat
        .memberships()?
        .iter()
        .any(|(_, m)| m.role == role && m.member == me.oid && m.admin);
    if me.createrole || admin {
        return Ok(());
    }
    Err(denied(format!("must have admin option on role \"{name}\"")))
}

/// The role a grantee names (CURRENT_USER, SESSION_USER, a name).
fn grantee_oid(ctx: &Stmt<'_>, g: &ast::Grantee) -> Result<u32> {
    let name = match &g.name {
        Some(ast::GranteeName::ObjectName(n)) => object_name(n).join("."),
        _ => g.to_string(),
    };
    let name = match name.to_lowercase().as_str() {
        "current_user" | "current_role" => ctx.current_user(),
        "session_user" => ctx.settings.str("session_authorization"),
        _ => name,
    };
    role_oid(ctx, &name)
}
