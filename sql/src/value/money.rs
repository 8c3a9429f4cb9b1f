//! The money type as PostgreSQL's cash.c keeps it with lc_monetary C:
//! a count of cents in 64 bits, read with an optional `$`, sign or
//! parentheses and `,` separators (a third fraction digit rounds), and
//! printed `$1,234.56` / `-$1,234.56`.

use crate::error::{Result, SqlError, SqlState};

fn out_of_range(text: &str) -> SqlError {
    SqlError::new(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        format!("value \"{text}\" is out of range for type money"),
    )
}

/// 22003 "money out of range" (arithmetic).
pub fn overflow() -> SqlError {
    SqlError::new(SqlState::NUMERIC_VALUE_OUT_OF_RANGE, "money out of range")
}

/// cash_in: the cents `text` stands for.
pub fn parse(text: &str) -> Result<i64> {
    let invalid = || {
        SqlError::new(
            SqlState::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type money: \"{text}\""),
        )
    };
    let b = text.as_bytes();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_space(&mut i);
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    skip_space(&mut i);
    let mut negative = false;
    match b.get(i) {
        Some(b'-') | Some(b'(') => {
            negative = true;
            i += 1;
        }
        Some(b'+') => i += 1,
        _ => {}
    }
    skip_space(&mut i);
    if b.get(i) == Some(&b'$') {
        i += 1;
    }
    skip_space(&mut i);
    // Built in the negative, as cash_in, so the most negative value fits.
    let mut value: i64 = 0;
    let mut dec = 0;
    let mut seen_dot = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() && (!seen_dot || dec < 2) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_sub(i64::from(c - b'0')))
                .ok_or_else(|| out_of_range(text))?;
            if seen_dot {
                dec += 1;
            }
        } else if c == b'.' && !seen_dot {
            seen_dot = true;
        } else if c != b',' {
            break;
        }
        i += 1;
    }
    // A further digit rounds.
    if b.get(i).is_some_and(|c| c.is_ascii_digit() && *c >= b'5') {
        value = value.checked_sub(1).ok_or_else(|| out_of_range(text))?;
    }
    while dec < 2 {
        value = value.checked_mul(10).ok_or_else(|| out_of_range(text))?;
        dec += 1;
    }
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => {}
            b')' | b'+' | b'$' => {}
            b'-' => negative = true,
            _ => return Err(invalid()),
        }
        i += 1;
    }
    if negative {
        Ok(value)
    } else {
        value.checked_neg().ok_or_else(|| out_of_range(text))
    }
}

/// cash_out: `$1,234.56`, `-$0.05`.
pub fn write(cents: i64, out: &mut String) {
    if cents < 0 {
        out.push('-');
    }
    out.push('$');
    let abs = cents.unsigned_abs();
    let digits = format!("{:03}", abs);
    let (whole, frac) = digits.split_at(digits.len() - 2);
    let n = whole.len();
    for (k, ch) in whole.chars().enumerate() {
        if k > 0 && (n - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out.push('.');
    out.push_str(frac);
}

/// num_word: 0..999 in words, as cash.c spells them.
fn num_word(value: u64) -> String {
    const SMALL: [&str; 28] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
    ];
    let big = |k: u64| SMALL[18 + k as usize];
    let tu = value % 100;
    if value <= 20 {
        return SMALL[value as usize].into();
    }
    if tu == 0 {
        return format!("{} hundred", SMALL[(value / 100) as usize]);
    }
    let tens = if value.is_multiple_of(10) && tu > 10 {
        big(tu / 10).to_owned()
    } else if tu < 20 {
        SMALL[tu as usize].to_owned()
    } else {
        format!("{} {}", big(tu / 10), SMALL[(tu % 10) as usize])
    };
    if value > 99 {
        let and = if tu < 20 && !(value.is_multiple_of(10) && tu > 10) {
            "and "
        } else {
            ""
        };
        format!("{} hundred {and}{tens}", SMALL[(value / 100) as usize])
    } else {
        tens
    }
}

/// cash_words: the amount in English words, as PostgreSQL spells it.
pub fn words(cents: i64) -> String {
    let mut out = String::new();
    if cents < 0 {
        out.push_str("minus ");
    }
    let start = out.len();
    let val = cents.unsigned_abs();
    let m0 = val % 100;
    let parts = [
        ((val / 100_000_000_000_000_000) % 1000, " quadrillion "),
        ((val / 100_000_000_000_000) % 1000, " trillion "),
        ((val / 100_000_000_000) % 1000, " billion "),
        ((val / 100_000_000) % 1000, " million "),
        ((val / 100_000) % 1000, " thousand "),
    ];
    for (m, word) in parts {
        if m > 0 {
            out.push_str(&num_word(m));
            out.push_str(word);
        }
    }
    let m1 = (val / 100) % 1000;
    if m1 > 0 {
        out.push_str(&num_word(m1));
    }
    if out.len() == start {
        out.push_str("zero");
    }
    out.push_str(if val / 100 == 1 {
        " dollar and "
    } else {
        " dollars and "
    });
    out.push_str(&num_word(m0));
    out.push_str(if m0 == 1 { " cent" } else { " cents" });
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_and_prints_as_cash_in_and_cash_out() {
        let show = |t: &str| {
            let mut s = String::new();
            write(parse(t).unwrap(), &mut s);
            s
        };
        assert_eq!(show("123"), "$123.00");
        assert_eq!(show("$123.455"), "$123.46");
        assert_eq!(show("$123.451"), "$123.45");
        assert_eq!(show("(1)"), "-$1.00");
        assert_eq!(show("($123,456.78)"), "-$123,456.78");
        assert_eq!(show("-12345"), "-$12,345.00");
        assert_eq!(show("-92233720368547758.08"), "-$92,233,720,368,547,758.08");
        assert_eq!(show("  $ 12"), "$12.00");
        assert!(parse("92233720368547758.08").is_err());
        assert!(parse("-92233720368547758.085").is_err());
        assert!(parse("abc").is_err());
        assert_eq!(
            words(12345),
            "One hundred twenty three dollars and forty five cents"
        );
    }
}
