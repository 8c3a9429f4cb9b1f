//! Set-returning functions: generate_series in FROM and at the top level
//! of a select list, and WITH [RECURSIVE] common table expressions.

use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::names::{ident, object_name};
use super::{Binder, Scope, ScopeColumn};
use crate::cast::CoercionContext;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::Expr;
use crate::plan::{BoundQuery, OutputColumn, Plan, SetOpKind, Srf};
use crate::types::DataType;

/// A WITH item visible to the query being bound.
#[derive(Debug, Clone)]
pub(super) struct CteDef {
    /// Its name.
    pub name: String,
    /// What a reference reads.
    pub kind: CteKind,
}

/// What a CTE reference becomes.
#[derive(Debug, Clone)]
pub(super) enum CteKind {
    /// The bound query, planned again at each reference; with an id when
    /// it is materialized (run once, every reference reading its rows).
    Query(BoundQuery, Option<u64>),
    /// The work table of a recursive CTE being bound.
    WorkTable {
        /// Work table id.
        id: usize,
        /// Its columns (the non-recursive term's).
        columns: Vec<OutputColumn>,
        /// Whether the recursive term referred to it.
        used: bool,
    },
}

/// A WITH query id no other statement's plan uses (the ids of the
/// statement's materialized WITH queries key their rows).
fn next_cte_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Whether the plan calls a volatile function (random(), nextval ...)
/// in its own expressions.
fn has_volatile(plan: &Plan) -> bool {
    fn walk(p: &mut Plan, found: &mut bool) {
        for e in p.exprs_mut() {
            *found |= e.calls_volatile();
        }
        for c in p.children_mut() {
            walk(c, found);
        }
    }
    let mut copy = plan.clone();
    let mut found = false;
    walk(&mut copy, &mut found);
    found
}

/// The order WITH items are bound in: as written, except that under
/// RECURSIVE an item may read one written after it, which then comes
/// first (PostgreSQL's makeDependencyGraph); 0A000 for items that read
/// each other.
fn recursive_order(with: &ast::With) -> Result<Vec<usize>> {
    let n = with.cte_tables.len();
    if !with.recursive || n < 2 {
        return Ok((0..n).collect());
    }
    let names: Vec<String> = with
        .cte_tables
        .iter()
        .map(|c| ident(&c.alias.name))
        .collect();
    let deps: Vec<Vec<usize>> = with
        .cte_tables
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut d = Vec::new();
            let _ = ast::visit_relations(&*c.query, |r| {
                if let [name] = object_name(r).as_slice() {
                    if let Some(j) = names.iter().position(|x| x == name) {
                        if j != i && !d.contains(&j) {
                            d.push(j);
                        }
                    }
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            d
        })
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let Some(i) = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&j| done[j])) else {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "mutual recursion between WITH items is not implemented",
            ));
        };
        done[i] = true;
        out.push(i);
    }
    Ok(out)
}

/// pg_get_keywords(): PostgreSQL 15's keywords (its kwlist.h, kept in
/// the tree) as (word, catcode, barelabel, catdesc, baredesc) rows.
fn keywords_scan(alias: Option<&ast::TableAlias>) -> (Plan, Scope) {
    let rows: Vec<Vec<Expr>> = include_str!("kwlist.txt")
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("PG_KEYWORD(\"")?;
            let (word, rest) = rest.split_once('"')?;
            let (code, desc) = if rest.contains("UNRESERVED_KEYWORD") {
                ("U", "unreserved")
            } else if rest.contains("COL_NAME_KEYWORD") {
                ("C", "unreserved (cannot be function or type name)")
            } else if rest.contains("TYPE_FUNC_NAME_KEYWORD") {
                ("T", "reserved (can be function or type name)")
            } else {
                ("R", "reserved")
            };
            let bare = rest.contains("BARE_LABEL") && !rest.contains("AS_LABEL");
            let text =
                |t: &str| Expr::constant(crate::value::Value::Text(t.to_owned()), DataType::Text);
            Some(vec![
                text(word),
                Expr::constant(crate::value::Value::Text(code.to_owned()), DataType::Char),
                Expr::constant(crate::value::Value::Bool(bare), DataType::Bool),
                text(desc),
                text(if bare {
                    "can be bare label"
                } else {
                    "requires AS"
                }),
            ])
        })
        .collect();
    let table = alias.map_or_else(|| "pg_get_keywords".to_owned(), |a| ident(&a.name));
    let named = alias.map_or(&[][..], |a| &a.columns[..]);
    let columns = [
        ("word", DataType::Text),
        ("catcode", DataType::Char),
        ("barelabel", DataType::Bool),
        ("catdesc", DataType::Text),
        ("baredesc", DataType::Text),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, ty))| ScopeColumn {
        table: Some(table.clone()),
        name: named
            .get(i)
            .map_or_else(|| name.to_owned(), |c| ident(&c.name)),
        ty,
        typmod: -1,
        table_oid: 0,
        attnum: 0,
        hidden: false,
        scalar: false,
    })
    .collect();
    (Plan::Values(rows), Scope { columns })
}

