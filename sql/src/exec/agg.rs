//! Hash aggregation.

use std::collections::HashSet;

use super::key::{push_key, KeyMap};
use super::spill::{self, TempReader, TempWriter};
use super::{Node, Row};
use crate::cast::cast_value;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::plan::{AggCall, AggFunc};
use crate::types::DataType;
use crate::value::Value;

/// The running state of one aggregate in one group.
#[derive(Default, Clone)]
pub(crate) struct AggState {
    /// Rows counted (count, avg).
    count: i64,
    /// Sum, min, max, bool_and/or, string_agg, array_agg so far; NULL
    /// before the first input.
    value: Value,
    /// Argument keys seen, for agg(DISTINCT ...).
    seen: Option<HashSet<Vec<u8>>>,
    /// For agg(... ORDER BY ...), and for DISTINCT string_agg/array_agg
    /// (whose values PostgreSQL returns sorted): (sort values, arguments)
    /// held until the group ends, then sorted and accumulated.
    held: Vec<(Row, Vec<Value>)>,
}

/// Whether the call's inputs are held and sorted before accumulating.
fn sorts(call: &AggCall) -> bool {
    !call.order.is_empty()
        || (call.distinct
            && matches!(
                call.func,
                AggFunc::StringAgg
                    | AggFunc::ArrayAgg
                    | AggFunc::JsonAgg { .. }
                    | AggFunc::JsonObjectAgg { .. }
            ))
}

/// Whether partial states of `call` computed over different rows can be
/// combined (parallel aggregation, PostgreSQL's combine functions): the
/// order-free aggregates, without DISTINCT or ORDER BY, over arguments a
/// parallel worker may evaluate.
pub(crate) fn combinable(call: &AggCall) -> bool {
    !call.distinct
        && call.order.is_empty()
        && matches!(
            call.func,
            AggFunc::CountStar
                | AggFunc::Count
                | AggFunc::Sum { .. }
                | AggFunc::Avg { .. }
                | AggFunc::MinMax { .. }
                | AggFunc::BoolAnd
                | AggFunc::BoolOr
        )
        && call.args.iter().all(Expr::parallel_safe)
        && call.filter.as_ref().is_none_or(Expr::parallel_safe)
}

