//! Range values (int4range, int8range, numrange, daterange, tsrange,
//! tstzrange) as PostgreSQL's rangetypes.c keeps them: bounds that may
//! be infinite, each inclusive or not; discrete ranges (integers, dates)
//! canonical as `[lower, upper)`; an empty range has no bounds.

use std::cmp::Ordering;

use super::{OutputStyle, Value};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;

/// A range value.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeValue {
    /// No points at all.
    pub empty: bool,
    /// The lower bound (None: unbounded).
    pub lower: Option<Value>,
    /// The upper bound (None: unbounded).
    pub upper: Option<Value>,
    /// The lower bound is in the range.
    pub lower_inc: bool,
    /// The upper bound is in the range.
    pub upper_inc: bool,
}

/// One bound, for comparisons (PostgreSQL's RangeBound).
#[derive(Clone, Copy)]
pub struct Bound<'a> {
    val: Option<&'a Value>,
    inclusive: bool,
    lower: bool,
}

impl Bound<'_> {
    /// The same point as the other kind of bound: a lower bound `[x` as
    /// the upper bound `x)` just before it, and back.
    pub(super) fn flipped(self) -> Self {
        Bound {
            val: self.val,
            inclusive: !self.inclusive,
            lower: !self.lower,
        }
    }
}

/// PostgreSQL's bounds_adjacent for canonical ranges: an upper and a
/// lower bound at the same value, exactly one of them inclusive.
pub(super) fn bounds_adjacent(upper: Bound<'_>, lower: Bound<'_>) -> bool {
    match (upper.val, lower.val) {
        (Some(u), Some(l)) => {
            u.compare(l) == Some(Ordering::Equal) && upper.inclusive != lower.inclusive
        }
        _ => false,
    }
}

