//! Privileges: PostgreSQL's access control lists.
//!
//! An object's privileges are a list of grants (aclitem): who received
//! which privileges (some with the right to grant them on), from whom.
//! An object whose list was never changed has none stored and uses its
//! kind's default (`acldefault`): the owner holds everything, and PUBLIC
//! what PostgreSQL gives it (EXECUTE on functions, USAGE on types and
//! languages, CONNECT and TEMPORARY on databases).
//!
//! Rules (PostgreSQL's acl.c):
//! 1. A GRANT adds to the item of the same grantee and grantor, or
//!    appends a new item; a REVOKE takes privileges away from that item
//!    and drops it when nothing is left.
//! 2. The owner always holds the grant options of every privilege of the
//!    object (it can grant even what it revoked from itself); superusers
//!    hold everything and grant as the owner.
//! 3. A role has the privileges granted to PUBLIC, to itself and to every
//!    role it inherits from (INHERIT membership, transitively).
//!
//! Stored form: items separated by commas, each
//! `grantee:grantor:privileges:grant options` as numbers, so renaming a
//! role changes nothing stored; shown as PostgreSQL prints aclitem.

use crate::error::{Result, SqlError, SqlState};

/// INSERT (`a`).
pub const INSERT: u32 = 1 << 0;
/// SELECT (`r`).
pub const SELECT: u32 = 1 << 1;
/// UPDATE (`w`).
pub const UPDATE: u32 = 1 << 2;
/// DELETE (`d`).
pub const DELETE: u32 = 1 << 3;
/// TRUNCATE (`D`).
pub const TRUNCATE: u32 = 1 << 4;
/// REFERENCES (`x`).
pub const REFERENCES: u32 = 1 << 5;
/// TRIGGER (`t`).
pub const TRIGGER: u32 = 1 << 6;
/// EXECUTE (`X`).
pub const EXECUTE: u32 = 1 << 7;
/// USAGE (`U`).
pub const USAGE: u32 = 1 << 8;
/// CREATE (`C`).
pub const CREATE: u32 = 1 << 9;
/// TEMPORARY (`T`).
pub const TEMPORARY: u32 = 1 << 10;
/// CONNECT (`c`).
pub const CONNECT: u32 = 1 << 11;
/// SET (`s`, parameters).
pub const SET: u32 = 1 << 12;
/// ALTER SYSTEM (`A`, parameters).
pub const ALTER_SYSTEM: u32 = 1 << 13;

/// The letters of the privileges, bit by bit.
const LETTERS: &[u8; 14] = b"arwdDxtXUCTcsA";

/// Privilege keywords, bit by bit (has_*_privilege and GRANT spell them
/// so).
const NAMES: [&str; 14] = [
    "INSERT",
    "SELECT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
    "EXECUTE",
    "USAGE",
    "CREATE",
    "TEMPORARY",
    "CONNECT",
    "SET",
    "ALTER SYSTEM",
];

/// The grantee PUBLIC.
pub const PUBLIC: u32 = 0;

/// One grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AclItem {
    /// Who holds the privileges (PUBLIC: 0).
    pub grantee: u32,
    /// Who granted them.
    pub grantor: u32,
    /// The privileges.
    pub privs: u32,
    /// Those of them held WITH GRANT OPTION.
    pub options: u32,
}

/// An access control list.
pub type Acl = Vec<AclItem>;

/// The kinds of object privileges are kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// A table, view, materialized view or foreign table.
    Table,
    /// A sequence.
    Sequence,
    /// A column of a table.
    Column,
    /// A schema.
    Schema,
    /// A function, procedure or aggregate.
    Function,
    /// A database.
    Database,
    /// A procedural language.
    Language,
    /// A type or domain.
    Type,
    /// A tablespace.
    Tablespace,
}

impl ObjectKind {
    /// Every privilege that applies to the kind (ALL PRIVILEGES).
    pub fn all(self) -> u32 {
        match self {
            ObjectKind::Table => {
                INSERT | SELECT | UPDATE | DELETE | TRUNCATE | REFERENCES | TRIGGER
            }
            ObjectKind::Sequence => USAGE | SELECT | UPDATE,
            ObjectKind::Column => INSERT | SELECT | UPDATE | REFERENCES,
            ObjectKind::Schema => USAGE | CREATE,
            ObjectKind::Function => EXECUTE,
            ObjectKind::Database => CREATE | TEMPORARY | CONNECT,
            ObjectKind::Language | ObjectKind::Type => USAGE,
            ObjectKind::Tablespace => CREATE,
        }
    }

