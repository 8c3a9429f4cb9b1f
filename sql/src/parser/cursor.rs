//! FETCH and MOVE, parsed here: sqlparser's FETCH wants FROM or IN and
//! a count after FORWARD and BACKWARD, where PostgreSQL's grammar makes
//! all of them optional, and it has no MOVE.

use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// Where a FETCH or MOVE goes, as PostgreSQL's FetchStmt says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchDirection {
    /// Forward this many rows (NEXT, FORWARD n, n); None: ALL.
    Forward(Option<i64>),
    /// Backward this many rows (PRIOR, BACKWARD n); None: ALL.
    Backward(Option<i64>),
    /// ABSOLUTE n (FIRST is 1, LAST is -1).
    Absolute(i64),
    /// RELATIVE n.
    Relative(i64),
}

/// A FETCH or MOVE statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchStatement {
    /// MOVE (no rows are returned).
    pub is_move: bool,
    /// Direction and count.
    pub direction: FetchDirection,
    /// The cursor.
    pub cursor: String,
}

/// Whether the statement at the parser's position is FETCH or MOVE.
pub fn starts(p: &Parser<'_>) -> bool {
    matches!(&p.peek_token().token,
        Token::Word(w) if w.keyword == Keyword::FETCH || w.value.eq_ignore_ascii_case("move"))
}

/// A signed integer count.
fn count(p: &mut Parser<'_>) -> Result<i64, ParserError> {
    let negative = p.consume_token(&Token::Minus);
    if !negative {
        let _ = p.consume_token(&Token::Plus);
    }
    let tok = p.next_token();
    match &tok.token {
        Token::Number(n, _) => n
            .parse::<i64>()
            .map(|v| if negative { -v } else { v })
            .map_err(|_| ParserError::ParserError(format!("invalid count {n}"))),
        other => Err(ParserError::ParserError(format!(
            "Expected: a count, found: {other}"
        ))),
    }
}

/// Whether the next token starts a count.
fn at_count(p: &Parser<'_>) -> bool {
    matches!(
        p.peek_token().token,
        Token::Number(..) | Token::Minus | Token::Plus
    )
}

/// Parses `FETCH | MOVE [direction] [FROM | IN] cursor`.
pub fn parse(p: &mut Parser<'_>) -> Result<FetchStatement, ParserError> {
    let is_move = !p.parse_keyword(Keyword::FETCH);
    if is_move {
        p.next_token();
    }
    let direction = if p.parse_keyword(Keyword::NEXT) {
        FetchDirection::Forward(Some(1))
    } else if p.parse_keyword(Keyword::PRIOR) {
        FetchDirection::Backward(Some(1))
    } else if p.parse_keyword(Keyword::FIRST) {
        FetchDirection::Absolute(1)
    } else if p.parse_keyword(Keyword::LAST) {
        FetchDirection::Absolute(-1)
    } else if p.parse_keyword(Keyword::ABSOLUTE) {
        FetchDirection::Absolute(count(p)?)
    } else if p.parse_keyword(Keyword::RELATIVE) {
        FetchDirection::Relative(count(p)?)
    } else if p.parse_keyword(Keyword::ALL) {
        FetchDirection::Forward(None)
    } else if p.parse_keyword(Keyword::FORWARD) {
        if p.parse_keyword(Keyword::ALL) {
            FetchDirection::Forward(None)
        } else if at_count(p) {
            signed(count(p)?, true)
        } else {
            FetchDirection::Forward(Some(1))
        }
    } else if p.parse_keyword(Keyword::BACKWARD) {
        if p.parse_keyword(Keyword::ALL) {
            FetchDirection::Backward(None)
        } else if at_count(p) {
            signed(count(p)?, false)
        } else {
            FetchDirection::Backward(Some(1))
        }
    } else if at_count(p) {
        signed(count(p)?, true)
    } else {
        FetchDirection::Forward(Some(1))
    };
    if !p.parse_keyword(Keyword::FROM) {
        let _ = p.parse_keyword(Keyword::IN);
    }
    let name = p.parse_identifier()?;
    Ok(FetchStatement {
        is_move,
        direction,
        cursor: crate::binder::ident(&name),
    })
}

/// A count in a direction: a negative count goes the other way.
fn signed(n: i64, forward: bool) -> FetchDirection {
    if (n >= 0) == forward {
        FetchDirection::Forward(Some(n.abs()))
    } else {
        FetchDirection::Backward(Some(n.abs()))
    }
}
