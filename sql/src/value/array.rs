//! Arrays of up to six dimensions with any lower bounds, as PostgreSQL's
//! arrayfuncs.c keeps them: the elements in row-major order and, per
//! dimension, its lower bound and length. A one-dimensional array
//! counted from 1 (nearly every array) is a bare element vector; only
//! other shapes carry their dimensions ([`ArrayRef::with_dims`] keeps
//! that invariant, so equal arrays have one representation).

use super::{ArrayRef, OutputStyle, Value};
use crate::error::{Result, SqlError, SqlState};

/// PostgreSQL's MAXDIM.
pub const MAXDIM: usize = 6;

/// One dimension: its lower bound and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dim {
    /// The first subscript.
    pub lower: i32,
    /// The number of elements along the dimension.
    pub len: i32,
}

impl Dim {
    /// The last subscript.
    pub fn upper(self) -> i32 {
        self.lower.saturating_add(self.len - 1)
    }
}

/// A multi-dimensional array, or one not counted from 1.
pub(super) struct Shaped {
    pub(super) dims: Box<[Dim]>,
    pub(super) items: Vec<Value>,
}

impl ArrayRef {
    /// An array of the given shape (the product of the lengths must be
    /// `items.len()`); no dimensions when it is empty.
    pub fn with_dims(dims: Vec<Dim>, items: Vec<Value>) -> ArrayRef {
        if items.is_empty() {
            return ArrayRef::new(items);
        }
        if dims.len() == 1 && dims[0].lower == 1 {
            return ArrayRef::new(items);
        }
        ArrayRef(std::sync::Arc::new(Shaped {
            dims: dims.into_boxed_slice(),
            items,
        }))
    }

    /// The dimensions (none for an empty array); an int2vector or
    /// oidvector counts from 0.
    pub fn dims(&self) -> Vec<Dim> {
        if let Some(s) = self.0.downcast_ref::<Shaped>() {
            return s.dims.to_vec();
        }
        let len = self.items().len();
        if len == 0 {
            return Vec::new();
        }
        vec![Dim {
            lower: i32::from(!self.is_vector()),
            len: len as i32,
        }]
    }

    /// The number of dimensions.
    pub fn ndims(&self) -> usize {
        match self.0.downcast_ref::<Shaped>() {
            Some(s) => s.dims.len(),
            None => usize::from(!self.items().is_empty()),
        }
    }

    /// True when the array has other than one dimension counted from 1
    /// (and is not empty).
    pub fn is_shaped(&self) -> bool {
        self.0.is::<Shaped>()
    }
}

/// array_out: `{{1,2},{3,4}}`, with `[lo:hi]...=` in front when a lower
/// bound is not 1; an element is double-quoted when it is empty, spells
/// NULL, or holds a brace, comma, quote, backslash or white space, with
/// quotes and backslashes escaped.
pub(super) fn write_array(a: &ArrayRef, style: &OutputStyle, out: &mut String) {
    let items = a.items();
    if !a.is_shaped() {
        // One dimension counted from 1 (nearly every array, and the
        // stored form of every array column): no shape to work out.
        out.push('{');
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_element(v, style, out);
        }
        out.push('}');
        return;
    }
    let dims = a.dims();
    if dims.iter().any(|d| d.lower != 1) {
        use std::fmt::Write;
        for d in &dims {
            let _ = write!(out, "[{}:{}]", d.lower, d.upper());
        }
        out.push('=');
    }
    // span[k], the product of the lengths from dimension k on: an
    // element whose flat index is a multiple of it opens a brace at
    // depth k (and one after which the count is, closes it).
    let mut span = vec![1usize; dims.len()];
    let mut product = 1usize;
    for k in (0..dims.len()).rev() {
        product *= dims[k].len.max(0) as usize;
        span[k] = product.max(1);
    }
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for s in &span {
            if i % s == 0 {
                out.push('{');
            }
        }
        write_element(v, style, out);
        for s in span.iter().rev() {
            if (i + 1) % s == 0 {
                out.push('}');
            }
        }
    }
}

