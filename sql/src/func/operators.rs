//! Operators: arithmetic with PostgreSQL's overflow errors, comparisons,
//! concatenation. Same-type operators suffice: PostgreSQL's cross-type
//! integer operators (int48pl ...) give the same result types as the
//! implicit widening the resolver applies.

use std::cmp::Ordering;

use super::{f, non_strict, FuncDef};
use crate::error::{errors, Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{self, *};
use crate::value::{Interval, Value, USECS_PER_DAY};

/// Extracts argument `$i` as variant `$v`, or fails as a planning bug.
macro_rules! arg {
    ($args:expr, $i:expr, $v:ident) => {
        match &$args[$i] {
            Value::$v(x) => x.clone(),
            other => return Err($crate::func::operators::mismatch(other)),
        }
    };
}
pub(crate) use arg;

/// An argument of the wrong variant: the binder coerced wrongly.
pub(crate) fn mismatch(v: &Value) -> SqlError {
    SqlError::internal(format!("unexpected argument value {v:?}"))
}

macro_rules! int_ops {
    ($table:ident, $t:expr, $v:ident, $name:literal) => {
        pub(super) static $table: &[FuncDef] = &[
            f("+", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                x.checked_add(y)
                    .map(Value::$v)
                    .ok_or_else(|| errors::out_of_range(concat!($name, " out of range")))
            }),
            f("-", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                x.checked_sub(y)
                    .map(Value::$v)
                    .ok_or_else(|| errors::out_of_range(concat!($name, " out of range")))
            }),
            f("*", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                x.checked_mul(y)
                    .map(Value::$v)
                    .ok_or_else(|| errors::out_of_range(concat!($name, " out of range")))
            }),
            f("/", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                if y == 0 {
                    return Err(errors::division_by_zero());
                }
                x.checked_div(y)
                    .map(Value::$v)
                    .ok_or_else(|| errors::out_of_range(concat!($name, " out of range")))
            }),
            f("%", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                if y == 0 {
                    return Err(errors::division_by_zero());
                }
                Ok(Value::$v(x.checked_rem(y).unwrap_or(0)))
            }),
            f("-", &[$t], $t, |a, _| {
                let x = arg!(a, 0, $v);
                x.checked_neg()
                    .map(Value::$v)
                    .ok_or_else(|| errors::out_of_range(concat!($name, " out of range")))
            }),
            f("+", &[$t], $t, |a, _| Ok(a[0].clone())),
            f("&", &[$t, $t], $t, |a, _| {
                Ok(Value::$v(arg!(a, 0, $v) & arg!(a, 1, $v)))
            }),
            f("|", &[$t, $t], $t, |a, _| {
                Ok(Value::$v(arg!(a, 0, $v) | arg!(a, 1, $v)))
            }),
            f("#", &[$t, $t], $t, |a, _| {
                Ok(Value::$v(arg!(a, 0, $v) ^ arg!(a, 1, $v)))
            }),
            f("~", &[$t], $t, |a, _| Ok(Value::$v(!arg!(a, 0, $v)))),
            // Shifts take an int4 count, used modulo the width as C does
            // on the machines PostgreSQL runs on.
            f("<<", &[$t, Int4], $t, |a, _| {
                Ok(Value::$v(
                    arg!(a, 0, $v).wrapping_shl(arg!(a, 1, Int4) as u32),
                ))
            }),
            f(">>", &[$t, Int4], $t, |a, _| {
                Ok(Value::$v(
                    arg!(a, 0, $v).wrapping_shr(arg!(a, 1, Int4) as u32),
                ))
            }),
            f("@", &[$t], $t, |a, _| {
                let x = arg!(a, 0, $v);
                x.checked_abs()
                    .map(Value::$v)
                    .ok_or_else(|| errors::out_of_range(concat!($name, " out of range")))
            }),
        ];
    };
}

int_ops!(INT2_OPS, Int2, Int2, "smallint");
int_ops!(INT4_OPS, Int4, Int4, "integer");
int_ops!(INT8_OPS, Int8, Int8, "bigint");

/// float8 result checks of float.c: overflow to infinity from finite
/// inputs, underflow to zero from non-zero inputs.
fn float_checked(r: f64, inf_ok: bool, zero_ok: bool) -> Result<f64> {
    if r.is_infinite() && !inf_ok {
        return Err(errors::out_of_range("value out of range: overflow"));
    }
    if r == 0.0 && !zero_ok {
        return Err(errors::out_of_range("value out of range: underflow"));
    }
    Ok(r)
}

