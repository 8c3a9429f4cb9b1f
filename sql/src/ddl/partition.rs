//! Partitioned tables: CREATE TABLE ... PARTITION BY, CREATE TABLE ...
//! PARTITION OF, ALTER TABLE ... ATTACH / DETACH PARTITION.
//!
//! The key is stored in pg_partitioned_table, each partition's parent and
//! bound in pg_inherits (bounds and routing: `table/partition.rs`). A
//! partition takes its parent's columns, CHECK constraints and indexes; an
//! index made on a partitioned table later is made on each partition.

use std::sync::Arc;

use sqlparser::ast;

use super::create::NewColumn;
use super::index::{add_index, Kind, NewIndex};
use crate::binder::{ident, object_name};
use crate::catalog::{system, CheckDef, ColumnDef, PartitionKey, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::table::partition::{self, Bound};
use crate::value::Value;

/// The key of `PARTITION BY strategy (columns)` for a table with
/// `columns`.
pub(super) fn partition_key(by: &ast::Expr, columns: &[ColumnDef]) -> Result<PartitionKey> {
    let ast::Expr::Function(f) = by else {
        return Err(SqlError::syntax(
            format!("syntax error at or near \"{by}\""),
            None,
        ));
    };
    let strategy = match object_name(&f.name).join(".").to_lowercase().as_str() {
        "range" => 'r',
        "list" => 'l',
        "hash" => 'h',
        other => {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!("unrecognized partitioning strategy \"{other}\""),
            ))
        }
    };
    let args = match &f.args {
        ast::FunctionArguments::List(l) => l.args.as_slice(),
        _ => &[],
    };
    let mut attrs = Vec::with_capacity(args.len());
    for a in args {
        let e = match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => e,
            other => return Err(SqlError::unsupported(format!("the partition key {other}"))),
        };
        let e = match e {
            ast::Expr::Collate { expr, .. } => expr.as_ref(),
            e => e,
        };
        let name = match e {
            ast::Expr::Identifier(i) => ident(i),
            other => {
                return Err(SqlError::unsupported(format!(
                    "the partition key expression {other}"
                )))
            }
        };
        let Some(i) = columns.iter().position(|c| c.name == name && !c.dropped) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_COLUMN,
                format!("column \"{name}\" named in partition key does not exist"),
            ));
        };
        // The key needs the method's default operator class.
        let (am, needs) = if strategy == 'h' {
            ("hash", columns[i].ty.has_equality())
        } else {
            ("btree", columns[i].ty.has_ordering())
        };
        if !needs {
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!(
                    "data type {} has no default operator class for access method \"{am}\"",
                    columns[i].ty
                ),
            )
            .with_hint(format!("You must specify a {am} operator class or define a default {am} operator class for the data type.")));
        }
        attrs.push(i);
    }
    if attrs.is_empty() {
        return Err(SqlError::syntax("syntax error at or near \")\"", None));
    }
    if strategy == 'l' && attrs.len() > 1 {
        return Err(SqlError::new(
            SqlState::INVALID_OBJECT_DEFINITION,
            "cannot use \"list\" partition strategy with more than one column",
        ));
    }
    Ok(PartitionKey {
        strategy,
        columns: attrs,
    })
}

/// Writes a partitioned table's pg_partitioned_table row.
pub(super) fn store_key(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef) -> Result<()> {
    let Some(key) = &def.partition_key else {
        return Ok(());
    };
    let attrs: Vec<String> = key.columns.iter().map(|c| (c + 1).to_string()).collect();
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_PARTITIONED_TABLE,
        &[
            Value::Oid(def.oid),
            Value::Text(key.strategy.to_string()),
            Value::Text(attrs.join(" ")),
        ],
        &who,
    )?;
    Ok(())
}

