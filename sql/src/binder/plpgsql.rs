//! Compiling a PL/pgSQL body (crate::plpgsql) for one call's argument
//! types: every variable a slot of one row, every expression and query
//! bound with that row as its enclosing query level.

use std::sync::Arc;

use sqlparser::ast;

use super::{Binder, Scope, ScopeColumn, TableSource};
use crate::cast::CoercionContext;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::plan::{BoundQuery, Plan};
use crate::plpgsql::parse::{self, StmtKind};
use crate::plpgsql::{Compiled, Condition, Frag, Op, RaiseLevel, Step};
use crate::routine::UserFunction;
use crate::types::DataType;
use crate::value::OutputStyle;

/// One slot.
#[derive(Debug, Clone)]
struct Var {
    /// Its name (a record's field: the field's).
    name: String,
    /// What qualifies it: the function or block label, or a record's
    /// name for its fields.
    table: Option<String>,
    ty: DataType,
    typmod: i32,
    /// A record's field: reachable only qualified.
    field: bool,
}

struct Compiler<'t> {
    tables: &'t mut dyn TableSource,
    style: OutputStyle,
    calling: Vec<u32>,
    vars: Vec<Var>,
    /// Declarations in force, innermost last: (name, slot).
    visible: Vec<(String, usize)>,
    /// Records: name → field slots (defined by the query that fills it).
    records: Vec<(String, Vec<usize>)>,
    ret: DataType,
    retset: bool,
    out_slots: Vec<usize>,
    /// Slots declared of a domain type, with the domain.
    domains: Vec<(usize, DataType)>,
    /// Records that are NULL as a whole (a trigger's OLD on INSERT, NEW
    /// on DELETE): their fields read NULL, the name alone the NULL row
    /// of a slot of its own.
    null_rows: Vec<String>,
    /// Arguments of a row type: (the slot the row arrives in, its
    /// fields' slots).
    row_inputs: Vec<(usize, Vec<usize>)>,
}

/// Compiles PL/pgSQL function `func` for input types `params` returning
/// `ret`.
pub(super) fn compile_plpgsql(
    tables: &mut dyn TableSource,
    style: &OutputStyle,
    func: &UserFunction,
    params: &[DataType],
    ret: DataType,
    calling: Vec<u32>,
) -> Result<Compiled> {
    let block = parse::parse(&func.body)?;
    let mut c = Compiler {
        tables,
        style: style.clone(),
        calling,
        vars: Vec::new(),
        visible: Vec::new(),
        records: Vec::new(),
        ret,
        retset: func.retset,
        out_slots: Vec::new(),
        domains: Vec::new(),
        null_rows: Vec::new(),
        row_inputs: Vec::new(),
    };
    let mut inputs = params.iter();
    let mut input_slots = Vec::new();
    for (i, p) in func.params.iter().enumerate() {
        let ty = if func.passes(p) {
            inputs.next().copied().unwrap_or(p.ty)
        } else {
            p.ty
        };
        let dollar = format!("${}", i + 1);
        // An argument of a row type is a record of its fields
        // (`p.first`, `$1.first`), as a declared row variable.
        let fields = match p.ty {
            DataType::Composite(oid) if func.passes(p) => crate::usertype::fields(oid),
            _ => None,
        };
        let ty = if fields.is_some() { p.ty } else { ty };
        let slot = c.add_var(
            p.name.clone().unwrap_or_default(),
            Some(func.name.clone()),
            ty,
            -1,
        );
        if let Some((names, types)) = fields {
            let fields: Vec<(String, DataType, i32)> = names
                .iter()
                .zip(types)
                .map(|(n, (t, m))| (n.clone(), t, m))
                .collect();
            let name = p.name.clone().unwrap_or_else(|| dollar.clone());
            let slots = c.define_record(&name, fields);
            if name != dollar {
                c.records.push((dollar.clone(), slots.clone()));
            }
            c.row_inputs.push((slot, slots));
        }
        if func.passes(p) {
            input_slots.push(slot);
        }
        if let Some(n) = &p.name {
            c.visible.push((n.clone(), slot));
        }
        // $n numbers every argument, OUT ones too.
        c.visible.push((dollar, slot));
        if p.mode.is_output() {
            c.out_slots.push(slot);
        }
    }
    c.finish(func, block, input_slots)
}

/// What a trigger function sees besides its body: `new` and `old` (the
/// fields of a row, or a NULL row when the event has none) and the
/// `tg_*` variables, in that order its input slots.
pub(crate) struct TriggerShape<'a> {
    /// The triggering table's columns.
    pub fields: &'a [(String, DataType, i32)],
    /// Whether NEW and OLD are rows.
    pub new: bool,
    /// Whether OLD is a row.
    pub old: bool,
    /// The `tg_*` variables, (name, type).
    pub vars: &'a [(&'static str, DataType)],
}

