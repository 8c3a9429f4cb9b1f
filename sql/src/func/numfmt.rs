//! to_char of numbers and to_number: PostgreSQL's numeric format
//! pictures (formatting.c's NUM_ routines) for the elements applications
//! use: `9 0 . , D G S MI PL SG PR FM EEEE V`, quoted and other literal
//! text.
//!
//! Rules (as PostgreSQL):
//! 1. The value is rounded to the picture's fraction digits; an integer
//!    part longer than its digit positions prints `#` in every one.
//! 2. Without an explicit sign element, one position before the first
//!    digit holds the sign (`-` or a blank); leading unused positions
//!    are blanks, or `0` from the first `0` element on.
//! 3. FM drops the padding blanks and the trailing zeros of `9`
//!    fraction positions.

use super::operators::arg;
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::types::DataType::*;
use crate::value::{Numeric, Value};

#[derive(Debug, Clone, PartialEq)]
enum Elem {
    Nine,
    Zero,
    Point,
    Group,
    /// S: `+` or `-`.
    Sign,
    /// MI: `-` or a blank.
    Minus,
    /// PL: `+` or a blank.
    Plus,
    /// SG: `+` or `-`.
    SignBoth,
    /// PR: `<value>` when negative.
    Angle,
    /// EEEE: scientific notation.
    Exponent,
    /// V: multiply by ten per digit after it.
    Shift,
    /// TH / th: the ordinal suffix of the number (upper case for TH).
    Ordinal(bool),
    /// RN / rn: the value as a Roman numeral (upper case for RN).
    Roman(bool),
    Text(String),
}

struct Picture {
    elems: Vec<Elem>,
    fill: bool,
}

fn bad_format(msg: &str) -> SqlError {
    SqlError::new(SqlState::SYNTAX_ERROR, msg.to_owned())
}

fn parse(fmt: &str) -> Result<Picture> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut elems = Vec::new();
    let mut fill = false;
    let mut i = 0;
    let starts = |i: usize, word: &str| {
        let w: Vec<char> = word.chars().collect();
        chars.len() >= i + w.len()
            && chars[i..i + w.len()]
                .iter()
                .zip(&w)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    };
    while i < chars.len() {
        let c = chars[i];
        let (e, len) = if starts(i, "FM") {
            fill = true;
            i += 2;
            continue;
        } else if starts(i, "EEEE") {
            (Elem::Exponent, 4)
        } else if starts(i, "MI") {
            (Elem::Minus, 2)
        } else if starts(i, "PL") {
            (Elem::Plus, 2)
        } else if starts(i, "SG") {
            (Elem::SignBoth, 2)
        } else if starts(i, "PR") {
            (Elem::Angle, 2)
        } else if fmt[char_offset(&chars, i)..].starts_with("TH") {
            (Elem::Ordinal(true), 2)
        } else if fmt[char_offset(&chars, i)..].starts_with("th") {
            (Elem::Ordinal(false), 2)
        } else if fmt[char_offset(&chars, i)..].starts_with("RN") {
            (Elem::Roman(true), 2)
        } else if fmt[char_offset(&chars, i)..].starts_with("rn") {
            (Elem::Roman(false), 2)
        } else {
            match c {
                '9' => (Elem::Nine, 1),
                '0' => (Elem::Zero, 1),
                '.' | 'D' | 'd' => (Elem::Point, 1),
                ',' | 'G' | 'g' => (Elem::Group, 1),
                'S' | 's' => (Elem::Sign, 1),
                'V' | 'v' => (Elem::Shift, 1),
                'L' | 'l' => (Elem::Text(" ".into()), 1),
                '"' => {
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&x| x == '"')
                        .map_or(chars.len(), |p| i + 1 + p);
                    let text: String = chars[i + 1..end].iter().collect();
                    (Elem::Text(text), end + 1 - i)
                }
                '\\' if i + 1 < chars.len() => (Elem::Text(chars[i + 1].to_string()), 2),
                other => (Elem::Text(other.to_string()), 1),
            }
        };
        if e == Elem::Point && elems.contains(&Elem::Point) {
            return Err(bad_format("multiple decimal points"));
        }
        elems.push(e);
        i += len;
    }
    if elems.iter().filter(|e| **e == Elem::Exponent).count() > 1 {
        return Err(bad_format("cannot use \"EEEE\" twice"));
    }
    if elems.contains(&Elem::Exponent)
        && (fill
            || elems.iter().any(|e| {
                matches!(
                    e,
                    Elem::Sign
                        | Elem::Minus
                        | Elem::Plus
                        | Elem::SignBoth
                        | Elem::Angle
                        | Elem::Roman(_)
                        | Elem::Shift
                )
            }))
    {
        return Err(
            bad_format("\"EEEE\" is incompatible with other formats").with_detail(
                "\"EEEE\" may only be used together with digit and decimal point patterns.",
            ),
        );
    }
    Ok(Picture { elems, fill })
}

