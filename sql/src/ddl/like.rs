//! CREATE TABLE ... (LIKE source ...): the LIKE elements expanded into
//! column definitions, constraints, indexes and comments of the source.

use actorgres_storage::lock::LockMode;

use super::create::create_table;
use super::split_name;
use crate::binder::object_name;
use crate::catalog::system;
use crate::error::{Result, SqlError};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::Value;

/// CREATE TABLE ... (LIKE source [options], ...): each LIKE becomes the
/// source's column definitions (with what INCLUDING asks: defaults,
/// CHECK constraints, identity, generation expressions, keys), then the
/// statement runs as written, followed by the copied indexes and
/// comments.
pub fn create_table_like(
    ctx: &mut Stmt<'_>,
    c: &crate::parser::like::CreateLike,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    use crate::parser::like::Element;
    let names = crate::deparse::TypeNames {
        path: ctx.search_path()?,
        schemas: ctx.namespaces()?.as_ref().clone(),
    };
    let mut elements: Vec<String> = Vec::new();
    // (CREATE [UNIQUE] INDEX column lists, comments) to run afterwards.
    let mut indexes: Vec<(bool, String, String)> = Vec::new();
    let mut comments: Vec<(String, String)> = Vec::new();
    let mut of_type = None;
    for e in &c.elements {
        let (source, o) = match e {
            Element::Text(t) => {
                elements.push(t.clone());
                continue;
            }
            Element::OfType(ty, options) => {
                let parts = object_name(ty);
                let Some(t) = super::types::find_type(ctx, &parts)? else {
                    // A table's row type is a type, but not a CREATE TYPE one.
                    let (schema, name) = split_name(ctx, &parts)?;
                    if ctx
                        .open_table(schema, name, LockMode::AccessShare)?
                        .is_some()
                    {
                        return Err(SqlError::new(
                            crate::error::SqlState::WRONG_OBJECT_TYPE,
                            format!("type {name} is not a composite type"),
                        ));
                    }
                    return Err(super::types::undefined_type(&parts.join(".")));
                };
                for (k, (column, _)) in options.iter().enumerate() {
                    if options[..k].iter().any(|(c, _)| c == column) {
                        return Err(SqlError::new(
                            crate::error::SqlState::DUPLICATE_COLUMN,
                            format!("column \"{column}\" specified more than once"),
                        ));
                    }
                }
                let Some(composite) = &t.composite else {
                    return Err(SqlError::new(
                        crate::error::SqlState::WRONG_OBJECT_TYPE,
                        format!("type {} is not a composite type", t.name),
                    ));
                };
                for (column, _) in options {
                    if !composite.names.contains(column) {
                        return Err(SqlError::new(
                            crate::error::SqlState::UNDEFINED_COLUMN,
                            format!("column \"{column}\" does not exist"),
                        ));
                    }
                }
                for (name, &(ty, typmod)) in composite.names.iter().zip(&composite.types) {
                    let extra: Vec<&str> = options
                        .iter()
                        .filter(|(c, _)| c == name)
                        .map(|(_, o)| o.as_str())
                        .collect();
                    elements.push(format!(
                        "{} {} {}",
                        crate::func::quote_ident(name),
                        names.name(ty, typmod),
                        extra.join(" ")
                    ));
                }
                of_type = Some(t.oid);
                continue;
            }
            Element::Like(source, o) => (source, o),
        };
        let parts = object_name(source);
        let (schema, name) = split_name(ctx, &parts)?;
        let Some(def) = ctx.open_table(schema, name, LockMode::AccessShare)? else {
            use sqlparser::ast::Spanned;
            let pos = crate::parser::char_position(ctx.sql, source.span().start);
            return Err(super::undefined_table("relation", &parts.join(".")).at(pos));
        };
        for (_, col) in def.live() {
            let ty = DataType::from_oid(col.type_oid()).unwrap_or(col.ty);
            let mut text = format!(
                "{} {}",
                crate::func::quote_ident(&col.name),
                names.name(ty, col.typmod)
            );
            if col.not_null {
                text.push_str(" NOT NULL");
            }
            match (&col.default, col.identity, col.generated) {
                (_, Some(kind), _) if o.identity => text.push_str(if kind == 'a' {
                    " GENERATED ALWAYS AS IDENTITY"
                } else {
                    " GENERATED BY DEFAULT AS IDENTITY"
                }),
                (Some(expr), None, true) if o.generated => {
                    text.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED"));
                }
                (Some(expr), None, false) if o.defaults => {
                    text.push_str(&format!(" DEFAULT {expr}"));
                }
                _ => {}
            }
            elements.push(text);
        }
        if o.constraints {
            for check in &def.checks {
                elements.push(format!(
                    "CONSTRAINT {} CHECK ({})",
                    crate::func::quote_ident(&check.name),
                    check.expr
                ));
            }
        }
        let column_list = |ix: &crate::catalog::IndexDef| {
            ix.columns
                .iter()
                .filter_map(|&i| def.columns.get(i))
                .map(|c| crate::func::quote_ident(&c.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if o.indexes {
            let constraints = ctx
                .catalog()
                .rows_where(&system::PG_CONSTRAINT, 4, def.oid)?;
            for ix in &def.indexes {
                let is_constraint = constraints
                    .iter()
                    .any(|(_, r)| crate::catalog::text_of(&r[1]) == ix.name);
                if ix.primary {
                    elements.push(format!("PRIMARY KEY ({})", column_list(ix)));
                } else if ix.unique && is_constraint {
                    elements.push(format!("UNIQUE ({})", column_list(ix)));
                } else {
                    let columns = format!(
                        "USING {} ({})",
                        crate::catalog::access_method_name(ix.method),
                        crate::table::index::key_list(&def, ix, false)
                    );
                    let mut tail = crate::table::index::predicate_text(&def, ix, false)
                        .map(|p| format!(" WHERE {p}"))
                        .unwrap_or_default();
                    if !ix.include.is_empty() {
                        let cols: Vec<String> = ix
                            .include
                            .iter()
                            .filter_map(|&a| def.columns.get(a))
                            .map(|c| crate::func::quote_ident(&c.name))
                            .collect();
                        tail = format!(" INCLUDE ({}){tail}", cols.join(", "));
                    }
                    indexes.push((ix.unique, columns, tail));
                }
            }
        }
        if o.comments {
            let descriptions = ctx
                .catalog()
                .rows_where(&system::PG_DESCRIPTION, 0, def.oid)?;
            for (_, r) in descriptions {
                let sub = match r[2] {
                    Value::Int4(i) => i,
                    _ => 0,
                };
                if let Some(col) = usize::try_from(sub - 1)
                    .ok()
                    .and_then(|i| def.columns.get(i))
                {
                    comments.push((col.name.clone(), crate::catalog::text_of(&r[3])));
                }
            }
        }
    }
    let sql = format!("{}{}){}", c.head, elements.join(", "), c.tail);
    let parsed = crate::parser::parse(&sql)?;
    let [crate::parser::Parsed::Sql(stmt)] = parsed.as_slice() else {
        return Err(SqlError::internal(
            "CREATE TABLE LIKE expanded to several statements",
        ));
    };
    let sqlparser::ast::Statement::CreateTable(ct) = stmt.as_ref() else {
        return Err(SqlError::internal(
            "CREATE TABLE LIKE expanded to another statement",
        ));
    };
    create_table(ctx, ct, sink)?;
    let table = ct.name.to_string();
    if let Some(ty) = of_type {
        ctx.txn.cid += 1;
        let parts = object_name(&ct.name);
        let (schema, name) = split_name(ctx, &parts)?;
        if let Some(def) = ctx.open_table(schema, name, LockMode::AccessExclusive)? {
            super::alter_rel::set_of_type(ctx, &def, Some(ty))?;
        }
    }
    for (unique, columns, tail) in indexes {
        ctx.txn.cid += 1;
        let unique = if unique { "UNIQUE " } else { "" };
        let sql = format!("CREATE {unique}INDEX ON {table} {columns}{tail}");
        for p in crate::parser::parse(&sql)? {
            if let crate::parser::Parsed::Sql(s) = p {
                if let sqlparser::ast::Statement::CreateIndex(ci) = s.as_ref() {
                    let mut discard = crate::session::Internal::default();
                    crate::ddl::create_index(ctx, ci, &mut discard)?;
                }
            }
        }
    }
    for (column, text) in comments {
        ctx.txn.cid += 1;
        let sql = format!(
            "COMMENT ON COLUMN {table}.{} IS {}",
            crate::func::quote_ident(&column),
            crate::func::quote_literal(&text)
        );
        for p in crate::parser::parse(&sql)? {
            if let crate::parser::Parsed::Sql(s) = p {
                if let sqlparser::ast::Statement::Comment {
                    object_type,
                    object_name,
                    comment,
                    ..
                } = s.as_ref()
                {
                    super::comment::comment(ctx, *object_type, object_name, comment.as_deref())?;
                }
            }
        }
    }
    Ok(())
}
