//! CREATE TYPE ... AS ENUM, ALTER TYPE and DROP TYPE: rows of pg_type
//! (the type and its array type `_name`) and pg_enum (its labels).

use std::sync::Arc;

use actorgres_storage::lock::LockMode;
use sqlparser::ast::{self, ObjectName};

use super::{creation_schema, lock_names, split_name};
use crate::binder::object_name;
use crate::catalog::{system, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::session::Stmt;
use crate::types::DataType;
use crate::usertype::UserType;
use crate::value::Value;

/// The class OID of types (pg_type), for comments.
const PG_TYPE_CLASS: u32 = 1247;

/// The longest label (NAMEDATALEN - 1 bytes).
const MAX_LABEL: usize = 63;

/// 22023 for a label longer than a name.
fn check_label(label: &str) -> Result<()> {
    if label.len() > MAX_LABEL {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid enum label \"{label}\""),
        )
        .with_detail("Labels must be 63 bytes or less."));
    }
    Ok(())
}

pub(super) fn undefined_type(name: &str) -> SqlError {
    SqlError::new(
        SqlState::UNDEFINED_OBJECT,
        format!("type \"{name}\" does not exist"),
    )
}

/// A label's text as written (`'a'`).
fn label_text(i: &ast::Ident) -> String {
    i.value.clone()
}

/// The pg_type row of a type of this database.
#[allow(clippy::too_many_arguments)]
pub(super) fn type_row(
    oid: u32,
    name: &str,
    ns: u32,
    len: i16,
    typtype: char,
    category: char,
    elem: u32,
    array: u32,
) -> Vec<Value> {
    vec![
        Value::Oid(oid),
        Value::Text(name.to_owned()),
        Value::Oid(ns),
        Value::Int2(len),
        Value::Bool(len > 0),
        Value::Text(typtype.to_string()),
        Value::Text(category.to_string()),
        Value::Bool(false),
        Value::Oid(elem),
        Value::Oid(array),
        Value::Oid(0),
        Value::Int4(-1),
    ]
}

/// After a change to user types: caches forgotten, and the types read
/// again past this command's own changes (published for rows and
/// output, usertype.rs).
fn types_changed(ctx: &mut Stmt<'_>) -> Result<()> {
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    ctx.catalog().user_types()?;
    Ok(())
}

/// The pg_type rows of new type `name` (typlen, typtype, typcategory as
/// given) and of its array type `_name`.
fn insert_type_and_array(
    cat: &crate::catalog::Catalog<'_>,
    who: &actorgres_storage::Actor<'_>,
    (oid, array_oid): (u32, u32),
    name: &str,
    ns: u32,
    (len, typtype, category): (i16, char, char),
) -> Result<()> {
    cat.insert(
        &system::PG_TYPE,
        &type_row(oid, name, ns, len, typtype, category, 0, array_oid),
        who,
    )?;
    cat.insert(
        &system::PG_TYPE,
        &type_row(array_oid, &format!("_{name}"), ns, -1, 'b', 'A', oid, 0),
        who,
    )?;
    Ok(())
}

/// The user type `parts` names, read from the catalog as this
/// transaction sees it (42704 if there is none).
pub(super) fn find_type(ctx: &Stmt<'_>, parts: &[String]) -> Result<Option<Arc<UserType>>> {
    let types = ctx.catalog().user_types()?;
    ctx.pick_user_type(&types, parts)
}

/// 42710 if schema `ns` has a type or relation called `name` (a
/// relation has a row type of its name in PostgreSQL).
pub(super) fn check_new_type_name(ctx: &Stmt<'_>, ns: u32, name: &str) -> Result<()> {
    let exists = ctx
        .catalog()
        .user_types()?
        .iter()
        .any(|t| t.namespace == ns && t.name == name)
        || (ns == system::PG_CATALOG_NS && DataType::from_name(name).is_some());
    if exists {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!("type \"{name}\" already exists"),
        ));
    }
    if ctx.catalog().relation_exists(ns, name)? {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!("type \"{name}\" already exists"),
        ));
    }
    Ok(())
}

/// 42710 if a new relation's name is taken by a type of schema `ns`
/// (the relation's row type would have it).
pub(super) fn check_relation_name(ctx: &Stmt<'_>, ns: u32, name: &str) -> Result<()> {
    if !crate::usertype::any() {
        return Ok(());
    }
    if ctx
        .catalog()
        .user_types()?
        .iter()
        .any(|t| t.namespace == ns && (t.name == name || format!("_{}", t.name) == name))
    {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!("type \"{name}\" already exists"),
        )
        .with_hint(
            "A relation has an associated type of the same name, so you must use a name that doesn't conflict with any existing type.",
        ));
    }
    Ok(())
}

/// The schema and name of a type CREATE TYPE makes: 42710 when taken.
fn new_type_name(ctx: &mut Stmt<'_>, name: &ObjectName) -> Result<(u32, String)> {
    ctx.check_writable("CREATE TYPE")?;
    let parts = object_name(name);
    let (schema, name) = split_name(ctx, &parts)?;
    let ns = creation_schema(ctx, schema, name)?;
    lock_names(ctx)?;
    check_new_type_name(ctx, ns, name)?;
    Ok((ns, name.to_owned()))
}

