//! Dates, times, timestamps and intervals in PostgreSQL's representation:
//! days and microseconds since 2000-01-01 (the PostgreSQL epoch), Julian
//! day arithmetic from datetime.c, ISO output.
//!
//! Time zones come from the IANA database bundled in `jiff`, so `TimeZone`
//! accepts the names PostgreSQL accepts (`Europe/Paris`, `Etc/UTC`) and
//! offsets follow daylight saving as PostgreSQL's do.

use std::time::{SystemTime, UNIX_EPOCH};

/// date2j(2000, 1, 1).
pub const POSTGRES_EPOCH_JDATE: i32 = 2_451_545;
/// Microseconds in a day.
pub const USECS_PER_DAY: i64 = 86_400_000_000;
/// Seconds from 1970-01-01 to 2000-01-01.
pub(crate) const UNIX_TO_POSTGRES_SECS: i64 = 946_684_800;

/// PostgreSQL's date2j: Julian day number of a Gregorian date.
pub fn date2j(year: i32, month: i32, day: i32) -> i32 {
    let (m, y) = if month > 2 {
        (month + 1, year + 4800)
    } else {
        (month + 13, year + 4799)
    };
    let century = y / 100;
    let mut julian = y * 365 - 32167;
    julian += y / 4 - century + century / 4;
    julian += 7834 * m / 256 + day;
    julian
}

/// PostgreSQL's j2date: the Gregorian date of a Julian day number.
/// Valid for PostgreSQL's date range; any other input (a damaged value)
/// gives some date rather than a panic (wrapping arithmetic).
pub fn j2date(jd: i32) -> (i32, u32, u32) {
    let mut julian = (i64::from(jd) + 32044) as u64;
    let mut quad = julian / 146_097;
    let extra = julian
        .wrapping_sub(quad.wrapping_mul(146_097))
        .wrapping_mul(4)
        .wrapping_add(3);
    julian = julian.wrapping_add(60 + quad.wrapping_mul(3) + extra / 146_097);
    quad = julian / 1461;
    julian = julian.wrapping_sub(quad.wrapping_mul(1461));
    let mut y = julian.wrapping_mul(4) / 1461;
    julian = if y != 0 {
        julian.wrapping_add(305) % 365
    } else {
        julian.wrapping_add(306) % 366
    } + 123;
    y = y.wrapping_add(quad.wrapping_mul(4));
    let year = (y as i64).wrapping_sub(4800);
    let quad = julian * 2141 / 65536;
    let day = julian.wrapping_sub(7834 * quad / 256);
    let month = (quad + 10) % 12 + 1;
    (year as i32, month as u32, day as u32)
}

/// Days since 2000-01-01 that PostgreSQL's date type can hold (Julian
/// day 0, 4714-11-24 BC, to 5874897-12-31).
pub fn valid_date(days: i64) -> bool {
    (-2_451_545..2_145_031_949).contains(&days)
}

/// Microseconds since the PostgreSQL epoch, now.
pub fn now_micros() -> i64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() as i64 - UNIX_TO_POSTGRES_SECS) * 1_000_000 + i64::from(d.subsec_micros())
}

/// An interval: months, days and microseconds kept apart, as PostgreSQL
/// does, because a month has no fixed number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interval {
    /// Months (years × 12 + months).
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Microseconds.
    pub micros: i64,
}

impl Interval {
    /// The value PostgreSQL compares and sorts by: months as 30 days, days
    /// as 24 hours.
    pub fn span_micros(&self) -> i128 {
        (i128::from(self.months) * 30 + i128::from(self.days)) * i128::from(USECS_PER_DAY)
            + i128::from(self.micros)
    }
}

/// A session time zone.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The rules.
    tz: jiff::tz::TimeZone,
    /// The name as the user gave it (SHOW TimeZone prints it back).
    name: String,
}

impl Zone {
    /// UTC, named as PostgreSQL's initdb names it on a UTC machine.
    pub fn utc() -> Zone {
        Zone {
            tz: jiff::tz::TimeZone::UTC,
            name: "Etc/UTC".into(),
        }
    }

