//! Column lists of the system relations, as PostgreSQL 15 declares them
//! (recorded from its pg_attribute). Types actorgres does not have are
//! read as their text (pg_lsn, anyarray) or bytes (pg_ndistinct ...).

use crate::types::DataType::{self, *};

/// pg_aggregate (OID 2600, relkind 'r').
pub(super) const PG_AGGREGATE: &[(&str, DataType)] = &[
    ("aggfnoid", Regproc),
    ("aggkind", Char),
    ("aggnumdirectargs", Int2),
    ("aggtransfn", Regproc),
    ("aggfinalfn", Regproc),
    ("aggcombinefn", Regproc),
    ("aggserialfn", Regproc),
    ("aggdeserialfn", Regproc),
    ("aggmtransfn", Regproc),
    ("aggminvtransfn", Regproc),
    ("aggmfinalfn", Regproc),
    ("aggfinalextra", Bool),
    ("aggmfinalextra", Bool),
    ("aggfinalmodify", Char),
    ("aggmfinalmodify", Char),
    ("aggsortop", Oid),
    ("aggtranstype", Oid),
    ("aggtransspace", Int4),
    ("aggmtranstype", Oid),
    ("aggmtransspace", Int4),
    ("agginitval", Text),
    ("aggminitval", Text),
];

/// pg_am (OID 2601, relkind 'r').
pub(super) const PG_AM: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("amname", Name),
    ("amhandler", Regproc),
    ("amtype", Char),
];

/// pg_amop (OID 2602, relkind 'r').
pub(super) const PG_AMOP: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("amopfamily", Oid),
    ("amoplefttype", Oid),
    ("amoprighttype", Oid),
    ("amopstrategy", Int2),
    ("amoppurpose", Char),
    ("amopopr", Oid),
    ("amopmethod", Oid),
    ("amopsortfamily", Oid),
];

/// pg_amproc (OID 2603, relkind 'r').
pub(super) const PG_AMPROC: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("amprocfamily", Oid),
    ("amproclefttype", Oid),
    ("amprocrighttype", Oid),
    ("amprocnum", Int2),
    ("amproc", Regproc),
];

/// pg_attrdef (OID 2604, relkind 'r').
pub(super) const PG_ATTRDEF: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("adrelid", Oid),
    ("adnum", Int2),
    ("adbin", PgNodeTree),
];

/// pg_attribute (OID 1249, relkind 'r').
pub(super) const PG_ATTRIBUTE: &[(&str, DataType)] = &[
    ("attrelid", Oid),
    ("attname", Name),
    ("atttypid", Oid),
    ("attstattarget", Int4),
    ("attlen", Int2),
    ("attnum", Int2),
    ("attndims", Int4),
    ("attcacheoff", Int4),
    ("atttypmod", Int4),
    ("attbyval", Bool),
    ("attalign", Char),
    ("attstorage", Char),
    ("attcompression", Char),
    ("attnotnull", Bool),
    ("atthasdef", Bool),
    ("atthasmissing", Bool),
    ("attidentity", Char),
    ("attgenerated", Char),
    ("attisdropped", Bool),
    ("attislocal", Bool),
    ("attinhcount", Int4),
    ("attcollation", Oid),
    ("attacl", Array(&AclItem)),
    ("attoptions", Array(&Text)),
    ("attfdwoptions", Array(&Text)),
    ("attmissingval", Text),
];

/// pg_auth_members (OID 1261, relkind 'r').
pub(super) const PG_AUTH_MEMBERS: &[(&str, DataType)] = &[
    ("roleid", Oid),
    ("member", Oid),
    ("grantor", Oid),
    ("admin_option", Bool),
];

/// pg_authid (OID 1260, relkind 'r').
pub(super) const PG_AUTHID: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("rolname", Name),
    ("rolsuper", Bool),
    ("rolinherit", Bool),
    ("rolcreaterole", Bool),
    ("rolcreatedb", Bool),
    ("rolcanlogin", Bool),
    ("rolreplication", Bool),
    ("rolbypassrls", Bool),
    ("rolconnlimit", Int4),
    ("rolpassword", Text),
    ("rolvaliduntil", TimestampTz),
];

/// pg_available_extension_versions (OID 12085, relkind 'v').
pub(super) const PG_AVAILABLE_EXTENSION_VERSIONS: &[(&str, DataType)] = &[
    ("name", Name),
    ("version", Text),
    ("installed", Bool),
    ("superuser", Bool),
    ("trusted", Bool),
    ("relocatable", Bool),
    ("schema", Name),
    ("requires", Array(&Name)),
    ("comment", Text),
];

/// pg_available_extensions (OID 12081, relkind 'v').
pub(super) const PG_AVAILABLE_EXTENSIONS: &[(&str, DataType)] = &[
    ("name", Name),
    ("default_version", Text),
    ("installed_version", Text),
    ("comment", Text),
];

/// pg_backend_memory_contexts (OID 12138, relkind 'v').
pub(super) const PG_BACKEND_MEMORY_CONTEXTS: &[(&str, DataType)] = &[
    ("name", Text),
    ("ident", Text),
    ("parent", Text),
    ("level", Int4),
    ("total_bytes", Int8),
    ("total_nblocks", Int8),
    ("free_bytes", Int8),
    ("free_chunks", Int8),
    ("used_bytes", Int8),
];

/// pg_cast (OID 2605, relkind 'r').
pub(super) const PG_CAST: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("castsource", Oid),
    ("casttarget", Oid),
    ("castfunc", Oid),
    ("castcontext", Char),
    ("castmethod", Char),
];

/// pg_class (OID 1259, relkind 'r').
pub(super) const PG_CLASS: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("relname", Name),
    ("relnamespace", Oid),
    ("reltype", Oid),
    ("reloftype", Oid),
    ("relowner", Oid),
    ("relam", Oid),
    ("relfilenode", Oid),
    ("reltablespace", Oid),
    ("relpages", Int4),
    ("reltuples", Float4),
    ("relallvisible", Int4),
    ("reltoastrelid", Oid),
    ("relhasindex", Bool),
    ("relisshared", Bool),
    ("relpersistence", Char),
    ("relkind", Char),
    ("relnatts", Int2),
    ("relchecks", Int2),
    ("relhasrules", Bool),
    ("relhastriggers", Bool),
    ("relhassubclass", Bool),
    ("relrowsecurity", Bool),
    ("relforcerowsecurity", Bool),
    ("relispopulated", Bool),
    ("relreplident", Char),
    ("relispartition", Bool),
    ("relrewrite", Oid),
    ("relfrozenxid", Xid),
    ("relminmxid", Xid),
    ("relacl", Array(&AclItem)),
    ("reloptions", Array(&Text)),
    ("relpartbound", PgNodeTree),
];

/// pg_collation (OID 3456, relkind 'r').
pub(super) const PG_COLLATION: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("collname", Name),
    ("collnamespace", Oid),
    ("collowner", Oid),
    ("collprovider", Char),
    ("collisdeterministic", Bool),
    ("collencoding", Int4),
    ("collcollate", Text),
    ("collctype", Text),
    ("colliculocale", Text),
    ("collversion", Text),
];

/// pg_config (OID 12130, relkind 'v').
pub(super) const PG_CONFIG: &[(&str, DataType)] = &[("name", Text), ("setting", Text)];

/// pg_constraint (OID 2606, relkind 'r').
pub(super) const PG_CONSTRAINT: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("conname", Name),
    ("connamespace", Oid),
    ("contype", Char),
    ("condeferrable", Bool),
    ("condeferred", Bool),
    ("convalidated", Bool),
    ("conrelid", Oid),
    ("contypid", Oid),
    ("conindid", Oid),
    ("conparentid", Oid),
    ("confrelid", Oid),
    ("confupdtype", Char),
    ("confdeltype", Char),
    ("confmatchtype", Char),
    ("conislocal", Bool),
    ("coninhcount", Int4),
    ("connoinherit", Bool),
    ("conkey", Array(&Int2)),
    ("confkey", Array(&Int2)),
    ("conpfeqop", Array(&Oid)),
    ("conppeqop", Array(&Oid)),
    ("conffeqop", Array(&Oid)),
    ("confdelsetcols", Array(&Int2)),
    ("conexclop", Array(&Oid)),
    ("conbin", PgNodeTree),
];

/// pg_conversion (OID 2607, relkind 'r').
pub(super) const PG_CONVERSION: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("conname", Name),
    ("connamespace", Oid),
    ("conowner", Oid),
    ("conforencoding", Int4),
    ("contoencoding", Int4),
    ("conproc", Regproc),
    ("condefault", Bool),
];

/// pg_cursors (OID 12077, relkind 'v').
pub(super) const PG_CURSORS: &[(&str, DataType)] = &[
    ("name", Text),
    ("statement", Text),
    ("is_holdable", Bool),
    ("is_binary", Bool),
    ("is_scrollable", Bool),
    ("creation_time", TimestampTz),
];

