//! Interval input as PostgreSQL's interval_in reads it: the text split
//! into fields (ParseDateTime, shared with date/time input), read from
//! the right by DecodeInterval (units and their abbreviations, `hh:mm:ss`,
//! SQL's `y-m`, `ago`, a bare number taking the last field of the type's
//! range), and, when that finds bad syntax, as ISO 8601
//! (`P1Y2M3DT4H5M6S`, `P0001-02-03T04:05:06`); then the typmod's range
//! and precision (AdjustIntervalForTypmod).
//!
//! The typmod is PostgreSQL's: the range bit mask in the high 16 bits,
//! the fractional-second precision (0xFFFF: unspecified) in the low.

use super::datetime::{Interval, USECS_PER_DAY};
use super::datetime_in::{fields, Field};

/// Range bits (PostgreSQL's INTERVAL_MASK of MONTH, YEAR, DAY, HOUR,
/// MINUTE, SECOND).
pub const MONTH: i32 = 1 << 1;
/// `YEAR`.
pub const YEAR: i32 = 1 << 2;
/// `DAY`.
pub const DAY: i32 = 1 << 3;
/// `HOUR`.
pub const HOUR: i32 = 1 << 10;
/// `MINUTE`.
pub const MINUTE: i32 = 1 << 11;
/// `SECOND`.
pub const SECOND: i32 = 1 << 12;
/// Every field.
pub const FULL_RANGE: i32 = 0x7FFF;
/// No fractional-second precision given.
pub const FULL_PRECISION: i32 = 0xFFFF;
/// The largest fractional-second precision.
pub const MAX_PRECISION: i32 = 6;

const USECS_PER_HOUR: i64 = 3_600_000_000;
const USECS_PER_MINUTE: i64 = 60_000_000;
const USECS_PER_SEC: i64 = 1_000_000;

/// The typmod of a range and precision.
pub fn typmod(range: i32, precision: i32) -> i32 {
    ((range & 0x7FFF) << 16) | (precision & 0xFFFF)
}

/// The range of a typmod (every field for -1).
pub fn range_of(typmod: i32) -> i32 {
    if typmod < 0 {
        FULL_RANGE
    } else {
        (typmod >> 16) & 0x7FFF
    }
}

/// The fields of a range as format_type writes them (` day to second`).
pub fn range_name(range: i32) -> &'static str {
    match range {
        YEAR => " year",
        MONTH => " month",
        DAY => " day",
        HOUR => " hour",
        MINUTE => " minute",
        SECOND => " second",
        r if r == YEAR | MONTH => " year to month",
        r if r == DAY | HOUR => " day to hour",
        r if r == DAY | HOUR | MINUTE => " day to minute",
        r if r == DAY | HOUR | MINUTE | SECOND => " day to second",
        r if r == HOUR | MINUTE => " hour to minute",
        r if r == HOUR | MINUTE | SECOND => " hour to second",
        r if r == MINUTE | SECOND => " minute to second",
        _ => "",
    }
}

/// format_type of interval with `typmod`: `interval year to month`,
/// `interval(3)`, `interval day to second(2)`.
pub fn format_type(typmod: i32) -> String {
    if typmod < 0 {
        return "interval".to_owned();
    }
    let precision = typmod & 0xFFFF;
    let mut s = format!("interval{}", range_name(range_of(typmod)));
    if precision != FULL_PRECISION {
        s.push_str(&format!("({precision})"));
    }
    s
}

/// Why a text is not an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalError {
    /// 22007 invalid input syntax.
    Syntax,
    /// 22015 interval field value out of range.
    FieldOverflow,
    /// 22008 interval out of range (years and months past int32).
    OutOfRange,
}

use IntervalError::{FieldOverflow, Syntax};

/// PostgreSQL's pg_itm_in: what the fields add up to.
#[derive(Default)]
struct Itm {
    usec: i64,
    mday: i32,
    mon: i32,
    year: i32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
    /// `qtr`, `quarter`: extract's, not input's.
    Quarter,
    /// Known to the table but not an interval unit (timezone, `ago`
    /// before a number): a number before it is bad syntax.
    Other,
}

