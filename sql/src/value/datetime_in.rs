//! Date and timestamp input as PostgreSQL's ParseDateTime and
//! DecodeDateTime read it: fields split into numbers, dates, times,
//! zones and words, then assigned by their form and DateStyle's field
//! order.
//!
//! Read: `2020-01-02`, `1/2/2020` (by DateStyle order), `20200102`,
//! `January 2, 2020`, `2-Jan-2020`, `Jan-02-2020`, `Thu Jan 02
//! 03:04:05 2020 PST` (the Postgres style's output), `02.01.2020`
//! (German), `2020-01-02T03:04:05Z`, times with AM/PM and fractions,
//! zones as offsets (`+05`, `-08:00`, `+0530`), IANA names
//! (`America/New_York`), common abbreviations (`EST`, `PDT`, `UTC`),
//! `BC` / `AD`, `J2451545` (Julian day), and the special words
//! (`epoch`, `infinity`, `now`, `today`, `tomorrow`, `yesterday`,
//! `allballs`).

use super::datetime::{DateOrder, Zone};

/// A special input word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// `epoch`.
    Epoch,
    /// `infinity`.
    Infinity,
    /// `-infinity`.
    NegInfinity,
    /// `now`.
    Now,
    /// `today` (+0), `tomorrow` (+1), `yesterday` (-1) days.
    Day(i32),
}

/// A zone given in the text.
#[derive(Debug, Clone)]
pub enum ZoneSpec {
    /// A fixed offset, seconds east of UTC.
    Offset(i32),
    /// A named zone (its offset depends on the instant).
    Named(Zone),
}

/// What a date/time text holds.
#[derive(Debug, Clone, Default)]
pub struct Decoded {
    /// A special word, if the text is one (with a time for `today` etc.).
    pub special: Option<Special>,
    /// Year (astronomical: 1 BC is 0), month, day.
    pub date: Option<(i32, i32, i32)>,
    /// Microseconds since midnight.
    pub time: Option<i64>,
    /// The zone, if given.
    pub zone: Option<ZoneSpec>,
}

/// Why a text does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtError {
    /// Not a date/time (22007).
    Syntax,
    /// A field out of range (22008); `hint` suggests another DateStyle.
    Range {
        /// Whether a different field order would have read it.
        hint: bool,
    },
    /// An unknown time zone name (22023).
    Zone,
    /// A UTC offset past 15:59:59 (22009).
    Displacement,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Field {
    /// Digits only (maybe with one `.` and a fraction).
    Number(String),
    /// Numbers or words with `-`, `/` or `.` between them (lower case).
    Date(String),
    /// `HH:MM[:SS[.f]]`.
    Time(String),
    /// `+HH[:MM]`, `-HHMM`.
    Tz(String),
    /// A word (lower case).
    Word(String),
    /// `+infinity`, `-infinity`.
    Special(String),
}

