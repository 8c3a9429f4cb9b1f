//! PL/pgSQL run at statement level: DO blocks and a top-level `SELECT
//! f(...)` of a PL/pgSQL function. Here the session is at hand, so the
//! body's SQL statements may change data and EXECUTE runs dynamic SQL:
//! each statement runs as an internal statement of the session
//! ([`Stmt::run_internal`], a new command id each), its variable
//! references replaced by parameters (`$n` for slot n).
//!
//! Inside a query (a function called per row) the compiled form runs
//! instead (crate::plpgsql), where statements that change data are 0A000.
//! A block with an EXCEPTION clause runs in a subtransaction (a savepoint
//! of the session's transaction), as in PostgreSQL.

use std::sync::Arc;

use super::context::{Internal, Stmt};
use crate::error::{Result, SqlError, SqlState};
use crate::plpgsql::parse::{self, Block, StmtKind};
use crate::routine::UserFunction;
use crate::types::DataType;
use crate::value::{ArrayRef, Value};

struct Var {
    name: String,
    /// The type of its value (a domain's base type).
    ty: DataType,
    typmod: i32,
    value: Value,
    /// A domain variable's domain: assignments check it.
    domain: Option<DataType>,
}

enum Flow {
    Next,
    Exit(Option<String>),
    Continue(Option<String>),
    Return(Option<Value>),
}

struct Exec {
    signature: String,
    vars: Vec<Var>,
    /// Names in force, innermost last.
    visible: Vec<(String, usize)>,
    /// Records: name → field slots.
    records: Vec<(String, Vec<usize>)>,
    ret: DataType,
    retset: bool,
    out_slots: Vec<usize>,
    found: usize,
    set: Vec<Value>,
    row_count: i64,
    /// The errors the handlers running now caught, innermost last.
    caught: Vec<SqlError>,
    /// Records NULL as a whole (a trigger's OLD on INSERT, NEW on
    /// DELETE): fields read NULL, the name alone a NULL row.
    null_rows: Vec<String>,
}

/// Runs PL/pgSQL function `func` (argument types `params`, result
/// `ret`) with `args` at statement level; `signature` names it in
/// context lines.
pub(crate) fn run_function(
    ctx: &mut Stmt<'_>,
    func: &UserFunction,
    params: &[DataType],
    args: Vec<Value>,
    ret: DataType,
    signature: &str,
) -> Result<Value> {
    // A SECURITY DEFINER body runs as the function's owner.
    if func.security_definer {
        let owner = ctx.owner_name(crate::catalog::privs::PROC, func.oid)?;
        return ctx.as_role(&owner, |ctx| {
            run_function_body(ctx, func, params, args, ret, signature)
        });
    }
    run_function_body(ctx, func, params, args, ret, signature)
}

fn run_function_body(
    ctx: &mut Stmt<'_>,
    func: &UserFunction,
    params: &[DataType],
    args: Vec<Value>,
    ret: DataType,
    signature: &str,
) -> Result<Value> {
    let block = body_of(func)?;
    let mut x = Exec::new(signature, ret, func.retset);
    let mut inputs = params.iter();
    let mut args = args.into_iter();
    for (i, p) in func.params.iter().enumerate() {
        let (ty, value) = if func.passes(p) {
            (
                inputs.next().copied().unwrap_or(p.ty),
                args.next().unwrap_or(Value::Null),
            )
        } else {
            (p.ty, Value::Null)
        };
        let dollar = format!("${}", i + 1);
        // A parameter of a row type is a record of its fields, as a
        // declared row variable (`p.first`), found by its name and `$n`.
        let keys: Vec<String> = p
            .name
            .iter()
            .map(|n| n.to_lowercase())
            .chain([dollar.clone()])
            .collect();
        if let Some(slot) = x.row_variable(&keys, p.ty, &value) {
            if p.mode.is_output() {
                x.out_slots.push(slot);
            }
            continue;
        }
        let slot = x.add(p.name.clone().unwrap_or_default(), ty, -1, value);
        if let Some(n) = &p.name {
            x.visible.push((n.clone(), slot));
        }
        x.visible.push((dollar, slot));
        if p.mode.is_output() {
            x.out_slots.push(slot);
        }
    }
    x.body(ctx, &block)
}

/// The function's body, parsed (errors as PostgreSQL's compilation
/// context shows them).
fn body_of(func: &UserFunction) -> Result<std::rc::Rc<Block>> {
    type Bodies = std::collections::HashMap<u32, (String, std::rc::Rc<Block>)>;
    thread_local! {
        /// Bodies parsed on this thread by function OID, with the text
        /// they came from (a replaced function parses again): a trigger
        /// runs its body once per row.
        static BODIES: std::cell::RefCell<Bodies> = std::cell::RefCell::new(Bodies::new());
    }
    let hit = BODIES.with(|b| {
        b.borrow()
            .get(&func.oid)
            .filter(|(text, _)| *text == func.body)
            .map(|(_, block)| std::rc::Rc::clone(block))
    });
    if let Some(block) = hit {
        return Ok(block);
    }
    let block = std::rc::Rc::new(parse::parse(&func.body).map_err(|e| {
        e.without_position().with_context(format!(
            "compilation of PL/pgSQL function \"{}\"",
            func.name
        ))
    })?);
    BODIES.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() >= 256 {
            b.clear();
        }
        b.insert(func.oid, (func.body.clone(), std::rc::Rc::clone(&block)));
    });
    Ok(block)
}

/// Runs trigger function `func` at statement level (AFTER and statement
/// triggers, fired where the session is at hand): NEW and OLD as rows of
/// `shape.fields` (None: a NULL row), then the `tg_*` variables.
pub(crate) fn run_trigger(
    ctx: &mut Stmt<'_>,
    func: &UserFunction,
    shape: &crate::binder::TriggerShape<'_>,
    rows: [Option<Vec<Value>>; 2],
    vars: Vec<Value>,
) -> Result<Value> {
    let block = body_of(func)?;
    let mut x = Exec::new(&format!("{}()", func.name), DataType::Record, false);
    for (name, row) in ["new", "old"].into_iter().zip(rows) {
        if row.is_none() {
            let slot = x.add(name.into(), DataType::Record, -1, Value::Null);
            x.visible.push((name.into(), slot));
            x.null_rows.push(name.into());
        }
        let mut values = row.unwrap_or_default().into_iter();
        let fields = shape
            .fields
            .iter()
            .map(|(n, ty, typmod)| {
                let v = values.next().unwrap_or(Value::Null);
                x.add(n.clone(), *ty, *typmod, v)
            })
            .collect();
        x.records.push((name.into(), fields));
    }
    for ((name, ty), v) in shape.vars.iter().zip(vars) {
        let slot = x.add((*name).into(), *ty, -1, v);
        x.visible.push(((*name).into(), slot));
    }
    x.body(ctx, &block)
}