/// The byte offset of character `i`.
fn char_offset(chars: &[char], i: usize) -> usize {
    chars[..i].iter().map(|c| c.len_utf8()).sum()
}

/// The picture's digit positions before and after the decimal point
/// (after V counting as before, shifting the value).
fn counts(p: &Picture) -> (usize, usize, usize) {
    let (mut pre, mut post, mut shift) = (0, 0, 0);
    let (mut after_point, mut after_v) = (false, false);
    for e in &p.elems {
        match e {
            Elem::Point => after_point = true,
            Elem::Shift => after_v = true,
            Elem::Nine | Elem::Zero if after_point => post += 1,
            Elem::Nine | Elem::Zero => {
                pre += 1;
                if after_v {
                    shift += 1;
                }
            }
            _ => {}
        }
    }
    (pre, post, shift)
}

/// Formats `v` with `fmt`.
pub fn to_char(v: &Numeric, fmt: &str) -> Result<String> {
    let p = parse(fmt)?;
    if p.elems.contains(&Elem::Exponent) {
        return scientific(v, &p);
    }
    render(v, &p, false)
}

/// `v` placed in picture `p`; `negative_zero` prints a zero as negative
/// (a float that printf rounded to `-0`).
fn render(v: &Numeric, p: &Picture, negative_zero: bool) -> Result<String> {
    let (pre, post, shift) = counts(p);
    // The sign of the value as printed: -0.0004 at three places is 0.
    let negative = negative_zero || (!v.is_nan() && v.round(post as i32).signum() < 0);
    let mut value = v.abs();
    if shift > 0 {
        value = value.mul(&Numeric::new(10i64.pow(shift.min(18) as u32).into(), 0))?;
    }
    // NaN and the infinities print their names in the digit positions,
    // without a decimal point or fraction (NUM_processor).
    let finite = value.is_finite();
    let text = if value.is_nan() {
        "NaN".to_owned()
    } else if !finite {
        "Infinity".to_owned()
    } else {
        value.round(post as i32).to_string()
    };
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i.to_owned(), f.to_owned()),
        None => (text.clone(), String::new()),
    };
    let zero = text.chars().all(|c| matches!(c, '0' | '.'));
    // A zero integer part prints no digit, except where there is no
    // fraction to print (or, in FM, for a value of zero): then `0`.
    let int_digits: Vec<char> = if int_part != "0" {
        int_part.chars().collect()
    } else if post == 0 || (p.fill && zero) {
        vec!['0']
    } else {
        Vec::new()
    };
    let overflow = int_digits.len() > pre;
    let mut frac: Vec<char> = frac_part.chars().collect();
    frac.resize(post, '0');
    // S before every digit floats to the first digit, as the implicit
    // sign does; PR floats its `<`.
    let sign_first = p
        .elems
        .iter()
        .find(|e| !matches!(e, Elem::Text(_)))
        .is_some_and(|e| *e == Elem::Sign);
    let angle = p.elems.contains(&Elem::Angle);
    let explicit_sign = angle
        || p.elems.iter().any(|e| {
            matches!(e, Elem::Minus | Elem::SignBoth) || (*e == Elem::Sign && !sign_first)
        });
    let zero_start = p
        .elems
        .iter()
        .filter(|e| matches!(e, Elem::Nine | Elem::Zero | Elem::Point))
        .take_while(|e| **e != Elem::Point)
        .position(|e| *e == Elem::Zero)
        .unwrap_or(pre);
    // FM: fraction positions of 9 that are trailing zeros are dropped.
    let mut keep_frac = post;
    if p.fill {
        let frac_elems: Vec<&Elem> = p
            .elems
            .iter()
            .skip_while(|e| **e != Elem::Point)
            .filter(|e| matches!(e, Elem::Nine | Elem::Zero))
            .collect();
        while keep_frac > 0
            && frac[keep_frac - 1] == '0'
            && frac_elems.get(keep_frac - 1) == Some(&&Elem::Nine)
        {
            keep_frac -= 1;
        }
    }
    let mut out = String::new();
    let (mut k, mut fk) = (0usize, 0usize);
    let mut started = false;
    let mut after_point = false;
    let lead = pre - int_digits.len().min(pre);
    let sign_char = |out: &mut String, fill: bool| {
        if angle {
            if negative {
                out.push('<');
            } else if !fill {
                out.push(' ');
            }
        } else if sign_first {
            out.push(if negative { '-' } else { '+' });
        } else if negative {
            out.push('-');
        } else if !fill {
            out.push(' ');
        }
    };
    let floats = !explicit_sign || angle;
    let start = |out: &mut String, started: &mut bool| {
        if !*started {
            *started = true;
            if floats {
                sign_char(out, p.fill);
            }
        }
    };
    for e in &p.elems {
        match e {
            Elem::Nine | Elem::Zero if !after_point => {
                if overflow {
                    start(&mut out, &mut started);
                    out.push('#');
                } else if k < lead {
                    if k >= zero_start {
                        start(&mut out, &mut started);
                        out.push('0');
                    } else if !p.fill {
                        out.push(' ');
                    }
                } else {
                    start(&mut out, &mut started);
                    out.push(int_digits[k - lead]);
                }
                k += 1;
            }
            Elem::Nine | Elem::Zero => {
                if fk < keep_frac && (finite || overflow) {
                    out.push(if overflow { '#' } else { frac[fk] });
                }
                fk += 1;
            }
            Elem::Point => {
                start(&mut out, &mut started);
                if finite || overflow {
                    out.push('.');
                }
                after_point = true;
            }
            Elem::Group => {
                if started {
                    out.push(',');
                } else if !p.fill {
                    out.push(' ');
                }
            }
            Elem::Sign if sign_first => {}
            Elem::Sign => out.push(if negative { '-' } else { '+' }),
            Elem::SignBoth => out.push(if negative { '-' } else { '+' }),
            Elem::Minus => {
                if negative {
                    out.push('-');
                } else if !p.fill {
                    out.push(' ');
                }
            }
            Elem::Plus => {
                if !negative {
                    out.push('+');
                } else if !p.fill {
                    out.push(' ');
                }
            }
            Elem::Angle | Elem::Shift | Elem::Exponent | Elem::Roman(_) => {}
            // No suffix for a value that overflowed, a negative one or a
            // picture with a decimal point (NUM_TH).
            Elem::Ordinal(upper) => {
                if !overflow && !negative && post == 0 && !p.elems.contains(&Elem::Point) {
                    if !int_digits.last().is_some_and(char::is_ascii_digit) {
                        let number: String = int_digits.iter().collect();
                        return Err(SqlError::new(
                            SqlState::INVALID_TEXT_REPRESENTATION,
                            format!("\"{number}\" is not a number"),
                        ));
                    }
                    let suffix = ordinal(&int_digits);
                    out.push_str(&if *upper {
                        suffix.to_uppercase()
                    } else {
                        suffix.to_owned()
                    });
                }
            }
            Elem::Text(t) => out.push_str(t),
        }
    }
    if !started && floats {
        // No digit printed (a picture of only fraction positions).
        let mut s = String::new();
        sign_char(&mut s, p.fill);
        out.insert_str(0, &s);
    }
    if angle {
        if negative {
            out.push('>');
        } else if !p.fill {
            out.push(' ');
        }
    }
    Ok(out)
}

