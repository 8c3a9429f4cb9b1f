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

mod bytea;
mod datetime;
mod math;
mod operators;
pub(crate) mod string;
pub(crate) mod system;

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

/// Functions and operators by name.
static REGISTRY: LazyLock<HashMap<&'static str, Vec<&'static FuncDef>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<&'static FuncDef>> = HashMap::new();
    let tables = operators::OPERATORS.iter().copied().chain([
        math::FUNCTIONS,
        bytea::FUNCTIONS,
        string::FUNCTIONS,
        datetime::FUNCTIONS,
        system::FUNCTIONS,
    ]);
    for table in tables {
        for d in table {
            map.entry(d.name).or_default().push(d);
        }
    }
    map
});

/// All candidates named `name` (lower case) with `nargs` arguments.
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

/// All arguments matched to AnyElement/AnyNonArray must agree on one type.
fn polymorphic_consistent(d: &FuncDef, args: &[DataType]) -> bool {
    let mut seen: Option<DataType> = None;
    for (a, p) in args.iter().zip(d.args) {
        if p.is_polymorphic() && *a != DataType::Unknown {
            if *p == DataType::AnyNonArray && matches!(a, DataType::Array(_)) {
                return false;
            }
            if seen.is_some_and(|s| s != *a) {
                return false;
            }
            seen = Some(*a);
        }
    }
    true
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
                d.args
                    .iter()
                    .all(|p| can_coerce(k, *p, CoercionContext::Implicit))
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
    let poly = args
        .iter()
        .zip(def.args)
        .find(|(a, p)| p.is_polymorphic() && **p != DataType::Any && **a != DataType::Unknown)
        .map(|(a, _)| *a)
        .unwrap_or(DataType::Text);
    let arg_types = def
        .args
        .iter()
        .zip(args)
        .map(|(p, a)| match p {
            DataType::Any => *a,
            p if p.is_polymorphic() => poly,
            p => *p,
        })
        .collect();
    let ret = if def.ret.is_polymorphic() {
        poly
    } else {
        def.ret
    };
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

fn type_list(args: &[DataType]) -> String {
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
