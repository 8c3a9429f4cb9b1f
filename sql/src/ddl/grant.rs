//! GRANT and REVOKE of privileges on objects; OWNER TO.
//!
//! Each object's list (acl.rs) is read (its stored one, else its kind's
//! default for its owner), changed for every grantee, and stored back
//! (catalog/privs.rs). As PostgreSQL's ExecGrantStmt:
//! 1. The grantor is the owner when the current user is a superuser or
//!    owns the object; otherwise the current user, who grants only what
//!    it holds with grant option (a WARNING for the rest, 42501 when it
//!    holds nothing at all on the object).
//! 2. A privilege the object's kind does not have is 0LP01 (a sequence
//!    named by TABLE takes the ones it has, with a WARNING).
//! 3. REVOKE of what the grantee passed on to others is 2BP01 unless
//!    CASCADE, which revokes those grants too.

use actorgres_storage::lock::LockMode;

use super::{split_name, undefined_table};
use crate::acl::{self, Acl, ObjectKind};
use crate::binder::object_name;
use crate::catalog::privs::{self, Entry};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::parser::grant::{GrantStatement, GrantTarget, Grantee};
use crate::session::privilege::{relation_acl, relation_kind, schema_acl, schema_owner};
use crate::session::Stmt;

/// One object a statement changes the privileges of.
struct Object {
    /// Its catalog.
    class: u32,
    /// Its OID.
    oid: u32,
    /// The column number (0: the object itself).
    sub: i32,
    /// Its privilege kind.
    kind: ObjectKind,
    /// Its owner.
    owner: u32,
    /// Its list now.
    acl: Acl,
    /// Its name as messages print it.
    name: String,
    /// The word messages call its kind by ("table", "view" ...).
    word: &'static str,
}

fn invalid_grant(message: String) -> SqlError {
    SqlError::new(SqlState::INVALID_GRANT_OPERATION_ROLE, message)
}

/// The role OID of a grantee.
fn grantee_oid(ctx: &Stmt<'_>, g: &Grantee) -> Result<u32> {
    match g {
        Grantee::Public => Ok(acl::PUBLIC),
        Grantee::CurrentUser => ctx.current_user_oid(),
        Grantee::SessionUser => {
            let name = ctx.settings.str("session_authorization");
            Ok(ctx
                .catalog()
                .role(&name)?
                .map_or(crate::catalog::roles::BOOTSTRAP_SUPERUSER, |(_, r)| r.oid))
        }
        Grantee::Role(name) => match ctx.catalog().role(name)? {
            Some((_, r)) => Ok(r.oid),
            None => Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("role \"{name}\" does not exist"),
            )),
        },
    }
}

/// The privilege bits the statement names for objects of `kind`.
fn wanted(g: &GrantStatement, kind: ObjectKind, columns: bool) -> Result<u32> {
    let kind_all = if columns {
        ObjectKind::Column.all()
    } else {
        kind.all()
    };
    let mut bits = 0;
    for p in &g.privileges {
        let Some(name) = &p.name else {
            bits |= kind_all;
            continue;
        };
        let bit = acl::privilege_named(name).ok_or_else(|| {
            SqlError::syntax(
                format!("unrecognized privilege type \"{}\"", name.to_lowercase()),
                None,
            )
        })?;
        if bit & kind_all == 0 {
            // A table named may be a sequence: what neither has is
            // "for relation".
            let what = if columns {
                "column"
            } else if kind == ObjectKind::Table
                && bit & ObjectKind::Sequence.all() == 0
                && matches!(g.target, GrantTarget::Tables(_))
            {
                "relation"
            } else {
                kind.word()
            };
            return Err(invalid_grant(format!(
                "invalid privilege type {} for {what}",
                acl::privilege_word(bit)
            )));
        }
        bits |= bit;
    }
    Ok(bits)
}

