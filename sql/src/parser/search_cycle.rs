//! The SEARCH and CYCLE clauses of a recursive CTE, which sqlparser does
//! not read:
//!
//! ```text
//! name [(columns)] AS (query)
//!     [SEARCH {DEPTH | BREADTH} FIRST BY column, ... SET seq_column]
//!     [CYCLE column, ... SET mark_column [TO value DEFAULT value] USING path_column]
//! ```
//!
//! Each clause is cut out of the tokens and becomes a marked extra name in
//! the CTE's column list (`"\0search\x01depth\x01seq\x01a\x01b"`), which the
//! binder takes out again and expands into the CTE's query as PostgreSQL's
//! rewriteSearchAndCycle does (`binder/search_cycle.rs`).

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use super::frame::{enclosing_open, is_word, next};
use super::locking::is_kw;

/// Starts a SEARCH clause's mark.
pub const SEARCH_MARK: &str = "\0search";
/// Starts a CYCLE clause's mark.
pub const CYCLE_MARK: &str = "\0cycle";
/// Separates a mark's parts.
pub const SEP: char = '\x01';

/// An identifier token as a name: folded unless quoted.
fn name(t: &TokenWithSpan) -> Option<String> {
    match &t.token {
        Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
        Token::Word(w) => Some(w.value.to_lowercase()),
        _ => None,
    }
}

/// `a, b, c` from `at`: the names and the position after them.
fn names(t: &[TokenWithSpan], mut at: usize) -> Option<(Vec<String>, usize)> {
    let mut out = Vec::new();
    loop {
        let k = next(t, at)?;
        out.push(name(&t[k])?);
        at = k + 1;
        match next(t, at) {
            Some(c) if t[c].token == Token::Comma => at = c + 1,
            _ => return Some((out, at)),
        }
    }
}

/// The SEARCH clause at `at` (its first word): its mark and the position
/// after it.
fn search(t: &[TokenWithSpan], at: usize) -> Option<(String, usize)> {
    let order = next(t, at + 1)?;
    let breadth = if is_word(&t[order], "depth") {
        false
    } else if is_word(&t[order], "breadth") {
        true
    } else {
        return None;
    };
    let first = next(t, order + 1).filter(|&k| is_kw(&t[k], Keyword::FIRST))?;
    let by = next(t, first + 1).filter(|&k| is_kw(&t[k], Keyword::BY))?;
    let (columns, after) = names(t, by + 1)?;
    let set = next(t, after).filter(|&k| is_kw(&t[k], Keyword::SET))?;
    let seq = next(t, set + 1)?;
    let mut mark = format!(
        "{SEARCH_MARK}{SEP}{}{SEP}{}",
        if breadth { "breadth" } else { "depth" },
        name(&t[seq])?
    );
    for c in columns {
        mark.push(SEP);
        mark.push_str(&c);
    }
    Some((mark, seq + 1))
}

/// A value of TO or DEFAULT: the tokens up to the next keyword of the
/// clause, as text.
fn value(t: &[TokenWithSpan], at: usize, stop: &[Keyword]) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut k = at;
    while k < t.len() {
        if stop.iter().any(|&s| is_kw(&t[k], s)) {
            break;
        }
        text.push_str(&t[k].token.to_string());
        k += 1;
    }
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some((text, k))
}

/// The CYCLE clause at `at`: its mark and the position after it.
fn cycle(t: &[TokenWithSpan], at: usize) -> Option<(String, usize)> {
    let (columns, after) = names(t, at + 1)?;
    let set = next(t, after).filter(|&k| is_kw(&t[k], Keyword::SET))?;
    let mark_at = next(t, set + 1)?;
    let mark_column = name(&t[mark_at])?;
    let mut k = next(t, mark_at + 1)?;
    let (mut to, mut default) = ("true".to_owned(), "false".to_owned());
    if is_kw(&t[k], Keyword::TO) {
        let (v, after) = value(t, k + 1, &[Keyword::DEFAULT])?;
        to = v;
        let d = next(t, after).filter(|&d| is_kw(&t[d], Keyword::DEFAULT))?;
        let (v, after) = value(t, d + 1, &[Keyword::USING])?;
        default = v;
        k = next(t, after)?;
    }
    if !is_kw(&t[k], Keyword::USING) {
        return None;
    }
    let path = next(t, k + 1)?;
    let mut mark = format!(
        "{CYCLE_MARK}{SEP}{mark_column}{SEP}{}{SEP}{to}{SEP}{default}",
        name(&t[path])?
    );
    for c in columns {
        mark.push(SEP);
        mark.push_str(&c);
    }
    Some((mark, path + 1))
}

/// Cuts every SEARCH / CYCLE clause after a CTE's parenthesized query and
/// puts its mark at the end of the CTE's column list.
pub(super) fn rewrite(mut t: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    if !t
        .iter()
        .any(|x| is_word(x, "search") || is_kw(x, Keyword::CYCLE))
    {
        return t;
    }
    let mut i = 0;
    while i < t.len() {
        if t[i].token != Token::RParen {
            i += 1;
            continue;
        }
        let mut marks = Vec::new();
        let mut end = i + 1;
        while let Some(k) = next(&t, end) {
            let found = if is_word(&t[k], "search") {
                search(&t, k)
            } else if is_kw(&t[k], Keyword::CYCLE) {
                cycle(&t, k)
            } else {
                None
            };
            let Some((mark, after)) = found else { break };
            marks.push(mark);
            end = after;
        }
        if marks.is_empty() {
            i += 1;
            continue;
        }
        // The CTE: `name [(columns)] AS [[NOT] MATERIALIZED] (` before
        // the query's opening parenthesis.
        let Some(open) = enclosing_open(&t, i) else {
            i += 1;
            continue;
        };
        let prev = |from: usize| {
            (0..from)
                .rev()
                .find(|&p| !matches!(t[p].token, Token::Whitespace(_)))
        };
        let mut p = prev(open);
        if p.is_some_and(|p| is_word(&t[p], "materialized")) {
            p = p.and_then(prev);
            if p.is_some_and(|p| is_kw(&t[p], Keyword::NOT)) {
                p = p.and_then(prev);
            }
        }
        let Some(as_at) = p.filter(|&p| is_kw(&t[p], Keyword::AS)) else {
            i += 1;
            continue;
        };
        let Some(before_as) = prev(as_at) else {
            i += 1;
            continue;
        };
        let span = t[i].span;
        let space = || TokenWithSpan::new(Token::Whitespace(Whitespace::Space), span);
        let words: Vec<TokenWithSpan> = marks
            .iter()
            .flat_map(|m| {
                [
                    TokenWithSpan::new(Token::Comma, span),
                    space(),
                    TokenWithSpan::new(Token::make_word(m, Some('"')), span),
                ]
            })
            .collect();
        t.drain(i + 1..end);
        if t[before_as].token == Token::RParen {
            // Into the column list, after its last name.
            let n = words.len();
            t.splice(before_as..before_as, words);
            i += n + 1;
        } else {
            // A new column list of the marks alone.
            let mut list = vec![space(), TokenWithSpan::new(Token::LParen, span)];
            list.extend(words.into_iter().skip(2));
            list.push(TokenWithSpan::new(Token::RParen, span));
            let n = list.len();
            t.splice(before_as + 1..before_as + 1, list);
            i += n + 1;
        }
    }
    t
}
