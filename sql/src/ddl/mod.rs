//! DDL: tables, indexes, databases, VACUUM and CHECKPOINT. Catalog changes are
//! ordinary row changes in the catalog tables, made in the statement's
//! transaction (see catalog/ for the rules).

mod alter;
mod alter_rel;
mod analyze;
mod comment;
mod create;
mod database;
pub(crate) mod domain;
mod drop;
mod fkey;
mod function;
pub(crate) mod grant;
mod index;
mod index_build;
pub(crate) mod inherit;
mod like;
mod maintenance;
mod matview;
pub(crate) mod partition;
mod reindex;
mod reloptions;
mod role;
mod schema;
mod sequence;
mod trigger;
pub(crate) mod types;
mod view;

pub use alter::alter_table;
pub use alter_rel::{alter_relation, cluster};
pub use analyze::analyze;
pub use comment::{comment, comment_on};
pub use create::create_table;
pub use database::create_database;
pub use domain::domain_statement;
pub use drop::drop;
pub use fkey::alter_constraint;
pub use function::{alter_function, create_aggregate, create_function, drop_function};
pub use grant::{grant_statement, owned_statement};
pub use index::create_index;
pub use like::create_table_like;
pub use maintenance::{checkpoint, lock_table, truncate, vacuum};
pub use matview::refresh_matview;
pub use reindex::reindex;
pub use role::{alter_role, create_role, grant_role, revoke_role};
pub use schema::{alter_schema, create_schema};
pub use sequence::sequence_statement;
pub use trigger::trigger_statement;
pub use types::{alter_type, alter_type_attributes, alter_type_owner, create_type};
pub use view::create_view;

use actorgres_storage::lock::{LockMode, LockTag};

use crate::catalog::system;
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use create::check_name;

/// 42P01 for a table that is not there (`what`: "relation" or "table",
/// as PostgreSQL words it per statement).
fn undefined_table(what: &str, name: &str) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_TABLE,
        format!("{what} \"{name}\" does not exist"),
    )
}

/// 42501 for DDL on a system catalog; 42809 for table DDL on a view.
fn reject_system(def: &crate::catalog::TableDef) -> Result<()> {
    if def.system {
        return Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied: \"{}\" is a system catalog", def.name),
        ));
    }
    if def.view.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a table", def.name),
        )
        .with_hint("Use DROP VIEW to remove a view."));
    }
    Ok(())
}

/// The name of a new CHECK constraint: the one given (42710 if the
/// table has it already) or PostgreSQL's generated one.
fn check_constraint_name(
    table: &str,
    given: Option<String>,
    columns: &[String],
    taken: &[String],
) -> Result<String> {
    match given {
        Some(n) if taken.contains(&n) => Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!("constraint \"{n}\" for relation \"{table}\" already exists"),
        )),
        Some(n) => Ok(n),
        None => Ok(check_name(table, columns, taken)),
    }
}

/// Serialises DDL that creates, renames or drops names (catalog rule 3).
fn lock_names(ctx: &mut Stmt<'_>) -> Result<()> {
    let db = ctx.db;
    ctx.lock(
        LockTag::Relation {
            db,
            rel: system::PG_CLASS.oid,
        },
        LockMode::ShareRowExclusive,
    )
}

/// 25001 for statements that manage their own transactions.
fn outside_block(ctx: &Stmt<'_>, what: &str) -> Result<()> {
    if ctx.txn.explicit || !ctx.alone {
        return Err(SqlError::new(
            SqlState::ACTIVE_SQL_TRANSACTION,
            format!("{what} cannot run inside a transaction block"),
        ));
    }
    Ok(())
}

