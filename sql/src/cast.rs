//! Type coercion: which casts exist in which context (pg_cast), the input
//! functions that read text, and the conversions themselves.
//!
//! | context | example | used for |
//! |---|---|---|
//! | implicit | int4 → int8, unknown → anything | operator and function arguments |
//! | assignment | int8 → int4, numeric → int4, anything → text | INSERT/UPDATE targets |
//! | explicit | int4 → bool, text → int4 | `CAST` and `::` |

use crate::error::{errors, Result, SqlError, SqlState};
use crate::guc::parse_bool;
use crate::types::DataType;
use crate::value::{
    date2j, now_micros, parse_f64, ArrayRef, Inet, Interval, Numeric, OutputStyle, Value,
    POSTGRES_EPOCH_JDATE, USECS_PER_DAY,
};

/// How strict a coercion site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CoercionContext {
    /// Applied silently in expressions.
    Implicit,
    /// Applied when storing into a column.
    Assignment,
    /// Only when written as CAST or `::`.
    Explicit,
}

/// The least context in which `from` can be cast to `to`, if at all.
pub fn cast_context(from: DataType, to: DataType) -> Option<CoercionContext> {
    use CoercionContext::*;
    use DataType::*;
    if from == to || from == Unknown || to == Any || to.is_polymorphic() && from != Unknown {
        return Some(Implicit);
    }
    let string = |t: DataType| matches!(t, Text | Varchar | Bpchar | Name);
    let reg = |t: DataType| t == Oid || t == Regtype || t.is_catalog_name();
    Some(match (from, to) {
        (Int2 | Int4 | Int8, t) if reg(t) => Implicit,
        (Int2, Int4 | Int8 | Float4 | Float8 | Numeric) => Implicit,
        (Int4, Int8 | Float4 | Float8 | Numeric) => Implicit,
        (Int8, Float4 | Float8 | Numeric) => Implicit,
        (Float4, Float8) => Implicit,
        (Numeric, Float4 | Float8) => Implicit,
        (f, t) if reg(f) && reg(t) => Implicit,
        // nextval('s'::text): a relation name.
        (Text | Varchar, Regclass) => Implicit,
        (f, Int4 | Int8) if reg(f) => Assignment,
        (Int2Vector, Array(Int2)) | (OidVector, Array(Oid)) => Implicit,
        // Arrays cast element by element.
        (Array(a), Array(b)) => return cast_context(*a, *b),
        (Array(Int2), Int2Vector) | (Array(Oid), OidVector) => Explicit,
        (PgNodeTree, Text) => Implicit,
        (Text | Varchar | Bpchar, Char) => Assignment,
        (Char, Varchar | Bpchar) => Assignment,
        (Char, Int4) => Explicit,
        (Int4, Int2) | (Int8, Int2 | Int4) => Assignment,
        (Float4 | Float8 | Numeric, Int2 | Int4 | Int8) => Assignment,
        (Float8, Float4) | (Float4 | Float8, Numeric) => Assignment,
        (Text | Varchar | Bpchar, Text | Varchar | Bpchar) => Implicit,
        (Text | Varchar | Bpchar, Name) => Implicit,
        (Name, Text) => Implicit,
        (Name, Varchar | Bpchar) => Assignment,
        (Char, Text) => Implicit,
        (Date, Timestamp | TimestampTz) | (Timestamp, TimestampTz) => Implicit,
        (TimestampTz, Timestamp | Date | Time) | (Timestamp, Date | Time) => Assignment,
        (Time, Interval | TimeTz) => Implicit,
        (Interval | TimeTz, Time) => Assignment,
        (TimestampTz, TimeTz) => Assignment,
        (Json, Jsonb) | (Jsonb, Json) => Assignment,
        // The path functions take its text.
        (JsonPath, Text) => Implicit,
        (Text | Varchar, JsonPath) => Explicit,
        (Record, Composite(_)) | (Composite(_), Record) => Implicit,
        (Jsonb, Bool | Numeric | Int2 | Int4 | Int8 | Float4 | Float8) => Explicit,
        (Int4 | Int8, Bool) | (Bool, Int4) => Explicit,
        (Xid8, Xid) => Explicit,
        (Cidr, Inet) => Implicit,
        // The geometric conversions of pg_cast.
        (Point, GeoBox) | (Path, Polygon) | (GeoBox, Polygon) | (Polygon, Path) => Assignment,
        (Lseg | GeoBox | Polygon | Circle, Point)
        | (GeoBox, Lseg | Circle)
        | (Polygon, GeoBox | Circle)
        | (Circle, GeoBox | Polygon) => Explicit,
        // A range to the multirange of its type (the constructor).
        (Range(_) | UserRange(_), Multirange(r)) if *r == from => Explicit,
        (MacAddr, MacAddr8) | (MacAddr8, MacAddr) => Implicit,
        (Bit, VarBit) | (VarBit, Bit) => Implicit,
        (Int4 | Int8, Bit) | (Bit, Int4 | Int8) => Explicit,
        (Inet, Cidr) => Assignment,
        (Int4 | Int8 | Numeric, Money) | (Money, Numeric) => Assignment,
        (Int8 | Int2, Bytea) | (Int4, Char) => Explicit,
        // Any type to a string type by its output function (assignment),
        // and from a string type by its input function (explicit).
        (_, t) if string(t) => Assignment,
        (f, _) if string(f) => Explicit,
        (_, Unknown) => return None,
        _ => return None,
    })
}

/// True if `from` coerces to `to` in `ctx`.
pub fn can_coerce(from: DataType, to: DataType, ctx: CoercionContext) -> bool {
    cast_context(from, to).is_some_and(|c| c <= ctx)
}

/// The length limit of a varchar(n)/char(n) typmod.
fn char_limit(typmod: i32) -> Option<usize> {
    (typmod >= 4).then(|| (typmod - 4) as usize)
}

/// The (precision, scale) of a numeric(p,s) typmod.
pub fn numeric_typmod(typmod: i32) -> Option<(i32, i32)> {
    (typmod >= 4).then(|| {
        let t = typmod - 4;
        (t >> 16 & 0xffff, t & 0xffff)
    })
}