impl Unit {
    /// The field bit DecodeInterval checks for duplicates.
    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

const ALL_SECS: u32 =
    (1 << Unit::Second as u32) | (1 << Unit::Millisecond as u32) | (1 << Unit::Microsecond as u32);
const TIME_M: u32 = ALL_SECS | (1 << Unit::Minute as u32) | (1 << Unit::Hour as u32);

enum Word {
    Ignore,
    Ago,
    Unit(Unit),
}

/// PostgreSQL's deltatktbl, compared on the first 10 characters
/// (TOKMAXLEN) as DecodeUnits does.
fn decode_units(word: &str) -> Option<Word> {
    use Unit::*;
    let key: String = word.chars().take(10).collect();
    Some(Word::Unit(match key.as_str() {
        "@" => return Some(Word::Ignore),
        "ago" => return Some(Word::Ago),
        "c" | "cent" | "centuries" | "century" => Century,
        "d" | "day" | "days" => Day,
        "dec" | "decade" | "decades" | "decs" => Decade,
        "h" | "hour" | "hours" | "hr" | "hrs" => Hour,
        "m" | "min" | "mins" | "minute" | "minutes" => Minute,
        "microsecon" | "us" | "usec" | "usecond" | "useconds" | "usecs" => Microsecond,
        "mil" | "millennia" | "millennium" | "mils" => Millennium,
        "millisecon" | "ms" | "msec" | "msecond" | "mseconds" | "msecs" => Millisecond,
        "mon" | "mons" | "month" | "months" => Month,
        "s" | "sec" | "second" | "seconds" | "secs" => Second,
        "w" | "week" | "weeks" => Week,
        "y" | "year" | "years" | "yr" | "yrs" => Year,
        "qtr" | "quarter" => Quarter,
        "timezone" | "timezone_h" | "timezone_m" => Other,
        _ => return None,
    }))
}

/// The canonical name of a unit word as extract reads it for intervals
/// (`msecs` → `millisecond`), None when the table does not know it.
pub fn unit_name(word: &str) -> Option<&'static str> {
    let key: String = word.chars().take(10).collect();
    match key.as_str() {
        "timezone_h" => return Some("timezone_hour"),
        "timezone_m" => return Some("timezone_minute"),
        // Words of the date table that extract also reads.
        "dow" => return Some("dow"),
        "doy" => return Some("doy"),
        "isodow" => return Some("isodow"),
        "isoyear" => return Some("isoyear"),
        "j" | "jd" | "julian" => return Some("julian"),
        "epoch" => return Some("epoch"),
        _ => {}
    }
    let Some(Word::Unit(u)) = decode_units(word) else {
        return None;
    };
    Some(match u {
        Unit::Microsecond => "microsecond",
        Unit::Millisecond => "millisecond",
        Unit::Second => "second",
        Unit::Minute => "minute",
        Unit::Hour => "hour",
        Unit::Day => "day",
        Unit::Week => "week",
        Unit::Month => "month",
        Unit::Year => "year",
        Unit::Decade => "decade",
        Unit::Century => "century",
        Unit::Millennium => "millennium",
        Unit::Quarter => "quarter",
        Unit::Other => "timezone",
    })
}

/// The unit a bare number takes under `range` (its last field).
fn default_unit(range: i32) -> Unit {
    match range {
        YEAR => Unit::Year,
        r if r == MONTH || r == YEAR | MONTH => Unit::Month,
        DAY => Unit::Day,
        r if r == HOUR || r == DAY | HOUR => Unit::Hour,
        r if r == MINUTE || r == HOUR | MINUTE || r == DAY | HOUR | MINUTE => Unit::Minute,
        _ => Unit::Second,
    }
}

impl Itm {
    /// AdjustFractMicroseconds: `frac` × `scale` microseconds, rounded.
    fn fract_micros(&mut self, frac: f64, scale: i64) -> Option<()> {
        if frac == 0.0 {
            return Some(());
        }
        let frac = frac * scale as f64;
        let mut usec = frac as i64;
        let rest = frac - usec as f64;
        if rest > 0.5 {
            usec += 1;
        } else if rest < -0.5 {
            usec -= 1;
        }
        self.usec = self.usec.checked_add(usec)?;
        Some(())
    }

