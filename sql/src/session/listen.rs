//! LISTEN, UNLISTEN and NOTIFY statements and pg_notify: recorded in the
//! transaction and applied at its commit (see crate::notify).

use sqlparser::ast::Ident;

use super::Stmt;
use crate::binder::ident;
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;

/// 22023 unless `channel` and `payload` are acceptable, as PostgreSQL's
/// Async_Notify checks them.
pub(crate) fn check_notification(channel: &str, payload: &str) -> Result<()> {
    let bad = |m: &str| {
        Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            m.to_owned(),
        ))
    };
    if channel.is_empty() {
        return bad("channel name cannot be empty");
    }
    if channel.len() >= 64 {
        return bad("channel name too long");
    }
    if payload.len() > crate::notify::MAX_PAYLOAD {
        return bad("payload string too long");
    }
    Ok(())
}

/// Queues a notification in the transaction: identical ones once.
pub(crate) fn queue(
    pending: &parking_lot::Mutex<Vec<(String, String)>>,
    channel: String,
    payload: String,
) -> Result<()> {
    check_notification(&channel, &payload)?;
    let mut p = pending.lock();
    if !p.iter().any(|(c, m)| *c == channel && *m == payload) {
        p.push((channel, payload));
    }
    Ok(())
}

/// LISTEN channel.
pub(super) fn listen(ctx: &mut Stmt<'_>, channel: &Ident, sink: &mut dyn ResultSink) -> Result<()> {
    ctx.txn.listens.push((Some(true), ident(channel)));
    sink.command_complete("LISTEN")
}

/// UNLISTEN channel | *.
pub(super) fn unlisten(
    ctx: &mut Stmt<'_>,
    channel: &Ident,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let all = channel.quote_style.is_none() && channel.value == "*";
    ctx.txn
        .listens
        .push((if all { None } else { Some(false) }, ident(channel)));
    sink.command_complete("UNLISTEN")
}

/// NOTIFY channel [, 'payload'].
pub(super) fn notify(
    ctx: &mut Stmt<'_>,
    channel: &Ident,
    payload: Option<&str>,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    queue(
        &ctx.txn.notifies,
        ident(channel),
        payload.unwrap_or_default().to_owned(),
    )?;
    sink.command_complete("NOTIFY")
}