    /// The list an object of this kind owned by `owner` has until its
    /// privileges change (PostgreSQL's acldefault).
    pub fn default_acl(self, owner: u32) -> Acl {
        let (public, own) = match self {
            ObjectKind::Column => (0, 0),
            ObjectKind::Database => (TEMPORARY | CONNECT, self.all()),
            ObjectKind::Function | ObjectKind::Language | ObjectKind::Type => {
                (self.all(), self.all())
            }
            _ => (0, self.all()),
        };
        let mut acl = Vec::new();
        if public != 0 {
            acl.push(AclItem {
                grantee: PUBLIC,
                grantor: owner,
                privs: public,
                options: 0,
            });
        }
        if own != 0 {
            acl.push(AclItem {
                grantee: owner,
                grantor: owner,
                privs: own,
                options: 0,
            });
        }
        acl
    }

    /// The word error messages use ("permission denied for table t").
    pub fn word(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Column => "column",
            ObjectKind::Schema => "schema",
            ObjectKind::Function => "function",
            ObjectKind::Database => "database",
            ObjectKind::Language => "language",
            ObjectKind::Type => "type",
            ObjectKind::Tablespace => "tablespace",
        }
    }
}

/// The privilege a keyword names (`select`, `temp`, ...), case
/// insensitively.
pub fn privilege_named(word: &str) -> Option<u32> {
    let w = word.trim().to_ascii_uppercase();
    let w = match w.as_str() {
        "TEMP" => "TEMPORARY",
        "ALTER_SYSTEM" => "ALTER SYSTEM",
        other => other,
    };
    NAMES.iter().position(|n| *n == w).map(|i| 1 << i)
}

/// The keyword of one privilege bit.
pub fn privilege_word(bit: u32) -> &'static str {
    NAMES[bit.trailing_zeros() as usize % NAMES.len()]
}

/// Parses has_*_privilege's privilege text: keywords separated by
/// commas, each optionally `WITH GRANT OPTION`; returns (privileges,
/// grant options wanted) or 22023 "unrecognized privilege type".
pub fn parse_privilege_list(text: &str, allowed: u32) -> Result<(u32, u32)> {
    let mut privs = 0;
    let mut options = 0;
    for part in text.split(',') {
        let p = part.trim();
        let upper = p.to_ascii_uppercase();
        let (name, grant) = match upper.strip_suffix("WITH GRANT OPTION") {
            Some(n) => (n.trim_end().to_owned(), true),
            None => (upper.clone(), false),
        };
        // RULE is accepted for compatibility and never held.
        if name.trim() == "RULE" && allowed & TRIGGER != 0 {
            continue;
        }
        match privilege_named(&name) {
            Some(bit) if bit & allowed != 0 => {
                privs |= bit;
                if grant {
                    options |= bit;
                }
            }
            _ => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("unrecognized privilege type: \"{p}\""),
                ))
            }
        }
    }
    Ok((privs, options))
}

/// The stored form of `acl`.
pub fn store(acl: &[AclItem]) -> String {
    acl.iter()
        .map(|i| format!("{}:{}:{}:{}", i.grantee, i.grantor, i.privs, i.options))
        .collect::<Vec<_>>()
        .join(",")
}

/// Reads the stored form (an empty text is an empty list).
pub fn load(text: &str) -> Acl {
    text.split(',')
        .filter_map(|item| {
            let mut n = item.split(':').map(|x| x.parse::<u32>().ok());
            Some(AclItem {
                grantee: n.next()??,
                grantor: n.next()??,
                privs: n.next()??,
                options: n.next()??,
            })
        })
        .collect()
}

/// A role name as aclitem prints it: quoted when it is not all
/// lower-case letters, digits and underscores (PostgreSQL's putid).
fn put_id(name: &str, out: &mut String) {
    let safe = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if safe {
        out.push_str(name);
        return;
    }
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// The text form of one item (`grantee=privileges/grantor`, `*` after
/// a privilege held with grant option, no grantee for PUBLIC), with role
/// names from `name` (a role without one prints as its OID).
pub fn item_text(item: &AclItem, name: &dyn Fn(u32) -> Option<String>) -> String {
    let mut out = String::new();
    let who = |o: u32| name(o).unwrap_or_else(|| o.to_string());
    if item.grantee != PUBLIC {
        put_id(&who(item.grantee), &mut out);
    }
    out.push('=');
    for (i, c) in LETTERS.iter().enumerate() {
        if item.privs & (1 << i) != 0 {
            out.push(*c as char);
            if item.options & (1 << i) != 0 {
                out.push('*');
            }
        }
    }
    out.push('/');
    put_id(&who(item.grantor), &mut out);
    out
}

/// Reads an aclitem's text form; `role` finds a role's OID by name.
pub fn parse_item(text: &str, role: &dyn Fn(&str) -> Option<u32>) -> Result<AclItem> {
    let bad = |m: &str| SqlError::new(SqlState::INVALID_TEXT_REPRESENTATION, m.to_owned());
    let (grantee_text, rest) = text
        .trim()
        .split_once('=')
        .ok_or_else(|| bad("missing \"=\" sign"))?;
    let (privs_text, grantor_text) = rest.split_once('/').unwrap_or((rest, ""));
    let lookup = |n: &str| -> Result<u32> {
        let n = n.trim().trim_matches('"');
        role(n).ok_or_else(|| {
            SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("role \"{n}\" does not exist"),
            )
        })
    };
    let grantee = if grantee_text.trim().is_empty() {
        PUBLIC
    } else {
        lookup(grantee_text)?
    };
    let grantor = if grantor_text.trim().is_empty() {
        crate::catalog::roles::BOOTSTRAP_SUPERUSER
    } else {
        lookup(grantor_text)?
    };
    let mut item = AclItem {
        grantee,
        grantor,
        privs: 0,
        options: 0,
    };
    let mut last = 0;
    for c in privs_text.chars() {
        if c == '*' {
            item.options |= last;
            continue;
        }
        let Some(i) = LETTERS.iter().position(|l| *l as char == c) else {
            return Err(bad(&format!(
                "invalid mode character: must be one of \"{}\"",
                std::str::from_utf8(LETTERS).unwrap_or_default()
            )));
        };
        last = 1 << i;
        item.privs |= last;
    }
    Ok(item)
}

