//! Settings: PostgreSQL's grand unified configuration (guc.c), in small.
//!
//! One table, [`DEFS`], names every setting with its type, limits, unit,
//! context and description, using PostgreSQL's names and texts. The same
//! [`Settings`] value is filled, in order, from the built-in defaults,
//! postgresql.conf, the command line (`-c name=value`), the client's startup
//! packet and finally SET; each source may change only what its context
//! allows, with PostgreSQL's errors.
//!
//! ```text
//! boot value → config file → command line ─┐  (server-wide, ServerConfig)
//!                                          └→ startup packet → SET / RESET
//!                                             (per session; RESET returns to
//!                                              the value at session start)
//! ```

use std::fmt::Write;
use std::sync::Arc;

use crate::error::{Result, SqlError, SqlState};
use crate::value::Zone;

/// Who may change a setting, and when (GucContext).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Context {
    /// Fixed at build time (server_version).
    Internal,
    /// Needs a restart (port, shared_buffers).
    Postmaster,
    /// Config file or command line only (authentication_timeout).
    Sighup,
    /// Startup packet or earlier (log_connections).
    Backend,
    /// Superusers may SET it.
    Superuser,
    /// Anyone may SET it.
    User,
}

/// Where a value comes from (GucSource, simplified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// postgresql.conf.
    ConfigFile,
    /// `-c name=value` or a CLI flag.
    CommandLine,
    /// The client's startup packet (or its `options`).
    Startup,
    /// SET in a session.
    Session,
}

/// The unit of an integer setting's stored value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// No unit.
    None,
    /// Bytes.
    Bytes,
    /// Kilobytes.
    Kb,
    /// 8 kB blocks.
    Blocks,
    /// Megabytes.
    Mb,
    /// Microseconds.
    Us,
    /// Milliseconds.
    Ms,
    /// Seconds.
    S,
    /// Minutes.
    Min,
}

impl Unit {
    fn is_memory(self) -> bool {
        matches!(self, Unit::Bytes | Unit::Kb | Unit::Blocks | Unit::Mb)
    }

    /// Bytes (memory) or microseconds (time) in one of this unit.
    fn base(self) -> f64 {
        match self {
            Unit::None => 1.0,
            Unit::Bytes => 1.0,
            Unit::Kb => 1024.0,
            Unit::Blocks => 8192.0,
            Unit::Mb => 1024.0 * 1024.0,
            Unit::Us => 1.0,
            Unit::Ms => 1000.0,
            Unit::S => 1_000_000.0,
            Unit::Min => 60_000_000.0,
        }
    }

    /// The unit as PostgreSQL names it in messages.
    pub fn label(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Bytes => "B",
            Unit::Kb => "kB",
            Unit::Blocks => "8kB",
            Unit::Mb => "MB",
            Unit::Us => "us",
            Unit::Ms => "ms",
            Unit::S => "s",
            Unit::Min => "min",
        }
    }
}

const MEMORY_UNITS: &[(&str, f64)] = &[
    ("TB", 1024.0 * 1024.0 * 1024.0 * 1024.0),
    ("GB", 1024.0 * 1024.0 * 1024.0),
    ("MB", 1024.0 * 1024.0),
    ("kB", 1024.0),
    ("B", 1.0),
];
const TIME_UNITS: &[(&str, f64)] = &[
    ("d", 86_400_000_000.0),
    ("h", 3_600_000_000.0),
    ("min", 60_000_000.0),
    ("s", 1_000_000.0),
    ("ms", 1000.0),
    ("us", 1.0),
];

/// The type of a setting.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// on/off.
    Bool,
    /// An integer in `unit`s within `min..=max`.
    Int {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
        /// Unit of the stored value.
        unit: Unit,
    },
    /// A real number within `min..=max`.
    Real {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Unit of the stored value.
        unit: Unit,
    },
    /// Free text, validated by the setting's check (if any).
    Str,
    /// One of the listed words.
    Enum(&'static [&'static str]),
}

/// One setting's definition.
#[derive(Debug)]
pub struct SettingDef {
    /// Canonical name, as SHOW ALL prints it.
    pub name: &'static str,
    /// Type and limits.
    pub kind: Kind,
    /// Who may change it.
    pub context: Context,
    /// Built-in default, as text.
    pub boot: &'static str,
    /// Sent to the client in ParameterStatus (GUC_REPORT).
    pub report: bool,
    /// pg_settings.short_desc.
    pub description: &'static str,
}

/// Settings SHOW shows by name but SHOW ALL and pg_settings leave out
/// (PostgreSQL's GUC_NO_SHOW_ALL).
pub const NO_SHOW_ALL: &[&str] = &["is_superuser", "role", "session_authorization"];

const fn def(
    name: &'static str,
    kind: Kind,
    context: Context,
    boot: &'static str,
    description: &'static str,
) -> SettingDef {
    SettingDef {
        name,
        kind,
        context,
        boot,
        report: false,
        description,
    }
}

const fn reported(d: SettingDef) -> SettingDef {
    SettingDef { report: true, ..d }
}

const fn int(min: i64, max: i64, unit: Unit) -> Kind {
    Kind::Int { min, max, unit }
}

const fn real(min: f64, max: f64) -> Kind {
    Kind::Real {
        min,
        max,
        unit: Unit::None,
    }
}

const fn real_in(min: f64, max: f64, unit: Unit) -> Kind {
    Kind::Real { min, max, unit }
}

const INT_MAX: i64 = i32::MAX as i64;
const ISOLATION_LEVELS: &[&str] = &[
    "serializable",
    "repeatable read",
    "read committed",
    "read uncommitted",
];

/// The version string this server reports.
pub const SERVER_VERSION: &str = concat!("15.18 (actorgres ", env!("CARGO_PKG_VERSION"), ")");

use Context::*;

