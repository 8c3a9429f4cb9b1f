//! Date/time functions (PostgreSQL's timestamp.c, formatting.c):
//! extract / date_part, date_trunc and to_char for the common patterns.
//! timestamptz values are taken apart in the session's TimeZone.

use super::operators::arg;
use super::{f, non_strict, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::*;
use crate::value::{date2j, j2date, Numeric, Value, POSTGRES_EPOCH_JDATE, USECS_PER_DAY};

/// A timestamp taken apart.
struct Parts {
    year: i32,
    month: u32,
    day: u32,
    /// Julian day.
    jd: i32,
    /// Microseconds since midnight.
    time: i64,
    /// Seconds east of UTC (timestamptz), else 0.
    offset: i32,
    /// Microseconds since 2000-01-01 UTC (epoch arithmetic).
    utc: i64,
}

fn parts(micros: i64, offset: i32) -> Parts {
    let local = micros + i64::from(offset) * 1_000_000;
    let days = local.div_euclid(USECS_PER_DAY);
    let time = local.rem_euclid(USECS_PER_DAY);
    let jd = days as i32 + POSTGRES_EPOCH_JDATE;
    let (year, month, day) = j2date(jd);
    Parts {
        year,
        month,
        day,
        jd,
        time,
        offset,
        utc: micros,
    }
}

fn ts_parts(v: &Value, ctx: &EvalCtx<'_>) -> Option<Parts> {
    match v {
        Value::Timestamp(t) => Some(parts(*t, 0)),
        Value::TimestampTz(t) => Some(parts(*t, ctx.style().zone.offset_at(*t))),
        Value::Date(d) => Some(parts(i64::from(*d).saturating_mul(USECS_PER_DAY), 0)),
        _ => None,
    }
}

/// 0 = Sunday.
fn dow(jd: i32) -> i32 {
    (jd + 1).rem_euclid(7)
}

/// (ISO year, ISO week).
fn iso_week(p: &Parts) -> (i32, i32) {
    let isodow = match dow(p.jd) {
        0 => 7,
        d => d,
    };
    let thursday = p.jd - isodow + 4;
    let (iso_year, _, _) = j2date(thursday);
    (iso_year, (thursday - date2j(iso_year, 1, 1)) / 7 + 1)
}

/// 22023 for a unit extract does not know at all.
fn unknown_unit(unit: &str, ty: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("unit \"{unit}\" not recognized for type {ty}"),
    )
}

/// Units extract knows for some type.
fn known_unit(unit: &str) -> bool {
    matches!(
        unit,
        "year"
            | "years"
            | "y"
            | "yr"
            | "yrs"
            | "month"
            | "months"
            | "mon"
            | "mons"
            | "day"
            | "days"
            | "d"
            | "hour"
            | "hours"
            | "h"
            | "hr"
            | "hrs"
            | "minute"
            | "minutes"
            | "min"
            | "mins"
            | "m"
            | "second"
            | "seconds"
            | "sec"
            | "secs"
            | "s"
            | "millisecond"
            | "milliseconds"
            | "ms"
            | "msec"
            | "msecs"
            | "microsecond"
            | "microseconds"
            | "us"
            | "usec"
            | "usecs"
            | "dow"
            | "isodow"
            | "doy"
            | "week"
            | "weeks"
            | "w"
            | "isoyear"
            | "quarter"
            | "qtr"
            | "decade"
            | "decades"
            | "century"
            | "centuries"
            | "millennium"
            | "millennia"
            | "epoch"
            | "julian"
            | "j"
            | "timezone"
            | "timezone_hour"
            | "timezone_minute"
    )
}

/// extract(unit FROM date): the date's own units (PostgreSQL 14's
/// extract_date); time units are 0A000, epoch a whole number.
fn date_field(unit: &str, p: &Parts) -> Result<Numeric> {
    let lower = unit.to_lowercase();
    match lower.as_str() {
        "epoch" => Ok(Numeric::from_i64(i64::from(p.jd - 2_440_588) * 86_400)),
        "julian" | "j" => Ok(Numeric::from_i64(i64::from(p.jd))),
        "hour" | "hours" | "h" | "hr" | "hrs" | "minute" | "minutes" | "min" | "mins" | "m"
        | "second" | "seconds" | "sec" | "secs" | "s" | "millisecond" | "milliseconds" | "ms"
        | "msec" | "msecs" | "microsecond" | "microseconds" | "us" | "usec" | "usecs"
        | "timezone" | "timezone_hour" | "timezone_minute" => Err(unit_error(unit, "date")),
        _ => field(unit, p, "date"),
    }
}