    /// A zone by IANA name (case-insensitive) or as a POSIX-style offset
    /// such as `UTC+3`; `None` if unknown.
    pub fn parse(name: &str) -> Option<Zone> {
        // A bare number is hours east of UTC (the SQL standard's form),
        // shown as PostgreSQL names it: `-8` is `<-08>+08`.
        if let Ok(hours) = name.trim().parse::<f64>() {
            if !hours.is_finite() || hours.abs() > 15.0 {
                return None;
            }
            let secs = (hours * 3600.0).round() as i32;
            let offset = jiff::tz::Offset::from_seconds(secs).ok()?;
            let text = |s: i32| {
                let a = s.unsigned_abs();
                let sign = if s < 0 { '-' } else { '+' };
                if a.is_multiple_of(3600) {
                    format!("{sign}{:02}", a / 3600)
                } else {
                    format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
                }
            };
            return Some(Zone {
                tz: jiff::tz::TimeZone::fixed(offset),
                name: format!("<{}>{}", text(secs), text(-secs)),
            });
        }
        // A POSIX offset without a zone abbreviation (`+02:00`, `04:30`),
        // which PostgreSQL's tzparse allows: hours west of UTC.
        if let Some(west) = posix_offset(name) {
            let offset = jiff::tz::Offset::from_seconds(-west).ok()?;
            return Some(Zone {
                tz: jiff::tz::TimeZone::fixed(offset),
                name: name.to_owned(),
            });
        }
        // `<+10:30>-10:30`, the name a fractional-hour SET TIME ZONE
        // gives (POSIX abbreviations may not hold a colon, so the zone
        // library refuses it): a fixed offset, hours west of UTC.
        if let Some(west) = name
            .strip_prefix('<')
            .and_then(|rest| rest.split_once('>'))
            .and_then(|(_, offset)| posix_offset(offset))
        {
            let offset = jiff::tz::Offset::from_seconds(-west).ok()?;
            return Some(Zone {
                tz: jiff::tz::TimeZone::fixed(offset),
                name: name.to_owned(),
            });
        }
        let tz = jiff::tz::TimeZone::get(name)
            .or_else(|_| jiff::tz::TimeZone::posix(name))
            .ok()?;
        Some(Zone {
            tz,
            name: name.to_owned(),
        })
    }

    /// The name to show.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone's abbreviation at the instant `micros` (`EST`, `UTC`,
    /// `+03`).
    pub fn abbreviation_at(&self, micros: i64) -> String {
        let secs = micros.div_euclid(1_000_000) + UNIX_TO_POSTGRES_SECS;
        match jiff::Timestamp::from_second(secs) {
            Ok(ts) => self.tz.to_offset_info(ts).abbreviation().to_owned(),
            Err(_) => "UTC".into(),
        }
    }

    /// Seconds east of UTC at the instant `micros` (since 2000-01-01 UTC).
    pub fn offset_at(&self, micros: i64) -> i32 {
        let secs = micros.div_euclid(1_000_000) + UNIX_TO_POSTGRES_SECS;
        match jiff::Timestamp::from_second(secs) {
            Ok(ts) => self.tz.to_offset(ts).seconds(),
            Err(_) => 0,
        }
    }
}

/// Splits microseconds since the epoch into a Julian day and the time of
/// day.
fn split_micros(micros: i64) -> (i32, i64) {
    let days = micros.div_euclid(USECS_PER_DAY);
    let time = micros.rem_euclid(USECS_PER_DAY);
    ((days + i64::from(POSTGRES_EPOCH_JDATE)) as i32, time)
}

fn push_date(jd: i32, out: &mut String) -> bool {
    let (y, m, d) = j2date(jd);
    let bc = y <= 0;
    let year = if bc { 1 - y } else { y };
    out.push_str(&format!("{year:04}-{m:02}-{d:02}"));
    bc
}

fn push_time(time: i64, out: &mut String) {
    let secs = time / 1_000_000;
    let frac = time % 1_000_000;
    out.push_str(&format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ));
    push_fraction(frac, out);
}

/// `.ffffff` without trailing zeros; nothing for a whole second.
fn push_fraction(frac: i64, out: &mut String) {
    if frac != 0 {
        let s = format!(".{:06}", frac.abs());
        out.push_str(s.trim_end_matches('0'));
    }
}

/// DateStyle's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOut {
    /// `2020-01-02 03:04:05-05`.
    #[default]
    Iso,
    /// `Thu Jan 02 03:04:05 2020 EST`.
    Postgres,
    /// `01/02/2020 03:04:05 EST`.
    Sql,
    /// `02.01.2020 03:04:05 EST`.
    German,
}

