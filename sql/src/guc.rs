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
        }
    }

    /// The unit as PostgreSQL names it in messages.
    fn label(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Bytes => "B",
            Unit::Kb => "kB",
            Unit::Blocks => "8kB",
            Unit::Mb => "MB",
            Unit::Us => "us",
            Unit::Ms => "ms",
            Unit::S => "s",
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
    reported(def(
        "application_name",
        Kind::Str,
        User,
        "",
        "Sets the application name to be reported in statistics and logs.",
    )),
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
        "autovacuum_naptime",
        int(1, 2_147_483, Unit::S),
        Sighup,
        "60",
        "Time to sleep between autovacuum runs.",
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
        "bgwriter_delay",
        int(10, 10000, Unit::Ms),
        Sighup,
        "200",
        "Background writer sleep time between rounds.",
    ),
    def(
        "bgwriter_lru_maxpages",
        int(0, 1_073_741_823, Unit::None),
        Sighup,
        "100",
        "Background writer maximum number of LRU pages to flush per round.",
    ),
    def(
        "block_size",
        int(8192, 8192, Unit::None),
        Internal,
        "8192",
        "Shows the size of a disk block.",
    ),
    def(
        "bytea_output",
        Kind::Enum(&["escape", "hex"]),
        User,
        "hex",
        "Sets the output format for bytea.",
    ),
    def(
        "checkpoint_completion_target",
        real(0.0, 1.0),
        Sighup,
        "0.9",
        "Time spent flushing dirty buffers during checkpoint, as fraction of checkpoint interval.",
    ),
    def(
        "checkpoint_timeout",
        int(30, 86400, Unit::S),
        Sighup,
        "300",
        "Sets the maximum time between automatic WAL checkpoints.",
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
        "data_directory",
        Kind::Str,
        Postmaster,
        "",
        "Sets the server's data directory.",
    ),
    reported(def(
        "DateStyle",
        Kind::Str,
        User,
        "ISO, MDY",
        "Sets the display format for date and time values.",
    )),
    def(
        "deadlock_timeout",
        int(1, INT_MAX, Unit::Ms),
        Superuser,
        "1000",
        "Sets the time to wait on a lock before checking for deadlock.",
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
        "enable_indexscan",
        Kind::Bool,
        User,
        "on",
        "Enables the planner's use of index-scan plans.",
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
        "extra_float_digits",
        int(-15, 3, Unit::None),
        User,
        "1",
        "Sets the number of digits displayed for floating-point values.",
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
        "hash_mem_multiplier",
        real(1.0, 1000.0),
        User,
        "2",
        "Multiple of \"work_mem\" to use for hash tables.",
    ),
    def(
        "idle_in_transaction_session_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the maximum allowed idle time between queries, when in a transaction.",
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
        "lock_timeout",
        int(0, INT_MAX, Unit::Ms),
        User,
        "0",
        "Sets the maximum allowed duration of any wait for a lock.",
    ),
    def(
        "log_connections",
        Kind::Bool,
        Backend,
        "off",
        "Logs each successful connection.",
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
        "max_identifier_length",
        int(63, 63, Unit::None),
        Internal,
        "63",
        "Shows the maximum identifier length.",
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
        "max_stack_depth",
        int(100, INT_MAX, Unit::Kb),
        Superuser,
        "2048",
        "Sets the maximum stack depth, in kilobytes.",
    ),
    def(
        "max_wal_size",
        int(2, INT_MAX, Unit::Mb),
        Sighup,
        "1024",
        "Sets the WAL size that triggers a checkpoint.",
    ),
    def(
        "min_parallel_table_scan_size",
        int(0, 715_827_882, Unit::Blocks),
        User,
        "1024",
        "Sets the minimum amount of table data for a parallel scan.",
    ),
    def(
        "parallel_leader_participation",
        Kind::Bool,
        User,
        "on",
        "Controls whether Gather and Gather Merge also run subplans.",
    ),
    def(
        "port",
        int(1, 65535, Unit::None),
        Postmaster,
        "5432",
        "Sets the TCP port the server listens on.",
    ),
    def(
        "random_page_cost",
        real(0.0, f64::MAX),
        User,
        "4",
        "Sets the planner's estimate of the cost of a nonsequentially fetched disk page.",
    ),
    def(
        "restart_after_crash",
        Kind::Bool,
        Sighup,
        "on",
        "Reinitialize server after backend crash.",
    ),
    def(
        "search_path",
        Kind::Str,
        User,
        "\"$user\", public",
        "Sets the schema search order for names that are not schema-qualified.",
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
        "shared_buffers",
        int(16, 1_073_741_823, Unit::Blocks),
        Postmaster,
        "16384",
        "Sets the number of shared memory buffers used by the server.",
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
        "synchronous_commit",
        Kind::Enum(&["local", "remote_write", "remote_apply", "on", "off"]),
        User,
        "on",
        "Sets the current transaction's synchronization level.",
    ),
    def(
        "temp_buffers",
        int(100, 1_073_741_823, Unit::Blocks),
        User,
        "1024",
        "Sets the maximum number of temporary buffers used by each session.",
    ),
    reported(def(
        "TimeZone",
        Kind::Str,
        User,
        "Etc/UTC",
        "Sets the time zone for displaying and interpreting time stamps.",
    )),
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
        "wal_segment_size",
        int(1_048_576, 1_073_741_824, Unit::Bytes),
        Internal,
        "16777216",
        "Shows the size of write ahead log segments.",
    ),
    def(
        "wal_writer_delay",
        int(1, 10000, Unit::Ms),
        Sighup,
        "200",
        "Time between WAL flushes performed in the WAL writer.",
    ),
    def(
        "work_mem",
        int(64, INT_MAX, Unit::Kb),
        User,
        "4096",
        "Sets the maximum memory to be used for query workspaces.",
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

/// Settings flagged as changed since the last `take_reported_changes`,
/// one bit per entry of DEFS.
type Changed = [u64; 4];

/// A full set of settings: the server's, or one session's. Cloning is
/// cheap (a transaction keeps two copies to restore at its end): the
/// values are shared until one side changes one.
#[derive(Debug, Clone)]
pub struct Settings {
    /// One slot per entry of DEFS, same order; copied on first write.
    slots: Arc<Vec<Slot>>,
    /// Slots changed since the last `take_reported_changes`.
    changed: Changed,
    /// Custom `prefix.name` placeholders, as PostgreSQL allows.
    custom: Vec<(String, String)>,
    /// The parsed TimeZone (kept beside its text to avoid re-parsing).
    zone: Zone,
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
    static INDEX: std::sync::OnceLock<std::collections::HashMap<String, usize>> =
        std::sync::OnceLock::new();
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
        let slots = DEFS
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
            slots: Arc::new(slots),
            changed: Changed::default(),
            custom: Vec::new(),
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
        let slot = &mut Arc::make_mut(&mut self.slots)[i];
        slot.value = new;
        if source != Source::Session {
            slot.reset = slot.value.clone();
        }
        Ok(())
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
        if Arc::ptr_eq(&self.slots, &saved.slots) && same_custom {
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
        self.slots = Arc::clone(&saved.slots);
        self.custom = saved.custom.clone();
        self.zone = saved.zone.clone();
        any
    }

    /// Sets an internal setting the server itself owns (session_authorization,
    /// data_directory) without context checks.
    pub fn set_internal(&mut self, name: &str, value: &str) {
        if let Some(i) = find(name) {
            let v = parse_value(&DEFS[i], value).unwrap_or_else(|_| Val::Str(value.to_owned()));
            if self.slots[i].value == v && self.slots[i].reset == v {
                // Unchanged (each transaction publishes its isolation
                // level): the shared values stay shared.
                return;
            }
            let slot = &mut Arc::make_mut(&mut self.slots)[i];
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
                let norm: String = s
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if norm == "utf8" || norm == "unicode" {
                    Ok(Val::Str("UTF8".into()))
                } else {
                    Err(invalid_value(d.name, s)
                        .with_detail("actorgres serves the UTF8 client encoding only."))
                }
            }
            "DateStyle" => check_datestyle(s).map(Val::Str),
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
        for (i, d) in DEFS.iter().enumerate() {
            let differs = self.slots.get(i).is_some_and(|s| s.value != s.reset);
            if d.context >= Context::Superuser && differs {
                self.mark_changed(i);
                let slot = &mut Arc::make_mut(&mut self.slots)[i];
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
        Arc::ptr_eq(&self.slots, &other.slots)
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

/// DateStyle's check: "ISO, MDY" and friends. Only the ISO output style is
/// served so far; the field order is kept for input.
fn check_datestyle(s: &str) -> Result<String> {
    let mut style = "ISO";
    let mut order = "MDY";
    for word in s.split([',', ' ']).filter(|w| !w.is_empty()) {
        match word.to_ascii_lowercase().as_str() {
            "iso" => style = "ISO",
            "sql" | "postgres" | "german" => {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!("DateStyle \"{word}\" is not supported yet; use ISO"),
                ))
            }
            "ymd" => order = "YMD",
            "dmy" | "euro" | "european" => order = "DMY",
            "mdy" | "us" | "noneuro" | "noneuropean" => order = "MDY",
            "default" => {}
            _ => {
                return Err(invalid_value("DateStyle", s)
                    .with_detail(format!("Unrecognized key word: \"{word}\".")))
            }
        }
    }
    Ok(format!("{style}, {order}"))
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