impl AggState {
    /// Adds `other`, the state of the same aggregate over other rows (see
    /// [`combinable`]).
    pub(crate) fn combine(
        &mut self,
        other: AggState,
        call: &AggCall,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<()> {
        if matches!(call.func, AggFunc::CountStar | AggFunc::Count) || other.count == 0 {
            self.count += other.count;
            return Ok(());
        }
        if self.count == 0 {
            *self = other;
            return Ok(());
        }
        // Fold the other state's value in as one more input.
        let count = self.count + other.count;
        self.accumulate(call, other.value, &[], ctx)?;
        self.count = count;
        Ok(())
    }

    /// A hypothetical-set aggregate's step: the group's row compared
    /// with the hypothetical one (NULLs included, placed as the keys
    /// say). The value is [rows before, peers]; dense_rank also keeps the
    /// keys of the distinct rows before (equal under the types' equality,
    /// as grouping compares them).
    fn hypothetical(
        &mut self,
        call: &AggCall,
        kind: crate::plan::Hypothetical,
        keys: &[crate::plan::SortKey],
        row: &[Value],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<()> {
        let n = keys.len();
        let mut mine = Vec::with_capacity(n);
        let mut theirs = Vec::with_capacity(n);
        for a in &call.args[..n] {
            mine.push(a.eval(row, ctx)?);
        }
        for a in &call.args[n..] {
            theirs.push(a.eval(row, ctx)?);
        }
        self.count += 1;
        let (mut before, mut peers) = self.hypothetical_counts();
        match super::sort::compare_rows(&theirs, &mine, keys) {
            std::cmp::Ordering::Less => {
                before += 1;
                if kind == crate::plan::Hypothetical::DenseRank {
                    self.seen
                        .get_or_insert_with(HashSet::new)
                        .insert(super::key::row_key(&theirs));
                }
            }
            std::cmp::Ordering::Equal => peers += 1,
            std::cmp::Ordering::Greater => {}
        }
        self.value = Value::Array(crate::value::ArrayRef::new(vec![
            Value::Int8(before),
            Value::Int8(peers),
        ]));
        Ok(())
    }

    /// A hypothetical-set aggregate's (rows before, peers) so far.
    fn hypothetical_counts(&self) -> (i64, i64) {
        let Value::Array(a) = &self.value else {
            return (0, 0);
        };
        let int = |i: usize| match a.items().get(i) {
            Some(Value::Int8(x)) => *x,
            _ => 0,
        };
        (int(0), int(1))
    }

    fn hypothetical_finish(&self, kind: crate::plan::Hypothetical) -> Value {
        use crate::plan::Hypothetical;
        let (before, peers) = self.hypothetical_counts();
        let n = self.count;
        match kind {
            Hypothetical::Rank => Value::Int8(before + 1),
            Hypothetical::DenseRank => {
                Value::Int8(self.seen.as_ref().map_or(0, HashSet::len) as i64 + 1)
            }
            Hypothetical::PercentRank => Value::Float8(if n == 0 {
                0.0
            } else {
                before as f64 / n as f64
            }),
            Hypothetical::CumeDist => Value::Float8((before + peers + 1) as f64 / (n + 1) as f64),
        }
    }

    pub(crate) fn advance(
        &mut self,
        call: &AggCall,
        row: &[Value],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<()> {
        if let Some(f) = &call.filter {
            if f.eval(row, ctx)? != Value::Bool(true) {
                return Ok(());
            }
        }
        match call.func {
            AggFunc::CountStar => {
                self.count += 1;
                return Ok(());
            }
            // Known from the group's grouping set alone.
            AggFunc::Grouping { .. } => return Ok(()),
            _ => {}
        }
        if let AggFunc::Hypothetical { kind, keys } = &call.func {
            return self.hypothetical(call, *kind, keys, row, ctx);
        }
        let real = call.real_args();
        if let AggFunc::User(u) = &call.func {
            // Every argument; a strict state function skips NULLs.
            let mut args = Vec::with_capacity(real.len());
            for a in real {
                args.push(a.eval(row, ctx)?);
            }
            if u.strict && args.iter().any(Value::is_null) {
                return Ok(());
            }
            if call.distinct && !self.first_seen(&args) {
                return Ok(());
            }
            if sorts(call) {
                let keys = call.args[real.len()..]
                    .iter()
                    .map(|e| e.eval(row, ctx))
                    .collect::<Result<Row>>()?;
                self.held.push((keys, args));
                return Ok(());
            }
            let v = args.first().cloned().unwrap_or(Value::Null);
            return self.accumulate(call, v, &args, ctx);
        }
        // Every aggregate but array_agg ignores NULL inputs (string_agg: a
        // NULL value; a NULL delimiter counts as empty).
        let v = match real.first() {
            Some(a) => a.eval(row, ctx)?,
            None => Value::Null,
        };
        if v.is_null()
            && !matches!(
                call.func,
                AggFunc::ArrayAgg | AggFunc::JsonAgg { .. } | AggFunc::JsonObjectAgg { .. }
            )
        {
            return Ok(());
        }
        // The other arguments (string_agg's delimiter), only when there
        // are any: most aggregates take one and allocate nothing here.
        let mut args = Vec::new();
        if real.len() > 1 || call.distinct {
            args.push(v.clone());
            for a in &real[1..] {
                args.push(a.eval(row, ctx)?);
            }
        }
        // The regression aggregates skip a pair with either side NULL.
        if matches!(call.func, AggFunc::Regr { .. }) && args.get(1).is_some_and(Value::is_null) {
            return Ok(());
        }
        if call.distinct && !self.first_seen(&args) {
            return Ok(());
        }
        if sorts(call) {
            let keys = if call.order.is_empty() {
                vec![v.clone()]
            } else {
                call.args[real.len()..]
                    .iter()
                    .map(|e| e.eval(row, ctx))
                    .collect::<Result<Row>>()?
            };
            if args.is_empty() {
                args.push(v);
            }
            self.held.push((keys, args));
            return Ok(());
        }
        self.accumulate(call, v, &args, ctx)
    }

    /// For agg(DISTINCT ...): whether these arguments are new to the
    /// group (remembered if so).
    fn first_seen(&mut self, args: &[Value]) -> bool {
        let mut key = Vec::new();
        for a in args {
            push_key(a, &mut key);
        }
        self.seen.get_or_insert_with(HashSet::new).insert(key)
    }

    /// Adds one input (its first argument `v`, all of them in `args` when
    /// there are several or DISTINCT) to the state.
    fn accumulate(
        &mut self,
        call: &AggCall,
        v: Value,
        args: &[Value],
        ctx: &mut EvalCtx<'_>,
    ) -> Result<()> {
        let first = self.count == 0;
        self.count += 1;
        let kept = std::mem::take(&mut self.value);
        self.value = match &call.func {
            AggFunc::User(u) => {
                let state = if first {
                    u.init.clone().unwrap_or(Value::Null)
                } else {
                    kept
                };
                // A strict state function's NULL state takes the first
                // input as it is (PostgreSQL's rule for no INITCOND).
                if u.strict && state.is_null() {
                    if first && u.init.is_none() {
                        v
                    } else {
                        Value::Null
                    }
                } else {
                    // The first argument travels as `v` (held rows give
                    // it up from `args`).
                    let mut cols = Vec::with_capacity(args.len() + 2);
                    cols.push(state);
                    cols.push(v);
                    cols.extend(args.iter().skip(1).cloned());
                    u.step.eval(&cols, ctx)?
                }
            }
            AggFunc::CountStar | AggFunc::Count | AggFunc::Grouping { .. } => Value::Null,
            AggFunc::Sum { add } | AggFunc::Avg { add, .. } => match (kept, v) {
                (Value::Null, v) => v,
                // The common bigint sum without a function call.
                (Value::Int8(a), Value::Int8(b)) => match a.checked_add(b) {
                    Some(s) => Value::Int8(s),
                    None => (add.imp)(&[Value::Int8(a), Value::Int8(b)], ctx)?,
                },
                (kept, v) => (add.imp)(&[kept, v], ctx)?,
            },
            AggFunc::MinMax { better } => {
                if kept.is_null()
                    || (better.imp)(&[v.clone(), kept.clone()], ctx)? == Value::Bool(true)
                {
                    v
                } else {
                    kept
                }
            }
            AggFunc::Bits { op } => {
                fn apply<
                    T: std::ops::BitAnd<Output = T>
                        + std::ops::BitOr<Output = T>
                        + std::ops::BitXor<Output = T>,
                >(
                    op: char,
                    a: T,
                    b: T,
                ) -> T {
                    match op {
                        '&' => a & b,
                        '|' => a | b,
                        _ => a ^ b,
                    }
                }
                match (kept, v) {
                    (Value::Null, v) => v,
                    (Value::Int2(a), Value::Int2(b)) => Value::Int2(apply(*op, a, b)),
                    (Value::Int4(a), Value::Int4(b)) => Value::Int4(apply(*op, a, b)),
                    (Value::Int8(a), Value::Int8(b)) => Value::Int8(apply(*op, a, b)),
                    (Value::Bits(a), Value::Bits(b)) => {
                        let word = match op {
                            '&' => "AND",
                            '|' => "OR",
                            _ => "XOR",
                        };
                        Value::Bits(std::sync::Arc::new(a.bitwise(&b, word)?))
                    }
                    (_, v) => v,
                }
            }
            AggFunc::Stat { float, .. } => stat_add(kept, v, *float, self.count)?,
            AggFunc::Regr { .. } => {
                regr_add(kept, &v, args.get(1).unwrap_or(&Value::Null), self.count)
            }
            // Accumulated by its own step before this match.
            AggFunc::Hypothetical { .. } => kept,
            // The values arrive in order: kept as [fraction, values...].
            AggFunc::OrderedSet { .. } => match kept {
                Value::Array(mut items) => {
                    items.push(v);
                    Value::Array(items)
                }
                _ => Value::Array(crate::value::ArrayRef::new(vec![
                    args.get(1).cloned().unwrap_or(Value::Null),
                    v,
                ])),
            },
            AggFunc::BoolAnd => match (kept, v) {
                (Value::Bool(a), Value::Bool(b)) => Value::Bool(a && b),
                (_, b) => b,
            },
            AggFunc::BoolOr => match (kept, v) {
                (Value::Bool(a), Value::Bool(b)) => Value::Bool(a || b),
                (_, b) => b,
            },
            AggFunc::StringAgg => match (kept, v) {
                (Value::Text(mut s), Value::Text(t)) => {
                    if let Some(Value::Text(d)) = args.get(1) {
                        enlarge(&s, d.len())?;
                        s.push_str(d);
                    }
                    enlarge(&s, t.len())?;
                    s.push_str(&t);
                    Value::Text(s)
                }
                (_, t) => t,
            },
            AggFunc::RangeAgg { intersect: true } => match (kept, v) {
                (Value::Range(a), Value::Range(b)) => {
                    Value::Range(std::sync::Arc::new(a.intersect(&b)?))
                }
                (Value::Multirange(a), Value::Multirange(b)) => {
                    Value::Multirange(std::sync::Arc::new(a.intersect(&b)?))
                }
                (_, v) => v,
            },
            AggFunc::ArrayAgg | AggFunc::RangeAgg { .. } => match kept {
                Value::Array(mut items) => {
                    items.push(v);
                    Value::Array(items)
                }
                _ => Value::Array(crate::value::ArrayRef::new(vec![v])),
            },
            AggFunc::JsonAgg { ty, .. } => {
                let piece = Value::Text(json_piece(&v, *ty, ctx)?);
                push_item(kept, piece)
            }
            AggFunc::JsonObjectAgg { ty, .. } => {
                if v.is_null() {
                    return Err(crate::error::SqlError::new(
                        crate::error::SqlState::INVALID_PARAMETER_VALUE,
                        "field name must not be null",
                    ));
                }
                let mut key = String::new();
                crate::func::jsonb::escape(&v.to_text(ctx.style).unwrap_or_default(), &mut key);
                let value = json_piece(args.get(1).unwrap_or(&Value::Null), *ty, ctx)?;
                let kept = push_item(kept, Value::Text(key));
                push_item(kept, Value::Text(value))
            }
        };
        Ok(())
    }

    pub(crate) fn finish(mut self, call: &AggCall, ctx: &mut EvalCtx<'_>) -> Result<Value> {
        if !self.held.is_empty() {
            let mut held = std::mem::take(&mut self.held);
            let keys: Vec<crate::plan::SortKey> = if call.order.is_empty() {
                vec![crate::plan::SortKey {
                    column: 0,
                    desc: false,
                    nulls_first: false,
                }]
            } else {
                call.order.clone()
            };
            super::qsort::pg_qsort(&mut held, &mut |a, b| {
                super::sort::compare_rows(&a.0, &b.0, &keys)
            });
            for (_, mut args) in held {
                let v = std::mem::take(&mut args[0]);
                self.accumulate(call, v, &args, ctx)?;
            }
        }
        Ok(match &call.func {
            AggFunc::CountStar | AggFunc::Count => Value::Int8(self.count),
            // Outside grouping sets every group column is grouped.
            AggFunc::Grouping { .. } => Value::Int4(0),
            AggFunc::Avg { div, count_ty, .. } => {
                if self.count == 0 {
                    Value::Null
                } else {
                    let n = cast_value(
                        Value::Int8(self.count),
                        DataType::Int8,
                        *count_ty,
                        -1,
                        false,
                        ctx.style,
                    )?;
                    (div.imp)(&[self.value, n], ctx)?
                }
            }
            AggFunc::Stat {
                population,
                root,
                float,
            } => stat_finish(&self.value, self.count, *population, *root, *float)?,
            AggFunc::Regr { name } => regr_finish(&self.value, self.count, name),
            AggFunc::OrderedSet { kind, array } => ordered_set_finish(&self.value, *kind, *array)?,
            AggFunc::Hypothetical { kind, .. } => self.hypothetical_finish(*kind),
            AggFunc::JsonAgg { jsonb, ty } => match self.value {
                Value::Array(items) => {
                    let parts: Vec<String> =
                        items.items().iter().map(crate::catalog::text_of).collect();
                    // json_agg starts rows and arrays after the first on
                    // a line of their own.
                    let structured = matches!(
                        ty,
                        crate::types::DataType::Record | crate::types::DataType::Array(_)
                    );
                    let separator = if structured && !*jsonb { ", \n " } else { ", " };
                    json_result(format!("[{}]", parts.join(separator)), *jsonb)?
                }
                _ => Value::Null,
            },
            AggFunc::JsonObjectAgg { jsonb, .. } => match self.value {
                Value::Array(items) => {
                    let parts: Vec<String> = items
                        .items()
                        .chunks(2)
                        .map(|kv| {
                            let k = crate::catalog::text_of(&kv[0]);
                            let v = kv.get(1).map(crate::catalog::text_of).unwrap_or_default();
                            format!("{k} : {v}")
                        })
                        .collect();
                    json_result(format!("{{ {} }}", parts.join(", ")), *jsonb)?
                }
                _ => Value::Null,
            },
            AggFunc::User(u) => {
                let state = if self.count == 0 {
                    u.init.clone().unwrap_or(Value::Null)
                } else {
                    self.value
                };
                match &u.finalize {
                    Some(_) if u.final_strict && state.is_null() => Value::Null,
                    Some(f) => f.eval(&[state], ctx)?,
                    None => state,
                }
            }
            // range_agg: the union of every input.
            AggFunc::RangeAgg { intersect: false } => match self.value {
                Value::Array(inputs) => {
                    let mut ranges = Vec::new();
                    for v in inputs.items() {
                        match v {
                            Value::Range(r) => ranges.push((**r).clone()),
                            Value::Multirange(m) => ranges.extend(m.ranges().iter().cloned()),
                            _ => {}
                        }
                    }
                    Value::Multirange(std::sync::Arc::new(
                        crate::value::multirange::Multirange::new(ranges)?,
                    ))
                }
                other => other,
            },
            // array_agg(anyarray): the inputs stacked one dimension up.
            AggFunc::ArrayAgg
                if matches!(call.args.first().map(|a| a.ty), Some(DataType::Array(_))) =>
            {
                match self.value {
                    Value::Array(inputs) => stack_inputs(inputs.items())?,
                    other => other,
                }
            }
            _ => self.value,
        })
    }
}

/// One input of json_agg / json_object_agg as JSON text (json and jsonb
/// values as they are, NULL as `null`).
fn json_piece(v: &Value, ty: DataType, ctx: &EvalCtx<'_>) -> Result<String> {
    Ok(match (v, ty) {
        (Value::Null, _) => "null".into(),
        (Value::Text(s), DataType::Json | DataType::Jsonb) => s.clone(),
        _ => crate::catalog::text_of(&crate::func::jsonb::to_json_value(v, ty, false, ctx.style)?),
    })
}

/// `kept` (an array, or NULL before the first input) with `item` added.
/// 54000 when `more` bytes would take a string being built past
/// PostgreSQL's 1 GB allocation limit (stringinfo.c's enlargeStringInfo),
/// before the memory is taken.
fn enlarge(s: &str, more: usize) -> Result<()> {
    const MAX_ALLOC: usize = 0x3fff_ffff;
    if more >= MAX_ALLOC - s.len() {
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::PROGRAM_LIMIT_EXCEEDED,
            "out of memory",
        )
        .with_detail(format!(
            "Cannot enlarge string buffer containing {} bytes by {more} more bytes.",
            s.len()
        )));
    }
    Ok(())
}

fn push_item(kept: Value, item: Value) -> Value {
    match kept {
        Value::Array(mut items) => {
            items.push(item);
            Value::Array(items)
        }
        _ => Value::Array(crate::value::ArrayRef::new(vec![item])),
    }
}

/// The JSON text an aggregate built, as json or (canonical) jsonb.
fn json_result(text: String, jsonb: bool) -> Result<Value> {
    Ok(Value::Text(if jsonb {
        crate::func::jsonb::input(&text, DataType::Jsonb)?
    } else {
        text
    }))
}

/// GROUP BY with hashing; without group expressions one group that
/// exists even for no input rows.
pub struct HashAgg<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// Group expressions.
    pub group: &'p [Expr],
    /// Aggregates.
    pub aggs: &'p [AggCall],
    /// Grouping sets (indexes into `group`), if any.
    pub sets: Option<&'p [Vec<usize>]>,
    /// The input comes sorted on the group columns (GroupAggregate): the
    /// groups go out in that order, so they are never spilled.
    pub sorted: bool,
    /// Output rows, reversed.
    pub out: Option<Vec<Row>>,
}

