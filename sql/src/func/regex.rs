//! POSIX regular expressions: `~ ~* !~ !~*`, regexp_replace,
//! regexp_match, regexp_split_to_array, regexp_like, regexp_count.
//!
//! Patterns are compiled by the `regex` crate (linear time, so no pattern
//! can make a statement run away), after translating the parts of
//! PostgreSQL's ARE syntax it spells differently. The back references
//! (`\1`) and lookaround (`(?=` `(?!` `(?<=` `(?<!`) that ARE has and
//! that crate lacks go to `fancy-regex`, a backtracking engine built on
//! it, whose backtrack limit bounds the work (past it: 2201B "regular
//! expression is too complex", never a statement that runs away).
//! Compiled patterns are cached per thread, as PostgreSQL caches them
//! per backend.

use std::cell::RefCell;
use std::sync::Arc;

use regex::{Regex, RegexBuilder};

use super::operators::arg;
use super::{f, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::*;
use crate::value::{ArrayRef, Value};

/// Compiled patterns kept per thread (PostgreSQL keeps 32).
const CACHE_SIZE: usize = 32;

thread_local! {
    static CACHE: RefCell<Vec<(String, bool, Arc<Pattern>)>> = const { RefCell::new(Vec::new()) };
}

fn invalid(msg: impl std::fmt::Display) -> SqlError {
    SqlError::new(
        SqlState::INVALID_REGULAR_EXPRESSION,
        format!("invalid regular expression: {msg}"),
    )
}

/// Rewrites ARE escapes the regex crate spells differently; also says
/// whether the pattern has back references (which only the backtracking
/// engine reads).
fn translate(pattern: &str) -> Result<(String, bool)> {
    let mut backrefs = false;
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('m') => out.push_str(r"\b(?=\w)"),
            Some('M') => out.push_str(r"\b(?<=\w)"),
            Some('y') => out.push_str(r"\b"),
            Some('Y') => out.push_str(r"\B"),
            Some('A') => out.push_str(r"\A"),
            Some('Z') => out.push_str(r"\z"),
            Some(d @ '1'..='9') => {
                backrefs = true;
                out.push('\\');
                out.push(d);
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => return Err(invalid("invalid escape \\ sequence")),
        }
    }
    Ok((out, backrefs))
}

/// The spans of one match's groups (0: the whole match), None for a
/// group that took no part.
type Groups = Vec<Option<(usize, usize)>>;

/// How many steps the backtracking engine may take for one search.
const BACKTRACK_LIMIT: usize = 10_000_000;

/// A compiled pattern: the linear-time engine, or the backtracking one
/// for back references and lookaround.
pub(crate) enum Pattern {
    /// The regex crate.
    Linear(Regex),
    /// fancy-regex.
    Backtracking(fancy_regex::Regex),
}

fn too_complex(e: fancy_regex::Error) -> SqlError {
    match e {
        fancy_regex::Error::RuntimeError(_) => invalid("regular expression is too complex"),
        other => invalid(other),
    }
}

impl Pattern {
    fn is_match(&self, s: &str) -> Result<bool> {
        match self {
            Pattern::Linear(re) => Ok(re.is_match(s)),
            Pattern::Backtracking(re) => re.is_match(s).map_err(too_complex),
        }
    }

    /// Groups counted with the whole match.
    fn captures_len(&self) -> usize {
        match self {
            Pattern::Linear(re) => re.captures_len(),
            Pattern::Backtracking(re) => re.captures_len(),
        }
    }

