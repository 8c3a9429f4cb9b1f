//! Running a compiled PL/pgSQL body for one call.

use super::{Compiled, Condition, Frag, Op, RaiseLevel, Step};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::value::{ArrayRef, Value};

/// How a statement ended.
enum Flow {
    Next,
    Exit(Option<String>),
    Continue(Option<String>),
    Return(Option<Value>),
}

struct State<'c> {
    c: &'c Compiled,
    row: Vec<Value>,
    /// RETURN NEXT / QUERY's values so far.
    set: Vec<Value>,
    /// Rows of the last SQL statement (GET DIAGNOSTICS ROW_COUNT).
    row_count: i64,
    /// The errors the handlers running now caught, innermost last.
    caught: Vec<SqlError>,
}

/// Runs `c` with the input argument values `args`: its value (the array
/// of its rows for a set-returning function).
pub fn run(c: &Compiled, args: Vec<Value>, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let mut st = State {
        c,
        row: vec![Value::Null; c.slots.len()],
        set: Vec::new(),
        row_count: 0,
        caught: Vec::new(),
    };
    for (slot, v) in c.input_slots.iter().zip(args) {
        st.row[*slot] = v;
    }
    for (whole, fields) in &c.row_inputs {
        if let Value::Record(r) = &st.row[*whole] {
            let items = r.items().to_vec();
            for (f, v) in fields.iter().zip(items) {
                st.row[*f] = v;
            }
        }
    }
    st.row[c.found] = Value::Bool(false);
    let flow = st.step(&c.body, ctx)?;
    if c.retset {
        return Ok(Value::Array(ArrayRef::new(std::mem::take(&mut st.set))));
    }
    let returned = match flow {
        Flow::Return(v) => Some(v),
        _ => None,
    };
    let outputs = (!c.out_slots.is_empty()).then(|| st.out_value());
    super::finish(c.ret, returned, outputs, &c.signature)
}

