//! Built-in functions and operators, and how a call finds its candidate.
//!
//! Every function and operator is a [`FuncDef`] in one static table per
//! module; [`lookup`] finds candidates by name and [`resolve`] picks one
//! with PostgreSQL's rules (parse_func.c func_select_candidate):
//!
//! 1. an exact match of argument types wins (for a binary operator with
//!    one unknown literal, the unknown first takes the other's type);
//! 2. otherwise keep candidates every argument can reach by implicit
//!    coercion; one left wins;
//! 3. keep those with the most exact matches, then those with the most
//!    exact-or-preferred types where coercion is needed;
//! 4. resolve unknown literals by category (string category wins), with
//!    the preferred type if some candidate has it;
//! 5. last gasp: unknowns take the type of the (single) known type.
//!
//! Nothing left: 42883 "does not exist"; several: 42725 "is not unique".

/// Operator tables whose operators are also callable by their
/// function's name (PostgreSQL's pg_operator.oprcode): from one list,
/// `OPERATORS` and `OPERATOR_FUNCTIONS` in the calling module.
macro_rules! operator_tables {
    ($($op:literal $name:literal [$($arg:expr),*] $ret:expr => $imp:expr;)*) => {
        /// The operators.
        pub(super) static OPERATORS: &[FuncDef] = &[$(f($op, &[$($arg),*], $ret, $imp),)*];
        /// The same, by function name.
        pub(super) static OPERATOR_FUNCTIONS: &[FuncDef] =
            &[$(f($name, &[$($arg),*], $ret, $imp),)*];
    };
}

mod arrays;
mod bits;
mod bytea;
pub(crate) mod catalog;
pub use catalog::{format_type, quote_ident, quote_literal};
pub use enums::type_argument as enum_type_argument;
pub use populate::type_argument as composite_type_argument;
mod datetime;
mod dtchar;
mod enums;
mod extra;
mod format;
pub mod geo;
mod json;
pub(crate) mod jsonb;
mod jsonpath;
mod jsonraw;
pub mod tsearch;
pub use json::{variadic_array_call, variadic_call};
mod lsn;
mod math;
mod money;
mod multirange;
mod network;
mod numfmt;
mod operators;
mod populate;
pub(crate) mod privilege;
mod range;
mod regex;
mod sequence;
mod snapshot;
mod todate;
pub use regex::matches_of;
pub(crate) mod string;
pub(crate) mod system;
pub(crate) use system::current_user;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::cast::{can_coerce, CoercionContext};
use crate::error::{Result, SqlError, SqlState};
use crate::expr::EvalCtx;
use crate::types::{DataType, TypeCategory};
use crate::value::Value;

/// A function implementation: the arguments (already coerced to the
/// declared types) and the evaluation context.
pub type ScalarFn = fn(&[Value], &mut EvalCtx<'_>) -> Result<Value>;

/// pg_proc.provolatile: whether a call with constant arguments may be
/// computed once at plan time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volatility {
    /// Same arguments, same result, always (folded at plan time).
    Immutable,
    /// Same result within a statement (now(), current_setting).
    Stable,
    /// May differ on every call, or has side effects (pg_sleep).
    Volatile,
}

/// One built-in function or operator.
#[derive(Debug)]
pub struct FuncDef {
    /// Name ("abs") or operator symbol ("+").
    pub name: &'static str,
    /// Declared argument types (may be polymorphic).
    pub args: &'static [DataType],
    /// Result type; AnyElement means "the type the polymorphic argument
    /// resolved to".
    pub ret: DataType,
    /// NULL in any argument gives NULL without calling `imp`.
    pub strict: bool,
    /// Whether calls may be folded at plan time.
    pub volatility: Volatility,
    /// The implementation.
    pub imp: ScalarFn,
}

/// Shorthand for the tables: a strict, immutable function.
pub(crate) const fn f(
    name: &'static str,
    args: &'static [DataType],
    ret: DataType,
    imp: ScalarFn,
) -> FuncDef {
    FuncDef {
        name,
        args,
        ret,
        strict: true,
        volatility: Volatility::Immutable,
        imp,
    }
}

/// Shorthand for a stable function.
pub(crate) const fn stable(d: FuncDef) -> FuncDef {
    FuncDef {
        volatility: Volatility::Stable,
        ..d
    }
}

/// Shorthand for a volatile function.
pub(crate) const fn volatile(d: FuncDef) -> FuncDef {
    FuncDef {
        volatility: Volatility::Volatile,
        ..d
    }
}

/// Shorthand for a function that sees NULL arguments itself.
pub(crate) const fn non_strict(d: FuncDef) -> FuncDef {
    FuncDef { strict: false, ..d }
}

