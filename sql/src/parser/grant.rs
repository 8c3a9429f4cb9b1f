//! GRANT / REVOKE of privileges on objects and ALTER DEFAULT
//! PRIVILEGES, parsed here as PostgreSQL's grammar has them (sqlparser
//! reads neither column lists nor most object kinds):
//!
//! ```text
//! GRANT { priv [(col, ...)] [, ...] | ALL [PRIVILEGES] [(col, ...)] }
//!     ON target TO grantee [, ...] [WITH GRANT OPTION] [GRANTED BY role]
//! REVOKE [GRANT OPTION FOR] ... ON target FROM grantee [, ...]
//!     [GRANTED BY role] [CASCADE | RESTRICT]
//! target: [TABLE] names | SEQUENCE names | ALL {TABLES | SEQUENCES |
//!     FUNCTIONS | PROCEDURES | ROUTINES} IN SCHEMA names | SCHEMA names
//!     | DATABASE names | {FUNCTION | PROCEDURE | ROUTINE} sigs
//!     | LANGUAGE names | {TYPE | DOMAIN} names | TABLESPACE names
//!     | FOREIGN DATA WRAPPER names | FOREIGN SERVER names
//!     | LARGE OBJECT oids | PARAMETER names
//! grantee: [GROUP] role | PUBLIC | CURRENT_ROLE | CURRENT_USER | SESSION_USER
//! ALTER DEFAULT PRIVILEGES [FOR {ROLE | USER} r, ...] [IN SCHEMA s, ...]
//!     {GRANT | REVOKE} ... ON {TABLES | SEQUENCES | FUNCTIONS | ROUTINES
//!     | TYPES | SCHEMAS} {TO | FROM} grantees ...
//! ```
//!
//! `GRANT role TO role` (no ON) stays sqlparser's.

use sqlparser::ast::{FunctionDesc, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

/// One privilege as written, with its columns.
#[derive(Debug, Clone, PartialEq)]
pub struct PrivilegeSpec {
    /// The privilege's keyword, upper case (`SELECT`, `TEMPORARY` ...);
    /// None for ALL [PRIVILEGES].
    pub name: Option<String>,
    /// Its column list.
    pub columns: Vec<String>,
}

/// What the privileges are on.
#[derive(Debug, Clone, PartialEq)]
pub enum GrantTarget {
    /// Tables, views, sequences (`[TABLE] names`).
    Tables(Vec<ObjectName>),
    /// `SEQUENCE names`.
    Sequences(Vec<ObjectName>),
    /// `ALL {TABLES | SEQUENCES | FUNCTIONS | PROCEDURES | ROUTINES} IN
    /// SCHEMA names`: the kind's keyword, upper case, and the schemas.
    AllInSchema(String, Vec<String>),
    /// `SCHEMA names`.
    Schemas(Vec<String>),
    /// `DATABASE names`.
    Databases(Vec<String>),
    /// `{FUNCTION | PROCEDURE | ROUTINE} name[(args)], ...`.
    Functions(String, Vec<FunctionDesc>),
    /// `LANGUAGE names`.
    Languages(Vec<String>),
    /// `{TYPE | DOMAIN} names`: the keyword and the names.
    Types(String, Vec<ObjectName>),
    /// Kinds kept by no catalog here (TABLESPACE, FOREIGN DATA WRAPPER,
    /// FOREIGN SERVER, LARGE OBJECT, PARAMETER), as written.
    Other(String),
}

/// Who receives (or loses) the privileges.
#[derive(Debug, Clone, PartialEq)]
pub enum Grantee {
    /// PUBLIC.
    Public,
    /// A role by name.
    Role(String),
    /// CURRENT_USER / CURRENT_ROLE.
    CurrentUser,
    /// SESSION_USER.
    SessionUser,
}

/// ALTER DEFAULT PRIVILEGES' scope.
#[derive(Debug, Clone, PartialEq)]
pub struct DefaultScope {
    /// FOR ROLE names (empty: the current user).
    pub roles: Vec<String>,
    /// IN SCHEMA names (empty: every schema).
    pub schemas: Vec<String>,
    /// The kind: TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES, SCHEMAS.
    pub kind: String,
}

/// A GRANT or REVOKE of object privileges.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantStatement {
    /// GRANT rather than REVOKE.
    pub grant: bool,
    /// WITH GRANT OPTION (GRANT) or GRANT OPTION FOR (REVOKE).
    pub grant_option: bool,
    /// The privileges, in order.
    pub privileges: Vec<PrivilegeSpec>,
    /// The objects (for ALTER DEFAULT PRIVILEGES, `Other` of its kind).
    pub target: GrantTarget,
    /// The grantees.
    pub grantees: Vec<Grantee>,
    /// GRANTED BY role.
    pub granted_by: Option<Grantee>,
    /// CASCADE.
    pub cascade: bool,
    /// For ALTER DEFAULT PRIVILEGES: its scope.
    pub defaults: Option<DefaultScope>,
}

