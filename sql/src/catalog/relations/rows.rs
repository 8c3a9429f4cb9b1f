//! Rows of the pg_catalog relations, built from the stored catalog, the
//! built-in types and functions, and PostgreSQL's bootstrap objects
//! (access methods, collations, tablespaces, predefined roles).

use std::sync::Arc;

use super::columns::*;
use super::{SystemView, INFORMATION_SCHEMA_NS, PG_TOAST_NS};
use crate::catalog::system::{self, PG_CATALOG_NS, PUBLIC_NS};
use crate::catalog::{oid_of, text_of, Catalog, DatabaseDef, TableDef};
use crate::error::Result;
use crate::expr::EvalCtx;
use crate::types::DataType;
use crate::value::{ArrayRef, Value};

use crate::catalog::roles::PREDEFINED_ROLES;
pub use crate::catalog::roles::{BOOTSTRAP_SUPERUSER, BOOTSTRAP_SUPERUSER_NAME};
/// pg_database_owner, owner of schema public.
pub const DATABASE_OWNER: u32 = 6171;
/// The default collation.
const DEFAULT_COLLATION: u32 = 100;
/// Collation "C".
const C_COLLATION: u32 = 950;
/// Tablespace pg_default.
const PG_DEFAULT_TABLESPACE: u32 = 1663;
/// Access method heap.
const HEAP_AM: u32 = 2;
/// Access method btree.
pub const BTREE_AM: u32 = 403;

/// One row, filled by column name; unset columns are NULL.
pub(super) struct Row {
    /// The relation's columns.
    columns: &'static [(&'static str, DataType)],
    /// Values so far.
    values: Vec<Value>,
}

impl Row {
    /// A row of NULLs.
    pub(super) fn new(columns: &'static [(&'static str, DataType)]) -> Row {
        Row {
            columns,
            values: vec![Value::Null; columns.len()],
        }
    }

    /// Sets column `name`.
    pub(super) fn set(mut self, name: &str, v: Value) -> Row {
        match self.columns.iter().position(|(n, _)| *n == name) {
            Some(i) => self.values[i] = v,
            None => debug_assert!(false, "no column {name}"),
        }
        self
    }

    /// Sets a text, name or "char" column.
    pub(super) fn text(self, name: &str, v: &str) -> Row {
        self.set(name, Value::Text(v.to_owned()))
    }

    /// Sets an oid column.
    pub(super) fn oid(self, name: &str, v: u32) -> Row {
        self.set(name, Value::Oid(v))
    }

    /// Sets a boolean column.
    pub(super) fn bool(self, name: &str, v: bool) -> Row {
        self.set(name, Value::Bool(v))
    }

    /// Sets an int2 column.
    pub(super) fn int2(self, name: &str, v: i64) -> Row {
        self.set(name, Value::Int2(v as i16))
    }

    /// Sets an int4 column.
    pub(super) fn int4(self, name: &str, v: i64) -> Row {
        self.set(name, Value::Int4(v as i32))
    }

    /// Sets a regproc column to a function name (`-` for none).
    pub(super) fn proc(self, name: &str, v: &str) -> Row {
        self.set(name, Value::Named(0, Arc::from(v)))
    }

    /// The values.
    pub(super) fn done(self) -> Vec<Value> {
        self.values
    }
}

/// Catalog access for the session's database.
pub(crate) fn catalog<'c>(ctx: &'c EvalCtx<'_>) -> Result<Option<(Catalog<'c>, DatabaseDef)>> {
    let Some(st) = &ctx.storage else {
        return Ok(None);
    };
    let Some((_, db)) = Catalog::new(st.engine, 0, st.own).database(&ctx.info.database)? else {
        return Ok(None);
    };
    Ok(Some((Catalog::new(st.engine, db.oid, st.own), db)))
}

/// Every user relation (tables and views) of the session's database.
pub(crate) fn relations(ctx: &EvalCtx<'_>) -> Result<Vec<TableDef>> {
    match catalog(ctx)? {
        Some((cat, _)) => cat.relations(),
        None => Ok(Vec::new()),
    }
}

/// pg_type.typalign.
fn typalign(t: DataType) -> &'static str {
    use DataType::*;
    match t {
        Bool | Char | Name | Uuid => "c",
        Int2 => "s",
        Int8 | Float8 | Time | Timestamp | TimestampTz | Interval | PgLsn | PgSnapshot
        | TxidSnapshot => "d",
        // Arrays, ranges and multiranges: their element's, at least int.
        Array(e) | Multirange(e) => match typalign(*e) {
            "d" => "d",
            _ => "i",
        },
        Range(_) | UserRange(_) => match typalign(crate::value::range::element(t).base()) {
            "d" => "d",
            _ => "i",
        },
        _ => "i",
    }
}

/// pg_type.typstorage.
fn typstorage(t: DataType) -> &'static str {
    use DataType::*;
    match t {
        Numeric => "m",
        _ if t.typlen() == -1 => "x",
        _ => "p",
    }
}

/// pg_type.typcollation: the default collation for collatable types.
pub(super) fn typcollation(t: DataType) -> u32 {
    use DataType::*;
    match t {
        Text | Varchar | Bpchar => DEFAULT_COLLATION,
        Array(Text | Varchar | Bpchar) => DEFAULT_COLLATION,
        Name => C_COLLATION,
        _ => 0,
    }
}

/// The default B-tree operator class of a type (pg_opclass OIDs): its
/// own, or its category's (text_ops for varchar, array_ops, enum_ops).
fn btree_opclass(t: DataType) -> u32 {
    use DataType::*;
    let intype = match t.base() {
        Array(_) => 2277,
        Enum(_) => 3500,
        Varchar => 25,
        other => other.oid().0,
    };
    super::opclass::OPCLASSES
        .iter()
        .find(|c| c.1 == BTREE_AM && c.5 && c.4 == intype)
        .map_or(0, |c| c.0)
}

/// pg_opclass: the built-in operator classes.
pub(super) fn pg_opclass(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(super::opclass::OPCLASSES
        .iter()
        .map(|&(oid, method, name, family, intype, default, keytype)| {
            Row::new(PG_OPCLASS)
                .oid("oid", oid)
                .oid("opcmethod", method)
                .text("opcname", name)
                .oid("opcnamespace", PG_CATALOG_NS)
                .oid("opcowner", BOOTSTRAP_SUPERUSER)
                .oid("opcfamily", family)
                .oid("opcintype", intype)
                .bool("opcdefault", default)
                .oid("opckeytype", keytype)
                .done()
        })
        .collect())
}

/// pg_opfamily: the built-in operator families.
pub(super) fn pg_opfamily(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(super::opclass::OPFAMILIES
        .iter()
        .map(|&(oid, method, name)| {
            Row::new(PG_OPFAMILY)
                .oid("oid", oid)
                .oid("opfmethod", method)
                .text("opfname", name)
                .oid("opfnamespace", PG_CATALOG_NS)
                .oid("opfowner", BOOTSTRAP_SUPERUSER)
                .done()
        })
        .collect())
}

/// The session database's schemas, (oid, name).
pub(crate) fn namespaces(ctx: &EvalCtx<'_>) -> Result<Vec<(u32, String)>> {
    match catalog(ctx)? {
        Some((cat, _)) => cat.namespaces(),
        None => Ok(vec![
            (PG_CATALOG_NS, "pg_catalog".into()),
            (PUBLIC_NS, "public".into()),
        ]),
    }
}

/// The schemas the session's search_path searches, in order.
pub(crate) fn search_path(ctx: &EvalCtx<'_>) -> Result<Vec<u32>> {
    Ok(crate::catalog::temp_search_path(
        &ctx.settings.str("search_path"),
        &crate::func::current_user(ctx),
        &namespaces(ctx)?,
        ctx.temp_namespace,
    ))
}

/// The schemas a possibly qualified relation name (`t`, `s.t`, `db.s.t`)
/// is looked up in, in order: the search path for a bare name, else the
/// schema named (none if it does not exist).
pub(crate) fn lookup_namespaces(ctx: &EvalCtx<'_>, parts: &[String]) -> Result<Vec<u32>> {
    Ok(match parts {
        [] | [_] => search_path(ctx)?,
        [.., schema, _] => namespaces(ctx)?
            .into_iter()
            .filter(|(_, n)| n == schema)
            .map(|(o, _)| o)
            .collect(),
    })
}

/// The stored owners and privileges, with the role names lists print.
pub(crate) struct Owners {
    /// The stored entries.
    pub p: crate::catalog::privs::Privileges,
    /// Role names by OID.
    names: std::collections::HashMap<u32, String>,
}

impl Owners {
    /// Reads them for the session's database (none outside one).
    pub(crate) fn load(ctx: &EvalCtx<'_>) -> Result<Owners> {
        let p = match catalog(ctx)? {
            Some((cat, _)) => cat.privileges()?,
            None => Default::default(),
        };
        let names = roles(ctx)?.into_iter().map(|r| (r.oid, r.name)).collect();
        Ok(Owners { p, names })
    }

    /// A list as an aclitem[] value.
    pub(crate) fn value(&self, acl: &[crate::acl::AclItem]) -> Value {
        let name = |o: u32| self.names.get(&o).cloned();
        Value::Array(ArrayRef::new(
            acl.iter()
                .map(|i| Value::Text(crate::acl::item_text(i, &name)))
                .collect(),
        ))
    }

    /// The stored list of (catalog, object, sub-id) as a value (NULL:
    /// the default).
    pub(crate) fn acl(&self, class: u32, oid: u32, sub: i32) -> Value {
        self.p
            .acl(class, oid, sub)
            .map_or(Value::Null, |a| self.value(a))
    }

    /// The owner of (catalog, object).
    pub(crate) fn owner(&self, class: u32, oid: u32) -> u32 {
        self.p.owner(class, oid)
    }
}