/// `name[index]`: a name is an array of 64 "char" counted from 0.
static NAME_SUBSCRIPT: FuncDef = f(
    "subscript",
    &[DataType::Name, DataType::Int4],
    DataType::Char,
    |a, _| {
        let (Value::Text(s), Value::Int4(i)) = (&a[0], &a[1]) else {
            return Ok(Value::Null);
        };
        Ok(match usize::try_from(*i).ok().filter(|i| *i < 64) {
            Some(i) => Value::Text(
                s.as_bytes()
                    .get(i)
                    .map_or(String::new(), |b| char::from(*b).to_string()),
            ),
            None => Value::Null,
        })
    },
);

/// `point[i]` (its coordinates), `box[i]` (its corners) and `lseg[i]`
/// (its end points), from 0; NULL past them.
static GEO_SUBSCRIPT: FuncDef = f(
    "subscript",
    &[DataType::Any, DataType::Int4],
    DataType::Any,
    |a, _| {
        let i = match &a[1] {
            Value::Int4(i) => i64::from(*i),
            Value::Int8(i) => *i,
            _ => return Ok(Value::Null),
        };
        Ok(geo::subscript(&a[0], i).unwrap_or(Value::Null))
    },
);

/// `ARRAY[a, b, ...]`: its (already coerced) elements as an array.
static ARRAY_CTOR: FuncDef = non_strict(f("array", &[], DataType::AnyArray, |a, _| {
    Ok(Value::Array(crate::value::ArrayRef::new(a.to_vec())))
}));