fn word(p: &Parser<'_>, n: usize, k: Keyword) -> bool {
    matches!(&p.peek_nth_token(n).token, Token::Word(w) if w.keyword == k)
}

fn word_text(p: &Parser<'_>, n: usize, text: &str) -> bool {
    matches!(&p.peek_nth_token(n).token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(text))
}

/// Whether such a statement starts here: GRANT / REVOKE with an ON
/// before TO / FROM, or ALTER DEFAULT PRIVILEGES.
pub fn starts(p: &Parser<'_>) -> bool {
    if word(p, 0, Keyword::ALTER) && word(p, 1, Keyword::DEFAULT) && word(p, 2, Keyword::PRIVILEGES)
    {
        return true;
    }
    if !(word(p, 0, Keyword::GRANT) || word(p, 0, Keyword::REVOKE)) {
        return false;
    }
    let mut n = 1;
    let mut depth = 0;
    loop {
        match &p.peek_nth_token(n).token {
            Token::EOF | Token::SemiColon => return false,
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Word(w) if depth == 0 && w.keyword == Keyword::ON => return true,
            Token::Word(w) if depth == 0 && matches!(w.keyword, Keyword::TO | Keyword::FROM) => {
                return false
            }
            _ => {}
        }
        n += 1;
    }
}

fn name(p: &mut Parser<'_>) -> Result<String, ParserError> {
    Ok(crate::binder::ident(&p.parse_identifier()?))
}

fn names(p: &mut Parser<'_>) -> Result<Vec<String>, ParserError> {
    let mut out = vec![name(p)?];
    while p.consume_token(&Token::Comma) {
        out.push(name(p)?);
    }
    Ok(out)
}

fn object_names(p: &mut Parser<'_>) -> Result<Vec<ObjectName>, ParserError> {
    let mut out = vec![p.parse_object_name(false)?];
    while p.consume_token(&Token::Comma) {
        out.push(p.parse_object_name(false)?);
    }
    Ok(out)
}

/// One privilege keyword (two for ALTER SYSTEM).
fn privilege(p: &mut Parser<'_>) -> Result<PrivilegeSpec, ParserError> {
    let t = p.next_token();
    let Token::Word(w) = &t.token else {
        return p.expected("a privilege", t);
    };
    let mut kw = w.value.to_ascii_uppercase();
    if kw == "ALTER" && p.parse_keyword(Keyword::SYSTEM) {
        kw = "ALTER SYSTEM".into();
    }
    if kw == "ALL" {
        let _ = p.parse_keyword(Keyword::PRIVILEGES);
    }
    let mut columns = Vec::new();
    if p.consume_token(&Token::LParen) {
        columns = names(p)?;
        p.expect_token(&Token::RParen)?;
    }
    Ok(PrivilegeSpec {
        name: (kw != "ALL").then_some(kw),
        columns,
    })
}

fn grantee(p: &mut Parser<'_>) -> Result<Grantee, ParserError> {
    if word(p, 0, Keyword::GROUP) && !word(p, 1, Keyword::TO) {
        p.next_token();
    }
    let t = p.peek_token();
    if let Token::Word(w) = &t.token {
        if w.quote_style.is_none() {
            match w.keyword {
                Keyword::PUBLIC => {
                    p.next_token();
                    return Ok(Grantee::Public);
                }
                Keyword::CURRENT_USER | Keyword::CURRENT_ROLE => {
                    p.next_token();
                    return Ok(Grantee::CurrentUser);
                }
                Keyword::SESSION_USER => {
                    p.next_token();
                    return Ok(Grantee::SessionUser);
                }
                _ => {}
            }
        }
    }
    Ok(Grantee::Role(name(p)?))
}

