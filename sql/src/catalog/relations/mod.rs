//! The system relations SQL reads: pg_catalog's tables and views and
//! information_schema, with PostgreSQL 15's names, OIDs and columns.
//!
//! None of them is stored as such. A relation's rows are computed when it
//! is scanned, either from the real catalog (the stored pg_class,
//! pg_attribute ... rows and the definitions built from them), from the
//! running server (pg_stat_activity, pg_settings), or from the built-in
//! types and functions; or the relation is a view whose SQL text reads the
//! others, as PostgreSQL's system_views.sql defines it. So a catalog query
//! always sees the transaction's own DDL, and nothing can write to them.

mod columns;
mod grants;
mod opclass;
mod rows;
mod statistic;
mod stats;

use std::collections::HashMap;
use std::fmt;

use super::system::PG_CATALOG_NS;
use crate::error::Result;
use crate::expr::EvalCtx;
use crate::types::DataType;
use crate::value::Value;
use columns::*;
pub use opclass::{
    access_method, access_method_name, default_opclass, opclass_accepts, opclass_name,
    opclass_named,
};
pub(crate) use rows::{
    catalog as session_catalog, descriptions as session_descriptions,
    lookup_namespaces as session_lookup_namespaces, namespaces as session_namespaces,
    relations as session_relations, role_name_of, role_oid_of, search_path as session_search_path,
};
pub use rows::{role_name, BUILTIN_DESCRIPTIONS, BUILTIN_SHARED_DESCRIPTIONS};

/// Namespace information_schema (its OID in PostgreSQL 15).
pub const INFORMATION_SCHEMA_NS: u32 = 13207;
/// Namespace pg_toast.
pub const PG_TOAST_NS: u32 = 99;

/// Computes a relation's rows.
type RowsFn = fn(&EvalCtx<'_>) -> Result<Vec<Vec<Value>>>;

/// Where a relation's rows come from.
enum Source {
    /// Computed by a function.
    Rows(RowsFn),
    /// A view over other relations.
    Sql(&'static str),
    /// Always empty: the objects it lists do not exist in actorgres
    /// (triggers, policies, publications ...), as in a PostgreSQL
    /// database that has none.
    Empty,
}

/// One system relation.
struct SysRel {
    /// Namespace OID.
    namespace: u32,
    /// Name.
    name: &'static str,
    /// pg_class.oid.
    oid: u32,
    /// Columns.
    columns: &'static [(&'static str, DataType)],
    /// Rows.
    source: Source,
}

const fn rel(
    name: &'static str,
    oid: u32,
    columns: &'static [(&'static str, DataType)],
    source: Source,
) -> SysRel {
    SysRel {
        namespace: PG_CATALOG_NS,
        name,
        oid,
        columns,
        source,
    }
}

const fn is_rows(
    name: &'static str,
    oid: u32,
    columns: &'static [(&'static str, DataType)],
    rows: RowsFn,
) -> SysRel {
    SysRel {
        namespace: INFORMATION_SCHEMA_NS,
        name,
        oid,
        columns,
        source: Source::Rows(rows),
    }
}

const fn is_rel(
    name: &'static str,
    oid: u32,
    columns: &'static [(&'static str, DataType)],
    sql: &'static str,
) -> SysRel {
    SysRel {
        namespace: INFORMATION_SCHEMA_NS,
        name,
        oid,
        columns,
        source: Source::Sql(sql),
    }
}