fn unit_error(unit: &str, ty: &str) -> SqlError {
    SqlError::new(
        SqlState::FEATURE_NOT_SUPPORTED,
        format!("unit \"{unit}\" not supported for type {ty}"),
    )
}

/// The field `unit` of a timestamp, as numeric (extract's type).
fn field(unit: &str, p: &Parts, ty: &str) -> Result<Numeric> {
    let int = |v: i64| Ok(Numeric::from_i64(v));
    let secs_micros = p.time % 60_000_000;
    let lower = unit.to_lowercase();
    // timestamp_part's units: interval input's words and the date table's.
    match crate::value::interval_in::unit_name(&lower).unwrap_or(lower.as_str()) {
        // There is no year 0: 1 BC is -1.
        "year" => int(i64::from(if p.year > 0 { p.year } else { p.year - 1 })),
        "month" => int(i64::from(p.month)),
        "day" => int(i64::from(p.day)),
        "hour" => int(p.time / 3_600_000_000),
        "minute" => int(p.time / 60_000_000 % 60),
        "second" => Ok(Numeric::new(secs_micros.into(), 6)),
        "millisecond" => Ok(Numeric::new(secs_micros.into(), 3)),
        "microsecond" => int(secs_micros),
        "julian" => Numeric::from_i64(i64::from(p.jd))
            .add(&Numeric::from_i64(p.time).div(&Numeric::from_i64(USECS_PER_DAY))?),
        "timezone" if ty == "timestamp with time zone" => int(i64::from(p.offset)),
        "timezone_hour" if ty == "timestamp with time zone" => int(i64::from(p.offset / 3600)),
        "timezone_minute" if ty == "timestamp with time zone" => int(i64::from(p.offset / 60 % 60)),
        "dow" => int(i64::from(dow(p.jd))),
        "isodow" => int(match dow(p.jd) {
            0 => 7,
            d => i64::from(d),
        }),
        "doy" => int(i64::from(p.jd - date2j(p.year, 1, 1) + 1)),
        "week" => int(i64::from(iso_week(p).1)),
        "isoyear" => int(i64::from(match iso_week(p).0 {
            y if y <= 0 => y - 1,
            y => y,
        })),
        "quarter" => int(i64::from((p.month - 1) / 3 + 1)),
        "decade" => int(i64::from(if p.year >= 0 {
            p.year / 10
        } else {
            -((8 - (p.year - 1)) / 10)
        })),
        "century" => int(i64::from(if p.year > 0 {
            (p.year + 99) / 100
        } else {
            -((99 - (p.year - 1)) / 100)
        })),
        "millennium" => int(i64::from(if p.year > 0 {
            (p.year + 999) / 1000
        } else {
            -((999 - (p.year - 1)) / 1000)
        })),
        "epoch" => {
            // In i128: near the end of the timestamp range the shift to
            // 1970 leaves i64.
            let unix = i128::from(p.utc)
                + i128::from((i64::from(POSTGRES_EPOCH_JDATE) - 2_440_588) * USECS_PER_DAY)
                - if ty == "timestamp with time zone" {
                    0
                } else {
                    i128::from(p.offset) * 1_000_000
                };
            Ok(Numeric::new(unix.into(), 6))
        }
        _ if known_unit(&lower) || crate::value::interval_in::unit_name(&lower).is_some() => {
            Err(unit_error(&lower, ty))
        }
        _ => Err(unknown_unit(&lower, ty)),
    }
}

/// The field `unit` of a time of day (time_part): its clock fields and
/// epoch; calendar units are 0A000.
fn time_field(unit: &str, t: i64, zone: Option<i32>) -> Result<Numeric> {
    let lower = unit.to_lowercase();
    let usec_of_minute = t % 60_000_000;
    let ty = match zone {
        Some(_) => "time with time zone",
        None => "time without time zone",
    };
    // The zone's offset east of UTC (timetz keeps it west).
    let east = zone.map(|z| -i64::from(z));
    match crate::value::interval_in::unit_name(&lower).unwrap_or(lower.as_str()) {
        "microsecond" => Ok(Numeric::from_i64(usec_of_minute)),
        "millisecond" => Ok(Numeric::new(usec_of_minute.into(), 3)),
        "second" => Ok(Numeric::new(usec_of_minute.into(), 6)),
        "minute" => Ok(Numeric::from_i64(t / 60_000_000 % 60)),
        "hour" => Ok(Numeric::from_i64(t / 3_600_000_000)),
        "epoch" => {
            let utc = t - east.unwrap_or(0) * 1_000_000;
            Ok(Numeric::new(utc.into(), 6))
        }
        "timezone" if east.is_some() => Ok(Numeric::from_i64(east.unwrap_or(0))),
        "timezone_hour" if east.is_some() => Ok(Numeric::from_i64(east.unwrap_or(0) / 3600)),
        "timezone_minute" if east.is_some() => Ok(Numeric::from_i64(east.unwrap_or(0) / 60 % 60)),
        _ if known_unit(&lower) || crate::value::interval_in::unit_name(&lower).is_some() => {
            Err(unit_error(&lower, ty))
        }
        _ => Err(unknown_unit(&lower, ty)),
    }
}

