//! Calls of user-defined functions (routine.rs): choosing among the
//! candidates a name finds, and binding a LANGUAGE sql body with the
//! call's argument types.
//!
//! The body is bound by a binder of its own (positions point into the
//! body), its arguments the columns of one enclosing query level: a
//! parameter name or `$n` is an outer reference to that level, whose row
//! the executor supplies per call (`exec::user_call`). The final
//! statement's result is shaped to the declared return type here, as
//! PostgreSQL's check_sql_fn_retval does, so the plan yields one column:
//! the call's value.

use std::sync::Arc;

use sqlparser::ast::{self, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::names::ident;
use super::{Binder, Scope, ScopeColumn};
use crate::cast::CoercionContext;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind, UserCall};
use crate::func::ResolveError;
use crate::plan::Plan;
use crate::routine::UserFunction;
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// The chosen function with the concrete types of its input arguments
/// and of its result (polymorphic ones resolved).
struct Chosen {
    func: Arc<UserFunction>,
    params: Vec<DataType>,
    ret: DataType,
    /// Polymorphic arguments were given only unknown literals.
    unresolved: bool,
    /// The arguments from this position on are a VARIADIC argument's
    /// elements, packed into an array of this type.
    packed: Option<(usize, DataType)>,
}

impl Binder<'_> {
    /// A call of a user-defined function named `parts` with arguments
    /// `args` (unbound): None when no user-defined function has that name
    /// or (`fallback`: a built-in one might) none takes these arguments
    /// exactly.
    pub(super) fn user_function_call(
        &mut self,
        parts: &[String],
        args: &[FunctionArg],
        scope: &Scope,
        pos: Option<u32>,
        fallback: bool,
    ) -> Result<Option<Expr>> {
        let cands: Vec<Arc<UserFunction>> = self
            .tables
            .functions(parts)?
            .into_iter()
            .filter(|f| f.aggregate.is_none())
            .collect();
        if cands.is_empty() && !self.procedure_call {
            return Ok(None);
        }
        let name = parts.last().cloned().unwrap_or_default();
        let bare = std::mem::replace(&mut self.bare_set_calls, false);
        let bound = self.user_call_arguments(&name, args, scope);
        self.bare_set_calls = bare;
        let (positional, named, variadic) = bound?;
        let types: Vec<DataType> = positional
            .iter()
            .chain(named.iter().map(|(_, e)| e))
            .map(|e| e.ty)
            .collect();
        let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
        let mut chosen = match choose(
            &cands,
            positional.len(),
            &names,
            &types,
            (fallback, variadic),
        ) {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(None),
            Err(ResolveError::NotFound) if fallback => return Ok(None),
            Err(e) if self.procedure_call => {
                return Err(procedure_error(&name, &types, e).at(pos));
            }
            Err(e) => {
                let shown: Vec<DataType> = types.clone();
                return Err(crate::func::function_error(&name, &shown, e).at(pos));
            }
        };
        if chosen.func.procedure != self.procedure_call {
            return Err(routine_kind_error(&name, &types, self.procedure_call).at(pos));
        }
        if !self.unchecked {
            self.tables.check_execute(&chosen.func)?;
        }
        // Arguments in declaration order: positional, then named, then
        // defaults.
        let inputs: Vec<&crate::routine::Param> = chosen.func.inputs().collect();
        let mut slots: Vec<Option<Expr>> = vec![None; chosen.params.len().max(inputs.len())];
        for (i, e) in positional.into_iter().enumerate() {
            slots[i] = Some(e);
        }
        for (n, e) in named {
            if let Some(i) = inputs.iter().position(|p| p.name.as_deref() == Some(&n)) {
                slots[i] = Some(e);
            }
        }
        if chosen.unresolved {
            return Err(SqlError::new(
                SqlState::DATATYPE_MISMATCH,
                "could not determine polymorphic type because input has type unknown",
            ));
        }
        let first_default = inputs.len() - chosen.func.defaults.len();
        slots.truncate(chosen.params.len());
        let mut bound = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            let e = match slot {
                Some(e) => e,
                None => {
                    let text = i
                        .checked_sub(first_default)
                        .and_then(|d| chosen.func.defaults.get(d))
                        .ok_or_else(|| SqlError::internal("a missing argument has no default"))?;
                    let ast = crate::parser::parse_expr(text)?;
                    self.expr(&ast, &Scope::default())
                        .map_err(SqlError::without_position)?
                }
            };
            let ty = chosen.params[i];
            bound.push(if e.ty == ty {
                e
            } else if let DataType::Domain(oid) = ty {
                // A domain argument: its constraints checked, its value of
                // the base type.
                chosen.params[i] = ty.base();
                self.domain_cast(e, oid, pos)?
            } else {
                self.coerce(e, ty, -1, CoercionContext::Implicit)?
            });
        }
        if let Some((start, array)) = chosen.packed {
            let items = bound.split_off(start);
            let elem = match array {
                DataType::Array(e) => *e,
                other => other,
            };
            bound.push(crate::func::array_constructor(items, elem)?);
            chosen.params.truncate(start);
            chosen.params.push(array);
        }
        self.bind_user_call(chosen, bound, pos).map(Some)
    }

    /// The arguments of a user-defined function call: positional ones,
    /// then `name => value` ones.
    #[allow(clippy::type_complexity)]
    fn user_call_arguments(
        &mut self,
        name: &str,
        args: &[FunctionArg],
        scope: &Scope,
    ) -> Result<(Vec<Expr>, Vec<(String, Expr)>, bool)> {
        let pos = None;
        let mut variadic = false;
        let mut positional = Vec::new();
        let mut named: Vec<(String, Expr)> = Vec::new();
        let mut rows = Vec::new();
        for a in args {
            if let FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(t)) = a {
                // `f(t.*)`: t's whole row, as `f(t)`.
                rows.push(super::expr::whole_row(t));
            }
        }
        let mut rows = rows.iter();
        for a in args {
            let (n, e) = match a {
                FunctionArg::Unnamed(FunctionArgExpr::QualifiedWildcard(_)) => match rows.next() {
                    Some(e) => (None, e),
                    None => return Err(SqlError::internal("a whole-row argument went missing")),
                },
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                    match super::expr::variadic_inner(e) {
                        Some(inner) => {
                            variadic = true;
                            (None, inner)
                        }
                        None => (None, e),
                    }
                }
                FunctionArg::Named {
                    name,
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => (Some(ident(name)), e),
                FunctionArg::ExprNamed {
                    name: ast::Expr::Identifier(name),
                    arg: FunctionArgExpr::Expr(e),
                    ..
                } => (Some(ident(name)), e),
                other => {
                    return Err(
                        SqlError::unsupported(format!("the argument {other} of {name}")).at(pos),
                    )
                }
            };
            let bound = self.expr(e, scope)?;
            match n {
                Some(n) => named.push((n, bound)),
                None if named.is_empty() => positional.push(bound),
                None => {
                    return Err(SqlError::syntax(
                        "positional argument cannot follow named argument",
                        self.expr_pos(e),
                    ))
                }
            }
        }
        Ok((positional, named, variadic))
    }

    /// The call expression of `chosen` with its coerced arguments.
    fn bind_user_call(
        &mut self,
        chosen: Chosen,
        args: Vec<Expr>,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let Chosen {
            func, params, ret, ..
        } = chosen;
        if func.language != "sql" && func.language != "plpgsql" {
            return Err(SqlError::unsupported(format!(
                "calling functions in language \"{}\"",
                func.language
            ))
            .at(pos));
        }
        if func.ret == DataType::Trigger {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                "trigger functions can only be called as triggers",
            )
            .with_context(format!(
                "compilation of PL/pgSQL function \"{}\" near line 1",
                func.name
            )));
        }
        if self.calling.contains(&func.oid) {
            return Err(
                SqlError::unsupported(format!("the recursive SQL function {}", func.name)).at(pos),
            );
        }
        let mut calling = self.calling.clone();
        calling.push(func.oid);
        let style = self.style.clone();
        // A SECURITY DEFINER body is bound (its privileges checked) as
        // its owner.
        let run_as = if func.security_definer {
            self.tables.function_owner(func.oid)
        } else {
            None
        };
        let saved_role = run_as.as_deref().map(|r| self.tables.swap_role(r));
        let body = self.bind_body(&func, &params, ret, calling, &style);
        if let Some(prev) = saved_role {
            self.tables.swap_role(&prev);
        }
        let body = body?;
        // A domain result is a value of its base type (checked).
        let ty = if func.retset {
            ret.base()
                .array_type()
                .unwrap_or(DataType::Array(&DataType::Record))
        } else {
            ret.base()
        };
        let call = Expr {
            kind: ExprKind::UserCall(Box::new(UserCall {
                func,
                args,
                body,
                run_as,
            })),
            ty,
            typmod: -1,
            pos,
        };
        Ok(call)
    }

    /// The body of a call of `func`, bound for it.
    fn bind_body(
        &mut self,
        func: &Arc<UserFunction>,
        params: &[DataType],
        ret: DataType,
        calling: Vec<u32>,
        style: &crate::value::OutputStyle,
    ) -> Result<crate::expr::CallBody> {
        let func = func.clone();
        let params = params.to_vec();
        let style = style.clone();
        let body = if func.language == "plpgsql" {
            // A body whose statements bind only where they run (a record
            // filled by INSERT ... RETURNING INTO, then read) still runs
            // at statement level; per row it fails when called, as
            // PostgreSQL compiles a function at its first call.
            let compiled = self
                .compile_plpgsql(&func, &params, ret, calling)
                .unwrap_or_else(|e| {
                    crate::plpgsql::Compiled::failing(
                        &func,
                        ret,
                        e.without_position().with_context(format!(
                            "compilation of PL/pgSQL function \"{}\"",
                            func.name
                        )),
                    )
                });
            crate::expr::CallBody::PlPgSql(Box::new(compiled))
        } else if let Some(texts) = changing_statements(&func.body) {
            crate::expr::CallBody::SqlStatements(texts)
        } else {
            crate::expr::CallBody::Sql(
                bind_sql_body(&mut *self.tables, &style, &func, &params, ret, calling)
                    .map_err(|e| body_error(e, &func, None))?,
            )
        };
        Ok(body)
    }
}

