//! Array functions that see an array's shape (its dimensions and lower
//! bounds), after PostgreSQL's arrayfuncs.c and array_userfuncs.c:
//! subscripts and slices read and assigned, concatenation, append and
//! prepend, the dimension functions, array_fill, trim_array and
//! width_bucket over an array of thresholds.

use super::{f, non_strict, EvalCtx, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::array::{check_size, Dim, MAXDIM};
use crate::value::{ArrayRef, Value};

/// 2202E with `msg`.
fn subscript_error(msg: &str) -> SqlError {
    SqlError::new(SqlState::ARRAY_SUBSCRIPT_ERROR, msg)
}

/// The flat position of the element at `idx` (one subscript per
/// dimension), None when it lies outside.
fn offset(dims: &[Dim], idx: &[i32]) -> Option<usize> {
    let mut off = 0usize;
    for (d, &i) in dims.iter().zip(idx) {
        if i < d.lower || i > d.upper() {
            return None;
        }
        off = off * d.len as usize + (i - d.lower) as usize;
    }
    Some(off)
}

/// Every index in the box `ranges` (inclusive bounds per dimension), in
/// row-major order.
fn each_index(ranges: &[(i32, i32)], mut visit: impl FnMut(&[i32])) {
    if ranges.iter().any(|(lo, hi)| lo > hi) {
        return;
    }
    let mut idx: Vec<i32> = ranges.iter().map(|r| r.0).collect();
    loop {
        visit(&idx);
        let mut k = ranges.len();
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            if idx[k] < ranges[k].1 {
                idx[k] += 1;
                break;
            }
            idx[k] = ranges[k].0;
        }
    }
}

/// `a[i][j]...`: the element, or NULL when the number of subscripts is
/// not the number of dimensions or one is out of range.
pub(super) static SUBSCRIPT: FuncDef = f("subscript", &[AnyArray, Int4], AnyElement, |a, _| {
    let Value::Array(arr) = &a[0] else {
        return Ok(Value::Null);
    };
    let mut idx = Vec::with_capacity(a.len() - 1);
    for v in &a[1..] {
        match v {
            Value::Int4(i) => idx.push(*i),
            _ => return Ok(Value::Null),
        }
    }
    let dims = arr.dims();
    if idx.len() != dims.len() {
        return Ok(Value::Null);
    }
    Ok(offset(&dims, &idx)
        .and_then(|o| arr.items().get(o).cloned())
        .unwrap_or(Value::Null))
});

/// A slice bound: None when omitted.
type Bound = Option<i32>;

/// The slice box of an array of shape `dims` for the (lower, upper)
/// pairs in `bounds`, clamped to the array; None for an empty result.
fn slice_box(dims: &[Dim], bounds: &[(Bound, Bound)]) -> Option<Vec<(i32, i32)>> {
    if dims.is_empty() || dims.len() < bounds.len() {
        return None;
    }
    let mut ranges = Vec::with_capacity(dims.len());
    for (k, d) in dims.iter().enumerate() {
        let (lo, hi) = bounds.get(k).copied().unwrap_or((None, None));
        let lo = lo.map_or(d.lower, |l| l.max(d.lower));
        let hi = hi.map_or(d.upper(), |h| h.min(d.upper()));
        if lo > hi {
            return None;
        }
        ranges.push((lo, hi));
    }
    Some(ranges)
}

/// `a[lo:hi][lo:hi]...`: a new array counted from 1; missing trailing
/// dimensions are taken whole; empty when the box misses the array.
pub(super) static SLICE: FuncDef = f("slice", &[AnyArray, Int4, Int4], AnyArray, |a, _| {
    let Value::Array(arr) = &a[0] else {
        return Ok(Value::Null);
    };
    let Some(bounds) = pairs(&a[1..]) else {
        return Ok(Value::Null);
    };
    let dims = arr.dims();
    let Some(ranges) = slice_box(&dims, &bounds) else {
        return Ok(Value::Array(ArrayRef::new(Vec::new())));
    };
    let items = arr.items();
    let mut out = Vec::new();
    each_index(&ranges, |idx| {
        if let Some(v) = offset(&dims, idx).and_then(|o| items.get(o)) {
            out.push(v.clone());
        }
    });
    let shape = ranges
        .iter()
        .map(|(lo, hi)| Dim {
            lower: 1,
            len: hi - lo + 1,
        })
        .collect();
    Ok(Value::Array(ArrayRef::with_dims(shape, out)))
});