/// Every setting, sorted by name (case-insensitive), as SHOW ALL lists them.
pub static DEFS: &[SettingDef] = &[
    def(
        "allow_in_place_tablespaces",
        Kind::Bool,
        Superuser,
        "off",
        "Allows tablespaces directly inside pg_tblspc, for testing.",
    ),
    def(
        "allow_system_table_mods",
        Kind::Bool,
        Superuser,
        "off",
        "Allows modifications of the structure of system tables.",
    ),
    reported(def(
        "application_name",
        Kind::Str,
        User,
        "",
        "Sets the application name to be reported in statistics and logs.",
    )),
    def(
        "archive_cleanup_command",
        Kind::Str,
        Sighup,
        "",
        "Sets the shell command that will be executed at every restart point.",
    ),
    def(
        "archive_command",
        Kind::Str,
        Sighup,
        "",
        "Sets the shell command that will be called to archive a WAL file.",
    ),
    def(
        "archive_library",
        Kind::Str,
        Sighup,
        "",
        "Sets the library that will be called to archive a WAL file.",
    ),
    def(
        "archive_mode",
        Kind::Enum(&["always", "on", "off"]),
        Postmaster,
        "off",
        "Allows archiving of WAL files using archive_command.",
    ),
    def(
        "archive_timeout",
        int(0, 1073741823, Unit::S),
        Sighup,
        "0",
        "Sets the amount of time to wait before forcing a switch to the next WAL file.",
    ),
    def(
        "array_nulls",
        Kind::Bool,
        User,
        "on",
        "Enable input of NULL elements in arrays.",
    ),
    def(
        "authentication_timeout",
        int(1, 600, Unit::S),
        Sighup,
        "60",
        "Sets the maximum allowed time to complete client authentication.",
    ),
    def(
        "autovacuum",
        Kind::Bool,
        Sighup,
        "on",
        "Starts the autovacuum subprocess.",
    ),
    def(
        "autovacuum_analyze_scale_factor",
        real_in(0.0, 100.0, Unit::None),
        Sighup,
        "0.1",
        "Number of tuple inserts, updates, or deletes prior to analyze as a fraction of reltuples.",
    ),
    def(
        "autovacuum_analyze_threshold",
        int(0, INT_MAX, Unit::None),
        Sighup,
        "50",
        "Minimum number of tuple inserts, updates, or deletes prior to analyze.",
    ),
    def(
        "autovacuum_freeze_max_age",
        int(100000, 2000000000, Unit::None),
        Postmaster,
        "200000000",
        "Age at which to autovacuum a table to prevent transaction ID wraparound.",
    ),
    def(
        "autovacuum_max_workers",
        int(1, 262143, Unit::None),
        Postmaster,
        "3",
        "Sets the maximum number of simultaneously running autovacuum worker processes.",
    ),
    def(
        "autovacuum_multixact_freeze_max_age",
        int(10000, 2000000000, Unit::None),
        Postmaster,
        "400000000",
        "Multixact age at which to autovacuum a table to prevent multixact wraparound.",
    ),
    def(
        "autovacuum_naptime",
        int(1, 2_147_483, Unit::S),
        Sighup,
        "60",
        "Time to sleep between autovacuum runs.",
    ),
    def(
        "autovacuum_vacuum_cost_delay",
        real_in(-1.0, 100.0, Unit::Ms),
        Sighup,
        "2",
        "Vacuum cost delay in milliseconds, for autovacuum.",
    ),
    def(
        "autovacuum_vacuum_cost_limit",
        int(-1, 10000, Unit::None),
        Sighup,
        "-1",
        "Vacuum cost amount available before napping, for autovacuum.",
    ),
    def(
        "autovacuum_vacuum_insert_scale_factor",
        real_in(0.0, 100.0, Unit::None),
        Sighup,
        "0.2",
        "Number of tuple inserts prior to vacuum as a fraction of reltuples.",
    ),
    def(
        "autovacuum_vacuum_insert_threshold",
        int(-1, INT_MAX, Unit::None),
        Sighup,
        "1000",
        "Minimum number of tuple inserts prior to vacuum, or -1 to disable insert vacuums.",
    ),
    def(
        "autovacuum_vacuum_scale_factor",
        real(0.0, 100.0),
        Sighup,
        "0.2",
        "Number of tuple updates or deletes prior to vacuum as a fraction of reltuples.",
    ),
    def(
        "autovacuum_vacuum_threshold",
        int(0, INT_MAX, Unit::None),
        Sighup,
        "50",
        "Minimum number of tuple updates or deletes prior to vacuum.",
    ),
    def(
        "autovacuum_work_mem",
        int(-1, INT_MAX, Unit::Kb),
        Sighup,
        "-1",
        "Sets the maximum memory to be used by each autovacuum worker process.",
    ),
    def(
        "backend_flush_after",
        int(0, 256, Unit::Blocks),
        User,
        "0",
        "Number of pages after which previously performed writes are flushed to disk.",
    ),
    def(
        "backslash_quote",
        Kind::Enum(&["safe_encoding", "on", "off"]),
        User,
        "safe_encoding",
        "Sets whether \"\\'\" is allowed in string literals.",
    ),
    def(
        "backtrace_functions",
        Kind::Str,
        Superuser,
        "",
        "Log backtrace for errors in these functions.",
    ),
    def(
        "bgwriter_delay",
        int(10, 10000, Unit::Ms),
        Sighup,
        "200",
        "Background writer sleep time between rounds.",
    ),
    def(
        "bgwriter_flush_after",
        int(0, 256, Unit::Blocks),
        Sighup,
        "64",
        "Number of pages after which previously performed writes are flushed to disk.",
    ),
    def(
        "bgwriter_lru_maxpages",
        int(0, 1_073_741_823, Unit::None),
        Sighup,
        "100",
        "Background writer maximum number of LRU pages to flush per round.",
    ),
    def(
        "bgwriter_lru_multiplier",
        real_in(0.0, 10.0, Unit::None),
        Sighup,
        "2",
        "Multiple of the average buffer usage to free per round.",
    ),
    def(
        "block_size",
        int(8192, 8192, Unit::None),
        Internal,
        "8192",
        "Shows the size of a disk block.",
    ),
    def(
        "bonjour",
        Kind::Bool,
        Postmaster,
        "off",
        "Enables advertising the server via Bonjour.",
    ),
    def(
        "bonjour_name",
        Kind::Str,
        Postmaster,
        "",
        "Sets the Bonjour service name.",
    ),
    def(
        "bytea_output",
        Kind::Enum(&["escape", "hex"]),
        User,
        "hex",
        "Sets the output format for bytea.",
    ),
    def(
        "check_function_bodies",
        Kind::Bool,
        User,
        "on",
        "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE.",
    ),
    def(
        "checkpoint_completion_target",
        real(0.0, 1.0),
        Sighup,
        "0.9",
        "Time spent flushing dirty buffers during checkpoint, as fraction of checkpoint interval.",
    ),
    def(
        "checkpoint_flush_after",
        int(0, 256, Unit::Blocks),
        Sighup,
        "32",
        "Number of pages after which previously performed writes are flushed to disk.",
    ),
    def(
        "checkpoint_timeout",
        int(30, 86400, Unit::S),
        Sighup,
        "300",
        "Sets the maximum time between automatic WAL checkpoints.",
    ),
    def(
        "checkpoint_warning",
        int(0, INT_MAX, Unit::S),
        Sighup,
        "30",
        "Sets the maximum time before warning if checkpoints triggered by WAL volume happen too frequently.",
    ),
    def(
        "client_connection_check_interval",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the time interval between checks for disconnection while running queries.",
    ),
    reported(def(
        "client_encoding",
        Kind::Str,
        User,
        "UTF8",
        "Sets the client's character set encoding.",
    )),
    def(
        "client_min_messages",
        Kind::Enum(&[
            "debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error",
        ]),
        User,
        "notice",
        "Sets the message levels that are sent to the client.",
    ),
    def(
        "cluster_name",
        Kind::Str,
        Postmaster,
        "",
        "Sets the name of the cluster, which is included in the process title.",
    ),
    def(
        "commit_delay",
        int(0, 100000, Unit::None),
        Superuser,
        "0",
        "Sets the delay in microseconds between transaction commit and flushing WAL to disk.",
    ),
    def(
        "commit_siblings",
        int(0, 1000, Unit::None),
        User,
        "5",
        "Sets the minimum number of concurrent open transactions required before performing commit_delay.",
    ),
    def(
        "compute_query_id",
        Kind::Enum(&["auto", "regress", "on", "off"]),
        Superuser,
        "auto",
        "Enables in-core computation of query identifiers.",
    ),
    def(
        "config_file",
        Kind::Str,
        Postmaster,
        "",
        "Sets the server's main configuration file.",
    ),
    def(
        "constraint_exclusion",
        Kind::Enum(&["partition", "on", "off"]),
        User,
        "partition",
        "Enables the planner to use constraints to optimize queries.",
    ),
    def(
        "cpu_index_tuple_cost",
        real_in(0.0, 1.797690e+308, Unit::None),
        User,
        "0.005",
        "Sets the planner's estimate of the cost of processing each index entry during an index scan.",
    ),
    def(
        "cpu_operator_cost",
        real_in(0.0, 1.797690e+308, Unit::None),
        User,
        "0.0025",
        "Sets the planner's estimate of the cost of processing each operator or function call.",
    ),
    def(
        "cpu_tuple_cost",
        real_in(0.0, 1.797690e+308, Unit::None),
        User,
        "0.01",
        "Sets the planner's estimate of the cost of processing each tuple (row).",
    ),
    def(
        "cursor_tuple_fraction",
        real_in(0.0, 1.0, Unit::None),
        User,
        "0.1",
        "Sets the planner's estimate of the fraction of a cursor's rows that will be retrieved.",
    ),
    def(
        "data_checksums",
        Kind::Bool,
        Internal,
        "off",
        "Shows whether data checksums are turned on for this cluster.",
    ),
    def(
        "data_directory",
        Kind::Str,
        Postmaster,
        "",
        "Sets the server's data directory.",
    ),
    def(
        "data_directory_mode",
        int(0, 511, Unit::None),
        Internal,
        "448",
        "Shows the mode of the data directory.",
    ),
    def(
        "data_sync_retry",
        Kind::Bool,
        Postmaster,
        "off",
        "Whether to continue running after a failure to sync data files.",
    ),
    reported(def(
        "DateStyle",
        Kind::Str,
        User,
        "ISO, MDY",
        "Sets the display format for date and time values.",
    )),
    def(
        "db_user_namespace",
        Kind::Bool,
        Sighup,
        "off",
        "Enables per-database user names.",
    ),
    def(
        "deadlock_timeout",
        int(1, INT_MAX, Unit::Ms),
        Superuser,
        "1000",
        "Sets the time to wait on a lock before checking for deadlock.",
    ),
    def(
        "debug_assertions",
        Kind::Bool,
        Internal,
        "off",
        "Shows whether the running server has assertion checks enabled.",
    ),
    def(
        "debug_discard_caches",
        int(0, 0, Unit::None),
        Superuser,
        "0",
        "Aggressively flush system caches for debugging purposes.",
    ),
    def(
        "debug_pretty_print",
        Kind::Bool,
        User,
        "on",
        "Indents parse and plan tree displays.",
    ),
    def(
        "debug_print_parse",
        Kind::Bool,
        User,
        "off",
        "Logs each query's parse tree.",
    ),
    def(
        "debug_print_plan",
        Kind::Bool,
        User,
        "off",
        "Logs each query's execution plan.",
    ),
    def(
        "debug_print_rewritten",
        Kind::Bool,
        User,
        "off",
        "Logs each query's rewritten parse tree.",
    ),
    def(
        "default_statistics_target",
        int(1, 10000, Unit::None),
        User,
        "100",
        "Sets the default statistics target.",
    ),
    def(
        "default_table_access_method",
        Kind::Str,
        User,
        "heap",
        "Sets the default table access method for new tables.",
    ),
    def(
        "default_tablespace",
        Kind::Str,
        User,
        "",
        "Sets the default tablespace to create tables and indexes in.",
    ),
    def(
        "default_text_search_config",
        Kind::Str,
        User,
        "pg_catalog.english",
        "Sets default text search configuration.",
    ),
    def(
        "default_toast_compression",
        Kind::Enum(&["pglz", "lz4"]),
        User,
        "pglz",
        "Sets the default compression method for compressible values.",
    ),
    def(
        "default_transaction_deferrable",
        Kind::Bool,
        User,
        "off",
        "Sets the default deferrable status of new transactions.",
    ),
    def(
        "default_transaction_isolation",
        Kind::Enum(ISOLATION_LEVELS),
        User,
        "read committed",
        "Sets the transaction isolation level of each new transaction.",
    ),
    reported(def(
        "default_transaction_read_only",
        Kind::Bool,
        User,
        "off",
        "Sets the default read-only status of new transactions.",
    )),
    def(
        "dynamic_library_path",
        Kind::Str,
        Superuser,
        "$libdir",
        "Sets the path for dynamically loadable modules.",
    ),
    def(
        "dynamic_shared_memory_type",
        Kind::Enum(&["posix", "sysv", "mmap"]),
        Postmaster,
        "posix",
        "Selects the dynamic shared memory implementation used.",
    ),
    def(
        "effective_cache_size",
        int(1, INT_MAX, Unit::Blocks),
        User,
        "524288",
        "Sets the planner's assumption about the total size of the data caches.",
    ),
    def(
        "effective_io_concurrency",
        int(0, 1000, Unit::None),
        User,
        "1",
        "Number of simultaneous requests that can be handled efficiently by the disk subsystem.",
    ),
    def(
        "enable_async_append",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of async append plans.",
    ),
    def(
        "enable_bitmapscan",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of bitmap-scan plans.",
    ),
    def(
        "enable_gathermerge",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of gather merge plans.",
    ),
    def(
        "enable_hashagg",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of hashed aggregation plans.",
    ),
    def(
        "enable_hashjoin",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of hash join plans.",
    ),
    def(
        "enable_incremental_sort",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of incremental sort steps.",
    ),
    def(
        "enable_indexonlyscan",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of index-only-scan plans.",
    ),
    def(
        "enable_indexscan",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of index-scan plans.",
    ),
    def(
        "enable_material",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of materialization.",
    ),
    def(
        "enable_memoize",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of memoization.",
    ),
    def(
        "enable_mergejoin",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of merge join plans.",
    ),
    def(
        "enable_nestloop",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of nested-loop join plans.",
    ),
    def(
        "enable_parallel_append",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of parallel append plans.",
    ),
    def(
        "enable_parallel_hash",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of parallel hash plans.",
    ),
    def(
        "enable_partition_pruning",
        Kind::Bool,
        User,
        "on",
        "Enables plan-time and execution-time partition pruning.",
    ),
    def(
        "enable_partitionwise_aggregate",
        Kind::Bool,
        User,
        "off",
        "Enables partitionwise aggregation and grouping.",
    ),
    def(
        "enable_partitionwise_join",
        Kind::Bool,
        User,
        "off",
        "Enables partitionwise join.",
    ),
    def(
        "enable_seqscan",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of sequential-scan plans.",
    ),
    def(
        "enable_sort",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of explicit sort steps.",
    ),
    def(
        "enable_tidscan",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of TID scan plans.",
    ),
    def(
        "escape_string_warning",
        Kind::Bool,
        User,
        "on",
        "Warn about backslash escapes in ordinary string literals.",
    ),
    def(
        "event_source",
        Kind::Str,
        Postmaster,
        "PostgreSQL",
        "Sets the application name used to identify PostgreSQL messages in the event log.",
    ),
    def(
        "exit_on_error",
        Kind::Bool,
        User,
        "off",
        "Terminate session on any error.",
    ),
    def(
        "extension_destdir",
        Kind::Str,
        Superuser,
        "",
        "Path to prepend for extension loading.",
    ),
    def(
        "external_pid_file",
        Kind::Str,
        Postmaster,
        "",
        "Writes the postmaster PID to the specified file.",
    ),
    def(
        "extra_float_digits",
        int(-15, 3, Unit::None),
        User,
        "1",
        "Sets the number of digits displayed for floating-point values.",
    ),
    def(
        "force_parallel_mode",
        Kind::Enum(&["off", "on", "regress"]),
        User,
        "off",
        "Forces use of parallel query facilities.",
    ),
    def(
        "from_collapse_limit",
        int(1, INT_MAX, Unit::None),
        User,
        "8",
        "Sets the FROM-list size beyond which subqueries are not collapsed.",
    ),
    def(
        "fsync",
        Kind::Bool,
        Sighup,
        "on",
        "Forces synchronization of updates to disk.",
    ),
    def(
        "full_page_writes",
        Kind::Bool,
        Sighup,
        "on",
        "Writes full pages to WAL when first modified after a checkpoint.",
    ),
    def(
        "geqo",
        Kind::Bool,
        User,
        "on",
        "Enables genetic query optimization.",
    ),
    def(
        "geqo_effort",
        int(1, 10, Unit::None),
        User,
        "5",
        "GEQO: effort is used to set the default for other GEQO parameters.",
    ),
    def(
        "geqo_generations",
        int(0, INT_MAX, Unit::None),
        User,
        "0",
        "GEQO: number of iterations of the algorithm.",
    ),
    def(
        "geqo_pool_size",
        int(0, INT_MAX, Unit::None),
        User,
        "0",
        "GEQO: number of individuals in the population.",
    ),
    def(
        "geqo_seed",
        real_in(0.0, 1.0, Unit::None),
        User,
        "0",
        "GEQO: seed for random path selection.",
    ),
    def(
        "geqo_selection_bias",
        real_in(1.5, 2.0, Unit::None),
        User,
        "2",
        "GEQO: selective pressure within the population.",
    ),
    def(
        "geqo_threshold",
        int(2, INT_MAX, Unit::None),
        User,
        "12",
        "Sets the threshold of FROM items beyond which GEQO is used.",
    ),
    def(
        "gin_fuzzy_search_limit",
        int(0, INT_MAX, Unit::None),
        User,
        "0",
        "Sets the maximum allowed result for exact search by GIN.",
    ),
    def(
        "gin_pending_list_limit",
        int(64, INT_MAX, Unit::Kb),
        User,
        "4096",
        "Sets the maximum size of the pending list for GIN index.",
    ),
    def(
        "hash_mem_multiplier",
        real(1.0, 1000.0),
        User,
        "2",
        "Multiple of \"work_mem\" to use for hash tables.",
    ),
    def(
        "hba_file",
        Kind::Str,
        Postmaster,
        "",
        "Sets the server's \"hba\" configuration file.",
    ),
    def(
        "hot_standby",
        Kind::Bool,
        Postmaster,
        "on",
        "Allows connections and queries during recovery.",
    ),
    def(
        "hot_standby_feedback",
        Kind::Bool,
        Sighup,
        "off",
        "Allows feedback from a hot standby to the primary that will avoid query conflicts.",
    ),
    def(
        "huge_page_size",
        int(0, INT_MAX, Unit::Kb),
        Postmaster,
        "0",
        "The size of huge page that should be requested.",
    ),
    def(
        "huge_pages",
        Kind::Enum(&["off", "on", "try"]),
        Postmaster,
        "try",
        "Use of huge pages on Linux or Windows.",
    ),
    def(
        "ident_file",
        Kind::Str,
        Postmaster,
        "",
        "Sets the server's \"ident\" configuration file.",
    ),
    def(
        "idle_in_transaction_session_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the maximum allowed idle time between queries, when in a transaction.",
    ),
    def(
        "idle_session_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the maximum allowed idle time between queries, when not in a transaction.",
    ),
    def(
        "ignore_checksum_failure",
        Kind::Bool,
        Superuser,
        "off",
        "Continues processing after a checksum failure.",
    ),
    def(
        "ignore_invalid_pages",
        Kind::Bool,
        Postmaster,
        "off",
        "Continues recovery after an invalid pages failure.",
    ),
    def(
        "ignore_system_indexes",
        Kind::Bool,
        Backend,
        "off",
        "Disables reading from system indexes.",
    ),
    reported(def(
        "in_hot_standby",
        Kind::Bool,
        Internal,
        "off",
        "Shows whether hot standby is currently active.",
    )),
    reported(def(
        "integer_datetimes",
        Kind::Bool,
        Internal,
        "on",
        "Shows whether datetimes are integer based.",
    )),
    reported(def(
        "IntervalStyle",
        Kind::Enum(&["postgres", "postgres_verbose", "sql_standard", "iso_8601"]),
        User,
        "postgres",
        "Sets the display format for interval values.",
    )),
    def(
        "introspection_listen",
        Kind::Str,
        Postmaster,
        "127.0.0.1:8432",
        "Sets the address (ADDR:PORT) of the supervision-tree HTTP endpoint; empty disables it.",
    ),
    reported(def(
        "is_superuser",
        Kind::Bool,
        Internal,
        "on",
        "Shows whether the current user is a superuser.",
    )),
    def(
        "jit",
        Kind::Bool,
        User,
        "on",
        "Allow JIT compilation.",
    ),
    def(
        "jit_above_cost",
        real_in(-1.0, 1.797690e+308, Unit::None),
        User,
        "100000",
        "Perform JIT compilation if query is more expensive.",
    ),
    def(
        "jit_debugging_support",
        Kind::Bool,
        Backend,
        "off",
        "Register JIT-compiled functions with debugger.",
    ),
    def(
        "jit_dump_bitcode",
        Kind::Bool,
        Superuser,
        "off",
        "Write out LLVM bitcode to facilitate JIT debugging.",
    ),
    def(
        "jit_expressions",
        Kind::Bool,
        User,
        "on",
        "Allow JIT compilation of expressions.",
    ),
    def(
        "jit_inline_above_cost",
        real_in(-1.0, 1.797690e+308, Unit::None),
        User,
        "500000",
        "Perform JIT inlining if query is more expensive.",
    ),
    def(
        "jit_optimize_above_cost",
        real_in(-1.0, 1.797690e+308, Unit::None),
        User,
        "500000",
        "Optimize JIT-compiled functions if query is more expensive.",
    ),
    def(
        "jit_profiling_support",
        Kind::Bool,
        Backend,
        "off",
        "Register JIT-compiled functions with perf profiler.",
    ),
    def(
        "jit_provider",
        Kind::Str,
        Postmaster,
        "llvmjit",
        "JIT provider to use.",
    ),
    def(
        "jit_tuple_deforming",
        Kind::Bool,
        User,
        "on",
        "Allow JIT compilation of tuple deforming.",
    ),
    def(
        "join_collapse_limit",
        int(1, INT_MAX, Unit::None),
        User,
        "8",
        "Sets the FROM-list size beyond which JOIN constructs are not flattened.",
    ),
    def(
        "krb_caseins_users",
        Kind::Bool,
        Sighup,
        "off",
        "Sets whether Kerberos and GSSAPI user names should be treated as case-insensitive.",
    ),
    def(
        "krb_server_keyfile",
        Kind::Str,
        Sighup,
        "FILE:/etc/postgresql-common/krb5.keytab",
        "Sets the location of the Kerberos server key file.",
    ),
    def(
        "lc_collate",
        Kind::Str,
        Internal,
        "C",
        "Shows the collation order locale.",
    ),
    def(
        "lc_ctype",
        Kind::Str,
        Internal,
        "C",
        "Shows the character classification and case conversion locale.",
    ),
    def(
        "lc_messages",
        Kind::Str,
        Superuser,
        "C",
        "Sets the language in which messages are displayed.",
    ),
    def(
        "lc_monetary",
        Kind::Str,
        User,
        "C",
        "Sets the locale for formatting monetary amounts.",
    ),
    def(
        "lc_numeric",
        Kind::Str,
        User,
        "C",
        "Sets the locale for formatting numbers.",
    ),
    def(
        "lc_time",
        Kind::Str,
        User,
        "C",
        "Sets the locale for formatting date and time values.",
    ),
    def(
        "listen_addresses",
        Kind::Str,
        Postmaster,
        "localhost",
        "Sets the host name or IP address(es) to listen to.",
    ),
    def(
        "lo_compat_privileges",
        Kind::Bool,
        Superuser,
        "off",
        "Enables backward compatibility mode for privilege checks on large objects.",
    ),
    def(
        "local_preload_libraries",
        Kind::Str,
        User,
        "",
        "Lists unprivileged shared libraries to preload into each backend.",
    ),
    def(
        "lock_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the maximum allowed duration of any wait for a lock.",
    ),
    def(
        "log_autovacuum_min_duration",
        int(-1, INT_MAX, Unit::Ms),
        Sighup,
        "600000",
        "Sets the minimum execution time above which autovacuum actions will be logged.",
    ),
    def(
        "log_checkpoints",
        Kind::Bool,
        Sighup,
        "on",
        "Logs each checkpoint.",
    ),
    def(
        "log_connections",
        Kind::Bool,
        Backend,
        "off",
        "Logs each successful connection.",
    ),
    def(
        "log_destination",
        Kind::Str,
        Sighup,
        "stderr",
        "Sets the destination for server log output.",
    ),
    def(
        "log_directory",
        Kind::Str,
        Sighup,
        "log",
        "Sets the destination directory for log files.",
    ),
    def(
        "log_disconnections",
        Kind::Bool,
        Backend,
        "off",
        "Logs end of a session, including duration.",
    ),
    def(
        "log_duration",
        Kind::Bool,
        Superuser,
        "off",
        "Logs the duration of each completed SQL statement.",
    ),
    def(
        "log_error_verbosity",
        Kind::Enum(&["terse", "default", "verbose"]),
        Superuser,
        "default",
        "Sets the verbosity of logged messages.",
    ),
    def(
        "log_executor_stats",
        Kind::Bool,
        Superuser,
        "off",
        "Writes executor performance statistics to the server log.",
    ),
    def(
        "log_file_mode",
        int(0, 511, Unit::None),
        Sighup,
        "384",
        "Sets the file permissions for log files.",
    ),
    def(
        "log_filename",
        Kind::Str,
        Sighup,
        "postgresql-%Y-%m-%d_%H%M%S.log",
        "Sets the file name pattern for log files.",
    ),
    def(
        "log_hostname",
        Kind::Bool,
        Sighup,
        "off",
        "Logs the host name in the connection logs.",
    ),
    def(
        "log_line_prefix",
        Kind::Str,
        Sighup,
        "%m [%p] ",
        "Controls information prefixed to each log line.",
    ),
    def(
        "log_lock_waits",
        Kind::Bool,
        Superuser,
        "off",
        "Logs long lock waits.",
    ),
    def(
        "log_min_duration_sample",
        int(-1, INT_MAX, Unit::Ms),
        Superuser,
        "-1",
        "Sets the minimum execution time above which a sample of statements will be logged. Sampling is determined by log_statement_sample_rate.",
    ),
    def(
        "log_min_duration_statement",
        int(-1, INT_MAX, Unit::Ms),
        Superuser,
        "-1",
        "Sets the minimum execution time above which all statements will be logged.",
    ),
    def(
        "log_min_error_statement",
        Kind::Enum(&["debug5", "debug4", "debug3", "debug2", "debug1", "info", "notice", "warning", "error", "log", "fatal", "panic"]),
        Superuser,
        "error",
        "Causes all statements generating error at or above this level to be logged.",
    ),
    def(
        "log_min_messages",
        Kind::Enum(&["debug5", "debug4", "debug3", "debug2", "debug1", "info", "notice", "warning", "error", "log", "fatal", "panic"]),
        Superuser,
        "warning",
        "Sets the message levels that are logged.",
    ),
    def(
        "log_parameter_max_length",
        int(-1, 1073741823, Unit::Bytes),
        Superuser,
        "-1",
        "Sets the maximum length in bytes of data logged for bind parameter values when logging statements.",
    ),
    def(
        "log_parameter_max_length_on_error",
        int(-1, 1073741823, Unit::Bytes),
        User,
        "0",
        "Sets the maximum length in bytes of data logged for bind parameter values when logging statements, on error.",
    ),
    def(
        "log_parser_stats",
        Kind::Bool,
        Superuser,
        "off",
        "Writes parser performance statistics to the server log.",
    ),
    def(
        "log_planner_stats",
        Kind::Bool,
        Superuser,
        "off",
        "Writes planner performance statistics to the server log.",
    ),
    def(
        "log_recovery_conflict_waits",
        Kind::Bool,
        Sighup,
        "off",
        "Logs standby recovery conflict waits.",
    ),
    def(
        "log_replication_commands",
        Kind::Bool,
        Superuser,
        "off",
        "Logs each replication command.",
    ),
    def(
        "log_rotation_age",
        int(0, 35791394, Unit::Min),
        Sighup,
        "1440",
        "Sets the amount of time to wait before forcing log file rotation.",
    ),
    def(
        "log_rotation_size",
        int(0, 2097151, Unit::Kb),
        Sighup,
        "10240",
        "Sets the maximum size a log file can reach before being rotated.",
    ),
    def(
        "log_startup_progress_interval",
        int(0, INT_MAX, Unit::Ms),
        Sighup,
        "10000",
        "Time between progress updates for long-running startup operations.",
    ),
    def(
        "log_statement",
        Kind::Enum(&["none", "ddl", "mod", "all"]),
        Superuser,
        "none",
        "Sets the type of statements logged.",
    ),
    def(
        "log_statement_sample_rate",
        real_in(0.0, 1.0, Unit::None),
        Superuser,
        "1",
        "Fraction of statements exceeding log_min_duration_sample to be logged.",
    ),
    def(
        "log_statement_stats",
        Kind::Bool,
        Superuser,
        "off",
        "Writes cumulative performance statistics to the server log.",
    ),
    def(
        "log_temp_files",
        int(-1, INT_MAX, Unit::Kb),
        Superuser,
        "-1",
        "Log the use of temporary files larger than this number of kilobytes.",
    ),
    def(
        "log_timezone",
        Kind::Str,
        Sighup,
        "GMT",
        "Sets the time zone to use in log messages.",
    ),
    def(
        "log_transaction_sample_rate",
        real_in(0.0, 1.0, Unit::None),
        Superuser,
        "0",
        "Sets the fraction of transactions from which to log all statements.",
    ),
    def(
        "log_truncate_on_rotation",
        Kind::Bool,
        Sighup,
        "off",
        "Truncate existing log files of same name during log rotation.",
    ),
    def(
        "logging_collector",
        Kind::Bool,
        Postmaster,
        "off",
        "Start a subprocess to capture stderr, csvlog and/or jsonlog into log files.",
    ),
    def(
        "logical_decoding_work_mem",
        int(64, INT_MAX, Unit::Kb),
        User,
        "65536",
        "Sets the maximum memory to be used for logical decoding.",
    ),
    def(
        "maintenance_io_concurrency",
        int(0, 1000, Unit::None),
        User,
        "10",
        "A variant of effective_io_concurrency that is used for maintenance work.",
    ),
    def(
        "maintenance_work_mem",
        int(1024, INT_MAX, Unit::Kb),
        User,
        "65536",
        "Sets the maximum memory to be used for maintenance operations.",
    ),
    def(
        "max_connections",
        int(1, 262_143, Unit::None),
        Postmaster,
        "100",
        "Sets the maximum number of concurrent connections.",
    ),
    def(
        "max_files_per_process",
        int(64, INT_MAX, Unit::None),
        Postmaster,
        "1000",
        "Sets the maximum number of simultaneously open files for each server process.",
    ),
    def(
        "max_function_args",
        int(100, 100, Unit::None),
        Internal,
        "100",
        "Shows the maximum number of function arguments.",
    ),
    def(
        "max_identifier_length",
        int(63, 63, Unit::None),
        Internal,
        "63",
        "Shows the maximum identifier length.",
    ),
    def(
        "max_index_keys",
        int(32, 32, Unit::None),
        Internal,
        "32",
        "Shows the maximum number of index keys.",
    ),
    def(
        "max_locks_per_transaction",
        int(10, INT_MAX, Unit::None),
        Postmaster,
        "64",
        "Sets the maximum number of locks per transaction.",
    ),
    def(
        "max_logical_replication_workers",
        int(0, 262143, Unit::None),
        Postmaster,
        "4",
        "Maximum number of logical replication worker processes.",
    ),
    def(
        "max_parallel_maintenance_workers",
        int(0, 1024, Unit::None),
        User,
        "2",
        "Sets the maximum number of parallel processes per maintenance operation.",
    ),
    def(
        "max_parallel_workers",
        int(0, 1024, Unit::None),
        User,
        "8",
        "Sets the maximum number of parallel workers that can be active at one time.",
    ),
    def(
        "max_parallel_workers_per_gather",
        int(0, 1024, Unit::None),
        User,
        "2",
        "Sets the maximum number of parallel processes per executor node.",
    ),
    def(
        "max_pred_locks_per_page",
        int(0, INT_MAX, Unit::None),
        Sighup,
        "2",
        "Sets the maximum number of predicate-locked tuples per page.",
    ),
    def(
        "max_pred_locks_per_relation",
        int(-INT_MAX - 1, INT_MAX, Unit::None),
        Sighup,
        "-2",
        "Sets the maximum number of predicate-locked pages and tuples per relation.",
    ),
    def(
        "max_pred_locks_per_transaction",
        int(10, INT_MAX, Unit::None),
        Postmaster,
        "64",
        "Sets the maximum number of predicate locks per transaction.",
    ),
    def(
        "max_prepared_transactions",
        int(0, 262143, Unit::None),
        Postmaster,
        "0",
        "Sets the maximum number of simultaneously prepared transactions.",
    ),
    def(
        "max_replication_slots",
        int(0, 262143, Unit::None),
        Postmaster,
        "10",
        "Sets the maximum number of simultaneously defined replication slots.",
    ),
    def(
        "max_slot_wal_keep_size",
        int(-1, INT_MAX, Unit::Mb),
        Sighup,
        "-1",
        "Sets the maximum WAL size that can be reserved by replication slots.",
    ),
    def(
        "max_stack_depth",
        int(100, INT_MAX, Unit::Kb),
        Superuser,
        "2048",
        "Sets the maximum stack depth, in kilobytes.",
    ),
    def(
        "max_standby_archive_delay",
        int(-1, INT_MAX, Unit::Ms),
        Sighup,
        "30000",
        "Sets the maximum delay before canceling queries when a hot standby server is processing archived WAL data.",
    ),
    def(
        "max_standby_streaming_delay",
        int(-1, INT_MAX, Unit::Ms),
        Sighup,
        "30000",
        "Sets the maximum delay before canceling queries when a hot standby server is processing streamed WAL data.",
    ),
    def(
        "max_sync_workers_per_subscription",
        int(0, 262143, Unit::None),
        Sighup,
        "2",
        "Maximum number of table synchronization workers per subscription.",
    ),
    def(
        "max_wal_senders",
        int(0, 262143, Unit::None),
        Postmaster,
        "10",
        "Sets the maximum number of simultaneously running WAL sender processes.",
    ),
    def(
        "max_wal_size",
        int(2, INT_MAX, Unit::Mb),
        Sighup,
        "1024",
        "Sets the WAL size that triggers a checkpoint.",
    ),
    def(
        "max_worker_processes",
        int(0, 262143, Unit::None),
        Postmaster,
        "8",
        "Maximum number of concurrent worker processes.",
    ),
    def(
        "min_dynamic_shared_memory",
        int(0, INT_MAX, Unit::Mb),
        Postmaster,
        "0",
        "Amount of dynamic shared memory reserved at startup.",
    ),
    def(
        "min_parallel_index_scan_size",
        int(0, 715827882, Unit::Blocks),
        User,
        "64",
        "Sets the minimum amount of index data for a parallel scan.",
    ),
    def(
        "min_parallel_table_scan_size",
        int(0, 715_827_882, Unit::Blocks),
        User,
        "1024",
        "Sets the minimum amount of table data for a parallel scan.",
    ),
    def(
        "min_wal_size",
        int(2, INT_MAX, Unit::Mb),
        Sighup,
        "80",
        "Sets the minimum size to shrink the WAL to.",
    ),
    def(
        "old_snapshot_threshold",
        int(-1, 86400, Unit::Min),
        Postmaster,
        "-1",
        "Time before a snapshot is too old to read pages changed after the snapshot was taken.",
    ),
    def(
        "parallel_leader_participation",
        Kind::Bool,
        User,
        "on",
        "Controls whether Gather and Gather Merge also run subplans.",
    ),
    def(
        "parallel_setup_cost",
        real_in(0.0, 1.797690e+308, Unit::None),
        User,
        "1000",
        "Sets the planner's estimate of the cost of starting up worker processes for parallel query.",
    ),
    def(
        "parallel_tuple_cost",
        real_in(0.0, 1.797690e+308, Unit::None),
        User,
        "0.1",
        "Sets the planner's estimate of the cost of passing each tuple (row) from worker to leader backend.",
    ),
    def(
        "password_encryption",
        Kind::Enum(&["md5", "scram-sha-256"]),
        User,
        "scram-sha-256",
        "Chooses the algorithm for encrypting passwords.",
    ),
    def(
        "plan_cache_mode",
        Kind::Enum(&["auto", "force_generic_plan", "force_custom_plan"]),
        User,
        "auto",
        "Controls the planner's selection of custom or generic plan.",
    ),
    def(
        "port",
        int(1, 65535, Unit::None),
        Postmaster,
        "5432",
        "Sets the TCP port the server listens on.",
    ),
    def(
        "post_auth_delay",
        int(0, 2147, Unit::S),
        Backend,
        "0",
        "Sets the amount of time to wait after authentication on connection startup.",
    ),
    def(
        "pre_auth_delay",
        int(0, 60, Unit::S),
        Sighup,
        "0",
        "Sets the amount of time to wait before authentication on connection startup.",
    ),
    def(
        "primary_conninfo",
        Kind::Str,
        Sighup,
        "",
        "Sets the connection string to be used to connect to the sending server.",
    ),
    def(
        "primary_slot_name",
        Kind::Str,
        Sighup,
        "",
        "Sets the name of the replication slot to use on the sending server.",
    ),
    def(
        "promote_trigger_file",
        Kind::Str,
        Sighup,
        "",
        "Specifies a file name whose presence ends recovery in the standby.",
    ),
    def(
        "quote_all_identifiers",
        Kind::Bool,
        User,
        "off",
        "When generating SQL fragments, quote all identifiers.",
    ),
    def(
        "random_page_cost",
        real(0.0, f64::MAX),
        User,
        "4",
        "Sets the planner's estimate of the cost of a nonsequentially fetched disk page.",
    ),
    def(
        "recovery_end_command",
        Kind::Str,
        Sighup,
        "",
        "Sets the shell command that will be executed once at the end of recovery.",
    ),
    def(
        "recovery_init_sync_method",
        Kind::Enum(&["fsync", "syncfs"]),
        Sighup,
        "fsync",
        "Sets the method for synchronizing the data directory before crash recovery.",
    ),
    def(
        "recovery_min_apply_delay",
        int(0, INT_MAX, Unit::Ms),
        Sighup,
        "0",
        "Sets the minimum delay for applying changes during recovery.",
    ),
    def(
        "recovery_prefetch",
        Kind::Enum(&["off", "on", "try"]),
        Sighup,
        "try",
        "Prefetch referenced blocks during recovery.",
    ),
    def(
        "recovery_target",
        Kind::Str,
        Postmaster,
        "",
        "Set to \"immediate\" to end recovery as soon as a consistent state is reached.",
    ),
    def(
        "recovery_target_action",
        Kind::Enum(&["pause", "promote", "shutdown"]),
        Postmaster,
        "pause",
        "Sets the action to perform upon reaching the recovery target.",
    ),
    def(
        "recovery_target_inclusive",
        Kind::Bool,
        Postmaster,
        "on",
        "Sets whether to include or exclude transaction with recovery target.",
    ),
    def(
        "recovery_target_lsn",
        Kind::Str,
        Postmaster,
        "",
        "Sets the LSN of the write-ahead log location up to which recovery will proceed.",
    ),
    def(
        "recovery_target_name",
        Kind::Str,
        Postmaster,
        "",
        "Sets the named restore point up to which recovery will proceed.",
    ),
    def(
        "recovery_target_time",
        Kind::Str,
        Postmaster,
        "",
        "Sets the time stamp up to which recovery will proceed.",
    ),
    def(
        "recovery_target_timeline",
        Kind::Str,
        Postmaster,
        "latest",
        "Specifies the timeline to recover into.",
    ),
    def(
        "recovery_target_xid",
        Kind::Str,
        Postmaster,
        "",
        "Sets the transaction ID up to which recovery will proceed.",
    ),
    def(
        "recursive_worktable_factor",
        real_in(0.001, 1000000.0, Unit::None),
        User,
        "10",
        "Sets the planner's estimate of the average size of a recursive query's working table.",
    ),
    def(
        "remove_temp_files_after_crash",
        Kind::Bool,
        Sighup,
        "on",
        "Remove temporary files after backend crash.",
    ),
    def(
        "restart_after_crash",
        Kind::Bool,
        Sighup,
        "on",
        "Reinitialize server after backend crash.",
    ),
    def(
        "restore_command",
        Kind::Str,
        Sighup,
        "",
        "Sets the shell command that will be called to retrieve an archived WAL file.",
    ),
    def(
        "restrict_nonsystem_relation_kind",
        Kind::Str,
        User,
        "",
        "Prohibits access to non-system relations of specified kinds.",
    ),
    def(
        "role",
        Kind::Str,
        User,
        "none",
        "Sets the current role.",
    ),
    def(
        "row_security",
        Kind::Bool,
        User,
        "on",
        "Enable row security.",
    ),
    def(
        "search_path",
        Kind::Str,
        User,
        "\"$user\", public",
        "Sets the schema search order for names that are not schema-qualified.",
    ),
    def(
        "segment_size",
        int(131072, 131072, Unit::Blocks),
        Internal,
        "131072",
        "Shows the number of pages per disk file.",
    ),
    def(
        "seq_page_cost",
        real(0.0, f64::MAX),
        User,
        "1",
        "Sets the planner's estimate of the cost of a sequentially fetched disk page.",
    ),
    reported(def(
        "server_encoding",
        Kind::Str,
        Internal,
        "UTF8",
        "Shows the server (database) character set encoding.",
    )),
    reported(def(
        "server_version",
        Kind::Str,
        Internal,
        SERVER_VERSION,
        "Shows the server version.",
    )),
    def(
        "server_version_num",
        int(150018, 150018, Unit::None),
        Internal,
        "150018",
        "Shows the server version as an integer.",
    ),
    reported(def(
        "session_authorization",
        Kind::Str,
        Internal,
        "",
        "Sets the session user name.",
    )),
    def(
        "session_preload_libraries",
        Kind::Str,
        Superuser,
        "",
        "Lists shared libraries to preload into each backend.",
    ),
    def(
        "session_replication_role",
        Kind::Enum(&["origin", "replica", "local"]),
        Superuser,
        "origin",
        "Sets the session's behavior for triggers and rewrite rules.",
    ),
    def(
        "shared_buffers",
        int(16, 1_073_741_823, Unit::Blocks),
        Postmaster,
        "16384",
        "Sets the number of shared memory buffers used by the server.",
    ),
    def(
        "shared_memory_size",
        int(0, INT_MAX, Unit::Mb),
        Internal,
        "0",
        "Shows the size of the server's main shared memory area (rounded up to the nearest MB).",
    ),
    def(
        "shared_memory_size_in_huge_pages",
        int(-1, INT_MAX, Unit::None),
        Internal,
        "-1",
        "Shows the number of huge pages needed for the main shared memory area.",
    ),
    def(
        "shared_memory_type",
        Kind::Enum(&["sysv", "mmap"]),
        Postmaster,
        "mmap",
        "Selects the shared memory implementation used for the main shared memory region.",
    ),
    def(
        "shared_preload_libraries",
        Kind::Str,
        Postmaster,
        "",
        "Lists shared libraries to preload into server.",
    ),
    def(
        "ssl",
        Kind::Bool,
        Sighup,
        "off",
        "Enables SSL connections.",
    ),
    def(
        "ssl_ca_file",
        Kind::Str,
        Sighup,
        "",
        "Location of the SSL certificate authority file.",
    ),
    def(
        "ssl_cert_file",
        Kind::Str,
        Sighup,
        "server.crt",
        "Location of the SSL server certificate file.",
    ),
    def(
        "ssl_ciphers",
        Kind::Str,
        Sighup,
        "HIGH:MEDIUM:+3DES:!aNULL",
        "Sets the list of allowed SSL ciphers.",
    ),
    def(
        "ssl_crl_dir",
        Kind::Str,
        Sighup,
        "",
        "Location of the SSL certificate revocation list directory.",
    ),
    def(
        "ssl_crl_file",
        Kind::Str,
        Sighup,
        "",
        "Location of the SSL certificate revocation list file.",
    ),
    def(
        "ssl_dh_params_file",
        Kind::Str,
        Sighup,
        "",
        "Location of the SSL DH parameters file.",
    ),
    def(
        "ssl_ecdh_curve",
        Kind::Str,
        Sighup,
        "prime256v1",
        "Sets the curve to use for ECDH.",
    ),
    def(
        "ssl_key_file",
        Kind::Str,
        Sighup,
        "server.key",
        "Location of the SSL server private key file.",
    ),
    def(
        "ssl_library",
        Kind::Str,
        Internal,
        "OpenSSL",
        "Shows the name of the SSL library.",
    ),
    def(
        "ssl_max_protocol_version",
        Kind::Enum(&["", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
        Sighup,
        "",
        "Sets the maximum SSL/TLS protocol version to use.",
    ),
    def(
        "ssl_min_protocol_version",
        Kind::Enum(&["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
        Sighup,
        "TLSv1.2",
        "Sets the minimum SSL/TLS protocol version to use.",
    ),
    def(
        "ssl_passphrase_command",
        Kind::Str,
        Sighup,
        "",
        "Command to obtain passphrases for SSL.",
    ),
    def(
        "ssl_passphrase_command_supports_reload",
        Kind::Bool,
        Sighup,
        "off",
        "Controls whether ssl_passphrase_command is called during server reload.",
    ),
    def(
        "ssl_prefer_server_ciphers",
        Kind::Bool,
        Sighup,
        "on",
        "Give priority to server ciphersuite order.",
    ),
    reported(def(
        "standard_conforming_strings",
        Kind::Bool,
        User,
        "on",
        "Causes '...' strings to treat backslashes literally.",
    )),
    def(
        "statement_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the maximum allowed duration of any statement.",
    ),
    def(
        "stats_fetch_consistency",
        Kind::Enum(&["none", "cache", "snapshot"]),
        User,
        "cache",
        "Sets the consistency of accesses to statistics data.",
    ),
    def(
        "superuser_reserved_connections",
        int(0, 262143, Unit::None),
        Postmaster,
        "3",
        "Sets the number of connection slots reserved for superusers.",
    ),
    def(
        "synchronize_seqscans",
        Kind::Bool,
        User,
        "on",
        "Enable synchronized sequential scans.",
    ),
    def(
        "synchronous_commit",
        Kind::Enum(&["local", "remote_write", "remote_apply", "on", "off"]),
        User,
        "on",
        "Sets the current transaction's synchronization level.",
    ),
    def(
        "synchronous_standby_names",
        Kind::Str,
        Sighup,
        "",
        "Number of synchronous standbys and list of names of potential synchronous ones.",
    ),
    def(
        "syslog_facility",
        Kind::Enum(&["local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]),
        Sighup,
        "local0",
        "Sets the syslog \"facility\" to be used when syslog enabled.",
    ),
    def(
        "syslog_ident",
        Kind::Str,
        Sighup,
        "postgres",
        "Sets the program name used to identify PostgreSQL messages in syslog.",
    ),
    def(
        "syslog_sequence_numbers",
        Kind::Bool,
        Sighup,
        "on",
        "Add sequence number to syslog messages to avoid duplicate suppression.",
    ),
    def(
        "syslog_split_messages",
        Kind::Bool,
        Sighup,
        "on",
        "Split messages sent to syslog by lines and to fit into 1024 bytes.",
    ),
    def(
        "tcp_keepalives_count",
        int(0, INT_MAX, Unit::None),
        User,
        "0",
        "Maximum number of TCP keepalive retransmits.",
    ),
    def(
        "tcp_keepalives_idle",
        int(0, INT_MAX, Unit::S),
        User,
        "0",
        "Time between issuing TCP keepalives.",
    ),
    def(
        "tcp_keepalives_interval",
        int(0, INT_MAX, Unit::S),
        User,
        "0",
        "Time between TCP keepalive retransmits.",
    ),
    def(
        "tcp_user_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "TCP user timeout.",
    ),
    def(
        "temp_buffers",
        int(100, 1_073_741_823, Unit::Blocks),
        User,
        "1024",
        "Sets the maximum number of temporary buffers used by each session.",
    ),
    def(
        "temp_file_limit",
        int(-1, INT_MAX, Unit::Kb),
        Superuser,
        "-1",
        "Limits the total size of all temporary files used by each process.",
    ),
    def(
        "temp_tablespaces",
        Kind::Str,
        User,
        "",
        "Sets the tablespace(s) to use for temporary tables and sort files.",
    ),
    reported(def(
        "TimeZone",
        Kind::Str,
        User,
        "Etc/UTC",
        "Sets the time zone for displaying and interpreting time stamps.",
    )),
    def(
        "timezone_abbreviations",
        Kind::Str,
        User,
        "",
        "Selects a file of time zone abbreviations.",
    ),
    def(
        "trace_notify",
        Kind::Bool,
        User,
        "off",
        "Generates debugging output for LISTEN and NOTIFY.",
    ),
    def(
        "trace_recovery_messages",
        Kind::Enum(&["debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"]),
        Sighup,
        "log",
        "Enables logging of recovery-related debugging information.",
    ),
    def(
        "trace_sort",
        Kind::Bool,
        User,
        "off",
        "Emit information about resource usage in sorting.",
    ),
    def(
        "track_activities",
        Kind::Bool,
        Superuser,
        "on",
        "Collects information about executing commands.",
    ),
    def(
        "track_activity_query_size",
        int(100, 1048576, Unit::Bytes),
        Postmaster,
        "1024",
        "Sets the size reserved for pg_stat_activity.query, in bytes.",
    ),
    def(
        "track_commit_timestamp",
        Kind::Bool,
        Postmaster,
        "off",
        "Collects transaction commit time.",
    ),
    def(
        "track_counts",
        Kind::Bool,
        Superuser,
        "on",
        "Collects statistics on database activity.",
    ),
    def(
        "track_functions",
        Kind::Enum(&["none", "pl", "all"]),
        Superuser,
        "none",
        "Collects function-level statistics on database activity.",
    ),
    def(
        "track_io_timing",
        Kind::Bool,
        Superuser,
        "off",
        "Collects timing statistics for database I/O activity.",
    ),
    def(
        "track_wal_io_timing",
        Kind::Bool,
        Superuser,
        "off",
        "Collects timing statistics for WAL I/O activity.",
    ),
    def(
        "transaction_deferrable",
        Kind::Bool,
        User,
        "off",
        "Whether to defer a read-only serializable transaction until it can be executed with no possible serialization failures.",
    ),
    def(
        "transaction_isolation",
        Kind::Enum(ISOLATION_LEVELS),
        User,
        "read committed",
        "Sets the current transaction's isolation level.",
    ),
    def(
        "transaction_read_only",
        Kind::Bool,
        User,
        "off",
        "Sets the current transaction's read-only status.",
    ),
    def(
        "transform_null_equals",
        Kind::Bool,
        User,
        "off",
        "Treats \"expr=NULL\" as \"expr IS NULL\".",
    ),
    def(
        "unix_socket_directories",
        Kind::Str,
        Postmaster,
        "/var/run/postgresql",
        "Sets the directories where Unix-domain sockets will be created.",
    ),
    def(
        "unix_socket_group",
        Kind::Str,
        Postmaster,
        "",
        "Sets the owning group of the Unix-domain socket.",
    ),
    def(
        "unix_socket_permissions",
        int(0, 511, Unit::None),
        Postmaster,
        "511",
        "Sets the access permissions of the Unix-domain socket.",
    ),
    def(
        "update_process_title",
        Kind::Bool,
        Superuser,
        "on",
        "Updates the process title to show the active SQL command.",
    ),
    def(
        "vacuum_cost_delay",
        real_in(0.0, 100.0, Unit::Ms),
        User,
        "0",
        "Vacuum cost delay in milliseconds.",
    ),
    def(
        "vacuum_cost_limit",
        int(1, 10000, Unit::None),
        User,
        "200",
        "Vacuum cost amount available before napping.",
    ),
    def(
        "vacuum_cost_page_dirty",
        int(0, 10000, Unit::None),
        User,
        "20",
        "Vacuum cost for a page dirtied by vacuum.",
    ),
    def(
        "vacuum_cost_page_hit",
        int(0, 10000, Unit::None),
        User,
        "1",
        "Vacuum cost for a page found in the buffer cache.",
    ),
    def(
        "vacuum_cost_page_miss",
        int(0, 10000, Unit::None),
        User,
        "2",
        "Vacuum cost for a page not found in the buffer cache.",
    ),
    def(
        "vacuum_defer_cleanup_age",
        int(0, 1000000, Unit::None),
        Sighup,
        "0",
        "Number of transactions by which VACUUM and HOT cleanup should be deferred, if any.",
    ),
    def(
        "vacuum_failsafe_age",
        int(0, 2100000000, Unit::None),
        User,
        "1600000000",
        "Age at which VACUUM should trigger failsafe to avoid a wraparound outage.",
    ),
    def(
        "vacuum_freeze_min_age",
        int(0, 1000000000, Unit::None),
        User,
        "50000000",
        "Minimum age at which VACUUM should freeze a table row.",
    ),
    def(
        "vacuum_freeze_table_age",
        int(0, 2000000000, Unit::None),
        User,
        "150000000",
        "Age at which VACUUM should scan whole table to freeze tuples.",
    ),
    def(
        "vacuum_multixact_failsafe_age",
        int(0, 2100000000, Unit::None),
        User,
        "1600000000",
        "Multixact age at which VACUUM should trigger failsafe to avoid a wraparound outage.",
    ),
    def(
        "vacuum_multixact_freeze_min_age",
        int(0, 1000000000, Unit::None),
        User,
        "5000000",
        "Minimum age at which VACUUM should freeze a MultiXactId in a table row.",
    ),
    def(
        "vacuum_multixact_freeze_table_age",
        int(0, 2000000000, Unit::None),
        User,
        "150000000",
        "Multixact age at which VACUUM should scan whole table to freeze tuples.",
    ),
    def(
        "wal_block_size",
        int(8192, 8192, Unit::None),
        Internal,
        "8192",
        "Shows the block size in the write ahead log.",
    ),
    def(
        "wal_buffers",
        int(-1, 262143, Unit::Blocks),
        Postmaster,
        "-1",
        "Sets the number of disk-page buffers in shared memory for WAL.",
    ),
    def(
        "wal_compression",
        Kind::Enum(&["pglz", "lz4", "zstd", "on", "off"]),
        Superuser,
        "off",
        "Compresses full-page writes written in WAL file with specified method.",
    ),
    def(
        "wal_consistency_checking",
        Kind::Str,
        Superuser,
        "",
        "Sets the WAL resource managers for which WAL consistency checks are done.",
    ),
    def(
        "wal_decode_buffer_size",
        int(65536, 1073741823, Unit::Bytes),
        Postmaster,
        "524288",
        "Buffer size for reading ahead in the WAL during recovery.",
    ),
    def(
        "wal_init_zero",
        Kind::Bool,
        Superuser,
        "on",
        "Writes zeroes to new WAL files before first use.",
    ),
    def(
        "wal_keep_size",
        int(0, INT_MAX, Unit::Mb),
        Sighup,
        "0",
        "Sets the size of WAL files held for standby servers.",
    ),
    def(
        "wal_level",
        Kind::Enum(&["minimal", "replica", "logical"]),
        Postmaster,
        "replica",
        "Sets the level of information written to the WAL.",
    ),
    def(
        "wal_log_hints",
        Kind::Bool,
        Postmaster,
        "off",
        "Writes full pages to WAL when first modified after a checkpoint, even for a non-critical modification.",
    ),
    def(
        "wal_receiver_create_temp_slot",
        Kind::Bool,
        Sighup,
        "off",
        "Sets whether a WAL receiver should create a temporary replication slot if no permanent slot is configured.",
    ),
    def(
        "wal_receiver_status_interval",
        int(0, 2147483, Unit::S),
        Sighup,
        "10",
        "Sets the maximum interval between WAL receiver status reports to the sending server.",
    ),
    def(
        "wal_receiver_timeout",
        int(0, INT_MAX, Unit::Ms),
        Sighup,
        "60000",
        "Sets the maximum wait time to receive data from the sending server.",
    ),
    def(
        "wal_recycle",
        Kind::Bool,
        Superuser,
        "on",
        "Recycles WAL files by renaming them.",
    ),
    def(
        "wal_retrieve_retry_interval",
        int(1, INT_MAX, Unit::Ms),
        Sighup,
        "5000",
        "Sets the time to wait before retrying to retrieve WAL after a failed attempt.",
    ),
    def(
        "wal_segment_size",
        int(1_048_576, 1_073_741_824, Unit::Bytes),
        Internal,
        "16777216",
        "Shows the size of write ahead log segments.",
    ),
    def(
        "wal_sender_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "60000",
        "Sets the maximum time to wait for WAL replication.",
    ),
    def(
        "wal_skip_threshold",
        int(0, INT_MAX, Unit::Kb),
        User,
        "2048",
        "Minimum size of new file to fsync instead of writing WAL.",
    ),
    def(
        "wal_sync_method",
        Kind::Enum(&["fsync", "fdatasync", "open_sync", "open_datasync"]),
        Sighup,
        "fdatasync",
        "Selects the method used for forcing WAL updates to disk.",
    ),
    def(
        "wal_writer_delay",
        int(1, 10000, Unit::Ms),
        Sighup,
        "200",
        "Time between WAL flushes performed in the WAL writer.",
    ),
    def(
        "wal_writer_flush_after",
        int(0, INT_MAX, Unit::Blocks),
        Sighup,
        "128",
        "Amount of WAL written out by WAL writer that triggers a flush.",
    ),
    def(
        "work_mem",
        int(64, INT_MAX, Unit::Kb),
        User,
        "4096",
        "Sets the maximum memory to be used for query workspaces.",
    ),
    def(
        "xmlbinary",
        Kind::Enum(&["base64", "hex"]),
        User,
        "base64",
        "Sets how binary values are to be encoded in XML.",
    ),
    def(
        "xmloption",
        Kind::Enum(&["content", "document"]),
        User,
        "content",
        "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.",
    ),
    def(
        "zero_damaged_pages",
        Kind::Bool,
        Superuser,
        "off",
        "Continues processing past damaged page headers.",
    ),
];

/// A setting's current value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Bool(bool),
    Int(i64),
    Real(f64),
    Str(String),
}

/// A value plus the value RESET returns to.
#[derive(Debug, Clone)]
struct Slot {
    /// Current value.
    value: Val,
    /// Value at session start (after config file, command line, startup).
    reset: Val,
}

/// Slots per chunk of [`Slots`].
const SLOT_CHUNK: usize = 16;

/// The slots of a [`Settings`], shared copy-on-write in chunks: a session
/// that changes a few settings (its user, its client's startup options)
/// copies the chunks those live in, not the whole table (which held ~20 kB
/// per idle connection).
#[derive(Debug, Clone)]
struct Slots(Arc<Vec<Arc<Vec<Slot>>>>);

impl Slots {
    fn new(slots: Vec<Slot>) -> Slots {
        Slots(Arc::new(
            slots
                .chunks(SLOT_CHUNK)
                .map(|c| Arc::new(c.to_vec()))
                .collect(),
        ))
    }

    fn get(&self, i: usize) -> Option<&Slot> {
        self.0.get(i / SLOT_CHUNK)?.get(i % SLOT_CHUNK)
    }

    /// Slot `i` to change (DEFS indexes only), copying its chunk if shared.
    fn get_mut(&mut self, i: usize) -> &mut Slot {
        let chunk = &mut Arc::make_mut(&mut self.0)[i / SLOT_CHUNK];
        &mut Arc::make_mut(chunk)[i % SLOT_CHUNK]
    }

    fn iter(&self) -> impl Iterator<Item = &Slot> {
        self.0.iter().flat_map(|c| c.iter())
    }

    /// The very same values (nothing written since one was copied from
    /// the other).
    fn ptr_eq(&self, other: &Slots) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Index<usize> for Slots {
    type Output = Slot;

    fn index(&self, i: usize) -> &Slot {
        &self.0[i / SLOT_CHUNK][i % SLOT_CHUNK]
    }
}

/// Settings flagged as changed since the last `take_reported_changes`,
/// one bit per entry of DEFS.
type Changed = [u64; 6];

/// A full set of settings: the server's, or one session's. Cloning is
/// cheap (a transaction keeps two copies to restore at its end): the
/// values are shared until one side changes one.
#[derive(Debug, Clone)]
pub struct Settings {
    /// One slot per entry of DEFS, same order; copied on write, a chunk
    /// at a time.
    slots: Slots,
    /// Slots changed since the last `take_reported_changes`.
    changed: Changed,
    /// Custom `prefix.name` placeholders, as PostgreSQL allows.
    custom: Vec<(String, String)>,
    /// Session-level changes made by set_config(..., false) during a
    /// statement, for the session to keep when the transaction commits.
    pending_session: Vec<(String, String)>,
    /// The parsed TimeZone (kept beside its text to avoid re-parsing).
    zone: Zone,
    /// Changes with every change of a value (see [`Settings::version`]).
    version: u64,
}

/// Where [`Settings`] versions come from: each change takes a new one,
/// so two settings with one version hold the same values.
static VERSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_version() -> u64 {
    VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Default for Settings {
    fn default() -> Self {
        Self::new()
    }
}

/// The index of setting `name` in DEFS, in any case.
fn find(name: &str) -> Option<usize> {
    // Statements look settings up by name dozens of times each; a hash
    // of the lowercase names answers faster than the binary search.
    type Index = std::collections::HashMap<String, usize, actorgres_memory::FastHash>;
    static INDEX: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        DEFS.iter()
            .enumerate()
            .map(|(i, d)| (d.name.to_ascii_lowercase(), i))
            .collect()
    });
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        index.get(&name.to_ascii_lowercase()).copied()
    } else {
        index.get(name).copied()
    }
}

fn unrecognized(name: &str) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("unrecognized configuration parameter \"{name}\""),
    )
}

fn invalid_value(name: &str, value: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("invalid value for parameter \"{name}\": \"{value}\""),
    )
}

impl Settings {
    /// The built-in defaults.
    pub fn new() -> Settings {
        let slots: Vec<Slot> = DEFS
            .iter()
            .map(|d| {
                let value = parse_value(d, d.boot).unwrap_or(Val::Str(d.boot.into()));
                Slot {
                    reset: value.clone(),
                    value,
                }
            })
            .collect();
        Settings {
            version: next_version(),
            slots: Slots::new(slots),
            changed: Changed::default(),
            custom: Vec::new(),
            pending_session: Vec::new(),
            zone: Zone::utc(),
        }
    }

    /// Sets `name` from `source`; `None` means DEFAULT (back to the reset
    /// value). Errors are PostgreSQL's.
    pub fn set(&mut self, name: &str, value: Option<&str>, source: Source) -> Result<()> {
        let Some(i) = find(name) else {
            return self.set_custom(name, value);
        };
        let d = &DEFS[i];
        check_context(d, source)?;
        let new = match value {
            None => self.slots[i].reset.clone(),
            Some(text) => {
                let v = parse_value(d, text)?;
                self.check_hook(d, v)?
            }
        };
        if d.name == "TimeZone" {
            if let Val::Str(s) = &new {
                self.zone = Zone::parse(s).unwrap_or_else(Zone::utc);
            }
        }
        if self.slots[i].value != new {
            self.mark_changed(i);
        }
        self.version = next_version();
        let slot = self.slots.get_mut(i);
        slot.value = new;
        if source != Source::Session {
            slot.reset = slot.value.clone();
        }
        Ok(())
    }

    /// Changes whenever a value does (a copy keeps its original's): what
    /// was derived from these settings holds while this stays the same.
    pub fn version(&self) -> u64 {
        self.version
    }

    fn mark_changed(&mut self, i: usize) {
        if let Some(word) = self.changed.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    fn take_changed(&mut self, i: usize) -> bool {
        let Some(word) = self.changed.get_mut(i / 64) else {
            return false;
        };
        let bit = 1 << (i % 64);
        let was = *word & bit != 0;
        *word &= !bit;
        was
    }

    /// Takes every value of `saved` (ROLLBACK, end of SET LOCAL), flagging
    /// the ones that change so reported settings are sent again. Returns
    /// whether anything changed.
    pub fn restore(&mut self, saved: &Settings) -> bool {
        let same_custom = self.custom == saved.custom;
        if self.slots.ptr_eq(&saved.slots) && same_custom {
            // Nothing was set since `saved` was taken.
            return false;
        }
        let mut any = !same_custom;
        for (i, old) in saved.slots.iter().enumerate() {
            if self.slots.get(i).is_some_and(|s| s.value != old.value) {
                self.mark_changed(i);
                any = true;
            }
        }
        self.slots = saved.slots.clone();
        self.custom = saved.custom.clone();
        self.zone = saved.zone.clone();
        self.version = next_version();
        any
    }

    /// Replaces the current value of setting `name` (not its reset
    /// value) and returns the old one as text, for a change that lasts a
    /// call (a SECURITY DEFINER function's role): restore it with
    /// another swap.
    pub fn swap(&mut self, name: &str, value: &str) -> String {
        let old = self.str(name);
        if let Some(i) = find(name) {
            let v = parse_value(&DEFS[i], value).unwrap_or_else(|_| Val::Str(value.to_owned()));
            if self.slots[i].value != v {
                self.version = next_version();
                self.slots.get_mut(i).value = v;
            }
        }
        old
    }

    /// Sets an internal setting the server itself owns (session_authorization,
    /// data_directory) without context checks.
    pub fn set_internal(&mut self, name: &str, value: &str) {
        if let Some(i) = find(name) {
            let slot = &self.slots[i];
            if matches!(&slot.value, Val::Str(v) if v == value) && slot.reset == slot.value {
                // The usual case, without building the value.
                return;
            }
            let v = parse_value(&DEFS[i], value).unwrap_or_else(|_| Val::Str(value.to_owned()));
            if self.slots[i].value == v && self.slots[i].reset == v {
                // Unchanged (each transaction publishes its isolation
                // level): the shared values stay shared.
                return;
            }
            self.version = next_version();
            let slot = self.slots.get_mut(i);
            slot.value = v.clone();
            slot.reset = v;
        }
    }

    fn set_custom(&mut self, name: &str, value: Option<&str>) -> Result<()> {
        if !name.contains('.') {
            return Err(unrecognized(name));
        }
        let key = name.to_ascii_lowercase();
        let value = value.unwrap_or("").to_owned();
        self.version = next_version();
        match self.custom.iter_mut().find(|(n, _)| *n == key) {
            Some(slot) => slot.1 = value,
            None => self.custom.push((key, value)),
        }
        Ok(())
    }

    /// Validates and normalises string settings with PostgreSQL's check
    /// hooks; other kinds pass through.
    fn check_hook(&self, d: &SettingDef, v: Val) -> Result<Val> {
        if let (Val::Int(kb), "max_stack_depth") = (&v, d.name) {
            return match crate::stack::max_setting_kb() {
                Some(max) if *kb > max => Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("invalid value for parameter \"{}\": {kb}", d.name),
                )
                .with_detail(format!("\"max_stack_depth\" must not exceed {max}kB."))
                .with_hint(
                    "Increase the platform's stack depth limit via \"ulimit -s\" or local equivalent.",
                )),
                _ => Ok(v),
            };
        }
        let Val::Str(s) = &v else { return Ok(v) };
        match d.name {
            "client_encoding" => {
                let norm = encoding_key(s);
                if norm == "utf8" || norm == "unicode" {
                    Ok(Val::Str("UTF8".into()))
                } else {
                    Err(invalid_value(d.name, s)
                        .with_detail("actorgres serves the UTF8 client encoding only."))
                }
            }
            "DateStyle" => check_datestyle(s, &self.str("DateStyle")).map(Val::Str),
            "TimeZone" => match Zone::parse(s) {
                Some(zone) => Ok(Val::Str(zone.name().to_owned())),
                None => Err(invalid_value(d.name, s)),
            },
            _ => Ok(v),
        }
    }

    /// SHOW name: the value as PostgreSQL prints it; 42704 if unknown.
    pub fn show(&self, name: &str) -> Result<String> {
        match find(name) {
            Some(i) => Ok(format_value(&DEFS[i], &self.slots[i].value)),
            None => {
                let key = name.to_ascii_lowercase();
                self.custom
                    .iter()
                    .find(|(n, _)| *n == key)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| unrecognized(name))
            }
        }
    }

    /// The canonical spelling of a setting's name (SHOW's column name).
    pub fn canonical_name(name: &str) -> String {
        match find(name) {
            Some(i) => DEFS[i].name.to_owned(),
            None => name.to_ascii_lowercase(),
        }
    }

    /// RESET ALL: every user-settable setting back to its reset value.
    pub fn reset_all(&mut self) {
        self.version = next_version();
        for (i, d) in DEFS.iter().enumerate() {
            let differs = self.slots.get(i).is_some_and(|s| s.value != s.reset);
            if d.context >= Context::Superuser && differs {
                self.mark_changed(i);
                let slot = self.slots.get_mut(i);
                slot.value = slot.reset.clone();
            }
        }
        if let Some(i) = find("TimeZone") {
            if let Val::Str(s) = &self.slots[i].value {
                self.zone = Zone::parse(s).unwrap_or_else(Zone::utc);
            }
        }
    }

    /// SHOW ALL rows: name, setting, description.
    pub fn show_all(&self) -> Vec<(String, String, String)> {
        let mut rows: Vec<(String, String, String)> = DEFS
            .iter()
            .zip(self.slots.iter())
            .filter(|(d, _)| !NO_SHOW_ALL.contains(&d.name))
            .map(|(d, s)| {
                (
                    d.name.to_owned(),
                    format_value(d, &s.value),
                    d.description.to_owned(),
                )
            })
            .collect();
        rows.sort_by_key(|r| r.0.to_ascii_lowercase());
        rows
    }

    /// The reported settings (GUC_REPORT) with their values, sorted as
    /// PostgreSQL sends them at startup.
    pub fn reported(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = DEFS
            .iter()
            .zip(self.slots.iter())
            .filter(|(d, _)| d.report)
            .map(|(d, s)| (d.name.to_owned(), format_value(d, &s.value)))
            .collect();
        out.sort_by_key(|r| r.0.to_ascii_lowercase());
        out
    }

    /// Sets `name` for the session (set_config with is_local false): now,
    /// and remembered for [`Settings::take_session_sets`].
    pub fn set_for_session(&mut self, name: &str, value: &str) -> Result<()> {
        self.set(name, Some(value), Source::Session)?;
        self.pending_session
            .push((name.to_owned(), value.to_owned()));
        Ok(())
    }

    /// The session-level changes made since the last call.
    pub fn take_session_sets(&mut self) -> Vec<(String, String)> {
        std::mem::take(&mut self.pending_session)
    }

    /// Reported settings changed since the last call: the ParameterStatus
    /// messages to send after a statement.
    pub fn take_reported_changes(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.changed == Changed::default() {
            return out;
        }
        for (i, d) in DEFS.iter().enumerate() {
            if self.take_changed(i) && d.report {
                out.push((d.name.to_owned(), format_value(d, &self.slots[i].value)));
            }
        }
        out
    }

    /// An integer setting in its stored unit (0 if not an integer).
    pub fn int(&self, name: &str) -> i64 {
        match find(name).map(|i| &self.slots[i].value) {
            Some(Val::Int(v)) => *v,
            _ => 0,
        }
    }

    /// A memory setting in bytes.
    pub fn bytes(&self, name: &str) -> u64 {
        let Some(i) = find(name) else { return 0 };
        match (&DEFS[i].kind, &self.slots[i].value) {
            (Kind::Int { unit, .. }, Val::Int(v)) => (*v as f64 * unit.base()) as u64,
            _ => 0,
        }
    }

    /// A time setting as a Duration (zero if unset or not a time).
    pub fn duration(&self, name: &str) -> std::time::Duration {
        let Some(i) = find(name) else {
            return std::time::Duration::ZERO;
        };
        match (&DEFS[i].kind, &self.slots[i].value) {
            (Kind::Int { unit, .. }, Val::Int(v)) if *v > 0 => {
                std::time::Duration::from_micros((*v as f64 * unit.base()) as u64)
            }
            _ => std::time::Duration::ZERO,
        }
    }

    /// A real setting (0 if not real).
    pub fn real(&self, name: &str) -> f64 {
        match find(name).map(|i| &self.slots[i].value) {
            Some(Val::Real(v)) => *v,
            Some(Val::Int(v)) => *v as f64,
            _ => 0.0,
        }
    }

    /// A boolean setting.
    pub fn bool(&self, name: &str) -> bool {
        matches!(
            find(name).map(|i| &self.slots[i].value),
            Some(Val::Bool(true))
        )
    }

    /// Whether `other` holds these very values (no setting changed
    /// between the two): a cheap test before comparing one setting.
    pub fn shares_values_with(&self, other: &Settings) -> bool {
        self.slots.ptr_eq(&other.slots)
    }

    /// A string or enum setting's text.
    pub fn str(&self, name: &str) -> String {
        self.show(name).unwrap_or_default()
    }

    /// A custom (dotted) setting read as a memory size: a whole number
    /// with an optional unit of [`MEMORY_UNITS`] (kB by default); None
    /// when unset or not a size.
    pub fn custom_bytes(&self, name: &str) -> Option<u64> {
        let key = name.to_ascii_lowercase();
        let text = self.custom.iter().find(|(n, _)| *n == key)?.1.trim();
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let scale = match unit.trim() {
            "" => 1024.0,
            u => MEMORY_UNITS.iter().find(|(name, _)| *name == u)?.1,
        };
        number.parse::<u64>().ok()?.checked_mul(scale as u64)
    }

    /// The session time zone.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }
}

