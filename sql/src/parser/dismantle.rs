//! Dropping sqlparser trees without recursing down their chains.
//!
//! sqlparser builds left-deep chains (`a+b+c...`, `x::int::int...`,
//! `... UNION ALL ...`) of any length without recursion, but its trees
//! drop recursively, so the drop of a long enough chain would overflow
//! any stack. [`dismantle`] takes every chain apart first: a visitor cuts
//! each chain node's operands out (leaving a NULL in their place) onto a
//! work list, and the list is emptied one node at a time, each visited
//! the same way. What is left of every node is shallow when it drops.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, SetExpr, Statement, Value, VisitMut, VisitorMut};

/// Operands cut out of their chains, still to drop.
#[derive(Default)]
struct Cut {
    /// Expressions.
    exprs: Vec<Expr>,
    /// Query bodies.
    sets: Vec<SetExpr>,
}

fn take(e: &mut Expr) -> Expr {
    std::mem::replace(e, Expr::Value(Value::Null.with_empty_span()))
}

fn take_set(s: &mut SetExpr) -> SetExpr {
    std::mem::replace(
        s,
        SetExpr::Values(sqlparser::ast::Values {
            explicit_row: false,
            value_keyword: false,
            rows: Vec::new(),
        }),
    )
}

impl Cut {
    /// Cuts the operands of a set operation out.
    fn cut_set(&mut self, s: &mut SetExpr) {
        if let SetExpr::SetOperation { left, right, .. } = s {
            self.sets.push(take_set(left));
            self.sets.push(take_set(right));
        }
    }
}

impl VisitorMut for Cut {
    type Break = ();

    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        match e {
            Expr::BinaryOp { left, right, .. }
            | Expr::IsDistinctFrom(left, right)
            | Expr::IsNotDistinctFrom(left, right)
            | Expr::AnyOp { left, right, .. }
            | Expr::AllOp { left, right, .. }
            | Expr::Like {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::ILike {
                expr: left,
                pattern: right,
                ..
            }
            | Expr::SimilarTo {
                expr: left,
                pattern: right,
                ..
            } => {
                self.exprs.push(take(left));
                self.exprs.push(take(right));
            }
            Expr::UnaryOp { expr, .. }
            | Expr::Nested(expr)
            | Expr::Cast { expr, .. }
            | Expr::Collate { expr, .. }
            | Expr::IsNull(expr)
            | Expr::IsNotNull(expr)
            | Expr::IsTrue(expr)
            | Expr::IsNotTrue(expr)
            | Expr::IsFalse(expr)
            | Expr::IsNotFalse(expr)
            | Expr::IsUnknown(expr)
            | Expr::IsNotUnknown(expr) => self.exprs.push(take(expr)),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
        self.cut_set(&mut q.body);
        ControlFlow::Continue(())
    }
}

/// Takes `stmt`'s chains apart so that it drops without deep recursion.
pub(super) fn dismantle(stmt: &mut Statement) {
    let mut cut = Cut::default();
    let _ = stmt.visit(&mut cut);
    loop {
        if let Some(mut e) = cut.exprs.pop() {
            let _ = e.visit(&mut cut);
        } else if let Some(mut s) = cut.sets.pop() {
            cut.cut_set(&mut s);
            let _ = s.visit(&mut cut);
        } else {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Parsed};

    #[test]
    fn long_chains_drop_on_a_small_stack() {
        let sum = format!("SELECT {}", vec!["1"; 300_000].join("+"));
        let casts = format!("SELECT 1{}", "::int".repeat(300_000));
        let union = vec!["SELECT 1"; 200_000].join(" UNION ALL ");
        let mixed = format!(
            "SELECT abs({}) IS NULL",
            vec!["(1 || 'x')"; 100_000].join(" AND ")
        );
        for sql in [sum, casts, union, mixed] {
            // A 2 MB thread: a recursive drop of any of these overflows it.
            let done = std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    let parsed = parse(&sql).unwrap();
                    assert!(matches!(parsed.as_slice(), [Parsed::Sql(_)]));
                    drop(parsed);
                })
                .unwrap()
                .join();
            assert!(done.is_ok());
        }
    }
}