/// The field `unit` of an interval.
fn interval_field(unit: &str, v: &crate::value::Interval) -> Result<Numeric> {
    let int = |x: i64| Ok(Numeric::from_i64(x));
    let lower = unit.to_lowercase();
    let year = i64::from(v.months / 12);
    let usec_of_minute = v.micros % 60_000_000;
    // interval_part_common: the unit words of interval input.
    match crate::value::interval_in::unit_name(&lower).unwrap_or(lower.as_str()) {
        "microsecond" => int(usec_of_minute),
        "millisecond" => Ok(Numeric::new(usec_of_minute.into(), 3)),
        "second" => Ok(Numeric::new(usec_of_minute.into(), 6)),
        "minute" => int(v.micros / 60_000_000 % 60),
        "hour" => int(v.micros / 3_600_000_000),
        "day" => int(i64::from(v.days)),
        "month" => int(i64::from(v.months % 12)),
        "quarter" => int(i64::from(v.months % 12 / 3 + 1)),
        "year" => int(year),
        "decade" => int(year / 10),
        "century" => int(year / 100),
        "millennium" => int(year / 1000),
        "epoch" => {
            // A year is 365.25 days, a month 30 days, as in PostgreSQL.
            let secs = i128::from(v.months / 12) * 31_557_600_000_000
                + i128::from(v.months % 12) * 30 * i128::from(USECS_PER_DAY)
                + i128::from(v.days) * i128::from(USECS_PER_DAY)
                + i128::from(v.micros);
            Ok(Numeric::new(secs.into(), 6))
        }
        _ if known_unit(&lower) => Err(unit_error(&lower, "interval")),
        _ => Err(unknown_unit(&lower, "interval")),
    }
}

fn extract(a: &[Value], ctx: &mut EvalCtx<'_>, as_float: bool) -> Result<Value> {
    let unit = arg!(a, 0, Text);
    let n = match &a[1] {
        Value::Interval(iv) => interval_field(&unit, iv)?,
        Value::Time(t) => time_field(&unit, *t, None)?,
        Value::TimeTz(t, z) => time_field(&unit, *t, Some(*z))?,
        v => {
            let ty = match v {
                Value::TimestampTz(_) => "timestamp with time zone",
                Value::Date(_) => "date",
                _ => "timestamp without time zone",
            };
            let infinite = match v {
                Value::Timestamp(t) | Value::TimestampTz(t) => {
                    (*t == i64::MAX || *t == i64::MIN).then_some(*t > 0)
                }
                Value::Date(d) => (*d == i32::MAX || *d == i32::MIN).then_some(*d > 0),
                _ => None,
            };
            if let Some(positive) = infinite {
                // NonFiniteTimestampTzPart: units that grow with time are
                // ±Infinity, the others NULL; unknown units still fail.
                let origin = ts_parts(&Value::Timestamp(0), ctx)
                    .ok_or_else(|| SqlError::internal("extract argument"))?;
                if matches!(v, Value::Date(_)) {
                    date_field(&unit, &origin)?;
                } else {
                    field(&unit, &origin, ty)?;
                }
                let monotonic = matches!(
                    unit.to_lowercase().as_str(),
                    "year"
                        | "years"
                        | "y"
                        | "decade"
                        | "decades"
                        | "century"
                        | "centuries"
                        | "millennium"
                        | "millennia"
                        | "julian"
                        | "isoyear"
                        | "epoch"
                );
                if !monotonic {
                    return Ok(Value::Null);
                }
                let n = if positive {
                    Numeric::PosInf
                } else {
                    Numeric::NegInf
                };
                return Ok(if as_float {
                    Value::Float8(n.to_f64())
                } else {
                    Value::Numeric(n)
                });
            }
            let p = ts_parts(v, ctx).ok_or_else(|| SqlError::internal("extract argument"))?;
            if matches!(v, Value::Date(_)) {
                date_field(&unit, &p)?
            } else {
                field(&unit, &p, ty)?
            }
        }
    };
    Ok(if as_float {
        Value::Float8(n.to_f64())
    } else {
        Value::Numeric(n)
    })
}

