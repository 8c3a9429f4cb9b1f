//! Set-returning functions (generate_series) in FROM and in the select
//! list, and recursive CTEs.

use std::collections::HashSet;
use std::sync::Arc;

use super::key::row_key;
use super::{Node, Row};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::func::{self, CallKind, FuncDef};
use crate::plan::{Plan, ProjectItem, Srf};
use crate::types::DataType;
use crate::value::Value;

/// A running series.
pub struct Series {
    /// Next value, None when done.
    cur: Option<Value>,
    /// Last value allowed.
    stop: Value,
    /// Increment.
    step: Value,
    /// Counting down.
    down: bool,
    /// `+` for non-integer series.
    add: Option<&'static FuncDef>,
    /// unnest: the elements not returned yet, last first.
    list: Option<Vec<Value>>,
}

impl Series {
    /// Starts `func(args)`; an empty series when an argument is NULL.
    pub fn start(func: Srf, args: Vec<Value>) -> Result<Series> {
        let empty = Series {
            cur: None,
            stop: Value::Null,
            step: Value::Null,
            down: false,
            add: None,
            list: None,
        };
        if func == Srf::UnnestZip {
            let arrays: Vec<Vec<Value>> = args
                .into_iter()
                .map(|a| match a {
                    Value::Array(a) => a.items().to_vec(),
                    _ => Vec::new(),
                })
                .collect();
            let n = arrays.iter().map(Vec::len).max().unwrap_or(0);
            let mut rows: Vec<Value> = (0..n)
                .map(|i| {
                    Value::Array(crate::value::ArrayRef::new(
                        arrays
                            .iter()
                            .map(|a| a.get(i).cloned().unwrap_or(Value::Null))
                            .collect(),
                    ))
                })
                .collect();
            rows.reverse();
            return Ok(Series {
                list: Some(rows),
                ..empty
            });
        }
        if let Srf::Unnest(_) | Srf::OptionsToTable = func {
            let mut items = match args.into_iter().next() {
                Some(Value::Array(a)) => a.items().to_vec(),
                Some(Value::Multirange(m)) => m
                    .ranges()
                    .iter()
                    .map(|r| Value::Range(std::sync::Arc::new(r.clone())))
                    .collect(),
                _ => Vec::new(),
            };
            if func == Srf::OptionsToTable {
                // Each `name=value` as a two-column row.
                items = items
                    .into_iter()
                    .map(|v| {
                        let text = match v {
                            Value::Text(t) => t,
                            _ => String::new(),
                        };
                        let (name, value) = match text.split_once('=') {
                            Some((n, v)) => (Value::Text(n.to_owned()), Value::Text(v.to_owned())),
                            None => (Value::Text(text), Value::Null),
                        };
                        Value::Record(crate::value::ArrayRef::new(vec![name, value]))
                    })
                    .collect();
            }
            items.reverse();
            return Ok(Series {
                list: Some(items),
                ..empty
            });
        }
        if args.iter().any(Value::is_null) {
            return Ok(empty);
        }
        let mut it = args.into_iter();
        let (Some(start), Some(stop)) = (it.next(), it.next()) else {
            return Err(SqlError::internal("generate_series arguments"));
        };
        let zero_step = || {
            SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "step size cannot equal zero",
            )
        };
        let (step, add, down) = match func {
            Srf::Unnest(_) | Srf::OptionsToTable | Srf::UnnestZip => return Ok(empty),
            Srf::GenerateSeries(ty) => {
                let step = it.next().unwrap_or(match ty {
                    DataType::Int8 => Value::Int8(1),
                    DataType::Numeric => Value::Numeric(crate::value::Numeric::from_i64(1)),
                    _ => Value::Int4(1),
                });
                if ty == DataType::Numeric {
                    numeric_bounds_finite(&start, "start value")?;
                    numeric_bounds_finite(&stop, "stop value")?;
                    numeric_bounds_finite(&step, "step size")?;
                }
                let down = match &step {
                    Value::Int4(0) | Value::Int8(0) => return Err(zero_step()),
                    Value::Int4(s) => *s < 0,
                    Value::Int8(s) => *s < 0,
                    Value::Numeric(n) => {
                        if n.signum() == 0 {
                            return Err(zero_step());
                        }
                        n.signum() < 0
                    }
                    _ => false,
                };
                let add = if ty == DataType::Numeric {
                    Some(op("+", &[ty, ty])?)
                } else {
                    None
                };
                (step, add, down)
            }
            Srf::GenerateTimestamps(ty) => {
                let step = it.next().unwrap_or(Value::Null);
                let Value::Interval(iv) = &step else {
                    return Ok(empty);
                };
                let span = iv.span_micros();
                if span == 0 {
                    return Err(zero_step());
                }
                (
                    step.clone(),
                    Some(op("+", &[ty, DataType::Interval])?),
                    span < 0,
                )
            }
        };
        Ok(Series {
            cur: Some(start),
            stop,
            step,
            down,
            add,
            list: None,
        })
    }

    /// The next value.
    pub fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Value>> {
        if let Some(list) = &mut self.list {
            return Ok(list.pop());
        }
        let Some(cur) = self.cur.take() else {
            return Ok(None);
        };
        let past = match cur.compare(&self.stop) {
            Some(std::cmp::Ordering::Greater) => !self.down,
            Some(std::cmp::Ordering::Less) => self.down,
            _ => false,
        };
        if past {
            return Ok(None);
        }
        self.cur = match (&cur, &self.step, self.add) {
            (Value::Int4(c), Value::Int4(s), _) => c.checked_add(*s).map(Value::Int4),
            (Value::Int8(c), Value::Int8(s), _) => c.checked_add(*s).map(Value::Int8),
            (_, _, Some(add)) => Some((add.imp)(&[cur.clone(), self.step.clone()], ctx)?),
            _ => None,
        };
        Ok(Some(cur))
    }
}

