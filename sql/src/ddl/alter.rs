//! ALTER TABLE: ADD COLUMN, DROP COLUMN, RENAME COLUMN, RENAME TO, ADD
//! CHECK / PRIMARY KEY / UNIQUE.
//! Columns are added and dropped in the catalog only, as PostgreSQL does:
//! old rows read an added column's default, a dropped column stays in
//! old rows but is never shown.

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{self, AlterTableOperation};
use sqlparser::tokenizer::{Token, Tokenizer};

use super::create::{columns_used, insert_check, insert_column, new_column, validate_check};
use super::index::{add_index, NewIndex};
use super::{
    check_constraint_name, dropped_name, lock_names, reject_system, split_name, undefined_table,
};
use crate::binder::{ident, object_name};
use crate::catalog::{system, CheckDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::exec;
use crate::plan::Plan;
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::table::{bind_stored, bind_stored_with, checks as bind_checks, record_text};
use crate::value::Value;

/// ALTER TABLE [IF EXISTS] name operation [, ...].
pub fn alter_table(
    ctx: &mut Stmt<'_>,
    at: &ast::AlterTable,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    alter_table_from(ctx, at, sink, false)
}

/// An ALTER TABLE statement a type's change runs on its typed tables
/// (as from a parent: the typed-table rules let it through).
pub(super) fn alter_table_text(ctx: &mut Stmt<'_>, sql: &str) -> Result<()> {
    let parsed = crate::parser::parse(sql)?;
    let [crate::parser::Parsed::Sql(stmt)] = parsed.as_slice() else {
        return Err(SqlError::internal("ALTER TABLE for a typed table"));
    };
    let ast::Statement::AlterTable(at) = stmt.as_ref() else {
        return Err(SqlError::internal("ALTER TABLE for a typed table"));
    };
    let mut discard = crate::session::Internal::default();
    alter_table_from(ctx, at, &mut discard, true)
}

/// [`alter_table`]; `from_parent` when the operation comes down from a
/// parent, which may change the columns it gives its children.
fn alter_table_from(
    ctx: &mut Stmt<'_>,
    at: &ast::AlterTable,
    sink: &mut dyn ResultSink,
    from_parent: bool,
) -> Result<()> {
    ctx.check_writable("ALTER TABLE")?;
    let parts = object_name(&at.name);
    let (schema, name) = split_name(ctx, &parts)?;
    lock_names(ctx)?;
    // ALTER TABLE may rename an index, as in PostgreSQL.
    if let [AlterTableOperation::RenameTable { table_name }] = at.operations.as_slice() {
        if ctx.catalog().index_named(schema, name)?.is_some() {
            let (ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n)) = table_name;
            let rename = crate::parser::alter_rel::AlterRelation {
                kind: crate::parser::alter_rel::RelKind::Index,
                if_exists: false,
                only: false,
                name: at.name.clone(),
                action: crate::parser::alter_rel::RelAction::Rename(
                    object_name(n).pop().unwrap_or_default(),
                ),
            };
            let mut discard = crate::session::Internal::default();
            super::alter_rel::alter_relation(ctx, &rename, &mut discard)?;
            return sink.command_complete("ALTER TABLE");
        }
    }
    let Some(mut def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? else {
        if at.if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("relation \"{name}\" does not exist, skipping"),
            ));
            return sink.command_complete("ALTER TABLE");
        }
        return Err(undefined_table("relation", name));
    };
    // ALTER TABLE may change a view's owner or name, as in PostgreSQL.
    let view_ok = at.operations.iter().all(|op| {
        matches!(
            op,
            AlterTableOperation::OwnerTo { .. } | AlterTableOperation::RenameTable { .. }
        )
    });
    if def.view.is_some() && !def.system {
        // ENABLE / DISABLE TRIGGER are PostgreSQL's "ALTER action ...
        // cannot be performed" on a view.
        let trigger_action = at.operations.iter().find_map(|op| match op {
            AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::EnableAlwaysTrigger { .. }
            | AlterTableOperation::EnableReplicaTrigger { .. } => Some("ENABLE TRIGGER"),
            AlterTableOperation::DisableTrigger { .. } => Some("DISABLE TRIGGER"),
            _ => None,
        });
        if let Some(action) = trigger_action {
            return Err(SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!(
                    "ALTER action {action} cannot be performed on relation \"{}\"",
                    def.name
                ),
            )
            .with_detail("This operation is not supported for views."));
        }
    }
    if !(view_ok && def.view.is_some() && !def.system) {
        reject_system(&def)?;
    }
    if !view_ok {
        ctx.check_own_temp_for(&def, "alter")?;
    }
    if !from_parent {
        ctx.check_relation_owner(&def)?;
    }
    let xid = ctx.write_xid("ALTER TABLE")?;
    for op in &at.operations {
        // Each action sees the catalog rows the ones before it wrote.
        ctx.txn.cid += 1;
        check_inheritance(&def, op, at.only, from_parent)?;
        let checks_before: Vec<String> = def.checks.iter().map(|c| c.name.clone()).collect();
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => add_column(ctx, xid, &def, column_def, *if_not_exists)?,
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } => {
                let cascade = matches!(drop_behavior, Some(ast::DropBehavior::Cascade));
                for c in column_names {
                    super::trigger::column_dropped(ctx, xid, &def, &ident(c), cascade)?;
                    drop_column(ctx, xid, &def, &ident(c), *if_exists)?;
                    super::drop::drop_column_users(ctx, xid, &def, &ident(c), cascade)?;
                    def = reload(ctx, &def)?;
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => rename_column(
                ctx,
                xid,
                &def,
                &ident(old_column_name),
                &ident(new_column_name),
            )?,
            AlterTableOperation::RenameTable { table_name } => {
                let (ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n)) =
                    table_name;
                let new = object_name(n).pop().unwrap_or_default();
                rename_table(ctx, xid, &def, &new)?;
            }
            AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::Check(ck),
                not_valid,
            } => add_check(ctx, xid, &def, ck, *not_valid, from_parent)?,
            AlterTableOperation::ValidateConstraint { name } => {
                validate_constraint(ctx, xid, &def, &ident(name))?
            }
            AlterTableOperation::AddConstraint { constraint, .. }
                if matches!(
                    constraint,
                    ast::TableConstraint::PrimaryKey(_) | ast::TableConstraint::Unique(_)
                ) =>
            {
                if let Some(spec) = NewIndex::of_constraint(constraint)? {
                    // A primary key's columns are made NOT NULL first, so a
                    // missing one is named as a column (a UNIQUE key's as a
                    // key column).
                    let missing = spec.columns.iter().find(|c| def.find(c).is_none());
                    if let (Some(c), true) = (missing, spec.kind == super::index::Kind::PrimaryKey)
                    {
                        return Err(SqlError::new(
                            SqlState::UNDEFINED_COLUMN,
                            format!("column \"{c}\" of relation \"{}\" does not exist", def.name),
                        ));
                    }
                    add_index(ctx, xid, &def, &spec, false)?;
                    ctx.txn.cid += 1;
                }
            }
            AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::ForeignKey(fk),
                not_valid,
            } => {
                ctx.txn.cid += 1;
                super::fkey::add_foreign_key(ctx, xid, &def, fk, None, *not_valid, true)?;
            }
            AlterTableOperation::DropConstraint {
                if_exists,
                name: cname,
                ..
            } => drop_constraint(ctx, xid, &def, &ident(cname), *if_exists)?,
            AlterTableOperation::AlterColumn { column_name, op } => {
                alter_column(ctx, xid, &def, &ident(column_name), op)?
            }
            AlterTableOperation::OwnerTo { new_owner } => {
                let role = match new_owner {
                    ast::Owner::Ident(id) => ident(id),
                    _ => ctx.current_user(),
                };
                let word = crate::session::privilege::relation_kind(&def).1;
                super::grant::change_owner(
                    ctx,
                    crate::catalog::privs::CLASS,
                    def.oid,
                    &role,
                    word,
                    &def.name,
                )?;
            }
            AlterTableOperation::SetLogged => set_persistence(ctx, xid, &def, false)?,
            AlterTableOperation::SetUnlogged => set_persistence(ctx, xid, &def, true)?,
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                rename_constraint(ctx, xid, &def, &ident(old_name), &ident(new_name))?
            }
            AlterTableOperation::AttachPartitionOf {
                partition,
                for_values,
            } => super::partition::attach_table(ctx, xid, &def, partition, for_values)?,
            AlterTableOperation::DetachPartitionOf { partition, .. } => {
                super::partition::detach_table(ctx, xid, &def, partition)?
            }
            AlterTableOperation::Inherit { parent } => {
                super::inherit::add_parent(ctx, xid, &def, parent)?
            }
            AlterTableOperation::NoInherit { parent } => {
                super::inherit::remove_parent(ctx, xid, &def, parent)?
            }
            AlterTableOperation::EnableTrigger { name } => {
                super::trigger::set_enabled(ctx, &def, &ident(name), 'O')?
            }
            AlterTableOperation::EnableAlwaysTrigger { name } => {
                super::trigger::set_enabled(ctx, &def, &ident(name), 'A')?
            }
            AlterTableOperation::EnableReplicaTrigger { name } => {
                super::trigger::set_enabled(ctx, &def, &ident(name), 'R')?
            }
            AlterTableOperation::DisableTrigger { name } => {
                super::trigger::set_enabled(ctx, &def, &ident(name), 'D')?
            }
            other => return Err(SqlError::unsupported(format!("ALTER TABLE ... {other}"))),
        }
        ctx.catalog_changed();
        ctx.txn.cid += 1;
        def = reload(ctx, &def)?;
        if !at.only && recurses(op) {
            // An unnamed CHECK reaches the children under the name the
            // parent gave it.
            let mut op = op.clone();
            if let AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::Check(ck),
                ..
            } = &mut op
            {
                if ck.name.is_none() {
                    ck.name = def
                        .checks
                        .iter()
                        .find(|c| !checks_before.contains(&c.name))
                        .map(|c| ast::Ident::with_quote('"', c.name.clone()));
                }
            }
            alter_children(ctx, &def, &op)?;
        } else if let AlterTableOperation::DropColumn { column_names, .. } = op {
            // DROP COLUMN ONLY: the children keep the column as their own.
            for c in column_names {
                for child in def.partitions.iter().chain(&def.inheritors) {
                    set_origin(ctx, xid, *child, &ident(c), |o| {
                        o.inherited = (o.inherited - 1).max(0);
                        o.local = true;
                    })?;
                }
            }
        }
    }
    sink.command_complete("ALTER TABLE")
}