/// Whether `name` is a set-returning function.
pub fn is_srf(name: &str) -> bool {
    matches!(
        name,
        "generate_series"
            | "unnest"
            | "regexp_split_to_table"
            | "string_to_table"
            | "jsonb_path_query"
            | "pg_options_to_table"
            | "generate_subscripts"
            | "regexp_matches"
            | "pg_partition_ancestors"
            | "jsonb_array_elements"
            | "jsonb_array_elements_text"
            | "json_array_elements"
            | "json_array_elements_text"
            | "jsonb_object_keys"
            | "json_object_keys"
            | "jsonb_each"
            | "jsonb_each_text"
            | "json_each"
            | "json_each_text"
            | "json_populate_recordset"
            | "jsonb_populate_recordset"
            | "pg_listening_channels"
            | "pg_snapshot_xip"
            | "txid_snapshot_xip"
    )
}

/// Set-returning functions whose one column is a named OUT parameter
/// (`value`), which an alias does not rename.
fn has_out_name(name: &str) -> bool {
    matches!(
        name,
        "pg_partition_ancestors"
            | "jsonb_array_elements"
            | "jsonb_array_elements_text"
            | "json_array_elements"
            | "json_array_elements_text"
    )
}

impl Binder<'_> {
    /// Binds `WITH ...`: each CTE sees the ones before it (and itself
    /// when RECURSIVE). The caller drops them after the query.
    pub(super) fn with_clause(&mut self, with: &ast::With) -> Result<()> {
        for i in recursive_order(with)? {
            let cte = &with.cte_tables[i];
            let expanded = super::search_cycle::expand(cte, with.recursive)?;
            if expanded.is_some() {
                // The clauses' columns wrap the terms: the rules hold for
                // the CTE as written.
                check_recursion(&ident(&cte.alias.name), &cte.query)?;
            }
            let cte = expanded.as_ref().unwrap_or(cte);
            let name = ident(&cte.alias.name);
            if matches!(
                cte.query.body.as_ref(),
                ast::SetExpr::Insert(_) | ast::SetExpr::Update(_) | ast::SetExpr::Delete(_)
            ) {
                // Run before the statement: cte_ref finds its rows.
                if self.tables.dml_cte(&name).is_none() {
                    return Err(SqlError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "WITH clause containing a data-modifying statement must be at the top level",
                    )
                    .at(self.pos(cte.alias.name.span.start)));
                }
                continue;
            }
            if self
                .ctes
                .iter()
                .rev()
                .take(with.cte_tables.len())
                .any(|c| c.name == name)
            {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_ALIAS,
                    format!("WITH query name \"{name}\" specified more than once"),
                )
                .at(self.pos(cte.alias.name.span.start)));
            }
            // Whether it reads the queries around it (then it cannot be
            // run once for the statement).
            let flags: Vec<bool> = self.outer.iter().map(|l| l.1).collect();
            for level in &mut self.outer {
                level.1 = false;
            }
            let bound = if with.recursive {
                self.recursive_cte(&name, &cte.query, &cte.alias.columns, expanded.is_some())
            } else {
                self.query(&cte.query)
            };
            let correlated = self.outer.iter().any(|l| l.1);
            for (level, f) in self.outer.iter_mut().zip(flags) {
                level.1 |= f;
            }
            let mut bound = bound?;
            // PostgreSQL runs a WITH query once when it is MATERIALIZED
            // or volatile (otherwise it may be inlined: the same rows).
            let materialized = !correlated
                && match cte.materialized {
                    Some(ast::CteAsMaterialized::Materialized) => true,
                    Some(ast::CteAsMaterialized::NotMaterialized) => false,
                    None => has_volatile(&bound.plan),
                };
            let shared = materialized.then(next_cte_id);
            for (c, n) in bound.columns.iter_mut().zip(&cte.alias.columns) {
                c.name = ident(&n.name);
            }
            if cte.alias.columns.len() > bound.columns.len() {
                return Err(SqlError::syntax(
                    format!(
                        "WITH query \"{name}\" has {} columns available but {} columns specified",
                        bound.columns.len(),
                        cte.alias.columns.len()
                    ),
                    None,
                ));
            }
            self.ctes.push(CteDef {
                name,
                kind: CteKind::Query(bound, shared),
            });
        }
        Ok(())
    }

    /// A CTE of WITH RECURSIVE: `base UNION [ALL] step`, where `step`
    /// may read the CTE itself.
    fn recursive_cte(
        &mut self,
        name: &str,
        q: &ast::Query,
        names: &[ast::TableAliasColumnDef],
        expanded: bool,
    ) -> Result<BoundQuery> {
        if !expanded && !check_recursion(name, q)? {
            return self.query(q);
        }
        let ast::SetExpr::SetOperation {
            op: ast::SetOperator::Union,
            set_quantifier,
            left,
            right,
        } = q.body.as_ref()
        else {
            return self.query(q);
        };
        let all = matches!(set_quantifier, ast::SetQuantifier::All);
        let mut base = self.set_expr_public(left)?;
        for (c, n) in base.columns.iter_mut().zip(names) {
            c.name = ident(&n.name);
        }
        let id = self.next_worktable;
        self.next_worktable += 1;
        self.ctes.push(CteDef {
            name: name.to_owned(),
            kind: CteKind::WorkTable {
                id,
                columns: base.columns.clone(),
                used: false,
            },
        });
        let step = self.set_expr_public(right);
        let used = match self.ctes.pop() {
            Some(CteDef {
                kind: CteKind::WorkTable { used, .. },
                ..
            }) => used,
            _ => false,
        };
        let step = step?;
        if used && aggregates_at_top(&step.plan) {
            return Err(invalid_recursion(
                "aggregate functions are not allowed in a recursive query's recursive term".into(),
            ));
        }
        if step.columns.len() != base.columns.len() {
            return Err(SqlError::syntax(
                "each UNION query must have the same number of columns",
                self.pos_of(right.as_ref()),
            ));
        }
        let mut exprs = Vec::with_capacity(step.columns.len());
        for (i, (b, s)) in base.columns.iter().zip(&step.columns).enumerate() {
            let e = Expr {
                kind: crate::expr::ExprKind::Column(i),
                ty: s.ty,
                typmod: s.typmod,
                pos: None,
            };
            if s.ty != b.ty && s.ty != DataType::Unknown {
                return Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "recursive query \"{name}\" column {} has type {} in non-recursive term but type {} overall",
                        i + 1,
                        b.ty.sql_name(),
                        s.ty.sql_name()
                    ),
                )
                .with_hint("Cast the output of the non-recursive term to the correct type."));
            }
            exprs.push(self.coerce(e, b.ty, -1, CoercionContext::Implicit)?);
        }
        let step_plan = Plan::Project {
            input: Box::new(step.plan),
            exprs,
        };
        let plan = if used {
            Plan::RecursiveUnion {
                id,
                base: Box::new(base.plan),
                step: Box::new(step_plan),
                all,
            }
        } else {
            super::select::set_op(base.plan, step_plan, SetOpKind::Union, all, 0)
        };
        Ok(BoundQuery {
            plan,
            columns: base.columns,
        })
    }

    /// A FROM reference to a CTE, if `parts` names one.
    pub(super) fn cte_ref(&mut self, parts: &[String]) -> Option<(Plan, Vec<OutputColumn>)> {
        let [name] = parts else {
            return None;
        };
        let Some(def) = self.ctes.iter_mut().rev().find(|c| &c.name == name) else {
            return self.tables.dml_cte(name).map(|c| {
                let plan = if c.rows.is_empty() {
                    // No rows, with the right width.
                    Plan::Filter {
                        input: Box::new(Plan::Values(vec![c
                            .columns
                            .iter()
                            .map(|col| {
                                crate::expr::Expr::constant(crate::value::Value::Null, col.ty)
                            })
                            .collect()])),
                        predicate: crate::expr::Expr::constant(
                            crate::value::Value::Bool(false),
                            crate::types::DataType::Bool,
                        ),
                    }
                } else {
                    Plan::Values(
                        c.rows
                            .iter()
                            .map(|r| {
                                r.iter()
                                    .zip(&c.columns)
                                    .map(|(v, col)| crate::expr::Expr::constant(v.clone(), col.ty))
                                    .collect()
                            })
                            .collect(),
                    )
                };
                (plan, c.columns)
            });
        };
        Some(match &mut def.kind {
            CteKind::Query(b, None) => (b.plan.clone(), b.columns.clone()),
            CteKind::Query(b, Some(id)) => (
                Plan::CteScan {
                    id: *id,
                    name: name.clone(),
                    input: Box::new(b.plan.clone()),
                },
                b.columns.clone(),
            ),
            CteKind::WorkTable { id, columns, used } => {
                *used = true;
                (Plan::WorkTable(*id), columns.clone())
            }
        })
    }

    /// `generate_series(...)` in FROM: its plan and scope.
    pub(super) fn function_scan(
        &mut self,
        name: &ast::ObjectName,
        args: &[FunctionArg],
        alias: Option<&ast::TableAlias>,
        ordinality: bool,
    ) -> Result<(Plan, Scope)> {
        let refused = self
            .srf_refused
            .replace("set-returning functions must appear at top level of FROM");
        let r = self.function_scan_inner(name, args, alias, ordinality);
        self.srf_refused = refused;
        r
    }

    fn function_scan_inner(
        &mut self,
        name: &ast::ObjectName,
        args: &[FunctionArg],
        alias: Option<&ast::TableAlias>,
        ordinality: bool,
    ) -> Result<(Plan, Scope)> {
        let parts = object_name(name);
        let fname = parts.last().cloned().unwrap_or_default();
        if fname == "pg_get_keywords" && args.is_empty() && !ordinality {
            return Ok(keywords_scan(alias));
        }
        let pos = self.pos_of(name);
        let each = matches!(
            fname.as_str(),
            "jsonb_each" | "jsonb_each_text" | "json_each" | "json_each_text"
        );
        let populate = matches!(
            fname.as_str(),
            "json_populate_recordset" | "jsonb_populate_recordset"
        );
        if (!is_srf(&fname) && !each) || populate {
            return self.scalar_function_scan((name, &fname, populate), args, alias, ordinality);
        }
        let table = alias.map_or_else(|| fname.clone(), |a| ident(&a.name));
        let named = alias.map_or(&[][..], |a| &a.columns[..]);
        let (srf, bound, mut names) = if each {
            // json(b)_each(_text): (key, value) pairs of an object.
            let mut bound = Vec::with_capacity(args.len());
            for a in args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                        bound.push(self.expr(e, &Scope::default())?)
                    }
                    _ => return Err(SqlError::unsupported(format!("the argument {a}")).at(pos)),
                }
            }
            let base = fname.trim_end_matches("_text");
            let keys = self.call(&format!("{base}_keys"), bound.clone(), pos)?;
            let values = self.call(&format!("{fname}_values"), bound, pos)?;
            let value_ty = match values.ty {
                DataType::Array(e) => *e,
                other => other,
            };
            (
                Srf::UnnestZip,
                vec![keys, values],
                vec![("key", DataType::Text), ("value", value_ty)],
            )
        } else if fname == "unnest" && args.len() > 1 {
            // unnest(a, b, ...): one column per array.
            let mut bound = Vec::with_capacity(args.len());
            let mut names = Vec::with_capacity(args.len());
            for a in args {
                let (_, mut one, elem) =
                    self.srf_call("unnest", std::slice::from_ref(a), &Scope::default(), pos)?;
                bound.append(&mut one);
                names.push(("unnest", elem));
            }
            (Srf::UnnestZip, bound, names)
        } else {
            let (srf, bound, ty) = self.srf_call(&fname, args, &Scope::default(), pos)?;
            (srf, bound, srf.columns(ty))
        };
        let single = names.len() == 1;
        if ordinality {
            names.push(("ordinality", DataType::Int8));
        }
        let columns: Vec<ScopeColumn> = names
            .into_iter()
            .enumerate()
            .map(|(i, (name, ty))| ScopeColumn {
                table: Some(table.clone()),
                name: match named.get(i) {
                    Some(c) => ident(&c.name),
                    None if name.is_empty() => table.clone(),
                    // One unnamed column takes the alias, as a scalar
                    // result (an OUT parameter keeps its name).
                    None if i == 0 && single && alias.is_some() && !has_out_name(&fname) => {
                        table.clone()
                    }
                    None => name.to_owned(),
                },
                ty,
                typmod: -1,
                table_oid: 0,
                attnum: 0,
                hidden: false,
                scalar: i == 0 && single,
            })
            .collect();
        let names = Box::new((
            table.clone(),
            columns.iter().map(|c| c.name.clone()).collect(),
        ));
        Ok((
            Plan::FunctionScan {
                func: srf,
                args: bound,
                ordinality,
                names,
            },
            Scope { columns },
        ))
    }

    /// A function that is not set-returning in FROM (PostgreSQL's
    /// FunctionScan of a scalar call): one row of its value; a
    /// composite result is one column per field. The populate_recordset
    /// functions give one row per object (their array unnested).
    #[inline(never)]
    fn scalar_function_scan(
        &mut self,
        (name, fname, recordset): (&ast::ObjectName, &str, bool),
        args: &[FunctionArg],
        alias: Option<&ast::TableAlias>,
        ordinality: bool,
    ) -> Result<(Plan, Scope)> {
        let mut call_name = name.clone();
        if recordset {
            call_name = ast::ObjectName::from(vec![ast::Ident::new(format!("pg_{fname}"))]);
        }
        let call = ast::Expr::Function(ast::Function {
            name: call_name,
            uses_odbc_syntax: false,
            parameters: FunctionArguments::None,
            args: FunctionArguments::List(ast::FunctionArgumentList {
                duplicate_treatment: None,
                args: args.to_vec(),
                clauses: Vec::new(),
            }),
            filter: None,
            null_treatment: None,
            over: None,
            within_group: Vec::new(),
        });
        // A set-returning user-defined function gives the array of its
        // rows here, unnested below as a recordset is.
        let bare = std::mem::replace(&mut self.bare_set_calls, true);
        let value = self.expr(&call, &Scope::default());
        self.bare_set_calls = bare;
        let value = value?;
        let recordset =
            recordset || matches!(&value.kind, crate::expr::ExprKind::UserCall(c) if c.func.retset);
        // A user-defined function with one OUT argument names its column.
        let out_name = match &value.kind {
            crate::expr::ExprKind::UserCall(c) if c.func.outputs().len() == 1 => {
                c.func.outputs().pop().map(|(n, _)| n)
            }
            _ => None,
        };
        let table = alias.map_or_else(|| fname.to_owned(), |a| ident(&a.name));
        let named = alias.map_or(&[][..], |a| &a.columns[..]);
        let returned = record_result_types(&value);
        let at = self.pos_of(name);
        let (mut plan, row_ty) = if recordset {
            let elem = match value.ty {
                DataType::Array(e) => *e,
                other => other,
            };
            (
                Plan::FunctionScan {
                    func: Srf::Unnest("unnest"),
                    args: vec![value],
                    ordinality,
                    names: Box::new((table.clone(), Vec::new())),
                },
                elem,
            )
        } else {
            let ty = value.ty;
            (Plan::Values(vec![vec![value]]), ty)
        };
        // A recordset's FunctionScan numbers its rows after the value.
        let numbered = recordset && ordinality;
        // A row result: one column per field, read from the row.
        let fields: Option<(Vec<Expr>, Vec<ColumnDef>)> = match row_ty {
            DataType::Record if returned.is_some() => {
                Some(self.column_definitions(alias, returned.unwrap_or_default(), at)?)
            }
            DataType::Composite(oid) => {
                let (fields, types) = crate::usertype::fields(oid).unwrap_or_default();
                let row = Expr {
                    kind: crate::expr::ExprKind::Column(0),
                    ty: row_ty,
                    typmod: -1,
                    pos: None,
                };
                let mut exprs = Vec::with_capacity(fields.len() + 1);
                for (i, &ty) in types.iter().enumerate() {
                    exprs.push(self.record_field(row.clone(), i, ty, None)?);
                }
                let names = fields
                    .iter()
                    .zip(types)
                    .map(|(n, (t, m))| (n.clone(), t, m))
                    .collect();
                Some((exprs, names))
            }
            _ => None,
        };
        let mut names: Vec<ColumnDef> = match fields {
            Some((mut exprs, names)) => {
                if numbered {
                    exprs.push(Expr {
                        kind: crate::expr::ExprKind::Column(1),
                        ty: DataType::Int8,
                        typmod: -1,
                        pos: None,
                    });
                }
                plan = Plan::Project {
                    input: Box::new(plan),
                    exprs,
                };
                names
            }
            // One column, named after its OUT argument, else the
            // function (or the alias).
            None => vec![(
                match out_name {
                    Some(n) => n,
                    None if alias.is_some() => table.clone(),
                    None => fname.to_owned(),
                },
                row_ty,
                -1,
            )],
        };
        if ordinality {
            names.push(("ordinality".into(), DataType::Int8, -1));
        }
        if ordinality && !recordset {
            let width = names.len() - 1;
            let mut exprs: Vec<Expr> = (0..width)
                .map(|i| Expr {
                    kind: crate::expr::ExprKind::Column(i),
                    ty: names[i].1,
                    typmod: names[i].2,
                    pos: None,
                })
                .collect();
            exprs.push(Expr::constant(crate::value::Value::Int8(1), DataType::Int8));
            plan = Plan::Project {
                input: Box::new(plan),
                exprs,
            };
        }
        let columns = names
            .into_iter()
            .enumerate()
            .map(|(i, (name, ty, typmod))| ScopeColumn {
                table: Some(table.clone()),
                name: named.get(i).map_or(name, |c| ident(&c.name)),
                ty,
                typmod,
                table_oid: 0,
                attnum: 0,
                hidden: false,
                scalar: false,
            })
            .collect();
        Ok((plan, Scope { columns }))
    }

    /// The columns a column definition list (`AS t(a int, b text)`) gives
    /// a user function returning record, whose rows have fields of
    /// `returned` types (the function's name first): each field read
    /// from the row (column 0) and coerced to its declared type (as an
    /// assignment); 42601 without a typed list, 42P13 (PostgreSQL's
    /// "return type mismatch") when the rows do not fit it.
    fn column_definitions(
        &mut self,
        alias: Option<&ast::TableAlias>,
        (function, returned): (String, Vec<(DataType, i32)>),
        pos: Option<u32>,
    ) -> Result<(Vec<Expr>, Vec<ColumnDef>)> {
        let required = || {
            SqlError::new(
                SqlState::SYNTAX_ERROR,
                "a column definition list is required for functions returning \"record\"",
            )
            .at(pos)
        };
        let defs = alias.map_or(&[][..], |a| &a.columns[..]);
        if defs.is_empty() || defs.iter().any(|c| c.data_type.is_none()) {
            return Err(required());
        }
        let mismatch = |detail: String| {
            SqlError::new(
                SqlState::INVALID_FUNCTION_DEFINITION,
                "return type mismatch in function declared to return record",
            )
            .with_detail(detail)
            .with_context(format!("SQL function \"{function}\" during startup"))
        };
        if returned.len() != defs.len() {
            return Err(mismatch(format!(
                "Final statement returns too {} columns.",
                if returned.len() > defs.len() {
                    "many"
                } else {
                    "few"
                }
            )));
        }
        let row = Expr {
            kind: crate::expr::ExprKind::Column(0),
            ty: DataType::Record,
            typmod: -1,
            pos: None,
        };
        let mut exprs = Vec::with_capacity(defs.len() + 1);
        let mut names = Vec::with_capacity(defs.len());
        for (i, (def, &(actual, actual_mod))) in defs.iter().zip(&returned).enumerate() {
            let Some(declared) = &def.data_type else {
                return Err(required());
            };
            let (ty, typmod) = self.resolve_type(declared)?;
            if actual != ty
                && actual != DataType::Unknown
                && !crate::cast::can_coerce(actual, ty, CoercionContext::Assignment)
            {
                return Err(mismatch(format!(
                    "Final statement returns {actual} instead of {ty} at column {}.",
                    i + 1
                )));
            }
            let field = self.record_field(row.clone(), i, (actual, actual_mod), None)?;
            exprs.push(self.coerce(field, ty, typmod, CoercionContext::Assignment)?);
            names.push((ident(&def.name), ty, typmod));
        }
        Ok((exprs, names))
    }

    /// Binds generate_series' arguments: the series type and the coerced
    /// arguments.
    pub(super) fn srf_call(
        &mut self,
        name: &str,
        args: &[FunctionArg],
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<(Srf, Vec<Expr>, DataType)> {
        let mut bound = Vec::with_capacity(args.len());
        if let Some(filled) = super::names::named_arguments(name, args).map_err(|e| e.at(pos))? {
            for e in &filled {
                bound.push(self.expr(e, scope)?);
            }
        } else {
            for a in args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                        bound.push(self.expr(e, scope)?)
                    }
                    _ => return Err(SqlError::unsupported(format!("the argument {a}")).at(pos)),
                }
            }
        }
        // PostgreSQL's 42883 with its hint, for a call no signature fits.
        let types: Vec<DataType> = bound.iter().map(|b| b.ty).collect();
        let not_found = || {
            crate::func::function_error(name, &types, crate::func::ResolveError::NotFound).at(pos)
        };
        match name {
            "unnest" => return self.unnest_call(bound, pos),
            "pg_options_to_table" => {
                let [arg] = <[Expr; 1]>::try_from(bound).map_err(|_| not_found())?;
                let arg = self.coerce(
                    arg,
                    DataType::Array(&DataType::Text),
                    -1,
                    CoercionContext::Implicit,
                )?;
                return Ok((Srf::OptionsToTable, vec![arg], DataType::Record));
            }
            "generate_subscripts" => {
                let mut it = bound.into_iter();
                let (Some(array), Some(dim), reverse, None) =
                    (it.next(), it.next(), it.next(), it.next())
                else {
                    return Err(not_found());
                };
                if !matches!(
                    array.ty,
                    DataType::Array(_) | DataType::Int2Vector | DataType::OidVector
                ) {
                    return Err(not_found());
                }
                let dim = self.coerce(dim, DataType::Int4, -1, CoercionContext::Implicit)?;
                let reverse = match reverse {
                    Some(r) => {
                        Some(self.coerce(r, DataType::Bool, -1, CoercionContext::Implicit)?)
                    }
                    None => None,
                };
                return Ok((
                    Srf::Unnest("generate_subscripts"),
                    vec![crate::func::subscripts_of(array, dim, reverse)],
                    DataType::Int4,
                ));
            }
            "regexp_matches" => {
                if !(2..=3).contains(&bound.len()) {
                    return Err(not_found());
                }
                let mut args = Vec::with_capacity(3);
                for b in bound {
                    args.push(self.coerce(b, DataType::Text, -1, CoercionContext::Implicit)?);
                }
                if args.len() == 2 {
                    args.push(Expr::constant(
                        crate::value::Value::Text(String::new()),
                        DataType::Text,
                    ));
                }
                return Ok((
                    Srf::Unnest("regexp_matches"),
                    vec![crate::func::matches_of(args)],
                    DataType::Array(&DataType::Text),
                ));
            }
            "pg_snapshot_xip" | "txid_snapshot_xip" => {
                let array = self.call(&format!("{name}_array"), bound, pos)?;
                let elem = match array.ty {
                    DataType::Array(e) => *e,
                    other => other,
                };
                let name: &'static str = if name == "pg_snapshot_xip" {
                    "pg_snapshot_xip"
                } else {
                    "txid_snapshot_xip"
                };
                return Ok((Srf::Unnest(name), vec![array], elem));
            }
            "jsonb_array_elements"
            | "jsonb_array_elements_text"
            | "json_array_elements"
            | "json_array_elements_text"
            | "jsonb_object_keys"
            | "json_object_keys" => {
                let array = self.call(&format!("{name}_array"), bound, pos)?;
                let elem = match array.ty {
                    DataType::Array(e) => *e,
                    other => other,
                };
                let name: &'static str = match name {
                    "jsonb_array_elements" => "jsonb_array_elements",
                    "jsonb_array_elements_text" => "jsonb_array_elements_text",
                    "json_array_elements" => "json_array_elements",
                    "json_array_elements_text" => "json_array_elements_text",
                    "json_object_keys" => "json_object_keys",
                    _ => "jsonb_object_keys",
                };
                return Ok((Srf::Unnest(name), vec![array], elem));
            }
            // In a select list: a row value per object.
            "json_populate_recordset" | "jsonb_populate_recordset" => {
                let records = self.call(&format!("pg_{name}"), bound, pos)?;
                let elem = match records.ty {
                    DataType::Array(e) => *e,
                    other => other,
                };
                let name: &'static str = if name.starts_with("jsonb") {
                    "jsonb_populate_recordset"
                } else {
                    "json_populate_recordset"
                };
                return Ok((Srf::Unnest(name), vec![records], elem));
            }
            // In a select list: one (key, value) row value per member.
            "jsonb_each" | "jsonb_each_text" | "json_each" | "json_each_text" => {
                let base = name.trim_end_matches("_text");
                let keys = self.call(&format!("{base}_keys"), bound.clone(), pos)?;
                let values = self.call(&format!("{name}_values"), bound, pos)?;
                let records = self.call("pg_each_records", vec![keys, values], pos)?;
                let name: &'static str = match name {
                    "jsonb_each" => "jsonb_each",
                    "jsonb_each_text" => "jsonb_each_text",
                    "json_each" => "json_each",
                    _ => "json_each_text",
                };
                return Ok((Srf::Unnest(name), vec![records], DataType::Record));
            }
            "pg_listening_channels" if bound.is_empty() => {
                let array = self.call("pg_listening_channels_array", bound, pos)?;
                return Ok((
                    Srf::Unnest("pg_listening_channels"),
                    vec![array],
                    DataType::Text,
                ));
            }
            // The relation and its ancestors (psql's \d asks).
            "pg_partition_ancestors" if bound.len() == 1 => {
                let list = self.call("pg_partition_ancestor_list", bound, pos)?;
                return Ok((
                    Srf::Unnest("pg_partition_ancestors"),
                    vec![list],
                    DataType::Regclass,
                ));
            }
            "jsonb_path_query" => {
                let items = self
                    .call("jsonb_path_query_items", bound, pos)
                    .map_err(|e| {
                        if e.code() == SqlState::UNDEFINED_FUNCTION {
                            not_found()
                        } else {
                            e
                        }
                    })?;
                return Ok((
                    Srf::Unnest("jsonb_path_query"),
                    vec![items],
                    DataType::Jsonb,
                ));
            }
            "string_to_table" => {
                let array = self
                    .call("string_to_array", bound, pos)
                    .map_err(|_| not_found())?;
                return Ok((Srf::Unnest("string_to_table"), vec![array], DataType::Text));
            }
            "regexp_split_to_table" => {
                let array = self.call("regexp_split_to_array", bound, pos)?;
                return Ok((
                    Srf::Unnest("regexp_split_to_table"),
                    vec![array],
                    DataType::Text,
                ));
            }
            _ => {}
        }
        let types: Vec<DataType> = bound.iter().map(|b| b.ty).collect();
        let undefined = || {
            let sig: Vec<String> = types.iter().map(|t| t.sql_name()).collect();
            SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function generate_series({}) does not exist", sig.join(", ")),
            )
            .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
            .at(pos)
        };
        if !(2..=3).contains(&bound.len()) {
            return Err(undefined());
        }
        // Dates go to timestamptz, the preferred type of their category
        // (PostgreSQL has no date generate_series).
        let ts = types
            .iter()
            .find(|t| matches!(t, DataType::Timestamp | DataType::TimestampTz))
            .copied()
            .or_else(|| {
                types
                    .contains(&DataType::Date)
                    .then_some(DataType::TimestampTz)
            });
        let (srf, arg_types, ty) = if let Some(t) = ts {
            if bound.len() != 3 {
                return Err(undefined());
            }
            (
                Srf::GenerateTimestamps(t),
                vec![t, t, DataType::Interval],
                t,
            )
        } else {
            let t = if types.contains(&DataType::Numeric) {
                DataType::Numeric
            } else if types.contains(&DataType::Int8) {
                DataType::Int8
            } else if types
                .iter()
                .all(|t| matches!(t, DataType::Int2 | DataType::Int4 | DataType::Unknown))
            {
                DataType::Int4
            } else {
                return Err(undefined());
            };
            (Srf::GenerateSeries(t), vec![t; bound.len()], t)
        };
        let mut coerced = Vec::with_capacity(bound.len());
        for (b, t) in bound.into_iter().zip(arg_types) {
            coerced.push(
                self.coerce(b, t, -1, CoercionContext::Implicit)
                    .map_err(|_| undefined())?,
            );
        }
        Ok((srf, coerced, ty))
    }

    /// unnest(array): one argument of an array type.
    fn unnest_call(
        &mut self,
        bound: Vec<Expr>,
        pos: Option<u32>,
    ) -> Result<(Srf, Vec<Expr>, DataType)> {
        let types: Vec<String> = bound.iter().map(|b| b.ty.sql_name()).collect();
        let [arg] = <[Expr; 1]>::try_from(bound).map_err(|_| {
            SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function unnest({}) does not exist", types.join(", ")),
            )
            .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
            .at(pos)
        })?;
        let elem = match arg.ty {
            DataType::Array(e) => *e,
            DataType::Int2Vector => DataType::Int2,
            DataType::OidVector => DataType::Oid,
            DataType::Multirange(r) => *r,
            DataType::Unknown => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    "function unnest(unknown) is not unique",
                )
                .with_hint("Could not choose a best candidate function. You might need to add explicit type casts.")
                .at(pos))
            }
            other => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    format!("function unnest({}) does not exist", other.sql_name()),
                )
                .with_hint("No function matches the given name and argument types. You might need to add explicit type casts.")
                .at(pos))
            }
        };
        Ok((Srf::Unnest("unnest"), vec![arg], elem))
    }
}

