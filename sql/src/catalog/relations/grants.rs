//! information_schema's privilege views (table_privileges,
//! role_table_grants, column_privileges, role_column_grants,
//! routine_privileges, role_routine_grants, enabled_roles), computed
//! from the lists in force as PostgreSQL's view definitions explode
//! them with aclexplode: one row per grant and privilege, shown when the
//! current user is the grantor or grantee (or a member of either) or
//! the grantee is PUBLIC.

use std::collections::HashSet;

use super::rows::{catalog, relations, Owners};
use crate::acl::{self, Acl, ObjectKind};
use crate::catalog::privs;
use crate::catalog::roles::{member_of, Membership, Role};
use crate::error::Result;
use crate::expr::EvalCtx;
use crate::types::DataType::{self, Name, Varchar};
use crate::value::Value;

/// table_privileges and role_table_grants (OIDs 13416, 13421).
pub(super) const IS_TABLE_PRIVILEGES: &[(&str, DataType)] = &[
    ("grantor", Name),
    ("grantee", Name),
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("privilege_type", Varchar),
    ("is_grantable", Varchar),
    ("with_hierarchy", Varchar),
];

/// column_privileges and role_column_grants (OIDs 13285, 13344).
pub(super) const IS_COLUMN_PRIVILEGES: &[(&str, DataType)] = &[
    ("grantor", Name),
    ("grantee", Name),
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("column_name", Name),
    ("privilege_type", Varchar),
    ("is_grantable", Varchar),
];

/// routine_privileges and role_routine_grants (OIDs 13353, 13358).
pub(super) const IS_ROUTINE_PRIVILEGES: &[(&str, DataType)] = &[
    ("grantor", Name),
    ("grantee", Name),
    ("specific_catalog", Name),
    ("specific_schema", Name),
    ("specific_name", Name),
    ("routine_catalog", Name),
    ("routine_schema", Name),
    ("routine_name", Name),
    ("privilege_type", Varchar),
    ("is_grantable", Varchar),
];

/// enabled_roles (OID 13325).
pub(super) const IS_ENABLED_ROLES: &[(&str, DataType)] = &[("role_name", Name)];

/// Who is asking, and the cluster's roles.
struct Viewer {
    /// Role names by OID.
    owners: Owners,
    /// Every role.
    roles: Vec<Role>,
    /// Every membership.
    members: Vec<Membership>,
    /// The roles the current user has USAGE of (None: a superuser, all).
    mine: Option<Vec<u32>>,
    /// current_database().
    database: String,
}

impl Viewer {
    fn load(ctx: &EvalCtx<'_>) -> Result<Viewer> {
        let (roles, members) = match &ctx.storage {
            Some(st) => {
                let cat = crate::catalog::Catalog::new(st.engine, 0, st.own);
                (
                    cat.roles()?.into_iter().map(|(_, r)| r).collect(),
                    cat.memberships()?.into_iter().map(|(_, m)| m).collect(),
                )
            }
            None => (Role::builtin(), Vec::new()),
        };
        Ok(Viewer {
            owners: Owners::load(ctx)?,
            roles,
            members,
            mine: crate::func::privilege::acting(ctx, None)?,
            database: ctx.info.database.clone(),
        })
    }

    /// pg_has_role(role, 'USAGE') for the current user.
    fn uses(&self, role: u32) -> bool {
        self.mine.as_ref().is_none_or(|m| m.contains(&role))
    }

    /// pg_has_role(member, role, 'USAGE').
    fn has_role(&self, member: u32, role: u32) -> bool {
        if member == acl::PUBLIC {
            return false;
        }
        if self.roles.iter().any(|r| r.oid == member && r.superuser) {
            return true;
        }
        member_of(member, &self.roles, &self.members, true).contains(&role)
    }

    fn name(&self, oid: u32) -> Option<String> {
        if oid == acl::PUBLIC {
            return Some("PUBLIC".into());
        }
        self.roles
            .iter()
            .find(|r| r.oid == oid)
            .map(|r| r.name.clone())
    }