macro_rules! float_ops {
    ($table:ident, $t:expr, $v:ident, $ty:ty) => {
        pub(super) static $table: &[FuncDef] = &[
            f("+", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                let r = x + y;
                float_checked(r.into(), x.is_infinite() || y.is_infinite(), true)
                    .map(|_| Value::$v(r))
            }),
            f("-", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                let r = x - y;
                float_checked(r.into(), x.is_infinite() || y.is_infinite(), true)
                    .map(|_| Value::$v(r))
            }),
            f("*", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                let r = x * y;
                float_checked(
                    r.into(),
                    x.is_infinite() || y.is_infinite(),
                    x == 0.0 || y == 0.0,
                )
                .map(|_| Value::$v(r))
            }),
            f("/", &[$t, $t], $t, |a, _| {
                let (x, y) = (arg!(a, 0, $v), arg!(a, 1, $v));
                if y == 0.0 && !x.is_nan() {
                    return Err(errors::division_by_zero());
                }
                let r = x / y;
                float_checked(r.into(), x.is_infinite(), x == 0.0 || y.is_infinite())
                    .map(|_| Value::$v(r))
            }),
            f("-", &[$t], $t, |a, _| Ok(Value::$v(-arg!(a, 0, $v)))),
            f("+", &[$t], $t, |a, _| Ok(a[0].clone())),
            f("@", &[$t], $t, |a, _| Ok(Value::$v(arg!(a, 0, $v).abs()))),
        ];
    };
}

float_ops!(FLOAT4_OPS, Float4, Float4, f32);
float_ops!(FLOAT8_OPS, Float8, Float8, f64);

/// A float4 or float8 argument widened to f64.
fn wide(v: &Value) -> Result<f64> {
    match v {
        Value::Float4(x) => Ok(f64::from(*x)),
        Value::Float8(x) => Ok(*x),
        other => Err(mismatch(other)),
    }
}

/// float48 and float84 arithmetic: computed and returned as float8.
fn mixed_arith(a: &[Value], op: u8) -> Result<Value> {
    let (x, y) = (wide(&a[0])?, wide(&a[1])?);
    let inf_in = x.is_infinite() || y.is_infinite();
    let r = match op {
        b'+' => float_checked(x + y, inf_in, true)?,
        b'-' => float_checked(x - y, inf_in, true)?,
        b'*' => float_checked(x * y, inf_in, x == 0.0 || y == 0.0)?,
        _ => {
            if y == 0.0 && !x.is_nan() {
                return Err(errors::division_by_zero());
            }
            float_checked(x / y, x.is_infinite(), x == 0.0 || y.is_infinite())?
        }
    };
    Ok(Value::Float8(r))
}

fn mixed_order(a: &[Value]) -> Result<Ordering> {
    Ok(crate::value::float_cmp(wide(&a[0])?, wide(&a[1])?))
}

macro_rules! mixed_float_ops {
    ($table:ident, $l:expr, $r:expr) => {
        static $table: &[FuncDef] = &[
            f("+", &[$l, $r], Float8, |a, _| mixed_arith(a, b'+')),
            f("-", &[$l, $r], Float8, |a, _| mixed_arith(a, b'-')),
            f("*", &[$l, $r], Float8, |a, _| mixed_arith(a, b'*')),
            f("/", &[$l, $r], Float8, |a, _| mixed_arith(a, b'/')),
            f("=", &[$l, $r], Bool, |a, _| {
                Ok(Value::Bool(mixed_order(a)?.is_eq()))
            }),
            f("<>", &[$l, $r], Bool, |a, _| {
                Ok(Value::Bool(mixed_order(a)?.is_ne()))
            }),
            f("<", &[$l, $r], Bool, |a, _| {
                Ok(Value::Bool(mixed_order(a)?.is_lt()))
            }),
            f("<=", &[$l, $r], Bool, |a, _| {
                Ok(Value::Bool(mixed_order(a)?.is_le()))
            }),
            f(">", &[$l, $r], Bool, |a, _| {
                Ok(Value::Bool(mixed_order(a)?.is_gt()))
            }),
            f(">=", &[$l, $r], Bool, |a, _| {
                Ok(Value::Bool(mixed_order(a)?.is_ge()))
            }),
        ];
    };
}