/// Converts a non-NULL `v` of type `from` to `to` with `typmod`.
/// `explicit` changes what happens to an over-long string (truncation
/// instead of 22001), as in PostgreSQL.
pub fn cast_value(
    v: Value,
    from: DataType,
    to: DataType,
    typmod: i32,
    explicit: bool,
    style: &OutputStyle,
) -> Result<Value> {
    use DataType::*;
    if v.is_null() {
        return Ok(Value::Null);
    }
    let v = match (v, to) {
        (v, t) if from == t => v,
        (Value::Text(s), _) if matches!(from, Unknown | Text | Varchar | Bpchar | Name) => {
            if matches!(to, Text | Varchar | Bpchar | Name) {
                Value::Text(if from == Bpchar {
                    s.trim_end_matches(' ').to_owned()
                } else {
                    s
                })
            } else {
                parse_text_typmod(&s, to, typmod, style)?
            }
        }
        // inet and cidr to text always show the mask (network_show).
        (Value::Inet(ip) | Value::Cidr(ip), Text | Varchar | Bpchar) => Value::Text(ip.show()),
        (Value::Cidr(ip), Inet) => Value::Inet(ip),
        (v @ Value::Geo(_), to) if to.category() == crate::types::TypeCategory::Geometric => {
            crate::func::geo::cast(&v, to)?
        }
        (Value::Range(r), Multirange(_)) => {
            let m = crate::value::multirange::Multirange::new(vec![(*r).clone()])?;
            Value::Multirange(std::sync::Arc::new(m))
        }
        // bitfromint4 / bitfromint8: the low typmod bits (bit(1) without
        // one); bittoint4 / bittoint8.
        (Value::Int4(i), Bit) => Value::Bits(std::sync::Arc::new(crate::value::Bits::from_int(
            i64::from(i),
            typmod,
        ))),
        (Value::Int8(i), Bit) => {
            Value::Bits(std::sync::Arc::new(crate::value::Bits::from_int(i, typmod)))
        }
        (Value::Bits(b), Bit | VarBit) => Value::Bits(b),
        (Value::Bits(b), Int4) => Value::Int4(b.to_int(32, "integer")? as u32 as i32),
        (Value::Bits(b), Int8) => Value::Int8(b.to_int(64, "bigint")? as i64),
        (Value::MacAddr(m), MacAddr8) => Value::MacAddr8(crate::value::mac::from_macaddr(m)),
        (Value::MacAddr8(m), MacAddr) => Value::MacAddr(crate::value::mac::to_macaddr(m)?),
        (Value::Inet(ip), Cidr) => Value::Cidr(ip.masked(ip.bits)),
        // bool::text is booltext ("true"), not boolout ("t").
        (Value::Bool(b), Text | Varchar | Bpchar | Name) => {
            Value::Text(if b { "true" } else { "false" }.to_owned())
        }
        (v, Text | Varchar | Bpchar | Name) => {
            let mut s = String::new();
            v.write_text(style, &mut s);
            Value::Text(s)
        }
        (v, to) if to.is_polymorphic() => v,
        // json to jsonb takes the canonical form.
        (Value::Text(s), Jsonb) if from == Json => {
            Value::Text(crate::func::jsonb::input(&s, Jsonb)?)
        }
        // jsonb::numeric, ::int4, ::bool ...: a scalar of the matching
        // JSON type (PostgreSQL's jsonb_numeric and friends).
        (Value::Text(s), to) if from == Jsonb => {
            let scalar = crate::func::jsonb::scalar_for_cast(&s, to)?;
            let ty = if matches!(scalar, Value::Numeric(_)) {
                Numeric
            } else {
                Text
            };
            cast_value(scalar, ty, to, -1, true, style)?
        }
        // interval::time: its time part, modulo a day (interval_time).
        (Value::Interval(iv), Time) => Value::Time(iv.micros.rem_euclid(USECS_PER_DAY)),
        // "char"::int4 is the byte's code.
        (Value::Text(s), Int4) if from == Char => {
            Value::Int4(s.bytes().next().map_or(0, i32::from))
        }
        // int4_cash, int8_cash (int8mul's overflow error), numeric_cash
        // (rounded to cents), cash_numeric.
        (Value::Int4(i), Money) => Value::Money(i64::from(i) * 100),
        (Value::Int8(i), Money) => Value::Money(i.checked_mul(100).ok_or_else(|| {
            SqlError::new(SqlState::NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range")
        })?),
        (Value::Numeric(n), Money) => Value::Money(
            n.round(2)
                .mul(&crate::value::Numeric::from_i64(100))?
                .to_i64()?,
        ),
        (Value::Money(c), Numeric) => Value::Numeric(crate::value::Numeric::parse(&format!(
            "{}{}.{:02}",
            if c < 0 { "-" } else { "" },
            c.unsigned_abs() / 100,
            c.unsigned_abs() % 100
        ))?),
        (v, to) => convert(v, to, style)?,
    };
    apply_typmod(v, to, typmod, explicit)
}

/// Appends `n` blanks (char(n) padding) a slice at a time, not a char
/// at a time.
pub fn push_spaces(s: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    s.reserve(n);
    while n > 0 {
        let k = n.min(SPACES.len());
        s.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// Enforces a typmod: varchar/char length (22001 or truncation), char
/// padding, numeric precision.
/// Microseconds rounded to `digits` (0..6) fraction digits of a second;
/// infinities stay.
fn round_micros(t: i64, digits: i32) -> i64 {
    if t == i64::MAX || t == i64::MIN {
        return t;
    }
    let scale = 10i64.pow(6 - digits as u32);
    let half = scale / 2;
    if t >= 0 {
        (t + half) / scale * scale
    } else {
        -((-t + half) / scale * scale)
    }
}

pub fn apply_typmod(v: Value, to: DataType, typmod: i32, explicit: bool) -> Result<Value> {
    match (v, to) {
        (Value::Text(s), DataType::Varchar | DataType::Bpchar) => {
            let Some(limit) = char_limit(typmod) else {
                return Ok(Value::Text(s));
            };
            let len = s.chars().count();
            if len > limit {
                let trailing_spaces_only = s.chars().skip(limit).all(|c| c == ' ');
                if !explicit && !trailing_spaces_only {
                    let name = if to == DataType::Varchar {
                        "character varying"
                    } else {
                        "character"
                    };
                    return Err(SqlError::new(
                        SqlState::STRING_DATA_RIGHT_TRUNCATION,
                        format!("value too long for type {name}({limit})"),
                    ));
                }
                return Ok(Value::Text(s.chars().take(limit).collect()));
            }
            if to == DataType::Bpchar && len < limit {
                let mut s = s;
                push_spaces(&mut s, limit - len);
                return Ok(Value::Text(s));
            }
            Ok(Value::Text(s))
        }
        (Value::Text(s), DataType::Name) if s.len() > 63 => {
            let mut end = 63;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            Ok(Value::Text(s[..end].to_owned()))
        }
        (Value::Bits(b), DataType::Bit) if typmod > 0 => Ok(Value::Bits(std::sync::Arc::new(
            std::sync::Arc::unwrap_or_clone(b).to_bit(typmod as usize, explicit)?,
        ))),
        (Value::Bits(b), DataType::VarBit) if typmod > 0 => Ok(Value::Bits(std::sync::Arc::new(
            std::sync::Arc::unwrap_or_clone(b).to_varbit(typmod as usize, explicit)?,
        ))),
        (Value::Numeric(n), DataType::Numeric) => match numeric_typmod(typmod) {
            Some((p, s)) => Ok(Value::Numeric(n.apply_typmod(p, s)?)),
            None => Ok(Value::Numeric(n)),
        },
        // time(p), timestamp(p): microseconds rounded to p fraction
        // digits, halves away from zero (AdjustTimestampForTypmod).
        (Value::Time(t), DataType::Time) if (0..6).contains(&typmod) => {
            Ok(Value::Time(round_micros(t, typmod)))
        }
        (Value::Timestamp(t), DataType::Timestamp) if (0..6).contains(&typmod) => {
            Ok(Value::Timestamp(round_micros(t, typmod)))
        }
        (Value::TimestampTz(t), DataType::TimestampTz) if (0..6).contains(&typmod) => {
            Ok(Value::TimestampTz(round_micros(t, typmod)))
        }
        (Value::TimeTz(t, z), DataType::TimeTz) if (0..6).contains(&typmod) => {
            Ok(Value::TimeTz(round_micros(t, typmod), z))
        }
        (Value::Interval(mut iv), DataType::Interval) if typmod >= 0 => {
            crate::value::interval_in::adjust_for_typmod(&mut iv, typmod);
            Ok(Value::Interval(iv))
        }
        // An array's typmod is its elements' (char(10)[]).
        (Value::Array(a), DataType::Array(elem)) if typmod >= 0 && !a.is_vector() => {
            let items = a
                .items()
                .iter()
                .map(|x| apply_typmod(x.clone(), *elem, typmod, explicit))
                .collect::<Result<Vec<_>>>()?;
            Ok(Value::Array(ArrayRef::with_dims(a.dims(), items)))
        }
        (v, _) => Ok(v),
    }
}

fn int_range<T: TryFrom<i64>>(v: i64, name: &str) -> Result<T> {
    T::try_from(v).map_err(|_| errors::out_of_range(format!("{name} out of range")))
}

/// float → integer as PostgreSQL does: round half to even (rint), then
/// range check.
fn float_to_int(f: f64, name: &str, min: f64, max: f64) -> Result<i64> {
    let r = f.round_ties_even();
    if f.is_nan() || r < min || r >= max + 1.0 {
        return Err(errors::out_of_range(format!("{name} out of range")));
    }
    Ok(r as i64)
}

/// Conversions between non-string types.
fn convert(v: Value, to: DataType, style: &OutputStyle) -> Result<Value> {
    use DataType as T;
    use Value as V;
    let bad = |v: &V| SqlError::internal(format!("no conversion from {v:?} to {}", to.name()));
    Ok(match (v, to) {
        (V::Int2(i), T::Int4) => V::Int4(i.into()),
        // xid8 to xid: the xid without its epoch.
        (V::Int8(i), T::Xid) => V::Oid(i as u32),
        (V::Int2(i), T::Int8) => V::Int8(i.into()),
        (V::Int4(i), T::Int2) => V::Int2(int_range(i.into(), "smallint")?),
        (V::Int4(i), T::Int8) => V::Int8(i.into()),
        (V::Int8(i), T::Int2) => V::Int2(int_range(i, "smallint")?),
        (V::Int8(i), T::Int4) => V::Int4(int_range(i, "integer")?),
        (V::Int2(i), T::Float4) => V::Float4(i.into()),
        (V::Int4(i), T::Float4) => V::Float4(i as f32),
        (V::Int8(i), T::Float4) => V::Float4(i as f32),
        (V::Int2(i), T::Float8) => V::Float8(i.into()),
        (V::Int4(i), T::Float8) => V::Float8(i.into()),
        (V::Int8(i), T::Float8) => V::Float8(i as f64),
        (V::Int2(i), T::Numeric) => V::Numeric(Numeric::from_i64(i.into())),
        (V::Int4(i), T::Numeric) => V::Numeric(Numeric::from_i64(i.into())),
        (V::Int8(i), T::Numeric) => V::Numeric(Numeric::from_i64(i)),
        (V::Float4(f), T::Float8) => V::Float8(f.into()),
        (V::Float8(f), T::Float4) => {
            let r = f as f32;
            if r.is_infinite() && f.is_finite() {
                return Err(errors::out_of_range("value out of range: overflow"));
            }
            if r == 0.0 && f != 0.0 {
                return Err(errors::out_of_range("value out of range: underflow"));
            }
            V::Float4(r)
        }
        (V::Float4(f), T::Int2) => {
            V::Int2(float_to_int(f.into(), "smallint", -32768.0, 32767.0)? as i16)
        }
        (V::Float8(f), T::Int2) => V::Int2(float_to_int(f, "smallint", -32768.0, 32767.0)? as i16),
        (V::Float4(f), T::Int4) => {
            V::Int4(float_to_int(f.into(), "integer", i32::MIN as f64, i32::MAX as f64)? as i32)
        }
        (V::Float8(f), T::Int4) => {
            V::Int4(float_to_int(f, "integer", i32::MIN as f64, i32::MAX as f64)? as i32)
        }
        (V::Float4(f), T::Int8) => V::Int8(float_to_int(
            f.into(),
            "bigint",
            -9.223_372_036_854_776e18,
            9.223_372_036_854_775e18,
        )?),
        (V::Float8(f), T::Int8) => V::Int8(float_to_int(
            f,
            "bigint",
            -9.223_372_036_854_776e18,
            9.223_372_036_854_775e18,
        )?),
        (V::Float4(f), T::Numeric) => V::Numeric(Numeric::from_f32(f)?),
        (V::Float8(f), T::Numeric) => V::Numeric(Numeric::from_f64(f)?),
        (V::Numeric(n), T::Int2) => V::Int2(n.to_i16()?),
        (V::Numeric(n), T::Int4) => V::Int4(n.to_i32()?),
        (V::Numeric(n), T::Int8) => V::Int8(n.to_i64()?),
        // numeric_float8 / numeric_float4 go through the text form: a
        // value past the type's range (or below its smallest nonzero) is
        // 22003 naming that text.
        (V::Numeric(n), T::Float8) => {
            let f = n.to_f64();
            if float_out_of_range(&n, f.is_infinite(), f == 0.0) {
                return Err(errors::out_of_range(format!(
                    "\"{n}\" is out of range for type double precision"
                )));
            }
            V::Float8(f)
        }
        (V::Numeric(n), T::Float4) => {
            let r = n.to_f64() as f32;
            if float_out_of_range(&n, r.is_infinite(), r == 0.0) {
                return Err(errors::out_of_range(format!(
                    "\"{n}\" is out of range for type real"
                )));
            }
            V::Float4(r)
        }
        (V::Int4(i), T::Bool) => V::Bool(i != 0),
        (V::Int8(i), T::Bool) => V::Bool(i != 0),
        (V::Bool(b), T::Int4) => V::Int4(b.into()),
        (V::Int2(i), t) if is_oid_type(t) => oid_as(i as u32, t),
        (V::Int4(i), t) if is_oid_type(t) => oid_as(i as u32, t),
        (V::Int8(i), t) if is_oid_type(t) => oid_as(
            u32::try_from(i).map_err(|_| errors::out_of_range("OID out of range"))?,
            t,
        ),
        (V::Oid(o) | V::Regtype(o) | V::Named(o, _), t) if is_oid_type(t) => oid_as(o, t),
        (V::Oid(o) | V::Regtype(o) | V::Named(o, _), T::Int4) => V::Int4(o as i32),
        (V::Oid(o) | V::Regtype(o) | V::Named(o, _), T::Int8) => V::Int8(o.into()),
        (V::Array(a), T::Array(_)) if a.is_vector() => V::Array(ArrayRef::new(a.items().to_vec())),
        (V::Array(a), T::Array(elem)) => {
            let items = a
                .items()
                .iter()
                .map(|v| cast_value(v.clone(), elem_type(v, *elem), *elem, -1, true, style))
                .collect::<Result<Vec<_>>>()?;
            V::Array(ArrayRef::new(items))
        }
        (V::Record(r), T::Composite(oid)) => {
            return record_to_composite(r.items(), oid, true, style);
        }
        (V::Record(r), T::Record) => V::Record(r),
        (V::Array(a), T::Int2Vector | T::OidVector) => {
            V::Array(ArrayRef::vector(a.items().to_vec()))
        }
        // Infinite dates and timestamps stay infinite (date2timestamp,
        // timestamp_date).
        (V::Date(d @ (i32::MIN | i32::MAX)), T::Timestamp) => {
            V::Timestamp(if d > 0 { i64::MAX } else { i64::MIN })
        }
        (V::Date(d @ (i32::MIN | i32::MAX)), T::TimestampTz) => {
            V::TimestampTz(if d > 0 { i64::MAX } else { i64::MIN })
        }
        (V::Timestamp(t @ (i64::MIN | i64::MAX)), T::Date)
        | (V::TimestampTz(t @ (i64::MIN | i64::MAX)), T::Date) => {
            V::Date(if t > 0 { i32::MAX } else { i32::MIN })
        }
        (V::Timestamp(t @ (i64::MIN | i64::MAX)), T::TimestampTz) => V::TimestampTz(t),
        (V::TimestampTz(t @ (i64::MIN | i64::MAX)), T::Timestamp) => V::Timestamp(t),
        (V::Date(d), T::Timestamp | T::TimestampTz) => {
            let local = i64::from(d).checked_mul(USECS_PER_DAY).ok_or_else(|| {
                SqlError::new(
                    SqlState::DATETIME_FIELD_OVERFLOW,
                    "date out of range for timestamp",
                )
            })?;
            if to == T::TimestampTz {
                V::TimestampTz(local_to_utc(local, style))
            } else {
                V::Timestamp(local)
            }
        }
        // A timestamp is local time in the session's TimeZone.
        (V::Timestamp(t), T::TimestampTz) => V::TimestampTz(local_to_utc(t, style)),
        (V::TimestampTz(t), T::Timestamp) => V::Timestamp(utc_to_local(t, style)),
        (V::Timestamp(t), T::Date) => V::Date(t.div_euclid(USECS_PER_DAY) as i32),
        (V::TimestampTz(t), T::Date) => {
            V::Date(utc_to_local(t, style).div_euclid(USECS_PER_DAY) as i32)
        }
        (V::Timestamp(t), T::Time) => V::Time(t.rem_euclid(USECS_PER_DAY)),
        (V::TimestampTz(t), T::Time) => V::Time(utc_to_local(t, style).rem_euclid(USECS_PER_DAY)),
        // time_timetz: the session zone's offset today at that time.
        (V::Time(t), T::TimeTz) => {
            let today = local_now(style).div_euclid(USECS_PER_DAY) * USECS_PER_DAY;
            V::TimeTz(t, -local_offset(&style.zone, today + t))
        }
        (V::TimeTz(t, _), T::Time) => V::Time(t),
        // timestamptz_timetz: the local time and offset at that instant.
        (V::TimestampTz(t), T::TimeTz) => V::TimeTz(
            utc_to_local(t, style).rem_euclid(USECS_PER_DAY),
            -style.zone.offset_at(t),
        ),
        (V::Time(t), T::Interval) => V::Interval(Interval {
            months: 0,
            days: 0,
            micros: t,
        }),
        (v, _) => return Err(bad(&v)),
    })
}

/// The type an array element value has (its variant's own type), so
/// that an element cast reads it correctly; `to` when they agree.
pub(crate) fn elem_type(v: &Value, to: DataType) -> DataType {
    match v {
        Value::Int2(_) => DataType::Int2,
        Value::Int4(_) => DataType::Int4,
        Value::Int8(_) => DataType::Int8,
        Value::Float4(_) => DataType::Float4,
        Value::Float8(_) => DataType::Float8,
        Value::Numeric(_) => DataType::Numeric,
        Value::Bool(_) => DataType::Bool,
        Value::Text(_) => DataType::Text,
        _ => to,
    }
}

/// oid and the OID alias types.
fn is_oid_type(t: DataType) -> bool {
    t == DataType::Oid || t == DataType::Regtype || t.is_catalog_name()
}

/// An OID as a value of oid type `to`. A catalog-name type read without
/// the catalog prints its number (PostgreSQL prints an unknown OID so).
fn oid_as(o: u32, to: DataType) -> Value {
    match to {
        DataType::Regtype => Value::Regtype(o),
        _ => Value::Oid(o),
    }
}

/// Reads `text` with the input function of `to` (int4in, boolin, ...).
/// parse_text for a column or cast with a typmod: an interval's range
/// decides what a bare number means (`'1'::interval year`).
pub fn parse_text_typmod(
    text: &str,
    to: DataType,
    typmod: i32,
    style: &OutputStyle,
) -> Result<Value> {
    match to {
        DataType::Interval if typmod >= 0 => {
            Ok(Value::Interval(parse_interval(text, typmod, style)?))
        }
        _ => parse_text(text, to, style),
    }
}

pub fn parse_text(text: &str, to: DataType, style: &OutputStyle) -> Result<Value> {
    use DataType as T;
    Ok(match to {
        T::Bool => {
            Value::Bool(parse_bool(text).ok_or_else(|| errors::invalid_input("boolean", text))?)
        }
        T::JsonPath => Value::Text(crate::func::jsonpath_text(text)?),
        T::TsVector => Value::TsVector(std::sync::Arc::new(
            crate::value::tsearch::TsVector::parse(text)?,
        )),
        T::TsQuery => Value::TsQuery(std::sync::Arc::new(crate::value::tsearch::TsQuery::parse(
            text, None,
        )?)),
        T::RegConfig => match crate::func::tsearch::config_oid(text.trim()) {
            Some(oid) => Value::Named(
                oid,
                crate::func::tsearch::config_name(oid)
                    .unwrap_or_default()
                    .into(),
            ),
            None => match text.trim().parse::<u32>() {
                Ok(oid) => Value::Oid(oid),
                Err(_) => return Err(crate::func::tsearch::no_config(text.trim())),
            },
        },
        T::Point | T::Lseg | T::Line | T::GeoBox | T::Path | T::Polygon | T::Circle => Value::Geo(
            std::sync::Arc::new(crate::value::geo::Geo::parse(text, to)?),
        ),
        T::Range(_) | T::UserRange(_) => Value::Range(std::sync::Arc::new(
            crate::value::range::RangeValue::parse(text, to, style)?,
        )),
        T::Multirange(range) => Value::Multirange(std::sync::Arc::new(
            crate::value::multirange::Multirange::parse(text, *range, style)?,
        )),
        T::Int2 => Value::Int2(parse_int(text, "smallint")?),
        T::Int4 => Value::Int4(parse_int(text, "integer")?),
        T::Int8 => Value::Int8(parse_int(text, "bigint")?),
        T::Money => Value::Money(crate::value::money::parse(text)?),
        // xid8in reads as strtou64 does, unchecked: leading digits, else 0.
        T::Xid8 => {
            let t = text.trim_start();
            let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
            Value::Int8(digits.parse::<u64>().unwrap_or(0) as i64)
        }
        // xidin: strtoul in base 0 (0x hex, 0 octal), unchecked.
        T::Xid => Value::Oid(crate::value::strtou64(text.as_bytes(), &mut 0, 0) as u32),
        T::Oid
        | T::Regclass
        | T::Regtype
        | T::Regproc
        | T::Regnamespace
        | T::Regrole
        | T::Regprocedure
        | T::Regoper => {
            let v: i64 = parse_int(text, "oid")?;
            Value::Oid(
                u32::try_from(v)
                    .or_else(|_| i32::try_from(v).map(|v| v as u32))
                    .map_err(|_| errors::input_out_of_range("oid", text))?,
            )
        }
        T::Float8 => Value::Float8(parse_f64(text, "double precision")?),
        T::Float4 => {
            let v = parse_f64(text, "real")?;
            // Rounded once, from the digits (strtof), not through a double.
            let r = text
                .trim_matches(|c: char| c.is_ascii_whitespace())
                .parse::<f32>()
                .unwrap_or(v as f32);
            if (r.is_infinite() && v.is_finite()) || (r == 0.0 && v != 0.0) {
                return Err(errors::out_of_range(format!(
                    "\"{text}\" is out of range for type real"
                )));
            }
            Value::Float4(r)
        }
        T::Numeric => Value::Numeric(Numeric::parse(text)?),
        T::Json | T::Jsonb => Value::Text(crate::func::jsonb::input(text, to)?),
        T::Text | T::Varchar | T::Bpchar | T::Name | T::Unknown | T::AclItem | T::PgNodeTree => {
            Value::Text(text.to_owned())
        }
        // charin: the first byte (a multibyte character is cut to its
        // first byte in PostgreSQL; here it stays whole).
        T::Char => Value::Text(text.chars().next().map(String::from).unwrap_or_default()),
        T::Int2Vector | T::OidVector => {
            let (elem, name) = if to == T::Int2Vector {
                (T::Int2, "int2vector")
            } else {
                (T::Oid, "oidvector")
            };
            let items = text
                .split_ascii_whitespace()
                .map(|w| parse_text(w, elem, style).map_err(|_| errors::invalid_input(name, text)))
                .collect::<Result<Vec<_>>>()?;
            Value::Array(crate::value::ArrayRef::vector(items))
        }
        T::Bytea => Value::Bytea(parse_bytea(text)?),
        T::Uuid => Value::Uuid(parse_uuid(text)?),
        T::Enum(oid) => crate::usertype::parse_label(oid, text)?,
        T::Composite(oid) => parse_record(text, oid, style, false)?,
        T::Inet => Value::Inet(Inet::parse(text, false)?),
        T::Cidr => Value::Cidr(Inet::parse(text, true)?),
        T::MacAddr => Value::MacAddr(crate::value::mac::parse_macaddr(text)?),
        T::PgSnapshot | T::TxidSnapshot => {
            Value::Snapshot(std::sync::Arc::new(crate::value::XidSnapshot::parse(text)?))
        }
        T::PgLsn => {
            Value::Lsn(parse_lsn(text).ok_or_else(|| errors::invalid_input("pg_lsn", text))?)
        }
        T::Bit | T::VarBit => Value::Bits(std::sync::Arc::new(crate::value::Bits::parse(text)?)),
        T::MacAddr8 => Value::MacAddr8(crate::value::mac::parse_macaddr8(text)?),
        T::Date => Value::Date(parse_date(text, style)?),
        T::Timestamp => Value::Timestamp(parse_timestamp(text, false, style)?),
        T::TimestampTz => Value::TimestampTz(parse_timestamp(text, true, style)?),
        T::Time => {
            let t = match parse_time(text) {
                Some(t) => t,
                // Other forms (`04:05 PM`, `allballs`, a timestamp): the
                // general reader's time of day.
                None => {
                    let d = decode_input(text, "time", style)?;
                    // A zone name without a date has no known offset
                    // (DecodeTimeOnly); an abbreviation is fine.
                    if d.date.is_none()
                        && matches!(d.zone, Some(crate::value::datetime_in::ZoneSpec::Named(_)))
                    {
                        return Err(errors::invalid_datetime("time", text));
                    }
                    d.time
                        .ok_or_else(|| errors::invalid_datetime("time", text))?
                }
            };
            // Up to 24:00:00 exactly.
            if !(0..=USECS_PER_DAY).contains(&t) {
                return Err(SqlError::new(
                    SqlState::DATETIME_FIELD_OVERFLOW,
                    format!("date/time field value out of range: \"{text}\""),
                ));
            }
            Value::Time(t)
        }
        T::TimeTz => parse_timetz(text, style)?,
        T::Interval => Value::Interval(parse_interval(text, -1, style)?),
        T::Void => Value::Void,
        T::Array(elem) => parse_array(text, *elem, style)?,
        other => {
            return Err(SqlError::unsupported(format!(
                "input of type {}",
                other.sql_name()
            )))
        }
    })
}

/// array_in: elements read with the element type's input function.
/// A composite type's value from its text form (PostgreSQL's record_in):
/// `(a,"b c",)` — fields separated by commas, a field with nothing in it
/// NULL, double quotes around text with special characters (`""` or a
/// backslash escapes a character), everything else taken as it is.
fn parse_record(text: &str, oid: u32, style: &OutputStyle, stored: bool) -> Result<Value> {
    let (names, types) = crate::usertype::fields(oid)
        .ok_or_else(|| SqlError::internal(format!("composite type {oid} is not known")))?;
    let malformed = |detail: &str| {
        SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("malformed record literal: \"{text}\""),
        )
        .with_detail(detail.to_owned())
    };
    let mut chars = text.trim_start().chars().peekable();
    if chars.next() != Some('(') {
        return Err(malformed("Missing left parenthesis."));
    }
    let mut values = Vec::with_capacity(types.len());
    let mut i = 0;
    loop {
        let Some(&(ty, typmod)) = types.get(i) else {
            return Err(malformed("Too many columns."));
        };
        // One field: up to an unquoted comma or right parenthesis.
        let mut field = String::new();
        let mut quoted = false;
        let mut in_quotes = false;
        loop {
            match chars.next() {
                None => return Err(malformed("Unexpected end of input.")),
                Some('"') if in_quotes && chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                Some('"') => {
                    in_quotes = !in_quotes;
                    quoted = true;
                }
                Some('\\') => match chars.next() {
                    Some(c) => field.push(c),
                    None => return Err(malformed("Unexpected end of input.")),
                },
                Some(c @ (',' | ')')) if !in_quotes => {
                    values.push(if field.is_empty() && !quoted {
                        Value::Null
                    } else {
                        parse_text_typmod(&field, ty, typmod, style)?
                    });
                    i += 1;
                    if c == ')' {
                        if i < types.len() && !stored {
                            return Err(malformed("Too few columns."));
                        }
                        // A value stored before ALTER TYPE ADD ATTRIBUTE:
                        // the new fields are NULL.
                        values.resize(types.len(), Value::Null);
                        if chars.any(|c| !c.is_ascii_whitespace()) {
                            return Err(malformed("Junk after right parenthesis."));
                        }
                        return Ok(Value::Record(ArrayRef::record(names, values)));
                    }
                    break;
                }
                Some(c) => field.push(c),
            }
        }
    }
}

/// A stored value of composite type `oid` (its text form, written when
/// the type may have had fewer fields).
pub fn parse_stored_record(text: &str, oid: u32) -> Result<Value> {
    parse_record(text, oid, &OutputStyle::default(), true)
}

/// A row value cast to composite type `oid` (PostgreSQL's
/// coerce_record_to_complex): the field counts must agree (42846), each
/// field is cast to its type.
pub fn record_to_composite(
    fields: &[Value],
    oid: u32,
    explicit: bool,
    style: &OutputStyle,
) -> Result<Value> {
    let (names, types) = crate::usertype::fields(oid)
        .ok_or_else(|| SqlError::internal(format!("composite type {oid} is not known")))?;
    if fields.len() != types.len() {
        return Err(SqlError::new(
            SqlState::CANNOT_COERCE,
            format!(
                "cannot cast type record to {}",
                DataType::Composite(oid).sql_name()
            ),
        )
        .with_detail(if fields.len() < types.len() {
            "Input has too few columns."
        } else {
            "Input has too many columns."
        }));
    }
    let values = fields
        .iter()
        .zip(&types)
        .map(|(v, &(ty, typmod))| {
            cast_value(v.clone(), elem_type(v, ty), ty, typmod, explicit, style)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::Record(ArrayRef::record(names, values)))
}

fn parse_array(text: &str, elem: DataType, style: &OutputStyle) -> Result<Value> {
    crate::value::array::parse(text, |item| parse_text(item, elem, style))
}

/// int2in/int4in/int8in: blanks around, optional sign, decimal digits.
pub fn parse_int<T: TryFrom<i64>>(text: &str, type_name: &str) -> Result<T> {
    let s = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(errors::invalid_input(type_name, text));
    }
    let v: i64 = s
        .parse()
        .map_err(|_| errors::input_out_of_range(type_name, text))?;
    T::try_from(v).map_err(|_| errors::input_out_of_range(type_name, text))
}

fn parse_bytea(text: &str) -> Result<Vec<u8>> {
    if let Some(hex) = text.strip_prefix("\\x") {
        let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if !digits.len().is_multiple_of(2) {
            return Err(SqlError::new(
                SqlState::INVALID_TEXT_REPRESENTATION,
                "invalid hexadecimal data: odd number of digits",
            ));
        }
        return digits
            .chunks(2)
            .map(|pair| {
                let s = std::str::from_utf8(pair).unwrap_or("zz");
                u8::from_str_radix(s, 16).map_err(|_| {
                    SqlError::new(
                        SqlState::INVALID_TEXT_REPRESENTATION,
                        format!(
                            "invalid hexadecimal digit: \"{}\"",
                            s.chars().next().unwrap_or('?')
                        ),
                    )
                })
            })
            .collect();
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
        } else if b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else if i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            let v = (b[i + 1] - b'0') as u16 * 64
                + (b[i + 2] - b'0') as u16 * 8
                + (b[i + 3] - b'0') as u16;
            out.push(v as u8);
            i += 4;
        } else {
            return Err(errors::invalid_input("bytea", text));
        }
    }
    Ok(out)
}

