//! Storage parameters (`WITH (...)`, `ALTER ... SET (...)` / `RESET
//! (...)`): checked as PostgreSQL's reloptions.c checks them and kept in
//! pg_class.reloptions as `name=value` texts.
//!
//! Rules:
//! 1. A table takes the heap parameters (and `toast.` ones), a view
//!    `check_option`, `security_barrier` and `security_invoker`, a B-tree
//!    index `fillfactor` and `deduplicate_items`; any other name is 22023
//!    "unrecognized parameter".
//! 2. A value is checked against its parameter's kind and bounds (22023);
//!    a boolean or enum value is stored as written, lower case.
//! 3. Only fillfactor changes how rows are stored; the autovacuum ones are
//!    kept for the catalog (the autovacuum worker reads the server's
//!    settings).

use crate::error::{Result, SqlError, SqlState};

/// What a relation is, for its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A table (heap).
    Table,
    /// A view.
    View,
    /// A B-tree index.
    Index,
}

/// The kind and bounds of a parameter.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Int(i64, i64),
    Real(f64, f64),
    Enum(&'static [&'static str]),
}

use Kind::*;

/// Heap parameters (also valid with a `toast.` prefix where PostgreSQL
/// allows: the autovacuum and vacuum ones).
const HEAP: &[(&str, Kind, bool)] = &[
    ("fillfactor", Int(10, 100), false),
    ("toast_tuple_target", Int(128, 8160), false),
    ("parallel_workers", Int(0, 1024), false),
    ("user_catalog_table", Bool, false),
    ("autovacuum_enabled", Bool, true),
    ("autovacuum_vacuum_threshold", Int(0, i32::MAX as i64), true),
    (
        "autovacuum_vacuum_insert_threshold",
        Int(-1, i32::MAX as i64),
        true,
    ),
    (
        "autovacuum_analyze_threshold",
        Int(0, i32::MAX as i64),
        false,
    ),
    ("autovacuum_vacuum_cost_limit", Int(1, 10000), true),
    ("autovacuum_freeze_min_age", Int(0, 1_000_000_000), true),
    (
        "autovacuum_freeze_max_age",
        Int(100_000, 2_000_000_000),
        true,
    ),
    ("autovacuum_freeze_table_age", Int(0, 2_000_000_000), true),
    (
        "autovacuum_multixact_freeze_min_age",
        Int(0, 1_000_000_000),
        true,
    ),
    (
        "autovacuum_multixact_freeze_max_age",
        Int(10_000, 2_000_000_000),
        true,
    ),
    (
        "autovacuum_multixact_freeze_table_age",
        Int(0, 2_000_000_000),
        true,
    ),
    (
        "log_autovacuum_min_duration",
        Int(-1, i32::MAX as i64),
        true,
    ),
    ("autovacuum_vacuum_cost_delay", Real(0.0, 100.0), true),
    ("autovacuum_vacuum_scale_factor", Real(0.0, 100.0), true),
    (
        "autovacuum_vacuum_insert_scale_factor",
        Real(0.0, 100.0),
        true,
    ),
    ("autovacuum_analyze_scale_factor", Real(0.0, 100.0), false),
    ("vacuum_truncate", Bool, true),
    (
        "vacuum_index_cleanup",
        Enum(&["auto", "on", "off", "true", "false", "yes", "no", "1", "0"]),
        true,
    ),
];

const VIEW: &[(&str, Kind, bool)] = &[
    ("check_option", Enum(&["local", "cascaded"]), false),
    ("security_barrier", Bool, false),
    ("security_invoker", Bool, false),
];

const BTREE: &[(&str, Kind, bool)] = &[
    ("fillfactor", Int(10, 100), false),
    ("deduplicate_items", Bool, false),
];

fn unrecognized(name: &str) -> SqlError {
    SqlError::new(
        SqlState::INVALID_PARAMETER_VALUE,
        format!("unrecognized parameter \"{name}\""),
    )
}

/// The parameter `name` of a `target` (rule 1).
fn find(target: Target, name: &str) -> Result<Kind> {
    let (list, base) = match (target, name.strip_prefix("toast.")) {
        (Target::Table, Some(rest)) => (HEAP, Some(rest)),
        (Target::Table, None) => (HEAP, None),
        (Target::View, _) => (VIEW, None),
        (Target::Index, _) => (BTREE, None),
    };
    let key = base.unwrap_or(name);
    match list.iter().find(|(n, _, _)| *n == key) {
        Some((_, kind, toast)) if base.is_none() || *toast => Ok(*kind),
        _ => Err(unrecognized(name)),
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" | "t" | "y" => Some(true),
        "false" | "off" | "no" | "0" | "f" | "n" => Some(false),
        _ => None,
    }
}

