//! A session: one client's settings and transaction, and the entry point
//! that runs a query string statement by statement.
//!
//! The Backend actor owns a [`Session`] and hands it to an executor thread
//! for each query; everything here is synchronous and runs there.
//!
//! Transactions, as PostgreSQL runs them:
//! 1. A query string without BEGIN runs in one implicit transaction: it
//!    commits when the string ends, and an error rolls back the whole
//!    string.
//! 2. BEGIN opens an explicit block; an error in it leaves the block
//!    failed (25P02 for everything but ROLLBACK [TO]) until it ends.
//! 3. READ COMMITTED takes a snapshot per statement; REPEATABLE READ one
//!    for the whole transaction. The command counter advances after every
//!    statement, so a statement sees its transaction's earlier work, never
//!    its own.
//!
//! Lifecycle: [`Session::new`] resolves the database (FATAL 3D000) and
//! applies the startup packet's options; [`Session::simple_query`] runs a
//! Query message; the Backend sends ReadyForQuery with
//! [`Session::transaction_status`] after reporting
//! [`Session::take_parameter_changes`]; [`Session::end`] rolls back what
//! is left when the connection closes.

mod context;
mod control;
mod cursor;
pub(crate) mod listen;
mod plpgsql_exec;
pub(crate) use plpgsql_exec::run_trigger;
mod portal;
mod prepare_sql;
mod prepared;
pub(crate) mod privilege;
mod settings;
#[cfg(test)]
mod table_tests;
mod temp;

use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::{Interrupts, LocalMemory, LocalMemoryLimits};
use sqlparser::ast::{self, Statement};

use crate::parser::Parsed;

pub(crate) use context::Internal;
pub use context::Stmt;
pub(crate) use cursor::{current_row_tid, Cursors};
pub use portal::Portal;
pub use prepared::PreparedStatement;
pub(crate) use temp::{not_temporary_schema, temp_schema_name};

/// A session's prepared statements by name ("" is the unnamed one).
pub type PreparedTable =
    std::collections::HashMap<String, Arc<PreparedStatement>, actorgres_memory::FastHash>;

use crate::catalog::DatabaseDef;
use crate::cluster::Cluster;
use crate::error::{Result, SqlError, SqlState};
use crate::exec;
use crate::guc::{Settings, Source};
use crate::host::{Host, SessionInfo};
use crate::parser;
use crate::result::ResultSink;
use crate::txn::{Isolation, Transaction};
use crate::value::{now_micros, OutputStyle, Value};

/// The transaction state ReadyForQuery reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// Not in a transaction block.
    Idle,
    /// In a transaction block.
    InBlock,
    /// In a failed transaction block.
    Failed,
}

/// One client session.
pub struct Session {
    /// Settings (GUCs) of this session.
    settings: Settings,
    /// Output settings derived from `settings`.
    style: OutputStyle,
    /// max_stack_depth in kB, derived from `settings` (read per message).
    max_stack_depth_kb: i64,
    /// The settings' version the fields above were derived from.
    settings_seen: u64,
    /// client_min_messages, derived from `settings`, for the sink.
    notice_filter: crate::error::NoticeFilter,
    /// Who this session is.
    info: SessionInfo,
    /// The server around it.
    host: Arc<dyn Host>,
    /// Storage and caches.
    cluster: Arc<Cluster>,
    /// The database connected to.
    db: DatabaseDef,
    /// This backend's interrupt flag.
    interrupts: Interrupts,
    /// This backend's local memory.
    memory: LocalMemory,
    /// The open transaction, if any.
    txn: Option<Transaction>,
    /// Prepared statements by name ("" is the unnamed one).
    statements: PreparedTable,
    /// currval / lastval memory.
    sequences: crate::sequence::SessionSequences,
    /// Portals by name ("" is the unnamed one).
    portals: std::collections::HashMap<String, Portal, actorgres_memory::FastHash>,
    /// SQL cursors by name.
    cursors: cursor::Cursors,
    /// The temporary schema.
    temp: temp::TempSchema,
    /// It listens on a channel (only then are notifications looked for,
    /// so other sessions never touch the notification hub).
    listening: bool,
    /// The database's temp file counters (looked up once).
    temp_stats: Arc<crate::exec::spill::TempStats>,
    /// Approximate bytes of `statements` and of `portals` (the Backend's
    /// memory view), kept as they change.
    prepared_bytes: (usize, usize),
}

/// What one statement runs: syntax from a query string, or a prepared
/// statement with its parameter values.
#[derive(Clone, Copy)]
pub(crate) enum Work<'a> {
    /// A statement of a simple query string.
    Parsed(&'a Parsed),
    /// A prepared statement.
    Prepared {
        /// The statement.
        statement: &'a PreparedStatement,
        /// Its parameter values.
        params: &'a [crate::value::Value],
        /// The plan its portal's Bind checked, if any.
        plan: Option<&'a Arc<prepared::CachedPlan>>,
    },
}

impl<'a> Work<'a> {
    /// The statement's syntax (None: an empty prepared statement).
    fn parsed(&self) -> Option<&'a Parsed> {
        match self {
            Work::Parsed(p) => Some(p),
            Work::Prepared { statement, .. } => statement.parsed(),
        }
    }
}

impl Session {
    /// A session on database `info.database` with the server's settings
    /// plus the startup packet's parameters.
    pub fn new(
        info: SessionInfo,
        host: Arc<dyn Host>,
        cluster: Arc<Cluster>,
        interrupts: Interrupts,
        server: &Settings,
        startup: &[(String, String)],
    ) -> Result<Session> {
        let mut settings = server.clone();
        settings.set_internal("session_authorization", &info.user);
        for (name, value) in startup {
            match name.as_str() {
                "user" | "database" | "replication" => {}
                "options" => {
                    for (n, v) in settings::parse_options(value)? {
                        settings.set(&n, Some(&v), Source::Startup).map_err(fatal)?;
                    }
                }
                _ if name.starts_with("_pq_.") => {}
                _ => settings
                    .set(name, Some(value), Source::Startup)
                    .map_err(fatal)?,
            }
        }
        let no_txn = actorgres_storage::xact::NoTxn;
        let catalog = crate::catalog::Catalog::new(&cluster.engine, 0, &no_txn);
        let db = match catalog.database(&info.database)? {
            Some((_, db)) => db,
            None => {
                return Err(SqlError::fatal(
                    SqlState::INVALID_CATALOG_NAME,
                    format!("database \"{}\" does not exist", info.database),
                ))
            }
        };
        if !db.allow_connections {
            return Err(SqlError::fatal(
                SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!(
                    "database \"{}\" is not currently accepting connections",
                    db.name
                ),
            ));
        }
        settings.take_reported_changes();
        let temp_stats = cluster.temp_stats(db.oid);
        let mut session = Session {
            style: OutputStyle::default(),
            max_stack_depth_kb: 2048,
            settings_seen: 0,
            notice_filter: Default::default(),
            memory: LocalMemory::default(),
            settings,
            info,
            host,
            cluster,
            db,
            interrupts,
            txn: None,
            statements: Default::default(),
            sequences: Default::default(),
            portals: Default::default(),
            cursors: Default::default(),
            temp: Default::default(),
            listening: false,
            temp_stats,
            prepared_bytes: (0, 0),
        };
        session.settings_changed();
        Ok(session)
    }

    /// The stack budget for what runs now (max_stack_depth).
    fn stack_budget(&self) -> crate::stack::StackBudget {
        crate::stack::StackBudget::begin(self.max_stack_depth_kb)
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Which notices the client wants (follows client_min_messages).
    pub fn notice_filter(&self) -> crate::error::NoticeFilter {
        self.notice_filter.clone()
    }

    /// Who this session is.
    pub fn info(&self) -> &SessionInfo {
        &self.info
    }

    /// This backend's local memory.
    pub fn memory(&self) -> &LocalMemory {
        &self.memory
    }

    /// statement_timeout, if set.
    pub fn statement_timeout(&self) -> Option<Duration> {
        let d = self.settings.duration("statement_timeout");
        (!d.is_zero()).then_some(d)
    }

    /// The state for ReadyForQuery.
    pub fn transaction_status(&self) -> TxStatus {
        match &self.txn {
            None => TxStatus::Idle,
            Some(t) if t.failed => TxStatus::Failed,
            Some(t) if t.explicit => TxStatus::InBlock,
            Some(_) => TxStatus::Idle,
        }
    }

    /// When the open transaction started, if one is open.
    pub fn transaction_start(&self) -> Option<i64> {
        self.txn.as_ref().map(|t| t.started)
    }

    /// Reported settings changed since the last call (ParameterStatus).
    pub fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        self.settings.take_reported_changes()
    }

    /// Re-derives what depends on settings after SET/RESET (a SELECT may
    /// have called set_config): nothing when no value changed.
    fn settings_changed(&mut self) {
        if self.settings.version() == self.settings_seen {
            return;
        }
        self.settings_seen = self.settings.version();
        self.style = OutputStyle {
            extra_float_digits: self.settings.int("extra_float_digits") as i32,
            zone: self.settings.zone().clone(),
            bytea_hex: self.settings.str("bytea_output") == "hex",
            date: crate::value::DateStyle::parse(&self.settings.str("DateStyle")),
            interval: crate::value::IntervalOut::parse(&self.settings.str("IntervalStyle")),
        };
        self.max_stack_depth_kb = self.settings.int("max_stack_depth");
        self.notice_filter
            .set(&self.settings.str("client_min_messages"));
        let work_mem = self.settings.bytes("work_mem");
        self.memory.set_limits(LocalMemoryLimits {
            work_mem,
            hash_mem: (work_mem as f64 * self.settings.real("hash_mem_multiplier")) as u64,
            maintenance_work_mem: self.settings.bytes("maintenance_work_mem"),
            temp_buffers: self.settings.bytes("temp_buffers"),
            backend_limit: self
                .settings
                .custom_bytes("actorgres.backend_memory_limit")
                .unwrap_or(0),
        });
    }

    /// Rolls back whatever is open and lets go of every lock and
    /// snapshot (the connection is closing). Dropping a session does this.
    pub fn end(&mut self) {
        if self.txn.is_some() {
            if let Err(e) = self.abort() {
                tracing::warn!(error = %e, "could not roll back at session end");
            }
        }
        if let Err(e) = self.drop_temp_schema() {
            tracing::warn!(error = %e, "could not drop the temporary schema at session end");
            if self.txn.is_some() {
                let _ = self.abort();
            }
        }
        self.close_local_buffers();
        let engine = &self.cluster.engine;
        engine.txns.release_snapshots(self.info.pid);
        engine.locks.release_all(self.info.pid);
        self.cluster.notify.forget(self.info.pid);
    }

    /// The notifications waiting for this session's client; none while a
    /// transaction is open (they wait for its end, as in PostgreSQL).
    pub fn take_notifications(&mut self) -> Vec<crate::notify::Notification> {
        if self.txn.is_some() || !self.listening {
            return Vec::new();
        }
        self.cluster.notify.take(self.info.pid)
    }