/// Whether `node` names the relation `name` anywhere (a one-part name).
fn mentions<V: sqlparser::ast::Visit>(node: &V, name: &str) -> bool {
    let found = sqlparser::ast::visit_relations(node, |r| {
        if object_name(r).as_slice() == [name.to_owned()] {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    found.is_break()
}

fn invalid_recursion(msg: String) -> SqlError {
    SqlError::new(SqlState::INVALID_RECURSION, msg)
}

/// PostgreSQL's checkWellFormedRecursion for a CTE of WITH RECURSIVE:
/// false if it does not read itself (it is then an ordinary CTE); an
/// error if it reads itself other than from the top level of the right
/// side of `non-recursive UNION [ALL] recursive`.
fn check_recursion(name: &str, q: &ast::Query) -> Result<bool> {
    if !mentions(q, name) {
        return Ok(false);
    }
    let (left, right) = match q.body.as_ref() {
        ast::SetExpr::Insert(_) | ast::SetExpr::Update(_) | ast::SetExpr::Delete(_) => {
            return Err(invalid_recursion(format!(
                "recursive query \"{name}\" must not contain data-modifying statements"
            )))
        }
        ast::SetExpr::SetOperation {
            op: ast::SetOperator::Union,
            left,
            right,
            ..
        } => (left, right),
        _ => {
            return Err(invalid_recursion(format!(
                "recursive query \"{name}\" does not have the form non-recursive-term UNION [ALL] recursive-term"
            )))
        }
    };
    if mentions(left.as_ref(), name) {
        return Err(invalid_recursion(format!(
            "recursive reference to query \"{name}\" must not appear within its non-recursive term"
        )));
    }
    if let ast::SetExpr::Select(select) = right.as_ref() {
        // References in FROM at the top level, and where they sit.
        let mut direct = 0;
        let is_self = |f: &ast::TableFactor| matches!(f, ast::TableFactor::Table { name: n, .. } if object_name(n).as_slice() == [name.to_owned()]);
        for t in &select.from {
            direct += usize::from(is_self(&t.relation));
            let mut left_side_nullable = false;
            for j in &t.joins {
                use ast::JoinOperator as J;
                let (nulls_left, nulls_right) = match &j.join_operator {
                    J::Left(_) | J::LeftOuter(_) => (false, true),
                    J::Right(_) | J::RightOuter(_) => (true, false),
                    J::FullOuter(_) => (true, true),
                    _ => (false, false),
                };
                left_side_nullable |= nulls_left;
                let here = is_self(&j.relation);
                direct += usize::from(here);
                if (here && nulls_right) || (left_side_nullable && is_self(&t.relation)) {
                    return Err(invalid_recursion(format!(
                        "recursive reference to query \"{name}\" must not appear within an outer join"
                    )));
                }
            }
        }
        let mut all = 0;
        let _ = sqlparser::ast::visit_relations(select.as_ref(), |r| {
            all += usize::from(object_name(r).as_slice() == [name.to_owned()]);
            std::ops::ControlFlow::<()>::Continue(())
        });
        if all > direct {
            return Err(invalid_recursion(format!(
                "recursive reference to query \"{name}\" must not appear within a subquery"
            )));
        }
        if direct > 1 {
            return Err(invalid_recursion(format!(
                "recursive reference to query \"{name}\" must not appear more than once"
            )));
        }
    }
    if q.order_by.is_some() {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "ORDER BY in a recursive query is not implemented",
        ));
    }
    match &q.limit_clause {
        Some(ast::LimitClause::LimitOffset {
            offset: Some(_), ..
        }) => {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "OFFSET in a recursive query is not implemented",
            ))
        }
        Some(_) => {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "LIMIT in a recursive query is not implemented",
            ))
        }
        None => {}
    }
    if !q.locks.is_empty() {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "FOR UPDATE/SHARE in a recursive query is not implemented",
        ));
    }
    Ok(true)
}