fn target(p: &mut Parser<'_>) -> Result<GrantTarget, ParserError> {
    if p.parse_keyword(Keyword::ALL) {
        let t = p.next_token();
        let kind = match &t.token {
            Token::Word(w) => w.value.to_ascii_uppercase(),
            _ => return p.expected("TABLES, SEQUENCES, FUNCTIONS, PROCEDURES or ROUTINES", t),
        };
        if !matches!(
            kind.as_str(),
            "TABLES" | "SEQUENCES" | "FUNCTIONS" | "PROCEDURES" | "ROUTINES"
        ) {
            return p.expected("TABLES, SEQUENCES, FUNCTIONS, PROCEDURES or ROUTINES", t);
        }
        p.expect_keywords(&[Keyword::IN, Keyword::SCHEMA])?;
        return Ok(GrantTarget::AllInSchema(kind, names(p)?));
    }
    if p.parse_keyword(Keyword::TABLE) {
        return Ok(GrantTarget::Tables(object_names(p)?));
    }
    if p.parse_keyword(Keyword::SEQUENCE) {
        return Ok(GrantTarget::Sequences(object_names(p)?));
    }
    if p.parse_keyword(Keyword::SCHEMA) {
        return Ok(GrantTarget::Schemas(names(p)?));
    }
    if p.parse_keyword(Keyword::DATABASE) {
        return Ok(GrantTarget::Databases(names(p)?));
    }
    for (k, w) in [
        (Keyword::FUNCTION, "FUNCTION"),
        (Keyword::PROCEDURE, "PROCEDURE"),
        (Keyword::ROUTINE, "ROUTINE"),
    ] {
        if p.parse_keyword(k) {
            return Ok(GrantTarget::Functions(
                w.into(),
                super::comment::function_descs(p, &[Keyword::TO, Keyword::FROM], "TO or FROM")?,
            ));
        }
    }
    if p.parse_keyword(Keyword::LANGUAGE) {
        return Ok(GrantTarget::Languages(names(p)?));
    }
    if p.parse_keyword(Keyword::TYPE) {
        return Ok(GrantTarget::Types("TYPE".into(), object_names(p)?));
    }
    if p.parse_keyword(Keyword::DOMAIN) {
        return Ok(GrantTarget::Types("DOMAIN".into(), object_names(p)?));
    }
    for kind in [
        &["TABLESPACE"][..],
        &["FOREIGN", "DATA", "WRAPPER"],
        &["FOREIGN", "SERVER"],
        &["LARGE", "OBJECT"],
        &["PARAMETER"],
    ] {
        if kind.iter().enumerate().all(|(i, k)| word_text(p, i, k)) {
            for _ in kind.iter() {
                p.next_token();
            }
            // The names, as written, up to TO / FROM.
            while !(word(p, 0, Keyword::TO) || word(p, 0, Keyword::FROM)) {
                if matches!(p.peek_token().token, Token::EOF | Token::SemiColon) {
                    return p.expected("TO or FROM", p.peek_token());
                }
                p.next_token();
            }
            return Ok(GrantTarget::Other(kind.join(" ")));
        }
    }
    Ok(GrantTarget::Tables(object_names(p)?))
}

