//! CREATE TABLE (with PRIMARY KEY and UNIQUE constraints) and CREATE
//! TABLE AS.

use sqlparser::ast::{self, ColumnOption, TableConstraint};

use super::index::{add_index, Kind, NewIndex};
use super::{check_constraint_name, lock_names, split_name};
use crate::binder::{ident, object_name, table_scope};
use crate::cast::{can_coerce, CoercionContext};
use crate::catalog::{system, CheckDef, ColumnDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::result::ResultSink;
use crate::session::Stmt;
use crate::table::bind_stored;
use crate::types::DataType;
use crate::value::Value;

/// Names a CHECK constraint as PostgreSQL does: `<table>_<column>_check`
/// when it uses one column, else `<table>_check`; a number is appended
/// until the name is free.
pub(super) fn check_name(table: &str, columns: &[String], taken: &[String]) -> String {
    let base = match columns {
        [one] => format!("{table}_{one}_check"),
        _ => format!("{table}_check"),
    };
    unique_name(base, taken)
}

/// `base`, or `base` with the first number appended that makes it a
/// name not in `taken` (PostgreSQL's ChooseConstraintName).
pub(super) fn unique_name(base: String, taken: &[String]) -> String {
    let mut name = base.clone();
    let mut n = 1;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Column names an expression uses.
pub(super) fn columns_used(e: &ast::Expr, live: &[String]) -> Vec<String> {
    let text = e.to_string();
    let mut out: Vec<String> = Vec::new();
    let tokens =
        sqlparser::tokenizer::Tokenizer::new(&sqlparser::dialect::PostgreSqlDialect {}, &text)
            .tokenize()
            .unwrap_or_default();
    for t in tokens {
        if let sqlparser::tokenizer::Token::Word(w) = t {
            let name = if w.quote_style.is_some() {
                w.value
            } else {
                w.value.to_lowercase()
            };
            if live.contains(&name) && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// A column definition from syntax, validated: type, NOT NULL, DEFAULT
/// (as text), CHECKs (expression text, given name).
pub(super) struct NewColumn {
    pub def: ColumnDef,
    /// The sequence a serial or identity column owns (its options).
    pub sequence: Option<crate::catalog::SequenceDef>,
    /// Serial (its default is set once the sequence has a name).
    pub serial: bool,
    /// REFERENCES on the column.
    pub foreign_keys: Vec<ast::ForeignKeyConstraint>,
    pub checks: Vec<(Option<String>, ast::Expr)>,
    /// PRIMARY KEY or UNIQUE on the column, with the constraint's name.
    pub keys: Vec<(Kind, Option<String>)>,
}

/// A column (or a composite type's field) `name` of declared type `ty`
/// with nothing else declared: a domain's base type and the domain;
/// 42804 for a pseudo-type.
pub(super) fn plain_column(name: &str, ty: DataType, typmod: i32) -> Result<ColumnDef> {
    let (ty, typmod, domain) = crate::ddl::types::domain_parts(ty, typmod);
    // A relation's row type is known by name only while the server runs:
    // it cannot type stored values.
    if let Some(oid) = ty.user_type_oid() {
        if crate::usertype::get(oid)
            .is_some_and(|t| t.composite.as_ref().is_some_and(|c| c.relid == oid))
        {
            return Err(SqlError::unsupported(format!(
                "columns of the row type of table {}",
                ty.sql_name()
            )));
        }
    }
    if matches!(
        ty,
        DataType::Void | DataType::Unknown | DataType::Record | DataType::Any
    ) || ty.is_polymorphic()
    {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!("column \"{name}\" has pseudo-type {}", ty.name()),
        ));
    }
    Ok(ColumnDef {
        name: name.to_owned(),
        ty,
        typmod,
        not_null: false,
        dropped: false,
        default: None,
        missing: Value::Null,
        identity: None,
        generated: false,
        domain,
        tuning: Default::default(),
        origin: Default::default(),
    })
}

pub(super) fn new_column(c: &ast::ColumnDef, table: &str, ctx: &Stmt<'_>) -> Result<NewColumn> {
    new_column_typed(c, table, ctx, None)
}

/// [`new_column`] of type `given` when given (a partition's column,
/// typed by its parent), else of its declared type.
pub(super) fn new_column_typed(
    c: &ast::ColumnDef,
    table: &str,
    ctx: &Stmt<'_>,
    given: Option<(DataType, i32)>,
) -> Result<NewColumn> {
    let name = ident(&c.name);
    let pos = crate::parser::char_position(ctx.sql, c.name.span.end);
    let serial = if given.is_some() {
        None
    } else {
        serial_type(&c.data_type)
    };
    let (ty, typmod) = match (given, serial) {
        (Some(g), _) => g,
        (None, Some(t)) => (t, -1),
        (None, None) => ctx.ddl_type(&c.data_type).map_err(|e| {
            // A type that does not exist is reported at its name; a
            // privilege, as PostgreSQL checks it later, without one.
            if e.code() == SqlState::INSUFFICIENT_PRIVILEGE {
                e
            } else {
                e.at(pos.map(|p| p + 1))
            }
        })?,
    };
    let mut col = plain_column(&name, ty, typmod)?;
    let mut checks = Vec::new();
    let mut keys = Vec::new();
    let mut sequence = None;
    let mut foreign_keys = Vec::new();
    if let Some(t) = serial {
        sequence = Some(super::sequence::column_sequence(t)?);
        col.not_null = true;
    }
    for opt in &c.options {
        match &opt.option {
            ColumnOption::Generated {
                generated_as,
                sequence_options,
                generation_expr: None,
                ..
            } => {
                if sequence.is_some() {
                    return Err(SqlError::syntax(
                        format!(
                            "multiple identity specifications for column \"{name}\" of table \"{}\"",
                            table
                        ),
                        None,
                    ));
                }
                sequence = Some(super::sequence::identity_sequence(
                    ty,
                    sequence_options.as_deref().unwrap_or_default(),
                )?);
                col.identity = Some(match generated_as {
                    ast::GeneratedAs::Always => 'a',
                    _ => 'd',
                });
                col.not_null = true;
            }
            ColumnOption::Generated {
                generation_expr: Some(e),
                ..
            } => {
                if col.default.is_some() {
                    return Err(SqlError::syntax(
                        format!(
                            "both default and generation expression specified for column \"{name}\" of table \"{table}\""
                        ),
                        None,
                    ));
                }
                col.generated = true;
                col.default = Some(e.to_string());
            }
            ColumnOption::Null => col.not_null = false,
            ColumnOption::NotNull => col.not_null = true,
            ColumnOption::Default(_) if col.generated => {
                return Err(SqlError::syntax(
                    format!(
                        "both default and generation expression specified for column \"{name}\" of table \"{table}\""
                    ),
                    None,
                ));
            }
            ColumnOption::Default(e) => {
                let text = super::sequence::canonical_default(ctx, e);
                // DEFAULT NULL is no default (PostgreSQL stores none),
                // except on a domain column, where it overrides the
                // domain's default.
                if !bind_default(ctx, &name, &text, ty)? || col.domain.is_some() {
                    col.default = Some(text);
                }
            }
            ColumnOption::Check(ck) => checks.push((
                ck.name.as_ref().or(opt.name.as_ref()).map(ident),
                (*ck.expr).clone(),
            )),
            ColumnOption::PrimaryKey(pk) => {
                col.not_null = true;
                keys.push((
                    Kind::PrimaryKey,
                    pk.name.as_ref().or(opt.name.as_ref()).map(ident),
                ));
            }
            ColumnOption::Unique(u) => keys.push((
                Kind::UniqueConstraint,
                u.name.as_ref().or(opt.name.as_ref()).map(ident),
            )),
            ColumnOption::ForeignKey(fk) => {
                // `CONSTRAINT name REFERENCES ...` names it.
                let mut fk = fk.clone();
                if fk.name.is_none() {
                    fk.name = opt.name.clone();
                }
                foreign_keys.push(fk);
            }
            ColumnOption::Collation(c)
                if matches!(object_name(c).join(".").as_str(), "C" | "default" | "POSIX") => {}
            other => return Err(SqlError::unsupported(format!("the column option {other}"))),
        }
    }
    if col.default.is_some() && sequence.is_some() {
        let what = if serial.is_some() {
            "multiple default values specified"
        } else {
            "both default and identity specified"
        };
        return Err(SqlError::syntax(
            format!("{what} for column \"{name}\" of table \"{}\"", table),
            None,
        ));
    }
    Ok(NewColumn {
        def: col,
        checks,
        keys,
        sequence,
        serial: serial.is_some(),
        foreign_keys,
    })
}

/// Checks a column default: it must bind and coerce to the column's type
/// (42804 with PostgreSQL's message and hint). True when it is NULL.
pub(super) fn bind_default(ctx: &Stmt<'_>, column: &str, text: &str, ty: DataType) -> Result<bool> {
    let mut null = false;
    let mut tables = crate::table::CatalogTables(ctx.catalog());
    crate::table::bind_stored_with(
        text,
        ctx.style,
        &Default::default(),
        &mut tables,
        |b, bound| {
            null = matches!(bound.as_const(), Some(Value::Null));
            if bound.ty != DataType::Unknown
                && !can_coerce(bound.ty, ty, CoercionContext::Assignment)
            {
                return Err(SqlError::new(
                    SqlState::DATATYPE_MISMATCH,
                    format!(
                        "column \"{column}\" is of type {ty} but default expression is of type {}",
                        bound.ty
                    ),
                )
                .with_hint("You will need to rewrite or cast the expression."));
            }
            // A domain column's default is checked against the domain
            // when a row takes it; here it must read as the base type.
            b.coerce(bound, ty.base(), -1, CoercionContext::Assignment)
        },
    )?;
    Ok(null)
}

/// A serial column's default: `nextval('name'::regclass)`, as
/// PostgreSQL shows it.
pub(super) fn nextval_default(schema: &str, seq: &str) -> String {
    let quoted = format!(
        "{}.{}",
        crate::func::quote_ident(schema),
        crate::func::quote_ident(seq)
    );
    format!("nextval('{}'::regclass)", quoted.replace('\'', "''"))
}

/// The integer type of a serial pseudo-type name.
fn serial_type(t: &ast::DataType) -> Option<DataType> {
    let ast::DataType::Custom(name, mods) = t else {
        return None;
    };
    if !mods.is_empty() {
        return None;
    }
    match object_name(name).join(".").as_str() {
        "serial" | "serial4" | "pg_catalog.serial" => Some(DataType::Int4),
        "bigserial" | "serial8" => Some(DataType::Int8),
        "smallserial" | "serial2" => Some(DataType::Int2),
        _ => None,
    }
}

/// Validates a CHECK expression against the table's columns: it must be
/// boolean.
pub(super) fn validate_check(ctx: &Stmt<'_>, def: &TableDef, e: &ast::Expr) -> Result<String> {
    check_text(ctx, e, &table_scope(def, None))
}

/// Binds a CHECK expression over `scope` (42804 unless boolean); the
/// text to store.
pub(super) fn check_text(
    ctx: &Stmt<'_>,
    e: &ast::Expr,
    scope: &crate::binder::Scope,
) -> Result<String> {
    let text = e.to_string();
    bind_stored(ctx.db, &text, ctx.style, scope, |b, bound| {
        if bound.ty != DataType::Bool && bound.ty != DataType::Unknown {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                format!(
                    "argument of CHECK constraint must be type boolean, not type {}",
                    bound.ty
                ),
            ));
        }
        b.boolean(bound, "CHECK constraint")
    })?;
    Ok(text)
}

/// Checks the generation expressions of `def`'s generated columns: they
/// bind against the table and use no other generated column (42P17).
fn validate_generated(ctx: &Stmt<'_>, def: &TableDef) -> Result<()> {
    let generated: Vec<String> = def
        .live()
        .filter(|(_, c)| c.generated)
        .map(|(_, c)| c.name.clone())
        .collect();
    if generated.is_empty() {
        return Ok(());
    }
    for (_, c) in def.live().filter(|(_, c)| c.generated) {
        let text = c.default.clone().unwrap_or_default();
        let e = crate::parser::parse_expr(&text)?;
        if let Some(other) = columns_used(&e, &generated).into_iter().next() {
            return Err(SqlError::new(
                SqlState::INVALID_OBJECT_DEFINITION,
                format!("cannot use generated column \"{other}\" in column generation expression"),
            )
            .with_detail("A generated column cannot reference another generated column."));
        }
    }
    crate::table::checks(def, ctx.style)?;
    Ok(())
}

/// Writes a new column's pg_attribute (and pg_attrdef) rows.
pub(super) fn insert_column(
    ctx: &mut Stmt<'_>,
    xid: u32,
    table_oid: u32,
    attnum: usize,
    col: &ColumnDef,
    missing: Option<String>,
) -> Result<()> {
    let engine = ctx.engine();
    let def_oid = if col.default.is_some() {
        Some(engine.new_oid()?)
    } else {
        None
    };
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    cat.insert(
        &system::PG_ATTRIBUTE,
        &[
            Value::Oid(table_oid),
            Value::Text(col.name.clone()),
            Value::Oid(col.type_oid()),
            Value::Int4(col.typmod),
            Value::Int2(attnum as i16),
            Value::Bool(col.not_null),
            Value::Bool(false),
            Value::Bool(col.default.is_some()),
            missing.map_or(Value::Null, Value::Text),
            Value::Int2(col.ty.typlen()),
            Value::Text(if col.generated {
                "s".into()
            } else {
                col.identity.map(String::from).unwrap_or_default()
            }),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Bool(col.origin.local),
            Value::Int4(col.origin.inherited),
        ],
        &who,
    )?;
    if let (Some(text), Some(oid)) = (&col.default, def_oid) {
        cat.insert(
            &system::PG_ATTRDEF,
            &[
                Value::Oid(oid),
                Value::Oid(table_oid),
                Value::Int2(attnum as i16),
                Value::Text(text.clone()),
            ],
            &who,
        )?;
    }
    Ok(())
}

/// Writes a CHECK constraint's pg_constraint row.
pub(super) fn insert_check(
    ctx: &mut Stmt<'_>,
    xid: u32,
    table: &TableDef,
    check: &CheckDef,
) -> Result<()> {
    let oid = ctx.engine().new_oid()?;
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    cat.insert(
        &system::PG_CONSTRAINT,
        &[
            Value::Oid(oid),
            Value::Text(check.name.clone()),
            Value::Oid(table.namespace),
            Value::Text("c".into()),
            Value::Oid(table.oid),
            Value::Text(check.expr.clone()),
            Value::Bool(check.validated),
            Value::Bool(check.no_inherit),
        ],
        &who,
    )?;
    Ok(())
}

/// Reads WITH (...) storage parameters (reloptions.rs).
fn table_options(ct: &ast::CreateTable) -> Result<Vec<String>> {
    let options = match &ct.table_options {
        ast::CreateTableOptions::None => return Ok(Vec::new()),
        ast::CreateTableOptions::With(o) => o,
        other => return Err(SqlError::unsupported(format!("table options {other}"))),
    };
    let mut given = Vec::with_capacity(options.len());
    for o in options {
        match o {
            ast::SqlOption::KeyValue { key, value } => {
                let text = match value {
                    ast::Expr::Value(v) => match &v.value {
                        ast::Value::SingleQuotedString(s) => s.clone(),
                        other => other.to_string(),
                    },
                    other => other.to_string(),
                };
                given.push((object_name(key).join("."), Some(text)));
            }
            ast::SqlOption::Ident(i) => given.push((object_name(i).join("."), None)),
            other => return Err(SqlError::unsupported(format!("the table option {other}"))),
        }
    }
    super::reloptions::set(super::reloptions::Target::Table, &[], &given)
}

/// CREATE TABLE [IF NOT EXISTS] name (columns, constraints) [WITH (...)].
pub fn create_table(
    ctx: &mut Stmt<'_>,
    ct: &ast::CreateTable,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    if ct.like.is_some() {
        return Err(SqlError::unsupported(
            "CREATE TABLE ... LIKE without parentheses",
        ));
    }
    if ct.on_commit.is_some() && !ct.temporary {
        return Err(SqlError::new(
            SqlState::INVALID_TABLE_DEFINITION,
            "ON COMMIT can only be used on temporary tables",
        ));
    }
    ctx.check_writable("CREATE TABLE")?;
    let parts = object_name(&ct.name);
    let (_, name) = split_name(ctx, &parts)?;
    let Some(ns) = new_table_name(ctx, ct)? else {
        return sink.command_complete(if ct.query.is_some() {
            "CREATE TABLE AS"
        } else {
            "CREATE TABLE"
        });
    };
    let options = table_options(ct)?;
    if let Some(q) = &ct.query {
        return create_table_as(ctx, ct, ns, name, q, options, sink);
    }
    let parent = match &ct.partition_of {
        Some(p) => Some(super::partition::parent_of(ctx, p, ct.temporary)?),
        None => None,
    };
    let parents = match &ct.inherits {
        Some(names) => super::inherit::open_parents(ctx, names, ct.temporary)?,
        None => Vec::new(),
    };
    let mut columns: Vec<ColumnDef> = Vec::new();
    let mut col_checks: Vec<(String, Option<String>, ast::Expr)> = Vec::new();
    let mut keys: Vec<NewIndex> = Vec::new();
    let mut owned: Vec<(usize, crate::catalog::SequenceDef, String)> = Vec::new();
    let mut foreign_keys: Vec<(Option<String>, ast::ForeignKeyConstraint)> = Vec::new();
    if let Some(parent) = &parent {
        columns = super::partition::partition_columns(ctx, parent, ct, name, |nc| {
            for (cname, e) in nc.checks {
                col_checks.push((nc.def.name.clone(), cname, e));
            }
            for (kind, kname) in nc.keys {
                keys.push(NewIndex::on(kname, vec![nc.def.name.clone()], kind));
            }
            for fk in nc.foreign_keys {
                foreign_keys.push((Some(nc.def.name.clone()), fk));
            }
        })?;
    }
    for c in ct.columns.iter().filter(|_| parent.is_none()) {
        let mut nc = new_column(c, name, ctx)?;
        for fk in nc.foreign_keys.drain(..) {
            foreign_keys.push((Some(nc.def.name.clone()), fk));
        }
        if let Some(seq) = nc.sequence.take() {
            let mut taken: Vec<String> = owned.iter().map(|(_, _, n)| n.clone()).collect();
            taken.push(name.to_owned());
            let seq_name =
                super::sequence::owned_sequence_name(ctx, ns, name, &nc.def.name, &taken)?;
            if nc.serial {
                let schema = ctx.namespace_name(ns)?;
                nc.def.default = Some(nextval_default(&schema, &seq_name));
            }
            owned.push((columns.len(), seq, seq_name));
        }
        if columns.iter().any(|x| x.name == nc.def.name) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{}\" specified more than once", nc.def.name),
            ));
        }
        for (cname, e) in nc.checks {
            col_checks.push((nc.def.name.clone(), cname, e));
        }
        for (kind, name) in nc.keys {
            keys.push(NewIndex::on(name, vec![nc.def.name.clone()], kind));
        }
        columns.push(nc.def);
    }
    if !parents.is_empty() {
        let (merged, positions) = super::inherit::merge_columns(ctx, &parents, columns)?;
        columns = merged;
        for entry in &mut owned {
            entry.0 = positions.get(entry.0).copied().unwrap_or(entry.0);
        }
    }
    if columns.len() > 1600 {
        return Err(SqlError::new(
            SqlState::TOO_MANY_COLUMNS,
            "tables can have at most 1600 columns",
        ));
    }
    let partition_key = match &ct.partition_by {
        Some(by) => Some(super::partition::partition_key(by, &columns)?),
        None => None,
    };
    let xid = ctx.write_xid("CREATE TABLE")?;
    let mut def = new_relation(ctx, xid, ns, name, columns, options, ct.unlogged)?;
    def.partition_key = partition_key;
    for (i, mut seq, seq_name) in owned {
        seq.owner = Some((def.oid, i as i16 + 1));
        let start = seq.start;
        super::sequence::new_sequence(ctx, xid, ns, &seq_name, &seq, start)?;
    }
    // CHECK constraints: column ones first, then table ones, named in order.
    let live: Vec<String> = def.columns.iter().map(|c| c.name.clone()).collect();
    let mut checks: Vec<CheckDef> = parent
        .as_deref()
        .map(super::partition::inherited_checks)
        .unwrap_or_default();
    checks.extend(super::inherit::inherited_checks(&parents));
    let inherited = checks.len();
    let mut pending: Vec<(Vec<String>, Option<String>, ast::Expr, bool)> = col_checks
        .into_iter()
        .map(|(col, n, e)| (vec![col], n, e, false))
        .collect();
    for tc in &ct.constraints {
        match tc {
            TableConstraint::Check(ck) => pending.push((
                columns_used(&ck.expr, &live),
                ck.name.as_ref().map(ident),
                (*ck.expr).clone(),
                ck.no_inherit,
            )),
            TableConstraint::PrimaryKey(_) | TableConstraint::Unique(_) => {
                keys.extend(NewIndex::of_constraint(tc)?)
            }
            TableConstraint::ForeignKey(fk) => foreign_keys.push((None, fk.clone())),
            other => return Err(SqlError::unsupported(format!("the constraint {other}"))),
        }
    }
    for (cols, given, e, no_inherit) in pending {
        let expr = validate_check(ctx, &def, &e)?;
        // A local CHECK named as an inherited one merges with it when
        // the two are the same.
        if let Some(same) = given
            .as_ref()
            .and_then(|g| checks[..inherited].iter().find(|c| c.name == *g))
        {
            if same.expr != expr || no_inherit {
                return Err(SqlError::new(
                    SqlState::DUPLICATE_OBJECT,
                    format!(
                        "constraint \"{}\" for relation \"{}\" already exists",
                        same.name, def.name
                    ),
                ));
            }
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!(
                    "merging constraint \"{}\" with inherited definition",
                    same.name
                ),
            ));
            continue;
        }
        let taken: Vec<String> = checks.iter().map(|c| c.name.clone()).collect();
        let name = check_constraint_name(&def.name, given, &cols, &taken)?;
        checks.push(CheckDef {
            no_inherit,
            ..CheckDef::new(name, expr)
        });
    }
    def.checks = checks;
    if keys.iter().filter(|k| k.kind == Kind::PrimaryKey).count() > 1 {
        return Err(SqlError::new(
            SqlState::INVALID_TABLE_DEFINITION,
            format!("multiple primary keys for table \"{name}\" are not allowed"),
        ));
    }
    // PRIMARY KEY columns are NOT NULL.
    for k in keys.iter().filter(|k| k.kind == Kind::PrimaryKey) {
        for c in &mut def.columns {
            if k.columns.contains(&c.name) {
                c.not_null = true;
            }
        }
    }
    validate_generated(ctx, &def)?;
    store_table(ctx, xid, &def)?;
    super::partition::store_key(ctx, xid, &def)?;
    super::inherit::store_parents(ctx, xid, def.oid, &parents)?;
    record_on_commit(ctx, ct, def.oid);
    if let (Some(parent), Some(fv)) = (&parent, &ct.for_values) {
        super::partition::attach(ctx, xid, parent, &def, fv)?;
        super::partition::clone_indexes(ctx, xid, parent, &def)?;
    }
    for k in &keys {
        // CommandCounterIncrement: each index sees the names before it.
        ctx.txn.cid += 1;
        add_index(ctx, xid, &def, k, false)?;
    }
    for (column, fk) in &foreign_keys {
        ctx.txn.cid += 1;
        let now = ctx
            .catalog()
            .table_by_oid(def.oid)?
            .ok_or_else(|| SqlError::internal("a new table is not in the catalog"))?;
        super::fkey::add_foreign_key(ctx, xid, &now, fk, column.as_deref(), false, false)?;
    }
    sink.command_complete("CREATE TABLE")
}