/// Splits the text into fields (PostgreSQL's ParseDateTime).
pub(super) fn fields(text: &str) -> Result<Vec<Field>, DtError> {
    let chars: Vec<char> = text.chars().collect();
    let lower = |s: &[char]| s.iter().collect::<String>().to_lowercase();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            match chars.get(i) {
                Some(':') => {
                    while i < chars.len()
                        && (chars[i].is_ascii_digit() || matches!(chars[i], ':' | '.'))
                    {
                        i += 1;
                    }
                    out.push(Field::Time(chars[start..i].iter().collect()));
                }
                Some(&d @ ('-' | '/' | '.')) => {
                    i += 1;
                    if chars.get(i).is_some_and(char::is_ascii_digit) {
                        let mut date = d != '.';
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                        if chars.get(i) == Some(&d) {
                            date = true;
                            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == d) {
                                i += 1;
                            }
                        }
                        let s: String = chars[start..i].iter().collect();
                        out.push(if date {
                            Field::Date(s)
                        } else {
                            Field::Number(s)
                        });
                    } else {
                        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == d) {
                            i += 1;
                        }
                        out.push(Field::Date(lower(&chars[start..i])));
                    }
                }
                _ => out.push(Field::Number(chars[start..i].iter().collect())),
            }
        } else if c == '.' {
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            out.push(Field::Number(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() {
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let word = lower(&chars[start..i]);
            let is_date = match chars.get(i) {
                Some('-' | '/' | '.') => true,
                Some(&n) if n == '+' || n.is_ascii_digit() => !known_word(&word),
                _ => false,
            };
            if is_date {
                while i < chars.len()
                    && (chars[i].is_alphanumeric()
                        || matches!(chars[i], '+' | '-' | '/' | '_' | '.' | ':'))
                {
                    i += 1;
                }
                out.push(Field::Date(lower(&chars[start..i])));
            } else {
                out.push(Field::Word(word));
            }
        } else if c == '+' || c == '-' {
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if chars.get(i).is_some_and(char::is_ascii_digit) {
                while i < chars.len()
                    && (chars[i].is_ascii_digit() || matches!(chars[i], ':' | '.' | '-'))
                {
                    i += 1;
                }
                let s: String = chars[start..i]
                    .iter()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                out.push(Field::Tz(s));
            } else if chars.get(i).is_some_and(|c| c.is_alphabetic()) {
                while i < chars.len() && chars[i].is_alphabetic() {
                    i += 1;
                }
                let s: String = chars[start..i]
                    .iter()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                out.push(Field::Special(s.to_lowercase()));
            } else {
                return Err(DtError::Syntax);
            }
        } else if c.is_ascii_punctuation() {
            i += 1;
        } else {
            return Err(DtError::Syntax);
        }
    }
    Ok(out)
}

/// Whether `word` is one of the date/time keywords (not a zone name).
fn known_word(word: &str) -> bool {
    month_number(word).is_some()
        || is_weekday(word)
        || matches!(
            word,
            "am" | "pm"
                | "bc"
                | "ad"
                | "t"
                | "j"
                | "epoch"
                | "infinity"
                | "now"
                | "today"
                | "tomorrow"
                | "yesterday"
                | "allballs"
                | "on"
                | "at"
        )
}

/// The months' names, lower case.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's number from its name or abbreviation.
fn month_number(word: &str) -> Option<i32> {
    const NAMES: [&str; 12] = MONTH_NAMES;
    if word.len() < 3 {
        return None;
    }
    NAMES
        .iter()
        .position(|n| {
            *n == word
                || (word.len() == 3 && n.starts_with(word))
                || (word == "sept" && *n == "september")
        })
        .map(|p| p as i32 + 1)
}

/// Whether `word` names a day of the week (ignored, as PostgreSQL does).
fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "sun"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "wednes"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
            | "sat"
            | "sunday"
            | "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
    )
}

/// The offset (seconds east) of a common zone abbreviation
/// (PostgreSQL's Default set, the ones in use today).
fn abbreviation(word: &str) -> Option<i32> {
    let h = |x: f64| (x * 3600.0) as i32;
    Some(match word {
        "z" | "zulu" | "utc" | "gmt" | "ut" | "wet" => 0,
        "bst" | "west" | "cet" | "met" | "mez" => h(1.0),
        "cest" | "mest" | "mesz" | "eet" | "sast" => h(2.0),
        "eest" | "msk" | "idt" | "eat" => h(3.0),
        "ist" => h(2.0),
        "est" => h(-5.0),
        "edt" => h(-4.0),
        "cst" => h(-6.0),
        "cdt" => h(-5.0),
        "mst" => h(-7.0),
        "mdt" => h(-6.0),
        "pst" => h(-8.0),
        "pdt" => h(-7.0),
        "akst" => h(-9.0),
        "akdt" => h(-8.0),
        "hst" => h(-10.0),
        "ast" => h(-4.0),
        "adt" => h(-3.0),
        "nst" => h(-3.5),
        "ndt" => h(-2.5),
        "jst" | "kst" => h(9.0),
        "hkt" | "awst" | "sgt" => h(8.0),
        "acst" => h(9.5),
        "acdt" => h(10.5),
        "aest" => h(10.0),
        "aedt" => h(11.0),
        "nzst" => h(12.0),
        "nzdt" => h(13.0),
        // The rest of PostgreSQL's Default set.
        other => return super::tznames::fixed_offset(other),
    })
}

