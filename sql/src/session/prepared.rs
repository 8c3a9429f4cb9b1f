//! Prepared statements: a statement parsed and analysed once, its plan
//! kept and run again with new parameter values.
//!
//! Both the extended query protocol's Parse and SQL's PREPARE make one;
//! they share the session's statement table (pg_prepared_statements).
//!
//! ```text
//! Parse ──► parse text ─► bind with variable parameters ─► types inferred,
//!           result columns known, plan cached (CachedPlan)
//! Execute ─► plan still valid?  yes: lock its tables again, run it
//!                               no:  bind and plan again with the fixed
//!                                    parameter types; a different row
//!                                    shape is 0A000
//! ```
//!
//! Rules:
//! 1. A cached plan is valid while the catalog cache version and the
//!    search_path it was planned under are unchanged, and the running
//!    transaction has not changed the catalog itself. Its tables are
//!    locked again before each run, then the version is checked again
//!    (a concurrent ALTER TABLE may have committed while we waited).
//! 2. Every parameter has a type after Parse: given by the client,
//!    inferred from context, or text for an unknown select-list item;
//!    otherwise 42P18, as in PostgreSQL.
//! 3. Only statements that bind to a plan are analysed at Parse
//!    (SELECT, VALUES, WITH, INSERT, UPDATE, DELETE, EXPLAIN); utility
//!    statements run from their syntax each time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use actorgres_storage::lock::{LockMode, LockTag};
use parking_lot::Mutex;
use sqlparser::ast::Statement;

use super::{Dispatched, Session, Stmt};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::Parsed;
use crate::plan::{OutputColumn, Plan};
use crate::result::ResultSink;
use crate::table::{BoundInsert, BoundModify};
use crate::types::DataType;

/// A statement bound and planned, ready to run with parameter values.
#[derive(Clone)]
pub(crate) enum Planned {
    /// SELECT, VALUES, WITH ...: a plan and its result columns.
    Query {
        /// The plan.
        plan: Plan,
        /// Its result columns.
        columns: Vec<OutputColumn>,
    },
    /// INSERT.
    Insert(BoundInsert),
    /// UPDATE or DELETE.
    Modify(BoundModify),
}

impl Planned {
    /// The rows it returns, if any.
    fn columns(&self) -> Option<&[OutputColumn]> {
        match self {
            Planned::Query { columns, .. } => Some(columns),
            Planned::Insert(b) => b.columns(),
            Planned::Modify(b) => b.columns(),
        }
    }
}

/// A plan kept by a prepared statement, with what decides whether it is
/// still valid (rule 1).
pub struct CachedPlan {
    /// The plan.
    planned: Planned,
    /// The catalog cache version it was planned at.
    version: u64,
    /// The search_path it was planned under.
    search_path: String,
    /// The settings it was planned under (when they are the very same
    /// values, search_path need not be compared).
    settings: crate::guc::Settings,
    /// The table locks binding took, taken again before each run.
    locks: Vec<(LockTag, LockMode)>,
}

/// One prepared statement.
pub struct PreparedStatement {
    /// Its name ("" for the unnamed statement).
    pub name: String,
    /// The SQL text it was prepared from.
    pub sql: String,
    /// The statement; None when the text held none (EmptyQueryResponse).
    parsed: Option<Parsed>,
    /// Parameter types, fixed at Parse (rule 2).
    param_types: Vec<DataType>,
    /// The rows it returns (RowDescription), or None (NoData).
    columns: Option<Vec<OutputColumn>>,
    /// Its plan, for statements that have one (rule 3).
    plan: Mutex<Option<Arc<CachedPlan>>>,
    /// Made by SQL PREPARE rather than a Parse message.
    pub from_sql: bool,
    /// When it was prepared, microseconds since 2000-01-01 UTC.
    pub prepare_time: i64,
    /// Runs so far (each from the one generic plan it keeps).
    runs: AtomicU64,
}

