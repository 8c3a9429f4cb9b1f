//! SET, SHOW and RESET.
//!
//! A plain SET lasts for the session unless its transaction rolls back;
//! SET LOCAL lasts until the transaction ends, as in PostgreSQL.

use sqlparser::ast;

use super::Session;
use crate::binder::{ident, object_name};
use crate::error::{Result, SqlError, SqlState};
use crate::guc::{Settings, Source};
use crate::plan::OutputColumn;
use crate::result::ResultSink;
use crate::types::DataType;
use crate::value::Value;

/// SET [LOCAL] name = value and SET TIME ZONE: (name, value, local);
/// None for DEFAULT.
pub(super) fn assignment(set: &ast::Set) -> Result<(String, Option<String>, bool)> {
    match set {
        ast::Set::SingleAssignment {
            scope,
            variable,
            values,
            ..
        } => {
            let name = object_name(variable).join(".");
            let local = matches!(scope, Some(ast::ContextModifier::Local));
            Ok((name, set_value(values)?, local))
        }
        ast::Set::SetTimeZone { local, value } => {
            let v = set_value(std::slice::from_ref(value))?;
            let v = v.filter(|s| !s.eq_ignore_ascii_case("local"));
            Ok(("timezone".to_owned(), v, *local))
        }
        other => Err(SqlError::unsupported(format!("the statement \"{other}\""))),
    }
}