/// CREATE TYPE name AS (field type, ...): a pg_class row of kind 'c'
/// with the fields as its pg_attribute rows, and pg_type rows for the
/// type (typtype 'c') and its array type, as PostgreSQL stores them.
fn create_composite(
    ctx: &mut Stmt<'_>,
    name: &ObjectName,
    attributes: &[ast::UserDefinedTypeCompositeAttributeDef],
) -> Result<()> {
    let (ns, name) = new_type_name(ctx, name)?;
    let name = name.as_str();
    let mut fields: Vec<crate::catalog::ColumnDef> = Vec::with_capacity(attributes.len());
    for a in attributes {
        let field = crate::binder::ident(&a.name);
        if fields.iter().any(|f| f.name == field) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{field}\" specified more than once"),
            ));
        }
        let (ty, typmod) = ctx.ddl_type(&a.data_type)?;
        fields.push(super::create::plain_column(&field, ty, typmod)?);
    }
    if fields.len() > 1600 {
        return Err(SqlError::new(
            SqlState::TOO_MANY_COLUMNS,
            "tables can have at most 1600 columns",
        ));
    }
    let xid = ctx.write_xid("CREATE TYPE")?;
    let relid = ctx.engine().new_oid()?;
    let oid = ctx.engine().new_oid()?;
    let array_oid = ctx.engine().new_oid()?;
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        cat.insert(
            &system::PG_CLASS,
            &super::class_row(relid, ns, name, "c", 0, fields.len(), Value::Null),
            &who,
        )?;
        insert_type_and_array(&cat, &who, (oid, array_oid), name, ns, (-1, 'c', 'C'))?;
    }
    for (i, f) in fields.iter().enumerate() {
        super::create::insert_column(ctx, xid, relid, i + 1, f, None)?;
    }
    ctx.record_owner(crate::catalog::privs::TYPE, oid, Some(ns), 'T', xid)?;
    types_changed(ctx)
}

/// CREATE TYPE name AS RANGE (SUBTYPE = t, ...): pg_type rows for the
/// range type (typtype 'r', typbasetype its subtype) and its multirange
/// type (typtype 'm', typbasetype the range type), each with an array
/// type. SUBTYPE_DIFF must name a function of two subtype values;
/// SUBTYPE_OPCLASS and COLLATION are accepted (the subtype's own order
/// is used); CANONICAL needs a C function, which actorgres has not.
fn create_range(
    ctx: &mut Stmt<'_>,
    name: &ObjectName,
    options: &[ast::UserDefinedTypeRangeOption],
) -> Result<()> {
    use ast::UserDefinedTypeRangeOption as Opt;
    let invalid = |msg: String| SqlError::new(SqlState::INVALID_OBJECT_DEFINITION, msg);
    let mut subtype = None;
    let mut multirange_name = None;
    let mut diff = None;
    for o in options {
        match o {
            Opt::Subtype(t) => subtype = Some(ctx.ddl_type(t)?),
            Opt::MultirangeTypeName(n) => multirange_name = Some(n),
            Opt::SubtypeDiff(f) => diff = Some(object_name(f)),
            Opt::Canonical(f) => {
                let f = object_name(f).join(".");
                return Err(SqlError::new(
                    SqlState::UNDEFINED_FUNCTION,
                    format!("function {f}(unknown) does not exist"),
                ));
            }
            Opt::SubtypeOpClass(_) | Opt::Collation(_) => {}
        }
    }
    let Some((subtype, subtype_typmod)) = subtype else {
        return Err(invalid("type attribute \"subtype\" is required".into()));
    };
    if subtype.category() == crate::types::TypeCategory::Pseudo {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!("range subtype cannot be {subtype}"),
        ));
    }
    if let Some(parts) = &diff {
        let f = parts.join(".");
        let found = crate::func::lookup(&f, 2)
            .iter()
            .any(|d| d.args == [subtype, subtype])
            || ctx
                .find_functions(parts)?
                .iter()
                .any(|u| u.input_types() == [subtype, subtype]);
        if !found {
            return Err(SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("function {f}({subtype}, {subtype}) does not exist"),
            ));
        }
    }
    let (ns, name) = new_type_name(ctx, name)?;
    // The multirange type's name: given, or the range's with "range"
    // made "multirange" (else "_multirange" added).
    let (mr_ns, mr_name, given) = match multirange_name {
        Some(n) => {
            let parts = object_name(n);
            let (schema, n) = split_name(ctx, &parts)?;
            // A built-in type's name (or alias: `int`) is taken.
            if let Some(t) = DataType::from_name(n).filter(|_| schema.is_none()) {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!("type \"{}\" already exists", t.name()),
                ));
            }
            (creation_schema(ctx, schema, n)?, n.to_owned(), true)
        }
        None => {
            let n = match name.find("range") {
                Some(at) => format!("{}multirange{}", &name[..at], &name[at + 5..]),
                None => format!("{name}_multirange"),
            };
            (ns, n, false)
        }
    };
    check_new_type_name(ctx, mr_ns, &mr_name).map_err(|e| {
        if given {
            e
        } else {
            e.with_detail(format!(
                "Failed while creating a multirange type for type \"{name}\"."
            ))
            .with_hint(
                "You can manually specify a multirange type name using the \"multirange_type_name\" attribute.",
            )
        }
    })?;
    let xid = ctx.write_xid("CREATE TYPE")?;
    let oid = ctx.engine().new_oid()?;
    let array_oid = ctx.engine().new_oid()?;
    let mr_oid = ctx.engine().new_oid()?;
    let mr_array_oid = ctx.engine().new_oid()?;
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        let mut range = type_row(oid, &name, ns, -1, 'r', 'R', 0, array_oid);
        range[10] = Value::Oid(subtype.oid().0);
        range[11] = Value::Int4(subtype_typmod);
        // typdefault holds the SUBTYPE_DIFF function's name (pg_range's
        // rngsubdiff).
        range.push(Value::Bool(false));
        range.push(
            diff.as_ref()
                .map_or(Value::Null, |d| Value::Text(d.join("."))),
        );
        cat.insert(&system::PG_TYPE, &range, &who)?;
        let array = type_row(array_oid, &format!("_{name}"), ns, -1, 'b', 'A', oid, 0);
        cat.insert(&system::PG_TYPE, &array, &who)?;
        let mut multi = type_row(mr_oid, &mr_name, mr_ns, -1, 'm', 'R', 0, mr_array_oid);
        multi[10] = Value::Oid(oid);
        cat.insert(&system::PG_TYPE, &multi, &who)?;
        let array = type_row(
            mr_array_oid,
            &format!("_{mr_name}"),
            mr_ns,
            -1,
            'b',
            'A',
            mr_oid,
            0,
        );
        cat.insert(&system::PG_TYPE, &array, &who)?;
    }
    ctx.record_owner(crate::catalog::privs::TYPE, oid, Some(ns), 'T', xid)?;
    ctx.record_owner(crate::catalog::privs::TYPE, mr_oid, Some(mr_ns), 'T', xid)?;
    types_changed(ctx)
}

