//! The one place where SQL errors become ErrorResponse and NoticeResponse
//! fields.

use actorgres_protocol::{ErrorFields, Severity};
use actorgres_sql::{Level, SqlError};

/// The wire fields of an error or notice.
pub fn fields(e: &SqlError) -> ErrorFields {
    let r = e.report();
    let severity = match r.level {
        Level::Error => Severity::Error,
        Level::Fatal => Severity::Fatal,
        Level::Warning => Severity::Warning,
        Level::Notice => Severity::Notice,
        Level::Info => Severity::Info,
    };
    let mut f = ErrorFields::new(severity, r.code, r.message.clone());
    f.detail = r.detail.clone();
    f.hint = r.hint.clone();
    f.position = r.position;
    f.context = r.context.clone();
    f.schema = r.schema.clone();
    f.table = r.table.clone();
    f.column = r.column.clone();
    f.datatype = r.datatype.clone();
    f.constraint = r.constraint.clone();
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use actorgres_sql::SqlState;

    #[test]
    fn maps_level_code_and_position() {
        let e = SqlError::syntax("syntax error at or near \"x\"", Some(8)).with_hint("h");
        let f = fields(&e);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.code, SqlState::SYNTAX_ERROR);
        assert_eq!((f.position, f.hint.as_deref()), (Some(8), Some("h")));
        let w = SqlError::warning(SqlState::WARNING, "careful");
        assert_eq!(fields(&w).severity, Severity::Warning);
        let x = SqlError::fatal(SqlState::ADMIN_SHUTDOWN, "bye");
        assert_eq!(fields(&x).severity, Severity::Fatal);
    }
}
