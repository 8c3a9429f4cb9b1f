//! Window functions over the whole input, partition by partition.

use std::cmp::Ordering;

use super::agg::AggState;
use super::qsort::pg_qsort;
use super::sort::compare_rows;
use super::{Node, Row};
use crate::error::Result;
use crate::error::{SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::parser::Exclusion;
use crate::plan::{FrameBound, FrameUnits, RangeOffset, SortKey, WindowCall, WindowFunc};
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
        let mut results: Vec<Vec<Value>> = vec![Vec::new(); self.calls.len()];
        // The calls in the order PostgreSQL's WindowAgg nodes run them;
        // each sorts the rows as the one before left them, so peers keep
        // the order PostgreSQL's sorts give them.
        let mut todo: Vec<usize> = (0..self.calls.len()).collect();
        todo.sort_by_key(|&i| self.calls[i].clause);
        let mut order: Vec<usize> = (0..n).collect();
        // Each row's PARTITION BY values, then its ORDER BY values, for
        // the window being run (calls of one window share them).
        let mut kv: Vec<Vec<Value>> = Vec::new();
        let mut kv_clause = None;
        for i in todo {
            let call = &self.calls[i];
            let plen = call.partition.len();
            if kv_clause != Some(call.clause) {
                kv.clear();
                for r in &rows {
                    let mut v = Vec::with_capacity(plen + call.order.len());
                    for e in &call.partition {
                        v.push(e.eval(r, ctx)?);
                    }
                    for (e, _, _) in &call.order {
                        v.push(e.eval(r, ctx)?);
                    }
                    kv.push(v);
                }
                kv_clause = Some(call.clause);
            }
            // Partitions ascending, then the window's ORDER BY: the sort
            // PostgreSQL puts under the WindowAgg.
            let part_keys: Vec<SortKey> = (0..plen)
                .map(|column| SortKey {
                    column,
                    desc: false,
                    nulls_first: false,
                })
                .collect();
            let keys: Vec<SortKey> = call
                .order
                .iter()
                .enumerate()
                .map(|(k, (_, desc, nulls_first))| SortKey {
                    column: plen + k,
                    desc: *desc,
                    nulls_first: *nulls_first,
                })
                .collect();
            let all: Vec<SortKey> = part_keys.iter().chain(&keys).cloned().collect();
            pg_qsort(&mut order, &mut |&a, &b| compare_rows(&kv[a], &kv[b], &all));
            let offsets = offset_values(&call.frame, ctx)?;
            let frame = resolve(&call.frame, &offsets, n)?;
            let mut values = vec![Value::Null; n];
            let mut start = 0;
            while start < n {
                let mut end = start + 1;
                while end < n
                    && compare_rows(&kv[order[end]], &kv[order[start]], &part_keys)
                        == Ordering::Equal
                {
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
                        && compare_rows(&kv[part[e]], &kv[part[g]], &keys) == Ordering::Equal
                    {
                        e += 1;
                    }
                    peers.extend(std::iter::repeat_n((g, e), e - g));
                    g = e;
                }
                let keys_of: Vec<&Value> = part
                    .iter()
                    .map(|&i| kv[i].get(plen).unwrap_or(&Value::Null))
                    .collect();
                let frames = frames(call, &frame, &keys_of, &peers, ctx)?;
                partition(call, part, &rows, &peers, &frames, &mut values, ctx)?;
                ctx.check_interrupts()?;
                start = end;
            }
            results[i] = values;
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

/// A frame bound with its offset computed.
#[derive(Clone, Copy)]
enum Bound<'a> {
    /// UNBOUNDED PRECEDING.
    UnboundedPreceding,
    /// n PRECEDING (ROWS, GROUPS).
    Preceding(usize),
    /// CURRENT ROW.
    CurrentRow,
    /// n FOLLOWING (ROWS, GROUPS).
    Following(usize),
    /// UNBOUNDED FOLLOWING.
    UnboundedFollowing,
    /// A RANGE offset (PRECEDING when the flag is set).
    Value(&'a Value, &'a RangeOffset, bool),
}

/// The frame of one window, its offsets computed once as PostgreSQL's
/// calculate_frame_offsets does when the WindowAgg starts.
struct ResolvedFrame<'a> {
    /// The frame as planned.
    frame: &'a crate::plan::Frame,
    /// Start and end.
    start: Bound<'a>,
    /// End.
    end: Bound<'a>,
}

