//! ALTER TYPE name {ADD | DROP | ALTER | RENAME} ATTRIBUTE ...: a
//! composite type's fields, which sqlparser does not read.

use sqlparser::ast::{DataType, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// One change to a composite type's fields.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeChange {
    /// ADD ATTRIBUTE name type.
    Add(String, DataType),
    /// DROP ATTRIBUTE [IF EXISTS] name.
    Drop(String, bool),
    /// ALTER ATTRIBUTE name [SET DATA] TYPE type.
    Retype(String, DataType),
    /// RENAME ATTRIBUTE name TO new.
    Rename(String, String),
}

/// The statement.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTypeAttributes {
    /// The type.
    pub name: ObjectName,
    /// The changes, in order.
    pub changes: Vec<AttributeChange>,
    /// CASCADE: typed tables of the type change with it.
    pub cascade: bool,
}

fn word(p: &Parser<'_>, n: usize) -> Option<String> {
    match p.peek_nth_token(n).token {
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

/// True if the statement is ALTER TYPE name ... ATTRIBUTE.
pub fn starts(p: &Parser<'_>) -> bool {
    if word(p, 0).as_deref() != Some("alter") || word(p, 1).as_deref() != Some("type") {
        return false;
    }
    let mut i = 2;
    while p.peek_nth_token(i + 1).token == Token::Period {
        i += 2;
    }
    matches!(
        word(p, i + 1).as_deref(),
        Some("add" | "drop" | "alter" | "rename")
    ) && word(p, i + 2).as_deref() == Some("attribute")
}

fn ident(p: &mut Parser<'_>) -> Result<String, ParserError> {
    Ok(crate::binder::ident(&p.parse_identifier()?))
}

fn attribute_keyword(p: &mut Parser<'_>) -> Result<(), ParserError> {
    match p.next_token().token {
        Token::Word(w) if w.value.eq_ignore_ascii_case("attribute") => Ok(()),
        other => Err(ParserError::ParserError(format!(
            "Expected: ATTRIBUTE, found: {other}"
        ))),
    }
}

/// Parses the statement (after [`starts`]).
pub fn parse(p: &mut Parser<'_>) -> Result<AlterTypeAttributes, ParserError> {
    p.expect_keyword(Keyword::ALTER)?;
    p.expect_keyword(Keyword::TYPE)?;
    let name = p.parse_object_name(false)?;
    let mut changes = Vec::new();
    // RENAME ATTRIBUTE stands alone; the others form a comma list.
    if p.parse_keyword(Keyword::RENAME) {
        attribute_keyword(p)?;
        let from = ident(p)?;
        p.expect_keyword(Keyword::TO)?;
        let to = ident(p)?;
        changes.push(AttributeChange::Rename(from, to));
        let cascade = p.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT])
            == Some(Keyword::CASCADE);
        return Ok(AlterTypeAttributes {
            name,
            changes,
            cascade,
        });
    }
    let mut cascade = false;
    loop {
        if p.parse_keyword(Keyword::ADD) {
            attribute_keyword(p)?;
            let field = ident(p)?;
            changes.push(AttributeChange::Add(field, p.parse_data_type()?));
        } else if p.parse_keyword(Keyword::DROP) {
            attribute_keyword(p)?;
            let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
            changes.push(AttributeChange::Drop(ident(p)?, if_exists));
        } else if p.parse_keyword(Keyword::ALTER) {
            attribute_keyword(p)?;
            let field = ident(p)?;
            let _ = p.parse_keywords(&[Keyword::SET, Keyword::DATA]);
            p.expect_keyword(Keyword::TYPE)?;
            changes.push(AttributeChange::Retype(field, p.parse_data_type()?));
        } else {
            return p.expected("ADD, DROP or ALTER ATTRIBUTE", p.peek_token());
        }
        cascade |= p.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT])
            == Some(Keyword::CASCADE);
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    Ok(AlterTypeAttributes {
        name,
        changes,
        cascade,
    })
}
