//! The one error type of the SQL layer: what PostgreSQL would report.
//!
//! Every failure a client can cause becomes a [`SqlError`] carrying the
//! SQLSTATE, message and optional detail, hint and position that
//! PostgreSQL reports for the same mistake. The Backend turns it into an
//! ErrorResponse in one place (actors/src/backend/report.rs).

use std::fmt;

pub use actorgres_protocol::SqlState;

/// How the caller must react.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The statement (and an open transaction block) failed; the session
    /// goes on.
    Error,
    /// The session must end after reporting it.
    Fatal,
    /// A WARNING notice; nothing failed.
    Warning,
    /// A NOTICE; nothing failed.
    Notice,
    /// INFO: what the client asked for (VACUUM / ANALYZE VERBOSE), sent
    /// whatever client_min_messages says.
    Info,
}

/// The notices a client wants (client_min_messages), shared by a
/// session, which sets it, and the sink that sends its notices.
#[derive(Clone, Default, Debug)]
pub struct NoticeFilter(std::sync::Arc<std::sync::atomic::AtomicU8>);

impl NoticeFilter {
    /// Follows the setting's value (debug5 .. debug1, log, notice,
    /// warning, error).
    pub fn set(&self, setting: &str) {
        let least = match setting.to_ascii_lowercase().as_str() {
            "warning" => 2,
            "error" => 3,
            _ => 1,
        };
        self.0.store(least, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether a notice of `level` goes to the client.
    pub fn wants(&self, level: Level) -> bool {
        let least = self.0.load(std::sync::atomic::Ordering::Relaxed);
        match level {
            Level::Notice => least <= 1,
            Level::Warning => least <= 2,
            Level::Error | Level::Fatal | Level::Info => true,
        }
    }
}

/// A PostgreSQL error report.
#[derive(Clone, PartialEq, Eq)]
pub struct SqlError(Box<Report>);

/// The fields of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Error or Fatal.
    pub level: Level,
    /// SQLSTATE.
    pub code: SqlState,
    /// Primary message.
    pub message: String,
    /// Secondary message.
    pub detail: Option<String>,
    /// Suggestion.
    pub hint: Option<String>,
    /// 1-based character offset in the query text.
    pub position: Option<u32>,
    /// Context line ("SQL function ...").
    pub context: Option<String>,
    /// Schema of the object involved.
    pub schema: Option<String>,
    /// Table involved.
    pub table: Option<String>,
    /// Column involved.
    pub column: Option<String>,
    /// Data type involved.
    pub datatype: Option<String>,
    /// Constraint involved.
    pub constraint: Option<String>,
}

/// Results of the SQL layer.
pub type Result<T, E = SqlError> = std::result::Result<T, E>;

impl SqlError {
    /// An ERROR with this code and message.
    pub fn new(code: SqlState, message: impl Into<String>) -> Self {
        SqlError(Box::new(Report {
            level: Level::Error,
            code,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            context: None,
            schema: None,
            table: None,
            column: None,
            datatype: None,
            constraint: None,
        }))
    }

    /// A FATAL error: the session ends after it is sent.
    pub fn fatal(code: SqlState, message: impl Into<String>) -> Self {
        let mut e = Self::new(code, message);
        e.0.level = Level::Fatal;
        e
    }

    /// A WARNING sent as a NoticeResponse.
    pub fn warning(code: SqlState, message: impl Into<String>) -> Self {
        let mut e = Self::new(code, message);
        e.0.level = Level::Warning;
        e
    }

    /// A NOTICE sent as a NoticeResponse.
    pub fn notice(code: SqlState, message: impl Into<String>) -> Self {
        let mut e = Self::new(code, message);
        e.0.level = Level::Notice;
        e
    }

    /// An INFO notice (sent whatever client_min_messages says).
    pub fn info(message: impl Into<String>) -> Self {
        let mut e = Self::new(SqlState::SUCCESSFUL_COMPLETION, message);
        e.0.level = Level::Info;
        e
    }