impl Exec {
    fn new(signature: &str, ret: DataType, retset: bool) -> Exec {
        Exec {
            signature: signature.to_owned(),
            vars: Vec::new(),
            visible: Vec::new(),
            records: Vec::new(),
            ret,
            retset,
            out_slots: Vec::new(),
            found: 0,
            set: Vec::new(),
            row_count: 0,
            caught: Vec::new(),
            null_rows: Vec::new(),
        }
    }

    /// `found`, then the body: the function's value.
    fn body(self, ctx: &mut Stmt<'_>, block: &Block) -> Result<Value> {
        let mut x = self;
        x.found = x.add("found".into(), DataType::Bool, -1, Value::Bool(false));
        x.visible.push(("found".into(), x.found));
        let flow = x.block(ctx, block, 1)?;
        if x.retset {
            return Ok(Value::Array(ArrayRef::new(std::mem::take(&mut x.set))));
        }
        let returned = match flow {
            Flow::Return(v) => Some(v),
            _ => None,
        };
        let outputs = (!x.out_slots.is_empty()).then(|| x.out_value());
        crate::plpgsql::finish(x.ret, returned, outputs, &x.signature)
    }
}

impl Exec {
    /// A variable of composite type `ty` (a declared one, or an argument)
    /// as a record of its fields, a slot each, found by each of `keys`;
    /// None for other types.
    fn row_variable(&mut self, keys: &[String], ty: DataType, value: &Value) -> Option<usize> {
        let DataType::Composite(oid) = ty else {
            return None;
        };
        let (names, types) = crate::usertype::fields(oid)?;
        let items = match value {
            Value::Record(r) => r.items().to_vec(),
            _ => Vec::new(),
        };
        let mut fields = Vec::with_capacity(names.len());
        for (i, (n, (t, m))) in names.iter().zip(types).enumerate() {
            let v = items.get(i).cloned().unwrap_or(Value::Null);
            fields.push(self.add(n.clone(), t, m, v));
        }
        // A NULL row is a row of NULL fields, as PostgreSQL's.
        let whole = keys.first().cloned().unwrap_or_default();
        let slot = self.add(whole, DataType::Record, -1, Value::Null);
        for key in keys {
            self.visible.push((key.clone(), slot));
            self.records.push((key.clone(), fields.clone()));
        }
        Some(slot)
    }

    fn add(&mut self, name: String, ty: DataType, typmod: i32, value: Value) -> usize {
        self.vars.push(Var {
            name,
            ty: ty.base(),
            typmod,
            value,
            domain: matches!(ty, DataType::Domain(_)).then_some(ty),
        });
        self.vars.len() - 1
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        let key = name.trim().trim_matches('"').to_lowercase();
        self.visible
            .iter()
            .rev()
            .find(|(n, _)| *n == key)
            .map(|(_, s)| *s)
    }

    fn out_value(&self) -> Value {
        match self.out_slots.as_slice() {
            [one] => self.vars[*one].value.clone(),
            slots => Value::Record(ArrayRef::record(
                slots.iter().map(|s| self.vars[*s].name.clone()).collect(),
                slots.iter().map(|s| self.vars[*s].value.clone()).collect(),
            )),
        }
    }

    /// `text` with variables as parameters.
    fn sql(&self, text: &str) -> Result<String> {
        parse::substitute(text, &|w, field| match field {
            // `rec.*`: the record as a whole.
            Some("*") => self.sql_of_record(w),
            Some(f) => {
                let (_, fields) = self.records.iter().rev().find(|(r, _)| r == w)?;
                let slot = fields.iter().find(|s| self.vars[**s].name == f)?;
                Some(format!("${}", slot + 1))
            }
            None => self
                .sql_of_record(w)
                .or_else(|| self.lookup(w).map(|s| format!("${}", s + 1))),
        })
    }