/// PostgreSQL's rules for the columns parents give (42P16): a child may
/// not drop, rename or retype one on its own, and an operation on a
/// parent's columns must reach its children (no ONLY).
fn check_inheritance(
    def: &TableDef,
    op: &AlterTableOperation,
    only: bool,
    from_parent: bool,
) -> Result<()> {
    let bad = |m: String| Err(SqlError::new(SqlState::INVALID_TABLE_DEFINITION, m));
    let inherited = |name: &str| {
        def.find(name)
            .is_some_and(|i| def.columns[i].origin.inherited > 0)
    };
    let has_children = !def.partitions.is_empty() || !def.inheritors.is_empty();
    // A typed table's columns are its type's (ALTER TYPE ... CASCADE).
    if def.of_type.is_some() && !from_parent {
        let wrong = |m: &str| Err(SqlError::new(SqlState::WRONG_OBJECT_TYPE, m.to_owned()));
        match op {
            AlterTableOperation::AddColumn { .. } => {
                return wrong("cannot add column to typed table")
            }
            AlterTableOperation::DropColumn { .. } => {
                return wrong("cannot drop column from typed table")
            }
            AlterTableOperation::RenameColumn { .. } => {
                return wrong("cannot rename column of typed table")
            }
            AlterTableOperation::AlterColumn {
                op: ast::AlterColumnOperation::SetDataType { .. },
                ..
            } => return wrong("cannot alter column type of typed table"),
            _ => {}
        }
    }
    match op {
        AlterTableOperation::DropColumn { column_names, .. } if !from_parent => {
            if let Some(c) = column_names.iter().map(ident).find(|c| inherited(c)) {
                return bad(format!("cannot drop inherited column \"{c}\""));
            }
        }
        AlterTableOperation::RenameColumn {
            old_column_name, ..
        } => {
            let c = ident(old_column_name);
            if only && has_children && def.find(&c).is_some() {
                return bad(format!(
                    "inherited column \"{c}\" must be renamed in child tables too"
                ));
            }
            if !from_parent && inherited(&c) {
                return bad(format!("cannot rename inherited column \"{c}\""));
            }
        }
        AlterTableOperation::AlterColumn {
            column_name,
            op: ast::AlterColumnOperation::SetDataType { .. },
        } => {
            let c = ident(column_name);
            if !from_parent && inherited(&c) {
                return bad(format!("cannot alter inherited column \"{c}\""));
            }
            if only && has_children {
                return bad(format!(
                    "type of inherited column \"{c}\" must be changed in child tables too"
                ));
            }
        }
        AlterTableOperation::AddColumn { .. } if only && has_children => {
            return bad("column must be added to child tables too".into());
        }
        _ => {}
    }
    Ok(())
}

