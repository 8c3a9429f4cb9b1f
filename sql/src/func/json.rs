//! json_build_object and json_build_array: variadic "any" arguments
//! turned into json text as PostgreSQL's json output writes it.

use super::{f, non_strict, FuncDef};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::{Expr, ExprKind};
use crate::types::DataType;
use crate::value::{OutputStyle, Value};

/// One value as json (to_json): numbers and booleans bare, NULL as
/// null, arrays as json arrays, everything else as a string of its text.
fn json_value(v: &Value, out: &mut String) {
    let style = OutputStyle::default();
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) | Value::Oid(_) => {
            v.write_text(&style, out)
        }
        Value::Float4(_) | Value::Float8(_) | Value::Numeric(_) => {
            let text = v.to_text(&style).unwrap_or_default();
            if text
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            {
                out.push_str(&text);
            } else {
                super::jsonb::escape(&text, out);
            }
        }
        Value::Record(_)
        | Value::Array(_)
        | Value::Date(_)
        | Value::Timestamp(_)
        | Value::TimestampTz(_)
        | Value::Time(_)
        | Value::TimeTz(..) => out.push_str(&super::jsonb::compact_json(v, &style)),
        other => super::jsonb::escape(&other.to_text(&style).unwrap_or_default(), out),
    }
}

/// 22023 unless a json(b)_build_object call has pairs of arguments.
pub(super) fn check_pairs(name: &str, n: usize) -> Result<()> {
    if n.is_multiple_of(2) {
        return Ok(());
    }
    Err(SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        "argument list must have even number of elements",
    )
    .with_hint(format!(
        "The arguments of {name}() must consist of alternating keys and values."
    )))
}

/// 22023 for an object key that is an array, a row or JSON.
pub(super) fn check_key(key: &Value, is_json: bool) -> Result<()> {
    if is_json || matches!(key, Value::Array(_) | Value::Record(_)) {
        return Err(SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            "key value must be scalar, not array, composite, or json",
        ));
    }
    Ok(())
}

static BUILD_OBJECT: FuncDef = non_strict(f("json_build_object", &[], DataType::Json, |a, _| {
    let (flags, a) = json_flags(a);
    check_pairs("json_build_object", a.len())?;
    let mut out = String::from("{");
    for (i, pair) in a.chunks(2).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        check_key(&pair[0], flags.get(i * 2).copied().unwrap_or(false))?;
        let key = match &pair[0] {
            Value::Null => {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("argument {} cannot be null", i * 2 + 1),
                )
                .with_hint("Object keys should be text."))
            }
            k => k.to_text(&OutputStyle::default()).unwrap_or_default(),
        };
        super::jsonb::escape(&key, &mut out);
        out.push_str(" : ");
        let is_json = flags.get(i * 2 + 1).copied().unwrap_or(false);
        json_arg(pair.get(1).unwrap_or(&Value::Null), is_json, &mut out);
    }
    out.push('}');
    Ok(Value::Text(out))
}));

/// num_nulls(VARIADIC "any"): how many arguments are NULL.
static NUM_NULLS: FuncDef = non_strict(f("num_nulls", &[], DataType::Int4, |a, _| {
    Ok(Value::Int4(a.iter().filter(|v| v.is_null()).count() as i32))
}));

/// num_nonnulls(VARIADIC "any"): how many arguments are not NULL.
static NUM_NONNULLS: FuncDef = non_strict(f("num_nonnulls", &[], DataType::Int4, |a, _| {
    Ok(Value::Int4(a.iter().filter(|v| !v.is_null()).count() as i32))
}));

static BUILD_ARRAY: FuncDef = non_strict(f("json_build_array", &[], DataType::Json, |a, _| {
    let (flags, a) = json_flags(a);
    let mut out = String::from("[");
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        json_arg(v, flags.get(i).copied().unwrap_or(false), &mut out);
    }
    out.push(']');
    Ok(Value::Text(out))
}));

/// `args` with its last value (a VARIADIC array) spread into its
/// elements; None when that array is NULL.
fn spread(a: &[Value]) -> Option<Vec<Value>> {
    let (last, head) = a.split_last()?;
    let Value::Array(items) = last else {
        return None;
    };
    let mut out = head.to_vec();
    out.extend(items.items().iter().cloned());
    Some(out)
}

/// format(fmt, VARIADIC array): a NULL array is no arguments.
static FORMAT_SPREAD: FuncDef =
    super::stable(non_strict(f("format", &[], DataType::Text, |a, ctx| {
        let args = spread(a).unwrap_or_else(|| a[..a.len().saturating_sub(1)].to_vec());
        (super::format::FORMAT.imp)(&args, ctx)
    })));

/// concat / concat_ws / num_nulls / num_nonnulls with VARIADIC: a NULL
/// array gives NULL.
macro_rules! spread_or_null {
    ($name:literal, $ret:expr, $target:expr) => {
        non_strict(f($name, &[], $ret, |a, ctx| match spread(a) {
            Some(args) => ($target.imp)(&args, ctx),
            None => Ok(Value::Null),
        }))
    };
}
static CONCAT_SPREAD: FuncDef = spread_or_null!("concat", DataType::Text, super::string::CONCAT);
static CONCAT_WS_SPREAD: FuncDef =
    spread_or_null!("concat_ws", DataType::Text, super::string::CONCAT_WS);
