//! CREATE INDEX, DROP INDEX, and the indexes behind PRIMARY KEY and
//! UNIQUE constraints: a pg_class row (relkind 'i'), a pg_index row, a
//! pg_constraint row for a constraint, and a B-tree file built from the
//! table's row versions.

use actorgres_storage::lock::LockMode;
use actorgres_storage::smgr::RelId;
use sqlparser::ast::{self, ObjectName};

use super::{lock_names, reject_system, split_name, undefined_table};
use crate::binder::{ident, object_name};
use crate::catalog::{system, IndexDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::value::Value;

/// What kind of index to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// CREATE INDEX.
    Plain,
    /// CREATE UNIQUE INDEX.
    Unique,
    /// A UNIQUE constraint.
    UniqueConstraint,
    /// A PRIMARY KEY constraint.
    PrimaryKey,
}

/// A new index: its name if given, its columns, its kind.
pub(super) struct NewIndex {
    pub name: Option<String>,
    /// Key columns by name; an expression key has the name its index
    /// column takes (`lower`, `expr`).
    pub columns: Vec<String>,
    pub kind: Kind,
    /// Expression keys as written: (position in `columns`, SQL text).
    pub exprs: Vec<(usize, String)>,
    /// WHERE predicate as written.
    pub predicate: Option<String>,
    /// indoption of each key column (empty: all ASC NULLS LAST).
    pub options: Vec<i16>,
    /// INCLUDE columns by name.
    pub include: Vec<String>,
    /// The access method (pg_am OID; 403 B-tree).
    pub method: u32,
    /// The operator class named for each key column, if any.
    pub opclasses: Vec<Option<String>>,
}

impl NewIndex {
    /// An index on plain columns.
    pub(super) fn on(name: Option<String>, columns: Vec<String>, kind: Kind) -> NewIndex {
        NewIndex {
            name,
            columns,
            kind,
            exprs: Vec::new(),
            predicate: None,
            options: Vec::new(),
            include: Vec::new(),
            method: 403,
            opclasses: Vec::new(),
        }
    }

    /// The index `ix` of `def` again (for a partition, or a table made
    /// LIKE `def`), unnamed.
    pub(super) fn like(def: &TableDef, ix: &IndexDef, kind: Kind) -> NewIndex {
        let name_of = |a: usize| def.columns.get(a).map_or(String::new(), |c| c.name.clone());
        let mut spec = NewIndex::on(None, Vec::new(), kind);
        spec.options = ix.options.clone();
        spec.include = ix.include.iter().map(|&a| name_of(a)).collect();
        spec.method = ix.method;
        spec.opclasses = ix
            .opclasses
            .iter()
            .map(|&o| crate::catalog::opclass_name(o).map(str::to_owned))
            .collect();
        let Some(x) = &ix.exprs else {
            spec.columns = ix.columns.iter().map(|&a| name_of(a)).collect();
            return spec;
        };
        let mut exprs = x.exprs.iter();
        for key in &x.keys {
            match key {
                Some(a) => spec.columns.push(name_of(*a)),
                None => {
                    let text = exprs.next().cloned().unwrap_or_default();
                    spec.exprs.push((spec.columns.len(), text.clone()));
                    let name = crate::parser::parse_expr(&text)
                        .ok()
                        .and_then(|e| crate::binder::figure_colname(&e));
                    spec.columns.push(name.unwrap_or_else(|| "expr".into()));
                }
            }
        }
        spec.predicate = x.predicate.clone();
        spec
    }

    /// The index a PRIMARY KEY or UNIQUE table constraint needs; None for
    /// other constraints.
    pub(super) fn of_constraint(c: &ast::TableConstraint) -> Result<Option<NewIndex>> {
        Ok(Some(match c {
            ast::TableConstraint::PrimaryKey(pk) => NewIndex::on(
                pk.name.as_ref().map(ident),
                column_names(&pk.columns)?,
                Kind::PrimaryKey,
            ),
            ast::TableConstraint::Unique(u) => NewIndex::on(
                u.name.as_ref().map(ident),
                column_names(&u.columns)?,
                Kind::UniqueConstraint,
            ),
            _ => return Ok(None),
        }))
    }
}