/// Every system relation.
static RELATIONS: &[SysRel] = &[
    rel(
        "pg_aggregate",
        2600,
        PG_AGGREGATE,
        Source::Rows(rows::pg_aggregate),
    ),
    rel("pg_am", 2601, PG_AM, Source::Rows(rows::pg_am)),
    rel("pg_amop", 2602, PG_AMOP, Source::Empty),
    rel("pg_amproc", 2603, PG_AMPROC, Source::Empty),
    rel(
        "pg_attrdef",
        2604,
        PG_ATTRDEF,
        Source::Rows(rows::pg_attrdef),
    ),
    rel(
        "pg_attribute",
        1249,
        PG_ATTRIBUTE,
        Source::Rows(rows::pg_attribute),
    ),
    rel(
        "pg_auth_members",
        1261,
        PG_AUTH_MEMBERS,
        Source::Rows(rows::pg_auth_members),
    ),
    rel("pg_authid", 1260, PG_AUTHID, Source::Rows(rows::pg_authid)),
    rel(
        "pg_available_extension_versions",
        12085,
        PG_AVAILABLE_EXTENSION_VERSIONS,
        Source::Empty,
    ),
    rel(
        "pg_available_extensions",
        12081,
        PG_AVAILABLE_EXTENSIONS,
        Source::Empty,
    ),
    rel(
        "pg_backend_memory_contexts",
        12138,
        PG_BACKEND_MEMORY_CONTEXTS,
        Source::Empty,
    ),
    rel("pg_cast", 2605, PG_CAST, Source::Empty),
    rel("pg_class", 1259, PG_CLASS, Source::Rows(rows::pg_class)),
    rel(
        "pg_collation",
        3456,
        PG_COLLATION,
        Source::Rows(rows::pg_collation),
    ),
    rel("pg_config", 12130, PG_CONFIG, Source::Empty),
    rel(
        "pg_constraint",
        2606,
        PG_CONSTRAINT,
        Source::Rows(rows::pg_constraint),
    ),
    rel("pg_conversion", 2607, PG_CONVERSION, Source::Empty),
    rel(
        "pg_cursors",
        12077,
        PG_CURSORS,
        Source::Rows(stats::pg_cursors),
    ),
    rel(
        "pg_database",
        1262,
        PG_DATABASE,
        Source::Rows(rows::pg_database),
    ),
    rel(
        "pg_db_role_setting",
        2964,
        PG_DB_ROLE_SETTING,
        Source::Empty,
    ),
    rel(
        "pg_default_acl",
        826,
        PG_DEFAULT_ACL,
        Source::Rows(rows::pg_default_acl),
    ),
    rel("pg_depend", 2608, PG_DEPEND, Source::Rows(rows::pg_depend)),
    rel(
        "pg_description",
        2609,
        PG_DESCRIPTION,
        Source::Rows(rows::pg_description),
    ),
    rel("pg_enum", 3501, PG_ENUM, Source::Rows(rows::pg_enum)),
    rel("pg_event_trigger", 3466, PG_EVENT_TRIGGER, Source::Empty),
    rel(
        "pg_extension",
        3079,
        PG_EXTENSION,
        Source::Rows(rows::pg_extension),
    ),
    rel("pg_file_settings", 12110, PG_FILE_SETTINGS, Source::Empty),
    rel(
        "pg_foreign_data_wrapper",
        2328,
        PG_FOREIGN_DATA_WRAPPER,
        Source::Empty,
    ),
    rel("pg_foreign_server", 1417, PG_FOREIGN_SERVER, Source::Empty),
    rel("pg_foreign_table", 3118, PG_FOREIGN_TABLE, Source::Empty),
    rel("pg_group", 12010, PG_GROUP, Source::Empty),
    rel("pg_hba_file_rules", 12114, PG_HBA_FILE_RULES, Source::Empty),
    rel(
        "pg_ident_file_mappings",
        12118,
        PG_IDENT_FILE_MAPPINGS,
        Source::Empty,
    ),
    rel("pg_index", 2610, PG_INDEX, Source::Rows(rows::pg_index)),
    rel("pg_indexes", 12043, PG_INDEXES, Source::Sql(PG_INDEXES_SQL)),
    rel(
        "pg_inherits",
        2611,
        PG_INHERITS,
        Source::Rows(rows::pg_inherits),
    ),
    rel(
        "pg_init_privs",
        3394,
        PG_INIT_PRIVS,
        Source::Rows(rows::pg_init_privs),
    ),
    rel(
        "pg_language",
        2612,
        PG_LANGUAGE,
        Source::Rows(rows::pg_language),
    ),
    rel("pg_largeobject", 2613, PG_LARGEOBJECT, Source::Empty),
    rel(
        "pg_largeobject_metadata",
        2995,
        PG_LARGEOBJECT_METADATA,
        Source::Empty,
    ),
    rel("pg_locks", 12073, PG_LOCKS, Source::Rows(rows::pg_locks)),
    rel(
        "pg_matviews",
        12038,
        PG_MATVIEWS,
        Source::Sql(PG_MATVIEWS_SQL),
    ),
    rel(
        "pg_namespace",
        2615,
        PG_NAMESPACE,
        Source::Rows(rows::pg_namespace),
    ),
    rel(
        "pg_opclass",
        2616,
        PG_OPCLASS,
        Source::Rows(rows::pg_opclass),
    ),
    rel(
        "pg_operator",
        2617,
        PG_OPERATOR,
        Source::Rows(rows::pg_operator),
    ),
    rel(
        "pg_opfamily",
        2753,
        PG_OPFAMILY,
        Source::Rows(rows::pg_opfamily),
    ),
    rel("pg_parameter_acl", 6243, PG_PARAMETER_ACL, Source::Empty),
    rel(
        "pg_partitioned_table",
        3350,
        PG_PARTITIONED_TABLE,
        Source::Rows(rows::pg_partitioned_table),
    ),
    rel("pg_policies", 12018, PG_POLICIES, Source::Empty),
    rel("pg_policy", 3256, PG_POLICY, Source::Empty),
    rel(
        "pg_prepared_statements",
        12095,
        PG_PREPARED_STATEMENTS,
        Source::Rows(stats::pg_prepared_statements),
    ),
    rel("pg_prepared_xacts", 12090, PG_PREPARED_XACTS, Source::Empty),
    rel("pg_proc", 1255, PG_PROC, Source::Rows(rows::pg_proc)),
    rel("pg_publication", 6104, PG_PUBLICATION, Source::Empty),
    rel(
        "pg_publication_namespace",
        6237,
        PG_PUBLICATION_NAMESPACE,
        Source::Empty,
    ),
    rel(
        "pg_publication_rel",
        6106,
        PG_PUBLICATION_REL,
        Source::Empty,
    ),
    rel(
        "pg_publication_tables",
        12068,
        PG_PUBLICATION_TABLES,
        Source::Empty,
    ),
    rel("pg_range", 3541, PG_RANGE, Source::Rows(rows::pg_range)),
    rel(
        "pg_replication_origin",
        6000,
        PG_REPLICATION_ORIGIN,
        Source::Empty,
    ),
    rel(
        "pg_replication_origin_status",
        12332,
        PG_REPLICATION_ORIGIN_STATUS,
        Source::Empty,
    ),
    rel(
        "pg_replication_slots",
        12257,
        PG_REPLICATION_SLOTS,
        Source::Empty,
    ),
    rel(
        "pg_rewrite",
        2618,
        PG_REWRITE,
        Source::Rows(rows::pg_rewrite),
    ),
    rel("pg_roles", 12000, PG_ROLES, Source::Sql(PG_ROLES_SQL)),
    rel("pg_rules", 12023, PG_RULES, Source::Empty),
    rel("pg_seclabel", 3596, PG_SECLABEL, Source::Empty),
    rel("pg_seclabels", 12099, PG_SECLABELS, Source::Empty),
    rel(
        "pg_sequence",
        2224,
        PG_SEQUENCE,
        Source::Rows(rows::pg_sequence),
    ),
    rel(
        "pg_sequences",
        12048,
        PG_SEQUENCES,
        Source::Sql(PG_SEQUENCES_SQL),
    ),
    rel(
        "pg_settings",
        12104,
        PG_SETTINGS,
        Source::Rows(stats::pg_settings),
    ),
    rel("pg_shadow", 12005, PG_SHADOW, Source::Empty),
    rel("pg_shdepend", 1214, PG_SHDEPEND, Source::Empty),
    rel(
        "pg_shdescription",
        2396,
        PG_SHDESCRIPTION,
        Source::Rows(rows::pg_shdescription),
    ),
    rel(
        "pg_shmem_allocations",
        12134,
        PG_SHMEM_ALLOCATIONS,
        Source::Empty,
    ),
    rel("pg_shseclabel", 3592, PG_SHSECLABEL, Source::Empty),
    rel(
        "pg_stat_activity",
        12222,
        PG_STAT_ACTIVITY,
        Source::Rows(stats::pg_stat_activity),
    ),
    rel(
        "pg_stat_all_indexes",
        12183,
        PG_STAT_ALL_INDEXES,
        Source::Empty,
    ),
    rel(
        "pg_stat_all_tables",
        12142,
        PG_STAT_ALL_TABLES,
        Source::Sql(PG_STAT_ALL_TABLES_SQL),
    ),
    rel("pg_stat_archiver", 12285, PG_STAT_ARCHIVER, Source::Empty),
    rel("pg_stat_bgwriter", 12289, PG_STAT_BGWRITER, Source::Empty),
    rel(
        "pg_stat_database",
        12266,
        PG_STAT_DATABASE,
        Source::Rows(stats::pg_stat_database),
    ),
    rel(
        "pg_stat_database_conflicts",
        12271,
        PG_STAT_DATABASE_CONFLICTS,
        Source::Empty,
    ),
    rel("pg_stat_gssapi", 12253, PG_STAT_GSSAPI, Source::Empty),
    rel(
        "pg_stat_progress_analyze",
        12297,
        PG_STAT_PROGRESS_ANALYZE,
        Source::Empty,
    ),
    rel(
        "pg_stat_progress_basebackup",
        12317,
        PG_STAT_PROGRESS_BASEBACKUP,
        Source::Empty,
    ),
    rel(
        "pg_stat_progress_cluster",
        12307,
        PG_STAT_PROGRESS_CLUSTER,
        Source::Empty,
    ),
    rel(
        "pg_stat_progress_copy",
        12322,
        PG_STAT_PROGRESS_COPY,
        Source::Empty,
    ),
    rel(
        "pg_stat_progress_create_index",
        12312,
        PG_STAT_PROGRESS_CREATE_INDEX,
        Source::Empty,
    ),
    rel(
        "pg_stat_progress_vacuum",
        12302,
        PG_STAT_PROGRESS_VACUUM,
        Source::Empty,
    ),
    rel(
        "pg_stat_recovery_prefetch",
        12240,
        PG_STAT_RECOVERY_PREFETCH,
        Source::Empty,
    ),
    rel(
        "pg_stat_replication",
        12227,
        PG_STAT_REPLICATION,
        Source::Empty,
    ),
    rel(
        "pg_stat_replication_slots",
        12262,
        PG_STAT_REPLICATION_SLOTS,
        Source::Empty,
    ),
    rel("pg_stat_slru", 12232, PG_STAT_SLRU, Source::Empty),
    rel("pg_stat_ssl", 12249, PG_STAT_SSL, Source::Empty),
    rel(
        "pg_stat_subscription",
        12244,
        PG_STAT_SUBSCRIPTION,
        Source::Empty,
    ),
    rel(
        "pg_stat_subscription_stats",
        12336,
        PG_STAT_SUBSCRIPTION_STATS,
        Source::Empty,
    ),
    rel(
        "pg_stat_sys_indexes",
        12188,
        PG_STAT_SYS_INDEXES,
        Source::Empty,
    ),
    rel(
        "pg_stat_sys_tables",
        12152,
        PG_STAT_SYS_TABLES,
        Source::Empty,
    ),
    rel(
        "pg_stat_user_functions",
        12275,
        PG_STAT_USER_FUNCTIONS,
        Source::Empty,
    ),
    rel(
        "pg_stat_user_indexes",
        12192,
        PG_STAT_USER_INDEXES,
        Source::Sql(PG_STAT_USER_INDEXES_SQL),
    ),
    rel(
        "pg_stat_user_tables",
        12161,
        PG_STAT_USER_TABLES,
        Source::Sql(PG_STAT_USER_TABLES_SQL),
    ),
    rel("pg_stat_wal", 12293, PG_STAT_WAL, Source::Empty),
    rel(
        "pg_stat_wal_receiver",
        12236,
        PG_STAT_WAL_RECEIVER,
        Source::Empty,
    ),
    rel(
        "pg_stat_xact_all_tables",
        12147,
        PG_STAT_XACT_ALL_TABLES,
        Source::Empty,
    ),
    rel(
        "pg_stat_xact_sys_tables",
        12157,
        PG_STAT_XACT_SYS_TABLES,
        Source::Empty,
    ),
    rel(
        "pg_stat_xact_user_functions",
        12280,
        PG_STAT_XACT_USER_FUNCTIONS,
        Source::Empty,
    ),
    rel(
        "pg_stat_xact_user_tables",
        12166,
        PG_STAT_XACT_USER_TABLES,
        Source::Empty,
    ),
    rel(
        "pg_statio_all_indexes",
        12196,
        PG_STATIO_ALL_INDEXES,
        Source::Empty,
    ),
    rel(
        "pg_statio_all_sequences",
        12209,
        PG_STATIO_ALL_SEQUENCES,
        Source::Empty,
    ),
    rel(
        "pg_statio_all_tables",
        12170,
        PG_STATIO_ALL_TABLES,
        Source::Empty,
    ),
    rel(
        "pg_statio_sys_indexes",
        12201,
        PG_STATIO_SYS_INDEXES,
        Source::Empty,
    ),
    rel(
        "pg_statio_sys_sequences",
        12214,
        PG_STATIO_SYS_SEQUENCES,
        Source::Empty,
    ),
    rel(
        "pg_statio_sys_tables",
        12175,
        PG_STATIO_SYS_TABLES,
        Source::Empty,
    ),
    rel(
        "pg_statio_user_indexes",
        12205,
        PG_STATIO_USER_INDEXES,
        Source::Empty,
    ),
    rel(
        "pg_statio_user_sequences",
        12218,
        PG_STATIO_USER_SEQUENCES,
        Source::Empty,
    ),
    rel(
        "pg_statio_user_tables",
        12179,
        PG_STATIO_USER_TABLES,
        Source::Sql(PG_STATIO_USER_TABLES_SQL),
    ),
    rel(
        "pg_statistic",
        2619,
        PG_STATISTIC,
        Source::Rows(statistic::pg_statistic),
    ),
    rel("pg_statistic_ext", 3381, PG_STATISTIC_EXT, Source::Empty),
    rel(
        "pg_statistic_ext_data",
        3429,
        PG_STATISTIC_EXT_DATA,
        Source::Empty,
    ),
    rel(
        "pg_stats",
        12053,
        PG_STATS,
        Source::Rows(statistic::pg_stats),
    ),
    rel("pg_stats_ext", 12058, PG_STATS_EXT, Source::Empty),
    rel(
        "pg_stats_ext_exprs",
        12063,
        PG_STATS_EXT_EXPRS,
        Source::Empty,
    ),
    rel("pg_subscription", 6100, PG_SUBSCRIPTION, Source::Empty),
    rel(
        "pg_subscription_rel",
        6102,
        PG_SUBSCRIPTION_REL,
        Source::Empty,
    ),
    rel("pg_tables", 12033, PG_TABLES, Source::Sql(PG_TABLES_SQL)),
    rel(
        "pg_tablespace",
        1213,
        PG_TABLESPACE,
        Source::Rows(rows::pg_tablespace),
    ),
    rel(
        "pg_timezone_abbrevs",
        12122,
        PG_TIMEZONE_ABBREVS,
        Source::Rows(rows::pg_timezone_abbrevs),
    ),
    rel(
        "pg_timezone_names",
        12126,
        PG_TIMEZONE_NAMES,
        Source::Rows(rows::pg_timezone_names),
    ),
    rel("pg_transform", 3576, PG_TRANSFORM, Source::Empty),
    rel(
        "pg_trigger",
        2620,
        PG_TRIGGER,
        Source::Rows(rows::pg_trigger),
    ),
    rel("pg_ts_config", 3602, PG_TS_CONFIG, Source::Empty),
    rel("pg_ts_config_map", 3603, PG_TS_CONFIG_MAP, Source::Empty),
    rel("pg_ts_dict", 3600, PG_TS_DICT, Source::Empty),
    rel("pg_ts_parser", 3601, PG_TS_PARSER, Source::Empty),
    rel("pg_ts_template", 3764, PG_TS_TEMPLATE, Source::Empty),
    rel("pg_type", 1247, PG_TYPE, Source::Rows(rows::pg_type)),
    rel("pg_user", 12014, PG_USER, Source::Sql(PG_USER_SQL)),
    rel("pg_user_mapping", 1418, PG_USER_MAPPING, Source::Empty),
    rel("pg_user_mappings", 12327, PG_USER_MAPPINGS, Source::Empty),
    rel("pg_views", 12028, PG_VIEWS, Source::Sql(PG_VIEWS_SQL)),
    is_rel(
        "check_constraints",
        13260,
        IS_CHECK_CONSTRAINTS,
        IS_CHECK_CONSTRAINTS_SQL,
    ),
    is_rows(
        "column_privileges",
        13285,
        grants::IS_COLUMN_PRIVILEGES,
        grants::column_privileges,
    ),
    is_rel("columns", 13295, IS_COLUMNS, IS_COLUMNS_SQL),
    is_rel(
        "constraint_column_usage",
        13300,
        IS_CONSTRAINT_COLUMN_USAGE,
        IS_CONSTRAINT_COLUMN_USAGE_SQL,
    ),
    is_rows(
        "enabled_roles",
        13325,
        grants::IS_ENABLED_ROLES,
        grants::enabled_roles,
    ),
    is_rel(
        "key_column_usage",
        13329,
        IS_KEY_COLUMN_USAGE,
        IS_KEY_COLUMN_USAGE_SQL,
    ),
    is_rel(
        "referential_constraints",
        13339,
        IS_REFERENTIAL_CONSTRAINTS,
        IS_REFERENTIAL_CONSTRAINTS_SQL,
    ),
    is_rows(
        "role_column_grants",
        13344,
        grants::IS_COLUMN_PRIVILEGES,
        grants::role_column_grants,
    ),
    is_rows(
        "role_routine_grants",
        13358,
        grants::IS_ROUTINE_PRIVILEGES,
        grants::role_routine_grants,
    ),
    is_rows(
        "role_table_grants",
        13421,
        grants::IS_TABLE_PRIVILEGES,
        grants::role_table_grants,
    ),
    is_rows(
        "routine_privileges",
        13353,
        grants::IS_ROUTINE_PRIVILEGES,
        grants::routine_privileges,
    ),
    is_rel("parameters", 13334, IS_PARAMETERS, IS_PARAMETERS_SQL),
    is_rel("routines", 13377, IS_ROUTINES, IS_ROUTINES_SQL),
    is_rel("schemata", 13382, IS_SCHEMATA, IS_SCHEMATA_SQL),
    is_rel("sequences", 13386, IS_SEQUENCES, IS_SEQUENCES_SQL),
    is_rel(
        "table_constraints",
        13411,
        IS_TABLE_CONSTRAINTS,
        IS_TABLE_CONSTRAINTS_SQL,
    ),
    is_rows(
        "table_privileges",
        13416,
        grants::IS_TABLE_PRIVILEGES,
        grants::table_privileges,
    ),
    is_rel("tables", 13425, IS_TABLES, IS_TABLES_SQL),
    is_rel("triggers", 13440, IS_TRIGGERS, IS_TRIGGERS_SQL),
    is_rel("views", 13483, IS_VIEWS, IS_VIEWS_SQL),
];