fn write_element(v: &Value, style: &OutputStyle, out: &mut String) {
    let Some(text) = v.to_text(style) else {
        out.push_str("NULL");
        return;
    };
    let quote = text.is_empty()
        || text.eq_ignore_ascii_case("null")
        || text
            .chars()
            .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || is_space(c));
    if quote {
        out.push('"');
        for c in text.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(&text);
    }
}

/// array_isspace.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

fn malformed(text: &str, detail: Option<&str>) -> SqlError {
    let e = SqlError::new(
        SqlState::INVALID_TEXT_REPRESENTATION,
        format!("malformed array literal: \"{text}\""),
    );
    match detail {
        Some(d) => e.with_detail(d.to_owned()),
        None => e,
    }
}

/// 54000: more dimensions (subscripts) than an array may have.
pub fn too_many_dims(n: usize) -> SqlError {
    SqlError::new(
        SqlState::PROGRAM_LIMIT_EXCEEDED,
        format!("number of array dimensions ({n}) exceeds the maximum allowed ({MAXDIM})"),
    )
}

/// 54000 when the dimensions hold more elements than an array may.
pub fn check_size(dims: &[Dim]) -> Result<usize> {
    let mut n: i64 = 1;
    for d in dims {
        n = n.saturating_mul(i64::from(d.len));
        if n > (1 << 27) - 1 {
            return Err(SqlError::new(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                format!(
                    "array size exceeds the maximum allowed ({})",
                    (1i64 << 27) - 1
                ),
            ));
        }
        if i64::from(d.lower) + i64::from(d.len) > i64::from(i32::MAX) {
            return Err(SqlError::new(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                format!("array lower bound is too large: {}", d.lower),
            ));
        }
    }
    Ok(if dims.is_empty() { 0 } else { n as usize })
}

/// array_in: the dimension decoration (`[1:2][0:1]=`) if any, then the
/// nested braces, each element read by `element` (None for NULL).
pub fn parse(text: &str, mut element: impl FnMut(&str) -> Result<Value>) -> Result<Value> {
    let b = text.as_bytes();
    let mut p = 0;
    let mut given: Vec<Dim> = Vec::new();
    loop {
        while p < b.len() && is_space(b[p] as char) {
            p += 1;
        }
        if b.get(p) != Some(&b'[') {
            break;
        }
        p += 1;
        if given.len() >= MAXDIM {
            return Err(too_many_dims(given.len() + 1));
        }
        let number = |p: &mut usize| -> Option<i32> {
            let start = *p;
            while *p < b.len() && (b[*p].is_ascii_digit() || b[*p] == b'-' || b[*p] == b'+') {
                *p += 1;
            }
            (*p > start).then(|| atoi(&text[start..*p]))
        };
        let Some(first) = number(&mut p) else {
            return Err(malformed(
                text,
                Some("\"[\" must introduce explicitly-specified array dimensions."),
            ));
        };
        let (lower, upper) = if b.get(p) == Some(&b':') {
            p += 1;
            let Some(upper) = number(&mut p) else {
                return Err(malformed(text, Some("Missing array dimension value.")));
            };
            (first, upper)
        } else {
            (1, first)
        };
        if b.get(p) != Some(&b']') {
            return Err(malformed(
                text,
                Some("Missing \"]\" after array dimensions."),
            ));
        }
        p += 1;
        if upper < lower {
            return Err(SqlError::new(
                SqlState::ARRAY_SUBSCRIPT_ERROR,
                "upper bound cannot be less than lower bound",
            ));
        }
        given.push(Dim {
            lower,
            len: (i64::from(upper) - i64::from(lower) + 1).min(i64::from(i32::MAX)) as i32,
        });
    }
    let body;
    let dims = if given.is_empty() {
        if b.get(p) != Some(&b'{') {
            return Err(malformed(
                text,
                Some("Array value must start with \"{\" or dimension information."),
            ));
        }
        body = &text[p..];
        count(body, text)?
            .into_iter()
            .map(|len| Dim { lower: 1, len })
            .collect()
    } else {
        if b.get(p) != Some(&b'=') {
            return Err(malformed(
                text,
                Some("Missing \"=\" after array dimensions."),
            ));
        }
        p += 1;
        while p < b.len() && is_space(b[p] as char) {
            p += 1;
        }
        if b.get(p) != Some(&b'{') {
            return Err(malformed(
                text,
                Some("Array contents must start with \"{\"."),
            ));
        }
        body = &text[p..];
        let braces = count(body, text)?;
        if braces.len() != given.len() || braces.iter().zip(&given).any(|(n, d)| *n != d.len) {
            return Err(malformed(
                text,
                Some("Specified array dimensions do not match array contents."),
            ));
        }
        given
    };
    let n = check_size(&dims)?;
    if n == 0 {
        return Ok(Value::Array(ArrayRef::new(Vec::new())));
    }
    let mut items = Vec::with_capacity(n);
    for item in read_items(body, text)? {
        items.push(match item {
            None => Value::Null,
            Some(s) => element(&s)?,
        });
    }
    if items.len() != n {
        return Err(malformed(text, None));
    }
    Ok(Value::Array(ArrayRef::with_dims(dims, items)))
}

