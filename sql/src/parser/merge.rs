//! The parts of PostgreSQL's MERGE that sqlparser does not read:
//!
//! - a joined source, `USING a JOIN b ON ... ON condition`, is put in
//!   parentheses (a nested join sqlparser reads as one table factor);
//! - `WHEN NOT MATCHED THEN INSERT DEFAULT VALUES` becomes an INSERT of
//!   the marked column list `("\0default")` with `VALUES (DEFAULT)`,
//!   which the binder reads as a row of defaults.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::frame::next;
use super::locking::is_kw;

/// The column list of `INSERT DEFAULT VALUES`.
pub const DEFAULT_VALUES_MARK: &str = "\0default";

/// Rewrites every MERGE statement's joined source and DEFAULT VALUES
/// (see the module documentation).
pub(super) fn rewrite(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    if !tokens.iter().any(|t| is_kw(t, Keyword::MERGE)) {
        return tokens;
    }
    let mut out = tokens;
    let mut i = 0;
    while i < out.len() {
        if is_kw(&out[i], Keyword::MERGE) {
            out = one(out, i);
        }
        i += 1;
    }
    out
}

/// The statement's end: the first `;` at depth 0 from `from` (or the end).
pub(super) fn statement_end(t: &[TokenWithSpan], from: usize) -> usize {
    let mut depth = 0i32;
    for (k, tok) in t.iter().enumerate().skip(from) {
        match tok.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::SemiColon if depth <= 0 => return k,
            _ => {}
        }
    }
    t.len()
}

/// Top-level tokens of `t[from..to]` (outside parentheses).
fn top_level(t: &[TokenWithSpan], from: usize, to: usize) -> Vec<usize> {
    let mut depth = 0i32;
    let mut out = Vec::new();
    for (k, tok) in t.iter().enumerate().take(to).skip(from) {
        match tok.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 => out.push(k),
            _ => {}
        }
    }
    out
}

fn one(mut t: Vec<TokenWithSpan>, merge: usize) -> Vec<TokenWithSpan> {
    let end = statement_end(&t, merge);
    let top = top_level(&t, merge, end);
    let Some(&using) = top.iter().find(|&&k| is_kw(&t[k], Keyword::USING)) else {
        return t;
    };
    let when = top
        .iter()
        .copied()
        .find(|&k| k > using && is_kw(&t[k], Keyword::WHEN))
        .unwrap_or(end);
    let on = top
        .iter()
        .copied()
        .rev()
        .find(|&k| k > using && k < when && is_kw(&t[k], Keyword::ON));
    let joined = on.is_some_and(|on| {
        top.iter()
            .any(|&k| k > using && k < on && is_kw(&t[k], Keyword::JOIN))
    });
    // DEFAULT VALUES after INSERT, from the back so positions hold.
    let mut defaults: Vec<usize> = top
        .iter()
        .copied()
        .filter(|&k| k > when && is_kw(&t[k], Keyword::INSERT))
        .filter_map(|k| {
            let d = next(&t, k + 1)?;
            let v = next(&t, d + 1)?;
            (is_kw(&t[d], Keyword::DEFAULT) && is_kw(&t[v], Keyword::VALUES)).then_some(d)
        })
        .collect();
    defaults.reverse();
    for d in defaults {
        let span = t[d].span;
        let v = next(&t, d + 1).unwrap_or(d + 1);
        let tok = |token: Token| TokenWithSpan::new(token, span);
        let replacement = vec![
            tok(Token::LParen),
            tok(Token::make_word(DEFAULT_VALUES_MARK, Some('"'))),
            tok(Token::RParen),
            t[v].clone(),
            tok(Token::LParen),
            t[d].clone(),
            tok(Token::RParen),
        ];
        t.splice(d..=v, replacement);
    }
    if let (true, Some(on)) = (joined, on) {
        let open = TokenWithSpan::new(Token::LParen, t[using].span);
        let close = TokenWithSpan::new(Token::RParen, t[on].span);
        t.insert(on, close);
        t.insert(using + 1, open);
    }
    t
}