/// The parent named by PARTITION OF: a partitioned table of the same
/// persistence (42809 otherwise).
pub(super) fn parent_of(
    ctx: &mut Stmt<'_>,
    name: &ast::ObjectName,
    temporary: bool,
) -> Result<Arc<TableDef>> {
    let parent = crate::table::target(ctx, name)?;
    if parent.partition_key.is_none() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not partitioned", parent.name),
        ));
    }
    check_persistence(&parent, temporary, &parent.name)?;
    Ok(parent)
}

fn check_persistence(parent: &TableDef, temporary: bool, name: &str) -> Result<()> {
    match (parent.rel.is_temp(), temporary) {
        (false, true) => Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!(
                "cannot create a temporary relation as partition of permanent relation \"{name}\""
            ),
        )),
        (true, false) => Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!(
                "cannot create a permanent relation as partition of temporary relation \"{name}\""
            ),
        )),
        _ => Ok(()),
    }
}

/// A partition's columns: its parent's, with what the partition's own
/// column list adds (NOT NULL, DEFAULT, CHECK, keys) applied; `extra`
/// receives the column CHECK and key clauses as new_column returns them.
pub(super) fn partition_columns(
    ctx: &Stmt<'_>,
    parent: &TableDef,
    ct: &ast::CreateTable,
    name: &str,
    mut extra: impl FnMut(NewColumn),
) -> Result<Vec<ColumnDef>> {
    let mut columns: Vec<ColumnDef> = parent
        .live()
        .map(|(_, c)| ColumnDef {
            identity: None,
            origin: crate::catalog::ColumnOrigin::inherited(1),
            ..c.clone()
        })
        .collect();
    for c in &ct.columns {
        let cname = ident(&c.name);
        let Some(col) = columns.iter_mut().find(|x| x.name == cname) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_COLUMN,
                format!("column \"{cname}\" does not exist"),
            ));
        };
        let nc = super::create::new_column_typed(c, name, ctx, Some((col.ty, col.typmod)))?;
        col.not_null |= nc.def.not_null;
        if nc.def.default.is_some() {
            col.default.clone_from(&nc.def.default);
        }
        extra(nc);
    }
    Ok(columns)
}

/// The parent's CHECK constraints, as the partition inherits them.
pub(super) fn inherited_checks(parent: &TableDef) -> Vec<CheckDef> {
    parent
        .checks
        .iter()
        .filter(|c| !c.no_inherit)
        .cloned()
        .collect()
}

/// Reads a FOR VALUES clause of a new partition of `parent`, evaluating
/// its expressions as the key columns' types.
fn read_bound(ctx: &mut Stmt<'_>, parent: &TableDef, fv: &ast::ForValues) -> Result<Bound> {
    let key = parent
        .partition_key
        .clone()
        .ok_or_else(|| SqlError::internal("bound for a table that is not partitioned"))?;
    let types = partition::key_types(parent, &key);
    let style = ctx.style.clone();
    let db = ctx.db;
    partition::bound_of(fv, &key, &mut |e, k| {
        let (ty, typmod) = types[k];
        let text = e.to_string();
        let bound =
            crate::table::bind_stored(db, &text, &style, &Default::default(), |_, e| Ok(e))?;
        let mut eval = ctx.eval_ctx();
        let v = bound.eval(&[], &mut eval)?;
        crate::cast::cast_value(v, bound.ty, ty, typmod, true, &style)
    })
}