/// date_trunc: the local time truncated to `unit`, in microseconds since
/// midnight of Julian day `jd`.
fn trunc(unit: &str, p: &Parts) -> Result<(i32, i64)> {
    let day_start = |y: i32, m: u32, d: u32| (date2j(y, m as i32, d as i32), 0);
    Ok(match unit.to_lowercase().as_str() {
        "microseconds" | "microsecond" => (p.jd, p.time),
        "milliseconds" | "millisecond" => (p.jd, p.time - p.time % 1000),
        "second" | "seconds" => (p.jd, p.time - p.time % 1_000_000),
        "minute" | "minutes" => (p.jd, p.time - p.time % 60_000_000),
        "hour" | "hours" => (p.jd, p.time - p.time % 3_600_000_000),
        "day" | "days" => (p.jd, 0),
        "week" | "weeks" => {
            let isodow = match dow(p.jd) {
                0 => 7,
                d => d,
            };
            (p.jd - isodow + 1, 0)
        }
        "month" | "months" => day_start(p.year, p.month, 1),
        "quarter" => day_start(p.year, (p.month - 1) / 3 * 3 + 1, 1),
        "year" | "years" => day_start(p.year, 1, 1),
        "decade" => day_start(p.year - p.year.rem_euclid(10), 1, 1),
        "century" => day_start((p.year - 1).div_euclid(100) * 100 + 1, 1, 1),
        "millennium" => day_start((p.year - 1).div_euclid(1000) * 1000 + 1, 1, 1),
        other => {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("unit \"{other}\" not recognized for type timestamp without time zone"),
            ))
        }
    })
}

fn local_micros(jd: i32, time: i64) -> i64 {
    i64::from(jd - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY + time
}

fn date_trunc(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let unit = arg!(a, 0, Text);
    if let Value::Timestamp(i64::MIN | i64::MAX) | Value::TimestampTz(i64::MIN | i64::MAX) = a[1] {
        // An infinite timestamp truncates to itself (timestamp_trunc).
        return Ok(a[1].clone());
    }
    let p = ts_parts(&a[1], ctx).ok_or_else(|| SqlError::internal("date_trunc argument"))?;
    let (jd, time) = trunc(&unit, &p)?;
    let local = local_micros(jd, time);
    Ok(match &a[1] {
        Value::TimestampTz(_) => {
            // Back to UTC with the offset in force at the truncated time.
            let zone = &ctx.style().zone;
            let guess = local - i64::from(p.offset) * 1_000_000;
            Value::TimestampTz(local - i64::from(zone.offset_at(guess)) * 1_000_000)
        }
        _ => Value::Timestamp(local),
    })
}

/// date_trunc(unit, timestamptz, zone): truncated as the wall clock in
/// `zone` reads it.
fn date_trunc_zone(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    use crate::value::datetime_in::ZoneSpec;
    let t = arg!(a, 1, TimestampTz);
    if t == i64::MIN || t == i64::MAX {
        return Ok(Value::TimestampTz(t));
    }
    let zone = zone_arg(&a[2..])?;
    let offset = match &zone {
        ZoneSpec::Offset(o) => *o,
        ZoneSpec::Named(z) => z.offset_at(t),
    };
    let (jd, time) = trunc(&arg!(a, 0, Text), &parts(t, offset))?;
    let local = local_micros(jd, time);
    let offset = match &zone {
        ZoneSpec::Offset(o) => *o,
        ZoneSpec::Named(z) => crate::cast::local_offset(z, local),
    };
    Ok(Value::TimestampTz(local - i64::from(offset) * 1_000_000))
}

/// Days in `month` of `year`.
fn days_in_month(year: i32, month: u32) -> i64 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    i64::from(date2j(ny, nm as i32, 1) - date2j(year, month as i32, 1))
}

/// age(a, b): PostgreSQL's symbolic difference (years, months, days and
/// time, borrowing from the larger fields as timestamp_age does).
fn age(a: i64, b: i64) -> crate::value::Interval {
    let (x, y) = (parts(a, 0), parts(b, 0));
    let negative = a < b;
    let (later, earlier) = if negative { (&y, &x) } else { (&x, &y) };
    let mut usec = later.time - earlier.time;
    let mut mday = i64::from(later.day) - i64::from(earlier.day);
    let mut mon = i64::from(later.month) - i64::from(earlier.month);
    let mut year = i64::from(later.year) - i64::from(earlier.year);
    if usec < 0 {
        usec += USECS_PER_DAY;
        mday -= 1;
    }
    while mday < 0 {
        // Borrow the days of the earlier date's month, as PostgreSQL.
        mday += days_in_month(earlier.year, earlier.month);
        mon -= 1;
    }
    while mon < 0 {
        mon += 12;
        year -= 1;
    }
    let sign = if negative { -1 } else { 1 };
    crate::value::Interval {
        months: (sign * (year * 12 + mon)) as i32,
        days: (sign * mday) as i32,
        micros: sign * usec,
    }
}

