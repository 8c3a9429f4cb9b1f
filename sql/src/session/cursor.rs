//! SQL cursors: DECLARE, FETCH, MOVE and CLOSE.
//!
//! A cursor's query runs when it is declared and its rows are kept in
//! the Backend's local memory, charged to it as memory that cannot spill
//! (53200 past the backend's or the server's limit). FETCH and MOVE then walk a
//! position over the rows as PostgreSQL's portal does:
//!
//! ```text
//!   0          1 .. n            n + 1
//! before first   on row i    after last
//! ```
//!
//! Rules, as PostgreSQL's:
//! 1. DECLARE without WITH HOLD needs a transaction block (25P01), and
//!    the cursor ends with its transaction; a WITH HOLD cursor outlives
//!    the commit of the transaction that declared it (not its rollback).
//! 2. Backward movement on a NO SCROLL cursor is 55000.
//! 3. FETCH answers with the cursor's row description even when no row
//!    is left; MOVE sends no rows. Tags count the rows fetched or passed.

use std::collections::HashMap;

use sqlparser::ast;

use super::Session;
use crate::error::{Result, SqlError, SqlState};
use crate::parser::cursor::{FetchDirection, FetchStatement};
use crate::plan::OutputColumn;
use crate::result::ResultSink;
use crate::value::{OutputStyle, Value};

/// One open cursor.
pub(crate) struct Cursor {
    /// Its query's columns.
    columns: Vec<OutputColumn>,
    /// Their formats (all binary for a BINARY cursor, else text): of its
    /// FETCH results and of a Describe of the cursor as a portal.
    formats: Vec<i16>,
    /// Its rows: the columns, then the tuple ids of `tables`' rows.
    rows: Vec<Vec<Value>>,
    /// The stored tables each row came from (a simple scan's, or the
    /// ones FOR UPDATE / SHARE locked), for WHERE CURRENT OF.
    tables: Vec<u32>,
    /// The rows are locked (FOR UPDATE / SHARE).
    locked: bool,
    /// 0 before the first row, 1..=n on a row, n + 1 after the last.
    pos: usize,
    /// WITH HOLD.
    hold: bool,
    /// Backward movement allowed (not NO SCROLL).
    scroll: bool,
    /// Declared in the transaction still open (a rollback ends it even
    /// WITH HOLD).
    in_open_txn: bool,
    /// The DECLARE statement's text (pg_cursors.statement).
    statement: String,
    /// When it was declared (pg_cursors.creation_time).
    created: i64,
    /// Its rows' bytes, charged to the Backend's local memory (returned
    /// when the cursor is dropped).
    _memory: actorgres_memory::Budget,
}

/// The session's cursors by name.
pub(crate) type Cursors = HashMap<String, Cursor>;

/// 34000 for a cursor that is not there.
fn no_cursor(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_CURSOR_NAME,
        format!("cursor \"{name}\" does not exist"),
    )
}

/// Collects a query's description and rows, charging them to `memory`
/// (a cursor's rows; the RETURNING rows of a data-modifying WITH query).
pub(super) struct Collect {
    pub(super) columns: Vec<OutputColumn>,
    pub(super) rows: Vec<Vec<Value>>,
    pub(super) memory: actorgres_memory::Budget,
    pub(super) notices: Vec<SqlError>,
}

impl Collect {
    /// An empty collection charging `memory`.
    pub(super) fn new(memory: actorgres_memory::Budget) -> Collect {
        Collect {
            columns: Vec::new(),
            rows: Vec::new(),
            memory,
            notices: Vec::new(),
        }
    }
}

impl ResultSink for Collect {
    fn row_description(&mut self, columns: &[OutputColumn]) -> Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }
    fn data_row(&mut self, row: &[Value], _style: &OutputStyle) -> Result<()> {
        let n = crate::exec::spill::row_size(row);
        self.memory
            .reserve_hard(n)
            .map_err(|e| crate::error::errors::out_of_memory(e, "PortalHoldContext"))?;
        self.rows.push(row.to_vec());
        Ok(())
    }
    fn command_complete(&mut self, _tag: &str) -> Result<()> {
        Ok(())
    }
    fn empty_query(&mut self) -> Result<()> {
        Ok(())
    }
    fn notice(&mut self, notice: &SqlError) -> Result<()> {
        self.notices.push(notice.clone());
        Ok(())
    }
    fn portal_suspended(&mut self) -> Result<()> {
        Ok(())
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        None
    }
}