/// pg_database (OID 1262, relkind 'r').
pub(super) const PG_DATABASE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("datname", Name),
    ("datdba", Oid),
    ("encoding", Int4),
    ("datlocprovider", Char),
    ("datistemplate", Bool),
    ("datallowconn", Bool),
    ("datconnlimit", Int4),
    ("datfrozenxid", Xid),
    ("datminmxid", Xid),
    ("dattablespace", Oid),
    ("datcollate", Text),
    ("datctype", Text),
    ("daticulocale", Text),
    ("datcollversion", Text),
    ("datacl", Array(&AclItem)),
];

/// pg_db_role_setting (OID 2964, relkind 'r').
pub(super) const PG_DB_ROLE_SETTING: &[(&str, DataType)] = &[
    ("setdatabase", Oid),
    ("setrole", Oid),
    ("setconfig", Array(&Text)),
];

/// pg_default_acl (OID 826, relkind 'r').
pub(super) const PG_DEFAULT_ACL: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("defaclrole", Oid),
    ("defaclnamespace", Oid),
    ("defaclobjtype", Char),
    ("defaclacl", Array(&AclItem)),
];

/// pg_depend (OID 2608, relkind 'r').
pub(super) const PG_DEPEND: &[(&str, DataType)] = &[
    ("classid", Oid),
    ("objid", Oid),
    ("objsubid", Int4),
    ("refclassid", Oid),
    ("refobjid", Oid),
    ("refobjsubid", Int4),
    ("deptype", Char),
];

/// pg_description (OID 2609, relkind 'r').
pub(super) const PG_DESCRIPTION: &[(&str, DataType)] = &[
    ("objoid", Oid),
    ("classoid", Oid),
    ("objsubid", Int4),
    ("description", Text),
];

/// pg_enum (OID 3501, relkind 'r').
pub(super) const PG_ENUM: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("enumtypid", Oid),
    ("enumsortorder", Float4),
    ("enumlabel", Name),
];

/// pg_event_trigger (OID 3466, relkind 'r').
pub(super) const PG_EVENT_TRIGGER: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("evtname", Name),
    ("evtevent", Name),
    ("evtowner", Oid),
    ("evtfoid", Oid),
    ("evtenabled", Char),
    ("evttags", Array(&Text)),
];

/// pg_extension (OID 3079, relkind 'r').
pub(super) const PG_EXTENSION: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("extname", Name),
    ("extowner", Oid),
    ("extnamespace", Oid),
    ("extrelocatable", Bool),
    ("extversion", Text),
    ("extconfig", Array(&Oid)),
    ("extcondition", Array(&Text)),
];

/// pg_file_settings (OID 12110, relkind 'v').
pub(super) const PG_FILE_SETTINGS: &[(&str, DataType)] = &[
    ("sourcefile", Text),
    ("sourceline", Int4),
    ("seqno", Int4),
    ("name", Text),
    ("setting", Text),
    ("applied", Bool),
    ("error", Text),
];

/// pg_foreign_data_wrapper (OID 2328, relkind 'r').
pub(super) const PG_FOREIGN_DATA_WRAPPER: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("fdwname", Name),
    ("fdwowner", Oid),
    ("fdwhandler", Oid),
    ("fdwvalidator", Oid),
    ("fdwacl", Array(&AclItem)),
    ("fdwoptions", Array(&Text)),
];

/// pg_foreign_server (OID 1417, relkind 'r').
pub(super) const PG_FOREIGN_SERVER: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("srvname", Name),
    ("srvowner", Oid),
    ("srvfdw", Oid),
    ("srvtype", Text),
    ("srvversion", Text),
    ("srvacl", Array(&AclItem)),
    ("srvoptions", Array(&Text)),
];

/// pg_foreign_table (OID 3118, relkind 'r').
pub(super) const PG_FOREIGN_TABLE: &[(&str, DataType)] = &[
    ("ftrelid", Oid),
    ("ftserver", Oid),
    ("ftoptions", Array(&Text)),
];

/// pg_group (OID 12010, relkind 'v').
pub(super) const PG_GROUP: &[(&str, DataType)] = &[
    ("groname", Name),
    ("grosysid", Oid),
    ("grolist", Array(&Oid)),
];

/// pg_hba_file_rules (OID 12114, relkind 'v').
pub(super) const PG_HBA_FILE_RULES: &[(&str, DataType)] = &[
    ("line_number", Int4),
    ("type", Text),
    ("database", Array(&Text)),
    ("user_name", Array(&Text)),
    ("address", Text),
    ("netmask", Text),
    ("auth_method", Text),
    ("options", Array(&Text)),
    ("error", Text),
];

/// pg_ident_file_mappings (OID 12118, relkind 'v').
pub(super) const PG_IDENT_FILE_MAPPINGS: &[(&str, DataType)] = &[
    ("line_number", Int4),
    ("map_name", Text),
    ("sys_name", Text),
    ("pg_username", Text),
    ("error", Text),
];

/// pg_index (OID 2610, relkind 'r').
pub(super) const PG_INDEX: &[(&str, DataType)] = &[
    ("indexrelid", Oid),
    ("indrelid", Oid),
    ("indnatts", Int2),
    ("indnkeyatts", Int2),
    ("indisunique", Bool),
    ("indnullsnotdistinct", Bool),
    ("indisprimary", Bool),
    ("indisexclusion", Bool),
    ("indimmediate", Bool),
    ("indisclustered", Bool),
    ("indisvalid", Bool),
    ("indcheckxmin", Bool),
    ("indisready", Bool),
    ("indislive", Bool),
    ("indisreplident", Bool),
    ("indkey", Int2Vector),
    ("indcollation", OidVector),
    ("indclass", OidVector),
    ("indoption", Int2Vector),
    ("indexprs", PgNodeTree),
    ("indpred", PgNodeTree),
];

/// pg_indexes (OID 12043, relkind 'v').
pub(super) const PG_INDEXES: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("indexname", Name),
    ("tablespace", Name),
    ("indexdef", Text),
];

/// pg_inherits (OID 2611, relkind 'r').
pub(super) const PG_INHERITS: &[(&str, DataType)] = &[
    ("inhrelid", Oid),
    ("inhparent", Oid),
    ("inhseqno", Int4),
    ("inhdetachpending", Bool),
];

/// pg_init_privs (OID 3394, relkind 'r').
pub(super) const PG_INIT_PRIVS: &[(&str, DataType)] = &[
    ("objoid", Oid),
    ("classoid", Oid),
    ("objsubid", Int4),
    ("privtype", Char),
    ("initprivs", Array(&AclItem)),
];

/// pg_language (OID 2612, relkind 'r').
pub(super) const PG_LANGUAGE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("lanname", Name),
    ("lanowner", Oid),
    ("lanispl", Bool),
    ("lanpltrusted", Bool),
    ("lanplcallfoid", Oid),
    ("laninline", Oid),
    ("lanvalidator", Oid),
    ("lanacl", Array(&AclItem)),
];

/// pg_largeobject (OID 2613, relkind 'r').
pub(super) const PG_LARGEOBJECT: &[(&str, DataType)] =
    &[("loid", Oid), ("pageno", Int4), ("data", Bytea)];

/// pg_largeobject_metadata (OID 2995, relkind 'r').
pub(super) const PG_LARGEOBJECT_METADATA: &[(&str, DataType)] =
    &[("oid", Oid), ("lomowner", Oid), ("lomacl", Array(&AclItem))];

/// pg_locks (OID 12073, relkind 'v').
pub(super) const PG_LOCKS: &[(&str, DataType)] = &[
    ("locktype", Text),
    ("database", Oid),
    ("relation", Oid),
    ("page", Int4),
    ("tuple", Int2),
    ("virtualxid", Text),
    ("transactionid", Xid),
    ("classid", Oid),
    ("objid", Oid),
    ("objsubid", Int2),
    ("virtualtransaction", Text),
    ("pid", Int4),
    ("mode", Text),
    ("granted", Bool),
    ("fastpath", Bool),
    ("waitstart", TimestampTz),
];

/// pg_matviews (OID 12038, relkind 'v').
pub(super) const PG_MATVIEWS: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("matviewname", Name),
    ("matviewowner", Name),
    ("tablespace", Name),
    ("hasindexes", Bool),
    ("ispopulated", Bool),
    ("definition", Text),
];

/// pg_namespace (OID 2615, relkind 'r').
pub(super) const PG_NAMESPACE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("nspname", Name),
    ("nspowner", Oid),
    ("nspacl", Array(&AclItem)),
];

