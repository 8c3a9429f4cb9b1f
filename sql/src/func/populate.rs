//! json(b)_populate_record and json(b)_populate_recordset: values of a
//! composite type from JSON objects (PostgreSQL's jsonfuncs.c
//! populate_record).
//!
//! Rules:
//! 1. Each field takes the object's member of its name (the last one,
//!    for json's repeated keys); a field without a member keeps the base
//!    value's field (NULL when the base is NULL, which a domain's NOT
//!    NULL refuses).
//! 2. JSON null is NULL. A json / jsonb field takes the member's JSON
//!    text; a composite field populates from an object (the base's
//!    field its base); an array field
//!    from a JSON array (nested arrays are dimensions, which must be
//!    rectangular: 22P02 "malformed JSON array") or from a string in
//!    array-literal form; any other field reads the member's text (a
//!    string decoded, anything else as written) with its type's input.
//! 3. The type's OID comes as a hidden last argument (the base value may
//!    be a NULL that carries no type).

use super::{f, non_strict, stable, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::DataType::{self, *};
use crate::value::{ArrayRef, Value};

/// The functions that take the composite type's OID as a hidden last
/// argument.
const TYPED: [&str; 4] = [
    "json_populate_record",
    "jsonb_populate_record",
    "pg_json_populate_recordset",
    "pg_jsonb_populate_recordset",
];

/// For a populate call whose first argument has a composite type, that
/// type's OID (rule 3).
pub fn type_argument(name: &str, args: &[crate::expr::Expr]) -> Option<u32> {
    if !TYPED.contains(&name) {
        return None;
    }
    let first = args.first()?;
    // A cast to a domain over a composite type carries the base type; the
    // domain is the check's argument (the result must meet it too).
    if let crate::expr::ExprKind::Call { def, args: check } = &first.kind {
        if def.name == "pg_domain_check" {
            if let Some(crate::expr::ExprKind::Const(Value::Oid(d))) = check.get(1).map(|e| &e.kind)
            {
                return Some(*d);
            }
        }
    }
    match first.ty {
        DataType::Composite(oid) => Some(oid),
        _ => None,
    }
}

/// 22P02 for sub-arrays of different shapes.
fn malformed_array() -> SqlError {
    SqlError::new(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "malformed JSON array",
    )
    .with_detail("Multidimensional arrays must have sub-arrays with matching dimensions.")
}

/// 22P02 for a value that is not an array where one must be: the
/// element at `path` (subscripts from 0) of field `key`.
fn expected_array(key: &str, path: &[usize]) -> SqlError {
    let hint = if path.is_empty() {
        format!("See the value of key \"{key}\".")
    } else {
        let at: String = path.iter().map(|i| format!("[{i}]")).collect();
        format!("See the array element {at} of key \"{key}\".")
    };
    SqlError::new(SqlState::INVALID_TEXT_REPRESENTATION, "expected JSON array").with_hint(hint)
}

/// Field `key`'s value from a member's JSON text (rule 2).
fn field_value(
    key: &str,
    raw: &str,
    (ty, typmod): (DataType, i32),
    base_field: &Value,
    ctx: &mut EvalCtx<'_>,
) -> Result<Value> {
    let raw = raw.trim();
    if raw == "null" {
        return as_field(Value::Null, ty, ctx);
    }
    let base = ty.base();
    match base {
        Json => return Ok(Value::Text(raw.to_owned())),
        Jsonb => return Ok(Value::Text(super::jsonb::input(raw, Jsonb)?)),
        Composite(oid) if raw.starts_with('{') => {
            let v = populate(oid, base_field, raw, ctx)?;
            return as_field(v, ty, ctx);
        }
        Array(_) if !raw.starts_with('[') && !raw.starts_with('"') => {
            return Err(expected_array(key, &[]));
        }
        Array(elem) if raw.starts_with('[') => {
            let mut dims = Vec::new();
            let mut items = Vec::new();
            let mut path = Vec::new();
            array_items(
                key,
                raw,
                (*elem, typmod),
                &mut path,
                &mut dims,
                &mut items,
                ctx,
            )?;
            let dims = dims
                .into_iter()
                .map(|n| crate::value::array::Dim {
                    lower: 1,
                    len: n as i32,
                })
                .collect();
            let v = Value::Array(ArrayRef::with_dims(dims, items));
            return as_field(v, ty, ctx);
        }
        _ => {}
    }
    let text = super::jsonraw::as_text(raw).unwrap_or_default();
    let v = crate::cast::parse_text_typmod(&text, base, typmod, ctx.style)?;
    let v = crate::cast::apply_typmod(v, base, typmod, false)?;
    as_field(v, ty, ctx)
}

/// A value of field type `ty`'s base as a value of `ty`: a domain's
/// constraints checked.
fn as_field(v: Value, ty: DataType, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    if let Domain(oid) = ty {
        crate::usertype::check_domain(oid, &v, ctx)?;
    }
    Ok(v)
}

/// The elements of the JSON array at `path` (its subscripts), appended
/// to `items`; `dims` records each dimension's length, which every
/// sub-array must repeat (the first element of each level decides how
/// deep the array is).
fn array_items(
    key: &str,
    raw: &str,
    elem: (DataType, i32),
    path: &mut Vec<usize>,
    dims: &mut Vec<usize>,
    items: &mut Vec<Value>,
    ctx: &mut EvalCtx<'_>,
) -> Result<()> {
    let Some((false, parts)) = super::jsonraw::parts(raw) else {
        return Err(expected_array(key, path));
    };
    let depth = path.len();
    match dims.get(depth) {
        Some(&n) if n != parts.len() => return Err(malformed_array()),
        None if depth >= crate::value::array::MAXDIM => {
            return Err(crate::value::array::too_many_dims(depth + 1))
        }
        None => dims.push(parts.len()),
        _ => {}
    }
    for (i, (_, v)) in parts.into_iter().enumerate() {
        let is_array = v.trim_start().starts_with('[');
        // Deeper levels are known once an element opened them.
        let deeper = dims.len() > depth + 1 || (i == 0 && is_array);
        path.push(i);
        if deeper {
            array_items(key, v, elem, path, dims, items, ctx)?;
        } else if is_array {
            path.pop();
            return Err(malformed_array());
        } else {
            items.push(field_value(key, v, elem, &Value::Null, ctx)?);
        }
        path.pop();
    }
    Ok(())
}

/// The row type a populate call fills: its fields, and a domain over it
/// whose constraints the result must meet.
struct Target {
    names: std::sync::Arc<[String]>,
    types: Vec<(DataType, i32)>,
    domain: Option<u32>,
}

impl Target {
    /// Composite type `oid` (or a domain over one).
    fn of(oid: u32) -> Result<Target> {
        let unknown = || SqlError::internal(format!("composite type {oid} is not known"));
        let (oid, domain) = match crate::usertype::get(oid).ok_or_else(unknown)?.domain {
            Some(ref d) => match d.base {
                Composite(c) => (c, Some(oid)),
                _ => return Err(unknown()),
            },
            None => (oid, None),
        };
        let (names, types) = crate::usertype::fields(oid).ok_or_else(unknown)?;
        Ok(Target {
            names,
            types,
            domain,
        })
    }

    /// The type of an anonymous row value `base` (ROW(1, 2)): its field
    /// names, each field's type read from its value; 0A000 for a NULL.
    fn of_value(base: &Value, func: &str) -> Result<Target> {
        let Value::Record(r) = base else {
            return Err(SqlError::new(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("could not determine row type for result of {func}"),
            )
            .with_hint(
                "Provide a non-null record argument, or call the function in the FROM clause using a column definition list.",
            ));
        };
        let names: std::sync::Arc<[String]> = r.field_names().unwrap_or_default().into();
        let types = r
            .items()
            .iter()
            .map(|v| (crate::cast::elem_type(v, Text), -1))
            .collect();
        Ok(Target {
            names,
            types,
            domain: None,
        })
    }

    /// The target of call arguments `a`: the hidden type OID (rule 3), or
    /// the base value's own row type.
    fn from_args(a: &[Value], func: &str) -> Result<Target> {
        match a.last() {
            Some(Value::Oid(oid)) if a.len() > 2 => Target::of(*oid),
            _ => Target::of_value(&a[0], func),
        }
    }
}

/// Composite type `oid`'s value from the JSON object `raw`, missing
/// fields from `base` (rule 1).
fn populate(oid: u32, base: &Value, raw: &str, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    fill(&Target::of(oid)?, base, raw, ctx)
}

/// A value of `target` from the JSON object `raw` (rule 1).
fn fill(target: &Target, base: &Value, raw: &str, ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let (names, types) = (target.names.clone(), &target.types);
    let members = match super::jsonraw::parts(raw) {
        Some((true, members)) => members,
        found => {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                format!(
                    "cannot call populate_composite on {}",
                    if found.is_some() {
                        "an array"
                    } else {
                        "a scalar"
                    }
                ),
            ))
        }
    };
    let base_fields = match base {
        Value::Record(r) => r.items().to_vec(),
        _ => Vec::new(),
    };
    let mut values = Vec::with_capacity(names.len());
    for (i, (name, &(ty, typmod))) in names.iter().zip(types).enumerate() {
        let member = members
            .iter()
            .rev()
            .find(|(k, _)| k.as_deref() == Some(name.as_str()));
        values.push(match member {
            Some((_, raw)) => {
                let base_field = base_fields.get(i).unwrap_or(&Value::Null);
                field_value(name, raw, (ty, typmod), base_field, ctx)?
            }
            None if base_fields.is_empty() => as_field(Value::Null, ty, ctx)?,
            None => base_fields.get(i).cloned().unwrap_or(Value::Null),
        });
    }
    let v = Value::Record(ArrayRef::record(names, values));
    if let Some(d) = target.domain {
        crate::usertype::check_domain(d, &v, ctx)?;
    }
    Ok(v)
}