/// Column names of an index's column list; expressions are not supported.
pub(super) fn column_names(cols: &[ast::IndexColumn]) -> Result<Vec<String>> {
    cols.iter()
        .map(|c| match &c.column.expr {
            ast::Expr::Identifier(i) => Ok(ident(i)),
            other => Err(SqlError::unsupported(format!(
                "an index on the expression {other}"
            ))),
        })
        .collect()
}

/// The expression keys and predicate of a new index, bound against
/// `def` and kept as PostgreSQL prints them (None for an index on plain
/// columns): an expression or predicate must be immutable (42P17), a
/// predicate boolean (42804).
fn index_exprs(
    ctx: &Stmt<'_>,
    def: &TableDef,
    spec: &NewIndex,
) -> Result<Option<std::sync::Arc<crate::catalog::IndexExprs>>> {
    if spec.exprs.is_empty() && spec.predicate.is_none() {
        return Ok(None);
    }
    let scope = crate::binder::table_scope(def, None);
    let names: Vec<String> = scope.columns.iter().map(|c| c.name.clone()).collect();
    let printed = |text: &str, what: &str, predicate: bool| -> Result<String> {
        let mut tables = crate::table::CatalogTables(ctx.catalog());
        let e = crate::table::bind_stored_with(text, ctx.style, &scope, &mut tables, |b, e| {
            if predicate {
                b.boolean(e, "WHERE")
            } else {
                Ok(e)
            }
        })
        // Positions would point into the expression's own text.
        .map_err(SqlError::without_position)?;
        let (mut mutable, mut aggregate, mut window, mut subquery) = (false, false, false, false);
        e.visit(&mut |x| match &x.kind {
            k @ (crate::expr::ExprKind::Call { .. } | crate::expr::ExprKind::UserCall(_)) => {
                mutable |= k.volatility() != Some(crate::func::Volatility::Immutable);
            }
            crate::expr::ExprKind::Aggregate(_) => aggregate = true,
            crate::expr::ExprKind::Window(_) => window = true,
            crate::expr::ExprKind::SubLink(_) => subquery = true,
            _ => {}
        });
        let plural = if predicate {
            "predicates"
        } else {
            "expressions"
        };
        if aggregate {
            return Err(SqlError::new(
                SqlState::GROUPING_ERROR,
                format!("aggregate functions are not allowed in index {plural}"),
            ));
        }
        if window {
            return Err(SqlError::new(
                SqlState::WINDOWING_ERROR,
                format!("window functions are not allowed in index {plural}"),
            ));
        }
        if subquery {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("cannot use subquery in index {what}"),
            ));
        }
        if mutable {
            return Err(SqlError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                format!("functions in index {what} must be marked IMMUTABLE"),
            ));
        }
        Ok(crate::deparse::Deparser {
            columns: &names,
            pretty: false,
            types: None,
            qualifiers: None,
            special: None,
            indent: 0,
        }
        .expr(&e)
        .unwrap_or_else(|| text.to_owned()))
    };
    let mut keys = Vec::with_capacity(spec.columns.len());
    let mut exprs = Vec::with_capacity(spec.exprs.len());
    for (k, c) in spec.columns.iter().enumerate() {
        match spec.exprs.iter().find(|(p, _)| *p == k) {
            Some((_, text)) => {
                exprs.push(printed(text, "expression", false)?);
                keys.push(None);
            }
            None => keys.push(def.find(c)),
        }
    }
    let predicate = match &spec.predicate {
        Some(text) => Some(printed(text, "predicate", true)?),
        None => None,
    };
    Ok(Some(std::sync::Arc::new(crate::catalog::IndexExprs {
        keys,
        exprs,
        predicate,
        bound: Default::default(),
    })))
}