impl PreparedStatement {
    /// How many times it ran (pg_prepared_statements.generic_plans:
    /// every run uses the statement's one generic plan).
    pub fn generic_plans(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// Parameter types.
    pub fn param_types(&self) -> &[DataType] {
        &self.param_types
    }

    /// Result columns, if it returns rows.
    pub fn columns(&self) -> Option<&[OutputColumn]> {
        self.columns.as_deref()
    }

    /// The parsed statement (None: an empty query string).
    pub(crate) fn parsed(&self) -> Option<&Parsed> {
        self.parsed.as_ref()
    }

    /// Whether the statement is transaction control (runs in a failed
    /// transaction block).
    pub(crate) fn is_transaction_control(&self) -> bool {
        matches!(&self.parsed, Some(Parsed::Sql(s)) if super::control::is_transaction_control(s))
    }

    /// A rough size of what it holds, for the Backend's memory view.
    pub fn approximate_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.name.len()
            + 4 * self.sql.len()
            + 64 * self.columns.as_ref().map_or(0, Vec::len)
    }

    /// Runs the statement in `ctx` (parameters set there): from `plan`
    /// (checked at Bind, its locks held since) unless this transaction
    /// changed the catalog meanwhile, else from its cached plan, checked
    /// now; a statement without a plan from its syntax.
    pub(crate) fn run(
        &self,
        ctx: &mut Stmt<'_>,
        plan: Option<&Arc<CachedPlan>>,
        sink: &mut dyn ResultSink,
    ) -> Result<Dispatched> {
        self.runs.fetch_add(1, Ordering::Relaxed);
        let Some(parsed) = &self.parsed else {
            sink.empty_query()?;
            return Ok(Dispatched::Done);
        };
        if !plannable(parsed) {
            return super::dispatch(ctx, parsed, sink);
        }
        let cached = match plan {
            Some(p) if !ctx.txn.catalog_changed => Arc::clone(p),
            _ => self.valid_plan(ctx, parsed)?,
        };
        run_planned(ctx, &cached.planned, sink)
    }

    /// Whether the statement runs from a plan.
    pub(crate) fn is_plannable(&self) -> bool {
        self.parsed.as_ref().is_some_and(plannable)
    }

    /// The plan a Bind gives its portal: the cached one checked (rule
    /// 1), or a new one, as PostgreSQL's GetCachedPlan at Bind (errors of
    /// planning and of a changed row shape are Bind's).
    pub(crate) fn plan_for_bind(&self, ctx: &mut Stmt<'_>) -> Result<Option<Arc<CachedPlan>>> {
        match &self.parsed {
            Some(parsed) if plannable(parsed) => self.valid_plan(ctx, parsed).map(Some),
            _ => Ok(None),
        }
    }

    /// The cached plan if it is still valid (rule 1), else a new one.
    fn valid_plan(&self, ctx: &mut Stmt<'_>, parsed: &Parsed) -> Result<Arc<CachedPlan>> {
        let current = self.plan.lock().clone();
        if let Some(p) = current {
            let cache = &ctx.cluster.cache;
            if !ctx.txn.catalog_changed
                && p.version == cache.version()
                && (ctx.settings.shares_values_with(&p.settings)
                    || p.search_path == ctx.settings.str("search_path"))
            {
                for &(tag, mode) in &p.locks {
                    ctx.lock(tag, mode)?;
                }
                if ctx.cluster.cache.version() == p.version {
                    return Ok(p);
                }
            }
        }
        // Binding reads the catalog: it needs the statement's snapshot.
        if ctx.txn.snapshot.is_none() {
            let engine = ctx.engine();
            ctx.txn.snapshot = Some(engine.txns.snapshot(ctx.info.pid));
        }
        let fresh = plan_cached(ctx, parsed, Planning::Run)?
            .and_then(|b| b.plan)
            .ok_or_else(|| SqlError::internal("a plannable statement without a plan"))?;
        if !same_shape(fresh.planned.columns(), self.columns.as_deref()) {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cached plan must not change result type",
            ));
        }
        let fresh = Arc::new(fresh);
        if !ctx.txn.catalog_changed {
            *self.plan.lock() = Some(Arc::clone(&fresh));
        }
        Ok(fresh)
    }
}