/// How many files a spilling aggregate partitions its overflow into.
const PARTITIONS: usize = 16;

/// Spilled input deeper than this is aggregated in memory regardless.
const MAX_DEPTH: u32 = 6;

/// Where a round of aggregation reads its input rows.
enum Source<'a, 'p> {
    /// The child node.
    Child(&'a mut (dyn Node + 'p)),
    /// A partition written by an earlier round.
    File(TempReader),
}

impl Source<'_, '_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        match self {
            Source::Child(n) => n.next(ctx),
            Source::File(f) => f.next_row(),
        }
    }
}

impl HashAgg<'_> {
    fn run(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        let (group, aggs) = (self.group, self.aggs);
        match self.sets {
            Some(sets) => aggregate_sets(group, aggs, sets, &mut *self.input, ctx, &mut out)?,
            None => {
                let mut source = Source::Child(&mut *self.input);
                // Sorted groups stay in memory, in order (no spill round).
                let depth = if self.sorted { MAX_DEPTH } else { 0 };
                aggregate(group, aggs, &mut source, depth, ctx, &mut out)?;
            }
        }
        out.reverse();
        Ok(out)
    }
}

/// One round of hash aggregation over `source`: groups that fit in
/// work_mem are aggregated in memory; rows of groups that do not are
/// written to partition files by hash and aggregated in later rounds
/// (PostgreSQL 13's spilling HashAgg). Output rows go to `out`.
fn aggregate(
    group: &[Expr],
    aggs: &[AggCall],
    source: &mut Source<'_, '_>,
    depth: u32,
    ctx: &mut EvalCtx<'_>,
    out: &mut Vec<Row>,
) -> Result<()> {
    let mut index: KeyMap<usize> = KeyMap::default();
    let mut key = Vec::new();
    let mut values = Vec::with_capacity(group.len());
    let mut groups: Vec<(Row, Vec<AggState>)> = Vec::new();
    let fresh = |n: usize| (0..n).map(|_| AggState::default()).collect::<Vec<_>>();
    if group.is_empty() {
        groups.push((Vec::new(), fresh(aggs.len())));
    }
    let mut budget = if group.is_empty() || depth >= MAX_DEPTH {
        None
    } else {
        spill::hash_budget(ctx.spill.as_ref())
    };
    let mut parts: Vec<Option<TempWriter>> = Vec::new();
    let mut seen = 0u32;
    while let Some(row) = source.next(ctx)? {
        let g = if group.is_empty() {
            0
        } else {
            values.clear();
            key.clear();
            for e in group {
                let v = e.eval(&row, ctx)?;
                push_key(&v, &mut key);
                values.push(v);
            }
            match index.get(key.as_slice()) {
                Some(&g) => g,
                None => {
                    let values = std::mem::replace(&mut values, Vec::with_capacity(group.len()));
                    let key = key.clone();
                    let size = spill::row_size(&values) + key.len() as u64 + 64 * aggs.len() as u64;
                    if !parts.is_empty() || !spill::reserve(&mut budget, size) {
                        if let Some(sp) = ctx.spill.as_ref().filter(|_| budget.is_some()) {
                            if parts.is_empty() {
                                parts = (0..PARTITIONS).map(|_| None).collect();
                            }
                            let p = super::key::partition(&key, depth, PARTITIONS);
                            let w = match &mut parts[p] {
                                Some(w) => w,
                                slot => slot.insert(TempWriter::create(sp)?),
                            };
                            w.write_row(&row)?;
                            continue;
                        }
                    }
                    groups.push((values, fresh(aggs.len())));
                    index.insert(key, groups.len() - 1);
                    groups.len() - 1
                }
            }
        };
        let states = &mut groups[g].1;
        for (state, call) in states.iter_mut().zip(aggs) {
            state.advance(call, &row, ctx)?;
        }
        seen += 1;
        if seen.is_multiple_of(1024) {
            ctx.check_interrupts()?;
        }
    }
    drop(index);
    for (mut values, states) in groups {
        for (state, call) in states.into_iter().zip(aggs) {
            values.push(state.finish(call, ctx)?);
        }
        out.push(values);
    }
    drop(budget);
    for w in parts.into_iter().flatten() {
        let Some(sp) = ctx.spill.as_ref() else {
            break;
        };
        let reader = w.finish(sp)?;
        aggregate(group, aggs, &mut Source::File(reader), depth + 1, ctx, out)?;
    }
    Ok(())
}