/// `ROW(...)`: the first argument holds the field names (a text array
/// constant), the others the fields.
static ROW_CTOR: FuncDef = non_strict(f("row", &[], DataType::Record, |a, _| {
    let names: Vec<String> = match a.first() {
        Some(Value::Array(n)) => n
            .items()
            .iter()
            .map(|v| match v {
                Value::Text(s) => s.clone(),
                _ => String::new(),
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Value::Record(crate::value::ArrayRef::record(
        names.into(),
        a.get(1..).unwrap_or_default().to_vec(),
    )))
}));

/// A row value of `fields` named `names` (f1, f2 ... for ROW(...)).
/// Row equality as PostgreSQL's record_eq: false if some pair of fields
/// differs, else NULL if some field is NULL, else true (the fields are
/// already of matching types).
fn record_equal(a: &[Value]) -> crate::error::Result<Option<bool>> {
    let (Some(Value::Record(x)), Some(Value::Record(y))) = (a.first(), a.get(1)) else {
        return Ok(None);
    };
    let (x, y) = (x.items(), y.items());
    if x.len() != y.len() {
        return Err(crate::error::SqlError::new(
            crate::error::SqlState::DATATYPE_MISMATCH,
            "cannot compare record types with different numbers of columns",
        ));
    }
    let mut saw_null = false;
    for (l, r) in x.iter().zip(y) {
        if l.is_null() || r.is_null() {
            saw_null = true;
            continue;
        }
        match l.compare(r) {
            Some(std::cmp::Ordering::Equal) => {}
            Some(_) => return Ok(Some(false)),
            None => {
                return Err(crate::error::SqlError::new(
                    crate::error::SqlState::DATATYPE_MISMATCH,
                    "cannot compare dissimilar column types",
                ))
            }
        }
    }
    Ok((!saw_null).then_some(true))
}

/// `row = row`, for `(a, b) IN (SELECT x, y ...)`.
pub static RECORD_EQ: FuncDef = f(
    "=",
    &[DataType::Record, DataType::Record],
    DataType::Bool,
    |a, _| Ok(record_equal(a)?.map_or(Value::Null, Value::Bool)),
);

/// `row <> row`, for `(a, b) NOT IN (SELECT x, y ...)` (`<> ALL`).
pub static RECORD_NE: FuncDef = f(
    "<>",
    &[DataType::Record, DataType::Record],
    DataType::Bool,
    |a, _| Ok(record_equal(a)?.map_or(Value::Null, |b| Value::Bool(!b))),
);

pub fn row_constructor(names: Vec<String>, fields: Vec<crate::expr::Expr>) -> crate::expr::Expr {
    let names = crate::expr::Expr {
        kind: crate::expr::ExprKind::Const(Value::Array(crate::value::ArrayRef::new(
            names.into_iter().map(Value::Text).collect(),
        ))),
        ty: DataType::Array(&DataType::Text),
        typmod: -1,
        pos: None,
    };
    let mut args = Vec::with_capacity(fields.len() + 1);
    args.push(names);
    args.extend(fields);
    crate::expr::Expr {
        kind: crate::expr::ExprKind::Call {
            def: &ROW_CTOR,
            args,
        },
        ty: DataType::Record,
        typmod: -1,
        pos: None,
    }
}

/// The field names and expressions of a row constructor (what
/// [`row_constructor`] built), if `e` is one.
pub fn row_constructor_fields(
    e: &crate::expr::Expr,
) -> Option<(Vec<String>, &[crate::expr::Expr])> {
    let crate::expr::ExprKind::Call { def, args } = &e.kind else {
        return None;
    };
    if !std::ptr::eq(*def, &ROW_CTOR) {
        return None;
    }
    let (names, fields) = args.split_first()?;
    let crate::expr::ExprKind::Const(Value::Array(names)) = &names.kind else {
        return None;
    };
    let names = names
        .items()
        .iter()
        .map(|v| match v {
            Value::Text(t) => t.clone(),
            _ => String::new(),
        })
        .collect();
    Some((names, fields))
}

/// A row value, NULL when every field is NULL (an aggregate's `t.*`
/// over an outer join's null-extended side, which PostgreSQL's
/// whole-row reference gives as NULL).
static ROW_OR_NULL: FuncDef = non_strict(f("row_or_null", &[], DataType::Record, |a, _| {
    Ok(match a.first() {
        Some(Value::Record(fields)) if fields.items().iter().all(Value::is_null) => Value::Null,
        Some(v) => v.clone(),
        None => Value::Null,
    })
}));

/// `row`, NULL when all its fields are.
pub fn row_or_null(row: crate::expr::Expr) -> crate::expr::Expr {
    crate::expr::Expr {
        kind: crate::expr::ExprKind::Call {
            def: &ROW_OR_NULL,
            args: vec![row],
        },
        ty: DataType::Record,
        typmod: -1,
        pos: None,
    }
}

/// `ARRAY[...]` of `items`, all of type `elem`.
pub fn array_constructor(
    items: Vec<crate::expr::Expr>,
    elem: DataType,
) -> Result<crate::expr::Expr> {
    if let DataType::Array(_) = elem {
        // ARRAY[ARRAY[1,2], ARRAY[3,4]]: one dimension more.
        return Ok(crate::expr::Expr {
            kind: crate::expr::ExprKind::Call {
                def: &arrays::ARRAY_STACK,
                args: items,
            },
            ty: elem,
            typmod: -1,
            pos: None,
        });
    }
    let ty = elem.array_type().ok_or_else(|| {
        SqlError::new(
            SqlState::UNDEFINED_OBJECT,
            format!("could not find array type for data type {elem}"),
        )
    })?;
    Ok(crate::expr::Expr {
        kind: crate::expr::ExprKind::Call {
            def: &ARRAY_CTOR,
            args: items,
        },
        ty,
        typmod: -1,
        pos: None,
    })
}

/// generate_subscripts(array, dim): the array of subscripts to unnest.
pub fn subscripts_of(
    array: crate::expr::Expr,
    dim: crate::expr::Expr,
    reverse: Option<crate::expr::Expr>,
) -> crate::expr::Expr {
    let mut args = vec![array, dim];
    args.extend(reverse);
    crate::expr::Expr {
        kind: crate::expr::ExprKind::Call {
            def: &arrays::SUBSCRIPTS,
            args,
        },
        ty: DataType::Array(&DataType::Int4),
        typmod: -1,
        pos: None,
    }
}

/// True for the `ARRAY[...]` constructor's call.
pub fn is_array_constructor(def: &FuncDef) -> bool {
    std::ptr::eq(def, &ARRAY_CTOR) || std::ptr::eq(def, &arrays::ARRAY_STACK)
}

/// For an array subscript's call: Some(false) for `a[i]...`, Some(true)
/// for a slice `a[lo:hi]...`.
pub fn subscript_kind(def: &FuncDef) -> Option<bool> {
    if std::ptr::eq(def, &arrays::SUBSCRIPT) {
        Some(false)
    } else if std::ptr::eq(def, &arrays::SLICE) {
        Some(true)
    } else {
        None
    }
}

/// 42804 for subscripts on a type without them.
fn not_subscriptable(ty: DataType) -> SqlError {
    SqlError::new(
        SqlState::DATATYPE_MISMATCH,
        format!("cannot subscript type {ty} because it does not support subscripting"),
    )
}

/// `array[i][j]...`: 42804 when `array` is not an array.
pub fn subscript(
    array: crate::expr::Expr,
    indexes: Vec<crate::expr::Expr>,
) -> Result<crate::expr::Expr> {
    let (def, elem) = match array.ty {
        DataType::Name if indexes.len() == 1 => (&NAME_SUBSCRIPT, DataType::Char),
        DataType::Point if indexes.len() == 1 => (&GEO_SUBSCRIPT, DataType::Float8),
        DataType::GeoBox | DataType::Lseg if indexes.len() == 1 => {
            (&GEO_SUBSCRIPT, DataType::Point)
        }
        DataType::Array(e) => (&arrays::SUBSCRIPT, *e),
        DataType::Int2Vector => (&arrays::SUBSCRIPT, DataType::Int2),
        DataType::OidVector => (&arrays::SUBSCRIPT, DataType::Oid),
        other => return Err(not_subscriptable(other)),
    };
    let mut args = Vec::with_capacity(indexes.len() + 1);
    args.push(array);
    args.extend(indexes);
    Ok(crate::expr::Expr {
        kind: crate::expr::ExprKind::Call { def, args },
        ty: elem,
        typmod: -1,
        pos: None,
    })
}

/// `array[lo:hi][lo:hi]...` (bounds in pairs, omitted ones as i32::MIN
/// and i32::MAX constants): 42804 when `array` is not an array.
pub fn slice(
    array: crate::expr::Expr,
    bounds: Vec<crate::expr::Expr>,
) -> Result<crate::expr::Expr> {
    let ty = match array.ty {
        DataType::Array(_) => array.ty,
        DataType::Int2Vector => DataType::Array(&DataType::Int2),
        DataType::OidVector => DataType::Array(&DataType::Oid),
        other => return Err(not_subscriptable(other)),
    };
    let mut args = Vec::with_capacity(bounds.len() + 1);
    args.push(array);
    args.extend(bounds);
    Ok(crate::expr::Expr {
        kind: crate::expr::ExprKind::Call {
            def: &arrays::SLICE,
            args,
        },
        ty,
        typmod: -1,
        pos: None,
    })
}

/// Subscripted assignment (`SET a[i] = v`, `INSERT INTO t (a[lo:hi])`):
/// `base` (an array or jsonb) with the element or slice at the
/// subscripts replaced by `value`. `bounds` holds one expression per
/// subscript for an element or jsonb path, (lower, upper) pairs for a
/// slice.
pub fn subscript_assign(
    base: crate::expr::Expr,
    value: crate::expr::Expr,
    bounds: Vec<crate::expr::Expr>,
    is_slice: bool,
) -> crate::expr::Expr {
    let ty = base.ty;
    let def: &'static FuncDef = if ty == DataType::Jsonb {
        &jsonb::JSONB_ASSIGN
    } else if is_slice {
        &arrays::ASSIGN_SLICE
    } else {
        &arrays::ASSIGN_ELEMENT
    };
    let mut args = Vec::with_capacity(bounds.len() + 2);
    args.push(base);
    args.push(value);
    args.extend(bounds);
    crate::expr::Expr {
        kind: crate::expr::ExprKind::Call { def, args },
        ty,
        typmod: -1,
        pos: None,
    }
}

/// Every built-in function and operator, in a fixed order.
fn tables() -> impl Iterator<Item = &'static [FuncDef]> {
    operators::OPERATORS
        .iter()
        .copied()
        .chain([
            math::FUNCTIONS,
            bytea::FUNCTIONS,
            string::FUNCTIONS,
            datetime::FUNCTIONS,
            system::FUNCTIONS,
            catalog::FUNCTIONS,
            arrays::FUNCTIONS,
            regex::FUNCTIONS,
            format::FUNCTIONS,
            sequence::FUNCTIONS,
        ])
        .chain(jsonb::OPERATORS.iter().copied())
        .chain(jsonpath::TABLES.iter().copied())
        .chain([
            extra::FUNCTIONS,
            enums::FUNCTIONS,
            populate::FUNCTIONS,
            enums::ENUM_CMP,
            numfmt::FUNCTIONS,
            todate::FUNCTIONS,
            operators::XID_EQ,
            operators::MINUS_FUNCTIONS,
            operators::OPERATOR_NAMED,
            operators::XID8_CMP,
            operators::RECORD_CMP,
            range::CONSTRUCTORS,
            range::FUNCTIONS,
            multirange::CONSTRUCTORS,
            multirange::FUNCTIONS,
            multirange::OPERATORS,
            multirange::OPERATOR_FUNCTIONS,
            geo::OPERATORS,
            geo::OPERATOR_FUNCTIONS,
            geo::FUNCTIONS,
            tsearch::FUNCTIONS,
            money::FUNCTIONS,
            money::MONEY_CMP,
            money::BY_INTEGERS,
            money::BY_FLOATS,
            network::FUNCTIONS,
            network::MACADDR_FUNCTIONS,
            network::MACADDR8_FUNCTIONS,
            network::MACADDR8_SET7BIT,
            network::MACADDR_CMP,
            network::MACADDR8_CMP,
            bits::FUNCTIONS,
            bits::BIT_CMP,
            bits::VARBIT_CMP,
            lsn::FUNCTIONS,
            lsn::LSN_CMP,
            snapshot::FUNCTIONS,
            TRIGGER_FUNCTIONS,
            privilege::FUNCTIONS,
        ])
}