/// Checks a new partition's bound against its siblings (42P17 on an
/// overlap, a second default or an empty range; 23514 when the default
/// partition holds rows the new bound would take) and records it.
pub(super) fn attach(
    ctx: &mut Stmt<'_>,
    xid: u32,
    parent: &Arc<TableDef>,
    child: &TableDef,
    fv: &ast::ForValues,
) -> Result<()> {
    let bound = read_bound(ctx, parent, fv)?;
    let style = ctx.style.clone();
    partition::check_range_order(&bound, &child.name, &style)?;
    let router = open_router(ctx, parent)?;
    for p in &router.parts {
        if bound == Bound::Default && p.bound == Bound::Default {
            return Err(SqlError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                format!(
                    "partition \"{}\" conflicts with existing default partition \"{}\"",
                    child.name, p.def.name
                ),
            ));
        }
        if let (Bound::Hash(m_new, _), Bound::Hash(m_old, _)) = (&bound, &p.bound) {
            let (small, large) = if m_new <= m_old {
                (m_new, m_old)
            } else {
                (m_old, m_new)
            };
            if large % small != 0 {
                let detail = if m_new < m_old {
                    format!(
                        "The new modulus {m_new} is not a factor of {m_old}, the modulus of existing partition \"{}\".",
                        p.def.name
                    )
                } else {
                    format!(
                        "The new modulus {m_new} is not divisible by {m_old}, the modulus of existing partition \"{}\".",
                        p.def.name
                    )
                };
                return Err(SqlError::new(
                    SqlState::INVALID_OBJECT_DEFINITION,
                    "every hash partition modulus must be a factor of the next larger modulus",
                )
                .with_detail(detail));
            }
        }
        if partition::overlaps(&bound, &p.bound) {
            return Err(SqlError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                format!(
                    "partition \"{}\" would overlap partition \"{}\"",
                    child.name, p.def.name
                ),
            ));
        }
    }
    // Rows of the default partition that the new bound takes.
    if bound != Bound::Default {
        if let Some(default) = router.parts.iter().find(|p| p.bound == Bound::Default) {
            let key = parent.partition_key.clone().unwrap_or(PartitionKey {
                strategy: 'r',
                columns: Vec::new(),
            });
            let types = partition::key_types(parent, &key);
            let key_pos: Vec<usize> = key
                .columns
                .iter()
                .map(|c| parent.live().position(|(i, _)| i == *c).unwrap_or(0))
                .collect();
            let leaves = match &default.sub {
                Some(sub) => sub.leaves(),
                None => vec![(Arc::clone(&default.def), default.map.clone())],
            };
            for (leaf, map) in leaves {
                let name = default.def.name.clone();
                super::alter::each_row(ctx, &leaf, |row, _| {
                    // The row in the parent's layout.
                    let mut parent_row = vec![
                        Value::Null;
                        map.iter()
                            .copied()
                            .filter(|&p| p != usize::MAX)
                            .max()
                            .map_or(0, |m| m + 1)
                    ];
                    for (j, &p) in map.iter().enumerate() {
                        if let Some(slot) = parent_row.get_mut(p) {
                            *slot = row.get(j).cloned().unwrap_or(Value::Null);
                        }
                    }
                    let k: Vec<Value> = key_pos
                        .iter()
                        .map(|&p| parent_row.get(p).cloned().unwrap_or(Value::Null))
                        .collect();
                    if partition::holds(&bound, &k, &types) {
                        return Err(SqlError::new(
                            SqlState::CHECK_VIOLATION,
                            format!(
                                "updated partition constraint for default partition \"{name}\" would be violated by some row"
                            ),
                        ));
                    }
                    Ok(())
                })?;
            }
        }
    }
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_INHERITS,
        &[
            Value::Oid(child.oid),
            Value::Oid(parent.oid),
            Value::Int4(1),
            Value::Text(partition::bound_text(&bound, &style)),
        ],
        &who,
    )?;
    ctx.catalog_changed();
    Ok(())
}

/// The router of partitioned table `def` as this statement sees it.
pub(crate) fn open_router(ctx: &mut Stmt<'_>, def: &Arc<TableDef>) -> Result<partition::Router> {
    let style = ctx.style.clone();
    partition::Router::new(
        Arc::clone(def),
        &mut |oid| ctx.open_table_by_oid(oid, actorgres_storage::lock::LockMode::AccessShare),
        &style,
    )
}

