//! Sort, Limit and Distinct.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::key::row_key;
use super::{Node, Row};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::plan::SortKey;
use crate::value::Value;

/// Compares two rows by `keys`: NULLs sort as larger than every value
/// unless the key says NULLS FIRST, as in PostgreSQL.
pub fn compare_rows(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for k in keys {
        let (x, y) = (&a[k.column], &b[k.column]);
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) if k.nulls_first => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, true) if k.nulls_first => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                let o = x.compare(y).unwrap_or(Ordering::Equal);
                if k.desc {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Reads all input rows, then returns them in order.
pub struct Sort<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// Keys.
    pub keys: &'p [SortKey],
    /// Sorted rows, reversed (popped from the end).
    pub rows: Option<Vec<Row>>,
}

impl Node for Sort<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.rows.is_none() {
            let mut rows = Vec::new();
            while let Some(r) = self.input.next(ctx)? {
                rows.push(r);
                if rows.len().is_multiple_of(1024) {
                    ctx.check_interrupts()?;
                }
            }
            let keys = self.keys;
            // Reverse order so that popping yields ascending rows; a
            // stable sort keeps equal rows in input order.
            rows.sort_by(|a, b| compare_rows(b, a, keys));
            self.rows = Some(rows);
        }
        Ok(self.rows.as_mut().and_then(Vec::pop))
    }
}

/// LIMIT / OFFSET.
pub struct Limit<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// LIMIT expression.
    pub limit: Option<&'p Expr>,
    /// OFFSET expression.
    pub offset: Option<&'p Expr>,
    /// (rows still to skip, rows still to return), once computed.
    pub state: Option<(i64, Option<i64>)>,
}

impl Limit<'_> {
    fn bound(e: Option<&Expr>, what: &str, code: SqlState, ctx: &mut EvalCtx<'_>) -> Result<Option<i64>> {
        let Some(e) = e else {
            return Ok(None);
        };
        match e.eval(&[], ctx)? {
            Value::Null => Ok(None),
            Value::Int8(n) if n < 0 => Err(SqlError::new(code, format!("{what} must not be negative"))),
            Value::Int8(n) => Ok(Some(n)),
            other => Err(SqlError::internal(format!("{what} of {other:?}"))),
        }
    }
}

impl Node for Limit<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.state.is_none() {
            let offset = Self::bound(self.offset, "OFFSET", SqlState::INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE, ctx)?;
            let limit = Self::bound(self.limit, "LIMIT", SqlState::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE, ctx)?;
            self.state = Some((offset.unwrap_or(0), limit));
        }
        let Some((skip, left)) = self.state.as_mut() else {
            return Ok(None);
        };
        if *left == Some(0) {
            return Ok(None);
        }
        while *skip > 0 {
            if self.input.next(ctx)?.is_none() {
                return Ok(None);
            }
            *skip -= 1;
        }
        let row = self.input.next(ctx)?;
        if let (Some(n), Some(_)) = (left.as_mut(), &row) {
            *n -= 1;
        }
        Ok(row)
    }
}

/// DISTINCT and DISTINCT ON.
pub struct Distinct<'p> {
    /// Input (sorted by the ON columns first, for DISTINCT ON).
    pub input: Box<dyn Node + 'p>,
    /// DISTINCT ON columns.
    pub on: Option<&'p [usize]>,
    /// Keys seen (DISTINCT).
    pub seen: HashSet<Vec<u8>>,
    /// The previous row's ON key (DISTINCT ON).
    pub last: Option<Vec<u8>>,
}

impl Node for Distinct<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        while let Some(row) = self.input.next(ctx)? {
            match self.on {
                None => {
                    if self.seen.insert(row_key(&row)) {
                        return Ok(Some(row));
                    }
                }
                Some(cols) => {
                    let key = row_key(cols.iter().map(|&c| &row[c]));
                    if self.last.as_ref() != Some(&key) {
                        self.last = Some(key);
                        return Ok(Some(row));
                    }
                }
            }
        }
        Ok(None)
    }
}
