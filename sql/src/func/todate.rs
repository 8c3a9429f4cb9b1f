//! to_date(text, pattern) and to_timestamp(text, pattern): the reverse of
//! to_char for the template patterns applications use (YYYY YY MM MON
//! Month DD DDD HH HH12 HH24 MI SS MS US AM PM, day names, quoted text,
//! separators), read as PostgreSQL's non-FX mode reads them: blanks
//! before a number are skipped, a separator in the pattern matches one
//! separator in the text or none.

use super::operators::arg;
use super::{f, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::datetime::{date2j, POSTGRES_EPOCH_JDATE, USECS_PER_DAY};
use crate::value::Value;

use crate::value::datetime_in::MONTH_NAMES as MONTHS;

#[derive(Default)]
struct Fields {
    year: Option<i32>,
    month: Option<i32>,
    day: Option<i32>,
    doy: Option<i32>,
    hour: i64,
    minute: i64,
    second: i64,
    micros: i64,
    pm: Option<bool>,
    hour12: bool,
}

fn field_error(value: &str, field: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_DATETIME_FORMAT,
        format!("invalid value \"{value}\" for \"{field}\""),
    )
}

fn range_error(field: &str, v: i64, lo: i64, hi: i64) -> SqlError {
    SqlError::new(
        SqlState::DATETIME_FIELD_OVERFLOW,
        format!("date/time field value out of range: \"{v}\""),
    )
    .with_detail(format!("Field \"{field}\" must be between {lo} and {hi}."))
}

/// The pattern elements, longest first.
const ELEMENTS: &[&str] = &[
    "HH24", "HH12", "YYYY", "MONTH", "DDD", "MON", "YYY", "DAY", "HH", "MM", "MI", "SS", "MS",
    "US", "DD", "DY", "YY", "AM", "PM", "A.M.", "P.M.", "Y", "D", "FM", "FX", "TZ",
];

