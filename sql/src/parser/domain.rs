//! CREATE DOMAIN, ALTER DOMAIN and DROP DOMAIN, parsed here: sqlparser
//! reads neither NOT NULL nor constraints after DEFAULT in CREATE
//! DOMAIN, and no ALTER DOMAIN at all.

use sqlparser::ast::{DataType, Expr, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// One constraint of a domain.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainConstraint {
    /// `[CONSTRAINT name] NOT NULL`.
    NotNull(Option<String>),
    /// `[CONSTRAINT name] NULL` (allowed, and the default).
    Null,
    /// `[CONSTRAINT name] CHECK (expr) [NOT VALID]`.
    Check(Option<String>, Box<Expr>, bool),
}

/// A domain statement.
#[derive(Debug, Clone, PartialEq)]
pub enum DomainStatement {
    /// CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [constraints].
    Create {
        /// The domain.
        name: ObjectName,
        /// Its base type.
        data_type: DataType,
        /// DEFAULT.
        default: Option<Box<Expr>>,
        /// Constraints, in order.
        constraints: Vec<DomainConstraint>,
    },
    /// ALTER DOMAIN name action.
    Alter {
        /// The domain.
        name: ObjectName,
        /// What to change.
        action: AlterDomain,
    },
    /// DROP DOMAIN [IF EXISTS] names [CASCADE | RESTRICT].
    Drop {
        /// IF EXISTS.
        if_exists: bool,
        /// The domains.
        names: Vec<ObjectName>,
        /// CASCADE.
        cascade: bool,
    },
}

/// What ALTER DOMAIN changes.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterDomain {
    /// SET DEFAULT expr (None: DROP DEFAULT).
    Default(Option<Box<Expr>>),
    /// SET NOT NULL (true) or DROP NOT NULL.
    NotNull(bool),
    /// ADD constraint.
    Add(DomainConstraint),
    /// DROP CONSTRAINT [IF EXISTS] name [CASCADE | RESTRICT].
    DropConstraint {
        /// The constraint.
        name: String,
        /// IF EXISTS.
        if_exists: bool,
    },
    /// RENAME CONSTRAINT old TO new.
    RenameConstraint(String, String),
    /// VALIDATE CONSTRAINT name.
    Validate(String),
    /// RENAME TO new.
    Rename(String),
    /// OWNER TO role.
    Owner(String),
}

fn word_is(p: &Parser<'_>, n: usize, k: Keyword) -> bool {
    matches!(&p.peek_nth_token(n).token, Token::Word(w) if w.keyword == k)
}

/// Whether the statement at the parser's position is a domain statement.
pub fn starts(p: &Parser<'_>) -> bool {
    (word_is(p, 0, Keyword::CREATE)
        || word_is(p, 0, Keyword::ALTER)
        || word_is(p, 0, Keyword::DROP))
        && word_is(p, 1, Keyword::DOMAIN)
}

fn ident(p: &mut Parser<'_>) -> Result<String, ParserError> {
    Ok(crate::binder::ident(&p.parse_identifier()?))
}

/// `CHECK (expr) [NOT VALID]`, `NOT NULL` or `NULL`, after an optional
/// `CONSTRAINT name`; None if no constraint starts here.
fn constraint(p: &mut Parser<'_>) -> Result<Option<DomainConstraint>, ParserError> {
    let name = if p.parse_keyword(Keyword::CONSTRAINT) {
        Some(ident(p)?)
    } else {
        None
    };
    if p.parse_keyword(Keyword::CHECK) {
        p.expect_token(&Token::LParen)?;
        let e = p.parse_expr()?;
        p.expect_token(&Token::RParen)?;
        let not_valid = p.parse_keywords(&[Keyword::NOT, Keyword::VALID]);
        return Ok(Some(DomainConstraint::Check(name, Box::new(e), not_valid)));
    }
    if p.parse_keywords(&[Keyword::NOT, Keyword::NULL]) {
        return Ok(Some(DomainConstraint::NotNull(name)));
    }
    if p.parse_keyword(Keyword::NULL) {
        return Ok(Some(DomainConstraint::Null));
    }
    if name.is_some() {
        return p.expected("CHECK, NOT NULL or NULL", p.peek_token());
    }
    Ok(None)
}