/// An abbreviation of the Default set that stands for a zone (`ART`:
/// America/Argentina/Buenos_Aires): that zone.
fn abbreviated_zone(lower: &str) -> Option<Zone> {
    match &super::tznames::lookup(lower)?.kind {
        super::tznames::AbbrevKind::Zone(name) => Zone::parse(name),
        super::tznames::AbbrevKind::Fixed(..) => None,
    }
}

/// `+HH`, `-HH:MM`, `+HHMM`, `+HH:MM:SS` as seconds east.
fn offset(text: &str) -> Result<i32, DtError> {
    let (sign, body) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(DtError::Syntax),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let num = |s: &str| s.parse::<i32>().map_err(|_| DtError::Syntax);
    let (h, m, s) = match parts.as_slice() {
        [h] if h.len() <= 2 => (num(h)?, 0, 0),
        [hm] if hm.len() == 4 => (num(&hm[..2])?, num(&hm[2..])?, 0),
        [hms] if hms.len() == 6 => (num(&hms[..2])?, num(&hms[2..4])?, num(&hms[4..])?),
        [h, m] => (num(h)?, num(m)?, 0),
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        _ => return Err(DtError::Syntax),
    };
    // DecodeTimezone's limits: 15 hours, and minutes and seconds below 60.
    if h > 15 || m >= 60 || s >= 60 {
        return Err(DtError::Displacement);
    }
    Ok(sign * (h * 3600 + m * 60 + s))
}

/// `HH:MM[:SS[.f]]` as microseconds (hours up to 24; 22008 past).
fn clock(text: &str) -> Result<i64, DtError> {
    let parts: Vec<&str> = text.split(':').collect();
    let int = |s: &str| s.parse::<i64>().map_err(|_| DtError::Syntax);
    let (h, m, sec) = match parts.as_slice() {
        [h, m] => (int(h)?, int(m)?, 0.0),
        [h, m, s] => (
            int(h)?,
            int(m)?,
            s.parse::<f64>().map_err(|_| DtError::Syntax)?,
        ),
        _ => return Err(DtError::Syntax),
    };
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || !(0.0..61.0).contains(&sec) {
        return Err(DtError::Range { hint: false });
    }
    let micros = (h * 3600 + m * 60) * 1_000_000 + (sec * 1_000_000.0).round() as i64;
    if micros > 24 * 3_600_000_000 {
        return Err(DtError::Range { hint: false });
    }
    Ok(micros)
}

const YEAR: u32 = 1;
const MONTH: u32 = 2;
const DAY: u32 = 4;
const DOY: u32 = 8;
const TIME: u32 = 16;
const DATE_M: u32 = YEAR | MONTH | DAY;

/// The date fields gathered so far (PostgreSQL's pg_tm and fmask).
#[derive(Default)]
struct Tm {
    /// A time's text (DecodeTimeOnly): run-together numbers are times.
    time_only: bool,
    fmask: u32,
    year: i32,
    month: i32,
    day: i32,
    doy: i32,
    is2digits: bool,
    text_month: bool,
}

impl Tm {
    /// Marks `mask` set; a field given twice is bad syntax.
    fn set(&mut self, mask: u32) -> Result<(), DtError> {
        if self.fmask & mask != 0 {
            return Err(DtError::Syntax);
        }
        self.fmask |= mask;
        Ok(())
    }