/// The ordinal suffix of a number's digits (get_th).
fn ordinal(digits: &[char]) -> &'static str {
    let n = digits.len();
    let last = digits.last().copied().unwrap_or('0');
    let tens = if n > 1 { digits[n - 2] } else { '0' };
    match (tens, last) {
        ('1', _) => "th",
        (_, '1') => "st",
        (_, '2') => "nd",
        (_, '3') => "rd",
        _ => "th",
    }
}

/// `n` as a Roman numeral, `#` fifteen times outside 1..=3999
/// (int_to_roman).
fn roman(n: i64) -> String {
    if !(1..=3999).contains(&n) {
        return "#".repeat(15);
    }
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    const TENS: [&str; 10] = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"];
    const HUNDREDS: [&str; 10] = ["", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"];
    let n = n as usize;
    format!(
        "{}{}{}{}",
        "M".repeat(n / 1000),
        HUNDREDS[n / 100 % 10],
        TENS[n / 10 % 10],
        ONES[n % 10]
    )
}

/// to_char with RN: the value rounded to an integer as each input type
/// converts it (a float out of range prints `#`; numeric and bigint out
/// of integer range are 22003, numeric NaN / infinity 0A000), then the
/// picture's text and numeral.
fn roman_picture(v: &Value, p: &Picture) -> Result<String> {
    let out_of_range =
        || SqlError::new(SqlState::NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range");
    let n: i64 = match v {
        Value::Int2(i) => i64::from(*i),
        Value::Int4(i) => i64::from(*i),
        Value::Int8(i) => i64::from(i32::try_from(*i).map_err(|_| out_of_range())?),
        Value::Float4(f) => float_int(f64::from(*f)),
        Value::Float8(f) => float_int(*f),
        Value::Numeric(n) if n.is_nan() => {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot convert NaN to integer",
            ))
        }
        Value::Numeric(n) => {
            let r = n.round(0);
            if matches!(r, Numeric::PosInf | Numeric::NegInf) {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "cannot convert infinity to integer",
                ));
            }
            let i: i64 = r.to_string().parse().map_err(|_| out_of_range())?;
            i64::from(i32::try_from(i).map_err(|_| out_of_range())?)
        }
        _ => 0,
    };
    let numeral = roman(n);
    let mut out = String::new();
    for e in &p.elems {
        match e {
            Elem::Roman(upper) => {
                let r = if *upper {
                    numeral.clone()
                } else {
                    numeral.to_lowercase()
                };
                if p.fill {
                    out.push_str(&r);
                } else {
                    out.push_str(&format!("{r:>15}"));
                }
            }
            Elem::Text(t) => out.push_str(t),
            _ => {}
        }
    }
    Ok(out)
}