/// Compiles trigger function `func` (a BEFORE ROW trigger, run in the
/// row loop of the statement that fires it). The input slots are NEW's
/// fields (or one NULL row), OLD's, then the `tg_*` variables.
pub(crate) fn compile_trigger(
    tables: &mut dyn TableSource,
    style: &OutputStyle,
    func: &UserFunction,
    shape: &TriggerShape<'_>,
) -> Result<Compiled> {
    let block = parse::parse(&func.body)?;
    let mut c = Compiler {
        tables,
        style: style.clone(),
        calling: vec![func.oid],
        vars: Vec::new(),
        visible: Vec::new(),
        records: Vec::new(),
        // A row of the table's columns (RETURN NEW, OLD, NULL, any row).
        ret: DataType::Record,
        retset: false,
        out_slots: Vec::new(),
        domains: Vec::new(),
        null_rows: Vec::new(),
        row_inputs: Vec::new(),
    };
    let mut input_slots = Vec::new();
    for (name, is_row) in [("new", shape.new), ("old", shape.old)] {
        input_slots.extend(c.define_record(name, shape.fields.to_vec()));
        let slot = c.add_var(name.into(), None, DataType::Record, -1);
        input_slots.push(slot);
        if !is_row {
            c.visible.push((name.into(), slot));
            c.null_rows.push(name.into());
        }
    }
    for (name, ty) in shape.vars {
        let slot = c.add_var((*name).into(), None, *ty, -1);
        c.visible.push(((*name).into(), slot));
        input_slots.push(slot);
    }
    c.finish(func, block, input_slots)
}

impl Compiler<'_> {
    /// `found`, then the body: the compiled function.
    fn finish(
        mut self,
        func: &UserFunction,
        block: parse::Block,
        input_slots: Vec<usize>,
    ) -> Result<Compiled> {
        let found = self.add_var("found".into(), None, DataType::Bool, -1);
        self.visible.push(("found".into(), found));
        let signature = format!(
            "{}({})",
            func.name,
            func.input_types()
                .iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        let body = self.block(block, 1)?;
        Ok(Compiled {
            signature,
            slots: self.vars.iter().map(|v| (v.ty, v.typmod)).collect(),
            input_slots,
            row_inputs: self.row_inputs,
            ret: self.ret,
            retset: self.retset,
            out_slots: self.out_slots,
            found,
            body,
        })
    }
}