/// `ARRAY[a, b, ...]` of arrays of one shape: one dimension more.
pub(super) static ARRAY_STACK: FuncDef = non_strict(f("array", &[], AnyArray, |a, _| {
    crate::value::array::stack(a)
}));

/// Subscript arguments taken two at a time (None if one is NULL; an
/// omitted bound is a void constant).
fn pairs(args: &[Value]) -> Option<Vec<(Bound, Bound)>> {
    let bound = |v: &Value| match v {
        Value::Int4(i) => Some(Some(*i)),
        Value::Void => Some(None),
        _ => None,
    };
    args.chunks(2)
        .map(|c| match c {
            [lo, hi] => Some((bound(lo)?, bound(hi)?)),
            _ => None,
        })
        .collect()
}

/// Assignment to `a[i][j]...`: array_set_element. A NULL or empty array
/// becomes a one-element array at the subscripts; a one-dimensional
/// array grows (NULLs fill any gap); other shapes must contain the
/// position. Arguments: the array, the new element, the subscripts.
pub(crate) static ASSIGN_ELEMENT: FuncDef = non_strict(f(
    "subscript_assign",
    &[AnyArray, AnyElement, Int4],
    AnyArray,
    |a, ctx| {
        let mut idx = Vec::with_capacity(a.len() - 2);
        for v in &a[2..] {
            match v {
                Value::Int4(i) => idx.push(*i),
                _ => {
                    return Err(SqlError::new(
                        SqlState::NULL_VALUE_NOT_ALLOWED,
                        "array subscript in assignment must not be null",
                    ))
                }
            }
        }
        if idx.is_empty() || idx.len() > MAXDIM {
            return Err(subscript_error("wrong number of array subscripts"));
        }
        let value = a[1].clone();
        let arr = match &a[0] {
            Value::Array(arr) if arr.ndims() > 0 => arr.clone(),
            _ => {
                let dims: Vec<Dim> = idx.iter().map(|&i| Dim { lower: i, len: 1 }).collect();
                return Ok(Value::Array(ArrayRef::with_dims(dims, vec![value])));
            }
        };
        let mut dims = arr.dims();
        if dims.len() != idx.len() {
            return Err(subscript_error("wrong number of array subscripts"));
        }
        if dims.len() == 1 {
            let d = dims[0];
            let i = idx[0];
            let lower = d.lower.min(i);
            let upper = d.upper().max(i);
            let len = i64::from(upper) - i64::from(lower) + 1;
            let new = Dim {
                lower,
                len: i32::try_from(len).map_err(|_| too_large())?,
            };
            check_size(&[new])?;
            ctx.check_memory(value_bytes(new.len), "array assignment")?;
            let mut items = vec![Value::Null; new.len as usize];
            let shift = (d.lower - lower) as usize;
            for (k, v) in arr.items().iter().enumerate() {
                items[shift + k] = v.clone();
            }
            items[(i - lower) as usize] = value;
            return Ok(Value::Array(ArrayRef::with_dims(vec![new], items)));
        }
        let Some(o) = offset(&dims, &idx) else {
            return Err(subscript_error("array subscript out of range"));
        };
        let mut items = arr.items().to_vec();
        items[o] = value;
        Ok(Value::Array(ArrayRef::with_dims(
            std::mem::take(&mut dims),
            items,
        )))
    },
));

/// The memory `n` array elements take.
fn value_bytes(n: i32) -> u64 {
    u64::try_from(n).unwrap_or(0) * std::mem::size_of::<Value>() as u64
}

fn too_large() -> SqlError {
    SqlError::new(
        SqlState::PROGRAM_LIMIT_EXCEEDED,
        "array size exceeds the maximum allowed (134217727)",
    )
}

