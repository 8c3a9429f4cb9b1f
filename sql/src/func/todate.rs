//! to_date(text, pattern) and to_timestamp(text, pattern): PostgreSQL's
//! DCH_from_char and do_to_timestamp (formatting.c) over the template
//! nodes to_char parses ([`super::dtchar`]): every numeric field with
//! its fixed width unless FM or a separator follows, month, day, AM/PM
//! and AD/BC names, roman months, Y,YYY, CC, J, ISO week dates, SSSS,
//! fractions (MS, US, FF1-FF6), TZH/TZM, the TH suffix; non-FX mode's
//! blank and separator skipping; conflicting fields and the 12-hour
//! clock checked with PostgreSQL's errors.

use super::dtchar::{parse as parse_format, Node, DAYS as DAYS_FULL, MONTHS as MONTHS_FULL, ROMAN};
use super::operators::arg;
use super::{f, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::datetime::{date2j, j2date, POSTGRES_EPOCH_JDATE, USECS_PER_DAY};
use crate::value::Value;

/// What the template read (PostgreSQL's TmFromChar; 0 is unset).
#[derive(Default)]
struct Tmfc {
    /// 1: Gregorian, 2: ISO week date.
    mode: u8,
    hh: i32,
    pm: i32,
    mi: i32,
    ss: i32,
    ssss: i32,
    d: i32,
    dd: i32,
    ddd: i32,
    mm: i32,
    ms: i32,
    year: i32,
    bc: i32,
    ww: i32,
    w: i32,
    cc: i32,
    j: i32,
    us: i32,
    yysz: i32,
    /// FF1..FF6: the fraction's precision.
    ff: u32,
    clock12: bool,
    tzsign: i32,
    tzh: i32,
    tzm: i32,
}

fn format_error(msg: String) -> SqlError {
    SqlError::new(SqlState::INVALID_DATETIME_FORMAT, msg)
}

/// Keywords whose input is not a number (is_digit false in PostgreSQL's
/// table), upper-cased.
fn is_digit_key(key: &str) -> bool {
    !matches!(
        key.to_ascii_uppercase().as_str(),
        "A.D."
            | "A.M."
            | "AD"
            | "AM"
            | "B.C."
            | "BC"
            | "DAY"
            | "DY"
            | "MONTH"
            | "MON"
            | "P.M."
            | "PM"
            | "RM"
            | "TZ"
            | "TZH"
            | "TZM"
            | "OF"
            | "FX"
    )
}

/// A keyword's date convention: 1 Gregorian, 2 ISO week, 0 neither.
fn date_mode(key: &str) -> u8 {
    match key.to_ascii_uppercase().as_str() {
        "IDDD" | "ID" | "IW" | "IYYY" | "IYY" | "IY" | "I" => 2,
        "DDD" | "DD" | "D" | "DAY" | "DY" | "MM" | "MON" | "MONTH" | "RM" | "WW" | "W" | "YYYY"
        | "YYY" | "YY" | "Y" | "Y,YYY" => 1,
        _ => 0,
    }
}

/// One template node as from_char sees it.
enum Item<'a> {
    Space,
    Separator,
    Char,
    Key {
        key: &'static str,
        fm: bool,
        th: bool,
        _node: &'a Node,
    },
}

/// is_separator_char: printable ASCII that is not a letter or digit.
fn is_separator(c: char) -> bool {
    c.is_ascii() && c > ' ' && c < '\x7f' && !c.is_ascii_alphanumeric()
}

fn items(nodes: &[Node]) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            Node::Literal(s) => {
                for c in s.chars() {
                    out.push(if c.is_whitespace() {
                        Item::Space
                    } else if is_separator(c) {
                        Item::Separator
                    } else {
                        Item::Char
                    });
                }
            }
            Node::Key { key, fm, th, .. } => out.push(Item::Key {
                key,
                fm: *fm,
                th: th.is_some(),
                _node: n,
            }),
        }
    }
    out
}