fn parse_uuid(text: &str) -> Result<[u8; 16]> {
    // PostgreSQL's string_to_uuid: optional braces, a hyphen allowed
    // only after a group of four hex digits.
    let bad = || errors::invalid_input("uuid", text);
    let b = text.as_bytes();
    let braces = b.first() == Some(&b'{');
    let mut at = usize::from(braces);
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = b.get(at..at + 2).ok_or_else(bad)?;
        let pair = std::str::from_utf8(pair).map_err(|_| bad())?;
        if !pair.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        at += 2;
        if b.get(at) == Some(&b'-') && i % 2 == 1 && i < 15 {
            at += 1;
        }
    }
    if braces {
        if b.get(at) != Some(&b'}') {
            return Err(bad());
        }
        at += 1;
    }
    if at != b.len() {
        return Err(bad());
    }
    Ok(out)
}

fn days_in_month(y: i32, m: i32) -> i32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Whether a finite, nonzero numeric became infinite or zero as a float.
fn float_out_of_range(n: &Numeric, infinite: bool, zero: bool) -> bool {
    match n {
        Numeric::Finite { mantissa, .. } => {
            infinite || (zero && !num_traits::Zero::is_zero(mantissa))
        }
        _ => false,
    }
}

/// The day number of a valid y-m-d; out of range is 22008 naming `what`
/// ("date" or "timestamp") and the input text.
fn checked_date(y: i32, m: i32, d: i32, text: &str, what: &str) -> Result<i32> {
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("date/time field value out of range: \"{text}\""),
        ));
    }
    // Julian day 0 (4714-11-24 BC) up to 5874897-12-31, as IS_VALID_DATE.
    if !(-4713..=5_874_897).contains(&y) || date2j(y, m, d) < 0 {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("{what} out of range: \"{text}\""),
        ));
    }
    Ok(date2j(y, m, d) - POSTGRES_EPOCH_JDATE)
}

