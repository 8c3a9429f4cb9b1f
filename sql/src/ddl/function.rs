//! CREATE [OR REPLACE] FUNCTION / PROCEDURE and DROP FUNCTION /
//! PROCEDURE / ROUTINE: pg_proc rows of user-defined routines
//! (routine.rs); CALL. A LANGUAGE sql body is bound when
//! the function is created (PostgreSQL's check_function_bodies), so a
//! wrong result type or a missing table is reported then.

use std::sync::Arc;

use sqlparser::ast::{self, CreateFunction, CreateFunctionBody, DropFunction, FunctionReturnType};

use super::{creation_schema, lock_names, split_name};
use crate::binder::{ident, object_name};
use crate::catalog::system;
use crate::error::{Result, SqlError, SqlState};
use crate::func::Volatility;
use crate::parser::RoutineKind;
use crate::routine::{ArgMode, Param, UserFunction};
use crate::session::Stmt;
use crate::types::DataType;
use crate::value::{ArrayRef, Value};

/// CREATE [OR REPLACE] FUNCTION, or with `procedure` PROCEDURE.
pub fn create_function(ctx: &mut Stmt<'_>, cf: &CreateFunction, procedure: bool) -> Result<()> {
    let tag = if procedure {
        "CREATE PROCEDURE"
    } else {
        "CREATE FUNCTION"
    };
    ctx.check_writable(tag)?;
    if procedure
        && (cf.return_type.is_some()
            || cf.behavior.is_some()
            || cf.called_on_null.is_some()
            || cf.parallel.is_some())
    {
        return Err(invalid("invalid attribute in procedure definition"));
    }
    let parts = object_name(&cf.name);
    let (schema, name) = split_name(ctx, &parts)?;
    let ns = creation_schema(ctx, schema, name)?;
    let mut params = Vec::new();
    let mut defaults = Vec::new();
    for a in cf.args.iter().flatten() {
        let mode = arg_mode(a.mode.as_ref());
        let (ty, _) = ctx.ddl_type(&a.data_type)?;
        match &a.default_expr {
            Some(_) if !mode.is_input() => {
                return Err(invalid("only input parameters can have default values"))
            }
            Some(d) => defaults.push(default_text(ctx, &d.to_string(), ty)?),
            None if mode.is_input() && !defaults.is_empty() => {
                return Err(invalid(
                    "input parameters after one with a default value must also have defaults",
                ))
            }
            None => {}
        }
        params.push(Param {
            name: a.name.as_ref().map(ident),
            ty,
            mode,
        });
    }
    let (ret, retset) = if procedure && !params.iter().any(|p| p.mode.is_output()) {
        (DataType::Void, false)
    } else {
        result_type(ctx, cf.return_type.as_ref(), &mut params)?
    };
    // A procedure's OUT arguments are part of its signature.
    let inputs: Vec<DataType> = params
        .iter()
        .filter(|p| p.mode.is_input() || procedure)
        .map(|p| p.ty)
        .collect();
    if matches!(
        ret,
        DataType::AnyCompatibleRange | DataType::AnyCompatibleMultirange
    ) && !inputs.iter().any(|t| {
        matches!(
            t,
            DataType::AnyCompatibleRange | DataType::AnyCompatibleMultirange
        )
    }) {
        return Err(invalid("cannot determine result data type").with_detail(format!(
            "A result of type {ret} requires at least one input of type anycompatiblerange or anycompatiblemultirange."
        )));
    }
    if matches!(ret, DataType::AnyRange | DataType::AnyMultirange)
        && !inputs
            .iter()
            .any(|t| matches!(t, DataType::AnyRange | DataType::AnyMultirange))
    {
        return Err(
            invalid("cannot determine result data type").with_detail(format!(
            "A result of type {ret} requires at least one input of type anyrange or anymultirange."
        )),
        );
    }
    if ret.is_polymorphic() && ret != DataType::Any && !inputs.iter().any(|t| t.is_polymorphic()) {
        return Err(invalid("cannot determine result data type").with_detail(format!(
            "A result of type {ret} requires at least one input of type anyelement, anyarray, anynonarray, anyenum, anyrange, or anymultirange."
        )));
    }
    let body = body_text(cf)?;
    let language = match &cf.language {
        Some(l) => ident(l),
        None if matches!(
            cf.function_body,
            Some(CreateFunctionBody::Return(_) | CreateFunctionBody::BeginAtomic(_))
        ) =>
        {
            "sql".to_owned()
        }
        None => return Err(invalid("no language specified")),
    };
    match language.as_str() {
        "sql" | "plpgsql" => {}
        "c" => {
            return Err(SqlError::new(
                SqlState::UNDEFINED_FILE,
                format!("could not access file \"{body}\": No such file or directory"),
            ))
        }
        "internal" => {
            return Err(SqlError::new(
                SqlState::UNDEFINED_FUNCTION,
                format!("there is no built-in function named \"{body}\""),
            ))
        }
        other => {
            return Err(SqlError::new(
                SqlState::UNDEFINED_OBJECT,
                format!("language \"{other}\" does not exist"),
            ))
        }
    }
    let volatility = match cf.behavior {
        Some(ast::FunctionBehavior::Immutable) => Volatility::Immutable,
        Some(ast::FunctionBehavior::Stable) => Volatility::Stable,
        _ => Volatility::Volatile,
    };
    let strict = matches!(
        cf.called_on_null,
        Some(ast::FunctionCalledOnNull::Strict | ast::FunctionCalledOnNull::ReturnsNullOnNullInput)
    );
    if ret == DataType::Trigger {
        if language == "sql" {
            return Err(invalid("SQL functions cannot return type trigger"));
        }
        if !params.is_empty() {
            return Err(invalid("trigger functions cannot have declared arguments")
                .with_hint(
                    "The arguments of the trigger can be accessed through TG_NARGS and TG_ARGV instead.",
                )
                .with_context(format!(
                    "compilation of PL/pgSQL function \"{name}\" near line 1"
                )));
        }
    }
    lock_names(ctx)?;
    let existing = ctx
        .user_functions()?
        .iter()
        .find(|f| f.namespace == ns && f.name == name && f.input_types() == inputs)
        .cloned();
    let oid = match &existing {
        Some(f) => f.oid,
        None => ctx.engine().new_oid()?,
    };
    let mut func = UserFunction {
        oid,
        db: ctx.db,
        name: name.to_owned(),
        namespace: ns,
        language,
        volatility,
        strict,
        retset,
        ret,
        params,
        defaults,
        body,
        security_definer: matches!(cf.security, Some(ast::FunctionSecurity::Definer)),
        procedure,
        aggregate: None,
    };
    let outputs = func.outputs();
    if outputs.len() > 1 {
        func.ret = crate::routine::out_record(ctx.db, oid, &outputs);
    }
    if let Some(old) = &existing {
        if !cf.or_replace {
            return Err(SqlError::new(
                SqlState::DUPLICATE_FUNCTION,
                format!("function \"{name}\" already exists with same argument types"),
            ));
        }
        if old.procedure != procedure {
            return Err(
                SqlError::new(SqlState::WRONG_OBJECT_TYPE, "cannot change routine kind")
                    .with_detail(format!(
                        "\"{name}\" is a {}.",
                        if old.procedure {
                            "procedure"
                        } else {
                            "function"
                        }
                    )),
            );
        }
        let same_outputs = old.outputs() == outputs;
        if old.ret != func.ret && !(ret == DataType::Record && same_outputs) || old.retset != retset
        {
            return Err(
                invalid("cannot change return type of existing function").with_hint(format!(
                    "Use DROP FUNCTION {}({}) first.",
                    name,
                    inputs
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                )),
            );
        }
    }
    if func.language == "sql" && !inputs.iter().any(|t| t.is_polymorphic()) {
        validate_sql_body(ctx, &func, &inputs)?;
    }
    let xid = ctx.write_xid(tag)?;
    write_proc(ctx, xid, &proc_row(&func), oid, func.namespace)
}