/// Assignment to `a[lo:hi]...`: array_set_slice. Arguments: the array,
/// the source array, then (lower, upper) pairs, a void constant for an
/// omitted bound. A NULL source leaves the array as it is.
pub(crate) static ASSIGN_SLICE: FuncDef = non_strict(f(
    "slice_assign",
    &[AnyArray, AnyArray, Int4, Int4],
    AnyArray,
    |a, ctx| {
        let Value::Array(src) = &a[1] else {
            return Ok(a[0].clone());
        };
        let Some(given) = pairs(&a[2..]) else {
            return Err(SqlError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "array subscript in assignment must not be null",
            ));
        };
        let arr = match &a[0] {
            Value::Array(arr) if arr.ndims() > 0 => arr.clone(),
            _ => {
                let mut dims = Vec::with_capacity(given.len());
                for &(lo, hi) in &given {
                    let (Some(lo), Some(hi)) = (lo, hi) else {
                        return Err(subscript_error(
                            "array slice subscript must provide both boundaries",
                        )
                        .with_detail(
                            "When assigning to a slice of an empty array value, slice boundaries must be fully specified.",
                        ));
                    };
                    let len = i64::from(hi) - i64::from(lo) + 1;
                    dims.push(Dim {
                        lower: lo,
                        len: i32::try_from(len).map_err(|_| too_large())?,
                    });
                }
                let n = if dims.iter().any(|d| d.len <= 0) {
                    0
                } else {
                    check_size(&dims)?
                };
                if src.items().len() < n {
                    return Err(subscript_error("source array too small"));
                }
                return Ok(Value::Array(ArrayRef::with_dims(
                    dims,
                    src.items()[..n].to_vec(),
                )));
            }
        };
        let dims = arr.dims();
        if dims.len() < given.len() {
            return Err(subscript_error("wrong number of array subscripts"));
        }
        let mut bounds = Vec::with_capacity(dims.len());
        for (k, d) in dims.iter().enumerate() {
            let (lo, hi) = given.get(k).copied().unwrap_or((None, None));
            let b = (lo.unwrap_or(d.lower), hi.unwrap_or(d.upper()));
            bounds.push(b);
            if b.0 > b.1 {
                return Err(subscript_error(
                    "upper bound cannot be less than lower bound",
                ));
            }
            if dims.len() > 1 && (b.0 < d.lower || b.1 > d.upper()) {
                return Err(subscript_error("array subscript out of range"));
            }
        }
        let (mut new_dims, mut items) = (dims.clone(), arr.items().to_vec());
        if dims.len() == 1 {
            // A one-dimensional array grows to cover the slice.
            let d = dims[0];
            let lower = d.lower.min(bounds[0].0);
            let upper = d.upper().max(bounds[0].1);
            let len = i64::from(upper) - i64::from(lower) + 1;
            new_dims = vec![Dim {
                lower,
                len: i32::try_from(len).map_err(|_| too_large())?,
            }];
            check_size(&new_dims)?;
            ctx.check_memory(value_bytes(new_dims[0].len), "array assignment")?;
            let mut grown = vec![Value::Null; new_dims[0].len as usize];
            let shift = (d.lower - lower) as usize;
            for (k, v) in items.into_iter().enumerate() {
                grown[shift + k] = v;
            }
            items = grown;
        }
        let count: i64 = bounds
            .iter()
            .map(|(lo, hi)| i64::from(*hi) - i64::from(*lo) + 1)
            .product();
        if (src.items().len() as i64) < count {
            return Err(subscript_error("source array too small"));
        }
        let mut from = src.items().iter();
        let mut failed = false;
        each_index(&bounds, |idx| match offset(&new_dims, idx) {
            Some(o) => items[o] = from.next().cloned().unwrap_or(Value::Null),
            None => failed = true,
        });
        if failed {
            return Err(subscript_error("array subscript out of range"));
        }
        Ok(Value::Array(ArrayRef::with_dims(new_dims, items)))
    },
));

/// array_cat and `||` between arrays: PostgreSQL's rules for equal
/// dimensions (concatenated along the first) and for one dimension
/// fewer (added as one element of the first dimension).
pub(super) fn concat(x: &ArrayRef, y: &ArrayRef) -> Result<ArrayRef> {
    let incompatible = |detail: String| {
        subscript_error("cannot concatenate incompatible arrays").with_detail(detail)
    };
    let (d1, d2) = (x.dims(), y.dims());
    if d1.is_empty() {
        return Ok(y.clone());
    }
    if d2.is_empty() {
        return Ok(x.clone());
    }
    let mut items = x.items().to_vec();
    items.extend_from_slice(y.items());
    let dims = if d1.len() == d2.len() {
        if d1[1..] != d2[1..] {
            return Err(incompatible(
                "Arrays with differing element dimensions are not compatible for concatenation."
                    .into(),
            ));
        }
        let mut dims = d1.clone();
        dims[0].len = d1[0].len.checked_add(d2[0].len).ok_or_else(too_large)?;
        dims
    } else if d1.len() + 1 == d2.len() || d1.len() == d2.len() + 1 {
        let (outer, inner) = if d1.len() > d2.len() {
            (&d1, &d2)
        } else {
            (&d2, &d1)
        };
        if outer[1..] != inner[..] {
            return Err(incompatible(
                "Arrays with differing dimensions are not compatible for concatenation.".into(),
            ));
        }
        let mut dims = outer.clone();
        dims[0].len += 1;
        dims
    } else {
        return Err(incompatible(format!(
            "Arrays of {} and {} dimensions are not compatible for concatenation.",
            d1.len(),
            d2.len()
        )));
    };
    check_size(&dims)?;
    Ok(ArrayRef::with_dims(dims, items))
}

