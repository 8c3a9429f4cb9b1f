//! Functions over the catalog that psql, pg_dump and drivers call:
//! pg_get_userbyid, format_type, pg_get_indexdef, pg_table_is_visible,
//! the size functions, privilege checks, quote_ident ...

use actorgres_storage::Maintenance;

use super::operators::arg;
use super::{f, non_strict, stable, volatile, FuncDef};
use crate::catalog::{
    oid_of, session_catalog, session_namespaces as namespaces, session_relations as relations,
    session_search_path as search_path, text_of, SystemView, TableDef,
};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{self, *};
use crate::value::{ArrayRef, Numeric, Value};

/// The words quote_ident must quote: PostgreSQL 15's keywords that are
/// not unreserved (pg_get_keywords() with catcode <> 'U').
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// quote_ident: double quotes unless the name is a plain lower-case
/// identifier that is not a keyword needing them.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && QUOTED_KEYWORDS.binary_search(&name).is_err();
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// quote_literal: a string literal, E'' when it holds backslashes.
pub fn quote_literal(s: &str) -> String {
    let body = s.replace('\'', "''");
    if s.contains('\\') {
        format!("E'{}'", body.replace('\\', "\\\\"))
    } else {
        format!("'{body}'")
    }
}

/// format_type's text for a type and typmod (-1: none).
pub fn format_type(ty: DataType, typmod: i32) -> String {
    let with = |base: &str, inner: Option<String>, suffix: &str| match inner {
        Some(m) => format!("{base}({m}){suffix}"),
        None => format!("{base}{suffix}"),
    };
    let precision = (typmod >= 0).then(|| typmod.to_string());
    match ty {
        Varchar => with(
            "character varying",
            (typmod >= 4).then(|| (typmod - 4).to_string()),
            "",
        ),
        Bpchar => with(
            "character",
            (typmod >= 4).then(|| (typmod - 4).to_string()),
            "",
        ),
        Numeric => with(
            "numeric",
            crate::cast::numeric_typmod(typmod).map(|(p, s)| format!("{p},{s}")),
            "",
        ),
        Timestamp => with("timestamp", precision, " without time zone"),
        TimestampTz => with("timestamp", precision, " with time zone"),
        Time => with("time", precision, " without time zone"),
        TimeTz => with("time", precision, " with time zone"),
        Interval => crate::value::interval_in::format_type(typmod),
        Bit => with("bit", precision, ""),
        VarBit => with("bit varying", precision, ""),
        Array(e) => format!("{}[]", format_type(*e, typmod)),
        other => other.sql_name(),
    }
}

/// The table holding index `oid`, with the index's position in it.
fn index_of(tables: &[TableDef], oid: u32) -> Option<(&TableDef, usize)> {
    tables.iter().find_map(|t| {
        t.indexes
            .iter()
            .position(|i| i.oid == oid)
            .map(|pos| (t, pos))
    })
}

/// pg_get_indexdef(index oid): its CREATE INDEX statement.
fn indexdef(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let tables = relations(ctx)?;
    let Some((t, pos)) = index_of(&tables, oid_of(&a[0])) else {
        return Ok(Value::Null);
    };
    let ix = &t.indexes[pos];
    let column = a.get(1).map_or(0, |v| match v {
        Value::Int4(i) => *i,
        _ => 0,
    });
    let pretty = matches!(a.get(2), Some(Value::Bool(true)));
    let names = crate::table::index::key_texts(t, ix, pretty);
    if column > 0 {
        let k = column as usize - 1;
        let include = k
            .checked_sub(names.len())
            .and_then(|i| ix.include.get(i))
            .and_then(|&a| t.columns.get(a))
            .map(|c| quote_ident(&c.name));
        return Ok(names
            .get(k)
            .cloned()
            .or(include)
            .map_or(Value::Null, Value::Text));
    }
    let schemas = namespaces(ctx)?;
    let schema = crate::catalog::schema_name(&schemas, t.namespace).unwrap_or_default();
    let predicate = crate::table::index::predicate_text(t, ix, pretty)
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    let include = if ix.include.is_empty() {
        String::new()
    } else {
        let cols: Vec<String> = ix
            .include
            .iter()
            .filter_map(|&a| t.columns.get(a).map(|c| quote_ident(&c.name)))
            .collect();
        format!(" INCLUDE ({})", cols.join(", "))
    };
    // Pretty output names the table as the search path finds it.
    let schema = if pretty && visible(&tables, &search_path(ctx)?, &t.name, t.oid) {
        String::new()
    } else {
        format!("{}.", quote_ident(schema))
    };
    let keys = crate::table::index::key_list(t, ix, pretty);
    Ok(Value::Text(format!(
        "CREATE {}INDEX {} ON {}{schema}{} USING {} ({keys}){include}{predicate}",
        if ix.unique { "UNIQUE " } else { "" },
        quote_ident(&ix.name),
        if t.partition_key.is_some() {
            "ONLY "
        } else {
            ""
        },
        quote_ident(&t.name),
        crate::catalog::access_method_name(ix.method),
    )))
}

/// pg_get_partkeydef(table oid): `RANGE (a, b)`, NULL for a table that
/// is not partitioned.
fn partkeydef(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let oid = oid_of(&a[0]);
    let Some(t) = relations(ctx)?.into_iter().find(|t| t.oid == oid) else {
        return Ok(Value::Null);
    };
    let Some(key) = &t.partition_key else {
        return Ok(Value::Null);
    };
    let cols: Vec<String> = key
        .columns
        .iter()
        .filter_map(|&c| t.columns.get(c).map(|c| quote_ident(&c.name)))
        .collect();
    Ok(Value::Text(format!(
        "{} ({})",
        key.strategy_name(),
        cols.join(", ")
    )))
}

/// The relation and its ancestors, innermost first (the rows of
/// pg_partition_ancestors); none for a relation that is neither a
/// partition nor partitioned.
fn partition_ancestor_list(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let tables = relations(ctx)?;
    let mut out = Vec::new();
    let mut current = tables.iter().find(|t| t.oid == oid_of(&a[0]));
    if current.is_some_and(|t| t.partition_key.is_none() && t.partition_of.is_none()) {
        current = None;
    }
    while let Some(t) = current {
        if out.len() > tables.len() {
            break;
        }
        out.push(t.oid);
        current = t
            .partition_of
            .as_ref()
            .and_then(|of| tables.iter().find(|p| p.oid == of.parent));
    }
    let named = out
        .into_iter()
        .map(|o| regname(&[Value::Oid(o)], ctx, Regclass))
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::Array(crate::value::ArrayRef::new(named)))
}

/// pg_get_partition_constraintdef(rel): a partition's implicit
/// constraint as PostgreSQL prints it, its ancestors' terms first; NULL for
/// a relation that is no partition.
fn partition_constraintdef(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    use crate::table::partition;
    let tables = relations(ctx)?;
    let style = ctx.style().clone();
    let mut levels: Vec<Vec<String>> = Vec::new();
    let mut current = tables.iter().find(|t| t.oid == oid_of(&a[0]));
    while let Some(t) = current {
        let Some(of) = &t.partition_of else { break };
        let Some(parent) = tables.iter().find(|p| p.oid == of.parent) else {
            break;
        };
        let Some(key) = &parent.partition_key else {
            break;
        };
        if levels.len() > tables.len() {
            break;
        }
        let own = partition::parse_stored(&of.bound, parent, key, &style)?;
        let mut siblings = Vec::new();
        for sib in tables.iter().filter(|s| s.oid != t.oid) {
            if let Some(o) = sib.partition_of.as_ref().filter(|o| o.parent == parent.oid) {
                siblings.push(partition::parse_stored(&o.bound, parent, key, &style)?);
            }
        }
        partition::sort_bounds(&mut siblings);
        levels.push(partition::constraint_terms(
            &own, &siblings, key, parent, &style,
        ));
        current = Some(parent);
    }
    let terms: Vec<String> = levels.into_iter().rev().flatten().collect();
    Ok(match terms.len() {
        0 => Value::Null,
        1 => Value::Text(terms.into_iter().next().unwrap_or_default()),
        _ => Value::Text(format!("({})", terms.join(" AND "))),
    })
}

/// pg_partition_root(rel): the topmost partitioned table above a
/// partition (itself for a partitioned table that is no partition); NULL
/// for other relations.
fn partition_root(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let tables = relations(ctx)?;
    let Some(mut t) = tables.iter().find(|t| t.oid == oid_of(&a[0])) else {
        return Ok(Value::Null);
    };
    if t.partition_key.is_none() && t.partition_of.is_none() {
        return Ok(Value::Null);
    }
    for _ in 0..tables.len() {
        let Some(up) = t
            .partition_of
            .as_ref()
            .and_then(|of| tables.iter().find(|p| p.oid == of.parent))
        else {
            break;
        };
        t = up;
    }
    regname(&[Value::Oid(t.oid)], ctx, Regclass)
}