impl Binder<'_> {
    /// CALL's `name(args)`: the call of the procedure it names, its
    /// arguments coerced (OUT arguments included, as PostgreSQL's).
    pub fn procedure_call(&mut self, f: &ast::Function) -> Result<Expr> {
        let parts = super::names::object_name(&f.name);
        let args = match &f.args {
            ast::FunctionArguments::List(l) => l.args.clone(),
            _ => Vec::new(),
        };
        let at = ast::Expr::Function(f.clone());
        let pos = self.expr_pos(&at);
        let name = parts.last().cloned().unwrap_or_default();
        self.procedure_call = true;
        let call = self.user_function_call(&parts, &args, &Scope::default(), pos, false);
        self.procedure_call = false;
        let builtin = || parts.len() == 1 && crate::func::builtin_oid(&name).is_some();
        match call {
            Ok(Some(e)) => Ok(e),
            // A built-in function of that name: not a procedure.
            Ok(None) => Err(self.not_a_procedure(&name, &args, pos)?),
            Err(e) if e.code() == SqlState::UNDEFINED_FUNCTION && builtin() => {
                Err(self.not_a_procedure(&name, &args, pos)?)
            }
            Err(e) => Err(e),
        }
    }

    /// 42809 for CALL of a built-in function.
    fn not_a_procedure(
        &mut self,
        name: &str,
        args: &[FunctionArg],
        pos: Option<u32>,
    ) -> Result<SqlError> {
        let (positional, named, _) = self.user_call_arguments(name, args, &Scope::default())?;
        let types: Vec<DataType> = positional
            .iter()
            .chain(named.iter().map(|(_, e)| e))
            .map(|e| e.ty)
            .collect();
        Ok(routine_kind_error(name, &types, true).at(pos))
    }
}

