//! Parsing: SQL text to sqlparser statements (PostgreSQL dialect), with
//! syntax errors reported as PostgreSQL reports them.
//!
//! sqlparser words its errors as "Expected: X, found: Y at Line: L,
//! Column: C"; PostgreSQL says `syntax error at or near "Y"` with the
//! 1-based character position of Y, or `syntax error at end of input`
//! with the position just past the text. [`parse`] turns the one into the
//! other, quoting the offending token as it appears in the source.

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use crate::error::{Result, SqlError, SqlState};

/// How deep sqlparser may recurse before reporting 54001. PostgreSQL
/// accepts around a thousand nested parentheses with its 2 MB default
/// stack; executor threads have a stack sized for this limit.
pub const MAX_PARSE_DEPTH: usize = 1000;

/// Parses every statement of `sql`. An empty or blank string gives an
/// empty list (EmptyQueryResponse).
pub fn parse(sql: &str) -> Result<Vec<Statement>> {
    let dialect = PostgreSqlDialect {};
    let parsed = Parser::new(&dialect)
        .with_recursion_limit(MAX_PARSE_DEPTH)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements());
    parsed.map_err(|e| syntax_error(sql, e))
}

/// The 1-based character position of a sqlparser location.
pub fn char_position(sql: &str, loc: Location) -> Option<u32> {
    if loc.line == 0 {
        return None;
    }
    let mut line = 1u64;
    let mut pos = 0u64;
    for c in sql.chars() {
        if line == loc.line {
            break;
        }
        pos += 1;
        if c == '\n' {
            line += 1;
        }
    }
    u32::try_from(pos + loc.column).ok()
}

/// Finds "Line: L, Column: C" in a sqlparser message.
fn message_location(msg: &str) -> Option<Location> {
    let at = msg.rfind("Line: ")?;
    let rest = &msg[at + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let col: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    Some(Location {
        line: line.trim().parse().ok()?,
        column: col.parse().ok()?,
    })
}

/// The source text of the token starting at `loc`.
fn token_text(sql: &str, loc: Location) -> Option<String> {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .ok()?;
    let t = tokens.into_iter().find(|t| t.span.start == loc)?;
    if matches!(t.token, Token::EOF) {
        return None;
    }
    let start = char_position(sql, t.span.start)? as usize - 1;
    let end = char_position(sql, t.span.end)? as usize - 1;
    Some(
        sql.chars()
            .skip(start)
            .take(end.saturating_sub(start))
            .collect(),
    )
}

/// The 1-based character position of the `/*` that is never closed
/// (comments nest in PostgreSQL); quoted text is skipped.
fn unterminated_comment_start(sql: &str) -> Option<u32> {
    let chars: Vec<char> = sql.chars().collect();
    let (mut i, mut depth, mut start) = (0, 0usize, None);
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if depth == 0 && (c == '\'' || c == '"') => quote = Some(c),
            None if depth == 0 && c == '-' && next == Some('-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            None if c == '/' && next == Some('*') => {
                if depth == 0 {
                    start = Some(i);
                }
                depth += 1;
                i += 1;
            }
            None if depth > 0 && c == '*' && next == Some('/') => {
                depth -= 1;
                i += 1;
            }
            None => {}
        }
        i += 1;
    }
    if depth > 0 {
        start.and_then(|s| u32::try_from(s + 1).ok())
    } else {
        None
    }
}

fn syntax_error(sql: &str, e: ParserError) -> SqlError {
    let end_of_input = || {
        let pos = u32::try_from(sql.chars().count() + 1).ok();
        SqlError::syntax("syntax error at end of input", pos)
    };
    match e {
        ParserError::RecursionLimitExceeded => SqlError::new(
            SqlState::STATEMENT_TOO_COMPLEX,
            "stack depth limit exceeded",
        )
        .with_hint(
            "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after ensuring the platform's stack depth limit is adequate.",
        ),
        ParserError::TokenizerError(msg) => {
            let Some(loc) = message_location(&msg) else {
                return SqlError::syntax(format!("syntax error: {msg}"), None);
            };
            let mut pos = char_position(sql, loc);
            if msg.starts_with("Unexpected EOF while in a multi-line comment") {
                pos = unterminated_comment_start(sql).or(pos);
            }
            let rest: String = sql
                .chars()
                .skip(pos.unwrap_or(1) as usize - 1)
                .collect();
            let what = if msg.starts_with("Unterminated string literal") {
                "unterminated quoted string"
            } else if msg.starts_with("Unterminated dollar-quoted") {
                "unterminated dollar-quoted string"
            } else if msg.starts_with("Unexpected EOF while in a multi-line comment") {
                "unterminated /* comment"
            } else if msg.contains("quoted identifier") {
                "unterminated quoted identifier"
            } else {
                "syntax error"
            };
            let near = if what == "syntax error" {
                rest.chars().take(1).collect()
            } else {
                rest
            };
            SqlError::syntax(format!("{what} at or near \"{near}\""), pos)
        }
        ParserError::ParserError(msg) => {
            if msg.contains("found: EOF") {
                return end_of_input();
            }
            match message_location(&msg) {
                Some(loc) => match token_text(sql, loc) {
                    Some(tok) => SqlError::syntax(
                        format!("syntax error at or near \"{tok}\""),
                        char_position(sql, loc),
                    ),
                    None => end_of_input(),
                },
                // sqlparser gave no location: keep its words.
                None => SqlError::syntax(format!("syntax error: {msg}"), None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sql: &str) -> (String, Option<u32>) {
        let e = parse(sql).unwrap_err();
        assert_eq!(e.code(), SqlState::SYNTAX_ERROR, "{sql}");
        (e.message().to_owned(), e.report().position)
    }

    #[test]
    fn errors_match_postgres() {
        // (query, message, position) from PostgreSQL 15.
        let table = [
            ("SELECT 1 +", "syntax error at end of input", 11),
            ("SELECT 1 +   ", "syntax error at end of input", 14),
            ("SELEC 1", "syntax error at or near \"SELEC\"", 1),
            (
                "SELECT 'abc",
                "unterminated quoted string at or near \"'abc\"",
                8,
            ),
            ("select 1 from", "syntax error at end of input", 14),
            ("SELECT (1", "syntax error at end of input", 10),
            ("select 1; selec 2", "syntax error at or near \"selec\"", 11),
            ("SELECT 1 + 2 )", "syntax error at or near \")\"", 14),
            (
                "select /* x",
                "unterminated /* comment at or near \"/* x\"",
                8,
            ),
            (
                "select 1\nfrom t where )",
                "syntax error at or near \")\"",
                23,
            ),
        ];
        for (sql, msg, pos) in table {
            assert_eq!(err(sql), (msg.to_owned(), Some(pos)), "{sql}");
        }
    }

    #[test]
    fn empty_and_multiple() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse(" ; ;").unwrap().is_empty());
        assert_eq!(parse("SELECT 1; SELECT 2;").unwrap().len(), 2);
    }

    #[test]
    fn deep_nesting_is_54001_not_a_crash() {
        let sql = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
        let handle = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || parse(&sql).unwrap_err().code())
            .unwrap();
        assert_eq!(handle.join().unwrap(), SqlState::STATEMENT_TOO_COMPLEX);
    }
}
