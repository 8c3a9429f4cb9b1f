//! User-defined types (CREATE TYPE ... AS ENUM): the server-wide registry
//! that lets a type OID and an enum label OID be read without the
//! catalog at hand.
//!
//! Rows store an enum value as its pg_enum OID, four bytes, as PostgreSQL
//! does; decoding a row, printing a type's name and reading a label's
//! text all happen far from any catalog access, so they look the OIDs up
//! here. The catalog stays the truth: every read of a database's user
//! types (cached per catalog version, like its schemas) publishes what it
//! read, replacing older entries.
//!
//! Rules:
//! 1. OIDs are unique in the cluster, so entries of every database live
//!    side by side, keyed by OID alone.
//! 2. Entries are only added or replaced, never removed: an OID that
//!    once named a type or label never names anything else, so a stale
//!    entry (a dropped type, a rolled-back label) is unreachable, never
//!    wrong.
//! 3. Names are resolved through the catalog (transactional), never
//!    here: another session's uncommitted CREATE TYPE is not visible by
//!    name.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use parking_lot::RwLock;

use crate::types::DataType;
use crate::value::EnumLabel;

/// A user-defined type as the catalog holds it.
#[derive(Debug)]
pub struct UserType {
    /// pg_type.oid.
    pub oid: u32,
    /// The database it belongs to.
    pub db: u32,
    /// The name of its schema (when read).
    pub schema: String,
    /// pg_type.typname.
    pub name: String,
    /// pg_type.typnamespace.
    pub namespace: u32,
    /// The OID of its array type (`_name`).
    pub array_oid: u32,
    /// An enum's labels, in sort order (empty for a domain).
    pub labels: Vec<Arc<EnumLabel>>,
    /// A domain's definition (None for an enum).
    pub domain: Option<Domain>,
    /// A composite type's fields (None for an enum or a domain).
    pub composite: Option<Composite>,
    /// A range type's subtype and multirange (CREATE TYPE ... AS RANGE).
    pub range: Option<RangeDef>,
    /// For a multirange type: the OID of its range type.
    pub multirange_of: Option<u32>,
}

/// A range type of CREATE TYPE ... AS RANGE: pg_range's row.
#[derive(Debug)]
pub struct RangeDef {
    /// rngsubtype, the type of its bounds.
    pub subtype: DataType,
    /// The typmod of its bounds.
    pub subtype_typmod: i32,
    /// rngmultitypid: its multirange type.
    pub multirange: u32,
    /// rngsubdiff: the SUBTYPE_DIFF function's name, if given.
    pub subdiff: Option<String>,
}

/// A composite type: its pg_class row (relkind 'c') and fields (its
/// pg_attribute rows).
#[derive(Debug)]
pub struct Composite {
    /// pg_type.typrelid: the pg_class row's OID.
    pub relid: u32,
    /// The fields' names, shared by every value of the type.
    pub names: Arc<[String]>,
    /// The fields' types and typmods, in order.
    pub types: Vec<(DataType, i32)>,
}

/// A domain: its base type and constraints (pg_type typtype 'd', its
/// CHECK constraints pg_constraint rows).
#[derive(Debug)]
pub struct Domain {
    /// The underlying built-in (or enum) type: typbasetype, or for a
    /// domain over a domain, that domain's.
    pub base: DataType,
    /// For a domain over another domain, that domain (whose constraints
    /// values must meet too).
    pub parent: Option<u32>,
    /// typtypmod.
    pub typmod: i32,
    /// typnotnull.
    pub not_null: bool,
    /// typdefault, as SQL text.
    pub default: Option<String>,
    /// CHECK constraints by name: (constraint OID, name, expression over
    /// VALUE as SQL text).
    pub checks: Vec<(u32, String, String)>,
    /// The checks bound, once (a failure to bind is kept as the error).
    pub bound: std::sync::OnceLock<Result<Vec<crate::expr::Expr>, crate::error::SqlError>>,
}