/// array_append / array_prepend: only onto an empty or one-dimensional
/// array, whose lower bound the result keeps.
fn push_element(arr: &Value, elem: &Value, front: bool) -> Result<Value> {
    let arr = match arr {
        Value::Array(a) => a.clone(),
        _ => ArrayRef::new(Vec::new()),
    };
    let dims = arr.dims();
    if dims.len() > 1 {
        return Err(SqlError::new(
            SqlState::DATA_EXCEPTION,
            "argument must be empty or one-dimensional array",
        ));
    }
    let lower = dims.first().map_or(1, |d| d.lower);
    let mut items = Vec::with_capacity(arr.items().len() + 1);
    if front {
        items.push(elem.clone());
    }
    items.extend_from_slice(arr.items());
    if !front {
        if dims.first().is_some_and(|d| d.upper() == i32::MAX) {
            return Err(SqlError::new(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "integer out of range",
            ));
        }
        items.push(elem.clone());
    }
    let len = items.len() as i32;
    Ok(Value::Array(ArrayRef::with_dims(
        vec![Dim { lower, len }],
        items,
    )))
}

/// array_append(array, element).
pub(super) fn append(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    push_element(&a[0], &a[1], false)
}

/// array_prepend(element, array).
pub(super) fn prepend(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    push_element(&a[1], &a[0], true)
}

/// array_cat(array, array): a NULL side is no change.
pub(super) fn cat(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    match (&a[0], &a[1]) {
        (Value::Array(x), Value::Array(y)) => Ok(Value::Array(concat(x, y)?)),
        (Value::Null, other) | (other, Value::Null) => Ok(other.clone()),
        _ => Ok(Value::Null),
    }
}

/// array_lower / array_upper / array_length of dimension `a[1]`.
fn dim_info(a: &[Value], which: fn(Dim) -> i32) -> Result<Value> {
    let (Value::Array(arr), Value::Int4(k)) = (&a[0], &a[1]) else {
        return Ok(Value::Null);
    };
    let dims = arr.dims();
    Ok(usize::try_from(*k - 1)
        .ok()
        .and_then(|k| dims.get(k))
        .map_or(Value::Null, |d| Value::Int4(which(*d))))
}

/// array_fill(value, lengths [, lower bounds]).
fn fill(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let null_dims = || {
        SqlError::new(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "dimension array or low bound array cannot be null",
        )
    };
    let ints = |v: &Value| -> Result<Vec<i32>> {
        let Value::Array(arr) = v else {
            return Err(null_dims());
        };
        if arr.ndims() > 1 {
            return Err(subscript_error("wrong number of array subscripts")
                .with_detail("Dimension array must be one dimensional.".to_owned()));
        }
        arr.items()
            .iter()
            .map(|x| match x {
                Value::Int4(i) => Ok(*i),
                _ => Err(SqlError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    "dimension values cannot be null",
                )),
            })
            .collect()
    };
    let lens = ints(&a[1])?;
    let lows = match a.get(2) {
        Some(v) => {
            let l = ints(v)?;
            if l.len() != lens.len() {
                return Err(
                    subscript_error("wrong number of array subscripts").with_detail(
                        "Low bound array has different size than dimensions array.".to_owned(),
                    ),
                );
            }
            l
        }
        None => vec![1; lens.len()],
    };
    if lens.len() > MAXDIM {
        return Err(SqlError::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            format!(
                "number of array dimensions ({}) exceeds the maximum allowed ({MAXDIM})",
                lens.len()
            ),
        ));
    }
    if lens.iter().any(|l| *l < 0) {
        return Err(SqlError::new(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "array size exceeds the maximum allowed (134217727)",
        ));
    }
    let dims: Vec<Dim> = lens
        .iter()
        .zip(&lows)
        .map(|(&len, &lower)| Dim { lower, len })
        .collect();
    if lens.is_empty() || lens.contains(&0) {
        return Ok(Value::Array(ArrayRef::new(Vec::new())));
    }
    let n = check_size(&dims)?;
    ctx.check_memory(value_bytes(n as i32), "array_fill")?;
    Ok(Value::Array(ArrayRef::with_dims(
        dims,
        vec![a[0].clone(); n],
    )))
}