mixed_float_ops!(FLOAT48_OPS, Float4, Float8);
mixed_float_ops!(FLOAT84_OPS, Float8, Float4);

static NUMERIC_OPS: &[FuncDef] = &[
    f("+", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).add(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("-", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).sub(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("*", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).mul(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("/", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).div(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("%", &[Numeric, Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(
            arg!(a, 0, Numeric).rem(&arg!(a, 1, Numeric))?,
        ))
    }),
    f("-", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).neg()))
    }),
    f("+", &[Numeric], Numeric, |a, _| Ok(a[0].clone())),
    f("@", &[Numeric], Numeric, |a, _| {
        Ok(Value::Numeric(arg!(a, 0, Numeric).abs()))
    }),
];

/// The ordering of two same-typed values, for the comparison operators.
pub(super) fn order(a: &[Value]) -> Result<Ordering> {
    a[0].compare(&a[1])
        .ok_or_else(|| SqlError::internal(format!("cannot compare {:?} and {:?}", a[0], a[1])))
}

/// bpchar compares without trailing blanks.
fn bpchar_order(a: &[Value]) -> Result<Ordering> {
    let x = arg!(a, 0, Text);
    let y = arg!(a, 1, Text);
    Ok(x.trim_end_matches(' ').cmp(y.trim_end_matches(' ')))
}

macro_rules! cmp_ops {
    ($table:ident, $t:expr, $order:path) => {
        pub(super) static $table: &[FuncDef] = &[
            f("=", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_eq()))
            }),
            f("<>", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_ne()))
            }),
            f("<", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_lt()))
            }),
            f("<=", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_le()))
            }),
            f(">", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_gt()))
            }),
            f(">=", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_ge()))
            }),
        ];
    };
}

pub(super) use cmp_ops;

cmp_ops!(BOOL_CMP, Bool, order);
cmp_ops!(INT2_CMP, Int2, order);
cmp_ops!(INT4_CMP, Int4, order);
cmp_ops!(INT8_CMP, Int8, order);
cmp_ops!(FLOAT4_CMP, Float4, order);
cmp_ops!(FLOAT8_CMP, Float8, order);
cmp_ops!(NUMERIC_CMP, Numeric, order);
cmp_ops!(TEXT_CMP, Text, order);
cmp_ops!(NAME_CMP, Name, order);
cmp_ops!(BPCHAR_CMP, Bpchar, bpchar_order);

/// The text_pattern_ops / bpchar_pattern_ops comparisons (`~<~`,
/// `~<=~`, `~>=~`, `~>~`): byte by byte whatever the collation.
macro_rules! pattern_ops {
    ($table:ident, $t:expr, $order:path) => {
        pub(super) static $table: &[FuncDef] = &[
            f("~<~", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_lt()))
            }),
            f("~<=~", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_le()))
            }),
            f("~>=~", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_ge()))
            }),
            f("~>~", &[$t, $t], Bool, |a, _| {
                Ok(Value::Bool($order(a)?.is_gt()))
            }),
        ];
    };
}

pattern_ops!(TEXT_PATTERN_CMP, Text, order);
pattern_ops!(BPCHAR_PATTERN_CMP, Bpchar, bpchar_order);
cmp_ops!(BYTEA_CMP, Bytea, order);
cmp_ops!(OID_CMP, Oid, order);
cmp_ops!(DATE_CMP, Date, order);
cmp_ops!(TIME_CMP, Time, order);
cmp_ops!(TIMETZ_CMP, TimeTz, order);
cmp_ops!(TIMESTAMP_CMP, Timestamp, order);
cmp_ops!(TIMESTAMPTZ_CMP, TimestampTz, order);
cmp_ops!(INTERVAL_CMP, Interval, order);
cmp_ops!(UUID_CMP, Uuid, order);
cmp_ops!(INET_CMP, Inet, order);
cmp_ops!(ARRAY_CMP, AnyArray, order);
cmp_ops!(XID8_CMP, Xid8, order);
cmp_ops!(RECORD_CMP, Record, record_order);

