//! CREATE TABLE ... (LIKE source [INCLUDING | EXCLUDING option ...], ...),
//! parsed here: sqlparser reads neither the options PostgreSQL has nor a
//! LIKE among other columns. The statement is kept as text pieces; the
//! LIKE elements are expanded into column definitions when it runs, from
//! the source table as the catalog has it then.

use sqlparser::ast::ObjectName;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token};

/// What INCLUDING copies besides columns, types and NOT NULL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LikeOptions {
    /// DEFAULTS.
    pub defaults: bool,
    /// CONSTRAINTS (CHECK).
    pub constraints: bool,
    /// INDEXES (primary key, unique and other indexes).
    pub indexes: bool,
    /// IDENTITY.
    pub identity: bool,
    /// GENERATED.
    pub generated: bool,
    /// COMMENTS.
    pub comments: bool,
}

/// One element of the column list.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    /// A column or table constraint, as written.
    Text(String),
    /// LIKE source with its options.
    Like(ObjectName, LikeOptions),
    /// `OF type`: the composite type's attributes (a typed table), with
    /// the options the statement gives columns: (column, constraint text).
    OfType(ObjectName, Vec<(String, String)>),
}

/// A CREATE TABLE with LIKE elements.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateLike {
    /// The text up to and including the column list's `(`.
    pub head: String,
    /// The column list's elements.
    pub elements: Vec<Element>,
    /// The text after the column list's `)`.
    pub tail: String,
}

fn word(p: &Parser<'_>, n: usize) -> Option<Keyword> {
    match &p.peek_nth_token(n).token {
        Token::Word(w) => Some(w.keyword),
        _ => None,
    }
}

/// Parses `CREATE [TEMP | UNLOGGED] TABLE [IF NOT EXISTS] name OF type
/// [rest]` (a typed table without column options) as a column list of
/// one [`Element::OfType`]; an error for any other statement.
pub fn parse_typed(p: &mut Parser<'_>, sql: &str) -> Result<CreateLike, ParserError> {
    let chars: Vec<char> = sql.chars().collect();
    let begin = p.peek_token().span.start;
    p.expect_keyword(Keyword::CREATE)?;
    let _ = p.parse_one_of_keywords(&[
        Keyword::GLOBAL,
        Keyword::LOCAL,
        Keyword::TEMP,
        Keyword::TEMPORARY,
        Keyword::UNLOGGED,
    ]);
    let _ = p.parse_one_of_keywords(&[Keyword::TEMP, Keyword::TEMPORARY]);
    p.expect_keyword(Keyword::TABLE)?;
    let _ = p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    p.parse_object_name(false)?;
    let of = p.peek_token();
    p.expect_keyword(Keyword::OF)?;
    let ty = p.parse_object_name(false)?;
    // `(column [WITH OPTIONS] constraints, table constraint, ...)`.
    let mut options = Vec::new();
    let mut constraints = Vec::new();
    if p.consume_token(&Token::LParen) {
        loop {
            let start = p.peek_token().span.start;
            let column = match (&p.peek_token().token, &p.peek_nth_token(1).token) {
                (Token::Word(w), next)
                    if !matches!(
                        w.keyword,
                        Keyword::PRIMARY
                            | Keyword::UNIQUE
                            | Keyword::CHECK
                            | Keyword::FOREIGN
                            | Keyword::CONSTRAINT
                            | Keyword::EXCLUDE
                    ) && *next != Token::LParen =>
                {
                    let name = crate::binder::ident(&p.parse_identifier()?);
                    let _ = p.parse_keywords(&[Keyword::WITH, Keyword::OPTIONS]);
                    Some(name)
                }
                _ => None,
            };
            let from = p.peek_token().span.start;
            let end = element_end(p)?;
            match column {
                Some(c) => options.push((c, slice(&chars, sql, from, end))),
                None => constraints.push(Element::Text(slice(&chars, sql, start, end))),
            }
            if p.consume_token(&Token::RParen) {
                break;
            }
            p.expect_token(&Token::Comma)?;
        }
    }
    let head = format!("{} (", slice(&chars, sql, begin, of.span.start));
    let tail = rest_of_statement(p, sql, &chars);
    let mut elements = vec![Element::OfType(ty, options)];
    elements.extend(constraints);
    Ok(CreateLike {
        head,
        elements,
        tail,
    })
}

