//! to_char for timestamps and intervals: PostgreSQL's DCH template
//! patterns (formatting.c's parse_format and DCH_to_char) — every
//! keyword of its table, matched case-sensitively and longest first,
//! the FM / TM prefixes, the TH / th / SP suffixes, double-quoted
//! literals with backslash escapes.

use crate::error::{Result, SqlError, SqlState};

/// The broken-down time to_char prints (PostgreSQL's pg_tm with fsec).
pub(super) struct Tm {
    /// Astronomical year (0 = 1 BC) for timestamps; the years of an
    /// interval.
    pub year: i64,
    pub mon: i64,
    pub mday: i64,
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    /// Microseconds.
    pub fsec: i64,
    /// 0 = Sunday.
    pub wday: i64,
    /// Day of the year, from 1.
    pub yday: i64,
    /// Seconds east of UTC.
    pub gmtoff: i64,
    /// The zone abbreviation (timestamptz only).
    pub tzn: Option<String>,
    /// ISO year, week and day of the ISO year.
    pub iso: (i64, i64, i64),
    /// Julian day.
    pub jd: i64,
    pub is_interval: bool,
}

const KEYWORDS: &[&str] = &[
    "A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "CC", "DAY", "DDD", "DD", "DY", "Day", "Dy", "D",
    "FF1", "FF2", "FF3", "FF4", "FF5", "FF6", "FX", "HH24", "HH12", "HH", "IDDD", "ID", "IW",
    "IYYY", "IYY", "IY", "I", "J", "MI", "MM", "MONTH", "MON", "MS", "Month", "Mon", "OF", "P.M.",
    "PM", "Q", "RM", "SSSSS", "SSSS", "SS", "TZH", "TZM", "TZ", "US", "WW", "W", "Y,YYY", "YYYY",
    "YYY", "YY", "Y", "a.d.", "a.m.", "ad", "am", "b.c.", "bc", "cc", "day", "ddd", "dd", "dy",
    "d", "ff1", "ff2", "ff3", "ff4", "ff5", "ff6", "fx", "hh24", "hh12", "hh", "iddd", "id", "iw",
    "iyyy", "iyy", "iy", "i", "j", "mi", "mm", "month", "mon", "ms", "of", "p.m.", "pm", "q", "rm",
    "sssss", "ssss", "ss", "tzh", "tzm", "tz", "us", "ww", "w", "y,yyy", "yyyy", "yyy", "yy", "y",
];

/// Keywords an interval has no value for (upper-cased).
const CALENDAR_ONLY: &[&str] = &[
    "TZ", "TZH", "TZM", "OF", "A.D.", "B.C.", "AD", "BC", "MONTH", "MON", "DAY", "DY", "D", "ID",
];

/// Keywords whose output is a word, not a number (no TH suffix).
const TEXT_KEYS: &[&str] = &["A.M.", "P.M.", "AM", "PM", "RM", "FX"];

pub(super) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(super) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
pub(super) const ROMAN: [&str; 12] = [
    "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
];

pub(super) enum Node {
    Literal(String),
    Key {
        key: &'static str,
        /// FM: no padding.
        fm: bool,
        /// TM: names as the locale spells them, unpadded.
        tm: bool,
        th: Option<bool>,
    },
}