/// CREATE TYPE name AS ENUM ('label', ...).
pub fn create_type(
    ctx: &mut Stmt<'_>,
    name: &ObjectName,
    representation: Option<&ast::UserDefinedTypeRepresentation>,
) -> Result<()> {
    let labels = match representation {
        Some(ast::UserDefinedTypeRepresentation::Enum { labels }) => labels,
        Some(ast::UserDefinedTypeRepresentation::Composite { attributes }) => {
            return create_composite(ctx, name, attributes)
        }
        Some(ast::UserDefinedTypeRepresentation::Range { options }) => {
            return create_range(ctx, name, options)
        }
        _ => return Err(SqlError::unsupported("base types and shell types")),
    };
    let (ns, name) = new_type_name(ctx, name)?;
    let name = name.as_str();
    let labels: Vec<String> = labels.iter().map(label_text).collect();
    for l in &labels {
        check_label(l)?;
    }
    let xid = ctx.write_xid("CREATE TYPE")?;
    let oid = ctx.engine().new_oid()?;
    let array_oid = ctx.engine().new_oid()?;
    for (i, l) in labels.iter().enumerate() {
        if labels[..i].contains(l) {
            return Err(SqlError::new(
                SqlState::UNIQUE_VIOLATION,
                "duplicate key value violates unique constraint \"pg_enum_typid_label_index\"",
            )
            .with_detail(format!(
                "Key (enumtypid, enumlabel)=({oid}, {l}) already exists."
            )));
        }
    }
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    insert_type_and_array(&cat, &who, (oid, array_oid), name, ns, (4, 'e', 'E'))?;
    for (i, l) in labels.iter().enumerate() {
        let label_oid = ctx.engine().new_oid()?;
        cat.insert(
            &system::PG_ENUM,
            &[
                Value::Oid(label_oid),
                Value::Oid(oid),
                Value::Float4(i as f32 + 1.0),
                Value::Text(l.clone()),
            ],
            &who,
        )?;
    }
    ctx.catalog_changed();
    ctx.record_owner(crate::catalog::privs::TYPE, oid, Some(ns), 'T', xid)?;
    // Publishes the new type for rows and output (usertype.rs), read
    // past this command's own changes.
    ctx.txn.cid += 1;
    ctx.catalog().user_types()?;
    Ok(())
}