    /// Runs a simple-protocol query string: every statement in turn,
    /// results to `sink`. The first error ends the string (later
    /// statements do not run) and is returned for the ErrorResponse.
    pub fn simple_query(&mut self, sql: &str, sink: &mut dyn ResultSink) -> Result<()> {
        let _stack = self.stack_budget();
        if let Err(e) = self.interrupts.check() {
            return Err(crate::expr::interrupt_error(e));
        }
        let statements = parser::parse(sql)?;
        for notice in parser::identifier_notices(sql) {
            sink.notice(&notice)?;
        }
        if statements.is_empty() {
            return sink.empty_query();
        }
        let alone = statements.len() == 1;
        let last = statements.len() - 1;
        for (i, stmt) in statements.iter().enumerate() {
            // As in PostgreSQL, CommandComplete follows the statement's
            // notices and, for the last statement, the implicit commit: a
            // client never sees a tag for work that did not commit.
            let mut held = HoldTag {
                inner: &mut *sink,
                tag: None,
            };
            let mut result = self.statement(sql, Work::Parsed(stmt), alone, &mut held);
            // Rule 1: the implicit transaction of the string ends with it.
            if result.is_ok() && i == last && self.txn.as_ref().is_some_and(|t| !t.explicit) {
                result = self.commit();
            }
            let tag = held.tag.take();
            if let Err(e) = result {
                self.on_error(&e);
                return Err(e);
            }
            if let Some(tag) = tag {
                sink.command_complete(&tag)?;
            }
        }
        Ok(())
    }

    /// After an error: an implicit transaction rolls back; an explicit
    /// block becomes failed (rule 2).
    fn on_error(&mut self, e: &SqlError) {
        // Portals end with their transaction (failed, or rolled back).
        self.drop_portals();
        self.end_cursors(false);
        let explicit = self.txn.as_ref().map(|t| t.explicit);
        match explicit {
            Some(true) if !e.is_fatal() => {
                let pid = self.info.pid;
                let engine = Arc::clone(&self.cluster.engine);
                if let Some(t) = &mut self.txn {
                    t.failed = true;
                    t.snapshot = None;
                    if t.subs.is_empty() {
                        // As PostgreSQL: the transaction aborts now (its
                        // locks go, so a deadlock victim frees the other
                        // side at once); the block stays, failed, until
                        // ROLLBACK. Inside a savepoint, ROLLBACK TO needs
                        // the transaction, so it aborts there instead.
                        let xids = t.all_xids();
                        let creates = std::mem::take(&mut t.creates);
                        t.top = None;
                        t.released.clear();
                        t.drops.clear();
                        if let Err(err) = engine.abort(pid, &xids, &creates, true) {
                            tracing::warn!(error = %err, "could not roll back after an error");
                        }
                        if t.catalog_changed {
                            self.cluster.cache.invalidate();
                        }
                    }
                }
                engine.txns.release_snapshots(pid);
            }
            Some(_) => {
                if let Err(err) = self.abort() {
                    tracing::warn!(error = %err, "could not roll back after an error");
                }
            }
            None => {}
        }
    }

    /// Drops every portal (their transaction ended).
    fn drop_portals(&mut self) {
        if !self.portals.is_empty() {
            self.portals.clear();
            self.prepared_bytes.1 = 0;
            self.publish_prepared_memory();
        }
    }

    /// Commits the open transaction.
    fn commit(&mut self) -> Result<()> {
        // Deferred foreign key checks run first; one failing rolls the
        // transaction back instead.
        let pending = self
            .txn
            .as_ref()
            .is_some_and(|t| !t.failed && !t.deferred_checks.is_empty());
        if pending {
            if let Err(e) =
                self.in_statement("COMMIT", true, |ctx| crate::table::fire_deferred(ctx, None))
            {
                self.abort()?;
                return Err(e);
            }
        }
        if let Err(e) = self.temp_on_commit() {
            self.abort()?;
            return Err(e);
        }
        self.end_transaction(true)
    }

    /// Rolls back the open transaction.
    fn abort(&mut self) -> Result<()> {
        self.end_transaction(false)
    }

    /// Commits or rolls back the open transaction, then invalidates the
    /// catalog cache if it changed the catalog and restores the settings
    /// the outcome keeps (SET survives a commit, not a rollback).
    fn end_transaction(&mut self, commit: bool) -> Result<()> {
        let Some(t) = self.txn.take() else {
            return Ok(());
        };
        self.drop_portals();
        self.end_cursors(commit);
        self.temp_end_transaction(commit);
        let sync = self.settings.str("synchronous_commit") != "off";
        let result = finish_transaction(
            &self.cluster,
            self.host.as_ref(),
            self.info.pid,
            &t,
            commit,
            sync,
        );
        if commit && result.is_ok() && !t.listens.is_empty() {
            self.listening = self.cluster.notify.is_listening(self.info.pid);
        }
        self.restore_settings(if commit {
            t.session_settings
        } else {
            t.settings_at_start
        });
        result.map_err(SqlError::from)
    }

    /// set_config(name, value, false) calls of the statement: kept by the
    /// session when its transaction commits, as SET is.
    fn keep_session_sets(&mut self) {
        let sets = self.settings.take_session_sets();
        if sets.is_empty() {
            return;
        }
        if let Some(t) = &mut self.txn {
            for (name, value) in &sets {
                // Already validated when set on the live settings.
                let _ = t.session_settings.set(name, Some(value), Source::Session);
            }
        }
        self.settings_changed();
    }

    fn restore_settings(&mut self, s: Settings) {
        if self.settings.restore(&s) {
            self.settings_changed();
        }
    }

    /// Opens a transaction if none is open (rule 1).
    fn ensure_txn(&mut self, explicit: bool) -> &mut Transaction {
        let t = match self.txn.take() {
            Some(t) => t,
            None => {
                let isolation =
                    Isolation::parse(&self.settings.str("default_transaction_isolation"));
                let read_only = self.settings.bool("default_transaction_read_only");
                let t =
                    Transaction::new(explicit, isolation, read_only, &self.settings, now_micros());
                publish_txn_settings(&mut self.settings, &t);
                t
            }
        };
        self.txn.insert(t)
    }

    /// Mirrors the transaction's characteristics into transaction_isolation
    /// and transaction_read_only (SHOW reads them).
    fn sync_txn_settings(&mut self) {
        if let Some(t) = &self.txn {
            publish_txn_settings(&mut self.settings, t);
        }
    }

    /// Fails with 25P02 in a failed transaction block.
    fn check_not_failed(&self) -> Result<()> {
        if self.txn.as_ref().is_some_and(|t| t.failed) {
            return Err(portal::failed_block());
        }
        Ok(())
    }

    /// Takes the statement's snapshot in the open transaction, or a new
    /// implicit one (rule 3).
    fn begin_statement(&mut self) {
        let pid = self.info.pid;
        let engine = Arc::clone(&self.cluster.engine);
        let t = self.ensure_txn(false);
        t.did_query = true;
        if t.snapshot.is_none() {
            t.snapshot = Some(engine.txns.snapshot(pid));
        }
    }

    /// Lets a READ COMMITTED statement's snapshot go.
    fn release_statement_snapshot(&mut self) {
        if let Some(t) = &mut self.txn {
            if t.isolation.snapshot_per_statement() {
                t.snapshot = None;
                self.cluster.engine.txns.release_snapshots(self.info.pid);
            }
        }
    }

    fn statement(
        &mut self,
        sql: &str,
        work: Work<'_>,
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        self.interrupts
            .check()
            .map_err(crate::expr::interrupt_error)?;
        let Some(parsed) = work.parsed() else {
            return sink.empty_query();
        };
        if let Parsed::Sql(s) = parsed {
            if control::is_transaction_control(s) {
                return self.transaction_control(s, sink);
            }
        }
        if let Parsed::TwoPhase { kind, gid } = parsed {
            return self.two_phase(*kind, gid, sink);
        }
        self.check_not_failed()?;
        // SET and SHOW take no snapshot: a transaction's isolation level
        // may still be set after them (PostgreSQL's FirstSnapshotSet).
        let no_snapshot = matches!(
            parsed,
            Parsed::Sql(s) if matches!(
                s.as_ref(),
                sqlparser::ast::Statement::Set(_) | sqlparser::ast::Statement::ShowVariable { .. }
            )
        );
        if no_snapshot {
            self.ensure_txn(false);
        } else {
            self.begin_statement();
        }
        let result = self.run(sql, work, alone, sink);
        self.keep_session_sets();
        if let Some(t) = &mut self.txn {
            t.cid += 1;
        }
        self.release_statement_snapshot();
        result
    }