/// GROUPING SETS in one pass: each input row advances one group per set
/// (the set's columns as key, the others NULL); an empty set is one group
/// even without input. Held in memory whatever work_mem says.
fn aggregate_sets(
    group: &[Expr],
    aggs: &[AggCall],
    sets: &[Vec<usize>],
    input: &mut dyn Node,
    ctx: &mut EvalCtx<'_>,
    out: &mut Vec<Row>,
) -> Result<()> {
    let fresh = |n: usize| (0..n).map(|_| AggState::default()).collect::<Vec<_>>();
    let mut index: KeyMap<usize> = KeyMap::default();
    let mut groups: Vec<(Row, Vec<AggState>, usize)> = Vec::new();
    for (si, set) in sets.iter().enumerate() {
        if set.is_empty() {
            index.insert((si as u32).to_le_bytes().to_vec(), groups.len());
            groups.push((vec![Value::Null; group.len()], fresh(aggs.len()), si));
        }
    }
    let mut key = Vec::new();
    let mut seen = 0u32;
    while let Some(row) = input.next(ctx)? {
        let mut values = Vec::with_capacity(group.len());
        for e in group {
            values.push(e.eval(&row, ctx)?);
        }
        for (si, set) in sets.iter().enumerate() {
            key.clear();
            key.extend((si as u32).to_le_bytes());
            for &c in set {
                push_key(&values[c], &mut key);
            }
            let g = match index.get(key.as_slice()) {
                Some(&g) => g,
                None => {
                    let mut kept = vec![Value::Null; group.len()];
                    for &c in set {
                        kept[c] = values[c].clone();
                    }
                    groups.push((kept, fresh(aggs.len()), si));
                    index.insert(key.clone(), groups.len() - 1);
                    groups.len() - 1
                }
            };
            for (state, call) in groups[g].1.iter_mut().zip(aggs) {
                state.advance(call, &row, ctx)?;
            }
        }
        seen += 1;
        if seen.is_multiple_of(1024) {
            ctx.check_interrupts()?;
        }
    }
    drop(index);
    for (mut values, states, si) in groups {
        for (state, call) in states.into_iter().zip(aggs) {
            values.push(match &call.func {
                AggFunc::Grouping { cols } => grouping_mask(cols, &sets[si]),
                _ => state.finish(call, ctx)?,
            });
        }
        out.push(values);
    }
    Ok(())
}