/// Rewrites the attislocal / attinhcount of column `name` of table `oid`.
pub(super) fn set_origin(
    ctx: &mut Stmt<'_>,
    xid: u32,
    oid: u32,
    name: &str,
    change: impl FnOnce(&mut crate::catalog::ColumnOrigin),
) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut r) in cat.rows_where(&system::PG_ATTRIBUTE, 0, oid)? {
        if r[1] != Value::Text(name.to_owned()) || r[6] == Value::Bool(true) {
            continue;
        }
        r.resize(system::PG_ATTRIBUTE.columns.len(), Value::Null);
        let mut origin = crate::catalog::ColumnOrigin {
            local: !matches!(r[14], Value::Bool(false)),
            inherited: match r[15] {
                Value::Int4(n) => n,
                _ => 0,
            },
        };
        change(&mut origin);
        r[14] = Value::Bool(origin.local);
        r[15] = Value::Int4(origin.inherited);
        cat.update(&system::PG_ATTRIBUTE, tid, &r, &who)?;
        return Ok(());
    }
    Ok(())
}

/// Whether an operation on a table reaches its partitions and inheritance
/// children as PostgreSQL's does (indexes and foreign keys reach
/// partitions on their own).
fn recurses(op: &AlterTableOperation) -> bool {
    matches!(
        op,
        AlterTableOperation::AddColumn { .. }
            | AlterTableOperation::DropColumn { .. }
            | AlterTableOperation::RenameColumn { .. }
            | AlterTableOperation::AlterColumn { .. }
            | AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::Check(ast::CheckConstraint {
                    no_inherit: false,
                    ..
                }),
                ..
            }
    )
}

/// Runs `op` on each partition and inheritance child of `def` (and so on
/// down): a column a child already has is merged, with PostgreSQL's
/// notice.
fn alter_children(ctx: &mut Stmt<'_>, def: &TableDef, op: &AlterTableOperation) -> Result<()> {
    for child in def.partitions.iter().chain(&def.inheritors) {
        let Some(c) = ctx.catalog().table_by_oid(*child)? else {
            continue;
        };
        let xid = ctx.write_xid("ALTER TABLE")?;
        if let AlterTableOperation::AddColumn { column_def, .. } = op {
            let name = ident(&column_def.name);
            if c.find(&name).is_some() {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    format!(
                        "merging definition of column \"{name}\" for child \"{}\"",
                        c.name
                    ),
                ));
                set_origin(ctx, xid, c.oid, &name, |o| o.inherited += 1)?;
                continue;
            }
        }
        // A dropped column goes from a child that has it only from this
        // parent; one the child defines too, or has from another parent,
        // stays with one source fewer.
        let mut op = op.clone();
        if let AlterTableOperation::DropColumn { column_names, .. } = &mut op {
            let mut kept = Vec::new();
            for n in column_names.iter() {
                let name = ident(n);
                if let Some(i) = c.find(&name) {
                    let o = c.columns[i].origin;
                    if o.local || o.inherited > 1 {
                        set_origin(ctx, xid, c.oid, &name, |o| o.inherited -= 1)?;
                        continue;
                    }
                }
                kept.push(n.clone());
            }
            if kept.is_empty() {
                continue;
            }
            *column_names = kept;
        }
        let schema = ctx.namespace_name(c.namespace)?;
        let name = ast::ObjectName::from(vec![
            ast::Ident::with_quote('"', schema),
            ast::Ident::with_quote('"', c.name),
        ]);
        let child_at = ast::AlterTable {
            name,
            if_exists: false,
            only: false,
            operations: vec![op.clone()],
            location: None,
            on_cluster: None,
            table_type: None,
            end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
        };
        let mut discard = crate::session::Internal::default();
        ctx.txn.cid += 1;
        alter_table_from(ctx, &child_at, &mut discard, true)?;
        if let AlterTableOperation::AddColumn { column_def, .. } = &op {
            ctx.txn.cid += 1;
            set_origin(ctx, xid, c.oid, &ident(&column_def.name), |o| {
                *o = crate::catalog::ColumnOrigin::inherited(1)
            })?;
        }
    }
    Ok(())
}

/// Whether the table has a row this transaction sees.
fn has_rows(ctx: &mut Stmt<'_>, def: &Arc<TableDef>) -> Result<bool> {
    let mut any = false;
    each_row(ctx, def, |_, _| {
        any = true;
        Ok(())
    })?;
    Ok(any)
}

/// ALTER TABLE ... RENAME CONSTRAINT old TO new: the index of a primary
/// key or unique constraint is renamed with it, as in PostgreSQL.
fn rename_constraint(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    old: &str,
    new: &str,
) -> Result<()> {
    let cat = ctx.catalog();
    let rows = cat.rows_where(&system::PG_CONSTRAINT, 4, def.oid)?;
    let name_of = |r: &[Value]| match &r[1] {
        Value::Text(s) => s.clone(),
        _ => String::new(),
    };
    let Some((tid, row)) = rows.iter().find(|(_, r)| name_of(r) == old) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!(
                "constraint \"{old}\" for table \"{}\" does not exist",
                def.name
            ),
        ));
    };
    if rows.iter().any(|(_, r)| name_of(r) == new) {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!(
                "constraint \"{new}\" for relation \"{}\" already exists",
                def.name
            ),
        ));
    }
    let who = ctx.actor(xid);
    if let Some(ix) = def.indexes.iter().find(|i| i.name == old) {
        if matches!(&row[3], Value::Text(k) if k == "p" || k == "u") {
            if cat.relation_exists(def.namespace, new)? {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_TABLE,
                    format!("relation \"{new}\" already exists"),
                ));
            }
            if let Some((itid, mut irow)) = cat.class_tid(ix.oid)? {
                irow[1] = Value::Text(new.to_owned());
                cat.update(&system::PG_CLASS, itid, &irow, &who)?;
            }
        }
    }
    let mut row = row.clone();
    row[1] = Value::Text(new.to_owned());
    cat.update(&system::PG_CONSTRAINT, *tid, &row, &who)?;
    ctx.catalog_changed();
    Ok(())
}

