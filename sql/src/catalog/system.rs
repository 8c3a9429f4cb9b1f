//! The system catalogs' own layouts and fixed OIDs (PostgreSQL's).

use crate::types::DataType;

/// A system catalog table.
#[derive(Debug)]
pub struct SysTable {
    /// OID, also its relfilenode.
    pub oid: u32,
    /// Name (in pg_catalog).
    pub name: &'static str,
    /// Stored once for the cluster (pg_database) rather than per database.
    pub shared: bool,
    /// Columns.
    pub columns: &'static [(&'static str, DataType)],
}

/// The template database initdb creates.
pub const TEMPLATE1: u32 = 1;
/// The pristine template.
pub const TEMPLATE0: u32 = 4;
/// The default database.
pub const POSTGRES: u32 = 5;
/// Namespace pg_catalog.
pub const PG_CATALOG_NS: u32 = 11;
/// Namespace public.
pub const PUBLIC_NS: u32 = 2200;

/// pg_database.
pub static PG_DATABASE: SysTable = SysTable {
    oid: 1262,
    name: "pg_database",
    shared: true,
    columns: &[
        ("oid", DataType::Oid),
        ("datname", DataType::Name),
        ("datistemplate", DataType::Bool),
        ("datallowconn", DataType::Bool),
    ],
};

/// pg_namespace.
pub static PG_NAMESPACE: SysTable = SysTable {
    oid: 2615,
    name: "pg_namespace",
    shared: false,
    columns: &[("oid", DataType::Oid), ("nspname", DataType::Name)],
};

/// pg_class.
pub static PG_CLASS: SysTable = SysTable {
    oid: 1259,
    name: "pg_class",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("relname", DataType::Name),
        ("relnamespace", DataType::Oid),
        ("relkind", DataType::Char),
        ("relfilenode", DataType::Oid),
        ("relnatts", DataType::Int2),
        ("reloptions", DataType::Text),
        ("relhasrules", DataType::Bool),
        ("relhassubclass", DataType::Bool),
        ("relreplident", DataType::Char),
        ("relispopulated", DataType::Bool),
        ("reloftype", DataType::Oid),
        ("relpages", DataType::Int4),
        ("reltuples", DataType::Float4),
    ],
};

/// pg_attribute.
pub static PG_ATTRIBUTE: SysTable = SysTable {
    oid: 1249,
    name: "pg_attribute",
    shared: false,
    columns: &[
        ("attrelid", DataType::Oid),
        ("attname", DataType::Name),
        ("atttypid", DataType::Oid),
        ("atttypmod", DataType::Int4),
        ("attnum", DataType::Int2),
        ("attnotnull", DataType::Bool),
        ("attisdropped", DataType::Bool),
        ("atthasdef", DataType::Bool),
        ("attmissingval", DataType::Text),
        ("attlen", DataType::Int2),
        ("attidentity", DataType::Char),
        ("attstattarget", DataType::Int2),
        ("attstorage", DataType::Char),
        ("attoptions", DataType::Text),
        ("attislocal", DataType::Bool),
        ("attinhcount", DataType::Int4),
    ],
};

/// pg_attrdef: column defaults, as SQL text.
pub static PG_ATTRDEF: SysTable = SysTable {
    oid: 2604,
    name: "pg_attrdef",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("adrelid", DataType::Oid),
        ("adnum", DataType::Int2),
        ("adbin", DataType::Text),
    ],
};

/// pg_constraint: CHECK constraints, as SQL text.
pub static PG_CONSTRAINT: SysTable = SysTable {
    oid: 2606,
    name: "pg_constraint",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("conname", DataType::Name),
        ("connamespace", DataType::Oid),
        ("contype", DataType::Char),
        ("conrelid", DataType::Oid),
        ("conbin", DataType::Text),
        ("convalidated", DataType::Bool),
        ("connoinherit", DataType::Bool),
    ],
};