/// Writes routine `oid`'s pg_proc row: replacing the row it has (OR
/// REPLACE), or a new one with its owner recorded.
fn write_proc(ctx: &mut Stmt<'_>, xid: u32, row: &[Value], oid: u32, ns: u32) -> Result<()> {
    let who = ctx.actor(xid);
    let found = ctx
        .catalog()
        .rows(&system::PG_PROC)?
        .into_iter()
        .find(|(_, r)| crate::catalog::oid_of(&r[0]) == oid);
    match found {
        Some((tid, _)) => ctx.catalog().update(&system::PG_PROC, tid, row, &who)?,
        None => {
            ctx.catalog().insert(&system::PG_PROC, row, &who)?;
            ctx.record_owner(crate::catalog::privs::PROC, oid, Some(ns), 'f', xid)?;
        }
    }
    ctx.catalog_changed();
    Ok(())
}

/// An argument's default as PostgreSQL keeps it: bound, coerced to the
/// argument's type and printed (`'x'::text`).
fn default_text(ctx: &Stmt<'_>, text: &str, ty: DataType) -> Result<String> {
    if ty.is_polymorphic() {
        return Ok(text.to_owned());
    }
    super::domain::stored_default(ctx, text, ty, |_| Ok(()))
}

/// A body that PostgreSQL would refuse: the statement's 42P13 with the
/// function named in its context; a body using what is not supported
/// here yet is left for its call to report.
fn validate_sql_body(ctx: &mut Stmt<'_>, func: &UserFunction, inputs: &[DataType]) -> Result<()> {
    let style = ctx.style.clone();
    match crate::binder::bind_sql_body(ctx, &style, func, inputs, func.ret, Vec::new()) {
        Err(e) if e.code() == SqlState::FEATURE_NOT_SUPPORTED => Ok(()),
        Err(e) => Err(crate::binder::body_error(e, func, Some(ctx.sql))),
        Ok(_) => Ok(()),
    }
}

