//! Parsing: SQL text to sqlparser statements (PostgreSQL dialect), with
//! syntax errors reported as PostgreSQL reports them.
//!
//! sqlparser words its errors as "Expected: X, found: Y at Line: L,
//! Column: C"; PostgreSQL says `syntax error at or near "Y"` with the
//! 1-based character position of Y, or `syntax error at end of input`
//! with the position just past the text. [`parse`] turns the one into the
//! other, quoting the offending token as it appears in the source.

use sqlparser::ast::{ObjectName, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use crate::error::{Result, SqlError, SqlState};

pub mod alter_rel;
pub mod alter_type;
pub mod assign;
mod check_option;
pub mod comment;
mod copy;
pub mod cursor;
pub mod database;
mod dismantle;
pub mod domain;
mod escapes;
mod fast_insert;
mod frame;
pub mod grant;
pub mod like;
mod locking;
mod merge;
pub mod search_cycle;
mod sequence;
pub mod trigger;

pub use copy::{CopyArg, CopyOption, CopySource, CopyStatement, CopyTarget};
pub use frame::{take_exclusion, Exclusion};
pub use sequence::{from_sqlparser as sequence_options, SeqOption, SequenceStatement};

/// How deep sqlparser may recurse before reporting 54001. PostgreSQL
/// accepts around a thousand nested parentheses with its 2 MB default
/// stack; executor threads have a stack sized for this limit.
pub const MAX_PARSE_DEPTH: usize = 10_000;

/// What a REINDEX names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReindexKind {
    /// One index.
    Index,
    /// A table's indexes.
    Table,
    /// Every table's of a schema.
    Schema,
    /// Every user table's of the database.
    Database,
    /// The system catalogs'.
    System,
}

impl ReindexKind {
    /// As REINDEX writes it.
    pub fn keyword(self) -> &'static str {
        match self {
            ReindexKind::Index => "INDEX",
            ReindexKind::Table => "TABLE",
            ReindexKind::Schema => "SCHEMA",
            ReindexKind::Database => "DATABASE",
            ReindexKind::System => "SYSTEM",
        }
    }
}

/// The two-phase commit statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TwoPhase {
    /// PREPARE TRANSACTION.
    Prepare,
    /// COMMIT PREPARED.
    Commit,
    /// ROLLBACK PREPARED.
    Rollback,
}

/// A parsed statement: sqlparser's, or one of the PostgreSQL statements
/// sqlparser does not know, parsed here from its tokens.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Anything sqlparser parses.
    Sql(Ast),
    /// DO [LANGUAGE name] 'code' (an anonymous code block).
    Do {
        /// LANGUAGE (plpgsql when not given).
        language: String,
        /// The code.
        body: String,
    },
    /// CHECKPOINT.
    Checkpoint,
    /// CREATE [OR REPLACE] PROCEDURE, read as sqlparser reads CREATE
    /// FUNCTION (PostgreSQL's grammar shares it, less RETURNS).
    CreateProcedure(Ast),
    /// DROP / ALTER PROCEDURE or ROUTINE, read as DROP / ALTER FUNCTION.
    Routine {
        /// What the statement names.
        kind: RoutineKind,
        /// The DROP FUNCTION or ALTER FUNCTION statement.
        ast: Ast,
    },
    /// CLUSTER [VERBOSE] [table [USING index]].
    Cluster {
        /// The table (None: every table with a clustered index).
        table: Option<ObjectName>,
        /// USING index.
        index: Option<String>,
    },
    /// PREPARE TRANSACTION / COMMIT PREPARED / ROLLBACK PREPARED 'gid'.
    TwoPhase {
        /// Which of the three.
        kind: TwoPhase,
        /// The transaction's identifier.
        gid: String,
    },
    /// FETCH or MOVE.
    Fetch(Box<cursor::FetchStatement>),
    /// CREATE DATABASE with PostgreSQL's options.
    CreateDatabase(Box<database::CreateDatabase>),
    /// CREATE, ALTER or DROP DOMAIN.
    Domain(Box<domain::DomainStatement>),
    /// CREATE / DROP / ALTER TRIGGER.
    Trigger(Box<trigger::TriggerStatement>),
    /// COMMENT ON FUNCTION f(args) / TRIGGER t ON table.
    CommentOn(Box<comment::CommentOn>),
    /// GRANT / REVOKE privileges ON objects, ALTER DEFAULT PRIVILEGES.
    Grant(Box<grant::GrantStatement>),
    /// DROP OWNED BY / REASSIGN OWNED BY.
    Owned(Box<grant::OwnedStatement>),
    /// ALTER TABLE / INDEX / VIEW / SEQUENCE forms sqlparser does not
    /// read (SET SCHEMA, RENAME of an index, SET STATISTICS ...).
    AlterRelation(Box<alter_rel::AlterRelation>),
    /// ALTER TYPE name ... ATTRIBUTE ...
    AlterTypeAttributes(Box<alter_type::AlterTypeAttributes>),
    /// CREATE TABLE with LIKE elements in its column list.
    CreateTableLike(Box<like::CreateLike>),
    /// ALTER TABLE t ALTER CONSTRAINT c [[NOT] DEFERRABLE] [INITIALLY
    /// DEFERRED | IMMEDIATE] (sqlparser does not read it).
    AlterConstraint {
        /// The table's name parts.
        table: Vec<String>,
        /// The constraint.
        name: String,
        /// DEFERRABLE.
        deferrable: bool,
        /// INITIALLY DEFERRED.
        deferred: bool,
    },
    /// ALTER TYPE name OWNER TO role (sqlparser reads no OWNER TO there).
    AlterTypeOwner {
        /// The type's name, as written.
        name: sqlparser::ast::ObjectName,
        /// The new owner.
        role: String,
    },
    /// CREATE SCHEMA name followed by schema elements (CREATE TABLE,
    /// VIEW, INDEX, SEQUENCE) run in the new schema.
    CreateSchema {
        /// The CREATE SCHEMA itself.
        schema: Ast,
        /// Its elements, in the order written.
        elements: Vec<Ast>,
    },
    /// COPY.
    Copy(Box<CopyStatement>),
    /// CREATE SEQUENCE or ALTER SEQUENCE.
    Sequence(Box<SequenceStatement>),
    /// SET CONSTRAINTS {ALL | name, ...} {DEFERRED | IMMEDIATE}.
    SetConstraints {
        /// The constraints named (None: ALL).
        names: Option<Vec<String>>,
        /// DEFERRED rather than IMMEDIATE.
        deferred: bool,
    },
    /// REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM}
    /// [CONCURRENTLY] name.
    Reindex {
        /// What the name is.
        kind: ReindexKind,
        /// Its name parts.
        name: ObjectName,
        /// Options in parentheses, lower case, with their values as
        /// written (CONCURRENTLY after the kind is one too).
        options: Vec<(String, Option<String>)>,
    },
    /// VACUUM [FULL | FREEZE | VERBOSE | ANALYZE]... | VACUUM (options)
    /// [table [(column, ...)] [, ...]], and ANALYZE [VERBOSE] | ANALYZE
    /// (options) with the same table list.
    Vacuum {
        /// ANALYZE rather than VACUUM.
        analyze: bool,
        /// Option words, lower case.
        options: Vec<String>,
        /// Tables, each with the columns named (none: all of them);
        /// empty means every table of the database.
        tables: Vec<(ObjectName, Vec<String>)>,
    },
}

/// What DROP / ALTER FUNCTION, PROCEDURE or ROUTINE names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutineKind {
    /// FUNCTION.
    Function,
    /// PROCEDURE.
    Procedure,
    /// ROUTINE: either.
    Routine,
}

impl RoutineKind {
    /// The word messages use.
    pub fn word(self) -> &'static str {
        match self {
            RoutineKind::Function => "function",
            RoutineKind::Procedure => "procedure",
            RoutineKind::Routine => "routine",
        }
    }
}

/// Text longer than this may hold an expression chain whose recursive
/// drop would not fit an executor thread's stack.
const DEEP_TEXT: usize = 64 * 1024;

/// A sqlparser statement. sqlparser's trees are dropped recursively, and
/// its parser builds left-deep chains (`a+b+c...`, `... UNION ALL ...`)
/// of any length without recursion; a statement from a long text is
/// therefore taken apart without recursion before it drops
/// ([`dismantle`]), so that no text can overflow the thread that drops
/// it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ast {
    /// The statement.
    stmt: Box<Statement>,
    /// Bytes of text it came from, when that is more than [`DEEP_TEXT`]
    /// (0 otherwise).
    deep_text: usize,
}

impl Ast {
    /// `stmt`, parsed from `text_len` bytes.
    pub fn new(stmt: Statement, text_len: usize) -> Ast {
        Ast {
            stmt: Box::new(stmt),
            deep_text: if text_len > DEEP_TEXT { text_len } else { 0 },
        }
    }

    /// Another statement taken from this one (a copy of its part),
    /// dropped with the same care.
    pub fn derived(&self, stmt: Statement) -> Ast {
        Ast {
            stmt: Box::new(stmt),
            deep_text: self.deep_text,
        }
    }

    /// The statement, to change in place.
    pub fn statement_mut(&mut self) -> &mut Statement {
        &mut self.stmt
    }