/// Reads `text` with `pattern`.
fn parse(text: &str, pattern: &str) -> Result<Fields> {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut out = Fields::default();
    let upper_at = |k: usize, e: &str| -> bool {
        let n = e.chars().count();
        k + n <= p.len()
            && p[k..k + n]
                .iter()
                .zip(e.chars())
                .all(|(a, b)| a.to_ascii_uppercase() == b)
    };
    while j < p.len() {
        let c = p[j];
        if c == '"' {
            // Quoted text: as many characters of the input.
            let end = p[j + 1..]
                .iter()
                .position(|&x| x == '"')
                .map_or(p.len(), |e| j + 1 + e);
            i = (i + end - j - 1).min(t.len());
            j = end + 1;
            continue;
        }
        let Some(elem) = ELEMENTS.iter().find(|e| upper_at(j, e)) else {
            // A separator or other literal: matches one non-alphanumeric
            // character of the input, or nothing.
            if c.is_whitespace() {
                while i < t.len() && t[i].is_whitespace() {
                    i += 1;
                }
            } else if i < t.len() && !t[i].is_alphanumeric() {
                i += 1;
            }
            j += 1;
            continue;
        };
        j += elem.len();
        // The next element: a number runs to its width when one follows.
        let next_is_field = j < p.len() && ELEMENTS.iter().any(|e| upper_at(j, e));
        let mut number = |width: usize, name: &str| -> Result<i64> {
            while i < t.len() && t[i].is_whitespace() {
                i += 1;
            }
            let start = i;
            if i < t.len() && (t[i] == '-' || t[i] == '+') {
                i += 1;
            }
            let limit = if next_is_field { width } else { usize::MAX };
            let digits_from = i;
            while i < t.len() && t[i].is_ascii_digit() && i - digits_from < limit {
                i += 1;
            }
            let s: String = t[start..i].iter().collect();
            if i == digits_from {
                let shown: String = t[start..(start + width).min(t.len())].iter().collect();
                return Err(field_error(&shown, name).with_detail("Value must be an integer."));
            }
            let v = s
                .parse::<i64>()
                .map_err(|_| field_error(&s, name).with_detail("Value must be an integer."))?;
            if i32::try_from(v).is_err() {
                return Err(SqlError::new(
                    SqlState::DATETIME_FIELD_OVERFLOW,
                    format!("value for \"{name}\" in source string is out of range"),
                )
                .with_detail("Value must be in the range -2147483648 to 2147483647."));
            }
            Ok(v)
        };
        match *elem {
            "YYYY" => out.year = Some(number(4, "YYYY")? as i32),
            "YYY" | "YY" | "Y" => {
                let width = elem.len();
                let v = number(width, elem)? as i32;
                // Nearest year to 2020 with these last digits.
                out.year = Some(match width {
                    1 => 2000 + v,
                    2 if v < 70 => 2000 + v,
                    2 => 1900 + v,
                    _ if v < 100 => 2000 + v,
                    _ => 1000 + v,
                });
            }
            "MM" => out.month = Some(number(2, "MM")? as i32),
            "DD" => out.day = Some(number(2, "DD")? as i32),
            "DDD" => out.doy = Some(number(3, "DDD")? as i32),
            "D" => {
                number(1, "D")?;
            }
            "HH" | "HH12" => {
                out.hour = number(2, elem)?;
                out.hour12 = true;
            }
            "HH24" => out.hour = number(2, "HH24")?,
            "MI" => out.minute = number(2, "MI")?,
            "SS" => out.second = number(2, "SS")?,
            "MS" | "US" => {
                while i < t.len() && t[i].is_whitespace() {
                    i += 1;
                }
                let start = i;
                let width = if *elem == "MS" { 3 } else { 6 };
                while i < t.len() && t[i].is_ascii_digit() && i - start < width {
                    i += 1;
                }
                let digits: String = t[start..i].iter().collect();
                if digits.is_empty() {
                    return Err(field_error("", elem).with_detail("Value must be an integer."));
                }
                // Fraction digits: "5" in MS is 500 milliseconds.
                let scaled = format!("{digits:0<width$}");
                let v: i64 = scaled.parse().unwrap_or(0);
                out.micros = if *elem == "MS" { v * 1000 } else { v };
            }
            "MON" | "MONTH" => {
                let rest: String = t[i..].iter().collect::<String>().to_lowercase();
                let found = MONTHS.iter().enumerate().find_map(|(n, m)| {
                    if *elem == "MONTH" && rest.starts_with(m) {
                        Some((n, m.len()))
                    } else if rest.starts_with(&m[..3]) {
                        Some((n, 3))
                    } else {
                        None
                    }
                });
                let Some((n, len)) = found else {
                    let shown: String = t[i..].iter().take(3).collect();
                    return Err(field_error(&shown, elem).with_detail(
                        "The given value did not match any of the allowed values for this field.",
                    ));
                };
                out.month = Some(n as i32 + 1);
                i += len;
            }
            "DAY" | "DY" => {
                while i < t.len() && t[i].is_alphabetic() {
                    i += 1;
                }
            }
            "AM" | "PM" | "A.M." | "P.M." => {
                let rest: String = t[i..].iter().take(4).collect::<String>().to_uppercase();
                let (pm, len) = if rest.starts_with("P.M.") {
                    (true, 4)
                } else if rest.starts_with("A.M.") {
                    (false, 4)
                } else if rest.starts_with("PM") {
                    (true, 2)
                } else if rest.starts_with("AM") {
                    (false, 2)
                } else {
                    return Err(field_error(&rest, elem).with_detail(
                        "The given value did not match any of the allowed values for this field.",
                    ));
                };
                out.pm = Some(pm);
                i += len;
            }
            // FM and FX change nothing here; TZ is read by to_char only.
            _ => {}
        }
    }
    Ok(out)
}

