//! String literals with Unicode escapes, read as PostgreSQL's scanner
//! reads them before sqlparser sees the text: `U&'d\0061t\+000061'` with
//! an optional `UESCAPE 'c'`, and `E'...'` with `\uXXXX` / `\UXXXXXXXX`
//! (UTF-16 surrogate pairs combined); and string constants continued
//! over a line break (`'a'` newline `'b'` is `'ab'`). Each such literal
//! is replaced by the plain literal of its value, padded with blanks to
//! the same number of characters, so that every position after it stays
//! where it was; a bad escape is PostgreSQL's 42601 at PostgreSQL's
//! position.

use std::borrow::Cow;

use crate::error::{Result, SqlError};

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The rewritten text, or the text itself when no literal needs it.
pub fn rewrite(sql: &str) -> Result<Cow<'_, str>> {
    // Cheap test first: nearly every statement has none of the forms.
    let may_have = sql.contains('&')
        || sql.contains("\\u")
        || sql.contains("\\U")
        || (sql.contains('\n') && sql.matches('\'').count() >= 4);
    if !may_have {
        return Ok(Cow::Borrowed(sql));
    }
    let c: Vec<char> = sql.chars().collect();
    let mut out: Option<Vec<char>> = None;
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && is_ident_char(c[i - 1]);
        match c[i] {
            '-' if c.get(i + 1) == Some(&'-') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 1;
                i += 2;
                while i < c.len() && depth > 0 {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            '"' => {
                i = skip_quoted(&c, i, '"');
            }
            '$' if !prev_ident => {
                // $tag$ ... $tag$ (not $1).
                let mut j = i + 1;
                while j < c.len()
                    && (c[j].is_alphanumeric() || c[j] == '_')
                    && !c[i + 1].is_ascii_digit()
                {
                    j += 1;
                }
                if j < c.len() && c[j] == '$' && !c.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                    let tag: String = c[i..=j].iter().collect();
                    let tag: Vec<char> = tag.chars().collect();
                    let mut k = j + 1;
                    while k + tag.len() <= c.len() && c[k..k + tag.len()] != tag[..] {
                        k += 1;
                    }
                    i = (k + tag.len()).min(c.len());
                } else {
                    i += 1;
                }
            }
            'U' | 'u'
                if !prev_ident
                    && c.get(i + 1) == Some(&'&')
                    && matches!(c.get(i + 2), Some('\'') | Some('"')) =>
            {
                let q = c[i + 2];
                let (value, end) = unicode_literal(&c, i, q)?;
                replace(&mut out, &c, i, end, &value, q);
                i = end;
            }
            'E' | 'e' if !prev_ident && c.get(i + 1) == Some(&'\'') => {
                let end = skip_escaped(&c, i + 1);
                let body = &c[i + 2..end.saturating_sub(1).max(i + 2)];
                if body
                    .windows(2)
                    .any(|w| w[0] == '\\' && (w[1] == 'u' || w[1] == 'U'))
                {
                    let value = escaped_literal(&c, i)?;
                    replace(&mut out, &c, i, end, &value, '\'');
                }
                i = end;
            }
            '\'' => {
                let end = skip_quoted(&c, i, '\'');
                let mut parts = vec![(i, end)];
                // 'a'<newline>'b' is 'ab' (PostgreSQL's quote continuation).
                let mut last = end;
                loop {
                    let mut j = last;
                    let mut newline = false;
                    while j < c.len() && c[j].is_whitespace() {
                        newline |= c[j] == '\n';
                        j += 1;
                    }
                    if !(newline && c.get(j) == Some(&'\'')) {
                        break;
                    }
                    last = skip_quoted(&c, j, '\'');
                    parts.push((j, last));
                }
                if parts.len() > 1 {
                    let mut value = String::new();
                    for (a, b) in &parts {
                        let body: String =
                            c[a + 1..b.saturating_sub(1).max(a + 1)].iter().collect();
                        value.push_str(&body.replace("''", "'"));
                    }
                    replace(&mut out, &c, i, last, &value, '\'');
                }
                i = last;
            }
            _ => i += 1,
        }
    }
    Ok(match out {
        Some(chars) => Cow::Owned(chars.into_iter().collect()),
        None => Cow::Borrowed(sql),
    })
}