/// pg_get_constraintdef(constraint oid).
fn constraintdef(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let Some((cat, _)) = session_catalog(ctx)? else {
        return Ok(Value::Null);
    };
    let wanted = oid_of(&a[0]);
    let tables = cat.relations()?;
    for (_, r) in cat.rows(&crate::catalog::system::PG_CONSTRAINT)? {
        if oid_of(&r[0]) != wanted {
            continue;
        }
        let (name, kind, rel) = (text_of(&r[1]), text_of(&r[3]), oid_of(&r[4]));
        if kind == crate::catalog::DOMAIN_CHECK {
            let pretty = matches!(a.get(1), Some(Value::Bool(true)));
            let names = type_names(ctx)?;
            return Ok(crate::usertype::get(rel).map_or(Value::Null, |t| {
                let def = crate::ddl::domain::check_def(&t, &text_of(&r[5]), pretty, Some(&names));
                Value::Text(def)
            }));
        }
        let Some(t) = tables.iter().find(|t| t.oid == rel) else {
            return Ok(Value::Null);
        };
        if kind == "f" {
            let path = search_path(ctx)?;
            return Ok(t.foreign_keys.iter().find(|fk| fk.oid == wanted).map_or(
                Value::Null,
                |fk| {
                    let visible = tables
                        .iter()
                        .find(|p| p.oid == fk.ref_table.0)
                        .is_some_and(|p| path.contains(&p.namespace));
                    Value::Text(fk.definition(!visible))
                },
            ));
        }
        if kind == "c" {
            let pretty = matches!(a.get(1), Some(Value::Bool(true)));
            let names = type_names(ctx)?;
            let expr = crate::table::stored_sql(t, &text_of(&r[5]), None, pretty, Some(&names));
            let check = t.checks.iter().find(|c| c.name == name);
            let no_inherit = if check.is_some_and(|c| c.no_inherit) {
                " NO INHERIT"
            } else {
                ""
            };
            let not_valid = if check.is_some_and(|c| !c.validated) {
                " NOT VALID"
            } else {
                ""
            };
            return Ok(Value::Text(format!(
                "CHECK ({expr}){no_inherit}{not_valid}"
            )));
        }
        let Some(ix) = t.indexes.iter().find(|i| i.name == name) else {
            return Ok(Value::Null);
        };
        let cols: Vec<String> = ix
            .columns
            .iter()
            .map(|&c| {
                t.columns
                    .get(c)
                    .map_or("?".into(), |c| quote_ident(&c.name))
            })
            .collect();
        let what = if kind == "p" { "PRIMARY KEY" } else { "UNIQUE" };
        return Ok(Value::Text(format!("{what} ({})", cols.join(", "))));
    }
    Ok(Value::Null)
}

/// pg_get_expr(expression, relation [, pretty]): the stored expression
/// printed as PostgreSQL prints it.
fn get_expr(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let text = match &a[0] {
        Value::Text(s) => s.clone(),
        _ => return Ok(Value::Null),
    };
    let pretty = matches!(a.get(2), Some(Value::Bool(true)));
    let rel = oid_of(&a[1]);
    // Relation names in regclass literals are stored qualified and
    // printed bare when their schema is on the search path.
    let mut text = text;
    let schemas = namespaces(ctx)?;
    for ns in search_path(ctx)? {
        if let Some(name) = crate::catalog::schema_name(&schemas, ns) {
            text = text.replace(&format!("'{}.", quote_ident(name)), "'");
        }
    }
    Ok(Value::Text(
        match relations(ctx)?.iter().find(|t| t.oid == rel) {
            Some(t) => crate::table::stored_sql(t, &text, None, pretty, Some(&type_names(ctx)?)),
            None => text,
        },
    ))
}

/// pg_get_viewdef(view oid): the view's query, its tables qualified
/// with their schema where the search path would not find them (so that
/// pg_dump's output, read with an empty search path, means the same).
fn viewdef(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let oid = oid_of(&a[0]);
    if let Some(v) = SystemView::by_oid(oid) {
        return Ok(v
            .sql()
            .map_or(Value::Null, |s| Value::Text(format!(" {s};"))));
    }
    let Some(def) = relations(ctx)?.into_iter().find(|t| t.oid == oid) else {
        return Ok(Value::Null);
    };
    let Some(text) = def.view.clone().or_else(|| def.matview.clone()) else {
        return Ok(Value::Null);
    };
    let path = search_path(ctx)?;
    let pretty = matches!(a.get(1), Some(Value::Bool(true)) | Some(Value::Int4(_)));
    if let Some((cat, _)) = session_catalog(ctx)? {
        let names = type_names(ctx)?;
        let columns: Vec<String> = def.live().map(|(_, c)| c.name.clone()).collect();
        // Stored view text names tables outside public qualified: it
        // reads with the default path whatever the session's is.
        let mut tables = crate::table::CatalogTables(cat);
        if let Some(printed) =
            crate::binder::view_definition(&text, &mut tables, ctx.style, pretty, &names, &columns)
        {
            return Ok(Value::Text(printed));
        }
    }
    let text = if path.contains(&crate::catalog::system::PUBLIC_NS) {
        text
    } else {
        crate::parser::qualify_relations(&text, "public").unwrap_or(text)
    };
    Ok(Value::Text(format!(" {};", text.trim_end_matches(';'))))
}

/// The commands a relation takes, as relation_is_updatable's bits:
/// UPDATE 4, INSERT 8, DELETE 16 (tables all; automatically updatable
/// views DELETE, and INSERT / UPDATE when a column is updatable, as
/// their base allows; anything else none).
fn updatable_events(oid: u32, tables: &[TableDef], depth: usize) -> i32 {
    let Some(t) = tables.iter().find(|t| t.oid == oid) else {
        return 0;
    };
    let Some(text) = &t.view else {
        return if t.matview.is_none() && t.sequence.is_none() && !t.system {
            28
        } else {
            0
        };
    };
    let Some((base, columns)) = view_base(text) else {
        return 0;
    };
    if depth > 16 {
        return 0;
    }
    let base_events = tables
        .iter()
        .find(|b| b.name == base && (b.namespace == t.namespace || b.view.is_none()))
        .map_or(0, |b| updatable_events(b.oid, tables, depth + 1));
    let mut events = 28;
    if !columns.iter().any(Option::is_some) {
        events &= !(4 | 8);
    }
    events & base_events
}