    /// `x[i] := v` (several subscripts): the slot of `x` and its value
    /// with the element replaced; None unless `target` is a subscripted
    /// variable.
    fn element_assign(
        &self,
        ctx: &mut Stmt<'_>,
        target: &str,
        expr: &str,
    ) -> Result<Option<(usize, Value)>> {
        use sqlparser::ast;
        if !target.contains('[') {
            return Ok(None);
        }
        let Ok(ast::Expr::CompoundFieldAccess { root, access_chain }) =
            crate::parser::parse_expr(target)
        else {
            return Ok(None);
        };
        let Some(slot) = self.lookup(&root.to_string()) else {
            return Ok(None);
        };
        let var = &self.vars[slot];
        let (ty, typmod, domain) = (var.ty, var.typmod, var.domain);
        let DataType::Array(elem) = ty else {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("cannot subscript type {ty} because it does not support subscripting"),
            ));
        };
        let mut bounds = Vec::new();
        for a in &access_chain {
            match a {
                ast::AccessExpr::Subscript(ast::Subscript::Index { index }) => {
                    let i = self.value(ctx, &index.to_string(), Some((DataType::Int4, -1)))?;
                    bounds.push(crate::expr::Expr::constant(i, DataType::Int4));
                }
                _ => {
                    return Err(SqlError::unsupported(
                        "assigning to an array slice or field here",
                    ))
                }
            }
        }
        let v = self.value(ctx, expr, Some((*elem, typmod)))?;
        let e = crate::func::subscript_assign(
            crate::expr::Expr::constant(var.value.clone(), ty),
            crate::expr::Expr::constant(v, *elem),
            bounds,
            false,
        );
        let mut array = e.eval(&[], &mut ctx.eval_ctx())?;
        if let Some(d) = domain {
            array = assign_cast(ctx, array, ty, d, typmod)?;
        }
        Ok(Some((slot, array)))
    }

    /// A record named whole: the row of its fields (a NULL row's own
    /// slot).
    fn sql_of_record(&self, w: &str) -> Option<String> {
        if self.null_rows.iter().any(|n| n == w) {
            return self.lookup(w).map(|s| format!("${}", s + 1));
        }
        let (_, fields) = self.records.iter().rev().find(|(r, _)| r == w)?;
        Some(format!(
            "ROW({})",
            fields
                .iter()
                .map(|s| format!("${}", s + 1))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    /// Runs one statement of the body with the variables as parameters;
    /// an error found while running it (not while reading it, which has
    /// a position) gets `context`.
    fn run_with(
        &self,
        ctx: &mut Stmt<'_>,
        text: &str,
        context: Option<String>,
    ) -> Result<Internal> {
        let sql = self.sql(text)?;
        let params: Vec<Value> = self.vars.iter().map(|v| v.value.clone()).collect();
        let types: Vec<DataType> = self.vars.iter().map(|v| v.ty).collect();
        ctx.run_internal(&sql, &params, &types).map_err(|e| {
            let read = e.report().position.is_some();
            match context {
                Some(c) if !read => e.with_context(c),
                _ => e.without_position(),
            }
        })
    }

    fn run(&self, ctx: &mut Stmt<'_>, text: &str) -> Result<Internal> {
        self.run_with(ctx, text, None)
    }

    /// An expression's value, assigned to `ty` when given.
    fn value(&self, ctx: &mut Stmt<'_>, expr: &str, ty: Option<(DataType, i32)>) -> Result<Value> {
        let context = format!("SQL expression \"{}\"", expr.trim());
        self.value_in(ctx, expr, ty, context)
    }

    /// [`Exec::value`] with the context line its errors get.
    fn value_in(
        &self,
        ctx: &mut Stmt<'_>,
        expr: &str,
        ty: Option<(DataType, i32)>,
        context: String,
    ) -> Result<Value> {
        let r = self.run_with(ctx, &format!("SELECT {expr}"), Some(context))?;
        if r.columns.len() != 1 {
            return Err(SqlError::syntax(
                format!(
                    "query \"SELECT {}\" returned {} columns",
                    expr.trim(),
                    r.columns.len()
                ),
                None,
            ));
        }
        let v = r
            .rows
            .into_iter()
            .next()
            .and_then(|row| row.into_iter().next())
            .unwrap_or(Value::Null);
        match ty {
            Some((to, typmod)) => assign_cast(ctx, v, r.columns[0].ty, to, typmod),
            None => Ok(v),
        }
    }

    fn truth(&self, ctx: &mut Stmt<'_>, expr: &str) -> Result<bool> {
        Ok(matches!(
            self.value(ctx, expr, Some((DataType::Bool, -1)))?,
            Value::Bool(true)
        ))
    }

    fn assign(
        &mut self,
        slot: usize,
        v: Value,
        from: DataType,
        style: &crate::value::OutputStyle,
    ) -> Result<()> {
        let var = &self.vars[slot];
        let v = if from == var.ty || v.is_null() {
            v
        } else {
            crate::cast::cast_value(v, from, var.ty, var.typmod, false, style)?
        };
        self.vars[slot].value = v;
        Ok(())
    }

    /// Puts a row into `targets` (one record takes every column).
    fn into(
        &mut self,
        targets: &[String],
        r: &Internal,
        row: Option<&Vec<Value>>,
        style: &crate::value::OutputStyle,
    ) -> Result<()> {
        if let [one] = targets {
            let name = one.to_lowercase();
            let is_record = self
                .lookup(&name)
                .is_some_and(|s| self.vars[s].ty == DataType::Record);
            if is_record {
                let mut fields = Vec::new();
                for (i, c) in r.columns.iter().enumerate() {
                    let v = row.and_then(|r| r.get(i).cloned()).unwrap_or(Value::Null);
                    fields.push(self.add(c.name.clone(), c.ty, c.typmod, v));
                }
                self.records.retain(|(n, _)| *n != name);
                self.records.push((name, fields));
                return Ok(());
            }
        }
        for (i, t) in targets.iter().enumerate() {
            let slot = self.target(t)?;
            let v = row.and_then(|r| r.get(i).cloned()).unwrap_or(Value::Null);
            let from = r.columns.get(i).map_or(DataType::Unknown, |c| c.ty);
            self.assign(slot, v, from, style)?;
        }
        Ok(())
    }

    fn target(&self, name: &str) -> Result<usize> {
        if let Some((rec, field)) = name.split_once('.') {
            let (rec, field) = (fold(rec), fold(field));
            let (rec, field) = (rec.as_str(), field.as_str());
            if let Some((_, fields)) = self.records.iter().rev().find(|(r, _)| r == rec) {
                if let Some(s) = fields.iter().find(|s| self.vars[**s].name == field) {
                    return Ok(*s);
                }
            }
        }
        self.lookup(name)
            .ok_or_else(|| SqlError::syntax(format!("\"{name}\" is not a known variable"), None))
    }

    fn context(&self, line: u32, what: &str, e: SqlError) -> SqlError {
        e.with_context(format!(
            "PL/pgSQL function {} line {line} at {what}",
            self.signature
        ))
    }

    fn block(&mut self, ctx: &mut Stmt<'_>, b: &Block, line: u32) -> Result<Flow> {
        let mark = self.visible.len();
        let records = self.records.len();
        let r = self.block_inner(ctx, b, line);
        self.visible.truncate(mark);
        self.records.truncate(records);
        r
    }

    fn block_inner(&mut self, ctx: &mut Stmt<'_>, b: &Block, line: u32) -> Result<Flow> {
        for d in &b.decls {
            if let Some(target) = &d.alias {
                // An alias of a record (`ps ALIAS FOR new`) names its fields.
                let whole = fold(target);
                let slot = self.lookup(&whole);
                let mut names = crate::plpgsql::RecordNames {
                    records: &mut self.records,
                    null_rows: &mut self.null_rows,
                    visible: &mut self.visible,
                };
                if names.alias(&whole, &d.name, slot) {
                    continue;
                }
                let slot = self.target(target)?;
                self.visible.push((d.name.clone(), slot));
                continue;
            }
            let ty_text = d.ty.trim().to_lowercase();
            let (ty, typmod) = if ty_text == "record" {
                (DataType::Record, -1)
            } else if let Some(rel) = ty_text.strip_suffix("%rowtype") {
                let parts: Vec<String> = rel.split('.').map(|p| p.trim().to_owned()).collect();
                match ctx.user_data_type(&parts)? {
                    Some(t @ DataType::Composite(_)) => (t, -1),
                    _ => {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_TABLE,
                            format!("relation \"{rel}\" does not exist"),
                        ))
                    }
                }
            } else if let Some(of) = ty_text.strip_suffix("%type") {
                match self.lookup(of) {
                    Some(s) => (self.vars[s].ty, self.vars[s].typmod),
                    None => {
                        let r = self.run(
                            ctx,
                            &format!(
                                "SELECT {of} FROM {} LIMIT 0",
                                of.rsplit_once('.').map_or("", |(t, _)| t)
                            ),
                        )?;
                        r.columns
                            .first()
                            .map_or((DataType::Text, -1), |c| (c.ty, c.typmod))
                    }
                }
            } else {
                let ast = crate::parser::parse_expr(&format!("NULL::{}", d.ty.trim()))?;
                let sqlparser::ast::Expr::Cast { data_type, .. } = ast else {
                    return Err(SqlError::syntax(
                        format!("invalid type name \"{}\"", d.ty),
                        None,
                    ));
                };
                ctx.sql_type(&data_type)?
            };
            let value = match &d.default {
                Some(e) => self
                    .value(ctx, e, Some((ty, typmod)))
                    .map_err(|e| self.context(d.line, "statement block", e))?,
                None => Value::Null,
            };
            if d.not_null && value.is_null() {
                return Err(SqlError::new(
                    SqlState::NULL_VALUE_NOT_ALLOWED,
                    format!(
                        "null value cannot be assigned to variable \"{}\" declared NOT NULL",
                        d.name
                    ),
                ));
            }
            // A variable of a row type is a record of its fields.
            if self
                .row_variable(&[d.name.to_lowercase()], ty, &value)
                .is_some()
            {
                continue;
            }
            let slot = self.add(d.name.clone(), ty, typmod, value);
            self.visible.push((d.name.to_lowercase(), slot));
        }
        // A block that catches errors runs in a subtransaction: what it
        // changed before the error is undone when a handler takes it.
        let savepoint = (!b.handlers.is_empty()).then(|| {
            let name = format!("\0plpgsql block {}", self.vars.len());
            let settings = ctx.settings.clone();
            ctx.txn.savepoint(&name, &settings);
            name
        });
        let result = self.statements(ctx, &b.body);
        if let (Some(sp), Ok(_)) = (&savepoint, &result) {
            ctx.txn.release(sp)?;
        }
        let e = match result {
            Ok(Flow::Exit(Some(l))) if b.label.as_deref() == Some(l.as_str()) => {
                return Ok(Flow::Next)
            }
            Ok(flow) => return Ok(flow),
            Err(e) if b.handlers.is_empty() => return Err(e),
            Err(e) => e,
        };
        let code = e.code();
        let handled = b
            .handlers
            .iter()
            .any(|(conds, _)| conds.iter().any(|c| handles(c, code)));
        if let (Some(sp), true) = (&savepoint, handled) {
            roll_back_to(ctx, sp)?;
        }
        for (conds, stmts) in &b.handlers {
            if conds.iter().any(|c| handles(c, code)) {
                let mark = self.visible.len();
                let state = self.add(
                    "sqlstate".into(),
                    DataType::Text,
                    -1,
                    Value::Text(code.code().to_owned()),
                );
                let errm = self.add(
                    "sqlerrm".into(),
                    DataType::Text,
                    -1,
                    Value::Text(e.report().message.clone()),
                );
                self.visible.push(("sqlstate".into(), state));
                self.visible.push(("sqlerrm".into(), errm));
                self.caught.push(e);
                let r = self.statements(ctx, stmts);
                self.caught.pop();
                self.visible.truncate(mark);
                return r;
            }
        }
        let _ = line;
        Err(e)
    }

    fn statements(&mut self, ctx: &mut Stmt<'_>, stmts: &[parse::Stmt]) -> Result<Flow> {
        for s in stmts {
            ctx.interrupts
                .check()
                .map_err(crate::expr::interrupt_error)?;
            crate::stack::check()?;
            match self.statement(ctx, s)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    fn iteration(
        &mut self,
        ctx: &mut Stmt<'_>,
        body: &[parse::Stmt],
        label: &Option<String>,
    ) -> Result<Option<Flow>> {
        Ok(match self.statements(ctx, body)? {
            Flow::Next => None,
            Flow::Exit(l) if l.is_none() || l == *label => Some(Flow::Next),
            Flow::Continue(l) if l.is_none() || l == *label => None,
            other => Some(other),
        })
    }

    /// The rows of a query (EXECUTE: computed text with USING values).
    fn query_rows(
        &self,
        ctx: &mut Stmt<'_>,
        query: &str,
        dynamic: bool,
        using: &[String],
    ) -> Result<Internal> {
        if dynamic {
            let (params, types) = self.using_values(ctx, using)?;
            let text = match self.value(ctx, query, Some((DataType::Text, -1)))? {
                Value::Text(t) => t,
                _ => {
                    return Err(SqlError::new(
                        SqlState::NULL_VALUE_NOT_ALLOWED,
                        "query string argument of EXECUTE is null",
                    ))
                }
            };
            return ctx.run_internal(&text, &params, &types).map_err(|e| {
                e.without_position()
                    .with_context(format!("SQL statement \"{text}\""))
            });
        }
        self.run_with(
            ctx,
            query,
            Some(format!("SQL statement \"{}\"", query.trim())),
        )
    }

    fn statement(&mut self, ctx: &mut Stmt<'_>, s: &parse::Stmt) -> Result<Flow> {
        let line = s.line;
        let style = ctx.style.clone();
        macro_rules! at {
            ($what:expr, $e:expr) => {
                $e.map_err(|e| self.context(line, $what, e))?
            };
        }
        match &s.kind {
            StmtKind::Null => Ok(Flow::Next),
            StmtKind::Block(b) => self.block(ctx, b, line),
            StmtKind::Assign { target, expr } => {
                let whole = target.trim().to_lowercase();
                if let Some((_, fields)) = self
                    .records
                    .iter()
                    .rev()
                    .find(|(r, _)| *r == whole)
                    .cloned()
                {
                    let context = format!(
                        "PL/pgSQL assignment \"{} := {}\"",
                        target.trim(),
                        expr.trim()
                    );
                    let items = match at!("assignment", self.value_in(ctx, expr, None, context)) {
                        Value::Record(r) => r.items().to_vec(),
                        _ => Vec::new(),
                    };
                    let mut it = items.into_iter();
                    for f in fields {
                        self.vars[f].value = it.next().unwrap_or(Value::Null);
                    }
                    return Ok(Flow::Next);
                }
                if let Some((slot, v)) = at!("assignment", self.element_assign(ctx, target, expr)) {
                    self.vars[slot].value = v;
                    return Ok(Flow::Next);
                }
                let slot = at!("assignment", self.target(target));
                let var = &self.vars[slot];
                let (ty, typmod) = (var.domain.unwrap_or(var.ty), var.typmod);
                let context = format!(
                    "PL/pgSQL assignment \"{} := {}\"",
                    target.trim(),
                    expr.trim()
                );
                let v = at!(
                    "assignment",
                    self.value_in(ctx, expr, Some((ty, typmod)), context)
                );
                self.vars[slot].value = v;
                Ok(Flow::Next)
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    if at!("IF", self.truth(ctx, cond)) {
                        return self.statements(ctx, body);
                    }
                }
                self.statements(ctx, otherwise)
            }
            StmtKind::Case {
                subject,
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    let c = match subject {
                        Some(s) => format!("({s}) IN ({cond})"),
                        None => cond.clone(),
                    };
                    if at!("CASE", self.truth(ctx, &c)) {
                        return self.statements(ctx, body);
                    }
                }
                match otherwise {
                    Some(o) => self.statements(ctx, o),
                    None => Err(self.context(
                        line,
                        "CASE",
                        SqlError::new(SqlState::CASE_NOT_FOUND, "case not found")
                            .with_hint("CASE statement is missing ELSE part."),
                    )),
                }
            }
            StmtKind::Loop { label, cond, body } => loop {
                if let Some(c) = cond {
                    if !at!("WHILE", self.truth(ctx, c)) {
                        return Ok(Flow::Next);
                    }
                }
                if let Some(f) = self.iteration(ctx, body, label)? {
                    return Ok(f);
                }
            },
            StmtKind::ForInt {
                label,
                var,
                lo,
                hi,
                step,
                reverse,
                body,
            } => {
                let what = "FOR with integer loop variable";
                let int = Some((DataType::Int4, -1));
                let num = crate::plpgsql::loop_bound;
                let lo = at!(
                    what,
                    self.value(ctx, lo, int).and_then(|v| num(v, "lower bound"))
                );
                let hi = at!(
                    what,
                    self.value(ctx, hi, int).and_then(|v| num(v, "upper bound"))
                );
                let by = match step {
                    Some(b) => at!(
                        what,
                        self.value(ctx, b, int).and_then(|v| num(v, "BY value"))
                    ),
                    None => 1,
                };
                if by <= 0 {
                    return Err(self.context(line, what, crate::plpgsql::loop_step_error()));
                }
                let mark = self.visible.len();
                let slot = self.add(var.clone(), DataType::Int4, -1, Value::Null);
                self.visible.push((var.to_lowercase(), slot));
                let mut i = lo;
                let mut found = false;
                let mut out = Flow::Next;
                while if *reverse { i >= hi } else { i <= hi } {
                    found = true;
                    self.vars[slot].value = Value::Int4(i as i32);
                    if let Some(f) = self.iteration(ctx, body, label)? {
                        out = f;
                        break;
                    }
                    i = if *reverse { i - by } else { i + by };
                }
                self.visible.truncate(mark);
                self.vars[self.found].value = Value::Bool(found);
                Ok(out)
            }
            StmtKind::ForQuery {
                label,
                targets,
                query,
                dynamic,
                using,
                body,
            } => {
                let r = at!(
                    "FOR over SELECT rows",
                    self.query_rows(ctx, query, *dynamic, using)
                );
                let found = !r.rows.is_empty();
                let records = self.records.len();
                let mut out = Flow::Next;
                for row in &r.rows {
                    self.into(targets, &r, Some(row), &style)?;
                    if let Some(f) = self.iteration(ctx, body, label)? {
                        out = f;
                        break;
                    }
                }
                if r.rows.is_empty() {
                    self.into(targets, &r, None, &style)?;
                }
                let _ = records;
                self.vars[self.found].value = Value::Bool(found);
                Ok(out)
            }
            StmtKind::ForEach {
                label,
                var,
                slice,
                array,
                body,
            } => {
                let slot = at!("FOREACH over array", self.target(var));
                at!(
                    "FOREACH over array",
                    crate::binder::foreach_variable(self.vars[slot].ty, *slice)
                );
                let value = at!("FOREACH over array", self.value(ctx, array, None));
                let items = at!(
                    "FOREACH over array",
                    crate::plpgsql::foreach_items(value, *slice)
                );
                for v in items {
                    self.vars[slot].value = v;
                    if let Some(f) = self.iteration(ctx, body, label)? {
                        return Ok(f);
                    }
                }
                Ok(Flow::Next)
            }
            StmtKind::Exit { cont, label, cond } => {
                if let Some(c) = cond {
                    if !at!(if *cont { "CONTINUE" } else { "EXIT" }, self.truth(ctx, c)) {
                        return Ok(Flow::Next);
                    }
                }
                Ok(if *cont {
                    Flow::Continue(label.clone())
                } else {
                    Flow::Exit(label.clone())
                })
            }
            StmtKind::Return(e) => {
                if self.retset {
                    return Ok(Flow::Return(None));
                }
                let v = match e {
                    Some(e) => Some(at!("RETURN", self.result_value(ctx, e))),
                    None if !self.out_slots.is_empty() => Some(self.out_value()),
                    None => None,
                };
                Ok(Flow::Return(v))
            }
            StmtKind::ReturnNext(e) => {
                let v = match e {
                    Some(e) => at!("RETURN NEXT", self.result_value(ctx, e)),
                    None => self.out_value(),
                };
                self.set.push(v);
                Ok(Flow::Next)
            }
            StmtKind::ReturnQuery {
                query,
                dynamic,
                using,
            } => {
                let r = at!("RETURN QUERY", self.query_rows(ctx, query, *dynamic, using));
                self.row_count = r.rows.len() as i64;
                self.vars[self.found].value = Value::Bool(!r.rows.is_empty());
                for row in r.rows {
                    let v = if row.len() == 1 {
                        row.into_iter().next().unwrap_or(Value::Null)
                    } else {
                        Value::Record(ArrayRef::record(
                            r.columns.iter().map(|c| c.name.clone()).collect(),
                            row,
                        ))
                    };
                    self.set.push(v);
                }
                Ok(Flow::Next)
            }
            StmtKind::Raise {
                level,
                format,
                args,
                condition,
                options,
            } => self.raise(ctx, line, (level, format, args, condition, options)),
            StmtKind::Perform(q) => {
                let text = format!("SELECT {}", q.trim());
                let r = at!("PERFORM", self.query_rows(ctx, &text, false, &[]));
                self.row_count = r.rows.len() as i64;
                self.vars[self.found].value = Value::Bool(!r.rows.is_empty());
                Ok(Flow::Next)
            }
            StmtKind::Sql { text, into, .. }
                if into.is_empty() && transaction_end(text).is_some() =>
            {
                let (commit, chain) = transaction_end(text).unwrap_or_default();
                let what = if commit { "COMMIT" } else { "ROLLBACK" };
                at!(what, ctx.end_transaction_in_routine(commit, chain));
                crate::session::publish_txn_settings(ctx.settings, ctx.txn);
                Ok(Flow::Next)
            }
            StmtKind::Sql { text, into, strict } => {
                let r = at!("SQL statement", self.query_rows(ctx, text, false, &[]));
                let query = !r.columns.is_empty()
                    && !r.tag.starts_with("INSERT")
                    && !r.tag.starts_with("UPDATE")
                    && !r.tag.starts_with("DELETE");
                self.row_count = if query {
                    r.rows.len() as i64
                } else {
                    r.tag
                        .rsplit(' ')
                        .next()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(r.rows.len() as i64)
                };
                self.vars[self.found].value = Value::Bool(self.row_count > 0);
                if r.tag == "CALL" && into.is_empty() {
                    // The procedure's OUT and INOUT values go back into
                    // the variables passed for them.
                    if !r.columns.is_empty() {
                        let targets = at!("CALL", call_targets(ctx, text));
                        let first = r.rows.first();
                        for (column, name) in targets {
                            let slot = at!("CALL", self.target(&name));
                            let v = first
                                .and_then(|row| row.get(column).cloned())
                                .unwrap_or(Value::Null);
                            let from = r.columns.get(column).map_or(DataType::Unknown, |c| c.ty);
                            at!("CALL", self.assign(slot, v, from, &style));
                        }
                    }
                    return Ok(Flow::Next);
                }
                if query && into.is_empty() {
                    return Err(self.context(
                        line,
                        "SQL statement",
                        SqlError::new(
                            SqlState::SYNTAX_ERROR,
                            "query has no destination for result data",
                        )
                        .with_hint(
                            "If you want to discard the results of a SELECT, use PERFORM instead.",
                        ),
                    ));
                }
                if !into.is_empty() {
                    if let Some(e) = strict
                        .then(|| crate::plpgsql::strict_into_error(r.rows.len()))
                        .flatten()
                    {
                        return Err(self.context(line, "SQL statement", e));
                    }
                    let first = r.rows.first().cloned();
                    at!("SQL statement", self.into(into, &r, first.as_ref(), &style));
                }
                Ok(Flow::Next)
            }
            StmtKind::Execute {
                expr,
                into,
                strict,
                using,
            } => {
                let text = match at!("EXECUTE", self.value(ctx, expr, Some((DataType::Text, -1)))) {
                    Value::Text(t) => t,
                    _ => {
                        return Err(self.context(
                            line,
                            "EXECUTE",
                            SqlError::new(
                                SqlState::NULL_VALUE_NOT_ALLOWED,
                                "query string argument of EXECUTE is null",
                            ),
                        ))
                    }
                };
                let (params, types) = at!("EXECUTE", self.using_values(ctx, using));
                let r = at!(
                    "EXECUTE",
                    ctx.run_internal(&text, &params, &types)
                        .map_err(|e| e.without_position())
                );
                self.row_count = if r.columns.is_empty() {
                    r.tag
                        .rsplit(' ')
                        .next()
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0)
                } else {
                    r.rows.len() as i64
                };
                self.vars[self.found].value = Value::Bool(self.row_count > 0);
                if !into.is_empty() {
                    if let Some(e) = strict
                        .then(|| crate::plpgsql::strict_into_error(r.rows.len()))
                        .flatten()
                    {
                        return Err(self.context(line, "EXECUTE", e));
                    }
                    let first = r.rows.first().cloned();
                    at!("EXECUTE", self.into(into, &r, first.as_ref(), &style));
                }
                Ok(Flow::Next)
            }
            StmtKind::GetDiagnostics(items) => {
                let here = format!(
                    "PL/pgSQL function {} line {line} at GET DIAGNOSTICS",
                    self.signature
                );
                for (target, item) in items {
                    let slot = at!("GET DIAGNOSTICS", self.target(target));
                    let Some(v) =
                        crate::plpgsql::diagnostic(item, self.row_count, self.caught.last(), &here)
                    else {
                        return Err(self.context(
                            line,
                            "GET DIAGNOSTICS",
                            SqlError::unsupported(format!("GET DIAGNOSTICS {item}")),
                        ));
                    };
                    let from = match v {
                        Value::Int8(_) => DataType::Int8,
                        _ => DataType::Text,
                    };
                    at!("GET DIAGNOSTICS", self.assign(slot, v, from, &style));
                }
                Ok(Flow::Next)
            }
            StmtKind::Assert { cond, message } => {
                if !at!("ASSERT", self.truth(ctx, cond)) {
                    let msg = match message {
                        Some(m) => {
                            match at!("ASSERT", self.value(ctx, m, Some((DataType::Text, -1)))) {
                                Value::Text(t) => t,
                                _ => "assertion failed".into(),
                            }
                        }
                        None => "assertion failed".into(),
                    };
                    return Err(self.context(
                        line,
                        "ASSERT",
                        SqlError::new(SqlState::ASSERT_FAILURE, msg),
                    ));
                }
                Ok(Flow::Next)
            }
        }
    }

    /// The values and types of EXECUTE's USING expressions.
    fn using_values(
        &self,
        ctx: &mut Stmt<'_>,
        using: &[String],
    ) -> Result<(Vec<Value>, Vec<DataType>)> {
        let mut params = Vec::with_capacity(using.len());
        let mut types = Vec::with_capacity(using.len());
        for u in using {
            let r = self.run(ctx, &format!("SELECT {u}"))?;
            types.push(r.columns.first().map_or(DataType::Text, |c| c.ty));
            params.push(
                r.rows
                    .into_iter()
                    .next()
                    .and_then(|row| row.into_iter().next())
                    .unwrap_or(Value::Null),
            );
        }
        Ok((params, types))
    }

    /// RETURN / RETURN NEXT's value as the declared result (a record
    /// variable as the row of its fields).
    fn result_value(&self, ctx: &mut Stmt<'_>, e: &str) -> Result<Value> {
        let name = e.trim().to_lowercase();
        let whole = self.records.iter().rev().find(|(r, _)| *r == name);
        if let (Some((_, fields)), false) = (whole, self.null_rows.contains(&name)) {
            return Ok(Value::Record(ArrayRef::record(
                fields.iter().map(|s| self.vars[*s].name.clone()).collect(),
                fields.iter().map(|s| self.vars[*s].value.clone()).collect(),
            )));
        }
        match self.ret {
            DataType::Void | DataType::Record | DataType::Composite(_) => self.value(ctx, e, None),
            ret => self.value(ctx, e, Some((ret, -1))),
        }
    }

    #[allow(clippy::type_complexity)]
    fn raise(
        &mut self,
        ctx: &mut Stmt<'_>,
        line: u32,
        (level, format, args, condition, options): (
            &String,
            &Option<String>,
            &Vec<String>,
            &Option<String>,
            &Vec<(String, String)>,
        ),
    ) -> Result<Flow> {
        // A bare RAISE re-raises the error its handler caught.
        if format.is_none() && condition.is_none() && options.is_empty() && args.is_empty() {
            return Err(crate::plpgsql::reraise(self.caught.last()));
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(
                self.value(ctx, a, Some((DataType::Text, -1)))
                    .map_err(|e| self.context(line, "RAISE", e))?,
            );
        }
        let mut message = match format {
            Some(f) => {
                let text = match crate::parser::parse_expr(f)? {
                    sqlparser::ast::Expr::Value(v) => match v.value {
                        sqlparser::ast::Value::SingleQuotedString(s)
                        | sqlparser::ast::Value::EscapedStringLiteral(s) => s,
                        sqlparser::ast::Value::DollarQuotedString(d) => d.value,
                        _ => String::new(),
                    },
                    _ => String::new(),
                };
                crate::plpgsql::raise_format(&text, &values)
                    .map_err(|e| self.context(line, "RAISE", e))?
            }
            None => String::new(),
        };
        let mut state = match condition {
            Some(c) => parse::condition_state(c).ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("unrecognized exception condition \"{c}\""),
                )
            })?,
            None => SqlState::RAISE_EXCEPTION,
        };
        let (mut detail, mut hint) = (None, None);
        for (name, expr) in options {
            let v = match self
                .value(ctx, expr, Some((DataType::Text, -1)))
                .map_err(|e| self.context(line, "RAISE", e))?
            {
                Value::Text(t) => t,
                _ => String::new(),
            };
            match name.to_lowercase().as_str() {
                "message" => message = v,
                "detail" => detail = Some(v),
                "hint" => hint = Some(v),
                "errcode" => {
                    state = parse::condition_state(&v)
                        .or_else(|| SqlState::from_code(&v))
                        .unwrap_or(state)
                }
                _ => {}
            }
        }
        if format.is_none() && message.is_empty() {
            message = crate::plpgsql::condition_name(state);
        }
        let mut e = match level.as_str() {
            "debug" | "log" => return Ok(Flow::Next),
            "info" => SqlError::info(message),
            "notice" => SqlError::notice(state, message),
            "warning" => SqlError::warning(state, message),
            _ => SqlError::new(state, message),
        };
        if let Some(d) = detail {
            e = e.with_detail(d);
        }
        if let Some(h) = hint {
            e = e.with_hint(h);
        }
        let e = self.context(line, "RAISE", e);
        if level == "exception" {
            return Err(e);
        }
        ctx.notices.push(e);
        Ok(Flow::Next)
    }
}

