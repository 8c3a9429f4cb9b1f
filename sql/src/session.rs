//! A session: one client's settings and state, and the entry point that
//! runs a query string statement by statement.
//!
//! The Backend actor owns a [`Session`] and hands it to an executor thread
//! for each query; everything here is synchronous and runs there.
//!
//! Lifecycle: [`Session::new`] applies the startup packet's options
//! (errors are FATAL, as in PostgreSQL); [`Session::simple_query`] runs a
//! Query message; the Backend sends ReadyForQuery with
//! [`Session::transaction_status`] after reporting
//! [`Session::take_parameter_changes`].

use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::{Interrupts, LocalMemory, LocalMemoryLimits};
use sqlparser::ast::{self, Statement};

use crate::binder::{ident, Binder};
use crate::error::{Result, SqlError, SqlState};
use crate::exec;
use crate::expr::{interrupt_error, EvalCtx};
use crate::guc::{Settings, Source};
use crate::host::{Host, SessionInfo};
use crate::parser;
use crate::plan::OutputColumn;
use crate::result::ResultSink;
use crate::types::DataType;
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
    /// Who this session is.
    info: SessionInfo,
    /// The server around it.
    host: Arc<dyn Host>,
    /// This backend's interrupt flag.
    interrupts: Interrupts,
    /// This backend's local memory.
    memory: LocalMemory,
}