/// Checks the new table's name and returns its schema: None (after a
/// notice) when it exists and IF NOT EXISTS was given; 42P07 when it
/// exists otherwise.
fn new_table_name(ctx: &mut Stmt<'_>, ct: &ast::CreateTable) -> Result<Option<u32>> {
    let parts = object_name(&ct.name);
    let (schema, name) = split_name(ctx, &parts)?;
    let pos = ct
        .name
        .0
        .first()
        .and_then(|p| p.as_ident())
        .and_then(|i| crate::parser::char_position(ctx.sql, i.span.start));
    let ns = super::new_relation_schema(ctx, schema, name, ct.temporary).map_err(|e| {
        if e.code() == SqlState::INSUFFICIENT_PRIVILEGE {
            e.at(pos)
        } else {
            e
        }
    })?;
    lock_names(ctx)?;
    if ctx.catalog().relation_exists(ns, name)? {
        if ct.if_not_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{name}\" already exists, skipping"),
            ));
            return Ok(None);
        }
        return Err(SqlError::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{name}\" already exists"),
        ));
    }
    super::types::check_relation_name(ctx, ns, name)?;
    Ok(Some(ns))
}

/// A new table's definition and its (empty) relation file.
fn new_relation(
    ctx: &mut Stmt<'_>,
    xid: u32,
    ns: u32,
    name: &str,
    columns: Vec<ColumnDef>,
    options: Vec<String>,
    unlogged: bool,
) -> Result<TableDef> {
    let oid = ctx.engine().new_oid()?;
    let rel = if unlogged {
        ctx.engine().create_unlogged_relation(ctx.db, oid)?
    } else {
        ctx.create_relation_file(xid, ns, oid)?
    };
    ctx.txn.creates.push(rel);
    Ok(TableDef {
        oid,
        name: name.to_owned(),
        namespace: ns,
        rel,
        fillfactor: super::reloptions::fillfactor(&options),
        options,
        replident: 'd',
        columns,
        checks: Vec::new(),
        system: false,
        view: None,
        matview: None,
        populated: true,
        of_type: None,
        indexes: Vec::new(),
        sequence: None,
        foreign_keys: Vec::new(),
        referenced_by: Vec::new(),
        partition_key: None,
        partition_of: None,
        partitions: Vec::new(),
        parents: Vec::new(),
        inheritors: Vec::new(),
        stats: Default::default(),
        triggers: Vec::new(),
        ancestor_triggers: Vec::new(),
    })
}

