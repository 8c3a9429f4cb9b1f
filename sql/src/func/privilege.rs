//! has_table_privilege and its kin: whether a role (the current user
//! unless named) holds privileges on an object, by acl.rs's rules over
//! the stored lists (a superuser holds everything).

use crate::acl::{self, ObjectKind};
use crate::catalog::privs;
use crate::catalog::roles::member_of;
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::session::privilege::{relation_acl, relation_kind, schema_acl, schema_owner};
use crate::types::DataType::{Bool, Int2, Name, Oid, Text};
use crate::value::Value;

use super::{f, stable, FuncDef};

/// pg_read_all_data and pg_write_all_data.
const READ_ALL_DATA: u32 = 6181;
const WRITE_ALL_DATA: u32 = 6182;

/// The roles whose privileges the role `user` names (name or OID; the
/// current user when None) has; None for a superuser.
pub(crate) fn acting(ctx: &EvalCtx<'_>, user: Option<&Value>) -> Result<Option<Vec<u32>>> {
    let Some(st) = &ctx.storage else {
        return Ok(None);
    };
    let cat = crate::catalog::Catalog::new(st.engine, 0, st.own);
    let roles: Vec<_> = cat.roles()?.into_iter().map(|(_, r)| r).collect();
    let role = match user {
        Some(Value::Oid(o)) => match roles.iter().find(|r| r.oid == *o) {
            Some(r) => Some(r),
            // An unknown role holds only PUBLIC's privileges.
            None => return Ok(Some(vec![*o])),
        },
        Some(v) => {
            let name = crate::catalog::text_of(v);
            match roles.iter().find(|r| r.name == name) {
                Some(r) => Some(r),
                None => {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("role \"{name}\" does not exist"),
                    ))
                }
            }
        }
        None => {
            let r = ctx.settings.str("role");
            let name = if r == "none" {
                ctx.settings.str("session_authorization")
            } else {
                r
            };
            roles.iter().find(|r| r.name == name)
        }
    };
    match role {
        Some(r) if !r.superuser => {
            let members: Vec<_> = cat.memberships()?.into_iter().map(|(_, m)| m).collect();
            Ok(Some(member_of(r.oid, &roles, &members, true)))
        }
        _ => Ok(None),
    }
}

/// The key [`acting_cached`] keeps its answer under in the statement's
/// catalog row cache (no relation has it).
const ACTING_KEY: u32 = u32::MAX;

/// [`acting`] for the current user, read once per statement (sequence
/// functions ask for every row).
pub(crate) fn acting_cached(ctx: &mut EvalCtx<'_>) -> Result<Option<Vec<u32>>> {
    if let Some(rows) = ctx.catalog_rows.get(&ACTING_KEY) {
        return Ok(match rows.first() {
            Some(r) if r.is_empty() => None,
            _ => Some(rows.iter().map(|r| crate::catalog::oid_of(&r[0])).collect()),
        });
    }
    let roles = acting(ctx, None)?;
    let rows = match &roles {
        None => vec![Vec::new()],
        Some(r) => r.iter().map(|o| vec![Value::Oid(*o)]).collect(),
    };
    ctx.catalog_rows
        .insert(ACTING_KEY, std::sync::Arc::new(rows));
    Ok(roles)
}

/// Whether the current user holds one of `any` on sequence `oid`.
pub(crate) fn sequence_allowed(ctx: &mut EvalCtx<'_>, oid: u32, any: u32) -> Result<bool> {
    let Some(roles) = acting_cached(ctx)? else {
        return Ok(true);
    };
    let p = privileges_of(ctx)?;
    let (owner, list) = p.in_force(privs::CLASS, oid, ObjectKind::Sequence);
    Ok(acl::mask(&list, owner, &roles, any, false) != 0)
}

/// Splits the arguments into (user, object, privilege text).
fn split(a: &[Value]) -> (Option<&Value>, &Value, String) {
    match a {
        [obj, p] => (None, obj, crate::catalog::text_of(p)),
        [user, obj, p, ..] => (Some(user), obj, crate::catalog::text_of(p)),
        _ => (None, &Value::Null, String::new()),
    }
}