/// An interval from i64 parts, 22008 "interval out of range" past i32.
fn interval_parts(months: i64, days: i64, micros: i64) -> Result<crate::value::Interval> {
    let range = || SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range");
    Ok(crate::value::Interval {
        months: i32::try_from(months).map_err(|_| range())?,
        days: i32::try_from(days).map_err(|_| range())?,
        micros,
    })
}

/// justify_hours: whole days out of the time part.
fn justify_hours(iv: &crate::value::Interval) -> Result<crate::value::Interval> {
    let mut days = i64::from(iv.days) + iv.micros / USECS_PER_DAY;
    let mut micros = iv.micros % USECS_PER_DAY;
    if days > 0 && micros < 0 {
        micros += USECS_PER_DAY;
        days -= 1;
    } else if days < 0 && micros > 0 {
        micros -= USECS_PER_DAY;
        days += 1;
    }
    interval_parts(i64::from(iv.months), days, micros)
}

/// justify_days: whole months (of 30 days) out of the days.
fn justify_days(iv: &crate::value::Interval) -> Result<crate::value::Interval> {
    let mut months = i64::from(iv.months) + i64::from(iv.days) / 30;
    let mut days = i64::from(iv.days) % 30;
    if months > 0 && days < 0 {
        days += 30;
        months -= 1;
    } else if months < 0 && days > 0 {
        days -= 30;
        months += 1;
    }
    interval_parts(months, days, iv.micros)
}

/// The zone `a[0]` names, 22023 if none.
/// The time and zone of a timetz value.
pub(super) fn timetz_arg(v: &Value) -> Result<(i64, i32)> {
    match v {
        Value::TimeTz(t, z) => Ok((*t, *z)),
        other => Err(SqlError::internal(format!(
            "time with time zone expected, got {other:?}"
        ))),
    }
}

/// A timetz moved to zone `to` (seconds west): the same instant's time
/// of day there (timetz_zone).
fn rezone_timetz(t: i64, from: i32, to: i32) -> Value {
    let moved = t + i64::from(from - to) * 1_000_000;
    Value::TimeTz(moved.rem_euclid(crate::value::USECS_PER_DAY), to)
}

/// An interval used as a zone (`AT TIME ZONE INTERVAL '-10:00'`): its
/// seconds east of UTC; 22023 with months or days.
fn interval_zone(iv: &crate::value::Interval) -> Result<i32> {
    if iv.months != 0 || iv.days != 0 {
        let mut text = String::new();
        crate::value::format_interval(iv, crate::value::IntervalOut::default(), &mut text);
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("interval time zone \"{text}\" must not include months or days"),
        ));
    }
    Ok((iv.micros / 1_000_000) as i32)
}

/// date + timetz: the instant that time is on that date in its zone.
pub(super) fn date_timetz(d: i32, v: &Value) -> Result<Value> {
    let (t, z) = timetz_arg(v)?;
    if d == i32::MAX || d == i32::MIN {
        return Ok(Value::TimestampTz(if d > 0 { i64::MAX } else { i64::MIN }));
    }
    i64::from(d)
        .checked_mul(crate::value::USECS_PER_DAY)
        .and_then(|x| x.checked_add(t))
        .and_then(|x| x.checked_add(i64::from(z) * 1_000_000))
        .map(Value::TimestampTz)
        .ok_or_else(|| SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp out of range"))
}

fn zone_arg(a: &[Value]) -> Result<crate::value::datetime_in::ZoneSpec> {
    let name = arg!(a, 0, Text);
    crate::value::datetime_in::zone_by_name(&name).ok_or_else(|| {
        SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("time zone \"{name}\" not recognized"),
        )
    })
}

/// `ts AT TIME ZONE zone` for a timestamptz: the wall-clock time there.
fn timezone_of_instant(a: &[Value]) -> Result<Value> {
    use crate::value::datetime_in::ZoneSpec;
    let t = arg!(a, 1, TimestampTz);
    if t == i64::MIN || t == i64::MAX {
        return Ok(Value::Timestamp(t));
    }
    let offset = match zone_arg(a)? {
        ZoneSpec::Offset(o) => o,
        ZoneSpec::Named(z) => z.offset_at(t),
    };
    Ok(Value::Timestamp(t + i64::from(offset) * 1_000_000))
}