/// A system relation's relacl as text items (the bootstrap superuser's
/// name is fixed).
fn system_acl_value(name: &str) -> Value {
    let names = |o: u32| crate::catalog::relations::role_name(o).map(str::to_owned);
    Value::Array(ArrayRef::new(
        crate::acl::system_acl(name)
            .iter()
            .map(|i| Value::Text(crate::acl::item_text(i, &names)))
            .collect(),
    ))
}

/// pg_default_acl: ALTER DEFAULT PRIVILEGES' lists.
pub(super) fn pg_default_acl(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let owners = Owners::load(ctx)?;
    Ok(cat
        .default_acls()?
        .into_iter()
        .map(|(_, d)| {
            Row::new(PG_DEFAULT_ACL)
                .oid("oid", d.oid)
                .oid("defaclrole", d.role)
                .oid("defaclnamespace", d.namespace)
                .text("defaclobjtype", &d.kind.to_string())
                .set("defaclacl", owners.value(&d.acl))
                .done()
        })
        .collect())
}

/// pg_namespace: PostgreSQL's fixed schemas, then those created.
pub(super) fn pg_namespace(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let stored = namespaces(ctx)?;
    let su = BOOTSTRAP_SUPERUSER_NAME;
    let acl = |items: &[String]| {
        Value::Array(ArrayRef::new(
            items.iter().map(|s| Value::Text(s.clone())).collect(),
        ))
    };
    let std_acl = acl(&[format!("{su}=UC/{su}"), format!("=U/{su}")]);
    let mut rows = vec![
        Row::new(PG_NAMESPACE)
            .oid("oid", PG_TOAST_NS)
            .text("nspname", "pg_toast")
            .oid("nspowner", BOOTSTRAP_SUPERUSER)
            .done(),
        Row::new(PG_NAMESPACE)
            .oid("oid", PG_CATALOG_NS)
            .text("nspname", "pg_catalog")
            .oid("nspowner", BOOTSTRAP_SUPERUSER)
            .set("nspacl", std_acl.clone())
            .done(),
        Row::new(PG_NAMESPACE)
            .oid("oid", PUBLIC_NS)
            .text("nspname", "public")
            .oid("nspowner", DATABASE_OWNER)
            .set(
                "nspacl",
                acl(&[
                    "pg_database_owner=UC/pg_database_owner".into(),
                    "=U/pg_database_owner".into(),
                ]),
            )
            .done(),
        Row::new(PG_NAMESPACE)
            .oid("oid", INFORMATION_SCHEMA_NS)
            .text("nspname", "information_schema")
            .oid("nspowner", BOOTSTRAP_SUPERUSER)
            .set("nspacl", std_acl)
            .done(),
    ];
    if !stored.iter().any(|(o, _)| *o == PUBLIC_NS) {
        rows.remove(2);
    }
    let owners = Owners::load(ctx)?;
    use crate::catalog::privs::NAMESPACE;
    for row in rows.iter_mut() {
        let oid = oid_of(&row[0]);
        if let Some(e) = owners.p.entry(NAMESPACE, oid, 0) {
            if let Some(o) = e.owner {
                row[2] = Value::Oid(o);
            }
            if e.acl.is_some() {
                row[3] = owners.acl(NAMESPACE, oid, 0);
            }
        }
    }
    for (oid, name) in stored {
        if !matches!(
            oid,
            PG_CATALOG_NS | PUBLIC_NS | INFORMATION_SCHEMA_NS | PG_TOAST_NS
        ) {
            rows.push(
                Row::new(PG_NAMESPACE)
                    .oid("oid", oid)
                    .text("nspname", &name)
                    .oid("nspowner", owners.owner(NAMESPACE, oid))
                    .set("nspacl", owners.acl(NAMESPACE, oid, 0))
                    .done(),
            );
        }
    }
    Ok(rows)
}

/// pg_class's common columns.
fn class_row(oid: u32, name: &str, namespace: u32, kind: &str, natts: usize) -> Row {
    Row::new(PG_CLASS)
        .oid("oid", oid)
        .text("relname", name)
        .oid("relnamespace", namespace)
        .oid("reltype", 0)
        .oid("reloftype", 0)
        .oid("relowner", BOOTSTRAP_SUPERUSER)
        .oid(
            "relam",
            match kind {
                "r" | "m" => HEAP_AM,
                "i" => BTREE_AM,
                _ => 0,
            },
        )
        .oid("relfilenode", 0)
        .oid("reltablespace", 0)
        .int4("relpages", 0)
        .set("reltuples", Value::Float4(-1.0))
        .int4("relallvisible", 0)
        .oid("reltoastrelid", 0)
        .bool("relhasindex", false)
        .bool("relisshared", false)
        .text("relpersistence", "p")
        .text("relkind", kind)
        .int2("relnatts", natts as i64)
        .int2("relchecks", 0)
        .bool("relhasrules", kind == "v" || kind == "m")
        .bool("relhastriggers", false)
        .bool("relhassubclass", false)
        .bool("relrowsecurity", false)
        .bool("relforcerowsecurity", false)
        .bool("relispopulated", true)
        .text("relreplident", if kind == "r" { "d" } else { "n" })
        .bool("relispartition", false)
        .oid("relrewrite", 0)
        .oid("relfrozenxid", 0)
        .oid("relminmxid", 0)
}

/// pg_class: the system relations, then the user's tables, views and
/// indexes.
pub(super) fn pg_class(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut out: Vec<Vec<Value>> = SystemView::all()
        .map(|v| {
            let kind = v.relkind().to_string();
            class_row(v.oid(), v.name(), v.namespace(), &kind, v.columns().len())
                .set("relacl", system_acl_value(v.name()))
                .bool("relisshared", v.oid() == system::PG_DATABASE.oid)
                .text("relreplident", "n")
                .done()
        })
        .collect();
    let temp: Vec<u32> = namespaces(ctx)?
        .into_iter()
        .filter(|(_, n)| n.starts_with("pg_temp_"))
        .map(|(o, _)| o)
        .collect();
    let owners = Owners::load(ctx)?;
    use crate::catalog::privs::CLASS;
    for t in relations(ctx)? {
        let kind = t.relkind().to_string();
        let persistence = if temp.contains(&t.namespace) {
            "t"
        } else if t.rel.is_unlogged() {
            "u"
        } else {
            "p"
        };
        let mut row = class_row(t.oid, &t.name, t.namespace, &kind, t.columns.len())
            .oid("relowner", owners.owner(CLASS, t.oid))
            .set("relacl", owners.acl(CLASS, t.oid, 0))
            .int4("relpages", i64::from(t.stats.pages))
            .set("reltuples", Value::Float4(t.stats.tuples))
            .text("relpersistence", persistence)
            .int2("relchecks", t.checks.len() as i64)
            // Foreign keys are triggers in PostgreSQL.
            .bool(
                "relhastriggers",
                !t.foreign_keys.is_empty() || !t.referenced_by.is_empty() || !t.triggers.is_empty(),
            )
            .bool("relhasindex", !t.indexes.is_empty());
        if kind == "r" || kind == "p" || kind == "m" {
            row = row.text("relreplident", &t.replident.to_string());
        }
        if !t.populated {
            row = row.bool("relispopulated", false);
        }
        if let Some(ty) = t.of_type {
            row = row.oid("reloftype", ty);
        }
        if t.view.is_none() && t.partition_key.is_none() {
            row = row
                .oid("relfilenode", t.rel.rel)
                .oid("relfrozenxid", 3)
                .oid("relminmxid", 1);
        }
        if let Some(of) = &t.partition_of {
            row = row
                .bool("relispartition", true)
                .text("relpartbound", &of.bound);
        }
        if !t.partitions.is_empty() || !t.inheritors.is_empty() {
            row = row.bool("relhassubclass", true);
        }
        if !t.options.is_empty() {
            row = row.set(
                "reloptions",
                Value::Array(ArrayRef::new(
                    t.options.iter().map(|o| Value::Text(o.clone())).collect(),
                )),
            );
        }
        out.push(row.done());
        for ix in &t.indexes {
            // An index of a partitioned table is a partitioned index.
            let (kind, filenode) = if t.partition_key.is_some() {
                ("I", 0)
            } else {
                ("i", ix.rel.rel)
            };
            out.push(
                class_row(
                    ix.oid,
                    &ix.name,
                    t.namespace,
                    kind,
                    ix.natts() + ix.include.len(),
                )
                .oid("relam", ix.method)
                .oid("relowner", owners.owner(CLASS, t.oid))
                .oid("relfilenode", filenode)
                .text("relpersistence", persistence)
                .text("relreplident", "n")
                .set("reloptions", text_array(&ix.reloptions))
                .done(),
            );
        }
    }
    for (t, c) in composites(ctx)? {
        out.push(
            class_row(c.relid, &t.name, t.namespace, "c", c.types.len())
                .oid("reltype", t.oid)
                .oid("relfilenode", 0)
                .text("relreplident", "n")
                .done(),
        );
    }
    Ok(out)
}

/// The composite types of the database, with their fields.
fn composites(
    ctx: &EvalCtx<'_>,
) -> Result<Vec<(std::sync::Arc<crate::usertype::UserType>, CompositeFields)>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    Ok(cat
        .user_types()?
        .into_iter()
        .filter_map(|t| {
            let c = t.composite.as_ref()?;
            let fields = CompositeFields {
                relid: c.relid,
                names: c.names.to_vec(),
                types: c.types.clone(),
            };
            Some((t, fields))
        })
        .collect())
}

/// A composite type's pg_class OID and fields.
struct CompositeFields {
    relid: u32,
    names: Vec<String>,
    types: Vec<(DataType, i32)>,
}

