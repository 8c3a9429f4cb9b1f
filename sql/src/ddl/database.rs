//! CREATE DATABASE (by copying template1, as PostgreSQL's FILE_COPY).

use actorgres_storage::lock::{LockMode, LockTag};
use sqlparser::ast::ObjectName;

use super::outside_block;
use crate::binder::object_name;
use crate::catalog::{system, Catalog};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// Serialises CREATE and DROP DATABASE.
pub(super) fn lock_databases(ctx: &mut Stmt<'_>) -> Result<()> {
    ctx.lock(
        LockTag::Relation {
            db: 0,
            rel: system::PG_DATABASE.oid,
        },
        LockMode::ShareRowExclusive,
    )
}

/// CREATE DATABASE name.
pub fn create_database(
    ctx: &mut Stmt<'_>,
    name: &ObjectName,
    if_not_exists: bool,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    outside_block(ctx, "CREATE DATABASE")?;
    ctx.check_writable("CREATE DATABASE")?;
    let name = object_name(name).join(".");
    lock_databases(ctx)?;
    let no_txn = actorgres_storage::xact::NoTxn;
    if Catalog::new(ctx.engine(), 0, &no_txn)
        .database(&name)?
        .is_some()
    {
        if if_not_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_DATABASE,
                format!("database \"{name}\" already exists, skipping"),
            ));
            return sink.command_complete("CREATE DATABASE");
        }
        return Err(SqlError::new(
            SqlState::DUPLICATE_DATABASE,
            format!("database \"{name}\" already exists"),
        ));
    }
    let users = ctx
        .host
        .activity()
        .iter()
        .filter(|a| a.database == "template1" && a.pid != ctx.info.pid)
        .count();
    if users > 0 {
        let s = if users == 1 { "" } else { "s" };
        return Err(SqlError::new(
            SqlState::OBJECT_IN_USE,
            "source database \"template1\" is being accessed by other users",
        )
        .with_detail(format!(
            "There is {users} other session{s} using the database."
        )));
    }
    let engine = ctx.engine();
    let oid = engine.new_oid()?;
    engine.create_database(system::TEMPLATE1, oid)?;
    let xid = ctx.write_xid("CREATE DATABASE")?;
    let own = &*ctx.txn;
    let who = ctx.actor(xid);
    Catalog::new(engine, 0, own).insert(
        &system::PG_DATABASE,
        &[
            Value::Oid(oid),
            Value::Text(name),
            Value::Bool(false),
            Value::Bool(true),
        ],
        &who,
    )?;
    sink.command_complete("CREATE DATABASE")
}