impl Session {
    /// A session with the server's settings plus the startup packet's
    /// parameters (`application_name`, `options=-c x=y`, any setting).
    pub fn new(
        info: SessionInfo,
        host: Arc<dyn Host>,
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
                    for (n, v) in parse_options(value)? {
                        settings.set(&n, Some(&v), Source::Startup).map_err(fatal)?;
                    }
                }
                _ if name.starts_with("_pq_.") => {}
                _ => settings
                    .set(name, Some(value), Source::Startup)
                    .map_err(fatal)?,
            }
        }
        settings.take_reported_changes();
        let mut session = Session {
            style: OutputStyle::default(),
            memory: LocalMemory::default(),
            settings,
            info,
            host,
            interrupts,
        };
        session.settings_changed();
        Ok(session)
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
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
        TxStatus::Idle
    }

    /// Reported settings changed since the last call (ParameterStatus).
    pub fn take_parameter_changes(&mut self) -> Vec<(String, String)> {
        self.settings.take_reported_changes()
    }

    /// Re-derives what depends on settings after SET/RESET.
    fn settings_changed(&mut self) {
        self.style = OutputStyle {
            extra_float_digits: self.settings.int("extra_float_digits") as i32,
            zone: self.settings.zone().clone(),
            bytea_hex: self.settings.str("bytea_output") == "hex",
        };
        self.memory.set_limits(LocalMemoryLimits {
            work_mem: self.settings.bytes("work_mem"),
            maintenance_work_mem: self.settings.bytes("maintenance_work_mem"),
            temp_buffers: self.settings.bytes("temp_buffers"),
        });
    }

    /// Runs a simple-protocol query string: every statement in turn,
    /// results to `sink`. The first error ends the string (later
    /// statements do not run) and is returned for the ErrorResponse.
    pub fn simple_query(&mut self, sql: &str, sink: &mut dyn ResultSink) -> Result<()> {
        self.interrupts.check().map_err(interrupt_error)?;
        let statements = parser::parse(sql)?;
        if statements.is_empty() {
            return sink.empty_query();
        }
        // One implicit transaction for the whole string: now() agrees.
        let transaction_start = now_micros();
        for stmt in &statements {
            self.interrupts.check().map_err(interrupt_error)?;
            self.statement(sql, stmt, transaction_start, sink)?;
        }
        Ok(())
    }

    fn statement(
        &mut self,
        sql: &str,
        stmt: &Statement,
        transaction_start: i64,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        match stmt {
            Statement::Query(q) => self.select(sql, q, transaction_start, sink),
            Statement::Set(set) => {
                self.set(set, sink)?;
                sink.command_complete("SET")
            }
            Statement::ShowVariable { variable } => self.show(variable, sink),
            Statement::Reset(r) => {
                match &r.reset {
                    ast::Reset::ALL => self.settings.reset_all(),
                    // Only one role exists until roles arrive with the catalog.
                    ast::Reset::SessionAuthorization => {}
                    ast::Reset::ConfigurationParameter(name) => {
                        let name = crate::binder::object_name(name).join(".");
                        self.settings.set(&name, None, Source::Session)?;
                    }
                }
                self.settings_changed();
                sink.command_complete("RESET")
            }
            other => Err(SqlError::unsupported(format!(
                "the statement \"{}\"",
                statement_kind(other)
            ))),
        }
    }

    fn select(
        &mut self,
        sql: &str,
        q: &ast::Query,
        transaction_start: i64,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let bound = Binder::new(sql, &self.style, Vec::new()).query(q)?;
        let mut notices = Vec::new();
        let mut ctx = EvalCtx {
            settings: &mut self.settings,
            style: &self.style,
            host: self.host.as_ref(),
            interrupts: &self.interrupts,
            info: &self.info,
            statement_start: now_micros(),
            transaction_start,
            params: &[],
            notices: &mut notices,
        };
        let plan = bound.plan.fold_constants(&mut ctx)?;
        sink.row_description(&bound.columns)?;
        let mut root = exec::build(&plan);
        let mut count: u64 = 0;
        let result = loop {
            match root.next(&mut ctx) {
                Ok(Some(row)) => {
                    for n in ctx.notices.drain(..) {
                        sink.notice(&n)?;
                    }
                    sink.data_row(&row, ctx.style)?;
                    count += 1;
                    if count.is_multiple_of(256) {
                        ctx.check_interrupts()?;
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        for n in notices.drain(..) {
            sink.notice(&n)?;
        }
        result?;
        self.settings_changed();
        sink.command_complete(&format!("SELECT {count}"))
    }

    fn set(&mut self, set: &ast::Set, sink: &mut dyn ResultSink) -> Result<()> {
        let (name, value, local) = match set {
            ast::Set::SingleAssignment {
                scope,
                variable,
                values,
                ..
            } => {
                let name = crate::binder::object_name(variable).join(".");
                let local = matches!(scope, Some(ast::ContextModifier::Local));
                (name, set_value(values)?, local)
            }
            ast::Set::SetTimeZone { local, value } => {
                let v = set_value(std::slice::from_ref(value))?;
                let v = v.filter(|s| !s.eq_ignore_ascii_case("local"));
                ("timezone".to_owned(), v, *local)
            }
            other => {
                return Err(SqlError::unsupported(format!("the statement \"{other}\"")));
            }
        };
        if local {
            // No transaction block can be open yet (transactions arrive
            // with storage), so SET LOCAL has no effect, as in PostgreSQL.
            return sink.notice(&SqlError::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET LOCAL can only be used in transaction blocks",
            ));
        }
        self.settings
            .set(&name, value.as_deref(), Source::Session)?;
        self.settings_changed();
        Ok(())
    }

    fn show(&mut self, variable: &[ast::Ident], sink: &mut dyn ResultSink) -> Result<()> {
        let words: Vec<String> = variable.iter().map(ident).collect();
        let name = match words.join(" ").as_str() {
            "all" => return self.show_all(sink),
            "time zone" => "timezone".to_owned(),
            "transaction isolation level" => "transaction_isolation".to_owned(),
            "session authorization" => "session_authorization".to_owned(),
            _ => words.join("."),
        };
        let value = self.settings.show(&name)?;
        sink.row_description(&[text_column(&Settings::canonical_name(&name))])?;
        sink.data_row(&[Value::Text(value)], &self.style)?;
        sink.command_complete("SHOW")
    }

    fn show_all(&mut self, sink: &mut dyn ResultSink) -> Result<()> {
        sink.row_description(&[
            text_column("name"),
            text_column("setting"),
            text_column("description"),
        ])?;
        for (name, setting, description) in self.settings.show_all() {
            let row = [
                Value::Text(name),
                Value::Text(setting),
                Value::Text(description),
            ];
            sink.data_row(&row, &self.style)?;
        }
        sink.command_complete("SHOW")
    }
}

fn text_column(name: &str) -> OutputColumn {
    OutputColumn {
        name: name.to_owned(),
        ty: DataType::Text,
        typmod: -1,
        table_oid: 0,
        attnum: 0,
    }
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

/// The text of SET's value list: literals as written, identifiers folded,
/// several values joined with ", "; `DEFAULT` is None.
fn set_value(values: &[ast::Expr]) -> Result<Option<String>> {
    let mut parts = Vec::with_capacity(values.len());
    for v in values {
        let text = match v {
            ast::Expr::Identifier(id)
                if id.quote_style.is_none()
                    && id.value.eq_ignore_ascii_case("default")
                    && values.len() == 1 =>
            {
                return Ok(None)
            }
            ast::Expr::Identifier(id) => ident(id),
            ast::Expr::Value(v) => match &v.value {
                ast::Value::SingleQuotedString(s)
                | ast::Value::EscapedStringLiteral(s)
                | ast::Value::NationalStringLiteral(s) => s.clone(),
                ast::Value::DollarQuotedString(d) => d.value.clone(),
                ast::Value::Number(n, _) => n.clone(),
                ast::Value::Boolean(b) => b.to_string(),
                other => other.to_string(),
            },
            ast::Expr::UnaryOp {
                op: ast::UnaryOperator::Minus,
                expr,
            } => format!("-{expr}"),
            other => {
                return Err(SqlError::syntax(
                    format!("syntax error at or near \"{other}\""),
                    None,
                ))
            }
        };
        parts.push(text);
    }
    Ok(Some(parts.join(", ")))
}

/// Splits the startup `options` parameter: `-c name=value` and
/// `--name=value`, blanks escaped with a backslash.
fn parse_options(options: &str) -> Result<Vec<(String, String)>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut chars = options.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let bad = |w: &str| {
        SqlError::fatal(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid command-line argument for server process: {w}"),
        )
        .with_hint("Try \"postgres --help\" for more information.")
    };
    let mut out = Vec::new();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let assignment = if w == "-c" {
            it.next().ok_or_else(|| bad(w))?.as_str()
        } else if let Some(rest) = w.strip_prefix("--") {
            rest
        } else if let Some(rest) = w.strip_prefix("-c") {
            rest
        } else {
            return Err(bad(w));
        };
        let (n, v) = assignment.split_once('=').ok_or_else(|| bad(w))?;
        out.push((n.replace('-', "_"), v.to_owned()));
    }
    Ok(out)
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
    use crate::host::NoHost;
    use crate::result::{CollectSink, Event};

    fn session() -> Session {
        Session::new(
            SessionInfo {
                pid: 42,
                user: "alice".into(),
                database: "db".into(),
            },
            Arc::new(NoHost),
            Interrupts::new(),
            &Settings::new(),
            &[("application_name".into(), "test".into())],
        )
        .unwrap()
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
        assert_eq!(rows(&mut s, "SHOW ALL").len(), crate::guc::DEFS.len());
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
    fn startup_options() {
        let s = Session::new(
            SessionInfo {
                pid: 1,
                user: "u".into(),
                database: "d".into(),
            },
            Arc::new(NoHost),
            Interrupts::new(),
            &Settings::new(),
            &[(
                "options".into(),
                "-c work_mem=1MB --statement-timeout=5s".into(),
            )],
        )
        .unwrap();
        assert_eq!(s.settings().show("work_mem").unwrap(), "1MB");
        assert_eq!(s.statement_timeout(), Some(Duration::from_secs(5)));
        let e = Session::new(
            SessionInfo {
                pid: 1,
                user: "u".into(),
                database: "d".into(),
            },
            Arc::new(NoHost),
            Interrupts::new(),
            &Settings::new(),
            &[("nosuch".into(), "1".into())],
        )
        .err()
        .unwrap();
        assert!(e.is_fatal());
        assert_eq!(e.code(), SqlState::UNDEFINED_OBJECT);
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
