//! The binder: sqlparser syntax to typed plans, by PostgreSQL's rules.
//!
//! It resolves every name against the scope (the FROM clause's columns),
//! types every expression (literal typing, operator and function
//! resolution, implicit coercion of unknown literals) and reports the
//! errors PostgreSQL reports at parse analysis, with their positions.
//!
//! Rules:
//! 1. Unknown-typed literals ('abc', NULL) stay unknown until context
//!    gives them a type; a literal that cannot be read as that type fails
//!    here, at the literal's position, as in PostgreSQL.
//! 2. Recursion is bounded: nesting deeper than [`MAX_DEPTH`] is 54001
//!    "stack depth limit exceeded", never a crashed thread.
//! 3. A select-list item that stays unknown is output as text.

mod expr;
mod names;
mod select;

use sqlparser::ast::Spanned;
use sqlparser::tokenizer::Location;

pub use names::{ident, object_name};

use crate::error::{Result, SqlError, SqlState};
use crate::parser::char_position;
use crate::types::DataType;
use crate::value::OutputStyle;

/// How deep expressions may nest.
pub const MAX_DEPTH: usize = 1500;

/// One column visible to expressions.
#[derive(Debug, Clone)]
pub struct ScopeColumn {
    /// The table name or alias it can be qualified with.
    pub table: Option<String>,
    /// Column name.
    pub name: String,
    /// Type.
    pub ty: DataType,
    /// Type modifier.
    pub typmod: i32,
    /// Source table OID (for RowDescription), or 0.
    pub table_oid: u32,
    /// Source attribute number, or 0.
    pub attnum: i16,
}

/// The columns of the input rows an expression is evaluated against, in
/// row order.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Columns, indexed as in the row.
    pub columns: Vec<ScopeColumn>,
}

/// Binds statements of one query string.
pub struct Binder<'a> {
    /// The whole query text, for error positions.
    sql: &'a str,
    /// Session output settings (reading literals such as 'now').
    style: &'a OutputStyle,
    /// Current expression depth.
    depth: usize,
    /// Types of $n parameters: given by the client or inferred here.
    params: Vec<DataType>,
}

impl<'a> Binder<'a> {
    /// A binder for `sql` with parameter types `params` (empty for a
    /// simple query).
    pub fn new(sql: &'a str, style: &'a OutputStyle, params: Vec<DataType>) -> Self {
        Binder {
            sql,
            style,
            depth: 0,
            params,
        }
    }

    /// 1-based character position of a location, if it has one.
    fn pos(&self, loc: Location) -> Option<u32> {
        char_position(self.sql, loc)
    }

    /// Position where a syntax node starts.
    fn pos_of(&self, node: &impl Spanned) -> Option<u32> {
        self.pos(node.span().start)
    }

    /// Position of the first non-blank character at or after the end of
    /// `node`: where an infix operator or `::` stands.
    fn pos_after(&self, node: &impl Spanned) -> Option<u32> {
        let end = self.pos(node.span().end)? as usize;
        let skipped = self
            .sql
            .chars()
            .skip(end - 1)
            .take_while(|c| c.is_whitespace() || *c == ')')
            .count();
        u32::try_from(end + skipped).ok()
    }

    /// Enters one level of nesting; 54001 past the limit.
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SqlError::new(
                SqlState::STATEMENT_TOO_COMPLEX,
                "stack depth limit exceeded",
            )
            .with_hint(
                "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.",
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }
}