impl State<'_> {
    /// The OUT arguments' value: one's own, several as a row.
    fn out_value(&self) -> Value {
        match self.c.out_slots.as_slice() {
            [one] => self.row[*one].clone(),
            slots => Value::Record(ArrayRef::record(
                Vec::new().into(),
                slots.iter().map(|s| self.row[*s].clone()).collect(),
            )),
        }
    }

    /// A fragment's rows; an error in it gets the fragment's context.
    /// The variables are lent to the outer levels while it runs (not
    /// copied: this runs for every expression of every iteration).
    fn rows(
        &mut self,
        frag: &Frag,
        limit: usize,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<Vec<Vec<Value>>> {
        ctx.outer.push(std::mem::take(&mut self.row));
        let r = crate::exec::collect(&frag.plan, limit, ctx);
        self.row = ctx.outer.pop().unwrap_or_default();
        r.map_err(|e| match &frag.context {
            Some(c) => e.with_context(c.clone()),
            None => e,
        })
    }

    fn value(&mut self, plan: &Frag, ctx: &mut EvalCtx<'_>) -> Result<Value> {
        Ok(self
            .rows(plan, 1, ctx)?
            .pop()
            .and_then(|mut r| r.drain(..).next())
            .unwrap_or(Value::Null))
    }

    fn truth(&mut self, plan: &Frag, ctx: &mut EvalCtx<'_>) -> Result<bool> {
        Ok(matches!(self.value(plan, ctx)?, Value::Bool(true)))
    }

    fn steps(&mut self, steps: &[Step], ctx: &mut EvalCtx<'_>) -> Result<Flow> {
        for s in steps {
            match self.step(s, ctx)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    /// PostgreSQL's context line for an error in step `s`.
    fn context(&self, s: &Step, e: SqlError) -> SqlError {
        e.with_context(format!(
            "PL/pgSQL function {} line {} at {}",
            self.c.signature, s.line, s.what
        ))
    }

    fn step(&mut self, s: &Step, ctx: &mut EvalCtx<'_>) -> Result<Flow> {
        ctx.check_interrupts()?;
        crate::stack::check()?;
        macro_rules! own {
            ($e:expr) => {
                $e.map_err(|e| self.context(s, e))?
            };
        }
        match &s.op {
            Op::Null => Ok(Flow::Next),
            Op::Unsupported(what) => Err(self.context(s, SqlError::unsupported(what.clone()))),
            Op::Fail(e) => Err(e.clone()),
            Op::Reraise => Err(super::reraise(self.caught.last())),
            Op::Block {
                inits,
                body,
                handlers,
                label,
            } => {
                for (slot, default, _) in inits {
                    self.row[*slot] = match default {
                        Some(p) => own!(self.value(p, ctx)),
                        None => Value::Null,
                    };
                }
                let result = self.steps(body, ctx);
                let e = match result {
                    Ok(Flow::Exit(Some(l))) if label.as_deref() == Some(l.as_str()) => {
                        return Ok(Flow::Next)
                    }
                    Ok(flow) => return Ok(flow),
                    Err(e) => e,
                };
                let code = e.code();
                let handler = handlers.iter().find(|(conds, ..)| {
                    conds.iter().any(|c| match c {
                        Condition::Others => code != SqlState::QUERY_CANCELED,
                        Condition::State(st) => *st == code,
                        Condition::Class(class) => code.code().starts_with(class.as_str()),
                    })
                });
                let Some((_, stmts, state_slot, errm_slot)) = handler else {
                    return Err(e);
                };
                self.row[*state_slot] = Value::Text(code.code().to_owned());
                self.row[*errm_slot] = Value::Text(e.report().message.clone());
                self.caught.push(e);
                let r = self.steps(stmts, ctx);
                self.caught.pop();
                r
            }
            Op::AssignFields { slots, value } => {
                let items = match own!(self.value(value, ctx)) {
                    Value::Record(r) => r.items().to_vec(),
                    Value::Null => Vec::new(),
                    other => vec![other],
                };
                let mut it = items.into_iter();
                for slot in slots {
                    self.row[*slot] = it.next().unwrap_or(Value::Null);
                }
                Ok(Flow::Next)
            }
            Op::Assign { slot, value } => {
                let v = own!(self.value(value, ctx));
                self.row[*slot] = v;
                Ok(Flow::Next)
            }
            Op::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    if own!(self.truth(cond, ctx)) {
                        return self.steps(body, ctx);
                    }
                }
                match otherwise {
                    Some(o) => self.steps(o, ctx),
                    None => Err(self.context(
                        s,
                        SqlError::new(SqlState::CASE_NOT_FOUND, "case not found")
                            .with_hint("CASE statement is missing ELSE part."),
                    )),
                }
            }
            Op::Loop { label, cond, body } => loop {
                ctx.check_interrupts()?;
                if let Some(c) = cond {
                    if !own!(self.truth(c, ctx)) {
                        return Ok(Flow::Next);
                    }
                }
                if let Some(f) = self.iteration(body, label, ctx)? {
                    return Ok(f);
                }
            },
            Op::ForInt {
                label,
                slot,
                lo,
                hi,
                step,
                reverse,
                body,
            } => {
                let int = super::loop_bound;
                let lo = own!(self.value(lo, ctx).and_then(|v| int(v, "lower bound")));
                let hi = own!(self.value(hi, ctx).and_then(|v| int(v, "upper bound")));
                let by = match step {
                    Some(p) => own!(self.value(p, ctx).and_then(|v| int(v, "BY value"))),
                    None => 1,
                };
                if by <= 0 {
                    return Err(self.context(s, super::loop_step_error()));
                }
                let mut i = lo;
                let mut found = false;
                while if *reverse { i >= hi } else { i <= hi } {
                    ctx.check_interrupts()?;
                    found = true;
                    self.row[*slot] = Value::Int4(i as i32);
                    if let Some(f) = self.iteration(body, label, ctx)? {
                        self.row[self.c.found] = Value::Bool(true);
                        return Ok(f);
                    }
                    i = if *reverse { i - by } else { i + by };
                }
                self.row[self.c.found] = Value::Bool(found);
                Ok(Flow::Next)
            }
            Op::ForQuery {
                label,
                slots,
                query,
                body,
            } => {
                let rows = own!(self.rows(query, usize::MAX, ctx));
                let found = !rows.is_empty();
                for r in rows {
                    ctx.check_interrupts()?;
                    self.assign_row(slots, r);
                    if let Some(f) = self.iteration(body, label, ctx)? {
                        self.row[self.c.found] = Value::Bool(true);
                        return Ok(f);
                    }
                }
                self.row[self.c.found] = Value::Bool(found);
                Ok(Flow::Next)
            }
            Op::ForEach {
                label,
                slot,
                slice,
                array,
                body,
            } => {
                let value = own!(self.value(array, ctx));
                let items = super::foreach_items(value, *slice).map_err(|e| self.context(s, e))?;
                for v in items {
                    self.row[*slot] = v;
                    if let Some(f) = self.iteration(body, label, ctx)? {
                        return Ok(f);
                    }
                }
                Ok(Flow::Next)
            }
            Op::Exit { cont, label, cond } => {
                if let Some(c) = cond {
                    if !own!(self.truth(c, ctx)) {
                        return Ok(Flow::Next);
                    }
                }
                Ok(if *cont {
                    Flow::Continue(label.clone())
                } else {
                    Flow::Exit(label.clone())
                })
            }
            Op::Return(value) => {
                let v = match value {
                    Some(p) => Some(own!(self.value(p, ctx))),
                    None => None,
                };
                Ok(Flow::Return(v))
            }
            Op::ReturnNext(value) => {
                if let Some(p) = value {
                    let v = own!(self.value(p, ctx));
                    self.set.push(v);
                }
                Ok(Flow::Next)
            }
            Op::ReturnQuery(plan) => {
                let rows = own!(self.rows(plan, usize::MAX, ctx));
                self.row_count = rows.len() as i64;
                self.row[self.c.found] = Value::Bool(!rows.is_empty());
                self.set.extend(
                    rows.into_iter()
                        .map(|mut r| r.drain(..).next().unwrap_or(Value::Null)),
                );
                Ok(Flow::Next)
            }
            Op::Perform(plan) => {
                let rows = own!(self.rows(plan, usize::MAX, ctx));
                self.row_count = rows.len() as i64;
                self.row[self.c.found] = Value::Bool(!rows.is_empty());
                Ok(Flow::Next)
            }
            Op::Into {
                query,
                slots,
                strict,
            } => {
                let mut rows = own!(self.rows(query, if *strict { 2 } else { 1 }, ctx));
                if let Some(e) = strict
                    .then(|| super::strict_into_error(rows.len()))
                    .flatten()
                {
                    return Err(self.context(s, e));
                }
                self.row_count = rows.len() as i64;
                self.row[self.c.found] = Value::Bool(!rows.is_empty());
                let r = rows.pop().unwrap_or_default();
                self.assign_row(slots, r);
                Ok(Flow::Next)
            }
            Op::Diagnostics(items) => {
                let here = format!(
                    "PL/pgSQL function {} line {} at GET DIAGNOSTICS",
                    self.c.signature, s.line
                );
                for (slot, item) in items {
                    let Some(v) =
                        super::diagnostic(item, self.row_count, self.caught.last(), &here)
                    else {
                        return Err(self
                            .context(s, SqlError::unsupported(format!("GET DIAGNOSTICS {item}"))));
                    };
                    let (to, typmod) = self.c.slots[*slot];
                    let from = match v {
                        Value::Int8(_) => crate::types::DataType::Int8,
                        _ => crate::types::DataType::Text,
                    };
                    self.row[*slot] = own!(crate::cast::cast_value(
                        v, from, to, typmod, false, ctx.style
                    ));
                }
                Ok(Flow::Next)
            }
            Op::Assert { cond, message } => {
                let v = own!(self.value(cond, ctx));
                if !matches!(v, Value::Bool(true)) {
                    let msg = match message {
                        Some(m) => match own!(self.value(m, ctx)) {
                            Value::Text(t) => t,
                            _ => "assertion failed".into(),
                        },
                        None => "assertion failed".into(),
                    };
                    return Err(self.context(s, SqlError::new(SqlState::ASSERT_FAILURE, msg)));
                }
                Ok(Flow::Next)
            }
            Op::Raise {
                level,
                format,
                args,
                state,
                options,
            } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(own!(self.value(a, ctx)));
                }
                let mut message = match format {
                    Some(f) => own!(raise_format(f, &values)),
                    None => String::new(),
                };
                let mut state = *state;
                let (mut detail, mut hint) = (None, None);
                for (name, plan) in options {
                    let v = match own!(self.value(plan, ctx)) {
                        Value::Text(t) => t,
                        Value::Null => {
                            return Err(self.context(
                                s,
                                SqlError::new(
                                    SqlState::NULL_VALUE_NOT_ALLOWED,
                                    "RAISE statement option cannot be null",
                                ),
                            ))
                        }
                        other => format!("{other:?}"),
                    };
                    match name.as_str() {
                        "message" => message = v,
                        "detail" => detail = Some(v),
                        "hint" => hint = Some(v),
                        "errcode" => {
                            state = crate::plpgsql::parse::condition_state(&v)
                                .or_else(|| SqlState::from_code(&v))
                                .unwrap_or(state)
                        }
                        _ => {}
                    }
                }
                if format.is_none() && message.is_empty() {
                    message = condition_name(state);
                }
                let mut e = match level {
                    RaiseLevel::Exception => SqlError::new(state, message),
                    RaiseLevel::Warning => SqlError::warning(state, message),
                    RaiseLevel::Notice => SqlError::notice(state, message),
                    RaiseLevel::Info => SqlError::info(message),
                    RaiseLevel::Debug => return Ok(Flow::Next),
                };
                if let Some(d) = detail {
                    e = e.with_detail(d);
                }
                if let Some(h) = hint {
                    e = e.with_hint(h);
                }
                if *level == RaiseLevel::Exception {
                    return Err(self.context(s, e));
                }
                ctx.notices.push(self.context(s, e));
                Ok(Flow::Next)
            }
        }
    }

    /// One pass of a loop's body: Some(flow) when the loop ends with it.
    fn iteration(
        &mut self,
        body: &[Step],
        label: &Option<String>,
        ctx: &mut EvalCtx<'_>,
    ) -> Result<Option<Flow>> {
        Ok(match self.steps(body, ctx)? {
            Flow::Next => None,
            f => loop_flow(f, label),
        })
    }

    /// Puts a row's columns into `slots` (missing columns NULL).
    fn assign_row(&mut self, slots: &[usize], r: Vec<Value>) {
        let mut it = r.into_iter();
        for slot in slots {
            self.row[*slot] = it.next().unwrap_or(Value::Null);
        }
    }
}