    /// Runs `f` with a statement context in the open (or a new implicit)
    /// transaction, without counting a command: the analysis of a Parse
    /// message, a Bind's planning. With `snapshot`, the statement's
    /// snapshot is taken first; without, `f` takes it if it needs one.
    fn in_statement<R>(
        &mut self,
        sql: &str,
        snapshot: bool,
        f: impl FnOnce(&mut Stmt<'_>) -> Result<R>,
    ) -> Result<R> {
        if snapshot {
            self.begin_statement();
        } else {
            self.ensure_txn(false);
        }
        let result = {
            let Some(mut ctx) = self.stmt_context(sql, true, &[]) else {
                return Err(SqlError::internal("a statement without a transaction"));
            };
            f(&mut ctx)
        };
        self.release_statement_snapshot();
        result
    }

    /// The context of one statement, borrowing the session's pieces;
    /// None without an open transaction.
    fn stmt_context<'s>(
        &'s mut self,
        sql: &'s str,
        alone: bool,
        params: &'s [crate::value::Value],
    ) -> Option<Stmt<'s>> {
        let Session {
            settings,
            style,
            info,
            host,
            cluster,
            db,
            interrupts,
            txn,
            memory,
            statements,
            sequences,
            cursors,
            temp,
            temp_stats,
            ..
        } = self;
        let txn = txn.as_mut()?;
        let host: &'s Arc<dyn Host> = host;
        let ctx = Stmt {
            cluster,
            db: db.oid,
            info,
            interrupts,
            settings,
            style,
            host: host.as_ref(),
            txn,
            sql,
            notices: Vec::new(),
            measured: None,
            statement_start: now_micros(),
            alone,
            memory,
            temp_stats: Arc::clone(temp_stats),
            params,
            param_types: Vec::new(),
            variable_params: false,
            prepared: statements,
            sequences,
            cursors,
            temp,
            dml_ctes: Vec::new(),
            transition: Vec::new(),
            captured: Vec::new(),
            txn_control: None,
        };
        // After a catalog change, the registry of user types is brought
        // up to date before rows are read (usertype.rs). A failure here
        // shows again where the types are used.
        if crate::usertype::any() && ctx.cluster.cache.types.get(ctx.db).is_none() {
            let _ = ctx.user_types();
        }
        Some(ctx)
    }

    /// Runs one non-transaction-control statement.
    fn run(
        &mut self,
        sql: &str,
        work: Work<'_>,
        alone: bool,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        if let Some(done) = self.cursor_sql(sql, work, alone, sink) {
            return done;
        }
        if let Some(Parsed::Sql(s)) = work.parsed() {
            match s.as_ref() {
                Statement::Set(set) => return self.set(set, sink),
                Statement::ShowVariable { variable } => return self.show(variable, sink),
                Statement::Reset(r) => return self.reset(r, sink),
                other => {
                    if let Some(done) = self.prepared_sql(sql, other, alone, sink) {
                        return done;
                    }
                }
            }
        }
        let params = match work {
            Work::Parsed(_) => &[][..],
            Work::Prepared { params, .. } => params,
        };
        let (result, notices) = {
            let Some(mut ctx) = self.stmt_context(sql, alone, params) else {
                return Err(SqlError::internal("a statement without a transaction"));
            };
            let result = match work {
                Work::Parsed(stmt) => dispatch(&mut ctx, stmt, sink),
                Work::Prepared {
                    statement, plan, ..
                } => {
                    ctx.param_types = statement.param_types().to_vec();
                    statement.run(&mut ctx, plan, sink)
                }
            };
            (result, std::mem::take(&mut ctx.notices))
        };
        for n in &notices {
            sink.notice(n)?;
        }
        self.after_dispatch(result?)
    }

    /// Binds and plans a query: its plan (constants folded, scans told
    /// which columns are read) and result columns.
    pub(crate) fn plan_query(
        ctx: &mut Stmt<'_>,
        q: &ast::Query,
    ) -> Result<(crate::plan::Plan, Vec<crate::plan::OutputColumn>)> {
        let bound = Self::bind_query(ctx, q)?;
        Ok((Self::optimize(ctx, bound.plan)?, bound.columns))
    }

    /// Binds a query with the statement's parameters (their inferred
    /// types go back to `ctx`).
    fn bind_query(ctx: &mut Stmt<'_>, q: &ast::Query) -> Result<crate::plan::BoundQuery> {
        let mut binder = ctx.binder();
        let bound = binder.query(q)?;
        ctx.param_types = binder.into_params();
        Ok(bound)
    }

    /// The planner's passes over a bound query: constants folded,
    /// columns pruned, join methods, index scans, parallel scans.
    fn optimize(ctx: &mut Stmt<'_>, plan: crate::plan::Plan) -> Result<crate::plan::Plan> {
        let engine = ctx.engine();
        let blocks = |t: &crate::catalog::TableDef| engine.nblocks(t.rel).unwrap_or(0);
        crate::planner::optimize(plan, &mut ctx.eval_ctx(), &blocks, true)
    }

    /// DO: the code block compiled as a PL/pgSQL function without
    /// arguments returning void (PostgreSQL's inline_code_block) and run
    /// once.
    fn run_do(ctx: &mut Stmt<'_>, language: &str, body: &str) -> Result<()> {
        match language {
            "plpgsql" => {}
            "sql" | "c" | "internal" => {
                return Err(SqlError::new(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    format!("language \"{language}\" does not support inline code execution"),
                ))
            }
            other => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("language \"{other}\" does not exist"),
                ))
            }
        }
        ctx.in_routine(true, |ctx| plpgsql_exec::run_do(ctx, body))
    }

    fn select(ctx: &mut Stmt<'_>, q: &ast::Query, sink: &mut dyn ResultSink) -> Result<()> {
        let (mut plan, columns) = Self::plan_query(ctx, q)?;
        if let Some(call) = top_level_call(&plan) {
            return Self::run_top_level_call(ctx, call, &columns, sink);
        }
        Self::call_scans_at_statement_level(ctx, &mut plan)?;
        Self::run_select(ctx, &plan, &columns, sink)
    }

    /// `FROM f(args)` of a set-returning PL/pgSQL function (or SQL
    /// function that changes data) whose arguments read no row: called
    /// once here, at statement level (its statements may change data and
    /// run EXECUTE), its rows put in the plan as a constant.
    fn call_scans_at_statement_level(
        ctx: &mut Stmt<'_>,
        plan: &mut crate::plan::Plan,
    ) -> Result<()> {
        crate::stack::check()?;
        match plan {
            crate::plan::Plan::FunctionScan { args, .. } => {
                for a in args.iter_mut() {
                    Self::call_once_at_statement_level(ctx, a)?;
                }
            }
            // `SELECT f(...)` of a set-returning function without FROM:
            // its set is computed once.
            crate::plan::Plan::ProjectSet { input, items }
                if matches!(**input, crate::plan::Plan::OneRow) =>
            {
                for item in items.iter_mut() {
                    if let crate::plan::ProjectItem::Set(_, args) = item {
                        for a in args.iter_mut() {
                            Self::call_once_at_statement_level(ctx, a)?;
                        }
                    }
                }
            }
            _ => {}
        }
        for c in plan.children_mut() {
            Self::call_scans_at_statement_level(ctx, c)?;
        }
        Ok(())
    }

    /// A set-returning call `a` of a PL/pgSQL function (or a SQL function
    /// that changes data) whose arguments read no row: run once at
    /// statement level, its rows put in its place as a constant.
    fn call_once_at_statement_level(ctx: &mut Stmt<'_>, a: &mut crate::expr::Expr) -> Result<()> {
        let crate::expr::ExprKind::UserCall(call) = &a.kind else {
            return Ok(());
        };
        let statement_level = matches!(
            call.body,
            crate::expr::CallBody::PlPgSql(_) | crate::expr::CallBody::SqlStatements(_)
        );
        if !statement_level || !call.func.retset || reads_rows(&call.args) {
            return Ok(());
        }
        let values = call_arguments(ctx, call)?;
        let value = if call.func.strict && values.iter().any(Value::is_null) {
            Value::Array(crate::value::ArrayRef::new(Vec::new()))
        } else {
            let types: Vec<crate::types::DataType> = call.args.iter().map(|x| x.ty).collect();
            let ret = match a.ty {
                crate::types::DataType::Array(e) => *e,
                other => other,
            };
            match Self::call_in_session(ctx, call, values, &types, ret)? {
                Some(v) => v,
                None => return Ok(()),
            }
        };
        *a = crate::expr::Expr::constant(value, a.ty);
        Ok(())
    }

    /// Runs `call` at statement level with `args` (PL/pgSQL, or SQL
    /// statements that change data); None for a plain SQL body, which
    /// runs inside the query.
    fn call_in_session(
        ctx: &mut Stmt<'_>,
        call: &crate::expr::UserCall,
        args: Vec<Value>,
        types: &[crate::types::DataType],
        ret: crate::types::DataType,
    ) -> Result<Option<Value>> {
        // A procedure's body may end the transaction (COMMIT, ROLLBACK).
        ctx.in_routine(call.func.procedure, |ctx| {
            Self::call_body(ctx, call, args, types, ret)
        })
    }

    /// [`Session::call_in_session`]'s work.
    fn call_body(
        ctx: &mut Stmt<'_>,
        call: &crate::expr::UserCall,
        args: Vec<Value>,
        types: &[crate::types::DataType],
        ret: crate::types::DataType,
    ) -> Result<Option<Value>> {
        Ok(Some(match &call.body {
            crate::expr::CallBody::PlPgSql(compiled) => {
                plpgsql_exec::run_function(ctx, &call.func, types, args, ret, &compiled.signature)?
            }
            crate::expr::CallBody::SqlStatements(statements) => {
                // SECURITY DEFINER: as the owner (run_function swaps for
                // PL/pgSQL itself).
                let run = |ctx: &mut Stmt<'_>| {
                    plpgsql_exec::run_sql_function(ctx, &call.func, statements, (args, types), ret)
                };
                match call.run_as.as_deref() {
                    Some(role) => ctx.as_role(role, run)?,
                    None => run(ctx)?,
                }
            }
            crate::expr::CallBody::Sql(_) => return Ok(None),
        }))
    }

    /// `SELECT f(args)` of a PL/pgSQL function: run at statement level,
    /// where its statements may change data (plpgsql_exec.rs).
    fn run_top_level_call(
        ctx: &mut Stmt<'_>,
        call: &crate::expr::UserCall,
        columns: &[crate::plan::OutputColumn],
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let args = call_arguments(ctx, call)?;
        sink.row_description(columns)?;
        let value = if call.func.strict && args.iter().any(Value::is_null) {
            Value::Null
        } else {
            let types: Vec<crate::types::DataType> = call.args.iter().map(|a| a.ty).collect();
            // A domain result is checked by the function's RETURN.
            let ret = match call.func.ret {
                d @ crate::types::DataType::Domain(_) => d,
                _ => columns.first().map_or(call.func.ret, |c| c.ty),
            };
            Self::call_in_session(ctx, call, args, &types, ret)?
                .ok_or_else(|| SqlError::internal("a top-level call of a plain SQL function"))?
        };
        for n in ctx.notices.drain(..) {
            sink.notice(&n)?;
        }
        sink.data_row(&[value], ctx.style)?;
        sink.command_complete("SELECT 1")
    }

    /// CALL name(args): runs the procedure at statement level (its
    /// statements may change data); the values of its OUT and INOUT
    /// arguments come back as one row, as PostgreSQL's.
    fn run_call(
        ctx: &mut Stmt<'_>,
        f: &sqlparser::ast::Function,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let expr = ctx.binder().procedure_call(f)?;
        let crate::expr::ExprKind::UserCall(call) = &expr.kind else {
            return Err(SqlError::internal("CALL of something not a procedure"));
        };
        let args = call_arguments(ctx, call)?;
        let value = {
            let types: Vec<crate::types::DataType> = call.args.iter().map(|a| a.ty).collect();
            match Self::call_in_session(ctx, call, args, &types, call.func.ret)? {
                Some(v) => v,
                // A SQL body that only reads: evaluated as an expression.
                None => {
                    let mut eval = ctx.eval_ctx();
                    let v = expr.eval(&[], &mut eval);
                    let notices: Vec<SqlError> = eval.notices.drain(..).collect();
                    drop(eval);
                    ctx.notices.extend(notices);
                    v?
                }
            }
        };
        for n in ctx.notices.drain(..) {
            sink.notice(&n)?;
        }
        let outputs = call.func.outputs();
        if !outputs.is_empty() {
            let values = match value {
                Value::Record(fields) if outputs.len() > 1 => fields.items().to_vec(),
                Value::Null if outputs.len() > 1 => vec![Value::Null; outputs.len()],
                v => vec![v],
            };
            let columns: Vec<crate::plan::OutputColumn> = outputs
                .into_iter()
                .map(|(name, ty)| crate::plan::OutputColumn {
                    name,
                    ty,
                    typmod: -1,
                    table_oid: 0,
                    attnum: 0,
                })
                .collect();
            sink.row_description(&columns)?;
            sink.data_row(&values, ctx.style)?;
        }
        sink.command_complete("CALL")
    }

    /// Runs a planned query, its rows to `sink`.
    fn run_select(
        ctx: &mut Stmt<'_>,
        plan: &crate::plan::Plan,
        columns: &[crate::plan::OutputColumn],
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        if let Some(strength) = plan.lock_strength() {
            // Row locks are stamped with the transaction's xid.
            ctx.write_xid(&format!("SELECT {strength}"))?;
        }
        let mut eval = ctx.eval_ctx();
        sink.row_description(columns)?;
        let mut root = exec::build(plan);
        let mut count: u64 = 0;
        while let Some(row) = root.next(&mut eval)? {
            for n in eval.notices.drain(..) {
                sink.notice(&n)?;
            }
            sink.data_row(&row, eval.style)?;
            count += 1;
            if count.is_multiple_of(256) {
                eval.check_interrupts()?;
            }
        }
        sink.command_complete(&format!("SELECT {count}"))
    }
}