/// generate_series(numeric) takes neither NaN nor infinities.
fn numeric_bounds_finite(v: &Value, what: &str) -> Result<()> {
    match v {
        Value::Numeric(n) if n.is_nan() => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("{what} cannot be NaN"),
        )),
        Value::Numeric(n) if !n.is_finite() => Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("{what} cannot be infinity"),
        )),
        _ => Ok(()),
    }
}

fn op(name: &str, args: &[DataType]) -> Result<&'static FuncDef> {
    func::resolve(name, args, CallKind::Operator)
        .map(|r| r.def)
        .map_err(|_| SqlError::internal(format!("operator {name} for generate_series")))
}

/// generate_series in FROM.
pub struct FunctionScan<'p> {
    /// The function.
    pub func: Srf,
    /// Arguments.
    pub args: &'p [Expr],
    /// The series, once started.
    pub series: Option<Series>,
    /// Rows returned (for interrupt checks).
    pub count: u32,
    /// WITH ORDINALITY: append the row number.
    pub ordinality: bool,
}

impl Node for FunctionScan<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.series.is_none() {
            let mut args = Vec::with_capacity(self.args.len());
            for a in self.args {
                args.push(a.eval(&[], ctx)?);
            }
            self.series = Some(Series::start(self.func, args)?);
        }
        self.count = self.count.wrapping_add(1);
        if self.count.is_multiple_of(4096) {
            ctx.check_interrupts()?;
        }
        let multi = matches!(self.func, Srf::OptionsToTable | Srf::UnnestZip);
        let n = i64::from(self.count);
        let ordinality = self.ordinality;
        match self.series.as_mut() {
            Some(s) => Ok(s.next(ctx)?.map(|v| {
                let mut row = match v {
                    Value::Array(row) | Value::Record(row) if multi => row.items().to_vec(),
                    v => vec![v],
                };
                if ordinality {
                    row.push(Value::Int8(n));
                }
                row
            })),
            None => Ok(None),
        }
    }
}