/// pg_opclass (OID 2616, relkind 'r').
pub(super) const PG_OPCLASS: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("opcmethod", Oid),
    ("opcname", Name),
    ("opcnamespace", Oid),
    ("opcowner", Oid),
    ("opcfamily", Oid),
    ("opcintype", Oid),
    ("opcdefault", Bool),
    ("opckeytype", Oid),
];

/// pg_operator (OID 2617, relkind 'r').
pub(super) const PG_OPERATOR: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("oprname", Name),
    ("oprnamespace", Oid),
    ("oprowner", Oid),
    ("oprkind", Char),
    ("oprcanmerge", Bool),
    ("oprcanhash", Bool),
    ("oprleft", Oid),
    ("oprright", Oid),
    ("oprresult", Oid),
    ("oprcom", Oid),
    ("oprnegate", Oid),
    ("oprcode", Regproc),
    ("oprrest", Regproc),
    ("oprjoin", Regproc),
];

/// pg_opfamily (OID 2753, relkind 'r').
pub(super) const PG_OPFAMILY: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("opfmethod", Oid),
    ("opfname", Name),
    ("opfnamespace", Oid),
    ("opfowner", Oid),
];

/// pg_parameter_acl (OID 6243, relkind 'r').
pub(super) const PG_PARAMETER_ACL: &[(&str, DataType)] =
    &[("oid", Oid), ("parname", Text), ("paracl", Array(&AclItem))];

/// pg_partitioned_table (OID 3350, relkind 'r').
pub(super) const PG_PARTITIONED_TABLE: &[(&str, DataType)] = &[
    ("partrelid", Oid),
    ("partstrat", Char),
    ("partnatts", Int2),
    ("partdefid", Oid),
    ("partattrs", Int2Vector),
    ("partclass", OidVector),
    ("partcollation", OidVector),
    ("partexprs", PgNodeTree),
];

/// pg_policies (OID 12018, relkind 'v').
pub(super) const PG_POLICIES: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("policyname", Name),
    ("permissive", Text),
    ("roles", Array(&Name)),
    ("cmd", Text),
    ("qual", Text),
    ("with_check", Text),
];

/// pg_policy (OID 3256, relkind 'r').
pub(super) const PG_POLICY: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("polname", Name),
    ("polrelid", Oid),
    ("polcmd", Char),
    ("polpermissive", Bool),
    ("polroles", Array(&Oid)),
    ("polqual", PgNodeTree),
    ("polwithcheck", PgNodeTree),
];

/// pg_prepared_statements (OID 12095, relkind 'v').
pub(super) const PG_PREPARED_STATEMENTS: &[(&str, DataType)] = &[
    ("name", Text),
    ("statement", Text),
    ("prepare_time", TimestampTz),
    ("parameter_types", Array(&Regtype)),
    ("from_sql", Bool),
    ("generic_plans", Int8),
    ("custom_plans", Int8),
];

/// pg_prepared_xacts (OID 12090, relkind 'v').
pub(super) const PG_PREPARED_XACTS: &[(&str, DataType)] = &[
    ("transaction", Xid),
    ("gid", Text),
    ("prepared", TimestampTz),
    ("owner", Name),
    ("database", Name),
];

/// pg_proc (OID 1255, relkind 'r').
pub(super) const PG_PROC: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("proname", Name),
    ("pronamespace", Oid),
    ("proowner", Oid),
    ("prolang", Oid),
    ("procost", Float4),
    ("prorows", Float4),
    ("provariadic", Oid),
    ("prosupport", Regproc),
    ("prokind", Char),
    ("prosecdef", Bool),
    ("proleakproof", Bool),
    ("proisstrict", Bool),
    ("proretset", Bool),
    ("provolatile", Char),
    ("proparallel", Char),
    ("pronargs", Int2),
    ("pronargdefaults", Int2),
    ("prorettype", Oid),
    ("proargtypes", OidVector),
    ("proallargtypes", Array(&Oid)),
    ("proargmodes", Array(&Char)),
    ("proargnames", Array(&Text)),
    ("proargdefaults", PgNodeTree),
    ("protrftypes", Array(&Oid)),
    ("prosrc", Text),
    ("probin", Text),
    ("prosqlbody", PgNodeTree),
    ("proconfig", Array(&Text)),
    ("proacl", Array(&AclItem)),
];

/// pg_publication (OID 6104, relkind 'r').
pub(super) const PG_PUBLICATION: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("pubname", Name),
    ("pubowner", Oid),
    ("puballtables", Bool),
    ("pubinsert", Bool),
    ("pubupdate", Bool),
    ("pubdelete", Bool),
    ("pubtruncate", Bool),
    ("pubviaroot", Bool),
];

/// pg_publication_namespace (OID 6237, relkind 'r').
pub(super) const PG_PUBLICATION_NAMESPACE: &[(&str, DataType)] =
    &[("oid", Oid), ("pnpubid", Oid), ("pnnspid", Oid)];

/// pg_publication_rel (OID 6106, relkind 'r').
pub(super) const PG_PUBLICATION_REL: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("prpubid", Oid),
    ("prrelid", Oid),
    ("prqual", PgNodeTree),
    ("prattrs", Int2Vector),
];

/// pg_publication_tables (OID 12068, relkind 'v').
pub(super) const PG_PUBLICATION_TABLES: &[(&str, DataType)] = &[
    ("pubname", Name),
    ("schemaname", Name),
    ("tablename", Name),
    ("attnames", Array(&Name)),
    ("rowfilter", Text),
];

/// pg_range (OID 3541, relkind 'r').
pub(super) const PG_RANGE: &[(&str, DataType)] = &[
    ("rngtypid", Oid),
    ("rngsubtype", Oid),
    ("rngmultitypid", Oid),
    ("rngcollation", Oid),
    ("rngsubopc", Oid),
    ("rngcanonical", Regproc),
    ("rngsubdiff", Regproc),
];

/// pg_replication_origin (OID 6000, relkind 'r').
pub(super) const PG_REPLICATION_ORIGIN: &[(&str, DataType)] = &[("roident", Oid), ("roname", Text)];

/// pg_replication_origin_status (OID 12332, relkind 'v').
pub(super) const PG_REPLICATION_ORIGIN_STATUS: &[(&str, DataType)] = &[
    ("local_id", Oid),
    ("external_id", Text),
    ("remote_lsn", Text),
    ("local_lsn", Text),
];

/// pg_replication_slots (OID 12257, relkind 'v').
pub(super) const PG_REPLICATION_SLOTS: &[(&str, DataType)] = &[
    ("slot_name", Name),
    ("plugin", Name),
    ("slot_type", Text),
    ("datoid", Oid),
    ("database", Name),
    ("temporary", Bool),
    ("active", Bool),
    ("active_pid", Int4),
    ("xmin", Xid),
    ("catalog_xmin", Xid),
    ("restart_lsn", Text),
    ("confirmed_flush_lsn", Text),
    ("wal_status", Text),
    ("safe_wal_size", Int8),
    ("two_phase", Bool),
];

/// pg_rewrite (OID 2618, relkind 'r').
pub(super) const PG_REWRITE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("rulename", Name),
    ("ev_class", Oid),
    ("ev_type", Char),
    ("ev_enabled", Char),
    ("is_instead", Bool),
    ("ev_qual", PgNodeTree),
    ("ev_action", PgNodeTree),
];

/// pg_roles (OID 12000, relkind 'v').
pub(super) const PG_ROLES: &[(&str, DataType)] = &[
    ("rolname", Name),
    ("rolsuper", Bool),
    ("rolinherit", Bool),
    ("rolcreaterole", Bool),
    ("rolcreatedb", Bool),
    ("rolcanlogin", Bool),
    ("rolreplication", Bool),
    ("rolconnlimit", Int4),
    ("rolpassword", Text),
    ("rolvaliduntil", TimestampTz),
    ("rolbypassrls", Bool),
    ("rolconfig", Array(&Text)),
    ("oid", Oid),
];

/// pg_rules (OID 12023, relkind 'v').
pub(super) const PG_RULES: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("rulename", Name),
    ("definition", Text),
];

/// pg_seclabel (OID 3596, relkind 'r').
pub(super) const PG_SECLABEL: &[(&str, DataType)] = &[
    ("objoid", Oid),
    ("classoid", Oid),
    ("objsubid", Int4),
    ("provider", Text),
    ("label", Text),
];

/// pg_seclabels (OID 12099, relkind 'v').
pub(super) const PG_SECLABELS: &[(&str, DataType)] = &[
    ("objoid", Oid),
    ("classoid", Oid),
    ("objsubid", Int4),
    ("objtype", Text),
    ("objnamespace", Oid),
    ("objname", Text),
    ("provider", Text),
    ("label", Text),
];

/// pg_sequence (OID 2224, relkind 'r').
pub(super) const PG_SEQUENCE: &[(&str, DataType)] = &[
    ("seqrelid", Oid),
    ("seqtypid", Oid),
    ("seqstart", Int8),
    ("seqincrement", Int8),
    ("seqmax", Int8),
    ("seqmin", Int8),
    ("seqcache", Int8),
    ("seqcycle", Bool),
];

