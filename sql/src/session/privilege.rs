//! Privilege checks of a statement: acl.rs's rules applied to the
//! current user (SET ROLE's role, else the session user), PostgreSQL's
//! 42501 errors when they fail. Superusers pass every check without a
//! lookup; the roles a user acts with are cached until the catalog
//! changes.

use std::sync::Arc;

use crate::acl::{self, Acl, ObjectKind};
use crate::catalog::privs::{self, Privileges};
use crate::catalog::roles::{member_of, Role, BOOTSTRAP_SUPERUSER};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};

use super::Stmt;

/// pg_read_all_data: SELECT on every relation, USAGE on every schema.
const READ_ALL_DATA: u32 = 6181;
/// pg_write_all_data: INSERT, UPDATE and DELETE on every relation.
const WRITE_ALL_DATA: u32 = 6182;
/// pg_database_owner: the owner of schema public.
const DATABASE_OWNER: u32 = 6171;

/// The privilege kind of a relation and the word messages call it by.
pub(crate) fn relation_kind(def: &TableDef) -> (ObjectKind, &'static str) {
    match def.relkind() {
        'S' => (ObjectKind::Sequence, "sequence"),
        'v' => (ObjectKind::Table, "view"),
        'm' => (ObjectKind::Table, "materialized view"),
        _ => (ObjectKind::Table, "table"),
    }
}

/// 42501 "permission denied for {what} {name}".
pub(crate) fn denied(what: &str, name: &str) -> SqlError {
    SqlError::new(
        SqlState::INSUFFICIENT_PRIVILEGE,
        format!("permission denied for {what} {name}"),
    )
}

/// 42501 "must be owner of {what} {name}".
pub(crate) fn not_owner(what: &str, name: &str) -> SqlError {
    SqlError::new(
        SqlState::INSUFFICIENT_PRIVILEGE,
        format!("must be owner of {what} {name}"),
    )
}

/// Whether column `attnum` of `def` exists and is not dropped.
pub(crate) fn live_column(def: &TableDef, attnum: i32) -> bool {
    attnum > 0
        && def
            .columns
            .get(attnum as usize - 1)
            .is_some_and(|c| !c.dropped)
}

/// The list in force for a relation: its stored one, else its kind's
/// default for its owner.
pub(crate) fn relation_acl(p: &Privileges, def: &TableDef) -> Acl {
    match p.acl(privs::CLASS, def.oid, 0) {
        Some(a) => a.clone(),
        None => relation_kind(def)
            .0
            .default_acl(p.owner(privs::CLASS, def.oid)),
    }
}

/// The list in force for a schema.
pub(crate) fn schema_acl(p: &Privileges, ns: u32) -> Acl {
    if let Some(a) = p.acl(privs::NAMESPACE, ns, 0) {
        return a.clone();
    }
    let owner = schema_owner(p, ns);
    let mut acl = ObjectKind::Schema.default_acl(owner);
    // initdb gives everyone USAGE on public and pg_catalog.
    if ns == crate::catalog::system::PUBLIC_NS || ns == crate::catalog::system::PG_CATALOG_NS {
        acl::grant(&mut acl, acl::PUBLIC, owner, acl::USAGE, 0);
    }
    acl
}

/// The owner of a schema (public belongs to pg_database_owner).
pub(crate) fn schema_owner(p: &Privileges, ns: u32) -> u32 {
    match p.entry(privs::NAMESPACE, ns, 0).and_then(|e| e.owner) {
        Some(o) => o,
        None if ns == crate::catalog::system::PUBLIC_NS => DATABASE_OWNER,
        None => BOOTSTRAP_SUPERUSER,
    }
}

