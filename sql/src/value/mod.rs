//! Runtime values and their text forms.
//!
//! A [`Value`] is a datum whose SQL type is known from the plan; the same
//! `Text` variant serves text, varchar, bpchar, name and unknown. Output
//! (PostgreSQL's typoutput functions) depends on session settings, carried
//! by [`OutputStyle`].

pub mod array;
pub mod binary;
pub mod bits;
pub(crate) mod datetime;
pub(crate) mod datetime_in;
mod float;
pub mod geo;
pub mod inet;
pub mod interval_in;
pub mod mac;
pub mod money;
pub mod multirange;
mod numeric;
mod numeric_fn;
pub mod range;
pub mod snapshot;
pub mod tsearch;
pub mod tznames;

use std::cmp::Ordering;

pub use bits::Bits;
pub use datetime::{
    date2j, format_date, format_interval, format_rfc3339, format_time, format_timestamp,
    format_timestamptz, j2date, now_micros, valid_date, DateOrder, DateOut, DateStyle, Interval,
    IntervalOut, Zone, POSTGRES_EPOCH_JDATE, USECS_PER_DAY,
};
pub use float::{format_f32, format_f64, parse_f64};
pub use inet::Inet;
pub use numeric::Numeric;
pub use snapshot::XidSnapshot;

/// C's strtoull at `s[*i]` in `base` 10, or 0 (`0x` hex, a leading `0`
/// octal, else decimal), as PostgreSQL's input functions call it: blanks
/// and a sign first, then digits up to the first other character (`*i`
/// left there). Without digits 0, and `*i` unmoved; past 64 bits the
/// largest value; negated by '-' modulo 2^64.
pub fn strtou64(s: &[u8], i: &mut usize, base: u32) -> u64 {
    let start = *i;
    let mut j = *i;
    while s.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    let negative = s.get(j) == Some(&b'-');
    if matches!(s.get(j), Some(b'-' | b'+')) {
        j += 1;
    }
    let radix = match base {
        0 if s.get(j) == Some(&b'0')
            && s.get(j + 1).is_some_and(|c| c | 0x20 == b'x')
            && s.get(j + 2).is_some_and(u8::is_ascii_hexdigit) =>
        {
            j += 2;
            16
        }
        0 if s.get(j) == Some(&b'0') => 8,
        0 => 10,
        b => b,
    };
    let digits = j;
    let mut v: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(j).and_then(|c| (*c as char).to_digit(radix)) {
        match v
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(n) => v = n,
            None => overflow = true,
        }
        j += 1;
    }
    if j == digits {
        *i = start;
        return 0;
    }
    *i = j;
    if overflow {
        u64::MAX
    } else if negative {
        v.wrapping_neg()
    } else {
        v
    }
}