/// The pg_proc row of `f`.
fn proc_row(f: &UserFunction) -> Vec<Value> {
    let texts =
        |v: Vec<String>| Value::Array(ArrayRef::new(v.into_iter().map(Value::Text).collect()));
    let ret_oid = match f.ret {
        // Several OUT arguments: a record.
        DataType::Composite(o) if o == f.oid => DataType::Record.oid().0,
        t => type_oid(t),
    };
    vec![
        Value::Oid(f.oid),
        Value::Text(f.name.clone()),
        Value::Oid(f.namespace),
        Value::Text(f.language.clone()),
        Value::Text(
            match f.volatility {
                Volatility::Immutable => "i",
                Volatility::Stable => "s",
                Volatility::Volatile => "v",
            }
            .into(),
        ),
        Value::Bool(f.strict),
        Value::Bool(f.retset),
        Value::Oid(ret_oid),
        Value::Array(ArrayRef::new(
            f.params
                .iter()
                .map(|p| Value::Oid(type_oid(p.ty)))
                .collect(),
        )),
        Value::Text(f.params.iter().map(|p| p.mode.code()).collect()),
        texts(
            f.params
                .iter()
                .map(|p| p.name.clone().unwrap_or_default())
                .collect(),
        ),
        texts(f.defaults.clone()),
        Value::Text(f.body.clone()),
        Value::Bool(f.security_definer),
        Value::Text(f.prokind().into()),
    ]
}

/// The OID a type is stored by (a relation's row type by the relation's).
fn type_oid(t: DataType) -> u32 {
    match t {
        DataType::Composite(o) | DataType::Enum(o) | DataType::Domain(o) => o,
        t => t.oid().0,
    }
}

fn arg_mode(m: Option<&ast::ArgMode>) -> ArgMode {
    match m {
        Some(ast::ArgMode::Out) => ArgMode::Out,
        Some(ast::ArgMode::InOut) => ArgMode::InOut,
        Some(ast::ArgMode::Variadic) => ArgMode::Variadic,
        Some(ast::ArgMode::In) | None => ArgMode::In,
    }
}

fn invalid(msg: &str) -> SqlError {
    SqlError::new(SqlState::INVALID_FUNCTION_DEFINITION, msg)
}