/// PostgreSQL's range_cmp_bounds.
pub(super) fn cmp_bounds(a: Bound<'_>, b: Bound<'_>) -> Ordering {
    match (a.val, b.val) {
        (None, None) => {
            if a.lower == b.lower {
                Ordering::Equal
            } else if a.lower {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (None, _) => {
            if a.lower {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (_, None) => {
            if b.lower {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Some(x), Some(y)) => {
            let r = x.compare(y).unwrap_or(Ordering::Equal);
            if r != Ordering::Equal {
                return r;
            }
            if !a.inclusive && !b.inclusive {
                if a.lower == b.lower {
                    Ordering::Equal
                } else if a.lower {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            } else if !a.inclusive {
                if a.lower {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            } else if !b.inclusive {
                if b.lower {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            } else {
                Ordering::Equal
            }
        }
    }
}

fn data_exception(msg: &str) -> SqlError {
    SqlError::new(SqlState::DATA_EXCEPTION, msg)
}

/// The next value of a discrete element type.
fn successor(v: &Value) -> Result<Value> {
    let overflow = |what: &str| {
        SqlError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("{what} out of range"),
        )
    };
    Ok(match v {
        Value::Int4(i) => Value::Int4(i.checked_add(1).ok_or_else(|| overflow("integer"))?),
        Value::Int8(i) => Value::Int8(i.checked_add(1).ok_or_else(|| overflow("bigint"))?),
        Value::Date(d) if *d != i32::MAX && *d != i32::MIN => Value::Date(d + 1),
        other => other.clone(),
    })
}

impl RangeValue {
    /// The empty range.
    pub fn empty() -> RangeValue {
        RangeValue {
            empty: true,
            lower: None,
            upper: None,
            lower_inc: false,
            upper_inc: false,
        }
    }

    /// A range of `elem` from its bounds (make_range): checked (22000
    /// when lower > upper), canonical for discrete types, empty when it
    /// holds no point.
    pub fn make(
        elem: DataType,
        lower: Option<Value>,
        upper: Option<Value>,
        lower_inc: bool,
        upper_inc: bool,
    ) -> Result<RangeValue> {
        let mut r = RangeValue {
            empty: false,
            lower_inc: lower_inc && lower.is_some(),
            upper_inc: upper_inc && upper.is_some(),
            lower,
            upper,
        };
        if let (Some(l), Some(u)) = (&r.lower, &r.upper) {
            match l.compare(u) {
                Some(Ordering::Greater) => {
                    return Err(data_exception(
                        "range lower bound must be less than or equal to range upper bound",
                    ))
                }
                Some(Ordering::Equal) if !(r.lower_inc && r.upper_inc) => {
                    return Ok(RangeValue::empty())
                }
                _ => {}
            }
        }
        if matches!(elem, DataType::Int4 | DataType::Int8 | DataType::Date) {
            // daterange_canonical leaves infinite dates as they are.
            let finite = |v: &Value| !matches!(v, Value::Date(i32::MIN | i32::MAX));
            if let Some(l) = r.lower.as_ref().filter(|l| finite(l)) {
                if !r.lower_inc {
                    r.lower = Some(successor(l)?);
                    r.lower_inc = true;
                }
            }
            if let Some(u) = r.upper.as_ref().filter(|u| finite(u)) {
                if r.upper_inc {
                    r.upper = Some(successor(u)?);
                    r.upper_inc = false;
                }
            }
            if let (Some(l), Some(u)) = (&r.lower, &r.upper) {
                if l.compare(u) != Some(Ordering::Less) {
                    return Ok(RangeValue::empty());
                }
            }
        }
        Ok(r)
    }

    pub(super) fn lower_bound(&self) -> Bound<'_> {
        Bound {
            val: self.lower.as_ref(),
            inclusive: self.lower_inc,
            lower: true,
        }
    }

    pub(super) fn upper_bound(&self) -> Bound<'_> {
        Bound {
            val: self.upper.as_ref(),
            inclusive: self.upper_inc,
            lower: false,
        }
    }

    /// The range order (range_cmp): empty first, then by lower bound,
    /// then by upper bound.
    pub fn range_cmp(&self, other: &RangeValue) -> Ordering {
        match (self.empty, other.empty) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => cmp_bounds(self.lower_bound(), other.lower_bound())
                .then_with(|| cmp_bounds(self.upper_bound(), other.upper_bound())),
        }
    }

    /// `r @> element`.
    pub fn contains_elem(&self, v: &Value) -> bool {
        if self.empty {
            return false;
        }
        let lower_ok = match &self.lower {
            None => true,
            Some(l) => match l.compare(v) {
                Some(Ordering::Less) => true,
                Some(Ordering::Equal) => self.lower_inc,
                _ => false,
            },
        };
        let upper_ok = match &self.upper {
            None => true,
            Some(u) => match u.compare(v) {
                Some(Ordering::Greater) => true,
                Some(Ordering::Equal) => self.upper_inc,
                _ => false,
            },
        };
        lower_ok && upper_ok
    }

    /// `a @> b`.
    pub fn contains(&self, b: &RangeValue) -> bool {
        if b.empty {
            return true;
        }
        if self.empty {
            return false;
        }
        cmp_bounds(self.lower_bound(), b.lower_bound()) != Ordering::Greater
            && cmp_bounds(self.upper_bound(), b.upper_bound()) != Ordering::Less
    }

    /// `a && b`.
    pub fn overlaps(&self, b: &RangeValue) -> bool {
        if self.empty || b.empty {
            return false;
        }
        (cmp_bounds(self.lower_bound(), b.lower_bound()) != Ordering::Less
            && cmp_bounds(self.lower_bound(), b.upper_bound()) != Ordering::Greater)
            || (cmp_bounds(b.lower_bound(), self.lower_bound()) != Ordering::Less
                && cmp_bounds(b.lower_bound(), self.upper_bound()) != Ordering::Greater)
    }

    /// `a << b`.
    pub fn before(&self, b: &RangeValue) -> bool {
        !self.empty && !b.empty && cmp_bounds(self.upper_bound(), b.lower_bound()) == Ordering::Less
    }

    /// `a >> b`.
    pub fn after(&self, b: &RangeValue) -> bool {
        !self.empty
            && !b.empty
            && cmp_bounds(self.lower_bound(), b.upper_bound()) == Ordering::Greater
    }

    /// `a &< b`.
    pub fn overleft(&self, b: &RangeValue) -> bool {
        !self.empty
            && !b.empty
            && cmp_bounds(self.upper_bound(), b.upper_bound()) != Ordering::Greater
    }

    /// `a &> b`.
    pub fn overright(&self, b: &RangeValue) -> bool {
        !self.empty && !b.empty && cmp_bounds(self.lower_bound(), b.lower_bound()) != Ordering::Less
    }

    /// `a -|- b`.
    pub fn adjacent(&self, b: &RangeValue) -> bool {
        if self.empty || b.empty {
            return false;
        }
        bounds_adjacent(self.upper_bound(), b.lower_bound())
            || bounds_adjacent(b.upper_bound(), self.lower_bound())
    }

    /// The range between two bounds of canonical ranges (which needs no
    /// canonicalizing: a discrete range's bounds stay `[` and `)`, also
    /// flipped).
    pub(super) fn from_bounds(lower: Bound<'_>, upper: Bound<'_>) -> Result<RangeValue> {
        RangeValue::make(
            DataType::Text,
            lower.val.cloned(),
            upper.val.cloned(),
            lower.inclusive,
            upper.inclusive,
        )
    }

    /// `a + b` (range_union; `strict`: 22000 when they neither overlap
    /// nor touch, else range_merge's covering range).
    pub fn union(&self, b: &RangeValue, strict: bool) -> Result<RangeValue> {
        if self.empty {
            return Ok(b.clone());
        }
        if b.empty {
            return Ok(self.clone());
        }
        if strict && !self.overlaps(b) && !self.adjacent(b) {
            return Err(data_exception(
                "result of range union would not be contiguous",
            ));
        }
        let lower = if cmp_bounds(self.lower_bound(), b.lower_bound()) == Ordering::Less {
            self.lower_bound()
        } else {
            b.lower_bound()
        };
        let upper = if cmp_bounds(self.upper_bound(), b.upper_bound()) == Ordering::Greater {
            self.upper_bound()
        } else {
            b.upper_bound()
        };
        RangeValue::from_bounds(lower, upper)
    }

    /// `a * b`.
    pub fn intersect(&self, b: &RangeValue) -> Result<RangeValue> {
        if self.empty || b.empty || !self.overlaps(b) {
            return Ok(RangeValue::empty());
        }
        let lower = if cmp_bounds(self.lower_bound(), b.lower_bound()) == Ordering::Greater {
            self.lower_bound()
        } else {
            b.lower_bound()
        };
        let upper = if cmp_bounds(self.upper_bound(), b.upper_bound()) == Ordering::Less {
            self.upper_bound()
        } else {
            b.upper_bound()
        };
        RangeValue::from_bounds(lower, upper)
    }

    /// `a - b` (range_minus).
    pub fn minus(&self, b: &RangeValue) -> Result<RangeValue> {
        if self.empty || b.empty {
            return Ok(self.clone());
        }
        let (l1, u1, l2, u2) = (
            self.lower_bound(),
            self.upper_bound(),
            b.lower_bound(),
            b.upper_bound(),
        );
        let l1l2 = cmp_bounds(l1, l2);
        let l1u2 = cmp_bounds(l1, u2);
        let u1l2 = cmp_bounds(u1, l2);
        let u1u2 = cmp_bounds(u1, u2);
        if l1l2 == Ordering::Less && u1u2 == Ordering::Greater {
            return Err(data_exception(
                "result of range difference would not be contiguous",
            ));
        }
        if l1u2 == Ordering::Greater || u1l2 == Ordering::Less {
            return Ok(self.clone());
        }
        if l1l2 != Ordering::Less && u1u2 != Ordering::Greater {
            return Ok(RangeValue::empty());
        }
        if l1l2 != Ordering::Greater && u1l2 != Ordering::Less && u1u2 != Ordering::Greater {
            let upper = Bound {
                val: l2.val,
                inclusive: !l2.inclusive,
                lower: false,
            };
            return RangeValue::from_bounds(l1, upper);
        }
        if l1l2 != Ordering::Less && u1u2 != Ordering::Less && l1u2 != Ordering::Greater {
            let lower = Bound {
                val: u2.val,
                inclusive: !u2.inclusive,
                lower: true,
            };
            return RangeValue::from_bounds(lower, u1);
        }
        Err(SqlError::internal("unexpected case in range_minus"))
    }

    /// Its flags, then each bound as a marker byte (0: unbounded) and the
    /// value as `value` writes it: the form of equality keys and spill
    /// files.
    pub fn encode(&self, out: &mut Vec<u8>, value: &mut dyn FnMut(&Value, &mut Vec<u8>)) {
        out.extend([
            u8::from(self.empty),
            u8::from(self.lower_inc),
            u8::from(self.upper_inc),
        ]);
        for b in [&self.lower, &self.upper] {
            match b {
                None => out.push(0),
                Some(v) => {
                    out.push(1);
                    value(v, out);
                }
            }
        }
    }

    /// The text form (range_out): `empty`, or the bounds with brackets,
    /// values quoted where they hold special characters.
    pub fn write_text(&self, style: &OutputStyle, out: &mut String) {
        if self.empty {
            out.push_str("empty");
            return;
        }
        out.push(if self.lower_inc { '[' } else { '(' });
        if let Some(l) = &self.lower {
            write_bound(l, style, out);
        }
        out.push(',');
        if let Some(u) = &self.upper {
            write_bound(u, style, out);
        }
        out.push(if self.upper_inc { ']' } else { ')' });
    }

    /// Reads range text (range_in) of range type `range_ty`.
    pub fn parse(text: &str, range_ty: DataType, style: &OutputStyle) -> Result<RangeValue> {
        let elem = element(range_ty);
        let malformed = |detail: &str| {
            SqlError::new(
                SqlState::INVALID_TEXT_REPRESENTATION,
                format!("malformed range literal: \"{text}\""),
            )
            .with_detail(detail.to_owned())
        };
        let s = text.trim_matches(|c: char| c.is_ascii_whitespace());
        if s.eq_ignore_ascii_case("empty") {
            return Ok(RangeValue::empty());
        }
        let mut chars = s.chars().peekable();
        let lower_inc = match chars.next() {
            Some('[') => true,
            Some('(') => false,
            _ => return Err(malformed("Missing left parenthesis or bracket.")),
        };
        // One bound: None when empty (infinite); quotes and backslashes.
        let mut bound = |stops: &[char]| -> Result<(Option<String>, Option<char>)> {
            let mut v = String::new();
            let mut any = false;
            let mut quoted = false;
            loop {
                let Some(c) = chars.next() else {
                    return Err(malformed("Unexpected end of input."));
                };
                if !quoted && stops.contains(&c) {
                    return Ok((if any { Some(v) } else { None }, Some(c)));
                }
                any = true;
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        v.push('"');
                    }
                    '"' => quoted = !quoted,
                    '\\' => match chars.next() {
                        Some(n) => v.push(n),
                        None => return Err(malformed("Unexpected end of input.")),
                    },
                    c => v.push(c),
                }
            }
        };
        let (lower, stop) = bound(&[',', ')', ']'])?;
        if stop != Some(',') {
            return Err(malformed("Missing comma after lower bound."));
        }
        let (upper, stop) = bound(&[',', ')', ']'])?;
        let upper_inc = match stop {
            Some(']') => true,
            Some(')') => false,
            _ => return Err(malformed("Too many commas.")),
        };
        if chars.any(|c| !c.is_ascii_whitespace()) {
            return Err(malformed("Junk after right parenthesis or bracket."));
        }
        let read = |t: Option<String>| -> Result<Option<Value>> {
            t.map(|t| crate::cast::parse_text(&t, elem.base(), style))
                .transpose()
        };
        RangeValue::make(
            canonical_as(range_ty),
            read(lower)?,
            read(upper)?,
            lower_inc,
            upper_inc,
        )
    }
}

/// A bound's text, quoted as range_bound_escape does when needed.
fn write_bound(v: &Value, style: &OutputStyle, out: &mut String) {
    let mut s = String::new();
    v.write_text(style, &mut s);
    let needs = s.is_empty()
        || s.chars().any(|c| {
            matches!(c, '"' | '\\' | '(' | ')' | '[' | ']' | ',') || c.is_ascii_whitespace()
        });
    if !needs {
        out.push_str(&s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('"');
}

/// The element type of range type `t`.
pub fn element(t: DataType) -> DataType {
    match t {
        DataType::Range(e) => *e,
        DataType::UserRange(oid) => crate::usertype::range_subtype(oid),
        other => other,
    }
}

/// The type [`RangeValue::make`] canonicalizes values of range type `t`
/// as: its element for the built-in ranges, none (text) for a user
/// range type, which has no canonical function.
pub fn canonical_as(t: DataType) -> DataType {
    match t {
        DataType::Range(e) => *e,
        _ => DataType::Text,
    }
}
