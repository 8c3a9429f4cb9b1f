//! CREATE SEQUENCE and ALTER SEQUENCE, parsed here from sqlparser's
//! tokens: sqlparser has no ALTER SEQUENCE, and one option grammar
//! serves both (and identity columns' options, converted from
//! sqlparser's).
//!
//! ```text
//! CREATE [TEMP | TEMPORARY | UNLOGGED] SEQUENCE [IF NOT EXISTS] name [option ...]
//! ALTER SEQUENCE [IF EXISTS] name option ...
//! option: AS type | INCREMENT [BY] n | MINVALUE n | NO MINVALUE
//!       | MAXVALUE n | NO MAXVALUE | START [WITH] n | RESTART [[WITH] n]
//!       | CACHE n | [NO] CYCLE | OWNED BY table.column | OWNED BY NONE
//! ```

use sqlparser::ast::{DataType as AstType, Expr, ObjectName, SequenceOptions, UnaryOperator};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::found;

/// A sequence option, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum SeqOption {
    /// AS type.
    As(AstType),
    /// INCREMENT [BY] n.
    Increment(i64),
    /// MINVALUE n | NO MINVALUE.
    MinValue(Option<i64>),
    /// MAXVALUE n | NO MAXVALUE.
    MaxValue(Option<i64>),
    /// START [WITH] n.
    Start(i64),
    /// RESTART [[WITH] n].
    Restart(Option<i64>),
    /// CACHE n.
    Cache(i64),
    /// [NO] CYCLE.
    Cycle(bool),
    /// OWNED BY table.column | NONE.
    OwnedBy(Option<ObjectName>),
}

/// A parsed CREATE or ALTER SEQUENCE.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceStatement {
    /// ALTER rather than CREATE.
    pub alter: bool,
    /// CREATE TEMP SEQUENCE.
    pub temporary: bool,
    /// IF NOT EXISTS (CREATE) or IF EXISTS (ALTER).
    pub if_exists: bool,
    /// The sequence.
    pub name: ObjectName,
    /// Options in the order written.
    pub options: Vec<SeqOption>,
}

/// Whether the tokens ahead start CREATE [TEMP ...] SEQUENCE or ALTER
/// SEQUENCE.
pub(super) fn starts(p: &Parser<'_>) -> bool {
    let [a, b, c] = p.peek_tokens::<3>();
    let word = |t: &Token, k: Keyword| matches!(t, Token::Word(w) if w.keyword == k);
    (word(&a, Keyword::CREATE) || word(&a, Keyword::ALTER)) && word(&b, Keyword::SEQUENCE)
        || word(&a, Keyword::CREATE)
            && (word(&b, Keyword::TEMP)
                || word(&b, Keyword::TEMPORARY)
                || word(&b, Keyword::UNLOGGED))
            && word(&c, Keyword::SEQUENCE)
}

/// Parses the statement [`starts`] saw.
pub(super) fn parse(p: &mut Parser<'_>) -> Result<SequenceStatement, ParserError> {
    let alter = p.parse_keyword(Keyword::ALTER);
    if !alter {
        p.expect_keyword(Keyword::CREATE)?;
    }
    let temporary = p
        .parse_one_of_keywords(&[Keyword::TEMP, Keyword::TEMPORARY])
        .is_some();
    let _ = p.parse_keyword(Keyword::UNLOGGED);
    p.expect_keyword(Keyword::SEQUENCE)?;
    let if_exists = if alter {
        p.parse_keywords(&[Keyword::IF, Keyword::EXISTS])
    } else {
        p.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS])
    };
    let name = p.parse_object_name(false)?;
    let mut options = Vec::new();
    while !matches!(p.peek_token().token, Token::EOF | Token::SemiColon) {
        options.push(option(p, alter)?);
    }
    if alter && options.is_empty() {
        return Err(found(&p.peek_token(), "a sequence option"));
    }
    Ok(SequenceStatement {
        alter,
        temporary,
        if_exists,
        name,
        options,
    })
}