/// C's atoi: the leading sign and digits, wrapping as C's does not
/// matter here (out-of-range bounds fail the size check).
fn atoi(s: &str) -> i32 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for c in digits.bytes().take_while(u8::is_ascii_digit) {
        v = (v * 10 + i64::from(c - b'0')).min(i64::from(i32::MAX) + 1);
    }
    (if neg { -v } else { v }).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    NoLevel,
    LevelStarted,
    ElemStarted,
    QuotedStarted,
    QuotedCompleted,
    ElemDelimited,
    LevelCompleted,
    LevelDelimited,
}

/// ArrayCount: validates the brace structure and returns the length of
/// each dimension (none for an empty array).
fn count(body: &str, text: &str) -> Result<Vec<i32>> {
    use State::*;
    let bad = |d: &str| Err(malformed(text, Some(d)));
    let mut nest = 0usize;
    let mut ndim = 1usize;
    let mut temp = [0i32; MAXDIM];
    let mut nelems = [1i32; MAXDIM];
    let mut nelems_last = [0i32; MAXDIM];
    let mut in_quotes = false;
    let mut empty = true;
    let mut state = NoLevel;
    let b = body.as_bytes();
    let mut i = 0;
    loop {
        let mut item_done = false;
        let mut end = false;
        while !item_done {
            if matches!(state, ElemStarted | QuotedStarted) {
                empty = false;
            }
            let Some(&c) = b.get(i) else {
                return bad("Unexpected end of input.");
            };
            match c {
                b'\\' => {
                    if !matches!(
                        state,
                        LevelStarted | ElemStarted | QuotedStarted | ElemDelimited
                    ) {
                        return bad("Unexpected \"\\\" character.");
                    }
                    if state != QuotedStarted {
                        state = ElemStarted;
                    }
                    if i + 1 < b.len() {
                        i += 1;
                    } else {
                        return bad("Unexpected end of input.");
                    }
                }
                b'"' => {
                    if !matches!(state, LevelStarted | QuotedStarted | ElemDelimited) {
                        return bad("Unexpected array element.");
                    }
                    in_quotes = !in_quotes;
                    state = if in_quotes {
                        QuotedStarted
                    } else {
                        QuotedCompleted
                    };
                }
                b'{' if !in_quotes => {
                    if !matches!(state, NoLevel | LevelStarted | LevelDelimited) {
                        return bad("Unexpected \"{\" character.");
                    }
                    state = LevelStarted;
                    if nest >= MAXDIM {
                        return Err(too_many_dims(nest + 1));
                    }
                    temp[nest] = 0;
                    nest += 1;
                    ndim = ndim.max(nest);
                }
                b'}' if !in_quotes => {
                    let closes = matches!(state, ElemStarted | QuotedCompleted | LevelCompleted)
                        || (nest == 1 && state == LevelStarted);
                    if !closes {
                        return bad("Unexpected \"}\" character.");
                    }
                    state = LevelCompleted;
                    if nest == 0 {
                        return bad("Unmatched \"}\" character.");
                    }
                    nest -= 1;
                    if nelems_last[nest] != 0 && nelems[nest] != nelems_last[nest] {
                        return bad(
                            "Multidimensional arrays must have sub-arrays with matching dimensions.",
                        );
                    }
                    nelems_last[nest] = nelems[nest];
                    nelems[nest] = 1;
                    if nest == 0 {
                        item_done = true;
                        end = true;
                    } else {
                        temp[nest - 1] += 1;
                    }
                }
                b',' if !in_quotes => {
                    if !matches!(state, ElemStarted | QuotedCompleted | LevelCompleted) {
                        return bad("Unexpected \",\" character.");
                    }
                    state = if state == LevelCompleted {
                        LevelDelimited
                    } else {
                        ElemDelimited
                    };
                    item_done = true;
                    if nest == 0 {
                        return bad("Unexpected \",\" character.");
                    }
                    nelems[nest - 1] += 1;
                }
                _ if !in_quotes && !is_space(c as char) => {
                    if !matches!(state, LevelStarted | ElemStarted | ElemDelimited) {
                        return bad("Unexpected array element.");
                    }
                    state = ElemStarted;
                }
                _ => {}
            }
            if !item_done {
                i += 1;
            }
        }
        temp[ndim - 1] += 1;
        i += 1;
        if end {
            break;
        }
    }
    if b[i.min(b.len())..].iter().any(|&c| !is_space(c as char)) {
        return bad("Junk after closing right brace.");
    }
    if empty {
        return Ok(Vec::new());
    }
    Ok(temp[..ndim].to_vec())
}