fn parse_date(text: &str, style: &OutputStyle) -> Result<i32> {
    use crate::value::datetime_in::Special;
    let d = decode_input(text, "date", style)?;
    let today = || local_now(style).div_euclid(USECS_PER_DAY) as i32;
    match d.special {
        Some(Special::Infinity) => return Ok(i32::MAX),
        Some(Special::NegInfinity) => return Ok(i32::MIN),
        Some(Special::Epoch) => return Ok(-10_957),
        Some(Special::Now) => return Ok(today()),
        Some(Special::Day(n)) => return Ok(today() + n),
        None => {}
    }
    let (y, m, dd) = d.date.ok_or_else(|| errors::invalid_input("date", text))?;
    checked_date(y, m, dd, text, "date")
}

/// Reads date/time text (22007 for bad syntax, 22008 for a field out of
/// range with PostgreSQL's DateStyle hint, 22023 for an unknown zone).
fn decode_input(
    text: &str,
    type_name: &str,
    style: &OutputStyle,
) -> Result<crate::value::datetime_in::Decoded> {
    use crate::value::datetime_in::{decode, decode_time_only, DtError};
    let decoded = if type_name.starts_with("time") && !type_name.starts_with("timestamp") {
        decode_time_only(text, style.date.order)
    } else {
        decode(text, style.date.order)
    };
    decoded.map_err(|e| match e {
        DtError::Syntax => errors::invalid_datetime(type_name, text),
        DtError::Range { hint } => {
            let e = SqlError::new(
                SqlState::DATETIME_FIELD_OVERFLOW,
                format!("date/time field value out of range: \"{text}\""),
            );
            if hint {
                e.with_hint("Perhaps you need a different \"datestyle\" setting.")
            } else {
                e
            }
        }
        DtError::Displacement => SqlError::new(
            SqlState::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
            format!("time zone displacement out of range: \"{text}\""),
        ),
        DtError::Zone => {
            let word = text
                .split_whitespace()
                .find(|w| w.contains('/'))
                .unwrap_or(text)
                .to_lowercase();
            SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("time zone \"{word}\" not recognized"),
            )
        }
    })
}