/// Remembers a temporary table's ON COMMIT DELETE ROWS or DROP.
fn record_on_commit(ctx: &Stmt<'_>, ct: &ast::CreateTable, oid: u32) {
    match ct.on_commit {
        Some(ast::OnCommit::DeleteRows) => ctx.temp.on_commit(oid, false),
        Some(ast::OnCommit::Drop) => ctx.temp.on_commit(oid, true),
        _ => {}
    }
}

/// Writes a new table's pg_class, pg_attribute and pg_constraint rows.
fn store_table(ctx: &mut Stmt<'_>, xid: u32, def: &TableDef) -> Result<()> {
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        let options = super::reloptions::stored(&def.options);
        cat.insert(
            &system::PG_CLASS,
            &super::class_row(
                def.oid,
                def.namespace,
                &def.name,
                &def.relkind().to_string(),
                def.rel.rel,
                def.columns.len(),
                options,
            ),
            &who,
        )?;
    }
    for (i, c) in def.columns.iter().enumerate() {
        insert_column(ctx, xid, def.oid, i + 1, c, None)?;
    }
    for c in &def.checks {
        insert_check(ctx, xid, def, c)?;
    }
    ctx.catalog_changed();
    ctx.record_owner(
        crate::catalog::privs::CLASS,
        def.oid,
        Some(def.namespace),
        'r',
        xid,
    )
}

