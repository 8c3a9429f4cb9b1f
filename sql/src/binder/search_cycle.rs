//! SEARCH and CYCLE clauses of recursive CTEs, expanded as PostgreSQL's
//! rewriteSearchAndCycle does: each adds columns computed in both terms
//! of the CTE's UNION.
//!
//! - `SEARCH DEPTH FIRST BY a, b SET seq`: seq is `ARRAY[ROW(a, b)]` in the
//!   non-recursive term and the parent's `seq || ARRAY[ROW(a, b)]` in the
//!   recursive one, so ordering by seq lists the rows depth first.
//! - `SEARCH BREADTH FIRST BY a, b SET seq`: seq is `ROW(0, a, b)`, then
//!   the parent's depth + 1 with the row's columns.
//! - `CYCLE a, b SET mark [TO v DEFAULT d] USING path`: path collects
//!   `ROW(a, b)` as seq does; mark is v when the row's columns are already
//!   on the parent's path, else d; rows whose parent was marked v are not
//!   extended (the recursive term gains `parent.mark <> v`).
//!
//! The parser leaves each clause as a marked name in the CTE's column
//! list (`parser/search_cycle.rs`); the added expressions are built as
//! SQL text over the terms' own select-list expressions and parsed.

use sqlparser::ast::{self, Ident, SelectItem, SetExpr, TableAliasColumnDef, TableFactor};

use super::names::{ident, object_name};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::search_cycle::{CYCLE_MARK, SEARCH_MARK, SEP};

/// A SEARCH clause.
struct Search {
    breadth: bool,
    seq: String,
    columns: Vec<String>,
}

/// A CYCLE clause.
struct Cycle {
    mark: String,
    path: String,
    to: String,
    default: String,
    columns: Vec<String>,
}

fn syntax(msg: String) -> SqlError {
    SqlError::new(SqlState::SYNTAX_ERROR, msg)
}