/// Composite values compared as PostgreSQL's btrecordcmp: field by field
/// with each type's ordering, NULLs equal to each other and after every
/// value (so `=` is record_eq, which never answers NULL).
fn record_order(a: &[Value]) -> Result<Ordering> {
    if let (Value::Record(x), Value::Record(y)) = (&a[0], &a[1]) {
        if x.items().len() != y.items().len() {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                "cannot compare record types with different numbers of columns",
            ));
        }
    }
    a[0].compare(&a[1]).ok_or_else(|| {
        SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            "cannot compare dissimilar column types",
        )
    })
}

/// xid = xid and xid <> xid (xids compare only for equality: they wrap).
pub(super) static XID_EQ: &[FuncDef] = &[
    f("=", &[Xid, Xid], Bool, |a, _| {
        Ok(Value::Bool(order(a)?.is_eq()))
    }),
    f("<>", &[Xid, Xid], Bool, |a, _| {
        Ok(Value::Bool(order(a)?.is_ne()))
    }),
];

/// Array concatenation.
pub(super) static ARRAY_OPS: &[FuncDef] = &[
    non_strict(f(
        "||",
        &[AnyCompatibleArray, AnyCompatibleArray],
        AnyCompatibleArray,
        super::arrays::cat,
    )),
    non_strict(f(
        "||",
        &[AnyCompatibleArray, AnyCompatible],
        AnyCompatibleArray,
        super::arrays::append,
    )),
    non_strict(f(
        "||",
        &[AnyCompatible, AnyCompatibleArray],
        AnyCompatibleArray,
        super::arrays::prepend,
    )),
];

/// Text form of any value for the polymorphic `||`: its cast to text
/// (PostgreSQL's textanycat is `$1 || $2::text`, so a boolean is `true`).
fn as_text(v: &Value, ctx: &EvalCtx<'_>) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        other => {
            let mut s = String::new();
            other.write_text(ctx.style(), &mut s);
            s
        }
    }
}

static CONCAT_OPS: &[FuncDef] = &[
    f("||", &[Text, Text], Text, |a, _| {
        let mut s = arg!(a, 0, Text);
        s.push_str(&arg!(a, 1, Text));
        Ok(Value::Text(s))
    }),
    f("||", &[Text, DataType::AnyNonArray], Text, |a, ctx| {
        let mut s = arg!(a, 0, Text);
        s.push_str(&as_text(&a[1], ctx));
        Ok(Value::Text(s))
    }),
    f("||", &[DataType::AnyNonArray, Text], Text, |a, ctx| {
        let mut s = as_text(&a[0], ctx);
        s.push_str(&arg!(a, 1, Text));
        Ok(Value::Text(s))
    }),
    f("||", &[Bytea, Bytea], Bytea, |a, _| {
        let mut b = arg!(a, 0, Bytea);
        b.extend_from_slice(&arg!(a, 1, Bytea));
        Ok(Value::Bytea(b))
    }),
];

fn ts_overflow() -> SqlError {
    SqlError::new(
        crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
        "timestamp out of range",
    )
}

/// interval * factor (or / factor), as PostgreSQL's interval_mul and
/// interval_div: fractional months spill into days (30 per month),
/// fractional days into time (24 hours per day).
fn interval_scale(iv: &Interval, factor: f64, divide: bool) -> Result<Interval> {
    let out_of_range = || {
        SqlError::new(
            crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
            "interval out of range",
        )
    };
    if divide && factor == 0.0 {
        return Err(errors::division_by_zero());
    }
    if factor.is_nan() {
        return Err(out_of_range());
    }
    let scale = |x: f64| if divide { x / factor } else { x * factor };
    let months_f = scale(f64::from(iv.months));
    let months = months_f.trunc();
    // Rounded to microsecond precision (TSROUND) before it spills on.
    let tsround = |x: f64| (x * 1e6).round_ties_even() / 1e6;
    let month_rem_days = tsround((months_f - months) * 30.0);
    let days_f = scale(f64::from(iv.days));
    let mut days = days_f.trunc();
    let mut sec_rem = tsround((days_f - days + month_rem_days - month_rem_days.trunc()) * 86_400.0);
    // Rounding, or the cascade from months and days, may leave a day
    // or more of seconds.
    if sec_rem.abs() >= 86_400.0 {
        let whole = (sec_rem / 86_400.0).trunc();
        days += whole;
        sec_rem -= whole * 86_400.0;
    }
    let total_days = days + month_rem_days.trunc();
    let micros = (scale(iv.micros as f64) + sec_rem * 1e6).round_ties_even();
    let fits32 = |x: f64| x.is_finite() && x >= f64::from(i32::MIN) && x <= f64::from(i32::MAX);
    if !fits32(months) || !fits32(total_days) || !micros.is_finite() || micros.abs() >= 9.2e18 {
        return Err(out_of_range());
    }
    Ok(Interval {
        months: months as i32,
        days: total_days as i32,
        micros: micros as i64,
    })
}

