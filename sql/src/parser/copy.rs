//! The COPY statement, parsed here from sqlparser's tokens: sqlparser's
//! own COPY grammar knows neither PostgreSQL's generic option list
//! (`FREEZE on`, `HEADER match`, `FORCE_NULL (a)`) nor every form of the
//! old syntax, and COPY's options are checked at run time anyway
//! (copy/options.rs), as PostgreSQL checks them.
//!
//! ```text
//! COPY [BINARY] name [(col, ...)] | (query)
//!      FROM | TO  STDIN | STDOUT | 'file' | PROGRAM 'command'
//!      [USING DELIMITERS 'd']
//!      [[WITH] (option [value | (col, ...) | *], ...) | old options]
//!      [WHERE condition]
//! ```

use sqlparser::ast::{Expr, Ident, ObjectName, Query};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::found;

/// A parsed COPY.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyStatement {
    /// What is copied.
    pub source: CopySource,
    /// COPY ... FROM (load) rather than TO (unload).
    pub from: bool,
    /// Where the data comes from or goes.
    pub target: CopyTarget,
    /// Options in the order written, old syntax turned into the new.
    pub options: Vec<CopyOption>,
    /// COPY FROM ... WHERE.
    pub where_clause: Option<Expr>,
    /// 1-based character position of the WHERE keyword (its error).
    pub where_position: Option<u32>,
}

/// The table or query of a COPY.
#[derive(Debug, Clone, PartialEq)]
pub enum CopySource {
    /// A table and optionally some of its columns.
    Table {
        /// Its name.
        name: ObjectName,
        /// The columns, all if empty.
        columns: Vec<Ident>,
    },
    /// `(query)`, for COPY TO.
    Query(Box<Query>),
}

/// Where COPY reads or writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyTarget {
    /// STDIN or STDOUT: the client connection.
    Client,
    /// A file on the server.
    File(String),
    /// A program's standard input or output.
    Program(String),
}

/// One option: its name (lower case) and argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOption {
    /// Name, lower case (`force_not_null` for the old FORCE NOT NULL).
    pub name: String,
    /// Argument, if one was given.
    pub arg: Option<CopyArg>,
    /// 1-based character position of the option (its errors).
    pub position: Option<u32>,
}

/// An option's argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyArg {
    /// A word or number, as written (lower case for words).
    Word(String),
    /// A string literal's value.
    Str(String),
    /// `(a, b)`: column names.
    Columns(Vec<String>),
    /// `*`.
    Star,
}

/// Parses COPY after its keyword (already consumed).
pub(super) fn parse_copy(p: &mut Parser<'_>, sql: &str) -> Result<CopyStatement, ParserError> {
    let mut options = Vec::new();
    let position = |p: &Parser<'_>| super::char_position(sql, p.peek_token().span.start);
    if p.parse_keyword(Keyword::BINARY) {
        options.push(word_option("format", "binary", None));
    }
    let source = if p.consume_token(&Token::LParen) {
        let q = p.parse_query()?;
        p.expect_token(&Token::RParen)?;
        CopySource::Query(q)
    } else {
        let name = p.parse_object_name(false)?;
        let columns = if p.peek_token().token == Token::LParen {
            p.parse_parenthesized_column_list(sqlparser::parser::IsOptional::Mandatory, false)?
        } else {
            Vec::new()
        };
        CopySource::Table { name, columns }
    };
    let from = match p.parse_one_of_keywords(&[Keyword::FROM, Keyword::TO]) {
        Some(Keyword::FROM) => true,
        Some(_) => false,
        None => return Err(found(&p.peek_token(), "FROM or TO")),
    };
    let tok = p.next_token();
    let target = match &tok.token {
        Token::Word(w)
            if w.value.eq_ignore_ascii_case("stdin") || w.value.eq_ignore_ascii_case("stdout") =>
        {
            CopyTarget::Client
        }
        Token::Word(w) if w.value.eq_ignore_ascii_case("program") => {
            CopyTarget::Program(p.parse_literal_string()?)
        }
        Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => {
            CopyTarget::File(s.clone())
        }
        _ => return Err(found(&tok, "STDIN, STDOUT, a file name or PROGRAM")),
    };
    // USING DELIMITERS 'd' (the oldest syntax).
    if p.parse_keyword(Keyword::USING) {
        let tok = p.next_token();
        if !matches!(&tok.token, Token::Word(w) if w.value.eq_ignore_ascii_case("delimiters")) {
            return Err(found(&tok, "DELIMITERS"));
        }
        let at = position(p);
        options.push(string_option(p, "delimiter", at)?);
    }
    let with = p.parse_keyword(Keyword::WITH);
    if p.peek_token().token == Token::LParen {
        p.next_token();
        loop {
            options.push(generic_option(p, sql)?);
            if p.consume_token(&Token::RParen) {
                break;
            }
            if !p.consume_token(&Token::Comma) {
                return Err(found(&p.peek_token(), ", or )"));
            }
        }
    } else {
        old_options(p, sql, &mut options)?;
    }
    let _ = with;
    let (where_clause, where_position) = if from || p.peek_token().token != Token::EOF {
        let at = position(p);
        if p.parse_keyword(Keyword::WHERE) {
            (Some(p.parse_expr()?), at)
        } else {
            (None, None)
        }
    } else {
        (None, None)
    };
    Ok(CopyStatement {
        source,
        from,
        target,
        options,
        where_clause,
        where_position,
    })
}