/// `v` of type `from` assigned to `to`: a domain's value is its base
/// type's, its constraints checked.
fn assign_cast(
    ctx: &mut Stmt<'_>,
    v: Value,
    from: DataType,
    to: DataType,
    typmod: i32,
) -> Result<Value> {
    let v = if from == to.base() && typmod < 0 {
        v
    } else {
        crate::cast::cast_value(v, from, to.base(), typmod, false, ctx.style)?
    };
    if let DataType::Domain(oid) = to {
        crate::usertype::check_domain(oid, &v, &mut ctx.eval_ctx())?;
    }
    Ok(v)
}

/// An identifier as written: folded to lower case unless quoted.
fn fold(name: &str) -> String {
    let name = name.trim();
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => name.to_lowercase(),
    }
}

/// Whether exception condition `c` takes an error of `code`.
fn handles(c: &str, code: SqlState) -> bool {
    if c == "others" {
        return code != SqlState::QUERY_CANCELED;
    }
    match parse::condition_state(c) {
        Some(s) if s.code().ends_with("000") => code.code().starts_with(&s.code()[..2]),
        Some(s) => s == code,
        None => false,
    }
}

/// ROLLBACK TO the block's savepoint, then RELEASE it: its rows abort,
/// the relations it created go, its locks are released, settings return.
fn roll_back_to(ctx: &mut Stmt<'_>, name: &str) -> Result<()> {
    let undo = ctx.txn.rollback_to(name)?;
    let pid = ctx.info.pid;
    let engine = ctx.engine();
    engine.abort(pid, &undo.xids, &undo.creates, false)?;
    for (tag, mode) in undo.locks {
        engine.locks.release(pid, tag, mode);
    }
    if ctx.txn.catalog_changed {
        ctx.cluster.cache.invalidate();
    }
    ctx.settings.restore(&undo.settings);
    ctx.txn.release(name)
}

