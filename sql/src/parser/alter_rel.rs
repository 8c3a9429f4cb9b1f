//! The ALTER forms on relations that sqlparser does not read, parsed
//! here from its tokens (a statement of any other form is left to
//! sqlparser):
//!
//! ```text
//! ALTER {TABLE [ONLY] | INDEX | [MATERIALIZED] VIEW | SEQUENCE | FOREIGN TABLE}
//!       [IF EXISTS] name action
//! action: RENAME TO new              (not TABLE: sqlparser reads it)
//!       | RENAME [COLUMN] a TO b     (VIEW, MATERIALIZED VIEW)
//!       | SET SCHEMA s | OWNER TO role | SET TABLESPACE t
//!       | ALTER [COLUMN] c SET DEFAULT expr | ALTER [COLUMN] c DROP DEFAULT   (VIEW)
//!       | ALTER [COLUMN] c SET STATISTICS n   (an INDEX names c by number)
//!       | ALTER [COLUMN] c SET STORAGE {PLAIN | EXTERNAL | EXTENDED | MAIN | DEFAULT}
//!       | ALTER [COLUMN] c {SET | RESET} (option [= value], ...)
//!       | {SET | RESET} (option [= value], ...)
//!       | CLUSTER ON index | SET WITHOUT CLUSTER | SET WITHOUT OIDS
//!       | REPLICA IDENTITY {DEFAULT | FULL | NOTHING | USING INDEX index}
//!       | ATTACH PARTITION index     (INDEX)
//! ```

use sqlparser::ast::{Expr, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use crate::binder::ident;

/// The kind of relation the statement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    /// ALTER TABLE.
    Table,
    /// ALTER INDEX.
    Index,
    /// ALTER VIEW.
    View,
    /// ALTER MATERIALIZED VIEW.
    MaterializedView,
    /// ALTER SEQUENCE.
    Sequence,
    /// ALTER FOREIGN TABLE.
    ForeignTable,
    /// ALTER TYPE (SET SCHEMA only; the rest is sqlparser's).
    Type,
    /// ALTER DOMAIN (SET SCHEMA only; the rest is parser/domain.rs').
    Domain,
}

impl RelKind {
    /// The statement's words, for its command tag.
    pub fn tag(self) -> &'static str {
        match self {
            RelKind::Table => "ALTER TABLE",
            RelKind::Index => "ALTER INDEX",
            RelKind::View => "ALTER VIEW",
            RelKind::MaterializedView => "ALTER MATERIALIZED VIEW",
            RelKind::Sequence => "ALTER SEQUENCE",
            RelKind::ForeignTable => "ALTER FOREIGN TABLE",
            RelKind::Type => "ALTER TYPE",
            RelKind::Domain => "ALTER DOMAIN",
        }
    }
}

/// A column named by an ALTER [COLUMN]: by name, or (in an index) by
/// number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnRef {
    /// By name.
    Name(String),
    /// By number, from 1 (ALTER INDEX).
    Number(i64),
}

/// `name [= value]` in a SET / RESET option list; the value as written
/// (a word, number or string), None without one.
pub type RelOption = (String, Option<String>);

/// What the statement does.
#[derive(Debug, Clone, PartialEq)]
pub enum RelAction {
    /// RENAME TO new.
    Rename(String),
    /// RENAME [COLUMN] from TO to.
    RenameColumn(String, String),
    /// SET SCHEMA schema.
    SetSchema(String),
    /// OWNER TO role.
    OwnerTo(String),
    /// SET TABLESPACE name.
    SetTablespace(String),
    /// ALTER [COLUMN] c SET DEFAULT expr | DROP DEFAULT.
    ColumnDefault(String, Option<Box<Expr>>),
    /// ALTER [COLUMN] c SET STATISTICS n.
    ColumnStatistics(ColumnRef, i64),
    /// ALTER [COLUMN] c SET STORAGE kind (lower case).
    ColumnStorage(String, String),
    /// ALTER [COLUMN] c SET (options) | RESET (options).
    ColumnOptions {
        /// The column.
        column: String,
        /// RESET rather than SET.
        reset: bool,
        /// The options.
        options: Vec<RelOption>,
    },
    /// SET (options) | RESET (options).
    Options {
        /// RESET rather than SET.
        reset: bool,
        /// The options.
        options: Vec<RelOption>,
    },
    /// CLUSTER ON index.
    ClusterOn(String),
    /// SET WITHOUT CLUSTER.
    SetWithoutCluster,
    /// SET WITHOUT OIDS.
    SetWithoutOids,
    /// REPLICA IDENTITY DEFAULT | FULL | NOTHING | USING INDEX name:
    /// the word (lower case) and the index.
    ReplicaIdentity(String, Option<String>),
    /// ATTACH PARTITION index.
    AttachPartition(ObjectName),
    /// OF type (a typed table).
    OfType(ObjectName),
    /// NOT OF.
    NotOf,
}

