//! Owners and privileges of objects, stored apart from the objects'
//! own rows: one row per object (or column) whose owner is not the
//! bootstrap superuser or whose privileges were changed by GRANT /
//! REVOKE. An object without a row belongs to the bootstrap superuser
//! and has its kind's default privileges (acl.rs). Databases' rows are
//! kept cluster-wide (as pg_database is), everything else per database.
//!
//! Keyed as pg_description is: (object OID, catalog OID, sub-id: the
//! column number for a column, else 0).

use std::collections::HashMap;

use actorgres_storage::smgr::RelId;
use actorgres_storage::Actor;

use super::roles::BOOTSTRAP_SUPERUSER;
use super::store::Catalog;
use super::system::SysTable;
use crate::acl::{self, Acl};
use crate::error::Result;
use crate::types::DataType;
use crate::value::Value;

/// pg_class's OID, the catalog of relations.
pub const CLASS: u32 = 1259;
/// pg_namespace's OID.
pub const NAMESPACE: u32 = 2615;
/// pg_proc's OID.
pub const PROC: u32 = 1255;
/// pg_type's OID.
pub const TYPE: u32 = 1247;
/// pg_database's OID.
pub const DATABASE: u32 = 1262;
/// pg_language's OID.
pub const LANGUAGE: u32 = 2612;

/// The languages (pg_language OID, name), PostgreSQL 15's OIDs.
pub const LANGUAGES: &[(u32, &str)] =
    &[(12, "internal"), (13, "c"), (14, "sql"), (13563, "plpgsql")];

/// The OID of language `name`.
pub fn language_oid(name: &str) -> Option<u32> {
    LANGUAGES.iter().find(|(_, n)| *n == name).map(|(o, _)| *o)
}

/// The name of language `oid`.
pub fn language_name(oid: u32) -> Option<&'static str> {
    LANGUAGES.iter().find(|(o, _)| *o == oid).map(|(_, n)| *n)
}

const COLUMNS: &[(&str, DataType)] = &[
    ("objoid", DataType::Oid),
    ("classoid", DataType::Oid),
    ("objsubid", DataType::Int4),
    // 0: the bootstrap superuser.
    ("owner", DataType::Oid),
    // NULL: the kind's default (acl.rs's stored form otherwise).
    ("acl", DataType::Text),
];

/// Owners and privileges of the database's objects.
pub static PG_PRIVS: SysTable = SysTable {
    oid: 8890,
    name: "pg_privs",
    shared: false,
    columns: COLUMNS,
};

/// Owners and privileges of databases.
pub static PG_SHPRIVS: SysTable = SysTable {
    oid: 8891,
    name: "pg_shprivs",
    shared: true,
    columns: COLUMNS,
};

/// One object's stored owner and privileges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// Its owner (None: the bootstrap superuser).
    pub owner: Option<u32>,
    /// Its privileges (None: the kind's default).
    pub acl: Option<Acl>,
}

/// Every stored entry of a database (and of the cluster's databases).
#[derive(Debug, Default)]
pub struct Privileges {
    map: HashMap<(u32, u32, i32), Entry>,
}

impl Privileges {
    /// The entry of (catalog, object, sub-id), if one is stored.
    pub fn entry(&self, class: u32, oid: u32, sub: i32) -> Option<&Entry> {
        self.map.get(&(class, oid, sub))
    }

    /// The owner of an object.
    pub fn owner(&self, class: u32, oid: u32) -> u32 {
        self.entry(class, oid, 0)
            .and_then(|e| e.owner)
            .unwrap_or(BOOTSTRAP_SUPERUSER)
    }

    /// The owner of object (`class`, `oid`) and the list in force for it:
    /// its stored one, else `kind`'s default for that owner.
    pub fn in_force(&self, class: u32, oid: u32, kind: acl::ObjectKind) -> (u32, Acl) {
        let owner = self.owner(class, oid);
        let list = self
            .acl(class, oid, 0)
            .cloned()
            .unwrap_or_else(|| kind.default_acl(owner));
        (owner, list)
    }

    /// The stored list of an object or column (None: its default).
    pub fn acl(&self, class: u32, oid: u32, sub: i32) -> Option<&Acl> {
        self.entry(class, oid, sub).and_then(|e| e.acl.as_ref())
    }

    /// Every stored key: (catalog, object, sub-id).
    pub fn keys(&self) -> impl Iterator<Item = (u32, u32, i32)> + '_ {
        self.map.keys().copied()
    }

    /// The columns of relation `oid` that have a list of their own, with
    /// it.
    pub fn column_acls(&self, oid: u32) -> impl Iterator<Item = (i32, &Acl)> {
        self.map.iter().filter_map(move |((c, o, s), e)| {
            (*c == CLASS && *o == oid && *s > 0)
                .then_some(())
                .and_then(|_| e.acl.as_ref().map(|a| (*s, a)))
        })
    }
}

fn entry_of(r: &[Value]) -> ((u32, u32, i32), Entry) {
    let sub = match r.get(2) {
        Some(Value::Int4(n)) => *n,
        _ => 0,
    };
    let owner = match r.get(3) {
        Some(v @ Value::Oid(_)) => Some(super::oid_of(v)).filter(|o| *o != 0),
        _ => None,
    };
    let acl = match r.get(4) {
        Some(Value::Text(s)) => Some(acl::load(s)),
        _ => None,
    };
    (
        (super::oid_of(&r[1]), super::oid_of(&r[0]), sub),
        Entry { owner, acl },
    )
}

