//! The catalog: what databases, tables and columns exist.
//!
//! As in PostgreSQL, the catalog is stored in heap relations of its own
//! (pg_database, pg_namespace, pg_class, pg_attribute, pg_attrdef,
//! pg_constraint, pg_index), so catalog changes are transactional, WAL-logged and
//! recovered like any data. Their own layouts are fixed in
//! [`system`], the bootstrap knowledge initdb starts from.
//!
//! Rules:
//! 1. Catalog reads use a fresh snapshot plus the transaction's own
//!    changes, so committed DDL is seen at once and uncommitted DDL only
//!    by its own transaction.
//! 2. Table definitions are cached server-wide; the cache is dropped when
//!    a transaction that changed the catalog ends, and a transaction that
//!    changed the catalog reads it directly.
//! 3. DDL that creates or renames names holds a self-conflicting lock on
//!    pg_class (or pg_database) until it ends, so two sessions cannot both
//!    create the same name (PostgreSQL relies on a unique index).
//! 4. Default and CHECK expressions are stored as SQL text and bound when
//!    used.

mod bootstrap;
mod cache;
pub mod privs;
mod relations;
pub mod roles;
mod schema;
mod store;
pub mod system;

pub use bootstrap::{add_missing_catalogs, bootstrap};

/// The first OID of user objects (PostgreSQL's FirstNormalObjectId):
/// below it, built-in ones.
pub const FIRST_USER_OID: u32 = 16384;

/// pg_constraint.contype of a domain's CHECK as stored here (shown as
/// 'c' with contypid set, as PostgreSQL's).
pub const DOMAIN_CHECK: &str = "D";
pub use cache::{CatalogCache, PerDatabase, UserFunctions, UserTypes};
pub use relations::{
    access_method, access_method_name, default_opclass, opclass_accepts, opclass_name,
    opclass_named, role_name, SystemView, BUILTIN_DESCRIPTIONS, BUILTIN_SHARED_DESCRIPTIONS,
    INFORMATION_SCHEMA_NS, PG_TOAST_NS,
};
pub(crate) use relations::{
    role_name_of, role_oid_of, session_catalog, session_descriptions, session_lookup_namespaces,
    session_namespaces, session_relations, session_search_path,
};
pub use schema::{
    BoundIndex, CheckDef, ColumnDef, ColumnOrigin, ColumnTuning, DatabaseDef, ForeignKeyDef,
    IndexDef, IndexExprs, PartitionKey, PartitionOf, SequenceDef, TableDef, TriggerDef,
};
pub use store::{
    creation_namespace, schema_name, schema_oid, search_namespaces, split_options,
    temp_schema_owner, temp_search_path, Catalog,
};
pub(crate) use store::{oid as oid_of, text as text_of, trigger_def};
