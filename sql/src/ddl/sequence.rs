//! CREATE SEQUENCE, ALTER SEQUENCE, and the sequences serial and
//! identity columns own.
//!
//! A sequence is a pg_class row of kind 'S' with PostgreSQL's three
//! columns (last_value, log_cnt, is_called), a one-tuple relation file
//! holding its state (see crate::sequence), and a pg_sequence row with its
//! options. Creating and dropping one is transactional; its state is not.

use actorgres_storage::lock::LockMode;
use sqlparser::ast::ObjectName;

use super::create::insert_column;
use super::{lock_names, split_name, undefined_table};
use crate::binder::object_name;
use crate::catalog::{system, ColumnDef, SequenceDef, TableDef};
use crate::error::{Result, SqlError, SqlState};
use crate::parser::SequenceStatement;
use crate::result::ResultSink;
use crate::sequence::{self, SeqState};
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::Value;

/// CREATE SEQUENCE or ALTER SEQUENCE.
pub fn sequence_statement(
    ctx: &mut Stmt<'_>,
    s: &SequenceStatement,
    sink: &mut dyn ResultSink,
) -> Result<()> {
    if s.alter {
        alter_sequence(ctx, s)?;
        return sink.command_complete("ALTER SEQUENCE");
    }
    ctx.check_writable("CREATE SEQUENCE")?;
    let parts = object_name(&s.name);
    let (schema, name) = split_name(ctx, &parts)?;
    let ns = super::new_relation_schema(ctx, schema, name, s.temporary)?;
    lock_names(ctx)?;
    if ctx.catalog().relation_exists(ns, name)? {
        if s.if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{name}\" already exists, skipping"),
            ));
            return sink.command_complete("CREATE SEQUENCE");
        }
        return Err(SqlError::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{name}\" already exists"),
        ));
    }
    super::types::check_relation_name(ctx, ns, name)?;
    let applied = sequence::apply(None, DataType::Int8, &s.options)?;
    let mut def = applied.def;
    if let Some(Some(owner)) = &applied.owned_by {
        def.owner = Some(owner_column(ctx, owner, ns)?);
    }
    let xid = ctx.write_xid("CREATE SEQUENCE")?;
    new_sequence(
        ctx,
        xid,
        ns,
        name,
        &def,
        applied.restart.unwrap_or(def.start),
    )?;
    sink.command_complete("CREATE SEQUENCE")
}

/// The (table OID, attribute number) OWNED BY names: 42P16 unless
/// `table.column` of an existing table, 55000 unless the table is in the
/// sequence's schema `seq_ns`.
fn owner_column(ctx: &mut Stmt<'_>, owner: &ObjectName, seq_ns: u32) -> Result<(u32, i16)> {
    let parts = object_name(owner);
    let Some((column, table)) = parts.split_last() else {
        return Err(SqlError::internal("empty OWNED BY name"));
    };
    if table.is_empty() {
        return Err(SqlError::new(
            SqlState::INVALID_TABLE_DEFINITION,
            "invalid OWNED BY option",
        )
        .with_hint("Specify OWNED BY table.column or OWNED BY NONE."));
    }
    let other_schema = || {
        SqlError::new(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "sequence must be in same schema as table it is linked to",
        )
    };
    if crate::catalog::SystemView::lookup(table).is_some()
        && seq_ns != crate::catalog::system::PG_CATALOG_NS
    {
        return Err(other_schema());
    }
    let (schema, name) = split_name(ctx, table)?;
    let Some(def) = ctx.open_table(schema, name, LockMode::AccessShare)? else {
        return Err(undefined_table("relation", name));
    };
    if def.namespace != seq_ns {
        return Err(other_schema());
    }
    if def.view.is_some() || def.sequence.is_some() {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("sequence cannot be owned by relation \"{name}\""),
        )
        .with_detail(format!(
            "This operation is not supported for {}.",
            if def.view.is_some() {
                "views"
            } else {
                "sequences"
            }
        )));
    }
    let Some(i) = def.find(column) else {
        return Err(SqlError::new(
            SqlState::UNDEFINED_COLUMN,
            format!("column \"{column}\" of relation \"{name}\" does not exist"),
        ));
    };
    Ok((def.oid, i as i16 + 1))
}