/// Past a quoted run starting at `i` (`q` doubled inside).
fn skip_quoted(c: &[char], mut i: usize, q: char) -> usize {
    i += 1;
    while i < c.len() {
        if c[i] == q {
            if c.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// Past an E'...' body whose quote is at `i` (backslash escapes).
fn skip_escaped(c: &[char], mut i: usize) -> usize {
    i += 1;
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '\'' if c.get(i + 1) == Some(&'\'') => i += 2,
            '\'' => return i + 1,
            _ => i += 1,
        }
    }
    i.min(c.len())
}

/// Replaces `c[start..end]` with the plain literal (or quoted
/// identifier, `q` = `"`) of `value`, padded with blanks to the same
/// number of characters.
fn replace(
    out: &mut Option<Vec<char>>,
    c: &[char],
    start: usize,
    end: usize,
    value: &str,
    q: char,
) {
    let buf = out.get_or_insert_with(|| c.to_vec());
    let mut lit: Vec<char> = vec![q];
    for ch in value.chars() {
        if ch == q {
            lit.push(q);
        }
        lit.push(ch);
    }
    lit.push(q);
    // The value never takes more characters than its escaped form.
    while lit.len() < end - start {
        lit.push(' ');
    }
    if lit.len() == end - start {
        buf[start..end].copy_from_slice(&lit);
    }
}

fn syntax(msg: &str, at: usize) -> SqlError {
    SqlError::syntax(msg.to_owned(), Some(at as u32 + 1))
}

fn is_high(u: u32) -> bool {
    (0xD800..=0xDBFF).contains(&u)
}

fn is_low(u: u32) -> bool {
    (0xDC00..=0xDFFF).contains(&u)
}

fn hex(c: &[char], at: usize, n: usize) -> Option<u32> {
    let s: String = c.get(at..at + n)?.iter().collect();
    if s.chars().all(|d| d.is_ascii_hexdigit()) {
        u32::from_str_radix(&s, 16).ok()
    } else {
        None
    }
}

/// `U&'...'` (or the identifier `U&"..."`, `q` its quote) with an
/// optional `UESCAPE 'c'` at `start`: its value and where it ends.
fn unicode_literal(c: &[char], start: usize, q: char) -> Result<(String, usize)> {
    let quote = start + 2;
    let end_quote = skip_quoted(c, quote, q);
    let body_end = end_quote.saturating_sub(1).max(quote + 1);
    let mut end = end_quote;
    let mut escape = '\\';
    // UESCAPE 'c'
    let mut j = end;
    while j < c.len() && c[j].is_whitespace() {
        j += 1;
    }
    let word: String = c[j..(j + 7).min(c.len())].iter().collect();
    if word.eq_ignore_ascii_case("uescape") && !c.get(j + 7).is_some_and(|x| is_ident_char(*x)) {
        let mut k = j + 7;
        while k < c.len() && c[k].is_whitespace() {
            k += 1;
        }
        if c.get(k) != Some(&'\'') {
            let near: String = c[k..]
                .iter()
                .take_while(|x| !x.is_whitespace() && **x != ';')
                .collect();
            return Err(syntax(
                &format!(
                    "UESCAPE must be followed by a simple string literal at or near \"{near}\""
                ),
                k,
            ));
        }
        let close = skip_quoted(c, k, '\'');
        let lit: String = c[k + 1..close.saturating_sub(1).max(k + 1)]
            .iter()
            .collect();
        let mut chars = lit.chars();
        match (chars.next(), chars.next()) {
            (Some(e), None)
                if !e.is_ascii_hexdigit()
                    && !matches!(e, '+' | '\'' | '"')
                    && !e.is_whitespace() =>
            {
                escape = e;
            }
            _ => {
                let shown: String = c[k..close].iter().collect();
                return Err(syntax(
                    &format!("invalid Unicode escape character at or near \"{shown}\""),
                    k,
                ));
            }
        }
        end = close;
    }
    let mut out = String::new();
    let mut pending: Option<u32> = None;
    let mut i = quote + 1;
    while i < body_end {
        if c[i] == q && c.get(i + 1) == Some(&q) {
            if pending.is_some() {
                return Err(syntax("invalid Unicode surrogate pair", i));
            }
            out.push(q);
            i += 2;
            continue;
        }
        if c[i] != escape {
            if pending.is_some() {
                return Err(syntax("invalid Unicode surrogate pair", i));
            }
            out.push(c[i]);
            i += 1;
            continue;
        }
        if c.get(i + 1) == Some(&escape) {
            if pending.is_some() {
                return Err(syntax("invalid Unicode surrogate pair", i));
            }
            out.push(escape);
            i += 2;
            continue;
        }
        let (code, len) = if c.get(i + 1) == Some(&'+') {
            match hex(c, i + 2, 6) {
                Some(v) => (v, 8),
                None => return Err(bad_escape(i, "\\XXXX or \\+XXXXXX")),
            }
        } else {
            match hex(c, i + 1, 4) {
                Some(v) => (v, 5),
                None => return Err(bad_escape(i, "\\XXXX or \\+XXXXXX")),
            }
        };
        push_code(&mut out, &mut pending, code, i, i + len)?;
        i += len;
    }
    if pending.is_some() {
        return Err(syntax("invalid Unicode surrogate pair", body_end));
    }
    Ok((out, end))
}

fn bad_escape(at: usize, forms: &str) -> SqlError {
    syntax("invalid Unicode escape", at).with_hint(format!("Unicode escapes must be {forms}."))
}

/// One escaped code point (or half of a surrogate pair).
fn push_code(
    out: &mut String,
    pending: &mut Option<u32>,
    code: u32,
    at: usize,
    next: usize,
) -> Result<()> {
    if let Some(high) = pending.take() {
        if !is_low(code) {
            return Err(syntax("invalid Unicode surrogate pair", at));
        }
        let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
        out.push(char::from_u32(combined).unwrap_or('\u{fffd}'));
        return Ok(());
    }
    if is_high(code) {
        *pending = Some(code);
        let _ = next;
        return Ok(());
    }
    if is_low(code) {
        return Err(syntax("invalid Unicode surrogate pair", at));
    }
    match char::from_u32(code).filter(|_| code != 0) {
        Some(ch) => {
            out.push(ch);
            Ok(())
        }
        None => Err(syntax("invalid Unicode escape value", at)),
    }
}

/// `E'...'` at `start` holding Unicode escapes: its value.
fn escaped_literal(c: &[char], start: usize) -> Result<String> {
    let quote = start + 1;
    let end = skip_escaped(c, quote);
    let body_end = end.saturating_sub(1).max(quote + 1);
    let mut out = String::new();
    let mut pending: Option<u32> = None;
    let mut i = quote + 1;
    let near = |at: usize| -> String { c.get(at).map(|x| x.to_string()).unwrap_or_default() };
    while i < body_end {
        let ch = c[i];
        if ch == '\\' && matches!(c.get(i + 1), Some('u') | Some('U')) {
            let n = if c[i + 1] == 'u' { 4 } else { 8 };
            let Some(code) = hex(c, i + 2, n) else {
                return Err(bad_escape(i, "\\uXXXX or \\UXXXXXXXX"));
            };
            if pending.is_some() && !is_low(code) {
                return Err(syntax(
                    &format!("invalid Unicode surrogate pair at or near \"{}\"", near(i)),
                    i,
                ));
            }
            if pending.is_none() && is_low(code) {
                return Err(syntax(
                    &format!(
                        "invalid Unicode surrogate pair at or near \"{}\"",
                        near(i + 2 + n)
                    ),
                    i + 2 + n,
                ));
            }
            if code == 0 || code > 0x10FFFF {
                return Err(syntax("invalid Unicode escape value", i));
            }
            push_code(&mut out, &mut pending, code, i, i + 2 + n)?;
            i += 2 + n;
            continue;
        }
        if pending.is_some() {
            return Err(syntax(
                &format!("invalid Unicode surrogate pair at or near \"{}\"", near(i)),
                i,
            ));
        }
        if ch == '\'' && c.get(i + 1) == Some(&'\'') {
            out.push('\'');
            i += 2;
            continue;
        }
        if ch != '\\' {
            out.push(ch);
            i += 1;
            continue;
        }
        let Some(&e) = c.get(i + 1) else {
            break;
        };
        i += 2;
        match e {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut k = 0;
                while k < 2 && i < body_end && c[i].is_digit(8) {
                    v = v * 8 + c[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                out.push(char::from_u32(v & 0xFF).unwrap_or('\u{fffd}'));
            }
            'x' if i < body_end && c[i].is_ascii_hexdigit() => {
                let mut v = c[i].to_digit(16).unwrap_or(0);
                i += 1;
                if i < body_end && c[i].is_ascii_hexdigit() {
                    v = v * 16 + c[i].to_digit(16).unwrap_or(0);
                    i += 1;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            other => out.push(other),
        }
    }
    if pending.is_some() {
        return Err(syntax(
            &format!(
                "invalid Unicode surrogate pair at or near \"{}\"",
                near(body_end)
            ),
            body_end,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sql: &str) -> (String, Option<u32>) {
        let e = rewrite(sql).unwrap_err();
        (e.message().to_owned(), e.report().position)
    }

    #[test]
    fn unicode_literals_become_plain_ones_of_the_same_length() {
        let sql = r"SELECT U&'d\0061t\+000061' AS x, 1";
        let out = rewrite(sql).unwrap();
        assert_eq!(out.chars().count(), sql.chars().count());
        assert!(out.starts_with("SELECT 'data'"));
        assert!(rewrite(r"SELECT U&'d!0061t' UESCAPE '!'")
            .unwrap()
            .starts_with("SELECT 'dat'"));
        assert!(rewrite(r"SELECT E'\uD83D\uDE00'")
            .unwrap()
            .starts_with("SELECT '😀'"));
        assert!(rewrite(r"SELECT U&'\D83D\DE00'")
            .unwrap()
            .starts_with("SELECT '😀'"));
        assert!(matches!(
            rewrite("SELECT 'a & b'").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn bad_escapes_are_postgres_errors() {
        assert_eq!(
            err(r"SELECT U&'wrong: \061'"),
            ("invalid Unicode escape".into(), Some(18))
        );
        assert_eq!(
            err(r"SELECT U&'wrong: \db99'"),
            ("invalid Unicode surrogate pair".into(), Some(23))
        );
        assert_eq!(
            err(r"SELECT U&'wrong: \+2FFFFF'"),
            ("invalid Unicode escape value".into(), Some(18))
        );
        assert_eq!(
            err(r"SELECT E'wrong: \udb99xy'"),
            (
                "invalid Unicode surrogate pair at or near \"x\"".into(),
                Some(23)
            )
        );
    }
}