impl UserType {
    /// The type as the binder sees it: an enum, or a domain.
    pub fn data_type(&self) -> DataType {
        if let Some(range) = self.multirange_of {
            return DataType::Multirange(element(range));
        }
        if self.range.is_some() {
            return DataType::UserRange(self.oid);
        }
        if self.domain.is_some() {
            DataType::Domain(self.oid)
        } else if self.composite.is_some() {
            DataType::Composite(self.oid)
        } else {
            DataType::Enum(self.oid)
        }
    }

    /// The label spelled `text`.
    pub fn label(&self, text: &str) -> Option<&Arc<EnumLabel>> {
        self.labels.iter().find(|l| &*l.label == text)
    }
}

#[derive(Default)]
struct Registry {
    types: HashMap<u32, Arc<UserType>>,
    labels: HashMap<u32, Arc<EnumLabel>>,
    /// Array type OID → element type OID.
    arrays: HashMap<u32, u32>,
    /// Names handed out as `&'static str` (DataType::name), per (OID,
    /// name): bounded by the number of CREATE / RENAME statements.
    names: HashMap<(u32, String), &'static str>,
    /// `DataType::Array(&Enum(oid))` needs a `&'static` element.
    elements: HashMap<u32, &'static DataType>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(Default::default);

/// Set once any user type was published: until then, statements skip
/// keeping the registry current.
static ANY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once the server has seen a user type.
pub fn any() -> bool {
    ANY.load(std::sync::atomic::Ordering::Relaxed)
}

/// Records `types` (read from the catalog), replacing older entries.
pub fn publish(types: &[Arc<UserType>]) {
    if types.is_empty() {
        return;
    }
    ANY.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut r = REGISTRY.write();
    for t in types {
        for l in &t.labels {
            r.labels.insert(l.oid, l.clone());
        }
        if t.array_oid != 0 {
            r.arrays.insert(t.array_oid, t.oid);
        }
        r.types.insert(t.oid, t.clone());
    }
}

/// The user type (or, spelled `_name`, its array type) of database `db`
/// named by `parts`, for expressions stored in the catalog, which are
/// bound without a session: `schema.name` exactly; a bare name as the
/// one type of that name, or the one in `public`.
pub fn find(db: u32, parts: &[String]) -> Option<DataType> {
    let (last, head) = parts.split_last()?;
    let lookup = |name: &str| -> Option<u32> {
        let r = REGISTRY.read();
        let mut found: Vec<&Arc<UserType>> = r
            .types
            .values()
            .filter(|t| t.db == db && t.name == name)
            .filter(|t| head.last().is_none_or(|s| *s == t.schema))
            .collect();
        found.sort_by_key(|t| (t.schema != "public", t.oid));
        found.first().map(|t| t.oid)
    };
    if let Some(oid) = lookup(last) {
        return data_type(oid);
    }
    let elem = lookup(last.strip_prefix('_')?)?;
    data_type(elem)?.array_type()
}

/// The user type with this OID.
pub fn get(oid: u32) -> Option<Arc<UserType>> {
    REGISTRY.read().types.get(&oid).cloned()
}

/// The enum label with this pg_enum OID.
pub fn label(oid: u32) -> Option<Arc<EnumLabel>> {
    REGISTRY.read().labels.get(&oid).cloned()
}

/// The data type with this OID, if it is a user type or an array of one.
pub fn data_type(oid: u32) -> Option<DataType> {
    let r = REGISTRY.read();
    if let Some(t) = r.types.get(&oid) {
        return Some(t.data_type());
    }
    let elem = *r.arrays.get(&oid)?;
    drop(r);
    Some(DataType::Array(element(elem)))
}

/// User type `oid` (an enum unless known otherwise) with a `'static`
/// lifetime, for array types.
pub fn element(oid: u32) -> &'static DataType {
    if let Some(e) = REGISTRY.read().elements.get(&oid) {
        return e;
    }
    let ty = match get(oid) {
        Some(t) if t.composite.is_some() || t.range.is_some() || t.multirange_of.is_some() => {
            t.data_type()
        }
        _ => DataType::Enum(oid),
    };
    let mut r = REGISTRY.write();
    r.elements
        .entry(oid)
        .or_insert_with(|| Box::leak(Box::new(ty)))
}