impl Session {
    /// EXPLAIN [ANALYZE] of a query.
    fn explain(
        ctx: &mut Stmt<'_>,
        q: &ast::Query,
        analyze: bool,
        shape: ExplainShape,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let started = std::time::Instant::now();
        let (mut plan, _) = Self::plan_query(ctx, q)?;
        exec::explain::name_relations(&mut plan);
        if let (Some(strength), true) = (plan.lock_strength(), analyze) {
            ctx.write_xid(&format!("SELECT {strength}"))?;
        }
        let mut eval = ctx.eval_ctx();
        let planning = started.elapsed();
        let mut lines = if analyze {
            let instr = exec::explain::Instr::default();
            let run = std::time::Instant::now();
            {
                let mut root = exec::build_in(&plan, Some(&instr));
                while root.next(&mut eval)?.is_some() {}
            }
            let execution = run.elapsed();
            let stats = instr.borrow();
            shape.analyzed(
                exec::explain::lines(&plan, Some(&stats)),
                planning,
                execution,
            )
        } else {
            let mut lines = exec::explain::lines(&plan, None);
            if shape.summary {
                lines.push(format!(
                    "Planning Time: {:.3} ms",
                    planning.as_secs_f64() * 1000.0
                ));
            }
            lines
        };
        for n in eval.notices.drain(..) {
            sink.notice(&n)?;
        }
        drop(eval);
        Session::send_plan(ctx, std::mem::take(&mut lines), shape.format, sink)
    }

    /// EXPLAIN's result: one "QUERY PLAN" column, a text row per line,
    /// or one row holding the whole JSON (of type json), YAML or XML
    /// document.
    fn send_plan(
        ctx: &Stmt<'_>,
        lines: Vec<String>,
        format: Option<crate::exec::explain_format::Format>,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        use crate::exec::explain_format::{render, Format};
        let ty = match format {
            Some(Format::Json) => crate::types::DataType::Json,
            _ => crate::types::DataType::Text,
        };
        sink.row_description(&[crate::plan::OutputColumn {
            name: "QUERY PLAN".into(),
            ty,
            typmod: -1,
            table_oid: 0,
            attnum: 0,
        }])?;
        let rows = match format {
            None => lines,
            Some(f) => vec![render(&lines, f)],
        };
        for line in rows {
            sink.data_row(&[crate::value::Value::Text(line)], ctx.style)?;
        }
        sink.command_complete("EXPLAIN")
    }
}

impl Drop for Session {
    /// A session dropped anywhere (client gone, panic in a statement,
    /// fast shutdown) never leaves a transaction or lock behind.
    fn drop(&mut self) {
        self.end();
    }
}

/// Commits or rolls back `t`, backend `pid`'s transaction, in the
/// engine: at commit its LISTEN / UNLISTEN take effect and its
/// notifications go out in commit order (notify.rs rule 2), waking the
/// backends listening; a catalog it changed is read afresh. The caller
/// restores the settings the outcome keeps.
pub(super) fn finish_transaction(
    cluster: &Cluster,
    host: &dyn Host,
    pid: i32,
    t: &Transaction,
    commit: bool,
    sync: bool,
) -> actorgres_storage::Result<()> {
    let engine = &cluster.engine;
    let result = if commit {
        let notes = std::mem::take(&mut *t.notifies.lock());
        let order = (!notes.is_empty()).then(|| cluster.notify.order());
        let result = engine.commit(pid, &t.all_xids(), &t.drops, sync);
        if result.is_ok() {
            let hub = &cluster.notify;
            for (listen, channel) in &t.listens {
                match listen {
                    Some(true) => hub.listen(pid, channel),
                    Some(false) => hub.unlisten(pid, Some(channel)),
                    None => hub.unlisten(pid, None),
                }
            }
            for other in hub.publish(pid, &notes) {
                if other != pid {
                    host.wake(other);
                }
            }
        }
        drop(order);
        result
    } else {
        engine.abort(pid, &t.all_xids(), &t.creates, true)
    };
    if t.catalog_changed {
        cluster.cache.invalidate();
    }
    result
}

/// Sets transaction_isolation and transaction_read_only from `t`.
pub(crate) fn publish_txn_settings(settings: &mut Settings, t: &Transaction) {
    settings.set_internal("transaction_isolation", t.isolation.name());
    settings.set_internal(
        "transaction_read_only",
        if t.read_only { "on" } else { "off" },
    );
}

/// How EXPLAIN prints: its FORMAT (None: text), TIMING and SUMMARY.
#[derive(Clone, Copy)]
struct ExplainShape {
    format: Option<crate::exec::explain_format::Format>,
    timing: bool,
    summary: bool,
}

impl ExplainShape {
    /// EXPLAIN ANALYZE's lines as TIMING and SUMMARY ask: the times left
    /// out of the figures, Planning and Execution Time added.
    fn analyzed(
        &self,
        mut lines: Vec<String>,
        planning: std::time::Duration,
        execution: std::time::Duration,
    ) -> Vec<String> {
        if !self.timing {
            for l in &mut lines {
                without_timing(l);
            }
        }
        if self.summary {
            lines.push(format!(
                "Planning Time: {:.3} ms",
                planning.as_secs_f64() * 1000.0
            ));
            lines.push(format!(
                "Execution Time: {:.3} ms",
                execution.as_secs_f64() * 1000.0
            ));
        }
        lines
    }
}

/// A node line of EXPLAIN ANALYZE without its times (TIMING OFF):
/// `(actual rows=1 loops=1)`.
fn without_timing(line: &mut String) {
    if let Some(i) = line.find(" (actual time=") {
        if let Some(j) = line[i..].find(" rows=") {
            line.replace_range(i + 8..i + j, "");
        }
    }
}

/// Passes everything through but keeps the command tag back until the
/// statement, its notices and any commit are done.
struct HoldTag<'a> {
    inner: &'a mut dyn ResultSink,
    tag: Option<String>,
}

impl ResultSink for HoldTag<'_> {
    fn row_description(&mut self, columns: &[crate::plan::OutputColumn]) -> Result<()> {
        self.inner.row_description(columns)
    }
    fn row_description_formats(
        &mut self,
        columns: &[crate::plan::OutputColumn],
        formats: &[i16],
    ) -> Result<()> {
        self.inner.row_description_formats(columns, formats)
    }
    fn data_row(
        &mut self,
        row: &[crate::value::Value],
        style: &crate::value::OutputStyle,
    ) -> Result<()> {
        self.inner.data_row(row, style)
    }
    fn command_complete(&mut self, tag: &str) -> Result<()> {
        self.tag = Some(tag.to_owned());
        Ok(())
    }
    fn empty_query(&mut self) -> Result<()> {
        self.inner.empty_query()
    }
    fn notice(&mut self, notice: &SqlError) -> Result<()> {
        self.inner.notice(notice)
    }
    fn portal_suspended(&mut self) -> Result<()> {
        self.inner.portal_suspended()
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        self.inner.copy()
    }
}

/// What a dispatched statement asks of the session afterwards.
pub(crate) enum Dispatched {
    /// Nothing.
    Done,
    /// Settings may have changed (set_config in a query).
    SettingsChanged,
    /// Commit the implicit transaction now (CREATE DATABASE).
    CommitNow,
    /// Commit now, then remove database `oid`'s files (DROP DATABASE).
    CommitThenDropDatabase(u32),
}

/// CREATE SCHEMA name element...: the schema, then its elements in
/// PostgreSQL's order (sequences, tables, views, indexes, grants) with
/// the new schema first on the search path; an element naming another
/// schema is 42P15.
fn create_schema_elements(
    ctx: &mut Stmt<'_>,
    schema: &crate::parser::Ast,
    elements: &[crate::parser::Ast],
) -> Result<()> {
    let Statement::CreateSchema {
        schema_name,
        if_not_exists,
        ..
    } = schema.as_ref()
    else {
        return Err(SqlError::internal("schema elements without CREATE SCHEMA"));
    };
    if *if_not_exists {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "CREATE SCHEMA IF NOT EXISTS cannot include schema elements",
        ));
    }
    let name = match schema_name {
        ast::SchemaName::Simple(n) | ast::SchemaName::NamedAuthorization(n, _) => {
            crate::binder::object_name(n).join(".")
        }
        ast::SchemaName::UnnamedAuthorization(role) => crate::binder::ident(role),
    };
    crate::ddl::create_schema(ctx, schema_name, false)?;
    let rank = |s: &Statement| match s {
        Statement::CreateSequence { .. } => 0,
        Statement::CreateTable(_) => 1,
        Statement::CreateView(_) => 2,
        Statement::CreateIndex(_) => 3,
        _ => 4,
    };
    let mut ordered: Vec<&crate::parser::Ast> = elements.iter().collect();
    ordered.sort_by_key(|e| rank(e.as_ref()));
    for e in &ordered {
        let object = match e.as_ref() {
            Statement::CreateTable(ct) => Some(&ct.name),
            Statement::CreateView(v) => Some(&v.name),
            Statement::CreateIndex(ci) => Some(&ci.table_name),
            Statement::CreateSequence { name, .. } => Some(name),
            Statement::Grant { .. } => None,
            other => {
                return Err(SqlError::unsupported(format!(
                    "the schema element \"{}\"",
                    statement_kind(other)
                )))
            }
        };
        let parts = object.map(crate::binder::object_name).unwrap_or_default();
        if let [.., s, _] = parts.as_slice() {
            if *s != name {
                return Err(SqlError::new(
                    SqlState::INVALID_SCHEMA_DEFINITION,
                    format!(
                        "CREATE specifies a schema ({s}) different from the one being created ({name})"
                    ),
                ));
            }
        }
    }
    let old = ctx.settings.str("search_path");
    let path = format!("{}, {old}", crate::func::quote_ident(&name));
    ctx.settings
        .set("search_path", Some(&path), Source::Session)?;
    let mut result = Ok(());
    for e in ordered {
        ctx.txn.cid += 1;
        let mut discard = context::Internal::default();
        if let Err(err) = dispatch(
            ctx,
            &Parsed::Sql(e.derived(e.as_ref().clone())),
            &mut discard,
        ) {
            result = Err(err);
            break;
        }
    }
    ctx.settings
        .set("search_path", Some(&old), Source::Session)?;
    result
}

