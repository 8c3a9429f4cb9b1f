//! Table inheritance: CREATE TABLE ... INHERITS (parents). A child takes
//! its parents' columns (merged by name with its own, as PostgreSQL
//! merges them, with its notices) and CHECK constraints; reading a parent
//! reads its children too unless ONLY (binder/inherit.rs), UPDATE and
//! DELETE reach them as well, INSERT goes to the table named.

use std::sync::Arc;

use sqlparser::ast;

use crate::binder::object_name;
use crate::catalog::{system, CheckDef, ColumnDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::value::Value;
use actorgres_storage::lock::LockMode;

/// The parents INHERITS names, checked as PostgreSQL checks them.
pub(super) fn open_parents(
    ctx: &mut Stmt<'_>,
    names: &[ast::ObjectName],
    temporary: bool,
) -> Result<Vec<Arc<TableDef>>> {
    let mut out: Vec<Arc<TableDef>> = Vec::new();
    for n in names {
        let parts = object_name(n);
        let (schema, name) = super::split_name(ctx, &parts)?;
        let Some(p) = ctx.open_table(schema, name, LockMode::ShareUpdateExclusive)? else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_TABLE,
                format!("relation \"{name}\" does not exist"),
            ));
        };
        let wrong = |m: String| SqlError::new(SqlState::WRONG_OBJECT_TYPE, m);
        if p.view.is_some() || p.sequence.is_some() || p.system {
            return Err(wrong(format!(
                "inherited relation \"{}\" is not a table or foreign table",
                p.name
            )));
        }
        if p.partition_key.is_some() {
            return Err(wrong(format!(
                "cannot inherit from partitioned table \"{}\"",
                p.name
            )));
        }
        if p.partition_of.is_some() {
            return Err(wrong(format!(
                "cannot inherit from partition \"{}\"",
                p.name
            )));
        }
        if p.rel.is_temp() && !temporary {
            return Err(wrong(format!(
                "cannot inherit from temporary relation \"{}\"",
                p.name
            )));
        }
        ctx.check_own_temp_for(&p, "inherit from")?;
        if out.iter().any(|o| o.oid == p.oid) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_TABLE,
                format!(
                    "relation \"{}\" would be inherited from more than once",
                    p.name
                ),
            ));
        }
        out.push(p);
    }
    Ok(out)
}

fn type_conflict(message: String, a: &ColumnDef, b: &ColumnDef) -> SqlError {
    SqlError::new(SqlState::DATATYPE_MISMATCH, message).with_detail(format!(
        "{} versus {}",
        crate::func::format_type(a.ty, a.typmod),
        crate::func::format_type(b.ty, b.typmod)
    ))
}