/// One pg_attribute row.
fn attribute_row(rel: u32, attnum: i64, name: &str, ty: DataType, typmod: i32) -> Row {
    Row::new(PG_ATTRIBUTE)
        .oid("attrelid", rel)
        .text("attname", name)
        .oid("atttypid", ty.oid().0)
        .int4("attstattarget", -1)
        .int2("attlen", i64::from(ty.typlen()))
        .int2("attnum", attnum)
        .int4("attndims", i64::from(matches!(ty, DataType::Array(_))))
        .int4("attcacheoff", -1)
        .int4("atttypmod", i64::from(typmod))
        .bool("attbyval", ty.by_value())
        .text("attalign", typalign(ty))
        .text("attstorage", typstorage(ty))
        .text("attcompression", "")
        .bool("attnotnull", false)
        .bool("atthasdef", false)
        .bool("atthasmissing", false)
        .text("attidentity", "")
        .text("attgenerated", "")
        .bool("attisdropped", false)
        .bool("attislocal", true)
        .int4("attinhcount", 0)
        .oid("attcollation", typcollation(ty))
}

/// pg_attribute: the columns of every relation (user columns only; the
/// system columns ctid, xmin ... are not listed).
pub(super) fn pg_attribute(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::new();
    for v in SystemView::all() {
        // A catalog's leading fixed-width columns are NOT NULL (as
        // PostgreSQL's bootstrap marks them).
        let mut fixed = v.relkind() == 'r';
        for (i, (name, ty)) in v.columns().iter().enumerate() {
            fixed &= ty.typlen() > 0;
            // Catalog text columns sort in the "C" collation.
            let collation = match typcollation(*ty) {
                DEFAULT_COLLATION => C_COLLATION,
                other => other,
            };
            out.push(
                attribute_row(v.oid(), i as i64 + 1, name, *ty, -1)
                    .bool("attnotnull", fixed)
                    .oid("attcollation", collation)
                    .done(),
            );
        }
    }
    let owners = Owners::load(ctx)?;
    for t in relations(ctx)? {
        for (i, c) in t.columns.iter().enumerate() {
            let (name, ty) = if c.dropped {
                (
                    format!("........pg.dropped.{}........", i + 1),
                    DataType::Unknown,
                )
            } else {
                (c.name.clone(), c.ty)
            };
            let row = attribute_row(t.oid, i as i64 + 1, &name, ty, c.typmod)
                .bool("attnotnull", c.not_null)
                .bool("atthasdef", c.default.is_some() && c.identity.is_none())
                .text(
                    "attidentity",
                    &c.identity.map(String::from).unwrap_or_default(),
                )
                .text("attgenerated", if c.generated { "s" } else { "" })
                .bool("atthasmissing", !c.missing.is_null())
                .bool("attisdropped", c.dropped)
                .oid("atttypid", if c.dropped { 0 } else { c.type_oid() })
                .int4(
                    "attstattarget",
                    i64::from(c.tuning.stattarget.unwrap_or(-1)),
                )
                .set("attoptions", text_array(&c.tuning.options))
                .bool("attislocal", c.origin.local)
                .int4("attinhcount", i64::from(c.origin.inherited))
                .set(
                    "attacl",
                    owners.acl(crate::catalog::privs::CLASS, t.oid, i as i32 + 1),
                );
            let row = match c.tuning.storage {
                Some(s) if !c.dropped => row.text("attstorage", &s.to_string()),
                _ => row,
            };
            out.push(row.done());
        }
        for ix in &t.indexes {
            let keys = crate::table::index::key_columns(&t, ix);
            let included = ix.include.iter().filter_map(|&a| t.columns.get(a));
            let included = included.map(|c| (c.name.clone(), c.ty, c.typmod));
            for (i, (name, ty, typmod)) in keys.into_iter().chain(included).enumerate() {
                let target = ix.stattargets.get(i).copied().unwrap_or(-1);
                out.push(
                    attribute_row(ix.oid, i as i64 + 1, &name, ty, typmod)
                        .int4("attstattarget", i64::from(target))
                        // An index's columns are stored inline.
                        .text("attstorage", "p")
                        .done(),
                );
            }
        }
    }
    for (_, c) in composites(ctx)? {
        for (i, (name, &(ty, typmod))) in c.names.iter().zip(&c.types).enumerate() {
            out.push(attribute_row(c.relid, i as i64 + 1, name, ty, typmod).done());
        }
    }
    Ok(out)
}

/// pg_attrdef: column defaults (the expression as SQL text).
pub(super) fn pg_attrdef(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let tables = cat.relations()?;
    Ok(cat
        .rows(&system::PG_ATTRDEF)?
        .into_iter()
        .map(|(_, r)| {
            let rel = oid_of(&r[1]);
            let attnum = match r[2] {
                Value::Int2(n) => n,
                _ => 0,
            };
            let text = text_of(&r[3]);
            let adbin = match tables.iter().find(|t| t.oid == rel) {
                Some(t) => crate::table::stored_sql(
                    t,
                    &text,
                    usize::try_from(attnum - 1).ok(),
                    false,
                    None,
                ),
                None => text,
            };
            Row::new(PG_ATTRDEF)
                .oid("oid", oid_of(&r[0]))
                .oid("adrelid", rel)
                .set("adnum", r[2].clone())
                .text("adbin", &adbin)
                .done()
        })
        .collect())
}

/// pg_index: every index of the user's tables.
/// pg_inherits: each partition and its parent.
pub(super) fn pg_inherits(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::new();
    for t in relations(ctx)? {
        let parents = t
            .partition_of
            .iter()
            .map(|of| of.parent)
            .chain(t.parents.iter().copied());
        for (n, parent) in parents.enumerate() {
            out.push(
                Row::new(PG_INHERITS)
                    .oid("inhrelid", t.oid)
                    .oid("inhparent", parent)
                    .int4("inhseqno", n as i64 + 1)
                    .bool("inhdetachpending", false)
                    .done(),
            );
        }
    }
    Ok(out)
}

/// pg_partitioned_table: each partitioned table's strategy and key.
pub(super) fn pg_partitioned_table(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let all = relations(ctx)?;
    let mut out = Vec::new();
    for t in &all {
        let Some(key) = &t.partition_key else {
            continue;
        };
        let default = t
            .partitions
            .iter()
            .find(|p| {
                all.iter().any(|c| {
                    c.oid == **p
                        && c.partition_of
                            .as_ref()
                            .is_some_and(|o| o.bound == "DEFAULT")
                })
            })
            .copied()
            .unwrap_or(0);
        let types: Vec<DataType> = key
            .columns
            .iter()
            .map(|&c| t.columns.get(c).map_or(DataType::Unknown, |c| c.ty))
            .collect();
        let vector = |v: Vec<Value>| Value::Array(ArrayRef::vector(v));
        out.push(
            Row::new(PG_PARTITIONED_TABLE)
                .oid("partrelid", t.oid)
                .text("partstrat", &key.strategy.to_string())
                .int2("partnatts", key.columns.len() as i64)
                .oid("partdefid", default)
                .set(
                    "partattrs",
                    vector(
                        key.columns
                            .iter()
                            .map(|&c| Value::Int2(c as i16 + 1))
                            .collect(),
                    ),
                )
                .set(
                    "partclass",
                    vector(
                        types
                            .iter()
                            .map(|ty| Value::Oid(btree_opclass(*ty)))
                            .collect(),
                    ),
                )
                .set(
                    "partcollation",
                    vector(
                        types
                            .iter()
                            .map(|ty| Value::Oid(typcollation(*ty)))
                            .collect(),
                    ),
                )
                .done(),
        );
    }
    Ok(out)
}

pub(super) fn pg_index(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::new();
    for t in relations(ctx)? {
        for ix in &t.indexes {
            let mut key: Vec<Value> = match &ix.exprs {
                Some(x) => x
                    .keys
                    .iter()
                    .map(|a| Value::Int2(a.map_or(0, |a| a as i16 + 1)))
                    .collect(),
                None => ix
                    .columns
                    .iter()
                    .map(|&c| Value::Int2(c as i16 + 1))
                    .collect(),
            };
            key.extend(ix.include.iter().map(|&a| Value::Int2(a as i16 + 1)));
            let types: Vec<DataType> = crate::table::index::key_columns(&t, ix)
                .into_iter()
                .map(|(_, ty, _)| ty)
                .collect();
            let (exprs, pred) = match &ix.exprs {
                Some(x) => (
                    (!x.exprs.is_empty()).then(|| {
                        crate::table::index::key_texts(&t, ix, false)
                            .into_iter()
                            .zip(&x.keys)
                            .filter(|(_, k)| k.is_none())
                            .map(|(e, _)| e)
                            .collect::<Vec<_>>()
                            .join(", ")
                    }),
                    crate::table::index::predicate_text(&t, ix, false),
                ),
                None => (None, None),
            };
            let oids = |f: fn(DataType) -> u32| {
                Value::Array(ArrayRef::vector(
                    types.iter().map(|t| Value::Oid(f(*t))).collect(),
                ))
            };
            out.push(
                Row::new(PG_INDEX)
                    .oid("indexrelid", ix.oid)
                    .oid("indrelid", t.oid)
                    .int2("indnatts", (ix.natts() + ix.include.len()) as i64)
                    .int2("indnkeyatts", ix.natts() as i64)
                    .bool("indisunique", ix.unique)
                    .bool("indnullsnotdistinct", false)
                    .bool("indisprimary", ix.primary)
                    .bool("indisexclusion", false)
                    .bool("indimmediate", true)
                    .bool("indisclustered", ix.clustered)
                    .bool("indisvalid", true)
                    .bool("indcheckxmin", false)
                    .bool("indisready", true)
                    .bool("indislive", true)
                    .bool("indisreplident", ix.replident)
                    .set("indkey", Value::Array(ArrayRef::vector(key)))
                    .set("indcollation", oids(typcollation))
                    .set(
                        "indclass",
                        Value::Array(ArrayRef::vector(
                            types
                                .iter()
                                .enumerate()
                                .map(|(k, t)| {
                                    let named = ix.opclasses.get(k).copied().unwrap_or(0);
                                    let class = if named != 0 {
                                        named
                                    } else if ix.method == BTREE_AM {
                                        btree_opclass(*t)
                                    } else {
                                        crate::catalog::default_opclass(ix.method, *t).unwrap_or(0)
                                    };
                                    Value::Oid(class)
                                })
                                .collect(),
                        )),
                    )
                    .set(
                        "indoption",
                        Value::Array(ArrayRef::vector(
                            (0..types.len())
                                .map(|k| Value::Int2(ix.options.get(k).copied().unwrap_or(0)))
                                .collect(),
                        )),
                    )
                    .set("indexprs", exprs.map_or(Value::Null, Value::Text))
                    .set("indpred", pred.map_or(Value::Null, Value::Text))
                    .done(),
            );
        }
    }
    Ok(out)
}