/// 42883 / 42725 for CALL.
fn procedure_error(name: &str, args: &[DataType], err: ResolveError) -> SqlError {
    let sig = format!("{name}({})", crate::func::type_list(args));
    match err {
        ResolveError::NotFound => SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("procedure {sig} does not exist"),
        )
        .with_hint(
            "No procedure matches the given name and argument types. You might need to add explicit type casts.",
        ),
        ResolveError::Ambiguous => SqlError::new(
            SqlState::AMBIGUOUS_FUNCTION,
            format!("procedure {sig} is not unique"),
        )
        .with_hint(
            "Could not choose a best candidate procedure. You might need to add explicit type casts.",
        ),
    }
}

/// 42809: a procedure called by SELECT, or a function by CALL (named
/// with the call's argument types).
fn routine_kind_error(name: &str, types: &[DataType], calling_procedure: bool) -> SqlError {
    let sig = format!("{name}({})", crate::func::type_list(types));
    if calling_procedure {
        SqlError::new(
            SqlState::WRONG_OBJECT_TYPE,
            format!("{sig} is not a procedure"),
        )
        .with_hint("To call a function, use SELECT.")
    } else {
        SqlError::new(SqlState::WRONG_OBJECT_TYPE, format!("{sig} is a procedure"))
            .with_hint("To call a procedure, use CALL.")
    }
}

