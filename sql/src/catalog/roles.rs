//! Roles: the cluster-wide pg_authid and pg_auth_members, stored like
//! pg_database (database 0). The bootstrap superuser and PostgreSQL's
//! predefined roles are built in; a stored row with the same OID (ALTER
//! ROLE postgres PASSWORD ...) takes the place of the built-in one. Both
//! relations are created by the first statement that stores a row, so a
//! cluster that never made a role reads them as empty.

use actorgres_storage::page::Tid;
use actorgres_storage::smgr::RelId;
use actorgres_storage::Actor;

use super::store::Catalog;
use super::system::SysTable;
use crate::error::Result;
use crate::types::DataType;
use crate::value::Value;

/// pg_authid as stored.
pub static PG_AUTHID: SysTable = SysTable {
    oid: 1260,
    name: "pg_authid",
    shared: true,
    columns: &[
        ("oid", DataType::Oid),
        ("rolname", DataType::Name),
        ("rolsuper", DataType::Bool),
        ("rolinherit", DataType::Bool),
        ("rolcreaterole", DataType::Bool),
        ("rolcreatedb", DataType::Bool),
        ("rolcanlogin", DataType::Bool),
        ("rolreplication", DataType::Bool),
        ("rolbypassrls", DataType::Bool),
        ("rolconnlimit", DataType::Int4),
        ("rolpassword", DataType::Text),
        ("rolvaliduntil", DataType::TimestampTz),
    ],
};

/// pg_auth_members as stored.
pub static PG_AUTH_MEMBERS: SysTable = SysTable {
    oid: 1261,
    name: "pg_auth_members",
    shared: true,
    columns: &[
        ("roleid", DataType::Oid),
        ("member", DataType::Oid),
        ("grantor", DataType::Oid),
        ("admin_option", DataType::Bool),
    ],
};

/// The bootstrap superuser's OID.
pub const BOOTSTRAP_SUPERUSER: u32 = 10;
/// Its name.
pub const BOOTSTRAP_SUPERUSER_NAME: &str = "postgres";

/// PostgreSQL 15's predefined roles.
pub const PREDEFINED_ROLES: &[(u32, &str)] = &[
    (6171, "pg_database_owner"),
    (6181, "pg_read_all_data"),
    (6182, "pg_write_all_data"),
    (3373, "pg_monitor"),
    (3374, "pg_read_all_settings"),
    (3375, "pg_read_all_stats"),
    (3377, "pg_stat_scan_tables"),
    (4200, "pg_signal_backend"),
    (4544, "pg_checkpoint"),
    (4569, "pg_read_server_files"),
    (4570, "pg_write_server_files"),
    (4571, "pg_execute_server_program"),
];

/// One role (a pg_authid row).
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// OID.
    pub oid: u32,
    /// Name.
    pub name: String,
    /// SUPERUSER.
    pub superuser: bool,
    /// INHERIT.
    pub inherit: bool,
    /// CREATEROLE.
    pub createrole: bool,
    /// CREATEDB.
    pub createdb: bool,
    /// LOGIN.
    pub login: bool,
    /// REPLICATION.
    pub replication: bool,
    /// BYPASSRLS.
    pub bypassrls: bool,
    /// CONNECTION LIMIT (-1: none).
    pub connlimit: i32,
    /// PASSWORD, as stored (SCRAM verifier or MD5 hash or plain text).
    pub password: Option<String>,
    /// VALID UNTIL (timestamptz microseconds).
    pub valid_until: Option<i64>,
}

impl Role {
    /// A role with CREATE ROLE's defaults (NOLOGIN, INHERIT, ...).
    pub fn new(oid: u32, name: &str) -> Role {
        Role {
            oid,
            name: name.to_owned(),
            superuser: false,
            inherit: true,
            createrole: false,
            createdb: false,
            login: false,
            replication: false,
            bypassrls: false,
            connlimit: -1,
            password: None,
            valid_until: None,
        }
    }

    /// The built-in roles: the bootstrap superuser and the predefined
    /// roles.
    pub fn builtin() -> Vec<Role> {
        let su = Role {
            superuser: true,
            createrole: true,
            createdb: true,
            login: true,
            replication: true,
            bypassrls: true,
            ..Role::new(BOOTSTRAP_SUPERUSER, BOOTSTRAP_SUPERUSER_NAME)
        };
        std::iter::once(su)
            .chain(PREDEFINED_ROLES.iter().map(|(o, n)| Role::new(*o, n)))
            .collect()
    }

    /// The stored row.
    pub fn row(&self) -> Vec<Value> {
        vec![
            Value::Oid(self.oid),
            Value::Text(self.name.clone()),
            Value::Bool(self.superuser),
            Value::Bool(self.inherit),
            Value::Bool(self.createrole),
            Value::Bool(self.createdb),
            Value::Bool(self.login),
            Value::Bool(self.replication),
            Value::Bool(self.bypassrls),
            Value::Int4(self.connlimit),
            self.password.clone().map_or(Value::Null, Value::Text),
            self.valid_until.map_or(Value::Null, Value::TimestampTz),
        ]
    }