pub use multirange::USER_CONSTRUCTORS as USER_MULTIRANGE_CONSTRUCTORS;
pub use range::USER_CONSTRUCTORS as USER_RANGE_CONSTRUCTORS;

/// Built-in trigger functions (table/trigger.rs fires them; called as a
/// function they are PostgreSQL's 0A000).
static TRIGGER_FUNCTIONS: &[FuncDef] = &[f(
    "suppress_redundant_updates_trigger",
    &[],
    DataType::Trigger,
    |_, _| {
        Err(crate::error::SqlError::new(
            crate::error::SqlState::TRIGGER_PROTOCOL_VIOLATED,
            "suppress_redundant_updates_trigger: must be called as trigger",
        ))
    },
)];

/// The pg_proc OID of built-in function `name` (its first overload).
pub fn builtin_oid(name: &str) -> Option<u32> {
    builtins().find(|(_, d)| d.name == name).map(|(o, _)| o)
}

/// The first OID given to built-in functions (pg_proc.oid): they are
/// numbered in table order from here, below the OIDs user objects get.
const FIRST_BUILTIN_OID: u32 = 8000;

/// Every built-in function and operator with its pg_proc OID.
pub fn builtins() -> impl Iterator<Item = (u32, &'static FuncDef)> {
    tables()
        .flatten()
        .enumerate()
        .map(|(i, d)| (FIRST_BUILTIN_OID + i as u32, d))
}