/// `ts AT TIME ZONE zone` for a timestamp: the instant that wall-clock
/// time is in that zone.
fn timezone_of_local(a: &[Value]) -> Result<Value> {
    use crate::value::datetime_in::ZoneSpec;
    let t = arg!(a, 1, Timestamp);
    if t == i64::MIN || t == i64::MAX {
        return Ok(Value::TimestampTz(t));
    }
    let offset = match zone_arg(a)? {
        ZoneSpec::Offset(o) => o,
        ZoneSpec::Named(z) => crate::cast::local_offset(&z, t),
    };
    Ok(Value::TimestampTz(t - i64::from(offset) * 1_000_000))
}

/// date_bin(stride, source, origin): the start of the stride-wide bin
/// (counted from origin) the source falls in.
fn date_bin(a: &[Value]) -> Result<Value> {
    let Value::Interval(stride) = &a[0] else {
        return Ok(Value::Null);
    };
    let (src, origin) = match (&a[1], &a[2]) {
        (Value::Timestamp(s), Value::Timestamp(o))
        | (Value::TimestampTz(s), Value::TimestampTz(o)) => (*s, *o),
        _ => return Ok(Value::Null),
    };
    if stride.months != 0 {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "timestamps cannot be binned into intervals containing months or years",
        ));
    }
    let width = i64::from(stride.days)
        .checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(stride.micros))
        .ok_or_else(|| SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range"))?;
    if width <= 0 {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "stride must be greater than zero",
        ));
    }
    let diff = src.checked_sub(origin).ok_or_else(|| {
        SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp out of range")
    })?;
    let bin = origin + diff.div_euclid(width) * width;
    Ok(match &a[1] {
        Value::TimestampTz(_) => Value::TimestampTz(bin),
        _ => Value::Timestamp(bin),
    })
}

/// justify_interval: whole days out of the time and whole months out of
/// the days, with every part ending with one sign (PostgreSQL's
/// interval_justify_interval).
fn justify_interval(v: &crate::value::Interval) -> Result<crate::value::Interval> {
    let (mut month, mut day, mut time) = (i64::from(v.months), i64::from(v.days), v.micros);
    let check = |month: i64| {
        interval_parts(month, 0, 0)?;
        Ok::<i64, SqlError>(month)
    };
    // Days into months first when that may prevent an overflow.
    if (day > 0 && time > 0) || (day < 0 && time < 0) {
        month = check(month + day / 30)?;
        day %= 30;
    }
    day += time / USECS_PER_DAY;
    time %= USECS_PER_DAY;
    month = check(month + day / 30)?;
    day %= 30;
    if month > 0 && (day < 0 || (day == 0 && time < 0)) {
        day += 30;
        month -= 1;
    } else if month < 0 && (day > 0 || (day == 0 && time > 0)) {
        day -= 30;
        month += 1;
    }
    if day > 0 && time < 0 {
        time += USECS_PER_DAY;
        day -= 1;
    } else if day < 0 && time > 0 {
        time -= USECS_PER_DAY;
        day += 1;
    }
    interval_parts(month, day, time)
}