    fn from_row(r: &[Value]) -> Role {
        let b = |i: usize| matches!(r.get(i), Some(Value::Bool(true)));
        Role {
            oid: super::oid_of(&r[0]),
            name: super::text_of(&r[1]),
            superuser: b(2),
            inherit: b(3),
            createrole: b(4),
            createdb: b(5),
            login: b(6),
            replication: b(7),
            bypassrls: b(8),
            connlimit: match r.get(9) {
                Some(Value::Int4(n)) => *n,
                _ => -1,
            },
            password: match r.get(10) {
                Some(Value::Text(s)) => Some(s.clone()),
                _ => None,
            },
            valid_until: match r.get(11) {
                Some(Value::TimestampTz(t)) => Some(*t),
                _ => None,
            },
        }
    }
}

/// One membership (a pg_auth_members row): `member` is a member of
/// `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    /// The role granted.
    pub role: u32,
    /// The role it is granted to.
    pub member: u32,
    /// Who granted it.
    pub grantor: u32,
    /// WITH ADMIN OPTION.
    pub admin: bool,
}

impl Membership {
    /// The stored row.
    pub fn row(&self) -> Vec<Value> {
        vec![
            Value::Oid(self.role),
            Value::Oid(self.member),
            Value::Oid(self.grantor),
            Value::Bool(self.admin),
        ]
    }
}

impl Catalog<'_> {
    fn shared_rel(t: &SysTable) -> RelId {
        RelId::new(0, t.oid)
    }

    /// The stored rows of a roles relation (none if it was never made).
    fn role_rows(&self, t: &SysTable) -> Result<Vec<(Tid, Vec<Value>)>> {
        if !self.engine().relation_exists(Self::shared_rel(t)) {
            return Ok(Vec::new());
        }
        self.rows(t)
    }

    /// Makes a roles relation if the cluster has none yet.
    fn ensure_role_relation(&self, t: &SysTable, who: &Actor<'_>) -> Result<()> {
        if !self.engine().relation_exists(Self::shared_rel(t)) {
            self.engine().create_relation(who.xid, 0, t.oid)?;
        }
        Ok(())
    }

    /// Every role, each with its stored row's id (None: built in and
    /// never altered).
    pub fn roles(&self) -> Result<Vec<(Option<Tid>, Role)>> {
        let stored: Vec<(Tid, Role)> = self
            .role_rows(&PG_AUTHID)?
            .into_iter()
            .map(|(tid, r)| (tid, Role::from_row(&r)))
            .collect();
        let mut out: Vec<(Option<Tid>, Role)> = Role::builtin()
            .into_iter()
            .filter(|b| !stored.iter().any(|(_, s)| s.oid == b.oid))
            .map(|r| (None, r))
            .collect();
        out.extend(stored.into_iter().map(|(t, r)| (Some(t), r)));
        out.sort_by_key(|(_, r)| r.oid);
        Ok(out)
    }

    /// The role called `name`.
    pub fn role(&self, name: &str) -> Result<Option<(Option<Tid>, Role)>> {
        Ok(self.roles()?.into_iter().find(|(_, r)| r.name == name))
    }

    /// Stores a role: a new row, or in place of `tid`.
    pub fn put_role(&self, tid: Option<Tid>, role: &Role, who: &Actor<'_>) -> Result<()> {
        self.ensure_role_relation(&PG_AUTHID, who)?;
        match tid {
            Some(t) => self.update(&PG_AUTHID, t, &role.row(), who),
            None => self.insert(&PG_AUTHID, &role.row(), who).map(|_| ()),
        }
    }

    /// Removes a stored role row.
    pub fn delete_role(&self, tid: Tid, who: &Actor<'_>) -> Result<()> {
        self.delete(&PG_AUTHID, tid, who)
    }

    /// Every membership.
    pub fn memberships(&self) -> Result<Vec<(Tid, Membership)>> {
        Ok(self
            .role_rows(&PG_AUTH_MEMBERS)?
            .into_iter()
            .map(|(tid, r)| {
                let b = matches!(r.get(3), Some(Value::Bool(true)));
                (
                    tid,
                    Membership {
                        role: super::oid_of(&r[0]),
                        member: super::oid_of(&r[1]),
                        grantor: super::oid_of(&r[2]),
                        admin: b,
                    },
                )
            })
            .collect())
    }

    /// Stores a membership: a new row, or in place of `tid`.
    pub fn put_membership(&self, tid: Option<Tid>, m: &Membership, who: &Actor<'_>) -> Result<()> {
        self.ensure_role_relation(&PG_AUTH_MEMBERS, who)?;
        match tid {
            Some(t) => self.update(&PG_AUTH_MEMBERS, t, &m.row(), who),
            None => self.insert(&PG_AUTH_MEMBERS, &m.row(), who).map(|_| ()),
        }
    }

    /// Removes a membership row.
    pub fn delete_membership(&self, tid: Tid, who: &Actor<'_>) -> Result<()> {
        self.delete(&PG_AUTH_MEMBERS, tid, who)
    }
}

/// The roles `role` is a member of, directly or through others, itself
/// first; `inherit_only` follows only roles that inherit (privileges),
/// else every membership (SET ROLE).
pub fn member_of(
    role: u32,
    roles: &[Role],
    members: &[Membership],
    inherit_only: bool,
) -> Vec<u32> {
    let mut out = vec![role];
    let mut i = 0;
    while i < out.len() {
        let r = out[i];
        i += 1;
        let inherits = roles.iter().find(|x| x.oid == r).is_none_or(|x| x.inherit);
        if inherit_only && !inherits {
            continue;
        }
        for m in members.iter().filter(|m| m.member == r) {
            if !out.contains(&m.role) {
                out.push(m.role);
            }
        }
    }
    out
}