/// 0A000 for the search functions on arrays of more than one dimension.
fn one_dimensional(arr: &ArrayRef, what: &str) -> Result<()> {
    if arr.ndims() > 1 {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("{what} multidimensional arrays is not supported"),
        ));
    }
    Ok(())
}

/// IS NOT DISTINCT FROM, as the array search functions compare.
fn same_element(v: &Value, x: &Value) -> bool {
    match (v.is_null(), x.is_null()) {
        (true, true) => true,
        (false, false) => v.compare(x).is_some_and(|o| o.is_eq()),
        _ => false,
    }
}

/// array_position(array, x [, start]): the first subscript from `start`
/// whose element is not distinct from `x`.
pub(super) fn position(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let Value::Array(arr) = &a[0] else {
        return Ok(Value::Null);
    };
    one_dimensional(arr, "searching for elements in")?;
    let start = match a.get(2) {
        None => i32::MIN,
        Some(Value::Int4(s)) => *s,
        Some(_) => {
            return Err(SqlError::new(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "initial position must not be null",
            ))
        }
    };
    let first = arr.dims().first().map_or(1, |d| d.lower);
    Ok(arr
        .items()
        .iter()
        .enumerate()
        .map(|(i, v)| (first + i as i32, v))
        .find(|(n, v)| *n >= start && same_element(v, &a[1]))
        .map_or(Value::Null, |(n, _)| Value::Int4(n)))
}

/// array_positions(array, x).
fn positions(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let Value::Array(arr) = &a[0] else {
        return Ok(Value::Null);
    };
    one_dimensional(arr, "searching for elements in")?;
    let first = arr.dims().first().map_or(1, |d| d.lower);
    Ok(Value::Array(ArrayRef::new(
        arr.items()
            .iter()
            .enumerate()
            .filter(|(_, v)| same_element(v, &a[1]))
            .map(|(i, _)| Value::Int4(first + i as i32))
            .collect(),
    )))
}

/// array_remove(array, x): the array without elements equal to `x`
/// (NULL removes NULLs), one-dimensional only.
fn remove(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let Value::Array(arr) = &a[0] else {
        return Ok(Value::Null);
    };
    one_dimensional(arr, "removing elements from")?;
    let kept: Vec<Value> = arr
        .items()
        .iter()
        .filter(|v| !same_element(v, &a[1]))
        .cloned()
        .collect();
    if kept.len() == arr.items().len() {
        return Ok(a[0].clone());
    }
    let lower = arr.dims().first().map_or(1, |d| d.lower);
    let len = kept.len() as i32;
    Ok(Value::Array(ArrayRef::with_dims(
        vec![Dim { lower, len }],
        kept,
    )))
}

/// array_replace(array, from, to): keeps the shape.
fn replace(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let Value::Array(arr) = &a[0] else {
        return Ok(Value::Null);
    };
    let items = arr
        .items()
        .iter()
        .map(|v| {
            if same_element(v, &a[1]) {
                a[2].clone()
            } else {
                v.clone()
            }
        })
        .collect();
    Ok(Value::Array(ArrayRef::with_dims(arr.dims(), items)))
}

/// trim_array(array, n): without its last n elements of the first
/// dimension.
fn trim(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (Value::Array(arr), Value::Int4(n)) = (&a[0], &a[1]) else {
        return Ok(Value::Null);
    };
    let mut dims = arr.dims();
    let first = dims.first().map_or(0, |d| d.len);
    if *n < 0 || *n > first {
        return Err(SqlError::new(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "number of elements to trim must be between 0 and ".to_owned() + &first.to_string(),
        ));
    }
    if dims.is_empty() {
        return Ok(a[0].clone());
    }
    let per: usize = dims[1..].iter().map(|d| d.len as usize).product();
    dims[0].len -= n;
    let keep = dims[0].len as usize * per;
    Ok(Value::Array(ArrayRef::with_dims(
        dims,
        arr.items()[..keep].to_vec(),
    )))
}