/// One `name = value` line of postgresql.conf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigLine {
    /// Setting name.
    pub name: String,
    /// Value, unquoted.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
}

/// Reads postgresql.conf syntax: `name = value` or `name value`, values
/// bare (`128MB`) or single-quoted (`'a''b'`), `#` comments. Errors name
/// the line, as PostgreSQL's do.
pub fn parse_config(text: &str) -> std::result::Result<Vec<ConfigLine>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let bad = || format!("syntax error in configuration file, line {line}");
        let mut chars = raw.trim_start().chars().peekable();
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                name.push(c);
                chars.next();
            } else {
                break;
            }
        }
        if name.is_empty() {
            let rest: String = chars.collect();
            if rest.trim().is_empty() || rest.trim_start().starts_with('#') {
                continue;
            }
            return Err(bad());
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\'' if chars.peek() == Some(&'\'') => {
                        chars.next();
                        value.push('\'');
                    }
                    '\'' => {
                        closed = true;
                        break;
                    }
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    c => value.push(c),
                }
            }
            if !closed {
                return Err(bad());
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '#' {
                    break;
                }
                value.push(c);
                chars.next();
            }
            if value.is_empty() {
                return Err(bad());
            }
        }
        let rest: String = chars.collect();
        let rest = rest.trim();
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err(bad());
        }
        out.push(ConfigLine { name, value, line });
    }
    Ok(out)
}