impl Session {
    /// Runs DECLARE, FETCH, MOVE or CLOSE; None for other statements.
    pub(super) fn cursor_sql(
        &mut self,
        sql: &str,
        work: super::Work<'_>,
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Option<Result<()>> {
        use crate::parser::Parsed;
        Some(match work.parsed()? {
            Parsed::Fetch(f) => self.fetch(f, sink),
            Parsed::Sql(s) => match s.as_ref() {
                ast::Statement::Declare { stmts, .. } => match stmts.as_slice() {
                    [d] => self.declare(sql, d, work, alone, sink),
                    _ => Err(SqlError::syntax("DECLARE declares one cursor", None)),
                },
                ast::Statement::Close { cursor } => self.close(cursor, sink),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// DECLARE name [BINARY] [NO] SCROLL CURSOR [WITH[OUT] HOLD] FOR query.
    fn declare(
        &mut self,
        sql: &str,
        d: &ast::Declare,
        work: super::Work<'_>,
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let [name] = d.names.as_slice() else {
            return Err(SqlError::syntax("DECLARE declares one cursor", None));
        };
        let name = crate::binder::ident(name);
        let Some(query) = &d.for_query else {
            return Err(SqlError::syntax(
                format!("syntax error at end of DECLARE {name}"),
                None,
            ));
        };
        if let (Some(strength), Some(true)) = (crate::binder::lock_strength(&query.locks), d.scroll)
        {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("DECLARE SCROLL CURSOR ... {strength} is not supported"),
            )
            .with_detail("Scrollable cursors must be READ ONLY."));
        }
        let binary = d.binary == Some(true);
        let hold = d.hold == Some(true);
        let in_block = self.txn.as_ref().is_some_and(|t| t.explicit) || !alone;
        if !hold && !in_block {
            return Err(SqlError::new(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "DECLARE CURSOR can only be used in transaction blocks",
            ));
        }
        if self.cursors.contains_key(&name) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_CURSOR,
                format!("cursor \"{name}\" already exists"),
            ));
        }
        let mut out = Collect::new(self.memory.hard_budget());
        let (result, notices) = {
            let (params, types) = match work {
                super::Work::Prepared {
                    statement, params, ..
                } => (params, statement.param_types().to_vec()),
                super::Work::Parsed(_) => (&[][..], Vec::new()),
            };
            let Some(mut ctx) = self.stmt_context(sql, alone, params) else {
                return Err(SqlError::internal("DECLARE without a transaction"));
            };
            ctx.param_types = types;
            let result = Session::declared_query(&mut ctx, query, &mut out);
            (result, std::mem::take(&mut ctx.notices))
        };
        for n in notices.iter().chain(&out.notices) {
            sink.notice(n)?;
        }
        let (tables, locked) = result?.unwrap_or_default();
        self.cursors.insert(
            name,
            Cursor {
                formats: vec![i16::from(binary); out.columns.len()],
                columns: out.columns,
                rows: out.rows,
                tables,
                locked,
                pos: 0,
                hold,
                // A cursor that locks its rows reads forward only.
                scroll: d.scroll == Some(true) || (d.scroll.is_none() && !locked),
                in_open_txn: true,
                statement: sql.trim().to_owned(),
                created: crate::value::datetime::now_micros(),
                _memory: out.memory,
            },
        );
        sink.command_complete("DECLARE CURSOR")
    }