/// parse_format: keywords with their prefix and suffix, the rest
/// literal.
pub(super) fn parse(pattern: &str) -> Vec<Node> {
    let mut out = Vec::new();
    let mut s = pattern;
    let push_char = |out: &mut Vec<Node>, c: char| match out.last_mut() {
        Some(Node::Literal(l)) => l.push(c),
        _ => out.push(Node::Literal(c.to_string())),
    };
    while !s.is_empty() {
        let (mut fm, mut tm) = (false, false);
        let mut rest = s;
        for prefix in ["FM", "fm", "TM", "tm"] {
            if let Some(r) = rest.strip_prefix(prefix) {
                fm = prefix.eq_ignore_ascii_case("fm");
                tm = !fm;
                rest = r;
                break;
            }
        }
        if let Some(key) = KEYWORDS.iter().find(|k| rest.starts_with(**k)) {
            rest = &rest[key.len()..];
            let mut th = None;
            for (suffix, upper) in [("TH", Some(true)), ("th", Some(false)), ("SP", None)] {
                if let Some(r) = rest.strip_prefix(suffix) {
                    th = upper;
                    rest = r;
                    break;
                }
            }
            out.push(Node::Key { key, fm, tm, th });
            s = rest;
            continue;
        }
        // A prefix without a keyword is dropped.
        s = rest;
        let Some(c) = s.chars().next() else {
            break;
        };
        if c == '"' {
            s = &s[1..];
            let mut chars = s.char_indices();
            let mut end = s.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, next)) => push_char(&mut out, next),
                        None => {
                            push_char(&mut out, '\\');
                        }
                    },
                    ch => push_char(&mut out, ch),
                }
            }
            s = &s[end..];
            continue;
        }
        if c == '\\' && s[1..].starts_with('"') {
            s = &s[1..];
            push_char(&mut out, '"');
            s = &s[1..];
            continue;
        }
        push_char(&mut out, c);
        s = &s[c.len_utf8()..];
    }
    out
}

/// The ordinal suffix of a number's text (str_numth).
fn numth(num: &str, upper: bool) -> Result<&'static str> {
    let bytes = num.as_bytes();
    let Some(&last) = bytes.last().filter(|b| b.is_ascii_digit()) else {
        return Err(SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("\"{num}\" is not a number"),
        ));
    };
    let teen = bytes.len() > 1 && bytes[bytes.len() - 2] == b'1';
    let s = match (teen, last) {
        (false, b'1') => "st",
        (false, b'2') => "nd",
        (false, b'3') => "rd",
        _ => "th",
    };
    Ok(match (upper, s) {
        (false, s) => s,
        (true, "st") => "ST",
        (true, "nd") => "ND",
        (true, "rd") => "RD",
        (true, _) => "TH",
    })
}

/// `%0*d`: zero-padded to `width` (a minus sign counts).
fn zero_pad(v: i64, width: usize) -> String {
    if v < 0 {
        format!("-{:0w$}", v.unsigned_abs(), w = width.saturating_sub(1))
    } else {
        format!("{v:0width$}")
    }
}

/// ADJUST_YEAR: BC years count up from 1 for timestamps.
fn adjust_year(year: i64, is_interval: bool) -> i64 {
    if is_interval || year > 0 {
        year
    } else {
        -(year - 1)
    }
}

fn interval_error() -> SqlError {
    SqlError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        "invalid format specification for an interval value",
    )
    .with_hint("Intervals are not tied to specific calendar dates.")
}