/// Picks the function a call means among `cands` (search-path order):
/// `npos` positional arguments, then arguments named `names`, of types
/// `types`. With `exact_only`, only a candidate taking every argument
/// without conversion counts (a built-in may take them otherwise).
fn choose(
    cands: &[Arc<UserFunction>],
    npos: usize,
    names: &[&str],
    types: &[DataType],
    (exact_only, variadic_call): (bool, bool),
) -> std::result::Result<Option<Chosen>, ResolveError> {
    let mut best: Vec<((usize, usize), Chosen)> = Vec::new();
    'cands: for f in cands {
        let declared: Vec<&crate::routine::Param> = f.inputs().collect();
        // A VARIADIC argument takes the call's trailing arguments, one
        // element each (unless the call passes the array itself).
        let mut inputs: Vec<DataType> = declared.iter().map(|p| p.ty).collect();
        let mut packed = None;
        if let Some(last) = declared.last() {
            if last.mode == crate::routine::ArgMode::Variadic
                && !variadic_call
                && names.is_empty()
                && types.len() + 1 >= declared.len()
            {
                let start = declared.len() - 1;
                let elem = match last.ty {
                    DataType::Array(e) => *e,
                    DataType::AnyArray => DataType::AnyElement,
                    other => other,
                };
                inputs.truncate(start);
                inputs.extend(std::iter::repeat_n(elem, types.len() - start));
                packed = Some((start, last.ty));
            }
        }
        let required = if packed.is_some() {
            inputs.len()
        } else {
            inputs.len() - f.defaults.len().min(inputs.len())
        };
        if types.len() > inputs.len() || npos > inputs.len() {
            continue;
        }
        // Where each given argument goes.
        let mut slot_of = Vec::with_capacity(types.len());
        slot_of.extend(0..npos);
        for n in names {
            match declared.iter().position(|p| p.name.as_deref() == Some(*n)) {
                Some(i) if !slot_of.contains(&i) => slot_of.push(i),
                _ => continue 'cands,
            }
        }
        if (0..required).any(|i| !slot_of.contains(&i)) {
            continue;
        }
        // Polymorphic arguments take one element type.
        let mut elem: Option<DataType> = None;
        // The range type an anyrange or anymultirange argument binds.
        let mut range: Option<DataType> = None;
        // The anycompatible family: the types to find a common one of,
        // and the range type an anycompatiblerange argument binds.
        let mut compat: Vec<DataType> = Vec::new();
        let mut compat_range: Option<DataType> = None;
        let mut polymorphic = false;
        let mut exact = 0;
        // Unknown literals prefer string parameters (PostgreSQL's
        // preference for the string category).
        let mut preferred = 0;
        for (&ty, &slot) in types.iter().zip(&slot_of) {
            let p = inputs[slot];
            if ty == DataType::Unknown && matches!(p.category(), crate::types::TypeCategory::String)
            {
                preferred += 1;
            }
            if p.is_polymorphic() {
                let compatible = match (p, ty) {
                    (_, DataType::Unknown) => None,
                    (DataType::AnyCompatible, _) => Some(ty),
                    (DataType::AnyCompatibleNonArray, DataType::Array(_)) => continue 'cands,
                    (DataType::AnyCompatibleNonArray, _) => Some(ty),
                    (DataType::AnyCompatibleArray, DataType::Array(e)) => Some(*e),
                    (DataType::AnyCompatibleArray, _) => continue 'cands,
                    (DataType::AnyCompatibleRange, DataType::Range(_) | DataType::UserRange(_))
                    | (DataType::AnyCompatibleMultirange, DataType::Multirange(_)) => {
                        let r = ty.range_part();
                        if compat_range.is_some_and(|s| s != r) {
                            continue 'cands;
                        }
                        compat_range = Some(r);
                        Some(crate::value::range::element(r))
                    }
                    (DataType::AnyCompatibleRange | DataType::AnyCompatibleMultirange, _) => {
                        continue 'cands
                    }
                    _ => None,
                };
                if matches!(
                    p,
                    DataType::AnyCompatible
                        | DataType::AnyCompatibleNonArray
                        | DataType::AnyCompatibleArray
                        | DataType::AnyCompatibleRange
                        | DataType::AnyCompatibleMultirange
                ) {
                    compat.extend(compatible);
                    continue;
                }
                // The anyelement family: unknown alone cannot bind it.
                polymorphic |= p != DataType::Any;
                let e = match (p, ty) {
                    (_, DataType::Unknown) => continue,
                    (DataType::AnyArray, DataType::Array(e)) => *e,
                    (DataType::AnyArray, _) => continue 'cands,
                    (DataType::AnyNonArray, DataType::Array(_)) => continue 'cands,
                    (DataType::AnyEnum, DataType::Enum(_)) => ty,
                    (DataType::AnyEnum, _) => continue 'cands,
                    (DataType::AnyRange, DataType::Range(_) | DataType::UserRange(_))
                    | (DataType::AnyMultirange, DataType::Multirange(_)) => {
                        let r = ty.range_part();
                        if range.is_some_and(|s| s != r) {
                            continue 'cands;
                        }
                        range = Some(r);
                        crate::value::range::element(r)
                    }
                    (DataType::AnyRange | DataType::AnyMultirange, _) => continue 'cands,
                    _ => ty,
                };
                if p != DataType::Any {
                    if elem.is_some_and(|s| s != e) {
                        continue 'cands;
                    }
                    elem = Some(e);
                }
            } else if ty == p {
                exact += 1;
            } else if exact_only
                || !(ty == DataType::Unknown
                    || crate::cast::can_coerce(ty, p.base(), CoercionContext::Implicit))
            {
                continue 'cands;
            }
        }
        // A polymorphic parameter takes its argument, but not exactly (a
        // function of the argument's own type wins).
        let polymorphic_args = types
            .iter()
            .zip(&slot_of)
            .filter(|(t, s)| **t != DataType::Unknown && inputs[**s].is_polymorphic())
            .count();
        if exact_only && exact + polymorphic_args < types.len() {
            continue;
        }
        // The common type of the anycompatible family: a range's
        // subtype must be it (PostgreSQL's "common supertype" rule).
        let common = match crate::func::common_supertype(&compat) {
            None if !compat.is_empty() => continue,
            c => c,
        };
        if let (Some(r), Some(c)) = (compat_range, common) {
            if crate::value::range::element(r) != c {
                continue;
            }
        }
        let common = common.unwrap_or(DataType::Text);
        let unresolved = polymorphic && elem.is_none();
        let elem = elem.unwrap_or(DataType::Text);
        let range = range
            .or_else(|| DataType::range_of(elem))
            .unwrap_or(DataType::AnyRange);
        let concrete = |p: DataType| match p {
            DataType::AnyArray => elem
                .array_type()
                .unwrap_or(DataType::Array(&DataType::Text)),
            DataType::AnyCompatible | DataType::AnyCompatibleNonArray => common,
            DataType::AnyCompatibleArray => common
                .array_type()
                .unwrap_or(DataType::Array(&DataType::Text)),
            DataType::AnyCompatibleRange => compat_range
                .or_else(|| DataType::range_of(common))
                .unwrap_or(DataType::AnyCompatibleRange),
            DataType::AnyCompatibleMultirange => compat_range
                .or_else(|| DataType::range_of(common))
                .and_then(DataType::multirange_of)
                .unwrap_or(DataType::AnyCompatibleMultirange),
            DataType::AnyRange => range,
            DataType::AnyMultirange => {
                DataType::multirange_of(range).unwrap_or(DataType::AnyMultirange)
            }
            p if p.is_polymorphic() && p != DataType::Any => elem,
            p => p,
        };
        let params = inputs.iter().map(|p| concrete(*p)).collect();
        let packed = packed.map(|(start, ty)| (start, concrete(ty)));
        let ret = concrete(f.ret);
        // The first of equal signatures on the path hides the others.
        if best
            .iter()
            .any(|(_, c)| c.func.input_types() == f.input_types())
        {
            continue;
        }
        best.push((
            (exact, preferred),
            Chosen {
                func: Arc::clone(f),
                params,
                ret,
                unresolved,
                packed,
            },
        ));
    }
    let Some(top) = best.iter().map(|(n, _)| *n).max() else {
        return Err(ResolveError::NotFound);
    };
    let mut kept: Vec<Chosen> = best
        .into_iter()
        .filter(|(n, _)| *n == top)
        .map(|(_, c)| c)
        .collect();
    match kept.len() {
        1 => Ok(kept.pop()),
        _ => Err(ResolveError::Ambiguous),
    }
}