    /// The statement, to keep. Its drop is the caller's: only for
    /// statements built here from short text.
    pub fn into_statement(mut self) -> Statement {
        self.deep_text = 0;
        let placeholder = Statement::Commit {
            chain: false,
            end: false,
            modifier: None,
        };
        *std::mem::replace(&mut self.stmt, Box::new(placeholder))
    }
}

impl std::ops::Deref for Ast {
    type Target = Statement;

    fn deref(&self) -> &Statement {
        &self.stmt
    }
}

impl AsRef<Statement> for Ast {
    fn as_ref(&self) -> &Statement {
        &self.stmt
    }
}

impl Drop for Ast {
    fn drop(&mut self) {
        if self.deep_text == 0 {
            return;
        }
        dismantle::dismantle(&mut self.stmt);
    }
}

/// The NOTICEs PostgreSQL's lexer gives for `sql`: identifiers longer
/// than 63 bytes "will be truncated" (42622); [`crate::binder::ident`]
/// truncates them. The text is tokenized again only when it has a run of
/// more than 63 bytes that could be one.
pub fn identifier_notices(sql: &str) -> Vec<SqlError> {
    let mut run = 0usize;
    let mut long = false;
    let mut in_string = false;
    for &b in sql.as_bytes() {
        // String literals ('' inside one toggles twice) hold no names.
        if b == b'\'' {
            in_string = !in_string;
            run = 0;
            continue;
        }
        if in_string {
            continue;
        }
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80 {
            run += 1;
            if run > 63 {
                long = true;
                break;
            }
        } else {
            run = 0;
        }
    }
    if !long {
        return Vec::new();
    }
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, sql).tokenize() else {
        return Vec::new();
    };
    tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => {
                let name = match w.quote_style {
                    Some(_) => w.value,
                    None => w.value.to_lowercase(),
                };
                let mut cut = name.clone();
                crate::binder::truncate_identifier(&mut cut).then(|| {
                    SqlError::notice(
                        SqlState::NAME_TOO_LONG,
                        format!("identifier \"{name}\" will be truncated to \"{cut}\""),
                    )
                })
            }
            _ => None,
        })
        .collect()
}

/// [`parse`] for statements a session runs again and again with new
/// parameters (PL/pgSQL's and triggers' statements, run per call): the
/// trees of the last texts are kept per thread and cloned, as SPI keeps a
/// prepared statement's parse tree.
pub fn parse_cached(sql: &str) -> Result<Vec<Parsed>> {
    /// How many texts each thread keeps.
    const KEPT: usize = 128;
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, Vec<Parsed>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    // Short texts only: a tree is cloned recursively.
    if sql.len() > 4096 {
        return parse(sql);
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(sql).cloned()) {
        return Ok(hit);
    }
    let parsed = parse(sql)?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEPT {
            c.clear();
        }
        c.insert(sql.to_owned(), parsed.clone());
    });
    Ok(parsed)
}

/// Parses every statement of `sql`. An empty or blank string gives an
/// empty list (EmptyQueryResponse).
pub fn parse(sql: &str) -> Result<Vec<Parsed>> {
    if let Some(stmt) = fast_insert::parse(sql) {
        return Ok(vec![Parsed::Sql(Ast::new(stmt, sql.len()))]);
    }
    // U&'...' and E'\u...' literals, as plain literals of their values
    // (the same length, so positions hold).
    let unescaped = escapes::rewrite(sql)?;
    let sql: &str = &unescaped;
    if let Some(rewritten) = qualified_any(sql) {
        return parse_all(&rewritten).map_err(|e| syntax_error(&rewritten, e));
    }
    if let Some(stripped) = sequence::strip_sequence_name(sql) {
        return parse_all(&stripped).map_err(|e| syntax_error(&stripped, e));
    }
    if let Some(alter) = alter_constraint(sql)? {
        return Ok(vec![alter]);
    }
    if let Some(drop) = drop_aggregate(sql) {
        return parse_all(&drop).map_err(|e| syntax_error(&drop, e));
    }
    parse_all(sql).map_err(|e| syntax_error(sql, e))
}

/// `DROP AGGREGATE [IF EXISTS] name(args | *) ...` and `ALTER AGGREGATE
/// name(args) {OWNER TO | RENAME TO | SET SCHEMA} ...`, which sqlparser
/// does not read, as the DROP / ALTER FUNCTION of the same pg_proc rows
/// (`(*)` is no arguments); None for any other text.
fn drop_aggregate(sql: &str) -> Option<String> {
    static RE: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?is)^\s*(drop|alter)\s+aggregate\b").ok());
    let caps = RE.as_ref()?.captures(sql)?;
    let verb = caps.get(1)?.as_str().to_uppercase();
    // `(*)` only within this statement (a later `count(*)` stays).
    let rest = &sql[caps.get(0)?.end()..];
    let end = rest.find(';').unwrap_or(rest.len());
    Some(format!(
        "{verb} FUNCTION{}{}",
        rest[..end].replace("(*)", "()"),
        &rest[end..]
    ))
}

/// `ALTER TABLE [ONLY] t ALTER CONSTRAINT c [[NOT] DEFERRABLE] [INITIALLY
/// DEFERRED | IMMEDIATE]`, as PostgreSQL's grammar reads its attributes
/// (unsaid: NOT DEFERRABLE INITIALLY IMMEDIATE; INITIALLY DEFERRED alone
/// implies DEFERRABLE); None for any other text.
fn alter_constraint(sql: &str) -> Result<Option<Parsed>> {
    static RE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?is)^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?((?:"[^"]*"|[\w$]+)(?:\s*\.\s*(?:"[^"]*"|[\w$]+))*)\s+ALTER\s+CONSTRAINT\s+("[^"]*"|[\w$]+)((?:\s+(?:NOT\s+DEFERRABLE|DEFERRABLE|INITIALLY\s+DEFERRED|INITIALLY\s+IMMEDIATE))*)\s*;?\s*$"#,
        )
        .ok()
    });
    let Some(re) = RE.as_ref() else {
        return Ok(None);
    };
    let Some(c) = re.captures(sql) else {
        return Ok(None);
    };
    let (Some(table), Some(name)) = (
        crate::binder::qualified_name(&c[1]),
        crate::binder::qualified_name(&c[2]),
    ) else {
        return Ok(None);
    };
    let attrs = c[3].to_lowercase();
    let words: Vec<&str> = attrs.split_whitespace().collect();
    let not_deferrable = words.windows(2).any(|w| w == ["not", "deferrable"]);
    let deferrable_said = words.contains(&"deferrable") && !not_deferrable;
    let deferred = words.windows(2).any(|w| w == ["initially", "deferred"]);
    if not_deferrable && deferred {
        let at = sql
            .to_ascii_lowercase()
            .rfind("initially")
            .map(|b| sql[..b].chars().count() as u32 + 1);
        return Err(crate::error::SqlError::syntax(
            "constraint declared INITIALLY DEFERRED must be DEFERRABLE",
            at,
        ));
    }
    Ok(Some(Parsed::AlterConstraint {
        table,
        name: name.join("."),
        deferrable: deferrable_said || deferred,
        deferred,
    }))
}

/// `x OPERATOR(pg_catalog.=) ANY (array)` (pg_dump's and psql's form of
/// `= ANY`), which sqlparser does not read, written as `x = ANY (array)`;
/// None when the text has none.
fn qualified_any(sql: &str) -> Option<String> {
    if !sql.contains("OPERATOR(") {
        return None;
    }
    static RE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)OPERATOR\(\s*pg_catalog\s*\.\s*(=|<>|!=|<=|>=|<|>|~~\*?|!~~\*?|~\*?|!~\*?)\s*\)(\s+)(ANY|ALL|SOME)\b",
        )
        .ok()
    });
    let re = RE.as_ref()?;
    if !re.is_match(sql) {
        return None;
    }
    Some(re.replace_all(sql, "$1$2$3").into_owned())
}