impl Session {
    pub(super) fn set(&mut self, set: &ast::Set, sink: &mut dyn ResultSink) -> Result<()> {
        let (name, value, local) = match set {
            ast::Set::SingleAssignment { .. } | ast::Set::SetTimeZone { .. } => assignment(set)?,
            ast::Set::SetTransaction {
                modes,
                session: false,
                ..
            } => return self.set_transaction(modes, sink),
            ast::Set::SetRole {
                context_modifier,
                role_name,
            } => {
                let role = match role_name {
                    Some(r) => {
                        let name = crate::binder::ident(r);
                        self.check_set_role(&name)?;
                        name
                    }
                    None => "none".to_owned(),
                };
                let local = matches!(context_modifier, Some(ast::ContextModifier::Local));
                ("role".to_owned(), Some(role), local)
            }
            ast::Set::SetSessionAuthorization(p) => {
                let user = match &p.kind {
                    ast::SetSessionAuthorizationParamKind::Default => self.info.user.clone(),
                    ast::SetSessionAuthorizationParamKind::User(name) => crate::binder::ident(name),
                };
                self.check_session_authorization(&user)?;
                return self.set_session_authorization(&user, "SET", sink);
            }
            other => {
                return Err(SqlError::unsupported(format!("the statement \"{other}\"")));
            }
        };
        let in_block = self.txn.as_ref().is_some_and(|t| t.explicit);
        if local && !in_block {
            // Outside a block SET LOCAL has no effect, as in PostgreSQL.
            sink.notice(&SqlError::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET LOCAL can only be used in transaction blocks",
            ))?;
            return sink.command_complete("SET");
        }
        if name.eq_ignore_ascii_case("temp_buffers") {
            self.check_temp_buffers(value.as_deref())?;
        }
        self.settings
            .set(&name, value.as_deref(), Source::Session)?;
        if !local {
            if let Some(t) = &mut self.txn {
                t.session_settings
                    .set(&name, value.as_deref(), Source::Session)?;
            }
        }
        if name == "role" {
            self.publish_is_superuser();
        }
        self.settings_changed();
        sink.command_complete("SET")
    }

    /// temp_buffers cannot change once the local buffers are open (the
    /// session has used a temporary table): 22023 as PostgreSQL's check.
    fn check_temp_buffers(&self, value: Option<&str>) -> Result<()> {
        let Some(open) = self.cluster.engine.local_buffers(self.info.pid) else {
            return Ok(());
        };
        let mut probe = self.settings.clone();
        probe.set("temp_buffers", value, Source::Session)?;
        let pages = probe.bytes("temp_buffers") / 8192;
        if pages.max(16) == open as u64 {
            return Ok(());
        }
        Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid value for parameter \"temp_buffers\": {pages}"),
        )
        .with_detail(
            "\"temp_buffers\" cannot be changed after any temporary tables have been accessed in the session.",
        ))
    }

    /// is_superuser (reported to the client) as the current user's role
    /// has it; a login name the catalog does not know counts as one.
    fn publish_is_superuser(&mut self) {
        let role = self.settings.str("role");
        let user = if role == "none" {
            self.settings.str("session_authorization")
        } else {
            role
        };
        let superuser = self
            .in_statement("", false, move |ctx| {
                Ok(ctx.catalog().role(&user)?.is_none_or(|(_, r)| r.superuser))
            })
            .unwrap_or(true);
        let value = if superuser { "on" } else { "off" };
        self.settings.set_internal("is_superuser", value);
        if let Some(t) = &mut self.txn {
            t.session_settings.set_internal("is_superuser", value);
        }
    }

    /// SET ROLE name: the role exists and the session user is a superuser
    /// or a member of it (42704, 42501).
    fn check_set_role(&mut self, name: &str) -> Result<()> {
        let session_user = self.settings.str("session_authorization");
        let name = name.to_owned();
        self.in_statement("", false, move |ctx| {
            let cat = ctx.catalog();
            let roles: Vec<crate::catalog::roles::Role> =
                cat.roles()?.into_iter().map(|(_, r)| r).collect();
            let Some(target) = roles.iter().find(|r| r.name == name) else {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("role \"{name}\" does not exist"),
                ));
            };
            let Some(me) = roles.iter().find(|r| r.name == session_user) else {
                // An unknown login name acts as the bootstrap superuser.
                return Ok(());
            };
            let members: Vec<crate::catalog::roles::Membership> =
                cat.memberships()?.into_iter().map(|(_, m)| m).collect();
            if me.superuser
                || crate::catalog::roles::member_of(me.oid, &roles, &members, false)
                    .contains(&target.oid)
            {
                Ok(())
            } else {
                Err(SqlError::new(
                    SqlState::INSUFFICIENT_PRIVILEGE,
                    format!("permission denied to set role \"{name}\""),
                ))
            }
        })
    }

    /// SET SESSION AUTHORIZATION name: the login user must be a superuser
    /// (42501) and the role exist (42704).
    fn check_session_authorization(&mut self, name: &str) -> Result<()> {
        let login = self.info.user.clone();
        let name = name.to_owned();
        self.in_statement("", false, move |ctx| {
            let cat = ctx.catalog();
            let is_superuser = cat.role(&login)?.is_none_or(|(_, r)| r.superuser);
            if name != login && !is_superuser {
                return Err(SqlError::new(
                    SqlState::INSUFFICIENT_PRIVILEGE,
                    "permission denied to set session authorization",
                ));
            }
            if name != login && cat.role(&name)?.is_none() {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("role \"{name}\" does not exist"),
                ));
            }
            Ok(())
        })
    }

    /// Makes `user` the session user (and current user: SET ROLE ends).
    fn set_session_authorization(
        &mut self,
        user: &str,
        tag: &str,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        for (name, value) in [("session_authorization", user), ("role", "none")] {
            self.settings.set_internal(name, value);
            if let Some(t) = &mut self.txn {
                t.session_settings.set_internal(name, value);
            }
        }
        self.publish_is_superuser();
        self.settings_changed();
        sink.command_complete(tag)
    }

    /// SET TRANSACTION ISOLATION LEVEL ... / READ ONLY | READ WRITE.
    fn set_transaction(
        &mut self,
        modes: &[ast::TransactionMode],
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let Some(t) = self.txn.as_mut().filter(|t| t.explicit) else {
            sink.notice(&SqlError::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET TRANSACTION can only be used in transaction blocks",
            ))?;
            return sink.command_complete("SET");
        };
        for m in modes {
            match m {
                ast::TransactionMode::IsolationLevel(level) => {
                    if t.did_query {
                        return Err(SqlError::new(
                            SqlState::ACTIVE_SQL_TRANSACTION,
                            "SET TRANSACTION ISOLATION LEVEL must be called before any query",
                        ));
                    }
                    t.isolation = super::control::isolation(level);
                }
                ast::TransactionMode::AccessMode(mode) => {
                    t.read_only = matches!(mode, ast::TransactionAccessMode::ReadOnly);
                }
            }
        }
        self.sync_txn_settings();
        sink.command_complete("SET")
    }

    pub(super) fn reset(
        &mut self,
        r: &ast::ResetStatement,
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        match &r.reset {
            ast::Reset::ALL => {
                self.settings.reset_all();
                if let Some(t) = &mut self.txn {
                    t.session_settings.reset_all();
                }
            }
            ast::Reset::SessionAuthorization => {
                let user = self.info.user.clone();
                return self.set_session_authorization(&user, "RESET", sink);
            }
            ast::Reset::ConfigurationParameter(name) => {
                let name = object_name(name).join(".");
                self.settings.set(&name, None, Source::Session)?;
                if let Some(t) = &mut self.txn {
                    t.session_settings.set(&name, None, Source::Session)?;
                }
            }
        }
        self.publish_is_superuser();
        self.settings_changed();
        sink.command_complete("RESET")
    }

    pub(super) fn show(
        &mut self,
        variable: &[ast::Ident],
        sink: &mut dyn ResultSink,
    ) -> Result<()> {
        let Some(name) = show_name(variable) else {
            return self.show_all(sink);
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

/// The setting SHOW names; None for SHOW ALL.
fn show_name(variable: &[ast::Ident]) -> Option<String> {
    let words: Vec<String> = variable.iter().map(ident).collect();
    Some(match words.join(" ").as_str() {
        "all" => return None,
        "time zone" => "timezone".to_owned(),
        "transaction isolation level" => "transaction_isolation".to_owned(),
        "session authorization" => "session_authorization".to_owned(),
        _ => words.join("."),
    })
}

/// The column names SHOW returns (a Describe before it runs).
pub(super) fn show_columns(variable: &[ast::Ident]) -> Vec<String> {
    match show_name(variable) {
        Some(name) => vec![Settings::canonical_name(&name)],
        None => vec!["name".into(), "setting".into(), "description".into()],
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
pub(super) fn parse_options(options: &str) -> Result<Vec<(String, String)>> {
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