/// pg_type: the built-in types (written by initdb; there is no CREATE
/// TYPE yet).
pub static PG_TYPE: SysTable = SysTable {
    oid: 1247,
    name: "pg_type",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("typname", DataType::Name),
        ("typnamespace", DataType::Oid),
        ("typlen", DataType::Int2),
        ("typbyval", DataType::Bool),
        ("typtype", DataType::Char),
        ("typcategory", DataType::Char),
        ("typispreferred", DataType::Bool),
        ("typelem", DataType::Oid),
        ("typarray", DataType::Oid),
        ("typbasetype", DataType::Oid),
        ("typtypmod", DataType::Int4),
        ("typnotnull", DataType::Bool),
        ("typdefault", DataType::Text),
    ],
};

/// pg_rewrite: a view's definition (ev_action holds its query as SQL
/// text, where PostgreSQL stores a node tree).
pub static PG_REWRITE: SysTable = SysTable {
    oid: 2618,
    name: "pg_rewrite",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("rulename", DataType::Name),
        ("ev_class", DataType::Oid),
        ("ev_action", DataType::Text),
    ],
};

/// pg_index: a B-tree index of a table (indkey lists attribute numbers
/// separated by spaces, as int2vector prints, 0 for an expression);
/// indexprs and indpred hold SQL text where PostgreSQL keeps node trees.
pub static PG_INDEX: SysTable = SysTable {
    oid: 2610,
    name: "pg_index",
    shared: false,
    columns: &[
        ("indexrelid", DataType::Oid),
        ("indrelid", DataType::Oid),
        ("indnatts", DataType::Int2),
        ("indisunique", DataType::Bool),
        ("indisprimary", DataType::Bool),
        ("indkey", DataType::Text),
        ("indexprs", DataType::Array(&DataType::Text)),
        ("indpred", DataType::Text),
        ("indoption", DataType::Text),
        ("indinclude", DataType::Text),
        ("indisclustered", DataType::Bool),
        ("indisreplident", DataType::Bool),
        ("indstattargets", DataType::Text),
        ("indmethod", DataType::Oid),
        ("indopclass", DataType::Text),
    ],
};

/// pg_sequence: a sequence's options, with (beyond PostgreSQL's columns)
/// its relation file and the column that owns it (OWNED BY; 0 for none).
pub static PG_SEQUENCE: SysTable = SysTable {
    oid: 2224,
    name: "pg_sequence",
    shared: false,
    columns: &[
        ("seqrelid", DataType::Oid),
        ("seqtypid", DataType::Oid),
        ("seqstart", DataType::Int8),
        ("seqincrement", DataType::Int8),
        ("seqmax", DataType::Int8),
        ("seqmin", DataType::Int8),
        ("seqcache", DataType::Int8),
        ("seqcycle", DataType::Bool),
        ("seqfilenode", DataType::Oid),
        ("seqownedrel", DataType::Oid),
        ("seqownedcol", DataType::Int2),
    ],
};

/// pg_description: comments (COMMENT ON) on objects of the database.
pub static PG_DESCRIPTION: SysTable = SysTable {
    oid: 2609,
    name: "pg_description",
    shared: false,
    columns: &[
        ("objoid", DataType::Oid),
        ("classoid", DataType::Oid),
        ("objsubid", DataType::Int4),
        ("description", DataType::Text),
    ],
};

/// pg_enum: the labels of enum types (their types are pg_type rows with
/// typtype 'e').
pub static PG_ENUM: SysTable = SysTable {
    oid: 3501,
    name: "pg_enum",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("enumtypid", DataType::Oid),
        ("enumsortorder", DataType::Float4),
        ("enumlabel", DataType::Name),
    ],
};

/// pg_inherits: each partition's parent, with (beyond PostgreSQL's
/// columns) its bound as pg_get_expr(relpartbound) prints it.
pub static PG_INHERITS: SysTable = SysTable {
    oid: 2611,
    name: "pg_inherits",
    shared: false,
    columns: &[
        ("inhrelid", DataType::Oid),
        ("inhparent", DataType::Oid),
        ("inhseqno", DataType::Int4),
        ("inhbound", DataType::Text),
    ],
};

/// pg_partitioned_table: a partitioned table's strategy ('r', 'l', 'h')
/// and key columns (attribute numbers separated by spaces).
pub static PG_PARTITIONED_TABLE: SysTable = SysTable {
    oid: 3350,
    name: "pg_partitioned_table",
    shared: false,
    columns: &[
        ("partrelid", DataType::Oid),
        ("partstrat", DataType::Char),
        ("partattrs", DataType::Text),
    ],
};

