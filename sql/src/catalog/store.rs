//! Reading and writing catalog rows.

use actorgres_storage::page::Tid;
use actorgres_storage::smgr::RelId;
use actorgres_storage::xact::OwnTxn;
use actorgres_storage::{Actor, Engine, Modify};

use super::schema::{
    CheckDef, ColumnDef, DatabaseDef, ForeignKeyDef, IndexDef, SequenceDef, TableDef,
};
use super::system::{self, SysTable};
use crate::error::{Result, SqlError};
use crate::table::row::{self, StoredAttr};
use crate::types::DataType;
use crate::usertype::UserType;
use crate::value::{EnumLabel, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Catalog access for one database within one transaction.
pub struct Catalog<'a> {
    /// The engine.
    engine: &'a Engine,
    /// The database.
    db: u32,
    /// The reading transaction (its own changes are visible).
    own: &'a dyn OwnTxn,
    /// Namespaces searched for unqualified names, in order.
    path: Vec<u32>,
}

/// The schema names a search_path setting lists, in order, unquoted
/// (`"$user"` becomes `user`).
fn path_names(setting: &str, user: &str) -> Vec<String> {
    setting
        .split(',')
        .map(|part| {
            let name = part.trim();
            match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                Some("$user") => user.to_owned(),
                Some(quoted) => quoted.replace("\"\"", "\""),
                None if name == "$user" => user.to_owned(),
                None => name.to_lowercase(),
            }
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// The namespaces a search_path setting searches, in order: pg_catalog
/// first unless the path places it, then each listed schema that exists
/// (`"$user"` and unknown names match nothing unless such a schema
/// exists, as in PostgreSQL). `schemas` are the database's schemas.
pub fn search_namespaces(setting: &str, user: &str, schemas: &[(u32, String)]) -> Vec<u32> {
    let mut out = Vec::new();
    for name in path_names(setting, user) {
        if let Some(ns) = schema_oid(schemas, &name) {
            if !out.contains(&ns) {
                out.push(ns);
            }
        }
    }
    if !out.contains(&system::PG_CATALOG_NS) {
        out.insert(0, system::PG_CATALOG_NS);
    }
    out
}

/// The backend whose temporary schema `name` is (`pg_temp_<pid>`).
pub fn temp_schema_owner(name: &str) -> Option<i32> {
    name.strip_prefix("pg_temp_")?.parse().ok()
}

/// The name of schema `ns` in a database's list of schemas, (oid, name).
pub fn schema_name(schemas: &[(u32, String)], ns: u32) -> Option<&str> {
    schemas
        .iter()
        .find(|(o, _)| *o == ns)
        .map(|(_, n)| n.as_str())
}

/// The OID of the schema called `name` in a database's list of schemas.
pub fn schema_oid(schemas: &[(u32, String)], name: &str) -> Option<u32> {
    schemas.iter().find(|(_, n)| n == name).map(|(o, _)| *o)
}

/// The search path of a session with temporary schema `temp`: the
/// temporary schema first unless the setting places `pg_temp` itself.
pub fn temp_search_path(
    setting: &str,
    user: &str,
    schemas: &[(u32, String)],
    temp: Option<u32>,
) -> Vec<u32> {
    let Some(t) = temp else {
        return search_namespaces(setting, user, schemas);
    };
    let mut with_temp = schemas.to_vec();
    with_temp.push((t, "pg_temp".into()));
    let mut path = search_namespaces(setting, user, &with_temp);
    if !path.contains(&t) {
        path.insert(0, t);
    }
    path
}

/// Where CREATE puts an unqualified name: the first schema the
/// search_path lists explicitly that exists (pg_catalog only when
/// listed), if any.
pub fn creation_namespace(setting: &str, user: &str, schemas: &[(u32, String)]) -> Option<u32> {
    path_names(setting, user)
        .into_iter()
        .find_map(|name| schema_oid(schemas, &name))
}

fn attrs(t: &SysTable) -> Vec<StoredAttr> {
    t.columns
        .iter()
        .map(|(_, ty)| StoredAttr {
            ty: *ty,
            missing: Value::Null,
        })
        .collect()
}

/// A text value's string ("" for anything else).
pub(crate) fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        _ => String::new(),
    }
}

/// An OID of any OID type (0 for anything else).
pub(crate) fn oid(v: &Value) -> u32 {
    match v {
        Value::Oid(o) | Value::Regtype(o) | Value::Named(o, _) => *o,
        Value::Int4(i) => *i as u32,
        Value::Int8(i) => *i as u32,
        _ => 0,
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int2(i) => i64::from(*i),
        Value::Int4(i) => i64::from(*i),
        Value::Int8(i) => *i,
        _ => 0,
    }
}