/// PostgreSQL's ChooseRelationName: `table_cols_suffix`, numbered until
/// no relation has it.
fn choose_name(
    ctx: &Stmt<'_>,
    ns: u32,
    table: &str,
    columns: &[String],
    suffix: &str,
) -> Result<String> {
    // ChooseIndexColumnNames: a name already taken gets a number.
    let mut names: Vec<String> = Vec::with_capacity(columns.len());
    for c in columns {
        let mut name = c.clone();
        let mut n = 0;
        while names.contains(&name) {
            n += 1;
            name = format!("{c}{n}");
        }
        names.push(name);
    }
    let base = if suffix == "pkey" {
        format!("{table}_pkey")
    } else {
        format!("{table}_{}_{suffix}", names.join("_"))
    };
    let mut name = base.clone();
    let mut n = 0;
    while ctx.catalog().relation_exists(ns, &name)? {
        n += 1;
        name = format!("{base}{n}");
    }
    Ok(name)
}

/// Creates an index on `def` in transaction `xid` and fills it from the
/// table's row versions. Returns false (after a notice) when `if_not_exists`
/// and the name is taken.
pub(super) fn add_index(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    spec: &NewIndex,
    if_not_exists: bool,
) -> Result<bool> {
    let constraint = matches!(spec.kind, Kind::PrimaryKey | Kind::UniqueConstraint);
    let mut attrs = Vec::with_capacity(spec.columns.len());
    let exprs = index_exprs(ctx, def, spec)?;
    for (k, c) in spec.columns.iter().enumerate() {
        if spec.exprs.iter().any(|(p, _)| *p == k) {
            continue;
        }
        let Some(i) = def.find(c) else {
            let msg = if constraint {
                format!("column \"{c}\" named in key does not exist")
            } else {
                format!("column \"{c}\" does not exist")
            };
            return Err(SqlError::new(SqlState::UNDEFINED_COLUMN, msg));
        };
        if attrs.contains(&i) && constraint {
            let what = if spec.kind == Kind::PrimaryKey {
                "primary key"
            } else {
                "unique"
            };
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{c}\" appears twice in {what} constraint"),
            ));
        }
        attrs.push(i);
    }
    let mut include = Vec::with_capacity(spec.include.len());
    for c in &spec.include {
        let Some(i) = def.find(c) else {
            return Err(SqlError::new(
                SqlState::UNDEFINED_COLUMN,
                format!("column \"{c}\" does not exist"),
            ));
        };
        include.push(i);
    }
    if spec.columns.len() + include.len() > 32 {
        return Err(SqlError::new(
            SqlState::TOO_MANY_COLUMNS,
            "cannot use more than 32 columns in an index",
        ));
    }
    if spec.kind == Kind::PrimaryKey && def.indexes.iter().any(|i| i.primary) {
        return Err(SqlError::new(
            SqlState::INVALID_TABLE_DEFINITION,
            format!(
                "multiple primary keys for table \"{}\" are not allowed",
                def.name
            ),
        ));
    }
    let name = match &spec.name {
        Some(n) => {
            if ctx.catalog().relation_exists(def.namespace, n)? {
                let msg = format!("relation \"{n}\" already exists");
                if if_not_exists {
                    ctx.notices.push(SqlError::notice(
                        SqlState::DUPLICATE_TABLE,
                        format!("{msg}, skipping"),
                    ));
                    return Ok(false);
                }
                return Err(SqlError::new(SqlState::DUPLICATE_TABLE, msg));
            }
            n.clone()
        }
        None => {
            let suffix = match spec.kind {
                Kind::PrimaryKey => "pkey",
                Kind::UniqueConstraint => "key",
                Kind::Plain | Kind::Unique => "idx",
            };
            // INCLUDE columns name the index too.
            let mut names = spec.columns.clone();
            names.extend(spec.include.iter().cloned());
            choose_name(ctx, def.namespace, &def.name, &names, suffix)?
        }
    };
    if spec.kind != Kind::Plain {
        super::partition::check_unique_key(
            def,
            &attrs,
            super::partition::constraint_kind(&spec.kind),
        )?;
    }
    if spec.kind == Kind::PrimaryKey {
        set_not_null(ctx, xid, def, &attrs)?;
    }
    let engine = ctx.engine();
    let oid = engine.new_oid()?;
    // An index of a temporary table is temporary.
    let rel = engine.create_relation_like(xid, def.rel, oid)?;
    ctx.txn.creates.push(rel);
    engine.index_create(xid, rel, def.rel)?;
    let index = IndexDef {
        oid,
        name: name.clone(),
        rel,
        columns: attrs,
        unique: spec.kind != Kind::Plain,
        primary: spec.kind == Kind::PrimaryKey,
        exprs,
        options: spec.options.clone(),
        include,
        clustered: false,
        replident: false,
        stattargets: Vec::new(),
        reloptions: Vec::new(),
        method: spec.method,
        opclasses: Vec::new(),
    };
    let index = IndexDef {
        opclasses: operator_classes(def, &index, spec)?,
        ..index
    };
    store_index(ctx, xid, def, &index, constraint)?;
    let live = super::index_build::build(ctx, xid, def, &index)?;
    // The build counted the table's rows: PostgreSQL records them (an
    // empty table never counted stays unknown).
    if let Some(n) = live.filter(|&n| n > 0 || def.stats.tuples >= 0.0) {
        ctx.txn.cid += 1;
        let pages = ctx.engine().nblocks(def.rel)? as i32;
        super::analyze::record_size(ctx, xid, def.oid, pages, n as f32)?;
    }
    ctx.catalog_changed();
    // An index on a partitioned table is made on each partition.
    for part in super::partition::partitions(ctx, def)? {
        ctx.txn.cid += 1;
        let spec = NewIndex {
            name: None,
            columns: spec.columns.clone(),
            kind: spec.kind,
            exprs: spec.exprs.clone(),
            predicate: spec.predicate.clone(),
            options: spec.options.clone(),
            include: spec.include.clone(),
            method: spec.method,
            opclasses: spec.opclasses.clone(),
        };
        add_index(ctx, xid, &part, &spec, false)?;
    }
    Ok(true)
}