/// CREATE TABLE name [(columns)] AS query: the table takes the query's
/// column names and types, then the query's rows are inserted (as
/// `INSERT INTO name query`). The tag is PostgreSQL's `SELECT n`.
fn create_table_as(
    ctx: &mut Stmt<'_>,
    ct: &ast::CreateTable,
    ns: u32,
    name: &str,
    q: &ast::Query,
    options: Vec<String>,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    let style = ctx.style.clone();
    let sql = ctx.sql;
    let bound = crate::binder::Binder::new(sql, style, Vec::new(), ctx).query(q)?;
    if ct.columns.len() > bound.columns.len() {
        return Err(SqlError::syntax(
            "too many column names were specified",
            None,
        ));
    }
    let names: Vec<String> = ct.columns.iter().map(|d| ident(&d.name)).collect();
    let columns = output_columns(&bound.columns, &names)?;
    for c in &bound.columns {
        ctx.check_type_usage(c.ty)?;
    }
    let xid = ctx.write_xid("CREATE TABLE")?;
    let def = new_relation(ctx, xid, ns, name, columns, options, ct.unlogged)?;
    store_table(ctx, xid, &def)?;
    record_on_commit(ctx, ct, def.oid);
    if ct.with_data.is_some_and(|w| !w.data) {
        // WITH NO DATA: the table only.
        return sink.command_complete("CREATE TABLE AS");
    }
    // CommandCounterIncrement: the INSERT must see the new catalog rows.
    ctx.txn.cid += 1;
    let quoted = format!(
        "{}.{}",
        crate::func::quote_ident(&ctx.namespace_name(ns)?),
        crate::func::quote_ident(name)
    );
    let insert = format!("INSERT INTO {quoted} {q}");
    let parsed = crate::parser::parse(&insert)?;
    let [crate::parser::Parsed::Sql(stmt)] = parsed.as_slice() else {
        return Err(SqlError::internal(
            "CREATE TABLE AS: the INSERT did not parse",
        ));
    };
    let ast::Statement::Insert(ins) = stmt.as_ref() else {
        return Err(SqlError::internal("CREATE TABLE AS: not an INSERT"));
    };
    let mut tag = SelectTag { inner: sink };
    let before = ctx.txn.filling.replace(def.oid);
    let result = crate::table::insert(ctx, ins, &mut tag);
    ctx.txn.filling = before;
    result
}