/// A LANGUAGE sql function whose statements change data, called at
/// statement level: each statement runs in turn with the arguments as
/// parameters (by name or `$n`); the last one's first row is the value
/// (every row's first column for a set-returning function).
pub(crate) fn run_sql_function(
    ctx: &mut Stmt<'_>,
    func: &UserFunction,
    statements: &[String],
    (args, types): (Vec<Value>, &[DataType]),
    ret: DataType,
) -> Result<Value> {
    let names: Vec<(String, usize)> = func
        .inputs()
        .enumerate()
        .filter_map(|(i, p)| p.name.as_ref().map(|n| (n.to_lowercase(), i)))
        .collect();
    let mut last = Internal::default();
    for (k, text) in statements.iter().enumerate() {
        let sql = parse::substitute(text, &|w, field| match field {
            None => names
                .iter()
                .find(|(n, _)| n == w)
                .map(|(_, i)| format!("${}", i + 1)),
            Some(_) => None,
        })?;
        last = ctx.run_internal(&sql, &args, types).map_err(|e| {
            e.without_position().with_context(format!(
                "SQL function \"{}\" statement {}",
                func.name,
                k + 1
            ))
        })?;
    }
    let from = last.columns.first().map_or(DataType::Unknown, |c| c.ty);
    let cast = |v: Value| -> Result<Value> {
        if v.is_null() || from == ret || matches!(ret, DataType::Record | DataType::Composite(_)) {
            Ok(v)
        } else {
            crate::cast::cast_value(v, from, ret, -1, false, ctx.style)
        }
    };
    if func.retset {
        let mut out = Vec::with_capacity(last.rows.len());
        for row in last.rows {
            out.push(cast(row.into_iter().next().unwrap_or(Value::Null))?);
        }
        return Ok(Value::Array(ArrayRef::new(out)));
    }
    if ret == DataType::Void {
        return Ok(Value::Null);
    }
    cast(
        last.rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(Value::Null),
    )
}

