//! FOREIGN KEY constraints: created by CREATE TABLE (column REFERENCES,
//! table FOREIGN KEY) and ALTER TABLE ADD CONSTRAINT, existing rows
//! checked with one anti-join (unless NOT VALID); enforced by
//! table/fkey.rs.

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{self, ReferentialAction};

use super::{split_name, undefined_table};
use crate::binder::{ident, object_name};
use crate::cast::{can_coerce, CoercionContext};
use crate::catalog::{system, ForeignKeyDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::value::Value;

fn action(a: Option<&ReferentialAction>) -> char {
    match a {
        Some(ReferentialAction::Restrict) => 'r',
        Some(ReferentialAction::Cascade) => 'c',
        Some(ReferentialAction::SetNull) => 'n',
        Some(ReferentialAction::SetDefault) => 'd',
        Some(ReferentialAction::NoAction) | None => 'a',
    }
}

/// The name PostgreSQL gives a foreign key: `table_col1_col2_fkey`, with
/// a number appended until no constraint of the table has it.
fn fkey_name(table: &str, columns: &[String], taken: &[String]) -> String {
    super::create::unique_name(format!("{table}_{}_fkey", columns.join("_")), taken)
}

/// Adds foreign key `spec` to table `def` (already in the catalog);
/// `column` is the column of a column-level REFERENCES. Existing rows are
/// checked when `check_rows` (a new table has none).
pub(super) fn add_foreign_key(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    spec: &ast::ForeignKeyConstraint,
    column: Option<&str>,
    not_valid: bool,
    check_rows: bool,
) -> Result<()> {
    let undefined = |c: &str| {
        if matches!(c, "tableoid" | "ctid" | "xmin" | "cmin" | "xmax" | "cmax") {
            return SqlError::new(
                SqlState::INVALID_FOREIGN_KEY,
                "system columns cannot be used in foreign keys",
            );
        }
        SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!("column \"{c}\" referenced in foreign key constraint does not exist"),
        )
    };
    let names: Vec<String> = match column {
        Some(c) => vec![c.to_owned()],
        None => spec.columns.iter().map(ident).collect(),
    };
    let mut columns = Vec::with_capacity(names.len());
    for n in &names {
        let i = def.find(n).ok_or_else(|| undefined(n))?;
        columns.push((i, n.clone()));
    }
    let parts = object_name(&spec.foreign_table);
    let (schema, parent_name) = split_name(ctx, &parts)?;
    let own_schema = ctx.namespace_name(def.namespace)?;
    let parent = if parent_name == def.name && schema.is_none_or(|s| s == own_schema) {
        std::sync::Arc::new(def.clone())
    } else {
        ctx.open_table(schema, parent_name, LockMode::ShareRowExclusive)?
            .ok_or_else(|| undefined_table("relation", parent_name))?
    };
    if parent.view.is_some() || parent.sequence.is_some() || parent.system {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("referenced relation \"{}\" is not a table", parent.name),
        ));
    }
    let ref_columns: Vec<(usize, String)> = if spec.referred_columns.is_empty() {
        let pk = parent.indexes.iter().find(|i| i.primary).ok_or_else(|| {
            SqlError::new(
                SqlState::INVALID_FOREIGN_KEY,
                format!(
                    "there is no primary key for referenced table \"{}\"",
                    parent.name
                ),
            )
        })?;
        pk.columns
            .iter()
            .map(|&i| (i, parent.columns[i].name.clone()))
            .collect()
    } else {
        let mut out = Vec::new();
        for c in &spec.referred_columns {
            let n = ident(c);
            let i = parent.find(&n).ok_or_else(|| undefined(&n))?;
            out.push((i, n));
        }
        out
    };
    if ref_columns.len() != columns.len() {
        return Err(SqlError::new(
            SqlState::INVALID_FOREIGN_KEY,
            "number of referencing and referenced columns for foreign key disagree",
        ));
    }
    let wanted: Vec<usize> = ref_columns.iter().map(|(i, _)| *i).collect();
    if !parent.indexes.iter().any(|ix| {
        ix.unique
            && ix.exprs.is_none()
            && ix.columns.len() == wanted.len()
            && wanted.iter().all(|c| ix.columns.contains(c))
    }) {
        return Err(SqlError::new(
            SqlState::INVALID_FOREIGN_KEY,
            format!(
                "there is no unique constraint matching given keys for referenced table \"{}\"",
                parent.name
            ),
        ));
    }
    let taken: Vec<String> = constraint_names(ctx, def.oid)?;
    let name = match &spec.name {
        Some(n) => {
            let n = ident(n);
            if taken.contains(&n) {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!(
                        "constraint \"{n}\" for relation \"{}\" already exists",
                        def.name
                    ),
                ));
            }
            n
        }
        None => fkey_name(&def.name, &names, &taken),
    };
    let types: Vec<_> = columns.iter().map(|(i, _)| def.columns[*i].ty).collect();
    let ref_types: Vec<_> = ref_columns
        .iter()
        .map(|(i, _)| parent.columns[*i].ty)
        .collect();
    key_types_fit(&name, &columns, &ref_columns, &types, &ref_types)?;
    let (deferrable, deferred) = match &spec.characteristics {
        Some(c) => {
            let deferred = c.initially == Some(ast::DeferrableInitial::Deferred);
            if deferred && c.deferrable == Some(false) {
                return Err(SqlError::syntax(
                    "constraint declared INITIALLY DEFERRED must be DEFERRABLE",
                    None,
                ));
            }
            (c.deferrable.unwrap_or(deferred), deferred)
        }
        None => (false, false),
    };
    let fk = ForeignKeyDef {
        oid: ctx.engine().new_oid()?,
        name,
        table: (def.oid, def.name.clone()),
        schema: own_schema,
        columns,
        ref_table: (parent.oid, parent.name.clone()),
        ref_schema: ctx.namespace_name(parent.namespace)?,
        ref_columns,
        types,
        ref_types,
        on_update: action(spec.on_update.as_ref()),
        on_delete: action(spec.on_delete.as_ref()),
        match_type: match spec.match_kind {
            Some(ast::ConstraintReferenceMatchKind::Full) => 'f',
            _ => 's',
        },
        deferrable,
        deferred,
        validated: !not_valid,
    };
    record(ctx, xid, def, &fk)?;
    if check_rows && !not_valid {
        validate(ctx, &fk)?;
    }
    Ok(())
}