/// ALTER TYPE | DOMAIN name SET SCHEMA s: the type, its array type and
/// (for a composite type) its pg_class row move (42704, 3F000, 42710 as
/// PostgreSQL); columns keep the type, as they name it by OID.
pub fn set_type_schema(ctx: &mut Stmt<'_>, parts: &[String], to: &str) -> Result<()> {
    lock_names(ctx)?;
    let Some(ty) = find_type(ctx, parts)? else {
        return Err(undefined_type(&parts.join(".")));
    };
    let Some(ns) = ctx.catalog().namespace_named(to)? else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_SCHEMA,
            format!("schema \"{to}\" does not exist"),
        ));
    };
    if ns == ty.namespace {
        return Ok(());
    }
    let taken = ctx
        .catalog()
        .user_types()?
        .iter()
        .any(|t| t.namespace == ns && t.name == ty.name);
    if taken {
        return Err(SqlError::new(
            SqlState::DUPLICATE_OBJECT,
            format!("type \"{}\" already exists in schema \"{to}\"", ty.name),
        ));
    }
    let xid = ctx.write_xid("ALTER TYPE")?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for oid in [ty.oid, ty.array_oid] {
        cat.update_where(&system::PG_TYPE, 0, oid, &who, |row| {
            row[2] = Value::Oid(ns);
            true
        })?;
    }
    if let Some(c) = &ty.composite {
        cat.update_where(&system::PG_CLASS, 0, c.relid, &who, |row| {
            row[2] = Value::Oid(ns);
            true
        })?;
    }
    ctx.catalog_changed();
    ctx.txn.cid += 1;
    ctx.catalog().user_types()?;
    Ok(())
}

/// ALTER TYPE name ADD VALUE | RENAME VALUE | RENAME TO.
pub fn alter_type(ctx: &mut Stmt<'_>, a: &ast::AlterType) -> Result<()> {
    ctx.check_writable("ALTER TYPE")?;
    let parts = object_name(&a.name);
    lock_names(ctx)?;
    let Some(ty) = find_type(ctx, &parts)? else {
        let shown = parts.join(".");
        return Err(match DataType::from_name(parts.last().map_or("", |s| s)) {
            Some(t) => SqlError::new(
                SqlState::WRONG_OBJECT_TYPE,
                format!("{} is not an enum", t.sql_name()),
            ),
            None => undefined_type(&shown),
        });
    };
    let xid = ctx.write_xid("ALTER TYPE")?;
    match &a.operation {
        ast::AlterTypeOperation::AddValue(add) => add_value(ctx, xid, &ty, add)?,
        ast::AlterTypeOperation::RenameValue(r) => {
            let (from, to) = (label_text(&r.from), label_text(&r.to));
            check_label(&to)?;
            let Some(label) = ty.label(&from) else {
                return Err(not_a_label(&from));
            };
            if ty.label(&to).is_some() {
                return Err(label_exists(&to));
            }
            let label_oid = label.oid;
            let cat = ctx.catalog();
            let who = ctx.actor(xid);
            cat.update_where(&system::PG_ENUM, 0, label_oid, &who, |row| {
                row[3] = Value::Text(to.clone());
                true
            })?;
        }
        ast::AlterTypeOperation::Rename(r) => {
            let to = crate::binder::ident(&r.new_name);
            check_new_type_name(ctx, ty.namespace, &to)?;
            let cat = ctx.catalog();
            let who = ctx.actor(xid);
            for (oid, name) in [(ty.oid, to.clone()), (ty.array_oid, format!("_{to}"))] {
                cat.update_where(&system::PG_TYPE, 0, oid, &who, |row| {
                    row[1] = Value::Text(name.clone());
                    true
                })?;
            }
            // A composite type's pg_class row carries its name too.
            if let Some(c) = &ty.composite {
                cat.update_where(&system::PG_CLASS, 0, c.relid, &who, |row| {
                    row[1] = Value::Text(to.clone());
                    true
                })?;
            }
        }
    }
    types_changed(ctx)
}