/// A relation an argument names.
enum Rel {
    /// A user relation.
    User(Box<TableDef>),
    /// A system catalog or view, by name.
    System(&'static str),
}

/// Whether PUBLIC's privileges on system relation `name` (SELECT, no
/// grant option) include any of `wanted`.
fn system_holds(name: &str, wanted: u32, options: u32) -> bool {
    let list = acl::system_acl(name);
    let su = crate::catalog::roles::BOOTSTRAP_SUPERUSER;
    acl::mask(&list, su, &[], wanted & !options, false) != 0
        || acl::mask(&list, su, &[], options, true) != 0
}

/// The relation a text or OID argument names (42P01 for an unknown
/// name; None for an unknown OID).
fn relation(ctx: &mut EvalCtx<'_>, v: &Value) -> Result<Option<Rel>> {
    if let Value::Oid(o) = v {
        if let Some(s) = crate::catalog::SystemView::all().find(|s| s.oid() == *o) {
            return Ok(Some(Rel::System(s.name())));
        }
    }
    let rels = crate::catalog::session_relations(ctx)?;
    if let Value::Oid(o) = v {
        return Ok(rels
            .into_iter()
            .find(|t| t.oid == *o)
            .map(|t| Rel::User(Box::new(t))));
    }
    let text = crate::catalog::text_of(v);
    let parts = crate::binder::qualified_name(&text).unwrap_or_default();
    let name = parts.last().cloned().unwrap_or_default();
    let wanted = crate::catalog::session_lookup_namespaces(ctx, &parts)?;
    let found = wanted.iter().find_map(|ns| {
        rels.iter()
            .find(|t| t.namespace == *ns && t.name == name)
            .cloned()
    });
    match found {
        Some(t) => Ok(Some(Rel::User(Box::new(t)))),
        None => match crate::catalog::SystemView::lookup(&parts) {
            Some(s) => Ok(Some(Rel::System(s.name()))),
            None => Err(SqlError::new(
                SqlState::UNDEFINED_TABLE,
                format!("relation \"{text}\" does not exist"),
            )),
        },
    }
}

/// The privileges of `wanted` (grant options for those in `options`)
/// that `roles` hold on relation `def`.
fn relation_holds(
    p: &privs::Privileges,
    def: &TableDef,
    roles: &[u32],
    wanted: u32,
    options: u32,
) -> bool {
    let owner = p.owner(privs::CLASS, def.oid);
    let list = relation_acl(p, def);
    let mut held = acl::mask(&list, owner, roles, wanted, false);
    if roles.contains(&READ_ALL_DATA) {
        held |= wanted & acl::SELECT;
    }
    if roles.contains(&WRITE_ALL_DATA) {
        held |= wanted & (acl::INSERT | acl::UPDATE | acl::DELETE);
    }
    // Any one of the privileges asked for will do, as PostgreSQL's.
    let opts = acl::mask(&list, owner, roles, options, true);
    (held & (wanted & !options)) != 0 || (opts & options) != 0
}

fn privileges_of(ctx: &EvalCtx<'_>) -> Result<privs::Privileges> {
    Ok(match crate::catalog::session_catalog(ctx)? {
        Some((cat, _)) => cat.privileges()?,
        None => Default::default(),
    })
}

/// has_table_privilege([user,] table, privileges).
pub(super) fn has_table(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let all = ObjectKind::Table.all() | ObjectKind::Sequence.all();
    let (wanted, options) = acl::parse_privilege_list(&text, all)?;
    let roles = acting(ctx, user)?;
    let def = match relation(ctx, obj)? {
        None => return Ok(Value::Null),
        Some(Rel::System(name)) => {
            return Ok(Value::Bool(
                roles.is_none() || system_holds(name, wanted, options),
            ))
        }
        Some(Rel::User(def)) => def,
    };
    let Some(roles) = roles else {
        return Ok(Value::Bool(true));
    };
    let p = privileges_of(ctx)?;
    Ok(Value::Bool(relation_holds(
        &p, &def, &roles, wanted, options,
    )))
}

/// has_sequence_privilege([user,] sequence, privileges).
pub(super) fn has_sequence(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let (wanted, options) = acl::parse_privilege_list(&text, ObjectKind::Sequence.all())?;
    let roles = acting(ctx, user)?;
    let def = match relation(ctx, obj)? {
        None => return Ok(Value::Null),
        Some(Rel::System(_)) => {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not a sequence", crate::catalog::text_of(obj)),
            ))
        }
        Some(Rel::User(def)) => def,
    };
    if relation_kind(&def).0 != ObjectKind::Sequence {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a sequence", crate::catalog::text_of(obj)),
        ));
    }
    let Some(roles) = roles else {
        return Ok(Value::Bool(true));
    };
    let p = privileges_of(ctx)?;
    Ok(Value::Bool(relation_holds(
        &p, &def, &roles, wanted, options,
    )))
}