/// Column definitions for a query's output (CREATE TABLE AS, CREATE
/// VIEW), named by `names` where given; 42701 for a repeated name.
pub(super) fn output_columns(
    output: &[crate::plan::OutputColumn],
    names: &[String],
) -> Result<Vec<ColumnDef>> {
    let mut columns: Vec<ColumnDef> = Vec::with_capacity(output.len());
    for (i, c) in output.iter().enumerate() {
        let name = names.get(i).cloned().unwrap_or_else(|| c.name.clone());
        if columns.iter().any(|x| x.name == name) {
            return Err(SqlError::new(
                SqlState::DUPLICATE_COLUMN,
                format!("column \"{name}\" specified more than once"),
            ));
        }
        columns.push(ColumnDef {
            name,
            ty: c.ty,
            typmod: c.typmod,
            not_null: false,
            dropped: false,
            default: None,
            missing: Value::Null,
            identity: None,
            generated: false,
            domain: None,
            tuning: Default::default(),
            origin: Default::default(),
        });
    }
    Ok(columns)
}

/// Reports an INSERT's `INSERT 0 n` as `SELECT n` (CREATE TABLE AS).
struct SelectTag<'a> {
    /// Where everything else goes.
    inner: &'a mut dyn ResultSink,
}

impl ResultSink for SelectTag<'_> {
    fn row_description(&mut self, columns: &[crate::plan::OutputColumn]) -> Result<()> {
        self.inner.row_description(columns)
    }
    fn row_description_formats(
        &mut self,
        columns: &[crate::plan::OutputColumn],
        formats: &[i16],
    ) -> Result<()> {
        self.inner.row_description_formats(columns, formats)
    }

    fn data_row(&mut self, row: &[Value], style: &crate::value::OutputStyle) -> Result<()> {
        self.inner.data_row(row, style)
    }

    fn command_complete(&mut self, tag: &str) -> Result<()> {
        let n = tag.rsplit(' ').next().unwrap_or("0");
        self.inner.command_complete(&format!("SELECT {n}"))
    }

    fn empty_query(&mut self) -> Result<()> {
        self.inner.empty_query()
    }

    fn notice(&mut self, notice: &SqlError) -> Result<()> {
        self.inner.notice(notice)
    }

    fn portal_suspended(&mut self) -> Result<()> {
        self.inner.portal_suspended()
    }
    fn copy(&mut self) -> Option<&mut dyn crate::result::CopyChannel> {
        self.inner.copy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_follow_postgres() {
        assert_eq!(check_name("t", &["a".into()], &[]), "t_a_check");
        assert_eq!(check_name("t", &["a".into(), "b".into()], &[]), "t_check");
        assert_eq!(
            check_name("t", &["a".into()], &["t_a_check".into()]),
            "t_a_check1"
        );
        assert_eq!(
            check_name("t", &[], &["t_check".into(), "t_check1".into()]),
            "t_check2"
        );
    }
}