/// ALTER TYPE name {ADD | DROP | ALTER} ATTRIBUTE ..., RENAME ATTRIBUTE
/// a TO b: a composite type's pg_attribute rows. A dropped field stays as
/// a dropped attribute, as in PostgreSQL. Columns of the type keep
/// their values (stored as text): an added field reads as NULL in them;
/// dropping or retyping a field of a type a column uses is refused
/// (0A000; PostgreSQL refuses the retyping, and keeps dropped fields'
/// data where actorgres cannot).
pub fn alter_type_attributes(
    ctx: &mut Stmt<'_>,
    a: &crate::parser::alter_type::AlterTypeAttributes,
) -> Result<()> {
    use crate::parser::alter_type::AttributeChange as C;
    ctx.check_writable("ALTER TYPE")?;
    let parts = object_name(&a.name);
    lock_names(ctx)?;
    let ty = find_type(ctx, &parts)?.ok_or_else(|| undefined_type(&parts.join(".")))?;
    let Some(relid) = ty.composite.as_ref().map(|c| c.relid) else {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{}\" is not a composite type", ty.name),
        ));
    };
    let xid = ctx.write_xid("ALTER TYPE")?;
    // Typed tables of the type change with it, under CASCADE.
    let typed: Vec<(u32, String)> = ctx
        .catalog()
        .tables()?
        .into_iter()
        .filter(|t| t.of_type == Some(ty.oid))
        .map(|t| (t.namespace, t.name))
        .collect();
    if !typed.is_empty() && !a.cascade {
        return Err(SqlError::new(
            SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
            format!(
                "cannot alter type \"{}\" because it is the type of a typed table",
                ty.name
            ),
        )
        .with_hint("Use ALTER ... CASCADE to alter the typed tables too."));
    }
    let users = type_users(ctx, ty.oid)?;
    let in_use = || match users.first() {
        Some((_, table, column, _)) => Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!(
                "cannot alter type \"{}\" because column \"{table}.{column}\" uses it",
                ty.name
            ),
        )),
        None => Ok(()),
    };
    let missing = |name: &str| {
        SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!(
                "column \"{name}\" of relation \"{}\" does not exist",
                ty.name
            ),
        )
    };
    let taken = |name: &str| {
        SqlError::new(
            SqlState::DUPLICATE_COLUMN,
            format!(
                "column \"{name}\" of relation \"{}\" already exists",
                ty.name
            ),
        )
    };
    for change in &a.changes {
        let attrs = ctx.catalog().rows_where(&system::PG_ATTRIBUTE, 0, relid)?;
        let live = |name: &str| {
            attrs.iter().find(|(_, r)| {
                crate::catalog::text_of(&r[1]) == name && !matches!(r[6], Value::Bool(true))
            })
        };
        let who = ctx.actor(xid);
        match change {
            C::Add(name, data_type) => {
                if live(name).is_some() {
                    return Err(taken(name));
                }
                let (t, m) = ctx.ddl_type(data_type)?;
                let col = super::create::plain_column(name, t, m)?;
                super::create::insert_column(ctx, xid, relid, attrs.len() + 1, &col, None)?;
            }
            C::Drop(name, if_exists) => {
                let Some((tid, row)) = live(name) else {
                    if *if_exists {
                        ctx.notices.push(SqlError::notice(
                            SqlState::SUCCESSFUL_COMPLETION,
                            format!(
                                "column \"{name}\" of relation \"{}\" does not exist, skipping",
                                ty.name
                            ),
                        ));
                        continue;
                    }
                    return Err(missing(name));
                };
                in_use()?;
                let mut row = row.clone();
                let attnum = match row[4] {
                    Value::Int2(n) => n as usize,
                    _ => 0,
                };
                row[1] = Value::Text(super::dropped_name(attnum));
                row[6] = Value::Bool(true);
                ctx.catalog()
                    .update(&system::PG_ATTRIBUTE, *tid, &row, &who)?;
            }
            C::Retype(name, data_type) => {
                let Some((tid, row)) = live(name) else {
                    return Err(missing(name));
                };
                in_use()?;
                let (t, m) = ctx.ddl_type(data_type)?;
                let col = super::create::plain_column(name, t, m)?;
                let mut row = row.clone();
                row[2] = Value::Oid(col.type_oid());
                row[3] = Value::Int4(col.typmod);
                ctx.catalog()
                    .update(&system::PG_ATTRIBUTE, *tid, &row, &who)?;
            }
            C::Rename(from, to) => {
                let Some((tid, row)) = live(from) else {
                    return Err(missing(from));
                };
                if live(to).is_some() {
                    return Err(taken(to));
                }
                let mut row = row.clone();
                row[1] = Value::Text(to.clone());
                ctx.catalog()
                    .update(&system::PG_ATTRIBUTE, *tid, &row, &who)?;
            }
        }
        // CommandCounterIncrement: the next change sees this one.
        ctx.txn.cid += 1;
        for (ns, table) in &typed {
            let target = format!(
                "{}.{}",
                crate::func::quote_ident(&ctx.namespace_name(*ns)?),
                crate::func::quote_ident(table)
            );
            let q = crate::func::quote_ident;
            let action = match change {
                C::Add(name, data_type) => format!("ADD COLUMN {} {data_type}", q(name)),
                C::Drop(name, true) => format!("DROP COLUMN IF EXISTS {}", q(name)),
                C::Drop(name, false) => format!("DROP COLUMN {}", q(name)),
                C::Retype(name, data_type) => {
                    format!("ALTER COLUMN {} TYPE {data_type}", q(name))
                }
                C::Rename(from, to) => format!("RENAME COLUMN {} TO {}", q(from), q(to)),
            };
            super::alter::alter_table_text(ctx, &format!("ALTER TABLE {target} {action}"))?;
            ctx.txn.cid += 1;
        }
    }
    types_changed(ctx)
}

/// ALTER TYPE name OWNER TO role: the type must exist and the role too
/// (grant.rs's change_owner checks and records the change).
pub fn alter_type_owner(ctx: &mut Stmt<'_>, name: &ObjectName, role: &str) -> Result<()> {
    ctx.check_writable("ALTER TYPE")?;
    let parts = object_name(name);
    let Some(t) = find_type(ctx, &parts)? else {
        return Err(undefined_type(&parts.join(".")));
    };
    super::grant::change_owner(
        ctx,
        crate::catalog::privs::TYPE,
        t.oid,
        role,
        "type",
        &t.name,
    )
}

fn not_a_label(label: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("\"{label}\" is not an existing enum label"),
    )
}