/// pg_sequences (OID 12048, relkind 'v').
pub(super) const PG_SEQUENCES: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("sequencename", Name),
    ("sequenceowner", Name),
    ("data_type", Regtype),
    ("start_value", Int8),
    ("min_value", Int8),
    ("max_value", Int8),
    ("increment_by", Int8),
    ("cycle", Bool),
    ("cache_size", Int8),
    ("last_value", Int8),
];

/// pg_settings (OID 12104, relkind 'v').
pub(super) const PG_SETTINGS: &[(&str, DataType)] = &[
    ("name", Text),
    ("setting", Text),
    ("unit", Text),
    ("category", Text),
    ("short_desc", Text),
    ("extra_desc", Text),
    ("context", Text),
    ("vartype", Text),
    ("source", Text),
    ("min_val", Text),
    ("max_val", Text),
    ("enumvals", Array(&Text)),
    ("boot_val", Text),
    ("reset_val", Text),
    ("sourcefile", Text),
    ("sourceline", Int4),
    ("pending_restart", Bool),
];

/// pg_shadow (OID 12005, relkind 'v').
pub(super) const PG_SHADOW: &[(&str, DataType)] = &[
    ("usename", Name),
    ("usesysid", Oid),
    ("usecreatedb", Bool),
    ("usesuper", Bool),
    ("userepl", Bool),
    ("usebypassrls", Bool),
    ("passwd", Text),
    ("valuntil", TimestampTz),
    ("useconfig", Array(&Text)),
];

/// pg_shdepend (OID 1214, relkind 'r').
pub(super) const PG_SHDEPEND: &[(&str, DataType)] = &[
    ("dbid", Oid),
    ("classid", Oid),
    ("objid", Oid),
    ("objsubid", Int4),
    ("refclassid", Oid),
    ("refobjid", Oid),
    ("deptype", Char),
];

/// pg_shdescription (OID 2396, relkind 'r').
pub(super) const PG_SHDESCRIPTION: &[(&str, DataType)] =
    &[("objoid", Oid), ("classoid", Oid), ("description", Text)];

/// pg_shmem_allocations (OID 12134, relkind 'v').
pub(super) const PG_SHMEM_ALLOCATIONS: &[(&str, DataType)] = &[
    ("name", Text),
    ("off", Int8),
    ("size", Int8),
    ("allocated_size", Int8),
];

/// pg_shseclabel (OID 3592, relkind 'r').
pub(super) const PG_SHSECLABEL: &[(&str, DataType)] = &[
    ("objoid", Oid),
    ("classoid", Oid),
    ("provider", Text),
    ("label", Text),
];

/// pg_stat_activity (OID 12222, relkind 'v').
pub(super) const PG_STAT_ACTIVITY: &[(&str, DataType)] = &[
    ("datid", Oid),
    ("datname", Name),
    ("pid", Int4),
    ("leader_pid", Int4),
    ("usesysid", Oid),
    ("usename", Name),
    ("application_name", Text),
    ("client_addr", Inet),
    ("client_hostname", Text),
    ("client_port", Int4),
    ("backend_start", TimestampTz),
    ("xact_start", TimestampTz),
    ("query_start", TimestampTz),
    ("state_change", TimestampTz),
    ("wait_event_type", Text),
    ("wait_event", Text),
    ("state", Text),
    ("backend_xid", Xid),
    ("backend_xmin", Xid),
    ("query_id", Int8),
    ("query", Text),
    ("backend_type", Text),
];

/// pg_stat_all_indexes (OID 12183, relkind 'v').
pub(super) const PG_STAT_ALL_INDEXES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("indexrelid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("indexrelname", Name),
    ("idx_scan", Int8),
    ("idx_tup_read", Int8),
    ("idx_tup_fetch", Int8),
];

/// pg_stat_all_tables (OID 12142, relkind 'v').
pub(super) const PG_STAT_ALL_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("seq_scan", Int8),
    ("seq_tup_read", Int8),
    ("idx_scan", Int8),
    ("idx_tup_fetch", Int8),
    ("n_tup_ins", Int8),
    ("n_tup_upd", Int8),
    ("n_tup_del", Int8),
    ("n_tup_hot_upd", Int8),
    ("n_live_tup", Int8),
    ("n_dead_tup", Int8),
    ("n_mod_since_analyze", Int8),
    ("n_ins_since_vacuum", Int8),
    ("last_vacuum", TimestampTz),
    ("last_autovacuum", TimestampTz),
    ("last_analyze", TimestampTz),
    ("last_autoanalyze", TimestampTz),
    ("vacuum_count", Int8),
    ("autovacuum_count", Int8),
    ("analyze_count", Int8),
    ("autoanalyze_count", Int8),
];

/// pg_stat_archiver (OID 12285, relkind 'v').
pub(super) const PG_STAT_ARCHIVER: &[(&str, DataType)] = &[
    ("archived_count", Int8),
    ("last_archived_wal", Text),
    ("last_archived_time", TimestampTz),
    ("failed_count", Int8),
    ("last_failed_wal", Text),
    ("last_failed_time", TimestampTz),
    ("stats_reset", TimestampTz),
];

/// pg_stat_bgwriter (OID 12289, relkind 'v').
pub(super) const PG_STAT_BGWRITER: &[(&str, DataType)] = &[
    ("checkpoints_timed", Int8),
    ("checkpoints_req", Int8),
    ("checkpoint_write_time", Float8),
    ("checkpoint_sync_time", Float8),
    ("buffers_checkpoint", Int8),
    ("buffers_clean", Int8),
    ("maxwritten_clean", Int8),
    ("buffers_backend", Int8),
    ("buffers_backend_fsync", Int8),
    ("buffers_alloc", Int8),
    ("stats_reset", TimestampTz),
];

/// pg_stat_database (OID 12266, relkind 'v').
pub(super) const PG_STAT_DATABASE: &[(&str, DataType)] = &[
    ("datid", Oid),
    ("datname", Name),
    ("numbackends", Int4),
    ("xact_commit", Int8),
    ("xact_rollback", Int8),
    ("blks_read", Int8),
    ("blks_hit", Int8),
    ("tup_returned", Int8),
    ("tup_fetched", Int8),
    ("tup_inserted", Int8),
    ("tup_updated", Int8),
    ("tup_deleted", Int8),
    ("conflicts", Int8),
    ("temp_files", Int8),
    ("temp_bytes", Int8),
    ("deadlocks", Int8),
    ("checksum_failures", Int8),
    ("checksum_last_failure", TimestampTz),
    ("blk_read_time", Float8),
    ("blk_write_time", Float8),
    ("session_time", Float8),
    ("active_time", Float8),
    ("idle_in_transaction_time", Float8),
    ("sessions", Int8),
    ("sessions_abandoned", Int8),
    ("sessions_fatal", Int8),
    ("sessions_killed", Int8),
    ("stats_reset", TimestampTz),
];

/// pg_stat_database_conflicts (OID 12271, relkind 'v').
pub(super) const PG_STAT_DATABASE_CONFLICTS: &[(&str, DataType)] = &[
    ("datid", Oid),
    ("datname", Name),
    ("confl_tablespace", Int8),
    ("confl_lock", Int8),
    ("confl_snapshot", Int8),
    ("confl_bufferpin", Int8),
    ("confl_deadlock", Int8),
];

/// pg_stat_gssapi (OID 12253, relkind 'v').
pub(super) const PG_STAT_GSSAPI: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("gss_authenticated", Bool),
    ("principal", Text),
    ("encrypted", Bool),
];

/// pg_stat_progress_analyze (OID 12297, relkind 'v').
pub(super) const PG_STAT_PROGRESS_ANALYZE: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("datid", Oid),
    ("datname", Name),
    ("relid", Oid),
    ("phase", Text),
    ("sample_blks_total", Int8),
    ("sample_blks_scanned", Int8),
    ("ext_stats_total", Int8),
    ("ext_stats_computed", Int8),
    ("child_tables_total", Int8),
    ("child_tables_done", Int8),
    ("current_child_table_relid", Oid),
];

/// pg_stat_progress_basebackup (OID 12317, relkind 'v').
pub(super) const PG_STAT_PROGRESS_BASEBACKUP: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("phase", Text),
    ("backup_total", Int8),
    ("backup_streamed", Int8),
    ("tablespaces_total", Int8),
    ("tablespaces_streamed", Int8),
];