/// pg_constraint: CHECK, PRIMARY KEY and UNIQUE constraints.
pub(super) fn pg_constraint(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let tables = cat.relations()?;
    let mut out = Vec::new();
    for (_, r) in cat.rows(&system::PG_CONSTRAINT)? {
        let name = text_of(&r[1]);
        let kind = text_of(&r[3]);
        let rel = oid_of(&r[4]);
        // A domain's CHECK: stored against the domain (catalog/mod.rs).
        let domain = kind == crate::catalog::DOMAIN_CHECK;
        let (kind, rel, typid) = if domain {
            ("c".to_owned(), 0, rel)
        } else {
            (kind, rel, 0)
        };
        let table = tables.iter().find(|t| t.oid == rel);
        let index = table.and_then(|t| t.indexes.iter().find(|i| i.name == name));
        let check = table
            .filter(|_| kind == "c")
            .and_then(|t| t.checks.iter().find(|c| c.name == name));
        let mut row = Row::new(PG_CONSTRAINT)
            .oid("oid", oid_of(&r[0]))
            .text("conname", &name)
            .oid("connamespace", oid_of(&r[2]))
            .text("contype", &kind)
            .bool("condeferrable", false)
            .bool("condeferred", false)
            .bool("convalidated", check.is_none_or(|c| c.validated))
            .oid("conrelid", rel)
            .oid("contypid", typid)
            .oid("conindid", index.map_or(0, |i| i.oid))
            .oid("conparentid", 0)
            .oid("confrelid", 0)
            .text("confupdtype", " ")
            .text("confdeltype", " ")
            .text("confmatchtype", " ")
            .bool("conislocal", true)
            .int4("coninhcount", 0)
            .bool("connoinherit", check.is_some_and(|c| c.no_inherit));
        if domain {
            row = row.text("conbin", &text_of(&r[5]));
        }
        if let Some(ix) = index {
            row = row.set(
                "conkey",
                Value::Array(ArrayRef::new(
                    ix.columns
                        .iter()
                        .map(|&c| Value::Int2(c as i16 + 1))
                        .collect(),
                )),
            );
        }
        if let Some(fk) = table.and_then(|t| t.foreign_keys.iter().find(|f| f.oid == oid_of(&r[0])))
        {
            let nums = |cols: &[(usize, String)]| {
                Value::Array(ArrayRef::new(
                    cols.iter()
                        .map(|(i, _)| Value::Int2(*i as i16 + 1))
                        .collect(),
                ))
            };
            let parent_index = tables
                .iter()
                .find(|t| t.oid == fk.ref_table.0)
                .and_then(|p| {
                    p.indexes.iter().find(|ix| {
                        ix.unique
                            && ix.exprs.is_none()
                            && ix.columns.len() == fk.ref_columns.len()
                            && fk.ref_columns.iter().all(|(c, _)| ix.columns.contains(c))
                    })
                })
                .map_or(0, |ix| ix.oid);
            // = for each key column pair (int4eq and friends, as the
            // built-in operator of the referenced column's type).
            let eq = Value::Array(ArrayRef::new(
                fk.ref_types
                    .iter()
                    .map(|t| Value::Oid(crate::func::equality_operator_oid(*t)))
                    .collect(),
            ));
            // A partition's copy of its parent's key names the parent's.
            let parent_fk = table
                .and_then(|t| t.partition_of.as_ref())
                .and_then(|of| tables.iter().find(|p| p.oid == of.parent))
                .and_then(|p| {
                    p.foreign_keys
                        .iter()
                        .find(|f| f.name == fk.name && f.ref_table.0 == fk.ref_table.0)
                })
                .map_or(0, |f| f.oid);
            row = row
                .oid("conparentid", parent_fk)
                .bool("conislocal", parent_fk == 0)
                .int4("coninhcount", i64::from(parent_fk != 0))
                .bool("condeferrable", fk.deferrable)
                .bool("condeferred", fk.deferred)
                .bool("convalidated", fk.validated)
                .oid("confrelid", fk.ref_table.0)
                .oid("conindid", parent_index)
                .text("confupdtype", &fk.on_update.to_string())
                .text("confdeltype", &fk.on_delete.to_string())
                .text("confmatchtype", &fk.match_type.to_string())
                .set("conkey", nums(&fk.columns))
                .set("confkey", nums(&fk.ref_columns))
                .set("conpfeqop", eq.clone())
                .set("conppeqop", eq.clone())
                .set("conffeqop", eq);
        }
        if let (true, Some(t)) = (kind == "c", table) {
            let keys = crate::table::stored_columns(t, &text_of(&r[5]));
            row = row
                .text(
                    "conbin",
                    &crate::table::stored_sql(t, &text_of(&r[5]), None, false, None),
                )
                .set(
                    "conkey",
                    Value::Array(ArrayRef::new(keys.into_iter().map(Value::Int2).collect())),
                );
        }
        out.push(row.done());
    }
    Ok(out)
}

/// pg_rewrite: each view's _RETURN rule.
pub(super) fn pg_rewrite(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    Ok(cat
        .rows(&system::PG_REWRITE)?
        .into_iter()
        .map(|(_, r)| {
            Row::new(PG_REWRITE)
                .oid("oid", oid_of(&r[0]))
                .text("rulename", &text_of(&r[1]))
                .oid("ev_class", oid_of(&r[2]))
                .text("ev_type", "1")
                .text("ev_enabled", "O")
                .bool("is_instead", true)
                .text("ev_qual", "<>")
                .text("ev_action", &text_of(&r[3]))
                .done()
        })
        .collect())
}

/// pg_sequence: the sequences' options.
pub(super) fn pg_sequence(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    Ok(cat
        .rows(&system::PG_SEQUENCE)?
        .into_iter()
        .map(|(_, mut r)| {
            r.truncate(PG_SEQUENCE.len());
            r
        })
        .collect())
}

/// The session database's user types: (type, its name, its namespace)
/// for each type and its array type.
fn user_type_rows(ctx: &EvalCtx<'_>) -> Result<Vec<(DataType, String, u32)>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in cat.user_types()? {
        let ty = t.data_type();
        out.push((ty, t.name.clone(), t.namespace));
        if let Some(array) = ty.array_type() {
            out.push((array, format!("_{}", t.name), t.namespace));
        }
    }
    Ok(out)
}

/// A domain's own pg_type columns: its base type, modifier, NOT NULL,
/// default and I/O functions (domain_in, then the base type's).
fn domain_columns(row: Row, t: DataType) -> Row {
    let DataType::Domain(oid) = t else {
        return row;
    };
    let Some(d) = crate::usertype::get(oid).and_then(|u| {
        u.domain
            .as_ref()
            .map(|d| (d.base, d.typmod, d.not_null, d.default.clone()))
    }) else {
        return row;
    };
    let (base, typmod, not_null, default) = d;
    let base_name = base.name();
    let row = row
        .oid("typbasetype", base.oid().0)
        .int4("typtypmod", i64::from(typmod))
        .bool("typnotnull", not_null)
        .proc("typinput", "domain_in")
        .proc("typoutput", &format!("{base_name}out"))
        .proc("typreceive", "domain_recv")
        .proc("typsend", &format!("{base_name}send"))
        .text("typalign", typalign(base))
        .text("typstorage", typstorage(base))
        .oid("typcollation", typcollation(base));
    match default {
        // pg_dump reads typdefaultbin through pg_get_expr (the text).
        Some(d) => row.text("typdefault", &d).text("typdefaultbin", &d),
        None => row,
    }
}

/// pg_enum: the labels of the database's enum types.
pub(super) fn pg_enum(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in cat.user_types()? {
        for l in &t.labels {
            out.push(
                Row::new(PG_ENUM)
                    .oid("oid", l.oid)
                    .oid("enumtypid", t.oid)
                    .set("enumsortorder", Value::Float4(l.sort))
                    .text("enumlabel", &l.label)
                    .done(),
            );
        }
    }
    Ok(out)
}

/// pg_aggregate: the database's user aggregates (CREATE AGGREGATE).
pub(super) fn pg_aggregate(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for f in cat.functions()? {
        let Some(a) = &f.aggregate else { continue };
        let last = |parts: &[String]| parts.last().cloned().unwrap_or_default();
        out.push(
            Row::new(PG_AGGREGATE)
                .set("aggfnoid", Value::Named(f.oid, f.name.as_str().into()))
                .text("aggkind", "n")
                .int2("aggnumdirectargs", 0)
                .proc("aggtransfn", &last(&a.sfunc))
                .proc(
                    "aggfinalfn",
                    &a.finalfunc.as_deref().map_or("-".into(), last),
                )
                .proc("aggcombinefn", "-")
                .proc("aggserialfn", "-")
                .proc("aggdeserialfn", "-")
                .proc("aggmtransfn", "-")
                .proc("aggminvtransfn", "-")
                .proc("aggmfinalfn", "-")
                .bool("aggfinalextra", false)
                .bool("aggmfinalextra", false)
                .text("aggfinalmodify", "r")
                .text("aggmfinalmodify", "r")
                .oid("aggsortop", 0)
                .oid("aggtranstype", a.stype.oid().0)
                .int4("aggtransspace", 0)
                .oid("aggmtranstype", 0)
                .int4("aggmtransspace", 0)
                .set(
                    "agginitval",
                    a.initcond.clone().map_or(Value::Null, Value::Text),
                )
                .set("aggminitval", Value::Null)
                .done(),
        );
    }
    Ok(out)
}

