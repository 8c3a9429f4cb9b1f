//! SELECT's locking clauses in the forms sqlparser does not read:
//! `FOR NO KEY UPDATE` and `FOR KEY SHARE` become `FOR UPDATE` and
//! `FOR SHARE` whose OF names start with a mark the binder reads back,
//! and `OF a, b` becomes one clause per name (PostgreSQL means the same).
//! UPDATE's and DELETE's `WHERE CURRENT OF cursor` becomes a call of a
//! marked function of the cursor's name.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// Marks a `FOR NO KEY UPDATE` clause (no SQL text can spell it).
pub const NO_KEY_MARK: &str = "\0nokey";
/// Marks a `FOR KEY SHARE` clause.
pub const KEY_SHARE_MARK: &str = "\0keyshare";
/// The function `WHERE CURRENT OF c` becomes: `"\0current_of"('c')`.
pub const CURRENT_OF_MARK: &str = "\0current_of";

/// `WHERE CURRENT OF name` as `WHERE "\0current_of"('name')`.
pub(super) fn current_of(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let next = |t: &[TokenWithSpan], from: usize| {
        (from..t.len()).find(|&k| !matches!(t[k].token, Token::Whitespace(_)))
    };
    let mut i = 0;
    while i < tokens.len() {
        if !is_kw(&tokens[i], Keyword::CURRENT) {
            i += 1;
            continue;
        }
        let Some(of) = next(&tokens, i + 1).filter(|&k| is_kw(&tokens[k], Keyword::OF)) else {
            i += 1;
            continue;
        };
        let Some(n) = next(&tokens, of + 1) else {
            break;
        };
        let Token::Word(w) = &tokens[n].token else {
            i += 1;
            continue;
        };
        // The name as an identifier reads it: folded unless quoted.
        let name = match w.quote_style {
            Some(_) => w.value.clone(),
            None => w.value.to_lowercase(),
        };
        let span = tokens[i].span;
        let call = [
            Token::make_word(CURRENT_OF_MARK, Some('"')),
            Token::LParen,
            Token::SingleQuotedString(name),
            Token::RParen,
        ]
        .map(|t| TokenWithSpan::new(t, span));
        tokens.splice(i..=n, call);
        i += 4;
    }
    tokens
}

/// Whether `t` is keyword `k`, unquoted.
pub(super) fn is_kw(t: &TokenWithSpan, k: Keyword) -> bool {
    matches!(&t.token, Token::Word(w) if w.keyword == k && w.quote_style.is_none())
}

/// The words of a dotted name (`s.t`) starting at `t[*j]` (whitespace
/// left out), `*j` moved past them; empty if there is no word there.
pub(super) fn dotted_name(t: &[TokenWithSpan], j: &mut usize) -> Vec<TokenWithSpan> {
    let mut name: Vec<TokenWithSpan> = Vec::new();
    while let Some(x) = t.get(*j) {
        match &x.token {
            Token::Word(_) if name.last().is_none_or(|l| l.token == Token::Period) => {
                name.push(x.clone());
            }
            Token::Period if !name.is_empty() => name.push(x.clone()),
            _ => break,
        }
        *j += 1;
    }
    name
}

fn word(text: &str, like: &TokenWithSpan) -> TokenWithSpan {
    TokenWithSpan::new(Token::make_word(text, None), like.span)
}

/// Rewrites the locking clauses of `tokens` that need it.
pub(super) fn rewrite(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let needs = tokens
        .iter()
        .any(|t| is_kw(t, Keyword::KEY) || is_kw(t, Keyword::OF));
    if !needs || !tokens.iter().any(|t| is_kw(t, Keyword::FOR)) {
        return tokens;
    }
    // The clause is read over the tokens that are not whitespace; a
    // clause rewritten replaces its tokens, everything else is kept.
    let all = tokens;
    let idx: Vec<usize> = (0..all.len())
        .filter(|&k| !matches!(all[k].token, Token::Whitespace(_)))
        .collect();
    let t: Vec<TokenWithSpan> = idx.iter().map(|&k| all[k].clone()).collect();
    let mut out = Vec::with_capacity(all.len());
    let mut copied = 0;
    let mut i = 0;
    while i < t.len() {
        if !is_kw(&t[i], Keyword::FOR) {
            i += 1;
            continue;
        }
        let at = |k: usize, kw: Keyword| t.get(k).is_some_and(|x| is_kw(x, kw));
        let (kind, mark, mut j) =
            if at(i + 1, Keyword::NO) && at(i + 2, Keyword::KEY) && at(i + 3, Keyword::UPDATE) {
                (&t[i + 3], Some(NO_KEY_MARK), i + 4)
            } else if at(i + 1, Keyword::KEY) && at(i + 2, Keyword::SHARE) {
                (&t[i + 2], Some(KEY_SHARE_MARK), i + 3)
            } else if at(i + 1, Keyword::UPDATE) || at(i + 1, Keyword::SHARE) {
                (&t[i + 1], None, i + 2)
            } else {
                i += 1;
                continue;
            };
        // OF name [, name ...]: each name its dotted words.
        let mut names: Vec<Vec<TokenWithSpan>> = Vec::new();
        if at(j, Keyword::OF) {
            j += 1;
            loop {
                let name = dotted_name(&t, &mut j);
                if name.is_empty() {
                    break;
                }
                names.push(name);
                if t.get(j).is_some_and(|x| x.token == Token::Comma) {
                    j += 1;
                    continue;
                }
                break;
            }
        }
        let suffix: Vec<TokenWithSpan> = if at(j, Keyword::NOWAIT) {
            j += 1;
            vec![t[j - 1].clone()]
        } else if at(j, Keyword::SKIP) && at(j + 1, Keyword::LOCKED) {
            j += 2;
            t[j - 2..j].to_vec()
        } else {
            Vec::new()
        };
        if mark.is_none() && names.len() < 2 {
            i = j;
            continue;
        }
        out.extend(all[copied..idx[i]].iter().cloned());
        copied = idx[j - 1] + 1;
        if names.is_empty() {
            names.push(Vec::new());
        }
        for name in names {
            out.push(t[i].clone());
            out.push(kind.clone());
            if mark.is_some() || !name.is_empty() {
                out.push(word("OF", &t[i]));
                if let Some(m) = mark {
                    out.push(TokenWithSpan::new(
                        Token::make_word(m, Some('"')),
                        t[i].span,
                    ));
                    if !name.is_empty() {
                        out.push(TokenWithSpan::new(Token::Period, t[i].span));
                    }
                }
                out.extend(name);
            }
            out.extend(suffix.iter().cloned());
        }
        i = j;
    }
    out.extend(all[copied..].iter().cloned());
    out
}

/// The cursor of a WHERE that is `CURRENT OF cursor`.
pub fn current_of_cursor(e: &sqlparser::ast::Expr) -> Option<String> {
    use sqlparser::ast;
    let ast::Expr::Function(f) = e else {
        return None;
    };
    let [part] = f.name.0.as_slice() else {
        return None;
    };
    if part.as_ident()?.value != CURRENT_OF_MARK {
        return None;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(ast::Expr::Value(v)))] => {
            match &v.value {
                ast::Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}