/// timestamp + interval: months first (clamping the day), then days, then
/// microseconds, as timestamp_pl_interval does.
fn add_interval(ts: i64, iv: &Interval, sign: i32) -> Result<i64> {
    use crate::value::{date2j, j2date, POSTGRES_EPOCH_JDATE};
    if ts == i64::MIN || ts == i64::MAX {
        // An infinite timestamp stays infinite (timestamp_pl_interval).
        return Ok(ts);
    }
    let mut t = ts;
    if iv.months != 0 {
        let days = t.div_euclid(USECS_PER_DAY);
        let time = t.rem_euclid(USECS_PER_DAY);
        let (y, m, d) = j2date(days as i32 + POSTGRES_EPOCH_JDATE);
        let total = (y * 12 + (m as i32 - 1))
            .checked_add(sign.checked_mul(iv.months).ok_or_else(ts_overflow)?)
            .ok_or_else(ts_overflow)?;
        let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) + 1);
        if !(-4713..=294277).contains(&ny) {
            return Err(ts_overflow());
        }
        let last = match nm {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            _ if (ny % 4 == 0 && ny % 100 != 0) || ny % 400 == 0 => 29,
            _ => 28,
        };
        let nd = (d as i32).min(last);
        t = i64::from(date2j(ny, nm, nd) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY + time;
    }
    // Days and time in i128: a span of days as long as the whole range
    // (from 4713 BC) exceeds i64 microseconds though its result does not.
    let sum = i128::from(t)
        + i128::from(sign) * i128::from(iv.days) * i128::from(USECS_PER_DAY)
        + i128::from(sign) * i128::from(iv.micros);
    i64::try_from(sum)
        .ok()
        .filter(|t| (crate::cast::MIN_TIMESTAMP..crate::cast::END_TIMESTAMP).contains(t))
        .ok_or_else(ts_overflow)
}

/// timestamp - timestamp: days and microseconds (interval_justify_hours).
fn ts_diff(a: i64, b: i64) -> Result<Value> {
    if [a, b].iter().any(|t| *t == i64::MIN || *t == i64::MAX) {
        return Err(SqlError::new(
            crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
            "cannot subtract infinite timestamps",
        ));
    }
    let d = a.checked_sub(b).ok_or_else(ts_overflow)?;
    Ok(Value::Interval(Interval {
        months: 0,
        days: (d / USECS_PER_DAY) as i32,
        micros: d % USECS_PER_DAY,
    }))
}