impl Catalog<'_> {
    /// The stored owners and privileges of this database's objects and
    /// of the cluster's databases.
    pub fn privileges(&self) -> Result<Privileges> {
        let mut map = HashMap::new();
        if self.engine().relation_exists(self.rel(&PG_PRIVS)) {
            for (_, r) in self.rows(&PG_PRIVS)? {
                let (k, e) = entry_of(&r);
                map.insert(k, e);
            }
        }
        if self.engine().relation_exists(RelId::new(0, PG_SHPRIVS.oid)) {
            for (_, r) in self.rows(&PG_SHPRIVS)? {
                let (k, e) = entry_of(&r);
                map.insert(k, e);
            }
        }
        Ok(Privileges { map })
    }

    /// Stores the entry of (catalog, object, sub-id); an empty entry
    /// (bootstrap superuser, default privileges) is no row.
    pub fn put_privileges(
        &self,
        class: u32,
        oid: u32,
        sub: i32,
        entry: &Entry,
        who: &Actor<'_>,
    ) -> Result<()> {
        let t = if class == DATABASE {
            &PG_SHPRIVS
        } else {
            &PG_PRIVS
        };
        if !self.engine().relation_exists(self.rel(t)) {
            let db = if t.shared { 0 } else { self.db() };
            self.engine().create_relation(who.xid, db, t.oid)?;
        }
        for (tid, r) in self.rows_where(t, 0, oid)? {
            let (k, _) = entry_of(&r);
            if k == (class, oid, sub) {
                self.delete(t, tid, who)?;
            }
        }
        let owner = entry.owner.filter(|o| *o != BOOTSTRAP_SUPERUSER);
        if owner.is_none() && entry.acl.is_none() {
            return Ok(());
        }
        self.insert(
            t,
            &[
                Value::Oid(oid),
                Value::Oid(class),
                Value::Int4(sub),
                Value::Oid(owner.unwrap_or(0)),
                entry
                    .acl
                    .as_ref()
                    .map_or(Value::Null, |a| Value::Text(acl::store(a))),
            ],
            who,
        )?;
        Ok(())
    }

    /// Forgets every entry of object `oid` (it was dropped).
    pub fn drop_privileges(&self, oid: u32, who: &Actor<'_>) -> Result<()> {
        for t in [&PG_PRIVS, &PG_SHPRIVS] {
            if self.engine().relation_exists(self.rel(t)) {
                for (tid, _) in self.rows_where(t, 0, oid)? {
                    self.delete(t, tid, who)?;
                }
            }
        }
        Ok(())
    }
}

/// pg_default_acl as stored: ALTER DEFAULT PRIVILEGES' lists (the
/// stored form of acl.rs), by role, schema (0: every schema) and object
/// kind ('r' tables, 'S' sequences, 'f' functions, 'T' types, 'n'
/// schemas).
pub static PG_DEFAULT_ACL: SysTable = SysTable {
    oid: 826,
    name: "pg_default_acl",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("defaclrole", DataType::Oid),
        ("defaclnamespace", DataType::Oid),
        ("defaclobjtype", DataType::Text),
        ("defaclacl", DataType::Text),
    ],
};

/// One pg_default_acl row.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultAcl {
    /// Its OID.
    pub oid: u32,
    /// Whose new objects it applies to.
    pub role: u32,
    /// In which schema (0: all).
    pub namespace: u32,
    /// The object kind's letter.
    pub kind: char,
    /// The list.
    pub acl: Acl,
}

impl Catalog<'_> {
    /// Every pg_default_acl row, with its row id.
    pub fn default_acls(&self) -> Result<Vec<(actorgres_storage::page::Tid, DefaultAcl)>> {
        if !self.engine().relation_exists(self.rel(&PG_DEFAULT_ACL)) {
            return Ok(Vec::new());
        }
        Ok(self
            .rows(&PG_DEFAULT_ACL)?
            .into_iter()
            .map(|(tid, r)| {
                let d = DefaultAcl {
                    oid: super::oid_of(&r[0]),
                    role: super::oid_of(&r[1]),
                    namespace: super::oid_of(&r[2]),
                    kind: super::text_of(&r[3]).chars().next().unwrap_or('r'),
                    acl: match r.get(4) {
                        Some(Value::Text(s)) => acl::load(s),
                        _ => Vec::new(),
                    },
                };
                (tid, d)
            })
            .collect())
    }

    /// Stores `d` (in place of row `tid`), or with `acl` None deletes
    /// row `tid`.
    pub fn put_default_acl(
        &self,
        tid: Option<actorgres_storage::page::Tid>,
        d: Option<&DefaultAcl>,
        who: &Actor<'_>,
    ) -> Result<()> {
        if !self.engine().relation_exists(self.rel(&PG_DEFAULT_ACL)) {
            self.engine()
                .create_relation(who.xid, self.db(), PG_DEFAULT_ACL.oid)?;
        }
        if let Some(t) = tid {
            self.delete(&PG_DEFAULT_ACL, t, who)?;
        }
        if let Some(d) = d {
            self.insert(
                &PG_DEFAULT_ACL,
                &[
                    Value::Oid(d.oid),
                    Value::Oid(d.role),
                    Value::Oid(d.namespace),
                    Value::Text(d.kind.to_string()),
                    Value::Text(acl::store(&d.acl)),
                ],
                who,
            )?;
        }
        Ok(())
    }
}
