//! Window frame clauses in the forms sqlparser does not read.
//!
//! - `EXCLUDE {CURRENT ROW | GROUP | TIES | NO OTHERS}` after the frame
//!   extent: sqlparser has no place for it, so it becomes a marked last
//!   ORDER BY item of the window (`"\0exclude group"`), which the binder
//!   takes out again before it reads the window ([`take_exclusion`]).
//!   NO OTHERS, the default, is dropped.
//! - An offset that starts with a string literal (`'1 day'::interval
//!   PRECEDING`, `'inf' FOLLOWING`): sqlparser reads such a literal as an
//!   INTERVAL literal and then stops at the cast, or types it interval
//!   where PostgreSQL leaves it unknown for the ORDER BY column's type. It
//!   is put in parentheses, which sqlparser reads as an expression.

use sqlparser::ast::{self, Expr, Ident};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::locking::is_kw;

/// Starts the name of the ORDER BY item an EXCLUDE clause becomes.
const EXCLUDE_MARK: &str = "\0exclude ";

/// A window frame's EXCLUDE clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Exclusion {
    /// EXCLUDE NO OTHERS (or none).
    #[default]
    NoOthers,
    /// EXCLUDE CURRENT ROW.
    CurrentRow,
    /// EXCLUDE GROUP: the current row and its peers.
    Group,
    /// EXCLUDE TIES: the current row's peers, not itself.
    Ties,
}

/// Takes the EXCLUDE mark out of a window's ORDER BY list.
pub fn take_exclusion(order_by: &mut Vec<ast::OrderByExpr>) -> Exclusion {
    let marked = match order_by.last().map(|o| &o.expr) {
        Some(Expr::Identifier(Ident { value, .. })) => value.strip_prefix(EXCLUDE_MARK),
        _ => None,
    };
    let found = match marked {
        Some("current row") => Exclusion::CurrentRow,
        Some("group") => Exclusion::Group,
        Some("ties") => Exclusion::Ties,
        _ => return Exclusion::NoOthers,
    };
    order_by.pop();
    found
}