const PG_TABLES_SQL: &str = "SELECT n.nspname AS schemaname, c.relname AS tablename, \
     pg_get_userbyid(c.relowner) AS tableowner, t.spcname AS tablespace, \
     c.relhasindex AS hasindexes, c.relhasrules AS hasrules, \
     c.relhastriggers AS hastriggers, c.relrowsecurity AS rowsecurity \
     FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace \
     WHERE c.relkind IN ('r', 'p')";

const PG_VIEWS_SQL: &str = "SELECT n.nspname AS schemaname, c.relname AS viewname, \
     pg_get_userbyid(c.relowner) AS viewowner, pg_get_viewdef(c.oid) AS definition \
     FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind = 'v'";

const PG_MATVIEWS_SQL: &str = "SELECT n.nspname AS schemaname, c.relname AS matviewname, \
     pg_get_userbyid(c.relowner) AS matviewowner, t.spcname AS tablespace, \
     c.relhasindex AS hasindexes, c.relispopulated AS ispopulated, \
     pg_get_viewdef(c.oid) AS definition \
     FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace \
     WHERE c.relkind = 'm'";

const PG_INDEXES_SQL: &str = "SELECT n.nspname AS schemaname, c.relname AS tablename, \
     i.relname AS indexname, t.spcname AS tablespace, pg_get_indexdef(i.oid) AS indexdef \
     FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid \
     JOIN pg_class i ON i.oid = x.indexrelid \
     LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_tablespace t ON t.oid = i.reltablespace \
     WHERE c.relkind IN ('r', 'm', 'p') AND i.relkind IN ('i', 'I')";