/// pg_range: the built-in range types and the database's own.
pub(super) fn pg_range(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let row = |range: DataType, sub: DataType, canonical: &str, diff: &str| {
        let multi = DataType::multirange_of(range).map_or(0, |m| m.oid().0);
        Row::new(PG_RANGE)
            .oid("rngtypid", range.oid().0)
            .oid("rngsubtype", sub.oid().0)
            .oid("rngmultitypid", multi)
            .oid("rngcollation", typcollation(sub))
            .oid("rngsubopc", btree_opclass(sub))
            .proc("rngcanonical", canonical)
            .proc("rngsubdiff", diff)
            .done()
    };
    let mut out: Vec<Vec<Value>> = DataType::builtin()
        .filter_map(|t| {
            let DataType::Range(e) = t else { return None };
            let name = t.name();
            let canonical = if matches!(e, DataType::Int4 | DataType::Int8 | DataType::Date) {
                format!("{name}_canonical")
            } else {
                "-".to_owned()
            };
            Some(row(t, *e, &canonical, &format!("{name}_subdiff")))
        })
        .collect();
    if let Some((cat, _)) = catalog(ctx)? {
        for t in cat.user_types()? {
            if let Some(r) = &t.range {
                let diff = r.subdiff.as_deref().unwrap_or("-");
                out.push(row(DataType::UserRange(t.oid), r.subtype, "-", diff));
            }
        }
    }
    Ok(out)
}

/// pg_type: the built-in types and the database's own.
pub(super) fn pg_type(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let builtin = DataType::builtin().map(|t| (t, t.name().to_owned(), PG_CATALOG_NS));
    let owners = Owners::load(ctx)?;
    let mut rows = pg_type_rows(ctx, builtin)?;
    let col = |name: &str| PG_TYPE.iter().position(|(n, _)| *n == name);
    if let (Some(o), Some(a)) = (col("typowner"), col("typacl")) {
        for row in rows.iter_mut() {
            let oid = oid_of(&row[0]);
            if let Some(e) = owners.p.entry(crate::catalog::privs::TYPE, oid, 0) {
                if let Some(owner) = e.owner {
                    row[o] = Value::Oid(owner);
                }
                row[a] = owners.acl(crate::catalog::privs::TYPE, oid, 0);
            }
        }
    }
    Ok(rows)
}

/// pg_type's rows of `builtin` and the user's types.
fn pg_type_rows(
    ctx: &EvalCtx<'_>,
    builtin: impl Iterator<Item = (DataType, String, u32)>,
) -> Result<Vec<Vec<Value>>> {
    Ok(builtin
        .chain(user_type_rows(ctx)?)
        .map(|(t, name, ns)| {
            let name = name.as_str();
            let array = matches!(t, DataType::Array(_));
            let (input, output, receive, send) = if array {
                ("array_in", "array_out", "array_recv", "array_send")
            } else if let DataType::Enum(_) = t {
                ("enum_in", "enum_out", "enum_recv", "enum_send")
            } else if let DataType::Composite(_) | DataType::Record = t {
                ("record_in", "record_out", "record_recv", "record_send")
            } else if let DataType::Range(_) | DataType::UserRange(_) = t {
                ("range_in", "range_out", "range_recv", "range_send")
            } else if let DataType::Multirange(_) = t {
                (
                    "multirange_in",
                    "multirange_out",
                    "multirange_recv",
                    "multirange_send",
                )
            } else if t == DataType::Money {
                ("cash_in", "cash_out", "cash_recv", "cash_send")
            } else if t == DataType::AclItem {
                ("aclitemin", "aclitemout", "-", "-")
            } else {
                ("", "", "", "")
            };
            // The newer types' functions are name_in, the older ones' namein.
            let underscore = matches!(
                t,
                DataType::Date
                    | DataType::Time
                    | DataType::TimeTz
                    | DataType::Timestamp
                    | DataType::TimestampTz
                    | DataType::Interval
                    | DataType::Numeric
                    | DataType::Inet
                    | DataType::Cidr
                    | DataType::MacAddr
                    | DataType::MacAddr8
                    | DataType::PgLsn
                    | DataType::Json
                    | DataType::Jsonb
                    | DataType::JsonPath
                    | DataType::Uuid
                    | DataType::PgNodeTree
                    | DataType::Void
            );
            let io = |fixed: &str, suffix: &str| {
                if !fixed.is_empty() {
                    fixed.to_owned()
                } else if underscore {
                    format!("{name}_{suffix}")
                } else {
                    format!("{name}{suffix}")
                }
            };
            let typmod_fns = match t {
                DataType::Varchar | DataType::Bpchar => {
                    Some(("varchartypmodin", "varchartypmodout"))
                }
                DataType::Numeric => Some(("numerictypmodin", "numerictypmodout")),
                DataType::Timestamp | DataType::TimestampTz | DataType::Time => {
                    Some(("timestamptypmodin", "timestamptypmodout"))
                }
                DataType::Interval => Some(("intervaltypmodin", "intervaltypmodout")),
                _ => None,
            };
            let subscript = if array || matches!(t, DataType::Int2Vector | DataType::OidVector) {
                "array_subscript_handler"
            } else {
                "-"
            };
            let row = Row::new(PG_TYPE)
                .oid("oid", t.oid().0)
                .text("typname", name)
                .oid("typnamespace", ns)
                .oid("typowner", BOOTSTRAP_SUPERUSER)
                .int2("typlen", i64::from(t.typlen()))
                .bool("typbyval", t.by_value())
                .text("typtype", &t.typtype().to_string())
                .text("typcategory", &t.category().code().to_string())
                .bool("typispreferred", t.is_preferred())
                .bool("typisdefined", true)
                .text("typdelim", ",")
                .oid(
                    "typrelid",
                    match t {
                        DataType::Composite(oid) => crate::usertype::get(oid)
                            .and_then(|u| u.composite.as_ref().map(|c| c.relid))
                            .unwrap_or(0),
                        _ => 0,
                    },
                )
                .proc("typsubscript", subscript)
                .oid(
                    "typelem",
                    match t {
                        DataType::Int2Vector => DataType::Int2.oid().0,
                        DataType::OidVector => DataType::Oid.oid().0,
                        _ => t.element_oid(),
                    },
                )
                .oid("typarray", t.array_oid())
                .proc("typinput", &io(input, "in"))
                .proc("typoutput", &io(output, "out"))
                .proc("typreceive", &io(receive, "recv"))
                .proc("typsend", &io(send, "send"))
                .proc("typmodin", typmod_fns.map_or("-", |f| f.0))
                .proc("typmodout", typmod_fns.map_or("-", |f| f.1))
                .proc(
                    "typanalyze",
                    match t {
                        DataType::Array(_) => "array_typanalyze",
                        DataType::Range(_) | DataType::UserRange(_) => "range_typanalyze",
                        DataType::Multirange(_) => "multirange_typanalyze",
                        _ => "-",
                    },
                )
                .text("typalign", typalign(t))
                .text("typstorage", typstorage(t))
                .bool("typnotnull", false)
                .oid("typbasetype", 0)
                .int4("typtypmod", -1)
                .int4("typndims", 0)
                .oid("typcollation", typcollation(t));
            domain_columns(row, t).done()
        })
        .collect())
}

/// pg_trigger: the database's user triggers.
pub(super) fn pg_trigger(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::new();
    for (_, r) in cat.rows(&crate::catalog::system::PG_TRIGGER)? {
        let t = crate::catalog::trigger_def(&r);
        let mut args = Vec::new();
        for a in &t.args {
            args.extend_from_slice(a.as_bytes());
            args.push(0);
        }
        let (deferrable, deferred) = t.constraint.unwrap_or((false, false));
        let mut row = Row::new(PG_TRIGGER)
            .oid("oid", t.oid)
            .oid("tgrelid", crate::catalog::oid_of(&r[1]))
            .oid("tgparentid", 0)
            .text("tgname", &t.name)
            .oid("tgfoid", t.func)
            .int2("tgtype", i64::from(t.tgtype))
            .text("tgenabled", &t.enabled.to_string())
            .bool("tgisinternal", false)
            .oid("tgconstrrelid", 0)
            .oid("tgconstrindid", 0)
            .oid("tgconstraint", 0)
            .bool("tgdeferrable", deferrable)
            .bool("tginitdeferred", deferred)
            .int2("tgnargs", t.args.len() as i64)
            .set(
                "tgattr",
                Value::Array(ArrayRef::vector(
                    t.columns.iter().map(|a| Value::Int2(*a)).collect(),
                )),
            )
            .set("tgargs", Value::Bytea(args));
        if let Some(w) = &t.when {
            row = row.text("tgqual", w);
        }
        if let Some(o) = &t.old_table {
            row = row.text("tgoldtable", o);
        }
        if let Some(n) = &t.new_table {
            row = row.text("tgnewtable", n);
        }
        rows.push(row.done());
    }
    Ok(rows)
}

