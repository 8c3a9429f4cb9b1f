//! Multirange values (int4multirange ... tstzmultirange and the
//! multirange of every user range type) as PostgreSQL's
//! multirangetypes.c keeps them: a list of non-empty ranges, sorted,
//! none overlapping or touching another (multirange_canonicalize), so
//! that equal multiranges have one form.

use std::cmp::Ordering;

use super::range::{bounds_adjacent, cmp_bounds, Bound, RangeValue};
use super::{OutputStyle, Value};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType;

/// A multirange value: canonical ranges in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Multirange {
    ranges: Vec<RangeValue>,
}

impl Multirange {
    /// The multirange of `ranges` (canonical ranges): sorted,
    /// empty ranges dropped, overlapping and adjacent ones merged.
    pub fn new(mut ranges: Vec<RangeValue>) -> Result<Multirange> {
        ranges.retain(|r| !r.empty);
        ranges.sort_by(RangeValue::range_cmp);
        let mut out: Vec<RangeValue> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match out.last_mut() {
                Some(last) if !last.before(&r) || last.adjacent(&r) => {
                    *last = last.union(&r, false)?;
                }
                _ => out.push(r),
            }
        }
        Ok(Multirange { ranges: out })
    }

    /// A multirange of ranges already in canonical form (as one wrote
    /// them out).
    pub fn from_canonical(ranges: Vec<RangeValue>) -> Multirange {
        Multirange { ranges }
    }

    /// The empty multirange.
    pub fn empty() -> Multirange {
        Multirange { ranges: Vec::new() }
    }

    /// Its ranges, in order.
    pub fn ranges(&self) -> &[RangeValue] {
        &self.ranges
    }

    /// No ranges.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    fn first_lower(&self) -> Option<Bound<'_>> {
        self.ranges.first().map(RangeValue::lower_bound)
    }

    fn last_upper(&self) -> Option<Bound<'_>> {
        self.ranges.last().map(RangeValue::upper_bound)
    }

    /// The smallest range holding all of it (range_merge; empty for an
    /// empty multirange).
    pub fn span(&self) -> Result<RangeValue> {
        match (self.first_lower(), self.last_upper()) {
            (Some(l), Some(u)) => RangeValue::from_bounds(l, u),
            _ => Ok(RangeValue::empty()),
        }
    }

    /// multirange_cmp: range by range, bounds first to last; a multirange
    /// that is a prefix of another sorts first.
    pub fn multirange_cmp(&self, other: &Multirange) -> Ordering {
        for (a, b) in self.ranges.iter().zip(&other.ranges) {
            let o = cmp_bounds(a.lower_bound(), b.lower_bound())
                .then_with(|| cmp_bounds(a.upper_bound(), b.upper_bound()));
            if o != Ordering::Equal {
                return o;
            }
        }
        self.ranges.len().cmp(&other.ranges.len())
    }

    /// `mr @> element`.
    pub fn contains_elem(&self, v: &Value) -> bool {
        self.ranges.iter().any(|r| r.contains_elem(v))
    }

    /// `mr @> range`.
    pub fn contains_range(&self, r: &RangeValue) -> bool {
        r.empty || self.ranges.iter().any(|m| m.contains(r))
    }

    /// `range @> mr`: the range holds the multirange's span.
    pub fn contained_by_range(&self, r: &RangeValue) -> bool {
        match (self.first_lower(), self.last_upper()) {
            (Some(l), Some(u)) => {
                !r.empty
                    && cmp_bounds(r.lower_bound(), l) != Ordering::Greater
                    && cmp_bounds(r.upper_bound(), u) != Ordering::Less
            }
            _ => true,
        }
    }

    /// `mr1 @> mr2`.
    pub fn contains(&self, other: &Multirange) -> bool {
        other.ranges.iter().all(|r| self.contains_range(r))
    }

    /// `mr && range`.
    pub fn overlaps_range(&self, r: &RangeValue) -> bool {
        self.ranges.iter().any(|m| m.overlaps(r))
    }

    /// `mr1 && mr2`.
    pub fn overlaps(&self, other: &Multirange) -> bool {
        other.ranges.iter().any(|r| self.overlaps_range(r))
    }

    /// The bounds of a range, or of a multirange's span: (lower of the
    /// first, upper of the last); None when empty.
    fn ends(&self) -> Option<(Bound<'_>, Bound<'_>)> {
        Some((self.first_lower()?, self.last_upper()?))
    }

    /// `a << b`, `a >> b`, `a &< b`, `a &> b` and `a -|- b` between
    /// multiranges and ranges, from the outer bounds (false when either
    /// side is empty), as multirangetypes.c compares them.
    pub fn position(a: Side<'_>, b: Side<'_>, test: Position) -> bool {
        let (Some((al, au)), Some((bl, bu))) = (a.ends(), b.ends()) else {
            return false;
        };
        match test {
            Position::Before => cmp_bounds(au, bl) == Ordering::Less,
            Position::After => cmp_bounds(al, bu) == Ordering::Greater,
            Position::OverLeft => cmp_bounds(au, bu) != Ordering::Greater,
            Position::OverRight => cmp_bounds(al, bl) != Ordering::Less,
            Position::Adjacent => bounds_adjacent(au, bl) || bounds_adjacent(bu, al),
        }
    }

    /// `mr1 + mr2`.
    pub fn union(&self, other: &Multirange) -> Result<Multirange> {
        let all = self.ranges.iter().chain(&other.ranges).cloned().collect();
        Multirange::new(all)
    }

    /// `mr1 * mr2`: every overlap of a range of one with a range of the
    /// other.
    pub fn intersect(&self, other: &Multirange) -> Result<Multirange> {
        let mut out = Vec::new();
        for a in &self.ranges {
            for b in &other.ranges {
                if b.after(a) {
                    break;
                }
                if a.overlaps(b) {
                    out.push(a.intersect(b)?);
                }
            }
        }
        Multirange::new(out)
    }

    /// `mr1 - mr2`: each range of the first less every range of the
    /// second, a range cut in two where one falls inside it.
    pub fn minus(&self, other: &Multirange) -> Result<Multirange> {
        let mut out = Vec::new();
        for a in &self.ranges {
            let mut rest = a.clone();
            for b in &other.ranges {
                if rest.empty || b.after(&rest) {
                    break;
                }
                if !rest.overlaps(b) {
                    continue;
                }
                let inside = cmp_bounds(rest.lower_bound(), b.lower_bound()) == Ordering::Less
                    && cmp_bounds(rest.upper_bound(), b.upper_bound()) == Ordering::Greater;
                if inside {
                    let left =
                        RangeValue::from_bounds(rest.lower_bound(), b.lower_bound().flipped())?;
                    out.push(left);
                    rest = RangeValue::from_bounds(b.upper_bound().flipped(), rest.upper_bound())?;
                } else {
                    rest = rest.minus(b)?;
                }
            }
            out.push(rest);
        }
        Multirange::new(out)
    }

    /// Each range as `range` writes it: the form of equality keys and
    /// spill files.
    pub fn encode(&self, out: &mut Vec<u8>, value: &mut dyn FnMut(&Value, &mut Vec<u8>)) {
        out.extend((self.ranges.len() as u32).to_le_bytes());
        for r in &self.ranges {
            r.encode(out, value);
        }
    }

    /// The text form (multirange_out): `{range,range}`.
    pub fn write_text(&self, style: &OutputStyle, out: &mut String) {
        out.push('{');
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            r.write_text(style, out);
        }
        out.push('}');
    }

    /// Reads multirange text (multirange_in) whose ranges are of range
    /// type `range_ty`: `{` ranges or `empty` separated by commas `}`.
    pub fn parse(text: &str, range_ty: DataType, style: &OutputStyle) -> Result<Multirange> {
        let malformed = |detail: &str| {
            SqlError::new(
                SqlState::INVALID_TEXT_REPRESENTATION,
                format!("malformed multirange literal: \"{text}\""),
            )
            .with_detail(detail.to_owned())
        };
        let s = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let Some(body) = s.strip_prefix('{') else {
            return Err(malformed("Missing left brace."));
        };
        let bytes = body.as_bytes();
        let mut ranges = Vec::new();
        let mut seen = 0usize;
        let mut i = 0;
        // Before a range (true) or after one (false).
        let mut before = true;
        loop {
            let Some(&c) = bytes.get(i) else {
                return Err(malformed("Unexpected end of input."));
            };
            if c.is_ascii_whitespace() {
                i += 1;
                continue;
            }
            if before {
                if c == b'[' || c == b'(' {
                    let start = i;
                    i = range_end(bytes, i).ok_or_else(|| malformed("Unexpected end of input."))?;
                    let r = RangeValue::parse(&body[start..=i], range_ty, style)?;
                    if !r.empty {
                        ranges.push(r);
                    }
                    seen += 1;
                    before = false;
                } else if c == b'}' && seen == 0 {
                    i += 1;
                    break;
                } else if bytes.len() >= i + 5 && bytes[i..i + 5].eq_ignore_ascii_case(b"empty") {
                    seen += 1;
                    i += 4;
                    before = false;
                } else {
                    return Err(malformed("Expected range start."));
                }
            } else if c == b',' {
                before = true;
            } else if c == b'}' {
                i += 1;
                break;
            } else {
                return Err(malformed("Expected comma or end of multirange."));
            }
            i += 1;
        }
        if body[i..].chars().any(|c| !c.is_ascii_whitespace()) {
            return Err(malformed("Junk after closing right brace."));
        }
        Multirange::new(ranges)
    }
}

