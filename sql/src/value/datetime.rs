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
const UNIX_TO_POSTGRES_SECS: i64 = 946_684_800;

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

/// date_out in ISO DateStyle.
pub fn format_date(days: i32, out: &mut String) {
    match days {
        i32::MIN => out.push_str("-infinity"),
        i32::MAX => out.push_str("infinity"),
        _ => {
            if push_date(days + POSTGRES_EPOCH_JDATE, out) {
                out.push_str(" BC");
            }
        }
    }
}

/// time_out.
pub fn format_time(micros: i64, out: &mut String) {
    push_time(micros, out);
}

/// timestamp_out in ISO DateStyle.
pub fn format_timestamp(micros: i64, out: &mut String) {
    match micros {
        i64::MIN => out.push_str("-infinity"),
        i64::MAX => out.push_str("infinity"),
        _ => {
            let (jd, time) = split_micros(micros);
            let bc = push_date(jd, out);
            out.push(' ');
            push_time(time, out);
            if bc {
                out.push_str(" BC");
            }
        }
    }
}

/// timestamptz_out in ISO DateStyle, shown in `zone`.
pub fn format_timestamptz(micros: i64, zone: &Zone, out: &mut String) {
    if micros == i64::MIN || micros == i64::MAX {
        return format_timestamp(micros, out);
    }
    let offset = zone.offset_at(micros);
    let local = micros.saturating_add(i64::from(offset) * 1_000_000);
    let (jd, time) = split_micros(local);
    let bc = push_date(jd, out);
    out.push(' ');
    push_time(time, out);
    push_offset(offset, out);
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

/// interval_out in the `postgres` IntervalStyle.
pub fn format_interval(iv: &Interval, out: &mut String) {
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
        format_timestamptz(ts(2026, 11, 23, 20, 14, 32, 123_000), &Zone::utc(), &mut s);
        assert_eq!(s, "2026-11-23 20:14:32.123+00");
        s.clear();
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        format_timestamptz(ts(2026, 11, 23, 20, 14, 32, 500_000), &kolkata, &mut s);
        assert_eq!(s, "2026-11-24 01:44:32.5+05:30");
        s.clear();
        let st_johns = Zone::parse("America/St_Johns").unwrap();
        format_timestamptz(ts(2026, 11, 23, 20, 14, 32, 500_000), &st_johns, &mut s);
        assert_eq!(s, "2026-11-23 16:44:32.5-03:30");
        s.clear();
        format_date(date2j(-43, 3, 15) - POSTGRES_EPOCH_JDATE, &mut s);
        assert_eq!(s, "0044-03-15 BC");
        s.clear();
        format_timestamp(ts(2026, 11, 23, 20, 14, 32, 0), &mut s);
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
            format_interval(&iv, &mut s);
            assert_eq!(s, want);
        }
    }
}