    /// The first match's groups.
    fn first(&self, s: &str) -> Result<Option<Groups>> {
        Ok(match self {
            Pattern::Linear(re) => re
                .captures(s)
                .map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()),
            Pattern::Backtracking(re) => re.captures(s).map_err(too_complex)?.map(|c| {
                (0..c.len())
                    .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                    .collect()
            }),
        })
    }

    /// Every match's groups, left to right, not overlapping.
    fn all(&self, s: &str) -> Result<Vec<Groups>> {
        match self {
            Pattern::Linear(re) => Ok(re
                .captures_iter(s)
                .map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect())
                .collect()),
            Pattern::Backtracking(re) => {
                let mut out = Vec::new();
                for c in re.captures_iter(s) {
                    let c = c.map_err(too_complex)?;
                    out.push(
                        (0..c.len())
                            .map(|i| c.get(i).map(|m| (m.start(), m.end())))
                            .collect(),
                    );
                }
                Ok(out)
            }
        }
    }

    /// Every match's span, left to right, not overlapping (no groups:
    /// the cheaper search where only the matches count).
    fn spans(&self, s: &str) -> Result<Vec<(usize, usize)>> {
        match self {
            Pattern::Linear(re) => Ok(re.find_iter(s).map(|m| (m.start(), m.end())).collect()),
            Pattern::Backtracking(re) => re
                .find_iter(s)
                .map(|m| m.map(|m| (m.start(), m.end())).map_err(too_complex))
                .collect(),
        }
    }

    /// `s` with its first (or every) match replaced by `replacement`, in
    /// regexp_replace's spelling: `\1`..`\9` a group, `\&` the match,
    /// `\\` a backslash.
    fn replace(&self, s: &str, replacement: &str, global: bool) -> Result<String> {
        let found = if global {
            self.all(s)?
        } else {
            self.first(s)?.into_iter().collect()
        };
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for g in &found {
            let Some((start, end)) = g[0] else { continue };
            out.push_str(&s[at..start]);
            expand(s, g, replacement, &mut out);
            at = end;
        }
        out.push_str(&s[at..]);
        Ok(out)
    }
}

/// Appends `replacement` with its group references filled from `g`.
fn expand(s: &str, g: &Groups, replacement: &str, out: &mut String) {
    let group = |i: usize, out: &mut String| {
        if let Some(Some((a, b))) = g.get(i) {
            out.push_str(&s[*a..*b]);
        }
    };
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(d @ '1'..='9') => {
                chars.next();
                group(d as usize - '0' as usize, out);
            }
            Some('&') => {
                chars.next();
                group(0, out);
            }
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            _ => out.push('\\'),
        }
    }
}

/// The text of a group, NULL if it took no part.
fn group_text(s: &str, g: &Groups, i: usize) -> Value {
    match g.get(i) {
        Some(Some((a, b))) => Value::Text(s[*a..*b].to_owned()),
        _ => Value::Null,
    }
}

/// The compiled pattern, from the cache when seen before.
fn compile(pattern: &str, case_insensitive: bool) -> Result<Arc<Pattern>> {
    if let Some(hit) = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|(p, i, _)| p == pattern && *i == case_insensitive)
            .map(|(_, _, r)| r.clone())
    }) {
        return Ok(hit);
    }
    let (translated, backrefs) = translate(pattern)?;
    let linear = if backrefs {
        None
    } else {
        match RegexBuilder::new(&translated)
            .case_insensitive(case_insensitive)
            .size_limit(1 << 24)
            .build()
        {
            Ok(re) => Some(re),
            Err(regex::Error::Syntax(s)) if s.contains("look-around") => None,
            Err(regex::Error::Syntax(s)) => {
                return Err(invalid(
                    s.lines().last().unwrap_or("syntax error").trim().to_owned(),
                ))
            }
            Err(regex::Error::CompiledTooBig(_)) => {
                return Err(invalid("regular expression is too complex"))
            }
            Err(_) => return Err(invalid("syntax error")),
        }
    };
    let re = match linear {
        Some(re) => Pattern::Linear(re),
        None => Pattern::Backtracking(
            fancy_regex::RegexBuilder::new(&translated)
                .case_insensitive(case_insensitive)
                .backtrack_limit(BACKTRACK_LIMIT)
                .build()
                .map_err(too_complex)?,
        ),
    };
    let re = Arc::new(re);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            c.remove(0);
        }
        c.push((pattern.to_owned(), case_insensitive, re.clone()));
    });
    Ok(re)
}

/// The flags argument: (case-insensitive, global).
fn flags(a: &[Value], at: usize, global_ok: bool, fname: &str) -> Result<(bool, bool)> {
    let Some(Value::Text(f)) = a.get(at) else {
        return Ok((false, false));
    };
    let (mut icase, mut global) = (false, false);
    for c in f.chars() {
        match c {
            'i' => icase = true,
            'c' => icase = false,
            'g' if global_ok => global = true,
            'g' => {
                let e = SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("{fname}() does not support the \"global\" option"),
                );
                // Only regexp_match has a sibling to point at.
                return Err(if fname == "regexp_match" {
                    e.with_hint("Use the regexp_matches function instead.")
                } else {
                    e
                });
            }
            'n' | 'p' | 'w' | 's' | 't' | 'x' | 'e' | 'q' | 'b' => {}
            other => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("invalid regular expression option: \"{other}\""),
                ))
            }
        }
    }
    Ok((icase, global))
}

