//! COMMENT ON: rows of pg_description.

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{CommentObject, ObjectName};

use super::{split_name, undefined_schema, undefined_table};
use crate::binder::object_name;
use crate::catalog::{oid_of, system};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::value::Value;

/// pg_class's OID, the classoid of comments on relations and columns.
const PG_CLASS: u32 = 1259;
/// pg_namespace's OID.
const PG_NAMESPACE: u32 = 2615;

/// COMMENT ON kind name IS 'text' | NULL (an empty text removes the
/// comment too, as in PostgreSQL).
pub fn comment(
    ctx: &mut Stmt<'_>,
    kind: CommentObject,
    name: &ObjectName,
    text: Option<&str>,
) -> Result<()> {
    ctx.check_writable("COMMENT")?;
    let parts = object_name(name);
    let (objoid, classoid, subid) = match kind {
        CommentObject::Table
        | CommentObject::View
        | CommentObject::Sequence
        | CommentObject::MaterializedView
        | CommentObject::ForeignTable => {
            let (schema, rel) = split_name(ctx, &parts)?;
            let Some(def) = ctx.open_table(schema, rel, LockMode::ShareUpdateExclusive)? else {
                return Err(undefined_table("relation", rel));
            };
            let (want, word) = match kind {
                CommentObject::View => ('v', "a view"),
                CommentObject::Sequence => ('S', "a sequence"),
                CommentObject::MaterializedView => ('m', "a materialized view"),
                CommentObject::ForeignTable => ('f', "a foreign table"),
                _ => ('r', "a table"),
            };
            if def.relkind() != want && !(def.relkind() == 'p' && want == 'r') {
                return Err(SqlError::new(
                    SqlState::WRONG_OBJECT_TYPE,
                    format!("\"{rel}\" is not {word}"),
                ));
            }
            (def.oid, PG_CLASS, 0)
        }
        CommentObject::Index => {
            let (schema, index) = split_name(ctx, &parts)?;
            match ctx.catalog().index_named(schema, index)? {
                Some((ix, _)) => (ix.oid, PG_CLASS, 0),
                None => return Err(undefined_table("relation", index)),
            }
        }
        CommentObject::Column
            if parts
                .first()
                .is_some_and(|p| p == crate::parser::CONSTRAINT_MARK) =>
        {
            constraint_target(ctx, &parts[1..])?
        }
        CommentObject::Column => {
            let Some((column, table)) = parts.split_last() else {
                return Err(SqlError::internal("empty column name"));
            };
            if table.is_empty() {
                return Err(SqlError::syntax(
                    format!("column name must be qualified: {column}"),
                    None,
                ));
            }
            let (schema, rel) = split_name(ctx, table)?;
            let Some(def) = ctx.open_table(schema, rel, LockMode::ShareUpdateExclusive)? else {
                return Err(undefined_table("relation", rel));
            };
            let Some(i) = def.find(column) else {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_COLUMN,
                    format!("column \"{column}\" of relation \"{rel}\" does not exist"),
                ));
            };
            (def.oid, PG_CLASS, i as i32 + 1)
        }
        CommentObject::Schema => {
            let [schema] = parts.as_slice() else {
                return Err(SqlError::syntax(
                    format!("improper qualified name (too many dotted names): {name}"),
                    None,
                ));
            };
            match crate::catalog::schema_oid(&ctx.namespaces()?, schema) {
                Some(oid) => (oid, PG_NAMESPACE, 0),
                None => return Err(undefined_schema(schema)),
            }
        }
        CommentObject::Type | CommentObject::Domain => {
            let (objoid, classoid) = super::types::comment_target(ctx, name)?;
            (objoid, classoid, 0)
        }
        CommentObject::Function | CommentObject::Procedure => {
            let desc = sqlparser::ast::FunctionDesc {
                name: name.clone(),
                args: None,
            };
            return comment_on(
                ctx,
                &crate::parser::comment::CommentOn {
                    target: crate::parser::comment::CommentTarget::Function(desc),
                    text: text.map(str::to_owned),
                },
            );
        }
        other => return Err(SqlError::unsupported(format!("COMMENT ON {other}"))),
    };
    let xid = ctx.write_xid("COMMENT")?;
    set_description(ctx, xid, objoid, classoid, subid, text)
}