/// The operator class of each key column of a new index: the one named
/// (42704 if method has none of that name, 42804 if it does not take the
/// column's type; 0 stands for the default), else the method's default
/// for the type (42704 when it has none), as PostgreSQL's
/// ResolveOpClass. Also the method's own limits (0A000).
fn operator_classes(def: &TableDef, index: &IndexDef, spec: &NewIndex) -> Result<Vec<u32>> {
    let am = crate::catalog::access_method_name(spec.method);
    let unsupported = |what: &str| {
        Err(SqlError::new(
            SqlState::FEATURE_NOT_SUPPORTED,
            format!("access method \"{am}\" does not support {what}"),
        ))
    };
    if spec.method != 403 {
        if index.unique {
            return unsupported("unique indexes");
        }
        if !spec.include.is_empty() && spec.method != 783 && spec.method != 4000 {
            return unsupported("included columns");
        }
        if spec.method == 405 && spec.columns.len() > 1 {
            return unsupported("multicolumn indexes");
        }
        if spec.options.iter().any(|&o| o != 0) {
            return unsupported("ASC/DESC options");
        }
    }
    let types = crate::table::index::key_columns(def, index);
    let mut out = Vec::with_capacity(types.len());
    let mut named = false;
    for (k, (_, ty, _)) in types.iter().enumerate() {
        match spec.opclasses.get(k).and_then(Option::as_deref) {
            Some(name) => {
                let Some((oid, intype)) = crate::catalog::opclass_named(spec.method, name) else {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!(
                            "operator class \"{name}\" does not exist for access method \"{am}\""
                        ),
                    ));
                };
                if !crate::catalog::opclass_accepts(intype, *ty) {
                    return Err(SqlError::new(
                        SqlState::DATATYPE_MISMATCH,
                        format!("operator class \"{name}\" does not accept data type {ty}"),
                    ));
                }
                // Naming the default class is the default.
                let default = crate::catalog::default_opclass(spec.method, *ty);
                named |= default != Some(oid);
                out.push(if default == Some(oid) { 0 } else { oid });
            }
            None => {
                if crate::catalog::default_opclass(spec.method, *ty).is_none() {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_OBJECT,
                        format!(
                            "data type {ty} has no default operator class for access method \"{am}\""
                        ),
                    )
                    .with_hint("You must specify an operator class for the index or define a default operator class for the data type."));
                }
                out.push(0);
            }
        }
    }
    Ok(if named { out } else { Vec::new() })
}