fn word_option(name: &str, value: &str, position: Option<u32>) -> CopyOption {
    CopyOption {
        name: name.to_owned(),
        arg: Some(CopyArg::Word(value.to_owned())),
        position,
    }
}

/// `name 'string'` (old syntax; `AS` allowed before the string).
fn string_option(
    p: &mut Parser<'_>,
    name: &str,
    position: Option<u32>,
) -> Result<CopyOption, ParserError> {
    let _ = p.parse_keyword(Keyword::AS);
    Ok(CopyOption {
        name: name.to_owned(),
        arg: Some(CopyArg::Str(p.parse_literal_string()?)),
        position,
    })
}

/// `name [argument]` in a parenthesized option list.
fn generic_option(p: &mut Parser<'_>, sql: &str) -> Result<CopyOption, ParserError> {
    let position = super::char_position(sql, p.peek_token().span.start);
    let tok = p.next_token();
    let Token::Word(w) = &tok.token else {
        return Err(found(&tok, "a COPY option"));
    };
    let name = w.value.to_lowercase();
    let next = p.peek_token();
    let arg = match &next.token {
        Token::Comma | Token::RParen => None,
        Token::LParen => {
            p.next_token();
            let mut cols = Vec::new();
            loop {
                cols.push(crate::binder::ident(&p.parse_identifier()?));
                if p.consume_token(&Token::RParen) {
                    break;
                }
                p.expect_token(&Token::Comma)?;
            }
            Some(CopyArg::Columns(cols))
        }
        Token::Mul => {
            p.next_token();
            Some(CopyArg::Star)
        }
        Token::SingleQuotedString(_) | Token::EscapedStringLiteral(_) => {
            Some(CopyArg::Str(p.parse_literal_string()?))
        }
        Token::Number(n, _) => {
            let n = n.clone();
            p.next_token();
            Some(CopyArg::Word(n))
        }
        Token::Minus => {
            p.next_token();
            let t = p.next_token();
            match t.token {
                Token::Number(n, _) => Some(CopyArg::Word(format!("-{n}"))),
                _ => return Err(found(&t, "a number")),
            }
        }
        Token::Word(v) => {
            let v = v.value.to_lowercase();
            p.next_token();
            Some(CopyArg::Word(v))
        }
        _ => return Err(found(&next, "a COPY option value")),
    };
    Ok(CopyOption {
        name,
        arg,
        position,
    })
}

/// The options of the old syntax, without parentheses.
fn old_options(
    p: &mut Parser<'_>,
    sql: &str,
    options: &mut Vec<CopyOption>,
) -> Result<(), ParserError> {
    loop {
        let position = super::char_position(sql, p.peek_token().span.start);
        let tok = p.peek_token();
        let Token::Word(w) = &tok.token else {
            return Ok(());
        };
        let word = w.value.to_lowercase();
        let option = match word.as_str() {
            "binary" => {
                p.next_token();
                word_option("format", "binary", position)
            }
            "csv" => {
                p.next_token();
                word_option("format", "csv", position)
            }
            "header" => {
                p.next_token();
                word_option("header", "true", position)
            }
            "freeze" => {
                p.next_token();
                word_option("freeze", "true", position)
            }
            "delimiter" | "null" | "quote" | "escape" | "encoding" => {
                p.next_token();
                string_option(p, &word, position)?
            }
            "force" => {
                p.next_token();
                let what = p.next_token();
                let name = match &what.token {
                    Token::Word(w) if w.value.eq_ignore_ascii_case("quote") => "force_quote",
                    Token::Word(w) if w.keyword == Keyword::NOT => {
                        let null = p.next_token();
                        if !matches!(&null.token, Token::Word(w) if w.keyword == Keyword::NULL) {
                            return Err(found(&null, "NULL"));
                        }
                        "force_not_null"
                    }
                    _ => return Err(found(&what, "QUOTE or NOT NULL")),
                };
                let arg = if p.consume_token(&Token::Mul) {
                    CopyArg::Star
                } else {
                    let cols = p.parse_comma_separated(|p| p.parse_identifier())?;
                    CopyArg::Columns(cols.iter().map(crate::binder::ident).collect())
                };
                CopyOption {
                    name: name.to_owned(),
                    arg: Some(arg),
                    position,
                }
            }
            _ => return Ok(()),
        };
        options.push(option);
    }
}