    /// 54000 for a B-tree entry of `size` bytes (ours) over `max`, in
    /// PostgreSQL's words and sizes (an index tuple's header and varlena
    /// header, aligned to 8): past a page, "index row requires".
    pub fn index_row_too_big(size: usize, max: usize, index: &str) -> Self {
        let pg_size = (size.saturating_sub(3)).div_ceil(8) * 8;
        if pg_size > 8191 {
            return Self::new(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                format!("index row requires {pg_size} bytes, maximum size is 8191"),
            );
        }
        Self::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            format!(
                "index row size {pg_size} exceeds btree version 4 maximum {max} for index \"{index}\""
            ),
        )
        .with_hint("Values larger than 1/3 of a buffer page cannot be indexed.")
    }

    /// 42601 syntax error at a position.
    pub fn syntax(message: impl Into<String>, position: Option<u32>) -> Self {
        let mut e = Self::new(SqlState::SYNTAX_ERROR, message);
        e.0.position = position;
        e
    }

    /// 0A000 for what PostgreSQL has and actorgres does not yet.
    pub fn unsupported(what: impl fmt::Display) -> Self {
        Self::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("{what} is not supported yet"),
        )
    }

    /// XX000 for a broken invariant that must not crash the server.
    pub fn internal(what: impl fmt::Display) -> Self {
        Self::new(SqlState::INTERNAL_ERROR, what.to_string())
    }

    /// Adds a detail line.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.0.detail = Some(detail.into());
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.0.hint = Some(hint.into());
        self
    }

    /// Adds a context line below any already there (PostgreSQL's error
    /// context stack, innermost first: "COPY t, line 3, column b: ...").
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        let line = context.into();
        self.0.context = Some(match self.0.context.take() {
            Some(inner) => format!("{inner}\n{line}"),
            None => line,
        });
        self
    }

    /// Drops the position (an error found in other text than the query's).
    pub fn without_position(mut self) -> Self {
        self.0.position = None;
        self
    }

    /// Sets the position unless one is already set (the innermost position
    /// is the most precise).
    pub fn at(mut self, position: Option<u32>) -> Self {
        if self.0.position.is_none() {
            self.0.position = position;
        }
        self
    }

    /// Sets the table, column and constraint fields.
    pub fn with_object(
        mut self,
        table: Option<&str>,
        column: Option<&str>,
        constraint: Option<&str>,
    ) -> Self {
        self.0.table = table.map(str::to_owned);
        self.0.column = column.map(str::to_owned);
        self.0.constraint = constraint.map(str::to_owned);
        self
    }

    /// The report's fields.
    pub fn report(&self) -> &Report {
        &self.0
    }

    /// The SQLSTATE.
    pub fn code(&self) -> SqlState {
        self.0.code
    }

    /// The primary message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// True for FATAL errors.
    pub fn is_fatal(&self) -> bool {
        self.0.level == Level::Fatal
    }
}