    /// AdjustFractDays: whole days, the rest as microseconds.
    fn fract_days(&mut self, frac: f64, scale: i32) -> Option<()> {
        if frac == 0.0 {
            return Some(());
        }
        let frac = frac * f64::from(scale);
        let extra = frac as i32;
        self.mday = self.mday.checked_add(extra)?;
        self.fract_micros(frac - f64::from(extra), USECS_PER_DAY)
    }

    /// AdjustFractYears: whole months of the fraction, rounded.
    fn fract_years(&mut self, frac: f64, scale: i32) -> Option<()> {
        let extra = (frac * f64::from(scale) * 12.0).round_ties_even() as i32;
        self.mon = self.mon.checked_add(extra)?;
        Some(())
    }

    fn micros(&mut self, val: i64, fval: f64, scale: i64) -> Option<()> {
        self.usec = val
            .checked_mul(scale)
            .and_then(|x| self.usec.checked_add(x))?;
        self.fract_micros(fval, scale)
    }

    fn days(&mut self, val: i64, scale: i32) -> Option<()> {
        let days = i32::try_from(val).ok()?.checked_mul(scale)?;
        self.mday = self.mday.checked_add(days)?;
        Some(())
    }

    fn months(&mut self, val: i64) -> Option<()> {
        self.mon = self.mon.checked_add(i32::try_from(val).ok()?)?;
        Some(())
    }

    fn years(&mut self, val: i64, scale: i32) -> Option<()> {
        let years = i32::try_from(val).ok()?.checked_mul(scale)?;
        self.year = self.year.checked_add(years)?;
        Some(())
    }

    /// `val` and `fval` of `unit` added in.
    fn add(&mut self, unit: Unit, val: i64, fval: f64) -> Result<(), IntervalError> {
        let done = match unit {
            Unit::Microsecond => self.micros(val, fval, 1),
            Unit::Millisecond => self.micros(val, fval, 1000),
            Unit::Second => self.micros(val, fval, USECS_PER_SEC),
            Unit::Minute => self.micros(val, fval, USECS_PER_MINUTE),
            Unit::Hour => self.micros(val, fval, USECS_PER_HOUR),
            Unit::Day => self
                .days(val, 1)
                .and_then(|()| self.fract_micros(fval, USECS_PER_DAY)),
            Unit::Week => self.days(val, 7).and_then(|()| self.fract_days(fval, 7)),
            Unit::Month => self.months(val).and_then(|()| self.fract_days(fval, 30)),
            Unit::Year => self.years(val, 1).and_then(|()| self.fract_years(fval, 1)),
            Unit::Decade => self
                .years(val, 10)
                .and_then(|()| self.fract_years(fval, 10)),
            Unit::Century => self
                .years(val, 100)
                .and_then(|()| self.fract_years(fval, 100)),
            Unit::Millennium => self
                .years(val, 1000)
                .and_then(|()| self.fract_years(fval, 1000)),
            Unit::Quarter | Unit::Other => return Err(Syntax),
        };
        done.ok_or(FieldOverflow)
    }

    fn into_interval(self) -> Result<Interval, IntervalError> {
        let months = i64::from(self.year) * 12 + i64::from(self.mon);
        Ok(Interval {
            months: i32::try_from(months).map_err(|_| IntervalError::OutOfRange)?,
            days: self.mday,
            micros: self.usec,
        })
    }
}

/// C's strtol on a prefix: optional sign and digits; the value (0 when
/// there are no digits) and the rest. None when out of i64.
fn strtoi64(s: &str) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits_from = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_from {
        return Some((0, s));
    }
    Some((s[..i].parse().ok()?, &s[i..]))
}

/// ParseFraction: `.` and digits (C's strtod, so an exponent too).
fn parse_fraction(s: &str) -> Result<f64, IntervalError> {
    if s == "." {
        return Ok(0.0);
    }
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    match s.parse::<f64>() {
        Ok(f) if ok => Ok(f),
        _ => Err(Syntax),
    }
}