struct Reader<'a> {
    s: Vec<char>,
    pos: usize,
    items: Vec<Item<'a>>,
    out: Tmfc,
}

impl Reader<'_> {
    fn rest(&self) -> String {
        self.s[self.pos..].iter().collect()
    }

    /// is_next_separator for the item at `k`.
    fn next_is_separator(&self, k: usize) -> bool {
        if let Some(Item::Key { th: true, .. }) = self.items.get(k) {
            return true;
        }
        match self.items.get(k + 1) {
            None => true,
            Some(Item::Key { key, .. }) => !is_digit_key(key),
            Some(_) => true,
        }
    }

    /// from_char_set_int.
    fn set(dest: &mut i32, value: i32, key: &str) -> Result<()> {
        if *dest != 0 && *dest != value {
            return Err(format_error(format!(
                "conflicting values for \"{key}\" field in formatting string"
            ))
            .with_detail("This value contradicts a previous setting for the same field type."));
        }
        *dest = value;
        Ok(())
    }

    /// strtol from `at`: blanks, a sign, digits; (value, end).
    fn strtol(chars: &[char], at: usize) -> (Option<i64>, usize) {
        let mut i = at;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let sign_at = i;
        if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
            i += 1;
        }
        let digits = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == digits {
            return (None, at);
        }
        let text: String = chars[sign_at..i].iter().collect();
        (Some(text.parse::<i64>().unwrap_or(i64::MAX)), i)
    }

    /// from_char_parse_int_len: the value and how many characters it
    /// took.
    fn int(&mut self, k: usize, len: usize, key: &str, fm: bool) -> Result<(i32, usize)> {
        let init = self.pos;
        let copy: String = self.s[init..(init + len).min(self.s.len())]
            .iter()
            .collect();
        let hint = "If your source string is not fixed-width, try using the \"FM\" modifier.";
        let (value, end) = if fm || self.next_is_separator(k) {
            Self::strtol(&self.s, init)
        } else {
            let avail = self.s.len() - init;
            if avail < len {
                return Err(format_error(format!(
                    "source string too short for \"{key}\" formatting field"
                ))
                .with_detail(format!(
                    "Field requires {len} characters, but only {avail} remain."
                ))
                .with_hint(hint));
            }
            let window: Vec<char> = copy.chars().collect();
            let (v, used) = Self::strtol(&window, 0);
            if used > 0 && used < len {
                return Err(
                    format_error(format!("invalid value \"{copy}\" for \"{key}\""))
                        .with_detail(format!(
                            "Field requires {len} characters, but only {used} could be parsed."
                        ))
                        .with_hint(hint),
                );
            }
            (v, init + used)
        };
        let Some(v) = value.filter(|_| end > init) else {
            return Err(
                format_error(format!("invalid value \"{copy}\" for \"{key}\""))
                    .with_detail("Value must be an integer."),
            );
        };
        let v = i32::try_from(v).map_err(|_| {
            SqlError::new(
                SqlState::DATETIME_FIELD_OVERFLOW,
                format!("value for \"{key}\" in source string is out of range"),
            )
            .with_detail("Value must be in the range -2147483648 to 2147483647.")
        })?;
        self.pos = end;
        Ok((v, end - init))
    }

    /// from_char_seq_search: the index of the first name the input
    /// starts with (case-insensitively).
    fn seq(&mut self, names: &[&str], key: &str) -> Result<usize> {
        let rest = self.rest();
        for (i, name) in names.iter().enumerate() {
            let n = name.chars().count();
            let head: String = rest.chars().take(n).collect();
            if head.chars().count() == n && head.eq_ignore_ascii_case(name) {
                self.pos += n;
                return Ok(i);
            }
        }
        let shown: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        Err(
            format_error(format!("invalid value \"{shown}\" for \"{key}\"")).with_detail(
                "The given value did not match any of the allowed values for this field.",
            ),
        )
    }

    fn skip_th(&mut self, th: bool) {
        if th {
            self.pos = (self.pos + 2).min(self.s.len());
        }
    }

    /// DCH_from_char.
    fn run(&mut self) -> Result<()> {
        let mut fx = false;
        let mut extra_skip: i64 = 0;
        let mut k = 0;
        while k < self.items.len() && self.pos < self.s.len() {
            let is_key = matches!(self.items[k], Item::Key { .. });
            let is_fx =
                matches!(self.items[k], Item::Key { key, .. } if key.eq_ignore_ascii_case("FX"));
            if !fx && !is_fx && (is_key || k == 0) {
                while self.pos < self.s.len() && self.s[self.pos].is_whitespace() {
                    self.pos += 1;
                    extra_skip += 1;
                }
                if self.pos >= self.s.len() {
                    break;
                }
            }
            match &self.items[k] {
                Item::Space | Item::Separator => {
                    if !fx {
                        extra_skip -= 1;
                        let c = self.s[self.pos];
                        if c.is_whitespace() || is_separator(c) {
                            self.pos += 1;
                            extra_skip += 1;
                        }
                    } else {
                        self.pos += 1;
                    }
                }
                Item::Char => {
                    if !fx && extra_skip > 0 {
                        extra_skip -= 1;
                    } else {
                        self.pos += 1;
                    }
                }
                Item::Key { key, fm, th, .. } => {
                    let (key, fm, th) = (*key, *fm, *th);
                    self.key(k, key, fm, th, &mut fx, extra_skip)?;
                    // Blanks after a field are skipped.
                    if !fx {
                        extra_skip = 0;
                        while self.pos < self.s.len() && self.s[self.pos].is_whitespace() {
                            self.pos += 1;
                            extra_skip += 1;
                        }
                    }
                }
            }
            k += 1;
        }
        Ok(())
    }

    fn key(
        &mut self,
        k: usize,
        key: &'static str,
        fm: bool,
        th: bool,
        fx: &mut bool,
        extra_skip: i64,
    ) -> Result<()> {
        let mode = date_mode(key);
        if mode != 0 {
            if self.out.mode == 0 {
                self.out.mode = mode;
            } else if self.out.mode != mode {
                return Err(format_error("invalid combination of date conventions".into())
                    .with_hint("Do not mix Gregorian and ISO week date conventions in a formatting template."));
            }
        }
        let upper = key.to_ascii_uppercase();
        let len = upper.chars().count();
        match upper.as_str() {
            "FX" => *fx = true,
            "A.M." | "P.M." => {
                let v = self.seq(&["a.m.", "p.m."], key)?;
                Self::set(&mut self.out.pm, (v % 2) as i32 + 1, key)?;
                self.out.clock12 = true;
            }
            "AM" | "PM" => {
                let v = self.seq(&["am", "pm"], key)?;
                Self::set(&mut self.out.pm, (v % 2) as i32 + 1, key)?;
                self.out.clock12 = true;
            }
            "HH" | "HH12" => {
                let (v, _) = self.int(k, 2, key, fm)?;
                Self::set(&mut self.out.hh, v, key)?;
                self.out.clock12 = true;
                self.skip_th(th);
            }
            "HH24" => {
                let (v, _) = self.int(k, 2, key, fm)?;
                Self::set(&mut self.out.hh, v, key)?;
                self.skip_th(th);
            }
            "MI" | "SS" | "SSSS" | "SSSSS" | "MM" | "DDD" | "DD" | "D" | "WW" | "IW" | "W"
            | "J" | "CC" | "Q" => {
                let (v, _) = self.int(k, len, key, fm)?;
                let dest = match upper.as_str() {
                    "MI" => &mut self.out.mi,
                    "SS" => &mut self.out.ss,
                    "SSSS" | "SSSSS" => &mut self.out.ssss,
                    "MM" => &mut self.out.mm,
                    "DDD" => &mut self.out.ddd,
                    "DD" => &mut self.out.dd,
                    "D" => &mut self.out.d,
                    "WW" | "IW" => &mut self.out.ww,
                    "W" => &mut self.out.w,
                    "J" => &mut self.out.j,
                    "CC" => &mut self.out.cc,
                    _ => {
                        self.skip_th(th);
                        return Ok(());
                    }
                };
                Self::set(dest, v, key)?;
                self.skip_th(th);
            }
            "IDDD" => {
                let (v, _) = self.int(k, 3, key, fm)?;
                Self::set(&mut self.out.ddd, v, key)?;
                self.skip_th(th);
            }
            "ID" => {
                let (v, _) = self.int(k, 1, key, fm)?;
                let v = if v + 1 > 7 { 1 } else { v + 1 };
                Self::set(&mut self.out.d, v, key)?;
                self.skip_th(th);
            }
            "MS" => {
                let (v, used) = self.int(k, 3, key, fm)?;
                let scaled = v * match used {
                    1 => 100,
                    2 => 10,
                    _ => 1,
                };
                Self::set(&mut self.out.ms, scaled, key)?;
                self.skip_th(th);
            }
            "US" | "FF1" | "FF2" | "FF3" | "FF4" | "FF5" | "FF6" => {
                let width = if upper == "US" {
                    6
                } else {
                    let n = upper.as_bytes()[2] - b'0';
                    self.out.ff = u32::from(n);
                    usize::from(n)
                };
                let (v, used) = self.int(k, width, key, fm)?;
                let scaled = v * match used {
                    1 => 100_000,
                    2 => 10_000,
                    3 => 1000,
                    4 => 100,
                    5 => 10,
                    _ => 1,
                };
                Self::set(&mut self.out.us, scaled, key)?;
                self.skip_th(th);
            }
            "TZ" | "OF" => {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!("formatting field \"{key}\" is only supported in to_char"),
                ))
            }
            "TZH" => {
                let c = self.s[self.pos];
                if c == '+' || c == '-' || c == ' ' {
                    self.out.tzsign = if c == '-' { -1 } else { 1 };
                    self.pos += 1;
                } else {
                    self.out.tzsign =
                        if extra_skip > 0 && self.pos > 0 && self.s[self.pos - 1] == '-' {
                            -1
                        } else {
                            1
                        };
                }
                let (v, _) = self.int(k, 2, key, fm)?;
                Self::set(&mut self.out.tzh, v, key)?;
            }
            "TZM" => {
                if self.out.tzsign == 0 {
                    self.out.tzsign = 1;
                }
                let (v, _) = self.int(k, 2, key, fm)?;
                Self::set(&mut self.out.tzm, v, key)?;
            }
            "A.D." | "B.C." => {
                let v = self.seq(&["a.d.", "b.c."], key)?;
                Self::set(&mut self.out.bc, (v % 2) as i32 + 1, key)?;
            }
            "AD" | "BC" => {
                let v = self.seq(&["ad", "bc"], key)?;
                Self::set(&mut self.out.bc, (v % 2) as i32 + 1, key)?;
            }
            "MONTH" => {
                let v = self.seq(&MONTHS_FULL, key)?;
                Self::set(&mut self.out.mm, v as i32 + 1, key)?;
            }
            "MON" => {
                let abbrev: Vec<&str> = MONTHS_FULL.iter().map(|m| &m[..3]).collect();
                let v = self.seq(&abbrev, key)?;
                Self::set(&mut self.out.mm, v as i32 + 1, key)?;
            }
            "DAY" => {
                let v = self.seq(&DAYS_FULL, key)?;
                Self::set(&mut self.out.d, v as i32 + 1, key)?;
            }
            "DY" => {
                let abbrev: Vec<&str> = DAYS_FULL.iter().map(|d| &d[..3]).collect();
                let v = self.seq(&abbrev, key)?;
                Self::set(&mut self.out.d, v as i32 + 1, key)?;
            }
            "RM" => {
                let v = self.seq(&ROMAN, key)?;
                Self::set(&mut self.out.mm, 12 - v as i32, key)?;
            }
            "Y,YYY" => {
                // sscanf("%d,%03d")
                let (m, end) = Self::strtol(&self.s, self.pos);
                let ok = m.is_some() && self.s.get(end) == Some(&',');
                let (y, end2) = if ok {
                    Self::strtol(&self.s, end + 1)
                } else {
                    (None, end)
                };
                let (Some(m), Some(y)) = (m.filter(|_| ok), y) else {
                    return Err(format_error("invalid input string for \"Y,YYY\"".into()));
                };
                let years = i32::try_from(y + m * 1000).unwrap_or(i32::MAX);
                Self::set(&mut self.out.year, years, key)?;
                self.out.yysz = 4;
                self.pos = end2;
                self.skip_th(th);
            }
            "YYYY" | "IYYY" => {
                let (v, _) = self.int(k, 4, key, fm)?;
                Self::set(&mut self.out.year, v, key)?;
                self.out.yysz = 4;
                self.skip_th(th);
            }
            "YYY" | "IYY" | "YY" | "IY" | "Y" | "I" => {
                let (v, used) = self.int(k, len, key, fm)?;
                let v = if used < 4 { adjust_partial_year(v) } else { v };
                Self::set(&mut self.out.year, v, key)?;
                self.out.yysz = len as i32;
                self.skip_th(th);
            }
            _ => {}
        }
        Ok(())
    }
}

