//! The OID alias types' input: `'t'::regclass`, `'int4'::regtype`,
//! `'public'::regnamespace` ... read at bind time as PostgreSQL reads a
//! literal with the type's input function, so an unknown name is an
//! error at the literal (42P01, 42704, 42883); and casts of OID values to
//! them, which look the name up when the value is computed.

use std::sync::Arc;

use super::Binder;
use crate::catalog::SystemView;
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::types::DataType;
use crate::value::Value;

/// Splits a possibly qualified, possibly quoted name as the input
/// functions do (stringToQualifiedNameList): unquoted parts fold to lower
/// case.
pub(crate) fn qualified_name(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' || c.is_whitespace() {
                    break;
                }
                part.extend(c.to_lowercase());
                chars.next();
            }
            if part.is_empty() {
                return None;
            }
        }
        parts.push(part);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(parts),
            Some('.') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(_) => return None,
        }
    }
}

/// The built-in type a name means (`int4`, `integer`, `text[]`,
/// `pg_catalog.varchar`), as regtypein reads it.
pub(crate) fn type_by_name(text: &str) -> Option<DataType> {
    let lowered = text.trim().to_lowercase();
    let bare = lowered.strip_prefix("pg_catalog.").unwrap_or(&lowered);
    match bare.strip_suffix("[]") {
        Some(elem) => DataType::from_name(elem).and_then(|e| e.array_type()),
        None => DataType::from_name(bare),
    }
}

fn named(oid: u32, name: impl Into<Arc<str>>) -> Value {
    Value::Named(oid, name.into())
}