fn label_exists(label: &str) -> SqlError {
    SqlError::new(
        SqlState::DUPLICATE_OBJECT,
        format!("enum label \"{label}\" already exists"),
    )
}

/// ADD VALUE [IF NOT EXISTS] 'label' [BEFORE | AFTER 'label']: the new
/// label sorts between its neighbours (PostgreSQL's float4 sort orders;
/// halfway, or one beyond the ends).
fn add_value(
    ctx: &mut Stmt<'_>,
    xid: u32,
    ty: &UserType,
    add: &ast::AlterTypeAddValue,
) -> Result<()> {
    let label = label_text(&add.value);
    check_label(&label)?;
    if ty.label(&label).is_some() {
        if add.if_not_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_OBJECT,
                format!("enum label \"{label}\" already exists, skipping"),
            ));
            return Ok(());
        }
        return Err(label_exists(&label));
    }
    let sorts: Vec<f32> = ty.labels.iter().map(|l| l.sort).collect();
    let position = |n: &ast::Ident| {
        let n = label_text(n);
        ty.labels
            .iter()
            .position(|l| l.label == n)
            .ok_or_else(|| not_a_label(&n))
    };
    let sort = match &add.position {
        None => sorts.last().map_or(1.0, |s| s + 1.0),
        Some(ast::AlterTypeAddValuePosition::Before(n)) => {
            let i = position(n)?;
            match i.checked_sub(1) {
                Some(p) => (sorts[p] + sorts[i]) / 2.0,
                None => sorts[i] - 1.0,
            }
        }
        Some(ast::AlterTypeAddValuePosition::After(n)) => {
            let i = position(n)?;
            match sorts.get(i + 1) {
                Some(next) => (sorts[i] + next) / 2.0,
                None => sorts[i] + 1.0,
            }
        }
    };
    // No float4 left between the neighbours: the labels are renumbered
    // 1, 2, ... first (as PostgreSQL's RenumberEnumType).
    let sort = if sorts.contains(&sort) || !sort.is_finite() {
        renumber(ctx, xid, ty)?;
        let sorts: Vec<f32> = (1..=ty.labels.len()).map(|i| i as f32).collect();
        match &add.position {
            None => sorts.last().map_or(1.0, |s| s + 1.0),
            Some(ast::AlterTypeAddValuePosition::Before(n)) => {
                let i = position(n)?;
                i.checked_sub(1)
                    .map_or(sorts[i] - 1.0, |p| (sorts[p] + sorts[i]) / 2.0)
            }
            Some(ast::AlterTypeAddValuePosition::After(n)) => {
                let i = position(n)?;
                sorts
                    .get(i + 1)
                    .map_or(sorts[i] + 1.0, |next| (sorts[i] + next) / 2.0)
            }
        }
    } else {
        sort
    };
    let label_oid = ctx.engine().new_oid()?;
    let who = ctx.actor(xid);
    ctx.catalog().insert(
        &system::PG_ENUM,
        &[
            Value::Oid(label_oid),
            Value::Oid(ty.oid),
            Value::Float4(sort),
            Value::Text(label),
        ],
        &who,
    )?;
    ctx.txn.new_enum_labels.add(label_oid);
    Ok(())
}

/// Gives the labels of `ty` the sort orders 1, 2, ... in their order.
/// Index keys here hold sort orders (table/index.rs), so every index on
/// a column of the type is rebuilt with the new ones.
fn renumber(ctx: &mut Stmt<'_>, xid: u32, ty: &UserType) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut row) in cat.rows_where(&system::PG_ENUM, 1, ty.oid)? {
        let oid = crate::catalog::oid_of(&row[0]);
        if let Some(i) = ty.labels.iter().position(|l| l.oid == oid) {
            row[2] = Value::Float4(i as f32 + 1.0);
            cat.update(&system::PG_ENUM, tid, &row, &who)?;
        }
    }
    ctx.txn.cid += 1;
    ctx.catalog().user_types()?;
    for def in ctx.catalog().tables()? {
        let indexes: Vec<_> = def
            .indexes
            .iter()
            .filter(|ix| {
                ix.columns
                    .iter()
                    .filter_map(|&c| def.columns.get(c))
                    .any(|c| matches!(c.ty, DataType::Enum(o) if o == ty.oid))
            })
            .cloned()
            .collect();
        if indexes.is_empty() {
            continue;
        }
        let Some(def) = ctx.open_table_in(def.namespace, &def.name, LockMode::AccessExclusive)?
        else {
            continue;
        };
        for ix in &indexes {
            super::index::rebuild_index(ctx, xid, &def, ix)?;
        }
    }
    Ok(())
}

/// A column type as resolved: a domain becomes its base type and
/// modifier, with the domain's OID.
pub(crate) fn domain_parts(ty: DataType, typmod: i32) -> (DataType, i32, Option<u32>) {
    match ty {
        DataType::Domain(oid) => {
            let typmod = crate::usertype::get(oid)
                .and_then(|t| t.domain.as_ref().map(|d| d.typmod))
                .unwrap_or(typmod);
            (ty.base(), typmod, Some(oid))
        }
        ty => (ty, typmod, None),
    }
}