/// Binds the body of LANGUAGE sql function `func` for arguments of types
/// `params` returning `ret`: a plan whose rows have one column, the
/// call's value per result row. `calling`: the functions whose bodies
/// are being bound around this one (a function reaching itself is
/// refused rather than expanded forever). Errors keep their positions in
/// the body's text ([`body_error`] places them).
pub(crate) fn bind_sql_body(
    tables: &mut dyn super::TableSource,
    style: &OutputStyle,
    func: &UserFunction,
    params: &[DataType],
    ret: DataType,
    calling: Vec<u32>,
) -> Result<Plan> {
    let context = |e: SqlError| e;
    let statements = crate::parser::parse(&func.body).map_err(context)?;
    let Some(last) = statements.last() else {
        if ret == DataType::Void {
            return Ok(Plan::Values(vec![vec![Expr::constant(
                Value::Null,
                DataType::Void,
            )]]));
        }
        return Err(final_statement_error(ret));
    };
    let query = match last {
        crate::parser::Parsed::Sql(s) => match s.as_ref() {
            ast::Statement::Query(q) => Some(q),
            _ => None,
        },
        _ => None,
    };
    let Some(query) = query else {
        let returning = match last {
            crate::parser::Parsed::Sql(s) => match s.as_ref() {
                ast::Statement::Insert(i) => i.returning.is_some(),
                ast::Statement::Update(u) => u.returning.is_some(),
                ast::Statement::Delete(d) => d.returning.is_some(),
                _ => false,
            },
            _ => false,
        };
        if ret != DataType::Void && !returning {
            return Err(final_statement_error(ret));
        }
        return Err(SqlError::unsupported(format!(
            "SQL functions whose body does not end in a query ({})",
            func.name
        )));
    };
    // Earlier statements run only for their effects: queries have none.
    let earlier_queries = statements[..statements.len() - 1].iter().all(|s| {
        matches!(s, crate::parser::Parsed::Sql(s) if matches!(s.as_ref(), ast::Statement::Query(_)))
    });
    if !earlier_queries {
        return Err(SqlError::unsupported(format!(
            "SQL functions whose statements change data ({})",
            func.name
        )));
    }
    let scope = Scope {
        columns: func
            .inputs()
            .zip(params)
            .map(|(p, &ty)| ScopeColumn {
                table: Some(func.name.clone()),
                name: p.name.clone().unwrap_or_default(),
                // A domain argument holds a value of its base type.
                ty: ty.base(),
                typmod: -1,
                table_oid: 0,
                attnum: 0,
                hidden: false,
                scalar: false,
            })
            .collect(),
    };
    let mut b = Binder::new(&func.body, style.clone(), Vec::new(), tables);
    b.outer.push((scope, false));
    b.function_params = Some(0);
    b.calling = calling;
    let bound = b.query(query).map_err(context)?;
    shape_result(&mut b, bound, ret).map_err(context)
}