/// A select list with set-returning items. Each input row gives rows
/// until its longest series ends (shorter ones then give NULL); the series
/// run lazily, so `SELECT generate_series(1, 2000000000)` streams.
pub struct ProjectSet<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// Items.
    pub items: &'p [ProjectItem],
    /// For the current input row: each scalar item's value, or the
    /// series of a set item (None once it has ended).
    pub current: Option<Vec<Slot>>,
}

/// One select-list item for the current input row.
pub enum Slot {
    /// A scalar value, repeated on every row.
    Scalar(Value),
    /// A running series; None once it has ended.
    Set(Option<Series>),
}

impl ProjectSet<'_> {
    /// Starts the items for input row `row`.
    fn start(&self, row: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Vec<Slot>> {
        let mut slots = Vec::with_capacity(self.items.len());
        for item in self.items {
            slots.push(match item {
                ProjectItem::Scalar(e) => Slot::Scalar(e.eval(row, ctx)?),
                ProjectItem::Set(func, args) => {
                    let mut values = Vec::with_capacity(args.len());
                    for a in args {
                        values.push(a.eval(row, ctx)?);
                    }
                    Slot::Set(Some(Series::start(*func, values)?))
                }
            });
        }
        Ok(slots)
    }
}

impl Node for ProjectSet<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let mut steps = 0u32;
        loop {
            if let Some(slots) = self.current.as_mut() {
                let mut out = Vec::with_capacity(slots.len());
                let mut any = false;
                for slot in slots.iter_mut() {
                    out.push(match slot {
                        Slot::Scalar(v) => v.clone(),
                        Slot::Set(series) => {
                            let v = match series.as_mut() {
                                Some(s) => s.next(ctx)?,
                                None => None,
                            };
                            match v {
                                Some(v) => {
                                    any = true;
                                    v
                                }
                                None => {
                                    *series = None;
                                    Value::Null
                                }
                            }
                        }
                    });
                }
                if any {
                    return Ok(Some(out));
                }
                self.current = None;
            }
            let Some(row) = self.input.next(ctx)? else {
                return Ok(None);
            };
            steps = steps.wrapping_add(1);
            if steps.is_multiple_of(1024) {
                ctx.check_interrupts()?;
            }
            self.current = Some(self.start(&row, ctx)?);
        }
    }
}

/// WITH RECURSIVE.
pub struct RecursiveUnion<'p> {
    /// Work table id.
    pub id: usize,
    /// Non-recursive term (taken when started).
    pub base: Option<Box<dyn Node + 'p>>,
    /// Recursive term's plan (rebuilt per round).
    pub step: &'p Plan,
    /// UNION ALL.
    pub all: bool,
    /// Keys returned so far (UNION).
    pub seen: HashSet<Vec<u8>>,
    /// Rows of the round being returned, reversed.
    pub pending: Vec<Row>,
    /// Rows produced in the round being returned (the next work table).
    pub round: Vec<Row>,
    /// What `seen` holds, charged to the backend's memory (it cannot
    /// spill): past the backend's or the server's limit the query stops
    /// with 53200 instead of growing the process without bound.
    pub seen_memory: Option<actorgres_memory::Budget>,
    /// What the rows of the rounds being built, returned and read hold.
    pub round_memory: Option<actorgres_memory::Budget>,
    /// Bytes charged for the rows kept in the round being built.
    pub kept_now: u64,
    /// Bytes charged for the rows of the current work table.
    pub kept_last: Option<u64>,
}

impl RecursiveUnion<'_> {
    /// Whether `row` is returned (UNION drops rows already seen); charges
    /// what it keeps.
    fn keep(&mut self, row: &Row, ctx: &EvalCtx<'_>) -> Result<bool> {
        if !self.all {
            let key = row_key(row);
            let key_size = key.len() as u64 + 32;
            if !self.seen.insert(key) {
                return Ok(false);
            }
            charge(&mut self.seen_memory, ctx, key_size)?;
        }
        let size = super::spill::row_size(row);
        charge(&mut self.round_memory, ctx, size)?;
        self.kept_now += size;
        Ok(true)
    }
}

