//! Functions applications call that fit no other table: UUIDs,
//! string_to_array, make_date / make_time / make_timestamp, bit_length,
//! and the array containment operators and array_cat.

use super::operators::arg;
use super::{f, non_strict, stable, volatile, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::datetime::{date2j, j2date, POSTGRES_EPOCH_JDATE};
use crate::value::{ArrayRef, Value};

const USECS_PER_SEC: f64 = 1_000_000.0;

fn items(v: &Value) -> &[Value] {
    match v {
        Value::Array(a) => a.items(),
        _ => &[],
    }
}

/// Whether every non-NULL element of `b` is in `a` (NULLs never match,
/// as in PostgreSQL's array_contain_compare).
fn contains(a: &Value, b: &Value) -> bool {
    let a = items(a);
    items(b)
        .iter()
        .all(|x| !x.is_null() && a.iter().any(|y| !y.is_null() && y == x))
}

/// Days since 2000-01-01 of a date (22008 when it does not exist).
/// PostgreSQL's parse_sane_timezone: `+h[:m[:s]]` / `-hhmm` east of UTC
/// (DecodeTimezone), else an abbreviation or a zone name.
fn sane_timezone(name: &str) -> Result<crate::value::datetime_in::ZoneSpec> {
    use crate::value::datetime_in::ZoneSpec;
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(SqlError::new(
            SqlState::INVALID_DATETIME_FORMAT,
            format!("invalid input syntax for type numeric time zone: \"{name}\""),
        )
        .with_hint("Numeric time zones must have \"-\" or \"+\" as first character."));
    }
    let unknown = || {
        SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("time zone \"{name}\" not recognized"),
        )
    };
    if let Some(body) = name.strip_prefix(['+', '-']) {
        // C's strtoint: digits, 0 when there are none.
        let int = |s: &str| -> Option<(i64, usize)> {
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            Some((if n == 0 { 0 } else { s[..n].parse().ok()? }, n))
        };
        let (mut hr, n) = int(body).ok_or_else(unknown)?;
        let mut rest = &body[n..];
        let (mut min, mut sec) = (0, 0);
        if let Some(r) = rest.strip_prefix(':') {
            let (m, n) = int(r).ok_or_else(unknown)?;
            min = m;
            rest = &r[n..];
            if let Some(r) = rest.strip_prefix(':') {
                let (s, n) = int(r).ok_or_else(unknown)?;
                sec = s;
                rest = &r[n..];
            }
        } else if rest.is_empty() && name.len() > 3 {
            min = hr % 100;
            hr /= 100;
        }
        if !(0..=15).contains(&hr) || !(0..60).contains(&min) || !(0..60).contains(&sec) {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("numeric time zone \"{name}\" out of range"),
            ));
        }
        if rest.is_empty() {
            let secs = ((hr * 60 + min) * 60 + sec) as i32;
            return Ok(ZoneSpec::Offset(if name.starts_with('-') {
                -secs
            } else {
                secs
            }));
        }
    }
    crate::value::datetime_in::zone_by_name(name).ok_or_else(unknown)
}

/// The local timestamp of make_timestamp's six arguments.
fn make_local(a: &[Value]) -> Result<i64> {
    let days = make_days(arg!(a, 0, Int4), arg!(a, 1, Int4), arg!(a, 2, Int4))?;
    let t = make_micros(arg!(a, 3, Int4), arg!(a, 4, Int4), arg!(a, 5, Float8))?;
    Ok(i64::from(days) * 86_400_000_000 + t)
}

fn make_days(y: i32, m: i32, d: i32) -> Result<i32> {
    let bad = || {
        SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("date field value out of range: {y}-{m:02}-{d:02}"),
        )
    };
    if y == 0 {
        return Err(bad());
    }
    // Negative years are BC: year -1 is 1 BC, stored as year 0.
    let year = if y < 0 { y + 1 } else { y };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let jd = date2j(year, m, d);
    if j2date(jd) != (year, m as u32, d as u32) {
        return Err(bad());
    }
    Ok(jd - POSTGRES_EPOCH_JDATE)
}

/// Microseconds of a time of day (22008 outside 00:00:00..24:00:00).
fn make_micros(h: i32, m: i32, s: f64) -> Result<i64> {
    let ok = (0..=23).contains(&h) && (0..=59).contains(&m) && (0.0..60.0).contains(&s)
        || (h == 24 && m == 0 && s == 0.0);
    if !ok {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("time field value out of range: {h}:{m:02}:{s:02}"),
        ));
    }
    Ok(i64::from(h) * 3_600_000_000
        + i64::from(m) * 60_000_000
        + (s * USECS_PER_SEC).round() as i64)
}