impl Binder<'_> {
    /// A user type (or `name[]`, its array type) named as regtypein reads
    /// it.
    fn user_type_by_name(&mut self, text: &str) -> Result<Option<DataType>> {
        let (name, array) = match text.strip_suffix("[]") {
            Some(elem) => (elem.trim_end(), true),
            None => (text, false),
        };
        let Some(parts) = qualified_name(name) else {
            return Ok(None);
        };
        let t = self.tables.user_type(&parts)?;
        Ok(if array {
            t.and_then(|t| t.array_type())
        } else {
            t
        })
    }

    /// Reads `text` as a value of OID alias type `to` (regclassin,
    /// regtypein ...): a number, or a name looked up in the catalog.
    pub(crate) fn reg_input(&mut self, to: DataType, text: &str) -> Result<Value> {
        let trimmed = text.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            let oid: u32 = trimmed
                .parse()
                .map_err(|_| crate::error::errors::input_out_of_range("oid", text))?;
            return Ok(match to {
                DataType::Regtype => Value::Regtype(oid),
                _ => Value::Oid(oid),
            });
        }
        if trimmed == "-" && to != DataType::Regtype {
            return Ok(named(0, "-"));
        }
        let undefined = |state: SqlState, what: &str| {
            SqlError::new(state, format!("{what} \"{text}\" does not exist"))
        };
        match to {
            DataType::Regtype => match type_by_name(trimmed) {
                Some(t) => Ok(Value::Regtype(t.oid().0)),
                None => self
                    .user_type_by_name(trimmed)?
                    .map(|t| Value::Regtype(t.oid().0))
                    .ok_or_else(|| undefined(SqlState::UNDEFINED_OBJECT, "type")),
            },
            DataType::Regclass => {
                let parts = qualified_name(text).ok_or_else(|| invalid_name(text))?;
                if let Some(v) = SystemView::lookup(&parts) {
                    return Ok(named(v.oid(), v.name()));
                }
                let (oid, ns, name) = match self.lookup_table(&parts, None) {
                    Ok(def) => (def.oid, def.namespace, def.name.clone()),
                    Err(e) => {
                        let (schema, name) = match parts.as_slice() {
                            [.., s, n] => (Some(s.as_str()), n),
                            [n] => (None, n),
                            [] => return Err(e),
                        };
                        match self.tables.index(schema, name) {
                            Some((oid, ns)) => (oid, ns, name.clone()),
                            None => return Err(e),
                        }
                    }
                };
                // Unqualified when the search path finds this relation.
                let found = match self.tables.table(None, &name) {
                    Ok(Some(d)) => Some(d.oid),
                    _ => self.tables.index(None, &name).map(|(o, _)| o),
                };
                let name = crate::func::quote_ident(&name);
                if found == Some(oid) {
                    return Ok(named(oid, name));
                }
                let schemas = self.tables.namespaces();
                let schema = crate::catalog::schema_name(&schemas, ns)
                    .map(crate::func::quote_ident)
                    .unwrap_or_default();
                Ok(named(oid, format!("{schema}.{name}")))
            }
            DataType::Regnamespace => {
                let parts = qualified_name(text).ok_or_else(|| invalid_name(text))?;
                match parts.as_slice() {
                    [name] => crate::catalog::schema_oid(&self.tables.namespaces(), name)
                        .map(|oid| named(oid, crate::func::quote_ident(name)))
                        .ok_or_else(|| undefined(SqlState::UNDEFINED_SCHEMA, "schema")),
                    _ => Err(invalid_name(text)),
                }
            }
            DataType::Regrole => {
                let parts = qualified_name(text).ok_or_else(|| invalid_name(text))?;
                let found = match parts.as_slice() {
                    [name] => self
                        .tables
                        .roles()
                        .into_iter()
                        .find(|r| &r.name == name)
                        .map(|r| r.oid),
                    _ => None,
                };
                found
                    .map(|oid| named(oid, text.trim()))
                    .ok_or_else(|| undefined(SqlState::UNDEFINED_OBJECT, "role"))
            }
            _ => {
                if to != DataType::Regoper {
                    if let Some(v) = self.user_function_reg(to, trimmed)? {
                        return Ok(v);
                    }
                }
                // regproc, regprocedure, regoper: a built-in by name.
                let name = trimmed.split('(').next().unwrap_or("").trim();
                let name = name.strip_prefix("pg_catalog.").unwrap_or(name);
                let args = match trimmed.split_once('(') {
                    Some((_, rest)) if to == DataType::Regprocedure => {
                        self.arg_types(rest.trim_end().trim_end_matches(')'))?
                    }
                    _ => None,
                };
                let matches: Vec<u32> = crate::func::builtins()
                    .filter(|(_, d)| d.name == name)
                    .filter(|(_, d)| args.as_ref().is_none_or(|a| d.args == a.as_slice()))
                    .map(|(oid, _)| oid)
                    .collect();
                if let (Some(args), [oid, ..]) = (&args, matches.as_slice()) {
                    let shown: Vec<String> = args
                        .iter()
                        .map(|t| crate::func::catalog::format_type(*t, -1))
                        .collect();
                    return Ok(named(*oid, format!("{name}({})", shown.join(","))));
                }
                match matches.as_slice() {
                    [oid] => Ok(named(*oid, name)),
                    [] => Err(SqlError::new(
                        SqlState::UNDEFINED_FUNCTION,
                        format!(
                            "{} \"{text}\" does not exist",
                            if to == DataType::Regoper {
                                "operator"
                            } else {
                                "function"
                            }
                        ),
                    )),
                    [oid, ..] if to == DataType::Regprocedure => Ok(named(*oid, trimmed)),
                    _ => Err(SqlError::new(
                        SqlState::AMBIGUOUS_FUNCTION,
                        format!(
                            "more than one {} named \"{text}\"",
                            if to == DataType::Regoper {
                                "operator"
                            } else {
                                "function"
                            }
                        ),
                    )),
                }
            }
        }
    }

    /// The types of a regprocedure's argument list (`int4, text`), None
    /// when one is not a type name.
    fn arg_types(&mut self, args: &str) -> Result<Option<Vec<DataType>>> {
        let mut types = Vec::new();
        for a in args.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let ast = crate::parser::parse_expr(&format!("NULL::{a}"))?;
            let sqlparser::ast::Expr::Cast { data_type, .. } = ast else {
                return Ok(None);
            };
            types.push(self.resolve_type(&data_type)?.0);
        }
        Ok(Some(types))
    }

    /// A user-defined function as regproc (`name`, unique) or
    /// regprocedure (`name(argtypes)`) input: None when the name has none.
    fn user_function_reg(&mut self, to: DataType, text: &str) -> Result<Option<Value>> {
        let (name, args) = match text.split_once('(') {
            Some((n, rest)) => (n.trim(), Some(rest.trim_end().trim_end_matches(')'))),
            None => (text.trim(), None),
        };
        let Some(parts) = qualified_name(name) else {
            return Ok(None);
        };
        let found = self.tables.functions(&parts)?;
        if found.is_empty() {
            return Ok(None);
        }
        let chosen = match args {
            Some(args) if to == DataType::Regprocedure => {
                let Some(types) = self.arg_types(args)? else {
                    return Ok(None);
                };
                found.into_iter().find(|f| f.input_types() == types)
            }
            _ if found.len() > 1 => {
                return Err(SqlError::new(
                    SqlState::AMBIGUOUS_FUNCTION,
                    format!("more than one function named \"{text}\""),
                ))
            }
            _ => found.into_iter().next(),
        };
        Ok(chosen.map(|f| {
            let shown = if to == DataType::Regprocedure {
                format!(
                    "{}({})",
                    crate::func::quote_ident(&f.name),
                    f.input_types()
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                )
            } else {
                crate::func::quote_ident(&f.name)
            };
            named(f.oid, shown)
        }))
    }

    /// Coerces `e` to OID alias type `to`, if it is one: a literal is read
    /// now; any other value gets its name when computed.
    pub(super) fn reg_coerce(&mut self, e: Expr, to: DataType) -> Result<Result<Expr, Expr>> {
        if !(to.is_catalog_name() || to == DataType::Regtype) {
            return Ok(Err(e));
        }
        if let Some(Value::Text(s)) = e.as_const() {
            let s = s.clone();
            let v = self.reg_input(to, &s).map_err(|err| err.at(e.pos))?;
            return Ok(Ok(Expr {
                kind: ExprKind::Const(v),
                ty: to,
                typmod: -1,
                pos: e.pos,
            }));
        }
        if to.is_catalog_name()
            && matches!(
                e.ty,
                DataType::Oid | DataType::Int4 | DataType::Int8 | DataType::Int2
            )
            || (to.is_catalog_name() && e.ty.is_catalog_name() && e.ty != to)
        {
            let pos = e.pos;
            let arg = self.coerce(e, DataType::Oid, -1, crate::cast::CoercionContext::Explicit)?;
            return self.call(to.name(), vec![arg], pos).map(Ok);
        }
        Ok(Err(e))
    }
}

fn invalid_name(text: &str) -> SqlError {
    SqlError::new(SqlState::INVALID_NAME, "invalid name syntax").with_detail(format!("\"{text}\""))
}