/// pg_stat_progress_cluster (OID 12307, relkind 'v').
pub(super) const PG_STAT_PROGRESS_CLUSTER: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("datid", Oid),
    ("datname", Name),
    ("relid", Oid),
    ("command", Text),
    ("phase", Text),
    ("cluster_index_relid", Oid),
    ("heap_tuples_scanned", Int8),
    ("heap_tuples_written", Int8),
    ("heap_blks_total", Int8),
    ("heap_blks_scanned", Int8),
    ("index_rebuild_count", Int8),
];

/// pg_stat_progress_copy (OID 12322, relkind 'v').
pub(super) const PG_STAT_PROGRESS_COPY: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("datid", Oid),
    ("datname", Name),
    ("relid", Oid),
    ("command", Text),
    ("type", Text),
    ("bytes_processed", Int8),
    ("bytes_total", Int8),
    ("tuples_processed", Int8),
    ("tuples_excluded", Int8),
];

/// pg_stat_progress_create_index (OID 12312, relkind 'v').
pub(super) const PG_STAT_PROGRESS_CREATE_INDEX: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("datid", Oid),
    ("datname", Name),
    ("relid", Oid),
    ("index_relid", Oid),
    ("command", Text),
    ("phase", Text),
    ("lockers_total", Int8),
    ("lockers_done", Int8),
    ("current_locker_pid", Int8),
    ("blocks_total", Int8),
    ("blocks_done", Int8),
    ("tuples_total", Int8),
    ("tuples_done", Int8),
    ("partitions_total", Int8),
    ("partitions_done", Int8),
];

/// pg_stat_progress_vacuum (OID 12302, relkind 'v').
pub(super) const PG_STAT_PROGRESS_VACUUM: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("datid", Oid),
    ("datname", Name),
    ("relid", Oid),
    ("phase", Text),
    ("heap_blks_total", Int8),
    ("heap_blks_scanned", Int8),
    ("heap_blks_vacuumed", Int8),
    ("index_vacuum_count", Int8),
    ("max_dead_tuples", Int8),
    ("num_dead_tuples", Int8),
];

/// pg_stat_recovery_prefetch (OID 12240, relkind 'v').
pub(super) const PG_STAT_RECOVERY_PREFETCH: &[(&str, DataType)] = &[
    ("stats_reset", TimestampTz),
    ("prefetch", Int8),
    ("hit", Int8),
    ("skip_init", Int8),
    ("skip_new", Int8),
    ("skip_fpw", Int8),
    ("skip_rep", Int8),
    ("wal_distance", Int4),
    ("block_distance", Int4),
    ("io_depth", Int4),
];

/// pg_stat_replication (OID 12227, relkind 'v').
pub(super) const PG_STAT_REPLICATION: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("usesysid", Oid),
    ("usename", Name),
    ("application_name", Text),
    ("client_addr", Inet),
    ("client_hostname", Text),
    ("client_port", Int4),
    ("backend_start", TimestampTz),
    ("backend_xmin", Xid),
    ("state", Text),
    ("sent_lsn", Text),
    ("write_lsn", Text),
    ("flush_lsn", Text),
    ("replay_lsn", Text),
    ("write_lag", Interval),
    ("flush_lag", Interval),
    ("replay_lag", Interval),
    ("sync_priority", Int4),
    ("sync_state", Text),
    ("reply_time", TimestampTz),
];

/// pg_stat_replication_slots (OID 12262, relkind 'v').
pub(super) const PG_STAT_REPLICATION_SLOTS: &[(&str, DataType)] = &[
    ("slot_name", Text),
    ("spill_txns", Int8),
    ("spill_count", Int8),
    ("spill_bytes", Int8),
    ("stream_txns", Int8),
    ("stream_count", Int8),
    ("stream_bytes", Int8),
    ("total_txns", Int8),
    ("total_bytes", Int8),
    ("stats_reset", TimestampTz),
];

/// pg_stat_slru (OID 12232, relkind 'v').
pub(super) const PG_STAT_SLRU: &[(&str, DataType)] = &[
    ("name", Text),
    ("blks_zeroed", Int8),
    ("blks_hit", Int8),
    ("blks_read", Int8),
    ("blks_written", Int8),
    ("blks_exists", Int8),
    ("flushes", Int8),
    ("truncates", Int8),
    ("stats_reset", TimestampTz),
];

/// pg_stat_ssl (OID 12249, relkind 'v').
pub(super) const PG_STAT_SSL: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("ssl", Bool),
    ("version", Text),
    ("cipher", Text),
    ("bits", Int4),
    ("client_dn", Text),
    ("client_serial", Numeric),
    ("issuer_dn", Text),
];

/// pg_stat_subscription (OID 12244, relkind 'v').
pub(super) const PG_STAT_SUBSCRIPTION: &[(&str, DataType)] = &[
    ("subid", Oid),
    ("subname", Name),
    ("pid", Int4),
    ("relid", Oid),
    ("received_lsn", Text),
    ("last_msg_send_time", TimestampTz),
    ("last_msg_receipt_time", TimestampTz),
    ("latest_end_lsn", Text),
    ("latest_end_time", TimestampTz),
];

/// pg_stat_subscription_stats (OID 12336, relkind 'v').
pub(super) const PG_STAT_SUBSCRIPTION_STATS: &[(&str, DataType)] = &[
    ("subid", Oid),
    ("subname", Name),
    ("apply_error_count", Int8),
    ("sync_error_count", Int8),
    ("stats_reset", TimestampTz),
];

/// pg_stat_sys_indexes (OID 12188, relkind 'v').
pub(super) const PG_STAT_SYS_INDEXES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("indexrelid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("indexrelname", Name),
    ("idx_scan", Int8),
    ("idx_tup_read", Int8),
    ("idx_tup_fetch", Int8),
];

/// pg_stat_sys_tables (OID 12152, relkind 'v').
pub(super) const PG_STAT_SYS_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("seq_scan", Int8),
    ("seq_tup_read", Int8),
    ("idx_scan", Int8),
    ("idx_tup_fetch", Int8),
    ("n_tup_ins", Int8),
    ("n_tup_upd", Int8),
    ("n_tup_del", Int8),
    ("n_tup_hot_upd", Int8),
    ("n_live_tup", Int8),
    ("n_dead_tup", Int8),
    ("n_mod_since_analyze", Int8),
    ("n_ins_since_vacuum", Int8),
    ("last_vacuum", TimestampTz),
    ("last_autovacuum", TimestampTz),
    ("last_analyze", TimestampTz),
    ("last_autoanalyze", TimestampTz),
    ("vacuum_count", Int8),
    ("autovacuum_count", Int8),
    ("analyze_count", Int8),
    ("autoanalyze_count", Int8),
];

/// pg_stat_user_functions (OID 12275, relkind 'v').
pub(super) const PG_STAT_USER_FUNCTIONS: &[(&str, DataType)] = &[
    ("funcid", Oid),
    ("schemaname", Name),
    ("funcname", Name),
    ("calls", Int8),
    ("total_time", Float8),
    ("self_time", Float8),
];

/// pg_stat_user_indexes (OID 12192, relkind 'v').
pub(super) const PG_STAT_USER_INDEXES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("indexrelid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("indexrelname", Name),
    ("idx_scan", Int8),
    ("idx_tup_read", Int8),
    ("idx_tup_fetch", Int8),
];

/// pg_stat_user_tables (OID 12161, relkind 'v').
pub(super) const PG_STAT_USER_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("seq_scan", Int8),
    ("seq_tup_read", Int8),
    ("idx_scan", Int8),
    ("idx_tup_fetch", Int8),
    ("n_tup_ins", Int8),
    ("n_tup_upd", Int8),
    ("n_tup_del", Int8),
    ("n_tup_hot_upd", Int8),
    ("n_live_tup", Int8),
    ("n_dead_tup", Int8),
    ("n_mod_since_analyze", Int8),
    ("n_ins_since_vacuum", Int8),
    ("last_vacuum", TimestampTz),
    ("last_autovacuum", TimestampTz),
    ("last_analyze", TimestampTz),
    ("last_autoanalyze", TimestampTz),
    ("vacuum_count", Int8),
    ("autovacuum_count", Int8),
    ("analyze_count", Int8),
    ("autoanalyze_count", Int8),
];

/// pg_stat_wal (OID 12293, relkind 'v').
pub(super) const PG_STAT_WAL: &[(&str, DataType)] = &[
    ("wal_records", Int8),
    ("wal_fpi", Int8),
    ("wal_bytes", Numeric),
    ("wal_buffers_full", Int8),
    ("wal_write", Int8),
    ("wal_sync", Int8),
    ("wal_write_time", Float8),
    ("wal_sync_time", Float8),
    ("stats_reset", TimestampTz),
];

