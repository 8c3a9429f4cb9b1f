//! Portals: a prepared statement with parameter values bound, run by
//! Execute messages, all at once or a few rows at a time.
//!
//! ```text
//! Bind ──► Ready ──Execute(0)──► Done (rows streamed)
//!            └──Execute(n)──► Suspended (rows kept) ──Execute(n)──► ... ──► Done
//! ```
//!
//! Rules, as PostgreSQL's exec_execute_message:
//! 1. An Execute with a row limit that returns exactly that many rows
//!    ends with PortalSuspended, even when no row is left; one that
//!    returns fewer ends with CommandComplete counting the rows of that
//!    Execute only.
//! 2. A portal that returns rows can be executed again once done (no
//!    rows, "SELECT 0"); any other portal cannot (55000).
//! 3. Portals end with their transaction (none is holdable yet); the
//!    unnamed one also when the next Bind replaces it.
//! 4. A statement run with a row limit runs to completion at its first
//!    Execute; its rows wait in the portal (PostgreSQL does the same for
//!    INSERT ... RETURNING, and keeps a SELECT's executor open instead).

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;

use super::prepared::PreparedStatement;
use super::Session;
use crate::error::{Result, SqlError, SqlState};
use crate::plan::OutputColumn;
use crate::result::ResultSink;
use crate::value::binary::read_binary;
use crate::value::{OutputStyle, Value};

/// Where a portal is in its life.
enum State {
    /// Bound, not run yet.
    Ready,
    /// Ran with a row limit: the rows not fetched yet and the command
    /// tag's words before its count ("SELECT ", "INSERT 0 ").
    Suspended {
        /// Rows left.
        rows: VecDeque<Vec<Value>>,
        /// Tag prefix.
        verb: String,
        /// Approximate bytes of one kept row.
        row_bytes: usize,
    },
    /// Ran to the end: the tag prefix if it returns rows (rule 2).
    Done(Option<String>),
}

/// One portal.
pub struct Portal {
    /// The statement it runs (kept even if the statement is closed).
    statement: Arc<PreparedStatement>,
    /// Parameter values.
    params: Vec<Value>,
    /// Result format per column: 0 text, 1 binary.
    formats: Vec<i16>,
    /// The plan checked at Bind (its tables locked since).
    plan: Option<Arc<super::prepared::CachedPlan>>,
    /// Progress.
    state: State,
}

impl Portal {
    /// A rough size of what it holds, for the Backend's memory view.
    pub fn approximate_bytes(&self) -> usize {
        let rows = match &self.state {
            State::Suspended {
                rows, row_bytes, ..
            } => rows.len() * row_bytes,
            _ => 0,
        };
        std::mem::size_of::<Self>() + 32 * self.params.len() + 2 * self.formats.len() + rows
    }

    /// The result format of each column.
    pub fn formats(&self) -> &[i16] {
        &self.formats
    }

    /// The statement it runs.
    pub fn statement(&self) -> &PreparedStatement {
        &self.statement
    }
}

/// oid's alias types, whose input reads names (`'t'` as a regclass).
fn is_oid_alias(ty: crate::types::DataType) -> bool {
    ty.is_catalog_name() || ty == crate::types::DataType::Regtype
}

/// 08P01 with `message`.
fn protocol(message: String) -> SqlError {
    SqlError::new(SqlState::PROTOCOL_VIOLATION, message)
}

/// The format of each of `n` items from a Bind message's format codes:
/// none (all text), one (for all) or one each.
fn expand_formats(codes: &[i16], n: usize) -> Option<Vec<i16>> {
    match codes.len() {
        0 => Some(vec![0; n]),
        1 => Some(vec![codes[0]; n]),
        l if l == n => Some(codes.to_vec()),
        _ => None,
    }
}

/// The CONTEXT line of an error in parameter `n` of `portal`; a text
/// value is shown as PostgreSQL does with log_parameter_max_length_on_error
/// at its default of 0.
fn parameter_context(portal: &str, n: usize, text: bool) -> String {
    let who = if portal.is_empty() {
        "unnamed portal".to_owned()
    } else {
        format!("portal \"{portal}\"")
    };
    if text {
        format!("{who} parameter ${n} = '...'")
    } else {
        format!("{who} parameter ${n}")
    }
}

