//! CREATE [OR REPLACE] [CONSTRAINT] TRIGGER, DROP TRIGGER and ALTER
//! TRIGGER ... RENAME, parsed here: sqlparser's CREATE TRIGGER reads the
//! function's arguments as declarations (`f('x', 1)` fails) and has no
//! ALTER TRIGGER.

use sqlparser::ast::{Expr, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// When a trigger fires relative to its event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// BEFORE.
    Before,
    /// AFTER.
    After,
    /// INSTEAD OF.
    InsteadOf,
}

/// CREATE TRIGGER.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTrigger {
    /// OR REPLACE.
    pub or_replace: bool,
    /// CREATE CONSTRAINT TRIGGER.
    pub constraint: bool,
    /// The trigger's name.
    pub name: String,
    /// BEFORE / AFTER / INSTEAD OF.
    pub timing: Timing,
    /// The events (TriggerDef's bits), with UPDATE OF columns.
    pub events: Vec<i16>,
    /// UPDATE OF columns, as written.
    pub columns: Vec<String>,
    /// The table.
    pub table: ObjectName,
    /// FROM referenced table (constraint triggers).
    pub from: Option<ObjectName>,
    /// DEFERRABLE.
    pub deferrable: bool,
    /// INITIALLY DEFERRED.
    pub initially_deferred: bool,
    /// REFERENCING OLD TABLE AS.
    pub old_table: Option<String>,
    /// REFERENCING NEW TABLE AS.
    pub new_table: Option<String>,
    /// FOR EACH ROW (else STATEMENT).
    pub row: bool,
    /// WHEN (condition).
    pub when: Option<Expr>,
    /// The function.
    pub func: ObjectName,
    /// Its arguments, as strings.
    pub args: Vec<String>,
}

/// A trigger statement.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerStatement {
    /// CREATE TRIGGER.
    Create(Box<CreateTrigger>),
    /// DROP TRIGGER [IF EXISTS] name ON table [CASCADE | RESTRICT].
    Drop {
        /// IF EXISTS.
        if_exists: bool,
        /// The trigger.
        name: String,
        /// Its table.
        table: ObjectName,
    },
    /// ALTER TRIGGER name ON table RENAME TO new.
    Rename {
        /// The trigger.
        name: String,
        /// Its table.
        table: ObjectName,
        /// The new name.
        new: String,
    },
}

fn word(p: &Parser<'_>, n: usize, k: Keyword) -> bool {
    matches!(&p.peek_nth_token(n).token, Token::Word(w) if w.keyword == k)
}

/// Whether a trigger statement starts at the parser's position.
pub fn starts(p: &Parser<'_>) -> bool {
    if word(p, 0, Keyword::DROP) || word(p, 0, Keyword::ALTER) {
        return word(p, 1, Keyword::TRIGGER);
    }
    if !word(p, 0, Keyword::CREATE) {
        return false;
    }
    let mut n = 1;
    if word(p, n, Keyword::OR) && word(p, n + 1, Keyword::REPLACE) {
        n += 2;
    }
    if word(p, n, Keyword::CONSTRAINT) {
        n += 1;
    }
    word(p, n, Keyword::TRIGGER)
}

fn ident(p: &mut Parser<'_>) -> Result<String, ParserError> {
    Ok(crate::binder::ident(&p.parse_identifier()?))
}

fn own(msg: &str) -> ParserError {
    ParserError::ParserError(format!("{}{msg}", super::OWN_MESSAGE))
}