/// GRANT / REVOKE ... ON objects.
pub fn grant_statement(ctx: &mut Stmt<'_>, g: &GrantStatement) -> Result<&'static str> {
    let tag = if g.defaults.is_some() {
        "ALTER DEFAULT PRIVILEGES"
    } else if g.grant {
        "GRANT"
    } else {
        "REVOKE"
    };
    ctx.check_writable(tag)?;
    if let Some(d) = &g.defaults {
        alter_default_privileges(ctx, g, d)?;
        return Ok(tag);
    }
    let grantees = g
        .grantees
        .iter()
        .map(|x| grantee_oid(ctx, x))
        .collect::<Result<Vec<u32>>>()?;
    if let Some(by) = &g.granted_by {
        let by = grantee_oid(ctx, by)?;
        if by != ctx.current_user_oid()? {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "grantor must be current user",
            ));
        }
    }
    let has_columns = g.privileges.iter().any(|p| !p.columns.is_empty());
    // Privileges a named kind cannot have fail before its objects are
    // looked up.
    match &g.target {
        GrantTarget::Sequences(_) => {
            wanted(g, ObjectKind::Sequence, false)?;
        }
        GrantTarget::Schemas(_) => {
            wanted(g, ObjectKind::Schema, false)?;
        }
        GrantTarget::Databases(_) => {
            wanted(g, ObjectKind::Database, false)?;
        }
        GrantTarget::Functions(..) => {
            wanted(g, ObjectKind::Function, false)?;
        }
        _ => {}
    }
    let objects = objects(ctx, g)?;
    if has_columns && objects.iter().any(|o| o.kind != ObjectKind::Table) {
        return Err(invalid_grant(
            "column privileges are only valid for relations".into(),
        ));
    }
    let xid = ctx.write_xid(tag)?;
    for object in objects {
        if has_columns {
            change_columns(ctx, g, &grantees, &object, xid)?;
        }
        let plain = g.privileges.iter().any(|p| p.columns.is_empty());
        if plain {
            let mut bits = match wanted(g, object.kind, false) {
                Ok(b) => b,
                Err(_)
                    if object.kind == ObjectKind::Sequence
                        && matches!(g.target, GrantTarget::Tables(_)) =>
                {
                    // A sequence named as a table takes what it has.
                    ctx.notices.push(SqlError::warning(
                        SqlState::WARNING,
                        format!(
                            "sequence \"{}\" only supports USAGE, SELECT, and UPDATE privileges",
                            object.name
                        ),
                    ));
                    wanted_loose(g) & ObjectKind::Sequence.all()
                }
                Err(e) => return Err(e),
            };
            if g.privileges.iter().all(|p| p.name.is_none()) {
                bits = object.kind.all();
            }
            // Revoking from a table takes the same privileges from its
            // columns too.
            if !g.grant && object.kind == ObjectKind::Table {
                revoke_columns(ctx, g, &grantees, &object, bits, xid)?;
            }
            change(ctx, g, &grantees, object, bits, xid)?;
        }
    }
    ctx.catalog_changed();
    Ok(tag)
}

/// The bits named whatever the kind (a sequence named by TABLE).
fn wanted_loose(g: &GrantStatement) -> u32 {
    g.privileges
        .iter()
        .filter(|p| p.columns.is_empty())
        .map(|p| match &p.name {
            None => u32::MAX,
            Some(n) => acl::privilege_named(n).unwrap_or(0),
        })
        .fold(0, |a, b| a | b)
}

/// The column privileges of the statement, on `object`'s columns.
fn change_columns(
    ctx: &mut Stmt<'_>,
    g: &GrantStatement,
    grantees: &[u32],
    object: &Object,
    xid: u32,
) -> Result<()> {
    let Some(def) = ctx.catalog().table_by_oid(object.oid)? else {
        return Ok(());
    };
    let p = ctx.privileges()?;
    for spec in g.privileges.iter().filter(|s| !s.columns.is_empty()) {
        let one = GrantStatement {
            privileges: vec![spec.clone()],
            ..g.clone()
        };
        let bits = wanted(&one, ObjectKind::Column, true)?;
        for col in &spec.columns {
            // System columns have PostgreSQL's negative numbers.
            let system = match col.as_str() {
                "ctid" => Some(-1),
                "xmin" => Some(-2),
                "cmin" => Some(-3),
                "xmax" => Some(-4),
                "cmax" => Some(-5),
                "tableoid" => Some(-6),
                _ => None,
            };
            let attnum = match (def.find(col), system) {
                (Some(i), _) => i as i32 + 1,
                (None, Some(n)) => n,
                (None, None) => {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!(
                            "column \"{col}\" of relation \"{}\" does not exist",
                            def.name
                        ),
                    ))
                }
            };
            let column = Object {
                class: privs::CLASS,
                oid: def.oid,
                sub: attnum,
                kind: ObjectKind::Column,
                owner: object.owner,
                acl: p
                    .acl(privs::CLASS, def.oid, attnum)
                    .cloned()
                    .unwrap_or_default(),
                name: object.name.clone(),
                word: object.word,
            };
            change_with(ctx, g, grantees, column, bits, xid, Some(&object.acl))?;
        }
    }
    Ok(())
}

/// A table-level REVOKE's effect on the table's column lists.
fn revoke_columns(
    ctx: &mut Stmt<'_>,
    g: &GrantStatement,
    grantees: &[u32],
    object: &Object,
    bits: u32,
    xid: u32,
) -> Result<()> {
    let bits = bits & ObjectKind::Column.all();
    let p = ctx.privileges()?;
    let columns: Vec<(i32, Acl)> = p
        .column_acls(object.oid)
        .map(|(n, a)| (n, a.clone()))
        .collect();
    for (sub, list) in columns {
        let mut column = Object {
            class: privs::CLASS,
            oid: object.oid,
            sub,
            kind: ObjectKind::Column,
            owner: object.owner,
            acl: list,
            name: object.name.clone(),
            word: object.word,
        };
        let grantor = match ctx.acting_roles()? {
            Some(r) if !r.contains(&object.owner) => ctx.current_user_oid()?,
            _ => object.owner,
        };
        for &grantee in grantees {
            revoke_cascading(
                &mut column,
                grantee,
                grantor,
                bits,
                g.grant_option,
                g.cascade,
            )?;
        }
        let entry = Entry {
            owner: None,
            acl: Some(column.acl).filter(|a| !a.is_empty()),
        };
        ctx.catalog()
            .put_privileges(privs::CLASS, object.oid, sub, &entry, &ctx.actor(xid))?;
    }
    Ok(())
}