/// PRIMARY KEY makes its columns NOT NULL: 23502 if a row has a NULL
/// (one scan of the table checks every column that was nullable).
fn set_not_null(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef, attrs: &[usize]) -> Result<()> {
    // In attribute order, as PostgreSQL checks a row's columns.
    let mut nullable: Vec<usize> = attrs
        .iter()
        .copied()
        .filter(|&a| !def.columns[a].not_null)
        .collect();
    nullable.sort_unstable();
    if nullable.is_empty() {
        return Ok(());
    }
    // Positions of those columns in a scan's live-column rows.
    let live: Vec<(usize, usize)> = nullable
        .iter()
        .filter_map(|&a| def.live().position(|(i, _)| i == a).map(|p| (a, p)))
        .collect();
    let table = std::sync::Arc::new(def.clone());
    super::alter::each_row(ctx, &table, |row, _| {
        match live
            .iter()
            .find(|(_, p)| row.get(*p).is_none_or(Value::is_null))
        {
            Some(&(a, _)) => Err(SqlError::new(
                SqlState::NOT_NULL_VIOLATION,
                format!(
                    "column \"{}\" of relation \"{}\" contains null values",
                    def.columns[a].name, def.name
                ),
            )
            .with_object(Some(&def.name), Some(&def.columns[a].name), None)),
            None => Ok(()),
        }
    })?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, mut r) in cat.rows_where(&system::PG_ATTRIBUTE, 0, def.oid)? {
        if nullable.iter().any(|&a| r[4] == Value::Int2(a as i16 + 1)) {
            r[5] = Value::Bool(true);
            cat.update(&system::PG_ATTRIBUTE, tid, &r, &who)?;
        }
    }
    Ok(())
}

/// The catalog rows of a new index.
fn store_index(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &IndexDef,
    constraint: bool,
) -> Result<()> {
    let constraint_oid = if constraint {
        Some(ctx.engine().new_oid()?)
    } else {
        None
    };
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    cat.insert(
        &system::PG_CLASS,
        &[
            Value::Oid(index.oid),
            Value::Text(index.name.clone()),
            Value::Oid(def.namespace),
            Value::Text("i".into()),
            Value::Oid(index.rel.rel),
            Value::Int2(index.natts() as i16),
            Value::Null,
            Value::Bool(false),
            Value::Bool(false),
        ],
        &who,
    )?;
    let (key, texts, predicate) = match &index.exprs {
        Some(x) => (
            x.keys.iter().map(|a| a.map_or(0, |a| a + 1)).collect(),
            Value::Array(crate::value::ArrayRef::new(
                x.exprs.iter().map(|e| Value::Text(e.clone())).collect(),
            )),
            x.predicate.clone().map_or(Value::Null, Value::Text),
        ),
        None => (
            index.columns.iter().map(|a| a + 1).collect::<Vec<_>>(),
            Value::Null,
            Value::Null,
        ),
    };
    let key: Vec<String> = key.iter().map(usize::to_string).collect();
    cat.insert(
        &system::PG_INDEX,
        &[
            Value::Oid(index.oid),
            Value::Oid(def.oid),
            Value::Int2(key.len() as i16),
            Value::Bool(index.unique),
            Value::Bool(index.primary),
            Value::Text(key.join(" ")),
            texts,
            predicate,
            if index.options.iter().all(|&o| o == 0) {
                Value::Null
            } else {
                let o: Vec<String> = index.options.iter().map(i16::to_string).collect();
                Value::Text(o.join(" "))
            },
            if index.include.is_empty() {
                Value::Null
            } else {
                let i: Vec<String> = index.include.iter().map(|a| (a + 1).to_string()).collect();
                Value::Text(i.join(" "))
            },
            Value::Bool(false),
            Value::Bool(false),
            Value::Null,
            Value::Oid(index.method),
            if index.opclasses.is_empty() {
                Value::Null
            } else {
                let o: Vec<String> = index.opclasses.iter().map(u32::to_string).collect();
                Value::Text(o.join(" "))
            },
        ],
        &who,
    )?;
    if let Some(c) = constraint_oid {
        cat.insert(
            &system::PG_CONSTRAINT,
            &[
                Value::Oid(c),
                Value::Text(index.name.clone()),
                Value::Oid(def.namespace),
                Value::Text(if index.primary { "p" } else { "u" }.into()),
                Value::Oid(def.oid),
                Value::Null,
            ],
            &who,
        )?;
    }
    Ok(())
}