/// substring(text, pattern): the part matching the pattern's first
/// parenthesized subexpression, or the whole match without one; NULL
/// when nothing matches (textregexsubstr).
fn regex_substring(s: &str, pattern: &str) -> Result<Value> {
    let re = compile(pattern, false)?;
    let Some(g) = re.first(s)? else {
        return Ok(Value::Null);
    };
    Ok(group_text(s, &g, usize::from(re.captures_len() > 1)))
}

fn is_match(a: &[Value], icase: bool, negate: bool) -> Result<Value> {
    let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
    Ok(Value::Bool(compile(&p, icase)?.is_match(&s)? != negate))
}

fn regexp_replace(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p, r) = (arg!(a, 0, Text), arg!(a, 1, Text), arg!(a, 2, Text));
    let (icase, global) = flags(a, 3, true, "regexp_replace")?;
    let re = compile(&p, icase)?;
    Ok(Value::Text(re.replace(&s, &r, global)?))
}

/// A match as regexp_match returns it: its parenthesized groups (NULL
/// for one that took no part), or the whole match when there are none.
fn groups(s: &str, g: &Groups) -> Value {
    let items: Vec<Value> = if g.len() == 1 {
        vec![group_text(s, g, 0)]
    } else {
        (1..g.len()).map(|i| group_text(s, g, i)).collect()
    };
    Value::Array(ArrayRef::new(items))
}

fn regexp_match(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
    let (icase, _) = flags(a, 2, false, "regexp_match")?;
    let re = compile(&p, icase)?;
    Ok(re.first(&s)?.map_or(Value::Null, |g| groups(&s, &g)))
}

fn regexp_split_to_array(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
    let (icase, _) = flags(a, 2, false, "regexp_split_to_array")?;
    let re = compile(&p, icase)?;
    Ok(Value::Array(ArrayRef::new(
        split(&re, &s)?.into_iter().map(Value::Text).collect(),
    )))
}

/// Splits as PostgreSQL does: an empty match splits between characters,
/// but never at the very start or end.
pub(crate) fn split(re: &Pattern, s: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (m_start, m_end) in re.spans(s)? {
        if m_start == m_end && (m_start == 0 || m_start >= s.len()) {
            continue;
        }
        if m_start == m_end && m_start == start && start != 0 {
            continue;
        }
        out.push(s[start..m_start].to_owned());
        start = m_end;
    }
    out.push(s[start..].to_owned());
    Ok(out)
}

/// regexp_matches(text, pattern [, flags]) as an array of its rows (each
/// a text[] of the groups): one match, or every match with 'g'.
static MATCHES: FuncDef = f(
    "regexp_matches",
    &[Text, Text, Text],
    Array(&Array(&Text)),
    |a, _| {
        let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
        let (icase, global) = flags(a, 2, true, "regexp_matches")?;
        let re = compile(&p, icase)?;
        let found = if global {
            re.all(&s)?
        } else {
            re.first(&s)?.into_iter().collect()
        };
        let rows: Vec<Value> = found.iter().map(|g| groups(&s, g)).collect();
        Ok(Value::Array(ArrayRef::new(rows)))
    },
);

/// regexp_matches' rows as an array to unnest; `flags` is '' when not
/// given.
pub fn matches_of(args: Vec<crate::expr::Expr>) -> crate::expr::Expr {
    crate::expr::Expr {
        kind: crate::expr::ExprKind::Call {
            def: &MATCHES,
            args,
        },
        ty: Array(&Array(&Text)),
        typmod: -1,
        pos: None,
    }
}