impl Compiler<'_> {
    fn add_var(&mut self, name: String, table: Option<String>, ty: DataType, typmod: i32) -> usize {
        self.vars.push(Var {
            name,
            table,
            ty,
            typmod,
            field: false,
        });
        self.vars.len() - 1
    }

    /// The slot a name (`x`, `label.x`) means here.
    fn lookup(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        // Identifiers fold to lower case unless quoted.
        let fold = |s: &str| match s.strip_prefix('"') {
            Some(q) => q.strip_suffix('"').unwrap_or(q).replace("\"\"", "\""),
            None => s.to_lowercase(),
        };
        if let Some((qual, n)) = name.rsplit_once('.') {
            let (qual, n) = (fold(qual), fold(n));
            if let Some((_, fields)) = self.records.iter().rev().find(|(r, _)| *r == qual) {
                return fields.iter().copied().find(|&s| self.vars[s].name == n);
            }
            if self
                .vars
                .iter()
                .any(|v| v.table.as_deref() == Some(qual.as_str()))
            {
                if let Some((_, fields)) = self.records.iter().rev().find(|(r, _)| *r == qual) {
                    return fields.iter().copied().find(|&s| self.vars[s].name == n);
                }
                return self
                    .visible
                    .iter()
                    .rev()
                    .find(|(v, _)| *v == n)
                    .map(|(_, s)| *s);
            }
        }
        let key = fold(name);
        self.visible
            .iter()
            .rev()
            .find(|(n, _)| *n == key)
            .map(|(_, s)| *s)
    }

    /// The scope expressions see: every slot, those not in force (or
    /// shadowed) hidden and nameless.
    fn scope(&self) -> Scope {
        let mut shown = vec![false; self.vars.len()];
        let mut seen: Vec<&str> = Vec::new();
        for (n, s) in self.visible.iter().rev() {
            if n.starts_with('$') || seen.contains(&n.as_str()) {
                continue;
            }
            seen.push(n);
            shown[*s] = true;
        }
        for (_, fields) in &self.records {
            for &f in fields {
                shown[f] = true;
            }
        }
        Scope {
            columns: self
                .vars
                .iter()
                .enumerate()
                .map(|(i, v)| ScopeColumn {
                    table: if shown[i] { v.table.clone() } else { None },
                    name: if shown[i] {
                        v.name.clone()
                    } else {
                        String::new()
                    },
                    ty: v.ty,
                    typmod: v.typmod,
                    table_oid: 0,
                    attnum: 0,
                    hidden: !shown[i] || v.field,
                    scalar: false,
                })
                .collect(),
        }
    }

    /// Binds query text with the variables as the enclosing level.
    fn query(&mut self, text: &str) -> Result<BoundQuery> {
        // A record named whole is the row of its fields; an alias
        // (`n ALIAS FOR $1`) is the name of what it stands for.
        let mut aliases: Vec<(&str, String)> = Vec::new();
        for (name, slot) in self.visible.iter().rev() {
            if aliases.iter().any(|(a, _)| a == name) || name.starts_with('$') {
                continue;
            }
            let v = &self.vars[*slot];
            if v.field || v.name == *name {
                aliases.push((name, String::new()));
                continue;
            }
            let to = if v.name.is_empty() {
                format!("${}", slot + 1)
            } else {
                crate::func::quote_ident(&v.name)
            };
            aliases.push((name, to));
        }
        aliases.retain(|(_, to)| !to.is_empty());
        let rewritten;
        let text = if self.records.is_empty() && aliases.is_empty() {
            text
        } else {
            let records = &self.records;
            let vars = &self.vars;
            let null_rows = &self.null_rows;
            rewritten = parse::substitute(text, &|w, field| {
                let null_row = null_rows.iter().any(|n| n == w);
                if field == Some("*") && null_row {
                    // The record's own NULL row.
                    return Some(w.to_owned());
                }
                if let Some(f) = field.filter(|f| *f != "*") {
                    // An alias's field: the field of the record it names.
                    let (_, fields) = records.iter().rev().find(|(r, _)| r == w)?;
                    let table = vars[*fields.first()?].table.as_deref()?;
                    return (table != w).then(|| format!("{table}.{f}"));
                }
                if null_row {
                    return None;
                }
                let Some((_, fields)) = records.iter().rev().find(|(r, _)| r == w) else {
                    return aliases
                        .iter()
                        .find(|(a, _)| *a == w)
                        .map(|(_, to)| to.clone());
                };
                Some(format!(
                    "ROW({})",
                    fields
                        .iter()
                        .map(|f| {
                            let table = vars[*f].table.as_deref().unwrap_or(w);
                            format!("{table}.{}", crate::func::quote_ident(&vars[*f].name))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            &rewritten
        };
        let parsed = crate::parser::parse(text)?;
        let [crate::parser::Parsed::Sql(stmt)] = parsed.as_slice() else {
            return Err(SqlError::syntax(
                format!("syntax error at or near \"{}\"", text.trim()),
                None,
            ));
        };
        let ast::Statement::Query(q) = stmt.as_ref() else {
            return Err(SqlError::unsupported(
                "data-modifying statements in PL/pgSQL functions",
            ));
        };
        let scope = self.scope();
        // `$n` in a body reads argument n: positions in scope order.
        let mut b = Binder::new(text, self.style.clone(), Vec::new(), &mut *self.tables);
        b.outer.push((scope, false));
        b.function_params = Some(0);
        b.calling = self.calling.clone();
        b.query(q).map_err(SqlError::without_position)
    }

    /// An expression as a one-column plan, coerced to `ty` unless None,
    /// with its context line.
    fn expr(&mut self, text: &str, ty: Option<(DataType, i32)>) -> Result<Frag> {
        Ok(Frag {
            plan: self.expr_plan(text, ty)?,
            context: Some(format!("SQL expression \"{}\"", text.trim())),
        })
    }

    /// A query with its context line.
    fn statement_frag(plan: Plan, text: &str) -> Frag {
        Frag {
            plan,
            context: Some(format!("SQL statement \"{}\"", text.trim())),
        }
    }

    fn expr_plan(&mut self, text: &str, ty: Option<(DataType, i32)>) -> Result<Plan> {
        let sql = format!("SELECT {text}");
        let bound = self.query(&sql)?;
        if bound.columns.len() != 1 {
            return Err(SqlError::syntax(
                format!("query \"{sql}\" returned {} columns", bound.columns.len()),
                None,
            ));
        }
        let Some((to, typmod)) = ty else {
            return Ok(bound.plan);
        };
        let c = &bound.columns[0];
        let col = Expr {
            kind: ExprKind::Column(0),
            ty: c.ty,
            typmod: c.typmod,
            pos: None,
        };
        if c.ty == to && (typmod < 0 || c.typmod == typmod) {
            return Ok(bound.plan);
        }
        let mut b = Binder::new("", self.style.clone(), Vec::new(), &mut *self.tables);
        let value = match to {
            // A domain: its constraints checked, a value of its base type.
            DataType::Domain(oid) => b.domain_cast(col, oid, None)?,
            // Without an assignment cast, PL/pgSQL converts through the
            // types' text forms (exec_cast_value's CoerceViaIO).
            _ => match b.coerce(col.clone(), to, typmod, CoercionContext::Assignment) {
                Ok(v) => v,
                Err(e) => b
                    .coerce(col, to, typmod, CoercionContext::Explicit)
                    .map_err(|_| e)?,
            },
        };
        Ok(Plan::Project {
            input: Box::new(bound.plan),
            exprs: vec![value],
        })
    }

    fn cond(&mut self, text: &str) -> Result<Frag> {
        self.expr(text, Some((DataType::Bool, -1)))
    }

    /// A declared type: `integer`, `t%rowtype`, `x%type`, `record`.
    fn decl_type(&mut self, text: &str) -> Result<DeclType> {
        let t = text.trim();
        let lower = t.to_lowercase();
        if lower == "record" {
            return Ok(DeclType::Record(None));
        }
        if let Some(rel) = lower.strip_suffix("%rowtype") {
            let parts: Vec<String> = rel.split('.').map(|s| s.trim().to_owned()).collect();
            let (schema, name) = match parts.as_slice() {
                [n] => (None, n.as_str()),
                [s, n] => (Some(s.as_str()), n.as_str()),
                _ => return Err(SqlError::syntax(format!("invalid type name \"{t}\""), None)),
            };
            let def = self.tables.table(schema, name)?.ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_TABLE,
                    format!("relation \"{rel}\" does not exist"),
                )
            })?;
            let fields = def
                .live()
                .map(|(_, c)| (c.name.clone(), c.ty, c.typmod))
                .collect();
            return Ok(DeclType::Record(Some(fields)));
        }
        if let Some(of) = lower.strip_suffix("%type") {
            if let Some(slot) = self.lookup(of) {
                return Ok(DeclType::Scalar(self.vars[slot].ty, self.vars[slot].typmod));
            }
            let b = self.query(&format!("SELECT {of} FROM {}", table_of(of)))?;
            let c = &b.columns[0];
            return Ok(DeclType::Scalar(c.ty, c.typmod));
        }
        let ast = crate::parser::parse_expr(&format!("NULL::{t}"))?;
        let ast::Expr::Cast { data_type, .. } = ast else {
            return Err(SqlError::syntax(format!("invalid type name \"{t}\""), None));
        };
        let mut b = Binder::new("", self.style.clone(), Vec::new(), &mut *self.tables);
        let (ty, typmod) = b.resolve_type(&data_type)?;
        // A variable of a row type is a record of its fields.
        if let DataType::Composite(oid) = ty {
            if let Some((names, types)) = crate::usertype::fields(oid) {
                return Ok(DeclType::Record(Some(
                    names
                        .iter()
                        .zip(types)
                        .map(|(n, (t, m))| (n.clone(), t, m))
                        .collect(),
                )));
            }
        }
        Ok(DeclType::Scalar(ty, typmod))
    }

    /// A record's field slots, defined now by `fields`.
    fn define_record(&mut self, name: &str, fields: Vec<(String, DataType, i32)>) -> Vec<usize> {
        let mut slots = Vec::with_capacity(fields.len());
        for (f, ty, typmod) in fields {
            self.vars.push(Var {
                name: f,
                table: Some(name.to_owned()),
                ty,
                typmod,
                field: true,
            });
            slots.push(self.vars.len() - 1);
        }
        self.records.retain(|(r, _)| r != name);
        self.records.push((name.to_owned(), slots.clone()));
        slots
    }

    fn is_record(&self, name: &str) -> bool {
        self.vars
            .iter()
            .any(|v| v.ty == DataType::Record && v.name == name && v.table.is_none())
            || self.records.iter().any(|(r, _)| r == name)
    }

    /// Targets of INTO / FOR: variables, or one record taking every
    /// column (defined by them).
    fn targets(
        &mut self,
        names: &[String],
        columns: &[crate::plan::OutputColumn],
    ) -> Result<Vec<usize>> {
        if let [one] = names {
            let one = one.to_lowercase();
            if self.is_record(&one) {
                let fields = columns
                    .iter()
                    .map(|c| (c.name.clone(), c.ty, c.typmod))
                    .collect();
                return Ok(self.define_record(&one, fields));
            }
        }
        names
            .iter()
            .map(|n| {
                self.lookup(n).ok_or_else(|| {
                    SqlError::syntax(format!("\"{n}\" is not a known variable"), None)
                })
            })
            .collect()
    }

    fn block(&mut self, b: parse::Block, line: u32) -> Result<Step> {
        let mark = self.visible.len();
        let records = self.records.len();
        let mut inits = Vec::new();
        for d in b.decls {
            if let Some(target) = &d.alias {
                // An alias of a record (`ps ALIAS FOR new`) names its fields.
                let whole = target.trim().to_lowercase();
                let slot = self.lookup(&whole);
                let mut names = crate::plpgsql::RecordNames {
                    records: &mut self.records,
                    null_rows: &mut self.null_rows,
                    visible: &mut self.visible,
                };
                if names.alias(&whole, &d.name, slot) {
                    continue;
                }
                let slot = self.lookup(target).ok_or_else(|| {
                    SqlError::syntax(format!("\"{target}\" is not a known variable"), None)
                })?;
                self.visible.push((d.name.clone(), slot));
                continue;
            }
            match self.decl_type(&d.ty)? {
                DeclType::Record(fields) => {
                    let slot = self.add_var(d.name.clone(), b.label.clone(), DataType::Record, -1);
                    self.visible.push((d.name.clone(), slot));
                    if let Some(fields) = fields {
                        self.define_record(&d.name, fields);
                    }
                }
                DeclType::Scalar(ty, typmod) => {
                    let default = match &d.default {
                        Some(e) => Some(self.expr(e, Some((ty, typmod)))?),
                        None => None,
                    };
                    // A domain variable holds a value of its base type;
                    // assignments to it check the domain.
                    let slot = self.add_var(d.name.clone(), b.label.clone(), ty.base(), typmod);
                    if let DataType::Domain(_) = ty {
                        self.domains.push((slot, ty));
                    }
                    if d.not_null && d.default.is_none() {
                        return Err(SqlError::new(
                            SqlState::NULL_VALUE_NOT_ALLOWED,
                            format!(
                                "variable \"{}\" must have a default value, since it's declared NOT NULL",
                                d.name
                            ),
                        ));
                    }
                    self.visible.push((d.name.clone(), slot));
                    inits.push((slot, default, d.name.clone()));
                }
            }
        }
        let body = self.statements(b.body)?;
        let mut handlers = Vec::new();
        for (conds, stmts) in b.handlers {
            let conds = conds
                .iter()
                .map(|c| {
                    if c == "others" {
                        Ok(Condition::Others)
                    } else if let Some(s) = crate::plpgsql::parse::condition_state(c) {
                        if s.code().ends_with("000") {
                            Ok(Condition::Class(s.code()[..2].to_owned()))
                        } else {
                            Ok(Condition::State(s))
                        }
                    } else {
                        Err(SqlError::new(
                            SqlState::UNDEFINED_OBJECT,
                            format!("unrecognized exception condition \"{c}\""),
                        ))
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            let mark = self.visible.len();
            let state = self.add_var("sqlstate".into(), None, DataType::Text, -1);
            let errm = self.add_var("sqlerrm".into(), None, DataType::Text, -1);
            self.visible.push(("sqlstate".into(), state));
            self.visible.push(("sqlerrm".into(), errm));
            let stmts = self.statements(stmts)?;
            self.visible.truncate(mark);
            handlers.push((conds, stmts, state, errm));
        }
        self.visible.truncate(mark);
        self.records.truncate(records);
        Ok(Step {
            line,
            what: "statement block",
            op: Op::Block {
                inits,
                body,
                handlers,
                label: b.label,
            },
        })
    }

    fn statements(&mut self, stmts: Vec<parse::Stmt>) -> Result<Vec<Step>> {
        stmts.into_iter().map(|s| self.statement(s)).collect()
    }

    fn statement(&mut self, s: parse::Stmt) -> Result<Step> {
        let line = s.line;
        let step = |what: &'static str, op: Op| Step { line, what, op };
        Ok(match s.kind {
            StmtKind::Block(b) => self.block(b, line)?,
            StmtKind::Null => step("NULL", Op::Null),
            StmtKind::Assign { target, expr } => {
                // A whole record with known fields: its fields, in order.
                let whole = target.trim().to_lowercase();
                if let Some((_, fields)) = self
                    .records
                    .iter()
                    .rev()
                    .find(|(r, _)| *r == whole)
                    .cloned()
                {
                    let mut value = self.expr(&expr, None)?;
                    value.context = Some(format!(
                        "PL/pgSQL assignment \"{} := {}\"",
                        target.trim(),
                        expr.trim()
                    ));
                    return Ok(step(
                        "assignment",
                        Op::AssignFields {
                            slots: fields,
                            value,
                        },
                    ));
                }
                let Some(slot) = self.lookup(&target) else {
                    if let Some((slot, value)) = self.element_assign(&target, &expr)? {
                        return Ok(step("assignment", Op::Assign { slot, value }));
                    }
                    return Err(SqlError::syntax(
                        format!("\"{target}\" is not a known variable"),
                        None,
                    ));
                };
                let (mut ty, typmod) = (self.vars[slot].ty, self.vars[slot].typmod);
                if let Some((_, d)) = self.domains.iter().find(|(s, _)| *s == slot) {
                    ty = *d;
                }
                let mut value = self.expr(&expr, Some((ty, typmod)))?;
                value.context = Some(format!(
                    "PL/pgSQL assignment \"{} := {}\"",
                    target.trim(),
                    expr.trim()
                ));
                step("assignment", Op::Assign { slot, value })
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let mut out = Vec::new();
                for (c, body) in branches {
                    out.push((self.cond(&c)?, self.statements(body)?));
                }
                step(
                    "IF",
                    Op::If {
                        branches: out,
                        otherwise: Some(self.statements(otherwise)?),
                    },
                )
            }
            StmtKind::Case {
                subject,
                branches,
                otherwise,
            } => {
                let mut out = Vec::new();
                for (c, body) in branches {
                    let cond = match &subject {
                        Some(s) => format!("({s}) IN ({c})"),
                        None => c,
                    };
                    out.push((self.cond(&cond)?, self.statements(body)?));
                }
                let otherwise = match otherwise {
                    Some(o) => Some(self.statements(o)?),
                    None => None,
                };
                step(
                    "CASE",
                    Op::If {
                        branches: out,
                        otherwise,
                    },
                )
            }
            StmtKind::Loop { label, cond, body } => {
                let what = if cond.is_some() { "WHILE" } else { "LOOP" };
                let cond = match cond {
                    Some(c) => Some(self.cond(&c)?),
                    None => None,
                };
                step(
                    what,
                    Op::Loop {
                        label,
                        cond,
                        body: self.statements(body)?,
                    },
                )
            }
            StmtKind::ForInt {
                label,
                var,
                lo,
                hi,
                step: by,
                reverse,
                body,
            } => {
                let int = Some((DataType::Int4, -1));
                let lo = Box::new(self.expr(&lo, int)?);
                let hi = Box::new(self.expr(&hi, int)?);
                let by = match by {
                    Some(b) => Some(self.expr(&b, int)?),
                    None => None,
                };
                let mark = self.visible.len();
                let slot = self.add_var(var.clone(), label.clone(), DataType::Int4, -1);
                self.visible.push((var, slot));
                let body = self.statements(body)?;
                self.visible.truncate(mark);
                step(
                    "FOR with integer loop variable",
                    Op::ForInt {
                        label,
                        slot,
                        lo,
                        hi,
                        step: by,
                        reverse,
                        body,
                    },
                )
            }
            StmtKind::ForQuery {
                label,
                targets,
                query,
                dynamic,
                body,
                ..
            } => {
                if dynamic {
                    return Ok(step(
                        "FOR over EXECUTE statement",
                        Op::Unsupported("FOR ... IN EXECUTE in PL/pgSQL".into()),
                    ));
                }
                let bound = self.query(&query)?;
                let records = self.records.len();
                let slots = self.targets(&targets, &bound.columns)?;
                let body = self.statements(body)?;
                let query = Self::statement_frag(bound.plan, &query);
                self.records
                    .truncate(records.max(self.records.len().min(records + 1)));
                step(
                    "FOR over SELECT rows",
                    Op::ForQuery {
                        label,
                        slots,
                        query,
                        body,
                    },
                )
            }
            StmtKind::ForEach {
                label,
                var,
                slice,
                array,
                body,
            } => {
                let slot = self.lookup(&var).ok_or_else(|| {
                    SqlError::syntax(format!("\"{var}\" is not a known variable"), None)
                })?;
                foreach_variable(self.vars[slot].ty, slice)?;
                let array = self.expr(&array, None)?;
                step(
                    "FOREACH over array",
                    Op::ForEach {
                        label,
                        slot,
                        slice,
                        array,
                        body: self.statements(body)?,
                    },
                )
            }
            StmtKind::Exit { cont, label, cond } => {
                let cond = match cond {
                    Some(c) => Some(self.cond(&c)?),
                    None => None,
                };
                step(
                    if cont { "CONTINUE" } else { "EXIT" },
                    Op::Exit { cont, label, cond },
                )
            }
            StmtKind::Return(e) => {
                let value = match e {
                    _ if self.retset => None,
                    Some(e) => Some(self.return_value(&e)?),
                    None if !self.out_slots.is_empty() => Some(self.out_row()),
                    None => None,
                };
                step("RETURN", Op::Return(value))
            }
            StmtKind::ReturnNext(e) => {
                let value = match e {
                    Some(e) => Some(self.return_value(&e)?),
                    None => Some(self.out_row()),
                };
                step("RETURN NEXT", Op::ReturnNext(value))
            }
            StmtKind::ReturnQuery { query, dynamic, .. } => {
                if dynamic {
                    return Ok(step(
                        "RETURN QUERY",
                        Op::Unsupported("RETURN QUERY EXECUTE in PL/pgSQL".into()),
                    ));
                }
                let bound = self.query(&query)?;
                let plan = Self::statement_frag(self.rows_as_result(bound)?, &query);
                step("RETURN QUERY", Op::ReturnQuery(plan))
            }
            StmtKind::Raise {
                level,
                format,
                args,
                condition,
                options,
            } => {
                let level = match level.as_str() {
                    "debug" | "log" => RaiseLevel::Debug,
                    "info" => RaiseLevel::Info,
                    "notice" => RaiseLevel::Notice,
                    "warning" => RaiseLevel::Warning,
                    _ => RaiseLevel::Exception,
                };
                let mut state = SqlState::RAISE_EXCEPTION;
                if let Some(c) = &condition {
                    state = crate::plpgsql::parse::condition_state(c).ok_or_else(|| {
                        SqlError::new(
                            SqlState::UNDEFINED_OBJECT,
                            format!("unrecognized exception condition \"{c}\""),
                        )
                    })?;
                }
                // A bare RAISE re-raises the error its handler caught.
                if format.is_none() && condition.is_none() && options.is_empty() {
                    return Ok(step("RAISE", Op::Reraise));
                }
                let format = match format {
                    Some(f) => Some(string_literal(&f)?),
                    None => None,
                };
                let mut bound = Vec::with_capacity(args.len());
                for a in &args {
                    bound.push(self.expr(a, Some((DataType::Text, -1)))?);
                }
                let mut opts = Vec::new();
                for (name, value) in options {
                    opts.push((
                        name.to_lowercase(),
                        self.expr(&value, Some((DataType::Text, -1)))?,
                    ));
                }
                step(
                    "RAISE",
                    Op::Raise {
                        level,
                        format,
                        args: bound,
                        state,
                        options: opts,
                    },
                )
            }
            StmtKind::Perform(q) => {
                let text = format!("SELECT {}", q.trim());
                let bound = self.query(&text)?;
                step(
                    "PERFORM",
                    Op::Perform(Self::statement_frag(bound.plan, &text)),
                )
            }
            StmtKind::Sql { text, into, strict } => {
                let lower = text.trim_start().to_lowercase();
                if !(lower.starts_with("select")
                    || lower.starts_with("with")
                    || lower.starts_with("values")
                    || lower.starts_with("("))
                {
                    return Ok(step(
                        "SQL statement",
                        Op::Unsupported(format!(
                            "the statement \"{}\" in PL/pgSQL functions",
                            lower
                                .split_whitespace()
                                .take(2)
                                .collect::<Vec<_>>()
                                .join(" ")
                                .to_uppercase()
                        )),
                    ));
                }
                let bound = self.query(&text)?;
                if into.is_empty() {
                    return Err(SqlError::new(
                        SqlState::SYNTAX_ERROR,
                        "query has no destination for result data",
                    )
                    .with_hint(
                        "If you want to discard the results of a SELECT, use PERFORM instead.",
                    ));
                }
                let slots = self.targets(&into, &bound.columns)?;
                step(
                    "SQL statement",
                    Op::Into {
                        query: Self::statement_frag(bound.plan, &text),
                        slots,
                        strict,
                    },
                )
            }
            StmtKind::Execute { .. } => {
                step("EXECUTE", Op::Unsupported("EXECUTE in PL/pgSQL".into()))
            }
            StmtKind::GetDiagnostics(items) => {
                let mut out = Vec::new();
                for (target, item) in items {
                    let slot = self.lookup(&target).ok_or_else(|| {
                        SqlError::syntax(format!("\"{target}\" is not a known variable"), None)
                    })?;
                    out.push((slot, item));
                }
                step("GET DIAGNOSTICS", Op::Diagnostics(out))
            }
            StmtKind::Assert { cond, message } => {
                let cond = self.cond(&cond)?;
                let message = match message {
                    Some(m) => Some(self.expr(&m, Some((DataType::Text, -1)))?),
                    None => None,
                };
                step("ASSERT", Op::Assert { cond, message })
            }
        })
    }

    /// `x[i] := v` (several subscripts, slices): the slot of `x` and its
    /// value with the element replaced (PostgreSQL's subscripting
    /// assignment: a NULL array becomes one). None when `target` is not
    /// a subscripted variable.
    fn element_assign(&mut self, target: &str, expr: &str) -> Result<Option<(usize, Frag)>> {
        let Ok(ast::Expr::CompoundFieldAccess { root, access_chain }) =
            crate::parser::parse_expr(target)
        else {
            return Ok(None);
        };
        let Some(slot) = self.lookup(&root.to_string()) else {
            return Ok(None);
        };
        let mut subs = Vec::with_capacity(access_chain.len());
        for a in &access_chain {
            match a {
                ast::AccessExpr::Subscript(s) => subs.push(s),
                ast::AccessExpr::Dot(_) => return Ok(None),
            }
        }
        let (ty, typmod) = (self.vars[slot].ty, self.vars[slot].typmod);
        let domain = self
            .domains
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, d)| *d);
        let DataType::Array(elem) = ty.base() else {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "cannot subscript type {} because it does not support subscripting",
                    ty
                ),
            ));
        };
        let value_ast = crate::parser::parse_expr(expr)?;
        let scope = self.scope();
        let style = self.style.clone();
        let mut b = Binder::new("", style, Vec::new(), &mut *self.tables);
        b.outer.push((scope, false));
        b.function_params = Some(0);
        b.calling = self.calling.clone();
        let here = Scope::default();
        let (bounds, is_slice) = b.subscripts(&subs, &here)?;
        let v = b.expr(&value_ast, &here)?;
        let want = if is_slice { ty.base() } else { *elem };
        let v = b.coerce(v, want, typmod, CoercionContext::Assignment)?;
        let base = Expr {
            kind: ExprKind::Outer {
                depth: 1,
                index: slot,
            },
            ty: ty.base(),
            typmod,
            pos: None,
        };
        let mut e = crate::func::subscript_assign(base, v, bounds, is_slice);
        if let Some(DataType::Domain(d)) = domain {
            e = b.domain_cast(e, d, None)?;
        }
        Ok(Some((
            slot,
            Frag {
                plan: Plan::Values(vec![vec![e]]),
                context: Some(format!(
                    "PL/pgSQL assignment \"{} := {}\"",
                    target.trim(),
                    expr.trim()
                )),
            },
        )))
    }

    /// RETURN / RETURN NEXT's value as the result type (a record variable
    /// as the row of its fields).
    fn return_value(&mut self, text: &str) -> Result<Frag> {
        let name = text.trim().to_lowercase();
        if name == "null" {
            // RETURN NULL of a row result (a trigger's: skip the row).
            return Ok(Frag {
                plan: Plan::Values(vec![vec![Expr::constant(
                    crate::value::Value::Null,
                    self.ret,
                )]]),
                context: None,
            });
        }
        let whole = self.records.iter().rev().find(|(r, _)| *r == name).cloned();
        if let (Some((_, fields)), false) = (whole, self.null_rows.contains(&name)) {
            return Ok(self.row_of(&fields));
        }
        let ret = self.ret;
        if let DataType::Composite(_) = ret {
            let bound = self.query(&format!("SELECT {text}"))?;
            let plan = if bound.columns.len() == 1 && bound.columns[0].ty == ret {
                bound.plan
            } else {
                self.rows_as_result(bound)?
            };
            return Ok(Frag {
                plan,
                context: Some(format!("SQL expression \"{}\"", text.trim())),
            });
        }
        if ret == DataType::Void {
            return self.expr(text, None);
        }
        self.expr(text, Some((ret, -1)))
    }

    /// The row of the OUT arguments (a single one: its value).
    fn out_row(&mut self) -> Frag {
        let slots = self.out_slots.clone();
        if let [one] = slots.as_slice() {
            let v = &self.vars[*one];
            return Frag {
                plan: Plan::Values(vec![vec![Expr {
                    kind: ExprKind::Outer {
                        depth: 1,
                        index: *one,
                    },
                    ty: v.ty,
                    typmod: v.typmod,
                    pos: None,
                }]]),
                context: None,
            };
        }
        self.row_of(&slots)
    }

    /// A one-row plan of a row value of `slots`, as the result type.
    fn row_of(&mut self, slots: &[usize]) -> Frag {
        let names: Vec<String> = slots.iter().map(|&s| self.vars[s].name.clone()).collect();
        let fields = slots
            .iter()
            .map(|&s| Expr {
                kind: ExprKind::Outer { depth: 1, index: s },
                ty: self.vars[s].ty,
                typmod: self.vars[s].typmod,
                pos: None,
            })
            .collect();
        let mut row = crate::func::row_constructor(names, fields);
        if let DataType::Composite(_) = self.ret {
            row.ty = self.ret;
        }
        Frag {
            plan: Plan::Values(vec![vec![row]]),
            context: None,
        }
    }

    /// A query's rows as result values: one column as the element type,
    /// several as a row of the result type.
    fn rows_as_result(&mut self, bound: BoundQuery) -> Result<Plan> {
        let mut b = Binder::new("", self.style.clone(), Vec::new(), &mut *self.tables);
        let ret = self.ret;
        super::routine::shape_result(&mut b, bound, ret)
    }
}