/// ALTER TABLE ... ALTER COLUMN name SET / DROP NOT NULL, SET / DROP
/// DEFAULT, ADD GENERATED ... AS IDENTITY.
fn alter_column(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    name: &str,
    op: &ast::AlterColumnOperation,
) -> Result<()> {
    use ast::AlterColumnOperation as Op;
    let Some(i) = def.find(name) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!(
                "column \"{name}\" of relation \"{}\" does not exist",
                def.name
            ),
        ));
    };
    let col = def.columns[i].clone();
    let attnum = (i + 1) as i16;
    // pg_attribute row changes: (attnotnull, atthasdef, attidentity).
    let set_attr = |ctx: &mut Stmt<'_>, f: &dyn Fn(&mut Vec<Value>)| -> Result<()> {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        for (tid, mut row) in cat.rows_where(&system::PG_ATTRIBUTE, 0, def.oid)? {
            if row[4] == Value::Int2(attnum) {
                f(&mut row);
                cat.update(&system::PG_ATTRIBUTE, tid, &row, &who)?;
            }
        }
        Ok(())
    };
    let drop_default = |ctx: &mut Stmt<'_>| -> Result<()> {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        for (tid, row) in cat.rows_where(&system::PG_ATTRDEF, 1, def.oid)? {
            if row[2] == Value::Int2(attnum) {
                cat.delete(&system::PG_ATTRDEF, tid, &who)?;
            }
        }
        Ok(())
    };
    match op {
        Op::SetNotNull => {
            if col.not_null {
                return Ok(());
            }
            let mut nulls = false;
            each_row(ctx, def, |row, _| {
                let pos = def.live().position(|(a, _)| a == i).unwrap_or(0);
                nulls |= row.get(pos).is_some_and(Value::is_null);
                Ok(())
            })?;
            if nulls {
                return Err(SqlError::new(
                    SqlState::NOT_NULL_VIOLATION,
                    format!(
                        "column \"{name}\" of relation \"{}\" contains null values",
                        def.name
                    ),
                )
                .with_object(Some(&def.name), Some(name), None));
            }
            set_attr(ctx, &|row| row[5] = Value::Bool(true))?;
        }
        Op::DropNotNull => {
            if def
                .indexes
                .iter()
                .any(|ix| ix.primary && ix.columns.contains(&i))
            {
                return Err(SqlError::new(
                    SqlState::INVALID_TABLE_DEFINITION,
                    format!("column \"{name}\" is in a primary key"),
                ));
            }
            if col.identity.is_some() {
                return Err(SqlError::new(
                    SqlState::INVALID_TABLE_DEFINITION,
                    format!(
                        "column \"{name}\" of relation \"{}\" is an identity column",
                        def.name
                    ),
                ));
            }
            set_attr(ctx, &|row| row[5] = Value::Bool(false))?;
        }
        Op::SetDefault { value } => {
            if col.identity.is_some() {
                return Err(SqlError::new(
                    SqlState::SYNTAX_ERROR,
                    format!(
                        "column \"{name}\" of relation \"{}\" is an identity column",
                        def.name
                    ),
                )
                .with_hint("Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead."));
            }
            let text = super::sequence::canonical_default(ctx, value);
            let ty = col.ty;
            super::create::bind_default(ctx, name, &text, ty)?;
            drop_default(ctx)?;
            let oid = ctx.engine().new_oid()?;
            let cat = ctx.catalog();
            let who = ctx.actor(xid);
            cat.insert(
                &system::PG_ATTRDEF,
                &[
                    Value::Oid(oid),
                    Value::Oid(def.oid),
                    Value::Int2(attnum),
                    Value::Text(text),
                ],
                &who,
            )?;
            set_attr(ctx, &|row| row[7] = Value::Bool(true))?;
        }
        Op::DropDefault => {
            drop_default(ctx)?;
            set_attr(ctx, &|row| row[7] = Value::Bool(false))?;
        }
        Op::AddGenerated {
            generated_as,
            sequence_options,
        } => {
            if col.identity.is_some() {
                return Err(SqlError::new(
                    SqlState::INVALID_TABLE_DEFINITION,
                    format!(
                        "column \"{name}\" of relation \"{}\" is already an identity column",
                        def.name
                    ),
                ));
            }
            if col.default.is_some() {
                return Err(SqlError::new(
                    SqlState::INVALID_TABLE_DEFINITION,
                    format!(
                        "column \"{name}\" of relation \"{}\" already has a default value",
                        def.name
                    ),
                ));
            }
            if !col.not_null {
                return Err(SqlError::new(
                    SqlState::INVALID_TABLE_DEFINITION,
                    format!(
                        "column \"{name}\" of relation \"{}\" must be declared NOT NULL before identity can be added",
                        def.name
                    ),
                ));
            }
            let mut seq = super::sequence::identity_sequence(
                col.ty,
                sequence_options.as_deref().unwrap_or_default(),
            )?;
            seq.owner = Some((def.oid, attnum));
            let seq_name =
                super::sequence::owned_sequence_name(ctx, def.namespace, &def.name, name, &[])?;
            let start = seq.start;
            super::sequence::new_sequence(ctx, xid, def.namespace, &seq_name, &seq, start)?;
            let kind = if matches!(generated_as, Some(ast::GeneratedAs::Always)) {
                "a"
            } else {
                "d"
            };
            set_attr(ctx, &|row| row[10] = Value::Text(kind.into()))?;
        }
        Op::SetDataType {
            data_type, using, ..
        } => {
            alter_type(ctx, xid, def, i, data_type, using.as_ref())?;
            super::drop::check_type_users(ctx, def, name)?;
        }
        other => {
            return Err(SqlError::unsupported(format!(
                "ALTER TABLE ... ALTER COLUMN {name} {other}"
            )))
        }
    }
    ctx.catalog_changed();
    Ok(())
}