/// ReadArrayStr: the elements in order, de-quoted and de-escaped, with
/// unquoted white space around them dropped; None for an unquoted NULL.
/// The structure was validated by [`count`].
fn read_items(body: &str, text: &str) -> Result<Vec<Option<String>>> {
    let mut out = Vec::new();
    let mut chars = body.chars().peekable();
    let mut nest = 0usize;
    let mut in_quotes = false;
    loop {
        // One item: up to a delimiter or a closing brace.
        let mut item = String::new();
        let mut significant = 0usize;
        let mut leading = true;
        let mut quoting = false;
        let mut seen = false;
        let done_array;
        loop {
            let Some(c) = chars.next() else {
                return Err(malformed(text, None));
            };
            match c {
                '\\' => {
                    let Some(n) = chars.next() else {
                        return Err(malformed(text, None));
                    };
                    item.push(n);
                    leading = false;
                    significant = item.len();
                    quoting = true;
                    seen = true;
                }
                '"' => {
                    in_quotes = !in_quotes;
                    if in_quotes {
                        leading = false;
                    } else {
                        significant = item.len();
                    }
                    quoting = true;
                    seen = true;
                }
                '{' if !in_quotes => nest += 1,
                '}' if !in_quotes => {
                    nest = nest.saturating_sub(1);
                    if nest == 0 {
                        done_array = true;
                        break;
                    }
                }
                ',' if !in_quotes => {
                    done_array = false;
                    break;
                }
                c if in_quotes => item.push(c),
                c if is_space(c) => {
                    if !leading {
                        item.push(c);
                    }
                }
                c => {
                    item.push(c);
                    leading = false;
                    significant = item.len();
                    seen = true;
                }
            }
        }
        item.truncate(significant);
        if seen {
            out.push(if !quoting && item.eq_ignore_ascii_case("null") {
                None
            } else {
                Some(item)
            });
        }
        if done_array {
            return Ok(out);
        }
    }
}