/// The GRANT / REVOKE after its first keyword; `kind` set reads the
/// object kind of ALTER DEFAULT PRIVILEGES instead of a target.
fn grant_body(
    p: &mut Parser<'_>,
    grant: bool,
    defaults: bool,
) -> Result<GrantStatement, ParserError> {
    let mut grant_option = false;
    if !grant && p.parse_keywords(&[Keyword::GRANT, Keyword::OPTION, Keyword::FOR]) {
        grant_option = true;
    }
    let mut privileges = vec![privilege(p)?];
    while p.consume_token(&Token::Comma) {
        privileges.push(privilege(p)?);
    }
    p.expect_keyword(Keyword::ON)?;
    let (target, kind) = if defaults {
        let t = p.next_token();
        let kind = match &t.token {
            Token::Word(w) => w.value.to_ascii_uppercase(),
            _ => {
                return p.expected(
                    "TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES or SCHEMAS",
                    t,
                )
            }
        };
        if !matches!(
            kind.as_str(),
            "TABLES" | "SEQUENCES" | "FUNCTIONS" | "ROUTINES" | "TYPES" | "SCHEMAS"
        ) {
            return p.expected(
                "TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES or SCHEMAS",
                t,
            );
        }
        (GrantTarget::Other(kind.clone()), Some(kind))
    } else {
        (target(p)?, None)
    };
    p.expect_keyword(if grant { Keyword::TO } else { Keyword::FROM })?;
    let mut grantees = vec![grantee(p)?];
    while p.consume_token(&Token::Comma) {
        grantees.push(grantee(p)?);
    }
    if grant && p.parse_keywords(&[Keyword::WITH, Keyword::GRANT, Keyword::OPTION]) {
        grant_option = true;
    }
    let granted_by = if p.parse_keywords(&[Keyword::GRANTED, Keyword::BY]) {
        Some(grantee(p)?)
    } else {
        None
    };
    let cascade = !grant && p.parse_keyword(Keyword::CASCADE);
    if !grant && !cascade {
        let _ = p.parse_keyword(Keyword::RESTRICT);
    }
    Ok(GrantStatement {
        grant,
        grant_option,
        privileges,
        target,
        grantees,
        granted_by,
        cascade,
        defaults: kind.map(|kind| DefaultScope {
            roles: Vec::new(),
            schemas: Vec::new(),
            kind,
        }),
    })
}

/// Parses the statement.
pub fn parse(p: &mut Parser<'_>) -> Result<GrantStatement, ParserError> {
    if p.parse_keywords(&[Keyword::ALTER, Keyword::DEFAULT, Keyword::PRIVILEGES]) {
        let mut roles = Vec::new();
        let mut schemas = Vec::new();
        loop {
            if p.parse_keyword(Keyword::FOR) {
                p.expect_one_of_keywords(&[Keyword::ROLE, Keyword::USER])?;
                roles.extend(names(p)?);
            } else if p.parse_keywords(&[Keyword::IN, Keyword::SCHEMA]) {
                schemas.extend(names(p)?);
            } else {
                break;
            }
        }
        let grant = matches!(
            p.expect_one_of_keywords(&[Keyword::GRANT, Keyword::REVOKE])?,
            Keyword::GRANT
        );
        let mut g = grant_body(p, grant, true)?;
        if let Some(d) = &mut g.defaults {
            d.roles = roles;
            d.schemas = schemas;
        }
        return Ok(g);
    }
    let grant = matches!(
        p.expect_one_of_keywords(&[Keyword::GRANT, Keyword::REVOKE])?,
        Keyword::GRANT
    );
    grant_body(p, grant, false)
}

/// DROP OWNED BY roles [CASCADE | RESTRICT] or REASSIGN OWNED BY roles
/// TO role.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedStatement {
    /// The roles whose objects these are.
    pub roles: Vec<Grantee>,
    /// REASSIGN's new owner; None for DROP OWNED.
    pub to: Option<Grantee>,
    /// CASCADE.
    pub cascade: bool,
}

/// Whether DROP OWNED or REASSIGN OWNED starts here.
pub fn owned_starts(p: &Parser<'_>) -> bool {
    (word(p, 0, Keyword::DROP) || word_text(p, 0, "reassign")) && word(p, 1, Keyword::OWNED)
}

/// Parses DROP OWNED / REASSIGN OWNED.
pub fn parse_owned(p: &mut Parser<'_>) -> Result<OwnedStatement, ParserError> {
    let drop = p.parse_keyword(Keyword::DROP);
    if !drop {
        p.next_token();
    }
    p.expect_keywords(&[Keyword::OWNED, Keyword::BY])?;
    let mut roles = vec![grantee(p)?];
    while p.consume_token(&Token::Comma) {
        roles.push(grantee(p)?);
    }
    if drop {
        let cascade = p.parse_keyword(Keyword::CASCADE);
        if !cascade {
            let _ = p.parse_keyword(Keyword::RESTRICT);
        }
        return Ok(OwnedStatement {
            roles,
            to: None,
            cascade,
        });
    }
    p.expect_keyword(Keyword::TO)?;
    let to = grantee(p)?;
    Ok(OwnedStatement {
        roles,
        to: Some(to),
        cascade: false,
    })
}
