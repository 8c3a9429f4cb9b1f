//! Triggers fired by INSERT, UPDATE, DELETE and TRUNCATE, as
//! PostgreSQL's trigger.c fires them.
//!
//! Rules:
//! 1. Triggers of one kind fire in name order. A partition also fires
//!    the row triggers of its partitioned ancestors (PostgreSQL clones
//!    them onto each partition); statement triggers fire for the table
//!    the statement names.
//! 2. BEFORE ROW triggers run inside the row loop, compiled
//!    (crate::plpgsql), before constraints are checked: each sees the
//!    previous one's NEW; NULL skips the row (not counted). When one's
//!    body changes data (it cannot per row), INSERT, UPDATE and DELETE
//!    run them all at statement level first, for every row they find
//!    ([`RowTriggers::before_in_session`]), then write the rows kept.
//! 3. AFTER ROW triggers whose WHEN holds when the row is written are
//!    queued, and run when the row loop has ended, at statement level
//!    (crate::session::plpgsql_exec): there they may change data. AFTER
//!    STATEMENT triggers follow them; BEFORE STATEMENT ones run before
//!    the first row, even when no row is touched.
//! 4. UPDATE OF columns: the trigger fires when the UPDATE's SET names
//!    one of them (whether or not the value changes).

use std::sync::Arc;

use crate::binder::TriggerShape;
use crate::catalog::{TableDef, TriggerDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{EvalCtx, Expr};
use crate::plpgsql::Compiled;
use crate::routine::UserFunction;
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::{ArrayRef, Value};

/// The `tg_*` variables a trigger function sees, after NEW and OLD.
pub(crate) const TG_VARS: [(&str, DataType); 10] = [
    ("tg_name", DataType::Name),
    ("tg_when", DataType::Text),
    ("tg_level", DataType::Text),
    ("tg_op", DataType::Text),
    ("tg_relid", DataType::Oid),
    ("tg_relname", DataType::Name),
    ("tg_table_name", DataType::Name),
    ("tg_table_schema", DataType::Name),
    ("tg_nargs", DataType::Int4),
    ("tg_argv", DataType::Array(&DataType::Text)),
];

thread_local! {
    /// How many trigger functions are running on this thread (a
    /// statement and the triggers it fires run on one thread).
    static DEPTH: std::cell::Cell<i32> = const { std::cell::Cell::new(0) };
}

/// pg_trigger_depth(): the number of trigger functions running.
pub(crate) fn depth() -> i32 {
    DEPTH.with(std::cell::Cell::get)
}

/// Runs `f` one trigger level deeper (the stack checked first).
pub(super) fn nested<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    crate::stack::check()?;
    DEPTH.with(|d| d.set(d.get() + 1));
    let r = f();
    DEPTH.with(|d| d.set(d.get() - 1));
    r
}

/// An event's name as TG_OP and pg_get_triggerdef say it.
pub(crate) fn event_name(event: i16) -> &'static str {
    match event {
        TriggerDef::INSERT => "INSERT",
        TriggerDef::DELETE => "DELETE",
        TriggerDef::TRUNCATE => "TRUNCATE",
        _ => "UPDATE",
    }
}

/// One trigger ready to fire on one table.
struct Ready {
    /// The trigger's name.
    name: String,
    func: Arc<UserFunction>,
    /// The compiled body (BEFORE ROW triggers).
    compiled: Option<Compiled>,
    /// WHEN, over NEW's columns then OLD's.
    when: Option<Expr>,
    /// The `tg_*` values.
    vars: Vec<Value>,
    /// REFERENCING OLD TABLE / NEW TABLE names.
    tables: (Option<String>, Option<String>),
    /// A built-in trigger function fired where it refuses to run.
    misfire: Option<SqlError>,
}

/// The rows a statement changed, kept for the transition tables of its
/// AFTER triggers: OLD TABLE's and NEW TABLE's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Captured {
    /// Rows as they were (UPDATE, DELETE).
    pub old: Vec<Vec<Value>>,
    /// Rows as they are now (INSERT, UPDATE).
    pub new: Vec<Vec<Value>>,
}