/// ALTER COLUMN ... TYPE t [USING expr]: every row's value converted
/// (the USING expression over the row, else an assignment cast of the
/// column), the catalog changed, and the table written again into a new
/// file with its indexes rebuilt, as PostgreSQL's table rewrite. The
/// rows are held in memory while the table is written again.
fn alter_type(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    i: usize,
    data_type: &ast::DataType,
    using: Option<&ast::Expr>,
) -> Result<()> {
    let (ty, typmod) = ctx.ddl_type(data_type)?;
    let col = def.columns[i].clone();
    let name = col.name.clone();
    let in_key = def
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.iter().any(|(c, _)| *c == i))
        || def
            .referenced_by
            .iter()
            .any(|fk| fk.ref_columns.iter().any(|(c, _)| *c == i));
    let pos = def.live().position(|(a, _)| a == i).unwrap_or(0);
    // The new value of the column, over a row of live columns.
    let scope = crate::binder::table_scope(def, None);
    let convert = match using {
        Some(e) => {
            let text = e.to_string();
            bind_stored(ctx.db, &text, ctx.style, &scope, |b, bound| {
                b.coerce(bound, ty, typmod, crate::cast::CoercionContext::Assignment)
            })?
        }
        None => {
            let column = crate::expr::Expr {
                kind: crate::expr::ExprKind::Column(pos),
                ty: col.ty,
                typmod: col.typmod,
                pos: None,
            };
            if col.ty != ty
                && !crate::cast::can_coerce(col.ty, ty, crate::cast::CoercionContext::Assignment)
            {
                return Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "column \"{name}\" cannot be cast automatically to type {}",
                        crate::func::format_type(ty, typmod)
                    ),
                )
                .with_hint(format!(
                    "You might need to specify \"USING {}::{}\".",
                    crate::func::quote_ident(&name),
                    crate::func::format_type(ty, typmod)
                )));
            }
            let mut tables = crate::binder::NoTables;
            let mut b = crate::binder::Binder::new("", ctx.style.clone(), Vec::new(), &mut tables);
            b.coerce(column, ty, typmod, crate::cast::CoercionContext::Assignment)?
        }
    };
    let mut rows: Vec<Vec<Value>> = Vec::new();
    each_row(ctx, def, |row, eval| {
        let mut r = row.to_vec();
        r[pos] = convert.eval(row, eval)?;
        rows.push(r);
        Ok(())
    })?;
    // The catalog: type, modifier and length of the attribute.
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        for (tid, mut row) in cat.rows_where(&system::PG_ATTRIBUTE, 0, def.oid)? {
            if row[4] == Value::Int2((i + 1) as i16) {
                row[2] = Value::Oid(ty.oid().0);
                row[3] = Value::Int4(typmod);
                row[9] = Value::Int2(ty.typlen());
                cat.update(&system::PG_ATTRIBUTE, tid, &row, &who)?;
            }
        }
    }
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    let new_def = reload(ctx, def)?;
    rewrite(ctx, xid, &new_def, rows, None)?;
    if in_key && ty != col.ty {
        // The foreign keys on the column are made again, as PostgreSQL
        // does: their types must still be comparable (42804) and their
        // rows must still match (23503).
        ctx.txn.cid += 1;
        let now = reload(ctx, def)?;
        let keys: Vec<crate::catalog::ForeignKeyDef> = now
            .foreign_keys
            .iter()
            .filter(|fk| fk.columns.iter().any(|(c, _)| *c == i))
            .chain(
                now.referenced_by
                    .iter()
                    .filter(|fk| fk.ref_columns.iter().any(|(c, _)| *c == i)),
            )
            .cloned()
            .collect();
        for fk in &keys {
            super::fkey::check_key_types(fk)?;
            super::fkey::validate(ctx, fk)?;
        }
    }
    Ok(())
}

/// Writes `rows` (over the live columns) into a new file of table `def`
/// with new indexes (the old files go at commit); `unlogged` changes the
/// table's persistence (None keeps it).
pub(super) fn rewrite(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    rows: Vec<Vec<Value>>,
    unlogged: Option<bool>,
) -> Result<()> {
    rewrite_into(ctx, xid, def, rows, unlogged, |_| true)
}

/// [`rewrite`] of rows that hold only the live columns `given` accepts
/// (the others take their defaults).
fn rewrite_columns(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    rows: Vec<Vec<Value>>,
    given: impl Fn(usize) -> bool,
) -> Result<()> {
    rewrite_into(ctx, xid, def, rows, None, given)
}

fn rewrite_into(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    rows: Vec<Vec<Value>>,
    unlogged: Option<bool>,
    given: impl Fn(usize) -> bool,
) -> Result<()> {
    super::maintenance::new_relation_file(ctx, xid, def, unlogged)?;
    ctx.txn.cid += 1;
    let new_def = reload(ctx, def)?;
    let targets: Vec<usize> = new_def
        .live()
        .map(|(a, _)| a)
        .filter(|&a| given(a))
        .collect();
    // A key two rewritten rows share: as PostgreSQL's index rebuild says.
    let rebuilt = |(e, _): (SqlError, u64)| {
        if e.code() != SqlState::UNIQUE_VIOLATION {
            return e;
        }
        let index = e
            .message()
            .strip_prefix("duplicate key value violates unique constraint ")
            .unwrap_or("")
            .to_owned();
        let detail = e
            .report()
            .detail
            .as_ref()
            .map(|d| d.replace(" already exists.", " is duplicated."));
        let out = SqlError::new(
            SqlState::UNIQUE_VIOLATION,
            format!("could not create unique index {index}"),
        );
        match detail {
            Some(d) => out.with_detail(d),
            None => out,
        }
    };
    load_rows(ctx, xid, &new_def, &targets, RowSource::Rows(rows), rebuilt)?;
    Ok(())
}

/// Where [`load_rows`] takes its rows from.
pub(super) enum RowSource<'p> {
    /// Rows held in memory.
    Rows(Vec<Vec<Value>>),
    /// A planned query's rows.
    Query(&'p Plan),
}

/// Writes rows (the values of `targets`, in order) into `def` through the
/// bulk loader: defaults for its other columns, its checks, its indexes.
/// `on_error` words a failure. The number of rows.
pub(super) fn load_rows(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    targets: &[usize],
    source: RowSource<'_>,
    on_error: impl Fn((SqlError, u64)) -> SqlError,
) -> Result<u64> {
    let engine = ctx.engine();
    let cid = ctx.txn.cid;
    let mut loader: crate::table::Loader<u64> = crate::table::Loader::new(
        Arc::clone(def),
        targets,
        ctx.style,
        xid,
        cid,
        &mut crate::table::CatalogTables(ctx.catalog()),
    )?;
    let policy = ctx.policy();
    let pid = ctx.info.pid;
    let (mut eval, own) = ctx.eval_and_txn();
    let who = actorgres_storage::Actor {
        xid,
        backend: pid,
        own,
        wait: policy,
    };
    let mut count = 0u64;
    match source {
        RowSource::Rows(rows) => {
            for mut r in rows {
                loader
                    .add(&mut r, count, engine, &mut eval, &who)
                    .map_err(&on_error)?;
                count += 1;
            }
        }
        RowSource::Query(plan) => {
            let mut node = exec::build(plan);
            while let Some(mut row) = node.next(&mut eval)? {
                loader
                    .add(&mut row, count, engine, &mut eval, &who)
                    .map_err(&on_error)?;
                count += 1;
                if count.is_multiple_of(256) {
                    eval.check_interrupts()?;
                }
            }
        }
    }
    loader
        .flush(engine, eval.style(), &who)
        .map_err(&on_error)?;
    Ok(count)
}

/// ALTER TABLE ... SET LOGGED | SET UNLOGGED: the rows written again into
/// a file of the other persistence (its indexes follow); 42P16 for a
/// temporary table.
fn set_persistence(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    unlogged: bool,
) -> Result<()> {
    if def.rel.is_temp() {
        return Err(SqlError::new(
            SqlState::INVALID_TABLE_DEFINITION,
            format!(
                "cannot change logged status of table \"{}\" because it is temporary",
                def.name
            ),
        ));
    }
    if def.rel.is_unlogged() == unlogged {
        return Ok(());
    }
    let mut rows: Vec<Vec<Value>> = Vec::new();
    each_row(ctx, def, |row, _| {
        rows.push(row.to_vec());
        Ok(())
    })?;
    rewrite(ctx, xid, def, rows, Some(unlogged))
}