/// The foreign keys of table `rel` and those referencing it, with names
/// from the catalog rows.
fn foreign_keys_of(rel: u32, rows: &DefinitionRows) -> (Vec<ForeignKeyDef>, Vec<ForeignKeyDef>) {
    let class_name = |o: u32| {
        rows.classes
            .iter()
            .find(|(_, c)| oid(&c[0]) == o)
            .map(|(_, c)| text(&c[1]))
            .unwrap_or_default()
    };
    let schema_of = |o: u32| {
        let ns = rows
            .classes
            .iter()
            .find(|(_, c)| oid(&c[0]) == o)
            .map_or(0, |(_, c)| oid(&c[2]));
        schema_name(&rows.namespaces, ns)
            .unwrap_or_default()
            .to_owned()
    };
    let attr = |o: u32, i: usize| {
        rows.attributes
            .iter()
            .find(|(_, a)| oid(&a[0]) == o && int(&a[4]) == i as i64 + 1)
            .map(|(_, a)| {
                (
                    text(&a[1]),
                    DataType::from_oid(oid(&a[2])).unwrap_or(DataType::Text),
                )
            })
            .unwrap_or((String::new(), DataType::Text))
    };
    // A partition is referenced by the foreign keys that reference its
    // partitioned ancestors (their key columns found in it by name).
    let mut ancestors: Vec<u32> = Vec::new();
    let mut current = rel;
    while let Some((_, r)) = rows
        .inherits
        .iter()
        .find(|(_, r)| oid(&r[0]) == current && !r[3].is_null())
    {
        current = oid(&r[1]);
        if ancestors.contains(&current) || ancestors.len() > 1000 {
            break;
        }
        ancestors.push(current);
    }
    let attr_named = |o: u32, name: &str| {
        rows.attributes
            .iter()
            .find(|(_, a)| oid(&a[0]) == o && text(&a[1]) == name && !boolean(&a[6]))
            .map(|(_, a)| int(&a[4]) as usize - 1)
    };
    let (mut own, mut referencing) = (Vec::new(), Vec::new());
    for (_, r) in &rows.constraints {
        if text(&r[3]) != "f" {
            continue;
        }
        let child = oid(&r[4]);
        let Some((parent, cols, ref_cols, upd, del, matching, deferrable, deferred, validated)) =
            super::schema::decode_foreign_key(&text(&r[5]))
        else {
            continue;
        };
        let via_ancestor = parent != rel && ancestors.contains(&parent);
        if child != rel && parent != rel && !via_ancestor {
            continue;
        }
        // On the referenced side a partitioned table's key acts for its
        // partitions' copies (one statement over the whole table).
        let copy_of_parent = rows
            .inherits
            .iter()
            .find(|(_, i)| oid(&i[0]) == child && !i[3].is_null())
            .is_some_and(|(_, i)| {
                let up = oid(&i[1]);
                rows.constraints.iter().any(|(_, c)| {
                    oid(&c[4]) == up && text(&c[3]) == "f" && text(&c[1]) == text(&r[1])
                })
            });
        if child != rel && copy_of_parent {
            continue;
        }
        let fk = ForeignKeyDef {
            oid: oid(&r[0]),
            name: text(&r[1]),
            table: (child, class_name(child)),
            schema: schema_of(child),
            columns: cols.iter().map(|&i| (i, attr(child, i).0)).collect(),
            ref_table: (parent, class_name(parent)),
            ref_schema: schema_of(parent),
            ref_columns: ref_cols.iter().map(|&i| (i, attr(parent, i).0)).collect(),
            types: cols.iter().map(|&i| attr(child, i).1).collect(),
            ref_types: ref_cols.iter().map(|&i| attr(parent, i).1).collect(),
            on_update: upd,
            on_delete: del,
            match_type: matching,
            deferrable,
            deferred,
            validated,
        };
        if parent == rel {
            referencing.push(fk.clone());
        } else if via_ancestor {
            let mut mapped = fk.clone();
            let found: Option<Vec<(usize, String)>> = fk
                .ref_columns
                .iter()
                .map(|(_, n)| attr_named(rel, n).map(|i| (i, n.clone())))
                .collect();
            if let Some(cols) = found {
                // PostgreSQL's copy of the key on the partition is
                // numbered by the partition's place (creation order).
                let mut siblings: Vec<u32> = rows
                    .inherits
                    .iter()
                    .filter(|(_, i)| oid(&i[1]) == parent && !i[3].is_null())
                    .map(|(_, i)| oid(&i[0]))
                    .collect();
                siblings.sort_unstable();
                if let Some(n) = siblings.iter().position(|&o| o == rel) {
                    mapped.name = format!("{}{}", fk.name, n + 1);
                }
                mapped.ref_columns = cols;
                mapped.ref_table = (rel, class_name(rel));
                referencing.push(mapped);
            }
        }
        if child == rel {
            own.push(fk);
        }
    }
    own.sort_by(|a, b| a.name.cmp(&b.name));
    // Checks and actions run in creation order (PostgreSQL's triggers
    // fire by name, which holds the constraint's OID).
    referencing.sort_by_key(|fk| fk.oid);
    (own, referencing)
}

/// A sequence's options from its pg_sequence row.
fn sequence_def(r: &[Value]) -> SequenceDef {
    let owner = oid(&r[9]);
    SequenceDef {
        ty: DataType::from_oid(oid(&r[1])).unwrap_or(DataType::Int8),
        start: int(&r[2]),
        increment: int(&r[3]),
        max: int(&r[4]),
        min: int(&r[5]),
        cache: int(&r[6]),
        cycle: boolean(&r[7]),
        owner: (owner != 0).then_some((owner, int(&r[10]) as i16)),
    }
}