/// Computes `frame`'s offsets; `values` holds the RANGE offsets' values.
fn resolve<'a>(
    frame: &'a crate::plan::Frame,
    values: &'a [Value; 2],
    rows: usize,
) -> Result<ResolvedFrame<'a>> {
    let bound = |b: &'a FrameBound, v: &'a Value, which: &str| -> Result<Bound<'a>> {
        Ok(match b {
            FrameBound::UnboundedPreceding => Bound::UnboundedPreceding,
            FrameBound::CurrentRow => Bound::CurrentRow,
            FrameBound::UnboundedFollowing => Bound::UnboundedFollowing,
            FrameBound::Preceding(_) | FrameBound::Following(_) => {
                let n = match v {
                    Value::Null => {
                        return Err(SqlError::new(
                            SqlState::NULL_VALUE_NOT_ALLOWED,
                            format!("frame {which} offset must not be null"),
                        ))
                    }
                    Value::Int8(n) if *n < 0 => {
                        return Err(SqlError::new(
                            SqlState::INVALID_PRECEDING_OR_FOLLOWING_SIZE,
                            format!("frame {which} offset must not be negative"),
                        ))
                    }
                    Value::Int8(n) => usize::try_from(*n).unwrap_or(usize::MAX),
                    other => return Err(SqlError::internal(format!("frame offset {other:?}"))),
                };
                if matches!(b, FrameBound::Preceding(_)) {
                    Bound::Preceding(n)
                } else {
                    Bound::Following(n)
                }
            }
            FrameBound::ValuePreceding(r) | FrameBound::ValueFollowing(r) => {
                if v.is_null() {
                    return Err(SqlError::new(
                        SqlState::NULL_VALUE_NOT_ALLOWED,
                        format!("frame {which} offset must not be null"),
                    ));
                }
                // The in_range functions refuse a negative or NaN offset
                // when they first compare a row.
                let zero = match v {
                    Value::Int8(_) => Value::Int8(0),
                    Value::Float8(_) => Value::Float8(0.0),
                    Value::Numeric(_) => Value::Numeric(crate::value::Numeric::zero()),
                    _ => Value::Interval(Default::default()),
                };
                let nan = match v {
                    Value::Float8(f) => f.is_nan(),
                    Value::Numeric(n) => n.is_nan(),
                    _ => false,
                };
                if rows > 0 && (nan || v.compare(&zero) == Some(Ordering::Less)) {
                    return Err(SqlError::new(
                        SqlState::INVALID_PRECEDING_OR_FOLLOWING_SIZE,
                        "invalid preceding or following size in window function",
                    ));
                }
                Bound::Value(v, r, matches!(b, FrameBound::ValuePreceding(_)))
            }
        })
    };
    Ok(ResolvedFrame {
        frame,
        start: bound(&frame.start, &values[0], "starting")?,
        end: bound(&frame.end, &values[1], "ending")?,
    })
}

/// The values of a frame's two offsets (NULL where a bound has none).
fn offset_values(frame: &crate::plan::Frame, ctx: &mut EvalCtx<'_>) -> Result<[Value; 2]> {
    let value = |b: &FrameBound, ctx: &mut EvalCtx<'_>| match b {
        FrameBound::Preceding(e) | FrameBound::Following(e) => e.eval(&[], ctx),
        FrameBound::ValuePreceding(r) | FrameBound::ValueFollowing(r) => r.offset.eval(&[], ctx),
        _ => Ok(Value::Null),
    };
    Ok([value(&frame.start, ctx)?, value(&frame.end, ctx)?])
}