/// `SELECT ... INTO [TEMP | UNLOGGED] [TABLE] name FROM ...` as
/// PostgreSQL runs it: `CREATE TABLE name AS SELECT ...` (None for a
/// query without INTO).
fn select_into(q: &ast::Query) -> Option<Result<ast::CreateTable>> {
    let ast::SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let into = s.into.as_ref()?;
    let mut plain = q.clone();
    if let ast::SetExpr::Select(s) = plain.body.as_mut() {
        s.into = None;
    }
    let target = into
        .targets
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let kind = if into.temporary {
        "TEMPORARY "
    } else if into.unlogged {
        "UNLOGGED "
    } else {
        ""
    };
    let sql = format!("CREATE {kind}TABLE {target} AS {plain}");
    Some(match crate::parser::parse(&sql) {
        Ok(mut parsed) => match parsed.pop() {
            Some(Parsed::Sql(ast)) => match ast.as_ref() {
                Statement::CreateTable(ct) => Ok(ct.clone()),
                _ => Err(SqlError::internal("SELECT INTO")),
            },
            _ => Err(SqlError::internal("SELECT INTO")),
        },
        Err(e) => Err(e),
    })
}

fn dispatch(ctx: &mut Stmt<'_>, parsed: &Parsed, sink: &mut dyn ResultSink) -> Result<Dispatched> {
    let stmt = match parsed {
        Parsed::Sql(s) => s.as_ref(),
        Parsed::Fetch(_) => {
            return Err(SqlError::unsupported(
                "FETCH and MOVE in a prepared statement",
            ))
        }
        Parsed::CreateDatabase(c) => {
            crate::ddl::create_database(ctx, c, sink)?;
            return Ok(Dispatched::CommitNow);
        }
        Parsed::CreateTableLike(c) => {
            crate::ddl::create_table_like(ctx, c, sink)?;
            return Ok(Dispatched::Done);
        }
        Parsed::AlterTypeAttributes(a) => {
            crate::ddl::alter_type_attributes(ctx, a)?;
            sink.command_complete("ALTER TYPE")?;
            return Ok(Dispatched::Done);
        }
        Parsed::Domain(d) => {
            let tag = crate::ddl::domain_statement(ctx, d)?;
            sink.command_complete(tag)?;
            return Ok(Dispatched::Done);
        }
        Parsed::Trigger(t) => {
            let tag = crate::ddl::trigger_statement(ctx, t)?;
            sink.command_complete(tag)?;
            return Ok(Dispatched::Done);
        }
        Parsed::CommentOn(c) => {
            crate::ddl::comment_on(ctx, c)?;
            sink.command_complete("COMMENT")?;
            return Ok(Dispatched::Done);
        }
        Parsed::Grant(g) => {
            let tag = crate::ddl::grant_statement(ctx, g)?;
            sink.command_complete(tag)?;
            return Ok(Dispatched::Done);
        }
        Parsed::Owned(o) => {
            let tag = crate::ddl::owned_statement(ctx, o)?;
            sink.command_complete(tag)?;
            return Ok(Dispatched::Done);
        }
        Parsed::AlterConstraint {
            table,
            name,
            deferrable,
            deferred,
        } => {
            crate::ddl::alter_constraint(ctx, table, name, *deferrable, *deferred)?;
            sink.command_complete("ALTER TABLE")?;
            return Ok(Dispatched::Done);
        }
        Parsed::AlterRelation(a) => {
            crate::ddl::alter_relation(ctx, a, sink)?;
            return Ok(Dispatched::Done);
        }
        Parsed::AlterTypeOwner { name, role } => {
            crate::ddl::alter_type_owner(ctx, name, role)?;
            sink.command_complete("ALTER TYPE")?;
            return Ok(Dispatched::Done);
        }
        Parsed::CreateSchema { schema, elements } => {
            create_schema_elements(ctx, schema, elements)?;
            sink.command_complete("CREATE SCHEMA")?;
            return Ok(Dispatched::Done);
        }
        Parsed::TwoPhase { .. } => {
            return Err(SqlError::internal(
                "two-phase statements are handled by the session",
            ));
        }
        Parsed::Cluster { table, index } => {
            crate::ddl::cluster(ctx, table.as_ref(), index.as_deref())?;
            sink.command_complete("CLUSTER")?;
            return Ok(Dispatched::Done);
        }
        Parsed::Reindex {
            kind,
            name,
            options,
        } => {
            crate::ddl::reindex(ctx, *kind, name, options, sink)?;
            return Ok(Dispatched::Done);
        }
        Parsed::Checkpoint => {
            crate::ddl::checkpoint(ctx)?;
            sink.command_complete("CHECKPOINT")?;
            return Ok(Dispatched::Done);
        }
        Parsed::CreateProcedure(ast) => {
            let Statement::CreateFunction(f) = ast.as_ref() else {
                return Err(SqlError::internal(
                    "CREATE PROCEDURE without its definition",
                ));
            };
            crate::ddl::create_function(ctx, f, true)?;
            sink.command_complete("CREATE PROCEDURE")?;
            return Ok(Dispatched::Done);
        }
        Parsed::Routine { kind, ast } => {
            let tag = match ast.as_ref() {
                Statement::DropFunction(d) => {
                    crate::ddl::drop_function(ctx, d, *kind)?;
                    "DROP"
                }
                Statement::AlterFunction(a) => {
                    crate::ddl::alter_function(ctx, a, *kind)?;
                    "ALTER"
                }
                _ => return Err(SqlError::internal("a routine statement of another kind")),
            };
            sink.command_complete(&format!("{tag} {}", kind.word().to_uppercase()))?;
            return Ok(Dispatched::Done);
        }
        Parsed::Do { language, body } => {
            Session::run_do(ctx, language, body)?;
            sink.command_complete("DO")?;
            return Ok(Dispatched::Done);
        }
        Parsed::Vacuum {
            analyze,
            options,
            tables,
        } => {
            if *analyze {
                crate::ddl::analyze(ctx, options, tables, sink)?;
            } else {
                crate::ddl::vacuum(ctx, options, tables, sink)?;
            }
            return Ok(Dispatched::Done);
        }
        Parsed::Copy(c) => {
            crate::copy::copy(ctx, c, sink)?;
            return Ok(Dispatched::Done);
        }
        Parsed::Sequence(s) => {
            crate::ddl::sequence_statement(ctx, s, sink)?;
            return Ok(Dispatched::Done);
        }
        Parsed::SetConstraints { names, deferred } => {
            ctx.txn.constraint_modes.extend(match names {
                None => vec![(None, *deferred)],
                Some(n) => n.iter().map(|n| (Some(n.clone()), *deferred)).collect(),
            });
            if !deferred {
                crate::table::fire_deferred(ctx, names.as_deref())?;
            }
            sink.command_complete("SET CONSTRAINTS")?;
            return Ok(Dispatched::Done);
        }
    };
    match stmt {
        Statement::Query(q) if has_dml_cte(q) => {
            writable_ctes(ctx, q, sink)?;
            Ok(Dispatched::Done)
        }
        Statement::Query(q) if select_into(q).is_some() => {
            let Some(create) = select_into(q) else {
                return Err(SqlError::internal("SELECT INTO"));
            };
            crate::ddl::create_table(ctx, &create?, sink)?;
            Ok(Dispatched::Done)
        }
        Statement::Query(q) => {
            Session::select(ctx, q, sink)?;
            Ok(Dispatched::SettingsChanged)
        }
        Statement::Explain {
            analyze,
            statement,
            options,
            format,
            ..
        } => {
            let mut analyze = *analyze;
            let mut structured = None;
            let (mut timing, mut summary) = (true, None);
            for o in options.iter().flatten() {
                let on = match &o.arg {
                    None => true,
                    Some(e) => {
                        !matches!(e.to_string().to_lowercase().as_str(), "false" | "off" | "0")
                    }
                };
                match crate::binder::ident(&o.name).as_str() {
                    "analyze" => analyze = on,
                    "format" => {
                        use crate::exec::explain_format::Format;
                        let f = o.arg.as_ref().map(|e| e.to_string().to_lowercase());
                        structured = match f.as_deref() {
                            Some("text") => None,
                            Some("json") => Some(Format::Json),
                            Some("yaml") => Some(Format::Yaml),
                            Some("xml") => Some(Format::Xml),
                            other => {
                                return Err(SqlError::new(
                                    SqlState::INVALID_PARAMETER_VALUE,
                                    format!(
                                        "unrecognized value for EXPLAIN option \"format\": \"{}\"",
                                        other.unwrap_or_default()
                                    ),
                                ))
                            }
                        };
                    }
                    "timing" => timing = on,
                    "summary" => summary = Some(on),
                    "costs" | "verbose" | "buffers" | "settings" | "wal" => {}
                    other => {
                        return Err(SqlError::syntax(
                            format!("unrecognized EXPLAIN option \"{other}\""),
                            None,
                        ))
                    }
                }
            }
            if format.is_some() {
                return Err(SqlError::unsupported("EXPLAIN formats other than TEXT"));
            }
            // EXPLAIN EXECUTE name(values) explains the prepared
            // statement with the values in place of its parameters (a
            // custom plan).
            let executed;
            let statement = match statement.as_ref() {
                Statement::Execute {
                    name: Some(name),
                    parameters,
                    immediate: false,
                    ..
                } => {
                    executed = Box::new(prepared_with_values(ctx, name, parameters)?);
                    &executed
                }
                _ => statement,
            };
            // EXPLAIN DECLARE c CURSOR FOR query explains the query.
            let declared = match statement.as_ref() {
                Statement::Declare { stmts, .. } => {
                    stmts.first().and_then(|d| d.for_query.as_deref())
                }
                _ => None,
            };
            let shape = ExplainShape {
                format: structured,
                timing,
                summary: summary.unwrap_or(analyze),
            };
            if let Some(q) = declared {
                Session::explain(ctx, q, analyze, shape, sink)?;
                return Ok(Dispatched::Done);
            }
            // EXPLAIN CREATE TABLE ... AS / CREATE MATERIALIZED VIEW ... AS
            // / SELECT ... INTO plans the query (not run: no ANALYZE).
            let creating: Option<ast::Query> = match statement.as_ref() {
                Statement::CreateTable(ct) => ct.query.as_deref().cloned(),
                Statement::CreateView(v) if v.materialized => Some(v.query.as_ref().clone()),
                Statement::Query(q) if select_into(q).is_some() => {
                    let mut plain = q.as_ref().clone();
                    if let ast::SetExpr::Select(s) = plain.body.as_mut() {
                        s.into = None;
                    }
                    Some(plain)
                }
                _ => None,
            };
            if let Some(q) = creating {
                if analyze {
                    return Err(SqlError::unsupported(
                        "EXPLAIN ANALYZE of CREATE TABLE AS, SELECT INTO and CREATE MATERIALIZED VIEW",
                    ));
                }
                Session::explain(ctx, &q, false, shape, sink)?;
                return Ok(Dispatched::Done);
            }
            let lines = match statement.as_ref() {
                Statement::Query(q) => {
                    Session::explain(ctx, q, analyze, shape, sink)?;
                    return Ok(Dispatched::Done);
                }
                Statement::Update(_) | Statement::Delete(_) | Statement::Insert(_) if analyze => {
                    let (lines, planning, execution) =
                        crate::table::explain_analyze_change(ctx, statement)?;
                    shape.analyzed(lines, planning, execution)
                }
                Statement::Insert(i) => {
                    let bound = crate::table::bind_insert(ctx, i)?;
                    crate::table::explain_insert(ctx, bound)?
                }
                Statement::Update(u) => {
                    let bound = crate::table::bind_update(ctx, u)?;
                    crate::table::explain_modify(ctx, bound)?
                }
                Statement::Delete(d) => {
                    let bound = crate::table::bind_delete(ctx, d)?;
                    crate::table::explain_modify(ctx, bound)?
                }
                Statement::Merge(_) if analyze => {
                    return Err(SqlError::unsupported("EXPLAIN ANALYZE of MERGE"))
                }
                Statement::Merge(m) => crate::table::explain_merge(ctx, m)?,
                _ => {
                    return Err(SqlError::unsupported(
                        "EXPLAIN of statements other than SELECT, INSERT, UPDATE, DELETE and MERGE",
                    ))
                }
            };
            Session::send_plan(ctx, lines, shape.format, sink)?;
            Ok(Dispatched::Done)
        }
        Statement::Insert(ins) => crate::table::insert(ctx, ins, sink).map(|()| Dispatched::Done),
        Statement::Update(upd) => crate::table::update(ctx, upd, sink).map(|()| Dispatched::Done),
        Statement::Delete(del) => crate::table::delete(ctx, del, sink).map(|()| Dispatched::Done),
        Statement::Merge(m) => crate::table::merge(ctx, m, sink).map(|()| Dispatched::Done),
        Statement::CreateTable(ct) => {
            crate::ddl::create_table(ctx, ct, sink).map(|()| Dispatched::Done)
        }
        Statement::CreateIndex(ci) => {
            crate::ddl::create_index(ctx, ci, sink).map(|()| Dispatched::Done)
        }
        Statement::Drop {
            object_type,
            if_exists,
            names,
            cascade,
            ..
        } => crate::ddl::drop(ctx, *object_type, *if_exists, *cascade, names, sink),
        Statement::AlterTable(at) => {
            crate::ddl::alter_table(ctx, at, sink).map(|()| Dispatched::Done)
        }
        Statement::CreateView(v) => {
            crate::ddl::create_view(ctx, v, sink).map(|()| Dispatched::Done)
        }
        Statement::CreateFunction(f) => {
            crate::ddl::create_function(ctx, f, false)?;
            sink.command_complete("CREATE FUNCTION")?;
            Ok(Dispatched::Done)
        }
        Statement::CreateAggregate(a) => {
            crate::ddl::create_aggregate(ctx, a)?;
            sink.command_complete("CREATE AGGREGATE")?;
            Ok(Dispatched::Done)
        }
        Statement::Call(f) => {
            Session::run_call(ctx, f, sink)?;
            // Its body may have SET something.
            Ok(Dispatched::SettingsChanged)
        }
        // Reached only inside routines: SET TRANSACTION in the
        // transaction a procedure's COMMIT started, before its first
        // query, as PostgreSQL allows.
        Statement::Set(ast::Set::SetTransaction {
            modes,
            session: false,
            ..
        }) => {
            for m in modes {
                match m {
                    ast::TransactionMode::IsolationLevel(level) => {
                        if ctx.txn.did_query {
                            return Err(SqlError::new(
                                SqlState::ACTIVE_SQL_TRANSACTION,
                                "SET TRANSACTION ISOLATION LEVEL must be called before any query",
                            ));
                        }
                        ctx.txn.isolation = control::isolation(level);
                    }
                    ast::TransactionMode::AccessMode(mode) => {
                        ctx.txn.read_only = matches!(mode, ast::TransactionAccessMode::ReadOnly);
                    }
                }
            }
            publish_txn_settings(ctx.settings, ctx.txn);
            sink.command_complete("SET")?;
            Ok(Dispatched::Done)
        }
        // Reached only inside routines (the client's own SET is the
        // session's): SET [LOCAL] as set_config does it.
        Statement::Set(
            set @ (ast::Set::SingleAssignment { .. } | ast::Set::SetTimeZone { .. }),
        ) => {
            let (name, value, local) = settings::assignment(set)?;
            match (local, value) {
                (false, Some(v)) => ctx.settings.set_for_session(&name, &v)?,
                (_, value) => ctx.settings.set(&name, value.as_deref(), Source::Session)?,
            }
            sink.command_complete("SET")?;
            Ok(Dispatched::SettingsChanged)
        }
        // Reached only inside routines (the client's own are the
        // session's): a procedure's transaction management.
        Statement::Commit { chain, .. } => {
            ctx.end_transaction_in_routine(true, *chain)?;
            publish_txn_settings(ctx.settings, ctx.txn);
            sink.command_complete("COMMIT")?;
            Ok(Dispatched::Done)
        }
        Statement::Rollback {
            chain,
            savepoint: None,
        } => {
            ctx.end_transaction_in_routine(false, *chain)?;
            publish_txn_settings(ctx.settings, ctx.txn);
            sink.command_complete("ROLLBACK")?;
            Ok(Dispatched::Done)
        }
        Statement::DropFunction(d) => {
            crate::ddl::drop_function(ctx, d, crate::parser::RoutineKind::Function)?;
            sink.command_complete(if names_aggregate(ctx.sql) {
                "DROP AGGREGATE"
            } else {
                "DROP FUNCTION"
            })?;
            Ok(Dispatched::Done)
        }
        Statement::AlterFunction(a) => {
            crate::ddl::alter_function(ctx, a, crate::parser::RoutineKind::Function)?;
            sink.command_complete(if names_aggregate(ctx.sql) {
                "ALTER AGGREGATE"
            } else {
                "ALTER FUNCTION"
            })?;
            Ok(Dispatched::Done)
        }
        Statement::Truncate(t) => crate::ddl::truncate(ctx, t, sink).map(|()| Dispatched::Done),
        Statement::RefreshMaterializedView(r) => {
            crate::ddl::refresh_matview(ctx, r, sink).map(|()| Dispatched::Done)
        }
        Statement::CreateSchema {
            schema_name,
            if_not_exists,
            ..
        } => {
            crate::ddl::create_schema(ctx, schema_name, *if_not_exists)?;
            sink.command_complete("CREATE SCHEMA")?;
            Ok(Dispatched::Done)
        }
        Statement::Comment {
            object_type,
            object_name,
            comment,
            ..
        } => {
            crate::ddl::comment(ctx, *object_type, object_name, comment.as_deref())?;
            sink.command_complete("COMMENT")?;
            Ok(Dispatched::Done)
        }
        Statement::LISTEN { channel } => {
            listen::listen(ctx, channel, sink)?;
            Ok(Dispatched::Done)
        }
        Statement::UNLISTEN { channel } => {
            listen::unlisten(ctx, channel, sink)?;
            Ok(Dispatched::Done)
        }
        Statement::NOTIFY { channel, payload } => {
            listen::notify(ctx, channel, payload.as_deref(), sink)?;
            Ok(Dispatched::Done)
        }
        Statement::CreateType {
            name,
            representation,
        } => {
            crate::ddl::create_type(ctx, name, representation.as_ref())?;
            sink.command_complete("CREATE TYPE")?;
            Ok(Dispatched::Done)
        }
        Statement::AlterType(a) => {
            crate::ddl::alter_type(ctx, a)?;
            sink.command_complete("ALTER TYPE")?;
            Ok(Dispatched::Done)
        }
        Statement::AlterSchema(a) => {
            crate::ddl::alter_schema(ctx, a)?;
            sink.command_complete("ALTER SCHEMA")?;
            Ok(Dispatched::Done)
        }
        Statement::Lock(l) => crate::ddl::lock_table(ctx, l, sink).map(|()| Dispatched::Done),
        Statement::CreateRole(c) => {
            crate::ddl::create_role(ctx, c)?;
            sink.command_complete("CREATE ROLE")?;
            Ok(Dispatched::Done)
        }
        Statement::AlterRole { name, operation } => {
            crate::ddl::alter_role(ctx, name, operation)?;
            sink.command_complete("ALTER ROLE")?;
            Ok(Dispatched::Done)
        }
        Statement::GrantRole(g) => {
            crate::ddl::grant_role(ctx, g)?;
            sink.command_complete("GRANT ROLE")?;
            Ok(Dispatched::Done)
        }
        Statement::RevokeRole(r) => {
            crate::ddl::revoke_role(ctx, r)?;
            sink.command_complete("REVOKE ROLE")?;
            Ok(Dispatched::Done)
        }
        other => Err(SqlError::unsupported(format!(
            "the statement \"{}\"",
            statement_kind(other)
        ))),
    }
}