/// (int) rint(x) as C converts it on x86-64: out of range or NaN is
/// i32::MIN.
fn float_int(x: f64) -> i64 {
    let r = x.round_ties_even();
    if r.is_nan() || r < f64::from(i32::MIN) || r > f64::from(i32::MAX) {
        i64::from(i32::MIN)
    } else {
        r as i64
    }
}

/// to_char of any number: RN pictures as [`roman_picture`], the others
/// through numeric.
fn to_char_value(v: &Value, fmt: &str) -> Result<String> {
    let p = parse(fmt)?;
    if p.elems.iter().any(|e| matches!(e, Elem::Roman(_))) {
        return roman_picture(v, &p);
    }
    let float = match v {
        Value::Float8(x) => Some((*x, 15)),
        Value::Float4(x) => Some((f64::from(*x), 6)),
        _ => None,
    };
    match float {
        Some((x, _)) if x.is_finite() && p.elems.contains(&Elem::Exponent) => {
            scientific_float(x, &p)
        }
        Some((x, digits)) if x.is_finite() => {
            let (value, kept) = float_digits(x, digits, &p)?;
            // Fraction positions past the digits kept print nothing.
            let (_, post, _) = counts(&p);
            let mut p = p;
            let mut drop = post - kept;
            while drop > 0 {
                match p
                    .elems
                    .iter()
                    .rposition(|e| matches!(e, Elem::Nine | Elem::Zero))
                {
                    Some(i) => {
                        p.elems.remove(i);
                        drop -= 1;
                    }
                    None => break,
                }
            }
            let negative_zero = x.is_sign_negative() && value.signum() == 0;
            render(&value, &p, negative_zero)
        }
        _ => to_char(&numeric_arg(v)?, fmt),
    }
}

/// A float as float8_to_char prints it before the picture places it: at
/// most `digits` significant digits (DBL_DIG, FLT_DIG) and the picture's
/// fraction digits, rounded as printf rounds the binary value (2.5 to 2).
fn float_digits(x: f64, digits: usize, p: &Picture) -> Result<(Numeric, usize)> {
    let (_, post, _) = counts(p);
    let pre = format!("{:.0}", x.abs()).len();
    let post = if pre >= digits {
        0
    } else {
        post.min(digits - pre)
    };
    Ok((Numeric::parse(&format!("{x:.post$}"))?, post))
}