/// Days since 2000-01-01 and microseconds since midnight of the fields;
/// `out_of_range` is the caller's error for a year no date reaches.
fn resolve(f: &Fields, out_of_range: impl Fn() -> SqlError) -> Result<(i32, i64)> {
    let year = f.year.unwrap_or(1);
    if !(-4713..=5_874_897).contains(&year) {
        return Err(out_of_range());
    }
    let (month, day) = match (f.doy, f.month, f.day) {
        (Some(doy), None, None) => {
            let jd = date2j(year, 1, 1) + doy - 1;
            return finish(f, jd);
        }
        (_, m, d) => (m.unwrap_or(1), d.unwrap_or(1)),
    };
    let jd = date2j(year, month, day);
    // A month or day past its range does not round-trip.
    let (y2, m2, d2) = crate::value::datetime::j2date(jd);
    if !(1..=12).contains(&month) || (y2, m2 as i32, d2 as i32) != (year, month, day) {
        return Err(SqlError::new(
            SqlState::DATETIME_FIELD_OVERFLOW,
            format!("date/time field value out of range: \"{year}-{month:02}-{day:02}\""),
        ));
    }
    finish(f, jd)
}

fn finish(f: &Fields, jd: i32) -> Result<(i32, i64)> {
    let mut hour = f.hour;
    if f.hour12 || f.pm.is_some() {
        if !(1..=12).contains(&hour) {
            return Err(range_error("HH12", hour, 1, 12)
                .with_hint("Use the 24-hour clock, or give an hour between 1 and 12."));
        }
        hour %= 12;
        if f.pm == Some(true) {
            hour += 12;
        }
    } else if !(0..=24).contains(&hour) {
        return Err(range_error("HH24", hour, 0, 24));
    }
    if !(0..60).contains(&f.minute) {
        return Err(range_error("MI", f.minute, 0, 59));
    }
    if !(0..=60).contains(&f.second) {
        return Err(range_error("SS", f.second, 0, 60));
    }
    let micros = ((hour * 60 + f.minute) * 60 + f.second) * 1_000_000 + f.micros;
    Ok((jd - POSTGRES_EPOCH_JDATE, micros))
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(f("to_date", &[Text, Text], Date, |a, _| {
        let text = arg!(a, 0, Text);
        let fields = parse(&text, &arg!(a, 1, Text))?;
        let date_range = || {
            SqlError::new(
                SqlState::DATETIME_FIELD_OVERFLOW,
                format!("date out of range: \"{text}\""),
            )
        };
        let (days, _) = resolve(&fields, date_range)?;
        if days < -POSTGRES_EPOCH_JDATE {
            return Err(date_range());
        }
        Ok(Value::Date(days))
    })),
    stable(f("to_timestamp", &[Text, Text], TimestampTz, |a, ctx| {
        let fields = parse(&arg!(a, 0, Text), &arg!(a, 1, Text))?;
        let range = || SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        let (days, micros) = resolve(&fields, range)?;
        let local = i64::from(days)
            .checked_mul(USECS_PER_DAY)
            .and_then(|x| x.checked_add(micros))
            .ok_or_else(range)?;
        let offset = crate::cast::local_offset(&ctx.style.zone, local);
        let value = local - i64::from(offset) * 1_000_000;
        if !(crate::cast::MIN_TIMESTAMP..crate::cast::END_TIMESTAMP).contains(&value) {
            return Err(range());
        }
        Ok(Value::TimestampTz(value))
    })),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_back() {
        let f = parse("05 Dec 2020", "DD Mon YYYY").unwrap();
        assert_eq!((f.year, f.month, f.day), (Some(2020), Some(12), Some(5)));
        let f = parse("20201205", "YYYYMMDD").unwrap();
        assert_eq!((f.year, f.month, f.day), (Some(2020), Some(12), Some(5)));
        let f = parse("5/12/2020 2:30 PM", "DD/MM/YYYY HH12:MI AM").unwrap();
        assert_eq!((f.hour, f.minute, f.pm), (2, 30, Some(true)));
        assert!(parse("xx", "MM").is_err());
    }
}