static DATETIME_OPS: &[FuncDef] = &[
    f("-", &[TimestampTz, TimestampTz], Interval, |a, _| {
        ts_diff(arg!(a, 0, TimestampTz), arg!(a, 1, TimestampTz))
    }),
    f("-", &[Timestamp, Timestamp], Interval, |a, _| {
        ts_diff(arg!(a, 0, Timestamp), arg!(a, 1, Timestamp))
    }),
    f("+", &[TimestampTz, Interval], TimestampTz, |a, _| {
        Ok(Value::TimestampTz(add_interval(
            arg!(a, 0, TimestampTz),
            &arg!(a, 1, Interval),
            1,
        )?))
    }),
    f("-", &[TimestampTz, Interval], TimestampTz, |a, _| {
        Ok(Value::TimestampTz(add_interval(
            arg!(a, 0, TimestampTz),
            &arg!(a, 1, Interval),
            -1,
        )?))
    }),
    f("+", &[Timestamp, Interval], Timestamp, |a, _| {
        Ok(Value::Timestamp(add_interval(
            arg!(a, 0, Timestamp),
            &arg!(a, 1, Interval),
            1,
        )?))
    }),
    f("-", &[Timestamp, Interval], Timestamp, |a, _| {
        Ok(Value::Timestamp(add_interval(
            arg!(a, 0, Timestamp),
            &arg!(a, 1, Interval),
            -1,
        )?))
    }),
    f("-", &[Interval, Interval], Interval, |a, _| {
        let (x, y) = (arg!(a, 0, Interval), arg!(a, 1, Interval));
        let overflow = || {
            SqlError::new(
                crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
                "interval out of range",
            )
        };
        Ok(Value::Interval(Interval {
            months: x.months.checked_sub(y.months).ok_or_else(overflow)?,
            days: x.days.checked_sub(y.days).ok_or_else(overflow)?,
            micros: x.micros.checked_sub(y.micros).ok_or_else(overflow)?,
        }))
    }),
    f("*", &[Interval, Float8], Interval, |a, _| {
        interval_scale(&arg!(a, 0, Interval), arg!(a, 1, Float8), false).map(Value::Interval)
    }),
    f("*", &[Float8, Interval], Interval, |a, _| {
        interval_scale(&arg!(a, 1, Interval), arg!(a, 0, Float8), false).map(Value::Interval)
    }),
    f("/", &[Interval, Float8], Interval, |a, _| {
        interval_scale(&arg!(a, 0, Interval), arg!(a, 1, Float8), true).map(Value::Interval)
    }),
    f("+", &[Interval, Timestamp], Timestamp, |a, _| {
        Ok(Value::Timestamp(add_interval(
            arg!(a, 1, Timestamp),
            &arg!(a, 0, Interval),
            1,
        )?))
    }),
    f("+", &[Date, Interval], Timestamp, |a, _| {
        let ts = date_micros(arg!(a, 0, Date))?;
        Ok(Value::Timestamp(add_interval(
            ts,
            &arg!(a, 1, Interval),
            1,
        )?))
    }),
    f("+", &[Interval, Date], Timestamp, |a, _| {
        let ts = date_micros(arg!(a, 1, Date))?;
        Ok(Value::Timestamp(add_interval(
            ts,
            &arg!(a, 0, Interval),
            1,
        )?))
    }),
    f("-", &[Date, Interval], Timestamp, |a, _| {
        let ts = date_micros(arg!(a, 0, Date))?;
        Ok(Value::Timestamp(add_interval(
            ts,
            &arg!(a, 1, Interval),
            -1,
        )?))
    }),
    f("+", &[TimeTz, Interval], TimeTz, |a, _| {
        timetz_plus(&a[0], &arg!(a, 1, Interval), 1)
    }),
    f("+", &[Interval, TimeTz], TimeTz, |a, _| {
        timetz_plus(&a[1], &arg!(a, 0, Interval), 1)
    }),
    f("-", &[TimeTz, Interval], TimeTz, |a, _| {
        timetz_plus(&a[0], &arg!(a, 1, Interval), -1)
    }),
    // datetime_pl: the date's midnight plus the time.
    f("+", &[Date, Time], Timestamp, |a, _| {
        date_time(arg!(a, 0, Date), arg!(a, 1, Time))
    }),
    f("+", &[Time, Date], Timestamp, |a, _| {
        date_time(arg!(a, 1, Date), arg!(a, 0, Time))
    }),
    f("+", &[Date, TimeTz], TimestampTz, |a, _| {
        super::datetime::date_timetz(arg!(a, 0, Date), &a[1])
    }),
    f("+", &[TimeTz, Date], TimestampTz, |a, _| {
        super::datetime::date_timetz(arg!(a, 1, Date), &a[0])
    }),
    f("+", &[Time, Interval], Time, |a, _| {
        let iv = arg!(a, 1, Interval);
        Ok(Value::Time(
            (arg!(a, 0, Time) + iv.micros).rem_euclid(crate::value::USECS_PER_DAY),
        ))
    }),
    f("-", &[Time, Interval], Time, |a, _| {
        let iv = arg!(a, 1, Interval);
        Ok(Value::Time(
            (arg!(a, 0, Time) - iv.micros).rem_euclid(crate::value::USECS_PER_DAY),
        ))
    }),
    f("-", &[Date, Date], Int4, |a, _| {
        if [arg!(a, 0, Date), arg!(a, 1, Date)]
            .iter()
            .any(|d| *d == i32::MIN || *d == i32::MAX)
        {
            return Err(SqlError::new(
                crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
                "cannot subtract infinite dates",
            ));
        }
        arg!(a, 0, Date)
            .checked_sub(arg!(a, 1, Date))
            .map(Value::Int4)
            .ok_or_else(|| errors::out_of_range("integer out of range"))
    }),
    f("+", &[Date, Int4], Date, |a, _| {
        let d = arg!(a, 0, Date);
        if d == i32::MAX || d == i32::MIN {
            // An infinite date stays infinite (date_pli / date_mii).
            return Ok(Value::Date(d));
        }
        d.checked_add(arg!(a, 1, Int4))
            .filter(|d| crate::value::valid_date(i64::from(*d)))
            .map(Value::Date)
            .ok_or_else(|| {
                SqlError::new(
                    crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
                    "date out of range",
                )
            })
    }),
    f("-", &[Date, Int4], Date, |a, _| {
        let d = arg!(a, 0, Date);
        if d == i32::MAX || d == i32::MIN {
            // An infinite date stays infinite (date_pli / date_mii).
            return Ok(Value::Date(d));
        }
        d.checked_sub(arg!(a, 1, Int4))
            .filter(|d| crate::value::valid_date(i64::from(*d)))
            .map(Value::Date)
            .ok_or_else(|| {
                SqlError::new(
                    crate::error::SqlState::DATETIME_FIELD_OVERFLOW,
                    "date out of range",
                )
            })
    }),
    f("+", &[Interval, Interval], Interval, |a, _| {
        let (x, y) = (arg!(a, 0, Interval), arg!(a, 1, Interval));
        Ok(Value::Interval(Interval {
            months: x
                .months
                .checked_add(y.months)
                .ok_or_else(|| errors::out_of_range("interval out of range"))?,
            days: x
                .days
                .checked_add(y.days)
                .ok_or_else(|| errors::out_of_range("interval out of range"))?,
            micros: x
                .micros
                .checked_add(y.micros)
                .ok_or_else(|| errors::out_of_range("interval out of range"))?,
        }))
    }),
    f("-", &[Interval], Interval, |a, _| {
        let x = arg!(a, 0, Interval);
        Ok(Value::Interval(Interval {
            months: -x.months,
            days: -x.days,
            micros: -x.micros,
        }))
    }),
];

