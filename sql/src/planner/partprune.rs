//! Partition pruning: of the partitions an Append reads, those whose
//! bound no row meeting the conditions could fall in are left out
//! (PostgreSQL's plan-time pruning), and each remaining scan is named as
//! PostgreSQL's EXPLAIN names it.
//!
//! Conditions used: `key = constant` on every key column (the one
//! partition such a row is routed to), `key IN (constants)` and `key IS
//! NULL` on a list key, and `<`, `<=`, `>`, `>=` against a constant on
//! the first column of a range key. Anything else keeps every partition.

use std::cmp::Ordering;

use crate::expr::{Expr, ExprKind};
use crate::plan::{PartitionPruning, Plan};
use crate::table::partition::{route_key, Bound, Datum};
use crate::value::Value;

/// What the conditions say of one key column.
#[derive(Default)]
struct Known {
    /// Equal to one of these (None: no such condition).
    values: Option<Vec<Value>>,
    /// Lower limit, inclusive when true.
    lower: Option<(Value, bool)>,
    /// Upper limit, inclusive when true.
    upper: Option<(Value, bool)>,
}

fn column_const(a: &Expr, b: &Expr) -> Option<(usize, Value)> {
    match (&a.kind, &b.kind) {
        (ExprKind::Column(k), ExprKind::Const(v)) if a.ty == b.ty && !v.is_null() => {
            Some((*k, v.clone()))
        }
        _ => None,
    }
}

fn flip(op: &str) -> &str {
    match op {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        o => o,
    }
}

fn learn(c: &Expr, key: &[usize], known: &mut [Known]) {
    match &c.kind {
        ExprKind::And(parts) => {
            for p in parts {
                learn(p, key, known);
            }
        }
        ExprKind::Call { def, args } if args.len() == 2 => {
            let (k, v, op) = match column_const(&args[0], &args[1]) {
                Some((k, v)) => (k, v, def.name),
                None => match column_const(&args[1], &args[0]) {
                    Some((k, v)) => (k, v, flip(def.name)),
                    None => return,
                },
            };
            let Some(i) = key.iter().position(|&p| p == k) else {
                return;
            };
            let slot = &mut known[i];
            match op {
                "=" => slot.values = Some(vec![v]),
                ">" => slot.lower = Some((v, false)),
                ">=" => slot.lower = Some((v, true)),
                "<" => slot.upper = Some((v, false)),
                "<=" => slot.upper = Some((v, true)),
                _ => {}
            }
        }
        ExprKind::InList {
            arg,
            list,
            negated: false,
        } => {
            let ExprKind::Column(k) = arg.kind else {
                return;
            };
            let Some(i) = key.iter().position(|&p| p == k) else {
                return;
            };
            let mut values = Vec::new();
            for (e, op) in list {
                match &e.kind {
                    ExprKind::Const(v) if op.name == "=" && e.ty == arg.ty && !v.is_null() => {
                        values.push(v.clone())
                    }
                    _ => return,
                }
            }
            known[i].values = Some(values);
        }
        ExprKind::IsNull {
            arg,
            negated: false,
        } => {
            if let ExprKind::Column(k) = arg.kind {
                if let Some(i) = key.iter().position(|&p| p == k) {
                    known[i].values = Some(vec![Value::Null]);
                }
            }
        }
        _ => {}
    }
}

fn cmp(a: &Value, b: &Value) -> Ordering {
    a.compare(b).unwrap_or(Ordering::Equal)
}

/// Whether a range bound's first column can hold a value within `k`'s
/// limits.
fn range_meets(lo: &[Datum], hi: &[Datum], k: &Known) -> bool {
    let single = lo.len() == 1;
    if let (Some((q, incl)), Some(u)) = (&k.lower, hi.first()) {
        // Values of the partition are below its upper bound.
        if let Datum::Val(u) = u {
            let o = cmp(u, q);
            if o == Ordering::Less || (o == Ordering::Equal && (single || !incl)) {
                return false;
            }
        } else if *u == Datum::Min {
            return false;
        }
    }
    if let (Some((q, incl)), Some(l)) = (&k.upper, lo.first()) {
        if let Datum::Val(l) = l {
            let o = cmp(l, q);
            if o == Ordering::Greater || (o == Ordering::Equal && !incl) {
                return false;
            }
        } else if *l == Datum::Max {
            return false;
        }
    }
    true
}

/// Which inputs may hold rows meeting `conds`.
pub(super) fn survivors(conds: &[Expr], info: &PartitionPruning) -> Vec<bool> {
    let n = info.bounds.len();
    let mut known: Vec<Known> = info.key.iter().map(|_| Known::default()).collect();
    for c in conds {
        learn(c, &info.key, &mut known);
    }
    // Every key column pinned to a few values: the partitions those keys
    // route to.
    if known.iter().all(|k| k.values.is_some()) && !known.is_empty() {
        let mut keep = vec![false; n];
        let mut keys: Vec<Vec<Value>> = vec![Vec::new()];
        for k in &known {
            let vals = k.values.as_deref().unwrap_or_default();
            keys = keys
                .into_iter()
                .flat_map(|prefix| {
                    vals.iter().map(move |v| {
                        let mut p = prefix.clone();
                        p.push(v.clone());
                        p
                    })
                })
                .collect();
            if keys.len() > 1000 {
                return vec![true; n];
            }
        }
        for key in keys {
            if let Some(i) = route_key(info.bounds.iter(), &key, &info.types) {
                keep[i] = true;
            }
        }
        return keep;
    }
    let Some(first) = known.first().filter(|_| info.strategy == 'r') else {
        return vec![true; n];
    };
    info.bounds
        .iter()
        .map(|b| match b {
            Bound::Range(lo, hi) => range_meets(lo, hi, first),
            _ => true,
        })
        .collect()
}

/// Names a partition's scan for EXPLAIN (under Projects and Filters).
pub(super) fn name_scan(plan: &mut Plan, alias: &str) {
    match plan {
        Plan::SeqScan { alias: a, .. } | Plan::IndexScan { alias: a, .. } => {
            *a = Some(std::sync::Arc::from(alias));
        }
        Plan::Project { input, .. } | Plan::Filter { input, .. } => name_scan(input, alias),
        _ => {}
    }
}