/// `HH:MM[:SS[.ffffff]]`.
fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let mut parts = s.splitn(3, ':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let sec: f64 = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0.0,
    };
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || !(0.0..61.0).contains(&sec) {
        return None;
    }
    Some((h * 3600 + m * 60) * 1_000_000 + (sec * 1_000_000.0).round() as i64)
}

/// The current time in the session zone, as local microseconds.
fn local_now(style: &OutputStyle) -> i64 {
    let now = now_micros();
    now + i64::from(style.zone.offset_at(now)) * 1_000_000
}

/// timetz_in: a time of day as time_in reads it and a zone: an offset
/// or abbreviation as given; a full zone name only with a date, at that
/// date (else 22007, as DecodeTimeOnly); none, the session zone's offset
/// today (or at the date given).
fn parse_timetz(text: &str, style: &OutputStyle) -> Result<Value> {
    use crate::value::datetime_in::ZoneSpec;
    const NAME: &str = "time with time zone";
    let d = decode_input(text, NAME, style)?;
    let time = d.time.ok_or_else(|| errors::invalid_datetime(NAME, text))?;
    if !(0..=USECS_PER_DAY).contains(&time) {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("date/time field value out of range: \"{text}\""),
        ));
    }
    let day = match d.date {
        Some((y, m, dd)) => i64::from(checked_date(y, m, dd, text, NAME)?) * USECS_PER_DAY,
        None => local_now(style).div_euclid(USECS_PER_DAY) * USECS_PER_DAY,
    };
    let east = match &d.zone {
        Some(ZoneSpec::Offset(o)) => *o,
        Some(ZoneSpec::Named(z)) if d.date.is_some() => local_offset(z, day + time),
        Some(ZoneSpec::Named(_)) => return Err(errors::invalid_datetime(NAME, text)),
        None => local_offset(&style.zone, day + time),
    };
    // TZDISP_LIMIT: 15:59:59 either way.
    if east.abs() > 15 * 3600 + 59 * 60 + 59 {
        return Err(SqlError::new(
            SqlState::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
            format!("time zone displacement out of range: \"{text}\""),
        ));
    }
    Ok(Value::TimeTz(time, -east))
}

