//! Subscripted assignment targets, which sqlparser does not parse:
//! `UPDATE t SET a[1] = x, b[1:2] = y` and `INSERT INTO t (a[1:2]) VALUES
//! (...)`. Before parsing, the subscripts are cut out of the token
//! stream (a linear pass over the tokens); after parsing, each affected
//! value is wrapped as `col[subscripts] <ASSIGN> value`, a binary
//! operator no SQL text can spell, which the INSERT and UPDATE binders
//! read as "this element or slice of the column becomes value".

use sqlparser::ast::{self, Expr, SetExpr, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, TokenWithSpan};

/// The operator that marks a subscripted assignment.
pub const ASSIGN_OP: &str = "\0:=";

/// The subscripted targets of one statement, found before parsing.
#[derive(Debug)]
pub struct Targets {
    /// Where the INSERT or UPDATE keyword is.
    pub start: sqlparser::tokenizer::Location,
    /// INSERT's column list (else an UPDATE's, or ON CONFLICT DO
    /// UPDATE's, SET list).
    pub insert: bool,
    /// (position of the target among the statement's targets, the
    /// column name, the subscript tokens `[...][...]`).
    pub cut: Vec<(usize, String, Vec<TokenWithSpan>)>,
}

/// Removes the subscripts of INSERT column lists and UPDATE SET targets
/// from `tokens`; the returned list says what was removed where (token
/// indexes are those after the removal).
pub fn cut_subscripts(tokens: Vec<TokenWithSpan>) -> (Vec<TokenWithSpan>, Vec<Targets>) {
    let has_bracket = tokens.iter().any(|t| t.token == Token::LBracket);
    if !has_bracket {
        return (tokens, Vec::new());
    }
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let word = match &tokens[i].token {
            Token::Word(w) => Some(w.keyword),
            _ => None,
        };
        match word {
            Some(Keyword::INSERT) | Some(Keyword::UPDATE) => {
                let insert = word == Some(Keyword::INSERT);
                let mut t = Targets {
                    start: tokens[i].span.start,
                    insert,
                    cut: Vec::new(),
                };
                out.push(tokens[i].clone());
                i += 1;
                i = if insert {
                    insert_targets(&tokens, i, &mut out, &mut t)
                } else {
                    update_targets(&tokens, i, &mut out, &mut t)
                };
                if !t.cut.is_empty() {
                    found.push(t);
                }
            }
            _ => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    (out, found)
}

/// Copies tokens from `i` up to the first one that `stop` accepts
/// outside parentheses and brackets (not copied; its index returned).
fn copy_until(
    tokens: &[TokenWithSpan],
    mut i: usize,
    out: &mut Vec<TokenWithSpan>,
    stop: impl Fn(&Token) -> bool,
) -> usize {
    let mut depth = 0i32;
    while i < tokens.len() {
        let tok = &tokens[i].token;
        if depth == 0 && stop(tok) {
            return i;
        }
        match tok {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth -= 1,
            _ => {}
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    i
}

/// At a target column name: copies it and cuts the `[...]` groups that
/// follow; returns the index after them.
fn target(
    tokens: &[TokenWithSpan],
    mut i: usize,
    out: &mut Vec<TokenWithSpan>,
    t: &mut Targets,
    ordinal: usize,
) -> usize {
    while i < tokens.len() && matches!(tokens[i].token, Token::Whitespace(_)) {
        out.push(tokens[i].clone());
        i += 1;
    }
    let Some(Token::Word(w)) = tokens.get(i).map(|t| &t.token) else {
        return i;
    };
    let name = if w.quote_style.is_some() {
        w.value.clone()
    } else {
        w.value.to_lowercase()
    };
    out.push(tokens[i].clone());
    i += 1;
    let mut subs = Vec::new();
    let mut depth = 0i32;
    while let Some(tok) = tokens.get(i) {
        match tok.token {
            Token::LBracket => depth += 1,
            Token::RBracket => depth -= 1,
            Token::Whitespace(_) => {}
            _ if depth == 0 => break,
            _ => {}
        }
        subs.push(tok.clone());
        i += 1;
        if depth == 0 && subs.last().is_some_and(|s| s.token == Token::RBracket) {
            // Another group may follow.
            continue;
        }
    }
    // Trailing white space belongs to the statement, not the subscript.
    while subs
        .last()
        .is_some_and(|s| matches!(s.token, Token::Whitespace(_)))
    {
        out.push(subs.pop().unwrap_or_else(|| tokens[i - 1].clone()));
    }
    if subs.iter().any(|s| s.token == Token::LBracket) {
        t.cut.push((ordinal, name, subs));
    } else {
        out.extend(subs);
    }
    i
}

/// `INSERT INTO name [[AS] alias] (col[...], ...)`.
fn insert_targets(
    tokens: &[TokenWithSpan],
    i: usize,
    out: &mut Vec<TokenWithSpan>,
    t: &mut Targets,
) -> usize {
    let i = copy_until(tokens, i, out, |tok| {
        matches!(tok, Token::LParen | Token::SemiColon)
            || matches!(tok, Token::Word(w) if matches!(w.keyword, Keyword::VALUES | Keyword::SELECT | Keyword::DEFAULT | Keyword::WITH))
    });
    if tokens.get(i).map(|t| &t.token) != Some(&Token::LParen) {
        return i;
    }
    out.push(tokens[i].clone());
    target_list(tokens, i + 1, out, t, |tok| {
        matches!(tok, Token::Comma | Token::RParen | Token::SemiColon)
    })
}

/// `UPDATE ... SET target = value, ...` up to FROM, WHERE or RETURNING.
fn update_targets(
    tokens: &[TokenWithSpan],
    i: usize,
    out: &mut Vec<TokenWithSpan>,
    t: &mut Targets,
) -> usize {
    let i = copy_until(tokens, i, out, |tok| {
        matches!(tok, Token::SemiColon)
            || matches!(tok, Token::Word(w) if w.keyword == Keyword::SET)
    });
    if !matches!(tokens.get(i).map(|t| &t.token), Some(Token::Word(w)) if w.keyword == Keyword::SET)
    {
        return i;
    }
    out.push(tokens[i].clone());
    target_list(tokens, i + 1, out, t, |tok| {
        matches!(tok, Token::Comma | Token::SemiColon | Token::RParen)
            || matches!(tok, Token::Word(w) if matches!(w.keyword, Keyword::FROM | Keyword::WHERE | Keyword::RETURNING))
    })
}

/// A comma-separated list of targets from `i`, each target's tokens
/// copied (and its subscripts cut) up to a comma or what `end` stops
/// at; returns the index of what ended the list.
fn target_list(
    tokens: &[TokenWithSpan],
    mut i: usize,
    out: &mut Vec<TokenWithSpan>,
    t: &mut Targets,
    end: impl Fn(&Token) -> bool,
) -> usize {
    let mut ordinal = 0;
    loop {
        i = target(tokens, i, out, t, ordinal);
        i = copy_until(tokens, i, out, &end);
        match tokens.get(i).map(|t| &t.token) {
            Some(Token::Comma) => {
                out.push(tokens[i].clone());
                i += 1;
                ordinal += 1;
            }
            _ => return i,
        }
    }
}

/// `name[...]` as an expression, from the cut tokens.
fn target_expr(name: &str, subs: &[TokenWithSpan]) -> Result<Expr, ParserError> {
    let dialect = PostgreSqlDialect {};
    let mut toks = vec![TokenWithSpan::wrap(Token::make_word("x", Some('"')))];
    toks.extend(subs.iter().cloned());
    let mut p = Parser::new(&dialect).with_tokens_with_locations(toks);
    let e = p.parse_expr()?;
    if p.peek_token().token != Token::EOF {
        return Err(ParserError::ParserError(format!(
            "syntax error at or near \"{}\"",
            p.peek_token().token
        )));
    }
    Ok(match e {
        Expr::CompoundFieldAccess { access_chain, .. } => Expr::CompoundFieldAccess {
            root: Box::new(Expr::Identifier(ast::Ident::with_quote('"', name))),
            access_chain,
        },
        other => other,
    })
}

/// `target <ASSIGN> value`.
fn mark(target: Expr, value: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(target),
        op: ast::BinaryOperator::Custom(ASSIGN_OP.to_owned()),
        right: Box::new(value),
    }
}

/// The INSERT or UPDATE in `stmt` (itself, or under WITH, EXPLAIN or
/// PREPARE).
fn modifying(stmt: &mut Statement) -> Option<&mut Statement> {
    match stmt {
        Statement::Insert(_) | Statement::Update(_) => Some(stmt),
        Statement::Explain { statement, .. } | Statement::Prepare { statement, .. } => {
            modifying(statement)
        }
        Statement::Query(q) => match q.body.as_mut() {
            SetExpr::Insert(s) | SetExpr::Update(s) => modifying(s),
            _ => None,
        },
        _ => None,
    }
}

/// Wraps the values of the statement's subscripted targets.
pub fn apply(stmt: &mut Statement, t: &Targets) -> Result<(), ParserError> {
    let Some(stmt) = modifying(stmt) else {
        return Ok(());
    };
    for (ordinal, name, subs) in &t.cut {
        let target = target_expr(name, subs)?;
        let sets = match stmt {
            Statement::Update(u) => Some(&mut u.assignments),
            Statement::Insert(ins) if !t.insert => match &mut ins.on {
                Some(ast::OnInsert::OnConflict(ast::OnConflict {
                    action: ast::OnConflictAction::DoUpdate(du),
                    ..
                })) => Some(&mut du.assignments),
                _ => None,
            },
            _ => None,
        };
        if let Some(sets) = sets {
            if let Some(a) = sets.get_mut(*ordinal) {
                let value = std::mem::replace(&mut a.value, Expr::value(ast::Value::Null));
                a.value = mark(target, value);
            }
            continue;
        }
        match stmt {
            Statement::Insert(ins) if t.insert => {
                let Some(q) = ins.source.as_mut() else {
                    continue;
                };
                match q.body.as_mut() {
                    SetExpr::Values(v) => {
                        for row in &mut v.rows {
                            if let Some(e) = row.get_mut(*ordinal) {
                                let value = std::mem::replace(e, Expr::value(ast::Value::Null));
                                *e = mark(target.clone(), value);
                            }
                        }
                    }
                    SetExpr::Select(s) => {
                        if let Some(
                            ast::SelectItem::UnnamedExpr(e)
                            | ast::SelectItem::ExprWithAlias { expr: e, .. },
                        ) = s.projection.get_mut(*ordinal)
                        {
                            let value = std::mem::replace(e, Expr::value(ast::Value::Null));
                            *e = mark(target.clone(), value);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A marked subscripted assignment: the target `col[...]` (its column
/// and subscripts) and the value.
pub fn marked(e: &Expr) -> Option<(&Expr, &Expr)> {
    match e {
        Expr::BinaryOp {
            left,
            op: ast::BinaryOperator::Custom(op),
            right,
        } if op == ASSIGN_OP => Some((left, right)),
        _ => None,
    }
}