/// C's strtoint: strtoi64 within i32.
fn strtoint(s: &str) -> Result<(i64, &str), IntervalError> {
    let (v, rest) = strtoi64(s).ok_or(FieldOverflow)?;
    i32::try_from(v).map_err(|_| FieldOverflow)?;
    Ok((v, rest))
}

/// DecodeTimeForInterval: `h:m[:s][.f]` (`m:s.f`, and `m:s` under
/// MINUTE TO SECOND) as microseconds.
fn decode_time(s: &str, range: i32) -> Result<i64, IntervalError> {
    let (mut hour, rest) = strtoi64(s).ok_or(FieldOverflow)?;
    let rest = rest.strip_prefix(':').ok_or(Syntax)?;
    let (mut min, rest) = strtoint(rest)?;
    let mut sec = 0;
    let mut fsec = 0;
    let shift = |hour: &mut i64, min: &mut i64, sec: &mut i64| -> Result<(), IntervalError> {
        i32::try_from(*hour).map_err(|_| FieldOverflow)?;
        *sec = *min;
        *min = *hour;
        *hour = 0;
        Ok(())
    };
    if rest.is_empty() {
        if range == MINUTE | SECOND {
            shift(&mut hour, &mut min, &mut sec)?;
        }
    } else if rest.starts_with('.') {
        fsec = (parse_fraction(rest)? * 1e6).round_ties_even() as i64;
        shift(&mut hour, &mut min, &mut sec)?;
    } else if let Some(rest) = rest.strip_prefix(':') {
        let (s, rest) = strtoint(rest)?;
        sec = s;
        if rest.starts_with('.') {
            fsec = (parse_fraction(rest)? * 1e6).round_ties_even() as i64;
        } else if !rest.is_empty() {
            return Err(Syntax);
        }
    } else {
        return Err(Syntax);
    }
    if hour < 0
        || !(0..60).contains(&min)
        || !(0..=60).contains(&sec)
        || !(0..=1_000_000).contains(&fsec)
    {
        return Err(FieldOverflow);
    }
    hour.checked_mul(USECS_PER_HOUR)
        .and_then(|h| h.checked_add(min * USECS_PER_MINUTE + sec * USECS_PER_SEC + fsec))
        .ok_or(FieldOverflow)
}