/// DCH_to_char.
pub(super) fn format(tm: &Tm, pattern: &str) -> Result<String> {
    let mut out = String::new();
    for node in parse(pattern) {
        let (key, fm, tm_names, th) = match node {
            Node::Literal(l) => {
                out.push_str(&l);
                continue;
            }
            Node::Key { key, fm, tm, th } => (key, fm, tm, th),
        };
        let upper = key.to_ascii_uppercase();
        let calendar_only = CALENDAR_ONLY.contains(&upper.as_str());
        if tm.is_interval && calendar_only {
            return Err(interval_error());
        }
        let pm = tm.hour % 24 >= 12;
        let width = |w: usize, v: i64| {
            if fm {
                0
            } else if v >= 0 {
                w
            } else {
                w + 1
            }
        };
        let year = adjust_year(tm.year, tm.is_interval);
        let iso_year = adjust_year(tm.iso.0, tm.is_interval);
        let pad9 = |s: String| if fm || tm_names { s } else { format!("{s:<9}") };
        let text: String = match key {
            "A.M." | "P.M." => (if pm { "P.M." } else { "A.M." }).into(),
            "AM" | "PM" => (if pm { "PM" } else { "AM" }).into(),
            "a.m." | "p.m." => (if pm { "p.m." } else { "a.m." }).into(),
            "am" | "pm" => (if pm { "pm" } else { "am" }).into(),
            "HH" | "HH12" | "hh" | "hh12" => {
                let h = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
                zero_pad(h, width(2, tm.hour))
            }
            "HH24" | "hh24" => zero_pad(tm.hour, width(2, tm.hour)),
            "MI" | "mi" => zero_pad(tm.min, width(2, tm.min)),
            "SS" | "ss" => zero_pad(tm.sec, width(2, tm.sec)),
            "FF1" | "ff1" => format!("{:01}", tm.fsec / 100_000),
            "FF2" | "ff2" => format!("{:02}", tm.fsec / 10_000),
            "FF3" | "ff3" | "MS" | "ms" => format!("{:03}", tm.fsec / 1000),
            "FF4" | "ff4" => format!("{:04}", tm.fsec / 100),
            "FF5" | "ff5" => format!("{:05}", tm.fsec / 10),
            "FF6" | "ff6" | "US" | "us" => format!("{:06}", tm.fsec),
            "SSSSS" | "SSSS" | "sssss" | "ssss" => {
                (tm.hour * 3600 + tm.min * 60 + tm.sec).to_string()
            }
            "tz" => tm.tzn.as_deref().unwrap_or("").to_lowercase(),
            "TZ" => tm.tzn.clone().unwrap_or_default(),
            "TZH" | "tzh" => format!(
                "{}{:02}",
                if tm.gmtoff >= 0 { '+' } else { '-' },
                tm.gmtoff.abs() / 3600
            ),
            "TZM" | "tzm" => format!("{:02}", tm.gmtoff.abs() % 3600 / 60),
            "OF" | "of" => {
                let mut s = format!(
                    "{}{:0w$}",
                    if tm.gmtoff >= 0 { '+' } else { '-' },
                    tm.gmtoff.abs() / 3600,
                    w = if fm { 0 } else { 2 }
                );
                if tm.gmtoff.abs() % 3600 != 0 {
                    s.push_str(&format!(":{:02}", tm.gmtoff.abs() % 3600 / 60));
                }
                s
            }
            "A.D." | "B.C." => (if tm.year <= 0 { "B.C." } else { "A.D." }).into(),
            "AD" | "BC" => (if tm.year <= 0 { "BC" } else { "AD" }).into(),
            "a.d." | "b.c." => (if tm.year <= 0 { "b.c." } else { "a.d." }).into(),
            "ad" | "bc" => (if tm.year <= 0 { "bc" } else { "ad" }).into(),
            "MONTH" | "Month" | "month" | "MON" | "Mon" | "mon" => {
                if !(1..=12).contains(&tm.mon) {
                    continue;
                }
                let name = MONTHS[(tm.mon - 1) as usize];
                match key {
                    "MONTH" => pad9(name.to_uppercase()),
                    "Month" => pad9(name.to_owned()),
                    "month" => pad9(name.to_lowercase()),
                    "MON" => name[..3].to_uppercase(),
                    "Mon" => name[..3].to_owned(),
                    _ => name[..3].to_lowercase(),
                }
            }
            "MM" | "mm" => zero_pad(tm.mon, width(2, tm.mon)),
            "DAY" | "Day" | "day" | "DY" | "Dy" | "dy" => {
                let name = DAYS[tm.wday.rem_euclid(7) as usize];
                match key {
                    "DAY" => pad9(name.to_uppercase()),
                    "Day" => pad9(name.to_owned()),
                    "day" => pad9(name.to_lowercase()),
                    "DY" => name[..3].to_uppercase(),
                    "Dy" => name[..3].to_owned(),
                    _ => name[..3].to_lowercase(),
                }
            }
            "DDD" | "ddd" => zero_pad(tm.yday, if fm { 0 } else { 3 }),
            "IDDD" | "iddd" => zero_pad(tm.iso.2, if fm { 0 } else { 3 }),
            "DD" | "dd" => zero_pad(tm.mday, if fm { 0 } else { 2 }),
            "D" | "d" => (tm.wday + 1).to_string(),
            "ID" | "id" => (if tm.wday == 0 { 7 } else { tm.wday }).to_string(),
            "WW" | "ww" => zero_pad((tm.yday - 1) / 7 + 1, if fm { 0 } else { 2 }),
            "IW" | "iw" => zero_pad(tm.iso.1, if fm { 0 } else { 2 }),
            "Q" | "q" => {
                if tm.mon == 0 {
                    continue;
                }
                ((tm.mon - 1) / 3 + 1).to_string()
            }
            "CC" | "cc" => {
                let c = if tm.is_interval {
                    tm.year / 100
                } else if tm.year > 0 {
                    (tm.year - 1) / 100 + 1
                } else {
                    tm.year / 100 - 1
                };
                if (-99..=99).contains(&c) {
                    zero_pad(c, width(2, c))
                } else {
                    c.to_string()
                }
            }
            "Y,YYY" | "y,yyy" => {
                let i = year / 1000;
                format!("{i},{:03}", year - i * 1000)
            }
            "YYYY" | "yyyy" => zero_pad(year, width(4, year)),
            "IYYY" | "iyyy" => zero_pad(iso_year, width(4, year)),
            "YYY" | "yyy" => zero_pad(year % 1000, width(3, year)),
            "IYY" | "iyy" => zero_pad(iso_year % 1000, width(3, year)),
            "YY" | "yy" => zero_pad(year % 100, width(2, year)),
            "IY" | "iy" => zero_pad(iso_year % 100, width(2, year)),
            "Y" | "y" => (year % 10).to_string(),
            "I" | "i" => (iso_year % 10).to_string(),
            "RM" | "rm" => {
                if tm.mon == 0 && tm.year == 0 {
                    continue;
                }
                let idx = if tm.mon == 0 {
                    if tm.year >= 0 {
                        0
                    } else {
                        11
                    }
                } else if tm.mon < 0 {
                    -(tm.mon + 1)
                } else {
                    12 - tm.mon
                };
                let name = ROMAN[idx.clamp(0, 11) as usize];
                let name = if key == "rm" {
                    name.to_lowercase()
                } else {
                    name.to_owned()
                };
                if fm {
                    name
                } else {
                    format!("{name:<4}")
                }
            }
            "W" | "w" => ((tm.mday - 1) / 7 + 1).to_string(),
            "J" | "j" => tm.jd.to_string(),
            // FX: fixed format, for input only.
            _ => String::new(),
        };
        // Numbers take a TH suffix; words do not (D and ID are numbers).
        let word = TEXT_KEYS.contains(&upper.as_str()) || CALENDAR_ONLY.contains(&upper.as_str());
        let numeric = !word || matches!(upper.as_str(), "D" | "ID");
        out.push_str(&text);
        if let (Some(upper), true) = (th, numeric) {
            out.push_str(numth(&text, upper)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm() -> Tm {
        Tm {
            year: 1997,
            mon: 2,
            mday: 11,
            hour: 1,
            min: 32,
            sec: 1,
            fsec: 789_000,
            wday: 2,
            yday: 42,
            gmtoff: 0,
            tzn: Some("UTC".into()),
            iso: (1997, 7, 44),
            jd: 2_450_491,
            is_interval: false,
        }
    }

    #[test]
    fn patterns_as_postgres() {
        let f = |p: &str| format(&tm(), p).unwrap();
        assert_eq!(
            f("DAY Day day DY Dy dy MONTH Month month RM MON Mon mon"),
            "TUESDAY   Tuesday   tuesday   TUE Tue tue FEBRUARY  February  february  II   FEB Feb feb"
        );
        assert_eq!(f("YYYYTH YYYYth Jth"), "1997TH 1997th 2450491st");
        assert_eq!(f("FF1 FF3 ff6 OF TZH:TZM"), "7 789 789000 +00 +00:00");
        assert_eq!(f("FMDD \"text \\\" DD\" HH12 AM"), "11 text \" DD 01 AM");
        assert_eq!(f("Y,YYY IYYY IW ID"), "1,997 1997 07 2");
    }
}
