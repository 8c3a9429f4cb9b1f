//! The json type keeps its text as written: `->`, `#>` and json_each
//! return the sub-value's own text (spaces and all), as PostgreSQL's json
//! functions do, where jsonb's re-print it. This scans a (valid) json
//! text for the parts without building a tree.

/// The end of the value starting at byte `i` (which is not blank).
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => {
            i += 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = value_end(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']') && !b[i].is_ascii_whitespace()
            {
                i += 1;
            }
            Some(i)
        }
    }
}

fn skip_blank(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// An object's members (key decoded, value text as written) or an
/// array's elements (no key).
pub type Parts<'t> = Vec<(Option<String>, &'t str)>;

/// The members of an object, or the elements of an array, with whether
/// it is an object; None for a scalar.
pub fn parts(text: &str) -> Option<(bool, Parts<'_>)> {
    let b = text.as_bytes();
    let mut i = skip_blank(b, 0);
    let object = match b.get(i)? {
        b'{' => true,
        b'[' => false,
        _ => return None,
    };
    let close = if object { b'}' } else { b']' };
    i += 1;
    let mut out = Vec::new();
    loop {
        i = skip_blank(b, i);
        if *b.get(i)? == close {
            return Some((object, out));
        }
        let key = if object {
            let end = value_end(b, i)?;
            let key = super::jsonb::string_token(&text[i..end])?;
            i = skip_blank(b, end);
            if *b.get(i)? != b':' {
                return None;
            }
            i = skip_blank(b, i + 1);
            Some(key)
        } else {
            None
        };
        let end = value_end(b, i)?;
        out.push((key, &text[i..end]));
        i = skip_blank(b, end);
        match *b.get(i)? {
            b',' => i += 1,
            c if c == close => return Some((object, out)),
            _ => return None,
        }
    }
}

/// `json -> key`: the value of the last member called `key`.
pub fn field<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    match parts(text)? {
        (true, members) => members
            .into_iter()
            .rev()
            .find(|(k, _)| k.as_deref() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// `json -> n`: element `n` (negative from the end).
pub fn element(text: &str, n: i64) -> Option<&str> {
    match parts(text)? {
        (false, items) => {
            let len = items.len() as i64;
            let i = if n < 0 { len + n } else { n };
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .map(|(_, v)| *v)
        }
        _ => None,
    }
}

/// `json #> path`: each step a key of an object or an index of an array.
pub fn path<'t>(text: &'t str, steps: &[String]) -> Option<&'t str> {
    let mut cur = text.trim();
    for s in steps {
        cur = match parts(cur)? {
            (true, _) => field(cur, s)?,
            (false, _) => element(cur, s.trim().parse().ok()?)?,
        };
    }
    Some(cur)
}

/// `->>`'s text of a value: a string decoded, null as NULL, anything
/// else as written.
pub fn as_text(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.starts_with('"') {
        super::jsonb::string_token(raw)
    } else if raw == "null" {
        None
    } else {
        Some(raw.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_values_keep_their_text() {
        let t = r#"{"a": {"b":  [1,  2]}, "c" : "x\"y"}"#;
        assert_eq!(field(t, "a"), Some(r#"{"b":  [1,  2]}"#));
        assert_eq!(path(t, &["a".into(), "b".into(), "1".into()]), Some("2"));
        assert_eq!(as_text(field(t, "c").unwrap()).as_deref(), Some("x\"y"));
        assert_eq!(element("[1,  {\"x\" : 2}]", -1), Some("{\"x\" : 2}"));
        assert_eq!(field("[1]", "a"), None);
    }
}