/// DateStyle's field order (output of the Postgres and SQL styles, and
/// input of ambiguous dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Month, day, year.
    #[default]
    Mdy,
    /// Day, month, year.
    Dmy,
    /// Year, month, day.
    Ymd,
}

/// The DateStyle setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateStyle {
    /// Output format.
    pub out: DateOut,
    /// Field order.
    pub order: DateOrder,
}

impl DateStyle {
    /// From the setting's canonical text (`ISO, MDY`).
    pub fn parse(setting: &str) -> DateStyle {
        let mut style = DateStyle::default();
        for word in setting.split([',', ' ']).filter(|w| !w.is_empty()) {
            match word.to_ascii_lowercase().as_str() {
                "postgres" => style.out = DateOut::Postgres,
                "sql" => style.out = DateOut::Sql,
                "german" => style.out = DateOut::German,
                "iso" => style.out = DateOut::Iso,
                "dmy" => style.order = DateOrder::Dmy,
                "ymd" => style.order = DateOrder::Ymd,
                "mdy" => style.order = DateOrder::Mdy,
                _ => {}
            }
        }
        style
    }
}

/// POSIX's `[+|-]hh[:mm[:ss]]` (hours 0 to 24) as seconds west of UTC.
fn posix_offset(text: &str) -> Option<i32> {
    let (sign, body) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    let mut secs = 0;
    let mut parts = body.split(':');
    for (i, limit) in [24, 59, 59].into_iter().enumerate() {
        let Some(p) = parts.next() else {
            break;
        };
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i32 = p.parse().ok()?;
        if v > limit {
            return None;
        }
        secs += v * [3600, 60, 1][i];
    }
    if parts.next().is_some() {
        return None;
    }
    Some(sign * secs)
}

/// The IntervalStyle setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IntervalOut {
    /// `1 year 2 mons 3 days 04:05:06`.
    #[default]
    Postgres,
    /// `@ 1 year 2 mons 3 days 4 hours 5 mins 6 secs`.
    PostgresVerbose,
    /// `+1-2 +3 +4:05:06`.
    SqlStandard,
    /// `P1Y2M3DT4H5M6S`.
    Iso8601,
}