/// Timestamps in ISO form with an optional zone (`Z`, `UTC`, `+HH[:MM]`).
fn parse_timestamp(text: &str, with_zone: bool, style: &OutputStyle) -> Result<i64> {
    use crate::value::datetime_in::{Special, ZoneSpec};
    let name = if with_zone {
        "timestamp with time zone"
    } else {
        "timestamp"
    };
    let d = decode_input(text, name, style)?;
    // Local midnight of today plus `n` days, as an instant or local time.
    let day_start = |n: i32| {
        let local = (local_now(style).div_euclid(USECS_PER_DAY) + i64::from(n)) * USECS_PER_DAY;
        if with_zone {
            local - i64::from(style.zone.offset_at(local)) * 1_000_000
        } else {
            local
        }
    };
    match d.special {
        Some(Special::Infinity) => return Ok(i64::MAX),
        Some(Special::NegInfinity) => return Ok(i64::MIN),
        Some(Special::Epoch) => return Ok(-946_684_800_000_000),
        Some(Special::Now) => {
            return Ok(if with_zone {
                now_micros()
            } else {
                local_now(style)
            })
        }
        Some(Special::Day(n)) => return Ok(day_start(n) + d.time.unwrap_or(0)),
        None => {}
    }
    let (y, m, dd) = d.date.ok_or_else(|| errors::invalid_datetime(name, text))?;
    let days = checked_date(y, m, dd, text, "timestamp")?;
    let out_of_range = || {
        SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("timestamp out of range: \"{text}\""),
        )
    };
    let local = i64::from(days)
        .checked_mul(USECS_PER_DAY)
        .and_then(|x| x.checked_add(d.time.unwrap_or(0)))
        .ok_or_else(out_of_range)?;
    let value = if with_zone {
        let offset_secs = match &d.zone {
            Some(ZoneSpec::Offset(o)) => i64::from(*o),
            Some(ZoneSpec::Named(z)) => i64::from(local_offset(z, local)),
            // No zone: the session zone at that local time.
            None => i64::from(local_offset(&style.zone, local)),
        };
        local
            .checked_sub(offset_secs * 1_000_000)
            .ok_or_else(out_of_range)?
    } else {
        local
    };
    // 4714-11-24 00:00 BC up to 294276-12-31 23:59:59.999999, as
    // IS_VALID_TIMESTAMP.
    if !(MIN_TIMESTAMP..END_TIMESTAMP).contains(&value) {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("timestamp out of range: \"{text}\""),
        ));
    }
    Ok(value)
}