/// One SQL value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// SQL NULL.
    #[default]
    Null,
    /// boolean.
    Bool(bool),
    /// smallint.
    Int2(i16),
    /// integer.
    Int4(i32),
    /// bigint.
    Int8(i64),
    /// real.
    Float4(f32),
    /// double precision.
    Float8(f64),
    /// numeric.
    Numeric(Numeric),
    /// text, varchar, bpchar, name, unknown.
    Text(String),
    /// bytea.
    Bytea(Vec<u8>),
    /// date: days since 2000-01-01.
    Date(i32),
    /// time: microseconds since midnight.
    Time(i64),
    /// time with time zone: microseconds since midnight, and the zone's
    /// UTC offset in seconds west of Greenwich (PostgreSQL's TimeTzADT).
    TimeTz(i64, i32),
    /// timestamp: microseconds since 2000-01-01 00:00.
    Timestamp(i64),
    /// timestamptz: microseconds since 2000-01-01 00:00 UTC.
    TimestampTz(i64),
    /// interval.
    Interval(Interval),
    /// uuid.
    Uuid([u8; 16]),
    /// money, in cents.
    Money(i64),
    /// inet.
    Inet(Inet),
    /// cidr (no bits set right of the mask).
    Cidr(Inet),
    /// macaddr.
    MacAddr([u8; 6]),
    /// macaddr8.
    MacAddr8([u8; 8]),
    /// bit(n) and bit varying(n).
    Bits(std::sync::Arc<Bits>),
    /// pg_lsn: a WAL position.
    Lsn(u64),
    /// pg_snapshot and txid_snapshot.
    Snapshot(std::sync::Arc<XidSnapshot>),
    /// oid, regclass, regproc.
    Oid(u32),
    /// regtype: prints as the type's name.
    Regtype(u32),
    /// regclass, regproc, regnamespace, regrole ... read from the catalog:
    /// the OID with the name it prints as (quoted and qualified as
    /// PostgreSQL's output functions do).
    Named(u32, std::sync::Arc<str>),
    /// The result of a function returning void.
    Void,
    /// A one-dimensional array (its element type is the plan's); NULL
    /// elements allowed.
    Array(ArrayRef),
    /// A value of an enum type: its pg_enum row.
    Enum(std::sync::Arc<EnumLabel>),
    /// A row value (ROW(...), a whole-row reference): its fields, with
    /// their names, in an [`ArrayRef`] made by [`ArrayRef::record`].
    Record(ArrayRef),
    /// A range value.
    Range(std::sync::Arc<range::RangeValue>),
    /// A multirange value.
    Multirange(std::sync::Arc<multirange::Multirange>),
    /// A value of a geometric type (point, lseg, line, box, path,
    /// polygon, circle).
    Geo(std::sync::Arc<geo::Geo>),
    /// A tsvector.
    TsVector(std::sync::Arc<tsearch::TsVector>),
    /// A tsquery.
    TsQuery(std::sync::Arc<tsearch::TsQuery>),
}

/// One label of an enum type (a pg_enum row). Values order by
/// `sort` (enumsortorder), print as `label`, and are stored as `oid`.
#[derive(Debug, PartialEq)]
pub struct EnumLabel {
    /// pg_enum.oid.
    pub oid: u32,
    /// pg_enum.enumtypid.
    pub type_oid: u32,
    /// pg_enum.enumsortorder.
    pub sort: f32,
    /// pg_enum.enumlabel.
    pub label: String,
}

/// An array's elements behind a type-erased shared pointer. Holding
/// `Vec<Value>` directly would make `Value` a recursive type, whose drop
/// glue the compiler no longer inlines: every row's values would pay a
/// call to drop (a third slower scans). Cloning shares the elements.
#[derive(Clone)]
pub struct ArrayRef(std::sync::Arc<dyn std::any::Any + Send + Sync>);

impl ArrayRef {
    /// An array of `items`.
    pub fn new(items: Vec<Value>) -> ArrayRef {
        ArrayRef(std::sync::Arc::new(items))
    }

    /// An int2vector or oidvector: prints space-separated, subscripts
    /// from 0.
    pub fn vector(items: Vec<Value>) -> ArrayRef {
        ArrayRef(std::sync::Arc::new(Vector(items)))
    }

    /// A row value's fields and their names.
    pub fn record(names: std::sync::Arc<[String]>, values: Vec<Value>) -> ArrayRef {
        ArrayRef(std::sync::Arc::new(RecordData { names, values }))
    }

    /// The field names of a row value (None for an array).
    pub fn field_names(&self) -> Option<&[String]> {
        self.0.downcast_ref::<RecordData>().map(|r| &*r.names)
    }

    /// The elements (a row value's fields).
    pub fn items(&self) -> &[Value] {
        if let Some(v) = self.0.downcast_ref::<Vec<Value>>() {
            return v;
        }
        if let Some(v) = self.0.downcast_ref::<Vector>() {
            return &v.0;
        }
        if let Some(v) = self.0.downcast_ref::<array::Shaped>() {
            return &v.items;
        }
        self.0
            .downcast_ref::<RecordData>()
            .map_or(&[], |r| r.values.as_slice())
    }