/// pg_proc: the built-in functions (operators' implementations are
/// listed under their operator symbol's name in pg_operator instead),
/// then the database's own.
pub(super) fn pg_proc(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut rows = builtin_procs();
    {
        // Built-ins whose list GRANT / REVOKE changed.
        let owners = Owners::load(ctx)?;
        if let Some(i) = PG_PROC.iter().position(|(n, _)| *n == "proacl") {
            for row in rows.iter_mut() {
                let oid = oid_of(&row[0]);
                if owners.p.acl(crate::catalog::privs::PROC, oid, 0).is_some() {
                    row[i] = owners.acl(crate::catalog::privs::PROC, oid, 0);
                }
            }
        }
    }
    if let Some((cat, _)) = catalog(ctx)? {
        cat.user_types()?;
        let owners = Owners::load(ctx)?;
        use crate::catalog::privs::PROC;
        for f in cat.functions()? {
            let mut row = user_proc_row(&f);
            if let Some(i) = PG_PROC.iter().position(|(n, _)| *n == "proowner") {
                row[i] = Value::Oid(owners.owner(PROC, f.oid));
            }
            if let Some(i) = PG_PROC.iter().position(|(n, _)| *n == "proacl") {
                row[i] = owners.acl(PROC, f.oid, 0);
            }
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The pg_proc row of a user-defined function.
fn user_proc_row(f: &crate::routine::UserFunction) -> Vec<Value> {
    let oids = |ts: Vec<DataType>| {
        ts.iter()
            .map(|t| Value::Oid(stored_type_oid(f, *t)))
            .collect::<Vec<_>>()
    };
    // proargtypes: the IN, INOUT and VARIADIC arguments (a procedure's
    // OUT ones, which CALL passes, are in proallargtypes only).
    let inputs: Vec<DataType> = f
        .params
        .iter()
        .filter(|p| p.mode.is_input())
        .map(|p| p.ty)
        .collect();
    let all: Vec<DataType> = f.params.iter().map(|p| p.ty).collect();
    let plain = f
        .params
        .iter()
        .all(|p| p.mode == crate::routine::ArgMode::In);
    let named = f.params.iter().any(|p| p.name.is_some());
    let row = Row::new(PG_PROC)
        .oid("oid", f.oid)
        .text("proname", &f.name)
        .oid("pronamespace", f.namespace)
        .oid("proowner", BOOTSTRAP_SUPERUSER)
        .oid(
            "prolang",
            crate::catalog::privs::language_oid(&f.language).unwrap_or(12),
        )
        .set("procost", Value::Float4(100.0))
        .set(
            "prorows",
            Value::Float4(if f.retset { 1000.0 } else { 0.0 }),
        )
        .oid(
            "provariadic",
            f.params
                .iter()
                .find(|p| p.mode == crate::routine::ArgMode::Variadic)
                .map_or(0, |p| p.ty.element_oid()),
        )
        .proc("prosupport", "-")
        .text("prokind", f.prokind())
        .bool("prosecdef", f.security_definer)
        .bool("proleakproof", false)
        .bool("proisstrict", f.strict)
        .bool("proretset", f.retset)
        .text(
            "provolatile",
            match f.volatility {
                crate::func::Volatility::Immutable => "i",
                crate::func::Volatility::Stable => "s",
                crate::func::Volatility::Volatile => "v",
            },
        )
        .text("proparallel", "u")
        .int2("pronargs", inputs.len() as i64)
        .int2("pronargdefaults", f.defaults.len() as i64)
        .oid(
            "prorettype",
            // A procedure with OUT arguments returns a record, whatever
            // their number.
            if f.procedure && f.params.iter().any(|p| p.mode.is_output()) {
                DataType::Record.oid().0
            } else {
                stored_type_oid(f, f.ret)
            },
        )
        .set("proargtypes", Value::Array(ArrayRef::vector(oids(inputs))));
    let row = if plain {
        row
    } else {
        row.set("proallargtypes", Value::Array(ArrayRef::new(oids(all))))
            .set(
                "proargmodes",
                Value::Array(ArrayRef::new(
                    f.params
                        .iter()
                        .map(|p| Value::Text(p.mode.code().to_string()))
                        .collect(),
                )),
            )
    };
    let row = if named {
        row.set(
            "proargnames",
            Value::Array(ArrayRef::new(
                f.params
                    .iter()
                    .map(|p| Value::Text(p.name.clone().unwrap_or_default()))
                    .collect(),
            )),
        )
    } else {
        row
    };
    let src = if f.aggregate.is_some() {
        "aggregate_dummy"
    } else {
        &f.body
    };
    row.text("prosrc", src).done()
}

/// The OID pg_proc shows for a type of function `f`: its own row type
/// (several OUT arguments) is `record`.
fn stored_type_oid(f: &crate::routine::UserFunction, t: DataType) -> u32 {
    match t {
        DataType::Composite(o) if o == f.oid => DataType::Record.oid().0,
        DataType::Composite(o) | DataType::Enum(o) | DataType::Domain(o) => o,
        t => t.oid().0,
    }
}

/// The pg_proc rows of the built-in functions.
fn builtin_procs() -> Vec<Vec<Value>> {
    crate::func::builtins()
        .filter(|(_, d)| {
            d.name
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        })
        .map(|(oid, d)| {
            let args: Vec<Value> = d.args.iter().map(|a| Value::Oid(a.oid().0)).collect();
            Row::new(PG_PROC)
                .oid("oid", oid)
                .text("proname", d.name)
                .oid("pronamespace", PG_CATALOG_NS)
                .oid("proowner", BOOTSTRAP_SUPERUSER)
                .oid("prolang", 12)
                .set("procost", Value::Float4(1.0))
                .set("prorows", Value::Float4(0.0))
                .oid("provariadic", 0)
                .proc("prosupport", "-")
                .text("prokind", "f")
                .bool("prosecdef", false)
                .bool("proleakproof", false)
                .bool("proisstrict", d.strict)
                .bool("proretset", false)
                .text(
                    "provolatile",
                    match d.volatility {
                        crate::func::Volatility::Immutable => "i",
                        crate::func::Volatility::Stable => "s",
                        crate::func::Volatility::Volatile => "v",
                    },
                )
                .text("proparallel", "s")
                .int2("pronargs", d.args.len() as i64)
                .int2("pronargdefaults", 0)
                .oid("prorettype", d.ret.oid().0)
                .set("proargtypes", Value::Array(ArrayRef::vector(args)))
                .text("prosrc", d.name)
                .done()
        })
        .collect()
}

/// pg_operator: the built-in operators.
pub(super) fn pg_operator(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(crate::func::builtins()
        .filter(|(_, d)| {
            !d.name
                .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        })
        .map(|(oid, d)| {
            let (left, right) = match d.args {
                [l, r] => (l.oid().0, r.oid().0),
                [r] => (0, r.oid().0),
                _ => (0, 0),
            };
            let comparison = matches!(d.name, "=" | "<>" | "<" | ">" | "<=" | ">=");
            Row::new(PG_OPERATOR)
                .oid("oid", oid)
                .text("oprname", d.name)
                .oid("oprnamespace", PG_CATALOG_NS)
                .oid("oprowner", BOOTSTRAP_SUPERUSER)
                .text("oprkind", if left == 0 { "l" } else { "b" })
                .bool("oprcanmerge", d.name == "=" && left == right)
                .bool("oprcanhash", d.name == "=" && left == right)
                .oid("oprleft", left)
                .oid("oprright", right)
                .oid("oprresult", d.ret.oid().0)
                .oid("oprcom", 0)
                .oid("oprnegate", 0)
                .proc("oprcode", "-")
                .proc("oprrest", if comparison { "scalarltsel" } else { "-" })
                .proc("oprjoin", if comparison { "scalarltjoinsel" } else { "-" })
                .done()
        })
        .collect())
}

/// pg_database: every database.
pub(super) fn pg_database(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    let collate = ctx.settings.str("lc_collate");
    let ctype = ctx.settings.str("lc_ctype");
    let owners = Owners::load(ctx)?;
    use crate::catalog::privs::DATABASE;
    Ok(cat
        .databases()?
        .into_iter()
        .map(|d| {
            Row::new(PG_DATABASE)
                .oid("oid", d.oid)
                .text("datname", &d.name)
                .oid("datdba", owners.owner(DATABASE, d.oid))
                .int4("encoding", 6)
                .text("datlocprovider", "c")
                .bool("datistemplate", d.is_template)
                .bool("datallowconn", d.allow_connections)
                .int4("datconnlimit", -1)
                .oid("datfrozenxid", 716)
                .oid("datminmxid", 1)
                .oid("dattablespace", PG_DEFAULT_TABLESPACE)
                .text("datcollate", &collate)
                .text("datctype", &ctype)
                .set(
                    "datacl",
                    if owners.p.acl(DATABASE, d.oid, 0).is_some() {
                        owners.acl(DATABASE, d.oid, 0)
                    } else if d.is_template {
                        let su = BOOTSTRAP_SUPERUSER_NAME;
                        Value::Array(ArrayRef::new(vec![
                            Value::Text(format!("=c/{su}")),
                            Value::Text(format!("{su}=CTc/{su}")),
                        ]))
                    } else {
                        Value::Null
                    },
                )
                .done()
        })
        .collect())
}

/// The name of built-in role `oid`, if it is one.
pub fn role_name(oid: u32) -> Option<&'static str> {
    if oid == BOOTSTRAP_SUPERUSER {
        return Some(BOOTSTRAP_SUPERUSER_NAME);
    }
    PREDEFINED_ROLES
        .iter()
        .find(|(o, _)| *o == oid)
        .map(|(_, n)| *n)
}

/// Every role of the cluster, as the statement's transaction sees them.
pub(crate) fn roles(ctx: &EvalCtx<'_>) -> Result<Vec<crate::catalog::roles::Role>> {
    match &ctx.storage {
        Some(st) => Ok(Catalog::new(st.engine, 0, st.own)
            .roles()?
            .into_iter()
            .map(|(_, r)| r)
            .collect()),
        None => Ok(crate::catalog::roles::Role::builtin()),
    }
}

/// pg_authid's rows for this statement (read once: pg_get_userbyid and
/// regrole output run per row of catalog queries).
fn authid_rows(ctx: &mut EvalCtx<'_>) -> Result<std::sync::Arc<Vec<Vec<Value>>>> {
    match super::SystemView::by_oid(PG_AUTHID_OID) {
        Some(view) => view.cached_rows(ctx),
        None => Ok(std::sync::Arc::new(Vec::new())),
    }
}

/// pg_authid's OID.
const PG_AUTHID_OID: u32 = 1260;

/// The name of role `oid`, stored or built in.
pub(crate) fn role_name_of(ctx: &mut EvalCtx<'_>, oid: u32) -> Result<Option<String>> {
    Ok(authid_rows(ctx)?
        .iter()
        .find(|r| oid_of(&r[0]) == oid)
        .map(|r| text_of(&r[1])))
}

/// The OID of the role called `name`.
pub(crate) fn role_oid_of(ctx: &mut EvalCtx<'_>, name: &str) -> Result<Option<u32>> {
    Ok(authid_rows(ctx)?
        .iter()
        .find(|r| text_of(&r[1]) == name)
        .map(|r| oid_of(&r[0])))
}

/// pg_authid: every role.
pub(super) fn pg_authid(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(roles(ctx)?
        .into_iter()
        .map(|r| {
            let row = Row::new(PG_AUTHID)
                .oid("oid", r.oid)
                .text("rolname", &r.name)
                .bool("rolsuper", r.superuser)
                .bool("rolinherit", r.inherit)
                .bool("rolcreaterole", r.createrole)
                .bool("rolcreatedb", r.createdb)
                .bool("rolcanlogin", r.login)
                .bool("rolreplication", r.replication)
                .bool("rolbypassrls", r.bypassrls)
                .int4("rolconnlimit", i64::from(r.connlimit));
            let row = match &r.password {
                Some(p) => row.text("rolpassword", p),
                None => row,
            };
            match r.valid_until {
                Some(t) => row.set("rolvaliduntil", Value::TimestampTz(t)),
                None => row,
            }
            .done()
        })
        .collect())
}

/// pg_auth_members: every membership.
pub(super) fn pg_auth_members(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some(st) = &ctx.storage else {
        return Ok(Vec::new());
    };
    Ok(Catalog::new(st.engine, 0, st.own)
        .memberships()?
        .into_iter()
        .map(|(_, m)| {
            Row::new(PG_AUTH_MEMBERS)
                .oid("roleid", m.role)
                .oid("member", m.member)
                .oid("grantor", m.grantor)
                .bool("admin_option", m.admin)
                .done()
        })
        .collect())
}

/// pg_locks: every lock held or awaited in the server, from the lock
/// manager. A session's locks share one virtualtransaction,
/// `backend/1` (actorgres keeps no local transaction counter).
pub(super) fn pg_locks(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    use actorgres_storage::lock::LockTag;
    let Some(storage) = &ctx.storage else {
        return Ok(Vec::new());
    };
    let mut locks = storage.engine.locks.snapshot();
    locks.sort_by_key(|l| (!l.granted, l.owner, format!("{:?}", l.tag), l.mode));
    Ok(locks
        .into_iter()
        .map(|l| {
            let row = Row::new(PG_LOCKS);
            let row = match l.tag {
                LockTag::Relation { db, rel } => row
                    .text("locktype", "relation")
                    .oid("database", db)
                    .oid("relation", rel),
                LockTag::Transaction(x) => row
                    .text("locktype", "transactionid")
                    .set("transactionid", Value::Oid(x)),
                LockTag::Database(d) => row
                    .text("locktype", "object")
                    .oid("database", 0)
                    .oid("classid", 1262)
                    .oid("objid", d)
                    .int2("objsubid", 0),
            };
            row.text("virtualtransaction", &format!("{}/1", l.owner))
                .int4("pid", i64::from(l.owner))
                .text("mode", l.mode.name())
                .bool("granted", l.granted)
                .bool("fastpath", false)
                .done()
        })
        .collect())
}

/// pg_am: PostgreSQL's access methods.
pub(super) fn pg_am(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok([
        (HEAP_AM, "heap", "heap_tableam_handler", "t"),
        (BTREE_AM, "btree", "bthandler", "i"),
        (405, "hash", "hashhandler", "i"),
        (783, "gist", "gisthandler", "i"),
        (2742, "gin", "ginhandler", "i"),
        (4000, "spgist", "spghandler", "i"),
        (3580, "brin", "brinhandler", "i"),
    ]
    .into_iter()
    .map(|(oid, name, handler, kind)| {
        Row::new(PG_AM)
            .oid("oid", oid)
            .text("amname", name)
            .proc("amhandler", handler)
            .text("amtype", kind)
            .done()
    })
    .collect())
}

/// pg_collation: the libc collations every PostgreSQL has.
pub(super) fn pg_collation(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok([
        (DEFAULT_COLLATION, "default", "d", -1, None),
        (C_COLLATION, "C", "c", -1, Some("C")),
        (951, "POSIX", "c", -1, Some("POSIX")),
        (12340, "ucs_basic", "c", 6, Some("C")),
        (12341, "C.utf8", "c", 6, Some("C.utf8")),
    ]
    .into_iter()
    .map(|(oid, name, provider, encoding, locale)| {
        let locale = locale.map_or(Value::Null, |l| Value::Text(l.to_owned()));
        Row::new(PG_COLLATION)
            .oid("oid", oid)
            .text("collname", name)
            .oid("collnamespace", PG_CATALOG_NS)
            .oid("collowner", BOOTSTRAP_SUPERUSER)
            .text("collprovider", provider)
            .bool("collisdeterministic", true)
            .int4("collencoding", encoding)
            .set("collcollate", locale.clone())
            .set("collctype", locale)
            .done()
    })
    .collect())
}

/// pg_tablespace: pg_default and pg_global.
pub(super) fn pg_tablespace(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok([(PG_DEFAULT_TABLESPACE, "pg_default"), (1664, "pg_global")]
        .into_iter()
        .map(|(oid, name)| {
            Row::new(PG_TABLESPACE)
                .oid("oid", oid)
                .text("spcname", name)
                .oid("spcowner", BOOTSTRAP_SUPERUSER)
                .done()
        })
        .collect())
}

/// pg_timezone_abbrevs: PostgreSQL's Default abbreviation set.
pub(super) fn pg_timezone_abbrevs(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(
        crate::value::tznames::abbreviation_rows(ctx.statement_start)
            .into_iter()
            .map(|(name, offset, dst)| {
                Row::new(PG_TIMEZONE_ABBREVS)
                    .text("abbrev", &name)
                    .set("utc_offset", seconds_interval(offset))
                    .bool("is_dst", dst)
                    .done()
            })
            .collect(),
    )
}

/// pg_timezone_names: every zone of the time zone database as it is now.
pub(super) fn pg_timezone_names(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(crate::value::tznames::zone_rows(ctx.statement_start)
        .into_iter()
        .map(|(name, abbrev, offset, dst)| {
            Row::new(PG_TIMEZONE_NAMES)
                .text("name", &name)
                .text("abbrev", &abbrev)
                .set("utc_offset", seconds_interval(offset))
                .bool("is_dst", dst)
                .done()
        })
        .collect())
}

/// An offset in seconds as an interval (`-05:00:00`).
fn seconds_interval(seconds: i32) -> Value {
    Value::Interval(crate::value::datetime::Interval {
        months: 0,
        days: 0,
        micros: i64::from(seconds) * 1_000_000,
    })
}

/// pg_language: the built-in languages and plpgsql.
pub(super) fn pg_language(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok([
        (12, "internal", false, false),
        (13, "c", false, false),
        (14, "sql", false, true),
        (13563, "plpgsql", true, true),
    ]
    .into_iter()
    .map(|(oid, name, pl, trusted)| {
        Row::new(PG_LANGUAGE)
            .oid("oid", oid)
            .text("lanname", name)
            .oid("lanowner", BOOTSTRAP_SUPERUSER)
            .bool("lanispl", pl)
            .bool("lanpltrusted", trusted)
            .oid("lanplcallfoid", 0)
            .oid("laninline", 0)
            .oid("lanvalidator", 0)
            .done()
    })
    .collect())
}

/// pg_extension: plpgsql, installed in every PostgreSQL database.
pub(super) fn pg_extension(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(vec![Row::new(PG_EXTENSION)
        .oid("oid", 13559)
        .text("extname", "plpgsql")
        .oid("extowner", BOOTSTRAP_SUPERUSER)
        .oid("extnamespace", PG_CATALOG_NS)
        .bool("extrelocatable", false)
        .text("extversion", "1.0")
        .done()])
}

/// Descriptions of PostgreSQL's built-in objects: (objoid, classoid,
/// description), as pg_description holds them.
pub const BUILTIN_DESCRIPTIONS: &[(u32, u32, &str)] = &[
    (2, 2601, "heap table access method"),
    (11, 2615, "system catalog schema"),
    (12, 2612, "built-in functions"),
    (13, 2612, "dynamically-loaded C functions"),
    (14, 2612, "SQL-language functions"),
    (99, 2615, "reserved schema for TOAST tables"),
    (403, 2601, "b-tree index access method"),
    (405, 2601, "hash index access method"),
    (783, 2601, "GiST index access method"),
    (2200, 2615, "standard public schema"),
    (2742, 2601, "GIN index access method"),
    (3580, 2601, "block range index (BRIN) access method"),
    (4000, 2601, "SP-GiST index access method"),
    (13559, 3079, "PL/pgSQL procedural language"),
    (13563, 2612, "PL/pgSQL procedural language"),
];

/// Descriptions of the initial databases, as pg_shdescription holds them.
pub const BUILTIN_SHARED_DESCRIPTIONS: &[(u32, u32, &str)] = &[
    (1, 1262, "default template for new databases"),
    (4, 1262, "unmodifiable empty database"),
    (5, 1262, "default administrative connection database"),
];

/// pg_description: comments on objects.
pub(super) fn pg_description(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let mut out: Vec<Vec<Value>> = BUILTIN_DESCRIPTIONS
        .iter()
        .map(|(obj, class, text)| {
            Row::new(PG_DESCRIPTION)
                .oid("objoid", *obj)
                .oid("classoid", *class)
                .int4("objsubid", 0)
                .text("description", text)
                .done()
        })
        .collect();
    for (obj, class, sub, text) in descriptions(ctx)? {
        out.push(
            Row::new(PG_DESCRIPTION)
                .oid("objoid", obj)
                .oid("classoid", class)
                .int4("objsubid", i64::from(sub))
                .text("description", &text)
                .done(),
        );
    }
    Ok(out)
}

/// The comments COMMENT ON stored: (objoid, classoid, objsubid, text).
pub(crate) fn descriptions(ctx: &EvalCtx<'_>) -> Result<Vec<(u32, u32, i32, String)>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    Ok(cat
        .rows(&system::PG_DESCRIPTION)?
        .into_iter()
        .map(|(_, r)| {
            let sub = match r[2] {
                Value::Int4(i) => i,
                _ => 0,
            };
            (oid_of(&r[0]), oid_of(&r[1]), sub, text_of(&r[3]))
        })
        .collect())
}

/// pg_shdescription: comments on shared objects (databases).
pub(super) fn pg_shdescription(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    Ok(BUILTIN_SHARED_DESCRIPTIONS
        .iter()
        .map(|(obj, class, text)| {
            Row::new(PG_SHDESCRIPTION)
                .oid("objoid", *obj)
                .oid("classoid", *class)
                .text("description", text)
                .done()
        })
        .collect())
}

/// pg_init_privs: the privileges initdb gave pg_catalog and public, so
/// that pg_dump sees them as defaults rather than grants to dump.
pub(super) fn pg_init_privs(_: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let su = BOOTSTRAP_SUPERUSER_NAME;
    let acl = |items: [String; 2]| Value::Array(ArrayRef::new(items.map(Value::Text).to_vec()));
    // The system relations' lists as initdb leaves them (pg_dump dumps
    // a catalog's privileges only where they differ from these).
    let relations = SystemView::all().map(|v| {
        Row::new(PG_INIT_PRIVS)
            .oid("objoid", v.oid())
            .oid("classoid", system::PG_CLASS.oid)
            .int4("objsubid", 0)
            .text("privtype", "i")
            .set("initprivs", system_acl_value(v.name()))
            .done()
    });
    Ok(relations
        .chain(vec![
            Row::new(PG_INIT_PRIVS)
                .oid("objoid", PG_CATALOG_NS)
                .oid("classoid", super::super::system::PG_NAMESPACE.oid)
                .int4("objsubid", 0)
                .text("privtype", "i")
                .set(
                    "initprivs",
                    acl([format!("{su}=UC/{su}"), format!("=U/{su}")]),
                )
                .done(),
            Row::new(PG_INIT_PRIVS)
                .oid("objoid", PUBLIC_NS)
                .oid("classoid", super::super::system::PG_NAMESPACE.oid)
                .int4("objsubid", 0)
                .text("privtype", "i")
                .set(
                    "initprivs",
                    acl([
                        "pg_database_owner=UC/pg_database_owner".into(),
                        "=U/pg_database_owner".into(),
                    ]),
                )
                .done(),
        ])
        .collect())
}

/// pg_depend: what each user object depends on, as PostgreSQL records it
/// (pg_dump orders its output by it): tables on their schema, indexes on
/// their constraint or columns, constraints and defaults on their
/// columns, a view's rule on the view and on the tables it reads.
pub(super) fn pg_depend(ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
    let Some((cat, _)) = catalog(ctx)? else {
        return Ok(Vec::new());
    };
    const CLASS: u32 = 1259;
    const CONSTRAINT: u32 = 2606;
    const ATTRDEF: u32 = 2604;
    const REWRITE: u32 = 2618;
    let dep = |classid: u32, objid: u32, refclassid: u32, refobjid: u32, sub: i64, kind: &str| {
        Row::new(PG_DEPEND)
            .oid("classid", classid)
            .oid("objid", objid)
            .int4("objsubid", 0)
            .oid("refclassid", refclassid)
            .oid("refobjid", refobjid)
            .int4("refobjsubid", sub)
            .text("deptype", kind)
            .done()
    };
    let tables = cat.relations()?;
    let schemas = cat.namespaces()?;
    let constraints = cat.rows(&system::PG_CONSTRAINT)?;
    let mut out = Vec::new();
    for t in &tables {
        out.push(dep(CLASS, t.oid, 2615, t.namespace, 0, "n"));
        // A serial column's sequence depends on it automatically, an
        // identity column's internally.
        if let Some((owner, col)) = t.sequence.as_ref().and_then(|s| s.owner) {
            let identity = tables
                .iter()
                .find(|o| o.oid == owner)
                .and_then(|o| o.columns.get((col as usize).wrapping_sub(1)))
                .is_some_and(|c| c.identity.is_some());
            let kind = if identity { "i" } else { "a" };
            out.push(dep(CLASS, t.oid, CLASS, owner, i64::from(col), kind));
        }
        for ix in &t.indexes {
            let con = constraints
                .iter()
                .find(|(_, r)| oid_of(&r[4]) == t.oid && text_of(&r[1]) == ix.name);
            match con {
                Some((_, r)) => {
                    out.push(dep(CLASS, ix.oid, CONSTRAINT, oid_of(&r[0]), 0, "i"));
                    for &c in &ix.columns {
                        out.push(dep(
                            CONSTRAINT,
                            oid_of(&r[0]),
                            CLASS,
                            t.oid,
                            c as i64 + 1,
                            "a",
                        ));
                    }
                }
                None => {
                    for &c in &ix.columns {
                        out.push(dep(CLASS, ix.oid, CLASS, t.oid, c as i64 + 1, "a"));
                    }
                }
            }
        }
    }
    for t in &tables {
        for fk in &t.foreign_keys {
            for (c, _) in &fk.columns {
                out.push(dep(CONSTRAINT, fk.oid, CLASS, t.oid, *c as i64 + 1, "a"));
            }
            if let Some(ix) = tables
                .iter()
                .find(|p| p.oid == fk.ref_table.0)
                .and_then(|p| {
                    p.indexes.iter().find(|ix| {
                        ix.unique
                            && ix.exprs.is_none()
                            && ix.columns.len() == fk.ref_columns.len()
                            && fk.ref_columns.iter().all(|(c, _)| ix.columns.contains(c))
                    })
                })
            {
                out.push(dep(CONSTRAINT, fk.oid, CLASS, ix.oid, 0, "n"));
            }
            for (c, _) in &fk.ref_columns {
                out.push(dep(
                    CONSTRAINT,
                    fk.oid,
                    CLASS,
                    fk.ref_table.0,
                    *c as i64 + 1,
                    "n",
                ));
            }
        }
    }
    const TYPE: u32 = 1247;
    for (_, r) in &constraints {
        match text_of(&r[3]).as_str() {
            "c" => out.push(dep(CONSTRAINT, oid_of(&r[0]), CLASS, oid_of(&r[4]), 0, "a")),
            crate::catalog::DOMAIN_CHECK => {
                out.push(dep(CONSTRAINT, oid_of(&r[0]), TYPE, oid_of(&r[4]), 0, "a"))
            }
            _ => {}
        }
    }
    // User types: in their schema; a domain on its base type, an array
    // type on its element; columns on their types.
    for t in cat.user_types()? {
        out.push(dep(TYPE, t.oid, 2615, t.namespace, 0, "n"));
        if t.array_oid != 0 {
            out.push(dep(TYPE, t.array_oid, TYPE, t.oid, 0, "i"));
        }
        if let Some(d) = &t.domain {
            let base = d.parent.unwrap_or(d.base.oid().0);
            if base >= crate::catalog::FIRST_USER_OID {
                out.push(dep(TYPE, t.oid, TYPE, base, 0, "n"));
            }
        }
    }
    for t in &tables {
        for (i, c) in t.live() {
            let ty = c.type_oid();
            if ty >= crate::catalog::FIRST_USER_OID {
                out.push(
                    Row::new(PG_DEPEND)
                        .oid("classid", CLASS)
                        .oid("objid", t.oid)
                        .int4("objsubid", i as i64 + 1)
                        .oid("refclassid", TYPE)
                        .oid("refobjid", ty)
                        .int4("refobjsubid", 0)
                        .text("deptype", "n")
                        .done(),
                );
            }
        }
    }
    for (_, r) in cat.rows(&system::PG_ATTRDEF)? {
        let attnum = match r[2] {
            Value::Int2(n) => i64::from(n),
            _ => 0,
        };
        out.push(dep(
            ATTRDEF,
            oid_of(&r[0]),
            CLASS,
            oid_of(&r[1]),
            attnum,
            "a",
        ));
        // A default calling nextval depends on its sequence.
        let text = text_of(&r[3]).to_lowercase();
        for s in tables.iter().filter(|t| t.sequence.is_some()) {
            let quoted = crate::func::quote_ident(&s.name);
            let schema = crate::catalog::schema_name(&schemas, s.namespace)
                .map_or(String::new(), crate::func::quote_ident);
            if text.contains(&format!("'{quoted}'::regclass").to_lowercase())
                || text.contains(&format!("'{schema}.{quoted}'::regclass").to_lowercase())
            {
                out.push(dep(ATTRDEF, oid_of(&r[0]), CLASS, s.oid, 0, "n"));
            }
        }
    }
    for (_, r) in cat.rows(&system::PG_REWRITE)? {
        let (rule, view) = (oid_of(&r[0]), oid_of(&r[2]));
        out.push(dep(REWRITE, rule, CLASS, view, 0, "i"));
        for name in crate::parser::relations_read(&text_of(&r[3])) {
            if let Some(t) = tables.iter().find(|t| t.name == name && t.oid != view) {
                out.push(dep(REWRITE, rule, CLASS, t.oid, 0, "n"));
            }
        }
    }
    Ok(out)
}

/// A text[] of `items`, NULL when there are none (reloptions,
/// attoptions).
fn text_array(items: &[String]) -> Value {
    if items.is_empty() {
        return Value::Null;
    }
    Value::Array(ArrayRef::new(
        items.iter().map(|o| Value::Text(o.clone())).collect(),
    ))
}