/// GROUPING(a, b, ...): one bit per argument, the first the most
/// significant, set when the grouping set leaves that column out.
fn grouping_mask(cols: &[usize], set: &[usize]) -> Value {
    let mut mask = 0i32;
    for c in cols {
        mask = (mask << 1) | i32::from(!set.contains(c));
    }
    Value::Int4(mask)
}

impl Node for HashAgg<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.out.is_none() {
            self.out = Some(self.run(ctx)?);
        }
        Ok(self.out.as_mut().and_then(Vec::pop))
    }
}

/// The statistics state: [sum, sum of squares] of the inputs so far.
fn stat_add(kept: Value, v: Value, float: bool, n: i64) -> Result<Value> {
    let (sum, sq) = match &kept {
        Value::Array(a) => (a.items()[0].clone(), a.items()[1].clone()),
        _ if float => (Value::Float8(0.0), Value::Float8(0.0)),
        _ => (
            Value::Numeric(crate::value::Numeric::zero()),
            Value::Numeric(crate::value::Numeric::zero()),
        ),
    };
    let next = match (sum, sq, v) {
        // Doubles as PostgreSQL's float8_accum: the sum and the sum of
        // squared differences from the mean (Youngs-Cramer), so results
        // agree to the last bit.
        (Value::Float8(sx), Value::Float8(sxx), Value::Float8(x)) => {
            let (old, new) = ((n - 1) as f64, n as f64);
            let sx2 = sx + x;
            let sxx2 = if old > 0.0 {
                let tmp = x * new - sx2;
                let s = sxx + tmp * tmp / (new * old);
                if (sx2.is_infinite() || s.is_infinite()) && !sx.is_infinite() && !x.is_infinite() {
                    return Err(crate::error::errors::out_of_range(
                        "value out of range: overflow",
                    ));
                }
                if sx2.is_infinite() || s.is_infinite() {
                    f64::NAN
                } else {
                    s
                }
            } else if x.is_nan() || x.is_infinite() {
                f64::NAN
            } else {
                sxx
            };
            [Value::Float8(sx2), Value::Float8(sxx2)]
        }
        (Value::Numeric(s), Value::Numeric(q), Value::Numeric(x)) => [
            Value::Numeric(s.add(&x)?),
            Value::Numeric(q.add(&x.mul(&x)?)?),
        ],
        (s, q, _) => [s, q],
    };
    Ok(Value::Array(crate::value::ArrayRef::new(next.to_vec())))
}