/// similar_to_escape: a SIMILAR TO pattern as the regular expression it
/// means (PostgreSQL's similar_escape_internal): anchored, `%` and `_`
/// as `.*` and `.`, groups non-capturing, `.` `^` `$` literal, the
/// escape character (default `\`) quoting the next one.
fn similar_to_escape(pattern: &str, escape: Option<&str>) -> Result<String> {
    let escape = match escape {
        None => Some('\\'),
        Some("") => None,
        Some(e) if e.chars().count() == 1 => e.chars().next(),
        Some(_) => {
            return Err(
                SqlError::new(SqlState::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                    .with_hint("Escape string must be empty or one character."),
            )
        }
    };
    let mut out = String::with_capacity(pattern.len() + 8);
    out.push_str("^(?:");
    let (mut after_escape, mut in_class) = (false, false);
    let mut class_start = 0usize;
    let mut quotes = 0;
    // With separators, the part before the first one matches as little
    // as it can (PostgreSQL's regex engine takes the `{1,1}?` of that
    // part as its preference; quantifiers inside follow it).
    let separated = escape.is_some_and(|e| {
        let mut it = pattern.chars().peekable();
        let mut found = false;
        while let Some(ch) = it.next() {
            if ch == e {
                if it.peek() == Some(&'"') {
                    found = true;
                }
                it.next();
            }
        }
        found
    });
    for (i, c) in pattern.chars().enumerate() {
        let lazy = separated && quotes == 0;
        if after_escape && c == '"' && !in_class {
            // The escape-double-quote separators around the part
            // SUBSTRING returns (PostgreSQL's similar_escape_internal).
            match quotes {
                0 => out.push_str("){1,1}?("),
                1 => out.push_str("){1,1}(?:"),
                _ => {
                    return Err(SqlError::new(
                        SqlState::INVALID_USE_OF_ESCAPE_CHARACTER,
                        "SQL regular expression may not contain more than two escape-double-quote separators",
                    ))
                }
            }
            quotes += 1;
            after_escape = false;
        } else if after_escape {
            out.push('\\');
            out.push(c);
            after_escape = false;
        } else if Some(c) == escape {
            after_escape = true;
        } else if in_class {
            if c == '\\' {
                out.push('\\');
            }
            out.push(c);
            // `]` right after `[` or `[^` is a member, not the end.
            if c == ']' && i > class_start {
                in_class = false;
            } else if c == '^' && i == class_start {
                class_start += 1;
            }
        } else {
            match c {
                '[' => {
                    in_class = true;
                    class_start = i + 1;
                    out.push('[');
                }
                '%' if lazy => out.push_str(".*?"),
                '%' => out.push_str(".*"),
                '*' | '+' | '?' | '}' if lazy => {
                    out.push(c);
                    out.push('?');
                }
                '_' => out.push('.'),
                '(' => out.push_str("(?:"),
                '\\' | '.' | '^' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                other => out.push(other),
            }
        }
    }
    if after_escape {
        return Err(
            SqlError::new(SqlState::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                .with_hint("Escape string must be empty or one character."),
        );
    }
    out.push_str(")$");
    Ok(out)
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    f("similar_to_escape", &[Text], Text, |a, _| {
        Ok(Value::Text(similar_to_escape(&arg!(a, 0, Text), None)?))
    }),
    f("similar_to_escape", &[Text, Text], Text, |a, _| {
        Ok(Value::Text(similar_to_escape(
            &arg!(a, 0, Text),
            Some(&arg!(a, 1, Text)),
        )?))
    }),
    f("substring", &[Text, Text], Text, |a, _| {
        regex_substring(&arg!(a, 0, Text), &arg!(a, 1, Text))
    }),
    f("substring", &[Text, Text, Text], Text, |a, _| {
        let pattern = similar_to_escape(&arg!(a, 1, Text), Some(&arg!(a, 2, Text)))?;
        regex_substring(&arg!(a, 0, Text), &pattern)
    }),
    f("~", &[Text, Text], Bool, |a, _| is_match(a, false, false)),
    f("~*", &[Text, Text], Bool, |a, _| is_match(a, true, false)),
    f("!~", &[Text, Text], Bool, |a, _| is_match(a, false, true)),
    f("!~*", &[Text, Text], Bool, |a, _| is_match(a, true, true)),
    f("textregexeq", &[Text, Text], Bool, |a, _| {
        is_match(a, false, false)
    }),
    f("regexp_replace", &[Text, Text, Text], Text, regexp_replace),
    f(
        "regexp_replace",
        &[Text, Text, Text, Text],
        Text,
        regexp_replace,
    ),
    f("regexp_match", &[Text, Text], Array(&Text), regexp_match),
    f(
        "regexp_match",
        &[Text, Text, Text],
        Array(&Text),
        regexp_match,
    ),
    f(
        "regexp_split_to_array",
        &[Text, Text],
        Array(&Text),
        regexp_split_to_array,
    ),
    f(
        "regexp_split_to_array",
        &[Text, Text, Text],
        Array(&Text),
        regexp_split_to_array,
    ),
    f("regexp_like", &[Text, Text], Bool, |a, _| {
        is_match(a, false, false)
    }),
    f("regexp_like", &[Text, Text, Text], Bool, |a, _| {
        let (icase, _) = flags(a, 2, false, "regexp_like")?;
        is_match(a, icase, false)
    }),
    f("regexp_count", &[Text, Text], Int4, regexp_count),
    f("regexp_count", &[Text, Text, Int4], Int4, regexp_count),
    f(
        "regexp_count",
        &[Text, Text, Int4, Text],
        Int4,
        regexp_count,
    ),
    f("regexp_instr", &[Text, Text], Int4, regexp_instr),
    f("regexp_instr", &[Text, Text, Int4], Int4, regexp_instr),
    f(
        "regexp_instr",
        &[Text, Text, Int4, Int4],
        Int4,
        regexp_instr,
    ),
    f(
        "regexp_instr",
        &[Text, Text, Int4, Int4, Int4],
        Int4,
        regexp_instr,
    ),
    f(
        "regexp_instr",
        &[Text, Text, Int4, Int4, Int4, Text],
        Int4,
        regexp_instr,
    ),
    f(
        "regexp_instr",
        &[Text, Text, Int4, Int4, Int4, Text, Int4],
        Int4,
        regexp_instr,
    ),
    f("regexp_substr", &[Text, Text], Text, regexp_substr),
    f("regexp_substr", &[Text, Text, Int4], Text, regexp_substr),
    f(
        "regexp_substr",
        &[Text, Text, Int4, Int4],
        Text,
        regexp_substr,
    ),
    f(
        "regexp_substr",
        &[Text, Text, Int4, Int4, Text],
        Text,
        regexp_substr,
    ),
    f(
        "regexp_substr",
        &[Text, Text, Int4, Int4, Text, Int4],
        Text,
        regexp_substr,
    ),
    f(
        "regexp_replace",
        &[Text, Text, Text, Int4],
        Text,
        regexp_replace_from,
    ),
    f(
        "regexp_replace",
        &[Text, Text, Text, Int4, Int4],
        Text,
        regexp_replace_from,
    ),
    f(
        "regexp_replace",
        &[Text, Text, Text, Int4, Int4, Text],
        Text,
        regexp_replace_from,
    ),
];

/// 22023 `invalid value for parameter "name": v`.
fn bad_parameter(name: &str, v: i32) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("invalid value for parameter \"{name}\": {v}"),
    )
}