/// has_column_privilege([user,] table, column, privileges) and
/// has_any_column_privilege([user,] table, privileges).
pub(super) fn has_column(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    // (table, column, priv) or (user, table, column, priv).
    let (user, table, column, text) = match a {
        [t, c, p] => (None, t, Some(c), crate::catalog::text_of(p)),
        [u, t, c, p] => (Some(u), t, Some(c), crate::catalog::text_of(p)),
        _ => return Ok(Value::Null),
    };
    column_check(ctx, user, table, column, &text)
}

/// has_any_column_privilege([user,] table, privileges).
pub(super) fn has_any_column(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, table, text) = split(a);
    column_check(ctx, user, table, None, &text)
}

fn column_check(
    ctx: &mut EvalCtx<'_>,
    user: Option<&Value>,
    table: &Value,
    column: Option<&Value>,
    text: &str,
) -> Result<Value> {
    let (wanted, options) = acl::parse_privilege_list(text, ObjectKind::Column.all())?;
    let roles = acting(ctx, user)?;
    let def = match relation(ctx, table)? {
        None => return Ok(Value::Null),
        Some(Rel::System(name)) => {
            let view = crate::catalog::SystemView::lookup(&[name.to_owned()]);
            let count = view.map_or(0, |v| v.columns().len());
            match column {
                Some(Value::Int2(n)) if *n < 1 || *n as usize > count => return Ok(Value::Null),
                Some(Value::Int2(_)) | None => {}
                Some(v) => {
                    let col = crate::catalog::text_of(v);
                    if !view.is_some_and(|v| v.columns().iter().any(|(c, _)| *c == col)) {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_COLUMN,
                            format!("column \"{col}\" of relation \"{name}\" does not exist"),
                        ));
                    }
                }
            }
            return Ok(Value::Bool(
                roles.is_none() || system_holds(name, wanted, options),
            ));
        }
        Some(Rel::User(def)) => def,
    };
    let attnum = match column {
        None => None,
        // A dropped or missing column: NULL.
        Some(Value::Int2(n))
            if *n > 0 && !crate::session::privilege::live_column(&def, i32::from(*n)) =>
        {
            return Ok(Value::Null)
        }
        Some(Value::Int2(n)) => Some(i32::from(*n)),
        Some(v) => {
            let name = crate::catalog::text_of(v);
            match def.find(&name) {
                Some(i) => Some(i as i32 + 1),
                None if name.starts_with("........pg.dropped.") => return Ok(Value::Null),
                None => {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_COLUMN,
                        format!(
                            "column \"{name}\" of relation \"{}\" does not exist",
                            def.name
                        ),
                    ))
                }
            }
        }
    };
    let Some(roles) = roles else {
        return Ok(Value::Bool(true));
    };
    let p = privileges_of(ctx)?;
    if relation_holds(&p, &def, &roles, wanted, options) {
        return Ok(Value::Bool(true));
    }
    let owner = p.owner(privs::CLASS, def.oid);
    let held = |list: &acl::Acl| holds(Some(&roles), list, owner, wanted, options);
    Ok(Value::Bool(match attnum {
        Some(n) => p.acl(privs::CLASS, def.oid, n).is_some_and(held),
        None => p.column_acls(def.oid).any(|(_, l)| held(l)),
    }))
}