/// adjust_partial_year_to_2020.
fn adjust_partial_year(year: i32) -> i32 {
    if year < 70 {
        year + 2000
    } else if year < 100 {
        year + 1900
    } else if year < 520 {
        year + 2000
    } else if year < 1000 {
        year + 1000
    } else {
        year
    }
}

/// Day of the week of a Julian day, 0 = Sunday.
fn j2day(jd: i32) -> i32 {
    (jd + 1).rem_euclid(7)
}

/// The Julian day of Monday of ISO week `week` of ISO year `year`.
fn isoweek2j(year: i32, week: i32) -> i32 {
    let day4 = date2j(year, 1, 4);
    let day0 = j2day(day4 - 1);
    (week - 1) * 7 + (day4 - day0)
}

fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// A broken-down result: astronomical year, month, day, time of day in
/// microseconds, and the zone offset written in the text (seconds east).
struct Tm {
    year: i32,
    mon: i32,
    mday: i32,
    micros: i64,
    tz: Option<i32>,
    /// FFn: the result is rounded to n fraction digits.
    precision: Option<u32>,
}

fn overflow(text: &str) -> SqlError {
    SqlError::new(
        SqlState::DATETIME_FIELD_OVERFLOW,
        format!("date/time field value out of range: \"{text}\""),
    )
}