/// An optional int4 argument, checked to be at least `min`.
fn int_arg(a: &[Value], at: usize, default: i32, name: &str, min: i32) -> Result<i32> {
    let v = match a.get(at) {
        Some(Value::Int4(v)) => *v,
        _ => default,
    };
    if v < min {
        return Err(bad_parameter(name, v));
    }
    Ok(v)
}

/// The byte offset of character `start` (1-based), None past the end.
fn byte_at(s: &str, start: i32) -> Option<usize> {
    let skip = (start - 1) as usize;
    if skip == 0 {
        return Some(0);
    }
    s.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.len()))
        .nth(skip)
}

/// 1-based character position of byte offset `b`.
fn char_pos(s: &str, b: usize) -> i32 {
    s[..b].chars().count() as i32 + 1
}

fn regexp_count(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
    let start = int_arg(a, 2, 1, "start", 1)?;
    let (icase, _) = flags(a, 3, false, "regexp_count")?;
    let re = compile(&p, icase)?;
    let Some(from) = byte_at(&s, start) else {
        return Ok(Value::Int4(0));
    };
    Ok(Value::Int4(re.spans(&s[from..])?.len() as i32))
}

fn regexp_instr(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
    let start = int_arg(a, 2, 1, "start", 1)?;
    let n = int_arg(a, 3, 1, "n", 1)?;
    let endoption = int_arg(a, 4, 0, "endoption", 0)?;
    if endoption > 1 {
        return Err(bad_parameter("endoption", endoption));
    }
    let (icase, _) = flags(a, 5, false, "regexp_instr")?;
    let subexpr = int_arg(a, 6, 0, "subexpr", 0)?;
    let re = compile(&p, icase)?;
    let Some(from) = byte_at(&s, start) else {
        return Ok(Value::Int4(0));
    };
    let Some(g) = re.all(&s[from..])?.into_iter().nth((n - 1) as usize) else {
        return Ok(Value::Int4(0));
    };
    let Some(Some((m_start, m_end))) = g.get(subexpr as usize).copied() else {
        return Ok(Value::Int4(0));
    };
    let at = if endoption == 1 { m_end } else { m_start };
    Ok(Value::Int4(char_pos(&s, from + at)))
}

