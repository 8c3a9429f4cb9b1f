//! CREATE DATABASE name [WITH] [option [=] value ...], parsed here:
//! sqlparser reads no PostgreSQL options (TEMPLATE, ENCODING, LC_COLLATE
//! ...).

use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// A CREATE DATABASE statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDatabase {
    /// The new database's name.
    pub name: String,
    /// IF NOT EXISTS (accepted as PostgreSQL 15 does not: it is a syntax
    /// error there, kept for compatibility with the old parser).
    pub if_not_exists: bool,
    /// Options in order: lower-case name (`connection_limit` for
    /// CONNECTION LIMIT) and value as written (None for DEFAULT).
    pub options: Vec<(String, Option<String>)>,
}

/// Whether the statement at the parser's position is CREATE DATABASE.
pub fn starts(p: &Parser<'_>) -> bool {
    matches!(&p.peek_token().token, Token::Word(w) if w.keyword == Keyword::CREATE)
        && matches!(&p.peek_nth_token(1).token, Token::Word(w) if w.keyword == Keyword::DATABASE)
}

/// Parses `CREATE DATABASE name [WITH] options`.
pub fn parse(p: &mut Parser<'_>) -> Result<CreateDatabase, ParserError> {
    p.expect_keyword(Keyword::CREATE)?;
    p.expect_keyword(Keyword::DATABASE)?;
    let if_not_exists = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    let name = crate::binder::ident(&p.parse_identifier()?);
    let _ = p.parse_keyword(Keyword::WITH);
    let mut options = Vec::new();
    loop {
        let tok = p.peek_token();
        let Token::Word(w) = &tok.token else {
            break;
        };
        let mut key = w.value.to_lowercase();
        p.next_token();
        if key == "connection" {
            p.expect_keyword(Keyword::LIMIT)?;
            key = "connection_limit".into();
        }
        let _ = p.consume_token(&Token::Eq);
        let v = p.next_token();
        let value = match v.token {
            Token::Word(w) if w.keyword == Keyword::DEFAULT && w.quote_style.is_none() => None,
            Token::Word(w) => Some(if w.quote_style.is_some() {
                w.value
            } else {
                w.value.to_lowercase()
            }),
            Token::SingleQuotedString(s) => Some(s),
            Token::Number(n, _) => Some(n),
            Token::Minus => match p.next_token().token {
                Token::Number(n, _) => Some(format!("-{n}")),
                other => {
                    return Err(ParserError::ParserError(format!(
                        "Expected: a value, found: {other}"
                    )))
                }
            },
            other => {
                return Err(ParserError::ParserError(format!(
                    "Expected: a value, found: {other}"
                )))
            }
        };
        options.push((key, value));
    }
    Ok(CreateDatabase {
        name,
        if_not_exists,
        options,
    })
}
