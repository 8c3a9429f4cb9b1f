//! `CREATE VIEW ... AS query WITH [CASCADED | LOCAL] CHECK OPTION`, which
//! sqlparser does not read: the clause is cut from the end of the
//! statement and given as the view option PostgreSQL stores for it,
//! `WITH (check_option = 'cascaded')` before AS.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use super::frame::is_word;
use super::locking::is_kw;
use super::merge::statement_end;

/// Rewrites each CREATE VIEW that ends in a CHECK OPTION clause.
pub(super) fn rewrite(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    if !tokens.iter().any(|t| is_word(t, "option")) {
        return tokens;
    }
    let mut out = tokens;
    let mut start = 0;
    while start < out.len() {
        let end = statement_end(&out, start);
        if let Some(rewritten) = one(&out[start..end]) {
            let len = rewritten.len();
            out.splice(start..end, rewritten);
            start += len + 1;
        } else {
            start = end + 1;
        }
    }
    out
}

/// The statement's tokens with the clause moved, if it is a CREATE VIEW
/// ending in one.
fn one(t: &[TokenWithSpan]) -> Option<Vec<TokenWithSpan>> {
    let words: Vec<usize> = (0..t.len())
        .filter(|&k| !matches!(t[k].token, Token::Whitespace(_)))
        .collect();
    let first = *words.first()?;
    if !is_kw(&t[first], Keyword::CREATE) {
        return None;
    }
    let view = words
        .iter()
        .copied()
        .take(6)
        .find(|&k| is_kw(&t[k], Keyword::VIEW))?;
    let n = words.len();
    if n < 4 || !is_word(&t[words[n - 1]], "option") || !is_kw(&t[words[n - 2]], Keyword::CHECK) {
        return None;
    }
    let (with, kind) = if is_kw(&t[words[n - 3]], Keyword::WITH) {
        (n - 3, "cascaded")
    } else if n >= 5 && is_kw(&t[words[n - 4]], Keyword::WITH) {
        let k = &t[words[n - 3]];
        let kind = if is_word(k, "cascaded") {
            "cascaded"
        } else if is_word(k, "local") {
            "local"
        } else {
            return None;
        };
        (n - 4, kind)
    } else {
        return None;
    };
    // The AS that starts the query: the first at depth 0 after VIEW.
    let mut depth = 0i32;
    let mut as_at = None;
    for (k, tok) in t.iter().enumerate().take(words[with]).skip(view + 1) {
        match tok.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && is_kw(tok, Keyword::AS) => {
                as_at = Some(k);
                break;
            }
            _ => {}
        }
    }
    let as_at = as_at?;
    let span = t[as_at].span;
    let tok = |token: Token| TokenWithSpan::new(token, span);
    let space = || tok(Token::Whitespace(Whitespace::Space));
    let mut out: Vec<TokenWithSpan> = t[..as_at].to_vec();
    out.extend([
        tok(Token::make_keyword("WITH")),
        space(),
        tok(Token::LParen),
        tok(Token::make_word("check_option", None)),
        space(),
        tok(Token::Eq),
        space(),
        tok(Token::SingleQuotedString(kind.into())),
        tok(Token::RParen),
        space(),
    ]);
    out.extend_from_slice(&t[as_at..words[with]]);
    Some(out)
}