fn regexp_substr(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p) = (arg!(a, 0, Text), arg!(a, 1, Text));
    let start = int_arg(a, 2, 1, "start", 1)?;
    let n = int_arg(a, 3, 1, "n", 1)?;
    let (icase, _) = flags(a, 4, false, "regexp_substr")?;
    let subexpr = int_arg(a, 5, 0, "subexpr", 0)?;
    let re = compile(&p, icase)?;
    let Some(from) = byte_at(&s, start) else {
        return Ok(Value::Null);
    };
    let tail = &s[from..];
    Ok(match re.all(tail)?.into_iter().nth((n - 1) as usize) {
        Some(g) => group_text(tail, &g, subexpr as usize),
        None => Value::Null,
    })
}

/// regexp_replace(source, pattern, replacement, start [, N [, flags]]):
/// the N-th match at or after `start` (every one for N = 0 or flag g).
fn regexp_replace_from(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (s, p, r) = (arg!(a, 0, Text), arg!(a, 1, Text), arg!(a, 2, Text));
    let start = int_arg(a, 3, 1, "start", 1)?;
    let n = int_arg(a, 4, 1, "n", 0)?;
    let (icase, global) = flags(a, 5, true, "regexp_replace")?;
    let re = compile(&p, icase)?;
    let Some(from) = byte_at(&s, start) else {
        return Ok(Value::Text(s));
    };
    let (head, tail) = s.split_at(from);
    let mut out = head.to_owned();
    if global || n == 0 {
        out.push_str(&re.replace(tail, &r, true)?);
        return Ok(Value::Text(out));
    }
    let Some(g) = re.all(tail)?.into_iter().nth((n - 1) as usize) else {
        return Ok(Value::Text(s.clone()));
    };
    let Some((m_start, m_end)) = g[0] else {
        return Ok(Value::Text(s.clone()));
    };
    out.push_str(&tail[..m_start]);
    expand(tail, &g, &r, &mut out);
    out.push_str(&tail[m_end..]);
    Ok(Value::Text(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_references() {
        let re = compile(r"(b+)", false).unwrap();
        assert_eq!(re.replace("abbc", r"<\1>", false).unwrap(), "a<bb>c");
        assert_eq!(re.replace("abbcb", r"\&!", true).unwrap(), "abb!cb!");
        assert_eq!(re.replace("abc", "$5", false).unwrap(), "a$5c");
        assert_eq!(re.replace("abc", r"\\", false).unwrap(), r"a\c");
    }

    #[test]
    fn split_like_postgres() {
        let re = compile(r"\s+", false).unwrap();
        assert_eq!(
            split(&re, "the quick  fox").unwrap(),
            ["the", "quick", "fox"]
        );
        let empty = compile("", false).unwrap();
        assert_eq!(split(&empty, "abc").unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn back_references_and_lookaround_use_the_backtracking_engine() {
        let re = compile(r"(a)\1", false).unwrap();
        assert!(matches!(*re, Pattern::Backtracking(_)));
        assert!(re.is_match("xaax").unwrap());
        assert!(!re.is_match("xax").unwrap());
        let ahead = compile(r"a(?=b)", false).unwrap();
        assert!(ahead.is_match("ab").unwrap() && !ahead.is_match("ac").unwrap());
        assert!(matches!(*compile("a+", false).unwrap(), Pattern::Linear(_)));
    }

    #[test]
    fn a_runaway_pattern_is_refused_not_run_forever() {
        let re = compile(r"(a*)*\1b", false).unwrap();
        let err = re.is_match(&"a".repeat(64)).unwrap_err();
        assert_eq!(err.code(), SqlState::INVALID_REGULAR_EXPRESSION);
    }
}