/// Reserves `n` bytes of memory that cannot spill in `budget` (made from
/// the backend's local memory on first use); 53200 past its limits.
fn charge(budget: &mut Option<actorgres_memory::Budget>, ctx: &EvalCtx<'_>, n: u64) -> Result<()> {
    if budget.is_none() {
        *budget = ctx.spill.as_ref().map(|s| s.memory.hard_budget());
    }
    let Some(b) = budget.as_mut() else {
        return Ok(());
    };
    b.reserve_hard(n)
        .map_err(|e| crate::error::errors::out_of_memory(e, "RecursiveUnion"))
}

impl Node for RecursiveUnion<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if let Some(mut base) = self.base.take() {
            let mut rows = Vec::new();
            while let Some(r) = base.next(ctx)? {
                if self.keep(&r, ctx)? {
                    rows.push(r);
                }
            }
            rows.reverse();
            self.pending = rows;
        }
        loop {
            if let Some(r) = self.pending.pop() {
                self.round.push(r.clone());
                return Ok(Some(r));
            }
            if self.round.is_empty() {
                ctx.worktables.remove(&self.id);
                return Ok(None);
            }
            ctx.check_interrupts()?;
            let work = Arc::new(std::mem::take(&mut self.round));
            ctx.worktables.insert(self.id, work);
            // The work table just replaced held the rows kept the round
            // before last: what they held is given back.
            let finished = std::mem::take(&mut self.kept_now);
            if let (Some(m), Some(older)) =
                (self.round_memory.as_mut(), self.kept_last.replace(finished))
            {
                m.release(older);
            }
            let mut node = super::build(self.step);
            let mut rows = Vec::new();
            while let Some(r) = node.next(ctx)? {
                if self.keep(&r, ctx)? {
                    rows.push(r);
                }
                if rows.len().is_multiple_of(4096) {
                    ctx.check_interrupts()?;
                }
            }
            rows.reverse();
            self.pending = rows;
        }
    }
}

/// Reads a materialized WITH query: the first reference to run fills
/// the statement's rows for it (charged to the backend's memory), every
/// reference reads them.
pub struct CteScan<'p> {
    /// Which WITH query.
    pub id: u64,
    /// Its query.
    pub input: &'p Plan,
    /// The rows and the next index.
    pub rows: Option<(Arc<Vec<Row>>, usize)>,
}

impl Node for CteScan<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.rows.is_none() {
            let rows = match ctx.ctescans.get(&self.id) {
                Some(rows) => Arc::clone(rows),
                None => {
                    let mut node = super::build(self.input);
                    let mut rows = Vec::new();
                    let mut memory = None;
                    while let Some(r) = node.next(ctx)? {
                        charge(&mut memory, ctx, super::spill::row_size(&r))?;
                        rows.push(r);
                        if rows.len().is_multiple_of(4096) {
                            ctx.check_interrupts()?;
                        }
                    }
                    let rows = Arc::new(rows);
                    ctx.ctescans.insert(self.id, Arc::clone(&rows));
                    rows
                }
            };
            self.rows = Some((rows, 0));
        }
        let Some((rows, i)) = self.rows.as_mut() else {
            return Ok(None);
        };
        let r = rows.get(*i).cloned();
        *i += 1;
        Ok(r)
    }
}

/// Reads the current round of a recursive CTE.
pub struct WorkTable {
    /// Work table id.
    pub id: usize,
    /// The rows and the next index.
    pub rows: Option<(Arc<Vec<Row>>, usize)>,
}

impl Node for WorkTable {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        let (rows, i) = self
            .rows
            .get_or_insert_with(|| (ctx.worktables.get(&self.id).cloned().unwrap_or_default(), 0));
        let r = rows.get(*i).cloned();
        *i += 1;
        Ok(r)
    }
}