fn change(
    ctx: &mut Stmt<'_>,
    g: &GrantStatement,
    grantees: &[u32],
    object: Object,
    bits: u32,
    xid: u32,
) -> Result<()> {
    change_with(ctx, g, grantees, object, bits, xid, None)
}

/// Applies the statement to one object's list and stores it (rules 1
/// and 3); `parent` is a column's relation list (its grant options
/// count for the column).
fn change_with(
    ctx: &mut Stmt<'_>,
    g: &GrantStatement,
    grantees: &[u32],
    mut object: Object,
    bits: u32,
    xid: u32,
    parent: Option<&Acl>,
) -> Result<()> {
    let roles = ctx.acting_roles()?;
    let me = ctx.current_user_oid()?;
    let (grantor, avail) = match &roles {
        None => (object.owner, bits),
        Some(r) if r.contains(&object.owner) => (object.owner, bits),
        Some(r) => {
            let mut opts = acl::mask(&object.acl, object.owner, r, bits, true);
            if let Some(p) = parent {
                opts |= acl::mask(p, object.owner, r, bits, true);
            }
            if opts == 0 {
                let any = acl::mask(&object.acl, object.owner, r, u32::MAX, false)
                    | acl::mask(&object.acl, object.owner, r, u32::MAX, true)
                    | parent.map_or(0, |p| acl::mask(p, object.owner, r, u32::MAX, false));
                if any == 0 {
                    return Err(crate::session::privilege::denied(object.word, &object.name));
                }
            }
            (me, opts)
        }
    };
    if avail != bits {
        let (code, msg) = match (g.grant, avail == 0) {
            (true, true) => (
                SqlState::PRIVILEGE_NOT_GRANTED,
                "no privileges were granted",
            ),
            (true, false) => (
                SqlState::PRIVILEGE_NOT_GRANTED,
                "not all privileges were granted",
            ),
            (false, true) => (
                SqlState::PRIVILEGE_NOT_REVOKED,
                "no privileges could be revoked",
            ),
            (false, false) => (
                SqlState::PRIVILEGE_NOT_REVOKED,
                "not all privileges could be revoked",
            ),
        };
        let name = if object.kind == ObjectKind::Column {
            let col = ctx
                .catalog()
                .table_by_oid(object.oid)?
                .and_then(|d| {
                    d.columns
                        .get(object.sub as usize - 1)
                        .map(|c| c.name.clone())
                })
                .unwrap_or_default();
            format!("column \"{col}\" of relation \"{}\"", object.name)
        } else {
            format!("\"{}\"", object.name)
        };
        ctx.notices
            .push(SqlError::warning(code, format!("{msg} for {name}")));
    }
    if avail == 0 {
        return Ok(());
    }
    for &grantee in grantees {
        if g.grant {
            if g.grant_option && grantee == acl::PUBLIC {
                return Err(invalid_grant(
                    "grant options can only be granted to roles".into(),
                ));
            }
            let options = if g.grant_option { avail } else { 0 };
            acl::grant(&mut object.acl, grantee, grantor, avail, options);
        } else {
            revoke_cascading(
                &mut object,
                grantee,
                grantor,
                avail,
                g.grant_option,
                g.cascade,
            )?;
        }
    }
    let entry = Entry {
        owner: ctx
            .privileges()?
            .entry(object.class, object.oid, 0)
            .and_then(|e| e.owner)
            .filter(|_| object.sub == 0),
        acl: Some(object.acl),
    };
    let entry = if object.sub == 0 {
        entry
    } else {
        Entry {
            owner: None,
            acl: entry.acl.filter(|a| !a.is_empty()),
        }
    };
    ctx.catalog().put_privileges(
        object.class,
        object.oid,
        object.sub,
        &entry,
        &ctx.actor(xid),
    )?;
    ctx.catalog_changed();
    Ok(())
}

/// REVOKE from one grantee, and with CASCADE what it passed on (rule 3).
fn revoke_cascading(
    object: &mut Object,
    grantee: u32,
    grantor: u32,
    bits: u32,
    option_only: bool,
    cascade: bool,
) -> Result<()> {
    let held = object
        .acl
        .iter()
        .find(|i| i.grantee == grantee && i.grantor == grantor)
        .map_or(0, |i| i.options);
    acl::revoke(&mut object.acl, grantee, grantor, bits, option_only);
    // What `grantee` granted on with the options it loses.
    let lost = held & bits;
    if lost == 0 || grantee == acl::PUBLIC {
        return Ok(());
    }
    let passed: Vec<u32> = object
        .acl
        .iter()
        .filter(|i| i.grantor == grantee && i.privs & lost != 0)
        .map(|i| i.grantee)
        .collect();
    if passed.is_empty() {
        return Ok(());
    }
    if !cascade {
        return Err(SqlError::new(
            SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
            "dependent privileges exist",
        )
        .with_hint("Use CASCADE to revoke them too."));
    }
    for next in passed {
        revoke_cascading(object, next, grantee, lost, false, true)?;
    }
    Ok(())
}