/// The answer of an ordered-set aggregate from [fraction, sorted
/// values...]; NULL without values.
fn ordered_set_finish(state: &Value, kind: crate::plan::OrderedSet, array: bool) -> Result<Value> {
    use crate::plan::OrderedSet;
    let Value::Array(a) = state else {
        return Ok(Value::Null);
    };
    let (fraction, values) = match a.items().split_first() {
        Some((f, v)) if !v.is_empty() => (f, v),
        _ => return Ok(Value::Null),
    };
    if kind == OrderedSet::Mode {
        // The longest run; the first in order on a tie.
        let (mut best, mut best_len, mut start) = (0, 0, 0);
        for i in 1..=values.len() {
            // Equal as the sort compares (NaN equals NaN).
            if i == values.len()
                || values[i].compare(&values[start]) != Some(std::cmp::Ordering::Equal)
            {
                if i - start > best_len {
                    best = start;
                    best_len = i - start;
                }
                start = i;
            }
        }
        return Ok(values[best].clone());
    }
    let one = |f: &Value| -> Result<Value> {
        let Value::Float8(p) = f else {
            return Ok(Value::Null);
        };
        if !(0.0..=1.0).contains(p) || p.is_nan() {
            return Err(crate::error::errors::out_of_range(format!(
                "percentile value {p} is not between 0 and 1"
            )));
        }
        let n = values.len();
        if kind == OrderedSet::Disc {
            let row = ((p * n as f64).ceil() as usize).max(1);
            return Ok(values[row.min(n) - 1].clone());
        }
        let at = p * (n - 1) as f64;
        let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
        let x = |i: usize| match &values[i] {
            Value::Float8(v) => *v,
            _ => 0.0,
        };
        Ok(Value::Float8(if lo == hi {
            x(lo)
        } else {
            x(lo) + (at - lo as f64) * (x(hi) - x(lo))
        }))
    };
    if !array {
        return one(fraction);
    }
    match fraction {
        Value::Array(fs) => Ok(Value::Array(crate::value::ArrayRef::new(
            fs.items().iter().map(one).collect::<Result<Vec<Value>>>()?,
        ))),
        _ => Ok(Value::Null),
    }
}