/// pg_stat_wal_receiver (OID 12236, relkind 'v').
pub(super) const PG_STAT_WAL_RECEIVER: &[(&str, DataType)] = &[
    ("pid", Int4),
    ("status", Text),
    ("receive_start_lsn", Text),
    ("receive_start_tli", Int4),
    ("written_lsn", Text),
    ("flushed_lsn", Text),
    ("received_tli", Int4),
    ("last_msg_send_time", TimestampTz),
    ("last_msg_receipt_time", TimestampTz),
    ("latest_end_lsn", Text),
    ("latest_end_time", TimestampTz),
    ("slot_name", Text),
    ("sender_host", Text),
    ("sender_port", Int4),
    ("conninfo", Text),
];

/// pg_stat_xact_all_tables (OID 12147, relkind 'v').
pub(super) const PG_STAT_XACT_ALL_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("seq_scan", Int8),
    ("seq_tup_read", Int8),
    ("idx_scan", Int8),
    ("idx_tup_fetch", Int8),
    ("n_tup_ins", Int8),
    ("n_tup_upd", Int8),
    ("n_tup_del", Int8),
    ("n_tup_hot_upd", Int8),
];

/// pg_stat_xact_sys_tables (OID 12157, relkind 'v').
pub(super) const PG_STAT_XACT_SYS_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("seq_scan", Int8),
    ("seq_tup_read", Int8),
    ("idx_scan", Int8),
    ("idx_tup_fetch", Int8),
    ("n_tup_ins", Int8),
    ("n_tup_upd", Int8),
    ("n_tup_del", Int8),
    ("n_tup_hot_upd", Int8),
];

/// pg_stat_xact_user_functions (OID 12280, relkind 'v').
pub(super) const PG_STAT_XACT_USER_FUNCTIONS: &[(&str, DataType)] = &[
    ("funcid", Oid),
    ("schemaname", Name),
    ("funcname", Name),
    ("calls", Int8),
    ("total_time", Float8),
    ("self_time", Float8),
];

/// pg_stat_xact_user_tables (OID 12166, relkind 'v').
pub(super) const PG_STAT_XACT_USER_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("seq_scan", Int8),
    ("seq_tup_read", Int8),
    ("idx_scan", Int8),
    ("idx_tup_fetch", Int8),
    ("n_tup_ins", Int8),
    ("n_tup_upd", Int8),
    ("n_tup_del", Int8),
    ("n_tup_hot_upd", Int8),
];

/// pg_statio_all_indexes (OID 12196, relkind 'v').
pub(super) const PG_STATIO_ALL_INDEXES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("indexrelid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("indexrelname", Name),
    ("idx_blks_read", Int8),
    ("idx_blks_hit", Int8),
];

/// pg_statio_all_sequences (OID 12209, relkind 'v').
pub(super) const PG_STATIO_ALL_SEQUENCES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("blks_read", Int8),
    ("blks_hit", Int8),
];

/// pg_statio_all_tables (OID 12170, relkind 'v').
pub(super) const PG_STATIO_ALL_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("heap_blks_read", Int8),
    ("heap_blks_hit", Int8),
    ("idx_blks_read", Int8),
    ("idx_blks_hit", Int8),
    ("toast_blks_read", Int8),
    ("toast_blks_hit", Int8),
    ("tidx_blks_read", Int8),
    ("tidx_blks_hit", Int8),
];

/// pg_statio_sys_indexes (OID 12201, relkind 'v').
pub(super) const PG_STATIO_SYS_INDEXES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("indexrelid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("indexrelname", Name),
    ("idx_blks_read", Int8),
    ("idx_blks_hit", Int8),
];

/// pg_statio_sys_sequences (OID 12214, relkind 'v').
pub(super) const PG_STATIO_SYS_SEQUENCES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("blks_read", Int8),
    ("blks_hit", Int8),
];

/// pg_statio_sys_tables (OID 12175, relkind 'v').
pub(super) const PG_STATIO_SYS_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("heap_blks_read", Int8),
    ("heap_blks_hit", Int8),
    ("idx_blks_read", Int8),
    ("idx_blks_hit", Int8),
    ("toast_blks_read", Int8),
    ("toast_blks_hit", Int8),
    ("tidx_blks_read", Int8),
    ("tidx_blks_hit", Int8),
];

/// pg_statio_user_indexes (OID 12205, relkind 'v').
pub(super) const PG_STATIO_USER_INDEXES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("indexrelid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("indexrelname", Name),
    ("idx_blks_read", Int8),
    ("idx_blks_hit", Int8),
];

/// pg_statio_user_sequences (OID 12218, relkind 'v').
pub(super) const PG_STATIO_USER_SEQUENCES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("blks_read", Int8),
    ("blks_hit", Int8),
];

/// pg_statio_user_tables (OID 12179, relkind 'v').
pub(super) const PG_STATIO_USER_TABLES: &[(&str, DataType)] = &[
    ("relid", Oid),
    ("schemaname", Name),
    ("relname", Name),
    ("heap_blks_read", Int8),
    ("heap_blks_hit", Int8),
    ("idx_blks_read", Int8),
    ("idx_blks_hit", Int8),
    ("toast_blks_read", Int8),
    ("toast_blks_hit", Int8),
    ("tidx_blks_read", Int8),
    ("tidx_blks_hit", Int8),
];

/// pg_statistic (OID 2619, relkind 'r').
pub(super) const PG_STATISTIC: &[(&str, DataType)] = &[
    ("starelid", Oid),
    ("staattnum", Int2),
    ("stainherit", Bool),
    ("stanullfrac", Float4),
    ("stawidth", Int4),
    ("stadistinct", Float4),
    ("stakind1", Int2),
    ("stakind2", Int2),
    ("stakind3", Int2),
    ("stakind4", Int2),
    ("stakind5", Int2),
    ("staop1", Oid),
    ("staop2", Oid),
    ("staop3", Oid),
    ("staop4", Oid),
    ("staop5", Oid),
    ("stacoll1", Oid),
    ("stacoll2", Oid),
    ("stacoll3", Oid),
    ("stacoll4", Oid),
    ("stacoll5", Oid),
    ("stanumbers1", Array(&Float4)),
    ("stanumbers2", Array(&Float4)),
    ("stanumbers3", Array(&Float4)),
    ("stanumbers4", Array(&Float4)),
    ("stanumbers5", Array(&Float4)),
    ("stavalues1", Text),
    ("stavalues2", Text),
    ("stavalues3", Text),
    ("stavalues4", Text),
    ("stavalues5", Text),
];

/// pg_statistic_ext (OID 3381, relkind 'r').
pub(super) const PG_STATISTIC_EXT: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("stxrelid", Oid),
    ("stxname", Name),
    ("stxnamespace", Oid),
    ("stxowner", Oid),
    ("stxstattarget", Int4),
    ("stxkeys", Int2Vector),
    ("stxkind", Array(&Char)),
    ("stxexprs", PgNodeTree),
];

/// pg_statistic_ext_data (OID 3429, relkind 'r').
pub(super) const PG_STATISTIC_EXT_DATA: &[(&str, DataType)] = &[
    ("stxoid", Oid),
    ("stxdinherit", Bool),
    ("stxdndistinct", Bytea),
    ("stxddependencies", Bytea),
    ("stxdmcv", Bytea),
    ("stxdexpr", Text),
];

/// pg_stats (OID 12053, relkind 'v').
pub(super) const PG_STATS: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("attname", Name),
    ("inherited", Bool),
    ("null_frac", Float4),
    ("avg_width", Int4),
    ("n_distinct", Float4),
    ("most_common_vals", Text),
    ("most_common_freqs", Array(&Float4)),
    ("histogram_bounds", Text),
    ("correlation", Float4),
    ("most_common_elems", Text),
    ("most_common_elem_freqs", Array(&Float4)),
    ("elem_count_histogram", Array(&Float4)),
];

/// pg_stats_ext (OID 12058, relkind 'v').
pub(super) const PG_STATS_EXT: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("statistics_schemaname", Name),
    ("statistics_name", Name),
    ("statistics_owner", Name),
    ("attnames", Array(&Name)),
    ("exprs", Array(&Text)),
    ("kinds", Array(&Char)),
    ("inherited", Bool),
    ("n_distinct", Bytea),
    ("dependencies", Bytea),
    ("most_common_vals", Array(&Text)),
    ("most_common_val_nulls", Array(&Bool)),
    ("most_common_freqs", Array(&Float8)),
    ("most_common_base_freqs", Array(&Float8)),
];

/// pg_stats_ext_exprs (OID 12063, relkind 'v').
pub(super) const PG_STATS_EXT_EXPRS: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("statistics_schemaname", Name),
    ("statistics_name", Name),
    ("statistics_owner", Name),
    ("expr", Text),
    ("inherited", Bool),
    ("null_frac", Float4),
    ("avg_width", Int4),
    ("n_distinct", Float4),
    ("most_common_vals", Text),
    ("most_common_freqs", Array(&Float4)),
    ("histogram_bounds", Text),
    ("correlation", Float4),
    ("most_common_elems", Text),
    ("most_common_elem_freqs", Array(&Float4)),
    ("elem_count_histogram", Array(&Float4)),
];