fn option(p: &mut Parser<'_>, alter: bool) -> Result<SeqOption, ParserError> {
    let tok = p.next_token();
    let Token::Word(w) = &tok.token else {
        return Err(found(&tok, "a sequence option"));
    };
    Ok(match w.keyword {
        Keyword::AS => SeqOption::As(p.parse_data_type()?),
        Keyword::INCREMENT => {
            let _ = p.parse_keyword(Keyword::BY);
            SeqOption::Increment(number(p)?)
        }
        Keyword::MINVALUE => SeqOption::MinValue(Some(number(p)?)),
        Keyword::MAXVALUE => SeqOption::MaxValue(Some(number(p)?)),
        Keyword::START => {
            let _ = p.parse_keyword(Keyword::WITH);
            SeqOption::Start(number(p)?)
        }
        Keyword::RESTART if alter => {
            let with = p.parse_keyword(Keyword::WITH);
            if with || matches!(p.peek_token().token, Token::Number(..) | Token::Minus) {
                SeqOption::Restart(Some(number(p)?))
            } else {
                SeqOption::Restart(None)
            }
        }
        Keyword::CACHE => SeqOption::Cache(number(p)?),
        Keyword::CYCLE => SeqOption::Cycle(true),
        Keyword::NO => {
            match p.parse_one_of_keywords(&[Keyword::MINVALUE, Keyword::MAXVALUE, Keyword::CYCLE]) {
                Some(Keyword::MINVALUE) => SeqOption::MinValue(None),
                Some(Keyword::MAXVALUE) => SeqOption::MaxValue(None),
                Some(_) => SeqOption::Cycle(false),
                None => return Err(found(&p.peek_token(), "MINVALUE, MAXVALUE or CYCLE")),
            }
        }
        Keyword::OWNED => {
            p.expect_keyword(Keyword::BY)?;
            if p.parse_keyword(Keyword::NONE) {
                SeqOption::OwnedBy(None)
            } else {
                SeqOption::OwnedBy(Some(p.parse_object_name(false)?))
            }
        }
        _ => return Err(found(&tok, "a sequence option")),
    })
}

/// A signed integer literal.
fn number(p: &mut Parser<'_>) -> Result<i64, ParserError> {
    let negative = p.consume_token(&Token::Minus);
    if !negative {
        let _ = p.consume_token(&Token::Plus);
    }
    let tok = p.next_token();
    match &tok.token {
        Token::Number(n, _) => {
            let text = if negative { format!("-{n}") } else { n.clone() };
            text.parse().map_err(|_| found(&tok, "an integer"))
        }
        _ => Err(found(&tok, "an integer")),
    }
}

/// Identity columns' options, as sqlparser reads them.
pub fn from_sqlparser(options: &[SequenceOptions]) -> Result<Vec<SeqOption>, String> {
    fn int(e: &Expr) -> Result<i64, String> {
        match e {
            Expr::Value(v) => v.to_string().parse().map_err(|_| e.to_string()),
            Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } => int(expr).map(|n| -n),
            Expr::UnaryOp {
                op: UnaryOperator::Plus,
                expr,
            } => int(expr),
            other => Err(other.to_string()),
        }
    }
    options
        .iter()
        .map(|o| {
            Ok(match o {
                SequenceOptions::DataType(t) => SeqOption::As(t.clone()),
                SequenceOptions::IncrementBy(e, _) => SeqOption::Increment(int(e)?),
                SequenceOptions::MinValue(e) => {
                    SeqOption::MinValue(e.as_ref().map(int).transpose()?)
                }
                SequenceOptions::MaxValue(e) => {
                    SeqOption::MaxValue(e.as_ref().map(int).transpose()?)
                }
                SequenceOptions::StartWith(e, _) => SeqOption::Start(int(e)?),
                SequenceOptions::Cache(e) => SeqOption::Cache(int(e)?),
                SequenceOptions::Cycle(c) => SeqOption::Cycle(!*c),
                SequenceOptions::OwnedBy(n) => SeqOption::OwnedBy(n.clone()),
            })
        })
        .collect()
}

/// `sql` without the `SEQUENCE NAME name` option of identity columns
/// (pg_dump writes it; sqlparser does not know it), or None when it has
/// none. The sequence takes its default name, which is the name pg_dump
/// writes unless the sequence was renamed.
pub(super) fn strip_sequence_name(sql: &str) -> Option<String> {
    if !sql.to_ascii_lowercase().contains("sequence name") {
        return None;
    }
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, sql)
        .tokenize()
        .ok()?;
    let word = |t: &Token, k: &str| matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case(k) && w.quote_style.is_none());
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut found = false;
    while i < tokens.len() {
        let next_word = |from: usize| {
            (from..tokens.len()).find(|&j| !matches!(tokens[j], Token::Whitespace(_)))
        };
        if word(&tokens[i], "sequence") {
            if let Some(n) = next_word(i + 1).filter(|&n| word(&tokens[n], "name")) {
                // Skip the (qualified) name after NAME.
                let mut j = next_word(n + 1)?;
                loop {
                    if !matches!(tokens[j], Token::Word(_)) {
                        return None;
                    }
                    match next_word(j + 1) {
                        Some(d) if tokens[d] == Token::Period => j = next_word(d + 1)?,
                        _ => break,
                    }
                }
                found = true;
                i = j + 1;
                continue;
            }
        }
        out.push_str(&tokens[i].to_string());
        i += 1;
    }
    found.then_some(out)
}