/// `cte` with its SEARCH / CYCLE clauses expanded, or None without any.
pub(super) fn expand(cte: &ast::Cte, recursive: bool) -> Result<Option<ast::Cte>> {
    let mut search = None;
    let mut cycle = None;
    let mut columns = Vec::new();
    for c in &cte.alias.columns {
        let v = &c.name.value;
        if let Some(rest) = v.strip_prefix(SEARCH_MARK) {
            let p: Vec<&str> = rest.split(SEP).skip(1).collect();
            search = Some(Search {
                breadth: p.first() == Some(&"breadth"),
                seq: p.get(1).copied().unwrap_or_default().to_owned(),
                columns: p.iter().skip(2).map(|s| (*s).to_owned()).collect(),
            });
        } else if let Some(rest) = v.strip_prefix(CYCLE_MARK) {
            let p: Vec<&str> = rest.split(SEP).skip(1).collect();
            let part = |i: usize| p.get(i).copied().unwrap_or_default().to_owned();
            cycle = Some(Cycle {
                mark: part(0),
                path: part(1),
                to: part(2),
                default: part(3),
                columns: p.iter().skip(4).map(|s| (*s).to_owned()).collect(),
            });
        } else {
            columns.push(ident(&c.name));
        }
    }
    if search.is_none() && cycle.is_none() {
        return Ok(None);
    }
    if !recursive {
        return Err(syntax("WITH query is not recursive".into()));
    }
    let name = ident(&cte.alias.name);
    let mut query = cte.query.as_ref().clone();
    let SetExpr::SetOperation {
        op: ast::SetOperator::Union,
        left,
        right,
        ..
    } = query.body.as_mut()
    else {
        return Err(syntax(format!(
            "recursive query \"{name}\" does not have the form non-recursive-term UNION [ALL] recursive-term"
        )));
    };
    let SetExpr::Select(left) = left.as_mut() else {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "with a SEARCH or CYCLE clause, the left side of the UNION must be a SELECT",
        ));
    };
    let SetExpr::Select(right) = right.as_mut() else {
        return Err(syntax(
            "with a SEARCH or CYCLE clause, the right side of the UNION must be a SELECT".into(),
        ));
    };
    if columns.is_empty() {
        for item in &left.projection {
            columns.push(match item {
                SelectItem::ExprWithAlias { alias, .. } => ident(alias),
                SelectItem::UnnamedExpr(ast::Expr::Identifier(i)) => ident(i),
                SelectItem::UnnamedExpr(ast::Expr::CompoundIdentifier(p)) => {
                    p.last().map(ident).unwrap_or_default()
                }
                _ => {
                    return Err(SqlError::unsupported(
                        "SEARCH or CYCLE over a select list without a column name for each item",
                    ))
                }
            });
        }
    }
    let position = |c: &str, what: &str| -> Result<usize> {
        columns.iter().position(|x| x == c).ok_or_else(|| {
            syntax(format!(
                "{what} column \"{c}\" not in WITH query column list"
            ))
        })
    };
    let check_list = |list: &[String], what: &str| -> Result<Vec<usize>> {
        let mut out = Vec::with_capacity(list.len());
        for (i, c) in list.iter().enumerate() {
            if list[..i].contains(c) {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_COLUMN,
                    format!("{what} column \"{c}\" specified more than once"),
                ));
            }
            out.push(position(c, what)?);
        }
        Ok(out)
    };
    let used = |c: &str, what: &str| -> Result<()> {
        if columns.iter().any(|x| x == c) {
            return Err(syntax(format!(
                "{what} column name \"{c}\" already used in WITH query column list"
            )));
        }
        Ok(())
    };
    if let Some(s) = &search {
        check_list(&s.columns, "search")?;
        used(&s.seq, "search sequence")?;
    }
    if let Some(c) = &cycle {
        check_list(&c.columns, "cycle")?;
        used(&c.mark, "cycle mark")?;
        used(&c.path, "cycle path")?;
        if c.mark == c.path {
            return Err(syntax(
                "cycle mark column name and cycle path column name are the same".into(),
            ));
        }
        if let Some(s) = &search {
            if s.seq == c.mark {
                return Err(syntax(
                    "search sequence column name and cycle mark column name are the same".into(),
                ));
            }
            if s.seq == c.path {
                return Err(syntax(
                    "search sequence column name and cycle path column name are the same".into(),
                ));
            }
        }
    }
    let mut added: Vec<String> = Vec::new();
    // The recursive reference's name in the recursive term.
    let parent = right
        .from
        .iter()
        .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)))
        .find_map(|f| match f {
            TableFactor::Table { name: n, alias, .. }
                if object_name(n).last().is_some_and(|l| *l == name) =>
            {
                Some(alias.as_ref().map_or_else(|| name.clone(), |a| ident(&a.name)))
            }
            _ => None,
        })
        .ok_or_else(|| {
            syntax(format!(
                "with a SEARCH or CYCLE clause, the recursive reference to WITH query \"{name}\" must be at the top level of its right-hand SELECT"
            ))
        })?;
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let sc = |c: &str| format!("sc.{}", quote(c));
    let row_of = |positions: &[usize]| {
        let fields: Vec<String> = positions.iter().map(|&i| sc(&columns[i])).collect();
        format!("ROW({})", fields.join(", "))
    };
    // The parent's added columns, as the recursive term passes them up
    // from its reference to the CTE.
    let parent_column = |c: &str| format!("\u{1}parent {c}");
    let mut left_adds: Vec<String> = Vec::new();
    let mut right_adds: Vec<String> = Vec::new();
    let mut passed: Vec<String> = Vec::new();
    if let Some(s) = &search {
        let positions = check_list(&s.columns, "search")?;
        let row = row_of(&positions);
        passed.push(s.seq.clone());
        let parent_seq = sc(&parent_column(&s.seq));
        if s.breadth {
            let fields = row
                .trim_start_matches("ROW(")
                .trim_end_matches(')')
                .to_owned();
            left_adds.push(format!("ROW(0::bigint, {fields}) AS {}", quote(&s.seq)));
            // The parent's depth is its sequence record's first field.
            right_adds.push(format!(
                "ROW(substring({parent_seq}::text from '^\\((\\d+)')::bigint + 1, {fields}) AS {}",
                quote(&s.seq)
            ));
        } else {
            left_adds.push(format!("ARRAY[{row}] AS {}", quote(&s.seq)));
            right_adds.push(format!("{parent_seq} || ARRAY[{row}] AS {}", quote(&s.seq)));
        }
        added.push(s.seq.clone());
    }
    if let Some(c) = &cycle {
        let positions = check_list(&c.columns, "cycle")?;
        let row = row_of(&positions);
        passed.push(c.path.clone());
        let parent_path = sc(&parent_column(&c.path));
        left_adds.push(format!("({}) AS {}", c.default, quote(&c.mark)));
        left_adds.push(format!("ARRAY[{row}] AS {}", quote(&c.path)));
        right_adds.push(format!(
            "CASE WHEN {row} = ANY({parent_path}) THEN ({}) ELSE ({}) END AS {}",
            c.to,
            c.default,
            quote(&c.mark)
        ));
        right_adds.push(format!(
            "{parent_path} || ARRAY[{row}] AS {}",
            quote(&c.path)
        ));
        // Rows whose parent closed a cycle are not extended.
        let stop = crate::parser::parse_expr(&format!(
            "{}.{} <> ({})",
            quote(&parent),
            quote(&c.mark),
            c.to
        ))?;
        right.selection = Some(match right.selection.take() {
            Some(w) => ast::Expr::BinaryOp {
                left: Box::new(ast::Expr::Nested(Box::new(w))),
                op: ast::BinaryOperator::And,
                right: Box::new(stop),
            },
            None => stop,
        });
        added.push(c.mark.clone());
        added.push(c.path.clone());
    }
    // The recursive term passes the parent's columns up beside its own.
    for c in &passed {
        right.projection.push(SelectItem::ExprWithAlias {
            expr: crate::parser::parse_expr(&format!("{}.{}", quote(&parent), quote(c)))?,
            alias: Ident::with_quote('"', parent_column(c)),
        });
    }
    // Each term becomes `SELECT sc.columns..., additions FROM (term) AS
    // sc(columns...)`, so its own select list (with * or not) is read by
    // position.
    let own: Vec<String> = columns.iter().map(|c| sc(c)).collect();
    let wrap = |term: &mut Box<ast::Select>, adds: &[String], extra: &[String]| -> Result<()> {
        let names: Vec<String> = columns.iter().chain(extra).map(|c| quote(c)).collect();
        let sql = format!(
            "SELECT {}, {} FROM (SELECT 1) AS sc({})",
            own.join(", "),
            adds.join(", "),
            names.join(", ")
        );
        let mut parsed = crate::parser::parse(&sql)?;
        let Some(crate::parser::Parsed::Sql(stmt)) = parsed.pop() else {
            return Err(SqlError::internal("SEARCH / CYCLE expansion"));
        };
        let ast::Statement::Query(q) = stmt.into_statement() else {
            return Err(SqlError::internal("SEARCH / CYCLE expansion"));
        };
        let SetExpr::Select(outer) = *q.body else {
            return Err(SqlError::internal("SEARCH / CYCLE expansion"));
        };
        let inner = std::mem::replace(term, outer);
        if let Some(TableFactor::Derived { subquery, .. }) =
            term.from.first_mut().map(|f| &mut f.relation)
        {
            *subquery.body = SetExpr::Select(inner);
        }
        Ok(())
    };
    let passed_names: Vec<String> = passed.iter().map(|c| parent_column(c)).collect();
    wrap(left, &left_adds, &[])?;
    wrap(right, &right_adds, &passed_names)?;
    let mut out = cte.clone();
    out.query = Box::new(query);
    out.alias.columns = columns
        .into_iter()
        .chain(added)
        .map(|c| TableAliasColumnDef {
            name: Ident::with_quote('"', c),
            data_type: None,
        })
        .collect();
    Ok(Some(out))
}