/// Each row's frame in one sorted partition, as [start, end) positions.
/// `keys` are the rows' first ORDER BY values (RANGE offsets move the
/// only one), `peers` each row's peer group.
fn frames(
    call: &WindowCall,
    f: &ResolvedFrame<'_>,
    keys: &[&Value],
    peers: &[(usize, usize)],
    ctx: &mut EvalCtx<'_>,
) -> Result<Vec<(usize, usize)>> {
    let len = keys.len();
    let units = f.frame.units;
    let (desc, nulls_first) = call.order.first().map_or((false, false), |o| (o.1, o.2));
    // Peer groups in order, and each row's group.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut group_of = Vec::with_capacity(len);
    for &p in peers {
        if groups.last() != Some(&p) {
            groups.push(p);
        }
        group_of.push(groups.len() - 1);
    }
    let mut out = Vec::with_capacity(len);
    for j in 0..len {
        let (ps, pe) = if units == FrameUnits::Rows {
            (j, j + 1)
        } else {
            peers[j]
        };
        let g = group_of[j];
        let s = match f.start {
            Bound::UnboundedPreceding => 0,
            Bound::CurrentRow => ps,
            Bound::Preceding(k) if units == FrameUnits::Groups => groups[g.saturating_sub(k)].0,
            Bound::Following(k) if units == FrameUnits::Groups => {
                groups.get(g.saturating_add(k)).map_or(len, |x| x.0)
            }
            Bound::Preceding(k) => j.saturating_sub(k),
            Bound::Following(k) => j.saturating_add(k).min(len),
            Bound::UnboundedFollowing => len,
            Bound::Value(offset, r, preceding) => {
                match moved(keys[j], r, offset, preceding != desc, ctx)? {
                    None => ps,
                    Some(Moved::Everything) => 0,
                    Some(b) => keys.partition_point(|k| before(k, &b, desc, nulls_first)),
                }
            }
        };
        let e = match f.end {
            Bound::UnboundedFollowing => len,
            Bound::CurrentRow => pe,
            Bound::Following(k) if units == FrameUnits::Groups => {
                groups[g.saturating_add(k).min(groups.len() - 1)].1
            }
            Bound::Preceding(k) if units == FrameUnits::Groups => {
                if g >= k {
                    groups[g - k].1
                } else {
                    0
                }
            }
            Bound::Following(k) => j.saturating_add(k).saturating_add(1).min(len),
            Bound::Preceding(k) => (j + 1).saturating_sub(k),
            Bound::UnboundedPreceding => 0,
            Bound::Value(offset, r, preceding) => {
                match moved(keys[j], r, offset, preceding != desc, ctx)? {
                    None => pe,
                    Some(Moved::Everything) => len,
                    Some(b) => keys.partition_point(|k| !after(k, &b, desc, nulls_first)),
                }
            }
        };
        out.push((s, e.max(s)));
    }
    Ok(out)
}

/// Where a RANGE offset moves the current key: a value, or past every
/// value of the type (a number's arithmetic overflowed, which PostgreSQL's
/// in_range functions read as an unbounded frame edge).
enum Moved {
    /// Below every value.
    MinusInf,
    /// A value.
    At(Value),
    /// Above every value.
    PlusInf,
    /// Every row passes the bound (an infinite offset from an infinite
    /// key, which PostgreSQL's in_range functions accept for every row).
    Everything,
}

/// The current key moved by a RANGE offset (down when `down`), or None
/// for a NULL key (its frame is its peers, the other NULLs).
fn moved(
    key: &Value,
    r: &RangeOffset,
    offset: &Value,
    down: bool,
    ctx: &mut EvalCtx<'_>,
) -> Result<Option<Moved>> {
    let key = match key {
        Value::Null => return Ok(None),
        Value::Int2(v) => Value::Int8(i64::from(*v)),
        Value::Int4(v) => Value::Int8(i64::from(*v)),
        Value::Float4(v) => Value::Float8(f64::from(*v)),
        other => other.clone(),
    };
    // An infinite offset from an infinite key of the sign it moves
    // towards reaches past every value (in_range_float8_float8 and
    // in_range_numeric_numeric), where the arithmetic would give NaN.
    let infinite = |v: &Value| match v {
        Value::Float8(f) => f.is_infinite().then_some(*f > 0.0),
        _ => None,
    };
    if let (Some(positive), Some(_)) = (infinite(&key), infinite(offset)) {
        if positive == down {
            return Ok(Some(Moved::Everything));
        }
    }
    let f = if down { r.sub } else { r.add };
    match (f.imp)(&[key, offset.clone()], ctx) {
        Ok(v) => Ok(Some(Moved::At(v))),
        // Numbers only: PostgreSQL's date and time versions raise the
        // overflow.
        Err(e) if e.code() == crate::error::SqlState::NUMERIC_VALUE_OUT_OF_RANGE => {
            Ok(Some(if down {
                Moved::MinusInf
            } else {
                Moved::PlusInf
            }))
        }
        Err(e) => Err(e),
    }
}