/// The objects a statement names, each with its list now.
fn objects(ctx: &mut Stmt<'_>, g: &GrantStatement) -> Result<Vec<Object>> {
    let p = ctx.privileges()?;
    let relation = |def: &TableDef| {
        let (kind, word) = relation_kind(def);
        Object {
            class: privs::CLASS,
            oid: def.oid,
            sub: 0,
            kind,
            owner: p.owner(privs::CLASS, def.oid),
            acl: relation_acl(&p, def),
            name: def.name.clone(),
            word,
        }
    };
    let mut out = Vec::new();
    match &g.target {
        GrantTarget::Tables(names) | GrantTarget::Sequences(names) => {
            let sequences = matches!(g.target, GrantTarget::Sequences(_));
            for n in names {
                let parts = object_name(n);
                let (schema, rel) = split_name(ctx, &parts)?;
                let Some(def) = ctx.open_table(schema, rel, LockMode::AccessShare)? else {
                    return Err(undefined_table("relation", rel));
                };
                if sequences && def.sequence.is_none() {
                    return Err(SqlError::new(
                        SqlState::WRONG_OBJECT_TYPE,
                        format!("\"{}\" is not a sequence", def.name),
                    ));
                }
                out.push(relation(&def));
            }
        }
        GrantTarget::AllInSchema(kind, schemas) => {
            let namespaces = ctx.namespaces()?;
            for s in schemas {
                let Some(ns) = crate::catalog::schema_oid(&namespaces, s) else {
                    return Err(super::undefined_schema(s));
                };
                match kind.as_str() {
                    "TABLES" | "SEQUENCES" => {
                        let want_seq = kind == "SEQUENCES";
                        let mut rels: Vec<TableDef> = ctx
                            .catalog()
                            .relations()?
                            .into_iter()
                            .filter(|d| d.namespace == ns && d.sequence.is_some() == want_seq)
                            .collect();
                        rels.sort_by_key(|d| d.oid);
                        out.extend(rels.iter().map(relation));
                    }
                    // There are no procedures: FUNCTIONS and ROUTINES are
                    // the schema's functions.
                    "PROCEDURES" => {}
                    _ => {
                        for f in ctx.user_functions()?.iter() {
                            if f.namespace == ns {
                                out.push(function_object(&p, f));
                            }
                        }
                    }
                }
            }
        }
        GrantTarget::Schemas(names) => {
            let namespaces = ctx.namespaces()?;
            for s in names {
                let Some(ns) = crate::catalog::schema_oid(&namespaces, s) else {
                    return Err(super::undefined_schema(s));
                };
                out.push(Object {
                    class: privs::NAMESPACE,
                    oid: ns,
                    sub: 0,
                    kind: ObjectKind::Schema,
                    owner: schema_owner(&p, ns),
                    acl: schema_acl(&p, ns),
                    name: s.clone(),
                    word: "schema",
                });
            }
        }
        GrantTarget::Databases(names) => {
            for d in names {
                let Some((_, db)) = ctx.catalog().database(d)? else {
                    return Err(SqlError::new(
                        SqlState::INVALID_CATALOG_NAME,
                        format!("database \"{d}\" does not exist"),
                    ));
                };
                let owner = p.owner(privs::DATABASE, db.oid);
                out.push(Object {
                    class: privs::DATABASE,
                    oid: db.oid,
                    sub: 0,
                    kind: ObjectKind::Database,
                    owner,
                    acl: p.in_force(privs::DATABASE, db.oid, ObjectKind::Database).1,
                    name: d.clone(),
                    word: "database",
                });
            }
        }
        GrantTarget::Functions(_, descs) => {
            for desc in descs {
                let f = match super::function::find_function(
                    ctx,
                    desc,
                    false,
                    crate::parser::RoutineKind::Routine,
                ) {
                    Ok(Some(f)) => f,
                    Ok(None) => continue,
                    Err(e) if e.code() == SqlState::UNDEFINED_FUNCTION => {
                        // A built-in function: its list is kept (and shown)
                        // as a user function's.
                        match builtin_function(ctx, desc)? {
                            Some((oid, name)) => {
                                let su = crate::catalog::roles::BOOTSTRAP_SUPERUSER;
                                out.push(Object {
                                    class: privs::PROC,
                                    oid,
                                    sub: 0,
                                    kind: ObjectKind::Function,
                                    owner: su,
                                    acl: p.in_force(privs::PROC, oid, ObjectKind::Function).1,
                                    name: name.to_owned(),
                                    word: "function",
                                });
                                continue;
                            }
                            None => return Err(e),
                        }
                    }
                    Err(e) => return Err(e),
                };
                out.push(function_object(&p, &f));
            }
        }
        GrantTarget::Languages(names) => {
            for l in names {
                let oid = match l.as_str() {
                    "internal" | "c" => {
                        return Err(SqlError::new(
                            SqlState::WRONG_OBJECT_TYPE,
                            format!("language \"{l}\" is not trusted"),
                        )
                        .with_detail(
                            "GRANT and REVOKE are not allowed on untrusted languages, because only superusers can use untrusted languages.",
                        ))
                    }
                    name => privs::language_oid(name).ok_or_else(|| {
                        SqlError::new(
                            SqlState::UNDEFINED_OBJECT,
                            format!("language \"{l}\" does not exist"),
                        )
                    })?,
                };
                let owner = p.owner(privs::LANGUAGE, oid);
                out.push(Object {
                    class: privs::LANGUAGE,
                    oid,
                    sub: 0,
                    kind: ObjectKind::Language,
                    owner,
                    acl: p.in_force(privs::LANGUAGE, oid, ObjectKind::Language).1,
                    name: l.clone(),
                    word: "language",
                });
            }
        }
        GrantTarget::Types(word, names) => {
            for n in names {
                let parts = object_name(n);
                let Some(t) = ctx.find_user_type(&parts)? else {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("type \"{}\" does not exist", parts.join(".")),
                    ));
                };
                if word == "DOMAIN" && t.domain.is_none() {
                    return Err(SqlError::new(
                        SqlState::WRONG_OBJECT_TYPE,
                        format!("\"{}\" is not a domain", t.name),
                    ));
                }
                let owner = p.owner(privs::TYPE, t.oid);
                out.push(Object {
                    class: privs::TYPE,
                    oid: t.oid,
                    sub: 0,
                    kind: ObjectKind::Type,
                    owner,
                    acl: p.in_force(privs::TYPE, t.oid, ObjectKind::Type).1,
                    name: t.name.clone(),
                    word: "type",
                });
            }
        }
        GrantTarget::Other(kind) => {
            return Err(SqlError::unsupported(format!(
                "privileges on a {}",
                kind.to_lowercase()
            )))
        }
    }
    Ok(out)
}