    /// Each grant of `list` among `kinds` that the view shows
    /// (`role_only`: the role_* views, which leave out grants to PUBLIC the
    /// user is not party to), on an object owned by `owner`.
    fn explode(&self, list: &Acl, kinds: u32, role_only: bool, owner: u32) -> Vec<Exploded> {
        let mut out = Vec::new();
        for item in list {
            let shown = self.uses(item.grantor)
                || (item.grantee != acl::PUBLIC && self.uses(item.grantee))
                || (!role_only && item.grantee == acl::PUBLIC);
            if !shown {
                continue;
            }
            let (Some(grantor), Some(grantee)) = (self.name(item.grantor), self.name(item.grantee))
            else {
                continue;
            };
            // is_grantable: the grant option, or the grantee is (a member
            // of) the owner.
            let owns = self.has_role(item.grantee, owner);
            for bit in (0..14).map(|b| 1u32 << b) {
                if item.privs & bit != 0 && kinds & bit != 0 {
                    let option = item.options & bit != 0;
                    out.push(Exploded {
                        grantor: grantor.clone(),
                        grantee: grantee.clone(),
                        bit,
                        option,
                        grantable: option || owns,
                    });
                }
            }
        }
        out
    }
}

/// One privilege of one grant, as aclexplode gives it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Exploded {
    grantor: String,
    grantee: String,
    bit: u32,
    /// Held with grant option.
    option: bool,
    /// information_schema's is_grantable.
    grantable: bool,
}