/// What an EXIT / CONTINUE / RETURN seen in a loop's body means for the
/// loop labelled `label`: Some(flow) to leave it with, None to go on.
fn loop_flow(f: Flow, label: &Option<String>) -> Option<Flow> {
    let mine = |l: &Option<String>| l.is_none() || l == label;
    match f {
        Flow::Exit(l) if mine(&l) => Some(Flow::Next),
        Flow::Continue(l) if mine(&l) => None,
        other => Some(other),
    }
}

/// RAISE's message: each `%` replaced by the next argument's text (NULL
/// prints as NULL), `%%` a percent sign.
pub(crate) fn raise_format(f: &str, args: &[Value]) -> Result<String> {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        match it.next() {
            Some(Value::Text(t)) => out.push_str(t),
            Some(Value::Null) => out.push_str("<NULL>"),
            Some(other) => out.push_str(&format!("{other:?}")),
            None => {
                return Err(SqlError::new(
                    SqlState::SYNTAX_ERROR,
                    "too few parameters specified for RAISE",
                ))
            }
        }
    }
    if it.next().is_some() {
        return Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            "too many parameters specified for RAISE",
        ));
    }
    Ok(out)
}

/// The condition name RAISE prints for an error raised by name alone.
pub(crate) fn condition_name(state: SqlState) -> String {
    super::conditions::CONDITIONS
        .iter()
        .find(|(_, code)| *code == state.code())
        .map_or_else(|| state.code().to_owned(), |(n, _)| (*n).to_owned())
}
