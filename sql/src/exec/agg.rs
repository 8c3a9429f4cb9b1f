//! Hash aggregation.

use std::collections::{HashMap, HashSet};

use super::key::{push_key, row_key};
use super::{Node, Row};
use crate::cast::cast_value;
use crate::error::Result;
use crate::expr::{EvalCtx, Expr};
use crate::plan::{AggCall, AggFunc};
use crate::types::DataType;
use crate::value::Value;

/// The running state of one aggregate in one group.
#[derive(Default)]
struct AggState {
    /// Rows counted (count, avg).
    count: i64,
    /// Sum, min, max, bool_and/or, string_agg so far; NULL before the first input.
    value: Value,
    /// Argument keys seen, for agg(DISTINCT ...).
    seen: Option<HashSet<Vec<u8>>>,
}

impl AggState {
    fn advance(&mut self, call: &AggCall, row: &[Value], ctx: &mut EvalCtx<'_>) -> Result<()> {
        if let Some(f) = &call.filter {
            if f.eval(row, ctx)? != Value::Bool(true) {
                return Ok(());
            }
        }
        if let AggFunc::CountStar = call.func {
            self.count += 1;
            return Ok(());
        }
        let mut args = Vec::with_capacity(call.args.len());
        for a in &call.args {
            args.push(a.eval(row, ctx)?);
        }
        // Every aggregate here ignores NULL inputs (string_agg: a NULL
        // value; a NULL delimiter counts as empty).
        let Some(v) = args.first().filter(|v| !v.is_null()).cloned() else {
            return Ok(());
        };
        if call.distinct {
            let mut key = Vec::new();
            for a in &args {
                push_key(a, &mut key);
            }
            if !self.seen.get_or_insert_with(HashSet::new).insert(key) {
                return Ok(());
            }
        }
        self.count += 1;
        let kept = std::mem::take(&mut self.value);
        self.value = match &call.func {
            AggFunc::CountStar | AggFunc::Count => Value::Null,
            AggFunc::Sum { add } | AggFunc::Avg { add, .. } => {
                if kept.is_null() {
                    v
                } else {
                    (add.imp)(&[kept, v], ctx)?
                }
            }
            AggFunc::MinMax { better } => {
                if kept.is_null() || (better.imp)(&[v.clone(), kept.clone()], ctx)? == Value::Bool(true) {
                    v
                } else {
                    kept
                }
            }
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
                        s.push_str(d);
                    }
                    s.push_str(&t);
                    Value::Text(s)
                }
                (_, t) => t,
            },
        };
        Ok(())
    }

    fn finish(self, call: &AggCall, ctx: &mut EvalCtx<'_>) -> Result<Value> {
        Ok(match &call.func {
            AggFunc::CountStar | AggFunc::Count => Value::Int8(self.count),
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
            _ => self.value,
        })
    }
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
    /// Output rows, reversed.
    pub out: Option<Vec<Row>>,
}

impl HashAgg<'_> {
    fn run(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Vec<Row>> {
        let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut groups: Vec<(Row, Vec<AggState>)> = Vec::new();
        let fresh = |n: usize| (0..n).map(|_| AggState::default()).collect::<Vec<_>>();
        if self.group.is_empty() {
            groups.push((Vec::new(), fresh(self.aggs.len())));
        }
        let mut seen = 0u32;
        while let Some(row) = self.input.next(ctx)? {
            let g = if self.group.is_empty() {
                0
            } else {
                let mut values = Vec::with_capacity(self.group.len());
                for e in self.group {
                    values.push(e.eval(&row, ctx)?);
                }
                let key = row_key(&values);
                match index.get(&key) {
                    Some(&g) => g,
                    None => {
                        groups.push((values, fresh(self.aggs.len())));
                        index.insert(key, groups.len() - 1);
                        groups.len() - 1
                    }
                }
            };
            let states = &mut groups[g].1;
            for (state, call) in states.iter_mut().zip(self.aggs) {
                state.advance(call, &row, ctx)?;
            }
            seen += 1;
            if seen.is_multiple_of(1024) {
                ctx.check_interrupts()?;
            }
        }
        let mut out = Vec::with_capacity(groups.len());
        for (mut values, states) in groups {
            for (state, call) in states.into_iter().zip(self.aggs) {
                values.push(state.finish(call, ctx)?);
            }
            out.push(values);
        }
        out.reverse();
        Ok(out)
    }
}

impl Node for HashAgg<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.out.is_none() {
            self.out = Some(self.run(ctx)?);
        }
        Ok(self.out.as_mut().and_then(Vec::pop))
    }
}