/// Parses a domain statement.
pub fn parse(p: &mut Parser<'_>) -> Result<DomainStatement, ParserError> {
    let verb = p.expect_one_of_keywords(&[Keyword::CREATE, Keyword::ALTER, Keyword::DROP])?;
    p.expect_keyword(Keyword::DOMAIN)?;
    match verb {
        Keyword::CREATE => {
            let name = p.parse_object_name(false)?;
            let _ = p.parse_keyword(Keyword::AS);
            let data_type = p.parse_data_type()?;
            if p.parse_keyword(Keyword::COLLATE) {
                p.parse_object_name(false)?;
            }
            let mut default = None;
            let mut constraints = Vec::new();
            loop {
                if p.parse_keyword(Keyword::DEFAULT) {
                    if default.is_some() {
                        return Err(ParserError::ParserError(format!(
                            "{}multiple default expressions",
                            super::OWN_MESSAGE
                        )));
                    }
                    default = Some(Box::new(p.parse_expr()?));
                    continue;
                }
                match constraint(p)? {
                    // NOT VALID is ALTER DOMAIN's only, as PostgreSQL's
                    // grammar has it: a syntax error at VALID.
                    Some(DomainConstraint::Check(_, _, true)) => {
                        p.prev_token();
                        return p.expected("end of statement", p.peek_token());
                    }
                    Some(c) => constraints.push(c),
                    None => break,
                }
            }
            Ok(DomainStatement::Create {
                name,
                data_type,
                default,
                constraints,
            })
        }
        Keyword::ALTER => {
            let name = p.parse_object_name(false)?;
            let action = if p.parse_keywords(&[Keyword::SET, Keyword::DEFAULT]) {
                AlterDomain::Default(Some(Box::new(p.parse_expr()?)))
            } else if p.parse_keywords(&[Keyword::DROP, Keyword::DEFAULT]) {
                AlterDomain::Default(None)
            } else if p.parse_keywords(&[Keyword::SET, Keyword::NOT, Keyword::NULL]) {
                AlterDomain::NotNull(true)
            } else if p.parse_keywords(&[Keyword::DROP, Keyword::NOT, Keyword::NULL]) {
                AlterDomain::NotNull(false)
            } else if p.parse_keyword(Keyword::ADD) {
                match constraint(p)? {
                    Some(c) => AlterDomain::Add(c),
                    None => return p.expected("a constraint", p.peek_token()),
                }
            } else if p.parse_keywords(&[Keyword::DROP, Keyword::CONSTRAINT]) {
                let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
                let name = ident(p)?;
                let _ = p.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT]);
                AlterDomain::DropConstraint { name, if_exists }
            } else if p.parse_keywords(&[Keyword::RENAME, Keyword::CONSTRAINT]) {
                let from = ident(p)?;
                p.expect_keyword(Keyword::TO)?;
                AlterDomain::RenameConstraint(from, ident(p)?)
            } else if p.parse_keywords(&[Keyword::VALIDATE, Keyword::CONSTRAINT]) {
                AlterDomain::Validate(ident(p)?)
            } else if p.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
                AlterDomain::Rename(ident(p)?)
            } else if p.parse_keywords(&[Keyword::OWNER, Keyword::TO]) {
                AlterDomain::Owner(ident(p)?)
            } else {
                return p.expected("an ALTER DOMAIN action", p.peek_token());
            };
            Ok(DomainStatement::Alter { name, action })
        }
        _ => {
            let if_exists = p.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
            let mut names = vec![p.parse_object_name(false)?];
            while p.consume_token(&Token::Comma) {
                names.push(p.parse_object_name(false)?);
            }
            let cascade = matches!(
                p.parse_one_of_keywords(&[Keyword::CASCADE, Keyword::RESTRICT]),
                Some(Keyword::CASCADE)
            );
            Ok(DomainStatement::Drop {
                if_exists,
                names,
                cascade,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;

    fn parse_sql(sql: &str) -> DomainStatement {
        let dialect = PostgreSqlDialect {};
        let mut p = Parser::new(&dialect).try_with_sql(sql).unwrap();
        parse(&mut p).unwrap()
    }

    #[test]
    fn create_with_everything() {
        let DomainStatement::Create {
            default,
            constraints,
            ..
        } = parse_sql("CREATE DOMAIN d text NOT NULL DEFAULT 'x' CONSTRAINT c CHECK (VALUE <> '')")
        else {
            panic!("not a CREATE DOMAIN");
        };
        assert!(default.is_some());
        assert_eq!(constraints.len(), 2);
        assert!(matches!(&constraints[1], DomainConstraint::Check(Some(n), _, false) if n == "c"));
    }

    #[test]
    fn alter_and_drop() {
        assert!(matches!(
            parse_sql("ALTER DOMAIN d DROP CONSTRAINT IF EXISTS c CASCADE"),
            DomainStatement::Alter {
                action: AlterDomain::DropConstraint {
                    if_exists: true,
                    ..
                },
                ..
            }
        ));
        assert!(matches!(
            parse_sql("DROP DOMAIN IF EXISTS a, b CASCADE"),
            DomainStatement::Drop { if_exists: true, cascade: true, ref names } if names.len() == 2
        ));
    }
}