fn check_context(d: &SettingDef, source: Source) -> Result<()> {
    let cannot = |suffix: &str| {
        Err(SqlError::new(
            SqlState::CANT_CHANGE_RUNTIME_PARAM,
            format!("parameter \"{}\" cannot be changed{suffix}", d.name),
        ))
    };
    match (d.context, source) {
        (Context::Internal, _) => cannot(""),
        (Context::Postmaster, Source::Startup | Source::Session) => {
            cannot(" without restarting the server")
        }
        (Context::Sighup, Source::Startup | Source::Session) => cannot(" now"),
        (Context::Backend, Source::Session) => Err(SqlError::new(
            SqlState::CANT_CHANGE_RUNTIME_PARAM,
            format!(
                "parameter \"{}\" cannot be set after connection start",
                d.name
            ),
        )),
        _ => Ok(()),
    }
}

/// DateStyle's check (PostgreSQL's check_datestyle): an output style and
/// a field order, each kept from `current` when not given (German alone
/// means DMY); two conflicting words of a kind are 22023.
fn check_datestyle(s: &str, current: &str) -> Result<String> {
    let mut cur = current.split(',').map(str::trim);
    let (mut style, mut order) = (
        cur.next().filter(|x| !x.is_empty()).unwrap_or("ISO"),
        cur.next().unwrap_or("MDY"),
    );
    let (mut have_style, mut have_order) = (false, false);
    let conflict =
        || invalid_value("DateStyle", s).with_detail("Conflicting \"datestyle\" specifications.");
    for word in s.split([',', ' ']).filter(|w| !w.is_empty()) {
        let lower = word.to_ascii_lowercase();
        let (new_style, new_order) = match lower.as_str() {
            "iso" => (Some("ISO"), None),
            "sql" => (Some("SQL"), None),
            "postgres" => (Some("Postgres"), None),
            "german" => (Some("German"), None),
            "ymd" => (None, Some("YMD")),
            "dmy" | "euro" | "european" => (None, Some("DMY")),
            "mdy" | "us" | "noneuro" | "noneuropean" => (None, Some("MDY")),
            "default" => (Some("ISO"), Some("MDY")),
            _ => {
                return Err(invalid_value("DateStyle", s)
                    .with_detail(format!("Unrecognized key word: \"{word}\".")))
            }
        };
        if let Some(n) = new_style {
            if have_style && n != style {
                return Err(conflict());
            }
            style = n;
            have_style = true;
        }
        if let Some(n) = new_order {
            if have_order && n != order && lower != "default" {
                return Err(conflict());
            }
            order = n;
            have_order = true;
        }
    }
    if style == "German" && !have_order {
        order = "DMY";
    }
    Ok(format!("{style}, {order}"))
}