/// PostgreSQL's float8_regr_accum: (Sx, Sxx, Sy, Syy, Sxy) after the
/// `n`-th pair (y, x).
fn regr_add(kept: Value, y: &Value, x: &Value, n: i64) -> Value {
    let (Value::Float8(y), Value::Float8(x)) = (y, x) else {
        return kept;
    };
    let mut s = match &kept {
        Value::Array(a) => a
            .items()
            .iter()
            .map(|v| match v {
                Value::Float8(f) => *f,
                _ => 0.0,
            })
            .collect::<Vec<f64>>(),
        _ => vec![0.0; 5],
    };
    s.resize(5, 0.0);
    let (old, new) = ((n - 1) as f64, n as f64);
    s[0] += x;
    s[2] += y;
    if old > 0.0 {
        let tx = x * new - s[0];
        let ty = y * new - s[2];
        let scale = 1.0 / (new * old);
        s[1] += tx * tx * scale;
        s[3] += ty * ty * scale;
        s[4] += tx * ty * scale;
        if s[0].is_infinite() || s[1].is_infinite() {
            s[1] = f64::NAN;
            s[4] = f64::NAN;
        }
        if s[2].is_infinite() || s[3].is_infinite() {
            s[3] = f64::NAN;
            s[4] = f64::NAN;
        }
    } else {
        if x.is_nan() || x.is_infinite() {
            s[1] = f64::NAN;
            s[4] = f64::NAN;
        }
        if y.is_nan() || y.is_infinite() {
            s[3] = f64::NAN;
            s[4] = f64::NAN;
        }
    }
    Value::Array(crate::value::ArrayRef::new(
        s.into_iter().map(Value::Float8).collect(),
    ))
}