impl Stmt<'_> {
    /// The database's stored owners and privileges.
    pub fn privileges(&self) -> Result<Arc<Privileges>> {
        self.per_database(&self.cluster.cache.privileges, |c| c.privileges())
    }

    /// The roles whose privileges the role called `name` has (itself
    /// first); None for a superuser or a name the catalog does not know
    /// (which acts as the bootstrap superuser).
    pub fn acting_roles_of(&self, name: &str) -> Result<Option<Arc<Vec<u32>>>> {
        if !self.txn.catalog_changed {
            if let Some(r) = self.cluster.cache.acting(name) {
                return Ok(r);
            }
        }
        let version = self.cluster.cache.version();
        let cat = self.bare_catalog();
        let roles: Vec<Role> = cat.roles()?.into_iter().map(|(_, r)| r).collect();
        let out = match roles.iter().find(|r| r.name == name) {
            Some(r) if !r.superuser => {
                let members: Vec<_> = cat.memberships()?.into_iter().map(|(_, m)| m).collect();
                Some(Arc::new(member_of(r.oid, &roles, &members, true)))
            }
            _ => None,
        };
        if !self.txn.catalog_changed {
            self.cluster.cache.put_acting(version, name, out.clone());
        }
        Ok(out)
    }

    /// [`Stmt::acting_roles_of`] for the role with OID `oid` (None also
    /// for a role that does not exist).
    fn acting_roles_of_oid(&self, oid: u32) -> Result<Option<Arc<Vec<u32>>>> {
        let name = self
            .bare_catalog()
            .roles()?
            .into_iter()
            .find(|(_, r)| r.oid == oid)
            .map(|(_, r)| r.name);
        Ok(name
            .map(|n| self.acting_roles_of(&n))
            .transpose()?
            .flatten())
    }

    /// The current user's acting roles (None: a superuser).
    pub fn acting_roles(&self) -> Result<Option<Arc<Vec<u32>>>> {
        self.acting_roles_of(&self.current_user())
    }

    /// Runs `f` with `role` as the current user (a SECURITY DEFINER body,
    /// a read PostgreSQL makes with another role's rights), then puts the
    /// role setting back, whatever `f` returned.
    pub fn as_role<T>(&mut self, role: &str, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let prev = self.settings.swap("role", role);
        let result = f(self);
        self.settings.swap("role", &prev);
        result
    }

    /// The name of the owner of object (`class`, `oid`).
    pub fn owner_name(&self, class: u32, oid: u32) -> Result<String> {
        let owner = self.privileges()?.owner(class, oid);
        Ok(self
            .bare_catalog()
            .roles()?
            .into_iter()
            .find(|(_, r)| r.oid == owner)
            .map_or_else(|| owner.to_string(), |(_, r)| r.name))
    }

    /// The current user's OID.
    pub fn current_user_oid(&self) -> Result<u32> {
        let name = self.current_user();
        Ok(self
            .catalog()
            .role(&name)?
            .map_or(BOOTSTRAP_SUPERUSER, |(_, r)| r.oid))
    }

    /// The privileges of `wanted` that `roles` hold on relation `def`.
    fn relation_mask(&self, p: &Privileges, def: &TableDef, roles: &[u32], wanted: u32) -> u32 {
        let owner = p.owner(privs::CLASS, def.oid);
        let mut held = acl::mask(&relation_acl(p, def), owner, roles, wanted, false);
        if roles.contains(&READ_ALL_DATA) {
            held |= wanted & acl::SELECT;
        }
        if roles.contains(&WRITE_ALL_DATA) {
            held |= wanted & (acl::INSERT | acl::UPDATE | acl::DELETE);
        }
        held
    }

    /// 42501 unless the current user holds every privilege of `wanted`
    /// on relation `def`.
    pub fn check_relation(&self, def: &TableDef, wanted: u32) -> Result<()> {
        self.check_relation_columns(def, wanted, None)
    }

    /// [`Stmt::check_relation`] for role `role` (a view's owner).
    pub fn check_relation_as(&self, def: &TableDef, wanted: u32, role: u32) -> Result<()> {
        let Some(roles) = self.acting_roles_of_oid(role)? else {
            return Ok(());
        };
        if def.system {
            return Ok(());
        }
        let p = self.privileges()?;
        if self.relation_mask(&p, def, &roles, wanted) == wanted {
            return Ok(());
        }
        Err(denied(relation_kind(def).1, &def.name))
    }

    /// [`Stmt::check_relation`], where the privileges on each of
    /// `columns` (attribute numbers) do instead of the relation's.
    pub fn check_relation_columns(
        &self,
        def: &TableDef,
        wanted: u32,
        columns: Option<&[i32]>,
    ) -> Result<()> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(());
        };
        if def.system {
            return Ok(());
        }
        let p = self.privileges()?;
        let held = self.relation_mask(&p, def, &roles, wanted);
        let mut missing = wanted & !held;
        if missing != 0 {
            if let Some(cols) = columns.filter(|c| !c.is_empty()) {
                let owner = p.owner(privs::CLASS, def.oid);
                let all = cols.iter().all(|c| {
                    p.acl(privs::CLASS, def.oid, *c)
                        .is_some_and(|a| acl::mask(a, owner, &roles, missing, false) == missing)
                });
                if all {
                    missing = 0;
                }
            }
        }
        if missing == 0 {
            return Ok(());
        }
        Err(denied(relation_kind(def).1, &def.name))
    }

    /// [`crate::binder::TableSource::readable_columns`]: None when `role`
    /// (None: the current user) may read all of `def`, else the columns
    /// its column privileges allow; 42501 when it may read none.
    pub fn readable_columns_as(
        &self,
        def: &TableDef,
        role: Option<u32>,
    ) -> Result<Option<Vec<i16>>> {
        let roles = match role {
            None => self.acting_roles()?,
            Some(oid) => self.acting_roles_of_oid(oid)?,
        };
        let Some(roles) = roles else {
            return Ok(None);
        };
        if def.system {
            return Ok(None);
        }
        let p = self.privileges()?;
        if self.relation_mask(&p, def, &roles, acl::SELECT) != 0 {
            return Ok(None);
        }
        let owner = p.owner(privs::CLASS, def.oid);
        let mut allowed: Vec<i16> = p
            .column_acls(def.oid)
            .filter(|(n, _)| live_column(def, *n))
            .filter(|(_, a)| acl::mask(a, owner, &roles, acl::SELECT, false) != 0)
            .map(|(n, _)| n as i16)
            .collect();
        if allowed.is_empty() {
            return Err(denied(relation_kind(def).1, &def.name));
        }
        allowed.sort_unstable();
        Ok(Some(allowed))
    }

    /// The columns of a DML target the current user may read (None: all),
    /// possibly none: reading the target's rows takes SELECT only for
    /// the columns a statement reads.
    pub fn target_readable(&self, def: &TableDef) -> Result<Option<Vec<i16>>> {
        match self.readable_columns_as(def, None) {
            Ok(r) => Ok(r),
            Err(e) if e.code() == SqlState::INSUFFICIENT_PRIVILEGE => Ok(Some(Vec::new())),
            Err(e) => Err(e),
        }
    }

    /// Whether the current user holds any privilege of `any` on `def`.
    pub fn holds_any(&self, def: &TableDef, any: u32) -> Result<bool> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(true);
        };
        let p = self.privileges()?;
        Ok(def.system || self.relation_mask(&p, def, &roles, any) != 0)
    }

    /// A type named in DDL (a column's, a domain's base, a function's
    /// argument or result, a composite type's attribute): resolved, and
    /// 42501 unless the current user has USAGE on it.
    pub fn ddl_type(&self, t: &sqlparser::ast::DataType) -> Result<(crate::types::DataType, i32)> {
        let (ty, typmod) = self.sql_type(t)?;
        self.check_type_usage(ty)?;
        Ok((ty, typmod))
    }

    /// 42501 "permission denied for type t" unless the current user has
    /// USAGE on user type `ty` (or its element type).
    pub fn check_type_usage(&self, ty: crate::types::DataType) -> Result<()> {
        use crate::types::DataType;
        let inner = match ty {
            DataType::Array(e) => *e,
            t => t,
        };
        let (DataType::Domain(oid) | DataType::Enum(oid) | DataType::Composite(oid)) = inner else {
            return Ok(());
        };
        if oid < crate::catalog::FIRST_USER_OID {
            return Ok(());
        }
        let Some(roles) = self.acting_roles()? else {
            return Ok(());
        };
        let p = self.privileges()?;
        let (owner, list) = p.in_force(privs::TYPE, oid, ObjectKind::Type);
        if acl::mask(&list, owner, &roles, acl::USAGE, false) != 0 {
            return Ok(());
        }
        let name = crate::usertype::get(oid).map_or_else(|| oid.to_string(), |u| u.name.clone());
        Err(denied("type", &name))
    }

    /// 42501 unless the current user may call function `f`.
    pub fn check_function(&self, f: &crate::routine::UserFunction) -> Result<()> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(());
        };
        let p = self.privileges()?;
        let (owner, list) = p.in_force(privs::PROC, f.oid, ObjectKind::Function);
        if acl::mask(&list, owner, &roles, acl::EXECUTE, false) != 0 {
            return Ok(());
        }
        Err(denied(
            if f.procedure { "procedure" } else { "function" },
            &f.name,
        ))
    }

    /// 42501 "must be owner of {word} {name}" unless the current user owns
    /// object (`class`, `oid`).
    pub fn check_object_owner(&self, class: u32, oid: u32, word: &str, name: &str) -> Result<()> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(());
        };
        if roles.contains(&self.privileges()?.owner(class, oid)) {
            return Ok(());
        }
        Err(not_owner(word, name))
    }

    /// Whether the current user owns relation `def` (or is a member of
    /// its owner, or a superuser).
    pub fn owns_relation(&self, def: &TableDef) -> Result<bool> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(true);
        };
        let owner = self.privileges()?.owner(privs::CLASS, def.oid);
        Ok(roles.contains(&owner))
    }

    /// 42501 "must be owner of table t" unless the current user owns
    /// relation `def`.
    pub fn check_relation_owner(&self, def: &TableDef) -> Result<()> {
        if self.owns_relation(def)? {
            return Ok(());
        }
        let word = match def.relkind() {
            'S' => "sequence",
            'v' => "view",
            'm' => "materialized view",
            _ => "table",
        };
        Err(not_owner(word, &def.name))
    }

    /// 42501 unless the current user holds `wanted` on schema `ns`.
    pub fn check_schema(&self, ns: u32, wanted: u32) -> Result<()> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(());
        };
        let p = self.privileges()?;
        let owner = schema_owner(&p, ns);
        let mut held = acl::mask(&schema_acl(&p, ns), owner, &roles, wanted, false);
        if roles.contains(&READ_ALL_DATA) || roles.contains(&WRITE_ALL_DATA) {
            held |= wanted & acl::USAGE;
        }
        if held & wanted == wanted {
            return Ok(());
        }
        let name = self.namespace_name(ns)?;
        Err(denied("schema", &name))
    }

    /// 42501 "must be owner of schema s" unless the current user owns
    /// schema `ns`.
    pub fn check_schema_owner(&self, ns: u32) -> Result<()> {
        let Some(roles) = self.acting_roles()? else {
            return Ok(());
        };
        if roles.contains(&schema_owner(&*self.privileges()?, ns)) {
            return Ok(());
        }
        Err(not_owner("schema", &self.namespace_name(ns)?))
    }

    /// Records the current user as the owner of a new object of kind
    /// `letter` (pg_default_acl's: 'r', 'S', 'f', 'T', 'n'), with the
    /// list ALTER DEFAULT PRIVILEGES gives it (nothing is stored for the
    /// bootstrap superuser's objects with their default list), after
    /// checking CREATE on its schema `ns` (a temporary schema needs none).
    pub fn record_owner(
        &mut self,
        class: u32,
        oid: u32,
        ns: Option<u32>,
        letter: char,
        xid: u32,
    ) -> Result<()> {
        if let Some(ns) = ns {
            if Some(ns) != self.temp.namespace() {
                self.check_schema(ns, acl::CREATE)?;
            }
        }
        let owner = self.current_user_oid()?;
        let initial = crate::ddl::grant::initial_acl(self, letter, owner, ns.unwrap_or(0))?;
        if owner == BOOTSTRAP_SUPERUSER && initial.is_none() {
            return Ok(());
        }
        let entry = privs::Entry {
            owner: Some(owner),
            acl: initial,
        };
        self.bare_catalog()
            .put_privileges(class, oid, 0, &entry, &self.actor(xid))?;
        self.catalog_changed();
        Ok(())
    }
}