/// Makes the parent's indexes on a new partition (named as PostgreSQL
/// names them: `<partition>_<columns>_idx`, `_key`, `_pkey`) and gives it
/// the parent's foreign keys.
pub(super) fn clone_indexes(
    ctx: &mut Stmt<'_>,
    xid: u32,
    parent: &TableDef,
    child: &TableDef,
) -> Result<()> {
    for fk in &parent.foreign_keys {
        if !child.foreign_keys.iter().any(|f| f.name == fk.name) {
            super::fkey::clone_foreign_key(ctx, xid, child, fk)?;
        }
    }
    for ix in &parent.indexes {
        let kind = if ix.primary {
            Kind::PrimaryKey
        } else if ix.unique {
            Kind::UniqueConstraint
        } else {
            Kind::Plain
        };
        ctx.txn.cid += 1;
        let now = ctx
            .catalog()
            .table_by_oid(child.oid)?
            .ok_or_else(|| SqlError::internal("a new partition is not in the catalog"))?;
        add_index(ctx, xid, &now, &NewIndex::like(parent, ix, kind), false)?;
    }
    Ok(())
}

/// A PRIMARY KEY or UNIQUE index on a partitioned table must hold every
/// key column (0A000 otherwise, as PostgreSQL).
pub(super) fn check_unique_key(def: &TableDef, attrs: &[usize], kind: &str) -> Result<()> {
    let Some(key) = &def.partition_key else {
        return Ok(());
    };
    for c in &key.columns {
        if !attrs.contains(c) {
            let col = def.columns.get(*c).map_or("", |c| c.name.as_str());
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "unique constraint on partitioned table must include all partitioning columns",
            )
            .with_detail(format!(
                "{kind} constraint on table \"{}\" lacks column \"{col}\" which is part of the partition key.",
                def.name
            )));
        }
    }
    Ok(())
}

/// The partitions of `def` (direct), read now.
pub(super) fn partitions(ctx: &Stmt<'_>, def: &TableDef) -> Result<Vec<TableDef>> {
    let mut out = Vec::new();
    for &oid in &def.partitions {
        if let Some(p) = ctx.catalog().table_by_oid(oid)? {
            out.push(p);
        }
    }
    Ok(out)
}

/// Forgets a partition's pg_inherits row (DETACH, or the partition
/// dropped).
pub(super) fn detach(ctx: &mut Stmt<'_>, xid: u32, child: u32) -> Result<bool> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    let mut found = false;
    for (tid, _) in cat.rows_where(&system::PG_INHERITS, 0, child)? {
        cat.delete(&system::PG_INHERITS, tid, &who)?;
        found = true;
    }
    if found {
        ctx.catalog_changed();
    }
    Ok(found)
}

/// Forgets a partitioned table's pg_partitioned_table row (it is
/// dropped).
pub(super) fn forget_key(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef) -> Result<()> {
    if def.partition_key.is_none() {
        return Ok(());
    }
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, _) in cat.rows_where(&system::PG_PARTITIONED_TABLE, 0, def.oid)? {
        cat.delete(&system::PG_PARTITIONED_TABLE, tid, &who)?;
    }
    Ok(())
}

/// Kind of a unique index, as the partition-key message names it.
pub(super) fn constraint_kind(kind: &Kind) -> &'static str {
    match kind {
        Kind::PrimaryKey => "PRIMARY KEY",
        _ => "UNIQUE",
    }
}