/// An encoding name as PostgreSQL compares them: letters and digits only,
/// lower case (`UTF-8` and `utf8` are one).
pub fn encoding_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// parse_bool: on/off/true/false/yes/no/1/0 and unique prefixes.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let prefix_of = |word: &str, min: usize| t.len() >= min && word.starts_with(t.as_str());
    if prefix_of("true", 1) || prefix_of("yes", 1) || t == "1" || prefix_of("on", 2) {
        Some(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || t == "0" || prefix_of("off", 2) {
        Some(false)
    } else {
        None
    }
}

fn parse_value(d: &SettingDef, text: &str) -> Result<Val> {
    match d.kind {
        Kind::Bool => parse_bool(text).map(Val::Bool).ok_or_else(|| {
            SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("parameter \"{}\" requires a Boolean value", d.name),
            )
        }),
        Kind::Int { min, max, unit } => {
            let v = parse_with_unit(d, text, unit)?;
            let rounded = v.round();
            if rounded > i32::MAX as f64 || rounded < i32::MIN as f64 {
                return Err(invalid_value(d.name, text).with_hint("Value exceeds integer range."));
            }
            let v = rounded as i64;
            if v < min || v > max {
                let shown = if unit == Unit::None {
                    v.to_string()
                } else {
                    format!("{v} {}", unit.label())
                };
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!(
                        "{shown} is outside the valid range for parameter \"{}\" ({min} .. {max})",
                        d.name
                    ),
                ));
            }
            Ok(Val::Int(v))
        }
        Kind::Real { min, max, unit } => {
            let v = parse_with_unit(d, text, unit)?;
            if v < min || v > max {
                let mut shown = String::new();
                for x in [v, min, max] {
                    let mut s = String::new();
                    crate::value::format_f64(x, -9, &mut s);
                    shown.push_str(&s);
                    shown.push('|');
                }
                let parts: Vec<&str> = shown.split('|').collect();
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!(
                        "{} is outside the valid range for parameter \"{}\" ({} .. {})",
                        parts[0], d.name, parts[1], parts[2]
                    ),
                ));
            }
            Ok(Val::Real(v))
        }
        Kind::Str => Ok(Val::Str(text.to_owned())),
        Kind::Enum(words) => {
            let t = text.trim().to_ascii_lowercase();
            words
                .iter()
                .find(|w| **w == t)
                .map(|w| Val::Str((*w).to_owned()))
                .ok_or_else(|| {
                    invalid_value(d.name, text)
                        .with_hint(format!("Available values: {}.", words.join(", ")))
                })
        }
    }
}