/// Gives partition `child` (and its own partitions) a copy of foreign
/// key `fk` of its parent, under the same name (as PostgreSQL does), its
/// columns found by name.
pub(super) fn clone_foreign_key(
    ctx: &mut Stmt<'_>,
    xid: u32,
    child: &TableDef,
    fk: &ForeignKeyDef,
) -> Result<()> {
    let mut columns = Vec::with_capacity(fk.columns.len());
    for (_, n) in &fk.columns {
        let Some(i) = child.find(n) else {
            return Err(SqlError::internal(format!(
                "partition \"{}\" lacks column \"{n}\" of a foreign key",
                child.name
            )));
        };
        columns.push((i, n.clone()));
    }
    let copy = ForeignKeyDef {
        oid: ctx.engine().new_oid()?,
        table: (child.oid, child.name.clone()),
        columns,
        ..fk.clone()
    };
    record(ctx, xid, child, &copy)
}

/// Stores foreign key `fk` of table `def` in pg_constraint; a partitioned
/// table's foreign key is checked by each partition, so each gets a copy.
fn record(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, fk: &ForeignKeyDef) -> Result<()> {
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_CONSTRAINT,
        &[
            Value::Oid(fk.oid),
            Value::Text(fk.name.clone()),
            Value::Oid(def.namespace),
            Value::Text("f".into()),
            Value::Oid(def.oid),
            Value::Text(fk.encode()),
        ],
        &who,
    )?;
    ctx.catalog_changed();
    for part in super::partition::partitions(ctx, def)? {
        clone_foreign_key(ctx, xid, &part, fk)?;
    }
    Ok(())
}

/// Names of the constraints of table `oid`.
fn constraint_names(ctx: &Stmt<'_>, oid: u32) -> Result<Vec<String>> {
    Ok(ctx
        .catalog()
        .rows_where(&system::PG_CONSTRAINT, 4, oid)?
        .iter()
        .map(|(_, r)| crate::catalog::text_of(&r[1]))
        .collect())
}

/// Checks every existing referencing row of `fk` with one anti-join:
/// 23503 for the first key not in the referenced table.
pub(super) fn validate(ctx: &mut Stmt<'_>, fk: &ForeignKeyDef) -> Result<()> {
    let q = crate::func::quote_ident;
    let cols: Vec<String> = fk
        .columns
        .iter()
        .map(|(_, c)| format!("c.{}", q(c)))
        .collect();
    let not_null: Vec<String> = cols.iter().map(|c| format!("{c} IS NOT NULL")).collect();
    let joined: Vec<String> = fk
        .columns
        .iter()
        .zip(&fk.ref_columns)
        .map(|((_, a), (_, b))| format!("p.{} = c.{}", q(b), q(a)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {}) LIMIT 1",
        cols.join(", "),
        crate::table::qualified(&fk.schema, &fk.table.1),
        not_null.join(" AND "),
        crate::table::qualified(&fk.ref_schema, &fk.ref_table.1),
        joined.join(" AND ")
    );
    // PostgreSQL checks existing rows with the referenced table owner's
    // rights (RI_Initial_Check falls back to its triggers): no
    // privilege of the current user is needed to read either table.
    let found = ctx.as_role(crate::catalog::roles::BOOTSTRAP_SUPERUSER_NAME, |ctx| {
        ctx.run_internal(&sql, &[], &[])
    })?;
    let Some(row) = found.rows.first() else {
        return Ok(());
    };
    let names: Vec<&str> = fk.columns.iter().map(|(_, n)| n.as_str()).collect();
    let values: Vec<String> = row
        .iter()
        .map(|v| v.to_text(ctx.style).unwrap_or_else(|| "null".into()))
        .collect();
    Err(SqlError::new(
        SqlState::FOREIGN_KEY_VIOLATION,
        format!(
            "insert or update on table \"{}\" violates foreign key constraint \"{}\"",
            fk.table.1, fk.name
        ),
    )
    .with_detail(format!(
        "Key ({})=({}) is not present in table \"{}\".",
        names.join(", "),
        values.join(", "),
        fk.ref_table.1
    )))
}