    /// FETCH or MOVE.
    fn fetch(&mut self, f: &FetchStatement, sink: &mut dyn ResultSink) -> Result<()> {
        let style = self.style.clone();
        let cursor = self
            .cursors
            .get_mut(&f.cursor)
            .ok_or_else(|| no_cursor(&f.cursor))?;
        let direction = match f.direction {
            FetchDirection::Forward(Some(0)) | FetchDirection::Backward(Some(0)) => {
                FetchDirection::Relative(0)
            }
            d => d,
        };
        // Whether PostgreSQL's PortalRunFetch would move the executor
        // backward (or rewind it) to get there.
        let rows = cursor.rows.len();
        let pos = cursor.pos;
        let backward = match direction {
            FetchDirection::Backward(_) => true,
            FetchDirection::Absolute(k) if k > 0 => {
                let k = k as usize;
                let at_end = usize::from(pos == rows + 1);
                pos > 0 && (k - 1 <= pos / 2 || k <= pos + at_end)
            }
            FetchDirection::Absolute(k) => k < 0 || pos > 0,
            // Re-fetching the current row backs up one first.
            FetchDirection::Relative(0) => !f.is_move && (1..=rows).contains(&pos),
            FetchDirection::Relative(k) => k < 0,
            FetchDirection::Forward(_) => false,
        };
        if backward && !cursor.scroll {
            return Err(SqlError::new(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cursor can only scan forward",
            )
            .with_hint("Declare it with SCROLL option to enable backward scan."));
        }
        let n = cursor.rows.len();
        // The rows passed over, in the order they are returned.
        let mut hit: Vec<usize> = Vec::new();
        match direction {
            FetchDirection::Forward(count) => {
                let k = count.map_or(usize::MAX, |c| c as usize);
                let end = cursor.pos.saturating_add(k).min(n);
                hit.extend(cursor.pos..end);
                cursor.pos = cursor.pos.saturating_add(k).min(n + 1);
            }
            FetchDirection::Backward(count) => {
                let k = count.map_or(usize::MAX, |c| c as usize);
                let mut p = cursor.pos.min(n + 1);
                let mut moved = 0;
                while moved < k && p > 1 {
                    p -= 1;
                    hit.push(p - 1);
                    moved += 1;
                }
                cursor.pos = if moved < k { 0 } else { p };
            }
            FetchDirection::Absolute(k) => {
                let target = if k >= 0 {
                    k as i128
                } else {
                    n as i128 + 1 + i128::from(k)
                };
                cursor.pos = target.clamp(0, n as i128 + 1) as usize;
                if (1..=n).contains(&cursor.pos) {
                    hit.push(cursor.pos - 1);
                }
            }
            FetchDirection::Relative(k) => {
                let target = cursor.pos as i128 + i128::from(k);
                cursor.pos = target.clamp(0, n as i128 + 1) as usize;
                if (1..=n).contains(&cursor.pos) {
                    hit.push(cursor.pos - 1);
                }
            }
        }
        if f.is_move {
            return sink.command_complete(&format!("MOVE {}", hit.len()));
        }
        sink.row_description_formats(&cursor.columns, &cursor.formats)?;
        let width = cursor.columns.len();
        for &i in &hit {
            if let Some(row) = cursor.rows.get(i) {
                sink.data_row(&row[..width.min(row.len())], &style)?;
            }
        }
        sink.command_complete(&format!("FETCH {}", hit.len()))
    }

    /// A cursor's query run into `out`: the tables whose tuple ids follow
    /// each row's columns, and whether the rows are locked.
    fn declared_query(
        ctx: &mut super::Stmt<'_>,
        query: &ast::Query,
        out: &mut Collect,
    ) -> Result<Option<(Vec<u32>, bool)>> {
        let mut binder = ctx.binder().for_cursor();
        let bound = binder.query(query)?;
        let mut tables = binder.cursor_tables();
        ctx.param_types = binder.into_params();
        let plan = Self::optimize(ctx, bound.plan)?;
        if matches!(tables, Some((_, false))) && !simple_scan(&plan) {
            // Only a plain scan's current row is a row of its table.
            tables = None;
        }
        Self::run_select(ctx, &plan, &bound.columns, out)?;
        Ok(tables)
    }

    /// CLOSE name | ALL.
    fn close(&mut self, which: &ast::CloseCursor, sink: &mut dyn ResultSink) -> Result<()> {
        match which {
            ast::CloseCursor::All => {
                self.cursors.clear();
                sink.command_complete("CLOSE CURSOR ALL")
            }
            ast::CloseCursor::Specific { name } => {
                let name = crate::binder::ident(name);
                if self.cursors.remove(&name).is_none() {
                    return Err(no_cursor(&name));
                }
                sink.command_complete("CLOSE CURSOR")
            }
        }
    }

