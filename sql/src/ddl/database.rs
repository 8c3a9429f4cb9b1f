//! CREATE DATABASE (by copying the template, template1 by default, as
//! PostgreSQL's FILE_COPY).

use actorgres_storage::lock::{LockMode, LockTag};

use super::outside_block;
use crate::catalog::{system, Catalog};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::database::CreateDatabase;
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

/// What CREATE DATABASE's options ask for.
struct Options {
    /// The template to copy.
    template: String,
    /// datistemplate.
    is_template: bool,
    /// datallowconn.
    allow_connections: bool,
}

/// Reads and checks CREATE DATABASE's options as PostgreSQL does:
/// ENCODING must be UTF8 (the only server encoding here), locales must be
/// ones this server sorts by (C, POSIX, C.UTF-8 and the like: text sorts
/// by bytes), OWNER a role that exists; STRATEGY, TABLESPACE pg_default,
/// CONNECTION LIMIT and OID are accepted.
fn options(ctx: &Stmt<'_>, c: &CreateDatabase) -> Result<Options> {
    let mut out = Options {
        template: "template1".into(),
        is_template: false,
        allow_connections: true,
    };
    let mut seen: Vec<&str> = Vec::new();
    let invalid = |m: String| SqlError::new(SqlState::INVALID_PARAMETER_VALUE, m);
    let boolean = |key: &str, v: &str| {
        crate::guc::parse_bool(v).ok_or_else(|| invalid(format!("{key} requires a Boolean value")))
    };
    for (key, value) in &c.options {
        if seen.contains(&key.as_str()) {
            return Err(SqlError::syntax("conflicting or redundant options", None));
        }
        seen.push(key);
        let Some(v) = value else {
            continue;
        };
        match key.as_str() {
            "template" => out.template = v.clone(),
            "encoding" => match crate::guc::encoding_key(v).as_str() {
                "utf8" | "unicode" | "6" => {}
                "sqlascii" | "latin1" | "latin2" | "latin9" | "win1252" | "win1251" | "euckr"
                | "eucjp" | "sjis" | "koi8r" | "iso88591" => {
                    return Err(invalid(format!(
                        "encoding \"{}\" does not match locale \"C.UTF-8\"",
                        v.to_uppercase()
                    ))
                    .with_detail("The chosen LC_CTYPE setting requires encoding \"UTF8\"."))
                }
                _ => {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!("{v} is not a valid encoding name"),
                    ))
                }
            },
            "locale" | "lc_collate" | "lc_ctype" => {
                let l = v.to_lowercase();
                let ok = matches!(l.as_str(), "c" | "posix")
                    || l.starts_with("c.")
                    || l.ends_with(".utf-8")
                    || l.ends_with(".utf8");
                if !ok {
                    return Err(invalid(format!("invalid locale name: \"{v}\"")));
                }
            }
            "owner" => ctx.check_role_exists(v)?,
            "is_template" => out.is_template = boolean("is_template", v)?,
            "allow_connections" => out.allow_connections = boolean("allow_connections", v)?,
            "connection_limit" => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| invalid(format!("invalid connection limit: {v}")))?;
                if n < -1 {
                    return Err(invalid(format!("invalid connection limit: {n}")));
                }
            }
            "tablespace" if v == "pg_default" => {}
            "tablespace" => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("tablespace \"{v}\" does not exist"),
                ))
            }
            "strategy" if matches!(v.as_str(), "wal_log" | "file_copy") => {}
            "strategy" => {
                return Err(invalid(format!("invalid create database strategy \"{v}\""))
                    .with_hint("Valid strategies are \"wal_log\", and \"file_copy\"."))
            }
            "locale_provider" | "icu_locale" | "collation_version" | "oid" => {}
            other => {
                return Err(SqlError::syntax(
                    format!("option \"{other}\" not recognized"),
                    None,
                ))
            }
        }
    }
    Ok(out)
}

/// CREATE DATABASE name [WITH] options: a copy of the template.
pub fn create_database(
    ctx: &mut Stmt<'_>,
    c: &CreateDatabase,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    outside_block(ctx, "CREATE DATABASE")?;
    ctx.check_writable("CREATE DATABASE")?;
    let opts = options(ctx, c)?;
    let name = c.name.clone();
    let if_not_exists = c.if_not_exists;
    lock_databases(ctx)?;
    let no_txn = actorgres_storage::xact::NoTxn;
    let catalog = Catalog::new(ctx.engine(), 0, &no_txn);
    if catalog.database(&name)?.is_some() {
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
    let Some((_, source)) = catalog.database(&opts.template)? else {
        return Err(SqlError::new(
            SqlState::INVALID_CATALOG_NAME,
            format!("template database \"{}\" does not exist", opts.template),
        ));
    };
    let users = ctx
        .host
        .activity()
        .iter()
        .filter(|a| a.database == source.name && a.pid != ctx.info.pid)
        .count();
    if users > 0 {
        let s = if users == 1 { "" } else { "s" };
        return Err(SqlError::new(
            SqlState::OBJECT_IN_USE,
            format!(
                "source database \"{}\" is being accessed by other users",
                source.name
            ),
        )
        .with_detail(format!(
            "There is {users} other session{s} using the database."
        )));
    }
    let engine = ctx.engine();
    let oid = engine.new_oid()?;
    engine.create_database(source.oid, oid)?;
    let xid = ctx.write_xid("CREATE DATABASE")?;
    let own = &*ctx.txn;
    let who = ctx.actor(xid);
    Catalog::new(engine, 0, own).insert(
        &system::PG_DATABASE,
        &[
            Value::Oid(oid),
            Value::Text(name),
            Value::Bool(opts.is_template),
            Value::Bool(opts.allow_connections),
        ],
        &who,
    )?;
    sink.command_complete("CREATE DATABASE")
}