/// Creates sequence `name` with options `def`, its state at `start`
/// (not yet called); its OID.
pub(super) fn new_sequence(
    ctx: &mut Stmt<'_>,
    xid: u32,
    ns: u32,
    name: &str,
    def: &SequenceDef,
    start: i64,
) -> Result<u32> {
    let oid = ctx.engine().new_oid()?;
    let rel = ctx.create_relation_file(xid, ns, oid)?;
    ctx.txn.creates.push(rel);
    let engine = ctx.engine();
    let tid = engine.heap_insert(rel, xid, ctx.txn.cid, &SeqState::fresh(start).encode(), 100)?;
    if tid != sequence::STATE_TID {
        return Err(SqlError::internal("a new sequence's row is not its first"));
    }
    {
        let cat = ctx.catalog();
        let who = ctx.actor(xid);
        cat.insert(
            &system::PG_CLASS,
            &super::class_row(
                oid,
                ns,
                name,
                "S",
                rel.rel,
                sequence::COLUMNS.len(),
                Value::Null,
            ),
            &who,
        )?;
        cat.insert(&system::PG_SEQUENCE, &sequence_row(oid, rel.rel, def), &who)?;
    }
    for (i, (col, ty)) in sequence::COLUMNS.iter().enumerate() {
        let c = ColumnDef {
            name: (*col).to_owned(),
            ty: *ty,
            typmod: -1,
            not_null: true,
            dropped: false,
            default: None,
            missing: Value::Null,
            identity: None,
            generated: false,
            domain: None,
            tuning: Default::default(),
            origin: Default::default(),
        };
        insert_column(ctx, xid, oid, i + 1, &c, None)?;
    }
    ctx.catalog_changed();
    ctx.record_owner(crate::catalog::privs::CLASS, oid, Some(ns), 'S', xid)?;
    Ok(oid)
}

fn sequence_row(oid: u32, filenode: u32, def: &SequenceDef) -> Vec<Value> {
    let (owner, col) = def.owner.unwrap_or((0, 0));
    vec![
        Value::Oid(oid),
        Value::Oid(def.ty.oid().0),
        Value::Int8(def.start),
        Value::Int8(def.increment),
        Value::Int8(def.max),
        Value::Int8(def.min),
        Value::Int8(def.cache),
        Value::Bool(def.cycle),
        Value::Oid(filenode),
        Value::Oid(owner),
        Value::Int2(col),
    ]
}

/// Rewrites sequence `seq`'s pg_sequence row with `def`.
fn store_options(ctx: &mut Stmt<'_>, xid: u32, seq: &TableDef, def: &SequenceDef) -> Result<()> {
    let cat = ctx.catalog();
    let who = ctx.actor(xid);
    for (tid, _) in cat.rows_where(&system::PG_SEQUENCE, 0, seq.oid)? {
        cat.update(
            &system::PG_SEQUENCE,
            tid,
            &sequence_row(seq.oid, seq.rel.rel, def),
            &who,
        )?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// ALTER SEQUENCE [IF EXISTS] name options.
fn alter_sequence(ctx: &mut Stmt<'_>, s: &SequenceStatement) -> Result<()> {
    ctx.check_writable("ALTER SEQUENCE")?;
    let parts = object_name(&s.name);
    let (schema, name) = split_name(ctx, &parts)?;
    let Some(seq) = ctx.open_table(schema, name, LockMode::ShareRowExclusive)? else {
        if s.if_exists {
            ctx.notices.push(SqlError::notice(
                SqlState::SUCCESSFUL_COMPLETION,
                format!("relation \"{name}\" does not exist, skipping"),
            ));
            return Ok(());
        }
        return Err(undefined_table("relation", name));
    };
    let Some(old) = &seq.sequence else {
        return Err(SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("\"{name}\" is not a sequence"),
        ));
    };
    let applied = sequence::apply(Some(old), old.ty, &s.options)?;
    let mut def = applied.def;
    match &applied.owned_by {
        Some(Some(owner)) => def.owner = Some(owner_column(ctx, owner, seq.namespace)?),
        Some(None) => def.owner = None,
        None => {}
    }
    let xid = ctx.write_xid("ALTER SEQUENCE")?;
    store_options(ctx, xid, &seq, &def)?;
    if let Some(value) = applied.restart {
        let eval = ctx.eval_ctx();
        sequence::write(&eval, seq.rel, SeqState::fresh(value))?;
    }
    Ok(())
}

/// The options of a serial column's sequence: its type's defaults.
pub(super) fn column_sequence(ty: DataType) -> Result<SequenceDef> {
    Ok(sequence::apply(None, ty, &[])?.def)
}

/// The options of an identity column's sequence: `options` (as sqlparser
/// reads them) applied to the defaults of the column's type, which must
/// be an integer type (22023).
pub(super) fn identity_sequence(
    ty: DataType,
    options: &[sqlparser::ast::SequenceOptions],
) -> Result<SequenceDef> {
    if !matches!(ty, DataType::Int2 | DataType::Int4 | DataType::Int8) {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "identity column type must be smallint, integer, or bigint",
        ));
    }
    let options = crate::parser::sequence_options(options)
        .map_err(|e| SqlError::syntax(format!("syntax error at or near \"{e}\""), None))?;
    Ok(sequence::apply(None, ty, &options)?.def)
}