/// Parses a trigger statement.
pub fn parse(p: &mut Parser<'_>) -> Result<TriggerStatement, ParserError> {
    if p.parse_keyword(Keyword::DROP) {
        p.expect_keyword(Keyword::TRIGGER)?;
        let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
        let name = ident(p)?;
        p.expect_keyword(Keyword::ON)?;
        let table = p.parse_object_name(false)?;
        let _ = p.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT]);
        return Ok(TriggerStatement::Drop {
            if_exists,
            name,
            table,
        });
    }
    if p.parse_keyword(Keyword::ALTER) {
        p.expect_keyword(Keyword::TRIGGER)?;
        let name = ident(p)?;
        p.expect_keyword(Keyword::ON)?;
        let table = p.parse_object_name(false)?;
        p.expect_keywords(&[Keyword::RENAME, Keyword::TO])?;
        let new = ident(p)?;
        return Ok(TriggerStatement::Rename { name, table, new });
    }
    p.expect_keyword(Keyword::CREATE)?;
    let or_replace = p.parse_keywords(&[Keyword::OR, Keyword::REPLACE]);
    let constraint = p.parse_keyword(Keyword::CONSTRAINT);
    p.expect_keyword(Keyword::TRIGGER)?;
    let name = ident(p)?;
    let timing = if p.parse_keyword(Keyword::BEFORE) {
        Timing::Before
    } else if p.parse_keyword(Keyword::AFTER) {
        Timing::After
    } else if p.parse_keywords(&[Keyword::INSTEAD, Keyword::OF]) {
        Timing::InsteadOf
    } else {
        return p.expected("BEFORE, AFTER or INSTEAD OF", p.peek_token());
    };
    let mut events = Vec::new();
    let mut columns = Vec::new();
    loop {
        let event = match p.expect_one_of_keywords(&[
            Keyword::INSERT,
            Keyword::UPDATE,
            Keyword::DELETE,
            Keyword::TRUNCATE,
        ])? {
            Keyword::INSERT => crate::catalog::TriggerDef::INSERT,
            Keyword::DELETE => crate::catalog::TriggerDef::DELETE,
            Keyword::TRUNCATE => crate::catalog::TriggerDef::TRUNCATE,
            _ => {
                if p.parse_keyword(Keyword::OF) {
                    loop {
                        columns.push(ident(p)?);
                        if !p.consume_token(&Token::Comma) {
                            break;
                        }
                    }
                }
                crate::catalog::TriggerDef::UPDATE
            }
        };
        if events.contains(&event) {
            return Err(own("duplicate trigger events specified"));
        }
        events.push(event);
        if !p.parse_keyword(Keyword::OR) {
            break;
        }
    }
    p.expect_keyword(Keyword::ON)?;
    let table = p.parse_object_name(false)?;
    let from = if p.parse_keyword(Keyword::FROM) {
        Some(p.parse_object_name(false)?)
    } else {
        None
    };
    let mut deferrable = false;
    let mut initially_deferred = false;
    loop {
        if p.parse_keywords(&[Keyword::NOT, Keyword::DEFERRABLE]) {
            deferrable = false;
        } else if p.parse_keyword(Keyword::DEFERRABLE) {
            deferrable = true;
        } else if p.parse_keywords(&[Keyword::INITIALLY, Keyword::DEFERRED]) {
            initially_deferred = true;
        } else if p.parse_keywords(&[Keyword::INITIALLY, Keyword::IMMEDIATE]) {
            initially_deferred = false;
        } else {
            break;
        }
    }
    let mut old_table = None;
    let mut new_table = None;
    if p.parse_keyword(Keyword::REFERENCING) {
        loop {
            let old = if p.parse_keyword(Keyword::OLD) {
                true
            } else if p.parse_keyword(Keyword::NEW) {
                false
            } else {
                break;
            };
            if !p.parse_keyword(Keyword::TABLE) {
                // OLD ROW / NEW ROW: PostgreSQL's grammar reads it and
                // refuses it.
                if p.parse_keyword(Keyword::ROW) {
                    return Err(own(
                        "ROW variable naming in the REFERENCING clause is not supported",
                    ));
                }
                return p.expected("TABLE", p.peek_token());
            }
            let _ = p.parse_keyword(Keyword::AS);
            let n = ident(p)?;
            let slot = if old { &mut old_table } else { &mut new_table };
            if slot.is_some() {
                return Err(own(if old {
                    "OLD TABLE cannot be specified multiple times"
                } else {
                    "NEW TABLE cannot be specified multiple times"
                }));
            }
            *slot = Some(n);
        }
    }
    let mut row = false;
    if p.parse_keyword(Keyword::FOR) {
        let _ = p.parse_keyword(Keyword::EACH);
        row = p.expect_one_of_keywords(&[Keyword::ROW, Keyword::STATEMENT])? == Keyword::ROW;
    }
    let when = if p.parse_keyword(Keyword::WHEN) {
        p.expect_token(&Token::LParen)?;
        let e = p.parse_expr()?;
        p.expect_token(&Token::RParen)?;
        Some(e)
    } else {
        None
    };
    p.expect_keyword(Keyword::EXECUTE)?;
    p.expect_one_of_keywords(&[Keyword::FUNCTION, Keyword::PROCEDURE])?;
    let func = p.parse_object_name(false)?;
    p.expect_token(&Token::LParen)?;
    let mut args = Vec::new();
    if !p.consume_token(&Token::RParen) {
        loop {
            let t = p.next_token();
            let arg = match t.token {
                Token::SingleQuotedString(s)
                | Token::EscapedStringLiteral(s)
                | Token::NationalStringLiteral(s) => s,
                Token::Number(n, _) => n,
                Token::Minus => match p.next_token().token {
                    Token::Number(n, _) => format!("-{n}"),
                    _ => return p.expected("a trigger argument", t),
                },
                Token::Word(w) => match w.quote_style {
                    Some(_) => w.value,
                    None => w.value.to_lowercase(),
                },
                _ => return p.expected("a trigger argument", t),
            };
            args.push(arg);
            if p.consume_token(&Token::RParen) {
                break;
            }
            p.expect_token(&Token::Comma)?;
        }
    }
    Ok(TriggerStatement::Create(Box::new(CreateTrigger {
        or_replace,
        constraint,
        name,
        timing,
        events,
        columns,
        table,
        from,
        deferrable,
        initially_deferred,
        old_table,
        new_table,
        row,
        when,
        func,
        args,
    })))
}
