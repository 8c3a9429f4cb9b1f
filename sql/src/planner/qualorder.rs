//! The order of a node's conditions (PostgreSQL's order_qual_clauses):
//! the terms of a filter or join filter run cheapest first, by
//! cost_qual_eval's per-row estimate — an operator or function call one
//! unit, `x op ANY (array)` half a unit per array element (10 elements
//! when not known), a subquery last — keeping the written order among
//! equals. Filter lines of EXPLAIN, and which term's error a row
//! raises first, follow PostgreSQL's.

use crate::expr::{Expr, ExprKind};
use crate::plan::Plan;
use crate::types::DataType;
use crate::value::Value;

/// A subquery costs more than any expression without one.
const SUBQUERY: f64 = 1.0e9;
/// estimate_array_length of an array that is not a constant.
const ARRAY_LENGTH: f64 = 10.0;

impl Plan {
    /// Orders the terms of every filter and join filter of the plan.
    pub(super) fn order_quals(&mut self) {
        match self {
            Plan::Filter { predicate, .. } => order(predicate),
            Plan::Join { on: Some(on), .. } | Plan::Lateral { on: Some(on), .. } => order(on),
            _ => {}
        }
        for c in self.children_mut() {
            c.order_quals();
        }
    }
}

/// Sorts the terms of an AND by cost, stably. Equalities of a column
/// with a constant or another column come after the other terms first:
/// PostgreSQL keeps them in equivalence classes and adds them back to a
/// relation's conditions after the rest.
fn order(e: &mut Expr) {
    if let ExprKind::And(items) = &mut e.kind {
        let (rest, equalities): (Vec<Expr>, Vec<Expr>) = std::mem::take(items)
            .into_iter()
            .partition(|t| !equality(t));
        let mut costed: Vec<(f64, Expr)> = rest
            .into_iter()
            .chain(equalities)
            .map(|t| (cost(&t), t))
            .collect();
        costed.sort_by(|a, b| a.0.total_cmp(&b.0));
        *items = costed.into_iter().map(|(_, t)| t).collect();
    }
}

/// `column = constant` or `column = column`.
fn equality(e: &Expr) -> bool {
    let plain = |x: &Expr| matches!(x.kind, ExprKind::Column(_) | ExprKind::Const(_));
    match &e.kind {
        ExprKind::Call { def, args } if def.name == "=" && args.len() == 2 => {
            plain(&args[0])
                && plain(&args[1])
                && (matches!(args[0].kind, ExprKind::Column(_))
                    || matches!(args[1].kind, ExprKind::Column(_)))
        }
        _ => false,
    }
}

/// The per-row cost of evaluating `e`, in operator units.
fn cost(e: &Expr) -> f64 {
    let children = |items: &[&Expr]| items.iter().map(|x| cost(x)).sum::<f64>();
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Column(_) | ExprKind::Param(_) | ExprKind::Outer { .. } => {
            0.0
        }
        ExprKind::SubLink(_) => SUBQUERY,
        ExprKind::Aggregate(_) | ExprKind::Window(_) | ExprKind::SetCall { .. } => 0.0,
        ExprKind::Call { args, .. } => 1.0 + args.iter().map(cost).sum::<f64>(),
        // procost 100, as PostgreSQL gives functions not written in C.
        ExprKind::UserCall(c) => 100.0 + c.args.iter().map(cost).sum::<f64>(),
        ExprKind::Cast { arg, .. } => {
            // A binary-compatible relabeling (varchar to text) is free.
            let free = text_like(arg.ty) && text_like(e.ty);
            cost(arg) + if free { 0.0 } else { 1.0 }
        }
        ExprKind::And(items) | ExprKind::Or(items) | ExprKind::Coalesce(items) => {
            items.iter().map(cost).sum()
        }
        ExprKind::Not(x) => cost(x),
        ExprKind::IsNull { arg, .. } | ExprKind::IsBool { arg, .. } => cost(arg),
        ExprKind::DistinctFrom { left, right, .. } | ExprKind::NullIf { left, right, .. } => {
            1.0 + children(&[left, right])
        }
        ExprKind::MinMax { args, .. } => 1.0 + args.iter().map(cost).sum::<f64>(),
        ExprKind::Case { whens, otherwise } => {
            whens.iter().map(|(w, t)| cost(w) + cost(t)).sum::<f64>()
                + otherwise.as_deref().map_or(0.0, cost)
        }
        ExprKind::InList { arg, list, .. } => {
            cost(arg) + list.iter().map(|(x, _)| cost(x)).sum::<f64>() + 0.5 * list.len() as f64
        }
        ExprKind::ArrayOp { arg, array, .. } => cost(arg) + cost(array) + 0.5 * array_length(array),
    }
}

/// estimate_array_length: the elements of a constant array or an
/// ARRAY[...] constructor, else 10.
fn array_length(e: &Expr) -> f64 {
    match &e.kind {
        ExprKind::Const(Value::Array(a)) => a.items().len() as f64,
        ExprKind::Call { def, args } if def.name == "array" => args.len() as f64,
        _ => ARRAY_LENGTH,
    }
}

fn text_like(ty: DataType) -> bool {
    matches!(
        ty,
        DataType::Text | DataType::Varchar | DataType::Bpchar | DataType::Name
    )
}