/// ALTER TABLE t ALTER CONSTRAINT c [NOT] DEFERRABLE [INITIALLY ...]: a
/// foreign key's deferrability (42704 for no such constraint, 42809 for
/// one that is not a foreign key).
pub fn alter_constraint(
    ctx: &mut Stmt<'_>,
    table: &[String],
    name: &str,
    deferrable: bool,
    deferred: bool,
) -> Result<()> {
    ctx.check_writable("ALTER TABLE")?;
    let (schema, rel) = super::split_name(ctx, table)?;
    let Some(def) = ctx.open_table(schema, rel, LockMode::ShareRowExclusive)? else {
        return Err(super::undefined_table("relation", rel));
    };
    let found = ctx
        .catalog()
        .rows(&crate::catalog::system::PG_CONSTRAINT)?
        .into_iter()
        .find(|(_, r)| {
            crate::catalog::oid_of(&r[4]) == def.oid && crate::catalog::text_of(&r[1]) == name
        });
    let Some((tid, mut row)) = found else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("constraint \"{name}\" of relation \"{rel}\" does not exist"),
        ));
    };
    if crate::catalog::text_of(&row[3]) != "f" {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("constraint \"{name}\" of relation \"{rel}\" is not a foreign key constraint"),
        ));
    }
    let text = crate::catalog::text_of(&row[5])
        .split(';')
        .map(|part| match part.split_once('=') {
            Some(("deferrable", _)) => format!("deferrable={deferrable}"),
            Some(("deferred", _)) => format!("deferred={deferred}"),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";");
    row[5] = Value::Text(text);
    let xid = ctx.write_xid("ALTER TABLE")?;
    let who = ctx.actor(xid);
    ctx.catalog()
        .update(&crate::catalog::system::PG_CONSTRAINT, tid, &row, &who)?;
    ctx.catalog_changed();
    Ok(())
}

/// Whether two types share a B-tree operator family with cross-type
/// equality (integer_ops, float_ops, datetime_ops, text_ops).
fn same_btree_family(a: crate::types::DataType, b: crate::types::DataType) -> bool {
    use crate::types::DataType::*;
    let family = |t| match t {
        Int2 | Int4 | Int8 => 1,
        Float4 | Float8 => 2,
        Date | Timestamp | TimestampTz => 3,
        Text | Varchar | Name => 4,
        _ => 0,
    };
    family(a) != 0 && family(a) == family(b)
}

/// PostgreSQL's rule for a foreign key's column pairs: an equality
/// operator of the referenced column's operator family takes the
/// referencing type, or that type coerces implicitly to the referenced
/// one (42804 "cannot be implemented" otherwise).
fn key_types_fit(
    name: &str,
    columns: &[(usize, String)],
    ref_columns: &[(usize, String)],
    types: &[crate::types::DataType],
    ref_types: &[crate::types::DataType],
) -> Result<()> {
    for (((_, an), (_, bn)), (ta, tb)) in columns
        .iter()
        .zip(ref_columns)
        .zip(types.iter().zip(ref_types))
    {
        if ta != tb
            && !same_btree_family(*ta, *tb)
            && !can_coerce(*ta, *tb, CoercionContext::Implicit)
        {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("foreign key constraint \"{name}\" cannot be implemented"),
            )
            .with_detail(format!(
                "Key columns \"{an}\" and \"{bn}\" are of incompatible types: {} and {}.",
                crate::func::format_type(*ta, -1),
                crate::func::format_type(*tb, -1)
            )));
        }
    }
    Ok(())
}

/// [`key_types_fit`] for an existing foreign key (after a column of it
/// changed type).
pub(super) fn check_key_types(fk: &ForeignKeyDef) -> Result<()> {
    key_types_fit(
        &fk.name,
        &fk.columns,
        &fk.ref_columns,
        &fk.types,
        &fk.ref_types,
    )
}