/// The offset of `zone` for local time `local` (DetermineTimeZoneOffset:
/// the offset in force at that wall-clock time).
/// Near a transition a local time that does not exist (spring forward)
/// or exists twice (fall back) takes the smaller offset, standard time,
/// as PostgreSQL does.
pub(crate) fn local_offset(zone: &crate::value::Zone, local: i64) -> i32 {
    const DAY: i64 = USECS_PER_DAY;
    let (a, b) = (
        zone.offset_at(local.saturating_sub(DAY)),
        zone.offset_at(local.saturating_add(DAY)),
    );
    if a == b {
        let o = zone.offset_at(local - i64::from(a) * 1_000_000);
        return if o == a { a } else { o.min(a) };
    }
    let valid = |o: i32| zone.offset_at(local - i64::from(o) * 1_000_000) == o;
    match (valid(a), valid(b)) {
        (true, false) => a,
        (false, true) => b,
        _ => a.min(b),
    }
}

/// PostgreSQL's MIN_TIMESTAMP: 4714-11-24 00:00:00 BC, in microseconds
/// from 2000-01-01.
pub(crate) const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
/// PostgreSQL's END_TIMESTAMP: 294277-01-01 00:00:00.
pub(crate) const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

/// interval_in: `text` under `typmod` (-1: none), in IntervalStyle
/// `style` (sql_standard reads a leading minus as applying to all fields).
pub fn parse_interval(text: &str, typmod: i32, style: &OutputStyle) -> Result<Interval> {
    use crate::value::interval_in::{self, IntervalError};
    let sql_standard = style.interval == crate::value::IntervalOut::SqlStandard;
    interval_in::parse(text, typmod, sql_standard).map_err(|e| match e {
        IntervalError::Syntax => errors::invalid_datetime("interval", text),
        IntervalError::FieldOverflow => SqlError::new(
            SqlState::INTERVAL_FIELD_OVERFLOW,
            format!("interval field value out of range: \"{text}\""),
        ),
        IntervalError::OutOfRange => {
            SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range")
        }
    })
}