/// The index of the `]` or `)` that ends the range starting at `start`,
/// past quoted and escaped characters.
fn range_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut quoted = false;
    let mut i = start + 1;
    loop {
        let c = *bytes.get(i)?;
        match c {
            b'\\' => i += 1,
            b'"' if quoted && bytes.get(i + 1) == Some(&b'"') => i += 1,
            b'"' => quoted = !quoted,
            b']' | b')' if !quoted => return Some(i),
            _ => {}
        }
        i += 1;
    }
}

/// One side of a position test: a range or a multirange.
#[derive(Clone, Copy)]
pub enum Side<'a> {
    /// A range.
    Range(&'a RangeValue),
    /// A multirange.
    Multi(&'a Multirange),
}

impl Side<'_> {
    fn ends(&self) -> Option<(Bound<'_>, Bound<'_>)> {
        match self {
            Side::Range(r) if r.empty => None,
            Side::Range(r) => Some((r.lower_bound(), r.upper_bound())),
            Side::Multi(m) => m.ends(),
        }
    }
}

/// The position operators.
#[derive(Clone, Copy)]
pub enum Position {
    /// `<<`: strictly left of.
    Before,
    /// `>>`: strictly right of.
    After,
    /// `&<`: does not extend to the right of.
    OverLeft,
    /// `&>`: does not extend to the left of.
    OverRight,
    /// `-|-`: touching.
    Adjacent,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mr(text: &str) -> Result<Multirange> {
        Multirange::parse(
            text,
            DataType::Range(&DataType::Int4),
            &OutputStyle::default(),
        )
    }

    fn show(m: &Multirange) -> String {
        let mut s = String::new();
        m.write_text(&OutputStyle::default(), &mut s);
        s
    }

    #[test]
    fn canonical_form_merges_and_sorts() {
        let m = mr(" { [5,7), empty, [1,3), [3,4] } ").unwrap();
        assert_eq!(show(&m), "{[1,7)}");
        let m = mr("{[1,2), [4,5)}").unwrap();
        assert_eq!(show(&m), "{[1,2),[4,5)}");
        assert_eq!(show(&mr("{}").unwrap()), "{}");
        assert!(mr("{[1,2),}").is_err());
        assert!(mr("{[1,2)} x").is_err());
        assert!(mr("[1,2)").is_err());
    }

    #[test]
    fn minus_cuts_holes() {
        let a = mr("{[1,10)}").unwrap();
        let b = mr("{[2,3),[5,6)}").unwrap();
        assert_eq!(show(&a.minus(&b).unwrap()), "{[1,2),[3,5),[6,10)}");
        assert_eq!(show(&a.intersect(&b).unwrap()), "{[2,3),[5,6)}");
    }
}