/// The statements of a LANGUAGE sql body when one of them changes data
/// (INSERT, UPDATE, DELETE, MERGE): their text, each on its own.
fn changing_statements(body: &str) -> Option<Vec<String>> {
    let statements = crate::parser::parse(body).ok()?;
    let changes = statements.iter().any(|s| {
        matches!(s, crate::parser::Parsed::Sql(s) if matches!(
            s.as_ref(),
            ast::Statement::Insert(_)
                | ast::Statement::Update(_)
                | ast::Statement::Delete(_)
                | ast::Statement::Merge(_)
                | ast::Statement::Call(_)
        ))
    });
    changes.then(|| {
        statements
            .iter()
            .filter_map(|s| match s {
                crate::parser::Parsed::Sql(s) => Some(s.as_ref().to_string()),
                _ => None,
            })
            .collect()
    })
}

/// An error found in the body of `func` as PostgreSQL reports it: a
/// position in the body moved into `statement` (the CREATE FUNCTION
/// text) where the body stands in it verbatim, else dropped and the
/// function named in the context.
pub(crate) fn body_error(e: SqlError, func: &UserFunction, statement: Option<&str>) -> SqlError {
    let placed = match (e.report().position, statement) {
        (Some(p), Some(text)) => text
            .find(func.body.as_str())
            .map(|at| text[..at].chars().count() as u32 + p),
        _ => None,
    };
    // PostgreSQL checks privileges when the statement runs: its context
    // names the statement.
    let statement = if e.code() == SqlState::INSUFFICIENT_PRIVILEGE {
        " statement 1"
    } else {
        ""
    };
    match placed {
        Some(p) => e.without_position().at(Some(p)),
        None => e
            .without_position()
            .with_context(format!("SQL function \"{}\"{statement}", func.name)),
    }
}

/// The 42P13 of a body whose last statement returns nothing.
fn final_statement_error(ret: DataType) -> SqlError {
    SqlError::new(
        SqlState::INVALID_FUNCTION_DEFINITION,
        format!("return type mismatch in function declared to return {ret}"),
    )
    .with_detail("Function's final statement must be SELECT or INSERT/UPDATE/DELETE RETURNING.")
}