/// The parents' columns, then the child's own: a name met again is merged
/// (types must agree; NOT NULL adds up; the child's DEFAULT wins). Returns
/// the columns and, for each own column, its position among them.
pub(super) fn merge_columns(
    ctx: &mut Stmt<'_>,
    parents: &[Arc<TableDef>],
    own: Vec<ColumnDef>,
) -> Result<(Vec<ColumnDef>, Vec<usize>)> {
    let mut out: Vec<ColumnDef> = Vec::new();
    for p in parents {
        for (_, c) in p.live() {
            match out.iter_mut().find(|o| o.name == c.name) {
                Some(o) => {
                    ctx.notices.push(SqlError::notice(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!(
                            "merging multiple inherited definitions of column \"{}\"",
                            c.name
                        ),
                    ));
                    if o.ty != c.ty || o.typmod != c.typmod {
                        return Err(type_conflict(
                            format!("inherited column \"{}\" has a type conflict", c.name),
                            o,
                            c,
                        ));
                    }
                    o.not_null |= c.not_null;
                    o.origin.inherited += 1;
                }
                None => out.push(ColumnDef {
                    identity: None,
                    origin: crate::catalog::ColumnOrigin::inherited(1),
                    ..c.clone()
                }),
            }
        }
    }
    let mut positions = Vec::with_capacity(own.len());
    for c in own {
        match out.iter().position(|o| o.name == c.name) {
            Some(i) => {
                // PostgreSQL's test: the same place among the inherited
                // columns as among the table's own.
                let own_place = positions.len();
                let notice = if i == own_place {
                    SqlError::notice(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!("merging column \"{}\" with inherited definition", c.name),
                    )
                } else {
                    SqlError::notice(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!(
                            "moving and merging column \"{}\" with inherited definition",
                            c.name
                        ),
                    )
                    .with_detail(
                        "User-specified column moved to the position of the inherited column.",
                    )
                };
                ctx.notices.push(notice);
                let o = &mut out[i];
                if o.ty != c.ty || o.typmod != c.typmod {
                    return Err(type_conflict(
                        format!("column \"{}\" has a type conflict", c.name),
                        o,
                        &c,
                    ));
                }
                o.not_null |= c.not_null;
                if c.default.is_some() {
                    o.default = c.default;
                    o.generated = c.generated;
                }
                if c.identity.is_some() {
                    o.identity = c.identity;
                }
                o.origin.local = true;
                positions.push(i);
            }
            None => {
                positions.push(out.len());
                out.push(c);
            }
        }
    }
    Ok((out, positions))
}

/// The parents' CHECK constraints, each once by name.
pub(super) fn inherited_checks(parents: &[Arc<TableDef>]) -> Vec<CheckDef> {
    let mut out: Vec<CheckDef> = Vec::new();
    for p in parents {
        for c in p.checks.iter().filter(|c| !c.no_inherit) {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// Records the child's parents in pg_inherits, in order.
pub(super) fn store_parents(
    ctx: &mut Stmt<'_>,
    xid: u32,
    child: u32,
    parents: &[Arc<TableDef>],
) -> Result<()> {
    let who = ctx.actor(xid);
    for (n, p) in parents.iter().enumerate() {
        ctx.catalog().insert(
            &system::PG_INHERITS,
            &[
                Value::Oid(child),
                Value::Oid(p.oid),
                Value::Int4(n as i32 + 1),
                Value::Null,
            ],
            &who,
        )?;
    }
    if !parents.is_empty() {
        ctx.catalog_changed();
    }
    Ok(())
}

/// Every table inheriting from `def`, directly or not, each once, with
/// the name of the parent it was reached from: level by level (the order
/// PostgreSQL scans them in) when `by_level`, else depth first (the order
/// of its DROP messages).
pub(crate) fn descendants(
    ctx: &mut Stmt<'_>,
    def: &TableDef,
    by_level: bool,
    mode: LockMode,
) -> Result<Vec<(Arc<TableDef>, String)>> {
    let mut out: Vec<(Arc<TableDef>, String)> = Vec::new();
    let mut todo: std::collections::VecDeque<(u32, String)> = def
        .inheritors
        .iter()
        .map(|&o| (o, def.name.clone()))
        .collect();
    while let Some((oid, parent)) = todo.pop_front() {
        if oid == def.oid || out.iter().any(|(t, _)| t.oid == oid) || out.len() > 10_000 {
            continue;
        }
        if let Some(t) = ctx.open_table_by_oid(oid, mode)? {
            let next = t.inheritors.iter().map(|&o| (o, t.name.clone()));
            if by_level {
                todo.extend(next);
            } else {
                for (i, n) in next.enumerate() {
                    todo.insert(i, n);
                }
            }
            out.push((t, parent));
        }
    }
    Ok(out)
}

/// 42P07: `parent` would inherit from itself through `child`.
pub(super) fn circular(parent: &str, child: &str) -> SqlError {
    SqlError::new(
        SqlState::DUPLICATE_TABLE,
        "circular inheritance not allowed",
    )
    .with_detail(format!("\"{parent}\" is already a child of \"{child}\"."))
}

/// 42809 for changing the parents of a partition.
fn not_a_partition(child: &TableDef) -> Result<()> {
    if child.partition_of.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            "cannot change inheritance of a partition",
        ));
    }
    Ok(())
}