    /// DecodeNumberField: an undelimited YYYYMMDD / YYMMDD, or a time
    /// (`hhmmss`, `hhmm`) once the date is complete; returns the time.
    fn number_field(&mut self, s: &str) -> Result<Option<i64>, DtError> {
        let n = |x: &str| x.parse::<i32>().map_err(|_| DtError::Syntax);
        let len = s.len();
        if self.fmask & DATE_M != DATE_M && len >= 6 && !s.contains('.') && !self.time_only {
            self.set(DATE_M)?;
            self.day = n(&s[len - 2..])?;
            self.month = n(&s[len - 4..len - 2])?;
            self.year = n(&s[..len - 4])?;
            self.is2digits = len - 4 == 2;
            return Ok(None);
        }
        // `hhmmss.fff`: the fraction belongs to the seconds.
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) if f.bytes().all(|b| b.is_ascii_digit()) => (w, Some(f)),
            _ => (s, None),
        };
        let len = whole.len();
        if self.fmask & TIME == 0 && (len == 6 || len == 4) {
            self.set(TIME)?;
            let sec = if len == 6 { n(&whole[4..])? } else { 0 };
            let t = clock(&format!("{}:{}:{sec}", n(&whole[..2])?, n(&whole[2..4])?))?;
            let micros = match frac {
                Some(f) if !f.is_empty() => {
                    let v: f64 = format!("0.{f}").parse().map_err(|_| DtError::Syntax)?;
                    (v * 1_000_000.0).round() as i64
                }
                _ => 0,
            };
            return Ok(Some(t + micros));
        }
        Err(DtError::Syntax)
    }

    /// DecodeNumber: one number, assigned by what is known so far and
    /// DateStyle's order; returns a time if it was one.
    fn number(&mut self, s: &str, order: DateOrder) -> Result<Option<i64>, DtError> {
        let flen = s.len();
        let val: i32 = s.parse().map_err(|_| DtError::Syntax)?;
        if flen == 3 && self.fmask & DATE_M == YEAR && (1..=366).contains(&val) {
            self.set(DOY | MONTH | DAY)?;
            self.doy = val;
            return Ok(None);
        }
        let mask = match self.fmask & DATE_M {
            0 => {
                if flen >= 3 || order == DateOrder::Ymd {
                    YEAR
                } else if order == DateOrder::Dmy {
                    DAY
                } else {
                    MONTH
                }
            }
            YEAR => MONTH,
            MONTH => {
                if self.text_month && (flen >= 3 || order == DateOrder::Ymd) {
                    YEAR
                } else {
                    DAY
                }
            }
            m if m == YEAR | MONTH => {
                if self.text_month && flen >= 3 && self.is2digits {
                    // The first number was the day, not the year.
                    self.set(DAY)?;
                    self.day = self.year;
                    self.year = val;
                    self.is2digits = false;
                    return Ok(None);
                }
                DAY
            }
            DAY => MONTH,
            m if m == MONTH | DAY => YEAR,
            DATE_M => return self.number_field(s),
            _ => return Err(DtError::Syntax),
        };
        self.set(mask)?;
        match mask {
            YEAR => {
                self.year = val;
                self.is2digits = flen <= 2;
            }
            MONTH => self.month = val,
            _ => self.day = val,
        }
        Ok(None)
    }

    /// DecodeDate: a delimited date; text months first.
    fn date(&mut self, s: &str, order: DateOrder) -> Result<(), DtError> {
        let mut parts: Vec<String> = Vec::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            while i < chars.len() && !chars[i].is_alphanumeric() {
                i += 1;
            }
            if i == chars.len() {
                return Err(DtError::Syntax);
            }
            let start = i;
            if chars[i].is_ascii_digit() {
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            } else {
                while i < chars.len() && chars[i].is_alphabetic() {
                    i += 1;
                }
            }
            if i == start {
                return Err(DtError::Syntax);
            }
            parts.push(chars[start..i].iter().collect());
            if i < chars.len() {
                i += 1;
            }
        }
        let mut rest = Vec::new();
        for p in parts {
            if p.chars().next().is_some_and(char::is_alphabetic) {
                if is_weekday(&p) {
                    continue;
                }
                let m = month_number(&p).ok_or(DtError::Syntax)?;
                self.set(MONTH)?;
                self.month = m;
                self.text_month = true;
            } else {
                rest.push(p);
            }
        }
        for p in rest {
            self.number(&p, order)?;
        }
        if self.fmask & DATE_M != DATE_M {
            return Err(DtError::Syntax);
        }
        Ok(())
    }
}