/// A parsed ALTER of a relation.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterRelation {
    /// What the statement names.
    pub kind: RelKind,
    /// IF EXISTS.
    pub if_exists: bool,
    /// ONLY (tables).
    pub only: bool,
    /// The relation.
    pub name: ObjectName,
    /// The action.
    pub action: RelAction,
}

fn word(p: &mut Parser<'_>, w: &str) -> bool {
    match &p.peek_token().token {
        Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w) => {
            p.next_token();
            true
        }
        _ => false,
    }
}

fn expect_word(p: &mut Parser<'_>, w: &str) -> Result<(), ParserError> {
    if word(p, w) {
        Ok(())
    } else {
        Err(ParserError::ParserError(format!("expected {w}")))
    }
}

fn name(p: &mut Parser<'_>) -> Result<String, ParserError> {
    Ok(ident(&p.parse_identifier()?))
}

/// `(name [= value], ...)`: names may be qualified (`toast.fillfactor`).
fn options(p: &mut Parser<'_>) -> Result<Vec<RelOption>, ParserError> {
    p.expect_token(&Token::LParen)?;
    let mut out = Vec::new();
    loop {
        let mut key = name(p)?;
        while p.consume_token(&Token::Period) {
            key = format!("{key}.{}", name(p)?);
        }
        let value = if p.consume_token(&Token::Eq) {
            Some(match p.next_token().token {
                Token::Word(w) => w.value,
                Token::Number(n, _) => n,
                Token::SingleQuotedString(s) => s,
                Token::Minus => match p.next_token().token {
                    Token::Number(n, _) => format!("-{n}"),
                    _ => return Err(ParserError::ParserError("expected a value".into())),
                },
                _ => return Err(ParserError::ParserError("expected a value".into())),
            })
        } else {
            None
        };
        out.push((key, value));
        if !p.consume_token(&Token::Comma) {
            break;
        }
    }
    p.expect_token(&Token::RParen)?;
    Ok(out)
}

/// Parses one of the statements this module reads; an error when the
/// tokens are some other statement (the caller then gives them to
/// sqlparser).
pub(super) fn parse(p: &mut Parser<'_>) -> Result<AlterRelation, ParserError> {
    p.expect_keyword(Keyword::ALTER)?;
    let kind = if p.parse_keyword(Keyword::TABLE) {
        RelKind::Table
    } else if p.parse_keyword(Keyword::INDEX) {
        RelKind::Index
    } else if p.parse_keyword(Keyword::VIEW) {
        RelKind::View
    } else if p.parse_keywords(&[Keyword::MATERIALIZED, Keyword::VIEW]) {
        RelKind::MaterializedView
    } else if p.parse_keyword(Keyword::SEQUENCE) {
        RelKind::Sequence
    } else if p.parse_keywords(&[Keyword::FOREIGN, Keyword::TABLE]) {
        RelKind::ForeignTable
    } else if p.parse_keyword(Keyword::TYPE) {
        RelKind::Type
    } else if p.parse_keyword(Keyword::DOMAIN) {
        RelKind::Domain
    } else {
        return Err(ParserError::ParserError("not a relation".into()));
    };
    let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let only = kind == RelKind::Table && p.parse_keyword(Keyword::ONLY);
    let name = p.parse_object_name(false)?;
    let _ = p.consume_token(&Token::Mul);
    let action = action(p, kind)?;
    if matches!(kind, RelKind::Type | RelKind::Domain) && !matches!(action, RelAction::SetSchema(_))
    {
        return Err(ParserError::ParserError("another parser's".into()));
    }
    match p.peek_token().token {
        Token::EOF | Token::SemiColon => Ok(AlterRelation {
            kind,
            if_exists,
            only,
            name,
            action,
        }),
        _ => Err(ParserError::ParserError("one action only".into())),
    }
}