static NUM_NULLS_SPREAD: FuncDef = spread_or_null!("num_nulls", DataType::Int4, NUM_NULLS);
static NUM_NONNULLS_SPREAD: FuncDef = spread_or_null!("num_nonnulls", DataType::Int4, NUM_NONNULLS);

/// The json builders with VARIADIC array: the elements are the
/// arguments (none of them JSON); a NULL array gives NULL.
macro_rules! spread_builder {
    ($name:literal, $ret:expr, $target:expr) => {
        non_strict(f($name, &[], $ret, |a, ctx| match spread(a) {
            Some(args) => {
                let flags = Value::Array(crate::value::ArrayRef::new(vec![
                    Value::Bool(false);
                    args.len()
                ]));
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(flags);
                all.extend(args);
                ($target.imp)(&all, ctx)
            }
            None => Ok(Value::Null),
        }))
    };
}
static BUILD_OBJECT_SPREAD: FuncDef =
    spread_builder!("json_build_object", DataType::Json, BUILD_OBJECT);
static BUILD_ARRAY_SPREAD: FuncDef =
    spread_builder!("json_build_array", DataType::Json, BUILD_ARRAY);
static JSONB_BUILD_OBJECT_SPREAD: FuncDef = spread_builder!(
    "jsonb_build_object",
    DataType::Jsonb,
    super::jsonb::BUILD_OBJECT
);
static JSONB_BUILD_ARRAY_SPREAD: FuncDef = spread_builder!(
    "jsonb_build_array",
    DataType::Jsonb,
    super::jsonb::BUILD_ARRAY
);

/// A call whose last argument is `VARIADIC array` of a function taking
/// VARIADIC "any": the array's elements are its arguments at run time.
/// None for other functions (their VARIADIC parameter is an array
/// already).
pub fn variadic_array_call(name: &str, args: Vec<Expr>) -> Option<Expr> {
    let (def, ty): (&'static FuncDef, DataType) = match name {
        "format" => (&FORMAT_SPREAD, DataType::Text),
        "concat" => (&CONCAT_SPREAD, DataType::Text),
        "concat_ws" => (&CONCAT_WS_SPREAD, DataType::Text),
        "num_nulls" => (&NUM_NULLS_SPREAD, DataType::Int4),
        "num_nonnulls" => (&NUM_NONNULLS_SPREAD, DataType::Int4),
        "json_build_object" => (&BUILD_OBJECT_SPREAD, DataType::Json),
        "json_build_array" => (&BUILD_ARRAY_SPREAD, DataType::Json),
        "jsonb_build_object" => (&JSONB_BUILD_OBJECT_SPREAD, DataType::Jsonb),
        "jsonb_build_array" => (&JSONB_BUILD_ARRAY_SPREAD, DataType::Jsonb),
        _ => return None,
    };
    Some(Expr {
        kind: crate::expr::ExprKind::Call { def, args },
        ty,
        typmod: -1,
        pos: None,
    })
}

/// A call of a VARIADIC "any" function: format, json_build_object or
/// json_build_array (any other name is json_build_array's).
pub fn variadic_call(name: &str, args: Vec<Expr>) -> Result<Expr> {
    let (def, ty) = match name {
        "format" => (&super::format::FORMAT, DataType::Text),
        "num_nulls" => (&NUM_NULLS, DataType::Int4),
        "num_nonnulls" => (&NUM_NONNULLS, DataType::Int4),
        "json_build_object" => (&BUILD_OBJECT, DataType::Json),
        "jsonb_build_object" => (&super::jsonb::BUILD_OBJECT, DataType::Jsonb),
        "jsonb_build_array" => (&super::jsonb::BUILD_ARRAY, DataType::Jsonb),
        _ => (&BUILD_ARRAY, DataType::Json),
    };
    // The json builders embed json and jsonb arguments as JSON, not as
    // strings: which arguments those are travels as a first, hidden
    // argument (values carry no type).
    let mut args = args;
    if name.contains("_build_") {
        let flags = args
            .iter()
            .map(|a| Value::Bool(matches!(a.ty, DataType::Json | DataType::Jsonb)))
            .collect();
        args.insert(
            0,
            Expr {
                kind: ExprKind::Const(Value::Array(crate::value::ArrayRef::new(flags))),
                ty: DataType::Array(&DataType::Bool),
                typmod: -1,
                pos: None,
            },
        );
    }
    Ok(Expr {
        kind: ExprKind::Call { def, args },
        ty,
        typmod: -1,
        pos: None,
    })
}

/// A json builder's arguments without the hidden first one, with
/// whether each is json or jsonb (see [`variadic_call`]).
pub(super) fn json_flags(a: &[Value]) -> (Vec<bool>, &[Value]) {
    match a.split_first() {
        Some((Value::Array(flags), rest)) => (
            flags
                .items()
                .iter()
                .map(|f| matches!(f, Value::Bool(true)))
                .collect(),
            rest,
        ),
        _ => (Vec::new(), a),
    }
}

/// One argument of json_build_*: JSON as it is, else as json_value.
fn json_arg(v: &Value, is_json: bool, out: &mut String) {
    match v {
        Value::Text(s) if is_json => out.push_str(s),
        other => json_value(other, out),
    }
}