/// pg_subscription (OID 6100, relkind 'r').
pub(super) const PG_SUBSCRIPTION: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("subdbid", Oid),
    ("subskiplsn", Text),
    ("subname", Name),
    ("subowner", Oid),
    ("subenabled", Bool),
    ("subbinary", Bool),
    ("substream", Bool),
    ("subtwophasestate", Char),
    ("subdisableonerr", Bool),
    ("subconninfo", Text),
    ("subslotname", Name),
    ("subsynccommit", Text),
    ("subpublications", Array(&Text)),
];

/// pg_subscription_rel (OID 6102, relkind 'r').
pub(super) const PG_SUBSCRIPTION_REL: &[(&str, DataType)] = &[
    ("srsubid", Oid),
    ("srrelid", Oid),
    ("srsubstate", Char),
    ("srsublsn", Text),
];

/// pg_tables (OID 12033, relkind 'v').
pub(super) const PG_TABLES: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("tablename", Name),
    ("tableowner", Name),
    ("tablespace", Name),
    ("hasindexes", Bool),
    ("hasrules", Bool),
    ("hastriggers", Bool),
    ("rowsecurity", Bool),
];

/// pg_tablespace (OID 1213, relkind 'r').
pub(super) const PG_TABLESPACE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("spcname", Name),
    ("spcowner", Oid),
    ("spcacl", Array(&AclItem)),
    ("spcoptions", Array(&Text)),
];

/// pg_timezone_abbrevs (OID 12122, relkind 'v').
pub(super) const PG_TIMEZONE_ABBREVS: &[(&str, DataType)] =
    &[("abbrev", Text), ("utc_offset", Interval), ("is_dst", Bool)];

/// pg_timezone_names (OID 12126, relkind 'v').
pub(super) const PG_TIMEZONE_NAMES: &[(&str, DataType)] = &[
    ("name", Text),
    ("abbrev", Text),
    ("utc_offset", Interval),
    ("is_dst", Bool),
];

/// pg_transform (OID 3576, relkind 'r').
pub(super) const PG_TRANSFORM: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("trftype", Oid),
    ("trflang", Oid),
    ("trffromsql", Regproc),
    ("trftosql", Regproc),
];

/// pg_trigger (OID 2620, relkind 'r').
pub(super) const PG_TRIGGER: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("tgrelid", Oid),
    ("tgparentid", Oid),
    ("tgname", Name),
    ("tgfoid", Oid),
    ("tgtype", Int2),
    ("tgenabled", Char),
    ("tgisinternal", Bool),
    ("tgconstrrelid", Oid),
    ("tgconstrindid", Oid),
    ("tgconstraint", Oid),
    ("tgdeferrable", Bool),
    ("tginitdeferred", Bool),
    ("tgnargs", Int2),
    ("tgattr", Int2Vector),
    ("tgargs", Bytea),
    ("tgqual", PgNodeTree),
    ("tgoldtable", Name),
    ("tgnewtable", Name),
];

/// pg_ts_config (OID 3602, relkind 'r').
pub(super) const PG_TS_CONFIG: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("cfgname", Name),
    ("cfgnamespace", Oid),
    ("cfgowner", Oid),
    ("cfgparser", Oid),
];

/// pg_ts_config_map (OID 3603, relkind 'r').
pub(super) const PG_TS_CONFIG_MAP: &[(&str, DataType)] = &[
    ("mapcfg", Oid),
    ("maptokentype", Int4),
    ("mapseqno", Int4),
    ("mapdict", Oid),
];

/// pg_ts_dict (OID 3600, relkind 'r').
pub(super) const PG_TS_DICT: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("dictname", Name),
    ("dictnamespace", Oid),
    ("dictowner", Oid),
    ("dicttemplate", Oid),
    ("dictinitoption", Text),
];

/// pg_ts_parser (OID 3601, relkind 'r').
pub(super) const PG_TS_PARSER: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("prsname", Name),
    ("prsnamespace", Oid),
    ("prsstart", Regproc),
    ("prstoken", Regproc),
    ("prsend", Regproc),
    ("prsheadline", Regproc),
    ("prslextype", Regproc),
];

/// pg_ts_template (OID 3764, relkind 'r').
pub(super) const PG_TS_TEMPLATE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("tmplname", Name),
    ("tmplnamespace", Oid),
    ("tmplinit", Regproc),
    ("tmpllexize", Regproc),
];

/// pg_type (OID 1247, relkind 'r').
pub(super) const PG_TYPE: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("typname", Name),
    ("typnamespace", Oid),
    ("typowner", Oid),
    ("typlen", Int2),
    ("typbyval", Bool),
    ("typtype", Char),
    ("typcategory", Char),
    ("typispreferred", Bool),
    ("typisdefined", Bool),
    ("typdelim", Char),
    ("typrelid", Oid),
    ("typsubscript", Regproc),
    ("typelem", Oid),
    ("typarray", Oid),
    ("typinput", Regproc),
    ("typoutput", Regproc),
    ("typreceive", Regproc),
    ("typsend", Regproc),
    ("typmodin", Regproc),
    ("typmodout", Regproc),
    ("typanalyze", Regproc),
    ("typalign", Char),
    ("typstorage", Char),
    ("typnotnull", Bool),
    ("typbasetype", Oid),
    ("typtypmod", Int4),
    ("typndims", Int4),
    ("typcollation", Oid),
    ("typdefaultbin", PgNodeTree),
    ("typdefault", Text),
    ("typacl", Array(&AclItem)),
];

/// pg_user (OID 12014, relkind 'v').
pub(super) const PG_USER: &[(&str, DataType)] = &[
    ("usename", Name),
    ("usesysid", Oid),
    ("usecreatedb", Bool),
    ("usesuper", Bool),
    ("userepl", Bool),
    ("usebypassrls", Bool),
    ("passwd", Text),
    ("valuntil", TimestampTz),
    ("useconfig", Array(&Text)),
];

/// pg_user_mapping (OID 1418, relkind 'r').
pub(super) const PG_USER_MAPPING: &[(&str, DataType)] = &[
    ("oid", Oid),
    ("umuser", Oid),
    ("umserver", Oid),
    ("umoptions", Array(&Text)),
];

/// pg_user_mappings (OID 12327, relkind 'v').
pub(super) const PG_USER_MAPPINGS: &[(&str, DataType)] = &[
    ("umid", Oid),
    ("srvid", Oid),
    ("srvname", Name),
    ("umuser", Oid),
    ("usename", Name),
    ("umoptions", Array(&Text)),
];

/// pg_views (OID 12028, relkind 'v').
pub(super) const PG_VIEWS: &[(&str, DataType)] = &[
    ("schemaname", Name),
    ("viewname", Name),
    ("viewowner", Name),
    ("definition", Text),
];

/// information_schema.check_constraints (OID 13260).
pub(super) const IS_CHECK_CONSTRAINTS: &[(&str, DataType)] = &[
    ("constraint_catalog", Name),
    ("constraint_schema", Name),
    ("constraint_name", Name),
    ("check_clause", Varchar),
];

/// information_schema.columns (OID 13295).
pub(super) const IS_COLUMNS: &[(&str, DataType)] = &[
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("column_name", Name),
    ("ordinal_position", Int4),
    ("column_default", Varchar),
    ("is_nullable", Varchar),
    ("data_type", Varchar),
    ("character_maximum_length", Int4),
    ("character_octet_length", Int4),
    ("numeric_precision", Int4),
    ("numeric_precision_radix", Int4),
    ("numeric_scale", Int4),
    ("datetime_precision", Int4),
    ("interval_type", Varchar),
    ("interval_precision", Int4),
    ("character_set_catalog", Name),
    ("character_set_schema", Name),
    ("character_set_name", Name),
    ("collation_catalog", Name),
    ("collation_schema", Name),
    ("collation_name", Name),
    ("domain_catalog", Name),
    ("domain_schema", Name),
    ("domain_name", Name),
    ("udt_catalog", Name),
    ("udt_schema", Name),
    ("udt_name", Name),
    ("scope_catalog", Name),
    ("scope_schema", Name),
    ("scope_name", Name),
    ("maximum_cardinality", Int4),
    ("dtd_identifier", Name),
    ("is_self_referencing", Varchar),
    ("is_identity", Varchar),
    ("identity_generation", Varchar),
    ("identity_start", Varchar),
    ("identity_increment", Varchar),
    ("identity_maximum", Varchar),
    ("identity_minimum", Varchar),
    ("identity_cycle", Varchar),
    ("is_generated", Varchar),
    ("generation_expression", Varchar),
    ("is_updatable", Varchar),
];