fn function_object(p: &privs::Privileges, f: &crate::routine::UserFunction) -> Object {
    let owner = p.owner(privs::PROC, f.oid);
    Object {
        class: privs::PROC,
        oid: f.oid,
        sub: 0,
        kind: ObjectKind::Function,
        owner,
        acl: p.in_force(privs::PROC, f.oid, ObjectKind::Function).1,
        name: f.name.clone(),
        word: "function",
    }
}

/// OWNER TO for object (`class`, `oid`): checks as PostgreSQL (the
/// current user owns it and is a member of the new owner, or is a
/// superuser) and stores the new owner with the list moved to it.
pub(crate) fn change_owner(
    ctx: &mut Stmt<'_>,
    class: u32,
    oid: u32,
    new_name: &str,
    word: &str,
    name: &str,
) -> Result<()> {
    let new = match ctx.catalog().role(new_name)? {
        Some((_, r)) => r.oid,
        None => {
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("role \"{new_name}\" does not exist"),
            ))
        }
    };
    let p = ctx.privileges()?;
    let old = if class == privs::NAMESPACE {
        schema_owner(&p, oid)
    } else {
        p.owner(class, oid)
    };
    if old == new {
        return Ok(());
    }
    if let Some(roles) = ctx.acting_roles()? {
        if !roles.contains(&old) {
            return Err(crate::session::privilege::not_owner(word, name));
        }
        let all = ctx.acting_roles_of(&ctx.current_user())?;
        let member = {
            let cat = ctx.catalog();
            let roles: Vec<_> = cat.roles()?.into_iter().map(|(_, r)| r).collect();
            let members: Vec<_> = cat.memberships()?.into_iter().map(|(_, m)| m).collect();
            let me = all.as_ref().map_or(0, |r| r[0]);
            crate::catalog::roles::member_of(me, &roles, &members, false).contains(&new)
        };
        if !member {
            return Err(SqlError::new(
                SqlState::INSUFFICIENT_PRIVILEGE,
                format!("must be member of role \"{new_name}\""),
            ));
        }
    }
    let acl = p.acl(class, oid, 0).map(|a| acl::new_owner(a, old, new));
    let entry = Entry {
        owner: Some(new),
        acl,
    };
    let xid = ctx.write_xid("ALTER")?;
    ctx.catalog()
        .put_privileges(class, oid, 0, &entry, &ctx.actor(xid))?;
    if class == privs::CLASS {
        // A table's column lists move with it, and so do the sequences
        // its columns own (serial, identity).
        let columns: Vec<(i32, Acl)> = p
            .column_acls(oid)
            .map(|(n, a)| (n, acl::new_owner(a, old, new)))
            .collect();
        for (n, list) in columns {
            let entry = Entry {
                owner: None,
                acl: Some(list),
            };
            ctx.catalog()
                .put_privileges(class, oid, n, &entry, &ctx.actor(xid))?;
        }
        let owned: Vec<u32> = ctx
            .catalog()
            .rows_where(&crate::catalog::system::PG_SEQUENCE, 9, oid)?
            .iter()
            .map(|(_, r)| crate::catalog::oid_of(&r[0]))
            .collect();
        for seq in owned {
            let entry = Entry {
                owner: Some(new),
                acl: p
                    .acl(class, seq, 0)
                    .map(|a| acl::new_owner(a, p.owner(class, seq), new)),
            };
            ctx.catalog()
                .put_privileges(class, seq, 0, &entry, &ctx.actor(xid))?;
        }
    }
    ctx.catalog_changed();
    Ok(())
}