/// The innermost parenthesis still open before position `before`.
pub(super) fn enclosing_open(t: &[TokenWithSpan], before: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut k = before;
    while k > 0 {
        k -= 1;
        match t[k].token {
            Token::RParen => depth += 1,
            Token::LParen if depth == 0 => return Some(k),
            Token::LParen => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The next token at or after `from` that is not whitespace.
pub(super) fn next(t: &[TokenWithSpan], from: usize) -> Option<usize> {
    (from..t.len()).find(|&k| !matches!(t[k].token, Token::Whitespace(_)))
}

/// Whether `t` is the unquoted word `w` (for words sqlparser has no
/// keyword for).
pub(super) fn is_word(t: &TokenWithSpan, w: &str) -> bool {
    matches!(&t.token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
}

fn is_units(t: &TokenWithSpan) -> bool {
    is_kw(t, Keyword::ROWS) || is_kw(t, Keyword::RANGE) || is_kw(t, Keyword::GROUPS)
}

/// Rewrites every EXCLUDE clause and string-led offset (see the module
/// documentation).
pub(super) fn rewrite(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let has_units = tokens.iter().any(is_units);
    if !has_units {
        return tokens;
    }
    let tokens = string_offsets(tokens);
    exclusions(tokens)
}

fn exclusions(mut t: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut i = 0;
    while i < t.len() {
        if !is_kw(&t[i], Keyword::EXCLUDE) {
            i += 1;
            continue;
        }
        // The clause's words, then the window's closing parenthesis.
        let Some(a) = next(&t, i + 1) else { break };
        let (what, last) = if is_kw(&t[a], Keyword::CURRENT) {
            match next(&t, a + 1).filter(|&b| is_kw(&t[b], Keyword::ROW)) {
                Some(b) => (Some("current row"), b),
                None => {
                    i += 1;
                    continue;
                }
            }
        } else if is_kw(&t[a], Keyword::GROUP) {
            (Some("group"), a)
        } else if is_word(&t[a], "ties") {
            (Some("ties"), a)
        } else if is_kw(&t[a], Keyword::NO) {
            match next(&t, a + 1).filter(|&b| is_word(&t[b], "others")) {
                Some(b) => (None, b),
                None => {
                    i += 1;
                    continue;
                }
            }
        } else {
            i += 1;
            continue;
        };
        if next(&t, last + 1).is_none_or(|c| t[c].token != Token::RParen) {
            i += 1;
            continue;
        }
        // The window's opening parenthesis, its frame units and whether
        // it has an ORDER BY, all at its own depth.
        let Some(open) = enclosing_open(&t, i) else {
            i += 1;
            continue;
        };
        let mut units = None;
        let mut ordered = false;
        let mut depth = 0usize;
        for k in open + 1..i {
            match t[k].token {
                Token::LParen => depth += 1,
                Token::RParen => depth = depth.saturating_sub(1),
                _ if depth > 0 => {}
                _ if units.is_none() && is_units(&t[k]) => units = Some(k),
                _ if units.is_none()
                    && is_kw(&t[k], Keyword::ORDER)
                    && next(&t, k + 1).is_some_and(|b| is_kw(&t[b], Keyword::BY)) =>
                {
                    ordered = true
                }
                _ => {}
            }
        }
        let Some(units) = units else {
            i += 1;
            continue;
        };
        let span = t[i].span;
        t.drain(i..=last);
        if let Some(what) = what {
            let mark = Token::make_word(&format!("{EXCLUDE_MARK}{what}"), Some('"'));
            let space = Token::Whitespace(sqlparser::tokenizer::Whitespace::Space);
            let added: Vec<Token> = if ordered {
                vec![Token::Comma, space.clone(), mark, space]
            } else {
                vec![
                    Token::make_keyword("ORDER"),
                    space.clone(),
                    Token::make_keyword("BY"),
                    space.clone(),
                    mark,
                    space,
                ]
            };
            let n = added.len();
            t.splice(
                units..units,
                added.into_iter().map(|x| TokenWithSpan::new(x, span)),
            );
            i += n;
        }
    }
    t
}

/// Puts a frame offset that starts with a string literal in parentheses.
fn string_offsets(mut t: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut i = 0;
    while i < t.len() {
        if !matches!(t[i].token, Token::SingleQuotedString(_)) {
            i += 1;
            continue;
        }
        let prev = (0..i)
            .rev()
            .find(|&k| !matches!(t[k].token, Token::Whitespace(_)));
        let after_bound_start = prev.is_some_and(|p| {
            is_units(&t[p]) || is_kw(&t[p], Keyword::BETWEEN) || is_kw(&t[p], Keyword::AND)
        });
        if !after_bound_start {
            i += 1;
            continue;
        }
        // The PRECEDING or FOLLOWING that ends the offset, at its depth.
        let mut depth = 0usize;
        let mut end = None;
        for (k, tok) in t.iter().enumerate().skip(i + 1) {
            match &tok.token {
                Token::Whitespace(_) => {}
                Token::LParen => depth += 1,
                Token::RParen if depth == 0 => break,
                Token::RParen => depth -= 1,
                _ if depth > 0 => {}
                Token::Comma | Token::SemiColon => break,
                _ if is_kw(tok, Keyword::PRECEDING) || is_kw(tok, Keyword::FOLLOWING) => {
                    end = Some(k);
                    break;
                }
                _ if is_kw(tok, Keyword::AND)
                    || is_kw(tok, Keyword::OR)
                    || is_kw(tok, Keyword::BETWEEN) =>
                {
                    break
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            i += 1;
            continue;
        };
        let span = t[i].span;
        t.insert(end, TokenWithSpan::new(Token::RParen, span));
        t.insert(i, TokenWithSpan::new(Token::LParen, span));
        i = end + 2;
    }
    t
}