/// information_schema.constraint_column_usage (OID 13300).
pub(super) const IS_CONSTRAINT_COLUMN_USAGE: &[(&str, DataType)] = &[
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("column_name", Name),
    ("constraint_catalog", Name),
    ("constraint_schema", Name),
    ("constraint_name", Name),
];

/// information_schema.key_column_usage (OID 13329).
pub(super) const IS_KEY_COLUMN_USAGE: &[(&str, DataType)] = &[
    ("constraint_catalog", Name),
    ("constraint_schema", Name),
    ("constraint_name", Name),
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("column_name", Name),
    ("ordinal_position", Int4),
    ("position_in_unique_constraint", Int4),
];

/// information_schema.referential_constraints (OID 13339).
pub(super) const IS_REFERENTIAL_CONSTRAINTS: &[(&str, DataType)] = &[
    ("constraint_catalog", Name),
    ("constraint_schema", Name),
    ("constraint_name", Name),
    ("unique_constraint_catalog", Name),
    ("unique_constraint_schema", Name),
    ("unique_constraint_name", Name),
    ("match_option", Varchar),
    ("update_rule", Varchar),
    ("delete_rule", Varchar),
];

/// information_schema.schemata (OID 13382).
pub(super) const IS_SCHEMATA: &[(&str, DataType)] = &[
    ("catalog_name", Name),
    ("schema_name", Name),
    ("schema_owner", Name),
    ("default_character_set_catalog", Name),
    ("default_character_set_schema", Name),
    ("default_character_set_name", Name),
    ("sql_path", Varchar),
];

/// information_schema.sequences (OID 13386).
pub(super) const IS_SEQUENCES: &[(&str, DataType)] = &[
    ("sequence_catalog", Name),
    ("sequence_schema", Name),
    ("sequence_name", Name),
    ("data_type", Varchar),
    ("numeric_precision", Int4),
    ("numeric_precision_radix", Int4),
    ("numeric_scale", Int4),
    ("start_value", Varchar),
    ("minimum_value", Varchar),
    ("maximum_value", Varchar),
    ("increment", Varchar),
    ("cycle_option", Varchar),
];

/// information_schema.parameters (OID 13334).
pub(super) const IS_PARAMETERS: &[(&str, DataType)] = &[
    ("specific_catalog", Name),
    ("specific_schema", Name),
    ("specific_name", Name),
    ("ordinal_position", Int4),
    ("parameter_mode", Varchar),
    ("is_result", Varchar),
    ("as_locator", Varchar),
    ("parameter_name", Name),
    ("data_type", Varchar),
    ("character_maximum_length", Int4),
    ("character_octet_length", Int4),
    ("character_set_catalog", Name),
    ("character_set_schema", Name),
    ("character_set_name", Name),
    ("collation_catalog", Name),
    ("collation_schema", Name),
    ("collation_name", Name),
    ("numeric_precision", Int4),
    ("numeric_precision_radix", Int4),
    ("numeric_scale", Int4),
    ("datetime_precision", Int4),
    ("interval_type", Varchar),
    ("interval_precision", Int4),
    ("udt_catalog", Name),
    ("udt_schema", Name),
    ("udt_name", Name),
    ("scope_catalog", Name),
    ("scope_schema", Name),
    ("scope_name", Name),
    ("maximum_cardinality", Int4),
    ("dtd_identifier", Name),
    ("parameter_default", Varchar),
];

/// information_schema.routines (OID 13377).
pub(super) const IS_ROUTINES: &[(&str, DataType)] = &[
    ("specific_catalog", Name),
    ("specific_schema", Name),
    ("specific_name", Name),
    ("routine_catalog", Name),
    ("routine_schema", Name),
    ("routine_name", Name),
    ("routine_type", Varchar),
    ("module_catalog", Name),
    ("module_schema", Name),
    ("module_name", Name),
    ("udt_catalog", Name),
    ("udt_schema", Name),
    ("udt_name", Name),
    ("data_type", Varchar),
    ("character_maximum_length", Int4),
    ("character_octet_length", Int4),
    ("character_set_catalog", Name),
    ("character_set_schema", Name),
    ("character_set_name", Name),
    ("collation_catalog", Name),
    ("collation_schema", Name),
    ("collation_name", Name),
    ("numeric_precision", Int4),
    ("numeric_precision_radix", Int4),
    ("numeric_scale", Int4),
    ("datetime_precision", Int4),
    ("interval_type", Varchar),
    ("interval_precision", Int4),
    ("type_udt_catalog", Name),
    ("type_udt_schema", Name),
    ("type_udt_name", Name),
    ("scope_catalog", Name),
    ("scope_schema", Name),
    ("scope_name", Name),
    ("maximum_cardinality", Int4),
    ("dtd_identifier", Name),
    ("routine_body", Varchar),
    ("routine_definition", Varchar),
    ("external_name", Varchar),
    ("external_language", Varchar),
    ("parameter_style", Varchar),
    ("is_deterministic", Varchar),
    ("sql_data_access", Varchar),
    ("is_null_call", Varchar),
    ("sql_path", Varchar),
    ("schema_level_routine", Varchar),
    ("max_dynamic_result_sets", Int4),
    ("is_user_defined_cast", Varchar),
    ("is_implicitly_invocable", Varchar),
    ("security_type", Varchar),
    ("to_sql_specific_catalog", Name),
    ("to_sql_specific_schema", Name),
    ("to_sql_specific_name", Name),
    ("as_locator", Varchar),
    ("created", TimestampTz),
    ("last_altered", TimestampTz),
    ("new_savepoint_level", Varchar),
    ("is_udt_dependent", Varchar),
    ("result_cast_from_data_type", Varchar),
    ("result_cast_as_locator", Varchar),
    ("result_cast_char_max_length", Int4),
    ("result_cast_char_octet_length", Int4),
    ("result_cast_char_set_catalog", Name),
    ("result_cast_char_set_schema", Name),
    ("result_cast_char_set_name", Name),
    ("result_cast_collation_catalog", Name),
    ("result_cast_collation_schema", Name),
    ("result_cast_collation_name", Name),
    ("result_cast_numeric_precision", Int4),
    ("result_cast_numeric_precision_radix", Int4),
    ("result_cast_numeric_scale", Int4),
    ("result_cast_datetime_precision", Int4),
    ("result_cast_interval_type", Varchar),
    ("result_cast_interval_precision", Int4),
    ("result_cast_type_udt_catalog", Name),
    ("result_cast_type_udt_schema", Name),
    ("result_cast_type_udt_name", Name),
    ("result_cast_scope_catalog", Name),
    ("result_cast_scope_schema", Name),
    ("result_cast_scope_name", Name),
    ("result_cast_maximum_cardinality", Int4),
    ("result_cast_dtd_identifier", Name),
];

/// information_schema.table_constraints (OID 13411).
pub(super) const IS_TABLE_CONSTRAINTS: &[(&str, DataType)] = &[
    ("constraint_catalog", Name),
    ("constraint_schema", Name),
    ("constraint_name", Name),
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("constraint_type", Varchar),
    ("is_deferrable", Varchar),
    ("initially_deferred", Varchar),
    ("enforced", Varchar),
    ("nulls_distinct", Varchar),
];

/// information_schema.tables (OID 13425).
pub(super) const IS_TABLES: &[(&str, DataType)] = &[
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("table_type", Varchar),
    ("self_referencing_column_name", Name),
    ("reference_generation", Varchar),
    ("user_defined_type_catalog", Name),
    ("user_defined_type_schema", Name),
    ("user_defined_type_name", Name),
    ("is_insertable_into", Varchar),
    ("is_typed", Varchar),
    ("commit_action", Varchar),
];

/// information_schema.views (OID 13483).
/// information_schema.triggers.
pub(super) const IS_TRIGGERS: &[(&str, DataType)] = &[
    ("trigger_catalog", Name),
    ("trigger_schema", Name),
    ("trigger_name", Name),
    ("event_manipulation", Varchar),
    ("event_object_catalog", Name),
    ("event_object_schema", Name),
    ("event_object_table", Name),
    ("action_order", Int4),
    ("action_condition", Varchar),
    ("action_statement", Varchar),
    ("action_orientation", Varchar),
    ("action_timing", Varchar),
    ("action_reference_old_table", Name),
    ("action_reference_new_table", Name),
    ("action_reference_old_row", Name),
    ("action_reference_new_row", Name),
    ("created", TimestampTz),
];

pub(super) const IS_VIEWS: &[(&str, DataType)] = &[
    ("table_catalog", Name),
    ("table_schema", Name),
    ("table_name", Name),
    ("view_definition", Varchar),
    ("check_option", Varchar),
    ("is_updatable", Varchar),
    ("is_insertable_into", Varchar),
    ("is_trigger_updatable", Varchar),
    ("is_trigger_deletable", Varchar),
    ("is_trigger_insertable_into", Varchar),
];