const PG_SEQUENCES_SQL: &str = "SELECT n.nspname AS schemaname, c.relname AS sequencename, \
     pg_get_userbyid(c.relowner) AS sequenceowner, s.seqtypid::regtype AS data_type, \
     s.seqstart AS start_value, s.seqmin AS min_value, s.seqmax AS max_value, \
     s.seqincrement AS increment_by, s.seqcycle AS cycle, s.seqcache AS cache_size, \
     pg_sequence_last_value(c.oid::regclass) AS last_value \
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
     LEFT JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S'";

const PG_ROLES_SQL: &str = "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, \
     rolcanlogin, rolreplication, rolconnlimit, '********'::text AS rolpassword, \
     rolvaliduntil, rolbypassrls, NULL::text[] AS rolconfig, oid FROM pg_authid";

const PG_USER_SQL: &str = "SELECT rolname AS usename, oid AS usesysid, \
     rolcreatedb AS usecreatedb, rolsuper AS usesuper, rolreplication AS userepl, \
     rolbypassrls AS usebypassrls, '********'::text AS passwd, rolvaliduntil AS valuntil, \
     NULL::text[] AS useconfig FROM pg_authid WHERE rolcanlogin";

/// Live, dead and changed-since-ANALYZE rows and the times and counts of
/// VACUUM, autovacuum, ANALYZE and auto-analyze come from the storage
/// engine's counters (in memory: they start again at a restart); the
/// scan and tuple counters actorgres does not keep yet read as zero, as
/// in a freshly started PostgreSQL.
const PG_STAT_ALL_TABLES_SQL: &str = "SELECT c.oid AS relid, n.nspname AS schemaname, \
     c.relname, 0::int8 AS seq_scan, 0::int8 AS seq_tup_read, 0::int8 AS idx_scan, \
     0::int8 AS idx_tup_fetch, 0::int8 AS n_tup_ins, 0::int8 AS n_tup_upd, \
     0::int8 AS n_tup_del, 0::int8 AS n_tup_hot_upd, \
     pg_stat_get_live_tuples(c.oid) AS n_live_tup, \
     pg_stat_get_dead_tuples(c.oid) AS n_dead_tup, \
     pg_stat_get_mod_since_analyze(c.oid) AS n_mod_since_analyze, 0::int8 AS n_ins_since_vacuum, \
     pg_stat_get_last_vacuum_time(c.oid) AS last_vacuum, \
     pg_stat_get_last_autovacuum_time(c.oid) AS last_autovacuum, \
     pg_stat_get_last_analyze_time(c.oid) AS last_analyze, \
     pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze, \
     pg_stat_get_vacuum_count(c.oid) AS vacuum_count, \
     pg_stat_get_autovacuum_count(c.oid) AS autovacuum_count, \
     pg_stat_get_analyze_count(c.oid) AS analyze_count, \
     pg_stat_get_autoanalyze_count(c.oid) AS autoanalyze_count \
     FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 't', 'm', 'p')";

const PG_STAT_USER_TABLES_SQL: &str = "SELECT * FROM pg_stat_all_tables \
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') \
     AND schemaname !~ '^pg_toast'";

const PG_STAT_USER_INDEXES_SQL: &str = "SELECT c.oid AS relid, i.oid AS indexrelid, \
     n.nspname AS schemaname, c.relname, i.relname AS indexrelname, 0::int8 AS idx_scan, \
     0::int8 AS idx_tup_read, 0::int8 AS idx_tup_fetch \
     FROM pg_class c JOIN pg_index x ON c.oid = x.indrelid \
     JOIN pg_class i ON i.oid = x.indexrelid \
     LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 't', 'm') \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname !~ '^pg_toast'";