fn boolean(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// The catalog rows table definitions are built from, read once for a
/// whole list of definitions.
/// A pg_trigger row as a [`super::schema::TriggerDef`].
pub(crate) fn trigger_def(r: &[Value]) -> super::schema::TriggerDef {
    let opt = |v: &Value| match v {
        Value::Text(s) => Some(s.to_string()),
        _ => None,
    };
    super::schema::TriggerDef {
        oid: oid(&r[0]),
        name: text(&r[2]),
        func: oid(&r[3]),
        tgtype: int(&r[4]) as i16,
        enabled: text(&r[5]).chars().next().unwrap_or('O'),
        args: match &r[6] {
            Value::Array(a) => a.items().iter().map(text).collect(),
            _ => Vec::new(),
        },
        columns: text(&r[7])
            .split(' ')
            .filter_map(|n| n.parse().ok())
            .collect(),
        when: opt(&r[8]),
        old_table: opt(&r[9]),
        new_table: opt(&r[10]),
        constraint: opt(&r[11]).map(|c| (c != "n", c == "d")),
    }
}

struct DefinitionRows {
    classes: Vec<(Tid, Vec<Value>)>,
    attributes: Vec<(Tid, Vec<Value>)>,
    attrdefs: Vec<(Tid, Vec<Value>)>,
    constraints: Vec<(Tid, Vec<Value>)>,
    rewrites: Vec<(Tid, Vec<Value>)>,
    indexes: Vec<(Tid, Vec<Value>)>,
    sequences: Vec<(Tid, Vec<Value>)>,
    inherits: Vec<(Tid, Vec<Value>)>,
    partitioned: Vec<(Tid, Vec<Value>)>,
    statistics: Vec<(Tid, Vec<Value>)>,
    triggers: Vec<(Tid, Vec<Value>)>,
    namespaces: Vec<(u32, String)>,
}

impl DefinitionRows {
    fn read(cat: &Catalog<'_>) -> Result<DefinitionRows> {
        let attributes = cat.rows(&system::PG_ATTRIBUTE)?;
        // Columns of user types need the registry (usertype.rs).
        if attributes
            .iter()
            .any(|(_, a)| DataType::from_oid(oid(&a[2])).is_none())
        {
            cat.user_types()?;
        }
        Ok(DefinitionRows {
            classes: cat.classes()?,
            attributes,
            attrdefs: cat.rows(&system::PG_ATTRDEF)?,
            constraints: cat.rows(&system::PG_CONSTRAINT)?,
            rewrites: cat.rows(&system::PG_REWRITE)?,
            indexes: cat.rows(&system::PG_INDEX)?,
            sequences: cat.rows(&system::PG_SEQUENCE)?,
            inherits: cat.rows(&system::PG_INHERITS)?,
            partitioned: cat.rows(&system::PG_PARTITIONED_TABLE)?,
            statistics: cat.rows(&system::PG_STATISTIC)?,
            triggers: cat.rows(&system::PG_TRIGGER)?,
            namespaces: cat.namespaces()?,
        })
    }
}

impl<'a> Catalog<'a> {
    /// Catalog access for database `db` as transaction `own` sees it.
    pub fn new(engine: &'a Engine, db: u32, own: &'a dyn OwnTxn) -> Self {
        Catalog {
            engine,
            db,
            own,
            path: vec![system::PG_CATALOG_NS, system::PUBLIC_NS],
        }
    }

    /// The database.
    pub fn db(&self) -> u32 {
        self.db
    }

    /// The storage engine.
    pub fn engine(&self) -> &Engine {
        self.engine
    }

    /// The same access, searching `path` for unqualified names.
    pub fn with_path(mut self, path: Vec<u32>) -> Self {
        self.path = path;
        self
    }

    /// The relation file of a system table in this database.
    pub fn rel(&self, t: &SysTable) -> RelId {
        RelId::new(if t.shared { 0 } else { self.db }, t.oid)
    }

    /// Every row of `t` visible now.
    pub fn rows(&self, t: &SysTable) -> Result<Vec<(Tid, Vec<Value>)>> {
        let snap = self.engine.txns.peek_snapshot();
        let a = attrs(t);
        let mut scan = self.engine.scan(self.rel(t))?;
        let mut page = Vec::new();
        let mut out = Vec::new();
        while scan.next_page(&snap, self.own, &mut page)? {
            for tup in page.drain(..) {
                let mut values = Vec::with_capacity(a.len());
                row::decode(&a, &tup.data, &mut values)?;
                out.push((tup.tid, values));
            }
        }
        Ok(out)
    }

    /// Inserts a row into `t`.
    pub fn insert(&self, t: &SysTable, values: &[Value], who: &Actor<'_>) -> Result<Tid> {
        let mut bytes = Vec::new();
        row::encode(&attrs(t), values, &mut bytes);
        Ok(self
            .engine
            .heap_insert(self.rel(t), who.xid, who.own.command_id(), &bytes, 100)?)
    }

    /// Deletes the row of `t` at `tid`.
    pub fn delete(&self, t: &SysTable, tid: Tid, who: &Actor<'_>) -> Result<()> {
        match self.engine.heap_delete(self.rel(t), tid, who)? {
            Modify::Done(_) | Modify::SelfModified => Ok(()),
            other => Err(SqlError::internal(format!(
                "catalog row of {} changed concurrently: {other:?}",
                t.name
            ))),
        }
    }

    /// Replaces the row of `t` at `tid`.
    pub fn update(&self, t: &SysTable, tid: Tid, values: &[Value], who: &Actor<'_>) -> Result<()> {
        let mut bytes = Vec::new();
        row::encode(&attrs(t), values, &mut bytes);
        match self.engine.heap_update(self.rel(t), tid, &bytes, who)? {
            Modify::Done(_) => Ok(()),
            other => Err(SqlError::internal(format!(
                "catalog row of {} changed concurrently: {other:?}",
                t.name
            ))),
        }
    }

    /// Every database.
    pub fn databases(&self) -> Result<Vec<DatabaseDef>> {
        Ok(self
            .rows(&system::PG_DATABASE)?
            .into_iter()
            .map(|(_, r)| DatabaseDef {
                oid: oid(&r[0]),
                name: text(&r[1]),
                is_template: boolean(&r[2]),
                allow_connections: boolean(&r[3]),
            })
            .collect())
    }

    /// The database called `name`, with its pg_database row id.
    pub fn database(&self, name: &str) -> Result<Option<(Tid, DatabaseDef)>> {
        Ok(self
            .rows(&system::PG_DATABASE)?
            .into_iter()
            .find(|(_, r)| text(&r[1]) == name)
            .map(|(tid, r)| {
                (
                    tid,
                    DatabaseDef {
                        oid: oid(&r[0]),
                        name: text(&r[1]),
                        is_template: boolean(&r[2]),
                        allow_connections: boolean(&r[3]),
                    },
                )
            }))
    }

    /// pg_class rows: (tid, oid, name, namespace, relfilenode, reloptions).
    fn classes(&self) -> Result<Vec<(Tid, Vec<Value>)>> {
        self.rows(&system::PG_CLASS)
    }

    /// The table called `name` in `schema` (or on the search path:
    /// pg_catalog, then public).
    pub fn table(&self, schema: Option<&str>, name: &str) -> Result<Option<TableDef>> {
        let namespaces: Vec<u32> = match schema {
            None => self.path.clone(),
            Some(s) => match self.namespace_named(s)? {
                Some(ns) => vec![ns],
                None => return Ok(None),
            },
        };
        let classes = self.classes()?;
        for ns in namespaces {
            if let Some((_, row)) = classes.iter().find(|(_, r)| {
                text(&r[1]) == name
                    && oid(&r[2]) == ns
                    && !matches!(text(&r[3]).as_str(), "i" | "c")
            }) {
                return self.build(row).map(Some);
            }
        }
        Ok(None)
    }

    /// The relation with pg_class.oid `rel_oid`, if any.
    pub fn table_by_oid(&self, rel_oid: u32) -> Result<Option<TableDef>> {
        match self.classes()?.iter().find(|(_, r)| oid(&r[0]) == rel_oid) {
            Some((_, row)) if text(&row[3]) != "i" => self.build(row).map(Some),
            _ => Ok(None),
        }
    }

    /// Every user table of this database.
    pub fn tables(&self) -> Result<Vec<TableDef>> {
        let rows = DefinitionRows::read(self)?;
        let mut out = Vec::new();
        for (_, row) in &rows.classes {
            if oid(&row[2]) != system::PG_CATALOG_NS
                && matches!(text(&row[3]).as_str(), "r" | "p" | "m")
            {
                out.push(self.build_from(row, &rows)?);
            }
        }
        Ok(out)
    }

    /// Every user relation of this database: tables, views and sequences.
    pub fn relations(&self) -> Result<Vec<TableDef>> {
        let rows = DefinitionRows::read(self)?;
        let mut out = Vec::new();
        for (_, row) in &rows.classes {
            if oid(&row[2]) != system::PG_CATALOG_NS
                && matches!(text(&row[3]).as_str(), "r" | "p" | "v" | "m" | "S")
            {
                out.push(self.build_from(row, &rows)?);
            }
        }
        Ok(out)
    }

    /// Whether any relation (table, view, sequence or index) of schema
    /// `ns` is called `name`: they share one namespace.
    pub fn relation_exists(&self, ns: u32, name: &str) -> Result<bool> {
        Ok(self
            .classes()?
            .iter()
            .any(|(_, r)| text(&r[1]) == name && oid(&r[2]) == ns))
    }

    /// The schemas of this database, (oid, name): the stored ones and
    /// the fixed information_schema and pg_toast.
    pub fn namespaces(&self) -> Result<Vec<(u32, String)>> {
        let mut out: Vec<(u32, String)> = self
            .rows(&system::PG_NAMESPACE)?
            .into_iter()
            .map(|(_, r)| (oid(&r[0]), text(&r[1])))
            .collect();
        out.push((super::INFORMATION_SCHEMA_NS, "information_schema".into()));
        out.push((super::PG_TOAST_NS, "pg_toast".into()));
        Ok(out)
    }

    /// The type a stored type OID names: built-in, user-defined, or a
    /// relation's row type (keyed by the relation's OID here).
    fn type_of_oid(&self, o: u32) -> DataType {
        DataType::from_oid(o)
            .or_else(|| {
                self.table_by_oid(o)
                    .ok()
                    .flatten()
                    .map(|_| DataType::Composite(o))
            })
            .unwrap_or(DataType::Unknown)
    }

    /// The database's user-defined functions (pg_proc rows), in OID
    /// order. User types must have been read first (argument types may
    /// be theirs).
    pub fn functions(&self) -> Result<Vec<Arc<crate::routine::UserFunction>>> {
        use crate::routine::{ArgMode, Param, UserFunction};
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::Array(a) => a.items().iter().map(text).collect(),
                _ => Vec::new(),
            }
        };
        let mut out: Vec<Arc<UserFunction>> = self
            .rows(&system::PG_PROC)?
            .into_iter()
            .map(|(_, r)| {
                let types: Vec<DataType> = match &r[8] {
                    Value::Array(a) => a.items().iter().map(|t| self.type_of_oid(oid(t))).collect(),
                    _ => Vec::new(),
                };
                let modes: Vec<char> = text(&r[9]).chars().collect();
                let names = strings(&r[10]);
                let params = types
                    .into_iter()
                    .enumerate()
                    .map(|(i, ty)| Param {
                        name: names.get(i).filter(|n| !n.is_empty()).cloned(),
                        ty,
                        mode: ArgMode::from_code(modes.get(i).copied().unwrap_or('i')),
                    })
                    .collect();
                let mut f = UserFunction {
                    oid: oid(&r[0]),
                    db: self.db,
                    name: text(&r[1]),
                    namespace: oid(&r[2]),
                    language: text(&r[3]),
                    volatility: match text(&r[4]).as_str() {
                        "i" => crate::func::Volatility::Immutable,
                        "s" => crate::func::Volatility::Stable,
                        _ => crate::func::Volatility::Volatile,
                    },
                    strict: matches!(r[5], Value::Bool(true)),
                    retset: matches!(r[6], Value::Bool(true)),
                    ret: self.type_of_oid(oid(&r[7])),
                    params,
                    defaults: strings(&r[11]),
                    body: text(&r[12]),
                    security_definer: matches!(r.get(13), Some(Value::Bool(true))),
                    // Rows written before procedures existed have none.
                    procedure: matches!(r.get(14), Some(Value::Text(k)) if k == "p"),
                    aggregate: match r.get(14) {
                        Some(Value::Text(k)) if k == "a" => {
                            crate::routine::AggDef::decode(&text(&r[12]), |o| self.type_of_oid(o))
                        }
                        _ => None,
                    },
                };
                let outputs = f.outputs();
                if outputs.len() > 1 {
                    f.ret = crate::routine::out_record(self.db, f.oid, &outputs);
                }
                Arc::new(f)
            })
            .collect();
        out.sort_by_key(|f| f.oid);
        Ok(out)
    }

    /// The user-defined types of this database (enum types with their
    /// labels, domains with their constraints), also published to the
    /// server-wide registry: enums first, since a domain may be over one.
    pub fn user_types(&self) -> Result<Vec<Arc<UserType>>> {
        let mut labels: HashMap<u32, Vec<Arc<EnumLabel>>> = HashMap::new();
        for (_, r) in self.rows(&system::PG_ENUM)? {
            let Value::Float4(sort) = r[2] else { continue };
            let type_oid = oid(&r[1]);
            labels
                .entry(type_oid)
                .or_default()
                .push(Arc::new(EnumLabel {
                    oid: oid(&r[0]),
                    type_oid,
                    sort,
                    label: text(&r[3]),
                }));
        }
        let mut out = Vec::new();
        let schemas = self.namespaces()?;
        let types = self.rows(&system::PG_TYPE)?;
        // A user type from its pg_type row, with its labels or domain.
        let user_type = |r: &[Value], labels, domain| UserType {
            oid: oid(&r[0]),
            db: self.db,
            schema: schema_name(&schemas, oid(&r[2]))
                .unwrap_or_default()
                .to_owned(),
            name: text(&r[1]),
            namespace: oid(&r[2]),
            array_oid: oid(&r[9]),
            labels,
            domain,
            composite: None,
            range: None,
            multirange_of: None,
        };
        for (_, r) in &types {
            if text(&r[5]) != "e" {
                continue;
            }
            let type_oid = oid(&r[0]);
            let mut labels = labels.remove(&type_oid).unwrap_or_default();
            labels.sort_by(|a, b| a.sort.total_cmp(&b.sort));
            out.push(Arc::new(user_type(r, labels, None)));
        }
        crate::usertype::publish(&out);
        let mut checks: HashMap<u32, Vec<(u32, String, String)>> = HashMap::new();
        for (_, c) in self.rows(&system::PG_CONSTRAINT)? {
            if text(&c[3]) == super::DOMAIN_CHECK {
                checks
                    .entry(oid(&c[4]))
                    .or_default()
                    .push((oid(&c[0]), text(&c[1]), text(&c[5])));
            }
        }
        let mut domains = Vec::new();
        // Domains in creation order, so one over another finds it here.
        let mut bases: HashMap<u32, DataType> = HashMap::new();
        for (_, r) in &types {
            if text(&r[5]) != "d" {
                continue;
            }
            let type_oid = oid(&r[0]);
            let declared = oid(&r[10]);
            let parent = bases.contains_key(&declared).then_some(declared);
            // A composite base is known by its row here (composite types
            // are published after the domains).
            let composite = types
                .iter()
                .any(|(_, t)| oid(&t[0]) == declared && text(&t[5]) == "c");
            let base = match parent {
                Some(p) => bases[&p],
                None if composite => DataType::Composite(declared),
                None => DataType::from_oid(declared).unwrap_or(DataType::Text),
            };
            bases.insert(type_oid, base);
            let mut checks = checks.remove(&type_oid).unwrap_or_default();
            // PostgreSQL checks a domain's constraints in name order.
            checks.sort_by(|a, b| a.1.cmp(&b.1));
            domains.push(Arc::new(user_type(
                r,
                Vec::new(),
                Some(crate::usertype::Domain {
                    base,
                    parent,
                    typmod: int(&r[11]) as i32,
                    not_null: r.get(12).is_some_and(boolean),
                    default: match r.get(13) {
                        Some(Value::Text(s)) => Some(s.clone()),
                        _ => None,
                    },
                    checks,
                    bound: Default::default(),
                }),
            )));
        }
        crate::usertype::publish(&domains);
        out.extend(domains);
        if types.iter().any(|(_, r)| text(&r[5]) == "c") {
            let classes = self.classes()?;
            let attributes = self.rows(&system::PG_ATTRIBUTE)?;
            // In creation order, so that a field of an earlier composite
            // type finds it published.
            let mut composites: Vec<&Vec<Value>> = types
                .iter()
                .map(|(_, r)| r)
                .filter(|r| text(&r[5]) == "c")
                .collect();
            composites.sort_by_key(|r| oid(&r[0]));
            for r in composites {
                let Some((_, class)) = classes.iter().find(|(_, c)| {
                    text(&c[3]) == "c" && oid(&c[2]) == oid(&r[2]) && text(&c[1]) == text(&r[1])
                }) else {
                    continue;
                };
                let relid = oid(&class[0]);
                let mut fields: Vec<&Vec<Value>> = attributes
                    .iter()
                    .map(|(_, a)| a)
                    .filter(|a| oid(&a[0]) == relid && !boolean(&a[6]))
                    .collect();
                fields.sort_by_key(|a| int(&a[4]));
                let names: Vec<String> = fields.iter().map(|a| text(&a[1])).collect();
                let types = fields
                    .iter()
                    .map(|a| {
                        (
                            DataType::from_oid(oid(&a[2])).unwrap_or(DataType::Text),
                            int(&a[3]) as i32,
                        )
                    })
                    .collect();
                let mut t = user_type(r, Vec::new(), None);
                t.composite = Some(crate::usertype::Composite {
                    relid,
                    names: names.into(),
                    types,
                });
                let t = Arc::new(t);
                crate::usertype::publish(std::slice::from_ref(&t));
                out.push(t);
            }
        }
        // Range types (typbasetype: the subtype, typtypmod its typmod)
        // after the types they may be over, then their multirange types
        // (typbasetype: the range type).
        let mut ranges: Vec<&Vec<Value>> = types
            .iter()
            .map(|(_, r)| r)
            .filter(|r| text(&r[5]) == "r" && oid(&r[2]) != system::PG_CATALOG_NS)
            .collect();
        ranges.sort_by_key(|r| oid(&r[0]));
        for r in ranges {
            let range_oid = oid(&r[0]);
            let multirange = types
                .iter()
                .find(|(_, m)| text(&m[5]) == "m" && oid(&m[10]) == range_oid)
                .map_or(0, |(_, m)| oid(&m[0]));
            let mut t = user_type(r, Vec::new(), None);
            t.range = Some(crate::usertype::RangeDef {
                subtype: DataType::from_oid(oid(&r[10])).unwrap_or(DataType::Text),
                subtype_typmod: int(&r[11]) as i32,
                multirange,
                subdiff: match r.get(13) {
                    Some(Value::Text(s)) => Some(s.clone()),
                    _ => None,
                },
            });
            let t = Arc::new(t);
            crate::usertype::publish(std::slice::from_ref(&t));
            out.push(t);
        }
        for (_, r) in &types {
            if text(&r[5]) != "m" || oid(&r[2]) == system::PG_CATALOG_NS {
                continue;
            }
            let mut t = user_type(r, Vec::new(), None);
            t.multirange_of = Some(oid(&r[10]));
            let t = Arc::new(t);
            crate::usertype::publish(std::slice::from_ref(&t));
            out.push(t);
        }
        Ok(out)
    }

    /// The schema called `name`, if it exists.
    pub fn namespace_named(&self, name: &str) -> Result<Option<u32>> {
        Ok(match name {
            "pg_catalog" => Some(system::PG_CATALOG_NS),
            _ => schema_oid(&self.namespaces()?, name),
        })
    }

    /// The index called `name` in schema `schema` (or the first on the
    /// search path), with its table's OID.
    pub fn index_named(&self, schema: Option<&str>, name: &str) -> Result<Option<(IndexDef, u32)>> {
        let namespaces: Vec<u32> = match schema {
            None => self.path.clone(),
            Some(s) => match self.namespace_named(s)? {
                Some(ns) => vec![ns],
                None => return Ok(None),
            },
        };
        let classes = self.classes()?;
        let Some((_, class)) = namespaces.iter().find_map(|&ns| {
            classes
                .iter()
                .find(|(_, r)| text(&r[1]) == name && oid(&r[2]) == ns && text(&r[3]) == "i")
        }) else {
            return Ok(None);
        };
        let index_oid = oid(&class[0]);
        let Some((_, row)) = self
            .rows_where(&system::PG_INDEX, 0, index_oid)?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let def = self.index_def(class, &row, &self.namespaces()?);
        Ok(Some((def, oid(&row[1]))))
    }

    /// An index's definition from its pg_class and pg_index rows.
    fn index_def(
        &self,
        class: &[Value],
        index: &[Value],
        namespaces: &[(u32, String)],
    ) -> IndexDef {
        IndexDef {
            oid: oid(&class[0]),
            name: text(&class[1]),
            rel: self.class_rel(class, namespaces),
            columns: text(&index[5])
                .split_whitespace()
                .filter_map(|n| n.parse::<usize>().ok()?.checked_sub(1))
                .collect(),
            unique: boolean(&index[3]),
            primary: boolean(&index[4]),
            exprs: index_exprs(index),
            options: numbers(index.get(8)),
            include: numbers::<usize>(index.get(9))
                .into_iter()
                .filter_map(|n| n.checked_sub(1))
                .collect(),
            clustered: matches!(index.get(10), Some(Value::Bool(true))),
            replident: matches!(index.get(11), Some(Value::Bool(true))),
            stattargets: numbers(index.get(12)),
            reloptions: split_options(&text(&class[6])),
            method: match index.get(13) {
                Some(Value::Oid(m)) if *m != 0 => *m,
                _ => 403,
            },
            opclasses: numbers(index.get(14)),
        }
    }

    /// The pg_class row id of table `oid`.
    pub fn class_tid(&self, table_oid: u32) -> Result<Option<(Tid, Vec<Value>)>> {
        Ok(self
            .classes()?
            .into_iter()
            .find(|(_, r)| oid(&r[0]) == table_oid))
    }

    /// Builds a definition from its pg_class row.
    fn build(&self, class: &[Value]) -> Result<TableDef> {
        self.build_from(class, &DefinitionRows::read(self)?)
    }

    /// The relation file of pg_class row `class`: a relation in a
    /// `pg_temp_<pid>` schema is that backend's temporary relation (also
    /// when its session is gone and the file with it).
    fn class_rel(&self, class: &[Value], namespaces: &[(u32, String)]) -> RelId {
        let filenode = oid(&class[4]);
        let owner = schema_name(namespaces, oid(&class[2])).and_then(temp_schema_owner);
        match owner {
            Some(pid) => RelId::temp(self.db, filenode, pid),
            None => self.engine.relation(self.db, filenode),
        }
    }

    /// Builds a definition from its pg_class row and the catalog rows
    /// read once for every definition built.
    fn build_from(&self, class: &[Value], rows: &DefinitionRows) -> Result<TableDef> {
        let rel_oid = oid(&class[0]);
        let mut columns: Vec<(i64, ColumnDef)> =
            rows.attributes
                .iter()
                .filter(|(_, r)| oid(&r[0]) == rel_oid)
                .map(|(_, r)| {
                    let ty = DataType::from_oid(oid(&r[2])).unwrap_or(DataType::Text);
                    // A domain column holds values of its base type.
                    let (ty, domain) = match ty {
                        DataType::Domain(d) => (ty.base(), Some(d)),
                        ty => (ty, None),
                    };
                    let missing = match &r[8] {
                        Value::Text(s) => crate::cast::parse_text(s, ty, &Default::default())
                            .unwrap_or(Value::Null),
                        _ => Value::Null,
                    };
                    (
                        int(&r[4]),
                        ColumnDef {
                            name: text(&r[1]),
                            ty,
                            typmod: int(&r[3]) as i32,
                            not_null: boolean(&r[5]),
                            dropped: boolean(&r[6]),
                            default: None,
                            missing,
                            identity: match text(&r[10]).as_str() {
                                "a" => Some('a'),
                                "d" => Some('d'),
                                _ => None,
                            },
                            generated: text(&r[10]) == "s",
                            domain,
                            tuning: crate::catalog::ColumnTuning {
                                stattarget: match r.get(11) {
                                    Some(Value::Int2(n)) => Some(*n),
                                    _ => None,
                                },
                                storage: match r.get(12) {
                                    Some(Value::Text(s)) => s.chars().next(),
                                    _ => None,
                                },
                                options: match r.get(13) {
                                    Some(Value::Text(s)) => split_options(s),
                                    _ => Vec::new(),
                                },
                            },
                            origin: crate::catalog::ColumnOrigin {
                                local: !matches!(r.get(14), Some(Value::Bool(false))),
                                inherited: match r.get(15) {
                                    Some(Value::Int4(n)) => *n,
                                    _ => 0,
                                },
                            },
                        },
                    )
                })
                .collect();
        columns.sort_by_key(|(n, _)| *n);
        let mut columns: Vec<ColumnDef> = columns.into_iter().map(|(_, c)| c).collect();
        for (_, r) in &rows.attrdefs {
            if oid(&r[1]) == rel_oid {
                let idx = int(&r[2]) as usize;
                if let Some(c) = idx.checked_sub(1).and_then(|i| columns.get_mut(i)) {
                    c.default = Some(text(&r[3]));
                }
            }
        }
        // An identity column's default is nextval of the sequence it owns
        // (PostgreSQL stores none: the executor asks the sequence).
        for (_, r) in &rows.sequences {
            if oid(&r[9]) == rel_oid {
                let idx = int(&r[10]) as usize;
                if let Some(c) = idx.checked_sub(1).and_then(|i| columns.get_mut(i)) {
                    if c.identity.is_some() {
                        c.default = Some(format!("nextval('{}'::regclass)", oid(&r[0])));
                    }
                }
            }
        }
        let mut checks: Vec<CheckDef> = rows
            .constraints
            .iter()
            .filter(|(_, r)| oid(&r[4]) == rel_oid && text(&r[3]) == "c")
            .map(|(_, r)| CheckDef {
                name: text(&r[1]),
                expr: text(&r[5]),
                validated: !matches!(r.get(6), Some(Value::Bool(false))),
                no_inherit: matches!(r.get(7), Some(Value::Bool(true))),
            })
            .collect();
        checks.sort_by(|a, b| a.name.cmp(&b.name));
        let (foreign_keys, referenced_by) = foreign_keys_of(rel_oid, rows);
        let options = split_options(&text(&class[6]));
        let fillfactor = options
            .iter()
            .find_map(|o| o.strip_prefix("fillfactor="))
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        let rule = || {
            rows.rewrites
                .iter()
                .find(|(_, r)| oid(&r[2]) == rel_oid)
                .map(|(_, r)| text(&r[3]))
        };
        let view = if text(&class[3]) == "v" { rule() } else { None };
        let matview = if text(&class[3]) == "m" { rule() } else { None };
        let mut indexes = Vec::new();
        let mut index_rows = rows
            .indexes
            .iter()
            .filter(|(_, r)| oid(&r[1]) == rel_oid)
            .peekable();
        if index_rows.peek().is_some() {
            for (_, row) in index_rows {
                if let Some((_, c)) = rows
                    .classes
                    .iter()
                    .find(|(_, c)| oid(&c[0]) == oid(&row[0]))
                {
                    indexes.push(self.index_def(c, row, &rows.namespaces));
                }
            }
            indexes.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let sequence = if text(&class[3]) == "S" {
            rows.sequences
                .iter()
                .find(|(_, r)| oid(&r[0]) == rel_oid)
                .map(|(_, r)| sequence_def(r))
        } else {
            None
        };
        let partition_key = rows
            .partitioned
            .iter()
            .find(|(_, r)| oid(&r[0]) == rel_oid)
            .map(|(_, r)| super::schema::PartitionKey {
                strategy: text(&r[1]).chars().next().unwrap_or('r'),
                columns: text(&r[2])
                    .split(' ')
                    .filter_map(|n| n.parse::<usize>().ok()?.checked_sub(1))
                    .collect(),
            });
        // pg_inherits rows with a bound are partitions; without one,
        // INHERITS.
        let partition_of = rows
            .inherits
            .iter()
            .find(|(_, r)| oid(&r[0]) == rel_oid && !r[3].is_null())
            .map(|(_, r)| super::schema::PartitionOf {
                parent: oid(&r[1]),
                bound: text(&r[3]),
            });
        let mut partitions: Vec<(u32, bool)> = rows
            .inherits
            .iter()
            .filter(|(_, r)| oid(&r[1]) == rel_oid)
            .map(|(_, r)| (oid(&r[0]), r[3].is_null()))
            .collect();
        partitions.sort_by_key(|(o, _)| *o);
        let mut parents: Vec<(i64, u32)> = rows
            .inherits
            .iter()
            .filter(|(_, r)| oid(&r[0]) == rel_oid && r[3].is_null())
            .map(|(_, r)| (int(&r[2]), oid(&r[1])))
            .collect();
        parents.sort_unstable();
        let namespace = oid(&class[2]);
        let system = namespace == system::PG_CATALOG_NS;
        let shared = system && rel_oid == system::PG_DATABASE.oid;
        let stats = Arc::new(table_stats(class, &rows.statistics, rel_oid, &columns));
        let mut triggers: Vec<super::schema::TriggerDef> = rows
            .triggers
            .iter()
            .filter(|(_, r)| oid(&r[1]) == rel_oid)
            .map(|(_, r)| trigger_def(r))
            .collect();
        triggers.sort_by(|a, b| a.name.cmp(&b.name));
        // A partition's ancestors up its pg_inherits rows with a bound.
        let mut ancestor_triggers = Vec::new();
        let mut child = rel_oid;
        while let Some((_, up)) = rows
            .inherits
            .iter()
            .find(|(_, r)| oid(&r[0]) == child && !r[3].is_null())
        {
            let parent = oid(&up[1]);
            ancestor_triggers.extend(
                rows.triggers
                    .iter()
                    .filter(|(_, r)| oid(&r[1]) == parent)
                    .map(|(_, r)| trigger_def(r))
                    .filter(super::schema::TriggerDef::row),
            );
            if parent == rel_oid || parent == child {
                break;
            }
            child = parent;
        }
        Ok(TableDef {
            oid: rel_oid,
            name: text(&class[1]),
            namespace,
            rel: if shared {
                RelId::new(0, oid(&class[4]))
            } else {
                self.class_rel(class, &rows.namespaces)
            },
            fillfactor,
            options,
            replident: match &class.get(9) {
                Some(Value::Text(c)) => c.chars().next().unwrap_or('d'),
                _ => 'd',
            },
            columns,
            checks,
            system,
            view,
            matview,
            populated: !matches!(class.get(10), Some(Value::Bool(false))),
            of_type: match class.get(11) {
                Some(Value::Oid(t)) if *t != 0 => Some(*t),
                _ => None,
            },
            indexes,
            sequence,
            foreign_keys,
            referenced_by,
            partition_key,
            partition_of,
            partitions: partitions
                .iter()
                .filter(|(_, inherits)| !inherits)
                .map(|(o, _)| *o)
                .collect(),
            inheritors: partitions
                .iter()
                .filter(|(_, inherits)| *inherits)
                .map(|(o, _)| *o)
                .collect(),
            parents: parents.into_iter().map(|(_, o)| o).collect(),
            stats,
            triggers,
            ancestor_triggers,
        })
    }

    /// Sequence `seq_oid`'s options and relation file, read from
    /// pg_sequence alone (nextval's lookup: no pg_class scan).
    pub fn sequence(&self, seq_oid: u32) -> Result<Option<(SequenceDef, RelId)>> {
        Ok(self
            .rows_where(&system::PG_SEQUENCE, 0, seq_oid)?
            .into_iter()
            .next()
            .map(|(_, r)| (sequence_def(&r), self.engine.relation(self.db, oid(&r[8])))))
    }

    /// Rows of `t` whose column `col` equals `key` (an OID).
    pub fn rows_where(&self, t: &SysTable, col: usize, key: u32) -> Result<Vec<(Tid, Vec<Value>)>> {
        Ok(self
            .rows(t)?
            .into_iter()
            .filter(|(_, r)| oid(&r[col]) == key)
            .collect())
    }

    /// Rewrites the rows of `t` whose column `col` equals `key` (an OID)
    /// where `change` edits the row and says so by returning true.
    pub fn update_where(
        &self,
        t: &SysTable,
        col: usize,
        key: u32,
        who: &Actor<'_>,
        mut change: impl FnMut(&mut Vec<Value>) -> bool,
    ) -> Result<()> {
        for (tid, mut row) in self.rows_where(t, col, key)? {
            if change(&mut row) {
                self.update(t, tid, &row, who)?;
            }
        }
        Ok(())
    }
}