/// A tag's words before its count: "SELECT 3" → "SELECT ",
/// "INSERT 0 3" → "INSERT 0 ".
fn tag_prefix(tag: &str) -> String {
    match tag.rfind(' ') {
        Some(i) => tag[..=i].to_owned(),
        None => format!("{tag} "),
    }
}

/// Keeps a statement's rows and tag instead of sending them (rule 4).
struct Keep<'a> {
    /// Where everything else goes.
    inner: &'a mut dyn ResultSink,
    /// The rows.
    rows: VecDeque<Vec<Value>>,
    /// The command tag.
    tag: Option<String>,
}

impl ResultSink for Keep<'_> {
    fn row_description(&mut self, columns: &[OutputColumn]) -> Result<()> {
        self.inner.row_description(columns)
    }
    fn data_row(&mut self, row: &[Value], _style: &OutputStyle) -> Result<()> {
        self.rows.push_back(row.to_vec());
        Ok(())
    }
    fn command_complete(&mut self, tag: &str) -> Result<()> {
        self.tag = Some(tag.to_owned());
        Ok(())
    }
    fn empty_query(&mut self) -> Result<()> {
        self.inner.empty_query()
    }
    fn notice(&mut self, notice: &SqlError) -> Result<()> {
        self.inner.notice(notice)
    }
    fn portal_suspended(&mut self) -> Result<()> {
        self.inner.portal_suspended()
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        self.inner.copy()
    }
}