/// has_schema_privilege([user,] schema, privileges).
pub(super) fn has_schema(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let (wanted, options) = acl::parse_privilege_list(&text, ObjectKind::Schema.all())?;
    let roles = acting(ctx, user)?;
    let namespaces = crate::catalog::session_namespaces(ctx)?;
    let ns = match obj {
        Value::Oid(o) => namespaces.iter().find(|(n, _)| n == o).map(|(n, _)| *n),
        v => {
            let name = crate::catalog::text_of(v);
            match crate::catalog::schema_oid(&namespaces, &name) {
                Some(n) => Some(n),
                None => {
                    return Err(SqlError::new(
                        SqlState::INVALID_SCHEMA_NAME,
                        format!("schema \"{name}\" does not exist"),
                    ))
                }
            }
        }
    };
    let Some(ns) = ns else {
        return Ok(Value::Null);
    };
    let Some(roles) = roles else {
        return Ok(Value::Bool(true));
    };
    let p = privileges_of(ctx)?;
    let owner = schema_owner(&p, ns);
    let list = schema_acl(&p, ns);
    let mut held = acl::mask(&list, owner, &roles, wanted, false);
    if roles.contains(&READ_ALL_DATA) || roles.contains(&WRITE_ALL_DATA) {
        held |= wanted & acl::USAGE;
    }
    let opts = acl::mask(&list, owner, &roles, options, true);
    Ok(Value::Bool(
        (held & (wanted & !options)) != 0 || (opts & options) != 0,
    ))
}

/// Forms of the functions above the catalog table lacks (appended to the
/// built-ins so that no earlier OID moves).
pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(f(
        "has_column_privilege",
        &[Name, Text, Text, Text],
        Bool,
        has_column,
    )),
    stable(f(
        "has_column_privilege",
        &[Name, Oid, Text, Text],
        Bool,
        has_column,
    )),
    stable(f(
        "has_any_column_privilege",
        &[Name, Text, Text],
        Bool,
        has_any_column,
    )),
    stable(f(
        "has_sequence_privilege",
        &[Name, Text, Text],
        Bool,
        has_sequence,
    )),
    stable(f(
        "has_schema_privilege",
        &[Name, Oid, Text],
        Bool,
        has_schema,
    )),
    stable(f(
        "has_table_privilege",
        &[Oid, Text, Text],
        Bool,
        has_table,
    )),
    stable(f("has_table_privilege", &[Oid, Oid, Text], Bool, has_table)),
    stable(f(
        "has_function_privilege",
        &[Name, Text, Text],
        Bool,
        has_function,
    )),
    stable(f(
        "has_function_privilege",
        &[Name, Oid, Text],
        Bool,
        has_function,
    )),
    stable(f(
        "has_function_privilege",
        &[Oid, Text, Text],
        Bool,
        has_function,
    )),
    stable(f(
        "has_function_privilege",
        &[Oid, Oid, Text],
        Bool,
        has_function,
    )),
    stable(f(
        "has_schema_privilege",
        &[Oid, Text, Text],
        Bool,
        has_schema,
    )),
    stable(f(
        "has_column_privilege",
        &[Name, Text, Int2, Text],
        Bool,
        has_column,
    )),
    stable(f(
        "has_column_privilege",
        &[Name, Oid, Int2, Text],
        Bool,
        has_column,
    )),
    stable(f(
        "has_column_privilege",
        &[Text, Int2, Text],
        Bool,
        has_column,
    )),
    stable(f(
        "has_database_privilege",
        &[Name, Oid, Text],
        Bool,
        has_database,
    )),
    stable(f(
        "has_database_privilege",
        &[Oid, Text, Text],
        Bool,
        has_database,
    )),
    stable(f(
        "has_database_privilege",
        &[Oid, Oid, Text],
        Bool,
        has_database,
    )),
    stable(f("has_type_privilege", &[Oid, Text], Bool, has_type)),
    stable(f("has_type_privilege", &[Name, Text, Text], Bool, has_type)),
    stable(f("has_type_privilege", &[Name, Oid, Text], Bool, has_type)),
    stable(f(
        "has_language_privilege",
        &[Oid, Text],
        Bool,
        has_language,
    )),
    stable(f(
        "has_language_privilege",
        &[Name, Text, Text],
        Bool,
        has_language,
    )),
    stable(f("pg_has_role", &[Oid, Text], Bool, has_role)),
    stable(f("pg_has_role", &[Name, Oid, Text], Bool, has_role)),
    stable(f("pg_has_role", &[Oid, Name, Text], Bool, has_role)),
    stable(f("pg_has_role", &[Oid, Oid, Text], Bool, has_role)),
];