/// A table's statistics: relpages and reltuples from its pg_class row
/// (absent in rows written before the columns existed: never analyzed)
/// and its columns' pg_statistic rows (their values read as the columns'
/// types only when used: `TableStats`).
fn table_stats(
    class: &[Value],
    statistics: &[(Tid, Vec<Value>)],
    rel_oid: u32,
    columns: &[ColumnDef],
) -> crate::statistics::TableStats {
    let float = |v: Option<&Value>| match v {
        Some(Value::Float4(f)) => Some(*f),
        _ => None,
    };
    let texts = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(a) => a.items().iter().map(text).collect(),
            _ => Vec::new(),
        }
    };
    let mut stored = Vec::new();
    for (_, r) in statistics.iter().filter(|(_, r)| oid(&r[0]) == rel_oid) {
        let attr = match r[1] {
            Value::Int2(n) if n > 0 => n as usize - 1,
            _ => continue,
        };
        let Some(col) = columns.get(attr).filter(|c| !c.dropped) else {
            continue;
        };
        stored.push(crate::statistics::StoredColumn {
            attr,
            inherited: r[2] == Value::Bool(true),
            ty: col.ty,
            null_frac: float(r.get(3)).unwrap_or(0.0),
            width: match r[4] {
                Value::Int4(w) => w,
                _ => 0,
            },
            distinct: float(r.get(5)).unwrap_or(0.0),
            mcv: texts(&r[6]),
            mcf: match &r[7] {
                Value::Array(a) => a.items().iter().filter_map(|f| float(Some(f))).collect(),
                _ => Vec::new(),
            },
            histogram: texts(&r[8]),
            correlation: float(r.get(9)),
        });
    }
    let pages = match class.get(12) {
        Some(Value::Int4(p)) => *p,
        _ => 0,
    };
    crate::statistics::TableStats::new(pages, float(class.get(13)).unwrap_or(-1.0), stored)
}

/// The expressions and predicate of a pg_index row, if it has any.
fn index_exprs(index: &[Value]) -> Option<Arc<crate::catalog::IndexExprs>> {
    let exprs: Vec<String> = match index.get(6) {
        Some(Value::Array(a)) => a.items().iter().map(text).collect(),
        _ => Vec::new(),
    };
    let predicate = match index.get(7) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    if exprs.is_empty() && predicate.is_none() {
        return None;
    }
    let keys = text(&index[5])
        .split_whitespace()
        .map(|n| n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)))
        .collect();
    Some(Arc::new(crate::catalog::IndexExprs {
        keys,
        exprs,
        predicate,
        bound: Default::default(),
    }))
}

/// The numbers of a space-separated list column of pg_index (empty when
/// the row predates the column or holds NULL).
fn numbers<T: std::str::FromStr>(v: Option<&Value>) -> Vec<T> {
    match v {
        Some(Value::Text(t)) => t
            .split_whitespace()
            .filter_map(|o| o.parse().ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// The `name=value` parameters of a stored reloptions / attoptions text
/// (one text, comma-separated: no value of a known parameter has a
/// comma).
pub fn split_options(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}