/// ALTER TABLE ... DROP CONSTRAINT [IF EXISTS] name: a CHECK or FOREIGN
/// KEY constraint, or the index of a PRIMARY KEY or UNIQUE one.
fn drop_constraint(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    name: &str,
    if_exists: bool,
) -> Result<()> {
    let cat = ctx.catalog();
    let Some((tid, row)) = cat
        .rows_where(&system::PG_CONSTRAINT, 4, def.oid)?
        .into_iter()
        .find(|(_, r)| crate::catalog::text_of(&r[1]) == name)
    else {
        if if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!(
                    "constraint \"{name}\" of relation \"{}\" does not exist, skipping",
                    def.name
                ),
            ));
            return Ok(());
        }
        return Err(SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!(
                "constraint \"{name}\" of relation \"{}\" does not exist",
                def.name
            ),
        ));
    };
    let kind = crate::catalog::text_of(&row[3]);
    if matches!(kind.as_str(), "p" | "u") {
        if let Some(ix) = def.indexes.iter().find(|i| i.name == name) {
            if let Some(fk) = def.referenced_by.iter().find(|fk| {
                fk.ref_columns.len() == ix.columns.len()
                    && fk.ref_columns.iter().all(|(c, _)| ix.columns.contains(c))
            }) {
                return Err(SqlError::new(
                    SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                    format!(
                        "cannot drop constraint {name} on table {} because other objects depend on it",
                        def.name
                    ),
                )
                .with_detail(format!(
                    "constraint {} on table {} depends on index {name}",
                    fk.name, fk.table.1
                ))
                .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
            }
            super::index::remove_index(ctx, xid, def.oid, ix)?;
            return Ok(());
        }
    }
    let who = ctx.actor(xid);
    ctx.catalog().delete(&system::PG_CONSTRAINT, tid, &who)?;
    ctx.catalog_changed();
    Ok(())
}

/// The table's definition as this transaction now sees it.
fn reload(ctx: &mut Stmt<'_>, def: &TableDef) -> Result<Arc<TableDef>> {
    ctx.catalog()
        .table_by_oid(def.oid)?
        .or_else(|| {
            // Renamed in this statement: find it by OID.
            ctx.catalog()
                .tables()
                .ok()?
                .into_iter()
                .find(|t| t.oid == def.oid)
        })
        .map(Arc::new)
        .ok_or_else(|| SqlError::internal("table vanished during ALTER TABLE"))
}

/// Runs `f` over every visible row of `def` (live columns).
pub(super) fn each_row(
    ctx: &mut Stmt<'_>,
    def: &Arc<TableDef>,
    mut f: impl FnMut(&[Value], &mut crate::expr::EvalCtx<'_>) -> Result<()>,
) -> Result<()> {
    let plan = Plan::SeqScan {
        table: Arc::clone(def),
        with_tid: false,
        needed: None,
        alias: None,
    };
    let mut eval = ctx.eval_ctx();
    let mut node = exec::build(&plan);
    while let Some(row) = node.next(&mut eval)? {
        f(&row, &mut eval)?;
    }
    Ok(())
}

fn add_column(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    c: &ast::ColumnDef,
    if_not_exists: bool,
) -> Result<()> {
    let mut nc = new_column(c, &def.name, ctx)?;
    // A column whose value is computed per row (generated, serial,
    // identity, a volatile default) is filled by rewriting the table.
    let mut rewrite_rows = nc.def.generated || nc.sequence.is_some();
    let owned = match nc.sequence.take() {
        Some(seq) => {
            let seq_name = super::sequence::owned_sequence_name(
                ctx,
                def.namespace,
                &def.name,
                &nc.def.name,
                &[],
            )?;
            if nc.serial {
                let schema = ctx.namespace_name(def.namespace)?;
                nc.def.default = Some(super::create::nextval_default(&schema, &seq_name));
            }
            Some((seq, seq_name))
        }
        None => None,
    };
    let col = nc.def;
    if def.find(&col.name).is_some() {
        let msg = format!(
            "column \"{}\" of relation \"{}\" already exists",
            col.name, def.name
        );
        if if_not_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_COLUMN,
                format!("{msg}, skipping"),
            ));
            return Ok(());
        }
        return Err(SqlError::new(SqlState::DUPLICATE_COLUMN, msg));
    }
    // Old rows read the default, computed once now (attmissingval).
    let missing = match &col.default {
        Some(_) if owned.is_some() || col.generated => Value::Null,
        Some(text) => {
            let e = bind_stored_with(
                text,
                ctx.style,
                &Default::default(),
                &mut crate::table::CatalogTables(ctx.catalog()),
                |b, e| {
                    b.coerce(
                        e,
                        col.ty,
                        col.typmod,
                        crate::cast::CoercionContext::Assignment,
                    )
                },
            )?;
            let mut eval = ctx.eval_ctx();
            let folded = e.fold(&mut eval)?;
            match folded.as_const() {
                Some(v) => v.clone(),
                None => {
                    rewrite_rows = true;
                    Value::Null
                }
            }
        }
        None => Value::Null,
    };
    // The rows to write again, read before the column exists.
    let old_rows = if rewrite_rows {
        let mut rows: Vec<Vec<Value>> = Vec::new();
        each_row(ctx, def, |row, _| {
            rows.push(row.to_vec());
            Ok(())
        })?;
        rows
    } else {
        Vec::new()
    };
    if col.not_null && !rewrite_rows && missing.is_null() && has_rows(ctx, def)? {
        return Err(SqlError::new(
            SqlState::NOT_NULL_VIOLATION,
            format!(
                "column \"{}\" of relation \"{}\" contains null values",
                col.name, def.name
            ),
        )
        .with_object(Some(&def.name), Some(&col.name), None));
    }
    let attnum = def.columns.len() + 1;
    if let Some((mut seq, seq_name)) = owned {
        seq.owner = Some((def.oid, attnum as i16));
        let start = seq.start;
        super::sequence::new_sequence(ctx, xid, def.namespace, &seq_name, &seq, start)?;
    }
    let missing_text = missing.to_text(ctx.style);
    insert_column(ctx, xid, def.oid, attnum, &col, missing_text)?;
    update_natts(ctx, xid, def.oid, attnum)?;
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    let def = reload(ctx, def)?;
    if !old_rows.is_empty() {
        // Each row gets the new column's default (nextval, a volatile
        // call) or generated value as it is written again.
        let keep = attnum - 1;
        ctx.txn.cid += 1;
        rewrite_columns(ctx, xid, &def, old_rows, |a| a != keep).map_err(|e| {
            if e.code() != SqlState::NOT_NULL_VIOLATION {
                return e;
            }
            SqlError::new(
                SqlState::NOT_NULL_VIOLATION,
                format!(
                    "column \"{}\" of relation \"{}\" contains null values",
                    col.name, def.name
                ),
            )
            .with_object(Some(&def.name), Some(&col.name), None)
        })?;
    }
    for (given, e) in nc.checks {
        let ck = ast::CheckConstraint {
            name: given.map(|g| ast::Ident::with_quote('"', g)),
            expr: Box::new(e),
            no_inherit: false,
            enforced: None,
        };
        add_check(ctx, xid, &def, &ck, false, false)?;
    }
    for (kind, name) in nc.keys {
        ctx.txn.cid += 1;
        let def = reload(ctx, &def)?;
        let spec = NewIndex::on(name, vec![col.name.clone()], kind);
        add_index(ctx, xid, &def, &spec, false)?;
    }
    // A column REFERENCES: the foreign key, checked against the rows.
    for fk in &nc.foreign_keys {
        ctx.txn.cid += 1;
        let def = reload(ctx, &def)?;
        super::fkey::add_foreign_key(ctx, xid, &def, fk, Some(&col.name), false, true)?;
    }
    Ok(())
}