/// Local time (in the session's zone) to UTC, with the offset in force
/// then.
fn local_to_utc(local: i64, style: &OutputStyle) -> i64 {
    let guess = local - i64::from(style.zone.offset_at(local)) * 1_000_000;
    local - i64::from(style.zone.offset_at(guess)) * 1_000_000
}

/// UTC to local time in the session's zone.
fn utc_to_local(utc: i64, style: &OutputStyle) -> i64 {
    utc + i64::from(style.zone.offset_at(utc)) * 1_000_000
}

/// pg_lsn_in: two groups of one to eight hex digits around a slash.
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.split_once('/')?;
    let part = |s: &str| {
        (!s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u64::from_str_radix(s, 16).ok())
            .flatten()
    };
    Some(part(hi)? << 32 | part(lo)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    fn style() -> OutputStyle {
        OutputStyle::default()
    }

    fn cast(v: Value, from: DataType, to: DataType) -> Result<Value> {
        cast_value(v, from, to, -1, true, &style())
    }

    #[test]
    fn contexts_match_pg_cast() {
        assert!(can_coerce(Int4, Int8, CoercionContext::Implicit));
        assert!(!can_coerce(Int8, Int4, CoercionContext::Implicit));
        assert!(can_coerce(Int8, Int4, CoercionContext::Assignment));
        assert!(!can_coerce(Float8, Numeric, CoercionContext::Implicit));
        assert!(can_coerce(Numeric, Float8, CoercionContext::Implicit));
        assert!(can_coerce(Int4, Text, CoercionContext::Assignment));
        assert!(!can_coerce(Int4, Text, CoercionContext::Implicit));
        assert!(can_coerce(Text, Int4, CoercionContext::Explicit));
        assert!(!can_coerce(Bool, Int8, CoercionContext::Explicit));
        assert!(can_coerce(Unknown, Bool, CoercionContext::Implicit));
    }

    #[test]
    fn integer_input_and_ranges() {
        assert_eq!(
            parse_text("   12  ", Int4, &style()).unwrap(),
            Value::Int4(12)
        );
        let e = parse_text("1e3", Int4, &style()).unwrap_err();
        assert_eq!(
            e.message(),
            "invalid input syntax for type integer: \"1e3\""
        );
        let e = parse_text("99999999999", Int4, &style()).unwrap_err();
        assert_eq!(
            e.message(),
            "value \"99999999999\" is out of range for type integer"
        );
        let e = cast(Value::Int8(99_999_999_999), Int8, Int4).unwrap_err();
        assert_eq!(e.message(), "integer out of range");
    }

    #[test]
    fn float_and_numeric_to_int_rounding() {
        assert_eq!(
            cast(Value::Float8(2.5), Float8, Int4).unwrap(),
            Value::Int4(2)
        );
        assert_eq!(
            cast(Value::Float8(3.5), Float8, Int4).unwrap(),
            Value::Int4(4)
        );
        assert_eq!(
            cast(Value::Float4(3.7), Float4, Int2).unwrap(),
            Value::Int2(4)
        );
        let n = Value::Numeric(crate::value::Numeric::parse("2.5").unwrap());
        assert_eq!(cast(n, Numeric, Int4).unwrap(), Value::Int4(3));
    }

    #[test]
    fn varchar_length_rules() {
        let long = Value::Text("abcdef".into());
        let e = cast_value(long.clone(), Text, Varchar, 3 + 4, false, &style()).unwrap_err();
        assert_eq!(e.message(), "value too long for type character varying(3)");
        assert_eq!(e.code(), SqlState::STRING_DATA_RIGHT_TRUNCATION);
        let v = cast_value(long, Text, Varchar, 3 + 4, true, &style()).unwrap();
        assert_eq!(v, Value::Text("abc".into()));
        let v = cast_value(
            Value::Text("ab".into()),
            Text,
            Bpchar,
            4 + 4,
            false,
            &style(),
        )
        .unwrap();
        assert_eq!(v, Value::Text("ab  ".into()));
    }

    #[test]
    fn text_output_cast_uses_style() {
        let v = cast(Value::Float8(0.1), Float8, Text).unwrap();
        assert_eq!(v, Value::Text("0.1".into()));
        let v = cast(Value::Bool(true), Bool, Text).unwrap();
        assert_eq!(v, Value::Text("true".into()));
    }

    #[test]
    fn timestamps_and_intervals_parse() {
        let v = parse_text("2026-11-23 20:14:32.5+05:30", TimestampTz, &style()).unwrap();
        assert_eq!(v.to_text(&style()).unwrap(), "2026-11-23 14:44:32.5+00");
        let v = parse_text("1 year 2 mons 3 days 04:05:06.7", Interval, &style()).unwrap();
        assert_eq!(
            v.to_text(&style()).unwrap(),
            "1 year 2 mons 3 days 04:05:06.7"
        );
        assert!(parse_text("2026-02-30", Date, &style()).is_err());
    }
}