/// The zone a name means (AT TIME ZONE, timezone()): an abbreviation
/// (`EST`, `UTC`), an IANA name or a POSIX form; None if unknown.
pub(crate) fn zone_by_name(name: &str) -> Option<ZoneSpec> {
    if let Some(o) = abbreviation(&name.to_lowercase()) {
        return Some(ZoneSpec::Offset(o));
    }
    if let Some(z) = abbreviated_zone(&name.to_lowercase()) {
        return Some(ZoneSpec::Named(z));
    }
    // A bare number is a POSIX zone here: hours west of UTC (`'+03'` is
    // three hours behind), unlike SET TIME ZONE's hours east.
    if let Ok(hours) = name.trim().parse::<f64>() {
        if !hours.is_finite() || hours.abs() > 168.0 {
            return None;
        }
        return Some(ZoneSpec::Offset(-((hours * 3600.0).round() as i32)));
    }
    Zone::parse(name).map(ZoneSpec::Named)
}

/// The zone of a field that names one (`America/New_York`, `EST`).
fn zone_named(text: &str, word: &str) -> Result<ZoneSpec, DtError> {
    if let Some(o) = abbreviation(word) {
        return Ok(ZoneSpec::Offset(o));
    }
    if let Some(z) = abbreviated_zone(word) {
        return Ok(ZoneSpec::Named(z));
    }
    Zone::parse(&original_word(text, word))
        .map(ZoneSpec::Named)
        .ok_or(DtError::Zone)
}

/// Reads a date/time text (DecodeDateTime).
pub fn decode(text: &str, order: DateOrder) -> Result<Decoded, DtError> {
    decode_with(text, order, false)
}

/// Reads the text of a time or time with time zone (DecodeTimeOnly): a
/// number with a decimal point is a run-together time (`040506.789`),
/// not a date.
pub fn decode_time_only(text: &str, order: DateOrder) -> Result<Decoded, DtError> {
    decode_with(text, order, true)
}