/// width_bucket(operand, thresholds): how many thresholds are <= the
/// operand (a binary search; the thresholds must be sorted).
fn width_bucket(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let Value::Array(arr) = &a[1] else {
        return Ok(Value::Null);
    };
    if arr.ndims() > 1 {
        return Err(SqlError::new(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "thresholds must be one-dimensional array",
        ));
    }
    if arr.items().iter().any(Value::is_null) {
        return Err(SqlError::new(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "thresholds array must not contain NULLs",
        ));
    }
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let items = arr.items();
    let (mut lo, mut hi) = (0usize, items.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if a[0].compare(&items[mid]).is_some_and(|o| o.is_lt()) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(Value::Int4(lo as i32))
}

/// generate_subscripts(array, dim [, reverse]) as the array of the
/// subscripts to unnest.
pub(super) static SUBSCRIPTS: FuncDef = f(
    "generate_subscripts",
    &[AnyArray, Int4],
    Array(&Int4),
    |a, _| {
        let (Value::Array(arr), Value::Int4(k)) = (&a[0], &a[1]) else {
            return Ok(Value::Null);
        };
        let dims = arr.dims();
        let Some(d) = usize::try_from(*k - 1).ok().and_then(|k| dims.get(k)) else {
            return Ok(Value::Array(ArrayRef::new(Vec::new())));
        };
        let mut subs: Vec<Value> = (d.lower..=d.upper()).map(Value::Int4).collect();
        if matches!(a.get(2), Some(Value::Bool(true))) {
            subs.reverse();
        }
        Ok(Value::Array(ArrayRef::new(subs)))
    },
);

pub(super) static FUNCTIONS: &[FuncDef] = &[
    non_strict(f(
        "array_append",
        &[AnyCompatibleArray, AnyCompatible],
        AnyCompatibleArray,
        append,
    )),
    non_strict(f(
        "array_prepend",
        &[AnyCompatible, AnyCompatibleArray],
        AnyCompatibleArray,
        prepend,
    )),
    non_strict(f(
        "array_cat",
        &[AnyCompatibleArray, AnyCompatibleArray],
        AnyCompatibleArray,
        cat,
    )),
    f("array_ndims", &[AnyArray], Int4, |a, _| {
        Ok(match &a[0] {
            Value::Array(arr) if arr.ndims() > 0 => Value::Int4(arr.ndims() as i32),
            _ => Value::Null,
        })
    }),
    f("array_dims", &[AnyArray], Text, |a, _| {
        Ok(match &a[0] {
            Value::Array(arr) if arr.ndims() > 0 => Value::Text(
                arr.dims()
                    .iter()
                    .map(|d| format!("[{}:{}]", d.lower, d.upper()))
                    .collect(),
            ),
            _ => Value::Null,
        })
    }),
    f("array_lower", &[AnyArray, Int4], Int4, |a, _| {
        dim_info(a, |d| d.lower)
    }),
    f("array_upper", &[AnyArray, Int4], Int4, |a, _| {
        dim_info(a, Dim::upper)
    }),
    f("array_length", &[AnyArray, Int4], Int4, |a, _| {
        dim_info(a, |d| d.len)
    }),
    f("cardinality", &[AnyArray], Int4, |a, _| {
        Ok(match &a[0] {
            Value::Array(arr) => Value::Int4(arr.items().len() as i32),
            _ => Value::Null,
        })
    }),
    non_strict(f("array_fill", &[AnyElement, Array(&Int4)], AnyArray, fill)),
    non_strict(f(
        "array_fill",
        &[AnyElement, Array(&Int4), Array(&Int4)],
        AnyArray,
        fill,
    )),
    non_strict(f(
        "array_position",
        &[AnyCompatibleArray, AnyCompatible],
        Int4,
        position,
    )),
    non_strict(f(
        "array_position",
        &[AnyCompatibleArray, AnyCompatible, Int4],
        Int4,
        position,
    )),
    non_strict(f(
        "array_positions",
        &[AnyCompatibleArray, AnyCompatible],
        Array(&Int4),
        positions,
    )),
    non_strict(f(
        "array_remove",
        &[AnyCompatibleArray, AnyCompatible],
        AnyCompatibleArray,
        remove,
    )),
    non_strict(f(
        "array_replace",
        &[AnyCompatibleArray, AnyCompatible, AnyCompatible],
        AnyCompatibleArray,
        replace,
    )),
    f("trim_array", &[AnyArray, Int4], AnyArray, trim),
    non_strict(f(
        "width_bucket",
        &[AnyCompatible, AnyCompatibleArray],
        Int4,
        width_bucket,
    )),
];