impl fmt::Debug for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code, self.0.message)?;
        if let Some(d) = &self.0.detail {
            write!(f, " (detail: {d})")?;
        }
        if let Some(p) = self.0.position {
            write!(f, " at {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for SqlError {}

/// Shorthand constructors for the errors raised in many places.
pub mod errors {
    use super::{SqlError, SqlState};

    /// 22003 with a message such as "integer out of range".
    pub fn out_of_range(message: impl Into<String>) -> SqlError {
        SqlError::new(SqlState::NUMERIC_VALUE_OUT_OF_RANGE, message)
    }

    /// 42883 for DISTINCT, GROUP BY, UNION ... of a type without an
    /// equality operator.
    pub fn no_equality(ty: crate::types::DataType) -> SqlError {
        SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("could not identify an equality operator for type {ty}"),
        )
    }

    /// 42883 for ORDER BY of a type without an ordering operator.
    pub fn no_ordering(ty: crate::types::DataType) -> SqlError {
        SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("could not identify an ordering operator for type {ty}"),
        )
        .with_hint("Use an explicit ordering operator or modify the query.")
    }

    /// 22012 division by zero.
    pub fn division_by_zero() -> SqlError {
        SqlError::new(SqlState::DIVISION_BY_ZERO, "division by zero")
    }

    /// 22P02 invalid input syntax for type T: "text".
    pub fn invalid_input(type_name: &str, text: &str) -> SqlError {
        SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type {type_name}: \"{text}\""),
        )
    }

    /// 53200 for memory that cannot spill refused in memory context
    /// `context`, with PostgreSQL's DETAIL.
    pub fn out_of_memory(e: actorgres_memory::Exhausted, context: &str) -> SqlError {
        SqlError::new(SqlState::OUT_OF_MEMORY, "out of memory").with_detail(format!(
            "Failed on request of size {} in memory context \"{context}\"{}.",
            e.requested,
            if e.server {
                " (the server's memory limit)"
            } else {
                ""
            }
        ))
    }

    /// 22007 for date/time text that does not read (PostgreSQL's
    /// DTERR_BAD_FORMAT).
    pub fn invalid_datetime(type_name: &str, text: &str) -> SqlError {
        SqlError::new(
            SqlState::INVALID_DATETIME_FORMAT,
            format!("invalid input syntax for type {type_name}: \"{text}\""),
        )
    }

    /// The error of a raised interrupt: 57014 for cancel and
    /// statement_timeout, FATAL 57P01 for a terminate.
    pub fn interrupted(reason: actorgres_memory::Interrupt) -> SqlError {
        crate::expr::interrupt_error(reason)
    }

    /// `bytes` as text, or 22021 naming the first invalid sequence as
    /// PostgreSQL does (`0xe2 0x28`).
    pub fn utf8(bytes: &[u8]) -> Result<String, SqlError> {
        actorgres_protocol::decode_utf8(bytes)
            .map_err(|e| SqlError::new(e.sqlstate(), e.to_string()))
    }

    /// 22003 value "text" is out of range for type T.
    pub fn input_out_of_range(type_name: &str, text: &str) -> SqlError {
        SqlError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("value \"{text}\" is out of range for type {type_name}"),
        )
    }
}

impl From<actorgres_storage::StorageError> for SqlError {
    /// The SQLSTATE of each storage failure, in one place.
    fn from(e: actorgres_storage::StorageError) -> SqlError {
        use actorgres_storage::StorageError as E;
        match e {
            E::Io(io)
                if io.raw_os_error() == Some(28)
                    || io.kind() == std::io::ErrorKind::StorageFull =>
            {
                SqlError::new(SqlState::DISK_FULL, io.to_string())
                    .with_hint("Check free disk space.")
            }
            E::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                SqlError::new(SqlState::UNDEFINED_FILE, io.to_string())
            }
            // A page that fails its checksum or layout checks.
            E::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                SqlError::new(SqlState::DATA_CORRUPTED, io.to_string())
            }
            E::Io(io) => SqlError::new(SqlState::IO_ERROR, io.to_string()),
            E::Corrupted(m) => SqlError::new(SqlState::DATA_CORRUPTED, m),
            E::Panic(m) => SqlError::fatal(SqlState::INTERNAL_ERROR, m),
            E::Deadlock(detail) => SqlError::new(SqlState::DEADLOCK_DETECTED, "deadlock detected")
                .with_detail(detail)
                .with_hint("See server log for query details."),
            E::Interrupted(reason) => crate::expr::interrupt_error(reason),
            E::LockTimeout => SqlError::new(
                SqlState::LOCK_NOT_AVAILABLE,
                "canceling statement due to lock timeout",
            ),
            E::RowTooBig { size, max } => SqlError::new(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                format!("row is too big: size {size}, maximum size {max}"),
            ),
            E::IndexRowTooBig { size, max } => SqlError::index_row_too_big(size, max, ""),
            E::NoBuffers => SqlError::new(
                SqlState::INSUFFICIENT_RESOURCES,
                "no unpinned buffers available",
            ),
            E::OtherSessionTemp => SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot access temporary tables of other sessions",
            ),
        }
    }
}