/// What stops role `role` from being dropped: the objects it owns and
/// those it holds privileges on, as PostgreSQL's DETAIL lists them
/// ("owner of table t", "privileges for schema s").
pub(crate) fn role_dependents(ctx: &mut Stmt<'_>, role: u32) -> Result<Vec<String>> {
    let p = ctx.privileges()?;
    let mut keys: Vec<(u32, u32, i32)> = p.keys().collect();
    // Databases first, then languages, then the database's objects in
    // the order they were made.
    keys.sort_by_key(|&(class, oid, sub)| {
        let rank = match class {
            privs::DATABASE => 0,
            privs::LANGUAGE => 1,
            _ => 2,
        };
        (rank, oid, sub)
    });
    let relations = ctx.catalog().relations()?;
    let namespaces = ctx.namespaces()?;
    let functions = ctx.user_functions()?;
    let mut owner_of = Vec::new();
    let mut privileges_for = Vec::new();
    for (class, oid, sub) in keys {
        let Some(e) = p.entry(class, oid, sub) else {
            continue;
        };
        let what = match class {
            privs::CLASS => relations.iter().find(|d| d.oid == oid).map(|d| {
                let base = format!("{} {}", relation_kind(d).1, d.name);
                match d.columns.get((sub as usize).wrapping_sub(1)) {
                    Some(c) if sub > 0 => format!("column {} of {base}", c.name),
                    _ => base,
                }
            }),
            privs::NAMESPACE => namespaces
                .iter()
                .find(|(o, _)| *o == oid)
                .map(|(_, n)| format!("schema {n}")),
            privs::PROC => functions
                .iter()
                .find(|f| f.oid == oid)
                .map(|f| format!("function {}", f.name)),
            privs::DATABASE => ctx
                .catalog()
                .databases()?
                .into_iter()
                .find(|d| d.oid == oid)
                .map(|d| format!("database {}", d.name)),
            privs::LANGUAGE => privs::language_name(oid).map(|n| format!("language {n}")),
            _ => None,
        };
        let Some(what) = what else {
            continue;
        };
        if e.owner == Some(role) {
            owner_of.push(format!("owner of {what}"));
        }
        if e.acl
            .as_ref()
            .is_some_and(|a| a.iter().any(|i| i.grantee == role || i.grantor == role))
        {
            privileges_for.push(format!("privileges for {what}"));
        }
    }
    owner_of.extend(privileges_for);
    Ok(owner_of)
}