/// DecodeInterval over the fields, right to left.
fn decode(fields: &[Field], range: i32, sql_standard: bool) -> Result<Itm, IntervalError> {
    let text = |f: &Field| -> String {
        match f {
            Field::Number(s) | Field::Date(s) | Field::Time(s) | Field::Tz(s) => s.clone(),
            Field::Word(s) | Field::Special(s) => s.clone(),
        }
    };
    let signed = |f: &Field| matches!(text(f).as_bytes().first(), Some(b'-' | b'+'));
    // SQL standard style: a leading minus applies to every field when no
    // other field carries a sign.
    let force_negative = sql_standard
        && fields.first().is_some_and(|f| text(f).starts_with('-'))
        && !fields[1..].iter().any(signed);
    let mut itm = Itm::default();
    let mut fmask = 0u32;
    let mut unit: Option<Unit> = None;
    let mut is_before = false;
    for field in fields.iter().rev() {
        let mut tmask = 0;
        // A time of day: its microseconds added; a number before it is
        // days.
        let mut add_time = |mut usec: i64, tmask: &mut u32| -> Result<(), IntervalError> {
            if force_negative && usec > 0 {
                usec = -usec;
            }
            itm.usec = itm.usec.checked_add(usec).ok_or(FieldOverflow)?;
            unit = Some(Unit::Day);
            *tmask = TIME_M;
            Ok(())
        };
        let number = match field {
            Field::Time(s) => {
                add_time(decode_time(s, range)?, &mut tmask)?;
                None
            }
            Field::Tz(s) if s[1..].contains(':') => match decode_time(&s[1..], range) {
                Ok(usec) => {
                    add_time(if s.starts_with('-') { -usec } else { usec }, &mut tmask)?;
                    None
                }
                Err(_) => Some(s),
            },
            Field::Tz(s) | Field::Number(s) | Field::Date(s) => Some(s),
            Field::Word(w) | Field::Special(w) => {
                match decode_units(w).ok_or(Syntax)? {
                    Word::Ignore => continue,
                    Word::Ago => {
                        is_before = true;
                        unit = Some(Unit::Other);
                    }
                    Word::Unit(u) => unit = Some(u),
                }
                None
            }
        };
        let tmask = match number {
            None => tmask,
            Some(s) => {
                let mut u = unit.unwrap_or_else(|| default_unit(range));
                let (mut val, rest) = strtoi64(s).ok_or(FieldOverflow)?;
                let mut fval = 0.0;
                if let Some(months) = rest.strip_prefix('-') {
                    // SQL's years-months.
                    let (mut m, rest) = strtoi64(months).ok_or(FieldOverflow)?;
                    if !(0..12).contains(&m) {
                        return Err(FieldOverflow);
                    }
                    if !rest.is_empty() {
                        return Err(Syntax);
                    }
                    u = Unit::Month;
                    if s.starts_with('-') {
                        m = -m;
                    }
                    val = val
                        .checked_mul(12)
                        .and_then(|v| v.checked_add(m))
                        .ok_or(FieldOverflow)?;
                } else if rest.starts_with('.') {
                    fval = parse_fraction(rest)?;
                    if s.starts_with('-') {
                        fval = -fval;
                    }
                } else if !rest.is_empty() {
                    return Err(Syntax);
                }
                if force_negative {
                    val = -val.abs();
                    fval = -fval.abs();
                }
                itm.add(u, val, fval)?;
                let mask = match u {
                    Unit::Second if fval != 0.0 => ALL_SECS,
                    u => u.bit(),
                };
                if u == Unit::Hour {
                    unit = Some(Unit::Day);
                } else {
                    unit = Some(u);
                }
                mask
            }
        };
        if tmask & fmask != 0 {
            return Err(Syntax);
        }
        fmask |= tmask;
    }
    if fmask == 0 {
        return Err(Syntax);
    }
    if is_before {
        itm = Itm {
            usec: itm.usec.checked_neg().ok_or(FieldOverflow)?,
            mday: itm.mday.checked_neg().ok_or(FieldOverflow)?,
            mon: itm.mon.checked_neg().ok_or(FieldOverflow)?,
            year: itm.year.checked_neg().ok_or(FieldOverflow)?,
        };
    }
    Ok(itm)
}

/// ParseISO8601Number: what C's strtod reads, split into an integer part
/// and a fraction; past ±1e15 is out of range.
fn iso_number(s: &str) -> Result<(i64, f64, &str), IntervalError> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b'.') {
        return Err(Syntax);
    }
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return Err(Syntax);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    let val: f64 = s[..i].parse().map_err(|_| Syntax)?;
    if val.is_nan() || !(-1.0e15..=1.0e15).contains(&val) {
        return Err(FieldOverflow);
    }
    let ipart = val.trunc() as i64;
    Ok((ipart, val - ipart as f64, &s[i..]))
}