/// The function a has_function_privilege argument names: an OID, or
/// `name(argument types)` as regprocedure reads it; its owner and list.
/// None for an unknown OID; 42883 for an unknown signature.
fn function_named(
    ctx: &mut EvalCtx<'_>,
    v: &Value,
) -> Result<Option<(u32, u32, Option<acl::Acl>)>> {
    let p = privileges_of(ctx)?;
    let user = match crate::catalog::session_catalog(ctx)? {
        Some((cat, _)) => cat.functions()?,
        None => Vec::new(),
    };
    let found = |oid: u32| -> Option<(u32, u32, Option<acl::Acl>)> {
        let known = user.iter().any(|f| f.oid == oid) || super::builtin_by_oid(oid).is_some();
        known.then(|| {
            (
                oid,
                p.owner(privs::PROC, oid),
                p.acl(privs::PROC, oid, 0).cloned(),
            )
        })
    };
    if let Value::Oid(o) = v {
        return Ok(found(*o));
    }
    let text = crate::catalog::text_of(v);
    let Some((name, rest)) = text.split_once('(') else {
        return Err(SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "expected a left parenthesis",
        ));
    };
    let name = name.trim().trim_matches('"');
    let name = name.rsplit('.').next().unwrap_or(name).to_owned();
    let args = rest.trim_end().trim_end_matches(')');
    let types: Option<Vec<crate::types::DataType>> = args
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(crate::binder::type_by_name)
        .collect();
    let missing = || {
        SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("function \"{text}\" does not exist"),
        )
    };
    let Some(types) = types else {
        return Err(missing());
    };
    let oid = user
        .iter()
        .find(|f| f.name == name && f.input_types() == types)
        .map(|f| f.oid)
        .or_else(|| {
            super::builtins()
                .find(|(_, d)| d.name == name && d.args == types.as_slice())
                .map(|(o, _)| o)
        });
    match oid {
        Some(o) => Ok(found(o)),
        None => Err(missing()),
    }
}

/// has_function_privilege([user,] function, privileges).
pub(super) fn has_function(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let (wanted, options) = acl::parse_privilege_list(&text, ObjectKind::Function.all())?;
    let roles = acting(ctx, user)?;
    let Some((_, owner, list)) = function_named(ctx, obj)? else {
        return Ok(Value::Null);
    };
    let Some(roles) = roles else {
        return Ok(Value::Bool(true));
    };
    let list = list.unwrap_or_else(|| ObjectKind::Function.default_acl(owner));
    Ok(Value::Bool(holds(
        Some(&roles),
        &list,
        owner,
        wanted,
        options,
    )))
}

/// Whether `roles` (None: a superuser) hold any of `wanted` (grant
/// options for those in `options`) in `list` of an object of `owner`.
fn holds(roles: Option<&[u32]>, list: &acl::Acl, owner: u32, wanted: u32, options: u32) -> bool {
    let Some(roles) = roles else {
        return true;
    };
    acl::mask(list, owner, roles, wanted & !options, false) != 0
        || acl::mask(list, owner, roles, options, true) != 0
}

/// has_database_privilege([user,] database, privileges).
pub(super) fn has_database(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let (wanted, options) = acl::parse_privilege_list(&text, ObjectKind::Database.all())?;
    let roles = acting(ctx, user)?;
    let Some(st) = &ctx.storage else {
        return Ok(Value::Null);
    };
    let databases = crate::catalog::Catalog::new(st.engine, 0, st.own).databases()?;
    let db = match obj {
        Value::Oid(o) => databases.iter().find(|d| d.oid == *o),
        v => {
            let name = crate::catalog::text_of(v);
            match databases.iter().find(|d| d.name == name) {
                Some(d) => Some(d),
                None => {
                    return Err(SqlError::new(
                        SqlState::INVALID_CATALOG_NAME,
                        format!("database \"{name}\" does not exist"),
                    ))
                }
            }
        }
    };
    let Some(db) = db else {
        return Ok(Value::Null);
    };
    let p = privileges_of(ctx)?;
    let owner = p.owner(privs::DATABASE, db.oid);
    let list = match p.acl(privs::DATABASE, db.oid, 0) {
        Some(l) => l.clone(),
        // initdb leaves the templates CONNECT for PUBLIC only.
        None if db.is_template => {
            let mut l = ObjectKind::Database.default_acl(owner);
            acl::revoke(&mut l, acl::PUBLIC, owner, acl::TEMPORARY, false);
            l
        }
        None => ObjectKind::Database.default_acl(owner),
    };
    Ok(Value::Bool(holds(
        roles.as_deref(),
        &list,
        owner,
        wanted,
        options,
    )))
}