/// COMMENT ON FUNCTION f(args) / TRIGGER t ON table.
pub fn comment_on(ctx: &mut Stmt<'_>, c: &crate::parser::comment::CommentOn) -> Result<()> {
    use crate::parser::comment::CommentTarget;
    ctx.check_writable("COMMENT")?;
    let (objoid, classoid) = match &c.target {
        CommentTarget::Function(desc) => {
            let Some(f) = super::function::find_function(
                ctx,
                desc,
                false,
                crate::parser::RoutineKind::Routine,
            )?
            else {
                return Ok(());
            };
            (f.oid, system::PG_PROC.oid)
        }
        CommentTarget::Trigger { name, table } => {
            let parts = object_name(table);
            let (schema, rel) = split_name(ctx, &parts)?;
            let Some(def) = ctx.open_table(schema, rel, LockMode::ShareUpdateExclusive)? else {
                return Err(undefined_table("relation", rel));
            };
            let Some(t) = def.triggers.iter().find(|t| t.name == *name) else {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("trigger \"{name}\" for table \"{rel}\" does not exist"),
                ));
            };
            (t.oid, system::PG_TRIGGER.oid)
        }
    };
    let xid = ctx.write_xid("COMMENT")?;
    set_description(ctx, xid, objoid, classoid, 0, c.text.as_deref())
}

/// `COMMENT ON CONSTRAINT name ON table`'s target: the constraint's
/// pg_constraint row (42704 if the table has none of that name).
fn constraint_target(ctx: &mut Stmt<'_>, parts: &[String]) -> Result<(u32, u32, i32)> {
    let Some((name, table)) = parts.split_last() else {
        return Err(SqlError::internal("empty constraint name"));
    };
    let (schema, rel) = split_name(ctx, table)?;
    let Some(def) = ctx.open_table(schema, rel, LockMode::ShareUpdateExclusive)? else {
        return Err(undefined_table("relation", rel));
    };
    let found = ctx
        .catalog()
        .rows(&system::PG_CONSTRAINT)?
        .into_iter()
        .find(|(_, r)| oid_of(&r[4]) == def.oid && crate::catalog::text_of(&r[1]) == *name);
    match found {
        Some((_, r)) => Ok((oid_of(&r[0]), system::PG_CONSTRAINT.oid, 0)),
        None => Err(SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("constraint \"{name}\" for table \"{rel}\" does not exist"),
        )),
    }
}

/// Replaces the comment on (objoid, classoid, subid) with `text` (none
/// when None or empty).
fn set_description(
    ctx: &mut Stmt<'_>,
    xid: u32,
    objoid: u32,
    classoid: u32,
    subid: i32,
    text: Option<&str>,
) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, r) in cat.rows_where(&system::PG_DESCRIPTION, 0, objoid)? {
        if oid_of(&r[1]) == classoid && r[2] == Value::Int4(subid) {
            cat.delete(&system::PG_DESCRIPTION, tid, &who)?;
        }
    }
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        cat.insert(
            &system::PG_DESCRIPTION,
            &[
                Value::Oid(objoid),
                Value::Oid(classoid),
                Value::Int4(subid),
                Value::Text(t.to_owned()),
            ],
            &who,
        )?;
    }
    Ok(())
}

/// Removes every comment on object `objoid` (a dropped relation with its
/// columns, or a dropped schema).
pub(super) fn remove_descriptions(ctx: &mut Stmt<'_>, xid: u32, objoid: u32) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, _) in cat.rows_where(&system::PG_DESCRIPTION, 0, objoid)? {
        cat.delete(&system::PG_DESCRIPTION, tid, &who)?;
    }
    Ok(())
}
