//! What equalities imply (PostgreSQL's equivalence classes): columns
//! equated directly or through others form a class; a constant in a
//! class reaches every member, and each two members of a small class are
//! equated so any two of their tables can be joined directly.

use std::collections::HashMap;

use super::joinorder::equality;
use crate::expr::{Expr, ExprKind};
use crate::types::DataType;

/// Columns an equivalence class may have for each two to be equated.
const MAX_CLASS: usize = 8;

/// Adds what equalities imply (PostgreSQL's equivalence classes): columns
/// equated directly or through others form a class; with a constant in
/// the class, every member equals that constant (a condition on its own
/// table, which can use an index); otherwise each two members of the
/// class are equated, so any two of their tables can be joined directly.
/// Returns the conditions and, for each, the class it equates.
pub(super) fn equivalences(conds: Vec<Expr>) -> (Vec<Expr>, Vec<Option<usize>>) {
    // Column equalities: the operator's two inputs of one type, columns.
    let column_eq = |c: &Expr| -> Option<(usize, usize, &'static crate::func::FuncDef)> {
        let ExprKind::Call { def, args } = &c.kind else {
            return None;
        };
        match (def.name, &args[..]) {
            ("=", [a, b]) if a.ty == b.ty => match (&a.kind, &b.kind) {
                (ExprKind::Column(x), ExprKind::Column(y)) if x != y => Some((*x, *y, *def)),
                _ => None,
            },
            _ => None,
        }
    };
    let mut parent: HashMap<usize, usize> = HashMap::new();
    fn find(parent: &mut HashMap<usize, usize>, x: usize) -> usize {
        let mut r = x;
        while let Some(&p) = parent.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        parent.insert(x, r);
        r
    }
    let mut op: HashMap<usize, &'static crate::func::FuncDef> = HashMap::new();
    let mut ty: HashMap<usize, DataType> = HashMap::new();
    let mut conflicting = false;
    for c in &conds {
        if let Some((a, b, def)) = column_eq(c) {
            for x in [a, b] {
                parent.entry(x).or_insert(x);
            }
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent.insert(ra, rb);
            }
            let t = match &c.kind {
                ExprKind::Call { args, .. } => args[0].ty,
                _ => DataType::Bool,
            };
            for x in [a, b] {
                conflicting |= ty.insert(x, t).is_some_and(|old| old != t);
            }
            conflicting |= op.insert(a, def).is_some_and(|old| !std::ptr::eq(old, def));
        }
    }
    if parent.is_empty() || conflicting {
        let n = conds.len();
        return (conds, vec![None; n]);
    }
    let columns: Vec<usize> = parent.keys().copied().collect();
    let mut members: HashMap<usize, Vec<(usize, DataType)>> = HashMap::new();
    for &c in &columns {
        let root = find(&mut parent, c);
        members
            .entry(root)
            .or_default()
            .push((c, ty.get(&c).copied().unwrap_or(DataType::Bool)));
    }
    // Classes small enough to equate each two members (a class of n
    // columns gives n(n-1)/2 equalities); a larger class keeps the
    // equalities written, each one needed.
    let class_of: HashMap<usize, usize> = {
        let mut roots: Vec<usize> = members
            .iter()
            .filter(|(_, m)| m.len() <= MAX_CLASS)
            .map(|(r, _)| *r)
            .collect();
        roots.sort_unstable();
        roots.iter().enumerate().map(|(i, r)| (*r, i)).collect()
    };
    let def_of = |root: usize| -> Option<&'static crate::func::FuncDef> {
        members
            .get(&root)?
            .iter()
            .find_map(|(c, _)| op.get(c).copied())
    };
    // A constant each class equals (`col = 5`, `col = $1`), if any.
    let mut constants: HashMap<usize, Expr> = HashMap::new();
    for c in &conds {
        let ExprKind::Call { def, args } = &c.kind else {
            continue;
        };
        let [a, b] = &args[..] else { continue };
        let (col, value) = match (&a.kind, &b.kind) {
            (ExprKind::Column(x), _) if fixed(b) => (*x, b),
            (_, ExprKind::Column(x)) if fixed(a) => (*x, a),
            _ => continue,
        };
        if !parent.contains_key(&col) || a.ty != b.ty {
            continue;
        }
        let root = find(&mut parent, col);
        if def_of(root).is_some_and(|d| std::ptr::eq(d, *def)) {
            constants.entry(root).or_insert_with(|| value.clone());
        }
    }
    let column = |c: usize, t: DataType| Expr {
        kind: ExprKind::Column(c),
        ty: t,
        typmod: -1,
        pos: None,
    };
    let present: std::collections::HashSet<String> = conds.iter().map(Expr::fingerprint).collect();
    let mut classes: Vec<Option<usize>> = conds
        .iter()
        .map(|c| {
            column_eq(c).and_then(|(a, _, _)| {
                let root = find(&mut parent, a);
                class_of.get(&root).copied()
            })
        })
        .collect();
    let mut out = conds;
    let mut roots: Vec<usize> = members.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let Some(def) = def_of(root) else { continue };
        let list = members.get(&root).cloned().unwrap_or_default();
        let mut add = |e: Expr, class: Option<usize>, out: &mut Vec<Expr>| {
            if !present.contains(&e.fingerprint()) {
                out.push(e);
                classes.push(class);
            }
        };
        if let Some(value) = constants.get(&root) {
            for &(c, t) in &list {
                add(equality(column(c, t), value.clone(), def), None, &mut out);
            }
        } else if class_of.contains_key(&root) {
            for (i, &(a, ta)) in list.iter().enumerate() {
                for &(b, tb) in &list[i + 1..] {
                    let e = equality(column(a, ta), column(b, tb), def);
                    let flipped = equality(column(b, tb), column(a, ta), def);
                    if !present.contains(&flipped.fingerprint()) {
                        add(e, class_of.get(&root).copied(), &mut out);
                    }
                }
            }
        }
    }
    (out, classes)
}

/// A value fixed for the whole statement: no column of the row, no
/// subquery, nothing volatile.
fn fixed(e: &Expr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| match &x.kind {
        ExprKind::Column(_)
        | ExprKind::SubLink(_)
        | ExprKind::Aggregate(_)
        | ExprKind::Window(_)
        | ExprKind::SetCall { .. } => ok = false,
        k if k.volatility() == Some(crate::func::Volatility::Volatile) => ok = false,
        _ => {}
    });
    ok
}