fn action(p: &mut Parser<'_>, kind: RelKind) -> Result<RelAction, ParserError> {
    let view = matches!(kind, RelKind::View | RelKind::MaterializedView);
    if word(p, "rename") {
        if kind == RelKind::Table {
            return Err(ParserError::ParserError("sqlparser's".into()));
        }
        if p.parse_keyword(Keyword::TO) {
            return Ok(RelAction::Rename(name(p)?));
        }
        let _ = p.parse_keyword(Keyword::COLUMN);
        let from = name(p)?;
        p.expect_keyword(Keyword::TO)?;
        return Ok(RelAction::RenameColumn(from, name(p)?));
    }
    if word(p, "owner") {
        if kind == RelKind::Table {
            return Err(ParserError::ParserError("sqlparser's".into()));
        }
        p.expect_keyword(Keyword::TO)?;
        return Ok(RelAction::OwnerTo(name(p)?));
    }
    if kind == RelKind::Table && p.parse_keyword(Keyword::OF) {
        return Ok(RelAction::OfType(p.parse_object_name(false)?));
    }
    if kind == RelKind::Table && p.parse_keywords(&[Keyword::NOT, Keyword::OF]) {
        return Ok(RelAction::NotOf);
    }
    if word(p, "cluster") {
        expect_word(p, "on")?;
        return Ok(RelAction::ClusterOn(name(p)?));
    }
    if word(p, "replica") {
        expect_word(p, "identity")?;
        let how = name(p)?;
        let index = if how == "using" {
            p.expect_keyword(Keyword::INDEX)?;
            Some(name(p)?)
        } else {
            None
        };
        return Ok(RelAction::ReplicaIdentity(how, index));
    }
    if word(p, "attach") {
        expect_word(p, "partition")?;
        return Ok(RelAction::AttachPartition(p.parse_object_name(false)?));
    }
    if word(p, "reset") {
        // Values are read to be refused (RESET must not have them).
        return Ok(RelAction::Options {
            reset: true,
            options: options(p)?,
        });
    }
    if word(p, "set") {
        if word(p, "schema") {
            return Ok(RelAction::SetSchema(name(p)?));
        }
        if word(p, "tablespace") {
            return Ok(RelAction::SetTablespace(name(p)?));
        }
        if word(p, "without") {
            if word(p, "cluster") {
                return Ok(RelAction::SetWithoutCluster);
            }
            expect_word(p, "oids")?;
            return Ok(RelAction::SetWithoutOids);
        }
        return Ok(RelAction::Options {
            reset: false,
            options: options(p)?,
        });
    }
    p.expect_keyword(Keyword::ALTER)?;
    let _ = p.parse_keyword(Keyword::COLUMN);
    let column = match p.peek_token().token {
        Token::Number(n, _) if kind == RelKind::Index => {
            p.next_token();
            ColumnRef::Number(
                n.parse()
                    .map_err(|_| ParserError::ParserError("a column number".into()))?,
            )
        }
        _ => ColumnRef::Name(name(p)?),
    };
    let by_name = |c: ColumnRef| match c {
        ColumnRef::Name(n) => Ok(n),
        ColumnRef::Number(_) => Err(ParserError::ParserError("a column name".into())),
    };
    if view && word(p, "drop") {
        p.expect_keyword(Keyword::DEFAULT)?;
        return Ok(RelAction::ColumnDefault(by_name(column)?, None));
    }
    if word(p, "reset") {
        return Ok(RelAction::ColumnOptions {
            column: by_name(column)?,
            reset: true,
            options: options(p)?,
        });
    }
    expect_word(p, "set")?;
    if view && p.parse_keyword(Keyword::DEFAULT) {
        return Ok(RelAction::ColumnDefault(
            by_name(column)?,
            Some(Box::new(p.parse_expr()?)),
        ));
    }
    if word(p, "statistics") {
        let minus = p.consume_token(&Token::Minus);
        let n: i64 = match p.next_token().token {
            Token::Number(n, _) => n
                .parse()
                .map_err(|_| ParserError::ParserError("a number".into()))?,
            _ => return Err(ParserError::ParserError("a number".into())),
        };
        return Ok(RelAction::ColumnStatistics(
            column,
            if minus { -n } else { n },
        ));
    }
    if word(p, "storage") {
        let kind = if p.parse_keyword(Keyword::DEFAULT) {
            "default".to_owned()
        } else {
            name(p)?
        };
        return Ok(RelAction::ColumnStorage(by_name(column)?, kind));
    }
    Ok(RelAction::ColumnOptions {
        column: by_name(column)?,
        reset: false,
        options: options(p)?,
    })
}