/// Whether a query's own level aggregates (an Aggregate under only
/// projections, filters, sorts and limits).
fn aggregates_at_top(plan: &Plan) -> bool {
    match plan {
        Plan::Aggregate { .. } => true,
        Plan::Project { input, .. }
        | Plan::Filter { input, .. }
        | Plan::Sort { input, .. }
        | Plan::Limit { input, .. }
        | Plan::Distinct { input, .. } => aggregates_at_top(input),
        _ => false,
    }
}

/// The name of a LANGUAGE sql function declared to return record (or
/// SETOF record) and the field types of the rows it gives: its final
/// statement's columns.
/// None for any other value.
fn record_result_types(value: &Expr) -> Option<(String, Vec<(DataType, i32)>)> {
    let crate::expr::ExprKind::UserCall(c) = &value.kind else {
        return None;
    };
    let crate::expr::CallBody::Sql(plan) = &c.body else {
        return None;
    };
    if !matches!(
        value.ty,
        DataType::Record | DataType::Array(&DataType::Record)
    ) {
        return None;
    }
    fn find(plan: &mut Plan) -> Option<Vec<(DataType, i32)>> {
        if let Plan::Project { exprs, .. } = plan {
            if let Some((_, fields)) = exprs.first().and_then(crate::func::row_constructor_fields) {
                return Some(fields.iter().map(|f| (f.ty, f.typmod)).collect());
            }
        }
        plan.children_mut().into_iter().find_map(find)
    }
    // A read-only search over a copy: plans only walk mutably.
    find(&mut plan.clone()).map(|types| (c.func.name.clone(), types))
}

/// A FROM item column's name, type and type modifier.
type ColumnDef = (String, DataType, i32);