/// The pg_operator OID of `=` between two values of type `t` (0 if
/// there is none).
pub fn equality_operator_oid(t: DataType) -> u32 {
    builtins()
        .find(|(_, d)| d.name == "=" && d.args == [t, t])
        .map_or(0, |(oid, _)| oid)
}

/// The built-in function with pg_proc OID `oid`.
pub fn builtin_by_oid(oid: u32) -> Option<&'static FuncDef> {
    let i = oid.checked_sub(FIRST_BUILTIN_OID)?;
    tables().flatten().nth(i as usize)
}

/// Functions and operators by name.
static REGISTRY: LazyLock<HashMap<&'static str, Vec<&'static FuncDef>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<&'static FuncDef>> = HashMap::new();
    for table in tables() {
        for d in table {
            map.entry(d.name).or_default().push(d);
        }
    }
    map
});

/// All candidates named `name` (lower case) with `nargs` arguments.
/// A jsonpath's text as jsonpath_out prints it (jsonpath_in's errors).
pub fn jsonpath_text(text: &str) -> crate::error::Result<String> {
    Ok(jsonpath::parse(text)?.to_text())
}

/// Whether some built-in function is named `name`.
pub fn exists(name: &str) -> bool {
    REGISTRY.get(name).is_some()
}

/// The built-in functions named `name` taking `nargs` arguments.
pub fn lookup(name: &str, nargs: usize) -> Vec<&'static FuncDef> {
    REGISTRY
        .get(name)
        .map(|all| {
            all.iter()
                .copied()
                .filter(|d| d.args.len() == nargs)
                .collect()
        })
        .unwrap_or_default()
}

/// What the resolution found.
#[derive(Debug)]
pub struct Resolved {
    /// The chosen function.
    pub def: &'static FuncDef,
    /// The type each argument must be coerced to.
    pub arg_types: Vec<DataType>,
    /// The concrete result type.
    pub ret: DataType,
}

/// Why no candidate was chosen.
#[derive(Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// 42883.
    NotFound,
    /// 42725.
    Ambiguous,
}

/// Whether a call is an operator (changes the rule for one unknown side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// name(args).
    Function,
    /// Prefix or infix operator.
    Operator,
}

/// Picks the candidate for `name(args)`; see the module rules.
pub fn resolve(
    name: &str,
    args: &[DataType],
    kind: CallKind,
) -> std::result::Result<Resolved, ResolveError> {
    let candidates = lookup(name, args.len());
    if candidates.is_empty() {
        return Err(ResolveError::NotFound);
    }
    // Rule 1: exact match; binary operators treat one unknown side as the
    // other side's type (binary_oper_exact).
    let mut probe = args.to_vec();
    if kind == CallKind::Operator && probe.len() == 2 {
        if probe[0] == DataType::Unknown && probe[1] != DataType::Unknown {
            probe[0] = probe[1];
        } else if probe[1] == DataType::Unknown && probe[0] != DataType::Unknown {
            probe[1] = probe[0];
        }
    }
    if let Some(d) = candidates.iter().find(|d| d.args == probe.as_slice()) {
        return Ok(finish(d, args));
    }
    // Rule 2: implicit coercion.
    let viable: Vec<&'static FuncDef> = candidates
        .into_iter()
        .filter(|d| {
            args.iter()
                .zip(d.args)
                .all(|(from, to)| can_coerce(*from, *to, CoercionContext::Implicit))
                && polymorphic_consistent(d, args)
        })
        .collect();
    match viable.len() {
        0 => Err(ResolveError::NotFound),
        1 => Ok(finish(viable[0], args)),
        _ => select_candidate(viable, args).map(|d| finish(d, args)),
    }
}