fn decode_with(text: &str, order: DateOrder, time_only: bool) -> Result<Decoded, DtError> {
    let mut d = Decoded::default();
    let mut tm = Tm {
        time_only,
        ..Tm::default()
    };
    let mut bc = false;
    let mut pm: Option<bool> = None;
    let mut julian_next = false;
    let all = fields(text)?;
    if all.is_empty() {
        return Err(DtError::Syntax);
    }
    for f in &all {
        if julian_next {
            julian_next = false;
            let Field::Number(s) = f else {
                return Err(DtError::Syntax);
            };
            let j: i32 = s.parse().map_err(|_| DtError::Syntax)?;
            let (y, m, dd) = super::datetime::j2date(j);
            tm.set(DATE_M)?;
            (tm.year, tm.month, tm.day) = (y, m as i32, dd as i32);
            continue;
        }
        match f {
            Field::Date(s) => {
                let alpha = s.chars().next().is_some_and(char::is_alphabetic);
                if tm.fmask & (MONTH | DAY) == MONTH | DAY
                    || (alpha && (s.contains('/') || s.contains('_')))
                {
                    if d.zone.is_some() {
                        return Err(DtError::Syntax);
                    }
                    if s.starts_with(|c: char| c.is_ascii_digit()) {
                        // With the date known, `hhmmss-08` is a run-together
                        // time and its zone (DecodeDateTime's DTK_DATE case).
                        if tm.fmask & TIME != 0 {
                            return Err(DtError::Syntax);
                        }
                        let cut = s.find('-').ok_or(DtError::Syntax)?;
                        d.zone = Some(ZoneSpec::Offset(offset(&s[cut..])?));
                        if let Some(t) = tm.number_field(&s[..cut])? {
                            d.time = Some(t);
                        }
                    } else {
                        d.zone = Some(zone_named(text, s)?);
                    }
                } else {
                    tm.date(s, order)?;
                }
            }
            Field::Time(s) => {
                tm.set(TIME)?;
                d.time = Some(clock(s)?);
            }
            Field::Tz(s) => {
                if d.zone.is_some() {
                    return Err(DtError::Syntax);
                }
                d.zone = Some(ZoneSpec::Offset(offset(s)?));
            }
            Field::Number(s) => {
                if let Some(frac) = s.strip_prefix('.') {
                    // A fraction of the seconds given before.
                    let t = d.time.ok_or(DtError::Syntax)?;
                    let f: f64 = format!("0.{frac}").parse().map_err(|_| DtError::Syntax)?;
                    d.time = Some(t + (f * 1_000_000.0).round() as i64);
                } else if s.contains('.')
                    && tm.fmask & DATE_M == 0
                    && !(tm.time_only && s.split('.').next().is_some_and(|w| w.len() > 2))
                {
                    tm.date(s, order)?;
                } else if (s.len() >= 6 && (tm.fmask & DATE_M != DATE_M || tm.fmask & TIME == 0))
                    || (tm.time_only && s.len() == 4 && tm.fmask & TIME == 0)
                {
                    if let Some(t) = tm.number_field(s)? {
                        d.time = Some(t);
                    }
                } else if let Some(t) = tm.number(s, order)? {
                    d.time = Some(t);
                }
            }
            Field::Special(s) => match s.as_str() {
                "+infinity" => d.special = Some(Special::Infinity),
                "-infinity" => d.special = Some(Special::NegInfinity),
                _ => return Err(DtError::Syntax),
            },
            Field::Word(w) => match w.as_str() {
                "epoch" => d.special = Some(Special::Epoch),
                "infinity" => d.special = Some(Special::Infinity),
                "now" => d.special = Some(Special::Now),
                "today" => d.special = Some(Special::Day(0)),
                "tomorrow" => d.special = Some(Special::Day(1)),
                "yesterday" => d.special = Some(Special::Day(-1)),
                "allballs" => {
                    tm.set(TIME)?;
                    d.time = Some(0);
                }
                "am" => pm = Some(false),
                "pm" => pm = Some(true),
                "bc" => bc = true,
                "ad" | "t" | "on" | "at" => {}
                "j" => julian_next = true,
                w if w.len() > 1
                    && w.starts_with('j')
                    && w[1..].chars().all(|c| c.is_ascii_digit()) =>
                {
                    let j: i32 = w[1..].parse().map_err(|_| DtError::Syntax)?;
                    let (y, m, dd) = super::datetime::j2date(j);
                    tm.set(DATE_M)?;
                    (tm.year, tm.month, tm.day) = (y, m as i32, dd as i32);
                }
                w => {
                    if let Some(m) = month_number(w) {
                        // A numeric month already? It was the day.
                        if tm.fmask & MONTH != 0
                            && !tm.text_month
                            && tm.fmask & DAY == 0
                            && (1..=31).contains(&tm.month)
                        {
                            tm.set(DAY)?;
                            tm.day = tm.month;
                        } else {
                            tm.set(MONTH)?;
                        }
                        tm.month = m;
                        tm.text_month = true;
                    } else if is_weekday(w) {
                    } else {
                        if d.zone.is_some() {
                            return Err(DtError::Syntax);
                        }
                        d.zone = Some(zone_named(text, w).map_err(|_| DtError::Syntax)?);
                    }
                }
            },
        }
    }
    if julian_next {
        return Err(DtError::Syntax);
    }
    if let Some(pm) = pm {
        let t = d.time.ok_or(DtError::Syntax)?;
        let hours = t / 3_600_000_000;
        if hours > 12 {
            return Err(DtError::Range { hint: false });
        }
        let rest = t % 3_600_000_000;
        let h = match (pm, hours) {
            (false, 12) => 0,
            (true, h) if h < 12 => h + 12,
            (_, h) => h,
        };
        d.time = Some(h * 3_600_000_000 + rest);
    }
    // ValidateDate.
    if tm.fmask & YEAR != 0 {
        if bc {
            if tm.year <= 0 {
                return Err(DtError::Range { hint: false });
            }
            tm.year = 1 - tm.year;
        } else if tm.is2digits {
            if tm.year < 0 {
                return Err(DtError::Range { hint: false });
            }
            if tm.year < 70 {
                tm.year += 2000;
            } else if tm.year < 100 {
                tm.year += 1900;
            }
        }
    } else if bc {
        return Err(DtError::Syntax);
    }
    if tm.fmask & DOY != 0 {
        let jd = super::datetime::date2j(tm.year, 1, 1) + tm.doy - 1;
        let (y, m, dd) = super::datetime::j2date(jd);
        (tm.year, tm.month, tm.day) = (y, m as i32, dd as i32);
    }
    if tm.fmask & MONTH != 0 && !(1..=12).contains(&tm.month) {
        return Err(DtError::Range { hint: true });
    }
    if tm.fmask & DAY != 0 && !(1..=31).contains(&tm.day) {
        return Err(DtError::Range { hint: true });
    }
    match tm.fmask & DATE_M {
        0 => {}
        DATE_M => d.date = Some((tm.year, tm.month, tm.day)),
        _ if d.special.is_some() => {}
        _ => return Err(DtError::Syntax),
    }
    if d.special.is_some() && d.date.is_some() {
        return Err(DtError::Syntax);
    }
    Ok(d)
}