/// The values of a statement-level call's arguments (they read no row).
/// A procedure's OUT argument is a placeholder: not evaluated, NULL.
fn call_arguments(ctx: &mut Stmt<'_>, call: &crate::expr::UserCall) -> Result<Vec<Value>> {
    let mut eval = ctx.eval_ctx();
    let mut modes = call.func.inputs().map(|p| p.mode);
    call.args
        .iter()
        .map(|a| match modes.next() {
            Some(crate::routine::ArgMode::Out) => Ok(Value::Null),
            _ => a.eval(&[], &mut eval),
        })
        .collect()
}

/// The one call of a `SELECT f(args)` without FROM when `f` is a
/// PL/pgSQL function, or a SQL function that changes data, that does not
/// return a set and whose arguments read no row.
fn top_level_call(plan: &crate::plan::Plan) -> Option<&crate::expr::UserCall> {
    use crate::plan::Plan;
    let e = match plan {
        Plan::Values(rows) => match rows.as_slice() {
            [row] => match row.as_slice() {
                [e] => e,
                _ => return None,
            },
            _ => return None,
        },
        Plan::Project { input, exprs } if matches!(**input, Plan::OneRow) => match exprs.as_slice()
        {
            [e] => e,
            _ => return None,
        },
        _ => return None,
    };
    let crate::expr::ExprKind::UserCall(call) = &e.kind else {
        return None;
    };
    let reads_rows = reads_rows(&call.args);
    let statement_level = matches!(
        call.body,
        crate::expr::CallBody::PlPgSql(_) | crate::expr::CallBody::SqlStatements(_)
    );
    (statement_level && !call.func.retset && !reads_rows).then_some(&**call)
}

/// Whether any of `args` reads a row (a column, an outer reference).
fn reads_rows(args: &[crate::expr::Expr]) -> bool {
    args.iter().any(|a| {
        let mut reads = false;
        a.visit(&mut |x| {
            reads |= matches!(
                x.kind,
                crate::expr::ExprKind::Column(_) | crate::expr::ExprKind::Outer { .. }
            )
        });
        reads
    })
}

/// The data-modifying statement a WITH query or query body is, if any.
fn dml_of(body: &ast::SetExpr) -> Option<&Statement> {
    match body {
        ast::SetExpr::Insert(s)
        | ast::SetExpr::Update(s)
        | ast::SetExpr::Delete(s)
        | ast::SetExpr::Merge(s) => Some(s),
        _ => None,
    }
}