/// The element type the polymorphic arguments of `d` bind: anyelement
/// takes its argument's type, anyarray its argument's element type; all
/// must agree (None: they do not; Some(None): nothing bound it).
fn polymorphic_element(d: &FuncDef, args: &[DataType]) -> Option<Option<DataType>> {
    let mut seen: Option<DataType> = None;
    for (a, p) in args.iter().zip(d.args) {
        if !p.is_polymorphic()
            || matches!(
                p,
                DataType::Any | DataType::AnyCompatible | DataType::AnyCompatibleArray
            )
            || *a == DataType::Unknown
        {
            continue;
        }
        let elem = match (p, a) {
            (DataType::AnyEnum, DataType::Enum(_)) => *a,
            (DataType::AnyEnum, _) => return None,
            (DataType::AnyArray, DataType::Array(e)) => **e,
            (DataType::AnyArray, _) => return None,
            (DataType::AnyRange, DataType::Range(e)) => **e,
            (DataType::AnyRange, DataType::UserRange(_)) => crate::value::range::element(*a),
            (DataType::AnyRange, _) => return None,
            (DataType::AnyMultirange, DataType::Multirange(r)) => crate::value::range::element(**r),
            (DataType::AnyMultirange, _) => return None,
            (DataType::AnyNonArray, DataType::Array(_)) => return None,
            _ => *a,
        };
        if seen.is_some_and(|s| s != elem) {
            return None;
        }
        seen = Some(elem);
    }
    Some(seen)
}

/// The common element type the anycompatible and anycompatiblearray
/// arguments of `d` are brought to, as select_common_type chooses it
/// (None: they have none; Some(None): nothing bound it).
fn compatible_element(d: &FuncDef, args: &[DataType]) -> Option<Option<DataType>> {
    let mut seen = Vec::new();
    for (a, p) in args.iter().zip(d.args) {
        match (p, a) {
            (_, DataType::Unknown) => {}
            (DataType::AnyCompatible, _) => seen.push(*a),
            (DataType::AnyCompatibleArray, DataType::Array(e)) => seen.push(**e),
            (DataType::AnyCompatibleArray, _) => return None,
            _ => {}
        }
    }
    if seen.is_empty() {
        return Some(None);
    }
    common_supertype(&seen).map(Some)
}

/// select_common_type over the types an anycompatible family of
/// arguments has (not empty): one category, the preferred or widest
/// type every one coerces to implicitly (None: there is none).
pub fn common_supertype(seen: &[DataType]) -> Option<DataType> {
    let (&first, rest) = seen.split_first()?;
    let mut common = first;
    for &t in rest {
        if t == common {
            continue;
        }
        if t.category() != common.category() {
            return None;
        }
        if !common.is_preferred()
            && can_coerce(common, t, CoercionContext::Implicit)
            && !can_coerce(t, common, CoercionContext::Implicit)
        {
            common = t;
        }
    }
    if seen
        .iter()
        .any(|t| !can_coerce(*t, common, CoercionContext::Implicit))
    {
        return None;
    }
    Some(common)
}

/// All polymorphic arguments agree on one element type.
fn polymorphic_consistent(d: &FuncDef, args: &[DataType]) -> bool {
    polymorphic_element(d, args).is_some() && compatible_element(d, args).is_some()
}