    /// True for an int2vector or oidvector.
    pub fn is_vector(&self) -> bool {
        self.0.is::<Vector>()
    }

    /// Appends an element (copying the elements first if shared).
    pub fn push(&mut self, v: Value) {
        if let Some(items) =
            std::sync::Arc::get_mut(&mut self.0).and_then(|a| a.downcast_mut::<Vec<Value>>())
        {
            items.push(v);
            return;
        }
        let mut items = self.items().to_vec();
        items.push(v);
        *self = ArrayRef::new(items);
    }
}

/// The elements of an int2vector or oidvector.
struct Vector(Vec<Value>);

/// A row value's fields.
struct RecordData {
    names: std::sync::Arc<[String]>,
    values: Vec<Value>,
}

impl std::fmt::Debug for ArrayRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.items()).finish()
    }
}

impl PartialEq for ArrayRef {
    fn eq(&self, other: &ArrayRef) -> bool {
        self.items() == other.items()
            && (self.is_shaped() == other.is_shaped())
            && (!self.is_shaped() || self.dims() == other.dims())
    }
}

/// Session settings that change how values print.
#[derive(Debug, Clone)]
pub struct OutputStyle {
    /// extra_float_digits.
    pub extra_float_digits: i32,
    /// TimeZone.
    pub zone: Zone,
    /// bytea_output = hex (true) or escape.
    pub bytea_hex: bool,
    /// DateStyle.
    pub date: DateStyle,
    /// IntervalStyle.
    pub interval: IntervalOut,
}