/// The final query's rows as the declared result: one column, coerced
/// to `ret` (a composite result built from the columns).
pub(super) fn shape_result(
    b: &mut Binder<'_>,
    bound: crate::plan::BoundQuery,
    ret: DataType,
) -> Result<Plan> {
    let mismatch = |detail: String| {
        SqlError::new(
            SqlState::INVALID_FUNCTION_DEFINITION,
            format!("return type mismatch in function declared to return {ret}"),
        )
        .with_detail(detail)
    };
    let column = |i: usize, c: &crate::plan::OutputColumn| Expr {
        kind: ExprKind::Column(i),
        ty: c.ty,
        typmod: c.typmod,
        pos: None,
    };
    let cols = &bound.columns;
    let value = match ret {
        DataType::Void => Expr::constant(Value::Null, DataType::Void),
        // One row value: cast to the row type field by field.
        DataType::Composite(_) if cols.len() == 1 && cols[0].ty == DataType::Record => b
            .coerce(column(0, &cols[0]), ret, -1, CoercionContext::Explicit)
            .map_err(|_| mismatch("Final statement returns too few columns.".into()))?,
        // RETURNS record: the final statement's columns as an anonymous
        // row (the caller's column definition list names them).
        DataType::Record if !(cols.len() == 1 && cols[0].ty == DataType::Record) => {
            let names = cols.iter().map(|c| c.name.clone()).collect();
            let fields = cols.iter().enumerate().map(|(i, c)| column(i, c)).collect();
            crate::func::row_constructor(names, fields)
        }
        DataType::Composite(oid) if !(cols.len() == 1 && cols[0].ty == ret) => {
            let (names, types) = crate::usertype::fields(oid).unwrap_or_default();
            if cols.len() > types.len() {
                return Err(mismatch("Final statement returns too many columns.".into()));
            }
            if cols.len() < types.len() {
                return Err(mismatch("Final statement returns too few columns.".into()));
            }
            let mut fields = Vec::with_capacity(cols.len());
            for (i, (c, &(ty, typmod))) in cols.iter().zip(types.iter()).enumerate() {
                let e = column(i, c);
                if c.ty == ty
                    || c.ty == DataType::Unknown
                    || crate::cast::can_coerce(c.ty, ty, CoercionContext::Assignment)
                {
                    fields.push(b.coerce(e, ty, typmod, CoercionContext::Assignment)?);
                } else {
                    return Err(mismatch(format!(
                        "Final statement returns {} instead of {} at column {}.",
                        c.ty,
                        ty,
                        i + 1
                    )));
                }
            }
            let row = crate::func::row_constructor(names.to_vec(), fields);
            b.coerce(row, ret, -1, CoercionContext::Explicit)?
        }
        _ => {
            let [c] = cols.as_slice() else {
                return Err(mismatch(
                    "Final statement must return exactly one column.".into(),
                ));
            };
            if c.ty == DataType::Record && matches!(ret, DataType::Domain(_)) {
                // A row for a domain over a composite type.
                let value = b
                    .coerce(column(0, c), ret, -1, CoercionContext::Explicit)
                    .map_err(|_| mismatch(format!("Actual return type is {}.", c.ty)))?;
                return Ok(Plan::Project {
                    input: Box::new(bound.plan),
                    exprs: vec![value],
                });
            }
            if let DataType::Domain(_) = ret {
                // Cast to the domain: its constraints are checked.
                if c.ty != DataType::Unknown
                    && !crate::cast::can_coerce(
                        c.ty.base(),
                        ret.base(),
                        CoercionContext::Assignment,
                    )
                {
                    return Err(mismatch(format!("Actual return type is {}.", c.ty)));
                }
                let DataType::Domain(oid) = ret else {
                    return Err(SqlError::internal("a domain result"));
                };
                let value = b.domain_cast(column(0, c), oid, None)?;
                return Ok(Plan::Project {
                    input: Box::new(bound.plan),
                    exprs: vec![value],
                });
            }
            // A domain converts as its base type does.
            if c.ty != ret
                && c.ty != DataType::Unknown
                && c.ty.base() != ret.base()
                && !crate::cast::can_coerce(c.ty.base(), ret.base(), CoercionContext::Assignment)
            {
                return Err(mismatch(format!("Actual return type is {}.", c.ty)));
            }
            b.coerce(column(0, c), ret, -1, CoercionContext::Assignment)?
        }
    };
    Ok(Plan::Project {
        input: Box::new(bound.plan),
        exprs: vec![value],
    })
}