/// has_type_privilege([user,] type, privileges): USAGE.
pub(super) fn has_type(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let (wanted, options) = acl::parse_privilege_list(&text, ObjectKind::Type.all())?;
    let roles = acting(ctx, user)?;
    let types = match crate::catalog::session_catalog(ctx)? {
        Some((cat, _)) => cat.user_types()?,
        None => Vec::new(),
    };
    let oid = match obj {
        Value::Oid(o) | Value::Regtype(o) => *o,
        v => {
            let name = crate::catalog::text_of(v);
            let bare = name.rsplit('.').next().unwrap_or(&name).trim_matches('"');
            match types.iter().find(|t| t.name == bare) {
                Some(t) => t.oid,
                None => match crate::binder::type_by_name(&name) {
                    Some(t) => t.oid().0,
                    None => {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_OBJECT,
                            format!("type \"{name}\" does not exist"),
                        ))
                    }
                },
            }
        }
    };
    let p = privileges_of(ctx)?;
    let (owner, list) = p.in_force(privs::TYPE, oid, ObjectKind::Type);
    Ok(Value::Bool(holds(
        roles.as_deref(),
        &list,
        owner,
        wanted,
        options,
    )))
}

/// has_language_privilege([user,] language, privileges): USAGE (the
/// untrusted languages too: their lists are PUBLIC's as well).
pub(super) fn has_language(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let (wanted, options) = acl::parse_privilege_list(&text, ObjectKind::Language.all())?;
    let roles = acting(ctx, user)?;
    let oid = match obj {
        Value::Oid(o) => *o,
        v => {
            let name = crate::catalog::text_of(v);
            privs::language_oid(&name).ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("language \"{name}\" does not exist"),
                )
            })?
        }
    };
    let p = privileges_of(ctx)?;
    let (owner, list) = p.in_force(privs::LANGUAGE, oid, ObjectKind::Language);
    Ok(Value::Bool(holds(
        roles.as_deref(),
        &list,
        owner,
        wanted,
        options,
    )))
}

/// pg_has_role([user,] role, privileges): MEMBER (a member of it,
/// directly or not), USAGE (holds its privileges: through INHERIT
/// members), either WITH ADMIN / GRANT OPTION (a direct membership with
/// the admin option); superusers have every role.
pub(super) fn has_role(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (user, obj, text) = split(a);
    let Some(st) = &ctx.storage else {
        return Ok(Value::Null);
    };
    let cat = crate::catalog::Catalog::new(st.engine, 0, st.own);
    let roles: Vec<_> = cat.roles()?.into_iter().map(|(_, r)| r).collect();
    let members: Vec<_> = cat.memberships()?.into_iter().map(|(_, m)| m).collect();
    let find = |v: &Value| -> Result<Option<&crate::catalog::roles::Role>> {
        match v {
            Value::Oid(o) => Ok(roles.iter().find(|r| r.oid == *o)),
            v => {
                let name = crate::catalog::text_of(v);
                match roles.iter().find(|r| r.name == name) {
                    Some(r) => Ok(Some(r)),
                    None => Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("role \"{name}\" does not exist"),
                    )),
                }
            }
        }
    };
    let me = match user {
        Some(u) => find(u)?,
        None => {
            let name = crate::func::system::current_user(ctx);
            roles.iter().find(|r| r.name == name)
        }
    };
    let Some(target) = find(obj)? else {
        return Ok(Value::Null);
    };
    let upper = text.trim().to_ascii_uppercase();
    let (base, admin) = match upper
        .strip_suffix("WITH ADMIN OPTION")
        .or_else(|| upper.strip_suffix("WITH GRANT OPTION"))
    {
        Some(b) => (b.trim_end().to_owned(), true),
        None => (upper.clone(), false),
    };
    if base != "MEMBER" && base != "USAGE" {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("unrecognized privilege type: \"{}\"", text.trim()),
        ));
    }
    // An unknown login acts as the bootstrap superuser.
    let Some(me) = me.filter(|r| !r.superuser) else {
        return Ok(Value::Bool(true));
    };
    let answer = if admin {
        members
            .iter()
            .any(|m| m.member == me.oid && m.role == target.oid && m.admin)
    } else {
        member_of(me.oid, &roles, &members, base == "USAGE").contains(&target.oid)
    };
    Ok(Value::Bool(answer))
}