const PG_STATIO_USER_TABLES_SQL: &str = "SELECT c.oid AS relid, n.nspname AS schemaname, \
     c.relname, 0::int8 AS heap_blks_read, 0::int8 AS heap_blks_hit, \
     0::int8 AS idx_blks_read, 0::int8 AS idx_blks_hit, NULL::int8 AS toast_blks_read, \
     NULL::int8 AS toast_blks_hit, NULL::int8 AS tidx_blks_read, NULL::int8 AS tidx_blks_hit \
     FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 't', 'm') \
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname !~ '^pg_toast'";

/// information_schema.schemata.
const IS_SCHEMATA_SQL: &str = "SELECT current_database()::name AS catalog_name, \
     n.nspname AS schema_name, u.rolname AS schema_owner, \
     NULL::name AS default_character_set_catalog, NULL::name AS default_character_set_schema, \
     NULL::name AS default_character_set_name, NULL::varchar AS sql_path \
     FROM pg_namespace n JOIN pg_authid u ON n.nspowner = u.oid";

/// information_schema.tables.
const IS_TABLES_SQL: &str = "SELECT current_database()::name AS table_catalog, \
     nc.nspname AS table_schema, c.relname AS table_name, \
     (CASE WHEN c.relkind IN ('r', 'p') THEN 'BASE TABLE' WHEN c.relkind = 'v' THEN 'VIEW' \
     WHEN c.relkind = 'f' THEN 'FOREIGN' END)::varchar AS table_type, \
     NULL::name AS self_referencing_column_name, NULL::varchar AS reference_generation, \
     NULL::name AS user_defined_type_catalog, NULL::name AS user_defined_type_schema, \
     NULL::name AS user_defined_type_name, \
     (CASE WHEN c.relkind IN ('r', 'p') OR pg_relation_is_updatable(c.oid, false) & 8 = 8 \
     THEN 'YES' ELSE 'NO' END)::varchar AS is_insertable_into, \
     'NO'::varchar AS is_typed, NULL::varchar AS commit_action \
     FROM pg_namespace nc JOIN pg_class c ON nc.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'v', 'f', 'p')";

/// information_schema.triggers: a row per trigger and event (INSERT,
/// DELETE, UPDATE; TRUNCATE is not in the standard), as PostgreSQL 15
/// defines it.
const IS_TRIGGERS_SQL: &str = "SELECT current_database()::name AS trigger_catalog, \
     n.nspname AS trigger_schema, t.tgname AS trigger_name, \
     em.text::varchar AS event_manipulation, \
     current_database()::name AS event_object_catalog, \
     n.nspname AS event_object_schema, c.relname AS event_object_table, \
     (rank() OVER (PARTITION BY n.nspname, c.relname, em.num, t.tgtype & 1, t.tgtype & 66 \
     ORDER BY t.tgname))::int AS action_order, \
     ((regexp_match(pg_get_triggerdef(t.oid), E'.{35,} WHEN \\\\((.+)\\\\) EXECUTE FUNCTION'))[1])::varchar \
     AS action_condition, \
     substring(pg_get_triggerdef(t.oid) from \
     position('EXECUTE FUNCTION' in substring(pg_get_triggerdef(t.oid) from 48)) + 47)::varchar \
     AS action_statement, \
     (CASE t.tgtype & 1 WHEN 1 THEN 'ROW' ELSE 'STATEMENT' END)::varchar AS action_orientation, \
     (CASE t.tgtype & 66 WHEN 2 THEN 'BEFORE' WHEN 64 THEN 'INSTEAD OF' ELSE 'AFTER' END)::varchar \
     AS action_timing, \
     t.tgoldtable AS action_reference_old_table, t.tgnewtable AS action_reference_new_table, \
     NULL::name AS action_reference_old_row, NULL::name AS action_reference_new_row, \
     NULL::timestamptz AS created \
     FROM pg_namespace n, pg_class c, pg_trigger t, \
     (VALUES (4, 'INSERT'), (8, 'DELETE'), (16, 'UPDATE')) AS em (num, text) \
     WHERE n.oid = c.relnamespace AND c.oid = t.tgrelid AND t.tgtype & em.num <> 0 \
     AND NOT t.tgisinternal";

/// information_schema.views.
const IS_VIEWS_SQL: &str = "SELECT current_database()::name AS table_catalog, \
     nc.nspname AS table_schema, c.relname AS table_name, \
     pg_get_viewdef(c.oid)::varchar AS view_definition, \
     (CASE WHEN 'check_option=cascaded' = ANY (c.reloptions) THEN 'CASCADED' \
     WHEN 'check_option=local' = ANY (c.reloptions) THEN 'LOCAL' ELSE 'NONE' END)::varchar \
     AS check_option, \
     (CASE WHEN pg_relation_is_updatable(c.oid, false) & 20 = 20 THEN 'YES' ELSE 'NO' END)::varchar \
     AS is_updatable, \
     (CASE WHEN pg_relation_is_updatable(c.oid, false) & 8 = 8 THEN 'YES' ELSE 'NO' END)::varchar \
     AS is_insertable_into, \
     'NO'::varchar AS is_trigger_updatable, 'NO'::varchar AS is_trigger_deletable, \
     'NO'::varchar AS is_trigger_insertable_into \
     FROM pg_namespace nc JOIN pg_class c ON nc.oid = c.relnamespace WHERE c.relkind = 'v'";