/// The transition tables `names` (old, new) name, over `rows`, as
/// relations with `def`'s columns.
fn transition_tables(
    names: &(Option<String>, Option<String>),
    def_columns: &[(String, DataType, i32)],
    rows: &Captured,
) -> Vec<crate::binder::DmlCte> {
    let columns: Vec<crate::plan::OutputColumn> = def_columns
        .iter()
        .map(|(n, ty, typmod)| crate::plan::OutputColumn {
            name: n.clone(),
            ty: *ty,
            typmod: *typmod,
            table_oid: 0,
            attnum: 0,
        })
        .collect();
    let mut out = Vec::new();
    for (name, set) in [(&names.0, &rows.old), (&names.1, &rows.new)] {
        if let Some(name) = name {
            out.push(crate::binder::DmlCte {
                name: name.clone(),
                columns: columns.clone(),
                rows: Arc::new(set.clone()),
            });
        }
    }
    out
}

/// Runs `f` with `tables` as the transition tables its queries read.
fn with_transition<T>(
    ctx: &mut Stmt<'_>,
    tables: Vec<crate::binder::DmlCte>,
    f: impl FnOnce(&mut Stmt<'_>) -> Result<T>,
) -> Result<T> {
    let saved = std::mem::replace(&mut ctx.transition, tables);
    let r = f(ctx);
    ctx.transition = saved;
    r
}

/// A queued AFTER ROW event: the trigger (in `after`), NEW and OLD.
/// Its sequence number orders events queued by several tables or
/// events of one statement (an upsert's inserts and updates, a
/// partitioned table's leaves) as they happened.
type Event = (u64, usize, Option<Vec<Value>>, Option<Vec<Value>>);

/// The next queued event's sequence number.
fn next_seq() -> u64 {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The row triggers one statement fires on one table for one event.
pub(crate) struct RowTriggers {
    event: i16,
    /// The table's OID (its statement triggers read `captured`).
    table: u32,
    fields: Vec<(String, DataType, i32)>,
    before: Vec<Ready>,
    after: Vec<Ready>,
    /// AFTER ROW events waiting for the row loop's end.
    queue: Vec<Event>,
    /// Whether AFTER triggers of the event read OLD TABLE / NEW TABLE.
    capture: (bool, bool),
    /// The rows they will read.
    captured: Captured,
}

/// `def`'s triggers with its partitioned ancestors' row triggers, in
/// name order.
fn triggers_of(def: &TableDef) -> Vec<TriggerDef> {
    let mut all = def.triggers.clone();
    all.extend(def.ancestor_triggers.iter().cloned());
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// Whether trigger `t` fires for an UPDATE setting attribute indexes
/// `updated` (None: not an UPDATE).
fn update_of(t: &TriggerDef, updated: Option<&[usize]>) -> bool {
    match updated {
        Some(cols) if !t.columns.is_empty() => t
            .columns
            .iter()
            .any(|a| cols.contains(&((*a as usize).wrapping_sub(1)))),
        _ => true,
    }
}

/// The trigger function of `t`.
pub(super) fn function_of(ctx: &Stmt<'_>, t: &TriggerDef) -> Result<Arc<UserFunction>> {
    ctx.user_functions()?
        .iter()
        .find(|f| f.oid == t.func)
        .cloned()
        .or_else(|| builtin_trigger(t.func))
        .ok_or_else(|| {
            SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("cache lookup failed for function {}", t.func),
            )
        })
}

/// The built-in trigger functions, as functions of language "internal".
const BUILTIN_TRIGGERS: [&str; 1] = ["suppress_redundant_updates_trigger"];

/// Built-in trigger function `oid` (suppress_redundant_updates_trigger).
pub(crate) fn builtin_trigger(oid: u32) -> Option<Arc<UserFunction>> {
    let name = BUILTIN_TRIGGERS
        .into_iter()
        .find(|n| crate::func::builtin_oid(n) == Some(oid))?;
    Some(Arc::new(UserFunction {
        oid,
        db: 0,
        name: name.into(),
        namespace: crate::catalog::system::PG_CATALOG_NS,
        language: "internal".into(),
        volatility: crate::func::Volatility::Volatile,
        strict: false,
        retset: false,
        ret: DataType::Trigger,
        params: Vec::new(),
        defaults: Vec::new(),
        body: name.into(),
        security_definer: false,
        procedure: false,
        aggregate: None,
    }))
}

/// Built-in trigger function `name`, if there is one.
pub(crate) fn builtin_trigger_named(name: &str) -> Option<Arc<UserFunction>> {
    crate::func::builtin_oid(name).and_then(builtin_trigger)
}

/// 39P01 for suppress_redundant_updates_trigger fired other than BEFORE
/// UPDATE FOR EACH ROW (its own checks, in its order), when it fires.
fn misfired(t: &TriggerDef, event: i16) -> Option<SqlError> {
    let msg = if event != TriggerDef::UPDATE {
        "suppress_redundant_updates_trigger: must be called on update"
    } else if t.timing() != "BEFORE" {
        "suppress_redundant_updates_trigger: must be called before update"
    } else if !t.row() {
        "suppress_redundant_updates_trigger: must be called for each row"
    } else {
        return None;
    };
    Some(SqlError::new(SqlState::TRIGGER_PROTOCOL_VIOLATED, msg))
}

/// suppress_redundant_updates_trigger's test: an UPDATE whose new row
/// equals the old one (NULLs alike) writes nothing.
fn unchanged(new: Option<&[Value]>, old: Option<&[Value]>, n: usize) -> bool {
    let (Some(new), Some(old)) = (new, old) else {
        return false;
    };
    new[..n].iter().zip(&old[..n]).all(|(a, b)| {
        (a.is_null() && b.is_null()) || a.compare(b) == Some(std::cmp::Ordering::Equal)
    })
}

/// The columns NEW and OLD have: the table's live columns.
pub(super) fn fields_of(def: &TableDef) -> Vec<(String, DataType, i32)> {
    def.live()
        .map(|(_, c)| (c.name.clone(), c.ty, c.typmod))
        .collect()
}

/// The scope a WHEN condition is bound in: NEW's columns, then OLD's.
pub(crate) fn when_scope(def: &TableDef) -> crate::binder::Scope {
    let mut scope = crate::binder::table_scope(def, Some("new"));
    scope
        .columns
        .extend(crate::binder::table_scope(def, Some("old")).columns);
    scope
}

/// A stored WHEN condition, bound.
fn bind_when(ctx: &Stmt<'_>, def: &TableDef, text: &str) -> Result<Expr> {
    super::modify::bind_stored(ctx.db, text, ctx.style, &when_scope(def), |b, e| {
        b.boolean(e, "WHEN")
    })
}

/// The `tg_*` values of `t` firing on `def` for `event`.
pub(super) fn tg_values(
    ctx: &Stmt<'_>,
    t: &TriggerDef,
    def: &TableDef,
    event: i16,
) -> Result<Vec<Value>> {
    let schema = crate::catalog::schema_name(&ctx.namespaces()?, def.namespace)
        .unwrap_or_default()
        .to_owned();
    let argv: Vec<Value> = t
        .args
        .iter()
        .map(|a| Value::Text(a.as_str().into()))
        .collect();
    let nargs = argv.len() as i32;
    Ok(vec![
        Value::Text(t.name.as_str().into()),
        Value::Text(t.timing().into()),
        Value::Text(if t.row() { "ROW" } else { "STATEMENT" }.into()),
        Value::Text(event_name(event).into()),
        Value::Oid(def.oid),
        Value::Text(def.name.as_str().into()),
        Value::Text(def.name.as_str().into()),
        Value::Text(schema),
        Value::Int4(nargs),
        // Counted from 0; NULL without arguments.
        if argv.is_empty() {
            Value::Null
        } else {
            Value::Array(ArrayRef::with_dims(
                vec![crate::value::array::Dim {
                    lower: 0,
                    len: nargs,
                }],
                argv,
            ))
        },
    ])
}

impl RowTriggers {
    /// The row triggers `event` fires on `def` (`updated`: the attribute
    /// indexes an UPDATE sets); None when there are none, so that the
    /// row loop pays nothing.
    pub(crate) fn bind(
        ctx: &mut Stmt<'_>,
        def: &TableDef,
        event: i16,
        updated: Option<&[usize]>,
    ) -> Result<Option<RowTriggers>> {
        if def.triggers.is_empty() && def.ancestor_triggers.is_empty() {
            return Ok(None);
        }
        let all = triggers_of(def);
        // Transition tables of the event's AFTER triggers, row or
        // statement: the loop keeps the rows they read.
        let mut capture = (false, false);
        for t in all.iter().filter(|t| t.enabled() && t.on(event)) {
            capture.0 |= t.old_table.is_some();
            capture.1 |= t.new_table.is_some();
        }
        let chosen: Vec<TriggerDef> = all
            .into_iter()
            .filter(|t| t.row() && t.enabled() && t.on(event) && update_of(t, updated))
            .collect();
        if chosen.is_empty() && capture == (false, false) {
            return Ok(None);
        }
        let fields = fields_of(def);
        let mut out = RowTriggers {
            event,
            table: def.oid,
            fields,
            before: Vec::new(),
            after: Vec::new(),
            queue: Vec::new(),
            capture,
            captured: Captured::default(),
        };
        for t in chosen {
            let func = function_of(ctx, &t)?;
            let when = t
                .when
                .as_deref()
                .map(|w| bind_when(ctx, def, w))
                .transpose()?;
            let vars = tg_values(ctx, &t, def, event)?;
            if func.language == "internal" {
                // Checked when it fires (a row it is never reached for
                // raises nothing).
                let misfire = misfired(&t, event);
                let ready = Ready {
                    name: t.name.clone(),
                    func,
                    compiled: None,
                    when,
                    vars,
                    tables: (None, None),
                    misfire,
                };
                if t.timing() == "BEFORE" {
                    out.before.push(ready);
                } else {
                    out.after.push(ready);
                }
                continue;
            }
            if t.timing() == "BEFORE" {
                let shape = out.shape();
                let style = ctx.style.clone();
                let compiled = crate::binder::compile_trigger(ctx, &style, &func, &shape)
                    .unwrap_or_else(|e| {
                        crate::plpgsql::Compiled::failing(
                            &func,
                            DataType::Record,
                            e.without_position().with_context(format!(
                                "compilation of PL/pgSQL function \"{}\"",
                                func.name
                            )),
                        )
                    });
                out.before.push(Ready {
                    name: t.name.clone(),
                    func,
                    compiled: Some(compiled),
                    when,
                    vars,
                    tables: (None, None),
                    misfire: None,
                });
            } else {
                out.after.push(Ready {
                    name: t.name.clone(),
                    func,
                    compiled: None,
                    when,
                    vars,
                    tables: (t.old_table.clone(), t.new_table.clone()),
                    misfire: None,
                });
            }
        }
        Ok(Some(out))
    }

    fn shape(&self) -> TriggerShape<'_> {
        TriggerShape {
            fields: &self.fields,
            new: self.event != TriggerDef::DELETE,
            old: self.event != TriggerDef::INSERT,
            vars: &TG_VARS,
        }
    }

    /// Whether `r`'s WHEN holds for the row pair.
    fn when_holds(
        &self,
        r: &Ready,
        new: Option<&[Value]>,
        old: Option<&[Value]>,
        eval: &mut EvalCtx<'_>,
    ) -> Result<bool> {
        let Some(w) = &r.when else {
            return Ok(true);
        };
        let n = self.fields.len();
        let mut row = Vec::with_capacity(2 * n);
        for side in [new, old] {
            match side {
                Some(v) => row.extend_from_slice(&v[..n]),
                None => row.extend(std::iter::repeat_n(Value::Null, n)),
            }
        }
        Ok(w.eval(&row, eval)? == Value::Bool(true))
    }

    /// Whether a BEFORE ROW trigger's body cannot run per row (it
    /// changes data): the statement then runs them all at statement level
    /// first ([`RowTriggers::before_in_session`]).
    pub(crate) fn before_needs_session(&self) -> bool {
        self.before
            .iter()
            .any(|r| r.compiled.as_ref().is_some_and(|c| c.needs_session()))
    }

    /// Fires the BEFORE ROW triggers for one row at statement level
    /// (their bodies may change data): `new` as in [`RowTriggers::before`];
    /// false when one returned NULL.
    pub(crate) fn before_in_session(
        &self,
        ctx: &mut Stmt<'_>,
        mut new: Option<&mut [Value]>,
        old: Option<&[Value]>,
    ) -> Result<bool> {
        let n = self.fields.len();
        let shape = self.shape();
        for r in &self.before {
            if r.when.is_some() {
                let holds = self.when_holds(r, new.as_deref(), old, &mut ctx.eval_ctx())?;
                if !holds {
                    continue;
                }
            }
            if let Some(e) = &r.misfire {
                return Err(e.clone());
            }
            if r.func.language == "internal" {
                if unchanged(new.as_deref(), old, n) {
                    return Ok(false);
                }
                continue;
            }
            let rows = [
                new.as_deref().map(|v| v[..n].to_vec()),
                old.map(|v| v[..n].to_vec()),
            ];
            let v =
                nested(|| crate::session::run_trigger(ctx, &r.func, &shape, rows, r.vars.clone()))?;
            match v {
                Value::Null => return Ok(false),
                Value::Record(rec) => {
                    if let Some(row) = new.as_deref_mut() {
                        if rec.items().len() != n {
                            return Err(mismatch(&r.func));
                        }
                        row[..n].clone_from_slice(rec.items());
                    }
                }
                _ => {}
            }
        }
        Ok(true)
    }

    /// The name of the last BEFORE ROW trigger (PostgreSQL's DETAIL when a
    /// BEFORE trigger moved a row out of its partition).
    pub(crate) fn last_before(&self) -> &str {
        self.before.last().map_or("", |r| r.name.as_str())
    }

    /// Drops the BEFORE ROW triggers (they ran already, in the session).
    pub(crate) fn skip_before(&mut self) {
        self.before.clear();
    }

    /// Fires the BEFORE ROW triggers: `new` is the row INSERT or UPDATE
    /// will write (each trigger's result replaces it), `old` the row
    /// UPDATE or DELETE replaces. False when a trigger returned NULL: the
    /// row is skipped.
    pub(crate) fn before(
        &self,
        mut new: Option<&mut [Value]>,
        old: Option<&[Value]>,
        eval: &mut EvalCtx<'_>,
    ) -> Result<bool> {
        let n = self.fields.len();
        for r in &self.before {
            if !self.when_holds(r, new.as_deref(), old, eval)? {
                continue;
            }
            if let Some(e) = &r.misfire {
                return Err(e.clone());
            }
            let Some(compiled) = &r.compiled else {
                // The built-in suppress_redundant_updates_trigger.
                if unchanged(new.as_deref(), old, n) {
                    return Ok(false);
                }
                continue;
            };
            let mut args = Vec::with_capacity(2 * n + r.vars.len());
            // Each side: its fields (NULL without a row), then the slot
            // its name alone reads when the row is NULL.
            for side in [new.as_deref(), old] {
                match side {
                    Some(v) => args.extend_from_slice(&v[..n]),
                    None => args.extend(std::iter::repeat_n(Value::Null, n)),
                }
                args.push(Value::Null);
            }
            args.extend(r.vars.iter().cloned());
            match nested(|| crate::plpgsql::run(compiled, args, eval))? {
                Value::Null => return Ok(false),
                Value::Record(rec) => {
                    if let Some(row) = new.as_deref_mut() {
                        let items = rec.items();
                        if items.len() != n {
                            return Err(mismatch(&r.func));
                        }
                        row[..n].clone_from_slice(items);
                    }
                }
                _ => {}
            }
        }
        Ok(true)
    }

    /// Queues the AFTER ROW triggers whose WHEN holds for a row written.
    pub(crate) fn after(
        &mut self,
        new: Option<&[Value]>,
        old: Option<&[Value]>,
        eval: &mut EvalCtx<'_>,
    ) -> Result<()> {
        let n = self.fields.len();
        if let (true, Some(o)) = (self.capture.0, old) {
            self.captured.old.push(o[..n].to_vec());
        }
        if let (true, Some(v)) = (self.capture.1, new) {
            self.captured.new.push(v[..n].to_vec());
        }
        for i in 0..self.after.len() {
            if self.when_holds(&self.after[i], new, old, eval)? {
                self.queue.push((
                    next_seq(),
                    i,
                    new.map(|v| v[..n].to_vec()),
                    old.map(|v| v[..n].to_vec()),
                ));
            }
        }
        Ok(())
    }

    /// Runs the queued AFTER ROW triggers, in the order their rows were
    /// written.
    pub(crate) fn fire_after(self, ctx: &mut Stmt<'_>) -> Result<()> {
        fire_after_all(ctx, vec![self])
    }
}

/// Runs the AFTER ROW triggers several sets queued, in the order their
/// rows were written across all of them.
pub(crate) fn fire_after_all(ctx: &mut Stmt<'_>, mut sets: Vec<RowTriggers>) -> Result<()> {
    let mut events: Vec<(usize, Event)> = Vec::new();
    for (k, s) in sets.iter_mut().enumerate() {
        events.extend(std::mem::take(&mut s.queue).into_iter().map(|e| (k, e)));
        // The statement triggers read the rows too (fire_statement).
        if s.capture != (false, false) {
            let key = (s.table, s.event);
            match ctx.captured.iter_mut().find(|(k, _)| *k == key) {
                Some((_, c)) => {
                    c.old.extend(s.captured.old.iter().cloned());
                    c.new.extend(s.captured.new.iter().cloned());
                }
                None => ctx.captured.push((key, s.captured.clone())),
            }
        }
    }
    events.sort_by_key(|(_, e)| e.0);
    for (k, (_, i, new, old)) in events {
        let set = &sets[k];
        let shape = set.shape();
        let r = &set.after[i];
        if let Some(e) = &r.misfire {
            return Err(e.clone());
        }
        let tables = transition_tables(&r.tables, &set.fields, &set.captured);
        with_transition(ctx, tables, |ctx| {
            nested(|| crate::session::run_trigger(ctx, &r.func, &shape, [new, old], r.vars.clone()))
        })?;
    }
    Ok(())
}

/// 42804: a trigger returned a row of another shape.
pub(super) fn mismatch(func: &UserFunction) -> SqlError {
    SqlError::new(
        SqlState::DATATYPE_MISMATCH,
        "returned row structure does not match the structure of the triggering table",
    )
    .with_detail("Number of returned columns does not match expected column count.")
    .with_context(format!("PL/pgSQL function {}()", func.name))
}

/// Fires `def`'s statement triggers for `event` (BEFORE ones when
/// `before`); `updated`: the attribute indexes an UPDATE sets.
pub(crate) fn fire_statement(
    ctx: &mut Stmt<'_>,
    def: &TableDef,
    event: i16,
    before: bool,
    updated: Option<&[usize]>,
) -> Result<()> {
    if def.triggers.is_empty() {
        return Ok(());
    }
    let timing = if before { "BEFORE" } else { "AFTER" };
    let chosen: Vec<TriggerDef> = def
        .triggers
        .iter()
        .filter(|t| {
            !t.row() && t.enabled() && t.on(event) && t.timing() == timing && update_of(t, updated)
        })
        .cloned()
        .collect();
    if chosen.is_empty() {
        return Ok(());
    }
    let fields = fields_of(def);
    let shape = TriggerShape {
        fields: &fields,
        new: false,
        old: false,
        vars: &TG_VARS,
    };
    for t in chosen {
        if let Some(w) = &t.when {
            let e = bind_when(ctx, def, w)?;
            let nulls = vec![Value::Null; 2 * fields.len()];
            if e.eval(&nulls, &mut ctx.eval_ctx())? != Value::Bool(true) {
                continue;
            }
        }
        let func = function_of(ctx, &t)?;
        if func.language == "internal" {
            return Err(misfired(&t, event).unwrap_or_else(|| SqlError::internal("misfired")));
        }
        let vars = tg_values(ctx, &t, def, event)?;
        let names = (t.old_table.clone(), t.new_table.clone());
        let tables = if names == (None, None) {
            Vec::new()
        } else {
            let rows = ctx
                .captured
                .iter()
                .find(|(k, _)| *k == (def.oid, event))
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            transition_tables(&names, &fields, &rows)
        };
        with_transition(ctx, tables, |ctx| {
            nested(|| crate::session::run_trigger(ctx, &func, &shape, [None, None], vars))
        })?;
    }
    if !before {
        ctx.captured.retain(|(k, _)| *k != (def.oid, event));
    }
    Ok(())
}

/// pg_get_triggerdef's text for trigger `t` of `def`: `table` and
/// `func` are the names to print (qualified as the caller decided).
pub(crate) fn definition(
    t: &TriggerDef,
    def: &TableDef,
    table: &str,
    func: &str,
    pretty: bool,
) -> String {
    let mut out = String::from("CREATE ");
    if t.constraint.is_some() {
        out.push_str("CONSTRAINT ");
    }
    out.push_str(&format!(
        "TRIGGER {} {} ",
        crate::func::quote_ident(&t.name),
        t.timing()
    ));
    let mut events = Vec::new();
    for e in [
        TriggerDef::INSERT,
        TriggerDef::DELETE,
        TriggerDef::UPDATE,
        TriggerDef::TRUNCATE,
    ] {
        if !t.on(e) {
            continue;
        }
        let mut name = event_name(e).to_owned();
        if e == TriggerDef::UPDATE && !t.columns.is_empty() {
            let cols: Vec<String> = t
                .columns
                .iter()
                .filter_map(|a| def.columns.get((*a as usize).wrapping_sub(1)))
                .map(|c| crate::func::quote_ident(&c.name))
                .collect();
            name.push_str(&format!(" OF {}", cols.join(", ")));
        }
        events.push(name);
    }
    out.push_str(&events.join(" OR "));
    out.push_str(&format!(" ON {table} "));
    if let Some((deferrable, deferred)) = t.constraint {
        out.push_str(if deferrable {
            "DEFERRABLE "
        } else {
            "NOT DEFERRABLE "
        });
        out.push_str(if deferred {
            "INITIALLY DEFERRED "
        } else {
            "INITIALLY IMMEDIATE "
        });
    }
    if t.old_table.is_some() || t.new_table.is_some() {
        out.push_str("REFERENCING ");
        if let Some(o) = &t.old_table {
            out.push_str(&format!("OLD TABLE AS {} ", crate::func::quote_ident(o)));
        }
        if let Some(n) = &t.new_table {
            out.push_str(&format!("NEW TABLE AS {} ", crate::func::quote_ident(n)));
        }
    }
    out.push_str(if t.row() {
        "FOR EACH ROW "
    } else {
        "FOR EACH STATEMENT "
    });
    if let Some(w) = &t.when {
        let scope = when_scope(def);
        let names: Vec<String> = scope.columns.iter().map(|c| c.name.clone()).collect();
        let quals: Vec<String> = scope
            .columns
            .iter()
            .map(|c| c.table.clone().unwrap_or_default())
            .collect();
        let printed = super::modify::bind_stored(
            def.rel.db,
            w,
            &crate::value::OutputStyle::default(),
            &scope,
            |_, e| Ok(e),
        )
        .ok()
        .and_then(|e| {
            crate::deparse::Deparser {
                columns: &names,
                pretty,
                types: None,
                qualifiers: Some(&quals),
                special: None,
                indent: 0,
            }
            .expr(&e)
        })
        .unwrap_or_else(|| w.clone());
        out.push_str(&format!("WHEN ({printed}) "));
    }
    let args: Vec<String> = t
        .args
        .iter()
        .map(|a| crate::func::quote_literal(a))
        .collect();
    out.push_str(&format!("EXECUTE FUNCTION {func}({})", args.join(", ")));
    out
}