impl Default for OutputStyle {
    fn default() -> Self {
        OutputStyle {
            extra_float_digits: 1,
            zone: Zone::utc(),
            bytea_hex: true,
            date: DateStyle::default(),
            interval: IntervalOut::default(),
        }
    }
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Appends the text form (typoutput); NULL appends nothing, callers
    /// send NULL separately.
    pub fn write_text(&self, style: &OutputStyle, out: &mut String) {
        use std::fmt::Write;
        match self {
            Value::Null | Value::Void => {}
            Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            // itoa: the same digits as Display, without the formatting
            // machinery (a third of the time of sending integer columns).
            Value::Int2(v) => out.push_str(itoa::Buffer::new().format(*v)),
            Value::Int4(v) => out.push_str(itoa::Buffer::new().format(*v)),
            Value::Int8(v) => out.push_str(itoa::Buffer::new().format(*v)),
            Value::Money(c) => money::write(*c, out),
            Value::Oid(v) => out.push_str(itoa::Buffer::new().format(*v)),
            Value::Named(_, name) => out.push_str(name),
            // regtypeout: "-" for no type.
            Value::Regtype(0) => out.push('-'),
            Value::Regtype(oid) => match crate::types::DataType::from_oid(*oid) {
                Some(t) => out.push_str(&t.sql_name()),
                None => {
                    let _ = write!(out, "{oid}");
                }
            },
            Value::Float4(v) => format_f32(*v, style.extra_float_digits, out),
            Value::Float8(v) => format_f64(*v, style.extra_float_digits, out),
            Value::Numeric(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Text(s) => out.push_str(s),
            Value::Enum(l) => out.push_str(&l.label),
            Value::Bytea(b) => write_bytea(b, style.bytea_hex, out),
            Value::Date(d) => format_date(*d, style.date, out),
            Value::Time(t) => format_time(*t, out),
            Value::TimeTz(t, z) => datetime::format_timetz(*t, *z, out),
            Value::Timestamp(t) => format_timestamp(*t, style.date, out),
            Value::TimestampTz(t) => format_timestamptz(*t, &style.zone, style.date, out),
            Value::Interval(iv) => format_interval(iv, style.interval, out),
            Value::Uuid(u) => {
                for (i, b) in u.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        out.push('-');
                    }
                    let _ = write!(out, "{b:02x}");
                }
            }
            Value::Inet(ip) => ip.write(false, out),
            Value::Cidr(ip) => ip.write(true, out),
            Value::MacAddr(m) => mac::write(m, out),
            Value::MacAddr8(m) => mac::write(m, out),
            Value::Bits(b) => b.write(out),
            Value::Snapshot(s) => s.write(out),
            Value::Lsn(l) => {
                let _ = write!(out, "{:X}/{:X}", l >> 32, l & 0xffff_ffff);
            }
            Value::Range(r) => r.write_text(style, out),
            Value::Multirange(m) => m.write_text(style, out),
            Value::Geo(g) => g.write_text(style, out),
            Value::TsVector(v) => v.write(out),
            Value::TsQuery(q) => q.write(out),
            Value::Array(items) if items.is_vector() => {
                for (i, v) in items.items().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    v.write_text(style, out);
                }
            }
            Value::Array(items) => array::write_array(items, style, out),
            Value::Record(fields) => write_record(fields.items(), style, out),
        }
    }

    /// The text form as a new string (None for NULL).
    pub fn to_text(&self, style: &OutputStyle) -> Option<String> {
        if self.is_null() {
            return None;
        }
        let mut s = String::new();
        self.write_text(style, &mut s);
        Some(s)
    }

    /// Compares two non-NULL values of the same type; None when the types
    /// differ (a planning error) or either is NULL.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        use Value::*;
        Some(match (self, other) {
            (Bool(a), Bool(b)) => a.cmp(b),
            (Int2(a), Int2(b)) => a.cmp(b),
            (Int4(a), Int4(b)) => a.cmp(b),
            (Int8(a), Int8(b)) | (Money(a), Money(b)) => a.cmp(b),
            (Oid(a), Oid(b)) | (Regtype(a), Regtype(b)) => a.cmp(b),
            (Named(a, _) | Oid(a), Named(b, _) | Oid(b)) => a.cmp(b),
            (Float4(a), Float4(b)) => float_cmp(f64::from(*a), f64::from(*b)),
            (Float8(a), Float8(b)) => float_cmp(*a, *b),
            (Numeric(a), Numeric(b)) => a.cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Bytea(a), Bytea(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (Time(a), Time(b)) => a.cmp(b),
            // The same instant in UTC first, then the zone (timetz_cmp).
            (TimeTz(t1, z1), TimeTz(t2, z2)) => {
                let utc = |t: i64, z: i32| t + i64::from(z) * 1_000_000;
                utc(*t1, *z1).cmp(&utc(*t2, *z2)).then(z1.cmp(z2))
            }
            (Timestamp(a), Timestamp(b)) => a.cmp(b),
            (TimestampTz(a), TimestampTz(b)) => a.cmp(b),
            (Interval(a), Interval(b)) => a.span_micros().cmp(&b.span_micros()),
            (Uuid(a), Uuid(b)) => a.cmp(b),
            (Range(a), Range(b)) => a.range_cmp(b),
            (Multirange(a), Multirange(b)) => a.multirange_cmp(b),
            (TsQuery(a), TsQuery(b)) => a.compare(b),
            (TsVector(a), TsVector(b)) => a.compare(b),
            (Inet(a) | Cidr(a), Inet(b) | Cidr(b)) => a.cmp(b),
            (MacAddr(a), MacAddr(b)) => a.cmp(b),
            (MacAddr8(a), MacAddr8(b)) => a.cmp(b),
            (Bits(a), Bits(b)) => a.cmp(b),
            (Lsn(a), Lsn(b)) => a.cmp(b),
            (Enum(a), Enum(b)) => float_cmp(f64::from(a.sort), f64::from(b.sort)),
            // Element by element, NULL after any value, then by the
            // number of elements, dimensions, lengths and lower bounds
            // (PostgreSQL's array_cmp; record_cmp alike).
            (Array(x), Array(y)) if x.is_shaped() || y.is_shaped() => {
                let o = compare_items(x.items(), y.items())?;
                let (dx, dy) = (x.dims(), y.dims());
                o.then(dx.len().cmp(&dy.len()))
                    .then_with(|| {
                        let lens = |d: &[array::Dim]| d.iter().map(|d| d.len).collect::<Vec<_>>();
                        lens(&dx).cmp(&lens(&dy))
                    })
                    .then_with(|| {
                        let lows = |d: &[array::Dim]| d.iter().map(|d| d.lower).collect::<Vec<_>>();
                        lows(&dx).cmp(&lows(&dy))
                    })
            }
            (Array(a), Array(b)) | (Record(a), Record(b)) => {
                return compare_items(a.items(), b.items());
            }
            _ => return None,
        })
    }
}