/// A composite type's field names and (type, typmod) pairs.
pub type Fields = (Arc<[String]>, Vec<(DataType, i32)>);

/// The fields of composite type `oid`.
pub fn fields(oid: u32) -> Option<Fields> {
    let t = get(oid)?;
    let c = t.composite.as_ref()?;
    Some((c.names.clone(), c.types.clone()))
}

/// The type's name as `&'static str`, "???" if unknown.
pub fn static_name(oid: u32) -> &'static str {
    let Some(t) = get(oid) else {
        return "???";
    };
    let key = (oid, t.name.clone());
    if let Some(n) = REGISTRY.read().names.get(&key) {
        return n;
    }
    let mut r = REGISTRY.write();
    r.names
        .entry(key)
        .or_insert_with(|| Box::leak(t.name.clone().into_boxed_str()))
}

/// The multirange type OID of user range type `oid` (0 if unknown).
pub fn multirange_oid(oid: u32) -> u32 {
    get(oid)
        .and_then(|t| t.range.as_ref().map(|r| r.multirange))
        .unwrap_or(0)
}

/// The subtype of user range type `oid` (text if unknown).
pub fn range_subtype(oid: u32) -> DataType {
    get(oid)
        .and_then(|t| t.range.as_ref().map(|r| r.subtype))
        .unwrap_or(DataType::Text)
}

/// The array type OID of user type `oid` (0 if unknown).
pub fn array_oid(oid: u32) -> u32 {
    get(oid).map_or(0, |t| t.array_oid)
}

/// 55P04 for a label added by a transaction still open.
pub fn unsafe_use(t: &UserType, label: &str) -> crate::error::SqlError {
    crate::error::SqlError::new(
        crate::error::SqlState::UNSAFE_NEW_ENUM_VALUE_USAGE,
        format!(
            "unsafe use of new value \"{label}\" of enum type {}",
            crate::func::catalog::quote_ident(&t.name)
        ),
    )
    .with_hint("New enum values must be committed before they can be used.")
}

/// enum_in: the label `text` of enum type `type_oid`; 22P02 if it has
/// no such label.
pub fn parse_label(type_oid: u32, text: &str) -> crate::error::Result<crate::value::Value> {
    use crate::error::{SqlError, SqlState};
    let t = get(type_oid).ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("cache lookup failed for type {type_oid}"),
        )
    })?;
    match t.label(text) {
        Some(l) if is_pending(l.oid) => Err(unsafe_use(&t, text)),
        Some(l) => Ok(crate::value::Value::Enum(l.clone())),
        None => Err(SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!(
                "invalid input value for enum {}: \"{text}\"",
                crate::func::catalog::quote_ident(&t.name)
            ),
        )),
    }
}

/// Labels added by ALTER TYPE ... ADD VALUE in transactions still open:
/// PostgreSQL refuses to use them until committed (55P04), since an
/// index could otherwise keep a value whose label a rollback removes.
static PENDING: LazyLock<parking_lot::Mutex<std::collections::HashSet<u32>>> =
    LazyLock::new(Default::default);