/// Whether the statement at the parser's position is a CREATE TABLE
/// whose column list has a LIKE element.
pub fn starts(p: &Parser<'_>) -> bool {
    if word(p, 0) != Some(Keyword::CREATE) {
        return false;
    }
    let mut i = 1;
    while matches!(
        word(p, i),
        Some(
            Keyword::GLOBAL
                | Keyword::LOCAL
                | Keyword::TEMP
                | Keyword::TEMPORARY
                | Keyword::UNLOGGED
        )
    ) {
        i += 1;
    }
    if word(p, i) != Some(Keyword::TABLE) {
        return false;
    }
    // The column list: `(` after the name, then LIKE first at depth 1.
    let mut depth = 0;
    let mut element_start = false;
    for j in i + 1..i + 10_000 {
        match &p.peek_nth_token(j).token {
            Token::EOF | Token::SemiColon => return false,
            Token::LParen => {
                depth += 1;
                element_start = depth == 1;
                continue;
            }
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            Token::Comma if depth == 1 => {
                element_start = true;
                continue;
            }
            Token::Word(w) if element_start && depth == 1 && w.keyword == Keyword::LIKE => {
                return true
            }
            _ => {}
        }
        element_start = false;
    }
    false
}

/// The text of `sql` between two token locations.
/// Skips one element as written, up to the `,` or `)` at this depth, and
/// returns where it ends.
fn element_end(p: &mut Parser<'_>) -> Result<Location, ParserError> {
    let mut depth = 0;
    loop {
        match p.peek_token().token {
            Token::EOF | Token::SemiColon => return p.expected(")", p.peek_token()),
            Token::Comma | Token::RParen if depth == 0 => return Ok(p.peek_token().span.start),
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        p.next_token();
    }
}

fn slice(chars: &[char], sql: &str, from: Location, to: Location) -> String {
    let at = |l: Location| {
        super::char_position(sql, l).map_or(chars.len(), |p| {
            (p as usize).saturating_sub(1).min(chars.len())
        })
    };
    let (a, b) = (at(from), at(to));
    chars[a.min(b)..b].iter().collect()
}

/// The statement's text from the parser's position to its end (the `;`
/// or the end of the text), the tokens consumed.
fn rest_of_statement(p: &mut Parser<'_>, sql: &str, chars: &[char]) -> String {
    let tail_start = p.peek_token().span.start;
    while !matches!(p.peek_token().token, Token::EOF | Token::SemiColon) {
        p.next_token();
    }
    if p.peek_token().token == Token::EOF {
        let from = super::char_position(sql, tail_start).map_or(chars.len(), |c| {
            (c as usize).saturating_sub(1).min(chars.len())
        });
        chars[from..].iter().collect()
    } else {
        slice(chars, sql, tail_start, p.peek_token().span.start)
    }
}

/// Parses the statement (the parser is at CREATE).
pub fn parse(p: &mut Parser<'_>, sql: &str) -> Result<CreateLike, ParserError> {
    let chars: Vec<char> = sql.chars().collect();
    let begin = p.peek_token().span.start;
    while p.peek_token().token != Token::LParen {
        if matches!(p.peek_token().token, Token::EOF | Token::SemiColon) {
            return p.expected("(", p.peek_token());
        }
        p.next_token();
    }
    let open = p.next_token();
    let head = slice(&chars, sql, begin, open.span.end);
    let mut elements = Vec::new();
    loop {
        if p.parse_keyword(Keyword::LIKE) {
            let source = p.parse_object_name(false)?;
            let mut options = LikeOptions::default();
            loop {
                let including = if p.parse_keyword(Keyword::INCLUDING) {
                    true
                } else if p.parse_keyword(Keyword::EXCLUDING) {
                    false
                } else {
                    break;
                };
                let tok = p.next_token();
                let Token::Word(w) = &tok.token else {
                    return p.expected("a LIKE option", tok);
                };
                let all = w.value.eq_ignore_ascii_case("all");
                let set = |flag: &mut bool, name: &str| {
                    if all || w.value.eq_ignore_ascii_case(name) {
                        *flag = including;
                    }
                };
                set(&mut options.defaults, "defaults");
                set(&mut options.constraints, "constraints");
                set(&mut options.indexes, "indexes");
                set(&mut options.identity, "identity");
                set(&mut options.generated, "generated");
                set(&mut options.comments, "comments");
                let known = [
                    "all",
                    "defaults",
                    "constraints",
                    "indexes",
                    "identity",
                    "generated",
                    "comments",
                    "statistics",
                    "storage",
                    "compression",
                ];
                if !known.iter().any(|k| w.value.eq_ignore_ascii_case(k)) {
                    return p.expected("a LIKE option", tok);
                }
            }
            elements.push(Element::Like(source, options));
        } else {
            let start = p.peek_token().span.start;
            let end = element_end(p)?;
            elements.push(Element::Text(slice(&chars, sql, start, end)));
        }
        let tok = p.next_token();
        match tok.token {
            Token::Comma => continue,
            Token::RParen => break,
            _ => return p.expected(", or )", tok),
        }
    }
    let tail = rest_of_statement(p, sql, &chars);
    Ok(CreateLike {
        head,
        elements,
        tail,
    })
}
