//! SQLSTATE codes: the five-character error codes of PostgreSQL's
//! errcodes.txt. Only the codes actorgres raises are named here; any other
//! valid code can still be carried with [`SqlState::from_code`].

use std::fmt;

/// A five-character SQLSTATE error code, such as `42601` (syntax error).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqlState([u8; 5]);

macro_rules! sqlstates {
    ($($(#[$doc:meta])* $name:ident = $code:literal;)*) => {
        impl SqlState {
            $($(#[$doc])* pub const $name: SqlState = SqlState::from_static($code);)*
        }
    };
}

impl SqlState {
    const fn from_static(code: &'static str) -> SqlState {
        let b = code.as_bytes();
        assert!(b.len() == 5, "a SQLSTATE has five characters");
        SqlState([b[0], b[1], b[2], b[3], b[4]])
    }

    /// Parses a code read from elsewhere; `None` unless it is five ASCII
    /// digits or upper-case letters.
    pub fn from_code(code: &str) -> Option<SqlState> {
        let b = code.as_bytes();
        if b.len() == 5
            && b.iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            Some(SqlState([b[0], b[1], b[2], b[3], b[4]]))
        } else {
            None
        }
    }

    /// The code as text, e.g. `"42601"`.
    pub fn code(&self) -> &str {
        // Only ever built from ASCII (checked in from_static / from_code).
        std::str::from_utf8(&self.0).unwrap_or("XX000")
    }
}

impl fmt::Debug for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SqlState({})", self.code())
    }
}

impl fmt::Display for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

sqlstates! {
    /// 00000
    SUCCESSFUL_COMPLETION = "00000";
    /// 01000
    WARNING = "01000";
    /// 01006: REVOKE took away nothing.
    PRIVILEGE_NOT_REVOKED = "01006";
    /// 01007: GRANT gave nothing.
    PRIVILEGE_NOT_GRANTED = "01007";
    /// 08000
    CONNECTION_EXCEPTION = "08000";
    /// 08006
    CONNECTION_FAILURE = "08006";
    /// 08P01: the client broke the wire protocol.
    PROTOCOL_VIOLATION = "08P01";
    /// 0A000
    FEATURE_NOT_SUPPORTED = "0A000";
    /// 38000: a program run by COPY ... PROGRAM failed.
    EXTERNAL_ROUTINE_EXCEPTION = "38000";
    /// 58000: a system call failed.
    SYSTEM_ERROR = "58000";
    /// 0B000
    INVALID_TRANSACTION_INITIATION = "0B000";
    /// 0LP01: invalid grant operation (a role made a member of itself).
    INVALID_GRANT_OPERATION_ROLE = "0LP01";
    /// 21000: more than one row returned by a subquery used as an expression.
    CARDINALITY_VIOLATION = "21000";
    /// 22000
    DATA_EXCEPTION = "22000";
    /// 22011: substring error.
    SUBSTRING_ERROR = "22011";
    /// 22026: bit string length does not match type bit(n).
    STRING_DATA_LENGTH_MISMATCH = "22026";
    /// 2201G: invalid argument for width_bucket.
    INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION = "2201G";
    /// 22001: value too long for type character varying(n).
    STRING_DATA_RIGHT_TRUNCATION = "22001";
    /// 22003: integer out of range, numeric field overflow.
    NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    /// 22004
    NULL_VALUE_NOT_ALLOWED = "22004";
    /// 2200F
    ZERO_LENGTH_CHARACTER_STRING = "2200F";
    /// 2200H: nextval past a sequence's limit.
    SEQUENCE_GENERATOR_LIMIT_EXCEEDED = "2200H";
    /// 22013
    INVALID_PRECEDING_OR_FOLLOWING_SIZE = "22013";
    /// 22007
    INVALID_DATETIME_FORMAT = "22007";
    /// 22008: date/time field value out of range.
    DATETIME_FIELD_OVERFLOW = "22008";
    /// 22009
    INVALID_TIME_ZONE_DISPLACEMENT_VALUE = "22009";
    /// 22012
    DIVISION_BY_ZERO = "22012";
    /// 22015
    INTERVAL_FIELD_OVERFLOW = "22015";
    /// 2201E
    INVALID_ARGUMENT_FOR_LOG = "2201E";
    /// 2201F
    INVALID_ARGUMENT_FOR_POWER_FUNCTION = "2201F";
    /// 2201W
    INVALID_ROW_COUNT_IN_LIMIT_CLAUSE = "2201W";
    /// 2201X
    INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE = "2201X";
    /// 22019
    INVALID_ESCAPE_CHARACTER = "22019";
    /// 2201B
    INVALID_REGULAR_EXPRESSION = "2201B";
    /// 22016: invalid argument for nth_value.
    INVALID_ARGUMENT_FOR_NTH_VALUE = "22016";
    /// 22021: invalid byte sequence for encoding "UTF8".
    CHARACTER_NOT_IN_REPERTOIRE = "22021";
    /// 22023
    INVALID_PARAMETER_VALUE = "22023";
    /// 22025
    INVALID_ESCAPE_SEQUENCE = "22025";
    /// 2202E
    ARRAY_SUBSCRIPT_ERROR = "2202E";
    /// 22033
    INVALID_SQL_JSON_SUBSCRIPT = "22033";
    /// 22036
    NON_NUMERIC_SQL_JSON_ITEM = "22036";
    /// 22038
    SINGLETON_SQL_JSON_ITEM_REQUIRED = "22038";
    /// 22039
    SQL_JSON_ARRAY_NOT_FOUND = "22039";
    /// 2203A
    SQL_JSON_MEMBER_NOT_FOUND = "2203A";
    /// 2203C
    SQL_JSON_OBJECT_NOT_FOUND = "2203C";
    /// 2200C
    INVALID_USE_OF_ESCAPE_CHARACTER = "2200C";
    /// 22P02: invalid input syntax for type integer.
    INVALID_TEXT_REPRESENTATION = "22P02";
    /// 22P03
    INVALID_BINARY_REPRESENTATION = "22P03";
    /// 22P04: a COPY line that does not match the format.
    BAD_COPY_FILE_FORMAT = "22P04";
    /// 22P05
    UNTRANSLATABLE_CHARACTER = "22P05";
    /// 23502
    NOT_NULL_VIOLATION = "23502";
    /// 23503
    FOREIGN_KEY_VIOLATION = "23503";
    /// 23505
    UNIQUE_VIOLATION = "23505";
    /// 23514
    CHECK_VIOLATION = "23514";
    /// 24000
    INVALID_CURSOR_STATE = "24000";
    /// 25000
    INVALID_TRANSACTION_STATE = "25000";
    /// 44000
    WITH_CHECK_OPTION_VIOLATION = "44000";
    /// 25001
    ACTIVE_SQL_TRANSACTION = "25001";
    /// 25006
    READ_ONLY_SQL_TRANSACTION = "25006";
    /// 25P01
    NO_ACTIVE_SQL_TRANSACTION = "25P01";
    /// 25P02: current transaction is aborted.
    IN_FAILED_SQL_TRANSACTION = "25P02";
    /// 26000
    INVALID_SQL_STATEMENT_NAME = "26000";
    /// 28000
    INVALID_AUTHORIZATION_SPECIFICATION = "28000";
    /// 2BP01
    DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";
    /// 28P01
    INVALID_PASSWORD = "28P01";
    /// 2D000
    INVALID_TRANSACTION_TERMINATION = "2D000";
    /// 34000
    INVALID_CURSOR_NAME = "34000";
    /// 3B001
    INVALID_SAVEPOINT_SPECIFICATION = "3B001";
    /// 3D000: database does not exist.
    INVALID_CATALOG_NAME = "3D000";
    /// 3F000
    INVALID_SCHEMA_NAME = "3F000";
    /// 40001
    SERIALIZATION_FAILURE = "40001";
    /// 40P01
    DEADLOCK_DETECTED = "40P01";
    /// 42501
    INSUFFICIENT_PRIVILEGE = "42501";
    /// 42601
    SYNTAX_ERROR = "42601";
    /// 42602
    INVALID_NAME = "42602";
    /// 3F000: schema does not exist.
    UNDEFINED_SCHEMA = "3F000";
    /// 42622
    NAME_TOO_LONG = "42622";
    /// 42701
    DUPLICATE_COLUMN = "42701";
    /// 42702
    AMBIGUOUS_COLUMN = "42702";
    /// 42703
    UNDEFINED_COLUMN = "42703";
    /// 42704
    UNDEFINED_OBJECT = "42704";
    /// 42710
    DUPLICATE_OBJECT = "42710";
    /// 42725
    AMBIGUOUS_FUNCTION = "42725";
    /// 42803
    GROUPING_ERROR = "42803";
    /// 42804
    DATATYPE_MISMATCH = "42804";
    /// 42809
    WRONG_OBJECT_TYPE = "42809";
    /// 42830: no unique constraint matches a foreign key's columns.
    INVALID_FOREIGN_KEY = "42830";
    /// 428C9: a value for a GENERATED ALWAYS column.
    GENERATED_ALWAYS = "428C9";
    /// 42846
    CANNOT_COERCE = "42846";
    /// 42883
    UNDEFINED_FUNCTION = "42883";
    /// 42P01
    UNDEFINED_TABLE = "42P01";
    /// 42P02
    UNDEFINED_PARAMETER = "42P02";
    /// 42P03
    DUPLICATE_CURSOR = "42P03";
    /// 42P08: a parameter used with two different types.
    AMBIGUOUS_PARAMETER = "42P08";
    /// 42P04
    DUPLICATE_DATABASE = "42P04";
    /// 42P05
    DUPLICATE_PREPARED_STATEMENT = "42P05";
    /// 42P06
    DUPLICATE_SCHEMA = "42P06";
    /// 42939
    RESERVED_NAME = "42939";
    /// 42P07
    DUPLICATE_TABLE = "42P07";
    /// 42712
    DUPLICATE_ALIAS = "42712";
    /// 42P10
    INVALID_COLUMN_REFERENCE = "42P10";
    /// 42P17
    INVALID_OBJECT_DEFINITION = "42P17";
    /// 42P15
    INVALID_SCHEMA_DEFINITION = "42P15";
    /// 42P13
    INVALID_FUNCTION_DEFINITION = "42P13";
    /// 42723
    DUPLICATE_FUNCTION = "42723";
    /// 0Z002
    STACKED_DIAGNOSTICS_ACCESSED_WITHOUT_ACTIVE_HANDLER = "0Z002";
    /// 39P01
    TRIGGER_PROTOCOL_VIOLATED = "39P01";
    /// P0001
    RAISE_EXCEPTION = "P0001";
    /// P0002
    NO_DATA_FOUND = "P0002";
    /// P0003
    TOO_MANY_ROWS = "P0003";
    /// P0004
    ASSERT_FAILURE = "P0004";
    /// 23000
    INTEGRITY_CONSTRAINT_VIOLATION = "23000";
    /// 2F005
    FUNCTION_EXECUTED_NO_RETURN_STATEMENT = "2F005";
    /// 20000
    CASE_NOT_FOUND = "20000";
    /// 42P16
    INVALID_TABLE_DEFINITION = "42P16";
    /// 42P18
    INDETERMINATE_DATATYPE = "42P18";
    /// 42P19
    INVALID_RECURSION = "42P19";
    /// 42P20
    WINDOWING_ERROR = "42P20";
    /// 53000
    INSUFFICIENT_RESOURCES = "53000";
    /// 53100
    DISK_FULL = "53100";
    /// 53200
    OUT_OF_MEMORY = "53200";
    /// 53300: sorry, too many clients already.
    TOO_MANY_CONNECTIONS = "53300";
    /// 54000
    PROGRAM_LIMIT_EXCEEDED = "54000";
    /// 54001: stack depth limit exceeded.
    STATEMENT_TOO_COMPLEX = "54001";
    /// 54011
    TOO_MANY_COLUMNS = "54011";
    /// 54023
    TOO_MANY_ARGUMENTS = "54023";
    /// 55000
    OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
    /// 55006
    OBJECT_IN_USE = "55006";
    /// 55P02: parameter cannot be changed.
    CANT_CHANGE_RUNTIME_PARAM = "55P02";
    /// 55P03
    LOCK_NOT_AVAILABLE = "55P03";
    /// 55P04: unsafe use of a new enum value.
    UNSAFE_NEW_ENUM_VALUE_USAGE = "55P04";
    /// 57014: canceling statement due to user request / statement timeout.
    QUERY_CANCELED = "57014";
    /// 57P01: terminating connection due to administrator command.
    ADMIN_SHUTDOWN = "57P01";
    /// 57P02
    CRASH_SHUTDOWN = "57P02";
    /// 57P03: the database system is starting up / shutting down.
    CANNOT_CONNECT_NOW = "57P03";
    /// 57P04
    DATABASE_DROPPED = "57P04";
    /// 58030
    IO_ERROR = "58030";
    /// 58P01
    UNDEFINED_FILE = "58P01";
    /// XX000
    INTERNAL_ERROR = "XX000";
    /// XX001
    DATA_CORRUPTED = "XX001";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        assert_eq!(SqlState::SYNTAX_ERROR.code(), "42601");
        assert_eq!(SqlState::from_code("57P01"), Some(SqlState::ADMIN_SHUTDOWN));
        assert_eq!(SqlState::from_code("5701"), None);
        assert_eq!(SqlState::from_code("57p01"), None);
    }
}