fn update_natts(ctx: &mut Stmt<'_>, xid: u32, oid: u32, natts: usize) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, mut row)) = cat.class_tid(oid)? {
        row[5] = Value::Int2(natts as i16);
        cat.update(&system::PG_CLASS, tid, &row, &who)?;
    }
    Ok(())
}

/// ADD CHECK: validated against every existing row first, unless NOT
/// VALID.
fn add_check(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    ck: &ast::CheckConstraint,
    not_valid: bool,
    from_parent: bool,
) -> Result<()> {
    let e = &ck.expr;
    let expr = validate_check(ctx, def, e)?;
    // A parent's CHECK merges with the child's own of that name and
    // expression.
    if from_parent {
        let name = ck.name.as_ref().map(ident);
        if let Some(same) = def.checks.iter().find(|c| Some(&c.name) == name.as_ref()) {
            if same.expr == expr {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    format!(
                        "merging constraint \"{}\" with inherited definition",
                        same.name
                    ),
                ));
                return Ok(());
            }
        }
    }
    let live: Vec<String> = def.live().map(|(_, c)| c.name.clone()).collect();
    let taken: Vec<String> = def.checks.iter().map(|c| c.name.clone()).collect();
    let given = ck.name.as_ref().map(ident);
    let name = check_constraint_name(&def.name, given, &columns_used(e, &live), &taken)?;
    let check = CheckDef {
        validated: !not_valid,
        no_inherit: ck.no_inherit,
        ..CheckDef::new(name, expr)
    };
    if !not_valid {
        check_rows(ctx, def, &check)?;
    }
    insert_check(ctx, xid, def, &check)
}

/// 23514 if a row of `def` the transaction sees fails `check`.
fn check_rows(ctx: &mut Stmt<'_>, def: &Arc<TableDef>, check: &CheckDef) -> Result<()> {
    let one = TableDef {
        checks: vec![check.clone()],
        ..(**def).clone()
    };
    let bound = bind_checks(&one, ctx.style)?;
    let table = def.name.clone();
    each_row(ctx, def, |row, eval| {
        for check in &bound {
            let crate::table::RowCheck::Check(n, c) = check else {
                continue;
            };
            if c.eval(row, eval)? == Value::Bool(false) {
                return Err(SqlError::new(
                    SqlState::CHECK_VIOLATION,
                    format!(
                        "check constraint \"{n}\" of relation \"{table}\" is violated by some row"
                    ),
                )
                .with_detail(format!(
                    "Failing row contains {}.",
                    record_text(row, eval.style())
                )));
            }
        }
        Ok(())
    })
}

/// ALTER TABLE ... VALIDATE CONSTRAINT: a NOT VALID CHECK or foreign key
/// checked against every row, then marked valid (on the children that
/// have it too).
fn validate_constraint(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &Arc<TableDef>,
    name: &str,
) -> Result<()> {
    if let Some(check) = def.checks.iter().find(|c| c.name == name) {
        if !check.validated {
            check_rows(ctx, def, check)?;
            let who = ctx.actor(xid);
            ctx.catalog()
                .update_where(&system::PG_CONSTRAINT, 4, def.oid, &who, |r| {
                    let hit =
                        r[1] == Value::Text(name.to_owned()) && r[3] == Value::Text("c".into());
                    if hit {
                        r.resize(system::PG_CONSTRAINT.columns.len(), Value::Null);
                        r[6] = Value::Bool(true);
                    }
                    hit
                })?;
        }
        if !check.no_inherit {
            for child in def.partitions.iter().chain(&def.inheritors) {
                if let Some(c) = ctx.catalog().table_by_oid(*child)? {
                    if c.checks.iter().any(|k| k.name == name) {
                        validate_constraint(ctx, xid, &Arc::new(c), name)?;
                    }
                }
            }
        }
        return Ok(());
    }
    if let Some(fk) = def.foreign_keys.iter().find(|f| f.name == name) {
        if !fk.validated {
            super::fkey::validate(ctx, fk)?;
            let done = crate::catalog::ForeignKeyDef {
                validated: true,
                ..fk.clone()
            };
            let who = ctx.actor(xid);
            ctx.catalog()
                .update_where(&system::PG_CONSTRAINT, 0, fk.oid, &who, |r| {
                    r[5] = Value::Text(done.encode());
                    true
                })?;
        }
        return Ok(());
    }
    let other = ctx
        .catalog()
        .rows_where(&system::PG_CONSTRAINT, 4, def.oid)?
        .into_iter()
        .any(|(_, r)| r[1] == Value::Text(name.to_owned()));
    if other {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!(
                "constraint \"{name}\" of relation \"{}\" is not a foreign key or check constraint",
                def.name
            ),
        ));
    }
    Err(SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!(
            "constraint \"{name}\" of relation \"{}\" does not exist",
            def.name
        ),
    ))
}