/// overlaps(s1, e1, s2, e2): whether two periods share a moment (each
/// reordered to start first); PostgreSQL's NULL rules: NULL unless the
/// known ends settle it.
fn overlaps(a: &[Value]) -> Result<Value> {
    use std::cmp::Ordering::*;
    let ord = |x: &Value, y: &Value| x.compare(y);
    let (mut s1, mut e1, mut s2, mut e2) = (&a[0], &a[1], &a[2], &a[3]);
    if s1.is_null() {
        if e1.is_null() {
            return Ok(Value::Null);
        }
        s1 = e1;
    } else if !e1.is_null() && ord(s1, e1) == Some(Greater) {
        std::mem::swap(&mut s1, &mut e1);
    }
    if s2.is_null() {
        if e2.is_null() {
            return Ok(Value::Null);
        }
        s2 = e2;
    } else if !e2.is_null() && ord(s2, e2) == Some(Greater) {
        std::mem::swap(&mut s2, &mut e2);
    }
    let gt = |x: &Value, y: &Value| ord(x, y) == Some(Greater);
    let lt = |x: &Value, y: &Value| ord(x, y) == Some(Less);
    if gt(s1, s2) {
        // s1 > s2: overlaps iff s1 < e2.
        if e2.is_null() {
            return Ok(Value::Null);
        }
        return Ok(Value::Bool(lt(s1, e2)));
    }
    if lt(s1, s2) {
        if e1.is_null() {
            return Ok(Value::Null);
        }
        return Ok(Value::Bool(lt(s2, e1)));
    }
    // Same start: they overlap (unless an end is unknown).
    if e1.is_null() || e2.is_null() {
        return Ok(Value::Null);
    }
    Ok(Value::Bool(true))
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    non_strict(f(
        "overlaps",
        &[Timestamp, Timestamp, Timestamp, Timestamp],
        Bool,
        |a, _| overlaps(a),
    )),
    non_strict(f(
        "overlaps",
        &[TimestampTz, TimestampTz, TimestampTz, TimestampTz],
        Bool,
        |a, _| overlaps(a),
    )),
    non_strict(f("overlaps", &[Time, Time, Time, Time], Bool, |a, _| {
        overlaps(a)
    })),
    f(
        "date_bin",
        &[Interval, Timestamp, Timestamp],
        Timestamp,
        |a, _| date_bin(a),
    ),
    f(
        "date_bin",
        &[Interval, TimestampTz, TimestampTz],
        TimestampTz,
        |a, _| date_bin(a),
    ),
    f("isfinite", &[Date], Bool, |a, _| {
        Ok(Value::Bool(!matches!(
            a[0],
            Value::Date(i32::MAX | i32::MIN)
        )))
    }),
    f("isfinite", &[Timestamp], Bool, |a, _| {
        Ok(Value::Bool(!matches!(
            a[0],
            Value::Timestamp(i64::MAX | i64::MIN)
        )))
    }),
    f("isfinite", &[TimestampTz], Bool, |a, _| {
        Ok(Value::Bool(!matches!(
            a[0],
            Value::TimestampTz(i64::MAX | i64::MIN)
        )))
    }),
    f("isfinite", &[Interval], Bool, |_, _| Ok(Value::Bool(true))),
    f("timezone", &[Text, TimestampTz], Timestamp, |a, _| {
        timezone_of_instant(a)
    }),
    f("timezone", &[Text, Timestamp], TimestampTz, |a, _| {
        timezone_of_local(a)
    }),
    f("age", &[Timestamp, Timestamp], Interval, |a, _| {
        Ok(Value::Interval(age(
            arg!(a, 0, Timestamp),
            arg!(a, 1, Timestamp),
        )))
    }),
    stable(f("age", &[Timestamp], Interval, |a, c| {
        // age(ts) is from midnight of today.
        let now = c.transaction_start;
        let today = now.div_euclid(USECS_PER_DAY) * USECS_PER_DAY;
        Ok(Value::Interval(age(today, arg!(a, 0, Timestamp))))
    })),
    f("justify_hours", &[Interval], Interval, |a, _| {
        Ok(Value::Interval(justify_hours(&arg!(a, 0, Interval))?))
    }),
    f("justify_days", &[Interval], Interval, |a, _| {
        Ok(Value::Interval(justify_days(&arg!(a, 0, Interval))?))
    }),
    f("justify_interval", &[Interval], Interval, |a, _| {
        Ok(Value::Interval(justify_interval(&arg!(a, 0, Interval))?))
    }),
    f("extract", &[Text, Timestamp], Numeric, |a, c| {
        extract(a, c, false)
    }),
    stable(f("extract", &[Text, TimestampTz], Numeric, |a, c| {
        extract(a, c, false)
    })),
    f("extract", &[Text, Date], Numeric, |a, c| {
        extract(a, c, false)
    }),
    f("extract", &[Text, Interval], Numeric, |a, c| {
        extract(a, c, false)
    }),
    f("extract", &[Text, Time], Numeric, |a, c| {
        extract(a, c, false)
    }),
    f("date_part", &[Text, Time], Float8, |a, c| {
        extract(a, c, true)
    }),
    f("extract", &[Text, TimeTz], Numeric, |a, c| {
        extract(a, c, false)
    }),
    f("date_part", &[Text, TimeTz], Float8, |a, c| {
        extract(a, c, true)
    }),
    // timetz_zone: a named zone's offset now (the transaction's start).
    stable(f("timezone", &[Text, TimeTz], TimeTz, |a, c| {
        use crate::value::datetime_in::ZoneSpec;
        let east = match zone_arg(a)? {
            ZoneSpec::Offset(o) => o,
            ZoneSpec::Named(z) => z.offset_at(c.transaction_start),
        };
        let (t, z) = timetz_arg(&a[1])?;
        Ok(rezone_timetz(t, z, -east))
    })),
    f("timezone", &[Interval, TimeTz], TimeTz, |a, _| {
        let east = interval_zone(&arg!(a, 0, Interval))?;
        let (t, z) = timetz_arg(&a[1])?;
        Ok(rezone_timetz(t, z, -east))
    }),
    f("timezone", &[Interval, TimestampTz], Timestamp, |a, _| {
        let east = interval_zone(&arg!(a, 0, Interval))?;
        let t = arg!(a, 1, TimestampTz);
        if t == i64::MIN || t == i64::MAX {
            return Ok(Value::Timestamp(t));
        }
        Ok(Value::Timestamp(t + i64::from(east) * 1_000_000))
    }),
    f("timezone", &[Interval, Timestamp], TimestampTz, |a, _| {
        let east = interval_zone(&arg!(a, 0, Interval))?;
        let t = arg!(a, 1, Timestamp);
        if t == i64::MIN || t == i64::MAX {
            return Ok(Value::TimestampTz(t));
        }
        Ok(Value::TimestampTz(t - i64::from(east) * 1_000_000))
    }),
    f("timestamptz", &[Date, TimeTz], TimestampTz, |a, _| {
        date_timetz(arg!(a, 0, Date), &a[1])
    }),
    f("date_part", &[Text, Timestamp], Float8, |a, c| {
        extract(a, c, true)
    }),
    stable(f("date_part", &[Text, TimestampTz], Float8, |a, c| {
        extract(a, c, true)
    })),
    f("date_part", &[Text, Interval], Float8, |a, c| {
        extract(a, c, true)
    }),
    f("date_trunc", &[Text, Timestamp], Timestamp, date_trunc),
    stable(f(
        "date_trunc",
        &[Text, TimestampTz],
        TimestampTz,
        date_trunc,
    )),
    stable(f(
        "date_trunc",
        &[Text, TimestampTz, Text],
        TimestampTz,
        date_trunc_zone,
    )),
    stable(f("to_char", &[Timestamp, Text], Text, timestamp_to_char)),
    stable(f("to_char", &[Interval, Text], Text, interval_to_char)),
    stable(f("to_char", &[TimestampTz, Text], Text, timestamp_to_char)),
];

