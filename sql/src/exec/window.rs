//! Window functions over the whole input, partition by partition.

use std::cmp::Ordering;

use super::agg::AggState;
use super::key::row_key;
use super::sort::compare_rows;
use super::{Node, Row};
use crate::error::Result;
use crate::expr::EvalCtx;
use crate::plan::{FrameBound, SortKey, WindowCall, WindowFunc};
use crate::value::Value;

/// Computes window calls; output rows are input rows plus one value per
/// call, in the (partition, order) order of the last call.
pub struct Window<'p> {
    /// Input.
    pub input: Box<dyn Node + 'p>,
    /// The calls.
    pub calls: &'p [WindowCall],
    /// Output rows, reversed.
    pub out: Option<Vec<Row>>,
}

impl Node for Window<'_> {
    fn next(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Option<Row>> {
        if self.out.is_none() {
            self.out = Some(self.run(ctx)?);
        }
        Ok(self.out.as_mut().and_then(Vec::pop))
    }
}

impl Window<'_> {
    fn run(&mut self, ctx: &mut EvalCtx<'_>) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        while let Some(r) = self.input.next(ctx)? {
            rows.push(r);
            if rows.len().is_multiple_of(1024) {
                ctx.check_interrupts()?;
            }
        }
        let n = rows.len();
        let mut results: Vec<Vec<Value>> = Vec::with_capacity(self.calls.len());
        let mut order: Vec<usize> = (0..n).collect();
        for call in self.calls {
            let mut pkeys = Vec::with_capacity(n);
            let mut ovals = Vec::with_capacity(n);
            for r in &rows {
                let mut pv = Vec::with_capacity(call.partition.len());
                for e in &call.partition {
                    pv.push(e.eval(r, ctx)?);
                }
                pkeys.push(row_key(&pv));
                let mut ov = Vec::with_capacity(call.order.len());
                for (e, _, _) in &call.order {
                    ov.push(e.eval(r, ctx)?);
                }
                ovals.push(ov);
            }
            // The ORDER BY values are compared as sort keys over `ovals`.
            let keys: Vec<SortKey> = call
                .order
                .iter()
                .enumerate()
                .map(|(column, (_, desc, nulls_first))| SortKey {
                    column,
                    desc: *desc,
                    nulls_first: *nulls_first,
                })
                .collect();
            order = (0..n).collect();
            order.sort_by(|&a, &b| {
                pkeys[a]
                    .cmp(&pkeys[b])
                    .then_with(|| compare_rows(&ovals[a], &ovals[b], &keys))
            });
            let mut values = vec![Value::Null; n];
            let mut start = 0;
            while start < n {
                let mut end = start + 1;
                while end < n && pkeys[order[end]] == pkeys[order[start]] {
                    end += 1;
                }
                let part = &order[start..end];
                // Peer groups (rows equal in ORDER BY), found in one pass:
                // position j's group is peers[j].
                let mut peers = Vec::with_capacity(part.len());
                let mut g = 0;
                while g < part.len() {
                    let mut e = g + 1;
                    while e < part.len()
                        && compare_rows(&ovals[part[e]], &ovals[part[g]], &keys) == Ordering::Equal
                    {
                        e += 1;
                    }
                    peers.extend(std::iter::repeat_n((g, e), e - g));
                    g = e;
                }
                partition(call, part, &rows, &peers, &mut values, ctx)?;
                ctx.check_interrupts()?;
                start = end;
            }
            results.push(values);
        }
        let mut out = Vec::with_capacity(n);
        for &i in order.iter().rev() {
            let mut r = std::mem::take(&mut rows[i]);
            for v in &results {
                r.push(v[i].clone());
            }
            out.push(r);
        }
        Ok(out)
    }
}