/// Grants `privs` (`options` of them with grant option) to `grantee`
/// from `grantor` (rule 1).
pub fn grant(acl: &mut Acl, grantee: u32, grantor: u32, privs: u32, options: u32) {
    match acl
        .iter_mut()
        .find(|i| i.grantee == grantee && i.grantor == grantor)
    {
        Some(i) => {
            i.privs |= privs;
            i.options |= options;
        }
        None => acl.push(AclItem {
            grantee,
            grantor,
            privs,
            options,
        }),
    }
}

/// Revokes `privs` from `grantee`'s grant by `grantor` (only their grant
/// option when `option_only`); the item goes when nothing is left.
pub fn revoke(acl: &mut Acl, grantee: u32, grantor: u32, privs: u32, option_only: bool) {
    for i in acl.iter_mut() {
        if i.grantee == grantee && i.grantor == grantor {
            i.options &= !privs;
            if !option_only {
                i.privs &= !privs;
            }
        }
    }
    acl.retain(|i| i.privs != 0 || i.options != 0);
}

/// The list after the object's owner changes from `old` to `new`
/// (PostgreSQL's aclnewowner: the old owner's grants, as grantor and as
/// grantee, become the new owner's, merged with what it held).
pub fn new_owner(acl: &[AclItem], old: u32, new: u32) -> Acl {
    let mut out: Acl = Vec::new();
    for item in acl {
        let mut i = *item;
        if i.grantee == old {
            i.grantee = new;
        }
        if i.grantor == old {
            i.grantor = new;
        }
        grant(&mut out, i.grantee, i.grantor, i.privs, i.options);
    }
    out
}

/// The system catalogs PUBLIC may not read (it reads every other one).
pub const PRIVATE_CATALOGS: &[&str] = &[
    "pg_authid",
    "pg_shadow",
    "pg_statistic",
    "pg_largeobject",
    "pg_user_mapping",
    "pg_statistic_ext_data",
    "pg_subscription",
];

/// The list of system relation `name` as initdb leaves it: the
/// bootstrap superuser holds everything, PUBLIC reads (and may UPDATE
/// pg_settings, which is how SET through it works) unless the catalog
/// is private.
pub fn system_acl(name: &str) -> Acl {
    let su = crate::catalog::roles::BOOTSTRAP_SUPERUSER;
    let mut acl = ObjectKind::Table.default_acl(su);
    if !PRIVATE_CATALOGS.contains(&name) {
        let privs = if name == "pg_settings" {
            SELECT | UPDATE
        } else {
            SELECT
        };
        grant(&mut acl, PUBLIC, su, privs, 0);
    }
    acl
}

/// Whether two lists hold the same grants, in any order (PostgreSQL
/// sorts both before comparing).
pub fn same(a: &[AclItem], b: &[AclItem]) -> bool {
    let key = |i: &AclItem| (i.grantee, i.grantor, i.privs, i.options);
    let mut x: Vec<_> = a.iter().map(key).collect();
    let mut y: Vec<_> = b.iter().map(key).collect();
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// The privileges of `wanted` that the roles `roles` (a role and every
/// role whose privileges it has; PUBLIC is implied) hold on an object
/// owned by `owner` with list `acl`; `options` asks for grant options
/// instead (rule 2: the owner holds all of them).
pub fn mask(acl: &[AclItem], owner: u32, roles: &[u32], wanted: u32, options: bool) -> u32 {
    let mut held = 0;
    if options && roles.contains(&owner) {
        held |= wanted;
    }
    for i in acl {
        if i.grantee == PUBLIC || roles.contains(&i.grantee) {
            held |= if options { i.options } else { i.privs };
        }
    }
    held & wanted
}