/// pg_statistic: what ANALYZE found of a column — PostgreSQL's columns
/// to stadistinct, then its slots as named columns: the most common
/// values (each as the type's text) with their frequencies, the histogram
/// bounds (text) and the physical-order correlation.
pub static PG_STATISTIC: SysTable = SysTable {
    oid: 2619,
    name: "pg_statistic",
    shared: false,
    columns: &[
        ("starelid", DataType::Oid),
        ("staattnum", DataType::Int2),
        ("stainherit", DataType::Bool),
        ("stanullfrac", DataType::Float4),
        ("stawidth", DataType::Int4),
        ("stadistinct", DataType::Float4),
        ("stamcvals", DataType::Array(&DataType::Text)),
        ("stamcfreqs", DataType::Array(&DataType::Float4)),
        ("stahistogram", DataType::Array(&DataType::Text)),
        ("stacorrelation", DataType::Float4),
    ],
};

/// pg_proc: user-defined functions (the built-in ones are
/// [`crate::func`]'s table). Argument lists are stored as PostgreSQL
/// shows them: type OIDs in order, modes as one character each
/// (`i o b v t`), defaults as the SQL text of the trailing IN arguments'.
pub static PG_PROC: SysTable = SysTable {
    oid: 1255,
    name: "pg_proc",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("proname", DataType::Name),
        ("pronamespace", DataType::Oid),
        ("prolang", DataType::Text),
        ("provolatile", DataType::Char),
        ("proisstrict", DataType::Bool),
        ("proretset", DataType::Bool),
        ("prorettype", DataType::Oid),
        ("proargtypes", DataType::Array(&DataType::Oid)),
        ("proargmodes", DataType::Text),
        ("proargnames", DataType::Array(&DataType::Text)),
        ("proargdefaults", DataType::Array(&DataType::Text)),
        ("prosrc", DataType::Text),
        ("prosecdef", DataType::Bool),
        ("prokind", DataType::Char),
    ],
};

/// pg_trigger: user triggers. The arguments are kept as a text array,
/// the WHEN condition as SQL text (over `new` and `old`), UPDATE OF
/// columns as space-separated attnums.
pub static PG_TRIGGER: SysTable = SysTable {
    oid: 2620,
    name: "pg_trigger",
    shared: false,
    columns: &[
        ("oid", DataType::Oid),
        ("tgrelid", DataType::Oid),
        ("tgname", DataType::Name),
        ("tgfoid", DataType::Oid),
        ("tgtype", DataType::Int2),
        ("tgenabled", DataType::Char),
        ("tgargs", DataType::Array(&DataType::Text)),
        ("tgattr", DataType::Text),
        ("tgqual", DataType::Text),
        ("tgoldtable", DataType::Text),
        ("tgnewtable", DataType::Text),
        // NULL: not a constraint trigger; else 'd' / 'i' / 'n' for
        // DEFERRABLE INITIALLY DEFERRED / IMMEDIATE, NOT DEFERRABLE.
        ("tgconstraint", DataType::Text),
    ],
};

/// Every per-database catalog, in creation order.
pub static PER_DATABASE: [&SysTable; 18] = [
    &PG_NAMESPACE,
    &PG_TYPE,
    &PG_CLASS,
    &PG_ATTRIBUTE,
    &PG_ATTRDEF,
    &PG_CONSTRAINT,
    &PG_REWRITE,
    &PG_INDEX,
    &PG_SEQUENCE,
    &PG_DESCRIPTION,
    &PG_ENUM,
    &PG_INHERITS,
    &PG_PARTITIONED_TABLE,
    &PG_STATISTIC,
    &PG_PROC,
    &PG_TRIGGER,
    &super::privs::PG_PRIVS,
    &super::privs::PG_DEFAULT_ACL,
];

/// Every catalog.
pub static ALL: [&SysTable; 8] = [
    &PG_DATABASE,
    &PG_NAMESPACE,
    &PG_TYPE,
    &PG_CLASS,
    &PG_ATTRIBUTE,
    &PG_ATTRDEF,
    &PG_CONSTRAINT,
    &PG_INDEX,
];