/// All operator tables.
pub(super) static OPERATORS: &[&[FuncDef]] = &[
    INT2_OPS,
    INT4_OPS,
    INT8_OPS,
    FLOAT4_OPS,
    FLOAT8_OPS,
    FLOAT48_OPS,
    FLOAT84_OPS,
    NUMERIC_OPS,
    BOOL_CMP,
    INT2_CMP,
    INT4_CMP,
    INT8_CMP,
    FLOAT4_CMP,
    FLOAT8_CMP,
    NUMERIC_CMP,
    TEXT_CMP,
    TEXT_PATTERN_CMP,
    NAME_CMP,
    BPCHAR_CMP,
    BPCHAR_PATTERN_CMP,
    BYTEA_CMP,
    OID_CMP,
    DATE_CMP,
    TIME_CMP,
    TIMETZ_CMP,
    TIMESTAMP_CMP,
    TIMESTAMPTZ_CMP,
    INTERVAL_CMP,
    UUID_CMP,
    INET_CMP,
    ARRAY_CMP,
    ARRAY_OPS,
    CONCAT_OPS,
    DATETIME_OPS,
    super::string::LIKE_OPS,
];

/// timetz ± interval: the time part moves, modulo a day; the zone stays.
fn timetz_plus(v: &Value, iv: &crate::value::Interval, sign: i64) -> Result<Value> {
    let (t, z) = super::datetime::timetz_arg(v)?;
    Ok(Value::TimeTz(
        (t + sign * iv.micros).rem_euclid(crate::value::USECS_PER_DAY),
        z,
    ))
}

/// date + time: a timestamp (infinite dates stay infinite).
/// A date's midnight in microseconds (infinite for an infinite date).
fn date_micros(d: i32) -> Result<i64> {
    match date_time(d, 0)? {
        Value::Timestamp(t) => Ok(t),
        _ => Err(ts_overflow()),
    }
}