/// 42804 for a FOREACH variable of the wrong kind: an array with SLICE,
/// not one without.
pub(crate) fn foreach_variable(ty: DataType, slice: i32) -> Result<()> {
    let is_array = matches!(ty.base(), DataType::Array(_));
    match (slice > 0, is_array) {
        (true, false) => Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            "FOREACH ... SLICE loop variable must be of an array type",
        )),
        (false, true) => Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            "FOREACH loop variable must not be of an array type",
        )),
        _ => Ok(()),
    }
}

/// A declared variable's type.
enum DeclType {
    Scalar(DataType, i32),
    /// A record: its fields when known (`t%rowtype`).
    Record(Option<Vec<(String, DataType, i32)>>),
}

/// `t.col` → `t` (for `t.col%type`).
fn table_of(of: &str) -> String {
    of.rsplit_once('.')
        .map_or_else(String::new, |(t, _)| t.to_owned())
}

/// A RAISE format literal's text.
fn string_literal(text: &str) -> Result<String> {
    match crate::parser::parse_expr(text)? {
        ast::Expr::Value(v) => match v.value {
            ast::Value::SingleQuotedString(s)
            | ast::Value::EscapedStringLiteral(s)
            | ast::Value::DollarQuotedString(ast::DollarQuotedString { value: s, .. }) => Ok(s),
            _ => Err(SqlError::syntax("RAISE format is not a string", None)),
        },
        _ => Err(SqlError::syntax("RAISE format is not a string", None)),
    }
}

impl Binder<'_> {
    /// The PL/pgSQL body of `func` compiled for this call.
    pub(super) fn compile_plpgsql(
        &mut self,
        func: &Arc<UserFunction>,
        params: &[DataType],
        ret: DataType,
        calling: Vec<u32>,
    ) -> Result<Compiled> {
        let style = self.style.clone();
        compile_plpgsql(&mut *self.tables, &style, func, params, ret, calling)
    }
}