/// DROP / ALTER AGGREGATE are read as the DROP / ALTER FUNCTION of the
/// aggregate's pg_proc row: whether the statement said AGGREGATE (its
/// tag does).
fn names_aggregate(sql: &str) -> bool {
    sql.split_whitespace()
        .nth(1)
        .is_some_and(|w| w.eq_ignore_ascii_case("aggregate"))
}

/// The prepared statement `name` with each `$n` replaced by the n-th
/// of `values` cast to the parameter's type (EXPLAIN EXECUTE).
fn prepared_with_values(
    ctx: &Stmt<'_>,
    name: &ast::ObjectName,
    values: &[ast::Expr],
) -> Result<Statement> {
    let name = crate::binder::object_name(name).join(".");
    let Some(prepared) = ctx.prepared.get(&name) else {
        return Err(SqlError::new(
            SqlState::INVALID_SQL_STATEMENT_NAME,
            format!("prepared statement \"{name}\" does not exist"),
        ));
    };
    let types = prepared.param_types();
    if values.len() != types.len() {
        return Err(prepare_sql::wrong_parameter_count(
            &name,
            types.len(),
            values.len(),
        ));
    }
    let Some(Parsed::Sql(ast)) = prepared.parsed() else {
        return Err(SqlError::unsupported("EXPLAIN EXECUTE of this statement"));
    };
    let mut replacements = Vec::with_capacity(values.len());
    for (v, t) in values.iter().zip(types) {
        replacements.push(crate::parser::parse_expr(&format!(
            "CAST(({v}) AS {})",
            crate::func::format_type(*t, -1)
        ))?);
    }
    let mut stmt = ast.as_ref().clone();
    let _ = ast::visit_expressions_mut(&mut stmt, |e| {
        if let ast::Expr::Value(v) = e {
            if let ast::Value::Placeholder(p) = &v.value {
                if let Some(r) = p
                    .strip_prefix('$')
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| replacements.get(i))
                {
                    *e = r.clone();
                }
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    Ok(stmt)
}

/// The RETURNING columns and rows of a data-modifying statement, and
/// its notices.
pub(crate) type Returned = (
    Vec<crate::plan::OutputColumn>,
    Vec<Vec<crate::value::Value>>,
    Vec<SqlError>,
);

/// Runs INSERT, UPDATE or DELETE `stmt`, its results to `sink`; None for
/// another statement.
fn run_modify(
    ctx: &mut Stmt<'_>,
    stmt: &Statement,
    sink: &mut dyn ResultSink,
) -> Option<Result<()>> {
    Some(match stmt {
        Statement::Insert(i) => crate::table::insert(ctx, i, sink),
        Statement::Update(u) => crate::table::update(ctx, u, sink),
        Statement::Delete(d) => crate::table::delete(ctx, d, sink),
        _ => return None,
    })
}

/// Runs `q` when it is an INSERT, UPDATE or DELETE (COPY (... RETURNING
/// ...) TO): its [`Returned`]; None for any other query. 0A000 without
/// RETURNING, as PostgreSQL's COPY.
pub(crate) fn run_returning(ctx: &mut Stmt<'_>, q: &ast::Query) -> Result<Option<Returned>> {
    let Some(stmt) = dml_of(&q.body) else {
        return Ok(None);
    };
    let returning = match stmt {
        Statement::Insert(i) => i.returning.is_some(),
        Statement::Update(u) => u.returning.is_some(),
        Statement::Delete(d) => d.returning.is_some(),
        _ => return Ok(None),
    };
    if !returning {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            "COPY query must have a RETURNING clause",
        ));
    }
    let mut rows = cursor::Collect::new(ctx.memory.hard_budget());
    match run_modify(ctx, stmt, &mut rows) {
        Some(ran) => ran?,
        None => return Ok(None),
    }
    Ok(Some((rows.columns, rows.rows, rows.notices)))
}

/// Whether a query has data-modifying WITH queries, or is a
/// data-modifying statement under WITH.
pub(super) fn has_dml_cte(q: &ast::Query) -> bool {
    q.with
        .as_ref()
        .is_some_and(|w| w.cte_tables.iter().any(|c| dml_of(&c.query.body).is_some()))
        || dml_of(&q.body).is_some()
}

/// `WITH [RECURSIVE] cte SELECT * FROM cte`: one WITH query on its own.
fn cte_alone(with: &ast::With, cte: &ast::Cte) -> Result<ast::Query> {
    let name = crate::func::quote_ident(&crate::binder::ident(&cte.alias.name));
    let mut parsed = sqlparser::parser::Parser::parse_sql(
        &sqlparser::dialect::PostgreSqlDialect {},
        &format!("SELECT * FROM {name}"),
    )
    .map_err(|e| SqlError::internal(e.to_string()))?;
    let Some(Statement::Query(mut q)) = parsed.pop() else {
        return Err(SqlError::internal("a WITH query's name"));
    };
    q.with = Some(ast::With {
        with_token: with.with_token.clone(),
        recursive: with.recursive,
        cte_tables: vec![cte.clone()],
    });
    Ok(*q)
}

/// `WITH d AS (INSERT | UPDATE | DELETE ... [RETURNING ...]) query`: each
/// data-modifying WITH query runs first, once, in order, and its
/// RETURNING rows stand for its name in what follows; all of them and
/// the main query run under the statement's one command id, so the main
/// query sees the tables as they were (PostgreSQL's rule).
fn writable_ctes(ctx: &mut Stmt<'_>, q: &ast::Query, sink: &mut dyn ResultSink) -> Result<()> {
    // The RETURNING rows stay charged to the backend until the end.
    let mut charged = Vec::new();
    if let Some(with) = &q.with {
        if with.recursive {
            if let Some(c) = with
                .cte_tables
                .iter()
                .find(|c| dml_of(&c.query.body).is_some())
            {
                let name = crate::binder::ident(&c.alias.name);
                let mut reads_itself = false;
                let _ = sqlparser::ast::visit_relations(c.query.as_ref(), |r| {
                    reads_itself |= crate::binder::object_name(r).as_slice() == [name.clone()];
                    std::ops::ControlFlow::<()>::Continue(())
                });
                if reads_itself {
                    return Err(SqlError::new(
                        SqlState::INVALID_RECURSION,
                        format!(
                            "recursive query \"{name}\" must not contain data-modifying statements"
                        ),
                    ));
                }
                // PostgreSQL allows it; the recursive machinery here does
                // not mix with a data-modifying term.
                return Err(SqlError::unsupported(
                    "data-modifying statements in WITH RECURSIVE",
                ));
            }
        }
        let dml_body = dml_of(&q.body).is_some();
        for cte in &with.cte_tables {
            let mut rows = cursor::Collect::new(ctx.memory.hard_budget());
            match dml_of(&cte.query.body) {
                Some(Statement::Merge(_)) => {
                    return Err(SqlError::new(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "MERGE not supported in WITH query",
                    ))
                }
                Some(s) => run_modify(ctx, s, &mut rows).unwrap_or_else(|| {
                    Err(SqlError::internal("a WITH query that modifies nothing"))
                })?,
                // Under INSERT, UPDATE, DELETE or MERGE, a plain WITH
                // query runs once first too, its rows standing for its
                // name (as a SELECT's binder would read it).
                None if dml_body => Session::select(ctx, &cte_alone(with, cte)?, &mut rows)?,
                None => continue,
            }
            for n in rows.notices.drain(..) {
                sink.notice(&n)?;
            }
            let mut columns = rows.columns;
            for (c, n) in columns.iter_mut().zip(&cte.alias.columns) {
                c.name = crate::binder::ident(&n.name);
            }
            ctx.dml_ctes.push(crate::binder::DmlCte {
                name: crate::binder::ident(&cte.alias.name),
                columns,
                rows: std::sync::Arc::new(rows.rows),
            });
            charged.push(rows.memory);
        }
    }
    let result = match dml_of(&q.body) {
        Some(Statement::Merge(m)) => crate::table::merge(ctx, m, sink),
        Some(s) => run_modify(ctx, s, sink)
            .unwrap_or_else(|| Err(SqlError::internal("a query body that modifies nothing"))),
        None => Session::select(ctx, q, sink),
    };
    ctx.dml_ctes.clear();
    drop(charged);
    result
}

/// The result columns of a query with data-modifying WITH queries, bound
/// without running anything (Parse and Describe); their parameter types
/// go to `ctx`.
pub(super) fn describe_writable(
    ctx: &mut Stmt<'_>,
    q: &ast::Query,
) -> Result<Option<Vec<crate::plan::OutputColumn>>> {
    fn returning(
        ctx: &mut Stmt<'_>,
        stmt: &Statement,
    ) -> Result<Option<Vec<crate::plan::OutputColumn>>> {
        Ok(match stmt {
            Statement::Insert(i) => crate::table::bind_insert(ctx, i)?
                .columns()
                .map(<[_]>::to_vec),
            Statement::Update(u) => crate::table::bind_update(ctx, u)?
                .columns()
                .map(<[_]>::to_vec),
            Statement::Delete(d) => crate::table::bind_delete(ctx, d)?
                .columns()
                .map(<[_]>::to_vec),
            _ => None,
        })
    }
    let out = (|| {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let Some(stmt) = dml_of(&cte.query.body) else {
                    continue;
                };
                let mut columns = returning(ctx, stmt)?.unwrap_or_default();
                for (c, n) in columns.iter_mut().zip(&cte.alias.columns) {
                    c.name = crate::binder::ident(&n.name);
                }
                ctx.dml_ctes.push(crate::binder::DmlCte {
                    name: crate::binder::ident(&cte.alias.name),
                    columns,
                    rows: std::sync::Arc::new(Vec::new()),
                });
            }
        }
        match dml_of(&q.body) {
            Some(stmt) => returning(ctx, stmt),
            None => Ok(Some(Session::bind_query(ctx, q)?.columns)),
        }
    })();
    ctx.dml_ctes.clear();
    out
}

/// Errors in the startup packet end the connection.
fn fatal(e: SqlError) -> SqlError {
    let r = e.report();
    let mut f = SqlError::fatal(r.code, r.message.clone());
    if let Some(h) = &r.hint {
        f = f.with_hint(h.clone());
    }
    if let Some(d) = &r.detail {
        f = f.with_detail(d.clone());
    }
    f
}