/// Whether two row shapes are the same for a cached plan: the same
/// number of columns with the same types and modifiers.
fn same_shape(a: Option<&[OutputColumn]>, b: Option<&[OutputColumn]>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.ty == y.ty && x.typmod == y.typmod)
        }
        _ => false,
    }
}

/// Statements that bind to a plan (rule 3).
fn plannable(parsed: &Parsed) -> bool {
    matches!(
        parsed,
        Parsed::Sql(s) if match s.as_ref() {
            // Its data-modifying WITH queries run before it (dispatch).
            Statement::Query(q) => !super::has_dml_cte(q),
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => true,
            _ => false,
        }
    )
}

/// How a statement is planned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Planning {
    /// To run it: every error is the statement's.
    Run,
    /// At Parse: binding errors are reported, but an error of the
    /// planner's passes (`1/0` folded) waits for the run, where
    /// PostgreSQL, which plans at Bind, reports it. The result is then
    /// bound but not planned.
    Analyze,
}

/// What binding and planning a statement gave.
struct Bound<P> {
    /// The plan (None when `Analyze` deferred a planner error).
    plan: Option<P>,
    /// The result columns, if it returns rows.
    columns: Option<Vec<OutputColumn>>,
}

/// Binds and plans a plannable statement in `ctx`, noting what makes the
/// plan valid; None for other statements.
fn plan_cached(
    ctx: &mut Stmt<'_>,
    parsed: &Parsed,
    mode: Planning,
) -> Result<Option<Bound<CachedPlan>>> {
    let version = ctx.cluster.cache.version();
    let mark = ctx.txn.locks.len();
    let Some(bound) = plan_statement(ctx, parsed, mode)? else {
        return Ok(None);
    };
    let plan = bound.plan.map(|planned| CachedPlan {
        planned,
        version,
        search_path: ctx.settings.str("search_path"),
        settings: ctx.settings.clone(),
        locks: ctx.txn.locks.get(mark..).unwrap_or_default().to_vec(),
    });
    Ok(Some(Bound {
        plan,
        columns: bound.columns,
    }))
}

/// Binds and plans a statement that has a plan (see [`Planning`]).
fn plan_statement(
    ctx: &mut Stmt<'_>,
    parsed: &Parsed,
    mode: Planning,
) -> Result<Option<Bound<Planned>>> {
    let Parsed::Sql(s) = parsed else {
        return Ok(None);
    };
    let planned = match s.as_ref() {
        Statement::Query(q) => {
            let bound = Session::bind_query(ctx, q)?;
            let columns = bound.columns;
            let plan = match (Session::optimize(ctx, bound.plan), mode) {
                (Ok(plan), _) => Some(Planned::Query {
                    plan,
                    columns: columns.clone(),
                }),
                (Err(_), Planning::Analyze) => None,
                (Err(e), Planning::Run) => return Err(e),
            };
            return Ok(Some(Bound {
                plan,
                columns: Some(columns),
            }));
        }
        Statement::Insert(ins) => Planned::Insert(crate::table::bind_insert(ctx, ins)?),
        Statement::Update(upd) => Planned::Modify(crate::table::bind_update(ctx, upd)?),
        Statement::Delete(del) => Planned::Modify(crate::table::bind_delete(ctx, del)?),
        _ => return Ok(None),
    };
    let columns = planned.columns().map(<[OutputColumn]>::to_vec);
    Ok(Some(Bound {
        plan: Some(planned),
        columns,
    }))
}

/// Runs a planned statement with the parameters in `ctx`.
fn run_planned(
    ctx: &mut Stmt<'_>,
    planned: &Planned,
    sink: &mut dyn ResultSink,
) -> Result<Dispatched> {
    match planned {
        Planned::Query { plan, columns } => {
            Session::run_select(ctx, plan, columns, sink)?;
            Ok(Dispatched::SettingsChanged)
        }
        Planned::Insert(b) => {
            crate::table::run_insert(ctx, b.clone(), sink)?;
            Ok(Dispatched::Done)
        }
        Planned::Modify(b) => {
            crate::table::run_modify(ctx, b.clone(), sink)?;
            Ok(Dispatched::Done)
        }
    }
}