/// `word` (lower-cased) as it appears in `text`, for zone names.
fn original_word(text: &str, word: &str) -> String {
    let lower = text.to_lowercase();
    match lower.find(word) {
        Some(i) if text.is_char_boundary(i) && text.is_char_boundary(i + word.len()) => {
            text[i..i + word.len()].to_owned()
        }
        _ => word.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str, order: DateOrder) -> Option<(i32, i32, i32)> {
        decode(text, order).ok().and_then(|d| d.date)
    }

    #[test]
    fn dates_read_by_form_and_order() {
        use DateOrder::*;
        assert_eq!(date("2020-01-02", Mdy), Some((2020, 1, 2)));
        assert_eq!(date("1/2/2020", Mdy), Some((2020, 1, 2)));
        assert_eq!(date("1/2/2020", Dmy), Some((2020, 2, 1)));
        assert_eq!(date("20/01/02", Ymd), Some((2020, 1, 2)));
        assert_eq!(date("January 8, 1999", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("8 January 1999", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("08-Jan-1999", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("Jan-08-1999", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("1999-Jan-08", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("19990108", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("990108", Mdy), Some((1999, 1, 8)));
        assert_eq!(date("02.01.2020", Dmy), Some((2020, 1, 2)));
        assert_eq!(date("0044-03-15 BC", Mdy), Some((-43, 3, 15)));
        assert_eq!(date("J2451545", Mdy), Some((2000, 1, 1)));
        assert_eq!(
            decode("Thu Jan 02 03:04:05.5 2020 EST", Mdy)
                .map(|d| (d.date, d.time))
                .ok(),
            Some((Some((2020, 1, 2)), Some(11_045_500_000)))
        );
        assert!(decode("2020-13-01", Mdy).is_err());
        assert!(decode("garbage", Mdy).is_err());
        assert_eq!(
            decode("12:30 PM", Mdy).ok().and_then(|d| d.time),
            Some(45_000_000_000)
        );
    }
}