/// `9.99EEEE`: the mantissa with the picture's fraction digits and a
/// two-digit (at least) exponent.
fn scientific(v: &Numeric, p: &Picture) -> Result<String> {
    let (pre, post, _) = counts(p);
    if !v.is_finite() {
        // NaN and the infinities: `#` in every position but the sign's
        // and the point's (NUM_processor's EEEE fill).
        let mut s: Vec<char> = std::iter::repeat_n('#', pre + post + 6).collect();
        s[0] = ' ';
        s[pre + 1] = '.';
        return Ok(s.into_iter().collect());
    }
    // The decimal digits, the point moved behind the first significant
    // one, rounded half away from zero at the picture's places — without
    // renormalizing, so 9.995 at two places is 10.00e+00 as in PostgreSQL.
    let plain = v.abs().to_string();
    let (int, frac) = plain.split_once('.').unwrap_or((plain.as_str(), ""));
    let digits: String = format!("{int}{frac}");
    let (mantissa, exp) = match digits.find(|c: char| c != '0') {
        None => (Numeric::zero(), 0),
        Some(first) => {
            let exp = int.len() as i32 - 1 - first as i32;
            let sig = &digits[first..];
            let m = Numeric::parse(&format!("{}.{}", &sig[..1], &sig[1..]))?;
            (m, exp)
        }
    };
    let m = mantissa.round(post as i32).to_string();
    let sign = if v.signum() < 0 {
        "-"
    } else if p.fill {
        ""
    } else {
        " "
    };
    Ok(format!(
        "{sign}{m}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    ))
}

/// EEEE of a float: printf's `%.*e` of the binary value.
fn scientific_float(x: f64, p: &Picture) -> Result<String> {
    let (_, post, _) = counts(p);
    let mut s = format!("{:.*e}", post, x.abs());
    if let Some((m, e)) = s.split_once('e') {
        let exp: i32 = e.parse().unwrap_or(0);
        s = format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
    let sign = if x.is_sign_negative() {
        "-"
    } else if p.fill {
        ""
    } else {
        " "
    };
    Ok(format!("{sign}{s}"))
}

/// to_number(text, picture): the digits, decimal point and sign the
/// picture places, read back as numeric.
pub fn to_number(s: &str, fmt: &str) -> Result<Numeric> {
    let p = parse(fmt)?;
    let (_, post, shift) = counts(&p);
    let mut digits = String::new();
    let mut negative = false;
    let mut seen_point = false;
    for c in s.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '.' if p.elems.contains(&Elem::Point) && !seen_point => {
                seen_point = true;
                digits.push('.');
            }
            '-' | '<' => negative = true,
            _ => {}
        }
    }
    if digits.is_empty() || digits == "." {
        return Err(SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type numeric: \"{s}\""),
        ));
    }
    let mut n = Numeric::parse(&digits)?;
    if shift > 0 {
        n = n.div_at(
            &Numeric::new(10i64.pow(shift.min(18) as u32).into(), 0),
            n.scale() + shift as u16,
        )?;
    }
    let n = n.round(post as i32);
    Ok(if negative { n.neg() } else { n })
}

fn numeric_arg(v: &Value) -> Result<Numeric> {
    Ok(match v {
        Value::Numeric(n) => n.clone(),
        Value::Int2(i) => Numeric::from_i64(i64::from(*i)),
        Value::Int4(i) => Numeric::from_i64(i64::from(*i)),
        Value::Int8(i) => Numeric::from_i64(*i),
        Value::Float4(f) => Numeric::from_f32(*f)?,
        Value::Float8(f) => Numeric::from_f64(*f)?,
        _ => Numeric::NaN,
    })
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    super::stable(f("to_char", &[Numeric, Text], Text, |a, _| {
        Ok(Value::Text(to_char_value(&a[0], &arg!(a, 1, Text))?))
    })),
    super::stable(f("to_char", &[Int4, Text], Text, |a, _| {
        Ok(Value::Text(to_char_value(&a[0], &arg!(a, 1, Text))?))
    })),
    super::stable(f("to_char", &[Int8, Text], Text, |a, _| {
        Ok(Value::Text(to_char_value(&a[0], &arg!(a, 1, Text))?))
    })),
    super::stable(f("to_char", &[Float4, Text], Text, |a, _| {
        Ok(Value::Text(to_char_value(&a[0], &arg!(a, 1, Text))?))
    })),
    super::stable(f("to_char", &[Float8, Text], Text, |a, _| {
        Ok(Value::Text(to_char_value(&a[0], &arg!(a, 1, Text))?))
    })),
    super::stable(f("to_number", &[Text, Text], Numeric, |a, _| {
        Ok(Value::Numeric(to_number(
            &arg!(a, 0, Text),
            &arg!(a, 1, Text),
        )?))
    })),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: &str, f: &str) -> String {
        to_char(&Numeric::parse(v).unwrap(), f).unwrap()
    }

    #[test]
    fn pictures_as_postgres() {
        assert_eq!(fmt("1234.5", "9,999.99"), " 1,234.50");
        assert_eq!(fmt("-0.5", "FM990.00"), "-0.50");
        assert_eq!(fmt("12", "0009"), " 0012");
        assert_eq!(fmt("-12", "9999"), "  -12");
        assert_eq!(fmt("0.5", "9.99"), "  .50");
        assert_eq!(fmt("12345", "999"), " ###");
    }
}