/// func_select_candidate: rules 3 to 5.
fn select_candidate(
    mut cands: Vec<&'static FuncDef>,
    args: &[DataType],
) -> std::result::Result<&'static FuncDef, ResolveError> {
    let known = |t: &DataType| *t != DataType::Unknown;
    // Rule 3a: most exact matches.
    cands = keep_best(cands, |d| {
        args.iter()
            .zip(d.args)
            .filter(|(a, p)| known(a) && a == p)
            .count()
    });
    if cands.len() == 1 {
        return Ok(cands[0]);
    }
    // Rule 3b: exact or preferred in the input's category.
    cands = keep_best(cands, |d| {
        args.iter()
            .zip(d.args)
            .filter(|(a, p)| {
                known(a) && (a == p || (p.is_preferred() && p.category() == a.category()))
            })
            .count()
    });
    if cands.len() == 1 {
        return Ok(cands[0]);
    }
    // Rule 4: unknown inputs by category.
    if !args.iter().any(|a| !known(a)) {
        return Err(ResolveError::Ambiguous);
    }
    let mut categories: Vec<Option<(TypeCategory, bool)>> = vec![None; args.len()];
    let mut resolved = true;
    for (i, a) in args.iter().enumerate() {
        if known(a) {
            continue;
        }
        let mut slot: Option<(TypeCategory, bool)> = None;
        let mut conflict = false;
        for d in &cands {
            let t = d.args[i];
            let (cat, pref) = (t.category(), t.is_preferred());
            match slot {
                None => slot = Some((cat, pref)),
                Some((c, p)) if c == cat => slot = Some((c, p || pref)),
                Some(_) if cat == TypeCategory::String => slot = Some((cat, pref)),
                Some(_) => conflict = true,
            }
        }
        if conflict && slot.map(|s| s.0) != Some(TypeCategory::String) {
            resolved = false;
            break;
        }
        categories[i] = slot;
    }
    if resolved {
        let filtered: Vec<&'static FuncDef> = cands
            .iter()
            .copied()
            .filter(|d| {
                categories.iter().enumerate().all(|(i, slot)| match slot {
                    None => true,
                    Some((cat, pref)) => {
                        let t = d.args[i];
                        t.category() == *cat && (!*pref || t.is_preferred())
                    }
                })
            })
            .collect();
        if filtered.len() == 1 {
            return Ok(filtered[0]);
        }
        if !filtered.is_empty() {
            cands = filtered;
        }
    }
    // Rule 5: unknowns take the single known type.
    let knowns: Vec<DataType> = args.iter().copied().filter(known).collect();
    if !knowns.is_empty() && knowns.iter().all(|k| *k == knowns[0]) {
        let k = knowns[0];
        let fits: Vec<&'static FuncDef> = cands
            .iter()
            .copied()
            .filter(|d| {
                let with_k: Vec<DataType> =
                    args.iter().map(|a| if known(a) { *a } else { k }).collect();
                d.args
                    .iter()
                    .all(|p| can_coerce(k, *p, CoercionContext::Implicit))
                    && polymorphic_consistent(d, &with_k)
            })
            .collect();
        if fits.len() == 1 {
            return Ok(fits[0]);
        }
    }
    Err(ResolveError::Ambiguous)
}

fn keep_best(
    cands: Vec<&'static FuncDef>,
    score: impl Fn(&FuncDef) -> usize,
) -> Vec<&'static FuncDef> {
    let best = cands.iter().map(|d| score(d)).max().unwrap_or(0);
    let kept: Vec<&'static FuncDef> = cands.iter().copied().filter(|d| score(d) == best).collect();
    if kept.is_empty() {
        cands
    } else {
        kept
    }
}

/// Concrete argument and result types for the chosen candidate.
fn finish(def: &'static FuncDef, args: &[DataType]) -> Resolved {
    let elem = polymorphic_element(def, args)
        .flatten()
        .unwrap_or(DataType::Text);
    // The array type: an argument's own, else the element's array type.
    let array = args
        .iter()
        .find(|a| matches!(a, DataType::Array(e) if **e == elem))
        .copied()
        .or_else(|| elem.array_type())
        .unwrap_or(DataType::Array(&DataType::Text));
    // The range type: a range argument's own, a multirange argument's
    // ranges', else the element's range type.
    let range = def
        .args
        .iter()
        .zip(args)
        .find_map(|(p, a)| match (p, a) {
            (DataType::AnyRange, DataType::Range(_) | DataType::UserRange(_))
            | (DataType::AnyMultirange, DataType::Multirange(_)) => Some(a.range_part()),
            _ => None,
        })
        .or_else(|| DataType::range_of(elem))
        .unwrap_or(DataType::AnyRange);
    let compatible = compatible_element(def, args)
        .flatten()
        .unwrap_or(DataType::Text);
    let concrete = |p: DataType, a: DataType| match p {
        DataType::Any => a,
        DataType::AnyCompatible => compatible,
        DataType::AnyCompatibleArray => compatible
            .array_type()
            .unwrap_or(DataType::Array(&DataType::Text)),
        DataType::AnyArray => array,
        DataType::AnyRange => range,
        DataType::AnyMultirange => {
            DataType::multirange_of(range).unwrap_or(DataType::AnyMultirange)
        }
        p if p.is_polymorphic() => elem,
        p => p,
    };
    let arg_types = def
        .args
        .iter()
        .zip(args)
        .map(|(p, a)| concrete(*p, *a))
        .collect();
    let ret = concrete(def.ret, def.ret);
    Resolved {
        def,
        arg_types,
        ret,
    }
}