/// information_schema.columns (the type facts information_schema's
/// _pg_* helpers compute, written out per type).
const IS_COLUMNS_SQL: &str = "SELECT current_database()::name AS table_catalog, \
     nc.nspname AS table_schema, c.relname AS table_name, a.attname AS column_name, \
     a.attnum::int4 AS ordinal_position, \
     (CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END)::varchar AS column_default, \
     (CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END)::varchar AS is_nullable, \
     (CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY' \
     ELSE format_type(a.atttypid, NULL) END)::varchar AS data_type, \
     (CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod >= 4 THEN a.atttypmod - 4 END)::int4 \
     AS character_maximum_length, \
     (CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod >= 4 THEN (a.atttypmod - 4) * 4 \
     WHEN a.atttypid IN (25, 1042, 1043) THEN 1073741824 END)::int4 AS character_octet_length, \
     (CASE a.atttypid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24 \
     WHEN 701 THEN 53 WHEN 1700 THEN CASE WHEN a.atttypmod >= 4 \
     THEN ((a.atttypmod - 4) >> 16) & 65535 END END)::int4 AS numeric_precision, \
     (CASE WHEN a.atttypid IN (21, 23, 20, 700, 701) THEN 2 WHEN a.atttypid = 1700 THEN 10 END)::int4 \
     AS numeric_precision_radix, \
     (CASE WHEN a.atttypid IN (21, 23, 20) THEN 0 WHEN a.atttypid = 1700 AND a.atttypmod >= 4 \
     THEN (a.atttypmod - 4) & 65535 END)::int4 AS numeric_scale, \
     (CASE WHEN a.atttypid = 1082 THEN 0 WHEN a.atttypid IN (1083, 1114, 1184, 1186) \
     THEN CASE WHEN a.atttypmod < 0 THEN 6 ELSE a.atttypmod END END)::int4 AS datetime_precision, \
     NULL::varchar AS interval_type, NULL::int4 AS interval_precision, \
     NULL::name AS character_set_catalog, NULL::name AS character_set_schema, \
     NULL::name AS character_set_name, \
     (CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN current_database() END)::name \
     AS collation_catalog, \
     (CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN 'pg_catalog' END)::name \
     AS collation_schema, \
     (SELECT co.collname FROM pg_collation co WHERE co.oid = a.attcollation \
     AND a.attcollation <> t.typcollation) AS collation_name, \
     NULL::name AS domain_catalog, NULL::name AS domain_schema, NULL::name AS domain_name, \
     current_database()::name AS udt_catalog, nt.nspname AS udt_schema, t.typname AS udt_name, \
     NULL::name AS scope_catalog, NULL::name AS scope_schema, NULL::name AS scope_name, \
     NULL::int4 AS maximum_cardinality, a.attnum::text::name AS dtd_identifier, \
     'NO'::varchar AS is_self_referencing, \
     (CASE WHEN a.attidentity IN ('a', 'd') THEN 'YES' ELSE 'NO' END)::varchar AS is_identity, \
     (CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END)::varchar \
     AS identity_generation, \
     idseq.seqstart::varchar AS identity_start, idseq.seqincrement::varchar AS identity_increment, \
     idseq.seqmax::varchar AS identity_maximum, idseq.seqmin::varchar AS identity_minimum, \
     (CASE WHEN idseq.seqcycle THEN 'YES' ELSE 'NO' END)::varchar AS identity_cycle, \
     (CASE WHEN a.attgenerated <> '' THEN 'ALWAYS' ELSE 'NEVER' END)::varchar AS is_generated, \
     (CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END)::varchar AS generation_expression, \
     (CASE WHEN c.relkind IN ('r', 'p') OR pg_column_is_updatable(c.oid, a.attnum, false) \
     THEN 'YES' ELSE 'NO' END)::varchar AS is_updatable \
     FROM pg_attribute a LEFT JOIN pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum \
     JOIN pg_class c ON a.attrelid = c.oid JOIN pg_namespace nc ON c.relnamespace = nc.oid \
     JOIN pg_type t ON a.atttypid = t.oid JOIN pg_namespace nt ON t.typnamespace = nt.oid \
     LEFT JOIN (SELECT d.refobjid, d.refobjsubid, s.seqstart, s.seqincrement, s.seqmax, \
     s.seqmin, s.seqcycle FROM pg_depend d JOIN pg_sequence s ON d.objid = s.seqrelid \
     WHERE d.deptype = 'i') idseq ON idseq.refobjid = a.attrelid AND idseq.refobjsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'f', 'p', 'm')";

/// information_schema.table_constraints: the constraints and, as
/// PostgreSQL lists them, each NOT NULL column as a CHECK.
const IS_TABLE_CONSTRAINTS_SQL: &str = "SELECT current_database()::name AS constraint_catalog, \
     nc.nspname AS constraint_schema, c.conname AS constraint_name, \
     current_database()::name AS table_catalog, nr.nspname AS table_schema, \
     r.relname AS table_name, \
     (CASE c.contype WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' \
     WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' END)::varchar AS constraint_type, \
     (CASE WHEN c.condeferrable THEN 'YES' ELSE 'NO' END)::varchar AS is_deferrable, \
     (CASE WHEN c.condeferred THEN 'YES' ELSE 'NO' END)::varchar AS initially_deferred, \
     'YES'::varchar AS enforced, \
     (CASE WHEN c.contype = 'u' THEN 'YES' END)::varchar AS nulls_distinct \
     FROM pg_constraint c JOIN pg_namespace nc ON nc.oid = c.connamespace \
     JOIN pg_class r ON c.conrelid = r.oid JOIN pg_namespace nr ON nr.oid = r.relnamespace \
     WHERE c.contype NOT IN ('t', 'x') AND r.relkind IN ('r', 'p') \
     UNION ALL \
     SELECT current_database()::name, nr.nspname, \
     (nr.oid::text || '_' || r.oid::text || '_' || a.attnum::text || '_not_null')::name, \
     current_database()::name, nr.nspname, r.relname, 'CHECK'::varchar, 'NO'::varchar, \
     'NO'::varchar, 'YES'::varchar, NULL::varchar \
     FROM pg_namespace nr JOIN pg_class r ON nr.oid = r.relnamespace \
     JOIN pg_attribute a ON r.oid = a.attrelid \
     WHERE a.attnotnull AND a.attnum > 0 AND NOT a.attisdropped AND r.relkind IN ('r', 'p')";

/// information_schema.check_constraints (NOT NULL columns included, as
/// PostgreSQL lists them).
const IS_CHECK_CONSTRAINTS_SQL: &str = "SELECT current_database()::name AS constraint_catalog, \
     rs.nspname AS constraint_schema, con.conname AS constraint_name, \
     substr(pg_get_constraintdef(con.oid), 7)::varchar AS check_clause \
     FROM pg_constraint con JOIN pg_namespace rs ON rs.oid = con.connamespace \
     WHERE con.contype = 'c' \
     UNION ALL \
     SELECT current_database()::name, n.nspname, \
     (n.oid::text || '_' || r.oid::text || '_' || a.attnum::text || '_not_null')::name, \
     (a.attname::text || ' IS NOT NULL')::varchar \
     FROM pg_namespace n JOIN pg_class r ON n.oid = r.relnamespace \
     JOIN pg_attribute a ON r.oid = a.attrelid \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull AND r.relkind IN ('r', 'p')";

/// information_schema.key_column_usage.
const IS_KEY_COLUMN_USAGE_SQL: &str = "SELECT current_database()::name AS constraint_catalog, \
     nc.nspname AS constraint_schema, c.conname AS constraint_name, \
     current_database()::name AS table_catalog, nr.nspname AS table_schema, \
     r.relname AS table_name, a.attname AS column_name, \
     array_position(c.conkey, a.attnum)::int4 AS ordinal_position, \
     (CASE WHEN c.contype = 'f' THEN (SELECT array_position(pk.conkey, \
     c.confkey[array_position(c.conkey, a.attnum)]) FROM pg_constraint pk \
     WHERE pk.conrelid = c.confrelid AND pk.conindid = c.conindid \
     AND pk.contype IN ('p', 'u')) END)::int4 AS position_in_unique_constraint \
     FROM pg_constraint c JOIN pg_namespace nc ON nc.oid = c.connamespace \
     JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace nr ON nr.oid = r.relnamespace \
     JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY (c.conkey) \
     WHERE c.contype IN ('p', 'u', 'f') AND r.relkind IN ('r', 'p') AND NOT a.attisdropped";

/// information_schema.constraint_column_usage.
const IS_CONSTRAINT_COLUMN_USAGE_SQL: &str = "SELECT current_database()::name AS table_catalog, \
     nr.nspname AS table_schema, r.relname AS table_name, a.attname AS column_name, \
     current_database()::name AS constraint_catalog, nc.nspname AS constraint_schema, \
     c.conname AS constraint_name \
     FROM pg_constraint c JOIN pg_namespace nc ON nc.oid = c.connamespace \
     JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace nr ON nr.oid = r.relnamespace \
     JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY (c.conkey) \
     WHERE c.contype IN ('p', 'u', 'f', 'c') AND r.relkind IN ('r', 'p') AND NOT a.attisdropped";