/// A view's base relation name and, per output item, the base column it
/// is (None: an expression), when its query is automatically updatable.
fn view_base(text: &str) -> Option<(String, Vec<Option<String>>)> {
    use sqlparser::ast;
    let q = crate::parser::view_query(text).ok()?;
    crate::table::view_updatable(&q).ok()?;
    let ast::SetExpr::Select(sel) = q.body.as_ref() else {
        return None;
    };
    let ast::TableFactor::Table { name, .. } = &sel.from.first()?.relation else {
        return None;
    };
    // Aggregates, window functions and set-returning calls in the select
    // list make it read-only.
    let mut computed = false;
    let _ = ast::visit_expressions(&sel.projection, |e| {
        if let ast::Expr::Function(f) = e {
            let n = crate::binder::object_name(&f.name)
                .pop()
                .unwrap_or_default();
            computed |= f.over.is_some() || crate::binder::aggregates_or_returns_set(&n);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    if computed {
        return None;
    }
    let base = crate::binder::object_name(name).pop()?;
    let columns =
        sel.projection
            .iter()
            .map(|item| match item {
                ast::SelectItem::UnnamedExpr(e)
                | ast::SelectItem::ExprWithAlias { expr: e, .. } => match e {
                    ast::Expr::Identifier(i) => Some(crate::binder::ident(i)),
                    ast::Expr::CompoundIdentifier(p) => p.last().map(crate::binder::ident),
                    _ => None,
                },
                _ => Some("*".into()),
            })
            .collect();
    Some((base, columns))
}

/// pg_relation_is_updatable(regclass, include_triggers).
fn relation_is_updatable(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let tables = relations(ctx)?;
    Ok(Value::Int4(updatable_events(oid_of(&a[0]), &tables, 0)))
}

/// pg_column_is_updatable(regclass, attnum, include_triggers): a table's
/// column, or a view column that is a column of its updatable base.
fn column_is_updatable(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let tables = relations(ctx)?;
    let oid = oid_of(&a[0]);
    let Value::Int2(attnum) = a[1] else {
        return Ok(Value::Bool(false));
    };
    if attnum <= 0 || updatable_events(oid, &tables, 0) & 4 == 0 {
        return Ok(Value::Bool(false));
    }
    let Some(t) = tables.iter().find(|t| t.oid == oid) else {
        return Ok(Value::Bool(false));
    };
    let Some(text) = &t.view else {
        return Ok(Value::Bool(true));
    };
    let Some((_, columns)) = view_base(text) else {
        return Ok(Value::Bool(false));
    };
    // `*` stands for several columns: a column past it is the base's.
    let simple = if columns.iter().any(|c| c.as_deref() == Some("*")) {
        true
    } else {
        columns
            .get(attnum as usize - 1)
            .is_some_and(Option::is_some)
    };
    Ok(Value::Bool(simple))
}

/// pg_get_viewdef(text [, pretty]): the view named (42P01 if none).
fn viewdef_by_name(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let rel = to_reg(&a[..1], ctx, DataType::Regclass)?;
    if rel.is_null() {
        let name = match &a[0] {
            Value::Text(s) => s.clone(),
            _ => String::new(),
        };
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::UNDEFINED_TABLE,
            format!("relation \"{name}\" does not exist"),
        ));
    }
    let mut args = vec![Value::Oid(oid_of(&rel))];
    args.extend(a[1..].iter().cloned());
    viewdef(&args, ctx)
}

/// pg_table_is_visible: the relation's schema is on the search path.
fn table_is_visible(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let oid = oid_of(&a[0]);
    let path = search_path(ctx)?;
    if let Some(v) = SystemView::by_oid(oid) {
        return Ok(Value::Bool(path.contains(&v.namespace())));
    }
    let rels = relations(ctx)?;
    let Some(name) = rels.iter().find_map(|t| {
        if t.oid == oid {
            Some(t.name.clone())
        } else {
            t.indexes
                .iter()
                .find(|i| i.oid == oid)
                .map(|i| i.name.clone())
        }
    }) else {
        // A composite type's pg_class row: visible where its type is.
        if let Some((cat, _)) = session_catalog(ctx)? {
            if let Some(t) = cat
                .user_types()?
                .iter()
                .find(|t| t.composite.as_ref().is_some_and(|c| c.relid == oid))
            {
                return Ok(Value::Bool(path.contains(&t.namespace)));
            }
        }
        return Ok(Value::Null);
    };
    Ok(Value::Bool(visible(&rels, &path, &name, oid)))
}

/// Whether the search path finds relation (or index) `oid` by its
/// `name`: the first schema on the path holding that name holds it.
/// How the session names user types (qualified outside its path).
fn type_names(ctx: &EvalCtx<'_>) -> Result<crate::deparse::TypeNames> {
    Ok(crate::deparse::TypeNames {
        path: search_path(ctx)?,
        schemas: Vec::clone(&namespaces(ctx)?),
    })
}

fn visible(rels: &[TableDef], path: &[u32], name: &str, oid: u32) -> bool {
    path.iter()
        .find_map(|ns| {
            rels.iter().filter(|t| t.namespace == *ns).find_map(|t| {
                if t.name == name {
                    Some(t.oid)
                } else {
                    t.indexes.iter().find(|i| i.name == name).map(|i| i.oid)
                }
            })
        })
        .is_some_and(|found| found == oid)
}

/// The bytes of a relation's file (0 for views and unknown OIDs).
fn relation_bytes(ctx: &EvalCtx<'_>, t: &TableDef, rel: actorgres_storage::smgr::RelId) -> u64 {
    if t.view.is_some() {
        return 0;
    }
    ctx.storage
        .as_ref()
        .and_then(|st| st.engine.nblocks(rel).ok())
        .map_or(0, |n| u64::from(n) * actorgres_memory::PAGE_SIZE as u64)
}

/// The storage engine's counters of table `a[0]` (kept in memory since
/// the server started), if it has any.
fn rel_stats(a: &[Value], ctx: &EvalCtx<'_>) -> Result<Option<actorgres_storage::RelStats>> {
    let oid = oid_of(&a[0]);
    let Some(st) = ctx.storage.as_ref() else {
        return Ok(None);
    };
    let Some(t) = relations(ctx)?.into_iter().find(|t| t.oid == oid) else {
        return Ok(None);
    };
    Ok(st
        .engine
        .rel_stats()
        .into_iter()
        .find(|(r, _)| *r == t.rel)
        .map(|(_, s)| s))
}

/// One of a table's activity counters; 0 for anything else.
fn counter(
    a: &[Value],
    ctx: &EvalCtx<'_>,
    read: fn(&actorgres_storage::RelStats) -> u64,
) -> Result<Value> {
    let n = rel_stats(a, ctx)?.map_or(0, |s| read(&s));
    Ok(Value::Int8(n as i64))
}

/// When maintenance `which` (VACUUM, autovacuum, ANALYZE, auto-analyze)
/// last ran on a table; NULL if it has not since the server started.
fn last_time(a: &[Value], ctx: &EvalCtx<'_>, which: Maintenance) -> Result<Value> {
    Ok(rel_stats(a, ctx)?
        .and_then(|s| s.last(which).0)
        .map_or(Value::Null, Value::TimestampTz))
}

/// Which parts of a relation a size function counts.
#[derive(Clone, Copy)]
enum SizeOf {
    /// The relation itself (a table's heap or an index).
    Relation,
    /// The table without its indexes.
    Table,
    /// The table's indexes.
    Indexes,
    /// Table and indexes.
    Total,
}

fn size(a: &[Value], ctx: &EvalCtx<'_>, what: SizeOf) -> Result<Value> {
    let oid = oid_of(&a[0]);
    let tables = relations(ctx)?;
    if let Some((t, pos)) = index_of(&tables, oid) {
        let own = relation_bytes(ctx, t, t.indexes[pos].rel);
        return Ok(Value::Int8(match what {
            SizeOf::Indexes => 0,
            _ => own as i64,
        }));
    }
    let Some(t) = tables.iter().find(|t| t.oid == oid) else {
        return Ok(if SystemView::by_oid(oid).is_some() {
            Value::Int8(0)
        } else {
            Value::Null
        });
    };
    // A table with a variable-length column has a TOAST table in
    // PostgreSQL, whose empty index is one 8 kB page: counted so sizes
    // read as PostgreSQL's.
    let toast = if t.view.is_none() && t.live().any(|(_, c)| c.ty.typlen() == -1) {
        actorgres_memory::PAGE_SIZE as u64
    } else {
        0
    };
    let heap = relation_bytes(ctx, t, t.rel);
    let indexes: u64 = t
        .indexes
        .iter()
        .map(|i| relation_bytes(ctx, t, i.rel))
        .sum();
    Ok(Value::Int8(match what {
        SizeOf::Relation => heap,
        SizeOf::Table => heap + toast,
        SizeOf::Indexes => indexes,
        SizeOf::Total => heap + toast + indexes,
    } as i64))
}

/// pg_size_pretty as PostgreSQL 15 computes it: past 10240 bytes the
/// value is kept in half units, and a unit is used while it stays below
/// 20480 of them, rounded half away from zero.
pub fn size_pretty(bytes: i128) -> String {
    // (name, limit, counted in half units, bits of the unit)
    const UNITS: [(&str, i128, bool, u32); 6] = [
        ("bytes", 10 * 1024, false, 0),
        ("kB", 20 * 1024 - 1, true, 10),
        ("MB", 20 * 1024 - 1, true, 20),
        ("GB", 20 * 1024 - 1, true, 30),
        ("TB", 20 * 1024 - 1, true, 40),
        ("PB", 20 * 1024 - 1, true, 50),
    ];
    let mut size = bytes;
    for (i, (name, limit, half, bits)) in UNITS.iter().enumerate() {
        let Some(next) = UNITS.get(i + 1) else {
            break;
        };
        if size.abs() < *limit {
            if *half {
                size = (size + if size < 0 { -1 } else { 1 }) / 2;
            }
            return format!("{size} {name}");
        }
        let shift = next.3 - bits - u32::from(next.2) + u32::from(*half);
        size /= 1 << shift;
    }
    format!("{} PB", (size + if size < 0 { -1 } else { 1 }) / 2)
}

/// A privilege check: actorgres runs every session as a superuser.
fn privileged(_: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    Ok(Value::Bool(true))
}

/// array_to_string(array, delimiter [, null string]).
fn array_to_string(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (Value::Array(items), Value::Text(sep)) = (&a[0], &a[1]) else {
        return Ok(Value::Null);
    };
    let null = match a.get(2) {
        Some(Value::Text(s)) => Some(s.as_str()),
        _ => None,
    };
    let mut out = String::new();
    let mut first = true;
    for v in items.items() {
        let text = match v.to_text(ctx.style) {
            Some(t) => t,
            None => match null {
                Some(n) => n.to_owned(),
                None => continue,
            },
        };
        if !first {
            out.push_str(sep);
        }
        first = false;
        out.push_str(&text);
    }
    Ok(Value::Text(out))
}

/// pg_encoding_to_char.
fn encoding_name(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    Ok(Value::Text(
        match arg!(a, 0, Int4) {
            0 => "SQL_ASCII",
            6 => "UTF8",
            8 => "LATIN1",
            _ => "",
        }
        .to_owned(),
    ))
}

/// pg_get_triggerdef(oid [, pretty]): the trigger's CREATE TRIGGER
/// statement; the table qualified unless pretty and on the search path,
/// the function qualified unless on the search path.
fn triggerdef(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let Some((cat, _)) = session_catalog(ctx)? else {
        return Ok(Value::Null);
    };
    let wanted = oid_of(&a[0]);
    let Some((_, r)) = cat
        .rows_where(&crate::catalog::system::PG_TRIGGER, 0, wanted)?
        .into_iter()
        .next()
    else {
        return Ok(Value::Null);
    };
    let t = crate::catalog::trigger_def(&r);
    let Some(def) = cat.table_by_oid(oid_of(&r[1]))? else {
        return Ok(Value::Null);
    };
    let pretty = matches!(a.get(1), Some(Value::Bool(true)));
    let path = search_path(ctx)?;
    let schemas = namespaces(ctx)?;
    let schema_of =
        |ns: u32| quote_ident(crate::catalog::schema_name(&schemas, ns).unwrap_or_default());
    let rels = relations(ctx)?;
    let table = if pretty && visible(&rels, &path, &def.name, def.oid) {
        quote_ident(&def.name)
    } else {
        format!("{}.{}", schema_of(def.namespace), quote_ident(&def.name))
    };
    let func = match user_function(ctx, t.func)? {
        Some(f) if path.contains(&f.namespace) => quote_ident(&f.name),
        Some(f) => format!("{}.{}", schema_of(f.namespace), quote_ident(&f.name)),
        None => match crate::table::trigger::builtin_trigger(t.func) {
            Some(f) => quote_ident(&f.name),
            None => t.func.to_string(),
        },
    };
    Ok(Value::Text(crate::table::trigger::definition(
        &t, &def, &table, &func, pretty,
    )))
}

/// The user-defined function with OID `oid` in the session's database.
fn user_function(
    ctx: &EvalCtx<'_>,
    oid: u32,
) -> Result<Option<std::sync::Arc<crate::routine::UserFunction>>> {
    let Some((cat, _)) = crate::catalog::session_catalog(ctx)? else {
        return Ok(None);
    };
    cat.user_types()?;
    Ok(cat.functions()?.into_iter().find(|f| f.oid == oid))
}

/// A type as a user-defined function's signature prints it (its own
/// OUT row type is `record`).
fn signature_type(f: &crate::routine::UserFunction, t: DataType) -> String {
    match t {
        DataType::Composite(o) if o == f.oid => "record".into(),
        t => format_type(t, -1),
    }
}

/// A function's argument list as pg_get_function_arguments prints it
/// (with defaults; pg_get_function_identity_arguments: without).
fn function_arguments_of(a: &[Value], ctx: &EvalCtx<'_>, identity: bool) -> Result<Value> {
    let oid = oid_of(&a[0]);
    if let Some(d) = super::builtin_by_oid(oid) {
        return Ok(Value::Text(
            d.args
                .iter()
                .map(|t| format_type(*t, -1))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    let Some(f) = user_function(ctx, oid)? else {
        return Ok(Value::Null);
    };
    use crate::routine::ArgMode;
    let first_default = f.inputs().count() - f.defaults.len();
    let mut input = 0;
    let mut out = Vec::new();
    for p in &f.params {
        if p.mode == ArgMode::Table {
            continue;
        }
        let mut s = String::new();
        match p.mode {
            // A procedure's every mode is spelled out (as DROP
            // PROCEDURE's argument list reads them).
            ArgMode::In if f.procedure => s.push_str("IN "),
            ArgMode::Out => s.push_str("OUT "),
            ArgMode::InOut => s.push_str("INOUT "),
            ArgMode::Variadic => s.push_str("VARIADIC "),
            _ => {}
        }
        if let Some(n) = &p.name {
            s.push_str(&quote_ident(n));
            s.push(' ');
        }
        s.push_str(&signature_type(&f, p.ty));
        if p.mode.is_input() {
            if !identity && input >= first_default {
                if let Some(d) = f.defaults.get(input - first_default) {
                    s.push_str(" DEFAULT ");
                    s.push_str(d);
                }
            }
            input += 1;
        }
        out.push(s);
    }
    Ok(Value::Text(out.join(", ")))
}

/// pg_get_function_arg_default(function, n): the default of argument n
/// (counting every argument from 1), or NULL.
fn function_arg_default(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (oid, Value::Int4(n)) = (oid_of(&a[0]), &a[1]) else {
        return Ok(Value::Null);
    };
    let Some(f) = user_function(ctx, oid)? else {
        return Ok(Value::Null);
    };
    let Some(at) = usize::try_from(*n).ok().and_then(|n| n.checked_sub(1)) else {
        return Ok(Value::Null);
    };
    if !f.params.get(at).is_some_and(|p| p.mode.is_input()) {
        return Ok(Value::Null);
    }
    // Defaults belong to the last input arguments.
    let input = f.params[..at].iter().filter(|p| p.mode.is_input()).count();
    let inputs = f.params.iter().filter(|p| p.mode.is_input()).count();
    let first_default = inputs - f.defaults.len().min(inputs);
    Ok(input
        .checked_sub(first_default)
        .and_then(|d| f.defaults.get(d))
        .map_or(Value::Null, |d| Value::Text(d.clone())))
}

fn function_arguments(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    function_arguments_of(a, ctx, false)
}

fn function_identity_arguments(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    function_arguments_of(a, ctx, true)
}

/// pg_get_functiondef: a user-defined function's CREATE OR REPLACE
/// FUNCTION statement as PostgreSQL prints it.
fn function_def(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let oid = oid_of(&a[0]);
    let Some(f) = user_function(ctx, oid)? else {
        return Ok(Value::Null);
    };
    let schema = crate::catalog::schema_name(&namespaces(ctx)?, f.namespace)
        .map(quote_ident)
        .unwrap_or_default();
    let Value::Text(args) = function_arguments_of(a, ctx, false)? else {
        return Ok(Value::Null);
    };
    let Value::Text(result) = function_result_of(&f) else {
        return Ok(Value::Null);
    };
    let mut out = if f.procedure {
        format!(
            "CREATE OR REPLACE PROCEDURE {schema}.{}({args})\n LANGUAGE {}\n",
            quote_ident(&f.name),
            f.language
        )
    } else {
        format!(
            "CREATE OR REPLACE FUNCTION {schema}.{}({args})\n RETURNS {result}\n LANGUAGE {}\n",
            quote_ident(&f.name),
            f.language
        )
    };
    let mut options = Vec::new();
    match f.volatility {
        crate::func::Volatility::Immutable => options.push("IMMUTABLE"),
        crate::func::Volatility::Stable => options.push("STABLE"),
        crate::func::Volatility::Volatile => {}
    }
    if f.strict {
        options.push("STRICT");
    }
    if f.security_definer {
        options.push("SECURITY DEFINER");
    }
    if !options.is_empty() {
        out.push_str(&format!(" {}\n", options.join(" ")));
    }
    let quote = if f.procedure { "procedure" } else { "function" };
    out.push_str(&format!("AS ${quote}${}${quote}$\n", f.body));
    Ok(Value::Text(out))
}

/// A function's result type as pg_get_function_result prints it.
fn function_result(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let oid = oid_of(&a[0]);
    if let Some(d) = super::builtin_by_oid(oid) {
        return Ok(Value::Text(format_type(d.ret, -1)));
    }
    let Some(f) = user_function(ctx, oid)? else {
        return Ok(Value::Null);
    };
    // A procedure has none.
    if f.procedure {
        return Ok(Value::Null);
    }
    Ok(function_result_of(&f))
}

/// A user-defined function's result as pg_get_function_result prints it.
fn function_result_of(f: &crate::routine::UserFunction) -> Value {
    let table: Vec<String> = f
        .params
        .iter()
        .filter(|p| p.mode == crate::routine::ArgMode::Table)
        .map(|p| {
            format!(
                "{} {}",
                quote_ident(p.name.as_deref().unwrap_or_default()),
                signature_type(f, p.ty)
            )
        })
        .collect();
    Value::Text(if !table.is_empty() {
        format!("TABLE({})", table.join(", "))
    } else if f.retset {
        format!("SETOF {}", signature_type(f, f.ret))
    } else {
        signature_type(f, f.ret)
    })
}

/// The name an OID of alias type prints as; its number when nothing
/// has it (as PostgreSQL prints an unknown OID).
fn regname(a: &[Value], ctx: &mut EvalCtx<'_>, ty: DataType) -> Result<Value> {
    let oid = oid_of(&a[0]);
    let name: Option<String> = match ty {
        Regclass => match SystemView::by_oid(oid) {
            Some(v) => Some(v.name().to_owned()),
            None => {
                let path = search_path(ctx)?;
                let schemas = namespaces(ctx)?;
                let rels = relations(ctx)?;
                rels.iter().find_map(|t| {
                    let bare = if t.oid == oid {
                        &t.name
                    } else {
                        &t.indexes.iter().find(|i| i.oid == oid)?.name
                    };
                    let name = quote_ident(bare);
                    if visible(&rels, &path, bare, oid) {
                        return Some(name);
                    }
                    let schema = crate::catalog::schema_name(&schemas, t.namespace)?;
                    Some(format!("{}.{name}", quote_ident(schema)))
                })
            }
        },
        Regnamespace => crate::catalog::schema_name(&namespaces(ctx)?, oid).map(quote_ident),
        Regrole => crate::catalog::role_name_of(ctx, oid)?.map(|n| quote_ident(&n)),
        Regproc | Regprocedure | Regoper => match super::builtin_by_oid(oid) {
            Some(d) => Some(if ty == Regprocedure {
                let args: Vec<String> = d.args.iter().map(|t| format_type(*t, -1)).collect();
                format!("{}({})", d.name, args.join(","))
            } else {
                d.name.to_owned()
            }),
            None if ty == Regoper => None,
            None => user_function(ctx, oid)?.map(|f| {
                if ty == Regprocedure {
                    let args: Vec<String> = f
                        .input_types()
                        .iter()
                        .map(|t| format_type(*t, -1))
                        .collect();
                    format!("{}({})", quote_ident(&f.name), args.join(","))
                } else {
                    quote_ident(&f.name)
                }
            }),
        },
        _ => None,
    };
    Ok(match name {
        Some(n) => Value::Named(oid, n.into()),
        None if oid == 0 && ty != Regclass => Value::Named(0, "-".into()),
        None => Value::Named(oid, oid.to_string().into()),
    })
}

/// The class a catalog name in obj_description(oid, 'pg_class') means.
fn catalog_class(name: &str) -> Option<u32> {
    SystemView::lookup(&[name.to_owned()]).map(|v| v.oid())
}

/// obj_description(oid [, catalog]): the comment on an object.
fn obj_description(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let oid = oid_of(&a[0]);
    let class = match a.get(1) {
        Some(Value::Text(c)) => catalog_class(c),
        Some(_) => return Ok(Value::Null),
        None => None,
    };
    if let Some((_, _, _, text)) = crate::catalog::session_descriptions(ctx)?
        .into_iter()
        .find(|(o, c, s, _)| *o == oid && *s == 0 && class.is_none_or(|k| k == *c))
    {
        return Ok(Value::Text(text));
    }
    Ok(crate::catalog::BUILTIN_DESCRIPTIONS
        .iter()
        .find(|(o, c, _)| *o == oid && class.is_none_or(|k| k == *c))
        .map_or(Value::Null, |(_, _, d)| Value::Text((*d).to_owned())))
}

/// col_description(table oid, column number): the comment on a column.
fn col_description(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (oid, sub) = match (&a[0], &a[1]) {
        (o, Value::Int4(s)) if !o.is_null() => (oid_of(o), *s),
        _ => return Ok(Value::Null),
    };
    Ok(crate::catalog::session_descriptions(ctx)?
        .into_iter()
        .find(|(o, c, s, _)| *o == oid && *c == 1259 && *s == sub)
        .map_or(Value::Null, |(_, _, _, t)| Value::Text(t)))
}

/// shobj_description(oid, catalog): the comment on a shared object.
fn shobj_description(a: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    let (Value::Oid(oid), Value::Text(c)) = (&a[0], &a[1]) else {
        return Ok(Value::Null);
    };
    let class = catalog_class(c);
    Ok(crate::catalog::BUILTIN_SHARED_DESCRIPTIONS
        .iter()
        .find(|(o, k, _)| o == oid && Some(*k) == class)
        .map_or(Value::Null, |(_, _, d)| Value::Text((*d).to_owned())))
}

/// acldefault(object type, owner): the privileges an object has before
/// any GRANT or REVOKE.
fn acldefault(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let kind = arg!(a, 0, Text);
    let owner = oid_of(&a[1]);
    let o = crate::catalog::role_name_of(ctx, owner)?
        .map_or_else(|| owner.to_string(), |n| quote_ident(&n));
    let items: Vec<String> = match kind.as_str() {
        "r" => vec![format!("{o}=arwdDxt/{o}")],
        "s" => vec![format!("{o}=rwU/{o}")],
        "d" => vec![format!("=Tc/{o}"), format!("{o}=CTc/{o}")],
        "f" => vec![format!("=X/{o}"), format!("{o}=X/{o}")],
        "l" | "T" => vec![format!("=U/{o}"), format!("{o}=U/{o}")],
        "L" => vec![format!("{o}=rw/{o}")],
        "n" => vec![format!("{o}=UC/{o}")],
        "t" => vec![format!("{o}=C/{o}")],
        "F" | "S" => vec![format!("{o}=U/{o}")],
        "p" => vec![format!("{o}=sA/{o}")],
        "c" => Vec::new(),
        other => {
            return Err(crate::error::SqlError::new(
                crate::error::SqlState::INVALID_PARAMETER_VALUE,
                format!("unrecognized object type abbreviation: {other}"),
            ))
        }
    };
    Ok(Value::Array(ArrayRef::new(
        items.into_iter().map(Value::Text).collect(),
    )))
}

/// to_regclass, to_regtype ...: the object a name means, NULL when there
/// is none (where a cast would fail).
fn to_reg(a: &[Value], ctx: &mut EvalCtx<'_>, ty: DataType) -> Result<Value> {
    let text = arg!(a, 0, Text);
    let Some(parts) = crate::binder::qualified_name(&text) else {
        return Ok(Value::Null);
    };
    let oid = match ty {
        Regtype => {
            return Ok(crate::binder::type_by_name(&text)
                .map_or(Value::Null, |t| Value::Regtype(t.oid().0)))
        }
        Regclass => match SystemView::lookup(&parts) {
            Some(v) => Some(v.oid()),
            None => {
                let name = parts.last().cloned().unwrap_or_default();
                let wanted = crate::catalog::session_lookup_namespaces(ctx, &parts)?;
                let rels = relations(ctx)?;
                wanted.iter().find_map(|ns| {
                    rels.iter().filter(|t| t.namespace == *ns).find_map(|t| {
                        if t.name == name {
                            Some(t.oid)
                        } else {
                            t.indexes.iter().find(|i| i.name == name).map(|i| i.oid)
                        }
                    })
                })
            }
        },
        Regnamespace => crate::catalog::schema_oid(&namespaces(ctx)?, &text),
        Regrole => crate::catalog::role_oid_of(ctx, &text)?,
        _ => {
            let name = parts.last().cloned().unwrap_or_default();
            let mut found = super::builtins().filter(|(_, d)| d.name == name);
            match (found.next(), found.next()) {
                (Some((oid, _)), None) => Some(oid),
                _ => None,
            }
        }
    };
    match oid {
        Some(oid) => regname(&[Value::Oid(oid)], ctx, ty),
        None => Ok(Value::Null),
    }
}

/// to_regprocedure('name(argtypes)'): the function with exactly those
/// argument types (built-in, else user-defined), NULL when there is none
/// or the text does not name one.
fn to_regprocedure(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let text = arg!(a, 0, Text);
    let Some((name, args)) = text.split_once('(') else {
        return Ok(Value::Null);
    };
    let Some(args) = args.trim_end().strip_suffix(')') else {
        return Ok(Value::Null);
    };
    let Some(parts) = crate::binder::qualified_name(name.trim()) else {
        return Ok(Value::Null);
    };
    let mut types = Vec::new();
    for a in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        match crate::binder::type_by_name(a) {
            Some(t) => types.push(t),
            None => {
                return Err(SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("type \"{a}\" does not exist"),
                ))
            }
        }
    }
    let name = parts.last().cloned().unwrap_or_default();
    let builtin = super::builtins().find(|(_, d)| d.name == name && d.args == types.as_slice());
    let oid = match builtin {
        Some((oid, _)) => Some(oid),
        None => ctx.storage.as_ref().and_then(|s| {
            crate::routine::registered(s.db, &name)
                .into_iter()
                .find(|f| f.input_types() == types)
                .map(|f| f.oid)
        }),
    };
    match oid {
        Some(oid) => regname(&[Value::Oid(oid)], ctx, Regprocedure),
        None => Ok(Value::Null),
    }
}

/// An index's access method, (key, total) column counts and each key
/// column's indoption.
type IndexShape = (u32, (i32, i32), Vec<i16>);

/// The [`IndexShape`] of the index with OID `oid` (None: not an index).
fn index_shape(ctx: &mut EvalCtx<'_>, oid: u32) -> Result<Option<IndexShape>> {
    let tables = relations(ctx)?;
    Ok(tables
        .iter()
        .flat_map(|t| &t.indexes)
        .find(|i| i.oid == oid)
        .map(|i| {
            let keys = i.exprs.as_ref().map_or(i.columns.len(), |e| e.keys.len()) as i32;
            (
                i.method,
                (keys, keys + i.include.len() as i32),
                i.options.clone(),
            )
        }))
}

/// pg_indexam_has_property: what access method `am` can do (PostgreSQL
/// 15's amcanorder, amcanunique, amcanmulticol, amgettuple for
/// exclusion, amcaninclude); None for another property or method.
fn am_property(am: u32, prop: &str) -> Option<bool> {
    // (can_order, can_unique, can_multi_col, can_exclude, can_include)
    let caps = match am {
        403 => [true, true, true, true, true],
        405 => [false, false, false, true, false],
        783 => [false, false, true, true, true],
        2742 => [false, false, true, false, false],
        4000 => [false, false, false, true, true],
        3580 => [false, false, true, false, false],
        _ => return None,
    };
    let at = [
        "can_order",
        "can_unique",
        "can_multi_col",
        "can_exclude",
        "can_include",
    ]
    .iter()
    .position(|p| p.eq_ignore_ascii_case(prop))?;
    Some(caps[at])
}

/// pg_index_has_property: clusterable, index_scan, bitmap_scan,
/// backward_scan of an index of access method `am`.
fn index_property(am: u32, prop: &str) -> Option<bool> {
    let (btree, gist) = (am == 403, am == 783);
    Some(match prop.to_ascii_lowercase().as_str() {
        "clusterable" => btree || gist,
        "index_scan" => matches!(am, 403 | 405 | 783 | 4000),
        "bitmap_scan" => true,
        "backward_scan" => btree,
        _ => return None,
    })
}

/// pg_index_column_has_property of column `col` (from 1) of an index of
/// access method `am` with `keys` = (key columns, all columns) and the key
/// columns' indoption (1: DESC, 2: NULLS FIRST): the ordering properties
/// for ordered methods' key columns, NULL past the columns or for a
/// property PostgreSQL does not know.
fn column_property(
    am: u32,
    col: i32,
    keys: (i32, i32),
    options: &[i16],
    prop: &str,
) -> Option<bool> {
    let (key_count, all) = keys;
    if col < 1 || col > all {
        return None;
    }
    let prop = prop.to_ascii_lowercase();
    let key = col <= key_count;
    let ordered = am == 403 && key;
    let option = options.get(col as usize - 1).copied().unwrap_or(0);
    let (desc, nulls_first) = (option & 1 != 0, option & 2 != 0);
    match prop.as_str() {
        "asc" | "desc" | "nulls_first" | "nulls_last" if !ordered => None,
        "asc" => Some(!desc),
        "desc" => Some(desc),
        "nulls_first" => Some(nulls_first),
        "nulls_last" => Some(!nulls_first),
        "orderable" => Some(ordered),
        "distance_orderable" => Some(false),
        "returnable" => Some(am == 403 || (am == 4000 && key)),
        "search_array" => Some(ordered),
        "search_nulls" => Some(key && matches!(am, 403 | 783 | 4000 | 3580)),
        _ => None,
    }
}

fn null_text(_: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    Ok(Value::Null)
}

fn always(_: &[Value], _: &mut EvalCtx<'_>) -> Result<Value> {
    Ok(Value::Bool(true))
}

pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(f("to_regclass", &[Text], Regclass, |a, ctx| {
        to_reg(a, ctx, Regclass)
    })),
    stable(f("to_regtype", &[Text], Regtype, |a, ctx| {
        to_reg(a, ctx, Regtype)
    })),
    stable(f("to_regnamespace", &[Text], Regnamespace, |a, ctx| {
        to_reg(a, ctx, Regnamespace)
    })),
    stable(f("to_regrole", &[Text], Regrole, |a, ctx| {
        to_reg(a, ctx, Regrole)
    })),
    stable(f("to_regproc", &[Text], Regproc, |a, ctx| {
        to_reg(a, ctx, Regproc)
    })),
    stable(f("to_regprocedure", &[Text], Regprocedure, to_regprocedure)),
    stable(f("pg_indexam_has_property", &[Oid, Text], Bool, |a, _| {
        Ok(am_property(oid_of(&a[0]), &arg!(a, 1, Text)).map_or(Value::Null, Value::Bool))
    })),
    stable(f(
        "pg_index_has_property",
        &[Regclass, Text],
        Bool,
        |a, ctx| {
            let Some((am, _, _)) = index_shape(ctx, oid_of(&a[0]))? else {
                return Ok(Value::Null);
            };
            Ok(index_property(am, &arg!(a, 1, Text)).map_or(Value::Null, Value::Bool))
        },
    )),
    stable(f(
        "pg_index_column_has_property",
        &[Regclass, Int4, Text],
        Bool,
        |a, ctx| {
            let Some((am, keys, options)) = index_shape(ctx, oid_of(&a[0]))? else {
                return Ok(Value::Null);
            };
            let (col, prop) = (arg!(a, 1, Int4), arg!(a, 2, Text));
            Ok(column_property(am, col, keys, &options, &prop).map_or(Value::Null, Value::Bool))
        },
    )),
    stable(f("regclass", &[Oid], Regclass, |a, ctx| {
        regname(a, ctx, Regclass)
    })),
    stable(f("regnamespace", &[Oid], Regnamespace, |a, ctx| {
        regname(a, ctx, Regnamespace)
    })),
    stable(f("regrole", &[Oid], Regrole, |a, ctx| {
        regname(a, ctx, Regrole)
    })),
    stable(f("regproc", &[Oid], Regproc, |a, ctx| {
        regname(a, ctx, Regproc)
    })),
    stable(f("regprocedure", &[Oid], Regprocedure, |a, ctx| {
        regname(a, ctx, Regprocedure)
    })),
    stable(f("regoper", &[Oid], Regoper, |a, ctx| {
        regname(a, ctx, Regoper)
    })),
    stable(f("pg_get_userbyid", &[Oid], Name, |a, ctx| {
        let oid = oid_of(&a[0]);
        Ok(Value::Text(
            crate::catalog::role_name_of(ctx, oid)?
                .unwrap_or_else(|| format!("unknown (OID={oid})")),
        ))
    })),
    stable(non_strict(f(
        "format_type",
        &[Oid, Int4],
        Text,
        |a, ctx| {
            if a[0].is_null() {
                return Ok(Value::Null);
            }
            let oid = oid_of(&a[0]);
            let typmod = match &a[1] {
                Value::Int4(m) => *m,
                _ => -1,
            };
            Ok(Value::Text(match DataType::from_oid(oid) {
                // bpchar without a length is "character" (one character)
                // when no typmod is given, "bpchar" when -1 is.
                Some(Bpchar) if typmod < 0 && !a[1].is_null() => "bpchar".into(),
                // bit without a length would read back as bit(1).
                Some(Bit) if typmod < 0 && !a[1].is_null() => "\"bit\"".into(),
                Some(t) if t.user_type_oid().is_some() => type_names(ctx)?.name(t, typmod),
                Some(t) => format_type(t, typmod),
                None => "???".into(),
            }))
        },
    ))),
    stable(f("pg_table_is_visible", &[Oid], Bool, table_is_visible)),
    stable(f("pg_type_is_visible", &[Oid], Bool, |a, ctx| {
        Ok(Value::Bool(match DataType::from_oid(oid_of(&a[0])) {
            Some(t) => type_names(ctx)?.schema_of(t).is_none(),
            None => true,
        }))
    })),
    stable(f("pg_function_is_visible", &[Oid], Bool, always)),
    stable(f("pg_operator_is_visible", &[Oid], Bool, always)),
    stable(f("pg_opclass_is_visible", &[Oid], Bool, always)),
    stable(f("pg_collation_is_visible", &[Oid], Bool, always)),
    stable(f("pg_conversion_is_visible", &[Oid], Bool, always)),
    stable(f("pg_ts_config_is_visible", &[Oid], Bool, always)),
    stable(f(
        "pg_relation_is_publishable",
        &[Regclass],
        Bool,
        |a, ctx| {
            let oid = oid_of(&a[0]);
            Ok(Value::Bool(
                relations(ctx)?
                    .iter()
                    .any(|t| t.oid == oid && t.view.is_none()),
            ))
        },
    )),
    stable(f("pg_encoding_to_char", &[Int4], Name, encoding_name)),
    stable(f("pg_char_to_encoding", &[Name], Int4, |a, _| {
        Ok(Value::Int4(
            match arg!(a, 0, Text).to_ascii_uppercase().as_str() {
                "SQL_ASCII" => 0,
                "UTF8" | "UTF-8" => 6,
                "LATIN1" => 8,
                _ => -1,
            },
        ))
    })),
    stable(f("pg_get_indexdef", &[Oid], Text, indexdef)),
    stable(f("pg_get_partkeydef", &[Oid], Text, partkeydef)),
    stable(f(
        "pg_get_partition_constraintdef",
        &[Oid],
        Text,
        partition_constraintdef,
    )),
    stable(f(
        "pg_partition_root",
        &[Regclass],
        Regclass,
        partition_root,
    )),
    stable(f(
        "pg_partition_ancestor_list",
        &[Regclass],
        Array(&Regclass),
        partition_ancestor_list,
    )),
    stable(f("pg_get_indexdef", &[Oid, Int4, Bool], Text, indexdef)),
    stable(f("pg_get_constraintdef", &[Oid], Text, constraintdef)),
    stable(f("pg_get_constraintdef", &[Oid, Bool], Text, constraintdef)),
    stable(f(
        "pg_relation_is_updatable",
        &[Regclass, Bool],
        Int4,
        relation_is_updatable,
    )),
    stable(f(
        "pg_column_is_updatable",
        &[Regclass, Int2, Bool],
        Bool,
        column_is_updatable,
    )),
    stable(f("pg_get_viewdef", &[Oid], Text, viewdef)),
    stable(f("pg_get_viewdef", &[Oid, Bool], Text, viewdef)),
    stable(f("pg_get_viewdef", &[Oid, Int4], Text, viewdef)),
    stable(f("pg_get_viewdef", &[Text], Text, viewdef_by_name)),
    stable(f("pg_get_viewdef", &[Text, Bool], Text, viewdef_by_name)),
    stable(f(
        "pg_get_function_arguments",
        &[Oid],
        Text,
        function_arguments,
    )),
    stable(f(
        "pg_get_function_arg_default",
        &[Oid, Int4],
        Text,
        function_arg_default,
    )),
    stable(f(
        "pg_get_function_identity_arguments",
        &[Oid],
        Text,
        function_identity_arguments,
    )),
    stable(f("pg_get_function_result", &[Oid], Text, function_result)),
    stable(f("pg_get_functiondef", &[Oid], Text, function_def)),
    // Bodies are kept as text (prosrc), never as a parsed SQL-standard
    // body.
    stable(non_strict(f(
        "pg_get_function_sqlbody",
        &[Oid],
        Text,
        null_text,
    ))),
    stable(f("pg_get_expr", &[PgNodeTree, Oid], Text, get_expr)),
    stable(f("pg_get_expr", &[PgNodeTree, Oid, Bool], Text, get_expr)),
    stable(non_strict(f("pg_get_ruledef", &[Oid], Text, null_text))),
    stable(non_strict(f(
        "pg_get_ruledef",
        &[Oid, Bool],
        Text,
        null_text,
    ))),
    stable(non_strict(f(
        "obj_description",
        &[Oid, Name],
        Text,
        obj_description,
    ))),
    stable(non_strict(f(
        "obj_description",
        &[Oid],
        Text,
        obj_description,
    ))),
    stable(non_strict(f(
        "col_description",
        &[Oid, Int4],
        Text,
        col_description,
    ))),
    stable(non_strict(f(
        "shobj_description",
        &[Oid, Name],
        Text,
        shobj_description,
    ))),
    stable(non_strict(f(
        "pg_get_statisticsobjdef_columns",
        &[Oid],
        Text,
        null_text,
    ))),
    stable(f("pg_tablespace_location", &[Oid], Text, |_, _| {
        Ok(Value::Text(String::new()))
    })),
    volatile(f("pg_relation_size", &[Regclass], Int8, |a, ctx| {
        size(a, ctx, SizeOf::Relation)
    })),
    stable(f("pg_stat_get_live_tuples", &[Oid], Int8, |a, ctx| {
        counter(a, ctx, |s| s.live.max(0) as u64)
    })),
    stable(f("pg_stat_get_dead_tuples", &[Oid], Int8, |a, ctx| {
        counter(a, ctx, |s| s.dead)
    })),
    stable(f(
        "pg_stat_get_mod_since_analyze",
        &[Oid],
        Int8,
        |a, ctx| counter(a, ctx, |s| s.changed),
    )),
    stable(f("pg_stat_get_vacuum_count", &[Oid], Int8, |a, ctx| {
        counter(a, ctx, |s| s.last(Maintenance::Vacuum).1)
    })),
    stable(f("pg_stat_get_autovacuum_count", &[Oid], Int8, |a, ctx| {
        counter(a, ctx, |s| s.last(Maintenance::Autovacuum).1)
    })),
    stable(f("pg_stat_get_analyze_count", &[Oid], Int8, |a, ctx| {
        counter(a, ctx, |s| s.last(Maintenance::Analyze).1)
    })),
    stable(f(
        "pg_stat_get_autoanalyze_count",
        &[Oid],
        Int8,
        |a, ctx| counter(a, ctx, |s| s.last(Maintenance::Autoanalyze).1),
    )),
    stable(f(
        "pg_stat_get_last_vacuum_time",
        &[Oid],
        TimestampTz,
        |a, ctx| last_time(a, ctx, Maintenance::Vacuum),
    )),
    stable(f(
        "pg_stat_get_last_autovacuum_time",
        &[Oid],
        TimestampTz,
        |a, ctx| last_time(a, ctx, Maintenance::Autovacuum),
    )),
    stable(f(
        "pg_stat_get_last_analyze_time",
        &[Oid],
        TimestampTz,
        |a, ctx| last_time(a, ctx, Maintenance::Analyze),
    )),
    stable(f(
        "pg_stat_get_last_autoanalyze_time",
        &[Oid],
        TimestampTz,
        |a, ctx| last_time(a, ctx, Maintenance::Autoanalyze),
    )),
    volatile(f("pg_relation_size", &[Regclass, Text], Int8, |a, ctx| {
        if arg!(a, 1, Text) == "main" {
            size(a, ctx, SizeOf::Relation)
        } else {
            Ok(Value::Int8(0))
        }
    })),
    volatile(f("pg_table_size", &[Regclass], Int8, |a, ctx| {
        size(a, ctx, SizeOf::Table)
    })),
    volatile(f("pg_indexes_size", &[Regclass], Int8, |a, ctx| {
        size(a, ctx, SizeOf::Indexes)
    })),
    volatile(f("pg_total_relation_size", &[Regclass], Int8, |a, ctx| {
        size(a, ctx, SizeOf::Total)
    })),
    volatile(f("pg_database_size", &[Name], Int8, |_, ctx| {
        let tables = relations(ctx)?;
        let total: u64 = tables
            .iter()
            .map(|t| {
                relation_bytes(ctx, t, t.rel)
                    + t.indexes
                        .iter()
                        .map(|i| relation_bytes(ctx, t, i.rel))
                        .sum::<u64>()
            })
            .sum();
        Ok(Value::Int8(total as i64))
    })),
    f("parse_ident", &[Text], Array(&Text), |a, _| {
        parse_ident(&arg!(a, 0, Text), true)
    }),
    f("parse_ident", &[Text, Bool], Array(&Text), |a, _| {
        parse_ident(&arg!(a, 0, Text), arg!(a, 1, Bool))
    }),
    f("pg_size_bytes", &[Text], Int8, |a, _| {
        size_bytes(&arg!(a, 0, Text))
    }),
    f("pg_size_pretty", &[Int8], Text, |a, _| {
        Ok(Value::Text(size_pretty(i128::from(arg!(a, 0, Int8)))))
    }),
    f("pg_size_pretty", &[Numeric], Text, |a, _| {
        let n: Numeric = arg!(a, 0, Numeric);
        let bytes = n
            .to_string()
            .split('.')
            .next()
            .unwrap_or("0")
            .parse()
            .unwrap_or(0);
        Ok(Value::Text(size_pretty(bytes)))
    }),
    f("acldefault", &[Char, Oid], Array(&AclItem), acldefault),
    stable(f("pg_is_in_recovery", &[], Bool, |_, _| {
        Ok(Value::Bool(false))
    })),
    stable(f("pg_my_temp_schema", &[], Oid, |_, ctx| {
        Ok(Value::Oid(ctx.temp_namespace.unwrap_or(0)))
    })),
    stable(f("pg_is_other_temp_schema", &[Oid], Bool, |a, ctx| {
        let oid = oid_of(&a[0]);
        let temp = namespaces(ctx)?
            .into_iter()
            .any(|(o, n)| o == oid && n.starts_with("pg_temp_"));
        Ok(Value::Bool(temp && ctx.temp_namespace != Some(oid)))
    })),
    stable(f(
        "has_table_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_table,
    )),
    stable(f(
        "has_table_privilege",
        &[Oid, Text],
        Bool,
        super::privilege::has_table,
    )),
    stable(f(
        "has_table_privilege",
        &[Name, Text, Text],
        Bool,
        super::privilege::has_table,
    )),
    stable(f(
        "has_table_privilege",
        &[Name, Oid, Text],
        Bool,
        super::privilege::has_table,
    )),
    stable(f(
        "has_schema_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_schema,
    )),
    stable(f(
        "has_schema_privilege",
        &[Oid, Text],
        Bool,
        super::privilege::has_schema,
    )),
    stable(f(
        "has_schema_privilege",
        &[Name, Text, Text],
        Bool,
        super::privilege::has_schema,
    )),
    stable(f(
        "has_database_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_database,
    )),
    stable(f(
        "has_database_privilege",
        &[Oid, Text],
        Bool,
        super::privilege::has_database,
    )),
    stable(f(
        "has_database_privilege",
        &[Name, Text, Text],
        Bool,
        super::privilege::has_database,
    )),
    stable(f(
        "has_column_privilege",
        &[Text, Text, Text],
        Bool,
        super::privilege::has_column,
    )),
    stable(f(
        "has_column_privilege",
        &[Oid, Text, Text],
        Bool,
        super::privilege::has_column,
    )),
    stable(f(
        "has_column_privilege",
        &[Oid, Int2, Text],
        Bool,
        super::privilege::has_column,
    )),
    stable(f(
        "has_any_column_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_any_column,
    )),
    stable(f(
        "has_any_column_privilege",
        &[Oid, Text],
        Bool,
        super::privilege::has_any_column,
    )),
    stable(f(
        "has_function_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_function,
    )),
    stable(f(
        "has_function_privilege",
        &[Oid, Text],
        Bool,
        super::privilege::has_function,
    )),
    stable(f(
        "has_sequence_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_sequence,
    )),
    stable(f(
        "has_sequence_privilege",
        &[Oid, Text],
        Bool,
        super::privilege::has_sequence,
    )),
    stable(f(
        "has_tablespace_privilege",
        &[Text, Text],
        Bool,
        privileged,
    )),
    stable(f(
        "has_language_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_language,
    )),
    stable(f(
        "has_type_privilege",
        &[Text, Text],
        Bool,
        super::privilege::has_type,
    )),
    stable(f(
        "pg_has_role",
        &[Name, Text],
        Bool,
        super::privilege::has_role,
    )),
    stable(f(
        "pg_has_role",
        &[Name, Name, Text],
        Bool,
        super::privilege::has_role,
    )),
    f("quote_literal", &[Text], Text, |a, _| {
        Ok(Value::Text(quote_literal(&arg!(a, 0, Text))))
    }),
    // quote_literal(anyelement): the value's text, quoted.
    stable(f("quote_literal", &[AnyElement], Text, |a, ctx| {
        Ok(a[0]
            .to_text(ctx.style)
            .map_or(Value::Null, |t| Value::Text(quote_literal(&t))))
    })),
    non_strict(f("quote_nullable", &[Text], Text, |a, _| {
        Ok(Value::Text(match &a[0] {
            Value::Text(s) => quote_literal(s),
            _ => "NULL".into(),
        }))
    })),
    stable(f("pg_get_triggerdef", &[Oid], Text, triggerdef)),
    stable(f("pg_get_triggerdef", &[Oid, Bool], Text, triggerdef)),
    f("quote_ident", &[Text], Text, |a, _| {
        Ok(Value::Text(quote_ident(&arg!(a, 0, Text))))
    }),
    stable(f(
        "array_to_string",
        &[AnyArray, Text],
        Text,
        array_to_string,
    )),
    stable(non_strict(f(
        "array_to_string",
        &[AnyArray, Text, Text],
        Text,
        array_to_string,
    ))),
];

/// pg_size_bytes: a number (sign, digits, fraction, exponent) and an
/// optional unit (bytes, kB, MB, GB, TB, PB, any case), as dbsize.c reads
/// them.
fn size_bytes(text: &str) -> Result<Value> {
    let invalid = || {
        SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid size: \"{text}\""),
        )
    };
    let s = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let b = s.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        end += 1;
    }
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut have_digits = false;
    let after = digits(end);
    have_digits |= after > end;
    end = after;
    if b.get(end) == Some(&b'.') {
        let after = digits(end + 1);
        have_digits |= after > end + 1;
        end = after;
    }
    if !have_digits {
        return Err(invalid());
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut k = end + 1;
        if matches!(b.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        let after = digits(k);
        if after > k {
            end = after;
        }
    }
    let mut num = Numeric::parse(&s[..end])?;
    let unit = s[end..].trim_matches(|c: char| c.is_ascii_whitespace());
    if !unit.is_empty() {
        let bits = ["bytes", "kB", "MB", "GB", "TB", "PB"]
            .iter()
            .position(|u| u.eq_ignore_ascii_case(unit))
            .ok_or_else(|| {
                invalid()
                    .with_detail(format!("Invalid size unit: \"{unit}\"."))
                    .with_hint(
                        "Valid units are \"bytes\", \"kB\", \"MB\", \"GB\", \"TB\", and \"PB\".",
                    )
            })?;
        if bits > 0 {
            num = num.mul(&Numeric::from_i64(1 << (10 * bits)))?;
        }
    }
    Ok(Value::Int8(num.to_i64()?))
}