impl Exploded {
    /// grantor, grantee: the rows' first two columns.
    fn parties(&self) -> [Value; 2] {
        [text(&self.grantor), text(&self.grantee)]
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn yes(b: bool) -> Value {
    text(if b { "YES" } else { "NO" })
}

/// A table or view information_schema lists.
struct Listed {
    /// Its schema's name.
    schema: String,
    /// Its name.
    name: String,
    /// Its owner.
    owner: u32,
    /// Its list in force.
    acl: Acl,
    /// Its live columns: number, name and own list.
    columns: Vec<(i32, String, Acl)>,
}

/// The tables and views information_schema lists (relkind r, v, f, p),
/// with their schema names and lists in force.
fn listed_relations(ctx: &EvalCtx<'_>, v: &Viewer) -> Result<Vec<Listed>> {
    let namespaces = super::rows::namespaces(ctx)?;
    let ns_name = |ns: u32| {
        crate::catalog::schema_name(&namespaces, ns)
            .unwrap_or_default()
            .to_owned()
    };
    let mut out = Vec::new();
    for view in super::SystemView::all() {
        if matches!(view.relkind(), 'r' | 'v') {
            let columns = view
                .columns()
                .iter()
                .map(|(n, _)| (0, (*n).to_owned(), Vec::new()))
                .collect();
            out.push(Listed {
                schema: ns_name(view.namespace()),
                name: view.name().to_owned(),
                owner: crate::catalog::roles::BOOTSTRAP_SUPERUSER,
                acl: acl::system_acl(view.name()),
                columns,
            });
        }
    }
    for def in relations(ctx)? {
        if !matches!(def.relkind(), 'r' | 'v' | 'p') {
            continue;
        }
        let owner = v.owners.owner(privs::CLASS, def.oid);
        let list = crate::session::privilege::relation_acl(&v.owners.p, &def);
        let columns = def
            .live()
            .map(|(i, c)| {
                let n = i as i32 + 1;
                let l = v
                    .owners
                    .p
                    .acl(privs::CLASS, def.oid, n)
                    .cloned()
                    .unwrap_or_default();
                (n, c.name.clone(), l)
            })
            .collect();
        out.push(Listed {
            schema: ns_name(def.namespace),
            name: def.name.clone(),
            owner,
            acl: list,
            columns,
        });
    }
    Ok(out)
}

const TABLE_KINDS: u32 = acl::INSERT
    | acl::SELECT
    | acl::UPDATE
    | acl::DELETE
    | acl::TRUNCATE
    | acl::REFERENCES
    | acl::TRIGGER;

const COLUMN_KINDS: u32 = acl::INSERT | acl::SELECT | acl::UPDATE | acl::REFERENCES;

fn table_rows(ctx: &EvalCtx<'_>, role_only: bool) -> Result<Vec<Vec<Value>>> {
    let v = Viewer::load(ctx)?;
    let mut out = Vec::new();
    for Listed {
        schema,
        name,
        owner,
        acl: list,
        ..
    } in listed_relations(ctx, &v)?
    {
        for g in v.explode(&list, TABLE_KINDS, role_only, owner) {
            let mut row = g.parties().to_vec();
            row.extend([
                text(&v.database),
                text(&schema),
                text(&name),
                text(acl::privilege_word(g.bit)),
                yes(g.grantable),
                yes(g.bit == acl::SELECT),
            ]);
            out.push(row);
        }
    }
    Ok(out)
}

/// information_schema.table_privileges.
pub(super) fn table_privileges(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    table_rows(ctx, false)
}

/// information_schema.role_table_grants.
pub(super) fn role_table_grants(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    table_rows(ctx, true)
}

fn column_rows(ctx: &EvalCtx<'_>, role_only: bool) -> Result<Vec<Vec<Value>>> {
    let v = Viewer::load(ctx)?;
    let mut out = Vec::new();
    for Listed {
        schema,
        name,
        owner,
        acl: list,
        columns,
    } in listed_relations(ctx, &v)?
    {
        let table = v.explode(&list, COLUMN_KINDS, role_only, owner);
        for (_, column, own) in &columns {
            // The table's grants reach every column; the column's own
            // add to them (UNION: each once).
            let mut seen = HashSet::new();
            for g in table
                .iter()
                .cloned()
                .chain(v.explode(own, COLUMN_KINDS, role_only, owner))
            {
                if !seen.insert(g.clone()) {
                    continue;
                }
                let mut row = g.parties().to_vec();
                row.extend([
                    text(&v.database),
                    text(&schema),
                    text(&name),
                    text(column),
                    text(acl::privilege_word(g.bit)),
                    yes(g.grantable),
                ]);
                out.push(row);
            }
        }
    }
    Ok(out)
}

/// information_schema.column_privileges.
pub(super) fn column_privileges(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    column_rows(ctx, false)
}

/// information_schema.role_column_grants.
pub(super) fn role_column_grants(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    column_rows(ctx, true)
}

fn routine_rows(ctx: &EvalCtx<'_>, role_only: bool) -> Result<Vec<Vec<Value>>> {
    let v = Viewer::load(ctx)?;
    let namespaces = super::rows::namespaces(ctx)?;
    let ns_name = |ns: u32| {
        crate::catalog::schema_name(&namespaces, ns)
            .unwrap_or_default()
            .to_owned()
    };
    let su = crate::catalog::roles::BOOTSTRAP_SUPERUSER;
    let mut routines: Vec<(u32, String, String, u32, Acl)> = crate::func::builtins()
        .filter(|(_, d)| {
            d.name
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        })
        .map(|(oid, d)| {
            (
                oid,
                "pg_catalog".to_owned(),
                d.name.to_owned(),
                su,
                ObjectKind::Function.default_acl(su),
            )
        })
        .collect();
    if let Some((cat, _)) = catalog(ctx)? {
        for f in cat.functions()? {
            let (owner, list) = v
                .owners
                .p
                .in_force(privs::PROC, f.oid, ObjectKind::Function);
            routines.push((f.oid, ns_name(f.namespace), f.name.clone(), owner, list));
        }
    }
    let mut out = Vec::new();
    for (oid, schema, name, owner, list) in routines {
        for g in v.explode(&list, acl::EXECUTE, role_only, owner) {
            let mut row = g.parties().to_vec();
            row.extend([
                text(&v.database),
                text(&schema),
                text(&format!("{name}_{oid}")),
                text(&v.database),
                text(&schema),
                text(&name),
                text(acl::privilege_word(g.bit)),
                yes(g.grantable),
            ]);
            out.push(row);
        }
    }
    Ok(out)
}

/// information_schema.routine_privileges.
pub(super) fn routine_privileges(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    routine_rows(ctx, false)
}

/// information_schema.role_routine_grants.
pub(super) fn role_routine_grants(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    routine_rows(ctx, true)
}

/// information_schema.enabled_roles: the roles the current user acts
/// with.
pub(super) fn enabled_roles(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let v = Viewer::load(ctx)?;
    Ok(v.roles
        .iter()
        .filter(|r| v.uses(r.oid))
        .map(|r| vec![text(&r.name)])
        .collect())
}