impl Binder<'_> {
    /// A call of a user aggregate (CREATE AGGREGATE) named `parts`: None
    /// when none has the name. Its state and final functions are bound
    /// here over columns (state, arguments...), as the Aggregate node
    /// feeds them.
    pub(super) fn user_aggregate_call(
        &mut self,
        parts: &[String],
        f: &ast::Function,
        scope: &Scope,
        pos: Option<u32>,
    ) -> Result<Option<Expr>> {
        let cands: Vec<Arc<UserFunction>> = self
            .tables
            .functions(parts)?
            .into_iter()
            .filter(|f| f.aggregate.is_some())
            .collect();
        if cands.is_empty() {
            return Ok(None);
        }
        let name = parts.last().cloned().unwrap_or_default();
        let FunctionArguments::List(list) = &f.args else {
            return Ok(None);
        };
        if f.over.is_some() {
            // As a window function: window_parts binds the call itself.
            return self.window_function(&name, f, scope, pos).map(Some);
        }
        // Refused after its arguments show which query it belongs to.
        let refused = self.no_aggs;
        if refused == Some(super::group::NESTED) {
            return Err(SqlError::new(SqlState::GROUPING_ERROR, super::group::NESTED).at(pos));
        }
        let mut order_by: &[ast::OrderByExpr] = &[];
        for c in &list.clauses {
            if let ast::FunctionArgumentClause::OrderBy(o) = c {
                order_by = o;
            }
        }
        let distinct = matches!(
            list.duplicate_treatment,
            Some(ast::DuplicateTreatment::Distinct)
        );
        // `agg(*)`: no arguments.
        let star = matches!(
            list.args.as_slice(),
            [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)]
        );
        let given: &[FunctionArg] = if star { &[] } else { &list.args };
        self.no_aggs = Some(super::group::NESTED);
        let bound = self.aggregate_args(&name, given, f.filter.as_deref(), scope, pos, distinct);
        self.no_aggs = refused;
        let (args, filter, _star) = bound?;
        let types: Vec<DataType> = args.iter().map(|e| e.ty).collect();
        let chosen = match choose(&cands, types.len(), &[], &types, (false, false)) {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(None),
            Err(e) => return Err(crate::func::function_error(&name, &types, e).at(pos)),
        };
        let Some(def) = chosen.func.aggregate.clone() else {
            return Ok(None);
        };
        let mut coerced = Vec::with_capacity(args.len());
        for (a, t) in args.into_iter().zip(&chosen.params) {
            coerced.push(self.coerce(a, *t, -1, CoercionContext::Implicit)?);
        }
        // A polymorphic state type takes the arguments' binding.
        let declared: Vec<DataType> = chosen.func.params.iter().map(|p| p.ty).collect();
        let stype = if def.stype.is_polymorphic() {
            let at = |want: DataType| declared.iter().position(|d| *d == want);
            match def.stype {
                s if at(s).is_some() => chosen.params[at(s).unwrap_or(0)],
                DataType::AnyArray | DataType::AnyCompatibleArray => at(DataType::AnyElement)
                    .or_else(|| at(DataType::AnyCompatible))
                    .and_then(|i| chosen.params[i].array_type())
                    .unwrap_or(chosen.ret),
                _ => at(DataType::AnyArray)
                    .or_else(|| at(DataType::AnyCompatibleArray))
                    .map(|i| match chosen.params[i] {
                        DataType::Array(e) => *e,
                        other => other,
                    })
                    .unwrap_or(chosen.ret),
            }
        } else {
            def.stype
        };
        let col = |i: usize, ty: DataType| Expr {
            kind: ExprKind::Column(i),
            ty,
            typmod: -1,
            pos: None,
        };
        let mut step_args = vec![col(0, stype)];
        for (i, t) in chosen.params.iter().enumerate() {
            step_args.push(col(i + 1, *t));
        }
        let step = self.support_call(&def.sfunc, step_args, pos)?;
        let finalize = match &def.finalfunc {
            Some(ff) => Some(self.support_call(ff, vec![col(0, stype)], pos)?),
            None => None,
        };
        let strict_of = |e: &Expr| match &e.kind {
            ExprKind::Call { def, .. } => def.strict,
            ExprKind::UserCall(c) => c.func.strict,
            _ => false,
        };
        let init = match &def.initcond {
            Some(t) => Some(crate::cast::parse_text(t, stype, &self.style)?),
            None => None,
        };
        let ty = finalize.as_ref().map_or(stype, |f| f.ty);
        let user = crate::plan::UserAgg {
            name: name.clone(),
            strict: strict_of(&step),
            final_strict: finalize.as_ref().is_some_and(strict_of),
            step,
            finalize,
            init,
        };
        let mut call = crate::plan::AggCall {
            func: crate::plan::AggFunc::User(Box::new(user)),
            args: coerced,
            distinct,
            filter,
            order: Vec::new(),
            levels_up: 0,
        };
        self.aggregate_order(&mut call, order_by, scope, pos)?;
        call.levels_up = self.aggregate_level(&call, refused, pos)?;
        Ok(Some(Expr {
            kind: ExprKind::Aggregate(Box::new(call)),
            ty,
            typmod: -1,
            pos,
        }))
    }

    /// A call of an aggregate's state or final function `parts` over
    /// `args`: a user function that takes them, else a built-in one.
    fn support_call(
        &mut self,
        parts: &[String],
        args: Vec<Expr>,
        pos: Option<u32>,
    ) -> Result<Expr> {
        let user: Vec<Arc<UserFunction>> = self
            .tables
            .functions(parts)?
            .into_iter()
            .filter(|f| f.aggregate.is_none() && !f.procedure)
            .collect();
        let types: Vec<DataType> = args.iter().map(|a| a.ty).collect();
        if !user.is_empty() {
            if let Ok(Some(chosen)) = choose(&user, types.len(), &[], &types, (false, false)) {
                let mut coerced = Vec::with_capacity(args.len());
                for (a, t) in args.into_iter().zip(&chosen.params) {
                    coerced.push(self.coerce(a, *t, -1, CoercionContext::Implicit)?);
                }
                return self.bind_user_call(chosen, coerced, pos);
            }
        }
        let name = parts.last().cloned().unwrap_or_default();
        self.call(&name, args, pos)
    }
}