pub(super) fn drop_column(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    name: &str,
    if_exists: bool,
) -> Result<()> {
    if matches!(
        name,
        "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid"
    ) {
        return Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("cannot drop system column \"{name}\""),
        ));
    }
    let Some(i) = def.find(name) else {
        let msg = format!(
            "column \"{name}\" of relation \"{}\" does not exist",
            def.name
        );
        if if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("{msg}, skipping"),
            ));
            return Ok(());
        }
        return Err(SqlError::new(SqlState::UNDEFINED_COLUMN, msg));
    };
    let attnum = i + 1;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut row) in cat.rows_where(&system::PG_ATTRIBUTE, 0, def.oid)? {
        if row[4] == Value::Int2(attnum as i16) {
            row[1] = Value::Text(dropped_name(attnum));
            // Old tuples keep the value; a user type's stored form is
            // read as the built-in type with that form, since the type
            // may be dropped later (an enum is its label's OID, arrays
            // are text, a domain's values are of its base type).
            match def.columns[i].ty {
                crate::types::DataType::Enum(_) => row[2] = Value::Oid(26),
                crate::types::DataType::Array(crate::types::DataType::Enum(_)) => {
                    row[2] = Value::Oid(25)
                }
                ty if def.columns[i].domain.is_some() => row[2] = Value::Oid(ty.oid().0),
                _ => {}
            }
            row[5] = Value::Bool(false);
            row[6] = Value::Bool(true);
            row[7] = Value::Bool(false);
            cat.update(&system::PG_ATTRIBUTE, tid, &row, &who)?;
        }
    }
    for (tid, row) in cat.rows_where(&system::PG_ATTRDEF, 1, def.oid)? {
        if row[2] == Value::Int2(attnum as i16) {
            cat.delete(&system::PG_ATTRDEF, tid, &who)?;
        }
    }
    // Indexes on the column go with it, as do CHECK constraints using it.
    super::index::remove_indexes(ctx, xid, def, Some(i))?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    let live: Vec<String> = def.live().map(|(_, c)| c.name.clone()).collect();
    for (tid, row) in cat.rows_where(&system::PG_CONSTRAINT, 4, def.oid)? {
        let Value::Text(text) = &row[5] else { continue };
        let uses = crate::parser::parse_expr(text)
            .map(|e| columns_used(&e, &live).iter().any(|c| c == name))
            .unwrap_or(false);
        if uses {
            cat.delete(&system::PG_CONSTRAINT, tid, &who)?;
        }
    }
    Ok(())
}

/// Renames column `from` to `to` in a stored expression's text: every
/// identifier token naming it (not a function name) is replaced.
fn rename_in(text: &str, from: &str, to: &str) -> Option<String> {
    let tokens = Tokenizer::new(&sqlparser::dialect::PostgreSqlDialect {}, text)
        .tokenize()
        .ok()?;
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (i, t) in tokens.iter().enumerate() {
        let next_is_call = tokens[i + 1..]
            .iter()
            .find(|t| !matches!(t, Token::Whitespace(_)))
            .is_some_and(|t| *t == Token::LParen);
        match t {
            Token::Word(w) if !next_is_call => {
                let name = if w.quote_style.is_some() {
                    w.value.clone()
                } else {
                    w.value.to_lowercase()
                };
                if name == from {
                    out.push_str(&ast::Ident::with_quote('"', to).to_string());
                    changed = true;
                } else {
                    out.push_str(&t.to_string());
                }
            }
            other => out.push_str(&other.to_string()),
        }
    }
    changed.then_some(out)
}

fn rename_column(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, from: &str, to: &str) -> Result<()> {
    let Some(i) = def.find(from) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!("column \"{from}\" does not exist"),
        ));
    };
    if def.find(to).is_some() {
        return Err(SqlError::new(
            SqlState::DUPLICATE_COLUMN,
            format!(
                "column \"{to}\" of relation \"{}\" already exists",
                def.name
            ),
        ));
    }
    let attnum = (i + 1) as i16;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut row) in cat.rows_where(&system::PG_ATTRIBUTE, 0, def.oid)? {
        if row[4] == Value::Int2(attnum) {
            row[1] = Value::Text(to.to_owned());
            cat.update(&system::PG_ATTRIBUTE, tid, &row, &who)?;
        }
    }
    // Stored expressions refer to columns by name: rewrite them.
    for (t, col, text_col) in [(&system::PG_CONSTRAINT, 4, 5), (&system::PG_ATTRDEF, 1, 3)] {
        for (tid, mut row) in cat.rows_where(t, col, def.oid)? {
            // Only CHECK constraints hold expression text.
            if std::ptr::eq(t, &system::PG_CONSTRAINT) && row[3] != Value::Text("c".into()) {
                continue;
            }
            let Value::Text(text) = &row[text_col] else {
                continue;
            };
            if let Some(new) = rename_in(text, from, to) {
                row[text_col] = Value::Text(new);
                cat.update(t, tid, &row, &who)?;
            }
        }
    }
    // So do index expressions and predicates.
    for ix in def.indexes.iter().filter(|ix| ix.exprs.is_some()) {
        for (tid, mut row) in cat.rows_where(&system::PG_INDEX, 0, ix.oid)? {
            let mut changed = false;
            if let Value::Array(a) = &row[6] {
                let texts: Vec<Value> = a
                    .items()
                    .iter()
                    .map(|v| match v {
                        Value::Text(t) => match rename_in(t, from, to) {
                            Some(new) => {
                                changed = true;
                                Value::Text(new)
                            }
                            None => v.clone(),
                        },
                        other => other.clone(),
                    })
                    .collect();
                row[6] = Value::Array(crate::value::ArrayRef::new(texts));
            }
            if let Value::Text(p) = &row[7] {
                if let Some(new) = rename_in(p, from, to) {
                    row[7] = Value::Text(new);
                    changed = true;
                }
            }
            if changed {
                cat.update(&system::PG_INDEX, tid, &row, &who)?;
            }
        }
    }
    Ok(())
}

fn rename_table(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, to: &str) -> Result<()> {
    if ctx.catalog().relation_exists(def.namespace, to)? {
        return Err(SqlError::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{to}\" already exists"),
        ));
    }
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, mut row)) = cat.class_tid(def.oid)? {
        row[1] = Value::Text(to.to_owned());
        cat.update(&system::PG_CLASS, tid, &row, &who)?;
    }
    super::view::retarget_views(ctx, xid, (def.namespace, &def.name), (def.namespace, to))
}

#[cfg(test)]
mod tests {
    use super::rename_in;

    #[test]
    fn renames_columns_not_functions() {
        assert_eq!(
            rename_in("length(d) < 5", "d", "e").as_deref(),
            Some("length(\"e\") < 5")
        );
        assert_eq!(rename_in("length(d) < 5", "length", "x"), None);
        assert_eq!(
            rename_in("\"D\" > 1", "D", "z").as_deref(),
            Some("\"z\" > 1")
        );
        assert_eq!(rename_in("a > b", "c", "d"), None);
    }
}