/// information_schema.referential_constraints (foreign keys).
const IS_REFERENTIAL_CONSTRAINTS_SQL: &str =
    "SELECT current_database()::name AS constraint_catalog, \
     ncon.nspname AS constraint_schema, con.conname AS constraint_name, \
     (CASE WHEN npkc.nspname IS NULL THEN NULL ELSE current_database() END)::name \
     AS unique_constraint_catalog, npkc.nspname AS unique_constraint_schema, \
     pkc.conname AS unique_constraint_name, \
     (CASE con.confmatchtype WHEN 'f' THEN 'FULL' WHEN 'p' THEN 'PARTIAL' ELSE 'NONE' END)::varchar \
     AS match_option, \
     (CASE con.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' \
     WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END)::varchar \
     AS update_rule, \
     (CASE con.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' \
     WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END)::varchar \
     AS delete_rule \
     FROM pg_constraint con JOIN pg_namespace ncon ON con.connamespace = ncon.oid \
     LEFT JOIN pg_constraint pkc ON pkc.conrelid = con.confrelid \
     AND pkc.conindid = con.conindid AND pkc.contype IN ('p', 'u') \
     LEFT JOIN pg_namespace npkc ON pkc.connamespace = npkc.oid \
     WHERE con.contype = 'f'";

/// information_schema.parameters (PostgreSQL 15's definition, its
/// _pg_expandarray as unnest WITH ORDINALITY).
const IS_PARAMETERS_SQL: &str = "SELECT current_database()::name AS specific_catalog,  \
     n.nspname AS specific_schema,  \
     (p.proname || '_' || p.oid::text)::name AS specific_name,  \
     x.n::int4 AS ordinal_position,  \
     (CASE WHEN p.proargmodes IS NULL THEN 'IN' WHEN p.proargmodes[x.n] = 'i' THEN 'IN' WHEN p.proargmodes[x.n] = 'o' THEN 'OUT' WHEN p.proargmodes[x.n] = 'b' THEN 'INOUT' WHEN p.proargmodes[x.n] = 'v' THEN 'IN' WHEN p.proargmodes[x.n] = 't' THEN 'OUT' END)::varchar AS parameter_mode,  \
     'NO'::varchar AS is_result, 'NO'::varchar AS as_locator,  \
     NULLIF(p.proargnames[x.n], '')::name AS parameter_name,  \
     (CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY' WHEN nt.nspname = 'pg_catalog' THEN format_type(t.oid,  \
     NULL) ELSE 'USER-DEFINED' END)::varchar AS data_type,  \
     NULL::int4 AS character_maximum_length, NULL::int4 AS character_octet_length,  \
     NULL::name AS character_set_catalog, NULL::name AS character_set_schema,  \
     NULL::name AS character_set_name, NULL::name AS collation_catalog,  \
     NULL::name AS collation_schema, NULL::name AS collation_name,  \
     NULL::int4 AS numeric_precision, NULL::int4 AS numeric_precision_radix,  \
     NULL::int4 AS numeric_scale, NULL::int4 AS datetime_precision,  \
     NULL::varchar AS interval_type, NULL::int4 AS interval_precision,  \
     current_database()::name AS udt_catalog, nt.nspname AS udt_schema,  \
     t.typname AS udt_name, NULL::name AS scope_catalog, NULL::name AS scope_schema,  \
     NULL::name AS scope_name, NULL::int4 AS maximum_cardinality,  \
     x.n::text::name AS dtd_identifier, (CASE WHEN pg_has_role(p.proowner,  \
     'USAGE') THEN pg_get_function_arg_default(p.oid,  \
     x.n::int4) END)::varchar AS parameter_default FROM pg_namespace n JOIN pg_proc p ON n.oid = p.pronamespace CROSS JOIN LATERAL unnest(coalesce(p.proallargtypes,  \
     p.proargtypes::oid[])) WITH ORDINALITY AS x(typ,  \
     n) JOIN pg_type t ON t.oid = x.typ JOIN pg_namespace nt ON t.typnamespace = nt.oid WHERE pg_has_role(p.proowner,  \
     'USAGE') OR has_function_privilege(p.oid, 'EXECUTE')";

/// information_schema.routines (PostgreSQL 15's definition).
const IS_ROUTINES_SQL: &str = "SELECT current_database()::name AS specific_catalog,  \
     n.nspname AS specific_schema,  \
     (p.proname || '_' || p.oid::text)::name AS specific_name,  \
     current_database()::name AS routine_catalog, n.nspname AS routine_schema,  \
     p.proname AS routine_name,  \
     (CASE p.prokind WHEN 'f' THEN 'FUNCTION' WHEN 'p' THEN 'PROCEDURE' END)::varchar AS routine_type,  \
     NULL::name AS module_catalog, NULL::name AS module_schema,  \
     NULL::name AS module_name, NULL::name AS udt_catalog, NULL::name AS udt_schema,  \
     NULL::name AS udt_name,  \
     (CASE WHEN p.prokind = 'p' THEN NULL WHEN t.typelem <> 0 AND t.typlen = -1 THEN 'ARRAY' WHEN nt.nspname = 'pg_catalog' THEN format_type(t.oid,  \
     NULL) ELSE 'USER-DEFINED' END)::varchar AS data_type,  \
     NULL::int4 AS character_maximum_length, NULL::int4 AS character_octet_length,  \
     NULL::name AS character_set_catalog, NULL::name AS character_set_schema,  \
     NULL::name AS character_set_name, NULL::name AS collation_catalog,  \
     NULL::name AS collation_schema, NULL::name AS collation_name,  \
     NULL::int4 AS numeric_precision, NULL::int4 AS numeric_precision_radix,  \
     NULL::int4 AS numeric_scale, NULL::int4 AS datetime_precision,  \
     NULL::varchar AS interval_type, NULL::int4 AS interval_precision,  \
     (CASE WHEN nt.nspname IS NOT NULL THEN current_database() END)::name AS type_udt_catalog,  \
     nt.nspname AS type_udt_schema, t.typname AS type_udt_name,  \
     NULL::name AS scope_catalog, NULL::name AS scope_schema,  \
     NULL::name AS scope_name, NULL::int4 AS maximum_cardinality,  \
     (CASE WHEN p.prokind <> 'p' THEN '0' END)::name AS dtd_identifier,  \
     (CASE WHEN l.lanname = 'sql' THEN 'SQL' ELSE 'EXTERNAL' END)::varchar AS routine_body,  \
     (CASE WHEN pg_has_role(p.proowner,  \
     'USAGE') THEN p.prosrc END)::varchar AS routine_definition,  \
     (CASE WHEN l.lanname = 'c' THEN p.prosrc END)::varchar AS external_name,  \
     upper(l.lanname::text)::varchar AS external_language,  \
     'GENERAL'::varchar AS parameter_style,  \
     (CASE WHEN p.provolatile = 'i' THEN 'YES' ELSE 'NO' END)::varchar AS is_deterministic,  \
     'MODIFIES'::varchar AS sql_data_access,  \
     (CASE WHEN p.prokind <> 'p' THEN CASE WHEN p.proisstrict THEN 'YES' ELSE 'NO' END END)::varchar AS is_null_call,  \
     NULL::varchar AS sql_path, 'YES'::varchar AS schema_level_routine,  \
     0::int4 AS max_dynamic_result_sets, NULL::varchar AS is_user_defined_cast,  \
     NULL::varchar AS is_implicitly_invocable,  \
     (CASE WHEN p.prosecdef THEN 'DEFINER' ELSE 'INVOKER' END)::varchar AS security_type,  \
     NULL::name AS to_sql_specific_catalog, NULL::name AS to_sql_specific_schema,  \
     NULL::name AS to_sql_specific_name, 'NO'::varchar AS as_locator,  \
     NULL::timestamptz AS created, NULL::timestamptz AS last_altered,  \
     NULL::varchar AS new_savepoint_level, 'NO'::varchar AS is_udt_dependent,  \
     NULL::varchar AS result_cast_from_data_type,  \
     NULL::varchar AS result_cast_as_locator,  \
     NULL::int4 AS result_cast_char_max_length,  \
     NULL::int4 AS result_cast_char_octet_length,  \
     NULL::name AS result_cast_char_set_catalog,  \
     NULL::name AS result_cast_char_set_schema,  \
     NULL::name AS result_cast_char_set_name,  \
     NULL::name AS result_cast_collation_catalog,  \
     NULL::name AS result_cast_collation_schema,  \
     NULL::name AS result_cast_collation_name,  \
     NULL::int4 AS result_cast_numeric_precision,  \
     NULL::int4 AS result_cast_numeric_precision_radix,  \
     NULL::int4 AS result_cast_numeric_scale,  \
     NULL::int4 AS result_cast_datetime_precision,  \
     NULL::varchar AS result_cast_interval_type,  \
     NULL::int4 AS result_cast_interval_precision,  \
     NULL::name AS result_cast_type_udt_catalog,  \
     NULL::name AS result_cast_type_udt_schema,  \
     NULL::name AS result_cast_type_udt_name,  \
     NULL::name AS result_cast_scope_catalog,  \
     NULL::name AS result_cast_scope_schema, NULL::name AS result_cast_scope_name,  \
     NULL::int4 AS result_cast_maximum_cardinality,  \
     NULL::name AS result_cast_dtd_identifier FROM pg_namespace n JOIN pg_proc p ON n.oid = p.pronamespace JOIN pg_language l ON p.prolang = l.oid LEFT JOIN (pg_type t JOIN pg_namespace nt ON t.typnamespace = nt.oid) ON p.prorettype = t.oid AND p.prokind <> 'p' WHERE pg_has_role(p.proowner,  \
     'USAGE') OR has_function_privilege(p.oid, 'EXECUTE')";