impl Session {
    /// Bind: makes portal `portal` ("" replaces the unnamed one) from
    /// prepared statement `statement` and the parameter values, read by
    /// their format codes; `result_formats` chooses text or binary
    /// columns.
    pub fn bind(
        &mut self,
        portal: &str,
        statement: &str,
        param_formats: &[i16],
        params: &[Option<Bytes>],
        result_formats: &[i16],
    ) -> Result<()> {
        let _stack = self.stack_budget();
        let ps = self.statement_named(statement)?;
        let wanted = ps.param_types().len();
        let formats = expand_formats(param_formats, params.len()).ok_or_else(|| {
            protocol(format!(
                "bind message has {} parameter formats but {} parameters",
                param_formats.len(),
                params.len()
            ))
        })?;
        if params.len() != wanted {
            return Err(protocol(format!(
                "bind message supplies {} parameters, but prepared statement \"{}\" requires {wanted}",
                params.len(),
                ps.name
            )));
        }
        let ncols = ps.columns().map_or(0, <[OutputColumn]>::len);
        let result = expand_formats(result_formats, ncols).ok_or_else(|| {
            protocol(format!(
                "bind message has {} result formats but query has {ncols} columns",
                result_formats.len()
            ))
        })?;
        if !ps.is_transaction_control() {
            self.check_not_failed()?;
        }
        if !portal.is_empty() && self.portals.contains_key(portal) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_CURSOR,
                format!("cursor \"{portal}\" already exists"),
            ));
        }
        let mut values = Vec::with_capacity(params.len());
        let mut names: Vec<(usize, String)> = Vec::new();
        for (i, (raw, (&format, &ty))) in params
            .iter()
            .zip(formats.iter().zip(ps.param_types()))
            .enumerate()
        {
            let n = i + 1;
            let Some(raw) = raw else {
                values.push(Value::Null);
                continue;
            };
            let value = match format {
                0 => crate::error::errors::utf8(raw)
                    .map_err(|e| e.with_context(parameter_context(portal, n, false)))
                    .and_then(|text| {
                        if is_oid_alias(ty) {
                            // regclassin and friends read names from the
                            // catalog: resolved below, in the transaction.
                            names.push((i, text));
                            return Ok(Value::Null);
                        }
                        crate::cast::parse_text(&text, ty, &self.style)
                            .map_err(|e| e.with_context(parameter_context(portal, n, true)))
                    }),
                1 => read_binary(ty, raw).map_err(|e| {
                    e.for_parameter(n)
                        .with_context(parameter_context(portal, n, false))
                }),
                other => Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("unsupported format code: {other}"),
                )),
            }?;
            values.push(value);
        }
        let plan = if ps.is_plannable() || !names.is_empty() {
            self.in_statement(&ps.sql, false, |ctx| {
                ctx.param_types = ps.param_types().to_vec();
                for (i, text) in &names {
                    let ty = ps.param_types()[*i];
                    values[*i] = ctx
                        .binder()
                        .reg_input(ty, text)
                        .map_err(|e| e.with_context(parameter_context(portal, i + 1, true)))?;
                }
                if ps.is_plannable() {
                    ps.plan_for_bind(ctx)
                } else {
                    Ok(None)
                }
            })?
        } else {
            self.ensure_txn(false);
            None
        };
        let p = Portal {
            statement: ps,
            params: values,
            formats: result,
            plan,
            state: State::Ready,
        };
        self.prepared_bytes.1 += p.approximate_bytes();
        if let Some(old) = self.portals.insert(portal.to_owned(), p) {
            self.prepared_bytes.1 -= old.approximate_bytes();
        }
        self.publish_prepared_memory();
        Ok(())
    }

    /// The portal `name`; 34000 if there is none.
    pub fn portal_named(&self, name: &str) -> Result<&Portal> {
        self.portals.get(name).ok_or_else(|| no_portal(name))
    }

    /// Describe of a portal: its columns with their formats, if it
    /// returns rows.
    pub fn describe_portal(&self, name: &str) -> Result<Option<(&[OutputColumn], &[i16])>> {
        // A SQL cursor is a portal too (psycopg describes its cursors).
        if !self.portals.contains_key(name) {
            if let Some(described) = self.describe_cursor(name) {
                return Ok(Some(described));
            }
        }
        let p = self.portal_named(name)?;
        Ok(p.statement.columns().map(|c| (c, p.formats.as_slice())))
    }

    /// Closes portal `name` (no error if there is none).
    pub fn close_portal(&mut self, name: &str) {
        if let Some(old) = self.portals.remove(name) {
            self.prepared_bytes.1 -= old.approximate_bytes();
            self.publish_prepared_memory();
        }
    }

    /// Execute: runs portal `name`, at most `max_rows` rows (0: all);
    /// ends with CommandComplete, PortalSuspended or EmptyQueryResponse
    /// on `sink` (rules 1 and 2).
    pub fn execute(&mut self, name: &str, max_rows: i32, sink: &mut dyn ResultSink) -> Result<()> {
        let _stack = self.stack_budget();
        let before = self.portals.get(name).map_or(0, Portal::approximate_bytes);
        let result = self.execute_portal(name, max_rows, sink);
        let after = self.portals.get(name).map_or(0, Portal::approximate_bytes);
        if before != after {
            self.prepared_bytes.1 = (self.prepared_bytes.1 + after).saturating_sub(before);
            self.publish_prepared_memory();
        }
        result
    }

    fn execute_portal(
        &mut self,
        name: &str,
        max_rows: i32,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let limit = usize::try_from(max_rows).ok().filter(|&n| n > 0);
        let portal = self.portals.get_mut(name).ok_or_else(|| no_portal(name))?;
        let statement = Arc::clone(&portal.statement);
        if !statement.is_transaction_control() {
            // A portal of a failed transaction cannot run.
            if self.txn.as_ref().is_some_and(|t| t.failed) {
                return Err(failed_block());
            }
        }
        let portal = self.portals.get_mut(name).ok_or_else(|| no_portal(name))?;
        if let Some(&bad) = portal.formats.iter().find(|f| !matches!(f, 0 | 1)) {
            // Bind takes any code; the rows cannot be sent in it.
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("unsupported format code: {bad}"),
            ));
        }
        match &mut portal.state {
            State::Ready => {}
            State::Suspended {
                rows,
                verb,
                row_bytes,
            } => {
                let (verb, row_bytes) = (verb.clone(), *row_bytes);
                let (rows, sent) = send_rows(rows, limit, sink, &self.style)?;
                return finish_fetch(portal, rows, verb, row_bytes, sent, limit, sink);
            }
            State::Done(Some(verb)) => {
                let tag = format!("{verb}0");
                return sink.command_complete(&tag);
            }
            State::Done(None) => {
                return Err(SqlError::new(
                    SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    format!("portal \"{name}\" cannot be run"),
                ))
            }
        }
        let params = std::mem::take(&mut portal.params);
        let plan = portal.plan.clone();
        let returns_rows = statement.columns().is_some();
        let outcome = match limit.filter(|_| returns_rows) {
            None => {
                let r = self.run_prepared(&statement, &params, plan.as_ref(), sink);
                r.map(|()| None)
            }
            Some(_) => {
                let mut keep = Keep {
                    inner: &mut *sink,
                    rows: VecDeque::new(),
                    tag: None,
                };
                let r = self.run_prepared(&statement, &params, plan.as_ref(), &mut keep);
                let (rows, tag) = (keep.rows, keep.tag);
                r.map(|()| Some((rows, tag)))
            }
        };
        // A COMMIT or ROLLBACK run by the portal ended its transaction,
        // and the portals with it (rule 3).
        let Some(portal) = self.portals.get_mut(name) else {
            return outcome.map(|_| ());
        };
        portal.params = params;
        match outcome? {
            None => {
                portal.state = State::Done(if returns_rows {
                    statement_verb(&statement)
                } else {
                    None
                });
                Ok(())
            }
            Some((mut rows, tag)) => {
                let verb = tag
                    .as_deref()
                    .map_or_else(|| "SELECT ".to_owned(), tag_prefix);
                // Rows kept are charged by the first one's size.
                let row_bytes = rows
                    .front()
                    .map_or(0, |r| crate::exec::spill::row_size(r) as usize);
                let (rows_left, sent) = send_rows(&mut rows, limit, sink, &self.style)?;
                let portal = self.portals.get_mut(name).ok_or_else(|| no_portal(name))?;
                finish_fetch(portal, rows_left, verb, row_bytes, sent, limit, sink)
            }
        }
    }

    /// Runs a prepared statement with `params` as one statement of the
    /// open (or a new implicit) transaction.
    pub(crate) fn run_prepared(
        &mut self,
        statement: &PreparedStatement,
        params: &[Value],
        plan: Option<&Arc<super::prepared::CachedPlan>>,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        self.statement(
            &statement.sql,
            super::Work::Prepared {
                statement,
                params,
                plan,
            },
            true,
            sink,
        )
    }

    /// Sync: ends the implicit transaction the extended-protocol messages
    /// since the last Sync ran in (committing it), as PostgreSQL does.
    pub fn sync(&mut self) -> Result<()> {
        let implicit = self.txn.as_ref().is_some_and(|t| !t.explicit);
        if implicit {
            self.commit()?;
        }
        Ok(())
    }

    /// After an error in an extended-protocol message: the implicit
    /// transaction rolls back, an explicit block fails (as after an error
    /// in a simple query).
    pub fn abort_after_error(&mut self, e: &SqlError) {
        self.on_error(e);
    }
}