/// The final value of regression aggregate `name` (float8_corr,
/// float8_regr_slope ...) from its state and pair count.
fn regr_finish(state: &Value, n: i64, name: &str) -> Value {
    if name == "regr_count" {
        return Value::Int8(n);
    }
    let Value::Array(a) = state else {
        return Value::Null;
    };
    let f = |i: usize| match a.items().get(i) {
        Some(Value::Float8(v)) => *v,
        _ => 0.0,
    };
    let (nf, sx, sxx, sy, syy, sxy) = (n as f64, f(0), f(1), f(2), f(3), f(4));
    if n < 1 {
        return Value::Null;
    }
    let r = match name {
        "regr_sxx" => sxx,
        "regr_syy" => syy,
        "regr_sxy" => sxy,
        "regr_avgx" => sx / nf,
        "regr_avgy" => sy / nf,
        "covar_pop" => sxy / nf,
        "covar_samp" if n < 2 => return Value::Null,
        "covar_samp" => sxy / (nf - 1.0),
        "corr" if sxx == 0.0 || syy == 0.0 => return Value::Null,
        "corr" => sxy / (sxx * syy).sqrt(),
        "regr_r2" if sxx == 0.0 => return Value::Null,
        "regr_r2" if syy == 0.0 => 1.0,
        "regr_r2" => (sxy * sxy) / (sxx * syy),
        "regr_slope" | "regr_intercept" if sxx == 0.0 => return Value::Null,
        "regr_slope" => sxy / sxx,
        "regr_intercept" => (sy - sx * sxy / sxx) / nf,
        _ => return Value::Null,
    };
    Value::Float8(r)
}

/// var / stddev (sample or population) from count, sum and sum of
/// squares: (n·Σx² − (Σx)²) / (n·(n−1)) or / n², as PostgreSQL's
/// numeric_var_samp; NULL for too few inputs.
fn stat_finish(state: &Value, n: i64, population: bool, root: bool, float: bool) -> Result<Value> {
    let Value::Array(a) = state else {
        return Ok(Value::Null);
    };
    if n == 0 || (!population && n == 1) {
        return Ok(Value::Null);
    }
    let (sum, sq) = (&a.items()[0], &a.items()[1]);
    if float {
        let Value::Float8(sxx) = sq else {
            return Ok(Value::Null);
        };
        let nf = n as f64;
        let var = sxx / if population { nf } else { nf - 1.0 };
        return Ok(Value::Float8(if root { var.sqrt() } else { var }));
    }
    let (Value::Numeric(s), Value::Numeric(q)) = (sum, sq) else {
        return Ok(Value::Null);
    };
    let count = crate::value::Numeric::from_i64(n);
    let numerator = count.mul(q)?.sub(&s.mul(s)?)?;
    let denominator = if population {
        count.mul(&count)?
    } else {
        count.mul(&crate::value::Numeric::from_i64(n - 1))?
    };
    let var = if numerator.signum() <= 0 {
        crate::value::Numeric::zero()
    } else {
        numerator.div(&denominator)?
    };
    if !root {
        return Ok(Value::Numeric(var));
    }
    // The square root at the variance's scale, exactly rounded.
    Ok(Value::Numeric(numeric_sqrt(&var)))
}

/// The square root of a non-negative numeric at its own scale, rounded
/// half up (an integer square root of the scaled mantissa).
fn numeric_sqrt(v: &crate::value::Numeric) -> crate::value::Numeric {
    use crate::value::Numeric;
    let Numeric::Finite { mantissa, scale } = v else {
        return v.clone();
    };
    // sqrt(m / 10^s) * 10^s = sqrt(m * 10^s); one more digit to round.
    let ten = num_bigint::BigInt::from(10u8);
    let scaled = mantissa * ten.pow(u32::from(*scale)) * num_bigint::BigInt::from(100u8);
    let root = scaled.sqrt();
    let rounded = (root + num_bigint::BigInt::from(5u8)) / ten;
    Numeric::new(rounded, *scale)
}

/// array_agg over arrays: all non-NULL, non-empty and of one shape.
fn stack_inputs(inputs: &[Value]) -> Result<Value> {
    let mut shape = None;
    for v in inputs {
        let Value::Array(a) = v else {
            return Err(SqlError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "cannot accumulate null arrays",
            ));
        };
        let dims = a.dims();
        if dims.is_empty() {
            return Err(SqlError::new(
                SqlState::ARRAY_SUBSCRIPT_ERROR,
                "cannot accumulate empty arrays",
            ));
        }
        match &shape {
            None => shape = Some(dims),
            Some(s) if *s != dims => {
                return Err(SqlError::new(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    "cannot accumulate arrays of different dimensionality",
                ))
            }
            Some(_) => {}
        }
    }
    crate::value::array::stack(inputs)
}