fn string_to_array(a: &[Value]) -> Result<Value> {
    let Value::Text(s) = &a[0] else {
        return Ok(Value::Null);
    };
    let null = match a.get(2) {
        Some(Value::Text(n)) => Some(n.as_str()),
        _ => None,
    };
    if s.is_empty() {
        return Ok(Value::Array(ArrayRef::new(Vec::new())));
    }
    let parts: Vec<String> = match &a[1] {
        Value::Null => s.chars().map(String::from).collect(),
        Value::Text(d) if d.is_empty() => vec![s.clone()],
        Value::Text(d) => s.split(d.as_str()).map(str::to_owned).collect(),
        _ => vec![s.clone()],
    };
    Ok(Value::Array(ArrayRef::new(
        parts
            .into_iter()
            .map(|p| {
                if Some(p.as_str()) == null {
                    Value::Null
                } else {
                    Value::Text(p)
                }
            })
            .collect(),
    )))
}

/// width_bucket(operand, low, high, count): the bucket of `count` equal
/// ones between `low` and `high` the operand falls in; 0 below, count + 1
/// above (reversed when low > high).
fn width_bucket(x: f64, low: f64, high: f64, count: i32) -> Result<Value> {
    let bad = |m: &str| {
        Err(SqlError::new(
            SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION,
            m.to_owned(),
        ))
    };
    if count <= 0 {
        return bad("count must be greater than zero");
    }
    if low == high {
        return bad("lower bound cannot equal upper bound");
    }
    if x.is_nan() || low.is_nan() || high.is_nan() {
        return bad("operand, lower bound, and upper bound cannot be NaN");
    }
    if !low.is_finite() || !high.is_finite() {
        return bad("lower and upper bounds must be finite");
    }
    let n = f64::from(count);
    let bucket = if low < high {
        if x < low {
            0.0
        } else if x >= high {
            n + 1.0
        } else {
            ((x - low) / (high - low) * n).floor() + 1.0
        }
    } else if x > low {
        0.0
    } else if x <= high {
        n + 1.0
    } else {
        ((low - x) / (low - high) * n).floor() + 1.0
    };
    if bucket > f64::from(i32::MAX) {
        return Err(SqlError::new(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "integer out of range",
        ));
    }
    Ok(Value::Int4(bucket as i32))
}