/// 2202E: an ARRAY[...] of arrays whose shapes differ.
pub fn mismatched_dims() -> SqlError {
    SqlError::new(
        SqlState::ARRAY_SUBSCRIPT_ERROR,
        "multidimensional arrays must have array expressions with matching dimensions",
    )
}

/// `ARRAY[a, b]` where a and b are arrays: one dimension more, counted
/// from 1, over their common shape (PostgreSQL keeps the inner lower
/// bounds); all empty gives an empty array.
pub fn stack(parts: &[Value]) -> Result<Value> {
    let mut inner: Option<Vec<Dim>> = None;
    let mut items = Vec::new();
    let mut count = 0;
    for p in parts {
        let Value::Array(a) = p else {
            // A NULL sub-array: PostgreSQL treats it as empty.
            if inner.as_ref().is_some_and(|d| !d.is_empty()) {
                return Err(mismatched_dims());
            }
            inner = Some(Vec::new());
            continue;
        };
        let d = a.dims();
        match &inner {
            Some(prev) if *prev != d => return Err(mismatched_dims()),
            Some(_) => {}
            None => inner = Some(d.clone()),
        }
        items.extend_from_slice(a.items());
        count += 1;
    }
    let inner = inner.unwrap_or_default();
    if inner.is_empty() {
        return Ok(Value::Array(ArrayRef::new(Vec::new())));
    }
    if inner.len() >= MAXDIM {
        return Err(too_many_dims(inner.len() + 1));
    }
    let mut dims = vec![Dim {
        lower: 1,
        len: count,
    }];
    dims.extend(inner);
    Ok(Value::Array(ArrayRef::with_dims(dims, items)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &str) -> Result<Value> {
        s.parse::<i32>()
            .map(Value::Int4)
            .map_err(|_| SqlError::new(SqlState::INVALID_TEXT_REPRESENTATION, "bad"))
    }

    fn round_trip(s: &str) -> String {
        match parse(s, int) {
            Ok(v) => v.to_text(&OutputStyle::default()).unwrap_or_default(),
            Err(e) => format!(
                "{}: {}",
                e.message(),
                e.report().detail.clone().unwrap_or_default()
            ),
        }
    }

    #[test]
    fn shapes_print_as_postgres() {
        assert_eq!(round_trip("{{1,2},{3,4}}"), "{{1,2},{3,4}}");
        assert_eq!(round_trip("[0:1]={1,2}"), "[0:1]={1,2}");
        assert_eq!(
            round_trip("[1:2][2:3]={{1,2},{3,4}}"),
            "[1:2][2:3]={{1,2},{3,4}}"
        );
        assert_eq!(round_trip(" { { 1 } , { NULL } } "), "{{1},{NULL}}");
        assert_eq!(round_trip("{{{1}}}"), "{{{1}}}");
        assert_eq!(round_trip("{}"), "{}");
        assert!(round_trip("{{},{}}").contains("Unexpected \"}\" character"));
    }

    #[test]
    fn malformed_literals_say_why() {
        assert!(round_trip("{{1,2},{3}}").contains("sub-arrays with matching dimensions"));
        assert!(round_trip("[1:2]={1}").contains("do not match"));
        assert!(round_trip("{1}}").contains("Junk after closing right brace"));
        assert!(round_trip("{{{{{{{1}}}}}}}").contains("exceeds the maximum allowed (6)"));
        assert!(round_trip("[2:1]={1}").contains("upper bound cannot be less"));
        assert!(round_trip("{1,{2}}").contains("Unexpected \"{\" character"));
    }
}