    /// Describe of cursor `name` as a portal: its columns and formats.
    pub(super) fn describe_cursor(&self, name: &str) -> Option<(&[OutputColumn], &[i16])> {
        self.cursors
            .get(name)
            .map(|c| (c.columns.as_slice(), c.formats.as_slice()))
    }

    /// The transaction ended: cursors without HOLD go, and on rollback
    /// those it declared WITH HOLD too (rule 1).
    pub(super) fn end_cursors(&mut self, commit: bool) {
        self.cursors
            .retain(|_, c| c.hold && (commit || !c.in_open_txn));
        for c in self.cursors.values_mut() {
            c.in_open_txn = false;
        }
    }
}

impl Cursor {
    /// pg_cursors' facts: statement, is_holdable, is_scrollable,
    /// creation_time.
    pub(crate) fn describe(&self) -> (&str, bool, bool, i64) {
        (&self.statement, self.hold, self.scroll, self.created)
    }

    /// Declared BINARY.
    pub(crate) fn is_binary(&self) -> bool {
        self.formats.contains(&1)
    }
}

/// 24000 with `message`.
fn cursor_state(message: String) -> SqlError {
    SqlError::new(SqlState::INVALID_CURSOR_STATE, message)
}

/// The tuple id of the row of `table` that cursor `name` is on (WHERE
/// CURRENT OF), with PostgreSQL's errors for a cursor that has none.
/// The tuple id of the row cursor `name` is on in `table`, with the
/// place of the member table it is in when `table` was read through its
/// partitions or inheritance children.
pub(crate) fn current_row_tid(
    cursors: &Cursors,
    name: &str,
    table: &crate::catalog::TableDef,
) -> Result<(actorgres_storage::page::Tid, usize)> {
    let c = cursors.get(name).ok_or_else(|| no_cursor(name))?;
    if c.hold && !c.in_open_txn {
        return Err(cursor_state(format!(
            "cursor \"{name}\" is held from a previous transaction"
        )));
    }
    let t = &table.name;
    let of_table: Vec<usize> = (0..c.tables.len())
        .filter(|&i| c.tables[i] == table.oid)
        .collect();
    let which = match (c.locked, of_table.as_slice()) {
        (true, [i]) => *i,
        (true, []) => {
            return Err(cursor_state(format!(
                "cursor \"{name}\" does not have a FOR UPDATE/SHARE reference to table \"{t}\""
            )))
        }
        (true, _) => {
            return Err(cursor_state(format!(
                "cursor \"{name}\" has multiple FOR UPDATE/SHARE references to table \"{t}\""
            )))
        }
        (false, [i]) if c.tables.len() == 1 => *i,
        (false, _) => {
            return Err(cursor_state(format!(
                "cursor \"{name}\" is not a simply updatable scan of table \"{t}\""
            )))
        }
    };
    let row = (1..=c.rows.len())
        .contains(&c.pos)
        .then(|| &c.rows[c.pos - 1])
        .ok_or_else(|| cursor_state(format!("cursor \"{name}\" is not positioned on a row")))?;
    let v = row.get(c.columns.len() + which);
    let tid = v
        .and_then(crate::table::tid_of)
        .ok_or_else(|| cursor_state(format!("cursor \"{name}\" is not positioned on a row")))?;
    Ok((tid, v.map_or(0, crate::table::partition::tid_member)))
}

/// Whether a plan is one table's scan, filtered, projected or limited:
/// PostgreSQL's "simply updatable" cursor (a sort, join or aggregate
/// between the cursor and the scan hides which row it is on).
fn simple_scan(plan: &crate::plan::Plan) -> bool {
    use crate::plan::Plan;
    match plan {
        Plan::SeqScan { .. } | Plan::IndexScan { .. } => true,
        Plan::Project { input, .. } | Plan::Filter { input, .. } | Plan::Limit { input, .. } => {
            simple_scan(input)
        }
        // A table read with its partitions or inheritance children.
        Plan::Append {
            inputs,
            parts: Some(_),
        } => inputs.iter().all(simple_scan),
        _ => false,
    }
}