/// The CREATE and GRANT statements that follow CREATE SCHEMA name up to
/// the end of the statement. Each element is cut at the next CREATE or
/// GRANT outside parentheses and parsed on its own (sqlparser would read
/// a following CREATE as a view's table alias).
fn schema_elements(p: &mut Parser<'_>, len: usize) -> std::result::Result<Vec<Ast>, ParserError> {
    let starts = |t: &Token| matches!(t, Token::Word(w) if w.keyword == Keyword::CREATE || w.keyword == Keyword::GRANT);
    let mut out = Vec::new();
    while starts(&p.peek_token().token) {
        let mut tokens = Vec::new();
        let mut depth = 0i32;
        loop {
            let t = p.peek_token();
            match &t.token {
                Token::EOF | Token::SemiColon if depth == 0 => break,
                tok if depth == 0 && !tokens.is_empty() && starts(tok) => break,
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            tokens.push(p.next_token());
        }
        let dialect = PostgreSqlDialect {};
        let mut sub = Parser::new(&dialect).with_tokens_with_locations(tokens);
        let stmt = sub.parse_statement()?;
        let rest = sub.peek_token();
        if rest.token != Token::EOF {
            return Err(found(&rest, "end of statement"));
        }
        out.push(Ast::new(stmt, len));
    }
    Ok(out)
}

fn found(tok: &sqlparser::tokenizer::TokenWithSpan, expected: &str) -> ParserError {
    ParserError::ParserError(format!(
        "Expected: {expected}, found: {} at Line: {}, Column: {}",
        tok.token, tok.span.start.line, tok.span.start.column
    ))
}

/// The last part of each relation name a statement reads (a view's
/// query: the tables pg_depend says it depends on); empty if it does not
/// parse.
pub fn relations_read(sql: &str) -> Vec<String> {
    let mut names = Vec::new();
    for p in parse(sql).unwrap_or_default() {
        if let Parsed::Sql(s) = p {
            let _ = sqlparser::ast::visit_relations(s.as_ref(), |r| {
                if let Some(last) = r.0.last().and_then(|p| p.as_ident()) {
                    names.push(crate::binder::ident(last));
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
        }
    }
    names
}

/// `sql` with every unqualified relation name that is neither a WITH
/// query nor a system relation prefixed by `schema`; None if it does not
/// parse as one statement.
pub fn qualify_relations(sql: &str, schema: &str) -> Option<String> {
    qualify_relations_with(sql, &mut |_| Some(schema.to_owned()))
}

/// `sql` with each unqualified relation name that is neither a WITH query
/// nor a system relation prefixed by the schema `schema_of` gives for it
/// (None leaves it bare); None if it does not parse as one statement.
pub fn qualify_relations_with(
    sql: &str,
    schema_of: &mut dyn FnMut(&str) -> Option<String>,
) -> Option<String> {
    use sqlparser::ast::{Ident, ObjectNamePart, Query, Visit, Visitor};
    struct Ctes(Vec<String>);
    impl Visitor for Ctes {
        type Break = ();
        fn pre_visit_query(&mut self, q: &Query) -> std::ops::ControlFlow<()> {
            if let Some(w) = &q.with {
                self.0.extend(
                    w.cte_tables
                        .iter()
                        .map(|c| crate::binder::ident(&c.alias.name)),
                );
            }
            std::ops::ControlFlow::Continue(())
        }
    }
    let mut parsed = parse(sql).ok()?;
    let [Parsed::Sql(stmt)] = parsed.as_mut_slice() else {
        return None;
    };
    let mut ctes = Ctes(Vec::new());
    let _ = stmt.as_ref().visit(&mut ctes);
    let mut stmt = stmt.as_ref().clone();
    let _ = sqlparser::ast::visit_relations_mut(&mut stmt, |name| {
        if let [ObjectNamePart::Identifier(id)] = name.0.as_slice() {
            let n = crate::binder::ident(id);
            let system = crate::catalog::SystemView::lookup(std::slice::from_ref(&n)).is_some();
            if !system && !ctes.0.contains(&n) {
                if let Some(schema) = schema_of(&n) {
                    name.0
                        .insert(0, ObjectNamePart::Identifier(Ident::new(schema)));
                }
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    Some(stmt.to_string())
}

/// `sql` with every reference to relation `from` (its name parts as the
/// stored text writes them: bare for public) written as `to`; None when
/// it names no such relation or does not parse as one statement.
pub fn rename_relation_in(sql: &str, from: &[String], to: &[String]) -> Option<String> {
    use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
    let mut parsed = parse(sql).ok()?;
    let [Parsed::Sql(stmt)] = parsed.as_mut_slice() else {
        return None;
    };
    let mut stmt = stmt.as_ref().clone();
    let mut changed = false;
    let _ = sqlparser::ast::visit_relations_mut(&mut stmt, |name| {
        let parts: Vec<String> = name
            .0
            .iter()
            .filter_map(|p| p.as_ident().map(crate::binder::ident))
            .collect();
        if parts == from {
            *name = ObjectName(
                to.iter()
                    .map(|p| {
                        ObjectNamePart::Identifier(if crate::func::quote_ident(p) == *p {
                            Ident::new(p.clone())
                        } else {
                            Ident::with_quote('"', p.clone())
                        })
                    })
                    .collect(),
            );
            changed = true;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    changed.then(|| stmt.to_string())
}

/// Whether `sql` takes the INSERT ... VALUES fast path (for tests).
#[cfg(test)]
pub fn fast_insert_applies(sql: &str) -> bool {
    fast_insert::parse(sql).is_some()
}

/// Whether the statement at the parser's position is ALTER TYPE name
/// OWNER TO role.
fn alter_type_owner_starts(p: &Parser<'_>) -> bool {
    let word = |i: usize, k: Keyword| matches!(&p.peek_nth_token(i).token, Token::Word(w) if w.keyword == k);
    if !(word(0, Keyword::ALTER) && word(1, Keyword::TYPE)) {
        return false;
    }
    // The name: identifiers separated by dots, then OWNER.
    let mut i = 2;
    loop {
        if !matches!(&p.peek_nth_token(i).token, Token::Word(_)) {
            return false;
        }
        i += 1;
        if p.peek_nth_token(i).token != Token::Period {
            return word(i, Keyword::OWNER);
        }
        i += 1;
    }
}

/// Parses `ALTER TYPE name OWNER TO role`.
fn parse_alter_type_owner(p: &mut Parser<'_>) -> std::result::Result<Parsed, ParserError> {
    p.expect_keywords(&[Keyword::ALTER, Keyword::TYPE])?;
    let name = p.parse_object_name(false)?;
    p.expect_keywords(&[Keyword::OWNER, Keyword::TO])?;
    let role = crate::binder::ident(&p.parse_identifier()?);
    Ok(Parsed::AlterTypeOwner { name, role })
}

/// sqlparser's statement loop, with CHECKPOINT and VACUUM handled here.
fn parse_all(sql: &str) -> std::result::Result<Vec<Parsed>, ParserError> {
    let dialect = PostgreSqlDialect {};
    let tokens = sqlparser::tokenizer::Tokenizer::new(&dialect, sql)
        .with_unescape(true)
        .tokenize_with_location()?;
    let (tokens, targets) = assign::cut_subscripts(tokens);
    let tokens = similar_substring(tokens);
    let tokens = variadic_arguments(tokens);
    let tokens = function_options(tokens);
    let tokens = argument_modes(tokens);
    let tokens = locking::rewrite(tokens);
    let tokens = locking::current_of(tokens);
    let tokens = create_user(tokens);
    let tokens = recursive_view(tokens);
    let tokens = comment_on_constraint(tokens);
    let tokens = create_not_valid(tokens);
    let tokens = matview_with_data(tokens);
    let tokens = ctas_column_names(tokens);
    let tokens = field_star(tokens);
    let tokens = isnull_postfix(tokens);
    let tokens = without_oids(tokens);
    let tokens = frame::rewrite(tokens);
    let tokens = search_cycle::rewrite(tokens);
    let tokens = merge::rewrite(tokens);
    let tokens = check_option::rewrite(tokens);
    let (tokens, routines) = routine_keywords(tokens);
    let mut targets = targets.into_iter().peekable();
    let mut p = Parser::new(&dialect)
        .with_recursion_limit(MAX_PARSE_DEPTH)
        .with_tokens_with_locations(tokens);
    let mut out = Vec::new();
    loop {
        while p.consume_token(&Token::SemiColon) {}
        if p.peek_token().token == Token::EOF {
            break;
        }
        let routine = routines
            .iter()
            .find(|(at, _)| *at == p.peek_token().span.start)
            .map(|(_, k)| *k);
        let alter_rel = match &p.peek_token().token {
            Token::Word(w) if w.keyword == Keyword::ALTER => p.maybe_parse(alter_rel::parse)?,
            _ => None,
        };
        let typed = match &p.peek_token().token {
            Token::Word(w) if w.keyword == Keyword::CREATE && alter_rel.is_none() => {
                p.maybe_parse(|p| like::parse_typed(p, sql))?
            }
            _ => None,
        };
        let mut stmt = match (alter_rel, typed) {
            (Some(a), _) => Parsed::AlterRelation(Box::new(a)),
            (None, Some(t)) => Parsed::CreateTableLike(Box::new(t)),
            (None, None) => match &p.peek_token().token {
                Token::Word(w) if w.value.eq_ignore_ascii_case("checkpoint") => {
                    p.next_token();
                    Parsed::Checkpoint
                }
                Token::Word(w) if w.keyword == Keyword::DO => {
                    p.next_token();
                    parse_do(&mut p)?
                }
                _ if create_procedure_starts(&p) => {
                    p.next_token();
                    let or_replace = p.parse_keywords(&[Keyword::OR, Keyword::REPLACE]);
                    p.expect_keyword(Keyword::PROCEDURE)?;
                    let stmt = p.parse_create_function(false, or_replace, false)?;
                    Parsed::CreateProcedure(Ast::new(stmt, sql.len()))
                }
                Token::Word(w) if w.value.eq_ignore_ascii_case("cluster") => {
                    p.next_token();
                    parse_cluster(&mut p)?
                }
                Token::Word(w) if w.value.eq_ignore_ascii_case("reindex") => {
                    p.next_token();
                    parse_reindex(&mut p)?
                }
                _ if two_phase_kind(&p).is_some() => parse_two_phase(&mut p)?,
                Token::Word(w) if w.keyword == Keyword::VACUUM => {
                    p.next_token();
                    parse_vacuum(&mut p, false)?
                }
                Token::Word(w)
                    if w.value.eq_ignore_ascii_case("analyze")
                        || w.value.eq_ignore_ascii_case("analyse") =>
                {
                    p.next_token();
                    parse_vacuum(&mut p, true)?
                }
                Token::Word(w) if w.keyword == Keyword::COPY => {
                    p.next_token();
                    Parsed::Copy(Box::new(copy::parse_copy(&mut p, sql)?))
                }
                Token::Word(w) if w.keyword == Keyword::TABLE => {
                    let mut q = p.parse_query()?;
                    expand_table(&mut q.body);
                    Parsed::Sql(Ast::new(Statement::Query(q), sql.len()))
                }
                // RESET TIME ZONE is RESET timezone (sqlparser stops at ZONE).
                Token::Word(w)
                    if w.value.eq_ignore_ascii_case("reset")
                        && matches!(&p.peek_nth_token(1).token,
                        Token::Word(t) if t.value.eq_ignore_ascii_case("time"))
                        && matches!(&p.peek_nth_token(2).token,
                        Token::Word(z) if z.value.eq_ignore_ascii_case("zone")) =>
                {
                    for _ in 0..3 {
                        p.next_token();
                    }
                    let reset = Parser::parse_sql(&dialect, "RESET timezone")?
                        .pop()
                        .ok_or_else(|| ParserError::ParserError("RESET timezone".into()))?;
                    Parsed::Sql(Ast::new(reset, sql.len()))
                }
                _ if sequence::starts(&p) => Parsed::Sequence(Box::new(sequence::parse(&mut p)?)),
                _ if cursor::starts(&p) => Parsed::Fetch(Box::new(cursor::parse(&mut p)?)),
                _ if database::starts(&p) => {
                    Parsed::CreateDatabase(Box::new(database::parse(&mut p)?))
                }
                _ if alter_type_owner_starts(&p) => parse_alter_type_owner(&mut p)?,
                _ if domain::starts(&p) => Parsed::Domain(Box::new(domain::parse(&mut p)?)),
                _ if trigger::starts(&p) => Parsed::Trigger(Box::new(trigger::parse(&mut p)?)),
                _ if comment::starts(&p) => Parsed::CommentOn(Box::new(comment::parse(&mut p)?)),
                _ if grant::starts(&p) => Parsed::Grant(Box::new(grant::parse(&mut p)?)),
                _ if grant::owned_starts(&p) => {
                    Parsed::Owned(Box::new(grant::parse_owned(&mut p)?))
                }
                _ if alter_type::starts(&p) => {
                    Parsed::AlterTypeAttributes(Box::new(alter_type::parse(&mut p)?))
                }
                _ if like::starts(&p) => {
                    Parsed::CreateTableLike(Box::new(like::parse(&mut p, sql)?))
                }
                Token::Word(w)
                    if w.keyword == Keyword::SET
                        && matches!(&p.peek_nth_token(1).token,
                        Token::Word(c) if c.value.eq_ignore_ascii_case("constraints")) =>
                {
                    p.next_token();
                    p.next_token();
                    parse_set_constraints(&mut p)?
                }
                _ => {
                    let mut stmt = p.parse_statement()?;
                    if let Statement::Query(q) = &mut stmt {
                        expand_table(&mut q.body);
                    }
                    let elements = if matches!(stmt, Statement::CreateSchema { .. }) {
                        schema_elements(&mut p, sql.len())?
                    } else {
                        Vec::new()
                    };
                    if elements.is_empty() {
                        Parsed::Sql(Ast::new(stmt, sql.len()))
                    } else {
                        Parsed::CreateSchema {
                            schema: Ast::new(stmt, sql.len()),
                            elements,
                        }
                    }
                }
            },
        };
        // CALL takes an argument list, even an empty one.
        if let Parsed::Sql(ast) = &stmt {
            if let Statement::Call(f) = ast.as_ref() {
                if matches!(f.args, sqlparser::ast::FunctionArguments::None) {
                    return Err(found(&p.peek_token(), "("));
                }
            }
        }
        if let (Some(kind), Parsed::Sql(ast)) = (routine, &stmt) {
            stmt = Parsed::Routine {
                kind,
                ast: ast.clone(),
            };
        }
        // Subscripted targets cut out of this statement's tokens.
        let end = p.peek_token().span.start;
        while let Some(t) = targets.next_if(|t| t.start < end || end.line == 0) {
            if let Parsed::Sql(ast) = &mut stmt {
                assign::apply(ast.statement_mut(), &t)?;
            }
        }
        out.push(stmt);
        let next = p.peek_token();
        match next.token {
            Token::EOF => break,
            Token::SemiColon => {}
            _ => return Err(found(&next, "end of statement")),
        }
    }
    Ok(out)
}

pub use locking::{current_of_cursor, KEY_SHARE_MARK, NO_KEY_MARK};
pub use merge::DEFAULT_VALUES_MARK;

/// `CREATE [OR REPLACE] [TEMP] RECURSIVE VIEW name (cols) AS query` as
/// PostgreSQL defines it: `CREATE ... VIEW name AS WITH RECURSIVE
/// name (cols) AS (query) SELECT cols FROM name`.
fn recursive_view(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    let kw = locking::is_kw;
    if !tokens.iter().any(|t| kw(t, Keyword::RECURSIVE)) {
        return tokens;
    }
    let t: Vec<TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .cloned()
        .collect();
    // CREATE [OR REPLACE] [TEMP | TEMPORARY] RECURSIVE VIEW
    let mut i = 0;
    if !t.first().is_some_and(|x| kw(x, Keyword::CREATE)) {
        return tokens;
    }
    i += 1;
    if t.get(i).is_some_and(|x| kw(x, Keyword::OR))
        && t.get(i + 1).is_some_and(|x| kw(x, Keyword::REPLACE))
    {
        i += 2;
    }
    if t.get(i)
        .is_some_and(|x| kw(x, Keyword::TEMP) || kw(x, Keyword::TEMPORARY))
    {
        i += 1;
    }
    if !(t.get(i).is_some_and(|x| kw(x, Keyword::RECURSIVE))
        && t.get(i + 1).is_some_and(|x| kw(x, Keyword::VIEW)))
    {
        return tokens;
    }
    let head: Vec<TokenWithSpan> = t[..i].to_vec();
    let view_kw = t[i + 1].clone();
    let mut j = i + 2;
    let name = locking::dotted_name(&t, &mut j);
    let Some(last) = name.last().cloned() else {
        return tokens;
    };
    // (cols)
    if t.get(j).map(|x| &x.token) != Some(&Token::LParen) {
        return tokens;
    }
    let Some(close) = (j..t.len()).find(|&k| t[k].token == Token::RParen) else {
        return tokens;
    };
    let cols: Vec<TokenWithSpan> = t[j + 1..close].to_vec();
    if !t.get(close + 1).is_some_and(|x| kw(x, Keyword::AS)) {
        return tokens;
    }
    let end = (close + 2..t.len())
        .find(|&k| t[k].token == Token::SemiColon)
        .unwrap_or(t.len());
    let body: Vec<TokenWithSpan> = t[close + 2..end].to_vec();
    let span = view_kw.span;
    let tok = |x: Token| TokenWithSpan::new(x, span);
    let mut out = head;
    out.push(view_kw);
    out.extend(name);
    out.push(tok(Token::make_keyword("AS")));
    out.push(tok(Token::make_keyword("WITH")));
    out.push(tok(Token::make_keyword("RECURSIVE")));
    out.push(last.clone());
    out.push(tok(Token::LParen));
    out.extend(cols.iter().cloned());
    out.push(tok(Token::RParen));
    out.push(tok(Token::make_keyword("AS")));
    out.push(tok(Token::LParen));
    out.extend(body);
    out.push(tok(Token::RParen));
    out.push(tok(Token::make_keyword("SELECT")));
    out.extend(cols);
    out.push(tok(Token::make_keyword("FROM")));
    out.push(last);
    out.extend(t[end..].iter().cloned());
    out
}

/// The storage option that stands for `WITH NO DATA` after a CREATE
/// MATERIALIZED VIEW's query (sqlparser reads no such clause there).
pub const NO_DATA_MARK: &str = "\0no data";

/// `CREATE MATERIALIZED VIEW name [(cols)] AS query WITH [NO] DATA`:
/// the trailing clause is taken off; WITH NO DATA becomes the storage
/// option [`NO_DATA_MARK`] before AS, where sqlparser reads options.
fn matview_with_data(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    let kw = locking::is_kw;
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let at = |k: usize| significant.get(k).map(|&i| &tokens[i]);
    let starts = at(0).is_some_and(|t| kw(t, Keyword::CREATE))
        && at(1).is_some_and(|t| kw(t, Keyword::MATERIALIZED))
        && at(2).is_some_and(|t| kw(t, Keyword::VIEW));
    if !starts {
        return tokens;
    }
    // The statement's end: the first `;` at depth 0, or the last token.
    let mut depth = 0i32;
    let mut end = significant.len();
    for (k, &i) in significant.iter().enumerate() {
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::SemiColon if depth == 0 => {
                end = k;
                break;
            }
            Token::EOF => {
                end = k;
                break;
            }
            _ => {}
        }
    }
    let word = |k: usize, w: Keyword| k < end && at(k).is_some_and(|t| kw(t, w));
    let (cut, no_data) = if end >= 3
        && word(end - 3, Keyword::WITH)
        && word(end - 2, Keyword::NO)
        && word(end - 1, Keyword::DATA)
    {
        (3, true)
    } else if end >= 2 && word(end - 2, Keyword::WITH) && word(end - 1, Keyword::DATA) {
        (2, false)
    } else {
        return tokens;
    };
    let removed: Vec<usize> = significant[end - cut..end].to_vec();
    // Where the query starts: the first AS at depth 0.
    let mut depth = 0i32;
    let mut as_at = None;
    for &i in &significant[..end - cut] {
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && kw(&tokens[i], Keyword::AS) => {
                as_at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(tokens.len() + 4);
    for (i, t) in tokens.into_iter().enumerate() {
        if removed.contains(&i) {
            continue;
        }
        if no_data && Some(i) == as_at {
            let span = t.span;
            out.push(TokenWithSpan::new(Token::make_keyword("WITH"), span));
            out.push(TokenWithSpan::new(Token::LParen, span));
            out.push(TokenWithSpan::new(
                Token::make_word(NO_DATA_MARK, Some('"')),
                span,
            ));
            out.push(TokenWithSpan::new(Token::RParen, span));
            out.push(TokenWithSpan::new(
                Token::Whitespace(sqlparser::tokenizer::Whitespace::Space),
                span,
            ));
        }
        out.push(t);
    }
    out
}

/// Marks the name of a `COMMENT ON CONSTRAINT c ON t` turned into
/// `COMMENT ON COLUMN "\0constraint".t.c`.
pub const CONSTRAINT_MARK: &str = "\0constraint";

/// `COMMENT ON CONSTRAINT name ON table IS ...` (which sqlparser does not
/// read) as a COMMENT ON COLUMN of a marked name.
/// `CREATE TABLE t (..., CHECK (...) [NO INHERIT] NOT VALID)`: PostgreSQL
/// accepts NOT VALID on a table CHECK constraint there and ignores it (a
/// new table's constraints hold for its no rows; a column constraint's
/// NOT VALID stays a syntax error); sqlparser reads it only in ALTER
/// TABLE, so it is left out.
fn create_not_valid(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    let kw = locking::is_kw;
    if !tokens.iter().any(|t| kw(t, Keyword::VALID)) {
        return tokens;
    }
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let at = |k: usize| significant.get(k).map(|&i| &tokens[i]);
    // CREATE [GLOBAL | LOCAL] [TEMP | TEMPORARY | UNLOGGED] TABLE.
    let mut k = 1;
    while at(k).is_some_and(|t| {
        [
            Keyword::GLOBAL,
            Keyword::LOCAL,
            Keyword::TEMP,
            Keyword::TEMPORARY,
            Keyword::UNLOGGED,
        ]
        .iter()
        .any(|w| kw(t, *w))
    }) {
        k += 1;
    }
    if !at(0).is_some_and(|t| kw(t, Keyword::CREATE))
        || !at(k).is_some_and(|t| kw(t, Keyword::TABLE))
    {
        return tokens;
    }
    // A table constraint `[CONSTRAINT name] CHECK (...) [NO INHERIT]`
    // starting an element of the column list, followed by NOT VALID.
    let table_check = |mut close: usize| -> bool {
        if at(close).is_some_and(|t| kw(t, Keyword::INHERIT)) {
            if close < 2 || !at(close - 1).is_some_and(|t| kw(t, Keyword::NO)) {
                return false;
            }
            close -= 2;
        }
        if at(close).map(|t| &t.token) != Some(&Token::RParen) {
            return false;
        }
        let mut depth = 0i32;
        let mut open = close;
        loop {
            match at(open).map(|t| &t.token) {
                Some(Token::RParen) => depth += 1,
                Some(Token::LParen) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                None => return false,
                _ => {}
            }
            if open == 0 {
                return false;
            }
            open -= 1;
        }
        if open < 2 || !at(open - 1).is_some_and(|t| kw(t, Keyword::CHECK)) {
            return false;
        }
        let before = at(open - 2);
        matches!(before.map(|t| &t.token), Some(Token::Comma | Token::LParen))
            || (open >= 4 && at(open - 3).is_some_and(|t| kw(t, Keyword::CONSTRAINT)))
    };
    let mut drop = vec![false; tokens.len()];
    for k in 0..significant.len().saturating_sub(2) {
        let (not, valid) = (&tokens[significant[k + 1]], &tokens[significant[k + 2]]);
        if kw(not, Keyword::NOT) && kw(valid, Keyword::VALID) && table_check(k) {
            drop[significant[k + 1]] = true;
            drop[significant[k + 2]] = true;
        }
    }
    tokens
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(t, _)| t)
        .collect()
}

fn comment_on_constraint(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    let kw = locking::is_kw;
    // Only a statement that starts so is copied and rewritten.
    let mut words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)));
    let starts = [Keyword::COMMENT, Keyword::ON, Keyword::CONSTRAINT]
        .into_iter()
        .all(|k| words.next().is_some_and(|t| kw(t, k)));
    if !starts {
        return tokens;
    }
    let t: Vec<TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .cloned()
        .collect();
    let mut j = 3;
    let name = locking::dotted_name(&t, &mut j);
    if name.len() != 1 || !t.get(j).is_some_and(|x| kw(x, Keyword::ON)) {
        return tokens;
    }
    j += 1;
    let table = locking::dotted_name(&t, &mut j);
    if table.is_empty() {
        return tokens;
    }
    let span = t[2].span;
    let mut out = t[..2].to_vec();
    out.push(TokenWithSpan::new(Token::make_keyword("COLUMN"), span));
    out.push(TokenWithSpan::new(
        Token::make_word(CONSTRAINT_MARK, Some('"')),
        span,
    ));
    out.push(TokenWithSpan::new(Token::Period, span));
    out.extend(table);
    out.push(TokenWithSpan::new(Token::Period, span));
    out.extend(name);
    out.extend(t[j..].iter().cloned());
    out
}

/// Marks the name of a CREATE USER turned into CREATE ROLE (a role that
/// logs in by default): `CREATE ROLE "\0user".name`.
pub const USER_MARK: &str = "\0user";

/// `CREATE USER name ...` as `CREATE ROLE "\0user".name ...` (sqlparser
/// reads CREATE USER as Snowflake's statement).
/// PREPARE TRANSACTION, COMMIT PREPARED or ROLLBACK PREPARED, if the
/// statement starts so (a string literal follows).
fn two_phase_kind(p: &Parser<'_>) -> Option<TwoPhase> {
    let word = |n: usize| match p.peek_nth_token(n).token {
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => None,
    };
    let kind = match (word(0)?.as_str(), word(1)?.as_str()) {
        ("prepare", "transaction") => TwoPhase::Prepare,
        ("commit", "prepared") => TwoPhase::Commit,
        ("rollback", "prepared") => TwoPhase::Rollback,
        _ => return None,
    };
    matches!(p.peek_nth_token(2).token, Token::SingleQuotedString(_)).then_some(kind)
}

fn parse_two_phase(p: &mut Parser<'_>) -> std::result::Result<Parsed, ParserError> {
    let kind = two_phase_kind(p).ok_or_else(|| ParserError::ParserError("two-phase".into()))?;
    p.next_token();
    p.next_token();
    let gid = p.parse_literal_string()?;
    Ok(Parsed::TwoPhase { kind, gid })
}

/// `CREATE [TEMP] TABLE t (a, b) AS query`: PostgreSQL names the new
/// columns with a bare list, which sqlparser reads only as column
/// definitions; each name gets a placeholder type (CREATE TABLE AS takes
/// only the names). Applied only when the list is of bare names and an
/// AS follows it in the same statement.
fn ctas_column_names(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    let kw = locking::is_kw;
    if !tokens.iter().any(|t| kw(t, Keyword::AS)) || !tokens.iter().any(|t| kw(t, Keyword::TABLE)) {
        return tokens;
    }
    let w: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let at = |k: usize| w.get(k).map(|&i| &tokens[i]);
    let is = |k: usize, key: Keyword| at(k).is_some_and(|t| kw(t, key));
    let mut inserts: Vec<usize> = Vec::new();
    let mut k = 0;
    while k < w.len() {
        let start = k == 0 || at(k - 1).is_some_and(|t| t.token == Token::SemiColon);
        if !(start && is(k, Keyword::CREATE)) {
            k += 1;
            continue;
        }
        let mut j = k + 1;
        if is(j, Keyword::GLOBAL) || is(j, Keyword::LOCAL) {
            j += 1;
        }
        if is(j, Keyword::TEMP) || is(j, Keyword::TEMPORARY) || is(j, Keyword::UNLOGGED) {
            j += 1;
        }
        if !is(j, Keyword::TABLE) {
            k += 1;
            continue;
        }
        j += 1;
        if is(j, Keyword::IF) && is(j + 1, Keyword::NOT) && is(j + 2, Keyword::EXISTS) {
            j += 3;
        }
        // The dotted name.
        while at(j).is_some_and(|t| matches!(t.token, Token::Word(_)))
            && at(j + 1).is_some_and(|t| t.token == Token::Period)
        {
            j += 2;
        }
        j += 1;
        if at(j).is_none_or(|t| t.token != Token::LParen) {
            k += 1;
            continue;
        }
        // Bare names: word (, word)* ).
        let mut names = Vec::new();
        let mut m = j + 1;
        let closed = loop {
            if !at(m).is_some_and(|t| matches!(t.token, Token::Word(_))) {
                break false;
            }
            names.push(w[m]);
            match at(m + 1).map(|t| &t.token) {
                Some(Token::Comma) => m += 2,
                Some(Token::RParen) => break true,
                _ => break false,
            }
        };
        if !closed {
            k += 1;
            continue;
        }
        // AS before the statement ends, outside parentheses.
        let mut depth = 0i32;
        let mut n = m + 2;
        let mut found = false;
        while let Some(t) = at(n) {
            match &t.token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                Token::SemiColon => break,
                _ if depth == 0 && kw(t, Keyword::AS) => {
                    found = true;
                    break;
                }
                _ => {}
            }
            n += 1;
        }
        if found {
            inserts.extend(names);
        }
        k = n;
    }
    for &i in inserts.iter().rev() {
        let span = tokens[i].span;
        tokens.insert(
            i + 1,
            TokenWithSpan::new(Token::make_word(CTAS_TYPE_MARK, Some('"')), span),
        );
    }
    tokens
}

/// CREATE TABLE ... WITHOUT OIDS, which PostgreSQL 15 still accepts (and
/// ignores): the two words are dropped (ALTER TABLE's SET WITHOUT OIDS
/// stays).
fn without_oids(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    let word = |t: &sqlparser::tokenizer::TokenWithSpan, w: &str| matches!(&t.token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    if !tokens.iter().any(|t| word(t, "oids")) {
        return tokens;
    }
    let solid: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let mut drop = Vec::new();
    for k in 0..solid.len().saturating_sub(1) {
        let (a, b) = (solid[k], solid[k + 1]);
        let after_set = k > 0 && word(&tokens[solid[k - 1]], "set");
        if word(&tokens[a], "without") && word(&tokens[b], "oids") && !after_set {
            drop.extend([a, b]);
        }
    }
    for i in drop.into_iter().rev() {
        tokens.remove(i);
    }
    tokens
}

/// `expr ISNULL`, PostgreSQL's postfix form of `expr IS NULL` (sqlparser
/// reads NOTNULL but takes ISNULL for a column alias): the word becomes
/// `IS NULL`, in its place.
fn isnull_postfix(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::{TokenWithSpan, Whitespace};
    let is_isnull = |t: &TokenWithSpan| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("isnull"));
    if !tokens.iter().any(is_isnull) {
        return tokens;
    }
    let mut i = 0;
    // The word after AS (a column label) or a period stays a name.
    let mut after_label = false;
    while i < tokens.len() {
        let label = after_label;
        if !matches!(tokens[i].token, Token::Whitespace(_)) {
            after_label = matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::AS)
                || tokens[i].token == Token::Period;
        }
        if is_isnull(&tokens[i]) && !label {
            let span = tokens[i].span;
            let word = |kw: &str| TokenWithSpan {
                token: Token::make_keyword(kw),
                span,
            };
            tokens.splice(
                i..=i,
                [
                    word("IS"),
                    TokenWithSpan {
                        token: Token::Whitespace(Whitespace::Space),
                        span,
                    },
                    word("NULL"),
                ],
            );
            i += 3;
        } else {
            i += 1;
        }
    }
    tokens
}

/// `(expr).*` in a select list: every field of a composite value.
/// sqlparser does not read it; it becomes `"\0fields"(expr)`, a call the
/// select list expands ([`FIELDS_MARK`]).
fn field_star(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    if !tokens.iter().any(|t| t.token == Token::Mul) {
        return tokens;
    }
    let w: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    // (position of the `(` to mark, positions of `.` and `*` to drop)
    let mut edits: Vec<(usize, usize, usize)> = Vec::new();
    for k in 0..w.len().saturating_sub(2) {
        let (close, dot, star) = (w[k], w[k + 1], w[k + 2]);
        if tokens[close].token != Token::RParen
            || tokens[dot].token != Token::Period
            || tokens[star].token != Token::Mul
        {
            continue;
        }
        // The matching `(`.
        let mut depth = 0i32;
        let mut open = None;
        for m in (0..=k).rev() {
            match tokens[w[m]].token {
                Token::RParen => depth += 1,
                Token::LParen => {
                    depth -= 1;
                    if depth == 0 {
                        open = Some(m);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(m) = open else { continue };
        // Only a parenthesized expression, not a call's argument list.
        let starts_item = m == 0
            || match &tokens[w[m - 1]].token {
                Token::Comma | Token::LParen => true,
                Token::Word(x) => matches!(
                    x.keyword,
                    Keyword::SELECT | Keyword::DISTINCT | Keyword::ALL | Keyword::RETURNING
                ),
                _ => false,
            };
        if starts_item {
            edits.push((w[m], dot, star));
        }
    }
    for &(open, dot, star) in edits.iter().rev() {
        tokens.remove(star);
        tokens.remove(dot);
        let span = tokens[open].span;
        tokens.insert(
            open,
            TokenWithSpan::new(Token::make_word(FIELDS_MARK, Some('"')), span),
        );
    }
    tokens
}

/// The name of the call that marks `(expr).*` (no SQL text can spell it).
pub const FIELDS_MARK: &str = "\0fields";

/// The placeholder type [`ctas_column_names`] gives a bare column name.
const CTAS_TYPE_MARK: &str = "\0ctas";

fn create_user(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    let kw = locking::is_kw;
    if !tokens.iter().any(|t| kw(t, Keyword::USER)) {
        return tokens;
    }
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
        .collect();
    let mut k = 0;
    while k + 2 < words.len() {
        let (c, u, n) = (words[k], words[k + 1], words[k + 2]);
        if n >= tokens.len() {
            break;
        }
        let at_start = k == 0 || tokens[words[k - 1]].token == Token::SemiColon;
        if at_start
            && kw(&tokens[c], Keyword::CREATE)
            && kw(&tokens[u], Keyword::USER)
            && !kw(&tokens[n], Keyword::MAPPING)
        {
            let span = tokens[u].span;
            tokens[u] = TokenWithSpan::new(Token::make_keyword("ROLE"), span);
            tokens.splice(
                n..n,
                [
                    TokenWithSpan::new(Token::make_word(USER_MARK, Some('"')), span),
                    TokenWithSpan::new(Token::Period, span),
                ],
            );
            // Later statements: find their words again.
            let rest = create_user(tokens.split_off(n + 3));
            tokens.extend(rest);
            return tokens;
        }
        k += 1;
    }
    tokens
}

/// The name of the call that marks a `VARIADIC array` argument (no SQL
/// text can spell it).
pub const VARIADIC_MARK: &str = "\0variadic";

/// `f(a, VARIADIC arr)`: the last argument becomes `"\0variadic"(arr)`,
/// which sqlparser reads as a call and the binder as the VARIADIC array.
fn variadic_arguments(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    use sqlparser::tokenizer::TokenWithSpan;
    let is_variadic = |t: &Token| matches!(t, Token::Word(w) if w.keyword == Keyword::VARIADIC && w.quote_style.is_none());
    if !tokens.iter().any(|t| is_variadic(&t.token)) {
        return tokens;
    }
    // In a function's declaration VARIADIC is an argument mode.
    let words: Vec<Keyword> = tokens
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(w.keyword),
            Token::Whitespace(_) => None,
            _ => Some(Keyword::NoKeyword),
        })
        .take(4)
        .collect();
    if matches!(
        words.as_slice(),
        [
            Keyword::CREATE | Keyword::DROP | Keyword::ALTER,
            Keyword::FUNCTION | Keyword::PROCEDURE | Keyword::AGGREGATE,
            ..
        ] | [
            Keyword::CREATE,
            Keyword::OR,
            Keyword::REPLACE,
            Keyword::FUNCTION | Keyword::PROCEDURE | Keyword::AGGREGATE
        ]
    ) {
        return tokens;
    }
    let mut i = 0;
    while i < tokens.len() {
        if !is_variadic(&tokens[i].token) {
            i += 1;
            continue;
        }
        // Only as an argument: after `(` or `,`.
        let prev = tokens[..i]
            .iter()
            .rev()
            .find(|t| !matches!(t.token, Token::Whitespace(_)))
            .map(|t| t.token.clone());
        if !matches!(prev, Some(Token::LParen) | Some(Token::Comma)) {
            i += 1;
            continue;
        }
        // The end of the call: the `)` closing the enclosing parenthesis.
        let mut depth = 0i32;
        let mut end = None;
        for (k, t) in tokens.iter().enumerate().skip(i + 1) {
            match t.token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen if depth == 0 => {
                    end = Some(k);
                    break;
                }
                Token::RParen | Token::RBracket => depth -= 1,
                _ => {}
            }
        }
        let Some(end) = end else {
            i += 1;
            continue;
        };
        let span = tokens[i].span;
        tokens.insert(end, TokenWithSpan::new(Token::RParen, span));
        tokens[i] = TokenWithSpan::new(Token::make_word(VARIADIC_MARK, Some('"')), span);
        tokens.insert(i + 1, TokenWithSpan::new(Token::LParen, span));
        i += 2;
    }
    tokens
}

/// The positions of the tokens that are not whitespace.
fn significant(tokens: &[sqlparser::tokenizer::TokenWithSpan]) -> Vec<usize> {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .map(|(i, _)| i)
        .collect()
}

/// An unquoted word in lower case ("" for any other token).
fn lower_word(t: &sqlparser::tokenizer::TokenWithSpan) -> String {
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether the text starts `CREATE [OR REPLACE] <kind>` for one of
/// `kinds` (lower case). Every statement's tokens pass here: only the
/// first words are looked at.
fn creates(tokens: &[sqlparser::tokenizer::TokenWithSpan], kinds: &[&str]) -> bool {
    let head: Vec<String> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(4)
        .map(lower_word)
        .collect();
    let kind = match head
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["create", "or", "replace", kind] => kind.to_string(),
        ["create", kind, ..] => kind.to_string(),
        _ => return false,
    };
    kinds.contains(&kind.as_str())
}

/// `name OUT type` in the argument list of CREATE [OR REPLACE] FUNCTION
/// or PROCEDURE (PostgreSQL's grammar reads the mode after the name too)
/// as `OUT name type`, the order sqlparser reads.
fn argument_modes(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    if !creates(&tokens, &["function", "procedure"]) {
        return tokens;
    }
    let significant = significant(&tokens);
    let Some(open) = significant
        .iter()
        .position(|&i| tokens[i].token == Token::LParen)
    else {
        return tokens;
    };
    let is_mode = |w: &str| matches!(w, "in" | "out" | "inout" | "variadic");
    let mut depth = 0i32;
    let mut start = open + 1;
    for k in open..significant.len() {
        let end_of_arg = match tokens[significant[k]].token {
            Token::LParen => {
                depth += 1;
                false
            }
            Token::RParen => {
                depth -= 1;
                depth == 0
            }
            Token::Comma => depth == 1,
            _ => false,
        };
        if !end_of_arg {
            continue;
        }
        // One argument: significant[start..k].
        if k >= start + 3 {
            let (a, b) = (significant[start], significant[start + 1]);
            let first = lower_word(&tokens[a]);
            let second = lower_word(&tokens[b]);
            if matches!(tokens[a].token, Token::Word(_)) && !is_mode(&first) && is_mode(&second) {
                tokens.swap(a, b);
            }
        }
        start = k + 1;
        if depth == 0 {
            break;
        }
    }
    tokens
}

/// CREATE FUNCTION options sqlparser does not read and that change
/// nothing here (`[NOT] LEAKPROOF`, `COST n`, `ROWS n`, `SUPPORT name`):
/// dropped from the statement.
fn function_options(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    if !creates(&tokens, &["function"]) {
        return tokens;
    }
    let significant = significant(&tokens);
    let kw = |i: usize| lower_word(&tokens[i]);
    // Past the argument list: depth 0 after the first `(...)`.
    let mut depth = 0i32;
    let mut seen_args = false;
    let mut drop = Vec::new();
    let mut k = 0;
    while k < significant.len() {
        let i = significant[k];
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    seen_args = true;
                }
            }
            _ => {}
        }
        if seen_args && depth == 0 {
            let word = kw(i);
            let next = significant.get(k + 1).map(|&j| kw(j)).unwrap_or_default();
            let n = match (word.as_str(), next.as_str()) {
                ("not", "leakproof") => 2,
                ("leakproof", _) => 1,
                ("cost" | "rows" | "support", _) => 2,
                _ => 0,
            };
            if n > 0 {
                drop.extend(
                    significant[k..(k + n).min(significant.len())]
                        .iter()
                        .copied(),
                );
                k += n;
                continue;
            }
        }
        k += 1;
    }
    for i in drop.into_iter().rev() {
        tokens.remove(i);
    }
    tokens
}

/// The rest of `DO [LANGUAGE name] 'code' [LANGUAGE name]`.
/// `DROP` / `ALTER` `PROCEDURE` / `ROUTINE` at a statement's start,
/// rewritten to `FUNCTION` (sqlparser reads the rest as PostgreSQL's
/// grammar does for all three), with where each such statement starts.
#[allow(clippy::type_complexity)]
fn routine_keywords(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> (
    Vec<sqlparser::tokenizer::TokenWithSpan>,
    Vec<(sqlparser::tokenizer::Location, RoutineKind)>,
) {
    use sqlparser::tokenizer::TokenWithSpan;
    let kw = locking::is_kw;
    let mut found = Vec::new();
    let named = |t: &TokenWithSpan| {
        kw(t, Keyword::PROCEDURE)
            || matches!(&t.token, Token::Word(w) if w.value.eq_ignore_ascii_case("routine"))
    };
    if !tokens.iter().any(named) {
        return (tokens, found);
    }
    let words = significant(&tokens);
    for k in 0..words.len().saturating_sub(1) {
        let (verb, noun) = (words[k], words[k + 1]);
        let at_start = k == 0 || tokens[words[k - 1]].token == Token::SemiColon;
        if !at_start || !(kw(&tokens[verb], Keyword::DROP) || kw(&tokens[verb], Keyword::ALTER)) {
            continue;
        }
        let kind = match &tokens[noun].token {
            Token::Word(w) if w.keyword == Keyword::PROCEDURE => RoutineKind::Procedure,
            Token::Word(w) if w.value.eq_ignore_ascii_case("routine") => RoutineKind::Routine,
            _ => continue,
        };
        let span = tokens[noun].span;
        tokens[noun] = TokenWithSpan::new(Token::make_keyword("FUNCTION"), span);
        found.push((tokens[verb].span.start, kind));
    }
    (tokens, found)
}

/// Whether `CREATE [OR REPLACE] PROCEDURE` comes next.
fn create_procedure_starts(p: &Parser<'_>) -> bool {
    let kw = |n: usize, k: Keyword| matches!(&p.peek_nth_token(n).token, Token::Word(w) if w.keyword == k);
    kw(0, Keyword::CREATE)
        && (kw(1, Keyword::PROCEDURE)
            || (kw(1, Keyword::OR) && kw(2, Keyword::REPLACE) && kw(3, Keyword::PROCEDURE)))
}

fn parse_do(p: &mut Parser<'_>) -> std::result::Result<Parsed, ParserError> {
    let mut language = None;
    let mut body = None;
    loop {
        if p.parse_keyword(Keyword::LANGUAGE) {
            language = Some(crate::binder::ident(&p.parse_identifier()?));
            continue;
        }
        let text = match p.peek_token().token {
            Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => s,
            Token::DollarQuotedString(d) => d.value,
            _ => break,
        };
        if body.is_some() {
            break;
        }
        p.next_token();
        body = Some(text);
    }
    let Some(body) = body else {
        return p.expected("a string", p.peek_token());
    };
    Ok(Parsed::Do {
        language: language.unwrap_or_else(|| "plpgsql".into()),
        body,
    })
}

/// `SUBSTRING(a SIMILAR b ESCAPE c)` is `substring(a, b, c)`: the two
/// keywords become commas (sqlparser does not know this form).
fn similar_substring(
    mut tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
    let is_word = |t: &Token, k: Keyword| matches!(t, Token::Word(w) if w.keyword == k);
    if !tokens.iter().any(|t| is_word(&t.token, Keyword::SIMILAR)) {
        return tokens;
    }
    let mut i = 0;
    while i < tokens.len() {
        if !is_word(&tokens[i].token, Keyword::SUBSTRING) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < tokens.len() && matches!(tokens[j].token, Token::Whitespace(_)) {
            j += 1;
        }
        if tokens.get(j).map(|t| &t.token) != Some(&Token::LParen) {
            i += 1;
            continue;
        }
        let mut depth = 0usize;
        let mut similar = false;
        for tok in tokens[j..].iter_mut() {
            match &tok.token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                t if depth == 1 && is_word(t, Keyword::SIMILAR) => {
                    similar = true;
                    tok.token = Token::Comma;
                }
                t if depth == 1 && similar && is_word(t, Keyword::ESCAPE) => {
                    tok.token = Token::Comma;
                }
                _ => {}
            }
        }
        i = j;
    }
    tokens
}

/// Rewrites `TABLE name` in a statement's query body (alone or as a
/// term of a set operation) to `SELECT * FROM name`, which it means.
/// Walks a chain of set operations without recursion: the chain may be
/// as long as the statement.
fn expand_table(body: &mut sqlparser::ast::SetExpr) {
    use sqlparser::ast::SetExpr;
    let mut cur = body;
    loop {
        match cur {
            SetExpr::SetOperation { left, right, .. } => {
                if matches!(right.as_ref(), SetExpr::Table(_)) {
                    table_to_select(right);
                }
                cur = left;
            }
            SetExpr::Table(_) => {
                table_to_select(cur);
                return;
            }
            _ => return,
        }
    }
}

/// `TABLE name` as `SELECT * FROM name`.
pub(crate) fn table_to_select(body: &mut sqlparser::ast::SetExpr) {
    let sqlparser::ast::SetExpr::Table(t) = body else {
        return;
    };
    let name: Vec<String> = [&t.schema_name, &t.table_name]
        .into_iter()
        .flatten()
        .map(|i| i.to_string())
        .collect();
    let sql = format!("SELECT * FROM {}", name.join("."));
    if let Ok(Some(Statement::Query(q))) =
        Parser::parse_sql(&PostgreSqlDialect {}, &sql).map(|mut v| v.pop())
    {
        *body = *q.body;
    }
}

fn parse_set_constraints(p: &mut Parser<'_>) -> std::result::Result<Parsed, ParserError> {
    let names = if p.parse_keyword(Keyword::ALL) {
        None
    } else {
        Some(
            p.parse_comma_separated(|p| p.parse_object_name(false))?
                .iter()
                .map(|n| crate::binder::object_name(n).pop().unwrap_or_default())
                .collect(),
        )
    };
    let deferred = match p.parse_one_of_keywords(&[Keyword::DEFERRED, Keyword::IMMEDIATE]) {
        Some(Keyword::DEFERRED) => true,
        Some(_) => false,
        None => return Err(found(&p.peek_token(), "DEFERRED or IMMEDIATE")),
    };
    Ok(Parsed::SetConstraints { names, deferred })
}

/// `CLUSTER [VERBOSE] [table [USING index]]` (also PostgreSQL's old
/// `CLUSTER index ON table`).
fn parse_cluster(p: &mut Parser<'_>) -> std::result::Result<Parsed, ParserError> {
    let _ = p.parse_keyword(Keyword::VERBOSE);
    if matches!(p.peek_token().token, Token::EOF | Token::SemiColon) {
        return Ok(Parsed::Cluster {
            table: None,
            index: None,
        });
    }
    let first = p.parse_object_name(false)?;
    if p.parse_keyword(Keyword::ON) {
        let table = p.parse_object_name(false)?;
        let index = crate::binder::object_name(&first).pop();
        return Ok(Parsed::Cluster {
            table: Some(table),
            index,
        });
    }
    let index = if p.parse_keyword(Keyword::USING) {
        Some(crate::binder::ident(&p.parse_identifier()?))
    } else {
        None
    };
    Ok(Parsed::Cluster {
        table: Some(first),
        index,
    })
}

/// `REINDEX [(option [value], ...)] {INDEX | TABLE | SCHEMA | DATABASE |
/// SYSTEM} [CONCURRENTLY] name` (PostgreSQL 15's grammar).
fn parse_reindex(p: &mut Parser<'_>) -> std::result::Result<Parsed, ParserError> {
    let mut options = Vec::new();
    if p.consume_token(&Token::LParen) {
        loop {
            let tok = p.next_token();
            let Token::Word(w) = tok.token else {
                return Err(found(&tok, "a REINDEX option"));
            };
            let value = match p.peek_token().token {
                Token::Comma | Token::RParen => None,
                _ => Some(match p.next_token().token {
                    Token::Word(v) => v.value,
                    Token::Number(n, _) => n,
                    Token::SingleQuotedString(s) => s,
                    other => other.to_string(),
                }),
            };
            options.push((w.value.to_lowercase(), value));
            if p.consume_token(&Token::RParen) {
                break;
            }
            if !p.consume_token(&Token::Comma) {
                return Err(found(&p.peek_token(), ", or )"));
            }
        }
    }
    let tok = p.next_token();
    let kind = match &tok.token {
        Token::Word(w) if w.keyword == Keyword::INDEX => ReindexKind::Index,
        Token::Word(w) if w.keyword == Keyword::TABLE => ReindexKind::Table,
        Token::Word(w) if w.keyword == Keyword::SCHEMA => ReindexKind::Schema,
        Token::Word(w) if w.keyword == Keyword::DATABASE => ReindexKind::Database,
        Token::Word(w) if w.value.eq_ignore_ascii_case("system") => ReindexKind::System,
        _ => return Err(found(&tok, "INDEX, TABLE, SCHEMA, DATABASE or SYSTEM")),
    };
    if matches!(&p.peek_token().token, Token::Word(w) if w.value.eq_ignore_ascii_case("concurrently"))
    {
        // CONCURRENTLY is also a name: it is the option only before one.
        if !matches!(p.peek_nth_token(1).token, Token::EOF | Token::SemiColon) {
            p.next_token();
            options.push(("concurrently".into(), None));
        }
    }
    let name = p.parse_object_name(false)?;
    Ok(Parsed::Reindex {
        kind,
        name,
        options,
    })
}

fn parse_vacuum(p: &mut Parser<'_>, analyze: bool) -> std::result::Result<Parsed, ParserError> {
    let mut options = Vec::new();
    if p.consume_token(&Token::LParen) {
        loop {
            let tok = p.next_token();
            match tok.token {
                Token::Word(w) => options.push(w.value.to_lowercase()),
                _ => return Err(found(&tok, "a VACUUM option")),
            }
            // An option may carry a value: VACUUM (PARALLEL 2).
            if !matches!(p.peek_token().token, Token::Comma | Token::RParen) {
                p.next_token();
            }
            if p.consume_token(&Token::RParen) {
                break;
            }
            if !p.consume_token(&Token::Comma) {
                let tok = p.peek_token();
                return Err(found(&tok, ", or )"));
            }
        }
    } else {
        while let Token::Word(w) = &p.peek_token().token {
            let word = w.value.to_lowercase();
            let known = if analyze {
                matches!(word.as_str(), "verbose")
            } else {
                matches!(
                    word.as_str(),
                    "full" | "freeze" | "verbose" | "analyze" | "analyse"
                )
            };
            if !known {
                break;
            }
            p.next_token();
            options.push(word);
        }
    }
    let mut tables = Vec::new();
    if !matches!(p.peek_token().token, Token::EOF | Token::SemiColon) {
        tables = p.parse_comma_separated(|p| {
            let name = p.parse_object_name(false)?;
            let mut columns = Vec::new();
            if p.consume_token(&Token::LParen) {
                columns = p
                    .parse_comma_separated(|p| p.parse_identifier())?
                    .iter()
                    .map(crate::binder::ident)
                    .collect();
                p.expect_token(&Token::RParen)?;
            }
            Ok((name, columns))
        })?;
    }
    Ok(Parsed::Vacuum {
        analyze,
        options,
        tables,
    })
}

/// A stored view's query (pg_rewrite's text), parsed.
pub fn view_query(text: &str) -> Result<Box<sqlparser::ast::Query>> {
    match parse(text)?.as_slice() {
        [Parsed::Sql(s)] => match s.as_ref() {
            Statement::Query(q) => Ok(q.clone()),
            _ => Err(SqlError::internal("a view whose definition is not a query")),
        },
        _ => Err(SqlError::internal(
            "a view whose definition is not one query",
        )),
    }
}

/// Parses a stored expression (a column default, a CHECK constraint).
pub fn parse_expr(sql: &str) -> Result<sqlparser::ast::Expr> {
    let dialect = PostgreSqlDialect {};
    Parser::new(&dialect)
        .with_recursion_limit(MAX_PARSE_DEPTH)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| syntax_error(sql, e))
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

/// Marks a ParserError message that is already PostgreSQL's wording
/// (the parsers of this module raise them), passed on as it is.
pub(crate) const OWN_MESSAGE: &str = "\u{1}pg:";

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
            // This crate's own parsers word some errors as PostgreSQL.
            if let Some(own) = msg.strip_prefix(OWN_MESSAGE) {
                return SqlError::syntax(own.to_owned(), None);
            }
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

    #[test]
    fn drop_aggregate_is_drop_function_of_its_statement() {
        assert_eq!(
            drop_aggregate("drop aggregate cnt(*); select count(*) from t").as_deref(),
            Some("DROP FUNCTION cnt(); select count(*) from t")
        );
        assert_eq!(drop_aggregate("drop function f()"), None);
        assert_eq!(
            drop_aggregate("ALTER AGGREGATE s.a(integer) OWNER TO r").as_deref(),
            Some("ALTER FUNCTION s.a(integer) OWNER TO r")
        );
    }

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
    fn checkpoint_and_vacuum_forms() {
        assert_eq!(
            parse("CHECKPOINT; select 1").unwrap()[0],
            Parsed::Checkpoint
        );
        for (sql, options, tables) in [
            ("vacuum", vec![], 0),
            ("VACUUM t1, public.t2", vec![], 2),
            ("vacuum (verbose, analyze) t", vec!["verbose", "analyze"], 1),
            ("vacuum full verbose", vec!["full", "verbose"], 0),
            ("vacuum (parallel 2) t", vec!["parallel"], 1),
        ] {
            match &parse(sql).unwrap()[0] {
                Parsed::Vacuum {
                    options: o,
                    tables: t,
                    ..
                } => {
                    assert_eq!(
                        (o.clone(), t.len()),
                        (options.iter().map(|s| s.to_string()).collect(), tables),
                        "{sql}"
                    );
                }
                other => panic!("{sql}: {other:?}"),
            }
        }
        // PostgreSQL reads `verbose t` as an option with an argument.
        let e = parse("vacuum (verbose t").unwrap_err();
        assert_eq!(e.message(), "syntax error at end of input");
        assert_eq!(e.report().position, Some(18));
        let e = parse("vacuum (verbose 1 2)").unwrap_err();
        assert_eq!(e.message(), "syntax error at or near \"2\"");
        assert_eq!(e.report().position, Some(19));
        let e = parse("select 1 select 2").unwrap_err();
        assert_eq!(e.message(), "syntax error at or near \"select\"");
    }

    #[test]
    fn deep_nesting_is_54001_not_a_crash() {
        let deep = |n: usize| format!("SELECT {}1{}", "(".repeat(n), ")".repeat(n));
        let (fine, too_deep) = (deep(5_000), deep(20_000));
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || (parse(&fine).is_ok(), parse(&too_deep).unwrap_err().code()))
            .unwrap();
        assert_eq!(
            handle.join().unwrap(),
            (true, SqlState::STATEMENT_TOO_COMPLEX)
        );
    }
}