/// How many labels PENDING holds, so that parsing a label (per row in
/// COPY) takes no lock while no transaction has added one.
static PENDING_COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The labels one transaction added, pending until it ends (dropped
/// with the transaction).
#[derive(Debug, Default)]
pub struct PendingLabels(Vec<u32>);

impl PendingLabels {
    /// Marks label `oid` pending until this transaction ends.
    pub fn add(&mut self, oid: u32) {
        let mut p = PENDING.lock();
        p.insert(oid);
        PENDING_COUNT.store(p.len(), std::sync::atomic::Ordering::Release);
        self.0.push(oid);
    }
}

impl Drop for PendingLabels {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            let mut p = PENDING.lock();
            for oid in &self.0 {
                p.remove(oid);
            }
            PENDING_COUNT.store(p.len(), std::sync::atomic::Ordering::Release);
        }
    }
}

/// True if label `oid` was added by a transaction still open.
pub fn is_pending(oid: u32) -> bool {
    PENDING_COUNT.load(std::sync::atomic::Ordering::Acquire) != 0 && PENDING.lock().contains(&oid)
}

/// Checks `v` against domain `oid`'s constraints (its parent domains'
/// too): 23502 for NULL in a NOT NULL domain, 23514 for a CHECK it fails
/// (NULL passes a CHECK). The errors name domain `oid`, whose constraint
/// list includes its parents' in PostgreSQL.
pub fn check_domain(
    oid: u32,
    v: &crate::value::Value,
    ctx: &mut crate::expr::EvalCtx<'_>,
) -> crate::error::Result<()> {
    let shown = get(oid).map_or_else(String::new, |t| crate::func::catalog::quote_ident(&t.name));
    check_domain_as(oid, &shown, v, ctx)
}

/// [`check_domain`] for domain `oid`, its errors naming `shown`.
fn check_domain_as(
    oid: u32,
    shown: &str,
    v: &crate::value::Value,
    ctx: &mut crate::expr::EvalCtx<'_>,
) -> crate::error::Result<()> {
    use crate::error::{SqlError, SqlState};
    let Some(t) = get(oid) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("cache lookup failed for type {oid}"),
        ));
    };
    let Some(d) = &t.domain else {
        return Ok(());
    };
    if v.is_null() {
        if let Some(parent) = d.parent {
            check_domain_as(parent, shown, v, ctx)?;
        }
        if d.not_null {
            return Err(SqlError::new(
                SqlState::NOT_NULL_VIOLATION,
                format!("domain {shown} does not allow null values"),
            ));
        }
        return Ok(());
    }
    if let Some(parent) = d.parent {
        check_domain_as(parent, shown, v, ctx)?;
    }
    if d.checks.is_empty() {
        return Ok(());
    }
    let bound = d.bound.get_or_init(|| bind_checks(t.db, d));
    let exprs = bound.as_ref().map_err(Clone::clone)?;
    let row = [v.clone()];
    for (e, (_, name, _)) in exprs.iter().zip(&d.checks) {
        if e.eval(&row, ctx)? == crate::value::Value::Bool(false) {
            return Err(SqlError::new(
                SqlState::CHECK_VIOLATION,
                format!("value for domain {shown} violates check constraint \"{name}\""),
            )
            .with_object(None, None, Some(name)));
        }
    }
    Ok(())
}

/// The domain's CHECK expressions bound over one column, VALUE.
fn bind_checks(db: u32, d: &Domain) -> crate::error::Result<Vec<crate::expr::Expr>> {
    let scope = value_scope(d.base, d.typmod);
    d.checks
        .iter()
        .map(|(_, _, text)| {
            crate::table::bind_stored(db, text, &Default::default(), &scope, |b, e| {
                b.boolean(e, "CHECK constraint")
            })
        })
        .collect()
}

/// The scope a domain's CHECK is bound in: one column, VALUE.
pub fn value_scope(base: DataType, typmod: i32) -> crate::binder::Scope {
    crate::binder::Scope {
        columns: vec![crate::binder::ScopeColumn {
            table: None,
            name: "value".into(),
            ty: base,
            typmod,
            table_oid: 0,
            attnum: 0,
            hidden: false,
            scalar: false,
        }],
    }
}