/// A PL/pgSQL COMMIT or ROLLBACK statement: (commit, AND CHAIN).
fn transaction_end(text: &str) -> Option<(bool, bool)> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.trim_end_matches(';').to_ascii_lowercase())
        .collect();
    let mut words: Vec<&str> = words.iter().map(String::as_str).collect();
    let chain = match words.as_slice() {
        [.., "and", "no", "chain"] => {
            words.truncate(words.len() - 3);
            false
        }
        [.., "and", "chain"] => {
            words.truncate(words.len() - 2);
            true
        }
        _ => false,
    };
    match words.as_slice() {
        ["commit"] | ["commit", "work" | "transaction"] => Some((true, chain)),
        ["rollback"] | ["rollback", "work" | "transaction"] => Some((false, chain)),
        _ => None,
    }
}

/// The variables a PL/pgSQL `CALL` passes for its procedure's OUT and
/// INOUT arguments, each with its column of the CALL's row: each must be
/// a variable (42601 otherwise); one left to its default is not set.
fn call_targets(ctx: &mut Stmt<'_>, text: &str) -> Result<Vec<(usize, String)>> {
    let parsed = crate::parser::parse_cached(text)?;
    let Some(crate::parser::Parsed::Sql(ast)) = parsed.first() else {
        return Ok(Vec::new());
    };
    let sqlparser::ast::Statement::Call(f) = ast.as_ref() else {
        return Ok(Vec::new());
    };
    let args: Vec<&sqlparser::ast::FunctionArg> = match &f.args {
        sqlparser::ast::FunctionArguments::List(l) => l.args.iter().collect(),
        _ => Vec::new(),
    };
    use sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr};
    let parts = crate::binder::object_name(&f.name);
    let procs = ctx.find_functions(&parts)?;
    let procs: Vec<_> = procs.iter().filter(|p| p.procedure).collect();
    let Some(proc_) = procs
        .iter()
        .find(|p| p.params.len() == args.len())
        .or_else(|| procs.iter().find(|p| p.params.len() > args.len()))
    else {
        return Ok(Vec::new());
    };
    // Positional arguments first, then `name => value` ones.
    let positional = args
        .iter()
        .take_while(|a| matches!(a, FunctionArg::Unnamed(_)))
        .count();
    let arg_of = |i: usize, name: Option<&str>| -> Option<&FunctionArg> {
        if i < positional {
            return args.get(i).copied();
        }
        args.iter().copied().find(|a| match a {
            FunctionArg::Named { name: n, .. } => Some(crate::binder::ident(n).as_str()) == name,
            FunctionArg::ExprNamed {
                name: Expr::Identifier(n),
                ..
            } => Some(crate::binder::ident(n).as_str()) == name,
            _ => false,
        })
    };
    let mut targets = Vec::new();
    let outputs = proc_
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.mode.is_output());
    for (column, (i, p)) in outputs.enumerate() {
        let value = match arg_of(i, p.name.as_deref()) {
            Some(
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
                | FunctionArg::Named {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                }
                | FunctionArg::ExprNamed {
                    arg: FunctionArgExpr::Expr(e),
                    ..
                },
            ) => Some(e),
            // Left to its default: nothing to assign.
            None => continue,
            Some(_) => None,
        };
        let writable = match value {
            Some(e @ (Expr::Identifier(_) | Expr::CompoundIdentifier(_))) => Some(e.to_string()),
            _ => None,
        };
        match writable {
            Some(t) => targets.push((column, t)),
            None => {
                return Err(SqlError::new(
                    SqlState::SYNTAX_ERROR,
                    format!(
                        "procedure parameter \"{}\" is an output parameter but corresponding argument is not writable",
                        p.name.as_deref().unwrap_or_default()
                    ),
                ))
            }
        }
    }
    Ok(targets)
}

/// A DO block: PostgreSQL's inline_code_block, run here.
pub(crate) fn run_do(ctx: &mut Stmt<'_>, body: &str) -> Result<()> {
    let func = Arc::new(UserFunction {
        oid: 0,
        db: ctx.db,
        name: "inline_code_block".into(),
        namespace: crate::catalog::system::PG_CATALOG_NS,
        language: "plpgsql".into(),
        volatility: crate::func::Volatility::Volatile,
        strict: false,
        retset: false,
        ret: DataType::Void,
        params: Vec::new(),
        defaults: Vec::new(),
        body: body.to_owned(),
        security_definer: false,
        procedure: false,
        aggregate: None,
    });
    run_function(
        ctx,
        &func,
        &[],
        Vec::new(),
        DataType::Void,
        "inline_code_block",
    )?;
    Ok(())
}