/// to_char of a timestamp: NULL for infinity or an empty pattern, as
/// PostgreSQL's timestamp_to_char.
fn timestamp_to_char(a: &[Value], c: &mut EvalCtx<'_>) -> Result<Value> {
    let pattern = arg!(a, 1, Text);
    if pattern.is_empty()
        || matches!(
            a[0],
            Value::Timestamp(i64::MIN | i64::MAX) | Value::TimestampTz(i64::MIN | i64::MAX)
        )
    {
        return Ok(Value::Null);
    }
    let p = ts_parts(&a[0], c).ok_or_else(|| SqlError::internal("to_char argument"))?;
    let (iso_year, iso_week) = iso_week(&p);
    let isodow = match dow(p.jd) {
        0 => 7,
        d => d,
    };
    let tzn = match a[0] {
        Value::TimestampTz(t) => Some(c.style().zone.abbreviation_at(t)),
        _ => None,
    };
    let tm = super::dtchar::Tm {
        year: i64::from(p.year),
        mon: i64::from(p.month),
        mday: i64::from(p.day),
        hour: p.time / 3_600_000_000,
        min: p.time / 60_000_000 % 60,
        sec: p.time / 1_000_000 % 60,
        fsec: p.time % 1_000_000,
        wday: i64::from(dow(p.jd)),
        yday: i64::from(p.jd - date2j(p.year, 1, 1) + 1),
        gmtoff: i64::from(p.offset),
        tzn,
        iso: (
            i64::from(iso_year),
            i64::from(iso_week),
            i64::from((iso_week - 1) * 7 + isodow),
        ),
        jd: i64::from(p.jd),
        is_interval: false,
    };
    Ok(Value::Text(super::dtchar::format(&tm, &pattern)?))
}

/// to_char(interval, pattern): the fields as interval2itm splits them.
fn interval_to_char(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let pattern = arg!(a, 1, Text);
    if pattern.is_empty() {
        return Ok(Value::Null);
    }
    let iv = arg!(a, 0, Interval);
    let (year, mon, mday) = (
        i64::from(iv.months / 12),
        i64::from(iv.months % 12),
        i64::from(iv.days),
    );
    let tm = super::dtchar::Tm {
        year,
        mon,
        mday,
        hour: iv.micros / 3_600_000_000,
        min: iv.micros / 60_000_000 % 60,
        sec: iv.micros / 1_000_000 % 60,
        fsec: iv.micros % 1_000_000,
        wday: 0,
        yday: (year * 12 + mon) * 30 + mday,
        gmtoff: 0,
        tzn: None,
        iso: (year, 0, 0),
        jd: i64::from(date2j(
            i32::try_from(year).unwrap_or(0),
            mon as i32,
            i32::try_from(mday).unwrap_or(0),
        )),
        is_interval: true,
    };
    Ok(Value::Text(super::dtchar::format(&tm, &pattern)?))
}