/// The result columns a utility statement reports (SHOW, EXPLAIN).
fn utility_columns(parsed: &Parsed) -> Option<Vec<OutputColumn>> {
    let text = |name: &str| OutputColumn {
        name: name.to_owned(),
        ty: DataType::Text,
        typmod: -1,
        table_oid: 0,
        attnum: 0,
    };
    let Parsed::Sql(s) = parsed else {
        return None;
    };
    match s.as_ref() {
        Statement::ShowVariable { variable } => Some(
            super::settings::show_columns(variable)
                .iter()
                .map(|n| text(n))
                .collect(),
        ),
        Statement::Explain { .. } => Some(vec![text("QUERY PLAN")]),
        _ => None,
    }
}

/// What Parse learned of a statement.
struct Analysis {
    /// Parameter types, all known.
    param_types: Vec<DataType>,
    /// Result columns, if it returns rows.
    columns: Option<Vec<OutputColumn>>,
    /// Its plan, if it has one.
    plan: Option<CachedPlan>,
}

impl Session {
    /// Parses and analyses `sql` as a prepared statement named `name`
    /// ("" replaces the unnamed one), with the client's parameter type
    /// OIDs (0: infer). 42P05 if a named one exists; 42601 for several
    /// statements.
    pub fn prepare(&mut self, name: &str, sql: &str, param_oids: &[u32]) -> Result<()> {
        let _stack = self.stack_budget();
        if name.is_empty() {
            // The old unnamed statement goes first, even if this fails.
            self.close_statement("");
        }
        self.check_new_statement(name)?;
        let mut parsed = crate::parser::parse(sql)?;
        if parsed.len() > 1 {
            return Err(SqlError::syntax(
                "cannot insert multiple commands into a prepared statement",
                None,
            ));
        }
        let mut types = Vec::with_capacity(param_oids.len());
        for &oid in param_oids {
            types.push(match oid {
                0 => DataType::Unknown,
                oid => DataType::from_oid(oid).ok_or_else(|| {
                    SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("type with OID {oid} does not exist"),
                    )
                })?,
            });
        }
        self.store_prepared(name, sql, parsed.pop(), types, false)
    }

    /// 42P05 if a named statement `name` exists.
    pub(super) fn check_new_statement(&self, name: &str) -> Result<()> {
        if !name.is_empty() && self.statements.contains_key(name) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_PREPARED_STATEMENT,
                format!("prepared statement \"{name}\" already exists"),
            ));
        }
        Ok(())
    }

    /// Analyses `parsed` (from text `sql`) and keeps it as statement
    /// `name`.
    pub(super) fn store_prepared(
        &mut self,
        name: &str,
        sql: &str,
        parsed: Option<Parsed>,
        types: Vec<DataType>,
        from_sql: bool,
    ) -> Result<()> {
        let analysis = match &parsed {
            Some(p) => self.analyze(sql, p, types)?,
            None => Analysis {
                param_types: types,
                columns: None,
                plan: None,
            },
        };
        let statement = PreparedStatement {
            name: name.to_owned(),
            sql: sql.to_owned(),
            parsed,
            param_types: analysis.param_types,
            columns: analysis.columns,
            plan: Mutex::new(analysis.plan.map(Arc::new)),
            from_sql,
            prepare_time: crate::value::now_micros(),
            runs: AtomicU64::new(0),
        };
        self.prepared_bytes.0 += statement.approximate_bytes();
        if let Some(old) = self.statements.insert(name.to_owned(), Arc::new(statement)) {
            self.prepared_bytes.0 -= old.approximate_bytes();
        }
        self.publish_prepared_memory();
        Ok(())
    }

    /// Binds `parsed` in the transaction to learn its parameter types
    /// and result columns, and plans it (rule 3).
    fn analyze(&mut self, sql: &str, parsed: &Parsed, types: Vec<DataType>) -> Result<Analysis> {
        let transaction_control =
            matches!(parsed, Parsed::Sql(s) if super::control::is_transaction_control(s));
        if !transaction_control {
            self.check_not_failed()?;
        }
        // EXPLAIN and DECLARE take their parameters' types from their
        // query; a FETCH's columns are its cursor's.
        let explained = match parsed {
            Parsed::Sql(s) => match s.as_ref() {
                Statement::Explain { statement, .. } => {
                    Some(Parsed::Sql(s.derived(statement.as_ref().clone())))
                }
                Statement::Declare { stmts, .. } => match stmts.as_slice() {
                    [sqlparser::ast::Declare {
                        for_query: Some(q), ..
                    }] => Some(Parsed::Sql(s.derived(Statement::Query(q.clone())))),
                    _ => None,
                },
                _ => None,
            },
            Parsed::Fetch(f) if !f.is_move => {
                return Ok(Analysis {
                    param_types: types,
                    columns: self.describe_cursor(&f.cursor).map(|(c, _)| c.to_vec()),
                    plan: None,
                });
            }
            _ => None,
        };
        let target = explained.as_ref().unwrap_or(parsed);
        if let Parsed::Sql(s) = target {
            if let Statement::Query(q) = s.as_ref() {
                if super::has_dml_cte(q) {
                    return self.in_statement(sql, true, |ctx| {
                        ctx.param_types = types;
                        ctx.variable_params = true;
                        let columns = super::describe_writable(ctx, q)?;
                        Ok(Analysis {
                            param_types: std::mem::take(&mut ctx.param_types),
                            columns,
                            plan: None,
                        })
                    });
                }
            }
        }
        if !plannable(target) {
            return Ok(Analysis {
                param_types: types,
                columns: utility_columns(parsed),
                plan: None,
            });
        }
        let (analysed, param_types) = self.in_statement(sql, true, |ctx| {
            ctx.param_types = types;
            ctx.variable_params = true;
            let analysed = plan_cached(ctx, target, Planning::Analyze)?;
            Ok((analysed, std::mem::take(&mut ctx.param_types)))
        })?;
        let (plan, columns) = analysed.map_or((None, None), |b| (b.plan, b.columns));
        // Rule 2.
        if let Some(n) = param_types.iter().position(|t| *t == DataType::Unknown) {
            return Err(SqlError::new(
                SqlState::INDETERMINATE_DATATYPE,
                format!("could not determine data type of parameter ${}", n + 1),
            ));
        }
        if explained.is_some() {
            return Ok(Analysis {
                param_types,
                columns: utility_columns(parsed),
                plan: None,
            });
        }
        Ok(Analysis {
            param_types,
            columns,
            plan,
        })
    }

    /// The prepared statement `name`; 26000 if there is none.
    pub fn statement_named(&self, name: &str) -> Result<Arc<PreparedStatement>> {
        self.statements.get(name).cloned().ok_or_else(|| {
            SqlError::new(
                SqlState::INVALID_SQL_STATEMENT_NAME,
                if name.is_empty() {
                    "unnamed prepared statement does not exist".to_owned()
                } else {
                    format!("prepared statement \"{name}\" does not exist")
                },
            )
        })
    }

    /// Closes prepared statement `name` (no error if there is none).
    pub fn close_statement(&mut self, name: &str) {
        if let Some(old) = self.statements.remove(name) {
            self.prepared_bytes.0 -= old.approximate_bytes();
            self.publish_prepared_memory();
        }
    }

    /// Forgets every prepared statement (DEALLOCATE ALL).
    pub(super) fn deallocate_all(&mut self) {
        self.statements.clear();
        self.prepared_bytes.0 = 0;
        self.publish_prepared_memory();
    }

    /// Forgets every cached plan (DISCARD PLANS): each statement plans
    /// again at its next run.
    pub(super) fn discard_plans(&self) {
        for s in self.statements.values() {
            *s.plan.lock() = None;
        }
    }

    /// The prepared statements, for pg_prepared_statements.
    pub fn prepared_statements(&self) -> Vec<Arc<PreparedStatement>> {
        let mut all: Vec<_> = self.statements.values().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Updates the Backend's memory view of its statement and portal
    /// tables.
    pub(crate) fn publish_prepared_memory(&self) {
        self.memory.set_prepared(
            self.statements.len() as u64,
            self.prepared_bytes.0 as u64,
            self.portals.len() as u64,
            self.prepared_bytes.1 as u64,
        );
    }
}