/// do_to_timestamp.
fn to_tm(text: &str, pattern: &str) -> Result<Tm> {
    let nodes = parse_format(pattern);
    let mut r = Reader {
        s: text.chars().collect(),
        pos: 0,
        items: items(&nodes),
        out: Tmfc::default(),
    };
    r.run()?;
    let t = r.out;
    let (mut hour, mut min, mut sec) = (0i32, 0i32, 0i32);
    if t.ssss != 0 {
        hour = t.ssss / 3600;
        min = t.ssss % 3600 / 60;
        sec = t.ssss % 60;
    }
    if t.ss != 0 {
        sec = t.ss;
    }
    if t.mi != 0 {
        min = t.mi;
    }
    if t.hh != 0 {
        hour = t.hh;
    }
    if t.clock12 {
        if !(1..=12).contains(&hour) {
            return Err(
                format_error(format!("hour \"{hour}\" is invalid for the 12-hour clock"))
                    .with_hint("Use the 24-hour clock, or give an hour between 1 and 12."),
            );
        }
        let pm = t.pm == 2;
        if pm && hour < 12 {
            hour += 12;
        } else if !pm && hour == 12 {
            hour = 0;
        }
    }
    let bc = t.bc == 2;
    let (mut year, mut mon, mut mday) = (0i32, 0i32, 0i32);
    let mut have_year = false;
    let mut have_date = false;
    if t.year != 0 {
        if t.cc != 0 && t.yysz <= 2 {
            let cc = if bc { -t.cc } else { t.cc };
            year = t.year % 100;
            if year != 0 {
                if cc >= 0 {
                    year += (cc - 1) * 100;
                } else {
                    year = (cc + 1) * 100 - year + 1;
                }
            } else {
                year = cc * 100 + if cc >= 0 { 0 } else { 1 };
            }
        } else {
            year = t.year;
            if bc {
                year = -year;
            }
            if year < 0 {
                year += 1;
            }
        }
        have_year = true;
    } else if t.cc != 0 {
        let cc = if bc { -t.cc } else { t.cc };
        year = if cc >= 0 {
            (cc - 1) * 100 + 1
        } else {
            cc * 100 + 1
        };
        have_year = true;
    }
    if t.j != 0 {
        let (y, m, d) = j2date(t.j);
        (year, mon, mday) = (y, m as i32, d as i32);
        have_date = true;
    }
    let mut ddd = t.ddd;
    let mut dd = t.dd;
    if t.ww != 0 {
        if t.mode == 2 {
            let jd = if t.d != 0 {
                let base = isoweek2j(year, t.ww);
                base + if t.d > 1 { t.d - 2 } else { 6 }
            } else {
                isoweek2j(year, t.ww)
            };
            let (y, m, d) = j2date(jd);
            (year, mon, mday) = (y, m as i32, d as i32);
            have_date = true;
        } else {
            ddd = (t.ww - 1) * 7 + 1;
        }
    }
    if t.w != 0 {
        dd = (t.w - 1) * 7 + 1;
    }
    if dd != 0 {
        mday = dd;
    }
    if t.mm != 0 {
        mon = t.mm;
    }
    if ddd != 0 && (mon <= 1 || mday <= 1) {
        if year == 0 && !bc && !have_year {
            return Err(format_error(
                "cannot calculate day of year without year information".into(),
            ));
        }
        if t.mode == 2 {
            let j0 = isoweek2j(year, 1) - 1;
            let (y, m, d) = j2date(j0 + ddd);
            (year, mon, mday) = (y, m as i32, d as i32);
        } else {
            const YSUM: [[i32; 13]; 2] = [
                [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
                [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
            ];
            let y = &YSUM[usize::from(is_leap(year))];
            let mut i = 1;
            while i <= 12 && ddd > y[i] {
                i += 1;
            }
            if mon <= 1 {
                mon = i as i32;
            }
            if mday <= 1 {
                mday = ddd - y[(i - 1).min(12)];
            }
        }
        have_date = true;
    }
    let _ = (have_date, have_year);
    // Unset fields are January 1 of year 0 (1 BC), as PostgreSQL's
    // zeroed pg_tm leaves them.
    let mon = if mon == 0 { 1 } else { mon };
    let mday = if mday == 0 { 1 } else { mday };
    if !(1..=12).contains(&mon) {
        return Err(overflow(text));
    }
    let days_in = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if mday < 1 || mday > days_in[(mon - 1) as usize] {
        return Err(overflow(text));
    }
    let mut fsec = i64::from(t.ms) * 1000 + i64::from(t.us);
    if t.ms != 0 && t.us != 0 {
        fsec = i64::from(t.ms) * 1000 + i64::from(t.us);
    }
    if !(0..24).contains(&hour)
        || !(0..60).contains(&min)
        || !(0..60).contains(&sec)
        || !(0..1_000_000).contains(&fsec)
    {
        return Err(overflow(text));
    }
    let tz = if t.tzsign != 0 {
        if !(0..=15).contains(&t.tzh) || !(0..60).contains(&t.tzm) {
            return Err(SqlError::new(
                SqlState::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
                format!("time zone displacement out of range: \"{text}\""),
            ));
        }
        Some(t.tzsign * (t.tzh * 3600 + t.tzm * 60))
    } else {
        None
    };
    Ok(Tm {
        year,
        mon,
        mday,
        micros: ((i64::from(hour) * 60 + i64::from(min)) * 60 + i64::from(sec)) * 1_000_000 + fsec,
        tz,
        precision: (t.ff > 0).then_some(t.ff),
    })
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(f("to_date", &[Text, Text], Date, |a, _| {
        let text = arg!(a, 0, Text);
        let tm = to_tm(&text, &arg!(a, 1, Text))?;
        let date_range = || {
            SqlError::new(
                SqlState::DATETIME_FIELD_OVERFLOW,
                format!("date out of range: \"{text}\""),
            )
        };
        if !(-4713..=5_874_897).contains(&tm.year) {
            return Err(date_range());
        }
        let jd = date2j(tm.year, tm.mon, tm.mday);
        if jd < 0 {
            return Err(date_range());
        }
        Ok(Value::Date(jd - POSTGRES_EPOCH_JDATE))
    })),
    stable(f("to_timestamp", &[Text, Text], TimestampTz, |a, ctx| {
        let tm = to_tm(&arg!(a, 0, Text), &arg!(a, 1, Text))?;
        let range = || SqlError::new(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp out of range");
        if !(-4713..=294_277).contains(&tm.year) {
            return Err(range());
        }
        let days = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
        let local = i64::from(days)
            .checked_mul(USECS_PER_DAY)
            .and_then(|x| x.checked_add(tm.micros))
            .ok_or_else(range)?;
        let offset = match tm.tz {
            Some(o) => o,
            None => crate::cast::local_offset(&ctx.style.zone, local),
        };
        let mut value = local - i64::from(offset) * 1_000_000;
        if let Some(p) = tm.precision.filter(|p| *p < 6) {
            // AdjustTimestampForTypmod: half away from zero.
            let scale = 10i64.pow(6 - p);
            value = if value >= 0 {
                (value + scale / 2) / scale * scale
            } else {
                -((-value + scale / 2) / scale * scale)
            };
        }
        if !(crate::cast::MIN_TIMESTAMP..crate::cast::END_TIMESTAMP).contains(&value) {
            return Err(range());
        }
        Ok(Value::TimestampTz(value))
    })),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(text: &str, pattern: &str) -> (i32, i32, i32, i64) {
        let t = to_tm(text, pattern).unwrap();
        (t.year, t.mon, t.mday, t.micros / 1_000_000)
    }

    #[test]
    fn patterns_read_back() {
        assert_eq!(ymd("05 Dec 2020", "DD Mon YYYY"), (2020, 12, 5, 0));
        assert_eq!(ymd("20201205", "YYYYMMDD"), (2020, 12, 5, 0));
        assert_eq!(
            ymd("5/12/2020 2:30 PM", "DD/MM/YYYY HH12:MI AM"),
            (2020, 12, 5, 52_200)
        );
        assert_eq!(ymd("2011 12  18", "YYYY MM DD"), (2011, 12, 18, 0));
        assert_eq!(ymd("1,582nd VIII 21", "Y,YYYth FMRM DD"), (1582, 8, 21, 0));
        assert_eq!(ymd("2458872", "J"), (2020, 1, 23, 0));
        assert_eq!(ymd("2011x 12x 18", "YYYYxMMxDD"), (2011, 12, 18, 0));
        assert_eq!(ymd("02-01", "MM-DD"), (0, 2, 1, 0));
        assert!(to_tm("xx", "MM").is_err());
        assert!(to_tm("13 PM", "HH PM").is_err());
    }
}