/// Splits a table name into schema and name (3F000 when the schema
/// does not exist).
fn split_name<'p>(ctx: &Stmt<'_>, parts: &'p [String]) -> Result<(Option<&'p str>, &'p str)> {
    match parts {
        [n] => Ok((None, n.as_str())),
        [s, n] | [_, s, n] => {
            let real = ctx.temp_alias(s);
            if crate::catalog::schema_oid(&ctx.namespaces()?, &real).is_none() {
                return Err(undefined_schema(s));
            }
            Ok((Some(s.as_str()), n.as_str()))
        }
        _ => Err(SqlError::internal("empty name")),
    }
}

/// The schema of a new relation: the session's temporary schema for
/// `temporary` (or one named `pg_temp`), else [`creation_schema`].
fn new_relation_schema(
    ctx: &mut Stmt<'_>,
    schema: Option<&str>,
    name: &str,
    temporary: bool,
) -> Result<u32> {
    let temp_name = crate::session::temp_schema_name(ctx.info.pid);
    let named_temp = schema.is_some_and(|s| s == "pg_temp" || s == temp_name);
    if temporary || named_temp {
        if schema.is_some() && !named_temp {
            return Err(crate::session::not_temporary_schema());
        }
        return ctx.temp_namespace();
    }
    creation_schema(ctx, schema, name)
}

/// 3F000 for a schema that is not there.
fn undefined_schema(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_SCHEMA_NAME,
        format!("schema \"{name}\" does not exist"),
    )
}

/// The schema a new relation goes to: the one named, or for an
/// unqualified name the first schema search_path lists that exists
/// (42501 for pg_catalog and the fixed schemas, 3F000 when the path
/// lists none that exists).
fn creation_schema(ctx: &Stmt<'_>, schema: Option<&str>, name: &str) -> Result<u32> {
    let schemas = ctx.namespaces()?;
    let ns = match schema {
        Some(s) => {
            let real = ctx.temp_alias(s);
            crate::catalog::schema_oid(&schemas, &real)
        }
        None => crate::catalog::creation_namespace(
            &ctx.settings.str("search_path"),
            &ctx.current_user(),
            &schemas,
        ),
    };
    match ns {
        Some(system::PG_CATALOG_NS) => Err(SqlError::new(
            SqlState::INSUFFICIENT_PRIVILEGE,
            format!("permission denied to create \"pg_catalog.{name}\""),
        )
        .with_detail("System catalog modifications are currently disallowed.")),
        Some(crate::catalog::INFORMATION_SCHEMA_NS | crate::catalog::PG_TOAST_NS) => {
            Err(SqlError::new(
                SqlState::INSUFFICIENT_PRIVILEGE,
                format!(
                    "permission denied for schema {}",
                    schema.unwrap_or("information_schema")
                ),
            ))
        }
        Some(ns) => {
            // CREATE on the schema (checked again when the owner is
            // recorded; here first, as PostgreSQL checks it on lookup).
            ctx.check_schema(ns, crate::acl::CREATE)?;
            Ok(ns)
        }
        None => match schema {
            Some(s) => Err(undefined_schema(s)),
            None => Err(SqlError::new(
                SqlState::INVALID_SCHEMA_NAME,
                "no schema has been selected to create in",
            )),
        },
    }
}

/// The name PostgreSQL gives a dropped column.
fn dropped_name(attnum: usize) -> String {
    format!("........pg.dropped.{attnum}........")
}

/// A new relation's pg_class row in schema `ns`: kind 'r', 'v' or 'S',
/// its file (0 for a view), attribute count and reloptions.
fn class_row(
    oid: u32,
    ns: u32,
    name: &str,
    kind: &str,
    filenode: u32,
    natts: usize,
    options: crate::value::Value,
) -> Vec<crate::value::Value> {
    use crate::value::Value;
    vec![
        Value::Oid(oid),
        Value::Text(name.to_owned()),
        Value::Oid(ns),
        Value::Text(kind.into()),
        Value::Oid(filenode),
        Value::Int2(natts as i16),
        options,
        Value::Bool(kind == "v"),
        Value::Bool(false),
    ]
}