/// The 42883/42725 error for a function call, as PostgreSQL words it.
pub fn function_error(name: &str, args: &[DataType], err: ResolveError) -> SqlError {
    let sig = format!("{name}({})", type_list(args));
    match err {
        ResolveError::NotFound => SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("function {sig} does not exist"),
        )
        .with_hint(
            "No function matches the given name and argument types. You might need to add explicit type casts.",
        ),
        ResolveError::Ambiguous => SqlError::new(
            SqlState::AMBIGUOUS_FUNCTION,
            format!("function {sig} is not unique"),
        )
        .with_hint(
            "Could not choose a best candidate function. You might need to add explicit type casts.",
        ),
    }
}

/// The 42883/42725 error for an operator.
pub fn operator_error(op: &str, args: &[DataType], err: ResolveError) -> SqlError {
    let sig = match args {
        [a] => format!("{op} {a}"),
        [a, b] => format!("{a} {op} {b}"),
        _ => op.to_owned(),
    };
    match err {
        ResolveError::NotFound => SqlError::new(
            SqlState::UNDEFINED_FUNCTION,
            format!("operator does not exist: {sig}"),
        )
        .with_hint(
            "No operator matches the given name and argument types. You might need to add explicit type casts.",
        ),
        ResolveError::Ambiguous => SqlError::new(
            SqlState::AMBIGUOUS_FUNCTION,
            format!("operator is not unique: {sig}"),
        )
        .with_hint(
            "Could not choose a best candidate operator. You might need to add explicit type casts.",
        ),
    }
}

/// Argument types as PostgreSQL's messages list them.
pub fn type_list(args: &[DataType]) -> String {
    args.iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use DataType::*;

    fn ret(
        name: &str,
        args: &[DataType],
        kind: CallKind,
    ) -> std::result::Result<DataType, ResolveError> {
        resolve(name, args, kind).map(|r| r.ret)
    }

    #[test]
    fn operator_resolution_follows_postgres() {
        let op = CallKind::Operator;
        // Each case checked against PostgreSQL 15 with pg_typeof.
        assert_eq!(ret("+", &[Int4, Int4], op), Ok(Int4));
        assert_eq!(ret("+", &[Int2, Int2], op), Ok(Int2));
        assert_eq!(ret("+", &[Int4, Int8], op), Ok(Int8));
        assert_eq!(ret("+", &[Int2, Int4], op), Ok(Int4));
        assert_eq!(ret("+", &[Numeric, Int4], op), Ok(Numeric));
        assert_eq!(ret("/", &[Int4, Float4], op), Ok(Float8));
        assert_eq!(ret("*", &[Float4, Int2], op), Ok(Float8));
        assert_eq!(ret("+", &[Float4, Numeric], op), Ok(Float8));
        assert_eq!(ret("+", &[Float4, Float4], op), Ok(Float4));
        assert_eq!(ret("=", &[Numeric, Float8], op), Ok(Bool));
        assert_eq!(ret("=", &[Int4, Unknown], op), Ok(Bool));
        assert_eq!(ret("||", &[Unknown, Unknown], op), Ok(Text));
        assert_eq!(ret("||", &[Unknown, Int4], op), Ok(Text));
        assert_eq!(
            ret("+", &[Unknown, Unknown], op),
            Err(ResolveError::Ambiguous)
        );
        assert_eq!(ret("+", &[Int4, Bool], op), Err(ResolveError::NotFound));
        assert_eq!(ret("||", &[Int4, Int4], op), Err(ResolveError::NotFound));
    }

    #[test]
    fn function_resolution_follows_postgres() {
        let f = CallKind::Function;
        assert_eq!(ret("abs", &[Unknown], f), Ok(Float8));
        assert_eq!(ret("abs", &[Int4], f), Ok(Int4));
        assert_eq!(ret("length", &[Int4], f), Err(ResolveError::NotFound));
        assert_eq!(ret("pg_sleep", &[Int4], f), Ok(Void));
        assert_eq!(ret("nosuch", &[], f), Err(ResolveError::NotFound));
    }

    #[test]
    fn error_texts() {
        let e = function_error("foo", &[Int4], ResolveError::NotFound);
        assert_eq!(e.message(), "function foo(integer) does not exist");
        let e = operator_error("+", &[Int4, Bool], ResolveError::NotFound);
        assert_eq!(e.message(), "operator does not exist: integer + boolean");
        let e = operator_error("+", &[Unknown, Unknown], ResolveError::Ambiguous);
        assert_eq!(e.message(), "operator is not unique: unknown + unknown");
    }
}