/// populate_record: NULL JSON gives the base value.
fn record(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let target = Target::from_args(a, "json_populate_record")?;
    match &a[1] {
        Value::Text(raw) => fill(&target, &a[0], raw, ctx),
        _ => Ok(a[0].clone()),
    }
}

/// populate_recordset: one value per object of the JSON array, as an
/// array (the FROM item or select list unnests it).
fn recordset(a: &[Value], ctx: &mut EvalCtx<'_>) -> Result<Value> {
    let target = Target::from_args(a, "json_populate_recordset")?;
    let Value::Text(raw) = &a[1] else {
        return Ok(Value::Array(ArrayRef::new(Vec::new())));
    };
    let Some((false, items)) = super::jsonraw::parts(raw) else {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call json_populate_recordset on an object",
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (_, item) in items {
        if !item.trim_start().starts_with('{') {
            return Err(SqlError::new(
                SqlState::INVALID_PARAMETER_VALUE,
                "argument of json_populate_recordset must be an array of objects",
            ));
        }
        out.push(fill(&target, &a[0], item, ctx)?);
    }
    Ok(Value::Array(ArrayRef::new(out)))
}

/// The functions.
pub(super) static FUNCTIONS: &[FuncDef] = &[
    stable(non_strict(f(
        "json_populate_record",
        &[AnyElement, Json, Oid],
        AnyElement,
        record,
    ))),
    stable(non_strict(f(
        "json_populate_record",
        &[AnyElement, Json, Bool, Oid],
        AnyElement,
        |a, ctx| record(&[a[0].clone(), a[1].clone(), a[3].clone()], ctx),
    ))),
    stable(non_strict(f(
        "jsonb_populate_record",
        &[AnyElement, Jsonb, Oid],
        AnyElement,
        record,
    ))),
    stable(non_strict(f(
        "pg_json_populate_recordset",
        &[AnyElement, Json, Oid],
        AnyArray,
        recordset,
    ))),
    stable(non_strict(f(
        "pg_jsonb_populate_recordset",
        &[AnyElement, Jsonb, Oid],
        AnyArray,
        recordset,
    ))),
    // An anonymous row type: the base value's own.
    stable(non_strict(f(
        "json_populate_record",
        &[Record, Json],
        Record,
        record,
    ))),
    stable(non_strict(f(
        "jsonb_populate_record",
        &[Record, Jsonb],
        Record,
        record,
    ))),
    stable(non_strict(f(
        "pg_json_populate_recordset",
        &[Record, Json],
        Array(&Record),
        recordset,
    ))),
    stable(non_strict(f(
        "pg_jsonb_populate_recordset",
        &[Record, Jsonb],
        Array(&Record),
        recordset,
    ))),
];