/// One `name=value` checked (rule 2); a parameter without a value is
/// `true` for a boolean.
fn check(target: Target, name: &str, value: Option<&str>) -> Result<String> {
    let kind = find(target, name)?;
    let invalid = |what: &str, v: &str| {
        SqlError::new(
            SqlState::INVALID_PARAMETER_VALUE,
            format!("invalid value for {what} option \"{name}\": {v}"),
        )
    };
    let out = match kind {
        Bool => {
            let v = value.unwrap_or("true");
            parse_bool(v).ok_or_else(|| invalid("boolean", v))?;
            v.to_ascii_lowercase()
        }
        Int(lo, hi) => {
            let v = value.unwrap_or("");
            let n: i64 = v.parse().map_err(|_| invalid("integer", v))?;
            if n < lo || n > hi {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("value {v} out of bounds for option \"{name}\""),
                )
                .with_detail(format!("Valid values are between \"{lo}\" and \"{hi}\".")));
            }
            v.to_owned()
        }
        Real(lo, hi) => {
            let v = value.unwrap_or("");
            let n: f64 = v.parse().map_err(|_| invalid("floating point", v))?;
            if n < lo || n > hi {
                return Err(SqlError::new(
                    SqlState::INVALID_PARAMETER_VALUE,
                    format!("value {v} out of bounds for option \"{name}\""),
                )
                .with_detail(format!(
                    "Valid values are between \"{lo:.6}\" and \"{hi:.6}\"."
                )));
            }
            v.to_owned()
        }
        Enum(words) => {
            let v = value.unwrap_or("").to_ascii_lowercase();
            if !words.contains(&v.as_str()) {
                return Err(invalid("enum", &v)
                    .with_detail(format!("Valid values are \"{}\".", words.join("\", \""))));
            }
            v
        }
    };
    Ok(format!("{name}={out}"))
}

/// `existing` with `set` applied: each parameter checked, a parameter
/// given again replacing its old value, in PostgreSQL's order (the old
/// ones first).
pub(crate) fn set(
    target: Target,
    existing: &[String],
    set: &[(String, Option<String>)],
) -> Result<Vec<String>> {
    let mut out: Vec<String> = existing.to_vec();
    for (name, value) in set {
        let entry = check(target, name, value.as_deref())?;
        let prefix = format!("{name}=");
        match out.iter_mut().find(|o| o.starts_with(&prefix)) {
            Some(o) => *o = entry,
            None => out.push(entry),
        }
    }
    Ok(out)
}

/// `existing` without the parameters `names` (42601 if one has a value,
/// as PostgreSQL's RESET).
pub(crate) fn reset(
    target: Target,
    existing: &[String],
    names: &[(String, Option<String>)],
) -> Result<Vec<String>> {
    if names.iter().any(|(_, v)| v.is_some()) {
        return Err(SqlError::new(
            SqlState::SYNTAX_ERROR,
            "RESET must not include values for parameters",
        ));
    }
    // Names are not checked: PostgreSQL resets an unknown one silently.
    let _ = target;
    Ok(existing
        .iter()
        .filter(|o| {
            !names
                .iter()
                .any(|(n, _)| o.split_once('=').is_some_and(|(k, _)| k == n))
        })
        .cloned()
        .collect())
}

/// The parameters as pg_class.reloptions holds them here (one text).
pub(crate) fn stored(options: &[String]) -> crate::value::Value {
    if options.is_empty() {
        crate::value::Value::Null
    } else {
        crate::value::Value::Text(options.join(","))
    }
}

/// The fillfactor among `options` (100 without one).
pub(crate) fn fillfactor(options: &[String]) -> u8 {
    options
        .iter()
        .find_map(|o| o.strip_prefix("fillfactor="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(n: &str, v: Option<&str>) -> (String, Option<String>) {
        (n.into(), v.map(Into::into))
    }

    #[test]
    fn checks_and_merges() {
        let o = set(Target::Table, &[], &[kv("fillfactor", Some("70"))]).unwrap();
        assert_eq!(o, ["fillfactor=70"]);
        let o = set(Target::Table, &o, &[kv("autovacuum_enabled", Some("OFF"))]).unwrap();
        assert_eq!(o, ["fillfactor=70", "autovacuum_enabled=off"]);
        let o = set(Target::Table, &o, &[kv("fillfactor", Some("80"))]).unwrap();
        assert_eq!(fillfactor(&o), 80);
        assert!(set(Target::Table, &o, &[kv("fillfactor", Some("5"))]).is_err());
        assert!(set(Target::Table, &o, &[kv("nosuch", Some("5"))]).is_err());
        assert!(set(Target::Table, &o, &[kv("toast.fillfactor", Some("50"))]).is_err());
        assert!(set(
            Target::Table,
            &o,
            &[kv("toast.autovacuum_enabled", Some("no"))]
        )
        .is_ok());
        assert!(set(Target::View, &[], &[kv("security_barrier", None)]).is_ok());
        let r = reset(Target::Table, &o, &[kv("fillfactor", None)]).unwrap();
        assert_eq!(r, ["autovacuum_enabled=off"]);
        assert_eq!(
            crate::catalog::split_options(&stored(&r).to_text(&Default::default()).unwrap()),
            r
        );
    }
}