fn date_time(d: i32, t: i64) -> Result<Value> {
    if d == i32::MAX || d == i32::MIN {
        return Ok(Value::Timestamp(if d > 0 { i64::MAX } else { i64::MIN }));
    }
    i64::from(d)
        .checked_mul(crate::value::USECS_PER_DAY)
        .and_then(|x| x.checked_add(t))
        .map(Value::Timestamp)
        .ok_or_else(ts_overflow)
}

/// Operator `op` of two values of type `t`, called by the name of its
/// function (int4pl, float8mi ...).
fn by_operator(
    op: &str,
    a: &[Value],
    ctx: &mut crate::expr::EvalCtx<'_>,
    t: DataType,
) -> Result<Value> {
    let d = super::lookup(op, 2)
        .into_iter()
        .find(|d| d.args == [t, t])
        .ok_or_else(|| SqlError::internal("no such operator"))?;
    (d.imp)(a, ctx)
}

fn minus(a: &[Value], ctx: &mut crate::expr::EvalCtx<'_>, t: DataType) -> Result<Value> {
    by_operator("-", a, ctx, t)
}

/// The functions behind the numeric types' `+` and `*`, and int8inc
/// (count's state function): what CREATE AGGREGATE's SFUNC names.
pub(super) static OPERATOR_NAMED: &[FuncDef] = &[
    f("int2pl", &[Int2, Int2], Int2, |a, c| {
        by_operator("+", a, c, Int2)
    }),
    f("int4pl", &[Int4, Int4], Int4, |a, c| {
        by_operator("+", a, c, Int4)
    }),
    f("int8pl", &[Int8, Int8], Int8, |a, c| {
        by_operator("+", a, c, Int8)
    }),
    f("float4pl", &[Float4, Float4], Float4, |a, c| {
        by_operator("+", a, c, Float4)
    }),
    f("float8pl", &[Float8, Float8], Float8, |a, c| {
        by_operator("+", a, c, Float8)
    }),
    f("numeric_add", &[Numeric, Numeric], Numeric, |a, c| {
        by_operator("+", a, c, Numeric)
    }),
    f("int4mul", &[Int4, Int4], Int4, |a, c| {
        by_operator("*", a, c, Int4)
    }),
    f("int8mul", &[Int8, Int8], Int8, |a, c| {
        by_operator("*", a, c, Int8)
    }),
    f("float8mul", &[Float8, Float8], Float8, |a, c| {
        by_operator("*", a, c, Float8)
    }),
    f("numeric_mul", &[Numeric, Numeric], Numeric, |a, c| {
        by_operator("*", a, c, Numeric)
    }),
    f("int8inc", &[Int8], Int8, |a, _| match a[0] {
        Value::Int8(n) => n
            .checked_add(1)
            .map(Value::Int8)
            .ok_or_else(|| errors::out_of_range("bigint out of range")),
        _ => Err(SqlError::internal("int8inc of another type")),
    }),
    f("int4larger", &[Int4, Int4], Int4, |a, _| {
        Ok(if a[0].compare(&a[1]) == Some(Ordering::Less) {
            a[1].clone()
        } else {
            a[0].clone()
        })
    }),
    f("int4smaller", &[Int4, Int4], Int4, |a, _| {
        Ok(if a[0].compare(&a[1]) == Some(Ordering::Greater) {
            a[1].clone()
        } else {
            a[0].clone()
        })
    }),
    f("textcat", &[Text, Text], Text, |a, c| {
        by_operator("||", a, c, Text)
    }),
];

/// The functions behind the numeric types' `-` (float8mi ...), which a
/// range type's SUBTYPE_DIFF names.
pub(super) static MINUS_FUNCTIONS: &[FuncDef] = &[
    f("int2mi", &[Int2, Int2], Int2, |a, c| minus(a, c, Int2)),
    f("int4mi", &[Int4, Int4], Int4, |a, c| minus(a, c, Int4)),
    f("int8mi", &[Int8, Int8], Int8, |a, c| minus(a, c, Int8)),
    f("float4mi", &[Float4, Float4], Float4, |a, c| {
        minus(a, c, Float4)
    }),
    f("float8mi", &[Float8, Float8], Float8, |a, c| {
        minus(a, c, Float8)
    }),
    f("numeric_sub", &[Numeric, Numeric], Numeric, |a, c| {
        minus(a, c, Numeric)
    }),
];