/// ALTER TABLE parent ATTACH PARTITION child FOR VALUES ...: the child's
/// columns must be the parent's (42804), its rows within the bound
/// (23514); it gains the parent's indexes it lacks.
pub(super) fn attach_table(
    ctx: &mut Stmt<'_>,
    xid: u32,
    parent: &Arc<TableDef>,
    name: &ast::ObjectName,
    fv: &ast::ForValues,
) -> Result<()> {
    if parent.partition_key.is_none() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("table \"{}\" is not partitioned", parent.name),
        ));
    }
    let child = crate::table::target(ctx, name)?;
    if child.partition_of.is_some() {
        return Err(SqlError::new(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("\"{}\" is already a partition", child.name),
        ));
    }
    if child.of_type.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            "cannot attach a typed table as partition",
        ));
    }
    // The table attached may not be the parent or one of its ancestors.
    let mut ancestor = Some(Arc::clone(parent));
    let mut steps = 0;
    while let Some(a) = ancestor {
        if a.oid == child.oid {
            return Err(super::inherit::circular(&parent.name, &child.name));
        }
        steps += 1;
        ancestor = match &a.partition_of {
            Some(of) if steps < 1000 => ctx.catalog().table_by_oid(of.parent)?.map(Arc::new),
            _ => None,
        };
    }
    check_persistence(parent, child.rel.is_temp(), &parent.name)?;
    for (_, c) in child.live() {
        match parent.live().find(|(_, p)| p.name == c.name) {
            None => {
                return Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "table \"{}\" contains column \"{}\" not found in parent \"{}\"",
                        child.name, c.name, parent.name
                    ),
                )
                .with_detail("The new partition may contain only the columns present in parent."))
            }
            Some((_, p)) if p.ty != c.ty || p.typmod != c.typmod => {
                return Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "child table \"{}\" has different type for column \"{}\"",
                        child.name, c.name
                    ),
                ))
            }
            _ => {}
        }
    }
    if let Some((_, p)) = parent.live().find(|(_, p)| child.find(&p.name).is_none()) {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!("child table is missing column \"{}\"", p.name),
        ));
    }
    attach(ctx, xid, parent, &child, fv)?;
    ctx.txn.cid += 1;
    let now = Arc::new(
        ctx.catalog()
            .table_by_oid(child.oid)?
            .ok_or_else(|| SqlError::internal("an attached partition is not in the catalog"))?,
    );
    let style = ctx.style.clone();
    let check = partition::PartitionCheck::new(
        &now,
        &mut |oid| ctx.open_table_by_oid(oid, actorgres_storage::lock::LockMode::AccessShare),
        &style,
    )?;
    if let Some(check) = check {
        let name = now.name.clone();
        super::alter::each_row(ctx, &now, |row, _| {
            if check.holds(row) {
                Ok(())
            } else {
                Err(SqlError::new(
                    SqlState::CHECK_VIOLATION,
                    format!("partition constraint of relation \"{name}\" is violated by some row"),
                ))
            }
        })?;
    }
    for (_, c) in parent.live() {
        super::alter::set_origin(ctx, xid, now.oid, &c.name, |o| {
            o.inherited += 1;
            o.local = false;
        })?;
    }
    // The parent's indexes the new partition has no equal of.
    let mut missing = (*parent.as_ref()).clone();
    missing.indexes.retain(|ix| {
        let names: Vec<&str> = ix
            .columns
            .iter()
            .filter_map(|&c| parent.columns.get(c).map(|c| c.name.as_str()))
            .collect();
        !now.indexes.iter().any(|own| {
            own.unique == ix.unique
                && own.columns.len() == names.len()
                && own
                    .columns
                    .iter()
                    .zip(&names)
                    .all(|(&c, n)| now.columns.get(c).is_some_and(|c| c.name == *n))
        })
    });
    clone_indexes(ctx, xid, &missing, &now)
}

/// ALTER TABLE parent DETACH PARTITION child: the child becomes a table
/// of its own (42P01 when it is not a partition of `parent`).
pub(super) fn detach_table(
    ctx: &mut Stmt<'_>,
    xid: u32,
    parent: &TableDef,
    name: &ast::ObjectName,
) -> Result<()> {
    let child = crate::table::target(ctx, name)?;
    if child.partition_of.as_ref().map(|o| o.parent) != Some(parent.oid) {
        return Err(SqlError::new(
            SqlState::UNDEFINED_TABLE,
            format!(
                "relation \"{}\" is not a partition of relation \"{}\"",
                child.name, parent.name
            ),
        ));
    }
    detach(ctx, xid, child.oid)?;
    for (_, c) in parent.live() {
        super::alter::set_origin(ctx, xid, child.oid, &c.name, |o| {
            o.inherited = (o.inherited - 1).max(0);
            o.local = true;
        })?;
    }
    Ok(())
}