/// True if a column of type `t` holds values of user type `oid`.
pub(super) fn uses_type(t: DataType, oid: u32) -> bool {
    match t {
        DataType::Enum(o)
        | DataType::Composite(o)
        | DataType::Domain(o)
        | DataType::UserRange(o) => o == oid,
        DataType::Array(e) | DataType::Multirange(e) => uses_type(*e, oid),
        _ => false,
    }
}

/// DROP TYPE (or, with `domains`, DROP DOMAIN, whose names must be
/// domains: 42809) [IF EXISTS] names [CASCADE]: columns of the type
/// block it (2BP01), or go with it under CASCADE.
pub fn drop_types(
    ctx: &mut Stmt<'_>,
    if_exists: bool,
    cascade: bool,
    names: &[ObjectName],
    domains: bool,
) -> Result<()> {
    let verb = if domains { "DROP DOMAIN" } else { "DROP TYPE" };
    ctx.check_writable(verb)?;
    lock_names(ctx)?;
    let mut found = Vec::new();
    for name in names {
        let parts = object_name(name);
        let ty = if domains {
            super::domain::find_domain(ctx, &parts)?
        } else {
            find_type(ctx, &parts)?
        };
        match ty {
            Some(t) => found.push(t),
            None => {
                let last = parts.last().map_or("", |s| s);
                let builtin = DataType::from_name(last).filter(|_| parts.len() == 1 && !domains);
                if let Some(t) = builtin {
                    return Err(SqlError::new(
                        SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                        format!(
                            "cannot drop type {} because it is required by the database system",
                            t.sql_name()
                        ),
                    ));
                }
                if if_exists {
                    ctx.notices.push(SqlError::notice(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!("type \"{}\" does not exist, skipping", parts.join(".")),
                    ));
                    continue;
                }
                return Err(undefined_type(&parts.join(".")));
            }
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let xid = ctx.write_xid(verb)?;
    for ty in found {
        drop_type(ctx, xid, &ty, cascade)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// The columns of type `oid` (or arrays of it): (table OID, table name,
/// column name, whether through the array type).
pub(super) fn type_users(ctx: &Stmt<'_>, oid: u32) -> Result<Vec<(u32, String, String, bool)>> {
    let mut users = Vec::new();
    for def in ctx.catalog().tables()? {
        // Last column first, as PostgreSQL's dependency scan finds them.
        let live: Vec<_> = def.live().collect();
        for (_, c) in live.into_iter().rev() {
            if uses_type(c.ty, oid) || c.domain == Some(oid) {
                let array = matches!(c.ty, DataType::Array(_));
                users.push((def.oid, def.name.clone(), c.name.clone(), array));
            }
        }
    }
    Ok(users)
}

/// Drops one type (with CASCADE, the columns that use it).
pub(super) fn drop_type(ctx: &mut Stmt<'_>, xid: u32, ty: &UserType, cascade: bool) -> Result<()> {
    let users = type_users(ctx, ty.oid)?;
    // Domains and range types over this type.
    let domains: Vec<Arc<UserType>> = ctx
        .catalog()
        .user_types()?
        .iter()
        .filter(|t| {
            t.domain.as_ref().is_some_and(|d| {
                d.parent == Some(ty.oid)
                    || (d.parent.is_none() && d.base.user_type_oid() == Some(ty.oid))
            }) || t
                .range
                .as_ref()
                .is_some_and(|r| r.subtype.user_type_oid() == Some(ty.oid))
        })
        .cloned()
        .collect();
    let shown = crate::func::catalog::quote_ident(&ty.name);
    // Typed tables of the type, and the tables that inherit from them:
    // (table, what it depends on), parents first.
    let mut typed: Vec<(TableDef, String)> = Vec::new();
    for t in ctx.catalog().tables()? {
        if t.of_type == Some(ty.oid) {
            typed.push((t, format!("type {shown}")));
        }
    }
    let mut k = 0;
    while k < typed.len() {
        let parent = typed[k].0.clone();
        for child in parent.inheritors.iter().chain(&parent.partitions) {
            if let Some(c) = ctx.catalog().table_by_oid(*child)? {
                if !typed.iter().any(|(t, _)| t.oid == c.oid) {
                    typed.push((c, format!("table {}", parent.name)));
                }
            }
        }
        k += 1;
    }
    // Routines taking or returning the type.
    let routines = super::function::routines_using(ctx, Some(ty.oid), &[])?;
    if !users.is_empty() || !domains.is_empty() || !typed.is_empty() || !routines.is_empty() {
        // Domains over those domains too, each naming what it is over (as
        // PostgreSQL's dependency report does).
        // Depth first in creation order, as PostgreSQL's dependency
        // report lists them: (object, what it depends on).
        let mut chain: Vec<(String, String)> = Vec::new();
        let all_types = ctx.catalog().user_types()?;
        for d in &domains {
            domain_dependents(ctx, &all_types, d, &shown, &mut chain)?;
        }
        for (_, t, c, array) in &users {
            chain.push((
                format!("column {c} of table {t}"),
                format!("type {shown}{}", if *array { "[]" } else { "" }),
            ));
        }
        for (t, over) in &typed {
            chain.push((format!("table {}", t.name), over.clone()));
        }
        let path = ctx.search_path()?;
        for f in &routines {
            chain.push((
                super::function::describe_function(ctx, &path, f)?,
                format!("type {shown}"),
            ));
        }
        let lines: Vec<String> = chain.iter().map(|(o, _)| o.clone()).collect();
        let details: Vec<String> = chain
            .iter()
            .map(|(o, over)| format!("{o} depends on {over}"))
            .collect();
        if !cascade {
            // A column of the array type depends on an object the
            // statement did not name, which PostgreSQL words apart.
            let message = if users.iter().any(|u| u.3) && ty.composite.is_none() {
                "cannot drop desired object(s) because other objects depend on them".to_owned()
            } else {
                format!("cannot drop type {shown} because other objects depend on it")
            };
            return Err(
                SqlError::new(SqlState::DEPENDENT_OBJECTS_STILL_EXIST, message)
                    .with_detail(details.join("\n"))
                    .with_hint("Use DROP ... CASCADE to drop the dependent objects too."),
            );
        }
        ctx.notices.push(super::drop::cascade_notice(&lines));
        super::function::remove_functions(ctx, xid, &routines)?;
        for (t, _) in typed.iter().rev() {
            super::drop::remove_table(ctx, xid, t)?;
        }
        for d in &domains {
            // Listed above, with what they take along.
            let notices = ctx.notices.len();
            drop_type(ctx, xid, d, true)?;
            ctx.notices.truncate(notices);
        }
        for (table, _, column, _) in users {
            let Some(def) = ctx.catalog().table_by_oid(table)? else {
                continue;
            };
            let def = ctx
                .open_table_in(def.namespace, &def.name, LockMode::AccessExclusive)?
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            super::alter::drop_column(ctx, xid, &def, &column, false)?;
        }
    }
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    // A range type takes its multirange type and that one's array along.
    let multirange = ty
        .range
        .as_ref()
        .and_then(|r| crate::usertype::get(r.multirange));
    let mut oids = vec![ty.oid, ty.array_oid];
    if let Some(m) = &multirange {
        oids.extend([m.oid, m.array_oid]);
    }
    for oid in oids {
        for (tid, _) in cat.rows_where(&system::PG_TYPE, 0, oid)? {
            cat.delete(&system::PG_TYPE, tid, &who)?;
        }
    }
    for (tid, _) in cat.rows_where(&system::PG_ENUM, 1, ty.oid)? {
        cat.delete(&system::PG_ENUM, tid, &who)?;
    }
    if let Some(c) = &ty.composite {
        for (tid, _) in cat.rows_where(&system::PG_CLASS, 0, c.relid)? {
            cat.delete(&system::PG_CLASS, tid, &who)?;
        }
        for (tid, _) in cat.rows_where(&system::PG_ATTRIBUTE, 0, c.relid)? {
            cat.delete(&system::PG_ATTRIBUTE, tid, &who)?;
        }
    }
    for (tid, r) in cat.rows_where(&system::PG_CONSTRAINT, 4, ty.oid)? {
        if crate::catalog::text_of(&r[3]) == crate::catalog::DOMAIN_CHECK {
            cat.delete(&system::PG_CONSTRAINT, tid, &who)?;
        }
    }
    super::comment::remove_descriptions(ctx, xid, ty.oid)?;
    Ok(())
}

/// Domain `d` (over `over`) and, depth first, the domains over it and
/// the columns of each, as (object, what it depends on).
fn domain_dependents(
    ctx: &Stmt<'_>,
    all: &[Arc<UserType>],
    d: &UserType,
    over: &str,
    out: &mut Vec<(String, String)>,
) -> Result<()> {
    let name = crate::func::catalog::quote_ident(&d.name);
    out.push((format!("type {name}"), format!("type {over}")));
    for t in all {
        if t.domain.as_ref().is_some_and(|x| x.parent == Some(d.oid)) {
            domain_dependents(ctx, all, t, &name, out)?;
        }
    }
    for (_, t, c, _) in type_users(ctx, d.oid)? {
        out.push((format!("column {c} of table {t}"), format!("type {name}")));
    }
    Ok(())
}

/// The user types of schema `ns` (DROP SCHEMA), as (name, type).
pub(super) fn types_in(ctx: &Stmt<'_>, ns: u32) -> Result<Vec<Arc<UserType>>> {
    Ok(ctx
        .catalog()
        .user_types()?
        .iter()
        .filter(|t| t.namespace == ns)
        .cloned()
        .collect())
}

/// The type a COMMENT ON TYPE names: (objoid, classoid).
pub(super) fn comment_target(ctx: &Stmt<'_>, name: &ObjectName) -> Result<(u32, u32)> {
    let parts = object_name(name);
    match find_type(ctx, &parts)? {
        Some(t) => Ok((t.oid, PG_TYPE_CLASS)),
        None => Err(undefined_type(&parts.join("."))),
    }
}