/// A number with an optional unit suffix, converted to `unit`.
fn parse_with_unit(d: &SettingDef, text: &str, unit: Unit) -> Result<f64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(t.len());
    // "1e3MB": keep the exponent with the number, but "5min" has no 'e'
    // after a digit so the split above is right for the units we accept.
    let (num, suffix) = t.split_at(split);
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| invalid_value(d.name, text))?;
    let suffix = suffix.trim();
    if suffix.is_empty() {
        return Ok(v);
    }
    let table = if unit.is_memory() {
        MEMORY_UNITS
    } else if unit == Unit::None {
        &[][..]
    } else {
        TIME_UNITS
    };
    match table.iter().find(|(u, _)| *u == suffix) {
        Some((_, mult)) => Ok(v * mult / unit.base()),
        None => {
            let hint = if unit.is_memory() {
                Some(
                    "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".",
                )
            } else if unit != Unit::None {
                Some("Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".")
            } else {
                None
            };
            let e = invalid_value(d.name, text);
            Err(match hint {
                Some(h) => e.with_hint(h),
                None => e,
            })
        }
    }
}

/// How SHOW prints a value: integers in the largest exact unit.
fn format_value(d: &SettingDef, v: &Val) -> String {
    match (v, d.kind) {
        (Val::Bool(b), _) => if *b { "on" } else { "off" }.to_owned(),
        (Val::Int(i), Kind::Int { unit, .. }) if unit != Unit::None && *i > 0 => {
            let base = *i as f64 * unit.base();
            let table = if unit.is_memory() {
                MEMORY_UNITS
            } else {
                TIME_UNITS
            };
            // Never show a smaller unit than the stored one.
            for (label, mult) in table {
                if *mult >= unit.base() && base % mult == 0.0 {
                    return format!("{}{label}", (base / mult) as i64);
                }
            }
            format!("{i}{}", unit.label())
        }
        (Val::Int(i), _) => i.to_string(),
        (Val::Real(r), Kind::Real { unit, .. }) => {
            let mut s = String::new();
            crate::value::format_f64(*r, -9, &mut s);
            let _ = write!(s, "{}", unit.label());
            s
        }
        (Val::Real(r), _) => r.to_string(),
        (Val::Str(s), _) => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Settings {
        Settings::new()
    }

    #[test]
    fn show_formats_units_as_postgres() {
        let s = session();
        for (name, want) in [
            ("work_mem", "4MB"),
            ("statement_timeout", "0"),
            ("authentication_timeout", "1min"),
            ("shared_buffers", "128MB"),
            ("checkpoint_timeout", "5min"),
            ("wal_segment_size", "16MB"),
            ("max_wal_size", "1GB"),
            ("temp_buffers", "8MB"),
            ("deadlock_timeout", "1s"),
            ("timezone", "Etc/UTC"),
            ("datestyle", "ISO, MDY"),
            ("search_path", "\"$user\", public"),
            ("checkpoint_completion_target", "0.9"),
            ("random_page_cost", "4"),
        ] {
            assert_eq!(s.show(name).unwrap(), want, "{name}");
        }
    }

    #[test]
    fn set_parses_units_and_reports_range_errors() {
        let mut s = session();
        s.set("work_mem", Some("100 kB"), Source::Session).unwrap();
        assert_eq!(s.show("work_mem").unwrap(), "100kB");
        s.set("work_mem", Some("1.5MB"), Source::Session).unwrap();
        assert_eq!(s.show("work_mem").unwrap(), "1536kB");
        assert_eq!(s.bytes("work_mem"), 1536 * 1024);
        s.set("statement_timeout", Some("1.5min"), Source::Session)
            .unwrap();
        assert_eq!(s.show("statement_timeout").unwrap(), "90s");
        s.set("statement_timeout", Some("61000"), Source::Session)
            .unwrap();
        assert_eq!(s.show("statement_timeout").unwrap(), "61s");

        let cases = [
            ("work_mem", "abc", "invalid value for parameter \"work_mem\": \"abc\""),
            ("work_mem", "10", "10 kB is outside the valid range for parameter \"work_mem\" (64 .. 2147483647)"),
            ("work_mem", "1.5", "2 kB is outside the valid range for parameter \"work_mem\" (64 .. 2147483647)"),
            ("extra_float_digits", "5", "5 is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)"),
            ("statement_timeout", "-1", "-1 ms is outside the valid range for parameter \"statement_timeout\" (0 .. 2147483647)"),
            ("enable_seqscan", "o", "parameter \"enable_seqscan\" requires a Boolean value"),
            ("seq_page_cost", "-1", "-1 is outside the valid range for parameter \"seq_page_cost\" (0 .. 1.79769e+308)"),
            ("port", "1", "parameter \"port\" cannot be changed without restarting the server"),
            ("server_version", "x", "parameter \"server_version\" cannot be changed"),
            ("authentication_timeout", "10", "parameter \"authentication_timeout\" cannot be changed now"),
            ("log_connections", "on", "parameter \"log_connections\" cannot be set after connection start"),
            ("foo", "1", "unrecognized configuration parameter \"foo\""),
            ("TimeZone", "Nowhere/Land", "invalid value for parameter \"TimeZone\": \"Nowhere/Land\""),
        ];
        for (name, value, want) in cases {
            let err = s.set(name, Some(value), Source::Session).unwrap_err();
            assert_eq!(err.message(), want, "{name} = {value}");
        }
        let err = s
            .set(
                "default_transaction_isolation",
                Some("bogus"),
                Source::Session,
            )
            .unwrap_err();
        assert_eq!(
            err.report().hint.as_deref(),
            Some("Available values: serializable, repeatable read, read committed, read uncommitted.")
        );
        let err = s
            .set("work_mem", Some("64 KB"), Source::Session)
            .unwrap_err();
        assert!(err
            .report()
            .hint
            .as_deref()
            .unwrap()
            .starts_with("Valid units"));
    }

    #[test]
    fn reset_returns_to_session_start_value() {
        let mut s = session();
        s.set("application_name", Some("psql"), Source::Startup)
            .unwrap();
        s.set("application_name", Some("x"), Source::Session)
            .unwrap();
        assert_eq!(s.show("application_name").unwrap(), "x");
        s.set("application_name", None, Source::Session).unwrap();
        assert_eq!(s.show("application_name").unwrap(), "psql");
        s.set("work_mem", Some("1MB"), Source::Session).unwrap();
        s.reset_all();
        assert_eq!(s.show("work_mem").unwrap(), "4MB");
        assert_eq!(s.show("application_name").unwrap(), "psql");
    }

    #[test]
    fn custom_placeholders_and_reporting() {
        let mut s = session();
        s.set("foo.bar", Some("1"), Source::Session).unwrap();
        assert_eq!(s.show("FOO.bar").unwrap(), "1");
        assert!(s.show("foo.baz").is_err());
        s.take_reported_changes();
        s.set("application_name", Some("x"), Source::Session)
            .unwrap();
        s.set("work_mem", Some("1MB"), Source::Session).unwrap();
        assert_eq!(
            s.take_reported_changes(),
            vec![("application_name".to_string(), "x".to_string())]
        );
        let names: Vec<String> = s.reported().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "application_name",
                "client_encoding",
                "DateStyle",
                "default_transaction_read_only",
                "in_hot_standby",
                "integer_datetimes",
                "IntervalStyle",
                "is_superuser",
                "server_encoding",
                "server_version",
                "session_authorization",
                "standard_conforming_strings",
                "TimeZone"
            ]
        );
    }

    #[test]
    fn bool_prefixes() {
        for (t, want) in [
            ("t", Some(true)),
            ("of", Some(false)),
            ("o", None),
            ("YES", Some(true)),
            ("2", None),
        ] {
            assert_eq!(parse_bool(t), want, "{t}");
        }
    }

    #[test]
    fn client_encoding_and_timezone_hooks() {
        let mut s = session();
        s.set("client_encoding", Some("utf-8"), Source::Session)
            .unwrap();
        assert_eq!(s.show("client_encoding").unwrap(), "UTF8");
        assert!(s
            .set("client_encoding", Some("latin1"), Source::Session)
            .is_err());
        s.set("timezone", Some("Asia/Kolkata"), Source::Session)
            .unwrap();
        assert_eq!(s.zone().offset_at(0), 19800);
        assert!(s.set("datestyle", Some("foo"), Source::Session).is_err());
        s.set("datestyle", Some("iso, dmy"), Source::Session)
            .unwrap();
        assert_eq!(s.show("DateStyle").unwrap(), "ISO, DMY");
    }

    #[test]
    fn config_file_syntax() {
        let text = "# comment\n\nport = 5433\nwork_mem 8MB   # trailing\napplication_name = 'it''s'\nlisten_addresses='*'\n";
        let lines = parse_config(text).unwrap();
        let got: Vec<(&str, &str, usize)> = lines
            .iter()
            .map(|l| (l.name.as_str(), l.value.as_str(), l.line))
            .collect();
        assert_eq!(
            got,
            [
                ("port", "5433", 3),
                ("work_mem", "8MB", 4),
                ("application_name", "it's", 5),
                ("listen_addresses", "*", 6)
            ]
        );
        assert_eq!(
            parse_config("port = 1 2").unwrap_err(),
            "syntax error in configuration file, line 1"
        );
        assert!(parse_config("x = 'open").is_err());
        assert!(parse_config("= 5").is_err());
    }

    #[test]
    fn every_setting_has_a_changed_bit() {
        assert!(DEFS.len() <= std::mem::size_of::<Changed>() * 8);
    }

    #[test]
    fn find_matches_any_case_and_nothing_else() {
        for (i, d) in DEFS.iter().enumerate() {
            assert_eq!(find(d.name), Some(i));
            assert_eq!(find(&d.name.to_ascii_uppercase()), Some(i));
        }
        assert_eq!(find("no_such_setting"), None);
        assert_eq!(find(""), None);
    }

    #[test]
    fn clones_share_values_until_one_changes() {
        let mut a = Settings::new();
        let saved = a.clone();
        assert!(!a.restore(&saved), "nothing set: nothing to restore");
        a.set("work_mem", Some("1MB"), Source::Session).unwrap();
        assert_eq!(saved.show("work_mem").unwrap(), "4MB");
        assert!(a.restore(&saved));
        assert_eq!(a.show("work_mem").unwrap(), "4MB");
        a.set("TimeZone", Some("UTC"), Source::Session).unwrap();
        a.set("TimeZone", Some("Etc/UTC"), Source::Session).unwrap();
        assert!(!a.restore(&saved), "set back to the same value");
    }

    #[test]
    fn defs_are_sorted_like_show_all() {
        let names: Vec<String> = DEFS.iter().map(|d| d.name.to_ascii_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