/// Removes the catalog rows of indexes of `def` (all, or those using
/// attribute `only`) and schedules their files for removal at commit.
pub(super) fn remove_indexes(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    only: Option<usize>,
) -> Result<()> {
    for index in &def.indexes {
        if only.is_some_and(|a| !uses_column(def, index, a)) {
            continue;
        }
        remove_index(ctx, xid, def.oid, index)?;
    }
    Ok(())
}

/// Whether `index` reads attribute `attr` (as a key column, or in an
/// expression or its predicate).
pub(super) fn uses_column(def: &TableDef, index: &IndexDef, attr: usize) -> bool {
    if index.columns.contains(&attr) || index.include.contains(&attr) {
        return true;
    }
    let Some(x) = &index.exprs else {
        return false;
    };
    let attnum = attr as i16 + 1;
    x.exprs
        .iter()
        .chain(&x.predicate)
        .any(|t| crate::table::stored_columns(def, t).contains(&attnum))
}

pub(super) fn remove_index(
    ctx: &mut Stmt<'_>,
    xid: u32,
    table_oid: u32,
    index: &IndexDef,
) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, _)) = cat.class_tid(index.oid)? {
        cat.delete(&system::PG_CLASS, tid, &who)?;
    }
    for (tid, _) in cat.rows_where(&system::PG_INDEX, 0, index.oid)? {
        cat.delete(&system::PG_INDEX, tid, &who)?;
    }
    for (tid, r) in cat.rows_where(&system::PG_CONSTRAINT, 4, table_oid)? {
        if r[1] == Value::Text(index.name.clone()) {
            cat.delete(&system::PG_CONSTRAINT, tid, &who)?;
        }
    }
    ctx.txn.drops.push(index.rel);
    ctx.catalog_changed();
    Ok(())
}

/// TRUNCATE: each index of `def` gets a new, empty file for the table's
/// new file `heap`.
pub(super) fn renew_indexes(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    heap: RelId,
) -> Result<()> {
    for index in &def.indexes {
        renew_index(ctx, xid, index, heap)?;
    }
    Ok(())
}

/// Gives `index` a new, empty file for heap `heap` (the old one goes at
/// commit); the new file.
fn renew_index(ctx: &mut Stmt<'_>, xid: u32, index: &IndexDef, heap: RelId) -> Result<RelId> {
    let engine = ctx.engine();
    let filenode = engine.new_oid()?;
    // The index follows its (new) heap's persistence.
    let rel = engine.create_relation_like(xid, heap, filenode)?;
    ctx.txn.creates.push(rel);
    ctx.txn.drops.push(index.rel);
    engine.index_create(xid, rel, heap)?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    if let Some((tid, mut r)) = cat.class_tid(index.oid)? {
        r[4] = Value::Oid(filenode);
        cat.update(&system::PG_CLASS, tid, &r, &who)?;
    }
    Ok(rel)
}

/// REINDEX of one index: a new file built from the table's rows.
pub(super) fn rebuild_index(
    ctx: &mut Stmt<'_>,
    xid: u32,
    def: &TableDef,
    index: &IndexDef,
) -> Result<()> {
    let rel = renew_index(ctx, xid, index, def.rel)?;
    let fresh = IndexDef {
        rel,
        ..index.clone()
    };
    super::index_build::build(ctx, xid, def, &fresh)?;
    ctx.catalog_changed();
    Ok(())
}

/// CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON table [USING btree|hash] (columns).
pub fn create_index(
    ctx: &mut Stmt<'_>,
    ci: &ast::CreateIndex,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    ctx.check_writable("CREATE INDEX")?;
    let method = match &ci.using {
        Some(using) => {
            let name = using.to_string().to_lowercase();
            crate::catalog::access_method(&name).ok_or_else(|| {
                SqlError::new(
                    SqlState::UNDEFINED_OBJECT,
                    format!("access method \"{name}\" does not exist"),
                )
            })?
        }
        None => 403,
    };
    let mut columns = Vec::with_capacity(ci.columns.len());
    let opclasses: Vec<Option<String>> = ci
        .columns
        .iter()
        .map(|c| {
            c.operator_class
                .as_ref()
                .map(|o| object_name(o).pop().unwrap_or_default())
        })
        .collect();
    let mut exprs = Vec::new();
    let mut options = Vec::with_capacity(ci.columns.len());
    for c in &ci.columns {
        let desc = matches!(c.column.options.sort, Some(ast::OrderBySort::Desc));
        let nulls_first = c.column.options.nulls_first.unwrap_or(desc);
        options.push(i16::from(desc) | (i16::from(nulls_first) << 1));
        // A parenthesized column is the column.
        let mut e = &c.column.expr;
        while let ast::Expr::Nested(inner) = e {
            e = inner;
        }
        match e {
            ast::Expr::Identifier(i) => columns.push(ident(i)),
            e => {
                exprs.push((columns.len(), e.to_string()));
                columns.push(crate::binder::figure_colname(e).unwrap_or_else(|| "expr".into()));
            }
        }
    }
    let parts = object_name(&ci.table_name);
    let (schema, table) = split_name(ctx, &parts)?;
    lock_names(ctx)?;
    let Some(def) = ctx.open_table(schema, table, LockMode::Share)? else {
        return Err(undefined_table("relation", table));
    };
    reject_system(&def)?;
    ctx.check_own_temp_for(&def, "create indexes on")?;
    ctx.check_relation_owner(&def)?;
    let name = match &ci.name {
        Some(n) => {
            let parts = object_name(n);
            Some(split_name(ctx, &parts)?.1.to_owned())
        }
        None => None,
    };
    let xid = ctx.write_xid("CREATE INDEX")?;
    let spec = NewIndex {
        name,
        columns,
        kind: if ci.unique { Kind::Unique } else { Kind::Plain },
        exprs,
        predicate: ci.predicate.as_ref().map(ToString::to_string),
        options: if options.iter().all(|&o| o == 0) {
            Vec::new()
        } else {
            options
        },
        include: ci.include.iter().map(ident).collect(),
        method,
        opclasses,
    };
    add_index(ctx, xid, &def, &spec, ci.if_not_exists)?;
    sink.command_complete("CREATE INDEX")
}

/// DROP INDEX [IF EXISTS] names: 2BP01 for the index of a constraint.
pub(super) fn drop_indexes(
    ctx: &mut Stmt<'_>,
    if_exists: bool,
    names: &[ObjectName],
) -> Result<()> {
    ctx.check_writable("DROP INDEX")?;
    lock_names(ctx)?;
    for n in names {
        let parts = object_name(n);
        let (schema, name) = split_name(ctx, &parts)?;
        let Some((index, table_oid)) = ctx.catalog().index_named(schema, name)? else {
            if if_exists {
                ctx.notices.push(SqlError::notice(
                    SqlState::SUCCESSFUL_COMPLETION,
                    format!("index \"{name}\" does not exist, skipping"),
                ));
                continue;
            }
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("index \"{name}\" does not exist"),
            ));
        };
        let table = ctx
            .catalog()
            .table_by_oid(table_oid)?
            .ok_or_else(|| SqlError::internal("index without its table"))?;
        // Lock the table as PostgreSQL does, then look again.
        let Some(def) =
            ctx.open_table_in(table.namespace, &table.name, LockMode::AccessExclusive)?
        else {
            continue;
        };
        let constraint = ctx
            .catalog()
            .rows_where(&system::PG_CONSTRAINT, 4, def.oid)?
            .into_iter()
            .any(|(_, r)| r[1] == Value::Text(index.name.clone()));
        if constraint {
            return Err(SqlError::new(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                format!(
                    "cannot drop index {name} because constraint {name} on table {} requires it",
                    def.name
                ),
            )
            .with_hint(format!(
                "You can drop constraint {name} on table {} instead.",
                def.name
            )));
        }
        let xid = ctx.write_xid("DROP INDEX")?;
        remove_index(ctx, xid, def.oid, &index)?;
    }
    Ok(())
}