/// A short name of a statement kind for "not supported" messages.
fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    let words: Vec<&str> = text.split_whitespace().take(2).collect();
    words.join(" ")
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Cluster;
    use crate::host::NoHost;
    use crate::result::{CollectSink, Event};

    /// A bootstrapped cluster in a temporary directory.
    fn cluster() -> (tempfile::TempDir, Arc<Cluster>) {
        let tmp = tempfile::tempdir().unwrap();
        crate::catalog::bootstrap(tmp.path()).unwrap();
        let mut s = Settings::new();
        s.set("fsync", Some("off"), Source::CommandLine).unwrap();
        s.set("shared_buffers", Some("2MB"), Source::CommandLine)
            .unwrap();
        let c = Cluster::open(tmp.path(), &s).unwrap();
        (tmp, c)
    }

    fn session_on(c: &Arc<Cluster>, pid: i32) -> Session {
        Session::new(
            SessionInfo {
                pid,
                user: "alice".into(),
                database: "postgres".into(),
            },
            Arc::new(NoHost),
            Arc::clone(c),
            Interrupts::new(),
            &Settings::new(),
            &[("application_name".into(), "test".into())],
        )
        .unwrap()
    }

    thread_local! {
        static CLUSTER: (tempfile::TempDir, Arc<Cluster>) = cluster();
    }

    fn session() -> Session {
        CLUSTER.with(|(_, c)| session_on(c, 42))
    }

    fn run(s: &mut Session, sql: &str) -> Result<Vec<Event>> {
        let mut sink = CollectSink::default();
        s.simple_query(sql, &mut sink)?;
        Ok(sink.events)
    }

    fn rows(s: &mut Session, sql: &str) -> Vec<Vec<Option<String>>> {
        run(s, sql)
            .unwrap()
            .into_iter()
            .filter_map(|e| match e {
                Event::Row(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    fn one(s: &mut Session, sql: &str) -> String {
        rows(s, sql)[0][0].clone().unwrap_or_else(|| "NULL".into())
    }

    #[test]
    fn the_issue_query() {
        let mut s = session();
        let events = run(
            &mut s,
            "SELECT 1 + 2 AS three, 'a' || 'b', NULL, true, 2.5, -7::int8, 10 / 4, 10.0 / 4;",
        )
        .unwrap();
        let Event::Columns(cols) = &events[0] else {
            panic!()
        };
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "three", "?column?", "?column?", "?column?", "?column?", "?column?", "?column?",
                "?column?"
            ]
        );
        let oids: Vec<u32> = cols.iter().map(|c| c.ty.oid().0).collect();
        assert_eq!(oids, [23, 25, 25, 16, 1700, 20, 23, 1700]);
        assert_eq!(
            events[1],
            Event::Row(vec![
                Some("3".into()),
                Some("ab".into()),
                None,
                Some("t".into()),
                Some("2.5".into()),
                Some("-7".into()),
                Some("2".into()),
                Some("2.5000000000000000".into())
            ])
        );
        assert_eq!(events[2], Event::Complete("SELECT 1".into()));
    }

    #[test]
    fn expressions_follow_postgres() {
        let mut s = session();
        for (sql, want) in [
            ("select 5 = '5'", "t"),
            ("select '5' = 5.0", "t"),
            ("select 'a' || 1", "a1"),
            ("select 1 || 'a'", "1a"),
            ("select (-32768)::int2", "-32768"),
            ("select int4('5')", "5"),
            ("select text(5)", "5"),
            ("select 7 / 2.0::float4", "3.5"),
            ("select pg_typeof(7::int2 + 3::int2)", "smallint"),
            ("select -2147483648", "-2147483648"),
            ("select pg_typeof(2147483648)", "bigint"),
            ("select pg_typeof(9223372036854775808)", "numeric"),
            ("select '   12  '::int", "12"),
            ("select 1.5::int", "2"),
            ("select 'yes'::bool", "t"),
            ("select 3.7::float4::int2", "4"),
            ("select abs(-5)", "5"),
            ("select pg_typeof(abs('1'))", "double precision"),
            ("select 2 ^ 3", "8"),
            ("select coalesce(null, 2, 3)", "2"),
            ("select nullif(1, 1)", "NULL"),
            ("select greatest(1, 5.5, 3)", "5.5"),
            ("select case when 1 > 2 then 'a' else 'b' end", "b"),
            (
                "select case 2 when 1 then 'one' when 2 then 'two' end",
                "two",
            ),
            ("select 3 between 1 and 5", "t"),
            ("select 3 not in (1, 2, null)", "NULL"),
            ("select 2 in (1, 2, null)", "t"),
            ("select null is distinct from 1", "t"),
            ("select null::int is null", "t"),
            ("select not (1 < 2)", "f"),
            ("select null and false", "f"),
            ("select null or true", "t"),
            ("select 'x'::varchar(10) || 'y'", "xy"),
            ("select 1.23456789::numeric(5,2)", "1.23"),
            ("select true::text", "true"),
            ("select current_user", "alice"),
            ("select current_setting('application_name')", "test"),
            ("select substring('hello' from 2 for 3)", "ell"),
            ("select position('l' in 'hello')", "3"),
            ("select length('héllo')", "5"),
            (
                "select interval '1 day' + interval '2 hours'",
                "1 day 02:00:00",
            ),
            ("select date '2024-02-28' + 2", "2024-03-01"),
        ] {
            assert_eq!(one(&mut s, sql), want, "{sql}");
        }
    }

    #[test]
    fn errors_follow_postgres() {
        let mut s = session();
        for (sql, code, msg, pos) in [
            (
                "select 'a' + 'b'",
                "42725",
                "operator is not unique: unknown + unknown",
                Some(12),
            ),
            (
                "select 1 + true",
                "42883",
                "operator does not exist: integer + boolean",
                Some(10),
            ),
            (
                "select foo(1)",
                "42883",
                "function foo(integer) does not exist",
                Some(8),
            ),
            (
                "select abs('x')",
                "22P02",
                "invalid input syntax for type double precision: \"x\"",
                Some(12),
            ),
            (
                "select length(1)",
                "42883",
                "function length(integer) does not exist",
                Some(8),
            ),
            (
                "select 2147483647 + 1",
                "22003",
                "integer out of range",
                None,
            ),
            ("select 1/0", "22012", "division by zero", None),
            (
                "select 1 || 2",
                "42883",
                "operator does not exist: integer || integer",
                Some(10),
            ),
            (
                "select -32768::int2",
                "22003",
                "smallint out of range",
                None,
            ),
            (
                "select 1 = 'x'",
                "22P02",
                "invalid input syntax for type integer: \"x\"",
                Some(12),
            ),
            (
                "select 'abc'::int",
                "22P02",
                "invalid input syntax for type integer: \"abc\"",
                Some(8),
            ),
            (
                "select '99999999999'::int4",
                "22003",
                "value \"99999999999\" is out of range for type integer",
                Some(8),
            ),
            (
                "select nosuchcol",
                "42703",
                "column \"nosuchcol\" does not exist",
                Some(8),
            ),
            (
                "select * from nosuch",
                "42P01",
                "relation \"nosuch\" does not exist",
                Some(15),
            ),
            (
                "select 1 where 1",
                "42804",
                "argument of WHERE must be type boolean, not type integer",
                Some(16),
            ),
            (
                "select case when 1 then 2 end",
                "42804",
                "argument of CASE/WHEN must be type boolean, not type integer",
                Some(18),
            ),
            (
                "select coalesce(1, 'a'::text)",
                "42804",
                "COALESCE types integer and text cannot be matched",
                Some(20),
            ),
            ("select $1", "42P02", "there is no parameter $1", Some(8)),
            (
                "show nosuch",
                "42704",
                "unrecognized configuration parameter \"nosuch\"",
                None,
            ),
        ] {
            let e = run(&mut s, sql).unwrap_err();
            assert_eq!(
                (e.code().code(), e.message(), e.report().position),
                (code, msg, pos),
                "{sql}"
            );
        }
    }

    #[test]
    fn set_show_reset() {
        let mut s = session();
        run(&mut s, "SET application_name = 'x'").unwrap();
        assert_eq!(one(&mut s, "SHOW application_name"), "x");
        assert_eq!(
            s.take_parameter_changes(),
            vec![("application_name".into(), "x".into())]
        );
        run(&mut s, "RESET application_name").unwrap();
        assert_eq!(one(&mut s, "show application_name"), "test");
        run(&mut s, "SET work_mem TO '64kB'").unwrap();
        assert_eq!(s.memory().limits().work_mem, 64 * 1024);
        run(&mut s, "RESET ALL").unwrap();
        assert_eq!(one(&mut s, "SHOW work_mem"), "4MB");
        run(&mut s, "SET search_path TO a, b").unwrap();
        assert_eq!(one(&mut s, "SHOW search_path"), "a, b");
        run(&mut s, "SET TIME ZONE 'Asia/Kolkata'").unwrap();
        assert_eq!(one(&mut s, "SHOW TIME ZONE"), "Asia/Kolkata");
        let events = run(&mut s, "SET LOCAL work_mem = '1MB'").unwrap();
        assert_eq!(
            events[0],
            Event::Notice("SET LOCAL can only be used in transaction blocks".into())
        );
        assert_eq!(
            rows(&mut s, "SHOW ALL").len(),
            crate::guc::DEFS.len() - crate::guc::NO_SHOW_ALL.len()
        );
        let e = run(&mut s, "SET port = 1").unwrap_err();
        assert_eq!(e.code(), SqlState::CANT_CHANGE_RUNTIME_PARAM);
    }

    #[test]
    fn multiple_statements_and_empty() {
        let mut s = session();
        let events = run(&mut s, "SELECT 1; SELECT 2;").unwrap();
        assert_eq!(events.len(), 6);
        assert_eq!(run(&mut s, "").unwrap(), vec![Event::Empty]);
        assert_eq!(run(&mut s, " ; ").unwrap(), vec![Event::Empty]);
    }

    #[test]
    fn startup_options_and_databases() {
        let (_d, c) = cluster();
        let open = |db: &str, params: &[(&str, &str)]| {
            Session::new(
                SessionInfo {
                    pid: 1,
                    user: "u".into(),
                    database: db.into(),
                },
                Arc::new(NoHost),
                Arc::clone(&c),
                Interrupts::new(),
                &Settings::new(),
                &params
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect::<Vec<_>>(),
            )
        };
        let s = open(
            "postgres",
            &[("options", "-c work_mem=1MB --statement-timeout=5s")],
        )
        .unwrap();
        assert_eq!(s.settings().show("work_mem").unwrap(), "1MB");
        assert_eq!(s.statement_timeout(), Some(Duration::from_secs(5)));
        let e = open("postgres", &[("nosuch", "1")]).err().unwrap();
        assert!(e.is_fatal());
        assert_eq!(e.code(), SqlState::UNDEFINED_OBJECT);
        let e = open("nosuchdb", &[]).err().unwrap();
        assert!(e.is_fatal());
        assert_eq!(
            (e.code(), e.message()),
            (
                SqlState::INVALID_CATALOG_NAME,
                "database \"nosuchdb\" does not exist"
            )
        );
        let e = open("template0", &[]).err().unwrap();
        assert_eq!(
            e.message(),
            "database \"template0\" is not currently accepting connections"
        );
        assert!(open("template1", &[]).is_ok());
    }

    #[test]
    fn cancel_stops_pg_sleep() {
        let mut s = session();
        let flag = s.interrupts.clone();
        let t = std::thread::spawn(move || {
            let mut sink = CollectSink::default();
            s.simple_query("select pg_sleep(600)", &mut sink)
        });
        // Raised before or during the sleep, the cancel must end it.
        flag.raise(actorgres_memory::Interrupt::Cancel);
        let e = t.join().unwrap().unwrap_err();
        assert_eq!(e.code(), SqlState::QUERY_CANCELED);
        assert_eq!(e.message(), "canceling statement due to user request");
    }
}
