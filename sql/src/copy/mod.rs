//! COPY: moving rows between a table (or a query) and the client, a
//! file on the server, or a program, in text, CSV or binary format.
//!
//! ```text
//! COPY t FROM STDIN ──► CopyInResponse ──► client's CopyData ... CopyDone
//!        │                 lines / binary tuples ─► values ─► Loader (batches
//!        │                 of rows to the heap, one WAL record per page)
//!        └──────────────► CommandComplete "COPY n"
//! COPY t TO STDOUT ───► CopyOutResponse ─► a CopyData per row ─► CopyDone
//! ```
//!
//! Rules, as PostgreSQL's copyfrom.c and copyto.c:
//! 1. Options are checked before anything is read or written
//!    ([`options::CopyOptions::parse`]); COPY FROM starts reading (the
//!    client gets CopyInResponse) before the FREEZE check, as PostgreSQL.
//! 2. An error in the data names where it is: CONTEXT `COPY t, line 3,
//!    column b: "value"` for a value, `COPY t, line 3: "the line"` for
//!    the line. Nothing of a failed COPY is kept (it runs in the
//!    statement's transaction).
//! 3. Files and programs are the server's: COPY TO a file needs an
//!    absolute path; every session is a superuser here, as the only
//!    role is.

mod binary;
mod from;
mod options;
mod text;
mod to;

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{Ident, ObjectName};

use crate::binder::{ident, object_name};
use crate::catalog::TableDef;
use crate::error::{Result, SqlError, SqlState};
use crate::parser::CopyStatement;
use crate::result::ResultSink;
use crate::session::Stmt;

pub use options::CopyOptions;

/// Runs a COPY statement.
pub(crate) fn copy(
    ctx: &mut Stmt<'_>,
    stmt: &CopyStatement,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let opts = CopyOptions::parse(&stmt.options, stmt.from)?;
    if stmt.from {
        from::copy_from(ctx, stmt, &opts, sink)
    } else {
        if stmt.where_clause.is_some() {
            return Err(SqlError::syntax(
                "WHERE clause not allowed with COPY TO",
                stmt.where_position,
            ));
        }
        to::copy_to(ctx, stmt, &opts, sink)
    }
}

/// Opens the table a COPY names, locked in `mode`; 42P01, or 42809 for a
/// view (`direction` is "to" for COPY FROM, "from" for COPY TO, as
/// PostgreSQL words it).
fn open_table(
    ctx: &mut Stmt<'_>,
    name: &ObjectName,
    mode: LockMode,
    direction: &str,
) -> Result<Arc<TableDef>> {
    let parts = object_name(name);
    let (schema, rel) = match parts.as_slice() {
        [n] => (None, n.as_str()),
        [s, n] | [_, s, n] => (Some(s.as_str()), n.as_str()),
        _ => return Err(SqlError::internal("empty table name")),
    };
    let def = ctx.open_table(schema, rel, mode)?.ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!("relation \"{}\" does not exist", parts.join(".")),
        )
    })?;
    ctx.check_own_temp(&def)?;
    if def.matview.is_some() && direction == "to" {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("cannot copy to materialized view \"{}\"", def.name),
        ));
    }
    if def.view.is_some() {
        let e = SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("cannot copy {direction} view \"{}\"", def.name),
        );
        return Err(if direction == "to" {
            e.with_hint("To enable copying to a view, provide an INSTEAD OF INSERT trigger.")
        } else {
            e.with_hint("Try the COPY (SELECT ...) TO variant.")
        });
    }
    Ok(def)
}

/// The attribute indexes of the columns a COPY names (all live columns
/// if none): 42703 for an unknown one, 42701 for one named twice.
fn column_list(def: &TableDef, names: &[Ident]) -> Result<Vec<usize>> {
    if names.is_empty() {
        // Generated columns are computed, never copied (as PostgreSQL).
        return Ok(def
            .live()
            .filter(|(_, c)| !c.generated)
            .map(|(i, _)| i)
            .collect());
    }
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let name = ident(n);
        let i = find_column(def, &name)?;
        if def.columns[i].generated {
            return Err(SqlError::new(
                SqlState::INVALID_COLUMN_REFERENCE,
                format!("column \"{name}\" is a generated column"),
            )
            .with_detail("Generated columns cannot be used in COPY."));
        }
        if out.contains(&i) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{name}\" specified more than once"),
            ));
        }
        out.push(i);
    }
    Ok(out)
}

/// The attribute index of column `name` of `def`; 42703 if none.
fn find_column(def: &TableDef, name: &str) -> Result<usize> {
    def.find(name).ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!(
                "column \"{name}\" of relation \"{}\" does not exist",
                def.name
            ),
        )
    })
}

/// Text shown in an error's CONTEXT: at most 100 bytes (at a character
/// boundary) and "..." after, as PostgreSQL's limit_printout_length.
fn printout(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    if s.len() <= 100 {
        return s.into_owned();
    }
    let mut cut = 100;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &s[..cut])
}