impl IntervalOut {
    /// From the setting's value.
    pub fn parse(setting: &str) -> IntervalOut {
        match setting {
            "postgres_verbose" => IntervalOut::PostgresVerbose,
            "sql_standard" => IntervalOut::SqlStandard,
            "iso_8601" => IntervalOut::Iso8601,
            _ => IntervalOut::Postgres,
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// The year as PostgreSQL prints it (at least four digits; BC years
/// counted from 1) and whether it is BC.
fn print_year(y: i32) -> (String, bool) {
    let bc = y <= 0;
    let year = if bc { 1 - y } else { y };
    (format!("{year:04}"), bc)
}

/// A date's day, month and year fields in a non-ISO style
/// (EncodeDateOnly); true if BC.
fn push_date_styled(jd: i32, style: DateStyle, out: &mut String) -> bool {
    let (y, m, d) = j2date(jd);
    let (year, bc) = print_year(y);
    let dmy = style.order == DateOrder::Dmy;
    match style.out {
        DateOut::Iso => return push_date(jd, out),
        DateOut::Sql if dmy => out.push_str(&format!("{d:02}/{m:02}/{year}")),
        DateOut::Sql => out.push_str(&format!("{m:02}/{d:02}/{year}")),
        DateOut::German => out.push_str(&format!("{d:02}.{m:02}.{year}")),
        DateOut::Postgres if dmy => out.push_str(&format!("{d:02}-{m:02}-{year}")),
        DateOut::Postgres => out.push_str(&format!("{m:02}-{d:02}-{year}")),
    }
    bc
}

/// date_out.
pub fn format_date(days: i32, style: DateStyle, out: &mut String) {
    match days {
        i32::MIN => out.push_str("-infinity"),
        i32::MAX => out.push_str("infinity"),
        _ => {
            if push_date_styled(days + POSTGRES_EPOCH_JDATE, style, out) {
                out.push_str(" BC");
            }
        }
    }
}

/// A timestamp's fields in a non-ISO style (EncodeDateTime), `zone` the
/// abbreviation for a timestamptz; true if BC.
fn push_timestamp_styled(
    jd: i32,
    time: i64,
    zone: Option<&str>,
    style: DateStyle,
    out: &mut String,
) -> bool {
    let bc = if style.out == DateOut::Postgres {
        let (y, m, d) = j2date(jd);
        let (year, bc) = print_year(y);
        let month = MONTHS[(m as usize).saturating_sub(1) % 12];
        out.push_str(DAYS[(jd + 1).rem_euclid(7) as usize]);
        if style.order == DateOrder::Dmy {
            out.push_str(&format!(" {d:02} {month} "));
        } else {
            out.push_str(&format!(" {month} {d:02} "));
        }
        push_time(time, out);
        out.push(' ');
        out.push_str(&year);
        bc
    } else {
        let bc = push_date_styled(jd, style, out);
        out.push(' ');
        push_time(time, out);
        bc
    };
    if let Some(z) = zone {
        out.push(' ');
        out.push_str(z);
    }
    bc
}

/// time_out.
pub fn format_time(micros: i64, out: &mut String) {
    push_time(micros, out);
}

/// timetz_out: the time of day, then the zone's offset (`zone` is in
/// seconds west of UTC, as PostgreSQL keeps it), in every DateStyle.
pub fn format_timetz(micros: i64, zone: i32, out: &mut String) {
    push_time(micros, out);
    push_offset(-zone, out);
}

/// timestamp_out.
pub fn format_timestamp(micros: i64, style: DateStyle, out: &mut String) {
    match micros {
        i64::MIN => out.push_str("-infinity"),
        i64::MAX => out.push_str("infinity"),
        _ => {
            let (jd, time) = split_micros(micros);
            let bc = if style.out == DateOut::Iso {
                let bc = push_date(jd, out);
                out.push(' ');
                push_time(time, out);
                bc
            } else {
                push_timestamp_styled(jd, time, None, style, out)
            };
            if bc {
                out.push_str(" BC");
            }
        }
    }
}

/// timestamptz_out, shown in `zone`: ISO with the offset, the other
/// styles with the zone's abbreviation.
pub fn format_timestamptz(micros: i64, zone: &Zone, style: DateStyle, out: &mut String) {
    if micros == i64::MIN || micros == i64::MAX {
        return format_timestamp(micros, style, out);
    }
    let offset = zone.offset_at(micros);
    let local = micros.saturating_add(i64::from(offset) * 1_000_000);
    let (jd, time) = split_micros(local);
    let bc = if style.out == DateOut::Iso {
        let bc = push_date(jd, out);
        out.push(' ');
        push_time(time, out);
        push_offset(offset, out);
        bc
    } else {
        let abbrev = zone.abbreviation_at(micros);
        push_timestamp_styled(jd, time, Some(&abbrev), style, out)
    };
    if bc {
        out.push_str(" BC");
    }
}

/// `+HH`, `+HH:MM` or `+HH:MM:SS` as EncodeTimezone prints it.
fn push_offset(offset: i32, out: &mut String) {
    out.push(if offset < 0 { '-' } else { '+' });
    let o = offset.unsigned_abs();
    let (h, m, s) = (o / 3600, o / 60 % 60, o % 60);
    out.push_str(&format!("{h:02}"));
    if m != 0 || s != 0 {
        out.push_str(&format!(":{m:02}"));
    }
    if s != 0 {
        out.push_str(&format!(":{s:02}"));
    }
}

/// RFC 3339 in UTC (`2026-11-23T20:14:32.123456Z`), for JSON.
pub fn format_rfc3339(micros: i64) -> String {
    let (jd, time) = split_micros(micros);
    let (y, m, d) = j2date(jd);
    let secs = time / 1_000_000;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        time % 1_000_000
    )
}

/// Seconds and their fraction, as AppendSeconds prints them (absolute;
/// `fill` pads whole seconds to two digits).
fn push_seconds(sec: i64, frac: i64, fill: bool, out: &mut String) {
    let sec = sec.unsigned_abs();
    if fill {
        out.push_str(&format!("{sec:02}"));
    } else {
        out.push_str(&sec.to_string());
    }
    push_fraction(frac.abs(), out);
}

/// interval_out in IntervalStyle `style`.
pub fn format_interval(iv: &Interval, style: IntervalOut, out: &mut String) {
    let (year, mon, mday) = (iv.months / 12, iv.months % 12, iv.days);
    let time = iv.micros;
    let hour = time / 3_600_000_000;
    let min = time / 60_000_000 % 60;
    let sec = time / 1_000_000 % 60;
    let frac = time % 1_000_000;
    match style {
        IntervalOut::Postgres => format_interval_postgres(iv, out),
        IntervalOut::PostgresVerbose => {
            out.push('@');
            let (mut is_zero, mut is_before) = (true, false);
            let mut part = |value: i64, unit: &str, out: &mut String| {
                if value == 0 {
                    return;
                }
                let mut v = value;
                if is_zero {
                    is_before = v < 0;
                    v = v.abs();
                } else if is_before {
                    v = -v;
                }
                let plural = if v == 1 { "" } else { "s" };
                out.push_str(&format!(" {v} {unit}{plural}"));
                is_zero = false;
            };
            part(i64::from(year), "year", out);
            part(i64::from(mon), "mon", out);
            part(i64::from(mday), "day", out);
            part(hour, "hour", out);
            part(min, "min", out);
            if sec != 0 || frac != 0 {
                out.push(' ');
                if sec < 0 || (sec == 0 && frac < 0) {
                    if is_zero {
                        is_before = true;
                    } else if !is_before {
                        out.push('-');
                    }
                } else if is_before {
                    out.push('-');
                }
                push_seconds(sec, frac, false, out);
                let plural = if sec.abs() != 1 || frac != 0 { "s" } else { "" };
                out.push_str(&format!(" sec{plural}"));
                is_zero = false;
            }
            if is_zero {
                out.push_str(" 0");
            }
            if is_before {
                out.push_str(" ago");
            }
        }
        IntervalOut::SqlStandard => {
            let fields = [
                i64::from(year),
                i64::from(mon),
                i64::from(mday),
                hour,
                min,
                sec,
                frac,
            ];
            let negative = fields.iter().any(|&v| v < 0);
            let positive = fields.iter().any(|&v| v > 0);
            let year_month = year != 0 || mon != 0;
            let day_time = mday != 0 || time != 0;
            let standard = !((negative && positive) || (year_month && day_time));
            let sign = if negative && standard { "-" } else { "" };
            let time_part = |out: &mut String| {
                out.push_str(&format!("{}:{:02}:", hour.abs(), min.abs()));
                push_seconds(sec, frac, true, out);
            };
            if !negative && !positive {
                out.push('0');
            } else if !standard {
                let ys = if year < 0 || mon < 0 { '-' } else { '+' };
                let ds = if mday < 0 { '-' } else { '+' };
                let ts = if time < 0 { '-' } else { '+' };
                out.push_str(&format!(
                    "{ys}{}-{} {ds}{} {ts}",
                    year.abs(),
                    mon.abs(),
                    mday.unsigned_abs()
                ));
                time_part(out);
            } else if year_month {
                out.push_str(&format!("{sign}{}-{}", year.abs(), mon.abs()));
            } else if mday != 0 {
                out.push_str(&format!("{sign}{} ", mday.unsigned_abs()));
                time_part(out);
            } else {
                out.push_str(sign);
                time_part(out);
            }
        }
        IntervalOut::Iso8601 => {
            if iv.months == 0 && mday == 0 && time == 0 {
                out.push_str("PT0S");
                return;
            }
            out.push('P');
            let part = |v: i64, unit: char, out: &mut String| {
                if v != 0 {
                    out.push_str(&format!("{v}{unit}"));
                }
            };
            part(i64::from(year), 'Y', out);
            part(i64::from(mon), 'M', out);
            part(i64::from(mday), 'D', out);
            if time != 0 {
                out.push('T');
            }
            part(hour, 'H', out);
            part(min, 'M', out);
            if sec != 0 || frac != 0 {
                if sec < 0 || frac < 0 {
                    out.push('-');
                }
                push_seconds(sec, frac, false, out);
                out.push('S');
            }
        }
    }
}

/// interval_out in the `postgres` IntervalStyle.
fn format_interval_postgres(iv: &Interval, out: &mut String) {
    let start = out.len();
    let mut is_before = false;
    let mut part = |value: i64, unit: &str, out: &mut String| {
        if value == 0 {
            return;
        }
        if out.len() > start {
            out.push(' ');
        }
        let sign = if is_before && value > 0 { "+" } else { "" };
        let plural = if value != 1 { "s" } else { "" };
        out.push_str(&format!("{sign}{value} {unit}{plural}"));
        is_before = value < 0;
    };
    part(i64::from(iv.months / 12), "year", out);
    part(i64::from(iv.months % 12), "mon", out);
    part(i64::from(iv.days), "day", out);
    let time = iv.micros;
    if time != 0 || out.len() == start {
        if out.len() > start {
            out.push(' ');
        }
        if time < 0 {
            out.push('-');
        } else if is_before {
            out.push('+');
        }
        let t = time.unsigned_abs();
        let secs = t / 1_000_000;
        out.push_str(&format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ));
        push_fraction((t % 1_000_000) as i64, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn julian_days_round_trip() {
        assert_eq!(date2j(2000, 1, 1), POSTGRES_EPOCH_JDATE);
        for jd in [0, 1_000_000, POSTGRES_EPOCH_JDATE, 2_461_000, 5_000_000] {
            let (y, m, d) = j2date(jd);
            assert_eq!(date2j(y, m as i32, d as i32), jd);
        }
        assert_eq!(j2date(date2j(2024, 2, 29)), (2024, 2, 29));
    }

    fn ts(y: i32, mo: i32, d: i32, h: i64, mi: i64, s: i64, us: i64) -> i64 {
        i64::from(date2j(y, mo, d) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY
            + ((h * 60 + mi) * 60 + s) * 1_000_000
            + us
    }

    #[test]
    fn timestamps_print_as_postgres() {
        let mut s = String::new();
        format_timestamptz(
            ts(2026, 11, 23, 20, 14, 32, 123_000),
            &Zone::utc(),
            DateStyle::default(),
            &mut s,
        );
        assert_eq!(s, "2026-11-23 20:14:32.123+00");
        s.clear();
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        format_timestamptz(
            ts(2026, 11, 23, 20, 14, 32, 500_000),
            &kolkata,
            DateStyle::default(),
            &mut s,
        );
        assert_eq!(s, "2026-11-24 01:44:32.5+05:30");
        s.clear();
        let st_johns = Zone::parse("America/St_Johns").unwrap();
        format_timestamptz(
            ts(2026, 11, 23, 20, 14, 32, 500_000),
            &st_johns,
            DateStyle::default(),
            &mut s,
        );
        assert_eq!(s, "2026-11-23 16:44:32.5-03:30");
        s.clear();
        format_date(
            date2j(-43, 3, 15) - POSTGRES_EPOCH_JDATE,
            DateStyle::default(),
            &mut s,
        );
        assert_eq!(s, "0044-03-15 BC");
        s.clear();
        format_timestamp(
            ts(2026, 11, 23, 20, 14, 32, 0),
            DateStyle::default(),
            &mut s,
        );
        assert_eq!(s, "2026-11-23 20:14:32");
        assert!(Zone::parse("Nowhere/Land").is_none());
    }

    #[test]
    fn intervals_print_as_postgres() {
        let table = [
            (
                Interval {
                    months: 14,
                    days: 3,
                    micros: 14_706_700_000,
                },
                "1 year 2 mons 3 days 04:05:06.7",
            ),
            (
                Interval {
                    months: 0,
                    days: -1,
                    micros: -1_000_000,
                },
                "-1 days -00:00:01",
            ),
            (
                Interval {
                    months: 0,
                    days: 0,
                    micros: 36_000_000_000,
                },
                "10:00:00",
            ),
            (Interval::default(), "00:00:00"),
            (
                Interval {
                    months: 0,
                    days: 2,
                    micros: 0,
                },
                "2 days",
            ),
            (
                Interval {
                    months: -36,
                    days: 0,
                    micros: 0,
                },
                "-3 years",
            ),
            (
                Interval {
                    months: -12,
                    days: 2,
                    micros: 1_000_000,
                },
                "-1 years +2 days 00:00:01",
            ),
        ];
        for (iv, want) in table {
            let mut s = String::new();
            format_interval(&iv, IntervalOut::default(), &mut s);
            assert_eq!(s, want);
        }
    }
}