/// Fills `values` for the rows of one sorted partition.
fn partition(
    call: &WindowCall,
    part: &[usize],
    rows: &[Row],
    peers: &[(usize, usize)],
    values: &mut [Value],
    ctx: &mut EvalCtx<'_>,
) -> Result<()> {
    let len = part.len();
    let frame = |j: usize| -> (usize, usize) {
        let f = call.frame;
        let (ps, pe) = if f.rows { (j, j + 1) } else { peers[j] };
        let s = match f.start {
            FrameBound::UnboundedPreceding => 0,
            FrameBound::Preceding(k) => j.saturating_sub(k as usize),
            FrameBound::CurrentRow => ps,
            FrameBound::Following(k) => j.saturating_add(k as usize).min(len),
            FrameBound::UnboundedFollowing => len,
        };
        let e = match f.end {
            FrameBound::UnboundedFollowing => len,
            FrameBound::Following(k) => j.saturating_add(k as usize + 1).min(len),
            FrameBound::CurrentRow => pe,
            FrameBound::Preceding(k) => (j + 1).saturating_sub(k as usize),
            FrameBound::UnboundedPreceding => 0,
        };
        (s, e.max(s))
    };
    let arg = |k: usize, row: usize, ctx: &mut EvalCtx<'_>| -> Result<Value> {
        match call.args.get(k) {
            Some(e) => e.eval(&rows[row], ctx),
            None => Ok(Value::Null),
        }
    };
    let mut dense = 0i64;
    let mut last_peer_start = usize::MAX;
    let mut running: Option<(AggState, usize)> = None;
    for j in 0..len {
        let me = part[j];
        let v = match &call.func {
            WindowFunc::RowNumber => Value::Int8(j as i64 + 1),
            WindowFunc::Rank => Value::Int8(peers[j].0 as i64 + 1),
            WindowFunc::DenseRank => {
                let (s, _) = peers[j];
                if s != last_peer_start {
                    last_peer_start = s;
                    dense += 1;
                }
                Value::Int8(dense)
            }
            WindowFunc::PercentRank => Value::Float8(if len > 1 {
                peers[j].0 as f64 / (len - 1) as f64
            } else {
                0.0
            }),
            WindowFunc::CumeDist => Value::Float8(peers[j].1 as f64 / len as f64),
            WindowFunc::Ntile => match arg(0, me, ctx)? {
                Value::Int4(b) if b > 0 => {
                    let b = b as usize;
                    let (per, extra) = (len / b, len % b);
                    // The first `extra` buckets hold per + 1 rows.
                    let big = extra * (per + 1);
                    let bucket = if j < big {
                        j / (per + 1)
                    } else {
                        extra + (j - big) / per.max(1)
                    };
                    Value::Int4(bucket as i32 + 1)
                }
                Value::Null => Value::Null,
                _ => {
                    return Err(crate::error::SqlError::new(
                        crate::error::SqlState::INVALID_PARAMETER_VALUE,
                        "argument of ntile must be greater than zero",
                    ))
                }
            },
            WindowFunc::Lag | WindowFunc::Lead => {
                let offset = match call.args.get(1) {
                    Some(_) => match arg(1, me, ctx)? {
                        Value::Int4(o) => Some(i64::from(o)),
                        _ => None,
                    },
                    None => Some(1),
                };
                match offset {
                    None => Value::Null,
                    Some(o) => {
                        let o = if matches!(call.func, WindowFunc::Lag) {
                            -o
                        } else {
                            o
                        };
                        let target = j as i64 + o;
                        if target >= 0 && (target as usize) < len {
                            arg(0, part[target as usize], ctx)?
                        } else {
                            arg(2, me, ctx)?
                        }
                    }
                }
            }
            WindowFunc::FirstValue | WindowFunc::LastValue => {
                let (s, e) = frame(j);
                if s >= e {
                    Value::Null
                } else if matches!(call.func, WindowFunc::FirstValue) {
                    arg(0, part[s], ctx)?
                } else {
                    arg(0, part[e - 1], ctx)?
                }
            }
            WindowFunc::Agg(agg) => {
                let (s, e) = frame(j);
                if call.frame.start == FrameBound::UnboundedPreceding {
                    // Frames that grow from the partition start: one
                    // running state.
                    let (state, done) = running.get_or_insert_with(|| (AggState::default(), 0));
                    while *done < e {
                        state.advance(agg, &rows[part[*done]], ctx)?;
                        *done += 1;
                    }
                    state.clone().finish(agg, ctx)?
                } else {
                    let mut state = AggState::default();
                    for &k in &part[s..e] {
                        state.advance(agg, &rows[k], ctx)?;
                    }
                    state.finish(agg, ctx)?
                }
            }
        };
        values[me] = v;
    }
    Ok(())
}