/// ALTER TABLE child INHERIT parent: the child must have every column of
/// the parent with its type and every CHECK constraint of it (42804), and
/// may not be the parent or one of its ancestors (42P07).
pub(super) fn add_parent(
    ctx: &mut Stmt<'_>,
    xid: u32,
    child: &TableDef,
    name: &ast::ObjectName,
) -> Result<()> {
    not_a_partition(child)?;
    if child.partition_key.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            "cannot change inheritance of partitioned table",
        ));
    }
    if child.of_type.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            "cannot change inheritance of typed table",
        ));
    }
    let Some(parent) = open_parents(ctx, std::slice::from_ref(name), child.rel.is_temp())?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    if child.parents.contains(&parent.oid) {
        return Err(SqlError::new(
            SqlState::DUPLICATE_TABLE,
            format!(
                "relation \"{}\" would be inherited from more than once",
                parent.name
            ),
        ));
    }
    // The parent may not be the child or descend from it.
    if parent.oid == child.oid
        || descendants(ctx, child, true, LockMode::AccessShare)?
            .iter()
            .any(|(d, _)| d.oid == parent.oid)
    {
        return Err(circular(&parent.name, &child.name));
    }
    for (_, p) in parent.live() {
        let Some(i) = child.find(&p.name) else {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("child table is missing column \"{}\"", p.name),
            ));
        };
        let c = &child.columns[i];
        if c.ty != p.ty || c.typmod != p.typmod {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "child table \"{}\" has different type for column \"{}\"",
                    child.name, p.name
                ),
            ));
        }
        if p.not_null && !c.not_null {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "column \"{}\" in child table must be marked NOT NULL",
                    p.name
                ),
            ));
        }
    }
    for ck in parent.checks.iter().filter(|c| !c.no_inherit) {
        if !child.checks.iter().any(|c| c.name == ck.name) {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!("child table is missing constraint \"{}\"", ck.name),
            ));
        }
    }
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_INHERITS,
        &[
            Value::Oid(child.oid),
            Value::Oid(parent.oid),
            Value::Int4(child.parents.len() as i32 + 1),
            Value::Null,
        ],
        &who,
    )?;
    for (_, c) in parent.live() {
        super::alter::set_origin(ctx, xid, child.oid, &c.name, |o| o.inherited += 1)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// ALTER TABLE child NO INHERIT parent (42P01 when it is not a parent).
pub(super) fn remove_parent(
    ctx: &mut Stmt<'_>,
    xid: u32,
    child: &TableDef,
    name: &ast::ObjectName,
) -> Result<()> {
    not_a_partition(child)?;
    let parts = object_name(name);
    let (schema, pname) = super::split_name(ctx, &parts)?;
    let Some(parent) = ctx.open_table(schema, pname, LockMode::ShareUpdateExclusive)? else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!("relation \"{pname}\" does not exist"),
        ));
    };
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    let mut found = false;
    for (tid, r) in cat.rows_where(&system::PG_INHERITS, 0, child.oid)? {
        if crate::catalog::oid_of(&r[1]) == parent.oid && r[3].is_null() {
            cat.delete(&system::PG_INHERITS, tid, &who)?;
            found = true;
        }
    }
    if !found {
        return Err(SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!(
                "relation \"{}\" is not a parent of relation \"{}\"",
                parent.name, child.name
            ),
        ));
    }
    // The columns it gave become the child's own once no parent gives them.
    for (_, c) in parent.live() {
        super::alter::set_origin(ctx, xid, child.oid, &c.name, |o| {
            o.inherited = (o.inherited - 1).max(0);
            if o.inherited == 0 {
                o.local = true;
            }
        })?;
    }
    ctx.catalog_changed();
    Ok(())
}