/// parse_ident: a qualified identifier's parts, quoted ones as written,
/// the others in lower case (misc.c's parse_ident); with `strict`, nothing
/// may follow the last part.
fn parse_ident(text: &str, strict: bool) -> Result<Value> {
    let invalid = |detail: Option<&str>| {
        let e = SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("string is not a valid identifier: \"{text}\""),
        );
        match detail {
            Some(d) => e.with_detail(d),
            None => e,
        }
    };
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c');
    let start = |c: char| c == '_' || c.is_ascii_alphabetic() || !c.is_ascii();
    let cont = |c: char| start(c) || c.is_ascii_digit() || c == '$';
    let mut chars = text.chars().peekable();
    while chars.next_if(|&c| space(c)).is_some() {}
    let mut parts = Vec::new();
    let mut after_dot = false;
    loop {
        match chars.peek().copied() {
            Some('"') => {
                chars.next();
                let mut name = String::new();
                loop {
                    match chars.next() {
                        None => return Err(invalid(Some("String has unclosed double quotes."))),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            name.push('"');
                        }
                        Some('"') => break,
                        Some(c) => name.push(c),
                    }
                }
                if name.is_empty() {
                    return Err(invalid(Some("Quoted identifier must not be empty.")));
                }
                parts.push(Value::Text(name));
            }
            Some(c) if start(c) => {
                let mut name = String::new();
                while let Some(c) = chars.next_if(|&c| cont(c)) {
                    name.push(c.to_ascii_lowercase());
                }
                parts.push(Value::Text(name));
            }
            next => {
                return Err(invalid(if next == Some('.') {
                    Some("No valid identifier before \".\".")
                } else if after_dot {
                    Some("No valid identifier after \".\".")
                } else {
                    None
                }))
            }
        }
        while chars.next_if(|&c| space(c)).is_some() {}
        match chars.peek() {
            Some('.') => {
                after_dot = true;
                chars.next();
                while chars.next_if(|&c| space(c)).is_some() {}
            }
            None => break,
            Some(_) if strict => return Err(invalid(None)),
            Some(_) => break,
        }
    }
    Ok(Value::Array(crate::value::ArrayRef::new(parts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(QUOTED_KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn quote_ident_as_postgres() {
        assert_eq!(quote_ident("abc"), "abc");
        assert_eq!(quote_ident("Abc"), "\"Abc\"");
        assert_eq!(quote_ident("select"), "\"select\"");
        assert_eq!(quote_ident("name"), "name");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("1a"), "\"1a\"");
    }

    #[test]
    fn size_pretty_as_postgres() {
        assert_eq!(size_pretty(0), "0 bytes");
        assert_eq!(size_pretty(10239), "10239 bytes");
        assert_eq!(size_pretty(10240), "10 kB");
        assert_eq!(size_pretty(8192 * 1024), "8192 kB");
        assert_eq!(size_pretty(10 * 1024 * 1024), "10 MB");
        assert_eq!(size_pretty(10485759), "10 MB");
        assert_eq!(size_pretty(-10240), "-10 kB");
        assert_eq!(size_pretty(20971519), "20 MB");
        assert_eq!(size_pretty(1536 << 50), "1536 PB");
    }

    #[test]
    fn format_type_with_modifiers() {
        assert_eq!(format_type(Varchar, 24), "character varying(20)");
        assert_eq!(format_type(Numeric, (10 << 16 | 2) + 4), "numeric(10,2)");
        assert_eq!(format_type(Int4, -1), "integer");
        assert_eq!(format_type(Timestamp, 3), "timestamp(3) without time zone");
    }
}