/// DROP OWNED BY roles (their privileges revoked, the objects they own
/// in this database dropped) and REASSIGN OWNED BY roles TO role.
pub fn owned_statement(
    ctx: &mut Stmt<'_>,
    o: &crate::parser::grant::OwnedStatement,
) -> Result<&'static str> {
    let (tag, verb) = match o.to {
        Some(_) => ("REASSIGN OWNED", "reassign"),
        None => ("DROP OWNED", "drop"),
    };
    ctx.check_writable(tag)?;
    let roles = o
        .roles
        .iter()
        .map(|g| grantee_oid(ctx, g))
        .collect::<Result<Vec<u32>>>()?;
    let new = o.to.as_ref().map(|to| grantee_oid(ctx, to)).transpose()?;
    if let Some(mine) = ctx.acting_roles()? {
        if roles.iter().any(|r| !mine.contains(r)) {
            return Err(SqlError::new(
                SqlState::INSUFFICIENT_PRIVILEGE,
                format!("permission denied to {verb} objects"),
            ));
        }
    }
    if roles.contains(&crate::catalog::roles::BOOTSTRAP_SUPERUSER) {
        let name = crate::catalog::roles::BOOTSTRAP_SUPERUSER_NAME;
        return Err(SqlError::new(
            SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
            format!(
                "cannot {} objects owned by role {name} because they are required by the database system",
                if o.to.is_some() { "reassign ownership of" } else { "drop" }
            ),
        ));
    }
    let xid = ctx.write_xid(tag)?;
    let p = ctx.privileges()?;
    let mut keys: Vec<(u32, u32, i32)> = p.keys().collect();
    keys.sort_unstable();
    if let Some(new) = new {
        for (class, oid, sub) in keys {
            let Some(e) = p.entry(class, oid, sub) else {
                continue;
            };
            let Some(old) = e.owner.filter(|o| roles.contains(o)) else {
                continue;
            };
            let entry = Entry {
                owner: Some(new),
                acl: e.acl.as_ref().map(|a| acl::new_owner(a, old, new)),
            };
            ctx.catalog()
                .put_privileges(class, oid, sub, &entry, &ctx.actor(xid))?;
        }
        ctx.catalog_changed();
        return Ok(tag);
    }
    // The roles' privileges on every object go.
    for &(class, oid, sub) in &keys {
        let Some(e) = p.entry(class, oid, sub) else {
            continue;
        };
        let Some(list) = &e.acl else {
            continue;
        };
        if !list.iter().any(|i| roles.contains(&i.grantee)) {
            continue;
        }
        let kept: Acl = list
            .iter()
            .filter(|i| !roles.contains(&i.grantee))
            .copied()
            .collect();
        let entry = Entry {
            owner: e.owner,
            acl: Some(kept).filter(|a| sub == 0 || !a.is_empty()),
        };
        ctx.catalog()
            .put_privileges(class, oid, sub, &entry, &ctx.actor(xid))?;
    }
    ctx.catalog_changed();
    // Then what they own: relations, functions, types, schemas.
    let owned = |class: u32, oid: u32| {
        p.entry(class, oid, 0)
            .and_then(|e| e.owner)
            .is_some_and(|o| roles.contains(&o))
    };
    let namespaces = ctx.namespaces()?;
    let schema = |ns: u32| {
        crate::catalog::schema_name(&namespaces, ns)
            .unwrap_or_default()
            .to_owned()
    };
    let mut drops = Vec::new();
    let mut relations = ctx.catalog().relations()?;
    relations.sort_by_key(|d| d.oid);
    for d in relations.iter().filter(|d| owned(privs::CLASS, d.oid)) {
        let kind = match d.relkind() {
            'v' => "VIEW",
            'm' => "MATERIALIZED VIEW",
            'S' => "SEQUENCE",
            _ => "TABLE",
        };
        drops.push(format!(
            "DROP {kind} IF EXISTS {} CASCADE",
            crate::table::qualified(&schema(d.namespace), &d.name)
        ));
    }
    for f in ctx.user_functions()?.iter() {
        if owned(privs::PROC, f.oid) {
            let args: Vec<String> = f.input_types().iter().map(|t| t.to_string()).collect();
            drops.push(format!(
                "DROP FUNCTION IF EXISTS {}({}) CASCADE",
                crate::table::qualified(&schema(f.namespace), &f.name),
                args.join(", ")
            ));
        }
    }
    for t in ctx.user_types()?.iter() {
        if owned(privs::TYPE, t.oid) {
            drops.push(format!(
                "DROP TYPE IF EXISTS {} CASCADE",
                crate::table::qualified(&schema(t.namespace), &t.name)
            ));
        }
    }
    for (ns, name) in namespaces.iter() {
        if owned(privs::NAMESPACE, *ns) {
            drops.push(format!(
                "DROP SCHEMA IF EXISTS {} CASCADE",
                crate::func::quote_ident(name)
            ));
        }
    }
    for sql in drops {
        ctx.run_internal(&sql, &[], &[])?;
    }
    Ok(tag)
}

/// The kind letter pg_default_acl keys an ALTER DEFAULT PRIVILEGES kind
/// by, with its privilege kind.
fn default_kind(kind: &str) -> (char, ObjectKind) {
    match kind {
        "TABLES" => ('r', ObjectKind::Table),
        "SEQUENCES" => ('S', ObjectKind::Sequence),
        "FUNCTIONS" | "ROUTINES" => ('f', ObjectKind::Function),
        "TYPES" => ('T', ObjectKind::Type),
        _ => ('n', ObjectKind::Schema),
    }
}

/// ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT | REVOKE ...:
/// changes the lists pg_default_acl keeps for the role's future objects
/// (without IN SCHEMA the list starts from the kind's default, in a
/// schema from nothing; a list back at that start is no row).
fn alter_default_privileges(
    ctx: &mut Stmt<'_>,
    g: &GrantStatement,
    d: &crate::parser::grant::DefaultScope,
) -> Result<()> {
    let (letter, kind) = default_kind(&d.kind);
    if letter == 'n' && !d.schemas.is_empty() {
        return Err(invalid_grant(
            "cannot use IN SCHEMA clause when using GRANT/REVOKE ON SCHEMAS".into(),
        ));
    }
    if g.privileges.iter().any(|p| !p.columns.is_empty()) {
        return Err(invalid_grant(
            "column privileges are only valid for relations".into(),
        ));
    }
    let bits = wanted(g, kind, false)?;
    let roles = if d.roles.is_empty() {
        vec![ctx.current_user_oid()?]
    } else {
        d.roles
            .iter()
            .map(|n| grantee_oid(ctx, &Grantee::Role(n.clone())))
            .collect::<Result<Vec<u32>>>()?
    };
    if let Some(mine) = ctx.acting_roles()? {
        if roles.iter().any(|r| !mine.contains(r)) {
            return Err(SqlError::new(
                SqlState::INSUFFICIENT_PRIVILEGE,
                "permission denied to change default privileges",
            ));
        }
    }
    let namespaces = ctx.namespaces()?;
    let schemas = if d.schemas.is_empty() {
        vec![0]
    } else {
        d.schemas
            .iter()
            .map(|s| {
                crate::catalog::schema_oid(&namespaces, s).ok_or_else(|| super::undefined_schema(s))
            })
            .collect::<Result<Vec<u32>>>()?
    };
    let grantees = g
        .grantees
        .iter()
        .map(|x| grantee_oid(ctx, x))
        .collect::<Result<Vec<u32>>>()?;
    if g.grant && g.grant_option && grantees.contains(&acl::PUBLIC) {
        return Err(invalid_grant(
            "grant options can only be granted to roles".into(),
        ));
    }
    let xid = ctx.write_xid("ALTER DEFAULT PRIVILEGES")?;
    for &role in &roles {
        for &ns in &schemas {
            let found = ctx
                .catalog()
                .default_acls()?
                .into_iter()
                .find(|(_, x)| x.role == role && x.namespace == ns && x.kind == letter);
            let start = if ns == 0 {
                kind.default_acl(role)
            } else {
                Vec::new()
            };
            let mut list = found
                .as_ref()
                .map_or_else(|| start.clone(), |(_, x)| x.acl.clone());
            for &grantee in &grantees {
                if g.grant {
                    let options = if g.grant_option { bits } else { 0 };
                    acl::grant(&mut list, grantee, role, bits, options);
                } else {
                    acl::revoke(&mut list, grantee, role, bits, g.grant_option);
                }
            }
            let row = (!acl::same(&list, &start)).then(|| crate::catalog::privs::DefaultAcl {
                oid: found.as_ref().map_or(0, |(_, x)| x.oid),
                role,
                namespace: ns,
                kind: letter,
                acl: list,
            });
            let row = match row {
                Some(mut r) if r.oid == 0 => {
                    r.oid = ctx.engine().new_oid()?;
                    Some(r)
                }
                other => other,
            };
            ctx.catalog()
                .put_default_acl(found.map(|(t, _)| t), row.as_ref(), &ctx.actor(xid))?;
        }
    }
    ctx.catalog_changed();
    Ok(())
}

/// The list a new object of kind `letter` owned by `owner` in schema
/// `ns` starts with under ALTER DEFAULT PRIVILEGES (None: its kind's
/// default, nothing to store).
pub(crate) fn initial_acl(
    ctx: &Stmt<'_>,
    letter: char,
    owner: u32,
    ns: u32,
) -> Result<Option<Acl>> {
    let rows = ctx.catalog().default_acls()?;
    let find = |n: u32| {
        rows.iter()
            .find(|(_, d)| d.role == owner && d.namespace == n && d.kind == letter)
            .map(|(_, d)| d.acl.clone())
    };
    let (global, local) = (find(0), if ns == 0 { None } else { find(ns) });
    if global.is_none() && local.is_none() {
        return Ok(None);
    }
    let kind = match letter {
        'S' => ObjectKind::Sequence,
        'f' => ObjectKind::Function,
        'T' => ObjectKind::Type,
        'n' => ObjectKind::Schema,
        _ => ObjectKind::Table,
    };
    let default = kind.default_acl(owner);
    let mut list = global.unwrap_or_else(|| default.clone());
    for i in local.unwrap_or_default() {
        acl::grant(&mut list, i.grantee, i.grantor, i.privs, i.options);
    }
    Ok((!acl::same(&list, &default)).then_some(list))
}

/// The built-in function a GRANT names: by name and argument types (or
/// the only one of its name), as (pg_proc OID, name).
fn builtin_function(
    ctx: &Stmt<'_>,
    desc: &sqlparser::ast::FunctionDesc,
) -> Result<Option<(u32, &'static str)>> {
    let parts = object_name(&desc.name);
    let name = parts.last().cloned().unwrap_or_default();
    if parts.len() > 1 && parts[parts.len() - 2] != "pg_catalog" {
        return Ok(None);
    }
    let types = match &desc.args {
        Some(args) => Some(
            args.iter()
                .map(|a| ctx.sql_type(&a.data_type).map(|t| t.0))
                .collect::<Result<Vec<_>>>()?,
        ),
        None => None,
    };
    let mut found = crate::func::builtins()
        .filter(|(_, d)| d.name == name && types.as_ref().is_none_or(|t| d.args == t.as_slice()));
    Ok(match (found.next(), found.next()) {
        (Some((oid, d)), None) => Some((oid, d.name)),
        (Some((oid, d)), Some(_)) if types.is_some() => Some((oid, d.name)),
        _ => None,
    })
}