/// pg_column_size: the bytes a value takes stored (PostgreSQL's
/// representation: fixed-width types their length, variable-width ones
/// their bytes after a 1-byte short header, or 4 bytes past 126).
fn column_size(v: &Value) -> i32 {
    let varlena = |n: usize| n as i32 + if n < 127 { 1 } else { 4 };
    match v {
        Value::Bool(_) => 1,
        Value::Int2(_) => 2,
        Value::Int4(_) | Value::Float4(_) | Value::Date(_) | Value::Oid(_) | Value::Enum(_) => 4,
        Value::Int8(_) | Value::Float8(_) | Value::Time(_) | Value::Timestamp(_) => 8,
        Value::TimestampTz(_) => 8,
        Value::Interval(_) | Value::Uuid(_) => 16,
        Value::Text(s) => varlena(s.len()),
        Value::Bytea(b) => varlena(b.len()),
        other => varlena(other.to_text(&Default::default()).map_or(0, |t| t.len())),
    }
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    f(
        "width_bucket",
        &[Float8, Float8, Float8, Int4],
        Int4,
        |a, _| {
            width_bucket(
                arg!(a, 0, Float8),
                arg!(a, 1, Float8),
                arg!(a, 2, Float8),
                arg!(a, 3, Int4),
            )
        },
    ),
    f(
        "width_bucket",
        &[Numeric, Numeric, Numeric, Int4],
        Int4,
        |a, _| {
            let n = |i: usize| match &a[i] {
                Value::Numeric(n) => n.to_f64(),
                _ => f64::NAN,
            };
            width_bucket(n(0), n(1), n(2), arg!(a, 3, Int4))
        },
    ),
    f("pg_column_size", &[Any], Int4, |a, _| {
        Ok(Value::Int4(column_size(&a[0])))
    }),
    f("to_timestamp", &[Float8], TimestampTz, |a, _| {
        let secs = arg!(a, 0, Float8);
        if secs.is_nan() {
            return Err(SqlError::new(
                SqlState::DATETIME_FIELD_OVERFLOW,
                "timestamp cannot be NaN",
            ));
        }
        if secs.is_infinite() {
            return Ok(Value::TimestampTz(if secs > 0.0 {
                i64::MAX
            } else {
                i64::MIN
            }));
        }
        // Seconds since 1970 to microseconds since 2000.
        let micros = (secs * 1_000_000.0).round()
            - (f64::from(POSTGRES_EPOCH_JDATE) - 2_440_588.0) * 86_400_000_000.0;
        if !(-211_813_488_000_000_000.0..9_224_318_016_000_000_000.0).contains(&micros) {
            return Err(SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, {
                let mut shown = String::new();
                crate::value::format_f64(secs, 1, &mut shown);
                format!("timestamp out of range: \"{shown}\"")
            }));
        }
        Ok(Value::TimestampTz(micros as i64))
    }),
    volatile(f("gen_random_uuid", &[], Uuid, |_, _| {
        let mut b: [u8; 16] = rand::random();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        Ok(Value::Uuid(b))
    })),
    non_strict(f("string_to_array", &[Text, Text], Array(&Text), |a, _| {
        string_to_array(a)
    })),
    non_strict(f(
        "string_to_array",
        &[Text, Text, Text],
        Array(&Text),
        |a, _| string_to_array(a),
    )),
    f(
        "make_interval",
        &[Int4, Int4, Int4, Int4, Int4, Int4, Float8],
        Interval,
        |a, _| {
            let int = |i: usize| match a[i] {
                Value::Int4(v) => i64::from(v),
                _ => 0,
            };
            let secs = arg!(a, 6, Float8);
            let out_of_range =
                || SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range");
            let months = i32::try_from(int(0) * 12 + int(1)).map_err(|_| out_of_range())?;
            let days = i32::try_from(int(2) * 7 + int(3)).map_err(|_| out_of_range())?;
            let micros = (int(4) as f64) * 3_600_000_000.0
                + (int(5) as f64) * 60_000_000.0
                + (secs * 1_000_000.0).round();
            if !micros.is_finite() || micros.abs() >= 9.2e18 {
                return Err(out_of_range());
            }
            Ok(Value::Interval(crate::value::Interval {
                months,
                days,
                micros: micros as i64,
            }))
        },
    ),
    f("make_date", &[Int4, Int4, Int4], Date, |a, _| {
        make_days(arg!(a, 0, Int4), arg!(a, 1, Int4), arg!(a, 2, Int4)).map(Value::Date)
    }),
    f("make_time", &[Int4, Int4, Float8], Time, |a, _| {
        make_micros(arg!(a, 0, Int4), arg!(a, 1, Int4), arg!(a, 2, Float8)).map(Value::Time)
    }),
    f(
        "make_timestamp",
        &[Int4, Int4, Int4, Int4, Int4, Float8],
        Timestamp,
        |a, _| make_local(a).map(Value::Timestamp),
    ),
    stable(f(
        "make_timestamptz",
        &[Int4, Int4, Int4, Int4, Int4, Float8],
        TimestampTz,
        |a, c| {
            let local = make_local(a)?;
            let offset = crate::cast::local_offset(&c.style().zone, local);
            Ok(Value::TimestampTz(local - i64::from(offset) * 1_000_000))
        },
    )),
    stable(f(
        "make_timestamptz",
        &[Int4, Int4, Int4, Int4, Int4, Float8, Text],
        TimestampTz,
        |a, _| {
            use crate::value::datetime_in::ZoneSpec;
            let local = make_local(a)?;
            let offset = match sane_timezone(&arg!(a, 6, Text))? {
                ZoneSpec::Offset(o) => o,
                ZoneSpec::Named(z) => crate::cast::local_offset(&z, local),
            };
            Ok(Value::TimestampTz(local - i64::from(offset) * 1_000_000))
        },
    )),
    f("bit_length", &[Text], Int4, |a, _| {
        Ok(Value::Int4((arg!(a, 0, Text).len() * 8) as i32))
    }),
    f("bit_length", &[Bytea], Int4, |a, _| {
        Ok(Value::Int4((arg!(a, 0, Bytea).len() * 8) as i32))
    }),
    f("@>", &[AnyArray, AnyArray], Bool, |a, _| {
        Ok(Value::Bool(contains(&a[0], &a[1])))
    }),
    f("<@", &[AnyArray, AnyArray], Bool, |a, _| {
        Ok(Value::Bool(contains(&a[1], &a[0])))
    }),
    f("&&", &[AnyArray, AnyArray], Bool, |a, _| {
        let b = items(&a[1]);
        Ok(Value::Bool(
            items(&a[0])
                .iter()
                .any(|x| !x.is_null() && b.iter().any(|y| y == x)),
        ))
    }),
];