/// Element by element, NULL after any value, then by length.
fn compare_items(a: &[Value], b: &[Value]) -> Option<Ordering> {
    for (x, y) in a.iter().zip(b) {
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x.compare(y)?,
        };
        if o != Ordering::Equal {
            return Some(o);
        }
    }
    Some(a.len().cmp(&b.len()))
}

/// The one representative of a float's equality class: -0 is 0 and every
/// NaN is one NaN (PostgreSQL's float equality), for hashing and keys.
pub fn canonical_float(f: f64) -> f64 {
    if f == 0.0 {
        0.0
    } else if f.is_nan() {
        f64::NAN
    } else {
        f
    }
}

/// PostgreSQL's float order: NaN equals NaN and sorts above everything.
pub fn float_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// record_out: `(1,x,)`; a field is double-quoted when it is empty or
/// holds a parenthesis, comma, quote, backslash or white space, with
/// quotes and backslashes doubled; NULL is nothing.
fn write_record(fields: &[Value], style: &OutputStyle, out: &mut String) {
    out.push('(');
    for (i, v) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let Some(text) = v.to_text(style) else {
            continue;
        };
        let quote = text.is_empty()
            || text
                .chars()
                .any(|c| matches!(c, '(' | ')' | ',' | '"' | '\\') || c.is_ascii_whitespace());
        if quote {
            out.push('"');
            for c in text.chars() {
                if matches!(c, '"' | '\\') {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(&text);
        }
    }
    out.push(')');
}

fn write_bytea(b: &[u8], hex: bool, out: &mut String) {
    use std::fmt::Write;
    if hex {
        out.push_str("\\x");
        for byte in b {
            let _ = write!(out, "{byte:02x}");
        }
    } else {
        for &byte in b {
            match byte {
                b'\\' => out.push_str("\\\\"),
                0x20..=0x7e => out.push(byte as char),
                _ => {
                    let _ = write!(out, "\\{byte:03o}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: Value) -> String {
        v.to_text(&OutputStyle::default()).unwrap()
    }

    #[test]
    fn output_forms() {
        assert_eq!(text(Value::Bool(true)), "t");
        assert_eq!(text(Value::Int8(-7)), "-7");
        assert_eq!(text(Value::Bytea(vec![0xde, 0xad])), "\\xdead");
        assert_eq!(text(Value::Void), "");
        assert_eq!(
            text(Value::Uuid([
                0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38,
                0x0a, 0x11
            ])),
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        );
        assert_eq!(Value::Null.to_text(&OutputStyle::default()), None);
        assert_eq!(
            text(Value::Array(ArrayRef::new(vec![
                Value::Int4(1),
                Value::Null,
                Value::Text("a b".into()),
                Value::Text("null".into()),
                Value::Text("q\"\\".into()),
                Value::Text(String::new()),
            ]))),
            "{1,NULL,\"a b\",\"null\",\"q\\\"\\\\\",\"\"}"
        );
        assert_eq!(text(Value::Array(ArrayRef::new(Vec::new()))), "{}");
    }

    #[test]
    fn nan_sorts_last() {
        assert_eq!(float_cmp(f64::NAN, f64::INFINITY), Ordering::Greater);
        assert_eq!(float_cmp(f64::NAN, f64::NAN), Ordering::Equal);
        assert_eq!(
            Value::Float8(1.0).compare(&Value::Float8(2.0)),
            Some(Ordering::Less)
        );
        assert_eq!(Value::Int4(1).compare(&Value::Int8(1)), None);
    }
}