/// The declared result: RETURNS [SETOF] type, RETURNS TABLE (its columns
/// become TABLE arguments), or the OUT arguments' (one: its type;
/// several: a record).
fn result_type(
    ctx: &Stmt<'_>,
    returns: Option<&FunctionReturnType>,
    params: &mut Vec<Param>,
) -> Result<(DataType, bool)> {
    let outputs = |params: &[Param]| -> Vec<DataType> {
        params
            .iter()
            .filter(|p| p.mode.is_output())
            .map(|p| p.ty)
            .collect()
    };
    let (ret, retset) = match returns {
        Some(FunctionReturnType::DataType(ast::DataType::Table(Some(cols)))) => {
            for c in cols {
                params.push(Param {
                    name: Some(ident(&c.name)),
                    ty: ctx.ddl_type(&c.data_type)?.0,
                    mode: ArgMode::Table,
                });
            }
            (None, true)
        }
        Some(FunctionReturnType::SetOf(t)) => (Some(ctx.ddl_type(t)?.0), true),
        Some(FunctionReturnType::DataType(t)) => (Some(ctx.ddl_type(t)?.0), false),
        None => (None, false),
    };
    let outs = outputs(params);
    let ret = match (ret, outs.as_slice()) {
        (Some(t), []) => t,
        (Some(t), [one]) if t == *one => t,
        (Some(DataType::Record), [_, _, ..]) | (None, [_, _, ..]) => DataType::Record,
        (None, [one]) => *one,
        (Some(t), [one]) => {
            return Err(invalid(&format!(
                "function result type must be {one} because of OUT parameters"
            ))
            .with_detail(format!("declared {t}")))
        }
        (Some(_), _) => {
            return Err(invalid(
                "function result type must be record because of OUT parameters",
            ))
        }
        (None, []) => return Err(invalid("function result type must be specified")),
    };
    Ok((ret, retset))
}

/// prosrc: the body's text (a RETURN or BEGIN ATOMIC body as the query
/// it stands for).
fn body_text(cf: &CreateFunction) -> Result<String> {
    let string = |e: &ast::Expr| match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => Some(s.clone()),
            ast::Value::DollarQuotedString(d) => Some(d.value.clone()),
            _ => None,
        },
        _ => None,
    };
    match &cf.function_body {
        Some(CreateFunctionBody::AsBeforeOptions { body, .. })
        | Some(CreateFunctionBody::AsAfterOptions(body)) => {
            string(body).ok_or_else(|| SqlError::syntax("syntax error in function body", None))
        }
        Some(CreateFunctionBody::Return(e)) => Ok(format!("SELECT {e}")),
        // The statements of BEGIN ATOMIC ... END, as a body of several.
        Some(CreateFunctionBody::BeginAtomic(b)) => Ok(b
            .statements
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(";\n")),
        Some(other) => Err(SqlError::unsupported(format!(
            "the function body {other:?}"
        ))),
        None => Err(invalid("no function body specified")),
    }
}

/// DROP {FUNCTION | PROCEDURE | ROUTINE} [IF EXISTS] name[(argtypes)],
/// ... [CASCADE | RESTRICT].
pub fn drop_function(ctx: &mut Stmt<'_>, d: &DropFunction, kind: RoutineKind) -> Result<()> {
    let tag = format!("DROP {}", kind.word().to_uppercase());
    ctx.check_writable(&tag)?;
    lock_names(ctx)?;
    let mut doomed: Vec<Arc<UserFunction>> = Vec::new();
    for desc in &d.func_desc {
        let Some(found) = find_function(ctx, desc, d.if_exists, kind)? else {
            continue;
        };
        ctx.check_object_owner(
            crate::catalog::privs::PROC,
            found.oid,
            routine_word(&found),
            &found.name,
        )?;
        doomed.push(found);
    }
    if doomed.is_empty() {
        return Ok(());
    }
    let cascade = matches!(d.drop_behavior, Some(ast::DropBehavior::Cascade));
    let mut dependents = Vec::new();
    for f in &doomed {
        for (oid, trigger, table) in super::trigger::users_of_function(ctx, f.oid)? {
            dependents.push((
                oid,
                format!("trigger {trigger} on table {table}"),
                f.name.clone(),
            ));
        }
    }
    let xid = ctx.write_xid(&tag)?;
    if let Some((_, _, name)) = dependents.first() {
        let what: Vec<String> = dependents.iter().map(|(_, w, _)| w.clone()).collect();
        super::drop::check_dependents(ctx, &format!("function {name}()"), &what, cascade)?;
        for (oid, _, _) in &dependents {
            super::trigger::remove(ctx, xid, *oid)?;
        }
    }
    remove_functions(ctx, xid, &doomed)
}