/// DecodeISO8601Interval: the format with designators and the
/// alternative format.
fn decode_iso8601(text: &str) -> Result<Itm, IntervalError> {
    let mut itm = Itm::default();
    let Some(mut s) = text.strip_prefix('P').filter(|r| !r.is_empty()) else {
        return Err(Syntax);
    };
    let over = |r: Option<()>| r.ok_or(FieldOverflow);
    let mut datepart = true;
    let mut havefield = false;
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix('T') {
            datepart = false;
            havefield = false;
            s = rest;
            continue;
        }
        let field_start = s;
        let (val, fval, rest) = iso_number(s)?;
        let unit = rest.bytes().next();
        s = rest.get(1..).unwrap_or("");
        let width = field_start
            .strip_prefix('-')
            .unwrap_or(field_start)
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if datepart {
            match unit {
                Some(b'Y') => over(itm.years(val, 1).and_then(|()| itm.fract_years(fval, 1)))?,
                Some(b'M') => over(itm.months(val).and_then(|()| itm.fract_days(fval, 30)))?,
                Some(b'W') => over(itm.days(val, 7).and_then(|()| itm.fract_days(fval, 7)))?,
                Some(b'D') => over(
                    itm.days(val, 1)
                        .and_then(|()| itm.fract_micros(fval, USECS_PER_DAY)),
                )?,
                Some(b'T') | None if width == 8 && !havefield => {
                    // Basic alternative format: YYYYMMDD.
                    over(
                        itm.years(val / 10000, 1)
                            .and_then(|()| itm.months((val / 100) % 100))
                            .and_then(|()| itm.days(val % 100, 1))
                            .and_then(|()| itm.fract_micros(fval, USECS_PER_DAY)),
                    )?;
                    if unit.is_none() {
                        return Ok(itm);
                    }
                    datepart = false;
                    havefield = false;
                    continue;
                }
                Some(b'T' | b'-') | None => {
                    // Extended alternative format: Y-M-D.
                    if havefield {
                        return Err(Syntax);
                    }
                    over(itm.years(val, 1).and_then(|()| itm.fract_years(fval, 1)))?;
                    match unit {
                        None => return Ok(itm),
                        Some(b'T') => {
                            datepart = false;
                            havefield = false;
                            continue;
                        }
                        _ => {}
                    }
                    let (val, fval, rest) = iso_number(s)?;
                    over(itm.months(val).and_then(|()| itm.fract_days(fval, 30)))?;
                    s = rest;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    if let Some(rest) = s.strip_prefix('T') {
                        s = rest;
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    s = s.strip_prefix('-').ok_or(Syntax)?;
                    let (val, fval, rest) = iso_number(s)?;
                    over(
                        itm.days(val, 1)
                            .and_then(|()| itm.fract_micros(fval, USECS_PER_DAY)),
                    )?;
                    s = rest;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    s = s.strip_prefix('T').ok_or(Syntax)?;
                    datepart = false;
                    havefield = false;
                    continue;
                }
                _ => return Err(Syntax),
            }
        } else {
            match unit {
                Some(b'H') => over(itm.micros(val, fval, USECS_PER_HOUR))?,
                Some(b'M') => over(itm.micros(val, fval, USECS_PER_MINUTE))?,
                Some(b'S') => over(itm.micros(val, fval, USECS_PER_SEC))?,
                None if width == 6 && !havefield => {
                    // Basic alternative format: hhmmss.
                    over(
                        itm.micros(val / 10000, 0.0, USECS_PER_HOUR)
                            .and_then(|()| itm.micros((val / 100) % 100, 0.0, USECS_PER_MINUTE))
                            .and_then(|()| itm.micros(val % 100, 0.0, USECS_PER_SEC))
                            .and_then(|()| itm.fract_micros(fval, 1)),
                    )?;
                    return Ok(itm);
                }
                Some(b':') | None => {
                    // Extended alternative format: h:m:s.
                    if havefield {
                        return Err(Syntax);
                    }
                    over(itm.micros(val, fval, USECS_PER_HOUR))?;
                    if unit.is_none() {
                        return Ok(itm);
                    }
                    let (val, fval, rest) = iso_number(s)?;
                    over(itm.micros(val, fval, USECS_PER_MINUTE))?;
                    s = rest;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    s = s.strip_prefix(':').ok_or(Syntax)?;
                    let (val, fval, rest) = iso_number(s)?;
                    over(itm.micros(val, fval, USECS_PER_SEC))?;
                    if rest.is_empty() {
                        return Ok(itm);
                    }
                    return Err(Syntax);
                }
                _ => return Err(Syntax),
            }
        }
        havefield = true;
    }
    Ok(itm)
}

/// interval_in: `text` read under `typmod` (-1: none).
pub fn parse(text: &str, typmod: i32, sql_standard: bool) -> Result<Interval, IntervalError> {
    let range = range_of(typmod);
    let decoded = match fields(text) {
        Ok(f) if f.len() < 25 => decode(&f, range, sql_standard),
        _ => Err(Syntax),
    };
    let itm = match decoded {
        Err(Syntax) => decode_iso8601(text)?,
        other => other?,
    };
    let mut iv = itm.into_interval()?;
    adjust_for_typmod(&mut iv, typmod);
    Ok(iv)
}