/// information_schema.sequences.
const IS_SEQUENCES_SQL: &str = "SELECT current_database()::name AS sequence_catalog, \
     nc.nspname AS sequence_schema, c.relname AS sequence_name, \
     format_type(s.seqtypid, NULL)::varchar AS data_type, \
     (CASE s.seqtypid WHEN 21 THEN 16 WHEN 23 THEN 32 ELSE 64 END)::int4 AS numeric_precision, \
     2 AS numeric_precision_radix, 0 AS numeric_scale, s.seqstart::varchar AS start_value, \
     s.seqmin::varchar AS minimum_value, s.seqmax::varchar AS maximum_value, \
     s.seqincrement::varchar AS increment, \
     (CASE WHEN s.seqcycle THEN 'YES' ELSE 'NO' END)::varchar AS cycle_option \
     FROM pg_namespace nc JOIN pg_class c ON nc.oid = c.relnamespace \
     JOIN pg_sequence s ON c.oid = s.seqrelid WHERE c.relkind = 'S'";

/// A system relation as a FROM item: rows computed at scan time, or a
/// view to bind.
#[derive(Clone, Copy)]
pub struct SystemView(&'static SysRel);

impl fmt::Debug for SystemView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl PartialEq for SystemView {
    fn eq(&self, other: &SystemView) -> bool {
        self.0.oid == other.0.oid
    }
}

impl Eq for SystemView {}

impl SystemView {
    /// Finds a relation by name: unqualified names find pg_catalog's (it
    /// is searched first, as PostgreSQL does unless search_path places
    /// it later).
    pub fn lookup(parts: &[String]) -> Option<SystemView> {
        let (namespace, name) = match parts {
            [name] => (PG_CATALOG_NS, name),
            [schema, name] => (namespace_oid(schema)?, name),
            [_db, schema, name] => (namespace_oid(schema)?, name),
            _ => return None,
        };
        // Every FROM item of every statement asks: a map, not a scan.
        static BY_NAME: std::sync::LazyLock<HashMap<(u32, &'static str), usize>> =
            std::sync::LazyLock::new(|| {
                RELATIONS
                    .iter()
                    .enumerate()
                    .map(|(i, r)| ((r.namespace, r.name), i))
                    .collect()
            });
        BY_NAME
            .get(&(namespace, name.as_str()))
            .and_then(|&i| RELATIONS.get(i))
            .map(SystemView)
    }

    /// The relation with this OID.
    pub fn by_oid(oid: u32) -> Option<SystemView> {
        RELATIONS.iter().find(|r| r.oid == oid).map(SystemView)
    }

    /// Every system relation.
    pub fn all() -> impl Iterator<Item = SystemView> {
        RELATIONS.iter().map(SystemView)
    }

    /// Name.
    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// pg_class.oid.
    pub fn oid(&self) -> u32 {
        self.0.oid
    }

    /// Namespace OID.
    pub fn namespace(&self) -> u32 {
        self.0.namespace
    }

    /// pg_class.relkind: 'v' for views, 'r' for tables.
    pub fn relkind(&self) -> char {
        match self.0.source {
            Source::Sql(_) => 'v',
            _ if self.0.oid >= 12000 => 'v',
            _ => 'r',
        }
    }

    /// Column names and types.
    pub fn columns(&self) -> &'static [(&'static str, DataType)] {
        self.0.columns
    }

    /// For a view over other relations: its query.
    pub fn sql(&self) -> Option<&'static str> {
        match self.0.source {
            Source::Sql(text) => Some(text),
            _ => None,
        }
    }

    /// The current rows (a view's are produced by binding [`Self::sql`]).
    pub fn rows(&self, ctx: &EvalCtx<'_>) -> Result<Vec<Vec<Value>>> {
        match self.0.source {
            Source::Rows(f) => f(ctx),
            Source::Sql(_) | Source::Empty => Ok(Vec::new()),
        }
    }

    /// The rows as this statement sees them, each with the system column
    /// tableoid at its end: computed once per statement and kept in
    /// `ctx.catalog_rows` (a scan and a per-row lookup share them).
    pub fn cached_rows(&self, ctx: &mut EvalCtx<'_>) -> Result<std::sync::Arc<Vec<Vec<Value>>>> {
        let oid = self.oid();
        if let Some(rows) = ctx.catalog_rows.get(&oid) {
            return Ok(std::sync::Arc::clone(rows));
        }
        let mut rows = self.rows(ctx)?;
        for row in &mut rows {
            row.push(Value::Oid(oid));
        }
        let rows = std::sync::Arc::new(rows);
        ctx.catalog_rows.insert(oid, std::sync::Arc::clone(&rows));
        Ok(rows)
    }
}

/// The OID of a schema that holds system relations.
fn namespace_oid(name: &str) -> Option<u32> {
    match name {
        "pg_catalog" => Some(PG_CATALOG_NS),
        "information_schema" => Some(INFORMATION_SCHEMA_NS),
        _ => None,
    }
}