/// Deletes the pg_proc rows of `doomed` and their comments.
pub(super) fn remove_functions(
    ctx: &mut Stmt<'_>,
    xid: u32,
    doomed: &[Arc<UserFunction>],
) -> Result<()> {
    if doomed.is_empty() {
        return Ok(());
    }
    let who = ctx.actor(xid);
    for (tid, r) in ctx.catalog().rows(&system::PG_PROC)? {
        let oid = crate::catalog::oid_of(&r[0]);
        if doomed.iter().any(|f| f.oid == oid) {
            ctx.catalog().delete(&system::PG_PROC, tid, &who)?;
        }
    }
    for f in doomed {
        super::comment::remove_descriptions(ctx, xid, f.oid)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// `function name(type,type)` as PostgreSQL's dependency messages name a
/// routine (a procedure too): qualified when its schema is not on `path`.
pub(super) fn describe_function(ctx: &Stmt<'_>, path: &[u32], f: &UserFunction) -> Result<String> {
    let name = if path.contains(&f.namespace) {
        f.name.clone()
    } else {
        format!("{}.{}", ctx.namespace_name(f.namespace)?, f.name)
    };
    let args: Vec<String> = f.input_types().iter().map(|t| t.sql_name()).collect();
    Ok(format!("function {name}({})", args.join(",")))
}

/// The routines whose arguments or result use type `oid` (a table's row
/// type has the table's OID), and those in namespaces `schemas`.
pub(super) fn routines_using(
    ctx: &Stmt<'_>,
    oid: Option<u32>,
    schemas: &[u32],
) -> Result<Vec<Arc<UserFunction>>> {
    Ok(ctx
        .catalog()
        .functions()?
        .into_iter()
        .filter(|f| {
            schemas.contains(&f.namespace)
                || oid.is_some_and(|o| {
                    super::types::uses_type(f.ret, o)
                        || f.params.iter().any(|p| super::types::uses_type(p.ty, o))
                })
        })
        .collect())
}

/// ALTER FUNCTION name[(argtypes)] RENAME TO / SET SCHEMA / OWNER TO /
/// IMMUTABLE | STABLE | VOLATILE, [NOT] STRICT and the other options
/// (those with nothing to change here are accepted).
pub fn alter_function(ctx: &mut Stmt<'_>, a: &ast::AlterFunction, kind: RoutineKind) -> Result<()> {
    let tag = format!("ALTER {}", kind.word().to_uppercase());
    ctx.check_writable(&tag)?;
    if a.kind != ast::AlterFunctionKind::Function {
        return Err(SqlError::unsupported("ALTER AGGREGATE"));
    }
    lock_names(ctx)?;
    let Some(found) = find_function(ctx, &a.function, false, kind)? else {
        return Ok(());
    };
    ctx.check_object_owner(
        crate::catalog::privs::PROC,
        found.oid,
        routine_word(&found),
        &found.name,
    )?;
    if let ast::AlterFunctionOperation::OwnerTo(owner) = &a.operation {
        let role = match owner {
            ast::Owner::Ident(id) => ident(id),
            _ => ctx.current_user(),
        };
        return super::grant::change_owner(
            ctx,
            crate::catalog::privs::PROC,
            found.oid,
            &role,
            routine_word(&found),
            &found.name,
        );
    }
    let mut f = (*found).clone();
    match &a.operation {
        ast::AlterFunctionOperation::RenameTo { new_name } => f.name = ident(new_name),
        ast::AlterFunctionOperation::SetSchema { schema_name } => {
            let parts = object_name(schema_name);
            let name = parts.last().cloned().unwrap_or_default();
            f.namespace = crate::catalog::schema_oid(&ctx.namespaces()?, &ctx.temp_alias(&name))
                .ok_or_else(|| super::undefined_schema(&name))?;
        }
        ast::AlterFunctionOperation::OwnerTo(_)
        | ast::AlterFunctionOperation::DependsOnExtension { .. } => {}
        ast::AlterFunctionOperation::Actions { actions, .. } => {
            for action in actions {
                match action {
                    ast::AlterFunctionAction::Behavior(b) => {
                        f.volatility = match b {
                            ast::FunctionBehavior::Immutable => Volatility::Immutable,
                            ast::FunctionBehavior::Stable => Volatility::Stable,
                            ast::FunctionBehavior::Volatile => Volatility::Volatile,
                        }
                    }
                    ast::AlterFunctionAction::CalledOnNull(c) => {
                        f.strict = !matches!(c, ast::FunctionCalledOnNull::CalledOnNullInput)
                    }
                    ast::AlterFunctionAction::Security { security, .. } => {
                        f.security_definer = matches!(security, ast::FunctionSecurity::Definer)
                    }
                    _ => {}
                }
            }
        }
    }
    if f.name != found.name || f.namespace != found.namespace {
        let clash = ctx.user_functions()?.iter().any(|g| {
            g.oid != f.oid
                && g.namespace == f.namespace
                && g.name == f.name
                && g.input_types() == f.input_types()
        });
        if clash {
            let schema = crate::catalog::schema_name(&ctx.namespaces()?, f.namespace)
                .unwrap_or_default()
                .to_owned();
            return Err(SqlError::new(
                SqlState::DUPLICATE_FUNCTION,
                format!(
                    "function {}({}) already exists in schema \"{schema}\"",
                    f.name,
                    f.input_types()
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    let xid = ctx.write_xid(&tag)?;
    let who = ctx.actor(xid);
    let row = proc_row(&f);
    let found_row = ctx
        .catalog()
        .rows(&system::PG_PROC)?
        .into_iter()
        .find(|(_, r)| crate::catalog::oid_of(&r[0]) == f.oid);
    if let Some((tid, _)) = found_row {
        ctx.catalog().update(&system::PG_PROC, tid, &row, &who)?;
    }
    ctx.catalog_changed();
    Ok(())
}

/// The function `desc` names (with its argument types, or the only one
/// of its name); None (and a NOTICE) when it does not exist and
/// `if_exists`.
pub(super) fn find_function(
    ctx: &mut Stmt<'_>,
    desc: &ast::FunctionDesc,
    if_exists: bool,
    kind: RoutineKind,
) -> Result<Option<Arc<UserFunction>>> {
    let parts = object_name(&desc.name);
    let cands = ctx.find_functions(&parts)?;
    let shown = parts.join(".");
    let word = kind.word();
    Ok(Some(match &desc.args {
        Some(args) => {
            // A function's OUT arguments are not part of its signature; a
            // procedure's are.
            let mut types = Vec::new();
            let mut with_out = Vec::new();
            let mut written = Vec::new();
            for a in args {
                let ty = ctx.sql_type(&a.data_type)?.0;
                with_out.push(ty);
                written.push(written_type(&a.data_type));
                if arg_mode(a.mode.as_ref()) != ArgMode::Out {
                    types.push(ty);
                }
            }
            let found = cands
                .into_iter()
                .find(|f| f.input_types() == *if f.procedure { &with_out } else { &types });
            match found {
                Some(f) => {
                    let wrong = match kind {
                        RoutineKind::Function => f.procedure.then_some("function"),
                        RoutineKind::Procedure => (!f.procedure).then_some("procedure"),
                        RoutineKind::Routine => None,
                    };
                    if let Some(what) = wrong {
                        return Err(SqlError::new(
                            SqlState::WRONG_OBJECT_TYPE,
                            format!("{} is not a {what}", f.signature()),
                        ));
                    }
                    f
                }
                None if if_exists => {
                    ctx.notices.push(SqlError::notice(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!(
                            "{word} {shown}({}) does not exist, skipping",
                            written.join(",")
                        ),
                    ));
                    return Ok(None);
                }
                None => {
                    let word = if kind == RoutineKind::Procedure {
                        "procedure"
                    } else {
                        "function"
                    };
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_FUNCTION,
                        format!(
                            "{word} {shown}({}) does not exist",
                            types
                                .iter()
                                .map(|t| t.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        None => {
            let cands: Vec<_> = cands
                .into_iter()
                .filter(|f| match kind {
                    RoutineKind::Function => !f.procedure,
                    RoutineKind::Procedure => f.procedure,
                    RoutineKind::Routine => true,
                })
                .collect();
            match cands.as_slice() {
                [one] => Arc::clone(one),
                [] if if_exists => {
                    ctx.notices.push(SqlError::notice(
                        SqlState::SUCCESSFUL_COMPLETION,
                        format!("{word} {shown}() does not exist, skipping"),
                    ));
                    return Ok(None);
                }
                [] => {
                    return Err(SqlError::new(
                        SqlState::UNDEFINED_FUNCTION,
                        format!("could not find a {word} named \"{shown}\""),
                    ))
                }
                _ => {
                    return Err(SqlError::new(
                        SqlState::AMBIGUOUS_FUNCTION,
                        format!("{word} name \"{shown}\" is not unique"),
                    )
                    .with_hint(format!(
                        "Specify the argument list to select the {word} unambiguously."
                    )))
                }
            }
        }
    }))
}

/// What `f` is, in messages.
fn routine_word(f: &UserFunction) -> &'static str {
    if f.procedure {
        "procedure"
    } else {
        "function"
    }
}

/// A type as DROP ... IF EXISTS echoes it: the grammar's own names for
/// the SQL-standard spellings (`pg_catalog.int4`), others as written.
fn written_type(t: &ast::DataType) -> String {
    use ast::DataType as T;
    let internal = match t {
        T::Int(_) | T::Integer(_) | T::Int4(_) => "int4",
        T::SmallInt(_) | T::Int2(_) => "int2",
        T::BigInt(_) | T::Int8(_) => "int8",
        T::Real | T::Float4 => "float4",
        T::DoublePrecision | T::Float8 => "float8",
        T::Boolean | T::Bool => "bool",
        T::Numeric(_) | T::Decimal(_) => "numeric",
        T::Varchar(_) | T::CharacterVarying(_) => "varchar",
        T::Char(_) | T::Character(_) => "bpchar",
        T::Interval { .. } => "interval",
        T::Timestamp(_, tz) => match tz {
            ast::TimezoneInfo::WithTimeZone => "timestamptz",
            _ => "timestamp",
        },
        T::Time(_, tz) => match tz {
            ast::TimezoneInfo::WithTimeZone => "timetz",
            _ => "time",
        },
        _ => return t.to_string(),
    };
    format!("pg_catalog.{internal}")
}

/// The return type of a state or final function `name` over `args`: a
/// built-in one or a user function (42883 when there is none).
fn support_function(ctx: &Stmt<'_>, name: &[String], args: &[DataType]) -> Result<DataType> {
    let last = name.last().map(String::as_str).unwrap_or_default();
    if name.len() == 1 || name.first().is_some_and(|s| s == "pg_catalog") {
        if let Ok(r) = crate::func::resolve(last, args, crate::func::CallKind::Function) {
            return Ok(r.ret);
        }
    }
    let found = ctx
        .find_functions(name)?
        .iter()
        .filter(|f| f.aggregate.is_none() && !f.procedure)
        .find(|f| {
            let inputs = f.input_types();
            inputs.len() == args.len()
                && inputs.iter().zip(args).all(|(p, a)| {
                    p == a
                        || p.is_polymorphic()
                        || crate::cast::can_coerce(*a, *p, crate::cast::CoercionContext::Implicit)
                })
        })
        .map(|f| f.ret);
    found.ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!(
                "function {}({}) does not exist",
                name.join("."),
                args.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// CREATE [OR REPLACE] AGGREGATE name (args) (SFUNC = f, STYPE = t
/// [, FINALFUNC = ff] [, INITCOND = 'v'] ...), and the old form with
/// BASETYPE: a pg_proc row of kind 'a' whose prosrc keeps the
/// definition. The state function must take (stype, args...), the
/// final function (stype). Moving-aggregate, combine, serial and
/// parallel options are accepted and not used.
pub fn create_aggregate(ctx: &mut Stmt<'_>, ca: &ast::CreateAggregate) -> Result<()> {
    use ast::CreateAggregateOption as O;
    ctx.check_writable("CREATE AGGREGATE")?;
    let invalid = |m: &str| SqlError::new(SqlState::INVALID_FUNCTION_DEFINITION, m.to_owned());
    let mut sfunc = None;
    let mut stype = None;
    let mut finalfunc = None;
    let mut initcond = None;
    let mut basetype = None;
    for o in &ca.options {
        match o {
            O::StateTransitionFunction(n) => sfunc = Some(object_name(n)),
            O::StateDataType(t) => stype = Some(ctx.ddl_type(t)?.0),
            O::FinalFunction(n) => finalfunc = Some(object_name(n)),
            O::InitialCondition(v) => {
                initcond = Some(match &v.value {
                    ast::Value::SingleQuotedString(s) => s.clone(),
                    other => other.to_string(),
                })
            }
            O::BaseType(t) => basetype = Some(ctx.ddl_type(t)?.0),
            _ => {}
        }
    }
    let Some(stype) = stype else {
        return Err(invalid("aggregate stype must be specified"));
    };
    let Some(sfunc) = sfunc else {
        return Err(invalid("aggregate sfunc must be specified"));
    };
    let args: Vec<DataType> = match &ca.args {
        ast::CreateAggregateArgs::Legacy => match basetype {
            Some(DataType::Any) | None => Vec::new(),
            Some(t) => vec![t],
        },
        ast::CreateAggregateArgs::Star => Vec::new(),
        ast::CreateAggregateArgs::List(list) => {
            let mut out = Vec::with_capacity(list.len());
            for a in list {
                out.push(ctx.ddl_type(&a.data_type)?.0);
            }
            out
        }
        ast::CreateAggregateArgs::OrderedSet { .. } => {
            return Err(SqlError::unsupported("ordered-set aggregates"))
        }
    };
    let mut step_args = vec![stype];
    step_args.extend(&args);
    let step_ret = support_function(ctx, &sfunc, &step_args)?;
    if step_ret != stype && !stype.is_polymorphic() && !step_ret.is_polymorphic() {
        return Err(SqlError::new(
            SqlState::DATATYPE_MISMATCH,
            format!(
                "return type of transition function {} is not {stype}",
                sfunc.join(".")
            ),
        ));
    }
    let ret = match &finalfunc {
        Some(f) => support_function(ctx, f, &[stype])?,
        None => stype,
    };
    if ret.is_polymorphic() && !args.iter().any(|t| t.is_polymorphic()) {
        return Err(invalid("cannot determine result data type").with_detail(format!(
            "A result of type {ret} requires at least one input of type anyelement, anyarray, anynonarray, anyenum, anyrange, or anymultirange."
        )));
    }
    if let Some(i) = &initcond {
        if !stype.is_polymorphic() {
            crate::cast::parse_text(i, stype, &Default::default())?;
        }
    }
    let parts = object_name(&ca.name);
    let (schema, name) = split_name(ctx, &parts)?;
    let ns = creation_schema(ctx, schema, name)?;
    lock_names(ctx)?;
    let existing = ctx
        .user_functions()?
        .iter()
        .find(|f| f.namespace == ns && f.name == name && f.input_types() == args)
        .cloned();
    if let Some(old) = &existing {
        if !ca.or_replace || old.aggregate.is_none() {
            return Err(SqlError::new(
                SqlState::DUPLICATE_FUNCTION,
                format!("function \"{name}\" already exists with same argument types"),
            ));
        }
    }
    let oid = match &existing {
        Some(f) => f.oid,
        None => ctx.engine().new_oid()?,
    };
    let def = crate::routine::AggDef {
        sfunc,
        stype,
        finalfunc,
        initcond,
    };
    let func = UserFunction {
        oid,
        db: ctx.db,
        name: name.to_owned(),
        namespace: ns,
        language: "internal".into(),
        volatility: Volatility::Immutable,
        strict: false,
        retset: false,
        ret,
        params: args
            .iter()
            .map(|t| Param {
                name: None,
                ty: *t,
                mode: ArgMode::In,
            })
            .collect(),
        defaults: Vec::new(),
        body: def.encode(),
        security_definer: false,
        procedure: false,
        aggregate: Some(def),
    };
    let xid = ctx.write_xid("CREATE AGGREGATE")?;
    write_proc(ctx, xid, &proc_row(&func), oid, ns)
}