/// The name PostgreSQL chooses for the sequence of `table.column`:
/// `table_column_seq`, then `table_column_seq1`, ... until free.
pub(super) fn owned_sequence_name(
    ctx: &Stmt<'_>,
    ns: u32,
    table: &str,
    column: &str,
    taken: &[String],
) -> Result<String> {
    let cat = ctx.catalog();
    let base = format!("{table}_{column}_");
    let mut n = 0;
    loop {
        let label = if n == 0 {
            "seq".to_owned()
        } else {
            format!("seq{n}")
        };
        let mut prefix = base.clone();
        // Names are at most 63 bytes: the table and column part gives way.
        while prefix.len() + label.len() > 63 {
            prefix.pop();
        }
        let name = format!("{prefix}{label}");
        if !taken.contains(&name) && !cat.relation_exists(ns, &name)? {
            return Ok(name);
        }
        n += 1;
    }
}

/// A column default as stored: the sequence argument of nextval,
/// currval and setval written as PostgreSQL stores it, a qualified
/// regclass constant (`nextval('s')` becomes
/// `nextval('public.s'::regclass)`, the schema where the search path
/// finds it), so that it means the same sequence whatever the
/// search_path, and pg_depend and pg_dump see it.
pub(super) fn canonical_default(ctx: &Stmt<'_>, e: &sqlparser::ast::Expr) -> String {
    use sqlparser::ast::{self, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Value as V};
    let mut e = e.clone();
    let _ = ast::visit_expressions_mut(&mut e, |x| {
        if let Expr::Function(f) = x {
            let name = object_name(&f.name).pop().unwrap_or_default();
            if matches!(name.as_str(), "nextval" | "currval" | "setval") {
                if let FunctionArguments::List(list) = &mut f.args {
                    if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))) =
                        list.args.first_mut()
                    {
                        let literal = match &*arg {
                            Expr::Value(v) => match &v.value {
                                V::SingleQuotedString(s) => Some(s.clone()),
                                _ => None,
                            },
                            Expr::Cast {
                                expr, data_type, ..
                            } if data_type.to_string().eq_ignore_ascii_case("regclass") => {
                                match &**expr {
                                    Expr::Value(v) => match &v.value {
                                        V::SingleQuotedString(s) => Some(s.clone()),
                                        _ => None,
                                    },
                                    _ => None,
                                }
                            }
                            _ => None,
                        };
                        if let Some(parts) = literal.and_then(|l| crate::binder::qualified_name(&l))
                        {
                            if let Some(rel) = parts.last() {
                                let schema = match parts.as_slice() {
                                    [.., s, _] => s.clone(),
                                    _ => sequence_schema(ctx, rel),
                                };
                                let text = format!(
                                    "{}.{}",
                                    crate::func::quote_ident(&schema),
                                    crate::func::quote_ident(rel)
                                );
                                *arg = crate::parser::parse_expr(&format!(
                                    "'{}'::regclass",
                                    text.replace('\'', "''")
                                ))
                                .unwrap_or_else(|_| arg.clone());
                            }
                        }
                    }
                }
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    e.to_string().replace("::REGCLASS", "::regclass")
}

/// The schema of the relation an unqualified name finds on the search
/// path (public when none does: the reference fails when used).
fn sequence_schema(ctx: &Stmt<'_>, rel: &str) -> String {
    let found = ctx
        .catalog()
        .table(None, rel)
        .ok()
        .flatten()
        .and_then(|t| ctx.namespace_name(t.namespace).ok());
    found.unwrap_or_else(|| "public".into())
}