/// `key` compared with a moved bound (dates against timestamps as
/// timestamps, integers as bigints).
fn cmp_bound(key: &Value, bound: &Moved) -> Ordering {
    let bound = match bound {
        Moved::MinusInf | Moved::Everything => return Ordering::Greater,
        Moved::PlusInf => return Ordering::Less,
        Moved::At(b) => b,
    };
    let widen = |v: &Value| match (v, bound) {
        (Value::Date(d), Value::Timestamp(_)) => {
            Value::Timestamp(i64::from(*d) * crate::value::USECS_PER_DAY)
        }
        (Value::Int2(x), _) => Value::Int8(i64::from(*x)),
        (Value::Int4(x), _) => Value::Int8(i64::from(*x)),
        (Value::Float4(x), _) => Value::Float8(f64::from(*x)),
        (other, _) => other.clone(),
    };
    widen(key).compare(bound).unwrap_or(Ordering::Equal)
}

/// Whether `key` sorts before the frame that starts at `bound`.
fn before(key: &Value, bound: &Moved, desc: bool, nulls_first: bool) -> bool {
    if key.is_null() {
        return nulls_first;
    }
    let o = cmp_bound(key, bound);
    if desc {
        o == Ordering::Greater
    } else {
        o == Ordering::Less
    }
}

/// Whether `key` sorts after the frame that ends at `bound`.
fn after(key: &Value, bound: &Moved, desc: bool, nulls_first: bool) -> bool {
    if key.is_null() {
        return !nulls_first;
    }
    let o = cmp_bound(key, bound);
    if desc {
        o == Ordering::Less
    } else {
        o == Ordering::Greater
    }
}

/// Fills `values` for the rows of one sorted partition, given each row's
/// frame.
fn partition(
    call: &WindowCall,
    part: &[usize],
    rows: &[Row],
    peers: &[(usize, usize)],
    frames: &[(usize, usize)],
    values: &mut [Value],
    ctx: &mut EvalCtx<'_>,
) -> Result<()> {
    let len = part.len();
    let frame = |j: usize| frames[j];
    let exclude = call.frame.exclude;
    // Frame j's positions after its EXCLUDE clause (None: all of
    // [start, end)).
    let members = |j: usize| -> Option<Vec<usize>> {
        let (s, e) = frames[j];
        let (gs, ge) = peers[j];
        match exclude {
            Exclusion::NoOthers => None,
            Exclusion::CurrentRow => Some((s..e).filter(|&k| k != j).collect()),
            Exclusion::Group => Some((s..e).filter(|&k| k < gs || k >= ge).collect()),
            Exclusion::Ties => Some((s..e).filter(|&k| k == j || k < gs || k >= ge).collect()),
        }
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
            WindowFunc::FirstValue | WindowFunc::LastValue if exclude != Exclusion::NoOthers => {
                let m = members(j).unwrap_or_default();
                let pick = if matches!(call.func, WindowFunc::FirstValue) {
                    m.first()
                } else {
                    m.last()
                };
                match pick {
                    Some(&k) => arg(0, part[k], ctx)?,
                    None => Value::Null,
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
            WindowFunc::NthValue => {
                let (s, e) = frame(j);
                let m = members(j);
                let count = m.as_ref().map_or(e - s, Vec::len);
                let at = |n: usize| m.as_ref().map_or(s + n, |m| m[n]);
                match arg(1, me, ctx)? {
                    Value::Int4(n) if n <= 0 => {
                        return Err(crate::error::SqlError::new(
                            crate::error::SqlState::INVALID_ARGUMENT_FOR_NTH_VALUE,
                            "argument of nth_value must be greater than zero",
                        ))
                    }
                    Value::Int4(n) if (n as usize) <= count => {
                        arg(0, part[at(n as usize - 1)], ctx)?
                    }
                    _ => Value::Null,
                }
            }
            WindowFunc::Agg(agg) => {
                let (s, e) = frame(j);
                if let Some(m) = members(j) {
                    let mut state = AggState::default();
                    for k in m {
                        state.advance(agg, &rows[part[k]], ctx)?;
                    }
                    state.finish(agg, ctx)?
                } else if matches!(call.frame.start, FrameBound::UnboundedPreceding) {
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