/// The tag prefix of a statement's completed run when it returns rows.
fn statement_verb(statement: &PreparedStatement) -> Option<String> {
    let crate::parser::Parsed::Sql(s) = statement.parsed()? else {
        return None;
    };
    Some(
        match s.as_ref() {
            sqlparser::ast::Statement::Insert(_) => "INSERT 0 ",
            sqlparser::ast::Statement::Update(_) => "UPDATE ",
            sqlparser::ast::Statement::Delete(_) => "DELETE ",
            sqlparser::ast::Statement::Merge(_) => "MERGE ",
            sqlparser::ast::Statement::ShowVariable { .. } => "SHOW ",
            sqlparser::ast::Statement::Explain { .. } => "EXPLAIN ",
            _ => "SELECT ",
        }
        .to_owned(),
    )
}

/// Sends up to `limit` of `rows`; returns what is left and how many went.
fn send_rows(
    rows: &mut VecDeque<Vec<Value>>,
    limit: Option<usize>,
    sink: &mut dyn ResultSink,
    style: &OutputStyle,
) -> Result<(VecDeque<Vec<Value>>, usize)> {
    let n = limit.unwrap_or(usize::MAX).min(rows.len());
    for row in rows.drain(..n) {
        sink.data_row(&row, style)?;
    }
    Ok((std::mem::take(rows), n))
}

/// Ends one Execute of a portal with rows kept (rule 1).
fn finish_fetch(
    portal: &mut Portal,
    rows: VecDeque<Vec<Value>>,
    verb: String,
    row_bytes: usize,
    sent: usize,
    limit: Option<usize>,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    if limit == Some(sent) {
        portal.state = State::Suspended {
            rows,
            verb,
            row_bytes,
        };
        return sink.portal_suspended();
    }
    let tag = format!("{verb}{sent}");
    portal.state = State::Done(Some(verb));
    sink.command_complete(&tag)
}

/// 34000.
fn no_portal(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_CURSOR_NAME,
        format!("portal \"{name}\" does not exist"),
    )
}

/// 25P02.
pub(super) fn failed_block() -> SqlError {
    SqlError::new(
        SqlState::IN_FAILED_SQL_TRANSACTION,
        "current transaction is aborted, commands ignored until end of transaction block",
    )
}