/// AdjustIntervalForTypmod: fields right of the range's last are
/// dropped; seconds rounded to the precision, halves away from zero.
pub fn adjust_for_typmod(iv: &mut Interval, typmod: i32) {
    if typmod < 0 {
        return;
    }
    let range = range_of(typmod);
    let truncate = |t: i64, unit: i64| t / unit * unit;
    match range {
        YEAR => {
            iv.months = iv.months / 12 * 12;
            iv.days = 0;
            iv.micros = 0;
        }
        r if r == MONTH || r == YEAR | MONTH => {
            iv.days = 0;
            iv.micros = 0;
        }
        DAY => iv.micros = 0,
        r if r == HOUR || r == DAY | HOUR => iv.micros = truncate(iv.micros, USECS_PER_HOUR),
        r if r == MINUTE || r == DAY | HOUR | MINUTE || r == HOUR | MINUTE => {
            iv.micros = truncate(iv.micros, USECS_PER_MINUTE);
        }
        _ => {}
    }
    let precision = typmod & 0xFFFF;
    if (0..MAX_PRECISION).contains(&precision) {
        let scale = 10i64.pow((MAX_PRECISION - precision) as u32);
        let half = scale / 2;
        iv.micros = if iv.micros >= 0 {
            iv.micros.saturating_add(half) / scale * scale
        } else {
            -((iv.micros.saturating_neg().saturating_add(half)) / scale * scale)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(text: &str) -> Result<Interval, IntervalError> {
        parse(text, -1, false)
    }

    #[test]
    fn postgres_forms() {
        let v = iv("1 year 2 mons 3 days 04:05:06.5").unwrap();
        assert_eq!((v.months, v.days, v.micros), (14, 3, 14_706_500_000));
        let v = iv("@ 1 day 2 hours ago").unwrap();
        assert_eq!((v.days, v.micros), (-1, -7_200_000_000));
        let v = iv("1-2").unwrap();
        assert_eq!(v.months, 14);
        let v = iv("2 days - 12:34:56").unwrap();
        assert_eq!((v.days, v.micros), (2, -45_296_000_000));
        assert_eq!(iv("1 day 1 day").unwrap_err(), Syntax);
        assert_eq!(iv("1:20:05 5 microseconds").unwrap_err(), Syntax);
        assert_eq!(iv("2147483648 days").unwrap_err(), FieldOverflow);
        assert_eq!(
            iv("178956971 years").unwrap_err(),
            IntervalError::OutOfRange
        );
    }

    #[test]
    fn iso_8601() {
        let v = iv("P1Y2M3DT4H5M6.7S").unwrap();
        assert_eq!((v.months, v.days, v.micros), (14, 3, 14_706_700_000));
        let v = iv("P0002-10-15T10:30:20").unwrap();
        assert_eq!((v.months, v.days, v.micros), (34, 15, 37_820_000_000));
        let v = iv("PT10:30").unwrap();
        assert_eq!(v.micros, 37_800_000_000);
        assert_eq!(iv("P2147483648").unwrap_err(), FieldOverflow);
    }

    #[test]
    fn typmod_ranges() {
        let t = |range, text| parse(text, typmod(range, FULL_PRECISION), false).unwrap();
        assert_eq!(t(YEAR, "1").months, 12);
        assert_eq!(t(MINUTE | SECOND, "1:02").micros, 62_000_000);
        assert_eq!(t(DAY | HOUR | MINUTE, "1 2:03:04").micros, 7_380_000_000);
        let v = parse("1.234567 sec", typmod(FULL_RANGE, 2), false).unwrap();
        assert_eq!(v.micros, 1_230_000);
        assert_eq!(
            format_type(typmod(DAY | HOUR | MINUTE | SECOND, 3)),
            "interval day to second(3)"
        );
    }
}
