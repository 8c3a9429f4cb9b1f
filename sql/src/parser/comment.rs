//! COMMENT ON FUNCTION / PROCEDURE name (argument types) and COMMENT ON
//! TRIGGER name ON table, parsed here: sqlparser reads neither an
//! argument list nor triggers there (pg_dump writes both).

use sqlparser::ast::{FunctionDesc, ObjectName, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// What the comment is on.
#[derive(Debug, Clone, PartialEq)]
pub enum CommentTarget {
    /// A function or procedure, with its argument types when given.
    Function(FunctionDesc),
    /// A trigger of a table.
    Trigger {
        /// The trigger.
        name: String,
        /// Its table.
        table: ObjectName,
    },
}

/// COMMENT ON ... IS 'text' | NULL.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentOn {
    /// The object.
    pub target: CommentTarget,
    /// The text; None for NULL.
    pub text: Option<String>,
}

fn word(p: &Parser<'_>, n: usize, k: Keyword) -> bool {
    matches!(&p.peek_nth_token(n).token, Token::Word(w) if w.keyword == k)
}

/// Whether such a statement starts here: COMMENT ON TRIGGER, or COMMENT
/// ON FUNCTION / PROCEDURE with an argument list before IS.
pub fn starts(p: &Parser<'_>) -> bool {
    if !(word(p, 0, Keyword::COMMENT) && word(p, 1, Keyword::ON)) {
        return false;
    }
    if word(p, 2, Keyword::TRIGGER) {
        return true;
    }
    if !(word(p, 2, Keyword::FUNCTION) || word(p, 2, Keyword::PROCEDURE)) {
        return false;
    }
    let mut n = 3;
    loop {
        match &p.peek_nth_token(n).token {
            Token::LParen => return true,
            Token::EOF | Token::SemiColon => return false,
            Token::Word(w) if w.keyword == Keyword::IS => return false,
            _ => n += 1,
        }
    }
}

/// Function signatures (`name(types), ...`) up to one of the keywords
/// `stop` outside parentheses, read as DROP FUNCTION reads them
/// (`expected` names the stop in the syntax error at the end).
pub(crate) fn function_descs(
    p: &mut Parser<'_>,
    stop: &[Keyword],
    expected: &str,
) -> Result<Vec<FunctionDesc>, ParserError> {
    let mut text = String::new();
    let mut depth = 0i32;
    loop {
        let t = p.peek_token();
        match &t.token {
            Token::EOF | Token::SemiColon => return p.expected(expected, t),
            Token::Word(w) if depth == 0 && stop.contains(&w.keyword) => break,
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        text.push_str(&t.token.to_string());
        text.push(' ');
        p.next_token();
    }
    let parsed = Parser::parse_sql(&PostgreSqlDialect {}, &format!("DROP FUNCTION {text}"))?;
    match parsed.into_iter().next() {
        Some(Statement::DropFunction(d)) => Ok(d.func_desc),
        _ => p.expected("a function", p.peek_token()),
    }
}

/// Parses the statement.
pub fn parse(p: &mut Parser<'_>) -> Result<CommentOn, ParserError> {
    p.expect_keywords(&[Keyword::COMMENT, Keyword::ON])?;
    let target = if p.parse_keyword(Keyword::TRIGGER) {
        let name = crate::binder::ident(&p.parse_identifier()?);
        p.expect_keyword(Keyword::ON)?;
        let table = p.parse_object_name(false)?;
        CommentTarget::Trigger { name, table }
    } else {
        p.expect_one_of_keywords(&[Keyword::FUNCTION, Keyword::PROCEDURE])?;
        // The name and argument list as written, read as DROP FUNCTION's.
        let mut descs = function_descs(p, &[Keyword::IS], "IS")?;
        match (descs.pop(), descs.is_empty()) {
            (Some(d), true) => CommentTarget::Function(d),
            _ => return p.expected("a function and its argument types", p.peek_token()),
        }
    };
    p.expect_keyword(Keyword::IS)?;
    let text = if p.parse_keyword(Keyword::NULL) {
        None
    } else {
        Some(p.parse_literal_string()?)
    };
    Ok(CommentOn { target, text })
}
